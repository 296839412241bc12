//! [`RenewPeriod`]: an ISO-8601 duration measured in whole months.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Error returned when a text is not a valid [`RenewPeriod`].
///
/// Carries the rejected text and a short reason. Deserializing server data uses the same
/// parser, so the serde error message is this error's `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid renew period {text:?}: {reason}")]
pub struct ParsePeriodError {
    text: String,
    reason: &'static str,
}

impl ParsePeriodError {
    /// The rejected text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Why the text was rejected.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

/// A renewal length: an ISO-8601 duration made only of years and months.
///
/// OVH sends durations such as `P1M`, `P3M`, `P6M`, `P1Y`, `P2Y`, `P3Y` and, in the
/// `/services` API, `P12M`.
///
/// # Accepted text
///
/// `P`, then one or both of `<digits>Y` and `<digits>M`, in that order, each at most once:
/// `P1Y`, `P12M`, `P1Y6M`, `P0M`. Digits are ASCII, without sign or fraction, and leading
/// zeros are allowed. Everything else is rejected with a [`ParsePeriodError`]:
///
/// * empty text, `P` alone, a missing `P` (`1Y`), lower-case designators (`p1y`, `P1y`);
/// * days, weeks and time parts (`P1D`, `P1W`, `PT1H`), even when zero, because they do not
///   express a whole number of months;
/// * signs and fractions (`P-1M`, `P1.5Y`);
/// * lengths above `u32::MAX` months (`P99999999999Y`): arithmetic is checked, never
///   wrapping or panicking.
///
/// A zero length (`P0M`) parses; [`RenewRequest::validate`](crate::models::RenewRequest::validate)
/// refuses to send it.
///
/// # Equality and ordering
///
/// [`as_str`](Self::as_str) keeps the exact text received, because orders echo it back;
/// `==`, `Ord` and `Hash` use only the normalized [`months`](Self::months), so
/// `P1Y == P12M`.
///
/// ```
/// use ovh_renew::models::RenewPeriod;
///
/// let year: RenewPeriod = "P1Y".parse()?;
/// assert_eq!(year.months(), 12);
/// assert_eq!(year, "P12M".parse()?);
/// assert_eq!(year.as_str(), "P1Y");
/// assert!(year > "P6M".parse()?);
/// assert_eq!("P1Y6M".parse::<RenewPeriod>()?.months(), 18);
/// assert_eq!(RenewPeriod::from_months(3).as_str(), "P3M");
/// assert_eq!(RenewPeriod::from_months(24).as_str(), "P2Y");
/// assert!("P30D".parse::<RenewPeriod>().is_err());
/// # Ok::<(), ovh_renew::models::ParsePeriodError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RenewPeriod {
    text: String,
    months: u32,
}

impl RenewPeriod {
    /// A period of `months` months with canonical text: `P{n/12}Y` when `months` is a
    /// non-zero multiple of 12, `P{months}M` otherwise (so `0` gives `P0M`).
    pub fn from_months(months: u32) -> Self {
        // Written without `is_multiple_of` to keep the crate's MSRV (1.85).
        let (years, rest) = (months / 12, months % 12);
        let text = if months != 0 && rest == 0 {
            format!("P{years}Y")
        } else {
            format!("P{months}M")
        };
        Self { text, months }
    }

    /// The text exactly as received or built (e.g. `P1Y`, `P12M`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normalized length in months (`P1Y6M` → 18).
    pub fn months(&self) -> u32 {
        self.months
    }
}

/// Parses the body of a period; returns the month count or the reason for rejection.
fn parse_months(text: &str) -> Result<u32, &'static str> {
    let mut rest = text
        .strip_prefix('P')
        .ok_or("must start with an upper-case `P`")?;
    if rest.is_empty() {
        return Err("needs a years (`Y`) or months (`M`) part");
    }
    let mut months: u32 = 0;
    let mut last_rank = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, tail) = rest.split_at(digits);
        let designator = tail.bytes().next();
        if digits == 0 {
            return Err(match designator {
                Some(b'T') => "time parts cannot be expressed in whole months",
                Some(b'-' | b'+') => "signs are not allowed",
                _ => "expected a number before each designator",
            });
        }
        let (factor, rank) = match designator {
            Some(b'Y') => (12, 1),
            Some(b'M') => (1, 2),
            Some(b'W' | b'D') => return Err("weeks and days cannot be expressed in whole months"),
            Some(b'.' | b',') => return Err("fractions are not allowed"),
            None => return Err("number without a designator"),
            Some(_) => return Err("only upper-case `Y` and `M` designators are allowed"),
        };
        if rank <= last_rank {
            return Err("`Y` must come before `M`, each at most once");
        }
        last_rank = rank;
        months = number
            .parse::<u32>()
            .ok()
            .and_then(|n| n.checked_mul(factor))
            .and_then(|n| months.checked_add(n))
            .ok_or("longer than u32::MAX months")?;
        rest = &tail[1..];
    }
    Ok(months)
}

