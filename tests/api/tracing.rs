//! The `tracing` feature: what a subscriber sees of requests, retries, clock resyncs and
//! OAuth2 token refreshes, and that it never sees a secret, a signature, an order's
//! password or URL, a raw URL or a body.
#![cfg(feature = "tracing")]

use std::io;
use std::sync::{Arc, Mutex};

use ovh_renew::models::PaymentMean;
use ovh_renew::testing::MockOvh;
use ovh_renew::workflow::{PaymentChoice, RenewOptions, ServiceRef, renew};
use ovh_renew::{ApiPath, Credentials, Method, ServiceId, ServiceRenewApi};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{Ovh, json_body};

const VPS: &str = "vps-0baa4fcf.vps.ovh.net";
const VPS_ID: ServiceId = ServiceId(118_977_335);

/// Everything written by the subscriber, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// A subscriber for this thread (the tests run on a current-thread runtime): this crate's
/// spans and events down to DEBUG, spans printed when they close with their fields.
fn capture() -> (Captured, impl Drop) {
    let out = Captured::default();
    let guard = tracing_subscriber::fmt()
        .with_writer(out.clone())
        .with_max_level(LevelFilter::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .finish()
        .with(Targets::new().with_target("ovh_renew", LevelFilter::DEBUG))
        .set_default();
    (out, guard)
}

/// The lines of `out` that contain every one of `parts`.
fn lines_with<'a>(out: &'a str, parts: &[&str]) -> Vec<&'a str> {
    out.lines()
        .filter(|l| parts.iter().all(|p| l.contains(p)))
        .collect()
}

#[tokio::test]
async fn requests_retries_and_resyncs_are_traced_without_secrets() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let (out, _guard) = capture();

    // A plain signed GET (after its GET /auth/time, a nested span).
    client.service_infos("vps", VPS).await.unwrap();
    // A GET that OVH answers 503 once: retried.
    mock.fail_next(
        "GET",
        "/service/{serviceId}/renew",
        503,
        r#"{"message":"busy"}"#,
    );
    client.renew_descriptions(VPS_ID, false).await.unwrap();
    // The server's clock jumps: the next signed call gets QUERY_TIME_OUT, resyncs and is
    // resent. Then the whole flow, with an order (whose answer holds its password and URL)
    // and a payment.
    mock.set_clock_skew(3_600);
    let options = RenewOptions::new(ServiceRef::named("vps", VPS), "P3M".parse().unwrap())
        .order(true)
        .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
    let report = renew(&client, &options).await.unwrap();
    let order = report.order().expect("an order").clone();
    let text = out.text();

    // One span per request, named by its route template, with the id, status, query id,
    // attempts and duration.
    let infos = lines_with(
        &text,
        &["ovh_request{", "/vps/{serviceName}/serviceInfos", "close"],
    );
    assert!(!infos.is_empty(), "{text}");
    assert!(infos[0].contains(&format!("service_name={VPS}")), "{text}");
    assert!(infos[0].contains("status=200"), "{text}");
    assert!(infos[0].contains("query_id=EU.mock."), "{text}");
    assert!(infos[0].contains("attempts=1"), "{text}");
    assert!(infos[0].contains("duration_ms="), "{text}");
    assert!(infos[0].contains("method=GET"), "{text}");
    let time = lines_with(&text, &["ovh_request{", "path=/auth/time", "close"]);
    assert_eq!(time.len(), 2, "first sync and one resync: {text}");

    // The retried GET: a retry event, then one span with two attempts.
    let retried = lines_with(&text, &["/service/{serviceId}/renew", "retrying"]);
    assert_eq!(retried.len(), 1, "{text}");
    assert!(retried[0].contains("status=503"), "{text}");
    assert!(retried[0].contains("attempt=1"), "{text}");
    assert!(retried[0].contains("delay_ms="), "{text}");
    assert!(
        retried[0].contains(&format!("service_id={}", VPS_ID.0)),
        "{text}"
    );
    let spans = lines_with(
        &text,
        &[
            "method=GET",
            "path=/service/{serviceId}/renew",
            "attempts=2",
            "close",
        ],
    );
    assert_eq!(spans.len(), 1, "{text}");
    assert!(spans[0].contains("status=200"), "{text}");
    let answers = lines_with(&text, &["path=/service/{serviceId}/renew", "response"]);
    assert!(answers.iter().any(|l| l.contains("status=503")), "{text}");

    // The resync after QUERY_TIME_OUT, on the first call of the workflow.
    let resync = lines_with(&text, &["clock resync", "QUERY_TIME_OUT"]);
    assert_eq!(resync.len(), 1, "{text}");
    assert!(
        resync[0].contains("/vps/{serviceName}/serviceInfos"),
        "{text}"
    );
    assert!(resync[0].contains("attempt=1"), "{text}");

    // The order and the payment: POST spans with the route template and the order id.
    let posts = lines_with(
        &text,
        &["method=POST", "path=/service/{serviceId}/renew", "close"],
    );
    assert_eq!(posts.len(), 2, "a dry run and an order: {text}");
    let pay = lines_with(
        &text,
        &[
            "method=POST",
            "/me/order/{orderId}/payWithRegisteredPaymentMean",
            "close",
        ],
    );
    assert_eq!(pay.len(), 1, "{text}");
    assert!(
        pay[0].contains(&format!("order_id={}", order.order_id)),
        "{text}"
    );

    // Never a secret, a signature, the order's password or URL, a raw URL or a body.
    assert!(!order.password.is_empty() && !order.url.is_empty());
    for never in [
        ovh_renew::testing::MOCK_APPLICATION_SECRET,
        ovh_renew::testing::MOCK_CONSUMER_KEY,
        "$1$",
        order.password.as_str(),
        order.url.as_str(),
        "orderPassword",
        "X-Ovh-",
        mock.base_url().as_str(),
        "127.0.0.1",
        "includeOptions",
        "dryRun",
        "renewPeriod",
        "paymentMean\"",
    ] {
        assert!(!text.contains(never), "{never:?} leaked in: {text}");
    }
}

