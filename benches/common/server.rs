//! The local keep-alive HTTP/1.1 server of the end-to-end and planner benches: one
//! current-thread tokio runtime on its own thread, one task per connection, so that the
//! server is never what is measured.

use std::future::Future;

use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Handle;

/// A running server: its port, and a handle to the runtime of its one thread (a task
/// spawned there runs on the server thread, e.g. to pin it to a CPU).
pub struct Spawned {
    pub port: u16,
    #[allow(dead_code)] // the planner bench does not pin
    pub handle: Handle,
}

/// Binds `127.0.0.1:0` and hands every accepted connection to `serve`, on a server thread
/// with its own current-thread runtime.
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
        .name("bench-server".into())
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
