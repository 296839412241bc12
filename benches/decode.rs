//! Target 2: decoding each recorded response fixture (`src/testing/fixtures/index.json`) into
//! its typed model, against decoding it into `serde_json::Value`, in MB/s. Target: typed
//! at least as fast as `Value`, both plain `serde_json` and the client's own decode path.
//!
//! `cargo bench --bench decode`

mod common;

use std::time::Duration;

use common::{Candidate, Mode, compare, print_table};
use ovh_renew::ServiceId;
use ovh_renew::models::{
    Order, OrderStatus, RegisteredPaymentMean, RenewDescription, Service, ServiceInfos,
};
use serde::de::DeserializeOwned;

/// Which typed model each response fixture decodes into (what the client decodes it to).
const FIXTURES: &[(&str, &str)] = &[
    ("service_list.json", "Vec<ServiceId>"),
    ("service_get_vps.json", "Service"),
    ("vps_service_infos.json", "ServiceInfos"),
    ("vps_service_infos_expired.json", "ServiceInfos"),
    ("vps_service_infos_terminating.json", "ServiceInfos"),
    ("domain_service_infos.json", "ServiceInfos"),
    ("hosting_web_service_infos.json", "ServiceInfos"),
    ("dedicated_server_service_infos.json", "ServiceInfos"),
    (
        "renew_descriptions_domain_guide.json",
        "Vec<RenewDescription>",
    ),
    ("renew_descriptions_domain.json", "Vec<RenewDescription>"),
    ("renew_descriptions_vps.json", "Vec<RenewDescription>"),
    (
        "renew_descriptions_vps_include_options.json",
        "Vec<RenewDescription>",
    ),
    ("renew_descriptions_empty.json", "Vec<RenewDescription>"),
    ("renew_order.json", "Order"),
    ("renew_order_vps.json", "Order"),
    ("me_order_points.json", "Order"),
    ("me_order.json", "Order"),
    ("order_status_not_paid.json", "OrderStatus"),
    ("order_status_delivered.json", "OrderStatus"),
    (
        "available_registered_payment_mean.json",
        "Vec<RegisteredPaymentMean>",
    ),
    ("payment_method_list.json", "Vec<u64>"),
];

#[path = "../tests/common/fixtures.rs"]
mod fixtures;
use fixtures::fixture;

fn value(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

fn typed<T: DeserializeOwned>(bytes: &[u8]) -> T {
    serde_json::from_slice(bytes).expect("decodes")
}

/// Decoding through `serde_path_to_error` on every answer, as `Answer::decode` did before
/// this benchmark (kept as a column to show what decoding plainly first bought).
fn typed_path_to_error<T: DeserializeOwned>(bytes: &[u8]) -> T {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let v = serde_path_to_error::deserialize(&mut de).expect("decodes");
    de.end().expect("no trailing data");
    v
}

/// Mirror of the success path of `src/transport.rs` `Answer::decode` (keep in sync): what
/// users get from the client.
fn client_path<T: DeserializeOwned>(bytes: &[u8]) -> T {
    match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(_) => typed_path_to_error(bytes),
    }
}

struct Row {
    file: &'static str,
    ty: &'static str,
    bytes: usize,
    /// Best-sample ns per decode: Value, typed, typed + path_to_error, client path.
    ns: [f64; 4],
    /// Median-sample ns per decode, same order.
    median_ns: [f64; 4],
}

fn measure<T: DeserializeOwned>(
    file: &'static str,
    ty: &'static str,
    sample: Duration,
    samples: usize,
) -> Row {
    let bytes = fixture(file);
    let b = bytes.as_slice();
    // Every fixture must decode in every way before it is timed.
    std::hint::black_box(typed::<T>(b));
    std::hint::black_box(typed_path_to_error::<T>(b));
    std::hint::black_box(client_path::<T>(b));
    std::hint::black_box(value(b));
    let mut candidates = vec![
        Candidate::new("Value", || value(b)),
        Candidate::new("typed", || typed::<T>(b)),
        Candidate::new("typed + path_to_error", || typed_path_to_error::<T>(b)),
        Candidate::new("client path", || client_path::<T>(b)),
    ];
    let stats = compare(&mut candidates, sample, samples);
    Row {
        file,
        ty,
        bytes: bytes.len(),
        ns: [0, 1, 2, 3].map(|i| stats[i].min_ns),
        median_ns: [0, 1, 2, 3].map(|i| stats[i].median_ns),
    }
}

