//! The lines of an order: [`OrderDetail`] (`billing.OrderDetail`, `GET
//! /me/order/{orderId}/details/{orderDetailId}`) and what a line did, [`ItemDetail`]
//! (`billing.ItemDetail`, `…/details/{orderDetailId}/extension`, BETA).
//!
//! No order model carries a service id: a line names its service in
//! [`domain`](OrderDetail::domain) (the service *name*), and says it renews it with
//! [`detail_type`](OrderDetail::detail_type) `RENEW` or the extension's
//! [`action`](ItemOrder::action) `renew`. The extension's plan carries the period
//! ([`ItemPlan::period`]); the line itself carries none.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::open_enum::open_enum;
use super::serde_helpers::null_default;
use super::{OrderDetailId, Price, RenewPeriod};

open_enum! {
    /// The kind of an order line (`order.OrderDetailTypeEnum`).
    pub enum OrderDetailType {
        /// An accessory.
        Accessory = "ACCESSORY",
        /// A deposit.
        Caution = "CAUTION",
        /// A chosen option.
        Choosed = "CHOOSED",
        /// Consumption.
        Consumption = "CONSUMPTION",
        /// A creation (a new service).
        Creation = "CREATION",
        /// Delivery.
        Delivery = "DELIVERY",
        /// A duration.
        Duration = "DURATION",
        /// A gift.
        Gift = "GIFT",
        /// Installation fees.
        Installation = "INSTALLATION",
        /// A license.
        License = "LICENSE",
        /// Mute.
        Mute = "MUTE",
        /// Other.
        OtherLine = "OTHER",
        /// Out of plan.
        Outplan = "OUTPLAN",
        /// A quantity.
        Quantity = "QUANTITY",
        /// A refund.
        Refund = "REFUND",
        /// A renewal: the line renews the service named in its `domain`.
        Renew = "RENEW",
        /// Special.
        Special = "SPECIAL",
        /// A switch.
        Switch = "SWITCH",
        /// A transfer.
        Transfer = "TRANSFER",
        /// A voucher.
        Voucher = "VOUCHER",
    }
}

/// One line of an order (`billing.OrderDetail`).
///
/// `quantity` is a **string** in OVH's schema (`"1"`); it decodes from a string or a
/// number, `null`, missing and `""` as `None`, and serializes back as a string. A bundle
/// (a domain renewed with its hosting) is one order with one line per service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrderDetail {
    /// The line's id.
    pub order_detail_id: OrderDetailId,
    /// Free text, e.g. `"Renouvellement VPS Value 1-2-40 - 3 mois"`.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// The name of the service the line is about (`vps-0baa4fcf.vps.ovh.net`,
    /// `agora3.ovh`); OVH calls it "domain" for every product.
    #[serde(default, deserialize_with = "null_default")]
    pub domain: String,
    /// The kind of line (nullable in OVH's schema).
    #[serde(default)]
    pub detail_type: Option<OrderDetailType>,
    /// How many (a string on the wire).
    #[serde(default, with = "quantity_text")]
    pub quantity: Option<u64>,
    /// Price of one unit.
    pub unit_price: Price,
    /// Price of the line.
    pub total_price: Price,
    /// Whether the line was cancelled.
    #[serde(default, deserialize_with = "null_default")]
    pub cancelled: bool,
}

impl OrderDetail {
    /// A line with these values, not cancelled, quantity 1, no type.
    pub fn new(
        order_detail_id: OrderDetailId,
        domain: impl Into<String>,
        unit_price: Price,
        total_price: Price,
    ) -> Self {
        Self {
            order_detail_id,
            description: String::new(),
            domain: domain.into(),
            detail_type: None,
            quantity: Some(1),
            unit_price,
            total_price,
            cancelled: false,
        }
    }

    /// `true` for a `RENEW` line.
    pub fn is_renewal(&self) -> bool {
        self.detail_type == Some(OrderDetailType::Renew)
    }
}

/// `Option<u64>` sent by OVH as a string (`"1"`), accepted as a number too.
mod quantity_text {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Wire {
        Number(u64),
        Text(String),
    }

    pub(super) fn serialize<S: Serializer>(
        value: &Option<u64>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(n) => serializer.collect_str(n),
            None => serializer.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<u64>, D::Error> {
        match Option::<Wire>::deserialize(deserializer)? {
            None => Ok(None),
            Some(Wire::Number(n)) => Ok(Some(n)),
            Some(Wire::Text(text)) if text.trim().is_empty() => Ok(None),
            Some(Wire::Text(text)) => text.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!(
                    "invalid quantity {text:?}: expected a whole number (as text or a number)"
                ))
            }),
        }
    }
}

open_enum! {
    /// What an order line did (`billing.ItemDetail.OrderActionEnum`).
    pub enum ItemAction {
        /// Consumption.
        Consumption = "consumption",
        /// Detaching an option.
        Detach = "detach",
        /// A first installation.
        Installation = "installation",
        /// A renewal.
        Renew = "renew",
        /// Reverting.
        Revert = "revert",
        /// An upgrade.
        Upgrade = "upgrade",
    }
}

