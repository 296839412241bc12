//! The expiry planner: what must be renewed soon, and what it will cost.
//!
//! [`plan`] reads every service (`GET /service`, then `GET /service/{id}`) or a given
//! list, keeps those expiring within a horizon that are not on automatic renewal, reads
//! their renewal choices and picks, for each, the single-service strategy for the
//! requested period (or the best price per month). A service listed twice (in
//! [`PlanOptions::services`] or by `GET /service`) is examined once. Requests run with
//! bounded concurrency; a failure for one service is recorded in its line and never stops
//! the others. The [`Plan`] serializes to JSON for approval (it holds prices and
//! services, no order, so no order password or URL); [`execute_plan`] then orders (and
//! optionally pays) each line with the [`workflow`]'s safety rules, refusing any line
//! whose price or currency changed since the plan was made, and skipping any line whose
//! services an earlier line of the same run has (or may have) already ordered.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ovh_renew::planner::{plan, PeriodChoice, PlanOptions};
//! let client = ovh_renew::OvhClient::from_env()?;
//! let options = PlanOptions::new(PeriodChoice::Fixed("P1Y".parse()?)).within_days(30);
//! let plan = plan(&client, &options, None).await?;
//! for total in &plan.totals {
//!     println!("{}: {} ucents over {} services", total.currency_text(), total.ucents, total.lines);
//! }
//! println!("{}", serde_json::to_string_pretty(&plan)?);
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::NaiveDate;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::error::Error;
use crate::models::{
    CurrencyCode, OrderId, RenewMode, RenewPeriod, RenewStrategy, Service, ServiceId,
};
use crate::strategy;
use crate::workflow::{
    self, PaymentChoice, PriceStage, RenewError, RenewOptions, RenewReport, ServiceRef,
};

/// Which period to plan for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PeriodChoice {
    /// This period (`P1Y` matches an offered `P12M`).
    Fixed(RenewPeriod),
    /// The single-service strategy with the lowest price per month, any period.
    BestMonthly,
}

/// Settings of [`plan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanOptions {
    /// The period to plan for.
    pub period: PeriodChoice,
    /// Keep services expiring within this many days from `today` (default 30). Services
    /// already expired are kept too.
    pub within_days: u32,
    /// Requests in flight at once (default 8, at least 1).
    pub concurrency: usize,
    /// Only these services (default: every service of the account, from `GET /service`).
    /// Repeated ids are examined once.
    pub services: Option<Vec<ServiceId>>,
    /// Keep services on automatic renewal too (default `false`).
    pub include_automatic: bool,
    /// The reference day (default: today, UTC).
    pub today: Option<NaiveDate>,
}

impl PlanOptions {
    /// Defaults: 30 days, concurrency 8, every service, automatic renewals left out.
    pub fn new(period: PeriodChoice) -> Self {
        PlanOptions {
            period,
            within_days: 30,
            concurrency: 8,
            services: None,
            include_automatic: false,
            today: None,
        }
    }

    /// Sets [`PlanOptions::within_days`].
    pub fn within_days(mut self, days: u32) -> Self {
        self.within_days = days;
        self
    }

    /// Sets [`PlanOptions::concurrency`].
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// Sets [`PlanOptions::services`].
    pub fn services(mut self, ids: Vec<ServiceId>) -> Self {
        self.services = Some(ids);
        self
    }

    /// Sets [`PlanOptions::include_automatic`].
    pub fn include_automatic(mut self, yes: bool) -> Self {
        self.include_automatic = yes;
        self
    }

    /// Sets [`PlanOptions::today`].
    pub fn today(mut self, day: NaiveDate) -> Self {
        self.today = Some(day);
        self
    }
}

/// Progress of [`plan`]: services examined so far, out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Services done.
    pub done: usize,
    /// Services to examine.
    pub total: usize,
}

