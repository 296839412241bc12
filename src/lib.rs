#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! ovh-renew
mod api;
mod auth;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
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
mod trace;
mod transport;
pub mod workflow;

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
