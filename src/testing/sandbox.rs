//! The sandbox account: the crate's recorded fixtures as a small OVH account, with
//! expiration dates rewritten relative to today, and [`SandboxService`] to add your own.
//!
//! | service | product | id | expires | renewal | choices |
//! |---|---|---|---|---|---|
//! | [`VPS_NAME`] | `vps` | [`VPS_ID`] | today + [`VPS_EXPIRES_IN_DAYS`] | automatic | P1M 34.50, P3M 103.50, P6M 207.00, P1Y 414.00 EUR; with `includeOptions=true`: P1M alone or with its backup option (42.50 EUR) |
//! | [`DOMAIN_NAME`] | `domain` | [`DOMAIN_ID`] | today + [`DOMAIN_EXPIRES_IN_DAYS`] | manual | P1Y 2.99 EUR alone or 37.87 EUR with the web hosting; P2Y 5.98 EUR |
//! | [`HOSTING_NAME`] | `hosting/web` | [`HOSTING_ID`] | today + [`HOSTING_EXPIRES_IN_DAYS`] | manual | P1Y 34.88 EUR alone or 37.87 EUR with the domain |
//! | [`DEDICATED_NAME`] | `dedicated/server` | [`DEDICATED_ID`] | today + [`DEDICATED_EXPIRES_IN_DAYS`] | automatic | P1M 64.99, P3M 187.47, P1Y 701.88 EUR |
//! | VPS automated backup | option of the VPS | [`VPS_BACKUP_ID`] | with the VPS | option | none of its own |
//!
//! Prices are excluding tax; orders add 20 % tax. `GET /service` lists the five ids in the
//! order of `src/testing/fixtures/service_list.json`. The recorded fixtures expired in 2023–2025;
//! the sandbox moves every expiration (and next billing) date so that an expiry planner
//! run today sees the domain and the hosting (manual renewal) expiring within two weeks,
//! and the VPS and the dedicated server (automatic renewal) expiring soon too. Everything
//! else is as recorded. [`services_as_of`] builds the same account for a fixed date.
//!
//! The account also has the payment means [`DEFAULT_PAYMENT_MEANS`] and the payment
//! methods [`DEFAULT_PAYMENT_METHODS`]:
//!
//! | id | type | label | status | default | `paymentMeanId` |
//! |---|---|---|---|---|---|
//! | [`DEFAULT_PAYMENT_METHOD`] (9876543) | `CREDIT_CARD` | `XXXX XXXX XXXX 4242` | `VALID` | yes | 2233445 (`payment_method.json`) |
//! | [`PAYPAL_PAYMENT_METHOD`] (9876544) | `PAYPAL` | `billing@example.com` | `VALID` | no | [`PAYPAL_MEAN_ID`] (1234: what `paypal:1234` pays with) |
//! | [`EXPIRED_PAYMENT_METHOD`] (9876500) | `CREDIT_CARD` | `XXXX XXXX XXXX 0019` | `EXPIRED` | no | 2233001 |
//!
//! and a history of two delivered orders older than a month (see [`PAST_BUNDLE_ORDER`]):
//! `GET /me/order` lists them with the orders you create, each with its lines (a `RENEW`
//! line per service; the bundle has two), their `renew` extensions and an invoice.
//! Orders you create get one `RENEW` line per service ordered, named after the service,
//! the strategy's whole price on the line of the path's service and 0 on the others. Once
//! paid, an order is delivered at its first status read, or after
//! [`set_delivery_polls`](super::FakeRenewApi::set_delivery_polls) reads (`checking`,
//! then `delivering`), and gets its invoice (`FR` + a number from
//! [`FIRST_BILL_NUMBER`], category `earlyrenewal`) when first seen delivered.

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::de::DeserializeOwned;

use crate::models::{
    Bill, BillCategory, BillId, BillingState, CurrencyCode, DateOrTime, ItemAction, ItemDetail,
    ItemPlan, KeyValue, Lifecycle, LifecycleAction, LifecycleCurrent, LifecycleState, Order,
    OrderDetail, OrderDetailId, OrderDetailType, OrderId, PaymentMean, PaymentMethod,
    PaymentMethodStatus, Price, Product, RenewCapacities, RenewCurrent, RenewDescription,
    RenewMode, RenewPeriod, RenewStrategy, RenewalMode, RenewalType, ResourceState, Service,
    ServiceDetail, ServiceId, ServiceInfos, ServiceRenew, ServiceStatus, ServiceView, ViewRenew,
    ViewResource, ViewResourceState,
};

