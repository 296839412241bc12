//! The request pipeline: signing, time sync, retries, errors, path safety, secrets.

use std::time::Duration;

use ovh_renew::{ApiPath, Error, Method, TransportKind};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::support::*;

#[tokio::test]
async fn signed_get_is_accepted_by_a_server_that_checks_signatures() {
    let ovh = Ovh::start(0, 1).await;
    ovh.mount_signed("GET", "/1.0/service", "service_list.json", 1)
        .await;
    let ids: Vec<u64> = ovh
        .client()
        .call(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap();
    let expected: Vec<u64> = serde_json::from_slice(&fixture("service_list.json")).unwrap();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn post_body_is_compact_signed_and_sent_with_json_content_type() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/auth/unicode"))
        .and(header("content-type", "application/json"))
        .and(body_string(r#"{"message":"tèsté","n":[1,2]}"#))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "void_response.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let body = serde_json::json!({"message": "tèsté", "n": [1, 2]});
    let () = ovh
        .client()
        .call_with_body(Method::Post, &ApiPath::new("/auth/unicode"), &body)
        .await
        .unwrap();
}

#[tokio::test]
async fn get_has_no_body_and_no_content_type() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/me/order/1/status"))
        .and(ovh.signed())
        .and(|req: &Request| req.body.is_empty() && !req.headers.contains_key("content-type"))
        .respond_with(json_fixture(200, "order_status_not_paid.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let status: String = ovh
        .client()
        .call(
            Method::Get,
            &ApiPath::new("/me/order").id("orderId", 1).lit("status"),
        )
        .await
        .unwrap();
    assert_eq!(status, "notPaid");
}

#[tokio::test]
async fn auth_time_is_fetched_once_across_many_concurrent_calls_and_clones() {
    let ovh = Ovh::start(0, 1).await;
    ovh.mount_signed("GET", "/1.0/service", "service_list.json", 50)
        .await;
    let client = ovh.client();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            c.call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
                .await
        }));
    }
    for t in tasks {
        assert!(!t.await.unwrap().unwrap().is_empty());
    }
    assert!(client.time_delta().await.unwrap().abs() <= 1);
}

#[tokio::test]
async fn server_clock_an_hour_ahead_or_behind_still_signs_valid_timestamps() {
    for skew in [3600, -3600, 86_400, -86_400] {
        let ovh = Ovh::start(skew, 1).await;
        ovh.mount_signed("GET", "/1.0/service", "service_list.json", 2)
            .await;
        let client = ovh.client();
        for _ in 0..2 {
            client
                .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
                .await
                .unwrap();
        }
        let delta = client.time_delta().await.unwrap();
        assert!((delta - skew).abs() <= 1, "skew {skew}, delta {delta}");
    }
}

#[tokio::test]
async fn query_time_out_causes_exactly_one_resync_and_one_resend_even_for_post() {
    let ovh = Ovh::start(0, 2).await;
    // First attempt: OVH refuses the timestamp. Second: accepted.
    Mock::given(method("POST"))
        .and(path("/1.0/service/42/renew"))
        .respond_with(json_fixture(400, "error_query_time_out.json"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&ovh.server)
        .await;
    ovh.mount_signed("POST", "/1.0/service/42/renew", "renew_order.json", 1)
        .await;
    let order: serde_json::Value = ovh
        .client()
        .call_with_body(
            Method::Post,
            &ApiPath::new("/service").id("serviceId", 42).lit("renew"),
            &serde_json::json!({"dryRun": true}),
        )
        .await
        .unwrap();
    assert_eq!(order["orderId"], 123456789);
}

#[tokio::test]
async fn persistent_query_time_out_is_resent_only_once_then_reported() {
    let ovh = Ovh::start(0, 2).await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/42/renew"))
        .respond_with(json_fixture(400, "error_query_time_out.json"))
        .expect(2)
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .call_with_body::<serde_json::Value, _>(
            Method::Post,
            &ApiPath::new("/service").id("serviceId", 42).lit("renew"),
            &serde_json::json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("QUERY_TIME_OUT"));
    assert!(crate::support::with_hint(&err).contains("clock"), "{err}");
}

#[tokio::test]
async fn get_is_retried_on_gateway_errors_and_throttling_then_succeeds() {
    for (status, retry_after) in [(502, None), (503, None), (504, None), (429, Some("0"))] {
        let ovh = Ovh::start(0, 1).await;
        let mut failing = ResponseTemplate::new(status).set_body_string("<html>busy</html>");
        if let Some(ra) = retry_after {
            failing = failing.insert_header("Retry-After", ra);
        }
        Mock::given(method("GET"))
            .and(path("/1.0/service"))
            .respond_with(failing)
            .up_to_n_times(1)
            .expect(1)
            .mount(&ovh.server)
            .await;
        ovh.mount_signed("GET", "/1.0/service", "service_list.json", 1)
            .await;
        let ids: Vec<u64> = ovh
            .client()
            .call(Method::Get, &ApiPath::new("/service"))
            .await
            .unwrap();
        assert!(!ids.is_empty(), "status {status}");
    }
}

#[tokio::test]
async fn get_gives_up_after_the_configured_retries_with_the_last_answer() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_string("<html><body>503 Service Unavailable</body></html>"),
        )
        .expect(3)
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    let api = err.api().unwrap();
    assert!(!api.ovh_body);
    assert!(
        api.message.contains("503 Service Unavailable"),
        "{}",
        api.message
    );
}

