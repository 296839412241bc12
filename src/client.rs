//! [`OvhClient`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::config::{self, ResolvedConfig};
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::path::ApiPath;
use crate::retry::RetryPolicy;

/// Default timeout of one attempt (connect, send and read the whole answer): 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Default `User-Agent`: `ovh-renew/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("ovh-renew/", env!("CARGO_PKG_VERSION"));

/// A signed client of the OVH API v1.
///
/// Cheap to clone (`Arc` inside): clones share the connection pool and the server-time
/// delta, so the whole process needs one `GET /auth/time` per client. `Send + Sync`.
///
/// ```no_run
/// # async fn demo() -> Result<(), ovh_renew::Error> {
/// use ovh_renew::{Credentials, Endpoint, OvhClient};
/// let client = OvhClient::builder()
///     .endpoint(Endpoint::OvhEu)
///     .credentials(Credentials::new("app-key", "app-secret", "consumer-key"))
///     .build()?;
/// // Or, like python-ovh and go-ovh: OVH_* variables and ovh.conf files.
/// let from_env = OvhClient::from_env()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct OvhClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) endpoint: Endpoint,
    pub(crate) credentials: Credentials,
    pub(crate) clock: Clock,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: reqwest::header::HeaderValue,
}

impl fmt::Debug for OvhClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvhClient")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .field("time_delta", &self.inner.clock.cached())
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl OvhClient {
    /// Starts a builder with nothing configured.
    pub fn builder() -> OvhClientBuilder {
        OvhClientBuilder::default()
    }

    /// A client configured exactly like python-ovh and go-ovh: `OVH_ENDPOINT`,
    /// `OVH_APPLICATION_KEY`, `OVH_APPLICATION_SECRET`, `OVH_CONSUMER_KEY`, then the files
    /// `./ovh.conf` > `~/.ovh.conf` > `/etc/ovh.conf` (INI, `[default] endpoint=…`,
    /// credentials in the section named after the endpoint, merged key by key). The
    /// environment wins over the files.
    ///
    /// Fails, listing what it looked at, when no endpoint is configured (there is no
    /// silent default region) or a credential is missing.
    pub fn from_env() -> Result<OvhClient, Error> {
        OvhClientBuilder::from_env()?.build()
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// `server − local` clock difference in seconds, fetching it (`GET /auth/time`) if
    /// this client has not yet.
    pub async fn time_delta(&self) -> Result<i64, Error> {
        Ok(self.clock_delta().await?.0)
    }

    /// OVH's current time (Unix seconds), from an unauthenticated `GET /auth/time`.
    pub async fn server_time(&self) -> Result<i64, Error> {
        self.fetch_server_time().await
    }

    /// Any API call without a body, with the same signing, retries and errors as the
    /// typed methods; decodes the answer into `T` (use `()` for calls that answer `null`
    /// or nothing, `serde_json::Value` for anything).
    ///
    /// ```no_run
    /// # async fn demo(client: ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
    /// use ovh_renew::{ApiPath, Method};
    /// let bills: Vec<String> = client.call(Method::GET, &ApiPath::new("/me/bill")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &ApiPath,
    ) -> Result<T, Error> {
        let answer = self.execute(&method, path, None).await?;
        answer.decode(&method, path)
    }

    /// Any API call with a JSON body (serialized once, compact, signed and sent as is).
    pub async fn call_with_body<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &ApiPath,
        body: &B,
    ) -> Result<T, Error> {
        let body = serde_json::to_string(body)
            .map_err(|e| Error::InvalidRequest(format!("cannot serialize the body: {e}")))?;
        let answer = self.execute(&method, path, Some(body)).await?;
        answer.decode(&method, path)
    }
}

/// Builds an [`OvhClient`]. Never panics: every problem is an [`Error`] from
/// [`OvhClientBuilder::build`].
#[derive(Default)]
pub struct OvhClientBuilder {
    endpoint: Option<Endpoint>,
    credentials: Option<Credentials>,
    http: Option<reqwest::Client>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    config: Option<ResolvedConfig>,
}

impl fmt::Debug for OvhClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvhClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("from_env", &self.config.is_some())
            .finish_non_exhaustive()
    }
}

impl OvhClientBuilder {
    /// A builder preloaded from the environment and `ovh.conf` files (see
    /// [`OvhClient::from_env`]); explicit builder calls win over both. Missing values are
    /// only an error at [`build`](Self::build) time, and only if nothing else gives them.
    pub fn from_env() -> Result<OvhClientBuilder, Error> {
        let (env, files) = config::process_sources()?;
        let resolved = config::resolve(&env, &files)?;
        Ok(OvhClientBuilder {
            config: Some(resolved),
            ..OvhClientBuilder::default()
        })
    }

    /// The endpoint (`Endpoint::OvhEu`, or `"ovh-ca".parse()?`, or a custom URL).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// The credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Your own `reqwest::Client` (proxies, TLS settings, connection limits). Its pool is
    /// shared by every clone of the built client.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Timeout of one attempt, connect to last byte (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Retry policy for idempotent requests (default [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Turns automatic retries off.
    pub fn no_retries(self) -> Self {
        self.retry(RetryPolicy::none())
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<OvhClient, Error> {
        // Explicit calls win over the environment and files; an explicit endpoint also
        // picks the ovh.conf section the credentials come from.
        let config = match (self.config, &self.endpoint) {
            (Some(cfg), Some(e)) => Some(cfg.with_endpoint(e.clone())),
            (cfg, _) => cfg,
        };
        let endpoint = match (self.endpoint, &config) {
            (Some(e), _) => e,
            (None, Some(cfg)) => cfg.endpoint()?,
            (None, None) => {
                return Err(Error::InvalidRequest(format!(
                    "no endpoint given: call .endpoint(...) with one of {} or a base URL, or use OvhClientBuilder::from_env()",
                    crate::endpoint::ENDPOINT_NAMES.join(", ")
                )));
            }
        };
        let credentials = match (self.credentials, &config) {
            (Some(c), _) => c,
            (None, Some(cfg)) => cfg.credentials()?,
            (None, None) => {
                return Err(Error::InvalidRequest(
                    "no credentials given: call .credentials(Credentials::new(application_key, application_secret, consumer_key)), or use OvhClientBuilder::from_env()".into(),
                ));
            }
        };
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = reqwest::header::HeaderValue::from_str(user_agent)
            .map_err(|_| Error::InvalidRequest(format!("invalid user agent {user_agent:?}")))?;
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .build()
                .map_err(|e| Error::InvalidRequest(format!("cannot build the HTTP client: {e}")))?,
        };
        Ok(OvhClient {
            inner: Arc::new(Inner {
                http,
                endpoint,
                credentials,
                clock: Clock::default(),
                retry: self.retry.unwrap_or_default(),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                user_agent,
            }),
        })
    }
}
