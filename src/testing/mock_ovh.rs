//! [`MockOvh`]: a local OVH over HTTP, on one wiremock server with one catch-all mock that
//! routes every request over the shared [`Account`].

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde_json::Value;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::client::{OvhClient, OvhClientBuilder};
use crate::clock::local_unix;
use crate::credentials::{Credentials, Kind};
use crate::endpoint::Endpoint;
use crate::models::{OrderId, PaymentMean, RegisteredPaymentMean, RenewPeriod, ServiceId};
use crate::retry::RetryPolicy;
use crate::signing::signature;

use super::account::{Account, MockOrder, RecordedDryRun, RecordedPayment, Refusal};
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

#[derive(Debug)]
struct State {
    account: Account,
    credentials: Credentials,
    skew: i64,
    failures: VecDeque<Failure>,
    requests: Vec<RecordedRequest>,
    answered: u64,
}

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

    /// Accepts these credentials instead of the `MOCK_*` ones.
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
        OvhClient::builder()
            .endpoint(endpoint)
            .credentials(self.credentials())
            .timeout(Duration::from_secs(10))
            .retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
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

    /// The ids `GET /me/payment/method` lists and `POST /me/order/{orderId}/pay` accepts
    /// (default [`DEFAULT_PAYMENT_METHODS`](super::sandbox::DEFAULT_PAYMENT_METHODS)).
    pub fn set_payment_methods(&self, methods: Vec<u64>) {
        lock(&self.state).account.set_payment_methods(methods);
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
    /// when the answer is lost on the way back.
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

/// The catch-all responder.
struct Router {
    state: Arc<Mutex<State>>,
}

/// A matched route: its template and what the path carried.
enum Route {
    AuthTime,
    ListServices,
    Service(String),
    ServiceInfos { product: String, name: String },
    RenewDescriptions(String),
    CreateRenewOrder(String),
    Order(String),
    OrderStatus(String),
    AvailableMeans(String),
    PayWithRegisteredMean(String),
    PaymentMethods,
    Pay(String),
}

fn route(method: &str, path: &str) -> Option<(Route, String)> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    let id = |s: &str| s.to_owned();
    let (route, template) = match (method, segments.as_slice()) {
        ("GET", ["auth", "time"]) => (Route::AuthTime, "/auth/time"),
        ("GET", ["service"]) => (Route::ListServices, "/service"),
        ("GET", ["service", s]) => (Route::Service(id(s)), "/service/{serviceId}"),
        ("GET", ["service", s, "renew"]) => (
            Route::RenewDescriptions(id(s)),
            "/service/{serviceId}/renew",
        ),
        ("POST", ["service", s, "renew"]) => {
            (Route::CreateRenewOrder(id(s)), "/service/{serviceId}/renew")
        }
        ("GET", ["me", "order", o]) => (Route::Order(id(o)), "/me/order/{orderId}"),
        ("GET", ["me", "order", o, "status"]) => {
            (Route::OrderStatus(id(o)), "/me/order/{orderId}/status")
        }
        ("GET", ["me", "order", o, "availableRegisteredPaymentMean"]) => (
            Route::AvailableMeans(id(o)),
            "/me/order/{orderId}/availableRegisteredPaymentMean",
        ),
        ("POST", ["me", "order", o, "payWithRegisteredPaymentMean"]) => (
            Route::PayWithRegisteredMean(id(o)),
            "/me/order/{orderId}/payWithRegisteredPaymentMean",
        ),
        ("POST", ["me", "order", o, "pay"]) => (Route::Pay(id(o)), "/me/order/{orderId}/pay"),
        ("GET", ["me", "payment", "method"]) => (Route::PaymentMethods, "/me/payment/method"),
        ("GET", [product @ .., name, "serviceInfos"])
            if !product.is_empty() && product.iter().all(|p| !p.is_empty()) =>
        {
            let product = product.join("/");
            let template = format!("/{product}/{{serviceName}}/serviceInfos");
            let name = percent_decode(name)?;
            return Some((Route::ServiceInfos { product, name }, template));
        }
        _ => return None,
    };
    Some((route, template.to_owned()))
}

