//! The expiry planner: what must be renewed soon, and what it will cost.
//!
//! [`plan`] reads the account's debt (`GET /me/debtAccount`) and every service through
//! the paged `/services` view ([`listing::view_services`]: a fleet of 1,000 in one or two
//! requests, falling back to one `GET /services/{id}` each when the server does not page)
//! or a given list (one `GET /services/{id}` each). It keeps those expiring within a
//! horizon that are neither options nor on automatic renewal and that no
//! [guard](crate::guards) refuses (a debt due, unpaid, automatic renewal in progress,
//! deletion or termination scheduled, terminated, suspended: in [`Plan::skipped`] with the
//! guard, their choices never read), reads the renewal choices of what remains only, and
//! picks, for each, the single-service strategy for the requested period (or the best
//! price per month). A service listed twice (in [`PlanOptions::services`] or by the
//! listing) is examined once. Requests run with
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
use crate::guards::{self, Guard, GuardOverrides};
use crate::listing::{self, ListOptions};
use crate::models::{
    CurrencyCode, LifecycleState, OrderId, RenewPeriod, RenewStrategy, RenewalMode, ServiceFilter,
    ServiceId, ServiceView,
};
use crate::strategy;
use crate::workflow::{
    self, PaymentChoice, PriceStage, RenewError, RenewOptions, RenewReport, ServiceRef,
};

fn default_page_size() -> u32 {
    crate::ops::DEFAULT_PAGE_SIZE
}

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
    /// Keep services on automatic renewal too (default `false`). Never a service whose
    /// automatic renewal is in progress ([`Guard::AutorenewInProgress`]).
    pub include_automatic: bool,
    /// Objects per page when reading the fleet through the `/services` view (default
    /// 1,000; see [`listing`]).
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// The guards explicitly let through (default: none; see [`guards`]).
    #[serde(default)]
    pub guards: GuardOverrides,
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
            page_size: crate::ops::DEFAULT_PAGE_SIZE,
            guards: GuardOverrides::none(),
            today: None,
        }
    }

    /// Sets [`PlanOptions::page_size`].
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Sets [`PlanOptions::guards`].
    pub fn guards(mut self, overrides: GuardOverrides) -> Self {
        self.guards = overrides;
        self
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
    /// The account-level guard that held when the plan was made: a debt due
    /// ([`Guard::DebtDue`], with its amount). Every service the plan would have priced is
    /// then in [`skipped`](Self::skipped) with it. Absent from the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_guard: Option<Guard>,
    /// The guards the plan was made with explicitly let through; [`execute_plan`] orders
    /// with the same. Absent from the JSON when none.
    #[serde(default, skip_serializing_if = "is_none_overridden")]
    pub guards: GuardOverrides,
}

fn is_none_overridden(overrides: &GuardOverrides) -> bool {
    *overrides == GuardOverrides::none()
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
    /// Its renewal mode in the `/services` view, when known. Absent from the JSON when
    /// `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_mode: Option<RenewalMode>,
    /// Its lifecycle state in the `/services` view, when known. Absent from the JSON when
    /// `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_state: Option<LifecycleState>,
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
    /// Why (its JSON is the reason's text, e.g. `"automatic renewal"`).
    pub reason: SkipReason,
    /// The guard that refused the service, when [`reason`](Self::reason) is
    /// [`SkipReason::Guarded`] (its renewal choices were not read). Absent from the JSON
    /// when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard: Option<Guard>,
    /// The service's renewal mode, when [`reason`](Self::reason) is
    /// [`SkipReason::AutomaticRenewal`]. Absent from the JSON when `None`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_mode: Option<RenewalMode>,
}

impl std::fmt::Display for Skipped {
    /// `{service id}: {why}`, where why is the guard's text for [`SkipReason::Guarded`],
    /// the reason and the mode for [`SkipReason::AutomaticRenewal`] (`automatic renewal
    /// (mode automatic)`), else the reason's text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: ", self.service_id)?;
        match (&self.reason, &self.guard, &self.renewal_mode) {
            (SkipReason::Guarded, Some(guard), _) => write!(f, "{guard}"),
            (reason, _, Some(mode)) => write!(f, "{reason} (mode {mode})"),
            (reason, _, None) => write!(f, "{reason}"),
        }
    }
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
    /// A guard refused it ([`Skipped::guard`] says which): a debt, an unpaid service, an
    /// automatic renewal in progress, a deletion or termination scheduled, …
    #[serde(rename = "guarded")]
    Guarded,
}

