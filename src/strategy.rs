//! Choosing a renewal strategy from the answer of `GET /service/{serviceId}/renew`.
//!
//! OVH answers with one [`RenewDescription`] per period, each listing several
//! [`RenewStrategy`]s: the service alone, or bundled with an option or a linked service, each
//! at its price. The helpers of this module are pure (no I/O) and pick one of them:
//!
//! * [`select_single`]: the guide's rule, the strategy renewing exactly one service;
//! * [`cheapest_covering`]: the cheapest strategy renewing at least the given services;
//! * [`best_monthly`]: the single-service strategy with the lowest price per month;
//! * [`periods`]: the offered periods, shortest first.
//!
//! A choice comes back as a [`Selected`], which builds the matching [`RenewRequest`], so the
//! selection and the order cannot disagree. Failures are [`SelectionError`]s worded for a
//! billing operator.
//!
//! # Rules
//!
//! * Periods compare by their length in months: asking for `P1Y` finds an offered `P12M`,
//!   and [`Selected::period`] keeps the offered text, which is what the order echoes.
//! * Prices compare as exact integers ([`Price::ucents`](crate::models::Price::ucents)),
//!   never as floats, and never across currencies: when the strategies to compare carry
//!   different currencies the helper returns [`SelectionError::MixedCurrencies`]. A price
//!   without a currency (as in the guide's example) only compares with other prices without
//!   one; a currency unknown to this crate compares with itself like any other.
//! * A strategy's `services` are read as a set: a repeated id counts once.
//! * Ties are broken deterministically; among fully equal strategies the first in input
//!   order wins.
//!
//! # Example: the guide's selection
//!
//! ```
//! use ovh_renew::models::{RenewDescription, RenewPeriod, ServiceId};
//! use ovh_renew::strategy::select_single;
//!
//! // The answer of GET /service/12345/renew in OVH's guide: the domain alone, or with its hosting.
//! let choices: Vec<RenewDescription> = serde_json::from_str(r#"[{"renewPeriod":"P1Y","strategies":[
//!     {"services":[12345],"price":{"value":1.99}},
//!     {"services":[67890,12345],"price":{"value":37.87}}]}]"#)?;
//!
//! let selected = select_single(&choices, &"P1Y".parse()?, ServiceId(12345))?;
//! assert_eq!(selected.strategy.price.ucents(), 199_000_000);
//! // The body to POST to /service/12345/renew:
//! assert_eq!(
//!     serde_json::to_string(&selected.order())?,
//!     r#"{"dryRun":false,"duration":"P1Y","services":[12345]}"#,
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::cmp::Ordering;

use crate::models::{
    CurrencyCode, RenewDescription, RenewPeriod, RenewRequest, RenewStrategy, ServiceId,
};

/// A strategy chosen among the renewal choices, with the period it was offered for.
///
/// Both fields borrow from the `choices` passed to the helper.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Selected<'a> {
    /// The offered period, with the API's own text (`P12M` stays `P12M` even if `P1Y` was
    /// asked for): the order must echo it.
    pub period: &'a RenewPeriod,
    /// The chosen strategy.
    pub strategy: &'a RenewStrategy,
}

impl Selected<'_> {
    /// The request that orders this renewal (`dryRun: false`): the offered period and the
    /// strategy's services, as sent by the API.
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price, RenewStrategy, ServiceId};
    /// use ovh_renew::strategy::Selected;
    ///
    /// let period = "P12M".parse()?;
    /// let strategy = RenewStrategy::new(Price::from_ucents(299_000_000, CurrencyCode::Eur), vec![ServiceId(7)]);
    /// let selected = Selected { period: &period, strategy: &strategy };
    /// assert_eq!(
    ///     serde_json::to_string(&selected.order())?,
    ///     r#"{"dryRun":false,"duration":"P12M","services":[7]}"#,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn order(&self) -> RenewRequest {
        RenewRequest::order(self.period.clone(), self.strategy.services.clone())
    }

    /// The request that only prices this renewal (`dryRun: true`); no order is created.
    ///
    /// ```
    /// use ovh_renew::models::{CurrencyCode, Price, RenewStrategy, ServiceId};
    /// use ovh_renew::strategy::Selected;
    ///
    /// let period = "P1Y".parse()?;
    /// let strategy = RenewStrategy::new(Price::from_ucents(3_787_000_000, CurrencyCode::Eur), vec![ServiceId(67890), ServiceId(12345)]);
    /// let selected = Selected { period: &period, strategy: &strategy };
    /// assert_eq!(
    ///     serde_json::to_string(&selected.dry_run())?,
    ///     r#"{"dryRun":true,"duration":"P1Y","services":[67890,12345]}"#,
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dry_run(&self) -> RenewRequest {
        RenewRequest::dry_run(self.period.clone(), self.strategy.services.clone())
    }
}

/// Why no strategy could be selected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SelectionError {
    /// OVH offered nothing to renew: the list of renewal choices is empty (the service cannot
    /// be renewed manually right now).
    #[error("OVH offered nothing to renew for this service (the list of renewal choices is empty)")]
    NoChoices,
    /// The requested period is not among the offered ones.
    #[error("{requested} is not offered for this service; offered: {}", periods_text(.offered))]
    PeriodNotOffered {
        /// The period asked for, with the caller's text.
        requested: RenewPeriod,
        /// The offered periods, shortest first (as returned by [`periods`]).
        offered: Vec<RenewPeriod>,
    },
    /// No strategy of the period renews exactly the requested service, alone.
    #[error(
        "no {period} strategy renews service {service} on its own; the {period} strategies cover: {}",
        groups_text(.available)
    )]
    NoSingleStrategy {
        /// The period asked for, with the caller's text.
        period: RenewPeriod,
        /// The service to renew alone.
        service: ServiceId,
        /// The services of each strategy offered for that period, in input order, without
        /// repeated lists (empty if the period has no strategy).
        available: Vec<Vec<ServiceId>>,
    },
    /// No strategy of the period renews all the requested services.
    #[error(
        "no {period} strategy covers services {}; the {period} strategies cover: {}",
        ids_text(.services),
        groups_text(.available)
    )]
    NoCoveringStrategy {
        /// The period asked for, with the caller's text.
        period: RenewPeriod,
        /// The services that had to be covered, as given.
        services: Vec<ServiceId>,
        /// The services of each strategy offered for that period, in input order, without
        /// repeated lists (empty if the period has no strategy).
        available: Vec<Vec<ServiceId>>,
    },
    /// No strategy of the period renews exactly the requested services (as a set).
    #[error(
        "no {period} strategy renews exactly services {}; the {period} strategies cover: {}",
        ids_text(.services),
        groups_text(.available)
    )]
    NoExactStrategy {
        /// The period asked for, with the caller's text.
        period: RenewPeriod,
        /// The services asked for, as given.
        services: Vec<ServiceId>,
        /// The services of each strategy offered for that period, in input order, without
        /// repeated lists (empty if the period has no strategy).
        available: Vec<Vec<ServiceId>>,
    },
    /// No period of at least one month offers a strategy renewing the service alone
    /// (from [`best_monthly`]).
    #[error(
        "no renewal period of at least one month renews service {service} on its own; the strategies cover: {}",
        groups_text(.available)
    )]
    NoSingleStrategyInAnyPeriod {
        /// The service to renew alone.
        service: ServiceId,
        /// The services of each offered strategy, all periods together, in input order,
        /// without repeated lists.
        available: Vec<Vec<ServiceId>>,
    },
    /// [`cheapest_covering`] was asked to cover no service at all: a caller bug, since an
    /// order needs at least one service.
    #[error("no service to cover was given; name at least one service to renew")]
    NothingToCover,
    /// The strategies to compare are priced in different currencies, which cannot be
    /// compared; nothing was chosen.
    #[error(
        "prices in different currencies cannot be compared: {}",
        .currencies.join(", ")
    )]
    MixedCurrencies {
        /// The distinct currencies of the compared strategies, in input order: the API's
        /// code (`EUR`, `points`, an unknown code as sent), or `unspecified` for a price
        /// without a currency.
        currencies: Vec<String>,
    },
}

