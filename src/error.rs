//! The crate's one error type, and the OVH error answers it carries.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use crate::config::ConfigError;
use crate::endpoint::EndpointError;

/// Everything that can go wrong in a call.
///
/// Use the accessors ([`Error::status`], [`Error::query_id`], [`Error::error_code`]) and
/// predicates ([`Error::is_not_found`], [`Error::is_not_granted`],
/// [`Error::is_invalid_credential`], [`Error::is_forbidden`], [`Error::is_bad_parameters`],
/// [`Error::is_conflict`], [`Error::is_expired_service`], …) rather than matching on
/// `Display` text. They follow python-ovh's exceptions: `NotGrantedCall` →
/// `is_not_granted`; `NotCredential`, `InvalidKey`, `InvalidCredential` →
/// `is_invalid_credential`; `Forbidden` → `is_forbidden`; `ResourceNotFoundError` →
/// `is_not_found`; `BadParametersError` → `is_bad_parameters`; `ResourceConflictError` →
/// `is_conflict`; `ResourceExpiredError` → `is_expired_service`; `HTTPError` and
/// `NetworkError` → [`Error::Transport`]; `InvalidResponse` → [`Error::Decode`] (or an
/// [`Error::Api`] whose [`ApiError::ovh_body`] is `false`); `OAuth2FailureError` →
/// [`Error::oauth2`]. No variant ever contains the application secret, the
/// consumer key, a signature, an OAuth2 client secret or token, or an order's password or
/// URL, even when a server or proxy echoes them: server text is scrubbed before it is
/// kept, and decode errors never quote the value that failed.
///
/// **`Debug` is the report a program shows**: `{:?}` writes the `Display` text, each
/// cause once (`caused by: …`) and the [`ApiError::hint`], so that
/// `fn main() -> Result<(), Box<dyn std::error::Error>>` prints what to do; `{:#?}`
/// writes the fields.
///
/// ```
/// # #[cfg(feature = "test-util")] {
/// use ovh_renew::testing::api_error;
/// let e: Box<dyn std::error::Error> =
///     Box::new(api_error(403, "NOT_GRANTED_CALL", "This call has not been granted"));
/// let shown = format!("{e:?}");
/// assert!(shown.starts_with("OVH API error 403"), "{shown}");
/// assert!(shown.contains("\n  hint: "), "{shown}");
/// # }
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// OVH answered with a non-success status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// The server answered with a redirect (3xx), which this client never follows.
    #[error(transparent)]
    Redirect(Box<RedirectError>),
    /// The request could not be sent, or the answer could not be read.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// OVH answered with success, but the body is not what the API documents.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The client could not be configured (environment, `ovh.conf`, builder).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An endpoint name or URL is not valid.
    #[error(transparent)]
    Endpoint(#[from] EndpointError),
    /// A request was refused before anything was sent (an empty service list, a service
    /// name that cannot travel as one path segment, …).
    /// See [`RefusedRequest::kind`] for what was refused.
    #[error(transparent)]
    InvalidRequest(RefusedRequest),
    /// A call that must be signed was made with [`Credentials::application`](crate::Credentials::application),
    /// which has no consumer key (python-ovh: `InvalidKey`). Nothing was sent.
    #[error(
        "Invalid ConsumerKey: these credentials have no consumer key, so {method} {route} cannot be signed (nothing was sent); request one with OvhClient::request_consumer_key(&AccessRule::renewal_flow(), None), open its validation URL, then use Credentials::new(application_key, application_secret, consumer_key)"
    )]
    NoConsumerKey {
        /// HTTP method of the refused call.
        method: String,
        /// Its route template.
        route: String,
    },
    /// The OAuth2 token endpoint did not give an access token; the API call was not sent.
    #[error(transparent)]
    OAuth2(Box<OAuth2Error>),
    /// A call of the blocking client (feature `blocking`) was made from inside an async
    /// runtime, where blocking the thread could stall or deadlock it. Nothing was sent.
    #[error(
        "ovh_renew::blocking::OvhClient was called from inside an async runtime (nothing was sent): blocking there could stall it; use the async ovh_renew::OvhClient (blocking_client.as_async()) in async code, or make the blocking call from a plain std::thread"
    )]
    BlockingInAsync,
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return write_report(f, self, self.api().and_then(ApiError::hint).as_deref());
        }
        match self {
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Redirect(e) => f.debug_tuple("Redirect").field(e).finish(),
            Error::Transport(e) => f.debug_tuple("Transport").field(e).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::Config(e) => f.debug_tuple("Config").field(e).finish(),
            Error::Endpoint(e) => f.debug_tuple("Endpoint").field(e).finish(),
            Error::InvalidRequest(e) => f.debug_tuple("InvalidRequest").field(e).finish(),
            Error::NoConsumerKey { method, route } => f
                .debug_struct("NoConsumerKey")
                .field("method", method)
                .field("route", route)
                .finish(),
            Error::OAuth2(e) => f.debug_tuple("OAuth2").field(e).finish(),
            Error::BlockingInAsync => f.write_str("BlockingInAsync"),
        }
    }
}

