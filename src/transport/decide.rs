//! The pipeline's one decision, pure: after an attempt, return, resend after a delay,
//! resync the clock and resend, or fetch a new OAuth2 token and resend. No I/O, no clock,
//! no randomness (the jitter is an input), so that every rule is table-tested.
//!
//! The rules, in order:
//! * a redirect (3xx) and an answer larger than the client reads are returned (never
//!   resent, never followed);
//! * a retryable status (429, 502, 503, 504) or a transport failure that is not a
//!   builder error is resent after the policy's delay (honouring `Retry-After` on
//!   answers), only for an idempotent call and only within `max_retries`;
//! * a signed request refused with `QUERY_TIME_OUT` is resent once after a clock resync
//!   (OVH refused it before processing anything, so even a POST);
//! * a 401 to an OAuth2 bearer token is resent once with a new token (same reason);
//! * anything else is returned.

use std::time::Duration;

use crate::retry::{RetryPolicy, retryable_status};

/// What an attempt came back with, as far as the decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome<'a> {
    /// A whole answer.
    Answered {
        /// Its HTTP status.
        status: u16,
        /// Whether it is OVH's `400 QUERY_TIME_OUT` (the timestamp was refused).
        query_time_out: bool,
        /// Its `Retry-After` header, as sent.
        retry_after: Option<&'a str>,
    },
    /// A 3xx answer (never followed).
    Redirect,
    /// An answer over [`MAX_ANSWER_BYTES`](crate::MAX_ANSWER_BYTES), not read to the end.
    TooLarge,
    /// No answer: connect error, timeout, broken connection.
    NoAnswer {
        /// reqwest refused to build the request: nothing left this process.
        builder: bool,
    },
}

/// What the request and its earlier attempts were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct State {
    /// Whether the call may be sent again after a failure that may have reached OVH
    /// ([`Call::is_idempotent`](crate::ops::Call::is_idempotent); GET for raw calls).
    pub(crate) idempotent: bool,
    /// The number of the attempt just made (1-based).
    pub(crate) attempt: u32,
    /// Whether this attempt was signed (application credentials).
    pub(crate) signed: bool,
    /// Whether this attempt carried an OAuth2 token from the client's cache.
    pub(crate) oauth2: bool,
    /// Whether the clock was already resynced for this request.
    pub(crate) resynced: bool,
    /// Whether a new OAuth2 token was already fetched for this request.
    pub(crate) reauthenticated: bool,
}

/// The next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Return what the attempt got (an answer or an error).
    Return,
    /// Send again after this delay.
    Retry(Duration),
    /// Resync the clock with `GET /auth/time`, then send again.
    Resync,
    /// Drop the refused OAuth2 token, then send again with a new one.
    Reauthenticate,
}

