//! Unit tests of configuration resolution.

use std::error::Error as _;

use super::*;

mod io;
mod local_endpoint;
mod parity;
mod values;

/// Every secret value in these tests contains this marker; application keys do not.
const MARK: &str = "s3cr3t";

const ETC: &str = "/etc/ovh.conf";
const HOME: &str = "/home/u/.ovh.conf";
const LOCAL: &str = "./ovh.conf";

const FULL_EU: &str = "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=file-ak\n\
    application_secret=file-as-s3cr3t\nconsumer_key=file-ck-s3cr3t\n";

type Pairs = &'static [(&'static str, &'static str)];

/// Ok: (endpoint base URL, [AK, AS, CK], origin of CK); Err: substrings of the error
/// and its sources.
type Expect = Result<(&'static str, [&'static str; 3], &'static str), &'static [&'static str]>;

struct Case {
    name: &'static str,
    env: Pairs,
    files: Pairs,
    expect: Expect,
}

fn sources(
    env: &[(&str, &str)],
    files: &[(&str, &str)],
) -> (HashMap<String, String>, Vec<ConfigFile>) {
    let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
    let files = files.iter().map(|(path, contents)| ConfigFile {
        path: path.into(),
        local: *path == LOCAL,
        contents: contents.as_bytes().to_vec(),
    });
    (env.collect(), files.collect())
}

fn run(env: Pairs, files: Pairs) -> Result<(Endpoint, Credentials, ResolvedConfig), ConfigError> {
    let (env, files) = sources(env, files);
    let config = resolve(&env, &files)?;
    Ok((config.endpoint()?, config.credentials()?, config))
}

/// The error's Display and every source's, joined; asserts no secret is in it or in
/// the Debug output.
fn checked_message(err: &ConfigError) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    let debug = format!("{err:?}");
    assert!(
        !text.contains(MARK) && !debug.contains(MARK),
        "{text}\n{debug}"
    );
    text
}

