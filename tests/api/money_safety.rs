//! Issue 13 (money safety under a hostile network), items 3–7 and the money parts of 14:
//! duplicate orders in a plan, uncertain payments, currency-checked price guards, orders
//! without an id, payment choices checked before ordering, money beyond `i64`.
//!
//! Misbehaving servers are `RawServer`s serving fixture bytes verbatim; every test counts
//! what the server (or the fake) received and asserts the exact number.
#![cfg(feature = "test-util")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ovh_renew::models::*;
use ovh_renew::ops::{Call, Op, Reply};
use ovh_renew::planner::{LineSkip, PeriodChoice, PlanOptions, PlanOutcome, execute_plan, plan};
use ovh_renew::testing::{FakeRenewApi, MockOvh, SandboxService, api_error, transport_error};
use ovh_renew::workflow::{
    PaymentChoice, PriceStage, RenewError, RenewOptions, Step, UnpaidCause, renew,
};
use ovh_renew::*;

use crate::support::{RawReply, RawRequest, RawServer, fixture};

const VPS_ID: ServiceId = ServiceId(118977335);
const DOMAIN_ID: ServiceId = ServiceId(29162449);
const HOSTING_ID: ServiceId = ServiceId(29162512);
/// `orderId` of src/testing/fixtures/renew_order_vps.json.
const VPS_ORDER: OrderId = OrderId(214110657);
const PAY: &str = "/1.0/me/order/214110657/payWithRegisteredPaymentMean";

fn p(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

fn eur(ucents: i64) -> Amount {
    Amount::new(ucents, CurrencyCode::Eur)
}

fn fidelity() -> PaymentChoice {
    PaymentChoice::registered(PaymentMean::FidelityAccount, None)
}

/// A `ServiceRenewApi` over a `FakeRenewApi` that lies where told: a duplicated
/// `GET /service`, rewritten dry-run or real-order answers. (Lost answers are the fake's
/// own `fail_when` rules.)
#[derive(Default)]
struct Liar {
    api: FakeRenewApi,
    list: Option<Vec<ServiceId>>,
    dry_run: Option<fn(Order) -> Order>,
    order: Option<fn(Order) -> Order>,
}

impl Liar {
    fn new(api: FakeRenewApi) -> Self {
        Liar {
            api,
            ..Liar::default()
        }
    }
}

impl ServiceRenewApi for Liar {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        match call {
            // The listing as a lying server pages it: these ids, repeated as given.
            Call::ServicesPage { .. } if self.list.is_some() => Box::pin(async move {
                let ids = self.list.clone().unwrap_or_default();
                let mut views = Vec::new();
                for id in &ids {
                    views.push(self.api.service_view(*id).await?);
                }
                Ok(Reply::ServicesPage(ServicePage::of(
                    views,
                    Some(ids.len() as u64),
                )))
            }),
            Call::CreateRenewOrder { request, .. } => {
                let rewrite = if request.is_dry_run() {
                    self.dry_run
                } else {
                    self.order
                };
                Box::pin(async move {
                    match self.api.execute(call).await? {
                        Reply::CreateRenewOrder(order) => Ok(Reply::CreateRenewOrder(
                            rewrite.map_or(order.clone(), |f| f(order)),
                        )),
                        other => Ok(other),
                    }
                })
            }
            _ => self.api.execute(call),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Item 3: a service is ordered at most once per plan run.

#[tokio::test]
async fn a_service_listed_twice_is_planned_once_and_ordered_and_paid_once() {
    let api = FakeRenewApi::sandbox();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1M")))
        .services(vec![VPS_ID, VPS_ID])
        .include_automatic(true)
        .within_days(3650);
    let plan = plan(&api, &options, None).await.unwrap();
    assert_eq!(plan.lines.len(), 1);
    assert_eq!(plan.totals[0].lines, 1);
    assert_eq!(plan.totals[0].ucents, 3_450_000_000);
    let results = execute_plan(&api, &plan, Some(&fidelity())).await;
    assert_eq!(results.len(), 1);
    assert_eq!(api.orders().len(), 1);
    assert_eq!(api.payments().len(), 1);
    assert_eq!(api.count(Op::CreateRenewOrder), 2, "one dry run, one order");
    assert_eq!(api.count(Op::PayWithRegisteredPaymentMean), 1);
}

#[tokio::test]
async fn a_listing_answering_a_duplicate_is_planned_once() {
    let mut liar = Liar::new(FakeRenewApi::sandbox());
    liar.list = Some(vec![
        DOMAIN_ID, HOSTING_ID, DOMAIN_ID, HOSTING_ID, DOMAIN_ID,
    ]);
    let plan = plan(
        &liar,
        &PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))),
        None,
    )
    .await
    .unwrap();
    let ids: Vec<ServiceId> = plan.lines.iter().map(|l| l.service_id).collect();
    assert_eq!(ids, [DOMAIN_ID, HOSTING_ID]);
    // The choices of each are read once.
    assert_eq!(liar.api.count(Op::RenewDescriptions), 2);
    assert_eq!(plan.totals[0].ucents, 3_787_000_000);
    assert_eq!(plan.totals[0].lines, 2);
    execute_plan(&liar, &plan, None).await;
    assert_eq!(liar.api.orders().len(), 2);
    assert_eq!(liar.api.count(Op::CreateRenewOrder), 4);
}

