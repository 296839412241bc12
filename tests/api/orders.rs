//! After the order (issue 15): re-runs never order twice, payments use the right method,
//! delivery is followed, the invoice is read, uncertain errors resolve themselves.
#![cfg(feature = "test-util")]

use std::time::Duration;

use chrono::Utc;
use ovh_renew::models::AccessRule;
use ovh_renew::models::{
    BillCategory, FollowUpStatus, OrderDetailId, OrderId, OrderStatus, PaymentMethod,
    PaymentMethodFilter, PaymentMethodStatus, RenewPeriod,
};
use ovh_renew::ops::{Call, Op, Reply};
use ovh_renew::planner::{ExecutedLine, LineOrder, PeriodChoice, PlanOptions, execute_plan, plan};
use ovh_renew::testing::{FakeRenewApi, MockOvh, PaidWith, api_error, sandbox, transport_error};
use ovh_renew::workflow::{
    DeliveryEnd, DeliveryWait, EarlierOutcome, EarlierProblem, MatchRule, Payment, PaymentChoice,
    RenewError, RenewOptions, RenewOutcome, Resolution, ServiceRef, Step, UnpaidCause,
    find_renewal_orders, renew, resolve,
};
use ovh_renew::{ApiFuture, Endpoint, Error, ServiceRenewApi, TransportKind};

use crate::support::*;

fn p(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

fn vps(period: &str) -> RenewOptions {
    RenewOptions::new(ServiceRef::named("vps", sandbox::VPS_NAME), p(period)).order(true)
}

fn fast(timeout_ms: u64) -> DeliveryWait {
    DeliveryWait::new(Duration::from_millis(timeout_ms))
        .backoff(Duration::from_millis(1), Duration::from_millis(4))
}

fn real_orders(calls: &[Call]) -> usize {
    calls
        .iter()
        .filter(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
        .count()
}

/// Every call a run made is allowed by `AccessRule::renewal_flow()`.
fn assert_allowed_by_the_preset(calls: &[Call]) {
    let preset = AccessRule::renewal_flow();
    for call in calls {
        let need = call.access_rule().unwrap();
        assert!(
            preset.iter().any(|r| r.allows(&need.method, &need.path)),
            "{} needs {need}, which renewal_flow() does not grant",
            call.op()
        );
    }
}

#[tokio::test]
async fn a_rerun_after_a_crash_before_paying_pays_the_same_order() {
    let fake = FakeRenewApi::sandbox();
    // Run 1 orders, then "crashes" before paying (no payment choice).
    let first = renew(&fake, &vps("P3M")).await.unwrap();
    let order_id = first.order().unwrap().order_id;
    assert_eq!(first.status(), Some(&OrderStatus::NotPaid));
    assert_eq!(first.earlier_outcome(), None, "a new order");

    // Run 2, same command with a payment: no second order, the first one is paid.
    let second = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap();
    let earlier = second.earlier.as_ref().unwrap();
    assert_eq!(second.earlier_outcome(), Some(EarlierOutcome::Reused));
    assert_eq!(earlier.order_id, order_id);
    assert_eq!(earlier.period, Some(p("P3M")));
    assert_eq!(earlier.lines[0].rule, MatchRule::Both);
    // A reused order is reported as paid, with the default method it was paid with.
    let RenewOutcome::Paid { order, payment, .. } = &second.outcome else {
        panic!("paid: {:?}", second.outcome);
    };
    assert_eq!(order.order_id, order_id);
    assert_eq!(payment, &Payment::Default(sandbox::DEFAULT_PAYMENT_METHOD));
    assert!(!second.steps.contains(&Step::Order));
    assert_eq!(fake.orders().len(), 1, "one order across both runs");
    assert_eq!(real_orders(&fake.calls()), 1);
    assert_eq!(
        fake.count(Op::CreateRenewOrder),
        3,
        "two dry runs, one order"
    );
    let payments = fake.payments();
    assert_eq!(payments.len(), 1);
    assert_eq!(payments[0].order_id, order_id);
    assert_eq!(
        payments[0].with,
        PaidWith::PaymentMethod(sandbox::DEFAULT_PAYMENT_METHOD)
    );
    assert_eq!(
        second.payment_method.as_ref().map(|m| m.payment_method_id),
        Some(sandbox::DEFAULT_PAYMENT_METHOD)
    );
    assert_eq!(second.status(), Some(&OrderStatus::Delivered));
    let bill = second.bill.as_ref().unwrap();
    assert_eq!(bill.order_id, order_id);
    assert_eq!(bill.price_with_tax.ucents(), 12_420_000_000);
    assert_eq!(bill.category, Some(BillCategory::EarlyRenewal));
    assert_allowed_by_the_preset(&fake.calls());

    // Run 3: already renewed by that order; nothing ordered, nothing paid.
    let third = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap();
    assert_eq!(
        third.earlier_outcome(),
        Some(EarlierOutcome::AlreadyRenewed)
    );
    assert_eq!(third.earlier.as_ref().unwrap().order_id, order_id);
    assert_eq!(
        third.outcome,
        RenewOutcome::AlreadyRenewed {
            order_id,
            status: OrderStatus::Delivered
        }
    );
    assert!(third.order().is_none() && third.payment().is_none());
    assert!(third.payment_method.is_none() && third.delivery.is_none());
    // Its JSON: no order, the status and the earlier order that renews it; read back alike.
    let json = serde_json::to_value(&third).unwrap();
    assert_eq!(
        (&json["order"], &json["status"]),
        (&serde_json::Value::Null, &serde_json::json!("delivered"))
    );
    assert_eq!(json["earlier"]["order_id"], order_id.0);
    let back: ovh_renew::workflow::RenewReport = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back.outcome, third.outcome);
    assert_eq!(serde_json::to_value(&back).unwrap(), json);
    assert_eq!(third.bill.as_ref().unwrap().bill_id, bill.bill_id);
    assert_eq!((fake.orders().len(), fake.payments().len()), (1, 1));
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 1);
}

