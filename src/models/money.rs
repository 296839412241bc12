//! [`Price`] (`order.Price`), [`CurrencyCode`] (`order.CurrencyCodeEnum`) and [`Amount`],
//! the exact `(micro-cents, currency)` pair prices are compared with.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;

/// Micro-cents in one currency unit (`priceInUcents` / 10⁸ = `value`).
const UCENTS_PER_UNIT_DIGITS: i64 = 8;

open_enum! {
    /// Currency of a [`Price`] (`order.CurrencyCodeEnum`).
    pub enum CurrencyCode {
        /// Australian dollar.
        Aud = "AUD",
        /// Canadian dollar.
        Cad = "CAD",
        /// Czech koruna.
        Czk = "CZK",
        /// Euro.
        Eur = "EUR",
        /// Pound sterling.
        Gbp = "GBP",
        /// Indian rupee.
        Inr = "INR",
        /// Lithuanian litas.
        Ltl = "LTL",
        /// Moroccan dirham.
        Mad = "MAD",
        /// No currency applies.
        NotApplicable = "N/A",
        /// Polish złoty.
        Pln = "PLN",
        /// Singapore dollar.
        Sgd = "SGD",
        /// Tunisian dinar.
        Tnd = "TND",
        /// US dollar.
        Usd = "USD",
        /// West African CFA franc.
        Xof = "XOF",
        /// OVHcloud fidelity points.
        Points = "points",
    }
}

/// An amount of money (`order.Price`).
///
/// `value` is the API's floating-point amount, fine for display only. The exact amount is
/// [`ucents`](Self::ucents): use it to compare or add prices, or better [`amount`](Self::amount),
/// which carries the currency too. `text` is locale-formatted (`"45.44 €"`, `"0 PTS"`) and not
/// meant to be parsed. The guide's renew examples carry only `value`, so the other fields are
/// optional.
///
/// Decoding refuses a price without `priceInUcents` whose `value` does not fit in `i64`
/// micro-cents (beyond ±92 233 720 368.54775807 units): a decoded price always has an
/// exact [`checked_ucents`](Self::checked_ucents), never a saturated one.
///
/// ```
/// use ovh_renew::models::Price;
///
/// assert!(serde_json::from_str::<Price>(r#"{"value":1e300,"currencyCode":"EUR"}"#).is_err());
/// let price: Price = serde_json::from_str(r#"{"value":92233720368,"currencyCode":"EUR"}"#)?;
/// assert_eq!(price.checked_ucents(), Some(9_223_372_036_800_000_000));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "PriceWire")]
#[non_exhaustive]
pub struct Price {
    /// The amount in currency units, as a float (display only).
    pub value: f64,
    /// Human-readable, locale-formatted amount, e.g. `"45.44 €"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Currency of the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<CurrencyCode>,
    /// Exact amount in micro-cents (1 unit = 100 000 000), when the API provides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_in_ucents: Option<i64>,
}

/// [`Price`] as sent, before the range check of its `value`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriceWire {
    value: f64,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    currency_code: Option<CurrencyCode>,
    #[serde(default)]
    price_in_ucents: Option<i64>,
}

impl TryFrom<PriceWire> for Price {
    type Error = AmountError;

    fn try_from(wire: PriceWire) -> Result<Self, Self::Error> {
        let price = Price {
            value: wire.value,
            text: wire.text,
            currency_code: wire.currency_code,
            price_in_ucents: wire.price_in_ucents,
        };
        // `priceInUcents`, when present, is the exact amount (and an i64 by type); the
        // display `value` then only needs to be what JSON gives, a finite number.
        match price.checked_ucents() {
            Some(_) => Ok(price),
            None => Err(AmountError::OutOfRange),
        }
    }
}

/// An exact amount of money: micro-cents (1 currency unit = 100 000 000) **with** their
/// currency. Two amounts are equal only when both the micro-cents and the currency are;
/// there is no arithmetic across currencies.
///
/// ```
/// use ovh_renew::models::{Amount, CurrencyCode, Price};
///
/// let approved = Amount::new(3_450_000_000, CurrencyCode::Eur);
/// assert_eq!(Price::from_ucents(3_450_000_000, CurrencyCode::Eur).amount(), Ok(approved.clone()));
/// // Same micro-cents, another currency: not the same amount.
/// assert_ne!(Price::from_ucents(3_450_000_000, CurrencyCode::Usd).amount(), Ok(approved.clone()));
/// assert_eq!(approved.to_string(), "34.50 EUR");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Amount {
    /// Exact amount in micro-cents.
    pub ucents: i64,
    /// Its currency.
    pub currency: CurrencyCode,
}

