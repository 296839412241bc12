//! Bulk changes of renewal settings: switch many services to manual (or automatic)
//! renewal, a period, a termination policy, with a preview first.
//!
//! [`plan`] reads each selected service through the `/services` view
//! ([`service_view`](ServiceRenewApi::service_view), and
//! [`renew_period_capacities`](ServiceRenewApi::renew_period_capacities) when a period is
//! asked for) and says, per service, what it has now and what the [`Target`] would change,
//! or why it is left alone ([`SkipReason`]): an option, which renews with its parent; a
//! change its capacities do not allow (naming what it can take, checked with
//! [`RenewalUpdate::check`]); or a service already there. Nothing is sent but `GET`s.
//!
//! [`apply`] then sends one `PUT /services/{serviceId}`
//! ([`update_renewal`](ServiceRenewApi::update_renewal)) per line to change, never more
//! than [`SettingsPlan::concurrency`] requests in flight, re-reads each service it sent a
//! change for and reports, per service, what the re-read shows ([`AppliedLine`]): changed
//! as asked, accepted by OVH but not (yet) visible, or failed. The `PUT` is idempotent
//! (setting the same values twice changes nothing more), so the client resends it per
//! its [`RetryPolicy`](crate::RetryPolicy) like a `GET` (e.g. once more after a 503); a
//! `PUT` that failed after it may have reached OVH is reported as *may have been
//! applied*, and the re-read says what the service really has.
//!
//! Plan and report serialize to JSON (they hold ids, names and settings, no secret).
//! Changing settings needs the rules of [`AccessRule::renewal_settings`]
//! (`PUT /services/*`), which [`AccessRule::renewal_flow`] does not grant.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use ovh_renew::models::{RenewalMode, ServiceId};
//! use ovh_renew::settings::{self, Target};
//! let client = ovh_renew::OvhClient::from_env()?;
//! let target = Target::new(RenewalMode::Manual).period("P1Y".parse()?);
//! let plan = settings::plan(&client, vec![ServiceId(118_977_335)], &target).await?;
//! for line in &plan.lines {
//!     println!("{line}");
//! }
//! let report = settings::apply(&client, &plan).await;
//! for line in &report.lines {
//!     println!("{line}");
//! }
//! assert!(report.all_done());
//! # Ok(()) }
//! ```
//!
//! [`AccessRule::renewal_settings`]: crate::models::AccessRule::renewal_settings
//! [`AccessRule::renewal_flow`]: crate::models::AccessRule::renewal_flow

use std::collections::BTreeSet;
use std::fmt;

use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::error::Error;
use crate::listing::{self, ListOptions};
use crate::models::{
    LifecycleAction, RefusedChange, RenewPeriod, RenewalMode, RenewalUpdate, ServiceFilter,
    ServiceId, ServiceView, TerminationPolicy,
};

/// Requests in flight at once by default, in [`plan`] and in [`apply`].
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Which services a [`plan`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Selection {
    /// These services (repeated ids are examined once, in the order given).
    Ids(Vec<ServiceId>),
    /// The services `GET /services` lists for this filter
    /// ([`ServiceFilter::all`]: every service of the account).
    Filter(ServiceFilter),
}

impl From<Vec<ServiceId>> for Selection {
    fn from(ids: Vec<ServiceId>) -> Self {
        Selection::Ids(ids)
    }
}

impl From<&[ServiceId]> for Selection {
    fn from(ids: &[ServiceId]) -> Self {
        Selection::Ids(ids.to_vec())
    }
}

impl From<ServiceFilter> for Selection {
    fn from(filter: ServiceFilter) -> Self {
        Selection::Filter(filter)
    }
}

/// The settings to reach: a renewal mode, and optionally a period and a termination
/// policy.
///
/// ```
/// use ovh_renew::models::{RenewalMode, TerminationPolicy};
/// use ovh_renew::settings::Target;
/// let target = Target::new(RenewalMode::Automatic)
///     .period("P12M".parse()?)
///     .termination_policy(TerminationPolicy::Empty);
/// assert_eq!(
///     serde_json::to_string(&target.update())?,
///     r#"{"renew":{"mode":"automatic","period":"P12M"},"terminationPolicy":"empty"}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Target {
    /// The renewal mode.
    pub mode: RenewalMode,
    /// The period, sent exactly as given (its text: `P1Y` stays `P1Y`), with either
    /// mode; compared with the current one as periods (`P1Y` is `P12M`).
    pub period: Option<RenewPeriod>,
    /// The termination policy.
    pub termination_policy: Option<TerminationPolicy>,
}

