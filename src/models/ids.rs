//! Identifiers: [`ServiceId`], [`OrderId`] and [`OrderDetailId`] (numbers), [`BillId`] (text).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Error returned when parsing a [`ServiceId`], [`OrderId`] or [`OrderDetailId`] from text
/// fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid id {text:?}: expected a non-negative integer that fits in 64 bits")]
pub struct ParseIdError {
    text: String,
}

impl ParseIdError {
    /// The text that could not be parsed.
    pub fn text(&self) -> &str {
        &self.text
    }
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl $name {
            /// The raw numeric value.
            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIdError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                text.parse().map(Self).map_err(|_| ParseIdError {
                    text: text.to_owned(),
                })
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }
    };
}

id_type! {
    /// Identifier of a billed service (`coreTypes.ServiceId`), as used by
    /// `/service/{serviceId}/renew` and returned as `serviceId` by every `serviceInfos`.
    ///
    /// Serialized as a bare JSON number.
    ///
    /// ```
    /// use ovh_renew::models::ServiceId;
    ///
    /// let id: ServiceId = "118977335".parse()?;
    /// assert_eq!(id, ServiceId(118_977_335));
    /// assert_eq!(id.to_string(), "118977335");
    /// assert_eq!(serde_json::to_string(&id).unwrap(), "118977335");
    /// assert!("vps-0baa4fcf".parse::<ServiceId>().is_err());
    /// # Ok::<(), ovh_renew::models::ParseIdError>(())
    /// ```
    ServiceId
}

id_type! {
    /// Identifier of an order (`orderId` of `billing.Order` / `service.renew.RenewOrder`).
    ///
    /// Serialized as a bare JSON number. A dry-run answer may carry `0`.
    ///
    /// ```
    /// use ovh_renew::models::OrderId;
    ///
    /// let id = OrderId::from(214_110_657);
    /// assert_eq!(id.to_string().parse::<OrderId>(), Ok(id));
    /// ```
    OrderId
}

id_type! {
    /// Identifier of one line of an order (`orderDetailId` of `billing.OrderDetail`), as
    /// listed by `GET /me/order/{orderId}/details`.
    ///
    /// Serialized as a bare JSON number.
    ///
    /// ```
    /// use ovh_renew::models::OrderDetailId;
    ///
    /// assert_eq!("7001".parse::<OrderDetailId>(), Ok(OrderDetailId(7001)));
    /// ```
    OrderDetailId
}

/// Identifier of an invoice (`billId` of `billing.Bill`, e.g. `FR51234567`): **text**,
/// unlike order ids. Sent as one percent-encoded path segment (`GET /me/bill/{billId}`).
///
/// ```
/// use ovh_renew::models::BillId;
///
/// let id = BillId::from("FR51234567");
/// assert_eq!(id.as_str(), "FR51234567");
/// assert_eq!(serde_json::to_string(&id).unwrap(), "\"FR51234567\"");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BillId(pub String);

impl BillId {
    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BillId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for BillId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl From<String> for BillId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn parse_display_and_errors() {
        assert_eq!("29162449".parse::<ServiceId>(), Ok(ServiceId(29_162_449)));
        assert_eq!(OrderId(7).to_string(), "7");
        for bad in ["", "-1", "1.0", "abc", " 1", "18446744073709551616"] {
            let err = bad.parse::<ServiceId>().unwrap_err();
            assert_eq!(err.text(), bad);
            assert!(err.to_string().contains("invalid id"));
        }
        assert_eq!(u64::from(ServiceId::from(5)), 5);
        assert_eq!(ServiceId(5).get(), 5);
    }

    #[test]
    fn service_list_fixture() {
        let ids: Vec<ServiceId> = decode(fixture!("service_list"));
        assert_eq!(ids.len(), 5);
        assert_eq!(ids[0], ServiceId(29_162_449));
        assert_eq!(ids[4], ServiceId(118_977_336));
        roundtrip(&ids);
        assert!(serde_json::from_str::<ServiceId>("\"1\"").is_err());
    }

    #[test]
    fn order_list_fixture() {
        let ids: Vec<OrderId> = decode(fixture!("me_order_list"));
        assert_eq!(
            ids,
            [
                OrderId(214_110_656),
                OrderId(214_110_657),
                OrderId(213_998_001)
            ]
        );
        roundtrip(&ids);
    }
}
