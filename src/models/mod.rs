//! Typed models of the OVH API v1 renewal calls. The ids, periods and prices nearly every
//! caller names ([`ServiceId`], [`OrderId`], [`RenewPeriod`], [`Price`]) are re-exported at
//! the crate root; everything else is named from here (`ovh_renew::models::Order`).
//!
//! * [`ServiceId`], [`OrderId`]: numeric ids.
//! * [`RenewPeriod`]: ISO-8601 durations, kept as sent; years and months compare by their
//!   month count (`P1Y == P12M`), others (`P30D`) by text and have no month count.
//! * [`Price`], [`CurrencyCode`]: money, exact through [`Price::ucents`]; [`Amount`]: exact
//!   micro-cents with their currency, what prices are compared as ([`Price::amount`]).
//! * [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`], [`RenewRequest`]:
//!   `GET`/`POST /service/{serviceId}/renew`.
//! * [`Order`], [`OrderStatus`], [`PaymentMean`], [`RegisteredPaymentMean`]: `/me/order`.
//! * [`ServiceInfos`]: `GET /{product}/{serviceName}/serviceInfos`, [`Product`] the
//!   `{product}` route; [`Service`] (with its [`ServiceRoute`], …): `GET /service/{serviceId}`.
//! * [`ServiceView`] and its parts, [`ServiceFilter`], [`DateOrTime`]: the `/services` view
//!   (`GET /services`, `GET /services/{serviceId}`, OVH v1 BETA), [`ServicePage`] (a page
//!   of whole objects); [`RenewalUpdate`]:
//!   `PUT /services/{serviceId}`; [`DebtBalance`]: `GET /me/debtAccount`.
//! * [`OrderDetail`], [`OrderDetailType`], [`ItemDetail`]: the lines of an order and
//!   what each did; [`FollowUp`]: where its delivery stands; [`Bill`], [`BillId`]: its
//!   invoice.
//! * [`PaymentMethod`], [`PaymentMethodStatus`], [`PaymentMethodFilter`],
//!   [`OrderPaymentMethods`]: `/me/payment/method` and what an order can be paid with.
//! * [`AccessRule`], [`ConsumerKeyRequest`], [`CurrentCredential`], [`CredentialStatus`]:
//!   consumer keys and their rules (`/auth/credential`, `/auth/currentCredential`).
//!
//! Decoding is tolerant: unknown fields are ignored, nullable or often-omitted fields are
//! optional or defaulted, and every enum is open (unknown values are kept in `Other`).
//!
//! # Lists
//!
//! OVH sends `null` for some arrays and omits others. Every list field of a response
//! model follows one policy: it is a `Vec<T>`, and `null`, a missing field and `[]` all
//! decode to an empty `Vec` (items are kept as sent). There is no `Option<Vec<T>>`: "no
//! list" and "an empty list" are the same value, and a list always serializes as a JSON
//! array (`[]` when empty). Where emptiness means something, the field says so (e.g.
//! [`CurrentCredential::allowed_ips`]: empty means from anywhere).
//!
//! ```
//! use ovh_renew::models::ServiceInfos;
//!
//! let json = |periods: &str| {
//!     format!(r#"{{"serviceId":1,"status":"ok","renewalType":"manual"{periods}}}"#)
//! };
//! for periods in [r#","possibleRenewPeriod":null"#, "", r#","possibleRenewPeriod":[]"#] {
//!     let infos: ServiceInfos = serde_json::from_str(&json(periods))?;
//!     assert!(infos.possible_renew_period.is_empty());
//! }
//! let infos: ServiceInfos = serde_json::from_str(&json(r#","possibleRenewPeriod":[1,12]"#))?;
//! assert_eq!(infos.possible_renew_period, [1, 12]);
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! Response models have no `with_*` setters: build one in a test from the JSON OVH would
//! send (`serde_json::from_value(json!({…}))`), or set its public fields after `new`.