/// Writes an error as a program shows it: its `Display`, each cause of its chain once
/// (`caused by: …`, one line each), then `hint`, if any. (The `Debug` of [`Error`] and
/// [`RenewError`](crate::workflow::RenewError), which `main` prints when it returns one.)
pub(crate) fn write_report(
    f: &mut fmt::Formatter<'_>,
    e: &(dyn std::error::Error + 'static),
    hint: Option<&str>,
) -> fmt::Result {
    write!(f, "{e}")?;
    let mut source = e.source();
    while let Some(cause) = source {
        write!(f, "\n  caused by: {cause}")?;
        source = cause.source();
    }
    if let Some(hint) = hint {
        write!(f, "\n  hint: {hint}")?;
    }
    Ok(())
}

impl Error {
    /// The HTTP status of an API error, a redirect or an undecodable answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// The OAuth2 token failure, when the token endpoint refused or could not be reached.
    pub fn oauth2(&self) -> Option<&OAuth2Error> {
        match self {
            Error::OAuth2(e) => Some(e),
            _ => None,
        }
    }

    /// OVH's `X-Ovh-QueryID` of the answer, to quote to OVH support.
    pub fn query_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.query_id.as_deref(),
            Error::Redirect(e) => e.query_id.as_deref(),
            Error::Decode(e) => e.query_id.as_deref(),
            _ => None,
        }
    }

    /// OVH's `errorCode` (e.g. `NOT_GRANTED_CALL`, `INVALID_SIGNATURE`).
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.error_code.as_deref(),
            _ => None,
        }
    }

    /// The API error, when OVH answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// 404, or class `Client::NotFound`.
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(|e| {
            e.status == 404
                || e.class
                    .as_deref()
                    .is_some_and(|c| c.starts_with("Client::NotFound"))
        })
    }

    /// The consumer key lacks an access rule for this call (`NOT_GRANTED_CALL`), or IAM
    /// refused it (`Client::Forbidden` with missing IAM actions).
    pub fn is_not_granted(&self) -> bool {
        self.api().is_some_and(|e| {
            e.error_code.as_deref() == Some("NOT_GRANTED_CALL")
                || (e.status == 403
                    && e.class
                        .as_deref()
                        .is_some_and(|c| c.starts_with("Client::Forbidden")))
        })
    }

    /// The consumer key is unknown, not validated yet, expired or missing
    /// (`INVALID_CREDENTIAL`, `NOT_CREDENTIAL`, `INVALID_KEY`, [`Error::NoConsumerKey`]),
    /// or the OAuth2 token endpoint refused the client (status 400 or 401).
    pub fn is_invalid_credential(&self) -> bool {
        match self {
            Error::NoConsumerKey { .. } => true,
            Error::OAuth2(e) => matches!(e.status, Some(400 | 401)),
            _ => self.error_code().is_some_and(|c| {
                matches!(c, "INVALID_CREDENTIAL" | "NOT_CREDENTIAL" | "INVALID_KEY")
            }),
        }
    }

    /// The service has expired (OVH's status 460).
    pub fn is_expired_service(&self) -> bool {
        self.status() == Some(460)
    }

    /// OVH refused the call with `errorCode` `FORBIDDEN` (python-ovh: `Forbidden`). An
    /// IAM refusal (class `Client::Forbidden`, no `errorCode`) is
    /// [`is_not_granted`](Self::is_not_granted) instead, as a missing access rule
    /// (`NOT_GRANTED_CALL`) is.
    pub fn is_forbidden(&self) -> bool {
        self.error_code() == Some("FORBIDDEN")
    }

    /// The request was refused as malformed: status 400, whatever the `errorCode` or
    /// class (python-ovh: `BadParametersError`; that includes `INVALID_SIGNATURE` and
    /// `QUERY_TIME_OUT`, which [`Error::error_code`] tells apart).
    pub fn is_bad_parameters(&self) -> bool {
        self.api().is_some_and(|e| e.status == 400)
    }

    /// The request conflicts with the resource's state: status 409, e.g. a cart that
    /// already exists (python-ovh: `ResourceConflictError`).
    pub fn is_conflict(&self) -> bool {
        self.api().is_some_and(|e| e.status == 409)
    }

    /// Whether the server may have received and processed the request. `false` means it
    /// certainly did not (refused before sending, connection never opened). Always `true`
    /// for answers a server sent, redirects included ([`Error::Redirect`]: a proxy may
    /// have forwarded the request before redirecting), and for a success answer whose
    /// body is not what OVH sends ([`Error::Decode`], e.g. a pay call answered with an
    /// HTML page).
    pub fn may_have_been_processed(&self) -> bool {
        match self {
            Error::Transport(t) => t.may_have_been_processed,
            Error::Api(_) | Error::Redirect(_) | Error::Decode(_) => true,
            Error::Config(_)
            | Error::Endpoint(_)
            | Error::InvalidRequest(_)
            | Error::NoConsumerKey { .. }
            | Error::OAuth2(_)
            | Error::BlockingInAsync => false,
        }
    }
}

