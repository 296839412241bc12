//! Targets 3, 4 and 6: end to end against a local keep-alive HTTP/1.1 server.
//!
//! * 3: `renew_descriptions` through `ServiceRenewApi` on an `OvhClient`, against raw
//!   `reqwest` GET + `serde_json::from_slice::<Value>` on the same URL, sequentially and
//!   with 32 concurrent tasks, alternating rounds. Target: SDK / raw ≤ 1.10 in both modes.
//! * 4: `benches/python_ovh.py` (python-ovh) against the same server, next to our
//!   sequential number. Target: ours ≥ 8× faster. Skipped (never failed) when python3 or
//!   the `ovh` package is missing.
//! * 6: requests counted at the server, per client: one `/auth/time` per client and
//!   nothing but the calls made. A mismatch makes the bench exit with status 1.
//!
//! `cargo bench --bench e2e`. Environment: `OVH_BENCH_PYTHON` (interpreter, default
//! `python3`; `0` to skip the python-ovh row), `OVH_BENCH_RUNTIME=current` (client on a
//! current-thread runtime instead of the multi-thread one `#[tokio::main]` gives),
//! `OVH_BENCH_PROFILE=sdk|raw` (only that client, 2,000 sequential calls, for callgrind).
//!
//! The server runs on its own thread and current-thread runtime; it parses the request
//! head and `Content-Length`, answers the renew route with the recorded fixture's bytes
//! and `/1.0/auth/time` with the current Unix time, and keeps every connection open.

mod common;
#[path = "common/server.rs"]
mod server;

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::{Mode, Stats, fmt_ns, median, print_table, verdict};
use ovh_renew::{Credentials, OvhClient, ServiceId, ServiceRenewApi};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const AK: &str = "test-app-key-AK7";
const AS: &str = "SECRET-app-secret-9ufkBmLa";
const CK: &str = "SECRET-consumer-key-5mBuy6SU";
const SERVICE_ID: u64 = 118_977_335;
const FIXTURE: &str = "renew_descriptions_vps.json";
const RENEW_TARGET: &str = "/1.0/service/118977335/renew?includeOptions=false";
const TASKS: usize = 32;
const MAX_RATIO: f64 = 1.10;
const MIN_SPEEDUP_VS_PYTHON: f64 = 8.0;

// ---------------------------------------------------------------------------------------
// The local server
// ---------------------------------------------------------------------------------------

/// Who sent a request, from its `User-Agent`.
const CLIENTS: [&str; 4] = ["ovh-renew", "raw reqwest", "python-ovh", "other"];
/// What was asked.
const ROUTES: [&str; 3] = ["GET /auth/time", "GET renew", "anything else"];

#[derive(Default)]
struct Counts {
    requests: [[AtomicU64; ROUTES.len()]; CLIENTS.len()],
    connections: AtomicU64,
}

impl Counts {
    fn get(&self, client: usize, route: usize) -> u64 {
        self.requests[client][route].load(Ordering::Relaxed)
    }
}

struct Server {
    port: u16,
    counts: Arc<Counts>,
}

