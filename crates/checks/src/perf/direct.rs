//! Routes sent over one connection per load worker (HTTP/1.1, or HTTP/2 with one stream
//! at a time; plain or TLS), straight on hyper's connection API.
//!
//! A worker of a closed-loop run owns its connection: it never waits for a pool, and the
//! pooled client's per-request work (checking a connection out of a shared pool and back,
//! cloning the URL, boxing the response future) is what made the generator, not the
//! server, the bottleneck on one box. The connection's I/O is driven inside the worker's
//! own task rather than a task of its own, so an exchange costs no hand-over between
//! tasks; and each worker re-arms one timer for its request bound instead of registering
//! a new one per request. Connections go through `Net::connect_tcp`, so `connect_to`
//! overrides and the resolver apply as everywhere else; TLS trusts what the rest of the
//! run trusts (the platform's roots and the run's extra ones).

use super::request::RouteSpec;
use super::stats::ErrorKind;
use crate::net::Net;
use crate::net::client::USER_AGENT;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper::header::{HOST, HeaderMap, HeaderValue, USER_AGENT as UA};
use hyper::{Method, Request, Response, Uri};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ClientConfig;
use rustls::pki_types::{CertificateDer, ServerName};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_util::either::Either;

type Io = TokioIo<Either<TcpStream, TlsStream<TcpStream>>>;
type H1Conn = http1::Connection<Io, Full<Bytes>>;
type H2Conn = http2::Connection<Io, Full<Bytes>, TokioExecutor>;

/// The protocol of a run's direct connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    #[default]
    Http1,
    /// HTTP/2: by ALPN over TLS, with prior knowledge (h2c) over plain TCP. Each worker
    /// keeps one stream in flight on its own connection, so N connections are N streams.
    Http2,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http1 => "HTTP/1.1",
            Protocol::Http2 => "HTTP/2",
        }
    }
}

/// A route prepared once for direct sending: what every request repeats.
#[derive(Debug, Clone)]
pub struct DirectRoute {
    host: String,
    port: u16,
    tls: bool,
    method: Method,
    path: Uri,
    /// The absolute URI HTTP/2 sends as `:scheme` and `:authority`.
    full: Uri,
    headers: HeaderMap,
    /// `headers` without `Host`, which `:authority` replaces in HTTP/2.
    h2_headers: HeaderMap,
    body: Bytes,
}

impl DirectRoute {
    /// The direct form of `route`: any `http://` route, and `https://` ones when the run
    /// has a TLS configuration.
    pub fn of(route: &RouteSpec, tls_available: bool) -> Option<DirectRoute> {
        let url = &route.url;
        let tls = match url.scheme() {
            "http" => false,
            "https" if tls_available => true,
            _ => return None,
        };
        let host = url.host_str()?.to_string();
        let port = url.port_or_known_default()?;
        let mut target = url.path().to_string();
        if let Some(q) = url.query() {
            target.push('?');
            target.push_str(q);
        }
        let path: Uri = target.parse().ok()?;
        let full: Uri = url.as_str().parse().ok()?;
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_str(&authority).ok()?);
        headers.insert(UA, HeaderValue::from_static(USER_AGENT));
        for (k, v) in &route.headers {
            headers.append(k.clone(), v.clone());
        }
        let mut h2_headers = headers.clone();
        h2_headers.remove(HOST);
        Some(DirectRoute {
            host,
            port,
            tls,
            method: route.method.clone(),
            path,
            full,
            headers,
            h2_headers,
            body: route.body.clone().unwrap_or_default(),
        })
    }

    fn same_origin(&self, o: &Open) -> bool {
        o.port == self.port && o.tls == self.tls && o.host == self.host
    }
}

