//! Invoices: [`Bill`] (`billing.Bill`, `GET /me/bill/{billId}`) and its
//! [`BillCategory`].

use crate::scrub::REDACTED;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, opt_datetime};
use super::{BillId, OrderId, Price};

open_enum! {
    /// What an invoice is for (`billing.CategoryEnum`).
    pub enum BillCategory {
        /// An automatic renewal.
        Autorenew = "autorenew",
        /// A renewal ordered before the expiration (what the renewal flow creates).
        EarlyRenewal = "earlyrenewal",
        /// A purchase.
        Purchase = "purchase",
        /// A cloud purchase.
        PurchaseCloud = "purchase-cloud",
        /// A server purchase.
        PurchaseServers = "purchase-servers",
        /// A telecom purchase.
        PurchaseTelecom = "purchase-telecom",
        /// A web purchase.
        PurchaseWeb = "purchase-web",
    }
}

/// An invoice (`billing.Bill`).
///
/// `password`, `url` and `pdf_url` let anyone open the invoice: `Debug` prints them as
/// `"<redacted>"`, and [`RenewReport`](crate::workflow::RenewReport)'s JSON leaves them
/// out. `Serialize` keeps them (a stored bill round-trips): **a `Bill`'s own JSON holds
/// its password and URLs**. On `ovh-us`, `pdf_url` needs a logged-in session.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Bill {
    /// The invoice id (text, e.g. `FR51234567`).
    pub bill_id: BillId,
    /// The order it invoices.
    #[serde(default, deserialize_with = "null_default")]
    pub order_id: OrderId,
    /// When it was issued (non-null in OVH's schema; decoded leniently).
    #[serde(default, with = "opt_datetime")]
    pub date: Option<DateTime<FixedOffset>>,
    /// What it is for.
    #[serde(default)]
    pub category: Option<BillCategory>,
    /// Total including tax.
    pub price_with_tax: Price,
    /// Total excluding tax.
    pub price_without_tax: Price,
    /// Tax.
    pub tax: Price,
    /// Public access token (secret-like; also in the URLs).
    #[serde(default, deserialize_with = "null_default")]
    pub password: String,
    /// Public URL of the invoice's HTML page (contains the password).
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
    /// Public URL of the invoice's PDF (contains the password).
    #[serde(default, deserialize_with = "null_default")]
    pub pdf_url: String,
    /// Electronic invoicing id (added in 2026; nullable).
    #[serde(default)]
    pub e_invoicing_id: Option<String>,
    /// Electronic invoicing status, as sent (added in 2026; nullable).
    #[serde(default)]
    pub e_invoicing_status: Option<String>,
}

impl Bill {
    /// An invoice of `order_id` with these prices; no date, category, password or URLs.
    pub fn new(
        bill_id: BillId,
        order_id: OrderId,
        price_without_tax: Price,
        tax: Price,
        price_with_tax: Price,
    ) -> Self {
        Self {
            bill_id,
            order_id,
            date: None,
            category: None,
            price_with_tax,
            price_without_tax,
            tax,
            password: String::new(),
            url: String::new(),
            pdf_url: String::new(),
            e_invoicing_id: None,
            e_invoicing_status: None,
        }
    }
}

impl fmt::Debug for Bill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bill")
            .field("bill_id", &self.bill_id)
            .field("order_id", &self.order_id)
            .field("date", &self.date)
            .field("category", &self.category)
            .field("price_with_tax", &self.price_with_tax)
            .field("price_without_tax", &self.price_without_tax)
            .field("tax", &self.tax)
            .field("password", &REDACTED)
            .field("url", &REDACTED)
            .field("pdf_url", &REDACTED)
            .field("e_invoicing_id", &self.e_invoicing_id)
            .field("e_invoicing_status", &self.e_invoicing_status)
            .finish()
    }
}

/// [`Bill`]'s JSON without `password`, `url` and `pdfUrl`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PublicBill<'a> {
    bill_id: &'a BillId,
    order_id: OrderId,
    #[serde(with = "opt_datetime")]
    date: Option<DateTime<FixedOffset>>,
    category: &'a Option<BillCategory>,
    price_with_tax: &'a Price,
    price_without_tax: &'a Price,
    tax: &'a Price,
    e_invoicing_id: &'a Option<String>,
    e_invoicing_status: &'a Option<String>,
}

/// Serializes an optional bill without its password and URLs (`serialize_with`).
pub(crate) fn serialize_opt_bill_without_secrets<S: serde::Serializer>(
    bill: &Option<Bill>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    bill.as_ref()
        .map(|b| PublicBill {
            bill_id: &b.bill_id,
            order_id: b.order_id,
            date: b.date,
            category: &b.category,
            price_with_tax: &b.price_with_tax,
            price_without_tax: &b.price_without_tax,
            tax: &b.tax,
            e_invoicing_id: &b.e_invoicing_id,
            e_invoicing_status: &b.e_invoicing_status,
        })
        .serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn a_bill_decodes_with_text_id_and_exact_prices() {
        let bill: Bill = decode(fixture!("me_bill"));
        assert_eq!(bill.bill_id, BillId::from("FR51234567"));
        assert_eq!(bill.order_id, OrderId(214_110_657));
        assert_eq!(bill.category, Some(BillCategory::EarlyRenewal));
        assert_eq!(bill.price_with_tax.ucents(), 12_420_000_000);
        assert_eq!(bill.price_without_tax.ucents(), 10_350_000_000);
        assert!(bill.date.is_some());
        roundtrip(&bill);
        let ids: Vec<BillId> = decode(fixture!("me_bill_list"));
        assert_eq!(
            ids,
            [BillId::from("FR51234567"), BillId::from("FR51234999")]
        );
        assert!(serde_json::from_str::<Vec<BillId>>("[51234567]").is_err());
    }

    #[test]
    fn debug_and_the_public_json_hide_the_password_and_urls() {
        let bill: Bill = decode(fixture!("me_bill"));
        for shown in [format!("{bill:?}"), format!("{bill:#?}")] {
            assert!(!shown.contains(&bill.password), "{shown}");
            assert!(!shown.contains("passwd"), "{shown}");
            assert!(shown.contains("FR51234567"));
        }
        #[derive(Serialize)]
        struct Wrapper {
            #[serde(serialize_with = "serialize_opt_bill_without_secrets")]
            bill: Option<Bill>,
        }
        let public = serde_json::to_string(&Wrapper {
            bill: Some(bill.clone()),
        })
        .unwrap();
        assert!(!public.contains(&bill.password), "{public}");
        assert!(public.contains("FR51234567") && public.contains("12420000000"));
        assert!(
            serde_json::to_string(&bill)
                .unwrap()
                .contains(&bill.password)
        );
        let category: Bill = decode(
            r#"{"billId":"X1","category":"purchase-space","priceWithTax":{"value":1},"priceWithoutTax":{"value":1},"tax":{"value":0}}"#,
        );
        assert_eq!(
            category.category,
            Some(BillCategory::Other("purchase-space".into()))
        );
    }
}