/// What an order line did (`billing.ItemDetail`, the answer of `GET
/// /me/order/{orderId}/details/{orderDetailId}/extension`, BETA).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemDetail {
    /// The ordered item.
    #[serde(default, deserialize_with = "null_default")]
    pub order: ItemOrder,
}

impl ItemDetail {
    /// The extension of a line that did `action` with `plan`.
    pub fn new(action: ItemAction, plan: ItemPlan) -> Self {
        Self {
            order: ItemOrder {
                action: Some(action),
                plan,
                item_type: None,
            },
        }
    }
}

/// The ordered item of an [`ItemDetail`] (`billing.ItemDetail.Order`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemOrder {
    /// What the line did (nullable).
    #[serde(default)]
    pub action: Option<ItemAction>,
    /// The plan ordered.
    #[serde(default, deserialize_with = "null_default")]
    pub plan: ItemPlan,
    /// `plan` or `product` (nullable; kept as sent).
    #[serde(default, rename = "type")]
    pub item_type: Option<String>,
}

/// The plan of an [`ItemOrder`] (`billing.ItemDetail.OrderPlan`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ItemPlan {
    /// The plan code, e.g. `vps-value-1-2-40`.
    #[serde(default)]
    pub code: Option<String>,
    /// The ISO 8601 duration ordered, as sent (`P3M`); see [`period`](Self::period).
    #[serde(default)]
    pub duration: Option<String>,
    /// The pricing mode, as sent (`default`, `upfront12`, …).
    #[serde(default)]
    pub pricing_mode: Option<String>,
    /// How many (nullable).
    #[serde(default)]
    pub quantity: Option<u64>,
}

impl ItemPlan {
    /// A plan ordered for `duration` (ISO 8601 text).
    pub fn new(code: impl Into<String>, duration: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            duration: Some(duration.into()),
            pricing_mode: None,
            quantity: Some(1),
        }
    }

    /// The duration as a [`RenewPeriod`], when it is one (`P1Y`, `P3M`, `P30D`; `None`
    /// when missing or not an ISO-8601 duration).
    pub fn period(&self) -> Option<RenewPeriod> {
        self.duration.as_deref()?.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn a_renewal_line_decodes_with_its_quantity_as_text() {
        let line: OrderDetail = decode(fixture!("me_order_detail_renew"));
        assert_eq!(line.order_detail_id, OrderDetailId(70_000_001));
        assert_eq!(line.domain, "vps-0baa4fcf.vps.ovh.net");
        assert!(line.is_renewal());
        assert_eq!(line.quantity, Some(1));
        assert_eq!(line.total_price.ucents(), 10_350_000_000);
        assert!(!line.cancelled);
        roundtrip(&line);
        let json = serde_json::to_value(&line).unwrap();
        assert_eq!(json["quantity"], "1", "sent back as OVH sends it");
    }

    #[test]
    fn quantity_accepts_text_numbers_and_nothing_and_refuses_words() {
        let with = |q: &str| {
            serde_json::from_str::<OrderDetail>(&format!(
                r#"{{"orderDetailId":1,"quantity":{q},"unitPrice":{{"value":1}},"totalPrice":{{"value":1}}}}"#
            ))
        };
        assert_eq!(with(r#""12""#).unwrap().quantity, Some(12));
        assert_eq!(with("3").unwrap().quantity, Some(3));
        assert_eq!(with("null").unwrap().quantity, None);
        assert_eq!(with(r#""""#).unwrap().quantity, None);
        let err = with(r#""two""#).unwrap_err();
        assert!(err.to_string().contains("invalid quantity"), "{err}");
        assert!(with(r#""-1""#).is_err());
        // Unknown kinds are kept, a missing one is None.
        let other: OrderDetail = decode(
            r#"{"orderDetailId":2,"detailType":"REBATE_V2030","unitPrice":{"value":1},"totalPrice":{"value":1},"domain":null}"#,
        );
        assert_eq!(
            other.detail_type,
            Some(OrderDetailType::Other("REBATE_V2030".into()))
        );
        assert_eq!(other.domain, "");
        assert!(!other.is_renewal());
    }

    #[test]
    fn an_extension_carries_the_action_and_the_period() {
        let ext: ItemDetail = decode(fixture!("me_order_detail_extension_renew"));
        assert_eq!(ext.order.action, Some(ItemAction::Renew));
        assert_eq!(ext.order.plan.period(), Some(RenewPeriod::from_months(3)));
        assert_eq!(ext.order.plan.code.as_deref(), Some("vps-value-1-2-40"));
        roundtrip(&ext);
        let bare: ItemDetail = decode(r#"{"order":{"action":"resell","plan":{"duration":"P1D"}}}"#);
        assert_eq!(bare.order.action, Some(ItemAction::Other("resell".into())));
        // Any ISO-8601 duration is a period (days have no month count); other text is none.
        let days = bare.order.plan.period().unwrap();
        assert_eq!((days.as_str(), days.months()), ("P1D", None));
        let words: ItemDetail = decode(r#"{"order":{"plan":{"duration":"monthly"}}}"#);
        assert_eq!(words.order.plan.period(), None);
        let empty: ItemDetail = decode(r#"{"order":null}"#);
        assert_eq!(empty.order, ItemOrder::default());
    }
}
