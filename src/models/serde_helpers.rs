//! Tolerant serde helpers for dates and nullable fields.
//!
//! * `opt_datetime`: RFC 3339 date-time with any offset (`+02:00`, `Z`), optional fractional
//!   seconds; `null`, a missing field or `""` decode to `None`.
//! * `opt_date`: `YYYY-MM-DD`; an RFC 3339 date-time is also accepted (its local date is
//!   kept); `null`, missing or `""` decode to `None`.
//! * `null_default`: `null` decodes to the type's default (pair with `#[serde(default)]`
//!   for missing fields).
//! * `nullable_list`: the one policy for list fields (see the [models docs](super)):
//!   `null` decodes to an empty `Vec` (pair with `#[serde(default)]` for missing fields).

use serde::{Deserialize, Deserializer};

/// Decodes `null` as `T::default()`.
pub(crate) fn null_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes a list field: `null` as an empty `Vec`, items as they are. Every list field of
/// a response model uses it, with `#[serde(default)]` for a missing field, so `null`,
/// missing and `[]` are one value: empty.
pub(crate) fn nullable_list<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Reads an optional string, mapping `null` and `""` to `None`.
fn non_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.filter(|text| !text.is_empty()))
}

/// `Option<DateTime<FixedOffset>>` as RFC 3339 text.
pub(crate) mod opt_datetime {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<FixedOffset>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(datetime) => serializer.serialize_str(&datetime.to_rfc3339()),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
        super::non_empty(deserializer)?
            .map(|text| {
                DateTime::parse_from_rfc3339(&text).map_err(|e| {
                    serde::de::Error::custom(format!("invalid RFC 3339 date-time {text:?}: {e}"))
                })
            })
            .transpose()
    }
}

/// `Option<NaiveDate>` as `YYYY-MM-DD` text.
pub(crate) mod opt_date {
    use chrono::{DateTime, NaiveDate};
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<NaiveDate>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(date) => serializer.collect_str(&date.format("%Y-%m-%d")),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        super::non_empty(deserializer)?
            .map(|text| {
                NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                    .or_else(|e| {
                        DateTime::parse_from_rfc3339(&text)
                            .map(|datetime| datetime.date_naive())
                            .map_err(|_| e)
                    })
                    .map_err(|e| {
                        serde::de::Error::custom(format!("invalid date {text:?} (YYYY-MM-DD): {e}"))
                    })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, NaiveDate};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Dates {
        #[serde(default, with = "super::opt_datetime")]
        at: Option<DateTime<FixedOffset>>,
        #[serde(default, with = "super::opt_date")]
        on: Option<NaiveDate>,
        #[serde(default, deserialize_with = "super::null_default")]
        text: String,
    }

    fn dates(json: &str) -> Result<Dates, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn datetimes() {
        for (text, offset, nanos) in [
            ("2018-05-15T15:49:06+02:00", 7200, 0),
            ("2024-11-20T15:22:14.449Z", 0, 449_000_000),
            ("2024-11-20T15:22:14-05:30", -19800, 0),
        ] {
            let d = dates(&format!(r#"{{"at":"{text}"}}"#)).unwrap();
            let at = d.at.unwrap();
            assert_eq!(at.offset().local_minus_utc(), offset);
            assert_eq!(at.timestamp_subsec_nanos(), nanos);
            let back = dates(&serde_json::to_string(&d).unwrap()).unwrap();
            assert_eq!(back, d);
        }
        assert_eq!(
            serde_json::to_string(&dates(r#"{"at":"2018-05-15T15:49:06+02:00"}"#).unwrap())
                .unwrap(),
            r#"{"at":"2018-05-15T15:49:06+02:00","on":null,"text":""}"#
        );
        for empty in [r#"{}"#, r#"{"at":null}"#, r#"{"at":""}"#] {
            assert_eq!(dates(empty).unwrap().at, None);
        }
        let err = dates(r#"{"at":"2018-05-15 nope"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid RFC 3339"), "{err}");
        assert!(dates(r#"{"at":5}"#).is_err());
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Listed {
        #[serde(default, deserialize_with = "super::nullable_list")]
        items: Vec<u32>,
    }

    #[test]
    fn a_list_is_empty_when_null_missing_or_empty_and_keeps_its_items() {
        for (json, items) in [
            (r#"{"items":null}"#, vec![]),
            (r#"{}"#, vec![]),
            (r#"{"items":[]}"#, vec![]),
            (r#"{"items":[3,1,3]}"#, vec![3, 1, 3]),
        ] {
            let listed: Listed = serde_json::from_str(json).unwrap();
            assert_eq!(listed.items, items, "{json}");
            // Always written as an array.
            let written = serde_json::to_value(&listed).unwrap();
            assert_eq!(written["items"], serde_json::json!(items), "{json}");
        }
        // A wrong item type is still an error, not an empty list.
        assert!(serde_json::from_str::<Listed>(r#"{"items":["a"]}"#).is_err());
        assert!(serde_json::from_str::<Listed>(r#"{"items":5}"#).is_err());
    }

    #[test]
    fn dates_and_nulls() {
        let d = dates(r#"{"on":"2023-01-16","text":null}"#).unwrap();
        assert_eq!(d.on, NaiveDate::from_ymd_opt(2023, 1, 16));
        assert_eq!(d.text, "");
        let from_datetime = dates(r#"{"on":"2023-01-27T14:48:11+02:00"}"#).unwrap();
        assert_eq!(from_datetime.on, NaiveDate::from_ymd_opt(2023, 1, 27));
        assert_eq!(dates(r#"{"on":null}"#).unwrap().on, None);
        assert_eq!(dates(r#"{"on":""}"#).unwrap().on, None);
        let err = dates(r#"{"on":"2023-02-30"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid date"), "{err}");
    }
}