/// Decodes `%XX` escapes (and nothing else: `+` stays `+`, as in a path segment).
fn percent_decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
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

/// Checks the `X-Ovh-*` headers exactly as OVH does, in OVH's order.
fn check_signature(state: &State, request: &Request) -> Result<(), Refusal> {
    let Kind::AppKey {
        application_key,
        application_secret,
        consumer_key: Some(consumer_key),
    } = &state.credentials.kind
    else {
        // The mock only speaks OVH request signing.
        return Err(Refusal::code(
            403,
            "INVALID_KEY",
            "This application key is invalid",
        ));
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

fn json(body: &[u8]) -> Result<serde_json::Map<String, Value>, Refusal> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Refusal::bad_request(
            "Invalid JSON received: expected an object",
        )),
    }
}

fn service_id(text: &str) -> Result<ServiceId, Refusal> {
    text.parse()
        .map_err(|_| Refusal::not_found("This service does not exist"))
}

fn order_id(text: &str) -> Result<OrderId, Refusal> {
    text.parse().map_err(|_| {
        Refusal::not_found(format!(
            "The requested object (orderId = {text}) does not exist"
        ))
    })
}

fn to_json<T: serde::Serialize>(value: T) -> Result<Value, Refusal> {
    serde_json::to_value(value)
        .map_err(|e| Refusal::class(500, "Server::InternalServerError", e.to_string()))
}

/// `POST /service/{serviceId}/renew`: the body must be `{dryRun?, duration, services}`.
fn renew(account: &mut Account, id: &str, body: &[u8]) -> Result<Value, Refusal> {
    let id = service_id(id)?;
    let body = json(body)?;
    let dry_run = match body.get("dryRun") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(Refusal::bad_request(format!(
                "Invalid dryRun {other}: expected a boolean"
            )));
        }
    };
    let duration: RenewPeriod = match body.get("duration") {
        Some(Value::String(text)) => text
            .parse()
            .map_err(|e| Refusal::bad_request(format!("Invalid duration: {e}")))?,
        Some(other) => {
            return Err(Refusal::bad_request(format!(
                "Invalid duration {other}: expected an ISO 8601 duration such as \"P1Y\""
            )));
        }
        None => return Err(Refusal::bad_request("Missing parameter: duration")),
    };
    let services: Vec<ServiceId> = match body.get("services") {
        Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
            Refusal::bad_request(format!(
                "Invalid services {value}: expected an array of service ids"
            ))
        })?,
        None => return Err(Refusal::bad_request("Missing parameter: services")),
    };
    to_json(account.renew(id, dry_run, &duration, &services)?)
}

fn pay_with_registered_mean(
    account: &mut Account,
    order: &str,
    body: &[u8],
) -> Result<Value, Refusal> {
    let order = order_id(order)?;
    let body = json(body)?;
    let mean = match body.get("paymentMean") {
        Some(Value::String(text)) => PaymentMean::from(text.as_str()),
        _ => {
            return Err(Refusal::bad_request(
                "Missing parameter: paymentMean (a billing.ReusablePaymentMeanEnum)",
            ));
        }
    };
    let mean_id = match body.get("paymentMeanId") {
        None | Some(Value::Null) => None,
        Some(value) => Some(value.as_u64().ok_or_else(|| {
            Refusal::bad_request(format!("Invalid paymentMeanId {value}: expected an id"))
        })?),
    };
    account.pay_with_registered_mean(order, mean, mean_id)?;
    Ok(Value::Null)
}

fn pay(account: &mut Account, order: &str, body: &[u8]) -> Result<Value, Refusal> {
    let order = order_id(order)?;
    let body = json(body)?;
    let method_id = body
        .get("paymentMethod")
        .and_then(|m| m.get("id"))
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            Refusal::bad_request("Missing parameter: paymentMethod (expected {\"id\": <long>})")
        })?;
    account.pay_with_payment_method(order, method_id)?;
    Ok(Value::Null)
}