/// The strategy for `period` that renews exactly `service`, alone: the rule of OVH's guide.
///
/// Every description whose period has the same length as `period` is searched (`P1Y` finds
/// `P12M`). A strategy qualifies when its services, read as a set, are exactly `{service}`
/// (so `[s, s]` qualifies too). If several qualify, the cheapest wins, then the first in input
/// order.
///
/// # Errors
///
/// [`NoChoices`](SelectionError::NoChoices),
/// [`PeriodNotOffered`](SelectionError::PeriodNotOffered),
/// [`NoSingleStrategy`](SelectionError::NoSingleStrategy), or
/// [`MixedCurrencies`](SelectionError::MixedCurrencies) when several qualify in different
/// currencies.
///
/// ```
/// use ovh_renew::models::{CurrencyCode, Price, RenewDescription, RenewStrategy, ServiceId};
/// use ovh_renew::strategy::{select_single, SelectionError};
///
/// let eur = |ucents| Price::from_ucents(ucents, CurrencyCode::Eur);
/// let choices = vec![RenewDescription::new(
///     "P12M".parse()?,
///     vec![
///         RenewStrategy::new(eur(3_787_000_000), vec![ServiceId(67890), ServiceId(12345)]),
///         RenewStrategy::new(eur(199_000_000), vec![ServiceId(12345)]),
///     ],
/// )];
/// let selected = select_single(&choices, &"P1Y".parse()?, ServiceId(12345))?;
/// assert_eq!(selected.period.as_str(), "P12M");
/// assert_eq!(selected.strategy.services, [ServiceId(12345)]);
///
/// let err = select_single(&choices, &"P1Y".parse()?, ServiceId(67890)).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "no P1Y strategy renews service 67890 on its own; the P1Y strategies cover: [67890, 12345], [12345]",
/// );
/// assert!(matches!(
///     select_single(&choices, &"P2Y".parse()?, ServiceId(12345)),
///     Err(SelectionError::PeriodNotOffered { .. }),
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn select_single<'a>(
    choices: &'a [RenewDescription],
    period: &RenewPeriod,
    service: ServiceId,
) -> Result<Selected<'a>, SelectionError> {
    select(
        choices,
        Some(period),
        |c| renews_only(c.strategy, service),
        cheaper,
        |available| SelectionError::NoSingleStrategy {
            period: period.clone(),
            service,
            available,
        },
    )
}

/// The cheapest strategy for `period` whose services include all of `services`.
///
/// For example a domain with its hosting, or a VPS with its backup option. Periods compare
/// by length, as in [`select_single`]. Ties on price go to the strategy with fewer services,
/// then to the lowest sorted list of ids, then to the first in input order.
///
/// # Errors
///
/// [`NothingToCover`](SelectionError::NothingToCover) if `services` is empty (checked
/// first), [`NoChoices`](SelectionError::NoChoices),
/// [`PeriodNotOffered`](SelectionError::PeriodNotOffered),
/// [`NoCoveringStrategy`](SelectionError::NoCoveringStrategy), or
/// [`MixedCurrencies`](SelectionError::MixedCurrencies) when the covering strategies are
/// priced in different currencies.
///
/// ```
/// use ovh_renew::models::{RenewDescription, ServiceId};
/// use ovh_renew::strategy::cheapest_covering;
///
/// let choices: Vec<RenewDescription> = serde_json::from_str(r#"[{"renewPeriod":"P1M","strategies":[
///     {"services":[118977335],"price":{"value":34.5,"currencyCode":"EUR"},"priceInUcents":3450000000},
///     {"services":[118977335,118977336],"price":{"value":42.5,"currencyCode":"EUR"},"priceInUcents":4250000000}]}]"#)?;
///
/// // The VPS with its backup option.
/// let selected = cheapest_covering(&choices, &"P1M".parse()?, &[ServiceId(118977336)])?;
/// assert_eq!(selected.strategy.price.ucents(), 4_250_000_000);
/// assert_eq!(
///     serde_json::to_string(&selected.dry_run())?,
///     r#"{"dryRun":true,"duration":"P1M","services":[118977335,118977336]}"#,
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cheapest_covering<'a>(
    choices: &'a [RenewDescription],
    period: &RenewPeriod,
    services: &[ServiceId],
) -> Result<Selected<'a>, SelectionError> {
    if services.is_empty() {
        return Err(SelectionError::NothingToCover);
    }
    select(
        choices,
        Some(period),
        |c| services.iter().all(|id| c.strategy.services.contains(id)),
        cheaper,
        |available| SelectionError::NoCoveringStrategy {
            period: period.clone(),
            services: services.to_vec(),
            available,
        },
    )
}

/// The cheapest strategy for `period` whose services, as a set, are exactly `services`
/// (order and repeats do not matter). Periods compare by length, as in [`select_single`];
/// ties go to the first in input order.
///
/// This is how [`execute_plan`](crate::planner::execute_plan) renews a plan line: it
/// orders exactly the services that were planned, never a cheaper superset.
///
/// # Errors
///
/// [`NothingToCover`](SelectionError::NothingToCover) if `services` is empty (checked
/// first), [`NoChoices`](SelectionError::NoChoices),
/// [`PeriodNotOffered`](SelectionError::PeriodNotOffered),
/// [`NoExactStrategy`](SelectionError::NoExactStrategy), or
/// [`MixedCurrencies`](SelectionError::MixedCurrencies).
///
/// ```
/// use ovh_renew::models::{CurrencyCode, Price, RenewDescription, RenewStrategy, ServiceId};
/// use ovh_renew::strategy::{select_exactly, SelectionError};
///
/// let eur = |ucents| Price::from_ucents(ucents, CurrencyCode::Eur);
/// let (domain, hosting) = (ServiceId(12345), ServiceId(67890));
/// let choices = vec![RenewDescription::new(
///     "P1Y".parse()?,
///     vec![
///         RenewStrategy::new(eur(199_000_000), vec![domain]),
///         RenewStrategy::new(eur(3_787_000_000), vec![hosting, domain]),
///     ],
/// )];
/// let bundle = select_exactly(&choices, &"P1Y".parse()?, &[domain, hosting])?;
/// assert_eq!(bundle.strategy.services, [hosting, domain]);
/// assert!(matches!(
///     select_exactly(&choices, &"P1Y".parse()?, &[hosting]),
///     Err(SelectionError::NoExactStrategy { .. }),
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn select_exactly<'a>(
    choices: &'a [RenewDescription],
    period: &RenewPeriod,
    services: &[ServiceId],
) -> Result<Selected<'a>, SelectionError> {
    if services.is_empty() {
        return Err(SelectionError::NothingToCover);
    }
    let mut wanted = services.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    select(
        choices,
        Some(period),
        |c| service_set(c.strategy) == wanted,
        |a, b| a.strategy.price.ucents().cmp(&b.strategy.price.ucents()),
        |available| SelectionError::NoExactStrategy {
            period: period.clone(),
            services: services.to_vec(),
            available,
        },
    )
}