#[tokio::test]
async fn several_or_mismatched_earlier_orders_are_refused_and_nothing_is_ordered() {
    // Two unpaid orders for the same service (made with the check off).
    let fake = FakeRenewApi::sandbox();
    for _ in 0..2 {
        renew(&fake, &vps("P3M").no_reuse_check()).await.unwrap();
    }
    let err = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap_err();
    let RenewError::EarlierOrders { problem, orders } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*problem, EarlierProblem::Several);
    assert_eq!(orders.len(), 2);
    assert!(err.nothing_ordered(), "{err}");
    let text = err.to_string();
    assert!(
        text.contains("300000001") && text.contains("300000002"),
        "{text}"
    );
    assert_eq!(fake.orders().len(), 2, "no third order");
    assert!(fake.payments().is_empty());

    // One unpaid order for another period (another price): refused, not paid.
    let fake = FakeRenewApi::sandbox();
    renew(&fake, &vps("P1M")).await.unwrap();
    let err = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RenewError::EarlierOrders { problem: EarlierProblem::OtherPrice, orders } if orders.len() == 1),
        "{err:?}"
    );
    assert_eq!((fake.orders().len(), fake.payments().len()), (1, 0));

    // Turned off explicitly: a new order.
    let report = renew(&fake, &vps("P3M").no_reuse_check()).await.unwrap();
    assert!(report.earlier.is_none());
    assert_eq!(fake.orders().len(), 2);
    assert!(!report.steps.contains(&Step::FindEarlierOrders));

    // A window that ends before the order: not seen, a new order.
    let fake = FakeRenewApi::sandbox();
    renew(&fake, &vps("P3M")).await.unwrap();
    renew(&fake, &vps("P3M").reuse_window(Duration::ZERO))
        .await
        .unwrap();
    assert_eq!(fake.orders().len(), 2);
}

