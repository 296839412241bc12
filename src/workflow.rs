//! The guide's renewal flow in one call, with the safety rules money needs.
//!
//! [`renew`] resolves the service id, checks the [`guards`] (the
//! service's `/services` view and the account's debt: a service with a debt due, unpaid,
//! auto-renewing, scheduled for deletion or termination, terminated or suspended is
//! refused before anything is priced), reads the renewal choices, selects the strategy,
//! **always** prices it with a dry-run order first, then (only when asked) creates the real
//! order — at most once, never resent — pays it if a payment choice is given, and reads the
//! order status. It returns a [`RenewReport`] with every step's outcome, or a
//! [`RenewError`] that says exactly where things stand: nothing ordered, an order that
//! may or may not exist, or an order that exists and is unpaid (with its id).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ovh_renew::workflow::{renew, PaymentChoice, RenewOptions, RenewOutcome, ServiceRef};
//! use ovh_renew::OvhClient;
//! use ovh_renew::models::PaymentMean;
//!
//! let client = OvhClient::from_env()?;
//! let options = RenewOptions::new(ServiceRef::named("vps", "vps-0baa4fcf.vps.ovh.net"), "P3M".parse()?)
//!     .order(true)
//!     .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
//! let report = renew(&client, &options).await?;
//! println!("dry run: {} without tax", report.dry_run.price_without_tax.ucents());
//! match &report.outcome {
//!     RenewOutcome::DryRunOnly => println!("nothing ordered"),
//!     RenewOutcome::Ordered { order, status } => println!("order {} is {status:?}", order.order_id),
//!     RenewOutcome::Paid { order, status, .. } => println!("order {} paid: {status:?}", order.order_id),
//!     RenewOutcome::AlreadyRenewed { order_id, status } => {
//!         println!("already renewed by order {order_id} ({status:?})")
//!     }
//!     _ => {}
//! }
//! # Ok(()) }
//! ```
//!
//! # Re-runs, recovery and payment choices
//!
//! **A re-run never orders twice.** Before creating a real order, [`renew`] looks for
//! renewal orders of the service made in the last 7 days
//! ([`RenewOptions::reuse_window`]; [`RenewOptions::no_reuse_check`] turns it off) with
//! [`find_renewal_orders`]. The candidates are those at the approved price (without tax,
//! exact micro-cents and currency: [`RenewOptions::approved_price`], else the dry run's)
//! for the same period: one unpaid candidate is paid instead of ordering
//! ([`EarlierOutcome::Reused`]); one paid candidate (`checking`, `delivering`,
//! `delivered`) means the service is renewed: `Ok`, nothing ordered
//! ([`EarlierOutcome::AlreadyRenewed`]); several candidates, or with none a single order at
//! another price or period, or an unclear status, are refused with
//! [`RenewError::EarlierOrders`] listing them. Cancelled orders do not count. If the lookup
//! fails (a key without `GET /me/order`), nothing is ordered and the error names the rule.
//! [`RenewOptions::pay_order`] pays one given order after the same checks.
//!
//! **Uncertain errors resolve themselves.** [`resolve`] says what an
//! [`OrderUncertain`](RenewError::OrderUncertain) or
//! [`PaymentUncertain`](RenewError::PaymentUncertain) left behind: no order, an unpaid
//! order (its id), a paid one.
//!
//! **Payment choices.** [`PaymentChoice::Default`] pays with the account's default
//! payment method, [`PaymentChoice::Method`] with a payment method id (both refused before
//! ordering unless the method exists and is `VALID`, then checked against what OVH lists
//! for the order); [`PaymentChoice::Registered`] pays with a registered mean and its
//! `paymentMeanId` (read it from [`PaymentMethod::payment_mean_id`]; refused on `ovh-us`,
//! which deprecated that route). [`RenewOptions::wait_for_delivery`] then follows the order
//! to delivery and the report carries its invoice ([`RenewReport::bill`]).
//!
//! ## The matching rule
//!
//! OVH's order models carry no service id; what links an order to a service is the service
//! *name* in the `domain` of its lines. A line renews a service when it is not cancelled,
//! its `domain` is the service's name (the `serviceName` of [`ServiceRef::Named`], else the
//! resource name of `GET /service/{serviceId}`), and it says it is a renewal:
//! `detailType == RENEW` ([`MatchRule::DetailType`]), its extension's `action == renew`
//! ([`MatchRule::ExtensionAction`]), or both ([`MatchRule::Both`]). The period is the
//! extension's `plan.duration` (lines carry none). Two services may share a name (a domain
//! and its web hosting): price and period tell their orders apart, and
//! [`execute_plan`](crate::planner::execute_plan) leaves the orders of its own run out
//! ([`RenewOptions::ignore_orders`]). This rule was **assembled from OVH's v1 schema**: no
//! public recording of a renewal order's details exists. `ovh-us` answers some of these
//! routes with other models; only the EU schema is supported.

mod delivery;
mod recovery;

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::error::{Error, RequestProblem};
use crate::guards::{self, Guard, GuardOverrides};
use crate::models::{
    Amount, AmountError, Bill, Order, OrderId, OrderStatus, PaymentMean, PaymentMethod,
    PaymentMethodFilter, Product, RenewDescription, RenewPeriod, RenewRequest, RenewStrategy,
    ServiceId,
};
use crate::strategy::{self, SelectionError};

pub use delivery::{Delivery, DeliveryEnd, DeliveryWait};
use recovery::{Decision, Found};
pub use recovery::{
    EarlierProblem, MatchRule, MatchedLine, RenewalOrder, Resolution, find_renewal_orders, resolve,
};

/// The service to renew: its id, or its product route and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ServiceRef {
    /// A known service id.
    Id(ServiceId),
    /// A product route (`vps`, `domain`, `hosting/web`, `dedicated/server`) and a service
    /// name; the id is read from `GET /{product}/{serviceName}/serviceInfos`.
    Named {
        /// Product route.
        product: Product,
        /// Service name (one path segment).
        service_name: String,
    },
}

impl ServiceRef {
    /// A service by product (a [`Product`] or its route, `"vps"`) and name.
    pub fn named(product: impl Into<Product>, service_name: impl Into<String>) -> Self {
        ServiceRef::Named {
            product: product.into(),
            service_name: service_name.into(),
        }
    }
}

impl From<ServiceId> for ServiceRef {
    fn from(id: ServiceId) -> Self {
        ServiceRef::Id(id)
    }
}

impl fmt::Display for ServiceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServiceRef::Id(id) => write!(f, "service {id}"),
            ServiceRef::Named {
                product,
                service_name,
            } => write!(f, "{product} {service_name}"),
        }
    }
}

/// How to pay an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PaymentChoice {
    /// `POST /me/order/{id}/payWithRegisteredPaymentMean` with this mean (and id, which
    /// OVH requires for `bankAccount`, `creditCard` and `paypal`). Checked first against
    /// `availableRegisteredPaymentMean`.
    Registered {
        /// The payment mean.
        mean: PaymentMean,
        /// Its id, when it has one.
        id: Option<u64>,
    },
    /// `POST /me/order/{id}/pay` with a payment method id from `GET /me/payment/method`
    /// (the *payment method* id, not a `paymentMeanId`). Checked before ordering (listed,
    /// status `VALID`) and, once the order exists, against
    /// `GET /me/order/{id}/paymentMethods`.
    Method(u64),
    /// The account's default payment method (`GET /me/payment/method?default=true`),
    /// paid with `POST /me/order/{id}/pay`. Refused before ordering when there is none or
    /// its status is not `VALID` (expired, cancelled, …), naming it; checked once the
    /// order exists like [`Method`](Self::Method).
    Default,
}

impl PaymentChoice {
    /// A registered payment mean, with its id if it has one.
    pub fn registered(mean: PaymentMean, id: Option<u64>) -> Self {
        PaymentChoice::Registered { mean, id }
    }
}

impl fmt::Display for PaymentChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PaymentChoice::Registered { mean, id: Some(id) } => write!(f, "{mean}:{id}"),
            PaymentChoice::Registered { mean, id: None } => write!(f, "{mean}"),
            PaymentChoice::Method(id) => write!(f, "payment method {id}"),
            PaymentChoice::Default => f.write_str("the default payment method"),
        }
    }
}

