//! The steps of one attempt, each small: the URL, the authentication headers, sending and
//! reading the whole answer. What to do next is [`decide`](super::decide::decide)'s.

use std::time::SystemTime;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};

use super::decide::Outcome;
use super::{Auth, Request, Transport};
use crate::answer::{Answer, AnswerTooLarge, query_id, read_body};
use crate::clock::local_unix;
use crate::error::{Error, RedirectError, RequestProblem, TransportError, TransportKind};
use crate::oauth2::HttpSettings;
use crate::scrub::Secrets;
use crate::signing::signature;
use crate::trace::RequestSpan;

/// The longest URL sent: what `http::Uri` (under reqwest and hyper) accepts. A longer
/// one is refused before sending ([`Error::InvalidRequest`], nothing sent).
const MAX_URL_BYTES: usize = u16::MAX as usize - 1;

/// What an attempt's authentication used: for the decision and for what follows it.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Used {
    /// Signed, with the clock delta of this generation (for a `QUERY_TIME_OUT` resync).
    pub(super) signed: Option<u64>,
    /// An OAuth2 token of this generation (for a 401).
    pub(super) oauth2: Option<u64>,
}

/// What one attempt came back with.
pub(super) enum Sent {
    /// A whole answer, and its `Retry-After` header.
    Answer(Answer, Option<String>),
    /// A 3xx answer.
    Redirect(RedirectError),
    /// An answer over the size limit.
    TooLarge(AnswerTooLarge),
    /// No answer.
    NoAnswer(reqwest::Error),
}

impl Sent {
    /// What [`super::decide::decide`] looks at.
    pub(super) fn outcome(&self) -> Outcome<'_> {
        match self {
            Sent::Answer(answer, retry_after) => Outcome::Answered {
                status: answer.status,
                query_time_out: answer.is_query_time_out(),
                retry_after: retry_after.as_deref(),
            },
            Sent::Redirect(_) => Outcome::Redirect,
            Sent::TooLarge(_) => Outcome::TooLarge,
            Sent::NoAnswer(e) => Outcome::NoAnswer {
                builder: e.is_builder(),
            },
        }
    }

    /// The request's result when this attempt is the last.
    pub(super) fn into_result(
        self,
        request: &Request<'_>,
        url: &reqwest::Url,
        attempted_at: SystemTime,
        attempts: u32,
    ) -> Result<Answer, Error> {
        let (method, route) = (request.method, request.path.route());
        let host = authority(url);
        match self {
            Sent::Answer(answer, _) => Ok(answer),
            Sent::Redirect(redirect) => Err(redirect.into()),
            // Deterministic: never worth a retry.
            Sent::TooLarge(too_large) => Err(TransportError {
                method: method.to_string(),
                route: route.to_owned(),
                kind: TransportKind::TooLarge,
                host,
                during: None,
                may_have_been_processed: true,
                attempted_at,
                attempts,
                call_sent: false,
                source: Box::new(too_large),
            }
            .into()),
            // reqwest refused to build the request: nothing left this process.
            Sent::NoAnswer(e) if e.is_builder() => Err(Error::refused(
                RequestProblem::Url,
                format!("{method} {route} could not be sent: {}", e.without_url()),
            )),
            Sent::NoAnswer(e) => {
                let kind = TransportKind::of(&e);
                Err(TransportError {
                    method: method.to_string(),
                    route: route.to_owned(),
                    kind,
                    host,
                    during: None,
                    may_have_been_processed: kind != TransportKind::Connect,
                    attempted_at,
                    attempts,
                    call_sent: false,
                    source: Box::new(e.without_url()),
                }
                .into())
            }
        }
    }
}

impl Transport {
    /// The URL of `request` on the endpoint, or why it cannot be sent (nothing sent).
    pub(super) fn url(&self, request: &Request<'_>) -> Result<reqwest::Url, Error> {
        let (method, path) = (request.method, request.path);
        path.check()?;
        let url_text = path.url_on(self.endpoint.base_url().as_str());
        if url_text.len() > MAX_URL_BYTES {
            // The HTTP stack (`http::Uri`) cannot carry it: refuse it here, where it is
            // certain that nothing was sent. Not echoed: it is long and may quote values.
            return Err(Error::refused(
                RequestProblem::UrlTooLong,
                format!(
                    "the URL of {method} {} is {} bytes long, more than the {MAX_URL_BYTES} the HTTP stack can send",
                    path.route(),
                    url_text.len()
                ),
            ));
        }
        reqwest::Url::parse(&url_text).map_err(|e| {
            Error::refused(
                RequestProblem::Url,
                format!("cannot build the URL of {}: {e}", path.route()),
            )
        })
    }

