//! `ovh_renew::ops`: the one `execute` seam. A test double implements `execute` alone,
//! and the crate's own doubles and client serve every operation of the table.
#![cfg(feature = "test-util")]

use std::sync::Mutex;

use ovh_renew::models::*;
use ovh_renew::ops::{Call, Op, Reply};
use ovh_renew::testing::{MockOvh, sandbox};
use ovh_renew::workflow::{RenewOptions, renew};
use ovh_renew::*;

use crate::support::fixture;

/// What a downstream user writes: `execute` alone, the arms the dry run needs (the
/// guards' two reads, the choices, the dry run) and `_`.
#[derive(Default)]
struct TwoArms {
    seen: Mutex<Vec<Call>>,
}

impl ServiceRenewApi for TwoArms {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        self.seen.lock().unwrap().push(call.clone());
        Box::pin(async move {
            match call {
                Call::ServiceView { .. } => Ok(Reply::ServiceView(
                    serde_json::from_slice(&fixture("services_get_vps.json")).unwrap(),
                )),
                Call::DebtBalance => Ok(Reply::DebtBalance(
                    serde_json::from_slice(&fixture("me_debt_account_none.json")).unwrap(),
                )),
                Call::RenewDescriptions { .. } => Ok(Reply::RenewDescriptions(
                    serde_json::from_slice(&fixture("renew_descriptions_vps.json")).unwrap(),
                )),
                Call::CreateRenewOrder { request, .. } if request.is_dry_run() => {
                    Ok(Reply::CreateRenewOrder(
                        serde_json::from_slice(&fixture("renew_order_vps.json")).unwrap(),
                    ))
                }
                other => Err(RefusedRequest::new(
                    RequestProblem::Unsupported,
                    format!("not faked: {}", other.op()),
                )
                .into()),
            }
        })
    }
}

#[tokio::test]
async fn a_fake_implementing_execute_alone_drives_the_renewal_dry_run() {
    let fake = TwoArms::default();
    let options = RenewOptions::new(sandbox::VPS_ID, "P3M".parse().unwrap());
    let report = renew(&fake, &options).await.unwrap();
    assert_eq!(report.dry_run.price_without_tax.ucents(), 10_350_000_000);
    assert_eq!(report.period.as_str(), "P3M");
    assert!(report.order().is_none(), "a dry run orders nothing");
    let seen = fake.seen.lock().unwrap().clone();
    assert_eq!(
        seen.iter().map(Call::op).collect::<Vec<_>>(),
        [
            Op::ServiceView,
            Op::DebtBalance,
            Op::RenewDescriptions,
            Op::CreateRenewOrder
        ]
    );
    assert!(matches!(
        &seen[3],
        Call::CreateRenewOrder { id, request } if *id == sandbox::VPS_ID && request.is_dry_run()
    ));

    // With the re-run check on (the default), a lookup the fake cannot answer stops the
    // workflow before the real order: nothing is ordered.
    let err = renew(&fake, &options.clone().order(true))
        .await
        .unwrap_err();
    assert!(err.nothing_ordered(), "{err}");
    assert!(err.to_string().contains("earlier renewal order"), "{err}");

    // The `_` arm answers what the fake does not model: a real order is refused there,
    // after the dry run, and the workflow says nothing was paid.
    let err = renew(&fake, &options.clone().order(true).no_reuse_check())
        .await
        .unwrap_err();
    assert!(crate::support::chain(&err).contains("not faked"), "{err}");
    assert_eq!(
        fake.seen
            .lock()
            .unwrap()
            .iter()
            .filter(
                |c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run())
            )
            .count(),
        1,
        "the real order was asked for exactly once"
    );
}

/// Answers the choices and the dry run, then the real order with another call's reply.
struct WrongOrderReply;

impl ServiceRenewApi for WrongOrderReply {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async move {
            match call {
                Call::CreateRenewOrder { request, .. } if !request.is_dry_run() => {
                    Ok(Reply::PaymentMethods(vec![]))
                }
                other => TwoArms::default().execute(other).await,
            }
        })
    }
}

#[tokio::test]
async fn a_wrong_reply_to_the_real_order_leaves_the_order_uncertain_not_absent() {
    let options = RenewOptions::new(sandbox::VPS_ID, "P3M".parse().unwrap())
        .order(true)
        .no_reuse_check();
    let err = renew(&WrongOrderReply, &options).await.unwrap_err();
    assert!(
        matches!(err, ovh_renew::workflow::RenewError::OrderUncertain { .. }),
        "{err:?}"
    );
    assert!(!err.nothing_ordered(), "{err}");
}

/// Answers every call with the reply of `list_services`.
struct WrongReplies;

impl ServiceRenewApi for WrongReplies {
    fn execute<'a>(&'a self, _: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async { Ok(Reply::ListServices(vec![ServiceId(1)])) })
    }
}

