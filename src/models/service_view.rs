//! [`ServiceView`] (`services.expanded.Service`, the answer of `GET /services/{serviceId}`,
//! OVH v1 BETA) and its parts; [`ServiceFilter`], the query of `GET /services`.

use serde::{Deserialize, Serialize};

use super::date_or_time::{self, DateOrTime};
use super::open_enum::open_enum;
use super::serde_helpers::null_default;
use super::service::ServiceRoute;
use super::{Price, RenewPeriod, ServiceId};

open_enum! {
    /// A renewal mode of the `/services` view (`services.expanded.Renew` `mode`,
    /// `services.update.Service` `renew.mode`).
    pub enum RenewalMode {
        /// OVH renews the service itself and charges the account's default payment method.
        Automatic = "automatic",
        /// The owner renews it (an order, e.g. through `workflow::renew`).
        Manual = "manual",
    }
}

open_enum! {
    /// What happens to a service at the end of its engagement or its period
    /// (`services.update.Service` `terminationPolicy`).
    pub enum TerminationPolicy {
        /// Nothing scheduled: the service renews as its mode says.
        Empty = "empty",
        /// Terminated at the end of its engagement.
        TerminateAtEngagementDate = "terminateAtEngagementDate",
        /// Terminated at its expiration date.
        TerminateAtExpirationDate = "terminateAtExpirationDate",
    }
}

open_enum! {
    /// State of the resource behind a service in the view
    /// (`services.expanded.Resource` `state`).
    pub enum ViewResourceState {
        /// Active.
        Active = "active",
        /// Deleted.
        Deleted = "deleted",
        /// Suspended.
        Suspended = "suspended",
        /// Being activated.
        ToActivate = "toActivate",
        /// Scheduled for deletion.
        ToDelete = "toDelete",
        /// Scheduled for suspension.
        ToSuspend = "toSuspend",
    }
}

open_enum! {
    /// A lifecycle action of a service: pending (`pendingActions`) or possible
    /// (`capacities.actions`) (`services.expanded.Lifecycle` `ActionEnum`).
    pub enum LifecycleAction {
        /// OVH's automatic renewal of this service is under way (added in 2026).
        AutorenewInProgress = "autorenewInProgress",
        /// The owner scheduled the service for deletion at its expiration (added in 2026).
        DeleteAtExpiration = "deleteAtExpiration",
        /// The service can be renewed before its expiration.
        EarlyRenewal = "earlyRenewal",
        /// Termination.
        Terminate = "terminate",
        /// Termination at the end of the engagement.
        TerminateAtEngagementDate = "terminateAtEngagementDate",
        /// Termination at the expiration date.
        TerminateAtExpirationDate = "terminateAtExpirationDate",
    }
}

open_enum! {
    /// Lifecycle state of a service (`services.expanded.Lifecycle` `StateEnum`).
    pub enum LifecycleState {
        /// Active.
        Active = "active",
        /// In error.
        Error = "error",
        /// Being created (added in 2026).
        InCreation = "inCreation",
        /// Broken off (suspended by OVH).
        Rupture = "rupture",
        /// Terminated.
        Terminated = "terminated",
        /// To be renewed.
        ToRenew = "toRenew",
        /// Unpaid.
        Unpaid = "unpaid",
        /// Not renewed.
        Unrenewed = "unrenewed",
    }
}

open_enum! {
    /// What happens at the end of an engagement (`services.expanded.EndStrategyEnum`).
    pub enum EndStrategy {
        /// The service is cancelled.
        CancelService = "CANCEL_SERVICE",
        /// A new engagement starts.
        ReactivateEngagement = "REACTIVATE_ENGAGEMENT",
        /// No engagement, the default price.
        StopEngagementFallbackDefaultPrice = "STOP_ENGAGEMENT_FALLBACK_DEFAULT_PRICE",
        /// No engagement, the same price.
        StopEngagementKeepPrice = "STOP_ENGAGEMENT_KEEP_PRICE",
    }
}

open_enum! {
    /// How a pricing is billed (`services.billing.Pricing` `pricingType`).
    pub enum PricingType {
        /// By consumption.
        Consumption = "consumption",
        /// Bought once.
        Purchase = "purchase",
        /// Rented per period.
        Rental = "rental",
    }
}

/// The product of a resource in the view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewProduct {
    /// Product name, e.g. `vps-elite-8-8-160`.
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Product description.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
}

/// The resource behind a service in the view (`services.expanded.Resource`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ViewResource {
    /// Resource name (the service name of the product's routes).
    #[serde(default, deserialize_with = "null_default")]
    pub name: String,
    /// Display name.
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
    /// Resource state.
    #[serde(default)]
    pub state: Option<ViewResourceState>,
    /// Product.
    #[serde(default)]
    pub product: Option<ViewProduct>,
}

