//! What the request pipeline tells `tracing` (feature `tracing`), and nothing at all
//! without the feature: the same calls compile to empty inline functions on zero-sized
//! types, so the pipeline has no `cfg` of its own and no cost when the feature is off.
//!
//! What is recorded: the method, the route template (`/service/{serviceId}/renew`, never
//! the URL), the service id, order id or service name the path carries, the status, OVH's
//! query id, the attempt number and durations. What is never recorded: credentials,
//! signatures, tokens, bodies (so no order password or URL), query strings.
//!
//! Span `ovh_request` (INFO, target `ovh_renew`), one per request, with the fields
//! `method`, `path`, `service_id` / `order_id` / `service_name` (those the route has),
//! and, once done, `attempts`, `duration_ms`, and `status` and `query_id` (or `error`, a
//! fixed label such as `timed out`, when no answer came). Inside it:
//!
//! * `DEBUG` `"response"` for each answer: `attempt`, `status`, `query_id`, `elapsed_ms`;
//! * `DEBUG` `"transport error"` for each attempt that got no answer: `attempt`, `kind`;
//! * `INFO` `"retrying"`: `attempt` (the one that failed), `status` or `kind`, `delay_ms`;
//! * `INFO` `"clock resync"` after `QUERY_TIME_OUT`: `attempt` (its own `GET /auth/time`
//!   request is a child span);
//! * `INFO` `"oauth2 token refused"` on a 401 with an OAuth2 token, before fetching another;
//! * `DEBUG` `"oauth2 token fetched"`: `expires_in` (never the token).

use std::future::Future;

use crate::answer::Answer;
use crate::error::Error;
use crate::path::ApiPath;

#[cfg(feature = "tracing")]
pub(crate) use on::*;

#[cfg(not(feature = "tracing"))]
pub(crate) use off::*;

/// Why an attempt is retried.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) enum RetryCause<'a> {
    /// An answer with a retryable status.
    Status(u16),
    /// No answer (connect error, timeout, broken connection).
    Transport(&'a reqwest::Error),
}

#[cfg(feature = "tracing")]
mod on {
    use std::time::{Duration, Instant};

    use tracing::field::Empty;
    use tracing::instrument::Instrumented;
    use tracing::{Instrument, Span};

    use super::{Answer, ApiPath, Error, Future, RetryCause};
    use crate::error::TransportKind;

    /// The span fields of one request: its route template and the ids it is about. Built
    /// by [`Call::trace_fields`](crate::ops::Call::trace_fields) for the operation
    /// table's calls, and from the path's parameters for other requests
    /// ([`TraceFields::from_path`]). Empty without the feature.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) struct TraceFields {
        /// The route template, e.g. `/service/{serviceId}/renew`.
        pub(crate) route: String,
        /// `service_id`, `order_id`, `service_name`: those the request is about.
        pub(crate) ids: Vec<(&'static str, TraceValue)>,
    }

