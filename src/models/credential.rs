//! Access rules and consumer keys: `POST /auth/credential`, `GET /auth/currentCredential`.

use crate::scrub::REDACTED;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_datetime};

/// One access rule of a consumer key: an HTTP method and a path pattern, where `*`
/// stands for one or more characters, `/` included (`GET /me/*` allows `GET /me/bill`
/// and `GET /me/bill/1`, not `GET /me`).
///
/// Serializes as OVH expects: `{"method":"GET","path":"/service"}`.
///
/// ```
/// use ovh_renew::models::AccessRule;
/// let rule = AccessRule::new("post", "/service/*/renew");
/// assert_eq!(rule.method, "POST");
/// assert!(rule.allows("POST", "/service/123/renew"));
/// assert!(!rule.allows("GET", "/service/123/renew"));
/// assert_eq!(
///     serde_json::to_string(&rule).unwrap(),
///     r#"{"method":"POST","path":"/service/*/renew"}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessRule {
    /// `GET`, `POST`, `PUT` or `DELETE`, upper case.
    #[serde(default, deserialize_with = "null_default")]
    pub method: String,
    /// The path pattern, below the API version: `/service/*/renew`.
    #[serde(default, deserialize_with = "null_default")]
    pub path: String,
}

impl AccessRule {
    /// A rule for `method` (upper-cased; a [`Method`](crate::Method) works too) on
    /// `path`.
    pub fn new(method: impl AsRef<str>, path: impl Into<String>) -> AccessRule {
        AccessRule {
            method: method.as_ref().trim().to_ascii_uppercase(),
            path: path.into(),
        }
    }

    /// `path` and everything below it, like python-ovh's `add_recursive_rules`: trailing
    /// `*`, `/` and blanks are trimmed, then the rules are `path` (unless it is now
    /// empty) and `path/*`.
    ///
    /// ```
    /// use ovh_renew::models::AccessRule;
    /// assert_eq!(
    ///     AccessRule::recursive("GET", "/sms/*"),
    ///     [AccessRule::new("GET", "/sms"), AccessRule::new("GET", "/sms/*")]
    /// );
    /// assert_eq!(AccessRule::recursive("GET", "/"), [AccessRule::new("GET", "/*")]);
    /// ```
    pub fn recursive(method: impl AsRef<str>, path: &str) -> Vec<AccessRule> {
        let base = path.trim_end_matches(['*', '/', ' ']);
        let mut rules = Vec::with_capacity(2);
        if !base.is_empty() {
            rules.push(AccessRule::new(method.as_ref(), base));
        }
        rules.push(AccessRule::new(method.as_ref(), format!("{base}/*")));
        rules
    }

    /// Read-only access to everything: `GET /*`.
    pub fn read_only() -> Vec<AccessRule> {
        vec![AccessRule::new("GET", "/*")]
    }

    /// Whether this rule allows `method` on `path` (a concrete path such as
    /// `/service/42/renew`, or a rule pattern, whose `*` is then matched as text: `/*`
    /// allows `/service/*`, `/service/1*` does not). A query string is ignored.
    pub fn allows(&self, method: impl AsRef<str>, path: &str) -> bool {
        let path = path.split('?').next().unwrap_or_default();
        self.method.eq_ignore_ascii_case(method.as_ref().trim()) && glob(&self.path, path)
    }

    /// The rules of `required` that no rule of `granted` allows, in order.
    ///
    /// ```
    /// use ovh_renew::models::AccessRule;
    /// let missing = AccessRule::missing(&AccessRule::read_only(), &AccessRule::renewal_flow());
    /// assert!(missing.iter().all(|r| r.method == "POST"));
    /// assert_eq!(missing.len(), 3);
    /// ```
    pub fn missing(granted: &[AccessRule], required: &[AccessRule]) -> Vec<AccessRule> {
        required
            .iter()
            .filter(|need| !granted.iter().any(|g| g.allows(&need.method, &need.path)))
            .cloned()
            .collect()
    }
}

impl fmt::Display for AccessRule {
    /// `POST /service/*/renew`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// OVH's glob: `*` matches one or more characters, `/` included; everything else matches
/// itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        // The star takes at least one character, then the leftmost occurrence of the
        // part leaves the most text for the rest of the pattern.
        let Some(one) = rest.chars().next().map(char::len_utf8) else {
            return false;
        };
        match rest[one..].find(part) {
            Some(at) => rest = &rest[one + at + part.len()..],
            None => return false,
        }
    }
    rest.len() > last.len() && rest.ends_with(last)
}

