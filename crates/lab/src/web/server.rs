//! The lab's listeners: each port speaks plain HTTP and TLS, told apart by the first byte.
//!
//! One port for both is deliberate: reqwest's per-host address overrides ignore the URL's
//! scheme, so `http://host/` and `https://host/` must reach a port that answers both. TLS
//! picks the host's certificate by SNI. HTTP is a minimal HTTP/1.1 responder (one request
//! per connection, `Connection: close`): the lab needs exact control over status lines and
//! headers, and a server framework would add a build dependency for no test value.
//!
//! The old-TLS port additionally answers a TLS 1.0/1.1 ClientHello with a real ServerHello
//! record for that version (built by hand: rustls cannot speak those versions); modern
//! hellos go to rustls as on the main port.

use super::flows::FlowSwitch;
use super::probes::{self, BodyPolicy};
use super::site::{Reply, Request, route};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Bound on reading a request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest request head accepted.
const MAX_HEAD: usize = 16 * 1024;
/// Longest request body read (the lab's write routes take small JSON bodies; the upload
/// routes say otherwise through `probes::body_policy`).
const MAX_BODY: usize = 1024 * 1024;
/// How long a refused upload is drained after its answer.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// Requests the lab answered, by (scheme, host, path, request has an Origin): what a
/// test counts to prove a run fetches each page once.
#[derive(Debug, Default)]
pub struct RequestLog(std::sync::Mutex<HashMap<RequestKey, usize>>);

