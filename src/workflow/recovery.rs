//! After a crash or an uncertain answer: find the renewal orders made for a service
//! ([`find_renewal_orders`]), decide what a re-run does with them, and say what an
//! uncertain error left behind ([`resolve`]).
//!
//! The matching rule is in the [workflow docs](crate::workflow#the-matching-rule).

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::error::{Error, RequestProblem};
use crate::models::{ItemAction, Order, OrderDetail, OrderId, OrderStatus, Price, RenewPeriod};

use super::{RenewError, ServiceRef};

/// Which part of a line said it renews the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MatchRule {
    /// `detailType == RENEW`; the extension does not say `renew` (or could not be read).
    DetailType,
    /// The extension's `action == renew`; the line's type is not `RENEW`.
    ExtensionAction,
    /// Both.
    Both,
}

/// A line of an order that renews the service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MatchedLine {
    /// The line, as OVH sent it.
    pub detail: OrderDetail,
    /// Which rule matched.
    pub rule: MatchRule,
    /// The period of its extension's plan (`None`: no extension, or no whole-month
    /// duration).
    pub period: Option<RenewPeriod>,
}

/// An order with at least one line renewing the service (see the
/// [matching rule](crate::workflow#the-matching-rule)). Holds no password or URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RenewalOrder {
    /// The order.
    pub order_id: OrderId,
    /// When OVH created it.
    pub date: Option<DateTime<FixedOffset>>,
    /// Its status when it was looked at.
    pub status: OrderStatus,
    /// Its total without tax.
    pub price_without_tax: Price,
    /// Its total with tax.
    pub price_with_tax: Price,
    /// The period of its matching lines when they agree on one; `None` when none says or
    /// they differ.
    pub period: Option<RenewPeriod>,
    /// The lines that renew the service.
    pub lines: Vec<MatchedLine>,
}

impl RenewalOrder {
    /// `true` when OVH has taken it past payment (`checking`, `delivering`, `delivered`).
    pub fn is_paid(&self) -> bool {
        is_paid(&self.status)
    }
}

pub(crate) fn is_paid(status: &OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Checking | OrderStatus::Delivering | OrderStatus::Delivered
    )
}

/// An order [`find_renewal_orders`] found, with the order itself (for the report).
pub(crate) struct Found {
    pub(crate) summary: RenewalOrder,
    pub(crate) order: Order,
}

/// The name an order line gives the service: the `serviceName` of `Named`, else the
/// resource name of `GET /service/{serviceId}`.
pub(crate) async fn service_name<A: ServiceRenewApi + ?Sized>(
    api: &A,
    service: &ServiceRef,
) -> Result<String, Error> {
    match service {
        ServiceRef::Named { service_name, .. } => Ok(service_name.clone()),
        ServiceRef::Id(id) => {
            let s = api.service(*id).await?;
            s.resource
                .name
                .clone()
                .filter(|n| !n.is_empty())
                .or_else(|| {
                    s.route
                        .vars
                        .iter()
                        .find(|v| v.key == "serviceName")
                        .map(|v| v.value.clone())
                })
                .ok_or_else(|| {
                    Error::refused(
                        RequestProblem::Unsupported,
                        format!(
                            "service {id} has no name (GET /service/{id} carries no resource name): its orders cannot be matched"
                        ),
                    )
                })
        }
    }
}

