//! Target 5: planner scaling.
//!
//! `planner::plan` on a real `OvhClient` (signed, one `/auth/time`) against a local
//! keep-alive HTTP/1.1 server that delays every answer by 20 ms. The account holds 1,000
//! services, each on manual renewal and expiring tomorrow, so the planner keeps every one.
//! The server does not honour the pagination header (it answers plain ids), so the planner
//! takes its per-id path: 1 `GET /me/debtAccount` + 1 `GET /services` + 1,000
//! `GET /services/{id}` + 1,000 `GET /service/{id}/renew` = 2,002 calls. (The paged path,
//! which needs no per-id read, is measured by `benches/fleet.rs`.) Wall time at concurrency 1, 8, 16 and 64 is
//! compared with the ideal `calls × 20 ms / concurrency`. Target: within 1.3× at 16.
//!
//! Concurrency 1 runs on the first 100 services of the account (202 calls, ~4 s) unless
//! `OVH_BENCH_PLANNER_C1_SERVICES=1000` (~40 s): its ideal and ratio are computed for the
//! calls it made, never scaled.
//!
//! **One process per run.** The server lives in this process; each `plan()` runs in a
//! child process (this same binary, `OVH_BENCH_PLANNER_RUN` set) that builds the client,
//! syncs the time, then times `plan()` and reads its own `VmRSS` before and `VmHWM` after
//! from `/proc/self/status`. So the peak RSS is the client's and the planner's alone,
//! with no server and no earlier run in it.
//!
//! **The server** (the e2e bench's keep-alive server, with routes for the planner and a
//! delay): one thread with a current-thread runtime; a task per connection; each request
//! is parsed, then answered after `tokio::time::sleep_until(received + 20 ms)`, which
//! never blocks the thread, so the 20 ms overlap across connections. The answers are the
//! recorded fixtures with the service's id, name, dates and renew mode substituted
//! (`services_get_vps.json`, `renew_descriptions_vps.json`, `me_debt_account_none.json`).
//! Requests are counted per route and checked for every run: [1 `/auth/time`, 1 debt,
//! 1 list, n views, n renews, 0 else]; a mismatch, or a plan that is not n ready lines,
//! exits with status 1.

mod common;
#[path = "../tests/common/raw_http.rs"]
mod raw_http;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use common::{Mode, machine_load, median, print_table, unix_now};
use ovh_renew::planner::{PeriodChoice, PlanOptions, plan};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every answer waits this long.
const DELAY: Duration = Duration::from_millis(20);
/// The account's services are `FIRST_ID`, `FIRST_ID + 1`, …
const FIRST_ID: u64 = 200_000_000;
const CONCURRENCIES: [usize; 4] = [1, 8, 16, 64];
/// The target: at this concurrency, wall ≤ `MAX_RATIO` × ideal.
const TARGET_CONCURRENCY: usize = 16;
const MAX_RATIO: f64 = 1.3;
/// The child process's instructions: `port,concurrency,services,today`.
const RUN_ENV: &str = "OVH_BENCH_PLANNER_RUN";
/// Services for the concurrency-1 run (default 100: 202 calls, ~4 s).
const C1_ENV: &str = "OVH_BENCH_PLANNER_C1_SERVICES";

// ---------------------------------------------------------------------------------------
// The local server
// ---------------------------------------------------------------------------------------

/// What was asked.
const ROUTES: [&str; 6] = [
    "GET /auth/time",
    "GET /me/debtAccount",
    "GET /services",
    "GET /services/{id}",
    "GET /service/{id}/renew",
    "anything else",
];

struct State {
    /// How many services `GET /service` lists (set before each run).
    services: AtomicUsize,
    requests: [AtomicU64; ROUTES.len()],
    connections: AtomicU64,
    /// Total time between a request being read and its answer being written.
    delayed_ns: AtomicU64,
    /// `services_get_vps.json` with `{ID}`, `{NAME}`, the dates already set, manual.
    service_template: String,
    /// `me_debt_account_none.json`.
    debt: String,
    /// `renew_descriptions_vps.json` with `{ID}` and `{NAME}`.
    renew_template: String,
}

