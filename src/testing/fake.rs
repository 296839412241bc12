//! [`FakeRenewApi`]: the sandbox account as an in-memory [`ServiceRenewApi`], no HTTP.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::Method;
use crate::api::{ApiFuture, ServiceRenewApi};
use crate::clock::local_unix;
use crate::error::{ApiError, Error};
use crate::models::PaymentMean;
use crate::ops::{Call, Op, Reply};
use crate::path::ApiPath;

use super::account::{Account, MockOrder, RecordedDryRun, RecordedPayment, Refusal};
use super::sandbox::SandboxService;

type ErrorFactory = Box<dyn Fn() -> Error + Send + Sync>;

struct Failure {
    op: Op,
    after_processing: bool,
    make: ErrorFactory,
}

type CallPredicate = Box<dyn Fn(&Call) -> bool + Send + Sync>;

/// A rule of [`FakeRenewApi::fail_when`]: which calls it fails, how many more, how.
struct Rule {
    matches: CallPredicate,
    /// Calls it still fails; `None`: every matching call.
    remaining: Option<usize>,
    after_processing: bool,
    make: ErrorFactory,
    /// Calls it failed so far.
    fired: usize,
}

struct State {
    account: Account,
    calls: Vec<Call>,
    failures: VecDeque<Failure>,
    rules: Vec<Arc<Mutex<Rule>>>,
}

/// Locks a rule, surviving a test that panicked while holding it.
fn lock_rule(rule: &Mutex<Rule>) -> MutexGuard<'_, Rule> {
    rule.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A failure rule of a [`FakeRenewApi`], returned by
/// [`fail_when`](FakeRenewApi::fail_when): it fails the calls its predicate matches.
///
/// It is in force from the moment `fail_when` returns; its setters change it in place
/// (they take and return the rule, so they chain):
///
/// * [`times(n)`](Self::times): fail only the next `n` matching calls (default: every
///   matching call, until changed);
/// * [`with(make)`](Self::with): the error, built on each failure (default: a
///   [`transport_error`](super::transport_error) of kind
///   [`Connect`](crate::TransportKind::Connect) that never reached OVH);
/// * [`after_processing()`](Self::after_processing): the call is processed first (the
///   order is created, the payment recorded), then fails: an answer lost on its way back
///   (see [failing after processing](super#failing-a-call-after-processing)).
///
/// [`fired`](Self::fired) counts the calls it failed. Rules are tried after the
/// [`fail_next`](FakeRenewApi::fail_next) queue, in the order they were made; the first
/// one that matches and has calls left fails the call. A failed call is still recorded in
/// [`calls`](FakeRenewApi::calls).
///
/// ```
/// use ovh_renew::ops::Call;
/// use ovh_renew::testing::{transport_error, FakeRenewApi};
/// use ovh_renew::{ServiceId, ServiceRenewApi, TransportKind};
/// use ovh_renew::models::RenewRequest;
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let fake = FakeRenewApi::sandbox();
/// // The first real order (not its dry run) is created, then its answer is lost.
/// let lost = fake
///     .fail_when(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
///     .times(1)
///     .with(|| transport_error(TransportKind::Timeout, true))
///     .after_processing();
/// let vps = ServiceId(118977335);
/// let services = vec![vps];
/// let period: ovh_renew::RenewPeriod = "P1M".parse().unwrap();
///
/// let dry = RenewRequest::dry_run(period.clone(), services.clone());
/// fake.create_renew_order(vps, &dry).await.unwrap();
/// let order = RenewRequest::order(period, services);
/// let err = fake.create_renew_order(vps, &order).await.unwrap_err();
/// assert!(err.may_have_been_processed());
/// assert_eq!(fake.orders().len(), 1, "the order exists although its answer was lost");
/// assert_eq!(lost.fired(), 1);
/// // Used up: the next order goes through.
/// fake.create_renew_order(vps, &order).await.unwrap();
/// assert_eq!((fake.orders().len(), lost.fired()), (2, 1));
/// # });
/// ```
#[must_use = "the rule is in force already; keep it to change it or read `fired`"]
pub struct FailRule {
    rule: Arc<Mutex<Rule>>,
}

impl fmt::Debug for FailRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = lock_rule(&self.rule);
        f.debug_struct("FailRule")
            .field("remaining", &rule.remaining)
            .field("after_processing", &rule.after_processing)
            .field("fired", &rule.fired)
            .finish_non_exhaustive()
    }
}