impl Amount {
    /// `ucents` micro-cents of `currency`.
    pub fn new(ucents: i64, currency: CurrencyCode) -> Self {
        Amount { ucents, currency }
    }
}

impl fmt::Display for Amount {
    /// The exact decimal amount, at least two fractional digits, then the currency code:
    /// `34.50 EUR`, `0.00000001 USD`, `-1.99 EUR`, `0.00 points`.
    /// Width and alignment apply to the whole text (`{:>14}`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!(
            "{} {}",
            ucents_text(self.ucents),
            self.currency.as_str()
        ))
    }
}

/// Exact micro-cents as a decimal amount with at least two fractional digits (`34.50`,
/// `0.00000001`, `-1.99`), with integer arithmetic only.
fn ucents_text(ucents: i64) -> String {
    let sign = if ucents < 0 { "-" } else { "" };
    let abs = ucents.unsigned_abs();
    let per_unit = 10u64.pow(UCENTS_PER_UNIT_DIGITS as u32);
    let fraction = format!("{:08}", abs % per_unit);
    let trimmed = fraction.trim_end_matches('0');
    let shown = if trimmed.len() < 2 {
        &fraction[..2]
    } else {
        trimmed
    };
    format!("{sign}{}.{shown}", abs / per_unit)
}

impl fmt::Display for Price {
    /// The exact amount from its micro-cents, then the currency code, as [`Amount`] shows
    /// it: `103.50 EUR`, `0.00000001 USD`; without a currency code, the amount alone. Never
    /// from the float `value`, except for a price built in code whose `value` does not fit
    /// `i64` micro-cents (impossible in a decoded price), shown as `~1e300` and the currency.
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price};
    ///
    /// assert_eq!(Price::from_ucents(10_350_000_000, CurrencyCode::Eur).to_string(), "103.50 EUR");
    /// // 0.1 + 0.2 in f64 is 0.30000000000000004; the micro-cents are exact.
    /// assert_eq!(Price::new(0.3, CurrencyCode::Usd).to_string(), "0.30 USD");
    /// assert_eq!(Price::new(1.23456789, CurrencyCode::Points).to_string(), "1.23456789 points");
    /// // Width and alignment apply to the whole text.
    /// assert_eq!(format!("[{:>12}]", Price::new(34.5, CurrencyCode::Eur)), "[   34.50 EUR]");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = match self.checked_ucents() {
            Some(ucents) => ucents_text(ucents),
            None => format!("~{:e}", self.value),
        };
        if let Some(currency) = &self.currency_code {
            text.push(' ');
            text.push_str(currency.as_str());
        }
        f.pad(&text)
    }
}

/// Why a [`Price`] has no exact [`Amount`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AmountError {
    /// The price carries no `currencyCode`, so it cannot be compared with another price.
    #[error("the price has no currency code, so it cannot be compared with another price")]
    NoCurrency,
    /// The price does not fit in `i64` micro-cents, or its `value` is not a finite number.
    #[error(
        "the price is not a finite amount that fits in i64 micro-cents (at most ±92233720368.54775807 units)"
    )]
    OutOfRange,
}

impl Price {
    /// A price of `value` units of `currency`, without text or micro-cent amount.
    pub fn new(value: f64, currency: CurrencyCode) -> Self {
        Self {
            value,
            text: None,
            currency_code: Some(currency),
            price_in_ucents: None,
        }
    }