/// Why a payment choice text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid payment choice {0:?}: expected default, method:<id> or <mean>[:<id>] (e.g. paypal:1234, fidelityAccount)"
)]
pub struct ParsePaymentChoiceError(String);

impl FromStr for PaymentChoice {
    type Err = ParsePaymentChoiceError;

    /// `default` for the default payment method, `method:<id>` for a payment method, or
    /// `<mean>[:<id>]` for a registered payment mean (`paypal:1234`, `fidelityAccount`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParsePaymentChoiceError(s.to_owned());
        if s == "default" {
            return Ok(PaymentChoice::Default);
        }
        let (name, id) = match s.split_once(':') {
            Some((name, id)) => (name, Some(id.parse::<u64>().map_err(|_| bad())?)),
            None => (s, None),
        };
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(bad());
        }
        match (name, id) {
            ("method", Some(id)) => Ok(PaymentChoice::Method(id)),
            ("method", None) => Err(bad()),
            (mean, id) => Ok(PaymentChoice::registered(PaymentMean::from(mean), id)),
        }
    }
}

/// Which services the renewal covers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Renewing {
    /// The service alone (the guide's rule: the strategy whose services are exactly it).
    #[default]
    Alone,
    /// The cheapest strategy covering at least these services (for example a domain with
    /// its hosting, or a VPS with its backup option).
    Covering(Vec<ServiceId>),
    /// The strategy whose services are exactly these, as a set (what
    /// [`execute_plan`](crate::planner::execute_plan) uses, so that a line never orders a
    /// service it did not plan for).
    Exactly(Vec<ServiceId>),
}

/// What [`renew`] should do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenewOptions {
    /// The service.
    pub service: ServiceRef,
    /// The renewal period asked for (`P1Y` matches an offered `P12M`).
    pub period: RenewPeriod,
    /// Which services to renew (default: the service alone).
    pub renewing: Renewing,
    /// `false` (the default): stop after the dry run. `true`: create the real order.
    pub order: bool,
    /// Pay the order with this (only with `order: true`; refused for a dry run).
    pub payment: Option<PaymentChoice>,
    /// Ask OVH for strategies including options (`includeOptions=true`).
    pub include_options: bool,
    /// The price, excluding tax, **with its currency**, that a human approved (e.g. the
    /// price of a plan line). [`renew`] refuses to order, before ordering, when the
    /// selected strategy's price or the dry run's price without tax is not exactly this
    /// amount in this currency. When `None`, the selected strategy's price is the approved
    /// one, and the dry run must match it. In every case the real order's price without tax
    /// must match its dry run before it is paid.
    pub approved_price: Option<Amount>,
    /// Allow paying with a registered payment mean this crate does not know
    /// ([`PaymentMean::Other`], e.g. a typo such as `Paypal`). Default `false`: such a
    /// mean is refused before anything is sent, since OVH would only refuse it after the
    /// order exists.
    pub allow_unknown_payment_mean: bool,
    /// How far back [`renew`] looks for an earlier renewal order of the service before
    /// ordering (default 7 days; `None`: it does not look, see
    /// [`no_reuse_check`](Self::no_reuse_check)). See [`renew`] for what it does with them.
    #[serde(default = "default_reuse_window")]
    pub reuse_window: Option<Duration>,
    /// Pay this existing unpaid renewal order of the service instead of ordering (after
    /// the same checks as a reused order); see [`pay_order`](Self::pay_order).
    #[serde(default)]
    pub pay_order: Option<OrderId>,
    /// After paying, wait for delivery like this (default: read the status once).
    #[serde(default)]
    pub wait: Option<DeliveryWait>,
    /// Orders known not to renew this service, left out of the re-run check (what
    /// [`execute_plan`](crate::planner::execute_plan) passes: the orders earlier lines of
    /// the run made for other services, which may share this service's name, like a
    /// domain and its hosting).
    #[serde(default)]
    pub ignore_orders: Vec<OrderId>,
    /// The guards explicitly let through (default: none; see [`guards`]).
    /// Before reading the choices, [`renew`] reads the service's `/services` view and the
    /// account's debt and refuses ([`RenewError::Guarded`]) a service with a debt due, unpaid,
    /// whose automatic renewal is in progress, scheduled for deletion or termination,
    /// terminated or suspended. Automatic renewal in progress cannot be overridden.
    pub guards: GuardOverrides,
}

/// Seven days, the default [`RenewOptions::reuse_window`].
pub const DEFAULT_REUSE_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

fn default_reuse_window() -> Option<Duration> {
    Some(DEFAULT_REUSE_WINDOW)
}

impl RenewOptions {
    /// A dry run of `service` for `period`, renewing the service alone.
    pub fn new(service: impl Into<ServiceRef>, period: RenewPeriod) -> Self {
        RenewOptions {
            service: service.into(),
            period,
            renewing: Renewing::Alone,
            order: false,
            payment: None,
            include_options: false,
            approved_price: None,
            allow_unknown_payment_mean: false,
            reuse_window: default_reuse_window(),
            pay_order: None,
            wait: None,
            ignore_orders: Vec::new(),
            guards: GuardOverrides::none(),
        }
    }

    /// Sets [`RenewOptions::ignore_orders`].
    pub fn ignore_orders(mut self, orders: Vec<OrderId>) -> Self {
        self.ignore_orders = orders;
        self
    }

    /// Looks back `window` for an earlier renewal order before ordering (default 7
    /// days).
    pub fn reuse_window(mut self, window: Duration) -> Self {
        self.reuse_window = Some(window);
        self
    }

    /// Does not look for earlier renewal orders: every real order is a new one, even
    /// when a re-run finds one unpaid or paid. Use it only when you mean to renew again.
    pub fn no_reuse_check(mut self) -> Self {
        self.reuse_window = None;
        self
    }

    /// Pays the existing order `order_id` instead of ordering: it must be an unpaid
    /// renewal order of the service (see [`find_renewal_orders`]) at the approved price
    /// for the period asked (the dry run still runs first); paid already, it is reported
    /// as [`EarlierOutcome::AlreadyRenewed`]. Implies [`order(true)`](Self::order).
    pub fn pay_order(mut self, order_id: OrderId) -> Self {
        self.pay_order = Some(order_id);
        self.order = true;
        self
    }

    /// After paying, waits up to `timeout` for delivery (see [`DeliveryWait::new`] for
    /// the delays): reads `GET /me/order/{orderId}/status` and `…/followUp` until
    /// `delivered`, `cancelled` or the timeout; the report carries where it stands
    /// ([`RenewReport::delivery`]) and, once delivered, the invoice
    /// ([`RenewReport::bill`]). Only `GET`s are sent while waiting, never the order or
    /// the payment again; drop the future (e.g. with `tokio::time::timeout` or
    /// `select!`) to cancel the wait: the order stays paid.
    pub fn wait_for_delivery(mut self, timeout: Duration) -> Self {
        self.wait = Some(DeliveryWait::new(timeout));
        self
    }

    /// Like [`wait_for_delivery`](Self::wait_for_delivery), with the delays of `wait`.
    pub fn delivery_wait(mut self, wait: DeliveryWait) -> Self {
        self.wait = Some(wait);
        self
    }

    /// Renew the cheapest strategy covering these services instead of the service alone.
    /// Options and linked services are only offered with `include_options`, which this
    /// turns on.
    pub fn covering(mut self, services: Vec<ServiceId>) -> Self {
        self.renewing = Renewing::Covering(services);
        self.include_options = true;
        self
    }

    /// Renew the strategy whose services are exactly `services` (as a set). Turns on
    /// `include_options`, like [`covering`](Self::covering).
    pub fn exactly(mut self, services: Vec<ServiceId>) -> Self {
        self.renewing = Renewing::Exactly(services);
        self.include_options = true;
        self
    }

    /// Create the real order (`true`) or stop after the dry run (`false`, the default).
    pub fn order(mut self, order: bool) -> Self {
        self.order = order;
        self
    }

    /// Pay the order with `choice`. Only with [`order(true)`](Self::order): [`renew`]
    /// refuses a payment for a dry run, before sending anything.
    pub fn pay(mut self, choice: PaymentChoice) -> Self {
        self.payment = Some(choice);
        self
    }

