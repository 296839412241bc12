//! Configuration errors. Messages never quote a secret.

use std::path::PathBuf;

use super::Setting;
use crate::credentials::CredentialsProblem;
use crate::endpoint::{ENDPOINT_NAMES, EndpointError};

/// How the standard file chain is described in error messages (highest priority first).
const SEARCH_PATHS: &str = "./ovh.conf, ~/.ovh.conf or /etc/ovh.conf";

/// Why the configuration could not be resolved.
///
/// Messages name keys, environment variables, sections and files, and never the value of a
/// secret (application secret, consumer key, client secret, access token).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No endpoint in `OVH_ENDPOINT` nor in the `[default]` section of any config file.
    /// There is no default region.
    #[error(
        "no OVH endpoint configured: set OVH_ENDPOINT, or `endpoint` in the [default] section of {SEARCH_PATHS} ({}); valid names: {}, or an http(s):// base URL",
        files_read(.files),
        ENDPOINT_NAMES.join(", ")
    )]
    MissingEndpoint {
        /// The config files that were read, in increasing priority.
        files: Vec<PathBuf>,
    },
    /// The configured endpoint text is neither a known name nor a usable URL (see the
    /// source error for the text and the valid names).
    #[error("invalid OVH endpoint in {origin}")]
    InvalidEndpoint {
        /// Where the text came from, e.g. `env OVH_ENDPOINT` or `./ovh.conf [default]`.
        origin: String,
        /// Why the text was refused.
        #[source]
        source: EndpointError,
    },
    /// No credential is configured: none of the application key and secret, the OAuth2
    /// client id and secret, or an access token.
    #[error(
        "Missing authentication information, you need to provide at least an application_key/application_secret or a client_id/client_secret: no OVH credentials found; set {} (or OVH_CLIENT_ID, OVH_CLIENT_SECRET, or OVH_ACCESS_TOKEN), or put {} in {} of {SEARCH_PATHS} (or client_id, client_secret, or access_token) ({})",
        Setting::SIGNING.map(Setting::env_name).join(", "),
        Setting::SIGNING.map(Setting::ini_name).join(", "),
        section_name(.section.as_deref()),
        files_read(.files)
    )]
    MissingCredentials {
        /// The section the keys were looked for in (the endpoint text), if an endpoint is
        /// configured.
        section: Option<String>,
        /// The config files that were read, in increasing priority.
        files: Vec<PathBuf>,
    },
    /// Half of a pair is configured: an application key without its secret (or the
    /// reverse, or a consumer key alone), or a client id without its secret (or the
    /// reverse).
    #[error(
        "{}: missing {}; found {}; looked in the OVH_* environment variables and in {} of {SEARCH_PATHS} ({})",
        pair_rule(.missing),
        with_env_names(.missing),
        .found.join(", "),
        section_name(.section.as_deref()),
        files_read(.files)
    )]
    IncompleteCredentials {
        /// The missing INI key names, e.g. `application_secret` (the variable is `OVH_` +
        /// the upper-case name).
        missing: Vec<&'static str>,
        /// The keys that were found, each with where, e.g.
        /// `application_key (env OVH_APPLICATION_KEY)`. Never a value.
        found: Vec<String>,
        /// The section the keys were looked for in (the endpoint text), if an endpoint is
        /// configured.
        section: Option<String>,
        /// The config files that were read, in increasing priority.
        files: Vec<PathBuf>,
    },
    /// The credentials cannot be used as given: several methods at once, an empty value,
    /// or OAuth2 where OVH does not offer it. The message is python-ovh's.
    #[error("{problem}{}", found_suffix(.found))]
    InvalidCredentials {
        /// The rule that is broken.
        problem: CredentialsProblem,
        /// The configured keys involved, each with where, e.g.
        /// `client_id (env OVH_CLIENT_ID)`. Never a value.
        found: Vec<String>,
    },
    /// The endpoint is a URL that is not one of OVH's API base URLs, it comes from the
    /// `ovh.conf` of the current directory (a file that may come with a cloned
    /// repository), and the credentials come from another source: they are not sent
    /// there unless the caller opts in with
    /// [`OvhClientBuilder::trust_local_endpoint`](crate::OvhClientBuilder::trust_local_endpoint).
    #[error(
        "refusing to send credentials to endpoint {endpoint} from {origin}: that file is in the current directory (it may come with a cloned repository) and names a server that is not one of OVH's API endpoints, while the credentials come from elsewhere ({}); if you trust this file, call OvhClientBuilder::trust_local_endpoint(true), otherwise set OVH_ENDPOINT or remove `endpoint` from it",
        .credentials.join(", ")
    )]
    UntrustedLocalEndpoint {
        /// The endpoint's base URL.
        endpoint: String,
        /// Where it came from, e.g. `./ovh.conf [default]`.
        origin: String,
        /// The credential keys from other sources, each with where, e.g.
        /// `consumer_key (env OVH_CONSUMER_KEY)`. Never a value.
        credentials: Vec<String>,
    },
    /// A configured value cannot be used as it is (see [`ValueProblem`]). Neither the
    /// value nor the line is quoted.
    #[error("cannot use {key} from {origin}: {problem}")]
    InvalidValue {
        /// The INI key name, e.g. `application_secret` (the variable is `OVH_` + the
        /// upper-case name).
        key: &'static str,
        /// Where it came from, e.g. `./ovh.conf [ovh-eu]` or `env OVH_CONSUMER_KEY`.
        origin: String,
        /// What is wrong with it.
        problem: ValueProblem,
    },
    /// A config file is not valid INI.
    #[error("invalid OVH config file {} line {line}: {problem}", .path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong (the line itself is not quoted: it may hold a secret).
        problem: String,
    },
    /// [`OvhClientBuilder::build`](crate::OvhClientBuilder::build) without an endpoint
    /// (neither `.endpoint(...)` nor a configuration source).
    #[error(
        "no endpoint given: call .endpoint(...) with one of {} or a base URL, or use OvhClientBuilder::from_env()",
        ENDPOINT_NAMES.join(", ")
    )]
    NoEndpointGiven,
    /// [`OvhClientBuilder::build`](crate::OvhClientBuilder::build) without credentials
    /// (neither `.credentials(...)` nor a configuration source).
    #[error(
        "no credentials given: call .credentials(Credentials::new(application_key, application_secret, consumer_key)) (or Credentials::application, Credentials::oauth2, Credentials::access_token), or use OvhClientBuilder::from_env()"
    )]
    NoCredentialsGiven,
    /// The user agent cannot be sent as a header value (a control character, a line
    /// break).
    #[error("invalid user agent {user_agent:?}: it cannot be sent as a header value")]
    InvalidUserAgent {
        /// The refused user agent.
        user_agent: String,
    },
    /// The HTTP client could not be built from the given `reqwest::ClientBuilder` (e.g. a
    /// TLS backend that fails to start).
    #[error("cannot build the HTTP client: {reason}")]
    HttpClient {
        /// reqwest's error, as text.
        reason: String,
    },
    /// The OAuth2 token URL is not an `https://` URL with a host and without user
    /// information (plain `http://` is accepted on loopback only). The URL is not quoted:
    /// it may hold credentials.
    #[error("invalid OAuth2 token URL: {reason}")]
    InvalidTokenUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// The blocking client (feature `blocking`) could not start its runtime.
    #[error("cannot start the blocking client's runtime: {reason}")]
    Runtime {
        /// The I/O error, as text.
        reason: String,
    },
    /// A config file exists but cannot be read.
    #[error("cannot read OVH config file {}: {reason}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error, as text.
        reason: String,
    },
}

