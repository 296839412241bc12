//! The API operations as data: one [`Call`] per request the crate can make, one [`Reply`]
//! per answer, and [`Op`], the kind of a call.
//!
//! Every operation is one entry of a single table (`ops/table.rs`); the enums below, the
//! typed methods of [`ServiceRenewApi`](crate::ServiceRenewApi) and of the blocking client
//! are generated from it. What a call sends and needs is written once, here, as one
//! `match` arm per call: its HTTP [method](Call::method), [path](Call::path),
//! [body](Call::body), whether it [may be retried](Call::is_idempotent), the
//! [access rule](Call::access_rule) it needs. [`AccessRule::renewal_flow`], the test
//! doubles of `testing` and the fault matrix are derived from the same table.
//!
//! Implement [`ServiceRenewApi::execute`](crate::ServiceRenewApi::execute) to answer calls
//! yourself, e.g. in a test double; match the calls you care about and keep a `_` arm for
//! the others (`Call` is `#[non_exhaustive]`: calls added in later releases then reach
//! that arm instead of breaking your code):
//!
//! ```
//! use ovh_renew::ops::{Call, Reply};
//! use ovh_renew::{ApiFuture, RefusedRequest, RequestProblem, ServiceId, ServiceRenewApi};
//!
//! struct OneService;
//!
//! impl ServiceRenewApi for OneService {
//!     fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
//!         Box::pin(async move {
//!             match call {
//!                 Call::ListServices => Ok(Reply::ListServices(vec![ServiceId(42)])),
//!                 other => Err(RefusedRequest::new(RequestProblem::Unsupported, format!("not faked: {}", other.op())).into()),
//!             }
//!         })
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! assert_eq!(OneService.list_services().await.unwrap(), [ServiceId(42)]);
//! assert!(OneService.payment_methods().await.is_err());
//! # });
//! ```

mod table;

use std::fmt;

use crate::Method;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::error::{Error, RequestProblem};
// The table names its argument and answer types unqualified: every model is in scope.
use crate::answer::Answer;
#[allow(unused_imports)]
use crate::models::*;
use crate::path::ApiPath;
use crate::trace::TraceFields;

pub(crate) use table::for_each_op;

#[cfg(any(test, feature = "test-util"))]
mod from_http;
#[cfg(any(test, feature = "test-util"))]
pub(crate) use from_http::{HttpRefusal, route};

/// Generates [`Call`], [`Op`] and [`Reply`] from the table.
macro_rules! define_ops {
    ($(
        $(#[$doc:meta])*
        $name:ident $( { $( $(#[$fdoc:meta])* $field:ident : $fty:ty ),* $(,)? } )?
        => fn $fname:ident ( $( $arg:ident : $aty:ty ),* $(,)? ) -> $ret:ty = $build:expr ;
    )*) => {
        /// One API operation with its arguments: what
        /// [`ServiceRenewApi::execute`](crate::ServiceRenewApi::execute) answers with a
        /// [`Reply`]. Each variant is the call of the typed method of the same name.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Call {
            $(
                #[doc = concat!(
                    "[`ServiceRenewApi::", stringify!($fname), "`](crate::ServiceRenewApi::",
                    stringify!($fname), ")."
                )]
                $name $( { $( $(#[$fdoc])* $field: $fty ),* } )?,
            )*
        }

        /// The kind of a [`Call`], without its arguments: to program failures of a test
        /// double, count calls, or list every operation ([`Op::ALL`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Op {
            $(
                #[doc = concat!(
                    "[`ServiceRenewApi::", stringify!($fname), "`](crate::ServiceRenewApi::",
                    stringify!($fname), ")."
                )]
                $name,
            )*
        }

        /// The typed answer of a [`Call`]: the variant of the same name. Serializes as the
        /// answer alone (`Reply::ListServices(ids)` as the array of ids, the pay calls'
        /// `()` as `null`).
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        #[non_exhaustive]
        // A reply is moved once from `execute` to its typed method, never stored in bulk:
        // boxing the large ones (`ServiceView`) would only change the typed signatures.
        #[allow(clippy::large_enum_variant)]
        pub enum Reply {
            $(
                #[doc = concat!(
                    "The answer of [`ServiceRenewApi::", stringify!($fname),
                    "`](crate::ServiceRenewApi::", stringify!($fname), ")."
                )]
                $name($ret),
            )*
        }

        impl Op {
            /// Every operation, in the table's order.
            pub const ALL: &'static [Op] = &[$(Op::$name),*];

            /// The name of the typed method, e.g. `create_renew_order`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Op::$name => stringify!($fname),)*
                }
            }
        }

        impl Call {
            /// Which operation this is.
            pub fn op(&self) -> Op {
                match self {
                    $(Call::$name { .. } => Op::$name,)*
                }
            }
        }

        impl Reply {
            /// Which operation this answers.
            pub fn op(&self) -> Op {
                match self {
                    $(Reply::$name(_) => Op::$name,)*
                }
            }
        }
    };
}

