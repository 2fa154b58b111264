//! The lab's alert webhook receiver: a loopback HTTP server that keeps every JSON body
//! POSTed to it, so the monitor's alert path (and its drill) works offline and tests can
//! read what a real receiver would have got. It can be told to answer an error status, to
//! show what a failing route looks like. Also the minimal HTTP/1.1 reading shared with
//! `switch`, bounded in size and time because anything may connect to it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Most bytes read of one request (headers and body).
const MAX_REQUEST: usize = 64 * 1024;
/// Most time a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Bodies kept; older ones are dropped.
const KEEP: usize = 1000;

/// One request as the lab servers read it.
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (path and query).
    pub target: String,
    /// Header lines as (name, value), names as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads one request: the head up to the blank line, then `Content-Length` bytes of body.
pub(crate) async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let read = async {
        let mut buf = Vec::with_capacity(1024);
        let mut chunk = [0u8; 4096];
        loop {
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buf[..end]).into_owned();
                let mut lines = head.lines();
                let mut first = lines.next()?.split_whitespace();
                let method = first.next()?.to_string();
                let target = first.next().unwrap_or("/").to_string();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .collect();
                let len = headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(0)
                    .min(MAX_REQUEST);
                let mut body = buf[end + 4..].to_vec();
                while body.len() < len {
                    let n = stream.read(&mut chunk).await.ok()?;
                    if n == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..n]);
                }
                body.truncate(len);
                return Some(Request {
                    method,
                    target,
                    headers,
                    body,
                });
            }
            if buf.len() > MAX_REQUEST {
                return None;
            }
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(READ_TIMEOUT, read)
        .await
        .ok()
        .flatten()
}

/// Writes a whole response and closes (no keep-alive: every probe is a fresh connection,
/// so a route taken down is down for the next probe).
pub(crate) async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        204 => "No Content",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(READ_TIMEOUT, stream.write_all(msg.as_bytes())).await;
    let _ = stream.shutdown().await;
}

/// What the receiver got, shared with readers that outlive a borrow of it.
#[derive(Clone)]
pub struct Shared(Arc<Mutex<Vec<serde_json::Value>>>);

impl Shared {
    pub fn snapshot(&self) -> Vec<serde_json::Value> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A running receiver.
pub struct HookReceiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<serde_json::Value>>>,
    status: Arc<AtomicU16>,
    delay_ms: Arc<std::sync::atomic::AtomicU64>,
    stop: CancellationToken,
}

impl HookReceiver {
    /// Starts on a free loopback port.
    pub async fn start() -> Result<HookReceiver, crate::LabError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(crate::LabError::Hook)?;
        let addr = listener.local_addr().map_err(crate::LabError::Socket)?;
        let received: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let delay_ms: Arc<std::sync::atomic::AtomicU64> = Arc::default();
        let stop = CancellationToken::new();
        let (r, s, c) = (received.clone(), status.clone(), stop.clone());
        let d = delay_ms.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = tokio::select! {
                    () = c.cancelled() => return,
                    a = listener.accept() => match a { Ok(x) => x, Err(_) => continue },
                };
                let (r, s, d) = (r.clone(), s.clone(), d.clone());
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut stream).await else {
                        return;
                    };
                    // A slow receiver: it takes the alert, then answers late.
                    let status = s.load(Ordering::Relaxed);
                    if req.method == "POST" && status < 300 {
                        let v = serde_json::from_slice(&req.body).unwrap_or_else(|_| {
                            serde_json::Value::String(
                                String::from_utf8_lossy(&req.body).into_owned(),
                            )
                        });
                        let mut all = r.lock().unwrap_or_else(PoisonError::into_inner);
                        if all.len() == KEEP {
                            all.remove(0);
                        }
                        all.push(v);
                    }
                    let delay = d.load(Ordering::Relaxed);
                    if delay > 0 {
                        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
                    }
                    respond(&mut stream, status, "").await;
                });
            }
        });
        Ok(HookReceiver {
            addr,
            received,
            status,
            delay_ms,
            stop,
        })
    }

    /// The URL to give the monitor as its alert webhook.
    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    /// A handle on what arrives, for readers elsewhere.
    pub fn shared(&self) -> Shared {
        Shared(self.received.clone())
    }

    /// Every alert received so far, oldest first.
    pub fn received(&self) -> Vec<serde_json::Value> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Answer `status` from now on (a 5xx to play a failing route; the body is then dropped).
    pub fn answer(&self, status: u16) {
        self.status.store(status, Ordering::Relaxed);
    }

    /// Answer each alert only after `delay` (it is recorded at once, as a real receiver
    /// that is slow to reply has it).
    pub fn answer_after(&self, delay: std::time::Duration) {
        self.delay_ms.store(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }
}

impl Drop for HookReceiver {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}
