//! Authentication beyond signing: OAuth2 service accounts, static bearer tokens,
//! application-only credentials, consumer-key creation, the credential check, and the
//! renewal-flow access rules.

use std::collections::BTreeSet;
use std::sync::Mutex;

use ovh_renew::models::{AccessRule, CredentialStatus, RenewRequest};
use ovh_renew::ops::{Call, Op, Reply};
use ovh_renew::{
    ApiFuture, ApiPath, ConfigError, Credentials, CredentialsProblem, Endpoint, Error, Method,
    OrderId, OvhClient, OvhClientBuilder, RequestProblem, ServiceId, ServiceRenewApi,
};
use wiremock::matchers::{any, body_string, header, method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::support::*;

const CLIENT_ID: &str = "oauth2-client-id-visible";
const CLIENT_SECRET: &str = "SECRET-oauth2-client-secret-Qx81";
const TOKEN_1: &str = "SECRET-bearer-token-one-7Hk2";
const TOKEN_2: &str = "SECRET-bearer-token-two-9Lm4";
const STATIC_TOKEN: &str = "SECRET-static-access-token-3Pz6";

/// Every secret of this module: none may show in a Debug, a Display or an error.
fn assert_no_auth_secret(text: &str) {
    assert_no_secret(text);
    for secret in [CLIENT_SECRET, TOKEN_1, TOKEN_2, STATIC_TOKEN, "SECRET-"] {
        assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
    }
}

/// No `X-Ovh-*` header at all (no application key, consumer, timestamp nor signature).
fn no_ovh_headers(req: &Request) -> bool {
    req.headers
        .keys()
        .all(|name| !name.as_str().starts_with("x-ovh-"))
}

use crate::support::token_answer;

fn bearer(token: &str) -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {token}").as_str())
}

impl Ovh {
    fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.server.uri())
    }

    fn oauth2_builder(&self) -> OvhClientBuilder {
        self.builder()
            .credentials(Credentials::oauth2(CLIENT_ID, CLIENT_SECRET))
            .oauth2_token_url(&self.token_url())
    }

    /// The token endpoint as OVH's: form body, JSON accepted, HTTP Basic client auth.
    async fn mount_token(&self, answer: ResponseTemplate, times: Option<u64>, expect: u64) {
        let basic = format!("Basic {}", crate::support::basic(CLIENT_ID, CLIENT_SECRET));
        let mock = Mock::given(method("POST"))
            .and(path("/oauth2/token"))
            .and(header("content-type", "application/x-www-form-urlencoded"))
            .and(header("accept", "application/json"))
            .and(header("authorization", basic.as_str()))
            .and(body_string("grant_type=client_credentials&scope=all"))
            .respond_with(answer);
        let mock = match times {
            Some(n) => mock.up_to_n_times(n),
            None => mock,
        };
        mock.expect(expect)
            .named("token endpoint")
            .mount(&self.server)
            .await;
    }
}

#[tokio::test]
async fn oauth2_token_is_fetched_once_for_many_concurrent_calls_and_clones() {
    // No /auth/time: bearer calls are not signed.
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), None, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(bearer(TOKEN_1))
        .and(no_ovh_headers)
        .respond_with(json_fixture(200, "service_list.json"))
        .expect(24)
        .mount(&ovh.server)
        .await;
    let client = ovh.oauth2_builder().build().unwrap();
    let tasks: Vec<_> = (0..24)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
                    .await
            })
        })
        .collect();
    for task in tasks {
        assert!(!task.await.unwrap().unwrap().is_empty());
    }
}

