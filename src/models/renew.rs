//! Renewal offers and requests: [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`]
//! and [`RenewRequest`].

use serde::{Deserialize, Serialize};

use super::serde_helpers::{null_default, nullable_list};
use super::{Price, RenewPeriod, ServiceId};

/// One renewal length offered by `GET /service/{serviceId}/renew`
/// (`service.renew.RenewDescription`) with the ways to pay for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RenewDescription {
    /// Length of the renewal, e.g. `P1Y`; send it back as [`RenewRequest::duration`].
    pub renew_period: RenewPeriod,
    /// The possible groupings of services for this period, each with its price.
    #[serde(default, deserialize_with = "nullable_list")]
    pub strategies: Vec<RenewStrategy>,
}

impl RenewDescription {
    /// A description of `renew_period` with the given strategies.
    pub fn new(renew_period: RenewPeriod, strategies: Vec<RenewStrategy>) -> Self {
        Self {
            renew_period,
            strategies,
        }
    }
}

/// A priced set of services that can be renewed together (`service.renew.RenewStrategy`).
///
/// When the API sends the strategy-level `priceInUcents` and `price` has none, decoding
/// copies it into [`price.price_in_ucents`](Price::price_in_ucents), so
/// [`price.ucents()`](Price::ucents) is exact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", from = "RawRenewStrategy")]
#[non_exhaustive]
pub struct RenewStrategy {
    /// Price of the renewal, **excluding tax**.
    pub price: Price,
    /// Exact price in micro-cents, as sent at strategy level (absent in the guide's example).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_in_ucents: Option<i64>,
    /// Ids to send in [`RenewRequest::services`] to buy this strategy.
    pub services: Vec<ServiceId>,
    /// Description of each service of the strategy (empty if the API omits it).
    pub services_details: Vec<ServiceDetail>,
}

impl RenewStrategy {
    /// A strategy renewing `services` for `price`, without details.
    pub fn new(price: Price, services: Vec<ServiceId>) -> Self {
        Self::from(RawRenewStrategy {
            price,
            price_in_ucents: None,
            services,
            services_details: Vec::new(),
        })
    }
}

/// Wire shape of [`RenewStrategy`], before the micro-cent amount is copied into the price.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRenewStrategy {
    price: Price,
    #[serde(default)]
    price_in_ucents: Option<i64>,
    #[serde(default, deserialize_with = "nullable_list")]
    services: Vec<ServiceId>,
    #[serde(default, deserialize_with = "nullable_list")]
    services_details: Vec<ServiceDetail>,
}

impl From<RawRenewStrategy> for RenewStrategy {
    fn from(raw: RawRenewStrategy) -> Self {
        let mut price = raw.price;
        if price.price_in_ucents.is_none() {
            price.price_in_ucents = raw.price_in_ucents;
        }
        Self {
            price,
            price_in_ucents: raw.price_in_ucents,
            services: raw.services,
            services_details: raw.services_details,
        }
    }
}

/// One service inside a [`RenewStrategy`] (`service.renew.Service`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceDetail {
    /// The service id.
    pub service_id: ServiceId,
    /// The service name (e.g. `agora3.ovh`); absent in the guide's 2018 example.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Human-readable product label such as `"Domain .ovh"`; not an enum, not a route.
    #[serde(default, deserialize_with = "null_default")]
    pub service_type: String,
}

impl ServiceDetail {
    /// A detail for `service_id` with a display label.
    pub fn new(service_id: ServiceId, service_type: impl Into<String>) -> Self {
        Self {
            service_id,
            service_name: None,
            service_type: service_type.into(),
        }
    }
}

/// Why a [`RenewRequest`] must not be sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenewRequestError {
    /// The service list is empty.
    #[error("a renew request needs at least one service id")]
    NoServices,
    /// The duration is zero (`P0M`, `P0D`, `PT0S`).
    #[error("a renew request needs a duration above zero, got {0}")]
    ZeroDuration(RenewPeriod),
}

/// Body of `POST /service/{serviceId}/renew`.
///
/// Serializes to exactly `{"dryRun":…,"duration":"…","services":[…]}`, in that key order.
/// With `dryRun: true` OVH only prices the renewal; with `false` it creates an order.
///
/// ```
/// use ovh_renew::models::{RenewRequestError, RenewPeriod, RenewRequest, ServiceId};
///
/// let period: RenewPeriod = "P1Y".parse()?;
/// let request = RenewRequest::order(period.clone(), vec![ServiceId(67890), ServiceId(12345)]);
/// assert!(!request.is_dry_run());
/// assert_eq!(request.validate(), Ok(()));
/// assert_eq!(
///     serde_json::to_string(&request).unwrap(),
///     r#"{"dryRun":false,"duration":"P1Y","services":[67890,12345]}"#,
/// );
///
/// let empty = RenewRequest::dry_run(period, vec![]);
/// assert_eq!(empty.validate(), Err(RenewRequestError::NoServices));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RenewRequest {
    /// `true` to only get the price, `false` to create the order (optional on the wire;
    /// decoded as `false` when missing).
    #[serde(default)]
    pub dry_run: bool,
    /// Renewal length, one of the [`RenewDescription::renew_period`] values.
    pub duration: RenewPeriod,
    /// Services to renew, usually a [`RenewStrategy::services`] list.
    pub services: Vec<ServiceId>,
}

