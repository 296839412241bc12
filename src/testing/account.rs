//! The account behind both [`MockOvh`](super::MockOvh) and
//! [`FakeRenewApi`](super::FakeRenewApi): one state machine, so that they accept, refuse,
//! price and record exactly alike. `MockOvh` only translates HTTP to these calls and back;
//! `FakeRenewApi` calls them directly.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{Days, Utc};
use sha1::{Digest, Sha1};

use crate::models::{
    CurrencyCode, DebtBalance, LifecycleAction, Order, OrderId, OrderStatus, PaymentMean, Product,
    RegisteredPaymentMean, RenewDescription, RenewPeriod, RenewalUpdate, Service, ServiceFilter,
    ServiceId, ServiceInfos, ServicePage, ServiceView, TerminationPolicy,
};
use crate::ops::{Call, Reply};

use super::sandbox::{self, SandboxService, price};

/// The first order id a mock account hands out.
pub(crate) const FIRST_ORDER_ID: u64 = 300_000_001;

/// Tax added to every order, in percent.
const TAX_PERCENT: i128 = 20;

/// How the account answers `GET /services` asked for whole objects
/// (`X-Pagination-Mode: CachedObjectList-Pages`, [`services_page`](crate::ServiceRenewApi::services_page)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum PagingMode {
    /// Pages of whole objects, with `X-Pagination-Elements` (OVH's behaviour).
    #[default]
    Pages,
    /// The header is not honoured: the plain list of ids, no pagination headers.
    Ignored,
    /// The header is refused: `400 Client::BadRequest`.
    Refused,
}

/// A real (not dry-run) renew order recorded by the mock account.
///
/// Holds no password and no URL, so its `Debug` is safe to print.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MockOrder {
    /// The order id handed out (from 300000001 up).
    pub order_id: OrderId,
    /// The service of the `POST /service/{serviceId}/renew` path.
    pub service_id: ServiceId,
    /// The duration requested, as sent.
    pub duration: RenewPeriod,
    /// The services requested, as sent.
    pub services: Vec<ServiceId>,
    /// Price excluding tax, in micro-cents (the strategy's price).
    pub price_ucents: i64,
    /// Tax, in micro-cents (20 % of the price, rounded half away from zero).
    pub tax_ucents: i64,
    /// Currency of the prices.
    pub currency: CurrencyCode,
    /// How the order was paid, if it was.
    pub paid: Option<RecordedPayment>,
}

impl MockOrder {
    /// Price including tax, in micro-cents.
    pub fn price_with_tax_ucents(&self) -> i64 {
        self.price_ucents.saturating_add(self.tax_ucents)
    }

    /// `notPaid` until paid, then `delivered`.
    pub fn status(&self) -> OrderStatus {
        if self.paid.is_some() {
            OrderStatus::Delivered
        } else {
            OrderStatus::NotPaid
        }
    }
}

/// A dry run (`dryRun: true`) the mock account priced; no order was created.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedDryRun {
    /// The service of the request path.
    pub service_id: ServiceId,
    /// The duration requested.
    pub duration: RenewPeriod,
    /// The services requested.
    pub services: Vec<ServiceId>,
    /// Price excluding tax, in micro-cents.
    pub price_ucents: i64,
    /// Tax, in micro-cents.
    pub tax_ucents: i64,
    /// Currency of the prices.
    pub currency: CurrencyCode,
}

/// A payment the mock account accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedPayment {
    /// The order paid.
    pub order_id: OrderId,
    /// How.
    pub with: PaidWith,
}

/// How an order was paid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PaidWith {
    /// `POST /me/order/{orderId}/payWithRegisteredPaymentMean`.
    RegisteredMean {
        /// The payment mean.
        mean: PaymentMean,
        /// The `paymentMeanId`, when sent.
        id: Option<u64>,
    },
    /// `POST /me/order/{orderId}/pay` with this payment method id.
    PaymentMethod(u64),
}