/// The sandbox plan (domain line, then hosting line) with the domain line's strategy
/// replaced by the domain + hosting bundle.
async fn bundle_plan(api: &dyn ServiceRenewApi) -> ovh_renew::planner::Plan {
    let mut plan = plan(api, &PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))), None)
        .await
        .unwrap();
    let choices = api.renew_descriptions(DOMAIN_ID, true).await.unwrap();
    let bundle = choices
        .iter()
        .filter(|d| d.renew_period == p("P1Y"))
        .flat_map(|d| d.strategies.iter())
        .find(|s| s.services.contains(&HOSTING_ID) && s.services.contains(&DOMAIN_ID))
        .unwrap()
        .clone();
    assert_eq!(plan.lines[0].service_id, DOMAIN_ID);
    assert_eq!(plan.lines[1].service_id, HOSTING_ID);
    let PlanOutcome::Ready { strategy, .. } = &mut plan.lines[0].outcome else {
        panic!("{:?}", plan.lines[0])
    };
    *strategy = bundle;
    plan
}

#[tokio::test]
async fn a_bundle_line_then_a_line_for_its_hosting_renews_the_hosting_once_over_http() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let plan = bundle_plan(&client).await;
    let results = execute_plan(&client, &plan, Some(&fidelity())).await;

    let orders = mock.orders();
    assert_eq!(orders.len(), 1, "{orders:?}");
    let mut services = orders[0].services.clone();
    services.sort();
    assert_eq!(services, [DOMAIN_ID, HOSTING_ID]);
    assert_eq!(mock.payments().len(), 1);
    let requests = mock.requests();
    let count = |m: &str, route: &str| requests.iter().filter(|r| r.is(m, route)).count();
    assert_eq!(
        count("POST", "/service/{serviceId}/renew"),
        2,
        "one dry run, one order"
    );
    assert_eq!(
        count("POST", "/me/order/{orderId}/payWithRegisteredPaymentMean"),
        1
    );

    assert!(results[0].outcome.as_ref().unwrap().is_ok());
    assert!(results[1].outcome.is_none());
    assert_eq!(
        results[1].skipped,
        Some(LineSkip::AlreadyOrdered {
            service: HOSTING_ID,
            order_id: orders[0].order_id,
            line: 0
        })
    );
    let text = results[1].skipped.as_ref().unwrap().to_string();
    assert!(
        text.contains("already ordered") && text.contains(&orders[0].order_id.to_string()),
        "{text}"
    );
}

#[tokio::test]
async fn a_hosting_line_then_a_bundle_line_skips_the_bundle() {
    let api = FakeRenewApi::sandbox();
    let mut plan = bundle_plan(&api).await;
    plan.lines.swap(0, 1);
    let results = execute_plan(&api, &plan, None).await;
    let orders = api.orders();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].services, [HOSTING_ID]);
    assert_eq!(api.count(Op::CreateRenewOrder), 2);
    assert!(matches!(
        results[1].skipped,
        Some(LineSkip::AlreadyOrdered {
            service: HOSTING_ID,
            line: 0,
            ..
        })
    ));
}

#[tokio::test]
async fn an_uncertain_bundle_order_counts_as_may_have_ordered_its_hosting() {
    let liar = Liar::new(FakeRenewApi::sandbox());
    let plan = bundle_plan(&liar).await;
    // The next real order is created, then its answer is lost (a timeout).
    let lost = liar
        .api
        .fail_when(|c| matches!(c, Call::CreateRenewOrder { request, .. } if !request.is_dry_run()))
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true))
        .after_processing();
    let results = execute_plan(&liar, &plan, Some(&fidelity())).await;
    assert_eq!(lost.fired(), 1);
    assert!(matches!(
        results[0].outcome,
        Some(Err(RenewError::OrderUncertain { .. }))
    ));
    assert_eq!(
        results[1].skipped,
        Some(LineSkip::MayAlreadyBeOrdered {
            service: HOSTING_ID,
            line: 0
        })
    );
    // The bundle's order exists (its answer was lost); the hosting was not ordered again.
    assert_eq!(liar.api.orders().len(), 1);
    assert_eq!(liar.api.count(Op::CreateRenewOrder), 2);
    assert_eq!(liar.api.payments().len(), 0);
}

