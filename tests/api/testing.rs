//! `ovh_renew::testing`: MockOvh over real HTTP through `OvhClient`, and FakeRenewApi in
//! memory, on the same sandbox account.
#![cfg(feature = "test-util")]

use std::sync::Arc;

use ovh_renew::models::*;
use ovh_renew::ops::{Call, Op};
use ovh_renew::testing::{
    FakeRenewApi, MockOvh, PaidWith, SandboxService, api_error, sandbox, transport_error,
};
use ovh_renew::*;
use serde_json::json;

fn period(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

use crate::support::fixture_as as fixture;

async fn json_of<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

/// The guide's VPS flow, through the trait; returns the order and its status.
async fn vps_flow(api: &dyn ServiceRenewApi) -> (Order, Order, OrderStatus) {
    let infos = api.service_infos("vps", sandbox::VPS_NAME).await.unwrap();
    assert_eq!(infos.service_id, sandbox::VPS_ID);
    let choices = api
        .renew_descriptions(infos.service_id, false)
        .await
        .unwrap();
    assert_eq!(
        choices,
        fixture::<Vec<RenewDescription>>("renew_descriptions_vps.json")
    );
    let three_months = choices
        .iter()
        .find(|c| c.renew_period == period("P3M"))
        .unwrap();
    let services = three_months.strategies[0].services.clone();
    let dry = api
        .create_renew_order(
            infos.service_id,
            &RenewRequest::dry_run(period("P3M"), services.clone()),
        )
        .await
        .unwrap();
    let order = api
        .create_renew_order(
            infos.service_id,
            &RenewRequest::order(period("P3M"), services),
        )
        .await
        .unwrap();
    let means = api
        .available_registered_payment_means(order.order_id)
        .await
        .unwrap();
    assert!(means.contains(&PaymentMean::Paypal), "{means:?}");
    api.pay_with_registered_payment_mean(order.order_id, PaymentMean::Paypal, Some(1234))
        .await
        .unwrap();
    let status = api.order_status(order.order_id).await.unwrap();
    (dry, order, status)
}

fn assert_vps_flow_outcome(dry: &Order, order: &Order, status: &OrderStatus) {
    // Prices as in src/testing/fixtures/renew_order_vps.json: 103.50 + 20.70 = 124.20 EUR.
    let recorded: Order = fixture("renew_order_vps.json");
    for o in [dry, order] {
        assert_eq!(
            o.price_without_tax.ucents(),
            recorded.price_without_tax.ucents()
        );
        assert_eq!(o.tax.ucents(), recorded.tax.ucents());
        assert_eq!(o.price_with_tax.ucents(), recorded.price_with_tax.ucents());
        assert_eq!(o.price_with_tax.text.as_deref(), Some("124.20 €"));
        assert_eq!(o.tax.currency(), Some(&CurrencyCode::Eur));
    }
    assert_eq!(dry.order_id, OrderId(0));
    assert!(dry.password.is_empty() && dry.url.is_empty() && dry.pdf_url.is_empty());
    assert_eq!(order.order_id, OrderId(300_000_001));
    assert!(!order.password.is_empty());
    assert_eq!(
        order.url,
        format!(
            "https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId=300000001&orderPassword={}",
            order.password
        )
    );
    assert!(order.date.is_some() && order.expiration_date > order.date);
    assert_eq!(*status, OrderStatus::Delivered);
}

fn assert_one_paypal_order(orders: &[testing::MockOrder], payments: &[testing::RecordedPayment]) {
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order = &orders[0];
    assert_eq!(order.order_id, OrderId(300_000_001));
    assert_eq!(order.service_id, sandbox::VPS_ID);
    assert_eq!(order.duration, period("P3M"));
    assert_eq!(order.services, [sandbox::VPS_ID]);
    assert_eq!(order.price_ucents, 10_350_000_000);
    assert_eq!(order.price_with_tax_ucents(), 12_420_000_000);
    assert_eq!(order.status(), OrderStatus::Delivered);
    let paypal = PaidWith::RegisteredMean {
        mean: PaymentMean::Paypal,
        id: Some(1234),
    };
    assert_eq!(order.paid.as_ref().map(|p| &p.with), Some(&paypal));
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].order_id, order.order_id);
    assert_eq!(payments[0].with, paypal);
}

#[tokio::test]
async fn mock_ovh_serves_the_guides_vps_renewal_to_the_real_client() {
    let ovh = MockOvh::start().await;
    assert!(ovh.base_url().ends_with("/1.0"), "{}", ovh.base_url());
    let client = ovh.client();
    let (dry, order, status) = vps_flow(&client).await;
    assert_vps_flow_outcome(&dry, &order, &status);
    assert_one_paypal_order(&ovh.orders(), &ovh.payments());

    let dry_runs = ovh.dry_runs();
    assert_eq!(dry_runs.len(), 1);
    assert_eq!(dry_runs[0].price_ucents, 10_350_000_000);
    // GET /me/order/{id} answers the order with its secrets, as OVH does.
    assert_eq!(client.order(order.order_id).await.unwrap(), order);

    let requests = ovh.requests();
    let seen: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("GET", "/auth/time"),
            ("GET", "/vps/vps-0baa4fcf.vps.ovh.net/serviceInfos"),
            ("GET", "/service/118977335/renew"),
            ("POST", "/service/118977335/renew"),
            ("POST", "/service/118977335/renew"),
            ("GET", "/me/order/300000001/availableRegisteredPaymentMean"),
            ("POST", "/me/order/300000001/payWithRegisteredPaymentMean"),
            ("GET", "/me/order/300000001/status"),
            ("GET", "/me/order/300000001"),
        ]
    );
    assert!(requests.iter().all(|r| r.status == 200));
    assert_eq!(requests[2].query.as_deref(), Some("includeOptions=false"));
    assert_eq!(
        requests[1].route.as_deref(),
        Some("/vps/{serviceName}/serviceInfos")
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| r.is("POST", "/service/{serviceId}/renew"))
            .count(),
        2
    );
}