/// Name of the sandbox VPS (`vps`, automatic renewal).
pub const VPS_NAME: &str = "vps-0baa4fcf.vps.ovh.net";
/// Service id of the sandbox VPS.
pub const VPS_ID: ServiceId = ServiceId(118_977_335);
/// Service id of the sandbox VPS's automated backup option (no `serviceInfos` route).
pub const VPS_BACKUP_ID: ServiceId = ServiceId(118_977_336);
/// Name of the sandbox domain (`domain`, manual renewal).
pub const DOMAIN_NAME: &str = "agora3.ovh";
/// Service id of the sandbox domain.
pub const DOMAIN_ID: ServiceId = ServiceId(29_162_449);
/// Name of the sandbox web hosting (`hosting/web`, manual renewal).
pub const HOSTING_NAME: &str = "agora3.ovh";
/// Service id of the sandbox web hosting.
pub const HOSTING_ID: ServiceId = ServiceId(29_162_512);
/// Name of the sandbox dedicated server (`dedicated/server`, automatic renewal).
pub const DEDICATED_NAME: &str = "ns3185342.ip-51-91-20.eu";
/// Service id of the sandbox dedicated server.
pub const DEDICATED_ID: ServiceId = ServiceId(115_900_211);

/// The VPS and its backup option expire this many days after today.
pub const VPS_EXPIRES_IN_DAYS: u64 = 5;
/// The domain expires this many days after today.
pub const DOMAIN_EXPIRES_IN_DAYS: u64 = 12;
/// The web hosting expires this many days after today.
pub const HOSTING_EXPIRES_IN_DAYS: u64 = 12;
/// The dedicated server expires this many days after today.
pub const DEDICATED_EXPIRES_IN_DAYS: u64 = 20;

/// Payment means a new account offers for every order
/// (`GET /me/order/{orderId}/availableRegisteredPaymentMean`).
pub const DEFAULT_PAYMENT_MEANS: &[PaymentMean] = &[
    PaymentMean::Paypal,
    PaymentMean::BankAccount,
    PaymentMean::FidelityAccount,
];

/// The default, `VALID` payment method of a new account (`payment_method.json`; `GET
/// /me/payment/method?default=true` lists it alone, as in `payment_method_list.json`).
pub const DEFAULT_PAYMENT_METHOD: u64 = 9_876_543;
/// A `VALID` PayPal payment method of a new account, not the default.
pub const PAYPAL_PAYMENT_METHOD: u64 = 9_876_544;
/// The `paymentMeanId` of [`PAYPAL_PAYMENT_METHOD`]: `paypal:1234`.
pub const PAYPAL_MEAN_ID: u64 = 1234;
/// An `EXPIRED` card of a new account.
pub const EXPIRED_PAYMENT_METHOD: u64 = 9_876_500;

/// Payment method ids of a new account (`GET /me/payment/method`), in this order.
pub const DEFAULT_PAYMENT_METHODS: &[u64] = &[
    DEFAULT_PAYMENT_METHOD,
    PAYPAL_PAYMENT_METHOD,
    EXPIRED_PAYMENT_METHOD,
];

/// The id of the first line of the first order an account creates (later lines count up).
pub const FIRST_ORDER_DETAIL_ID: u64 = 70_000_001;

/// The first invoice number the account hands out (`FR` + number).
pub const FIRST_BILL_NUMBER: u64 = 60_000_001;

/// The sandbox's past bundle order: the domain renewed with its hosting for a year, 40
/// days ago, delivered, invoiced `FR51234567` (the id of `me_bill.json`).
pub const PAST_BUNDLE_ORDER: OrderId = OrderId(299_000_001);
/// The sandbox's past VPS order: one month, 70 days ago, delivered, invoiced `FR51234999`.
pub const PAST_VPS_ORDER: OrderId = OrderId(299_000_002);

/// One service of a sandbox account: what `serviceInfos`, `GET /service/{serviceId}` and
/// `GET /service/{serviceId}/renew` answer for it.
///
/// Built from models, so fixtures of your own decode straight into it:
///
/// ```
/// use ovh_renew::testing::SandboxService;
/// use ovh_renew::models::{CurrencyCode, Price, Product, RenewDescription, RenewStrategy, ServiceId, ServiceInfos};
///
/// let id = ServiceId(42);
/// let yearly = RenewDescription::new(
///     "P1Y".parse()?,
///     vec![RenewStrategy::new(Price::from_ucents(1_000_000_000, CurrencyCode::Eur), vec![id])],
/// );
/// let zone = SandboxService::new("domain/zone", ServiceInfos::new(id, "example.com"))
///     .with_choices(vec![yearly]);
/// assert_eq!(zone.service_id(), id);
/// assert_eq!(zone.product(), Some(&Product::from("domain/zone")));
/// // Without `with_service`, GET /service/{id} answers a service derived from the infos.
/// assert_eq!(zone.service().route.url.as_deref(), Some("/domain/zone/example.com"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SandboxService {
    pub(crate) id: ServiceId,
    pub(crate) product: Option<Product>,
    pub(crate) infos: Option<ServiceInfos>,
    pub(crate) service: Option<Service>,
    pub(crate) choices: Vec<RenewDescription>,
    pub(crate) option_choices: Option<Vec<RenewDescription>>,
    pub(crate) view: Option<ServiceView>,
    pub(crate) period_capacities: Option<Vec<RenewPeriod>>,
}