/// Why the account refused a call: an OVH error answer, before it becomes HTTP or an
/// [`Error`](crate::Error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) status: u16,
    pub(crate) class: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) message: String,
}

impl Refusal {
    pub(crate) fn class(status: u16, class: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            class: Some(class.to_owned()),
            error_code: None,
            message: message.into(),
        }
    }

    /// The legacy authentication-layer shape, `{"errorCode","httpCode","message"}`.
    pub(crate) fn code(status: u16, code: &str, message: &str) -> Self {
        Self {
            status,
            class: None,
            error_code: Some(code.to_owned()),
            message: message.to_owned(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::class(404, "Client::NotFound", message)
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::class(400, "Client::BadRequest", message)
    }

    fn action_impossible(message: impl Into<String>) -> Self {
        Self::class(403, "Client::Forbidden::ActionImpossible", message)
    }

    fn service_not_found() -> Self {
        Self::not_found("This service does not exist")
    }

    fn order_not_found(id: OrderId) -> Self {
        Self::not_found(format!(
            "The requested object (orderId = {id}) does not exist"
        ))
    }

    /// The JSON body OVH sends for this error.
    pub(crate) fn body(&self) -> serde_json::Value {
        let mut body = serde_json::Map::new();
        if let Some(class) = &self.class {
            body.insert("class".into(), class.clone().into());
        }
        if let Some(code) = &self.error_code {
            body.insert("errorCode".into(), code.clone().into());
            body.insert("httpCode".into(), http_code(self.status).into());
        }
        body.insert("message".into(), self.message.clone().into());
        serde_json::Value::Object(body)
    }
}

/// The JSON OVH sends for `reply` (the inverse of the client's decoding).
pub(crate) fn wire(reply: Reply) -> Result<serde_json::Value, Refusal> {
    let value = match reply {
        Reply::ListServices(ids) => serde_json::to_value(ids),
        Reply::Service(service) => serde_json::to_value(service),
        Reply::ServiceInfos(infos) => serde_json::to_value(infos),
        Reply::RenewDescriptions(choices) => serde_json::to_value(choices),
        Reply::CreateRenewOrder(order) | Reply::Order(order) => serde_json::to_value(order),
        Reply::OrderStatus(status) => serde_json::to_value(status),
        Reply::AvailableRegisteredPaymentMeans(means) => serde_json::to_value(
            means
                .into_iter()
                .map(RegisteredPaymentMean::new)
                .collect::<Vec<_>>(),
        ),
        Reply::PayWithRegisteredPaymentMean(()) | Reply::PayWithPaymentMethod(()) => {
            Ok(serde_json::Value::Null)
        }
        Reply::PaymentMethods(ids) => serde_json::to_value(ids),
        Reply::Services(ids) => serde_json::to_value(ids),
        Reply::ServicesPage(page) => serde_json::to_value(page),
        Reply::ServiceView(view) => serde_json::to_value(view),
        Reply::RenewPeriodCapacities(periods) => serde_json::to_value(periods),
        Reply::DebtBalance(debt) => serde_json::to_value(debt),
        Reply::UpdateRenewal(()) => Ok(serde_json::Value::Null),
    };
    value.map_err(|e| Refusal::class(500, "Server::InternalServerError", e.to_string()))
}

fn http_code(status: u16) -> String {
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        _ => "Error",
    };
    format!("{status} {reason}")
}

/// 20 % of `ucents`, rounded half away from zero, in integers.
fn tax_of(ucents: i64) -> i64 {
    let scaled = i128::from(ucents) * TAX_PERCENT;
    let rounded = if scaled >= 0 {
        (scaled + 50) / 100
    } else {
        (scaled - 50) / 100
    };
    i64::try_from(rounded).unwrap_or(if rounded < 0 { i64::MIN } else { i64::MAX })
}

fn needs_payment_mean_id(mean: &PaymentMean) -> bool {
    matches!(
        mean,
        PaymentMean::BankAccount | PaymentMean::CreditCard | PaymentMean::Paypal
    )
}

