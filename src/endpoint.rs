//! OVH API endpoints: the seven named regions and custom base URLs.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// The names [`Endpoint`] accepts, in the order OVH's own clients list them.
pub const ENDPOINT_NAMES: &[&str] = &[
    "ovh-eu",
    "ovh-ca",
    "ovh-us",
    "kimsufi-eu",
    "kimsufi-ca",
    "soyoustart-eu",
    "soyoustart-ca",
];

/// Where API calls go: one of OVH's named endpoints, or any `https` base URL (a proxy,
/// a future OVH domain). Plain `http` is only accepted for loopback hosts
/// (`127.0.0.0/8`, `::1`, `localhost`: tests and sandboxes), so that credentials never
/// travel in clear.
///
/// ```
/// use ovh_renew::Endpoint;
/// let eu: Endpoint = "ovh-eu".parse().unwrap();
/// assert_eq!(eu.base_url().as_str(), "https://eu.api.ovh.com/1.0");
/// let local: Endpoint = "http://127.0.0.1:8080/1.0".parse().unwrap();
/// assert_eq!(local.name(), None);
/// assert!("ovh-mars".parse::<Endpoint>().unwrap_err().to_string().contains("ovh-eu"));
/// assert!("http://api.example.com/1.0".parse::<Endpoint>().unwrap_err().to_string().contains("https"));
/// ```
///
/// # Which routes each endpoint carries
///
/// Per OVH's published v1 schemas (the 2024 raw schemas of every endpoint; the 2025 and
/// 2026 EU snapshots agree for the EU family):
///
/// | endpoint | `/service/{id}/renew` (choices, orders) | `payWithRegisteredPaymentMean`, `availableRegisteredPaymentMean` | `/service` API | `/services` view |
/// |---|---|---|---|---|
/// | `ovh-eu`, `kimsufi-eu`, `soyoustart-eu` | yes | yes | yes | yes (BETA; read in the `ovh-eu` schemas) |
/// | `ovh-ca` | **absent** (`/service`, `/{id}`, reopen, suspend, terminate only) | yes | yes | `renewPeriodCapacities` seen (BETA) |
/// | `ovh-us` | **absent** (as `ovh-ca`) | **deprecated** since 2017-12 (use `POST /me/order/{orderId}/pay`) | yes | `renewPeriodCapacities` seen (BETA) |
/// | `kimsufi-ca`, `soyoustart-ca` | **absent** | yes | **absent** | not documented |
///
/// The crate refuses nothing for it: OVH may add routes. A 404 on such a route there has
/// an [`ApiError::hint`](crate::ApiError::hint) that says so
/// ([`route_note`](Self::route_note)).
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Endpoint {
    /// `https://eu.api.ovh.com/1.0`
    OvhEu,
    /// `https://ca.api.ovh.com/1.0`
    OvhCa,
    /// `https://api.us.ovhcloud.com/1.0`
    OvhUs,
    /// `https://eu.api.kimsufi.com/1.0`
    KimsufiEu,
    /// `https://ca.api.kimsufi.com/1.0`
    KimsufiCa,
    /// `https://eu.api.soyoustart.com/1.0`
    SoyoustartEu,
    /// `https://ca.api.soyoustart.com/1.0`
    SoyoustartCa,
    /// Any other base URL (`https`, or `http` to a loopback host), without a trailing
    /// slash.
    Custom(BaseUrl),
}

