//! [`Service`] (`serviceList.Service`, the answer of `GET /service/{serviceId}`) and its parts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::RenewPeriod;
use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_date};

open_enum! {
    /// Billing state of a service (`service.BillingStateEnum`).
    pub enum BillingState {
        /// The service has expired.
        Expired = "expired",
        /// The service is paid and active.
        Ok = "ok",
        /// A payment is pending.
        Pending = "pending",
        /// The service is unpaid.
        Unpaid = "unpaid",
    }
}

open_enum! {
    /// State of the resource behind a service (`service.ResourceStateEnum`).
    pub enum ResourceState {
        /// Deleted.
        Deleted = "deleted",
        /// Being deleted.
        Deleting = "deleting",
        /// Active.
        Ok = "ok",
        /// Being opened.
        Opening = "opening",
        /// Suspended.
        Suspended = "suspended",
        /// Being suspended.
        Suspending = "suspending",
        /// Scheduled for deletion.
        ToDelete = "toDelete",
        /// Scheduled for opening.
        ToOpen = "toOpen",
        /// Scheduled for suspension.
        ToSuspend = "toSuspend",
    }
}

open_enum! {
    /// Renewal mode of a service (`service.renew.Mode`).
    pub enum RenewMode {
        /// Renewal forced by the product.
        AutomaticForcedProduct = "automaticForcedProduct",
        /// 2012 automatic renewal.
        AutomaticV2012 = "automaticV2012",
        /// 2014 automatic renewal.
        AutomaticV2014 = "automaticV2014",
        /// 2016 automatic renewal.
        AutomaticV2016 = "automaticV2016",
        /// 2024 automatic renewal (added in 2026).
        AutomaticV2024 = "automaticV2024",
        /// Deleted at the end of the commitment.
        DeleteAtEndEngagement = "deleteAtEndEngagement",
        /// Deleted at expiration.
        DeleteAtExpiration = "deleteAtExpiration",
        /// Manual renewal.
        Manual = "manual",
        /// Not renewable: bought once.
        OneShot = "oneShot",
        /// Option of another service.
        Option = "option",
    }
}

/// A key/value pair (`complexType.SafeKeyValue<string>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyValue {
    /// The key.
    #[serde(default, deserialize_with = "null_default")]
    pub key: String,
    /// The value.
    #[serde(default, deserialize_with = "null_default")]
    pub value: String,
}

impl KeyValue {
    /// A pair.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// API route of a service (`service.Route`), e.g. path `/vps/{serviceName}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceRoute {
    /// Route template, e.g. `/vps/{serviceName}`.
    #[serde(default)]
    pub path: Option<String>,
    /// Route with its variables filled in, e.g. `/vps/vps-0baa4fcf.vps.ovh.net`.
    #[serde(default)]
    pub url: Option<String>,
    /// Values of the template variables.
    #[serde(default, deserialize_with = "nullable_list")]
    pub vars: Vec<KeyValue>,
}

/// The resource behind a service (`service.Resource`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceResource {
    /// Resource name (usually the service name).
    #[serde(default)]
    pub name: Option<String>,
    /// Display name (writable through `PUT /service/{serviceId}`).
    #[serde(default, deserialize_with = "null_default")]
    pub display_name: String,
    /// Resource state.
    #[serde(default)]
    pub state: Option<ResourceState>,
}

/// Renewal configuration of a service (`service.Renew`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceRenew {
    /// Current renewal mode.
    pub mode: RenewMode,
    /// Current renewal interval (`service.renew.Interval`: `P1M`, `P3M`, `P6M`, `P1Y`, ...).
    #[serde(default)]
    pub interval: Option<RenewPeriod>,
    /// Allowed intervals.
    #[serde(default, deserialize_with = "nullable_list")]
    pub possible_intervals: Vec<RenewPeriod>,
    /// Allowed modes.
    #[serde(default, deserialize_with = "nullable_list")]
    pub possible_modes: Vec<RenewMode>,
    /// Day of the month the renewal happens on.
    #[serde(default)]
    pub day_of_month: Option<u32>,
}

impl ServiceRenew {
    /// A renewal configuration in `mode`, with every other field empty.
    pub fn new(mode: RenewMode) -> Self {
        Self {
            mode,
            interval: None,
            possible_intervals: Vec::new(),
            possible_modes: Vec::new(),
            day_of_month: None,
        }
    }
}

/// Product of a [`ServicePlan`] (`service.plan.Product`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PlanProduct {
    /// Product name.
    #[serde(default)]
    pub name: Option<String>,
}

/// Commercial plan of a service (`service.Plan`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServicePlan {
    /// Plan code, e.g. `vps-elite-8-8-160`.
    #[serde(default)]
    pub code: Option<String>,
    /// The plan's product.
    #[serde(default, deserialize_with = "null_default")]
    pub product: PlanProduct,
}

