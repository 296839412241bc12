//! Test utilities for crates that use `ovh-renew` (feature `test-util`): test your renewal
//! code without an OVH account.
//!
//! * [`MockOvh`]: a local OVH over real HTTP (a [wiremock](https://docs.rs/wiremock)
//!   server on a free port). It checks every signature exactly as OVH does, serves the
//!   renewal endpoints from a [sandbox] account built from this crate's recorded fixtures,
//!   validates renew orders and payments, records what was ordered and paid, and hands
//!   out an [`OvhClient`](crate::OvhClient) configured for it. Use it to test the whole
//!   stack: your code, this crate's client, signing, time sync, error decoding.
//! * [`FakeRenewApi`]: the same account as an in-memory
//!   [`ServiceRenewApi`](crate::ServiceRenewApi), with no HTTP at all. It records every
//!   call and fails the calls you tell it to. Use it for fast unit tests of code written
//!   against the trait, and to inject failures at any step.
//!
//! Both start from the [sandbox] account (a VPS with a backup option, a domain, a web
//! hosting and a dedicated server, with expiration dates relative to today) or from an
//! empty one, and both take your own services as [`SandboxService`]s.
//!
//! Enable the feature for your tests only:
//!
//! ```toml
//! [dev-dependencies]
//! ovh-renew = { version = "0.1", features = ["test-util"] }
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! ```
//!
//! The crate's MSRV (1.85) holds for this feature too, but wiremock 0.6.5 needs Rust 1.88:
//! on an older toolchain, pin wiremock 0.6.4 with
//! `cargo update -p wiremock --precise 0.6.4`.
//!
//! # A downstream integration test
//!
//! The code under test renews a VPS for three months, dry run first, and pays with
//! PayPal; the test runs it against [`MockOvh`] and checks what OVH would have seen.
//!
//! ```
//! use ovh_renew::testing::{sandbox, MockOvh, PaidWith};
//! use ovh_renew::{Error, OrderId, RefusedRequest, RequestProblem, ServiceRenewApi};
//! use ovh_renew::models::{OrderStatus, PaymentMean, RenewRequest};
//!
//! /// Your code: renews `vps` for `period`, paying with the PayPal account `paypal_id`.
//! async fn renew_vps(
//!     api: &dyn ServiceRenewApi,
//!     vps: &str,
//!     period: &str,
//!     paypal_id: u64,
//! ) -> Result<(OrderId, OrderStatus), Error> {
//!     let period: ovh_renew::RenewPeriod = period.parse().expect("a valid period");
//!     let infos = api.service_infos("vps", vps).await?;
//!     let choices = api.renew_descriptions(infos.service_id, false).await?;
//!     let choice = choices
//!         .iter()
//!         .find(|c| c.renew_period == period)
//!         .ok_or_else(|| RefusedRequest::new(RequestProblem::Unsupported, format!("{period} is not offered")))?;
//!     let services = choice.strategies[0].services.clone();
//!     let dry = RenewRequest::dry_run(period.clone(), services.clone());
//!     let quote = api.create_renew_order(infos.service_id, &dry).await?;
//!     println!("renewal costs {}", quote.price_with_tax.value);
//!     let order = api
//!         .create_renew_order(infos.service_id, &RenewRequest::order(period, services))
//!         .await?;
//!     let means = api.available_registered_payment_means(order.order_id).await?;
//!     if means.contains(&PaymentMean::Paypal) {
//!         api.pay_with_registered_payment_mean(order.order_id, PaymentMean::Paypal, Some(paypal_id))
//!             .await?;
//!     }
//!     Ok((order.order_id, api.order_status(order.order_id).await?))
//! }
//!
//! // In your crate's tests/renewal.rs this function carries #[tokio::test].
//! async fn renews_the_sandbox_vps_once_and_pays_with_paypal() {
//!     let ovh = MockOvh::start().await;
//!     let client = ovh.client();
//!
//!     let (order_id, status) = renew_vps(&client, sandbox::VPS_NAME, "P3M", 1234).await.unwrap();
//!     assert_eq!(status, OrderStatus::Delivered);
//!
//!     // Exactly one order, for the VPS, priced from its P3M strategy (103.50 EUR + 20 %).
//!     let orders = ovh.orders();
//!     assert_eq!(orders.len(), 1);
//!     assert_eq!(orders[0].order_id, order_id);
//!     assert_eq!(orders[0].services, [sandbox::VPS_ID]);
//!     assert_eq!(orders[0].price_with_tax_ucents(), 12_420_000_000);
//!     // One dry run before it, and one payment: PayPal, with its id.
//!     assert_eq!(ovh.dry_runs().len(), 1);
//!     let payments = ovh.payments();
//!     assert_eq!(payments.len(), 1);
//!     assert_eq!(
//!         payments[0].with,
//!         PaidWith::RegisteredMean { mean: PaymentMean::Paypal, id: Some(1234) }
//!     );
//!     // Two POSTs on the renew route (dry run, order), never resent; one time sync.
//!     let requests = ovh.requests();
//!     let posts = requests.iter().filter(|r| r.is("POST", "/service/{serviceId}/renew"));
//!     assert_eq!(posts.count(), 2);
//!     assert_eq!(requests.iter().filter(|r| r.is("GET", "/auth/time")).count(), 1);
//!
//!     // The same code against a failing OVH: the order POST answers 500.
//!     ovh.fail_next(
//!         "POST",
//!         "/service/{serviceId}/renew",
//!         500,
//!         r#"{"class":"Server::InternalServerError","message":"Internal server error"}"#,
//!     );
//!     let err = renew_vps(&client, sandbox::VPS_NAME, "P1M", 1234).await.unwrap_err();
//!     assert_eq!(err.status(), Some(500));
//!     assert!(err.query_id().unwrap().starts_with("EU.mock."));
//!     assert_eq!(ovh.orders().len(), 1, "no second order");
//! }
//! # fn main() {
//! #     tokio::runtime::Builder::new_current_thread()
//! #         .enable_all()
//! #         .build()
//! #         .unwrap()
//! #         .block_on(renews_the_sandbox_vps_once_and_pays_with_paypal());
//! # }
//! ```
//!
//! With [`FakeRenewApi`] the same function runs in memory, and any step can fail:
//!
//! ```
//! use ovh_renew::ops::Op;
//! use ovh_renew::testing::{transport_error, FakeRenewApi};
//! use ovh_renew::{ServiceRenewApi, TransportKind};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let fake = FakeRenewApi::sandbox();
//! // The order is created, but its answer is lost on the way back.
//! fake.fail_next_after_processing(Op::CreateRenewOrder, || {
//!     transport_error(TransportKind::Timeout, true)
//! });
//! let api: &dyn ServiceRenewApi = &fake;
//! let request = ovh_renew::models::RenewRequest::order("P1M".parse()?, vec![ovh_renew::ServiceId(118977335)]);
//! let err = api.create_renew_order(ovh_renew::ServiceId(118977335), &request).await.unwrap_err();
//! assert!(err.may_have_been_processed());
//! assert_eq!(fake.orders().len(), 1, "the order exists although the call failed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Failing a call after processing
//!
//! Both doubles can fail a call **after processing** it: the account acts on it first
//! (a real order is created and recorded, a payment is recorded and the order becomes
//! paid; a read changes nothing), then the caller gets an error instead of the answer, as
//! when the answer is lost on its way back. It is how to test that code treats such a
//! failure as "OVH may have acted" ([`Error::may_have_been_processed`]) and never resends.
//! One name on both:
//!
//! * [`MockOvh::fail_next_after_processing`]`(method, route, status, body)`: the next
//!   matching request is processed, then answered `status` with `body`;
//! * [`FakeRenewApi::fail_next_after_processing`]`(op, make)`, and
//!   [`FailRule::after_processing`] for a [`fail_when`](FakeRenewApi::fail_when) rule:
//!   the call is processed, then fails with the error `make` builds.
//!
//! Their `fail_next` (and a rule without `after_processing`) fail the call *instead* of
//! processing it: nothing is created or paid.
//!
//! # What `MockOvh` serves
//!
//! Every route below `/1.0` except `/auth/time` must be authenticated with
//! [`MockOvh::credentials`]. With OAuth2 credentials
//! ([`MockOvhBuilder::credentials`]`(Credentials::oauth2(..))`) the mock also serves
//! `POST /auth/oauth2/token` ([`MockOvh::oauth2_token_url`], the client authenticated by
//! HTTP Basic) and accepts only the `Authorization: Bearer` tokens it handed out (see
//! [`MockOvh::tokens_issued`], [`MockOvh::revoke_tokens`]); with
//! `Credentials::access_token(..)` it accepts only that token. A missing or wrong bearer
//! token is a 401 `INVALID_CREDENTIAL`. Signed credentials (the default) are checked in
//! OVH's order, answering OVH's bodies:
//!
//! | problem | status | body |
//! |---|---|---|
//! | unknown `X-Ovh-Application` | 403 | `{"errorCode":"INVALID_KEY","httpCode":"403 Forbidden","message":"This application key is invalid"}` |
//! | unknown `X-Ovh-Consumer` | 403 | `INVALID_CREDENTIAL`, "This credential is not valid" |
//! | `X-Ovh-Timestamp` more than 30 s from the mock's clock (skew included) | 400 | `QUERY_TIME_OUT`, "Query out of time" |
//! | wrong `X-Ovh-Signature` (recomputed over the URL rebuilt from `Host`, the path and query as received, and the exact body) | 400 | `INVALID_SIGNATURE`, "Invalid signature" |
//! | unknown route | 404 | `{"class":"Client::NotFound","message":"Got an invalid (or empty) URL: …"}` |
//!
//! | route | answer |
//! |---|---|
//! | `GET /auth/time` (unsigned) | this machine's time plus the [clock skew](MockOvhBuilder::clock_skew) |
//! | `GET /service` | the ids of the account's services |
//! | `GET /service/{serviceId}` | [`SandboxService::service`]; unknown id: 404 "This service does not exist" |
//! | `GET /{product}/{serviceName}/serviceInfos` | the infos; `product` may span segments (`hosting/web`), `serviceName` is one percent-decoded segment |
//! | `GET /service/{serviceId}/renew?includeOptions=` | [`SandboxService::choices`] |
//! | `POST /service/{serviceId}/renew` | see below |
//! | `GET /me/order/{orderId}` | the order, with its password and URLs; dry runs (id 0) and unknown ids: 404 |
//! | `GET /me/order/{orderId}/status` | `notPaid`, then `delivered` once paid (or `checking`, `delivering`, `delivered` over [reads](FakeRenewApi::set_delivery_polls)) |
//! | `GET /me/order?date.from=&date.to=` | the ids of the orders in the window (the [sandbox's history](sandbox) included) |
//! | `GET /me/order/{orderId}/details`, `…/details/{orderDetailId}`, `…/extension` | one `RENEW` line per service ordered, named after it, with a `renew` extension for the period |
//! | `GET /me/order/{orderId}/followUp` | the steps of the status above (each read advances a paid order too) |
//! | `GET /me/order/{orderId}/paymentMethods` | the account's `VALID` payment methods |
//! | `GET /me/payment/method/{id}`, `GET /me/payment/method?status=&default=&paymentType=` | the [sandbox's methods](sandbox), filtered |
//! | `GET /me/bill?orderId=`, `GET /me/bill/{billId}` | the order's invoice, made when it is first seen delivered |
//! | `GET /me/order/{orderId}/availableRegisteredPaymentMean` | the account's payment means (default `paypal`, `bankAccount`, `fidelityAccount`) |
//! | `POST /me/order/{orderId}/payWithRegisteredPaymentMean` | `null`; a mean not available: 403 `Client::Forbidden::ActionImpossible` "This order can't be paid with …"; no `paymentMeanId` for `bankAccount`, `creditCard` or `paypal`: 400 |
//! | `GET /me/payment/method` | the account's payment method ids (default `[9876543, 9876544, 9876500]`) |
//! | `POST /me/order/{orderId}/pay` | `null`; an id not listed by `GET /me/payment/method`, or not `VALID`: 403 `Client::Forbidden::ActionImpossible` |
//!
//! Paying an order twice answers 409 `Client::Conflict`, an unknown order 404. Every answer
//! carries an `X-Ovh-QueryID` header (`EU.mock.<hex time>.<n>`).
//!
//! A renew POST needs a JSON body `{"dryRun"?: bool, "duration": "P…", "services": [ids]}`.
//! The duration must be one of the periods the service offers (compared in months, so
//! `P12M` is `P1Y`), and the services must equal, as a set, the services of one strategy
//! of that period, with or without options. Anything else is a 400
//! `{"class":"Client::BadRequest","message":…}` saying what is offered, and nothing is
//! recorded. A dry run answers the strategy's price as `priceWithoutTax`, 20 % `tax`
//! (integer micro-cents, rounded half away from zero) and their sum as `priceWithTax`,
//! with order id 0 and an empty password and URL. A real order gets the next order id
//! (from 300000001), a password and a URL, status `notPaid`, and is recorded in
//! [`MockOvh::orders`].
//!
//! [`FakeRenewApi`] runs the same account logic: same answers, same errors (as
//! [`Error::Api`] values), same records.

