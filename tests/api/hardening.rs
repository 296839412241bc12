//! What the crate promises a billing tool, beyond the fault matrix (`faults.rs`): no
//! secret in any printed value, path safety for any service name, clock shifts, and 200
//! concurrent calls on one client.
#![cfg(feature = "test-util")]

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use ovh_renew::models::*;
use ovh_renew::planner::{PeriodChoice, PlanOptions, plan};
use ovh_renew::testing::{FakeRenewApi, MockOvh, api_error, sandbox, transport_error};
use ovh_renew::workflow::{
    PaymentChoice, RenewError, RenewOptions, ServiceRef, Step, UnpaidCause, renew,
};
use ovh_renew::*;
use proptest::prelude::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

const OAUTH_SECRET: &str = "SECRET-oauth2-client-secret-Qw3";
const ACCESS_TOKEN: &str = "SECRET-access-token-Zx8";
const URL_PASSWORD: &str = "SECRET-url-password-Vb5";
const ORDER_PASSWORD: &str = "SECRET-order-pw-Hq2";
const ORDER_URL: &str = "https://www.ovh.com/cgi-bin/order/displayOrder.cgi?orderId=42&orderPassword=SECRET-order-pw-Hq2";
const ORDER_PDF_URL: &str = "https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=42&orderPassword=SECRET-order-pw-Hq2&format=pdf";

/// Fails if any secret this file knows shows in `text`.
fn assert_nothing_secret(what: &str, text: &str) {
    for secret in [
        AS,
        CK,
        "$1$",
        OAUTH_SECRET,
        ACCESS_TOKEN,
        ORDER_PASSWORD,
        URL_PASSWORD,
        ORDER_URL,
        ORDER_PDF_URL,
        "orderPassword",
        // The userinfo and query of the fault matrix's redirect `Location`s.
        "SECRET-location",
    ] {
        assert!(
            !text.contains(secret),
            "{what}: secret {secret:?} shows in: {text}"
        );
    }
}

fn secret_order() -> Order {
    crate::support::model(serde_json::json!({
        "orderId": 42,
        "priceWithoutTax": {"value": 37.87, "currencyCode": "EUR"},
        "tax": {"value": 7.57, "currencyCode": "EUR"},
        "priceWithTax": {"value": 45.44, "currencyCode": "EUR"},
        "password": ORDER_PASSWORD,
        "url": ORDER_URL,
        "pdfUrl": ORDER_PDF_URL,
    }))
}