impl Target {
    /// Only the mode.
    pub fn new(mode: RenewalMode) -> Self {
        Target {
            mode,
            period: None,
            termination_policy: None,
        }
    }

    /// Also the period.
    pub fn period(mut self, period: RenewPeriod) -> Self {
        self.period = Some(period);
        self
    }

    /// Also the termination policy.
    pub fn termination_policy(mut self, policy: TerminationPolicy) -> Self {
        self.termination_policy = Some(policy);
        self
    }

    /// The body [`apply`] sends: every field of the target, as given.
    pub fn update(&self) -> RenewalUpdate {
        RenewalUpdate {
            mode: Some(self.mode.clone()),
            period: self.period.clone(),
            termination_policy: self.termination_policy.clone(),
        }
    }

    /// The value of `field` in the target (`None`: not part of it).
    fn value(&self, field: Field) -> Option<String> {
        match field {
            Field::Mode => Some(self.mode.as_str().to_owned()),
            Field::Period => self.period.as_ref().map(|p| p.as_str().to_owned()),
            Field::TerminationPolicy => self
                .termination_policy
                .as_ref()
                .map(|p| p.as_str().to_owned()),
        }
    }

    /// The fields of the target that `current` does not have yet, from its value to the
    /// target's. Periods compare as periods (`P1Y` is `P12M`).
    fn differs(&self, current: &Settings) -> Vec<FieldChange> {
        let differs = |field: Field| match field {
            Field::Mode => current.mode.as_ref() != Some(&self.mode),
            Field::Period => self.period.is_some() && current.period != self.period,
            Field::TerminationPolicy => {
                self.termination_policy.is_some()
                    && current.termination_policy != self.termination_policy
            }
        };
        Field::ALL
            .into_iter()
            .filter(|f| differs(*f))
            .map(|field| FieldChange {
                field,
                from: current.value(field),
                to: self.value(field),
            })
            .collect()
    }
}

impl fmt::Display for Target {
    /// `mode manual, period P1Y, termination policy empty` (the fields given).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mode {}", self.mode)?;
        if let Some(period) = &self.period {
            write!(f, ", period {period}")?;
        }
        if let Some(policy) = &self.termination_policy {
            write!(f, ", termination policy {policy}")?;
        }
        Ok(())
    }
}

/// One field of the renewal settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Field {
    /// `renew.mode`.
    Mode,
    /// `renew.period`.
    Period,
    /// `terminationPolicy`.
    TerminationPolicy,
}

impl Field {
    /// Every field, in the order of the body.
    pub const ALL: [Field; 3] = [Field::Mode, Field::Period, Field::TerminationPolicy];
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Mode => "mode",
            Field::Period => "period",
            Field::TerminationPolicy => "termination policy",
        })
    }
}

/// One field, from one value to another (`None`: no value, e.g. no period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FieldChange {
    /// The field.
    pub field: Field,
    /// Its value before, as OVH's text.
    pub from: Option<String>,
    /// Its value after (the target's, in a plan; the re-read's, in a report).
    pub to: Option<String>,
}

impl fmt::Display for FieldChange {
    /// `mode automatic -> manual` (`-` for no value).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
        write!(
            f,
            "{} {} -> {}",
            self.field,
            text(&self.from),
            text(&self.to)
        )
    }
}

fn changes(items: &[FieldChange]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A service's renewal settings, as the `/services` view shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Settings {
    /// `billing.renew.current.mode` (`None`: OVH sent none, e.g. for an option).
    pub mode: Option<RenewalMode>,
    /// `billing.renew.current.period` (often `None` for manual renewal).
    pub period: Option<RenewPeriod>,
    /// The termination policy, as the view's pending lifecycle actions show it:
    /// `terminateAtExpirationDate` or `terminateAtEngagementDate` when that action is
    /// pending, `empty` when neither is; `None` when the view has no lifecycle (the view
    /// has no `terminationPolicy` field of its own).
    pub termination_policy: Option<TerminationPolicy>,
}