    /// The value of an id field: a number when it is one.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(crate) enum TraceValue {
        /// A numeric id (service id, order id).
        Id(u64),
        /// Any other value (a service name as it travels, percent-encoded).
        Text(String),
    }

    impl TraceFields {
        /// The route of `path`, without ids.
        pub(crate) fn route(path: &ApiPath) -> TraceFields {
            TraceFields {
                route: path.route().to_owned(),
                ids: Vec::new(),
            }
        }

        /// The fields a path carries: its route, and its `serviceId`, `orderId`,
        /// `serviceName`, `orderDetailId`, `paymentMethodId` and `billId` parameters (for requests that are not a
        /// [`Call`](crate::ops::Call)).
        pub(crate) fn from_path(path: &ApiPath) -> TraceFields {
            let mut fields = TraceFields::route(path);
            for (name, value) in path.params() {
                let field = match name {
                    "serviceId" => "service_id",
                    "orderId" => "order_id",
                    "serviceName" => "service_name",
                    "orderDetailId" => "order_detail_id",
                    "paymentMethodId" => "payment_method_id",
                    "billId" => "bill_id",
                    _ => continue,
                };
                let value = value
                    .parse::<u64>()
                    .map_or_else(|_| TraceValue::Text(value.to_owned()), TraceValue::Id);
                fields.ids.push((field, value));
            }
            fields
        }

        /// Adds a numeric id field.
        pub(crate) fn id(mut self, field: &'static str, id: u64) -> TraceFields {
            self.ids.push((field, TraceValue::Id(id)));
            self
        }

        /// Adds `field` with the value of the path's `{param}`, as sent.
        pub(crate) fn param(mut self, field: &'static str, path: &ApiPath, param: &str) -> Self {
            if let Some((_, value)) = path.params().find(|(name, _)| *name == param) {
                self.ids.push((field, TraceValue::Text(value.to_owned())));
            }
            self
        }
    }

    /// The span of one request, and when it started.
    pub(crate) struct RequestSpan {
        span: Span,
        started: Instant,
    }

    /// When one attempt started.
    pub(crate) struct AttemptClock(Instant);

    impl RequestSpan {
        pub(crate) fn new(method: &crate::Method, fields: &TraceFields) -> RequestSpan {
            let span = tracing::info_span!(
                target: "ovh_renew",
                "ovh_request",
                method = %method,
                path = %fields.route,
                service_id = Empty,
                order_id = Empty,
                service_name = Empty,
                order_detail_id = Empty,
                payment_method_id = Empty,
                bill_id = Empty,
                status = Empty,
                query_id = Empty,
                attempts = Empty,
                duration_ms = Empty,
                error = Empty,
            );
            if !span.is_disabled() {
                for (field, value) in &fields.ids {
                    match value {
                        TraceValue::Id(id) => span.record(*field, *id),
                        TraceValue::Text(text) => {
                            span.record(*field, tracing::field::display(text))
                        }
                    };
                }
            }
            RequestSpan {
                span,
                started: Instant::now(),
            }
        }

        /// Runs `future` inside the span (so nested requests are child spans).
        pub(crate) fn enter<F: Future>(&self, future: F) -> Instrumented<F> {
            future.instrument(self.span.clone())
        }

        pub(crate) fn attempt_clock(&self) -> AttemptClock {
            AttemptClock(Instant::now())
        }

        pub(crate) fn answered(
            &self,
            attempt: u32,
            status: u16,
            query_id: Option<&str>,
            clock: &AttemptClock,
        ) {
            tracing::debug!(
                target: "ovh_renew",
                attempt,
                status,
                query_id = query_id.map(tracing::field::display),
                elapsed_ms = millis(clock.0.elapsed()),
                "response"
            );
        }

        pub(crate) fn no_answer(&self, attempt: u32, e: &reqwest::Error) {
            let kind = TransportKind::of(e);
            tracing::debug!(target: "ovh_renew", attempt, kind = %kind, "transport error");
        }

        pub(crate) fn retrying(&self, attempt: u32, cause: RetryCause<'_>, delay: Duration) {
            let delay_ms = millis(delay);
            match cause {
                RetryCause::Status(status) => {
                    tracing::info!(target: "ovh_renew", attempt, status, delay_ms, "retrying");
                }
                RetryCause::Transport(e) => {
                    let kind = TransportKind::of(e);
                    tracing::info!(target: "ovh_renew", attempt, kind = %kind, delay_ms, "retrying");
                }
            }
        }

        pub(crate) fn resync(&self, attempt: u32) {
            tracing::info!(
                target: "ovh_renew",
                attempt,
                "clock resync: OVH refused the timestamp (QUERY_TIME_OUT); resending once"
            );
        }

        pub(crate) fn token_refused(&self, attempt: u32) {
            tracing::info!(
                target: "ovh_renew",
                attempt,
                "oauth2 token refused (401): fetching a new one and resending once"
            );
        }

        /// Records the outcome on the span: the answer's status and query id, or what
        /// kind of error ended the request (a fixed label, never the error's text).
        pub(crate) fn finish(&self, attempts: u32, result: &Result<Answer, Error>) {
            let span = &self.span;
            if span.is_disabled() {
                return;
            }
            span.record("attempts", attempts);
            span.record("duration_ms", millis(self.started.elapsed()));
            match result {
                Ok(answer) => {
                    span.record("status", answer.status);
                    if let Some(query_id) = &answer.query_id {
                        span.record("query_id", tracing::field::display(query_id));
                    }
                }
                Err(e) => {
                    span.record("error", tracing::field::display(e.label()));
                }
            }
        }
    }

    /// An OAuth2 token was fetched (the token itself is never recorded).
    pub(crate) fn token_fetched(expires_in: Option<u64>) {
        tracing::debug!(target: "ovh_renew", expires_in, "oauth2 token fetched");
    }

    fn millis(d: Duration) -> u64 {
        u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
    }
}

#[cfg(not(feature = "tracing"))]
mod off {
    use std::time::Duration;

    use super::{Answer, ApiPath, Error, Future, RetryCause};

    /// Nothing without the feature.
    pub(crate) struct TraceFields;

    impl TraceFields {
        #[inline(always)]
        pub(crate) fn route(_: &ApiPath) -> TraceFields {
            TraceFields
        }

        #[inline(always)]
        pub(crate) fn from_path(_: &ApiPath) -> TraceFields {
            TraceFields
        }

        #[inline(always)]
        pub(crate) fn id(self, _: &'static str, _: u64) -> TraceFields {
            self
        }

        #[inline(always)]
        pub(crate) fn param(self, _: &'static str, _: &ApiPath, _: &str) -> TraceFields {
            self
        }
    }

    pub(crate) struct RequestSpan;

    pub(crate) struct AttemptClock;

    impl RequestSpan {
        #[inline(always)]
        pub(crate) fn new(_: &crate::Method, _: &TraceFields) -> RequestSpan {
            RequestSpan
        }

        #[inline(always)]
        pub(crate) fn enter<F: Future>(&self, future: F) -> F {
            future
        }

        #[inline(always)]
        pub(crate) fn attempt_clock(&self) -> AttemptClock {
            AttemptClock
        }

        #[inline(always)]
        pub(crate) fn answered(&self, _: u32, _: u16, _: Option<&str>, _: &AttemptClock) {}

        #[inline(always)]
        pub(crate) fn no_answer(&self, _: u32, _: &reqwest::Error) {}

        #[inline(always)]
        pub(crate) fn retrying(&self, _: u32, _: RetryCause<'_>, _: Duration) {}

        #[inline(always)]
        pub(crate) fn resync(&self, _: u32) {}

        #[inline(always)]
        pub(crate) fn token_refused(&self, _: u32) {}

        #[inline(always)]
        pub(crate) fn finish(&self, _: u32, _: &Result<Answer, Error>) {}
    }

    #[inline(always)]
    pub(crate) fn token_fetched(_: Option<u64>) {}
}