/// The current renewal of a service (`services.expanded.Renew` `current`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RenewCurrent {
    /// Mode; `None` when OVH sends none.
    #[serde(default)]
    pub mode: Option<RenewalMode>,
    /// When the next renewal happens (automatic mode).
    #[serde(default, with = "date_or_time::opt")]
    pub next_date: Option<DateOrTime>,
    /// The period of an automatic renewal.
    #[serde(default)]
    pub period: Option<RenewPeriod>,
}

/// What the renewal of a service may be switched to (`services.expanded.Renew`
/// `capacities`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenewCapacities {
    /// The modes the service accepts.
    #[serde(default, deserialize_with = "null_default")]
    pub mode: Vec<RenewalMode>,
}

/// Renewal of a service in the view (`services.expanded.Renew`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ViewRenew {
    /// The current renewal.
    #[serde(default, deserialize_with = "null_default")]
    pub current: RenewCurrent,
    /// What it may be switched to.
    #[serde(default, deserialize_with = "null_default")]
    pub capacities: RenewCapacities,
}

/// Where a service is in its life (`services.expanded.Lifecycle` `current`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LifecycleCurrent {
    /// State; `None` when OVH sends none.
    #[serde(default)]
    pub state: Option<LifecycleState>,
    /// Actions under way or scheduled (`autorenewInProgress`, `deleteAtExpiration`, …).
    #[serde(default, deserialize_with = "null_default")]
    pub pending_actions: Vec<LifecycleAction>,
    /// When it will be (or was) terminated.
    #[serde(default, with = "date_or_time::opt")]
    pub termination_date: Option<DateOrTime>,
    /// When it was created.
    #[serde(default, with = "date_or_time::opt")]
    pub creation_date: Option<DateOrTime>,
}

/// The lifecycle actions a service accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LifecycleCapacities {
    /// Actions.
    #[serde(default, deserialize_with = "null_default")]
    pub actions: Vec<LifecycleAction>,
}

/// Lifecycle of a service (`services.expanded.Lifecycle`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lifecycle {
    /// The current state and pending actions.
    #[serde(default, deserialize_with = "null_default")]
    pub current: LifecycleCurrent,
    /// What can be done (termination capacities, early renewal).
    #[serde(default, deserialize_with = "null_default")]
    pub capacities: LifecycleCapacities,
}

/// The rule applied at the end of an engagement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EngagementEndRule {
    /// The rule in force.
    #[serde(default)]
    pub strategy: Option<EndStrategy>,
    /// The rules it may be switched to.
    #[serde(default, deserialize_with = "null_default")]
    pub possible_strategies: Vec<EndStrategy>,
}

/// Engagement (commitment) of a service (`services.expanded.Engagement`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Engagement {
    /// End of the engagement.
    #[serde(default, with = "date_or_time::opt")]
    pub end_date: Option<DateOrTime>,
    /// What happens then.
    #[serde(default)]
    pub end_rule: Option<EngagementEndRule>,
}

/// Pricing of a service (`services.billing.Pricing`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServicePricing {
    /// Pricing capacities as sent (`renew`, `installation`, …).
    #[serde(default, deserialize_with = "null_default")]
    pub capacities: Vec<String>,
    /// Description, e.g. `Monthly fees`.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The billed duration, e.g. `P1M`, `P12M`.
    #[serde(default)]
    pub duration: Option<RenewPeriod>,
    /// The interval, in units of the duration (as sent).
    #[serde(default)]
    pub interval: Option<i64>,
    /// The price (excluding tax).
    #[serde(default)]
    pub price: Option<Price>,
    /// The exact price in micro-cents, as sent.
    #[serde(default)]
    pub price_in_ucents: Option<i64>,
    /// Pricing mode, e.g. `default`.
    #[serde(default)]
    pub pricing_mode: Option<String>,
    /// How it is billed.
    #[serde(default)]
    pub pricing_type: Option<PricingType>,
}

/// Commercial plan of a service in the view.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ViewPlan {
    /// Plan code.
    #[serde(default, deserialize_with = "null_default")]
    pub code: String,
    /// Name on invoices.
    #[serde(default, deserialize_with = "null_default")]
    pub invoice_name: String,
}

