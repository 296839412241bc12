#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The README is the crate's front page: its Rust examples run as doctests.
#![doc = include_str!("../README.md")]
//!
//! ## Main types
//!
//! - [`OvhClient`] (built with [`OvhClientBuilder`], from an [`Endpoint`] and
//!   [`Credentials`], or with [`OvhClient::from_env`]): signed or OAuth2 requests,
//!   retries per [`RetryPolicy`], and [`OvhClient::call`] for any route ([`ApiPath`]);
//!   [`OvhClient::raw_call`] ([`RawCall`], [`RawAnswer`]) adds extra headers,
//!   unauthenticated calls and the answer's headers.
//! - [`ServiceRenewApi`]: the typed calls of the renewal guide, implemented by
//!   [`OvhClient`], returning the [`models`] ([`models::ServiceInfos`], [`models::Service`],
//!   [`models::RenewDescription`], [`models::RenewRequest`], [`models::Order`],
//!   [`models::OrderStatus`], [`models::PaymentMean`], [`models::Product`], …). The ids,
//!   periods and prices nearly every caller names are also at the root: [`ServiceId`],
//!   [`OrderId`], [`RenewPeriod`], [`Price`].
//! - [`ops`]: every API operation as data, [`ops::Call`] and its [`ops::Reply`]; implement
//!   [`ServiceRenewApi::execute`] alone to fake the API (the typed methods are provided).
//! - [`strategy`]: which strategy renews exactly a service, or the cheapest covering one.
//! - [`workflow::renew`]: the whole flow, dry run first, with a [`workflow::RenewReport`]
//!   or a [`workflow::RenewError`] that says where the account stands.
//!   Re-runs never order twice ([`workflow::find_renewal_orders`]), uncertain errors
//!   resolve ([`workflow::resolve`]), delivery is followed and the invoice read.
//! - [`planner`]: what expires soon, and what renewing it costs, read through the paged
//!   `/services` view ([`listing`]), with the [`guards`] (debt, unpaid, automatic renewal
//!   in progress, deletion or termination scheduled, terminated, suspended) applied first.
//! - [`settings`]: switch many services' renewal settings (mode, period, termination
//!   policy) at once, previewed first, applied with bounded concurrency and re-read.
//! - [`Error`]: one error type, with [`ApiError`], [`RedirectError`], [`TransportError`],
//!   [`DecodeError`], [`OAuth2Error`] and [`ConfigError`] inside.
//! - [`models::AccessRule`], [`models::CurrentCredential`], [`OvhClient::request_consumer_key`]:
//!   consumer keys with exactly the rules the renewal flow needs.
//!
//! With features (all documented on docs.rs):
//!
#![cfg_attr(
    feature = "blocking",
    doc = "- [`blocking::OvhClient`] (feature `blocking`): the same calls without async."
)]
#![cfg_attr(
    not(feature = "blocking"),
    doc = "- `blocking::OvhClient` (feature `blocking`): the same calls without async."
)]
#![cfg_attr(
    feature = "test-util",
    doc = "- [`testing::MockOvh`] and [`testing::FakeRenewApi`] (feature `test-util`): a local OVH and an in-memory API for your tests."
)]
#![cfg_attr(
    not(feature = "test-util"),
    doc = "- `testing::MockOvh` and `testing::FakeRenewApi` (feature `test-util`): a local OVH and an in-memory API for your tests."
)]
//! - Feature `tracing`: a span per request, events for retries, clock resyncs and OAuth2
//!   token refreshes (see [Tracing](#tracing)).
mod answer;
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
pub mod guards;
pub mod listing;
mod method;
pub mod models;
mod oauth2;
pub mod ops;
mod path;
pub mod planner;
mod raw;
mod retry;
mod scrub;
pub mod settings;
pub mod signing;
pub mod strategy;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod testing;
mod trace;
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

pub use answer::MAX_ANSWER_BYTES;
pub use api::{ApiFuture, ServiceRenewApi};
pub use client::{DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, OvhClient, OvhClientBuilder};
pub use config::{ConfigError, ValueProblem};
pub use credentials::{Credentials, CredentialsProblem};
pub use endpoint::{BaseUrl, BaseUrlRef, ENDPOINT_NAMES, Endpoint, EndpointError};
pub use error::{
    ApiError, DecodeError, Error, OAuth2Error, RedirectError, RefusedRequest, RequestProblem,
    TransportError, TransportKind,
};
pub use method::Method;
// The handful of models nearly every user names; the others are under `models`.
pub use models::{OrderId, Price, RenewPeriod, ServiceId};
pub use path::ApiPath;
pub use raw::{RawAnswer, RawCall};
pub use retry::RetryPolicy;
