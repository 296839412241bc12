//! [`OvhClient`] and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::clock::Clock;
use crate::config::{self, ConfigError, ResolvedConfig};
use crate::credentials::{Credentials, CredentialsProblem, Kind};
use crate::endpoint::Endpoint;
use crate::error::{Error, RequestProblem};
use crate::oauth2::{Now, TokenCache};
use crate::path::ApiPath;
use crate::raw::RawCall;
use crate::retry::RetryPolicy;
use crate::transport::{Auth, Request, Transport};

/// Default timeout of one attempt (connect, send and read the whole answer): 60 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Default `User-Agent`: `ovh-renew/<version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("ovh-renew/", env!("CARGO_PKG_VERSION"));

/// A client of the OVH API v1: signed requests, or OAuth2 bearer tokens.
///
/// Cheap to clone (`Arc` inside): clones share the connection pool, the server-time
/// delta (so the whole process needs one `GET /auth/time` per client) and the OAuth2
/// token (one token request for all of them). `Send + Sync`.
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
    /// The one pipeline; the client adds the API's calls on top of it.
    pub(crate) inner: Arc<Transport>,
}

impl fmt::Debug for OvhClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvhClient")
            .field("endpoint", &self.inner.endpoint)
            .field("credentials", &self.inner.credentials)
            .field(
                "oauth2_token_url",
                &match &self.inner.auth {
                    Auth::OAuth2(cache) => Some(cache.token_url()),
                    Auth::Signed { .. } | Auth::Bearer(_) => None,
                },
            )
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
    /// `OVH_APPLICATION_KEY`, `OVH_APPLICATION_SECRET`, `OVH_CONSUMER_KEY` (or
    /// `OVH_CLIENT_ID` and `OVH_CLIENT_SECRET` for OAuth2, or `OVH_ACCESS_TOKEN`), then
    /// the files `./ovh.conf` > `~/.ovh.conf` > `/etc/ovh.conf` (INI read with
    /// python-ovh's configparser rules, `[default] endpoint=…`, credentials in the
    /// section named after the endpoint or in `[DEFAULT]`, merged key by key; a path that
    /// is not a readable regular file is skipped, without blocking). The environment wins
    /// over the files.
    ///
    /// Fails, listing what it looked at, when no endpoint is configured (there is no
    /// silent default region), no credential is, half of a pair is, or several methods
    /// are (python-ovh's messages). An endpoint URL from `./ovh.conf` that is not one of
    /// OVH's is not used with credentials from elsewhere: see
    /// [`OvhClientBuilder::trust_local_endpoint`].
    pub fn from_env() -> Result<OvhClient, Error> {
        OvhClientBuilder::from_env()?.build()
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    /// The credentials this client uses (their `Debug` shows no secret, and they give
    /// none out).
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// `server − local` clock difference in seconds, fetching it (`GET /auth/time`) if
    /// this client has not yet.
    pub async fn time_delta(&self) -> Result<i64, Error> {
        Ok(self.inner.clock_delta().await?.0)
    }

    /// OVH's current time (Unix seconds), from an unauthenticated `GET /auth/time`.
    pub async fn server_time(&self) -> Result<i64, Error> {
        self.inner.fetch_server_time().await
    }

    /// Any API call without a body, with the same signing, retries and errors as the
    /// typed methods; decodes the answer into `T` (use `()` for calls that answer `null`
    /// or nothing, `serde_json::Value` for anything).
    ///
    /// ```no_run
    /// # async fn demo(client: ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
    /// use ovh_renew::{ApiPath, Method};
    /// let bills: Vec<String> = client.call(Method::Get, &ApiPath::new("/me/bill")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &ApiPath,
    ) -> Result<T, Error> {
        let answer = self.inner.send(Request::new(&method, path, None)).await?;
        answer.decode(&method, path)
    }

    /// A raw call of any route, to build before sending: extra headers
    /// ([`RawCall::header`], not signed; the client's own are refused), a body
    /// ([`RawCall::body`]), no authentication ([`RawCall::need_auth`]`(false)`), and the
    /// answer's headers ([`RawCall::send_with_headers`]). Same pipeline as
    /// [`call`](Self::call): signing, retries of GETs only, typed errors. See
    /// [`RawCall`].
    ///
    /// ```no_run
    /// # async fn demo(client: ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
    /// use ovh_renew::{ApiPath, Method};
    /// let time: i64 = client
    ///     .raw_call(Method::Get, &ApiPath::new("/auth/time"))
    ///     .need_auth(false)
    ///     .send()
    ///     .await?;
    /// # let _ = time; Ok(()) }
    /// ```
    pub fn raw_call<'a>(&'a self, method: Method, path: &'a ApiPath) -> RawCall<'a> {
        RawCall::new(&self.inner, method, path)
    }

    /// Any API call with a JSON body (serialized once, compact, signed and sent as is).
    pub async fn call_with_body<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &ApiPath,
        body: &B,
    ) -> Result<T, Error> {
        let body = serde_json::to_string(body).map_err(|e| {
            Error::refused(
                RequestProblem::Serialization,
                format!("cannot serialize the body: {e}"),
            )
        })?;
        let answer = self
            .inner
            .send(Request::new(&method, path, Some(body)))
            .await?;
        answer.decode(&method, path)
    }
}