#[tokio::test]
async fn a_lookup_the_key_may_not_make_orders_nothing_and_names_the_rule() {
    let fake = FakeRenewApi::sandbox();
    fake.fail_next(Op::Orders, || {
        api_error(403, "NOT_GRANTED_CALL", "This call has not been granted")
    });
    let err = renew(&fake, &vps("P3M")).await.unwrap_err();
    let RenewError::NothingOrdered { step, source } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*step, Step::FindEarlierOrders);
    assert!(source.is_not_granted());
    let hint = source.api().unwrap().hint().unwrap();
    assert!(hint.contains("GET /me/order"), "{hint}");
    assert_eq!(real_orders(&fake.calls()), 0);
    assert!(fake.orders().is_empty());

    // A lookup that breaks half-way (a line cannot be read) orders nothing either.
    let fake = FakeRenewApi::sandbox();
    renew(&fake, &vps("P1M")).await.unwrap();
    let broken = fake
        .fail_when(|c| c.op() == Op::OrderDetail)
        .with(|| transport_error(TransportKind::Timeout, true));
    let err = renew(&fake, &vps("P1M")).await.unwrap_err();
    assert!(err.nothing_ordered(), "{err}");
    assert_eq!(broken.fired(), 1);
    assert_eq!(fake.orders().len(), 1);
}

#[tokio::test]
async fn the_default_payment_method_must_exist_and_be_valid_before_anything_is_ordered() {
    let expired: PaymentMethod = model(serde_json::json!({
        "paymentMethodId": 9_000_001,
        "paymentType": "CREDIT_CARD",
        "status": "EXPIRED",
        "default": true,
        "label": "XXXX 0019",
    }));
    let valid = PaymentMethod::new(9_000_002, "PAYPAL", PaymentMethodStatus::Valid);
    let cases = [
        (vec![expired.clone(), valid.clone()], "EXPIRED"),
        (vec![valid.clone()], "no default payment method"),
    ];
    for (methods, want) in cases {
        let fake = FakeRenewApi::sandbox();
        fake.set_payment_method_details(methods);
        let err = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                RenewError::NothingOrdered {
                    step: Step::CheckPaymentMean,
                    ..
                }
            ),
            "{err:?}"
        );
        let text = chain(&err);
        assert!(text.contains(want), "{text}");
        assert_eq!(real_orders(&fake.calls()), 0, "{want}");
    }
    // A chosen method that is expired: refused, naming it and its status.
    let fake = FakeRenewApi::sandbox();
    let err = renew(
        &fake,
        &vps("P3M").pay(PaymentChoice::Method(sandbox::EXPIRED_PAYMENT_METHOD)),
    )
    .await
    .unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("9876500") && text.contains("EXPIRED") && err.nothing_ordered(),
        "{text}"
    );
    assert!(fake.orders().is_empty());
}

/// The sandbox, except that `GET /me/order/{id}/paymentMethods` lists nothing.
struct NoMethodForTheOrder(FakeRenewApi);

impl ServiceRenewApi for NoMethodForTheOrder {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async move {
            match self.0.execute(call).await? {
                Reply::OrderPaymentMethods(mut m) => {
                    m.payment_methods.clear();
                    m.registered.clear();
                    Ok(Reply::OrderPaymentMethods(m))
                }
                other => Ok(other),
            }
        })
    }
}

#[tokio::test]
async fn a_method_the_order_cannot_be_paid_with_leaves_it_unpaid_and_unpaid_is_said() {
    let fake = FakeRenewApi::sandbox();
    let api = NoMethodForTheOrder(fake.clone());
    let err = renew(
        &api,
        &vps("P3M").pay(PaymentChoice::Method(sandbox::PAYPAL_PAYMENT_METHOD)),
    )
    .await
    .unwrap_err();
    let RenewError::OrderUnpaid {
        order_id,
        step: Step::CheckPaymentMean,
        source: UnpaidCause::PaymentMethodUnavailable { requested, allowed },
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*requested, sandbox::PAYPAL_PAYMENT_METHOD);
    assert!(allowed.is_empty());
    assert_eq!(fake.orders()[0].order_id, *order_id);
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 0);
}

#[tokio::test]
async fn ovh_us_refuses_registered_payment_means_before_sending_anything() {
    let fake = FakeRenewApi::sandbox().with_endpoint(Endpoint::OvhUs);
    let options = vps("P3M").pay(PaymentChoice::registered(
        ovh_renew::models::PaymentMean::Paypal,
        Some(1234),
    ));
    let err = renew(&fake, &options).await.unwrap_err();
    let text = chain(&err);
    assert!(
        text.contains("ovh-us") && text.contains("PaymentChoice::Default"),
        "{text}"
    );
    assert!(fake.calls().is_empty(), "{:?}", fake.calls());
    // Elsewhere, and with a method on ovh-us, it goes through.
    renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap();
    assert_eq!(fake.payments().len(), 1);
}

