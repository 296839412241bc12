//! `ServiceRenewApi` on `OvhClient`: every method against recorded fixtures served
//! verbatim, with the request (method, path, query, exact body, signature) asserted.

use std::sync::Arc;

use ovh_renew::models::*;
use ovh_renew::*;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, Request};

use crate::support::*;

/// A recorded request body, compacted the way the client serializes (same key order).
fn compact(name: &str) -> String {
    let value: serde_json::Value = decode(name);
    serde_json::to_string(&value).unwrap()
}

use crate::support::fixture_as as decode;

/// Mounts a signed GET answering `file` verbatim, expected once.
async fn get_once(ovh: &Ovh, wire_path: &str, file: &str) {
    Mock::given(method("GET"))
        .and(path(wire_path))
        .and(ovh.signed())
        .and(|req: &Request| req.body.is_empty())
        .respond_with(json_fixture(200, file))
        .expect(1)
        .mount(&ovh.server)
        .await;
}

#[tokio::test]
async fn list_services_and_service_read_the_service_list_api() {
    let ovh = Ovh::start(0, 1).await;
    get_once(&ovh, "/1.0/service", "service_list.json").await;
    get_once(&ovh, "/1.0/service/118977335", "service_get_vps.json").await;
    let client = ovh.client();

    let ids = client.list_services().await.unwrap();
    assert_eq!(ids, decode::<Vec<ServiceId>>("service_list.json"));
    assert!(ids.contains(&ServiceId(118977335)));

    let service = client.service(ServiceId(118977335)).await.unwrap();
    assert_eq!(service, decode::<Service>("service_get_vps.json"));
    assert_eq!(service.route.path.as_deref(), Some("/vps/{serviceName}"));
    assert_eq!(service.resource.display_name, "vps-0baa4fcf.vps.ovh.net");
    assert_eq!(service.state, BillingState::Ok);
    let renew = service.renew.unwrap();
    assert_eq!(renew.mode, RenewMode::AutomaticV2016);
}

#[tokio::test]
async fn service_infos_splits_the_product_and_encodes_the_name() {
    let ovh = Ovh::start(0, 1).await;
    let table = [
        (
            "vps",
            "vps-0baa4fcf.vps.ovh.net",
            "/1.0/vps/vps-0baa4fcf.vps.ovh.net/serviceInfos",
            "vps_service_infos.json",
        ),
        (
            "domain",
            "agora3.ovh",
            "/1.0/domain/agora3.ovh/serviceInfos",
            "domain_service_infos.json",
        ),
        (
            "hosting/web",
            "agora3.ovh",
            "/1.0/hosting/web/agora3.ovh/serviceInfos",
            "hosting_web_service_infos.json",
        ),
        (
            "dedicated/server",
            "ns3185342.ip-51-91-20.eu",
            "/1.0/dedicated/server/ns3185342.ip-51-91-20.eu/serviceInfos",
            "dedicated_server_service_infos.json",
        ),
        (
            "vps",
            "vps-37eb1a5a.vps.ovh.net",
            "/1.0/vps/vps-37eb1a5a.vps.ovh.net/serviceInfos",
            "vps_service_infos_expired.json",
        ),
        (
            "vps",
            "vps-9a706163.vps.ovh.net",
            "/1.0/vps/vps-9a706163.vps.ovh.net/serviceInfos",
            "vps_service_infos_terminating.json",
        ),
    ];
    for (_, _, wire, file) in table {
        get_once(&ovh, wire, file).await;
    }
    let client = ovh.client();
    for (product, name, _, file) in table {
        let infos = client.service_infos(product, name).await.unwrap();
        assert_eq!(infos, decode::<ServiceInfos>(file), "{file}");
        assert_eq!(infos.domain, name, "{file}");
    }
}

#[tokio::test]
async fn service_infos_refuses_names_and_products_that_cannot_travel() {
    let ovh = Ovh::start(0, 0).await;
    let client = ovh.client();
    for (product, name) in [
        ("vps", ""),
        ("vps", ".."),
        ("vps", "."),
        ("", "x"),
        ("../me", "x"),
        ("vps?x", "y"),
        ("a b", "x"),
    ] {
        let err = client.service_infos(product, name).await.unwrap_err();
        assert!(
            matches!(
                err.request_problem(),
                Some(RequestProblem::Product | RequestProblem::PathSegment)
            ),
            "{product:?} {name:?}: {err:?}"
        );
        assert!(!err.may_have_been_processed());
    }
    // A `Product` built without `From` (no slash clean-up) is checked the same way.
    for product in ["", ".", "..", "vps/..", "a b", "vps?x"] {
        let call = ops::Call::ServiceInfos {
            product: models::Product::Other(product.to_owned()),
            service_name: "x".to_owned(),
        };
        let err = client.execute(&call).await.unwrap_err();
        assert_eq!(
            err.request_problem(),
            Some(RequestProblem::Product),
            "{product:?}: {err:?}"
        );
    }
    assert_eq!(ovh.server.received_requests().await.unwrap().len(), 0);
}

