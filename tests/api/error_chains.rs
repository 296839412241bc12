//! Every error the crate produces prints each cause once: `Display` is one level, the
//! causes are in `source()`, so a chain printer (anyhow's `{:#}`, the examples'
//! `report_error`) does not show a cause twice.

use std::time::Duration;

use ovh_renew::models::*;
use ovh_renew::*;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{AK, AS, CK, CLIENT_ID, CS, Ovh, levels};

/// Asserts that `e` has at least `depth` levels and that the chain, printed as a chain
/// printer does, shows each cause's text exactly once.
fn assert_each_cause_once(name: &str, e: &(dyn std::error::Error + 'static), depth: usize) {
    let levels = levels(e);
    assert!(levels.len() >= depth, "{name}: {levels:?}");
    let printed = levels.join(": ");
    for cause in &levels[1..] {
        assert!(!cause.is_empty(), "{name}: empty cause in {levels:?}");
        assert_eq!(
            printed.matches(cause.as_str()).count(),
            1,
            "{name}: {cause:?} shows more than once in {printed:?}"
        );
    }
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn every_error_chain_shows_each_cause_once() {
    // Transport: nothing listens, the connection is refused.
    let port = closed_port();
    let client = OvhClient::builder()
        .endpoint(
            format!("http://127.0.0.1:{port}/1.0")
                .parse::<Endpoint>()
                .unwrap(),
        )
        .credentials(Credentials::new(AK, AS, CK))
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
        .build()
        .unwrap();
    let transport = client.list_services().await.unwrap_err();
    assert!(matches!(transport, Error::Transport(_)), "{transport:?}");
    assert_each_cause_once("transport", &transport, 2);

    // OAuth2: the token endpoint cannot be reached.
    let client = OvhClient::builder()
        .endpoint(
            format!("http://127.0.0.1:{port}/1.0")
                .parse::<Endpoint>()
                .unwrap(),
        )
        .credentials(Credentials::oauth2(CLIENT_ID, CS))
        .oauth2_token_url(&format!("http://127.0.0.1:{port}/token"))
        .build()
        .unwrap();
    let oauth2 = client.list_services().await.unwrap_err();
    assert!(matches!(oauth2, Error::OAuth2(_)), "{oauth2:?}");
    assert_each_cause_once("oauth2", &oauth2, 2);

    // Decode: a success answer that is not the documented list.
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let decode = ovh.client().list_services().await.unwrap_err();
    assert!(matches!(decode, Error::Decode(_)), "{decode:?}");
    assert_each_cause_once("decode", &decode, 2);

    // Configuration: an endpoint text that is no endpoint.
    let endpoint = "not-a-region".parse::<Endpoint>().unwrap_err();
    let config = Error::from(ConfigError::InvalidEndpoint {
        origin: "env OVH_ENDPOINT".into(),
        source: endpoint,
    });
    assert_each_cause_once("config", &config, 2);
}

#[cfg(feature = "test-util")]
#[tokio::test]
async fn every_renew_error_chain_shows_each_cause_once() {
    use ovh_renew::ops::{Call, Op};
    use ovh_renew::testing::{FakeRenewApi, api_error, sandbox, transport_error};
    use ovh_renew::workflow::{PaymentChoice, RenewError, RenewOptions, renew};

    let vps = sandbox::VPS_ID;
    let order = || {
        RenewOptions::new(vps, "P1M".parse().unwrap())
            .order(true)
            .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)))
    };
    let unavailable = || api_error(503, "", "maintenance");

    // Nothing ordered: the service cannot be read.
    let api = FakeRenewApi::sandbox();
    api.fail_next(Op::RenewDescriptions, unavailable);
    let err = renew(&api, &order()).await.unwrap_err();
    assert!(matches!(err, RenewError::NothingOrdered { .. }), "{err:?}");
    assert_each_cause_once("nothing ordered", &err, 2);

    // No strategy for the period.
    let api = FakeRenewApi::sandbox();
    let err = renew(&api, &RenewOptions::new(vps, "P7Y".parse().unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(err, RenewError::Selection(_)), "{err:?}");
    assert_each_cause_once("selection", &err, 2);

    // The order's answer was lost.
    let api = FakeRenewApi::sandbox();
    let lost = api
        .fail_when(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true))
        .after_processing();
    let err = renew(&api, &order()).await.unwrap_err();
    assert_eq!(lost.fired(), 1);
    assert!(matches!(err, RenewError::OrderUncertain { .. }), "{err:?}");
    assert_each_cause_once("order uncertain", &err, 3);

    // The order exists, paying it was refused.
    let api = FakeRenewApi::sandbox();
    api.fail_next(Op::PayWithRegisteredPaymentMean, || {
        api_error(
            403,
            "Client::Forbidden",
            "This order can't be paid with paypal",
        )
    });
    let err = renew(&api, &order()).await.unwrap_err();
    assert!(matches!(err, RenewError::OrderUnpaid { .. }), "{err:?}");
    assert_each_cause_once("order unpaid", &err, 2);

    // The payment's answer was lost.
    let api = FakeRenewApi::sandbox();
    api.fail_next_after_processing(Op::PayWithRegisteredPaymentMean, || {
        transport_error(TransportKind::Timeout, true)
    });
    let err = renew(&api, &order()).await.unwrap_err();
    assert!(
        matches!(err, RenewError::PaymentUncertain { .. }),
        "{err:?}"
    );
    assert_each_cause_once("payment uncertain", &err, 3);

    // Paid, but the status cannot be read.
    let api = FakeRenewApi::sandbox();
    api.fail_next(Op::OrderStatus, unavailable);
    let err = renew(&api, &order()).await.unwrap_err();
    assert!(matches!(err, RenewError::StatusUnknown { .. }), "{err:?}");
    assert_each_cause_once("status unknown", &err, 2);

    // A guard refused the service before anything was priced.
    let api = FakeRenewApi::sandbox();
    for service in sandbox::guarded_services() {
        api.add_service(service);
    }
    let guarded = RenewOptions::new(sandbox::SUSPENDED_ID, "P1Y".parse().unwrap()).order(true);
    let err = renew(&api, &guarded).await.unwrap_err();
    assert!(matches!(err, RenewError::Guarded { .. }), "{err:?}");
    assert_each_cause_once("guarded", &err, 1);

    // An earlier unpaid order for another period: refused, nothing ordered.
    let api = FakeRenewApi::sandbox();
    renew(
        &api,
        &RenewOptions::new(vps, "P3M".parse().unwrap()).order(true),
    )
    .await
    .unwrap();
    let err = renew(&api, &order()).await.unwrap_err();
    assert!(matches!(err, RenewError::EarlierOrders { .. }), "{err:?}");
    assert_each_cause_once("earlier orders", &err, 1);
}
