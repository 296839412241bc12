//! A local OVH for the tests: wiremock plus a matcher that checks every signature the way
//! OVH does.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ovh_renew::{Credentials, Endpoint, OvhClient, OvhClientBuilder, RetryPolicy};
use sha1::{Digest, Sha1};
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

pub const AK: &str = "test-app-key-AK7";
pub const AS: &str = "SECRET-app-secret-9ufkBmLa";
pub const CK: &str = "SECRET-consumer-key-5mBuy6SU";

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The bytes of a recorded fixture, verbatim.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

pub fn json_fixture(status: u16, name: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(fixture(name), "application/json; charset=utf-8")
        .insert_header(
            "X-Ovh-QueryID",
            "EU.ext-2.66c70f18.12345.0123456789abcdef0123456789abcdef",
        )
}

pub fn json_body(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_raw(body.as_bytes().to_vec(), "application/json")
        .insert_header("X-Ovh-QueryID", "EU.ext-1.test.query")
}

/// Checks `X-Ovh-*` headers as OVH does: the application key, the consumer key, a
/// timestamp within 30 s of the server's (skewed) clock, and the signature recomputed
/// over the URL rebuilt from the `Host` header (wiremock rewrites the host) and the body.
pub struct SignedBy {
    pub skew: Arc<AtomicI64>,
}

pub fn expected_signature(method: &str, url: &str, body: &[u8], ts: &str) -> String {
    let mut h = Sha1::new();
    h.update(format!("{AS}+{CK}+{method}+{url}+").as_bytes());
    h.update(body);
    h.update(format!("+{ts}").as_bytes());
    format!("$1${}", hex::encode(h.finalize()))
}

pub fn wire_url(req: &Request) -> String {
    let host = req
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let mut url = format!("http://{host}{}", req.url.path());
    if let Some(q) = req.url.query() {
        url.push('?');
        url.push_str(q);
    }
    url
}

impl Match for SignedBy {
    fn matches(&self, req: &Request) -> bool {
        let get = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        let (Some(ak), Some(ck), Some(ts), Some(sig)) = (
            get("X-Ovh-Application"),
            get("X-Ovh-Consumer"),
            get("X-Ovh-Timestamp"),
            get("X-Ovh-Signature"),
        ) else {
            return false;
        };
        let Ok(ts_num) = ts.parse::<i64>() else {
            return false;
        };
        let server_now = now() + self.skew.load(Ordering::SeqCst);
        ak == AK
            && ck == CK
            && (ts_num - server_now).abs() <= 30
            && sig == expected_signature(req.method.as_str(), &wire_url(req), &req.body, ts)
    }
}

pub struct Ovh {
    pub server: MockServer,
    pub skew: Arc<AtomicI64>,
}

impl Ovh {
    /// A server whose clock is `skew` seconds off ours; `/auth/time` must be called
    /// exactly `time_calls` times (checked when the server drops).
    pub async fn start(skew: i64, time_calls: u64) -> Ovh {
        let server = MockServer::start().await;
        let skew = Arc::new(AtomicI64::new(skew));
        let s = skew.clone();
        Mock::given(method("GET"))
            .and(path("/1.0/auth/time"))
            .respond_with(move |_: &Request| {
                ResponseTemplate::new(200)
                    .set_body_string((now() + s.load(Ordering::SeqCst)).to_string())
            })
            .expect(time_calls)
            .named("/auth/time")
            .mount(&server)
            .await;
        Ovh { server, skew }
    }

    pub fn signed(&self) -> SignedBy {
        SignedBy {
            skew: self.skew.clone(),
        }
    }

    pub fn base(&self) -> String {
        format!("{}/1.0", self.server.uri())
    }

    pub fn builder(&self) -> OvhClientBuilder {
        OvhClient::builder()
            .endpoint(self.base().parse::<Endpoint>().unwrap())
            .credentials(Credentials::new(AK, AS, CK))
            .retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(5)))
            .timeout(Duration::from_secs(5))
    }

    pub fn client(&self) -> OvhClient {
        self.builder().build().unwrap()
    }
}

/// Asserts that none of the secrets shows in `text`.
pub fn assert_no_secret(text: &str) {
    for secret in [AS, CK, "$1$"] {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked in: {text}"
        );
    }
}
