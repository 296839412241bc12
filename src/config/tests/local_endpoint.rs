//! An endpoint URL from `./ovh.conf` is not combined with other sources' credentials.

use super::*;
use crate::Method;
use crate::client::OvhClientBuilder;
use crate::error::Error;

const ATTACKER: &str = "[default]\nendpoint=http://127.0.0.1:9/1.0\n";

const ENV_CREDENTIALS: Pairs = &[
    ("OVH_APPLICATION_KEY", "env-ak"),
    ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
    ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
];

fn builder(env: &[(&str, &str)], files: &[(&str, &str)]) -> OvhClientBuilder {
    let (env, files) = sources(env, files);
    OvhClientBuilder::from_resolved(resolve(&env, &files).unwrap())
}

fn refusal(result: Result<crate::OvhClient, Error>) -> (ConfigError, String) {
    match result {
        Err(Error::Config(err)) => {
            let message = checked_message(&err);
            (err, message)
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_local_endpoint_url_with_environment_credentials_is_refused_with_how_to_opt_in() {
    let (err, message) = refusal(builder(ENV_CREDENTIALS, &[(LOCAL, ATTACKER)]).build());
    assert!(
        matches!(&err, ConfigError::UntrustedLocalEndpoint { credentials, .. } if credentials.len() == 3),
        "{err:?}"
    );
    for part in [
        "refusing to send credentials to endpoint http://127.0.0.1:9/1.0 from ./ovh.conf [default]",
        "current directory",
        "application_key (env OVH_APPLICATION_KEY), application_secret (env OVH_APPLICATION_SECRET), consumer_key (env OVH_CONSUMER_KEY)",
        "OvhClientBuilder::trust_local_endpoint(true)",
        "OVH_ENDPOINT",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
}

#[test]
fn a_local_endpoint_url_with_one_key_from_another_file_is_refused() {
    // The attacker's file names its own section and brings the application key; the
    // consumer key would come from the user's ~/.ovh.conf.
    let local = "[default]\nendpoint=https://evil.example/1.0\n[https://evil.example/1.0]\n\
                 application_key=ak\napplication_secret=as-s3cr3t\n";
    let home = "[https://evil.example/1.0]\nconsumer_key=home-ck-s3cr3t\n";
    let (_, message) = refusal(builder(&[], &[(HOME, home), (LOCAL, local)]).build());
    assert!(
        message.contains("elsewhere (consumer_key (/home/u/.ovh.conf [https://evil.example/1.0]))"),
        "{message}"
    );
}

#[test]
fn a_local_endpoint_url_with_explicit_credentials_is_refused() {
    let built = builder(&[], &[(LOCAL, ATTACKER)])
        .credentials(Credentials::access_token("at-s3cr3t"))
        .build();
    let (_, message) = refusal(built);
    assert!(
        message.contains("OvhClientBuilder::credentials"),
        "{message}"
    );
}

#[test]
fn opting_in_uses_the_local_endpoint_with_environment_credentials() {
    let client = builder(ENV_CREDENTIALS, &[(LOCAL, ATTACKER)])
        .trust_local_endpoint(true)
        .build()
        .unwrap();
    assert_eq!(
        client.endpoint().base_url().as_str(),
        "http://127.0.0.1:9/1.0"
    );
}

#[test]
fn setups_that_cannot_leak_are_accepted() {
    const OWN_FILE: &str = "[default]\nendpoint=http://127.0.0.1:9/1.0\n[http://127.0.0.1:9/1.0]\n\
                    application_key=ak\napplication_secret=as-s3cr3t\nconsumer_key=ck-s3cr3t\n";
    const ENV_ENDPOINT: Pairs = &[
        ("OVH_ENDPOINT", "http://127.0.0.1:9/1.0"),
        ("OVH_APPLICATION_KEY", "env-ak"),
        ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
    ];
    let cases: &[(&str, Pairs, Pairs, &str)] = &[
        (
            "named endpoint in ./ovh.conf",
            ENV_CREDENTIALS,
            &[(LOCAL, "[default]\nendpoint=ovh-ca\n")],
            "https://ca.api.ovh.com/1.0",
        ),
        (
            "OVH's own base URL in ./ovh.conf",
            ENV_CREDENTIALS,
            &[(LOCAL, "[default]\nendpoint=https://eu.api.ovh.com/1.0/\n")],
            "https://eu.api.ovh.com/1.0",
        ),
        (
            "endpoint URL and every credential from ./ovh.conf",
            &[],
            &[(LOCAL, OWN_FILE)],
            "http://127.0.0.1:9/1.0",
        ),
        (
            "endpoint URL from the environment",
            ENV_ENDPOINT,
            &[(LOCAL, ATTACKER)],
            "http://127.0.0.1:9/1.0",
        ),
        (
            "endpoint URL from ~/.ovh.conf",
            ENV_CREDENTIALS,
            &[(HOME, ATTACKER)],
            "http://127.0.0.1:9/1.0",
        ),
    ];
    for (name, env, files, base) in cases {
        let client = builder(env, files)
            .build()
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(client.endpoint().base_url().as_str(), *base, "{name}");
    }
    // An explicit endpoint replaces the local one: nothing to refuse.
    let client = builder(ENV_CREDENTIALS, &[(LOCAL, ATTACKER)])
        .endpoint(Endpoint::OvhUs)
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), &Endpoint::OvhUs);
}

#[tokio::test]
async fn the_server_named_by_a_local_file_receives_nothing_unless_the_caller_opts_in() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let local = format!(
        "[default]\nendpoint=http://{}/1.0\n",
        listener.local_addr().unwrap()
    );
    let refused = builder(ENV_CREDENTIALS, &[(LOCAL, &local)]).build();
    assert!(matches!(
        refused,
        Err(Error::Config(ConfigError::UntrustedLocalEndpoint { .. }))
    ));
    let accepted =
        |listener: &std::net::TcpListener| std::iter::from_fn(|| listener.accept().ok()).count();
    assert_eq!(accepted(&listener), 0);
    // Opted in: the same setup reaches the server (one connection for the call).
    let client = builder(ENV_CREDENTIALS, &[(LOCAL, &local)])
        .trust_local_endpoint(true)
        .timeout(std::time::Duration::from_millis(300))
        .no_retries()
        .build()
        .unwrap();
    let me = crate::ApiPath::new("/me");
    let _ = client.call::<serde_json::Value>(Method::Get, &me).await;
    assert_eq!(accepted(&listener), 1);
}

#[test]
fn explicit_builder_calls_win_over_injected_environment_and_files() {
    // The hermetic twin of tests/api/transport.rs's test of the same name, which reads
    // the real environment and files.
    let env: Pairs = &[
        ("OVH_ENDPOINT", "ovh-ca"),
        ("OVH_ACCESS_TOKEN", "env-at-s3cr3t"),
    ];
    let client = builder(env, &[(LOCAL, FULL_EU)])
        .endpoint(Endpoint::OvhUs)
        .credentials(Credentials::new("ak", "as-s3cr3t", "ck-s3cr3t"))
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), &Endpoint::OvhUs);
    assert_eq!(
        client.credentials(),
        &Credentials::new("ak", "as-s3cr3t", "ck-s3cr3t")
    );
    // Only the endpoint given: the credentials come from its section and the env.
    let client = builder(&[], &[(LOCAL, FULL_EU)])
        .endpoint(Endpoint::OvhEu)
        .build()
        .unwrap();
    assert_eq!(
        client.credentials(),
        &Credentials::new("file-ak", "file-as-s3cr3t", "file-ck-s3cr3t")
    );
}

/// The blocking builder refuses the same setup, and its opt-in lets it through.
#[cfg(feature = "blocking")]
#[test]
fn the_blocking_builder_refuses_a_local_endpoint_and_takes_the_opt_in() {
    let local = "[default]\nendpoint=http://127.0.0.1:9/1.0\n";
    let blocking = |trust: Option<bool>| {
        let b =
            crate::blocking::OvhClientBuilder::from(builder(ENV_CREDENTIALS, &[(LOCAL, local)]));
        match trust {
            Some(t) => b.trust_local_endpoint(t),
            None => b,
        }
        .build()
    };
    for trust in [None, Some(false)] {
        assert!(
            matches!(
                blocking(trust),
                Err(Error::Config(ConfigError::UntrustedLocalEndpoint { .. }))
            ),
            "{trust:?}"
        );
    }
    let client = blocking(Some(true)).unwrap();
    assert_eq!(
        client.endpoint().base_url().as_str(),
        "http://127.0.0.1:9/1.0"
    );
}
