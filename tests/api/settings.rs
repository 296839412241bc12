//! `settings::plan` and `settings::apply`: skip reasons, the concurrency bound (counted on
//! a server), the `PUT` under faults (retried per policy, counted), what the report says
//! changed, and the access rules it needs.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ovh_renew::models::{
    AccessRule, RenewPeriod, RenewalMode, ServiceFilter, ServiceId, ServiceInfos, ServiceView,
    TerminationPolicy,
};
use ovh_renew::ops::{Call, Op, Reply};
use ovh_renew::settings::{
    self, ApplyOutcome, Field, FieldChange, LineOutcome, SettingsPlan, SkipReason, Target,
};
use ovh_renew::testing::{
    FakeRenewApi, MockOvh, SandboxService, api_error, sandbox, transport_error,
};
use ovh_renew::{
    ApiFuture, Credentials, Endpoint, OvhClient, RetryPolicy, ServiceRenewApi, TransportKind,
};

use crate::support::{AK, AS, CK, now, read_request};

const VPS: ServiceId = sandbox::VPS_ID;

fn period(text: &str) -> RenewPeriod {
    text.parse().unwrap()
}

fn change(field: Field, from: Option<&str>, to: Option<&str>) -> FieldChange {
    serde_json::from_value(serde_json::json!({"field": field, "from": from, "to": to})).unwrap()
}

fn outcome_of(plan: &SettingsPlan, id: ServiceId) -> &LineOutcome {
    &plan
        .lines
        .iter()
        .find(|l| l.service_id == id)
        .unwrap_or_else(|| panic!("no line for {id}"))
        .outcome
}

/// A service whose view can only take automatic renewal (and is automatic now).
const AUTOMATIC_ONLY: ServiceId = ServiceId(150_000_001);

fn automatic_only() -> SandboxService {
    let view: ServiceView = serde_json::from_value(serde_json::json!({
        "serviceId": AUTOMATIC_ONLY.0,
        "resource": {"name": "locked.ovh", "displayName": "locked.ovh", "state": "active"},
        "billing": {"renew": {"current": {"mode": "automatic", "period": "P1Y"},
                              "capacities": {"mode": ["automatic"]}}}
    }))
    .unwrap();
    let infos = ServiceInfos::new(AUTOMATIC_ONLY, "locked.ovh");
    SandboxService::new("domain", infos).with_view(view)
}

#[tokio::test]
async fn plan_says_current_to_target_and_why_each_service_is_left_alone() {
    let fake = FakeRenewApi::sandbox();
    fake.add_service(automatic_only());
    let manual = Target::new(RenewalMode::Manual);
    let plan = settings::plan(&fake, ServiceFilter::all(), &manual)
        .await
        .unwrap();
    assert_eq!(plan.lines.len(), 6);
    assert_eq!(
        outcome_of(&plan, VPS),
        &LineOutcome::Change {
            fields: vec![change(Field::Mode, Some("automatic"), Some("manual"))]
        }
    );
    assert_eq!(
        outcome_of(&plan, sandbox::DOMAIN_ID),
        &LineOutcome::Skip {
            why: SkipReason::AlreadyThere
        }
    );
    assert_eq!(
        outcome_of(&plan, sandbox::VPS_BACKUP_ID),
        &LineOutcome::Skip {
            why: SkipReason::OptionOfParent { parent: VPS }
        }
    );
    let refused = outcome_of(&plan, AUTOMATIC_ONLY);
    assert_eq!(
        refused,
        &LineOutcome::Skip {
            why: SkipReason::NotAllowed {
                field: Field::Mode,
                asked: "manual".into(),
                can_take: vec!["automatic".into()],
            }
        }
    );
    let LineOutcome::Skip { why } = refused else {
        unreachable!()
    };
    assert_eq!(
        why.to_string(),
        "not allowed: cannot take mode manual; it can take automatic"
    );
    assert_eq!(plan.problems().count(), 1);
    assert_eq!(
        plan.changes().count(),
        2,
        "the VPS and the dedicated server"
    );
    // A preview sends GETs only, reads the fleet in one page of whole objects (no read
    // per service), and reads no period capacities without a period.
    assert_eq!(fake.count(Op::ServicesPage), 1);
    assert_eq!(fake.count(Op::Services), 0);
    assert_eq!(fake.count(Op::ServiceView), 0);
    assert_eq!(fake.count(Op::RenewPeriodCapacities), 0);
    assert_eq!(fake.count(Op::UpdateRenewal), 0);
}

