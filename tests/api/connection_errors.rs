//! A network failure names the host it happened with and the call the user made, also
//! when it happened in the clock sync (`GET /auth/time`) that a signed call needs first;
//! and `Debug` of an error, what `fn main() -> Result<(), Box<dyn Error>>` prints, is the
//! report a person needs (the message, each cause once, the hint).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ovh_renew::models::{RenewRequest, ServiceId};
use ovh_renew::{Credentials, Endpoint, Error, OvhClient, RetryPolicy, ServiceRenewApi};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::hostile::{Hostile, Reply, error_texts};
use crate::support::{AK, AS, CK, Ovh, assert_no_secret, levels, now};

const TIME: &str = "/1.0/auth/time";
const RENEW: &str = "/1.0/service/42/renew";

/// A loopback port nothing listens on, and a client of it with `credentials`.
fn refusing_client(credentials: Credentials) -> (OvhClient, String) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = OvhClient::builder()
        .endpoint(
            format!("http://127.0.0.1:{port}/1.0")
                .parse::<Endpoint>()
                .unwrap(),
        )
        .credentials(credentials)
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    (client, format!("127.0.0.1:{port}"))
}

fn transport(err: &Error) -> &ovh_renew::TransportError {
    match err {
        Error::Transport(t) => t,
        other => panic!("expected a transport error, got {other:#?}"),
    }
}

/// The first signed call syncs the clock; the connection is refused: the error names the
/// user's call, the clock sync and the host, says OVH did not process the call, and
/// prints the network cause once, below it.
#[tokio::test]
async fn a_refused_clock_sync_names_the_host_and_the_call_made() {
    let (client, host) = refusing_client(Credentials::new(AK, AS, CK));
    let err = client
        .service_infos("vps", "vps-0baa4fcf.vps.ovh.net")
        .await
        .unwrap_err();
    let t = transport(&err);
    assert_eq!(
        (t.method.as_str(), t.route.as_str()),
        ("GET", "/vps/{serviceName}/serviceInfos")
    );
    assert_eq!(t.during.as_deref(), Some("GET /auth/time"));
    assert_eq!(t.host.as_deref(), Some(host.as_str()));
    assert_eq!(t.attempts, 3, "the sync is a GET: 1 + 2 retries");
    assert!(!err.may_have_been_processed());
    assert_eq!(
        err.to_string(),
        format!(
            "GET /vps/{{serviceName}}/serviceInfos (while syncing the clock with GET /auth/time): could not connect to {host}; the call never reached the server (after 3 attempts)"
        )
    );
    let levels = levels(&err);
    assert!(levels.len() >= 2, "{levels:?}");
    let printed = levels.join(": ");
    assert_eq!(printed.matches(&host).count(), 1, "{printed}");
    assert_eq!(printed.matches("/auth/time").count(), 1, "{printed}");
}

/// Without a clock sync (bearer credentials), the call's own refused connection names
/// the call and the host.
#[tokio::test]
async fn a_refused_call_names_the_host_and_the_call() {
    let (client, host) = refusing_client(Credentials::access_token("tok-not-shown"));
    let err = client.list_services().await.unwrap_err();
    let t = transport(&err);
    assert_eq!(t.during, None);
    assert_eq!(
        err.to_string(),
        format!(
            "GET /service: could not connect to {host}; the request never reached the server (after 3 attempts)"
        )
    );
}