/// Decides the step after an attempt. `jitter` is a number in `[0, 1)`.
pub(crate) fn decide(
    outcome: Outcome<'_>,
    state: State,
    policy: &RetryPolicy,
    jitter: f64,
) -> Decision {
    let may_retry = state.idempotent && state.attempt <= policy.max_retries;
    match outcome {
        Outcome::Redirect | Outcome::TooLarge => Decision::Return,
        Outcome::NoAnswer { builder } => {
            if may_retry && !builder {
                Decision::Retry(policy.delay(state.attempt, None, jitter))
            } else {
                Decision::Return
            }
        }
        Outcome::Answered {
            status,
            query_time_out,
            retry_after,
        } => {
            if may_retry && retryable_status(status) {
                Decision::Retry(policy.delay(state.attempt, retry_after, jitter))
            } else if state.signed && !state.resynced && query_time_out {
                Decision::Resync
            } else if status == 401 && state.oauth2 && !state.reauthenticated {
                Decision::Reauthenticate
            } else {
                Decision::Return
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: RetryPolicy = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(200),
        max_backoff: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(30),
    };

    fn answered(status: u16) -> Outcome<'static> {
        Outcome::Answered {
            status,
            query_time_out: false,
            retry_after: None,
        }
    }

    const QUERY_TIME_OUT: Outcome<'static> = Outcome::Answered {
        status: 400,
        query_time_out: true,
        retry_after: None,
    };

    /// Every outcome the decision can see, with statuses of every class.
    fn every_outcome() -> Vec<Outcome<'static>> {
        let mut all = vec![
            Outcome::Redirect,
            Outcome::TooLarge,
            Outcome::NoAnswer { builder: false },
            Outcome::NoAnswer { builder: true },
            QUERY_TIME_OUT,
            Outcome::Answered {
                status: 503,
                query_time_out: false,
                retry_after: Some("1"),
            },
        ];
        for status in [
            200, 204, 301, 400, 401, 403, 404, 409, 429, 460, 500, 502, 503, 504,
        ] {
            all.push(answered(status));
        }
        all
    }

    /// Every state a request can be in: each flag on and off, attempts 1 to 4.
    fn every_state(idempotent: bool) -> Vec<State> {
        let mut all = Vec::new();
        for attempt in 1..=4 {
            for bits in 0..16u8 {
                all.push(State {
                    idempotent,
                    attempt,
                    signed: bits & 1 != 0,
                    oauth2: bits & 2 != 0,
                    resynced: bits & 4 != 0,
                    reauthenticated: bits & 8 != 0,
                });
            }
        }
        all
    }

    /// No non-idempotent call is ever resent after a delay, on any outcome, in any state:
    /// the only resends left are the two OVH refusals made before processing anything
    /// (`QUERY_TIME_OUT` when signed, 401 with OAuth2), each at most once.
    #[test]
    fn a_non_idempotent_call_is_never_retried_on_any_outcome() {
        for outcome in every_outcome() {
            for state in every_state(false) {
                let decision = decide(outcome, state, &POLICY, 0.5);
                let allowed = match decision {
                    Decision::Return => true,
                    Decision::Retry(_) => false,
                    Decision::Resync => {
                        outcome == QUERY_TIME_OUT && state.signed && !state.resynced
                    }
                    Decision::Reauthenticate => {
                        outcome == answered(401) && state.oauth2 && !state.reauthenticated
                    }
                };
                assert!(allowed, "{outcome:?} {state:?} -> {decision:?}");
            }
        }
    }

    /// A redirect and a too-large answer are returned whatever the call and the state.
    #[test]
    fn redirects_and_too_large_answers_are_never_resent() {
        for outcome in [Outcome::Redirect, Outcome::TooLarge] {
            for state in every_state(true).into_iter().chain(every_state(false)) {
                assert_eq!(
                    decide(outcome, state, &POLICY, 0.5),
                    Decision::Return,
                    "{outcome:?} {state:?}"
                );
            }
        }
    }

    /// The decision table, as the pipeline applies it (`idempotent`, outcome, state →
    /// decision). Delays use jitter 0: half the backoff (100 ms, then 200 ms).
    #[test]
    fn the_decision_table() {
        let get = |attempt| State {
            idempotent: true,
            attempt,
            ..State::default()
        };
        let post = State {
            idempotent: false,
            attempt: 1,
            ..State::default()
        };
        let signed = |s: State| State { signed: true, ..s };
        let oauth2 = |s: State| State { oauth2: true, ..s };
        let ms = |n| Decision::Retry(Duration::from_millis(n));
        let retry_after = |v| Outcome::Answered {
            status: 503,
            query_time_out: false,
            retry_after: Some(v),
        };
        let connect = Outcome::NoAnswer { builder: false };
        let table: Vec<(&str, Outcome<'_>, State, Decision)> = vec![
            ("GET 200", answered(200), get(1), Decision::Return),
            ("GET 503, 1st attempt", answered(503), get(1), ms(100)),
            ("GET 503, 2nd attempt", answered(503), get(2), ms(200)),
            (
                "GET 503, 3rd attempt (max 2)",
                answered(503),
                get(3),
                Decision::Return,
            ),
            ("GET 429", answered(429), get(1), ms(100)),
            ("GET 502", answered(502), get(1), ms(100)),
            ("GET 504", answered(504), get(1), ms(100)),
            ("GET 500", answered(500), get(1), Decision::Return),
            ("GET 404", answered(404), get(1), Decision::Return),
            (
                "GET 503 Retry-After: 3",
                retry_after("3"),
                get(1),
                Decision::Retry(Duration::from_secs(3)),
            ),
            (
                "GET 503 Retry-After: 3600 (capped)",
                retry_after("3600"),
                get(1),
                Decision::Retry(Duration::from_secs(30)),
            ),
            (
                "GET 503 Retry-After: date",
                retry_after("Wed"),
                get(1),
                ms(100),
            ),
            ("GET no answer", connect, get(1), ms(100)),
            (
                "GET no answer, 3rd attempt",
                connect,
                get(3),
                Decision::Return,
            ),
            (
                "GET builder error",
                Outcome::NoAnswer { builder: true },
                get(1),
                Decision::Return,
            ),
            ("GET redirect", Outcome::Redirect, get(1), Decision::Return),
            ("GET too large", Outcome::TooLarge, get(1), Decision::Return),
            ("POST 503", answered(503), post, Decision::Return),
            ("POST no answer", connect, post, Decision::Return),
            ("POST redirect", Outcome::Redirect, post, Decision::Return),
            ("POST too large", Outcome::TooLarge, post, Decision::Return),
            (
                "signed POST QUERY_TIME_OUT",
                QUERY_TIME_OUT,
                signed(post),
                Decision::Resync,
            ),
            (
                "signed GET QUERY_TIME_OUT",
                QUERY_TIME_OUT,
                signed(get(1)),
                Decision::Resync,
            ),
            (
                "signed POST QUERY_TIME_OUT, already resynced",
                QUERY_TIME_OUT,
                State {
                    resynced: true,
                    ..signed(post)
                },
                Decision::Return,
            ),
            (
                "unsigned QUERY_TIME_OUT (bearer)",
                QUERY_TIME_OUT,
                oauth2(post),
                Decision::Return,
            ),
            (
                "OAuth2 POST 401",
                answered(401),
                oauth2(post),
                Decision::Reauthenticate,
            ),
            (
                "OAuth2 GET 401",
                answered(401),
                oauth2(get(1)),
                Decision::Reauthenticate,
            ),
            (
                "OAuth2 POST 401, already re-authenticated",
                answered(401),
                State {
                    reauthenticated: true,
                    ..oauth2(post)
                },
                Decision::Return,
            ),
            ("signed 401", answered(401), signed(post), Decision::Return),
            ("static bearer 401", answered(401), post, Decision::Return),
            (
                "OAuth2 403",
                answered(403),
                oauth2(get(1)),
                Decision::Return,
            ),
            (
                "idempotent PUT 503 (issue 16)",
                answered(503),
                get(1),
                ms(100),
            ),
        ];
        for (case, outcome, state, expected) in table {
            assert_eq!(decide(outcome, state, &POLICY, 0.0), expected, "{case}");
        }
    }

    /// `max_retries` bounds the resends of an idempotent call: with the policy off, none.
    #[test]
    fn retries_stop_at_max_retries() {
        for max in 0..4 {
            let policy = RetryPolicy {
                max_retries: max,
                ..POLICY
            };
            let resent = (1..=max + 2)
                .take_while(|&attempt| {
                    let state = State {
                        idempotent: true,
                        attempt,
                        ..State::default()
                    };
                    matches!(
                        decide(answered(503), state, &policy, 0.5),
                        Decision::Retry(_)
                    )
                })
                .count();
            assert_eq!(resent, max as usize, "max_retries {max}");
        }
    }

    /// Every call of the table gets the decision of its idempotency: the GETs and the
    /// settings PUT (`update_renewal`) exactly like an idempotent request on every
    /// outcome in every state, each POST (orders, payments) exactly like a non-idempotent
    /// one; `update_renewal` is the one non-GET resent after a 503.
    #[test]
    fn every_call_of_the_table_is_decided_by_its_idempotency() {
        use crate::ops::Op;
        for op in Op::ALL {
            let call = op.example();
            for outcome in every_outcome() {
                for state in every_state(true).into_iter().chain(every_state(false)) {
                    let as_call = State {
                        idempotent: call.is_idempotent(),
                        ..state
                    };
                    let expected = State {
                        idempotent: call.method() != crate::Method::Post,
                        ..state
                    };
                    assert_eq!(
                        decide(outcome, as_call, &POLICY, 0.5),
                        decide(outcome, expected, &POLICY, 0.5),
                        "{op} {outcome:?} {state:?}"
                    );
                }
            }
        }
        let put = State {
            idempotent: Op::UpdateRenewal.example().is_idempotent(),
            attempt: 1,
            ..State::default()
        };
        assert!(matches!(
            decide(answered(503), put, &POLICY, 0.5),
            Decision::Retry(_)
        ));
        let resent: Vec<Op> = Op::ALL
            .iter()
            .copied()
            .filter(|op| {
                let state = State {
                    idempotent: op.example().is_idempotent(),
                    attempt: 1,
                    ..State::default()
                };
                op.example().method() != crate::Method::Get
                    && matches!(
                        decide(answered(503), state, &POLICY, 0.5),
                        Decision::Retry(_)
                    )
            })
            .collect();
        assert_eq!(resent, [Op::UpdateRenewal]);
    }
}