/// Why the TLS configuration of direct connections could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsConfigError {
    #[error("cannot set up certificate verification: {0}")]
    Verifier(#[source] rustls::Error),
    #[error("{0}")]
    Protocols(#[source] rustls::Error),
}

/// The TLS client configuration of a run's direct connections: the protocol by ALPN, the
/// platform verifier with the run's extra roots.
pub fn tls_config(net: &Net, protocol: Protocol) -> Result<Arc<ClientConfig>, TlsConfigError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = net
        .roots
        .der
        .iter()
        .map(|d| CertificateDer::from(d.clone()));
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(TlsConfigError::Verifier)?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsConfigError::Protocols)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![match protocol {
        Protocol::Http1 => b"http/1.1".to_vec(),
        Protocol::Http2 => b"h2".to_vec(),
    }];
    Ok(Arc::new(config))
}

/// The sending half of a connection.
enum Sender {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

impl Sender {
    async fn ready(&mut self) -> hyper::Result<()> {
        match self {
            Sender::H1(s) => s.ready().await,
            Sender::H2(s) => s.ready().await,
        }
    }

    async fn send(&mut self, r: &DirectRoute) -> hyper::Result<Response<Incoming>> {
        let mut req = Request::new(Full::new(r.body.clone()));
        *req.method_mut() = r.method.clone();
        match self {
            Sender::H1(s) => {
                *req.uri_mut() = r.path.clone();
                *req.headers_mut() = r.headers.clone();
                s.send_request(req).await
            }
            Sender::H2(s) => {
                *req.uri_mut() = r.full.clone();
                *req.headers_mut() = r.h2_headers.clone();
                *req.version_mut() = hyper::Version::HTTP_2;
                s.send_request(req).await
            }
        }
    }
}

/// The I/O half of a connection, driven by whoever waits on it.
enum ConnIo {
    H1(Pin<Box<H1Conn>>),
    H2(Pin<Box<H2Conn>>),
}

impl ConnIo {
    fn poll_io(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        match self {
            ConnIo::H1(c) => c.as_mut().poll(cx).map(|_| ()),
            ConnIo::H2(c) => c.as_mut().poll(cx).map(|_| ()),
        }
    }
}

/// One open connection and the state of its I/O.
struct Open {
    host: String,
    port: u16,
    tls: bool,
    sender: Sender,
    conn: ConnIo,
    /// The connection's I/O has ended (closed by the server or failed).
    ended: bool,
}

/// Runs `f` while driving `conn`'s I/O in the same task, until `f` is done.
async fn driving<F: Future>(conn: &mut ConnIo, ended: &mut bool, f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    std::future::poll_fn(|cx| {
        // The connection first: what it reads is what `f` is waiting for.
        if !*ended && conn.poll_io(cx).is_ready() {
            *ended = true;
        }
        f.as_mut().poll(cx)
    })
    .await
}

/// One worker's open connections, by origin (a run's routes share one or two), and the
/// one timer bounding its requests.
pub struct Conns {
    net: Arc<Net>,
    tls: Option<Arc<ClientConfig>>,
    protocol: Protocol,
    open: Vec<Open>,
    bound: Pin<Box<Sleep>>,
}

impl Conns {
    pub fn new(net: Arc<Net>, tls: Option<Arc<ClientConfig>>, protocol: Protocol) -> Conns {
        Conns {
            net,
            tls,
            protocol,
            open: Vec::new(),
            bound: Box::pin(tokio::time::sleep(Duration::from_secs(3600))),
        }
    }

