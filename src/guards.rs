//! The guards before ordering: the states in which a service must not be priced and
//! ordered like any other, read from the `/services` view and the account's debt. Pure:
//! [`check`] takes what was read and says why not.
//!
//! | guard | from | can be overridden |
//! |---|---|---|
//! | [`Guard::DebtDue`] | `GET /me/debtAccount` has a due amount | yes ([`GuardOverrides::debt_due`]) |
//! | [`Guard::Unpaid`] | lifecycle state `unpaid` | no |
//! | [`Guard::AutorenewInProgress`] | pending action `autorenewInProgress` | **never** (not by `include_automatic` either) |
//! | [`Guard::DeletionScheduled`] | pending action `deleteAtExpiration` | yes ([`GuardOverrides::deletion_scheduled`]) |
//! | [`Guard::TerminationScheduled`] | pending `terminate`, `terminateAtExpirationDate`, `terminateAtEngagementDate` | yes ([`GuardOverrides::termination_scheduled`]) |
//! | [`Guard::Terminated`] | lifecycle `terminated`, or resource `deleted` | no |
//! | [`Guard::Suspended`] | resource `suspended`/`toSuspend`, or lifecycle `rupture` | no |
//!
//! **A debt blocks every renewal of the account**: OVH's control panel refuses renewals
//! while a debt is due (ovh/manager#20507), so [`workflow::renew`](crate::workflow::renew)
//! refuses each service and [`planner::plan`](crate::planner::plan) skips every service,
//! naming the amount, unless [`GuardOverrides::debt_due`] says to try anyway (OVH may
//! still refuse the order).
//!
//! ```
//! use ovh_renew::guards::{check, Guard, GuardOverrides};
//! use ovh_renew::models::{DebtBalance, ServiceView};
//!
//! let view: ServiceView = serde_json::from_str(r#"{"serviceId": 1, "billing": {
//!     "lifecycle": {"current": {"state": "active", "pendingActions": ["deleteAtExpiration"]}}}}"#)?;
//! let none = DebtBalance::none();
//! assert_eq!(check(&view, &none, &GuardOverrides::none()), Err(Guard::DeletionScheduled));
//! // The owner changed their mind: renew it anyway.
//! let anyway = GuardOverrides::none().deletion_scheduled(true);
//! assert_eq!(check(&view, &none, &anyway), Ok(()));
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::models::{
    Amount, DateOrTime, DebtBalance, LifecycleAction, LifecycleState, ServiceView,
    ViewResourceState,
};

/// Why a service must not be renewed now (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "guard", rename_all = "camelCase")]
#[non_exhaustive]
pub enum Guard {
    /// The account has a debt due (OVH blocks renewals until it is paid).
    #[error("the account has a debt due{}: OVH blocks renewals until it is paid", due_text(.due))]
    DebtDue {
        /// The amount due, when it can be read exactly.
        due: Option<Amount>,
    },
    /// The service is unpaid.
    #[error("the service is unpaid: pay what is due first")]
    Unpaid,
    /// OVH's automatic renewal of the service is already under way.
    #[error("its automatic renewal is already in progress: ordering now could renew it twice")]
    AutorenewInProgress,
    /// The owner scheduled the service for deletion at its expiration.
    #[error("its owner scheduled it for deletion at expiration")]
    DeletionScheduled,
    /// The service's termination is scheduled.
    #[error("its termination is scheduled{}", date_text(.on))]
    TerminationScheduled {
        /// The termination date, when OVH sends one.
        on: Option<DateOrTime>,
    },
    /// The service is terminated.
    #[error("the service is terminated")]
    Terminated,
    /// The service is suspended.
    #[error("the service is suspended")]
    Suspended,
}

fn due_text(due: &Option<Amount>) -> String {
    due.as_ref().map(|a| format!(" ({a})")).unwrap_or_default()
}

