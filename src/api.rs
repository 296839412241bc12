//! The renewal calls of OVH's guide, as one object-safe trait, and its implementation by
//! [`OvhClient`].

use std::future::Future;
use std::pin::Pin;

use reqwest::Method;
use serde::Serialize;

use crate::client::OvhClient;
use crate::error::Error;
use crate::models::{
    CreatedOrder, Order, OrderId, OrderStatus, PaymentMean, RegisteredPaymentMean,
    RenewDescription, RenewRequest, Service, ServiceId, ServiceInfos,
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
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// for id in client.list_services().await? {
    ///     println!("service {id}");
    /// }
    /// # Ok(()) }
    /// ```
    fn list_services(&self) -> ApiFuture<'_, Vec<ServiceId>>;

    /// `GET /service/{serviceId}`: one service, with its route, dates and renew mode.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OvhClient, ServiceId, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let service = client.service(ServiceId(118_977_335)).await?;
    /// println!("{:?} expires {:?}", service.route.url, service.expiration_date);
    /// # Ok(()) }
    /// ```
    fn service(&self, id: ServiceId) -> ApiFuture<'_, Service>;

    /// `GET /{product}/{serviceName}/serviceInfos`: `product` is a fixed route such as
    /// `vps`, `domain`, `hosting/web` or `dedicated/server` (split on `/`);
    /// `service_name` is always sent as exactly one percent-encoded segment (empty, `.`
    /// and `..` are refused before sending).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let infos = client.service_infos("vps", "vps-0baa4fcf.vps.ovh.net").await?;
    /// println!("service id {}, expires {:?}", infos.service_id, infos.expiration);
    /// # Ok(()) }
    /// ```
    fn service_infos<'a>(
        &'a self,
        product: &'a str,
        service_name: &'a str,
    ) -> ApiFuture<'a, ServiceInfos>;

    /// `GET /service/{serviceId}/renew?includeOptions=…`: one description per offered
    /// period, each with its strategies and prices (excluding tax).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let infos = client.service_infos("domain", "example.ovh").await?;
    /// for choice in client.renew_descriptions(infos.service_id, false).await? {
    ///     for strategy in &choice.strategies {
    ///         println!("{}: {} ucents for {:?}", choice.renew_period, strategy.price.ucents(), strategy.services);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    fn renew_descriptions(
        &self,
        id: ServiceId,
        include_options: bool,
    ) -> ApiFuture<'_, Vec<RenewDescription>>;

    /// `POST /service/{serviceId}/renew`: creates the renew order (or, with
    /// [`RenewRequest::dry_run`], only prices it). Sent exactly once, never retried; an
    /// empty service list is refused before sending. A real order's answer without a
    /// usable `orderId` (missing, `null` or 0) is an [`Error::Decode`]: the order may
    /// exist. A dry run's answer may lack it (it decodes as order 0).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{strategy, OvhClient, ServiceId, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let id = ServiceId(118_977_335);
    /// let choices = client.renew_descriptions(id, false).await?;
    /// let chosen = strategy::select_single(&choices, &"P3M".parse()?, id)?;
    /// // Always price it first: a dry run orders nothing.
    /// let quote = client.create_renew_order(id, &chosen.dry_run()).await?;
    /// println!("{} ucents with tax", quote.price_with_tax.ucents());
    /// // Then the real order, sent exactly once.
    /// let order = client.create_renew_order(id, &chosen.order()).await?;
    /// println!("order {}", order.order_id);
    /// # Ok(()) }
    /// ```
    fn create_renew_order<'a>(
        &'a self,
        id: ServiceId,
        request: &'a RenewRequest,
    ) -> ApiFuture<'a, Order>;

    /// `GET /me/order/{orderId}`.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let order = client.order(OrderId(300_000_001)).await?;
    /// println!("{} ucents with tax", order.price_with_tax.ucents());
    /// # Ok(()) }
    /// ```
    fn order(&self, order_id: OrderId) -> ApiFuture<'_, Order>;

    /// `GET /me/order/{orderId}/status` (a bare JSON string).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let status = client.order_status(OrderId(300_000_001)).await?;
    /// println!("{status}");
    /// # Ok(()) }
    /// ```
    fn order_status(&self, order_id: OrderId) -> ApiFuture<'_, OrderStatus>;

    /// `GET /me/order/{orderId}/availableRegisteredPaymentMean`: the payment means this
    /// order can be paid with.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OrderId, OvhClient, PaymentMean, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let means = client.available_registered_payment_means(OrderId(300_000_001)).await?;
    /// println!("payable with PayPal: {}", means.contains(&PaymentMean::Paypal));
    /// # Ok(()) }
    /// ```
    fn available_registered_payment_means(
        &self,
        order_id: OrderId,
    ) -> ApiFuture<'_, Vec<PaymentMean>>;

    /// `POST /me/order/{orderId}/payWithRegisteredPaymentMean` with
    /// `{paymentMean, paymentMeanId?}`. Sent exactly once, never retried.
    ///
    /// `Ok(())` only for what OVH answers (`null`, an empty body, 204). Any other success
    /// body (a captive portal's page) is an [`Error::Decode`] and a redirect an
    /// [`Error::Redirect`]: for both, and for timeouts and broken connections,
    /// [`Error::may_have_been_processed`] is `true`: read `GET /me/order/{orderId}/status`
    /// ([`order_status`](Self::order_status)) before paying again.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OrderId, OvhClient, PaymentMean, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// client
    ///     .pay_with_registered_payment_mean(OrderId(300_000_001), PaymentMean::Paypal, Some(1234))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    fn pay_with_registered_payment_mean(
        &self,
        order_id: OrderId,
        payment_mean: PaymentMean,
        payment_mean_id: Option<u64>,
    ) -> ApiFuture<'_, ()>;

    /// `GET /me/payment/method`: the ids of the account's payment methods.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let ids = client.payment_methods().await?;
    /// println!("payment methods: {ids:?}");
    /// # Ok(()) }
    /// ```
    fn payment_methods(&self) -> ApiFuture<'_, Vec<u64>>;

    /// `POST /me/order/{orderId}/pay` with `{paymentMethod: {id}}`. Sent exactly once.
    /// What counts as paid is as for
    /// [`pay_with_registered_payment_mean`](Self::pay_with_registered_payment_mean).
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
    /// let client = OvhClient::from_env()?;
    /// let order = OrderId(300_000_001);
    /// if let Some(method) = client.payment_methods().await?.first() {
    ///     client.pay_with_payment_method(order, *method).await?;
    /// }
    /// # Ok(()) }
    /// ```
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

    /// A POST of a call OVH documents as `void`: see `Answer::accept` in `transport.rs`
    /// for what counts as success.
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
            let path = service_path(id).lit("renew");
            if request.dry_run {
                self.call_with_body(Method::POST, &path, request).await
            } else {
                // A real order's answer must carry its id: never "order 0".
                let created: CreatedOrder =
                    self.call_with_body(Method::POST, &path, request).await?;
                Ok(created.0)
            }
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