#[tokio::test]
async fn recorded_orders_and_payments_never_show_order_secrets() {
    let ovh = MockOvh::start().await;
    let (_, order, _) = vps_flow(&ovh.client()).await;
    let fake = FakeRenewApi::sandbox();
    let (_, fake_order, _) = vps_flow(&fake).await;
    for (password, debug) in [
        (
            &order.password,
            format!(
                "{:?} {:#?} {:?}",
                ovh.orders(),
                ovh.payments(),
                ovh.requests()
            ),
        ),
        (
            &fake_order.password,
            format!(
                "{:?} {:?} {:?} {fake:?}",
                fake.orders(),
                fake.payments(),
                fake.calls()
            ),
        ),
    ] {
        assert!(!debug.contains(password.as_str()), "{debug}");
        assert!(!debug.contains("orderPassword"), "{debug}");
        assert!(!debug.contains("display-order"), "{debug}");
    }
}

#[tokio::test]
async fn mock_ovh_serves_every_product_route_and_the_service_list() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    let ids = client.list_services().await.unwrap();
    assert_eq!(ids, fixture::<Vec<ServiceId>>("service_list.json"));
    for (product, name, id, file) in [
        (
            "vps",
            sandbox::VPS_NAME,
            sandbox::VPS_ID,
            "vps_service_infos.json",
        ),
        (
            "domain",
            sandbox::DOMAIN_NAME,
            sandbox::DOMAIN_ID,
            "domain_service_infos.json",
        ),
        (
            "hosting/web",
            sandbox::HOSTING_NAME,
            sandbox::HOSTING_ID,
            "hosting_web_service_infos.json",
        ),
        (
            "dedicated/server",
            sandbox::DEDICATED_NAME,
            sandbox::DEDICATED_ID,
            "dedicated_server_service_infos.json",
        ),
    ] {
        let infos = client.service_infos(product, name).await.unwrap();
        let recorded: ServiceInfos = fixture(file);
        assert_eq!(infos.service_id, id);
        assert_eq!(infos.domain, recorded.domain);
        assert_eq!(infos.renew, recorded.renew, "{product}");
        let service = client.service(id).await.unwrap();
        assert_eq!(service.expiration_date, infos.expiration, "{product}");
        assert_eq!(
            service.route.path.as_deref(),
            Some(format!("/{product}/{{serviceName}}").as_str())
        );
        let choices = client.renew_descriptions(id, false).await.unwrap();
        assert!(!choices.is_empty(), "{product}");
    }
    // Expiry dates relative to today: manual renewals within two weeks.
    let today = chrono::Utc::now().date_naive();
    let domain = client
        .service_infos("domain", sandbox::DOMAIN_NAME)
        .await
        .unwrap();
    assert!(!domain.is_automatic_renewal());
    assert_eq!(
        domain.expiration,
        today.checked_add_days(chrono::Days::new(sandbox::DOMAIN_EXPIRES_IN_DAYS))
    );
    // The option: a Service, no serviceInfos; with includeOptions the VPS offers it.
    let backup = client.service(sandbox::VPS_BACKUP_ID).await.unwrap();
    assert_eq!(backup.renew.unwrap().mode, RenewMode::Option);
    let options = client
        .renew_descriptions(sandbox::VPS_ID, true)
        .await
        .unwrap();
    assert_eq!(
        options,
        fixture::<Vec<RenewDescription>>("renew_descriptions_vps_include_options.json")
    );
    let hosting = client
        .renew_descriptions(sandbox::HOSTING_ID, false)
        .await
        .unwrap();
    let prices: Vec<i64> = hosting[0]
        .strategies
        .iter()
        .map(|s| s.price.ucents())
        .collect();
    assert_eq!(prices, [3_488_000_000, 3_787_000_000]);

    for err in [
        client.service(ServiceId(1)).await.unwrap_err(),
        client
            .service_infos("vps", "vps-unknown.vps.ovh.net")
            .await
            .unwrap_err(),
        client
            .service_infos("domain", sandbox::VPS_NAME)
            .await
            .unwrap_err(),
        client
            .renew_descriptions(ServiceId(1), false)
            .await
            .unwrap_err(),
        client.order(OrderId(0)).await.unwrap_err(),
        client.order_status(OrderId(42)).await.unwrap_err(),
        client
            .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me/bill"))
            .await
            .unwrap_err(),
    ] {
        assert!(err.is_not_found(), "{err}");
        assert_eq!(
            err.api().unwrap().class.as_deref(),
            Some("Client::NotFound")
        );
        assert!(err.query_id().unwrap().starts_with("EU.mock."), "{err}");
    }
}