impl SandboxService {
    /// A service reachable as `GET /{product}/{infos.domain}/serviceInfos` (`product` is a
    /// [`Product`] or its route, such as `"vps"` or `"hosting/web"`; surrounding and
    /// doubled `/` are ignored), with service id `infos.service_id` and no renewal choices
    /// until [`with_choices`](Self::with_choices).
    pub fn new(product: impl Into<Product>, infos: ServiceInfos) -> Self {
        Self {
            id: infos.service_id,
            product: Some(product.into()),
            infos: Some(infos),
            service: None,
            choices: Vec::new(),
            option_choices: None,
            view: None,
            period_capacities: None,
        }
    }

    /// A service known only by id, such as an option of another service: listed by
    /// `GET /service`, answered by `GET /service/{serviceId}`, without a `serviceInfos`
    /// route.
    pub fn option(service_id: ServiceId, service: Service) -> Self {
        Self {
            id: service_id,
            product: None,
            infos: None,
            service: Some(service),
            choices: Vec::new(),
            option_choices: None,
            view: None,
            period_capacities: None,
        }
    }

    /// What `GET /service/{serviceId}` answers. Without it, a service is derived from the
    /// infos (see [`service`](Self::service)).
    pub fn with_service(mut self, service: Service) -> Self {
        self.service = Some(service);
        self
    }

    /// What `GET /service/{serviceId}/renew?includeOptions=false` answers. Renew orders must
    /// match one of these strategies (or one of the option choices).
    pub fn with_choices(mut self, choices: Vec<RenewDescription>) -> Self {
        self.choices = choices;
        self
    }

    /// What `GET /service/{serviceId}/renew?includeOptions=true` answers (by default the
    /// same as [`with_choices`](Self::with_choices)).
    pub fn with_option_choices(mut self, choices: Vec<RenewDescription>) -> Self {
        self.option_choices = Some(choices);
        self
    }

    /// What `GET /services/{serviceId}` answers (the `/services` view). Without it, a view
    /// is derived (see [`view`](Self::view)).
    pub fn with_view(mut self, view: ServiceView) -> Self {
        self.view = Some(view);
        self
    }

    /// What `GET /services/{serviceId}/renewPeriodCapacities` answers (by default the
    /// periods of the renewal choices, shortest first).
    pub fn with_period_capacities(mut self, periods: Vec<RenewPeriod>) -> Self {
        self.period_capacities = Some(periods);
        self
    }

    /// What `GET /services/{serviceId}/renewPeriodCapacities` answers.
    pub fn period_capacities(&self) -> Vec<RenewPeriod> {
        if let Some(periods) = &self.period_capacities {
            return periods.clone();
        }
        let mut periods: Vec<RenewPeriod> = self
            .choices
            .iter()
            .map(|d| d.renew_period.clone())
            .collect();
        periods.sort();
        periods.dedup();
        periods
    }

    /// What `GET /services/{serviceId}` answers: the view given with
    /// [`with_view`](Self::with_view), or one derived from [`service`](Self::service) and
    /// the infos: the same route, resource name and dates; renewal mode `automatic` for
    /// the automatic modes, `manual` for `manual`, none otherwise (options, one-shot,
    /// deletion modes); both modes as capacities unless the service is an option or
    /// one-shot; lifecycle `active`, or `unpaid` for an unpaid or pending-debt status,
    /// with `autorenewInProgress` pending for that status and `deleteAtExpiration` for
    /// infos that renew with deletion at expiration.
    pub fn view(&self) -> ServiceView {
        if let Some(view) = &self.view {
            return view.clone();
        }
        let service = self.service();
        let mut view = ServiceView::new(self.id);
        view.route = Some(service.route.clone());
        view.resource = ViewResource::default();
        view.resource.name = service
            .resource
            .name
            .clone()
            .unwrap_or_else(|| service.resource.display_name.clone());
        view.resource.display_name = service.resource.display_name.clone();
        view.resource.state = Some(match &service.resource.state {
            Some(ResourceState::Suspended | ResourceState::Suspending) => {
                ViewResourceState::Suspended
            }
            Some(ResourceState::Deleted | ResourceState::Deleting) => ViewResourceState::Deleted,
            Some(ResourceState::ToDelete) => ViewResourceState::ToDelete,
            Some(ResourceState::ToSuspend) => ViewResourceState::ToSuspend,
            _ => ViewResourceState::Active,
        });
        view.billing.expiration_date = service.expiration_date.map(DateOrTime::Date);
        view.billing.next_billing_date = service.next_billing_date.map(DateOrTime::Date);
        let renew = service.renew.as_ref();
        let mode = renew.and_then(|r| match &r.mode {
            RenewMode::Manual => Some(RenewalMode::Manual),
            RenewMode::AutomaticForcedProduct
            | RenewMode::AutomaticV2012
            | RenewMode::AutomaticV2014
            | RenewMode::AutomaticV2016
            | RenewMode::AutomaticV2024 => Some(RenewalMode::Automatic),
            _ => None,
        });
        let switchable = !matches!(
            renew.map(|r| &r.mode),
            Some(RenewMode::Option | RenewMode::OneShot) | None
        );
        view.billing.renew = Some(ViewRenew {
            current: RenewCurrent {
                period: match mode {
                    Some(RenewalMode::Automatic) => renew.and_then(|r| r.interval.clone()),
                    _ => None,
                },
                mode,
                next_date: None,
            },
            capacities: RenewCapacities {
                mode: if switchable {
                    vec![RenewalMode::Automatic, RenewalMode::Manual]
                } else {
                    Vec::new()
                },
            },
        });
        let mut current = LifecycleCurrent {
            state: Some(LifecycleState::Active),
            ..LifecycleCurrent::default()
        };
        if let Some(infos) = &self.infos {
            match infos.status {
                ServiceStatus::UnPaid | ServiceStatus::PendingDebt => {
                    current.state = Some(LifecycleState::Unpaid);
                }
                ServiceStatus::AutorenewInProgress => {
                    current
                        .pending_actions
                        .push(LifecycleAction::AutorenewInProgress);
                }
                _ => {}
            }
            if infos.renew.as_ref().is_some_and(|r| r.delete_at_expiration) {
                current
                    .pending_actions
                    .push(LifecycleAction::DeleteAtExpiration);
            }
        }
        view.billing.lifecycle = Some(Lifecycle {
            current,
            capacities: crate::models::LifecycleCapacities {
                actions: vec![
                    LifecycleAction::EarlyRenewal,
                    LifecycleAction::TerminateAtExpirationDate,
                ],
            },
        });
        view
    }

