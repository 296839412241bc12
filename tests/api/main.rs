//! One integration-test binary (fast linking): every module runs against a local OVH.

mod auth;
mod faults;
mod hardening;
mod renew_api;
mod round_trips;
mod support;
mod testing;
mod transport;
mod workflow;