impl SkipReason {
    /// The text of its JSON and `Display`.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipReason::NoExpiryDate => "no expiry date",
            SkipReason::NotExpiringSoon => "not expiring within the horizon",
            SkipReason::AutomaticRenewal => "automatic renewal",
            SkipReason::RenewedWithParent => "renewed with its parent service",
            SkipReason::Guarded => "guarded",
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

/// What the view alone says about a service: skip it (why), or read its choices.
enum Triage {
    Skip(Skipped),
    Choices,
}

/// The planner's filters on one view, pure: horizon, option, mode, the service's guards,
/// then the account's debt. Renewal choices are read only for [`Triage::Choices`].
fn triage(
    view: &ServiceView,
    options: &PlanOptions,
    horizon: NaiveDate,
    account_guard: Option<&Guard>,
) -> Triage {
    let skip = |reason: SkipReason, guard: Option<Guard>, renewal_mode: Option<RenewalMode>| {
        Triage::Skip(Skipped {
            service_id: view.service_id,
            reason,
            guard,
            renewal_mode,
        })
    };
    let Some(expiration) = view.expiration() else {
        return skip(SkipReason::NoExpiryDate, None, None);
    };
    if expiration > horizon {
        return skip(SkipReason::NotExpiringSoon, None, None);
    }
    if view.parent_service_id.is_some() {
        return skip(SkipReason::RenewedWithParent, None, None);
    }
    if let Some(mode) = view.renewal_mode() {
        if !options.include_automatic && *mode == RenewalMode::Automatic {
            return skip(SkipReason::AutomaticRenewal, None, Some(mode.clone()));
        }
    }
    // `include_automatic` never lets an automatic renewal in progress through.
    if let Err(guard) = guards::check_service(view, &options.guards) {
        return skip(SkipReason::Guarded, Some(guard), None);
    }
    if let Some(guard) = account_guard {
        return skip(SkipReason::Guarded, Some(guard.clone()), None);
    }
    Triage::Choices
}

/// Builds a plan (see the [module docs](self)). Fails only if the account's debt or the
/// service list itself cannot be read; every per-service failure is a
/// [`PlanOutcome::Failed`] line.
///
/// `progress`, if given, is called after each service with done/total.
pub async fn plan<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &PlanOptions,
    progress: Option<&(dyn Fn(Progress) + Send + Sync)>,
) -> Result<Plan, Error> {
    let today = options
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let horizon = today
        .checked_add_days(chrono::Days::new(u64::from(options.within_days)))
        .unwrap_or(NaiveDate::MAX);
    let concurrency = options.concurrency.max(1);
    let debt = api.debt_balance().await?;
    let account_guard = guards::check_debt(&debt, &options.guards).err();
    let list = ListOptions::default()
        .page_size(options.page_size)
        .concurrency(concurrency);
    let listing = match &options.services {
        None => listing::view_services(api, &ServiceFilter::all(), &list).await?,
        Some(ids) => listing::view_ids(api, ids.clone(), &list).await,
    };
    let total = listing.views.len() + listing.failures.len();
    let done = AtomicUsize::new(0);
    let done = &done;
    let tick = || {
        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(cb) = progress {
            cb(Progress { done: n, total });
        }
    };

    let mut lines = Vec::new();
    let mut skipped = Vec::new();
    for (id, e) in &listing.failures {
        lines.push(PlanLine {
            service_id: *id,
            name: None,
            route: None,
            expiration_date: None,
            renewal_mode: None,
            lifecycle_state: None,
            outcome: PlanOutcome::Failed(LineFailure::api(PlanStep::Service, e)),
        });
        tick();
    }
    let mut to_price = Vec::new();
    for view in listing.views {
        match triage(&view, options, horizon, account_guard.as_ref()) {
            Triage::Skip(s) => {
                skipped.push(s);
                tick();
            }
            Triage::Choices => to_price.push(view),
        }
    }
    let examined: Vec<PlanLine> = stream::iter(to_price)
        .map(|view| async move {
            let out = examine(api, options, view).await;
            tick();
            out
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    lines.extend(examined);
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
        account_guard,
        guards: options.guards,
    })
}

/// Reads the choices of a service the view let through, and selects its strategy.
async fn examine<A: ServiceRenewApi + ?Sized>(
    api: &A,
    options: &PlanOptions,
    view: ServiceView,
) -> PlanLine {
    let id = view.service_id;
    let line = |outcome| PlanLine {
        service_id: id,
        name: display_name(&view),
        route: view.route_path().map(str::to_owned),
        expiration_date: view.expiration(),
        renewal_mode: view.renewal_mode().cloned(),
        lifecycle_state: view.lifecycle_state().cloned(),
        outcome,
    };
    let failed = |failure: LineFailure| line(PlanOutcome::Failed(failure));
    let choices = match api.renew_descriptions(id, false).await {
        Ok(c) => c,
        Err(e) => return failed(LineFailure::api(PlanStep::Choices, &e)),
    };
    let selected = match &options.period {
        PeriodChoice::Fixed(p) => strategy::select_single(&choices, p, id),
        PeriodChoice::BestMonthly => strategy::best_monthly(&choices, id),
    };
    match selected {
        Ok(sel) if sel.strategy.price.checked_ucents().is_none() => failed(LineFailure {
            step: PlanStep::Select,
            message: crate::models::AmountError::OutOfRange.to_string(),
            status: None,
            query_id: None,
        }),
        Ok(sel) => line(PlanOutcome::Ready {
            period: sel.period.clone(),
            strategy: sel.strategy.clone(),
        }),
        Err(e) => failed(LineFailure {
            step: PlanStep::Select,
            message: e.to_string(),
            status: None,
            query_id: None,
        }),
    }
}

fn display_name(view: &ServiceView) -> Option<String> {
    let r = &view.resource;
    [&r.display_name, &r.name]
        .into_iter()
        .find(|n| !n.is_empty())
        .cloned()
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
            .approved_price(approved)
            .guards(plan.guards);
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