    /// The service id.
    pub fn service_id(&self) -> ServiceId {
        self.id
    }

    /// The product route (`vps`, `hosting/web`, …), `None` for an [`option`](Self::option).
    pub fn product(&self) -> Option<&Product> {
        self.product.as_ref()
    }

    /// The `serviceInfos`, `None` for an [`option`](Self::option).
    pub fn infos(&self) -> Option<&ServiceInfos> {
        self.infos.as_ref()
    }

    /// The service's name as an order line names it: its `serviceInfos` domain, else its
    /// resource name, else its id.
    pub(crate) fn name(&self) -> String {
        if let Some(infos) = &self.infos {
            return infos.domain.clone();
        }
        self.service
            .as_ref()
            .and_then(|s| s.resource.name.clone())
            .unwrap_or_else(|| self.id.to_string())
    }

    /// The renewal choices, with or without options.
    pub fn choices(&self, include_options: bool) -> &[RenewDescription] {
        match (&self.option_choices, include_options) {
            (Some(options), true) => options,
            _ => &self.choices,
        }
    }

    /// What `GET /service/{serviceId}` answers: the service given with
    /// [`with_service`](Self::with_service), or one derived from the infos: route
    /// `/{product}/{serviceName}`, resource named after the service, the infos' dates,
    /// billing state from the status, renew mode `automaticV2016` when the infos renew
    /// automatically and `manual` otherwise.
    pub fn service(&self) -> Service {
        if let Some(service) = &self.service {
            return service.clone();
        }
        let mut service = Service::new(BillingState::Ok);
        let (Some(infos), Some(product)) = (&self.infos, &self.product) else {
            return service;
        };
        service.state = match infos.status {
            ServiceStatus::Expired => BillingState::Expired,
            ServiceStatus::UnPaid | ServiceStatus::PendingDebt => BillingState::Unpaid,
            _ => BillingState::Ok,
        };
        service.route.path = Some(format!("/{product}/{{serviceName}}"));
        service.route.url = Some(
            crate::path::ApiPath::new(product.as_route())
                .segment("serviceName", &infos.domain)
                .map(|p| p.as_str().to_owned())
                .unwrap_or_else(|_| format!("/{product}/{}", infos.domain)),
        );
        service.route.vars = vec![KeyValue::new("serviceName", infos.domain.clone())];
        service.resource.name = Some(infos.domain.clone());
        service.resource.display_name = infos.domain.clone();
        service.resource.state = Some(ResourceState::Ok);
        service.creation_date = infos.creation;
        service.expiration_date = infos.expiration;
        service.next_billing_date = infos.expiration;
        service.engagement_date = infos.engaged_up_to;
        service.quantity = 1;
        let mut renew = ServiceRenew::new(if infos.is_automatic_renewal() {
            RenewMode::AutomaticV2016
        } else {
            RenewMode::Manual
        });
        renew.interval = infos
            .renew
            .as_ref()
            .and_then(|r| r.period)
            .map(RenewPeriod::from_months);
        let periods = infos.possible_periods();
        renew.possible_intervals = periods;
        renew.possible_modes = vec![RenewMode::AutomaticV2016, RenewMode::Manual];
        renew.day_of_month = infos.expiration.map(|d| d.day());
        service.renew = Some(renew);
        service
    }
}

/// The sandbox services, with expiration dates relative to today (UTC).
pub fn services() -> Vec<SandboxService> {
    services_as_of(Utc::now().date_naive())
}

/// The sandbox services as they would be on `today` (expiration dates relative to it).
pub fn services_as_of(today: NaiveDate) -> Vec<SandboxService> {
    let in_days = |days: u64| today.checked_add_days(Days::new(days)).unwrap_or(today);
    let vps_expiry = in_days(VPS_EXPIRES_IN_DAYS);
    vec![
        domain(in_days(DOMAIN_EXPIRES_IN_DAYS)),
        hosting(in_days(HOSTING_EXPIRES_IN_DAYS)),
        dedicated(in_days(DEDICATED_EXPIRES_IN_DAYS)),
        vps(vps_expiry),
        vps_backup(vps_expiry),
    ]
}