#[tokio::test]
async fn a_line_refused_before_ordering_does_not_block_a_later_line_for_the_same_service() {
    let api = FakeRenewApi::sandbox();
    let mut plan = bundle_plan(&api).await;
    // The bundle line's approved price is stale: refused, nothing ordered.
    let PlanOutcome::Ready { strategy, .. } = &mut plan.lines[0].outcome else {
        unreachable!()
    };
    strategy.price = Price::from_ucents(1, CurrencyCode::Eur);
    let results = execute_plan(&api, &plan, None).await;
    assert!(matches!(
        results[0].outcome,
        Some(Err(RenewError::PriceChanged {
            stage: PriceStage::Strategy,
            ..
        }))
    ));
    assert!(results[1].outcome.as_ref().unwrap().is_ok());
    assert_eq!(api.orders().len(), 1);
    assert_eq!(api.orders()[0].services, [HOSTING_ID]);
}

// ---------------------------------------------------------------------------------------
// Item 4: an uncertain payment is never "unpaid, pay it".

/// A raw OVH for `VPS_ID` P3M paid with `bankAccount:1`: choices, dry run and order
/// (fixtures verbatim), payment means, then `pay` answers the pay POST.
async fn raw_ovh(pay: RawReply) -> RawServer {
    RawServer::start(move |r: &RawRequest| route(r, &pay)).await
}

fn route(r: &RawRequest, pay: &RawReply) -> RawReply {
    let t = r.target.as_str();
    match r.method.as_str() {
        // The guards' reads: an active VPS, no debt.
        "GET" if t.starts_with("/1.0/services/") => {
            RawReply::Full(200, fixture("services_get_vps.json"))
        }
        "GET" if t == "/1.0/me/debtAccount" => {
            RawReply::Full(200, fixture("me_debt_account_none.json"))
        }
        "GET" if t.contains("/renew?") => {
            RawReply::Full(200, fixture("renew_descriptions_vps.json"))
        }
        "POST" if t.ends_with("/renew") => RawReply::Full(200, fixture("renew_order_vps.json")),
        "GET" if t.ends_with("/availableRegisteredPaymentMean") => {
            RawReply::Full(200, fixture("available_registered_payment_mean.json"))
        }
        "GET" if t == "/1.0/me/payment/method" => {
            RawReply::Full(200, fixture("payment_method_list.json"))
        }
        // The re-run check before ordering: the VPS, no earlier order.
        "GET" if t == "/1.0/service/118977335" => {
            RawReply::Full(200, fixture("service_get_vps.json"))
        }
        "GET" if t.starts_with("/1.0/me/order?") => RawReply::Full(200, b"[]".to_vec()),
        // The payment method checks of `PaymentChoice::Method`.
        "GET" if t.starts_with("/1.0/me/payment/method/") => {
            RawReply::Full(200, fixture("payment_method.json"))
        }
        "GET" if t.ends_with("/paymentMethods") => {
            RawReply::Full(200, fixture("me_order_payment_methods.json"))
        }
        "POST" if t.ends_with("/payWithRegisteredPaymentMean") || t.ends_with("/pay") => {
            pay.clone()
        }
        "GET" if t.ends_with("/status") => {
            RawReply::Full(200, fixture("order_status_not_paid.json"))
        }
        _ => RawReply::Full(404, fixture("error_not_found.json")),
    }
}

fn posts(server: &RawServer) -> Vec<String> {
    let requests = server.requests.lock().unwrap();
    requests
        .iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.target.clone())
        .collect()
}

fn bank_account() -> RenewOptions {
    RenewOptions::new(VPS_ID, p("P3M"))
        .order(true)
        .pay(PaymentChoice::registered(PaymentMean::BankAccount, Some(1)))
}