#[tokio::test]
async fn waiting_for_delivery_polls_with_backoff_and_never_resends() {
    let fake = FakeRenewApi::sandbox();
    fake.set_delivery_polls(3);
    let report = renew(
        &fake,
        &vps("P3M")
            .pay(PaymentChoice::Default)
            .delivery_wait(fast(5_000)),
    )
    .await
    .unwrap();
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.end, DeliveryEnd::Delivered);
    assert_eq!(delivery.status, OrderStatus::Delivered);
    assert!(
        delivery
            .follow_up
            .iter()
            .all(|s| s.status == FollowUpStatus::Done),
        "{:?}",
        delivery.follow_up
    );
    assert_eq!(report.status(), Some(&OrderStatus::Delivered));
    assert!(report.bill.is_some());
    // Reads: status then follow-up, alternately, until the 3rd read delivers.
    let statuses = fake.count(Op::OrderStatus);
    assert!(statuses >= 2, "{statuses}");
    // Every status read counts, the one right after paying included.
    assert_eq!(delivery.polls as usize, fake.count(Op::OrderStatus));
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 1);
    assert_eq!(real_orders(&fake.calls()), 1);
    assert_eq!(
        report.steps[report.steps.len() - 2..],
        [Step::WaitDelivery, Step::ReadBill]
    );
}

#[tokio::test]
async fn a_wait_that_times_out_reports_where_the_order_stands_without_an_invoice() {
    let fake = FakeRenewApi::sandbox();
    fake.set_delivery_polls(1_000);
    let report = renew(
        &fake,
        &vps("P3M")
            .pay(PaymentChoice::Default)
            .delivery_wait(fast(30)),
    )
    .await
    .unwrap();
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.end, DeliveryEnd::TimedOut);
    assert_eq!(delivery.status, OrderStatus::Delivering);
    assert!(report.bill.is_none() && report.bill_error.is_none());
    assert_eq!(report.status(), Some(&OrderStatus::Delivering));
    assert_eq!(fake.payments().len(), 1);
}

#[tokio::test]
async fn a_status_that_cannot_be_read_ends_the_wait_and_keeps_the_payment() {
    let fake = FakeRenewApi::sandbox();
    fake.set_delivery_polls(5);
    // The first status read (right after paying) works, the next ones time out.
    let api = OnlyFirstStatus {
        fake: fake.clone(),
        seen: Default::default(),
    };
    let report = renew(
        &api,
        &vps("P3M")
            .pay(PaymentChoice::Default)
            .delivery_wait(fast(5_000)),
    )
    .await
    .unwrap();
    let delivery = report.delivery.as_ref().unwrap();
    assert!(
        matches!(&delivery.end, DeliveryEnd::StatusUnreadable(text) if !text.is_empty()),
        "{:?}",
        delivery.end
    );
    assert_eq!(delivery.status, OrderStatus::Checking);
    assert_eq!(fake.payments().len(), 1);
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 1);
}

/// The sandbox, except that every status read after the first times out (a stalled
/// server).
struct OnlyFirstStatus {
    fake: FakeRenewApi,
    seen: std::sync::Mutex<usize>,
}

impl ServiceRenewApi for OnlyFirstStatus {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        Box::pin(async move {
            if call.op() == Op::OrderStatus {
                let n = {
                    let mut seen = self.seen.lock().unwrap();
                    *seen += 1;
                    *seen
                };
                if n > 1 {
                    return Err(transport_error(TransportKind::Timeout, false));
                }
            }
            self.fake.execute(call).await
        })
    }
}

#[tokio::test]
async fn a_cancelled_wait_sends_nothing_more_and_the_order_stays_paid() {
    let fake = FakeRenewApi::sandbox();
    fake.set_delivery_polls(1_000_000);
    let slow = DeliveryWait::new(Duration::from_secs(3_600))
        .backoff(Duration::from_millis(20), Duration::from_millis(20));
    let options = vps("P3M").pay(PaymentChoice::Default).delivery_wait(slow);
    let run = renew(&fake, &options);
    assert!(
        tokio::time::timeout(Duration::from_millis(200), run)
            .await
            .is_err(),
        "still waiting"
    );
    let after_cancel = fake.calls().len();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        fake.calls().len(),
        after_cancel,
        "nothing sent after the cancel"
    );
    assert_eq!(fake.payments().len(), 1);
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 1);
    assert!(fake.count(Op::OrderStatus) >= 2);
}

