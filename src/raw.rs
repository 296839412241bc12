//! Raw calls: any route with python-ovh's `raw_call` options (extra headers, no
//! authentication), and the answer's headers when they matter (`X-Pagination-*`).
//!
//! [`OvhClient::call`](crate::OvhClient::call) and
//! [`OvhClient::call_with_body`](crate::OvhClient::call_with_body) stay the short way; a
//! [`RawCall`] ([`OvhClient::raw_call`](crate::OvhClient::raw_call)) goes through the
//! same pipeline (signing, time sync, retries of GETs only, no redirect followed, typed
//! errors) and adds:
//!
//! - [`RawCall::header`]: extra request headers, such as `X-Pagination-Size`,
//!   `X-Pagination-Cursor` or `X-Ovh-Batch`. They are sent as given and are not signed
//!   (OVH signs the method, the URL, the body and the timestamp only). A header the
//!   crate or the HTTP stack sets itself is refused, case-insensitively, before anything
//!   is sent (see [`RawCall::header`]).
//! - [`RawCall::need_auth`]`(false)`: an unauthenticated call (python-ovh's
//!   `need_auth=False`), for public routes such as `/order/catalog/public/…` or
//!   `/auth/time`: with application credentials only `X-Ovh-Application` is sent (no
//!   consumer key, no timestamp, no signature, so no `GET /auth/time` either; a consumer
//!   key is not needed); with OAuth2 or an access token, no `Authorization` (and no token
//!   request).
//! - [`RawCall::send_with_headers`]: the decoded value with the answer's status and
//!   headers ([`RawAnswer`]).

use std::fmt;

use crate::Method;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, RequestProblem};
use crate::path::ApiPath;
use crate::transport::{Request, Transport};

/// Request headers a [`RawCall`] refuses, lower case, with why: the crate sets them (to
/// authenticate, to describe the body it signs) or the HTTP stack does (framing and
/// connection handling, where a second value could split or smuggle requests).
const RESERVED: [(&str, &str); 15] = [
    ("x-ovh-application", SIGNING),
    ("x-ovh-consumer", SIGNING),
    ("x-ovh-timestamp", SIGNING),
    ("x-ovh-signature", SIGNING),
    (
        "authorization",
        "the client sets it from the OAuth2 or access-token credentials",
    ),
    (
        "content-type",
        "the client sends the JSON body it signs as application/json",
    ),
    (
        "user-agent",
        "the client sets it: use OvhClientBuilder::user_agent",
    ),
    ("host", STACK),
    ("content-length", STACK),
    ("transfer-encoding", STACK),
    ("connection", STACK),
    ("keep-alive", STACK),
    ("proxy-connection", STACK),
    ("upgrade", STACK),
    ("te", STACK),
];

const SIGNING: &str = "the client sets it to authenticate and sign the request";
const STACK: &str =
    "the HTTP stack sets it from the URL and the body (framing and connection headers)";

/// Why a request header cannot be set on a raw call, or `None` when it can.
/// Case-insensitive (header names are). `trailer` and `expect` are refused too.
pub(crate) fn reserved(name: &HeaderName) -> Option<&'static str> {
    // `HeaderName` is lower case already.
    let name = name.as_str();
    if matches!(name, "trailer" | "expect") {
        return Some(STACK);
    }
    RESERVED
        .iter()
        .find(|(reserved, _)| *reserved == name)
        .map(|(_, why)| *why)
}

/// A raw API call being built: [`OvhClient::raw_call`](crate::OvhClient::raw_call), then any of
/// [`header`](Self::header), [`body`](Self::body), [`need_auth`](Self::need_auth), then
/// [`send`](Self::send) or [`send_with_headers`](Self::send_with_headers).
///
/// Nothing is sent before `send`. A problem found while building (a refused or invalid
/// header, a body that does not serialize) is kept and returned by `send` as
/// [`Error::InvalidRequest`], still without sending anything.
///
/// ```no_run
/// # async fn demo(client: ovh_renew::OvhClient) -> Result<(), ovh_renew::Error> {
/// use ovh_renew::{ApiPath, Method};
/// // API v2, paginated: sent to https://eu.api.ovh.com/v2/iam/policy and signed so.
/// let page = client
///     .raw_call(Method::Get, &ApiPath::new("/v2/iam/policy"))
///     .header("X-Pagination-Size", "50")
///     .send_with_headers::<Vec<serde_json::Value>>()
///     .await?;
/// let next = page.header("X-Pagination-Cursor-Next");
/// // A public route, without authentication (no signature, no /auth/time).
/// let catalog: serde_json::Value = client
///     .raw_call(Method::Get, &ApiPath::new("/order/catalog/public/cloud").query("ovhSubsidiary", "FR"))
///     .need_auth(false)
///     .send()
///     .await?;
/// # let _ = (next, catalog); Ok(()) }
/// ```
#[must_use = "a raw call does nothing until it is sent"]
pub struct RawCall<'a> {
    /// The pipeline of the client that built it.
    transport: &'a Transport,
    method: Method,
    path: &'a ApiPath,
    headers: HeaderMap,
    body: Option<String>,
    need_auth: bool,
    /// The first problem found while building.
    problem: Option<String>,
}

impl fmt::Debug for RawCall<'_> {
    /// Method, route, header names (never their values) and options.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawCall")
            .field("method", &self.method)
            .field("route", &self.path.route())
            .field(
                "headers",
                &self
                    .headers
                    .keys()
                    .map(HeaderName::as_str)
                    .collect::<Vec<_>>(),
            )
            .field("body", &self.body.is_some())
            .field("need_auth", &self.need_auth)
            .field("problem", &self.problem)
            .finish()
    }
}

