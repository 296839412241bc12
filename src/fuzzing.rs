//! Fuzzing entry points (only with `--cfg fuzzing`, see `fuzz/README.md`).
//!
//! Each function must never panic on any input; the fuzz targets call them with
//! arbitrary bytes. They go through the crate's own code paths: [`decode_models`] through
//! `Answer::decode` (the one decoder every call of the client uses), [`ovh_conf`] through
//! the INI parser and the resolution of `from_env`.

use std::collections::HashMap;
use std::fmt::Debug;

use crate::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::answer::Answer;
use crate::config::{ConfigFile, resolve};
use crate::models::{
    Bill, BillId, ConsumerKeyRequest, CurrentCredential, DebtBalance, FollowUp, ItemDetail, Order,
    OrderDetail, OrderDetailId, OrderId, OrderPaymentMethods, OrderStatus, PaymentMethod,
    RegisteredPaymentMean, RenewDescription, Service, ServiceId, ServiceInfos, ServicePage,
    ServiceView,
};
use crate::path::ApiPath;
use crate::{Endpoint, RenewPeriod};

fn answer(status: u16, data: &[u8]) -> Answer {
    Answer {
        status,
        query_id: Some("EU.fuzz".into()),
        body: bytes::Bytes::copy_from_slice(data),
        secrets: crate::scrub::Secrets::default(),
        headers: Default::default(),
    }
}

/// Decodes `data` as `T` through `Answer::decode`; a decoded value must format, serialize
/// and decode again.
fn decode_one<T: DeserializeOwned + Serialize + Debug>(data: &[u8]) -> Option<T> {
    let path = ApiPath::new("/fuzz");
    match answer(200, data).decode::<T>(&Method::Get, &path) {
        Ok(value) => {
            let _ = format!("{value:?}");
            let json = serde_json::to_vec(&value).expect("a decoded value serializes");
            if let Err(e) = answer(200, &json).decode::<T>(&Method::Get, &path) {
                panic!(
                    "a decoded value does not decode again: {e}\n{}",
                    String::from_utf8_lossy(&json)
                );
            }
            Some(value)
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            None
        }
    }
}

/// Decodes `data` as `T` (a model without `Serialize`) through `Answer::decode`.
fn decode_only<T: DeserializeOwned + Debug>(data: &[u8]) -> Option<T> {
    match answer(200, data).decode::<T>(&Method::Get, &ApiPath::new("/fuzz")) {
        Ok(value) => {
            let _ = format!("{value:?}");
            Some(value)
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
            None
        }
    }
}

/// Feeds `data` to the decoder of every response model the client uses, as a success
/// answer, and as the body of error answers.
pub fn decode_models(data: &[u8]) {
    let _ = decode_one::<Vec<ServiceId>>(data);
    let _ = decode_one::<Vec<u64>>(data);
    let _ = decode_one::<i64>(data);
    let _ = decode_one::<()>(data);
    let _ = decode_one::<serde_json::Value>(data);
    let _ = decode_one::<Service>(data);
    let _ = decode_one::<ServiceInfos>(data).map(|i| i.possible_periods());
    if let Some(descriptions) = decode_one::<Vec<RenewDescription>>(data) {
        for d in &descriptions {
            let _ = (d.renew_period.months(), d.renew_period.not_months());
            for s in &d.strategies {
                let _ = s.price.ucents();
            }
        }
    }
    if let Some(order) = decode_one::<Order>(data) {
        let _ = (
            order.price_with_tax.ucents(),
            order.price_without_tax.ucents(),
            order.tax.ucents(),
        );
    }
    let _ = decode_one::<OrderStatus>(data);
    if let Some(view) = decode_one::<ServiceView>(data) {
        let _ = (
            view.renewal_mode(),
            view.renewal_period().map(RenewPeriod::months),
            view.lifecycle_state(),
            view.pending_actions().len(),
            view.expiration(),
        );
    }
    let _ = decode_one::<Vec<RenewPeriod>>(data);
    if let Some(page) = decode_one::<ServicePage>(data) {
        let _ = (
            page.len(),
            page.is_paged(),
            page.items.iter().map(ServiceView::renewal_mode).count(),
        );
    }
    if let Some(debt) = decode_one::<DebtBalance>(data) {
        let _ = (debt.has_due(), debt.due());
    }
    let _ = decode_one::<Vec<RegisteredPaymentMean>>(data);
    // The calls after the order (issue 15).
    let _ = decode_one::<Vec<OrderId>>(data);
    let _ = decode_one::<Vec<OrderDetailId>>(data);
    if let Some(line) = decode_one::<OrderDetail>(data) {
        let _ = (line.is_renewal(), line.total_price.ucents(), line.quantity);
    }
    let _ = decode_one::<ItemDetail>(data).map(|e| e.order.plan.period());
    let _ = decode_one::<Vec<FollowUp>>(data);
    let _ = decode_one::<PaymentMethod>(data).map(|m| m.is_valid());
    if let Some(methods) = decode_one::<OrderPaymentMethods>(data) {
        let _ = methods.allows(0);
    }
    let _ = decode_one::<Vec<BillId>>(data);
    if let Some(bill) = decode_one::<Bill>(data) {
        let _ = (bill.price_with_tax.amount(), bill.tax.ucents());
    }
    let _ = decode_only::<CurrentCredential>(data).map(|c| c.missing_for_renewal());
    let _ = decode_only::<ConsumerKeyRequest>(data);

    let path = ApiPath::new("/fuzz").id("id", 1);
    let _ = answer(200, data).accept(&Method::Post, &path);
    for status in [400, 403, 404, 409, 460, 502] {
        let a = answer(status, data);
        let _ = a.is_query_time_out();
        let err = a.into_api_error(&Method::Post, &path);
        let _ = format!("{err} {err:?}");
        let _ = (err.is_not_found(), err.is_not_granted(), err.error_code());
    }
}

