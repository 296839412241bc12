//! Orders: [`Order`], [`OrderStatus`], [`PaymentMean`] and [`RegisteredPaymentMean`].

use crate::scrub::REDACTED;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_datetime};
use super::{OrderId, Price};

open_enum! {
    /// Status of an order (`billing.order.OrderStatusEnum`), the bare JSON string returned by
    /// `GET /me/order/{orderId}/status`.
    pub enum OrderStatus {
        /// The order was cancelled.
        Cancelled = "cancelled",
        /// The order is being cancelled.
        Cancelling = "cancelling",
        /// The order (payment, fraud checks) is being checked.
        Checking = "checking",
        /// The order was delivered: the renewal is done.
        Delivered = "delivered",
        /// The order is being delivered.
        Delivering = "delivering",
        /// OVHcloud asked for documents before processing the order.
        DocumentsRequested = "documentsRequested",
        /// The order is waiting for payment.
        NotPaid = "notPaid",
        /// OVHcloud reports the status as unknown (a documented value, unlike `Other`).
        Unknown = "unknown",
    }
}

open_enum! {
    /// A reusable payment mean type (`billing.ReusablePaymentMeanEnum`).
    ///
    /// The API mixes two naming styles and both exist at once: `paypal` and `PAYPAL`,
    /// `creditCard` and `CREDIT_CARD`, `deferredPaymentAccount` and
    /// `DEFERRED_PAYMENT_ACCOUNT` are distinct values. Lower-camel-case values get the plain
    /// variant names; their upper-snake-case twins end in `Upper`.
    pub enum PaymentMean {
        /// Credit card, upper-case style.
        CreditCardUpper = "CREDIT_CARD",
        /// Current account.
        CurrentAccount = "CURRENT_ACCOUNT",
        /// Deferred payment account, upper-case style.
        DeferredPaymentAccountUpper = "DEFERRED_PAYMENT_ACCOUNT",
        /// Domestic card.
        DomesticCard = "DOMESTIC_CARD",
        /// Enterprise payment.
        Enterprise = "ENTERPRISE",
        /// Internal trusted account.
        InternalTrustedAccount = "INTERNAL_TRUSTED_ACCOUNT",
        /// PayPal, upper-case style.
        PaypalUpper = "PAYPAL",
        /// RuPay card.
        Rupay = "RUPAY",
        /// SEPA direct debit.
        SepaDirectDebit = "SEPA_DIRECT_DEBIT",
        /// Bank account (needs a `paymentMeanId` when paying).
        BankAccount = "bankAccount",
        /// Credit card (needs a `paymentMeanId` when paying).
        CreditCard = "creditCard",
        /// Deferred payment account.
        DeferredPaymentAccount = "deferredPaymentAccount",
        /// Fidelity points account; used to settle zero-amount orders.
        FidelityAccount = "fidelityAccount",
        /// OVH prepaid account.
        OvhAccount = "ovhAccount",
        /// PayPal (needs a `paymentMeanId` when paying).
        Paypal = "paypal",
    }
}

/// One element of `GET /me/order/{orderId}/availableRegisteredPaymentMean`
/// (`billing.order.RegisteredPaymentMean`). It carries no id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RegisteredPaymentMean {
    /// The payment mean type.
    pub payment_mean: PaymentMean,
}

impl RegisteredPaymentMean {
    /// Wraps a payment mean.
    pub fn new(payment_mean: PaymentMean) -> Self {
        Self { payment_mean }
    }
}

impl From<RegisteredPaymentMean> for PaymentMean {
    fn from(registered: RegisteredPaymentMean) -> Self {
        registered.payment_mean
    }
}

