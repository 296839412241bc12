//! Target 1: signing and request preparation, per request, through the public API
//! (`ApiPath`, `reqwest::Url::parse(base + path)`, `signing::signature`), against a bare
//! SHA-1 of the same signed bytes. Target: the whole preparation under 2 µs.
//!
//! `cargo bench --bench prepare`

mod common;

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::{Candidate, Mode, compare, fmt_ns, print_table};
use ovh_renew::ApiPath;
use ovh_renew::signing::signature;
use reqwest::header::HeaderValue;
use sha1::{Digest, Sha1};

const AS: &str = "SECRET-app-secret-9ufkBmLa";
const CK: &str = "SECRET-consumer-key-5mBuy6SU";
const BASE: &str = "https://eu.api.ovh.com/1.0";
const SERVICE_ID: u64 = 118_977_335;
const TARGET_NS: f64 = 2_000.0;

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn renew_path() -> ApiPath {
    ApiPath::new("/service")
        .id("serviceId", black_box(SERVICE_ID))
        .lit("renew")
        .query_bool("includeOptions", black_box(false))
}

fn url_of(path: &ApiPath) -> reqwest::Url {
    let mut text = String::with_capacity(BASE.len() + path.as_str().len());
    text.push_str(BASE);
    text.push_str(path.as_str());
    reqwest::Url::parse(&text).expect("valid URL")
}

/// What the client does before handing the request to reqwest: path, URL, timestamp
/// (local clock + cached delta), signature.
fn prepare(delta: i64) -> (reqwest::Url, i64, String) {
    let path = renew_path();
    let url = url_of(&path);
    let timestamp = unix_now() + delta;
    let sig = signature(AS, CK, "GET", url.as_str(), b"", timestamp);
    (url, timestamp, sig)
}

fn main() {
    let mode = Mode::from_args();
    // Many short interleaved samples: a sample preempted by another process is an outlier.
    let sample = mode.pick(Duration::from_millis(2), Duration::from_millis(1));
    let samples = mode.pick(101, 3);

    let path = renew_path();
    let url = url_of(&path);
    let ts = unix_now();
    let signed_bytes = format!("{AS}+{CK}+GET+{}++{ts}", url.as_str()).into_bytes();
    // The SDK and the baseline hash exactly the same bytes.
    assert_eq!(
        signature(AS, CK, "GET", url.as_str(), b"", ts),
        format!("$1${}", hex::encode(Sha1::digest(&signed_bytes)))
    );
    let delta = black_box(-3i64);

    let mut candidates = vec![
        Candidate::new("baseline: bare sha1 of the signed bytes", || {
            Sha1::digest(black_box(&signed_bytes))
        }),
        Candidate::new("ApiPath /service/{id}/renew?includeOptions", renew_path),
        Candidate::new("Url::parse(base + path)", || url_of(black_box(&path))),
        Candidate::new("signing::signature", || {
            signature(AS, CK, "GET", black_box(url.as_str()), b"", black_box(ts))
        }),
        Candidate::new("preparation: path + URL + timestamp + signature", || {
            prepare(delta)
        }),
        Candidate::new("preparation + header values (as send() does)", || {
            let (url, timestamp, sig) = prepare(delta);
            let mut sig = HeaderValue::from_str(&sig).expect("ascii");
            sig.set_sensitive(true);
            let mut ck = HeaderValue::from_str(CK).expect("ascii");
            ck.set_sensitive(true);
            (url, HeaderValue::from(timestamp), sig, ck)
        }),
    ];
    let stats = compare(&mut candidates, sample, samples);

    let baseline = stats[0].median_ns;
    let baseline_min = stats[0].min_ns;
    println!("\n## Target 1: signing and request preparation (per request)\n");
    println!(
        "URL signed: {}; {samples} interleaved samples per operation; the target is judged \
         on the median.\n",
        url.as_str()
    );
    let rows: Vec<Vec<String>> = candidates
        .iter()
        .zip(&stats)
        .map(|(c, s)| {
            vec![
                c.name.clone(),
                fmt_ns(s.median_ns),
                format!("{} – {}", fmt_ns(s.min_ns), fmt_ns(s.max_ns)),
                format!("{:.2}×", s.median_ns / baseline),
                format!("{:.2}×", s.min_ns / baseline_min),
            ]
        })
        .collect();
    print_table(
        &[
            "operation",
            "median",
            "min – max",
            "÷ sha1 (medians)",
            "÷ sha1 (minimums)",
        ],
        &rows,
    );
    let full = stats[4].median_ns;
    let with_headers = stats[5].median_ns;
    println!(
        "\ntarget: preparation < 2 µs → {} ({}; with header values {})",
        fmt_ns(full),
        mode.judge(full < TARGET_NS && with_headers < TARGET_NS),
        fmt_ns(with_headers),
    );
}
