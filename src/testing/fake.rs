//! [`FakeRenewApi`]: the sandbox account as an in-memory [`ServiceRenewApi`], no HTTP.

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::Method;
use crate::api::{ApiFuture, ServiceRenewApi, order_path, service_infos_path, service_path};
use crate::clock::local_unix;
use crate::error::{ApiError, Error};
use crate::models::{
    Order, OrderId, OrderStatus, PaymentMean, RenewDescription, RenewRequest, Service, ServiceId,
    ServiceInfos,
};
use crate::path::ApiPath;

use super::account::{Account, MockOrder, RecordedDryRun, RecordedPayment, Refusal};
use super::sandbox::SandboxService;

/// One method of [`ServiceRenewApi`], to program failures with
/// [`FakeRenewApi::fail_next`] or to filter [`FakeRenewApi::calls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FakeMethod {
    /// [`ServiceRenewApi::list_services`].
    ListServices,
    /// [`ServiceRenewApi::service`].
    Service,
    /// [`ServiceRenewApi::service_infos`].
    ServiceInfos,
    /// [`ServiceRenewApi::renew_descriptions`].
    RenewDescriptions,
    /// [`ServiceRenewApi::create_renew_order`].
    CreateRenewOrder,
    /// [`ServiceRenewApi::order`].
    Order,
    /// [`ServiceRenewApi::order_status`].
    OrderStatus,
    /// [`ServiceRenewApi::available_registered_payment_means`].
    AvailableRegisteredPaymentMeans,
    /// [`ServiceRenewApi::pay_with_registered_payment_mean`].
    PayWithRegisteredPaymentMean,
    /// [`ServiceRenewApi::payment_methods`].
    PaymentMethods,
    /// [`ServiceRenewApi::pay_with_payment_method`].
    PayWithPaymentMethod,
}

impl FakeMethod {
    /// Every method, in the trait's order.
    pub const ALL: [FakeMethod; 11] = [
        FakeMethod::ListServices,
        FakeMethod::Service,
        FakeMethod::ServiceInfos,
        FakeMethod::RenewDescriptions,
        FakeMethod::CreateRenewOrder,
        FakeMethod::Order,
        FakeMethod::OrderStatus,
        FakeMethod::AvailableRegisteredPaymentMeans,
        FakeMethod::PayWithRegisteredPaymentMean,
        FakeMethod::PaymentMethods,
        FakeMethod::PayWithPaymentMethod,
    ];
}

/// A call made on a [`FakeRenewApi`], with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FakeCall {
    /// `list_services()`.
    ListServices,
    /// `service(id)`.
    Service(ServiceId),
    /// `service_infos(product, service_name)`.
    ServiceInfos {
        /// The product route, as passed.
        product: String,
        /// The service name, as passed.
        service_name: String,
    },
    /// `renew_descriptions(id, include_options)`.
    RenewDescriptions {
        /// The service.
        id: ServiceId,
        /// Whether options were asked for.
        include_options: bool,
    },
    /// `create_renew_order(id, request)`.
    CreateRenewOrder {
        /// The service of the path.
        id: ServiceId,
        /// The request, as passed.
        request: RenewRequest,
    },
    /// `order(order_id)`.
    Order(OrderId),
    /// `order_status(order_id)`.
    OrderStatus(OrderId),
    /// `available_registered_payment_means(order_id)`.
    AvailableRegisteredPaymentMeans(OrderId),
    /// `pay_with_registered_payment_mean(order_id, payment_mean, payment_mean_id)`.
    PayWithRegisteredPaymentMean {
        /// The order.
        order_id: OrderId,
        /// The payment mean.
        payment_mean: PaymentMean,
        /// Its id, if passed.
        payment_mean_id: Option<u64>,
    },
    /// `payment_methods()`.
    PaymentMethods,
    /// `pay_with_payment_method(order_id, payment_method_id)`.
    PayWithPaymentMethod {
        /// The order.
        order_id: OrderId,
        /// The payment method id.
        payment_method_id: u64,
    },
}

impl FakeCall {
    /// Which method was called.
    pub fn method(&self) -> FakeMethod {
        match self {
            FakeCall::ListServices => FakeMethod::ListServices,
            FakeCall::Service(_) => FakeMethod::Service,
            FakeCall::ServiceInfos { .. } => FakeMethod::ServiceInfos,
            FakeCall::RenewDescriptions { .. } => FakeMethod::RenewDescriptions,
            FakeCall::CreateRenewOrder { .. } => FakeMethod::CreateRenewOrder,
            FakeCall::Order(_) => FakeMethod::Order,
            FakeCall::OrderStatus(_) => FakeMethod::OrderStatus,
            FakeCall::AvailableRegisteredPaymentMeans(_) => {
                FakeMethod::AvailableRegisteredPaymentMeans
            }
            FakeCall::PayWithRegisteredPaymentMean { .. } => {
                FakeMethod::PayWithRegisteredPaymentMean
            }
            FakeCall::PaymentMethods => FakeMethod::PaymentMethods,
            FakeCall::PayWithPaymentMethod { .. } => FakeMethod::PayWithPaymentMethod,
        }
    }
}

