//! [`MockOvh`]: a local OVH over HTTP, on one wiremock server with one catch-all mock that
//! routes every request over the shared [`Account`].

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use sha1::{Digest, Sha1};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::client::{OvhClient, OvhClientBuilder};
use crate::clock::local_unix;
use crate::credentials::{Credentials, Kind};
use crate::endpoint::Endpoint;
use crate::models::PaymentMean;
use crate::ops::{Call, HttpRefusal, Reply, route};
use crate::retry::RetryPolicy;
use crate::signing::signature;

use super::account::{Account, MockOrder, RecordedDryRun, RecordedPayment, Refusal, wire};
use super::sandbox::SandboxService;

/// Application key of [`MockOvh::credentials`].
pub const MOCK_APPLICATION_KEY: &str = "mock-application-key";
/// Application secret of [`MockOvh::credentials`].
pub const MOCK_APPLICATION_SECRET: &str = "mock-application-secret";
/// Consumer key of [`MockOvh::credentials`].
pub const MOCK_CONSUMER_KEY: &str = "mock-consumer-key";

/// How far a request timestamp may be from the server's clock, in seconds.
const MAX_TIME_DRIFT: i64 = 30;

/// A request the mock received, whatever its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// The path below the base URL, as received (still percent-encoded), without the
    /// query: `/service/118977335/renew`. A path outside `/1.0` is kept whole.
    pub path: String,
    /// The query string, without `?`, e.g. `includeOptions=false`.
    pub query: Option<String>,
    /// The route it matched, e.g. `/service/{serviceId}/renew` or
    /// `/hosting/web/{serviceName}/serviceInfos`; `None` for unknown routes.
    pub route: Option<String>,
    /// The status of the answer.
    pub status: u16,
}

impl RecordedRequest {
    /// `true` if this is `method` on `route` (a route template such as
    /// `/service/{serviceId}/renew`).
    pub fn is(&self, method: &str, route: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.route.as_deref() == Some(route)
    }
}

/// When a programmed failure answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// Instead of processing the request.
    Instead,
    /// After processing it (the order exists, the payment is recorded): a lost answer.
    After,
}

#[derive(Debug)]
struct Failure {
    method: String,
    target: String,
    status: u16,
    body: String,
    when: When,
}

impl Failure {
    fn matches(&self, method: &str, route: Option<&str>, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
            && (route == Some(self.target.as_str()) || path.starts_with(&self.target))
    }
}

