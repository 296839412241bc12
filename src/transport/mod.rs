//! The one request pipeline, below [`OvhClient`](crate::OvhClient) and independent of it:
//! a [`Transport`] owns the HTTP client, the base URL, the authentication ([`Auth`]), the
//! clock, the retry policy, the timeout and the user agent, and sends a [`Request`]:
//! build the URL, authenticate, send, read the whole answer, then do what the pure
//! [`decide`](decide::decide) says (return, resend after a delay, resync the clock, fetch
//! a new OAuth2 token). The answer and its decoding are [`crate::answer`]'s.

mod decide;
mod send;

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::Method;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::answer::Answer;
use crate::clock::Clock;
use crate::credentials::{Credentials, Secret};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::oauth2::TokenCache;
use crate::path::ApiPath;
use crate::retry::{RetryPolicy, jitter};
use crate::trace::{RequestSpan, RetryCause, TraceFields};

use decide::{Decision, State, decide};
use send::{Sent, send_once};

/// How requests are authenticated. Each method carries exactly what it needs: OAuth2
/// always has its token cache.
pub(crate) enum Auth {
    /// OVH request signing (`X-Ovh-*` headers); `consumer_key` is `None` until one is
    /// requested and validated (signed calls are then refused locally).
    Signed {
        /// The application key, sent on every request.
        application_key: String,
        /// The application secret (signs).
        application_secret: Secret,
        /// The consumer key (signs, and is sent).
        consumer_key: Option<Secret>,
    },
    /// OAuth2 client credentials: the cache fetches and refreshes the bearer token.
    OAuth2(Box<TokenCache>),
    /// A static bearer token.
    Bearer(Secret),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Signed {
                application_key, ..
            } => f
                .debug_struct("Signed")
                .field("application_key", application_key)
                .finish_non_exhaustive(),
            Auth::OAuth2(cache) => f.debug_tuple("OAuth2").field(cache).finish(),
            Auth::Bearer(_) => f.write_str("Bearer"),
        }
    }
}

/// The pipeline of one client (shared by its clones through the client's `Arc`).
pub(crate) struct Transport {
    pub(crate) http: reqwest::Client,
    pub(crate) endpoint: Endpoint,
    /// The credentials as given (shown by `Debug`, the source of [`Transport::auth`] and
    /// of the secrets scrubbed from server texts).
    pub(crate) credentials: Credentials,
    pub(crate) auth: Auth,
    pub(crate) clock: Clock,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) user_agent: HeaderValue,
}

/// One request as the pipeline takes it.
pub(crate) struct Request<'a> {
    /// The HTTP method.
    pub(crate) method: &'a Method,
    /// The path below the base URL, with its query.
    pub(crate) path: &'a ApiPath,
    /// The JSON body, signed and sent as is.
    pub(crate) body: Option<bytes::Bytes>,
    /// Sign (application credentials) or send a bearer token (OAuth2, access token).
    pub(crate) authenticated: bool,
    /// Extra headers of a raw call, sent on every attempt and not signed (OVH signs
    /// method, URL, body and timestamp).
    pub(crate) headers: &'a HeaderMap,
    /// Whether the call may be resent after a failure that may have reached OVH: from
    /// [`Call::is_idempotent`](crate::ops::Call::is_idempotent), or GET only for the
    /// client's untyped calls.
    pub(crate) idempotent: bool,
    /// The span fields (route, ids).
    pub(crate) trace: TraceFields,
}

impl<'a> Request<'a> {
    /// An authenticated request without extra headers; the span fields come from the
    /// path, idempotency from the method (GET only).
    pub(crate) fn new(method: &'a Method, path: &'a ApiPath, body: Option<String>) -> Self {
        Request {
            method,
            path,
            body: body.map(bytes::Bytes::from),
            authenticated: true,
            headers: empty_headers(),
            idempotent: *method == Method::Get,
            trace: TraceFields::from_path(path),
        }
    }

