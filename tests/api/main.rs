//! One integration-test binary (fast linking): every module runs against a local OVH.

mod auth;
mod blocking;
mod connection_errors;
mod echoed_secrets;
mod error_chains;
mod faults;
mod guards;
mod hardening;
mod hostile;
mod hostile_network;
mod money_safety;
mod oauth2_answers;
mod ops;
mod paging;
mod raw_calls;
mod renew_api;
mod report_json;
mod round_trips;
mod services_view;
mod settings;
mod shared_fetch;
mod support;
mod testing;
mod tracing;
mod transport;
mod workflow;
