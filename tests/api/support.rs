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
/// The OAuth2 client id (public) and secret of the hostile-network tests.
pub const CLIENT_ID: &str = "oauth2-client-id-visible";
pub const CS: &str = "SECRET-oauth2-client-secret-Zr52";
/// Every bearer token the hostile-network tests hand out starts with this.
pub const TOKEN_PREFIX: &str = "SECRET-token-";

/// The HTTP Basic credentials of `id:secret` (RFC 7617: base64, padded).
pub fn basic(id: &str, secret: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = format!("{id}:{secret}").into_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A successful OAuth2 token answer, as OVH's token endpoint gives it.
pub fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "all"
    }))
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The bytes of a recorded fixture, verbatim.
#[path = "../common/fixtures.rs"]
mod fixtures;
pub use fixtures::{fixture, fixture_as};

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

    /// Serves `file` verbatim (status 200) to correctly signed `method` requests on
    /// `wire_path`, expected exactly `times` times.
    pub async fn mount_signed(&self, method: &str, wire_path: &str, file: &str, times: u64) {
        Mock::given(wiremock::matchers::method(method))
            .and(path(wire_path))
            .and(self.signed())
            .respond_with(json_fixture(200, file))
            .expect(times)
            .mount(&self.server)
            .await;
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
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
            .timeout(Duration::from_secs(5))
    }

    pub fn client(&self) -> OvhClient {
        self.builder().build().unwrap()
    }
}

/// Asserts that none of the secrets shows in `text`: the application secret, the consumer
/// key, a signature, the OAuth2 client secret, its Basic form and the bearer tokens.
pub fn assert_no_secret(text: &str) {
    let basic = basic(CLIENT_ID, CS);
    for secret in [AS, CK, "$1$", CS, basic.as_str(), TOKEN_PREFIX] {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked in: {text}"
        );
    }
}

/// What [`RawServer`] does with a request (other than `GET /1.0/auth/time`, always
/// answered with the current time).
#[derive(Clone)]
pub enum RawReply {
    /// A complete answer: status, then body (`content-length` set, keep-alive).
    Full(u16, Vec<u8>),
    /// The head and the first bytes of a 500-byte body, then the connection is closed.
    DropMidBody,
    /// Reads the request and never answers (holds the connection for 30 s).
    Stall,
    /// A redirect: this status (3xx), this `Location`, a small HTML body, and an
    /// `X-Ovh-QueryID`.
    Redirect(u16, String),
    /// These bytes verbatim as the whole answer (head included), connection kept open.
    Bytes(Vec<u8>),
}

#[path = "../common/raw_http.rs"]
mod raw_http;
pub use raw_http::{RawRequest, answer as raw_answer, read_request};

/// A raw HTTP/1.1 server on a TCP port, for what wiremock cannot do: drop a connection
/// mid-body, stall, count TCP connections, and see request targets byte for byte.
pub struct RawServer {
    pub base: String,
    /// Accepted TCP connections.
    pub connections: Arc<std::sync::atomic::AtomicUsize>,
    /// Requests other than `/auth/time`, in arrival order.
    pub requests: Arc<std::sync::Mutex<Vec<RawRequest>>>,
    /// `GET /auth/time` requests.
    pub time_calls: Arc<std::sync::atomic::AtomicUsize>,
}

type Handler = dyn Fn(&RawRequest) -> RawReply + Send + Sync;

