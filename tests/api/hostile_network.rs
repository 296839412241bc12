//! Money safety under a hostile network (issue 13, the HTTP-stack part): no redirect is
//! ever followed, HTTP/2 refusals are never replayed, pay calls accept only what OVH
//! sends for `void`, https only (loopback aside), dot segments and malformed paths are
//! refused before sending, URLs too long for the HTTP stack are "nothing sent", only GETs
//! are retried, and query ids kept in errors are short and printable.
//!
//! Every test counts what each server received and asserts the exact number.

use std::time::Duration;

use ovh_renew::models::{AccessRule, PaymentMean, RenewRequest};
use ovh_renew::{
    ApiPath, Credentials, Endpoint, Error, Method, OrderId, OvhClient, OvhClientBuilder,
    RenewPeriod, ServiceId, ServiceRenewApi,
};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::*;

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];
const OID: OrderId = OrderId(214_110_657);
const SID: ServiceId = ServiceId(118_977_335);
/// Put in the `Location` of redirects: it must never show in an error.
const LOCATION_SECRET: &str = "SECRET-location-token-Zq3";

/// The user's own `reqwest::ClientBuilder`, through the builder's public API.
fn user_http(builder: OvhClientBuilder, http: reqwest::ClientBuilder) -> OvhClientBuilder {
    builder.http_client_builder(http)
}

fn renew_request() -> RenewRequest {
    RenewRequest::order("P1Y".parse::<RenewPeriod>().unwrap(), vec![SID])
}

/// A server that answers everything with a healthy `200 null`: where a followed
/// redirect would land. It must receive nothing.
async fn landing() -> RawServer {
    RawServer::start(|_| RawReply::Full(200, fixture("pay_response.json"))).await
}

/// Where the redirect points: the same server (`/1.0/moved`, or the request's own
/// path: a loop), or the landing server on another port, with userinfo and a query
/// string that must not show in errors.
fn location(kind: &str, request_path: &str, other: &RawServer) -> String {
    match kind {
        "same host" => "/1.0/moved".to_owned(),
        "loop" => request_path.to_owned(),
        _ => format!(
            "http://user:{LOCATION_SECRET}@{}/1.0/moved?token={LOCATION_SECRET}",
            other.authority()
        ),
    }
}

/// The redirect error every redirected call must give.
fn assert_redirect_error(case: &str, err: &Error, status: u16, shown_location: &str) {
    let Error::Redirect(redirect) = err else {
        panic!("{case}: expected Error::Redirect, got {err:?}")
    };
    assert_eq!(redirect.location.as_deref(), Some(shown_location), "{case}");
    assert_eq!(err.status(), Some(status), "{case}: {err:?}");
    assert!(err.may_have_been_processed(), "{case}: {err:?}");
    let text = err.to_string();
    assert!(text.contains("redirect"), "{case}: {text}");
    assert!(text.contains("not followed"), "{case}: {text}");
    assert!(text.contains(shown_location), "{case}: {text}");
    assert_eq!(err.query_id(), Some("EU.ext-3.redirect"), "{case}");
    let debug = format!("{err:?}");
    for shown in [&text, &debug] {
        assert_no_secret(shown);
        assert!(!shown.contains(LOCATION_SECRET), "{case}: {shown}");
    }
}

