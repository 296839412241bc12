//! [`RenewPeriod`]: an ISO-8601 duration, kept as sent; whole years and months have a
//! month count.

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

/// A renewal length: an ISO-8601 duration, kept exactly as received.
///
/// OVH sends durations such as `P1M`, `P3M`, `P6M`, `P1Y`, `P2Y`, `P3Y` and, in the
/// `/services` API, `P12M`; its schema allows any ISO-8601 duration, so `P30D`, `P1W` and
/// `PT720H` are accepted too.
///
/// # Accepted text
///
/// `P`, then one or more of `<n>Y`, `<n>M`, `<n>W`, `<n>D` in that order, then optionally
/// `T` and one or more of `<n>H`, `<n>M`, `<n>S` in that order; each designator at most
/// once, upper-case. `<n>` is ASCII digits (leading zeros allowed) and only the last part
/// may carry a fraction (`P1.5Y`, `PT0,5H`). Everything else is rejected with a
/// [`ParsePeriodError`]: empty text, `P` or `PT` alone, a missing `P`, lower-case
/// designators, signs, parts out of order or repeated, numbers above `u64::MAX`.
///
/// # Whole months and the rest
///
/// A duration made only of whole years and months (`P1Y`, `P12M`, `P1Y6M`, `P0M`) has a
/// [`months`](Self::months) count (checked, at most `u32::MAX`). Any other duration
/// (`P30D`, `P1W`, `PT720H`, `P1Y2D`, `P1.5Y`) has none: [`months`](Self::months) is
/// `None` and [`not_months`](Self::not_months) says why. The month-based helpers
/// ([`best_monthly`](crate::strategy::best_monthly), the planner's period comparisons)
/// skip such periods instead of guessing a length; they are still offered, chosen when
/// asked for by their exact text, and echoed exactly.
///
/// A zero length (`P0M`, `P0D`, `PT0S`) parses;
/// [`RenewRequest::validate`](crate::models::RenewRequest::validate) refuses to send it.
///
/// # Equality and ordering
///
/// [`as_str`](Self::as_str) keeps the exact text received, because orders echo it back.
/// Two month periods compare by their month count, so `P1Y == P12M`; any other duration
/// equals only the same text (`P1W != P7D`: OVH does not say they are the same offer), and
/// sorts after every month period, by text. `Hash` agrees with `==`.
///
/// ```
/// use ovh_renew::models::RenewPeriod;
///
/// let year: RenewPeriod = "P1Y".parse()?;
/// assert_eq!(year.months(), Some(12));
/// assert_eq!(year, "P12M".parse()?);
/// assert_eq!(year.as_str(), "P1Y");
/// assert!(year > "P6M".parse()?);
/// assert_eq!("P1Y6M".parse::<RenewPeriod>()?.months(), Some(18));
/// assert_eq!(RenewPeriod::from_months(3).as_str(), "P3M");
/// assert_eq!(RenewPeriod::from_months(24).as_str(), "P2Y");
/// let days: RenewPeriod = "P30D".parse()?;
/// assert_eq!(days.months(), None);
/// assert_eq!(days.as_str(), "P30D");
/// assert!(days.not_months().is_some());
/// assert!("30D".parse::<RenewPeriod>().is_err());
/// # Ok::<(), ovh_renew::models::ParsePeriodError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RenewPeriod {
    text: String,
    length: Length,
}

/// What a period measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    /// Whole months.
    Months(u32),
    /// Anything else: why it is not whole months, and whether every part is zero.
    Other { why: Why, zero: bool },
}

/// Why a period has no month count (one byte, so that a period stays as small as a
/// month count alone made it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    WeeksOrDays,
    Time,
    Fraction,
}

impl Why {
    fn text(self) -> &'static str {
        match self {
            Why::WeeksOrDays => "weeks and days are not whole months",
            Why::Time => "time parts (hours, minutes, seconds) are not whole months",
            Why::Fraction => "fractional parts are not whole months",
        }
    }
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
        Self {
            text,
            length: Length::Months(months),
        }
    }

    /// The text exactly as received or built (e.g. `P1Y`, `P12M`, `P30D`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The normalized length in months (`P1Y6M` → 18); `None` for a duration that is not
    /// whole years and months (`P30D`, `PT720H`, `P1W`; see
    /// [`not_months`](Self::not_months)).
    pub fn months(&self) -> Option<u32> {
        match self.length {
            Length::Months(months) => Some(months),
            Length::Other { .. } => None,
        }
    }

    /// Why this period has no month count (`None` when it has one): what month-based
    /// helpers say when they skip it.
    pub fn not_months(&self) -> Option<&'static str> {
        match self.length {
            Length::Months(_) => None,
            Length::Other { why, .. } => Some(why.text()),
        }
    }

    /// Whether every part of the duration is zero (`P0M`, `P0D`, `PT0S`).
    pub fn is_zero(&self) -> bool {
        match self.length {
            Length::Months(months) => months == 0,
            Length::Other { zero, .. } => zero,
        }
    }
}

