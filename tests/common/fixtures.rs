//! The one reader of the recorded OVH payloads (`src/testing/fixtures/`, the copy the
//! `testing` module ships) for `tests/api` and the benches, which include this file with
//! `#[path]` (they are separate Cargo targets). The crate's own unit tests embed the same
//! files with `include_str!`.
#![allow(dead_code)] // each target uses part of it

/// The bytes of `src/testing/fixtures/{name}` (`name` with its extension), verbatim.
///
/// # Panics
///
/// Naming the path, if the file cannot be read.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/src/testing/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// [`fixture`] decoded as JSON into `T`.
///
/// # Panics
///
/// Naming the file, if it cannot be read or does not decode.
pub fn fixture_as<T: serde::de::DeserializeOwned>(name: &str) -> T {
    serde_json::from_slice(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}