    /// Sets [`RenewOptions::include_options`].
    pub fn include_options(mut self, include: bool) -> Self {
        self.include_options = include;
        self
    }

    /// Sets [`RenewOptions::approved_price`]: the exact price without tax, with its
    /// currency, that [`renew`] may order.
    ///
    /// ```
    /// use ovh_renew::models::{Amount, CurrencyCode};
    /// use ovh_renew::workflow::RenewOptions;
    ///
    /// let options = RenewOptions::new(ovh_renew::ServiceId(118_977_335), "P1M".parse()?)
    ///     .order(true)
    ///     .approved_price(Amount::new(3_450_000_000, CurrencyCode::Eur));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn approved_price(mut self, amount: Amount) -> Self {
        self.approved_price = Some(amount);
        self
    }

    /// Sets [`RenewOptions::guards`]: e.g. renew a service scheduled for deletion after its
    /// owner changed their mind.
    ///
    /// ```
    /// use ovh_renew::guards::GuardOverrides;
    /// use ovh_renew::workflow::RenewOptions;
    ///
    /// let options = RenewOptions::new(ovh_renew::ServiceId(29_162_449), "P1Y".parse()?)
    ///     .guards(GuardOverrides::none().deletion_scheduled(true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guards(mut self, overrides: GuardOverrides) -> Self {
        self.guards = overrides;
        self
    }

    /// Sets [`RenewOptions::allow_unknown_payment_mean`].
    pub fn allow_unknown_payment_mean(mut self, allow: bool) -> Self {
        self.allow_unknown_payment_mean = allow;
        self
    }
}

/// The steps of the flow, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Step {
    /// `GET /{product}/{serviceName}/serviceInfos`.
    ResolveService,
    /// `GET /services/{serviceId}` and `GET /me/debtAccount`, and the
    /// [`guards`] on what they say.
    CheckGuards,
    /// `GET /service/{serviceId}/renew`.
    ReadChoices,
    /// Choosing the strategy.
    Select,
    /// `POST /service/{serviceId}/renew` with `dryRun: true`.
    DryRun,
    /// `POST /service/{serviceId}/renew` with `dryRun: false`.
    Order,
    /// Comparing the real order's price without tax with its dry run's, before paying.
    CheckOrderPrice,
    /// Checking the payment choice: before ordering, that a registered mean that needs an
    /// id has one, that it is a known mean, and that a payment method id is listed by
    /// `GET /me/payment/method`; after ordering,
    /// `GET /me/order/{orderId}/availableRegisteredPaymentMean`.
    CheckPaymentMean,
    /// Paying the order.
    Pay,
    /// `GET /me/order/{orderId}/status`.
    ReadStatus,
    /// Looking for an earlier renewal order of the service (`GET /me/order` and the
    /// orders' lines), before ordering.
    FindEarlierOrders,
    /// Waiting for delivery ([`RenewOptions::wait_for_delivery`]).
    WaitDelivery,
    /// Reading the invoice (`GET /me/bill?orderId=`, `GET /me/bill/{billId}`).
    ReadBill,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::ResolveService => "reading the service id",
            Step::CheckGuards => "checking the service's state and the account's debt",
            Step::ReadChoices => "reading the renewal choices",
            Step::Select => "selecting the strategy",
            Step::DryRun => "pricing the dry-run order",
            Step::Order => "creating the order",
            Step::CheckOrderPrice => "checking the order's price against its dry run",
            Step::CheckPaymentMean => "checking the payment mean",
            Step::Pay => "paying the order",
            Step::ReadStatus => "reading the order status",
            Step::FindEarlierOrders => "looking for an earlier renewal order (GET /me/order)",
            Step::WaitDelivery => "waiting for delivery",
            Step::ReadBill => "reading the invoice",
        })
    }
}

/// Which price a guard of [`renew`] checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PriceStage {
    /// The price approved in a plan line (see [`execute_plan`](crate::planner::execute_plan)).
    Plan,
    /// The selected strategy's price (excluding tax), before anything is ordered.
    Strategy,
    /// The dry-run order's price without tax, before the real order.
    DryRun,
    /// The real order's price without tax, before it is paid (the order exists).
    Order,
}

impl PriceStage {
    /// `true` for the stages checked before the real order exists.
    fn before_order(self) -> bool {
        !matches!(self, PriceStage::Order)
    }
}

impl fmt::Display for PriceStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PriceStage::Plan => "the plan line's price",
            PriceStage::Strategy => "the selected strategy's price",
            PriceStage::DryRun => "the dry-run order's price without tax",
            PriceStage::Order => "the real order's price without tax",
        })
    }
}

/// What [`renew`] did, step by step.
///
/// How far it went is [`outcome`](Self::outcome): priced only, ordered, ordered and
/// paid, or nothing ordered because an earlier order already renews the service; each
/// outcome holds exactly what that stage produced (an order always comes with the status
/// read after it, the payment means OVH listed only with a registered mean).
///
/// Its JSON (`Serialize`) is flat: `service_id`, `choices`, `period`, `strategy`,
/// `dry_run`, then `order`, `payment`, `available_payment_means` and `status` (each
/// `null` when the outcome has none), then `steps`, then what the run found and followed
/// after the order: `earlier`, `payment_method`, `delivery`, `bill` and `bill_error`
/// (each `null` when absent). It leaves out the orders' and the invoice's `password`,
/// `url` and `pdfUrl`, which let anyone open them, and the payment method's
/// `formSessionId` (`null`): a report can be logged or stored.
/// They are in the [`Order`] and [`Bill`] values themselves (and in their own JSON).
/// Reading a report back (`Deserialize`) refuses a combination no run produces, such as
/// an order without a status, or an invoice without a paid or already renewed order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "FlatReport")]
#[non_exhaustive]
pub struct RenewReport {
    /// The service id (given, or read from serviceInfos).
    pub service_id: ServiceId,
    /// Every renewal choice OVH offered.
    pub choices: Vec<RenewDescription>,
    /// The offered period that was selected, with OVH's own text (sent in the order).
    pub period: RenewPeriod,
    /// The selected strategy (price excluding tax, services renewed together).
    pub strategy: RenewStrategy,
    /// The dry-run order: the price with and without tax.
    pub dry_run: Order,
    /// How far the run went, with what each stage produced.
    pub outcome: RenewOutcome,
    /// The steps completed, in order.
    pub steps: Vec<Step>,
    /// The earlier renewal order the run found and acted on, when it found one: with
    /// [`RenewOutcome::Ordered`] or [`RenewOutcome::Paid`], the unpaid order it reused
    /// instead of ordering again (the outcome's order has its id); with
    /// [`RenewOutcome::AlreadyRenewed`], the paid order that renews the service. `None`
    /// for a new order and a dry run. See [`earlier_outcome`](Self::earlier_outcome).
    pub earlier: Option<RenewalOrder>,
    /// The payment method paid with, as read before ordering, for
    /// [`Payment::Method`] and [`Payment::Default`].
    pub payment_method: Option<PaymentMethod>,
    /// Where delivery stood when the wait ended ([`RenewOptions::wait_for_delivery`]);
    /// only with [`RenewOutcome::Paid`].
    pub delivery: Option<Delivery>,
    /// The order's invoice, once delivered ([`RenewOutcome::Paid`] or
    /// [`RenewOutcome::AlreadyRenewed`]). Its `password`, `url` and `pdfUrl` are in the
    /// value, not in the report's JSON nor in `Debug`.
    pub bill: Option<Bill>,
    /// Why the invoice of a delivered order could not be read (it will be there later).
    pub bill_error: Option<String>,
}

/// What [`renew`] did with an earlier renewal order ([`RenewReport::earlier_outcome`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum EarlierOutcome {
    /// It was unpaid at the approved price and period: it was paid (with a payment
    /// choice) instead of ordering again.
    Reused,
    /// It was paid already: nothing was ordered; the service is renewed by it.
    AlreadyRenewed,
}