/// Lists the orders created since `since` (`GET /me/order?date.from=`, never bounded by
/// the local clock: OVH's may be ahead of it), reads their lines, and returns those with
/// a line renewing `service`, oldest first, each with its status, prices, period and the
/// matching lines (see the [matching rule](crate::workflow#the-matching-rule)). Orders without such a line are left
/// out; nothing is guessed: a line naming the service whose type is not `RENEW` and
/// whose extension cannot be read makes the whole lookup fail.
///
/// Calls: `GET /me/order`, then per order `…/details` and each line; the extension of
/// each line naming the service; `GET /me/order/{orderId}` and `…/status` of each match
/// (and `GET /service/{serviceId}` for a [`ServiceRef::Id`], for the name).
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use chrono::{Duration, Utc};
/// use ovh_renew::workflow::{find_renewal_orders, ServiceRef};
/// use ovh_renew::OvhClient;
///
/// let client = OvhClient::from_env()?;
/// let vps = ServiceRef::named("vps", "vps-0baa4fcf.vps.ovh.net");
/// for order in find_renewal_orders(&client, &vps, Utc::now() - Duration::days(7)).await? {
///     println!("order {} ({}) for {:?}: {}", order.order_id, order.status, order.period, order.price_without_tax);
/// }
/// # Ok(()) }
/// ```
pub async fn find_renewal_orders<A: ServiceRenewApi + ?Sized>(
    api: &A,
    service: &ServiceRef,
    since: DateTime<Utc>,
) -> Result<Vec<RenewalOrder>, Error> {
    let name = service_name(api, service).await?;
    Ok(find(api, &name, since)
        .await?
        .into_iter()
        .map(|f| f.summary)
        .collect())
}

pub(crate) async fn find<A: ServiceRenewApi + ?Sized>(
    api: &A,
    name: &str,
    since: DateTime<Utc>,
) -> Result<Vec<Found>, Error> {
    let mut ids = api.orders(Some(since), None).await?;
    ids.sort_unstable();
    ids.dedup();
    let mut found = Vec::new();
    for id in ids {
        if let Some(f) = examine(api, id, name).await? {
            found.push(f);
        }
    }
    Ok(found)
}

/// The order `id` if it has a line renewing the service named `name`.
pub(crate) async fn examine<A: ServiceRenewApi + ?Sized>(
    api: &A,
    id: OrderId,
    name: &str,
) -> Result<Option<Found>, Error> {
    let mut lines = Vec::new();
    for detail_id in api.order_detail_ids(id).await? {
        let detail = api.order_detail(id, detail_id).await?;
        if detail.cancelled || detail.domain != name {
            continue;
        }
        let typed = detail.is_renewal();
        let extension = match api.order_detail_extension(id, detail_id).await {
            Ok(ext) => Some(ext),
            // BETA route: a `RENEW` line matches without it (its period stays unknown).
            Err(_) if typed => None,
            Err(e) => return Err(e),
        };
        let action = extension
            .as_ref()
            .is_some_and(|e| e.order.action == Some(ItemAction::Renew));
        let rule = match (typed, action) {
            (true, true) => MatchRule::Both,
            (true, false) => MatchRule::DetailType,
            (false, true) => MatchRule::ExtensionAction,
            (false, false) => continue,
        };
        let period = extension.and_then(|e| e.order.plan.period());
        lines.push(MatchedLine {
            detail,
            rule,
            period,
        });
    }
    if lines.is_empty() {
        return Ok(None);
    }
    let order = api.order(id).await?;
    let status = api.order_status(id).await?;
    let first = lines[0].period.clone();
    let period = first.filter(|p| lines.iter().all(|l| l.period.as_ref() == Some(p)));
    Ok(Some(Found {
        summary: RenewalOrder {
            order_id: id,
            date: order.date,
            status,
            price_without_tax: order.price_without_tax.clone(),
            price_with_tax: order.price_with_tax.clone(),
            period,
            lines,
        },
        order,
    }))
}

/// Why [`renew`](super::renew) refused to order because of earlier renewal orders
/// ([`RenewError::EarlierOrders`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum EarlierProblem {
    /// Several renewal orders (unpaid or paid) for the service: which one to pay is not
    /// guessed.
    Several,
    /// One order (unpaid or paid), at another price (without tax, amount or currency)
    /// than the approved one.
    OtherPrice,
    /// One order (unpaid or paid), for another period (or one its lines do not say).
    OtherPeriod,
    /// One order in a status that is neither unpaid, paid nor cancelled
    /// (`documentsRequested`, `unknown`, a new value).
    UnclearStatus,
    /// The order asked for ([`RenewOptions::pay_order`](super::RenewOptions::pay_order))
    /// has no line renewing the service.
    NotARenewal,
    /// The order asked for is cancelled.
    Cancelled,
}