#[tokio::test]
async fn mock_ovh_checks_keys_and_signatures_like_ovh() {
    let ovh = MockOvh::start().await;
    let good = ovh.credentials();
    let with = |credentials: Credentials| {
        ovh.client_builder()
            .credentials(credentials)
            .build()
            .unwrap()
    };
    let cases = [
        (
            Credentials::new(
                good.application_key().unwrap(),
                "wrong-secret",
                testing::MOCK_CONSUMER_KEY,
            ),
            400,
            "INVALID_SIGNATURE",
            "Invalid signature",
        ),
        (
            Credentials::new(
                "other-app",
                testing::MOCK_APPLICATION_SECRET,
                testing::MOCK_CONSUMER_KEY,
            ),
            403,
            "INVALID_KEY",
            "This application key is invalid",
        ),
        (
            Credentials::new(
                good.application_key().unwrap(),
                testing::MOCK_APPLICATION_SECRET,
                "other-ck",
            ),
            403,
            "INVALID_CREDENTIAL",
            "This credential is not valid",
        ),
    ];
    for (credentials, status, code, message) in cases {
        let err = with(credentials).list_services().await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(err.error_code(), Some(code));
        assert_eq!(err.api().unwrap().message, message);
        assert!(err.query_id().is_some());
    }
    // The POST is refused before anything happens.
    let wrong = with(Credentials::new(
        good.application_key().unwrap(),
        "wrong-secret",
        testing::MOCK_CONSUMER_KEY,
    ));
    let request = RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]);
    let err = wrong
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap_err();
    assert_eq!(err.error_code(), Some("INVALID_SIGNATURE"));
    assert!(ovh.orders().is_empty());
    // The right credentials, through the builder, are accepted.
    assert_eq!(with(good).list_services().await.unwrap().len(), 5);
}

#[tokio::test]
async fn mock_ovh_refuses_tampered_and_stale_requests_sent_by_hand() {
    let ovh = MockOvh::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/service", ovh.base_url());
    let now = chrono::Utc::now().timestamp();
    let send = |timestamp: i64, signed_url: String| {
        let sig = signing::signature(
            testing::MOCK_APPLICATION_SECRET,
            testing::MOCK_CONSUMER_KEY,
            "GET",
            &signed_url,
            b"",
            timestamp,
        );
        http.get(&url)
            .header("X-Ovh-Application", testing::MOCK_APPLICATION_KEY)
            .header("X-Ovh-Consumer", testing::MOCK_CONSUMER_KEY)
            .header("X-Ovh-Timestamp", timestamp.to_string())
            .header("X-Ovh-Signature", sig)
            .send()
    };
    let ok = send(now, url.clone()).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(
        ok.headers()["X-Ovh-QueryID"]
            .to_str()
            .unwrap()
            .starts_with("EU.mock.")
    );

    let stale = send(now - 31 - 5, url.clone()).await.unwrap();
    assert_eq!(stale.status(), 400);
    let body: serde_json::Value = json_of(stale).await;
    assert_eq!(
        body,
        json!({"errorCode":"QUERY_TIME_OUT","httpCode":"400 Bad Request","message":"Query out of time"})
    );
    // Signed over another URL (another query): refused.
    let other = send(now, format!("{url}?x=1")).await.unwrap();
    assert_eq!(other.status(), 400);
    let body: serde_json::Value = json_of(other).await;
    assert_eq!(
        body,
        json!({"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"})
    );
    // Unsigned: refused, except /auth/time.
    let unsigned = http.get(&url).send().await.unwrap();
    assert_eq!(unsigned.status(), 403);
    let time = http
        .get(format!("{}/auth/time", ovh.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(time.status(), 200);
    let server_time: i64 = json_of(time).await;
    assert!((server_time - now).abs() <= 5);
    // Unknown routes, signed or not: OVH's 404.
    let unknown = http
        .get(format!("{}/nothing/here", ovh.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404);
    let body: serde_json::Value = json_of(unknown).await;
    assert_eq!(body["class"], "Client::NotFound");
    assert!(
        ovh.requests()
            .iter()
            .any(|r| r.route.is_none() && r.status == 404)
    );
}

#[tokio::test]
async fn clock_skew_of_a_day_either_way_costs_one_time_request() {
    for skew in [86_400, -86_400] {
        let ovh = MockOvh::builder().clock_skew(skew).start().await;
        let client = ovh.client();
        let (dry, order, status) = vps_flow(&client).await;
        assert_vps_flow_outcome(&dry, &order, &status);
        let delta = client.time_delta().await.unwrap();
        assert!((delta - skew).abs() <= 2, "{delta} vs {skew}");
        let requests = ovh.requests();
        assert_eq!(
            requests
                .iter()
                .filter(|r| r.is("GET", "/auth/time"))
                .count(),
            1
        );
        assert!(requests.iter().all(|r| r.status == 200), "{requests:?}");
    }
}

#[tokio::test]
async fn a_clock_jump_is_refused_once_then_the_client_resyncs() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    client.list_services().await.unwrap();
    ovh.set_clock_skew(-3_600);
    client.list_services().await.unwrap();
    let statuses: Vec<(String, u16)> = ovh
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status))
        .collect();
    let expected = [
        ("/auth/time", 200),
        ("/service", 200),
        ("/service", 400),
        ("/auth/time", 200),
        ("/service", 200),
    ];
    let expected: Vec<(String, u16)> = expected.iter().map(|(p, s)| (p.to_string(), *s)).collect();
    assert_eq!(statuses, expected);
}

