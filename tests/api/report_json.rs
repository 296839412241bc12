//! The JSON of `RenewReport` and `Plan` is what users store, log and approve: these tests
//! pin it byte for byte (as JSON values) against files recorded from sandbox runs, so that
//! a change of the Rust types never changes it by accident.
#![cfg(feature = "test-util")]

use chrono::NaiveDate;
use ovh_renew::models::{
    CurrencyCode, PaymentMean, Price, RenewDescription, RenewStrategy, ServiceId, ServiceInfos,
};
use ovh_renew::ops::Op;
use ovh_renew::planner::{PeriodChoice, PlanOptions, plan};
use ovh_renew::testing::{FakeRenewApi, SandboxService, api_error, sandbox};
use serde_json::Value;

/// Set `OVH_RENEW_BLESS=1` to rewrite the golden files from the current output (then
/// review the diff: it is a change of the crate's JSON).
fn assert_golden(name: &str, actual: &Value) {
    let path = format!(
        "{}/tests/api/golden/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let pretty = serde_json::to_string_pretty(actual).unwrap() + "\n";
    if std::env::var_os("OVH_RENEW_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
    }
    let expected: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(actual, &expected, "{name}: got\n{pretty}");
}

/// The order and invoice dates are the time of the run: checked to be RFC 3339, then
/// replaced.
fn freeze_dates(report: &mut Value) {
    for order in ["dryRun", "order", "bill"] {
        let Some(order) = report.get_mut(order).and_then(Value::as_object_mut) else {
            continue;
        };
        for field in ["date", "expirationDate"] {
            if let Some(at) = order.get_mut(field).filter(|v| !v.is_null()) {
                let text = at.as_str().expect("a date is text");
                chrono::DateTime::parse_from_rfc3339(text).expect("RFC 3339");
                *at = Value::from("<run time>");
            }
        }
    }
}

async fn report_json(options: ovh_renew::workflow::RenewOptions) -> Value {
    let fake = FakeRenewApi::sandbox();
    let report = ovh_renew::workflow::renew(&fake, &options).await.unwrap();
    let mut json = serde_json::to_value(&report).unwrap();
    freeze_dates(&mut json);
    // What is stored reads back as the same report.
    let back: ovh_renew::workflow::RenewReport =
        serde_json::from_value(serde_json::to_value(&report).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(&report).unwrap()
    );
    json
}

fn vps(period: &str) -> ovh_renew::workflow::RenewOptions {
    ovh_renew::workflow::RenewOptions::new(
        ovh_renew::workflow::ServiceRef::named("vps", sandbox::VPS_NAME),
        period.parse().unwrap(),
    )
}

#[tokio::test]
async fn a_dry_run_reports_keep_their_json() {
    assert_golden("report_dry_run", &report_json(vps("P3M")).await);
}

#[tokio::test]
async fn an_unpaid_order_report_keeps_its_json() {
    assert_golden("report_ordered", &report_json(vps("P3M").order(true)).await);
}

#[tokio::test]
async fn a_report_paid_with_a_registered_mean_keeps_its_json() {
    let options = vps("P1M")
        .order(true)
        .pay(ovh_renew::workflow::PaymentChoice::registered(
            PaymentMean::Paypal,
            Some(1234),
        ));
    assert_golden("report_paid_registered", &report_json(options).await);
}

#[tokio::test]
async fn a_report_paid_with_a_payment_method_keeps_its_json() {
    let options = vps("P6M")
        .order(true)
        .pay(ovh_renew::workflow::PaymentChoice::Method(9_876_543));
    assert_golden("report_paid_method", &report_json(options).await);
}

#[test]
fn no_report_json_holds_an_order_password_or_url() {
    for name in [
        "report_dry_run",
        "report_ordered",
        "report_paid_registered",
        "report_paid_method",
    ] {
        let path = format!(
            "{}/tests/api/golden/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for secret in ["password", "\"url\"", "pdfUrl", "http"] {
            assert!(!text.contains(secret), "{name} holds {secret}");
        }
    }
}

/// A plan with every kind of line: ready in two currencies and without one, failed at
/// each step, skipped for each reason.
#[tokio::test]
async fn a_plan_with_every_kind_of_line_keeps_its_json() {
    let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let fake = FakeRenewApi::new();
    for service in sandbox::services_as_of(today) {
        fake.add_service(service);
    }
    let in_days = |n| today.checked_add_days(chrono::Days::new(n)).unwrap();
    let priced = |id: u64, price: Price, expires: Option<NaiveDate>| {
        let id = ServiceId(id);
        let mut infos = ServiceInfos::new(id, format!("zone{id}.example"));
        infos.expiration = expires;
        SandboxService::new("domain/zone", infos).with_choices(vec![RenewDescription::new(
            "P1Y".parse().unwrap(),
            vec![RenewStrategy::new(price, vec![id])],
        )])
    };
    fake.add_service(priced(
        901,
        Price::from_ucents(500_000_000, CurrencyCode::Points),
        Some(in_days(3)),
    ));
    let mut no_currency = Price::from_ucents(100_000_000, CurrencyCode::Eur);
    no_currency.currency_code = None;
    fake.add_service(priced(902, no_currency, Some(in_days(4))));
    fake.add_service(priced(
        903,
        Price::from_ucents(100_000_000, CurrencyCode::Eur),
        None,
    ));
    fake.add_service(priced(
        904,
        Price::from_ucents(100_000_000, CurrencyCode::Eur),
        Some(in_days(6)),
    ));
    fake.add_service(priced(
        905,
        Price::from_ucents(100_000_000, CurrencyCode::Eur),
        Some(in_days(7)),
    ));
    // 906 offers no P1Y: selecting fails.
    let mut infos = ServiceInfos::new(ServiceId(906), "zone906.example");
    infos.expiration = Some(in_days(8));
    fake.add_service(SandboxService::new("domain/zone", infos).with_choices(vec![
        RenewDescription::new(
            "P2Y".parse().unwrap(),
            vec![RenewStrategy::new(
                Price::from_ucents(100_000_000, CurrencyCode::Eur),
                vec![ServiceId(906)],
            )],
        ),
    ]));
    // The listing answers plain ids (the paging header not honoured), so the planner reads
    // each service's view: 904's read fails; 905's choices fail.
    fake.set_paging(ovh_renew::testing::PagingMode::Ignored, None);
    let _service = fake
        .fail_when(
            |c| matches!(c, ovh_renew::ops::Call::ServiceView { id } if *id == ServiceId(904)),
        )
        .times(1)
        .with(|| api_error(500, "Server::InternalServerError", "Internal server error"));
    let _choices = fake.fail_when(
        |c| matches!(c, ovh_renew::ops::Call::RenewDescriptions { id, .. } if *id == ServiceId(905)),
    )
    .times(1)
    .with(|| api_error(404, "Client::NotFound", "This service does not exist"));

    let options = PlanOptions::new(PeriodChoice::Fixed("P1Y".parse().unwrap()))
        .within_days(15)
        .concurrency(1)
        .today(today);
    let plan = plan(&fake, &options, None).await.unwrap();
    assert_eq!(fake.count(Op::ServicesPage), 1);
    let json = serde_json::to_value(&plan).unwrap();
    assert_golden("plan_every_line", &json);
    let back: ovh_renew::planner::Plan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan);
}