fn list<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let mut out = String::new();
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{item}");
    }
    out
}

#[derive(Debug)]
struct OrderRecord {
    order: Order,
    summary: MockOrder,
}

/// The state of one account: services, orders, payments, payment means.
#[derive(Debug)]
pub(crate) struct Account {
    services: Vec<SandboxService>,
    payment_means: Vec<PaymentMean>,
    payment_methods: Vec<u64>,
    orders: Vec<OrderRecord>,
    dry_runs: Vec<RecordedDryRun>,
    payments: Vec<RecordedPayment>,
    next_order_id: u64,
    salt: u128,
    debt: DebtBalance,
    paging: PagingMode,
    max_page_size: Option<u32>,
}

impl Account {
    /// An account with no services, the default payment means and methods.
    pub(crate) fn empty() -> Self {
        Self {
            services: Vec::new(),
            payment_means: sandbox::DEFAULT_PAYMENT_MEANS.to_vec(),
            payment_methods: sandbox::DEFAULT_PAYMENT_METHODS.to_vec(),
            orders: Vec::new(),
            dry_runs: Vec::new(),
            payments: Vec::new(),
            next_order_id: FIRST_ORDER_ID,
            debt: DebtBalance::none(),
            paging: PagingMode::Pages,
            max_page_size: None,
            salt: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        }
    }

    /// The seeded sandbox account (see [`sandbox`]).
    pub(crate) fn sandbox() -> Self {
        let mut account = Self::empty();
        for service in sandbox::services() {
            account.add_service(service);
        }
        account
    }

    /// Adds a service, replacing any with the same id.
    pub(crate) fn add_service(&mut self, service: SandboxService) {
        match self.services.iter_mut().find(|s| s.id == service.id) {
            Some(existing) => *existing = service,
            None => self.services.push(service),
        }
    }

    pub(crate) fn set_payment_means(&mut self, means: Vec<PaymentMean>) {
        self.payment_means = means;
    }

    pub(crate) fn set_payment_methods(&mut self, methods: Vec<u64>) {
        self.payment_methods = methods;
    }

    pub(crate) fn set_debt(&mut self, debt: DebtBalance) {
        self.debt = debt;
    }

    pub(crate) fn set_paging(&mut self, mode: PagingMode, max_page_size: Option<u32>) {
        self.paging = mode;
        self.max_page_size = max_page_size;
    }

    /// The page size the account uses when `size` is asked for.
    pub(crate) fn page_size(&self, size: u32) -> u32 {
        self.max_page_size.map_or(size, |max| size.min(max)).max(1)
    }

    /// Page `number` (1-based) of the filtered views, `size` per page (capped at the
    /// account's maximum page size, as a server may cap it), with the total; or the
    /// plain ids, or a refusal, as the paging mode says.
    pub(crate) fn services_page(
        &self,
        filter: &ServiceFilter,
        number: u32,
        size: u32,
    ) -> Result<ServicePage, Refusal> {
        let ids = self.services(filter);
        match self.paging {
            PagingMode::Refused => Err(Refusal::bad_request(
                "X-Pagination-Mode is not supported on this route",
            )),
            PagingMode::Ignored => Ok(ServicePage::of_ids(ids)),
            PagingMode::Pages => {
                let size = self.page_size(size) as usize;
                let skip = (number.max(1) as usize - 1).saturating_mul(size);
                let views = ids
                    .iter()
                    .skip(skip)
                    .take(size)
                    .filter_map(|id| self.service_view(*id).ok())
                    .collect();
                Ok(ServicePage::of(views, Some(ids.len() as u64)))
            }
        }
    }