mod bill;
mod credential;
mod date_or_time;
mod debt;
mod follow_up;
mod ids;
mod money;
mod open_enum;
mod order;
mod order_detail;
mod payment_method;
mod period;
mod product;
mod renew;
mod renewal_update;
mod serde_helpers;
mod service;
mod service_infos;
mod service_page;
mod service_view;
#[cfg(test)]
pub(crate) mod test_support;

pub(crate) use bill::serialize_opt_bill_without_secrets;
pub use bill::{Bill, BillCategory};
pub use credential::{AccessRule, ConsumerKeyRequest, CredentialStatus, CurrentCredential};
pub use date_or_time::DateOrTime;
pub use debt::DebtBalance;
pub use follow_up::{FollowUp, FollowUpEvent, FollowUpLabel, FollowUpStatus, FollowUpStep};
pub use ids::{BillId, OrderDetailId, OrderId, ParseIdError, ServiceId};
pub use money::{Amount, AmountError, CurrencyCode, Price};
pub(crate) use order::{CreatedOrder, serialize_order_without_secrets};
pub use order::{Order, OrderStatus, PaymentMean, RegisteredPaymentMean};
pub use order_detail::{ItemAction, ItemDetail, ItemOrder, ItemPlan, OrderDetail, OrderDetailType};
pub use payment_method::{
    OrderPaymentMethods, PaymentMethod, PaymentMethodFilter, PaymentMethodStatus,
};
pub use period::{ParsePeriodError, RenewPeriod};
pub use product::Product;
pub use renew::{RenewDescription, RenewRequest, RenewRequestError, RenewStrategy, ServiceDetail};
pub use renewal_update::{RefusedChange, RenewalRefusal, RenewalUpdate};
pub use service::{
    BillingState, KeyValue, PlanProduct, RenewMode, ResourceState, Service, ServicePlan,
    ServiceRenew, ServiceResource, ServiceRoute,
};
pub use service_infos::{RenewSettings, RenewalType, ServiceInfos, ServiceStatus};
pub use service_page::ServicePage;
pub use service_view::{
    EndStrategy, Engagement, EngagementEndRule, Lifecycle, LifecycleAction, LifecycleCapacities,
    LifecycleCurrent, LifecycleState, PricingType, RenewCapacities, RenewCurrent, RenewalMode,
    ServiceFilter, ServicePricing, ServiceView, TerminationPolicy, ViewBilling, ViewPlan,
    ViewProduct, ViewRenew, ViewResource, ViewResourceState,
};

#[cfg(test)]
mod no_setters {
    /// Response models are built from JSON (what OVH sends), never with `with_*` setters:
    /// a setter would let a fake answer what OVH cannot.
    #[test]
    fn no_model_has_a_with_setter() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/models");
        let mut read = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    !text.contains(concat!("pub fn ", "with_")),
                    "{} has a with_* setter",
                    path.display()
                );
                read += 1;
            }
        }
        assert!(read >= 10, "read {read} model files");
    }
}

#[cfg(test)]
mod nullable_lists {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use super::test_support::fixture;
    use super::*;

    /// Decodes `base` with the list at `path` set to `null`, removed, `[]` and `[item]`,
    /// and checks `len` reads 0, 0, 0 and 1.
    fn check<T: DeserializeOwned>(
        what: &str,
        base: &str,
        path: &[&str],
        item: Value,
        len: fn(&T) -> usize,
    ) {
        let base: Value = serde_json::from_str(base).unwrap();
        let cases: [(&str, Option<Value>, usize); 4] = [
            ("null", Some(Value::Null), 0),
            ("missing", None, 0),
            ("empty", Some(json!([])), 0),
            ("items", Some(json!([item])), 1),
        ];
        for (case, value, expected) in cases {
            let mut json = base.clone();
            let (last, parents) = path.split_last().unwrap();
            let parent = parents.iter().fold(&mut json, |v, key| &mut v[*key]);
            let object = parent.as_object_mut().unwrap();
            match value {
                Some(value) => object.insert((*last).to_owned(), value),
                None => object.remove(*last),
            };
            let decoded: T =
                serde_json::from_value(json).unwrap_or_else(|e| panic!("{what} {case}: {e}"));
            assert_eq!(len(&decoded), expected, "{what} {case}");
        }
    }

