//! The `blocking` feature: every call of the renewal API without async, against a
//! `MockOvh` served from another runtime, and a clear error (not a hang, not a panic)
//! when called from inside an async runtime.
#![cfg(feature = "blocking")]

use std::sync::mpsc;
use std::time::Duration;

use ovh_renew::blocking::OvhClient;
use ovh_renew::models::{OrderStatus, PaymentMean, RenewRequest};
use ovh_renew::testing::{MockOvh, PaidWith, sandbox};
use ovh_renew::workflow::{PaymentChoice, RenewOptions, ServiceRef, renew};
use ovh_renew::{ApiPath, Error, Method, ServiceRenewApi};

/// A `MockOvh` served by its own multi-thread runtime, which keeps running in the
/// background while the test thread blocks (and is not inside any runtime).
fn mock() -> (tokio::runtime::Runtime, MockOvh) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mock = rt.block_on(MockOvh::start());
    (rt, mock)
}

fn client(mock: &MockOvh) -> OvhClient {
    OvhClient::builder()
        .endpoint(mock.base_url().parse().unwrap())
        .credentials(mock.credentials())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[test]
fn every_call_of_the_trait_works_without_async() {
    let (_rt, mock) = mock();
    let client = client(&mock);
    let vps = sandbox::VPS_ID;

    assert!(client.list_services().unwrap().contains(&vps));
    let infos = client.service_infos("vps", sandbox::VPS_NAME).unwrap();
    assert_eq!(infos.service_id, vps);
    let service = client.service(vps).unwrap();
    assert_eq!(service.route.path.as_deref(), Some("/vps/{serviceName}"));
    let choices = client.renew_descriptions(vps, false).unwrap();
    let p3m = choices
        .iter()
        .find(|c| c.renew_period.as_str() == "P3M")
        .unwrap();
    let services = p3m.strategies[0].services.clone();
    let period = p3m.renew_period.clone();

    let quote = client
        .create_renew_order(
            vps,
            &RenewRequest::dry_run(period.clone(), services.clone()),
        )
        .unwrap();
    assert_eq!(quote.price_with_tax.ucents(), 12_420_000_000);
    let order = client
        .create_renew_order(vps, &RenewRequest::order(period.clone(), services.clone()))
        .unwrap();
    assert_eq!(
        client.order(order.order_id).unwrap().order_id,
        order.order_id
    );
    assert_eq!(
        client.order_status(order.order_id).unwrap(),
        OrderStatus::NotPaid
    );
    let means = client
        .available_registered_payment_means(order.order_id)
        .unwrap();
    assert!(means.contains(&PaymentMean::Paypal));
    client
        .pay_with_registered_payment_mean(order.order_id, PaymentMean::Paypal, Some(1234))
        .unwrap();

    let second = client
        .create_renew_order(vps, &RenewRequest::order(period, services))
        .unwrap();
    let methods = client.payment_methods().unwrap();
    client
        .pay_with_payment_method(second.order_id, methods[0])
        .unwrap();

    let orders = mock.orders();
    assert_eq!(orders.len(), 2);
    assert!(matches!(
        orders[0].paid.as_ref().map(|p| &p.with),
        Some(PaidWith::RegisteredMean {
            mean: PaymentMean::Paypal,
            id: Some(1234)
        })
    ));
    assert!(orders[1].paid.is_some());
    assert_eq!(mock.dry_runs().len(), 1);

    // The generic calls and the clock, through the same runtime.
    let ids: Vec<u64> = client.call(Method::Get, &ApiPath::new("/service")).unwrap();
    assert!(ids.contains(&vps.0));
    assert!(client.time_delta().unwrap().abs() <= 1);
    assert!(client.server_time().unwrap() > 1_700_000_000);
}

#[test]
fn the_workflow_runs_through_block_on_and_errors_are_the_async_ones() {
    let (_rt, mock) = mock();
    let client = OvhClient::from_async(mock.client()).unwrap();
    let options = RenewOptions::new(
        ServiceRef::named("vps", sandbox::VPS_NAME),
        "P3M".parse().unwrap(),
    )
    .order(true)
    .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
    let report = client
        .block_on(renew(client.as_async(), &options))
        .unwrap()
        .unwrap();
    assert_eq!(report.status(), Some(&OrderStatus::Delivered));
    assert_eq!(mock.orders().len(), 1);

    // Clones share the runtime and work from other threads.
    let clone = client.clone();
    let err = std::thread::spawn(move || clone.service_infos("vps", "no-such-vps"))
        .join()
        .unwrap()
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

/// Runs `f` on a new thread and fails the test if it has not returned within 20 s: a
/// blocking call inside a runtime must return an error, not hang.
fn within_20s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("the blocking client hung (or panicked) inside an async runtime")
}

fn assert_blocking_in_async(err: Error) {
    assert!(matches!(err, Error::BlockingInAsync), "{err:?}");
    assert!(!err.may_have_been_processed());
    let text = err.to_string();
    assert!(text.contains("inside an async runtime"), "{text}");
    assert!(text.contains("nothing was sent"), "{text}");
}

#[test]
fn calls_inside_a_current_thread_runtime_are_an_error_not_a_hang() {
    let (_rt, mock) = mock();
    let requests_before = mock.requests().len();
    let client = client(&mock);
    let errors = within_20s(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let errors = vec![
                client.list_services().unwrap_err(),
                client.order_status(ovh_renew::OrderId(1)).unwrap_err(),
                client.block_on(async { 1 }).unwrap_err(),
            ];
            // The last clone is dropped here, inside the runtime: no panic.
            drop(client);
            errors
        })
    });
    for err in errors {
        assert_blocking_in_async(err);
    }
    assert_eq!(mock.requests().len(), requests_before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_inside_a_multi_thread_runtime_are_an_error_and_a_plain_thread_works() {
    let mock = MockOvh::start().await;
    let client = OvhClient::from_async(mock.client()).unwrap();
    assert_blocking_in_async(client.list_services().unwrap_err());
    // spawn_blocking threads carry the runtime too: refused, as documented.
    let c = client.clone();
    let err = tokio::task::spawn_blocking(move || c.payment_methods())
        .await
        .unwrap()
        .unwrap_err();
    assert_blocking_in_async(err);
    // A plain thread has no runtime: the call runs.
    let c = client.clone();
    let ids = std::thread::spawn(move || c.list_services())
        .join()
        .unwrap()
        .unwrap();
    assert!(ids.contains(&sandbox::VPS_ID));
    // The async client inside works as usual on this runtime, promptly, even on the
    // connection the blocking call pooled: the blocking client's own thread drives it (a
    // connection left to an idle runtime would stall until the 10 s timeout).
    let ids = tokio::time::timeout(Duration::from_secs(5), client.as_async().list_services())
        .await
        .expect("a pooled connection of the blocking client stalled")
        .unwrap();
    assert!(ids.contains(&sandbox::VPS_ID));
}

#[test]
fn the_blocking_client_is_send_sync_clone_and_debug_shows_no_secret() {
    fn send_sync_clone<T: Send + Sync + Clone + std::fmt::Debug>() {}
    send_sync_clone::<OvhClient>();
    let (_rt, mock) = mock();
    let client = client(&mock);
    let debug = format!("{client:?}");
    assert!(debug.contains("blocking::OvhClient"), "{debug}");
    crate::support::assert_no_secret(&debug);
    for secret in [
        ovh_renew::testing::MOCK_APPLICATION_SECRET,
        ovh_renew::testing::MOCK_CONSUMER_KEY,
    ] {
        assert!(!debug.contains(secret), "{debug}");
    }
}
