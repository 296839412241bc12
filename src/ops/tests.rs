use proptest::prelude::*;
use proptest::strategy::ValueTree;

use super::*;
use crate::error::RequestProblem;
use crate::models::RenewPeriod;
use chrono::{DateTime, Utc};

/// Arguments for any call; [`call_of`] picks what an operation takes.
#[derive(Debug, Clone)]
struct Args {
    a: u64,
    b: u64,
    flag: bool,
    product: Vec<String>,
    name: String,
    months: u32,
    services: Vec<u64>,
    mean: String,
    mean_id: Option<u64>,
}

fn args() -> impl Strategy<Value = Args> {
    (
        (any::<u64>(), any::<u64>(), any::<bool>()),
        prop::collection::vec("[a-zA-Z0-9_.-]{1,8}", 1..4),
        any::<String>(),
        1u32..240,
        prop::collection::vec(any::<u64>(), 0..4),
        "[a-zA-Z_]{1,14}",
        prop::option::of(any::<u64>()),
    )
        .prop_map(
            |((a, b, flag), product, name, months, services, mean, mean_id)| Args {
                a,
                b,
                flag,
                product,
                name,
                months,
                services,
                mean,
                mean_id,
            },
        )
}

fn call_of(op: Op, x: Args) -> Call {
    let request = || {
        let period = RenewPeriod::from_months(x.months);
        let services = x.services.iter().copied().map(ServiceId).collect();
        if x.flag {
            RenewRequest::dry_run(period, services)
        } else {
            RenewRequest::order(period, services)
        }
    };
    match op {
        Op::ListServices => Call::ListServices,
        Op::Service => Call::Service { id: ServiceId(x.a) },
        Op::ServiceInfos => Call::ServiceInfos {
            product: Product::from(x.product.join("/")),
            service_name: x.name.clone(),
        },
        Op::RenewDescriptions => Call::RenewDescriptions {
            id: ServiceId(x.a),
            include_options: x.flag,
        },
        Op::CreateRenewOrder => Call::CreateRenewOrder {
            id: ServiceId(x.a),
            request: request(),
        },
        Op::Order => Call::Order {
            order_id: OrderId(x.b),
        },
        Op::OrderStatus => Call::OrderStatus {
            order_id: OrderId(x.b),
        },
        Op::AvailableRegisteredPaymentMeans => Call::AvailableRegisteredPaymentMeans {
            order_id: OrderId(x.b),
        },
        Op::PayWithRegisteredPaymentMean => Call::PayWithRegisteredPaymentMean {
            order_id: OrderId(x.b),
            payment_mean: PaymentMean::from(x.mean.as_str()),
            payment_mean_id: x.mean_id,
        },
        Op::PaymentMethods => Call::PaymentMethods,
        Op::PayWithPaymentMethod => Call::PayWithPaymentMethod {
            order_id: OrderId(x.b),
            payment_method_id: x.a,
        },
        Op::Services => Call::Services {
            filter: ServiceFilter {
                routes: if x.flag {
                    x.product.iter().map(|p| format!("/{p}")).collect()
                } else {
                    Vec::new()
                },
                resource_name: x.mean_id.map(|_| x.name.clone()),
            },
        },
        Op::ServicesPage => Call::ServicesPage {
            filter: ServiceFilter::all(),
            number: (x.b % 50) as u32 + 1,
            size: x.months,
        },
        Op::ServiceView => Call::ServiceView { id: ServiceId(x.a) },
        Op::RenewPeriodCapacities => Call::RenewPeriodCapacities { id: ServiceId(x.a) },
        Op::DebtBalance => Call::DebtBalance,
        Op::UpdateRenewal => Call::UpdateRenewal {
            id: ServiceId(x.a),
            update: RenewalUpdate {
                mode: x.flag.then(|| RenewalMode::from(x.mean.as_str())),
                period: (x.months % 3 != 0).then(|| RenewPeriod::from_months(x.months)),
                termination_policy: x.mean_id.map(|n| {
                    TerminationPolicy::from(
                        ["empty", "terminateAtExpirationDate", &x.mean][n as usize % 3],
                    )
                }),
            },
        },
        Op::Orders => Call::Orders {
            // Whole seconds: the query carries no fraction.
            since: x.flag.then(|| seconds(x.a)),
            until: x.mean_id.map(seconds),
        },
        Op::OrderDetailIds => Call::OrderDetailIds {
            order_id: OrderId(x.b),
        },
        Op::OrderDetail => Call::OrderDetail {
            order_id: OrderId(x.b),
            detail_id: OrderDetailId(x.a),
        },
        Op::OrderDetailExtension => Call::OrderDetailExtension {
            order_id: OrderId(x.b),
            detail_id: OrderDetailId(x.a),
        },
        Op::OrderFollowUp => Call::OrderFollowUp {
            order_id: OrderId(x.b),
        },
        Op::OrderPaymentMethods => Call::OrderPaymentMethods {
            order_id: OrderId(x.b),
        },
        Op::PaymentMethod => Call::PaymentMethod { id: x.a },
        Op::PaymentMethodsMatching => {
            // Never the empty filter: that request is `payment_methods` (see
            // `an_empty_filter_is_the_unfiltered_list`).
            let mut filter =
                PaymentMethodFilter::all().status(PaymentMethodStatus::from(x.mean.as_str()));
            filter.default = x.flag.then_some(x.a % 2 == 0);
            filter.payment_type = x.mean_id.map(|_| x.name.clone());
            Call::PaymentMethodsMatching { filter }
        }
        Op::BillsForOrder => Call::BillsForOrder {
            order_id: OrderId(x.b),
        },
        Op::Bill => Call::Bill {
            bill_id: BillId::from(x.name.as_str()),
        },
    }
}