/// A route unknown to the crate is kept in `Product::Other` and sent as it is, slashes
/// trimmed: `domain/zone` reaches `/domain/zone/{name}/serviceInfos`.
#[tokio::test]
async fn service_infos_of_an_unknown_product_is_sent_on_its_route() {
    let ovh = Ovh::start(0, 1).await;
    get_once(
        &ovh,
        "/1.0/domain/zone/example.com/serviceInfos",
        "vps_service_infos.json",
    )
    .await;
    let product = models::Product::from("/domain/zone/");
    assert_eq!(product, models::Product::Other("domain/zone".into()));
    let infos = ovh
        .client()
        .service_infos(product.as_route(), "example.com")
        .await
        .unwrap();
    assert_eq!(infos, decode::<ServiceInfos>("vps_service_infos.json"));
}

/// A hostile service name travels as exactly one percent-encoded path segment, through
/// the typed call and through a raw call built with `ApiPath::segment` (one encoder):
/// each wire path is hit exactly twice. (Any name, by property:
/// `hardening::any_service_name_is_refused_or_arrives_as_exactly_one_segment`.)
#[tokio::test]
async fn hostile_service_names_travel_as_one_segment_of_service_infos() {
    let ovh = Ovh::start(0, 1).await;
    let table = [
        ("../me", "/1.0/vps/..%2Fme/serviceInfos"),
        ("a/b", "/1.0/vps/a%2Fb/serviceInfos"),
        ("a?b", "/1.0/vps/a%3Fb/serviceInfos"),
        ("a#b", "/1.0/vps/a%23b/serviceInfos"),
        ("%2e%2e", "/1.0/vps/%252e%252e/serviceInfos"),
        ("dömäin.ovh", "/1.0/vps/d%C3%B6m%C3%A4in.ovh/serviceInfos"),
        ("vps-ünï", "/1.0/vps/vps-%C3%BCn%C3%AF/serviceInfos"),
    ];
    for (_, wire) in table {
        ovh.mount_signed("GET", wire, "vps_service_infos.json", 2)
            .await;
    }
    let client = ovh.client();
    for (name, _) in table {
        let typed = client.service_infos("vps", name).await.unwrap();
        let p = ApiPath::new("/vps")
            .segment("serviceName", name)
            .unwrap()
            .lit("serviceInfos");
        let raw: ServiceInfos = client.call(Method::Get, &p).await.unwrap();
        assert_eq!(raw, typed, "{name}");
    }
}

#[tokio::test]
async fn renew_descriptions_sends_include_options_and_decodes_every_fixture() {
    let ovh = Ovh::start(0, 1).await;
    let table = [
        (1u64, false, "renew_descriptions_domain_guide.json"),
        (2, false, "renew_descriptions_domain.json"),
        (3, false, "renew_descriptions_vps.json"),
        (4, true, "renew_descriptions_vps_include_options.json"),
        (5, false, "renew_descriptions_empty.json"),
    ];
    for (id, include, file) in table {
        Mock::given(method("GET"))
            .and(path(format!("/1.0/service/{id}/renew")))
            .and(query_param(
                "includeOptions",
                if include { "true" } else { "false" },
            ))
            .and(ovh.signed())
            .respond_with(json_fixture(200, file))
            .expect(1)
            .mount(&ovh.server)
            .await;
    }
    let client = ovh.client();
    for (id, include, file) in table {
        let choices = client
            .renew_descriptions(ServiceId(id), include)
            .await
            .unwrap();
        assert_eq!(choices, decode::<Vec<RenewDescription>>(file), "{file}");
    }
    let guide: Vec<RenewDescription> = decode("renew_descriptions_domain_guide.json");
    assert_eq!(guide[0].renew_period.as_str(), "P1Y");
    assert_eq!(guide[0].strategies[0].services, vec![ServiceId(12345)]);
    assert_eq!(guide[0].strategies[0].price.ucents(), 199_000_000);
}

