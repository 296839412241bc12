//! Fleet: the planner on the paged `/services` view, side by side with its
//! per-id fallback and with today's planner shape, in one run.
//!
//! A local keep-alive HTTP/1.1 server (the planner bench's: one thread, a task per
//! connection, every answer sent 20 ms after its request was read, with an async sleep so
//! the delays overlap) holds 1,000 services on manual renewal, 50 of them expiring
//! tomorrow and the rest in 400 days. Each candidate plans for P1Y within 30 days at
//! concurrency 16, on a real signed `OvhClient`, in its own child process (this binary,
//! `OVH_BENCH_FLEET_RUN` set), which syncs the time first (`/auth/time` is not counted),
//! then times the plan and reads its own `VmRSS` before and `VmHWM` after:
//!
//! * **paged**: `planner::plan` — 1 `GET /me/debtAccount`, `GET /services` with
//!   `X-Pagination-Mode: CachedObjectList-Pages` (1,000 per page: 1 page), then
//!   `GET /service/{id}/renew` for the 50 expiring: 52 requests;
//! * **fallback**: `planner::plan` against the same server told to ignore the header (it
//!   answers plain ids): 1 debt + 1 list + 1,000 `GET /services/{id}` + 50 = 1,052;
//! * **today's shape**: what `plan` did before issue 16, written out here with the same
//!   typed calls and concurrency: `GET /service`, 1,000 `GET /service/{id}`, then the
//!   50 renewal choices: 1,051.
//!
//! Then the paged path once more over 10,000 services (10 pages, 50 expiring) for its peak
//! memory. The answers are the recorded fixtures (`services_get_vps.json`,
//! `service_get_vps.json`, `renew_descriptions_vps.json`, `me_debt_account_none.json`)
//! with ids, names, dates and the manual mode substituted. Every run's requests are
//! counted per route and checked, and each plan must hold exactly the expiring services,
//! ready at the fixture's P1Y price: a mismatch exits with status 1 (also in the smoke
//! run of `cargo test --benches`, on 100 services, 5 expiring).