/// Builds an [`OvhClient`]. Never panics: every problem is an [`Error`] from
/// [`OvhClientBuilder::build`].
#[derive(Default)]
pub struct OvhClientBuilder {
    endpoint: Option<Endpoint>,
    credentials: Option<Credentials>,
    http: Option<reqwest::ClientBuilder>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: Option<RetryPolicy>,
    config: Option<ResolvedConfig>,
    trust_local_endpoint: bool,
    oauth2_token_url: Option<String>,
    /// The OAuth2 cache's clock, replaced by unit tests.
    now: Option<Now>,
}

impl fmt::Debug for OvhClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OvhClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field(
                "oauth2_token_url",
                &self.oauth2_token_url.as_deref().map(crate::scrub::url),
            )
            .field("http_client_builder", &self.http.is_some())
            .field("from_env", &self.config.is_some())
            .field("trust_local_endpoint", &self.trust_local_endpoint)
            .finish_non_exhaustive()
    }
}

impl OvhClientBuilder {
    /// A builder preloaded from the environment and `ovh.conf` files (see
    /// [`OvhClient::from_env`]); explicit builder calls win over both. Missing values are
    /// only an error at [`build`](Self::build) time, and only if nothing else gives them.
    pub fn from_env() -> Result<OvhClientBuilder, Error> {
        let (env, files) = config::process_sources()?;
        Ok(OvhClientBuilder::from_resolved(config::resolve(
            &env, &files,
        )?))
    }

    /// A builder preloaded from an already resolved configuration (tests inject theirs).
    pub(crate) fn from_resolved(resolved: ResolvedConfig) -> OvhClientBuilder {
        OvhClientBuilder {
            config: Some(resolved),
            ..OvhClientBuilder::default()
        }
    }

    /// Whether an endpoint URL from the `ovh.conf` of the current directory may be used
    /// with credentials from another source (default `false`).
    ///
    /// A `./ovh.conf` may come with a cloned repository. When its endpoint is a URL that
    /// is not one of OVH's API base URLs (`https://eu.api.ovh.com/1.0`, …) and the
    /// credentials come from elsewhere (`OVH_*` variables, `~/.ovh.conf`,
    /// `/etc/ovh.conf`, or [`credentials`](Self::credentials)), [`build`](Self::build)
    /// refuses with [`ConfigError::UntrustedLocalEndpoint`], so that such a file cannot
    /// send your consumer key, a signature or a token to its own server. Named endpoints
    /// (`endpoint=ovh-eu`), OVH's own URLs, an endpoint from `OVH_ENDPOINT` or
    /// [`endpoint`](Self::endpoint), and credentials from that same file are never
    /// refused. Pass `true` only for a file you trust (a sandbox or proxy setup).
    pub fn trust_local_endpoint(mut self, trust: bool) -> Self {
        self.trust_local_endpoint = trust;
        self
    }