    /// One attempt's request, authenticated as the client's [`Auth`] says (signed with a
    /// fresh timestamp, or with the cached bearer token); its signature or token is added
    /// to `secrets`.
    pub(super) async fn authorize(
        &self,
        request: &Request<'_>,
        url: &reqwest::Url,
        secrets: &mut Secrets,
    ) -> Result<(reqwest::RequestBuilder, Used), Error> {
        let mut builder = self
            .http
            .request(request.method.to_reqwest(), url.clone())
            .timeout(self.timeout)
            .headers(request.headers.clone())
            .header(USER_AGENT, self.user_agent.clone());
        let mut used = Used::default();
        match &self.auth {
            Auth::Signed {
                application_key,
                application_secret,
                consumer_key,
            } => {
                builder = builder.header("X-Ovh-Application", header(application_key)?);
                if request.authenticated {
                    let Some(consumer_key) = consumer_key else {
                        return Err(Error::NoConsumerKey {
                            method: request.method.to_string(),
                            route: request.path.route().to_owned(),
                        });
                    };
                    // Before the call's first attempt: it was not sent.
                    let (delta, generation) = self.clock_delta().await.map_err(|e| {
                        e.in_clock_sync_of(
                            request.method.as_str(),
                            request.path.route(),
                            false,
                            false,
                        )
                    })?;
                    used.signed = Some(generation);
                    let timestamp = local_unix().saturating_add(delta);
                    let sig = signature(
                        application_secret.expose(),
                        consumer_key.expose(),
                        request.method.as_str(),
                        url.as_str(),
                        request.body.as_deref().unwrap_or_default(),
                        timestamp,
                    );
                    secrets.add(&sig);
                    builder = builder
                        .header("X-Ovh-Consumer", sensitive(consumer_key.expose())?)
                        .header("X-Ovh-Timestamp", timestamp)
                        .header("X-Ovh-Signature", sensitive(&sig)?);
                }
            }
            Auth::OAuth2(cache) if request.authenticated => {
                let settings = HttpSettings {
                    http: &self.http,
                    timeout: self.timeout,
                    user_agent: &self.user_agent,
                };
                let bearer = cache.bearer(&settings).await?;
                used.oauth2 = Some(bearer.generation);
                secrets.add(bearer.token.expose());
                builder = builder.header(AUTHORIZATION, bearer_header(bearer.token.expose())?);
            }
            Auth::Bearer(token) if request.authenticated => {
                builder = builder.header(AUTHORIZATION, bearer_header(token.expose())?);
            }
            Auth::OAuth2(_) | Auth::Bearer(_) => {}
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        Ok((builder, used))
    }
}

/// Sends one attempt and reads its whole answer (a redirect is never followed, nor its
/// body read). Every server text kept is scrubbed of `secrets`.
pub(super) async fn send_once(
    builder: reqwest::RequestBuilder,
    request: &Request<'_>,
    url: &reqwest::Url,
    secrets: &Secrets,
    span: &RequestSpan,
    attempt: u32,
) -> Sent {
    let clock = span.attempt_clock();
    let mut response = match builder.send().await {
        Ok(response) => response,
        Err(e) => {
            span.no_answer(attempt, &e);
            return Sent::NoAnswer(e);
        }
    };
    let status = response.status();
    // Scrubbed first (the span records it too), then capped, so that no cut leaves the
    // start of a secret.
    let query_id = response
        .headers()
        .get("X-Ovh-QueryID")
        .and_then(|v| query_id(&secrets.scrub(&String::from_utf8_lossy(v.as_bytes()))));
    if status.is_redirection() {
        // Never followed (the client's policy is `Policy::none()`), and never taken for
        // the request's result.
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| redirect_location(url, v))
            .map(|l| secrets.scrub_owned(l));
        span.answered(attempt, status.as_u16(), query_id.as_deref(), &clock);
        return Sent::Redirect(RedirectError {
            method: request.method.to_string(),
            route: request.path.route().to_owned(),
            status: status.as_u16(),
            location,
            query_id,
        });
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let headers = std::mem::take(response.headers_mut());
    match read_body(response).await {
        Ok(Ok(body)) => {
            let answer = Answer {
                status: status.as_u16(),
                query_id,
                body,
                secrets: secrets.clone(),
                headers,
            };
            span.answered(attempt, answer.status, answer.query_id.as_deref(), &clock);
            Sent::Answer(answer, retry_after)
        }
        Ok(Err(too_large)) => Sent::TooLarge(too_large),
        Err(e) => {
            span.no_answer(attempt, &e);
            Sent::NoAnswer(e)
        }
    }
}

/// The host and port of `url` (`eu.api.ovh.com:443`, `[::1]:8080`), never its user
/// information.
fn authority(url: &reqwest::Url) -> Option<String> {
    Some(format!("{}:{}", url.host()?, url.port_or_known_default()?))
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

fn header(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value).map_err(|_| {
        Error::refused(
            RequestProblem::HeaderValue,
            "the application key is not a valid header value",
        )
    })
}

fn bearer_header(token: &str) -> Result<HeaderValue, Error> {
    sensitive(&format!("Bearer {token}"))
}

fn sensitive(value: &str) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::from_str(value).map_err(|_| {
        Error::refused(
            RequestProblem::HeaderValue,
            "a credential contains characters that cannot be sent in a header",
        )
    })?;
    v.set_sensitive(true);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