    /// `GET /services`: the ids whose view matches the filter (route template starting
    /// with one of the routes, e.g. `/vps` for `/vps/{serviceName}`; the resource name).
    pub(crate) fn services(&self, filter: &ServiceFilter) -> Vec<ServiceId> {
        self.services
            .iter()
            .filter(|s| {
                let view = s.view();
                let route_ok = filter.routes.is_empty()
                    || view.route_path().is_some_and(|path| {
                        filter.routes.iter().any(|r| {
                            path == r
                                || path
                                    .strip_prefix(r.as_str())
                                    .is_some_and(|rest| rest.starts_with('/'))
                        })
                    });
                let name_ok = filter
                    .resource_name
                    .as_ref()
                    .is_none_or(|name| &view.resource.name == name);
                route_ok && name_ok
            })
            .map(|s| s.id)
            .collect()
    }

    pub(crate) fn service_view(&self, id: ServiceId) -> Result<ServiceView, Refusal> {
        self.find(id).map(SandboxService::view)
    }

    pub(crate) fn renew_period_capacities(
        &self,
        id: ServiceId,
    ) -> Result<Vec<RenewPeriod>, Refusal> {
        self.find(id).map(SandboxService::period_capacities)
    }

    /// `PUT /services/{id}`: checked like [`RenewalUpdate::check`] (400 naming what the
    /// service can take), then remembered in the service's view: mode, period (kept
    /// only in automatic mode), and the termination policy as a pending action.
    pub(crate) fn update_renewal(
        &mut self,
        id: ServiceId,
        update: &RenewalUpdate,
    ) -> Result<(), Refusal> {
        let service = self.find(id)?;
        let mut view = service.view();
        update
            .check(&view, &service.period_capacities())
            .map_err(|e| Refusal::bad_request(e.to_string()))?;
        let renew = view.billing.renew.get_or_insert_with(Default::default);
        if let Some(mode) = &update.mode {
            renew.current.mode = Some(mode.clone());
        }
        if let Some(period) = &update.period {
            renew.current.period = Some(period.clone());
        }
        if let Some(policy) = &update.termination_policy {
            let lifecycle = view.billing.lifecycle.get_or_insert_with(Default::default);
            let pending = &mut lifecycle.current.pending_actions;
            pending.retain(|a| {
                !matches!(
                    a,
                    LifecycleAction::TerminateAtEngagementDate
                        | LifecycleAction::TerminateAtExpirationDate
                )
            });
            match policy {
                TerminationPolicy::TerminateAtEngagementDate => {
                    pending.push(LifecycleAction::TerminateAtEngagementDate);
                }
                TerminationPolicy::TerminateAtExpirationDate => {
                    pending.push(LifecycleAction::TerminateAtExpirationDate);
                }
                _ => {}
            }
        }
        if let Some(s) = self.services.iter_mut().find(|s| s.id == id) {
            s.view = Some(view);
        }
        Ok(())
    }

    fn find(&self, id: ServiceId) -> Result<&SandboxService, Refusal> {
        self.services
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(Refusal::service_not_found)
    }

    pub(crate) fn list_services(&self) -> Vec<ServiceId> {
        self.services.iter().map(|s| s.id).collect()
    }

    pub(crate) fn service(&self, id: ServiceId) -> Result<Service, Refusal> {
        self.find(id).map(SandboxService::service)
    }

    pub(crate) fn service_infos(
        &self,
        product: &Product,
        name: &str,
    ) -> Result<ServiceInfos, Refusal> {
        self.services
            .iter()
            .filter(|s| s.product.as_ref() == Some(product))
            .find_map(|s| s.infos.as_ref().filter(|infos| infos.domain == name))
            .cloned()
            .ok_or_else(|| {
                Refusal::not_found(format!(
                    "The requested object (serviceName = {name}) does not exist"
                ))
            })
    }

    pub(crate) fn renew_descriptions(
        &self,
        id: ServiceId,
        include_options: bool,
    ) -> Result<Vec<RenewDescription>, Refusal> {
        Ok(self.find(id)?.choices(include_options).to_vec())
    }