#[tokio::test]
async fn renew_bodies_are_validated_against_the_offered_strategies() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    let vps = sandbox::VPS_ID;
    let refused = [
        (
            RenewRequest::order(period("P5M"), vec![vps]),
            "P1M, P3M, P6M, P1Y",
        ),
        (
            RenewRequest::dry_run(period("P2Y"), vec![vps]),
            "Invalid duration P2Y",
        ),
        (
            RenewRequest::order(period("P3M"), vec![vps, sandbox::VPS_BACKUP_ID]),
            "[118977335]",
        ),
        (
            RenewRequest::order(period("P1M"), vec![sandbox::DOMAIN_ID]),
            "do not match a renew strategy",
        ),
    ];
    for (request, hint) in refused {
        let err = client.create_renew_order(vps, &request).await.unwrap_err();
        let api = err.api().unwrap();
        assert_eq!(api.status, 400, "{err}");
        assert_eq!(api.class.as_deref(), Some("Client::BadRequest"));
        assert!(api.message.contains(hint), "{}", api.message);
        assert_eq!(api.route, "/service/{serviceId}/renew");
    }
    // Malformed bodies, sent raw.
    let path = ApiPath::new("/service").id("serviceId", vps.0).lit("renew");
    for body in [
        json!({"duration": "P1M"}),
        json!({"services": [vps]}),
        json!({"dryRun": "yes", "duration": "P1M", "services": [vps]}),
        json!({"duration": "P30D", "services": [vps]}),
        json!({"duration": "P1M", "services": ["118977335"]}),
        json!([1, 2]),
    ] {
        let err = client
            .call_with_body::<serde_json::Value, _>(Method::Post, &path, &body)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{body}: {err}");
    }
    assert!(ovh.orders().is_empty());
    assert!(ovh.dry_runs().is_empty());

    // Accepted: P12M for P1Y, the bundle in any order, dryRun omitted means an order,
    // and an option strategy without includeOptions.
    let order: Order = client
        .call_with_body(
            Method::Post,
            &ApiPath::new("/service")
                .id("serviceId", sandbox::DOMAIN_ID.0)
                .lit("renew"),
            &json!({"duration": "P12M", "services": [sandbox::DOMAIN_ID, sandbox::HOSTING_ID]}),
        )
        .await
        .unwrap();
    assert_eq!(order.order_id, OrderId(300_000_001));
    assert_eq!(order.price_without_tax.ucents(), 3_787_000_000);
    let with_backup = client
        .create_renew_order(
            vps,
            &RenewRequest::dry_run(period("P1M"), vec![vps, sandbox::VPS_BACKUP_ID]),
        )
        .await
        .unwrap();
    assert_eq!(with_backup.price_without_tax.ucents(), 4_250_000_000);
    assert_eq!(with_backup.price_with_tax.ucents(), 5_100_000_000);
    let orders = ovh.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].duration.as_str(), "P12M");
    assert_eq!(ovh.dry_runs().len(), 1);
}

async fn new_order(client: &OvhClient) -> OrderId {
    client
        .create_renew_order(
            sandbox::VPS_ID,
            &RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]),
        )
        .await
        .unwrap()
        .order_id
}

#[tokio::test]
async fn payments_follow_ovh_rules() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    let order = new_order(&client).await;

    let err = client
        .pay_with_registered_payment_mean(order, PaymentMean::CreditCard, Some(7))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let api = err.api().unwrap();
    assert_eq!(
        api.class.as_deref(),
        Some("Client::Forbidden::ActionImpossible")
    );
    assert_eq!(api.message, "This order can't be paid with creditCard");
    for mean in [PaymentMean::Paypal, PaymentMean::BankAccount] {
        let err = client
            .pay_with_registered_payment_mean(order, mean, None)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(err.to_string().contains("paymentMeanId"), "{err}");
    }
    let err = client.pay_with_payment_method(order, 1).await.unwrap_err();
    assert_eq!(err.status(), Some(403));
    let err = client
        .pay_with_registered_payment_mean(OrderId(999), PaymentMean::FidelityAccount, None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(ovh.payments().is_empty());
    assert_eq!(
        client.order_status(order).await.unwrap(),
        OrderStatus::NotPaid
    );

    // The default payment method pays; a second payment of any kind is a conflict.
    assert_eq!(
        client.payment_methods().await.unwrap(),
        sandbox::DEFAULT_PAYMENT_METHODS
    );
    client
        .pay_with_payment_method(order, 9_876_543)
        .await
        .unwrap();
    assert_eq!(
        client.order_status(order).await.unwrap(),
        OrderStatus::Delivered
    );
    let again = client
        .pay_with_payment_method(order, 9_876_543)
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(409));
    let again = client
        .pay_with_registered_payment_mean(order, PaymentMean::FidelityAccount, None)
        .await
        .unwrap_err();
    assert_eq!(again.status(), Some(409));
    assert_eq!(ovh.payments().len(), 1);
    assert_eq!(ovh.payments()[0].with, PaidWith::PaymentMethod(9_876_543));

    // Account settings.
    ovh.set_payment_means(vec![PaymentMean::OvhAccount]);
    ovh.set_payment_methods(vec![1, 2]);
    let second = new_order(&client).await;
    assert_eq!(
        client
            .available_registered_payment_means(second)
            .await
            .unwrap(),
        [PaymentMean::OvhAccount]
    );
    let err = client
        .pay_with_registered_payment_mean(second, PaymentMean::Paypal, Some(1234))
        .await
        .unwrap_err();
    assert_eq!(
        err.api().unwrap().message,
        "This order can't be paid with paypal"
    );
    assert_eq!(client.payment_methods().await.unwrap(), [1, 2]);
    client
        .pay_with_registered_payment_mean(second, PaymentMean::OvhAccount, None)
        .await
        .unwrap();
    assert_eq!(ovh.payments().len(), 2);
}