impl Error {
    /// This error with its boxed sources made shareable, so that
    /// [`duplicate`](Self::duplicate) copies them whole (with their own sources).
    pub(crate) fn into_shared(self) -> Error {
        match self {
            Error::Transport(mut t) => {
                t.source = share(t.source);
                Error::Transport(t)
            }
            Error::OAuth2(mut o) => {
                o.source = o.source.map(share);
                Error::OAuth2(o)
            }
            other => other,
        }
    }

    /// A copy of this error, for each caller that waited on the one fetch (of the server
    /// time, of an OAuth2 token) that failed with it. Sources made shareable by
    /// [`into_shared`](Self::into_shared) are shared; a decode error's serde error is
    /// rebuilt from its text.
    pub(crate) fn duplicate(&self) -> Error {
        match self {
            Error::Api(e) => Error::Api(e.clone()),
            Error::Redirect(e) => Error::Redirect(e.clone()),
            Error::Transport(t) => Error::Transport(Box::new(TransportError {
                method: t.method.clone(),
                route: t.route.clone(),
                kind: t.kind,
                host: t.host.clone(),
                during: t.during.clone(),
                may_have_been_processed: t.may_have_been_processed,
                attempted_at: t.attempted_at,
                attempts: t.attempts,
                call_sent: t.call_sent,
                source: copy(&t.source),
            })),
            Error::Decode(d) => Error::Decode(Box::new(DecodeError {
                method: d.method.clone(),
                route: d.route.clone(),
                status: d.status,
                field: d.field.clone(),
                query_id: d.query_id.clone(),
                source: serde::de::Error::custom(d.source.to_string()),
            })),
            Error::Config(e) => Error::Config(e.clone()),
            Error::Endpoint(e) => Error::Endpoint(e.clone()),
            Error::InvalidRequest(r) => Error::InvalidRequest(r.clone()),
            Error::NoConsumerKey { method, route } => Error::NoConsumerKey {
                method: method.clone(),
                route: route.clone(),
            },
            Error::OAuth2(o) => Error::OAuth2(Box::new(OAuth2Error {
                token_url: o.token_url.clone(),
                status: o.status,
                error: o.error.clone(),
                description: o.description.clone(),
                source: o.source.as_ref().map(copy),
            })),
            Error::BlockingInAsync => Error::BlockingInAsync,
        }
    }
}

impl Error {
    /// A transport failure of the clock sync (`GET /auth/time`) that the call
    /// `method route` needed, reported as that call's: it names the call, and keeps the
    /// sync's request in [`TransportError::during`]. `call_may_have_been_processed` is
    /// the call's own state (an earlier attempt of an idempotent call may have reached
    /// OVH); the sync's is irrelevant, the call was not sent with it. Other errors (an
    /// OVH answer to `/auth/time`, a decode error) are returned unchanged.
    /// `call_sent`: the call was sent before (and refused with `QUERY_TIME_OUT`).
    pub(crate) fn in_clock_sync_of(
        self,
        method: &str,
        route: &str,
        call_sent: bool,
        call_may_have_been_processed: bool,
    ) -> Error {
        match self {
            Error::Transport(mut t) if t.during.is_none() => {
                t.during = Some(format!("{} {}", t.method, t.route));
                method.clone_into(&mut t.method);
                route.clone_into(&mut t.route);
                t.call_sent = call_sent;
                t.may_have_been_processed = call_may_have_been_processed;
                Error::Transport(t)
            }
            other => other,
        }
    }
}