impl Settings {
    /// The settings of `view`.
    pub fn of(view: &ServiceView) -> Self {
        let termination_policy = view.billing.lifecycle.as_ref().map(|_| {
            if view.has_pending(&LifecycleAction::TerminateAtExpirationDate) {
                TerminationPolicy::TerminateAtExpirationDate
            } else if view.has_pending(&LifecycleAction::TerminateAtEngagementDate) {
                TerminationPolicy::TerminateAtEngagementDate
            } else {
                TerminationPolicy::Empty
            }
        });
        Settings {
            mode: view.renewal_mode().cloned(),
            period: view.renewal_period().cloned(),
            termination_policy,
        }
    }

    /// The value of `field`, as OVH's text (`None`: none).
    pub fn value(&self, field: Field) -> Option<String> {
        match field {
            Field::Mode => self.mode.as_ref().map(|m| m.as_str().to_owned()),
            Field::Period => self.period.as_ref().map(|p| p.as_str().to_owned()),
            Field::TerminationPolicy => self
                .termination_policy
                .as_ref()
                .map(|p| p.as_str().to_owned()),
        }
    }

    /// Whether `self` and `other` agree on `field` (periods as periods: `P1Y` is `P12M`).
    fn same(&self, other: &Settings, field: Field) -> bool {
        match field {
            Field::Mode => self.mode == other.mode,
            Field::Period => self.period == other.period,
            Field::TerminationPolicy => self.termination_policy == other.termination_policy,
        }
    }

    fn text(&self, field: Field) -> String {
        self.value(field).unwrap_or_else(|| "-".to_owned())
    }
}

impl fmt::Display for Settings {
    /// `mode automatic, period P1M, termination policy empty` (`-` for what is unknown).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mode {}, period {}, termination policy {}",
            self.text(Field::Mode),
            self.text(Field::Period),
            self.text(Field::TerminationPolicy)
        )
    }
}

/// Why [`plan`] leaves a service alone. Nothing is sent for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "reason")]
#[non_exhaustive]
pub enum SkipReason {
    /// An option of another service (`parentServiceId`): it renews with its parent, whose
    /// settings decide.
    #[error(
        "an option of service {parent}: it renews with its parent, change the parent's settings"
    )]
    OptionOfParent {
        /// The parent service.
        parent: ServiceId,
    },
    /// Its capacities do not allow the target (what [`RenewalUpdate::check`] refused).
    #[error(
        "not allowed: cannot take {field} {asked}; it can take {}",
        list(can_take)
    )]
    NotAllowed {
        /// The field refused.
        field: Field,
        /// The value asked for.
        asked: String,
        /// What the service can take for that field (from `renew.capacities`,
        /// `renewPeriodCapacities` or its lifecycle capacities).
        can_take: Vec<String>,
    },
    /// It has the target's settings already.
    #[error("already there")]
    AlreadyThere,
}

impl SkipReason {
    /// Whether this is a refusal ([`NotAllowed`](Self::NotAllowed)) rather than nothing to
    /// do.
    pub fn is_refusal(&self) -> bool {
        matches!(self, SkipReason::NotAllowed { .. })
    }

    fn refused(what: &RefusedChange) -> Self {
        let strings =
            |items: &[_]| -> Vec<String> { items.iter().map(ToString::to_string).collect() };
        let (field, asked, can_take) = match what {
            RefusedChange::Mode { asked, accepted } => {
                (Field::Mode, asked.to_string(), strings(accepted))
            }
            RefusedChange::Period { asked, accepted } => (
                Field::Period,
                asked.to_string(),
                accepted.iter().map(ToString::to_string).collect(),
            ),
            RefusedChange::TerminationPolicy { asked, accepted } => (
                Field::TerminationPolicy,
                asked.to_string(),
                accepted.iter().map(ToString::to_string).collect(),
            ),
            // `Target::update` always sets the mode, so "nothing" cannot happen; a
            // refusal of a later release is kept in words.
            other => (Field::Mode, other.to_string(), Vec::new()),
        };
        SkipReason::NotAllowed {
            field,
            asked,
            can_take,
        }
    }
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

/// A request that failed, in words (the plan and report serialize; an [`Error`] does not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Failure {
    /// What was being done: `service` (`GET /services/{id}`),
    /// `capacities` (`GET /services/{id}/renewPeriodCapacities`), `update`
    /// (`PUT /services/{id}`) or `reread` (`GET /services/{id}` after the update).
    pub step: String,
    /// The error, in words.
    pub message: String,
    /// HTTP status, for API errors.
    pub status: Option<u16>,
    /// OVH query id, when OVH answered.
    pub query_id: Option<String>,
}