type ErrorFactory = Box<dyn Fn() -> Error + Send + Sync>;

struct Failure {
    method: FakeMethod,
    after_effect: bool,
    make: ErrorFactory,
}

struct State {
    account: Account,
    calls: Vec<FakeCall>,
    failures: VecDeque<Failure>,
}

/// An in-memory [`ServiceRenewApi`]: the same account as [`MockOvh`](super::MockOvh)
/// (same services, validation, prices, order ids and payment rules) without HTTP,
/// signatures or clocks.
///
/// It records every call with its arguments, and can be told to fail the next call of a
/// method with an error you build (see [`api_error`](super::api_error) and
/// [`transport_error`](super::transport_error)). Clones share one state, so keep a clone to
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
/// use ovh_renew::testing::{api_error, FakeCall, FakeMethod, FakeRenewApi};
/// use ovh_renew::{ServiceId, ServiceRenewApi};
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let fake = FakeRenewApi::sandbox();
/// fake.fail_next(FakeMethod::RenewDescriptions, || {
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
///     FakeCall::RenewDescriptions { id: ServiceId(118977335), include_options: false }
/// );
/// # });
/// ```
#[derive(Clone)]
pub struct FakeRenewApi {
    state: Arc<Mutex<State>>,
    answered: Arc<AtomicU64>,
}

impl fmt::Debug for FakeRenewApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("FakeRenewApi")
            .field("services", &state.account.list_services())
            .field("calls", &state.calls.len())
            .field("pending_failures", &state.failures.len())
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
            })),
            answered: Arc::new(AtomicU64::new(0)),
        }
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

    /// The payment method ids of the account.
    pub fn set_payment_methods(&self, methods: Vec<u64>) {
        self.lock().account.set_payment_methods(methods);
    }

    /// Makes the next call of `method` fail with `make()`, without any effect (no order
    /// created, nothing paid). The call is still recorded. Failures are used in the order
    /// programmed, each once.
    ///
    /// An [`Error::Api`] or [`Error::Transport`] whose route is empty (as built by
    /// [`api_error`](super::api_error) and [`transport_error`](super::transport_error)) gets
    /// the method and route of the failed call, like an error from the client would.
    pub fn fail_next(&self, method: FakeMethod, make: impl Fn() -> Error + Send + Sync + 'static) {
        self.program(method, false, Box::new(make));
    }

    /// Like [`fail_next`](Self::fail_next), but the call takes effect first (the order is
    /// created, the payment recorded) and then fails: an answer lost on its way back.
    pub fn fail_next_after_effect(
        &self,
        method: FakeMethod,
        make: impl Fn() -> Error + Send + Sync + 'static,
    ) {
        self.program(method, true, Box::new(make));
    }

    fn program(&self, method: FakeMethod, after_effect: bool, make: ErrorFactory) {
        self.lock().failures.push_back(Failure {
            method,
            after_effect,
            make,
        });
    }

    /// Every call so far, oldest first.
    pub fn calls(&self) -> Vec<FakeCall> {
        self.lock().calls.clone()
    }

    /// How many calls of `method` were made.
    pub fn count(&self, method: FakeMethod) -> usize {
        self.lock()
            .calls
            .iter()
            .filter(|c| c.method() == method)
            .count()
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

    /// Records `call`, then runs `op` on the account unless a failure is programmed.
    fn handle<T>(
        &self,
        call: FakeCall,
        http: (&Method, Result<ApiPath, Error>),
        op: impl FnOnce(&mut Account) -> Result<T, Refusal>,
    ) -> Result<T, Error> {
        let method = call.method();
        let mut state = self.lock();
        state.calls.push(call);
        let (verb, path) = http;
        let path = path?;
        let failure = state
            .failures
            .iter()
            .position(|f| f.method == method)
            .and_then(|at| state.failures.remove(at));
        let failure = match failure {
            Some(f) if !f.after_effect => return Err(complete((f.make)(), verb, &path)),
            other => other,
        };
        let result = op(&mut state.account);
        drop(state);
        if let Some(f) = failure {
            return Err(complete((f.make)(), verb, &path));
        }
        result.map_err(|refusal| {
            let n = self.answered.fetch_add(1, Ordering::Relaxed) + 1;
            refusal_error(
                refusal,
                verb,
                &path,
                format!("EU.fake.{:x}.{n}", local_unix()),
            )
        })
    }
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
    }
    .into()
}