for_each_op!(define_ops);

impl fmt::Display for Op {
    /// The name of the typed method, e.g. `create_renew_order`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn service_path(id: ServiceId) -> ApiPath {
    ApiPath::new("/service").id("serviceId", id.0)
}

/// OVH's documented default page size (`X-Pagination-Size` absent): 1,000.
pub const DEFAULT_PAGE_SIZE: u32 = 1000;
/// The request header naming the pagination mode.
pub(crate) const PAGINATION_MODE: &str = "X-Pagination-Mode";
/// Whole objects, a page at a time.
pub(crate) const PAGES_MODE: &str = "CachedObjectList-Pages";
/// The page size asked for (and echoed).
pub(crate) const PAGINATION_SIZE: &str = "X-Pagination-Size";
/// The page number asked for (1-based, and echoed).
pub(crate) const PAGINATION_NUMBER: &str = "X-Pagination-Number";
/// The answer header with the number of elements of the whole listing.
pub(crate) const PAGINATION_ELEMENTS: &str = "X-Pagination-Elements";

/// `X-Pagination-Elements`, when sent and a number.
fn pagination_total(headers: &reqwest::header::HeaderMap) -> Option<u64> {
    headers
        .get(PAGINATION_ELEMENTS)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn services_path(id: ServiceId) -> ApiPath {
    ApiPath::new("/services").id("serviceId", id.0)
}

fn order_path(id: OrderId) -> ApiPath {
    ApiPath::new("/me/order").id("orderId", id.0)
}

fn detail_path(order: OrderId, detail: OrderDetailId) -> ApiPath {
    order_path(order)
        .lit("details")
        .id("orderDetailId", detail.0)
}

/// A `date.from` / `date.to` value: RFC 3339 in UTC, whole seconds (`2024-08-01T00:00:00Z`).
fn query_datetime(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The `/{product}/{serviceName}/serviceInfos` path, refusing what cannot travel.
fn service_infos_path(product: &Product, service_name: &str) -> Result<ApiPath, Error> {
    let parts: Vec<&str> = product
        .as_route()
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let valid = |p: &&str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && *p != "."
            && *p != ".."
    };
    if parts.is_empty() || !parts.iter().all(valid) {
        return Err(Error::refused(
            RequestProblem::Product,
            format!(
                "product {:?} is not a route such as vps, domain, hosting/web or dedicated/server",
                product.as_route()
            ),
        ));
    }
    let mut path = ApiPath::new("");
    for p in parts {
        path = path.lit(p);
    }
    Ok(path
        .segment("serviceName", service_name)?
        .lit("serviceInfos"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayWithRegisteredPaymentMeanBody<'a> {
    payment_mean: &'a PaymentMean,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_mean_id: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayWithPaymentMethodBody {
    payment_method: PaymentMethodRef,
}

#[derive(Serialize)]
struct PaymentMethodRef {
    id: u64,
}

fn json<B: Serialize + ?Sized>(body: &B) -> Result<Option<String>, Error> {
    serde_json::to_string(body).map(Some).map_err(|e| {
        Error::refused(
            RequestProblem::Serialization,
            format!("cannot serialize the body: {e}"),
        )
    })
}

impl Call {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        match self {
            Call::CreateRenewOrder { .. }
            | Call::PayWithRegisteredPaymentMean { .. }
            | Call::PayWithPaymentMethod { .. } => Method::Post,
            Call::UpdateRenewal { .. } => Method::Put,
            Call::Services { .. }
            | Call::ServicesPage { .. }
            | Call::ServiceView { .. }
            | Call::RenewPeriodCapacities { .. }
            | Call::DebtBalance
            | Call::ListServices
            | Call::Service { .. }
            | Call::ServiceInfos { .. }
            | Call::RenewDescriptions { .. }
            | Call::Order { .. }
            | Call::OrderStatus { .. }
            | Call::AvailableRegisteredPaymentMeans { .. }
            | Call::PaymentMethods
            | Call::Orders { .. }
            | Call::OrderDetailIds { .. }
            | Call::OrderDetail { .. }
            | Call::OrderDetailExtension { .. }
            | Call::OrderFollowUp { .. }
            | Call::OrderPaymentMethods { .. }
            | Call::PaymentMethod { .. }
            | Call::PaymentMethodsMatching { .. }
            | Call::BillsForOrder { .. }
            | Call::Bill { .. } => Method::Get,
        }
    }

    /// The path below the base URL, with its query. [`Error::InvalidRequest`] for what
    /// cannot travel, before anything is sent: a service name that cannot be one path
    /// segment (empty, `.`, `..`), a product that is not a route.
    pub fn path(&self) -> Result<ApiPath, Error> {
        Ok(match self {
            Call::ListServices => ApiPath::new("/service"),
            Call::Service { id } => service_path(*id),
            Call::ServiceInfos {
                product,
                service_name,
            } => service_infos_path(product, service_name)?,
            Call::RenewDescriptions {
                id,
                include_options,
            } => service_path(*id)
                .lit("renew")
                .query_bool("includeOptions", *include_options),
            Call::CreateRenewOrder { id, .. } => service_path(*id).lit("renew"),
            Call::Order { order_id } => order_path(*order_id),
            Call::OrderStatus { order_id } => order_path(*order_id).lit("status"),
            Call::AvailableRegisteredPaymentMeans { order_id } => {
                order_path(*order_id).lit("availableRegisteredPaymentMean")
            }
            Call::PayWithRegisteredPaymentMean { order_id, .. } => {
                order_path(*order_id).lit("payWithRegisteredPaymentMean")
            }
            Call::PaymentMethods => ApiPath::new("/me/payment/method"),
            Call::PayWithPaymentMethod { order_id, .. } => order_path(*order_id).lit("pay"),
            Call::Services { filter } | Call::ServicesPage { filter, .. } => {
                let mut path = ApiPath::new("/services");
                if !filter.routes.is_empty() {
                    path = path.query("routes", &filter.routes.join(","));
                }
                if let Some(name) = &filter.resource_name {
                    path = path.query("resourceName", name);
                }
                path
            }
            Call::ServiceView { id } | Call::UpdateRenewal { id, .. } => services_path(*id),
            Call::RenewPeriodCapacities { id } => services_path(*id).lit("renewPeriodCapacities"),
            Call::DebtBalance => ApiPath::new("/me/debtAccount"),
            Call::Orders { since, until } => {
                let mut path = ApiPath::new("/me/order");
                if let Some(since) = since {
                    path = path.query("date.from", &query_datetime(since));
                }
                if let Some(until) = until {
                    path = path.query("date.to", &query_datetime(until));
                }
                path
            }
            Call::OrderDetailIds { order_id } => order_path(*order_id).lit("details"),
            Call::OrderDetail {
                order_id,
                detail_id,
            } => detail_path(*order_id, *detail_id),
            Call::OrderDetailExtension {
                order_id,
                detail_id,
            } => detail_path(*order_id, *detail_id).lit("extension"),
            Call::OrderFollowUp { order_id } => order_path(*order_id).lit("followUp"),
            Call::OrderPaymentMethods { order_id } => order_path(*order_id).lit("paymentMethods"),
            Call::PaymentMethod { id } => {
                ApiPath::new("/me/payment/method").id("paymentMethodId", *id)
            }
            Call::PaymentMethodsMatching { filter } => {
                let mut path = ApiPath::new("/me/payment/method");
                if let Some(default) = filter.default {
                    path = path.query_bool("default", default);
                }
                if let Some(payment_type) = &filter.payment_type {
                    path = path.query("paymentType", payment_type);
                }
                if let Some(status) = &filter.status {
                    path = path.query("status", status.as_str());
                }
                path
            }
            Call::BillsForOrder { order_id } => {
                ApiPath::new("/me/bill").query("orderId", &order_id.to_string())
            }
            Call::Bill { bill_id } => {
                ApiPath::new("/me/bill").segment("billId", bill_id.as_str())?
            }
        })
    }

    /// The body, compact JSON; `None` for the calls that send none (every `GET`).
    /// [`Error::InvalidRequest`] for a request refused before sending (a
    /// [`RenewRequest`] that [`RenewRequest::validate`] refuses: an empty service list, a
    /// zero duration; a [`RenewalUpdate`] that changes nothing).
    pub fn body(&self) -> Result<Option<String>, Error> {
        match self {
            Call::UpdateRenewal { update, .. } => {
                if update.is_empty() {
                    return Err(Error::refused(
                        RequestProblem::RenewalUpdate,
                        "the renewal update changes nothing: give a mode, a period or a termination policy",
                    ));
                }
                json(update)
            }
            Call::CreateRenewOrder { request, .. } => {
                request
                    .validate()
                    .map_err(|e| Error::refused(RequestProblem::RenewRequest, e.to_string()))?;
                json(request)
            }
            Call::PayWithRegisteredPaymentMean {
                payment_mean,
                payment_mean_id,
                ..
            } => json(&PayWithRegisteredPaymentMeanBody {
                payment_mean,
                payment_mean_id: *payment_mean_id,
            }),
            Call::PayWithPaymentMethod {
                payment_method_id, ..
            } => json(&PayWithPaymentMethodBody {
                payment_method: PaymentMethodRef {
                    id: *payment_method_id,
                },
            }),
            Call::ListServices
            | Call::Service { .. }
            | Call::ServiceInfos { .. }
            | Call::RenewDescriptions { .. }
            | Call::Order { .. }
            | Call::OrderStatus { .. }
            | Call::AvailableRegisteredPaymentMeans { .. }
            | Call::PaymentMethods
            | Call::Services { .. }
            | Call::ServicesPage { .. }
            | Call::ServiceView { .. }
            | Call::RenewPeriodCapacities { .. }
            | Call::DebtBalance
            | Call::Orders { .. }
            | Call::OrderDetailIds { .. }
            | Call::OrderDetail { .. }
            | Call::OrderDetailExtension { .. }
            | Call::OrderFollowUp { .. }
            | Call::OrderPaymentMethods { .. }
            | Call::PaymentMethod { .. }
            | Call::PaymentMethodsMatching { .. }
            | Call::BillsForOrder { .. }
            | Call::Bill { .. } => Ok(None),
        }
    }

    /// Whether the call may be sent again after a failure that may have reached OVH: every
    /// `GET`, and [`update_renewal`](crate::ServiceRenewApi::update_renewal)'s `PUT`
    /// (setting the same renewal settings twice leaves them as once); never a call that
    /// can create an order or move money (every `POST`).
    pub fn is_idempotent(&self) -> bool {
        match self {
            Call::UpdateRenewal { .. } => true,
            Call::CreateRenewOrder { .. }
            | Call::PayWithRegisteredPaymentMean { .. }
            | Call::PayWithPaymentMethod { .. } => false,
            Call::ListServices
            | Call::Service { .. }
            | Call::ServiceInfos { .. }
            | Call::RenewDescriptions { .. }
            | Call::Order { .. }
            | Call::OrderStatus { .. }
            | Call::AvailableRegisteredPaymentMeans { .. }
            | Call::PaymentMethods
            | Call::Services { .. }
            | Call::ServicesPage { .. }
            | Call::ServiceView { .. }
            | Call::RenewPeriodCapacities { .. }
            | Call::DebtBalance
            | Call::Orders { .. }
            | Call::OrderDetailIds { .. }
            | Call::OrderDetail { .. }
            | Call::OrderDetailExtension { .. }
            | Call::OrderFollowUp { .. }
            | Call::OrderPaymentMethods { .. }
            | Call::PaymentMethod { .. }
            | Call::PaymentMethodsMatching { .. }
            | Call::BillsForOrder { .. }
            | Call::Bill { .. } => true,
        }
    }

    /// The headers this call sends besides authentication, e.g. the pagination headers of
    /// [`services_page`](crate::ServiceRenewApi::services_page); never signed (OVH signs
    /// method, URL, body and timestamp only). Empty for every other call.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        match self {
            Call::ServicesPage { number, size, .. } => vec![
                (PAGINATION_MODE, PAGES_MODE.to_owned()),
                (PAGINATION_SIZE, size.to_string()),
                (PAGINATION_NUMBER, number.to_string()),
            ],
            _ => Vec::new(),
        }
    }

    /// The tracing span fields of this call: the route template of `path` (this call's
    /// [`path`](Call::path)) and the ids the call is about, from its typed arguments
    /// (the service name as it travels in the path, percent-encoded, so that it cannot
    /// break a log line).
    pub(crate) fn trace_fields(&self, path: &ApiPath) -> TraceFields {
        let fields = TraceFields::route(path);
        match self {
            Call::Service { id }
            | Call::RenewDescriptions { id, .. }
            | Call::CreateRenewOrder { id, .. }
            | Call::ServiceView { id }
            | Call::RenewPeriodCapacities { id }
            | Call::UpdateRenewal { id, .. } => fields.id("service_id", id.0),
            Call::Order { order_id }
            | Call::OrderStatus { order_id }
            | Call::AvailableRegisteredPaymentMeans { order_id }
            | Call::PayWithRegisteredPaymentMean { order_id, .. }
            | Call::PayWithPaymentMethod { order_id, .. }
            | Call::OrderDetailIds { order_id }
            | Call::OrderFollowUp { order_id }
            | Call::OrderPaymentMethods { order_id }
            | Call::BillsForOrder { order_id } => fields.id("order_id", order_id.0),
            Call::OrderDetail {
                order_id,
                detail_id,
            }
            | Call::OrderDetailExtension {
                order_id,
                detail_id,
            } => fields
                .id("order_id", order_id.0)
                .id("order_detail_id", detail_id.0),
            Call::PaymentMethod { id } => fields.id("payment_method_id", *id),
            Call::Bill { .. } => fields.param("bill_id", path, "billId"),
            Call::ServiceInfos { .. } => fields.param("service_name", path, "serviceName"),
            Call::ListServices
            | Call::PaymentMethods
            | Call::Services { .. }
            | Call::DebtBalance
            | Call::ServicesPage { .. }
            | Call::Orders { .. }
            | Call::PaymentMethodsMatching { .. } => fields,
        }
    }

    /// The access rule this call needs: its method and its path's rule pattern, e.g.
    /// `POST /service/*/renew`.
    pub fn access_rule(&self) -> Result<AccessRule, Error> {
        Ok(AccessRule::new(
            self.method().as_str(),
            self.path()?.rule_path(),
        ))
    }

    /// Method, path and body, or the reason the call is refused before sending.
    pub(crate) fn to_http(&self) -> Result<(Method, ApiPath, Option<String>), Error> {
        let path = self.path()?;
        let body = self.body()?;
        Ok((self.method(), path, body))
    }

    /// Decodes OVH's answer to this call (see [`Answer::decode`]). The pay calls accept
    /// only `null`, an empty body or 204; a real order's answer needs a usable `orderId`.
    pub(crate) fn decode(&self, answer: Answer, path: &ApiPath) -> Result<Reply, Error> {
        let method = &self.method();
        Ok(match self {
            Call::ListServices => Reply::ListServices(answer.decode(method, path)?),
            Call::Service { .. } => Reply::Service(answer.decode(method, path)?),
            Call::ServiceInfos { .. } => Reply::ServiceInfos(answer.decode(method, path)?),
            Call::RenewDescriptions { .. } => {
                Reply::RenewDescriptions(answer.decode(method, path)?)
            }
            Call::CreateRenewOrder { request, .. } if request.dry_run => {
                Reply::CreateRenewOrder(answer.decode(method, path)?)
            }
            Call::CreateRenewOrder { .. } => {
                // A real order's answer must carry its id: never "order 0".
                let created: CreatedOrder = answer.decode(method, path)?;
                Reply::CreateRenewOrder(created.0)
            }
            Call::Order { .. } => Reply::Order(answer.decode(method, path)?),
            Call::OrderStatus { .. } => Reply::OrderStatus(answer.decode(method, path)?),
            Call::AvailableRegisteredPaymentMeans { .. } => {
                let means: Vec<RegisteredPaymentMean> = answer.decode(method, path)?;
                Reply::AvailableRegisteredPaymentMeans(
                    means.into_iter().map(|m| m.payment_mean).collect(),
                )
            }
            Call::PayWithRegisteredPaymentMean { .. } => {
                Reply::PayWithRegisteredPaymentMean(answer.accept(method, path)?)
            }
            Call::PaymentMethods => Reply::PaymentMethods(answer.decode(method, path)?),
            Call::PayWithPaymentMethod { .. } => {
                Reply::PayWithPaymentMethod(answer.accept(method, path)?)
            }
            Call::Services { .. } => Reply::Services(answer.decode(method, path)?),
            Call::ServicesPage { .. } => {
                let total = pagination_total(&answer.headers);
                let mut page: ServicePage = answer.decode(method, path)?;
                page.total = total;
                Reply::ServicesPage(page)
            }
            Call::ServiceView { .. } => Reply::ServiceView(answer.decode(method, path)?),
            Call::RenewPeriodCapacities { .. } => {
                Reply::RenewPeriodCapacities(answer.decode(method, path)?)
            }
            Call::DebtBalance => Reply::DebtBalance(answer.decode(method, path)?),
            Call::UpdateRenewal { .. } => Reply::UpdateRenewal(answer.accept(method, path)?),
            Call::Orders { .. } => Reply::Orders(answer.decode(method, path)?),
            Call::OrderDetailIds { .. } => Reply::OrderDetailIds(answer.decode(method, path)?),
            Call::OrderDetail { .. } => Reply::OrderDetail(answer.decode(method, path)?),
            Call::OrderDetailExtension { .. } => {
                Reply::OrderDetailExtension(answer.decode(method, path)?)
            }
            Call::OrderFollowUp { .. } => Reply::OrderFollowUp(answer.decode(method, path)?),
            Call::OrderPaymentMethods { .. } => {
                Reply::OrderPaymentMethods(answer.decode(method, path)?)
            }
            Call::PaymentMethod { .. } => Reply::PaymentMethod(answer.decode(method, path)?),
            Call::PaymentMethodsMatching { .. } => {
                Reply::PaymentMethodsMatching(answer.decode(method, path)?)
            }
            Call::BillsForOrder { .. } => Reply::BillsForOrder(answer.decode(method, path)?),
            Call::Bill { .. } => Reply::Bill(answer.decode(method, path)?),
        })
    }
}

