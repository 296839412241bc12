//! Typed models of the OVH API v1 renewal calls.
//!
//! * [`ServiceId`], [`OrderId`]: numeric ids.
//! * [`RenewPeriod`]: ISO-8601 durations, kept as sent; years and months compare by their
//!   month count (`P1Y == P12M`), others (`P30D`) by text and have no month count.
//! * [`Price`], [`CurrencyCode`]: money, exact through [`Price::ucents`]; [`Amount`]: exact
//!   micro-cents with their currency, what prices are compared as ([`Price::amount`]).
//! * [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`], [`RenewRequest`]:
//!   `GET`/`POST /service/{serviceId}/renew`.
//! * [`Order`], [`OrderStatus`], [`PaymentMean`], [`RegisteredPaymentMean`]: `/me/order`.
//! * [`ServiceInfos`]: `…/serviceInfos`; [`Service`]: `GET /service/{serviceId}`.
//! * [`ServiceView`] and its parts, [`ServiceFilter`], [`DateOrTime`]: the `/services` view
//!   (`GET /services`, `GET /services/{serviceId}`, OVH v1 BETA), [`ServicePage`] (a page
//!   of whole objects); [`RenewalUpdate`]:
//!   `PUT /services/{serviceId}`; [`DebtBalance`]: `GET /me/debtAccount`.
//! * [`AccessRule`], [`ConsumerKeyRequest`], [`CurrentCredential`], [`CredentialStatus`]:
//!   consumer keys and their rules (`/auth/credential`, `/auth/currentCredential`).
//!
//! Decoding is tolerant: unknown fields are ignored, nullable or often-omitted fields are
//! optional or defaulted, and every enum is open (unknown values are kept in `Other`).

mod credential;
mod date_or_time;
mod debt;
mod ids;
mod money;
mod open_enum;
mod order;
mod period;
mod renew;
mod renewal_update;
mod serde_helpers;
mod service;
mod service_infos;
mod service_page;
mod service_view;
#[cfg(test)]
pub(crate) mod test_support;

pub use credential::{AccessRule, ConsumerKeyRequest, CredentialStatus, CurrentCredential};
pub use date_or_time::DateOrTime;
pub use debt::DebtBalance;
pub use ids::{OrderId, ParseIdError, ServiceId};
pub use money::{Amount, AmountError, CurrencyCode, Price};
pub(crate) use order::{
    CreatedOrder, serialize_opt_order_without_secrets, serialize_order_without_secrets,
};
pub use order::{Order, OrderStatus, PaymentMean, RegisteredPaymentMean};
pub use period::{ParsePeriodError, RenewPeriod};
pub use renew::{InvalidRequest, RenewDescription, RenewRequest, RenewStrategy, ServiceDetail};
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