impl ServiceRenewApi for FakeRenewApi {
    fn list_services(&self) -> ApiFuture<'_, Vec<ServiceId>> {
        Box::pin(async move {
            self.handle(
                FakeCall::ListServices,
                (&Method::GET, Ok(ApiPath::new("/service"))),
                |a| Ok(a.list_services()),
            )
        })
    }

    fn service(&self, id: ServiceId) -> ApiFuture<'_, Service> {
        Box::pin(async move {
            self.handle(
                FakeCall::Service(id),
                (&Method::GET, Ok(service_path(id))),
                |a| a.service(id),
            )
        })
    }

    fn service_infos<'a>(
        &'a self,
        product: &'a str,
        service_name: &'a str,
    ) -> ApiFuture<'a, ServiceInfos> {
        Box::pin(async move {
            self.handle(
                FakeCall::ServiceInfos {
                    product: product.to_owned(),
                    service_name: service_name.to_owned(),
                },
                (&Method::GET, service_infos_path(product, service_name)),
                |a| a.service_infos(product, service_name),
            )
        })
    }

    fn renew_descriptions(
        &self,
        id: ServiceId,
        include_options: bool,
    ) -> ApiFuture<'_, Vec<RenewDescription>> {
        Box::pin(async move {
            self.handle(
                FakeCall::RenewDescriptions {
                    id,
                    include_options,
                },
                (
                    &Method::GET,
                    Ok(service_path(id)
                        .lit("renew")
                        .query_bool("includeOptions", include_options)),
                ),
                |a| a.renew_descriptions(id, include_options),
            )
        })
    }

    fn create_renew_order<'a>(
        &'a self,
        id: ServiceId,
        request: &'a RenewRequest,
    ) -> ApiFuture<'a, Order> {
        Box::pin(async move {
            let path = request
                .validate()
                .map(|()| service_path(id).lit("renew"))
                .map_err(|e| Error::InvalidRequest(e.to_string()));
            self.handle(
                FakeCall::CreateRenewOrder {
                    id,
                    request: request.clone(),
                },
                (&Method::POST, path),
                |a| a.renew(id, request.dry_run, &request.duration, &request.services),
            )
        })
    }

    fn order(&self, order_id: OrderId) -> ApiFuture<'_, Order> {
        Box::pin(async move {
            self.handle(
                FakeCall::Order(order_id),
                (&Method::GET, Ok(order_path(order_id))),
                |a| a.order(order_id),
            )
        })
    }

    fn order_status(&self, order_id: OrderId) -> ApiFuture<'_, OrderStatus> {
        Box::pin(async move {
            self.handle(
                FakeCall::OrderStatus(order_id),
                (&Method::GET, Ok(order_path(order_id).lit("status"))),
                |a| a.order_status(order_id),
            )
        })
    }

    fn available_registered_payment_means(
        &self,
        order_id: OrderId,
    ) -> ApiFuture<'_, Vec<PaymentMean>> {
        Box::pin(async move {
            self.handle(
                FakeCall::AvailableRegisteredPaymentMeans(order_id),
                (
                    &Method::GET,
                    Ok(order_path(order_id).lit("availableRegisteredPaymentMean")),
                ),
                |a| a.available_payment_means(order_id),
            )
        })
    }

    fn pay_with_registered_payment_mean(
        &self,
        order_id: OrderId,
        payment_mean: PaymentMean,
        payment_mean_id: Option<u64>,
    ) -> ApiFuture<'_, ()> {
        Box::pin(async move {
            self.handle(
                FakeCall::PayWithRegisteredPaymentMean {
                    order_id,
                    payment_mean: payment_mean.clone(),
                    payment_mean_id,
                },
                (
                    &Method::POST,
                    Ok(order_path(order_id).lit("payWithRegisteredPaymentMean")),
                ),
                |a| a.pay_with_registered_mean(order_id, payment_mean, payment_mean_id),
            )
        })
    }

    fn payment_methods(&self) -> ApiFuture<'_, Vec<u64>> {
        Box::pin(async move {
            self.handle(
                FakeCall::PaymentMethods,
                (&Method::GET, Ok(ApiPath::new("/me/payment/method"))),
                |a| Ok(a.payment_methods()),
            )
        })
    }

    fn pay_with_payment_method(
        &self,
        order_id: OrderId,
        payment_method_id: u64,
    ) -> ApiFuture<'_, ()> {
        Box::pin(async move {
            self.handle(
                FakeCall::PayWithPaymentMethod {
                    order_id,
                    payment_method_id,
                },
                (&Method::POST, Ok(order_path(order_id).lit("pay"))),
                |a| a.pay_with_payment_method(order_id, payment_method_id),
            )
        })
    }
}
