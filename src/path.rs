//! API paths built segment by segment: fixed parts, and values that are always
//! percent-encoded into exactly one segment.

use std::fmt::Write as _;

use crate::error::{Error, RequestProblem};

/// A path below the endpoint's base URL, e.g. `/service/123/renew?includeOptions=true`.
///
/// Fixed parts come from [`ApiPath::new`] / [`ApiPath::lit`]; values (service names, ids)
/// go through [`ApiPath::segment`], which percent-encodes them so that a value such as
/// `a/../b?c#d` travels as exactly one segment and can never change the route. Values
/// that cannot travel as a segment (empty, `.`, `..`) are refused before anything is sent.
///
/// Fixed parts are checked too: a fixed part that is `.` or `..` (`ApiPath::new("/../2.0/me")`,
/// `lit("..")`, which URL parsing would resolve to a path outside the base URL), an
/// empty [`lit`](ApiPath::lit), and a [`lit`](ApiPath::lit) or [`id`](ApiPath::id)
/// after a [`query`](ApiPath::query) (it would land in the query string). Building stays
/// infallible and never panics: the path carries the problem, [`ApiPath::check`] reports
/// it, and every call refuses such a path with [`Error::InvalidRequest`] before anything
/// is sent.
///
/// It also keeps the route template (`/service/{serviceId}/renew`) and the access-rule
/// pattern (`/service/*/renew`) for errors and logs.
///
/// # API v1 and v2 roots
///
/// A path whose first part is the fixed part `v1` or `v2` (`/v2/iam/policy`, `/v1/me`,
/// `/v2?x=1`) is sent to the API root of the host, not below `/1.0`, as python-ovh does:
/// when the endpoint's base URL ends in `/1.0`, that `/1.0` is left out
/// (`https://eu.api.ovh.com` + `/v2/iam/policy`), and the signature covers that full
/// URL. Only an exact first part counts (go-ovh's rule, which python-ovh's
/// `startswith("/v2")` loosens): `/v2x`, `/v10` and `/V2` stay below `/1.0`, and so does
/// a first part given as a value ([`segment`](ApiPath::segment)). A base URL that does
/// not end in `/1.0` (a custom `https://proxy.example/ovh`) gets every path appended as is.
/// See [`ApiPath::url_on`].
///
/// The access-rule pattern of a `/v1/…` path leaves out the `v1`: OVH serves `/v1` as an
/// alias of `/1.0`, whose rules are written without a version (`GET /me`). A `/v2/…`
/// pattern keeps its `/v2`.
///
/// ```
/// use ovh_renew::ApiPath;
/// let p = ApiPath::new("/vps").segment("serviceName", "a/../b?c").unwrap().lit("serviceInfos");
/// assert_eq!(p.as_str(), "/vps/a%2F..%2Fb%3Fc/serviceInfos");
/// assert_eq!(p.route(), "/vps/{serviceName}/serviceInfos");
/// assert_eq!(p.rule_path(), "/vps/*/serviceInfos");
/// assert!(ApiPath::new("/vps").segment("serviceName", "..").is_err());
/// assert!(ApiPath::new("/../2.0/me").check().is_err());
/// assert!(ApiPath::new("/me").query("a", "b").lit("bill").check().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiPath {
    path: String,
    query_len: usize,
    route: String,
    rule: String,
    /// The first reason this path cannot be sent, if any.
    problem: Option<String>,
    /// The first part is the fixed part `v1` or `v2`: sent to the host's API root.
    versioned: bool,
}

/// The base-URL suffix that a `/v1/…` or `/v2/…` path replaces.
const LEGACY_ROOT: &str = "/1.0";

impl ApiPath {
    /// Starts from fixed text such as `/me/order` (split on `/`; each part is taken as a
    /// fixed route part). A missing leading `/` is added.
    pub fn new(fixed: &str) -> ApiPath {
        let mut p = ApiPath {
            path: String::with_capacity(64),
            query_len: 0,
            route: String::with_capacity(48),
            rule: String::with_capacity(48),
            problem: None,
            versioned: false,
        };
        for part in fixed.split('/').filter(|s| !s.is_empty()) {
            p = p.lit(part);
        }
        p
    }

    /// Appends one fixed segment (encoded like a value, so it cannot carry `/` either).
    ///
    /// An empty part, `.`, `..`, or any part after a [`query`](Self::query) makes the
    /// path unsendable (see [`ApiPath::check`]).
    pub fn lit(mut self, part: &str) -> ApiPath {
        if part.is_empty() || part == "." || part == ".." {
            self.refuse(format!(
                "the fixed path part {part:?} cannot be sent as a path segment"
            ));
        }
        let first = self.path.is_empty();
        self.push_raw('/', part);
        self.route.push('/');
        self.route.push_str(part);
        if first && (part == "v1" || part == "v2") {
            self.versioned = true;
            if part == "v1" {
                // `/v1` is `/1.0`: its access rules carry no version.
                return self;
            }
        }
        self.rule.push('/');
        self.rule.push_str(part);
        self
    }