/// Why a configured value cannot be used ([`ConfigError::InvalidValue`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueProblem {
    /// The file holds bytes that are not UTF-8 in this value. They are not replaced by
    /// U+FFFD, which would silently change a secret.
    #[error(
        "the value is not valid UTF-8 (python-ovh cannot read this file either); save the file as UTF-8"
    )]
    NotUtf8,
    /// The value spans several lines: a line indented deeper than the key continues its
    /// value (configparser's rule, which python-ovh follows).
    #[error(
        "the value spans several lines (an indented line below a key continues its value, as in python-ovh); a credential with a line break cannot be sent in a header nor give a signature OVH accepts: put it on one line, or un-indent the line below it"
    )]
    MultiLine,
}

/// The python-ovh rule broken by a half pair with these `missing` keys.
fn pair_rule(missing: &[&str]) -> CredentialsProblem {
    if missing
        .iter()
        .any(|key| Setting::OAUTH2.iter().any(|s| s.ini_name() == *key))
    {
        CredentialsProblem::OAuth2HalfPair
    } else {
        CredentialsProblem::ApplicationHalfPair
    }
}

/// `; found a (origin), b (origin)`, or nothing.
fn found_suffix(found: &[String]) -> String {
    if found.is_empty() {
        String::new()
    } else {
        format!("; found {}", found.join(", "))
    }
}

/// `read: a, b`, or a note that no file exists.
fn files_read(files: &[PathBuf]) -> String {
    if files.is_empty() {
        return "none of them exists".to_owned();
    }
    let paths: Vec<_> = files.iter().map(|p| p.display().to_string()).collect();
    format!("read: {}", paths.join(", "))
}

/// `[ovh-eu]`, or a note that the section is unknown.
fn section_name(section: Option<&str>) -> String {
    match section {
        Some(section) => format!("[{section}]"),
        None => "the section named after the endpoint (no endpoint is configured)".to_owned(),
    }
}

/// `consumer_key (OVH_CONSUMER_KEY), …`.
fn with_env_names(keys: &[&str]) -> String {
    let named: Vec<_> = keys
        .iter()
        .map(|key| format!("{key} (OVH_{})", key.to_uppercase()))
        .collect();
    named.join(", ")
}
