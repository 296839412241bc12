//! A raw HTTP/1.1 server for the hostile-network tests of OAuth2 token answers, shared
//! fetches and echoed secrets: it hands every request (method, target, whole head, body)
//! to a handler that may answer anything, echo what it received, or take its time, and it
//! keeps every request it received so that tests can count them exactly.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ovh_renew::{Credentials, Endpoint, OvhClient, OvhClientBuilder, RetryPolicy};
use tokio::io::AsyncWriteExt;

/// One request as it arrived on the wire (the reader is `support::read_request`).
pub use crate::support::RawRequest as Received;

/// What the server does with one request.
pub enum Reply {
    /// Status, extra headers and body, after `delay` (`content-length` set, keep-alive).
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        delay: Duration,
    },
    /// A head announcing `content-length: declared`, then `sent` bytes of `x`, then close.
    Huge { declared: usize, sent: usize },
    /// Closes the connection without answering, after `delay`.
    Reset(Duration),
}

impl Reply {
    /// A JSON answer, at once.
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply::Full {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// The same answer after `delay`.
    pub fn after(self, wait: Duration) -> Reply {
        match self {
            Reply::Full {
                status,
                headers,
                body,
                ..
            } => Reply::Full {
                status,
                headers,
                body,
                delay: wait,
            },
            other => other,
        }
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

type Handler = dyn Fn(&Received) -> Reply + Send + Sync;

/// The server: its base URL (`http://127.0.0.1:port`) and every request it received.
pub struct Hostile {
    pub origin: String,
    pub received: Arc<Mutex<Vec<Received>>>,
}

impl Hostile {
    pub async fn start(handler: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(serve(sock, handler.clone(), log.clone()));
            }
        });
        Hostile { origin, received }
    }

    /// The API base URL on this server.
    pub fn base(&self) -> String {
        format!("{}/1.0", self.origin)
    }

    /// The OAuth2 token URL on this server.
    pub fn token_url(&self) -> String {
        format!("{}/auth/oauth2/token", self.origin)
    }

    /// How many requests with this method and target arrived.
    pub fn count(&self, method: &str, target: &str) -> usize {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.method == method && r.target == target)
            .count()
    }

    /// Every request received, in arrival order.
    pub fn all(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// A client of this server with application credentials, fast retries.
    pub fn signed_builder(&self) -> OvhClientBuilder {
        self.builder(Credentials::new(
            crate::support::AK,
            crate::support::AS,
            crate::support::CK,
        ))
    }

    /// A client of this server with OAuth2 credentials and this server's token URL.
    pub fn oauth2_builder(&self) -> OvhClientBuilder {
        self.builder(Credentials::oauth2(
            crate::support::CLIENT_ID,
            crate::support::CS,
        ))
        .oauth2_token_url(&self.token_url())
    }

    pub fn builder(&self, credentials: Credentials) -> OvhClientBuilder {
        OvhClient::builder()
            .endpoint(self.base().parse::<Endpoint>().unwrap())
            .credentials(credentials)
            .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(5)))
            .timeout(Duration::from_secs(10))
    }
}

async fn serve(
    mut sock: tokio::net::TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Received>>>,
) {
    let mut buf = Vec::new();
    loop {
        let Some(request) = crate::support::read_request(&mut sock, &mut buf).await else {
            return;
        };
        log.lock().unwrap().push(request.clone());
        match handler(&request) {
            Reply::Full {
                status,
                headers,
                body,
                delay,
            } => {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let mut out = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                let mut out = out.into_bytes();
                out.extend_from_slice(&body);
                if sock.write_all(&out).await.is_err() {
                    return;
                }
            }
            Reply::Huge { declared, sent } => {
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
                );
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = sent;
                while left > 0 {
                    let n = left.min(chunk.len());
                    if sock.write_all(&chunk[..n]).await.is_err() {
                        return;
                    }
                    left -= n;
                }
                return;
            }
            Reply::Reset(delay) => {
                tokio::time::sleep(delay).await;
                return;
            }
        }
    }
}

/// `handler`, except that `GET /1.0/auth/time` answers the current time, as OVH does.
pub fn with_time(
    handler: impl Fn(&Received) -> Reply + Send + Sync + 'static,
) -> impl Fn(&Received) -> Reply + Send + Sync + 'static {
    move |r: &Received| {
        if r.method == "GET" && r.target == "/1.0/auth/time" {
            Reply::json(200, crate::support::now().to_string())
        } else {
            handler(r)
        }
    }
}

/// Every text an error shows: `Display`, `Debug` (plain and pretty) and each source.
pub fn error_texts(err: &(dyn std::error::Error + 'static)) -> String {
    let mut out = format!("{err}\n{err:?}\n{err:#?}");
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(&format!("\n{s}\n{s:?}"));
        source = s.source();
    }
    out
}