#[tokio::test]
async fn a_reply_to_another_call_is_a_typed_error_never_a_panic() {
    let api = WrongReplies;
    let request = RenewRequest::order("P1M".parse().unwrap(), vec![sandbox::VPS_ID]);
    let err = api
        .create_renew_order(sandbox::VPS_ID, &request)
        .await
        .unwrap_err();
    // Whatever answered may have created the order: never "nothing happened".
    assert!(err.may_have_been_processed(), "{err:?}");
    assert!(
        crate::support::chain(&err).contains("create_renew_order"),
        "{err}"
    );
    let err = api.order_status(OrderId(1)).await.unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(RequestProblem::MismatchedReply),
        "{err:?}"
    );
    assert!(err.to_string().contains("order_status"), "{err}");
    // The matching call is answered.
    assert_eq!(api.list_services().await.unwrap(), [ServiceId(1)]);
    // And the workflow reports it like any other error.
    let options = RenewOptions::new(sandbox::VPS_ID, "P1M".parse().unwrap());
    assert!(renew(&api, &options).await.is_err());
}

#[tokio::test]
async fn mock_ovh_routes_every_operation_of_the_table() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    for &op in Op::ALL {
        let call = op.example();
        let answer = client.execute(&call).await;
        // Answered by the account (an unknown order is its 404), never "invalid URL".
        if let Err(e) = &answer {
            assert!(
                !e.to_string().contains("invalid (or empty) URL"),
                "{op}: {e}"
            );
        }
        let template = call.path().unwrap().route().to_owned();
        let last = ovh.requests().pop().unwrap();
        assert_eq!(last.route.as_deref(), Some(template.as_str()), "{op}");
        assert_eq!(last.method, call.method().as_str(), "{op}");
    }
}

#[tokio::test]
async fn the_fake_and_the_mock_answer_every_operation_alike() {
    let ovh = MockOvh::start().await;
    let client = ovh.client();
    let fake = testing::FakeRenewApi::sandbox();
    // An unpaid order on both, so that the order calls have something to read.
    let order = RenewRequest::order("P1M".parse().unwrap(), vec![sandbox::VPS_ID]);
    let a = client
        .create_renew_order(sandbox::VPS_ID, &order)
        .await
        .unwrap();
    let b = fake
        .create_renew_order(sandbox::VPS_ID, &order)
        .await
        .unwrap();
    assert_eq!(a.order_id, b.order_id);
    for &op in Op::ALL {
        let call = match op.example() {
            Call::Order { .. } => Call::Order {
                order_id: a.order_id,
            },
            Call::OrderStatus { .. } => Call::OrderStatus {
                order_id: a.order_id,
            },
            Call::AvailableRegisteredPaymentMeans { .. } => Call::AvailableRegisteredPaymentMeans {
                order_id: a.order_id,
            },
            other => other,
        };
        let over_http = client.execute(&call).await;
        let in_memory = fake.execute(&call).await;
        match (&over_http, &in_memory) {
            (Ok(Reply::Order(x)), Ok(Reply::Order(y))) => {
                // Passwords are random per account: compare the rest.
                assert_eq!(
                    (x.order_id, &x.price_with_tax),
                    (y.order_id, &y.price_with_tax)
                );
            }
            (Ok(Reply::Bill(x)), Ok(Reply::Bill(y))) => {
                // Dated from each account's creation: compare the rest.
                assert_eq!(
                    (&x.bill_id, x.order_id, &x.price_with_tax, &x.category),
                    (&y.bill_id, y.order_id, &y.price_with_tax, &y.category),
                    "{op}"
                );
            }
            (Ok(Reply::OrderFollowUp(x)), Ok(Reply::OrderFollowUp(y))) => {
                // Dated from each account's own order: compare the steps.
                let steps = |f: &[ovh_renew::models::FollowUp]| {
                    f.iter()
                        .map(|s| (s.step.clone(), s.status.clone(), s.history.len()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(steps(x), steps(y), "{op}");
            }
            (Ok(x), Ok(y)) => assert_eq!(x, y, "{op}"),
            (Err(x), Err(y)) => assert_eq!(x.status(), y.status(), "{op}: {x} / {y}"),
            _ => panic!("{op}: {over_http:?} / {in_memory:?}"),
        }
    }
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_client_executes_every_operation_of_the_table_like_the_async_one() {
    // The mock runs on its own runtime; this thread is in none, as blocking code is.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let ovh = rt.block_on(MockOvh::start());
    let client = ovh_renew::blocking::OvhClient::from_async(ovh.client()).unwrap();
    let order = RenewRequest::order("P1M".parse().unwrap(), vec![sandbox::VPS_ID]);
    let created = client.create_renew_order(sandbox::VPS_ID, &order).unwrap();
    assert!(
        matches!(Op::Order.example(), Call::Order { order_id } if order_id == created.order_id),
        "the examples read this order"
    );
    for &op in Op::ALL {
        let before = ovh.requests().len();
        let reply = client.execute(&op.example());
        let sent: Vec<_> = ovh.requests()[before..]
            .iter()
            .filter(|r| r.path != "/auth/time")
            .cloned()
            .collect();
        assert_eq!(sent.len(), 1, "{op}: {sent:?}");
        if let Ok(reply) = reply {
            assert_eq!(reply.op(), op);
        }
    }
    // One real order, paid once (the registered mean), the second payment refused.
    assert_eq!(ovh.orders().len(), 1);
    assert_eq!(ovh.payments().len(), 1);
}
