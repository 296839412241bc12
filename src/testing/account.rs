//! The account behind both [`MockOvh`](super::MockOvh) and
//! [`FakeRenewApi`](super::FakeRenewApi): one state machine, so that they accept, refuse,
//! price and record exactly alike. `MockOvh` only translates HTTP to these calls and back;
//! `FakeRenewApi` calls them directly.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Days, FixedOffset, Utc};
use sha1::{Digest, Sha1};

use crate::models::{
    Bill, BillCategory, BillId, CurrencyCode, DebtBalance, FollowUp, FollowUpEvent, FollowUpLabel,
    FollowUpStatus, FollowUpStep, ItemAction, ItemDetail, ItemPlan, LifecycleAction, Order,
    OrderDetail, OrderDetailId, OrderDetailType, OrderId, OrderPaymentMethods, OrderStatus,
    PaymentMean, PaymentMethod, PaymentMethodFilter, Product, RegisteredPaymentMean,
    RenewDescription, RenewPeriod, RenewalUpdate, Service, ServiceFilter, ServiceId, ServiceInfos,
    ServicePage, ServiceView, TerminationPolicy,
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
    /// Reads of its status or follow-up since it was paid (see
    /// [`MockOrder::status`]).
    pub polls_since_paid: u32,
    /// Reads after payment before it is delivered (the account's
    /// [delivery polls](crate::testing::FakeRenewApi::set_delivery_polls)).
    pub delivery_polls: u32,
}

impl MockOrder {
    /// Price including tax, in micro-cents.
    pub fn price_with_tax_ucents(&self) -> i64 {
        self.price_ucents.saturating_add(self.tax_ucents)
    }

