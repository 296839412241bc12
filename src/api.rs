//! The renewal calls of OVH's guide, as one object-safe trait, and its implementation by
//! [`OvhClient`].

use std::future::Future;
use std::pin::Pin;

use reqwest::Method;
use serde::Serialize;

use crate::client::OvhClient;
use crate::error::Error;
use crate::models::{
    Order, OrderId, OrderStatus, PaymentMean, RegisteredPaymentMean, RenewDescription,
    RenewRequest, Service, ServiceId, ServiceInfos,
};
use crate::path::ApiPath;

/// The future every [`ServiceRenewApi`] method returns: `Send`, so it can be spawned.
pub type ApiFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// The calls of OVH's renewal guide, strongly typed.
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
    /// `GET /service`: the ids of every service of the account.
    fn list_services(&self) -> ApiFuture<'_, Vec<ServiceId>>;

    /// `GET /service/{serviceId}`: one service, with its route, dates and renew mode.
    fn service(&self, id: ServiceId) -> ApiFuture<'_, Service>;

    /// `GET /{product}/{serviceName}/serviceInfos`: `product` is a fixed route such as
    /// `vps`, `domain`, `hosting/web` or `dedicated/server` (split on `/`);
    /// `service_name` is always sent as exactly one percent-encoded segment (empty, `.`
    /// and `..` are refused before sending).
    fn service_infos<'a>(
        &'a self,
        product: &'a str,
        service_name: &'a str,
    ) -> ApiFuture<'a, ServiceInfos>;

    /// `GET /service/{serviceId}/renew?includeOptions=…`: one description per offered
    /// period, each with its strategies and prices (excluding tax).
    fn renew_descriptions(
        &self,
        id: ServiceId,
        include_options: bool,
    ) -> ApiFuture<'_, Vec<RenewDescription>>;

    /// `POST /service/{serviceId}/renew`: creates the renew order (or, with
    /// [`RenewRequest::dry_run`], only prices it). Sent exactly once, never retried; an
    /// empty service list is refused before sending.
    fn create_renew_order<'a>(
        &'a self,
        id: ServiceId,
        request: &'a RenewRequest,
    ) -> ApiFuture<'a, Order>;

    /// `GET /me/order/{orderId}`.
    fn order(&self, order_id: OrderId) -> ApiFuture<'_, Order>;

    /// `GET /me/order/{orderId}/status` (a bare JSON string).
    fn order_status(&self, order_id: OrderId) -> ApiFuture<'_, OrderStatus>;

    /// `GET /me/order/{orderId}/availableRegisteredPaymentMean`: the payment means this
    /// order can be paid with.
    fn available_registered_payment_means(
        &self,
        order_id: OrderId,
    ) -> ApiFuture<'_, Vec<PaymentMean>>;

    /// `POST /me/order/{orderId}/payWithRegisteredPaymentMean` with
    /// `{paymentMean, paymentMeanId?}`. Sent exactly once, never retried.
    fn pay_with_registered_payment_mean(
        &self,
        order_id: OrderId,
        payment_mean: PaymentMean,
        payment_mean_id: Option<u64>,
    ) -> ApiFuture<'_, ()>;

    /// `GET /me/payment/method`: the ids of the account's payment methods.
    fn payment_methods(&self) -> ApiFuture<'_, Vec<u64>>;

    /// `POST /me/order/{orderId}/pay` with `{paymentMethod: {id}}`. Sent exactly once.
    fn pay_with_payment_method(
        &self,
        order_id: OrderId,
        payment_method_id: u64,
    ) -> ApiFuture<'_, ()>;
}

/// The access rules the calls of [`ServiceRenewApi`] need, as `(method, path pattern)`:
/// the one list [`AccessRule::renewal_flow`](crate::AccessRule::renewal_flow) and
/// [`CurrentCredential::missing_for_renewal`](crate::CurrentCredential::missing_for_renewal)
/// are made from. When a method is added to the trait, add its rule here; the test
/// `auth::renewal_flow_allows_every_call_of_the_workflow` sends every method to a mock
/// server and checks each request against these rules.
pub(crate) const RENEWAL_FLOW: [(&str, &str); 12] = [
    // service_infos, for the products of the renewal guide
    ("GET", "/vps/*/serviceInfos"),
    ("GET", "/domain/*/serviceInfos"),
    ("GET", "/hosting/web/*/serviceInfos"),
    ("GET", "/dedicated/server/*/serviceInfos"),
    // list_services
    ("GET", "/service"),
    // service, renew_descriptions (`/service/*/renew`)
    ("GET", "/service/*"),
    // create_renew_order
    ("POST", "/service/*/renew"),
    // order, order_status, available_registered_payment_means
    ("GET", "/me/order/*"),
    // pay_with_registered_payment_mean
    ("POST", "/me/order/*/payWithRegisteredPaymentMean"),
    // pay_with_payment_method
    ("POST", "/me/order/*/pay"),
    // payment_methods, and the details of one
    ("GET", "/me/payment/method"),
    ("GET", "/me/payment/method/*"),
];