/// Parses `data` as a [`RenewPeriod`] (text and JSON string); a parsed period must print
/// and parse back to the same period (the same number of months, or none with a reason).
pub fn renew_period(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(period) = text.parse::<RenewPeriod>() {
        let again: RenewPeriod = period.to_string().parse().expect("Display parses back");
        assert_eq!(again.months(), period.months());
        assert_eq!(again, period);
        assert_eq!(again.is_zero(), period.is_zero());
        match period.months() {
            Some(months) => {
                let canonical = RenewPeriod::from_months(months);
                assert_eq!(canonical.as_str().parse::<RenewPeriod>().ok(), Some(period));
            }
            None => assert!(period.not_months().is_some()),
        }
    } else if let Err(e) = text.parse::<RenewPeriod>() {
        let _ = format!("{e} {e:?}");
    }
    if let Ok(json) = serde_json::to_string(&*text) {
        let _ = serde_json::from_str::<RenewPeriod>(&json);
    }
}

/// Parses `data` as an [`Endpoint`]; a parsed endpoint must print and parse back to
/// itself.
pub fn endpoint(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match text.parse::<Endpoint>() {
        Ok(endpoint) => {
            let printed = endpoint.to_string();
            let again: Endpoint = printed.parse().unwrap_or_else(|e| {
                panic!("{endpoint:?} prints as {printed:?}, which does not parse: {e}")
            });
            assert_eq!(again, endpoint, "{printed:?}");
            let _ = endpoint.base_url().as_str();
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
}

/// Parses `data` as an `ovh.conf` file and resolves it like `OvhClientBuilder::from_env`
/// (with no `OVH_*` variable), then asks for the endpoint and the credentials.
pub fn ovh_conf(data: &[u8]) {
    let file = ConfigFile {
        path: "/fuzz/ovh.conf".into(),
        local: true,
        contents: data.to_vec(),
    };
    let env = HashMap::new();
    match resolve(&env, std::slice::from_ref(&file)) {
        Ok(config) => {
            let _ = format!("{config:?}");
            match config.endpoint() {
                Ok(e) => {
                    let _ = config.clone().with_endpoint(e).credentials();
                }
                Err(e) => {
                    let _ = format!("{e} {e:?}");
                }
            }
            match config.credentials() {
                Ok(c) => {
                    let _ = format!("{c:?}");
                }
                Err(e) => {
                    let _ = format!("{e} {e:?}");
                }
            }
        }
        Err(e) => {
            let _ = format!("{e} {e:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    //! The fuzz targets' properties, in CI: on proptest inputs (arbitrary JSON values,
    //! mutated fixtures) and on every input kept in `tests/fuzz_regressions/<target>/`.

    use std::path::Path;

    use proptest::prelude::*;
    use serde_json::Value;

    use super::*;

    /// The files of `dir`, sorted by name. Panics, naming `dir`, if it cannot be read: a
    /// missing folder must fail the test that expected inputs there, never skip them.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        let mut out: Vec<(String, Vec<u8>)> = entries
            .map(|entry| entry.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())))
            .filter(|e| e.path().is_file())
            .map(|e| {
                let path = e.path();
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
                (e.file_name().to_string_lossy().into_owned(), bytes)
            })
            .collect();
        out.sort();
        out
    }

    /// The recorded OVH payloads, `src/testing/fixtures/*.json` (the one copy of each,
    /// shipped with the `testing` module; see its `index.json`).
    fn fixtures() -> Vec<(String, Vec<u8>)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/testing/fixtures");
        files(&dir)
            .into_iter()
            .filter(|(name, _)| name.ends_with(".json"))
            .collect()
    }

    /// Every input a fuzzer found (crash or not) and the hand-written seeds are replayed
    /// through their target. Each target's folder must exist and hold at least one input.
    #[test]
    fn fuzz_regressions_stay_fixed() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions");
        type Target = fn(&[u8]);
        let targets: [(&str, Target); 4] = [
            ("decode_models", decode_models),
            ("renew_period", renew_period),
            ("endpoint", endpoint),
            ("ovh_conf", ovh_conf),
        ];
        for (target, run) in targets {
            let inputs = files(&root.join(target));
            assert!(
                !inputs.is_empty(),
                "{} holds no input: keep at least one seed per target",
                root.join(target).display()
            );
            for (name, bytes) in inputs {
                let outcome = std::panic::catch_unwind(|| run(&bytes));
                assert!(outcome.is_ok(), "{target}/{name} panics again");
            }
        }
    }

    /// The seeds of the fuzzers (the recorded fixtures) pass, unchanged.
    #[test]
    fn fixtures_pass_every_decoder() {
        let all = fixtures();
        assert!(
            all.len() > 30,
            "expected the recorded payloads (over 30 JSON files) in {}/src/testing/fixtures, \
             found {}",
            env!("CARGO_MANIFEST_DIR"),
            all.len()
        );
        for (name, bytes) in all {
            let outcome = std::panic::catch_unwind(|| decode_models(&bytes));
            assert!(outcome.is_ok(), "fixture {name} fails a decoder");
        }
    }

    /// Arbitrary JSON trees, with the keys and strings of the models mixed in so that
    /// they reach past the first field.
    fn json_value() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("orderId".to_owned()),
            Just("serviceId".to_owned()),
            Just("price".to_owned()),
            Just("value".to_owned()),
            Just("priceInUcents".to_owned()),
            Just("renewPeriod".to_owned()),
            Just("strategies".to_owned()),
            Just("services".to_owned()),
            Just("paymentMean".to_owned()),
            Just("orderDetailId".to_owned()),
            Just("quantity".to_owned()),
            Just("detailType".to_owned()),
            Just("paymentMethodId".to_owned()),
            Just("billId".to_owned()),
            Just("history".to_owned()),
            Just("state".to_owned()),
            Just("status".to_owned()),
            Just("expiration".to_owned()),
            Just("date".to_owned()),
            Just("class".to_owned()),
            Just("errorCode".to_owned()),
            Just("message".to_owned()),
            Just("details".to_owned()),
            Just("billing".to_owned()),
            Just("renew".to_owned()),
            Just("current".to_owned()),
            Just("lifecycle".to_owned()),
            Just("pendingActions".to_owned()),
            Just("expirationDate".to_owned()),
            Just("dueAmount".to_owned()),
            Just("mode".to_owned()),
            Just("period".to_owned()),
            "[a-zA-Z]{1,8}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            prop_oneof![
                Just("P1Y".to_owned()),
                Just("P12M".to_owned()),
                Just("2024-08-22T12:24:08+02:00".to_owned()),
                Just("2023-08-01".to_owned()),
                Just("EUR".to_owned()),
                Just("notPaid".to_owned()),
                Just("autorenewInProgress".to_owned()),
                Just("P30D".to_owned()),
                Just("RENEW".to_owned()),
                Just("VALID".to_owned()),
                Just("1".to_owned()),
                Just(String::new()),
                any::<String>(),
            ]
            .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(key.clone(), inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A fixture, then byte flips, insertions, deletions and a truncation.
    fn mutated_fixture() -> impl Strategy<Value = Vec<u8>> {
        let all = fixtures();
        let count = all.len();
        (
            0..count,
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 0..6),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(move |(which, edits, cut)| {
                let mut bytes = all[which].1.clone();
                for (at, byte, kind) in edits {
                    if bytes.is_empty() {
                        break;
                    }
                    let i = at.index(bytes.len());
                    match kind {
                        0 => bytes[i] ^= byte | 1,
                        1 => bytes.insert(i, byte),
                        _ => {
                            bytes.remove(i);
                        }
                    }
                }
                if let Some(cut) = cut {
                    let len = cut.index(bytes.len() + 1);
                    bytes.truncate(len);
                }
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// No JSON value makes a decoder panic; each gives a value or a typed error, and
        /// a decoded value encodes and decodes again.
        #[test]
        fn arbitrary_json_never_panics_a_decoder(value in json_value()) {
            decode_models(&serde_json::to_vec(&value).unwrap());
        }

        /// No mutation of a recorded answer makes a decoder panic.
        #[test]
        fn mutated_fixtures_never_panic_a_decoder(bytes in mutated_fixture()) {
            decode_models(&bytes);
        }

        #[test]
        fn any_text_is_a_period_or_an_error(text in "P?[0-9YMWDT+.-]{0,12}|\\PC{0,12}") {
            renew_period(text.as_bytes());
        }

        #[test]
        fn any_text_is_an_endpoint_or_an_error(text in "(https?://)?[a-zA-Z0-9:/?#@%.\\[\\] -]{0,24}|\\PC{0,16}") {
            endpoint(text.as_bytes());
        }

        /// Arbitrary `ovh.conf` lines (sections, keys, comments, any text, and the bytes a
        /// parser trips on: BOM, CR, NUL, stray brackets) resolve or give a typed error.
        #[test]
        fn any_ovh_conf_resolves_or_errors(
            lines in prop::collection::vec(
                "\\[[a-z-]{0,10}\\]|[a-z_]{0,18} ?[=:] ?[a-z0-9:/.-]{0,20}|[;#].{0,8}|\\PC{0,12}|[\u{feff}\r\0=:\\[\\]]{1,4}",
                0..10,
            )
        ) {
            ovh_conf(lines.join("\n").as_bytes());
        }
    }
}
