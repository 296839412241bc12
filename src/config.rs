//! Configuration resolution: the `OVH_*` environment variables and the `ovh.conf` INI
//! files, combined the way python-ovh and go-ovh combine them, so existing setups keep
//! working unchanged.
//!
//! # Sources and precedence
//!
//! * Files, in increasing priority: `/etc/ovh.conf`, `~/.ovh.conf` (from `$HOME`, skipped
//!   when it is unset), `./ovh.conf`. Missing files are skipped. The files are merged key
//!   by key: a key in `./ovh.conf` overrides the same key of the same section in
//!   `/etc/ovh.conf`, and leaves the other keys alone.
//! * Environment variables, which win over every file: `OVH_` + the upper-case key name
//!   (`OVH_ENDPOINT`, `OVH_APPLICATION_KEY`, …). They apply whatever the section. An empty
//!   (or blank) variable counts as unset, as in go-ovh (python-ovh would take the empty
//!   string).
//! * Explicit builder calls win over both (see [`ResolvedConfig::with_endpoint`]).
//!
//! The endpoint comes from `OVH_ENDPOINT`, else `endpoint` in the `[default]` section. It
//! may be a name (`ovh-eu`) or a base URL. There is no default region. The other keys
//! come from the section named after the endpoint text as written (`[ovh-eu]`,
//! `[https://api.example.com/1.0]`).
//!
//! # INI format
//!
//! `[section]` headers (case-sensitive names), `key = value`, `key=value` or `key: value`
//! (split at the first `=` or `:`), blank lines, and whole-line comments starting with `;`
//! or `#`. Keys are case-insensitive; keys and values are trimmed. There are no inline
//! comments, quotes or multi-line values: everything after the separator is the value. A
//! later duplicate key or section adds to or overrides the earlier one. An empty value
//! overrides lower-priority files and then counts as unset, as in both upstream clients.
//! A key line before any section header, an unclosed `[section`, an empty `[]` or a line
//! with no separator is an error naming the file and the line. The offending text is
//! never echoed because it may be a secret.

use std::collections::HashMap;
use std::fmt;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::credentials::Credentials;
use crate::endpoint::{ENDPOINT_NAMES, Endpoint, EndpointError};

/// How the standard file chain is described in error messages (highest priority first).
const SEARCH_PATHS: &str = "./ovh.conf, ~/.ovh.conf or /etc/ovh.conf";

/// The section that holds `endpoint`.
const DEFAULT_SECTION: &str = "default";

/// Config files larger than this are refused, so that a misplaced link to a device or a
/// huge file cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 1 << 20;

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
    const SIGNING: [Setting; 3] = [
        Setting::ApplicationKey,
        Setting::ApplicationSecret,
        Setting::ConsumerKey,
    ];

    /// The keys of the OAuth2 method: client id and client secret.
    const OAUTH2: [Setting; 2] = [Setting::ClientId, Setting::ClientSecret];

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
    /// Its text (decoded lossily by the I/O layer).
    pub contents: String,
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

/// A merged INI value and the file it came from.
#[derive(Clone)]
struct Entry {
    value: String,
    path: PathBuf,
}