/// A UTC date-time in whole seconds between 1970 and 9999.
fn seconds(n: u64) -> DateTime<Utc> {
    let secs = i64::try_from(n % 253_402_300_799).unwrap_or(0);
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn arb_call() -> impl Strategy<Value = Call> {
    (prop::sample::select(Op::ALL), args()).prop_map(|(op, x)| call_of(op, x))
}

proptest! {
    #[test]
    fn every_call_survives_the_round_trip_through_http(call in arb_call()) {
        let Ok((method, path, body)) = call.to_http() else {
            // Refused before sending (a `.` service name, an empty service list): there
            // is no request to read back.
            return Ok(());
        };
        let body = body.unwrap_or_default();
        let headers: Vec<(String, String)> = call
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let back =
            Call::from_http_with_headers(method.as_str(), path.as_str(), &headers, body.as_bytes());
        prop_assert_eq!(back, Ok(call));
    }
}

#[test]
fn the_round_trip_is_not_vacuous() {
    // Most generated calls can be sent: the property above really runs.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut sent = 0;
    for _ in 0..256 {
        let call = arb_call().new_tree(&mut runner).unwrap().current();
        sent += usize::from(call.to_http().is_ok());
    }
    assert!(sent > 128, "{sent} of 256");
}

#[test]
fn an_empty_filter_is_the_unfiltered_list() {
    let empty = Call::PaymentMethodsMatching {
        filter: PaymentMethodFilter::all(),
    };
    let (method, path, _) = empty.to_http().unwrap();
    assert_eq!(path.as_str(), "/me/payment/method");
    assert_eq!(
        Call::from_http(method.as_str(), path.as_str(), b""),
        Ok(Call::PaymentMethods)
    );
    let valid_default = Call::PaymentMethodsMatching {
        filter: PaymentMethodFilter::valid().default_only(),
    };
    assert_eq!(
        valid_default.path().unwrap().as_str(),
        "/me/payment/method?default=true&status=VALID"
    );
}

#[test]
fn order_windows_travel_as_utc_seconds_and_stay_open_when_unbounded() {
    let since = DateTime::parse_from_rfc3339("2024-08-01T00:00:00+02:00")
        .unwrap()
        .with_timezone(&Utc);
    let call = Call::Orders {
        since: Some(since),
        until: None,
    };
    let path = call.path().unwrap();
    assert_eq!(
        path.as_str(),
        "/me/order?date.from=2024-07-31T22%3A00%3A00Z"
    );
    assert_eq!(path.rule_path(), "/me/order");
    assert_eq!(
        Call::Orders {
            since: None,
            until: None
        }
        .path()
        .unwrap()
        .as_str(),
        "/me/order"
    );
    assert!(matches!(
        Call::from_http("GET", "/me/order?date.from=yesterday", b""),
        Err(HttpRefusal::BadRequest(m)) if m.contains("date.from")
    ));
}

#[test]
fn bill_ids_are_one_encoded_segment() {
    let call = Call::Bill {
        bill_id: BillId::from("FR/../1 2"),
    };
    let path = call.path().unwrap();
    assert_eq!(path.as_str(), "/me/bill/FR%2F..%2F1%202");
    assert_eq!(path.rule_path(), "/me/bill/*");
    for bad in ["", ".", ".."] {
        let refused = Call::Bill {
            bill_id: BillId::from(bad),
        }
        .path()
        .unwrap_err();
        assert_eq!(refused.request_problem(), Some(RequestProblem::PathSegment));
    }
    assert_eq!(
        Call::from_http("GET", "/me/bill", b""),
        Err(HttpRefusal::UnknownRoute),
        "only the invoices of an order are modelled"
    );
}

#[test]
fn from_http_refuses_what_is_not_a_call() {
    let refused = |m: &str, p: &str, b: &[u8]| Call::from_http(m, p, b).unwrap_err();
    assert_eq!(
        refused("DELETE", "/service/1", b""),
        HttpRefusal::UnknownRoute
    );
    assert_eq!(refused("GET", "/auth/time", b""), HttpRefusal::UnknownRoute);
    assert!(matches!(
        refused("GET", "/service/abc", b""),
        HttpRefusal::NotFound(_)
    ));
    assert!(matches!(
        refused("POST", "/service/1/renew", b"[]"),
        HttpRefusal::BadRequest(m) if m.contains("expected an object")
    ));
    assert!(matches!(
        refused("POST", "/service/1/renew", br#"{"dryRun":"yes","duration":"P1M","services":[1]}"#),
        HttpRefusal::BadRequest(m) if m.contains("dryRun")
    ));
    assert!(matches!(
        refused("POST", "/me/order/1/pay", br#"{"paymentMethod":{}}"#),
        HttpRefusal::BadRequest(_)
    ));
    // OVH's leniency: no dryRun is a real order.
    assert_eq!(
        Call::from_http(
            "POST",
            "/service/1/renew",
            br#"{"duration":"P1Y","services":[1]}"#
        ),
        Ok(Call::CreateRenewOrder {
            id: ServiceId(1),
            request: RenewRequest::order("P1Y".parse().unwrap(), vec![ServiceId(1)])
        })
    );
}

#[test]
fn only_gets_and_the_settings_put_may_be_retried_and_only_gets_have_no_body() {
    // The transport resends what the call says is idempotent: every GET, and the one PUT
    // (update_renewal: setting the same values twice leaves them as once). No call that
    // can order or pay may ever count as idempotent.
    for op in Op::ALL {
        let call = op.example();
        assert_eq!(call.op(), *op);
        let is_get = call.method() == Method::Get;
        let is_put = call.method() == Method::Put;
        assert_eq!(call.is_idempotent(), is_get || is_put, "{op}");
        assert_eq!(call.body().unwrap().is_none(), is_get, "{op}");
    }
    let idempotent_non_gets: Vec<Op> = Op::ALL
        .iter()
        .copied()
        .filter(|op| op.example().is_idempotent() && op.example().method() != Method::Get)
        .collect();
    assert_eq!(idempotent_non_gets, [Op::UpdateRenewal]);
    let money: Vec<Op> = Op::ALL
        .iter()
        .copied()
        .filter(|op| !op.example().is_idempotent())
        .collect();
    assert_eq!(
        money,
        [
            Op::CreateRenewOrder,
            Op::PayWithRegisteredPaymentMean,
            Op::PayWithPaymentMethod
        ]
    );
}

#[test]
fn bodies_are_compact_json_in_ovh_shapes() {
    let body = |call: Call| call.body().unwrap().unwrap();
    assert_eq!(
        body(Call::PayWithRegisteredPaymentMean {
            order_id: OrderId(1),
            payment_mean: PaymentMean::Paypal,
            payment_mean_id: None
        }),
        r#"{"paymentMean":"paypal"}"#
    );
    assert_eq!(
        body(Call::PayWithPaymentMethod {
            order_id: OrderId(1),
            payment_method_id: 7
        }),
        r#"{"paymentMethod":{"id":7}}"#
    );
    assert_eq!(
        body(Op::CreateRenewOrder.example()),
        r#"{"dryRun":true,"duration":"P1M","services":[118977335]}"#
    );
    assert_eq!(
        body(Op::UpdateRenewal.example()),
        r#"{"renew":{"mode":"manual"}}"#
    );
    let nothing = Call::UpdateRenewal {
        id: ServiceId(1),
        update: RenewalUpdate::default(),
    };
    assert_eq!(
        nothing.to_http().err().and_then(|e| e.request_problem()),
        Some(RequestProblem::RenewalUpdate)
    );
    let empty = Call::CreateRenewOrder {
        id: ServiceId(1),
        request: RenewRequest::order("P1M".parse().unwrap(), vec![]),
    };
    assert_eq!(
        empty.body().err().and_then(|e| e.request_problem()),
        Some(RequestProblem::RenewRequest)
    );
    assert_eq!(
        empty.to_http().err().and_then(|e| e.request_problem()),
        Some(RequestProblem::RenewRequest)
    );
}

#[test]
fn the_renewal_flow_is_every_rule_of_the_table_and_nothing_more() {
    let rules = AccessRule::renewal_flow();
    let shown: Vec<String> = rules.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "GET /service",
            "GET /service/*",
            "GET /vps/*/serviceInfos",
            "GET /domain/*/serviceInfos",
            "GET /hosting/web/*/serviceInfos",
            "GET /dedicated/server/*/serviceInfos",
            "POST /service/*/renew",
            "GET /me/order/*",
            "POST /me/order/*/payWithRegisteredPaymentMean",
            "GET /me/payment/method",
            "POST /me/order/*/pay",
            "GET /services",
            "GET /services/*",
            "GET /me/debtAccount",
            "GET /me/order",
            "GET /me/payment/method/*",
            "GET /me/bill",
            "GET /me/bill/*",
        ]
    );
    // The settings preset: the `/services` rules, with the PUT, and nothing else.
    let settings: Vec<String> = AccessRule::renewal_settings()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        settings,
        ["GET /services", "GET /services/*", "PUT /services/*"]
    );
    assert!(!rules.iter().any(|r| r.allows("PUT", "/services/42")));
    // Every rule of every operation but the settings change is allowed by the preset…
    for op in Op::ALL.iter().filter(|op| !changes_settings(**op)) {
        for need in op.access_rules() {
            assert!(
                rules.iter().any(|r| r.allows(&need.method, &need.path)),
                "{op}: {need}"
            );
        }
    }
    // …and each rule of the preset is needed: dropping any one leaves a call refused.
    for i in 0..rules.len() {
        let mut fewer = rules.clone();
        let dropped = fewer.remove(i);
        let refused = Op::ALL
            .iter()
            .filter(|op| !changes_settings(**op))
            .flat_map(|op| op.access_rules())
            .any(|need| !fewer.iter().any(|r| r.allows(&need.method, &need.path)));
        assert!(refused, "{dropped} is not needed");
    }
}