fn date_text(on: &Option<DateOrTime>) -> String {
    on.map(|d| format!(" on {}", d.date())).unwrap_or_default()
}

impl Guard {
    /// Whether [`GuardOverrides`] can let the service through this guard.
    pub fn can_be_overridden(&self) -> bool {
        matches!(
            self,
            Guard::DebtDue { .. } | Guard::DeletionScheduled | Guard::TerminationScheduled { .. }
        )
    }
}

/// The guards a caller explicitly lets through. Default: none. The
/// automatic-renewal-in-progress, unpaid, terminated and suspended guards cannot be
/// overridden.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GuardOverrides {
    /// Renew although the account has a debt due (OVH may refuse the order).
    #[serde(default)]
    pub debt_due: bool,
    /// Renew a service scheduled for deletion at expiration (the owner changed their
    /// mind).
    #[serde(default)]
    pub deletion_scheduled: bool,
    /// Renew a service whose termination is scheduled.
    #[serde(default)]
    pub termination_scheduled: bool,
}

impl GuardOverrides {
    /// Nothing overridden.
    pub fn none() -> Self {
        Self::default()
    }

    /// Sets [`debt_due`](Self::debt_due).
    pub fn debt_due(mut self, yes: bool) -> Self {
        self.debt_due = yes;
        self
    }

    /// Sets [`deletion_scheduled`](Self::deletion_scheduled).
    pub fn deletion_scheduled(mut self, yes: bool) -> Self {
        self.deletion_scheduled = yes;
        self
    }

    /// Sets [`termination_scheduled`](Self::termination_scheduled).
    pub fn termination_scheduled(mut self, yes: bool) -> Self {
        self.termination_scheduled = yes;
        self
    }
}

/// The account-level guard alone: the debt, unless overridden.
pub fn check_debt(debt: &DebtBalance, overrides: &GuardOverrides) -> Result<(), Guard> {
    if debt.has_due() && !overrides.debt_due {
        return Err(Guard::DebtDue {
            due: debt.due().and_then(Result::ok),
        });
    }
    Ok(())
}

/// The service-level guards alone, in the order of the [module table](self): the first
/// that holds and is not overridden.
pub fn check_service(view: &ServiceView, overrides: &GuardOverrides) -> Result<(), Guard> {
    let state = view.lifecycle_state();
    let resource = view.resource.state.as_ref();
    if state == Some(&LifecycleState::Terminated) || resource == Some(&ViewResourceState::Deleted) {
        return Err(Guard::Terminated);
    }
    if state == Some(&LifecycleState::Rupture)
        || matches!(
            resource,
            Some(ViewResourceState::Suspended | ViewResourceState::ToSuspend)
        )
    {
        return Err(Guard::Suspended);
    }
    if state == Some(&LifecycleState::Unpaid) {
        return Err(Guard::Unpaid);
    }
    if view.has_pending(&LifecycleAction::AutorenewInProgress) {
        return Err(Guard::AutorenewInProgress);
    }
    if view.has_pending(&LifecycleAction::DeleteAtExpiration) && !overrides.deletion_scheduled {
        return Err(Guard::DeletionScheduled);
    }
    let terminating = view.pending_actions().iter().any(|a| {
        matches!(
            a,
            LifecycleAction::Terminate
                | LifecycleAction::TerminateAtExpirationDate
                | LifecycleAction::TerminateAtEngagementDate
        )
    });
    if terminating && !overrides.termination_scheduled {
        return Err(Guard::TerminationScheduled {
            on: view
                .billing
                .lifecycle
                .as_ref()
                .and_then(|l| l.current.termination_date),
        });
    }
    Ok(())
}

/// Every guard: the account's debt first, then the service's state.
pub fn check(
    view: &ServiceView,
    debt: &DebtBalance,
    overrides: &GuardOverrides,
) -> Result<(), Guard> {
    check_debt(debt, overrides)?;
    check_service(view, overrides)
}