    /// The endpoint (`Endpoint::OvhEu`, or `"ovh-ca".parse()?`, or a custom URL).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    /// The credentials (they replace any from the environment and files as a whole).
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The OAuth2 token URL, for [`Credentials::oauth2`]: required with a custom
    /// endpoint, and overrides the region's URL (`ovh-eu`:
    /// `https://www.ovh.com/auth/oauth2/token`, see [`Endpoint::oauth2_token_url`]).
    /// Checked by [`build`](Self::build).
    pub fn oauth2_token_url(mut self, url: &str) -> Self {
        self.oauth2_token_url = Some(url.trim().to_owned());
        self
    }

    /// Replaces the OAuth2 cache's clock (unit tests move time without sleeping).
    #[cfg(test)]
    pub(crate) fn oauth2_clock(mut self, now: Now) -> Self {
        self.now = Some(now);
        self
    }

    /// Your own `reqwest::ClientBuilder` (proxies, TLS settings, connection limits,
    /// HTTP/2), from which [`build`](Self::build) builds the one `reqwest::Client` whose
    /// pool every clone of the built client shares.
    ///
    /// Before building, it applies the two policies the crate's money safety rests on,
    /// replacing whatever the builder says: `redirect(reqwest::redirect::Policy::none())`
    /// (no request is ever sent again to a `Location`: a 3xx is an
    /// [`Error::Redirect`](crate::Error::Redirect)) and `retry(reqwest::retry::never())`
    /// (reqwest does not replay a request refused by HTTP/2 `REFUSED_STREAM` or
    /// `GOAWAY`: a POST reaches the server at most once; the crate's own
    /// [`RetryPolicy`] resends GETs only). Everything else is yours.
    ///
    /// This is the one place where the public API names a dependency's type: the argument
    /// is a `reqwest::ClientBuilder` of **reqwest 0.13**, the version this crate depends
    /// on (a builder from another reqwest version is a different type and does not
    /// compile). Add `reqwest = "0.13"` to your own dependencies to build one, with the
    /// TLS feature you need. Nothing else of the crate exposes reqwest: methods are
    /// [`Method`](crate::Method), answers' headers are read through
    /// [`RawAnswer::header`](crate::RawAnswer::header) and errors carry their own kinds.
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
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
        if let (Some(cfg), false) = (&config, self.trust_local_endpoint) {
            cfg.check_local_endpoint(self.credentials.is_some())?;
        }
        let endpoint = match (self.endpoint, &config) {
            (Some(e), _) => e,
            (None, Some(cfg)) => cfg.endpoint()?,
            (None, None) => {
                return Err(ConfigError::NoEndpointGiven.into());
            }
        };
        let credentials = match (self.credentials, &config) {
            (Some(c), _) => c,
            (None, Some(cfg)) => cfg.credentials()?,
            (None, None) => {
                return Err(ConfigError::NoCredentialsGiven.into());
            }
        };
        let auth = auth(
            &credentials,
            &endpoint,
            self.oauth2_token_url.as_deref(),
            self.now.unwrap_or_else(crate::oauth2::system_now),
        )?;
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = reqwest::header::HeaderValue::from_str(user_agent).map_err(|_| {
            ConfigError::InvalidUserAgent {
                user_agent: user_agent.to_owned(),
            }
        })?;
        let http = http_client(self.http.unwrap_or_default())?;
        Ok(OvhClient {
            inner: Arc::new(Transport {
                http,
                endpoint,
                credentials,
                auth,
                clock: Clock::default(),
                retry: self.retry.unwrap_or_default(),
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                user_agent,
            }),
        })
    }
}