#[tokio::test]
async fn create_renew_order_posts_the_exact_body_once_and_decodes_the_order() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/12345/renew"))
        .and(body_string(
            r#"{"dryRun":false,"duration":"P1Y","services":[67890,12345]}"#,
        ))
        .and(wiremock::matchers::header(
            "content-type",
            "application/json",
        ))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "renew_order.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/118977335/renew"))
        .and(body_string(
            r#"{"dryRun":true,"duration":"P3M","services":[118977335]}"#,
        ))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "renew_order_vps.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.client();

    let request = RenewRequest::order(
        "P1Y".parse().unwrap(),
        vec![ServiceId(67890), ServiceId(12345)],
    );
    // The request is the guide's own body, byte for byte.
    let guide: serde_json::Value = decode("renew_request.json");
    assert_eq!(serde_json::to_value(&request).unwrap(), guide);
    let order = client
        .create_renew_order(ServiceId(12345), &request)
        .await
        .unwrap();
    assert_eq!(order, decode::<Order>("renew_order.json"));
    assert_eq!(order.order_id, OrderId(123456789));
    assert_eq!(order.price_without_tax.ucents(), 3_787_000_000);
    assert_eq!(order.price_with_tax.ucents(), 4_544_000_000);
    let shown = format!("{order:?}");
    assert!(
        !shown.contains("aBcD") && !shown.contains("displayOrder"),
        "{shown}"
    );

    let dry = RenewRequest::dry_run("P3M".parse().unwrap(), vec![ServiceId(118977335)]);
    let priced = client
        .create_renew_order(ServiceId(118977335), &dry)
        .await
        .unwrap();
    assert_eq!(priced, decode::<Order>("renew_order_vps.json"));
}

#[tokio::test]
async fn create_renew_order_refuses_an_empty_service_list_before_sending() {
    let ovh = Ovh::start(0, 0).await;
    let request = RenewRequest::dry_run("P1Y".parse().unwrap(), vec![]);
    let err = ovh
        .client()
        .create_renew_order(ServiceId(1), &request)
        .await
        .unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(RequestProblem::RenewRequest),
        "{err:?}"
    );
    assert!(!err.may_have_been_processed());
    // No POST mounted, and /auth/time expected 0 times: nothing was sent.
}

#[tokio::test]
async fn orders_statuses_and_payment_means_are_read_from_me_order() {
    let ovh = Ovh::start(0, 1).await;
    get_once(&ovh, "/1.0/me/order/214110657", "me_order.json").await;
    get_once(&ovh, "/1.0/me/order/214110656", "me_order_points.json").await;
    get_once(&ovh, "/1.0/me/order/1/status", "order_status_not_paid.json").await;
    get_once(
        &ovh,
        "/1.0/me/order/2/status",
        "order_status_delivered.json",
    )
    .await;
    get_once(
        &ovh,
        "/1.0/me/order/1/availableRegisteredPaymentMean",
        "available_registered_payment_mean.json",
    )
    .await;
    get_once(&ovh, "/1.0/me/payment/method", "payment_method_list.json").await;
    let client = ovh.client();

    let order = client.order(OrderId(214110657)).await.unwrap();
    assert_eq!(order, decode::<Order>("me_order.json"));
    assert_eq!(order.price_with_tax.ucents(), 12_420_000_000);
    let points = client.order(OrderId(214110656)).await.unwrap();
    assert_eq!(
        points.price_with_tax.currency_code,
        Some(CurrencyCode::Points)
    );

    assert_eq!(
        client.order_status(OrderId(1)).await.unwrap(),
        OrderStatus::NotPaid
    );
    assert_eq!(
        client.order_status(OrderId(2)).await.unwrap(),
        OrderStatus::Delivered
    );
    assert_eq!(
        client
            .available_registered_payment_means(OrderId(1))
            .await
            .unwrap(),
        vec![PaymentMean::BankAccount]
    );
    assert_eq!(
        client.payment_methods().await.unwrap(),
        decode::<Vec<u64>>("payment_method_list.json")
    );
}

