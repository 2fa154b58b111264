//! One route as the generator sends it, and one exchange with it.
//!
//! The body is read to its end and only counted: a load test measures the time to the
//! last byte and the payload size, and storing bodies would make memory grow with the
//! run. Every exchange is bounded by the request timeout, which reqwest applies from the
//! connect to the end of the body.

use super::stats::ErrorKind;
use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Client, Method, Url};
use serde::Serialize;
use std::time::Duration;

/// A route to measure.
#[derive(Clone)]
pub struct RouteSpec {
    /// The session's route name, or the URL for a route given on the command line.
    pub name: String,
    pub url: Url,
    pub method: Method,
    /// Extra headers; an auth header's value comes from the keyring and is never shown
    /// (see `Debug` and `Serialize`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Bytes>,
    /// p95 budget for this route, when the route sets its own.
    pub p95_budget_ms: Option<u32>,
}

impl std::fmt::Debug for RouteSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteSpec")
            .field("name", &self.name)
            .field("method", &self.method.as_str())
            .field("url", &self.url.as_str())
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.as_ref().map_or(0, Bytes::len))
            .finish()
    }
}

/// What a report says about the route: never header values or the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteInfo {
    pub name: String,
    pub url: String,
    pub method: String,
}

impl RouteSpec {
    /// A plain GET of `url`.
    pub fn get(url: Url) -> RouteSpec {
        RouteSpec {
            name: url.to_string(),
            url,
            method: Method::GET,
            headers: Vec::new(),
            body: None,
            p95_budget_ms: None,
        }
    }

    /// A read (GET, HEAD, OPTIONS) gets the read budget; anything else the write budget.
    pub fn is_write(&self) -> bool {
        !matches!(self.method, Method::GET | Method::HEAD | Method::OPTIONS)
    }

    pub fn info(&self) -> RouteInfo {
        RouteInfo {
            name: self.name.clone(),
            url: self.url.to_string(),
            method: self.method.to_string(),
        }
    }
}

/// The outcome of one exchange: an error kind (`None` for a 1xx–3xx answer) and the body
/// bytes read.
pub async fn exchange(
    client: &Client,
    route: &RouteSpec,
    timeout: Duration,
) -> (Option<ErrorKind>, u64) {
    let mut req = client
        .request(route.method.clone(), route.url.clone())
        .timeout(timeout);
    for (k, v) in &route.headers {
        req = req.header(k, v);
    }
    if let Some(b) = &route.body {
        req = req.body(b.clone());
    }
    let mut resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return (Some(classify(&e)), 0),
    };
    let status = resp.status();
    let mut bytes = 0u64;
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => bytes = bytes.saturating_add(c.len() as u64),
            Ok(None) => break,
            Err(e) => return (Some(classify(&e)), bytes),
        }
    }
    let error = if status.is_server_error() {
        Some(ErrorKind::Status5xx)
    } else if status.is_client_error() {
        Some(ErrorKind::Status4xx)
    } else {
        None
    };
    (error, bytes)
}

fn classify(e: &reqwest::Error) -> ErrorKind {
    if e.is_timeout() {
        ErrorKind::Timeout
    } else if e.is_connect() {
        ErrorKind::Connect
    } else {
        ErrorKind::Other
    }
}
