//! The one request pipeline: build the URL, sign, send, retry what may be retried, and
//! turn the answer into a value or a typed error.

use std::collections::BTreeMap;
use std::time::SystemTime;

use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;

use crate::client::OvhClient;
use crate::clock::local_unix;
use crate::credentials::Kind;
use crate::error::{
    ApiError, DecodeError, Error, ErrorBody, RedirectError, TransportError, TransportKind,
};
use crate::oauth2::HttpSettings;
use crate::path::ApiPath;
use crate::retry::{jitter, retryable_status};
use crate::scrub::{Secrets, value_free};
use crate::signing::signature;
use crate::trace::{RequestSpan, RetryCause};

/// A complete answer from the server: status, query id, headers and the whole body, and
/// the secrets of the request, scrubbed from any server text an error keeps.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) query_id: Option<String>,
    pub(crate) body: bytes::Bytes,
    pub(crate) secrets: Secrets,
    /// The answer's headers (for raw calls that read `X-Pagination-*`).
    pub(crate) headers: HeaderMap,
}

const MAX_SNIPPET: usize = 200;

impl Answer {
    /// Decodes a success answer into `T`, or turns an error answer into [`Error::Api`].
    /// An empty body (or 204) decodes as JSON `null`. A decode error names the failing
    /// field but never quotes its value (see [`DecodeError::source`]).
    pub(crate) fn decode<T: DeserializeOwned>(
        self,
        method: &Method,
        path: &ApiPath,
    ) -> Result<T, Error> {
        if !(200..300).contains(&self.status) {
            return Err(self.into_api_error(method, path));
        }
        let bytes: &[u8] = if self.status == 204 || self.body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            &self.body
        };
        // Fast path: plain serde_json. serde_path_to_error allocates for every key it
        // tracks (slower than decoding into `Value`), so it only runs again on a failure,
        // to name the failing field; the decoder is deterministic, so the error is the
        // same as if it had decoded the first time.
        if let Ok(value) = serde_json::from_slice(bytes) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let decoded = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| (e.path().to_string(), e.into_inner()))
            .and_then(|v| de.end().map(|()| v).map_err(|e| (".".to_owned(), e)));
        decoded.map_err(|(field, source)| {
            DecodeError {
                method: method.to_string(),
                route: path.route().to_owned(),
                status: self.status,
                field: self.secrets.scrub_owned(field),
                query_id: self.scrubbed_query_id(),
                source: self.value_free_error(&source),
            }
            .into()
        })
    }

    /// The answer of a call OVH documents as `void` (the pay calls): accepts only what
    /// OVH sends for them, a success status with the body `null`, an empty body, or 204.
    /// Any other success body (a captive portal's HTML page, JSON that is not `null`) is
    /// not proof that OVH took the request: [`Error::Decode`], for which
    /// [`Error::may_have_been_processed`] is `true` (whoever answered may have forwarded
    /// it). Error statuses become [`Error::Api`].
    pub(crate) fn accept(self, method: &Method, path: &ApiPath) -> Result<(), Error> {
        // `()` decodes from `null` only; `decode` reads an empty body and 204 as `null`.
        self.decode::<()>(method, path)
    }

    /// `source` rebuilt without the value it quotes, nor any secret, keeping its
    /// position.
    fn value_free_error(&self, source: &serde_json::Error) -> serde_json::Error {
        let text = source.to_string();
        let position = format!(" at line {} column {}", source.line(), source.column());
        let message = text.strip_suffix(&position).unwrap_or(&text);
        let free = value_free(message);
        let free = self.secrets.scrub(&free);
        let rebuilt = if source.line() == 0 {
            free.into_owned()
        } else {
            format!("{free}{position}")
        };
        serde::de::Error::custom(rebuilt)
    }

    fn scrubbed_query_id(&self) -> Option<String> {
        self.query_id
            .as_deref()
            .map(|q| self.secrets.scrub(q).into_owned())
    }

    fn error_body(&self) -> Option<ErrorBody> {
        let body: ErrorBody = serde_json::from_slice(&self.body).ok()?;
        (body.message.is_some() || body.class.is_some() || body.error_code.is_some())
            .then_some(body)
    }

    pub(crate) fn is_query_time_out(&self) -> bool {
        self.status == 400
            && self
                .error_body()
                .is_some_and(|b| b.error_code.as_deref() == Some("QUERY_TIME_OUT"))
    }

    /// The error of a non-success answer. Every text the server chose is scrubbed of the
    /// request's secrets, a non-JSON body before it is cut to a snippet (so that no cut
    /// leaves the start of a secret).
    pub(crate) fn into_api_error(self, method: &Method, path: &ApiPath) -> Error {
        let scrub = |text: String| self.secrets.scrub_owned(text);
        let (ovh_body, class, error_code, message, details) = match self.error_body() {
            Some(b) => (
                true,
                b.class.map(scrub),
                b.error_code.map(scrub),
                scrub(b.message.unwrap_or_default()),
                b.details
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| match v {
                        serde_json::Value::String(s) => (scrub(k), scrub(s)),
                        other => (scrub(k), scrub(other.to_string())),
                    })
                    .collect::<BTreeMap<_, _>>(),
            ),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let text = self.secrets.scrub(&text);
                (false, None, None, snippet(text.as_bytes()), BTreeMap::new())
            }
        };
        let query_id = self.scrubbed_query_id();
        ApiError {
            method: method.to_string(),
            route: path.route().to_owned(),
            rule_path: path.rule_path().to_owned(),
            status: self.status,
            class,
            error_code,
            message,
            details,
            query_id,
            ovh_body,
        }
        .into()
    }
}