/// POST renew and both pay POSTs, every redirect status, every kind of target: each
/// POST reaches the first server exactly once and nothing reaches the target; the
/// caller gets a redirect error that says the request may have been processed.
#[tokio::test]
async fn a_redirected_post_is_sent_once_and_never_to_the_location() {
    type Post = for<'a> fn(&'a OvhClient) -> ovh_renew::ApiFuture<'a, serde_json::Value>;
    let posts: [(&str, &str, Post); 3] = [
        ("renew", "/1.0/service/118977335/renew", |c| {
            Box::pin(async move {
                let request = Box::leak(Box::new(renew_request()));
                c.create_renew_order(SID, request)
                    .await
                    .map(|o| serde_json::to_value(o).unwrap())
            })
        }),
        (
            "payWithRegisteredPaymentMean",
            "/1.0/me/order/214110657/payWithRegisteredPaymentMean",
            |c| {
                Box::pin(async move {
                    c.pay_with_registered_payment_mean(OID, PaymentMean::FidelityAccount, None)
                        .await
                        .map(|()| serde_json::Value::Null)
                })
            },
        ),
        ("pay", "/1.0/me/order/214110657/pay", |c| {
            Box::pin(async move {
                c.pay_with_payment_method(OID, 9_876_543)
                    .await
                    .map(|()| serde_json::Value::Null)
            })
        }),
    ];
    for (name, wire, post) in posts {
        for status in REDIRECTS {
            for kind in ["same host", "loop", "other port"] {
                let case = format!("{name} × {status} × {kind}");
                let other = landing().await;
                let target = location(kind, wire, &other);
                let first = RawServer::start({
                    let target = target.clone();
                    let wire = wire.to_owned();
                    move |req| {
                        if req.target == wire {
                            RawReply::Redirect(status, target.clone())
                        } else {
                            RawReply::Full(200, fixture("pay_response.json"))
                        }
                    }
                })
                .await;
                let client = first.builder().build().unwrap();
                let outcome = post(&client).await;
                let received = first.received();
                assert_eq!(
                    received.len(),
                    1,
                    "{case}: requests that reached the first server: {received:?} ({outcome:?})"
                );
                assert_eq!(
                    (received[0].method.as_str(), received[0].target.as_str()),
                    ("POST", wire)
                );
                // The one request was the real one: signed, with its body.
                assert!(received[0].head.contains("x-ovh-signature: $1$"), "{case}");
                assert!(received[0].body.starts_with(b"{\""), "{case}");
                assert_eq!(
                    other.request_count(),
                    0,
                    "{case}: the location received {:?}",
                    other.received()
                );
                let err = outcome.expect_err(&case);
                let shown = match kind {
                    "same host" => format!("{}/moved", first.base),
                    "loop" => format!("http://{}{wire}", first.authority()),
                    _ => format!("http://{}/1.0/moved", other.authority()),
                };
                assert_redirect_error(&case, &err, status, &shown);
            }
        }
    }
}

/// A GET redirected to another host: the location gets neither the consumer key nor a
/// signature (it gets nothing at all), and the GET is not retried (a 3xx is not a
/// transient failure).
#[tokio::test]
async fn a_redirected_get_is_not_followed_and_carries_no_credential_elsewhere() {
    for status in REDIRECTS {
        let other = landing().await;
        let target = location("other port", "", &other);
        let first = RawServer::start(move |_| RawReply::Redirect(status, target.clone())).await;
        let err = first
            .builder()
            .build()
            .unwrap()
            .order_status(OID)
            .await
            .unwrap_err();
        assert_eq!(first.request_count(), 1, "{status}");
        assert_eq!(other.request_count(), 0, "{status}: {:?}", other.received());
        assert_redirect_error(
            &format!("GET × {status}"),
            &err,
            status,
            &format!("http://{}/1.0/moved", other.authority()),
        );
    }
}

/// `/auth/time`, the OAuth2 token request and the consumer-key request follow no
/// redirect either.
#[tokio::test]
async fn auth_time_token_and_consumer_key_requests_follow_no_redirect() {
    let other = landing().await;
    let elsewhere = format!("http://{}/1.0/auth/time", other.authority());

    // GET /auth/time (wiremock: RawServer always answers it).
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/1.0/auth/time"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", elsewhere.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let client = OvhClient::builder()
        .endpoint(format!("{}/1.0", server.uri()).parse().unwrap())
        .credentials(Credentials::new(AK, AS, CK))
        .no_retries()
        .build()
        .unwrap();
    let err = client.server_time().await.unwrap_err();
    assert_eq!(err.status(), Some(307), "{err:?}");
    assert!(err.to_string().contains("not followed"), "{err}");

    // The OAuth2 token request (POST).
    Mock::given(method("POST"))
        .and(path("/oauth2/token"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", elsewhere.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    let client = OvhClient::builder()
        .endpoint(format!("{}/1.0", server.uri()).parse().unwrap())
        .credentials(Credentials::oauth2("id", "SECRET-oauth2-client-secret"))
        .oauth2_token_url(&format!("{}/oauth2/token", server.uri()))
        .no_retries()
        .build()
        .unwrap();
    let err = client.order_status(OID).await.unwrap_err();
    let oauth2 = err.oauth2().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(oauth2.status, Some(307), "{err}");
    assert!(!format!("{err} {err:?}").contains("SECRET-"), "{err:?}");

    // POST /auth/credential.
    let first = RawServer::start({
        let elsewhere = elsewhere.clone();
        move |_| RawReply::Redirect(308, elsewhere.clone())
    })
    .await;
    let client = first
        .builder()
        .credentials(Credentials::application(AK, AS))
        .build()
        .unwrap();
    let err = client
        .request_consumer_key(&AccessRule::renewal_flow(), None)
        .await
        .unwrap_err();
    assert_eq!(first.request_count(), 1);
    assert_eq!(err.status(), Some(308), "{err:?}");
    assert!(err.may_have_been_processed());
    server.verify().await;
    assert_eq!(other.request_count(), 0, "{:?}", other.received());
}

/// A `reqwest::ClientBuilder` given by the caller, even one asking to follow up to 10
/// redirects, cannot make the crate follow one.
#[tokio::test]
async fn the_user_supplied_http_client_builder_cannot_follow_a_redirect() {
    let other = landing().await;
    let target = location("other port", "", &other);
    let first = RawServer::start(move |_| RawReply::Redirect(307, target.clone())).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10));
    let client = user_http(first.builder(), http).build().unwrap();
    let err = client
        .pay_with_payment_method(OID, 9_876_543)
        .await
        .unwrap_err();
    assert_eq!(first.request_count(), 1);
    assert_eq!(other.request_count(), 0, "{:?}", other.received());
    assert_eq!(err.status(), Some(307));
    assert!(err.may_have_been_processed());
}