/// Parses the body of a period; returns its length or the reason for rejection.
fn parse_length(text: &str) -> Result<Length, &'static str> {
    let mut rest = text
        .strip_prefix('P')
        .ok_or("must start with an upper-case `P`")?;
    if rest.is_empty() {
        return Err("needs at least one part, such as `1Y`, `1M` or `30D`");
    }
    // Ranks: Y M W D, then (after T) H M S.
    let mut last_rank = 0;
    let mut in_time = false;
    let mut months: Option<u32> = Some(0);
    let mut why_not: Option<Why> = None;
    let mut zero = true;
    let mut fraction_seen = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            if in_time {
                return Err("`T` appears twice");
            }
            if after.is_empty() {
                return Err("`T` must be followed by hours, minutes or seconds");
            }
            in_time = true;
            rest = after;
            why_not.get_or_insert(Why::Time);
            continue;
        }
        if fraction_seen {
            return Err("only the last part may have a fraction");
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, tail) = rest.split_at(digits);
        if digits == 0 {
            return Err(match tail.bytes().next() {
                Some(b'-' | b'+') => "signs are not allowed",
                _ => "expected a number before each designator",
            });
        }
        let number: u64 = number.parse().map_err(|_| "a number is above u64::MAX")?;
        let (fraction, tail) = match tail.bytes().next() {
            Some(b'.' | b',') => {
                let frac = tail[1..].bytes().take_while(u8::is_ascii_digit).count();
                if frac == 0 {
                    return Err("a fraction needs digits after its separator");
                }
                fraction_seen = true;
                let (f, t) = tail[1..].split_at(frac);
                (Some(f), t)
            }
            _ => (None, tail),
        };
        let designator = tail.bytes().next();
        let rank = match (in_time, designator) {
            (false, Some(b'Y')) => 1,
            (false, Some(b'M')) => 2,
            (false, Some(b'W')) => 3,
            (false, Some(b'D')) => 4,
            (true, Some(b'H')) => 5,
            (true, Some(b'M')) => 6,
            (true, Some(b'S')) => 7,
            (_, None) => return Err("number without a designator"),
            (false, Some(b'H' | b'S')) => return Err("hours and seconds need a `T` before them"),
            (true, Some(b'Y' | b'W' | b'D')) => {
                return Err("years, weeks and days come before `T`");
            }
            _ => return Err("only upper-case Y, M, W, D and T, H, M, S designators are allowed"),
        };
        if rank <= last_rank {
            return Err("parts must come in the order Y M W D T H M S, each at most once");
        }
        last_rank = rank;
        let part_zero = number == 0 && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
        zero &= part_zero;
        if fraction.is_some() {
            why_not.get_or_insert(Why::Fraction);
        }
        match rank {
            1 | 2 => {
                let factor = if rank == 1 { 12 } else { 1 };
                months = months.and_then(|total| {
                    u32::try_from(number)
                        .ok()
                        .and_then(|n| n.checked_mul(factor))
                        .and_then(|n| total.checked_add(n))
                });
                if months.is_none() && why_not.is_none() {
                    return Err("longer than u32::MAX months");
                }
            }
            _ if rank <= 4 => {
                why_not.get_or_insert(Why::WeeksOrDays);
            }
            _ => {}
        }
        rest = &tail[1..];
    }
    Ok(match (why_not, months) {
        (None, Some(months)) => Length::Months(months),
        (Some(why), _) => Length::Other { why, zero },
        (None, None) => return Err("longer than u32::MAX months"),
    })
}