/// How far [`renew`] went ([`RenewReport::outcome`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RenewOutcome {
    /// Priced only (`order(false)`, the default): nothing was ordered.
    DryRunOnly,
    /// The order was created (or an earlier unpaid one reused, see
    /// [`RenewReport::earlier`]) and its status read; no payment was asked for, so it is
    /// left unpaid (usually [`OrderStatus::NotPaid`]).
    Ordered {
        /// The real order (with its password and URLs; see [`RenewReport`]).
        order: Order,
        /// Its status, read at the end.
        status: OrderStatus,
    },
    /// The order was created (or an earlier unpaid one reused), paid, and its status read
    /// (after waiting for delivery, when asked).
    Paid {
        /// The real order (with its password and URLs; see [`RenewReport`]).
        order: Order,
        /// How it was paid.
        payment: Payment,
        /// Its status, read after paying (the last one read while waiting for delivery).
        status: OrderStatus,
    },
    /// Nothing was ordered nor paid: an earlier renewal order of the service, for the
    /// same price and period, is paid already (`checking`, `delivering`, `delivered`).
    /// [`RenewReport::earlier`] describes it.
    AlreadyRenewed {
        /// The earlier order.
        order_id: OrderId,
        /// Its status, as found.
        status: OrderStatus,
    },
}

/// The payment [`renew`] made ([`RenewOutcome::Paid`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payment {
    /// `POST /me/order/{orderId}/payWithRegisteredPaymentMean`, after checking the mean is
    /// listed by `availableRegisteredPaymentMean`.
    Registered {
        /// The payment mean.
        mean: PaymentMean,
        /// Its id, when it has one.
        id: Option<u64>,
        /// The means OVH listed for the order.
        available: Vec<PaymentMean>,
    },
    /// `POST /me/order/{orderId}/pay` with this payment method id
    /// ([`PaymentChoice::Method`]).
    Method(u64),
    /// `POST /me/order/{orderId}/pay` with the account's default payment method, this id
    /// ([`PaymentChoice::Default`]).
    Default(u64),
}

impl Payment {
    /// The [`PaymentChoice`] that made this payment.
    pub fn choice(&self) -> PaymentChoice {
        match self {
            Payment::Registered { mean, id, .. } => PaymentChoice::registered(mean.clone(), *id),
            Payment::Method(id) => PaymentChoice::Method(*id),
            Payment::Default(_) => PaymentChoice::Default,
        }
    }

    /// The payment method id paid with, for [`Payment::Method`] and [`Payment::Default`].
    pub fn payment_method_id(&self) -> Option<u64> {
        match self {
            Payment::Method(id) | Payment::Default(id) => Some(*id),
            Payment::Registered { .. } => None,
        }
    }
}

impl RenewOutcome {
    /// The real order, when one was created or reused (not for
    /// [`AlreadyRenewed`](Self::AlreadyRenewed): that order is
    /// [`RenewReport::earlier`]).
    pub fn order(&self) -> Option<&Order> {
        match self {
            RenewOutcome::DryRunOnly | RenewOutcome::AlreadyRenewed { .. } => None,
            RenewOutcome::Ordered { order, .. } | RenewOutcome::Paid { order, .. } => Some(order),
        }
    }

    /// The order status read at the end, when an order exists.
    pub fn status(&self) -> Option<&OrderStatus> {
        match self {
            RenewOutcome::DryRunOnly => None,
            RenewOutcome::Ordered { status, .. }
            | RenewOutcome::Paid { status, .. }
            | RenewOutcome::AlreadyRenewed { status, .. } => Some(status),
        }
    }

    /// The payment made, when one was.
    pub fn payment(&self) -> Option<&Payment> {
        match self {
            RenewOutcome::Paid { payment, .. } => Some(payment),
            _ => None,
        }
    }

    /// The id of the order the run stands on: created, reused or already renewing.
    pub fn order_id(&self) -> Option<OrderId> {
        match self {
            RenewOutcome::DryRunOnly => None,
            RenewOutcome::AlreadyRenewed { order_id, .. } => Some(*order_id),
            RenewOutcome::Ordered { order, .. } | RenewOutcome::Paid { order, .. } => {
                Some(order.order_id)
            }
        }
    }
}

impl RenewReport {
    /// The real order, when one was created or reused (see [`RenewOutcome::order`]).
    pub fn order(&self) -> Option<&Order> {
        self.outcome.order()
    }

    /// The order status read at the end, when an order exists.
    pub fn status(&self) -> Option<&OrderStatus> {
        self.outcome.status()
    }

    /// The payment made, when one was.
    pub fn payment(&self) -> Option<&Payment> {
        self.outcome.payment()
    }

    /// What the run did with the earlier renewal order it found, when it found one:
    /// [`EarlierOutcome::Reused`] (the outcome's order is that order) or
    /// [`EarlierOutcome::AlreadyRenewed`].
    pub fn earlier_outcome(&self) -> Option<EarlierOutcome> {
        self.earlier.as_ref()?;
        match self.outcome {
            RenewOutcome::AlreadyRenewed { .. } => Some(EarlierOutcome::AlreadyRenewed),
            RenewOutcome::Ordered { .. } | RenewOutcome::Paid { .. } => {
                Some(EarlierOutcome::Reused)
            }
            RenewOutcome::DryRunOnly => None,
        }
    }
}

/// The JSON shape of a [`RenewReport`] (flat, as before the outcome enum), borrowed.
#[derive(Serialize)]
struct FlatReportRef<'a> {
    service_id: ServiceId,
    choices: &'a [RenewDescription],
    period: &'a RenewPeriod,
    strategy: &'a RenewStrategy,
    #[serde(serialize_with = "public_order")]
    dry_run: &'a Order,
    #[serde(serialize_with = "public_opt_order")]
    order: Option<&'a Order>,
    payment: Option<PaymentChoice>,
    available_payment_means: Option<&'a [PaymentMean]>,
    status: Option<&'a OrderStatus>,
    steps: &'a [Step],
    earlier: Option<&'a RenewalOrder>,
    payment_method: Option<PaymentMethod>,
    delivery: Option<&'a Delivery>,
    #[serde(serialize_with = "crate::models::serialize_opt_bill_without_secrets")]
    bill: &'a Option<Bill>,
    bill_error: Option<&'a str>,
}

fn public_order<S: serde::Serializer>(order: &&Order, serializer: S) -> Result<S::Ok, S::Error> {
    crate::models::serialize_order_without_secrets(order, serializer)
}

fn public_opt_order<S: serde::Serializer>(
    order: &Option<&Order>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match order {
        Some(order) => serializer.serialize_some(&PublicOrder(order)),
        None => serializer.serialize_none(),
    }
}

struct PublicOrder<'a>(&'a Order);

impl Serialize for PublicOrder<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::models::serialize_order_without_secrets(self.0, serializer)
    }
}

impl Serialize for RenewReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (payment, available) = match self.payment() {
            Some(Payment::Registered { available, .. }) => (
                self.payment().map(Payment::choice),
                Some(available.as_slice()),
            ),
            Some(paid) => (Some(paid.choice()), None),
            None => (None, None),
        };
        FlatReportRef {
            service_id: self.service_id,
            choices: &self.choices,
            period: &self.period,
            strategy: &self.strategy,
            dry_run: &self.dry_run,
            order: self.order(),
            payment,
            available_payment_means: available,
            status: self.status(),
            steps: &self.steps,
            earlier: self.earlier.as_ref(),
            // The payment form's session token stays out of stored reports.
            payment_method: self.payment_method.clone().map(|mut method| {
                method.form_session_id = None;
                method
            }),
            delivery: self.delivery.as_ref(),
            bill: &self.bill,
            bill_error: self.bill_error.as_deref(),
        }
        .serialize(serializer)
    }
}

/// The JSON shape of a [`RenewReport`], owned, as read back. The keys added after the
/// outcome enum (`earlier` …) may be missing: a report stored before reads back.
#[derive(Deserialize)]
struct FlatReport {
    service_id: ServiceId,
    choices: Vec<RenewDescription>,
    period: RenewPeriod,
    strategy: RenewStrategy,
    dry_run: Order,
    order: Option<Order>,
    payment: Option<PaymentChoice>,
    available_payment_means: Option<Vec<PaymentMean>>,
    status: Option<OrderStatus>,
    steps: Vec<Step>,
    #[serde(default)]
    earlier: Option<RenewalOrder>,
    #[serde(default)]
    payment_method: Option<PaymentMethod>,
    #[serde(default)]
    delivery: Option<Delivery>,
    #[serde(default)]
    bill: Option<Bill>,
    #[serde(default)]
    bill_error: Option<String>,
}