/// HTTP/2 (h2c, prior knowledge, through the caller's builder): a server refusing every
/// stream with REFUSED_STREAM gets each POST exactly once; reqwest's own replay is off.
#[tokio::test]
async fn an_http2_refused_stream_is_never_replayed() {
    let server = H2Server::start().await;
    let client = user_http(
        server_builder(&server.base),
        reqwest::Client::builder().http2_prior_knowledge(),
    )
    .build()
    .unwrap();
    let err = client
        .pay_with_payment_method(OID, 9_876_543)
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    assert_eq!(
        server.streams(),
        [("POST".to_owned(), "/1.0/me/order/214110657/pay".to_owned())],
        "{err}"
    );
    let err = client
        .pay_with_registered_payment_mean(OID, PaymentMean::FidelityAccount, None)
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    assert_eq!(server.streams().len(), 2, "{err}");
    let request = renew_request();
    let err = client.create_renew_order(SID, &request).await.unwrap_err();
    assert!(err.may_have_been_processed(), "{err:?}");
    assert_eq!(server.streams().len(), 3, "{err}");
    assert_no_secret(&format!("{err} {err:?}"));
    // A GET is resent by the crate's own policy only: 1 + 2 retries.
    let _ = client.order_status(OID).await.unwrap_err();
    let gets = server.streams().iter().filter(|(m, _)| m == "GET").count();
    assert_eq!(gets, 3, "{:?}", server.streams());
}