impl Op {
    /// A representative call of this kind (the sandbox VPS of `testing::sandbox`, the
    /// first order id of a sandbox account, PayPal 1234, payment method 9876543, order
    /// line 70000001, invoice FR51234567): what
    /// [`access_rules`](Op::access_rules) is derived from, and a call to send when any
    /// call of the kind will do (a fault matrix).
    pub fn example(self) -> Call {
        let (service, order) = (ServiceId(118_977_335), OrderId(300_000_001));
        let detail = OrderDetailId(70_000_001);
        match self {
            Op::ListServices => Call::ListServices,
            Op::Service => Call::Service { id: service },
            Op::ServiceInfos => Call::ServiceInfos {
                product: Product::Vps,
                service_name: "vps-0baa4fcf.vps.ovh.net".to_owned(),
            },
            Op::RenewDescriptions => Call::RenewDescriptions {
                id: service,
                include_options: false,
            },
            Op::CreateRenewOrder => Call::CreateRenewOrder {
                id: service,
                request: RenewRequest::dry_run(
                    crate::models::RenewPeriod::from_months(1),
                    vec![service],
                ),
            },
            Op::Order => Call::Order { order_id: order },
            Op::OrderStatus => Call::OrderStatus { order_id: order },
            Op::AvailableRegisteredPaymentMeans => {
                Call::AvailableRegisteredPaymentMeans { order_id: order }
            }
            Op::PayWithRegisteredPaymentMean => Call::PayWithRegisteredPaymentMean {
                order_id: order,
                payment_mean: PaymentMean::Paypal,
                payment_mean_id: Some(1234),
            },
            Op::PaymentMethods => Call::PaymentMethods,
            Op::PayWithPaymentMethod => Call::PayWithPaymentMethod {
                order_id: order,
                payment_method_id: 9_876_543,
            },
            Op::Services => Call::Services {
                filter: ServiceFilter::all(),
            },
            Op::ServicesPage => Call::ServicesPage {
                filter: ServiceFilter::all(),
                number: 1,
                size: DEFAULT_PAGE_SIZE,
            },
            Op::ServiceView => Call::ServiceView { id: service },
            Op::RenewPeriodCapacities => Call::RenewPeriodCapacities { id: service },
            Op::DebtBalance => Call::DebtBalance,
            Op::UpdateRenewal => Call::UpdateRenewal {
                id: service,
                update: RenewalUpdate::default().mode(RenewalMode::Manual),
            },
            Op::Orders => Call::Orders {
                since: None,
                until: None,
            },
            Op::OrderDetailIds => Call::OrderDetailIds { order_id: order },
            Op::OrderDetail => Call::OrderDetail {
                order_id: order,
                detail_id: detail,
            },
            Op::OrderDetailExtension => Call::OrderDetailExtension {
                order_id: order,
                detail_id: detail,
            },
            Op::OrderFollowUp => Call::OrderFollowUp { order_id: order },
            Op::OrderPaymentMethods => Call::OrderPaymentMethods { order_id: order },
            Op::PaymentMethod => Call::PaymentMethod { id: 9_876_543 },
            Op::PaymentMethodsMatching => Call::PaymentMethodsMatching {
                filter: PaymentMethodFilter::valid().default_only(),
            },
            Op::BillsForOrder => Call::BillsForOrder { order_id: order },
            Op::Bill => Call::Bill {
                bill_id: BillId::from("FR51234567"),
            },
        }
    }