impl RenewRequest {
    /// A request that only prices the renewal (`dryRun: true`); no order is created.
    pub fn dry_run(duration: RenewPeriod, services: Vec<ServiceId>) -> Self {
        Self {
            dry_run: true,
            duration,
            services,
        }
    }

    /// A request that creates the renewal order (`dryRun: false`).
    pub fn order(duration: RenewPeriod, services: Vec<ServiceId>) -> Self {
        Self {
            dry_run: false,
            duration,
            services,
        }
    }

    /// `true` if this request only prices the renewal.
    pub fn is_dry_run(&self) -> bool {
        self.dry_run
    }

    /// Checks the request before it is sent; the client calls this and sends nothing on error.
    ///
    /// Refuses an empty service list ([`RenewRequestError::NoServices`]), even for a dry run
    /// (the OVH Manager sends `services: []`, but its answer is undocumented), and a zero
    /// duration ([`RenewRequestError::ZeroDuration`]).
    pub fn validate(&self) -> Result<(), RenewRequestError> {
        if self.services.is_empty() {
            return Err(RenewRequestError::NoServices);
        }
        if self.duration.is_zero() {
            return Err(RenewRequestError::ZeroDuration(self.duration.clone()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::CurrencyCode;
    use crate::models::test_support::{decode, fixture, roundtrip};

    fn period(text: &str) -> RenewPeriod {
        text.parse().unwrap()
    }

    #[test]
    fn domain_descriptions() {
        let descriptions: Vec<RenewDescription> = decode(fixture!("renew_descriptions_domain"));
        assert_eq!(descriptions.len(), 2);
        let year = &descriptions[0];
        assert_eq!(year.renew_period.as_str(), "P1Y");
        assert_eq!(year.renew_period.months(), Some(12));
        assert_eq!(year.strategies.len(), 2);
        let bundle = &year.strategies[1];
        assert_eq!(
            bundle.services,
            [ServiceId(29_162_512), ServiceId(29_162_449)]
        );
        assert_eq!(bundle.price_in_ucents, Some(3_787_000_000));
        assert_eq!(bundle.price.price_in_ucents, Some(3_787_000_000));
        assert_eq!(bundle.price.ucents(), 3_787_000_000);
        assert_eq!(bundle.price.currency(), Some(&CurrencyCode::Eur));
        assert_eq!(
            bundle.services_details[0].service_type,
            "Hosting Perso 2014"
        );
        assert_eq!(
            bundle.services_details[1].service_name.as_deref(),
            Some("agora3.ovh")
        );
        assert_eq!(descriptions[1].renew_period, period("P24M"));
        assert_eq!(descriptions[1].strategies[0].price.ucents(), 598_000_000);
        roundtrip(&descriptions);
    }

    #[test]
    fn guide_descriptions_without_ucents() {
        let descriptions: Vec<RenewDescription> =
            decode(fixture!("renew_descriptions_domain_guide"));
        let strategies = &descriptions[0].strategies;
        assert_eq!(strategies[0].price_in_ucents, None);
        assert_eq!(strategies[0].price.currency(), None);
        assert_eq!(strategies[0].price.ucents(), 199_000_000);
        assert_eq!(strategies[1].price.ucents(), 3_787_000_000);
        assert_eq!(strategies[1].services, [ServiceId(67890), ServiceId(12345)]);
        assert_eq!(strategies[0].services_details[0].service_name, None);
        assert_eq!(
            strategies[0].services_details[0].service_type,
            "Domain .ovh"
        );
        roundtrip(&descriptions);
    }

    #[test]
    fn vps_descriptions() {
        let descriptions: Vec<RenewDescription> = decode(fixture!("renew_descriptions_vps"));
        let periods: Vec<_> = descriptions
            .iter()
            .map(|d| d.renew_period.months())
            .collect();
        assert_eq!(periods, [Some(1), Some(3), Some(6), Some(12)]);
        let ucents: Vec<_> = descriptions
            .iter()
            .map(|d| d.strategies[0].price.ucents())
            .collect();
        assert_eq!(
            ucents,
            [
                3_450_000_000,
                10_350_000_000,
                20_700_000_000,
                41_400_000_000
            ]
        );
        assert_eq!(descriptions[2].strategies[0].price.value, 207.0);
        roundtrip(&descriptions);

        let options: Vec<RenewDescription> =
            decode(fixture!("renew_descriptions_vps_include_options"));
        let with_backup = &options[0].strategies[1];
        assert_eq!(
            with_backup.services,
            [ServiceId(118_977_335), ServiceId(118_977_336)]
        );
        assert_eq!(
            with_backup.services_details[1].service_type,
            "Automated backup"
        );
        assert_eq!(with_backup.price.ucents(), 4_250_000_000);
        roundtrip(&options);

        let empty: Vec<RenewDescription> = decode(fixture!("renew_descriptions_empty"));
        assert!(empty.is_empty());
    }

    #[test]
    fn tolerant_strategy_decoding() {
        let strategy: RenewStrategy = decode(
            r#"{"price":{"value":1.5,"priceInUcents":150000001},"priceInUcents":150000000,"services":[1],"new":1}"#,
        );
        // The price's own exact amount is kept.
        assert_eq!(strategy.price.ucents(), 150_000_001);
        assert_eq!(strategy.price_in_ucents, Some(150_000_000));
        assert!(strategy.services_details.is_empty());
        roundtrip(&strategy);
        let mut built = RenewStrategy::new(Price::new(2.99, CurrencyCode::Eur), vec![ServiceId(1)]);
        let mut detail = ServiceDetail::new(ServiceId(1), "Domain .ovh");
        detail.service_name = Some("a.ovh".into());
        built.services_details = vec![detail];
        roundtrip(&built);
        roundtrip(&RenewDescription::new(period("P1Y"), vec![built]));
        let detail: ServiceDetail = decode(r#"{"serviceId":5}"#);
        assert_eq!(detail.service_type, "");
    }

    #[test]
    fn bad_period_in_server_data_names_the_text() {
        let json = r#"[{"renewPeriod":"30 days","strategies":[]}]"#;
        let de = &mut serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Vec<RenewDescription>>(de).unwrap_err();
        assert_eq!(err.path().to_string(), "[0].renewPeriod");
        assert!(
            err.to_string().contains("invalid renew period \"30 days\""),
            "{err}"
        );
    }

    #[test]
    fn request_fixtures() {
        let guide: RenewRequest = decode(fixture!("renew_request"));
        assert_eq!(
            guide,
            RenewRequest::order(period("P1Y"), vec![ServiceId(67890), ServiceId(12345)])
        );
        assert!(!guide.is_dry_run());
        assert_eq!(guide.validate(), Ok(()));
        assert_eq!(
            serde_json::to_string(&guide).unwrap(),
            r#"{"dryRun":false,"duration":"P1Y","services":[67890,12345]}"#
        );
        let fixture_value: serde_json::Value =
            serde_json::from_str(fixture!("renew_request")).unwrap();
        assert_eq!(serde_json::to_value(&guide).unwrap(), fixture_value);
        roundtrip(&guide);

        let dry: RenewRequest = decode(fixture!("renew_request_dry_run"));
        assert_eq!(dry, RenewRequest::dry_run(period("P1M"), vec![]));
        assert!(dry.is_dry_run());
        assert_eq!(dry.validate(), Err(RenewRequestError::NoServices));
        assert_eq!(
            serde_json::to_string(&dry).unwrap(),
            r#"{"dryRun":true,"duration":"P1M","services":[]}"#
        );
        roundtrip(&dry);
    }

    #[test]
    fn request_validation_and_text() {
        let twelve = RenewRequest::dry_run(period("P12M"), vec![ServiceId(1)]);
        assert_eq!(
            serde_json::to_string(&twelve).unwrap(),
            r#"{"dryRun":true,"duration":"P12M","services":[1]}"#
        );
        let zero = RenewRequest::order(RenewPeriod::from_months(0), vec![ServiceId(1)]);
        let err = zero.validate().unwrap_err();
        assert_eq!(
            err,
            RenewRequestError::ZeroDuration(RenewPeriod::from_months(0))
        );
        assert!(err.to_string().contains("P0M"));
        assert!(
            RenewRequestError::NoServices
                .to_string()
                .contains("at least one service")
        );
        let missing_dry_run: RenewRequest = decode(r#"{"duration":"P3M","services":[7]}"#);
        assert!(!missing_dry_run.dry_run);
    }

    /// A duration that is not whole months is kept and sent exactly, never refused as
    /// "zero months"; one such period in an answer does not lose the others.
    #[test]
    fn other_durations_decode_validate_and_travel_verbatim() {
        let choices: Vec<RenewDescription> = serde_json::from_str(
            r#"[{"renewPeriod":"P1Y","strategies":[]},{"renewPeriod":"P30D","strategies":[]}]"#,
        )
        .unwrap();
        assert_eq!(choices[0].renew_period.months(), Some(12));
        assert_eq!(choices[1].renew_period.as_str(), "P30D");
        let request = RenewRequest::order(choices[1].renew_period.clone(), vec![ServiceId(1)]);
        assert_eq!(request.validate(), Ok(()));
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"dryRun":false,"duration":"P30D","services":[1]}"#
        );
        let zero = RenewRequest::order("P0D".parse().unwrap(), vec![ServiceId(1)]);
        assert!(matches!(
            zero.validate(),
            Err(RenewRequestError::ZeroDuration(_))
        ));
    }
}