fn lifecycle(view: &mut ServiceView) -> &mut LifecycleCurrent {
    &mut view
        .billing
        .lifecycle
        .get_or_insert_with(Lifecycle::default)
        .current
}

/// The guarded sandbox domains expire this many days after today.
pub const GUARDED_EXPIRES_IN_DAYS: u64 = 10;
/// A domain whose automatic renewal is under way (pending `autorenewInProgress`, mode
/// automatic, status `autorenewInProgress`).
pub const AUTORENEW_IN_PROGRESS_ID: ServiceId = ServiceId(140_000_001);
/// A manual domain its owner scheduled for deletion (pending `deleteAtExpiration`).
pub const DELETE_AT_EXPIRATION_ID: ServiceId = ServiceId(140_000_002);
/// A manual domain whose termination is scheduled (pending
/// `terminateAtExpirationDate`, a termination date).
pub const TERMINATION_SCHEDULED_ID: ServiceId = ServiceId(140_000_003);
/// A terminated domain (lifecycle `terminated`, resource `deleted`).
pub const TERMINATED_ID: ServiceId = ServiceId(140_000_004);
/// A suspended domain (resource `suspended`, lifecycle `rupture`).
pub const SUSPENDED_ID: ServiceId = ServiceId(140_000_005);
/// An unpaid domain (lifecycle `unpaid`, status `unPaid`).
pub const UNPAID_ID: ServiceId = ServiceId(140_000_006);

/// One manual domain in each state the guards refuse, expiring today +
/// [`GUARDED_EXPIRES_IN_DAYS`], each with a P1Y choice of 10.00 EUR (so that only a guard
/// keeps it from being ordered). Not in the default sandbox: add them with
/// `add_service` (see [`AUTORENEW_IN_PROGRESS_ID`] and the other ids).
pub fn guarded_services() -> Vec<SandboxService> {
    guarded_services_as_of(Utc::now().date_naive())
}

/// [`guarded_services`] as they would be on `today`.
pub fn guarded_services_as_of(today: NaiveDate) -> Vec<SandboxService> {
    let expiry = today
        .checked_add_days(Days::new(GUARDED_EXPIRES_IN_DAYS))
        .unwrap_or(today);
    let make = |id: ServiceId, name: &str, edit: &dyn Fn(&mut ServiceInfos, &mut ServiceView)| {
        let mut infos = ServiceInfos::new(id, name);
        infos.expiration = Some(expiry);
        infos.renew = Some(crate::models::RenewSettings::default());
        let year = RenewDescription::new(
            RenewPeriod::from_months(12),
            vec![strategy(1_000_000_000, &[(id, name, "Domain .ovh")])],
        );
        let base = SandboxService::new("domain", infos.clone()).with_choices(vec![year]);
        let mut view = base.view();
        edit(&mut infos, &mut view);
        let mut service = SandboxService::new("domain", infos).with_choices(base.choices);
        service.view = Some(view);
        service
    };
    vec![
        make(
            AUTORENEW_IN_PROGRESS_ID,
            "autorenewing.ovh",
            &|infos, view| {
                infos.status = ServiceStatus::AutorenewInProgress;
                infos.renewal_type = RenewalType::AutomaticV2016;
                if let Some(renew) = infos.renew.as_mut() {
                    renew.automatic = true;
                }
                if let Some(renew) = view.billing.renew.as_mut() {
                    renew.current.mode = Some(RenewalMode::Automatic);
                    renew.current.period = Some(RenewPeriod::from_months(12));
                }
                lifecycle(view)
                    .pending_actions
                    .push(LifecycleAction::AutorenewInProgress);
            },
        ),
        make(DELETE_AT_EXPIRATION_ID, "deleting.ovh", &|infos, view| {
            if let Some(renew) = infos.renew.as_mut() {
                renew.delete_at_expiration = true;
            }
            lifecycle(view)
                .pending_actions
                .push(LifecycleAction::DeleteAtExpiration);
        }),
        make(TERMINATION_SCHEDULED_ID, "terminating.ovh", &|_, view| {
            let current = lifecycle(view);
            current
                .pending_actions
                .push(LifecycleAction::TerminateAtExpirationDate);
            current.termination_date = Some(DateOrTime::Date(expiry));
        }),
        make(TERMINATED_ID, "terminated.ovh", &|_, view| {
            lifecycle(view).state = Some(LifecycleState::Terminated);
            view.resource.state = Some(ViewResourceState::Deleted);
        }),
        make(SUSPENDED_ID, "suspended.ovh", &|_, view| {
            lifecycle(view).state = Some(LifecycleState::Rupture);
            view.resource.state = Some(ViewResourceState::Suspended);
        }),
        make(UNPAID_ID, "unpaid.ovh", &|infos, view| {
            infos.status = ServiceStatus::UnPaid;
            lifecycle(view).state = Some(LifecycleState::Unpaid);
        }),
    ]
}