/// Billing of a service in the view (`services.expanded.Billing`; every part nullable).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ViewBilling {
    /// Expiration.
    #[serde(default, with = "date_or_time::opt")]
    pub expiration_date: Option<DateOrTime>,
    /// Next billing.
    #[serde(default, with = "date_or_time::opt")]
    pub next_billing_date: Option<DateOrTime>,
    /// Renewal: mode, period, next date, and what it may be switched to.
    #[serde(default)]
    pub renew: Option<ViewRenew>,
    /// Lifecycle: state, pending actions, termination.
    #[serde(default)]
    pub lifecycle: Option<Lifecycle>,
    /// Engagement.
    #[serde(default)]
    pub engagement: Option<Engagement>,
    /// Pricing.
    #[serde(default)]
    pub pricing: Option<ServicePricing>,
    /// Plan.
    #[serde(default)]
    pub plan: Option<ViewPlan>,
}

/// A service as the `/services` view shows it (`services.expanded.Service`, the answer of
/// `GET /services/{serviceId}` and the items of a paged `GET /services`).
///
/// ```
/// use ovh_renew::models::{LifecycleAction, RenewalMode, ServiceView};
///
/// let view: ServiceView = serde_json::from_str(r#"{
///     "serviceId": 118977335, "parentServiceId": null,
///     "resource": {"name": "vps-0baa4fcf.vps.ovh.net", "displayName": "vps", "state": "active"},
///     "billing": {
///         "expirationDate": "2023-08-01T17:31:17+02:00",
///         "renew": {"current": {"mode": "automatic", "period": "P1M"}, "capacities": {"mode": ["automatic", "manual"]}},
///         "lifecycle": {"current": {"state": "active", "pendingActions": ["autorenewInProgress"]}}
///     }
/// }"#)?;
/// assert_eq!(view.renewal_mode(), Some(&RenewalMode::Automatic));
/// assert!(view.has_pending(&LifecycleAction::AutorenewInProgress));
/// assert_eq!(view.expiration().map(|d| d.to_string()).as_deref(), Some("2023-08-01"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceView {
    /// The service.
    pub service_id: ServiceId,
    /// The service this one is an option of.
    #[serde(default)]
    pub parent_service_id: Option<ServiceId>,
    /// API route of the service (nullable in the view).
    #[serde(default)]
    pub route: Option<ServiceRoute>,
    /// The resource.
    #[serde(default, deserialize_with = "null_default")]
    pub resource: ViewResource,
    /// Billing: dates, renewal, lifecycle, engagement, pricing, plan.
    #[serde(default, deserialize_with = "null_default")]
    pub billing: ViewBilling,
    /// Tags.
    #[serde(default, deserialize_with = "null_default")]
    pub tags: Vec<String>,
}

impl ServiceView {
    /// A service with every part empty.
    pub fn new(service_id: ServiceId) -> Self {
        Self {
            service_id,
            parent_service_id: None,
            route: None,
            resource: ViewResource::default(),
            billing: ViewBilling::default(),
            tags: Vec::new(),
        }
    }

    /// The current renewal mode, if OVH sent one.
    pub fn renewal_mode(&self) -> Option<&RenewalMode> {
        self.billing.renew.as_ref()?.current.mode.as_ref()
    }

    /// The current automatic-renewal period, if OVH sent one.
    pub fn renewal_period(&self) -> Option<&RenewPeriod> {
        self.billing.renew.as_ref()?.current.period.as_ref()
    }

    /// The modes the service can be switched to (`renew.capacities.mode`).
    pub fn renewal_capacities(&self) -> &[RenewalMode] {
        self.billing
            .renew
            .as_ref()
            .map_or(&[], |r| r.capacities.mode.as_slice())
    }

    /// The lifecycle state, if OVH sent one.
    pub fn lifecycle_state(&self) -> Option<&LifecycleState> {
        self.billing.lifecycle.as_ref()?.current.state.as_ref()
    }

    /// The pending lifecycle actions.
    pub fn pending_actions(&self) -> &[LifecycleAction] {
        self.billing
            .lifecycle
            .as_ref()
            .map_or(&[], |l| l.current.pending_actions.as_slice())
    }

    /// Whether `action` is pending.
    pub fn has_pending(&self, action: &LifecycleAction) -> bool {
        self.pending_actions().contains(action)
    }

    /// The expiration date, as OVH meant it (its local date).
    pub fn expiration(&self) -> Option<chrono::NaiveDate> {
        self.billing.expiration_date.map(|d| d.date())
    }

    /// The route template, e.g. `/vps/{serviceName}`.
    pub fn route_path(&self) -> Option<&str> {
        self.route.as_ref()?.path.as_deref()
    }
}

/// The query of `GET /services`: which services to list. Empty: every service.
///
/// ```
/// use ovh_renew::models::ServiceFilter;
///
/// let filter = ServiceFilter::all().route("/vps").route("/domain").resource_name("agora3.ovh");
/// assert_eq!(filter.routes, ["/vps", "/domain"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceFilter {
    /// API route paths (`/vps`, `/domain`, …), sent comma-separated as `routes`.
    pub routes: Vec<String>,
    /// A resource name, sent as `resourceName`.
    pub resource_name: Option<String>,
}