/// A stored report reads back only as a combination a run produces.
#[test]
fn a_report_json_with_an_impossible_combination_is_refused() {
    let path = format!(
        "{}/tests/api/golden/report_paid_registered.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let paid: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let read = |edit: &dyn Fn(&mut Value)| {
        let mut json = paid.clone();
        for order in ["dryRun", "order", "bill"] {
            for field in ["date", "expirationDate"] {
                if let Some(at) = json[order].get_mut(field).filter(|v| !v.is_null()) {
                    *at = Value::from("2026-03-01T10:00:00+00:00");
                }
            }
        }
        edit(&mut json);
        serde_json::from_value::<ovh_renew::workflow::RenewReport>(json)
    };
    let report = read(&|_| {}).unwrap();
    assert!(matches!(
        report.outcome,
        ovh_renew::workflow::RenewOutcome::Paid { .. }
    ));
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit); 9] = [
        ("an order without a status", |j| j["status"] = Value::Null),
        ("an invoice with a dry run", |j| {
            j["order"] = Value::Null;
            j["status"] = Value::Null;
            j["payment"] = Value::Null;
            j["available_payment_means"] = Value::Null;
        }),
        ("already renewed without its earlier order", |j| {
            j["order"] = Value::Null;
            j["payment"] = Value::Null;
            j["available_payment_means"] = Value::Null;
        }),
        ("the default method without the method paid with", |j| {
            j["payment"] = Value::from("Default");
            j["available_payment_means"] = Value::Null;
        }),
        ("a payment method with a registered mean", |j| {
            j["payment_method"] = serde_json::json!({
                "paymentMethodId": 9876543, "paymentType": "CREDIT_CARD", "status": "VALID"
            });
        }),
        ("a delivery without a payment", |j| {
            j["payment"] = Value::Null;
            j["available_payment_means"] = Value::Null;
            j["bill"] = Value::Null;
            j["delivery"] = serde_json::json!({
                "status": "delivered", "follow_up": [], "polls": 1, "end": "Delivered"
            });
        }),
        ("a payment without an order", |j| {
            j["order"] = Value::Null;
            j["status"] = Value::Null;
        }),
        ("means listed for a payment method", |j| {
            j["payment"] = serde_json::json!({"Method": 9876543});
        }),
        ("a registered payment without the listed means", |j| {
            j["available_payment_means"] = Value::Null;
        }),
    ];
    for (what, edit) in cases {
        let err = read(&edit).unwrap_err();
        assert!(
            err.to_string().contains("inconsistent renew report"),
            "{what}: {err}"
        );
    }
}