/// Every public type, formatted with `{:?}` (and `{}` where it has `Display`), with known
/// credentials, an order carrying a password and URLs, and every error the fault matrix
/// produces: no application secret, consumer key, OAuth2 secret, access token, signature,
/// order password or order URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_any_debug_or_display() {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut add = |what: &str, text: String| texts.push((what.to_owned(), text));

    // Credentials of every kind, their builders and clients.
    let base: Endpoint = "http://127.0.0.1:9/1.0".parse().unwrap();
    let all = [
        Credentials::new(AK, AS, CK),
        Credentials::application(AK, AS),
        Credentials::oauth2("client-id-1", OAUTH_SECRET),
        Credentials::access_token(ACCESS_TOKEN),
    ];
    for creds in all {
        add("credentials", format!("{creds:?}"));
        let builder = OvhClient::builder()
            .endpoint(base.clone())
            .credentials(creds)
            .oauth2_token_url("http://127.0.0.1:9/auth/oauth2/token");
        add("builder", format!("{builder:?}"));
        let client = builder.build().unwrap();
        add("client", format!("{client:?}"));
        add("client credentials", format!("{:?}", client.credentials()));
    }

    // A client that has signed requests (so it holds a time delta), and its errors.
    let mock = MockOvh::builder()
        .credentials(Credentials::new(AK, AS, CK))
        .start()
        .await;
    let client = mock.client();
    add("mock", format!("{mock:?}"));
    let report = renew(
        &client,
        &RenewOptions::new(
            ServiceRef::named("vps", sandbox::VPS_NAME),
            "P3M".parse().unwrap(),
        )
        .order(true)
        .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234))),
    )
    .await
    .unwrap();
    add("client after calls", format!("{client:?}"));
    add("mock requests", format!("{:?}", mock.requests()));
    add("mock orders", format!("{:?}", mock.orders()));
    add("mock dry runs", format!("{:?}", mock.dry_runs()));
    add("mock payments", format!("{:?}", mock.payments()));
    let real_order = client
        .order(report.order().unwrap().order_id)
        .await
        .unwrap();
    add("order from the mock", format!("{real_order:?}"));
    add("report", format!("{report:?}"));
    // The same report, holding an order with a known password and URLs.
    let mut secret_report = report.clone();
    secret_report.dry_run = secret_order();
    match &mut secret_report.outcome {
        ovh_renew::workflow::RenewOutcome::Paid { order, .. } => *order = secret_order(),
        other => panic!("a paid report, not {other:?}"),
    }
    add("report with secrets", format!("{secret_report:?}"));
    add("order", format!("{:?}", secret_order()));
    add("order alternate", format!("{:#?}", secret_order()));

    // Endpoints refused for carrying credentials, or unparseable with them.
    for text in [
        format!("https://user:{URL_PASSWORD}@eu.api.ovh.com/1.0"),
        format!("https://{URL_PASSWORD}@eu.api.ovh.com/1.0"),
        format!("https://user:{URL_PASSWORD}@/1.0"),
        format!("http://user:{URL_PASSWORD}@[::1/1.0"),
        format!("ftp://user:{URL_PASSWORD}@h/1.0"),
        format!("user:{URL_PASSWORD}@eu.api.ovh.com/1.0"),
    ] {
        let err = text.parse::<Endpoint>().unwrap_err();
        add("endpoint error", format!("{err} {err:?}"));
        let err = Error::from(err);
        add("endpoint error as Error", format!("{err} {err:?}"));
    }

    // Consumer keys.
    let ck_request: ConsumerKeyRequest = serde_json::from_value(serde_json::json!({
        "validationUrl": "https://www.ovh.com/auth/sso/api?credentialToken=abc",
        "consumerKey": CK,
        "state": "pendingValidation"
    }))
    .unwrap();
    add(
        "consumer key request",
        format!("{ck_request:?} {ck_request:#?}"),
    );

    // Plans and FakeRenewApi records.
    let fake = FakeRenewApi::sandbox();
    let plan = plan(&fake, &PlanOptions::new(PeriodChoice::BestMonthly), None)
        .await
        .unwrap();
    add("plan", format!("{plan:?}"));
    let _ = renew(
        &fake,
        &RenewOptions::new(sandbox::VPS_ID, "P1M".parse().unwrap()),
    )
    .await;
    add(
        "fake",
        format!("{fake:?} {:?} {:?}", fake.calls(), fake.dry_runs()),
    );

    // Every RenewError variant, around errors that carry OVH's answers.
    let api = api_error(403, "NOT_GRANTED_CALL", "This call has not been granted");
    let transport = transport_error(TransportKind::Connection, true);
    let variants = vec![
        RenewError::NothingOrdered {
            step: Step::DryRun,
            source: api_error(404, "Client::NotFound", "gone"),
        },
        RenewError::PriceChanged {
            stage: ovh_renew::workflow::PriceStage::DryRun,
            expected: Amount::new(1, CurrencyCode::Eur),
            actual: Amount::new(2, CurrencyCode::Usd),
        },
        RenewError::PaymentUncertain {
            order_id: OrderId(42),
            attempted_at: SystemTime::now(),
            source: transport_error(TransportKind::Timeout, true),
        },
        RenewError::OrderUncertain {
            attempted_at: SystemTime::now(),
            service_id: ServiceId(118_977_335),
            period_months: std::num::NonZeroU32::new(1),
            source: transport,
        },
        RenewError::OrderUnpaid {
            order_id: OrderId(42),
            step: Step::Pay,
            source: UnpaidCause::Api(api),
        },
        RenewError::OrderUnpaid {
            order_id: OrderId(43),
            step: Step::CheckPaymentMean,
            source: UnpaidCause::PaymentMeanUnavailable {
                requested: PaymentMean::Paypal,
                available: vec![PaymentMean::FidelityAccount],
            },
        },
        RenewError::StatusUnknown {
            order_id: OrderId(42),
            source: transport_error(TransportKind::Timeout, true),
        },
    ];
    for e in &variants {
        add("renew error", format!("{e} {e:?} {e:#?}"));
    }

    // Every error of the fault matrix (run once, shared with its own test).
    let results = tokio::task::spawn_blocking(crate::faults::matrix)
        .await
        .unwrap();
    let errors = results.iter().filter(|r| r.error.is_some()).count();
    assert!(errors > 100, "the matrix produced {errors} errors");
    for r in results {
        if let Some(e) = &r.error {
            add(&r.case, format!("{e} {e:?} {e:#?}"));
        }
    }

    for (what, text) in &texts {
        assert_nothing_secret(what, text);
    }
    // The formatting did show what is not secret.
    assert!(texts.iter().any(|(_, t)| t.contains(AK)));
    assert!(texts.iter().any(|(_, t)| t.contains("<redacted>")));
}