fn server_builder(base: &str) -> OvhClientBuilder {
    OvhClient::builder()
        .endpoint(base.parse::<Endpoint>().unwrap())
        .credentials(Credentials::new(AK, AS, CK))
        .retry(ovh_renew::RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .timeout(Duration::from_secs(5))
}

/// Plain http is refused for endpoints and OAuth2 token URLs, except loopback hosts.
#[test]
fn plain_http_is_refused_except_on_loopback() {
    for refused in [
        "http://api.example.com/1.0",
        "http://eu.api.ovh.com/1.0",
        "http://10.0.0.1/1.0",
        "http://127.0.0.1.attacker.example/1.0",
        "http://localhost.attacker.example/1.0",
        "http://[::2]/1.0",
        "http://0.0.0.0:8080/1.0",
    ] {
        let err = refused.parse::<Endpoint>().unwrap_err();
        assert!(err.to_string().contains("https"), "{refused}: {err}");
        assert!(err.to_string().contains("loopback"), "{refused}: {err}");
    }
    for accepted in [
        "https://api.example.com/1.0",
        "http://127.0.0.1:8080/1.0",
        "http://127.10.20.30/1.0",
        "http://[::1]:8080/1.0",
        "http://localhost:8080/1.0",
        "http://LOCALHOST/1.0",
    ] {
        assert!(accepted.parse::<Endpoint>().is_ok(), "{accepted}");
    }
    let token = |url: &str| {
        OvhClient::builder()
            .endpoint(Endpoint::OvhEu)
            .credentials(Credentials::oauth2("id", "secret"))
            .oauth2_token_url(url)
            .build()
    };
    let err = token("http://www.ovh.com/auth/oauth2/token").unwrap_err();
    assert!(err.to_string().contains("https"), "{err}");
    assert!(err.to_string().contains("loopback"), "{err}");
    assert!(token("https://www.ovh.com/auth/oauth2/token").is_ok());
    assert!(token("http://127.0.0.1:9/oauth2/token").is_ok());
}

/// `..` and `.` in fixed parts, and a fixed part or id after a query, are refused
/// before anything is sent: nothing reaches the server.
#[tokio::test]
async fn dot_segments_and_parts_after_a_query_are_refused_before_sending() {
    let server = RawServer::start(|_| RawReply::Full(200, b"[]".to_vec())).await;
    let client = server.builder().build().unwrap();
    type MakePath = fn() -> ApiPath;
    let bad: Vec<(&str, MakePath)> = vec![
        ("new(/../2.0/me)", || ApiPath::new("/../2.0/me")),
        ("new(/me/./order)", || ApiPath::new("/me/./order")),
        ("lit(..)", || ApiPath::new("/me").lit("..").lit("2.0")),
        ("lit(.)", || ApiPath::new("/me").lit(".")),
        ("lit after query", || {
            ApiPath::new("/service").query("a", "b").lit("renew")
        }),
        ("id after query", || {
            ApiPath::new("/me/order").query("a", "b").id("orderId", 1)
        }),
    ];
    for (case, make) in bad {
        let made = std::panic::catch_unwind(make);
        let Ok(p) = made else {
            panic!("{case}: building the path panicked")
        };
        let err = client
            .call::<serde_json::Value>(Method::Get, &p)
            .await
            .unwrap_err();
        assert!(!err.may_have_been_processed(), "{case}: {err:?}");
        assert!(
            err.to_string().contains("nothing was sent"),
            "{case}: {err}"
        );
        assert_eq!(
            server.received().len(),
            0,
            "{case}: {:?}",
            server.received()
        );
    }
    // A segment after a query is refused by `segment` itself.
    assert!(
        ApiPath::new("/vps")
            .query("a", "b")
            .segment("serviceName", "x")
            .is_err()
    );
    // Dots inside a part are fine.
    let ok: serde_json::Value = client
        .call(Method::Get, &ApiPath::new("/me/a..b/.c/..."))
        .await
        .unwrap();
    assert_eq!(ok, serde_json::json!([]));
    assert_eq!(server.received()[0].target, "/1.0/me/a..b/.c/...");
}

/// What a pay call (OVH `void`) accepts: `null` (OVH's answer, served verbatim from the
/// fixture), an empty 200, a 204. Anything else (a captive portal's HTML, JSON that is
/// not `null`) is an error that says the payment may have been processed.
#[tokio::test]
async fn a_pay_call_accepts_only_what_ovh_sends_for_void() {
    let answer = |status: u16, content_type: &str, body: &[u8]| {
        let mut out = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\nx-ovh-queryid: EU.ext-3.pay\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        out.extend_from_slice(body);
        RawReply::Bytes(out)
    };
    let accepted: Vec<(&str, RawReply)> = vec![
        (
            "null (fixture)",
            answer(200, "application/json", &fixture("pay_response.json")),
        ),
        ("empty 200", answer(200, "application/json", b"")),
        (
            "204",
            RawReply::Bytes(b"HTTP/1.1 204 No Content\r\n\r\n".to_vec()),
        ),
    ];
    let refused: Vec<(&str, RawReply)> =
        vec![
        (
            "captive portal HTML",
            answer(
                200,
                "text/html",
                b"<html><head><title>Hotel WiFi</title></head><body>Please log in</body></html>",
            ),
        ),
        ("JSON object", answer(200, "application/json", b"{}")),
        ("JSON string", answer(200, "application/json", b"\"ok\"")),
        ("JSON true", answer(200, "application/json", b"true")),
        ("truncated null", answer(200, "application/json", b"nu")),
        ("202 with HTML", answer(202, "text/html", b"<p>accepted</p>")),
    ];
    for (case, reply) in accepted {
        let server = RawServer::start(move |_| reply.clone()).await;
        let client = server.builder().build().unwrap();
        client
            .pay_with_payment_method(OID, 1)
            .await
            .unwrap_or_else(|e| panic!("{case}: {e:?}"));
        client
            .pay_with_registered_payment_mean(OID, PaymentMean::FidelityAccount, None)
            .await
            .unwrap_or_else(|e| panic!("{case}: {e:?}"));
        assert_eq!(server.request_count(), 2, "{case}");
    }
    for (case, reply) in refused {
        let server = RawServer::start(move |_| reply.clone()).await;
        let client = server.builder().build().unwrap();
        let errors = [
            client.pay_with_payment_method(OID, 1).await,
            client
                .pay_with_registered_payment_mean(OID, PaymentMean::FidelityAccount, None)
                .await,
        ];
        assert_eq!(server.request_count(), 2, "{case}");
        for outcome in errors {
            let err = outcome.expect_err(case);
            assert!(err.may_have_been_processed(), "{case}: {err:?}");
            assert_eq!(err.query_id(), Some("EU.ext-3.pay"), "{case}");
            assert!(err.to_string().contains("may have"), "{case}: {err}");
            assert!(err.to_string().contains("/status"), "{case}: {err}");
            assert_no_secret(&format!("{err} {err:?}"));
        }
    }
}

/// A URL longer than the HTTP stack accepts is refused before sending: nothing reached
/// the server, and the error says so.
#[tokio::test]
async fn a_url_too_long_for_the_http_stack_is_nothing_sent() {
    let server = RawServer::start(|_| RawReply::Full(200, b"null".to_vec())).await;
    let client = server.builder().build().unwrap();
    let long = "a".repeat(70_000);
    for http in [Method::Get, Method::Post] {
        let p = ApiPath::new("/service")
            .segment("serviceName", &long)
            .unwrap();
        let err = client
            .call_with_body::<serde_json::Value, _>(http, &p, &serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(!err.may_have_been_processed(), "{http}: {err:?}");
        assert!(
            err.to_string().contains("nothing was sent"),
            "{http}: {err}"
        );
        assert!(
            !err.to_string().contains(&long[..100]),
            "the URL is not echoed"
        );
    }
    assert_eq!(server.request_count(), 0);
}

/// Only GETs are retried (as the README says): a HEAD answered 503 is sent once, a GET
/// three times.
#[tokio::test]
async fn only_get_is_retried_not_head() {
    let server = RawServer::start(|_| RawReply::Full(503, Vec::new())).await;
    let client = server.builder().build().unwrap();
    let err = client
        .call::<()>(Method::Head, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.request_count(), 1, "HEAD: {:?}", server.received());
    let _ = client
        .call::<()>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(server.request_count(), 1 + 3);
}

/// A query id kept in an error is at most 128 printable characters, whatever the
/// server sends.
#[tokio::test]
async fn query_ids_in_errors_are_short_and_printable() {
    let huge = "Q".repeat(10_000);
    for (sent, kept) in [
        (huge.clone(), format!("{}…", "Q".repeat(128))),
        ("EU.a\tb c".to_owned(), "EU.abc".to_owned()),
        ("EU.ext-1.ok".to_owned(), "EU.ext-1.ok".to_owned()),
    ] {
        let head = format!(
            "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nx-ovh-queryid: {sent}\r\ncontent-length: 2\r\n\r\n{{}}"
        );
        let server = RawServer::start(move |_| RawReply::Bytes(head.clone().into_bytes())).await;
        let err = server
            .builder()
            .build()
            .unwrap()
            .order_status(OID)
            .await
            .unwrap_err();
        assert_eq!(err.query_id(), Some(kept.as_str()), "{sent:.40}");
        assert!(err.to_string().len() < 1_000, "{}", err.to_string().len());
    }
}

/// The blocking client's builder takes a `reqwest::ClientBuilder` too, with the same
/// policies: a redirect the caller's builder would follow is not followed.
#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_builder_cannot_follow_a_redirect_either() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (first, other) = rt.block_on(async {
        let other = landing().await;
        let target = location("other port", "", &other);
        let first = RawServer::start(move |_| RawReply::Redirect(308, target.clone())).await;
        (first, other)
    });
    let client = ovh_renew::blocking::OvhClient::builder()
        .endpoint(first.base.parse().unwrap())
        .credentials(Credentials::new(AK, AS, CK))
        .http_client_builder(
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::limited(10)),
        )
        .build()
        .unwrap();
    let err = client.pay_with_payment_method(OID, 9_876_543).unwrap_err();
    assert_eq!(first.request_count(), 1);
    assert_eq!(other.request_count(), 0, "{:?}", other.received());
    assert!(
        matches!(&err, Error::Redirect(r) if r.status == 308),
        "{err:?}"
    );
    assert!(err.may_have_been_processed());
}
