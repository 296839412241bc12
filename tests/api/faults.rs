//! The fault matrix: every `ServiceRenewApi` method against every way a server can
//! misbehave. One table; a new fault is one row of `FAULTS`, a new method one entry of
//! `calls()`.
//!
//! For each (method, fault) the test checks the outcome (a value equal to what the body
//! says, or the documented typed error), how many requests reached the server (GETs and
//! the settings PUT, `update_renewal`, retried as `RetryPolicy` says, POSTs exactly
//! once), that a POST transport failure says
//! the server may have processed it, and that no error shows a secret. Redirect rows
//! (301, 302, 303, 307, 308, to the same host and to another port) also check that the
//! `Location` received nothing; the HTTP/2 row (h2c, every stream refused with
//! `REFUSED_STREAM`) counts streams, so a replay by the HTTP stack shows. A panic anywhere
//! fails the test. `FAULTS_TIMING=1 cargo test faults -- --nocapture` prints each case's
//! duration.

use std::time::{Duration, Instant};

use futures_util::FutureExt;
use ovh_renew::models::{
    Bill, BillId, FollowUp, ItemDetail, OrderDetail, OrderDetailId, OrderPaymentMethods,
    PaymentMean, PaymentMethod, PaymentMethodFilter, RenewRequest,
};
use ovh_renew::ops::{self, Op};
use ovh_renew::{
    Error, Method, OrderId, OvhClient, OvhClientBuilder, RenewPeriod, RetryPolicy, ServiceId,
    ServiceRenewApi, TransportKind,
};
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::support::*;

/// The outcome of one call, the value serialized to JSON for comparison.
type Outcome = Result<Value, Error>;
type CallFuture<'a> = futures_util::future::BoxFuture<'a, Outcome>;

/// One operation of the table (`ovh_renew::ops`), as the matrix sees it: the call it
/// sends (its name, HTTP method and path come from the call) and what the server answers.
struct Row {
    /// The call sent, through `ServiceRenewApi::execute`.
    call: ops::Call,
    /// The answer of a healthy server.
    fixture: &'static str,
    /// `None` for the pay calls (`void`: any 2xx is success, whatever the body).
    decode: Option<fn(&[u8]) -> Value>,
    /// JSON pointer to an integer field (`""`: the whole body), for "wrong type" and
    /// "out of range" rows (a string field where the model has no integer).
    number_at: &'static str,
    /// JSON pointer to an enum field, for the "unknown enum value" row; `None` when the
    /// model has no enum (the row then sends the healthy fixture).
    enum_at: Option<&'static str>,
}

impl Row {
    fn name(&self) -> &'static str {
        self.call.op().name()
    }

    fn http(&self) -> &'static str {
        match self.call.method() {
            m @ (Method::Get | Method::Post | Method::Put) => m.as_str(),
            m => panic!("{}: the matrix knows no {m}", self.name()),
        }
    }

    /// The path on the wire, below `/1.0`, without the query.
    fn wire(&self) -> String {
        let path = self.call.path().unwrap();
        path.as_str().split('?').next().unwrap().to_owned()
    }

    /// Sends the call; the reply serialized to JSON for comparison.
    fn send<'a>(&'a self, client: &'a OvhClient) -> CallFuture<'a> {
        client.execute(&self.call).map(value).boxed()
    }
}

fn model<T: serde::de::DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> Value {
    serde_json::to_value(serde_json::from_slice::<T>(bytes).unwrap()).unwrap()
}

fn value<T: serde::Serialize>(r: Result<T, Error>) -> Outcome {
    r.map(|v| serde_json::to_value(v).unwrap())
}

const SID: ServiceId = ServiceId(118_977_335);
const OID: OrderId = OrderId(214_110_657);
const DID: OrderDetailId = OrderDetailId(70_000_001);

fn renew_request() -> RenewRequest {
    RenewRequest::order("P1Y".parse::<RenewPeriod>().unwrap(), vec![SID])
}

/// Every operation of the table, each with its row: an operation added to `ops` without
/// a row fails the matrix, naming it.
fn calls() -> Vec<Row> {
    Op::ALL.iter().map(|&op| row(op)).collect()
}