impl TryFrom<FlatReport> for RenewReport {
    type Error = &'static str;

    fn try_from(flat: FlatReport) -> Result<Self, Self::Error> {
        let method_id = flat.payment_method.as_ref().map(|m| m.payment_method_id);
        let outcome = match (flat.order, flat.status, flat.payment) {
            (None, None, None) if flat.available_payment_means.is_none() => {
                RenewOutcome::DryRunOnly
            }
            (None, Some(status), None) if flat.available_payment_means.is_none() => {
                // Already renewed: the earlier order is the one found.
                let earlier = flat.earlier.as_ref().ok_or(INCONSISTENT)?;
                RenewOutcome::AlreadyRenewed {
                    order_id: earlier.order_id,
                    status,
                }
            }
            (Some(order), Some(status), None) if flat.available_payment_means.is_none() => {
                RenewOutcome::Ordered { order, status }
            }
            (Some(order), Some(status), Some(choice)) => {
                let payment = match (choice, flat.available_payment_means, method_id) {
                    (PaymentChoice::Registered { mean, id }, Some(available), None) => {
                        Payment::Registered {
                            mean,
                            id,
                            available,
                        }
                    }
                    (PaymentChoice::Method(id), None, None) => Payment::Method(id),
                    (PaymentChoice::Method(id), None, Some(paid)) if paid == id => {
                        Payment::Method(id)
                    }
                    (PaymentChoice::Default, None, Some(paid)) => Payment::Default(paid),
                    _ => return Err(INCONSISTENT),
                };
                RenewOutcome::Paid {
                    order,
                    payment,
                    status,
                }
            }
            _ => return Err(INCONSISTENT),
        };
        let earlier_fits = match (&outcome, &flat.earlier) {
            (_, None) => true,
            (RenewOutcome::DryRunOnly, Some(_)) => false,
            (outcome, Some(earlier)) => outcome.order_id() == Some(earlier.order_id),
        };
        let paid = matches!(outcome, RenewOutcome::Paid { .. });
        let invoiced = paid || matches!(outcome, RenewOutcome::AlreadyRenewed { .. });
        if !earlier_fits
            || (method_id.is_some() && !paid)
            || (flat.delivery.is_some() && !paid)
            || ((flat.bill.is_some() || flat.bill_error.is_some()) && !invoiced)
        {
            return Err(INCONSISTENT);
        }
        Ok(RenewReport {
            service_id: flat.service_id,
            choices: flat.choices,
            period: flat.period,
            strategy: flat.strategy,
            dry_run: flat.dry_run,
            outcome,
            steps: flat.steps,
            earlier: flat.earlier,
            payment_method: flat.payment_method,
            delivery: flat.delivery,
            bill: flat.bill,
            bill_error: flat.bill_error,
        })
    }
}

const INCONSISTENT: &str = "inconsistent renew report: an order needs a status, a payment needs an order, available_payment_means goes with a registered payment mean only, payment_method with a payment method, an already renewed status with its earlier order, earlier with the order it names, delivery with a payment, and an invoice with a paid or already renewed order";

/// Why [`renew`] stopped, and where that leaves the account.
///
/// Like [`Error`]'s, `Debug` (`{:?}`) is the report a program shows when `main` returns
/// this error: the `Display` text, each cause once, and the hint of an OVH refusal;
/// `{:#?}` writes the fields.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum RenewError {
    /// A step before the order failed: **nothing was ordered**.
    #[error("{step} failed; nothing was ordered")]
    NothingOrdered {
        /// The failing step.
        step: Step,
        /// The cause.
        #[source]
        source: Error,
    },
    /// A guard refused the service before anything was priced: **nothing was ordered**.
    #[error("service {service_id} is not renewed: {guard}; nothing was ordered")]
    Guarded {
        /// The service.
        service_id: ServiceId,
        /// Why.
        guard: Guard,
    },
    /// No strategy fits the request: **nothing was ordered**.
    #[error("no matching renewal strategy; nothing was ordered")]
    Selection(#[from] SelectionError),
    /// A price is not the approved one (amount or currency). Before the order
    /// ([`PriceStage::Plan`], [`Strategy`](PriceStage::Strategy),
    /// [`DryRun`](PriceStage::DryRun)): **nothing was ordered**. (The real order's price
    /// is checked too: a mismatch there is [`RenewError::OrderUnpaid`] with
    /// [`UnpaidCause::PriceChanged`].)
    #[error("{}", price_changed(*stage, expected, actual))]
    PriceChanged {
        /// Which price was checked.
        stage: PriceStage,
        /// The approved amount (for [`PriceStage::Order`]: the dry run's).
        expected: Amount,
        /// What OVH asks.
        actual: Amount,
    },
    /// A price cannot be compared (no currency, or beyond `i64` micro-cents). Before the
    /// order: **nothing was ordered**. (For the real order's price:
    /// [`RenewError::OrderUnpaid`] with [`UnpaidCause::PriceUnreadable`].)
    #[error("{stage} cannot be checked: {reason}{}", if stage.before_order() { "; nothing was ordered" } else { "; the order was not paid" })]
    PriceUnreadable {
        /// Which price.
        stage: PriceStage,
        /// Why it cannot be compared.
        reason: AmountError,
    },
    /// The order request failed in a way that leaves it unknown whether OVH created the
    /// order (no answer, a 5xx, an answer that cannot be read, or an answer without a
    /// usable order id). It was **not** resent.
    #[error(
        "creating the order failed and the order may or may not exist: check GET /me/order for orders created since {} (workflow::resolve does) before trying again; a re-run of renew looks for it before ordering",
        rfc3339(*attempted_at)
    )]
    OrderUncertain {
        /// When the order request was sent.
        attempted_at: SystemTime,
        /// The service of the order (what [`resolve`] looks for).
        service_id: ServiceId,
        /// The month count of the period ordered (what [`resolve`] matches the orders'
        /// periods against; `None` for a period without one, such as `P30D`, which then
        /// matches the orders whose period has none either).
        period_months: Option<std::num::NonZeroU32>,
        /// The cause.
        #[source]
        source: Error,
    },
    /// The order exists and is **unpaid**: a later step failed, and OVH certainly did not
    /// take a payment (a refused payment is a 4xx answer, or a request that never left).
    #[error(
        "order {order_id} was created but is unpaid: {step} failed; check it (GET /me/order/{order_id}) and pay it, or let it expire unpaid"
    )]
    OrderUnpaid {
        /// The order.
        order_id: OrderId,
        /// The failing step.
        step: Step,
        /// Why it was not paid.
        #[source]
        source: UnpaidCause,
    },
    /// The order exists and the payment request failed in a way that leaves it unknown
    /// whether OVH took the payment (no answer, a 5xx or 3xx, an answer that cannot be
    /// read). It was **not** resent: read the order status before paying again.
    #[error(
        "order {order_id} exists and paying it failed at {}: OVH may have taken the payment, which was not resent; read GET /me/order/{order_id}/status (ServiceRenewApi::order_status) before paying again",
        rfc3339(*attempted_at)
    )]
    PaymentUncertain {
        /// The order.
        order_id: OrderId,
        /// When the payment request was sent.
        attempted_at: SystemTime,
        /// The cause.
        #[source]
        source: Error,
    },
    /// Earlier renewal orders of the service stand in the way: **nothing was ordered**
    /// (see [`renew`]).
    #[error(
        "{problem} ({}); nothing was ordered: pay or cancel it in the control panel, choose it with RenewOptions::pay_order, or turn the check off with RenewOptions::no_reuse_check",
        orders_list(orders)
    )]
    EarlierOrders {
        /// What is wrong with them.
        problem: EarlierProblem,
        /// The orders (no secrets).
        orders: Vec<RenewalOrder>,
    },
    /// The order was paid, but reading its status failed.
    #[error("order {order_id} was paid, but reading its status failed")]
    StatusUnknown {
        /// The order.
        order_id: OrderId,
        /// The cause.
        #[source]
        source: Error,
    },
}