pub(crate) fn service_path(id: ServiceId) -> ApiPath {
    ApiPath::new("/service").id("serviceId", id.0)
}

pub(crate) fn order_path(id: OrderId) -> ApiPath {
    ApiPath::new("/me/order").id("orderId", id.0)
}

/// The `/{product}/{serviceName}/serviceInfos` path, refusing what cannot travel.
pub(crate) fn service_infos_path(product: &str, service_name: &str) -> Result<ApiPath, Error> {
    let parts: Vec<&str> = product.split('/').filter(|p| !p.is_empty()).collect();
    let valid = |p: &&str| {
        p.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && *p != "."
            && *p != ".."
    };
    if parts.is_empty() || !parts.iter().all(valid) {
        return Err(Error::InvalidRequest(format!(
            "product {product:?} is not a route such as vps, domain, hosting/web or dedicated/server"
        )));
    }
    let mut path = ApiPath::new("");
    for p in parts {
        path = path.lit(p);
    }
    Ok(path
        .segment("serviceName", service_name)?
        .lit("serviceInfos"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayWithRegisteredPaymentMean {
    payment_mean: PaymentMean,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_mean_id: Option<u64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PayWithPaymentMethod {
    payment_method: PaymentMethodRef,
}

#[derive(Serialize)]
struct PaymentMethodRef {
    id: u64,
}

impl OvhClient {
    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: ApiPath) -> Result<T, Error> {
        self.call(Method::GET, &path).await
    }

    async fn post_void<B: Serialize>(&self, path: ApiPath, body: &B) -> Result<(), Error> {
        let body = serde_json::to_string(body)
            .map_err(|e| Error::InvalidRequest(format!("cannot serialize the body: {e}")))?;
        let answer = self.execute(&Method::POST, &path, Some(body)).await?;
        answer.accept(&Method::POST, &path)
    }
}

impl ServiceRenewApi for OvhClient {
    fn list_services(&self) -> ApiFuture<'_, Vec<ServiceId>> {
        Box::pin(self.get_json(ApiPath::new("/service")))
    }

    fn service(&self, id: ServiceId) -> ApiFuture<'_, Service> {
        Box::pin(self.get_json(service_path(id)))
    }

    fn service_infos<'a>(
        &'a self,
        product: &'a str,
        service_name: &'a str,
    ) -> ApiFuture<'a, ServiceInfos> {
        Box::pin(async move {
            self.get_json(service_infos_path(product, service_name)?)
                .await
        })
    }

    fn renew_descriptions(
        &self,
        id: ServiceId,
        include_options: bool,
    ) -> ApiFuture<'_, Vec<RenewDescription>> {
        Box::pin(
            self.get_json(
                service_path(id)
                    .lit("renew")
                    .query_bool("includeOptions", include_options),
            ),
        )
    }

    fn create_renew_order<'a>(
        &'a self,
        id: ServiceId,
        request: &'a RenewRequest,
    ) -> ApiFuture<'a, Order> {
        Box::pin(async move {
            request
                .validate()
                .map_err(|e| Error::InvalidRequest(e.to_string()))?;
            self.call_with_body(Method::POST, &service_path(id).lit("renew"), request)
                .await
        })
    }

    fn order(&self, order_id: OrderId) -> ApiFuture<'_, Order> {
        Box::pin(self.get_json(order_path(order_id)))
    }

    fn order_status(&self, order_id: OrderId) -> ApiFuture<'_, OrderStatus> {
        Box::pin(self.get_json(order_path(order_id).lit("status")))
    }

    fn available_registered_payment_means(
        &self,
        order_id: OrderId,
    ) -> ApiFuture<'_, Vec<PaymentMean>> {
        Box::pin(async move {
            let means: Vec<RegisteredPaymentMean> = self
                .get_json(order_path(order_id).lit("availableRegisteredPaymentMean"))
                .await?;
            Ok(means.into_iter().map(|m| m.payment_mean).collect())
        })
    }

    fn pay_with_registered_payment_mean(
        &self,
        order_id: OrderId,
        payment_mean: PaymentMean,
        payment_mean_id: Option<u64>,
    ) -> ApiFuture<'_, ()> {
        Box::pin(async move {
            let body = PayWithRegisteredPaymentMean {
                payment_mean,
                payment_mean_id,
            };
            self.post_void(
                order_path(order_id).lit("payWithRegisteredPaymentMean"),
                &body,
            )
            .await
        })
    }

    fn payment_methods(&self) -> ApiFuture<'_, Vec<u64>> {
        Box::pin(self.get_json(ApiPath::new("/me/payment/method")))
    }

    fn pay_with_payment_method(
        &self,
        order_id: OrderId,
        payment_method_id: u64,
    ) -> ApiFuture<'_, ()> {
        Box::pin(async move {
            let body = PayWithPaymentMethod {
                payment_method: PaymentMethodRef {
                    id: payment_method_id,
                },
            };
            self.post_void(order_path(order_id).lit("pay"), &body).await
        })
    }
}