#[tokio::test]
async fn fail_next_answers_once_instead_of_or_after_processing() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    ovh.fail_next(
        "POST",
        "/service/{serviceId}/renew",
        503,
        r#"{"class":"Server::ServiceUnavailable","message":"Try again later"}"#,
    );
    ovh.fail_next(
        "GET",
        "/1.0/service/118977335/renew",
        500,
        "<html>oops</html>",
    );
    let request = RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]);
    let err = client
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(err.api().unwrap().message, "Try again later");
    assert!(ovh.orders().is_empty(), "a failed POST creates nothing");
    // 500 is not a status the client retries, so the programmed answer surfaces.
    let err = client
        .renew_descriptions(sandbox::VPS_ID, false)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(!err.api().unwrap().ovh_body);
    // Both were used up.
    client
        .renew_descriptions(sandbox::VPS_ID, false)
        .await
        .unwrap();
    let order = client
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap();
    assert_eq!(ovh.orders().len(), 1);

    // After processing: paid, but the client sees an error.
    ovh.fail_next_after_processing(
        "POST",
        "/me/order/{orderId}/payWithRegisteredPaymentMean",
        502,
        "",
    );
    let err = client
        .pay_with_registered_payment_mean(order.order_id, PaymentMean::FidelityAccount, None)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert_eq!(ovh.payments().len(), 1);
    assert_eq!(
        client.order_status(order.order_id).await.unwrap(),
        OrderStatus::Delivered
    );
    // A failure for /auth/time hits the first time sync of a new client.
    ovh.fail_next("GET", "/auth/time", 503, "");
    let fresh = ovh.client_builder().no_retries().build().unwrap();
    assert_eq!(fresh.list_services().await.unwrap_err().status(), Some(503));
}

fn zone() -> SandboxService {
    let id = ServiceId(77);
    let eur = |u| Price::from_ucents(u, CurrencyCode::Eur);
    SandboxService::new(
        "/domain/zone/",
        crate::support::model(json!({
            "serviceId": id,
            "domain": "zone a+b/c.example",
            "status": "ok",
            "renewalType": "manual",
            "possibleRenewPeriod": [12],
            "renew": {"automatic": false, "forced": false, "deleteAtExpiration": false},
        })),
    )
    .with_choices(vec![RenewDescription::new(
        period("P1Y"),
        vec![RenewStrategy::new(eur(1_234_567_891), vec![id])],
    )])
}

