//! OAuth2 token answers from a hostile token endpoint (issue 13, item 8): lifetimes that
//! overflow, are negative or malformed, tokens that cannot be a header value, answers too
//! large or not JSON. No answer panics; each gives a usable token or a typed
//! [`OAuth2Error`], and the tests count exactly what the server received.

use ovh_renew::{ApiPath, Error, MAX_ANSWER_BYTES, Method, OvhClient};

use crate::hostile::{Hostile, Received, Reply, error_texts};
use crate::support::{TOKEN_PREFIX, assert_no_secret};

const TOKEN_ROUTE: &str = "/auth/oauth2/token";
const ME: &str = "/1.0/me";

/// A server whose token endpoint gives `answer` (a token answer body, status 200) and whose
/// `GET /1.0/me` answers `{}` to any bearer.
async fn token_server(answer: &'static str) -> Hostile {
    Hostile::start(move |r: &Received| {
        if r.target == TOKEN_ROUTE {
            Reply::json(200, answer)
        } else {
            Reply::json(200, "{}")
        }
    })
    .await
}

async fn me(client: &OvhClient) -> Result<serde_json::Value, Error> {
    client.call(Method::Get, &ApiPath::new("/me")).await
}

/// The OAuth2 error of `err`, after checking that no secret shows anywhere in it.
fn oauth2_failure(err: &Error) -> &ovh_renew::OAuth2Error {
    assert_no_secret(&error_texts(err));
    assert!(!err.may_have_been_processed(), "{err}");
    err.oauth2()
        .unwrap_or_else(|| panic!("not an OAuth2 error: {err:?}"))
}

/// `expires_in` beyond what an `Instant` can hold (2^64 s, 1e30 s) is clamped: the token
/// is used, cached, and no call panics.
#[tokio::test]
async fn an_overflowing_expires_in_is_clamped_and_never_panics() {
    for lifetime in ["18446744073709551616", "1e30", "1.7976931348623157e308"] {
        let answer: &'static str = format!(
            r#"{{"access_token":"{TOKEN_PREFIX}huge","token_type":"Bearer","expires_in":{lifetime}}}"#
        )
        .leak();
        let server = token_server(answer).await;
        let client = server.oauth2_builder().build().unwrap();
        for _ in 0..3 {
            let client = client.clone();
            let outcome = tokio::spawn(async move { me(&client).await }).await;
            let value = outcome.unwrap_or_else(|e| panic!("{lifetime}: the call panicked: {e}"));
            assert_eq!(value.unwrap(), serde_json::json!({}), "{lifetime}");
        }
        assert_eq!(server.count("POST", TOKEN_ROUTE), 1, "{lifetime}");
        assert_eq!(server.count("GET", ME), 3, "{lifetime}");
        let bearer = server.all()[1].header("authorization").unwrap();
        assert_eq!(bearer, format!("Bearer {TOKEN_PREFIX}huge"));
    }
}