    /// Every list field of every response model: `null`, missing and `[]` are an empty
    /// `Vec`; items are kept.
    #[test]
    fn every_list_field_is_empty_when_null_missing_or_empty() {
        let credential = r#"{"applicationId":1,"credentialId":2,"status":"validated","rules":[],"allowedIPs":null}"#;
        let rule = json!({"method": "GET", "path": "/*"});
        check::<CurrentCredential>("rules", credential, &["rules"], rule, |c| c.rules.len());
        check::<CurrentCredential>(
            "allowedIPs",
            credential,
            &["allowedIPs"],
            json!("192.0.2.0/24"),
            |c| c.allowed_ips.len(),
        );
        let order = fixture!("me_order");
        check::<Order>("metadatas", order, &["metadatas"], json!("m"), |o| {
            o.metadatas.len()
        });
        let description = r#"{"renewPeriod":"P1Y","strategies":[]}"#;
        let strategy = json!({"price": {"value": 1.0, "currencyCode": "EUR"}, "services": [1]});
        check::<RenewDescription>(
            "strategies",
            description,
            &["strategies"],
            strategy.clone(),
            |d| d.strategies.len(),
        );
        let strategy_text = strategy.to_string();
        check::<RenewStrategy>("services", &strategy_text, &["services"], json!(1), |s| {
            s.services.len()
        });
        let detail = json!({"serviceId": 1, "serviceType": "Domain .ovh"});
        check::<RenewStrategy>(
            "servicesDetails",
            &strategy_text,
            &["servicesDetails"],
            detail,
            |s| s.services_details.len(),
        );
        let service = fixture!("service_get_vps");
        let var = json!({"key": "serviceName", "value": "vps"});
        check::<Service>(
            "route.vars",
            service,
            &["route", "vars"],
            var.clone(),
            |s| s.route.vars.len(),
        );
        check::<Service>("details", service, &["details"], var, |s| s.details.len());
        check::<Service>(
            "renew.possibleIntervals",
            service,
            &["renew", "possibleIntervals"],
            json!("P1M"),
            |s| s.renew.as_ref().map_or(9, |r| r.possible_intervals.len()),
        );
        check::<Service>(
            "renew.possibleModes",
            service,
            &["renew", "possibleModes"],
            json!("manual"),
            |s| s.renew.as_ref().map_or(9, |r| r.possible_modes.len()),
        );
        let infos = fixture!("vps_service_infos");
        check::<ServiceInfos>(
            "possibleRenewPeriod",
            infos,
            &["possibleRenewPeriod"],
            json!(12),
            |i| i.possible_renew_period.len(),
        );
        let steps: Value = serde_json::from_str(fixture!("me_order_follow_up")).unwrap();
        let step = steps[0].to_string();
        let event = steps[0]["history"][0].clone();
        check::<FollowUp>("history", &step, &["history"], event, |f| f.history.len());
        let methods = fixture!("me_order_payment_methods");
        let order_methods: Value = serde_json::from_str(methods).unwrap();
        check::<OrderPaymentMethods>(
            "available",
            methods,
            &["available"],
            order_methods["available"][0].clone(),
            |m| m.available.len(),
        );
        check::<OrderPaymentMethods>(
            "paymentMethods",
            methods,
            &["paymentMethods"],
            order_methods["paymentMethods"][0].clone(),
            |m| m.payment_methods.len(),
        );
        check::<OrderPaymentMethods>("registered", methods, &["registered"], json!(7), |m| {
            m.registered.len()
        });
    }
}