#[test]
fn a_reply_to_another_call_is_an_error_that_says_what_may_have_happened() {
    let order = Op::CreateRenewOrder.example();
    let err = mismatch(&order, &Reply::PaymentMethods(vec![]));
    let text = crate::error::chain_text(&err);
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.may_have_been_processed(), "an order may exist");
    assert!(
        text.contains("create_renew_order")
            && text.contains("payment_methods")
            && text.contains("POST /service/{serviceId}/renew"),
        "{text}"
    );
    assert!(text.contains("may have received and processed"), "{text}");
    let get = mismatch(&Op::Service.example(), &Reply::PaymentMethods(vec![]));
    assert_eq!(
        get.request_problem(),
        Some(RequestProblem::MismatchedReply),
        "{get:?}"
    );
    assert!(!get.may_have_been_processed());
    assert!(get.to_string().contains("service"), "{get}");
}

#[test]
fn ops_are_named_after_their_methods_and_listed_once() {
    let names: Vec<&str> = Op::ALL.iter().map(|op| op.name()).collect();
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    assert_eq!(
        Op::PayWithPaymentMethod.to_string(),
        "pay_with_payment_method"
    );
}

/// The span fields of every call come from the call: the route, and the service id or
/// order id it is about (the same fields the path's parameters gave before), and a
/// service name as it travels (percent-encoded, so it cannot break a log line).
#[cfg(feature = "tracing")]
#[test]
fn span_fields_come_from_the_call() {
    use crate::trace::{TraceFields, TraceValue};
    for op in Op::ALL {
        let call = op.example();
        let path = call.path().unwrap();
        let fields = call.trace_fields(&path);
        let mut expected = TraceFields::from_path(&path);
        if let Call::BillsForOrder { order_id } = call {
            // The one id that travels in the query (`/me/bill?orderId=`).
            expected = expected.id("order_id", order_id.0);
        }
        assert_eq!(fields, expected, "{op}");
        assert_eq!(fields.route, path.route(), "{op}");
    }
    let order = Call::OrderStatus {
        order_id: OrderId(7),
    };
    let fields = order.trace_fields(&order.path().unwrap());
    assert_eq!(fields.ids, [("order_id", TraceValue::Id(7))]);
    let infos = Call::ServiceInfos {
        product: "hosting/web".into(),
        service_name: "a b\nc".into(),
    };
    let fields = infos.trace_fields(&infos.path().unwrap());
    assert_eq!(fields.route, "/hosting/web/{serviceName}/serviceInfos");
    assert_eq!(
        fields.ids,
        [("service_name", TraceValue::Text("a%20b%0Ac".into()))]
    );
}