impl Failure {
    fn of(step: &str, e: &Error) -> Self {
        Failure {
            step: step.to_owned(),
            message: e.to_string(),
            status: e.status(),
            query_id: e.query_id().map(str::to_owned),
        }
    }
}

impl fmt::Display for Failure {
    /// `reading the service failed: …` (the message carries the query id).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let step = match self.step.as_str() {
            "service" => "reading the service",
            "capacities" => "reading its period capacities",
            "update" => "the update",
            "reread" => "re-reading the service",
            other => other,
        };
        write!(f, "{step} failed: {}", self.message)
    }
}

/// What [`plan`] decided for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum LineOutcome {
    /// [`apply`] sends the target ([`Target::update`]): these fields differ now.
    Change {
        /// The fields of the target the service does not have yet, current → target.
        fields: Vec<FieldChange>,
    },
    /// Left alone, and why.
    Skip {
        /// Why.
        why: SkipReason,
    },
    /// The service could not be read; nothing will be sent for it.
    Failed {
        /// What failed.
        failure: Failure,
    },
}

/// One service of a [`SettingsPlan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SettingsLine {
    /// The service.
    pub service_id: ServiceId,
    /// Its display name (or resource name), when read.
    pub name: Option<String>,
    /// Its route template (`/vps/{serviceName}`), when read.
    pub route: Option<String>,
    /// Its settings now (`None` if it could not be read).
    pub current: Option<Settings>,
    /// Change, skip or failure.
    pub outcome: LineOutcome,
}

impl SettingsLine {
    /// Whether [`apply`] sends a change for this line.
    pub fn is_change(&self) -> bool {
        matches!(self.outcome, LineOutcome::Change { .. })
    }
}

impl fmt::Display for SettingsLine {
    /// `118977335 vps-…: change mode automatic -> manual, period P1M -> P1Y`, or the skip
    /// reason, or the failure.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.service_id)?;
        if let Some(name) = &self.name {
            write!(f, " {name}")?;
        }
        match &self.outcome {
            LineOutcome::Change { fields } => write!(f, ": change {}", changes(fields)),
            LineOutcome::Skip { why } => write!(f, ": skipped, {why}"),
            LineOutcome::Failed { failure } => write!(f, ": {failure}"),
        }
    }
}

/// What [`plan`] found: one line per service, in the order selected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SettingsPlan {
    /// The settings to reach.
    pub target: Target,
    /// Requests [`apply`] keeps in flight at most (default [`DEFAULT_CONCURRENCY`], at
    /// least 1); set it before applying.
    pub concurrency: usize,
    /// One line per service.
    pub lines: Vec<SettingsLine>,
}

impl SettingsPlan {
    /// Sets [`concurrency`](Self::concurrency).
    pub fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// The lines [`apply`] sends a change for.
    pub fn changes(&self) -> impl Iterator<Item = &SettingsLine> {
        self.lines.iter().filter(|l| l.is_change())
    }

    /// The lines refused ([`SkipReason::NotAllowed`]) or that could not be read.
    pub fn problems(&self) -> impl Iterator<Item = &SettingsLine> {
        self.lines.iter().filter(|l| match &l.outcome {
            LineOutcome::Skip { why } => why.is_refusal(),
            LineOutcome::Failed { .. } => true,
            LineOutcome::Change { .. } => false,
        })
    }
}