struct State {
    account: Account,
    credentials: Credentials,
    skew: i64,
    failures: VecDeque<Failure>,
    requests: Vec<RecordedRequest>,
    answered: u64,
    /// The pagination headers of the answer being built (a page of whole objects).
    page_headers: Vec<(&'static str, String)>,
    /// OAuth2 access tokens handed out by `POST /auth/oauth2/token`, oldest first;
    /// only those not revoked are accepted.
    tokens: Vec<String>,
    /// How many of `tokens` were revoked (the oldest ones).
    revoked: usize,
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the tokens: they are secrets.
        f.debug_struct("State")
            .field("credentials", &self.credentials)
            .field("skew", &self.skew)
            .field("requests", &self.requests.len())
            .field("tokens_issued", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

/// The path of the mock's OAuth2 token endpoint (outside `/1.0`, as OVH's is).
const TOKEN_PATH: &str = "/auth/oauth2/token";

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A test that panicked while holding the lock must not take every later test down.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Builds a [`MockOvh`]: `MockOvh::builder().clock_skew(-3600).empty().start().await`.
#[derive(Debug, Default)]
pub struct MockOvhBuilder {
    skew: i64,
    empty: bool,
    credentials: Option<Credentials>,
}

impl MockOvhBuilder {
    /// The mock's clock runs `seconds` ahead of this machine's (negative: behind).
    /// `GET /auth/time` answers accordingly, and signed requests must carry a timestamp
    /// within 30 seconds of it.
    pub fn clock_skew(mut self, seconds: i64) -> Self {
        self.skew = seconds;
        self
    }

    /// Starts without the sandbox services (payment means and methods keep their defaults).
    pub fn empty(mut self) -> Self {
        self.empty = true;
        self
    }

    /// Accepts these credentials instead of the `MOCK_*` ones: signed ones
    /// ([`Credentials::new`]) are checked header by header and signature by signature;
    /// with [`Credentials::oauth2`] the mock serves an OAuth2 token endpoint
    /// (`POST /auth/oauth2/token`, client authenticated by HTTP Basic) and accepts only the
    /// bearer tokens it handed out; with [`Credentials::access_token`] it accepts only
    /// that bearer token.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Starts the server (on a free local port).
    pub async fn start(self) -> MockOvh {
        let account = if self.empty {
            Account::empty()
        } else {
            Account::sandbox()
        };
        let state = Arc::new(Mutex::new(State {
            account,
            credentials: self.credentials.unwrap_or_else(|| {
                Credentials::new(
                    MOCK_APPLICATION_KEY,
                    MOCK_APPLICATION_SECRET,
                    MOCK_CONSUMER_KEY,
                )
            }),
            skew: self.skew,
            failures: VecDeque::new(),
            requests: Vec::new(),
            answered: 0,
            page_headers: Vec::new(),
            tokens: Vec::new(),
            revoked: 0,
        }));
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(Router {
                state: state.clone(),
            })
            .named("MockOvh")
            .mount(&server)
            .await;
        MockOvh { server, state }
    }
}

/// A local OVH for integration tests: the renewal API over real HTTP, checking every
/// signature like OVH does, backed by a sandbox account that records orders and payments.
///
/// See the [module documentation](super) for an example, the routes it serves and the
/// errors it answers.
pub struct MockOvh {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MockOvh {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOvh")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl MockOvh {
    /// Starts a mock with the sandbox account (see [`sandbox`](super::sandbox)), the
    /// `MOCK_*` credentials and no clock skew.
    pub async fn start() -> MockOvh {
        MockOvhBuilder::default().start().await
    }

    /// A builder, to set a clock skew, start empty or accept other credentials.
    pub fn builder() -> MockOvhBuilder {
        MockOvhBuilder::default()
    }

    /// The base URL to configure a client with, e.g. `http://127.0.0.1:41234/1.0`.
    pub fn base_url(&self) -> String {
        format!("{}/1.0", self.server.uri())
    }

    /// The credentials the mock accepts.
    pub fn credentials(&self) -> Credentials {
        lock(&self.state).credentials.clone()
    }

    /// A client builder configured for this mock: its endpoint, its credentials, a 10 s
    /// timeout and retries with a 5 ms initial backoff. Change anything before building,
    /// e.g. `.credentials(..)` to test a wrong secret.
    ///
    /// # Panics
    ///
    /// If the mock's own URL does not parse as an endpoint, which cannot happen.
    pub fn client_builder(&self) -> OvhClientBuilder {
        let endpoint: Endpoint = match self.base_url().parse() {
            Ok(endpoint) => endpoint,
            Err(e) => panic!("MockOvh's base URL is not an endpoint: {e}"),
        };
        let credentials = self.credentials();
        let oauth2 = credentials.is_oauth2();
        let builder = OvhClient::builder()
            .endpoint(endpoint)
            .credentials(credentials)
            .timeout(Duration::from_secs(10))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)));
        if oauth2 {
            builder.oauth2_token_url(&self.oauth2_token_url())
        } else {
            builder
        }
    }

    /// The URL of the mock's OAuth2 token endpoint (used by
    /// [`client_builder`](Self::client_builder) with OAuth2 credentials), e.g.
    /// `http://127.0.0.1:41234/auth/oauth2/token`.
    pub fn oauth2_token_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.server.uri())
    }

    /// How many OAuth2 access tokens the mock handed out.
    pub fn tokens_issued(&self) -> usize {
        lock(&self.state).tokens.len()
    }

    /// Makes every OAuth2 token handed out so far invalid, as if it expired on OVH's
    /// side: the next call with one gets a 401, and a client fetches a new token.
    pub fn revoke_tokens(&self) {
        let mut state = lock(&self.state);
        state.revoked = state.tokens.len();
    }

    /// A client configured for this mock (see [`client_builder`](Self::client_builder)).
    ///
    /// # Panics
    ///
    /// If the HTTP client cannot be built (no TLS backend can initialize).
    pub fn client(&self) -> OvhClient {
        match self.client_builder().build() {
            Ok(client) => client,
            Err(e) => panic!("cannot build a client for MockOvh: {e}"),
        }
    }

    /// Changes the mock's clock skew (see [`MockOvhBuilder::clock_skew`]); clients that
    /// already synchronized get `QUERY_TIME_OUT` once, then resynchronize.
    pub fn set_clock_skew(&self, seconds: i64) {
        lock(&self.state).skew = seconds;
    }

    /// Adds a service (or replaces the one with the same id).
    pub fn add_service(&self, service: SandboxService) {
        lock(&self.state).account.add_service(service);
    }

    /// The payment means every order can be paid with (default
    /// [`DEFAULT_PAYMENT_MEANS`](super::sandbox::DEFAULT_PAYMENT_MEANS)).
    pub fn set_payment_means(&self, means: Vec<PaymentMean>) {
        lock(&self.state).account.set_payment_means(means);
    }

    /// How `GET /services` asked for pages of whole objects is answered (default
    /// [`PagingMode::Pages`](super::PagingMode::Pages)), and the largest page the account
    /// gives whatever size is asked (`None`: no cap), as a server may cap pages.
    pub fn set_paging(&self, mode: super::PagingMode, max_page_size: Option<u32>) {
        lock(&self.state).account.set_paging(mode, max_page_size);
    }

    /// What `GET /me/debtAccount` answers (default: no debt,
    /// [`DebtBalance::none`](crate::models::DebtBalance::none)).
    pub fn set_debt(&self, debt: crate::models::DebtBalance) {
        lock(&self.state).account.set_debt(debt);
    }

    /// The ids `GET /me/payment/method` lists and `POST /me/order/{orderId}/pay` accepts,
    /// each `VALID`, the first the default (default
    /// [`DEFAULT_PAYMENT_METHODS`](super::sandbox::DEFAULT_PAYMENT_METHODS), with their
    /// statuses).
    pub fn set_payment_methods(&self, methods: Vec<u64>) {
        lock(&self.state).account.set_payment_methods(methods);
    }

    /// The payment methods of the account, with their statuses and default (see
    /// [`FakeRenewApi::set_payment_method_details`](super::FakeRenewApi::set_payment_method_details)).
    pub fn set_payment_method_details(&self, methods: Vec<crate::models::PaymentMethod>) {
        lock(&self.state)
            .account
            .set_payment_method_details(methods);
    }

    /// How many reads of a paid order's status (or follow-up) it takes to deliver it (see
    /// [`FakeRenewApi::set_delivery_polls`](super::FakeRenewApi::set_delivery_polls)).
    pub fn set_delivery_polls(&self, polls: u32) {
        lock(&self.state).account.set_delivery_polls(polls);
    }

    /// Makes the next correctly signed request of `method` on `target` answer `status`
    /// with `body` (sent as JSON) instead of being processed: nothing is created or paid.
    ///
    /// `target` is a route template (`/service/{serviceId}/renew`,
    /// `/me/order/{orderId}/payWithRegisteredPaymentMean`, `/vps/{serviceName}/serviceInfos`,
    /// `/auth/time`) or a path prefix below the base URL (`/service/118977335/renew`).
    /// Each call programs one failure; failures are used in the order programmed.
    ///
    /// ```
    /// # async fn demo(mock: ovh_renew::testing::MockOvh) {
    /// mock.fail_next(
    ///     "POST",
    ///     "/service/{serviceId}/renew",
    ///     503,
    ///     r#"{"class":"Server::ServiceUnavailable","message":"Try again later"}"#,
    /// );
    /// # }
    /// ```
    pub fn fail_next(&self, method: &str, target: &str, status: u16, body: impl Into<String>) {
        self.program(method, target, status, body.into(), When::Instead);
    }

    /// Like [`fail_next`](Self::fail_next), but the request is processed first (the order is
    /// created, the payment recorded) and only its answer is replaced: what a client sees
    /// when the answer is lost on the way back. The same name and meaning as
    /// [`FakeRenewApi::fail_next_after_processing`](super::FakeRenewApi::fail_next_after_processing)
    /// (see [failing after processing](super#failing-a-call-after-processing)).
    pub fn fail_next_after_processing(
        &self,
        method: &str,
        target: &str,
        status: u16,
        body: impl Into<String>,
    ) {
        self.program(method, target, status, body.into(), When::After);
    }

    fn program(&self, method: &str, target: &str, status: u16, body: String, when: When) {
        let target = target
            .strip_prefix("/1.0/")
            .map_or_else(|| target.to_owned(), |rest| format!("/{rest}"));
        lock(&self.state).failures.push_back(Failure {
            method: method.to_owned(),
            target,
            status,
            body,
            when,
        });
    }

    /// The real orders created so far (dry runs excluded), oldest first.
    pub fn orders(&self) -> Vec<MockOrder> {
        lock(&self.state).account.orders()
    }

    /// The dry runs priced so far, oldest first.
    pub fn dry_runs(&self) -> Vec<RecordedDryRun> {
        lock(&self.state).account.dry_runs()
    }

    /// The payments accepted so far, oldest first.
    pub fn payments(&self) -> Vec<RecordedPayment> {
        lock(&self.state).account.payments()
    }

    /// Every request received so far, including refused ones and `GET /auth/time`.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state).requests.clone()
    }
}