mod common;
#[path = "../tests/common/fixtures.rs"]
mod fixtures;
#[path = "../tests/common/raw_http.rs"]
mod raw_http;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::{Mode, machine_load, median, print_table, unix_now, verdict};
use futures_util::stream::{self, StreamExt};
use ovh_renew::models::{RenewMode, ServiceId};
use ovh_renew::planner::{PeriodChoice, PlanOptions, plan};
use ovh_renew::{OvhClient, ServiceRenewApi, strategy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const DELAY: Duration = Duration::from_millis(20);
const FIRST_ID: u64 = 300_000_000;
const CONCURRENCY: usize = 16;
const PAGE_SIZE: u64 = 1000;
const RUN_ENV: &str = "OVH_BENCH_FLEET_RUN";
/// The paged plan's wall-time target.
const MAX_PAGED_WALL: Duration = Duration::from_millis(250);

const ROUTES: [&str; 9] = [
    "GET /auth/time",
    "GET /me/debtAccount",
    "GET /services (page)",
    "GET /services (ids)",
    "GET /services/{id}",
    "GET /service",
    "GET /service/{id}",
    "GET /service/{id}/renew",
    "anything else",
];

struct State {
    services: AtomicUsize,
    expiring: AtomicUsize,
    /// Whether `GET /services` honours the pagination header.
    paged: AtomicBool,
    requests: [AtomicU64; ROUTES.len()],
    /// Compact `services_get_vps.json` with `{ID}`, `{NAME}`, `{EXPIRY}`, manual mode.
    view: String,
    /// `service_get_vps.json` with `{NAME}`, `{EXPIRY}` (a date), manual mode.
    service: String,
    renew: String,
    debt: String,
    soon: String,
    later: String,
}

fn substitute(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the fixture no longer holds {from:?}");
    text.replace(from, to)
}

fn fixture(name: &str) -> String {
    String::from_utf8(fixtures::fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn name(id: u64) -> String {
    format!("vps-{id:08x}")
}

impl State {
    fn new(today: NaiveDate) -> State {
        let compact: serde_json::Value =
            serde_json::from_str(&fixture("services_get_vps.json")).expect("view fixture");
        let mut view = serde_json::to_string(&compact).expect("compact");
        view = substitute(&view, "vps-0baa4fcf", "{NAME}");
        view = substitute(&view, "118977335", "{ID}");
        view = substitute(
            &view,
            "\"2023-08-01T17:31:17+02:00\"",
            "\"{EXPIRY}T17:31:17+02:00\"",
        );
        view = substitute(&view, "\"mode\":\"automatic\",", "\"mode\":\"manual\",");
        let mut service = fixture("service_get_vps.json");
        service = substitute(&service, "vps-0baa4fcf", "{NAME}");
        service = substitute(&service, "\"2023-08-01\"", "\"{EXPIRY}\"");
        service = substitute(
            &service,
            "\"mode\": \"automaticV2016\"",
            "\"mode\": \"manual\"",
        );
        let mut renew = fixture("renew_descriptions_vps.json");
        renew = substitute(&renew, "118977335", "{ID}");
        renew = substitute(&renew, "vps-0baa4fcf", "{NAME}");
        let day = |days: u64| {
            today
                .checked_add_days(chrono::Days::new(days))
                .expect("date")
                .to_string()
        };
        State {
            services: AtomicUsize::new(0),
            expiring: AtomicUsize::new(0),
            paged: AtomicBool::new(true),
            requests: Default::default(),
            view,
            service,
            renew,
            debt: fixture("me_debt_account_none.json"),
            soon: day(1),
            later: day(400),
        }
    }

    fn take_counts(&self) -> [u64; ROUTES.len()] {
        std::array::from_fn(|r| self.requests[r].swap(0, Ordering::Relaxed))
    }

    fn ids(&self) -> std::ops::Range<u64> {
        FIRST_ID..FIRST_ID + self.services.load(Ordering::Relaxed) as u64
    }

    fn expiry(&self, id: u64) -> &str {
        if id - FIRST_ID < self.expiring.load(Ordering::Relaxed) as u64 {
            &self.soon
        } else {
            &self.later
        }
    }

    fn view_of(&self, id: u64) -> String {
        self.view
            .replace("{ID}", &id.to_string())
            .replace("{NAME}", &name(id))
            .replace("{EXPIRY}", self.expiry(id))
    }

    /// The route index, extra headers and body of the answer to `request`.
    fn route(
        &self,
        request: &raw_http::RawRequest,
    ) -> (usize, Vec<(&'static str, String)>, String) {
        let target = request.target.as_str();
        let none = Vec::new();
        if target == "/1.0/auth/time" {
            return (0, none, unix_now().to_string());
        }
        if target == "/1.0/me/debtAccount" {
            return (1, none, self.debt.clone());
        }
        if target == "/1.0/services" {
            let paged = request.header("x-pagination-mode").as_deref()
                == Some("CachedObjectList-Pages")
                && self.paged.load(Ordering::Relaxed);
            if !paged {
                let ids: Vec<u64> = self.ids().collect();
                return (3, none, serde_json::to_string(&ids).expect("ids"));
            }
            let number: u64 = request
                .header("x-pagination-number")
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let size: u64 = request
                .header("x-pagination-size")
                .and_then(|n| n.parse().ok())
                .unwrap_or(PAGE_SIZE);
            let ids = self.ids();
            let total = ids.end - ids.start;
            let page: Vec<String> = ids
                .skip(((number - 1) * size) as usize)
                .take(size as usize)
                .map(|id| self.view_of(id))
                .collect();
            let headers = vec![
                ("X-Pagination-Elements", total.to_string()),
                ("X-Pagination-Number", number.to_string()),
                ("X-Pagination-Size", size.to_string()),
            ];
            return (2, headers, format!("[{}]", page.join(",")));
        }
        let known = |id: &str| id.parse::<u64>().ok().filter(|id| self.ids().contains(id));
        if let Some(id) = target.strip_prefix("/1.0/services/").and_then(known) {
            return (4, none, self.view_of(id));
        }
        if target == "/1.0/service" {
            let ids: Vec<u64> = self.ids().collect();
            return (5, none, serde_json::to_string(&ids).expect("ids"));
        }
        if let Some(rest) = target.strip_prefix("/1.0/service/") {
            let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if let Some(id) = known(id) {
                match tail {
                    "" => {
                        let body = self
                            .service
                            .replace("{NAME}", &name(id))
                            .replace("{EXPIRY}", self.expiry(id));
                        return (6, none, body);
                    }
                    "renew?includeOptions=false" => {
                        let body = self
                            .renew
                            .replace("{ID}", &id.to_string())
                            .replace("{NAME}", &name(id));
                        return (7, none, body);
                    }
                    _ => {}
                }
            }
        }
        (
            8,
            none,
            r#"{"class":"Client::NotFound","message":"Got an invalid (or empty) URL"}"#.into(),
        )
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        while let raw_http::Parsed::Request(request, used) = raw_http::parse(&buf) {
            buf.drain(..used);
            let received = Instant::now();
            let (route, extra, body) = state.route(&request);
            state.requests[route].fetch_add(1, Ordering::Relaxed);
            let status = if route == 8 { 404 } else { 200 };
            let mut headers: Vec<(&str, &str)> =
                vec![("Content-Type", "application/json; charset=utf-8")];
            headers.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
            let out = raw_http::answer(status, "OK", &headers, body.as_bytes());
            tokio::time::sleep_until((received + DELAY).into()).await;
            if stream.write_all(&out).await.is_err() {
                return;
            }
        }
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Today's planner shape: list, one `GET /service/{id}` each, then the choices of the
/// manual ones expiring within the horizon; the ids planned.
async fn todays_shape(client: &OvhClient, today: NaiveDate) -> Vec<ServiceId> {
    let horizon = today + chrono::Days::new(30);
    let ids = client.list_services().await.expect("GET /service");
    let services: Vec<_> = stream::iter(ids)
        .map(|id| async move { (id, client.service(id).await.expect("GET /service/{id}")) })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let keep: Vec<ServiceId> = services
        .into_iter()
        .filter(|(_, s)| {
            s.expiration_date.is_some_and(|d| d <= horizon)
                && s.renew
                    .as_ref()
                    .is_some_and(|r| r.mode == RenewMode::Manual)
        })
        .map(|(id, _)| id)
        .collect();
    let year = "P1Y".parse().expect("P1Y");
    let year = &year;
    stream::iter(keep)
        .map(|id| async move {
            let choices = client.renew_descriptions(id, false).await.expect("choices");
            strategy::select_single(&choices, year, id).expect("P1Y");
            id
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

/// The child: `kind,port,expiring,today`; prints `wall_ns rss_before_kb peak_kb`.
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(',').collect();
    let [kind, port, expiring, today] = parts[..] else {
        panic!("{RUN_ENV}={spec:?}");
    };
    let port: u16 = port.parse().expect("port");
    let expiring: usize = expiring.parse().expect("expiring");
    let today: NaiveDate = today.parse().expect("today");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let client = common::local_client(port);
        client.time_delta().await.expect("GET /auth/time");
        let rss_before_kb = common::proc_status_kb("VmRSS");
        let start = Instant::now();
        let planned = if kind == "today" {
            todays_shape(&client, today).await.len()
        } else {
            let options = PlanOptions::new(PeriodChoice::Fixed("P1Y".parse().expect("P1Y")))
                .within_days(30)
                .concurrency(CONCURRENCY)
                .today(today);
            let plan = plan(&client, &options, None).await.expect("plan");
            let ok = plan.failed().next().is_none()
                && plan.totals.len() == 1
                && plan.totals[0].ucents == 41_400_000_000 * expiring as i128;
            if !ok {
                eprintln!("{kind}: unexpected plan: {:?}", plan.totals);
                std::process::exit(1);
            }
            plan.ready().count()
        };
        let wall = start.elapsed();
        let peak_kb = common::proc_status_kb("VmHWM");
        if planned != expiring {
            eprintln!("{kind}: planned {planned}, expected {expiring}");
            std::process::exit(1);
        }
        println!("{} {rss_before_kb} {peak_kb}", wall.as_nanos());
    });
}

struct Run {
    wall: f64,
    rss_before_kb: u64,
    peak_kb: u64,
    requests: [u64; ROUTES.len()],
}

fn run(
    state: &State,
    port: u16,
    kind: &str,
    services: usize,
    expiring: usize,
    today: NaiveDate,
) -> Run {
    state.services.store(services, Ordering::Relaxed);
    state.expiring.store(expiring, Ordering::Relaxed);
    state.paged.store(kind != "fallback", Ordering::Relaxed);
    state.take_counts();
    let output = std::process::Command::new(std::env::current_exe().expect("exe"))
        .env(RUN_ENV, format!("{kind},{port},{expiring},{today}"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("child");
    if !output.status.success() {
        eprintln!("{kind} run failed: {}", output.status);
        std::process::exit(1);
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let v: Vec<u64> = text
        .split_whitespace()
        .map(|n| n.parse().expect("number"))
        .collect();
    Run {
        wall: v[0] as f64 / 1e9,
        rss_before_kb: v[1],
        peak_kb: v[2],
        requests: state.take_counts(),
    }
}

/// The requests a candidate must make, per route (`/auth/time` is the child's sync).
fn expected(kind: &str, services: u64, expiring: u64) -> [u64; ROUTES.len()] {
    let pages = services.div_ceil(PAGE_SIZE);
    match kind {
        "paged" => [1, 1, pages, 0, 0, 0, 0, expiring, 0],
        "fallback" => [1, 1, 0, 1, services, 0, 0, expiring, 0],
        _ => [1, 0, 0, 0, 0, 1, services, expiring, 0],
    }
}

fn main() {
    if let Ok(spec) = std::env::var(RUN_ENV) {
        child(&spec);
        return;
    }
    let mode = Mode::from_args();
    let load_before = machine_load();
    let today = chrono::Utc::now().date_naive();
    let state = Arc::new(State::new(today));
    let s = state.clone();
    let port = raw_http::spawn(move |stream| serve(stream, s.clone())).port;

    let (services, expiring) = mode.pick((1_000, 50), (100, 5));
    let big = mode.pick(10_000, 300);
    let rounds = mode.pick(3, 1);
    let kinds = ["paged", "fallback", "today"];
    let mut walls: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    let mut peaks = [0u64; 3];
    let mut counts_ok = true;
    let mut requests = [0u64; 3];
    for _ in 0..rounds {
        for (k, kind) in kinds.iter().enumerate() {
            let r = run(&state, port, kind, services, expiring, today);
            let want = expected(kind, services as u64, expiring as u64);
            if r.requests != want {
                counts_ok = false;
                eprintln!(
                    "{kind}: requests {:?} = {:?}, expected {want:?}",
                    ROUTES, r.requests
                );
            }
            requests[k] = r.requests[1..].iter().sum();
            walls[k].push(r.wall);
            peaks[k] = peaks[k].max(r.peak_kb);
        }
    }
    let big_run = run(&state, port, "paged", big, expiring, today);
    let want = expected("paged", big as u64, expiring as u64);
    if big_run.requests != want {
        counts_ok = false;
        eprintln!(
            "paged {big}: requests {:?}, expected {want:?}",
            big_run.requests
        );
    }

    let paged_wall = median(walls[0].clone());
    let paged_budget = 1 + (services as u64).div_ceil(PAGE_SIZE) + expiring as u64;
    println!("\n## Fleet: the planner on the paged /services view (every answer delayed 20 ms)\n");
    println!(
        "{services} services on manual renewal, {expiring} expiring within the 30-day horizon, \
         concurrency {CONCURRENCY}, page size {PAGE_SIZE}. Requests: every request but the \
         child's one /auth/time. Wall: median of {rounds} run(s), each in its own process; \
         peak RSS is that process's VmHWM.\n"
    );
    let mib = |kb: u64| format!("{:.1} MiB", kb as f64 / 1024.0);
    let rows: Vec<Vec<String>> = kinds
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let label = match *kind {
                "paged" => "paged view (plan)",
                "fallback" => "per-id fallback (plan, header ignored)",
                _ => "today's shape (GET /service + per id)",
            };
            let target = if k == 0 {
                format!(
                    "≤ {} requests {}, ≤ 0.25 s {}",
                    paged_budget,
                    verdict(requests[0] <= paged_budget),
                    mode.judge(Duration::from_secs_f64(paged_wall) <= MAX_PAGED_WALL)
                )
            } else {
                String::new()
            };
            vec![
                label.to_owned(),
                requests[k].to_string(),
                format!("{:.3} s", median(walls[k].clone())),
                mib(peaks[k]),
                target,
            ]
        })
        .collect();
    print_table(
        &["path", "requests", "wall (median)", "peak RSS", "target"],
        &rows,
    );
    println!(
        "\npaged view over {big} services ({} pages, {expiring} expiring): {} requests, \
         {:.3} s, peak RSS {} (+{} during plan())",
        (big as u64).div_ceil(PAGE_SIZE),
        big_run.requests[1..].iter().sum::<u64>(),
        big_run.wall,
        mib(big_run.peak_kb),
        mib(big_run.peak_kb.saturating_sub(big_run.rss_before_kb)),
    );
    println!(
        "requests per run as expected: {}",
        if counts_ok { "OK" } else { "MISMATCH" }
    );
    println!(
        "\nmachine load: before {load_before}; after {}",
        machine_load()
    );
    if !counts_ok {
        std::process::exit(1);
    }
}
