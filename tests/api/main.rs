//! One integration-test binary (fast linking): every module runs against a local OVH.

mod support;
mod transport;