fn row(op: Op) -> Row {
    match op {
        Op::ListServices => Row {
            call: ops::Call::ListServices,
            fixture: "service_list.json",
            decode: Some(model::<Vec<ServiceId>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::Service => Row {
            call: ops::Call::Service { id: SID },
            fixture: "service_get_vps.json",
            decode: Some(model::<ovh_renew::models::Service>),
            number_at: "/quantity",
            enum_at: Some("/state"),
        },
        Op::ServiceInfos => Row {
            call: ops::Call::ServiceInfos {
                product: "vps".into(),
                service_name: "vps-0baa4fcf.vps.ovh.net".into(),
            },
            fixture: "vps_service_infos.json",
            decode: Some(model::<ovh_renew::models::ServiceInfos>),
            number_at: "/serviceId",
            enum_at: Some("/status"),
        },
        Op::RenewDescriptions => Row {
            call: ops::Call::RenewDescriptions {
                id: SID,
                include_options: false,
            },
            fixture: "renew_descriptions_vps.json",
            decode: Some(model::<Vec<ovh_renew::models::RenewDescription>>),
            number_at: "/0/strategies/0/priceInUcents",
            enum_at: Some("/0/strategies/0/price/currencyCode"),
        },
        Op::CreateRenewOrder => Row {
            call: ops::Call::CreateRenewOrder {
                id: SID,
                request: renew_request(),
            },
            fixture: "renew_order.json",
            decode: Some(model::<ovh_renew::models::Order>),
            number_at: "/orderId",
            enum_at: Some("/tax/currencyCode"),
        },
        Op::Order => Row {
            call: ops::Call::Order { order_id: OID },
            fixture: "me_order.json",
            decode: Some(model::<ovh_renew::models::Order>),
            number_at: "/priceWithTax/priceInUcents",
            enum_at: Some("/tax/currencyCode"),
        },
        Op::OrderStatus => Row {
            call: ops::Call::OrderStatus { order_id: OID },
            fixture: "order_status_not_paid.json",
            decode: Some(model::<ovh_renew::models::OrderStatus>),
            number_at: "",
            enum_at: Some(""),
        },
        Op::AvailableRegisteredPaymentMeans => Row {
            call: ops::Call::AvailableRegisteredPaymentMeans { order_id: OID },
            fixture: "available_registered_payment_mean.json",
            // The method returns the payment means only.
            decode: Some(|b| {
                let means: Vec<ovh_renew::models::RegisteredPaymentMean> =
                    serde_json::from_slice(b).unwrap();
                let means: Vec<PaymentMean> = means.into_iter().map(Into::into).collect();
                serde_json::to_value(means).unwrap()
            }),
            number_at: "/0/paymentMean",
            enum_at: Some("/0/paymentMean"),
        },
        Op::PayWithRegisteredPaymentMean => Row {
            call: ops::Call::PayWithRegisteredPaymentMean {
                order_id: OID,
                payment_mean: PaymentMean::FidelityAccount,
                payment_mean_id: None,
            },
            fixture: "pay_response.json",
            decode: None,
            number_at: "",
            enum_at: None,
        },
        Op::PaymentMethods => Row {
            call: ops::Call::PaymentMethods,
            fixture: "payment_method_list.json",
            decode: Some(model::<Vec<u64>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::PayWithPaymentMethod => Row {
            call: ops::Call::PayWithPaymentMethod {
                order_id: OID,
                payment_method_id: 9_876_543,
            },
            fixture: "pay_response.json",
            decode: None,
            number_at: "",
            enum_at: None,
        },
        Op::Services => Row {
            call: ops::Call::Services {
                filter: ovh_renew::models::ServiceFilter::all(),
            },
            fixture: "services_list.json",
            decode: Some(model::<Vec<ServiceId>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::ServicesPage => Row {
            call: ops::Call::ServicesPage {
                filter: ovh_renew::models::ServiceFilter::all(),
                number: 1,
                size: 1000,
            },
            fixture: "services_page.json",
            decode: Some(model::<ovh_renew::models::ServicePage>),
            number_at: "/0/serviceId",
            enum_at: Some("/2/billing/lifecycle/current/state"),
        },
        Op::ServiceView => Row {
            call: ops::Call::ServiceView { id: SID },
            fixture: "services_get_vps.json",
            decode: Some(model::<ovh_renew::models::ServiceView>),
            number_at: "/serviceId",
            enum_at: Some("/billing/lifecycle/current/state"),
        },
        Op::RenewPeriodCapacities => Row {
            call: ops::Call::RenewPeriodCapacities { id: SID },
            fixture: "services_renew_period_capacities.json",
            decode: Some(model::<Vec<RenewPeriod>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::DebtBalance => Row {
            call: ops::Call::DebtBalance,
            fixture: "me_debt_account.json",
            decode: Some(model::<ovh_renew::models::DebtBalance>),
            number_at: "/dueAmount/priceInUcents",
            enum_at: Some("/dueAmount/currencyCode"),
        },
        // `void`, and idempotent: retried like a GET, answered like a pay call.
        Op::UpdateRenewal => Row {
            call: ops::Call::UpdateRenewal {
                id: SID,
                update: ovh_renew::models::RenewalUpdate::default()
                    .mode(ovh_renew::models::RenewalMode::Manual),
            },
            fixture: "void_response.json",
            decode: None,
            number_at: "",
            enum_at: None,
        },
        Op::Orders => Row {
            call: ops::Call::Orders {
                since: Some(chrono::DateTime::from_timestamp(1_722_463_200, 0).unwrap()),
                until: None,
            },
            fixture: "me_order_list.json",
            decode: Some(model::<Vec<OrderId>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::OrderDetailIds => Row {
            call: ops::Call::OrderDetailIds { order_id: OID },
            fixture: "me_order_details.json",
            decode: Some(model::<Vec<OrderDetailId>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::OrderDetail => Row {
            call: ops::Call::OrderDetail {
                order_id: OID,
                detail_id: DID,
            },
            fixture: "me_order_detail_renew.json",
            decode: Some(model::<OrderDetail>),
            number_at: "/orderDetailId",
            enum_at: Some("/detailType"),
        },
        Op::OrderDetailExtension => Row {
            call: ops::Call::OrderDetailExtension {
                order_id: OID,
                detail_id: DID,
            },
            fixture: "me_order_detail_extension_renew.json",
            decode: Some(model::<ItemDetail>),
            number_at: "/order/plan/quantity",
            enum_at: Some("/order/action"),
        },
        Op::OrderFollowUp => Row {
            call: ops::Call::OrderFollowUp { order_id: OID },
            fixture: "me_order_follow_up.json",
            decode: Some(model::<Vec<FollowUp>>),
            number_at: "/0/history/0/label",
            enum_at: Some("/0/status"),
        },
        Op::OrderPaymentMethods => Row {
            call: ops::Call::OrderPaymentMethods { order_id: OID },
            fixture: "me_order_payment_methods.json",
            decode: Some(model::<OrderPaymentMethods>),
            number_at: "/registered/0",
            enum_at: Some("/paymentMethods/0/status"),
        },
        Op::PaymentMethod => Row {
            call: ops::Call::PaymentMethod { id: 9_876_543 },
            fixture: "payment_method.json",
            decode: Some(model::<PaymentMethod>),
            number_at: "/paymentMethodId",
            enum_at: Some("/status"),
        },
        Op::PaymentMethodsMatching => Row {
            call: ops::Call::PaymentMethodsMatching {
                filter: PaymentMethodFilter::valid().default_only(),
            },
            fixture: "payment_method_list.json",
            decode: Some(model::<Vec<u64>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::BillsForOrder => Row {
            call: ops::Call::BillsForOrder { order_id: OID },
            fixture: "me_bill_list.json",
            decode: Some(model::<Vec<BillId>>),
            number_at: "/0",
            enum_at: None,
        },
        Op::Bill => Row {
            call: ops::Call::Bill {
                bill_id: BillId::from("FR51234567"),
            },
            fixture: "me_bill.json",
            decode: Some(model::<Bill>),
            number_at: "/orderId",
            enum_at: Some("/category"),
        },
        other => panic!("the fault matrix has no row for {other}: add one to row()"),
    }
}

/// A body, built from the call's healthy fixture.
#[derive(Clone, Copy, Debug)]
enum Body {
    Fixture,
    Raw(&'static str),
    Bytes(&'static [u8]),
    /// The first half of the fixture.
    Truncated,
    /// The wrong JSON type at `number_at`: a number as a string, or a string as a number.
    WrongType,
    /// This literal (out of range) in place of the integer at `number_at`.
    NumberText(&'static str),
    /// `"vanishingStateV2030"` at `enum_at`.
    UnknownEnum,
    /// Unknown fields added to every object of the fixture.
    ExtraFields,
    /// Bytes 0xFF 0xFE inside the first string of the fixture (else its first value).
    InvalidUtf8,
}

const UNKNOWN: &str = "vanishingStateV2030";

impl Body {
    fn bytes(self, call: &Row) -> Vec<u8> {
        let fixture = fixture(call.fixture);
        let edit = |at: &str, new: Value| {
            let mut v: Value = serde_json::from_slice(&fixture).unwrap();
            *v.pointer_mut(at)
                .unwrap_or_else(|| panic!("{}: no {at}", call.name())) = new;
            serde_json::to_vec(&v).unwrap()
        };
        match self {
            Body::Fixture => fixture,
            Body::Raw(text) => text.as_bytes().to_vec(),
            Body::Bytes(b) => b.to_vec(),
            Body::Truncated => fixture[..fixture.len() / 2].to_vec(),
            Body::WrongType => {
                let v: Value = serde_json::from_slice(&fixture).unwrap();
                match v.pointer(call.number_at).unwrap() {
                    Value::Number(n) => edit(call.number_at, Value::String(n.to_string())),
                    _ => edit(call.number_at, serde_json::json!(5)),
                }
            }
            Body::NumberText(literal) => {
                let marked = edit(call.number_at, Value::String("@@N@@".into()));
                String::from_utf8(marked)
                    .unwrap()
                    .replace("\"@@N@@\"", literal)
                    .into_bytes()
            }
            Body::UnknownEnum => match call.enum_at {
                Some(at) => edit(at, Value::String(UNKNOWN.into())),
                None => fixture,
            },
            Body::ExtraFields => {
                fn add(v: &mut Value) {
                    match v {
                        Value::Object(map) => {
                            map.values_mut().for_each(add);
                            map.insert("addedIn2031".into(), serde_json::json!({"x": [1, null]}));
                        }
                        Value::Array(items) => items.iter_mut().for_each(add),
                        _ => {}
                    }
                }
                let mut v: Value = serde_json::from_slice(&fixture).unwrap();
                add(&mut v);
                serde_json::to_vec(&v).unwrap()
            }
            Body::InvalidUtf8 => {
                let mut b = fixture;
                let at = b.iter().position(|&c| c == b'"').map_or(1, |q| q + 1);
                b.splice(at..at, [0xFF, 0xFE]);
                b
            }
        }
    }
}

/// One answer: status, body, and an extra header.
type Answer = (u16, Body, Option<(&'static str, &'static str)>);

/// What the server does.
#[derive(Clone, Copy, Debug)]
enum Server {
    /// These answers, in order (the last one repeats).
    Answers(&'static [Answer]),
    /// Half an answer, then the connection is closed (raw TCP server).
    DropMidBody,
    /// Never answers (raw TCP server); the client's timeout is `TIMEOUT`.
    Stall,
    /// A redirect with this status (raw TCP server), to a path on the same server or to a
    /// second server on another port; whichever it is must receive nothing.
    Redirect(u16, Target),
    /// HTTP/2 (h2c, prior knowledge): every stream refused with `REFUSED_STREAM`.
    H2Refused,
}

/// Where a redirect points.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// `/1.0/moved` on the same server.
    SameHost,
    /// `http://user:…@127.0.0.1:<other port>/1.0/moved?token=…`.
    OtherPort,
}

/// What the caller gets.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    /// `Ok`: the model's own decoding of the last answer's body (for the unknown-enum row
    /// it must also keep the unknown text); `()` for the pay calls.
    Value,
    /// `Error::Decode` naming the route, with the answer's status.
    Decode(u16),
    /// `Error::Api` with this status, and OVH's JSON body (`true`) or not.
    Api(u16, bool),
    /// `Error::Transport` of this kind; `may_have_been_processed` is always true.
    Transport(TransportKind),
    /// `Error::Redirect` with this status; `may_have_been_processed` is true.
    Redirect(u16),
}

/// One fault: what the server does, then the outcome and request count for GETs, for
/// the POST that returns a value (`create_renew_order`) and for the `void` pay POSTs.
struct Fault {
    name: &'static str,
    server: Server,
    get: (Expect, usize),
    post: Expect,
    pay: Expect,
    /// Checks beyond the outcome's kind (predicates, fields), on errors.
    check: fn(&Error),
}

const RETRIES: usize = 2;
/// The timeout of the "slower than the timeout" row: short, as GETs wait for it 3 times.
const TIMEOUT: Duration = Duration::from_millis(700);
/// The timeout of every other row: only a loaded machine comes near it.
const GENEROUS_TIMEOUT: Duration = Duration::from_secs(5);
/// `Retry-After: 1` is capped to this, so the test proves it waited without waiting 1 s.
const MAX_RETRY_AFTER: Duration = Duration::from_millis(150);

fn no_check(_: &Error) {}

const HTML_502: &str = "<html><head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body></html>";

/// 260 bytes without a blank (and a multi-byte character around the cut).
const LONG_LINE: &str = concat!(
    r#"{"error":"upstream_unavailable","detail":"#,
    r#""the_upstream_cluster_eu-west-gra-7_did_not_answer_within_the_deadline;"#,
    r#"retry_with_exponential_backoff(request_7f3a9c2e-0b1d-4e5f-8a6b-1c2d3e4f5a6b,"#,
    r#"edge_node_gra-edge-042,policy_default-timeouts-v3,région_éèêë)"}"#
);

use Body::*;
use Expect::*;

/// The matrix. Pay calls (`void` in OVH's schema) accept only what OVH sends for them:
/// `null`, an empty body, 204 (`Value`, `()`). Any other 2xx body is not proof of payment
/// (a captive portal answers 200 too): `Decode(200)`, which says the payment may have been
/// processed, so the workflow reads the order's status instead of paying again.
const FAULTS: &[Fault] = &[
    Fault {
        name: "healthy server",
        server: Server::Answers(&[(200, Fixture, None)]),
        get: (Value, 1),
        post: Value,
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "HTML 502 page (GET retried, then the last answer)",
        server: Server::Answers(&[(502, Raw(HTML_502), None)]),
        get: (Api(502, false), 1 + RETRIES),
        post: Api(502, false),
        pay: Api(502, false),
        check: |e| {
            let api = e.api().unwrap();
            assert!(api.message.contains("502 Bad Gateway"), "{}", api.message);
            assert!(
                !api.message.contains('\n'),
                "snippet is one line: {:?}",
                api.message
            );
        },
    },
    Fault {
        name: "503 then 200",
        server: Server::Answers(&[(503, Raw("busy"), None), (200, Fixture, None)]),
        get: (Value, 2),
        post: Api(503, false),
        pay: Api(503, false),
        check: no_check,
    },
    Fault {
        name: "429 with Retry-After then 200",
        server: Server::Answers(&[
            (
                429,
                Raw(r#"{"message":"Too many requests"}"#),
                Some(("Retry-After", "1")),
            ),
            (200, Fixture, None),
        ]),
        get: (Value, 2),
        post: Api(429, true),
        pay: Api(429, true),
        check: no_check,
    },
    Fault {
        name: "empty 200 body",
        server: Server::Answers(&[(200, Raw(""), None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "null where a value is expected",
        server: Server::Answers(&[(200, Raw("null"), None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "truncated JSON",
        server: Server::Answers(&[(200, Truncated, None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "wrong type (a number sent as a string)",
        server: Server::Answers(&[(200, WrongType, None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "integer beyond u64 (2^64)",
        server: Server::Answers(&[(200, NumberText("18446744073709551616"), None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "integer below i64 (-2^63-1)",
        server: Server::Answers(&[(200, NumberText("-9223372036854775809"), None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "float beyond f64 (1e400) where an integer is expected",
        server: Server::Answers(&[(200, NumberText("1e400"), None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "unknown enum value (kept as Other)",
        server: Server::Answers(&[(200, UnknownEnum, None)]),
        get: (Value, 1),
        post: Value,
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "extra fields everywhere (ignored)",
        server: Server::Answers(&[(200, ExtraFields, None)]),
        get: (Value, 1),
        post: Value,
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "invalid UTF-8 in the body",
        server: Server::Answers(&[(200, InvalidUtf8, None)]),
        get: (Decode(200), 1),
        post: Decode(200),
        pay: Decode(200),
        check: no_check,
    },
    Fault {
        name: "204 where a value is expected",
        server: Server::Answers(&[(204, Raw(""), None)]),
        get: (Decode(204), 1),
        post: Decode(204),
        pay: Value,
        check: no_check,
    },
    Fault {
        name: "404 class shape",
        server: Server::Answers(&[(
            404,
            Raw(r#"{"class":"Client::NotFound","message":"This service does not exist"}"#),
            None,
        )]),
        get: (Api(404, true), 1),
        post: Api(404, true),
        pay: Api(404, true),
        check: |e| {
            assert!(e.is_not_found());
            assert_eq!(e.api().unwrap().class.as_deref(), Some("Client::NotFound"));
        },
    },
    Fault {
        name: "404 legacy shape",
        server: Server::Answers(&[(
            404,
            Raw(
                r#"{"errorCode":"RESOURCE_NOT_FOUND","httpCode":"404 Not Found","message":"The requested object does not exist"}"#,
            ),
            None,
        )]),
        get: (Api(404, true), 1),
        post: Api(404, true),
        pay: Api(404, true),
        check: |e| {
            assert!(e.is_not_found());
            assert_eq!(e.error_code(), Some("RESOURCE_NOT_FOUND"));
        },
    },
    Fault {
        name: "403 class shape (IAM)",
        server: Server::Answers(&[(
            403,
            Raw(
                r#"{"class":"Client::Forbidden","message":"This call has not been granted","details":{"unauthorizedActionsByIAM":"account:apiovh:me/order/get"}}"#,
            ),
            None,
        )]),
        get: (Api(403, true), 1),
        post: Api(403, true),
        pay: Api(403, true),
        check: |e| {
            assert!(e.is_not_granted());
            assert!(e.to_string().contains("account:apiovh:me/order/get"), "{e}");
        },
    },
    Fault {
        name: "403 legacy shape",
        server: Server::Answers(&[(
            403,
            Raw(
                r#"{"errorCode":"NOT_GRANTED_CALL","httpCode":"403 Forbidden","message":"This call has not been granted"}"#,
            ),
            None,
        )]),
        get: (Api(403, true), 1),
        post: Api(403, true),
        pay: Api(403, true),
        check: |e| {
            assert!(e.is_not_granted());
            assert!(e.api().unwrap().hint().is_some());
        },
    },
    Fault {
        name: "409 class shape",
        server: Server::Answers(&[(
            409,
            Raw(
                r#"{"class":"Client::Conflict","message":"An order is already in progress for this service"}"#,
            ),
            None,
        )]),
        get: (Api(409, true), 1),
        post: Api(409, true),
        pay: Api(409, true),
        check: |e| assert!(e.to_string().contains("already in progress"), "{e}"),
    },
    Fault {
        name: "409 legacy shape",
        server: Server::Answers(&[(
            409,
            Raw(
                r#"{"errorCode":"CONFLICT","httpCode":"409 Conflict","message":"An order is already in progress for this service"}"#,
            ),
            None,
        )]),
        get: (Api(409, true), 1),
        post: Api(409, true),
        pay: Api(409, true),
        check: |e| assert_eq!(e.error_code(), Some("CONFLICT")),
    },
    Fault {
        name: "460 class shape (expired service)",
        server: Server::Answers(&[(
            460,
            Raw(r#"{"class":"Client::Expired","message":"Service expired"}"#),
            None,
        )]),
        get: (Api(460, true), 1),
        post: Api(460, true),
        pay: Api(460, true),
        check: |e| assert!(e.is_expired_service()),
    },
    Fault {
        name: "460 legacy shape (expired service)",
        server: Server::Answers(&[(
            460,
            Raw(
                r#"{"errorCode":"SERVICE_EXPIRED","httpCode":"460 Expired","message":"Service expired"}"#,
            ),
            None,
        )]),
        get: (Api(460, true), 1),
        post: Api(460, true),
        pay: Api(460, true),
        check: |e| {
            assert!(e.is_expired_service());
            assert!(
                crate::support::with_hint(e).contains("renew or reopen"),
                "{e}"
            );
        },
    },
    Fault {
        name: "error status with invalid UTF-8 and binary body",
        server: Server::Answers(&[(404, Bytes(b"\xff\xfe\x00<html>\x1b[31m gone\r\n"), None)]),
        get: (Api(404, false), 1),
        post: Api(404, false),
        pay: Api(404, false),
        check: |e| {
            let m = &e.api().unwrap().message;
            assert!(!m.chars().any(char::is_control), "{m:?}");
        },
    },
    Fault {
        name: "non-OVH error body on one long line (a proxy's minified JSON)",
        server: Server::Answers(&[(503, Raw(LONG_LINE), None)]),
        get: (Api(503, false), 1 + RETRIES),
        post: Api(503, false),
        pay: Api(503, false),
        check: |e| {
            let m = &e.api().unwrap().message;
            assert!(m.starts_with(r#"{"error":"upstream_unavailable""#), "{m:?}");
            assert!(m.len() <= 204, "{} bytes", m.len());
        },
    },
    Fault {
        name: "connection dropped mid-body",
        server: Server::DropMidBody,
        get: (Transport(TransportKind::Connection), 1 + RETRIES),
        post: Transport(TransportKind::Connection),
        pay: Transport(TransportKind::Connection),
        check: no_check,
    },
    Fault {
        name: "server slower than the timeout",
        server: Server::Stall,
        get: (Transport(TransportKind::Timeout), 1 + RETRIES),
        post: Transport(TransportKind::Timeout),
        pay: Transport(TransportKind::Timeout),
        check: no_check,
    },
    redirect("301 to the same host", 301, Target::SameHost),
    redirect("302 to the same host", 302, Target::SameHost),
    redirect("303 to the same host", 303, Target::SameHost),
    redirect("307 to the same host", 307, Target::SameHost),
    redirect("308 to the same host", 308, Target::SameHost),
    redirect("301 to another port", 301, Target::OtherPort),
    redirect("302 to another port", 302, Target::OtherPort),
    redirect("303 to another port", 303, Target::OtherPort),
    redirect("307 to another port", 307, Target::OtherPort),
    redirect("308 to another port", 308, Target::OtherPort),
    Fault {
        name: "HTTP/2 REFUSED_STREAM on every stream (GET retried by the crate only)",
        server: Server::H2Refused,
        get: (Transport(TransportKind::Connection), 1 + RETRIES),
        post: Transport(TransportKind::Connection),
        pay: Transport(TransportKind::Connection),
        check: no_check,
    },
];

/// A redirect row: never followed, sent once (a 3xx is not retried, even for a GET).
const fn redirect(name: &'static str, status: u16, target: Target) -> Fault {
    Fault {
        name,
        server: Server::Redirect(status, target),
        get: (Redirect(status), 1),
        post: Redirect(status),
        pay: Redirect(status),
        check: |e| {
            let text = e.to_string();
            assert!(text.contains("was not followed"), "{text}");
            let all = format!("{e} {e:?} {e:#?}");
            assert!(!all.contains(LOCATION_SECRET), "{all}");
        },
    }
}

/// In the `Location` of the "another port" rows (userinfo and query): never shown.
const LOCATION_SECRET: &str = "SECRET-location-Jx4";

/// The client settings of every case. Each case builds its own `reqwest::Client`: the
/// crate builds it (no caller can hand it one that follows redirects).
fn settings(builder: OvhClientBuilder, timeout: Duration) -> OvhClientBuilder {
    builder
        .retry(
            RetryPolicy::default()
                .max_retries(RETRIES as u32)
                .initial_backoff(Duration::from_millis(2))
                .max_backoff(Duration::from_millis(10))
                .max_retry_after(MAX_RETRY_AFTER),
        )
        .timeout(timeout)
}

/// One (call, fault) case: its description and every error it produced.
pub struct CaseResult {
    pub case: String,
    pub error: Option<Error>,
}

async fn run_case(call: &Row, fault: &Fault) -> CaseResult {
    let case = format!("{} × {}", call.name(), fault.name);
    let is_get = call.http() == "GET";
    // Idempotent calls (the GETs, the settings PUT) are sent as often as a GET; a `void`
    // one (the PUT) then gets what a pay call gets for the answer it ends on (a healthy
    // answer after a retried failure: its value).
    let (expect, requests) = match (call.call.is_idempotent(), call.decode.is_some()) {
        (true, true) => fault.get,
        (true, false) if fault.get.0 == Value && fault.get.1 > 1 => fault.get,
        (true, false) => (fault.pay, fault.get.1),
        (false, true) => (fault.post, 1),
        (false, false) => (fault.pay, 1),
    };
    let started = Instant::now();
    let wire = format!("/1.0{}", call.wire());
    let (outcome, seen, last_body) = match fault.server {
        Server::Answers(answers) => {
            let ovh = Ovh::start(0, 1).await;
            let mut last_body = Vec::new();
            let mut remaining = requests;
            for (i, (status, body, header)) in answers.iter().enumerate() {
                let last = i + 1 == answers.len();
                last_body = body.bytes(call);
                let mut reply = ResponseTemplate::new(*status)
                    .insert_header("X-Ovh-QueryID", "EU.ext-3.fault.matrix");
                if !last_body.is_empty() {
                    reply =
                        reply.set_body_raw(last_body.clone(), "application/json; charset=utf-8");
                }
                if let Some((k, v)) = header {
                    reply = reply.insert_header(*k, *v);
                }
                // Each answer but the last is given once; `expect` is how many requests
                // this answer must get, so a POST resent would fail the verification.
                let hits = if last { remaining } else { remaining.min(1) };
                remaining -= hits;
                let mut mock = Mock::given(method(call.http()))
                    .and(path(wire.as_str()))
                    .and(ovh.signed())
                    .respond_with(reply);
                if !last {
                    mock = mock.up_to_n_times(1);
                }
                mock.expect(hits as u64)
                    .named(format!("{case} answer {i}"))
                    .mount(&ovh.server)
                    .await;
            }
            let client = settings(ovh.builder(), GENEROUS_TIMEOUT).build().unwrap();
            let outcome = call.send(&client).await;
            ovh.server.verify().await;
            let seen = ovh
                .server
                .received_requests()
                .await
                .unwrap()
                .iter()
                .filter(|r| r.url.path() == wire)
                .count();
            (outcome, seen, last_body)
        }
        Server::Redirect(status, target) => {
            let other = RawServer::start(|_| RawReply::Full(200, b"null".to_vec())).await;
            let location = match target {
                Target::SameHost => "/1.0/moved".to_owned(),
                Target::OtherPort => format!(
                    "http://user:{LOCATION_SECRET}@{}/1.0/moved?token={LOCATION_SECRET}",
                    other.authority()
                ),
            };
            let first = RawServer::start({
                let wire = wire.clone();
                move |req| {
                    if req.target.split('?').next() == Some(&wire) {
                        RawReply::Redirect(status, location.clone())
                    } else {
                        RawReply::Full(200, b"null".to_vec())
                    }
                }
            })
            .await;
            let client = settings(first.builder(), GENEROUS_TIMEOUT).build().unwrap();
            let outcome = call.send(&client).await;
            let received = first.received();
            assert!(
                received
                    .iter()
                    .all(|r| r.method == call.http() && r.target.split('?').next() == Some(&wire)),
                "{case}: the redirect was followed on the same host: {received:?}"
            );
            assert_eq!(other.request_count(), 0, "{case}: {:?}", other.received());
            assert_eq!(
                other.time_calls.load(std::sync::atomic::Ordering::SeqCst),
                0
            );
            (outcome, received.len(), Vec::new())
        }
        Server::H2Refused => {
            let h2 = H2Server::start().await;
            let builder = settings(
                OvhClient::builder()
                    .endpoint(h2.base.parse().unwrap())
                    .credentials(ovh_renew::Credentials::new(AK, AS, CK)),
                GENEROUS_TIMEOUT,
            )
            .http_client_builder(reqwest::Client::builder().http2_prior_knowledge());
            let outcome = call.send(&builder.build().unwrap()).await;
            let streams = h2.streams();
            assert!(
                streams.iter().all(|(m, p)| m == call.http() && *p == wire),
                "{case}: {streams:?}"
            );
            (outcome, streams.len(), Vec::new())
        }
        Server::DropMidBody | Server::Stall => {
            let stall = matches!(fault.server, Server::Stall);
            let raw = RawServer::start(move |_| {
                if stall {
                    RawReply::Stall
                } else {
                    RawReply::DropMidBody
                }
            })
            .await;
            let client = settings(
                raw.builder(),
                if stall { TIMEOUT } else { GENEROUS_TIMEOUT },
            )
            .build()
            .unwrap();
            let outcome = call.send(&client).await;
            // The timeout covers `/auth/time` too: on a loaded machine its first attempt
            // may time out in the stall row, and, being a GET, be retried.
            let time_calls = raw.time_calls.load(std::sync::atomic::Ordering::SeqCst);
            let max_time_calls = if stall { 1 + RETRIES } else { 1 };
            assert!(
                (1..=max_time_calls).contains(&time_calls),
                "{case}: {time_calls}"
            );
            let requests = raw.requests.lock().unwrap().clone();
            assert!(
                requests
                    .iter()
                    .all(|r| r.method == call.http() && r.target.split('?').next() == Some(&wire)),
                "{case}: {requests:?}"
            );
            (outcome, requests.len(), Vec::new())
        }
    };
    if matches!(fault.server, Server::Stall) {
        // An attempt can time out before the server has read it (a loaded machine): the
        // attempts are counted by the client (`TransportError::attempts`, below).
        assert!(
            seen <= requests,
            "{case}: {seen} requests reached the server"
        );
    } else {
        assert_eq!(seen, requests, "{case}: requests that reached the server");
    }

    let error = match (expect, outcome) {
        (Value, Ok(got)) => {
            match call.decode {
                Some(decode) => assert_eq!(got, decode(&last_body), "{case}"),
                None => assert_eq!(got, serde_json::Value::Null, "{case}: ()"),
            }
            if matches!(fault.server, Server::Answers([(_, UnknownEnum, _)]))
                && call.enum_at.is_some()
            {
                assert!(got.to_string().contains(UNKNOWN), "{case}: {got}");
            }
            if let Server::Answers([(429, ..), ..]) = fault.server {
                assert!(
                    started.elapsed() >= MAX_RETRY_AFTER,
                    "{case}: Retry-After ignored"
                );
            }
            None
        }
        (Decode(status), Err(e)) => {
            let Error::Decode(d) = &e else {
                panic!("{case}: expected a decode error, got {e:?}")
            };
            assert_eq!(d.status, status, "{case}");
            assert_eq!(d.method, call.http(), "{case}");
            assert_eq!(
                d.query_id.as_deref(),
                Some("EU.ext-3.fault.matrix"),
                "{case}"
            );
            assert!(e.may_have_been_processed(), "{case}");
            Some(e)
        }
        (Api(status, ovh_body), Err(e)) => {
            let Error::Api(api) = &e else {
                panic!("{case}: expected an API error, got {e:?}")
            };
            assert_eq!(api.status, status, "{case}");
            assert_eq!(api.ovh_body, ovh_body, "{case}: {api:?}");
            assert_eq!(api.method, call.http(), "{case}");
            assert!(api.route.starts_with('/'), "{case}");
            (fault.check)(&e);
            Some(e)
        }
        (Transport(kind), Err(e)) => {
            let Error::Transport(t) = &e else {
                panic!("{case}: expected a transport error, got {e:?}")
            };
            assert_eq!(t.kind, kind, "{case}: {e}");
            assert_eq!(t.attempts as usize, requests, "{case}");
            assert!(t.may_have_been_processed, "{case}");
            if !is_get {
                assert!(
                    e.to_string()
                        .contains("the server may have received and processed the request"),
                    "{case}: {e}"
                );
            }
            Some(e)
        }
        (Redirect(status), Err(e)) => {
            let Error::Redirect(r) = &e else {
                panic!("{case}: expected a redirect error, got {e:?}")
            };
            assert_eq!(r.status, status, "{case}");
            assert_eq!(r.method, call.http(), "{case}");
            assert_eq!(r.query_id.as_deref(), Some("EU.ext-3.redirect"), "{case}");
            let location = r.location.as_deref().unwrap_or_default();
            assert!(
                location.starts_with("http://127.0.0.1:") && location.ends_with("/1.0/moved"),
                "{case}: {location}"
            );
            assert!(e.may_have_been_processed(), "{case}");
            (fault.check)(&e);
            Some(e)
        }
        (expect, got) => panic!("{case}: expected {expect:?}, got {got:?}"),
    };
    if let Some(e) = &error {
        assert_no_secret(&format!("{e} {e:?}"));
    }
    if std::env::var_os("FAULTS_TIMING").is_some() {
        eprintln!("{:>6} ms {case}", started.elapsed().as_millis());
    }
    CaseResult { case, error }
}

/// Runs every (call, fault) case, 12 at a time, each in its own task: a failing case
/// is reported with the others instead of tearing down the servers of the rest.
pub async fn run_matrix() -> Vec<CaseResult> {
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(12));
    let mut tasks = Vec::new();
    for (f, fault) in FAULTS.iter().enumerate() {
        for (c, call) in calls().iter().enumerate() {
            let gate = gate.clone();
            let case = format!("{} × {}", call.name(), fault.name);
            let task = tokio::spawn(async move {
                let _permit = gate.acquire().await.unwrap();
                run_case(&calls()[c], &FAULTS[f]).await
            });
            tasks.push((case, task));
        }
    }
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for (case, task) in tasks {
        match task.await {
            Ok(result) => results.push(result),
            Err(e) => {
                let why = e
                    .try_into_panic()
                    .ok()
                    .and_then(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    })
                    .unwrap_or_default();
                failures.push(format!("{case}: {why}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        FAULTS.len() * calls().len(),
        failures.join("\n---\n")
    );
    results
}

/// The matrix's results, run once per test binary (on its own runtime) and shared by
/// the matrix test and the secrets test (`hardening.rs`), which formats every error.
pub fn matrix() -> &'static [CaseResult] {
    static RESULTS: std::sync::OnceLock<Vec<CaseResult>> = std::sync::OnceLock::new();
    RESULTS.get_or_init(|| {
        let run = std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(60), run_matrix())
                    .await
                    .expect("the matrix finishes within 60 s")
            })
        });
        match run.join() {
            Ok(results) => results,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[test]
fn every_method_under_every_fault() {
    let started = Instant::now();
    let results = matrix();
    assert_eq!(results.len(), FAULTS.len() * calls().len());
    assert!(results.iter().all(|r| !r.case.is_empty()));
    eprintln!(
        "fault matrix: {} cases in {:?}",
        results.len(),
        started.elapsed()
    );
}