/// What a matched, authenticated request asks for.
enum Step {
    /// `GET /auth/time`: the mock's clock.
    Time(Value),
    /// An API call, answered by the account.
    Call(Call),
}

/// The catch-all responder.
struct Router {
    state: Arc<Mutex<State>>,
}

fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The URL the client signed: rebuilt from the `Host` header and the path and query as
/// received.
fn signed_url(request: &Request) -> String {
    let host = header(request, "host").unwrap_or_default();
    let mut url = format!("http://{host}{}", request.url.path());
    if let Some(query) = request.url.query() {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// The refusal of a call without the expected bearer token.
fn bad_bearer() -> Refusal {
    Refusal::code(401, "INVALID_CREDENTIAL", "This credential is not valid")
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(request: &Request) -> Option<&str> {
    header(request, "authorization")?.strip_prefix("Bearer ")
}

/// Checks how a call is authenticated: the `X-Ovh-*` headers exactly as OVH does, in
/// OVH's order, or the bearer token of OAuth2 and static-token credentials.
fn check_auth(state: &State, request: &Request) -> Result<(), Refusal> {
    let (application_key, application_secret, consumer_key) = match &state.credentials.kind {
        Kind::AppKey {
            application_key,
            application_secret,
            consumer_key: Some(consumer_key),
        } => (application_key, application_secret, consumer_key),
        Kind::AppKey { .. } => {
            // No consumer key: no call can be signed for this account.
            return Err(Refusal::code(
                403,
                "INVALID_KEY",
                "This application key is invalid",
            ));
        }
        Kind::OAuth2 { .. } => {
            let valid = &state.tokens[state.revoked..];
            return match bearer(request) {
                Some(token) if valid.iter().any(|t| t == token) => Ok(()),
                _ => Err(bad_bearer()),
            };
        }
        Kind::AccessToken { token } => {
            return match bearer(request) {
                Some(sent) if sent == token.expose() => Ok(()),
                _ => Err(bad_bearer()),
            };
        }
    };
    if header(request, "X-Ovh-Application") != Some(application_key.as_str()) {
        return Err(Refusal::code(
            403,
            "INVALID_KEY",
            "This application key is invalid",
        ));
    }
    let consumer_key = consumer_key.expose();
    if header(request, "X-Ovh-Consumer") != Some(consumer_key) {
        return Err(Refusal::code(
            403,
            "INVALID_CREDENTIAL",
            "This credential is not valid",
        ));
    }
    let server_now = local_unix().saturating_add(state.skew);
    let timestamp = header(request, "X-Ovh-Timestamp").and_then(|t| t.parse::<i64>().ok());
    let Some(timestamp) = timestamp.filter(|t| t.abs_diff(server_now) <= MAX_TIME_DRIFT as u64)
    else {
        return Err(Refusal::code(400, "QUERY_TIME_OUT", "Query out of time"));
    };
    let expected = signature(
        application_secret.expose(),
        consumer_key,
        request.method.as_str(),
        &signed_url(request),
        &request.body,
        timestamp,
    );
    if header(request, "X-Ovh-Signature") != Some(expected.as_str()) {
        return Err(Refusal::code(400, "INVALID_SIGNATURE", "Invalid signature"));
    }
    Ok(())
}

impl Router {
    fn answer(state: &mut State, request: &Request) -> (u16, Vec<u8>, Option<String>) {
        let method = request.method.as_str().to_ascii_uppercase();
        let full_path = request.url.path();
        if full_path == TOKEN_PATH {
            let (status, body) = issue_token(state, &method, request);
            return (status, body_bytes(&body), Some(TOKEN_PATH.to_owned()));
        }
        let Some(path) = full_path
            .strip_prefix("/1.0")
            .filter(|p| p.starts_with('/'))
        else {
            return (404, not_found_body(full_path), None);
        };
        if method == "GET" && path == "/auth/time" {
            let now = Value::from(local_unix().saturating_add(state.skew));
            return Self::finish(state, &method, "/auth/time", path, Ok(Step::Time(now)));
        }
        let Some(matched) = route(&method, path) else {
            return (404, not_found_body(path), None);
        };
        if let Err(refusal) = check_auth(state, request) {
            return (
                refusal.status,
                body_bytes(&refusal.body()),
                Some(matched.template),
            );
        }
        let template = matched.template;
        let path_and_query = match request.url.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_owned(),
        };
        let headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let result =
            Call::from_http_with_headers(&method, &path_and_query, &headers, &request.body)
                .map_err(|refusal| match refusal {
                    HttpRefusal::UnknownRoute => {
                        Refusal::not_found(format!("Got an invalid (or empty) URL: {path}"))
                    }
                    HttpRefusal::NotFound(message) => Refusal::not_found(message),
                    HttpRefusal::BadRequest(message) => Refusal::bad_request(message),
                });
        Self::finish(state, &method, &template, path, result.map(Step::Call))
    }

    /// Programmed failures, then the answer of `step` (or the refusal that made it
    /// unanswerable).
    fn finish(
        state: &mut State,
        method: &str,
        template: &str,
        path: &str,
        step: Result<Step, Refusal>,
    ) -> (u16, Vec<u8>, Option<String>) {
        let template = template.to_owned();
        let failure = |state: &mut State, when: When| {
            let at = state
                .failures
                .iter()
                .position(|f| f.when == when && f.matches(method, Some(template.as_str()), path))?;
            state.failures.remove(at)
        };
        if let Some(f) = failure(state, When::Instead) {
            return (f.status, f.body.into_bytes(), Some(template));
        }
        let result = step.and_then(|step| match step {
            Step::Time(value) => Ok(value),
            Step::Call(call) => {
                let reply = state.account.handle(&call);
                if let (Call::ServicesPage { number, size, .. }, Ok(Reply::ServicesPage(page))) =
                    (&call, &reply)
                {
                    if let Some(total) = page.total {
                        state.page_headers = vec![
                            (crate::ops::PAGINATION_ELEMENTS, total.to_string()),
                            (crate::ops::PAGINATION_NUMBER, number.to_string()),
                            (
                                crate::ops::PAGINATION_SIZE,
                                state.account.page_size(*size).to_string(),
                            ),
                        ];
                    }
                }
                reply.and_then(wire)
            }
        });
        if let Some(f) = failure(state, When::After) {
            return (f.status, f.body.into_bytes(), Some(template));
        }
        match result {
            Ok(value) => (200, body_bytes(&value), Some(template)),
            Err(refusal) => (refusal.status, body_bytes(&refusal.body()), Some(template)),
        }
    }
}
/// `POST /auth/oauth2/token` of OAuth2 credentials: the client authenticated by HTTP
/// Basic, `grant_type=client_credentials` in a form body; answers a new token valid for an
/// hour, or OAuth2's error object.
fn issue_token(state: &mut State, method: &str, request: &Request) -> (u16, Value) {
    let oauth_error = |status: u16, error: &str, description: &str| {
        (
            status,
            serde_json::json!({"error": error, "error_description": description}),
        )
    };
    let Kind::OAuth2 {
        client_id,
        client_secret,
    } = &state.credentials.kind
    else {
        return oauth_error(
            401,
            "invalid_client",
            "ovhcloud oauth2 client does not exists",
        );
    };
    if method != "POST" {
        return oauth_error(405, "invalid_request", "the token endpoint takes a POST");
    }
    let pair = format!("{client_id}:{}", client_secret.expose());
    let expected = format!("Basic {}", crate::scrub::base64(pair.as_bytes()));
    if header(request, "authorization") != Some(expected.as_str()) {
        return oauth_error(
            401,
            "invalid_client",
            "ovhcloud oauth2 client does not exists",
        );
    }
    let form = String::from_utf8_lossy(&request.body);
    if !form
        .split('&')
        .any(|pair| pair == "grant_type=client_credentials")
    {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials",
        );
    }
    let mut digest = Sha1::new();
    digest.update(format!(
        "{}:{}:{}",
        local_unix(),
        state.tokens.len(),
        state.answered
    ));
    let token = format!("mock-oauth2-token-{}", hex::encode(digest.finalize()));
    state.tokens.push(token.clone());
    (
        200,
        serde_json::json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "all",
        }),
    )
}