/// A validated custom base URL (`https`, or `http` to a loopback host; no query or
/// fragment, no trailing `/`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// The URL text, without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// Why text could not be read as an [`Endpoint`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// Neither a known endpoint name nor a URL (the text, scrubbed like a URL).
    #[error(
        "unknown OVH endpoint {0:?}: use one of ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca, or an https:// base URL (http:// only for loopback hosts)"
    )]
    UnknownName(String),
    /// Looked like a URL but cannot serve as a base URL.
    #[error("invalid endpoint URL {url:?}: {reason}")]
    InvalidUrl {
        /// The text given, without user info nor query string (each shown as
        /// `<redacted>`) and without fragment: they may hold a password or a token.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl Endpoint {
    const NAMED: [Endpoint; 7] = [
        Endpoint::OvhEu,
        Endpoint::OvhCa,
        Endpoint::OvhUs,
        Endpoint::KimsufiEu,
        Endpoint::KimsufiCa,
        Endpoint::SoyoustartEu,
        Endpoint::SoyoustartCa,
    ];

    /// Why `method rule_path` (an access-rule pattern such as `/service/*/renew`) may not
    /// exist on this endpoint, per OVH's published schemas (the table of [`Endpoint`]);
    /// `None` when nothing says so (every route of the
    /// EU family, custom URLs). What a 404 on that route is hinted with.
    ///
    /// ```
    /// use ovh_renew::Endpoint;
    /// assert!(Endpoint::OvhCa.route_note("POST", "/service/*/renew").unwrap().contains("ovh-ca"));
    /// assert_eq!(Endpoint::OvhEu.route_note("POST", "/service/*/renew"), None);
    /// assert!(Endpoint::KimsufiCa.route_note("GET", "/service/*").is_some());
    /// assert_eq!(Endpoint::KimsufiCa.route_note("GET", "/me/order/*"), None);
    /// ```
    pub fn route_note(&self, method: &str, rule_path: &str) -> Option<&'static str> {
        let service_api = rule_path == "/service" || rule_path.starts_with("/service/");
        let renew = rule_path == "/service/*/renew";
        let registered = (method == "POST" && rule_path.ends_with("/payWithRegisteredPaymentMean"))
            || (method == "GET" && rule_path.ends_with("/availableRegisteredPaymentMean"));
        match self {
            Endpoint::OvhCa if renew => Some(
                "OVH's published schemas of ovh-ca (2024) have no /service/{serviceId}/renew: renewal orders through the API are documented on the EU endpoints (ovh-eu, kimsufi-eu, soyoustart-eu) only; renew in the control panel, or set automatic renewal (PUT /services/{serviceId})",
            ),
            Endpoint::OvhUs if renew => Some(
                "OVH's published schemas of ovh-us (2024) have no /service/{serviceId}/renew: renewal orders through the API are documented on the EU endpoints (ovh-eu, kimsufi-eu, soyoustart-eu) only; renew in the control panel, or set automatic renewal (PUT /services/{serviceId})",
            ),
            Endpoint::OvhUs if registered => Some(
                "on ovh-us, paying with a registered payment mean is deprecated since 2017-12 (deletion announced for 2018-02): pay with a payment method instead (PaymentChoice::Method, POST /me/order/{orderId}/pay)",
            ),
            Endpoint::KimsufiCa | Endpoint::SoyoustartCa if service_api => Some(
                "OVH's published schemas of kimsufi-ca and soyoustart-ca (2024) have no /service API at all: renewals through the API are documented on the EU endpoints only",
            ),
            _ => None,
        }
    }

    /// The short name (`ovh-eu`, …), or `None` for a custom URL.
    pub fn name(&self) -> Option<&'static str> {
        Self::NAMED
            .iter()
            .position(|e| e == self)
            .map(|i| ENDPOINT_NAMES[i])
    }

    /// The base URL API paths are appended to, e.g. `https://eu.api.ovh.com/1.0`. A path
    /// whose first part is `v1` or `v2` replaces its final `/1.0` instead (see
    /// [`ApiPath::url_on`](crate::ApiPath::url_on)).
    pub fn base_url(&self) -> BaseUrlRef<'_> {
        BaseUrlRef(match self {
            Endpoint::OvhEu => "https://eu.api.ovh.com/1.0",
            Endpoint::OvhCa => "https://ca.api.ovh.com/1.0",
            Endpoint::OvhUs => "https://api.us.ovhcloud.com/1.0",
            Endpoint::KimsufiEu => "https://eu.api.kimsufi.com/1.0",
            Endpoint::KimsufiCa => "https://ca.api.kimsufi.com/1.0",
            Endpoint::SoyoustartEu => "https://eu.api.soyoustart.com/1.0",
            Endpoint::SoyoustartCa => "https://ca.api.soyoustart.com/1.0",
            Endpoint::Custom(url) => url.as_str(),
        })
    }

    /// The OAuth2 token URL of this region, for the endpoints that support OAuth2.
    pub fn oauth2_token_url(&self) -> Option<&'static str> {
        match self {
            Endpoint::OvhEu => Some("https://www.ovh.com/auth/oauth2/token"),
            Endpoint::OvhCa => Some("https://ca.ovh.com/auth/oauth2/token"),
            Endpoint::OvhUs => Some("https://us.ovhcloud.com/auth/oauth2/token"),
            _ => None,
        }
    }

    /// Parses a custom base URL: `https`, or `http` to a loopback host (`127.0.0.0/8`,
    /// `::1`, `localhost`). A trailing `/` is removed.
    pub fn custom(url: &str) -> Result<Endpoint, EndpointError> {
        // The text is echoed without its user information nor query: they may hold a
        // password or a token.
        let invalid = |reason: &str| EndpointError::InvalidUrl {
            url: crate::scrub::url(url),
            reason: reason.to_owned(),
        };
        let parsed = Url::parse(url).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("a host is required"));
        }
        if parsed.scheme() == "http" && !is_loopback(&parsed) {
            return Err(invalid(PLAIN_HTTP));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(invalid("a base URL cannot have a query or a fragment"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(invalid("a base URL cannot carry credentials"));
        }
        let text = parsed.as_str().trim_end_matches('/').to_owned();
        Ok(Endpoint::Custom(BaseUrl(text)))
    }
}