/// Builds the one `reqwest::Client` of an [`OvhClient`] (API calls, `/auth/time`,
/// consumer-key and OAuth2 token requests all go through it), with the policies no
/// caller's builder may change: no redirect is followed, and reqwest never replays a
/// request on its own (HTTP/2 `REFUSED_STREAM` / `GOAWAY`).
pub(crate) fn http_client(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, Error> {
    builder
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .build()
        .map_err(|e| {
            ConfigError::HttpClient {
                reason: e.to_string(),
            }
            .into()
        })
}

/// Refuses credentials that cannot work on `endpoint` (python-ovh's rules), and builds
/// the pipeline's authentication: for OAuth2 credentials, with its token cache.
fn auth(
    credentials: &Credentials,
    endpoint: &Endpoint,
    token_url: Option<&str>,
    now: Now,
) -> Result<Auth, Error> {
    let refuse = |problem: CredentialsProblem| {
        Error::Config(ConfigError::InvalidCredentials {
            problem,
            found: Vec::new(),
        })
    };
    if let Some(problem) = credentials.problem() {
        return Err(refuse(problem));
    }
    let (client_id, client_secret) = match &credentials.kind {
        Kind::AppKey {
            application_key,
            application_secret,
            consumer_key,
        } => {
            return Ok(Auth::Signed {
                application_key: application_key.clone(),
                application_secret: application_secret.clone(),
                consumer_key: consumer_key.clone(),
            });
        }
        Kind::AccessToken { token } => return Ok(Auth::Bearer(token.clone())),
        Kind::OAuth2 {
            client_id,
            client_secret,
        } => (client_id, client_secret),
    };
    let url = match (token_url, endpoint) {
        (Some(url), _) => url,
        (None, Endpoint::Custom(_)) => {
            return Err(refuse(CredentialsProblem::OAuth2TokenUrlRequired(
                endpoint.to_string(),
            )));
        }
        (None, named) => named
            .oauth2_token_url()
            .ok_or_else(|| refuse(CredentialsProblem::OAuth2Endpoint(named.to_string())))?,
    };
    if !matches!(endpoint, Endpoint::Custom(_)) && endpoint.oauth2_token_url().is_none() {
        // A token URL does not make kimsufi or soyoustart accept bearer tokens.
        return Err(refuse(CredentialsProblem::OAuth2Endpoint(
            endpoint.to_string(),
        )));
    }
    let parsed = reqwest::Url::parse(url).ok().filter(|u| {
        matches!(u.scheme(), "http" | "https")
            && u.host_str().is_some_and(|h| !h.is_empty())
            && u.username().is_empty()
            && u.password().is_none()
    });
    let Some(parsed) = parsed else {
        // The text is not echoed: it may hold credentials.
        return Err(ConfigError::InvalidTokenUrl {
            reason: "an https:// URL with a host and without user or password is required".into(),
        }
        .into());
    };
    if parsed.scheme() == "http" && !crate::endpoint::is_loopback(&parsed) {
        return Err(ConfigError::InvalidTokenUrl {
            reason: crate::endpoint::PLAIN_HTTP.into(),
        }
        .into());
    }
    Ok(Auth::OAuth2(Box::new(TokenCache::new(
        parsed,
        client_id.clone(),
        client_secret.clone(),
        now,
    ))))
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Instant;

    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    fn token(value: &str, expires_in: u64) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": value, "token_type": "Bearer", "expires_in": expires_in
        }))
    }

    /// Through the whole client: the token is reused while more than 10 s are left, then
    /// refreshed before OVH would refuse it. Time is moved by hand, never slept.
    #[tokio::test]
    async fn client_refreshes_the_token_before_expiry_with_an_injected_clock() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(token("tok-1", 11))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .respond_with(token("tok-2", 3600))
            .expect(1)
            .mount(&server)
            .await;
        for (tok, calls) in [("tok-1", 2), ("tok-2", 2)] {
            Mock::given(method("GET"))
                .and(path("/1.0/me"))
                .and(header("authorization", format!("Bearer {tok}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
                .expect(calls)
                .mount(&server)
                .await;
        }
        let at = Arc::new(Mutex::new(Instant::now()));
        let read = at.clone();
        let client = OvhClient::builder()
            .endpoint(format!("{}/1.0", server.uri()).parse().unwrap())
            .credentials(Credentials::oauth2("cid", "cs-s3cr3t"))
            .oauth2_token_url(&format!("{}/oauth2/token", server.uri()))
            .oauth2_clock(Arc::new(move || *read.lock().unwrap()))
            .build()
            .unwrap();
        let me = ApiPath::new("/me");
        let _: serde_json::Value = client.call(Method::Get, &me).await.unwrap();
        *at.lock().unwrap() += Duration::from_millis(999);
        let _: serde_json::Value = client.clone().call(Method::Get, &me).await.unwrap();
        *at.lock().unwrap() += Duration::from_millis(1);
        let _: serde_json::Value = client.call(Method::Get, &me).await.unwrap();
        *at.lock().unwrap() += Duration::from_secs(600);
        let _: serde_json::Value = client.call(Method::Get, &me).await.unwrap();
    }
}
