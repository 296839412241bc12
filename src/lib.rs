#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! ovh-renew
mod api;
mod auth;
mod client;
mod clock;
mod config;
mod credentials;
mod endpoint;
mod error;
pub mod models;
mod oauth2;
mod path;
pub mod planner;
mod retry;
pub mod signing;
pub mod strategy;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
mod transport;
pub mod workflow;

/// Entry points for the cargo-fuzz targets of `fuzz/`, compiled only with `--cfg fuzzing`
/// (which cargo-fuzz sets) and in this crate's unit tests (which run them on proptest
/// inputs and on every input the fuzzers found): they reach crate-private code
/// (`Answer::decode`, the INI parser) without making it part of the public API.
#[cfg(any(fuzzing, test))]
#[doc(hidden)]
#[allow(missing_docs)]
pub mod fuzzing;

pub use api::{ApiFuture, ServiceRenewApi};
pub use client::{DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, OvhClient, OvhClientBuilder};
pub use config::{ConfigError, CredentialsProblem};
pub use credentials::Credentials;
pub use endpoint::{BaseUrl, BaseUrlRef, ENDPOINT_NAMES, Endpoint, EndpointError};
pub use error::{ApiError, DecodeError, Error, OAuth2Error, TransportError, TransportKind};
pub use models::*;
pub use path::ApiPath;
pub use reqwest::Method;
pub use retry::RetryPolicy;
