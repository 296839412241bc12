//! Pages of whole objects (`X-Pagination-Mode: CachedObjectList-Pages`) and the per-id
//! fallback, against the sandbox (MockOvh, FakeRenewApi) and a raw server: requests
//! counted, headers seen on the wire, pages capped below the size asked, lying totals.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use ovh_renew::ServiceRenewApi;
use ovh_renew::listing::{ListOptions, ListingPath, view_services};
use ovh_renew::models::ServiceInfos;
use ovh_renew::models::{ServiceFilter, ServiceId};
use ovh_renew::ops::Op;
use ovh_renew::testing::{FakeRenewApi, MockOvh, PagingMode, SandboxService};

use crate::support::*;

/// A mock account of `n` domains (ids 1..=n), without the sandbox services.
async fn fleet(n: u64) -> MockOvh {
    let mock = MockOvh::builder().empty().start().await;
    for i in 1..=n {
        mock.add_service(SandboxService::new(
            "domain",
            ServiceInfos::new(ServiceId(i), format!("d{i}.example")),
        ));
    }
    mock
}

fn count(mock: &MockOvh, method: &str, route: &str) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.is(method, route))
        .count()
}

#[tokio::test]
async fn the_sandbox_serves_pages_capped_below_the_size_asked_and_all_are_read() {
    let mock = fleet(25).await;
    mock.set_paging(PagingMode::Pages, Some(10));
    let listing = view_services(
        &mock.client(),
        &ServiceFilter::all(),
        &ListOptions::default().page_size(1000),
    )
    .await
    .unwrap();
    assert_eq!(listing.path, ListingPath::Pages);
    assert_eq!(listing.announced, Some(25));
    let ids: Vec<u64> = listing.views.iter().map(|v| v.service_id.0).collect();
    assert_eq!(ids, (1..=25).collect::<Vec<_>>());
    // 10 + 10 + 5: three pages, nothing else.
    assert_eq!(listing.requests, 3);
    assert_eq!(count(&mock, "GET", "/services"), 3);
    assert_eq!(count(&mock, "GET", "/services/{serviceId}"), 0);
}

#[tokio::test]
async fn the_sandbox_without_the_header_falls_back_to_one_read_per_id() {
    for (mode, lists) in [(PagingMode::Ignored, 1), (PagingMode::Refused, 2)] {
        let mock = fleet(7).await;
        mock.set_paging(mode, None);
        let listing = view_services(
            &mock.client(),
            &ServiceFilter::all(),
            &ListOptions::default().concurrency(3),
        )
        .await
        .unwrap();
        assert_eq!(listing.views.len(), 7, "{mode:?}");
        assert!(listing.failures.is_empty());
        assert_eq!(count(&mock, "GET", "/services"), lists, "{mode:?}");
        assert_eq!(count(&mock, "GET", "/services/{serviceId}"), 7, "{mode:?}");
        assert_eq!(listing.requests, lists + 7);
    }
}

#[tokio::test]
async fn the_fake_answers_pages_and_plain_ids_alike() {
    let fake = FakeRenewApi::sandbox();
    let listing = view_services(&fake, &ServiceFilter::all(), &ListOptions::default())
        .await
        .unwrap();
    assert_eq!((listing.views.len(), listing.requests), (5, 1));
    fake.set_paging(PagingMode::Ignored, None);
    let listing = view_services(
        &fake,
        &ServiceFilter::all().route("/vps"),
        &ListOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(listing.path, ListingPath::IdsAnswered);
    assert_eq!(listing.views.len(), 2);
    assert_eq!(fake.count(Op::ServiceView), 2);
    assert_eq!(fake.count(Op::ServicesPage), 2);
}

/// A raw server of `total` services, pages capped at `cap`, announcing `announced`.
async fn raw_fleet(total: u64, cap: u64, announced: &'static str, nulls: bool) -> RawServer {
    RawServer::start(move |req| {
        assert_eq!(req.method, "GET");
        let number: u64 = req
            .header("x-pagination-number")
            .and_then(|n| n.parse().ok())
            .unwrap_or(1);
        let start = (number - 1) * cap + 1;
        let items: Vec<String> = (start..=(start + cap - 1).min(total))
            .map(|i| {
                if nulls && i % 5 == 0 {
                    "null".to_owned()
                } else {
                    format!(r#"{{"serviceId":{i},"resource":{{"name":"s{i}"}}}}"#)
                }
            })
            .collect();
        let body = format!("[{}]", items.join(","));
        RawReply::Bytes(raw_answer(
            200,
            "OK",
            &[
                ("content-type", "application/json"),
                ("X-Pagination-Elements", announced),
                ("X-Pagination-Number", &number.to_string()),
            ],
            body.as_bytes(),
        ))
    })
    .await
}

#[tokio::test]
async fn a_raw_server_gets_the_headers_unsigned_and_exactly_the_pages_needed() {
    let raw = raw_fleet(2500, 1000, "2500", true).await;
    let client = raw.builder().build().unwrap();
    let listing = view_services(&client, &ServiceFilter::all(), &ListOptions::default())
        .await
        .unwrap();
    // Every fifth item is null: skipped, counted, and still counted toward the total.
    assert_eq!(listing.nulls, 500);
    assert_eq!(listing.views.len(), 2000);
    let requests = raw.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3);
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.target, "/1.0/services");
        assert_eq!(
            req.header("x-pagination-mode").as_deref(),
            Some("CachedObjectList-Pages")
        );
        assert_eq!(req.header("x-pagination-size").as_deref(), Some("1000"));
        assert_eq!(req.header("x-pagination-number"), Some((i + 1).to_string()));
        assert!(req.header("x-ovh-signature").is_some());
    }
    // The signature covers method, URL, body and timestamp only: the same as without
    // the pagination headers.
    let sig = |req: &RawRequest| {
        ovh_renew::signing::signature(
            AS,
            CK,
            "GET",
            &format!("{}/services", raw.base),
            b"",
            req.header("x-ovh-timestamp").unwrap().parse().unwrap(),
        )
    };
    assert!(
        requests
            .iter()
            .all(|r| r.header("x-ovh-signature") == Some(sig(r)))
    );
}