#[tokio::test]
async fn payments_post_the_documented_bodies_exactly_once() {
    let ovh = Ovh::start(0, 1).await;
    let guide_body =
        String::from_utf8(fixture("pay_with_registered_payment_mean_request.json")).unwrap();
    let guide_value: serde_json::Value = serde_json::from_str(&guide_body).unwrap();
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/7/payWithRegisteredPaymentMean"))
        .and(body_string(serde_json::to_string(&guide_value).unwrap()))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "void_response.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/8/payWithRegisteredPaymentMean"))
        .and(body_string(compact(
            "pay_with_registered_payment_mean_request_fidelity.json",
        )))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "void_response.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/9/pay"))
        .and(body_string(compact("pay_request.json")))
        .and(ovh.signed())
        .respond_with(json_fixture(200, "pay_response.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.client();
    let mean: PaymentMean = guide_value["paymentMean"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let id = guide_value["paymentMeanId"].as_u64();
    client
        .pay_with_registered_payment_mean(OrderId(7), mean, id)
        .await
        .unwrap();
    client
        .pay_with_registered_payment_mean(OrderId(8), PaymentMean::FidelityAccount, None)
        .await
        .unwrap();
    client
        .pay_with_payment_method(OrderId(9), 9876543)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_refused_payment_is_an_api_error_and_is_not_resent() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/7/payWithRegisteredPaymentMean"))
        .respond_with(json_body(403, r#"{"class":"Client::Forbidden::ActionImpossible","message":"This order can't be paid with paypal"}"#))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let err = ovh
        .client()
        .pay_with_registered_payment_mean(OrderId(7), PaymentMean::Paypal, Some(1234))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    assert!(
        err.to_string().contains("can't be paid with paypal"),
        "{err}"
    );
}

#[tokio::test]
async fn unknown_enum_values_are_kept_and_extra_fields_ignored() {
    let ovh = Ovh::start(0, 1).await;
    let body = r#"{"serviceId":1,"domain":"x","status":"hibernating","renewalType":"automaticV2099",
        "newField":{"nested":[1,2]},"creation":"2024-01-01","expiration":"2025-01-01",
        "renew":{"automatic":false,"deleteAtExpiration":false,"forced":false,"manualPayment":true,"period":null,"extra":1},
        "canDeleteAtExpiration":true,"contactAdmin":"a","contactBilling":"b","contactTech":"c","engagedUpTo":null,"possibleRenewPeriod":null}"#;
    Mock::given(method("GET"))
        .and(path("/1.0/vps/x/serviceInfos"))
        .respond_with(json_body(200, body))
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/me/order/1/status"))
        .respond_with(json_body(200, r#""waitingForGodot""#))
        .mount(&ovh.server)
        .await;
    let client = ovh.client();
    let infos = client.service_infos("vps", "x").await.unwrap();
    assert_eq!(infos.status.as_str(), "hibernating");
    assert!(!infos.status.is_known());
    assert_eq!(infos.renewal_type.as_str(), "automaticV2099");
    let back = serde_json::to_value(&infos).unwrap();
    assert_eq!(back["renewalType"], "automaticV2099");
    let status = client.order_status(OrderId(1)).await.unwrap();
    assert_eq!(status.as_str(), "waitingForGodot");
}

#[tokio::test]
async fn the_trait_is_object_safe_and_its_futures_can_be_spawned() {
    let ovh = Ovh::start(0, 1).await;
    ovh.mount_signed("GET", "/1.0/service", "service_list.json", 4)
        .await;
    let api: Arc<dyn ServiceRenewApi> = Arc::new(ovh.client());
    let mut handles = Vec::new();
    for _ in 0..4 {
        let api = api.clone();
        handles.push(tokio::spawn(async move { api.list_services().await }));
    }
    for h in handles {
        assert!(!h.await.unwrap().unwrap().is_empty());
    }
}

#[tokio::test]
async fn renew_refusals_and_unknown_credentials_are_typed_api_errors() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/118977335/renew"))
        .respond_with(json_fixture(400, "error_bad_request_renew_invented.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_fixture(403, "error_not_credential.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.client();
    let request = RenewRequest::order("P5M".parse().unwrap(), vec![ServiceId(118977335)]);
    let err = client
        .create_renew_order(ServiceId(118977335), &request)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.api().unwrap().class.as_deref(),
        Some("Client::BadRequest")
    );
    assert!(err.to_string().contains("Invalid duration P5M"), "{err}");

    let err = client.list_services().await.unwrap_err();
    assert_eq!(err.error_code(), Some("NOT_CREDENTIAL"));
    assert!(err.is_invalid_credential());
    assert_no_secret(&format!("{err} {err:?}"));
}