/// A plan: what to renew, at what price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan {
    /// The reference day.
    pub today: NaiveDate,
    /// The horizon in days.
    pub within_days: u32,
    /// The period planned for.
    pub period: PeriodChoice,
    /// One line per service to renew (or that failed), by expiry date then id.
    pub lines: Vec<PlanLine>,
    /// Services left out, and why.
    pub skipped: Vec<Skipped>,
    /// Totals of the ready lines, per currency (never summed across currencies).
    pub totals: Vec<CurrencyTotal>,
}

impl Plan {
    /// Lines whose strategy was chosen.
    pub fn ready(&self) -> impl Iterator<Item = &PlanLine> {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, PlanOutcome::Ready { .. }))
    }

    /// Lines that failed.
    pub fn failed(&self) -> impl Iterator<Item = &PlanLine> {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, PlanOutcome::Failed(_)))
    }
}

/// One service in a [`Plan`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanLine {
    /// The service.
    pub service_id: ServiceId,
    /// Its display name (or name), when known.
    pub name: Option<String>,
    /// Its API route, e.g. `/vps/{serviceName}`, when known.
    pub route: Option<String>,
    /// Its expiry date, when known.
    pub expiration_date: Option<NaiveDate>,
    /// The chosen strategy, or why there is none.
    pub outcome: PlanOutcome,
}

/// The outcome of one [`PlanLine`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PlanOutcome {
    /// Ready to order.
    Ready {
        /// The offered period, with OVH's own text.
        period: RenewPeriod,
        /// The chosen strategy; `strategy.price.ucents()` is the exact price excluding tax.
        strategy: RenewStrategy,
    },
    /// Planning this service failed.
    Failed(LineFailure),
}

/// What [`plan`] was doing for a service when its line failed ([`LineFailure::step`]).
///
/// In JSON: `"service"`, `"choices"` or `"select"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum PlanStep {
    /// `GET /service/{serviceId}`.
    Service,
    /// `GET /service/{serviceId}/renew`.
    Choices,
    /// Choosing the strategy (no strategy fits, or its price has no exact amount).
    Select,
}

impl PlanStep {
    /// The JSON text: `service`, `choices` or `select`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanStep::Service => "service",
            PlanStep::Choices => "choices",
            PlanStep::Select => "select",
        }
    }
}

impl std::fmt::Display for PlanStep {
    /// Its JSON text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a plan line failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineFailure {
    /// What was being done.
    pub step: PlanStep,
    /// The error, in words.
    pub message: String,
    /// HTTP status, for API errors.
    pub status: Option<u16>,
    /// OVH query id, for API errors.
    pub query_id: Option<String>,
}

impl LineFailure {
    fn api(step: PlanStep, e: &Error) -> Self {
        LineFailure {
            step,
            message: e.to_string(),
            status: e.status(),
            query_id: e.query_id().map(str::to_owned),
        }
    }
}

/// A service left out of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skipped {
    /// The service.
    pub service_id: ServiceId,
    /// Why.
    pub reason: SkipReason,
}

/// Why [`plan`] left a service out ([`Skipped::reason`]). Its JSON is its
/// [`Display`](std::fmt::Display) text, e.g. `"automatic renewal"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SkipReason {
    /// OVH has no expiry date for it.
    #[serde(rename = "no expiry date")]
    NoExpiryDate,
    /// It expires after the horizon ([`PlanOptions::within_days`]).
    #[serde(rename = "not expiring within the horizon")]
    NotExpiringSoon,
    /// It renews automatically (see [`PlanOptions::include_automatic`]).
    #[serde(rename = "automatic renewal")]
    AutomaticRenewal,
    /// An option, renewed with its parent service (renew mode `option`).
    #[serde(rename = "renewed with its parent service")]
    RenewedWithParent,
}