    /// Appends a value as exactly one percent-encoded segment; `name` is its name in the
    /// route template (`serviceName`, `serviceId`, …).
    ///
    /// Refuses an empty value, `.` and `..`: no encoding can make them one literal segment.
    ///
    /// Also refuses any value after a [`query`](Self::query).
    pub fn segment(mut self, name: &str, value: &str) -> Result<ApiPath, Error> {
        if value.is_empty() || value == "." || value == ".." {
            return Err(Error::refused(
                RequestProblem::PathSegment,
                format!("{name} {value:?} cannot be sent as a path segment"),
            ));
        }
        if self.query_len > 0 {
            return Err(Error::refused(
                RequestProblem::PathSegment,
                format!(
                    "{name} cannot be appended after the query of {}",
                    self.route
                ),
            ));
        }
        self.push_raw('/', value);
        self.route.push_str("/{");
        self.route.push_str(name);
        self.route.push('}');
        self.rule.push_str("/*");
        Ok(self)
    }

    /// Appends a numeric id segment. After a [`query`](Self::query) it makes the path
    /// unsendable (see [`ApiPath::check`]).
    pub fn id(mut self, name: &str, value: u64) -> ApiPath {
        self.refuse_after_query(name);
        self.path.push('/');
        let _ = write!(self.path, "{value}");
        self.route.push_str("/{");
        self.route.push_str(name);
        self.route.push('}');
        self.rule.push_str("/*");
        self
    }

    /// Appends a query parameter (`?` first, then `&`), form-encoded.
    pub fn query(mut self, key: &str, value: &str) -> ApiPath {
        let sep = if self.query_len == 0 { '?' } else { '&' };
        let before = self.path.len();
        self.path.push(sep);
        encode_into(&mut self.path, key, QUERY);
        self.path.push('=');
        encode_into(&mut self.path, value, QUERY);
        self.query_len += self.path.len() - before;
        self
    }

    /// Appends a boolean query parameter as `true` / `false`.
    pub fn query_bool(self, key: &str, value: bool) -> ApiPath {
        self.query(key, if value { "true" } else { "false" })
    }

    /// Whether this path can be sent: [`Error::InvalidRequest`] naming the first problem
    /// (a fixed part `.`, `..` or empty, a part after the query). Every call checks it
    /// before sending anything.
    pub fn check(&self) -> Result<(), Error> {
        match &self.problem {
            None => Ok(()),
            Some(problem) => Err(Error::refused(
                RequestProblem::PathSegment,
                format!("{problem} (path {})", self.route),
            )),
        }
    }

    /// The encoded path and query, as appended to the base URL and signed (see
    /// [`url_on`](Self::url_on) for `/v1/…` and `/v2/…` paths).
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The URL this path is sent to (and signed over) on the base URL `base`
    /// (`https://eu.api.ovh.com/1.0`, see [`Endpoint::base_url`](crate::Endpoint::base_url)):
    /// `base` + path, except that a path whose first fixed part is `v1` or `v2` replaces a
    /// final `/1.0` of `base` (python-ovh's rule, with go-ovh's exact match on the part).
    ///
    /// ```
    /// use ovh_renew::ApiPath;
    /// let eu = "https://eu.api.ovh.com/1.0";
    /// assert_eq!(ApiPath::new("/me").url_on(eu), "https://eu.api.ovh.com/1.0/me");
    /// assert_eq!(ApiPath::new("/v2/iam/policy").url_on(eu), "https://eu.api.ovh.com/v2/iam/policy");
    /// assert_eq!(ApiPath::new("/v2x").url_on(eu), "https://eu.api.ovh.com/1.0/v2x");
    /// ```
    pub fn url_on(&self, base: &str) -> String {
        let base = match base.strip_suffix(LEGACY_ROOT) {
            Some(root) if self.versioned => root,
            _ => base,
        };
        let mut url = String::with_capacity(base.len() + self.path.len());
        url.push_str(base);
        url.push_str(&self.path);
        url
    }

    /// The route template, e.g. `/service/{serviceId}/renew`.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The access-rule pattern, e.g. `/service/*/renew` (`/me` for `/v1/me`, see
    /// [API v1 and v2 roots](ApiPath#api-v1-and-v2-roots)).
    pub fn rule_path(&self) -> &str {
        if self.rule.is_empty() && self.versioned {
            return "/";
        }
        &self.rule
    }