/// A price of `ucents` with display text computed in integers (`"124.20 €"`).
pub(crate) fn price(ucents: i64, currency: &CurrencyCode) -> Price {
    let magnitude = i128::from(ucents).abs();
    let units = magnitude / 100_000_000;
    let cents = magnitude % 100_000_000 / 1_000_000;
    let sign = if ucents < 0 { "-" } else { "" };
    let text = match currency {
        CurrencyCode::Points => format!("{sign}{units} PTS"),
        CurrencyCode::Eur => format!("{sign}{units}.{cents:02} €"),
        other => format!("{sign}{units}.{cents:02} {other}"),
    };
    let mut price = Price::from_ucents(ucents, currency.clone());
    price.text = Some(text);
    price
}

/// Decodes an embedded fixture. They are compiled in and decoded by the crate's own tests,
/// so a failure here is a bug of this crate, not of its user.
fn fixture<T: DeserializeOwned>(name: &str, json: &str) -> T {
    match serde_json::from_str(json) {
        Ok(value) => value,
        Err(e) => panic!("ovh-renew bug: the embedded fixture {name} does not decode: {e}"),
    }
}

macro_rules! fixture {
    ($name:literal) => {
        fixture(
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/testing/fixtures/",
                $name,
                ".json"
            )),
        )
    };
}

fn vps(expiry: NaiveDate) -> SandboxService {
    let mut infos: ServiceInfos = fixture!("vps_service_infos");
    infos.expiration = Some(expiry);
    let mut service: Service = fixture!("service_get_vps");
    service.expiration_date = Some(expiry);
    service.next_billing_date = Some(expiry);
    if let Some(renew) = service.renew.as_mut() {
        renew.day_of_month = Some(expiry.day());
    }
    let mut view: ServiceView = fixture!("services_get_vps");
    move_view_dates(&mut view, expiry);
    SandboxService::new(Product::Vps, infos)
        .with_service(service)
        .with_view(view)
        .with_period_capacities(fixture!("services_renew_period_capacities"))
        .with_choices(fixture!("renew_descriptions_vps"))
        .with_option_choices(fixture!("renew_descriptions_vps_include_options"))
}

fn vps_backup(expiry: NaiveDate) -> SandboxService {
    let mut service = Service::new(BillingState::Ok);
    service.route.path = Some("/vps/{serviceName}/option/{option}".into());
    service.route.url = Some(format!("/vps/{VPS_NAME}/option/automatedBackup"));
    service.route.vars = vec![
        KeyValue::new("serviceName", VPS_NAME),
        KeyValue::new("option", "automatedBackup"),
    ];
    service.resource.name = Some(format!("{VPS_NAME}/option/automatedBackup"));
    service.resource.display_name = "Automated backup".into();
    service.resource.state = Some(ResourceState::Ok);
    service.creation_date = NaiveDate::from_ymd_opt(2023, 1, 16);
    service.expiration_date = Some(expiry);
    service.next_billing_date = Some(expiry);
    service.renew = Some(ServiceRenew::new(RenewMode::Option));
    service.quantity = 1;
    let option = SandboxService::option(VPS_BACKUP_ID, service);
    let mut view = option.view();
    view.parent_service_id = Some(VPS_ID);
    option.with_view(view)
}

/// Moves the view's expiration, next billing and next renewal dates to `expiry`, keeping
/// each one's time of day and offset as recorded.
fn move_view_dates(view: &mut ServiceView, expiry: NaiveDate) {
    let moved = |at: Option<DateOrTime>| {
        at.map(|at| match at {
            DateOrTime::Date(_) => DateOrTime::Date(expiry),
            DateOrTime::DateTime(dt) => dt
                .offset()
                .from_local_datetime(&expiry.and_time(dt.time()))
                .single()
                .map_or(DateOrTime::Date(expiry), DateOrTime::DateTime),
        })
    };
    view.billing.expiration_date = moved(view.billing.expiration_date);
    view.billing.next_billing_date = moved(view.billing.next_billing_date);
    if let Some(renew) = view.billing.renew.as_mut() {
        renew.current.next_date = moved(renew.current.next_date);
    }
}

fn domain(expiry: NaiveDate) -> SandboxService {
    let mut infos: ServiceInfos = fixture!("domain_service_infos");
    infos.expiration = Some(expiry);
    let mut view: ServiceView = fixture!("services_get_domain_manual");
    move_view_dates(&mut view, expiry);
    // The recorded termination date is the recorded expiration: move it along.
    if let Some(lifecycle) = view.billing.lifecycle.as_mut() {
        lifecycle.current.termination_date = view.billing.expiration_date;
    }
    SandboxService::new(Product::Domain, infos)
        .with_view(view)
        .with_choices(fixture!("renew_descriptions_domain"))
}

fn strategy(ucents: i64, services: &[(ServiceId, &str, &str)]) -> RenewStrategy {
    let mut strategy = RenewStrategy::new(
        price(ucents, &CurrencyCode::Eur),
        services.iter().map(|(id, _, _)| *id).collect(),
    );
    strategy.services_details = services
        .iter()
        .map(|(id, name, kind)| {
            let mut detail = ServiceDetail::new(*id, *kind);
            detail.service_name = Some((*name).to_owned());
            detail
        })
        .collect();
    strategy.price_in_ucents = Some(ucents);
    strategy
}