/// A short, single-line, printable excerpt of a non-JSON body.
fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out = String::with_capacity(MAX_SNIPPET + 3);
    for word in text.split_whitespace() {
        let word: String = word.chars().filter(|c| !c.is_control()).collect();
        let sep = usize::from(!out.is_empty());
        if out.len() + sep + word.len() > MAX_SNIPPET {
            // Keep what fits of the word (a body without blanks, such as minified JSON,
            // is one word), cut on a character boundary.
            let room = MAX_SNIPPET.saturating_sub(out.len() + sep);
            let mut cut = room.min(word.len());
            while !word.is_char_boundary(cut) {
                cut -= 1;
            }
            if cut > 0 {
                out.push_str(&" "[..sep]);
                out.push_str(&word[..cut]);
            }
            out.push_str(" …");
            break;
        }
        out.push_str(&" "[..sep]);
        out.push_str(&word);
    }
    out
}

/// What kind of failure a reqwest error is.
pub(crate) fn transport_kind(e: &reqwest::Error) -> TransportKind {
    if e.is_connect() {
        TransportKind::Connect
    } else if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_body() || e.is_request() || e.is_decode() {
        TransportKind::Connection
    } else {
        TransportKind::Other
    }
}

/// The largest answer body the client reads: 32 MiB. OVH's renewal answers are a few
/// kilobytes; a larger body is refused ([`TransportKind::TooLarge`]) rather than held in
/// memory.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// An answer body over [`MAX_ANSWER_BYTES`].
#[derive(Debug, thiserror::Error)]
#[error("the answer is larger than {MAX_ANSWER_BYTES} bytes")]
pub(crate) struct AnswerTooLarge;

/// Reads a whole answer body, up to [`MAX_ANSWER_BYTES`]. A body in one chunk (the usual
/// case) is returned without copying. Also reads OAuth2 token answers.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
) -> Result<Result<bytes::Bytes, AnswerTooLarge>, reqwest::Error> {
    let limit = MAX_ANSWER_BYTES;
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Ok(Err(AnswerTooLarge));
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Ok(bytes::Bytes::new()));
    };
    let Some(second) = response.chunk().await? else {
        return Ok(if first.len() > limit {
            Err(AnswerTooLarge)
        } else {
            Ok(first)
        });
    };
    let mut body = Vec::with_capacity(first.len() + second.len());
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(Err(AnswerTooLarge));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(if body.len() > limit {
        Err(AnswerTooLarge)
    } else {
        Ok(body.into())
    })
}

