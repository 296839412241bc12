//! A blocking client, for scripts and tools without async (feature `blocking`).
//!
//! [`OvhClient`] has the calls of [`ServiceRenewApi`] as plain functions, plus the
//! constructors of the async [`crate::OvhClient`]. Each call runs the async client, on
//! the calling thread, with a private current-thread tokio runtime that the blocking
//! client owns: the same signing, time sync, retries and errors, and no runtime for you
//! to set up. One background thread per client (shared by its clones) drives that
//! runtime's connections and timers, so that pooled connections are looked after between
//! calls, as in an async program.
//!
//! ```no_run
//! use ovh_renew::blocking::OvhClient;
//! use ovh_renew::strategy;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = OvhClient::from_env()?; // OVH_* variables or ovh.conf, like python-ovh
//!     let infos = client.service_infos("domain", "example.ovh")?;
//!     let choices = client.renew_descriptions(infos.service_id, false)?;
//!     let chosen = strategy::select_single(&choices, &"P1Y".parse()?, infos.service_id)?;
//!     let priced = client.create_renew_order(infos.service_id, &chosen.dry_run())?;
//!     println!("P1Y costs {} ucents with tax", priced.price_with_tax.ucents());
//!     Ok(())
//! }
//! ```
//!
//! The [workflow](crate::workflow) and the [planner](crate::planner) take the async
//! client: run them with [`OvhClient::block_on`] and [`OvhClient::as_async`].
//!
//! ```no_run
//! use ovh_renew::blocking::OvhClient;
//! use ovh_renew::workflow::{renew, RenewOptions, ServiceRef};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = OvhClient::from_env()?;
//!     let options = RenewOptions::new(ServiceRef::named("vps", "vps-0baa4fcf.vps.ovh.net"), "P3M".parse()?);
//!     let report = client.block_on(renew(client.as_async(), &options))??; // a dry run only
//!     println!("P3M costs {} ucents with tax", report.dry_run.price_with_tax.ucents());
//!     Ok(())
//! }
//! ```
//!
//! # Not from async code
//!
//! Blocking inside an async runtime stalls it, and can deadlock it. Every call checks
//! for a runtime on the current thread first and returns [`Error::BlockingInAsync`],
//! without sending anything, instead of blocking or panicking. That includes a
//! `tokio::task::spawn_blocking` closure (tokio makes its runtime current there too): in
//! async code use the async [`crate::OvhClient`] (see [`OvhClient::as_async`]), or call
//! the blocking client from a plain `std::thread`. Creating and dropping a blocking
//! client is fine anywhere.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::ServiceRenewApi;
use crate::client::OvhClientBuilder as AsyncBuilder;
use crate::credentials::Credentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
// The table names its argument and answer types unqualified: every model is in scope.
#[allow(unused_imports)]
use crate::models::*;
use crate::ops::{Call, Reply};
use crate::path::ApiPath;
use crate::raw::RawAnswer;
use crate::retry::RetryPolicy;
#[allow(unused_imports)]
use chrono::{DateTime, Utc};

/// A blocking client of the OVH API: the async [`crate::OvhClient`] and a private
/// current-thread runtime that runs it.
///
/// Cheap to clone (clones share the runtime, the connection pool, the server-time delta
/// and the OAuth2 token). `Send + Sync`: clones can be used from several threads.
/// See the [module documentation](self) for examples, and for why its calls refuse to run
/// inside an async runtime.
#[derive(Clone)]
pub struct OvhClient {
    client: crate::OvhClient,
    runtime: Arc<Runtime>,
}

impl fmt::Debug for OvhClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("blocking::OvhClient")
            .field(&self.client)
            .finish()
    }
}

