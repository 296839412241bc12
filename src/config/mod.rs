//! Configuration resolution: the `OVH_*` environment variables and the `ovh.conf` INI
//! files, combined the way python-ovh and go-ovh combine them, so existing setups keep
//! working unchanged.
//!
//! # Sources and precedence
//!
//! * Files, in increasing priority: `/etc/ovh.conf`, `~/.ovh.conf` (from `$HOME`, skipped
//!   when it is unset), `./ovh.conf`. A path that is missing, not a regular file
//!   (directory, FIFO, tty) or unreadable is skipped, as configparser does, and never
//!   blocks (see [`sources`]). The files are merged key by key: a key in `./ovh.conf`
//!   overrides the same key of the same section in `/etc/ovh.conf`, and leaves the other
//!   keys alone.
//! * Environment variables, which win over every file: `OVH_` + the upper-case key name
//!   (`OVH_ENDPOINT`, `OVH_APPLICATION_KEY`, …). They apply whatever the section. An empty
//!   (or blank) variable counts as unset, as in go-ovh (python-ovh would take the empty
//!   string), and values are trimmed.
//! * Explicit builder calls win over both (see [`ResolvedConfig::with_endpoint`]).
//! * An endpoint URL that is not one of OVH's, from `./ovh.conf`, is used only with
//!   credentials from that same file unless the caller opts in (see [`trust`]).
//!
//! The endpoint comes from `OVH_ENDPOINT`, else `endpoint` in the `[default]` section (or
//! `[DEFAULT]`, inherited by an existing `[default]`). It may be a name (`ovh-eu`,
//! case-insensitive) or a base URL. There is no default region. The other keys come from
//! the section named after the endpoint text as written (`[ovh-eu]`,
//! `[https://api.example.com/1.0]`), or from `[DEFAULT]` if that section exists.
//!
//! # Credentials
//!
//! As in python-ovh: application key and secret (consumer key optional), or OAuth2
//! `client_id` and `client_secret`; a consumer key next to OAuth2 keys is ignored (a
//! tracing event says so). An `access_token` (go-ovh's method, unknown to python-ovh
//! 1.2.0) next to another method is refused, naming both and where each came from. A
//! credential value with a line break (a continuation line) or with bytes that are not
//! UTF-8 is refused, naming its key and file.
//!
//! # INI format
//!
//! python-ovh's configparser rules (multi-line values, untrimmed section names, universal
//! newlines, `[DEFAULT]`), with the deliberate differences listed in [`ini`]. An empty
//! value overrides lower-priority files and then counts as unset, as in both upstream
//! clients. Syntax errors name the file and the line, never the text: it may be a secret.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

use crate::credentials::{Credentials, CredentialsProblem};
use crate::endpoint::{Endpoint, EndpointError};
use ini::Ini;

mod error;
mod ini;
mod sources;
#[cfg(test)]
mod tests;
mod trust;

pub use error::{ConfigError, ValueProblem};
pub(crate) use sources::process_sources;
#[cfg(test)]
pub(crate) use sources::{Candidate, read_opened, read_regular_file, sources_from};

/// The section that holds `endpoint`.
const DEFAULT_SECTION: &str = "default";

/// A configuration key. Its INI name and environment variable come from [`KEY_NAMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Setting {
    /// `endpoint` / `OVH_ENDPOINT`, read from the `[default]` section.
    Endpoint,
    /// `application_key` / `OVH_APPLICATION_KEY`.
    ApplicationKey,
    /// `application_secret` / `OVH_APPLICATION_SECRET`.
    ApplicationSecret,
    /// `consumer_key` / `OVH_CONSUMER_KEY`.
    ConsumerKey,
    /// `client_id` / `OVH_CLIENT_ID` (OAuth2).
    ClientId,
    /// `client_secret` / `OVH_CLIENT_SECRET` (OAuth2).
    ClientSecret,
    /// `access_token` / `OVH_ACCESS_TOKEN` (static bearer token).
    AccessToken,
}

/// INI key name and environment variable of each [`Setting`], in declaration order.
const KEY_NAMES: [(&str, &str); 7] = [
    ("endpoint", "OVH_ENDPOINT"),
    ("application_key", "OVH_APPLICATION_KEY"),
    ("application_secret", "OVH_APPLICATION_SECRET"),
    ("consumer_key", "OVH_CONSUMER_KEY"),
    ("client_id", "OVH_CLIENT_ID"),
    ("client_secret", "OVH_CLIENT_SECRET"),
    ("access_token", "OVH_ACCESS_TOKEN"),
];