    /// The values of the route's `{name}` parts, as sent (percent-encoded), e.g.
    /// `("serviceId", "123")` for `/service/123/renew`. Each fixed part and each value is
    /// exactly one segment, so the route and the path line up segment by segment.
    #[cfg(any(feature = "tracing", test))]
    pub(crate) fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        let path = &self.path[..self.path.len() - self.query_len];
        self.route
            .split('/')
            .zip(path.split('/'))
            .filter_map(|(part, value)| {
                let name = part.strip_prefix('{')?.strip_suffix('}')?;
                Some((name, value))
            })
    }

    fn push_raw(&mut self, sep: char, value: &str) {
        self.refuse_after_query(value);
        self.path.push(sep);
        encode_into(&mut self.path, value, SEGMENT);
    }

    fn refuse_after_query(&mut self, what: &str) {
        if self.query_len > 0 {
            self.refuse(format!(
                "the path part {what:?} comes after the query string"
            ));
        }
    }

    /// Keeps the first problem.
    fn refuse(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }
}

/// Which ASCII bytes stay as they are.
type Keep = fn(u8) -> bool;

/// RFC 3986 unreserved characters plus sub-delims safe in a segment, minus those that
/// servers or proxies treat specially.
const SEGMENT: Keep = |b| {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.' | b'_' | b'~' | b'@' | b':' | b'+' | b',' | b'='
        )
};
/// Query keys and values: unreserved only.
const QUERY: Keep = |b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');