/// (scheme, host, path, sent with an `Origin` header).
type RequestKey = (&'static str, String, String, bool);

impl RequestLog {
    /// Counts one request and returns how many of its key came so far (1 for the first).
    fn record(&self, https: bool, host: &str, path: &str, origin: bool) -> usize {
        let scheme = if https { "https" } else { "http" };
        let key = (scheme, host.to_ascii_lowercase(), path.to_string(), origin);
        self.0.lock().map_or(0, |mut m| {
            let n = m.entry(key).or_default();
            *n += 1;
            *n
        })
    }

    /// Requests for `scheme://host` + `path`, with and without an `Origin` header.
    pub fn count(&self, scheme: &str, host: &str, path: &str) -> usize {
        self.0.lock().map_or(0, |m| {
            m.iter()
                .filter(|((s, h, p, _), _)| *s == scheme && h == host && p == path)
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Requests to `host`, any scheme and path.
    pub fn count_host(&self, host: &str) -> usize {
        self.0.lock().map_or(0, |m| {
            m.iter()
                .filter(|((_, h, _, _), _)| h == host)
                .map(|(_, n)| n)
                .sum()
        })
    }

    /// Requests answered per host, busiest first (ties by name).
    pub fn per_host(&self) -> Vec<(String, usize)> {
        let mut by_host: HashMap<String, usize> = HashMap::new();
        if let Ok(m) = self.0.lock() {
            for ((_, host, _, _), n) in m.iter() {
                *by_host.entry(host.clone()).or_default() += n;
            }
        }
        let mut out: Vec<(String, usize)> = by_host.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Forgets every request so far.
    pub fn clear(&self) {
        if let Ok(mut m) = self.0.lock() {
            m.clear();
        }
    }
}

/// Certificates by SNI host name.
#[derive(Debug)]
pub struct SniCerts(pub HashMap<String, Arc<CertifiedKey>>);

impl ResolvesServerCert for SniCerts {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let name = hello.server_name()?.to_ascii_lowercase();
        self.0.get(&name).cloned()
    }
}

/// Accepts connections on `listener` until `stop` is cancelled.
pub async fn serve(
    listener: TcpListener,
    tls: tokio_rustls::TlsAcceptor,
    accept_old_tls: bool,
    log: Arc<RequestLog>,
    flows: Arc<FlowSwitch>,
    stop: CancellationToken,
) {
    loop {
        let (stream, _) = tokio::select! {
            () = stop.cancelled() => return,
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(_) => continue,
            },
        };
        let tls = tls.clone();
        let stop = stop.clone();
        let log = log.clone();
        let flows = flows.clone();
        tokio::spawn(async move {
            tokio::select! {
                () = stop.cancelled() => {}
                () = handle(stream, tls, accept_old_tls, &log, &flows) => {}
            }
        });
    }
}

async fn handle(
    mut stream: TcpStream,
    tls: tokio_rustls::TlsAcceptor,
    accept_old_tls: bool,
    log: &RequestLog,
    flows: &FlowSwitch,
) {
    let mut first = [0u8; 1];
    if !matches!(
        tokio::time::timeout(READ_TIMEOUT, stream.read_exact(&mut first)).await,
        Ok(Ok(_))
    ) {
        return;
    }
    if first[0] != 0x16 {
        let s = Prefixed::new(first.to_vec(), stream);
        serve_http(s, false, log, flows).await;
        return;
    }
    // Record header (4 more bytes) + handshake header (4) + client_version (2).
    let mut head = [0u8; 10];
    if !matches!(
        tokio::time::timeout(READ_TIMEOUT, stream.read_exact(&mut head)).await,
        Ok(Ok(_))
    ) {
        return;
    }
    let mut prefix = vec![0x16];
    prefix.extend_from_slice(&head);
    let version = [head[8], head[9]];
    if accept_old_tls && head[4] == 0x01 && version[0] == 3 && version[1] < 3 {
        let record_len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let mut rest = vec![0u8; record_len.saturating_sub(6).min(MAX_HEAD)];
        if tokio::time::timeout(READ_TIMEOUT, stream.read_exact(&mut rest))
            .await
            .is_ok()
        {
            let suite = first_offered_suite(&rest).unwrap_or(0x002f);
            let _ = stream.write_all(&server_hello(version, suite)).await;
            let _ = stream.shutdown().await;
        }
        return;
    }
    let s = Prefixed::new(prefix, stream);
    if let Ok(Ok(tls_stream)) = tokio::time::timeout(READ_TIMEOUT, tls.accept(s)).await {
        serve_http(tls_stream, true, log, flows).await;
    }
}

/// The first cipher suite of a ClientHello body that starts after client_version.
fn first_offered_suite(rest: &[u8]) -> Option<u16> {
    let sid_len = usize::from(*rest.get(32)?);
    let at = 33 + sid_len;
    let n = usize::from(u16::from_be_bytes([*rest.get(at)?, *rest.get(at + 1)?]));
    rest.get(at + 2..at + 2 + n)?
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .find(|&s| s != 0x00ff)
}

/// A ServerHello record selecting `version` and `suite`.
pub fn server_hello(version: [u8; 2], suite: u16) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&version);
    body.extend_from_slice(&[0x4c; 32]); // server random (fixed: only the lab uses it)
    body.push(0); // empty session id
    body.extend_from_slice(&suite.to_be_bytes());
    body.push(0); // null compression
    let mut hs = vec![0x02, 0, 0, u8::try_from(body.len()).unwrap_or(0)];
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, version[0], version[1]];
    record.extend_from_slice(&u16::try_from(hs.len()).unwrap_or(0).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

async fn serve_http<S: AsyncRead + AsyncWrite + Unpin>(
    mut s: S,
    https: bool,
    log: &RequestLog,
    flows: &FlowSwitch,
) {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        let mut chunk = [0u8; 2048];
        let n = match tokio::time::timeout(READ_TIMEOUT, s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return,
        };
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("");
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let method = request_line
        .split_whitespace()
        .next()
        .unwrap_or("GET")
        .to_string();
    let mut host = String::new();
    let mut origin = None;
    let mut accept_encoding = None;
    let mut cookie = None;
    let mut authorization = None;
    let mut content_length = 0usize;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            match k.trim().to_ascii_lowercase().as_str() {
                "host" => host = v.trim().to_string(),
                "origin" => origin = Some(v.trim().to_string()),
                "accept-encoding" => accept_encoding = Some(v.trim().to_string()),
                "cookie" => cookie = Some(v.trim().to_string()),
                "authorization" => authorization = Some(v.trim().to_string()),
                "content-length" => content_length = v.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let bare_host = host.split(':').next().unwrap_or(&host).to_ascii_lowercase();
    let bare_path = path.split('?').next().unwrap_or("/");
    let (cap, refusal) = match probes::body_policy(&bare_host, bare_path, content_length) {
        Some(BodyPolicy::Read(cap)) => (cap, None),
        Some(BodyPolicy::Refuse(reply)) => (0, Some(reply)),
        None => (MAX_BODY, None),
    };
    if let Some(reply) = refusal {
        // Answer first, as a server enforcing a limit does, then drain what the client
        // still sends for a moment, so it reads the answer rather than a reset.
        log.record(https, &bare_host, &path, origin.is_some());
        let _ = s.write_all(&encode(&reply)).await;
        let mut left = content_length.saturating_sub(buf.len().saturating_sub(head_end + 4));
        let mut chunk = vec![0u8; 64 * 1024];
        while left > 0 {
            match tokio::time::timeout(DRAIN_TIMEOUT, s.read(&mut chunk)).await {
                Ok(Ok(n)) if n > 0 => left = left.saturating_sub(n),
                _ => break,
            }
        }
        let _ = s.shutdown().await;
        return;
    }
    // Read a request body before answering: closing with unread bytes makes the kernel
    // reset the connection, and the client would see an error instead of the reply.
    let mut body = buf[(head_end + 4).min(buf.len())..].to_vec();
    let mut chunk = vec![0u8; 64 * 1024];
    while body.len() < content_length.min(cap) {
        match tokio::time::timeout(READ_TIMEOUT, s.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => body.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
    // Keep what the router may look at; an upload's bulk is only counted.
    body.truncate(MAX_BODY);
    let seq = log.record(https, &bare_host, &path, origin.is_some());
    let request = Request {
        https,
        host: &host,
        path: &path,
        origin: origin.as_deref(),
        method: &method,
        seq,
        accept_encoding: accept_encoding.as_deref(),
        cookie: cookie.as_deref(),
        authorization: authorization.as_deref(),
        body: &body,
        content_length,
        flows_broken: flows.is_broken(),
    };
    // The probe routes first (they answer a few paths of the hosts the site table
    // serves), then the signed-in side of the app host (see `flows`), then the table.
    let reply = probes::route(&request, &bare_host, bare_path)
        .or_else(|| super::flows::route(&request))
        .unwrap_or_else(|| route(&request));
    if reply.hang {
        // Hold the connection open without a byte; the lab's shutdown ends it.
        std::future::pending::<()>().await;
    }
    if reply.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(reply.delay_ms)).await;
    }
    let _ = s.write_all(&encode(&reply)).await;
    let _ = s.shutdown().await;
}

fn encode(r: &Reply) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", r.status, reason(r.status));
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        r.body.len()
    ));
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(&r.body);
    bytes
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        401 => "Unauthorized",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        421 => "Misdirected Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "",
    }
}

/// A stream that first yields bytes already read from it (the sniffed prefix).
pub struct Prefixed<S> {
    prefix: Vec<u8>,
    pos: usize,
    inner: S,
}

impl<S> Prefixed<S> {
    pub fn new(prefix: Vec<u8>, inner: S) -> Prefixed<S> {
        Prefixed {
            prefix,
            pos: 0,
            inner,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.pos < self.prefix.len() {
            let n = (self.prefix.len() - self.pos).min(buf.remaining());
            let start = self.pos;
            buf.put_slice(&self.prefix[start..start + n]);
            self.pos += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
