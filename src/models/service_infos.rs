//! [`ServiceInfos`] (`services.Service`, the answer of every `…/serviceInfos`) with
//! [`RenewSettings`], [`ServiceStatus`] and [`RenewalType`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_date};
use super::{RenewPeriod, ServiceId};

open_enum! {
    /// State of a service (`service.StateEnum`).
    pub enum ServiceStatus {
        /// An automatic renewal is being processed (added in 2025).
        AutorenewInProgress = "autorenewInProgress",
        /// The service has expired.
        Expired = "expired",
        /// The service is being created.
        InCreation = "inCreation",
        /// The service is active.
        Ok = "ok",
        /// A debt is pending.
        PendingDebt = "pendingDebt",
        /// The service is unpaid.
        UnPaid = "unPaid",
    }
}

open_enum! {
    /// Renewal contract of a service (`service.RenewalTypeEnum`).
    pub enum RenewalType {
        /// Renewal forced by the product.
        AutomaticForcedProduct = "automaticForcedProduct",
        /// 2012 automatic renewal contract.
        AutomaticV2012 = "automaticV2012",
        /// 2014 automatic renewal contract.
        AutomaticV2014 = "automaticV2014",
        /// 2016 automatic renewal contract.
        AutomaticV2016 = "automaticV2016",
        /// 2024 automatic renewal contract (added in 2026).
        AutomaticV2024 = "automaticV2024",
        /// Manual renewal.
        Manual = "manual",
        /// Not renewable: bought once.
        OneShot = "oneShot",
        /// Option of another service, renewed with it.
        Option = "option",
    }
}

/// Renewal settings of a service (`service.RenewType`), the writable part of
/// [`ServiceInfos`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RenewSettings {
    /// The service is renewed automatically.
    #[serde(default, deserialize_with = "null_default")]
    pub automatic: bool,
    /// The service is forced to be renewed.
    #[serde(default, deserialize_with = "null_default")]
    pub forced: bool,
    /// The service is deleted at expiration.
    #[serde(default, deserialize_with = "null_default")]
    pub delete_at_expiration: bool,
    /// The service must be renewed and paid manually (nullable).
    #[serde(default)]
    pub manual_payment: Option<bool>,
    /// Renewal period **in months** (nullable).
    #[serde(default)]
    pub period: Option<u32>,
}

/// Billing information of a service (`services.Service`), returned by
/// `GET /{product}/{serviceName}/serviceInfos`. Its `service_id` is what
/// `/service/{serviceId}/renew` needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceInfos {
    /// Id of the service for the `/service` API.
    pub service_id: ServiceId,
    /// The service name, e.g. `vps-0baa4fcf.vps.ovh.net` or `agora3.ovh`.
    #[serde(default, deserialize_with = "null_default")]
    pub domain: String,
    /// State of the service.
    pub status: ServiceStatus,
    /// Renewal contract.
    pub renewal_type: RenewalType,
    /// Creation date.
    #[serde(default, with = "opt_date")]
    pub creation: Option<NaiveDate>,
    /// Expiration date.
    #[serde(default, with = "opt_date")]
    pub expiration: Option<NaiveDate>,
    /// End of the commitment period, if any.
    #[serde(default, with = "opt_date")]
    pub engaged_up_to: Option<NaiveDate>,
    /// Possible renewal periods **in months**, e.g. `[1, 3, 6, 12]`.
    #[serde(default, deserialize_with = "nullable_list")]
    pub possible_renew_period: Vec<u32>,
    /// Renewal settings.
    #[serde(default)]
    pub renew: Option<RenewSettings>,
    /// The service can be set to be deleted at expiration.
    #[serde(default, deserialize_with = "null_default")]
    pub can_delete_at_expiration: bool,
    /// NIC handle of the administrative contact.
    #[serde(default, deserialize_with = "null_default")]
    pub contact_admin: String,
    /// NIC handle of the billing contact.
    #[serde(default, deserialize_with = "null_default")]
    pub contact_billing: String,
    /// NIC handle of the technical contact.
    #[serde(default, deserialize_with = "null_default")]
    pub contact_tech: String,
}

impl ServiceInfos {
    /// Infos for `service_id` named `domain`, with status [`ServiceStatus::Ok`], renewal
    /// type [`RenewalType::Manual`], and every other field empty.
    pub fn new(service_id: ServiceId, domain: impl Into<String>) -> Self {
        Self {
            service_id,
            domain: domain.into(),
            status: ServiceStatus::Ok,
            renewal_type: RenewalType::Manual,
            creation: None,
            expiration: None,
            engaged_up_to: None,
            possible_renew_period: Vec::new(),
            renew: None,
            can_delete_at_expiration: false,
            contact_admin: String::new(),
            contact_billing: String::new(),
            contact_tech: String::new(),
        }
    }

    /// `true` only when renewal settings are present and `automatic` is `true`.
    ///
    /// A service renewed automatically does not need a manual renew order.
    pub fn is_automatic_renewal(&self) -> bool {
        self.renew.as_ref().is_some_and(|renew| renew.automatic)
    }