impl std::fmt::Display for EarlierProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EarlierProblem::Several => "several renewal orders exist for it",
            EarlierProblem::OtherPrice => {
                "a renewal order of this service name exists at another price"
            }
            EarlierProblem::OtherPeriod => {
                "a renewal order of this service name exists for another (or an unknown) period"
            }
            EarlierProblem::UnclearStatus => {
                "a renewal order exists whose status is neither unpaid, paid nor cancelled"
            }
            EarlierProblem::NotARenewal => "the order has no line renewing this service",
            EarlierProblem::Cancelled => "the order is cancelled",
        })
    }
}

/// What a re-run does with the renewal orders found.
pub(crate) enum Decision {
    /// None counts: order.
    Order,
    /// Pay this unpaid order instead of ordering.
    Reuse(Box<Found>),
    /// This order was paid: nothing to order.
    AlreadyRenewed(Box<Found>),
    /// Refuse, nothing ordered.
    Refuse(EarlierProblem, Vec<RenewalOrder>),
}

/// The pure rule of re-runs. Cancelled orders do not count. The candidates are the
/// orders at `approved` (without tax, exact micro-cents and currency) for `period`: one
/// is reused when unpaid and means "already renewed" when paid; several are refused.
/// Without a candidate, one order at another price or period is refused (it may be this
/// service's, priced or timed otherwise) and several orders are refused; orders at
/// another price or period next to a candidate are left alone (two services may share a
/// name, like a domain and its hosting).
pub(crate) fn decide(
    found: Vec<Found>,
    approved: &crate::models::Amount,
    period: &RenewPeriod,
) -> Decision {
    let live: Vec<Found> = found
        .into_iter()
        .filter(|f| {
            !matches!(
                f.summary.status,
                OrderStatus::Cancelled | OrderStatus::Cancelling
            )
        })
        .collect();
    let same_price =
        |f: &Found| f.summary.price_without_tax.amount().ok().as_ref() == Some(approved);
    let same_period =
        |f: &Found| f.summary.period.as_ref().map(RenewPeriod::months) == Some(period.months());
    let (mut exact, other): (Vec<Found>, Vec<Found>) = live
        .into_iter()
        .partition(|f| same_price(f) && same_period(f));
    if exact.len() > 1 {
        let all = exact.into_iter().chain(other).map(|f| f.summary).collect();
        return Decision::Refuse(EarlierProblem::Several, all);
    }
    if let Some(one) = exact.pop() {
        let status = one.summary.status.clone();
        return if is_paid(&status) {
            Decision::AlreadyRenewed(Box::new(one))
        } else if status == OrderStatus::NotPaid {
            Decision::Reuse(Box::new(one))
        } else {
            Decision::Refuse(EarlierProblem::UnclearStatus, vec![one.summary])
        };
    }
    match other.len() {
        0 => Decision::Order,
        1 => {
            let problem = if !is_paid(&other[0].summary.status)
                && other[0].summary.status != OrderStatus::NotPaid
            {
                EarlierProblem::UnclearStatus
            } else if !same_price(&other[0]) {
                EarlierProblem::OtherPrice
            } else {
                EarlierProblem::OtherPeriod
            };
            Decision::Refuse(problem, other.into_iter().map(|f| f.summary).collect())
        }
        _ => Decision::Refuse(
            EarlierProblem::Several,
            other.into_iter().map(|f| f.summary).collect(),
        ),
    }
}