/// What kind of request was refused before anything was sent ([`RefusedRequest::kind`]).
///
/// Match on it rather than on the message; new kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequestProblem {
    /// A value cannot travel as one path segment (empty, `.`, `..`), or a part of the
    /// path comes after its query.
    PathSegment,
    /// A product route is not one such as `vps`, `domain`, `hosting/web`.
    Product,
    /// A [`RenewRequest`](crate::models::RenewRequest) that
    /// [`RenewRequest::validate`](crate::models::RenewRequest::validate) refuses.
    RenewRequest,
    /// A [`RenewalUpdate`](crate::models::RenewalUpdate) that changes nothing, or that
    /// [`RenewalUpdate::check`](crate::models::RenewalUpdate::check) refuses (a mode or
    /// period the service cannot take).
    RenewalUpdate,
    /// A request body could not be serialized to JSON.
    Serialization,
    /// A credential (or the application key) holds characters a header cannot carry.
    HeaderValue,
    /// A consumer key was requested without any access rule.
    NoAccessRules,
    /// A consumer key was requested with credentials that have no application key
    /// (OAuth2, access token).
    NoApplicationKey,
    /// A payment was given for a dry run (`order(false)`).
    PaymentForDryRun,
    /// A payment choice that cannot be used as given: a registered mean without its
    /// id, a mean this crate does not know, a payment method the account does not have.
    PaymentChoice,
    /// A [`ServiceRenewApi::execute`](crate::ServiceRenewApi::execute) answered a call
    /// that may be retried with the reply of another call. (For a call that can order
    /// or pay, the error is [`Error::Decode`] instead: it may have acted.)
    MismatchedReply,
    /// A raw call ([`RawCall`](crate::RawCall)) was given a header it may not set, or
    /// one that is not valid.
    RefusedHeader,
    /// The URL is longer than the HTTP stack can send.
    UrlTooLong,
    /// The URL or the request could not be built from the endpoint and path.
    Url,
    /// The call is not supported by this implementation (e.g. a test fake that does not
    /// handle it).
    Unsupported,
}

/// A request refused before anything was sent ([`Error::InvalidRequest`]): its
/// [`kind`](Self::kind) and a message saying what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid request, nothing was sent: {message}")]
pub struct RefusedRequest {
    kind: RequestProblem,
    message: String,
}

impl RefusedRequest {
    /// A refusal of this kind, with a message (never a secret). For implementations of
    /// [`ServiceRenewApi`](crate::ServiceRenewApi) that refuse a call themselves.
    pub fn new(kind: RequestProblem, message: impl Into<String>) -> RefusedRequest {
        RefusedRequest {
            kind,
            message: message.into(),
        }
    }

    /// What was refused.
    pub fn kind(&self) -> RequestProblem {
        self.kind
    }

    /// What was wrong, and what to change.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<RefusedRequest> for Error {
    fn from(e: RefusedRequest) -> Self {
        Error::InvalidRequest(e)
    }
}

impl Error {
    /// A refusal before sending (see [`RefusedRequest`]).
    pub(crate) fn refused(kind: RequestProblem, message: impl Into<String>) -> Error {
        Error::InvalidRequest(RefusedRequest::new(kind, message))
    }

    /// The kind of a request refused before sending, for [`Error::InvalidRequest`].
    pub fn request_problem(&self) -> Option<RequestProblem> {
        match self {
            Error::InvalidRequest(r) => Some(r.kind),
            _ => None,
        }
    }
}

/// The texts of the error and of each of its causes, outermost first.
#[cfg(test)]
pub(crate) fn chain_levels(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(e), |e| e.source())
        .map(ToString::to_string)
        .collect()
}

/// The error and its causes as a chain printer shows them (`a: b: c`).
#[cfg(test)]
pub(crate) fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    chain_levels(e).join(": ")
}

type BoxedSource = Box<dyn std::error::Error + Send + Sync>;

/// An error source shared by the copies of one error (see [`Error::duplicate`]): it shows
/// and chains exactly like the source it wraps.
#[derive(Clone)]
struct SharedSource(Arc<dyn std::error::Error + Send + Sync>);

impl fmt::Debug for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for SharedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for SharedSource {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A source that only has its text (copied from one that was not shareable).
#[derive(Debug)]
struct CopiedSource(String);

impl fmt::Display for CopiedSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CopiedSource {}

fn share(source: BoxedSource) -> BoxedSource {
    if source.is::<SharedSource>() {
        source
    } else {
        Box::new(SharedSource(Arc::from(source)))
    }
}

fn copy(source: &BoxedSource) -> BoxedSource {
    match source.downcast_ref::<SharedSource>() {
        Some(shared) => Box::new(shared.clone()),
        None => Box::new(CopiedSource(source.to_string())),
    }
}

/// OVH's JSON error body, in either shape it has: `{"class","message","details"}` or the
/// legacy `{"errorCode","httpCode","message"}`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) class: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) error_code: Option<String>,
    #[serde(default)]
    pub(crate) details: Option<BTreeMap<String, serde_json::Value>>,
}