    /// The possible renewal periods as [`RenewPeriod`]s (`12` → `P1Y`); empty when unknown.
    pub fn possible_periods(&self) -> Vec<RenewPeriod> {
        self.possible_renew_period
            .iter()
            .map(|&months| RenewPeriod::from_months(months))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn vps_fixtures() {
        let vps: ServiceInfos = decode(fixture!("vps_service_infos"));
        assert_eq!(vps.service_id, ServiceId(118_977_335));
        assert_eq!(vps.domain, "vps-0baa4fcf.vps.ovh.net");
        assert_eq!(vps.status, ServiceStatus::Ok);
        assert_eq!(vps.renewal_type, RenewalType::AutomaticV2016);
        assert_eq!(vps.creation, date(2023, 1, 16));
        assert_eq!(vps.expiration, date(2023, 8, 1));
        assert_eq!(vps.engaged_up_to, None);
        assert_eq!(vps.possible_renew_period, [1, 3, 6, 12]);
        let texts: Vec<_> = vps
            .possible_periods()
            .iter()
            .map(|p| p.to_string())
            .collect();
        assert_eq!(texts, ["P1M", "P3M", "P6M", "P1Y"]);
        let renew = vps.renew.clone().unwrap();
        assert!(renew.automatic && !renew.forced && !renew.delete_at_expiration);
        assert_eq!((renew.manual_payment, renew.period), (Some(false), Some(1)));
        assert!(vps.can_delete_at_expiration);
        assert_eq!(vps.contact_admin, "ls148374-ovh");
        assert!(vps.is_automatic_renewal());
        roundtrip(&vps);

        let expired: ServiceInfos = decode(fixture!("vps_service_infos_expired"));
        assert_eq!(expired.status, ServiceStatus::Expired);
        assert_eq!(expired.service_id, ServiceId(30_500_113));
        assert!(!expired.is_automatic_renewal());
        assert_eq!(expired.renew.as_ref().and_then(|r| r.period), Some(12));
        roundtrip(&expired);

        let terminating: ServiceInfos = decode(fixture!("vps_service_infos_terminating"));
        assert_eq!(terminating.engaged_up_to, date(2023, 9, 23));
        assert!(terminating.renew.as_ref().unwrap().delete_at_expiration);
        roundtrip(&terminating);
    }

    #[test]
    fn other_product_fixtures() {
        let domain: ServiceInfos = decode(fixture!("domain_service_infos"));
        assert_eq!(domain.service_id, ServiceId(29_162_449));
        assert_eq!(domain.domain, "agora3.ovh");
        assert_eq!(domain.contact_billing, "ls148376-ovh");
        assert_eq!(domain.possible_renew_period.len(), 7);
        assert_eq!(
            domain.possible_periods().last().map(RenewPeriod::as_str),
            Some("P7Y")
        );
        assert!(!domain.is_automatic_renewal());
        assert_eq!(domain.renew.as_ref().unwrap().manual_payment, Some(true));
        roundtrip(&domain);

        let hosting: ServiceInfos = decode(fixture!("hosting_web_service_infos"));
        assert_eq!(hosting.service_id, ServiceId(29_162_512));
        assert_eq!(hosting.expiration, date(2023, 1, 27));
        roundtrip(&hosting);

        let dedicated: ServiceInfos = decode(fixture!("dedicated_server_service_infos"));
        assert_eq!(dedicated.status, ServiceStatus::AutorenewInProgress);
        assert_eq!(dedicated.renewal_type, RenewalType::AutomaticForcedProduct);
        assert_eq!(dedicated.renew.as_ref().unwrap().manual_payment, None);
        assert!(dedicated.renew.as_ref().unwrap().forced);
        assert_eq!(dedicated.engaged_up_to, date(2025, 3, 31));
        assert!(!dedicated.can_delete_at_expiration);
        roundtrip(&dedicated);
    }

    #[test]
    fn unknown_values_and_missing_fields() {
        let infos: ServiceInfos = decode(
            r#"{"serviceId":1,"domain":"x","status":"frozen","renewalType":"automaticV2099",
                "renew":null,"possibleRenewPeriod":null,"engagedUpTo":null,"brandNew":[1,2]}"#,
        );
        assert_eq!(
            infos.renewal_type,
            RenewalType::Other("automaticV2099".into())
        );
        assert_eq!(infos.status, ServiceStatus::Other("frozen".into()));
        assert_eq!(infos.creation, None);
        assert_eq!(infos.contact_tech, "");
        assert!(!infos.can_delete_at_expiration);
        assert!(!infos.is_automatic_renewal());
        assert!(infos.possible_periods().is_empty());
        let json = serde_json::to_string(&infos).unwrap();
        assert!(json.contains(r#""renewalType":"automaticV2099""#), "{json}");
        assert!(json.contains(r#""status":"frozen""#), "{json}");
        roundtrip(&infos);
        assert_eq!(
            decode::<RenewalType>(r#""automaticV2024""#),
            RenewalType::AutomaticV2024
        );
    }

    #[test]
    fn builder() {
        let mut infos = ServiceInfos::new(ServiceId(9), "vps-1.vps.ovh.net");
        infos.status = ServiceStatus::InCreation;
        infos.renewal_type = RenewalType::AutomaticV2024;
        infos.expiration = NaiveDate::from_ymd_opt(2030, 1, 1);
        infos.possible_renew_period = vec![1, 12];
        infos.renew = Some(RenewSettings {
            automatic: true,
            ..RenewSettings::default()
        });
        assert!(infos.is_automatic_renewal());
        assert_eq!(infos.possible_periods()[1].months(), Some(12));
        roundtrip(&infos);
    }
}
