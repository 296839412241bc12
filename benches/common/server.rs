//! The local keep-alive HTTP/1.1 server of the end-to-end and planner benches: one
//! current-thread tokio runtime on its own thread, one task per connection, so that the
//! server is never what is measured.

use std::future::Future;

use tokio::net::{TcpListener, TcpStream};

/// Binds `127.0.0.1:0` and hands every accepted connection to `serve`, on a server thread
/// with its own current-thread runtime. Returns the port.
pub fn spawn<F, Fut>(serve: F) -> u16
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    listener.set_nonblocking(true).expect("non-blocking");
    let port = listener.local_addr().expect("local addr").port();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
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
    port
}