/// Previews `target` for the selected services (see the [module docs](self)): reads each
/// service's view (and its period capacities when the target has a period), at most
/// [`DEFAULT_CONCURRENCY`] requests in flight, and sends nothing else. A filter is read
/// through the paged `/services` view ([`listing::view_services`]: whole objects a page
/// at a time, one read per id only when the server answers plain ids); explicit ids are
/// read one `GET /services/{serviceId}` each.
///
/// Fails only when the selection is a filter and its listing fails; a service that
/// cannot be read is a [`LineOutcome::Failed`] line.
pub async fn plan<A: ServiceRenewApi + ?Sized>(
    api: &A,
    selection: impl Into<Selection>,
    target: &Target,
) -> Result<SettingsPlan, Error> {
    let mut lines: Vec<SettingsLine> = Vec::new();
    // Explicit ids keep the order given; a filter's services the order OVH lists them.
    let mut given: Option<Vec<ServiceId>> = None;
    let views: Vec<ServiceView> = match selection.into() {
        Selection::Ids(mut ids) => {
            let mut seen = BTreeSet::new();
            ids.retain(|id| seen.insert(*id));
            given = Some(ids.clone());
            let listing = listing::view_ids(api, ids, &list_options()).await;
            lines.extend(listing.failures.iter().map(|(id, e)| unreadable(*id, e)));
            listing.views
        }
        Selection::Filter(filter) => {
            let listing = listing::view_services(api, &filter, &list_options()).await?;
            lines.extend(listing.failures.iter().map(|(id, e)| unreadable(*id, e)));
            listing.views
        }
    };
    let examined: Vec<SettingsLine> = stream::iter(views)
        .map(|view| examine(api, view, target))
        .buffered(DEFAULT_CONCURRENCY)
        .collect()
        .await;
    lines.extend(examined);
    if let Some(given) = given {
        lines.sort_by_key(|l| given.iter().position(|id| *id == l.service_id));
    }
    Ok(SettingsPlan {
        target: target.clone(),
        concurrency: DEFAULT_CONCURRENCY,
        lines,
    })
}

/// The listing's options: [`DEFAULT_CONCURRENCY`] per-id reads in flight at most.
fn list_options() -> ListOptions {
    ListOptions {
        concurrency: DEFAULT_CONCURRENCY,
        ..ListOptions::default()
    }
}

/// The line of a service whose view could not be read.
fn unreadable(id: ServiceId, e: &Error) -> SettingsLine {
    SettingsLine {
        service_id: id,
        name: None,
        route: None,
        current: None,
        outcome: LineOutcome::Failed {
            failure: Failure::of("service", e),
        },
    }
}

fn display_name(view: &ServiceView) -> Option<String> {
    let r = &view.resource;
    [&r.display_name, &r.name]
        .into_iter()
        .find(|n| !n.is_empty())
        .cloned()
}

async fn examine<A: ServiceRenewApi + ?Sized>(
    api: &A,
    view: ServiceView,
    target: &Target,
) -> SettingsLine {
    let current = Settings::of(&view);
    let outcome = decide(api, &view, &current, target).await;
    SettingsLine {
        service_id: view.service_id,
        name: display_name(&view),
        route: view.route_path().map(str::to_owned),
        current: Some(current),
        outcome,
    }
}

async fn decide<A: ServiceRenewApi + ?Sized>(
    api: &A,
    view: &ServiceView,
    current: &Settings,
    target: &Target,
) -> LineOutcome {
    let skip = |why| LineOutcome::Skip { why };
    if let Some(parent) = view.parent_service_id {
        return skip(SkipReason::OptionOfParent { parent });
    }
    let fields = target.differs(current);
    if fields.is_empty() {
        return skip(SkipReason::AlreadyThere);
    }
    // The period capacities only matter, and are only read, for a period.
    let periods = match &target.period {
        Some(_) => match api.renew_period_capacities(view.service_id).await {
            Ok(periods) => periods,
            Err(e) => {
                return LineOutcome::Failed {
                    failure: Failure::of("capacities", &e),
                };
            }
        },
        None => Vec::new(),
    };
    match target.update().check(view, &periods) {
        Ok(()) => LineOutcome::Change { fields },
        Err(refusal) => skip(SkipReason::refused(&refusal.what)),
    }
}