impl State {
    /// Zeroes the counters; returns what they held.
    fn take_counts(&self) -> ([u64; ROUTES.len()], u64, u64) {
        let requests = std::array::from_fn(|r| self.requests[r].swap(0, Ordering::Relaxed));
        (
            requests,
            self.connections.swap(0, Ordering::Relaxed),
            self.delayed_ns.swap(0, Ordering::Relaxed),
        )
    }

    /// Appends the answer to `target` to `out`, and counts it.
    fn answer(&self, target: &str, out: &mut Vec<u8>) {
        let (route, status, body) = self.route(target);
        self.requests[route].fetch_add(1, Ordering::Relaxed);
        let (code, reason) = status.split_once(' ').unwrap_or((status, ""));
        let query_id = format!("EU.ext-bench.{route}");
        out.extend_from_slice(&raw_http::answer(
            code.parse().unwrap_or(500),
            reason,
            &[
                ("Content-Type", "application/json; charset=utf-8"),
                ("X-Ovh-QueryID", &query_id),
            ],
            body.as_bytes(),
        ));
    }

    fn route(&self, target: &str) -> (usize, &'static str, String) {
        const OK: &str = "200 OK";
        if target == "/1.0/auth/time" {
            return (0, OK, unix_now().to_string());
        }
        if target == "/1.0/me/debtAccount" {
            return (1, OK, self.debt.clone());
        }
        if target == "/1.0/services" {
            // The pagination header is not honoured: plain ids.
            let n = self.services.load(Ordering::Relaxed) as u64;
            let ids: Vec<u64> = (FIRST_ID..FIRST_ID + n).collect();
            return (2, OK, serde_json::to_string_pretty(&ids).expect("ids"));
        }
        if let Some(id) = target.strip_prefix("/1.0/services/") {
            if let Some(id) = id.parse::<u64>().ok().filter(|id| self.is_service(*id)) {
                let body = self
                    .service_template
                    .replace("{ID}", &id.to_string())
                    .replace("{NAME}", &service_name(id));
                return (3, OK, body);
            }
        }
        if let Some(rest) = target.strip_prefix("/1.0/service/") {
            let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if let Some(id) = id.parse::<u64>().ok().filter(|id| self.is_service(*id)) {
                if tail == "renew?includeOptions=false" {
                    let body = self
                        .renew_template
                        .replace("{ID}", &id.to_string())
                        .replace("{NAME}", &service_name(id));
                    return (4, OK, body);
                }
            }
        }
        let body = r#"{"class":"Client::NotFound","message":"Got an invalid (or empty) URL"}"#;
        (5, "404 Not Found", body.into())
    }

    fn is_service(&self, id: u64) -> bool {
        (FIRST_ID..FIRST_ID + self.services.load(Ordering::Relaxed) as u64).contains(&id)
    }
}

/// A VPS name like the recorded one (`vps-0baa4fcf.vps.ovh.net`), unique per id.
fn service_name(id: u64) -> String {
    format!("vps-{id:08x}")
}

/// Replaces `from` (which must occur) by `to` in a fixture.
fn substitute(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the fixture no longer holds {from:?}");
    text.replace(from, to)
}

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