fn body_bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn not_found_body(path: &str) -> Vec<u8> {
    body_bytes(&Refusal::not_found(format!("Got an invalid (or empty) URL: {path}")).body())
}

impl Respond for Router {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        let (status, body, route) = Self::answer(&mut state, request);
        state.answered += 1;
        let query_id = format!("EU.mock.{:x}.{}", local_unix(), state.answered);
        let path = request.url.path();
        state.requests.push(RecordedRequest {
            method: request.method.as_str().to_owned(),
            path: path
                .strip_prefix("/1.0")
                .filter(|p| p.starts_with('/'))
                .unwrap_or(path)
                .to_owned(),
            query: request.url.query().map(str::to_owned),
            route,
            status,
        });
        let mut template =
            ResponseTemplate::new(status).insert_header("X-Ovh-QueryID", query_id.as_str());
        for (name, value) in std::mem::take(&mut state.page_headers) {
            template = template.insert_header(name, value.as_str());
        }
        template.set_body_raw(body, "application/json; charset=utf-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_templates() {
        let m = route("GET", "/hosting/web/agora3.ovh/serviceInfos").unwrap();
        assert_eq!(m.template, "/hosting/web/{serviceName}/serviceInfos");
        assert_eq!(
            Call::from_http("GET", "/hosting/web/agora3.ovh/serviceInfos", b"").unwrap(),
            Call::ServiceInfos {
                product: "hosting/web".into(),
                service_name: "agora3.ovh".into()
            }
        );
        let call = Call::from_http("GET", "/vps/a%2F..%2Fb%20c+d/serviceInfos", b"");
        assert!(
            matches!(call, Ok(Call::ServiceInfos { service_name, .. }) if service_name == "a/../b c+d")
        );
        assert!(route("GET", "/serviceInfos").is_none());
        assert!(route("GET", "/vps//x/serviceInfos").is_none());
        assert!(route("GET", "/vps/%zz/serviceInfos").is_none());
        assert!(route("DELETE", "/service/1").is_none());
        assert!(route("GET", "/auth/time").is_none(), "not an API call");
        let m = route("POST", "/me/order/5/pay").unwrap();
        assert_eq!(m.template, "/me/order/{orderId}/pay");
        let failure = Failure {
            method: "post".into(),
            target: "/service/118977335".into(),
            status: 500,
            body: String::new(),
            when: When::Instead,
        };
        assert!(failure.matches(
            "POST",
            Some("/service/{serviceId}/renew"),
            "/service/118977335/renew"
        ));
        assert!(!failure.matches("GET", None, "/service/118977335/renew"));
    }
}