fn mbps(bytes: usize, ns: f64) -> f64 {
    bytes as f64 / ns * 1e9 / 1e6
}

fn main() {
    let mode = Mode::from_args();
    // Many short interleaved samples; the best one is the estimate least disturbed by
    // other processes (this decoding is CPU-bound and deterministic).
    let sample = mode.pick(Duration::from_millis(1), Duration::from_micros(200));
    let samples = mode.pick(101, 3);

    let mut rows = Vec::new();
    for &(file, ty) in FIXTURES {
        let row = match ty {
            "Vec<ServiceId>" => measure::<Vec<ServiceId>>(file, ty, sample, samples),
            "Service" => measure::<Service>(file, ty, sample, samples),
            "ServiceInfos" => measure::<ServiceInfos>(file, ty, sample, samples),
            "Vec<RenewDescription>" => measure::<Vec<RenewDescription>>(file, ty, sample, samples),
            "Order" => measure::<Order>(file, ty, sample, samples),
            "OrderStatus" => measure::<OrderStatus>(file, ty, sample, samples),
            "Vec<RegisteredPaymentMean>" => {
                measure::<Vec<RegisteredPaymentMean>>(file, ty, sample, samples)
            }
            "Vec<u64>" => measure::<Vec<u64>>(file, ty, sample, samples),
            other => unreachable!("no model {other}"),
        };
        rows.push(row);
    }

    println!("\n## Target 2: decoding recorded fixtures (MB/s, higher is better)\n");
    println!(
        "MB/s and ratios from the best of {samples} interleaved samples; the last column \
         is client÷Value from the median samples.\n"
    );
    let mut table = Vec::new();
    let mut total_bytes = 0usize;
    let mut total_ns = [0.0f64; 4];
    let mut total_median_ns = [0.0f64; 4];
    let mut all_ok = true;
    for r in &rows {
        total_bytes += r.bytes;
        for (t, n) in total_ns.iter_mut().zip(r.ns) {
            *t += n;
        }
        for (t, n) in total_median_ns.iter_mut().zip(r.median_ns) {
            *t += n;
        }
        let typed_ratio = r.ns[0] / r.ns[1];
        let client_ratio = r.ns[0] / r.ns[3];
        all_ok &= typed_ratio >= 1.0 && client_ratio >= 1.0;
        table.push(vec![
            r.file.to_owned(),
            r.ty.to_owned(),
            r.bytes.to_string(),
            format!("{:.0}", mbps(r.bytes, r.ns[0])),
            format!("{:.0}", mbps(r.bytes, r.ns[1])),
            format!("{:.0}", mbps(r.bytes, r.ns[2])),
            format!("{:.0}", mbps(r.bytes, r.ns[3])),
            format!("{typed_ratio:.2}"),
            format!("{client_ratio:.2}"),
            format!("{:.2}", r.median_ns[0] / r.median_ns[3]),
        ]);
    }
    table.push(vec![
        "all fixtures (sum of bytes / sum of times)".to_owned(),
        String::new(),
        total_bytes.to_string(),
        format!("{:.0}", mbps(total_bytes, total_ns[0])),
        format!("{:.0}", mbps(total_bytes, total_ns[1])),
        format!("{:.0}", mbps(total_bytes, total_ns[2])),
        format!("{:.0}", mbps(total_bytes, total_ns[3])),
        format!("{:.2}", total_ns[0] / total_ns[1]),
        format!("{:.2}", total_ns[0] / total_ns[3]),
        format!("{:.2}", total_median_ns[0] / total_median_ns[3]),
    ]);
    print_table(
        &[
            "fixture",
            "model",
            "bytes",
            "Value",
            "typed",
            "typed+path_to_error",
            "client path",
            "typed÷Value",
            "client÷Value",
            "client÷Value (medians)",
        ],
        &table,
    );
    println!(
        "\ntarget: typed ≥ Value for every fixture (typed and client path) → {}",
        mode.judge(all_ok),
    );
}
