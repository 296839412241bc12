//! Where an order stands in its delivery: [`FollowUp`] (`billing.order.FollowUp`, the
//! elements of `GET /me/order/{orderId}/followUp`, BETA).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::serde_helpers::{null_default, nullable_list, opt_datetime};

open_enum! {
    /// A step of an order's delivery (`billing.order.followUp.StepEnum`).
    pub enum FollowUpStep {
        /// The ordered service is available.
        Available = "AVAILABLE",
        /// The order is being delivered.
        Delivering = "DELIVERING",
        /// The order was validated (paid and checked).
        Validated = "VALIDATED",
        /// The order is being validated (payment, fraud checks).
        Validating = "VALIDATING",
    }
}

open_enum! {
    /// The state of a [`FollowUpStep`] (`billing.order.followUp.StatusEnum`).
    pub enum FollowUpStatus {
        /// In progress.
        Doing = "DOING",
        /// Done.
        Done = "DONE",
        /// Failed.
        Error = "ERROR",
        /// Not started.
        Todo = "TODO",
    }
}

open_enum! {
    /// What happened in a step (`billing.order.followUp.HistoryStatusEnum`).
    pub enum FollowUpLabel {
        /// Delivery.
        Delivery = "DELIVERY",
        /// Fraud check.
        FraudCheck = "FRAUD_CHECK",
        /// Documents requested by the fraud check.
        FraudDocsRequested = "FRAUD_DOCS_REQUESTED",
        /// Manual fraud review.
        FraudManualReview = "FRAUD_MANUAL_REVIEW",
        /// Refused by the fraud check.
        FraudRefused = "FRAUD_REFUSED",
        /// The invoice is being made.
        InvoiceInProgress = "INVOICE_IN_PROGRESS",
        /// The invoice was sent.
        InvoiceSent = "INVOICE_SENT",
        /// The order was accepted.
        OrderAccepted = "ORDER_ACCEPTED",
        /// The order was started.
        OrderStarted = "ORDER_STARTED",
        /// The payment was confirmed.
        PaymentConfirmed = "PAYMENT_CONFIRMED",
        /// The payment was initiated.
        PaymentInitiated = "PAYMENT_INITIATED",
        /// The payment was received.
        PaymentReceived = "PAYMENT_RECEIVED",
        /// A payment with a registered mean was initiated.
        RegisteredPaymentInitiated = "REGISTERED_PAYMENT_INITIATED",
    }
}

/// One step of an order's delivery, with what happened in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FollowUp {
    /// The step.
    pub step: FollowUpStep,
    /// Its state.
    pub status: FollowUpStatus,
    /// What happened, oldest first as OVH sends it.
    #[serde(default, deserialize_with = "nullable_list")]
    pub history: Vec<FollowUpEvent>,
}

impl FollowUp {
    /// A step in a state, with no history.
    pub fn new(step: FollowUpStep, status: FollowUpStatus) -> Self {
        Self {
            step,
            status,
            history: Vec::new(),
        }
    }
}

/// An event of a [`FollowUp`] step (`billing.order.followUp.History`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct FollowUpEvent {
    /// When (`null`, missing and `""` decode as `None`).
    #[serde(default, with = "opt_datetime")]
    pub date: Option<DateTime<FixedOffset>>,
    /// What.
    pub label: FollowUpLabel,
    /// OVH's text.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
}

impl FollowUpEvent {
    /// An event at `date`.
    pub fn new(
        date: DateTime<FixedOffset>,
        label: FollowUpLabel,
        description: impl Into<String>,
    ) -> Self {
        Self {
            date: Some(date),
            label,
            description: description.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::test_support::{decode, fixture, roundtrip};

    #[test]
    fn follow_up_decodes_steps_and_history() {
        let steps: Vec<FollowUp> = decode(fixture!("me_order_follow_up"));
        assert_eq!(steps.len(), 4);
        assert_eq!(steps[0].step, FollowUpStep::Validating);
        assert_eq!(steps[0].status, FollowUpStatus::Done);
        assert_eq!(steps[0].history[0].label, FollowUpLabel::PaymentReceived);
        assert!(steps[0].history[0].date.is_some());
        assert_eq!(steps[3].status, FollowUpStatus::Todo);
        roundtrip(&steps);
        let odd: FollowUp = decode(
            r#"{"step":"SHIPPING_V2030","status":"PAUSED","history":[{"date":null,"label":"NEW_LABEL","description":null}]}"#,
        );
        assert_eq!(odd.step, FollowUpStep::Other("SHIPPING_V2030".into()));
        assert_eq!(odd.history[0].date, None);
        assert_eq!(odd.history[0].description, "");
        let no_history: FollowUp = decode(r#"{"step":"AVAILABLE","status":"TODO","history":null}"#);
        assert!(no_history.history.is_empty());
    }
}
