//! Round trips (issue 7, target 6): one `GET /auth/time` per client for the whole run,
//! and no request the flow does not need.

use std::sync::Arc;

use ovh_renew::models::*;
use ovh_renew::*;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, Request};

use crate::support::*;

const SERVICE: u64 = 118977335;
const ORDER: u64 = 214110657;
const ROUNDS: u64 = 20;
const TASKS: u64 = 8;

/// A signed, bodiless GET of `wire_path` answering `file`, expected exactly `times` times.
async fn get_times(ovh: &Ovh, wire_path: &str, file: &str, times: u64) {
    Mock::given(method("GET"))
        .and(path(wire_path))
        .and(ovh.signed())
        .and(|req: &Request| req.body.is_empty())
        .respond_with(json_fixture(200, file))
        .expect(times)
        .mount(&ovh.server)
        .await;
}

#[tokio::test]
async fn many_calls_from_clones_and_tasks_sync_the_time_once_and_send_nothing_else() {
    // `/auth/time` is expected exactly once (checked below and when the server drops).
    let ovh = Ovh::start(0, 1).await;
    let calls = TASKS * ROUNDS;
    Mock::given(method("GET"))
        .and(path(format!("/1.0/service/{SERVICE}/renew")))
        .and(query_param("includeOptions", "false"))
        .and(ovh.signed())
        .and(|req: &Request| req.body.is_empty())
        .respond_with(json_fixture(200, "renew_descriptions_vps.json"))
        .expect(calls)
        .mount(&ovh.server)
        .await;
    get_times(
        &ovh,
        "/1.0/vps/vps-0baa4fcf.vps.ovh.net/serviceInfos",
        "vps_service_infos.json",
        calls,
    )
    .await;
    get_times(
        &ovh,
        &format!("/1.0/me/order/{ORDER}"),
        "me_order.json",
        calls,
    )
    .await;

    // One client shared by tasks that all start at once (their first calls race for the
    // time sync), plus clones: clones share the delta.
    let api: Arc<dyn ServiceRenewApi> = Arc::new(ovh.client());
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    let infos = api
                        .service_infos("vps", "vps-0baa4fcf.vps.ovh.net")
                        .await
                        .unwrap();
                    let choices = api
                        .renew_descriptions(ServiceId(SERVICE), false)
                        .await
                        .unwrap();
                    let order = api.order(OrderId(ORDER)).await.unwrap();
                    assert_eq!(infos.service_id, ServiceId(SERVICE));
                    assert!(!choices.is_empty());
                    assert_eq!(order.order_id, OrderId(ORDER));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }

    ovh.server.verify().await;
    let received = ovh.server.received_requests().await.unwrap();
    let count = |p: &str| received.iter().filter(|r| r.url.path() == p).count() as u64;
    assert_eq!(
        count("/1.0/auth/time"),
        1,
        "one time sync for the whole run"
    );
    assert_eq!(
        received.len() as u64,
        1 + 3 * calls,
        "only the time sync and the calls made: {:?}",
        received
            .iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn each_client_syncs_its_own_time_once() {
    let ovh = Ovh::start(0, 2).await;
    get_times(&ovh, "/1.0/service", "service_list.json", 2 * ROUNDS).await;
    let (a, b) = (ovh.client(), ovh.client());
    let a_clone = a.clone();
    for _ in 0..ROUNDS {
        a_clone.list_services().await.unwrap();
        b.list_services().await.unwrap();
    }
    assert!(a.time_delta().await.is_ok(), "cached: no third /auth/time");
    ovh.server.verify().await;
    let received = ovh.server.received_requests().await.unwrap();
    assert_eq!(received.len() as u64, 2 + 2 * ROUNDS);
}