    /// `notPaid` until paid; then, read after read (of its status or its follow-up),
    /// `checking` (the first read), `delivering`, and `delivered` from the
    /// `delivery_polls`-th read on (at once when `delivery_polls` is 0, the default).
    pub fn status(&self) -> OrderStatus {
        match (&self.paid, self.polls_since_paid) {
            (None, _) => OrderStatus::NotPaid,
            (Some(_), n) if n >= self.delivery_polls => OrderStatus::Delivered,
            (Some(_), 0) => OrderStatus::Checking,
            (Some(_), _) => OrderStatus::Delivering,
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
        Reply::PaymentMethods(ids) | Reply::PaymentMethodsMatching(ids) => {
            serde_json::to_value(ids)
        }
        Reply::Orders(ids) => serde_json::to_value(ids),
        Reply::OrderDetailIds(ids) => serde_json::to_value(ids),
        Reply::OrderDetail(line) => serde_json::to_value(line),
        Reply::OrderDetailExtension(ext) => serde_json::to_value(ext),
        Reply::OrderFollowUp(steps) => serde_json::to_value(steps),
        Reply::OrderPaymentMethods(methods) => serde_json::to_value(methods),
        Reply::PaymentMethod(method) => serde_json::to_value(method),
        Reply::BillsForOrder(ids) => serde_json::to_value(ids),
        Reply::Bill(bill) => serde_json::to_value(bill),
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
    /// Its lines, each with its extension.
    lines: Vec<(OrderDetail, ItemDetail)>,
    /// Its invoice, made when it is first seen delivered.
    bill: Option<Bill>,
    /// Part of the sandbox's history, not created through the API (not in `orders()`).
    seeded: bool,
}

/// The follow-up of an order in `status` (`notPaid`: nothing done yet).
fn follow_up(status: &OrderStatus, at: DateTime<FixedOffset>) -> Vec<FollowUp> {
    use FollowUpStatus::{Doing, Done, Todo};
    let (validating, validated, delivering, available) = match status {
        OrderStatus::Checking => (Doing, Todo, Todo, Todo),
        OrderStatus::Delivering => (Done, Done, Doing, Todo),
        OrderStatus::Delivered => (Done, Done, Done, Done),
        _ => (Todo, Todo, Todo, Todo),
    };
    let event = |label, text: &str| FollowUpEvent::new(at, label, text);
    let mut steps = vec![
        FollowUp::new(FollowUpStep::Validating, validating.clone()),
        FollowUp::new(FollowUpStep::Validated, validated.clone()),
        FollowUp::new(FollowUpStep::Delivering, delivering.clone()),
        FollowUp::new(FollowUpStep::Available, available.clone()),
    ];
    if validating != Todo {
        steps[0]
            .history
            .push(event(FollowUpLabel::PaymentReceived, "Payment received"));
    }
    if validated == Done {
        steps[1]
            .history
            .push(event(FollowUpLabel::OrderAccepted, "Order accepted"));
    }
    if delivering != Todo {
        steps[2]
            .history
            .push(event(FollowUpLabel::Delivery, "Delivery started"));
    }
    if available == Done {
        steps[3]
            .history
            .push(event(FollowUpLabel::InvoiceSent, "Invoice sent"));
    }
    steps
}

/// The state of one account: services, orders, payments, payment means.
#[derive(Debug)]
pub(crate) struct Account {
    services: Vec<SandboxService>,
    payment_means: Vec<PaymentMean>,
    payment_methods: Vec<PaymentMethod>,
    orders: Vec<OrderRecord>,
    delivery_polls: u32,
    next_bill: u64,
    next_detail_id: u64,
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
            payment_methods: sandbox::payment_methods(),
            orders: Vec::new(),
            delivery_polls: 0,
            next_bill: sandbox::FIRST_BILL_NUMBER,
            next_detail_id: sandbox::FIRST_ORDER_DETAIL_ID,
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
        for past in sandbox::past_orders(Utc::now().fixed_offset()) {
            account.seed(past);
        }
        account
    }

    /// Adds an order of the sandbox's history (delivered, with its lines and invoice).
    fn seed(&mut self, past: sandbox::PastOrder) {
        let with = PaidWith::PaymentMethod(past.paid_with);
        let payment = RecordedPayment {
            order_id: past.order.order_id,
            with,
        };
        let first = past.lines.first().map(|(d, _)| d.total_price.clone());
        let currency = first
            .as_ref()
            .and_then(|p| p.currency_code.clone())
            .unwrap_or(CurrencyCode::Eur);
        self.orders.push(OrderRecord {
            summary: MockOrder {
                order_id: past.order.order_id,
                service_id: past.services.first().copied().unwrap_or_default(),
                duration: past.duration,
                services: past.services,
                price_ucents: past.order.price_without_tax.ucents(),
                tax_ucents: past.order.tax.ucents(),
                currency,
                paid: Some(payment),
                polls_since_paid: 0,
                delivery_polls: 0,
            },
            order: past.order,
            lines: past.lines,
            bill: Some(past.bill),
            seeded: true,
        });
    }

    /// Reads after payment before an order is delivered (0: delivered at the first read).
    pub(crate) fn set_delivery_polls(&mut self, polls: u32) {
        self.delivery_polls = polls;
    }

    /// The account's payment methods, with their statuses.
    pub(crate) fn set_payment_method_details(&mut self, methods: Vec<PaymentMethod>) {
        self.payment_methods = methods;
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

    /// Payment methods by id alone: each `VALID`, the first one the default.
    pub(crate) fn set_payment_methods(&mut self, methods: Vec<u64>) {
        self.payment_methods = methods
            .into_iter()
            .enumerate()
            .map(|(i, id)| {
                let mut method = PaymentMethod::new(
                    id,
                    "CREDIT_CARD",
                    crate::models::PaymentMethodStatus::Valid,
                );
                method.default = i == 0;
                method
            })
            .collect();
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
        let lines = self.lines(id, services, duration, price_ucents, &currency);
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
                polls_since_paid: 0,
                delivery_polls: self.delivery_polls,
            },
            lines,
            bill: None,
            seeded: false,
        });
        Ok(order)
    }

    /// The lines of a renew order (ids from `FIRST_ORDER_DETAIL_ID` up): one `RENEW`
    /// line per service, named after the service
    /// (its `serviceInfos` domain, else its resource name), the strategy's whole price on
    /// the line of the path's service and 0 on the others (OVH's split of a bundle's price
    /// is not recorded anywhere), each with a `renew` extension for `duration`.
    fn lines(
        &mut self,
        path_service: ServiceId,
        services: &[ServiceId],
        duration: &RenewPeriod,
        price_ucents: i64,
        currency: &CurrencyCode,
    ) -> Vec<(OrderDetail, ItemDetail)> {
        let mut ordered: Vec<ServiceId> = vec![path_service];
        ordered.extend(services.iter().copied().filter(|s| *s != path_service));
        let first_id = self.next_detail_id;
        self.next_detail_id = first_id.saturating_add(ordered.len() as u64);
        ordered
            .iter()
            .enumerate()
            .map(|(i, sid)| {
                let (name, product) = self
                    .find(*sid)
                    .map(|s| {
                        (
                            s.name(),
                            s.product.clone().unwrap_or_else(|| "option".into()),
                        )
                    })
                    .unwrap_or_else(|_| (sid.to_string(), "service".into()));
                let ucents = if i == 0 { price_ucents } else { 0 };
                let detail_id = OrderDetailId(first_id.saturating_add(i as u64));
                let mut line = OrderDetail::new(
                    detail_id,
                    name.clone(),
                    price(ucents, currency),
                    price(ucents, currency),
                );
                line.detail_type = Some(OrderDetailType::Renew);
                line.description = format!("Renewal {name} {duration}");
                let ext = ItemDetail::new(
                    ItemAction::Renew,
                    ItemPlan::new(
                        format!("{}-renew", product.as_route().replace('/', "-")),
                        duration.as_str(),
                    ),
                );
                (line, ext)
            })
            .collect()
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

    pub(crate) fn order_status(&mut self, id: OrderId) -> Result<OrderStatus, Refusal> {
        self.poll(id)
    }

    /// One read of a paid order's status: it advances, and the invoice is made when it is
    /// first seen delivered.
    fn poll(&mut self, id: OrderId) -> Result<OrderStatus, Refusal> {
        let number = self.next_bill;
        // Keyed apart from the order passwords (ids from 300000001, numbers from 60000001).
        let password = self.password(OrderId(number.wrapping_add(1 << 62)));
        let record = self
            .orders
            .iter_mut()
            .find(|r| r.order.order_id == id)
            .ok_or_else(|| Refusal::order_not_found(id))?;
        let status = record.summary.status();
        if record.summary.paid.is_some() {
            record.summary.polls_since_paid = record.summary.polls_since_paid.saturating_add(1);
        }
        if status == OrderStatus::Delivered && record.bill.is_none() {
            let o = &record.order;
            let bill_id = BillId(format!("FR{number}"));
            let url = format!(
                "https://www.ovh.com/cgi-bin/order/facture.cgi?reference={bill_id}&passwd={password}"
            );
            let pdf_url = format!(
                "https://www.ovh.com/cgi-bin/order/facture.pdf?reference={bill_id}&passwd={password}"
            );
            let mut bill = Bill::new(
                bill_id,
                id,
                o.price_without_tax.clone(),
                o.tax.clone(),
                o.price_with_tax.clone(),
            );
            bill.date = Some(Utc::now().fixed_offset());
            bill.category = Some(BillCategory::EarlyRenewal);
            bill.password = password;
            bill.url = url;
            bill.pdf_url = pdf_url;
            record.bill = Some(bill);
            self.next_bill = self.next_bill.saturating_add(1);
        }
        Ok(status)
    }

    /// `GET /me/order?date.from=&date.to=`: every order (seeded history included) whose
    /// date is in the window, oldest first.
    pub(crate) fn order_ids(
        &self,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Vec<OrderId> {
        self.orders
            .iter()
            .filter(|r| {
                let date = r.order.date.map(|d| d.with_timezone(&Utc));
                since.is_none_or(|s| date.is_some_and(|d| d >= s))
                    && until.is_none_or(|u| date.is_some_and(|d| d <= u))
            })
            .map(|r| r.order.order_id)
            .collect()
    }

    fn line(
        &self,
        id: OrderId,
        detail: OrderDetailId,
    ) -> Result<&(OrderDetail, ItemDetail), Refusal> {
        self.record(id)?
            .lines
            .iter()
            .find(|(d, _)| d.order_detail_id == detail)
            .ok_or_else(|| {
                Refusal::not_found(format!(
                    "The requested object (orderDetailId = {detail}) does not exist"
                ))
            })
    }

    fn follow_up(&mut self, id: OrderId) -> Result<Vec<FollowUp>, Refusal> {
        let status = self.poll(id)?;
        let at = self
            .record(id)?
            .order
            .date
            .unwrap_or_else(|| Utc::now().fixed_offset());
        Ok(follow_up(&status, at))
    }

    fn payment_method(&self, id: u64) -> Result<PaymentMethod, Refusal> {
        self.payment_methods
            .iter()
            .find(|m| m.payment_method_id == id)
            .cloned()
            .ok_or_else(|| {
                Refusal::not_found(format!(
                    "The requested object (paymentMethodId = {id}) does not exist"
                ))
            })
    }

    fn payment_method_ids(&self, filter: &PaymentMethodFilter) -> Vec<u64> {
        self.payment_methods
            .iter()
            .filter(|m| filter.matches(m))
            .map(|m| m.payment_method_id)
            .collect()
    }

    /// The account's `VALID` methods can pay any unpaid order.
    fn order_payment_methods(&self, id: OrderId) -> Result<OrderPaymentMethods, Refusal> {
        self.record(id)?;
        Ok(OrderPaymentMethods::new(
            self.payment_methods
                .iter()
                .filter(|m| m.is_valid())
                .cloned()
                .collect(),
        ))
    }

    fn bill(&self, id: &BillId) -> Result<Bill, Refusal> {
        self.orders
            .iter()
            .find_map(|r| r.bill.as_ref().filter(|b| b.bill_id == *id))
            .cloned()
            .ok_or_else(|| {
                Refusal::not_found(format!(
                    "The requested object (billId = {id}) does not exist"
                ))
            })
    }

    pub(crate) fn available_payment_means(&self, id: OrderId) -> Result<Vec<PaymentMean>, Refusal> {
        self.record(id)?;
        Ok(self.payment_means.clone())
    }

    pub(crate) fn payment_methods(&self) -> Vec<u64> {
        self.payment_method_ids(&PaymentMethodFilter::all())
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
        let method = self.payment_method(method_id).ok();
        self.unpaid_record(id)?;
        match method {
            None => {
                return Err(Refusal::action_impossible(format!(
                    "This order can't be paid with the payment method {method_id}: it is not one of this account's payment methods"
                )));
            }
            Some(m) if !m.is_valid() => {
                return Err(Refusal::action_impossible(format!(
                    "This order can't be paid with the payment method {method_id}: its status is {}",
                    m.status
                )));
            }
            Some(_) => {}
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
            Call::Orders { since, until } => Reply::Orders(self.order_ids(*since, *until)),
            Call::OrderDetailIds { order_id } => Reply::OrderDetailIds(
                self.record(*order_id)?
                    .lines
                    .iter()
                    .map(|(d, _)| d.order_detail_id)
                    .collect(),
            ),
            Call::OrderDetail {
                order_id,
                detail_id,
            } => Reply::OrderDetail(self.line(*order_id, *detail_id)?.0.clone()),
            Call::OrderDetailExtension {
                order_id,
                detail_id,
            } => Reply::OrderDetailExtension(self.line(*order_id, *detail_id)?.1.clone()),
            Call::OrderFollowUp { order_id } => Reply::OrderFollowUp(self.follow_up(*order_id)?),
            Call::OrderPaymentMethods { order_id } => {
                Reply::OrderPaymentMethods(self.order_payment_methods(*order_id)?)
            }
            Call::PaymentMethod { id } => Reply::PaymentMethod(self.payment_method(*id)?),
            Call::PaymentMethodsMatching { filter } => {
                Reply::PaymentMethodsMatching(self.payment_method_ids(filter))
            }
            Call::BillsForOrder { order_id } => Reply::BillsForOrder(
                self.record(*order_id)?
                    .bill
                    .iter()
                    .map(|b| b.bill_id.clone())
                    .collect(),
            ),
            Call::Bill { bill_id } => Reply::Bill(self.bill(bill_id)?),
        })
    }

    pub(crate) fn orders(&self) -> Vec<MockOrder> {
        self.orders
            .iter()
            .filter(|r| !r.seeded)
            .map(|r| r.summary.clone())
            .collect()
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
    use crate::testing::sandbox::{self, DOMAIN_ID, HOSTING_ID, VPS_BACKUP_ID, VPS_ID};

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
    fn a_paid_order_advances_over_reads_and_is_invoiced_once_at_delivery() {
        let mut account = Account::sandbox();
        account.set_delivery_polls(3);
        let id = account
            .renew(VPS_ID, false, &period("P3M"), &[VPS_ID])
            .unwrap()
            .order_id;
        let bills =
            |account: &mut Account| match account.handle(&Call::BillsForOrder { order_id: id }) {
                Ok(Reply::BillsForOrder(ids)) => ids,
                other => panic!("{other:?}"),
            };
        assert_eq!(account.order_status(id), Ok(OrderStatus::NotPaid));
        assert_eq!(
            account.order_status(id),
            Ok(OrderStatus::NotPaid),
            "unpaid stays"
        );
        account
            .pay_with_payment_method(id, sandbox::DEFAULT_PAYMENT_METHOD)
            .unwrap();
        let seen: Vec<OrderStatus> = (0..5).map(|_| account.order_status(id).unwrap()).collect();
        use OrderStatus::{Checking, Delivered, Delivering};
        assert_eq!(
            seen,
            [Checking, Delivering, Delivering, Delivered, Delivered]
        );
        let ids = bills(&mut account);
        assert_eq!(ids.len(), 1, "one invoice, made once");
        assert_eq!(ids[0].as_str(), format!("FR{}", sandbox::FIRST_BILL_NUMBER));
        let Ok(Reply::Bill(bill)) = account.handle(&Call::Bill {
            bill_id: ids[0].clone(),
        }) else {
            panic!("no bill")
        };
        assert_eq!(bill.price_with_tax.ucents(), 12_420_000_000);
        assert_eq!(bill.password.len(), 10);
        assert!(bill.pdf_url.contains(&bill.password));
        // Expired and unknown methods cannot pay.
        let other = account
            .renew(VPS_ID, false, &period("P1M"), &[VPS_ID])
            .unwrap()
            .order_id;
        let err = account
            .pay_with_payment_method(other, sandbox::EXPIRED_PAYMENT_METHOD)
            .unwrap_err();
        assert!(err.message.contains("EXPIRED"), "{}", err.message);
        assert_eq!(err.status, 403);
        assert!(bills(&mut account).len() == 1);
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