    /// `POST /service/{id}/renew`: checks the duration and the services against the
    /// choices (with and without options), prices the strategy, and records a dry run or
    /// creates an order.
    pub(crate) fn renew(
        &mut self,
        id: ServiceId,
        dry_run: bool,
        duration: &RenewPeriod,
        services: &[ServiceId],
    ) -> Result<Order, Refusal> {
        let service = self.find(id)?;
        if services.is_empty() {
            return Err(Refusal::bad_request(
                "services must list the ids of one renew strategy, got an empty list",
            ));
        }
        let descriptions: Vec<&RenewDescription> = service
            .choices
            .iter()
            .chain(service.option_choices.iter().flatten())
            .collect();
        let mut offered: Vec<&RenewPeriod> = descriptions.iter().map(|d| &d.renew_period).collect();
        offered.sort();
        offered.dedup();
        if !offered.contains(&duration) {
            return Err(Refusal::bad_request(if offered.is_empty() {
                format!("Invalid duration {duration} for service {id}: no renewal is offered")
            } else {
                format!(
                    "Invalid duration {duration} for service {id}: the offered durations are {}",
                    list(offered)
                )
            }));
        }
        let wanted: BTreeSet<ServiceId> = services.iter().copied().collect();
        let strategies = descriptions
            .iter()
            .filter(|d| d.renew_period == *duration)
            .flat_map(|d| &d.strategies);
        let Some(strategy) = strategies
            .clone()
            .find(|s| s.services.iter().copied().collect::<BTreeSet<_>>() == wanted)
        else {
            let offered: Vec<String> = strategies
                .map(|s| format!("[{}]", list(&s.services)))
                .collect();
            return Err(Refusal::bad_request(format!(
                "Services [{}] do not match a renew strategy of service {id} for {duration}: the strategies renew {}",
                list(services),
                list(offered)
            )));
        };
        let price_ucents = strategy.price.ucents();
        let currency = strategy
            .price
            .currency_code
            .clone()
            .unwrap_or(CurrencyCode::Eur);
        let tax_ucents = tax_of(price_ucents);
        let mut order = Order::new(
            OrderId(0),
            price(price_ucents, &currency),
            price(tax_ucents, &currency),
            price(price_ucents.saturating_add(tax_ucents), &currency),
        );
        if dry_run {
            self.dry_runs.push(RecordedDryRun {
                service_id: id,
                duration: duration.clone(),
                services: services.to_vec(),
                price_ucents,
                tax_ucents,
                currency,
            });
            return Ok(order);
        }
        let order_id = OrderId(self.next_order_id);
        self.next_order_id = self.next_order_id.saturating_add(1);
        let password = self.password(order_id);
        let url = format!(
            "https://www.ovh.com/cgi-bin/order/display-order.cgi?orderId={order_id}&orderPassword={password}"
        );
        let now = Utc::now().fixed_offset();
        // The crate's own types: the fields are set directly (no setters on answers).
        order.order_id = order_id;
        order.date = Some(now);
        order.expiration_date = Some(now.checked_add_days(Days::new(14)).unwrap_or(now));
        order.password = password;
        order.pdf_url = url.clone();
        order.url = url;
        order.metadatas = Vec::new();
        self.orders.push(OrderRecord {
            order: order.clone(),
            summary: MockOrder {
                order_id,
                service_id: id,
                duration: duration.clone(),
                services: services.to_vec(),
                price_ucents,
                tax_ucents,
                currency,
                paid: None,
            },
        });
        Ok(order)
    }

    /// A short, unguessable-looking order password (10 hex digits).
    fn password(&self, order_id: OrderId) -> String {
        let mut hasher = Sha1::new();
        hasher.update(self.salt.to_le_bytes());
        hasher.update(order_id.0.to_le_bytes());
        let mut text = hex::encode(hasher.finalize());
        text.truncate(10);
        text
    }

    fn record(&self, id: OrderId) -> Result<&OrderRecord, Refusal> {
        self.orders
            .iter()
            .find(|r| r.order.order_id == id)
            .ok_or_else(|| Refusal::order_not_found(id))
    }