/// Merged INI data: section name → lower-case key → entry.
type Sections = HashMap<String, HashMap<String, Entry>>;

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
    sections: Sections,
    files: Vec<PathBuf>,
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
            _ => self.lookup(key, self.section()),
        }
    }

    /// The environment variable of `key` if set, else its merged value in `section`.
    fn lookup(&self, key: Setting, section: Option<&str>) -> Option<(&str, Origin)> {
        if let Some(value) = &self.env[key as usize] {
            return Some((value, Origin::Env(key.env_name())));
        }
        let section = section?;
        let entry = self.sections.get(section)?.get(key.ini_name())?;
        (!entry.value.is_empty()).then(|| {
            let origin = Origin::File {
                path: entry.path.clone(),
                section: section.to_owned(),
            };
            (entry.value.as_str(), origin)
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
        let signing = Setting::SIGNING.map(|key| self.get(key));
        let pair = &signing[..2];
        if pair.iter().any(Option::is_some) != pair.iter().all(Option::is_some)
            || (pair.iter().all(Option::is_none) && signing[2].is_some())
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
    let mut sections = Sections::new();
    for file in files {
        parse_ini(file, &mut sections)?;
    }
    let mut config = ResolvedConfig {
        endpoint: None,
        env: Setting::ALL.map(|key| {
            let value = env.get(key.env_name())?.trim();
            (!value.is_empty()).then(|| value.to_owned())
        }),
        sections,
        files: files.iter().map(|file| file.path.clone()).collect(),
    };
    let endpoint = config
        .lookup(Setting::Endpoint, Some(DEFAULT_SECTION))
        .map(|(text, origin)| EndpointSetting {
            parsed: text.parse(),
            text: text.to_owned(),
            origin,
        });
    config.endpoint = endpoint;
    Ok(config)
}

/// Parses one INI file and merges its keys into `sections` (later files override).
fn parse_ini(file: &ConfigFile, sections: &mut Sections) -> Result<(), ConfigError> {
    let text = file
        .contents
        .strip_prefix('\u{feff}')
        .unwrap_or(&file.contents);
    let mut current: Option<&str> = None;
    for (index, line) in text.lines().enumerate() {
        let error = |problem: &str| ConfigError::Syntax {
            path: file.path.clone(),
            line: index + 1,
            problem: problem.to_owned(),
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with([';', '#']) {
            continue;
        }
        if let Some(header) = line.strip_prefix('[') {
            let Some(end) = header.rfind(']') else {
                return Err(error("unclosed section header: missing `]`"));
            };
            let name = header[..end].trim();
            if name.is_empty() {
                return Err(error("empty section name `[]`"));
            }
            current = Some(name);
            continue;
        }
        let Some(section) = current else {
            return Err(error(
                "`key = value` line before any `[section]` header (add e.g. `[default]` or `[ovh-eu]` above it)",
            ));
        };
        let Some(at) = line.find(['=', ':']) else {
            return Err(error(
                "expected `key = value`, `key: value`, a `[section]` header or a `;`/`#` comment",
            ));
        };
        let key = line[..at].trim().to_lowercase();
        if key.is_empty() {
            return Err(error("missing key name before the `=` or `:`"));
        }
        let entry = Entry {
            value: line[at + 1..].trim().to_owned(),
            path: file.path.clone(),
        };
        sections
            .entry(section.to_owned())
            .or_default()
            .insert(key, entry);
    }
    Ok(())
}

/// Reads the process sources: the `OVH_*` environment variables (names and values decoded
/// lossily) and the existing files among `/etc/ovh.conf`, `$HOME/.ovh.conf` and
/// `./ovh.conf`, in increasing priority. Feed the result to [`resolve`].
///
/// # Errors
/// [`ConfigError::Read`] if a file exists but cannot be read or exceeds 1 MiB.
pub(crate) fn process_sources() -> Result<(HashMap<String, String>, Vec<ConfigFile>), ConfigError> {
    let env = std::env::vars_os()
        .map(|(name, value)| (name.to_string_lossy().into_owned(), value))
        .filter(|(name, _)| name.starts_with("OVH_"))
        .map(|(name, value)| (name, value.to_string_lossy().into_owned()))
        .collect();
    let home = std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(|home| PathBuf::from(home).join(".ovh.conf"));
    let candidates = [
        Some(PathBuf::from("/etc/ovh.conf")),
        home,
        Some("./ovh.conf".into()),
    ];
    let mut files = Vec::new();
    for path in candidates.into_iter().flatten() {
        if let Some(contents) = read_config_file(&path)? {
            files.push(ConfigFile { path, contents });
        }
    }
    Ok((env, files))
}

/// Reads a config file as lossy UTF-8; `Ok(None)` if it does not exist.
fn read_config_file(path: &Path) -> Result<Option<String>, ConfigError> {
    let error = |reason: String| ConfigError::Read {
        path: path.to_owned(),
        reason,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) if matches!(err.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(err) => return Err(error(err.to_string())),
    };
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| error(err.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(error(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

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
    #[error("invalid OVH endpoint in {origin}: {source}")]
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
    /// A config file exists but cannot be read.
    #[error("cannot read OVH config file {}: {reason}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error, as text.
        reason: String,
    },
}

/// A broken credentials rule (python-ovh's `InvalidConfiguration` messages, verbatim
/// where python-ovh has one).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialsProblem {
    /// A client id without its secret, or the reverse.
    #[error("Invalid OAuth2 config, both client_id and client_secret must be given")]
    OAuth2HalfPair,
    /// An application key without its secret, or the reverse.
    #[error(
        "Invalid authentication config, both application_key and application_secret must be given"
    )]
    ApplicationHalfPair,
    /// Application keys and OAuth2 keys at once.
    #[error("Can't use both application_key/application_secret and OAuth2 client_id/client_secret")]
    ApplicationAndOAuth2,
    /// An access token and another method at once (go-ovh's message).
    #[error("Can't use multiple authentication methods: {}", .0.join(", "))]
    MultipleMethods(Vec<&'static str>),
    /// An empty access token.
    #[error("Invalid access token config, access_token must not be empty")]
    EmptyAccessToken,
    /// OAuth2 on an endpoint that does not offer it (kimsufi, soyoustart).
    #[error(
        "OAuth2 authentication is not compatible with endpoint {0} (it can only be used with ovh-eu, ovh-ca and ovh-us)"
    )]
    OAuth2Endpoint(String),
    /// OAuth2 on a custom endpoint, with no token URL given.
    #[error(
        "OAuth2 authentication is not compatible with endpoint {0} (it can only be used with ovh-eu, ovh-ca and ovh-us), unless you give its token URL with OvhClientBuilder::oauth2_token_url"
    )]
    OAuth2TokenUrlRequired(String),
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    /// Every secret value in these tests contains this marker; application keys do not.
    const MARK: &str = "s3cr3t";

    const ETC: &str = "/etc/ovh.conf";
    const HOME: &str = "/home/u/.ovh.conf";
    const LOCAL: &str = "./ovh.conf";

    const FULL_EU: &str = "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=file-ak\n\
        application_secret=file-as-s3cr3t\nconsumer_key=file-ck-s3cr3t\n";

    type Pairs = &'static [(&'static str, &'static str)];

    /// Ok: (endpoint base URL, [AK, AS, CK], origin of CK); Err: substrings of the error
    /// and its sources.
    type Expect = Result<(&'static str, [&'static str; 3], &'static str), &'static [&'static str]>;

    struct Case {
        name: &'static str,
        env: Pairs,
        files: Pairs,
        expect: Expect,
    }

    fn sources(env: Pairs, files: Pairs) -> (HashMap<String, String>, Vec<ConfigFile>) {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        let files = files.iter().map(|(path, contents)| ConfigFile {
            path: path.into(),
            contents: contents.to_string(),
        });
        (env.collect(), files.collect())
    }

    fn run(
        env: Pairs,
        files: Pairs,
    ) -> Result<(Endpoint, Credentials, ResolvedConfig), ConfigError> {
        let (env, files) = sources(env, files);
        let config = resolve(&env, &files)?;
        Ok((config.endpoint()?, config.credentials()?, config))
    }

    /// The error's Display and every source's, joined; asserts no secret is in it or in
    /// the Debug output.
    fn checked_message(err: &ConfigError) -> String {
        let mut text = err.to_string();
        let mut source = err.source();
        while let Some(s) = source {
            text = format!("{text}: {s}");
            source = s.source();
        }
        let debug = format!("{err:?}");
        assert!(
            !text.contains(MARK) && !debug.contains(MARK),
            "{text}\n{debug}"
        );
        text
    }

    const CASES: &[Case] = &[
        Case {
            name: "env only",
            env: &[
                ("OVH_ENDPOINT", "ovh-eu"),
                ("OVH_APPLICATION_KEY", "env-ak"),
                ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
                ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
            ],
            files: &[],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["env-ak", "env-as-s3cr3t", "env-ck-s3cr3t"],
                "env OVH_CONSUMER_KEY",
            )),
        },
        Case {
            name: "files only: [default] endpoint and the [ovh-eu] keys",
            env: &[],
            files: &[(LOCAL, FULL_EU)],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["file-ak", "file-as-s3cr3t", "file-ck-s3cr3t"],
                "./ovh.conf [ovh-eu]",
            )),
        },
        Case {
            name: "files merge key by key, later files win",
            env: &[],
            files: &[
                (
                    ETC,
                    "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=system\n\
                     application_secret=system-s3cr3t\nconsumer_key=system-s3cr3t\n",
                ),
                (
                    HOME,
                    "[ovh-eu]\napplication_secret=user-s3cr3t\nconsumer_key=user-s3cr3t\n",
                ),
                (LOCAL, "[ovh-eu]\nconsumer_key=local-s3cr3t\n"),
            ],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["system", "user-s3cr3t", "local-s3cr3t"],
                "./ovh.conf [ovh-eu]",
            )),
        },
        Case {
            name: "env wins over files",
            env: &[("OVH_CONSUMER_KEY", "env-ck-s3cr3t")],
            files: &[(LOCAL, FULL_EU)],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["file-ak", "file-as-s3cr3t", "env-ck-s3cr3t"],
                "env OVH_CONSUMER_KEY",
            )),
        },
        Case {
            name: "env endpoint as URL reads the URL-named section",
            env: &[("OVH_ENDPOINT", "https://api.example.com/1.0")],
            files: &[(
                HOME,
                "[default]\nendpoint=ovh-ca\n[https://api.example.com/1.0]\n\
                 application_key=url-ak\napplication_secret=url-as-s3cr3t\n\
                 consumer_key=url-ck-s3cr3t\n",
            )],
            expect: Ok((
                "https://api.example.com/1.0",
                ["url-ak", "url-as-s3cr3t", "url-ck-s3cr3t"],
                "/home/u/.ovh.conf [https://api.example.com/1.0]",
            )),
        },
        Case {
            name: "env credentials apply whatever the section",
            env: &[
                ("OVH_APPLICATION_KEY", "env-ak"),
                ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
                ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
            ],
            files: &[(ETC, "[default]\nendpoint=kimsufi-ca\n")],
            expect: Ok((
                "https://ca.api.kimsufi.com/1.0",
                ["env-ak", "env-as-s3cr3t", "env-ck-s3cr3t"],
                "env OVH_CONSUMER_KEY",
            )),
        },
        Case {
            name: "comments, colon separator, spaces, upper-case keys, no inline comments",
            env: &[],
            files: &[(
                LOCAL,
                "; comment\n# another\n\n[default]\n  ENDPOINT : ovh-us  \n\n[ovh-us]\n\
                 \tApplication_Key = ak\napplication_secret: as-s3cr3t\n\
                 CONSUMER_KEY=ck-s3cr3t=:;x # kept\n  ; indented comment\n",
            )],
            expect: Ok((
                "https://api.us.ovhcloud.com/1.0",
                ["ak", "as-s3cr3t", "ck-s3cr3t=:;x # kept"],
                "./ovh.conf [ovh-us]",
            )),
        },
        Case {
            name: "empty env values are ignored",
            env: &[("OVH_ENDPOINT", ""), ("OVH_CONSUMER_KEY", " ")],
            files: &[(LOCAL, FULL_EU)],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["file-ak", "file-as-s3cr3t", "file-ck-s3cr3t"],
                "./ovh.conf [ovh-eu]",
            )),
        },
        Case {
            name: "byte order mark and CRLF line ends",
            env: &[],
            files: &[(
                LOCAL,
                "\u{feff}[default]\r\nendpoint=ovh-eu\r\n[ovh-eu]\r\napplication_key=ak\r\n\
                 application_secret=as-s3cr3t\r\nconsumer_key=ck-s3cr3t\r\n",
            )],
            expect: Ok((
                "https://eu.api.ovh.com/1.0",
                ["ak", "as-s3cr3t", "ck-s3cr3t"],
                "./ovh.conf [ovh-eu]",
            )),
        },
        Case {
            name: "nothing configured: error lists the endpoint names and places",
            env: &[],
            files: &[],
            expect: Err(&[
                "no OVH endpoint configured",
                "OVH_ENDPOINT",
                "[default]",
                "./ovh.conf, ~/.ovh.conf or /etc/ovh.conf",
                "none of them exists",
                "ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca",
            ]),
        },
        Case {
            name: "endpoint but no credentials: error says none found and where",
            env: &[("OVH_ENDPOINT", "ovh-eu")],
            files: &[(ETC, "[ovh-ca]\napplication_key=x\n")],
            expect: Err(&[
                "no OVH credentials found",
                "OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY",
                "application_key, application_secret, consumer_key in [ovh-eu] of ./ovh.conf",
                "read: /etc/ovh.conf",
            ]),
        },
        Case {
            name: "section of another endpoint is ignored",
            env: &[],
            files: &[(
                LOCAL,
                "[default]\nendpoint=ovh-eu\n[ovh-ca]\napplication_key=ca-ak\n\
                 application_secret=ca-as-s3cr3t\nconsumer_key=ca-ck-s3cr3t\n",
            )],
            expect: Err(&["no OVH credentials found", "[ovh-eu]"]),
        },
        Case {
            name: "empty value in a later file clears an earlier one",
            env: &[],
            files: &[(ETC, FULL_EU), (LOCAL, "[ovh-eu]\napplication_secret =\n")],
            expect: Err(&[
                "Invalid authentication config, both application_key and application_secret must be given",
                "missing application_secret (OVH_APPLICATION_SECRET)",
                "found application_key (/etc/ovh.conf [ovh-eu]), consumer_key (/etc/ovh.conf [ovh-eu])",
            ]),
        },
        Case {
            name: "bad endpoint name in env: error says where and lists valid names",
            env: &[("OVH_ENDPOINT", "ovh-mars")],
            files: &[],
            expect: Err(&[
                "invalid OVH endpoint in env OVH_ENDPOINT",
                "\"ovh-mars\"",
                "ovh-eu, ovh-ca",
                "soyoustart-ca",
            ]),
        },
        Case {
            name: "bad endpoint URL in file: error names file and section",
            env: &[],
            files: &[(LOCAL, "[default]\nendpoint = ftp://x/1.0\n")],
            expect: Err(&[
                "invalid OVH endpoint in ./ovh.conf [default]",
                "ftp://x/1.0",
            ]),
        },
        Case {
            name: "key before any section: error with path and line, not the value",
            env: &[],
            files: &[
                (ETC, FULL_EU),
                (HOME, "\n; c\napplication_secret=early-s3cr3t\n[ovh-eu]\n"),
            ],
            expect: Err(&["/home/u/.ovh.conf line 3", "before any `[section]` header"]),
        },
        Case {
            name: "unclosed section: error with path and line",
            env: &[],
            files: &[(LOCAL, "[default]\nendpoint=ovh-eu\n[ovh-eu\n")],
            expect: Err(&["./ovh.conf line 3", "unclosed section"]),
        },
        Case {
            name: "line without separator: error with line, not the text",
            env: &[],
            files: &[(LOCAL, "[ovh-eu]\npasted-s3cr3t\n")],
            expect: Err(&["./ovh.conf line 2", "expected `key = value`"]),
        },
        Case {
            name: "empty section name is an error",
            env: &[],
            files: &[(LOCAL, "[ ]\n")],
            expect: Err(&["./ovh.conf line 1", "empty section name"]),
        },
        Case {
            name: "empty key is an error",
            env: &[],
            files: &[(LOCAL, "[ovh-eu]\n = value-s3cr3t\n")],
            expect: Err(&["./ovh.conf line 2", "missing key name"]),
        },
    ];

    #[test]
    fn resolution_table() {
        for case in CASES {
            let name = case.name;
            match (run(case.env, case.files), &case.expect) {
                (Ok((endpoint, credentials, config)), Ok((base, [ak, secret, ck], ck_from))) => {
                    assert_eq!(endpoint.base_url().as_str(), *base, "{name}");
                    assert_eq!(credentials, Credentials::new(*ak, *secret, *ck), "{name}");
                    let (_, origin) = config.get(Setting::ConsumerKey).expect(name);
                    assert_eq!(origin.to_string(), *ck_from, "{name}");
                    let debug = format!("{config:?}");
                    assert!(!debug.contains(MARK), "{name}: {debug}");
                }
                (Err(err), Err(parts)) => {
                    let message = checked_message(&err);
                    for part in *parts {
                        assert!(message.contains(part), "{name}: {part:?} not in {message}");
                    }
                }
                (got, _) => panic!("{name}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn every_partial_signing_set_names_the_missing_keys() {
        for mask in 1..8_usize {
            let mut env = HashMap::from([("OVH_ENDPOINT".to_owned(), "ovh-eu".to_owned())]);
            let mut ini = String::from("[ovh-eu]\n");
            let mut missing = Vec::new();
            for (i, key) in Setting::SIGNING.into_iter().enumerate() {
                let value = format!("{}-s3cr3t", key.ini_name());
                match (mask >> i & 1 == 1, i % 2 == 0) {
                    (false, _) if key != Setting::ConsumerKey => missing.push(key.ini_name()),
                    (false, _) => {}
                    (true, true) => drop(env.insert(key.env_name().to_owned(), value)),
                    (true, false) => ini.push_str(&format!("{}={value}\n", key.ini_name())),
                }
            }
            let files = [ConfigFile {
                path: LOCAL.into(),
                contents: ini,
            }];
            let config = resolve(&env, &files).unwrap();
            if missing.is_empty() {
                // Application key and secret: enough, the consumer key is optional.
                let credentials = config.credentials().unwrap();
                assert_eq!(credentials.has_consumer_key(), mask & 4 != 0, "{mask}");
                continue;
            }
            let err = config.credentials_opt().unwrap_err();
            let message = checked_message(&err);
            assert!(
                matches!(&err, ConfigError::IncompleteCredentials { missing: m, .. } if *m == missing),
                "{mask}: {err:?}"
            );
            assert!(
                message.starts_with(
                    "Invalid authentication config, both application_key and application_secret must be given"
                ),
                "{message}"
            );
            for key in &missing {
                let named = format!("{key} (OVH_{})", key.to_uppercase());
                assert!(message.contains(&named), "{mask}: {message}");
            }
            assert!(message.contains("[ovh-eu] of ./ovh.conf"), "{message}");
            assert_eq!(config.credentials().unwrap_err(), err);
        }
    }

    /// Which method the keys select, or python-ovh's refusal (substrings of the message).
    #[test]
    fn method_selection_follows_python_and_go() {
        type Outcome = Result<&'static str, &'static [&'static str]>;
        let cases: &[(&str, Pairs, &str, Outcome)] = &[
            (
                "signing keys with consumer key",
                &[],
                "application_key=ak\napplication_secret=as-s3cr3t\nconsumer_key=ck-s3cr3t\n",
                Ok("signing+ck"),
            ),
            (
                "signing keys without consumer key",
                &[],
                "application_key=ak\napplication_secret=as-s3cr3t\n",
                Ok("signing"),
            ),
            (
                "oauth2 from env",
                &[("OVH_CLIENT_ID", "cid"), ("OVH_CLIENT_SECRET", "cs-s3cr3t")],
                "",
                Ok("oauth2"),
            ),
            (
                "oauth2 from file",
                &[],
                "client_id=cid\nclient_secret=cs-s3cr3t\n",
                Ok("oauth2"),
            ),
            (
                "access token",
                &[("OVH_ACCESS_TOKEN", "at-s3cr3t")],
                "",
                Ok("token"),
            ),
            (
                "client id alone",
                &[("OVH_CLIENT_ID", "cid")],
                "",
                Err(&[
                    "Invalid OAuth2 config, both client_id and client_secret must be given",
                    "missing client_secret (OVH_CLIENT_SECRET)",
                    "found client_id (env OVH_CLIENT_ID)",
                ]),
            ),
            (
                "client secret alone",
                &[],
                "client_secret=cs-s3cr3t\n",
                Err(&[
                    "Invalid OAuth2 config, both client_id and client_secret must be given",
                    "missing client_id (OVH_CLIENT_ID)",
                ]),
            ),
            (
                "application key alone",
                &[],
                "application_key=ak\n",
                Err(&[
                    "Invalid authentication config, both application_key and application_secret must be given",
                ]),
            ),
            (
                "consumer key alone",
                &[("OVH_CONSUMER_KEY", "ck-s3cr3t")],
                "",
                Err(&[
                    "Invalid authentication config, both application_key and application_secret must be given",
                    "missing application_key (OVH_APPLICATION_KEY), application_secret (OVH_APPLICATION_SECRET)",
                ]),
            ),
            (
                "signing and oauth2",
                &[("OVH_CLIENT_ID", "cid"), ("OVH_CLIENT_SECRET", "cs-s3cr3t")],
                "application_key=ak\napplication_secret=as-s3cr3t\n",
                Err(&[
                    "Can't use both application_key/application_secret and OAuth2 client_id/client_secret",
                    "found application_key (./ovh.conf [ovh-eu]), application_secret (./ovh.conf [ovh-eu]), client_id (env OVH_CLIENT_ID)",
                ]),
            ),
            (
                "oauth2 and access token",
                &[("OVH_ACCESS_TOKEN", "at-s3cr3t")],
                "client_id=cid\nclient_secret=cs-s3cr3t\n",
                Err(&[
                    "Can't use multiple authentication methods: client_id/client_secret, access_token",
                    "access_token (env OVH_ACCESS_TOKEN)",
                ]),
            ),
            (
                "half oauth2 pair is reported before mixing",
                &[("OVH_CLIENT_ID", "cid")],
                "application_key=ak\napplication_secret=as-s3cr3t\n",
                Err(&["Invalid OAuth2 config"]),
            ),
        ];
        for (name, env, section, expect) in cases {
            let mut env_pairs = vec![("OVH_ENDPOINT".to_owned(), "ovh-eu".to_owned())];
            env_pairs.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
            let files = [ConfigFile {
                path: LOCAL.into(),
                contents: format!("[ovh-eu]\n{section}"),
            }];
            let config = resolve(&env_pairs.into_iter().collect(), &files).unwrap();
            match (config.credentials(), expect) {
                (Ok(c), Ok(kind)) => {
                    let got = match (c.application_key(), c.has_consumer_key(), c.client_id()) {
                        (Some(_), true, _) => "signing+ck",
                        (Some(_), false, _) => "signing",
                        (None, _, Some(_)) => "oauth2",
                        (None, _, None) => "token",
                    };
                    assert_eq!(got, *kind, "{name}");
                    assert!(!format!("{c:?}").contains(MARK), "{name}");
                }
                (Err(err), Err(parts)) => {
                    let message = checked_message(&err);
                    for part in *parts {
                        assert!(message.contains(part), "{name}: {part:?} not in {message}");
                    }
                }
                (got, _) => panic!("{name}: unexpected {got:?}"),
            }
        }
    }

    #[test]
    fn oauth2_keys_are_carried_with_their_origins() {
        let (env, files) = sources(
            &[("OVH_ENDPOINT", "ovh-eu"), ("OVH_CLIENT_ID", "cid")],
            &[(
                LOCAL,
                "[ovh-eu]\nclient_secret=cs-s3cr3t\naccess_token=at-s3cr3t\nclient_id=ignored\n",
            )],
        );
        let config = resolve(&env, &files).unwrap();
        assert_eq!(
            config.get(Setting::ClientId),
            Some(("cid", Origin::Env("OVH_CLIENT_ID")))
        );
        let file_origin = Origin::File {
            path: LOCAL.into(),
            section: "ovh-eu".into(),
        };
        for (key, value) in [
            (Setting::ClientSecret, "cs-s3cr3t"),
            (Setting::AccessToken, "at-s3cr3t"),
        ] {
            assert_eq!(config.get(key), Some((value, file_origin.clone())));
        }
        assert_eq!(config.endpoint_opt(), Ok(Some(&Endpoint::OvhEu)));
        let debug = format!("{config:?}");
        assert!(debug.contains("client_secret: Some(\"set from ./ovh.conf [ovh-eu]\")"));
        assert!(!debug.contains(MARK), "{debug}");
        // OAuth2 and an access token at once: refused.
        let err = config.credentials().unwrap_err();
        assert!(matches!(
            &err,
            ConfigError::InvalidCredentials {
                problem: CredentialsProblem::MultipleMethods(_),
                ..
            }
        ));
        checked_message(&err);
    }

    #[test]
    fn explicit_endpoint_wins_and_selects_its_section() {
        let (env, files) = sources(
            &[("OVH_ENDPOINT", "ovh-mars")],
            &[(
                LOCAL,
                "[ovh-ca]\napplication_key=ca-ak\napplication_secret=ca-as-s3cr3t\n\
                 consumer_key=ca-ck-s3cr3t\n",
            )],
        );
        let config = resolve(&env, &files).unwrap();
        assert!(matches!(
            config.endpoint_opt(),
            Err(ConfigError::InvalidEndpoint { .. })
        ));
        let config = config.with_endpoint(Endpoint::OvhCa);
        assert_eq!(config.endpoint(), Ok(Endpoint::OvhCa));
        assert_eq!(config.section(), Some("ovh-ca"));
        assert_eq!(config.files, [PathBuf::from(LOCAL)]);
        let expected = Credentials::new("ca-ak", "ca-as-s3cr3t", "ca-ck-s3cr3t");
        assert_eq!(config.credentials(), Ok(expected));
    }

    #[test]
    fn no_endpoint_means_env_credentials_only() {
        let (env, files) = sources(&[("OVH_APPLICATION_KEY", "ak")], &[(LOCAL, FULL_EU)]);
        let files = &files[..0];
        let config = resolve(&env, files).unwrap();
        assert_eq!(config.endpoint_opt(), Ok(None));
        let message = checked_message(&config.credentials().unwrap_err());
        assert!(
            message.contains("section named after the endpoint"),
            "{message}"
        );
    }

    #[test]
    fn arbitrary_input_never_panics() {
        let pieces = [
            "[",
            "]",
            "=",
            ":",
            ";",
            "#",
            "\n",
            "\r",
            " ",
            "\u{feff}",
            "é",
            "\u{fffd}",
            "a",
            "ovh-eu",
            "default",
            "endpoint",
            "[default]",
            "[ovh-eu]",
            "https://",
            "\0",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            let mut contents = String::new();
            for _ in 0..(state % 24) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                contents.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let files = [ConfigFile {
                path: LOCAL.into(),
                contents,
            }];
            if let Ok(config) = resolve(&HashMap::new(), &files) {
                let _ = (
                    config.endpoint(),
                    config.credentials(),
                    format!("{config:?}"),
                );
            }
        }
    }

    #[test]
    fn process_sources_does_not_panic() {
        if let Ok((env, files)) = process_sources() {
            assert!(env.keys().all(|name| name.starts_with("OVH_")));
            let _ = resolve(&env, &files);
        }
    }
}
