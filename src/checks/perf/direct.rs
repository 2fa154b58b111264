//! Plain-HTTP routes sent over one HTTP/1.1 connection per load worker, straight on
//! hyper's connection API.
//!
//! A worker of a closed-loop run owns its connection: it never waits for a pool, and the
//! pooled client's per-request work (checking a connection out of a shared pool and back,
//! cloning the URL, boxing the response future) is what made the generator, not the
//! server, the bottleneck on one box. HTTPS routes keep the pooled client (TLS set-up and
//! verification live there). Connections go through `Net::connect_tcp`, so `connect_to`
//! overrides and the resolver apply as everywhere else.

use super::request::RouteSpec;
use super::stats::ErrorKind;
use crate::net::Net;
use crate::net::client::USER_AGENT;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HOST, HeaderMap, HeaderValue, USER_AGENT as UA};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;

/// A route prepared once for direct sending: what every request repeats.
#[derive(Debug, Clone)]
pub struct DirectRoute {
    host: String,
    port: u16,
    method: Method,
    path: Uri,
    headers: HeaderMap,
    body: Bytes,
}

impl DirectRoute {
    /// The direct form of `route`, when it is plain `http://`.
    pub fn of(route: &RouteSpec) -> Option<DirectRoute> {
        let url = &route.url;
        if url.scheme() != "http" {
            return None;
        }
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
            method: route.method.clone(),
            path,
            headers,
            body: route.body.clone().unwrap_or_default(),
        })
    }
}

/// One worker's open connections, by host and port (a run's routes share one or two).
pub struct Conns {
    net: Arc<Net>,
    open: Vec<(String, u16, SendRequest<Full<Bytes>>)>,
}

impl Conns {
    pub fn new(net: Arc<Net>) -> Conns {
        Conns {
            net,
            open: Vec::new(),
        }
    }

    fn forget(&mut self, host: &str, port: u16) {
        self.open.retain(|(h, p, _)| !(h == host && *p == port));
    }

    /// A ready connection to the route's host, opened when there is none or the last one
    /// was closed by the server.
    async fn ready(&mut self, r: &DirectRoute) -> Result<usize, ErrorKind> {
        if let Some(i) = self
            .open
            .iter()
            .position(|(h, p, _)| *h == r.host && *p == r.port)
        {
            if self.open[i].2.ready().await.is_ok() {
                return Ok(i);
            }
            self.open.swap_remove(i);
        }
        let tcp = self
            .net
            .connect_tcp(&r.host, r.port)
            .await
            .map_err(|_| ErrorKind::Connect)?;
        let _ = tcp.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|_| ErrorKind::Connect)?;
        // The connection's I/O runs in its own task; it ends when `sender` is dropped.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.open.push((r.host.clone(), r.port, sender));
        Ok(self.open.len() - 1)
    }

    /// One exchange: an error kind (`None` for a 1xx–3xx answer) and the body bytes read.
    /// A connection that failed or timed out is dropped; the next exchange opens another.
    pub async fn exchange(
        &mut self,
        r: &DirectRoute,
        timeout: Duration,
    ) -> (Option<ErrorKind>, u64) {
        let result = tokio::time::timeout(timeout, self.send(r)).await;
        let (error, bytes) = match result {
            Ok(Ok((status, bytes))) => {
                let error = if status.is_server_error() {
                    Some(ErrorKind::Status5xx)
                } else if status.is_client_error() {
                    Some(ErrorKind::Status4xx)
                } else {
                    None
                };
                return (error, bytes);
            }
            Ok(Err(e)) => e,
            Err(_) => (ErrorKind::Timeout, 0),
        };
        self.forget(&r.host, r.port);
        (Some(error), bytes)
    }

    async fn send(
        &mut self,
        r: &DirectRoute,
    ) -> Result<(hyper::StatusCode, u64), (ErrorKind, u64)> {
        let i = self.ready(r).await.map_err(|e| (e, 0))?;
        let mut req = Request::new(Full::new(r.body.clone()));
        *req.method_mut() = r.method.clone();
        *req.uri_mut() = r.path.clone();
        *req.headers_mut() = r.headers.clone();
        let resp = self.open[i]
            .2
            .send_request(req)
            .await
            .map_err(|_| (ErrorKind::Other, 0))?;
        let status = resp.status();
        let mut body = resp.into_body();
        let mut bytes = 0u64;
        while let Some(frame) = body.frame().await {
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
}