impl ServiceFilter {
    /// Every service.
    pub fn all() -> Self {
        Self::default()
    }

    /// Adds a route path (`/vps`).
    pub fn route(mut self, route: impl Into<String>) -> Self {
        self.routes.push(route.into());
        self
    }

    /// Only the services of this resource name.
    pub fn resource_name(mut self, name: impl Into<String>) -> Self {
        self.resource_name = Some(name.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn vps_fixture() {
        let view: ServiceView = decode(fixture!("services_get_vps"));
        assert_eq!(view.service_id, ServiceId(118_977_335));
        assert_eq!(view.parent_service_id, None);
        assert_eq!(view.route_path(), Some("/vps/{serviceName}"));
        assert_eq!(view.resource.name, "vps-0baa4fcf.vps.ovh.net");
        assert_eq!(view.resource.state, Some(ViewResourceState::Active));
        assert_eq!(
            view.resource.product.as_ref().map(|p| p.name.as_str()),
            Some("vps-elite-8-8-160")
        );
        assert_eq!(view.renewal_mode(), Some(&RenewalMode::Automatic));
        assert_eq!(view.renewal_period().and_then(RenewPeriod::months), Some(1));
        assert_eq!(
            view.renewal_capacities(),
            [RenewalMode::Automatic, RenewalMode::Manual]
        );
        assert_eq!(view.lifecycle_state(), Some(&LifecycleState::Active));
        assert!(view.pending_actions().is_empty());
        let lifecycle = view.billing.lifecycle.as_ref().unwrap();
        assert_eq!(
            lifecycle.capacities.actions,
            [
                LifecycleAction::EarlyRenewal,
                LifecycleAction::TerminateAtExpirationDate
            ]
        );
        assert_eq!(view.expiration().unwrap().to_string(), "2023-08-01");
        assert_eq!(
            view.billing.expiration_date.unwrap().to_string(),
            "2023-08-01T17:31:17+02:00"
        );
        let pricing = view.billing.pricing.as_ref().unwrap();
        assert_eq!(pricing.price_in_ucents, Some(3_450_000_000));
        assert_eq!(pricing.price.as_ref().unwrap().ucents(), 3_450_000_000);
        assert_eq!(pricing.pricing_type, Some(PricingType::Rental));
        assert_eq!(
            view.billing.plan.as_ref().unwrap().invoice_name,
            "VPS Elite 8-8-160"
        );
        roundtrip(&view);
    }

    #[test]
    fn domain_fixture_manual_with_nulls() {
        let view: ServiceView = decode(fixture!("services_get_domain_manual"));
        assert_eq!(view.renewal_mode(), Some(&RenewalMode::Manual));
        assert_eq!(view.renewal_period(), None);
        let renew = view.billing.renew.as_ref().unwrap();
        assert_eq!(renew.current.next_date, None);
        assert_eq!(
            view.billing
                .pricing
                .as_ref()
                .and_then(|p| p.duration.as_ref())
                .map(RenewPeriod::as_str),
            Some("P12M")
        );
        assert!(view.billing.engagement.is_none());
        roundtrip(&view);
    }

    #[test]
    fn sparse_and_unknown_values_decode() {
        let view: ServiceView = decode(
            r#"{"serviceId":7,"route":null,"resource":null,"billing":{"renew":null,
                "lifecycle":{"current":{"state":"hibernating","pendingActions":["deleteAtExpiration","teleport"],
                "terminationDate":"2026-03-01"}},"engagement":{"endDate":"2027-01-01","endRule":{"strategy":"NEW_RULE"}}},
                "tags":null,"novel":{"x":1}}"#,
        );
        assert_eq!(view.route, None);
        assert_eq!(view.renewal_mode(), None);
        assert!(view.renewal_capacities().is_empty());
        assert_eq!(
            view.lifecycle_state(),
            Some(&LifecycleState::Other("hibernating".into()))
        );
        assert!(view.has_pending(&LifecycleAction::DeleteAtExpiration));
        assert_eq!(
            view.pending_actions()[1],
            LifecycleAction::Other("teleport".into())
        );
        let termination = view
            .billing
            .lifecycle
            .as_ref()
            .unwrap()
            .current
            .termination_date;
        assert_eq!(termination.unwrap().to_string(), "2026-03-01");
        roundtrip(&view);
        roundtrip(&ServiceView::new(ServiceId(1)));
        assert!(serde_json::from_str::<ServiceView>(r#"{"resource":{}}"#).is_err());
    }
}