    /// The access rules calls of this kind need. One rule each, except `service_infos`,
    /// whose rule depends on the product: the four products of the renewal guide.
    pub fn access_rules(self) -> Vec<AccessRule> {
        let calls = match self {
            Op::ServiceInfos => Product::GUIDE
                .iter()
                .map(|product| Call::ServiceInfos {
                    product: product.clone(),
                    service_name: "name".to_owned(),
                })
                .collect(),
            other => vec![other.example()],
        };
        calls
            .iter()
            .filter_map(|call| call.access_rule().ok())
            .collect()
    }
}

/// Whether calls of this kind change a service's settings (a `PUT`): what
/// [`AccessRule::renewal_flow`] never grants and [`AccessRule::renewal_settings`] does.
fn changes_settings(op: Op) -> bool {
    op.example().method() == Method::Put
}

// The presets live beside the table they derive from (not in `models`, which the table
// depends on: no module cycle).
impl AccessRule {
    /// Exactly the rules renewing needs (the workflow, the planner and its guards):
    /// derived from the operation table ([`Op::access_rules`](crate::ops::Op::access_rules)
    /// of every [`Op`](crate::ops::Op) but those that change settings, without the rules
    /// another one already allows); no `PUT`, no `DELETE`. Today:
    ///
    /// * `GET` `/service` and `/service/*` (which allows `/service/*/renew`);
    /// * `GET` `/vps/*/serviceInfos`, `/domain/*/serviceInfos`,
    ///   `/hosting/web/*/serviceInfos`, `/dedicated/server/*/serviceInfos`;
    /// * `POST /service/*/renew`;
    /// * `GET /me/order` (the order list) and `GET /me/order/*` (an order, its status,
    ///   lines, follow-up, payment means and methods);
    ///   `POST /me/order/*/payWithRegisteredPaymentMean` and `POST /me/order/*/pay`;
    /// * `GET /me/payment/method` and `GET /me/payment/method/*`;
    /// * `GET` `/services` and `/services/*` (the view, its renew period capacities);
    /// * `GET /me/debtAccount`;
    /// * `GET /me/bill` and `GET /me/bill/*` (the invoice).
    ///
    /// A key with these rules cannot change renewal settings (`PUT /services/*`): that is
    /// [`renewal_settings`](Self::renewal_settings).
    ///
    /// Pass them to [`OvhClient::request_consumer_key`](crate::OvhClient::request_consumer_key).
    /// `service_infos` of other products needs its own `GET /{product}/*/serviceInfos`.
    pub fn renewal_flow() -> Vec<AccessRule> {
        minimal(
            Op::ALL
                .iter()
                .filter(|op| !changes_settings(**op))
                .flat_map(|op| op.access_rules())
                .collect(),
        )
    }