    /// Sent without authentication: only `X-Ovh-Application` for application
    /// credentials, nothing for bearer credentials. No `/auth/time` is needed.
    pub(crate) fn unauthenticated(mut self) -> Self {
        self.authenticated = false;
        self
    }
}

fn empty_headers() -> &'static HeaderMap {
    static EMPTY: std::sync::OnceLock<HeaderMap> = std::sync::OnceLock::new();
    EMPTY.get_or_init(HeaderMap::new)
}

impl Transport {
    /// `server − local` clock difference in seconds and its generation, fetching it
    /// (`GET /auth/time`) if not known yet.
    pub(crate) async fn clock_delta(&self) -> Result<(i64, u64), Error> {
        self.clock.delta(|| self.fetch_server_time()).await
    }

    /// OVH's current time, from an unauthenticated `GET /auth/time`.
    pub(crate) fn fetch_server_time(
        &self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<i64, Error>> + Send + '_>> {
        Box::pin(async move {
            let path = ApiPath::new("/auth/time");
            let answer = self
                .send(Request::new(&Method::Get, &path, None).unauthenticated())
                .await?;
            answer.decode(&Method::Get, &path)
        })
    }

    /// Sends `request` and returns the raw answer (any status).
    ///
    /// The URL is [`ApiPath::url_on`] the endpoint's base URL: `/v1/…` and `/v2/…` paths
    /// go to the host's API root, and the signature covers the URL actually sent.
    ///
    /// Resent at most (see [`decide`](decide::decide)): idempotent requests on retryable
    /// failures (the retry policy); any request once on `QUERY_TIME_OUT` (signing) and
    /// once on a 401 with a fresh OAuth2 token, both refused by OVH before processing
    /// anything. Never resent: a redirect (3xx, [`Error::Redirect`], not followed
    /// either), a too-large answer, and nothing is replayed below this loop (the reqwest
    /// client's retry policy is `never`).
    ///
    /// Refused before sending ([`Error::InvalidRequest`]): a path that
    /// [`ApiPath::check`] refuses, and a URL longer than the HTTP stack accepts.
    ///
    /// With the `tracing` feature, the request is one span (see [`crate::trace`]).
    pub(crate) async fn send(&self, request: Request<'_>) -> Result<Answer, Error> {
        let span = RequestSpan::new(request.method, &request.trace);
        let mut attempts = 0;
        let result = span
            .enter(self.attempts(&request, &span, &mut attempts))
            .await;
        span.finish(attempts, &result);
        result
    }