#[tokio::test]
async fn oauth2_posts_carry_the_bearer_and_no_ovh_headers() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), None, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/42/renew"))
        .and(bearer(TOKEN_1))
        .and(no_ovh_headers)
        .and(header("content-type", "application/json"))
        .respond_with(json_fixture(200, "renew_order.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.oauth2_builder().build().unwrap();
    let request = RenewRequest::dry_run("P1Y".parse().unwrap(), vec![ServiceId(42)]);
    client
        .create_renew_order(ServiceId(42), &request)
        .await
        .unwrap();
}

#[tokio::test]
async fn short_lived_tokens_are_refreshed_before_they_expire() {
    // A token with 10 s or less to live is within the refresh margin from the start:
    // every call fetches a fresh one (no sleeping needed to see the refresh).
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 10), Some(1), 1).await;
    ovh.mount_token(token_answer(TOKEN_2, 3600), None, 1).await;
    for token in [TOKEN_1, TOKEN_2] {
        Mock::given(method("GET"))
            .and(path("/1.0/me"))
            .and(bearer(token))
            .respond_with(json_body(200, "{}"))
            .expect(if token == TOKEN_1 { 1 } else { 2 })
            .mount(&ovh.server)
            .await;
    }
    let client = ovh.oauth2_builder().build().unwrap();
    for _ in 0..3 {
        let _: serde_json::Value = client
            .call(Method::Get, &ApiPath::new("/me"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_401_triggers_one_refresh_and_one_resend_even_for_a_post() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), Some(1), 1)
        .await;
    ovh.mount_token(token_answer(TOKEN_2, 3600), None, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/7/pay"))
        .and(bearer(TOKEN_1))
        .respond_with(json_body(
            401,
            r#"{"class":"Client::Unauthorized","message":"token expired"}"#,
        ))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("POST"))
        .and(path("/1.0/me/order/7/pay"))
        .and(bearer(TOKEN_2))
        .and(body_string(r#"{"paymentMethod":{"id":99}}"#))
        .respond_with(json_fixture(200, "void_response.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh.oauth2_builder().build().unwrap();
    client
        .pay_with_payment_method(OrderId(7), 99)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_second_401_is_returned_as_an_error_not_a_loop() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), Some(1), 1)
        .await;
    ovh.mount_token(token_answer(TOKEN_2, 3600), None, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .respond_with(json_body(
            401,
            r#"{"class":"Client::Unauthorized","message":"invalid token"}"#,
        ))
        .expect(2)
        .mount(&ovh.server)
        .await;
    let client = ovh.oauth2_builder().no_retries().build().unwrap();
    let err = client
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    assert!(err.to_string().contains("invalid token"), "{err}");
    assert!(
        crate::support::with_hint(&err).contains("fresh token was already tried once"),
        "{err}"
    );
    assert_no_auth_secret(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn concurrent_401s_share_one_refresh() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), Some(1), 1)
        .await;
    ovh.mount_token(token_answer(TOKEN_2, 3600), None, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(bearer(TOKEN_1))
        .respond_with(json_body(401, r#"{"message":"expired"}"#))
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(bearer(TOKEN_2))
        .respond_with(json_fixture(200, "service_list.json"))
        .expect(16)
        .mount(&ovh.server)
        .await;
    let client = ovh.oauth2_builder().build().unwrap();
    // Everyone holds the first token before any call is refused.
    let _ = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/warm-up"))
        .await;
    let tasks: Vec<_> = (0..15)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    client
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap();
}

#[tokio::test]
async fn token_endpoint_failures_are_typed_and_never_show_the_secret() {
    let cases = [
        (
            ResponseTemplate::new(401).set_body_json(serde_json::json!({
                "error": "invalid_client",
                "error_description": "ovhcloud oauth2 client does not exists"
            })),
            Some(401),
            "OAuth2 failure: (invalid_client) ovhcloud oauth2 client does not exists",
        ),
        (
            ResponseTemplate::new(503)
                .set_body_string("<html><body>Service Unavailable</body></html>"),
            Some(503),
            "Service Unavailable",
        ),
        (
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"token_type": "Bearer"})),
            Some(200),
            "Missing access token",
        ),
        (
            // A server that echoes what it was sent: the secret is scrubbed.
            ResponseTemplate::new(400).set_body_json(serde_json::json!({
                "error": "invalid_request",
                "error_description": format!("bad secret {CLIENT_SECRET}")
            })),
            Some(400),
            "bad secret <redacted>",
        ),
    ];
    for (answer, status, text) in cases {
        let ovh = Ovh::start(0, 0).await;
        ovh.mount_token(answer, None, 1).await;
        Mock::given(any())
            .and(path("/1.0/service"))
            .respond_with(json_body(200, "[]"))
            .expect(0)
            .mount(&ovh.server)
            .await;
        let client = ovh.oauth2_builder().no_retries().build().unwrap();
        let err = client
            .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
            .await
            .unwrap_err();
        let oauth2 = err.oauth2().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(oauth2.status, status);
        assert_eq!(oauth2.token_url, ovh.token_url());
        assert!(err.to_string().contains(text), "{err}");
        assert!(!err.may_have_been_processed());
        assert_no_auth_secret(&format!("{err} {err:?}"));
    }
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(
        ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"})),
        None,
        1,
    )
    .await;
    let err = ovh
        .oauth2_builder()
        .build()
        .unwrap()
        .call::<Vec<u64>>(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap_err();
    assert!(err.is_invalid_credential(), "{err}");
}

#[tokio::test]
async fn an_access_token_is_a_static_bearer_never_refreshed() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(token_answer(TOKEN_1, 3600), None, 0).await;
    Mock::given(method("GET"))
        .and(path("/1.0/service"))
        .and(bearer(STATIC_TOKEN))
        .and(no_ovh_headers)
        .respond_with(json_fixture(200, "service_list.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    Mock::given(method("GET"))
        .and(path("/1.0/me"))
        .respond_with(json_body(401, r#"{"message":"expired token"}"#))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let client = ovh
        .builder()
        .credentials(Credentials::access_token(STATIC_TOKEN))
        .build()
        .unwrap();
    let _: Vec<u64> = client
        .call(Method::Get, &ApiPath::new("/service"))
        .await
        .unwrap();
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_no_auth_secret(&format!("{err} {err:?} {client:?}"));
}

#[test]
fn build_refuses_unusable_credentials_with_python_ovh_wording() {
    let custom: Endpoint = "http://127.0.0.1:1/1.0".parse().unwrap();
    let oauth2 = || Credentials::oauth2(CLIENT_ID, CLIENT_SECRET);
    let refusals: Vec<(&str, OvhClientBuilder, &str)> = vec![
        (
            "oauth2 on kimsufi-eu",
            OvhClient::builder()
                .endpoint(Endpoint::KimsufiEu)
                .credentials(oauth2()),
            "OAuth2 authentication is not compatible with endpoint kimsufi-eu (it can only be used with ovh-eu, ovh-ca and ovh-us)",
        ),
        (
            "oauth2 on soyoustart-ca, even with a token URL",
            OvhClient::builder()
                .endpoint(Endpoint::SoyoustartCa)
                .credentials(oauth2())
                .oauth2_token_url("https://www.ovh.com/auth/oauth2/token"),
            "OAuth2 authentication is not compatible with endpoint soyoustart-ca",
        ),
        (
            "oauth2 on a custom endpoint without token URL",
            OvhClient::builder()
                .endpoint(custom.clone())
                .credentials(oauth2()),
            "OvhClientBuilder::oauth2_token_url",
        ),
        (
            "empty client secret",
            OvhClient::builder()
                .endpoint(Endpoint::OvhEu)
                .credentials(Credentials::oauth2(CLIENT_ID, " ")),
            "Invalid OAuth2 config, both client_id and client_secret must be given",
        ),
        (
            "empty application secret",
            OvhClient::builder()
                .endpoint(Endpoint::OvhEu)
                .credentials(Credentials::new(AK, "", CK)),
            "Invalid authentication config, both application_key and application_secret must be given",
        ),
        (
            "empty access token",
            OvhClient::builder()
                .endpoint(Endpoint::OvhEu)
                .credentials(Credentials::access_token("")),
            "access_token must not be empty",
        ),
        (
            "token URL with a password",
            OvhClient::builder()
                .endpoint(Endpoint::OvhEu)
                .credentials(oauth2())
                .oauth2_token_url("https://user:SECRET-pw@auth.example.com/token"),
            "invalid OAuth2 token URL",
        ),
    ];
    for (name, builder, message) in refusals {
        let err = builder.build().unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{name}: {err:?}");
        assert!(err.to_string().contains(message), "{name}: {err}");
        assert!(!err.may_have_been_processed());
        assert_no_auth_secret(&format!("{err} {err:?}"));
    }
    let err = OvhClient::builder()
        .endpoint(Endpoint::KimsufiCa)
        .credentials(oauth2())
        .build()
        .unwrap_err();
    assert!(matches!(
        &err,
        Error::Config(ConfigError::InvalidCredentials {
            problem: CredentialsProblem::OAuth2Endpoint(e),
            ..
        }) if e == "kimsufi-ca"
    ));

    let accepted: Vec<(&str, OvhClientBuilder)> = vec![
        (
            "oauth2 on ovh-eu",
            OvhClient::builder()
                .endpoint(Endpoint::OvhEu)
                .credentials(oauth2()),
        ),
        (
            "oauth2 on ovh-us",
            OvhClient::builder()
                .endpoint(Endpoint::OvhUs)
                .credentials(oauth2()),
        ),
        (
            "oauth2 on a custom endpoint with its token URL",
            OvhClient::builder()
                .endpoint(custom)
                .credentials(oauth2())
                .oauth2_token_url("http://127.0.0.1:1/oauth2/token"),
        ),
        (
            "application key without consumer key",
            OvhClient::builder()
                .endpoint(Endpoint::KimsufiEu)
                .credentials(Credentials::application(AK, AS)),
        ),
        (
            "access token",
            OvhClient::builder()
                .endpoint(Endpoint::OvhCa)
                .credentials(Credentials::access_token(STATIC_TOKEN)),
        ),
    ];
    for (name, builder) in accepted {
        let client = builder.build().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_no_auth_secret(&format!("{client:?}"));
    }
    let eu = OvhClient::builder()
        .endpoint(Endpoint::OvhEu)
        .credentials(oauth2())
        .build()
        .unwrap();
    assert!(
        format!("{eu:?}").contains("https://www.ovh.com/auth/oauth2/token"),
        "{eu:?}"
    );
}

#[tokio::test]
async fn a_consumer_key_is_requested_unsigned_with_the_rules_and_redirection() {
    let ovh = Ovh::start(0, 0).await;
    let rules = AccessRule::renewal_flow();
    let with_redirection = serde_json::to_string(&serde_json::json!({
        "accessRules": rules,
        "redirection": "https://example.com/done",
    }))
    .unwrap();
    let answer = r#"{"validationUrl":"https://eu.api.ovh.com/auth/?credentialToken=tok123","consumerKey":"SECRET-new-consumer-key","state":"pendingValidation"}"#;
    for body in [
        with_redirection,
        r#"{"accessRules":[{"method":"GET","path":"/*"}]}"#.to_owned(),
    ] {
        Mock::given(method("POST"))
            .and(path("/1.0/auth/credential"))
            .and(header("x-ovh-application", AK))
            .and(header("content-type", "application/json"))
            .and(|req: &Request| {
                ["x-ovh-consumer", "x-ovh-signature", "x-ovh-timestamp"]
                    .iter()
                    .all(|h| !req.headers.contains_key(*h))
            })
            .and(body_string(body))
            .respond_with(json_body(200, answer))
            .expect(1)
            .mount(&ovh.server)
            .await;
    }
    let client = ovh
        .builder()
        .credentials(Credentials::application(AK, AS))
        .build()
        .unwrap();
    let request = client
        .request_consumer_key(&rules, Some("https://example.com/done"))
        .await
        .unwrap();
    assert_eq!(
        request.validation_url,
        "https://eu.api.ovh.com/auth/?credentialToken=tok123"
    );
    assert_eq!(request.consumer_key, "SECRET-new-consumer-key");
    assert_eq!(request.state, CredentialStatus::PendingValidation);
    assert_no_auth_secret(&format!("{request:?}"));
    client
        .request_consumer_key(&AccessRule::read_only(), None)
        .await
        .unwrap();

    let err = client.request_consumer_key(&[], None).await.unwrap_err();
    assert_eq!(
        err.request_problem(),
        Some(RequestProblem::NoAccessRules),
        "{err}"
    );
}

#[tokio::test]
async fn consumer_keys_are_only_requested_with_an_application_key() {
    let ovh = Ovh::start(0, 0).await;
    for credentials in [
        Credentials::oauth2(CLIENT_ID, CLIENT_SECRET),
        Credentials::access_token(STATIC_TOKEN),
    ] {
        let client = ovh
            .builder()
            .credentials(credentials)
            .oauth2_token_url(&ovh.token_url())
            .build()
            .unwrap();
        let err = client
            .request_consumer_key(&AccessRule::read_only(), None)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("Credentials::application"),
            "{err}"
        );
    }
}

#[tokio::test]
async fn application_credentials_refuse_signed_calls_before_sending() {
    let ovh = Ovh::start(0, 0).await;
    Mock::given(any())
        .and(path("/1.0/service"))
        .respond_with(json_body(200, "[]"))
        .expect(0)
        .mount(&ovh.server)
        .await;
    let client = ovh
        .builder()
        .credentials(Credentials::application(AK, AS))
        .build()
        .unwrap();
    let err = client.list_services().await.unwrap_err();
    assert!(matches!(err, Error::NoConsumerKey { .. }), "{err:?}");
    assert!(err.to_string().starts_with("Invalid ConsumerKey"), "{err}");
    assert!(err.to_string().contains("GET /service"), "{err}");
    assert!(err.is_invalid_credential());
    assert!(!err.may_have_been_processed());
    assert_no_auth_secret(&format!("{err} {err:?}"));
}

#[tokio::test]
async fn unauthenticated_server_time_works_with_every_method() {
    let ovh = Ovh::start(0, 3).await;
    for credentials in [
        Credentials::application(AK, AS),
        Credentials::oauth2(CLIENT_ID, CLIENT_SECRET),
        Credentials::access_token(STATIC_TOKEN),
    ] {
        let client = ovh
            .builder()
            .credentials(credentials)
            .oauth2_token_url(&ovh.token_url())
            .build()
            .unwrap();
        assert!(client.server_time().await.unwrap() > 0);
    }
    let received = ovh.server.received_requests().await.unwrap();
    assert!(
        received
            .iter()
            .all(|r| !r.headers.contains_key("authorization")),
        "no bearer on /auth/time"
    );
}

/// Delegates to the client and records which operation ran: `execute` alone, so every
/// operation added to the table reaches it.
struct Recorder {
    client: OvhClient,
    called: Mutex<BTreeSet<Op>>,
}

impl ServiceRenewApi for Recorder {
    fn execute<'a>(&'a self, call: &'a Call) -> ApiFuture<'a, Reply> {
        self.called.lock().unwrap().insert(call.op());
        self.client.execute(call)
    }
}

/// Every operation of the table, and `service_infos` with every product of the renewal
/// guide. Answers do not matter: only the requests are looked at.
async fn call_every_method(api: &dyn ServiceRenewApi) {
    for &op in Op::ALL {
        let _ = api.execute(&op.example()).await;
    }
    for product in ["domain", "hosting/web", "dedicated/server"] {
        let _ = api.service_infos(product, "name.example.net").await;
    }
}

#[tokio::test]
async fn renewal_flow_allows_every_call_of_the_workflow() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(any())
        .respond_with(json_fixture(404, "error_not_found.json"))
        .mount(&ovh.server)
        .await;
    let recorder = Recorder {
        client: ovh.client(),
        called: Mutex::new(BTreeSet::new()),
    };
    call_every_method(&recorder).await;
    assert_eq!(
        recorder.called.lock().unwrap().len(),
        Op::ALL.len(),
        "every operation"
    );

    let sent: Vec<(String, String)> = ovh
        .server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() != "/1.0/auth/time")
        .map(|r| {
            let p = r.url.path().strip_prefix("/1.0").unwrap().to_owned();
            (r.method.to_string(), p)
        })
        .collect();
    assert_eq!(sent.len(), Op::ALL.len() + 3, "{sent:?}");
    // Renewing is allowed every call but the settings change; the settings preset
    // allows that one (and the reads around it), and neither allows the other's writes.
    let rules = AccessRule::renewal_flow();
    let settings = AccessRule::renewal_settings();
    let allowed = |rules: &[AccessRule], m: &str, p: &str| rules.iter().any(|r| r.allows(m, p));
    for (m, p) in &sent {
        if m == "PUT" {
            assert!(!allowed(&rules, m, p), "renewal_flow() allows {m} {p}");
            assert!(
                allowed(&settings, m, p),
                "renewal_settings() refuses {m} {p}"
            );
        } else {
            assert!(
                allowed(&rules, m, p),
                "{m} {p} is not allowed by AccessRule::renewal_flow()"
            );
        }
        if m == "POST" {
            assert!(
                !allowed(&settings, m, p),
                "renewal_settings() allows {m} {p}"
            );
        }
    }
    assert_eq!(sent.iter().filter(|(m, _)| m == "PUT").count(), 1);
    // The check can fail: read-only rules do not allow the three POSTs and the PUT.
    let read_only = AccessRule::read_only();
    let refused: Vec<_> = sent
        .iter()
        .filter(|(m, p)| !read_only.iter().any(|r| r.allows(m, p)))
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert!(refused.iter().all(|(m, _)| m == "POST" || m == "PUT"));
}

#[tokio::test]
async fn current_credential_is_typed_and_says_what_the_renewal_flow_lacks() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("GET"))
        .and(path("/1.0/auth/currentCredential"))
        .and(ovh.signed())
        .respond_with(json_body(
            200,
            r#"{"allowedIPs":["192.0.2.0/24"],"applicationId":1234,"creation":"2024-10-01T10:00:00+02:00",
                "credentialId":5678,"expiration":"2024-10-02T10:00:00+02:00","lastUse":null,
                "ovhSupport":false,"status":"validated","someFutureField":true,
                "rules":[{"method":"GET","path":"/service"},{"method":"GET","path":"/service/*"},
                         {"method":"GET","path":"/me/*"}]}"#,
        ))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let credential = ovh.client().current_credential().await.unwrap();
    assert_eq!(credential.status, CredentialStatus::Validated);
    assert_eq!(credential.credential_id, 5678);
    assert_eq!(credential.application_id, 1234);
    assert_eq!(credential.allowed_ips, ["192.0.2.0/24"]);
    assert!(credential.expiration.is_some() && credential.last_use.is_none());
    assert!(credential.allows("GET", "/service/42/renew"));
    let missing: Vec<String> = credential
        .missing_for_renewal()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        missing,
        [
            "GET /vps/*/serviceInfos",
            "GET /domain/*/serviceInfos",
            "GET /hosting/web/*/serviceInfos",
            "GET /dedicated/server/*/serviceInfos",
            "POST /service/*/renew",
            "POST /me/order/*/payWithRegisteredPaymentMean",
            "POST /me/order/*/pay",
            "GET /services",
            "GET /services/*",
        ]
    );
}

