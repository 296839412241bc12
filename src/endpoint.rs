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
