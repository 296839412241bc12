//! [`RenewalUpdate`]: the body of `PUT /services/{serviceId}` (`services.update.Service`,
//! renewal part), and [`RenewalUpdate::check`], the local check against what the service
//! can take.

use std::fmt;

use serde::{Serialize, Serializer};

use super::RenewPeriod;
use super::service_view::{LifecycleAction, RenewalMode, ServiceView, TerminationPolicy};

/// A change of a service's renewal settings: `PUT /services/{serviceId}` with
/// `{renew: {mode, period}, terminationPolicy}`, only the fields given.
///
/// ```
/// use ovh_renew::models::{RenewalMode, RenewalUpdate};
///
/// let update = RenewalUpdate::default().mode(RenewalMode::Manual);
/// assert_eq!(serde_json::to_string(&update)?, r#"{"renew":{"mode":"manual"}}"#);
/// let yearly = RenewalUpdate::default().mode(RenewalMode::Automatic).period("P1Y".parse()?);
/// assert_eq!(serde_json::to_string(&yearly)?, r#"{"renew":{"mode":"automatic","period":"P1Y"}}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RenewalUpdate {
    /// The renewal mode to switch to (`renew.mode`).
    pub mode: Option<RenewalMode>,
    /// The automatic-renewal period to switch to (`renew.period`), sent exactly as given.
    pub period: Option<RenewPeriod>,
    /// The termination policy to set (`terminationPolicy`).
    pub termination_policy: Option<TerminationPolicy>,
}

impl RenewalUpdate {
    /// Switch the renewal mode (start from `RenewalUpdate::default()`).
    pub fn mode(mut self, mode: RenewalMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Switch the automatic-renewal period (sent exactly as given).
    pub fn period(mut self, period: RenewPeriod) -> Self {
        self.period = Some(period);
        self
    }

    /// Set the termination policy.
    pub fn termination_policy(mut self, policy: TerminationPolicy) -> Self {
        self.termination_policy = Some(policy);
        self
    }

    /// Whether the update changes nothing (no field given): such an update is refused
    /// before sending.
    pub fn is_empty(&self) -> bool {
        self.mode.is_none() && self.period.is_none() && self.termination_policy.is_none()
    }

    /// Whether `service` can take this update, checked locally before sending: the mode
    /// must be one of its `renew.capacities.mode`, the period one of `periods` (the
    /// answer of `renew_period_capacities`, compared as periods: `P1Y` is `P12M`), and a
    /// termination policy other than `empty` one of its lifecycle capacities
    /// (`terminateAtExpirationDate`, `terminateAtEngagementDate`). The refusal names what
    /// the service can take.
    ///
    /// ```
    /// use ovh_renew::models::{RenewalMode, RenewalUpdate, ServiceView};
    ///
    /// let view: ServiceView = serde_json::from_str(r#"{"serviceId": 1, "billing": {
    ///     "renew": {"current": {"mode": "manual"}, "capacities": {"mode": ["manual"]}}}}"#)?;
    /// let periods = ["P1M".parse()?, "P1Y".parse()?];
    /// let refused = RenewalUpdate::default().mode(RenewalMode::Automatic).check(&view, &periods).unwrap_err();
    /// assert_eq!(refused.to_string(), "service 1 cannot take renewal mode automatic: it can take manual");
    /// assert!(RenewalUpdate::default().period("P12M".parse()?).check(&view, &periods).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check(
        &self,
        service: &ServiceView,
        periods: &[RenewPeriod],
    ) -> Result<(), RenewalRefusal> {
        let refuse = |what: RefusedChange| RenewalRefusal {
            service: service.service_id.0,
            what,
        };
        if self.is_empty() {
            return Err(refuse(RefusedChange::Nothing));
        }
        if let Some(mode) = &self.mode {
            let accepted = service.renewal_capacities();
            if !accepted.contains(mode) {
                return Err(refuse(RefusedChange::Mode {
                    asked: mode.clone(),
                    accepted: accepted.to_vec(),
                }));
            }
        }
        if let Some(period) = &self.period {
            if !periods.contains(period) {
                return Err(refuse(RefusedChange::Period {
                    asked: period.clone(),
                    accepted: periods.to_vec(),
                }));
            }
        }
        if let Some(policy) = &self.termination_policy {
            let needs = match policy {
                TerminationPolicy::Empty => None,
                TerminationPolicy::TerminateAtEngagementDate => {
                    Some(LifecycleAction::TerminateAtEngagementDate)
                }
                TerminationPolicy::TerminateAtExpirationDate => {
                    Some(LifecycleAction::TerminateAtExpirationDate)
                }
                // A policy this crate does not know: OVH decides.
                TerminationPolicy::Other(_) => None,
            };
            let actions = service
                .billing
                .lifecycle
                .as_ref()
                .map_or(&[][..], |l| l.capacities.actions.as_slice());
            if let Some(needs) = needs {
                if !actions.contains(&needs) {
                    return Err(refuse(RefusedChange::TerminationPolicy {
                        asked: policy.clone(),
                        accepted: actions
                            .iter()
                            .filter_map(|a| match a {
                                LifecycleAction::TerminateAtEngagementDate => {
                                    Some(TerminationPolicy::TerminateAtEngagementDate)
                                }
                                LifecycleAction::TerminateAtExpirationDate => {
                                    Some(TerminationPolicy::TerminateAtExpirationDate)
                                }
                                _ => None,
                            })
                            .chain([TerminationPolicy::Empty])
                            .collect(),
                    }));
                }
            }
        }
        Ok(())
    }
}

