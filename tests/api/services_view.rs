//! The `/services` view, the renewal settings and the debt, against both test doubles:
//! what they serve, what a settings change leaves behind, what they refuse.

use ovh_renew::ServiceRenewApi;
use ovh_renew::models::{CurrencyCode, Price, RenewPeriod, ServiceId};
use ovh_renew::models::{
    DebtBalance, LifecycleAction, LifecycleState, RenewalMode, RenewalUpdate, ServiceFilter,
    TerminationPolicy, ViewResourceState,
};
use ovh_renew::ops::Op;
use ovh_renew::testing::{FakeRenewApi, MockOvh, sandbox};

fn p(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

/// The same checks through `api`, whichever double answers.
async fn settings_are_remembered_and_checked(api: &dyn ServiceRenewApi) {
    let id = sandbox::VPS_ID;
    let before = api.service_view(id).await.unwrap();
    assert_eq!(before.renewal_mode(), Some(&RenewalMode::Automatic));
    assert_eq!(
        before.renewal_period().map(RenewPeriod::as_str),
        Some("P1M")
    );
    let periods = api.renew_period_capacities(id).await.unwrap();
    assert_eq!(
        periods.iter().map(RenewPeriod::as_str).collect::<Vec<_>>(),
        ["P1M", "P3M", "P6M", "P12M"]
    );

    let update = RenewalUpdate::default()
        .mode(RenewalMode::Manual)
        .period(p("P1Y"))
        .termination_policy(TerminationPolicy::TerminateAtExpirationDate);
    update.check(&before, &periods).unwrap();
    api.update_renewal(id, &update).await.unwrap();
    let after = api.service_view(id).await.unwrap();
    assert_eq!(after.renewal_mode(), Some(&RenewalMode::Manual));
    // Echoed exactly as sent.
    assert_eq!(after.renewal_period().map(RenewPeriod::as_str), Some("P1Y"));
    assert!(after.has_pending(&LifecycleAction::TerminateAtExpirationDate));
    // Back to no termination: the pending action goes.
    api.update_renewal(
        id,
        &RenewalUpdate::default().termination_policy(TerminationPolicy::Empty),
    )
    .await
    .unwrap();
    assert!(
        !api.service_view(id)
            .await
            .unwrap()
            .has_pending(&LifecycleAction::TerminateAtExpirationDate)
    );

    // A period the service cannot take is refused, naming what it can take; nothing
    // changes.
    let err = api
        .update_renewal(id, &RenewalUpdate::default().period(p("P2Y")))
        .await
        .unwrap_err();
    let api_err = err.api().expect("an OVH 400");
    assert_eq!(api_err.status, 400);
    assert!(
        api_err.message.contains("P1M, P3M, P6M, P12M"),
        "{}",
        api_err.message
    );
    assert_eq!(
        api.service_view(id)
            .await
            .unwrap()
            .renewal_period()
            .map(RenewPeriod::as_str),
        Some("P1Y")
    );
    // The option has no mode of its own to switch.
    let err = api
        .update_renewal(
            sandbox::VPS_BACKUP_ID,
            &RenewalUpdate::default().mode(RenewalMode::Manual),
        )
        .await
        .unwrap_err();
    assert!(
        err.api().unwrap().message.contains("it can take nothing"),
        "{err}"
    );
    // An update that changes nothing never leaves.
    let err = api
        .update_renewal(id, &RenewalUpdate::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(ovh_renew::RequestProblem::RenewalUpdate)
    );
    assert!(
        api.service_view(ServiceId(1))
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn the_fake_remembers_settings_changes_and_refuses_what_a_service_cannot_take() {
    let fake = FakeRenewApi::sandbox();
    settings_are_remembered_and_checked(&fake).await;
    // Every call is recorded: 2 accepted, 2 refused by the account, and the empty one
    // refused before the account (over HTTP it never leaves: 4 PUTs, below).
    assert_eq!(fake.count(Op::UpdateRenewal), 5);
}

#[tokio::test]
async fn the_mock_remembers_settings_changes_over_http() {
    let mock = MockOvh::start().await;
    settings_are_remembered_and_checked(&mock.client()).await;
    let puts: Vec<u16> = mock
        .requests()
        .iter()
        .filter(|r| r.is("PUT", "/services/{serviceId}"))
        .map(|r| r.status)
        .collect();
    assert_eq!(puts, [200, 200, 400, 400]);
}

#[tokio::test]
async fn the_settings_put_is_resent_after_a_503_and_applied_once() {
    let mock = MockOvh::start().await;
    mock.fail_next("PUT", "/services/{serviceId}", 503, r#"{"message":"busy"}"#);
    let client = mock.client();
    client
        .update_renewal(
            sandbox::DOMAIN_ID,
            &RenewalUpdate::default().mode(RenewalMode::Automatic),
        )
        .await
        .unwrap();
    let puts: Vec<u16> = mock
        .requests()
        .iter()
        .filter(|r| r.is("PUT", "/services/{serviceId}"))
        .map(|r| r.status)
        .collect();
    assert_eq!(puts, [503, 200]);
    let view = client.service_view(sandbox::DOMAIN_ID).await.unwrap();
    assert_eq!(view.renewal_mode(), Some(&RenewalMode::Automatic));
}

#[tokio::test]
async fn the_view_lists_filters_and_shows_guarded_states_and_debt() {
    let mock = MockOvh::start().await;
    for service in sandbox::guarded_services() {
        mock.add_service(service);
    }
    let client = mock.client();
    let all = client.services(&ServiceFilter::all()).await.unwrap();
    assert_eq!(all.len(), 5 + 6);
    let vps = client
        .services(&ServiceFilter::all().route("/vps"))
        .await
        .unwrap();
    // The VPS and its option (`/vps/{serviceName}/option/{option}`).
    assert_eq!(vps, [sandbox::VPS_ID, sandbox::VPS_BACKUP_ID]);
    let named = client
        .services(&ServiceFilter::all().resource_name(sandbox::DEDICATED_NAME))
        .await
        .unwrap();
    assert_eq!(named, [sandbox::DEDICATED_ID]);
    let query = mock
        .requests()
        .into_iter()
        .filter(|r| r.is("GET", "/services"))
        .find_map(|r| r.query)
        .unwrap();
    assert!(query.starts_with("routes="), "{query}");

    let backup = client.service_view(sandbox::VPS_BACKUP_ID).await.unwrap();
    assert_eq!(backup.parent_service_id, Some(sandbox::VPS_ID));
    let view = |id| {
        let client = client.clone();
        async move { client.service_view(id).await.unwrap() }
    };
    assert!(
        view(sandbox::AUTORENEW_IN_PROGRESS_ID)
            .await
            .has_pending(&LifecycleAction::AutorenewInProgress)
    );
    assert!(
        view(sandbox::DELETE_AT_EXPIRATION_ID)
            .await
            .has_pending(&LifecycleAction::DeleteAtExpiration)
    );
    let terminating = view(sandbox::TERMINATION_SCHEDULED_ID).await;
    assert!(terminating.has_pending(&LifecycleAction::TerminateAtExpirationDate));
    assert!(
        terminating
            .billing
            .lifecycle
            .as_ref()
            .unwrap()
            .current
            .termination_date
            .is_some()
    );
    assert_eq!(
        view(sandbox::TERMINATED_ID).await.lifecycle_state(),
        Some(&LifecycleState::Terminated)
    );
    assert_eq!(
        view(sandbox::SUSPENDED_ID).await.resource.state,
        Some(ViewResourceState::Suspended)
    );
    assert_eq!(
        view(sandbox::UNPAID_ID).await.lifecycle_state(),
        Some(&LifecycleState::Unpaid)
    );

    assert!(!client.debt_balance().await.unwrap().has_due());
    mock.set_debt(DebtBalance::due_now(Price::from_ucents(
        1_200_000_000,
        CurrencyCode::Eur,
    )));
    let debt = client.debt_balance().await.unwrap();
    assert!(debt.has_due());
    assert_eq!(debt.due().unwrap().unwrap().ucents, 1_200_000_000);
}