    /// An exact price of `ucents` micro-cents; `value` is derived from it for display.
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price};
    ///
    /// let price = Price::from_ucents(3_450_000_000, CurrencyCode::Eur);
    /// assert_eq!(price.value, 34.5);
    /// assert_eq!(price.ucents(), 3_450_000_000);
    /// ```
    pub fn from_ucents(ucents: i64, currency: CurrencyCode) -> Self {
        Self {
            value: ucents as f64 / 1e8,
            text: None,
            currency_code: Some(currency),
            price_in_ucents: Some(ucents),
        }
    }

    /// The currency, if the API sent one.
    pub fn currency(&self) -> Option<&CurrencyCode> {
        self.currency_code.as_ref()
    }

    /// The exact amount with its currency: what guards compare.
    ///
    /// # Errors
    ///
    /// [`AmountError::NoCurrency`] without a currency, [`AmountError::OutOfRange`] when
    /// [`checked_ucents`](Self::checked_ucents) is `None`.
    pub fn amount(&self) -> Result<Amount, AmountError> {
        let ucents = self.checked_ucents().ok_or(AmountError::OutOfRange)?;
        let currency = self.currency_code.clone().ok_or(AmountError::NoCurrency)?;
        Ok(Amount { ucents, currency })
    }

    /// The exact amount in micro-cents, or `None` if it does not fit in `i64` (or `value`
    /// is NaN or infinite). `price_in_ucents` wins when present; otherwise `value` is
    /// converted exactly as [`ucents`](Self::ucents) describes. A decoded price is always
    /// `Some`; `None` is only possible for a price built in code (e.g. `Price::new(1e300, …)`).
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price};
    ///
    /// assert_eq!(Price::new(37.87, CurrencyCode::Eur).checked_ucents(), Some(3_787_000_000));
    /// assert_eq!(Price::new(1e300, CurrencyCode::Eur).checked_ucents(), None);
    /// assert_eq!(Price::new(f64::NAN, CurrencyCode::Eur).checked_ucents(), None);
    /// ```
    pub fn checked_ucents(&self) -> Option<i64> {
        match self.price_in_ucents {
            Some(ucents) => Some(ucents),
            None => value_to_ucents(self.value),
        }
    }

    /// The exact amount in micro-cents (1 currency unit = 100 000 000 ucents).
    ///
    /// For a decoded price this is always exact (decoding refuses amounts beyond `i64`).
    /// For a price built in code beyond that range it saturates: use
    /// [`checked_ucents`](Self::checked_ucents) or [`amount`](Self::amount) where that
    /// matters (the workflow and the planner do).
    ///
    /// Returns `price_in_ucents` when present. Otherwise `value` is converted without float
    /// arithmetic: its shortest round-trip decimal text (what Rust's `{}` prints, the same
    /// digits as the JSON the API sent) is scaled by 10⁸ with integer arithmetic, rounding
    /// half away from zero beyond the 8th fractional digit. Results beyond the `i64` range
    /// saturate to `i64::MIN` / `i64::MAX`; a NaN value (impossible from JSON) gives 0 and
    /// infinities saturate. Never panics.
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price};
    ///
    /// // 0.1 + 0.2 != 0.3 in f64, but their micro-cents add up exactly.
    /// let a = Price::new(0.1, CurrencyCode::Eur).ucents();
    /// let b = Price::new(0.2, CurrencyCode::Eur).ucents();
    /// assert_eq!(a + b, Price::new(0.3, CurrencyCode::Eur).ucents());
    /// assert_eq!(Price::new(37.87, CurrencyCode::Eur).ucents(), 3_787_000_000);
    /// // priceInUcents, when present, wins.
    /// let price: Price = serde_json::from_str(r#"{"value":34.5,"priceInUcents":3450000001}"#)?;
    /// assert_eq!(price.ucents(), 3_450_000_001);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn ucents(&self) -> i64 {
        if let Some(ucents) = self.price_in_ucents {
            return ucents;
        }
        let value = self.value;
        if value.is_nan() {
            0
        } else if value.is_infinite() {
            if value > 0.0 { i64::MAX } else { i64::MIN }
        } else {
            decimal_to_ucents(&value.to_string()).unwrap_or(0)
        }
    }
}

/// `value` in exact micro-cents, `None` if not finite or beyond `i64`.
fn value_to_ucents(value: f64) -> Option<i64> {
    if !value.is_finite() {
        return None;
    }
    decimal_to_ucents_checked(&value.to_string()).and_then(Result::ok)
}

/// The amount did not fit in `i64` micro-cents; `true` if it was negative.
struct Overflow(bool);

/// Converts a decimal text (`-12.345`, `1e-7`, `1.5E+21`) to micro-cents exactly.
///
/// Rounds half away from zero and saturates at the `i64` bounds; `None` if the text is not a
/// decimal number.
fn decimal_to_ucents(text: &str) -> Option<i64> {
    decimal_to_ucents_checked(text)
        .map(|r| r.unwrap_or_else(|Overflow(negative)| if negative { i64::MIN } else { i64::MAX }))
}