/// A non-success answer from OVH.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP method of the request.
    pub method: String,
    /// The route template, e.g. `/service/{serviceId}/renew` (no ids, no query).
    pub route: String,
    /// The access-rule pattern of the route, e.g. `/service/*/renew`.
    pub rule_path: String,
    /// HTTP status.
    pub status: u16,
    /// OVH's `class` (e.g. `Client::NotFound`), when given.
    pub class: Option<String>,
    /// OVH's `errorCode` (e.g. `NOT_GRANTED_CALL`), when given.
    pub error_code: Option<String>,
    /// OVH's message, or a short snippet of a non-JSON body (an HTML gateway page).
    ///
    /// Like every text of this error that the server chose (`class`, `error_code`,
    /// `details`, `query_id`), any secret the client holds (application secret, consumer
    /// key, the signatures and bearer token it sent, the OAuth2 client secret and its
    /// Basic form) is replaced by `<redacted>`, even when a server or proxy echoes it.
    pub message: String,
    /// OVH's `details` (e.g. `unauthorizedActionsByIAM`), as string values.
    pub details: BTreeMap<String, String>,
    /// `X-Ovh-QueryID` of the answer.
    pub query_id: Option<String>,
    /// Whether the body was OVH's JSON error shape (false for HTML pages and the like).
    pub ovh_body: bool,
    /// Why the route may not exist on the client's endpoint
    /// ([`Endpoint::route_note`](crate::Endpoint::route_note)), set on a 404.
    pub(crate) route_note: Option<&'static str>,
}

impl ApiError {
    /// What to do about it, when the crate knows. Not part of `Display` (which says what
    /// happened in one clause): print it next to the error, e.g.
    /// `if let Some(hint) = err.api().and_then(ApiError::hint) { eprintln!("hint: {hint}") }`.
    pub fn hint(&self) -> Option<String> {
        let code = self.error_code.as_deref().unwrap_or("");
        let iam = self
            .details
            .get("unauthorizedActionsByIAM")
            .filter(|s| !s.is_empty());
        if code == "NOT_GRANTED_CALL" {
            return Some(format!(
                "the consumer key lacks the access rule {} {}; check its current rules with OvhClient::current_credential() (GET /auth/currentCredential, whose missing_for_renewal() lists what the renewal flow lacks), then create a consumer key whose rules include it: OvhClient::request_consumer_key(&AccessRule::renewal_flow(), None)",
                self.method, self.rule_path
            ));
        }
        if let Some(actions) = iam {
            return Some(format!(
                "missing IAM permission: {actions}; grant it to this identity in an IAM policy"
            ));
        }
        if let Some(note) = self.route_note.filter(|_| self.status == 404) {
            return Some(note.to_owned());
        }
        match code {
            "INVALID_CREDENTIAL" | "NOT_CREDENTIAL" => Some(
                "the consumer key is unknown, not validated yet or expired: open its validation URL, or create a new one".into(),
            ),
            "INVALID_KEY" => Some("the application key is not known to this endpoint".into()),
            "FORBIDDEN" => Some(
                "OVH forbids this call to this account or credential: check that the account may use this route (some need a contract or a subsidiary), then the consumer key's rules and the IAM policies".into(),
            ),
            "INVALID_SIGNATURE" => Some(
                "check the application secret and consumer key (no stray blanks) and that they belong to this endpoint".into(),
            ),
            "QUERY_TIME_OUT" => {
                Some("the request timestamp was refused: check this machine's clock".into())
            }
            _ if self.status == 460 => Some("the service has expired: renew or reopen it".into()),
            _ if self.status == 401 => Some(
                "authentication was refused: with Credentials::access_token the token may have expired (it is never refreshed); with Credentials::oauth2 a fresh token was already tried once".into(),
            ),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "OVH API error {} on {} {}",
            self.status, self.method, self.route
        )?;
        match (&self.class, &self.error_code) {
            (Some(class), Some(code)) => write!(f, " ({class}, {code})")?,
            (Some(one), None) | (None, Some(one)) => write!(f, " ({one})")?,
            (None, None) => {}
        }
        if self.ovh_body {
            write!(f, ": {}", self.message)?;
        } else if self.message.is_empty() {
            f.write_str(": empty non-OVH body")?;
        } else {
            write!(f, ": non-OVH body: {}", self.message)?;
        }
        if !self.details.is_empty() {
            f.write_str(" [")?;
            for (i, (k, v)) in self.details.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{k}={v}")?;
            }
            f.write_str("]")?;
        }
        if let Some(q) = &self.query_id {
            write!(f, " (X-Ovh-QueryID: {q})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A redirect (3xx) answer. This client never follows redirects, for any request
/// (API calls, `/auth/time`, consumer-key requests, OAuth2 token requests): following one
/// would send the request, its body and its credentials a second time, possibly to
/// another host, or turn a POST into a GET whose answer would pass for the POST's.
///
/// [`Error::may_have_been_processed`] is `true`: OVH's API does not redirect, so a 3xx
/// comes from something between (a proxy, a captive portal, a wrong endpoint) that may
/// have forwarded the request before answering. For an order or a payment, read the
/// account's state (`GET /me/order/{orderId}/status`, `GET /me/order`) before sending it
/// again.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedirectError {
    /// HTTP method of the request.
    pub method: String,
    /// The route template, e.g. `/service/{serviceId}/renew`.
    pub route: String,
    /// The redirect status (300–399).
    pub status: u16,
    /// Where the answer pointed, resolved against the request URL, without user
    /// information, query string or fragment (they may hold secrets); `None` without a
    /// usable `Location` header.
    pub location: Option<String>,
    /// `X-Ovh-QueryID` of the answer, if any.
    pub query_id: Option<String>,
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "redirect {} on {} {}: ",
            self.status, self.method, self.route
        )?;
        match &self.location {
            Some(location) => write!(f, "the redirect to {location} was not followed")?,
            None => f.write_str("the redirect (without a usable Location) was not followed")?,
        }
        f.write_str(
            " (this client never follows redirects; OVH's API does not send them, so a proxy or a wrong endpoint did); the server may have received and processed the request",
        )?;
        if self.method != "GET" {
            f.write_str(
                ": before sending it again, check what happened (an order: GET /me/order; a payment: GET /me/order/{orderId}/status)",
            )?;
        }
        if let Some(q) = &self.query_id {
            write!(f, " (X-Ovh-QueryID: {q})")?;
        }
        Ok(())
    }
}

