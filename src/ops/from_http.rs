//! The inverse of [`Call::path`] and [`Call::body`]: an HTTP request as received (by
//! `testing::MockOvh`) back into its [`Call`]. Lenient like OVH where OVH is (an absent
//! or `null` `dryRun` is `false`), and refusing what OVH refuses, with OVH's kind of
//! answer.

use serde_json::Value;

use super::Call;
use chrono::{DateTime, Utc};

use crate::models::{
    BillId, OrderDetailId, OrderId, PaymentMean, PaymentMethodFilter, PaymentMethodStatus, Product,
    RenewPeriod, RenewRequest, RenewalMode, RenewalUpdate, ServiceFilter, ServiceId,
    TerminationPolicy,
};

/// Why a request is not a [`Call`], before any account is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HttpRefusal {
    /// No operation has this method and path (OVH: 404 "Got an invalid (or empty) URL").
    UnknownRoute,
    /// The route exists, but an id in the path is not one (OVH: 404, the object does not
    /// exist).
    NotFound(String),
    /// The body is not what the operation takes (OVH: 400 `Client::BadRequest`).
    BadRequest(String),
}

/// A matched route whose values are not parsed yet: its template comes first, so that
/// a request can be refused for its signature before its values are looked at.
pub(crate) struct Matched<'p> {
    /// The route template, e.g. `/service/{serviceId}/renew`.
    pub(crate) template: String,
    kind: Kind<'p>,
}

