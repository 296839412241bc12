//! Typed models of the OVH API v1 renewal calls. The ids, periods and prices nearly every
//! caller names ([`ServiceId`], [`OrderId`], [`RenewPeriod`], [`Price`]) are re-exported at
//! the crate root; everything else is named from here (`ovh_renew::models::Order`).
//!
//! * [`ServiceId`], [`OrderId`]: numeric ids.
//! * [`RenewPeriod`]: ISO-8601 durations in whole months (`P1Y == P12M`).
//! * [`Price`], [`CurrencyCode`]: money, exact through [`Price::ucents`]; [`Amount`]: exact
//!   micro-cents with their currency, what prices are compared as ([`Price::amount`]).
//! * [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`], [`RenewRequest`]:
//!   `GET`/`POST /service/{serviceId}/renew`.
//! * [`Order`], [`OrderStatus`], [`PaymentMean`], [`RegisteredPaymentMean`]: `/me/order`.
//! * [`ServiceInfos`]: `GET /{product}/{serviceName}/serviceInfos`, [`Product`] the
//!   `{product}` route; [`Service`] (with its [`ServiceRoute`], …): `GET /service/{serviceId}`.
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
mod product;
mod renew;
mod serde_helpers;
mod service;
mod service_infos;
#[cfg(test)]
pub(crate) mod test_support;

pub use credential::{AccessRule, ConsumerKeyRequest, CredentialStatus, CurrentCredential};
pub use ids::{OrderId, ParseIdError, ServiceId};
pub use money::{Amount, AmountError, CurrencyCode, Price};
pub(crate) use order::{
    CreatedOrder, serialize_opt_order_without_secrets, serialize_order_without_secrets,
};
pub use order::{Order, OrderStatus, PaymentMean, RegisteredPaymentMean};
pub use period::{ParsePeriodError, RenewPeriod};
pub use product::Product;
pub use renew::{RenewDescription, RenewRequest, RenewRequestError, RenewStrategy, ServiceDetail};
pub use service::{
    BillingState, KeyValue, PlanProduct, RenewMode, ResourceState, Service, ServicePlan,
    ServiceRenew, ServiceResource, ServiceRoute,
};
pub use service_infos::{RenewSettings, RenewalType, ServiceInfos, ServiceStatus};
