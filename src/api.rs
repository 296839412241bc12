//! The calls of OVH's renewal guide, as one object-safe trait with one required method,
//! and its implementation by [`OvhClient`].

use std::future::Future;
use std::pin::Pin;

use crate::client::OvhClient;
use crate::error::Error;
use crate::transport::Request;
// The table names its argument and answer types unqualified: every model is in scope.
#[allow(unused_imports)]
use crate::models::*;
use crate::ops::{Call, Reply, for_each_op, mismatch};
#[allow(unused_imports)]
use chrono::{DateTime, Utc};

/// The future every [`ServiceRenewApi`] method returns: `Send`, so it can be spawned.
pub type ApiFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Generates the typed provided methods of [`ServiceRenewApi`] from the operation table.
macro_rules! typed_methods {
    ($(
        $(#[$doc:meta])*
        $name:ident $( { $( $(#[$fdoc:meta])* $field:ident : $fty:ty ),* $(,)? } )?
        => fn $fname:ident ( $( $arg:ident : $aty:ty ),* $(,)? ) -> $ret:ty = $build:expr ;
    )*) => {
        $(
            $(#[$doc])*
            #[allow(clippy::needless_lifetimes, clippy::unused_unit)]
            fn $fname<'a>(&'a self, $( $arg: $aty ),*) -> ApiFuture<'a, $ret> {
                Box::pin(async move {
                    let call = $build;
                    match self.execute(&call).await? {
                        Reply::$name(value) => Ok(value),
                        other => Err(mismatch(&call, &other)),
                    }
                })
            }
        )*
    };
}

/// The calls of OVH's renewal guide, strongly typed.
///
/// One required method, [`execute`](Self::execute), answers any [`Call`] with its
/// [`Reply`]; the typed methods (`service_infos`, `create_renew_order`, …) are provided:
/// each builds its [`Call`], executes it and unwraps the [`Reply`]. A reply of another
/// call is an error, never a panic: [`Error::InvalidRequest`] for a `GET`,
/// [`Error::Decode`] for a call that can order or pay (whatever answered may have acted,
/// so [`Error::may_have_been_processed`] is `true`). An implementation of `execute`
/// matches the calls it handles and keeps a `_` arm for the others, so calls added in
/// later releases do not break it (see [`ops`](crate::ops)).
///
/// Object safe: `Arc<dyn ServiceRenewApi>` works and can be shared across tasks.
/// [`OvhClient`] implements it against the real API; tests can implement it in memory.
///
/// ```no_run
/// # async fn demo() -> Result<(), ovh_renew::Error> {
/// use ovh_renew::{OvhClient, ServiceRenewApi};
/// let api: std::sync::Arc<dyn ServiceRenewApi> = std::sync::Arc::new(OvhClient::from_env()?);
/// let infos = api.service_infos("vps", "vps-0baa4fcf.vps.ovh.net").await?;
/// let choices = api.renew_descriptions(infos.service_id, false).await?;
/// for choice in &choices {
///     println!("{}: {} strategies", choice.renew_period, choice.strategies.len());
/// }
/// # Ok(()) }
/// ```
pub trait ServiceRenewApi: Send + Sync {
    /// Sends `call` and answers its [`Reply`] (the variant of the same name).
    ///
    /// What is refused before sending (a path segment that cannot travel, a
    /// [`RenewRequest`] that [`RenewRequest::validate`] refuses) is refused here, before
    /// anything is sent. Calls that are not [idempotent](Call::is_idempotent) are sent
    /// exactly once.
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply>;

    /// The endpoint the calls go to, when the implementation knows it (`None` by
    /// default). [`OvhClient`] answers its own; the [workflow](crate::workflow) uses it
    /// to refuse, before ordering, what an endpoint does not offer (`ovh-us` deprecated
    /// `payWithRegisteredPaymentMean`).
    fn api_endpoint(&self) -> Option<&crate::Endpoint> {
        None
    }

    for_each_op!(typed_methods);
}

impl ServiceRenewApi for OvhClient {
    /// Sends `call.method()`, `call.path()` and `call.body()` through the client's one
    /// pipeline (signing, time sync, retries of what may be retried) and decodes the answer
    /// per call.
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async move {
            let (method, path, body) = call.to_http()?;
            let headers = call_headers(call)?;
            let request = Request {
                headers: &headers,
                // The call says whether it may be resent (issue 16's PUT is, like GETs).
                idempotent: call.is_idempotent(),
                trace: call.trace_fields(&path),
                ..Request::new(&method, &path, body)
            };
            let answer = self.inner.send(request).await?;
            call.decode(answer, &path).map_err(|e| match e {
                // A 404 on a route OVH does not document on this endpoint says so.
                Error::Api(mut api) if api.status == 404 => {
                    api.route_note = self.inner.endpoint.route_note(&api.method, &api.rule_path);
                    Error::Api(api)
                }
                other => other,
            })
        })
    }

    fn api_endpoint(&self) -> Option<&crate::Endpoint> {
        Some(self.endpoint())
    }
}

/// The call's own headers ([`Call::headers`]) as a header map; a value a header cannot
/// carry is refused before sending.
fn call_headers(call: &Call) -> Result<reqwest::header::HeaderMap, Error> {
    let mut map = reqwest::header::HeaderMap::new();
    for (name, value) in call.headers() {
        let value = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
            Error::refused(
                crate::error::RequestProblem::HeaderValue,
                format!("the {name} header cannot carry {value:?}"),
            )
        })?;
        map.insert(name, value);
    }
    Ok(map)
}
