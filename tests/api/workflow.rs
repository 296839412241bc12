//! The renewal workflow and the expiry planner, against `FakeRenewApi` (in memory) and
//! `MockOvh` (over HTTP), including a failure at every step.
#![cfg(feature = "test-util")]

use ovh_renew::models::*;
use ovh_renew::ops::{Call, Op};
use ovh_renew::planner::{
    PeriodChoice, PlanOptions, PlanOutcome, PlanStep, SkipReason, execute_plan, plan,
};
use ovh_renew::testing::{FakeRenewApi, MockOvh, PaidWith, api_error, transport_error};
use ovh_renew::workflow::{
    PaymentChoice, PriceStage, RenewError, RenewOptions, ServiceRef, Step, UnpaidCause, renew,
};
use ovh_renew::*;

const VPS: &str = "vps-0baa4fcf.vps.ovh.net";
const VPS_ID: ServiceId = ServiceId(118977335);
const DOMAIN_ID: ServiceId = ServiceId(29162449);
const HOSTING_ID: ServiceId = ServiceId(29162512);

fn p(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

fn vps_order() -> RenewOptions {
    RenewOptions::new(ServiceRef::named("vps", VPS), p("P3M"))
        .order(true)
        .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)))
}

#[tokio::test]
async fn the_guides_vps_renewal_runs_end_to_end_over_http() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let report = renew(&client, &vps_order()).await.unwrap();

    assert_eq!(report.service_id, VPS_ID);
    assert_eq!(report.period.as_str(), "P3M");
    assert_eq!(report.strategy.services, vec![VPS_ID]);
    assert_eq!(report.strategy.price.ucents(), 10_350_000_000);
    assert_eq!(report.dry_run.price_without_tax.ucents(), 10_350_000_000);
    assert_eq!(report.dry_run.price_with_tax.ucents(), 12_420_000_000);
    let order = report.order().unwrap();
    assert_eq!(report.status(), Some(&OrderStatus::Delivered));
    assert_eq!(
        report.steps,
        vec![
            Step::ResolveService,
            Step::CheckGuards,
            Step::ReadChoices,
            Step::Select,
            Step::DryRun,
            Step::FindEarlierOrders,
            Step::Order,
            Step::CheckOrderPrice,
            Step::CheckPaymentMean,
            Step::Pay,
            Step::ReadStatus,
            Step::ReadBill
        ]
    );
    assert_eq!(report.earlier, None, "no earlier order: a new one");
    let bill = report.bill.as_ref().expect("delivered: its invoice");
    assert_eq!(bill.order_id, order.order_id);
    assert_eq!(bill.price_with_tax.ucents(), 12_420_000_000);

    // Exactly one order, paid with paypal:1234, after exactly one dry run.
    let orders = mock.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].order_id, order.order_id);
    assert_eq!(orders[0].duration.as_str(), "P3M");
    assert_eq!(
        orders[0].paid.as_ref().map(|p| p.with.clone()),
        Some(PaidWith::RegisteredMean {
            mean: PaymentMean::Paypal,
            id: Some(1234)
        })
    );
    assert_eq!(mock.dry_runs().len(), 1);
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.is("POST", "/service/{serviceId}/renew"))
        .count();
    assert_eq!(posts, 2, "one dry run and one order, nothing resent");
}

#[tokio::test]
async fn a_dry_run_orders_nothing_and_reports_the_price() {
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(ServiceRef::named("vps", VPS), p("P1Y"));
    let report = renew(&api, &options).await.unwrap();
    assert!(report.order().is_none() && report.payment().is_none() && report.status().is_none());
    assert_eq!(report.dry_run.price_without_tax.ucents(), 41_400_000_000);
    assert_eq!(api.orders().len(), 0);
    assert_eq!(api.count(Op::CreateRenewOrder), 1);
    assert_eq!(api.dry_runs().len(), 1);
    assert_eq!(report.choices.len(), 4);
}

#[tokio::test]
async fn asking_p12m_orders_the_offered_p1y_text_and_a_service_id_skips_service_infos() {
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(VPS_ID, p("P12M")).order(true);
    let report = renew(&api, &options).await.unwrap();
    assert_eq!(report.period.as_str(), "P1Y");
    assert_eq!(api.orders()[0].duration.as_str(), "P1Y");
    assert_eq!(api.count(Op::ServiceInfos), 0);
    // No payment asked: the order is left unpaid, and the status says so.
    assert_eq!(report.status(), Some(&OrderStatus::NotPaid));
}