/// Like [`decimal_to_ucents`], but says when the amount does not fit instead of saturating.
fn decimal_to_ucents_checked(text: &str) -> Option<Result<i64, Overflow>> {
    let (negative, unsigned) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], parse_exponent(&unsigned[at + 1..])?),
        None => (unsigned, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return None;
    }
    let digits = || {
        int_part
            .bytes()
            .chain(frac_part.bytes())
            .map(|b| u64::from(b - b'0'))
    };
    let leading_zeros = digits().take_while(|&d| d == 0).count();
    // Number of significant digits that land before the micro-cent point. Lengths are
    // bounded by the text length and the exponent is clamped, so this cannot overflow.
    let len_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let whole_digits = len_i64(int_part.len())
        .saturating_add(exponent)
        .saturating_add(UCENTS_PER_UNIT_DIGITS)
        .saturating_sub(len_i64(leading_zeros));
    let mut significant = digits().skip(leading_zeros).chain(std::iter::repeat(0));
    if leading_zeros == int_part.len() + frac_part.len() {
        return Some(Ok(0));
    }
    let magnitude: u64 = if whole_digits > 19 {
        // At least 10^19 > i64::MAX.
        return Some(Err(Overflow(negative)));
    } else if whole_digits < 0 {
        0
    } else {
        // whole_digits ≤ 19 digits fit in u64 (< 10^19 ≤ u64::MAX).
        let mut magnitude = 0u64;
        for _ in 0..whole_digits {
            magnitude = magnitude * 10 + significant.next().unwrap_or(0);
        }
        let round_up = significant.next().is_some_and(|d| d >= 5);
        magnitude + u64::from(round_up)
    };
    let signed = if negative {
        -i128::from(magnitude)
    } else {
        i128::from(magnitude)
    };
    Some(i64::try_from(signed).map_err(|_| Overflow(negative)))
}