/// What an uncertain [`RenewError`] really left behind, as [`resolve`] finds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Resolution {
    /// The error itself says nothing was ordered: nothing to look up.
    NothingOrdered,
    /// No renewal order for the service is listed since the attempt (OVH may list a new
    /// order a little later: look again before ordering if the attempt was seconds ago).
    NoOrder,
    /// The order exists and is unpaid: pay it
    /// ([`RenewOptions::pay_order`](super::RenewOptions::pay_order)) or let it expire.
    Unpaid(OrderId),
    /// The order was paid (`checking`, `delivering` or `delivered`).
    Paid {
        /// The order.
        order_id: OrderId,
        /// Its status.
        status: OrderStatus,
    },
    /// The order was cancelled.
    Cancelled(OrderId),
    /// The order's status is neither of these (`documentsRequested`, `unknown`, a new
    /// value): check it in the control panel.
    Unclear {
        /// The order.
        order_id: OrderId,
        /// Its status.
        status: OrderStatus,
    },
    /// Several renewal orders since the attempt: which one was made by the failed run
    /// is not guessed.
    Several(Vec<RenewalOrder>),
}

/// How far before an uncertain attempt [`resolve`] looks (clocks differ).
const RESOLVE_MARGIN: chrono::TimeDelta = chrono::TimeDelta::minutes(10);

/// Says what an error of [`renew`](super::renew) left behind: for
/// [`RenewError::OrderUncertain`], the renewal orders of the service since the attempt
/// (minus 10 minutes for clock differences; see [`find_renewal_orders`]); for an error
/// with an order id ([`RenewError::PaymentUncertain`], [`RenewError::OrderUnpaid`],
/// [`RenewError::StatusUnknown`]), that order's status. Errors after which nothing was
/// ordered resolve to [`Resolution::NothingOrdered`] without a call.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use ovh_renew::workflow::{renew, resolve, RenewOptions, Resolution};
/// use ovh_renew::{OvhClient, ServiceId};
///
/// let client = OvhClient::from_env()?;
/// let options = RenewOptions::new(ServiceId(118_977_335), "P1M".parse()?).order(true);
/// if let Err(e) = renew(&client, &options).await {
///     match resolve(&client, &e).await? {
///         Resolution::Unpaid(order) => println!("order {order} exists, unpaid"),
///         other => println!("{other:?}"),
///     }
/// }
/// # Ok(()) }
/// ```
pub async fn resolve<A: ServiceRenewApi + ?Sized>(
    api: &A,
    error: &RenewError,
) -> Result<Resolution, Error> {
    if let RenewError::OrderUncertain {
        attempted_at,
        service_id,
        period_months,
        ..
    } = error
    {
        let since = DateTime::<Utc>::from(*attempted_at) - RESOLVE_MARGIN;
        let name = service_name(api, &ServiceRef::Id(*service_id)).await?;
        let mut found: Vec<RenewalOrder> = find(api, &name, since)
            .await?
            .into_iter()
            .map(|f| f.summary)
            .filter(|o| {
                o.period.as_ref().is_none_or(|p| {
                    p.months().and_then(std::num::NonZeroU32::new) == *period_months
                })
            })
            .collect();
        return Ok(match found.len() {
            0 => Resolution::NoOrder,
            1 => {
                let one = found.remove(0);
                of_status(one.order_id, one.status)
            }
            _ => Resolution::Several(found),
        });
    }
    match error.order_id() {
        Some(order_id) => {
            let status = api.order_status(order_id).await?;
            Ok(of_status(order_id, status))
        }
        None => Ok(Resolution::NothingOrdered),
    }
}