impl fmt::Display for GuardOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = [
            (self.debt_due, "debt due"),
            (self.deletion_scheduled, "deletion scheduled"),
            (self.termination_scheduled, "termination scheduled"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        if names.is_empty() {
            f.write_str("none")
        } else {
            f.write_str(&names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{CurrencyCode, Price, ServiceId};

    fn view(json: &str) -> ServiceView {
        serde_json::from_str(&format!(r#"{{"serviceId":1,{json}}}"#)).unwrap()
    }

    fn lifecycle(state: &str, pending: &str) -> ServiceView {
        view(&format!(
            r#""billing":{{"lifecycle":{{"current":{{"state":"{state}","pendingActions":[{pending}],"terminationDate":"2026-03-01T00:00:00+01:00"}}}}}}"#
        ))
    }

    #[test]
    fn the_guard_table() {
        let all = GuardOverrides::none()
            .debt_due(true)
            .deletion_scheduled(true)
            .termination_scheduled(true);
        let on = DateOrTime::parse("2026-03-01T00:00:00+01:00");
        for (service, guard, overridable) in [
            (lifecycle("active", ""), None, true),
            (lifecycle("toRenew", ""), None, true),
            (lifecycle("unpaid", ""), Some(Guard::Unpaid), false),
            (lifecycle("terminated", ""), Some(Guard::Terminated), false),
            (lifecycle("rupture", ""), Some(Guard::Suspended), false),
            (
                lifecycle("active", r#""autorenewInProgress""#),
                Some(Guard::AutorenewInProgress),
                false,
            ),
            (
                lifecycle("active", r#""deleteAtExpiration""#),
                Some(Guard::DeletionScheduled),
                true,
            ),
            (
                lifecycle("active", r#""terminateAtExpirationDate""#),
                Some(Guard::TerminationScheduled { on }),
                true,
            ),
            (lifecycle("active", r#""earlyRenewal""#), None, true),
            (
                view(r#""resource":{"state":"suspended"}"#),
                Some(Guard::Suspended),
                false,
            ),
            (
                view(r#""resource":{"state":"deleted"}"#),
                Some(Guard::Terminated),
                false,
            ),
            // Autorenew in progress wins over a scheduled deletion, and stays.
            (
                lifecycle("active", r#""deleteAtExpiration","autorenewInProgress""#),
                Some(Guard::AutorenewInProgress),
                false,
            ),
            (ServiceView::new(ServiceId(2)), None, true),
        ] {
            let none = check_service(&service, &GuardOverrides::none());
            assert_eq!(none.clone().err(), guard, "{service:?}");
            let overridden = check_service(&service, &all);
            assert_eq!(overridden.is_ok(), overridable, "{service:?}");
            if let Some(g) = &guard {
                assert_eq!(g.can_be_overridden(), overridable);
            }
        }
    }

    #[test]
    fn a_due_debt_names_its_amount_and_can_be_overridden() {
        let debt = DebtBalance::due_now(Price::from_ucents(1_200_000_000, CurrencyCode::Eur));
        let err = check(&lifecycle("active", ""), &debt, &GuardOverrides::none()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the account has a debt due (12.00 EUR): OVH blocks renewals until it is paid"
        );
        assert_eq!(
            check(
                &lifecycle("active", ""),
                &debt,
                &GuardOverrides::none().debt_due(true)
            ),
            Ok(())
        );
        // Debt first, then the service.
        assert_eq!(
            check(
                &lifecycle("unpaid", ""),
                &debt,
                &GuardOverrides::none().debt_due(true)
            ),
            Err(Guard::Unpaid)
        );
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"guard":"debtDue","due":{"ucents":1_200_000_000,"currency":"EUR"}})
        );
        assert_eq!(
            Guard::TerminationScheduled {
                on: DateOrTime::parse("2026-03-01")
            }
            .to_string(),
            "its termination is scheduled on 2026-03-01"
        );
    }
}