impl SkipReason {
    /// The text of its JSON and `Display`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoExpiryDate => "no expiry date",
            SkipReason::NotExpiringSoon => "not expiring within the horizon",
            SkipReason::AutomaticRenewal => "automatic renewal",
            SkipReason::RenewedWithParent => "renewed with its parent service",
        }
    }
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sum of ready lines in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CurrencyTotal {
    /// The currency; `None` for the lines whose price had no currency code. In JSON the
    /// code's text (`"EUR"`, `"points"`, …), `"unknown"` for `None`.
    #[serde(with = "total_currency")]
    pub currency: Option<CurrencyCode>,
    /// Exact sum in micro-cents, excluding tax. An `i128`: the sum of any number of `i64`
    /// prices fits, so it never saturates nor wraps (a line whose price has no exact `i64`
    /// amount is a [`PlanOutcome::Failed`] line, never summed). In JSON it is a plain
    /// integer, which may exceed 2⁶³ − 1.
    pub ucents: i128,
    /// Lines summed.
    pub lines: usize,
}

impl CurrencyTotal {
    /// The currency's text, as in JSON: the code (`EUR`, `points`, …), or `unknown` for
    /// the lines whose price had no currency code.
    pub fn currency_text(&self) -> &str {
        self.currency
            .as_ref()
            .map_or(total_currency::UNKNOWN, CurrencyCode::as_str)
    }
}

/// [`CurrencyTotal::currency`] as text, `"unknown"` for `None`.
mod total_currency {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::models::CurrencyCode;

    /// The JSON text of the lines without a currency code.
    pub(super) const UNKNOWN: &str = "unknown";

    pub(super) fn serialize<S: Serializer>(
        currency: &Option<CurrencyCode>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(currency.as_ref().map_or(UNKNOWN, CurrencyCode::as_str))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<CurrencyCode>, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok((text != UNKNOWN).then(|| CurrencyCode::from(text)))
    }
}

enum Examined {
    /// Boxed: a line is far larger than a skip.
    Line(Box<PlanLine>),
    Skip(Skipped),
}