/// What a [`RenewalRefusal`] refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RefusedChange {
    /// The update changes nothing.
    Nothing,
    /// A mode the service cannot take.
    Mode {
        /// The mode asked for.
        asked: RenewalMode,
        /// The modes it can take (`renew.capacities.mode`).
        accepted: Vec<RenewalMode>,
    },
    /// A period the service cannot renew for.
    Period {
        /// The period asked for.
        asked: RenewPeriod,
        /// The periods it can take (`renewPeriodCapacities`).
        accepted: Vec<RenewPeriod>,
    },
    /// A termination policy the service does not offer.
    TerminationPolicy {
        /// The policy asked for.
        asked: TerminationPolicy,
        /// The policies it can take.
        accepted: Vec<TerminationPolicy>,
    },
}

/// Why [`RenewalUpdate::check`] refused an update: nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("service {service} {what}")]
#[non_exhaustive]
pub struct RenewalRefusal {
    /// The service (its id).
    pub service: u64,
    /// What was refused, and what the service can take.
    pub what: RefusedChange,
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    if items.is_empty() {
        return "nothing".into();
    }
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for RefusedChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefusedChange::Nothing => f.write_str("was given an update that changes nothing"),
            RefusedChange::Mode { asked, accepted } => write!(
                f,
                "cannot take renewal mode {asked}: it can take {}",
                list(accepted)
            ),
            RefusedChange::Period { asked, accepted } => write!(
                f,
                "cannot renew for {asked}: it can take {}",
                list(accepted)
            ),
            RefusedChange::TerminationPolicy { asked, accepted } => write!(
                f,
                "cannot take termination policy {asked}: it can take {}",
                list(accepted)
            ),
        }
    }
}

#[derive(Serialize)]
struct RenewPart<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<&'a RenewalMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period: Option<&'a RenewPeriod>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Wire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    renew: Option<RenewPart<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    termination_policy: Option<&'a TerminationPolicy>,
}

impl Serialize for RenewalUpdate {
    /// `{renew?: {mode?, period?}, terminationPolicy?}`: only the fields given.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let renew = (self.mode.is_some() || self.period.is_some()).then_some(RenewPart {
            mode: self.mode.as_ref(),
            period: self.period.as_ref(),
        });
        Wire {
            renew,
            termination_policy: self.termination_policy.as_ref(),
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture};

    fn p(text: &str) -> RenewPeriod {
        text.parse().unwrap()
    }

    fn json(update: &RenewalUpdate) -> String {
        serde_json::to_string(update).unwrap()
    }

    #[test]
    fn only_the_fields_given_are_sent() {
        assert_eq!(
            json(&RenewalUpdate::default().period(p("P12M"))),
            r#"{"renew":{"period":"P12M"}}"#
        );
        assert_eq!(
            json(&RenewalUpdate::default().termination_policy(TerminationPolicy::Empty)),
            r#"{"terminationPolicy":"empty"}"#
        );
        assert_eq!(
            json(
                &RenewalUpdate::default()
                    .mode(RenewalMode::Manual)
                    .termination_policy(TerminationPolicy::TerminateAtExpirationDate)
            ),
            r#"{"renew":{"mode":"manual"},"terminationPolicy":"terminateAtExpirationDate"}"#
        );
        assert_eq!(json(&RenewalUpdate::default()), "{}");
    }

    #[test]
    fn check_table() {
        let vps: ServiceView = decode(fixture!("services_get_vps"));
        let periods: Vec<RenewPeriod> = decode(fixture!("services_renew_period_capacities"));
        let ok = |u: RenewalUpdate| u.check(&vps, &periods);
        assert_eq!(
            ok(RenewalUpdate::default().mode(RenewalMode::Manual)),
            Ok(())
        );
        assert_eq!(
            ok(RenewalUpdate::default().period(p("P1Y"))),
            Ok(()),
            "P1Y is P12M"
        );
        assert_eq!(
            ok(RenewalUpdate::default()
                .termination_policy(TerminationPolicy::TerminateAtExpirationDate)),
            Ok(())
        );
        for (update, text) in [
            (
                RenewalUpdate::default(),
                "service 118977335 was given an update that changes nothing",
            ),
            (
                RenewalUpdate::default().period(p("P2Y")),
                "service 118977335 cannot renew for P2Y: it can take P1M, P3M, P6M, P12M",
            ),
            (
                RenewalUpdate::default().mode(RenewalMode::from("automaticV2099")),
                "service 118977335 cannot take renewal mode automaticV2099: it can take automatic, manual",
            ),
            (
                RenewalUpdate::default()
                    .termination_policy(TerminationPolicy::TerminateAtEngagementDate),
                "service 118977335 cannot take termination policy terminateAtEngagementDate: it can take terminateAtExpirationDate, empty",
            ),
        ] {
            assert_eq!(ok(update).unwrap_err().to_string(), text);
        }
        // A service with no capacities takes nothing.
        let bare = ServiceView::new(crate::models::ServiceId(5));
        let err = RenewalUpdate::default()
            .mode(RenewalMode::Manual)
            .check(&bare, &[])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "service 5 cannot take renewal mode manual: it can take nothing"
        );
    }
}