/// Why an order was left unpaid ([`RenewError::OrderUnpaid`]): OVH certainly did not
/// take a payment.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UnpaidCause {
    /// An API call failed: OVH refused it (a 4xx), or it never left.
    #[error(transparent)]
    Api(Error),
    /// The real order's price (without tax) is not its dry run's (amount or currency).
    #[error("{}", price_changed(PriceStage::Order, expected, actual))]
    PriceChanged {
        /// The dry run's amount.
        expected: Amount,
        /// What the order asks.
        actual: Amount,
    },
    /// The real order's price cannot be compared (no currency, or beyond `i64`
    /// micro-cents).
    #[error(
        "{} cannot be checked: {reason}; the order was not paid",
        PriceStage::Order
    )]
    PriceUnreadable {
        /// Why it cannot be compared.
        reason: AmountError,
    },
    /// The requested registered payment mean is not available for this order.
    #[error(
        "{requested} is not available for this order (available: {})",
        list(available)
    )]
    PaymentMeanUnavailable {
        /// What was asked.
        requested: PaymentMean,
        /// What OVH lists.
        available: Vec<PaymentMean>,
    },
    /// The payment method cannot pay this order (`GET /me/order/{id}/paymentMethods`).
    #[error(
        "payment method {requested} cannot pay this order (GET /me/order/{{orderId}}/paymentMethods lists: {})",
        ids(allowed)
    )]
    PaymentMethodUnavailable {
        /// The payment method id.
        requested: u64,
        /// The ids OVH lists for the order.
        allowed: Vec<u64>,
    },
}