/// The longest URL sent: what `http::Uri` (under reqwest and hyper) accepts. A longer
/// one is refused before sending ([`Error::InvalidRequest`], nothing sent).
const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// The longest `X-Ovh-QueryID` kept in errors (OVH's are about 50 characters).
const MAX_QUERY_ID: usize = 128;

/// An `X-Ovh-QueryID` as kept in errors: its visible ASCII characters only (no blank,
/// no control, no byte beyond ASCII), at most [`MAX_QUERY_ID`] of them, then `…` if it
/// was longer. `None` when nothing is left.
fn query_id(value: &str) -> Option<String> {
    let mut kept = String::with_capacity(value.len().min(MAX_QUERY_ID + 3));
    let mut graphic = value.bytes().filter(u8::is_ascii_graphic);
    for b in graphic.by_ref().take(MAX_QUERY_ID) {
        kept.push(char::from(b));
    }
    if graphic.next().is_some() {
        kept.push('…');
    }
    (!kept.is_empty()).then_some(kept)
}

/// Where a redirect pointed, resolved against the request URL, shown without user
/// information, query string or fragment (they may hold secrets). `None` when the header
/// is not a URL.
fn redirect_location(request: &reqwest::Url, value: &HeaderValue) -> Option<String> {
    let text = std::str::from_utf8(value.as_bytes()).ok()?;
    let mut target = request.join(text.trim()).ok()?;
    if !matches!(target.scheme(), "http" | "https") || target.host_str().is_none() {
        return Some(format!("a {}: URL", target.scheme()));
    }
    target.set_query(None);
    target.set_fragment(None);
    // Cannot fail on an http(s) URL with a host.
    let _ = target.set_username("");
    let _ = target.set_password(None);
    let mut shown: String = target
        .as_str()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    if shown.len() > 300 {
        let mut cut = 300;
        while !shown.is_char_boundary(cut) {
            cut -= 1;
        }
        shown.truncate(cut);
        shown.push('…');
    }
    Some(shown)
}

fn transport_error(
    method: &Method,
    path: &ApiPath,
    e: reqwest::Error,
    attempted_at: SystemTime,
    attempts: u32,
) -> TransportError {
    let kind = transport_kind(&e);
    TransportError {
        method: method.to_string(),
        route: path.route().to_owned(),
        kind,
        may_have_been_processed: kind != TransportKind::Connect,
        attempted_at,
        attempts,
        source: Box::new(e.without_url()),
    }
}

impl OvhClient {
    pub(crate) async fn clock_delta(&self) -> Result<(i64, u64), Error> {
        self.inner.clock.delta(|| self.fetch_server_time()).await
    }

    pub(crate) fn fetch_server_time(
        &self,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<i64, Error>> + Send + '_>> {
        Box::pin(async move {
            let path = ApiPath::new("/auth/time");
            let answer = self
                .execute_unauthenticated(&Method::GET, &path, None)
                .await?;
            answer.decode(&Method::GET, &path)
        })
    }

    /// Sends an authenticated request (signed, or with a bearer token) and returns the
    /// raw answer (any status).
    pub(crate) async fn execute(
        &self,
        method: &Method,
        path: &ApiPath,
        body: Option<String>,
    ) -> Result<Answer, Error> {
        self.send(method, path, body, true, &HeaderMap::new()).await
    }

