//! Servers and proxies that echo secrets back (issue 13, item 13): whatever a server puts
//! in an error answer, a gateway page, a token error or a malformed order, no secret the
//! client holds (application secret, consumer key, the signatures it sent, the OAuth2
//! client secret and its Basic form, tokens) nor an order's password or URL shows in
//! `Display`, `Debug` or any error source; nor does a URL's query string or user info.

use ovh_renew::models::AccessRule;
use ovh_renew::{ApiPath, Credentials, Endpoint, Error, Method, OrderId, ServiceRenewApi};

use crate::hostile::{Hostile, Received, Reply, error_texts, with_time};
use crate::support::{AS, CK, CLIENT_ID, CS, TOKEN_PREFIX, assert_no_secret, basic, fixture};

const TOKEN_ROUTE: &str = "/auth/oauth2/token";
const BEARER: &str = "SECRET-token-echoed-Ab12";

/// The whole request head, and each header value, as a JSON string.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A 403 in OVH's shape that quotes every secret it saw or could guess: the head in the
/// message, the signature and consumer key in `details` (as a value and as a key), and
/// the consumer key as the query id; and the application secret (as if leaked there).
fn echo_403(r: &Received) -> Reply {
    echo_403_with(r, AS)
}

/// [`echo_403`] quoting `held` as the secret it guessed.
fn echo_403_with(r: &Received, held: &str) -> Reply {
    let signature = r.header("x-ovh-signature").unwrap_or_default();
    let consumer = r.header("x-ovh-consumer").unwrap_or_default();
    let bearer = r.header("authorization").unwrap_or_default();
    let body = format!(
        r#"{{"class":"Client::Forbidden","message":{msg},"details":{{"signature":{sig},{ck}:"seen","bearer":{bearer},"nested":{{"secret":{as_}}}}}}}"#,
        msg = quoted(&format!("refused, you sent: {} and secret {held}", r.head)),
        sig = quoted(&signature),
        ck = quoted(&consumer),
        bearer = quoted(&bearer),
        as_ = quoted(held),
    );
    Reply::json(403, body).with_header("X-Ovh-QueryID", &format!("EU.{consumer}"))
}

/// A proxy's 502 debug page that starts with the request head it received.
fn echo_502(r: &Received) -> Reply {
    html(
        502,
        format!("<pre>{}</pre><p>{AS} {TOKEN_PREFIX}x</p>", r.head),
    )
}

/// A proxy's 502 page whose consumer key straddles the length at which the crate cuts
/// its snippet of non-JSON bodies (200 bytes): cutting first would keep its first bytes.
fn straddling_502(_: &Received) -> Reply {
    html(502, format!("<p>{} {CK}</p>", "x".repeat(182)))
}

fn html(status: u16, page: String) -> Reply {
    Reply::Full {
        status,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.into_bytes(),
        delay: std::time::Duration::ZERO,
    }
}

/// Asserts that no secret, nor any 12-character prefix of one, shows in `err`.
fn assert_scrubbed(err: &Error, extra: &[&str]) {
    let text = error_texts(err);
    assert_no_secret(&text);
    let basic = basic(CLIENT_ID, CS);
    for secret in [AS, CK, CS, basic.as_str(), BEARER].iter().chain(extra) {
        assert!(
            !text.contains(&secret[..12.min(secret.len())]),
            "a prefix of {secret:?} leaked in: {text}"
        );
    }
}

/// The signatures the server received.
fn signatures(server: &Hostile) -> Vec<String> {
    server
        .all()
        .iter()
        .filter(|r| r.target != "/1.0/auth/time")
        .filter_map(|r| r.header("x-ovh-signature"))
        .collect()
}

#[tokio::test]
async fn an_ovh_403_quoting_the_consumer_key_and_signature_is_scrubbed() {
    let server = Hostile::start(with_time(echo_403)).await;
    let client = server.signed_builder().build().unwrap();
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    let sent = signatures(&server);
    assert_eq!(sent.len(), 1);
    let sigs: Vec<&str> = sent.iter().map(String::as_str).collect();
    assert_scrubbed(&err, &sigs);
    // What is not secret is kept: status, class, the shape of the message.
    let api = err.api().unwrap();
    assert_eq!(api.status, 403);
    assert_eq!(api.class.as_deref(), Some("Client::Forbidden"));
    assert!(
        api.message.starts_with("refused, you sent: GET /1.0/me"),
        "{api:?}"
    );
    assert!(api.message.contains("<redacted>"), "{api:?}");
    assert_eq!(
        api.details.get("<redacted>").map(String::as_str),
        Some("seen")
    );
    assert_eq!(server.count("GET", "/1.0/me"), 1);
}