fn ids(ids: &[u64]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    ids.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn orders_list(orders: &[RenewalOrder]) -> String {
    orders
        .iter()
        .map(|o| {
            let period = o
                .period
                .as_ref()
                .map_or("period unknown".to_owned(), |p| p.to_string());
            format!(
                "order {} {} {} {period}",
                o.order_id, o.status, o.price_without_tax
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl fmt::Debug for RenewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            let hint = self.api_error().and_then(crate::error::ApiError::hint);
            return crate::error::write_report(f, self, hint.as_deref());
        }
        match self {
            RenewError::NothingOrdered { step, source } => f
                .debug_struct("NothingOrdered")
                .field("step", step)
                .field("source", source)
                .finish(),
            RenewError::Guarded { service_id, guard } => f
                .debug_struct("Guarded")
                .field("service_id", service_id)
                .field("guard", guard)
                .finish(),
            RenewError::Selection(e) => f.debug_tuple("Selection").field(e).finish(),
            RenewError::PriceChanged {
                stage,
                expected,
                actual,
            } => f
                .debug_struct("PriceChanged")
                .field("stage", stage)
                .field("expected", expected)
                .field("actual", actual)
                .finish(),
            RenewError::PriceUnreadable { stage, reason } => f
                .debug_struct("PriceUnreadable")
                .field("stage", stage)
                .field("reason", reason)
                .finish(),
            RenewError::OrderUncertain {
                attempted_at,
                service_id,
                period_months,
                source,
            } => f
                .debug_struct("OrderUncertain")
                .field("attempted_at", attempted_at)
                .field("service_id", service_id)
                .field("period_months", period_months)
                .field("source", source)
                .finish(),
            RenewError::OrderUnpaid {
                order_id,
                step,
                source,
            } => f
                .debug_struct("OrderUnpaid")
                .field("order_id", order_id)
                .field("step", step)
                .field("source", source)
                .finish(),
            RenewError::PaymentUncertain {
                order_id,
                attempted_at,
                source,
            } => f
                .debug_struct("PaymentUncertain")
                .field("order_id", order_id)
                .field("attempted_at", attempted_at)
                .field("source", source)
                .finish(),
            RenewError::EarlierOrders { problem, orders } => f
                .debug_struct("EarlierOrders")
                .field("problem", problem)
                .field("orders", orders)
                .finish(),
            RenewError::StatusUnknown { order_id, source } => f
                .debug_struct("StatusUnknown")
                .field("order_id", order_id)
                .field("source", source)
                .finish(),
        }
    }
}

impl RenewError {
    /// The OVH refusal behind this error, if it is one (for the hint of its report).
    fn api_error(&self) -> Option<&crate::error::ApiError> {
        match self {
            RenewError::NothingOrdered { source, .. }
            | RenewError::OrderUncertain { source, .. }
            | RenewError::PaymentUncertain { source, .. }
            | RenewError::StatusUnknown { source, .. }
            | RenewError::OrderUnpaid {
                source: UnpaidCause::Api(source),
                ..
            } => source.api(),
            _ => None,
        }
    }

    /// The id of the order this error leaves behind, if one was created.
    pub fn order_id(&self) -> Option<OrderId> {
        match self {
            RenewError::OrderUnpaid { order_id, .. }
            | RenewError::PaymentUncertain { order_id, .. }
            | RenewError::StatusUnknown { order_id, .. } => Some(*order_id),
            _ => None,
        }
    }

    /// `true` when nothing was ordered (safe to try again).
    pub fn nothing_ordered(&self) -> bool {
        match self {
            RenewError::NothingOrdered { .. }
            | RenewError::Selection(_)
            | RenewError::EarlierOrders { .. }
            | RenewError::Guarded { .. } => true,
            RenewError::PriceChanged { stage, .. } | RenewError::PriceUnreadable { stage, .. } => {
                stage.before_order()
            }
            _ => false,
        }
    }
}

fn price_changed(stage: PriceStage, expected: &Amount, actual: &Amount) -> String {
    if stage.before_order() {
        format!(
            "the price changed: {stage} is {actual}, not the approved {expected} (excluding tax; ucents {} vs {}); nothing was ordered",
            actual.ucents, expected.ucents
        )
    } else {
        format!(
            "{stage} is {actual}, not its dry run's {expected} (ucents {} vs {}); the order was not paid",
            actual.ucents, expected.ucents
        )
    }
}

fn rfc3339(t: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(t).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn list(means: &[PaymentMean]) -> String {
    if means.is_empty() {
        return "none".into();
    }
    means
        .iter()
        .map(PaymentMean::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The registered payment means OVH documents as needing a `paymentMeanId`
/// ("mandatory for bankAccount, creditCard and paypal").
fn needs_mean_id(mean: &PaymentMean) -> bool {
    matches!(
        mean,
        PaymentMean::BankAccount | PaymentMean::CreditCard | PaymentMean::Paypal
    )
}

/// What can be refused about the payment choice before anything is sent.
fn check_payment_choice(
    options: &RenewOptions,
    endpoint: Option<&crate::Endpoint>,
) -> Result<(), RenewError> {
    let refuse = |step, kind, text: String| RenewError::NothingOrdered {
        step,
        source: Error::refused(kind, text),
    };
    match &options.payment {
        None => Ok(()),
        // Paying needs an order: refuse rather than silently drop the payment.
        Some(_) if !options.order => Err(refuse(
            Step::Pay,
            RequestProblem::PaymentForDryRun,
            "a payment was given for a dry run: set order(true) to order and pay".into(),
        )),
        Some(PaymentChoice::Registered { .. }) if endpoint == Some(&crate::Endpoint::OvhUs) => {
            Err(refuse(
                Step::CheckPaymentMean,
                RequestProblem::PaymentChoice,
                "ovh-us deprecated payWithRegisteredPaymentMean in 2017 (its schema names POST /me/order/{orderId}/pay as the replacement): pay with a payment method instead, default or method:<id> (PaymentChoice::Default or PaymentChoice::Method)".into(),
            ))
        }
        Some(PaymentChoice::Registered { mean, id: None }) if needs_mean_id(mean) => Err(refuse(
            Step::CheckPaymentMean,
            RequestProblem::PaymentChoice,
            format!(
                "{mean} needs the id of the registered {mean} (OVH requires paymentMeanId for bankAccount, creditCard and paypal): pass it as {mean}:<id>"
            ),
        )),
        Some(PaymentChoice::Registered { mean, .. })
            if !mean.is_known() && !options.allow_unknown_payment_mean =>
        {
            Err(refuse(
                Step::CheckPaymentMean,
                RequestProblem::PaymentChoice,
                format!(
                    "{mean:?} is not a payment mean this crate knows (names are case-sensitive: paypal and PAYPAL differ); use a known one, or allow it with RenewOptions::allow_unknown_payment_mean(true)",
                    mean = mean.as_str()
                ),
            ))
        }
        Some(_) => Ok(()),
    }
}

/// The exact amount of `price`, or why it cannot be checked at `stage`.
fn amount_at(price: &crate::models::Price, stage: PriceStage) -> Result<Amount, RenewError> {
    price
        .amount()
        .map_err(|reason| RenewError::PriceUnreadable { stage, reason })
}

/// Runs the guide's flow (see the [module docs](self)). Works with any
/// [`ServiceRenewApi`], `&dyn` included.
///
/// Before anything is sent, the payment choice is checked (see [`Step::CheckPaymentMean`]
/// and [`RenewOptions::allow_unknown_payment_mean`]). Before ordering, the strategy's and
/// the dry run's prices must be the approved amount in the approved currency
/// ([`RenewOptions::approved_price`]); before paying, the real order's price without tax
/// must be its dry run's.
///
/// The real order is created at most once per call and never resent, and so is the
/// payment. If the order request fails without a usable answer, the error is
/// [`RenewError::OrderUncertain`]; if the payment request does, it is
/// [`RenewError::PaymentUncertain`]; if anything else fails after the order exists, the
/// error is [`RenewError::OrderUnpaid`] with the order id.
pub async fn renew<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &RenewOptions,
) -> Result<RenewReport, RenewError> {
    let before = |step| move |source| RenewError::NothingOrdered { step, source };
    check_payment_choice(options, api.api_endpoint())?;
    let mut steps = Vec::with_capacity(9);

    let service_id = match &options.service {
        ServiceRef::Id(id) => *id,
        ServiceRef::Named {
            product,
            service_name,
        } => {
            let infos = api
                .service_infos(product.as_route(), service_name)
                .await
                .map_err(before(Step::ResolveService))?;
            steps.push(Step::ResolveService);
            infos.service_id
        }
    };

    let view = api
        .service_view(service_id)
        .await
        .map_err(before(Step::CheckGuards))?;
    let debt = api
        .debt_balance()
        .await
        .map_err(before(Step::CheckGuards))?;
    if let Err(guard) = guards::check(&view, &debt, &options.guards) {
        return Err(RenewError::Guarded { service_id, guard });
    }
    steps.push(Step::CheckGuards);

    let choices = api
        .renew_descriptions(service_id, options.include_options)
        .await
        .map_err(before(Step::ReadChoices))?;
    steps.push(Step::ReadChoices);

    let selected = match &options.renewing {
        Renewing::Alone => strategy::select_single(&choices, &options.period, service_id)?,
        Renewing::Covering(services) => {
            strategy::cheapest_covering(&choices, &options.period, services)?
        }
        Renewing::Exactly(services) => {
            strategy::select_exactly(&choices, &options.period, services)?
        }
    };
    steps.push(Step::Select);
    let (period, chosen) = (selected.period.clone(), selected.strategy.clone());
    let offered = amount_at(&chosen.price, PriceStage::Strategy)?;
    let approved = options.approved_price.clone().unwrap_or(offered.clone());
    if offered != approved {
        return Err(RenewError::PriceChanged {
            stage: PriceStage::Strategy,
            expected: approved,
            actual: offered,
        });
    }

    let dry_run = api
        .create_renew_order(service_id, &selected.dry_run())
        .await
        .map_err(before(Step::DryRun))?;
    steps.push(Step::DryRun);
    let quoted = amount_at(&dry_run.price_without_tax, PriceStage::DryRun)?;
    if quoted != approved {
        return Err(RenewError::PriceChanged {
            stage: PriceStage::DryRun,
            expected: approved,
            actual: quoted,
        });
    }

    // The real order's request is built now: `selected` borrows the choices the report takes.
    let order_request: RenewRequest = selected.order();
    let mut report = RenewReport {
        service_id,
        choices,
        period,
        strategy: chosen,
        dry_run,
        outcome: RenewOutcome::DryRunOnly,
        steps,
        earlier: None,
        payment_method: None,
        delivery: None,
        bill: None,
        bill_error: None,
    };
    if !options.order {
        return Ok(report);
    }

    // What can be checked about the payment before ordering.
    let method = check_payment_method(api, options.payment.as_ref()).await?;

    // An earlier renewal order of the service: reuse it, or stop.
    let order = match earlier_decision(api, options, &approved, &report.period).await? {
        Decision::Refuse(problem, orders) => {
            return Err(RenewError::EarlierOrders { problem, orders });
        }
        Decision::AlreadyRenewed(found) => {
            let Found { summary, .. } = *found;
            report.steps.push(Step::FindEarlierOrders);
            report.outcome = RenewOutcome::AlreadyRenewed {
                order_id: summary.order_id,
                status: summary.status.clone(),
            };
            if summary.status == OrderStatus::Delivered {
                read_bill(api, summary.order_id, &mut report).await;
            }
            report.earlier = Some(summary);
            return Ok(report);
        }
        Decision::Reuse(found) => {
            let Found { summary, order } = *found;
            report.steps.push(Step::FindEarlierOrders);
            report.earlier = Some(summary);
            order
        }
        Decision::Order => {
            if options.reuse_window.is_some() {
                report.steps.push(Step::FindEarlierOrders);
            }
            let attempted_at = SystemTime::now();
            let order = match api.create_renew_order(service_id, &order_request).await {
                Ok(order) => order,
                Err(source) => {
                    return Err(order_failure(
                        source,
                        attempted_at,
                        service_id,
                        months(&report.period),
                    ));
                }
            };
            if order.order_id == OrderId(0) {
                // Never "order 0 was created": OVH answered, but without an id we can use.
                return Err(RenewError::OrderUncertain {
                    attempted_at,
                    service_id,
                    period_months: months(&report.period),
                    source: missing_order_id(),
                });
            }
            report.steps.push(Step::Order);
            order
        }
    };
    let order_id = order.order_id;
    let unpaid = |step, source| RenewError::OrderUnpaid {
        order_id,
        step,
        source,
    };
    match order.price_without_tax.amount() {
        Err(reason) => {
            return Err(unpaid(
                Step::CheckOrderPrice,
                UnpaidCause::PriceUnreadable { reason },
            ));
        }
        Ok(billed) if billed != quoted => {
            let cause = UnpaidCause::PriceChanged {
                expected: quoted,
                actual: billed,
            };
            return Err(unpaid(Step::CheckOrderPrice, cause));
        }
        Ok(_) => report.steps.push(Step::CheckOrderPrice),
    }

    let mut payment = None;
    if let Some(choice) = &options.payment {
        let paid = match (choice, &method) {
            (PaymentChoice::Registered { mean, id }, _) => {
                let available = api
                    .available_registered_payment_means(order_id)
                    .await
                    .map_err(|e| unpaid(Step::CheckPaymentMean, UnpaidCause::Api(e)))?;
                report.steps.push(Step::CheckPaymentMean);
                if !available.contains(mean) {
                    let cause = UnpaidCause::PaymentMeanUnavailable {
                        requested: mean.clone(),
                        available: available.clone(),
                    };
                    return Err(unpaid(Step::CheckPaymentMean, cause));
                }
                let attempted_at = SystemTime::now();
                api.pay_with_registered_payment_mean(order_id, mean.clone(), *id)
                    .await
                    .map_err(|e| payment_failure(order_id, e, attempted_at))
                    .map(|()| Payment::Registered {
                        mean: mean.clone(),
                        id: *id,
                        available,
                    })
            }
            (_, Some(method)) => {
                let id = method.payment_method_id;
                let usable = api
                    .order_payment_methods(order_id)
                    .await
                    .map_err(|e| unpaid(Step::CheckPaymentMean, UnpaidCause::Api(e)))?;
                if !usable.allows(id) {
                    let mut allowed = usable.registered.clone();
                    allowed.extend(usable.payment_methods.iter().map(|m| m.payment_method_id));
                    allowed.sort_unstable();
                    allowed.dedup();
                    let cause = UnpaidCause::PaymentMethodUnavailable {
                        requested: id,
                        allowed,
                    };
                    return Err(unpaid(Step::CheckPaymentMean, cause));
                }
                report.steps.push(Step::CheckPaymentMean);
                report.payment_method = Some(method.clone());
                let attempted_at = SystemTime::now();
                let made = if matches!(choice, PaymentChoice::Default) {
                    Payment::Default(id)
                } else {
                    Payment::Method(id)
                };
                api.pay_with_payment_method(order_id, id)
                    .await
                    .map_err(|e| payment_failure(order_id, e, attempted_at))
                    .map(|()| made)
            }
            (_, None) => {
                // Unreachable: `check_payment_method` resolves every method choice.
                return Err(unpaid(
                    Step::CheckPaymentMean,
                    UnpaidCause::Api(Error::refused(
                        RequestProblem::PaymentChoice,
                        format!("{choice} was not resolved to a payment method"),
                    )),
                ));
            }
        };
        payment = Some(paid?);
        report.steps.push(Step::Pay);
    }

    let status = match api.order_status(order_id).await {
        Ok(status) => status,
        Err(source) if payment.is_some() => {
            return Err(RenewError::StatusUnknown { order_id, source });
        }
        Err(source) => return Err(unpaid(Step::ReadStatus, UnpaidCause::Api(source))),
    };
    report.steps.push(Step::ReadStatus);
    let Some(payment) = payment else {
        report.outcome = RenewOutcome::Ordered { order, status };
        return Ok(report);
    };
    let mut last = status;
    if let Some(wait) = &options.wait {
        let delivery = delivery::wait(api, order_id, last.clone(), wait).await;
        last = delivery.status.clone();
        report.delivery = Some(delivery);
        report.steps.push(Step::WaitDelivery);
    }
    if last == OrderStatus::Delivered {
        read_bill(api, order_id, &mut report).await;
    }
    report.outcome = RenewOutcome::Paid {
        order,
        payment,
        status: last,
    };
    Ok(report)
}

/// Reads the invoice of a delivered order into the report (an error is kept as text: the
/// order is paid and delivered whatever the invoice call answers).
async fn read_bill<A: ServiceRenewApi + ?Sized>(
    api: &A,
    order_id: OrderId,
    report: &mut RenewReport,
) {
    match delivery::bill(api, order_id).await {
        Ok(bill) => {
            report.bill = bill;
            report.steps.push(Step::ReadBill);
        }
        Err(e) => report.bill_error = Some(e),
    }
}

/// For [`PaymentChoice::Method`] and [`PaymentChoice::Default`], before ordering: the
/// payment method, listed by the account and `VALID` (else nothing is ordered).
async fn check_payment_method<A: ServiceRenewApi + ?Sized>(
    api: &A,
    choice: Option<&PaymentChoice>,
) -> Result<Option<PaymentMethod>, RenewError> {
    let before = |source| RenewError::NothingOrdered {
        step: Step::CheckPaymentMean,
        source,
    };
    let refuse = |text: String| before(Error::refused(RequestProblem::PaymentChoice, text));
    let id = match choice {
        Some(PaymentChoice::Method(method_id)) => {
            // The id must be one of the account's payment methods.
            let methods = api.payment_methods().await.map_err(before)?;
            if !methods.contains(method_id) {
                return Err(refuse(format!(
                    "payment method {method_id} is not one of the account's payment methods (GET /me/payment/method lists: {})",
                    ids(&methods)
                )));
            }
            *method_id
        }
        Some(PaymentChoice::Default) => {
            let defaults = api
                .payment_methods_matching(PaymentMethodFilter::all().default_only())
                .await
                .map_err(before)?;
            match defaults.as_slice() {
                [] => {
                    return Err(refuse(
                        "the account has no default payment method (GET /me/payment/method?default=true lists none): set one in the control panel, or pay with method:<id>".into(),
                    ));
                }
                [one] => *one,
                several => {
                    return Err(refuse(format!(
                        "the account lists several default payment methods ({}): pay with method:<id>",
                        ids(several)
                    )));
                }
            }
        }
        _ => return Ok(None),
    };
    let method = api.payment_method(id).await.map_err(before)?;
    if !method.is_valid() {
        let label = method.label.as_deref().unwrap_or("no label");
        return Err(refuse(format!(
            "payment method {id} ({} {label}) is {}, not VALID: it cannot pay; choose a VALID one (GET /me/payment/method?status=VALID)",
            method.payment_type, method.status
        )));
    }
    Ok(Some(method))
}

/// What to do about earlier renewal orders of the service (see [`renew`]).
async fn earlier_decision<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &RenewOptions,
    approved: &Amount,
    period: &RenewPeriod,
) -> Result<Decision, RenewError> {
    let before = |source| RenewError::NothingOrdered {
        step: Step::FindEarlierOrders,
        source,
    };
    if options.pay_order.is_none() && options.reuse_window.is_none() {
        return Ok(Decision::Order);
    }
    let name = recovery::service_name(api, &options.service)
        .await
        .map_err(before)?;
    if let Some(order_id) = options.pay_order {
        let Some(found) = recovery::examine(api, order_id, &name)
            .await
            .map_err(before)?
        else {
            return Ok(Decision::Refuse(EarlierProblem::NotARenewal, Vec::new()));
        };
        if matches!(
            found.summary.status,
            OrderStatus::Cancelled | OrderStatus::Cancelling
        ) {
            return Ok(Decision::Refuse(
                EarlierProblem::Cancelled,
                vec![found.summary],
            ));
        }
        return Ok(recovery::decide(vec![found], approved, period));
    }
    let window = options.reuse_window.unwrap_or(DEFAULT_REUSE_WINDOW);
    let window = chrono::TimeDelta::from_std(window).unwrap_or(chrono::TimeDelta::MAX);
    let since = chrono::Utc::now()
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let mut found = recovery::find(api, &name, since).await.map_err(before)?;
    found.retain(|f| !options.ignore_orders.contains(&f.summary.order_id));
    Ok(recovery::decide(found, approved, period))
}

/// `true` when OVH certainly did not act on the request: it answered with a 4xx (a
/// refusal), or the request never left (`!may_have_been_processed()`).
fn certainly_refused(source: &Error) -> bool {
    source.status().is_some_and(|s| (400..500).contains(&s)) || !source.may_have_been_processed()
}

/// Classifies a failed order request: refused by OVH (nothing ordered), never sent
/// (nothing ordered), or unknown.
fn order_failure(
    source: Error,
    attempted_at: SystemTime,
    service_id: ServiceId,
    period_months: Option<std::num::NonZeroU32>,
) -> RenewError {
    if certainly_refused(&source) {
        RenewError::NothingOrdered {
            step: Step::Order,
            source,
        }
    } else {
        RenewError::OrderUncertain {
            attempted_at,
            service_id,
            period_months,
            source,
        }
    }
}

/// Classifies a failed payment request: refused by OVH or never sent (unpaid), or
/// unknown (5xx, 3xx, lost answer, undecodable answer: the payment may have been taken).
fn payment_failure(order_id: OrderId, source: Error, attempted_at: SystemTime) -> RenewError {
    if certainly_refused(&source) {
        RenewError::OrderUnpaid {
            order_id,
            step: Step::Pay,
            source: UnpaidCause::Api(source),
        }
    } else {
        RenewError::PaymentUncertain {
            order_id,
            attempted_at,
            source,
        }
    }
}

/// The month count of `period`, as [`RenewError::OrderUncertain`] keeps it.
fn months(period: &RenewPeriod) -> Option<std::num::NonZeroU32> {
    period.months().and_then(std::num::NonZeroU32::new)
}

/// The error for a real order answered without a usable `orderId` (missing, `null` or 0).
fn missing_order_id() -> Error {
    use serde::de::Error as _;
    Error::Decode(Box::new(crate::error::DecodeError {
        method: "POST".into(),
        route: "/service/{serviceId}/renew".into(),
        status: 200,
        field: "orderId".into(),
        query_id: None,
        source: serde_json::Error::custom(
            "the real order's answer has no usable orderId (missing, null or 0)",
        ),
    }))
}