impl<'a> RawCall<'a> {
    pub(crate) fn new(transport: &'a Transport, method: Method, path: &'a ApiPath) -> RawCall<'a> {
        RawCall {
            transport,
            method,
            path,
            headers: HeaderMap::new(),
            body: None,
            need_auth: true,
            problem: None,
        }
    }

    /// Adds a request header, sent on every attempt and not signed. Setting the same
    /// name again replaces the value (names are case-insensitive).
    ///
    /// Refused (by [`send`](Self::send), nothing sent): a name that is not a valid header
    /// name, a value that is not a valid header value (the value is not echoed), and the
    /// headers the client or the HTTP stack sets: `X-Ovh-Application`, `X-Ovh-Consumer`,
    /// `X-Ovh-Timestamp`, `X-Ovh-Signature`, `Authorization`, `Content-Type`,
    /// `User-Agent` (use [`OvhClientBuilder::user_agent`](crate::OvhClientBuilder::user_agent)),
    /// `Host`, `Content-Length`, `Transfer-Encoding`, `Connection`, `Keep-Alive`,
    /// `Proxy-Connection`, `Upgrade`, `TE`, `Trailer` and `Expect`, in any case.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(header) = HeaderName::from_bytes(name.as_bytes()) else {
            let shown: String = name.chars().filter(|c| !c.is_control()).take(64).collect();
            self.refuse(format!("{shown:?} is not a valid header name"));
            return self;
        };
        if let Some(why) = reserved(&header) {
            self.refuse(format!(
                "the header {name} cannot be set on a raw call: {why}"
            ));
            return self;
        }
        match HeaderValue::from_str(value) {
            Ok(v) => {
                self.headers.insert(header, v);
            }
            Err(_) => self.refuse(format!(
                "the value of the header {header} is not a valid header value (visible ASCII, spaces and tabs only)"
            )),
        }
        self
    }

    /// A JSON body, serialized once (compact), signed and sent as is with
    /// `Content-Type: application/json`. Replaces an earlier body.
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_string(body) {
            Ok(text) => self.body = Some(text),
            Err(e) => self.refuse(format!("cannot serialize the body: {e}")),
        }
        self
    }

    /// Whether the call is authenticated (default `true`). `false` is python-ovh's
    /// `need_auth=False`: application credentials send `X-Ovh-Application` only (no
    /// consumer key needed, no `GET /auth/time`); OAuth2 and access-token credentials
    /// send no `Authorization`. For public routes only: others answer 401 or 403.
    pub fn need_auth(mut self, need_auth: bool) -> Self {
        self.need_auth = need_auth;
        self
    }

    /// Sends the call and decodes the answer into `T` (`()` for `null` or nothing,
    /// `serde_json::Value` for anything), with the errors of
    /// [`OvhClient::call`](crate::OvhClient::call).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        Ok(self.send_with_headers().await?.value)
    }

    /// Sends the call and returns the decoded value with the answer's status and headers
    /// (e.g. `X-Pagination-Cursor-Next`, `X-Pagination-Elements`).
    pub async fn send_with_headers<T: DeserializeOwned>(self) -> Result<RawAnswer<T>, Error> {
        if let Some(problem) = self.problem {
            return Err(Error::refused(
                RequestProblem::RefusedHeader,
                format!("{problem} ({} {})", self.method, self.path.route()),
            ));
        }
        let request = Request {
            authenticated: self.need_auth,
            headers: &self.headers,
            ..Request::new(&self.method, self.path, self.body)
        };
        let mut answer = self.transport.send(request).await?;
        let status = answer.status;
        let headers = std::mem::take(&mut answer.headers);
        let value = answer.decode(&self.method, self.path)?;
        Ok(RawAnswer {
            value,
            status,
            headers,
        })
    }

    /// Keeps the first problem.
    fn refuse(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }
}

/// A decoded success answer of a [`RawCall`], with its status and headers.
pub struct RawAnswer<T> {
    value: T,
    status: u16,
    headers: HeaderMap,
}

impl<T> RawAnswer<T> {
    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, by value.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status (a success status: errors are [`Error`]s).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Every header of the answer, in order: its lower-case name and its raw value (a
    /// name sent several times comes once per value). The crate's own types, not the HTTP
    /// stack's: see [`header`](Self::header) for one value as text.
    pub fn headers(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_bytes()))
    }

    /// The first value of the header `name` (case-insensitive), when it is present and
    /// visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

impl<T: fmt::Debug> fmt::Debug for RawAnswer<T> {
    /// The value, the status and the header names (not their values).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawAnswer")
            .field("value", &self.value)
            .field("status", &self.status)
            .field(
                "headers",
                &self
                    .headers
                    .keys()
                    .map(HeaderName::as_str)
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clients_own_headers_are_reserved_in_any_case() {
        for name in [
            "X-Ovh-Application",
            "x-ovh-consumer",
            "X-OVH-TIMESTAMP",
            "X-Ovh-Signature",
            "Authorization",
            "content-type",
            "User-Agent",
            "Host",
            "Content-Length",
            "Transfer-Encoding",
            "Connection",
            "Keep-Alive",
            "Proxy-Connection",
            "Upgrade",
            "TE",
            "Trailer",
            "Expect",
        ] {
            let header = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert!(reserved(&header).is_some(), "{name}");
        }
        for name in [
            "X-Pagination-Size",
            "X-Pagination-Cursor",
            "X-Pagination-Mode",
            "X-Ovh-Batch",
            "Accept",
            "Accept-Language",
            "X-Ovh-Applications",
            "Authorization2",
        ] {
            let header = HeaderName::from_bytes(name.as_bytes()).unwrap();
            assert_eq!(reserved(&header), None, "{name}");
        }
    }
}