impl TryFrom<String> for RenewPeriod {
    type Error = ParsePeriodError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match parse_months(&text) {
            Ok(months) => Ok(Self { text, months }),
            Err(reason) => Err(ParsePeriodError { text, reason }),
        }
    }
}

impl FromStr for RenewPeriod {
    type Err = ParsePeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::try_from(text.to_owned())
    }
}

impl fmt::Display for RenewPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq for RenewPeriod {
    fn eq(&self, other: &Self) -> bool {
        self.months == other.months
    }
}

impl Eq for RenewPeriod {}

impl Hash for RenewPeriod {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.months.hash(state);
    }
}

impl Ord for RenewPeriod {
    fn cmp(&self, other: &Self) -> Ordering {
        self.months.cmp(&other.months)
    }
}

impl PartialOrd for RenewPeriod {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for RenewPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for RenewPeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::try_from(text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn p(text: &str) -> RenewPeriod {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn valid_periods() {
        for (text, months) in [
            ("P1M", 1),
            ("P3M", 3),
            ("P6M", 6),
            ("P1Y", 12),
            ("P2Y", 24),
            ("P3Y", 36),
            ("P12M", 12),
            ("P1Y6M", 18),
            ("P0M", 0),
            ("P0Y", 0),
            ("P007M", 7),
            ("P357913941Y", 4_294_967_292),
            ("P357913941Y3M", u32::MAX),
            ("P4294967295M", u32::MAX),
        ] {
            let period = p(text);
            assert_eq!(period.months(), months, "{text}");
            assert_eq!(period.as_str(), text);
            assert_eq!(period.to_string(), text);
            assert_eq!(
                serde_json::to_string(&period).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn invalid_periods() {
        for text in [
            "",
            "P",
            "1Y",
            "p1y",
            "P1y",
            "P1m",
            "P1D",
            "P0D",
            "P2W",
            "PT1H",
            "P1YT1H",
            "P1Y2D",
            "P-1M",
            "P+1M",
            "P1.5Y",
            "P1,5Y",
            "P99999999999Y",
            "P357913942Y",
            "P357913941Y4M",
            "P4294967296M",
            "P1M1Y",
            "P1Y1Y",
            "P1M1M",
            "P1",
            "PY",
            " P1Y",
            "P1Y ",
            "P1Ÿ",
            "P１M",
        ] {
            let err = text.parse::<RenewPeriod>().unwrap_err();
            assert_eq!(err.text(), text);
            assert!(err.to_string().contains("invalid renew period"), "{err}");
        }
        assert_eq!(
            "P1D".parse::<RenewPeriod>().unwrap_err().reason(),
            "weeks and days cannot be expressed in whole months"
        );
    }

    #[test]
    fn equality_ordering_hash_use_months() {
        assert_eq!(p("P1Y"), p("P12M"));
        assert_eq!(p("P2Y"), p("P1Y12M"));
        assert_ne!(p("P1Y"), p("P1M"));
        let mut sorted = [p("P1Y"), p("P1M"), p("P2Y"), p("P6M"), p("P3M")];
        sorted.sort();
        let texts: Vec<_> = sorted.iter().map(RenewPeriod::as_str).collect();
        assert_eq!(texts, ["P1M", "P3M", "P6M", "P1Y", "P2Y"]);
        let set: HashSet<_> = [p("P1Y"), p("P12M")].into_iter().collect();
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn from_months_is_canonical() {
        assert_eq!(RenewPeriod::from_months(0).as_str(), "P0M");
        assert_eq!(RenewPeriod::from_months(1).as_str(), "P1M");
        assert_eq!(RenewPeriod::from_months(12).as_str(), "P1Y");
        assert_eq!(RenewPeriod::from_months(18).as_str(), "P18M");
        assert_eq!(RenewPeriod::from_months(36).as_str(), "P3Y");
        assert_eq!(RenewPeriod::from_months(u32::MAX).months(), u32::MAX);
        for n in [0, 1, 11, 12, 13, 24, 1000, u32::MAX] {
            let period = RenewPeriod::from_months(n);
            assert_eq!(p(period.as_str()).months(), n);
        }
    }

    #[test]
    fn deserialize_uses_the_same_rule() {
        let period: RenewPeriod = serde_json::from_str("\"P12M\"").unwrap();
        assert_eq!(period.as_str(), "P12M");
        let err = serde_json::from_str::<RenewPeriod>("\"P1D\"").unwrap_err();
        assert!(
            err.to_string().contains("invalid renew period \"P1D\""),
            "{err}"
        );
        assert!(serde_json::from_str::<RenewPeriod>("12").is_err());
    }
}
