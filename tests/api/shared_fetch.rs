//! Concurrent first calls share one fetch of `/auth/time` or of the OAuth2 token, and its
//! outcome, success or failure (issue 13, item 9): N callers cost one fetch (with its
//! retries), never N. Requests are counted exactly; nothing here measures time.

use std::time::Duration;

use ovh_renew::{ApiPath, Error, Method, OvhClient};

use crate::hostile::{Hostile, Received, Reply, error_texts};
use crate::support::{TOKEN_PREFIX, assert_no_secret, now};

const CALLERS: usize = 40;
const TIME: &str = "/1.0/auth/time";
const TOKEN_ROUTE: &str = "/auth/oauth2/token";
const ME: &str = "/1.0/me";
/// One fetch of `/auth/time` with the default retry policy: the first attempt and two
/// retries.
const ONE_TIME_FETCH: usize = 3;
/// Each answer of the failing endpoint takes this long, so that every caller is queued
/// behind the first fetch before it ends.
const SLOW: Duration = Duration::from_millis(150);

/// `CALLERS` concurrent first calls of `GET /me` on one client (and its clones).
async fn concurrent_first_calls(client: &OvhClient) -> Vec<Result<serde_json::Value, Error>> {
    let tasks: Vec<_> = (0..CALLERS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call(Method::Get, &ApiPath::new("/me")).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn time_server(time: impl Fn() -> Reply + Send + Sync + 'static) -> impl Fn(&Received) -> Reply {
    move |r: &Received| {
        if r.target == TIME {
            time()
        } else {
            Reply::json(200, "{}")
        }
    }
}

#[tokio::test]
async fn forty_first_calls_share_one_failing_time_fetch_and_its_error() {
    let server = Hostile::start(time_server(|| {
        Reply::json(503, r#"{"message":"down for maintenance"}"#).after(SLOW)
    }))
    .await;
    let client = server.signed_builder().build().unwrap();
    let outcomes = concurrent_first_calls(&client).await;
    assert_eq!(server.count("GET", TIME), ONE_TIME_FETCH);
    assert_eq!(server.count("GET", ME), 0);
    for outcome in outcomes {
        let err = outcome.unwrap_err();
        assert_eq!(err.status(), Some(503), "{err}");
        assert!(err.to_string().contains("down for maintenance"), "{err}");
        assert_no_secret(&error_texts(&err));
    }
}

/// The same with no answer at all (the connection is closed): every caller gets the
/// transport error of the one fetch, with its attempt count.
#[tokio::test]
async fn forty_first_calls_share_one_time_fetch_that_gets_no_answer() {
    let server = Hostile::start(time_server(|| Reply::Reset(SLOW))).await;
    let client = server.signed_builder().build().unwrap();
    let outcomes = concurrent_first_calls(&client).await;
    let time_calls = server.count("GET", TIME);
    assert_eq!(server.count("GET", ME), 0);
    assert_eq!(time_calls, ONE_TIME_FETCH);
    for outcome in outcomes {
        let err = outcome.unwrap_err();
        let Error::Transport(t) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(t.attempts, 3, "{err}");
        assert_no_secret(&error_texts(&err));
    }
}

/// A later call, which did not wait on the failed fetch, fetches again: failures are not
/// cached beyond the callers that waited on them.
#[tokio::test]
async fn a_call_after_a_failed_shared_fetch_fetches_again() {
    let server = Hostile::start(time_server(|| Reply::json(503, "{}").after(SLOW))).await;
    let client = server.signed_builder().build().unwrap();
    concurrent_first_calls(&client).await;
    concurrent_first_calls(&client).await;
    assert_eq!(server.count("GET", TIME), 2 * ONE_TIME_FETCH);
    assert_eq!(server.count("GET", ME), 0);
}

#[tokio::test]
async fn forty_first_calls_share_one_successful_time_fetch() {
    let server = Hostile::start(time_server(|| {
        Reply::json(200, now().to_string()).after(SLOW)
    }))
    .await;
    let client = server.signed_builder().build().unwrap();
    for outcome in concurrent_first_calls(&client).await {
        assert_eq!(outcome.unwrap(), serde_json::json!({}));
    }
    assert_eq!(server.count("GET", TIME), 1);
    assert_eq!(server.count("GET", ME), CALLERS);
}

fn token_server(token: impl Fn() -> Reply + Send + Sync + 'static) -> impl Fn(&Received) -> Reply {
    move |r: &Received| {
        if r.target == TOKEN_ROUTE {
            token()
        } else {
            Reply::json(200, "{}")
        }
    }
}

#[tokio::test]
async fn forty_first_calls_share_one_failing_token_fetch_and_its_error() {
    let server = Hostile::start(token_server(|| {
        Reply::json(
            500,
            r#"{"error":"server_error","error_description":"token service unavailable"}"#,
        )
        .after(SLOW)
    }))
    .await;
    let client = server.oauth2_builder().build().unwrap();
    let outcomes = concurrent_first_calls(&client).await;
    assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    assert_eq!(server.count("GET", ME), 0);
    for outcome in outcomes {
        let err = outcome.unwrap_err();
        let failure = err.oauth2().unwrap_or_else(|| panic!("{err:?}"));
        assert_eq!(failure.status, Some(500));
        assert_eq!(failure.error.as_deref(), Some("server_error"));
        assert_no_secret(&error_texts(&err));
    }
}

#[tokio::test]
async fn forty_first_calls_share_one_token_fetch_that_gets_no_answer() {
    let server = Hostile::start(token_server(|| Reply::Reset(SLOW))).await;
    let client = server.oauth2_builder().build().unwrap();
    let outcomes = concurrent_first_calls(&client).await;
    assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    assert_eq!(server.count("GET", ME), 0);
    for outcome in outcomes {
        let err = outcome.unwrap_err();
        assert!(err.oauth2().is_some_and(|f| f.status.is_none()), "{err:?}");
        assert_no_secret(&error_texts(&err));
    }
}

#[tokio::test]
async fn forty_first_calls_share_one_successful_token_fetch() {
    let server = Hostile::start(token_server(|| {
        Reply::json(
            200,
            format!(r#"{{"access_token":"{TOKEN_PREFIX}shared","expires_in":3600}}"#),
        )
        .after(SLOW)
    }))
    .await;
    let client = server.oauth2_builder().build().unwrap();
    for outcome in concurrent_first_calls(&client).await {
        assert_eq!(outcome.unwrap(), serde_json::json!({}));
    }
    assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    assert_eq!(server.count("GET", ME), CALLERS);
}

/// A token that the server says has already expired is still the outcome of the fetch
/// that the callers waited on: they all use it, and it costs one token request.
#[tokio::test]
async fn forty_first_calls_share_one_already_expired_token() {
    let server = Hostile::start(token_server(|| {
        Reply::json(
            200,
            format!(r#"{{"access_token":"{TOKEN_PREFIX}stale","expires_in":-1}}"#),
        )
        .after(SLOW)
    }))
    .await;
    let client = server.oauth2_builder().build().unwrap();
    for outcome in concurrent_first_calls(&client).await {
        assert_eq!(outcome.unwrap(), serde_json::json!({}));
    }
    assert_eq!(server.count("POST", TOKEN_ROUTE), 1);
    assert_eq!(server.count("GET", ME), CALLERS);
}