#[tokio::test]
async fn covering_a_bundle_renews_the_domain_with_its_hosting() {
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(DOMAIN_ID, p("P1Y"))
        .covering(vec![DOMAIN_ID, HOSTING_ID])
        .order(true);
    let report = renew(&api, &options).await.unwrap();
    let mut services = report.strategy.services.clone();
    services.sort();
    assert_eq!(services, vec![DOMAIN_ID, HOSTING_ID]);
    assert_eq!(report.strategy.price.ucents(), 3_787_000_000);
    assert_eq!(api.orders()[0].services.len(), 2);
}

#[tokio::test]
async fn paying_with_a_payment_method_id() {
    let api = FakeRenewApi::sandbox();
    api.set_payment_methods(vec![42]);
    let options = RenewOptions::new(VPS_ID, p("P1M"))
        .order(true)
        .pay(PaymentChoice::Method(42));
    let report = renew(&api, &options).await.unwrap();
    assert_eq!(report.status(), Some(&OrderStatus::Delivered));
    assert_eq!(api.payments()[0].with, PaidWith::PaymentMethod(42));
    assert_eq!(api.count(Op::AvailableRegisteredPaymentMeans), 0);
}

/// A failure at every step: where the error says the account stands, and that nothing
/// was ordered twice.
#[tokio::test]
async fn a_failure_at_every_step_says_where_the_account_stands() {
    struct Row {
        method: Op,
        /// 0 = first call of that method fails, 1 = the second (the order after the dry run).
        skip: usize,
        error: fn() -> Error,
        after_processing: bool,
        expect: fn(&RenewError) -> bool,
        orders: usize,
    }
    let not_found = || api_error(404, "Client::NotFound", "This service does not exist");
    let unavailable = || api_error(503, "", "<html>Service Unavailable</html>");
    let rows: Vec<Row> = vec![
        Row {
            method: Op::ServiceInfos,
            skip: 0,
            error: not_found,
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::NothingOrdered {
                        step: Step::ResolveService,
                        ..
                    }
                )
            },
            orders: 0,
        },
        Row {
            method: Op::RenewDescriptions,
            skip: 0,
            error: unavailable,
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::NothingOrdered {
                        step: Step::ReadChoices,
                        ..
                    }
                )
            },
            orders: 0,
        },
        Row {
            method: Op::CreateRenewOrder,
            skip: 0,
            error: unavailable,
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::NothingOrdered {
                        step: Step::DryRun,
                        ..
                    }
                )
            },
            orders: 0,
        },
        // The order POST refused by OVH (4xx): nothing ordered.
        Row {
            method: Op::CreateRenewOrder,
            skip: 1,
            error: || api_error(400, "Client::BadRequest", "Invalid duration"),
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::NothingOrdered {
                        step: Step::Order,
                        ..
                    }
                )
            },
            orders: 0,
        },
        // The order POST never reached OVH: nothing ordered.
        Row {
            method: Op::CreateRenewOrder,
            skip: 1,
            error: || transport_error(TransportKind::Connect, false),
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::NothingOrdered {
                        step: Step::Order,
                        ..
                    }
                )
            },
            orders: 0,
        },
        // The answer to the order POST was lost: the order exists, the client cannot know.
        Row {
            method: Op::CreateRenewOrder,
            skip: 1,
            error: || transport_error(TransportKind::Timeout, true),
            after_processing: true,
            expect: |e| matches!(e, RenewError::OrderUncertain { .. }),
            orders: 1,
        },
        Row {
            method: Op::AvailableRegisteredPaymentMeans,
            skip: 0,
            error: unavailable,
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::OrderUnpaid {
                        step: Step::CheckPaymentMean,
                        ..
                    }
                )
            },
            orders: 1,
        },
        Row {
            method: Op::PayWithRegisteredPaymentMean,
            skip: 0,
            error: || {
                api_error(
                    403,
                    "Client::Forbidden::ActionImpossible",
                    "This order can't be paid with paypal",
                )
            },
            after_processing: false,
            expect: |e| {
                matches!(
                    e,
                    RenewError::OrderUnpaid {
                        step: Step::Pay,
                        ..
                    }
                )
            },
            orders: 1,
        },
        Row {
            method: Op::OrderStatus,
            skip: 0,
            error: unavailable,
            after_processing: false,
            expect: |e| matches!(e, RenewError::StatusUnknown { .. }),
            orders: 1,
        },
    ];
    for (i, row) in rows.iter().enumerate() {
        let api = FakeRenewApi::sandbox();
        let options = vps_order();
        let err = if row.skip == 1 {
            // Fail the real order (not the workflow's own dry run before it), once.
            let method = row.method;
            let rule = api
                .fail_when(move |c| {
                    c.op() == method
                        && matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run())
                })
                .times(1)
                .with(row.error);
            let rule = if row.after_processing {
                rule.after_processing()
            } else {
                rule
            };
            let err = renew(&api, &options).await.unwrap_err();
            assert_eq!(rule.fired(), 1, "row {i}: the real order failed");
            err
        } else {
            if row.after_processing {
                api.fail_next_after_processing(row.method, row.error);
            } else {
                api.fail_next(row.method, row.error);
            }
            renew(&api, &options).await.unwrap_err()
        };
        assert_eq!(api.orders().len(), row.orders, "row {i}: orders");
        assert!(
            api.count(Op::CreateRenewOrder) <= 2,
            "row {i}: at most a dry run and one order"
        );
        assert!((row.expect)(&err), "row {i}: {err:?}");
        // Never more than one real order per call.
        let text = err.to_string();
        if row.orders == 1 && !matches!(err, RenewError::OrderUncertain { .. }) {
            assert!(err.order_id().is_some(), "row {i}: {text}");
            if !matches!(err, RenewError::StatusUnknown { .. }) {
                assert!(text.contains("unpaid"), "row {i}: {text}");
            }
        }
        if let RenewError::OrderUncertain { .. } = err {
            assert!(
                text.contains("may or may not exist") && text.contains("/me/order"),
                "{text}"
            );
        }
        if row.orders == 0 {
            assert!(
                err.nothing_ordered() && err.order_id().is_none(),
                "row {i}: {text}"
            );
        }
    }
}