#[tokio::test]
async fn retries_can_be_turned_off() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.builder().no_retries().build().unwrap();
    let err = client
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn post_is_sent_exactly_once_on_server_errors() {
    for status in [500, 502, 503, 504, 429] {
        let ovh = Ovh::start(0, 1).await;
        Mock::given(method("POST"))
            .and(path("/1.0/service/42/renew"))
            .respond_with(ResponseTemplate::new(status).insert_header("Retry-After", "0"))
            .expect(1)
            .mount(&ovh.server)
            .await;
        let err = ovh
            .client()
            .call_with_body::<serde_json::Value, _>(
                Method::Post,
                &ApiPath::new("/service").id("serviceId", 42).lit("renew"),
                &serde_json::json!({"dryRun": false}),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert!(err.may_have_been_processed());
    }
}

#[tokio::test]
async fn post_is_sent_once_on_a_dropped_connection_and_says_it_may_have_been_processed() {
    let server = RawServer::start(|_| RawReply::DropMidBody).await;
    let client = server.builder().build().unwrap();
    let err = client
        .call_with_body::<serde_json::Value, _>(
            Method::Post,
            &ApiPath::new("/service").id("serviceId", 42).lit("renew"),
            &serde_json::json!({"dryRun": false}),
        )
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1, "POST must be sent exactly once");
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert!(t.may_have_been_processed);
    assert_eq!(t.kind, TransportKind::Connection);
    assert!(err.to_string().contains("may have received"), "{err}");
    assert_no_secret(&format!("{err} {err:?}"));

    // The same dropped answer on a GET is retried (1 + 2 retries).
    let _ = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1 + 3);
}

#[tokio::test]
async fn connect_failure_says_the_request_never_reached_the_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = ovh_renew::OvhClient::builder()
        .endpoint(format!("http://{addr}/1.0").parse().unwrap())
        .credentials(ovh_renew::Credentials::new(AK, AS, CK))
        .no_retries()
        .build()
        .unwrap();
    let err = client
        .call::<i64>(Method::Get, &ApiPath::new("/auth/time"))
        .await
        .unwrap_err();
    assert!(!err.may_have_been_processed(), "{err:?}");
    assert!(err.to_string().contains("never reached"), "{err}");
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout_error() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_fixture(200, "service_list.json").set_delay(Duration::from_secs(3)))
        .mount(&ovh.server)
        .await;
    let client = ovh
        .builder()
        .timeout(Duration::from_millis(200))
        .no_retries()
        .build()
        .unwrap();
    let err = client
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportKind::Timeout);
}