#[tokio::test]
async fn users_add_their_own_services_to_an_empty_mock() {
    let ovh = MockOvh::builder().empty().start().await;
    let client = ovh.client();
    assert!(client.list_services().await.unwrap().is_empty());
    ovh.add_service(zone());
    assert_eq!(client.list_services().await.unwrap(), [ServiceId(77)]);
    // The name travels as one encoded segment and is decoded back.
    let infos = client
        .service_infos("domain/zone", "zone a+b/c.example")
        .await
        .unwrap();
    assert_eq!(infos.service_id, ServiceId(77));
    let service = client.service(ServiceId(77)).await.unwrap();
    assert_eq!(
        service.route.path.as_deref(),
        Some("/domain/zone/{serviceName}")
    );
    assert_eq!(service.resource.display_name, "zone a+b/c.example");
    assert_eq!(service.renew.unwrap().mode, RenewMode::Manual);
    assert_eq!(
        client
            .renew_descriptions(ServiceId(77), true)
            .await
            .unwrap(),
        client
            .renew_descriptions(ServiceId(77), false)
            .await
            .unwrap()
    );
    let dry = client
        .create_renew_order(
            ServiceId(77),
            &RenewRequest::dry_run(period("P12M"), vec![ServiceId(77)]),
        )
        .await
        .unwrap();
    // 12.34567891 EUR + 2.469135782 (rounded to 2.46913578) = 14.81481469
    assert_eq!(dry.tax.ucents(), 246_913_578);
    assert_eq!(dry.price_with_tax.ucents(), 1_481_481_469);
    assert_eq!(dry.price_with_tax.text.as_deref(), Some("14.81 €"));
    // A replaced service takes effect at once.
    ovh.add_service(zone().with_choices(vec![]));
    let err = client
        .create_renew_order(
            ServiceId(77),
            &RenewRequest::dry_run(period("P1Y"), vec![ServiceId(77)]),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(client.list_services().await.unwrap().len(), 1);
}

#[tokio::test]
async fn fake_renew_api_behaves_like_the_mock() {
    let fake = FakeRenewApi::sandbox();
    let (dry, order, status) = vps_flow(&fake).await;
    assert_vps_flow_outcome(&dry, &order, &status);
    assert_one_paypal_order(&fake.orders(), &fake.payments());
    assert_eq!(fake.dry_runs().len(), 1);
    assert_eq!(
        fake.calls(),
        [
            Call::ServiceInfos {
                product: "vps".into(),
                service_name: sandbox::VPS_NAME.into()
            },
            Call::RenewDescriptions {
                id: sandbox::VPS_ID,
                include_options: false
            },
            Call::CreateRenewOrder {
                id: sandbox::VPS_ID,
                request: RenewRequest::dry_run(period("P3M"), vec![sandbox::VPS_ID])
            },
            Call::CreateRenewOrder {
                id: sandbox::VPS_ID,
                request: RenewRequest::order(period("P3M"), vec![sandbox::VPS_ID])
            },
            Call::AvailableRegisteredPaymentMeans {
                order_id: OrderId(300_000_001)
            },
            Call::PayWithRegisteredPaymentMean {
                order_id: OrderId(300_000_001),
                payment_mean: PaymentMean::Paypal,
                payment_mean_id: Some(1234)
            },
            Call::OrderStatus {
                order_id: OrderId(300_000_001)
            },
        ]
    );
    assert_eq!(fake.count(Op::CreateRenewOrder), 2);

    // Same refusals as the mock, as API errors with routes and query ids.
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    let bad = RenewRequest::order(period("P5M"), vec![sandbox::VPS_ID]);
    let from_fake = fake
        .create_renew_order(sandbox::VPS_ID, &bad)
        .await
        .unwrap_err();
    let from_mock = client
        .create_renew_order(sandbox::VPS_ID, &bad)
        .await
        .unwrap_err();
    let (f, m) = (from_fake.api().unwrap(), from_mock.api().unwrap());
    assert_eq!(
        (f.status, &f.class, &f.message),
        (m.status, &m.class, &m.message)
    );
    assert_eq!(
        (&f.method, &f.route, &f.rule_path),
        (&m.method, &m.route, &m.rule_path)
    );
    assert!(f.query_id.as_deref().unwrap().starts_with("EU.fake."));
    let paid_twice = fake
        .pay_with_payment_method(order.order_id, 9_876_543)
        .await
        .unwrap_err();
    assert_eq!(paid_twice.status(), Some(409));
    assert_eq!(
        fake.order(order.order_id).await.unwrap(),
        order,
        "the fake keeps the full order"
    );
    assert_eq!(
        fake.list_services().await.unwrap(),
        client.list_services().await.unwrap()
    );
    for id in fake.list_services().await.unwrap() {
        assert_eq!(
            fake.service(id).await.unwrap(),
            client.service(id).await.unwrap()
        );
    }

    // What the client refuses before sending, the fake refuses too (and records).
    let empty = RenewRequest::order(period("P1M"), vec![]);
    let err = fake
        .create_renew_order(sandbox::VPS_ID, &empty)
        .await
        .unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(RequestProblem::RenewRequest),
        "{err:?}"
    );
    let err = fake.service_infos("vps", "..").await.unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(RequestProblem::PathSegment),
        "{err:?}"
    );
    assert!(matches!(
        fake.calls().last(),
        Some(Call::ServiceInfos { service_name, .. }) if service_name == ".."
    ));
}

/// Sends the table's example call of `op` (its ids are the sandbox VPS and the first order
/// of a sandbox account) through `execute`.
async fn call(api: &dyn ServiceRenewApi, op: Op) -> Result<(), Error> {
    api.execute(&op.example()).await.map(drop)
}

#[tokio::test]
async fn fake_fail_next_fails_exactly_that_call_of_each_method() {
    for &method in Op::ALL {
        let fake = FakeRenewApi::sandbox();
        let order = fake
            .create_renew_order(
                sandbox::VPS_ID,
                &RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]),
            )
            .await
            .unwrap()
            .order_id;
        assert_eq!(order, OrderId(300_000_001), "the examples' order");
        let before = (fake.orders(), fake.payments());
        fake.fail_next(method, || {
            api_error(403, "NOT_GRANTED_CALL", "This call has not been granted")
        });
        // Other methods are not affected.
        for &other in Op::ALL {
            // Those that can order or pay would change the account: not here.
            let pays = !other.example().is_idempotent();
            if other != method && !pays {
                call(&fake, other).await.unwrap();
            }
        }
        let err = call(&fake, method).await.unwrap_err();
        assert!(err.is_not_granted(), "{method:?}: {err}");
        let api = err.api().unwrap();
        assert_eq!(api.status, 403);
        assert!(!api.route.is_empty(), "{method:?}: route filled in");
        assert!(
            api.hint().unwrap().contains(&api.rule_path),
            "{}",
            api.hint().unwrap()
        );
        assert_eq!(fake.calls().last().map(Call::op), Some(method));
        assert_eq!(
            (fake.orders(), fake.payments()),
            before,
            "{method:?}: no effect"
        );
        // Used up: the same call now succeeds.
        call(&fake, method).await.unwrap();
    }
}

#[tokio::test]
async fn fake_failures_can_happen_after_the_effect_and_come_in_order() {
    let fake = FakeRenewApi::sandbox();
    let api: &dyn ServiceRenewApi = &fake;
    fake.fail_next_after_processing(Op::CreateRenewOrder, || {
        transport_error(TransportKind::Timeout, true)
    });
    fake.fail_next(Op::CreateRenewOrder, || {
        api_error(500, "Server::InternalServerError", "boom")
    });
    let request = RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]);
    let err = api
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportKind::Timeout);
    assert_eq!(t.method, "POST");
    assert_eq!(t.route, "/service/{serviceId}/renew");
    assert!(err.may_have_been_processed());
    assert_eq!(fake.orders().len(), 1, "the order exists");
    let err = api
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(fake.orders().len(), 1);
    let order = api
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap();
    assert_eq!(order.order_id, OrderId(300_000_002));

    // A closure can count, or pick the error per call.
    let made = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = made.clone();
    fake.fail_next_after_processing(Op::PayWithPaymentMethod, move || {
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        transport_error(TransportKind::Connection, true)
    });
    let err = api
        .pay_with_payment_method(order.order_id, 9_876_543)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport(_)));
    assert_eq!(made.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(
        fake.payments().len(),
        1,
        "paid although the answer was lost"
    );
    assert_eq!(
        api.order_status(order.order_id).await.unwrap(),
        OrderStatus::Delivered
    );
}

