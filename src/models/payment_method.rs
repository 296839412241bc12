//! Payment methods: [`PaymentMethod`] (`me.payment.PaymentMethod`, `GET
//! /me/payment/method/{paymentMethodId}`), the filter of `GET /me/payment/method`
//! ([`PaymentMethodFilter`]) and what an order can be paid with ([`OrderPaymentMethods`],
//! `GET /me/order/{orderId}/paymentMethods`, BETA).
//!
//! Two ids, often confused: the **payment method id** (`paymentMethodId`, what `GET
//! /me/payment/method` lists and `POST /me/order/{orderId}/pay` takes) and the **payment
//! mean id** (`paymentMeanId`, what `payWithRegisteredPaymentMean` takes for `paypal`,
//! `creditCard` and `bankAccount`). A method carries both: read
//! [`PaymentMethod::payment_mean_id`] to pay a registered mean.

use crate::scrub::REDACTED;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_datetime};

open_enum! {
    /// The state of a payment method (`me.payment.method.StatusEnum`). Only `VALID`
    /// methods can pay.
    pub enum PaymentMethodStatus {
        /// Cancelled.
        Canceled = "CANCELED",
        /// Being cancelled.
        Canceling = "CANCELING",
        /// Created, not validated yet.
        Created = "CREATED",
        /// Being created.
        Creating = "CREATING",
        /// In error.
        Error = "ERROR",
        /// Expired (e.g. a card past its date).
        Expired = "EXPIRED",
        /// Failed.
        Failed = "FAILED",
        /// Under maintenance.
        Maintenance = "MAINTENANCE",
        /// Paused.
        Paused = "PAUSED",
        /// Rejected.
        Rejected = "REJECTED",
        /// Replaced by another method.
        Replaced = "REPLACED",
        /// Usable.
        Valid = "VALID",
        /// Being validated.
        Validating = "VALIDATING",
    }
}

/// A payment method of the account (`me.payment.PaymentMethod`).
///
/// `form_session_id` (a session token of the payment form) is printed as `"<redacted>"`
/// by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentMethod {
    /// The payment method id: what [`pay_with_payment_method`](crate::ServiceRenewApi::pay_with_payment_method) takes.
    pub payment_method_id: u64,
    /// The payment mean id (nullable): what
    /// [`pay_with_registered_payment_mean`](crate::ServiceRenewApi::pay_with_registered_payment_mean)
    /// takes as `paymentMeanId` (`paypal:<this id>`).
    #[serde(default)]
    pub payment_mean_id: Option<u64>,
    /// The type, free text in OVH's schema (`CREDIT_CARD`, `PAYPAL`, `SEPA_DIRECT_DEBIT`, …).
    #[serde(default, deserialize_with = "null_default")]
    pub payment_type: String,
    /// The sub-type (`VISA`, `MASTERCARD`, `30_DAYS`, …; nullable).
    #[serde(default)]
    pub payment_sub_type: Option<String>,
    /// Its state: only `VALID` can pay.
    pub status: PaymentMethodStatus,
    /// Whether it is the account's default method.
    #[serde(default, deserialize_with = "null_default")]
    pub default: bool,
    /// What the control panel shows (`XXXX XXXX XXXX 4242`, a PayPal e-mail; nullable).
    #[serde(default)]
    pub label: Option<String>,
    /// The owner's description (nullable).
    #[serde(default)]
    pub description: Option<String>,
    /// When it expires (nullable).
    #[serde(default, with = "opt_datetime")]
    pub expiration_date: Option<DateTime<FixedOffset>>,
    /// When it was added.
    #[serde(default, with = "opt_datetime")]
    pub creation_date: Option<DateTime<FixedOffset>>,
    /// Last change.
    #[serde(default, with = "opt_datetime")]
    pub last_update: Option<DateTime<FixedOffset>>,
    /// How the payment form is integrated, as sent (nullable).
    #[serde(default)]
    pub integration: Option<String>,
    /// Whether it pays in one click (nullable).
    #[serde(default)]
    pub oneclick: Option<bool>,
    /// The billing contact (nullable).
    #[serde(default)]
    pub billing_contact_id: Option<u64>,
    /// Session of the payment form (nullable; redacted in `Debug`).
    #[serde(default)]
    pub form_session_id: Option<String>,
}

