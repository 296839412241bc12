//! [`DebtBalance`] (`debt.Balance`, the answer of `GET /me/debtAccount`).

use serde::{Deserialize, Serialize};

use super::{Amount, Price};

/// The account's debt (`debt.Balance`): what is due now, pending, to do and not yet due.
///
/// OVH's control panel blocks renewals while a debt is due; [`has_due`](Self::has_due)
/// is what the crate's guards look at.
///
/// ```
/// use ovh_renew::models::DebtBalance;
///
/// let debt: DebtBalance = serde_json::from_str(r#"{"active": true,
///     "dueAmount": {"currencyCode": "EUR", "text": "12.00 €", "value": 12, "priceInUcents": 1200000000},
///     "pendingAmount": {"currencyCode": "EUR", "text": "0.00 €", "value": 0}}"#)?;
/// assert!(debt.has_due());
/// assert_eq!(debt.due().unwrap().unwrap().to_string(), "12.00 EUR");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DebtBalance {
    /// Whether the debt account is active.
    #[serde(default)]
    pub active: bool,
    /// Due now.
    #[serde(default)]
    pub due_amount: Option<Price>,
    /// Being paid.
    #[serde(default)]
    pub pending_amount: Option<Price>,
    /// To be paid.
    #[serde(default)]
    pub todo_amount: Option<Price>,
    /// Not yet due.
    #[serde(default)]
    pub unmatured_amount: Option<Price>,
}

impl DebtBalance {
    /// No debt at all.
    pub fn none() -> Self {
        Self::default()
    }

    /// A balance with `due` due now (and nothing else).
    pub fn due_now(due: Price) -> Self {
        Self {
            active: true,
            due_amount: Some(due),
            ..Self::default()
        }
    }

    /// The amount due now, exact (`None`: OVH sent none; `Some(Err)`: a price without
    /// its currency).
    pub fn due(&self) -> Option<Result<Amount, super::AmountError>> {
        self.due_amount.as_ref().map(Price::amount)
    }

    /// Whether an amount is due now: a due amount above zero. A due price whose exact
    /// amount cannot be read counts as due (never assume there is no debt).
    pub fn has_due(&self) -> bool {
        match self.due_amount.as_ref() {
            None => false,
            Some(price) => price.checked_ucents().is_none_or(|ucents| ucents > 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::CurrencyCode;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn fixture_has_a_due_amount() {
        let debt: DebtBalance = decode(fixture!("me_debt_account"));
        assert!(debt.active && debt.has_due());
        assert_eq!(
            debt.due(),
            Some(Ok(Amount::new(1_200_000_000, CurrencyCode::Eur)))
        );
        assert_eq!(debt.pending_amount.as_ref().unwrap().ucents(), 0);
        roundtrip(&debt);
    }

    #[test]
    fn zero_missing_and_null_amounts_are_not_due() {
        for json in [
            r#"{}"#,
            r#"{"active":false,"dueAmount":null}"#,
            r#"{"active":true,"dueAmount":{"currencyCode":"EUR","text":"0.00 €","value":0,"priceInUcents":0}}"#,
        ] {
            let debt: DebtBalance = decode(json);
            assert!(!debt.has_due(), "{json}");
            roundtrip(&debt);
        }
        assert!(DebtBalance::due_now(Price::from_ucents(1, CurrencyCode::Eur)).has_due());
        assert!(!DebtBalance::none().has_due());
    }
}