impl RawServer {
    pub async fn start(handler: impl Fn(&RawRequest) -> RawReply + Send + Sync + 'static) -> Self {
        use std::sync::atomic::AtomicUsize;
        use tokio::io::AsyncWriteExt;

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = RawServer {
            base: format!("http://{addr}/1.0"),
            connections: Arc::new(AtomicUsize::new(0)),
            requests: Arc::default(),
            time_calls: Arc::new(AtomicUsize::new(0)),
        };
        let handler: Arc<Handler> = Arc::new(handler);
        let (connections, requests, time_calls) = (
            server.connections.clone(),
            server.requests.clone(),
            server.time_calls.clone(),
        );
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                connections.fetch_add(1, Ordering::SeqCst);
                let (handler, requests, time_calls) =
                    (handler.clone(), requests.clone(), time_calls.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    loop {
                        let Some(request) = read_request(&mut sock, &mut buf).await else {
                            return;
                        };
                        let reply = if request.method == "GET" && request.target == "/1.0/auth/time"
                        {
                            time_calls.fetch_add(1, Ordering::SeqCst);
                            RawReply::Full(200, now().to_string().into_bytes())
                        } else {
                            requests.lock().unwrap().push(request.clone());
                            handler(&request)
                        };
                        match reply {
                            RawReply::Full(status, body) => {
                                let out = raw_http::answer(
                                    status,
                                    "X",
                                    &[("content-type", "application/json")],
                                    &body,
                                );
                                if sock.write_all(&out).await.is_err() {
                                    return;
                                }
                            }
                            RawReply::DropMidBody => {
                                let _ = sock
                                    .write_all(
                                        b"HTTP/1.1 200 OK\r\ncontent-length: 500\r\n\r\n{\"orderId\":",
                                    )
                                    .await;
                                return;
                            }
                            RawReply::Stall => {
                                tokio::time::sleep(Duration::from_secs(30)).await;
                                return;
                            }
                            RawReply::Redirect(status, location) => {
                                let body = format!("<html><body>moved to {location}</body></html>");
                                let out = format!(
                                    "HTTP/1.1 {status} Redirect\r\nlocation: {location}\r\nx-ovh-queryid: EU.ext-3.redirect\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{body}",
                                    body.len()
                                );
                                if sock.write_all(out.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                            RawReply::Bytes(bytes) => {
                                if sock.write_all(&bytes).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                });
            }
        });
        server
    }

    /// Requests other than `/auth/time` received so far.
    pub fn request_count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    /// Requests other than `/auth/time` received so far, whatever their method or path.
    pub fn received(&self) -> Vec<RawRequest> {
        self.requests.lock().unwrap().clone()
    }

    /// `host:port` of this server.
    pub fn authority(&self) -> &str {
        self.base
            .trim_start_matches("http://")
            .trim_end_matches("/1.0")
    }

    /// A client of this server with the test credentials.
    pub fn builder(&self) -> OvhClientBuilder {
        OvhClient::builder()
            .endpoint(self.base.parse::<Endpoint>().unwrap())
            .credentials(Credentials::new(AK, AS, CK))
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
            .timeout(Duration::from_secs(5))
    }
}

/// An h2c server (HTTP/2 without TLS, prior knowledge) that answers `GET /1.0/auth/time`
/// and refuses every other stream with `REFUSED_STREAM`, the refusal HTTP/2 clients may
/// replay on their own. Counts what reached it.
pub struct H2Server {
    pub base: String,
    /// Streams other than `/auth/time`, as `(method, path)`, in arrival order.
    pub streams: Arc<std::sync::Mutex<Vec<(String, String)>>>,
    /// Accepted TCP connections.
    pub connections: Arc<std::sync::atomic::AtomicUsize>,
}

impl H2Server {
    pub async fn start() -> H2Server {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = H2Server {
            base: format!("http://{addr}/1.0"),
            streams: Arc::default(),
            connections: Arc::default(),
        };
        let (streams, connections) = (server.streams.clone(), server.connections.clone());
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    return;
                };
                connections.fetch_add(1, Ordering::SeqCst);
                let streams = streams.clone();
                tokio::spawn(async move {
                    let Ok(mut conn) = h2::server::handshake(sock).await else {
                        return;
                    };
                    while let Some(Ok((request, mut respond))) = conn.accept().await {
                        let (method, path) = (
                            request.method().to_string(),
                            request.uri().path().to_owned(),
                        );
                        if method == "GET" && path == "/1.0/auth/time" {
                            let head = http::Response::builder().status(200).body(()).unwrap();
                            if let Ok(mut send) = respond.send_response(head, false) {
                                let _ = send.send_data(now().to_string().into(), true);
                            }
                        } else {
                            streams.lock().unwrap().push((method, path));
                            respond.send_reset(h2::Reason::REFUSED_STREAM);
                        }
                    }
                });
            }
        });
        server
    }

    pub fn streams(&self) -> Vec<(String, String)> {
        self.streams.lock().unwrap().clone()
    }
}

/// The error and its causes, each once, as a chain printer shows them (`a: b: c`):
/// `Display` holds one level, `source()` the rest.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    levels(e).join(": ")
}

/// The texts of the error and of each of its causes, outermost first.
pub fn levels(e: &(dyn std::error::Error + 'static)) -> Vec<String> {
    std::iter::successors(Some(e), |e| e.source())
        .map(ToString::to_string)
        .collect()
}

/// What a program shows for an API error: its `Display` and, apart, its hint.
pub fn with_hint(e: &ovh_renew::Error) -> String {
    match e.api().and_then(ovh_renew::ApiError::hint) {
        Some(hint) => format!("{e}; hint: {hint}"),
        None => e.to_string(),
    }
}

/// A response model decoded from `json`, as a fake answer is built (the models have no
/// setters: what a test needs is what OVH would send).
///
/// # Panics
///
/// With the JSON path of the failure, if `json` does not decode into `T`.
pub fn model<T: serde::de::DeserializeOwned>(json: serde_json::Value) -> T {
    serde_path_to_error::deserialize(json).unwrap_or_else(|e| panic!("model JSON: {e}"))
}