#[tokio::test]
async fn not_granted_names_the_missing_rule_and_points_to_the_credential_check() {
    let ovh = Ovh::start(0, 1).await;
    Mock::given(method("POST"))
        .and(path("/1.0/service/42/renew"))
        .respond_with(json_fixture(403, "error_forbidden_not_granted.json"))
        .expect(1)
        .mount(&ovh.server)
        .await;
    let request = RenewRequest::order("P1Y".parse().unwrap(), vec![ServiceId(42)]);
    let err = ovh
        .client()
        .create_renew_order(ServiceId(42), &request)
        .await
        .unwrap_err();
    assert!(err.is_not_granted());
    let text = crate::support::with_hint(&err);
    for part in [
        "lacks the access rule POST /service/*/renew",
        "current_credential()",
        "GET /auth/currentCredential",
        "AccessRule::renewal_flow()",
    ] {
        assert!(text.contains(part), "{part:?} not in {text}");
    }
}

#[tokio::test]
async fn secrets_never_show_for_any_authentication_method() {
    let ovh = Ovh::start(0, 0).await;
    ovh.mount_token(
        ResponseTemplate::new(401).set_body_json(serde_json::json!({"error": "invalid_client"})),
        None,
        1,
    )
    .await;
    for credentials in [
        Credentials::new(AK, AS, CK),
        Credentials::application(AK, AS),
        Credentials::oauth2(CLIENT_ID, CLIENT_SECRET),
        Credentials::access_token(STATIC_TOKEN),
    ] {
        let builder = ovh
            .builder()
            .credentials(credentials.clone())
            .oauth2_token_url(&ovh.token_url());
        let builder_text = format!("{builder:?}");
        let client = builder.build().unwrap();
        assert_no_auth_secret(&format!("{credentials:?} {credentials:#?}"));
        assert_no_auth_secret(&builder_text);
        assert_no_auth_secret(&format!("{client:?}"));
    }
    let client = ovh.oauth2_builder().build().unwrap();
    assert!(format!("{client:?}").contains(CLIENT_ID));
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    let mut text = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        text.push_str(&format!(" {s} {s:?}"));
        source = s.source();
    }
    assert_no_auth_secret(&text);
}
