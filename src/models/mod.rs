//! Typed models of the OVH API v1 renewal calls.
//!
//! * [`ServiceId`], [`OrderId`]: numeric ids.
//! * [`RenewPeriod`]: ISO-8601 durations in whole months (`P1Y == P12M`).
//! * [`Price`], [`CurrencyCode`]: money, exact through [`Price::ucents`]; [`Amount`]: exact
//!   micro-cents with their currency, what prices are compared as ([`Price::amount`]).
//! * [`RenewDescription`], [`RenewStrategy`], [`ServiceDetail`], [`RenewRequest`]:
//!   `GET`/`POST /service/{serviceId}/renew`.
//! * [`Order`], [`OrderStatus`], [`PaymentMean`], [`RegisteredPaymentMean`]: `/me/order`.
//! * [`OrderDetail`], [`OrderDetailType`], [`ItemDetail`]: the lines of an order and
//!   what each did; [`FollowUp`]: where its delivery stands; [`Bill`], [`BillId`]: its
//!   invoice.
//! * [`PaymentMethod`], [`PaymentMethodStatus`], [`PaymentMethodFilter`],
//!   [`OrderPaymentMethods`]: `/me/payment/method` and what an order can be paid with.
//! * [`ServiceInfos`]: `…/serviceInfos`; [`Service`]: `GET /service/{serviceId}`.
//! * [`AccessRule`], [`ConsumerKeyRequest`], [`CurrentCredential`], [`CredentialStatus`]:
//!   consumer keys and their rules (`/auth/credential`, `/auth/currentCredential`).
//!
//! Decoding is tolerant: unknown fields are ignored, nullable or often-omitted fields are
//! optional or defaulted, and every enum is open (unknown values are kept in `Other`).

mod bill;
mod credential;
mod follow_up;
mod ids;
mod money;
mod open_enum;
mod order;
mod order_detail;
mod payment_method;
mod period;
mod renew;
mod serde_helpers;
mod service;
mod service_infos;
#[cfg(test)]
pub(crate) mod test_support;

pub(crate) use bill::serialize_opt_bill_without_secrets;
pub use bill::{Bill, BillCategory};
pub use credential::{AccessRule, ConsumerKeyRequest, CredentialStatus, CurrentCredential};
pub use follow_up::{FollowUp, FollowUpEvent, FollowUpLabel, FollowUpStatus, FollowUpStep};
pub use ids::{BillId, OrderDetailId, OrderId, ParseIdError, ServiceId};
pub use money::{Amount, AmountError, CurrencyCode, Price};
pub(crate) use order::{
    CreatedOrder, serialize_opt_order_without_secrets, serialize_order_without_secrets,
};
pub use order::{Order, OrderStatus, PaymentMean, RegisteredPaymentMean};
pub use order_detail::{ItemAction, ItemDetail, ItemOrder, ItemPlan, OrderDetail, OrderDetailType};
pub use payment_method::{
    OrderPaymentMethods, PaymentMethod, PaymentMethodFilter, PaymentMethodStatus,
};
pub use period::{ParsePeriodError, RenewPeriod};
pub use renew::{InvalidRequest, RenewDescription, RenewRequest, RenewStrategy, ServiceDetail};
pub use service::{
    BillingState, KeyValue, PlanProduct, RenewMode, ResourceState, Service, ServicePlan,
    ServiceRenew, ServiceResource,
};
pub use service_infos::{RenewSettings, RenewalType, ServiceInfos, ServiceStatus};