    /// One exchange: an error kind (`None` for a 1xx–3xx answer) and the body bytes read.
    /// A connection that failed or timed out is dropped; the next exchange opens another.
    pub async fn exchange(
        &mut self,
        r: &DirectRoute,
        timeout: Duration,
    ) -> (Option<ErrorKind>, u64) {
        // Re-arming a later deadline on a live timer is an atomic store in tokio, where a
        // fresh `timeout()` per request would register and deregister with the driver.
        self.bound.as_mut().reset(Instant::now() + timeout);
        let Conns {
            net,
            tls,
            protocol,
            open,
            bound,
        } = self;
        let outcome = tokio::select! {
            biased;
            out = send(net, tls, *protocol, open, r) => out,
            () = bound.as_mut() => Err((ErrorKind::Timeout, 0)),
        };
        match outcome {
            Ok((status, bytes)) => {
                let error = if status.is_server_error() {
                    Some(ErrorKind::Status5xx)
                } else if status.is_client_error() {
                    Some(ErrorKind::Status4xx)
                } else {
                    None
                };
                (error, bytes)
            }
            Err((error, bytes)) => {
                self.open.retain(|o| !r.same_origin(o));
                (Some(error), bytes)
            }
        }
    }
}

/// A ready connection to the route's origin, opened when there is none or the last one
/// was closed by the server.
async fn ready(
    net: &Net,
    tls: &Option<Arc<ClientConfig>>,
    protocol: Protocol,
    open: &mut Vec<Open>,
    r: &DirectRoute,
) -> Result<usize, ErrorKind> {
    if let Some(i) = open.iter().position(|o| r.same_origin(o)) {
        let o = &mut open[i];
        let usable = !o.ended
            && driving(&mut o.conn, &mut o.ended, o.sender.ready())
                .await
                .is_ok();
        if usable {
            return Ok(i);
        }
        open.swap_remove(i);
    }
    let tcp = net
        .connect_tcp(&r.host, r.port)
        .await
        .map_err(|_| ErrorKind::Connect)?;
    let _ = tcp.set_nodelay(true);
    let stream = if r.tls {
        let config = tls.clone().ok_or(ErrorKind::Connect)?;
        let name = ServerName::try_from(r.host.clone()).map_err(|_| ErrorKind::Connect)?;
        let tls = TlsConnector::from(config)
            .connect(name, tcp)
            .await
            .map_err(|_| ErrorKind::Connect)?;
        // A server that did not agree to HTTP/2 would answer a preface with garbage.
        if protocol == Protocol::Http2 && tls.get_ref().1.alpn_protocol() != Some(b"h2") {
            return Err(ErrorKind::Connect);
        }
        Either::Right(tls)
    } else {
        Either::Left(tcp)
    };
    let io = TokioIo::new(stream);
    let (sender, conn) = match protocol {
        Protocol::Http1 => {
            let (s, c) = http1::handshake(io).await.map_err(|_| ErrorKind::Connect)?;
            (Sender::H1(s), ConnIo::H1(Box::pin(c)))
        }
        Protocol::Http2 => {
            let (s, c) = http2::handshake(TokioExecutor::new(), io)
                .await
                .map_err(|_| ErrorKind::Connect)?;
            (Sender::H2(s), ConnIo::H2(Box::pin(c)))
        }
    };
    open.push(Open {
        host: r.host.clone(),
        port: r.port,
        tls: r.tls,
        sender,
        conn,
        ended: false,
    });
    Ok(open.len() - 1)
}

async fn send(
    net: &Net,
    tls: &Option<Arc<ClientConfig>>,
    protocol: Protocol,
    open: &mut Vec<Open>,
    r: &DirectRoute,
) -> Result<(hyper::StatusCode, u64), (ErrorKind, u64)> {
    let i = ready(net, tls, protocol, open, r)
        .await
        .map_err(|e| (e, 0))?;
    let Open {
        sender,
        conn,
        ended,
        ..
    } = &mut open[i];
    let resp = driving(conn, ended, sender.send(r))
        .await
        .map_err(|_| (ErrorKind::Other, 0))?;
    let status = resp.status();
    let mut body = resp.into_body();
    let mut bytes = 0u64;
    while let Some(frame) = driving(conn, ended, body.frame()).await {
        match frame {
            Ok(f) => {
                if let Some(d) = f.data_ref() {
                    bytes = bytes.saturating_add(d.len() as u64);
                }
            }
            Err(_) => return Err((ErrorKind::Other, bytes)),
        }
    }
    Ok((status, bytes))
}