fn of_status(order_id: OrderId, status: OrderStatus) -> Resolution {
    match status {
        OrderStatus::NotPaid => Resolution::Unpaid(order_id),
        OrderStatus::Cancelled | OrderStatus::Cancelling => Resolution::Cancelled(order_id),
        s if is_paid(&s) => Resolution::Paid {
            order_id,
            status: s,
        },
        s => Resolution::Unclear {
            order_id,
            status: s,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Amount, CurrencyCode};

    fn found(id: u64, status: OrderStatus, ucents: i64, months: Option<u32>) -> Found {
        let price = Price::from_ucents(ucents, CurrencyCode::Eur);
        let order = Order::new(OrderId(id), price.clone(), price.clone(), price.clone());
        Found {
            summary: RenewalOrder {
                order_id: OrderId(id),
                date: None,
                status,
                price_without_tax: price.clone(),
                price_with_tax: price,
                period: months.map(RenewPeriod::from_months),
                lines: Vec::new(),
            },
            order,
        }
    }

    fn outcome(d: Decision) -> (&'static str, Vec<u64>) {
        let ids = |v: &[RenewalOrder]| v.iter().map(|o| o.order_id.0).collect();
        match d {
            Decision::Order => ("order", vec![]),
            Decision::Reuse(f) => ("reuse", vec![f.summary.order_id.0]),
            Decision::AlreadyRenewed(f) => ("renewed", vec![f.summary.order_id.0]),
            Decision::Refuse(EarlierProblem::Several, v) => ("several", ids(&v)),
            Decision::Refuse(EarlierProblem::OtherPrice, v) => ("price", ids(&v)),
            Decision::Refuse(EarlierProblem::OtherPeriod, v) => ("period", ids(&v)),
            Decision::Refuse(EarlierProblem::UnclearStatus, v) => ("unclear", ids(&v)),
            Decision::Refuse(_, v) => ("other", ids(&v)),
        }
    }

    #[test]
    fn rerun_decisions() {
        use OrderStatus::*;
        let approved = Amount::new(100, CurrencyCode::Eur);
        let year = RenewPeriod::from_months(12);
        type Row = (Vec<Found>, (&'static str, Vec<u64>));
        let rows: Vec<Row> = vec![
            (vec![], ("order", vec![])),
            (vec![found(1, Cancelled, 100, Some(12))], ("order", vec![])),
            (vec![found(1, NotPaid, 100, Some(12))], ("reuse", vec![1])),
            (
                vec![found(1, Delivered, 100, Some(12))],
                ("renewed", vec![1]),
            ),
            (
                vec![found(1, Checking, 100, Some(12))],
                ("renewed", vec![1]),
            ),
            (
                vec![found(1, DocumentsRequested, 100, Some(12))],
                ("unclear", vec![1]),
            ),
            (vec![found(1, NotPaid, 101, Some(12))], ("price", vec![1])),
            (vec![found(1, Delivered, 101, Some(12))], ("price", vec![1])),
            (vec![found(1, NotPaid, 100, Some(1))], ("period", vec![1])),
            (vec![found(1, NotPaid, 100, None)], ("period", vec![1])),
            (
                vec![found(1, Other("x".into()), 101, None)],
                ("unclear", vec![1]),
            ),
            (
                vec![
                    found(1, NotPaid, 100, Some(12)),
                    found(2, NotPaid, 100, Some(12)),
                ],
                ("several", vec![1, 2]),
            ),
            (
                vec![
                    found(1, Delivered, 100, Some(12)),
                    found(2, NotPaid, 100, Some(12)),
                ],
                ("several", vec![1, 2]),
            ),
            // A same-named service's order next to this one's: this one is taken.
            (
                vec![
                    found(1, NotPaid, 3488, Some(12)),
                    found(2, NotPaid, 100, Some(12)),
                ],
                ("reuse", vec![2]),
            ),
            (
                vec![
                    found(1, NotPaid, 3488, Some(12)),
                    found(2, NotPaid, 7, Some(12)),
                ],
                ("several", vec![1, 2]),
            ),
            (
                vec![
                    found(1, Cancelled, 100, Some(12)),
                    found(2, NotPaid, 100, Some(12)),
                ],
                ("reuse", vec![2]),
            ),
        ];
        for (i, (input, want)) in rows.into_iter().enumerate() {
            let got = outcome(decide(input, &approved, &year));
            assert_eq!((got.0, got.1.clone()), (want.0, want.1), "row {i}");
        }
        // Another currency with the same micro-cents is another price.
        let usd = Amount::new(100, CurrencyCode::Usd);
        let got = outcome(decide(vec![found(1, NotPaid, 100, Some(12))], &usd, &year));
        assert_eq!(got.0, "price");
    }
}