    /// The attempts of [`send`](Self::send); `attempts` counts them.
    async fn attempts(
        &self,
        request: &Request<'_>,
        span: &RequestSpan,
        attempts: &mut u32,
    ) -> Result<Answer, Error> {
        let url = self.url(request)?;
        let mut state = State {
            idempotent: request.idempotent,
            ..State::default()
        };
        // Scrubbed from any server text an error keeps: the client's secrets, and the
        // signatures and bearer tokens of every attempt.
        let mut secrets = self.credentials.secrets();
        loop {
            *attempts += 1;
            let attempt = *attempts;
            let (builder, used) = self.authorize(request, &url, &mut secrets).await?;
            let attempted_at = SystemTime::now();
            let sent = send_once(builder, request, &url, &secrets, span, attempt).await;
            state.attempt = attempt;
            state.signed = used.signed.is_some();
            state.oauth2 = used.oauth2.is_some();
            match decide(sent.outcome(), state, &self.retry, jitter()) {
                Decision::Return => return sent.into_result(request, &url, attempted_at, attempt),
                Decision::Retry(delay) => {
                    let cause = match &sent {
                        Sent::NoAnswer(e) => RetryCause::Transport(e),
                        Sent::Answer(answer, _) => RetryCause::Status(answer.status),
                        // `decide` resends neither.
                        Sent::Redirect(_) | Sent::TooLarge(_) => {
                            return sent.into_result(request, &url, attempted_at, attempt);
                        }
                    };
                    span.retrying(attempt, cause, delay);
                    tokio::time::sleep(delay).await;
                }
                Decision::Resync => {
                    // OVH refused the timestamp before processing anything: safe to
                    // resync and resend once, even for a POST.
                    state.resynced = true;
                    span.resync(attempt);
                    let generation = used.signed.unwrap_or_default();
                    // OVH refused this attempt unprocessed; an earlier one (an idempotent
                    // call's retry) may have reached it.
                    self.clock
                        .resync(generation, || self.fetch_server_time())
                        .await
                        .map_err(|e| {
                            e.in_clock_sync_of(
                                request.method.as_str(),
                                request.path.route(),
                                true,
                                attempt > 1,
                            )
                        })?;
                }
                Decision::Reauthenticate => {
                    // The token was refused before anything was processed: fetch a new
                    // one (unless a concurrent caller already did) and resend once. A
                    // second 401 is returned as an error.
                    state.reauthenticated = true;
                    span.token_refused(attempt);
                    if let (Auth::OAuth2(cache), Some(generation)) = (&self.auth, used.oauth2) {
                        cache.invalidate(generation).await;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;
    use crate::OvhClient;

    /// A raw HTTP/1.1 server on 127.0.0.1 that answers every request with `status` and an
    /// empty body, and counts the requests it received.
    async fn counting_server(status: u16) -> (String, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/1.0", listener.local_addr().unwrap());
        let received = Arc::new(AtomicUsize::new(0));
        let count = received.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let count = count.clone();
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut buf = [0u8; 4096];
                    // The head, then the body its Content-Length announces.
                    let head_end = loop {
                        let Ok(n) = stream.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                        if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                    };
                    let head = String::from_utf8_lossy(&seen[..head_end]).to_ascii_lowercase();
                    let length: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .map_or(0, |v| v.trim().parse().unwrap());
                    while seen.len() < head_end + length {
                        let Ok(n) = stream.read(&mut buf).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        seen.extend_from_slice(&buf[..n]);
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let answer = format!(
                        "HTTP/1.1 {status} Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        (base, received)
    }

    fn client(base: &str) -> OvhClient {
        OvhClient::builder()
            .endpoint(base.parse().unwrap())
            .credentials(Credentials::access_token("tok-s3cr3t"))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(1)))
            .build()
            .unwrap()
    }

    /// Idempotency is the request's, not its method's: a PUT the call marks idempotent
    /// (issue 16's settings change) is resent after a 503 like a GET (1 + 2 retries),
    /// a GET the call marks not idempotent is sent once; without a mark (`call`,
    /// `call_with_body`, `raw_call`), GET only.
    #[tokio::test]
    async fn retries_follow_the_calls_idempotency_not_its_method() {
        let path = ApiPath::new("/services").id("serviceId", 42);
        let cases: [(&str, Method, Option<bool>, usize); 4] = [
            ("PUT marked idempotent", Method::Put, Some(true), 3),
            ("GET marked not idempotent", Method::Get, Some(false), 1),
            ("PUT, idempotency from the method", Method::Put, None, 1),
            ("GET, idempotency from the method", Method::Get, None, 3),
        ];
        for (case, method, idempotent, expected) in cases {
            let (base, received) = counting_server(503).await;
            let client = client(&base);
            let body = (method == Method::Put).then(|| "{}".to_owned());
            let mut request = Request::new(&method, &path, body);
            if let Some(idempotent) = idempotent {
                request.idempotent = idempotent;
            }
            let answer = client.inner.send(request).await.unwrap();
            assert_eq!(answer.status, 503, "{case}");
            assert_eq!(received.load(Ordering::SeqCst), expected, "{case}");
        }
    }

    /// Through the public raw call: a PUT is sent once after a 503.
    #[tokio::test]
    async fn a_raw_put_is_sent_once_after_a_503() {
        let (base, received) = counting_server(503).await;
        let path = ApiPath::new("/services").id("serviceId", 42);
        let err = client(&base)
            .raw_call(Method::Put, &path)
            .body(&serde_json::json!({"renew": {"mode": "manual"}}))
            .send::<serde_json::Value>()
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(503));
        assert_eq!(received.load(Ordering::SeqCst), 1);
    }
}