impl Setting {
    /// Every key, in declaration order (the order of [`KEY_NAMES`]).
    pub(crate) const ALL: [Setting; 7] = [
        Setting::Endpoint,
        Setting::ApplicationKey,
        Setting::ApplicationSecret,
        Setting::ConsumerKey,
        Setting::ClientId,
        Setting::ClientSecret,
        Setting::AccessToken,
    ];

    /// The keys of the signing method: AK, AS and CK (the CK is optional).
    pub(crate) const SIGNING: [Setting; 3] = [
        Setting::ApplicationKey,
        Setting::ApplicationSecret,
        Setting::ConsumerKey,
    ];

    /// The keys of the OAuth2 method: client id and client secret.
    pub(crate) const OAUTH2: [Setting; 2] = [Setting::ClientId, Setting::ClientSecret];

    /// The lower-case INI key name, e.g. `consumer_key`.
    pub(crate) fn ini_name(self) -> &'static str {
        KEY_NAMES[self as usize].0
    }

    /// The environment variable, e.g. `OVH_CONSUMER_KEY`.
    pub(crate) fn env_name(self) -> &'static str {
        KEY_NAMES[self as usize].1
    }
}

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// An environment variable (its name).
    Env(&'static str),
    /// A section of a config file.
    File {
        /// The file.
        path: PathBuf,
        /// The section name, without brackets.
        section: String,
    },
    /// An explicit builder call.
    Explicit,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::File { path, section } => write!(f, "{} [{section}]", path.display()),
            Origin::Explicit => f.write_str("an explicit builder call"),
        }
    }
}

/// One config file as read by [`process_sources`], or built by hand in tests.
pub(crate) struct ConfigFile {
    /// Where the file was read from (used in messages and [`Origin`]s).
    pub path: PathBuf,
    /// Whether it is the file of the current directory (`./ovh.conf`).
    pub local: bool,
    /// Its bytes, as read (decoded by the parser).
    pub contents: Vec<u8>,
}

impl fmt::Debug for ConfigFile {
    /// Shows the path and size only: the contents hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigFile")
            .field("path", &self.path)
            .field("bytes", &self.contents.len())
            .finish_non_exhaustive()
    }
}

/// The endpoint setting: its text as written, where it came from, and its parse.
#[derive(Clone)]
struct EndpointSetting {
    text: String,
    origin: Origin,
    parsed: Result<Endpoint, EndpointError>,
}

/// The outcome of [`resolve`]: the endpoint and every key, each with its [`Origin`], and
/// the files read (for error messages).
///
/// Values are looked up on demand from the non-empty `OVH_*` variables and the merged
/// files, so that [`with_endpoint`](Self::with_endpoint) can switch the section the
/// credentials are read from. `Debug` shows origins, never values.
#[derive(Clone)]
pub(crate) struct ResolvedConfig {
    endpoint: Option<EndpointSetting>,
    env: [Option<String>; 7],
    sections: Ini,
    files: Vec<PathBuf>,
    /// The files among `files` that are in the current directory (`./ovh.conf`).
    local: Vec<PathBuf>,
}