fn fixture(name: &str) -> String {
    String::from_utf8(fixtures::fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

struct Server {
    port: u16,
    state: Arc<State>,
}

impl Server {
    /// Every service is on manual renewal and expires the day after `today`.
    fn start(today: NaiveDate) -> Server {
        let expiry = today.succ_opt().expect("tomorrow").to_string();
        let mut service = fixture("services_get_vps.json");
        service = substitute(&service, "vps-0baa4fcf", "{NAME}");
        service = substitute(&service, "118977335", "{ID}");
        service = substitute(
            &service,
            "\"2023-08-01T17:31:17+02:00\"",
            &format!("\"{expiry}T17:31:17+02:00\""),
        );
        service = substitute(
            &service,
            "\"mode\": \"automatic\",",
            "\"mode\": \"manual\",",
        );
        let mut renew = fixture("renew_descriptions_vps.json");
        renew = substitute(&renew, "118977335", "{ID}");
        renew = substitute(&renew, "vps-0baa4fcf", "{NAME}");
        let state = Arc::new(State {
            services: AtomicUsize::new(0),
            requests: Default::default(),
            connections: AtomicU64::new(0),
            delayed_ns: AtomicU64::new(0),
            service_template: service,
            debt: fixture("me_debt_account_none.json"),
            renew_template: renew,
        });

        let s = state.clone();
        let port = raw_http::spawn(move |stream| {
            s.connections.fetch_add(1, Ordering::Relaxed);
            serve(stream, s.clone())
        })
        .port;
        Server { port, state }
    }
}

/// One keep-alive connection: answers each complete request in order, `DELAY` after it
/// was read (an async sleep: the other connections go on meanwhile), until the peer
/// closes.
async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        while let raw_http::Parsed::Request(request, total) = raw_http::parse(&buf) {
            let target = request.target;
            let received = Instant::now();
            state.answer(&target, &mut out);
            buf.drain(..total);
            tokio::time::sleep_until((received + DELAY).into()).await;
            state
                .delayed_ns
                .fetch_add(received.elapsed().as_nanos() as u64, Ordering::Relaxed);
            if stream.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        match stream.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------------------
// One run, in a child process
// ---------------------------------------------------------------------------------------

/// What a child reports (one JSON line on stdout).
struct RunResult {
    wall: Duration,
    rss_before_kb: u64,
    peak_kb: u64,
}

/// The child: client, time sync, then `plan()` timed. The client runtime is the
/// multi-thread one `#[tokio::main]` gives (2 workers here).
fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(',').collect();
    let [port, concurrency, services, today] = parts[..] else {
        panic!("{RUN_ENV}={spec:?}: expected port,concurrency,services,today");
    };
    let port: u16 = port.parse().expect("port");
    let concurrency: usize = concurrency.parse().expect("concurrency");
    let services: usize = services.parse().expect("services");
    let today: NaiveDate = today.parse().expect("today");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    rt.block_on(async move {
        let client = common::local_client(port);
        // The one time sync, before anything is timed.
        client.time_delta().await.expect("GET /auth/time");
        let options = PlanOptions::new(PeriodChoice::Fixed("P1Y".parse().expect("P1Y")))
            .within_days(30)
            .concurrency(concurrency)
            .today(today);

        let rss_before_kb = common::proc_status_kb("VmRSS");
        let start = Instant::now();
        let plan = plan(&client, &options, None).await.expect("plan");
        let wall = start.elapsed();
        let peak_kb = common::proc_status_kb("VmHWM");

        // Every service is kept and ready, at the fixture's P1Y price (414 EUR).
        let ready = plan.ready().count();
        let ok = ready == services
            && plan.lines.len() == services
            && plan.skipped.is_empty()
            && plan.totals.len() == 1
            && plan.totals[0].currency_text() == "EUR"
            && plan.totals[0].ucents == 41_400_000_000 * services as i128;
        if !ok {
            eprintln!(
                "unexpected plan: {ready} ready of {} lines, {} skipped, totals {:?}; first \
                 failure: {:?}",
                plan.lines.len(),
                plan.skipped.len(),
                plan.totals,
                plan.failed().next()
            );
            std::process::exit(1);
        }
        println!(
            "{}",
            serde_json::json!({
                "wall_ns": wall.as_nanos() as u64,
                "rss_before_kb": rss_before_kb,
                "peak_kb": peak_kb,
            })
        );
    });
}

/// Runs one `plan()` in a child process.
fn run_child(port: u16, concurrency: usize, services: usize, today: NaiveDate) -> RunResult {
    let exe = std::env::current_exe().expect("current exe");
    let output = std::process::Command::new(exe)
        .env(RUN_ENV, format!("{port},{concurrency},{services},{today}"))
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("run the child");
    if !output.status.success() {
        eprintln!(
            "planner run (concurrency {concurrency}) failed: {}",
            output.status
        );
        std::process::exit(1);
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("child said {line:?}: {e}"));
    RunResult {
        wall: Duration::from_nanos(v["wall_ns"].as_u64().expect("wall_ns")),
        rss_before_kb: v["rss_before_kb"].as_u64().expect("rss_before_kb"),
        peak_kb: v["peak_kb"].as_u64().expect("peak_kb"),
    }
}

// ---------------------------------------------------------------------------------------

/// All runs at one concurrency.
struct Row {
    concurrency: usize,
    services: usize,
    walls: Vec<f64>,
    peak_kb: u64,
    /// The largest growth of RSS during `plan()` (peak − RSS just before).
    growth_kb: u64,
    connections: u64,
    delayed_ns: u64,
    requests: u64,
}

impl Row {
    fn calls(&self) -> usize {
        2 + 2 * self.services
    }

    fn ideal(&self) -> f64 {
        self.calls() as f64 * DELAY.as_secs_f64() / self.concurrency as f64
    }

    fn wall(&self) -> f64 {
        median(self.walls.clone())
    }

    fn ratio(&self) -> f64 {
        self.wall() / self.ideal()
    }

    /// The delay the server actually gave, on average (20 ms and the timer's rounding).
    fn served_delay(&self) -> f64 {
        self.delayed_ns as f64 / self.requests.max(1) as f64 / 1e9
    }

    /// Wall ÷ (calls × the served delay / concurrency): what is left once the server's
    /// timer rounding is taken out, i.e. the client's and the planner's own share.
    fn ratio_to_served(&self) -> f64 {
        self.wall() / (self.calls() as f64 * self.served_delay() / self.concurrency as f64)
    }
}

fn fmt_s(s: f64) -> String {
    format!("{s:.3} s")
}

fn fmt_mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

fn main() {
    if let Ok(spec) = std::env::var(RUN_ENV) {
        child(&spec);
        return;
    }
    let mode = Mode::from_args();
    let load_before = machine_load();
    let today = chrono::Utc::now().date_naive();
    let server = Server::start(today);

    let services = mode.pick(1_000, 40);
    let c1_services = std::env::var(C1_ENV)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(mode.pick(100, 10))
        .min(services);
    // Concurrency 1 is slow (20 ms per call) and the least noisy: one run. The others
    // run `rounds` times, interleaved, and report the median.
    let rounds = mode.pick(3, 1);
    let mut rows: Vec<Row> = CONCURRENCIES
        .iter()
        .map(|&concurrency| Row {
            concurrency,
            services: if concurrency == 1 {
                c1_services
            } else {
                services
            },
            walls: Vec::new(),
            peak_kb: 0,
            growth_kb: 0,
            connections: 0,
            delayed_ns: 0,
            requests: 0,
        })
        .collect();

    let mut counts_ok = true;
    for round in 0..rounds {
        for row in &mut rows {
            if row.concurrency == 1 && round > 0 {
                continue;
            }
            server.state.services.store(row.services, Ordering::Relaxed);
            server.state.take_counts();
            let run = run_child(server.port, row.concurrency, row.services, today);
            let (requests, connections, delayed_ns) = server.state.take_counts();
            let n = row.services as u64;
            let expected = [1, 1, 1, n, n, 0];
            if requests != expected {
                counts_ok = false;
                eprintln!(
                    "concurrency {}: requests {:?} = {requests:?}, expected {expected:?}",
                    row.concurrency, ROUTES
                );
            }
            row.walls.push(run.wall.as_secs_f64());
            row.peak_kb = row.peak_kb.max(run.peak_kb);
            row.growth_kb = row
                .growth_kb
                .max(run.peak_kb.saturating_sub(run.rss_before_kb));
            row.connections = row.connections.max(connections);
            row.delayed_ns += delayed_ns;
            row.requests += requests.iter().sum::<u64>();
        }
    }

    println!("\n## Target 5: planner scaling (local server, every answer delayed 20 ms)\n");
    println!(
        "plan() over {services} services, all kept (manual renewal, expiring tomorrow): \
         calls = 1 GET /me/debtAccount + 1 GET /services (answered with plain ids: the \
         per-id path) + per service GET /services/{{id}} + GET /service/{{id}}/renew. ideal = calls × 20 ms / concurrency. Wall: median of \
         {rounds} run(s) (concurrency 1: one run{}). Each run is its own process; peak RSS \
         is that process's VmHWM (client + planner, no server), the largest over the runs.\n",
        if c1_services < services {
            format!(
                ", on the first {c1_services} services only, not scaled: its ideal and ratio \
                 are for the {} calls it made",
                2 + 2 * c1_services
            )
        } else {
            String::new()
        }
    );
    let mut table = Vec::new();
    for row in &rows {
        let target = if row.concurrency == TARGET_CONCURRENCY {
            format!("≤ {MAX_RATIO:.1}× {}", mode.judge(row.ratio() <= MAX_RATIO))
        } else {
            String::new()
        };
        let walls = if row.walls.len() > 1 {
            let min = row.walls.iter().copied().fold(f64::INFINITY, f64::min);
            let max = row.walls.iter().copied().fold(0.0, f64::max);
            format!("{:.3} – {:.3}", min, max)
        } else {
            String::new()
        };
        table.push(vec![
            row.concurrency.to_string(),
            row.services.to_string(),
            row.calls().to_string(),
            fmt_s(row.wall()),
            walls,
            fmt_s(row.ideal()),
            format!("{:.3}", row.ratio()),
            format!(
                "{:.2} ms → {:.3}",
                row.served_delay() * 1e3,
                row.ratio_to_served()
            ),
            fmt_mib(row.peak_kb),
            format!("+{}", fmt_mib(row.growth_kb)),
            row.connections.to_string(),
            target,
        ]);
    }
    print_table(
        &[
            "concurrency",
            "services",
            "calls",
            "wall (median)",
            "min – max",
            "ideal",
            "ratio",
            "served delay → ratio",
            "peak RSS",
            "RSS growth in plan()",
            "connections",
            "target",
        ],
        &table,
    );
    let delayed_ns: u64 = rows.iter().map(|r| r.delayed_ns).sum();
    let requests: u64 = rows.iter().map(|r| r.requests).sum();
    println!(
        "\nserver: {requests} requests, each answered {:.2} ms after it was read on average \
         (20 ms asked; tokio's timer fires on the next 1 ms tick). \"served delay → ratio\": \
         that row's mean served delay, and wall ÷ (calls × it / concurrency), the share left \
         to the client and the planner.",
        delayed_ns as f64 / requests.max(1) as f64 / 1e6
    );
    if c1_services < services {
        let c1 = &rows[0];
        println!(
            "concurrency 1 over all {services} services would take about {:.1} s \
             (ideal {:.2} s; run it with {C1_ENV}={services})",
            c1.wall() * (2 + 2 * services) as f64 / c1.calls() as f64,
            (2 + 2 * services) as f64 * DELAY.as_secs_f64()
        );
    }
    let target = rows
        .iter()
        .find(|r| r.concurrency == TARGET_CONCURRENCY)
        .expect("target row");
    println!(
        "requests per run as expected [1 /auth/time, 1 debt, 1 list, n views, n renews, 0 \
         else]: \
         {}",
        if counts_ok { "OK" } else { "MISMATCH" }
    );
    println!(
        "target: concurrency {TARGET_CONCURRENCY} within {MAX_RATIO}× of ideal → {:.3} {}",
        target.ratio(),
        mode.judge(target.ratio() <= MAX_RATIO),
    );
    println!(
        "\nmachine load: before {load_before}; after {}",
        machine_load()
    );
    if !counts_ok {
        std::process::exit(1);
    }
}