mod account;
mod fake;
mod mock_ovh;
pub mod sandbox;

use std::time::SystemTime;

pub use account::{MockOrder, PagingMode, PaidWith, RecordedDryRun, RecordedPayment};
pub use fake::{FailRule, FakeRenewApi};
pub use mock_ovh::{
    MOCK_APPLICATION_KEY, MOCK_APPLICATION_SECRET, MOCK_CONSUMER_KEY, MockOvh, MockOvhBuilder,
    RecordedRequest,
};
pub use sandbox::SandboxService;

use crate::error::{ApiError, Error, TransportError, TransportKind};

/// An [`Error::Api`] as OVH would answer it, to make a [`FakeRenewApi`] call fail.
///
/// `code_or_class` is a class when it contains `::` (`Client::NotFound`,
/// `Client::Forbidden::ActionImpossible`), otherwise a legacy `errorCode`
/// (`NOT_GRANTED_CALL`, `INVALID_SIGNATURE`); empty for neither. The method and route are
/// left empty; [`FakeRenewApi`] fills them in with those of the failed call.
///
/// ```
/// let err = ovh_renew::testing::api_error(404, "Client::NotFound", "This service does not exist");
/// assert!(err.is_not_found());
/// let err = ovh_renew::testing::api_error(403, "INVALID_CREDENTIAL", "This credential is not valid");
/// assert!(err.is_invalid_credential());
/// assert_eq!(err.status(), Some(403));
/// ```
pub fn api_error(status: u16, code_or_class: &str, message: &str) -> Error {
    let (class, error_code) = match code_or_class {
        "" => (None, None),
        c if c.contains("::") => (Some(c.to_owned()), None),
        c => (None, Some(c.to_owned())),
    };
    ApiError {
        method: String::new(),
        route: String::new(),
        rule_path: String::new(),
        status,
        class,
        error_code,
        message: message.to_owned(),
        details: Default::default(),
        query_id: None,
        ovh_body: true,
        route_note: None,
    }
    .into()
}

/// An [`Error::Transport`] of `kind`, as the client reports a request that failed on the
/// network, to make a [`FakeRenewApi`] call fail.
///
/// `may_have_been_processed` says whether the server may have received the request: `true`
/// for a timeout or a connection lost after sending (pair it with
/// [`FakeRenewApi::fail_next_after_processing`] to also create what the call would have
/// created), `false` for a connection that never opened.
///
/// ```
/// use ovh_renew::TransportKind;
/// let err = ovh_renew::testing::transport_error(TransportKind::Connect, false);
/// assert!(!err.may_have_been_processed());
/// ```
pub fn transport_error(kind: TransportKind, may_have_been_processed: bool) -> Error {
    TransportError {
        method: String::new(),
        route: String::new(),
        kind,
        host: None,
        during: None,
        may_have_been_processed,
        attempted_at: SystemTime::now(),
        attempts: 1,
        call_sent: false,
        source: Box::new(std::io::Error::other("simulated by ovh_renew::testing")),
    }
    .into()
}