enum Kind<'p> {
    ListServices,
    Service(&'p str),
    ServiceInfos { product: String, name: String },
    RenewDescriptions(&'p str),
    CreateRenewOrder(&'p str),
    Order(&'p str),
    OrderStatus(&'p str),
    AvailableMeans(&'p str),
    PayWithRegisteredMean(&'p str),
    PaymentMethods,
    Pay(&'p str),
    Services,
    ServiceView(&'p str),
    RenewPeriodCapacities(&'p str),
    DebtBalance,
    UpdateRenewal(&'p str),
    Orders,
    OrderDetailIds(&'p str),
    OrderDetail(&'p str, &'p str),
    OrderDetailExtension(&'p str, &'p str),
    OrderFollowUp(&'p str),
    OrderPaymentMethods(&'p str),
    PaymentMethod(&'p str),
    Bills,
    Bill(String),
}

/// Matches `method` and `path` (below the base URL, without the query) to an operation.
pub(crate) fn route<'p>(method: &str, path: &'p str) -> Option<Matched<'p>> {
    let segments: Vec<&'p str> = path.strip_prefix('/')?.split('/').collect();
    let (kind, template) = match (method, segments.as_slice()) {
        ("GET", ["service"]) => (Kind::ListServices, "/service"),
        ("GET", ["service", s]) => (Kind::Service(s), "/service/{serviceId}"),
        ("GET", ["service", s, "renew"]) => {
            (Kind::RenewDescriptions(s), "/service/{serviceId}/renew")
        }
        ("POST", ["service", s, "renew"]) => {
            (Kind::CreateRenewOrder(s), "/service/{serviceId}/renew")
        }
        ("GET", ["me", "order", o]) => (Kind::Order(o), "/me/order/{orderId}"),
        ("GET", ["me", "order", o, "status"]) => {
            (Kind::OrderStatus(o), "/me/order/{orderId}/status")
        }
        ("GET", ["me", "order", o, "availableRegisteredPaymentMean"]) => (
            Kind::AvailableMeans(o),
            "/me/order/{orderId}/availableRegisteredPaymentMean",
        ),
        ("POST", ["me", "order", o, "payWithRegisteredPaymentMean"]) => (
            Kind::PayWithRegisteredMean(o),
            "/me/order/{orderId}/payWithRegisteredPaymentMean",
        ),
        ("POST", ["me", "order", o, "pay"]) => (Kind::Pay(o), "/me/order/{orderId}/pay"),
        ("GET", ["me", "payment", "method"]) => (Kind::PaymentMethods, "/me/payment/method"),
        ("GET", ["services"]) => (Kind::Services, "/services"),
        ("GET", ["services", s]) => (Kind::ServiceView(s), "/services/{serviceId}"),
        ("GET", ["services", s, "renewPeriodCapacities"]) => (
            Kind::RenewPeriodCapacities(s),
            "/services/{serviceId}/renewPeriodCapacities",
        ),
        ("PUT", ["services", s]) => (Kind::UpdateRenewal(s), "/services/{serviceId}"),
        ("GET", ["me", "debtAccount"]) => (Kind::DebtBalance, "/me/debtAccount"),
        ("GET", ["me", "order"]) => (Kind::Orders, "/me/order"),
        ("GET", ["me", "order", o, "details"]) => {
            (Kind::OrderDetailIds(o), "/me/order/{orderId}/details")
        }
        ("GET", ["me", "order", o, "details", d]) => (
            Kind::OrderDetail(o, d),
            "/me/order/{orderId}/details/{orderDetailId}",
        ),
        ("GET", ["me", "order", o, "details", d, "extension"]) => (
            Kind::OrderDetailExtension(o, d),
            "/me/order/{orderId}/details/{orderDetailId}/extension",
        ),
        ("GET", ["me", "order", o, "followUp"]) => {
            (Kind::OrderFollowUp(o), "/me/order/{orderId}/followUp")
        }
        ("GET", ["me", "order", o, "paymentMethods"]) => (
            Kind::OrderPaymentMethods(o),
            "/me/order/{orderId}/paymentMethods",
        ),
        ("GET", ["me", "payment", "method", m]) => (
            Kind::PaymentMethod(m),
            "/me/payment/method/{paymentMethodId}",
        ),
        ("GET", ["me", "bill"]) => (Kind::Bills, "/me/bill"),
        ("GET", ["me", "bill", b]) => (Kind::Bill(percent_decode(b)?), "/me/bill/{billId}"),
        ("GET", [product @ .., name, "serviceInfos"])
            if !product.is_empty() && product.iter().all(|p| !p.is_empty()) =>
        {
            let product = product.join("/");
            let template = format!("/{product}/{{serviceName}}/serviceInfos");
            let name = percent_decode(name)?;
            return Some(Matched {
                template,
                kind: Kind::ServiceInfos { product, name },
            });
        }
        _ => return None,
    };
    Some(Matched {
        template: template.to_owned(),
        kind,
    })
}

impl Matched<'_> {
    /// The call, from the values of the path, the query and the body.
    fn call(
        self,
        query: Option<&str>,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Call, HttpRefusal> {
        Ok(match self.kind {
            Kind::ListServices => Call::ListServices,
            Kind::Service(id) => Call::Service {
                id: service_id(id)?,
            },
            Kind::ServiceInfos { product, name } => Call::ServiceInfos {
                product: Product::from(product),
                service_name: name,
            },
            Kind::RenewDescriptions(id) => Call::RenewDescriptions {
                id: service_id(id)?,
                include_options: query.is_some_and(|q| {
                    url::form_urlencoded::parse(q.as_bytes())
                        .any(|(k, v)| k == "includeOptions" && v == "true")
                }),
            },
            Kind::CreateRenewOrder(id) => {
                let id = service_id(id)?;
                Call::CreateRenewOrder {
                    id,
                    request: renew_request(body)?,
                }
            }
            Kind::Order(o) => Call::Order {
                order_id: order_id(o)?,
            },
            Kind::OrderStatus(o) => Call::OrderStatus {
                order_id: order_id(o)?,
            },
            Kind::AvailableMeans(o) => Call::AvailableRegisteredPaymentMeans {
                order_id: order_id(o)?,
            },
            Kind::PayWithRegisteredMean(o) => {
                let order_id = order_id(o)?;
                let (payment_mean, payment_mean_id) = registered_mean(body)?;
                Call::PayWithRegisteredPaymentMean {
                    order_id,
                    payment_mean,
                    payment_mean_id,
                }
            }
            Kind::PaymentMethods => {
                let filter = payment_method_filter(query)?;
                if filter.is_empty() {
                    Call::PaymentMethods
                } else {
                    Call::PaymentMethodsMatching { filter }
                }
            }
            Kind::Services => match pages(headers)? {
                Some((number, size)) => Call::ServicesPage {
                    filter: service_filter(query),
                    number,
                    size,
                },
                None => Call::Services {
                    filter: service_filter(query),
                },
            },
            Kind::ServiceView(id) => Call::ServiceView {
                id: service_id(id)?,
            },
            Kind::RenewPeriodCapacities(id) => Call::RenewPeriodCapacities {
                id: service_id(id)?,
            },
            Kind::DebtBalance => Call::DebtBalance,
            Kind::UpdateRenewal(id) => {
                let id = service_id(id)?;
                Call::UpdateRenewal {
                    id,
                    update: renewal_update(body)?,
                }
            }
            Kind::Pay(o) => {
                let order_id = order_id(o)?;
                Call::PayWithPaymentMethod {
                    order_id,
                    payment_method_id: payment_method(body)?,
                }
            }
            Kind::Orders => Call::Orders {
                since: query_datetime(query, "date.from")?,
                until: query_datetime(query, "date.to")?,
            },
            Kind::OrderDetailIds(o) => Call::OrderDetailIds {
                order_id: order_id(o)?,
            },
            Kind::OrderDetail(o, d) => Call::OrderDetail {
                order_id: order_id(o)?,
                detail_id: detail_id(d)?,
            },
            Kind::OrderDetailExtension(o, d) => Call::OrderDetailExtension {
                order_id: order_id(o)?,
                detail_id: detail_id(d)?,
            },
            Kind::OrderFollowUp(o) => Call::OrderFollowUp {
                order_id: order_id(o)?,
            },
            Kind::OrderPaymentMethods(o) => Call::OrderPaymentMethods {
                order_id: order_id(o)?,
            },
            Kind::PaymentMethod(m) => Call::PaymentMethod {
                id: m.parse().map_err(|_| {
                    HttpRefusal::NotFound(format!(
                        "The requested object (paymentMethodId = {m}) does not exist"
                    ))
                })?,
            },
            Kind::Bills => match query_value(query, "orderId") {
                Some(text) => Call::BillsForOrder {
                    order_id: text
                        .parse()
                        .map_err(|_| bad(format!("Invalid orderId {text:?}: expected a long")))?,
                },
                // Only the order's invoices are modelled.
                None => return Err(HttpRefusal::UnknownRoute),
            },
            Kind::Bill(b) => Call::Bill {
                bill_id: BillId::from(b),
            },
        })
    }
}

impl Call {
    /// The call an HTTP request makes: `method`, `path_and_query` below the base URL
    /// (percent-encoded, as sent) and the body. The inverse of [`Call::path`] and
    /// [`Call::body`].
    #[cfg_attr(not(test), allow(dead_code))] // MockOvh passes the headers
    pub(crate) fn from_http(
        method: &str,
        path_and_query: &str,
        body: &[u8],
    ) -> Result<Call, HttpRefusal> {
        Self::from_http_with_headers(method, path_and_query, &[], body)
    }

    /// [`from_http`](Self::from_http), with the request's headers (name, value): the
    /// pagination headers make `GET /services` a [`Call::ServicesPage`] (the inverse of
    /// [`Call::headers`]).
    pub(crate) fn from_http_with_headers(
        method: &str,
        path_and_query: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<Call, HttpRefusal> {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        route(method, path)
            .ok_or(HttpRefusal::UnknownRoute)?
            .call(query, headers, body)
    }
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

fn service_id(text: &str) -> Result<ServiceId, HttpRefusal> {
    text.parse()
        .map_err(|_| HttpRefusal::NotFound("This service does not exist".into()))
}

fn order_id(text: &str) -> Result<OrderId, HttpRefusal> {
    text.parse().map_err(|_| {
        HttpRefusal::NotFound(format!(
            "The requested object (orderId = {text}) does not exist"
        ))
    })
}

fn bad(message: impl Into<String>) -> HttpRefusal {
    HttpRefusal::BadRequest(message.into())
}

fn object(body: &[u8]) -> Result<serde_json::Map<String, Value>, HttpRefusal> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(bad("Invalid JSON received: expected an object")),
    }
}

/// `{dryRun?, duration, services}`.
fn renew_request(body: &[u8]) -> Result<RenewRequest, HttpRefusal> {
    let body = object(body)?;
    let dry_run = match body.get("dryRun") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(bad(format!("Invalid dryRun {other}: expected a boolean"))),
    };
    let duration: RenewPeriod = match body.get("duration") {
        Some(Value::String(text)) => text
            .parse()
            .map_err(|e| bad(format!("Invalid duration: {e}")))?,
        Some(other) => {
            return Err(bad(format!(
                "Invalid duration {other}: expected an ISO 8601 duration such as \"P1Y\""
            )));
        }
        None => return Err(bad("Missing parameter: duration")),
    };
    let services: Vec<ServiceId> = match body.get("services") {
        Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
            bad(format!(
                "Invalid services {value}: expected an array of service ids"
            ))
        })?,
        None => return Err(bad("Missing parameter: services")),
    };
    Ok(if dry_run {
        RenewRequest::dry_run(duration, services)
    } else {
        RenewRequest::order(duration, services)
    })
}

/// `{paymentMean, paymentMeanId?}`.
fn registered_mean(body: &[u8]) -> Result<(PaymentMean, Option<u64>), HttpRefusal> {
    let body = object(body)?;
    let mean = match body.get("paymentMean") {
        Some(Value::String(text)) => PaymentMean::from(text.as_str()),
        _ => {
            return Err(bad(
                "Missing parameter: paymentMean (a billing.ReusablePaymentMeanEnum)",
            ));
        }
    };
    let mean_id = match body.get("paymentMeanId") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .ok_or_else(|| bad(format!("Invalid paymentMeanId {value}: expected an id")))?,
        ),
    };
    Ok((mean, mean_id))
}

/// `{paymentMethod: {id}}`.
fn payment_method(body: &[u8]) -> Result<u64, HttpRefusal> {
    object(body)?
        .get("paymentMethod")
        .and_then(|m| m.get("id"))
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("Missing parameter: paymentMethod (expected {\"id\": <long>})"))
}

/// `?routes=/vps,/domain&resourceName=…` (each optional).
fn service_filter(query: Option<&str>) -> ServiceFilter {
    let mut filter = ServiceFilter::all();
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "routes" => filter.routes.extend(
                value
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned),
            ),
            "resourceName" => filter.resource_name = Some(value.into_owned()),
            _ => {}
        }
    }
    filter
}

/// `{renew?: {mode?, period?}, terminationPolicy?}` (`services.update.Service`; its
/// `displayName` is not a renewal setting and is refused).
fn renewal_update(body: &[u8]) -> Result<RenewalUpdate, HttpRefusal> {
    let body = object(body)?;
    let mut update = RenewalUpdate::default();
    for (key, value) in &body {
        match (key.as_str(), value) {
            ("renew", Value::Null) | ("terminationPolicy", Value::Null) => {}
            ("renew", Value::Object(renew)) => {
                for (key, value) in renew {
                    match (key.as_str(), value) {
                        (_, Value::Null) => {}
                        ("mode", Value::String(mode)) => {
                            update.mode = Some(RenewalMode::from(mode.as_str()));
                        }
                        ("period", Value::String(period)) => {
                            update.period = Some(
                                period
                                    .parse()
                                    .map_err(|e| bad(format!("Invalid renew.period: {e}")))?,
                            );
                        }
                        (other, value) => {
                            return Err(bad(format!("Invalid renew.{other}: {value}")));
                        }
                    }
                }
            }
            ("terminationPolicy", Value::String(policy)) => {
                update.termination_policy = Some(TerminationPolicy::from(policy.as_str()));
            }
            (other, value) => return Err(bad(format!("Invalid parameter {other}: {value}"))),
        }
    }
    Ok(update)
}

/// `Some((number, size))` when the request asks for `CachedObjectList-Pages` (number 1
/// and size 1000 when absent, as OVH defaults them); another mode is refused.
fn pages(headers: &[(String, String)]) -> Result<Option<(u32, u32)>, HttpRefusal> {
    let get = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    };
    let Some(mode) = get(super::PAGINATION_MODE) else {
        return Ok(None);
    };
    if mode != super::PAGES_MODE {
        return Err(bad(format!("Unsupported X-Pagination-Mode {mode:?}")));
    }
    let number = |name: &str, default: u32| match get(name) {
        None => Ok(default),
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| bad(format!("Invalid {name} {text:?}"))),
    };
    Ok(Some((
        number(super::PAGINATION_NUMBER, 1)?,
        number(super::PAGINATION_SIZE, super::DEFAULT_PAGE_SIZE)?,
    )))
}

/// The last value of `key` in `query`, form-decoded.
fn query_value(query: Option<&str>, key: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .last()
}

/// An optional RFC 3339 date-time of the query (OVH: 400 for one that is not).
fn query_datetime(query: Option<&str>, key: &str) -> Result<Option<DateTime<Utc>>, HttpRefusal> {
    query_value(query, key)
        .map(|text| {
            DateTime::parse_from_rfc3339(&text)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|_| bad(format!("Invalid {key} {text:?}: expected a datetime")))
        })
        .transpose()
}

/// `default`, `paymentType`, `status` of `GET /me/payment/method`.
fn payment_method_filter(query: Option<&str>) -> Result<PaymentMethodFilter, HttpRefusal> {
    let mut filter = PaymentMethodFilter::all();
    if let Some(text) = query_value(query, "default") {
        filter.default = Some(match text.as_str() {
            "true" => true,
            "false" => false,
            _ => return Err(bad(format!("Invalid default {text:?}: expected a boolean"))),
        });
    }
    filter.payment_type = query_value(query, "paymentType");
    filter.status = query_value(query, "status").map(PaymentMethodStatus::from);
    Ok(filter)
}

fn detail_id(text: &str) -> Result<OrderDetailId, HttpRefusal> {
    text.parse().map_err(|_| {
        HttpRefusal::NotFound(format!(
            "The requested object (orderDetailId = {text}) does not exist"
        ))
    })
}
