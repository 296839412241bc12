//! The one hand-written HTTP/1.1 server code of the tests and the benches: the request
//! parser, the async request reader, the answer writer and the server thread.
//!
//! Tests and benches are separate Cargo targets, so each includes this file as a module:
//! `tests/api/support.rs` with `#[path = "../common/raw_http.rs"] mod raw_http;` (its
//! `RawServer` and the hostile servers of `tests/api/hostile.rs`), `benches/e2e.rs` and
//! `benches/planner.rs` with `#[path = "../tests/common/raw_http.rs"] mod raw_http;`
//! (their keep-alive, pipelining servers). It is not a test target itself: Cargo only
//! builds `tests/*.rs` and `tests/*/main.rs`.
#![allow(dead_code)] // each target uses part of it

use std::future::Future;

use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;

/// One request as it arrived on the wire.
#[derive(Clone, Debug)]
pub struct RawRequest {
    pub method: String,
    /// The request target exactly as sent (`/1.0/vps/a%2Fb/serviceInfos`).
    pub target: String,
    /// The whole head (request line and headers) as received.
    pub head: String,
    /// The body as received (`content-length` bytes).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_owned())
    }
}

/// What [`parse`] found at the start of a buffer.
#[derive(Debug)]
pub enum Parsed {
    /// A whole request, and how many bytes of the buffer it took.
    Request(RawRequest, usize),
    /// Not a whole request yet: read more.
    Incomplete,
}

/// Parses one HTTP/1.1 request (head, then `content-length` bytes of body, 0 without the
/// header) from the start of `buf`. Pure: the readers below and the benches' pipelining
/// loops share it.
pub fn parse(buf: &[u8]) -> Parsed {
    let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Parsed::Incomplete;
    };
    let head_end = at + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let Some(total) = head_end.checked_add(length).filter(|&t| t <= buf.len()) else {
        return Parsed::Incomplete;
    };
    let mut line = head.lines().next().unwrap_or("").split(' ');
    let request = RawRequest {
        method: line.next().unwrap_or("").to_owned(),
        target: line.next().unwrap_or("").to_owned(),
        body: buf[head_end..total].to_vec(),
        head,
    };
    Parsed::Request(request, total)
}

/// Reads one HTTP/1.1 request from `sock`, keeping what arrived beyond it in `buf` for
/// the next one. `None` once the peer closes or the connection fails.
pub async fn read_request(sock: &mut TcpStream, buf: &mut Vec<u8>) -> Option<RawRequest> {
    use tokio::io::AsyncReadExt;
    loop {
        if let Parsed::Request(request, used) = parse(buf) {
            buf.drain(..used);
            return Some(request);
        }
        let mut chunk = [0u8; 8192];
        match sock.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// A complete answer: status line (`reason` after the status), these headers, a
/// `content-length` and the body.
pub fn answer(status: u16, reason: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A running server thread: its port, and a handle to the runtime of its one thread (a
/// task spawned there runs on the server thread, e.g. to pin it to a CPU).
pub struct Spawned {
    pub port: u16,
    pub handle: Handle,
}

/// Binds `127.0.0.1:0` and hands every accepted connection to `serve`, on a server thread
/// with its own current-thread runtime, so that the server is never what a bench
/// measures.
pub fn spawn<F, Fut>(serve: F) -> Spawned
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).expect("non-blocking");
    let port = listener.local_addr().expect("local addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("raw-http-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            tx.send(rt.handle().clone()).expect("hand the runtime over");
            rt.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    tokio::spawn(serve(stream));
                }
            });
        })
        .expect("server thread");
    let handle = rx.recv().expect("server runtime handle");
    Spawned { port, handle }
}