    /// The rules changing renewal settings needs (reading the `/services` view and its
    /// capacities, `PUT /services/{serviceId}`), derived from the table like
    /// [`renewal_flow`](Self::renewal_flow), and nothing that orders or pays:
    /// `GET /services`, `GET /services/*`, `PUT /services/*`.
    ///
    /// ```
    /// use ovh_renew::models::AccessRule;
    /// let settings = AccessRule::renewal_settings();
    /// assert!(settings.iter().any(|r| r.allows("PUT", "/services/42")));
    /// assert!(!AccessRule::renewal_flow().iter().any(|r| r.allows("PUT", "/services/42")));
    /// assert!(settings.iter().all(|r| r.method != "POST"));
    /// ```
    pub fn renewal_settings() -> Vec<AccessRule> {
        minimal(
            Op::ALL
                .iter()
                .flat_map(|op| op.access_rules())
                .filter(|rule| rule.path == "/services" || rule.path.starts_with("/services/"))
                .collect(),
        )
    }
}

/// `all` without the rules another rule of it already allows, in order.
fn minimal(all: Vec<AccessRule>) -> Vec<AccessRule> {
    let mut kept: Vec<AccessRule> = Vec::with_capacity(all.len());
    for (i, rule) in all.iter().enumerate() {
        let covered = all
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && other != rule && other.allows(&rule.method, &rule.path));
        if !covered && !kept.contains(rule) {
            kept.push(rule.clone());
        }
    }
    kept
}

/// The error of a [`Reply`] that does not answer its [`Call`]: a faulty
/// [`ServiceRenewApi::execute`](crate::ServiceRenewApi::execute).
///
/// For a call that may be retried, [`Error::InvalidRequest`]. For a call that can order or
/// pay, whatever answered it may have acted: an [`Error::Decode`] (a success answer that
/// is not the documented one), for which [`Error::may_have_been_processed`] is `true`, so
/// that the workflow reports the order or payment as uncertain, never as not made.
pub(crate) fn mismatch(call: &Call, reply: &Reply) -> Error {
    let what = format!(
        "ServiceRenewApi::execute answered {} with the reply of {}",
        call.op(),
        reply.op()
    );
    if call.is_idempotent() {
        return Error::refused(RequestProblem::MismatchedReply, what);
    }
    use serde::de::Error as _;
    let route = call
        .path()
        .map_or_else(|_| call.op().name().to_owned(), |p| p.route().to_owned());
    Error::Decode(Box::new(crate::error::DecodeError {
        method: call.method().to_string(),
        route,
        status: 200,
        field: ".".into(),
        query_id: None,
        source: serde_json::Error::custom(what),
    }))
}

#[cfg(test)]
mod tests;