const CASES: &[Case] = &[
    Case {
        name: "env only",
        env: &[
            ("OVH_ENDPOINT", "ovh-eu"),
            ("OVH_APPLICATION_KEY", "env-ak"),
            ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
            ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
        ],
        files: &[],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["env-ak", "env-as-s3cr3t", "env-ck-s3cr3t"],
            "env OVH_CONSUMER_KEY",
        )),
    },
    Case {
        name: "files only: [default] endpoint and the [ovh-eu] keys",
        env: &[],
        files: &[(LOCAL, FULL_EU)],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["file-ak", "file-as-s3cr3t", "file-ck-s3cr3t"],
            "./ovh.conf [ovh-eu]",
        )),
    },
    Case {
        name: "files merge key by key, later files win",
        env: &[],
        files: &[
            (
                ETC,
                "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=system\n\
                 application_secret=system-s3cr3t\nconsumer_key=system-s3cr3t\n",
            ),
            (
                HOME,
                "[ovh-eu]\napplication_secret=user-s3cr3t\nconsumer_key=user-s3cr3t\n",
            ),
            (LOCAL, "[ovh-eu]\nconsumer_key=local-s3cr3t\n"),
        ],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["system", "user-s3cr3t", "local-s3cr3t"],
            "./ovh.conf [ovh-eu]",
        )),
    },
    Case {
        name: "env wins over files",
        env: &[("OVH_CONSUMER_KEY", "env-ck-s3cr3t")],
        files: &[(LOCAL, FULL_EU)],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["file-ak", "file-as-s3cr3t", "env-ck-s3cr3t"],
            "env OVH_CONSUMER_KEY",
        )),
    },
    Case {
        name: "env endpoint as URL reads the URL-named section",
        env: &[("OVH_ENDPOINT", "https://api.example.com/1.0")],
        files: &[(
            HOME,
            "[default]\nendpoint=ovh-ca\n[https://api.example.com/1.0]\n\
             application_key=url-ak\napplication_secret=url-as-s3cr3t\n\
             consumer_key=url-ck-s3cr3t\n",
        )],
        expect: Ok((
            "https://api.example.com/1.0",
            ["url-ak", "url-as-s3cr3t", "url-ck-s3cr3t"],
            "/home/u/.ovh.conf [https://api.example.com/1.0]",
        )),
    },
    Case {
        name: "env credentials apply whatever the section",
        env: &[
            ("OVH_APPLICATION_KEY", "env-ak"),
            ("OVH_APPLICATION_SECRET", "env-as-s3cr3t"),
            ("OVH_CONSUMER_KEY", "env-ck-s3cr3t"),
        ],
        files: &[(ETC, "[default]\nendpoint=kimsufi-ca\n")],
        expect: Ok((
            "https://ca.api.kimsufi.com/1.0",
            ["env-ak", "env-as-s3cr3t", "env-ck-s3cr3t"],
            "env OVH_CONSUMER_KEY",
        )),
    },
    Case {
        name: "comments, colon separator, spaces, upper-case keys, no inline comments",
        env: &[],
        files: &[(
            LOCAL,
            "; comment\n# another\n\n[default]\n  ENDPOINT : ovh-us  \n\n[ovh-us]\n\
             \tApplication_Key = ak\napplication_secret: as-s3cr3t\n\
             CONSUMER_KEY=ck-s3cr3t=:;x # kept\n  ; indented comment\n",
        )],
        expect: Ok((
            "https://api.us.ovhcloud.com/1.0",
            ["ak", "as-s3cr3t", "ck-s3cr3t=:;x # kept"],
            "./ovh.conf [ovh-us]",
        )),
    },
    Case {
        name: "empty env values are ignored",
        env: &[("OVH_ENDPOINT", ""), ("OVH_CONSUMER_KEY", " ")],
        files: &[(LOCAL, FULL_EU)],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["file-ak", "file-as-s3cr3t", "file-ck-s3cr3t"],
            "./ovh.conf [ovh-eu]",
        )),
    },
    Case {
        name: "byte order mark and CRLF line ends",
        env: &[],
        files: &[(
            LOCAL,
            "\u{feff}[default]\r\nendpoint=ovh-eu\r\n[ovh-eu]\r\napplication_key=ak\r\n\
             application_secret=as-s3cr3t\r\nconsumer_key=ck-s3cr3t\r\n",
        )],
        expect: Ok((
            "https://eu.api.ovh.com/1.0",
            ["ak", "as-s3cr3t", "ck-s3cr3t"],
            "./ovh.conf [ovh-eu]",
        )),
    },
    Case {
        name: "nothing configured: error lists the endpoint names and places",
        env: &[],
        files: &[],
        expect: Err(&[
            "no OVH endpoint configured",
            "OVH_ENDPOINT",
            "[default]",
            "./ovh.conf, ~/.ovh.conf or /etc/ovh.conf",
            "none of them exists",
            "ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, soyoustart-eu, soyoustart-ca",
        ]),
    },
    Case {
        name: "endpoint but no credentials: error says none found and where",
        env: &[("OVH_ENDPOINT", "ovh-eu")],
        files: &[(ETC, "[ovh-ca]\napplication_key=x\n")],
        expect: Err(&[
            "no OVH credentials found",
            "OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY",
            "application_key, application_secret, consumer_key in [ovh-eu] of ./ovh.conf",
            "read: /etc/ovh.conf",
        ]),
    },
    Case {
        name: "section of another endpoint is ignored",
        env: &[],
        files: &[(
            LOCAL,
            "[default]\nendpoint=ovh-eu\n[ovh-ca]\napplication_key=ca-ak\n\
             application_secret=ca-as-s3cr3t\nconsumer_key=ca-ck-s3cr3t\n",
        )],
        expect: Err(&["no OVH credentials found", "[ovh-eu]"]),
    },
    Case {
        name: "empty value in a later file clears an earlier one",
        env: &[],
        files: &[(ETC, FULL_EU), (LOCAL, "[ovh-eu]\napplication_secret =\n")],
        expect: Err(&[
            "Invalid authentication config, both application_key and application_secret must be given",
            "missing application_secret (OVH_APPLICATION_SECRET)",
            "found application_key (/etc/ovh.conf [ovh-eu]), consumer_key (/etc/ovh.conf [ovh-eu])",
        ]),
    },
    Case {
        name: "bad endpoint name in env: error says where and lists valid names",
        env: &[("OVH_ENDPOINT", "ovh-mars")],
        files: &[],
        expect: Err(&[
            "invalid OVH endpoint in env OVH_ENDPOINT",
            "\"ovh-mars\"",
            "ovh-eu, ovh-ca",
            "soyoustart-ca",
        ]),
    },
    Case {
        name: "bad endpoint URL in file: error names file and section",
        env: &[],
        files: &[(LOCAL, "[default]\nendpoint = ftp://x/1.0\n")],
        expect: Err(&[
            "invalid OVH endpoint in ./ovh.conf [default]",
            "ftp://x/1.0",
        ]),
    },
    Case {
        name: "key before any section: error with path and line, not the value",
        env: &[],
        files: &[
            (ETC, FULL_EU),
            (HOME, "\n; c\napplication_secret=early-s3cr3t\n[ovh-eu]\n"),
        ],
        expect: Err(&["/home/u/.ovh.conf line 3", "before any `[section]` header"]),
    },
    Case {
        name: "unclosed section: error with path and line",
        env: &[],
        files: &[(LOCAL, "[default]\nendpoint=ovh-eu\n[ovh-eu\n")],
        expect: Err(&["./ovh.conf line 3", "unclosed section"]),
    },
    Case {
        name: "line without separator: error with line, not the text",
        env: &[],
        files: &[(LOCAL, "[ovh-eu]\npasted-s3cr3t\n")],
        expect: Err(&["./ovh.conf line 2", "expected `key = value`"]),
    },
    Case {
        name: "empty section name is an error (`[ ]` is a section named ` `, as in configparser)",
        env: &[],
        files: &[(LOCAL, "[ ]\n[]\n")],
        expect: Err(&["./ovh.conf line 2", "empty section name"]),
    },
    Case {
        name: "empty key is an error",
        env: &[],
        files: &[(LOCAL, "[ovh-eu]\n = value-s3cr3t\n")],
        expect: Err(&["./ovh.conf line 2", "missing key name"]),
    },
];