impl std::error::Error for RedirectError {}

impl From<RedirectError> for Error {
    fn from(e: RedirectError) -> Self {
        Error::Redirect(Box::new(e))
    }
}

/// The request could not be completed at the transport level.
///
/// `Display` names the call, the host and what failed, e.g. `GET /service/{serviceId}
/// (while syncing the clock with GET /auth/time): could not connect to
/// eu.api.ovh.com:443; the call never reached the server (after 3 attempts)`; the network
/// error itself is the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error(
    "{method} {route}{}: {}{}{}",
    during.as_deref().map(|d| format!(" (while syncing the clock with {d})")).unwrap_or_default(),
    kind.at(host.as_deref()),
    match (*may_have_been_processed, during.is_some(), *call_sent) {
        (true, _, _) => "; the server may have received and processed the request",
        (false, true, true) => "; OVH refused the call unprocessed (QUERY_TIME_OUT) and it was not resent",
        (false, true, false) => "; the call never reached the server",
        (false, false, _) => "; the request never reached the server",
    },
    if *attempts > 1 { format!(" (after {attempts} attempts)") } else { String::new() }
)]
#[non_exhaustive]
pub struct TransportError {
    /// HTTP method of the call.
    pub method: String,
    /// The call's route template, e.g. `/service/{serviceId}/renew`.
    pub route: String,
    /// What failed.
    pub kind: TransportKind,
    /// The host and port the failing request went to, e.g. `eu.api.ovh.com:443`.
    pub host: Option<String>,
    /// The request that failed when it was not the call itself: `GET /auth/time`, the
    /// clock sync a signed call needs before its first request (or after OVH's
    /// `QUERY_TIME_OUT`). [`method`](Self::method) and [`route`](Self::route) are then
    /// the call you made, and [`attempts`](Self::attempts) counts the clock sync's.
    pub during: Option<String>,
    /// Whether the server may have received and processed the call; `false` when it
    /// certainly did not (a connect failure, or a failed clock sync before the call was
    /// sent).
    pub may_have_been_processed: bool,
    /// When the last attempt started.
    pub attempted_at: SystemTime,
    /// How many attempts were made.
    pub attempts: u32,
    /// With [`during`](Self::during): whether the call itself had been sent (and refused
    /// with `QUERY_TIME_OUT`) before the clock sync failed.
    pub(crate) call_sent: bool,
    /// The underlying error.
    #[source]
    pub source: Box<dyn std::error::Error + Send + Sync>,
}

/// The kind of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be opened (DNS, refused, TLS handshake).
    Connect,
    /// The request or the answer took longer than the timeout.
    Timeout,
    /// The connection broke while sending or while reading the answer.
    Connection,
    /// Anything else reqwest reports.
    Other,
    /// The answer was larger than the client accepts (see
    /// [`MAX_ANSWER_BYTES`](crate::MAX_ANSWER_BYTES)); it was not read to the end.
    TooLarge,
}