#[tokio::test]
async fn query_booleans_are_true_and_false() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service/7/renew"))
        .and(query_param("includeOptions", "true"))
        .and(ovh.signed())
        .respond_with(json_body(200, "[]"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let p = ApiPath::new("/service")
        .id("serviceId", 7)
        .lit("renew")
        .query_bool("includeOptions", true);
    let v: Vec<serde_json::Value> = ovh.client().call(Method::Get, &p).await.unwrap();
    assert!(v.is_empty());
}

#[tokio::test]
async fn calls_without_result_accept_null_empty_and_204() {
    let ovh = Ovh::start(0, 1).await;
    for (i, resp) in [
        json_fixture(200, "void_response.json"),
        ResponseTemplate::new(200),
        ResponseTemplate::new(204),
    ]
    .into_iter()
    .enumerate()
    {
        Mock::given(method("POST"))
            .and(path(format!("/1.0/x/{i}")))
            .and(ovh.signed())
            .respond_with(resp)
            .expect(1)
            .mount(&ovh.server)
            .await;
    }
    let client = ovh.client();
    for i in 0..3u64 {
        let () = client
            .call_with_body(
                Method::Post,
                &ApiPath::new("/x").id("i", i),
                &serde_json::json!({}),
            )
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn api_errors_carry_status_class_code_message_query_id_and_advice() {
    let ovh = Ovh::start(0, 1).await;
    let cases = [
        ("error_not_found.json", 404),
        ("error_forbidden_not_granted.json", 403),
        ("error_forbidden_iam.json", 403),
        ("error_invalid_credential.json", 403),
        ("error_invalid_signature.json", 400),
        ("error_bad_request.json", 400),
    ];
    for (i, (file, status)) in cases.iter().enumerate() {
        Mock::given(method("POST"))
            .and(path(format!("/1.0/service/{i}/renew")))
            .respond_with(json_fixture(*status, file))
            .expect(1)
            .mount(&ovh.server)
            .await;
    }
    let client = ovh.client();
    let mut errors = Vec::new();
    for i in 0..cases.len() {
        let p = ApiPath::new("/service")
            .id("serviceId", i as u64)
            .lit("renew");
        errors.push(
            client
                .call_with_body::<serde_json::Value, _>(Method::Post, &p, &serde_json::json!({}))
                .await
                .unwrap_err(),
        );
    }
    for (err, (file, status)) in errors.iter().zip(cases) {
        assert_eq!(err.status(), Some(status), "{file}");
        assert!(err.query_id().is_some(), "{file}");
        assert!(
            err.to_string().contains("EU.ext-2.66c70f18"),
            "{file}: {err}"
        );
        assert!(
            err.to_string().contains("/service/{serviceId}/renew"),
            "{err}"
        );
        assert_no_secret(&format!("{err} {err:?}"));
    }
    assert!(errors[0].is_not_found());
    assert!(errors[1].is_not_granted());
    assert_eq!(errors[1].error_code(), Some("NOT_GRANTED_CALL"));
    assert!(
        crate::support::with_hint(&errors[1]).contains("POST /service/*/renew"),
        "{}",
        errors[1]
    );
    assert!(errors[2].is_not_granted());
    assert!(
        errors[2]
            .to_string()
            .contains("account:apiovh:service/renew/create"),
        "{}",
        errors[2]
    );
    assert!(errors[3].is_invalid_credential());
    assert_eq!(errors[4].error_code(), Some("INVALID_SIGNATURE"));
    assert!(!errors[5].is_not_found());
}

#[tokio::test]
async fn expired_service_status_460_is_recognised() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service/9"))
        .respond_with(json_body(
            460,
            r#"{"class":"Client::Expired","message":"Service expired"}"#,
        ))
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/service").id("serviceId", 9))
        .await
        .unwrap_err();
    assert!(err.is_expired_service());
    assert!(err.to_string().contains("Service expired"));
}

#[tokio::test]
async fn decode_errors_name_the_route_the_field_and_the_query_id() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_body(200, r#"[1, 2, "three"]"#))
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.field, "[2]");
    assert_eq!(d.query_id.as_deref(), Some("EU.ext-1.test.query"));
    assert!(err.to_string().contains("GET /service"), "{err}");
}

#[tokio::test]
async fn secrets_never_show_in_client_builder_credentials_or_errors() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_fixture(400, "error_invalid_signature.json"))
        .mount(&ovh.server)
        .await;
    let builder = ovh.builder();
    let builder_text = format!("{builder:?}");
    let client = builder.build().unwrap();
    let err = client
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    let creds = ovh_renew::Credentials::new(AK, AS, CK);
    for text in [
        builder_text,
        format!("{client:?}"),
        format!("{creds:?}"),
        format!("{err}"),
        format!("{err:?}"),
    ] {
        assert_no_secret(&text);
    }
    assert!(format!("{client:?}").contains(AK));
}

#[test]
fn a_builder_without_endpoint_or_credentials_is_an_error_not_a_panic() {
    let err = ovh_renew::OvhClient::builder().build().unwrap_err();
    assert!(err.to_string().contains("ovh-eu"), "{err}");
    let err = ovh_renew::OvhClient::builder()
        .endpoint(ovh_renew::Endpoint::OvhEu)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("credentials"), "{err}");
    let err = ovh_renew::OvhClient::builder()
        .endpoint(ovh_renew::Endpoint::OvhEu)
        .credentials(ovh_renew::Credentials::new(AK, AS, CK))
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("user agent"), "{err}");
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_refused_and_not_retried() {
    let ovh = Ovh::start(0, 1).await;
    let huge = vec![b' '; ovh_renew::MAX_ANSWER_BYTES + 1];
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportKind::TooLarge);
    assert!(crate::support::chain(&err).contains("larger than"), "{err}");
}