impl FailRule {
    /// Fails only the next `n` matching calls (`0` disables the rule).
    pub fn times(self, n: usize) -> Self {
        lock_rule(&self.rule).remaining = Some(n);
        self
    }

    /// The error of each failure, built by `make` (see [`api_error`](super::api_error)
    /// and [`transport_error`](super::transport_error); an empty method and route are
    /// filled in with the failed call's, as with [`FakeRenewApi::fail_next`]).
    pub fn with(self, make: impl Fn() -> Error + Send + Sync + 'static) -> Self {
        lock_rule(&self.rule).make = Box::new(make);
        self
    }

    /// The call is processed (order created, payment recorded) before it fails, as
    /// [`FakeRenewApi::fail_next_after_processing`] and
    /// [`MockOvh::fail_next_after_processing`](super::MockOvh::fail_next_after_processing)
    /// do (see [failing after processing](super#failing-a-call-after-processing)).
    pub fn after_processing(self) -> Self {
        lock_rule(&self.rule).after_processing = true;
        self
    }

    /// How many calls this rule failed so far.
    pub fn fired(&self) -> usize {
        lock_rule(&self.rule).fired
    }
}

/// An in-memory [`ServiceRenewApi`]: the same account as [`MockOvh`](super::MockOvh)
/// (same services, validation, prices, order ids and payment rules) without HTTP,
/// signatures or clocks.
///
/// It records every [`Call`] with its arguments, and can be told to fail the next call of
/// an [`Op`] with an error you build (see [`api_error`](super::api_error) and
/// [`transport_error`](super::transport_error)), or, with
/// [`fail_when`](Self::fail_when), the calls a predicate matches, `n` times (a
/// [`FailRule`]), so that a test needs no wrapper of its own to fail, say, the real order
/// after its dry run. Clones share one state, so keep a clone to
/// inspect after handing one to the code under test, as `&dyn ServiceRenewApi` or
/// `Arc<dyn ServiceRenewApi>`.
///
/// Its errors look like the client's: refusals are [`Error::Api`] with OVH's status,
/// class, message, the route template (`/service/{serviceId}/renew`) and a query id;
/// requests the client would refuse before sending (an empty service list, a service name
/// that cannot be one path segment) are [`Error::InvalidRequest`].
///
/// ```
/// use std::sync::Arc;
/// use ovh_renew::ops::{Call, Op};
/// use ovh_renew::testing::{api_error, FakeRenewApi};
/// use ovh_renew::{ServiceId, ServiceRenewApi};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let fake = FakeRenewApi::sandbox();
/// fake.fail_next(Op::RenewDescriptions, || {
///     api_error(403, "NOT_GRANTED_CALL", "This call has not been granted")
/// });
/// let api: Arc<dyn ServiceRenewApi> = Arc::new(fake.clone());
/// let err = api.renew_descriptions(ServiceId(118977335), false).await.unwrap_err();
/// assert!(err.is_not_granted());
/// assert_eq!(err.api().unwrap().route, "/service/{serviceId}/renew");
/// // The failure was used up; the next call works.
/// assert_eq!(api.renew_descriptions(ServiceId(118977335), false).await.unwrap().len(), 4);
/// assert_eq!(fake.calls().len(), 2);
/// assert_eq!(
///     fake.calls()[0],
///     Call::RenewDescriptions { id: ServiceId(118977335), include_options: false }
/// );
/// # });
/// ```
#[derive(Clone)]
pub struct FakeRenewApi {
    state: Arc<Mutex<State>>,
    answered: Arc<AtomicU64>,
    endpoint: Option<crate::Endpoint>,
}

impl fmt::Debug for FakeRenewApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FakeRenewApi")
            .field("services", &state.account.list_services())
            .field("calls", &state.calls.len())
            .field("pending_failures", &state.failures.len())
            .field("rules", &state.rules.len())
            .finish_non_exhaustive()
    }
}

impl Default for FakeRenewApi {
    fn default() -> Self {
        Self::new()
    }
}

impl FakeRenewApi {
    /// An account with no services (default payment means and methods); add yours with
    /// [`add_service`](Self::add_service).
    pub fn new() -> Self {
        Self::with_account(Account::empty())
    }