/// The private runtime: a current-thread runtime that one background thread drives for
/// as long as the client lives (its IO, timers, and the tasks of pooled connections, so
/// that an idle connection the server closes is noticed between calls), while each call
/// runs its future on the caller's thread with [`Handle::block_on`](tokio::runtime::Handle::block_on).
/// Dropped with the last clone: the thread is told to stop, and drops the runtime itself
/// (never in the caller's async context, where that would panic).
struct Runtime {
    handle: tokio::runtime::Handle,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Runtime {
    fn new() -> Result<Runtime, Error> {
        let failed = |e: std::io::Error| {
            Error::from(crate::config::ConfigError::Runtime {
                reason: e.to_string(),
            })
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(failed)?;
        let handle = rt.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("ovh-renew-blocking".into())
            .spawn(move || {
                rt.block_on(async {
                    // Ok: stop asked; Err: the sender is gone. Either way, stop.
                    let _ = stopped.await;
                });
            })
            .map_err(failed)?;
        Ok(Runtime {
            handle,
            stop: Some(stop),
        })
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl OvhClient {
    /// Starts a builder with nothing configured (the settings of
    /// [`crate::OvhClientBuilder`]).
    pub fn builder() -> OvhClientBuilder {
        OvhClientBuilder {
            inner: crate::OvhClient::builder(),
        }
    }

    /// A client configured from the environment and `ovh.conf` files, exactly like
    /// [`crate::OvhClient::from_env`].
    pub fn from_env() -> Result<OvhClient, Error> {
        OvhClient::from_async(crate::OvhClient::from_env()?)
    }

    /// Wraps an async client (sharing its clones' state), with a new private runtime.
    ///
    /// Connections are driven by the runtime that opened them: connections the async
    /// client opened on another runtime stop working when that runtime is shut down (a GET
    /// is then retried, a POST fails), so prefer a client that has not been used yet.
    pub fn from_async(client: crate::OvhClient) -> Result<OvhClient, Error> {
        Ok(OvhClient {
            client,
            runtime: Arc::new(Runtime::new()?),
        })
    }

    /// The async client inside (sharing this client's connections, time delta and
    /// token), for the [workflow](crate::workflow), the [planner](crate::planner) or your
    /// own futures: run them with [`block_on`](Self::block_on), or await them in async code.
    pub fn as_async(&self) -> &crate::OvhClient {
        &self.client
    }

    /// Runs any future on this client's runtime, blocking the current thread until it is
    /// done.
    ///
    /// # Errors
    ///
    /// [`Error::BlockingInAsync`], without polling `future`, when called from inside an
    /// async runtime.
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::BlockingInAsync);
        }
        Ok(self.runtime.handle.block_on(future))
    }

    fn run<T>(&self, future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
        self.block_on(future)?
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        self.client.endpoint()
    }

    /// The credentials this client uses (their `Debug` shows no secret).
    pub fn credentials(&self) -> &Credentials {
        self.client.credentials()
    }

    /// Blocking [`crate::OvhClient::time_delta`].
    pub fn time_delta(&self) -> Result<i64, Error> {
        self.run(self.client.time_delta())
    }

    /// Blocking [`crate::OvhClient::server_time`].
    pub fn server_time(&self) -> Result<i64, Error> {
        self.run(self.client.server_time())
    }

    /// Blocking [`crate::OvhClient::call`]: any API call without a body.
    pub fn call<T: DeserializeOwned>(&self, method: Method, path: &ApiPath) -> Result<T, Error> {
        self.run(self.client.call(method, path))
    }

    /// Blocking [`crate::OvhClient::call_with_body`]: any API call with a JSON body.
    pub fn call_with_body<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &ApiPath,
        body: &B,
    ) -> Result<T, Error> {
        self.run(self.client.call_with_body(method, path, body))
    }

    /// Blocking [`crate::OvhClient::raw_call`]: a raw call with extra headers, a body,
    /// or no authentication, sent by [`RawCall::send`] or [`RawCall::send_with_headers`].
    ///
    /// ```no_run
    /// # fn demo(client: ovh_renew::blocking::OvhClient) -> Result<(), ovh_renew::Error> {
    /// use ovh_renew::{ApiPath, Method};
    /// let policies: serde_json::Value = client
    ///     .raw_call(Method::Get, &ApiPath::new("/v2/iam/policy"))
    ///     .header("X-Pagination-Size", "50")
    ///     .send()?;
    /// # let _ = policies; Ok(()) }
    /// ```
    pub fn raw_call<'a>(&'a self, method: Method, path: &'a ApiPath) -> RawCall<'a> {
        RawCall {
            call: self.client.raw_call(method, path),
            client: self,
        }
    }

    /// Blocking [`crate::OvhClient::request_consumer_key`].
    pub fn request_consumer_key(
        &self,
        rules: &[AccessRule],
        redirection: Option<&str>,
    ) -> Result<ConsumerKeyRequest, Error> {
        self.run(self.client.request_consumer_key(rules, redirection))
    }

    /// Blocking [`crate::OvhClient::current_credential`].
    pub fn current_credential(&self) -> Result<CurrentCredential, Error> {
        self.run(self.client.current_credential())
    }

    /// Blocking [`ServiceRenewApi::execute`]: any [`Call`], answered with its [`Reply`].
    pub fn execute(&self, call: &Call) -> Result<Reply, Error> {
        self.run(ServiceRenewApi::execute(&self.client, call))
    }
}

