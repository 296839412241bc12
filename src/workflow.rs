//! The guide's renewal flow in one call, with the safety rules money needs.
//!
//! [`renew`] resolves the service id, reads the renewal choices, selects the strategy,
//! **always** prices it with a dry-run order first, then (only when asked) creates the real
//! order — at most once, never resent — pays it if a payment choice is given, and reads the
//! order status. It returns a [`RenewReport`] with every step's outcome, or a
//! [`RenewError`] that says exactly where things stand: nothing ordered, an order that
//! may or may not exist, or an order that exists and is unpaid (with its id).
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ovh_renew::workflow::{renew, PaymentChoice, RenewOptions, ServiceRef};
//! use ovh_renew::{OvhClient, PaymentMean};
//!
//! let client = OvhClient::from_env()?;
//! let options = RenewOptions::new(ServiceRef::named("vps", "vps-0baa4fcf.vps.ovh.net"), "P3M".parse()?)
//!     .order(true)
//!     .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
//! let report = renew(&client, &options).await?;
//! println!("dry run: {} without tax", report.dry_run.price_without_tax.ucents());
//! if let Some(order) = &report.order {
//!     println!("order {} is {:?}", order.order_id, report.status);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::error::Error;
use crate::models::{
    Order, OrderId, OrderStatus, PaymentMean, RenewDescription, RenewPeriod, RenewRequest,
    RenewStrategy, ServiceId,
};
use crate::strategy::{self, SelectionError};

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
        product: String,
        /// Service name (one path segment).
        service_name: String,
    },
}

impl ServiceRef {
    /// A service by product and name.
    pub fn named(product: impl Into<String>, service_name: impl Into<String>) -> Self {
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
    /// `POST /me/order/{id}/pay` with a payment method id from `GET /me/payment/method`.
    Method(u64),
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
        }
    }
}

/// Why a payment choice text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid payment choice {0:?}: expected <mean>[:<id>] (e.g. paypal:1234, fidelityAccount) or method:<id>"
)]
pub struct ParsePaymentChoiceError(String);

impl FromStr for PaymentChoice {
    type Err = ParsePaymentChoiceError;

    /// `<mean>[:<id>]` for a registered payment mean (`paypal:1234`, `fidelityAccount`), or
    /// `method:<id>` for a payment method.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ParsePaymentChoiceError(s.to_owned());
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
    /// Refuse to order if the selected strategy's exact price (ucents, excluding tax)
    /// differs from this, e.g. the price a human approved in a plan.
    pub expected_ucents: Option<i64>,
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
            expected_ucents: None,
        }
    }

    /// Renew the cheapest strategy covering these services instead of the service alone.
    /// Options and linked services are only offered with `include_options`, which this
    /// turns on.
    pub fn covering(mut self, services: Vec<ServiceId>) -> Self {
        self.renewing = Renewing::Covering(services);
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

    /// Sets [`RenewOptions::expected_ucents`].
    pub fn expect_ucents(mut self, ucents: i64) -> Self {
        self.expected_ucents = Some(ucents);
        self
    }
}

/// The steps of the flow, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Step {
    /// `GET /{product}/{serviceName}/serviceInfos`.
    ResolveService,
    /// `GET /service/{serviceId}/renew`.
    ReadChoices,
    /// Choosing the strategy.
    Select,
    /// `POST /service/{serviceId}/renew` with `dryRun: true`.
    DryRun,
    /// `POST /service/{serviceId}/renew` with `dryRun: false`.
    Order,
    /// `GET /me/order/{orderId}/availableRegisteredPaymentMean`.
    CheckPaymentMean,
    /// Paying the order.
    Pay,
    /// `GET /me/order/{orderId}/status`.
    ReadStatus,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Step::ResolveService => "reading the service id",
            Step::ReadChoices => "reading the renewal choices",
            Step::Select => "selecting the strategy",
            Step::DryRun => "pricing the dry-run order",
            Step::Order => "creating the order",
            Step::CheckPaymentMean => "checking the payment mean",
            Step::Pay => "paying the order",
            Step::ReadStatus => "reading the order status",
        })
    }
}