fn encode_into(out: &mut String, value: &str, keep: Keep) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in value.as_bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_become_one_encoded_segment() {
        let table = [
            ("../me", "..%2Fme"),
            ("a/b", "a%2Fb"),
            ("a?b", "a%3Fb"),
            ("a#b", "a%23b"),
            ("%2e%2e", "%252e%252e"),
            ("héllo wörld", "h%C3%A9llo%20w%C3%B6rld"),
            ("vps-0baa4fcf.vps.ovh.net", "vps-0baa4fcf.vps.ovh.net"),
            ("...", "..."),
            ("a b+c", "a%20b+c"),
        ];
        for (input, encoded) in table {
            let p = ApiPath::new("/vps").segment("serviceName", input).unwrap();
            assert_eq!(p.as_str(), format!("/vps/{encoded}"), "{input}");
        }
    }

    #[test]
    fn dot_fixed_parts_and_parts_after_the_query_make_the_path_unsendable() {
        let bad = [
            ApiPath::new("/../2.0/me"),
            ApiPath::new("/me/./order"),
            ApiPath::new("/me").lit(".."),
            ApiPath::new("/me").lit("."),
            ApiPath::new("/me").lit(""),
            ApiPath::new("/me").query("a", "b").lit("order"),
            ApiPath::new("/me/order").query("a", "b").id("orderId", 1),
        ];
        for p in bad {
            let err = p.check().unwrap_err();
            assert!(
                err.request_problem() == Some(RequestProblem::PathSegment),
                "{p:?}"
            );
        }
        let first = ApiPath::new("/..").query("a", "b").lit("x");
        assert!(first.check().unwrap_err().to_string().contains("\"..\""));
        for good in [
            ApiPath::new("/me/a..b/.c/..."),
            ApiPath::new("//me//order/"),
            ApiPath::new("/me").query("a", "b").query("c", "d"),
        ] {
            assert!(good.check().is_ok(), "{good:?}");
        }
        assert!(
            ApiPath::new("/vps")
                .query("a", "b")
                .segment("serviceName", "x")
                .is_err()
        );
    }

    #[test]
    fn values_that_cannot_travel_are_refused() {
        for bad in ["", ".", ".."] {
            let err = ApiPath::new("/vps")
                .segment("serviceName", bad)
                .unwrap_err();
            assert!(
                err.request_problem() == Some(RequestProblem::PathSegment),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn fixed_parts_routes_rules_and_query() {
        let p = ApiPath::new("hosting/web/")
            .segment("serviceName", "x")
            .unwrap()
            .lit("serviceInfos");
        assert_eq!(p.as_str(), "/hosting/web/x/serviceInfos");
        assert_eq!(p.route(), "/hosting/web/{serviceName}/serviceInfos");
        assert_eq!(p.rule_path(), "/hosting/web/*/serviceInfos");

        let q = ApiPath::new("/service")
            .id("serviceId", 123456)
            .lit("renew")
            .query_bool("includeOptions", false)
            .query("a b", "c&d");
        assert_eq!(
            q.as_str(),
            "/service/123456/renew?includeOptions=false&a%20b=c%26d"
        );
        assert_eq!(q.route(), "/service/{serviceId}/renew");
        assert_eq!(q.params().collect::<Vec<_>>(), [("serviceId", "123456")]);
    }

    #[test]
    fn params_line_up_with_the_route() {
        let p = ApiPath::new("/hosting/web")
            .segment("serviceName", "a/b c")
            .unwrap()
            .lit("serviceInfos");
        assert_eq!(
            p.params().collect::<Vec<_>>(),
            [("serviceName", "a%2Fb%20c")]
        );
        let o = ApiPath::new("/me/order")
            .id("orderId", 42)
            .lit("status")
            .query("x", "{y}");
        assert_eq!(o.params().collect::<Vec<_>>(), [("orderId", "42")]);
        assert_eq!(ApiPath::new("/service").params().count(), 0);
    }

    /// python-ovh's v1/v2 routing, with go-ovh's exact match on the first part: every
    /// base URL shape against every prefix that looks like a version.
    #[test]
    fn v1_and_v2_paths_replace_a_final_1_0_and_nothing_else_does() {
        let eu = "https://eu.api.ovh.com/1.0";
        let local = "http://127.0.0.1:8080/1.0";
        let proxy = "https://proxy.example/ovh/1.0";
        let bare = "https://api.example.com";
        let v1_base = "https://eu.api.ovh.com/v1";
        let odd = "https://api.example.com/11.0";
        let table: [(&str, ApiPath, &str); 21] = [
            (eu, ApiPath::new("/me"), "https://eu.api.ovh.com/1.0/me"),
            (
                eu,
                ApiPath::new("/v2/iam/policy"),
                "https://eu.api.ovh.com/v2/iam/policy",
            ),
            (eu, ApiPath::new("/v1/me"), "https://eu.api.ovh.com/v1/me"),
            (eu, ApiPath::new("/v2"), "https://eu.api.ovh.com/v2"),
            (eu, ApiPath::new("/v1"), "https://eu.api.ovh.com/v1"),
            (
                eu,
                ApiPath::new("/v2").query("a", "b"),
                "https://eu.api.ovh.com/v2?a=b",
            ),
            (eu, ApiPath::new("v2/iam"), "https://eu.api.ovh.com/v2/iam"),
            (
                eu,
                ApiPath::new("//v2//iam/"),
                "https://eu.api.ovh.com/v2/iam",
            ),
            (
                eu,
                ApiPath::new("/v2x/a"),
                "https://eu.api.ovh.com/1.0/v2x/a",
            ),
            (
                eu,
                ApiPath::new("/v10/a"),
                "https://eu.api.ovh.com/1.0/v10/a",
            ),
            (eu, ApiPath::new("/V2/a"), "https://eu.api.ovh.com/1.0/V2/a"),
            (eu, ApiPath::new("/v3/a"), "https://eu.api.ovh.com/1.0/v3/a"),
            (
                eu,
                ApiPath::new("/me/v2"),
                "https://eu.api.ovh.com/1.0/me/v2",
            ),
            (
                eu,
                ApiPath::new("/auth/time"),
                "https://eu.api.ovh.com/1.0/auth/time",
            ),
            (
                local,
                ApiPath::new("/v2/iam/policy"),
                "http://127.0.0.1:8080/v2/iam/policy",
            ),
            (
                proxy,
                ApiPath::new("/v1/me"),
                "https://proxy.example/ovh/v1/me",
            ),
            (
                bare,
                ApiPath::new("/v2/iam"),
                "https://api.example.com/v2/iam",
            ),
            (bare, ApiPath::new("/me"), "https://api.example.com/me"),
            (
                v1_base,
                ApiPath::new("/v2/iam"),
                "https://eu.api.ovh.com/v1/v2/iam",
            ),
            (
                odd,
                ApiPath::new("/v2/iam"),
                "https://api.example.com/11.0/v2/iam",
            ),
            (
                eu,
                ApiPath::new("")
                    .segment("version", "v2")
                    .unwrap()
                    .lit("iam"),
                "https://eu.api.ovh.com/1.0/v2/iam",
            ),
        ];
        for (base, path, url) in table {
            assert_eq!(path.url_on(base), url, "{base} + {path:?}");
        }
    }

    /// `/v1` is an alias of `/1.0`, whose access rules carry no version; `/v2` rules do.
    #[test]
    fn versioned_routes_keep_the_version_and_v1_rules_drop_it() {
        let v1 = ApiPath::new("/v1/me/order").id("orderId", 7);
        assert_eq!(v1.route(), "/v1/me/order/{orderId}");
        assert_eq!(v1.rule_path(), "/me/order/*");
        assert_eq!(v1.params().collect::<Vec<_>>(), [("orderId", "7")]);
        assert_eq!(ApiPath::new("/v1").rule_path(), "/");
        let v2 = ApiPath::new("/v2/iam/policy")
            .segment("policyId", "p-1")
            .unwrap();
        assert_eq!(v2.route(), "/v2/iam/policy/{policyId}");
        assert_eq!(v2.rule_path(), "/v2/iam/policy/*");
        assert_eq!(ApiPath::new("/v2x/a").rule_path(), "/v2x/a");
        assert_eq!(ApiPath::new("/me/v1").rule_path(), "/me/v1");
    }
}