fn hosting(expiry: NaiveDate) -> SandboxService {
    let mut infos: ServiceInfos = fixture!("hosting_web_service_infos");
    infos.expiration = Some(expiry);
    let hosting = (HOSTING_ID, HOSTING_NAME, "Hosting Perso 2014");
    let domain = (DOMAIN_ID, DOMAIN_NAME, "Domain .ovh");
    let year = RenewDescription::new(
        RenewPeriod::from_months(12),
        vec![
            strategy(3_488_000_000, &[hosting]),
            strategy(3_787_000_000, &[hosting, domain]),
        ],
    );
    SandboxService::new(Product::HostingWeb, infos).with_choices(vec![year])
}

fn dedicated(expiry: NaiveDate) -> SandboxService {
    let mut infos: ServiceInfos = fixture!("dedicated_server_service_infos");
    infos.expiration = Some(expiry);
    // Keep the recorded shape (forced, automaticForcedProduct) but a status that makes
    // sense for a server that has not reached its renewal yet.
    infos.status = ServiceStatus::Ok;
    infos.renewal_type = RenewalType::AutomaticForcedProduct;
    let server = (DEDICATED_ID, DEDICATED_NAME, "Dedicated server ADVANCE-1");
    let choices = [
        (1, 6_499_000_000),
        (3, 18_747_000_000),
        (12, 70_188_000_000),
    ]
    .into_iter()
    .map(|(months, ucents)| {
        RenewDescription::new(
            RenewPeriod::from_months(months),
            vec![strategy(ucents, &[server])],
        )
    })
    .collect();
    SandboxService::new(Product::DedicatedServer, infos).with_choices(choices)
}

/// The payment methods of a new account (see the [module docs](self)).
pub fn payment_methods() -> Vec<PaymentMethod> {
    let card: PaymentMethod = fixture!("payment_method");
    let at = |text: &str| {
        chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|_| Utc::now().fixed_offset())
    };
    // The crate's own types: the fields are set directly (no setters on answers).
    let mut paypal =
        PaymentMethod::new(PAYPAL_PAYMENT_METHOD, "PAYPAL", PaymentMethodStatus::Valid);
    paypal.label = Some("billing@example.com".into());
    paypal.payment_mean_id = Some(PAYPAL_MEAN_ID);
    let mut expired = PaymentMethod::new(
        EXPIRED_PAYMENT_METHOD,
        "CREDIT_CARD",
        PaymentMethodStatus::Expired,
    );
    expired.label = Some("XXXX XXXX XXXX 0019".into());
    expired.payment_mean_id = Some(2_233_001);
    expired.expiration_date = Some(at("2024-01-31T00:00:00+01:00"));
    vec![card, paypal, expired]
}

/// An order of the sandbox's history.
pub(crate) struct PastOrder {
    pub(crate) order: Order,
    pub(crate) duration: RenewPeriod,
    pub(crate) services: Vec<ServiceId>,
    pub(crate) lines: Vec<(OrderDetail, ItemDetail)>,
    pub(crate) bill: Bill,
    pub(crate) paid_with: u64,
}