/// What [`renew`] did, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// The real order, when one was created.
    pub order: Option<Order>,
    /// The payment made, when one was.
    pub payment: Option<PaymentChoice>,
    /// Payment means OVH listed for the order, when checked.
    pub available_payment_means: Option<Vec<PaymentMean>>,
    /// The order status read at the end, when an order exists.
    pub status: Option<OrderStatus>,
    /// The steps completed, in order.
    pub steps: Vec<Step>,
}

/// Why [`renew`] stopped, and where that leaves the account.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenewError {
    /// A step before the order failed: **nothing was ordered**.
    #[error("{step} failed; nothing was ordered: {source}")]
    NothingOrdered {
        /// The failing step.
        step: Step,
        /// The cause.
        #[source]
        source: Error,
    },
    /// No strategy fits the request: **nothing was ordered**.
    #[error("no matching renewal strategy; nothing was ordered: {0}")]
    Selection(#[from] SelectionError),
    /// The selected strategy's price is not the expected one: **nothing was ordered**.
    #[error(
        "the price changed: expected {expected} ucents, OVH now asks {actual} ucents (excluding tax); nothing was ordered"
    )]
    PriceChanged {
        /// What was expected.
        expected: i64,
        /// What OVH offers now.
        actual: i64,
    },
    /// The order request failed in a way that leaves it unknown whether OVH created the
    /// order. It was **not** resent.
    #[error(
        "creating the order failed and the order may or may not exist: check GET /me/order for orders created since {} before trying again: {source}",
        rfc3339(*attempted_at)
    )]
    OrderUncertain {
        /// When the order request was sent.
        attempted_at: SystemTime,
        /// The cause.
        #[source]
        source: Error,
    },
    /// The order exists and is **unpaid**: a later step failed.
    #[error(
        "order {order_id} was created but is unpaid: {step} failed: {source}; pay it, or let it expire unpaid"
    )]
    OrderUnpaid {
        /// The order.
        order_id: OrderId,
        /// The failing step.
        step: Step,
        /// The cause.
        #[source]
        source: Box<RenewError>,
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
    /// The order was paid, but reading its status failed.
    #[error("order {order_id} was paid, but reading its status failed: {source}")]
    StatusUnknown {
        /// The order.
        order_id: OrderId,
        /// The cause.
        #[source]
        source: Error,
    },
    /// An API call failed (used as the cause inside [`RenewError::OrderUnpaid`]).
    #[error(transparent)]
    Api(Error),
}

impl RenewError {
    /// The id of the order this error leaves behind, if one was created.
    pub fn order_id(&self) -> Option<OrderId> {
        match self {
            RenewError::OrderUnpaid { order_id, .. }
            | RenewError::StatusUnknown { order_id, .. } => Some(*order_id),
            _ => None,
        }
    }