open_enum! {
    /// The state of a consumer key.
    pub enum CredentialStatus {
        /// Requested; its validation URL has not been visited yet.
        PendingValidation = "pendingValidation",
        /// Validated: usable until its expiration.
        Validated = "validated",
        /// Expired.
        Expired = "expired",
        /// Refused by the account holder.
        Refused = "refused",
    }
}

/// The answer of [`OvhClient::request_consumer_key`](crate::OvhClient::request_consumer_key).
///
/// The consumer key works only once the account holder has opened `validation_url`,
/// logged in and chosen a validity. `Debug` hides the consumer key.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ConsumerKeyRequest {
    /// The page where the account holder validates the key.
    pub validation_url: String,
    /// The new consumer key (secret: store it like a password).
    pub consumer_key: String,
    /// `pendingValidation` until validated.
    #[serde(default = "pending")]
    pub state: CredentialStatus,
}

fn pending() -> CredentialStatus {
    CredentialStatus::PendingValidation
}

impl fmt::Debug for ConsumerKeyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsumerKeyRequest")
            .field("validation_url", &self.validation_url)
            .field("consumer_key", &REDACTED)
            .field("state", &self.state)
            .finish()
    }
}

/// The credential the client uses, from
/// [`OvhClient::current_credential`](crate::OvhClient::current_credential)
/// (`GET /auth/currentCredential`): its rules, status and validity.
///
/// Decoding is tolerant: missing or `null` fields are defaulted, unknown ones ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CurrentCredential {
    /// The credential's id (0 if not given).
    #[serde(default, deserialize_with = "null_default")]
    pub credential_id: u64,
    /// The application's id (0 if not given).
    #[serde(default, deserialize_with = "null_default")]
    pub application_id: u64,
    /// `validated`, `pendingValidation`, `expired`, `refused`, …
    #[serde(default = "pending")]
    pub status: CredentialStatus,
    /// The access rules granted to this key.
    #[serde(default, deserialize_with = "nullable_list")]
    pub rules: Vec<AccessRule>,
    /// When the key was requested.
    #[serde(default, with = "opt_datetime")]
    pub creation: Option<DateTime<FixedOffset>>,
    /// When it stops working; `None` for an unlimited key.
    #[serde(default, with = "opt_datetime")]
    pub expiration: Option<DateTime<FixedOffset>>,
    /// When it was last used.
    #[serde(default, with = "opt_datetime")]
    pub last_use: Option<DateTime<FixedOffset>>,
    /// Whether it belongs to OVH support.
    #[serde(default, deserialize_with = "null_default")]
    pub ovh_support: bool,
    /// The IP ranges it may be used from; empty means anywhere (OVH sends `null`). An
    /// empty list cannot mean "from nowhere": such a key could not have read itself.
    #[serde(default, rename = "allowedIPs", deserialize_with = "nullable_list")]
    pub allowed_ips: Vec<String>,
}

impl CurrentCredential {
    /// Whether the key's rules allow `method` on `path` (see [`AccessRule::allows`]).
    pub fn allows(&self, method: impl AsRef<str>, path: &str) -> bool {
        self.rules.iter().any(|r| r.allows(method.as_ref(), path))
    }

