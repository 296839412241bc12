//! OAuth2 client credentials: the bearer token of a service account, fetched from the
//! token URL, cached by the client and its clones, refreshed before it expires.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};
use serde::Deserialize;

use crate::credentials::Secret;
use crate::error::{Error, OAuth2Error};

/// A token is refreshed when it has less than this left.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(10);

/// The only grant and scope OVH's token endpoint takes for service accounts.
const TOKEN_REQUEST: &str = "grant_type=client_credentials&scope=all";

/// The monotonic clock of the cache; replaced in tests to move time without sleeping.
pub(crate) type Now = Arc<dyn Fn() -> Instant + Send + Sync>;

/// The system's monotonic clock.
pub(crate) fn system_now() -> Now {
    Arc::new(Instant::now)
}

/// A bearer token and its generation (to tell apart the token a refused call used from
/// one another caller already fetched).
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) token: Secret,
    pub(crate) generation: u64,
}

struct Cached {
    bearer: Bearer,
    /// `None` when the server gave no `expires_in`: used until a 401.
    refresh_at: Option<Instant>,
}

/// The token cache of one client (shared by its clones through the client's `Arc`).
///
/// The lock is held while a token is fetched, so concurrent callers that find no fresh
/// token wait for that one fetch and use its result: one request in flight.
pub(crate) struct TokenCache {
    token_url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    now: Now,
    state: tokio::sync::Mutex<(Option<Cached>, u64)>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// What the transport needs to send the token request like any other request.
pub(crate) struct HttpSettings<'a> {
    pub(crate) http: &'a reqwest::Client,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: &'a HeaderValue,
}

impl TokenCache {
    pub(crate) fn new(
        token_url: reqwest::Url,
        client_id: String,
        client_secret: Secret,
        now: Now,
    ) -> TokenCache {
        TokenCache {
            token_url,
            client_id,
            client_secret,
            now,
            state: tokio::sync::Mutex::new((None, 0)),
        }
    }

    pub(crate) fn token_url(&self) -> &str {
        self.token_url.as_str()
    }

    /// A token that is not within [`REFRESH_MARGIN`] of its expiry, fetching one if
    /// needed. A token just fetched is used even if the server gave it a shorter life.
    pub(crate) async fn bearer(&self, http: &HttpSettings<'_>) -> Result<Bearer, Error> {
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.0 {
            if cached.refresh_at.is_none_or(|at| (self.now)() < at) {
                return Ok(cached.bearer.clone());
            }
        }
        let (token, expires_in) = self.fetch(http).await?;
        crate::trace::token_fetched(expires_in);
        let fetched_at = (self.now)();
        state.1 += 1;
        let bearer = Bearer {
            token,
            generation: state.1,
        };
        state.0 = Some(Cached {
            bearer: bearer.clone(),
            refresh_at: expires_in
                .map(|secs| fetched_at + Duration::from_secs(secs).saturating_sub(REFRESH_MARGIN)),
        });
        Ok(bearer)
    }

    /// Forgets the token of `generation` (the server refused it), unless another caller
    /// already replaced it; the next [`bearer`](Self::bearer) fetches a new one.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .0
            .as_ref()
            .is_some_and(|c| c.bearer.generation == generation)
        {
            state.0 = None;
        }
    }

    /// `POST token_url` with `grant_type=client_credentials&scope=all` and HTTP Basic
    /// client authentication. Returns the token and its `expires_in` (seconds).
    async fn fetch(&self, http: &HttpSettings<'_>) -> Result<(Secret, Option<u64>), Error> {
        let failure =
            |status: Option<u16>, error: Option<String>, description: Option<String>| OAuth2Error {
                token_url: self.token_url.to_string(),
                status,
                error: error.map(|e| self.scrub(e)),
                description: description.map(|d| self.scrub(d)),
                source: None,
            };
        let sent = http
            .http
            .post(self.token_url.clone())
            .timeout(http.timeout)
            .header(USER_AGENT, http.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded"),
            )
            .basic_auth(&self.client_id, Some(self.client_secret.expose()))
            .body(TOKEN_REQUEST)
            .send()
            .await;
        let outcome = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                response.bytes().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let (status, body) = outcome.map_err(|e| OAuth2Error {
            source: Some(Box::new(e.without_url())),
            ..failure(None, None, None)
        })?;
        let answer: TokenAnswer = serde_json::from_slice(&body).unwrap_or_default();
        if !(200..300).contains(&status) {
            let error = answer.error.or(answer.class);
            let description = answer
                .error_description
                .or(answer.message)
                .or_else(|| (error.is_none()).then(|| snippet(&body)))
                .filter(|d| !d.is_empty());
            return Err(failure(Some(status), error, description).into());
        }
        match answer.access_token.filter(|t| !t.trim().is_empty()) {
            Some(token) => Ok((
                Secret::new(token.trim()),
                answer.expires_in.and_then(ExpiresIn::seconds),
            )),
            None => Err(failure(
                Some(status),
                None,
                Some("Missing access token parameter in the token answer".into()),
            )
            .into()),
        }
    }

    /// Removes the client secret from server text, should a server ever echo it.
    fn scrub(&self, text: String) -> String {
        let secret = self.client_secret.expose();
        if secret.is_empty() || !text.contains(secret) {
            text
        } else {
            text.replace(secret, "<redacted>")
        }
    }
}

/// A token answer, or an OAuth2 / OVH error answer. Unknown fields are ignored.
#[derive(Default, Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<ExpiresIn>,
    error: Option<String>,
    error_description: Option<String>,
    class: Option<String>,
    message: Option<String>,
}