    /// Sends an unauthenticated request: only `X-Ovh-Application` for application
    /// credentials, nothing for bearer credentials. No `/auth/time` is needed.
    pub(crate) async fn execute_unauthenticated(
        &self,
        method: &Method,
        path: &ApiPath,
        body: Option<String>,
    ) -> Result<Answer, Error> {
        self.send(method, path, body, false, &HeaderMap::new())
            .await
    }

    /// Sends a raw call ([`crate::RawCall`]): authenticated or not, with the caller's
    /// extra headers, which must not include any the pipeline sets (checked by
    /// [`crate::raw`]; they are sent, never signed).
    pub(crate) async fn execute_raw(
        &self,
        method: &Method,
        path: &ApiPath,
        body: Option<String>,
        authenticated: bool,
        headers: &HeaderMap,
    ) -> Result<Answer, Error> {
        self.send(method, path, body, authenticated, headers).await
    }

    /// The one pipeline. `authenticated`: sign (application credentials) or send a
    /// bearer token (OAuth2, access token). `headers`: extra headers of a raw call, sent
    /// on every attempt and not signed (OVH signs method, URL, body and timestamp).
    ///
    /// The URL is [`ApiPath::url_on`] the endpoint's base URL: `/v1/…` and `/v2/…` paths
    /// go to the host's API root, and the signature covers the URL actually sent.
    ///
    /// Resent at most: GETs on retryable failures (the retry policy; HEAD and every other
    /// method never); any method once on `QUERY_TIME_OUT` (signing) and once on a 401
    /// with a fresh OAuth2 token, both refused by OVH before processing anything. Never
    /// resent: a redirect (3xx, [`Error::Redirect`], not followed either), and nothing
    /// is replayed below this loop (the reqwest client's retry policy is `never`).
    ///
    /// Refused before sending ([`Error::InvalidRequest`]): a path that
    /// [`ApiPath::check`] refuses, and a URL longer than the HTTP stack accepts.
    ///
    /// With the `tracing` feature, the request is one span (see [`crate::trace`]).
    async fn send(
        &self,
        method: &Method,
        path: &ApiPath,
        body: Option<String>,
        authenticated: bool,
        headers: &HeaderMap,
    ) -> Result<Answer, Error> {
        let span = RequestSpan::new(method, path);
        let mut attempts = 0;
        let request = Request {
            method,
            path,
            body,
            authenticated,
            headers,
        };
        let result = span
            .enter(self.attempts(request, &span, &mut attempts))
            .await;
        span.finish(attempts, &result);
        result
    }

