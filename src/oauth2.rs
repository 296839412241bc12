//! OAuth2 client credentials: the bearer token of a service account, fetched from the
//! token URL, cached by the client and its clones, refreshed before it expires.
//!
//! A token answer is untrusted input ([`read_answer`], pure): it is read with the same
//! size cap as API answers, its `expires_in` is clamped, and a token that cannot travel
//! in a header is refused. No answer panics.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue, USER_AGENT};

use crate::answer::read_body;
use crate::credentials::Secret;
use crate::error::{Error, OAuth2Error};
use crate::scrub::Secrets;

/// A token is refreshed when it has less than this left.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(10);

/// The longest life the cache gives a token (one day; OVH's last an hour): a larger
/// `expires_in` (up to 2^64 s, 1e308 s) is clamped to it.
pub(crate) const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

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
    /// `None` when the server gave no usable `expires_in`: used until a 401.
    refresh_at: Option<Instant>,
    /// The number of the fetch that got it (see `TokenCache::fetches`).
    fetch: u64,
}

/// What the lock guards: the token, the generation counter, and the failure of the last
/// fetch, which the callers that waited on that fetch get too.
#[derive(Default)]
struct State {
    cached: Option<Cached>,
    generation: u64,
    /// The number of the fetch that failed (see `TokenCache::fetches`), and its error.
    failure: Option<(u64, Error)>,
}

/// The token cache of one client (shared by its clones through the client's `Arc`).
///
/// The lock is held while a token is fetched, so concurrent callers that find no fresh
/// token wait for that one fetch and get its outcome: its token, or its error. One
/// request in flight, and N concurrent first calls cost one token request, success or
/// failure. A failure is not cached: a call that starts after it fetches again.
pub(crate) struct TokenCache {
    token_url: reqwest::Url,
    client_id: String,
    client_secret: Secret,
    now: Now,
    /// Fetches completed (success or failure), read before waiting on the lock.
    fetches: AtomicU64,
    state: tokio::sync::Mutex<State>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.token_url())
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
            fetches: AtomicU64::new(0),
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// The token URL as shown (`Debug`, errors): without user info nor query string,
    /// which may carry credentials.
    pub(crate) fn token_url(&self) -> String {
        crate::scrub::url(self.token_url.as_str())
    }

    /// A token that is not within [`REFRESH_MARGIN`] of its expiry, fetching one if
    /// needed. A caller that waited on a fetch gets that fetch's outcome: its token (used
    /// even if the server gave it a shorter life), or its error.
    pub(crate) async fn bearer(&self, http: &HttpSettings<'_>) -> Result<Bearer, Error> {
        let seen = self.fetches.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        if let Some(cached) = &state.cached {
            // Fresh, or fetched while this caller waited (used even if the server gave
            // it a shorter life, like by the caller that fetched it).
            if cached.fetch > seen || cached.refresh_at.is_none_or(|at| (self.now)() < at) {
                return Ok(cached.bearer.clone());
            }
        }
        if let Some((fetch, error)) = &state.failure {
            if *fetch > seen {
                return Err(error.duplicate());
            }
        }
        let fetched = self.fetch(http, state.cached.as_ref()).await;
        let fetch = self.fetches.load(Ordering::Acquire) + 1;
        let (token, lifetime) = match fetched {
            Ok(ok) => ok,
            Err(e) => {
                let e = e.into_shared();
                state.failure = Some((fetch, e.duplicate()));
                self.fetches.store(fetch, Ordering::Release);
                return Err(e);
            }
        };
        crate::trace::token_fetched(lifetime.map(|d| d.as_secs()));
        let fetched_at = (self.now)();
        state.generation += 1;
        let bearer = Bearer {
            token,
            generation: state.generation,
        };
        state.cached = Some(Cached {
            bearer: bearer.clone(),
            // An `Instant` that cannot hold the expiry (it cannot with the clamp): refresh
            // on the next call rather than panic.
            refresh_at: lifetime.map(|d| {
                fetched_at
                    .checked_add(d.saturating_sub(REFRESH_MARGIN))
                    .unwrap_or(fetched_at)
            }),
            fetch,
        });
        state.failure = None;
        self.fetches.store(fetch, Ordering::Release);
        Ok(bearer)
    }

    /// Forgets the token of `generation` (the server refused it), unless another caller
    /// already replaced it; the next [`bearer`](Self::bearer) fetches a new one.
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .cached
            .as_ref()
            .is_some_and(|c| c.bearer.generation == generation)
        {
            state.cached = None;
        }
    }

    /// `POST token_url` with `grant_type=client_credentials&scope=all` and HTTP Basic
    /// client authentication. Returns the token and its life (`None`: unknown). Sent
    /// once, never retried.
    async fn fetch(
        &self,
        http: &HttpSettings<'_>,
        cached: Option<&Cached>,
    ) -> Result<(Secret, Option<Duration>), Error> {
        let mut secrets = Secrets::default();
        secrets.add_basic(&self.client_id, self.client_secret.expose());
        if let Some(c) = cached {
            secrets.add(c.bearer.token.expose());
        }
        let failure = |status: Option<u16>, refusal: Refusal| OAuth2Error {
            token_url: self.token_url(),
            status,
            error: refusal.error.map(|e| secrets.scrub_owned(e)),
            description: refusal.description.map(|d| secrets.scrub_owned(d)),
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
                read_body(response).await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let (status, body) = outcome.map_err(|e| OAuth2Error {
            source: Some(Box::new(e.without_url())),
            ..failure(None, Refusal::default())
        })?;
        let body = match body {
            Ok(body) => body,
            Err(too_large) => {
                return Err(OAuth2Error {
                    source: Some(Box::new(too_large)),
                    ..failure(
                        Some(status),
                        Refusal::described(format!(
                            "the token answer is larger than {} bytes: it was not read to the end",
                            crate::MAX_ANSWER_BYTES
                        )),
                    )
                }
                .into());
            }
        };
        read_answer(status, &body, &secrets)
            .map(|(token, lifetime)| (Secret::new(token), lifetime))
            .map_err(|refusal| failure(Some(status), refusal).into())
    }
}