impl TransportKind {
    /// What kind of failure a reqwest error is: the one classifier of the crate (errors,
    /// tracing events and span fields all use it).
    pub(crate) fn of(e: &reqwest::Error) -> TransportKind {
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

    /// The kind's fixed label, shown by `Display` and recorded by tracing.
    pub(crate) fn label(self) -> &'static str {
        match self {
            TransportKind::Connect => "could not connect",
            TransportKind::Timeout => "timed out",
            TransportKind::Connection => "connection failed",
            TransportKind::Other => "HTTP transport error",
            TransportKind::TooLarge => "answer too large",
        }
    }
}

impl TransportKind {
    /// What failed, naming the host when it is known ("could not connect to
    /// eu.api.ovh.com:443").
    fn at(self, host: Option<&str>) -> String {
        let Some(host) = host else {
            return self.label().to_owned();
        };
        match self {
            TransportKind::Connect => format!("could not connect to {host}"),
            TransportKind::Timeout => format!("timed out waiting for {host}"),
            TransportKind::Connection => format!("the connection to {host} failed"),
            TransportKind::Other => format!("HTTP transport error with {host}"),
            TransportKind::TooLarge => format!("the answer from {host} was too large"),
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Error {
    /// A fixed label for what kind of error this is (never its text, which may quote the
    /// server): the `error` field of the tracing span.
    #[cfg_attr(not(feature = "tracing"), allow(dead_code))]
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Error::Transport(t) => t.kind.label(),
            Error::OAuth2(_) => "no oauth2 token",
            Error::NoConsumerKey { .. } => "no consumer key",
            Error::InvalidRequest(_) => "invalid request",
            Error::Api(_) | Error::Decode(_) => "api error",
            _ => "error",
        }
    }
}

/// A success answer whose body does not match the documented shape.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot decode the answer of {method} {route} (status {status}) at `{field}`{}{}",
    if method == "GET" { "" } else { "; the server may have received and processed the request: before sending it again, check what happened (an order: GET /me/order; a payment: GET /me/order/{orderId}/status)" },
    query_id.as_deref().map(|q| format!(" (X-Ovh-QueryID: {q})")).unwrap_or_default()
)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP method of the request.
    pub method: String,
    /// The route template.
    pub route: String,
    /// HTTP status of the answer.
    pub status: u16,
    /// The JSON path of the failing field (`.` for the whole body), e.g. `[0].renewPeriod`.
    pub field: String,
    /// `X-Ovh-QueryID` of the answer.
    pub query_id: Option<String>,
    /// The serde error, rebuilt without the value that failed: serde quotes it, and it
    /// may be an order's password or URL, or a secret a server echoed. The message keeps
    /// what was expected and the position (`invalid type: string (value not shown),
    /// expected u64 at line 1 column 9`).
    #[source]
    pub source: serde_json::Error,
}

/// The OAuth2 token endpoint refused to give a token, answered something else than a
/// token, or could not be reached (python-ovh: `OAuth2FailureError`).
///
/// It keeps the status and the server's own words (`error`, `error_description`, or OVH's
/// `message`) with every secret the client holds replaced by `<redacted>` (the client
/// secret, its HTTP Basic form, tokens): never the client secret nor a token, even when
/// the server echoes them.
#[derive(Debug)]
#[non_exhaustive]
pub struct OAuth2Error {
    /// The token URL that was called, without its query string (shown as `?<redacted>`)
    /// nor fragment: a query may carry a credential.
    pub token_url: String,
    /// The HTTP status of the answer; `None` when no answer arrived.
    pub status: Option<u16>,
    /// The OAuth2 `error` code (e.g. `invalid_client`), or OVH's `class`.
    pub error: Option<String>,
    /// The OAuth2 `error_description`, OVH's `message`, a snippet of a non-JSON body, or
    /// what was wrong with a success answer (e.g. no `access_token`).
    pub description: Option<String>,
    /// The transport error, when no answer arrived.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl fmt::Display for OAuth2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OAuth2 failure: ")?;
        match (&self.error, &self.description) {
            (Some(e), Some(d)) => write!(f, "({e}) {d}")?,
            (Some(one), None) | (None, Some(one)) => f.write_str(one)?,
            (None, None) => f.write_str("no access token")?,
        }
        match (self.status, &self.source) {
            (Some(status), _) => write!(f, " (status {status} from {})", self.token_url)?,
            (None, Some(_)) => write!(f, " (calling {})", self.token_url)?,
            (None, None) => write!(f, " (from {})", self.token_url)?,
        }
        if matches!(self.status, Some(400 | 401)) {
            f.write_str("; check the client id and secret of the service account, and that they belong to this region")?;
        }
        Ok(())
    }
}