#[tokio::test]
async fn fake_works_as_arc_dyn_across_spawned_tasks() {
    let fake = FakeRenewApi::new();
    fake.add_service(zone());
    fake.set_payment_means(vec![PaymentMean::FidelityAccount]);
    fake.set_payment_methods(vec![5]);
    let api: Arc<dyn ServiceRenewApi> = Arc::new(fake.clone());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                let order = api
                    .create_renew_order(
                        ServiceId(77),
                        &RenewRequest::order(period("P1Y"), vec![ServiceId(77)]),
                    )
                    .await?;
                api.pay_with_registered_payment_mean(
                    order.order_id,
                    PaymentMean::FidelityAccount,
                    None,
                )
                .await?;
                Ok::<_, Error>(order.order_id)
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap().unwrap());
    }
    ids.sort();
    let expected: Vec<OrderId> = (300_000_001..=300_000_008).map(OrderId).collect();
    assert_eq!(ids, expected);
    assert_eq!(fake.orders().len(), 8);
    assert_eq!(fake.payments().len(), 8);
    assert_eq!(fake.count(Op::CreateRenewOrder), 8);
    assert_eq!(api.payment_methods().await.unwrap(), [5]);
    assert_eq!(api.list_services().await.unwrap(), [ServiceId(77)]);
    assert!(
        api.service_infos("vps", sandbox::VPS_NAME)
            .await
            .unwrap_err()
            .is_not_found()
    );
    // Debug is short and safe.
    let debug = format!("{fake:?}");
    assert!(debug.contains("FakeRenewApi"), "{debug}");
}

/// `fail_when(…).times(n)` fails exactly the next `n` calls its predicate matches, then
/// lets them through; calls it does not match are answered; every call is recorded.
#[tokio::test]
async fn fail_when_times_fails_exactly_n_matching_calls() {
    let fake = FakeRenewApi::sandbox();
    let busy = fake
        .fail_when(|c| c.op() == Op::OrderStatus)
        .times(2)
        .with(|| api_error(503, "", "Service Unavailable"));
    let order = fake
        .create_renew_order(
            sandbox::VPS_ID,
            &RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]),
        )
        .await
        .unwrap();
    for _ in 0..2 {
        let err = fake.order_status(order.order_id).await.unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(err.api().unwrap().route, "/me/order/{orderId}/status");
    }
    assert_eq!(
        fake.order_status(order.order_id).await.unwrap(),
        OrderStatus::NotPaid
    );
    assert_eq!(busy.fired(), 2);
    assert_eq!(fake.count(Op::OrderStatus), 3);
    assert_eq!(fake.calls().len(), 4);
}

/// A rule matches on the call's arguments: only the named service fails, by default with
/// a connection error that never reached OVH, for as long as the rule lasts.
#[tokio::test]
async fn fail_when_matches_arguments_and_defaults_to_a_connection_error() {
    let fake = FakeRenewApi::sandbox();
    let down = fake.fail_when(
        |c| matches!(c, Call::ServiceInfos { service_name, .. } if service_name == sandbox::DOMAIN_NAME),
    );
    for _ in 0..3 {
        let err = fake
            .service_infos("domain", sandbox::DOMAIN_NAME)
            .await
            .unwrap_err();
        let Error::Transport(t) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(t.kind, TransportKind::Connect);
        assert_eq!(t.route, "/domain/{serviceName}/serviceInfos");
        assert!(!err.may_have_been_processed());
    }
    let vps = fake.service_infos("vps", sandbox::VPS_NAME).await.unwrap();
    assert_eq!(vps.service_id, sandbox::VPS_ID);
    assert_eq!(down.fired(), 3);
    let down = down.times(0);
    fake.service_infos("domain", sandbox::DOMAIN_NAME)
        .await
        .unwrap();
    assert_eq!(down.fired(), 3);
}

/// Without `after_processing` a failed order is not created and a failed payment not
/// recorded; with it, both exist although the calls failed.
#[tokio::test]
async fn fail_when_fails_before_or_after_the_effect() {
    let fake = FakeRenewApi::sandbox();
    let request = RenewRequest::order(period("P1M"), vec![sandbox::VPS_ID]);
    let refused = fake
        .fail_when(|c| matches!(c, Call::CreateRenewOrder { .. }))
        .times(1);
    assert!(
        fake.create_renew_order(sandbox::VPS_ID, &request)
            .await
            .is_err()
    );
    assert_eq!((refused.fired(), fake.orders().len()), (1, 0));

    let lost = fake
        .fail_when(|c| matches!(c, Call::PayWithPaymentMethod { .. }))
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true))
        .after_processing();
    let order = fake
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap();
    let err = fake
        .pay_with_payment_method(order.order_id, 9_876_543)
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed());
    assert_eq!(lost.fired(), 1);
    assert_eq!(
        fake.payments().len(),
        1,
        "paid although the answer was lost"
    );
    assert_eq!(fake.orders().len(), 1);
}