#[tokio::test]
async fn a_pay_post_that_fails_after_sending_is_payment_uncertain_and_sent_once() {
    let renew_route = "/1.0/service/118977335/renew";
    let cases: Vec<(&str, RawReply)> = vec![
        (
            "500",
            RawReply::Full(
                500,
                br#"{"class":"Server::InternalServerError","message":"Internal server error"}"#
                    .to_vec(),
            ),
        ),
        (
            "502 html",
            RawReply::Full(502, b"<html>Bad Gateway</html>".to_vec()),
        ),
        ("connection dropped mid-answer", RawReply::DropMidBody),
        ("no answer (timeout)", RawReply::Stall),
        // Not followed (a proxy may have forwarded the payment): never "paid".
        (
            "302 to a page",
            RawReply::Redirect(302, "/1.0/paid.html".into()),
        ),
        ("307 to itself", RawReply::Redirect(307, PAY.into())),
        // A captive portal answering 200 with HTML did not say "paid".
        (
            "200 html",
            RawReply::Full(
                200,
                b"<html><body>Welcome to the hotel wifi</body></html>".to_vec(),
            ),
        ),
    ];
    for (name, pay) in cases {
        let server = raw_ovh(pay).await;
        let client = server
            .builder()
            .timeout(Duration::from_millis(400))
            .build()
            .unwrap();
        let err = renew(&client, &bank_account()).await.unwrap_err();
        assert_eq!(posts(&server), [renew_route, renew_route, PAY], "{name}");
        let RenewError::PaymentUncertain {
            order_id, source, ..
        } = &err
        else {
            panic!("{name}: {err:?}")
        };
        assert_eq!(*order_id, VPS_ORDER, "{name}");
        assert!(source.may_have_been_processed(), "{name}");
        assert_eq!(err.order_id(), Some(VPS_ORDER), "{name}");
        assert!(!err.nothing_ordered(), "{name}");
        let text = err.to_string();
        for want in [
            "may have taken the payment",
            "GET /me/order/214110657/status",
            "ServiceRenewApi::order_status",
            "before paying again",
        ] {
            assert!(text.contains(want), "{name}: {want:?} missing in {text}");
        }
        assert!(!text.contains("is unpaid"), "{name}: {text}");
    }
}

#[tokio::test]
async fn a_pay_post_with_a_payment_method_answered_503_is_payment_uncertain() {
    let server = raw_ovh(RawReply::Full(503, b"{\"message\":\"busy\"}".to_vec())).await;
    let client = server.builder().build().unwrap();
    let options = RenewOptions::new(VPS_ID, p("P3M"))
        .order(true)
        .pay(PaymentChoice::Method(9_876_543));
    let err = renew(&client, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::PaymentUncertain {
                order_id: VPS_ORDER,
                ..
            }
        ),
        "{err:?}"
    );
    let renew_route = "/1.0/service/118977335/renew";
    assert_eq!(
        posts(&server),
        [renew_route, renew_route, "/1.0/me/order/214110657/pay"]
    );
}