/// Builds a plan (see the [module docs](self)). Fails only if the service list itself
/// cannot be read; every per-service failure is a [`PlanOutcome::Failed`] line.
///
/// `progress`, if given, is called after each service with done/total.
pub async fn plan<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &PlanOptions,
    progress: Option<&(dyn Fn(Progress) + Send + Sync)>,
) -> Result<Plan, Error> {
    let mut ids = match &options.services {
        Some(ids) => ids.clone(),
        None => api.list_services().await?,
    };
    // A service listed twice is examined (and later ordered) once.
    let mut seen = std::collections::BTreeSet::new();
    ids.retain(|id| seen.insert(*id));
    let today = options
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let horizon = today
        .checked_add_days(chrono::Days::new(u64::from(options.within_days)))
        .unwrap_or(NaiveDate::MAX);
    let total = ids.len();
    let done = AtomicUsize::new(0);
    let done = &done;
    let examined: Vec<Examined> = stream::iter(ids)
        .map(|id| async move {
            let out = examine(api, options, id, horizon).await;
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(cb) = progress {
                cb(Progress { done: n, total });
            }
            out
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;

    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for e in examined {
        match e {
            Examined::Line(l) => lines.push(*l),
            Examined::Skip(s) => skipped.push(s),
        }
    }
    lines.sort_by_key(|l| (l.expiration_date, l.service_id));
    skipped.sort_by_key(|s| s.service_id);
    let totals = totals(&lines);
    Ok(Plan {
        today,
        within_days: options.within_days,
        period: options.period.clone(),
        lines,
        skipped,
        totals,
    })
}

fn is_automatic(service: &Service) -> bool {
    service
        .renew
        .as_ref()
        .is_some_and(|r| r.mode.as_str().starts_with("automatic"))
}

async fn examine<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &PlanOptions,
    id: ServiceId,
    horizon: NaiveDate,
) -> Examined {
    let failed = |failure: LineFailure, service: Option<&Service>| {
        Examined::Line(Box::new(PlanLine {
            service_id: id,
            name: service.and_then(display_name),
            route: service.and_then(|s| s.route.path.clone()),
            expiration_date: service.and_then(|s| s.expiration_date),
            outcome: PlanOutcome::Failed(failure),
        }))
    };
    let service = match api.service(id).await {
        Ok(s) => s,
        Err(e) => return failed(LineFailure::api(PlanStep::Service, &e), None),
    };
    let skip = |reason| {
        Examined::Skip(Skipped {
            service_id: id,
            reason,
        })
    };
    let Some(expiration) = service.expiration_date else {
        return skip(SkipReason::NoExpiryDate);
    };
    if expiration > horizon {
        return skip(SkipReason::NotExpiringSoon);
    }
    if !options.include_automatic && is_automatic(&service) {
        return skip(SkipReason::AutomaticRenewal);
    }
    if service
        .renew
        .as_ref()
        .is_some_and(|r| r.mode == RenewMode::Option)
    {
        return skip(SkipReason::RenewedWithParent);
    }
    let choices = match api.renew_descriptions(id, false).await {
        Ok(c) => c,
        Err(e) => return failed(LineFailure::api(PlanStep::Choices, &e), Some(&service)),
    };
    let selected = match &options.period {
        PeriodChoice::Fixed(p) => strategy::select_single(&choices, p, id),
        PeriodChoice::BestMonthly => strategy::best_monthly(&choices, id),
    };
    match selected {
        Ok(sel) if sel.strategy.price.checked_ucents().is_none() => failed(
            LineFailure {
                step: PlanStep::Select,
                message: crate::models::AmountError::OutOfRange.to_string(),
                status: None,
                query_id: None,
            },
            Some(&service),
        ),
        Ok(sel) => Examined::Line(Box::new(PlanLine {
            service_id: id,
            name: display_name(&service),
            route: service.route.path.clone(),
            expiration_date: Some(expiration),
            outcome: PlanOutcome::Ready {
                period: sel.period.clone(),
                strategy: sel.strategy.clone(),
            },
        })),
        Err(e) => failed(
            LineFailure {
                step: PlanStep::Select,
                message: e.to_string(),
                status: None,
                query_id: None,
            },
            Some(&service),
        ),
    }
}

fn display_name(service: &Service) -> Option<String> {
    let r = &service.resource;
    if r.display_name.is_empty() {
        r.name.clone()
    } else {
        Some(r.display_name.clone())
    }
}

fn totals(lines: &[PlanLine]) -> Vec<CurrencyTotal> {
    // Keyed by the JSON text, so totals are in the order of their currency's text.
    type Sum = (Option<CurrencyCode>, i128, usize);
    let mut by_currency: BTreeMap<String, Sum> = BTreeMap::new();
    for line in lines {
        if let PlanOutcome::Ready { strategy, .. } = &line.outcome {
            let currency = strategy.price.currency_code.clone();
            let key = currency
                .as_ref()
                .map_or(total_currency::UNKNOWN, CurrencyCode::as_str)
                .to_owned();
            // Out-of-range prices are Failed lines (see `examine`); i128 holds any sum of
            // i64 amounts, so this neither saturates nor overflows.
            let Some(ucents) = strategy.price.checked_ucents() else {
                continue;
            };
            let entry = by_currency.entry(key).or_insert((currency, 0, 0));
            entry.1 += i128::from(ucents);
            entry.2 += 1;
        }
    }
    by_currency
        .into_values()
        .map(|(currency, ucents, lines)| CurrencyTotal {
            currency,
            ucents,
            lines,
        })
        .collect()
}

/// The result of executing one plan line.
#[derive(Debug)]
#[non_exhaustive]
pub struct ExecutedLine {
    /// The service.
    pub service_id: ServiceId,
    /// The workflow's report, or why it stopped (the error says whether an order exists).
    /// `None` for lines that were not run: see [`skipped`](Self::skipped).
    pub outcome: Option<Result<RenewReport, RenewError>>,
    /// Why the line was not run, when it was not (then `outcome` is `None`).
    pub skipped: Option<LineSkip>,
}

impl ExecutedLine {
    /// The order this line stands on, told apart: created by this run, an earlier run's
    /// unpaid order reused, or an earlier run's paid order that already renews the
    /// service. `None` for a dry run, a skipped line, or an error (see its
    /// [`order_id`](RenewError::order_id)).
    pub fn order(&self) -> Option<LineOrder> {
        let report = self.outcome.as_ref()?.as_ref().ok()?;
        match (report.earlier_outcome(), report.outcome.order_id()?) {
            (Some(workflow::EarlierOutcome::AlreadyRenewed), id) => {
                Some(LineOrder::AlreadyRenewed(id))
            }
            (Some(_), id) => Some(LineOrder::Reused(id)),
            (None, id) => Some(LineOrder::New(id)),
        }
    }
}

/// What order an [`ExecutedLine`] stands on ([`ExecutedLine::order`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum LineOrder {
    /// Created by this run.
    New(OrderId),
    /// An earlier run's unpaid renewal order, paid (when a payment was given) instead of
    /// ordering again.
    Reused(OrderId),
    /// An earlier run's paid order: nothing was ordered.
    AlreadyRenewed(OrderId),
}