#[test]
fn resolution_table() {
    for case in CASES {
        let name = case.name;
        match (run(case.env, case.files), &case.expect) {
            (Ok((endpoint, credentials, config)), Ok((base, [ak, secret, ck], ck_from))) => {
                assert_eq!(endpoint.base_url().as_str(), *base, "{name}");
                assert_eq!(credentials, Credentials::new(*ak, *secret, *ck), "{name}");
                let (_, origin) = config.get(Setting::ConsumerKey).expect(name);
                assert_eq!(origin.to_string(), *ck_from, "{name}");
                let debug = format!("{config:?}");
                assert!(!debug.contains(MARK), "{name}: {debug}");
            }
            (Err(err), Err(parts)) => {
                let message = checked_message(&err);
                for part in *parts {
                    assert!(message.contains(part), "{name}: {part:?} not in {message}");
                }
            }
            (got, _) => panic!("{name}: unexpected {got:?}"),
        }
    }
}

#[test]
fn every_partial_signing_set_names_the_missing_keys() {
    for mask in 1..8_usize {
        let mut env = HashMap::from([("OVH_ENDPOINT".to_owned(), "ovh-eu".to_owned())]);
        let mut ini = String::from("[ovh-eu]\n");
        let mut missing = Vec::new();
        for (i, key) in Setting::SIGNING.into_iter().enumerate() {
            let value = format!("{}-s3cr3t", key.ini_name());
            match (mask >> i & 1 == 1, i % 2 == 0) {
                (false, _) if key != Setting::ConsumerKey => missing.push(key.ini_name()),
                (false, _) => {}
                (true, true) => drop(env.insert(key.env_name().to_owned(), value)),
                (true, false) => ini.push_str(&format!("{}={value}\n", key.ini_name())),
            }
        }
        let files = [ConfigFile {
            path: LOCAL.into(),
            local: true,
            contents: ini.into_bytes(),
        }];
        let config = resolve(&env, &files).unwrap();
        if missing.is_empty() {
            // Application key and secret: enough, the consumer key is optional.
            let credentials = config.credentials().unwrap();
            assert_eq!(credentials.has_consumer_key(), mask & 4 != 0, "{mask}");
            continue;
        }
        let err = config.credentials_opt().unwrap_err();
        let message = checked_message(&err);
        assert!(
            matches!(&err, ConfigError::IncompleteCredentials { missing: m, .. } if *m == missing),
            "{mask}: {err:?}"
        );
        assert!(
            message.starts_with(
                "Invalid authentication config, both application_key and application_secret must be given"
            ),
            "{message}"
        );
        for key in &missing {
            let named = format!("{key} (OVH_{})", key.to_uppercase());
            assert!(message.contains(&named), "{mask}: {message}");
        }
        assert!(message.contains("[ovh-eu] of ./ovh.conf"), "{message}");
        assert_eq!(config.credentials().unwrap_err(), err);
    }
}