/// The offered periods, shortest first, each length once (the first text seen is kept:
/// with `P12M` then `P1Y` offered, `P12M` is listed).
///
/// A period is listed even if its description has no strategy.
///
/// ```
/// use ovh_renew::models::{RenewDescription, RenewPeriod};
/// use ovh_renew::strategy::periods;
///
/// let choices: Vec<RenewDescription> = serde_json::from_str(
///     r#"[{"renewPeriod":"P12M","strategies":[]},{"renewPeriod":"P1M","strategies":[]},{"renewPeriod":"P1Y","strategies":[]}]"#,
/// )?;
/// let texts: Vec<String> = periods(&choices).iter().map(RenewPeriod::to_string).collect();
/// assert_eq!(texts, ["P1M", "P12M"]);
/// assert!(periods(&[]).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn periods(choices: &[RenewDescription]) -> Vec<RenewPeriod> {
    let mut offered: Vec<RenewPeriod> = choices.iter().map(|d| d.renew_period.clone()).collect();
    // Stable sort, then `dedup` keeps the first of each run: the first text seen.
    offered.sort();
    offered.dedup();
    offered
}

/// Among the strategies renewing `service` alone, in any period, the one with the lowest price
/// per month.
///
/// Prices per month are compared exactly, `a / m₁` against `b / m₂` as `a × m₂` against
/// `b × m₁` in 128-bit integers. On a tie the longest period wins (same monthly price, fewer
/// renewals), then the first in input order. Zero-month periods (`P0M`) are skipped, and so
/// are periods that are not whole months (`P30D`, `PT720H`, `P1W`: no month count to
/// divide by; [`RenewPeriod::not_months`] says why): they never win and never fail the
/// selection among the others.
///
/// # Errors
///
/// [`NoChoices`](SelectionError::NoChoices),
/// [`NoSingleStrategyInAnyPeriod`](SelectionError::NoSingleStrategyInAnyPeriod), or
/// [`MixedCurrencies`](SelectionError::MixedCurrencies) when the single-service strategies
/// are priced in different currencies.
///
/// ```
/// use ovh_renew::models::{CurrencyCode, Price, RenewDescription, RenewStrategy, ServiceId};
/// use ovh_renew::strategy::best_monthly;
///
/// let vps = ServiceId(118977335);
/// let offer = |period: &str, ucents| -> Result<RenewDescription, Box<dyn std::error::Error>> {
///     let strategy = RenewStrategy::new(Price::from_ucents(ucents, CurrencyCode::Eur), vec![vps]);
///     Ok(RenewDescription::new(period.parse()?, vec![strategy]))
/// };
/// let choices = vec![offer("P1M", 3_450_000_000)?, offer("P3M", 9_900_000_000)?, offer("P6M", 19_800_000_000)?];
/// // 33.00 a month for P3M and P6M: the longer one wins.
/// assert_eq!(best_monthly(&choices, vps)?.period.as_str(), "P6M");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn best_monthly(
    choices: &[RenewDescription],
    service: ServiceId,
) -> Result<Selected<'_>, SelectionError> {
    select(
        choices,
        None,
        |c| c.period.months().is_some_and(|m| m > 0) && renews_only(c.strategy, service),
        |a, b| {
            let per_month = |x: &Selected<'_>, y: &Selected<'_>| {
                i128::from(x.strategy.price.ucents())
                    * i128::from(y.period.months().unwrap_or_default())
            };
            per_month(a, b)
                .cmp(&per_month(b, a))
                .then_with(|| b.period.cmp(a.period))
        },
        |available| SelectionError::NoSingleStrategyInAnyPeriod { service, available },
    )
}

/// The one candidate-collection helper behind the selection functions.
///
/// Collects the strategies of the descriptions matching `period` (all when `None`), keeps
/// those satisfying `rule`, refuses to compare across currencies, and returns the first
/// minimum for `rank`. `none` builds the error when no strategy satisfies `rule`, from the
/// service lists of the period's strategies.
fn select<'a>(
    choices: &'a [RenewDescription],
    period: Option<&RenewPeriod>,
    rule: impl Fn(&Selected<'a>) -> bool,
    rank: impl Fn(&Selected<'a>, &Selected<'a>) -> Ordering,
    none: impl FnOnce(Vec<Vec<ServiceId>>) -> SelectionError,
) -> Result<Selected<'a>, SelectionError> {
    if choices.is_empty() {
        return Err(SelectionError::NoChoices);
    }
    if let Some(requested) = period.filter(|p| !choices.iter().any(|d| d.renew_period == **p)) {
        return Err(SelectionError::PeriodNotOffered {
            requested: requested.clone(),
            offered: periods(choices),
        });
    }
    let in_period: Vec<Selected<'a>> = choices
        .iter()
        .filter(|d| period.is_none_or(|p| d.renew_period == *p))
        .flat_map(|d| {
            d.strategies.iter().map(move |strategy| Selected {
                period: &d.renew_period,
                strategy,
            })
        })
        .collect();
    let mut matching = in_period.iter().copied().filter(|c| rule(c));
    let Some(mut best) = matching.next() else {
        let mut available: Vec<Vec<ServiceId>> = Vec::new();
        for c in &in_period {
            if !available.contains(&c.strategy.services) {
                available.push(c.strategy.services.clone());
            }
        }
        return Err(none(available));
    };
    let mut currencies = vec![best.strategy.price.currency()];
    for candidate in matching {
        let currency = candidate.strategy.price.currency();
        if !currencies.contains(&currency) {
            currencies.push(currency);
        }
        if rank(&candidate, &best) == Ordering::Less {
            best = candidate;
        }
    }
    if currencies.len() > 1 {
        return Err(SelectionError::MixedCurrencies {
            currencies: currencies
                .into_iter()
                .map(|c| c.map_or("unspecified", CurrencyCode::as_str).to_owned())
                .collect(),
        });
    }
    Ok(best)
}