#[tokio::test]
async fn a_proxy_502_page_echoing_the_request_headers_is_scrubbed() {
    let server = Hostile::start(with_time(echo_502)).await;
    let client = server.signed_builder().build().unwrap();
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    let sent = signatures(&server);
    // A GET: the first attempt and two retries, each signed anew.
    assert_eq!(sent.len(), 3);
    let sigs: Vec<&str> = sent.iter().map(String::as_str).collect();
    assert_scrubbed(&err, &sigs);
    assert_eq!(err.status(), Some(502));
    assert!(
        err.to_string().contains("non-OVH body: <pre>GET /1.0/me"),
        "{err}"
    );

    // A POST is sent once; its signature is scrubbed the same way.
    let server = Hostile::start(with_time(straddling_502)).await;
    let client = server.signed_builder().build().unwrap();
    let err = client
        .call_with_body::<serde_json::Value, _>(
            Method::Post,
            &ApiPath::new("/me/echo"),
            &serde_json::json!({}),
        )
        .await
        .unwrap_err();
    assert_eq!(server.count("POST", "/1.0/me/echo"), 1);
    let sent = signatures(&server);
    let sigs: Vec<&str> = sent.iter().map(String::as_str).collect();
    assert_scrubbed(&err, &sigs);
}

#[tokio::test]
async fn bearer_and_access_tokens_echoed_by_the_api_are_scrubbed() {
    // Credentials::oauth2 holds the client secret and its token; Credentials::access_token
    // only its token: each server echoes what its client holds.
    for (oauth2, held) in [(true, CS), (false, BEARER)] {
        let server = Hostile::start(move |r: &Received| {
            if r.target == TOKEN_ROUTE {
                Reply::json(
                    200,
                    format!(r#"{{"access_token":"{BEARER}","expires_in":3600}}"#),
                )
            } else {
                echo_403_with(r, held)
            }
        })
        .await;
        let client = if oauth2 {
            server.oauth2_builder().build().unwrap()
        } else {
            server
                .builder(Credentials::access_token(BEARER))
                .build()
                .unwrap()
        };
        let err = client
            .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
            .await
            .unwrap_err();
        assert_scrubbed(&err, &[]);
        assert_eq!(err.status(), Some(403));
        assert_eq!(server.count("GET", "/1.0/me"), 1);
        let sent = server
            .all()
            .last()
            .unwrap()
            .header("authorization")
            .unwrap();
        assert_eq!(sent, format!("Bearer {BEARER}"));
    }
}

#[tokio::test]
async fn a_token_endpoint_echoing_the_basic_credentials_is_scrubbed() {
    let echo_json = |r: &Received| {
        let auth = r.header("authorization").unwrap_or_default();
        Reply::json(
            401,
            format!(
                r#"{{"error":{e},"error_description":{d}}}"#,
                e = quoted(&format!("invalid_client {auth}")),
                d = quoted(&format!(
                    "got {auth} and client_secret={CS} in {}",
                    String::from_utf8_lossy(&r.body)
                )),
            ),
        )
    };
    let echo_html = |r: &Received| html(400, format!("<pre>{}</pre>", r.head));
    for echo in [
        Box::new(echo_json) as Box<dyn Fn(&Received) -> Reply + Send + Sync>,
        Box::new(echo_html),
    ] {
        let server = Hostile::start(move |r: &Received| echo(r)).await;
        let client = server.oauth2_builder().build().unwrap();
        let err = client
            .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
            .await
            .unwrap_err();
        assert_scrubbed(&err, &[]);
        let failure = err.oauth2().unwrap_or_else(|| panic!("{err:?}"));
        assert!(matches!(failure.status, Some(400 | 401)), "{err}");
        // The server did get the Basic credentials: the echo had something to scrub.
        let sent = server.all()[0].header("authorization").unwrap();
        assert_eq!(sent, format!("Basic {}", basic(CLIENT_ID, CS)));
        assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    }
}

/// An order answer whose `password` is a number, or whose URL sits in a field of another
/// type: the decode error names the field but quotes no value.
#[tokio::test]
async fn decode_errors_of_orders_never_quote_the_password_or_url() {
    let order: serde_json::Value = serde_json::from_slice(&fixture("me_order.json")).unwrap();
    let url = order["url"].as_str().unwrap().to_owned();
    let password = order["password"].as_str().unwrap().to_owned();
    let mut numeric_password = order.clone();
    numeric_password["password"] = serde_json::json!(918_273_645);
    let mut url_as_id = order.clone();
    url_as_id["orderId"] = serde_json::json!(url);
    let mut url_as_date = order.clone();
    url_as_date["date"] = serde_json::json!(url);
    let mut password_as_price = order.clone();
    password_as_price["tax"]["priceInUcents"] = serde_json::json!(password);
    let cases = [
        (numeric_password, "password", "918273645"),
        (url_as_id, "orderId", password.as_str()),
        (url_as_date, "date", password.as_str()),
        (password_as_price, "tax.priceInUcents", password.as_str()),
    ];
    for (body, field, secret) in cases {
        let body = serde_json::to_vec(&body).unwrap();
        let server = Hostile::start(with_time(move |_: &Received| {
            Reply::json(200, body.clone())
        }))
        .await;
        let client = server.signed_builder().build().unwrap();
        let err = client.order(OrderId(214110657)).await.unwrap_err();
        let Error::Decode(decode) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(decode.field, field, "{err}");
        let text = error_texts(&err);
        assert!(!text.contains(secret), "{secret:?} leaked in: {text}");
        assert!(!text.contains("orderPassword"), "{text}");
        assert_no_secret(&text);
    }
}

/// The answer of `POST /auth/credential` carries a new consumer key: a malformed one is
/// not quoted either.
#[tokio::test]
async fn decode_errors_of_a_new_consumer_key_never_quote_it() {
    let server = Hostile::start(|_: &Received| {
        Reply::json(
            200,
            r#"{"validationUrl":"https://www.ovh.com/auth/sso/api?credentialToken=SECRET-token-validation","consumerKey":4815162342424242,"state":"pendingValidation"}"#,
        )
    })
    .await;
    let client = server
        .builder(Credentials::application(crate::support::AK, AS))
        .build()
        .unwrap();
    let err = client
        .request_consumer_key(&AccessRule::renewal_flow(), None)
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(decode.field, "consumerKey");
    let text = error_texts(&err);
    assert!(!text.contains("4815162342424242"), "{text}");
    assert_no_secret(&text);
}

/// A token URL's query string and user info never show: not in the builder's or the
/// client's `Debug`, not in the token endpoint's errors; nor an endpoint's query.
#[tokio::test]
async fn url_query_strings_and_user_info_are_scrubbed() {
    let server =
        Hostile::start(|_: &Received| Reply::json(500, r#"{"error":"server_error"}"#)).await;
    let token_url = format!("{}?token={TOKEN_PREFIX}in-query", server.token_url());
    let builder = server.oauth2_builder().oauth2_token_url(&token_url);
    assert_no_secret(&format!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    assert_no_secret(&format!("{client:?} {client:#?}"));
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    assert_no_secret(&error_texts(&err));
    let failure = err.oauth2().unwrap();
    assert!(
        failure.token_url.starts_with(&server.token_url()),
        "{}",
        failure.token_url
    );
    // The query was sent as configured: only what the crate shows is scrubbed.
    let target = &server.all()[0].target;
    assert_eq!(
        target,
        &format!("{TOKEN_ROUTE}?token={TOKEN_PREFIX}in-query")
    );

    let with_password = format!("http://user:{CS}@127.0.0.1:1/token?token={TOKEN_PREFIX}x");
    let builder = server.oauth2_builder().oauth2_token_url(&with_password);
    assert_no_secret(&format!("{builder:?} {builder:#?}"));
    let err = builder.build().unwrap_err();
    assert_no_secret(&error_texts(&err));

    for text in [
        format!("https://api.example.com/1.0?token={TOKEN_PREFIX}e"),
        format!("https://u:{CS}@api.example.com/1.0?token={TOKEN_PREFIX}e"),
        format!("ftp://api.example.com/1.0?token={TOKEN_PREFIX}e"),
    ] {
        let err = text.parse::<Endpoint>().unwrap_err();
        assert_no_secret(&error_texts(&err));
    }
}

/// With the `tracing` feature, the query id a span records is the scrubbed one: a server
/// that echoes the consumer key in `X-Ovh-QueryID` does not get it into the logs.
#[cfg(feature = "tracing")]
#[tokio::test]
async fn an_echoed_query_id_is_scrubbed_before_it_is_traced() {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl<'a> MakeWriter<'a> for Captured {
        type Writer = Captured;
        fn make_writer(&'a self) -> Captured {
            self.clone()
        }
    }

    let server = Hostile::start(with_time(echo_403)).await;
    let client = server.signed_builder().build().unwrap();
    // A first call before the subscriber exists registers the crate's callsites, so that
    // installing it rebuilds their interest (a callsite registered concurrently with a
    // thread-local subscriber may miss it: a tracing-core race, not this crate's).
    let _ = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await;
    let out = Captured::default();
    let _guard = tracing_subscriber::fmt()
        .with_writer(out.clone())
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(_guard);
    let err = client
        .call::<serde_json::Value>(Method::Get, &ApiPath::new("/me"))
        .await
        .unwrap_err();
    assert_scrubbed(&err, &[]);
    let logged = String::from_utf8_lossy(&out.0.lock().unwrap()).into_owned();
    assert!(logged.contains("EU.<redacted>"), "{logged}");
    assert_no_secret(&logged);
}