#[tokio::test]
async fn an_unavailable_payment_mean_is_refused_before_paying_and_leaves_the_order_unpaid() {
    let api = FakeRenewApi::sandbox();
    api.set_payment_means(vec![PaymentMean::BankAccount]);
    let err = renew(&api, &vps_order()).await.unwrap_err();
    let RenewError::OrderUnpaid {
        order_id,
        step: Step::CheckPaymentMean,
        source,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(matches!(source, UnpaidCause::PaymentMeanUnavailable { .. }));
    assert_eq!(Some(*order_id), api.orders().first().map(|o| o.order_id));
    assert!(crate::support::chain(&err).contains("bankAccount"), "{err}");
    assert_eq!(api.count(Op::PayWithRegisteredPaymentMean), 0);
}

#[tokio::test]
async fn an_order_post_that_fails_after_processing_over_http_is_not_resent() {
    let mock = MockOvh::start().await;
    // The dry run passes; the real order is created, then its answer is lost (503).
    let client = mock.client();
    renew(
        &client,
        &RenewOptions::new(ServiceRef::named("vps", VPS), p("P3M")),
    )
    .await
    .unwrap();
    mock.fail_next_after_processing(
        "POST",
        "/service/{serviceId}/renew",
        503,
        r#"{"message":"gateway"}"#,
    );
    // The workflow's dry run would consume it: arm after a dry run by asking the order
    // directly through the workflow with a pre-made dry run is not possible, so use the
    // API: this is the exact order request the workflow sends.
    let choices = client.renew_descriptions(VPS_ID, false).await.unwrap();
    let sel = strategy::select_single(&choices, &p("P3M"), VPS_ID).unwrap();
    let err = client
        .create_renew_order(VPS_ID, &sel.order())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert!(err.may_have_been_processed());
    assert_eq!(mock.orders().len(), 1, "created once");
    let posts = mock
        .requests()
        .iter()
        .filter(|r| r.is("POST", "/service/{serviceId}/renew"))
        .count();
    assert_eq!(posts, 2, "the dry run and one order POST, not resent");
}

#[tokio::test]
async fn a_changed_price_refuses_to_order() {
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(VPS_ID, p("P1M"))
        .order(true)
        .approved_price(Amount::new(1, CurrencyCode::Eur));
    let err = renew(&api, &options).await.unwrap_err();
    let RenewError::PriceChanged {
        stage: PriceStage::Strategy,
        expected,
        actual,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*expected, Amount::new(1, CurrencyCode::Eur));
    assert_eq!(*actual, Amount::new(3_450_000_000, CurrencyCode::Eur));
    assert!(err.nothing_ordered());
    assert_eq!(api.count(Op::CreateRenewOrder), 0);
}

#[tokio::test]
async fn an_unoffered_period_lists_the_offered_ones() {
    let api = FakeRenewApi::sandbox();
    let err = renew(&api, &RenewOptions::new(VPS_ID, p("P2Y")))
        .await
        .unwrap_err();
    assert!(matches!(err, RenewError::Selection(_)));
    assert!(
        crate::support::chain(&err).contains("P1M, P3M, P6M, P1Y"),
        "{err}"
    );
    assert_eq!(api.count(Op::CreateRenewOrder), 0);
}

#[tokio::test]
async fn payment_choices_parse_like_the_command_line() {
    let table = [
        (
            "paypal:1234",
            Some(PaymentChoice::registered(PaymentMean::Paypal, Some(1234))),
        ),
        (
            "fidelityAccount",
            Some(PaymentChoice::registered(
                PaymentMean::FidelityAccount,
                None,
            )),
        ),
        (
            "PAYPAL",
            Some(PaymentChoice::registered(PaymentMean::from("PAYPAL"), None)),
        ),
        ("method:42", Some(PaymentChoice::Method(42))),
        ("method", None),
        ("paypal:x", None),
        ("", None),
        ("pay pal", None),
    ];
    for (text, expected) in table {
        assert_eq!(text.parse::<PaymentChoice>().ok(), expected, "{text}");
    }
}

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn the_planner_keeps_manual_services_expiring_soon_and_totals_per_currency() {
    let api = FakeRenewApi::sandbox();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).within_days(30);
    let progress = std::sync::Mutex::new(Vec::new());
    let record = |p: ovh_renew::planner::Progress| progress.lock().unwrap().push((p.done, p.total));
    let plan = plan(&api, &options, Some(&record)).await.unwrap();

    let ids: Vec<ServiceId> = plan.lines.iter().map(|l| l.service_id).collect();
    assert_eq!(ids, vec![DOMAIN_ID, HOSTING_ID]);
    assert_eq!(plan.ready().count(), 2);
    let prices: Vec<i64> = plan
        .lines
        .iter()
        .map(|l| match &l.outcome {
            PlanOutcome::Ready { strategy, .. } => strategy.price.ucents(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(prices, vec![299_000_000, 3_488_000_000]);
    assert_eq!(plan.totals.len(), 1);
    assert_eq!(plan.totals[0].currency, Some(CurrencyCode::Eur));
    assert_eq!(plan.totals[0].ucents, 3_787_000_000);
    // Automatic renewals and the option are skipped, with a reason.
    assert_eq!(plan.skipped.len(), 3);
    let seen = progress.into_inner().unwrap();
    assert_eq!(seen.len(), 5);
    assert_eq!(seen.last(), Some(&(5, 5)));

    // The plan round-trips through JSON for approval.
    let json = serde_json::to_string(&plan).unwrap();
    let back: ovh_renew::planner::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
}

#[tokio::test]
async fn a_failure_for_one_service_is_a_line_and_never_stops_the_others() {
    let api = FakeRenewApi::sandbox();
    api.fail_next(Op::RenewDescriptions, || api_error(503, "", "busy"));
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).concurrency(1);
    let plan = plan(&api, &options, None).await.unwrap();
    assert_eq!(plan.lines.len(), 2);
    assert_eq!(plan.failed().count(), 1);
    assert_eq!(plan.ready().count(), 1);
    let failed = plan.failed().next().unwrap();
    let PlanOutcome::Failed(f) = &failed.outcome else {
        unreachable!()
    };
    assert_eq!(f.status, Some(503));
    assert_eq!(f.step, PlanStep::Choices);
    // The total only counts the ready line.
    assert_eq!(plan.totals[0].lines, 1);
}

#[tokio::test]
async fn the_planner_honours_a_service_list_today_and_best_monthly() {
    let api = FakeRenewApi::sandbox();
    let options = PlanOptions::new(PeriodChoice::BestMonthly)
        .services(vec![VPS_ID])
        .include_automatic(true)
        .within_days(3650);
    let plan = plan(&api, &options, None).await.unwrap();
    assert_eq!(plan.lines.len(), 1);
    let PlanOutcome::Ready { period, .. } = &plan.lines[0].outcome else {
        panic!()
    };
    // 34.50/month for every period: the longest wins the tie.
    assert_eq!(period.as_str(), "P1Y");

    let far_past = PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).today(day("2000-01-01"));
    let plan = ovh_renew::planner::plan(&api, &far_past, None)
        .await
        .unwrap();
    assert!(plan.lines.is_empty());
    assert!(
        plan.skipped
            .iter()
            .all(|s| s.reason == SkipReason::NotExpiringSoon
                || s.reason == SkipReason::AutomaticRenewal
                || s.reason == SkipReason::NoExpiryDate)
    );
}

#[tokio::test]
async fn executing_a_plan_orders_and_pays_each_line_once_over_http() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y")));
    let plan = plan(&client, &options, None).await.unwrap();
    assert_eq!(plan.ready().count(), 2);
    let pay = PaymentChoice::registered(PaymentMean::FidelityAccount, None);
    let results = execute_plan(&client, &plan, Some(&pay)).await;
    assert_eq!(results.len(), 2);
    for r in &results {
        let report = r.outcome.as_ref().unwrap().as_ref().unwrap();
        assert_eq!(report.status(), Some(&OrderStatus::Delivered));
    }
    let orders = mock.orders();
    assert_eq!(orders.len(), 2);
    assert!(orders.iter().all(|o| o.paid.is_some()));
}