#[tokio::test]
async fn a_period_or_policy_the_service_cannot_take_is_refused_naming_what_it_can() {
    let fake = FakeRenewApi::sandbox();
    let two_years = Target::new(RenewalMode::Automatic).period(period("P2Y"));
    // Repeated ids are examined once.
    let plan = settings::plan(&fake, vec![VPS, VPS], &two_years)
        .await
        .unwrap();
    assert_eq!(plan.lines.len(), 1);
    let LineOutcome::Skip { why } = outcome_of(&plan, VPS) else {
        panic!("{:?}", plan.lines)
    };
    assert_eq!(
        why.to_string(),
        "not allowed: cannot take period P2Y; it can take P1M, P3M, P6M, P12M"
    );
    assert_eq!(fake.count(Op::RenewPeriodCapacities), 1);

    // P1Y is P12M: allowed, and sent as typed.
    let yearly = Target::new(RenewalMode::Automatic).period(period("P1Y"));
    let plan = settings::plan(&fake, vec![VPS], &yearly).await.unwrap();
    assert_eq!(
        outcome_of(&plan, VPS),
        &LineOutcome::Change {
            fields: vec![change(Field::Period, Some("P1M"), Some("P1Y"))]
        }
    );

    let engagement = Target::new(RenewalMode::Automatic)
        .termination_policy(TerminationPolicy::TerminateAtEngagementDate);
    let plan = settings::plan(&fake, vec![VPS], &engagement).await.unwrap();
    assert_eq!(
        outcome_of(&plan, VPS),
        &LineOutcome::Skip {
            why: SkipReason::NotAllowed {
                field: Field::TerminationPolicy,
                asked: "terminateAtEngagementDate".into(),
                can_take: vec!["terminateAtExpirationDate".into(), "empty".into()],
            }
        }
    );
    let report = settings::apply(&fake, &plan).await;
    assert!(!report.all_done(), "a refusal is not done");
    assert_eq!(
        fake.count(Op::UpdateRenewal),
        0,
        "nothing sent for a refusal"
    );
}

#[tokio::test]
async fn apply_sends_the_target_re_reads_and_reports_what_changed() {
    let fake = FakeRenewApi::sandbox();
    let target = Target::new(RenewalMode::Manual).period(period("P1Y"));
    let plan = settings::plan(&fake, vec![VPS, sandbox::VPS_BACKUP_ID], &target)
        .await
        .unwrap();
    let report = settings::apply(&fake, &plan).await;
    assert!(report.all_done(), "{:#?}", report.lines);
    let vps = &report.lines[0];
    assert_eq!(vps.outcome, ApplyOutcome::Applied);
    assert_eq!(vps.at_target, Some(true));
    assert_eq!(
        vps.changed,
        [
            change(Field::Mode, Some("automatic"), Some("manual")),
            change(Field::Period, Some("P1M"), Some("P1Y")),
        ]
    );
    assert_eq!(
        vps.to_string(),
        "118977335 vps-0baa4fcf.vps.ovh.net: applied; re-read: mode automatic -> manual, period P1M -> P1Y"
    );
    assert!(matches!(
        report.lines[1].outcome,
        ApplyOutcome::NotSent { problem: false, .. }
    ));
    // The body as given: exactly one PUT, for the VPS; the period text as typed.
    let puts: Vec<Call> = fake
        .calls()
        .into_iter()
        .filter(|c| c.op() == Op::UpdateRenewal)
        .collect();
    assert_eq!(puts.len(), 1);
    assert_eq!(
        puts[0].body().unwrap().unwrap(),
        r#"{"renew":{"mode":"manual","period":"P1Y"}}"#
    );
    // Read by the plan, then re-read once after the PUT; the option is never sent.
    assert_eq!(fake.count(Op::ServiceView), 3);
    // Applied twice: the second plan has nothing left to do.
    let again = settings::plan(&fake, vec![VPS], &target).await.unwrap();
    assert_eq!(
        outcome_of(&again, VPS),
        &LineOutcome::Skip {
            why: SkipReason::AlreadyThere
        }
    );
}

/// `ServiceRenewApi` that answers every `PUT` with success and changes nothing.
struct IgnoresUpdates(FakeRenewApi);

impl ServiceRenewApi for IgnoresUpdates {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        match call {
            Call::UpdateRenewal { .. } => Box::pin(async { Ok(Reply::UpdateRenewal(())) }),
            other => self.0.execute(other),
        }
    }
}