/// Which method the keys select, or python-ovh's refusal (substrings of the message).
#[test]
fn method_selection_follows_python_and_go() {
    type Outcome = Result<&'static str, &'static [&'static str]>;
    let cases: &[(&str, Pairs, &str, Outcome)] = &[
        (
            "signing keys with consumer key",
            &[],
            "application_key=ak\napplication_secret=as-s3cr3t\nconsumer_key=ck-s3cr3t\n",
            Ok("signing+ck"),
        ),
        (
            "signing keys without consumer key",
            &[],
            "application_key=ak\napplication_secret=as-s3cr3t\n",
            Ok("signing"),
        ),
        (
            "oauth2 from env",
            &[("OVH_CLIENT_ID", "cid"), ("OVH_CLIENT_SECRET", "cs-s3cr3t")],
            "",
            Ok("oauth2"),
        ),
        (
            "oauth2 from file",
            &[],
            "client_id=cid\nclient_secret=cs-s3cr3t\n",
            Ok("oauth2"),
        ),
        (
            "access token",
            &[("OVH_ACCESS_TOKEN", "at-s3cr3t")],
            "",
            Ok("token"),
        ),
        (
            "client id alone",
            &[("OVH_CLIENT_ID", "cid")],
            "",
            Err(&[
                "Invalid OAuth2 config, both client_id and client_secret must be given",
                "missing client_secret (OVH_CLIENT_SECRET)",
                "found client_id (env OVH_CLIENT_ID)",
            ]),
        ),
        (
            "client secret alone",
            &[],
            "client_secret=cs-s3cr3t\n",
            Err(&[
                "Invalid OAuth2 config, both client_id and client_secret must be given",
                "missing client_id (OVH_CLIENT_ID)",
            ]),
        ),
        (
            "application key alone",
            &[],
            "application_key=ak\n",
            Err(&[
                "Invalid authentication config, both application_key and application_secret must be given",
            ]),
        ),
        (
            "consumer key alone",
            &[("OVH_CONSUMER_KEY", "ck-s3cr3t")],
            "",
            Err(&[
                "Invalid authentication config, both application_key and application_secret must be given",
                "missing application_key (OVH_APPLICATION_KEY), application_secret (OVH_APPLICATION_SECRET)",
            ]),
        ),
        (
            "signing and oauth2",
            &[("OVH_CLIENT_ID", "cid"), ("OVH_CLIENT_SECRET", "cs-s3cr3t")],
            "application_key=ak\napplication_secret=as-s3cr3t\n",
            Err(&[
                "Can't use both application_key/application_secret and OAuth2 client_id/client_secret",
                "found application_key (./ovh.conf [ovh-eu]), application_secret (./ovh.conf [ovh-eu]), client_id (env OVH_CLIENT_ID)",
            ]),
        ),
        (
            "oauth2 and access token",
            &[("OVH_ACCESS_TOKEN", "at-s3cr3t")],
            "client_id=cid\nclient_secret=cs-s3cr3t\n",
            Err(&[
                "Can't use multiple authentication methods: client_id/client_secret, access_token",
                "access_token (env OVH_ACCESS_TOKEN)",
            ]),
        ),
        (
            "half oauth2 pair is reported before mixing",
            &[("OVH_CLIENT_ID", "cid")],
            "application_key=ak\napplication_secret=as-s3cr3t\n",
            Err(&["Invalid OAuth2 config"]),
        ),
    ];
    for (name, env, section, expect) in cases {
        let mut env_pairs = vec![("OVH_ENDPOINT".to_owned(), "ovh-eu".to_owned())];
        env_pairs.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let files = [ConfigFile {
            path: LOCAL.into(),
            local: true,
            contents: format!("[ovh-eu]\n{section}").into_bytes(),
        }];
        let config = resolve(&env_pairs.into_iter().collect(), &files).unwrap();
        match (config.credentials(), expect) {
            (Ok(c), Ok(kind)) => {
                let got = match (c.application_key(), c.has_consumer_key(), c.client_id()) {
                    (Some(_), true, _) => "signing+ck",
                    (Some(_), false, _) => "signing",
                    (None, _, Some(_)) => "oauth2",
                    (None, _, None) => "token",
                };
                assert_eq!(got, *kind, "{name}");
                assert!(!format!("{c:?}").contains(MARK), "{name}");
            }
            (Err(err), Err(parts)) => {
                let message = checked_message(&err);
                for part in *parts {
                    assert!(message.contains(part), "{name}: {part:?} not in {message}");
                }
            }
            (got, _) => panic!("{name}: unexpected {got:?}"),
        }
    }
}

#[test]
fn oauth2_keys_are_carried_with_their_origins() {
    let (env, files) = sources(
        &[("OVH_ENDPOINT", "ovh-eu"), ("OVH_CLIENT_ID", "cid")],
        &[(
            LOCAL,
            "[ovh-eu]\nclient_secret=cs-s3cr3t\naccess_token=at-s3cr3t\nclient_id=ignored\n",
        )],
    );
    let config = resolve(&env, &files).unwrap();
    assert_eq!(
        config.get(Setting::ClientId),
        Some(("cid", Origin::Env("OVH_CLIENT_ID")))
    );
    let file_origin = Origin::File {
        path: LOCAL.into(),
        section: "ovh-eu".into(),
    };
    for (key, value) in [
        (Setting::ClientSecret, "cs-s3cr3t"),
        (Setting::AccessToken, "at-s3cr3t"),
    ] {
        assert_eq!(config.get(key), Some((value, file_origin.clone())));
    }
    assert_eq!(config.endpoint_opt(), Ok(Some(&Endpoint::OvhEu)));
    let debug = format!("{config:?}");
    assert!(debug.contains("client_secret: Some(\"set from ./ovh.conf [ovh-eu]\")"));
    assert!(!debug.contains(MARK), "{debug}");
    // OAuth2 and an access token at once: refused.
    let err = config.credentials().unwrap_err();
    assert!(matches!(
        &err,
        ConfigError::InvalidCredentials {
            problem: CredentialsProblem::MultipleMethods(_),
            ..
        }
    ));
    checked_message(&err);
}

#[test]
fn explicit_endpoint_wins_and_selects_its_section() {
    let (env, files) = sources(
        &[("OVH_ENDPOINT", "ovh-mars")],
        &[(
            LOCAL,
            "[ovh-ca]\napplication_key=ca-ak\napplication_secret=ca-as-s3cr3t\n\
             consumer_key=ca-ck-s3cr3t\n",
        )],
    );
    let config = resolve(&env, &files).unwrap();
    assert!(matches!(
        config.endpoint_opt(),
        Err(ConfigError::InvalidEndpoint { .. })
    ));
    let config = config.with_endpoint(Endpoint::OvhCa);
    assert_eq!(config.endpoint(), Ok(Endpoint::OvhCa));
    assert_eq!(config.section(), Some("ovh-ca"));
    assert_eq!(config.files, [PathBuf::from(LOCAL)]);
    let expected = Credentials::new("ca-ak", "ca-as-s3cr3t", "ca-ck-s3cr3t");
    assert_eq!(config.credentials(), Ok(expected));
}

#[test]
fn no_endpoint_means_env_credentials_only() {
    let (env, files) = sources(&[("OVH_APPLICATION_KEY", "ak")], &[(LOCAL, FULL_EU)]);
    let files = &files[..0];
    let config = resolve(&env, files).unwrap();
    assert_eq!(config.endpoint_opt(), Ok(None));
    let message = checked_message(&config.credentials().unwrap_err());
    assert!(
        message.contains("section named after the endpoint"),
        "{message}"
    );
}

#[test]
fn only_ovh_variables_are_kept_from_the_environment() {
    let env = [
        ("OVH_ENDPOINT", "ovh-eu"),
        ("HOME", "/root"),
        ("PATH", "/bin"),
    ]
    .map(|(k, v)| (k.into(), v.into()));
    let (env, files) = sources_from(env, &[], |_| unreachable!()).unwrap();
    assert_eq!(env.keys().collect::<Vec<_>>(), ["OVH_ENDPOINT"]);
    assert!(files.is_empty());
}