/// `expires_in` as a number, or as a numeric string as some servers send it.
#[derive(Deserialize)]
#[serde(untagged)]
enum ExpiresIn {
    Number(f64),
    Text(String),
}

impl ExpiresIn {
    fn seconds(self) -> Option<u64> {
        let secs = match self {
            ExpiresIn::Number(n) => n,
            ExpiresIn::Text(t) => t.trim().parse().ok()?,
        };
        (secs.is_finite() && secs >= 0.0).then(|| secs.min(u64::MAX as f64) as u64)
    }
}

/// A short, printable excerpt of a non-JSON body (an HTML error page).
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + " …";
    }
    out.retain(|c| !c.is_control());
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use wiremock::matchers::{body_string, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;

    const SECRET: &str = "cs-s3cr3t-unit";

    /// A clock the test moves by hand.
    fn manual_clock() -> (Now, Arc<Mutex<Instant>>) {
        let at = Arc::new(Mutex::new(Instant::now()));
        let read = at.clone();
        (Arc::new(move || *read.lock().unwrap()), at)
    }

    fn token(value: &str, expires_in: u64) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": value, "token_type": "Bearer", "expires_in": expires_in, "scope": "all"
        }))
    }

    async fn cache(server: &MockServer, now: Now) -> TokenCache {
        let url = format!("{}/auth/oauth2/token", server.uri())
            .parse()
            .unwrap();
        TokenCache::new(url, "cid".into(), Secret::new(SECRET), now)
    }

    fn settings<'a>(http: &'a reqwest::Client, ua: &'a HeaderValue) -> HttpSettings<'a> {
        HttpSettings {
            http,
            timeout: Duration::from_secs(5),
            user_agent: ua,
        }
    }

    #[tokio::test]
    async fn refreshes_ten_seconds_before_expiry_with_an_injected_clock() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/auth/oauth2/token"))
            .and(body_string(TOKEN_REQUEST))
            .and(header("accept", "application/json"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            // Basic base64("cid:cs-s3cr3t-unit")
            .and(header("authorization", "Basic Y2lkOmNzLXMzY3IzdC11bml0"))
            .respond_with(token("first", 11))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/auth/oauth2/token"))
            .respond_with(token("second", 3600))
            .expect(1)
            .mount(&server)
            .await;
        let (now, at) = manual_clock();
        let cache = cache(&server, now).await;
        let (http, ua) = (reqwest::Client::new(), HeaderValue::from_static("test"));
        let s = settings(&http, &ua);

        let b = cache.bearer(&s).await.unwrap();
        assert_eq!((b.token.expose(), b.generation), ("first", 1));
        // 0.9 s later: 10.1 s left, more than the margin: cached.
        *at.lock().unwrap() += Duration::from_millis(900);
        assert_eq!(cache.bearer(&s).await.unwrap().token.expose(), "first");
        // 1 s after the fetch: 10 s left, within the margin: refreshed.
        *at.lock().unwrap() += Duration::from_millis(100);
        let b = cache.bearer(&s).await.unwrap();
        assert_eq!((b.token.expose(), b.generation), ("second", 2));
        *at.lock().unwrap() += Duration::from_secs(3000);
        assert_eq!(cache.bearer(&s).await.unwrap().token.expose(), "second");
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_refresh_after_expiry() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(token("old", 60))
            .up_to_n_times(1)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(token("new", 60).set_delay(Duration::from_millis(100)))
            .expect(1)
            .mount(&server)
            .await;
        let (now, at) = manual_clock();
        let cache = Arc::new(cache(&server, now).await);
        let (http, ua) = (reqwest::Client::new(), HeaderValue::from_static("test"));
        let s = settings(&http, &ua);
        assert_eq!(cache.bearer(&s).await.unwrap().token.expose(), "old");
        *at.lock().unwrap() += Duration::from_secs(55);
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, http, ua) = (cache.clone(), http.clone(), ua.clone());
                tokio::spawn(async move { cache.bearer(&settings(&http, &ua)).await.unwrap() })
            })
            .collect();
        for t in tasks {
            let b = t.await.unwrap();
            assert_eq!((b.token.expose(), b.generation), ("new", 2));
        }
    }

    #[tokio::test]
    async fn invalidate_forgets_only_the_refused_generation() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(token("t", 3600))
            .expect(2)
            .mount(&server)
            .await;
        let cache = cache(&server, system_now()).await;
        let (http, ua) = (reqwest::Client::new(), HeaderValue::from_static("test"));
        let s = settings(&http, &ua);
        let first = cache.bearer(&s).await.unwrap();
        cache.invalidate(first.generation).await;
        let second = cache.bearer(&s).await.unwrap();
        assert_eq!(second.generation, 2);
        // A late 401 for the first token does not throw away the second.
        cache.invalidate(first.generation).await;
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 2);
    }

    #[test]
    fn expires_in_is_read_tolerantly() {
        let read = |json: &str| {
            serde_json::from_str::<TokenAnswer>(json)
                .unwrap()
                .expires_in
                .and_then(ExpiresIn::seconds)
        };
        assert_eq!(read(r#"{"expires_in":3599}"#), Some(3599));
        assert_eq!(read(r#"{"expires_in":"60"}"#), Some(60));
        assert_eq!(read(r#"{"expires_in":12.5}"#), Some(12));
        assert_eq!(read(r#"{"expires_in":-1}"#), None);
        assert_eq!(read(r#"{}"#), None);
    }
}