/// Why a token answer gave no token: the server's `error` and description, or what is
/// wrong with a success answer.
#[derive(Debug, Default, PartialEq)]
struct Refusal {
    error: Option<String>,
    description: Option<String>,
}

impl Refusal {
    fn described(description: impl Into<String>) -> Refusal {
        Refusal {
            error: None,
            description: Some(description.into()),
        }
    }
}

/// Reads a token answer (pure): the token and its life, or why there is none.
///
/// * A non-success status: OAuth2's `error` / `error_description`, OVH's `class` /
///   `message`, or a snippet of a non-JSON body.
/// * A success answer must be a JSON object with a non-empty string `access_token` made
///   of visible ASCII only (it becomes an `Authorization` header: CR, LF, other controls,
///   blanks and non-ASCII are refused; such a token is not cached).
/// * `expires_in` (seconds, a number or a numeric string): fractions are dropped, a
///   negative one means already expired (life 0: used for the call that fetched it,
///   fetched again on the next), one over [`MAX_TOKEN_LIFETIME`] is clamped to it. A
///   missing, `null` or malformed one (`"soon"`, `{}`) does not throw the token away:
///   its life is unknown (`None`) and it is used until OVH refuses it with a 401.
///
/// `secrets` are scrubbed from a non-JSON body before it is cut to a snippet, so that no
/// cut leaves the start of a secret (the caller scrubs the other texts).
fn read_answer(
    status: u16,
    body: &[u8],
    secrets: &Secrets,
) -> Result<(String, Option<Duration>), Refusal> {
    let snippet = |body: &[u8]| snippet(secrets.scrub(&String::from_utf8_lossy(body)).as_bytes());
    let object = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Some(map),
        _ => None,
    };
    let text = |key: &str| {
        object
            .as_ref()
            .and_then(|o| o.get(key))
            .and_then(|v| match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            })
            .filter(|s| !s.trim().is_empty())
    };
    if !(200..300).contains(&status) {
        let error = text("error").or_else(|| text("class"));
        let description = text("error_description")
            .or_else(|| text("message"))
            .or_else(|| error.is_none().then(|| snippet(body)))
            .filter(|d| !d.is_empty());
        return Err(Refusal { error, description });
    }
    let Some(object) = &object else {
        return Err(Refusal::described(format!(
            "the token answer is not a JSON object: {}",
            snippet(body)
        )));
    };
    let token = match object.get("access_token") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(t)) => Some(t.trim()),
        Some(_) => {
            return Err(Refusal::described(
                "the token answer's access_token is not a string",
            ));
        }
    };
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(Refusal::described(
            "Missing access token parameter in the token answer",
        ));
    };
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Refusal::described(
            "the access_token of the token answer cannot be sent in an Authorization header (it holds control characters, blanks or non-ASCII): it was not kept",
        ));
    }
    Ok((
        token.to_owned(),
        object.get("expires_in").and_then(lifetime),
    ))
}