impl PaymentMethod {
    /// A method with this id, type and status; not default, everything else empty.
    pub fn new(
        payment_method_id: u64,
        payment_type: impl Into<String>,
        status: PaymentMethodStatus,
    ) -> Self {
        Self {
            payment_method_id,
            payment_mean_id: None,
            payment_type: payment_type.into(),
            payment_sub_type: None,
            status,
            default: false,
            label: None,
            description: None,
            expiration_date: None,
            creation_date: None,
            last_update: None,
            integration: None,
            oneclick: None,
            billing_contact_id: None,
            form_session_id: None,
        }
    }

    /// `true` when it can pay (status `VALID`).
    pub fn is_valid(&self) -> bool {
        self.status == PaymentMethodStatus::Valid
    }
}

impl fmt::Debug for PaymentMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentMethod")
            .field("payment_method_id", &self.payment_method_id)
            .field("payment_mean_id", &self.payment_mean_id)
            .field("payment_type", &self.payment_type)
            .field("payment_sub_type", &self.payment_sub_type)
            .field("status", &self.status)
            .field("default", &self.default)
            .field("label", &self.label)
            .field("description", &self.description)
            .field("expiration_date", &self.expiration_date)
            .field("creation_date", &self.creation_date)
            .field("last_update", &self.last_update)
            .field("integration", &self.integration)
            .field("oneclick", &self.oneclick)
            .field("billing_contact_id", &self.billing_contact_id)
            .field(
                "form_session_id",
                &self.form_session_id.as_ref().map(|_| REDACTED),
            )
            .finish()
    }
}

/// The query of `GET /me/payment/method?status=&default=&paymentType=`
/// ([`payment_methods_matching`](crate::ServiceRenewApi::payment_methods_matching)): each
/// field set narrows the list, OVH does the filtering. The empty filter lists every
/// method, like [`payment_methods`](crate::ServiceRenewApi::payment_methods).
///
/// ```
/// use ovh_renew::models::PaymentMethodFilter;
///
/// let usable_default = PaymentMethodFilter::valid().default_only();
/// assert_eq!(usable_default.default, Some(true));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PaymentMethodFilter {
    /// Only methods in this state.
    pub status: Option<PaymentMethodStatus>,
    /// Only the default method (`true`) or only the others (`false`).
    pub default: Option<bool>,
    /// Only methods of this type (`CREDIT_CARD`, `PAYPAL`, …).
    pub payment_type: Option<String>,
}

impl PaymentMethodFilter {
    /// Every method.
    pub fn all() -> Self {
        <Self as Default>::default()
    }

    /// Only `VALID` methods.
    pub fn valid() -> Self {
        Self::all().status(PaymentMethodStatus::Valid)
    }

    /// Only methods in `status`.
    pub fn status(mut self, status: PaymentMethodStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only the default method.
    pub fn default_only(mut self) -> Self {
        self.default = Some(true);
        self
    }

    /// Only the default method (`true`) or only the others (`false`).
    pub fn default_is(mut self, default: bool) -> Self {
        self.default = Some(default);
        self
    }

    /// Only methods of this type.
    pub fn payment_type(mut self, payment_type: impl Into<String>) -> Self {
        self.payment_type = Some(payment_type.into());
        self
    }

    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        self.status.is_none() && self.default.is_none() && self.payment_type.is_none()
    }

    /// Whether `method` passes this filter (what OVH's filtering does).
    pub fn matches(&self, method: &PaymentMethod) -> bool {
        self.status.as_ref().is_none_or(|s| *s == method.status)
            && self.default.is_none_or(|d| d == method.default)
            && self
                .payment_type
                .as_deref()
                .is_none_or(|t| t == method.payment_type)
    }
}

