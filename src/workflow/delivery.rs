//! Following a paid order to delivery ([`RenewOptions::wait_for_delivery`]) and reading
//! its invoice.
//!
//! [`RenewOptions::wait_for_delivery`]: super::RenewOptions::wait_for_delivery

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::ServiceRenewApi;
use crate::models::{Bill, FollowUp, OrderId, OrderStatus};

/// How [`renew`](super::renew) waits for delivery after paying: until `delivered`,
/// `cancelled` or `timeout`, reading the status after `first_delay`, then after delays
/// that double up to `max_delay`. Only `GET`s are sent while waiting: nothing is ever
/// resent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeliveryWait {
    /// How long to wait at most (from the first read after paying).
    pub timeout: Duration,
    /// The delay before the second read (the first is right after paying).
    pub first_delay: Duration,
    /// The longest delay between two reads.
    pub max_delay: Duration,
}

impl DeliveryWait {
    /// Waits up to `timeout`: reads after 2 s, 4 s, 8 s, … at most 60 s apart (OVH can
    /// take minutes: users report 8 minutes to pay and 23 to deliver).
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
        }
    }

    /// Sets the delays between reads.
    pub fn backoff(mut self, first_delay: Duration, max_delay: Duration) -> Self {
        self.first_delay = first_delay;
        self.max_delay = max_delay.max(first_delay);
        self
    }

    /// The delay before read `n + 1` (`n` counts from 1): `first_delay · 2ⁿ⁻¹`, at most
    /// `max_delay`.
    pub fn delay(&self, n: u32) -> Duration {
        let factor = 1u32.checked_shl(n.saturating_sub(1)).unwrap_or(u32::MAX);
        self.first_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }
}

/// Why the wait for delivery ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DeliveryEnd {
    /// The order was delivered.
    Delivered,
    /// The order was cancelled.
    Cancelled,
    /// The timeout passed first: the order is paid and may still be delivered.
    TimedOut,
    /// Reading the status failed (the error's text, without secrets): the order is paid;
    /// read its status again later.
    StatusUnreadable(String),
}

/// Where the order stood when the wait ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Delivery {
    /// The last status read.
    pub status: OrderStatus,
    /// The last follow-up read (`GET /me/order/{orderId}/followUp`, BETA; empty when it
    /// could not be read).
    pub follow_up: Vec<FollowUp>,
    /// How many times the status was read.
    pub polls: u32,
    /// Why the wait ended.
    pub end: DeliveryEnd,
}

/// Reads the status (and follow-up) of `order_id` until delivered, cancelled or the
/// timeout. `status` is the status read right after paying.
pub(crate) async fn wait<A: ServiceRenewApi + ?Sized>(
    api: &A,
    order_id: OrderId,
    mut status: OrderStatus,
    wait: &DeliveryWait,
) -> Delivery {
    let started = tokio::time::Instant::now();
    let deadline = started.checked_add(wait.timeout);
    let mut polls = 1;
    let mut follow_up = api.order_follow_up(order_id).await.unwrap_or_default();
    loop {
        match status {
            OrderStatus::Delivered => {
                return done(status, follow_up, polls, DeliveryEnd::Delivered);
            }
            OrderStatus::Cancelled => {
                return done(status, follow_up, polls, DeliveryEnd::Cancelled);
            }
            _ => {}
        }
        let delay = wait.delay(polls);
        let now = tokio::time::Instant::now();
        if deadline.is_some_and(|d| now + delay > d) {
            return done(status, follow_up, polls, DeliveryEnd::TimedOut);
        }
        tokio::time::sleep(delay).await;
        polls += 1;
        status = match api.order_status(order_id).await {
            Ok(s) => s,
            Err(e) => {
                let end = DeliveryEnd::StatusUnreadable(e.to_string());
                return done(status, follow_up, polls, end);
            }
        };
        if let Ok(steps) = api.order_follow_up(order_id).await {
            follow_up = steps;
        }
    }
}

fn done(status: OrderStatus, follow_up: Vec<FollowUp>, polls: u32, end: DeliveryEnd) -> Delivery {
    Delivery {
        status,
        follow_up,
        polls,
        end,
    }
}

/// The first invoice of `order_id` (`GET /me/bill?orderId=`, then `GET /me/bill/{id}`),
/// or why it could not be read (text without secrets).
pub(crate) async fn bill<A: ServiceRenewApi + ?Sized>(
    api: &A,
    order_id: OrderId,
) -> Result<Option<Bill>, String> {
    let ids = api
        .bills_for_order(order_id)
        .await
        .map_err(|e| e.to_string())?;
    match ids.first() {
        None => Ok(None),
        Some(id) => api.bill(id).await.map(Some).map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_never_overflow() {
        let wait = DeliveryWait::new(Duration::from_secs(600));
        let delays: Vec<u64> = (1..=8).map(|n| wait.delay(n).as_secs()).collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(wait.delay(0), Duration::from_secs(2));
        assert_eq!(wait.delay(u32::MAX), Duration::from_secs(60));
        let tiny = wait.backoff(Duration::from_millis(1), Duration::from_millis(5));
        let delays: Vec<u128> = (1..=5).map(|n| tiny.delay(n).as_millis()).collect();
        assert_eq!(delays, [1, 2, 4, 5, 5]);
        let inverted =
            DeliveryWait::new(Duration::ZERO).backoff(Duration::from_secs(9), Duration::ZERO);
        assert_eq!(
            inverted.delay(3),
            Duration::from_secs(9),
            "max is at least first"
        );
    }
}
