//! [`DateOrTime`]: a date as OVH sends it, either `YYYY-MM-DD` or an RFC 3339 date-time
//! with its offset.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A date as OVH sends it in the `/services` view: a calendar date (`"2023-08-01"`) or a
/// date-time with its offset (`"2023-08-01T17:31:17+02:00"`, `"2024-11-20T15:22:14.449Z"`),
/// kept as sent, so that [`date`](Self::date) is the day OVH meant in its own time zone.
///
/// ```
/// use ovh_renew::models::DateOrTime;
///
/// let at: DateOrTime = serde_json::from_str(r#""2023-08-01T00:30:00+02:00""#)?;
/// // The day as OVH wrote it, not the UTC day (2023-07-31).
/// assert_eq!(at.date().to_string(), "2023-08-01");
/// assert_eq!(at.to_string(), "2023-08-01T00:30:00+02:00");
/// let day: DateOrTime = serde_json::from_str(r#""2023-08-01""#)?;
/// assert_eq!(day.date(), at.date());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrTime {
    /// `YYYY-MM-DD`.
    Date(NaiveDate),
    /// RFC 3339, with the offset it was sent with.
    DateTime(DateTime<FixedOffset>),
}

impl DateOrTime {
    /// The calendar date as sent (a date-time's local date, in its own offset).
    pub fn date(&self) -> NaiveDate {
        match self {
            DateOrTime::Date(date) => *date,
            DateOrTime::DateTime(at) => at.date_naive(),
        }
    }

    /// Parses either form; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Some(DateOrTime::Date(date));
        }
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(DateOrTime::DateTime)
    }
}

impl From<NaiveDate> for DateOrTime {
    fn from(date: NaiveDate) -> Self {
        DateOrTime::Date(date)
    }
}

impl From<DateTime<FixedOffset>> for DateOrTime {
    fn from(at: DateTime<FixedOffset>) -> Self {
        DateOrTime::DateTime(at)
    }
}

impl fmt::Display for DateOrTime {
    /// `YYYY-MM-DD`, or RFC 3339 with the offset it came with.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateOrTime::Date(date) => write!(f, "{}", date.format("%Y-%m-%d")),
            DateOrTime::DateTime(at) => f.write_str(&at.to_rfc3339()),
        }
    }
}

impl Serialize for DateOrTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateOrTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DateOrTime::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date {text:?}: expected YYYY-MM-DD or an RFC 3339 date-time"
            ))
        })
    }
}

/// `Option<DateOrTime>`: `null`, a missing field and `""` decode to `None`.
pub(crate) mod opt {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::DateOrTime;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateOrTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize(serializer)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateOrTime>, D::Error> {
        match Option::<String>::deserialize(deserializer)? {
            None => Ok(None),
            Some(text) if text.is_empty() => Ok(None),
            Some(text) => DateOrTime::parse(&text).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "invalid date {text:?}: expected YYYY-MM-DD or an RFC 3339 date-time"
                ))
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_keep_what_was_sent() {
        for (json, date, shown) in [
            (r#""2023-01-27""#, "2023-01-27", "2023-01-27"),
            (
                r#""2023-01-27T14:48:11+02:00""#,
                "2023-01-27",
                "2023-01-27T14:48:11+02:00",
            ),
            (
                r#""2023-01-27T23:30:00-05:00""#,
                "2023-01-27",
                "2023-01-27T23:30:00-05:00",
            ),
            (
                r#""2024-11-20T15:22:14.449Z""#,
                "2024-11-20",
                "2024-11-20T15:22:14.449+00:00",
            ),
        ] {
            let value: DateOrTime = serde_json::from_str(json).unwrap();
            assert_eq!(value.date().to_string(), date, "{json}");
            assert_eq!(value.to_string(), shown, "{json}");
            let back: DateOrTime =
                serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
            assert_eq!(back, value);
        }
        for bad in [
            r#""2023-02-30""#,
            r#""tomorrow""#,
            "5",
            r#""2023-01-27 14:48""#,
        ] {
            assert!(serde_json::from_str::<DateOrTime>(bad).is_err(), "{bad}");
        }
    }
}
