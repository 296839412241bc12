//! Typed models of the OVH API v1 renewal calls.
//!
//! * [`ServiceId`], [`OrderId`]: numeric ids.
//! * [`RenewPeriod`]: ISO-8601 durations in whole months (`P1Y == P12M`).
//! * [`Price`], [`CurrencyCode`]: money, exact through [`Price::ucents`]; [`Amount`]: exact
//!   micro-cents with their currency, what prices are compared as ([`Price::amount`]).
//! * [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`], [`RenewRequest`]:
//!   `GET`/`POST /service/{serviceId}/renew`.
//! * [`Order`], [`OrderStatus`], [`PaymentMean`], [`RegisteredPaymentMean`]: `/me/order`.
//! * [`ServiceInfos`]: `…/serviceInfos`; [`Service`]: `GET /service/{serviceId}`.
//! * [`AccessRule`], [`ConsumerKeyRequest`], [`CurrentCredential`], [`CredentialStatus`]:
//!   consumer keys and their rules (`/auth/credential`, `/auth/currentCredential`).
//!
//! Decoding is tolerant: unknown fields are ignored, nullable or often-omitted fields are
//! optional or defaulted, and every enum is open (unknown values are kept in `Other`).

mod credential;
mod ids;
mod money;
mod open_enum;
mod order;
mod period;
mod renew;
mod serde_helpers;
mod service;
mod service_infos;
#[cfg(test)]
pub(crate) mod test_support;

pub use credential::{AccessRule, ConsumerKeyRequest, CredentialStatus, CurrentCredential};
pub use ids::{OrderId, ParseIdError, ServiceId};
pub use money::{Amount, AmountError, CurrencyCode, Price};
pub(crate) use order::{CreatedOrder, serialize_order_without_secrets};
pub use order::{Order, OrderStatus, PaymentMean, RegisteredPaymentMean};
pub use period::{ParsePeriodError, RenewPeriod};
pub use renew::{InvalidRequest, RenewDescription, RenewRequest, RenewStrategy, ServiceDetail};
pub use service::{
    BillingState, KeyValue, PlanProduct, RenewMode, ResourceState, Service, ServicePlan,
    ServiceRenew, ServiceResource,
};
pub use service_infos::{RenewSettings, RenewalType, ServiceInfos, ServiceStatus};

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
