//! The python-ovh parity table: `tests/fixtures/config_parity.json`, whose `python`
//! column `tests/python_ovh_config_parity.py` writes from python-ovh 1.2.0.

use std::collections::BTreeMap;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Value, json};

use super::io::{TempDir, mkfifo, within_5s};
use super::*;

#[derive(Deserialize)]
struct Table {
    rows: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    item: String,
    name: String,
    env: BTreeMap<String, String>,
    files: BTreeMap<String, FileSpec>,
    python: Value,
    rust: Value,
    difference: Option<String>,
}

#[derive(Deserialize)]
struct FileSpec {
    text: Option<String>,
    hex: Option<String>,
    kind: Option<String>,
}

/// The class python-ovh raises for the same refusal, or this crate's own name for
/// refusals python-ovh does not have.
fn class(err: &ConfigError) -> &'static str {
    match err {
        ConfigError::MissingEndpoint { .. } | ConfigError::InvalidEndpoint { .. } => {
            "InvalidRegion"
        }
        ConfigError::MissingCredentials { .. }
        | ConfigError::IncompleteCredentials { .. }
        | ConfigError::InvalidCredentials { .. } => "InvalidConfiguration",
        ConfigError::Syntax { problem, .. } if problem.contains("before any") => {
            "MissingSectionHeaderError"
        }
        ConfigError::Syntax { .. } => "ParsingError",
        ConfigError::InvalidValue { .. } => "InvalidValue",
        ConfigError::UntrustedLocalEndpoint { .. } => "UntrustedLocalEndpoint",
        ConfigError::Read { .. } => "Read",
        // Builder refusals: not produced by resolution.
        _ => "Builder",
    }
}

/// The row's files set up for real under a temp dir (a FIFO, a directory…), read through
/// the production reader, except "unreadable", whose permission error is injected (as
/// root, chmod 000 denies nothing). Then the same steps as `OvhClientBuilder::from_env`
/// and `build`.
fn run(row: &Row) -> Result<(Endpoint, Credentials), ConfigError> {
    let dir = TempDir::new(&format!("parity-{}", row.name.len()));
    let mut candidates = Vec::new();
    let mut unreadable = Vec::new();
    for (place, name) in [
        ("etc", "etc.conf"),
        ("home", ".ovh.conf"),
        ("local", "ovh.conf"),
    ] {
        let path = dir.0.join(name);
        candidates.push(Candidate {
            path: path.clone(),
            local: place == "local",
        });
        let Some(spec) = row.files.get(place) else {
            continue;
        };
        match (&spec.text, &spec.hex, spec.kind.as_deref()) {
            (Some(text), _, _) => std::fs::write(&path, text).unwrap(),
            (_, Some(hex), _) => std::fs::write(&path, hex::decode(hex).unwrap()).unwrap(),
            (_, _, Some("directory")) => std::fs::create_dir(&path).unwrap(),
            (_, _, Some("fifo")) => mkfifo(&path),
            (_, _, Some("unreadable")) => {
                std::fs::write(&path, "[default]\nendpoint=ovh-ca\n").unwrap();
                unreadable.push(path);
            }
            _ => panic!("{}: bad file spec", row.name),
        }
    }
    let env: Vec<_> = row.env.iter().map(|(k, v)| (k.into(), v.into())).collect();
    let read = move |path: &Path| -> io::Result<Option<Vec<u8>>> {
        if unreadable.iter().any(|p: &PathBuf| p == path) {
            return Err(ErrorKind::PermissionDenied.into());
        }
        read_regular_file(path)
    };
    let (env, files) = within_5s(&row.name, move || sources_from(env, &candidates, read))?;
    let config = resolve(&env, &files)?;
    config.check_local_endpoint(false)?;
    Ok((config.endpoint()?, config.credentials()?))
}

/// Whether `got` is the outcome `expected` describes.
fn same(got: &Result<(Endpoint, Credentials), ConfigError>, expected: &Value) -> bool {
    let text = |v: &Value, k: &str| v[k].as_str().map(str::to_owned);
    match got {
        Err(err) => expected == &json!({ "error": class(err) }),
        Ok((endpoint, credentials)) => {
            let (kind, v) = match expected.as_object().and_then(|o| o.iter().next()) {
                Some((kind, v)) => (kind.as_str(), v),
                None => return false,
            };
            let want = match kind {
                "signing" => Credentials::new(
                    text(v, "application_key").unwrap_or_default(),
                    text(v, "application_secret").unwrap_or_default(),
                    text(v, "consumer_key").unwrap_or_default(),
                ),
                "oauth2" => Credentials::oauth2(
                    text(v, "client_id").unwrap_or_default(),
                    text(v, "client_secret").unwrap_or_default(),
                ),
                "token" => Credentials::access_token(text(v, "access_token").unwrap_or_default()),
                _ => return false,
            };
            text(v, "endpoint").as_deref() == Some(endpoint.base_url().as_str())
                && &want == credentials
        }
    }
}

#[test]
fn configuration_resolves_like_python_ovh_except_where_documented() {
    let table: Table =
        serde_json::from_str(include_str!("../../../tests/fixtures/config_parity.json")).unwrap();
    let mut items: Vec<&str> = Vec::new();
    for row in &table.rows {
        let name = &row.name;
        assert!(
            !row.python.is_null(),
            "{name}: run tests/python_ovh_config_parity.py"
        );
        let got = run(row);
        assert!(
            same(&got, &row.rust),
            "{name}: expected {}, got {got:?}",
            row.rust
        );
        match &row.difference {
            None => assert_eq!(row.rust, row.python, "{name}: differs from python-ovh"),
            Some(why) => {
                assert_ne!(
                    row.rust, row.python,
                    "{name}: documents a difference that is not"
                );
                assert!(!why.is_empty(), "{name}");
            }
        }
        items.push(&row.item);
    }
    for item in 1..=8 {
        let item = format!("17.{item}");
        assert!(items.contains(&item.as_str()), "no row for issue {item}");
    }
}