impl Server {
    fn start(body: Vec<u8>) -> Server {
        let counts = Arc::new(Counts::default());
        let c = counts.clone();
        let mut renew = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
             X-Ovh-QueryID: EU.ext-bench.0\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        renew.extend_from_slice(&body);
        let renew: Arc<[u8]> = renew.into();
        let port = server::spawn(move |stream| {
            c.connections.fetch_add(1, Ordering::Relaxed);
            serve(stream, c.clone(), renew.clone())
        });
        Server { port, counts }
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// One keep-alive connection: answers every complete request in the buffer (pipelining
/// included), then reads more, until the peer closes.
async fn serve(mut stream: TcpStream, counts: Arc<Counts>, renew: Arc<[u8]>) {
    let _ = stream.set_nodelay(true);
    let mut buf: Vec<u8> = Vec::with_capacity(8 * 1024);
    let mut out: Vec<u8> = Vec::with_capacity(8 * 1024);
    loop {
        while let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let Some((target, content_length, client)) = parse_head(&buf[..head_end]) else {
                return;
            };
            let total = head_end + 4 + content_length;
            if buf.len() < total {
                break;
            }
            let route = if target == "/1.0/auth/time" {
                0
            } else if target == RENEW_TARGET {
                1
            } else {
                2
            };
            counts.requests[client][route].fetch_add(1, Ordering::Relaxed);
            match route {
                0 => {
                    let now = unix_now().to_string();
                    out.extend_from_slice(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n\
                             Content-Length: {}\r\n\r\n{now}",
                            now.len()
                        )
                        .as_bytes(),
                    );
                }
                1 => out.extend_from_slice(&renew),
                _ => {
                    let body = br#"{"class":"Client::NotFound","message":"Got an invalid (or empty) URL"}"#;
                    out.extend_from_slice(
                        format!(
                            "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\
                             Content-Length: {}\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    );
                    out.extend_from_slice(body);
                }
            }
            buf.drain(..total);
        }
        if !out.is_empty() {
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

/// The request target, `Content-Length` and client class of a request head.
fn parse_head(head: &[u8]) -> Option<(String, usize, usize)> {
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let _method = request_line.next()?;
    let target = request_line.next()?.to_owned();
    let mut content_length = 0;
    let mut client = 1; // no User-Agent: raw reqwest sends none
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            content_length = value.parse().ok()?;
        } else if name.eq_ignore_ascii_case("user-agent") {
            client = if value.starts_with("ovh-renew/") {
                0
            } else if value.starts_with("python-requests/") {
                2
            } else {
                3
            };
        }
    }
    Some((target, content_length, client))
}

// ---------------------------------------------------------------------------------------
// The two clients
// ---------------------------------------------------------------------------------------

#[derive(Clone)]
enum Who {
    Sdk(OvhClient),
    Raw(reqwest::Client, Arc<str>),
}

impl Who {
    fn name(&self) -> &'static str {
        match self {
            Who::Sdk(_) => "ovh-renew",
            Who::Raw(..) => "raw reqwest + Value",
        }
    }

    /// One call; returns the number of renew descriptions so the work is kept.
    async fn call(&self) -> usize {
        match self {
            Who::Sdk(client) => client
                .renew_descriptions(ServiceId(SERVICE_ID), false)
                .await
                .expect("SDK call")
                .len(),
            Who::Raw(client, url) => {
                let response = client.get(&**url).send().await.expect("raw send");
                assert!(response.status().is_success(), "{}", response.status());
                let body = response.bytes().await.expect("raw body");
                let value: serde_json::Value = serde_json::from_slice(&body).expect("raw JSON");
                value.as_array().map_or(0, Vec::len)
            }
        }
    }

    /// `calls` sequential calls; wall time.
    async fn sequential(&self, calls: usize) -> Duration {
        let start = Instant::now();
        for _ in 0..calls {
            black_box(self.call().await);
        }
        start.elapsed()
    }

    /// `tasks` tasks doing `per_task` calls each; wall time.
    async fn concurrent(&self, tasks: usize, per_task: usize) -> Duration {
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let who = self.clone();
                tokio::spawn(async move {
                    for _ in 0..per_task {
                        black_box(who.call().await);
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.expect("task");
        }
        start.elapsed()
    }
}

/// Per-call nanoseconds of SDK and raw over `rounds` alternating rounds, and the median
/// of the per-round ratios (each round pairs two neighbouring measurements).
struct Comparison {
    sdk: Stats,
    raw: Stats,
    paired_ratio: f64,
}

impl Comparison {
    fn ratio(&self) -> f64 {
        self.sdk.median_ns / self.raw.median_ns
    }
}

async fn alternate<F, Fut>(sdk: &Who, raw: &Who, rounds: usize, calls: usize, run: F) -> Comparison
where
    F: Fn(Who) -> Fut,
    Fut: Future<Output = Duration>,
{
    let (mut s, mut r, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [sdk, raw]
        } else {
            [raw, sdk]
        };
        let mut per_call = [0.0; 2];
        for who in order {
            let ns = run(who.clone()).await.as_nanos() as f64 / calls as f64;
            per_call[usize::from(matches!(who, Who::Raw(..)))] = ns;
        }
        s.push(per_call[0]);
        r.push(per_call[1]);
        ratios.push(per_call[0] / per_call[1]);
    }
    Comparison {
        sdk: Stats::of(s),
        raw: Stats::of(r),
        paired_ratio: median(ratios),
    }
}

// ---------------------------------------------------------------------------------------
// python-ovh
// ---------------------------------------------------------------------------------------

struct PythonResult {
    us_per_call: f64,
    calls: u64,
    versions: String,
}

fn run_python(port: u16, iterations: usize, rounds: usize) -> Result<PythonResult, String> {
    let python = std::env::var("OVH_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    if python == "0" {
        return Err("skipped (OVH_BENCH_PYTHON=0)".into());
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/python_ovh.py");
    let output = std::process::Command::new(&python)
        .arg(script)
        .args(["--port", &port.to_string()])
        .args(["--iterations", &iterations.to_string()])
        .args(["--rounds", &rounds.to_string()])
        .output()
        .map_err(|e| {
            format!(
                "cannot run {python:?} ({e}): install Python 3 and `python3 -m pip install ovh`, \
                 or set OVH_BENCH_PYTHON to the interpreter"
            )
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    if !output.status.success() {
        return Err(format!(
            "{python} {script} failed ({}): {stderr}",
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("unreadable output {line:?}: {e}"))?;
    Ok(PythonResult {
        us_per_call: v["us_per_call"].as_f64().ok_or("no us_per_call")?,
        calls: v["calls"].as_u64().ok_or("no calls")?,
        versions: format!(
            "python {} / ovh {}",
            v["python"].as_str().unwrap_or("?"),
            v["ovh_version"].as_str().unwrap_or("?")
        ),
    })
}

// ---------------------------------------------------------------------------------------

fn main() {
    let mode = Mode::from_args();
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/renew_descriptions_vps.json"
    ))
    .expect("fixture");
    let server = Server::start(body);
    // The multi-thread runtime is what `#[tokio::main]` gives users;
    // OVH_BENCH_RUNTIME=current measures on a current-thread runtime instead.
    let current = std::env::var("OVH_BENCH_RUNTIME").as_deref() == Ok("current");
    let rt = if current {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    }
    .enable_all()
    .build()
    .expect("client runtime");
    let ok = match std::env::var("OVH_BENCH_PROFILE") {
        Ok(who) => rt.block_on(profile(&server, &who)),
        Err(_) => rt.block_on(run(mode, &server, current)),
    };
    if !ok {
        std::process::exit(1);
    }
}

/// `OVH_BENCH_PROFILE=sdk|raw`: only that client, 2,000 sequential calls after the
/// warm-up, no table; for `valgrind --tool=callgrind` (instruction counts per call).
async fn profile(server: &Server, who: &str) -> bool {
    let (sdk, raw) = clients(server).await;
    let who = if who == "raw" { raw } else { sdk };
    who.call().await;
    who.sequential(2_000).await;
    true
}

async fn clients(server: &Server) -> (Who, Who) {
    let base = format!("http://127.0.0.1:{}/1.0", server.port);
    let client = OvhClient::builder()
        .endpoint(base.parse().expect("endpoint"))
        .credentials(Credentials::new(AK, AS, CK))
        .build()
        .expect("client");
    // Time sync once, before anything is measured.
    client.time_delta().await.expect("GET /auth/time");
    let raw = reqwest::Client::new();
    (
        Who::Sdk(client),
        Who::Raw(
            raw,
            format!("http://127.0.0.1:{}{RENEW_TARGET}", server.port).into(),
        ),
    )
}

/// `/proc/loadavg` and the CPU pressure, to tell a quiet machine from a busy one.
fn machine_load() -> String {
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into());
    let pressure = std::fs::read_to_string("/proc/pressure/cpu")
        .ok()
        .and_then(|p| {
            p.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .unwrap_or_else(|| "avg10=?".into());
    format!("loadavg {load}, CPU pressure some {pressure}")
}

async fn run(mode: Mode, server: &Server, current_thread: bool) -> bool {
    let load_before = machine_load();
    let (sdk, raw) = clients(server).await;
    let mut sdk_calls = 0u64;
    let mut raw_calls = 0u64;

    // Both decode the same answer.
    let n = sdk.call().await;
    assert_eq!(n, raw.call().await);
    assert!(n > 0);
    sdk_calls += 1;
    raw_calls += 1;
    // Warm both pools up to TASKS keep-alive connections.
    for _ in 0..3 {
        sdk.concurrent(TASKS, 2).await;
        raw.concurrent(TASKS, 2).await;
    }
    sdk_calls += 3 * 2 * TASKS as u64;
    raw_calls += 3 * 2 * TASKS as u64;

    // Many short rounds: a burst of load from another process spoils a few rounds, and
    // each ratio pairs two neighbouring rounds, so the median ratio stays put.
    let rounds = mode.pick(31, 2);
    let seq_calls = mode.pick(400, 20);
    let per_task = mode.pick(32, 2);

    let seq = alternate(&sdk, &raw, rounds, seq_calls, |who| async move {
        who.sequential(seq_calls).await
    })
    .await;
    sdk_calls += (rounds * seq_calls) as u64;
    raw_calls += (rounds * seq_calls) as u64;

    let conc_calls = TASKS * per_task;
    let conc = alternate(&sdk, &raw, rounds, conc_calls, |who| async move {
        who.concurrent(TASKS, per_task).await
    })
    .await;
    sdk_calls += (rounds * conc_calls) as u64;
    raw_calls += (rounds * conc_calls) as u64;

    let quick_note = if mode.quick {
        " [quick smoke run, not a measurement]"
    } else {
        ""
    };
    println!(
        "\n## Target 3: end to end, renew_descriptions ({FIXTURE}, local keep-alive server)\n"
    );
    println!(
        "{} client runtime; {rounds} alternating rounds; sequential: {seq_calls} calls per \
         round; concurrent: {TASKS} tasks × {per_task} calls per round. Headline ratio: median \
         of the per-round SDK÷raw ratios (each round pairs neighbouring measurements).\n",
        if current_thread {
            "current-thread"
        } else {
            "multi-thread (2 workers)"
        }
    );
    let mut rows = Vec::new();
    for (mode_name, c) in [("sequential", &seq), ("32 concurrent tasks", &conc)] {
        for (who, s) in [(sdk.name(), &c.sdk), (raw.name(), &c.raw)] {
            rows.push(vec![
                format!("{mode_name}: {who}"),
                fmt_ns(s.median_ns),
                format!("{} – {}", fmt_ns(s.min_ns), fmt_ns(s.max_ns)),
                format!("{:.0}", 1e9 / s.median_ns),
                String::new(),
                String::new(),
                String::new(),
            ]);
        }
        let last = rows.len() - 2;
        rows[last][4] = format!("{:.3}", c.paired_ratio);
        rows[last][5] = format!("{:.3}", c.ratio());
        rows[last][6] = format!("{:.3}", c.sdk.min_ns / c.raw.min_ns);
    }
    print_table(
        &[
            "mode: client",
            "per call (median)",
            "min – max",
            "calls/s",
            "SDK÷raw",
            "÷ of medians",
            "÷ of minimums",
        ],
        &rows,
    );
    let e2e_ok = seq.paired_ratio <= MAX_RATIO && conc.paired_ratio <= MAX_RATIO;
    println!(
        "\ntarget: SDK÷raw ≤ {MAX_RATIO:.2} sequential ({:.3}) and concurrent ({:.3}) → {}{quick_note}",
        seq.paired_ratio,
        conc.paired_ratio,
        verdict(e2e_ok),
    );

    // Target 4: python-ovh against the same server, sequential.
    println!("\n## Target 4: against python-ovh (sequential, same server, same call)\n");
    let mut python_calls = 0;
    if mode.quick {
        println!("skipped in the quick smoke run (run `cargo bench --bench e2e`)");
    } else {
        let py = tokio::task::spawn_blocking({
            let port = server.port;
            move || run_python(port, 500, 5)
        })
        .await
        .expect("python task");
        match py {
            Ok(py) => {
                python_calls = py.calls;
                // Ours again right after python, and the slower of the two: load from
                // another process during either measurement only makes the ratio smaller.
                let mut after = Vec::new();
                for _ in 0..rounds {
                    after
                        .push(sdk.sequential(seq_calls).await.as_nanos() as f64 / seq_calls as f64);
                }
                sdk_calls += (rounds * seq_calls) as u64;
                let after = median(after);
                let ours_us = seq.sdk.median_ns.max(after) / 1e3;
                let speedup = py.us_per_call / ours_us;
                print_table(
                    &["client", "µs per call (median)", "python-ovh ÷ ours"],
                    &[
                        vec![
                            format!("python-ovh ({}, requests)", py.versions),
                            format!("{:.1}", py.us_per_call),
                            String::new(),
                        ],
                        vec![
                            "ovh-renew, sequential (slower of before / after python)".into(),
                            format!(
                                "{ours_us:.1} ({:.1} / {:.1})",
                                seq.sdk.median_ns / 1e3,
                                after / 1e3
                            ),
                            format!("{speedup:.1}×"),
                        ],
                    ],
                );
                println!(
                    "\ntarget: ours ≥ {MIN_SPEEDUP_VS_PYTHON}× faster → {speedup:.1}× {}",
                    verdict(speedup >= MIN_SPEEDUP_VS_PYTHON)
                );
            }
            Err(why) => println!("python-ovh row skipped: {why}"),
        }
    }

    // Target 6: what reached the server.
    println!("\n## Target 6: requests counted at the server\n");
    let counts = &server.counts;
    let expected: [[u64; 3]; 4] = [
        [1, sdk_calls, 0],
        [0, raw_calls, 0],
        [u64::from(python_calls > 0), python_calls, 0],
        [0, 0, 0],
    ];
    let mut rows = Vec::new();
    let mut counts_ok = true;
    for (c, name) in CLIENTS.iter().enumerate() {
        let got: Vec<u64> = (0..ROUTES.len()).map(|r| counts.get(c, r)).collect();
        let ok = got == expected[c];
        counts_ok &= ok;
        rows.push(vec![
            (*name).to_owned(),
            got[0].to_string(),
            got[1].to_string(),
            got[2].to_string(),
            format!("{:?}", expected[c]),
            if ok { "OK".into() } else { "MISMATCH".into() },
        ]);
    }
    print_table(
        &["client", ROUTES[0], ROUTES[1], ROUTES[2], "expected", ""],
        &rows,
    );
    println!(
        "\nTCP connections accepted: {} for {} requests (keep-alive: about {TASKS} per Rust \
         client, a few more when a task checks out before a finished connection is back in \
         the pool; 1 for python-ovh)",
        counts.connections.load(Ordering::Relaxed),
        expected.iter().flatten().sum::<u64>()
    );
    println!(
        "target: one /auth/time per client and no request beyond the calls → {}{quick_note}",
        verdict(counts_ok),
    );
    println!(
        "\nmachine load: before {load_before}; after {}",
        machine_load()
    );
    counts_ok
}