/// Decodes `%XX` escapes (as a server does with a path segment), `None` if malformed.
fn percent_decode(segment: &str) -> Option<Vec<u8>> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Any service name given to `service_infos("vps", name)` is refused before sending
/// (only "", "." and "..", which no encoding can send as one segment) or arrives as
/// exactly one segment of the request target that percent-decodes to exactly the name.
#[test]
fn any_service_name_is_refused_or_arrives_as_exactly_one_segment() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let infos = fixture("vps_service_infos.json");
    let server = rt.block_on(RawServer::start(move |_| {
        RawReply::Full(200, infos.clone())
    }));
    let client = server.builder().no_retries().build().unwrap();
    let names = prop_oneof![
        any::<String>(),
        "[./%?#;&=+ :@a\\\\]{0,6}",
        Just(String::new()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("..%2f".to_owned()),
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&names, |name| {
            let before = server.request_count();
            let result = rt.block_on(client.service_infos("vps", &name));
            let requests = server.requests.lock().unwrap().clone();
            if ["", ".", ".."].contains(&name.as_str()) {
                prop_assert!(
                    result.as_ref().err().and_then(Error::request_problem)
                        == Some(RequestProblem::PathSegment),
                    "{name:?}: {result:?}"
                );
                prop_assert_eq!(requests.len(), before, "{:?} was sent", name);
                return Ok(());
            }
            prop_assert!(result.is_ok(), "{:?}: {:?}", name, result);
            prop_assert_eq!(requests.len(), before + 1);
            let target = &requests[before].target;
            let segment = target
                .strip_prefix("/1.0/vps/")
                .and_then(|t| t.strip_suffix("/serviceInfos"));
            prop_assert!(segment.is_some(), "{:?} arrived as {}", name, target);
            let segment = segment.unwrap();
            prop_assert!(
                !segment.contains(['/', '?', '#']),
                "{:?} arrived as {}",
                name,
                target
            );
            prop_assert_eq!(
                percent_decode(segment),
                Some(name.clone().into_bytes()),
                "{:?} arrived as {}",
                name,
                target
            );
            Ok(())
        })
        .unwrap();
    assert_eq!(server.time_calls.load(Ordering::SeqCst), 1);
}

/// The server's clock jumps a day ahead, then two days back, mid-session: the first
/// requests after each jump are refused with `QUERY_TIME_OUT`, the client fetches
/// `/auth/time` once per jump (not once per request), resends once, and every call
/// succeeds. (A steady skew of ±1 day needing one `/auth/time` is
/// `transport::server_clock_an_hour_ahead_or_behind_still_signs_valid_timestamps`.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_jump_mid_session_resyncs_once_per_jump() {
    let ovh = Ovh::start(0, 3).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "service_list.json"))
        .with_priority(1)
        .mount(&ovh.server)
        .await;
    // Any request whose timestamp the (new) server clock refuses.
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_fixture(400, "error_query_time_out.json"))
        .with_priority(2)
        .mount(&ovh.server)
        .await;
    let client = ovh.client();
    let expected: Vec<ServiceId> = serde_json::from_slice(&fixture("service_list.json")).unwrap();
    assert_eq!(client.list_services().await.unwrap(), expected);
    for jump in [86_400, -86_400] {
        ovh.skew.store(jump, Ordering::SeqCst);
        let calls = (0..20).map(|_| {
            let c = client.clone();
            tokio::spawn(async move { c.list_services().await })
        });
        for task in futures_util::future::join_all(calls).await {
            assert_eq!(task.unwrap().unwrap(), expected);
        }
        let delta = client.time_delta().await.unwrap();
        assert!((delta - jump).abs() <= 1, "jump {jump}: delta {delta}");
    }
    // 1 + 20 + 20 calls; /auth/time exactly 3 times (checked when `ovh` drops).
    let refused = ovh
        .server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/1.0/service")
        .count();
    assert!((41..=81).contains(&refused), "{refused} requests");
}

/// 200 concurrent calls on clones of one client, twice: one `/auth/time`, one connection
/// pool (the second wave opens no connection: clones share the pool), every answer given
/// to the call that asked for it, and no deadlock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_calls_share_one_time_sync_and_one_pool() {
    let template: serde_json::Value =
        serde_json::from_slice(&fixture("service_get_vps.json")).unwrap();
    let server = RawServer::start(move |req| {
        let id = req.target.rsplit('/').next().unwrap_or("");
        let mut body = template.clone();
        body["resource"]["name"] = format!("svc-{id}").into();
        RawReply::Full(200, serde_json::to_vec(&body).unwrap())
    })
    .await;
    let client = server.builder().build().unwrap();
    let wave = |offset: u64| {
        let calls = (1..=200u64).map(|i| {
            let c = client.clone();
            tokio::spawn(async move { (i + offset, c.service(ServiceId(i + offset)).await) })
        });
        futures_util::future::join_all(calls)
    };
    let run = async {
        for offset in [0, 1000] {
            for task in wave(offset).await {
                let (id, result) = task.unwrap();
                let service = result.unwrap();
                assert_eq!(
                    service.resource.name.as_deref(),
                    Some(format!("svc-{id}").as_str())
                );
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("no deadlock");
    assert_eq!(server.time_calls.load(Ordering::SeqCst), 1);
    assert_eq!(server.request_count(), 400);
    let connections = server.connections.load(Ordering::SeqCst);
    // At most one per call in flight (+1 for `/auth/time`); a pool per clone would need
    // 400.
    assert!(connections <= 201, "{connections} TCP connections");
}

/// `Retry-After` longer than the policy allows is capped, never slept in full.
#[tokio::test]
async fn retry_after_beyond_the_cap_is_capped() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "86400"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_fixture(200, "service_list.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh
        .builder()
        .retry(RetryPolicy::default().max_retry_after(Duration::from_millis(50)))
        .build()
        .unwrap();
    let ids = tokio::time::timeout(Duration::from_secs(10), client.list_services())
        .await
        .expect("capped")
        .unwrap();
    assert!(!ids.is_empty());
}
