//! Values that cannot be used as given, method conflicts, and the ignored consumer key.

use super::*;

fn config(env: &[(&str, &str)], files: &[(&str, &[u8])]) -> ResolvedConfig {
    let env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let files: Vec<_> = files
        .iter()
        .map(|(path, bytes)| ConfigFile {
            path: path.into(),
            local: *path == LOCAL,
            contents: bytes.to_vec(),
        })
        .collect();
    resolve(&env, &files).unwrap()
}

const HEAD: &[u8] = b"[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\n";

#[test]
fn a_secret_that_is_not_utf8_is_refused_naming_the_file_and_key() {
    let file = [HEAD, b"application_secret=as-s3cr3t\xff\n"].concat();
    let err = config(&[], &[(LOCAL, &file)]).credentials().unwrap_err();
    assert!(matches!(
        err,
        ConfigError::InvalidValue {
            key: "application_secret",
            problem: ValueProblem::NotUtf8,
            ..
        }
    ));
    let message = checked_message(&err);
    assert!(
        message.starts_with(
            "cannot use application_secret from ./ovh.conf [ovh-eu]: the value is not valid UTF-8"
        ),
        "{message}"
    );
}

#[test]
fn an_endpoint_that_is_not_utf8_is_refused() {
    let file = b"[default]\nendpoint=ovh-eu\xff\n";
    let err = config(&[], &[(HOME, file)]).endpoint().unwrap_err();
    let message = checked_message(&err);
    assert!(
        message.starts_with("cannot use endpoint from /home/u/.ovh.conf [default]"),
        "{message}"
    );
}

#[test]
fn a_value_overridden_by_the_environment_is_not_checked() {
    let file = [HEAD, b"application_secret=as-s3cr3t\xff\n"].concat();
    let config = config(
        &[("OVH_APPLICATION_SECRET", "env-s3cr3t")],
        &[(LOCAL, &file)],
    );
    assert_eq!(
        config.credentials(),
        Ok(Credentials::application("ak", "env-s3cr3t"))
    );
}

#[test]
fn a_credential_continued_on_the_next_line_is_refused_because_it_cannot_sign() {
    let file = [
        HEAD,
        b"application_secret=as-s3cr3t\nconsumer_key=ck-s3cr3t\n  more-s3cr3t\n",
    ]
    .concat();
    let err = config(&[], &[(LOCAL, &file)]).credentials().unwrap_err();
    let message = checked_message(&err);
    for part in [
        "cannot use consumer_key from ./ovh.conf [ovh-eu]: the value spans several lines",
        "an indented line below a key continues its value",
        "cannot be sent in a header nor give a signature OVH accepts",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
    let env = [
        ("OVH_ENDPOINT", "ovh-eu"),
        ("OVH_ACCESS_TOKEN", "at-s3cr3t\r\nX-Injected: 1"),
    ];
    let message = checked_message(&config(&env, &[]).credentials().unwrap_err());
    assert!(
        message.starts_with("cannot use access_token from env OVH_ACCESS_TOKEN"),
        "{message}"
    );
}

#[test]
fn an_access_token_next_to_another_method_names_both_and_their_sources() {
    let file = [HEAD, b"application_secret=as-s3cr3t\n"].concat();
    let err = config(&[("OVH_ACCESS_TOKEN", "at-s3cr3t")], &[(LOCAL, &file)])
        .credentials()
        .unwrap_err();
    let message = checked_message(&err);
    for part in [
        "Can't use multiple authentication methods: application_key/application_secret, access_token",
        "python-ovh 1.2.0 would ignore access_token",
        "application_key (./ovh.conf [ovh-eu]), application_secret (./ovh.conf [ovh-eu])",
        "access_token (env OVH_ACCESS_TOKEN)",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
}

#[test]
fn a_key_inherited_from_defaults_says_so_in_its_origin() {
    let file = b"[DEFAULT]\nconsumer_key=ck-s3cr3t\n[default]\nendpoint=ovh-eu\n[ovh-eu]\n";
    let config = config(&[], &[(ETC, file)]);
    let (_, origin) = config.get(Setting::ConsumerKey).unwrap();
    assert_eq!(origin.to_string(), "/etc/ovh.conf [DEFAULT]");
    let message = checked_message(&config.credentials().unwrap_err());
    assert!(
        message.contains("found consumer_key (/etc/ovh.conf [DEFAULT])"),
        "{message}"
    );
}

#[test]
fn oauth2_with_a_leftover_consumer_key_uses_oauth2_and_records_the_key_was_ignored() {
    let env = [
        ("OVH_ENDPOINT", "ovh-eu"),
        ("OVH_CONSUMER_KEY", "old-ck-s3cr3t"),
        ("OVH_CLIENT_ID", "cid"),
    ];
    let file: &[u8] = b"[ovh-eu]\nclient_secret=cs-s3cr3t\n";
    let config = config(&env, &[(LOCAL, file)]);
    let events = capture(|| {
        assert_eq!(
            config.credentials(),
            Ok(Credentials::oauth2("cid", "cs-s3cr3t"))
        );
    });
    if cfg!(feature = "tracing") {
        assert!(
            events.contains("consumer_key ignored: OAuth2 client_id/client_secret are configured"),
            "{events}"
        );
        assert!(events.contains("origin=env OVH_CONSUMER_KEY"), "{events}");
    }
    assert!(!events.contains(MARK), "{events}");
}

/// Without the feature there is nothing to capture: runs `f`.
#[cfg(not(feature = "tracing"))]
pub(super) fn capture(f: impl FnOnce()) -> String {
    f();
    String::new()
}

/// What this crate tells `tracing` while `f` runs.
#[cfg(feature = "tracing")]
pub(super) fn capture(f: impl FnOnce()) -> String {
    use std::sync::{Arc, Mutex};
    #[derive(Clone)]
    struct Out(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Out {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let out = Out(Arc::default());
    let writer = out.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    String::from_utf8_lossy(&out.0.lock().unwrap()).into_owned()
}