#[tokio::test]
async fn oauth2_token_fetches_and_refusals_are_events_without_the_token() {
    const SECRET: &str = "SECRET-oauth2-client-secret-tr4c";
    const TOKEN_1: &str = "SECRET-bearer-token-one-tr4c";
    const TOKEN_2: &str = "SECRET-bearer-token-two-tr4c";
    let ovh = Ovh::start(0, 0).await;
    for token in [TOKEN_1, TOKEN_2] {
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": token, "token_type": "Bearer", "expires_in": 3600
            })))
            .up_to_n_times(1)
            .expect(1)
            .mount(&ovh.server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(header(
            "authorization",
            format!("Bearer {TOKEN_1}").as_str(),
        ))
        .respond_with(json_body(401, r#"{"message":"token expired"}"#))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(header(
            "authorization",
            format!("Bearer {TOKEN_2}").as_str(),
        ))
        .respond_with(json_body(200, "[1, 2]"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh
        .builder()
        .credentials(Credentials::oauth2("client-id", SECRET))
        .oauth2_token_url(&format!("{}/oauth2/token", ovh.server.uri()))
        .build()
        .unwrap();
    let (out, _guard) = capture();
    let ids: Vec<u64> = client
        .call(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap();
    assert_eq!(ids, [1, 2]);
    let text = out.text();

    assert_eq!(
        lines_with(&text, &["oauth2 token fetched", "expires_in=3600"]).len(),
        2,
        "{text}"
    );
    let refused = lines_with(&text, &["oauth2 token refused", "attempt=1"]);
    assert_eq!(refused.len(), 1, "{text}");
    let span = lines_with(
        &text,
        &["path=/service", "status=200", "attempts=2", "close"],
    );
    assert_eq!(span.len(), 1, "{text}");
    for never in [
        SECRET,
        TOKEN_1,
        TOKEN_2,
        "SECRET-",
        "Bearer",
        "token expired",
    ] {
        assert!(!text.contains(never), "{never:?} leaked in: {text}");
    }
}

/// A subscriber changes nothing on the wire: the same call, made without and then with a
/// subscriber, sends the same request line, the same headers (only the timestamp and the
/// signature, which sign it, differ) and the same body, and gets the same answer; only
/// the run with a subscriber writes anything.
#[tokio::test]
async fn a_subscriber_changes_nothing_on_the_wire() {
    use crate::support::{RawReply, RawServer};
    let server = RawServer::start(|_| RawReply::Full(200, b"[118977335, 42]".to_vec())).await;
    let client = server.builder().build().unwrap();

    let quiet = client.list_services().await.unwrap();
    let (out, guard) = capture();
    let traced = client.list_services().await.unwrap();
    drop(guard);

    assert_eq!(quiet, traced);
    assert_eq!(quiet, [ServiceId(118_977_335), ServiceId(42)]);
    let received = server.received();
    assert_eq!(received.len(), 2, "one request per call");
    let comparable = |r: &crate::support::RawRequest| {
        let mut headers: Vec<String> = r
            .head
            .lines()
            .skip(1)
            .filter(|l| !l.is_empty())
            .map(str::to_ascii_lowercase)
            .filter(|l| !l.starts_with("x-ovh-timestamp") && !l.starts_with("x-ovh-signature"))
            .collect();
        headers.sort();
        (r.method.clone(), r.target.clone(), headers, r.body.clone())
    };
    assert_eq!(comparable(&received[0]), comparable(&received[1]));
    assert!(received[1].header("x-ovh-signature").is_some());
    let text = out.text();
    assert!(
        text.contains("path=/service"),
        "the subscriber saw the request: {text}"
    );
}

/// A request that never gets an answer: each attempt is an event with the failure's kind,
/// the retries are events, and the span ends with a fixed error label (never the error's
/// text, which could name the host).
#[tokio::test]
async fn requests_without_answer_end_with_an_error_label() {
    // A port that was just free: connections are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = ovh_renew::OvhClient::builder()
        .endpoint(format!("http://127.0.0.1:{port}/1.0").parse().unwrap())
        .credentials(Credentials::access_token("SECRET-static-token-tr4c"))
        .retry(
            ovh_renew::RetryPolicy::default()
                .max_retries(2)
                .initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let (out, _guard) = capture();
    let err = client.list_services().await.unwrap_err();
    assert!(matches!(err, ovh_renew::Error::Transport(_)), "{err}");
    let text = out.text();

    let failures = lines_with(&text, &["transport error", "kind=could not connect"]);
    assert_eq!(failures.len(), 3, "{text}");
    let retries = lines_with(&text, &["retrying", "kind=could not connect"]);
    assert_eq!(retries.len(), 2, "{text}");
    let span = lines_with(
        &text,
        &[
            "path=/service",
            "attempts=3",
            "error=could not connect",
            "close",
        ],
    );
    assert_eq!(span.len(), 1, "{text}");
    assert!(!span[0].contains("status="), "{text}");
    for never in ["SECRET-", "127.0.0.1", "Bearer"] {
        assert!(!text.contains(never), "{never:?} leaked in: {text}");
    }
}

#[tokio::test]
async fn the_invoice_and_delivery_calls_are_traced_without_the_invoice_secrets() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let (out, _guard) = capture();
    let options = RenewOptions::new(ServiceRef::named("vps", VPS), "P3M".parse().unwrap())
        .order(true)
        .pay(PaymentChoice::Default)
        .wait_for_delivery(std::time::Duration::from_secs(5));
    let report = renew(&client, &options).await.unwrap();
    let bill = report
        .bill
        .expect("delivered at the first read: its invoice");
    let text = out.text();
    for secret in [&bill.password, &bill.url, &bill.pdf_url] {
        assert!(!secret.is_empty());
        assert!(!text.contains(secret.as_str()), "{secret} in the logs");
    }
    let read = lines_with(&text, &["ovh_request{", "/me/bill/{billId}", "close"]);
    assert!(
        read.iter()
            .any(|l| l.contains(&format!("bill_id={}", bill.bill_id))),
        "{text}"
    );
    let method = lines_with(
        &text,
        &[
            "ovh_request{",
            "/me/payment/method/{paymentMethodId}",
            "close",
        ],
    );
    assert!(
        method
            .iter()
            .any(|l| l.contains("payment_method_id=9876543")),
        "{text}"
    );
    let listing = lines_with(&text, &["ovh_request{", "path=/me/order ", "close"]);
    assert_eq!(listing.len(), 1, "one order listing: {text}");
}