#[test]
fn services_paths_carry_the_filter_and_the_settings_put_reads_back() {
    let path = |call: Call| call.path().unwrap().as_str().to_owned();
    assert_eq!(path(Op::Services.example()), "/services");
    let filtered = Call::Services {
        filter: ServiceFilter::all()
            .route("/vps")
            .route("/domain")
            .resource_name("a b&c"),
    };
    let sent = path(filtered.clone());
    assert!(sent.starts_with("/services?routes="), "{sent}");
    assert_eq!(filtered.path().unwrap().route(), "/services");
    assert_eq!(Call::from_http("GET", &sent, b""), Ok(filtered));
    assert_eq!(
        path(Op::RenewPeriodCapacities.example()),
        "/services/118977335/renewPeriodCapacities"
    );
    assert_eq!(Op::UpdateRenewal.example().method(), Method::Put);
    assert_eq!(path(Op::UpdateRenewal.example()), "/services/118977335");
    assert_eq!(path(Op::DebtBalance.example()), "/me/debtAccount");
    // OVH's nullable parts are accepted; what is not a renewal setting is refused.
    assert_eq!(
        Call::from_http(
            "PUT",
            "/services/7",
            br#"{"renew":{"mode":"automatic","period":null},"terminationPolicy":null}"#
        ),
        Ok(Call::UpdateRenewal {
            id: ServiceId(7),
            update: RenewalUpdate::default().mode(RenewalMode::Automatic)
        })
    );
    for bad in [
        &br#"{"displayName":"x"}"#[..],
        br#"{"renew":{"period":"P1X"}}"#,
        br#"{"renew":{"mode":5}}"#,
        b"[]",
    ] {
        assert!(
            matches!(
                Call::from_http("PUT", "/services/7", bad),
                Err(HttpRefusal::BadRequest(_))
            ),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}
