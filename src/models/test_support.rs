//! Helpers shared by the unit tests of the models.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Contents of `src/testing/fixtures/NAME.json`.
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/testing/fixtures/",
            $name,
            ".json"
        ))
    };
}
pub(crate) use fixture;

/// Decodes `json`, panicking with the JSON path of the failure.
pub(crate) fn decode<T: DeserializeOwned>(json: &str) -> T {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).unwrap_or_else(|e| panic!("decode failed: {e}"))
}

/// Asserts that `value` survives serialize → deserialize unchanged.
pub(crate) fn roundtrip<T: Serialize + DeserializeOwned + PartialEq + Debug>(value: &T) {
    let json = serde_json::to_string(value).expect("serialize");
    let back: T = decode(&json);
    assert_eq!(&back, value, "round trip through {json}");
}