/// What happened to one line of the plan in [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum ApplyOutcome {
    /// Nothing sent: the plan skipped the line, or could not read the service.
    NotSent {
        /// The plan's reason, in words.
        reason: String,
        /// Whether that reason is a problem (a refusal, a service that could not be
        /// read) rather than nothing to do (already there, an option).
        problem: bool,
    },
    /// OVH accepted the change and the re-read shows every field of the target.
    Applied,
    /// OVH accepted the change (the `PUT` succeeded), but the re-read still shows these
    /// fields other than the target: OVH may apply it later, or not at all. Read the
    /// service again before trying again.
    AcceptedNotVisible {
        /// The fields of the target the re-read does not show: re-read value → target.
        fields: Vec<FieldChange>,
    },
    /// OVH accepted the change, but the re-read failed: what the service has now is
    /// unknown.
    AcceptedRereadFailed {
        /// The re-read's failure.
        failure: Failure,
    },
    /// The `PUT` failed (after the retries the policy allows).
    Failed {
        /// The failure.
        failure: Failure,
        /// Whether OVH may have applied it nevertheless (the request may have reached it:
        /// a timeout, a lost connection, an error answer); then the service was re-read,
        /// and [`AppliedLine::after`] says what it has.
        may_have_been_applied: bool,
    },
}

/// One service of a [`SettingsReport`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AppliedLine {
    /// The service.
    pub service_id: ServiceId,
    /// Its name, from the plan.
    pub name: Option<String>,
    /// Its settings when the plan read them.
    pub before: Option<Settings>,
    /// Its settings as re-read after the `PUT` (`None`: not re-read, or the re-read
    /// failed).
    pub after: Option<Settings>,
    /// The fields whose value differs between `before` and `after`: what really changed.
    pub changed: Vec<FieldChange>,
    /// Whether the re-read shows every field of the target (`None`: not re-read).
    pub at_target: Option<bool>,
    /// What happened.
    pub outcome: ApplyOutcome,
}

impl AppliedLine {
    /// Whether this line is settled: applied and visible, or nothing to do for it
    /// (already there, an option). `false` for refusals, failures, a change accepted but
    /// not visible, and lines whose outcome is unknown.
    pub fn is_done(&self) -> bool {
        match &self.outcome {
            ApplyOutcome::Applied => true,
            ApplyOutcome::NotSent { problem, .. } => !problem,
            _ => false,
        }
    }
}

impl fmt::Display for AppliedLine {
    /// One line: the service, what happened, and `field before → after` for what changed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.service_id)?;
        if let Some(name) = &self.name {
            write!(f, " {name}")?;
        }
        match &self.outcome {
            ApplyOutcome::NotSent { reason, .. } => return write!(f, ": not sent, {reason}"),
            ApplyOutcome::Applied => f.write_str(": applied")?,
            ApplyOutcome::AcceptedNotVisible { fields } => write!(
                f,
                ": accepted by OVH, but the re-read does not show it ({} still to do)",
                changes(fields)
            )?,
            ApplyOutcome::AcceptedRereadFailed { failure } => {
                write!(f, ": accepted by OVH; {failure}, current settings unknown")?
            }
            ApplyOutcome::Failed {
                failure,
                may_have_been_applied: true,
            } => write!(f, ": {failure}; it may have been applied")?,
            ApplyOutcome::Failed { failure, .. } => write!(f, ": {failure}; not applied")?,
        }
        match &self.after {
            Some(after) if self.changed.is_empty() => {
                write!(f, "; re-read: nothing changed ({after})")
            }
            Some(_) => write!(f, "; re-read: {}", changes(&self.changed)),
            None => Ok(()),
        }
    }
}

/// What [`apply`] did, one line per line of the plan, in the plan's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SettingsReport {
    /// The settings asked for.
    pub target: Target,
    /// One line per service.
    pub lines: Vec<AppliedLine>,
}

impl SettingsReport {
    /// Whether every line is [done](AppliedLine::is_done): each change applied and
    /// visible, no refusal, no failure.
    pub fn all_done(&self) -> bool {
        self.lines.iter().all(AppliedLine::is_done)
    }
}

/// Applies `plan` (see the [module docs](self)): one `PUT /services/{serviceId}` with
/// [`Target::update`] per [change](LineOutcome::Change) line, then a re-read of that
/// service (`GET /services/{serviceId}`), never more than
/// [`SettingsPlan::concurrency`] requests in flight. A `PUT` that failed is re-read too
/// when it may have reached OVH. One line failing never stops the others; the plan is
/// not re-read first, so apply a fresh plan.
pub async fn apply<A: ServiceRenewApi + ?Sized>(api: &A, plan: &SettingsPlan) -> SettingsReport {
    let update = plan.target.update();
    let update = &update;
    let target = &plan.target;
    let lines = stream::iter(&plan.lines)
        .map(|line| apply_line(api, line, target, update))
        .buffered(plan.concurrency.max(1))
        .collect()
        .await;
    SettingsReport {
        target: plan.target.clone(),
        lines,
    }
}