#[tokio::test]
async fn find_renewal_orders_reads_the_lines_of_the_sandbox_history_including_a_bundle() {
    let fake = FakeRenewApi::sandbox();
    let since = Utc::now() - chrono::TimeDelta::days(100);
    let vps_orders = find_renewal_orders(&fake, &ServiceRef::Id(sandbox::VPS_ID), since)
        .await
        .unwrap();
    assert_eq!(vps_orders.len(), 1);
    assert_eq!(vps_orders[0].order_id, sandbox::PAST_VPS_ORDER);
    assert_eq!(vps_orders[0].status, OrderStatus::Delivered);
    assert_eq!(vps_orders[0].period, Some(p("P1M")));
    assert!(vps_orders[0].is_paid());
    // The bundle renews the domain and the hosting, both named agora3.ovh: one line each.
    let named = find_renewal_orders(&fake, &ServiceRef::named("domain", "agora3.ovh"), since)
        .await
        .unwrap();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].order_id, sandbox::PAST_BUNDLE_ORDER);
    assert_eq!(named[0].lines.len(), 2);
    assert_eq!(named[0].price_without_tax.ucents(), 3_787_000_000);
    // The window is open at its end: only date.from is sent.
    let listing = fake
        .calls()
        .into_iter()
        .find(|c| c.op() == Op::Orders)
        .unwrap();
    assert!(matches!(
        listing,
        Call::Orders {
            since: Some(_),
            until: None
        }
    ));
    // Outside the window: nothing.
    let recent = find_renewal_orders(
        &fake,
        &ServiceRef::Id(sandbox::VPS_ID),
        Utc::now() - chrono::TimeDelta::days(7),
    )
    .await
    .unwrap();
    assert!(recent.is_empty());
    assert_allowed_by_the_preset(&fake.calls());
}

#[tokio::test]
async fn uncertain_errors_resolve_to_what_really_happened() {
    // The order is created, its answer lost: OrderUncertain, then resolved as unpaid.
    let fake = FakeRenewApi::sandbox();
    let _lost = fake
        .fail_when(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true))
        .after_processing();
    let err = renew(&fake, &vps("P3M")).await.unwrap_err();
    assert!(matches!(err, RenewError::OrderUncertain { .. }), "{err:?}");
    let created = fake.orders()[0].order_id;
    assert_eq!(
        resolve(&fake, &err).await.unwrap(),
        Resolution::Unpaid(created)
    );

    // The payment is taken, its answer lost: PaymentUncertain, then resolved as paid.
    let fake = FakeRenewApi::sandbox();
    fake.fail_next_after_processing(Op::PayWithPaymentMethod, || {
        transport_error(TransportKind::Timeout, true)
    });
    let err = renew(&fake, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap_err();
    let RenewError::PaymentUncertain { order_id, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(matches!(
        resolve(&fake, &err).await.unwrap(),
        Resolution::Paid { order_id: o, .. } if o == *order_id
    ));
    assert_eq!(fake.count(Op::PayWithPaymentMethod), 1, "never resent");

    // The order request never left: resolved as no order.
    let fake = FakeRenewApi::sandbox();
    let _lost = fake
        .fail_when(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true));
    let err = renew(&fake, &vps("P3M")).await.unwrap_err();
    assert_eq!(resolve(&fake, &err).await.unwrap(), Resolution::NoOrder);
    // Nothing ordered by the error's own account: no call at all.
    let before = fake.calls().len();
    let refused = RenewError::EarlierOrders {
        problem: EarlierProblem::Several,
        orders: vec![],
    };
    assert_eq!(
        resolve(&fake, &refused).await.unwrap(),
        Resolution::NothingOrdered
    );
    assert_eq!(fake.calls().len(), before);
}

