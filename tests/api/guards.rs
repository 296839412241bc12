//! The guards before ordering, in `workflow::renew` and `planner::plan`, against the
//! sandbox's guarded services (one in each state) and a due debt.

use ovh_renew::guards::{Guard, GuardOverrides};
use ovh_renew::models::{Amount, CurrencyCode, DebtBalance, RenewalMode};
use ovh_renew::models::{Price, RenewPeriod, ServiceId};
use ovh_renew::ops::Op;
use ovh_renew::planner::{PeriodChoice, PlanOptions, SkipReason, execute_plan, plan};
use ovh_renew::testing::{FakeRenewApi, MockOvh, sandbox};
use ovh_renew::workflow::{RenewError, RenewOptions, Step, renew};

fn p(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

fn guarded() -> FakeRenewApi {
    let api = FakeRenewApi::sandbox();
    for service in sandbox::guarded_services() {
        api.add_service(service);
    }
    api
}

fn twelve_eur() -> DebtBalance {
    DebtBalance::due_now(Price::from_ucents(1_200_000_000, CurrencyCode::Eur))
}

#[tokio::test]
async fn renew_refuses_each_guarded_state_before_reading_choices_or_pricing() {
    for (id, expected) in [
        (sandbox::AUTORENEW_IN_PROGRESS_ID, "AutorenewInProgress"),
        (sandbox::DELETE_AT_EXPIRATION_ID, "DeletionScheduled"),
        (sandbox::TERMINATION_SCHEDULED_ID, "TerminationScheduled"),
        (sandbox::TERMINATED_ID, "Terminated"),
        (sandbox::SUSPENDED_ID, "Suspended"),
        (sandbox::UNPAID_ID, "Unpaid"),
    ] {
        let api = guarded();
        let err = renew(&api, &RenewOptions::new(id, p("P1Y")).order(true))
            .await
            .unwrap_err();
        let RenewError::Guarded { service_id, guard } = &err else {
            panic!("{id}: {err:?}")
        };
        assert_eq!(*service_id, id);
        assert!(format!("{guard:?}").starts_with(expected), "{guard:?}");
        assert!(err.nothing_ordered());
        assert!(err.to_string().contains("nothing was ordered"), "{err}");
        assert_eq!(api.count(Op::RenewDescriptions), 0, "{id}");
        assert_eq!(api.count(Op::CreateRenewOrder), 0, "{id}");
    }
}

#[tokio::test]
async fn a_scheduled_deletion_can_be_overridden_an_autorenewal_in_progress_cannot() {
    let api = guarded();
    let anyway = GuardOverrides::none()
        .deletion_scheduled(true)
        .termination_scheduled(true)
        .debt_due(true);
    for id in [
        sandbox::DELETE_AT_EXPIRATION_ID,
        sandbox::TERMINATION_SCHEDULED_ID,
    ] {
        let report = renew(&api, &RenewOptions::new(id, p("P1Y")).guards(anyway))
            .await
            .unwrap();
        assert!(report.steps.contains(&Step::CheckGuards));
        assert_eq!(report.dry_run.price_without_tax.ucents(), 1_000_000_000);
    }
    let err = renew(
        &api,
        &RenewOptions::new(sandbox::AUTORENEW_IN_PROGRESS_ID, p("P1Y")).guards(anyway),
    )
    .await
    .unwrap_err();
    assert!(matches!(
        err,
        RenewError::Guarded {
            guard: Guard::AutorenewInProgress,
            ..
        }
    ));
    assert_eq!(api.dry_runs().len(), 2);
}

#[tokio::test]
async fn a_due_debt_blocks_every_renewal_naming_the_amount_over_http() {
    let mock = MockOvh::start().await;
    mock.set_debt(twelve_eur());
    let client = mock.client();
    let err = renew(&client, &RenewOptions::new(sandbox::DOMAIN_ID, p("P1Y")))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "service 29162449 is not renewed: the account has a debt due (12.00 EUR): OVH blocks renewals until it is paid; nothing was ordered"
    );
    assert!(mock.requests().iter().all(|r| r.method != "POST"));
    // Explicitly overridden, it is priced (OVH may still refuse the order).
    let report = renew(
        &client,
        &RenewOptions::new(sandbox::DOMAIN_ID, p("P1Y"))
            .guards(GuardOverrides::none().debt_due(true)),
    )
    .await
    .unwrap();
    assert_eq!(report.dry_run.price_without_tax.ucents(), 299_000_000);
}