/// A billed service as seen by `GET /service/{serviceId}` (`serviceList.Service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Service {
    /// API route of the service.
    #[serde(default, deserialize_with = "null_default")]
    pub route: ServiceRoute,
    /// The underlying resource.
    #[serde(default, deserialize_with = "null_default")]
    pub resource: ServiceResource,
    /// Creation date.
    #[serde(default, with = "opt_date")]
    pub creation_date: Option<NaiveDate>,
    /// Expiration date.
    #[serde(default, with = "opt_date")]
    pub expiration_date: Option<NaiveDate>,
    /// Next billing date.
    #[serde(default, with = "opt_date")]
    pub next_billing_date: Option<NaiveDate>,
    /// End of the commitment, if any.
    #[serde(default, with = "opt_date")]
    pub engagement_date: Option<NaiveDate>,
    /// Billing state.
    pub state: BillingState,
    /// Renewal configuration.
    #[serde(default)]
    pub renew: Option<ServiceRenew>,
    /// Commercial plan.
    #[serde(default, deserialize_with = "null_default")]
    pub plan: ServicePlan,
    /// Quantity.
    #[serde(default, deserialize_with = "null_default")]
    pub quantity: i64,
    /// Extra details.
    #[serde(default, deserialize_with = "nullable_list")]
    pub details: Vec<KeyValue>,
}

impl Service {
    /// A service in billing `state`, with every other field empty.
    pub fn new(state: BillingState) -> Self {
        Self {
            route: ServiceRoute::default(),
            resource: ServiceResource::default(),
            creation_date: None,
            expiration_date: None,
            next_billing_date: None,
            engagement_date: None,
            state,
            renew: None,
            plan: ServicePlan::default(),
            quantity: 0,
            details: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn vps_fixture() {
        let service: Service = decode(fixture!("service_get_vps"));
        assert_eq!(service.route.path.as_deref(), Some("/vps/{serviceName}"));
        assert_eq!(
            service.route.url.as_deref(),
            Some("/vps/vps-0baa4fcf.vps.ovh.net")
        );
        assert_eq!(
            service.route.vars,
            [KeyValue::new("serviceName", "vps-0baa4fcf.vps.ovh.net")]
        );
        assert_eq!(service.resource.display_name, "vps-0baa4fcf.vps.ovh.net");
        assert_eq!(service.resource.state, Some(ResourceState::Ok));
        assert_eq!(service.creation_date, NaiveDate::from_ymd_opt(2023, 1, 16));
        assert_eq!(
            service.next_billing_date,
            NaiveDate::from_ymd_opt(2023, 8, 1)
        );
        assert_eq!(service.engagement_date, None);
        assert_eq!(service.state, BillingState::Ok);
        assert_eq!(service.plan.code.as_deref(), Some("vps-elite-8-8-160"));
        assert_eq!(
            service.plan.product.name.as_deref(),
            Some("vps-elite-8-8-160")
        );
        assert_eq!(service.quantity, 1);
        assert!(service.details.is_empty());
        let renew = service.renew.clone().unwrap();
        assert_eq!(renew.mode, RenewMode::AutomaticV2016);
        assert_eq!(
            renew.interval.as_ref().and_then(RenewPeriod::months),
            Some(1)
        );
        let intervals: Vec<_> = renew
            .possible_intervals
            .iter()
            .map(RenewPeriod::months)
            .collect();
        assert_eq!(intervals, [Some(1), Some(3), Some(6), Some(12)]);
        assert_eq!(
            renew.possible_modes,
            [RenewMode::AutomaticV2016, RenewMode::Manual]
        );
        assert_eq!(renew.day_of_month, Some(1));
        roundtrip(&service);
    }

    #[test]
    fn sparse_and_unknown() {
        let service: Service = decode(
            r#"{"state":"blocked","renew":{"mode":"automaticV2099","possibleModes":["deleteAtExpiration","x"]},
                "resource":{"displayName":"d","state":"archived"},"plan":null,"novel":true}"#,
        );
        assert_eq!(service.state, BillingState::Other("blocked".into()));
        assert_eq!(
            service.resource.state,
            Some(ResourceState::Other("archived".into()))
        );
        let renew = service.renew.as_ref().unwrap();
        assert_eq!(renew.mode, RenewMode::Other("automaticV2099".into()));
        assert_eq!(renew.mode.as_str(), "automaticV2099");
        assert_eq!(renew.possible_modes[0], RenewMode::DeleteAtExpiration);
        assert_eq!(service.plan, ServicePlan::default());
        assert_eq!(service.quantity, 0);
        roundtrip(&service);
        let mut built = Service::new(BillingState::Pending);
        built.renew = Some(ServiceRenew::new(RenewMode::Manual));
        roundtrip(&built);
    }

    /// An interval that is not whole months is kept, never failing the service around it.
    #[test]
    fn an_odd_interval_is_kept_verbatim() {
        let service: Service = decode(
            r#"{"state":"ok","renew":{"mode":"manual","interval":"P30D","possibleIntervals":["P1M","PT720H"]}}"#,
        );
        let renew = service.renew.as_ref().unwrap();
        assert_eq!(
            renew.interval.as_ref().map(RenewPeriod::as_str),
            Some("P30D")
        );
        assert_eq!(renew.interval.as_ref().and_then(RenewPeriod::months), None);
        let possible = &renew.possible_intervals;
        assert_eq!(possible[0].months(), Some(1));
        assert_eq!(possible[1].as_str(), "PT720H");
        roundtrip(&service);
    }
}