#[tokio::test]
async fn planner_totals_are_exact_where_floats_are_not() {
    // Each row: prices (as the API's float `value`, no priceInUcents) whose f64 sum is
    // not the decimal sum; the plan's total must be the exact decimal sum in ucents.
    let table: &[(&[f64], i64)] = &[
        (&[0.1, 0.2], 30_000_000),
        (&[0.7, 0.1], 80_000_000),
        (&[1.1, 2.2], 330_000_000),
        (&[0.1; 10], 100_000_000),
        (&[4.35, 0.01, 1e-8], 436_000_001),
        // `(0.29 * 1e8) as i64` is 28_999_999: truncating float scaling is wrong too.
        (&[0.29, 0.58], 87_000_000),
        (&[8.2, 0.1], 830_000_000),
    ];
    for (prices, exact) in table {
        let float_sum: f64 = prices.iter().map(|v| std::hint::black_box(*v)).sum();
        assert_ne!(
            float_sum,
            *exact as f64 / 1e8,
            "{prices:?}: binary floating point adds these exactly, pick another row"
        );
        let api = FakeRenewApi::new();
        let today = day("2026-01-01");
        for (i, value) in prices.iter().enumerate() {
            let id = i as u64 + 1;
            let infos: ServiceInfos = crate::support::model(serde_json::json!({
                "serviceId": id,
                "domain": format!("d{id}.ovh"),
                "status": "ok",
                "renewalType": "manual",
                "expiration": "2026-01-10",
            }));
            let choices = vec![RenewDescription::new(
                p("P1Y"),
                vec![RenewStrategy::new(
                    Price::new(*value, CurrencyCode::Eur),
                    vec![ServiceId(id)],
                )],
            )];
            let mut service = Service::new(BillingState::Ok);
            service.expiration_date = Some(day("2026-01-10"));
            api.add_service(
                ovh_renew::testing::SandboxService::new("domain", infos)
                    .with_service(service)
                    .with_choices(choices),
            );
        }
        let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).today(today);
        let plan = plan(&api, &options, None).await.unwrap();
        assert_eq!(plan.ready().count(), prices.len(), "{prices:?}");
        assert_eq!(plan.totals.len(), 1, "{prices:?}");
        assert_eq!(plan.totals[0].ucents, i128::from(*exact), "{prices:?}");
    }
}

#[tokio::test]
async fn a_payment_for_a_dry_run_is_refused_before_sending_anything() {
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(VPS_ID, p("P1M")).pay(PaymentChoice::Method(42));
    let err = renew(&api, &options).await.unwrap_err();
    assert!(err.nothing_ordered(), "{err:?}");
    assert!(crate::support::chain(&err).contains("order(true)"), "{err}");
    assert!(api.calls().is_empty());
}