    fn unpaid_record(&mut self, id: OrderId) -> Result<&mut OrderRecord, Refusal> {
        let record = self
            .orders
            .iter_mut()
            .find(|r| r.order.order_id == id)
            .ok_or_else(|| Refusal::order_not_found(id))?;
        if record.summary.paid.is_some() {
            return Err(Refusal::class(
                409,
                "Client::Conflict",
                format!("Order {id} has already been paid"),
            ));
        }
        Ok(record)
    }

    pub(crate) fn order(&self, id: OrderId) -> Result<Order, Refusal> {
        self.record(id).map(|r| r.order.clone())
    }

    pub(crate) fn order_status(&self, id: OrderId) -> Result<OrderStatus, Refusal> {
        self.record(id).map(|r| r.summary.status())
    }

    pub(crate) fn available_payment_means(&self, id: OrderId) -> Result<Vec<PaymentMean>, Refusal> {
        self.record(id)?;
        Ok(self.payment_means.clone())
    }

    pub(crate) fn payment_methods(&self) -> Vec<u64> {
        self.payment_methods.clone()
    }

    pub(crate) fn pay_with_registered_mean(
        &mut self,
        id: OrderId,
        mean: PaymentMean,
        mean_id: Option<u64>,
    ) -> Result<(), Refusal> {
        let available = self.payment_means.contains(&mean);
        self.unpaid_record(id)?;
        if !available {
            return Err(Refusal::action_impossible(format!(
                "This order can't be paid with {mean}"
            )));
        }
        if mean_id.is_none() && needs_payment_mean_id(&mean) {
            return Err(Refusal::bad_request(format!(
                "paymentMeanId is mandatory for {mean}"
            )));
        }
        self.settle(id, PaidWith::RegisteredMean { mean, id: mean_id })
    }

    pub(crate) fn pay_with_payment_method(
        &mut self,
        id: OrderId,
        method_id: u64,
    ) -> Result<(), Refusal> {
        let known = self.payment_methods.contains(&method_id);
        self.unpaid_record(id)?;
        if !known {
            return Err(Refusal::action_impossible(format!(
                "This order can't be paid with the payment method {method_id}: it is not one of this account's payment methods"
            )));
        }
        self.settle(id, PaidWith::PaymentMethod(method_id))
    }

    fn settle(&mut self, id: OrderId, with: PaidWith) -> Result<(), Refusal> {
        let payment = RecordedPayment { order_id: id, with };
        self.unpaid_record(id)?.summary.paid = Some(payment.clone());
        self.payments.push(payment);
        Ok(())
    }

    /// Answers one call: the one entry point of both test doubles.
    pub(crate) fn handle(&mut self, call: &Call) -> Result<Reply, Refusal> {
        Ok(match call {
            Call::ListServices => Reply::ListServices(self.list_services()),
            Call::Service { id } => Reply::Service(self.service(*id)?),
            Call::ServiceInfos {
                product,
                service_name,
            } => Reply::ServiceInfos(self.service_infos(product, service_name)?),
            Call::RenewDescriptions {
                id,
                include_options,
            } => Reply::RenewDescriptions(self.renew_descriptions(*id, *include_options)?),
            Call::CreateRenewOrder { id, request } => Reply::CreateRenewOrder(self.renew(
                *id,
                request.dry_run,
                &request.duration,
                &request.services,
            )?),
            Call::Order { order_id } => Reply::Order(self.order(*order_id)?),
            Call::OrderStatus { order_id } => Reply::OrderStatus(self.order_status(*order_id)?),
            Call::AvailableRegisteredPaymentMeans { order_id } => {
                Reply::AvailableRegisteredPaymentMeans(self.available_payment_means(*order_id)?)
            }
            Call::PayWithRegisteredPaymentMean {
                order_id,
                payment_mean,
                payment_mean_id,
            } => Reply::PayWithRegisteredPaymentMean(self.pay_with_registered_mean(
                *order_id,
                payment_mean.clone(),
                *payment_mean_id,
            )?),
            Call::PaymentMethods => Reply::PaymentMethods(self.payment_methods()),
            Call::PayWithPaymentMethod {
                order_id,
                payment_method_id,
            } => Reply::PayWithPaymentMethod(
                self.pay_with_payment_method(*order_id, *payment_method_id)?,
            ),
            Call::Services { filter } => Reply::Services(self.services(filter)),
            Call::ServicesPage {
                filter,
                number,
                size,
            } => Reply::ServicesPage(self.services_page(filter, *number, *size)?),
            Call::ServiceView { id } => Reply::ServiceView(self.service_view(*id)?),
            Call::RenewPeriodCapacities { id } => {
                Reply::RenewPeriodCapacities(self.renew_period_capacities(*id)?)
            }
            Call::DebtBalance => Reply::DebtBalance(self.debt.clone()),
            Call::UpdateRenewal { id, update } => {
                Reply::UpdateRenewal(self.update_renewal(*id, update)?)
            }
        })
    }