/// What an order can be paid with (`billing.order.PaymentMethods`, `GET
/// /me/order/{orderId}/paymentMethods`, BETA).
///
/// `Debug` shows how many `available` entries there are, not their contents (their shape
/// is undocumented and may carry payment-form sessions).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrderPaymentMethods {
    /// Payment types that could be added to pay it (`payment.method.AvailablePaymentMethod`;
    /// kept as sent: this crate does not read them).
    #[serde(default, deserialize_with = "nullable_list")]
    pub available: Vec<serde_json::Value>,
    /// The account's methods that can pay this order.
    #[serde(default, deserialize_with = "nullable_list")]
    pub payment_methods: Vec<PaymentMethod>,
    /// Ids of the registered payment methods that can pay it.
    #[serde(default, deserialize_with = "nullable_list")]
    pub registered: Vec<u64>,
}

impl fmt::Debug for OrderPaymentMethods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderPaymentMethods")
            .field(
                "available",
                &format_args!("<{} entries>", self.available.len()),
            )
            .field("payment_methods", &self.payment_methods)
            .field("registered", &self.registered)
            .finish()
    }
}

impl OrderPaymentMethods {
    /// The methods that can pay, with the ids of the registered ones.
    pub fn new(payment_methods: Vec<PaymentMethod>) -> Self {
        let registered = payment_methods
            .iter()
            .map(|m| m.payment_method_id)
            .collect();
        Self {
            available: Vec::new(),
            payment_methods,
            registered,
        }
    }

    /// Whether the payment method `id` can pay this order (listed in `registered` or in
    /// `paymentMethods`).
    pub fn allows(&self, id: u64) -> bool {
        self.registered.contains(&id)
            || self
                .payment_methods
                .iter()
                .any(|m| m.payment_method_id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn a_payment_method_has_both_ids_and_a_status() {
        let method: PaymentMethod = decode(fixture!("payment_method"));
        assert_eq!(method.payment_method_id, 9_876_543);
        assert_eq!(method.payment_mean_id, Some(2_233_445));
        assert_eq!(method.status, PaymentMethodStatus::Valid);
        assert!(method.default && method.is_valid());
        assert_eq!(method.payment_type, "CREDIT_CARD");
        assert_eq!(method.label.as_deref(), Some("XXXX XXXX XXXX 4242"));
        roundtrip(&method);
        let odd: PaymentMethod = decode(
            r#"{"paymentMethodId":1,"paymentType":"CRYPTO","status":"FROZEN_V2030","default":null,"formSessionId":"sess-secret-1"}"#,
        );
        assert_eq!(
            odd.status,
            PaymentMethodStatus::Other("FROZEN_V2030".into())
        );
        assert!(!odd.default && !odd.is_valid());
        let debug = format!("{odd:?}");
        assert!(!debug.contains("sess-secret-1"), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn filters_match_like_ovh() {
        let method: PaymentMethod = decode(fixture!("payment_method"));
        assert!(PaymentMethodFilter::all().matches(&method));
        assert!(PaymentMethodFilter::valid().default_only().matches(&method));
        assert!(
            !PaymentMethodFilter::all()
                .default_is(false)
                .matches(&method)
        );
        assert!(
            !PaymentMethodFilter::all()
                .status(PaymentMethodStatus::Expired)
                .matches(&method)
        );
        assert!(
            !PaymentMethodFilter::all()
                .payment_type("PAYPAL")
                .matches(&method)
        );
        assert!(PaymentMethodFilter::all().is_empty());
        assert!(!PaymentMethodFilter::valid().is_empty());
    }

    #[test]
    fn order_payment_methods_decode() {
        let methods: OrderPaymentMethods = decode(fixture!("me_order_payment_methods"));
        assert_eq!(methods.registered, [9_876_543]);
        assert!(methods.allows(9_876_543));
        assert!(!methods.allows(1));
        assert_eq!(methods.payment_methods[0].payment_mean_id, Some(2_233_445));
        roundtrip(&methods);
        let debug = format!("{methods:?}");
        assert!(
            debug.contains("<1 entries>") && !debug.contains("oneshot"),
            "{debug}"
        );
        let nulls: OrderPaymentMethods =
            decode(r#"{"available":null,"paymentMethods":null,"registered":null}"#);
        assert!(nulls.registered.is_empty() && !nulls.allows(0));
    }
}