/// The payment method paid with is in the report, without its payment form's session
/// token; the invoice is there without its password and URLs.
#[tokio::test]
async fn a_report_json_holds_no_payment_form_session_nor_invoice_secret() {
    let fake = FakeRenewApi::sandbox();
    let mut methods = sandbox::payment_methods();
    methods[0].form_session_id = Some("form-session-secret-77".into());
    fake.set_payment_method_details(methods);
    let options = vps("P3M")
        .order(true)
        .pay(ovh_renew::workflow::PaymentChoice::Default);
    let report = ovh_renew::workflow::renew(&fake, &options).await.unwrap();
    let method = report.payment_method.as_ref().unwrap();
    assert_eq!(
        method.form_session_id.as_deref(),
        Some("form-session-secret-77")
    );
    let bill = report.bill.as_ref().unwrap();
    let json = serde_json::to_string(&report).unwrap();
    for secret in ["form-session-secret-77", bill.password.as_str(), "http"] {
        assert!(!json.contains(secret), "the JSON holds {secret}");
    }
    assert!(!format!("{report:?}").contains("form-session-secret-77"));
    assert!(!format!("{report:?}").contains(bill.password.as_str()));
    let json: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["payment"], "Default");
    assert_eq!(json["payment_method"]["paymentMethodId"], 9_876_543);
    assert_eq!(json["bill"]["billId"], bill.bill_id.as_str());
    // It reads back as the same report, but the token is not stored.
    let back: ovh_renew::workflow::RenewReport = serde_json::from_value(json).unwrap();
    assert_eq!(
        back.payment(),
        Some(&ovh_renew::workflow::Payment::Default(9_876_543))
    );
    assert_eq!(back.payment_method.unwrap().form_session_id, None);
}