#[tokio::test]
async fn pay_order_pays_the_order_asked_for_after_the_same_checks() {
    let fake = FakeRenewApi::sandbox();
    let first = renew(&fake, &vps("P3M")).await.unwrap();
    let order_id = first.order().unwrap().order_id;
    // Not a renewal of this service: refused.
    let err = renew(
        &fake,
        &RenewOptions::new(ServiceRef::named("domain", "agora3.ovh"), p("P1Y"))
            .pay_order(order_id)
            .pay(PaymentChoice::Default),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::EarlierOrders {
                problem: EarlierProblem::NotARenewal,
                ..
            }
        ),
        "{err:?}"
    );
    // Another period than the order's: refused.
    let err = renew(
        &fake,
        &vps("P1M").pay_order(order_id).pay(PaymentChoice::Default),
    )
    .await
    .unwrap_err();
    assert!(err.nothing_ordered(), "{err}");
    // The right one: paid, no new order.
    let report = renew(
        &fake,
        &vps("P3M").pay_order(order_id).pay(PaymentChoice::Default),
    )
    .await
    .unwrap();
    assert_eq!(report.order().unwrap().order_id, order_id);
    assert_eq!((fake.orders().len(), fake.payments().len()), (1, 1));
}

#[tokio::test]
async fn the_planner_pays_unpaid_orders_of_an_earlier_run_and_tells_them_apart() {
    let fake = FakeRenewApi::sandbox();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y")));
    let planned = plan(&fake, &options, None).await.unwrap();
    assert_eq!(planned.ready().count(), 2, "domain and hosting");
    // Run 1 orders both lines (the domain and the hosting share a name) without paying.
    let run1 = execute_plan(&fake, &planned, None).await;
    assert!(run1.iter().all(|l| {
        let r = l.outcome.as_ref().unwrap().as_ref().unwrap();
        r.earlier.is_none() && r.order().is_some()
    }));
    assert_eq!(fake.orders().len(), 2);
    let made: Vec<Option<LineOrder>> = run1.iter().map(ExecutedLine::order).collect();
    assert_eq!(
        made,
        [
            Some(LineOrder::New(OrderId(300_000_001))),
            Some(LineOrder::New(OrderId(300_000_002)))
        ]
    );
    // The plan still has both lines; run 2 pays the two unpaid orders, orders nothing.
    let planned = plan(&fake, &options, None).await.unwrap();
    assert_eq!(planned.ready().count(), 2);
    let pay = PaymentChoice::Default;
    let run2 = execute_plan(&fake, &planned, Some(&pay)).await;
    for line in &run2 {
        let report = line.outcome.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(
            report.earlier_outcome(),
            Some(EarlierOutcome::Reused),
            "{:?}",
            line.service_id
        );
    }
    let reused: Vec<Option<LineOrder>> = run2.iter().map(ExecutedLine::order).collect();
    assert_eq!(
        reused,
        [
            Some(LineOrder::Reused(OrderId(300_000_001))),
            Some(LineOrder::Reused(OrderId(300_000_002)))
        ]
    );
    assert_eq!((fake.orders().len(), fake.payments().len()), (2, 2));
    // Run 3: both already renewed.
    let run3 = execute_plan(&fake, &planned, Some(&pay)).await;
    for line in &run3 {
        let report = line.outcome.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(
            report.earlier_outcome(),
            Some(EarlierOutcome::AlreadyRenewed)
        );
    }
    assert!(matches!(
        run3[0].order(),
        Some(LineOrder::AlreadyRenewed(OrderId(300_000_001)))
    ));
    assert_eq!((fake.orders().len(), fake.payments().len()), (2, 2));
    assert_allowed_by_the_preset(&fake.calls());
}