impl ResolvedConfig {
    /// Replaces the configured endpoint by an explicit one. Like python-ovh's
    /// `Client(endpoint=…)`, credentials are then read from that endpoint's section
    /// (its name, or its base URL for a custom endpoint).
    pub(crate) fn with_endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(EndpointSetting {
            text: endpoint.to_string(),
            origin: Origin::Explicit,
            parsed: Ok(endpoint),
        });
        self
    }

    /// The section credentials are read from: the endpoint text, if any endpoint is set.
    pub(crate) fn section(&self) -> Option<&str> {
        self.endpoint.as_ref().map(|e| e.text.as_str())
    }

    /// The raw value of `key` and where it came from; `None` if unset or empty.
    /// For [`Setting::Endpoint`], the endpoint text as written.
    pub(crate) fn get(&self, key: Setting) -> Option<(&str, Origin)> {
        match key {
            Setting::Endpoint => self
                .endpoint
                .as_ref()
                .map(|e| (e.text.as_str(), e.origin.clone())),
            _ => self
                .lookup(key, self.section())
                .map(|(value, origin, _)| (value, origin)),
        }
    }

    /// The environment variable of `key` if set, else its merged value in `section` (or
    /// inherited from `[DEFAULT]`), and whether that value was not valid UTF-8.
    fn lookup(&self, key: Setting, section: Option<&str>) -> Option<(&str, Origin, bool)> {
        if let Some(value) = &self.env[key as usize] {
            return Some((value, Origin::Env(key.env_name()), false));
        }
        let section = section?;
        let (entry, inherited) = self.sections.get(section, key.ini_name())?;
        (!entry.value.is_empty()).then(|| {
            let origin = Origin::File {
                path: entry.path.clone(),
                section: if inherited { ini::DEFAULTS } else { section }.to_owned(),
            };
            (entry.value.as_str(), origin, entry.not_utf8)
        })
    }

    /// Refuses the value of `key` if it cannot be used as given: bytes that are not
    /// UTF-8 (decoding them with replacement characters would silently change a
    /// secret) or, for a credential, a line break (from a continuation line).
    fn check_value(&self, key: Setting) -> Result<(), ConfigError> {
        let section = match key {
            Setting::Endpoint => Some(DEFAULT_SECTION),
            _ => self.section(),
        };
        let Some((value, origin, not_utf8)) = self.lookup(key, section) else {
            return Ok(());
        };
        let problem = if not_utf8 {
            ValueProblem::NotUtf8
        } else if key != Setting::Endpoint && value.contains(['\n', '\r']) {
            ValueProblem::MultiLine
        } else {
            return Ok(());
        };
        Err(ConfigError::InvalidValue {
            key: key.ini_name(),
            origin: origin.to_string(),
            problem,
        })
    }

    /// The configured endpoint, `Ok(None)` if there is none.
    ///
    /// # Errors
    /// [`ConfigError::InvalidEndpoint`] if the configured text does not parse.
    pub(crate) fn endpoint_opt(&self) -> Result<Option<&Endpoint>, ConfigError> {
        let Some(setting) = &self.endpoint else {
            return Ok(None);
        };
        if matches!(setting.origin, Origin::File { .. }) {
            self.check_value(Setting::Endpoint)?;
        }
        match &setting.parsed {
            Ok(endpoint) => Ok(Some(endpoint)),
            Err(err) => Err(ConfigError::InvalidEndpoint {
                origin: setting.origin.to_string(),
                source: err.clone(),
            }),
        }
    }

    /// The configured endpoint.
    ///
    /// # Errors
    /// [`ConfigError::MissingEndpoint`] if none is configured (there is no default
    /// region), [`ConfigError::InvalidEndpoint`] if it does not parse.
    pub(crate) fn endpoint(&self) -> Result<Endpoint, ConfigError> {
        self.endpoint_opt()?
            .cloned()
            .ok_or_else(|| ConfigError::MissingEndpoint {
                files: self.files.clone(),
            })
    }

    /// The credentials, choosing the method the way python-ovh and go-ovh do;
    /// `Ok(None)` when no credential key is set.
    ///
    /// * Application key and secret (and the consumer key, optional: without it only
    ///   [`request_consumer_key`](crate::OvhClient::request_consumer_key) and
    ///   unauthenticated calls work) → [`Credentials::new`].
    /// * `client_id` and `client_secret` → [`Credentials::oauth2`].
    /// * `access_token` → [`Credentials::access_token`].
    ///
    /// # Errors
    /// [`ConfigError::IncompleteCredentials`] for half a pair (a consumer key alone counts
    /// as half of the application pair), [`ConfigError::InvalidCredentials`] when keys of
    /// several methods are set.
    pub(crate) fn credentials_opt(&self) -> Result<Option<Credentials>, ConfigError> {
        let oauth2 = Setting::OAUTH2.map(|key| self.get(key));
        if oauth2[0].is_some() != oauth2[1].is_some() {
            return Err(self.incomplete(&Setting::OAUTH2, &Setting::OAUTH2));
        }
        let mut signing = Setting::SIGNING.map(|key| self.get(key));
        let no_pair = signing[..2].iter().all(Option::is_none);
        if no_pair && oauth2[0].is_some() {
            // python-ovh uses the service account and ignores a leftover consumer key.
            if let Some((_, origin)) = signing[2].take() {
                ignored_consumer_key(&origin);
            }
        }
        let pair = &signing[..2];
        if pair.iter().any(Option::is_some) != pair.iter().all(Option::is_some)
            || (no_pair && signing[2].is_some())
        {
            return Err(self.incomplete(&Setting::SIGNING[..2], &Setting::SIGNING));
        }
        let token = self.get(Setting::AccessToken);
        let methods: Vec<&'static str> = [
            (signing[0].is_some(), "application_key/application_secret"),
            (oauth2[0].is_some(), "client_id/client_secret"),
            (token.is_some(), "access_token"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
        if methods.len() > 1 {
            let problem = if token.is_none() {
                CredentialsProblem::ApplicationAndOAuth2
            } else {
                CredentialsProblem::MultipleMethods(methods)
            };
            let all = Setting::ALL.iter().skip(1).copied().collect::<Vec<_>>();
            return Err(ConfigError::InvalidCredentials {
                problem,
                found: self.found(&all),
            });
        }
        let used: &[Setting] = match (&signing[0], &oauth2[0], &token) {
            (Some(_), ..) if signing[2].is_some() => &Setting::SIGNING,
            (Some(_), ..) => &Setting::SIGNING[..2],
            (_, Some(_), _) => &Setting::OAUTH2,
            (.., Some(_)) => &[Setting::AccessToken],
            _ => &[],
        };
        for key in used {
            self.check_value(*key)?;
        }
        Ok(match (signing, oauth2, token) {
            ([Some((ak, _)), Some((secret, _)), ck], _, _) => {
                Some(Credentials::new(ak, secret, ck.map_or("", |(ck, _)| ck)))
            }
            (_, [Some((id, _)), Some((secret, _))], _) => Some(Credentials::oauth2(id, secret)),
            (_, _, Some((token, _))) => Some(Credentials::access_token(token)),
            _ => None,
        })
    }

    /// `key (origin)` for each of `keys` that is set. Never a value.
    fn found(&self, keys: &[Setting]) -> Vec<String> {
        keys.iter()
            .filter_map(|&key| {
                let (_, origin) = self.get(key)?;
                Some(format!("{} ({origin})", key.ini_name()))
            })
            .collect()
    }

    /// The error for a half pair: the unset keys of `required`, the set keys of `group`.
    fn incomplete(&self, required: &[Setting], group: &[Setting]) -> ConfigError {
        ConfigError::IncompleteCredentials {
            missing: required
                .iter()
                .filter(|key| self.get(**key).is_none())
                .map(|key| key.ini_name())
                .collect(),
            found: self.found(group),
            section: self.section().map(str::to_owned),
            files: self.files.clone(),
        }
    }

    /// The credentials.
    ///
    /// # Errors
    /// [`ConfigError::MissingCredentials`] when none is set, and the errors of
    /// [`credentials_opt`](Self::credentials_opt).
    pub(crate) fn credentials(&self) -> Result<Credentials, ConfigError> {
        self.credentials_opt()?
            .ok_or_else(|| ConfigError::MissingCredentials {
                section: self.section().map(str::to_owned),
                files: self.files.clone(),
            })
    }
}