/// The life `expires_in` gives a token (see [`read_answer`]); `None` when unknown.
fn lifetime(value: &serde_json::Value) -> Option<Duration> {
    let secs = match value {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(t) => t.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if secs.is_nan() {
        return None;
    }
    let max = MAX_TOKEN_LIFETIME.as_secs_f64();
    // Clamped first, so that the conversion to an integer is exact and in range.
    let secs = secs.clamp(0.0, max).floor();
    Some(Duration::from_secs_f64(secs).min(MAX_TOKEN_LIFETIME))
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

    fn life(json: &str) -> Option<u64> {
        let (_, life) = read_answer(200, json.as_bytes(), &Secrets::default()).unwrap();
        life.map(|d| d.as_secs())
    }

    #[test]
    fn expires_in_is_read_tolerantly_and_clamped() {
        let max = MAX_TOKEN_LIFETIME.as_secs();
        for (expires_in, secs) in [
            ("3599", Some(3599)),
            (r#""60""#, Some(60)),
            (r#"" 60 ""#, Some(60)),
            ("12.5", Some(12)),
            ("0", Some(0)),
            ("-1", Some(0)),
            ("-1e30", Some(0)),
            (r#""-5""#, Some(0)),
            ("86400", Some(max)),
            ("86401", Some(max)),
            ("18446744073709551615", Some(max)),
            ("18446744073709551616", Some(max)),
            ("1e30", Some(max)),
            ("1.7976931348623157e308", Some(max)),
            (r#""inf""#, Some(max)),
            (r#""NaN""#, None),
            (r#""soon""#, None),
            ("{}", None),
            ("[1]", None),
            ("true", None),
            ("null", None),
        ] {
            let json = format!(r#"{{"access_token":"t","expires_in":{expires_in}}}"#);
            assert_eq!(life(&json), secs, "{expires_in}");
        }
        assert_eq!(life(r#"{"access_token":"t"}"#), None);
    }

    #[test]
    fn token_answers_are_refused_with_the_reason() {
        let described = |d: &str| Refusal::described(d);
        let header = "the access_token of the token answer cannot be sent in an Authorization header (it holds control characters, blanks or non-ASCII): it was not kept";
        for (status, body, refusal) in [
            (
                200,
                "",
                described("the token answer is not a JSON object: "),
            ),
            (
                200,
                "[1]",
                described("the token answer is not a JSON object: [1]"),
            ),
            (
                200,
                "{}",
                described("Missing access token parameter in the token answer"),
            ),
            (
                200,
                r#"{"access_token":null}"#,
                described("Missing access token parameter in the token answer"),
            ),
            (
                200,
                r#"{"access_token":" "}"#,
                described("Missing access token parameter in the token answer"),
            ),
            (
                200,
                r#"{"access_token":5}"#,
                described("the token answer's access_token is not a string"),
            ),
            (200, r#"{"access_token":"a\r\nb"}"#, described(header)),
            (200, r#"{"access_token":"a b"}"#, described(header)),
            (200, r#"{"access_token":"a\u007fb"}"#, described(header)),
            (200, r#"{"access_token":"é"}"#, described(header)),
            (
                401,
                r#"{"error":"invalid_client","error_description":"no such client"}"#,
                Refusal {
                    error: Some("invalid_client".into()),
                    description: Some("no such client".into()),
                },
            ),
            (
                403,
                r#"{"class":"Client::Forbidden","message":"nope"}"#,
                Refusal {
                    error: Some("Client::Forbidden".into()),
                    description: Some("nope".into()),
                },
            ),
            (
                400,
                r#"{"error":{"code":1}}"#,
                Refusal {
                    error: Some(r#"{"code":1}"#.into()),
                    description: None,
                },
            ),
            (
                502,
                "<html> Bad\n Gateway </html>",
                Refusal {
                    error: None,
                    description: Some("<html> Bad Gateway </html>".into()),
                },
            ),
            (500, "", Refusal::default()),
        ] {
            assert_eq!(
                read_answer(status, body.as_bytes(), &Secrets::default()),
                Err(refusal),
                "{status} {body}"
            );
        }
        // Surrounding blanks are trimmed; unknown fields are ignored.
        let (token, life) = read_answer(
            200,
            br#"{"access_token":" tok-1 ","scope":"all","x":[{}]}"#,
            &Secrets::default(),
        )
        .unwrap();
        assert_eq!((token.as_str(), life), ("tok-1", None));
    }

    /// A secret in a non-JSON error page is scrubbed before the page is cut, and scrubbing
    /// never touches the token of a success answer (a server may hand out the same token
    /// again).
    #[test]
    fn secrets_are_scrubbed_before_the_snippet_is_cut_and_never_from_a_token() {
        let mut secrets = Secrets::default();
        secrets.add("SECRET-previous-token");
        let page = format!("{} SECRET-previous-token", "x".repeat(190));
        let refusal = read_answer(502, page.as_bytes(), &secrets).unwrap_err();
        let description = refusal.description.unwrap();
        assert!(!description.contains("SECRET-"), "{description}");
        let (token, _) = read_answer(
            200,
            br#"{"access_token":"SECRET-previous-token","expires_in":60}"#,
            &secrets,
        )
        .unwrap();
        assert_eq!(token, "SECRET-previous-token");
    }

    proptest::proptest! {
        /// No body, status or `expires_in` makes the reader panic, and a token it keeps
        /// is always a valid header value.
        #[test]
        fn no_token_answer_panics(status in 100u16..600, body in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            if let Ok((token, _)) = read_answer(status, &body, &Secrets::default()) {
                let header = format!("Bearer {}", token);
                proptest::prop_assert!(HeaderValue::from_str(&header).is_ok());
            }
        }

        #[test]
        fn no_expires_in_panics(secs in proptest::num::f64::ANY, token in "[ -~\\r\\n\\u{80}-\\u{ff}]{0,12}") {
            let json = serde_json::json!({"access_token": token, "expires_in": secs}).to_string();
            if let Ok((token, life)) = read_answer(200, json.as_bytes(), &Secrets::default()) {
                let header = format!("Bearer {}", token);
                proptest::prop_assert!(HeaderValue::from_str(&header).is_ok());
                proptest::prop_assert!(life.is_none_or(|d| d <= MAX_TOKEN_LIFETIME));
            }
        }
    }

    /// A huge `expires_in` never overflows the cache's `Instant` (it used to panic on
    /// every call): the token is cached for [`MAX_TOKEN_LIFETIME`], then refreshed.
    #[tokio::test]
    async fn a_huge_expires_in_is_cached_for_the_maximum_life() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                r#"{"access_token":"t","expires_in":1e300}"#,
                "application/json",
            ))
            .expect(2)
            .mount(&server)
            .await;
        let (now, at) = manual_clock();
        let cache = cache(&server, now).await;
        let (http, ua) = (reqwest::Client::new(), HeaderValue::from_static("test"));
        let s = settings(&http, &ua);
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 1);
        *at.lock().unwrap() += MAX_TOKEN_LIFETIME - REFRESH_MARGIN - Duration::from_secs(1);
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 1);
        *at.lock().unwrap() += Duration::from_secs(1);
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 2);
    }

    /// A negative `expires_in` is an expired token: used once, then refreshed.
    #[tokio::test]
    async fn a_negative_expires_in_is_refreshed_on_the_next_call() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(token_raw(r#"{"access_token":"t","expires_in":-5}"#))
            .expect(2)
            .mount(&server)
            .await;
        let cache = cache(&server, system_now()).await;
        let (http, ua) = (reqwest::Client::new(), HeaderValue::from_static("test"));
        let s = settings(&http, &ua);
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 1);
        assert_eq!(cache.bearer(&s).await.unwrap().generation, 2);
    }

    /// The token URL is shown without its query string, wherever the cache shows it.
    #[test]
    fn the_token_url_is_shown_without_its_query() {
        let url = "https://auth.example.com/token?token=SECRET-q"
            .parse()
            .unwrap();
        let cache = TokenCache::new(url, "cid".into(), Secret::new(SECRET), system_now());
        assert_eq!(
            cache.token_url(),
            "https://auth.example.com/token?<redacted>"
        );
        let shown = format!("{cache:?}");
        assert!(
            !shown.contains("SECRET-q") && !shown.contains(SECRET),
            "{shown}"
        );
    }

    fn token_raw(body: &'static str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    }
}