/// Why [`execute_plan`] did not run a line. Nothing was sent for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[non_exhaustive]
pub enum LineSkip {
    /// The line failed at planning time ([`PlanOutcome::Failed`]).
    #[error("the line failed at planning time")]
    NotReady,
    /// A service of this line is in an order an earlier line of this run created.
    #[error(
        "service {service} was already ordered in this run (order {order_id}, by line {line}); not ordered again"
    )]
    AlreadyOrdered {
        /// The service ordered twice otherwise.
        service: ServiceId,
        /// The order that holds it.
        order_id: OrderId,
        /// The index, in [`Plan::lines`], of the line that ordered it.
        line: usize,
    },
    /// A service of this line may be in an order of an earlier line of this run, whose
    /// outcome is unknown ([`RenewError::OrderUncertain`] or another error after which an
    /// order may exist).
    #[error(
        "service {service} may already have been ordered in this run (by line {line}, whose order may or may not exist); not ordered again: check GET /me/order first"
    )]
    MayAlreadyBeOrdered {
        /// The service.
        service: ServiceId,
        /// The index, in [`Plan::lines`], of the line whose order is uncertain.
        line: usize,
    },
}

/// What an earlier line of the run did to a service.
#[derive(Clone, Copy)]
enum Covered {
    Ordered { order_id: OrderId, line: usize },
    MayHaveOrdered { line: usize },
}