/// A negative `expires_in` means the token has already expired: it is used for the call
/// that fetched it, never cached, so the next call fetches a new one.
#[tokio::test]
async fn a_negative_expires_in_is_refreshed_on_the_next_call() {
    let server = token_server(r#"{"access_token":"SECRET-token-neg","expires_in":-30}"#).await;
    let client = server.oauth2_builder().build().unwrap();
    me(&client).await.unwrap();
    me(&client).await.unwrap();
    assert_eq!(server.count("POST", TOKEN_ROUTE), 2);
    assert_eq!(server.count("GET", ME), 2);
}

/// A malformed `expires_in` does not throw away the valid token next to it: the token is
/// used like one without `expires_in` (until OVH refuses it with a 401).
#[tokio::test]
async fn a_malformed_expires_in_keeps_the_valid_token() {
    for answer in [
        r#"{"access_token":"SECRET-token-m","expires_in":"soon"}"#,
        r#"{"access_token":"SECRET-token-m","expires_in":{}}"#,
        r#"{"access_token":"SECRET-token-m","expires_in":[3600]}"#,
        r#"{"access_token":"SECRET-token-m","expires_in":true}"#,
    ] {
        let server = token_server(answer).await;
        let client = server.oauth2_builder().build().unwrap();
        me(&client)
            .await
            .unwrap_or_else(|e| panic!("{answer}: {e}"));
        me(&client).await.unwrap();
        assert_eq!(server.count("POST", TOKEN_ROUTE), 1, "{answer}");
        assert_eq!(server.count("GET", ME), 2, "{answer}");
    }
}

/// A token that cannot travel in an `Authorization` header (CR/LF, other control
/// characters, blanks inside, non-ASCII) is refused with a typed error that does not quote
/// it, and is not cached: the next call asks the token endpoint again. No API call is sent
/// with it.
#[tokio::test]
async fn a_token_that_cannot_be_a_header_is_refused_and_not_cached() {
    for answer in [
        r#"{"access_token":"SECRET-token-a\r\nX-Injected: 1","expires_in":3600}"#,
        r#"{"access_token":"SECRET-token-a\u0000b","expires_in":3600}"#,
        r#"{"access_token":"SECRET-token-a b","expires_in":3600}"#,
        r#"{"access_token":"SECRET-token-é","expires_in":3600}"#,
    ] {
        let server = token_server(answer).await;
        let client = server.oauth2_builder().build().unwrap();
        for _ in 0..2 {
            let err = me(&client).await.unwrap_err();
            let failure = oauth2_failure(&err);
            assert_eq!(failure.status, Some(200), "{answer}");
            let description = failure.description.as_deref().unwrap_or_default();
            assert!(
                description.contains("cannot be sent in an Authorization header"),
                "{answer}: {err}"
            );
        }
        assert_eq!(server.count("POST", TOKEN_ROUTE), 2, "{answer}");
        assert_eq!(server.count("GET", ME), 0, "{answer}");
    }
}

/// A token answer larger than the cap of API answers is refused before it is read to the
/// end (the server announced 40 MiB), with a typed error; nothing else is sent.
#[tokio::test]
async fn a_token_answer_over_the_size_cap_is_refused() {
    let declared = 40 * 1024 * 1024;
    assert!(declared > MAX_ANSWER_BYTES);
    let server = Hostile::start(move |r: &Received| {
        if r.target == TOKEN_ROUTE {
            Reply::Huge {
                declared,
                sent: declared,
            }
        } else {
            Reply::json(200, "{}")
        }
    })
    .await;
    let client = server.oauth2_builder().build().unwrap();
    let err = me(&client).await.unwrap_err();
    let failure = oauth2_failure(&err);
    assert_eq!(failure.status, Some(200));
    let description = failure.description.as_deref().unwrap_or_default();
    assert!(
        description.contains(&format!("larger than {MAX_ANSWER_BYTES} bytes")),
        "{err}"
    );
    assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    assert_eq!(server.count("GET", ME), 0);
}

/// Success answers that are not a token answer say what is wrong with them, not
/// "missing access token" for everything.
#[tokio::test]
async fn success_answers_without_a_usable_token_say_why() {
    for (answer, says) in [
        ("<html>captive portal</html>", "not a JSON object"),
        ("[1,2]", "not a JSON object"),
        (
            r#"{"access_token":12345,"expires_in":60}"#,
            "access_token is not a string",
        ),
        (r#"{"expires_in":60}"#, "Missing access token"),
        (
            r#"{"access_token":"   ","expires_in":60}"#,
            "Missing access token",
        ),
    ] {
        let server = token_server(answer).await;
        let client = server.oauth2_builder().build().unwrap();
        let err = me(&client).await.unwrap_err();
        let failure = oauth2_failure(&err);
        assert_eq!(failure.status, Some(200), "{answer}");
        let description = failure.description.as_deref().unwrap_or_default();
        assert!(description.contains(says), "{answer}: {err}");
        assert_eq!(server.count("POST", TOKEN_ROUTE), 1, "{answer}");
        assert_eq!(server.count("GET", ME), 0, "{answer}");
    }
}