/// An order whose clock sync loses its connection (after the server read the request,
/// so `/auth/time` itself may have been processed) was not sent: the error is the
/// order's, `may_have_been_processed()` is false, and the server got no POST.
#[tokio::test]
async fn an_order_whose_clock_sync_failed_was_not_processed() {
    let server = Hostile::start(|_| Reply::Reset(Duration::ZERO)).await;
    let client = server.signed_builder().build().unwrap();
    let request = RenewRequest::order("P1Y".parse().unwrap(), vec![ServiceId(42)]);
    let err = client
        .create_renew_order(ServiceId(42), &request)
        .await
        .unwrap_err();
    assert_eq!(server.count("GET", TIME), 3);
    assert_eq!(server.count("POST", RENEW), 0);
    let t = transport(&err);
    assert_eq!(
        (t.method.as_str(), t.route.as_str(), t.during.as_deref()),
        ("POST", "/service/{serviceId}/renew", Some("GET /auth/time"))
    );
    assert!(!err.may_have_been_processed(), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with("POST /service/{serviceId}/renew (while syncing the clock with GET /auth/time): the connection to 127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("the call never reached the server"), "{text}");
    assert_no_secret(&error_texts(&err));
}

/// OVH refuses the order's timestamp (`QUERY_TIME_OUT`, refused unprocessed), and the
/// resync loses its connection: the order was sent once, not processed, and the error
/// names it and the resync.
#[tokio::test]
async fn an_order_whose_resync_failed_was_sent_once_and_not_processed() {
    let times = Arc::new(AtomicUsize::new(0));
    let seen = times.clone();
    let server = Hostile::start(move |r| match (r.method.as_str(), r.target.as_str()) {
        ("GET", TIME) if seen.fetch_add(1, Ordering::SeqCst) == 0 => {
            Reply::json(200, now().to_string())
        }
        ("GET", TIME) => Reply::Reset(Duration::ZERO),
        _ => Reply::json(
            400,
            r#"{"errorCode":"QUERY_TIME_OUT","httpCode":"400 Bad Request","message":"Query out of time"}"#,
        ),
    })
    .await;
    let client = server.signed_builder().build().unwrap();
    let request = RenewRequest::order("P1Y".parse().unwrap(), vec![ServiceId(42)]);
    let err = client
        .create_renew_order(ServiceId(42), &request)
        .await
        .unwrap_err();
    assert_eq!(server.count("POST", RENEW), 1);
    assert_eq!(times.load(Ordering::SeqCst), 1 + 3);
    let t = transport(&err);
    assert_eq!(
        (t.method.as_str(), t.during.as_deref()),
        ("POST", Some("GET /auth/time"))
    );
    assert!(!err.may_have_been_processed(), "{err}");
    assert!(
        err.to_string()
            .contains("OVH refused the call unprocessed (QUERY_TIME_OUT) and it was not resent"),
        "{err}"
    );
}

/// What `fn main() -> Result<(), Box<dyn Error>>` prints (`Error: ` and the `Debug` of
/// the boxed error), for a real refused connection: the message, then each cause once
/// on its own line. `{:#?}` still shows the fields.
#[tokio::test]
async fn a_boxed_error_debug_is_the_message_and_its_causes() {
    let (client, host) = refusing_client(Credentials::new(AK, AS, CK));
    let err = client.list_services().await.unwrap_err();
    let display = err.to_string();
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    let shown = format!("{boxed:?}");
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[0], display);
    assert!(lines[0].contains(&host), "{shown}");
    assert!(lines.len() >= 2, "{shown}");
    assert!(
        lines[1..].iter().all(|l| l.starts_with("  caused by: ")),
        "{shown}"
    );
    let causes: Vec<String> = levels(&*boxed)[1..].to_vec();
    assert_eq!(
        lines[1..],
        causes
            .iter()
            .map(|c| format!("  caused by: {c}"))
            .collect::<Vec<_>>()
    );
    let fields = format!("{boxed:#?}");
    assert!(
        fields.starts_with("Transport(\n    TransportError {"),
        "{fields}"
    );
}

/// The same for an OVH refusal: the hint (which access rule is missing) is in what
/// `main` prints, for a client call and for the workflow's `RenewError`.
#[tokio::test]
async fn a_boxed_error_debug_carries_the_hint() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path(RENEW))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "errorCode": "NOT_GRANTED_CALL",
            "httpCode": "403 Forbidden",
            "message": "This call has not been granted"
        })))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let request = RenewRequest::dry_run("P1Y".parse().unwrap(), vec![ServiceId(42)]);
    let err = ovh
        .client()
        .create_renew_order(ServiceId(42), &request)
        .await
        .unwrap_err();
    let hint = err.api().and_then(ovh_renew::ApiError::hint).unwrap();
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert_eq!(
        format!("{boxed:?}"),
        format!("{boxed}\n  hint: {hint}"),
        "an API error has no cause: its message, then its hint"
    );
    assert!(
        hint.contains("lacks the access rule POST /service/*/renew"),
        "{hint}"
    );
}

/// The workflow's `RenewError` shows its own clause, the OVH refusal below it, and the
/// refusal's hint.
#[tokio::test]
async fn a_boxed_renew_error_debug_carries_its_cause_and_the_hint() {
    use ovh_renew::ops::Op;
    use ovh_renew::testing::{FakeRenewApi, api_error, sandbox};
    use ovh_renew::workflow::{RenewOptions, renew};

    let api = FakeRenewApi::sandbox();
    let refusal = || api_error(403, "INVALID_CREDENTIAL", "This credential is not valid");
    api.fail_next(Op::RenewDescriptions, refusal);
    let err = renew(
        &api,
        &RenewOptions::new(sandbox::VPS_ID, "P1M".parse().unwrap()),
    )
    .await
    .unwrap_err();
    let hint = refusal().api().and_then(ovh_renew::ApiError::hint).unwrap();
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    let levels = levels(&*boxed);
    assert_eq!(levels.len(), 2, "{levels:?}");
    assert!(
        levels[1].starts_with("OVH API error 403 on GET /service/{serviceId}/renew"),
        "{levels:?}"
    );
    assert_eq!(
        format!("{boxed:?}"),
        format!("{}\n  caused by: {}\n  hint: {hint}", levels[0], levels[1])
    );
    assert!(format!("{boxed:#?}").starts_with("NothingOrdered {"));
}
