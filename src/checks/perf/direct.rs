//! Routes sent over one HTTP/1.1 connection per load worker (plain or TLS), straight on
//! hyper's connection API.
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
use hyper::client::conn::http1::{Connection, SendRequest};
use hyper::header::{HOST, HeaderMap, HeaderValue, USER_AGENT as UA};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls::pki_types::{CertificateDer, ServerName};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_util::either::Either;

type Io = TokioIo<Either<TcpStream, TlsStream<TcpStream>>>;
type Conn = Connection<Io, Full<Bytes>>;

/// A route prepared once for direct sending: what every request repeats.
#[derive(Debug, Clone)]
pub struct DirectRoute {
    host: String,
    port: u16,
    tls: bool,
    method: Method,
    path: Uri,
    headers: HeaderMap,
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
        Some(DirectRoute {
            host,
            port,
            tls,
            method: route.method.clone(),
            path,
            headers,
            body: route.body.clone().unwrap_or_default(),
        })
    }

    fn same_origin(&self, o: &Open) -> bool {
        o.port == self.port && o.tls == self.tls && o.host == self.host
    }
}

/// The TLS client configuration of a run's direct connections: HTTP/1.1 by ALPN, the
/// platform verifier with the run's extra roots.
pub fn tls_config(net: &Net) -> Result<Arc<ClientConfig>, String> {
    crate::net::install_crypto_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = net
        .roots
        .der
        .iter()
        .map(|d| CertificateDer::from(d.clone()));
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| format!("cannot set up certificate verification: {e}"))?;
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// One open connection and the state of its I/O.
struct Open {
    host: String,
    port: u16,
    tls: bool,
    sender: SendRequest<Full<Bytes>>,
    conn: Pin<Box<Conn>>,
    /// The connection's I/O has ended (closed by the server or failed).
    ended: bool,
}

/// Runs `f` while driving `conn`'s I/O in the same task, until `f` is done.
async fn driving<F: Future>(conn: &mut Pin<Box<Conn>>, ended: &mut bool, f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    std::future::poll_fn(|cx| {
        // The connection first: what it reads is what `f` is waiting for.
        if !*ended && conn.as_mut().poll(cx).is_ready() {
            *ended = true;
        }
        match f.as_mut().poll(cx) {
            Poll::Ready(out) => Poll::Ready(out),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

/// One worker's open connections, by origin (a run's routes share one or two), and the
/// one timer bounding its requests.
pub struct Conns {
    net: Arc<Net>,
    tls: Option<Arc<ClientConfig>>,
    open: Vec<Open>,
    bound: Pin<Box<Sleep>>,
}

impl Conns {
    pub fn new(net: Arc<Net>, tls: Option<Arc<ClientConfig>>) -> Conns {
        Conns {
            net,
            tls,
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
            open,
            bound,
        } = self;
        let outcome = tokio::select! {
            biased;
            out = send(net, tls, open, r) => out,
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
        Either::Right(tls)
    } else {
        Either::Left(tcp)
    };
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|_| ErrorKind::Connect)?;
    open.push(Open {
        host: r.host.clone(),
        port: r.port,
        tls: r.tls,
        sender,
        conn: Box::pin(conn),
        ended: false,
    });
    Ok(open.len() - 1)
}

async fn send(
    net: &Net,
    tls: &Option<Arc<ClientConfig>>,
    open: &mut Vec<Open>,
    r: &DirectRoute,
) -> Result<(hyper::StatusCode, u64), (ErrorKind, u64)> {
    let i = ready(net, tls, open, r).await.map_err(|e| (e, 0))?;
    let Open {
        sender,
        conn,
        ended,
        ..
    } = &mut open[i];
    let mut req = Request::new(Full::new(r.body.clone()));
    *req.method_mut() = r.method.clone();
    *req.uri_mut() = r.path.clone();
    *req.headers_mut() = r.headers.clone();
    let resp = driving(conn, ended, sender.send_request(req))
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