    /// The rules of [`AccessRule::renewal_flow`] this key's rules do not allow: empty
    /// when the whole renewal workflow is granted.
    pub fn missing_for_renewal(&self) -> Vec<AccessRule> {
        AccessRule::missing(&self.rules, &AccessRule::renewal_flow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_table() {
        let table = [
            ("/*", "/service", true),
            ("/*", "/", false),
            ("/*", "/service/*/renew", true),
            ("/service", "/service", true),
            ("/service", "/service/1", false),
            ("/service/*", "/service", false),
            ("/service/*", "/service/", false),
            ("/service/*", "/service/42", true),
            ("/service/*", "/service/42/renew", true),
            ("/service/*/renew", "/service/42/renew", true),
            ("/service/*/renew", "/service//renew", false),
            ("/service/*/renew", "/service/42/renewx", false),
            ("/service/*/renew", "/service/*/renew", true),
            ("/service/1*/renew", "/service/*/renew", false),
            (
                "/me/order/*/pay",
                "/me/order/7/payWithRegisteredPaymentMean",
                false,
            ),
            (
                "/me/order/*",
                "/me/order/7/payWithRegisteredPaymentMean",
                true,
            ),
            ("/*/serviceInfos", "/hosting/web/x/serviceInfos", true),
            ("/a*b*c", "/aXbYc", true),
            ("/a*b*c", "/abc", false),
            ("/a*b*c", "/aXbbYbc", true),
            ("/é*", "/éà", true),
        ];
        for (pattern, text, expected) in table {
            assert_eq!(glob(pattern, text), expected, "{pattern} ~ {text}");
        }
    }

    #[test]
    fn rules_upper_case_and_ignore_queries() {
        let rule = AccessRule::new(" get", "/service/*");
        assert_eq!(rule.method, "GET");
        assert!(rule.allows("get", "/service/1/renew?includeOptions=true"));
        assert!(!rule.allows("POST", "/service/1"));
        assert_eq!(rule.to_string(), "GET /service/*");
        assert_eq!(
            AccessRule::new(crate::Method::Delete, "/x").method,
            "DELETE"
        );
    }

    #[test]
    fn recursive_is_python_add_recursive_rules() {
        let paths = |rules: Vec<AccessRule>| -> Vec<String> {
            rules.into_iter().map(|r| r.to_string()).collect()
        };
        assert_eq!(
            paths(AccessRule::recursive("get", "/sms")),
            ["GET /sms", "GET /sms/*"]
        );
        assert_eq!(
            paths(AccessRule::recursive("GET", "/sms/* ")),
            ["GET /sms", "GET /sms/*"]
        );
        assert_eq!(paths(AccessRule::recursive("PUT", "/")), ["PUT /*"]);
        assert_eq!(paths(AccessRule::recursive("PUT", "")), ["PUT /*"]);
    }

    /// The preset's exact list is tested once, next to the table it is derived from
    /// (`ops::tests::the_renewal_flow_is_every_rule_of_the_table_and_nothing_more`); here,
    /// what the preset must never grant.
    #[test]
    fn renewal_flow_never_grants_delete_or_put() {
        assert!(
            AccessRule::renewal_settings()
                .iter()
                .all(|r| r.method != "DELETE" && r.method != "POST")
        );
        assert!(
            AccessRule::renewal_flow()
                .iter()
                .all(|r| r.method != "DELETE" && r.method != "PUT")
        );
    }

    #[test]
    fn current_credential_decodes_tolerantly_and_lists_what_is_missing() {
        let json = r#"{
            "allowedIPs": null, "applicationId": 123, "credentialId": 456,
            "creation": "2024-10-01T10:00:00+02:00", "expiration": null,
            "lastUse": "2024-10-02T08:00:00Z", "ovhSupport": false, "status": "validated",
            "rules": [{"method": "GET", "path": "/*"}, {"method": "POST", "path": "/service/*/renew"}],
            "newField": {"x": 1}
        }"#;
        let c: CurrentCredential = serde_json::from_str(json).unwrap();
        assert_eq!((c.credential_id, c.application_id), (456, 123));
        assert_eq!(c.status, CredentialStatus::Validated);
        assert!(c.creation.is_some() && c.expiration.is_none() && c.last_use.is_some());
        assert!(c.allowed_ips.is_empty());
        assert_eq!(
            c.missing_for_renewal(),
            [
                AccessRule::new("POST", "/me/order/*/payWithRegisteredPaymentMean"),
                AccessRule::new("POST", "/me/order/*/pay"),
            ]
        );
        let sparse: CurrentCredential =
            serde_json::from_str(r#"{"status":"someNewState","rules":null}"#).unwrap();
        assert_eq!(sparse.status.as_str(), "someNewState");
        assert_eq!(sparse.missing_for_renewal(), AccessRule::renewal_flow());
    }

    #[test]
    fn consumer_key_request_debug_hides_the_key() {
        let r: ConsumerKeyRequest = serde_json::from_str(
            r#"{"validationUrl":"https://eu.api.ovh.com/auth/?credentialToken=abc","consumerKey":"ck-s3cr3t","state":"pendingValidation"}"#,
        )
        .unwrap();
        assert_eq!(r.consumer_key, "ck-s3cr3t");
        assert_eq!(r.state, CredentialStatus::PendingValidation);
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("s3cr3t") && shown.contains("credentialToken"),
            "{shown}"
        );
    }
}