/// Generates the blocking typed methods from the operation table.
macro_rules! blocking_methods {
    ($(
        $(#[$doc:meta])*
        $name:ident $( { $( $(#[$fdoc:meta])* $field:ident : $fty:ty ),* $(,)? } )?
        => fn $fname:ident ( $( $arg:ident : $aty:ty ),* $(,)? ) -> $ret:ty = $build:expr ;
    )*) => {
        impl OvhClient {
            $(
                #[doc = concat!(
                    "Blocking [`ServiceRenewApi::", stringify!($fname),
                    "`](crate::ServiceRenewApi::", stringify!($fname), ")."
                )]
                #[allow(clippy::needless_lifetimes, clippy::unused_unit)]
                pub fn $fname<'a>(&'a self, $( $arg: $aty ),*) -> Result<$ret, Error> {
                    self.run(ServiceRenewApi::$fname(&self.client, $( $arg ),*))
                }
            )*
        }
    };
}

crate::ops::for_each_op!(blocking_methods);

/// A raw call of the blocking client ([`OvhClient::raw_call`]): the async
/// [`crate::RawCall`], sent on the client's runtime. Refuses to run inside an async
/// runtime, like every blocking call ([`Error::BlockingInAsync`], nothing sent).
#[must_use = "a raw call does nothing until it is sent"]
#[derive(Debug)]
pub struct RawCall<'a> {
    call: crate::RawCall<'a>,
    client: &'a OvhClient,
}

impl RawCall<'_> {
    /// [`crate::RawCall::header`]: an extra header, not signed; the client's own are
    /// refused.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.call = self.call.header(name, value);
        self
    }

    /// [`crate::RawCall::body`]: a JSON body, serialized once, signed and sent as is.
    pub fn body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        self.call = self.call.body(body);
        self
    }

    /// [`crate::RawCall::need_auth`]: `false` for an unauthenticated call.
    pub fn need_auth(mut self, need_auth: bool) -> Self {
        self.call = self.call.need_auth(need_auth);
        self
    }

    /// Blocking [`crate::RawCall::send`].
    pub fn send<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.client.run(self.call.send())
    }

    /// Blocking [`crate::RawCall::send_with_headers`].
    pub fn send_with_headers<T: DeserializeOwned>(self) -> Result<RawAnswer<T>, Error> {
        self.client.run(self.call.send_with_headers())
    }
}

/// Builds a blocking [`OvhClient`]: the settings of [`crate::OvhClientBuilder`], then
/// [`build`](Self::build).
///
/// ```no_run
/// use ovh_renew::blocking::OvhClient;
/// use ovh_renew::{Credentials, Endpoint};
/// # fn demo() -> Result<(), ovh_renew::Error> {
/// let client = OvhClient::builder()
///     .endpoint(Endpoint::OvhEu)
///     .credentials(Credentials::new("app-key", "app-secret", "consumer-key"))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct OvhClientBuilder {
    inner: AsyncBuilder,
}

impl From<AsyncBuilder> for OvhClientBuilder {
    fn from(inner: AsyncBuilder) -> Self {
        OvhClientBuilder { inner }
    }
}

impl OvhClientBuilder {
    /// See [`crate::OvhClientBuilder::from_env`].
    pub fn from_env() -> Result<OvhClientBuilder, Error> {
        Ok(AsyncBuilder::from_env()?.into())
    }

    /// See [`crate::OvhClientBuilder::endpoint`].
    pub fn endpoint(self, endpoint: Endpoint) -> Self {
        self.inner.endpoint(endpoint).into()
    }

    /// See [`crate::OvhClientBuilder::credentials`].
    pub fn credentials(self, credentials: Credentials) -> Self {
        self.inner.credentials(credentials).into()
    }

    /// See [`crate::OvhClientBuilder::oauth2_token_url`].
    pub fn oauth2_token_url(self, url: &str) -> Self {
        self.inner.oauth2_token_url(url).into()
    }

    /// See [`crate::OvhClientBuilder::trust_local_endpoint`]: whether an endpoint URL from
    /// `./ovh.conf` may be used with credentials from another source (default `false`).
    pub fn trust_local_endpoint(self, trust: bool) -> Self {
        self.inner.trust_local_endpoint(trust).into()
    }

    /// See [`crate::OvhClientBuilder::http_client_builder`] (no redirect followed, no
    /// replay by reqwest, whatever the builder says). The `reqwest::Client` built from
    /// it is used on the blocking client's runtime only.
    pub fn http_client_builder(self, builder: reqwest::ClientBuilder) -> Self {
        self.inner.http_client_builder(builder).into()
    }

    /// See [`crate::OvhClientBuilder::timeout`].
    pub fn timeout(self, timeout: Duration) -> Self {
        self.inner.timeout(timeout).into()
    }

    /// See [`crate::OvhClientBuilder::user_agent`].
    pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
        self.inner.user_agent(user_agent).into()
    }

    /// See [`crate::OvhClientBuilder::retry`].
    pub fn retry(self, policy: RetryPolicy) -> Self {
        self.inner.retry(policy).into()
    }

    /// See [`crate::OvhClientBuilder::no_retries`].
    pub fn no_retries(self) -> Self {
        self.inner.no_retries().into()
    }

    /// Checks the settings and builds the client and its runtime.
    pub fn build(self) -> Result<OvhClient, Error> {
        OvhClient::from_async(self.inner.build()?)
    }
}