/// An order: the answer of `POST /service/{serviceId}/renew` (`service.renew.RenewOrder`)
/// and of `GET /me/order/{orderId}` (`billing.Order`).
///
/// `password`, `url` and `pdf_url` let anyone open the order, so `Debug` prints them as
/// `"<redacted>"`. `Serialize` keeps them, so a stored order round-trips: **an `Order`'s
/// JSON holds its password and URLs**. ([`RenewReport`](crate::workflow::RenewReport)'s
/// JSON leaves them out.)
///
/// A dry-run answer may carry order id 0 and empty or missing `password` / `url` / `pdfUrl`;
/// these decode to `OrderId(0)` and empty strings. A real order never has id 0:
/// [`ServiceRenewApi::create_renew_order`](crate::ServiceRenewApi::create_renew_order)
/// refuses a real order's answer without a usable `orderId` (a decode error: the order may
/// exist), and the [workflow](crate::workflow) reports it as
/// [`OrderUncertain`](crate::workflow::RenewError::OrderUncertain). Dates decode `null`, missing and `""` as
/// `None`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Order {
    /// Order id (0 in a dry-run answer).
    #[serde(default, deserialize_with = "null_default")]
    pub order_id: OrderId,
    /// Creation date.
    #[serde(default, with = "opt_datetime")]
    pub date: Option<DateTime<FixedOffset>>,
    /// Date after which the unpaid order expires.
    #[serde(default, with = "opt_datetime")]
    pub expiration_date: Option<DateTime<FixedOffset>>,
    /// End of the retraction period.
    #[serde(default, with = "opt_datetime")]
    pub retraction_date: Option<DateTime<FixedOffset>>,
    /// Public access token of the order (secret-like: also embedded in the URLs).
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
    /// Public URL displaying the order (contains the password).
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    /// Public URL of the order's PDF (contains the password).
    #[serde(default, deserialize_with = "null_default")]
    pub pdf_url: String,
    /// Total including tax.
    pub price_with_tax: Price,
    /// Total excluding tax.
    pub price_without_tax: Price,
    /// Tax amount.
    pub tax: Price,
    /// Free-form metadata (added to `billing.Order` in 2026; `null` or missing: empty).
    #[serde(default, deserialize_with = "nullable_list")]
    pub metadatas: Vec<String>,
}

impl Order {
    /// An order with the given id and prices; dates, password, URLs and metadata empty.
    pub fn new(
        order_id: OrderId,
        price_without_tax: Price,
        tax: Price,
        price_with_tax: Price,
    ) -> Self {
        Self {
            order_id,
            date: None,
            expiration_date: None,
            retraction_date: None,
            password: String::new(),
            url: String::new(),
            pdf_url: String::new(),
            price_with_tax,
            price_without_tax,
            tax,
            metadatas: Vec::new(),
        }
    }
}

/// A real order's answer: like [`Order`], but refusing a missing, `null` or 0 `orderId`.
#[derive(Deserialize)]
#[serde(try_from = "Order")]
pub(crate) struct CreatedOrder(pub(crate) Order);

impl TryFrom<Order> for CreatedOrder {
    type Error = &'static str;

    fn try_from(order: Order) -> Result<Self, Self::Error> {
        if order.order_id == OrderId(0) {
            Err("the real order's answer has no usable orderId (missing, null or 0)")
        } else {
            Ok(CreatedOrder(order))
        }
    }
}

/// [`Order`]'s JSON without `password`, `url` and `pdfUrl`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublicOrder<'a> {
    order_id: OrderId,
    #[serde(with = "opt_datetime")]
    date: Option<DateTime<FixedOffset>>,
    #[serde(with = "opt_datetime")]
    expiration_date: Option<DateTime<FixedOffset>>,
    #[serde(with = "opt_datetime")]
    retraction_date: Option<DateTime<FixedOffset>>,
    price_with_tax: &'a Price,
    price_without_tax: &'a Price,
    tax: &'a Price,
    metadatas: &'a [String],
}

impl<'a> From<&'a Order> for PublicOrder<'a> {
    fn from(o: &'a Order) -> Self {
        PublicOrder {
            order_id: o.order_id,
            date: o.date,
            expiration_date: o.expiration_date,
            retraction_date: o.retraction_date,
            price_with_tax: &o.price_with_tax,
            price_without_tax: &o.price_without_tax,
            tax: &o.tax,
            metadatas: &o.metadatas,
        }
    }
}