    /// The sandbox account (see [`sandbox`](super::sandbox)).
    pub fn sandbox() -> Self {
        Self::with_account(Account::sandbox())
    }

    fn with_account(account: Account) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                account,
                calls: Vec::new(),
                failures: VecDeque::new(),
                rules: Vec::new(),
            })),
            answered: Arc::new(AtomicU64::new(0)),
            endpoint: None,
        }
    }

    /// Answers `endpoint` to [`ServiceRenewApi::api_endpoint`] (default `None`), e.g.
    /// [`Endpoint::OvhUs`](crate::Endpoint::OvhUs) to see what the workflow refuses
    /// there. The returned fake shares this one's account.
    pub fn with_endpoint(mut self, endpoint: crate::Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock must not take later calls down.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a service (or replaces the one with the same id).
    pub fn add_service(&self, service: SandboxService) {
        self.lock().account.add_service(service);
    }

    /// The payment means every order can be paid with.
    pub fn set_payment_means(&self, means: Vec<PaymentMean>) {
        self.lock().account.set_payment_means(means);
    }

    /// How `GET /services` asked for pages of whole objects is answered (default
    /// [`PagingMode::Pages`](super::PagingMode::Pages)), and the largest page the account
    /// gives whatever size is asked (`None`: no cap), as a server may cap pages.
    pub fn set_paging(&self, mode: super::PagingMode, max_page_size: Option<u32>) {
        self.lock().account.set_paging(mode, max_page_size);
    }

    /// What `GET /me/debtAccount` answers (default: no debt,
    /// [`DebtBalance::none`](crate::models::DebtBalance::none)).
    pub fn set_debt(&self, debt: crate::models::DebtBalance) {
        self.lock().account.set_debt(debt);
    }

    /// The payment method ids of the account: each `VALID`, the first one the default
    /// (see [`set_payment_method_details`](Self::set_payment_method_details) for
    /// statuses).
    pub fn set_payment_methods(&self, methods: Vec<u64>) {
        self.lock().account.set_payment_methods(methods);
    }

    /// The payment methods of the account, with their statuses and default (what `GET
    /// /me/payment/method/{id}` answers, `GET /me/payment/method?status=&default=`
    /// filters, and `POST /me/order/{orderId}/pay` accepts when `VALID`).
    pub fn set_payment_method_details(&self, methods: Vec<crate::models::PaymentMethod>) {
        self.lock().account.set_payment_method_details(methods);
    }

    /// How many reads of a paid order's status (or follow-up) it takes to deliver it:
    /// 0 (the default) delivers at the first read; `n` answers `checking`, then
    /// `delivering`, and `delivered` from the `n`-th read after the payment on (for
    /// orders created from now on).
    pub fn set_delivery_polls(&self, polls: u32) {
        self.lock().account.set_delivery_polls(polls);
    }

    /// Makes the next call of `op` fail with `make()`, without any effect (no order
    /// created, nothing paid). The call is still recorded. Failures are used in the order
    /// programmed, each once.
    ///
    /// An [`Error::Api`] or [`Error::Transport`] whose route is empty (as built by
    /// [`api_error`](super::api_error) and [`transport_error`](super::transport_error)) gets
    /// the method and route of the failed call, like an error from the client would.
    pub fn fail_next(&self, op: Op, make: impl Fn() -> Error + Send + Sync + 'static) {
        self.program(op, false, Box::new(make));
    }

    /// Like [`fail_next`](Self::fail_next), but the call is processed first (the order is
    /// created, the payment recorded) and then fails with `make()`: an answer lost on its
    /// way back. The same name and meaning as
    /// [`MockOvh::fail_next_after_processing`](super::MockOvh::fail_next_after_processing)
    /// (see [failing after processing](super#failing-a-call-after-processing)).
    pub fn fail_next_after_processing(
        &self,
        op: Op,
        make: impl Fn() -> Error + Send + Sync + 'static,
    ) {
        self.program(op, true, Box::new(make));
    }

    /// Fails the calls `matches` accepts, as the returned [`FailRule`] says: every one
    /// until told otherwise with [`times`](FailRule::times), with a connection error until
    /// told otherwise with [`with`](FailRule::with). Match on the [`Call`] and its
    /// arguments, e.g. `|c| matches!(c, Call::PayOrder { .. })` or
    /// `|c| c.op() == Op::OrderStatus`. The predicate runs while the fake is locked: it
    /// must not call the fake.
    pub fn fail_when(&self, matches: impl Fn(&Call) -> bool + Send + Sync + 'static) -> FailRule {
        let rule = Arc::new(Mutex::new(Rule {
            matches: Box::new(matches),
            remaining: None,
            after_processing: false,
            make: Box::new(|| super::transport_error(crate::TransportKind::Connect, false)),
            fired: 0,
        }));
        self.lock().rules.push(rule.clone());
        FailRule { rule }
    }

    fn program(&self, op: Op, after_processing: bool, make: ErrorFactory) {
        self.lock().failures.push_back(Failure {
            op,
            after_processing,
            make,
        });
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// How many calls of `op` were made.
    pub fn count(&self, op: Op) -> usize {
        self.lock().calls.iter().filter(|c| c.op() == op).count()
    }

    /// The real orders created so far (dry runs excluded), oldest first.
    pub fn orders(&self) -> Vec<MockOrder> {
        self.lock().account.orders()
    }

    /// The dry runs priced so far, oldest first.
    pub fn dry_runs(&self) -> Vec<RecordedDryRun> {
        self.lock().account.dry_runs()
    }

    /// The payments accepted so far, oldest first.
    pub fn payments(&self) -> Vec<RecordedPayment> {
        self.lock().account.payments()
    }

    /// Records `call`, refuses it as the client would before sending, then answers it
    /// from the account unless a failure is programmed.
    fn handle(&self, call: &Call) -> Result<Reply, Error> {
        let op = call.op();
        let mut state = self.lock();
        state.calls.push(call.clone());
        let (verb, path, _body) = call.to_http()?;
        let failure = state
            .failures
            .iter()
            .position(|f| f.op == op)
            .and_then(|at| state.failures.remove(at));
        let failure = match failure {
            Some(f) => Some((f.after_processing, f.make())),
            None => state.rules.iter().find_map(|rule| fire(rule, call)),
        };
        let failure = match failure {
            Some((false, error)) => return Err(complete(error, &verb, &path)),
            other => other,
        };
        let result = state.account.handle(call);
        drop(state);
        if let Some((_, error)) = failure {
            return Err(complete(error, &verb, &path));
        }
        result.map_err(|refusal| {
            let n = self.answered.fetch_add(1, Ordering::Relaxed) + 1;
            refusal_error(
                refusal,
                &verb,
                &path,
                format!("EU.fake.{:x}.{n}", local_unix()),
            )
        })
    }
}

impl Failure {
    fn make(&self) -> Error {
        (self.make)()
    }
}

/// If `rule` matches `call` and has calls left: counts the failure and returns whether it
/// comes after the effect, and the error.
fn fire(rule: &Mutex<Rule>, call: &Call) -> Option<(bool, Error)> {
    let mut rule = lock_rule(rule);
    if rule.remaining == Some(0) || !(rule.matches)(call) {
        return None;
    }
    if let Some(left) = rule.remaining.as_mut() {
        *left -= 1;
    }
    rule.fired += 1;
    Some((rule.after_processing, (rule.make)()))
}

/// Fills in the method and route of an error built without them.
fn complete(mut error: Error, method: &Method, path: &ApiPath) -> Error {
    match &mut error {
        Error::Api(e) if e.route.is_empty() => {
            e.method = method.to_string();
            e.route = path.route().to_owned();
            e.rule_path = path.rule_path().to_owned();
        }
        Error::Transport(t) if t.route.is_empty() => {
            t.method = method.to_string();
            t.route = path.route().to_owned();
        }
        _ => {}
    }
    error
}

fn refusal_error(refusal: Refusal, method: &Method, path: &ApiPath, query_id: String) -> Error {
    ApiError {
        method: method.to_string(),
        route: path.route().to_owned(),
        rule_path: path.rule_path().to_owned(),
        status: refusal.status,
        class: refusal.class,
        error_code: refusal.error_code,
        message: refusal.message,
        details: Default::default(),
        query_id: Some(query_id),
        ovh_body: true,
        route_note: None,
    }
    .into()
}

impl ServiceRenewApi for FakeRenewApi {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async move { self.handle(call) })
    }

    fn api_endpoint(&self) -> Option<&crate::Endpoint> {
        self.endpoint.as_ref()
    }
}