async fn apply_line<A: ServiceRenewApi + ?Sized>(
    api: &A,
    line: &SettingsLine,
    target: &Target,
    update: &RenewalUpdate,
) -> AppliedLine {
    let done = |after: Option<Settings>, outcome| {
        let changed = match (&line.current, &after) {
            (Some(before), Some(after)) => Field::ALL
                .into_iter()
                .map(|field| FieldChange {
                    field,
                    from: before.value(field),
                    to: after.value(field),
                })
                .filter(|c| !before.same(after, c.field))
                .collect(),
            _ => Vec::new(),
        };
        AppliedLine {
            service_id: line.service_id,
            name: line.name.clone(),
            before: line.current.clone(),
            at_target: after.as_ref().map(|a| target.differs(a).is_empty()),
            after,
            changed,
            outcome,
        }
    };
    match &line.outcome {
        LineOutcome::Change { .. } => {}
        LineOutcome::Skip { why } => {
            return done(
                None,
                ApplyOutcome::NotSent {
                    reason: why.to_string(),
                    problem: why.is_refusal(),
                },
            );
        }
        LineOutcome::Failed { failure } => {
            return done(
                None,
                ApplyOutcome::NotSent {
                    reason: failure.to_string(),
                    problem: true,
                },
            );
        }
    }
    let id = line.service_id;
    match api.update_renewal(id, update).await {
        Ok(()) => match api.service_view(id).await {
            Ok(view) => {
                let after = Settings::of(&view);
                let missing = target.differs(&after);
                let outcome = if missing.is_empty() {
                    ApplyOutcome::Applied
                } else {
                    ApplyOutcome::AcceptedNotVisible { fields: missing }
                };
                done(Some(after), outcome)
            }
            Err(e) => done(
                None,
                ApplyOutcome::AcceptedRereadFailed {
                    failure: Failure::of("reread", &e),
                },
            ),
        },
        Err(e) => {
            let may_have_been_applied = e.may_have_been_processed();
            // Only a request that may have reached OVH can have changed anything.
            let after = if may_have_been_applied {
                api.service_view(id).await.ok().map(|v| Settings::of(&v))
            } else {
                None
            };
            done(
                after,
                ApplyOutcome::Failed {
                    failure: Failure::of("update", &e),
                    may_have_been_applied,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::LifecycleAction as Action;

    fn p(text: &str) -> RenewPeriod {
        text.parse().unwrap()
    }

    fn settings(mode: Option<&str>, period: Option<&str>, policy: Option<&str>) -> Settings {
        Settings {
            mode: mode.map(RenewalMode::from),
            period: period.map(p),
            termination_policy: policy.map(TerminationPolicy::from),
        }
    }

    #[test]
    fn differs_lists_what_the_target_changes_from_current_to_target() {
        let manual = Target::new(RenewalMode::Manual);
        let yearly = Target::new(RenewalMode::Automatic).period(p("P1Y"));
        let keep = Target::new(RenewalMode::Manual).termination_policy(TerminationPolicy::Empty);
        let text =
            |changes: Vec<FieldChange>| changes.iter().map(ToString::to_string).collect::<Vec<_>>();
        let cases: [(&Target, Settings, Vec<&str>); 7] = [
            (&manual, settings(Some("manual"), None, None), vec![]),
            (
                &manual,
                settings(Some("automatic"), Some("P1M"), None),
                vec!["mode automatic -> manual"],
            ),
            (
                &manual,
                settings(None, None, None),
                vec!["mode - -> manual"],
            ),
            // P12M is P1Y: nothing to do.
            (
                &yearly,
                settings(Some("automatic"), Some("P12M"), None),
                vec![],
            ),
            (
                &yearly,
                settings(Some("manual"), None, None),
                vec!["mode manual -> automatic", "period - -> P1Y"],
            ),
            (&keep, settings(Some("manual"), None, Some("empty")), vec![]),
            (
                &keep,
                settings(Some("manual"), None, Some("terminateAtExpirationDate")),
                vec!["termination policy terminateAtExpirationDate -> empty"],
            ),
        ];
        for (target, current, want) in cases {
            assert_eq!(
                text(target.differs(&current)),
                want,
                "{target} from {current}"
            );
        }
    }

    #[test]
    fn the_termination_policy_is_read_from_the_pending_actions() {
        let with = |pending: Vec<Action>| {
            let mut view = ServiceView::new(ServiceId(1));
            let mut lifecycle = crate::models::Lifecycle::default();
            lifecycle.current.pending_actions = pending;
            view.billing.lifecycle = Some(lifecycle);
            Settings::of(&view).termination_policy
        };
        assert_eq!(with(vec![]), Some(TerminationPolicy::Empty));
        assert_eq!(
            with(vec![
                Action::EarlyRenewal,
                Action::TerminateAtExpirationDate
            ]),
            Some(TerminationPolicy::TerminateAtExpirationDate)
        );
        assert_eq!(
            with(vec![Action::TerminateAtEngagementDate]),
            Some(TerminationPolicy::TerminateAtEngagementDate)
        );
        // No lifecycle at all: unknown, not "empty".
        assert_eq!(
            Settings::of(&ServiceView::new(ServiceId(1))).termination_policy,
            None
        );
    }

    #[test]
    fn refusals_name_the_field_and_what_the_service_can_take() {
        let refused = SkipReason::refused(&RefusedChange::Period {
            asked: p("P2Y"),
            accepted: vec![p("P1M"), p("P12M")],
        });
        assert_eq!(
            refused.to_string(),
            "not allowed: cannot take period P2Y; it can take P1M, P12M"
        );
        assert!(refused.is_refusal());
        let none = SkipReason::refused(&RefusedChange::Mode {
            asked: RenewalMode::Manual,
            accepted: vec![],
        });
        assert_eq!(
            none.to_string(),
            "not allowed: cannot take mode manual; it can take nothing"
        );
        assert!(!SkipReason::AlreadyThere.is_refusal());
        assert!(
            !SkipReason::OptionOfParent {
                parent: ServiceId(2)
            }
            .is_refusal()
        );
    }

    #[test]
    fn the_update_sends_every_field_of_the_target_as_given() {
        let body = |t: &Target| serde_json::to_string(&t.update()).unwrap();
        assert_eq!(
            body(&Target::new(RenewalMode::Manual)),
            r#"{"renew":{"mode":"manual"}}"#
        );
        assert_eq!(
            body(&Target::new(RenewalMode::Manual).period(p("P12M"))),
            r#"{"renew":{"mode":"manual","period":"P12M"}}"#
        );
    }

    #[test]
    fn a_line_is_done_only_when_applied_and_visible_or_when_there_was_nothing_to_do() {
        let line = |outcome| AppliedLine {
            service_id: ServiceId(1),
            name: None,
            before: None,
            after: None,
            changed: Vec::new(),
            at_target: None,
            outcome,
        };
        let failure = Failure {
            step: "update".into(),
            message: "boom".into(),
            status: None,
            query_id: None,
        };
        let cases = [
            (ApplyOutcome::Applied, true),
            (
                ApplyOutcome::NotSent {
                    reason: "already there".into(),
                    problem: false,
                },
                true,
            ),
            (
                ApplyOutcome::NotSent {
                    reason: "not allowed".into(),
                    problem: true,
                },
                false,
            ),
            (
                ApplyOutcome::AcceptedNotVisible { fields: Vec::new() },
                false,
            ),
            (
                ApplyOutcome::AcceptedRereadFailed {
                    failure: failure.clone(),
                },
                false,
            ),
            (
                ApplyOutcome::Failed {
                    failure: failure.clone(),
                    may_have_been_applied: true,
                },
                false,
            ),
            (
                ApplyOutcome::Failed {
                    failure,
                    may_have_been_applied: false,
                },
                false,
            ),
        ];
        for (outcome, done) in cases {
            assert_eq!(line(outcome.clone()).is_done(), done, "{outcome:?}");
        }
    }
}