/// The sandbox's delivered history, dated relative to `now`.
pub(crate) fn past_orders(now: DateTime<FixedOffset>) -> Vec<PastOrder> {
    let eur = CurrencyCode::Eur;
    let past = |id: OrderId,
                days: u64,
                months: u32,
                lines: Vec<(ServiceId, &str, i64)>,
                bill: &str|
     -> PastOrder {
        let date = now.checked_sub_days(Days::new(days)).unwrap_or(now);
        let total: i64 = lines.iter().map(|(_, _, ucents)| ucents).sum();
        let tax = total / 5;
        let duration = RenewPeriod::from_months(months);
        let mut order = Order::new(
            id,
            price(total, &eur),
            price(tax, &eur),
            price(total + tax, &eur),
        );
        order.date = Some(date);
        order.expiration_date = Some(date);
        let services = lines.iter().map(|(s, _, _)| *s).collect();
        let lines = lines
            .iter()
            .enumerate()
            .map(|(i, (_, name, ucents))| {
                let mut line = OrderDetail::new(
                    OrderDetailId(69_000_000 + (id.0 % 1000) * 10 + i as u64 + 1),
                    *name,
                    price(*ucents, &eur),
                    price(*ucents, &eur),
                );
                line.detail_type = Some(OrderDetailType::Renew);
                line.description = format!("Renewal {name} {duration}");
                let ext =
                    ItemDetail::new(ItemAction::Renew, ItemPlan::new("renew", duration.as_str()));
                (line, ext)
            })
            .collect();
        let mut invoice = Bill::new(
            BillId::from(bill),
            id,
            price(total, &eur),
            price(tax, &eur),
            price(total + tax, &eur),
        );
        invoice.date = Some(date);
        invoice.category = Some(BillCategory::EarlyRenewal);
        invoice.password = "pastpasswd".into();
        invoice.url = format!(
            "https://www.ovh.com/cgi-bin/order/facture.cgi?reference={bill}&passwd=pastpasswd"
        );
        invoice.pdf_url = format!(
            "https://www.ovh.com/cgi-bin/order/facture.pdf?reference={bill}&passwd=pastpasswd"
        );
        PastOrder {
            order,
            duration,
            services,
            lines,
            bill: invoice,
            paid_with: DEFAULT_PAYMENT_METHOD,
        }
    };
    vec![
        past(
            PAST_BUNDLE_ORDER,
            40,
            12,
            vec![
                (HOSTING_ID, HOSTING_NAME, 3_787_000_000),
                (DOMAIN_ID, DOMAIN_NAME, 0),
            ],
            "FR51234567",
        ),
        past(
            PAST_VPS_ORDER,
            70,
            1,
            vec![(VPS_ID, VPS_NAME, 3_450_000_000)],
            "FR51234999",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 2, 20).unwrap()
    }

    #[test]
    fn seeded_services_match_the_fixtures_and_today() {
        let services = services_as_of(today());
        let ids: Vec<ServiceId> = services.iter().map(SandboxService::service_id).collect();
        let listed: Vec<ServiceId> = fixture!("service_list");
        assert_eq!(ids, listed);
        let defaults: Vec<u64> = fixture!("payment_method_list");
        let methods = payment_methods();
        let listed: Vec<u64> = methods.iter().map(|m| m.payment_method_id).collect();
        assert_eq!(listed, DEFAULT_PAYMENT_METHODS);
        let default: Vec<u64> = methods
            .iter()
            .filter(|m| m.default)
            .map(|m| m.payment_method_id)
            .collect();
        assert_eq!(
            default, defaults,
            "payment_method_list.json is the ?default=true list"
        );
        assert!(methods[0].is_valid());
        assert_eq!(methods[2].status, PaymentMethodStatus::Expired);
        assert_eq!(methods[1].payment_mean_id, Some(PAYPAL_MEAN_ID));

        let by_id = |id| services.iter().find(|s| s.id == id).unwrap();
        let vps = by_id(VPS_ID);
        assert_eq!(vps.product(), Some(&Product::Vps));
        assert_eq!(vps.infos().unwrap().domain, VPS_NAME);
        assert_eq!(
            vps.infos().unwrap().expiration,
            NaiveDate::from_ymd_opt(2026, 2, 25)
        );
        assert!(vps.infos().unwrap().is_automatic_renewal());
        assert_eq!(
            vps.service().expiration_date,
            NaiveDate::from_ymd_opt(2026, 2, 25)
        );
        assert_eq!(vps.choices(false).len(), 4);
        assert_eq!(vps.choices(true)[0].strategies.len(), 2);

        let domain = by_id(DOMAIN_ID);
        assert!(!domain.infos().unwrap().is_automatic_renewal());
        assert_eq!(
            domain.infos().unwrap().expiration,
            NaiveDate::from_ymd_opt(2026, 3, 4)
        );
        assert_eq!(domain.service().renew.unwrap().mode, RenewMode::Manual);
        assert_eq!(domain.choices(true), domain.choices(false));

        let hosting = by_id(HOSTING_ID);
        let year = &hosting.choices(false)[0];
        assert_eq!(year.renew_period.as_str(), "P1Y");
        assert_eq!(year.strategies[0].price.ucents(), 3_488_000_000);
        assert_eq!(year.strategies[0].price.text.as_deref(), Some("34.88 €"));
        assert_eq!(year.strategies[1].services, [HOSTING_ID, DOMAIN_ID]);
        let service = hosting.service();
        assert_eq!(
            service.route.path.as_deref(),
            Some("/hosting/web/{serviceName}")
        );
        assert_eq!(
            service.route.url.as_deref(),
            Some("/hosting/web/agora3.ovh")
        );
        assert_eq!(service.resource.display_name, "agora3.ovh");
        assert_eq!(service.renew.unwrap().mode, RenewMode::Manual);

        let dedicated = by_id(DEDICATED_ID);
        let months: Vec<u32> = dedicated
            .choices(false)
            .iter()
            .filter_map(|d| d.renew_period.months())
            .collect();
        assert_eq!(months, [1, 3, 12]);
        assert_eq!(
            dedicated.service().renew.unwrap().mode,
            RenewMode::AutomaticV2016
        );
        assert_eq!(
            dedicated.infos().unwrap().expiration,
            NaiveDate::from_ymd_opt(2026, 3, 12)
        );

        let backup = by_id(VPS_BACKUP_ID);
        assert_eq!(backup.product(), None);
        assert!(backup.infos().is_none());
        assert_eq!(backup.service().renew.unwrap().mode, RenewMode::Option);
    }

    #[test]
    fn products_are_normalized_and_names_encoded_in_derived_routes() {
        let s = SandboxService::new("/hosting//web/", ServiceInfos::new(ServiceId(1), "a b/c"));
        assert_eq!(s.product(), Some(&Product::HostingWeb));
        assert_eq!(
            s.service().route.url.as_deref(),
            Some("/hosting/web/a%20b%2Fc")
        );
    }
}