/// Serializes an order without its password and URLs (`serialize_with`).
pub(crate) fn serialize_order_without_secrets<S: serde::Serializer>(
    order: &Order,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    PublicOrder::from(order).serialize(serializer)
}

impl fmt::Debug for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Order")
            .field("order_id", &self.order_id)
            .field("date", &self.date)
            .field("expiration_date", &self.expiration_date)
            .field("retraction_date", &self.retraction_date)
            .field("password", &REDACTED)
            .field("url", &REDACTED)
            .field("pdf_url", &REDACTED)
            .field("price_with_tax", &self.price_with_tax)
            .field("price_without_tax", &self.price_without_tax)
            .field("tax", &self.tax)
            .field("metadatas", &self.metadatas)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::CurrencyCode;
    use crate::models::test_support::{decode, fixture, roundtrip};

    fn datetime(text: &str) -> Option<DateTime<FixedOffset>> {
        Some(DateTime::parse_from_rfc3339(text).unwrap())
    }

    #[test]
    fn renew_order_guide() {
        let order: Order = decode(fixture!("renew_order"));
        assert_eq!(order.order_id, OrderId(123_456_789));
        assert_eq!(order.date, datetime("2018-05-15T15:49:06+02:00"));
        assert_eq!(order.expiration_date, datetime("2018-05-16T15:49:06+02:00"));
        assert_eq!(order.retraction_date, None);
        assert_eq!(order.date.unwrap().offset().local_minus_utc(), 7200);
        assert_eq!(order.password, "aBcD");
        assert!(order.url.contains("orderPassword=aBcD"));
        assert_eq!(order.price_with_tax.ucents(), 4_544_000_000);
        assert_eq!(order.price_without_tax.ucents(), 3_787_000_000);
        assert_eq!(order.tax.ucents(), 757_000_000);
        assert_eq!(
            order.price_without_tax.ucents() + order.tax.ucents(),
            order.price_with_tax.ucents()
        );
        assert_eq!(order.tax.text.as_deref(), Some("7.57 €"));
        assert_eq!(order.tax.currency(), Some(&CurrencyCode::Eur));
        assert!(order.metadatas.is_empty());
        roundtrip(&order);
    }

    #[test]
    fn renew_order_vps() {
        let order: Order = decode(fixture!("renew_order_vps"));
        assert_eq!(order.order_id, OrderId(214_110_657));
        assert_eq!(order.price_with_tax.ucents(), 12_420_000_000);
        assert_eq!(order.price_without_tax.ucents(), 10_350_000_000);
        assert_eq!(order.tax.ucents(), 2_070_000_000);
        roundtrip(&order);
    }

    #[test]
    fn me_order_fixtures() {
        let order: Order = decode(fixture!("me_order"));
        assert_eq!(order.order_id, OrderId(214_110_657));
        assert!(order.metadatas.is_empty());
        assert_eq!(order.price_with_tax.price_in_ucents, Some(12_420_000_000));
        assert_eq!(order.price_with_tax.ucents(), 12_420_000_000);
        assert_eq!(order.expiration_date, datetime("2024-09-05T23:29:59+02:00"));
        roundtrip(&order);

        let points: Order = decode(fixture!("me_order_points"));
        assert_eq!(points.order_id, OrderId(214_110_656));
        assert_eq!(
            points.price_with_tax.currency(),
            Some(&CurrencyCode::Points)
        );
        assert_eq!(points.price_with_tax.ucents(), 0);
        assert_eq!(points.price_with_tax.text.as_deref(), Some("0 PTS"));
        assert_eq!(
            points.retraction_date,
            datetime("2024-09-06T00:00:00+02:00")
        );
        roundtrip(&points);
    }

    #[test]
    fn debug_redacts_secrets() {
        for json in [
            fixture!("me_order"),
            fixture!("renew_order"),
            fixture!("me_order_points"),
        ] {
            let order: Order = decode(json);
            let debug = format!("{order:?}");
            assert!(!debug.contains(&order.password), "{debug}");
            assert!(!debug.contains(&order.url), "{debug}");
            assert!(!debug.contains(&order.pdf_url), "{debug}");
            assert!(!debug.contains("orderPassword"), "{debug}");
            assert!(debug.contains("<redacted>"));
            assert!(debug.contains(&order.order_id.to_string()));
            let pretty = format!("{order:#?}");
            assert!(!pretty.contains(&order.password));
            // Serialization keeps the real values.
            assert!(
                serde_json::to_string(&order)
                    .unwrap()
                    .contains(&order.password)
            );
        }
    }

    #[test]
    fn dry_run_shaped_orders() {
        let empty_strings: Order = decode(
            r#"{"orderId":0,"password":"","url":"","pdfUrl":"","date":null,
                "priceWithTax":{"value":0},"priceWithoutTax":{"value":0},"tax":{"value":0}}"#,
        );
        assert_eq!(empty_strings.order_id, OrderId(0));
        assert_eq!(empty_strings.password, "");
        assert_eq!(empty_strings.date, None);
        roundtrip(&empty_strings);

        let missing: Order = decode(
            r#"{"priceWithTax":{"value":41.4,"currencyCode":"EUR"},
                "priceWithoutTax":{"value":34.5,"currencyCode":"EUR"},
                "tax":{"value":6.9,"currencyCode":"EUR"},"futureField":{"a":1}}"#,
        );
        assert_eq!(missing.order_id, OrderId(0));
        assert_eq!(missing.url, "");
        assert_eq!(missing.pdf_url, "");
        assert_eq!(missing.expiration_date, None);
        assert_eq!(missing.price_with_tax.ucents(), 4_140_000_000);
        roundtrip(&missing);

        let nulls: Order = decode(
            r#"{"orderId":null,"password":null,"url":null,"pdfUrl":null,"date":"",
                "priceWithTax":{"value":0},"priceWithoutTax":{"value":0},"tax":{"value":0}}"#,
        );
        assert_eq!(nulls, missing_prices_zero());
    }

    #[test]
    fn a_real_order_answer_needs_a_usable_order_id() {
        let created: CreatedOrder = decode(fixture!("renew_order"));
        assert_eq!(created.0.order_id, OrderId(123_456_789));
        let prices =
            r#""priceWithTax":{"value":0},"priceWithoutTax":{"value":0},"tax":{"value":0}"#;
        for id in ["", r#""orderId":null,"#, r#""orderId":0,"#] {
            let json = format!("{{{id}{prices}}}");
            let err = serde_json::from_str::<CreatedOrder>(&json).err().unwrap();
            assert!(
                err.to_string().contains("no usable orderId"),
                "{json}: {err}"
            );
            // The same answer is a fine dry run.
            assert_eq!(decode::<Order>(&json).order_id, OrderId(0));
        }
    }

    #[test]
    fn the_secretless_json_leaves_out_password_and_urls_only() {
        let order: Order = decode(fixture!("renew_order"));
        let mut out = Vec::new();
        serialize_order_without_secrets(&order, &mut serde_json::Serializer::new(&mut out))
            .unwrap();
        let json = String::from_utf8(out).unwrap();
        for gone in ["password", "url", "pdfUrl", "aBcD"] {
            assert!(!json.contains(gone), "{gone} in {json}");
        }
        let back: Order = decode(&json);
        assert_eq!(back.order_id, order.order_id);
        assert_eq!(back.price_with_tax, order.price_with_tax);
        assert_eq!(back.date, order.date);
        assert_eq!(back.password, "");
    }

    fn missing_prices_zero() -> Order {
        let zero = Price {
            value: 0.0,
            text: None,
            currency_code: None,
            price_in_ucents: None,
        };
        Order::new(OrderId(0), zero.clone(), zero.clone(), zero)
    }

    #[test]
    fn builder() {
        let eur = |u| Price::from_ucents(u, CurrencyCode::Eur);
        let at = DateTime::parse_from_rfc3339("2024-08-22T12:24:08+02:00").unwrap();
        let mut order = Order::new(OrderId(1), eur(100), eur(20), eur(120));
        (order.date, order.expiration_date, order.retraction_date) = (Some(at), Some(at), Some(at));
        order.password = "secret".into();
        order.url = "https://example/secret".into();
        order.pdf_url = "https://example/pdf/secret".into();
        order.metadatas = vec!["m".into()];
        assert_eq!(order.price_with_tax.ucents(), 120);
        assert!(!format!("{order:?}").contains("secret"));
        roundtrip(&order);
    }

    #[test]
    fn order_status() {
        let not_paid: OrderStatus = decode(fixture!("order_status_not_paid"));
        assert_eq!(not_paid, OrderStatus::NotPaid);
        let delivered: OrderStatus = decode(fixture!("order_status_delivered"));
        assert_eq!(delivered, OrderStatus::Delivered);
        roundtrip(&not_paid);
        roundtrip(&delivered);
        assert_eq!(decode::<OrderStatus>(r#""unknown""#), OrderStatus::Unknown);
        assert_eq!(
            decode::<OrderStatus>(r#""refunded""#),
            OrderStatus::Other("refunded".into())
        );
        assert_eq!(
            serde_json::to_string(&OrderStatus::DocumentsRequested).unwrap(),
            r#""documentsRequested""#
        );
        assert_eq!("checking".parse::<OrderStatus>(), Ok(OrderStatus::Checking));
        assert_eq!(OrderStatus::Cancelling.to_string(), "cancelling");
    }

    #[test]
    fn payment_means() {
        let available: Vec<RegisteredPaymentMean> =
            decode(fixture!("available_registered_payment_mean"));
        assert_eq!(
            available,
            [RegisteredPaymentMean::new(PaymentMean::BankAccount)]
        );
        roundtrip(&available);
        let means: Vec<PaymentMean> = available.into_iter().map(PaymentMean::from).collect();
        assert_eq!(means, [PaymentMean::BankAccount]);

        let all = [
            "CREDIT_CARD",
            "CURRENT_ACCOUNT",
            "DEFERRED_PAYMENT_ACCOUNT",
            "DOMESTIC_CARD",
            "ENTERPRISE",
            "INTERNAL_TRUSTED_ACCOUNT",
            "PAYPAL",
            "RUPAY",
            "SEPA_DIRECT_DEBIT",
            "bankAccount",
            "creditCard",
            "deferredPaymentAccount",
            "fidelityAccount",
            "ovhAccount",
            "paypal",
        ];
        let decoded: Vec<PaymentMean> = all.iter().map(|text| text.parse().unwrap()).collect();
        assert!(decoded.iter().all(PaymentMean::is_known));
        let distinct: std::collections::HashSet<_> = decoded.iter().collect();
        assert_eq!(distinct.len(), all.len());
        for (mean, text) in decoded.iter().zip(all) {
            assert_eq!(mean.as_str(), text);
            assert_eq!(serde_json::to_string(mean).unwrap(), format!("\"{text}\""));
        }
        assert_eq!(decode::<PaymentMean>(r#""paypal""#), PaymentMean::Paypal);
        assert_eq!(
            decode::<PaymentMean>(r#""PAYPAL""#),
            PaymentMean::PaypalUpper
        );
        assert_ne!(PaymentMean::Paypal, PaymentMean::PaypalUpper);
        assert_eq!(
            decode::<PaymentMean>(r#""creditCard""#),
            PaymentMean::CreditCard
        );
        assert_eq!(
            decode::<PaymentMean>(r#""CREDIT_CARD""#),
            PaymentMean::CreditCardUpper
        );
        let future: PaymentMean = decode(r#""Paypal""#);
        assert_eq!(future, PaymentMean::Other("Paypal".into()));
        assert_eq!(serde_json::to_string(&future).unwrap(), r#""Paypal""#);
    }

    #[test]
    fn payment_method_list() {
        let ids: Vec<u64> = decode(fixture!("payment_method_list"));
        assert_eq!(ids, [9_876_543]);
        roundtrip(&ids);
    }
}
