//! API paths built segment by segment: fixed parts, and values that are always
//! percent-encoded into exactly one segment.

use std::fmt::Write as _;

use crate::error::Error;

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
}

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
        self.push_raw('/', part);
        self.route.push('/');
        self.route.push_str(part);
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
            return Err(Error::InvalidRequest(format!(
                "{name} {value:?} cannot be sent as a path segment"
            )));
        }
        if self.query_len > 0 {
            return Err(Error::InvalidRequest(format!(
                "{name} cannot be appended after the query of {}",
                self.route
            )));
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
            Some(problem) => Err(Error::InvalidRequest(format!(
                "{problem} (path {})",
                self.route
            ))),
        }
    }

    /// The encoded path and query, as appended to the base URL and signed.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// The route template, e.g. `/service/{serviceId}/renew`.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// The access-rule pattern, e.g. `/service/*/renew`.
    pub fn rule_path(&self) -> &str {
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
            assert!(matches!(err, Error::InvalidRequest(_)), "{p:?}");
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
            assert!(matches!(err, Error::InvalidRequest(_)), "{bad:?}");
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
}