/// With OAuth2 credentials the mock serves a token endpoint, checks the client's Basic
/// authentication there and the bearer token on every call; a revoked token costs one
/// new token and one resend; a wrong client secret gets no token and no answer.
#[tokio::test]
async fn mock_ovh_serves_oauth2_clients_a_token_and_checks_the_bearer() {
    let mock = MockOvh::builder()
        .credentials(Credentials::oauth2(
            "mock-client",
            "SECRET-mock-client-secret",
        ))
        .start()
        .await;
    let client = mock.client();
    assert_eq!(client.list_services().await.unwrap().len(), 5);
    client.service(sandbox::VPS_ID).await.unwrap();
    assert_eq!(mock.tokens_issued(), 1, "the token is cached");

    mock.revoke_tokens();
    assert_eq!(client.list_services().await.unwrap().len(), 5);
    assert_eq!(mock.tokens_issued(), 2, "one new token after the 401");
    let statuses: Vec<(Option<String>, u16)> = mock
        .requests()
        .into_iter()
        .map(|r| (r.route, r.status))
        .filter(|(route, _)| route.as_deref() != Some("/auth/time"))
        .collect();
    let token = Some("/auth/oauth2/token".to_owned());
    let list = Some("/service".to_owned());
    assert_eq!(
        statuses,
        [
            (token.clone(), 200),
            (list.clone(), 200),
            (Some("/service/{serviceId}".to_owned()), 200),
            (list.clone(), 401),
            (token, 200),
            (list, 200),
        ]
    );

    let wrong = mock
        .client_builder()
        .credentials(Credentials::oauth2("mock-client", "SECRET-wrong"))
        .oauth2_token_url(&mock.oauth2_token_url())
        .build()
        .unwrap();
    let before = mock.requests().len();
    let err = wrong.list_services().await.unwrap_err();
    assert!(!err.to_string().contains("SECRET-"), "{err}");
    assert_eq!(mock.tokens_issued(), 2);
    let after: Vec<_> = mock.requests().into_iter().skip(before).collect();
    assert!(
        after
            .iter()
            .all(|r| r.route.as_deref() == Some("/auth/oauth2/token") && r.status == 401),
        "{after:?}"
    );

    // A signed client is refused by an OAuth2 account.
    let signed = mock
        .client_builder()
        .credentials(Credentials::new("ak", "SECRET-as", "SECRET-ck"))
        .build()
        .unwrap();
    assert_eq!(
        signed.list_services().await.unwrap_err().status(),
        Some(401)
    );
}

/// With a static bearer token the mock accepts that token and refuses any other with a
/// 401 that the client reports, once (a static token cannot be renewed).
#[tokio::test]
async fn mock_ovh_checks_a_static_bearer_token() {
    let mock = MockOvh::builder()
        .credentials(Credentials::access_token("SECRET-static-mock-token"))
        .start()
        .await;
    assert_eq!(mock.client().list_services().await.unwrap().len(), 5);
    let wrong = mock
        .client_builder()
        .credentials(Credentials::access_token("SECRET-other-token"))
        .build()
        .unwrap();
    let err = wrong.list_services().await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.is_invalid_credential(), "{err}");
    assert!(!format!("{err} {err:?}").contains("SECRET-"), "{err:?}");
    let refused = mock
        .requests()
        .iter()
        .filter(|r| r.is("GET", "/service") && r.status == 401)
        .count();
    assert_eq!(refused, 1);
    assert_eq!(mock.tokens_issued(), 0);
}

/// `fail_next_after_processing` means the same on both doubles: the order is created and
/// recorded, the caller gets an error saying OVH may have acted, and nothing is resent.
#[tokio::test]
async fn fail_next_after_processing_creates_the_order_then_fails_on_both_doubles() {
    let order = ovh_renew::models::RenewRequest::order(
        "P1M".parse().unwrap(),
        vec![ovh_renew::testing::sandbox::VPS_ID],
    );
    let vps = ovh_renew::testing::sandbox::VPS_ID;

    let fake = FakeRenewApi::sandbox();
    fake.fail_next_after_processing(ovh_renew::ops::Op::CreateRenewOrder, || {
        ovh_renew::testing::api_error(500, "Server::InternalServerError", "lost")
    });
    let err = fake.create_renew_order(vps, &order).await.unwrap_err();
    assert!(err.may_have_been_processed(), "{err}");
    assert_eq!(fake.orders().len(), 1);
    assert_eq!(fake.count(ovh_renew::ops::Op::CreateRenewOrder), 1);

    let mock = MockOvh::start().await;
    mock.fail_next_after_processing(
        "POST",
        "/service/{serviceId}/renew",
        500,
        r#"{"class":"Server::InternalServerError","message":"lost"}"#,
    );
    let err = mock
        .client()
        .create_renew_order(vps, &order)
        .await
        .unwrap_err();
    assert!(err.may_have_been_processed(), "{err}");
    assert_eq!(mock.orders().len(), 1);
    let posts = mock.requests();
    let posts = posts
        .iter()
        .filter(|r| r.is("POST", "/service/{serviceId}/renew"));
    assert_eq!(posts.count(), 1, "never resent");
}