/// `true` if the strategy's services, as a set, are exactly `{service}`.
fn renews_only(strategy: &RenewStrategy, service: ServiceId) -> bool {
    !strategy.services.is_empty() && strategy.services.iter().all(|id| *id == service)
}

/// The services of a strategy as a sorted set.
fn service_set(strategy: &RenewStrategy) -> Vec<ServiceId> {
    let mut set = strategy.services.clone();
    set.sort_unstable();
    set.dedup();
    set
}

/// Cheaper first; on a tie fewer services, then the lowest sorted list of ids.
fn cheaper(a: &Selected<'_>, b: &Selected<'_>) -> Ordering {
    a.strategy
        .price
        .ucents()
        .cmp(&b.strategy.price.ucents())
        .then_with(|| {
            let (a, b) = (service_set(a.strategy), service_set(b.strategy));
            a.len().cmp(&b.len()).then_with(|| a.cmp(&b))
        })
}

/// `P1M, P3M`, or `none`.
fn periods_text(periods: &[RenewPeriod]) -> String {
    join(periods.iter().map(RenewPeriod::to_string))
}

/// `[67890, 12345]`.
fn ids_text(ids: &[ServiceId]) -> String {
    let ids: Vec<String> = ids.iter().map(ServiceId::to_string).collect();
    format!("[{}]", ids.join(", "))
}

/// `[12345], [67890, 12345]`, or `none`.
fn groups_text(groups: &[Vec<ServiceId>]) -> String {
    join(groups.iter().map(|ids| ids_text(ids)))
}