/// Why a plain `http://` URL to a host other than loopback is refused.
pub(crate) const PLAIN_HTTP: &str = "plain http:// is only accepted for loopback hosts (127.0.0.0/8, ::1, localhost), for tests and sandboxes: use https://, or consumer keys, signatures and tokens would travel in clear and signed requests could be replayed";

/// Whether `url`'s host is a loopback address: `127.0.0.0/8`, `::1` or `localhost`
/// (case-insensitive, with or without a final dot).
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => {
            let name = name.strip_suffix('.').unwrap_or(name);
            name.eq_ignore_ascii_case("localhost")
        }
        None => false,
    }
}

/// A borrowed base URL, as returned by [`Endpoint::base_url`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseUrlRef<'a>(&'a str);

impl<'a> BaseUrlRef<'a> {
    /// The URL text, without a trailing slash.
    pub fn as_str(&self) -> &'a str {
        self.0
    }
}

impl fmt::Display for BaseUrlRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl FromStr for Endpoint {
    type Err = EndpointError;

    /// Accepts a name (`ovh-eu`, case-insensitive, surrounding blanks ignored) or a
    /// base URL (see [`Endpoint::custom`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(i) = ENDPOINT_NAMES
            .iter()
            .position(|n| n.eq_ignore_ascii_case(s))
        {
            return Ok(Self::NAMED[i].clone());
        }
        if s.contains("://") {
            return Endpoint::custom(s);
        }
        Err(EndpointError::UnknownName(crate::scrub::url(s)))
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => f.write_str(self.base_url().as_str()),
        }
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Endpoint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_notes_follow_the_published_schemas() {
        let renew = "/service/*/renew";
        for endpoint in [Endpoint::OvhEu, Endpoint::KimsufiEu, Endpoint::SoyoustartEu] {
            for (m, p) in [
                ("POST", renew),
                ("GET", "/service/*"),
                ("GET", "/services/*"),
            ] {
                assert_eq!(endpoint.route_note(m, p), None, "{endpoint:?} {m} {p}");
            }
        }
        for endpoint in [Endpoint::OvhCa, Endpoint::OvhUs] {
            assert!(endpoint.route_note("GET", renew).is_some());
            assert!(endpoint.route_note("POST", renew).is_some());
            assert_eq!(endpoint.route_note("GET", "/service/*"), None);
            assert_eq!(endpoint.route_note("PUT", "/services/*"), None);
        }
        let pay = "/me/order/*/payWithRegisteredPaymentMean";
        assert!(
            Endpoint::OvhUs
                .route_note("POST", pay)
                .unwrap()
                .contains("/pay")
        );
        assert!(
            Endpoint::OvhUs
                .route_note("GET", "/me/order/*/availableRegisteredPaymentMean")
                .is_some()
        );
        assert_eq!(Endpoint::OvhCa.route_note("POST", pay), None);
        for endpoint in [Endpoint::KimsufiCa, Endpoint::SoyoustartCa] {
            assert!(endpoint.route_note("GET", "/service").is_some());
            assert!(endpoint.route_note("POST", renew).is_some());
            assert_eq!(endpoint.route_note("GET", "/services/*"), None);
            assert_eq!(endpoint.route_note("GET", "/me/order/*"), None);
        }
        let custom: Endpoint = "http://127.0.0.1:1/1.0".parse().unwrap();
        assert_eq!(custom.route_note("POST", renew), None);
    }

    #[test]
    fn every_name_parses_and_round_trips() {
        for &name in ENDPOINT_NAMES {
            let e: Endpoint = name.parse().unwrap();
            assert_eq!(e.name(), Some(name));
            assert_eq!(e.to_string(), name);
            assert!(e.base_url().as_str().starts_with("https://"));
            assert!(e.base_url().as_str().ends_with("/1.0"));
        }
    }

    #[test]
    fn urls_parse_as_custom_endpoints() {
        let cases = [
            ("http://127.0.0.1:8080/1.0", "http://127.0.0.1:8080/1.0"),
            (
                "https://api.example.com/1.0/",
                "https://api.example.com/1.0",
            ),
            ("https://api.example.com", "https://api.example.com"),
        ];
        for (input, base) in cases {
            let e: Endpoint = input.parse().unwrap();
            assert_eq!(e.base_url().as_str(), base, "{input}");
            assert_eq!(e.name(), None);
        }
    }

    #[test]
    fn bad_text_is_refused_with_the_valid_names() {
        let err = "ovh-mars".parse::<Endpoint>().unwrap_err();
        let msg = err.to_string();
        for name in ENDPOINT_NAMES {
            assert!(msg.contains(name), "{msg}");
        }
        for bad in [
            "ftp://x/1.0",
            "http://api.example.com/1.0",
            "http://",
            "https://h/1.0?x=1",
            "https://u:p@h/1.0",
        ] {
            assert!(
                matches!(
                    bad.parse::<Endpoint>(),
                    Err(EndpointError::InvalidUrl { .. })
                ),
                "{bad}"
            );
        }
    }

    /// A refused URL is echoed without its user information nor its query, whatever its
    /// shape.
    #[test]
    fn refused_urls_never_echo_a_password() {
        for (text, shown) in [
            ("https://u:pw@h/1.0", "https://<redacted>@h/1.0"),
            ("https://pw@h/1.0", "https://<redacted>@h/1.0"),
            (
                "https://u:p@w@h/1.0?x=@",
                "https://<redacted>@h/1.0?<redacted>",
            ),
            ("https://u:pw@/1.0", "https://<redacted>@/1.0"),
            ("ftp://u:pw@h", "ftp://<redacted>@h"),
            ("http://u:pw@h\\1.0", "http://<redacted>@h\\1.0"),
            ("https://h/1.0?token=pw", "https://h/1.0?<redacted>"),
            ("https://h/a@b?x=pw#pw", "https://h/a@b?<redacted>"),
        ] {
            let err = text.parse::<Endpoint>().unwrap_err();
            let EndpointError::InvalidUrl { url, .. } = &err else {
                panic!("{text}: {err:?}")
            };
            assert_eq!(url, shown, "{text}");
            assert!(!err.to_string().contains("pw"), "{err}");
        }
    }

    #[test]
    fn loopback_hosts_are_exactly_127_8_ipv6_one_and_localhost() {
        for (url, loopback) in [
            ("http://127.0.0.1/", true),
            ("http://127.255.255.254:1/", true),
            ("http://[::1]/", true),
            ("http://localhost/", true),
            ("http://LocalHost./", true),
            ("http://128.0.0.1/", false),
            ("http://[::ffff:127.0.0.1]/", false),
            ("http://localhost.example/", false),
            ("http://127.0.0.1.nip.io/", false),
            ("http://2130706433/", true),
        ] {
            assert_eq!(is_loopback(&Url::parse(url).unwrap()), loopback, "{url}");
        }
    }

    #[test]
    fn oauth2_is_only_for_ovh_regions() {
        assert!(Endpoint::OvhEu.oauth2_token_url().is_some());
        assert!(Endpoint::KimsufiEu.oauth2_token_url().is_none());
    }
}
