//! The operation table: every API call the crate models, written once.
//!
//! [`for_each_op!`] hands the whole table to a macro that generates code from it: the
//! [`Call`](super::Call), [`Op`](super::Op) and [`Reply`](super::Reply) enums (in
//! `ops`), the typed provided methods of [`ServiceRenewApi`](crate::ServiceRenewApi) (in
//! `api`), and the typed methods of the blocking client (in `blocking`).
//!
//! One entry is:
//!
//! ```text
//! /// The typed method's documentation.
//! Variant { /// field docs
//!           field: Type, ... }                      // the `Call` variant and its arguments
//!     => fn typed_method(arg: ArgType, ...)         // the provided method on the trait
//!     -> ReplyType                                  // what `Reply::Variant` carries
//!     = Call::Variant { field: arg, ... };          // how the method builds its `Call`
//! ```
//!
//! What each call sends, needs and answers (method, path, body, idempotency, access rule,
//! decoding, the account simulator's handling) is a `match` arm on [`Call`](super::Call)
//! or [`Op`](super::Op) in `ops` and `testing::account`: the compiler lists every arm a
//! new entry needs.

/// Calls `$m!` with the operation table (see the [module documentation](self)).
macro_rules! for_each_op {
    ($m:ident) => {
        $m! {
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
            ListServices
                => fn list_services() -> Vec<ServiceId> = Call::ListServices;

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
            Service {
                /// The service.
                id: ServiceId,
            } => fn service(id: ServiceId) -> Service = Call::Service { id };

            /// `GET /{product}/{serviceName}/serviceInfos`: `product` is a route such as
            /// `vps`, `domain`, `hosting/web` or `dedicated/server`, read as a
            /// [`Product`](crate::models::Product) (pass
            /// [`Product::as_route`](crate::models::Product::as_route) for a
            /// `Product`; text, not `impl Into<Product>`, keeps the trait object safe);
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
            ServiceInfos {
                /// The product route (`vps`, `hosting/web`, …).
                product: Product,
                /// The service name, as passed.
                service_name: String,
            } => fn service_infos(product: &'a str, service_name: &'a str) -> ServiceInfos
                = Call::ServiceInfos {
                    product: Product::from(product),
                    service_name: service_name.to_owned(),
                };

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
            RenewDescriptions {
                /// The service.
                id: ServiceId,
                /// Whether the choices of the service's options are asked for too.
                include_options: bool,
            } => fn renew_descriptions(id: ServiceId, include_options: bool) -> Vec<RenewDescription>
                = Call::RenewDescriptions { id, include_options };

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
            CreateRenewOrder {
                /// The service of the path.
                id: ServiceId,
                /// The request (the body), as passed.
                request: RenewRequest,
            } => fn create_renew_order(id: ServiceId, request: &'a RenewRequest) -> Order
                = Call::CreateRenewOrder { id, request: request.clone() };

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
            Order {
                /// The order.
                order_id: OrderId,
            } => fn order(order_id: OrderId) -> Order = Call::Order { order_id };

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
            OrderStatus {
                /// The order.
                order_id: OrderId,
            } => fn order_status(order_id: OrderId) -> OrderStatus = Call::OrderStatus { order_id };

            /// `GET /me/order/{orderId}/availableRegisteredPaymentMean`: the payment means this
            /// order can be paid with.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// use ovh_renew::models::PaymentMean;
            /// let client = OvhClient::from_env()?;
            /// let means = client.available_registered_payment_means(OrderId(300_000_001)).await?;
            /// println!("payable with PayPal: {}", means.contains(&PaymentMean::Paypal));
            /// # Ok(()) }
            /// ```
            AvailableRegisteredPaymentMeans {
                /// The order.
                order_id: OrderId,
            } => fn available_registered_payment_means(order_id: OrderId) -> Vec<PaymentMean>
                = Call::AvailableRegisteredPaymentMeans { order_id };

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
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// use ovh_renew::models::PaymentMean;
            /// let client = OvhClient::from_env()?;
            /// client
            ///     .pay_with_registered_payment_mean(OrderId(300_000_001), PaymentMean::Paypal, Some(1234))
            ///     .await?;
            /// # Ok(()) }
            /// ```
            PayWithRegisteredPaymentMean {
                /// The order.
                order_id: OrderId,
                /// The payment mean.
                payment_mean: PaymentMean,
                /// Its id (`paymentMeanId`), if passed.
                payment_mean_id: Option<u64>,
            } => fn pay_with_registered_payment_mean(
                order_id: OrderId,
                payment_mean: PaymentMean,
                payment_mean_id: Option<u64>,
            ) -> () = Call::PayWithRegisteredPaymentMean { order_id, payment_mean, payment_mean_id };

            /// `GET /me/payment/method`: the ids of every payment method of the account, whatever
            /// their status (expired and cancelled included): read each with
            /// [`payment_method`](Self::payment_method), or list only some with
            /// [`payment_methods_matching`](Self::payment_methods_matching).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let ids = client.payment_methods().await?;
            /// println!("payment methods: {ids:?}");
            /// # Ok(()) }
            /// ```
            PaymentMethods
                => fn payment_methods() -> Vec<u64> = Call::PaymentMethods;

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
            PayWithPaymentMethod {
                /// The order.
                order_id: OrderId,
                /// The payment method id.
                payment_method_id: u64,
            } => fn pay_with_payment_method(order_id: OrderId, payment_method_id: u64) -> ()
                = Call::PayWithPaymentMethod { order_id, payment_method_id };

            // The `/services` view (OVH v1 BETA), the renewal settings and the debt.

            /// `GET /services?routes=…&resourceName=…`: the ids of the services the filter
            /// selects (every service with [`ServiceFilter::all`]). `routes` is sent
            /// comma-separated, each query value form-encoded.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::ServiceFilter;
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let vps = client.services(&ServiceFilter::all().route("/vps")).await?;
            /// println!("{} VPS", vps.len());
            /// # Ok(()) }
            /// ```
            Services {
                /// The filter, as passed.
                filter: ServiceFilter,
            } => fn services(filter: &'a ServiceFilter) -> Vec<ServiceId>
                = Call::Services { filter: filter.clone() };

            /// `GET /services?routes=…&resourceName=…` asking for page `number` (1-based) of
            /// whole objects, `size` per page: sent with the headers
            /// `X-Pagination-Mode: CachedObjectList-Pages`, `X-Pagination-Size` and
            /// `X-Pagination-Number` (not signed: OVH signs method, URL, body and
            /// timestamp). The page's [`total`](ServicePage::total) is OVH's
            /// `X-Pagination-Elements`. A server that ignores the headers answers plain
            /// ids ([`ServicePage::ids`]). To read a whole fleet, with the fallback to
            /// per-id reads, use [`listing::view_services`](crate::listing::view_services).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::ServiceFilter;
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let page = client.services_page(&ServiceFilter::all(), 1, 1000).await?;
            /// println!("{} of {:?} services", page.items.len(), page.total);
            /// # Ok(()) }
            /// ```
            ServicesPage {
                /// The filter, as passed.
                filter: ServiceFilter,
                /// The page number (`X-Pagination-Number`, 1-based).
                number: u32,
                /// The page size asked for (`X-Pagination-Size`).
                size: u32,
            } => fn services_page(filter: &'a ServiceFilter, number: u32, size: u32) -> ServicePage
                = Call::ServicesPage { filter: filter.clone(), number, size };

            /// `GET /services/{serviceId}`: the service as the `/services` view shows it
            /// (resource, billing dates, renewal mode/period/next date and capacities,
            /// lifecycle state and pending actions, engagement, pricing, plan).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OvhClient, ServiceId, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let view = client.service_view(ServiceId(118_977_335)).await?;
            /// println!("{:?} {:?} {:?}", view.renewal_mode(), view.lifecycle_state(), view.pending_actions());
            /// # Ok(()) }
            /// ```
            ServiceView {
                /// The service.
                id: ServiceId,
            } => fn service_view(id: ServiceId) -> ServiceView = Call::ServiceView { id };

            /// `GET /services/{serviceId}/renewPeriodCapacities`: the periods the service's
            /// automatic renewal can be set to.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OvhClient, ServiceId, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// for period in client.renew_period_capacities(ServiceId(118_977_335)).await? {
            ///     println!("{period}");
            /// }
            /// # Ok(()) }
            /// ```
            RenewPeriodCapacities {
                /// The service.
                id: ServiceId,
            } => fn renew_period_capacities(id: ServiceId) -> Vec<RenewPeriod>
                = Call::RenewPeriodCapacities { id };

            /// `GET /me/debtAccount`: the account's debt balance. OVH's control panel
            /// blocks renewals while an amount is due ([`DebtBalance::has_due`]).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let debt = client.debt_balance().await?;
            /// println!("due: {:?}", debt.due());
            /// # Ok(()) }
            /// ```
            DebtBalance
                => fn debt_balance() -> DebtBalance = Call::DebtBalance;

            /// `PUT /services/{serviceId}` with `{renew: {mode, period}, terminationPolicy}`,
            /// only the fields given; an update that changes nothing is refused before
            /// sending. Check it first with [`RenewalUpdate::check`] against
            /// [`service_view`](Self::service_view) and
            /// [`renew_period_capacities`](Self::renew_period_capacities): OVH's refusal
            /// says less. Setting the same values twice changes nothing more, so this is
            /// the one call besides the `GET`s that is resent per the retry policy
            /// (e.g. once more after a 503). It needs its own access rule
            /// ([`AccessRule::renewal_settings`]), which
            /// [`AccessRule::renewal_flow`] does not grant.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::{RenewalMode, RenewalUpdate};
            /// use ovh_renew::{OvhClient, ServiceId, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let id = ServiceId(118_977_335);
            /// let update = RenewalUpdate::default().mode(RenewalMode::Manual);
            /// update.check(&client.service_view(id).await?, &client.renew_period_capacities(id).await?)?;
            /// client.update_renewal(id, &update).await?;
            /// # Ok(()) }
            /// ```
            UpdateRenewal {
                /// The service.
                id: ServiceId,
                /// The update (the body), as passed.
                update: RenewalUpdate,
            } => fn update_renewal(id: ServiceId, update: &'a RenewalUpdate) -> ()
                = Call::UpdateRenewal { id, update: update.clone() };

            // After the order (issue 15): find it, pay it with the right method, follow
            // its delivery, read its invoice. Kept together, after the calls above.

            /// `GET /me/order?date.from=&date.to=`: the ids of the account's orders created in
            /// the window (each bound optional; `None` leaves it open). An answer with a
            /// `null` in the list is an [`Error::Decode`], never a shorter list. Leave `until`
            /// open to see the newest orders: OVH's clock may be ahead of yours.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use chrono::{Duration, Utc};
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let recent = client.orders(Some(Utc::now() - Duration::days(7)), None).await?;
            /// println!("{} orders this week", recent.len());
            /// # Ok(()) }
            /// ```
            Orders {
                /// `date.from`, when bounded.
                since: Option<DateTime<Utc>>,
                /// `date.to`, when bounded.
                until: Option<DateTime<Utc>>,
            } => fn orders(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Vec<OrderId>
                = Call::Orders { since, until };

            /// `GET /me/order/{orderId}/details`: the ids of the order's lines.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let order = OrderId(300_000_001);
            /// for id in client.order_detail_ids(order).await? {
            ///     let line = client.order_detail(order, id).await?;
            ///     println!("{}: {:?} {}", line.domain, line.detail_type, line.total_price);
            /// }
            /// # Ok(()) }
            /// ```
            OrderDetailIds {
                /// The order.
                order_id: OrderId,
            } => fn order_detail_ids(order_id: OrderId) -> Vec<OrderDetailId>
                = Call::OrderDetailIds { order_id };

            /// `GET /me/order/{orderId}/details/{orderDetailId}`: one line of an order (its
            /// service name in `domain`, `RENEW` for a renewal, its prices; no period).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::{OrderDetailId, OrderId};
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let line = client.order_detail(OrderId(300_000_001), OrderDetailId(70_000_001)).await?;
            /// println!("renewal of {}: {}", line.domain, line.is_renewal());
            /// # Ok(()) }
            /// ```
            OrderDetail {
                /// The order.
                order_id: OrderId,
                /// The line.
                detail_id: OrderDetailId,
            } => fn order_detail(order_id: OrderId, detail_id: OrderDetailId) -> OrderDetail
                = Call::OrderDetail { order_id, detail_id };

            /// `GET /me/order/{orderId}/details/{orderDetailId}/extension` (BETA): what the
            /// line did (`renew`, `installation`, …) and its plan, with the period ordered.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::{OrderDetailId, OrderId};
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let ext = client.order_detail_extension(OrderId(300_000_001), OrderDetailId(70_000_001)).await?;
            /// println!("{:?} for {:?}", ext.order.action, ext.order.plan.period());
            /// # Ok(()) }
            /// ```
            OrderDetailExtension {
                /// The order.
                order_id: OrderId,
                /// The line.
                detail_id: OrderDetailId,
            } => fn order_detail_extension(order_id: OrderId, detail_id: OrderDetailId) -> ItemDetail
                = Call::OrderDetailExtension { order_id, detail_id };

            /// `GET /me/order/{orderId}/followUp` (BETA): where the order's delivery stands,
            /// step by step.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// for step in client.order_follow_up(OrderId(300_000_001)).await? {
            ///     println!("{}: {}", step.step, step.status);
            /// }
            /// # Ok(()) }
            /// ```
            OrderFollowUp {
                /// The order.
                order_id: OrderId,
            } => fn order_follow_up(order_id: OrderId) -> Vec<FollowUp>
                = Call::OrderFollowUp { order_id };

            /// `GET /me/order/{orderId}/paymentMethods` (BETA): the payment methods this order
            /// can be paid with.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let methods = client.order_payment_methods(OrderId(300_000_001)).await?;
            /// println!("payable with method 9876543: {}", methods.allows(9_876_543));
            /// # Ok(()) }
            /// ```
            OrderPaymentMethods {
                /// The order.
                order_id: OrderId,
            } => fn order_payment_methods(order_id: OrderId) -> OrderPaymentMethods
                = Call::OrderPaymentMethods { order_id };

            /// `GET /me/payment/method/{paymentMethodId}`: one payment method, with its
            /// status, whether it is the default, and its `paymentMeanId` (the id
            /// `payWithRegisteredPaymentMean` takes: `paypal:<paymentMeanId>`).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// for id in client.payment_methods().await? {
            ///     let m = client.payment_method(id).await?;
            ///     println!("{id} {} {} default={} mean id {:?}", m.payment_type, m.status, m.default, m.payment_mean_id);
            /// }
            /// # Ok(()) }
            /// ```
            PaymentMethod {
                /// The payment method id.
                id: u64,
            } => fn payment_method(id: u64) -> PaymentMethod = Call::PaymentMethod { id };

            /// `GET /me/payment/method?status=&default=&paymentType=`: the ids of the payment
            /// methods that pass `filter` (OVH filters). The filterable form of
            /// [`payment_methods`](Self::payment_methods); the empty filter sends the same
            /// request as it.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::PaymentMethodFilter;
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let default = client.payment_methods_matching(PaymentMethodFilter::valid().default_only()).await?;
            /// println!("valid default method: {default:?}");
            /// # Ok(()) }
            /// ```
            PaymentMethodsMatching {
                /// The filter (the query).
                filter: PaymentMethodFilter,
            } => fn payment_methods_matching(filter: PaymentMethodFilter) -> Vec<u64>
                = Call::PaymentMethodsMatching { filter };

            /// `GET /me/bill?orderId=`: the ids of the invoices of an order (text ids).
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::{OrderId, OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// for id in client.bills_for_order(OrderId(300_000_001)).await? {
            ///     let bill = client.bill(&id).await?;
            ///     println!("{id}: {}", bill.price_with_tax);
            /// }
            /// # Ok(()) }
            /// ```
            BillsForOrder {
                /// The order.
                order_id: OrderId,
            } => fn bills_for_order(order_id: OrderId) -> Vec<BillId>
                = Call::BillsForOrder { order_id };

            /// `GET /me/bill/{billId}`: one invoice (its password and URLs are redacted from
            /// `Debug`). The id is sent as one percent-encoded path segment; an empty id,
            /// `.` and `..` are refused before sending.
            ///
            /// ```no_run
            /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
            /// use ovh_renew::models::BillId;
            /// use ovh_renew::{OvhClient, ServiceRenewApi};
            /// let client = OvhClient::from_env()?;
            /// let bill = client.bill(&BillId::from("FR51234567")).await?;
            /// println!("{} for order {}", bill.price_with_tax, bill.order_id);
            /// # Ok(()) }
            /// ```
            Bill {
                /// The invoice.
                bill_id: BillId,
            } => fn bill(bill_id: &'a BillId) -> Bill = Call::Bill { bill_id: bill_id.clone() };
        }
    };
}

pub(crate) use for_each_op;