/// Parses an exponent (`-7`, `+21`, `3`), clamped to ±100 000 (far beyond any `i64` effect).
fn parse_exponent(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits
        .bytes()
        .fold(0i64, |acc, b| (acc * 10 + i64::from(b - b'0')).min(100_000));
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::roundtrip;
    use proptest::prelude::*;

    /// `price` with a `priceInUcents` that may disagree with its value.
    fn with_ucents(mut price: Price, ucents: i64) -> Price {
        price.price_in_ucents = Some(ucents);
        price
    }

    fn eur(value: f64) -> Price {
        Price::new(value, CurrencyCode::Eur)
    }

    /// Prices show their exact micro-cents, never the float, whatever the digits.
    #[test]
    fn prices_display_their_exact_amount_and_currency() {
        let no_currency = Price {
            currency_code: None,
            ..Price::from_ucents(-199_000_000, CurrencyCode::Eur)
        };
        for (price, shown) in [
            (
                Price::from_ucents(10_350_000_000, CurrencyCode::Eur),
                "103.50 EUR",
            ),
            (Price::from_ucents(0, CurrencyCode::Points), "0.00 points"),
            (Price::from_ucents(1, CurrencyCode::Usd), "0.00000001 USD"),
            (eur(37.87), "37.87 EUR"),
            // 0.1 + 0.2 is 0.30000000000000004 in f64: rounded at the micro-cent.
            (eur(0.1 + 0.2), "0.30 EUR"),
            // priceInUcents wins over a value that disagrees with it.
            (with_ucents(eur(1.0), 123_456_789), "1.23456789 EUR"),
            (no_currency, "-1.99"),
            (
                Price::from_ucents(i64::MIN, CurrencyCode::Eur),
                "-92233720368.54775808 EUR",
            ),
            (eur(1e300), "~1e300 EUR"),
        ] {
            assert_eq!(price.to_string(), shown);
        }
    }

    #[test]
    fn ucents_table() {
        for (value, expected) in [
            (0.0, 0),
            (-0.0, 0),
            (0.1, 10_000_000),
            (0.2, 20_000_000),
            (0.3, 30_000_000),
            (1.99, 199_000_000),
            (34.5, 3_450_000_000),
            (37.87, 3_787_000_000),
            (45.44, 4_544_000_000),
            (7.57, 757_000_000),
            (124.2, 12_420_000_000),
            (414.0, 41_400_000_000),
            (1732.0, 173_200_000_000),
            (1e-7, 10),
            (1e-8, 1),
            (1e-9, 0),
            (4.9e-9, 0),
            (5e-9, 1),
            (1.5e-8, 2),
            (2.5e-8, 3),
            (-1.99, -199_000_000),
            (-5e-9, -1),
            (-2.5e-8, -3),
            (0.123456785, 12_345_679),
            (92_233_720_368.0, 9_223_372_036_800_000_000),
            (92_233_720_369.0, i64::MAX),
            (-92_233_720_369.0, i64::MIN),
            (1e21, i64::MAX),
            (1e300, i64::MAX),
            (f64::MAX, i64::MAX),
            (-f64::MAX, i64::MIN),
            (f64::MIN_POSITIVE, 0),
            (f64::INFINITY, i64::MAX),
            (f64::NEG_INFINITY, i64::MIN),
            (f64::NAN, 0),
        ] {
            assert_eq!(eur(value).ucents(), expected, "value {value}");
        }
    }

    #[test]
    fn price_in_ucents_wins() {
        let price: Price = serde_json::from_str(
            r#"{"currencyCode":"EUR","text":"34.50 €","value":34.5,"priceInUcents":3450000000}"#,
        )
        .unwrap();
        assert_eq!(price.ucents(), 3_450_000_000);
        assert_eq!(with_ucents(eur(1.0), -3).ucents(), -3);
        assert_eq!(
            Price::from_ucents(i64::MIN, CurrencyCode::Usd).ucents(),
            i64::MIN
        );
    }

    #[test]
    fn decimal_text_conversion() {
        for (text, expected) in [
            ("1e-7", Some(10)),
            ("1E-7", Some(10)),
            ("1.5e+2", Some(15_000_000_000)),
            ("1e21", Some(i64::MAX)),
            ("-1e21", Some(i64::MIN)),
            ("1e999999999999999999999", Some(i64::MAX)),
            ("1e-999999999999999999999", Some(0)),
            ("0e999999", Some(0)),
            ("-0", Some(0)),
            ("+3", Some(300_000_000)),
            (".5", Some(50_000_000)),
            ("5.", Some(500_000_000)),
            ("00012.30", Some(1_230_000_000)),
            ("92233720368.54775807", Some(i64::MAX)),
            ("92233720368.54775808", Some(i64::MAX)),
            ("-92233720368.54775808", Some(i64::MIN)),
            ("-92233720368.54775809", Some(i64::MIN)),
            ("-92233720368.54775807", Some(-i64::MAX)),
            ("", None),
            ("-", None),
            (".", None),
            ("1e", None),
            ("1e+", None),
            ("NaN", None),
            ("inf", None),
            ("1.2.3", None),
            ("1_000", None),
        ] {
            assert_eq!(decimal_to_ucents(text), expected, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn decimal_text_gives_back_exact_ucents(u in -1_000_000_000_000_000i64..=1_000_000_000_000_000) {
            let sign = if u < 0 { "-" } else { "" };
            let abs = u.unsigned_abs();
            let json = format!(r#"{{"value":{sign}{}.{:08}}}"#, abs / 100_000_000, abs % 100_000_000);
            let price: Price = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(price.ucents(), u, "{}", json);
            let divided = Price { value: u as f64 / 1e8, text: None, currency_code: None, price_in_ucents: None };
            prop_assert_eq!(divided.ucents(), u);
        }

        #[test]
        fn ucents_never_panics(value in any::<f64>()) {
            let _ = eur(value).ucents();
        }

        #[test]
        fn decimal_to_ucents_never_panics(text in "[-+.eE0-9]{0,40}") {
            let _ = decimal_to_ucents(&text);
        }
    }

    #[test]
    fn decoding_refuses_a_value_beyond_i64_ucents_instead_of_saturating() {
        for json in [
            r#"{"value":1e300,"currencyCode":"EUR"}"#,
            r#"{"value":-1e300,"currencyCode":"EUR"}"#,
            r#"{"value":92233720369,"currencyCode":"EUR"}"#,
        ] {
            let err = serde_json::from_str::<Price>(json).unwrap_err();
            assert!(err.to_string().contains("i64 micro-cents"), "{json}: {err}");
        }
        // priceInUcents wins over value, and beyond i64 it is refused by the integer
        // decoder itself.
        let exact: Price = serde_json::from_str(
            r#"{"value":92233720368.54776,"priceInUcents":9223372036854775806}"#,
        )
        .unwrap();
        assert_eq!(exact.checked_ucents(), Some(i64::MAX - 1));
        assert!(
            serde_json::from_str::<Price>(r#"{"value":1,"priceInUcents":9223372036854775808}"#)
                .is_err()
        );
        // The largest whole amount that fits decodes exactly.
        let edge: Price =
            serde_json::from_str(r#"{"value":-92233720368,"currencyCode":"EUR"}"#).unwrap();
        assert_eq!(edge.checked_ucents(), Some(-9_223_372_036_800_000_000));
    }

    #[test]
    fn checked_ucents_says_none_where_ucents_saturates() {
        for value in [
            92_233_720_369.0,
            -92_233_720_369.0,
            1e21,
            f64::INFINITY,
            f64::NAN,
        ] {
            assert_eq!(eur(value).checked_ucents(), None, "{value}");
            assert_eq!(eur(value).amount(), Err(AmountError::OutOfRange), "{value}");
        }
        assert_eq!(
            eur(92_233_720_368.0).checked_ucents(),
            Some(9_223_372_036_800_000_000)
        );
        assert_eq!(eur(1e-9).checked_ucents(), Some(0));
        assert_eq!(with_ucents(eur(1e300), 5).checked_ucents(), Some(5));
        assert_eq!(
            decimal_to_ucents_checked("92233720368.54775807").map(|r| r.ok()),
            Some(Some(i64::MAX))
        );
        assert!(matches!(
            decimal_to_ucents_checked("92233720368.54775808"),
            Some(Err(Overflow(false)))
        ));
        assert!(matches!(
            decimal_to_ucents_checked("-1e30"),
            Some(Err(Overflow(true)))
        ));
    }

    #[test]
    fn amounts_carry_their_currency_and_print_exactly() {
        let no_currency = Price {
            value: 1.0,
            text: None,
            currency_code: None,
            price_in_ucents: None,
        };
        assert_eq!(no_currency.amount(), Err(AmountError::NoCurrency));
        assert_eq!(
            eur(34.5).amount(),
            Ok(Amount::new(3_450_000_000, CurrencyCode::Eur))
        );
        assert_ne!(
            Amount::new(1, CurrencyCode::Eur),
            Amount::new(1, CurrencyCode::Points)
        );
        for (ucents, currency, text) in [
            (3_450_000_000, CurrencyCode::Eur, "34.50 EUR"),
            (1, CurrencyCode::Usd, "0.00000001 USD"),
            (-199_000_000, CurrencyCode::Eur, "-1.99 EUR"),
            (0, CurrencyCode::Points, "0.00 points"),
            (12_345_000, CurrencyCode::Eur, "0.12345 EUR"),
            (i64::MIN, CurrencyCode::Eur, "-92233720368.54775808 EUR"),
        ] {
            assert_eq!(Amount::new(ucents, currency).to_string(), text);
        }
        let json = serde_json::to_string(&Amount::new(5, CurrencyCode::Eur)).unwrap();
        assert_eq!(json, r#"{"ucents":5,"currency":"EUR"}"#);
        assert_eq!(
            serde_json::from_str::<Amount>(&json).unwrap(),
            Amount::new(5, CurrencyCode::Eur)
        );
    }

    #[test]
    fn currency_codes() {
        for (text, code) in [
            ("AUD", CurrencyCode::Aud),
            ("EUR", CurrencyCode::Eur),
            ("N/A", CurrencyCode::NotApplicable),
            ("points", CurrencyCode::Points),
            ("XOF", CurrencyCode::Xof),
        ] {
            let decoded: CurrencyCode = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(decoded, code);
            assert_eq!(code.as_str(), text);
            assert!(code.is_known());
        }
        let odd: CurrencyCode = serde_json::from_str("\" INR\"").unwrap();
        assert_eq!(odd, CurrencyCode::Other(" INR".into()));
        assert_eq!(serde_json::to_string(&odd).unwrap(), "\" INR\"");
        assert!(!odd.is_known());
    }

    #[test]
    fn guide_shaped_price_and_round_trip() {
        let price: Price = serde_json::from_str(r#"{"value":1.99,"extra":true}"#).unwrap();
        assert_eq!(price.currency(), None);
        assert_eq!(price.ucents(), 199_000_000);
        assert_eq!(serde_json::to_string(&price).unwrap(), r#"{"value":1.99}"#);
        roundtrip(&price);
        let mut full = Price::from_ucents(757_000_000, CurrencyCode::Eur);
        full.text = Some("7.57 €".into());
        assert_eq!(full.value, 7.57);
        assert_eq!(full.currency(), Some(&CurrencyCode::Eur));
        roundtrip(&full);
    }
}