#[tokio::test]
async fn a_put_accepted_whose_change_is_not_visible_is_reported_as_such() {
    let fake = FakeRenewApi::sandbox();
    let api = IgnoresUpdates(fake.clone());
    let plan = settings::plan(&api, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    let report = settings::apply(&api, &plan).await;
    let line = &report.lines[0];
    assert_eq!(
        line.outcome,
        ApplyOutcome::AcceptedNotVisible {
            fields: vec![change(Field::Mode, Some("automatic"), Some("manual"))]
        }
    );
    assert_eq!((line.at_target, line.changed.len()), (Some(false), 0));
    assert!(!report.all_done());
    let text = line.to_string();
    assert!(
        text.contains("accepted by OVH, but the re-read does not show it")
            && text.contains("re-read: nothing changed"),
        "{text}"
    );
}

#[tokio::test]
async fn a_put_accepted_whose_re_read_fails_says_the_settings_are_unknown() {
    let fake = FakeRenewApi::sandbox();
    let plan = settings::plan(&fake, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    fake.fail_next(Op::ServiceView, || {
        api_error(500, "Server::InternalServerError", "Internal server error")
    });
    let report = settings::apply(&fake, &plan).await;
    let ApplyOutcome::AcceptedRereadFailed { failure } = &report.lines[0].outcome else {
        panic!("{:?}", report.lines[0])
    };
    assert_eq!(
        (failure.step.as_str(), failure.status),
        ("reread", Some(500))
    );
    assert_eq!(report.lines[0].after, None);
    assert!(!report.all_done());
    // It was applied all the same.
    let view = fake.service_view(VPS).await.unwrap();
    assert_eq!(view.renewal_mode(), Some(&RenewalMode::Manual));
}

#[tokio::test]
async fn a_put_that_never_reached_ovh_is_not_applied_and_not_re_read() {
    let fake = FakeRenewApi::sandbox();
    let plan = settings::plan(&fake, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    let rule = fake
        .fail_when(|c| c.op() == Op::UpdateRenewal)
        .with(|| transport_error(TransportKind::Connect, false));
    let report = settings::apply(&fake, &plan).await;
    let line = &report.lines[0];
    assert!(
        matches!(
            &line.outcome,
            ApplyOutcome::Failed { failure, may_have_been_applied: false } if failure.step == "update"
        ),
        "{line:?}"
    );
    assert!(line.to_string().ends_with("; not applied"), "{line}");
    assert_eq!((rule.fired(), fake.count(Op::ServiceView)), (1, 1));
}

#[tokio::test]
async fn a_put_lost_after_it_took_effect_may_have_been_applied_and_the_re_read_shows_it() {
    let fake = FakeRenewApi::sandbox();
    let plan = settings::plan(&fake, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    let _lost = fake
        .fail_when(|c| c.op() == Op::UpdateRenewal)
        .times(1)
        .with(|| transport_error(TransportKind::Timeout, true))
        .after_processing();
    let report = settings::apply(&fake, &plan).await;
    let line = &report.lines[0];
    assert!(
        matches!(
            line.outcome,
            ApplyOutcome::Failed {
                may_have_been_applied: true,
                ..
            }
        ),
        "{line:?}"
    );
    assert_eq!(line.at_target, Some(true));
    assert_eq!(
        line.changed,
        [change(Field::Mode, Some("automatic"), Some("manual"))]
    );
    let text = line.to_string();
    assert!(
        text.contains("it may have been applied; re-read: mode automatic -> manual"),
        "{text}"
    );
    assert!(
        !report.all_done(),
        "an uncertain PUT is not counted as done"
    );
}

fn mock_client(ovh: &MockOvh) -> OvhClient {
    ovh.client_builder()
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
        .build()
        .unwrap()
}

fn puts(ovh: &MockOvh) -> usize {
    ovh.requests()
        .iter()
        .filter(|r| r.is("PUT", "/services/{serviceId}"))
        .count()
}

const UNAVAILABLE: &str = r#"{"class":"Server::ServiceUnavailable","message":"Try again later"}"#;

#[tokio::test]
async fn a_put_answered_503_is_sent_once_more_and_applied() {
    let ovh = MockOvh::start().await;
    let client = mock_client(&ovh);
    let plan = settings::plan(&client, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    ovh.fail_next("PUT", "/services/{serviceId}", 503, UNAVAILABLE);
    let report = settings::apply(&client, &plan).await;
    assert_eq!(puts(&ovh), 2, "the 503, then the retry");
    assert_eq!(report.lines[0].outcome, ApplyOutcome::Applied);
    assert!(report.all_done());
}

#[tokio::test]
async fn a_put_answered_503_on_every_attempt_may_have_been_applied_and_is_re_read() {
    let ovh = MockOvh::start().await;
    let client = mock_client(&ovh);
    let plan = settings::plan(&client, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    // The default policy: two resends after the first attempt.
    for _ in 0..3 {
        ovh.fail_next("PUT", "/services/{serviceId}", 503, UNAVAILABLE);
    }
    let report = settings::apply(&client, &plan).await;
    assert_eq!(puts(&ovh), 3);
    let line = &report.lines[0];
    let ApplyOutcome::Failed {
        failure,
        may_have_been_applied: true,
    } = &line.outcome
    else {
        panic!("{line:?}")
    };
    assert_eq!(failure.status, Some(503));
    assert!(failure.query_id.is_some());
    // The re-read says what really is: unchanged.
    assert_eq!(line.at_target, Some(false));
    assert!(line.changed.is_empty());
    assert_eq!(
        line.after.as_ref().and_then(|a| a.mode.clone()),
        Some(RenewalMode::Automatic)
    );
    let re_reads = ovh
        .requests()
        .iter()
        .filter(|r| r.is("GET", "/services/{serviceId}"))
        .count();
    assert_eq!(re_reads, 2, "the plan's read and the re-read");
}

#[tokio::test]
async fn a_put_processed_then_answered_500_is_not_resent_and_the_re_read_shows_it_applied() {
    let ovh = MockOvh::start().await;
    let client = mock_client(&ovh);
    let plan = settings::plan(&client, vec![VPS], &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    ovh.fail_next_after_processing(
        "PUT",
        "/services/{serviceId}",
        500,
        r#"{"class":"Server::InternalServerError","message":"Internal server error"}"#,
    );
    let report = settings::apply(&client, &plan).await;
    assert_eq!(puts(&ovh), 1, "500 is not a status the policy retries");
    let line = &report.lines[0];
    assert!(matches!(
        line.outcome,
        ApplyOutcome::Failed {
            may_have_been_applied: true,
            ..
        }
    ));
    assert_eq!(line.at_target, Some(true));
    assert_eq!(
        line.changed,
        [change(Field::Mode, Some("automatic"), Some("manual"))]
    );
}

/// A raw HTTP server of `count` services (ids 1..=count), each answering after `delay`,
/// that counts the requests in flight (`/auth/time` aside) and remembers each `PUT`'s mode.
struct SlowServices {
    base: String,
    in_flight: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl SlowServices {
    async fn start(count: u64, delay: Duration) -> Self {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}/1.0", listener.local_addr().unwrap());
        let modes: Arc<Mutex<BTreeMap<u64, String>>> = Arc::new(Mutex::new(
            (1..=count).map(|id| (id, "automatic".to_owned())).collect(),
        ));
        let server = SlowServices {
            base,
            in_flight: Arc::default(),
            peak: Arc::default(),
            requests: Arc::default(),
        };
        let (in_flight, peak, requests) = (
            server.in_flight.clone(),
            server.peak.clone(),
            server.requests.clone(),
        );
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (in_flight, peak, requests, modes) = (
                    in_flight.clone(),
                    peak.clone(),
                    requests.clone(),
                    modes.clone(),
                );
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    while let Some(req) = read_request(&mut sock, &mut buf).await {
                        let body = if req.target == "/1.0/auth/time" {
                            now().to_string()
                        } else {
                            let n = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(n, Ordering::SeqCst);
                            requests
                                .lock()
                                .unwrap()
                                .push((req.method.clone(), req.target.clone()));
                            tokio::time::sleep(delay).await;
                            let id: u64 = req
                                .target
                                .trim_start_matches("/1.0/services/")
                                .parse()
                                .unwrap();
                            let body = if req.method == "PUT" {
                                let sent: serde_json::Value =
                                    serde_json::from_slice(&req.body).unwrap();
                                let mode = sent["renew"]["mode"].as_str().unwrap().to_owned();
                                modes.lock().unwrap().insert(id, mode);
                                "null".to_owned()
                            } else {
                                let mode = modes.lock().unwrap()[&id].clone();
                                serde_json::json!({
                                    "serviceId": id,
                                    "resource": {"name": format!("s{id}"), "displayName": "", "state": "active"},
                                    "billing": {"renew": {"current": {"mode": mode},
                                        "capacities": {"mode": ["automatic", "manual"]}}}
                                })
                                .to_string()
                            };
                            in_flight.fetch_sub(1, Ordering::SeqCst);
                            body
                        };
                        let answer = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-ovh-queryid: EU.raw.1\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if sock.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        server
    }

    fn count(&self, method: &str) -> usize {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|(m, _)| m == method)
            .count()
    }
}

#[tokio::test]
async fn apply_never_has_more_requests_in_flight_than_the_bound() {
    let server = SlowServices::start(12, Duration::from_millis(40)).await;
    let client = OvhClient::builder()
        .endpoint(server.base.parse::<Endpoint>().unwrap())
        .credentials(Credentials::new(AK, AS, CK))
        .build()
        .unwrap();
    let ids: Vec<ServiceId> = (1..=12).map(ServiceId).collect();
    let plan = settings::plan(&client, ids, &Target::new(RenewalMode::Manual))
        .await
        .unwrap();
    assert_eq!(server.count("GET"), 12);
    assert_eq!(
        server.peak.load(Ordering::SeqCst),
        settings::DEFAULT_CONCURRENCY,
        "the plan reads at the default bound"
    );
    server.peak.store(0, Ordering::SeqCst);
    let report = settings::apply(&client, &plan.with_concurrency(3)).await;
    assert!(report.all_done(), "{:#?}", report.lines);
    assert_eq!(server.count("PUT"), 12);
    assert_eq!(
        server.count("GET"),
        24,
        "the plan's reads and one re-read each"
    );
    assert_eq!(
        server.peak.load(Ordering::SeqCst),
        3,
        "at most the bound in flight, and the bound reached"
    );
    assert_eq!(server.in_flight.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn plan_and_report_round_trip_through_json_and_a_json_plan_applies() {
    let fake = FakeRenewApi::sandbox();
    let target = Target::new(RenewalMode::Manual).period(period("P1Y"));
    let plan = settings::plan(&fake, ServiceFilter::all(), &target)
        .await
        .unwrap();
    let text = serde_json::to_string(&plan).unwrap();
    let back: SettingsPlan = serde_json::from_str(&text).unwrap();
    assert_eq!(back, plan);
    assert!(text.contains(r#""period":"P1Y""#), "{text}");
    let report = settings::apply(&fake, &back).await;
    let json = serde_json::to_value(&report).unwrap();
    let again: settings::SettingsReport = serde_json::from_value(json).unwrap();
    assert_eq!(again, report);
    assert!(report.all_done(), "{:#?}", report.lines);
}

#[tokio::test]
async fn renewal_flow_cannot_put_and_renewal_settings_can_make_every_settings_call() {
    let fake = FakeRenewApi::sandbox();
    let plan = settings::plan(
        &fake,
        ServiceFilter::all(),
        &Target::new(RenewalMode::Manual).period(period("P1Y")),
    )
    .await
    .unwrap();
    settings::apply(&fake, &plan).await;
    let calls = fake.calls();
    assert!(calls.iter().any(|c| c.op() == Op::UpdateRenewal));
    let (flow, settings_rules) = (AccessRule::renewal_flow(), AccessRule::renewal_settings());
    let allowed = |rules: &[AccessRule], call: &Call| {
        let path = call.path().unwrap();
        rules
            .iter()
            .any(|r| r.allows(call.method().as_str(), path.as_str()))
    };
    for call in &calls {
        assert!(
            allowed(&settings_rules, call),
            "renewal_settings lacks {call:?}"
        );
        // What the settings read, the renewal flow reads too; it never changes them.
        assert_eq!(
            allowed(&flow, call),
            call.op() != Op::UpdateRenewal,
            "renewal_flow and {call:?}"
        );
    }
}

#[tokio::test]
async fn a_period_that_is_not_in_months_is_sent_exactly_as_typed() {
    let fake = FakeRenewApi::sandbox();
    let vps = sandbox::services()
        .into_iter()
        .find(|s| s.service_id() == VPS)
        .unwrap()
        .with_period_capacities(vec![period("P1M"), period("P30D")]);
    fake.add_service(vps);
    let target = Target::new(RenewalMode::Automatic).period(period("P30D"));
    let plan = settings::plan(&fake, vec![VPS], &target).await.unwrap();
    assert_eq!(
        outcome_of(&plan, VPS),
        &LineOutcome::Change {
            fields: vec![change(Field::Period, Some("P1M"), Some("P30D"))]
        }
    );
    let report = settings::apply(&fake, &plan).await;
    assert_eq!(report.lines[0].outcome, ApplyOutcome::Applied);
    let put = fake
        .calls()
        .into_iter()
        .find(|c| c.op() == Op::UpdateRenewal)
        .unwrap();
    assert_eq!(
        put.body().unwrap().unwrap(),
        r#"{"renew":{"mode":"automatic","period":"P30D"}}"#
    );
}