#[tokio::test]
async fn a_raw_server_capping_pages_and_lying_about_totals_never_makes_it_loop() {
    // Pages of 7 although 1000 are asked: 30 services in 5 pages.
    let raw = raw_fleet(30, 7, "30", false).await;
    let listing = view_services(
        &raw.builder().build().unwrap(),
        &ServiceFilter::all(),
        &ListOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!((listing.views.len(), raw.request_count()), (30, 5));

    // Announces 10^9 but has 30: the first empty page (6th) ends it.
    let raw = raw_fleet(30, 7, "1000000000", false).await;
    let listing = view_services(
        &raw.builder().build().unwrap(),
        &ServiceFilter::all(),
        &ListOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!((listing.views.len(), raw.request_count()), (30, 6));

    // Ignores the page number (always page 1) and announces more: page 2 brings nothing
    // new.
    let raw = RawServer::start(|_| {
        RawReply::Bytes(raw_answer(
            200,
            "OK",
            &[("X-Pagination-Elements", "999")],
            br#"[{"serviceId":1},{"serviceId":2}]"#,
        ))
    })
    .await;
    let listing = view_services(
        &raw.builder().build().unwrap(),
        &ServiceFilter::all(),
        &ListOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!((listing.views.len(), raw.request_count()), (2, 2));
}

/// Counts the calls in flight through it (each held a few milliseconds).
struct InFlight {
    inner: ovh_renew::OvhClient,
    now: AtomicU32,
    peak: AtomicU32,
}

impl ServiceRenewApi for InFlight {
    fn execute<'a>(
        &'a self,
        call: &'a ovh_renew::ops::Call,
    ) -> ovh_renew::ApiFuture<'a, ovh_renew::ops::Reply> {
        Box::pin(async move {
            let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            let reply = self.inner.execute(call).await;
            self.now.fetch_sub(1, Ordering::SeqCst);
            reply
        })
    }
}

#[tokio::test]
async fn a_raw_server_answering_ids_is_read_per_id_never_more_than_the_bound_in_flight() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let raw = RawServer::start(move |req| {
        if req.target == "/1.0/services" {
            // The header is not honoured: plain ids, no pagination headers.
            return RawReply::Full(200, b"[1,2,3,4,5,6,7,8,9,10,11,12,3]".to_vec());
        }
        s.lock().unwrap().push(req.target.clone());
        let id = req.target.rsplit('/').next().unwrap().to_owned();
        RawReply::Full(200, format!(r#"{{"serviceId":{id}}}"#).into_bytes())
    })
    .await;
    let api = InFlight {
        inner: raw.builder().build().unwrap(),
        now: AtomicU32::new(0),
        peak: AtomicU32::new(0),
    };
    let listing = view_services(
        &api,
        &ServiceFilter::all(),
        &ListOptions::default().concurrency(4),
    )
    .await
    .unwrap();
    assert_eq!(listing.path, ListingPath::IdsAnswered);
    let ids: Vec<u64> = listing.views.iter().map(|v| v.service_id.0).collect();
    assert_eq!(
        ids,
        (1..=12).collect::<Vec<_>>(),
        "in the ids' order, each once"
    );
    // One listing, twelve reads (the repeated id is read once).
    assert_eq!(raw.request_count(), 13);
    assert_eq!(seen.lock().unwrap().len(), 12);
    assert_eq!(api.peak.load(Ordering::SeqCst), 4);
}