/// Orders (and, with `payment`, pays) every ready line of `plan`, one after the other,
/// with the workflow's safety rules: dry run first, each order created at most once and
/// never resent, and a line refused ([`RenewError::PriceChanged`]) if OVH's price or
/// currency is no longer the planned one (the line's price is passed as
/// [`RenewOptions::approved_price`]). Each line orders exactly the services of its planned
/// strategy ([`RenewOptions::exactly`]), never a superset.
///
/// A service is ordered at most once per run: a line is skipped
/// ([`ExecutedLine::skipped`], nothing sent) when one of its services is in an order an
/// earlier line created, even inside a bundle ([`LineSkip::AlreadyOrdered`]), or may be in
/// one because an earlier line's outcome is uncertain ([`LineSkip::MayAlreadyBeOrdered`]).
/// One line failing never stops the others.
pub async fn execute_plan<A: ServiceRenewApi + ?Sized>(
    api: &A,
    plan: &Plan,
    payment: Option<&PaymentChoice>,
) -> Vec<ExecutedLine> {
    let mut results = Vec::with_capacity(plan.lines.len());
    let mut covered: BTreeMap<ServiceId, Covered> = BTreeMap::new();
    let mut made: Vec<OrderId> = Vec::new();
    for (index, line) in plan.lines.iter().enumerate() {
        let done = |outcome, skipped| ExecutedLine {
            service_id: line.service_id,
            outcome,
            skipped,
        };
        let PlanOutcome::Ready { period, strategy } = &line.outcome else {
            results.push(done(None, Some(LineSkip::NotReady)));
            continue;
        };
        // The services this line would order, and the line's own service.
        let mut services = strategy.services.clone();
        if !services.contains(&line.service_id) {
            services.push(line.service_id);
        }
        let earlier = services
            .iter()
            .find_map(|id| covered.get(id).map(|c| (*id, *c)));
        if let Some((service, earlier)) = earlier {
            let skip = match earlier {
                Covered::Ordered { order_id, line } => LineSkip::AlreadyOrdered {
                    service,
                    order_id,
                    line,
                },
                Covered::MayHaveOrdered { line } => LineSkip::MayAlreadyBeOrdered { service, line },
            };
            results.push(done(None, Some(skip)));
            continue;
        }
        let approved = match strategy.price.amount() {
            Ok(amount) => amount,
            Err(reason) => {
                let refused = RenewError::PriceUnreadable {
                    stage: PriceStage::Plan,
                    reason,
                };
                results.push(done(Some(Err(refused)), None));
                continue;
            }
        };
        let mut options = RenewOptions::new(ServiceRef::Id(line.service_id), period.clone())
            .order(true)
            .approved_price(approved);
        if strategy.services != [line.service_id] {
            options = options.exactly(strategy.services.clone());
        }
        if let Some(p) = payment {
            options = options.pay(p.clone());
        }
        // Orders of earlier lines are for other services (a line sharing one is skipped
        // above), even when they share this service's name.
        options = options.ignore_orders(made.clone());
        let outcome = workflow::renew(api, &options).await;
        if let Some(order_id) = match &outcome {
            Ok(report) if report.earlier.is_none() => report.order().map(|o| o.order_id),
            Ok(_) => None,
            Err(e) => e.order_id(),
        } {
            made.push(order_id);
        }
        let mark = match &outcome {
            Ok(report) => report.order().map(|o| Covered::Ordered {
                order_id: o.order_id,
                line: index,
            }),
            Err(e) => match e.order_id() {
                Some(order_id) => Some(Covered::Ordered {
                    order_id,
                    line: index,
                }),
                None if e.nothing_ordered() => None,
                None => Some(Covered::MayHaveOrdered { line: index }),
            },
        };
        if let Some(mark) = mark {
            let ordered = match &outcome {
                Ok(report) => report.strategy.services.clone(),
                Err(_) => services.clone(),
            };
            for id in ordered.into_iter().chain(services.iter().copied()) {
                covered.entry(id).or_insert(mark);
            }
        }
        results.push(done(Some(outcome), None));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_skip_reasons_are_their_json_text() {
        for (step, text) in [
            (PlanStep::Service, "service"),
            (PlanStep::Choices, "choices"),
            (PlanStep::Select, "select"),
        ] {
            assert_eq!(serde_json::to_value(step).unwrap(), text);
            assert_eq!(step.to_string(), text);
            assert_eq!(
                serde_json::from_value::<PlanStep>(text.into()).unwrap(),
                step
            );
        }
        for (reason, text) in [
            (SkipReason::NoExpiryDate, "no expiry date"),
            (
                SkipReason::NotExpiringSoon,
                "not expiring within the horizon",
            ),
            (SkipReason::AutomaticRenewal, "automatic renewal"),
            (
                SkipReason::RenewedWithParent,
                "renewed with its parent service",
            ),
        ] {
            assert_eq!(serde_json::to_value(reason).unwrap(), text);
            assert_eq!(reason.to_string(), text);
            let back: SkipReason = serde_json::from_value(text.into()).unwrap();
            assert_eq!(back, reason);
        }
        assert!(serde_json::from_str::<SkipReason>(r#""invented""#).is_err());
    }

    #[test]
    fn a_total_currency_is_its_code_text_or_unknown() {
        for (currency, text) in [
            (Some(CurrencyCode::Eur), "EUR"),
            (Some(CurrencyCode::Points), "points"),
            (Some(CurrencyCode::Other("XYZ".into())), "XYZ"),
            (None, "unknown"),
        ] {
            let total = CurrencyTotal {
                currency,
                ucents: 1,
                lines: 1,
            };
            assert_eq!(total.currency_text(), text);
            let json = serde_json::to_value(&total).unwrap();
            assert_eq!(json["currency"], text);
            assert_eq!(
                serde_json::from_value::<CurrencyTotal>(json).unwrap(),
                total
            );
        }
    }
}