    pub(crate) fn orders(&self) -> Vec<MockOrder> {
        self.orders.iter().map(|r| r.summary.clone()).collect()
    }

    pub(crate) fn dry_runs(&self) -> Vec<RecordedDryRun> {
        self.dry_runs.clone()
    }

    pub(crate) fn payments(&self) -> Vec<RecordedPayment> {
        self.payments.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::sandbox::{DOMAIN_ID, HOSTING_ID, VPS_BACKUP_ID, VPS_ID};

    fn period(text: &str) -> RenewPeriod {
        text.parse().unwrap()
    }

    #[test]
    fn tax_and_text_are_integer_exact() {
        assert_eq!(tax_of(10_350_000_000), 2_070_000_000);
        assert_eq!(tax_of(3_787_000_000), 757_400_000);
        assert_eq!(tax_of(3), 1); // 0.6 rounds up
        assert_eq!(tax_of(2), 0); // 0.4 rounds down
        assert_eq!(tax_of(-3), -1);
        assert_eq!(tax_of(i64::MAX), i64::MAX / 5); // …61.4 rounds down, no overflow
        assert_eq!(
            price(12_420_000_000, &CurrencyCode::Eur).text.as_deref(),
            Some("124.20 €")
        );
        assert_eq!(
            price(5, &CurrencyCode::Usd).text.as_deref(),
            Some("0.00 USD")
        );
        assert_eq!(
            price(-199_000_000, &CurrencyCode::Eur).text.as_deref(),
            Some("-1.99 €")
        );
        assert_eq!(
            price(0, &CurrencyCode::Points).text.as_deref(),
            Some("0 PTS")
        );
    }

    #[test]
    fn renew_accepts_offered_strategies_in_any_order_and_normalized_periods() {
        let mut account = Account::sandbox();
        let dry = account
            .renew(DOMAIN_ID, true, &period("P12M"), &[DOMAIN_ID, HOSTING_ID])
            .unwrap();
        assert_eq!(dry.order_id, OrderId(0));
        assert_eq!(dry.price_without_tax.ucents(), 3_787_000_000);
        assert_eq!(dry.tax.ucents(), 757_400_000);
        assert_eq!(dry.price_with_tax.ucents(), 4_544_400_000);
        assert!(dry.password.is_empty() && dry.url.is_empty());
        assert!(account.orders().is_empty());
        assert_eq!(account.dry_runs().len(), 1);

        // An option strategy (VPS + backup) is orderable without includeOptions.
        let order = account
            .renew(VPS_ID, false, &period("P1M"), &[VPS_BACKUP_ID, VPS_ID])
            .unwrap();
        assert_eq!(order.order_id, OrderId(FIRST_ORDER_ID));
        assert_eq!(order.price_without_tax.ucents(), 4_250_000_000);
        assert!(order.url.contains(&order.password));
        assert_eq!(order.password.len(), 10);
        let second = account
            .renew(VPS_ID, false, &period("P3M"), &[VPS_ID])
            .unwrap();
        assert_eq!(second.order_id, OrderId(FIRST_ORDER_ID + 1));
        assert_ne!(second.password, order.password);
        assert_eq!(
            account.order_status(second.order_id),
            Ok(OrderStatus::NotPaid)
        );
    }

    #[test]
    fn renew_refusals_explain_themselves() {
        let mut account = Account::sandbox();
        let err = account
            .renew(VPS_ID, false, &period("P5M"), &[VPS_ID])
            .unwrap_err();
        assert_eq!(err.status, 400);
        assert_eq!(err.class.as_deref(), Some("Client::BadRequest"));
        assert!(
            err.message.contains("P1M, P3M, P6M, P1Y"),
            "{}",
            err.message
        );
        let err = account
            .renew(VPS_ID, false, &period("P3M"), &[DOMAIN_ID])
            .unwrap_err();
        assert!(err.message.contains("[118977335]"), "{}", err.message);
        let err = account
            .renew(VPS_ID, true, &period("P3M"), &[])
            .unwrap_err();
        assert_eq!(err.status, 400);
        let err = account
            .renew(ServiceId(1), false, &period("P1M"), &[ServiceId(1)])
            .unwrap_err();
        assert_eq!(err.status, 404);
        let err = account
            .renew(VPS_BACKUP_ID, false, &period("P1M"), &[VPS_BACKUP_ID])
            .unwrap_err();
        assert!(
            err.message.contains("no renewal is offered"),
            "{}",
            err.message
        );
        assert!(account.orders().is_empty() && account.dry_runs().is_empty());
    }

    #[test]
    fn payments_follow_the_rules() {
        let mut account = Account::sandbox();
        let id = account
            .renew(VPS_ID, false, &period("P1M"), &[VPS_ID])
            .unwrap()
            .order_id;
        let refuse = |account: &mut Account, mean: &str, mean_id| {
            account
                .pay_with_registered_mean(id, PaymentMean::from(mean), mean_id)
                .unwrap_err()
        };
        let err = refuse(&mut account, "creditCard", Some(1));
        assert_eq!(err.status, 403);
        assert_eq!(err.message, "This order can't be paid with creditCard");
        assert_eq!(err.body()["class"], "Client::Forbidden::ActionImpossible");
        assert_eq!(refuse(&mut account, "paypal", None).status, 400);
        assert_eq!(
            account.pay_with_payment_method(id, 1).unwrap_err().status,
            403
        );
        assert_eq!(
            account.pay_with_registered_mean(OrderId(0), PaymentMean::FidelityAccount, None),
            Err(Refusal::order_not_found(OrderId(0)))
        );
        account
            .pay_with_registered_mean(id, PaymentMean::FidelityAccount, None)
            .unwrap();
        assert_eq!(account.order_status(id), Ok(OrderStatus::Delivered));
        assert_eq!(refuse(&mut account, "paypal", Some(1)).status, 409);
        assert_eq!(
            account
                .pay_with_payment_method(id, 9_876_543)
                .unwrap_err()
                .status,
            409
        );
        assert_eq!(account.payments().len(), 1);
        assert_eq!(
            account.orders()[0].paid,
            Some(RecordedPayment {
                order_id: id,
                with: PaidWith::RegisteredMean {
                    mean: PaymentMean::FidelityAccount,
                    id: None
                }
            })
        );
    }

    #[test]
    fn error_bodies_have_ovh_shapes() {
        let legacy = Refusal::code(400, "INVALID_SIGNATURE", "Invalid signature").body();
        assert_eq!(
            legacy,
            serde_json::json!({"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"})
        );
        let class = Refusal::not_found("nope").body();
        assert_eq!(
            class,
            serde_json::json!({"class":"Client::NotFound","message":"nope"})
        );
    }
}