/// Joins with `, `; `none` when empty.
fn join(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::Price;
    use proptest::prelude::*;
    use proptest::sample::select as pick;

    /// `(name, contents)` of a recorded fixture.
    macro_rules! fixture {
        ($name:literal) => {
            ($name, crate::models::test_support::fixture!($name))
        };
    }

    fn p(text: &str) -> RenewPeriod {
        text.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    fn ids(raw: &[u64]) -> Vec<ServiceId> {
        raw.iter().copied().map(ServiceId).collect()
    }

    fn decode(json: &str) -> Vec<RenewDescription> {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"))
    }

    /// A call to one of the selection helpers.
    #[derive(Debug, Clone)]
    enum Call {
        Single(&'static str, u64),
        Covering(&'static str, &'static [u64]),
        Monthly(u64),
    }

    impl Call {
        fn run<'a>(&self, choices: &'a [RenewDescription]) -> Result<Selected<'a>, SelectionError> {
            match self {
                Call::Single(period, service) => {
                    select_single(choices, &p(period), ServiceId(*service))
                }
                Call::Covering(period, services) => {
                    cheapest_covering(choices, &p(period), &ids(services))
                }
                Call::Monthly(service) => best_monthly(choices, ServiceId(*service)),
            }
        }
    }

    /// What a call must give.
    #[derive(Debug)]
    enum Expect {
        /// Offered period text, the strategy's services as sent, its ucents.
        Pick(&'static str, &'static [u64], i64),
        Fails(SelectionError),
    }
    use Expect::{Fails, Pick};

    fn no_single(period: &str, service: u64, available: &[&[u64]]) -> Expect {
        Fails(SelectionError::NoSingleStrategy {
            period: p(period),
            service: ServiceId(service),
            available: available.iter().map(|a| ids(a)).collect(),
        })
    }

    fn no_covering(period: &str, services: &[u64], available: &[&[u64]]) -> Expect {
        Fails(SelectionError::NoCoveringStrategy {
            period: p(period),
            services: ids(services),
            available: available.iter().map(|a| ids(a)).collect(),
        })
    }

    fn not_offered(requested: &str, offered: &[&str]) -> Expect {
        Fails(SelectionError::PeriodNotOffered {
            requested: p(requested),
            offered: offered.iter().map(|o| p(o)).collect(),
        })
    }

    fn mixed(currencies: &[&str]) -> Expect {
        Fails(SelectionError::MixedCurrencies {
            currencies: currencies.iter().map(|c| c.to_string()).collect(),
        })
    }

    const ONLY_BUNDLE: (&str, &str) = (
        "inline: only a bundle",
        r#"[{"renewPeriod":"P1Y","strategies":[
            {"services":[67890,12345],"price":{"value":37.87,"currencyCode":"EUR"},"priceInUcents":3787000000}]}]"#,
    );
    const EQUAL_PRICES: (&str, &str) = (
        "inline: equal prices",
        r#"[{"renewPeriod":"P12M","strategies":[
              {"services":[1],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[1,3],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[2,1],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[1,2,3],"price":{"value":1,"currencyCode":"EUR"}}]},
            {"renewPeriod":"P1Y","strategies":[
              {"services":[1],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[3,2],"price":{"value":0.5,"currencyCode":"EUR"}},
              {"services":[2,3],"price":{"value":0.5,"currencyCode":"EUR"}}]},
            {"renewPeriod":"P3M","strategies":[
              {"services":[1,3],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[2,1],"price":{"value":1,"currencyCode":"EUR"}}]}]"#,
    );
    const MIXED: (&str, &str) = (
        "inline: mixed currencies",
        r#"[{"renewPeriod":"P1Y","strategies":[
              {"services":[1],"price":{"value":2.99,"currencyCode":"EUR"}},
              {"services":[1],"price":{"value":1.5,"currencyCode":"USD"}},
              {"services":[1,2],"price":{"value":9,"currencyCode":"USD"}}]},
            {"renewPeriod":"P1M","strategies":[
              {"services":[1],"price":{"value":0.5,"currencyCode":"EUR"}},
              {"services":[1],"price":{"value":0.4}}]}]"#,
    );
    const UNKNOWN_CURRENCY: (&str, &str) = (
        "inline: unknown currency",
        r#"[{"renewPeriod":"P1Y","strategies":[
              {"services":[1],"price":{"value":3,"currencyCode":"XYZ"}},
              {"services":[1],"price":{"value":2,"currencyCode":"XYZ"}},
              {"services":[1,2],"price":{"value":4,"currencyCode":"XYZ"}}]},
            {"renewPeriod":"P1M","strategies":[
              {"services":[1],"price":{"value":0.1,"currencyCode":"XYZ"}},
              {"services":[1],"price":{"value":0.1,"currencyCode":"EUR"}}]}]"#,
    );
    const UCENTS: (&str, &str) = (
        "inline: with and without priceInUcents",
        r#"[{"renewPeriod":"P1Y","strategies":[
              {"services":[1],"price":{"value":1.99,"currencyCode":"EUR"}},
              {"services":[1],"price":{"value":1.99,"currencyCode":"EUR"},"priceInUcents":198999999},
              {"services":[2],"price":{"value":1.99,"currencyCode":"EUR","priceInUcents":199000001}},
              {"services":[2],"price":{"value":1.99,"currencyCode":"EUR"}}]}]"#,
    );
    const P12M: (&str, &str) = (
        "inline: P12M offered",
        r#"[{"renewPeriod":"P1M","strategies":[{"services":[5],"price":{"value":10,"currencyCode":"EUR"}}]},
            {"renewPeriod":"P12M","strategies":[{"services":[5],"price":{"value":100,"currencyCode":"EUR"}}]}]"#,
    );
    const ODD_LISTS: (&str, &str) = (
        "inline: repeated and empty service lists",
        r#"[{"renewPeriod":"P1Y","strategies":[
              {"services":[7,7],"price":{"value":1,"currencyCode":"EUR"}},
              {"services":[],"price":{"value":0,"currencyCode":"EUR"}}]},
            {"renewPeriod":"P6M","strategies":[]}]"#,
    );
    const ZERO_MONTHS: (&str, &str) = (
        "inline: zero-month period",
        r#"[{"renewPeriod":"P0M","strategies":[
              {"services":[1],"price":{"value":0,"currencyCode":"EUR"}},
              {"services":[2],"price":{"value":0,"currencyCode":"EUR"}}]},
            {"renewPeriod":"P1M","strategies":[{"services":[1],"price":{"value":1,"currencyCode":"EUR"}}]}]"#,
    );

    #[test]
    fn selection_table() {
        let guide = fixture!("renew_descriptions_domain_guide");
        let domain = fixture!("renew_descriptions_domain");
        let options = fixture!("renew_descriptions_vps_include_options");
        let vps = fixture!("renew_descriptions_vps");
        let empty = fixture!("renew_descriptions_empty");
        const VPS: u64 = 118_977_335;
        const BACKUP: u64 = 118_977_336;
        let bundle = &[67890, 12345][..];
        let rows: Vec<((&str, &str), Call, Expect)> = vec![
            // The guide's domain with its hosting bundle, prices without currency or ucents.
            (
                guide,
                Call::Single("P1Y", 12345),
                Pick("P1Y", &[12345], 199_000_000),
            ),
            (
                guide,
                Call::Covering("P1Y", &[12345, 67890]),
                Pick("P1Y", bundle, 3_787_000_000),
            ),
            (
                guide,
                Call::Covering("P12M", &[67890]),
                Pick("P1Y", bundle, 3_787_000_000),
            ),
            (
                guide,
                Call::Covering("P1Y", &[12345]),
                Pick("P1Y", &[12345], 199_000_000),
            ),
            (
                guide,
                Call::Monthly(12345),
                Pick("P1Y", &[12345], 199_000_000),
            ),
            (
                guide,
                Call::Single("P1Y", 67890),
                no_single("P1Y", 67890, &[&[12345], bundle]),
            ),
            (
                guide,
                Call::Single("P3M", 12345),
                not_offered("P3M", &["P1Y"]),
            ),
            (
                guide,
                Call::Covering("P1Y", &[]),
                Fails(SelectionError::NothingToCover),
            ),
            (
                guide,
                Call::Covering("P1Y", &[12345, 11111]),
                no_covering("P1Y", &[12345, 11111], &[&[12345], bundle]),
            ),
            // The recorded domain, 1 and 2 years; P2Y costs exactly twice P1Y.
            (
                domain,
                Call::Single("P1Y", 29_162_449),
                Pick("P1Y", &[29_162_449], 299_000_000),
            ),
            (
                domain,
                Call::Single("P24M", 29_162_449),
                Pick("P2Y", &[29_162_449], 598_000_000),
            ),
            (
                domain,
                Call::Covering("P1Y", &[29_162_512]),
                Pick("P1Y", &[29_162_512, 29_162_449], 3_787_000_000),
            ),
            (
                domain,
                Call::Covering("P2Y", &[29_162_512]),
                no_covering("P2Y", &[29_162_512], &[&[29_162_449]]),
            ),
            (
                domain,
                Call::Monthly(29_162_449),
                Pick("P2Y", &[29_162_449], 598_000_000),
            ),
            (
                domain,
                Call::Single("P1Y", 99999),
                no_single("P1Y", 99999, &[&[29_162_449], &[29_162_512, 29_162_449]]),
            ),
            (
                domain,
                Call::Covering("P1Y", &[99999]),
                no_covering("P1Y", &[99999], &[&[29_162_449], &[29_162_512, 29_162_449]]),
            ),
            (
                domain,
                Call::Monthly(99999),
                Fails(SelectionError::NoSingleStrategyInAnyPeriod {
                    service: ServiceId(99999),
                    available: vec![ids(&[29_162_449]), ids(&[29_162_512, 29_162_449])],
                }),
            ),
            // A VPS with its backup option.
            (
                options,
                Call::Single("P1M", VPS),
                Pick("P1M", &[VPS], 3_450_000_000),
            ),
            (
                options,
                Call::Covering("P1M", &[VPS]),
                Pick("P1M", &[VPS], 3_450_000_000),
            ),
            (
                options,
                Call::Covering("P1M", &[BACKUP]),
                Pick("P1M", &[VPS, BACKUP], 4_250_000_000),
            ),
            (
                options,
                Call::Covering("P1M", &[BACKUP, VPS, BACKUP]),
                Pick("P1M", &[VPS, BACKUP], 4_250_000_000),
            ),
            (
                options,
                Call::Single("P1M", BACKUP),
                no_single("P1M", BACKUP, &[&[VPS], &[VPS, BACKUP]]),
            ),
            (
                options,
                Call::Monthly(BACKUP),
                Fails(SelectionError::NoSingleStrategyInAnyPeriod {
                    service: ServiceId(BACKUP),
                    available: vec![ids(&[VPS]), ids(&[VPS, BACKUP])],
                }),
            ),
            // A VPS offered for several periods, all at 34.50 a month.
            (
                vps,
                Call::Single("P3M", VPS),
                Pick("P3M", &[VPS], 10_350_000_000),
            ),
            (
                vps,
                Call::Single("P12M", VPS),
                Pick("P1Y", &[VPS], 41_400_000_000),
            ),
            (vps, Call::Monthly(VPS), Pick("P1Y", &[VPS], 41_400_000_000)),
            (
                vps,
                Call::Single("P2Y", VPS),
                not_offered("P2Y", &["P1M", "P3M", "P6M", "P1Y"]),
            ),
            // Nothing offered.
            (
                empty,
                Call::Single("P1Y", 1),
                Fails(SelectionError::NoChoices),
            ),
            (
                empty,
                Call::Covering("P1Y", &[1]),
                Fails(SelectionError::NoChoices),
            ),
            (
                empty,
                Call::Covering("P1Y", &[]),
                Fails(SelectionError::NothingToCover),
            ),
            (empty, Call::Monthly(1), Fails(SelectionError::NoChoices)),
            // Only a bundle is offered.
            (
                ONLY_BUNDLE,
                Call::Single("P1Y", 12345),
                no_single("P1Y", 12345, &[bundle]),
            ),
            (
                ONLY_BUNDLE,
                Call::Covering("P1Y", &[12345]),
                Pick("P1Y", bundle, 3_787_000_000),
            ),
            (
                ONLY_BUNDLE,
                Call::Monthly(12345),
                Fails(SelectionError::NoSingleStrategyInAnyPeriod {
                    service: ServiceId(12345),
                    available: vec![ids(bundle)],
                }),
            ),
            // Equal prices: fewer services, then lowest sorted ids, then input order.
            (
                EQUAL_PRICES,
                Call::Single("P1Y", 1),
                Pick("P12M", &[1], 100_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Covering("P1Y", &[1]),
                Pick("P12M", &[1], 100_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Covering("P1Y", &[1, 2]),
                Pick("P12M", &[2, 1], 100_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Covering("P1Y", &[1, 3]),
                Pick("P12M", &[1, 3], 100_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Covering("P1Y", &[3]),
                Pick("P1Y", &[3, 2], 50_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Covering("P3M", &[1]),
                Pick("P3M", &[2, 1], 100_000_000),
            ),
            (
                EQUAL_PRICES,
                Call::Monthly(1),
                Pick("P12M", &[1], 100_000_000),
            ),
            // Mixed currencies among the compared strategies; a lone candidate is fine.
            (MIXED, Call::Single("P1Y", 1), mixed(&["EUR", "USD"])),
            (MIXED, Call::Covering("P1Y", &[1]), mixed(&["EUR", "USD"])),
            (
                MIXED,
                Call::Covering("P1Y", &[2]),
                Pick("P1Y", &[1, 2], 900_000_000),
            ),
            (
                MIXED,
                Call::Single("P1M", 1),
                mixed(&["EUR", "unspecified"]),
            ),
            (
                MIXED,
                Call::Monthly(1),
                mixed(&["EUR", "USD", "unspecified"]),
            ),
            // An unknown currency compares with itself, not with EUR.
            (
                UNKNOWN_CURRENCY,
                Call::Single("P1Y", 1),
                Pick("P1Y", &[1], 200_000_000),
            ),
            (
                UNKNOWN_CURRENCY,
                Call::Covering("P1Y", &[2]),
                Pick("P1Y", &[1, 2], 400_000_000),
            ),
            (
                UNKNOWN_CURRENCY,
                Call::Single("P1M", 1),
                mixed(&["XYZ", "EUR"]),
            ),
            // Exact ucents, from priceInUcents when sent, from the decimal value otherwise.
            (
                UCENTS,
                Call::Single("P1Y", 1),
                Pick("P1Y", &[1], 198_999_999),
            ),
            (
                UCENTS,
                Call::Single("P1Y", 2),
                Pick("P1Y", &[2], 199_000_000),
            ),
            // P1Y asked, P12M offered: the offered text is kept.
            (
                P12M,
                Call::Single("P1Y", 5),
                Pick("P12M", &[5], 10_000_000_000),
            ),
            (
                P12M,
                Call::Covering("P1Y", &[5]),
                Pick("P12M", &[5], 10_000_000_000),
            ),
            (P12M, Call::Monthly(5), Pick("P12M", &[5], 10_000_000_000)),
            (P12M, Call::Single("P1Y", 6), no_single("P1Y", 6, &[&[5]])),
            // Repeated ids count once; an empty list covers nothing; a period without strategy.
            (
                ODD_LISTS,
                Call::Single("P1Y", 7),
                Pick("P1Y", &[7, 7], 100_000_000),
            ),
            (
                ODD_LISTS,
                Call::Covering("P1Y", &[7]),
                Pick("P1Y", &[7, 7], 100_000_000),
            ),
            (
                ODD_LISTS,
                Call::Single("P1Y", 8),
                no_single("P1Y", 8, &[&[7, 7], &[]]),
            ),
            (ODD_LISTS, Call::Single("P6M", 7), no_single("P6M", 7, &[])),
            (
                ODD_LISTS,
                Call::Single("P1M", 7),
                not_offered("P1M", &["P6M", "P1Y"]),
            ),
            // Zero-month periods are skipped by best_monthly only.
            (
                ZERO_MONTHS,
                Call::Monthly(1),
                Pick("P1M", &[1], 100_000_000),
            ),
            (ZERO_MONTHS, Call::Single("P0M", 2), Pick("P0M", &[2], 0)),
            (
                ZERO_MONTHS,
                Call::Monthly(2),
                Fails(SelectionError::NoSingleStrategyInAnyPeriod {
                    service: ServiceId(2),
                    available: vec![ids(&[1]), ids(&[2])],
                }),
            ),
        ];
        for ((name, json), call, expect) in rows {
            let choices = decode(json);
            let got = call.run(&choices);
            let context = format!("{name} / {call:?}: got {got:?}");
            match expect {
                Pick(period, services, ucents) => {
                    let selected = got.unwrap_or_else(|e| panic!("{context}: {e}"));
                    assert_eq!(selected.period.as_str(), period, "{context}");
                    assert_eq!(selected.strategy.services, ids(services), "{context}");
                    assert_eq!(selected.strategy.price.ucents(), ucents, "{context}");
                }
                Fails(error) => assert_eq!(got.err(), Some(error), "{context}"),
            }
        }
    }

    #[test]
    fn periods_table() {
        for ((name, json), expected) in [
            (
                fixture!("renew_descriptions_vps"),
                &["P1M", "P3M", "P6M", "P1Y"][..],
            ),
            (fixture!("renew_descriptions_domain"), &["P1Y", "P2Y"]),
            (fixture!("renew_descriptions_domain_guide"), &["P1Y"]),
            (fixture!("renew_descriptions_empty"), &[]),
            (EQUAL_PRICES, &["P3M", "P12M"]),
            (ODD_LISTS, &["P6M", "P1Y"]),
            (ZERO_MONTHS, &["P0M", "P1M"]),
        ] {
            let texts: Vec<String> = periods(&decode(json))
                .iter()
                .map(RenewPeriod::to_string)
                .collect();
            assert_eq!(texts, expected, "{name}");
        }
    }

    #[test]
    fn requests_echo_the_selection() {
        let choices = decode(P12M.1);
        let selected = select_single(&choices, &p("P1Y"), ServiceId(5)).unwrap();
        assert_eq!(
            serde_json::to_string(&selected.order()).unwrap(),
            r#"{"dryRun":false,"duration":"P12M","services":[5]}"#
        );
        assert_eq!(
            serde_json::to_string(&selected.dry_run()).unwrap(),
            r#"{"dryRun":true,"duration":"P12M","services":[5]}"#
        );
        let choices = decode(fixture!("renew_descriptions_domain_guide").1);
        let bundle = cheapest_covering(&choices, &p("P1Y"), &ids(&[12345, 67890])).unwrap();
        // The guide's own request body.
        let guide_request: RenewRequest =
            serde_json::from_str(fixture!("renew_request").1).unwrap();
        assert_eq!(bundle.order(), guide_request);
        assert_eq!(
            serde_json::to_string(&bundle.order()).unwrap(),
            r#"{"dryRun":false,"duration":"P1Y","services":[67890,12345]}"#
        );
        assert_eq!(
            serde_json::to_string(&bundle.dry_run()).unwrap(),
            r#"{"dryRun":true,"duration":"P1Y","services":[67890,12345]}"#
        );
        assert_eq!(bundle.order().validate(), Ok(()));
    }

    #[test]
    fn messages() {
        let choices = decode(fixture!("renew_descriptions_vps").1);
        let err = select_single(&choices, &p("P2Y"), ServiceId(1)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "P2Y is not offered for this service; offered: P1M, P3M, P6M, P1Y"
        );
        let guide = decode(fixture!("renew_descriptions_domain_guide").1);
        assert_eq!(
            select_single(&guide, &p("P1Y"), ServiceId(67890))
                .unwrap_err()
                .to_string(),
            "no P1Y strategy renews service 67890 on its own; \
             the P1Y strategies cover: [12345], [67890, 12345]"
        );
        assert_eq!(
            cheapest_covering(&guide, &p("P1Y"), &ids(&[12345, 1]))
                .unwrap_err()
                .to_string(),
            "no P1Y strategy covers services [12345, 1]; \
             the P1Y strategies cover: [12345], [67890, 12345]"
        );
        let odd = decode(ODD_LISTS.1);
        assert_eq!(
            select_single(&odd, &p("P6M"), ServiceId(7))
                .unwrap_err()
                .to_string(),
            "no P6M strategy renews service 7 on its own; the P6M strategies cover: none"
        );
        assert_eq!(
            select_single(&odd, &p("P1Y"), ServiceId(8))
                .unwrap_err()
                .to_string(),
            "no P1Y strategy renews service 8 on its own; the P1Y strategies cover: [7, 7], []"
        );
        assert_eq!(
            best_monthly(&decode(ONLY_BUNDLE.1), ServiceId(12345))
                .unwrap_err()
                .to_string(),
            "no renewal period of at least one month renews service 12345 on its own; \
             the strategies cover: [67890, 12345]"
        );
        assert_eq!(
            best_monthly(&decode(MIXED.1), ServiceId(1))
                .unwrap_err()
                .to_string(),
            "prices in different currencies cannot be compared: EUR, USD, unspecified"
        );
        assert_eq!(
            SelectionError::NoChoices.to_string(),
            "OVH offered nothing to renew for this service (the list of renewal choices is empty)"
        );
        assert_eq!(
            SelectionError::NothingToCover.to_string(),
            "no service to cover was given; name at least one service to renew"
        );
    }

    #[test]
    fn built_with_constructors() {
        let eur = |ucents| Price::from_ucents(ucents, CurrencyCode::Eur);
        let choices = vec![
            RenewDescription::new(p("P1Y"), vec![RenewStrategy::new(eur(1200), ids(&[1]))]),
            RenewDescription::new(p("P3M"), vec![RenewStrategy::new(eur(299), ids(&[1]))]),
        ];
        let best = best_monthly(&choices, ServiceId(1)).unwrap();
        assert_eq!(
            (best.period.as_str(), best.strategy.price.ucents()),
            ("P3M", 299)
        );
        // Exact per-month comparison near i64::MAX, where i64 products would overflow.
        let choices = vec![
            RenewDescription::new(
                p("P1M"),
                vec![RenewStrategy::new(eur(i64::MAX / 12), ids(&[1]))],
            ),
            RenewDescription::new(p("P1Y"), vec![RenewStrategy::new(eur(i64::MAX), ids(&[1]))]),
        ];
        assert_eq!(
            best_monthly(&choices, ServiceId(1))
                .unwrap()
                .period
                .as_str(),
            "P1M"
        );
    }

    // ---- Property tests ----

    const PERIODS: [&str; 6] = ["P0M", "P1M", "P3M", "P6M", "P1Y", "P12M"];
    /// Requested periods: the offered ones plus one never offered.
    const REQUESTS: [&str; 7] = ["P0M", "P1M", "P3M", "P6M", "P1Y", "P12M", "P2Y"];
    const POOL: [u64; 4] = [1, 2, 3, 4];

    fn arb_choices(
        currency: impl Strategy<Value = Option<CurrencyCode>> + Clone,
    ) -> impl Strategy<Value = Vec<RenewDescription>> {
        // Few distinct prices, so that ties (and their tie-breaks) are frequent; some
        // negative ones, and some near i64::MAX where i64 cross-products would overflow.
        let ucents = prop_oneof![
            8 => 0i64..4,
            1 => -3i64..0,
            1 => (i64::MAX - 3)..=i64::MAX,
        ];
        let strategy = (
            proptest::collection::vec(pick(&POOL[..]), 0..4),
            ucents,
            currency,
        )
            .prop_map(|(services, ucents, currency)| {
                let mut price = Price::from_ucents(ucents, CurrencyCode::Eur);
                price.currency_code = currency;
                RenewStrategy::new(price, ids(&services))
            });
        let description = (
            pick(&PERIODS[..]),
            proptest::collection::vec(strategy, 0..4),
        )
            .prop_map(|(period, strategies)| RenewDescription::new(p(period), strategies));
        proptest::collection::vec(description, 0..5)
    }

    fn one_currency() -> impl Strategy<Value = Vec<RenewDescription>> {
        pick(vec![
            None,
            Some(CurrencyCode::Eur),
            Some(CurrencyCode::from("XYZ")),
        ])
        .prop_flat_map(|currency| arb_choices(Just(currency)))
    }

    fn any_currencies() -> impl Strategy<Value = Vec<RenewDescription>> {
        arb_choices(pick(vec![
            None,
            Some(CurrencyCode::Eur),
            Some(CurrencyCode::Usd),
            Some(CurrencyCode::from("XYZ")),
        ]))
    }

    /// The specification of one call, restated by brute force.
    struct Spec<'a> {
        /// The candidates the rule may pick from (period, and for best_monthly ≥ 1 month).
        in_scope: Box<dyn Fn(&Selected<'_>) -> bool + 'a>,
        /// The rule itself.
        rule: Box<dyn Fn(&Selected<'_>) -> bool + 'a>,
        /// `Less` when the first is strictly preferred (price, then tie-breaks).
        prefer: fn(&Selected<'_>, &Selected<'_>) -> Ordering,
    }

    fn set(services: &[ServiceId]) -> Vec<ServiceId> {
        let mut set = services.to_vec();
        set.sort();
        set.dedup();
        set
    }

    fn prefer_cheap(a: &Selected<'_>, b: &Selected<'_>) -> Ordering {
        let key = |s: &Selected<'_>| {
            let ids = set(&s.strategy.services);
            (s.strategy.price.ucents(), ids.len(), ids)
        };
        key(a).cmp(&key(b))
    }

    fn prefer_monthly(a: &Selected<'_>, b: &Selected<'_>) -> Ordering {
        let (pa, pb) = (
            i128::from(a.strategy.price.ucents()),
            i128::from(b.strategy.price.ucents()),
        );
        let (ma, mb) = (
            i128::from(a.period.months().unwrap_or_default()),
            i128::from(b.period.months().unwrap_or_default()),
        );
        (pa * mb).cmp(&(pb * ma)).then(mb.cmp(&ma))
    }

    fn single_spec<'a>(period: &'a RenewPeriod, service: ServiceId) -> Spec<'a> {
        Spec {
            in_scope: Box::new(move |c| c.period == period),
            rule: Box::new(move |c| set(&c.strategy.services) == [service]),
            prefer: prefer_cheap,
        }
    }

    fn covering_spec<'a>(period: &'a RenewPeriod, services: &'a [ServiceId]) -> Spec<'a> {
        Spec {
            in_scope: Box::new(move |c| c.period == period),
            rule: Box::new(move |c| services.iter().all(|s| c.strategy.services.contains(s))),
            prefer: prefer_cheap,
        }
    }

    fn monthly_spec<'a>(service: ServiceId) -> Spec<'a> {
        Spec {
            in_scope: Box::new(|c| c.period.months().is_some_and(|m| m > 0)),
            rule: Box::new(move |c| set(&c.strategy.services) == [service]),
            prefer: prefer_monthly,
        }
    }

    /// Checks a helper's answer against `spec`; `mixed_ok` allows `MixedCurrencies`.
    fn check(
        choices: &[RenewDescription],
        requested: Option<&RenewPeriod>,
        spec: &Spec<'_>,
        got: Result<Selected<'_>, SelectionError>,
        mixed_ok: bool,
    ) -> Result<(), TestCaseError> {
        let candidates: Vec<Selected<'_>> = choices
            .iter()
            .flat_map(|d| {
                d.strategies.iter().map(move |strategy| Selected {
                    period: &d.renew_period,
                    strategy,
                })
            })
            .filter(|c| (spec.in_scope)(c) && (spec.rule)(c))
            .collect();
        let mut currencies: Vec<Option<&CurrencyCode>> = Vec::new();
        for c in &candidates {
            if !currencies.contains(&c.strategy.price.currency()) {
                currencies.push(c.strategy.price.currency());
            }
        }
        match got {
            Ok(selected) => {
                prop_assert!((spec.in_scope)(&selected) && (spec.rule)(&selected));
                // Never chosen by comparing across currencies.
                prop_assert_eq!(currencies.len(), 1, "{:?}", currencies);
                // The first candidate in input order that no other candidate beats.
                let expected = candidates.iter().find(|c| {
                    candidates
                        .iter()
                        .all(|o| (spec.prefer)(o, c) != Ordering::Less)
                });
                prop_assert!(expected.is_some());
                if let Some(expected) = expected {
                    prop_assert!(std::ptr::eq(expected.strategy, selected.strategy));
                    prop_assert!(std::ptr::eq(expected.period, selected.period));
                }
                for c in &candidates {
                    prop_assert_ne!((spec.prefer)(c, &selected), Ordering::Less);
                }
            }
            Err(SelectionError::NoChoices) => prop_assert!(choices.is_empty()),
            Err(SelectionError::PeriodNotOffered {
                requested: r,
                offered,
            }) => {
                prop_assert_eq!(Some(&r), requested);
                prop_assert!(choices.iter().all(|d| d.renew_period != r));
                prop_assert_eq!(offered, periods(choices));
            }
            Err(
                SelectionError::NoSingleStrategy { .. }
                | SelectionError::NoCoveringStrategy { .. }
                | SelectionError::NoSingleStrategyInAnyPeriod { .. },
            ) => {
                prop_assert!(!choices.is_empty());
                prop_assert!(candidates.is_empty());
            }
            Err(SelectionError::MixedCurrencies { currencies: named }) => {
                prop_assert!(mixed_ok);
                prop_assert!(currencies.len() > 1);
                prop_assert_eq!(named.len(), currencies.len());
            }
            Err(other) => prop_assert!(false, "unexpected {:?}", other),
        }
        Ok(())
    }

    fn check_all(
        choices: &[RenewDescription],
        covered: &[ServiceId],
        mixed_ok: bool,
    ) -> Result<(), TestCaseError> {
        for text in REQUESTS {
            let period = p(text);
            for service in ids(&POOL) {
                let got = select_single(choices, &period, service);
                check(
                    choices,
                    Some(&period),
                    &single_spec(&period, service),
                    got,
                    mixed_ok,
                )?;
            }
            let got = cheapest_covering(choices, &period, covered);
            if covered.is_empty() {
                prop_assert_eq!(got, Err(SelectionError::NothingToCover));
            } else {
                check(
                    choices,
                    Some(&period),
                    &covering_spec(&period, covered),
                    got,
                    mixed_ok,
                )?;
            }
        }
        for service in ids(&POOL) {
            let got = best_monthly(choices, service);
            check(choices, None, &monthly_spec(service), got, mixed_ok)?;
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1024))]

        #[test]
        fn one_currency_picks_follow_the_rules(
            choices in one_currency(),
            covered in proptest::collection::vec(pick(&POOL[..]), 0..3),
        ) {
            check_all(&choices, &ids(&covered), false)?;
        }

        #[test]
        fn mixed_currencies_are_never_compared(
            choices in any_currencies(),
            covered in proptest::collection::vec(pick(&POOL[..]), 0..3),
        ) {
            check_all(&choices, &ids(&covered), true)?;
        }

        #[test]
        fn periods_are_sorted_unique_and_complete(choices in any_currencies()) {
            let offered = periods(&choices);
            prop_assert!(offered.windows(2).all(|w| w[0] < w[1]));
            for d in &choices {
                let first_text = choices.iter().find(|o| o.renew_period == d.renew_period).map(|o| o.renew_period.as_str());
                let listed = offered.iter().find(|o| **o == d.renew_period).map(RenewPeriod::as_str);
                prop_assert_eq!(listed, first_text);
            }
            prop_assert!(offered.iter().all(|o| choices.iter().any(|d| d.renew_period == *o)));
        }
    }

    /// A period that is not whole months (`P30D`) is chosen by its exact text, and
    /// skipped by the month-based helper: it neither wins nor fails the others.
    #[test]
    fn other_durations_are_chosen_exactly_and_skipped_by_best_monthly() {
        let choices = decode(
            r#"[{"renewPeriod":"P30D","strategies":[{"price":{"value":0.01,"currencyCode":"EUR"},"services":[7]}]},
                {"renewPeriod":"P1Y","strategies":[{"price":{"value":12,"currencyCode":"EUR"},"services":[7]}]}]"#,
        );
        let days = select_single(&choices, &p("P30D"), ServiceId(7)).unwrap();
        assert_eq!(days.period.as_str(), "P30D");
        assert_eq!(days.dry_run().duration.as_str(), "P30D");
        // P30D is far cheaper per day, but it has no month count: the year wins.
        let monthly = best_monthly(&choices, ServiceId(7)).unwrap();
        assert_eq!(monthly.period.as_str(), "P1Y");
        assert_eq!(
            choices[0].renew_period.not_months(),
            Some("weeks and days are not whole months")
        );
        // Only odd periods: nothing to compare per month.
        assert!(matches!(
            best_monthly(&choices[..1], ServiceId(7)),
            Err(SelectionError::NoSingleStrategyInAnyPeriod { .. })
        ));
        assert_eq!(
            periods(&choices)
                .iter()
                .map(RenewPeriod::as_str)
                .collect::<Vec<_>>(),
            ["P1Y", "P30D"]
        );
    }
}