    /// The attempts of [`send`](Self::send); `attempts` counts them.
    async fn attempts(
        &self,
        request: Request<'_>,
        span: &RequestSpan,
        attempts: &mut u32,
    ) -> Result<Answer, Error> {
        let Request {
            method,
            path,
            body,
            authenticated,
            headers: extra_headers,
        } = request;
        let inner = &*self.inner;
        path.check()?;
        let url_text = path.url_on(inner.endpoint.base_url().as_str());
        if url_text.len() > MAX_URL_BYTES {
            // The HTTP stack (`http::Uri`) cannot carry it: refuse it here, where it is
            // certain that nothing was sent. Not echoed: it is long and may quote values.
            return Err(Error::InvalidRequest(format!(
                "the URL of {method} {} is {} bytes long, more than the {MAX_URL_BYTES} the HTTP stack can send",
                path.route(),
                url_text.len()
            )));
        }
        let url = reqwest::Url::parse(&url_text).map_err(|e| {
            Error::InvalidRequest(format!("cannot build the URL of {}: {e}", path.route()))
        })?;
        // Only GETs: the README's promise ("Only GET requests are retried").
        let idempotent = *method == Method::GET;
        let body = body.map(bytes::Bytes::from);
        let mut resynced = false;
        let mut reauthenticated = false;
        // Scrubbed from any server text an error keeps: the client's secrets, and the
        // signatures and bearer tokens of every attempt.
        let mut secrets = inner.credentials.secrets();
        loop {
            *attempts += 1;
            let attempt = *attempts;
            let mut request = inner
                .http
                .request(method.clone(), url.clone())
                .timeout(inner.timeout)
                .headers(extra_headers.clone())
                .header(USER_AGENT, inner.user_agent.clone());
            // What this attempt used: the clock delta's generation and whether it signed
            // (for a QUERY_TIME_OUT resync), the OAuth2 token's generation (for a 401).
            let mut generation = 0;
            let mut signed = false;
            let mut oauth2_generation = None;
            match &inner.credentials.kind {
                Kind::AppKey {
                    application_key,
                    application_secret,
                    consumer_key,
                } => {
                    request = request.header("X-Ovh-Application", header(application_key)?);
                    if authenticated {
                        let Some(consumer_key) = consumer_key else {
                            return Err(Error::NoConsumerKey {
                                method: method.to_string(),
                                route: path.route().to_owned(),
                            });
                        };
                        let (delta, g) = self.clock_delta().await?;
                        generation = g;
                        signed = true;
                        let timestamp = local_unix().saturating_add(delta);
                        let sig = signature(
                            application_secret.expose(),
                            consumer_key.expose(),
                            method.as_str(),
                            url.as_str(),
                            body.as_deref().unwrap_or_default(),
                            timestamp,
                        );
                        secrets.add(&sig);
                        request = request
                            .header("X-Ovh-Consumer", sensitive(consumer_key.expose())?)
                            .header("X-Ovh-Timestamp", timestamp)
                            .header("X-Ovh-Signature", sensitive(&sig)?);
                    }
                }
                Kind::OAuth2 { .. } if authenticated => {
                    let Some(cache) = &inner.oauth2 else {
                        return Err(Error::InvalidRequest(
                            "OAuth2 credentials without a token cache".into(),
                        ));
                    };
                    let settings = HttpSettings {
                        http: &inner.http,
                        timeout: inner.timeout,
                        user_agent: &inner.user_agent,
                    };
                    let bearer = cache.bearer(&settings).await?;
                    oauth2_generation = Some(bearer.generation);
                    secrets.add(bearer.token.expose());
                    request = request.header(AUTHORIZATION, bearer_header(bearer.token.expose())?);
                }
                Kind::AccessToken { token } if authenticated => {
                    request = request.header(AUTHORIZATION, bearer_header(token.expose())?);
                }
                Kind::OAuth2 { .. } | Kind::AccessToken { .. } => {}
            }
            if let Some(b) = &body {
                request = request
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(b.clone());
            }
            let attempted_at = SystemTime::now();
            let clock = span.attempt_clock();
            let outcome = match request.send().await {
                Ok(mut response) => {
                    let status = response.status();
                    // Scrubbed first (the span records it too), then capped, so that no cut
                    // leaves the start of a secret.
                    let query_id = response.headers().get("X-Ovh-QueryID").and_then(|v| {
                        query_id(&secrets.scrub(&String::from_utf8_lossy(v.as_bytes())))
                    });
                    if status.is_redirection() {
                        // Never followed (the client's policy is `Policy::none()`), and
                        // never taken for the request's result.
                        let location = response
                            .headers()
                            .get(reqwest::header::LOCATION)
                            .and_then(|v| redirect_location(&url, v))
                            .map(|l| secrets.scrub_owned(l));
                        span.answered(attempt, status.as_u16(), query_id.as_deref(), &clock);
                        return Err(RedirectError {
                            method: method.to_string(),
                            route: path.route().to_owned(),
                            status: status.as_u16(),
                            location,
                            query_id,
                        }
                        .into());
                    }
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let headers = std::mem::take(response.headers_mut());
                    match read_body(response).await {
                        Ok(Ok(body)) => Ok((
                            Answer {
                                status: status.as_u16(),
                                query_id,
                                body,
                                secrets: secrets.clone(),
                                headers,
                            },
                            retry_after,
                        )),
                        // Deterministic: never worth a retry.
                        Ok(Err(too_large)) => {
                            return Err(TransportError {
                                method: method.to_string(),
                                route: path.route().to_owned(),
                                kind: TransportKind::TooLarge,
                                may_have_been_processed: true,
                                attempted_at,
                                attempts: attempt,
                                source: Box::new(too_large),
                            }
                            .into());
                        }
                        Err(e) => Err(e),
                    }
                }
                Err(e) => Err(e),
            };
            match outcome {
                Ok((answer, retry_after)) => {
                    span.answered(attempt, answer.status, answer.query_id.as_deref(), &clock);
                    if idempotent
                        && retryable_status(answer.status)
                        && attempt <= inner.retry.max_retries
                    {
                        let delay = inner.retry.delay(attempt, retry_after.as_deref(), jitter());
                        span.retrying(attempt, RetryCause::Status(answer.status), delay);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    if signed && !resynced && answer.is_query_time_out() {
                        // OVH refused the timestamp before processing anything: safe to
                        // resync and resend once, even for a POST.
                        resynced = true;
                        span.resync(attempt);
                        inner
                            .clock
                            .resync(generation, || self.fetch_server_time())
                            .await?;
                        continue;
                    }
                    if answer.status == 401 && !reauthenticated {
                        if let (Some(g), Some(cache)) = (oauth2_generation, &inner.oauth2) {
                            // The token was refused before anything was processed: fetch
                            // a new one (unless a concurrent caller already did) and
                            // resend once. A second 401 is returned as an error.
                            reauthenticated = true;
                            span.token_refused(attempt);
                            cache.invalidate(g).await;
                            continue;
                        }
                    }
                    return Ok(answer);
                }
                Err(e) => {
                    span.no_answer(attempt, &e);
                    let retry = idempotent && attempt <= inner.retry.max_retries && !e.is_builder();
                    if retry {
                        let delay = inner.retry.delay(attempt, None, jitter());
                        span.retrying(attempt, RetryCause::Transport(&e), delay);
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    if e.is_builder() {
                        // reqwest refused to build the request: nothing left this process.
                        return Err(Error::InvalidRequest(format!(
                            "{method} {} could not be sent: {}",
                            path.route(),
                            e.without_url()
                        )));
                    }
                    return Err(transport_error(method, path, e, attempted_at, attempt).into());
                }
            }
        }
    }
}

/// One request as [`OvhClient::send`] takes it.
struct Request<'a> {
    method: &'a Method,
    path: &'a ApiPath,
    body: Option<String>,
    authenticated: bool,
    headers: &'a HeaderMap,
}

fn header(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest("the application key is not a valid header value".into())
    })
}

fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    sensitive(&format!("Bearer {token}"))
}

fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::InvalidRequest(
            "a credential contains characters that cannot be sent in a header".into(),
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn answer(body: &str) -> Answer {
        Answer {
            status: 200,
            query_id: Some("EU.q".into()),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
            secrets: Secrets::default(),
            headers: HeaderMap::new(),
        }
    }

    fn failing_field<T: DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
        let err = answer(body)
            .decode::<T>(&Method::GET, &ApiPath::new("/service"))
            .unwrap_err();
        let Error::Decode(d) = err else {
            panic!("{err:?}")
        };
        assert_eq!(d.route, "/service");
        assert_eq!(d.query_id.as_deref(), Some("EU.q"));
        d.field
    }

    /// A non-JSON body becomes one short printable line, whatever its shape: words kept
    /// whole while they fit, a word longer than the room (minified JSON, a token) cut on
    /// a character boundary, control characters dropped.
    #[test]
    fn snippets_are_short_printable_and_never_empty_for_a_long_word() {
        let long = format!("{{\"error\":\"{}é{}\"}}", "x".repeat(180), "y".repeat(100));
        let s = snippet(long.as_bytes());
        assert!(s.starts_with("{\"error\":\"xxx"), "{s}");
        assert!(s.ends_with(" …") && s.len() <= MAX_SNIPPET + 4, "{s}");
        let s = snippet(b"<html>\n<b>502</b>\x1b[0m\tBad\r\nGateway</html>");
        assert_eq!(s, "<html> <b>502</b>[0m Bad Gateway</html>");
        let many = "word ".repeat(100);
        let s = snippet(many.as_bytes());
        assert!(s.len() <= MAX_SNIPPET + 4 && s.ends_with("word …"), "{s}");
        for cut in 0..8 {
            // A multi-byte character at every offset around the limit.
            let text = format!("{}{}", "a".repeat(MAX_SNIPPET - 4 + cut), "ééééé");
            let s = snippet(text.as_bytes());
            assert!(s.ends_with(" …"), "{s}");
        }
        assert_eq!(snippet(b""), "");
        assert_eq!(snippet(b"\xff\xfe"), "\u{fffd}\u{fffd}");
    }

    /// Success decodes on the fast path; a failure is decoded again to name the field.
    #[test]
    fn decode_names_the_failing_field_after_the_fast_path() {
        let ok: Vec<u64> = answer("[1, 2]")
            .decode(&Method::GET, &ApiPath::new("/service"))
            .unwrap();
        assert_eq!(ok, [1, 2]);
        assert_eq!(failing_field::<Vec<u64>>(r#"[1, 2, "three"]"#), "[2]");
        assert_eq!(
            failing_field::<BTreeMap<String, Vec<u64>>>(r#"{"a": [1], "b": [2, null]}"#),
            "b[1]"
        );
        assert_eq!(failing_field::<Vec<u64>>("[1] [2]"), ".");
    }

    /// A query id kept in errors: visible ASCII only, at most 128 characters then `…`.
    #[test]
    fn query_ids_are_capped_and_printable() {
        let kept = |raw: &[u8]| query_id(&String::from_utf8_lossy(raw));
        assert_eq!(
            kept(b"EU.ext-2.66c70f18.12345").as_deref(),
            Some("EU.ext-2.66c70f18.12345")
        );
        assert_eq!(kept(b"EU.a\tb c\xe9d").as_deref(), Some("EU.abcd"));
        assert_eq!(kept(b" \t ").as_deref(), None);
        let long = kept("x".repeat(5000).as_bytes()).unwrap();
        assert_eq!(long, format!("{}…", "x".repeat(MAX_QUERY_ID)));
        let exact = kept("y".repeat(MAX_QUERY_ID).as_bytes()).unwrap();
        assert_eq!(exact, "y".repeat(MAX_QUERY_ID));
    }

    /// A redirect's target is resolved and shown without userinfo, query or fragment.
    #[test]
    fn redirect_locations_are_resolved_and_scrubbed() {
        let request = reqwest::Url::parse("http://127.0.0.1:8080/1.0/me/order/1/pay").unwrap();
        let shown =
            |location: &str| redirect_location(&request, &HeaderValue::from_str(location).unwrap());
        assert_eq!(
            shown("/1.0/x?token=abc#f").as_deref(),
            Some("http://127.0.0.1:8080/1.0/x")
        );
        assert_eq!(
            shown("other").as_deref(),
            Some("http://127.0.0.1:8080/1.0/me/order/1/other")
        );
        assert_eq!(
            shown("https://u:pw@evil.example:444/p?k=secret").as_deref(),
            Some("https://evil.example:444/p")
        );
        assert_eq!(
            shown("javascript:alert(1)").as_deref(),
            Some("a javascript: URL")
        );
        assert_eq!(shown("http://[::1").as_deref(), None);
        let long = shown(&format!("/{}", "a".repeat(1000))).unwrap();
        assert!(long.len() <= 304 && long.ends_with('…'), "{long}");
    }
}
