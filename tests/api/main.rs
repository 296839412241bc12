//! One integration-test binary (fast linking): every module runs against a local OVH.

mod auth;
mod blocking;
mod faults;
mod hardening;
mod hostile_network;
mod money_safety;
mod raw_calls;
mod renew_api;
mod round_trips;
mod support;
mod testing;
mod tracing;
mod transport;
mod workflow;
