//! A small measuring harness shared by the benches (`harness = false`).
//!
//! Why not criterion: every target here is a comparison (the SDK against its baseline in
//! the same run) and the end-to-end one must alternate rounds between the two clients;
//! this harness interleaves the candidates sample by sample, reports medians and the
//! ratio in one table, and keeps `cargo bench` within a few minutes on two cores.
//!
//! `cargo bench` passes `--bench`: full measurement. Without it (`cargo test --benches`
//! runs bench targets that way) every bench does a quick smoke run so tests stay fast.

// Each bench uses a different subset of these helpers.
#![allow(dead_code)]

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The benches' credentials (the local servers check nothing; the secrets are marked so
/// that a leak would show).
pub const AK: &str = "test-app-key-AK7";
pub const AS: &str = "SECRET-app-secret-9ufkBmLa";
pub const CK: &str = "SECRET-consumer-key-5mBuy6SU";

/// A signed client of the bench server listening on `127.0.0.1:port`.
pub fn local_client(port: u16) -> ovh_renew::OvhClient {
    ovh_renew::OvhClient::builder()
        .endpoint(
            format!("http://127.0.0.1:{port}/1.0")
                .parse()
                .expect("endpoint"),
        )
        .credentials(ovh_renew::Credentials::new(AK, AS, CK))
        .build()
        .expect("client")
}

/// A field of `/proc/self/status` in kB (`VmRSS`, `VmHWM`); 0 where there is none.
pub fn proc_status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// How long to measure.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// `true` for the smoke run (no `--bench` argument, or `OVH_BENCH_QUICK=1`).
    pub quick: bool,
}

impl Mode {
    pub fn from_args() -> Mode {
        let bench = std::env::args().any(|a| a == "--bench");
        let forced = std::env::var_os("OVH_BENCH_QUICK").is_some_and(|v| v == "1");
        Mode {
            quick: !bench || forced,
        }
    }

    /// The verdict of a timing target: `PASS` / `FAIL` in a real run; a smoke run (test
    /// profile, a few iterations) measures nothing and says so instead.
    pub fn judge(self, ok: bool) -> String {
        if self.quick {
            "not judged (quick smoke run, not a measurement)".into()
        } else {
            verdict(ok)
        }
    }

    /// `full` in a real run, `quick` in a smoke run.
    pub fn pick<T>(self, full: T, quick: T) -> T {
        if self.quick { quick } else { full }
    }
}

/// A measured candidate: runs its operation `n` times per call.
pub struct Candidate<'a> {
    pub name: String,
    run: Box<dyn FnMut(u64) + 'a>,
}

impl<'a> Candidate<'a> {
    /// Wraps an operation; its result goes through `black_box` so it is not optimised away.
    pub fn new<T>(name: impl Into<String>, mut op: impl FnMut() -> T + 'a) -> Candidate<'a> {
        Candidate {
            name: name.into(),
            run: Box::new(move |n| {
                for _ in 0..n {
                    black_box(op());
                }
            }),
        }
    }
}

/// Median and spread of the per-operation time over the samples, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub median_ns: f64,
    pub min_ns: f64,
    pub max_ns: f64,
}

impl Stats {
    pub fn of(mut per_op_ns: Vec<f64>) -> Stats {
        per_op_ns.sort_by(f64::total_cmp);
        Stats {
            median_ns: median_sorted(&per_op_ns),
            min_ns: per_op_ns[0],
            max_ns: per_op_ns[per_op_ns.len() - 1],
        }
    }
}

pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    median_sorted(&values)
}

fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Measures the candidates side by side: each is calibrated so that one sample lasts
/// about `sample_time`, then the samples are taken in turn (A B C, B C A, …) so that
/// frequency drift or a noisy neighbour hits every candidate alike.
pub fn compare(
    candidates: &mut [Candidate<'_>],
    sample_time: Duration,
    samples: usize,
) -> Vec<Stats> {
    let iters: Vec<u64> = candidates
        .iter_mut()
        .map(|c| calibrate(&mut c.run, sample_time))
        .collect();
    let mut per_op: Vec<Vec<f64>> = vec![Vec::with_capacity(samples); candidates.len()];
    let k = candidates.len();
    for s in 0..samples {
        for j in 0..k {
            let i = (s + j) % k;
            let start = Instant::now();
            (candidates[i].run)(iters[i]);
            let elapsed = start.elapsed();
            per_op[i].push(elapsed.as_nanos() as f64 / iters[i] as f64);
        }
    }
    per_op.into_iter().map(Stats::of).collect()
}

/// The iteration count for which one sample lasts about `target` (at least 1).
fn calibrate(run: &mut dyn FnMut(u64), target: Duration) -> u64 {
    run(1); // warm caches and lazy statics
    let mut n = 1u64;
    loop {
        let start = Instant::now();
        run(n);
        let elapsed = start.elapsed();
        if elapsed >= target / 4 || n >= 1 << 30 {
            let per = elapsed.as_secs_f64() / n as f64;
            return ((target.as_secs_f64() / per.max(1e-12)) as u64).max(1);
        }
        n *= 4;
    }
}

/// Formats nanoseconds with a unit that keeps three significant digits.
pub fn fmt_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}

/// Prints a table with aligned columns (first column left-aligned, the others right).
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::from("|");
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            let pad = w - cell.chars().count();
            if i == 0 {
                out.push_str(&format!(" {cell}{} |", " ".repeat(pad)));
            } else {
                out.push_str(&format!(" {}{cell} |", " ".repeat(pad)));
            }
        }
        out
    };
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    println!("{}", line(&header));
    let mut sep = String::from("|");
    for (i, w) in widths.iter().enumerate() {
        sep.push_str(if i == 0 { ":" } else { "-" });
        sep.push_str(&"-".repeat(*w));
        sep.push_str(if i == 0 { "-|" } else { ":|" });
    }
    println!("{sep}");
    for row in rows {
        println!("{}", line(row));
    }
}

/// `PASS` / `FAIL` for a check that holds in any run (request counts); timing targets use
/// [`Mode::judge`].
pub fn verdict(ok: bool) -> String {
    if ok { "PASS".into() } else { "FAIL".into() }
}

/// `/proc/loadavg` and the CPU pressure, to tell a quiet machine from a busy one.
pub fn machine_load() -> String {
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

/// Seconds since the Unix epoch, what the benches' servers answer on `/auth/time`.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