#[test]
fn the_preset_grants_every_call_of_the_table_including_the_order_list_and_invoices() {
    let preset = AccessRule::renewal_flow();
    // The settings change is not a renewal call: it has its own preset.
    let settings = AccessRule::renewal_settings();
    let put = Op::UpdateRenewal.example().access_rule().unwrap();
    assert!(settings.iter().any(|r| r.allows(&put.method, &put.path)));
    for op in Op::ALL
        .iter()
        .copied()
        .filter(|op| *op != Op::UpdateRenewal)
    {
        assert_allowed_by_the_preset(&[op.example()]);
        for need in op.access_rules() {
            assert!(
                preset.contains(&need) || preset.iter().any(|r| r.allows(&need.method, &need.path))
            );
        }
    }
    for (method, path) in [
        ("GET", "/me/order"),
        ("GET", "/me/order?date.from=2024-08-01T00:00:00Z"),
        ("GET", "/me/bill"),
        ("GET", "/me/bill/FR51234567"),
        ("GET", "/me/payment/method/9876543"),
        ("GET", "/me/order/1/followUp"),
    ] {
        assert!(
            preset.iter().any(|r| r.allows(method, path)),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn over_http_the_new_answers_decode_and_nulls_are_typed_errors() {
    let server = RawServer::start(|r: &RawRequest| {
        let t = r.target.as_str();
        match t {
            _ if t.starts_with("/1.0/me/order?") => {
                RawReply::Full(200, b"[214110656,null,214110657]".to_vec())
            }
            "/1.0/me/order/1/details/2" => RawReply::Full(
                200,
                br#"{"orderDetailId":2,"domain":"x","detailType":"RENEW_V2","quantity":"3","unitPrice":{"value":1},"totalPrice":{"value":3}}"#.to_vec(),
            ),
            "/1.0/me/order/1/details" => RawReply::Full(200, b"null".to_vec()),
            _ => RawReply::Full(404, fixture("error_not_found.json")),
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let err = client.orders(Some(Utc::now()), None).await.unwrap_err();
    // Never a shorter list: the `null` is named.
    assert!(
        matches!(&err, Error::Decode(d) if d.field == "[1]"),
        "{err:?}"
    );
    let line = client
        .order_detail(OrderId(1), OrderDetailId(2))
        .await
        .unwrap();
    assert_eq!(line.quantity, Some(3));
    assert!(
        !line.is_renewal(),
        "an unknown type is kept, not taken for RENEW"
    );
    let err = client.order_detail_ids(OrderId(1)).await.unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    // Listing methods by filter sends the query.
    let _ = client
        .payment_methods_matching(PaymentMethodFilter::valid().default_only())
        .await;
    let targets: Vec<String> = server.received().iter().map(|r| r.target.clone()).collect();
    assert!(
        targets
            .iter()
            .any(|t| t == "/1.0/me/payment/method?default=true&status=VALID"),
        "{targets:?}"
    );
}

#[tokio::test]
async fn the_invoice_secrets_stay_out_of_debug_and_the_report_json_over_http() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let report = renew(&client, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap();
    let bill = report.bill.as_ref().unwrap();
    assert!(!bill.password.is_empty() && bill.pdf_url.contains(&bill.password));
    let debug = format!("{report:?}");
    let json = serde_json::to_string(&report).unwrap();
    for shown in [&debug, &json] {
        assert!(!shown.contains(&bill.password), "{shown}");
        assert!(shown.contains(bill.bill_id.as_str()));
    }
    // The method listing answers "where does paypal:1234 come from".
    let paypal = client
        .payment_method(sandbox::PAYPAL_PAYMENT_METHOD)
        .await
        .unwrap();
    assert_eq!(paypal.payment_mean_id, Some(1234));
    let valid = client
        .payment_methods_matching(PaymentMethodFilter::valid())
        .await
        .unwrap();
    assert_eq!(
        valid,
        [
            sandbox::DEFAULT_PAYMENT_METHOD,
            sandbox::PAYPAL_PAYMENT_METHOD
        ]
    );
}

#[tokio::test]
async fn over_http_a_rerun_sends_one_order_and_one_payment_in_all() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    renew(&client, &vps("P3M")).await.unwrap();
    let report = renew(&client, &vps("P3M").pay(PaymentChoice::Default))
        .await
        .unwrap();
    assert_eq!(report.earlier_outcome(), Some(EarlierOutcome::Reused));
    let requests = mock.requests();
    let count = |m: &str, route: &str| requests.iter().filter(|r| r.is(m, route)).count();
    assert_eq!(
        count("POST", "/service/{serviceId}/renew"),
        3,
        "two dry runs, one order"
    );
    assert_eq!(count("POST", "/me/order/{orderId}/pay"), 1);
    assert_eq!(count("GET", "/me/order"), 2, "one lookup per run");
    let not_get = requests.iter().filter(|r| r.method != "GET").count();
    assert_eq!(not_get, 4, "3 renew POSTs and 1 pay POST, nothing else");
    assert_eq!((mock.orders().len(), mock.payments().len()), (1, 1));
    let payment = &mock.payments()[0];
    assert_eq!(payment.order_id, report.order().unwrap().order_id);
    assert_eq!(
        payment.with,
        PaidWith::PaymentMethod(sandbox::DEFAULT_PAYMENT_METHOD)
    );
}

/// A server whose order is paid but never delivered ("delivering" forever), whose
/// follow-up answers `null`, and which counts what it receives.
fn never_delivered(r: &RawRequest) -> RawReply {
    let t = r.target.as_str();
    let ok = |name: &str| RawReply::Full(200, fixture(name));
    match (r.method.as_str(), t) {
        // The guards' reads: an active VPS, no debt.
        ("GET", "/1.0/services/118977335") => ok("services_get_vps.json"),
        ("GET", "/1.0/me/debtAccount") => ok("me_debt_account_none.json"),
        ("GET", _) if t.contains("/renew?") => ok("renew_descriptions_vps.json"),
        ("POST", _) if t.ends_with("/renew") => ok("renew_order_vps.json"),
        ("GET", "/1.0/service/118977335") => ok("service_get_vps.json"),
        ("GET", _) if t.starts_with("/1.0/me/order?") => RawReply::Full(200, b"[]".to_vec()),
        ("GET", _) if t.starts_with("/1.0/me/payment/method?") => ok("payment_method_list.json"),
        ("GET", "/1.0/me/payment/method/9876543") => ok("payment_method.json"),
        ("GET", _) if t.ends_with("/paymentMethods") => ok("me_order_payment_methods.json"),
        ("POST", "/1.0/me/order/214110657/pay") => RawReply::Full(200, b"null".to_vec()),
        ("GET", "/1.0/me/order/214110657/status") => {
            RawReply::Full(200, b"\"delivering\"".to_vec())
        }
        ("GET", "/1.0/me/order/214110657/followUp") => RawReply::Full(200, b"null".to_vec()),
        _ => RawReply::Full(404, fixture("error_not_found.json")),
    }
}

#[tokio::test]
async fn a_server_that_never_delivers_is_polled_until_the_timeout_and_paid_once() {
    let server = RawServer::start(never_delivered).await;
    let client = server.builder().build().unwrap();
    let options = RenewOptions::new(sandbox::VPS_ID, p("P3M"))
        .order(true)
        .pay(PaymentChoice::Default)
        .delivery_wait(fast(60));
    let report = renew(&client, &options).await.unwrap();
    let delivery = report.delivery.as_ref().unwrap();
    assert_eq!(delivery.end, DeliveryEnd::TimedOut);
    assert_eq!(delivery.status, OrderStatus::Delivering);
    assert!(
        delivery.follow_up.is_empty(),
        "a null follow-up is not a step"
    );
    assert!(report.bill.is_none(), "not delivered: no invoice asked for");
    let received = server.received();
    let targets = |m: &str, t: &str| {
        received
            .iter()
            .filter(|r| r.method == m && r.target == t)
            .count()
    };
    assert_eq!(targets("POST", "/1.0/me/order/214110657/pay"), 1);
    assert_eq!(targets("POST", "/1.0/service/118977335/renew"), 2);
    assert_eq!(
        received.iter().filter(|r| r.method != "GET").count(),
        3,
        "a dry run, the order and one payment; nothing resent while waiting"
    );
    let pay = received
        .iter()
        .find(|r| r.target == "/1.0/me/order/214110657/pay")
        .unwrap();
    assert_eq!(pay.body, br#"{"paymentMethod":{"id":9876543}}"#);
    assert_eq!(
        targets("GET", "/1.0/me/order/214110657/status"),
        delivery.polls as usize
    );
    assert!(delivery.polls >= 2, "{}", delivery.polls);
    assert!(
        received
            .iter()
            .all(|r| !r.target.starts_with("/1.0/me/bill")),
        "no invoice read for an order not delivered"
    );
}