impl std::error::Error for OAuth2Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<OAuth2Error> for Error {
    fn from(e: OAuth2Error) -> Self {
        Error::OAuth2(Box::new(e))
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

impl From<TransportError> for Error {
    fn from(e: TransportError) -> Self {
        Error::Transport(Box::new(e))
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::Decode(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner")]
    struct Inner;

    use super::chain_levels as chain;

    /// A 404 on a route the client's endpoint does not document is hinted with the note;
    /// the note never changes `Display` nor another status's hint.
    #[test]
    fn a_404_on_a_route_absent_from_the_endpoint_is_hinted() {
        let api = |status: u16| ApiError {
            method: "POST".into(),
            route: "/service/{serviceId}/renew".into(),
            rule_path: "/service/*/renew".into(),
            status,
            class: Some("Client::NotFound".into()),
            error_code: None,
            message: "Got an invalid (or empty) URL".into(),
            details: BTreeMap::new(),
            query_id: None,
            ovh_body: true,
            route_note: crate::Endpoint::OvhCa.route_note("POST", "/service/*/renew"),
        };
        let hint = api(404).hint().unwrap();
        assert!(
            hint.contains("ovh-ca") && hint.contains("EU endpoints"),
            "{hint}"
        );
        assert!(!api(404).to_string().contains("ovh-ca"));
        assert_eq!(api(409).hint(), None);
        let plain = ApiError {
            route_note: None,
            ..api(404)
        };
        assert_eq!(plain.hint(), None);
    }

    /// An API error's `Display` is one clause (status, route, class/code, message, query
    /// id); the advice is `hint()` only.
    #[test]
    fn api_error_display_leaves_the_advice_to_hint() {
        let e = ApiError {
            method: "POST".into(),
            route: "/service/{serviceId}/renew".into(),
            rule_path: "/service/*/renew".into(),
            status: 403,
            class: None,
            error_code: Some("NOT_GRANTED_CALL".into()),
            message: "This call has not been granted".into(),
            details: BTreeMap::new(),
            query_id: Some("EU.q1".into()),
            ovh_body: true,
            route_note: None,
        };
        let hint = e.hint().unwrap();
        assert!(
            hint.contains("lacks the access rule POST /service/*/renew"),
            "{hint}"
        );
        assert_eq!(
            e.to_string(),
            "OVH API error 403 on POST /service/{serviceId}/renew (NOT_GRANTED_CALL): This call has not been granted (X-Ovh-QueryID: EU.q1)"
        );
    }

    /// Each caller that waited on a failed fetch gets a copy that shows, chains and
    /// classifies like the original.
    #[test]
    fn duplicates_show_chain_and_classify_like_the_original() {
        let transport = Error::from(TransportError {
            method: "GET".into(),
            route: "/auth/time".into(),
            kind: TransportKind::Connection,
            host: Some("127.0.0.1:9".into()),
            during: Some("GET /auth/time".into()),
            may_have_been_processed: true,
            attempted_at: SystemTime::UNIX_EPOCH,
            attempts: 3,
            call_sent: false,
            source: Box::new(Outer(Inner)),
        });
        let oauth2 = Error::from(OAuth2Error {
            token_url: "https://t/token".into(),
            status: None,
            error: None,
            description: None,
            source: Some(Box::new(Outer(Inner))),
        });
        let decode = Error::from(DecodeError {
            method: "GET".into(),
            route: "/auth/time".into(),
            status: 200,
            field: ".".into(),
            query_id: Some("EU.q".into()),
            source: serde_json::from_str::<i64>("{}").unwrap_err(),
        });
        for original in [
            transport,
            oauth2,
            decode,
            Error::from(RefusedRequest::new(RequestProblem::PathSegment, "x")),
        ] {
            let shared = original.into_shared();
            for copy in [shared.duplicate(), shared.duplicate().duplicate()] {
                assert_eq!(chain(&copy), chain(&shared));
                assert_eq!(
                    copy.may_have_been_processed(),
                    shared.may_have_been_processed()
                );
                assert_eq!(copy.status(), shared.status());
                assert_eq!(copy.query_id(), shared.query_id());
            }
        }
        let Error::Transport(t) = Error::from(TransportError {
            method: "GET".into(),
            route: "/".into(),
            kind: TransportKind::Timeout,
            host: None,
            during: None,
            may_have_been_processed: true,
            attempted_at: SystemTime::UNIX_EPOCH,
            attempts: 1,
            call_sent: false,
            source: Box::new(Inner),
        })
        .duplicate() else {
            panic!("not a transport error")
        };
        // Not made shareable first: the copy keeps the text of the source.
        assert_eq!(
            (t.kind, t.source.to_string()),
            (TransportKind::Timeout, "inner".into())
        );
    }
}
