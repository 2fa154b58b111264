//! A minimal keep-alive HTTP/1.1 server on loopback, for measuring the load generator
//! itself: the lab's web servers close every connection (they need exact control over
//! each answer), which would make a benchmark measure TLS handshakes. This one answers
//! every GET on a connection with the same small body until the client closes it, and
//! can stall one chosen request to show what coordinated omission hides. `GET /delay/MS`
//! answers after MS milliseconds (at most `MAX_DELAY_MS`): a fixed server time, so a
//! benchmark can tell the generator's own latency from the server's.
//!
//! Only request heads are read (no body support): it is for GET benchmarks.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Longest request head accepted before the connection is dropped.
const MAX_HEAD: usize = 16 * 1024;
/// A connection idle this long is closed.
const IDLE: Duration = Duration::from_secs(30);
/// Longest delay `/delay/MS` grants.
pub const MAX_DELAY_MS: u64 = 10_000;

const REPLY: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nhello, world\n";

/// One request to hold back: the `nth` request the server receives (1 for the first)
/// waits `for_` before it is answered, and its connection with it.
#[derive(Debug, Clone, Copy)]
pub struct Stall {
    pub nth: usize,
    pub for_: Duration,
}

/// The next connection, with Nagle off; `None` once `token` is cancelled.
async fn accept(listener: &TcpListener, token: &CancellationToken) -> Option<TcpStream> {
    loop {
        tokio::select! {
            () = token.cancelled() => return None,
            a = listener.accept() => if let Ok((sock, _)) = a {
                let _ = sock.set_nodelay(true);
                return Some(sock);
            },
        }
    }
}

/// Serves `listener` until `token` is cancelled.
pub async fn serve(listener: TcpListener, stall: Option<Stall>, token: CancellationToken) {
    let seen = Arc::new(AtomicUsize::new(0));
    while let Some(sock) = accept(&listener, &token).await {
        let seen = seen.clone();
        let token = token.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = token.cancelled() => {}
                () = connection(sock, stall, seen) => {}
            }
        });
    }
}

/// The delay a request head asks for: `GET /delay/MS HTTP/1.1`.
fn delay_of(head: &[u8]) -> Option<Duration> {
    let line = head.split(|b| *b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let path = line.split(' ').nth(1)?;
    let ms: u64 = path.strip_prefix("/delay/")?.parse().ok()?;
    Some(Duration::from_millis(ms.min(MAX_DELAY_MS)))
}

async fn connection(mut sock: TcpStream, stall: Option<Stall>, seen: Arc<AtomicUsize>) {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    loop {
        // Every complete head in the buffer gets one answer (pipelining included).
        while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let delay = delay_of(&buf[..end]);
            buf.drain(..end + 4);
            if let Some(d) = delay {
                tokio::time::sleep(d).await;
            }
            let n = seen.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(s) = stall
                && s.nth == n
            {
                tokio::time::sleep(s.for_).await;
            }
            if sock.write_all(REPLY).await.is_err() {
                return;
            }
        }
        if buf.len() > MAX_HEAD {
            return;
        }
        match tokio::time::timeout(IDLE, sock.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
}

/// Serves `listener` over HTTP/2 with prior knowledge (h2c) until `token` is cancelled:
/// the same answers as `serve` (`/delay/MS` included), for the generator's HTTP/2 mode.
pub async fn serve_h2c(listener: TcpListener, token: CancellationToken) {
    use http_body_util::Full;
    use hyper::body::Bytes;
    use hyper_util::rt::{TokioExecutor, TokioIo};
    while let Some(sock) = accept(&listener, &token).await {
        let token = token.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                |req: hyper::Request<hyper::body::Incoming>| async move {
                    let delay = req
                        .uri()
                        .path()
                        .strip_prefix("/delay/")
                        .and_then(|ms| ms.parse::<u64>().ok())
                        .map(|ms| Duration::from_millis(ms.min(MAX_DELAY_MS)));
                    if let Some(d) = delay {
                        tokio::time::sleep(d).await;
                    }
                    Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(
                        Bytes::from_static(b"hello, world\n"),
                    )))
                },
            );
            let conn = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(sock), service);
            tokio::select! {
                () = token.cancelled() => {}
                _ = conn => {}
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_is_read_from_the_request_line_and_capped() {
        assert_eq!(
            delay_of(b"GET /delay/25 HTTP/1.1\r\nhost: x"),
            Some(Duration::from_millis(25))
        );
        assert_eq!(
            delay_of(b"GET /delay/99999999 HTTP/1.1"),
            Some(Duration::from_millis(MAX_DELAY_MS))
        );
        assert_eq!(delay_of(b"GET / HTTP/1.1\r\nhost: x"), None);
        assert_eq!(delay_of(b"GET /delay/abc HTTP/1.1"), None);
    }
}