/// Runs a matched, authenticated request against the account.
fn dispatch(state: &mut State, route: Route, request: &Request) -> Result<Value, Refusal> {
    let account = &mut state.account;
    match route {
        Route::AuthTime => Ok(Value::from(local_unix().saturating_add(state.skew))),
        Route::ListServices => to_json(account.list_services()),
        Route::Service(id) => to_json(account.service(service_id(&id)?)?),
        Route::ServiceInfos { product, name } => to_json(account.service_infos(&product, &name)?),
        Route::RenewDescriptions(id) => {
            let include_options = request
                .url
                .query_pairs()
                .any(|(k, v)| k == "includeOptions" && v == "true");
            to_json(account.renew_descriptions(service_id(&id)?, include_options)?)
        }
        Route::CreateRenewOrder(id) => renew(account, &id, &request.body),
        Route::Order(id) => to_json(account.order(order_id(&id)?)?),
        Route::OrderStatus(id) => to_json(account.order_status(order_id(&id)?)?),
        Route::AvailableMeans(id) => to_json(
            account
                .available_payment_means(order_id(&id)?)?
                .into_iter()
                .map(RegisteredPaymentMean::new)
                .collect::<Vec<_>>(),
        ),
        Route::PayWithRegisteredMean(id) => pay_with_registered_mean(account, &id, &request.body),
        Route::PaymentMethods => to_json(account.payment_methods()),
        Route::Pay(id) => pay(account, &id, &request.body),
    }
}

impl Router {
    fn answer(state: &mut State, request: &Request) -> (u16, Vec<u8>, Option<String>) {
        let method = request.method.as_str().to_ascii_uppercase();
        let full_path = request.url.path();
        let Some(path) = full_path
            .strip_prefix("/1.0")
            .filter(|p| p.starts_with('/'))
        else {
            return (404, not_found_body(full_path), None);
        };
        let Some((route, template)) = route(&method, path) else {
            return (404, not_found_body(path), None);
        };
        let signed = !matches!(route, Route::AuthTime);
        if signed {
            if let Err(refusal) = check_signature(state, request) {
                return (refusal.status, body_bytes(&refusal.body()), Some(template));
            }
        }
        let failure = |state: &mut State, when: When| {
            let at = state.failures.iter().position(|f| {
                f.when == when && f.matches(&method, Some(template.as_str()), path)
            })?;
            state.failures.remove(at)
        };
        if let Some(f) = failure(state, When::Instead) {
            return (f.status, f.body.into_bytes(), Some(template));
        }
        let result = dispatch(state, route, request);
        if let Some(f) = failure(state, When::After) {
            return (f.status, f.body.into_bytes(), Some(template));
        }
        match result {
            Ok(value) => (200, body_bytes(&value), Some(template)),
            Err(refusal) => (refusal.status, body_bytes(&refusal.body()), Some(template)),
        }
    }
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
        ResponseTemplate::new(status)
            .insert_header("X-Ovh-QueryID", query_id.as_str())
            .set_body_raw(body, "application/json; charset=utf-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_and_templates() {
        let (r, t) = route("GET", "/hosting/web/agora3.ovh/serviceInfos").unwrap();
        assert_eq!(t, "/hosting/web/{serviceName}/serviceInfos");
        assert!(
            matches!(r, Route::ServiceInfos { product, name } if product == "hosting/web" && name == "agora3.ovh")
        );
        let (r, _) = route("GET", "/vps/a%2F..%2Fb%20c+d/serviceInfos").unwrap();
        assert!(matches!(r, Route::ServiceInfos { name, .. } if name == "a/../b c+d"));
        assert!(route("GET", "/serviceInfos").is_none());
        assert!(route("GET", "/vps//x/serviceInfos").is_none());
        assert!(route("GET", "/vps/%zz/serviceInfos").is_none());
        assert!(route("DELETE", "/service/1").is_none());
        let (_, t) = route("POST", "/me/order/5/pay").unwrap();
        assert_eq!(t, "/me/order/{orderId}/pay");
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