impl TryFrom<String> for RenewPeriod {
    type Error = ParsePeriodError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        match parse_length(&text) {
            Ok(length) => Ok(Self { text, length }),
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
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RenewPeriod {}

impl Hash for RenewPeriod {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self.length {
            Length::Months(months) => {
                0u8.hash(state);
                months.hash(state);
            }
            Length::Other { .. } => {
                1u8.hash(state);
                self.text.hash(state);
            }
        }
    }
}

impl Ord for RenewPeriod {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.length, other.length) {
            (Length::Months(a), Length::Months(b)) => a.cmp(&b),
            (Length::Months(_), Length::Other { .. }) => Ordering::Less,
            (Length::Other { .. }, Length::Months(_)) => Ordering::Greater,
            (Length::Other { .. }, Length::Other { .. }) => self.text.cmp(&other.text),
        }
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
    fn month_periods() {
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
            assert_eq!(period.months(), Some(months), "{text}");
            assert_eq!(period.not_months(), None, "{text}");
            assert_eq!(period.is_zero(), months == 0, "{text}");
            assert_eq!(period.as_str(), text);
            assert_eq!(period.to_string(), text);
            assert_eq!(
                serde_json::to_string(&period).unwrap(),
                format!("\"{text}\"")
            );
        }
    }

    #[test]
    fn other_durations_are_kept_verbatim_without_months() {
        for (text, why, zero) in [
            ("P30D", "weeks and days are not whole months", false),
            ("P1W", "weeks and days are not whole months", false),
            ("P0D", "weeks and days are not whole months", true),
            ("P2W", "weeks and days are not whole months", false),
            (
                "PT720H",
                "time parts (hours, minutes, seconds) are not whole months",
                false,
            ),
            (
                "PT0S",
                "time parts (hours, minutes, seconds) are not whole months",
                true,
            ),
            (
                "P1YT1H",
                "time parts (hours, minutes, seconds) are not whole months",
                false,
            ),
            ("P1Y2D", "weeks and days are not whole months", false),
            (
                "P1Y2M3W4DT5H6M7S",
                "weeks and days are not whole months",
                false,
            ),
            ("P1.5Y", "fractional parts are not whole months", false),
            ("P1,5Y", "fractional parts are not whole months", false),
            (
                "PT0.0S",
                "time parts (hours, minutes, seconds) are not whole months",
                true,
            ),
            (
                "P18446744073709551615D",
                "weeks and days are not whole months",
                false,
            ),
        ] {
            let period = p(text);
            assert_eq!(period.months(), None, "{text}");
            assert_eq!(period.not_months(), Some(why), "{text}");
            assert_eq!(period.is_zero(), zero, "{text}");
            assert_eq!(period.as_str(), text);
            assert_eq!(
                serde_json::to_string(&period).unwrap(),
                format!("\"{text}\"")
            );
            let back: RenewPeriod = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(back.as_str(), text);
        }
    }

    #[test]
    fn invalid_periods() {
        for text in [
            "",
            "P",
            "PT",
            "P1YT",
            "1Y",
            "30D",
            "p1y",
            "P1y",
            "P1m",
            "P1d",
            "P-1M",
            "P+1M",
            "P1.Y",
            "P1.5Y2M",
            "P99999999999Y",
            "P357913942Y",
            "P357913941Y4M",
            "P4294967296M",
            "P18446744073709551616D",
            "P1M1Y",
            "P1Y1Y",
            "P1M1M",
            "P1D1W",
            "PT1H1H",
            "PT1M1H",
            "P1H",
            "PT1D",
            "P1YT1HT1M",
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
            "P1H".parse::<RenewPeriod>().unwrap_err().reason(),
            "hours and seconds need a `T` before them"
        );
    }

    #[test]
    fn equality_ordering_hash() {
        assert_eq!(p("P1Y"), p("P12M"));
        assert_eq!(p("P2Y"), p("P1Y12M"));
        assert_ne!(p("P1Y"), p("P1M"));
        // Other durations equal only the same text, and sort after every month period.
        assert_eq!(p("P30D"), p("P30D"));
        assert_ne!(p("P1W"), p("P7D"));
        assert_ne!(p("P0D"), p("P0M"));
        let mut sorted = [
            p("P30D"),
            p("P1Y"),
            p("P1M"),
            p("PT720H"),
            p("P2Y"),
            p("P6M"),
            p("P3M"),
        ];
        sorted.sort();
        let texts: Vec<_> = sorted.iter().map(RenewPeriod::as_str).collect();
        assert_eq!(texts, ["P1M", "P3M", "P6M", "P1Y", "P2Y", "P30D", "PT720H"]);
        let set: HashSet<_> = [p("P1Y"), p("P12M"), p("P30D"), p("P30D"), p("P1W")]
            .into_iter()
            .collect();
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn from_months_is_canonical() {
        assert_eq!(RenewPeriod::from_months(0).as_str(), "P0M");
        assert_eq!(RenewPeriod::from_months(1).as_str(), "P1M");
        assert_eq!(RenewPeriod::from_months(12).as_str(), "P1Y");
        assert_eq!(RenewPeriod::from_months(18).as_str(), "P18M");
        assert_eq!(RenewPeriod::from_months(36).as_str(), "P3Y");
        assert_eq!(RenewPeriod::from_months(u32::MAX).months(), Some(u32::MAX));
        for n in [0, 1, 11, 12, 13, 24, 1000, u32::MAX] {
            let period = RenewPeriod::from_months(n);
            assert_eq!(p(period.as_str()).months(), Some(n));
        }
    }

    #[test]
    fn deserialize_uses_the_same_rule() {
        let period: RenewPeriod = serde_json::from_str("\"P12M\"").unwrap();
        assert_eq!(period.as_str(), "P12M");
        let err = serde_json::from_str::<RenewPeriod>("\"1D\"").unwrap_err();
        assert!(
            err.to_string().contains("invalid renew period \"1D\""),
            "{err}"
        );
        assert!(serde_json::from_str::<RenewPeriod>("12").is_err());
        // One odd duration does not lose the answer around it.
        let offered: Vec<RenewPeriod> = serde_json::from_str(r#"["P1Y","P30D"]"#).unwrap();
        assert_eq!(offered[0].months(), Some(12));
        assert_eq!(offered[1].as_str(), "P30D");
    }
}