/// Records that a consumer key was ignored next to OAuth2 keys (a tracing event with the
/// feature: where it came from, never its value).
#[cfg_attr(not(feature = "tracing"), allow(unused_variables))]
fn ignored_consumer_key(origin: &Origin) {
    #[cfg(feature = "tracing")]
    tracing::info!(
        target: "ovh_renew",
        origin = %origin,
        "consumer_key ignored: OAuth2 client_id/client_secret are configured"
    );
}

impl fmt::Debug for ResolvedConfig {
    /// Shows the endpoint and where each key came from, never a key's value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("ResolvedConfig");
        for key in Setting::ALL {
            let shown = self.get(key).map(|(value, origin)| match key {
                Setting::Endpoint => format!("{value:?} from {origin}"),
                _ => format!("set from {origin}"),
            });
            d.field(key.ini_name(), &shown);
        }
        d.field("files", &self.files).finish()
    }
}

/// Resolves the configuration from environment variables (`env`, only the `OVH_*` names
/// are looked at) and config files (`files`, in increasing priority). Pure: no I/O.
///
/// A missing or invalid endpoint or credential is reported later, by the accessors of
/// [`ResolvedConfig`], so that explicit builder settings can take their place.
///
/// # Errors
/// [`ConfigError::Syntax`] if a file is not valid INI.
pub(crate) fn resolve(
    env: &HashMap<String, String>,
    files: &[ConfigFile],
) -> Result<ResolvedConfig, ConfigError> {
    let mut sections = Ini::default();
    for file in files {
        sections.parse(file)?;
    }
    let mut config = ResolvedConfig {
        endpoint: None,
        env: Setting::ALL.map(|key| {
            let value = env.get(key.env_name())?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        }),
        sections,
        files: files.iter().map(|file| file.path.clone()).collect(),
        local: files
            .iter()
            .filter(|file| file.local)
            .map(|file| file.path.clone())
            .collect(),
    };
    let endpoint =
        config
            .lookup(Setting::Endpoint, Some(DEFAULT_SECTION))
            .map(|(text, origin, _)| EndpointSetting {
                parsed: text.parse(),
                text: text.to_owned(),
                origin,
            });
    config.endpoint = endpoint;
    Ok(config)
}
