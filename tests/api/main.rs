//! One integration-test binary (fast linking): every module runs against a local OVH.

mod auth;
mod renew_api;
mod support;
mod transport;