#[tokio::test]
async fn a_pay_post_refused_by_ovh_with_a_4xx_is_unpaid() {
    let server = raw_ovh(RawReply::Full(
        403,
        br#"{"class":"Client::Forbidden::ActionImpossible","message":"This order can't be paid with bankAccount"}"#.to_vec(),
    ))
    .await;
    let client = server.builder().build().unwrap();
    let err = renew(&client, &bank_account()).await.unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::OrderUnpaid {
                order_id: VPS_ORDER,
                step: Step::Pay,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(posts(&server).len(), 3);
    assert!(err.to_string().contains("unpaid"), "{err}");
}

#[tokio::test]
async fn a_pay_call_that_never_left_is_unpaid_and_one_whose_answer_was_lost_is_uncertain() {
    for (may_have, paid) in [(false, 0), (true, 1)] {
        let api = FakeRenewApi::sandbox();
        if may_have {
            api.fail_next_after_processing(Op::PayWithRegisteredPaymentMean, || {
                transport_error(TransportKind::Timeout, true)
            });
        } else {
            api.fail_next(Op::PayWithRegisteredPaymentMean, || {
                transport_error(TransportKind::Connect, false)
            });
        }
        let options = RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
        let err = renew(&api, &options).await.unwrap_err();
        assert_eq!(api.payments().len(), paid);
        assert_eq!(api.count(Op::PayWithRegisteredPaymentMean), 1);
        if may_have {
            assert!(
                matches!(err, RenewError::PaymentUncertain { .. }),
                "{err:?}"
            );
        } else {
            assert!(
                matches!(
                    err,
                    RenewError::OrderUnpaid {
                        step: Step::Pay,
                        ..
                    }
                ),
                "{err:?}"
            );
        }
        assert!(err.order_id().is_some() && !err.nothing_ordered());
    }
}

// ---------------------------------------------------------------------------------------
// Item 5: prices are compared with their currency, at every stage.

fn vps_priced(price: Price) -> FakeRenewApi {
    let api = FakeRenewApi::new();
    let infos = ServiceInfos::new(VPS_ID, "vps-x.vps.ovh.net".to_owned());
    api.add_service(
        SandboxService::new("vps", infos).with_choices(vec![RenewDescription::new(
            p("P1M"),
            vec![RenewStrategy::new(price, vec![VPS_ID])],
        )]),
    );
    api
}

#[tokio::test]
async fn the_same_ucents_in_another_currency_is_not_the_approved_price() {
    for currency in [
        CurrencyCode::Usd,
        CurrencyCode::Points,
        CurrencyCode::Other("XYZ".into()),
    ] {
        let api = vps_priced(Price::from_ucents(3_450_000_000, currency.clone()));
        let options = RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .approved_price(eur(3_450_000_000));
        let err = renew(&api, &options).await.unwrap_err();
        let RenewError::PriceChanged {
            stage,
            expected,
            actual,
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*stage, PriceStage::Strategy);
        assert_eq!(*expected, eur(3_450_000_000));
        assert_eq!(*actual, Amount::new(3_450_000_000, currency.clone()));
        assert!(err.nothing_ordered());
        assert_eq!(api.count(Op::CreateRenewOrder), 0, "{currency}");
        let text = err.to_string();
        assert!(
            text.contains("34.50 EUR") && text.contains(currency.as_str()),
            "{text}"
        );
    }
}

#[tokio::test]
async fn a_strategy_price_without_a_currency_cannot_be_ordered() {
    let api = vps_priced(Price::new(34.5, CurrencyCode::Eur));
    let mut price = Price::new(34.5, CurrencyCode::Eur);
    price.currency_code = None;
    let api_none = vps_priced(price);
    for (api, ok) in [(api, true), (api_none, false)] {
        let r = renew(&api, &RenewOptions::new(VPS_ID, p("P1M")).order(true)).await;
        assert_eq!(r.is_ok(), ok, "{r:?}");
        if !ok {
            let err = r.unwrap_err();
            assert!(
                matches!(
                    err,
                    RenewError::PriceUnreadable {
                        stage: PriceStage::Strategy,
                        reason: AmountError::NoCurrency
                    }
                ),
                "{err:?}"
            );
            assert!(err.nothing_ordered());
            assert_eq!(api.count(Op::CreateRenewOrder), 0);
        }
    }
}

fn times_1000(mut order: Order) -> Order {
    let u = order.price_without_tax.ucents() * 1000;
    order.price_without_tax = Price::from_ucents(u, CurrencyCode::Eur);
    order
}

fn times_100(mut order: Order) -> Order {
    let u = order.price_without_tax.ucents() * 100;
    order.price_without_tax = Price::from_ucents(u, CurrencyCode::Eur);
    order
}

fn in_usd(mut order: Order) -> Order {
    order.price_without_tax =
        Price::from_ucents(order.price_without_tax.ucents(), CurrencyCode::Usd);
    order
}

#[tokio::test]
async fn a_dry_run_priced_differently_from_the_strategy_is_refused_before_ordering() {
    for (rewrite, approved) in [
        (times_1000 as fn(Order) -> Order, None),
        (times_1000, Some(eur(3_450_000_000))),
        (in_usd, None),
    ] {
        let mut liar = Liar::new(FakeRenewApi::sandbox());
        liar.dry_run = Some(rewrite);
        let mut options = RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(fidelity());
        if let Some(a) = approved {
            options = options.approved_price(a);
        }
        let err = renew(&liar, &options).await.unwrap_err();
        let RenewError::PriceChanged {
            stage: PriceStage::DryRun,
            expected,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*expected, eur(3_450_000_000));
        assert!(err.nothing_ordered());
        assert_eq!(liar.api.count(Op::CreateRenewOrder), 1, "the dry run only");
        assert_eq!(liar.api.orders().len(), 0);
    }
}

#[tokio::test]
async fn a_raw_dry_run_answer_for_another_price_is_refused_with_one_post() {
    // The P3M strategy costs 103.50 EUR; the dry run answers 37.87 EUR (fixture verbatim).
    let server = RawServer::start(|r: &RawRequest| {
        if r.method == "POST" && r.target.ends_with("/renew") {
            RawReply::Full(200, fixture("renew_order.json"))
        } else {
            route(r, &RawReply::Full(200, fixture("void_response.json")))
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let err = renew(&client, &bank_account()).await.unwrap_err();
    let RenewError::PriceChanged {
        stage: PriceStage::DryRun,
        expected,
        actual,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (expected.clone(), actual.clone()),
        (eur(10_350_000_000), eur(3_787_000_000))
    );
    assert_eq!(posts(&server), ["/1.0/service/118977335/renew"]);
}

#[tokio::test]
async fn a_real_order_priced_differently_from_its_dry_run_is_left_unpaid_with_its_id() {
    // Dry run 103.50 EUR (renew_order_vps.json), real order 37.87 EUR (renew_order.json).
    let n = Arc::new(AtomicUsize::new(0));
    let seen = n.clone();
    let server = RawServer::start(move |r: &RawRequest| {
        if r.method == "POST" && r.target.ends_with("/renew") {
            let file = if seen.fetch_add(1, Ordering::SeqCst) == 0 {
                "renew_order_vps.json"
            } else {
                "renew_order.json"
            };
            RawReply::Full(200, fixture(file))
        } else {
            route(r, &RawReply::Full(200, fixture("void_response.json")))
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let err = renew(&client, &bank_account()).await.unwrap_err();
    let RenewError::OrderUnpaid {
        order_id,
        step,
        source,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(
        (*order_id, *step),
        (OrderId(123456789), Step::CheckOrderPrice)
    );
    let UnpaidCause::PriceChanged { expected, actual } = source else {
        panic!("{source:?}")
    };
    assert_eq!(*expected, eur(10_350_000_000));
    assert_eq!(*actual, eur(3_787_000_000));
    assert!(!err.nothing_ordered());
    assert_eq!(err.order_id(), Some(OrderId(123456789)));
    let renew_route = "/1.0/service/118977335/renew";
    assert_eq!(posts(&server), [renew_route, renew_route], "never paid");
    let text = crate::support::chain(&err);
    for want in [
        "order 123456789",
        "unpaid",
        "not paid",
        "37.87 EUR",
        "103.50 EUR",
    ] {
        assert!(text.contains(want), "{want:?} missing in {text}");
    }
}

#[tokio::test]
async fn a_real_order_100_times_its_dry_run_or_in_another_currency_is_not_paid() {
    for rewrite in [times_100 as fn(Order) -> Order, in_usd] {
        let mut liar = Liar::new(FakeRenewApi::sandbox());
        liar.order = Some(rewrite);
        let options = RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(fidelity());
        let err = renew(&liar, &options).await.unwrap_err();
        assert!(
            matches!(&err, RenewError::OrderUnpaid { step: Step::CheckOrderPrice, source, .. }
                if matches!(source, UnpaidCause::PriceChanged { .. })),
            "{err:?}"
        );
        assert_eq!(liar.api.orders().len(), 1);
        assert_eq!(liar.api.count(Op::AvailableRegisteredPaymentMeans), 0);
        assert_eq!(liar.api.count(Op::PayWithRegisteredPaymentMean), 0);
        assert_eq!(liar.api.payments().len(), 0);
    }
}

#[tokio::test]
async fn execute_plan_passes_the_line_price_with_its_currency() {
    let api = FakeRenewApi::sandbox();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1M")))
        .services(vec![VPS_ID])
        .include_automatic(true)
        .within_days(3650);
    let plan = plan(&api, &options, None).await.unwrap();
    // OVH now asks the same micro-cents in USD.
    let switched = vps_priced(Price::from_ucents(3_450_000_000, CurrencyCode::Usd));
    let results = execute_plan(&switched, &plan, Some(&fidelity())).await;
    let Some(Err(RenewError::PriceChanged {
        stage: PriceStage::Strategy,
        expected,
        actual,
    })) = &results[0].outcome
    else {
        panic!("{:?}", results[0])
    };
    assert_eq!(*expected, eur(3_450_000_000));
    assert_eq!(actual.currency, CurrencyCode::Usd);
    assert_eq!(switched.count(Op::CreateRenewOrder), 0);
}

// ---------------------------------------------------------------------------------------
// Item 6: a real order without a usable id is uncertain, never "order 0".

#[tokio::test]
async fn a_real_order_answer_without_order_id_is_uncertain_and_nothing_is_paid() {
    let mut no_id: serde_json::Value =
        serde_json::from_slice(&fixture("renew_order_vps.json")).unwrap();
    no_id.as_object_mut().unwrap().remove("orderId");
    let mut null_id = no_id.clone();
    null_id["orderId"] = serde_json::Value::Null;
    let mut zero_id = no_id.clone();
    zero_id["orderId"] = 0.into();
    for body in [no_id, null_id, zero_id] {
        let body = serde_json::to_string(&body).unwrap();
        let mock = MockOvh::start().await;
        // The dry run's answer lacks the id too: tolerated. The real order is created,
        // and its answer lacks the id.
        mock.fail_next_after_processing("POST", "/service/{serviceId}/renew", 200, body.clone());
        mock.fail_next_after_processing("POST", "/service/{serviceId}/renew", 200, body.clone());
        let client = mock.client();
        let options = RenewOptions::new(VPS_ID, p("P3M"))
            .order(true)
            .pay(PaymentChoice::registered(PaymentMean::Paypal, Some(1234)));
        let err = renew(&client, &options).await.unwrap_err();
        let RenewError::OrderUncertain { source, .. } = &err else {
            panic!("{body}: {err:?}")
        };
        assert!(matches!(source, Error::Decode(_)), "{source:?}");
        assert!(
            source.query_id().unwrap().starts_with("EU.mock."),
            "{source}"
        );
        let text = crate::support::chain(&err);
        assert!(
            text.contains("orderId") && !text.contains("order 0"),
            "{text}"
        );
        assert!(err.order_id().is_none() && !err.nothing_ordered());
        let requests = mock.requests();
        let count = |m: &str, route: &str| requests.iter().filter(|r| r.is(m, route)).count();
        assert_eq!(count("POST", "/service/{serviceId}/renew"), 2);
        assert_eq!(mock.orders().len(), 1, "the order exists");
        assert_eq!(mock.payments().len(), 0);
        assert!(
            requests.iter().all(|r| !r.path.starts_with("/me/order/")),
            "nothing about an order 0: {requests:?}"
        );
    }
}

#[tokio::test]
async fn any_service_renew_api_answering_order_0_is_uncertain() {
    let mut liar = Liar::new(FakeRenewApi::sandbox());
    liar.order = Some(|mut o: Order| {
        o.order_id = OrderId(0);
        o
    });
    let err = renew(
        &liar,
        &RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(fidelity()),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, RenewError::OrderUncertain { .. }), "{err:?}");
    assert_eq!(liar.api.count(Op::PayWithRegisteredPaymentMean), 0);
    assert_eq!(liar.api.count(Op::OrderStatus), 0);
}

#[tokio::test]
async fn a_dry_run_answer_without_order_id_still_decodes() {
    let mut body: serde_json::Value =
        serde_json::from_slice(&fixture("renew_order_vps.json")).unwrap();
    body.as_object_mut().unwrap().remove("orderId");
    let body = serde_json::to_vec(&body).unwrap();
    let server = RawServer::start(move |r: &RawRequest| {
        if r.method == "POST" {
            RawReply::Full(200, body.clone())
        } else {
            route(r, &RawReply::Stall)
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let report = renew(&client, &RenewOptions::new(VPS_ID, p("P3M")))
        .await
        .unwrap();
    assert_eq!(report.dry_run.order_id, OrderId(0));
    assert_eq!(
        report.dry_run.price_without_tax.amount(),
        Ok(eur(10_350_000_000))
    );
    assert_eq!(posts(&server).len(), 1);
}

// ---------------------------------------------------------------------------------------
// Item 7: payment choices checked before ordering.

#[tokio::test]
async fn a_mean_that_needs_an_id_without_one_is_refused_before_sending_anything() {
    for mean in [
        PaymentMean::Paypal,
        PaymentMean::BankAccount,
        PaymentMean::CreditCard,
    ] {
        let mock = MockOvh::start().await;
        let client = mock.client();
        let options = RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(PaymentChoice::registered(mean.clone(), None));
        let err = renew(&client, &options).await.unwrap_err();
        assert!(
            matches!(
                err,
                RenewError::NothingOrdered {
                    step: Step::CheckPaymentMean,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.nothing_ordered());
        assert!(mock.requests().is_empty(), "{mean}: {:?}", mock.requests());
        let text = crate::support::chain(&err);
        assert!(text.contains(&format!("{mean}:<id>")), "{text}");
    }
}

#[tokio::test]
async fn an_unknown_payment_mean_is_refused_unless_allowed() {
    let choice = PaymentChoice::registered(PaymentMean::from("Paypal"), Some(1));
    let api = FakeRenewApi::sandbox();
    let options = RenewOptions::new(VPS_ID, p("P1M"))
        .order(true)
        .pay(choice.clone());
    let err = renew(&api, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::NothingOrdered {
                step: Step::CheckPaymentMean,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(api.calls().is_empty());
    assert!(
        crate::support::chain(&err).contains("allow_unknown_payment_mean"),
        "{err}"
    );

    // Allowed: the order is made, and OVH's list decides.
    let api = FakeRenewApi::sandbox();
    let err = renew(&api, &options.allow_unknown_payment_mean(true))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::OrderUnpaid {
                step: Step::CheckPaymentMean,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(api.orders().len(), 1);
}

#[tokio::test]
async fn a_payment_method_the_account_does_not_list_is_refused_before_ordering() {
    let api = FakeRenewApi::sandbox();
    api.set_payment_methods(vec![42]);
    let options = RenewOptions::new(VPS_ID, p("P1M"))
        .order(true)
        .pay(PaymentChoice::Method(7));
    let err = renew(&api, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::NothingOrdered {
                step: Step::CheckPaymentMean,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(crate::support::chain(&err).contains("42"), "{err}");
    assert_eq!(api.count(Op::CreateRenewOrder), 1, "the dry run only");
    assert_eq!(api.orders().len(), 0);

    api.fail_next(Op::PaymentMethods, || api_error(503, "", "busy"));
    let err = renew(&api, &options).await.unwrap_err();
    assert!(
        matches!(
            err,
            RenewError::NothingOrdered {
                step: Step::CheckPaymentMean,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(api.orders().len(), 0);
}

// ---------------------------------------------------------------------------------------
// Item 14 (money): no saturated money, no secret in report JSON.

#[tokio::test]
async fn a_strategy_price_beyond_i64_ucents_is_a_typed_error_before_any_post() {
    let huge = br#"[{"renewPeriod":"P3M","strategies":[{"services":[118977335],"price":{"currencyCode":"EUR","text":"huge","value":1e300}}]}]"#.to_vec();
    let server = RawServer::start(move |r: &RawRequest| {
        if r.target.contains("/renew?") {
            RawReply::Full(200, huge.clone())
        } else {
            route(r, &RawReply::Stall)
        }
    })
    .await;
    let client = server.builder().build().unwrap();
    let err = renew(&client, &bank_account()).await.unwrap_err();
    let RenewError::NothingOrdered {
        step: Step::ReadChoices,
        source,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(matches!(source, Error::Decode(_)), "{source:?}");
    assert!(
        crate::support::chain(source).contains("i64 micro-cents"),
        "{source}"
    );
    assert!(posts(&server).is_empty());
}

#[tokio::test]
async fn planner_totals_never_saturate() {
    let api = FakeRenewApi::new();
    let today: chrono::NaiveDate = "2026-01-01".parse().unwrap();
    let expiry: chrono::NaiveDate = "2026-01-10".parse().unwrap();
    let add = |id: u64, price: Price| {
        let infos: ServiceInfos = crate::support::model(serde_json::json!({
            "serviceId": id,
            "domain": format!("d{id}.ovh"),
            "status": "ok",
            "renewalType": "manual",
            "expiration": expiry,
        }));
        let mut service = Service::new(BillingState::Ok);
        service.expiration_date = Some(expiry);
        api.add_service(
            SandboxService::new("domain", infos)
                .with_service(service)
                .with_choices(vec![RenewDescription::new(
                    p("P1Y"),
                    vec![RenewStrategy::new(price, vec![ServiceId(id)])],
                )]),
        );
    };
    for id in 1..=3 {
        add(id, Price::from_ucents(i64::MAX - 1, CurrencyCode::Eur));
    }
    // Built in code beyond i64 (a decoded price cannot be): a failed line, never summed.
    add(4, Price::new(1e300, CurrencyCode::Eur));
    let plan = plan(
        &api,
        &PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).today(today),
        None,
    )
    .await
    .unwrap();
    assert_eq!(plan.totals.len(), 1);
    assert_eq!(plan.totals[0].ucents, 3 * (i128::from(i64::MAX) - 1));
    assert_eq!(plan.totals[0].lines, 3);
    assert_eq!(plan.failed().count(), 1);
    let PlanOutcome::Failed(f) = &plan.failed().next().unwrap().outcome else {
        unreachable!()
    };
    assert!(f.message.contains("i64 micro-cents"), "{}", f.message);
    let json = serde_json::to_string(&plan).unwrap();
    assert!(json.contains("27670116110564327418"), "{json}");
    let back: ovh_renew::planner::Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
}

#[tokio::test]
async fn report_json_leaves_out_order_passwords_and_urls() {
    let mock = MockOvh::start().await;
    let client = mock.client();
    let report = renew(
        &client,
        &RenewOptions::new(VPS_ID, p("P1M"))
            .order(true)
            .pay(fidelity()),
    )
    .await
    .unwrap();
    let order = report.order().unwrap();
    assert!(!order.password.is_empty() && order.url.contains(&order.password));
    let json = serde_json::to_string(&report).unwrap();
    for secret in [
        order.password.as_str(),
        "orderPassword",
        "\"url\"",
        "pdfUrl",
        "password",
    ] {
        assert!(!json.contains(secret), "{secret:?} in {json}");
    }
    assert!(json.contains(&order.order_id.to_string()));
    // The report reads back, without them.
    let back: ovh_renew::workflow::RenewReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back.order().unwrap().order_id, order.order_id);
    assert_eq!(back.order().unwrap().password, "");
    assert_eq!(back.dry_run.price_with_tax, report.dry_run.price_with_tax);
    // An Order's own JSON keeps them (documented), so a stored order round-trips.
    assert!(
        serde_json::to_string(order)
            .unwrap()
            .contains(&order.password)
    );
}