#[tokio::test]
async fn the_plan_skips_guarded_services_with_their_guard_without_reading_their_choices() {
    let api = guarded();
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))).include_automatic(true);
    let plan = plan(&api, &options, None).await.unwrap();
    let skipped = |id: ServiceId| plan.skipped.iter().find(|s| s.service_id == id).unwrap();
    for (id, guard) in [
        (
            sandbox::AUTORENEW_IN_PROGRESS_ID,
            Guard::AutorenewInProgress,
        ),
        (sandbox::DELETE_AT_EXPIRATION_ID, Guard::DeletionScheduled),
        (sandbox::TERMINATED_ID, Guard::Terminated),
        (sandbox::SUSPENDED_ID, Guard::Suspended),
        (sandbox::UNPAID_ID, Guard::Unpaid),
    ] {
        let s = skipped(id);
        assert_eq!(s.guard.as_ref(), Some(&guard), "{id}");
        assert_eq!(s.reason, SkipReason::Guarded, "{id}");
    }
    assert!(matches!(
        skipped(sandbox::TERMINATION_SCHEDULED_ID).guard,
        Some(Guard::TerminationScheduled { on: Some(_) })
    ));
    assert!(plan.lines.iter().all(|l| l.service_id.0 < 140_000_000));
    // Choices read only for what the plan prices: the 4 sandbox services but the option.
    assert_eq!(api.count(Op::RenewDescriptions), plan.lines.len());
    assert_eq!(plan.lines.len(), 4);
    // Read in one page, plus the debt.
    assert_eq!(api.count(Op::ServicesPage), 1);
    assert_eq!(api.count(Op::DebtBalance), 1);
    assert_eq!(api.count(Op::Service), 0);
    let json = serde_json::to_value(&plan).unwrap();
    assert!(json.get("accountGuard").is_none() && json.get("account_guard").is_none());
}

#[tokio::test]
async fn the_plan_says_which_mode_it_skips_and_names_a_due_debt() {
    let api = FakeRenewApi::sandbox();
    let plan1 = plan(&api, &PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))), None)
        .await
        .unwrap();
    let vps = plan1
        .skipped
        .iter()
        .find(|s| s.service_id == sandbox::VPS_ID)
        .unwrap();
    assert_eq!(vps.reason, SkipReason::AutomaticRenewal);
    assert_eq!(vps.renewal_mode, Some(RenewalMode::Automatic));
    assert_eq!(vps.guard, None);

    api.set_debt(twelve_eur());
    let plan2 = plan(&api, &PlanOptions::new(PeriodChoice::Fixed(p("P1Y"))), None)
        .await
        .unwrap();
    let due = Guard::DebtDue {
        due: Some(Amount::new(1_200_000_000, CurrencyCode::Eur)),
    };
    assert_eq!(plan2.account_guard.as_ref(), Some(&due));
    assert!(plan2.lines.is_empty());
    // The two manual services it would have priced carry the debt; no choices read.
    let by_debt: Vec<ServiceId> = plan2
        .skipped
        .iter()
        .filter(|s| s.guard.as_ref() == Some(&due))
        .map(|s| s.service_id)
        .collect();
    assert_eq!(by_debt, [sandbox::DOMAIN_ID, sandbox::HOSTING_ID]);
    assert_eq!(api.count(Op::RenewDescriptions), plan1.lines.len());
    let json = serde_json::to_value(&plan2).unwrap();
    assert_eq!(json["account_guard"]["guard"], "debtDue");

    // Overridden in the plan, and the plan's executor orders with the same overrides.
    let options = PlanOptions::new(PeriodChoice::Fixed(p("P1Y")))
        .guards(GuardOverrides::none().debt_due(true));
    let plan3 = plan(&api, &options, None).await.unwrap();
    assert_eq!(plan3.account_guard, None);
    assert_eq!(plan3.ready().count(), 2);
    let results = execute_plan(&api, &plan3, None).await;
    assert!(results.iter().all(|r| matches!(r.outcome, Some(Ok(_)))));
    assert_eq!(api.orders().len(), 2);
}