    /// `true` when nothing was ordered (safe to try again).
    pub fn nothing_ordered(&self) -> bool {
        matches!(
            self,
            RenewError::NothingOrdered { .. }
                | RenewError::Selection(_)
                | RenewError::PriceChanged { .. }
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

/// Runs the guide's flow (see the [module docs](self)). Works with any
/// [`ServiceRenewApi`], `&dyn` included.
///
/// The real order is created at most once per call and never resent. If the order
/// request fails without an answer, the error is [`RenewError::OrderUncertain`]; if
/// anything fails after the order exists, the error is [`RenewError::OrderUnpaid`] with
/// the order id.
pub async fn renew<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &RenewOptions,
) -> Result<RenewReport, RenewError> {
    let before = |step| move |source| RenewError::NothingOrdered { step, source };
    if options.payment.is_some() && !options.order {
        // Paying needs an order: refuse rather than silently drop the payment.
        return Err(before(Step::Pay)(Error::InvalidRequest(
            "a payment was given for a dry run: set order(true) to order and pay".into(),
        )));
    }
    let mut steps = Vec::with_capacity(8);

    let service_id = match &options.service {
        ServiceRef::Id(id) => *id,
        ServiceRef::Named {
            product,
            service_name,
        } => {
            let infos = api
                .service_infos(product, service_name)
                .await
                .map_err(before(Step::ResolveService))?;
            steps.push(Step::ResolveService);
            infos.service_id
        }
    };

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
    };
    steps.push(Step::Select);
    let (period, chosen) = (selected.period.clone(), selected.strategy.clone());
    if let Some(expected) = options.expected_ucents {
        let actual = chosen.price.ucents();
        if actual != expected {
            return Err(RenewError::PriceChanged { expected, actual });
        }
    }

    let dry_run = api
        .create_renew_order(service_id, &selected.dry_run())
        .await
        .map_err(before(Step::DryRun))?;
    steps.push(Step::DryRun);

    let mut report = RenewReport {
        service_id,
        choices: Vec::new(),
        period,
        strategy: chosen,
        dry_run,
        order: None,
        payment: None,
        available_payment_means: None,
        status: None,
        steps,
    };
    if !options.order {
        report.choices = choices;
        return Ok(report);
    }

    let order_request: RenewRequest = selected.order();
    let attempted_at = SystemTime::now();
    let order = match api.create_renew_order(service_id, &order_request).await {
        Ok(order) => order,
        Err(source) => return Err(order_failure(source, attempted_at)),
    };
    report.choices = choices;
    report.steps.push(Step::Order);
    let order_id = order.order_id;
    report.order = Some(order);
    let unpaid = |step, source| RenewError::OrderUnpaid {
        order_id,
        step,
        source: Box::new(source),
    };

    if let Some(choice) = &options.payment {
        match choice {
            PaymentChoice::Registered { mean, id } => {
                let available = api
                    .available_registered_payment_means(order_id)
                    .await
                    .map_err(|e| unpaid(Step::CheckPaymentMean, RenewError::Api(e)))?;
                report.steps.push(Step::CheckPaymentMean);
                if !available.contains(mean) {
                    let cause = RenewError::PaymentMeanUnavailable {
                        requested: mean.clone(),
                        available: available.clone(),
                    };
                    return Err(unpaid(Step::CheckPaymentMean, cause));
                }
                report.available_payment_means = Some(available);
                api.pay_with_registered_payment_mean(order_id, mean.clone(), *id)
                    .await
                    .map_err(|e| unpaid(Step::Pay, RenewError::Api(e)))?;
            }
            PaymentChoice::Method(method_id) => {
                api.pay_with_payment_method(order_id, *method_id)
                    .await
                    .map_err(|e| unpaid(Step::Pay, RenewError::Api(e)))?;
            }
        }
        report.steps.push(Step::Pay);
        report.payment = Some(choice.clone());
    }

    match api.order_status(order_id).await {
        Ok(status) => {
            report.status = Some(status);
            report.steps.push(Step::ReadStatus);
            Ok(report)
        }
        Err(source) if report.payment.is_some() => {
            Err(RenewError::StatusUnknown { order_id, source })
        }
        Err(source) => Err(unpaid(Step::ReadStatus, RenewError::Api(source))),
    }
}

/// Classifies a failed order request: refused by OVH (nothing ordered), never sent
/// (nothing ordered), or unknown.
fn order_failure(source: Error, attempted_at: SystemTime) -> RenewError {
    let refused = source.status().is_some_and(|s| (400..500).contains(&s));
    if refused || !source.may_have_been_processed() {
        RenewError::NothingOrdered {
            step: Step::Order,
            source,
        }
    } else {
        RenewError::OrderUncertain {
            attempted_at,
            source,
        }
    }
}
