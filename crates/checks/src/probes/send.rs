//! One bounded exchange that may carry a body: what the provoking request, the burst and
//! the oversized upload send. `net::fetch` stays the path for reads shared through the
//! run's memo; these requests are each their own and are never shared, since sending a
//! probe twice or not at all would change what it measures.

use crate::net::fetch::{FetchError, classify};
use reqwest::header::HeaderMap;
use reqwest::{Client, Method, Url};
use std::time::Duration;
use tokio::time::{Instant, timeout_at};

/// Body bytes kept from a probe's answer: enough for an error page and its stack trace.
pub const MAX_ANSWER: usize = 256 * 1024;

/// A probe's request: method, URL, headers and an optional body.
#[derive(Debug)]
pub struct Probe {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
    pub body: Option<reqwest::Body>,
}

impl Probe {
    pub fn get(url: Url) -> Probe {
        Probe {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        }
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// From sending the request to the last byte kept.
    pub elapsed: Duration,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }
}

/// Sends `probe` and reads the answer (at most `MAX_ANSWER` body bytes), all within
/// `timeout`.
pub async fn send(client: &Client, probe: Probe, timeout: Duration) -> Result<Answer, FetchError> {
    let started = Instant::now();
    let deadline = started + timeout;
    let mut req = client.request(probe.method, probe.url).timeout(timeout);
    for (k, v) in &probe.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    if let Some(body) = probe.body {
        req = req.body(body);
    }
    let exchange = async {
        let mut resp = req.send().await.map_err(|e| classify(&e, timeout))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, timeout))? {
            let room = MAX_ANSWER.saturating_sub(body.len());
            if chunk.len() >= room {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer {
            status,
            headers,
            body,
            elapsed: started.elapsed(),
        })
    };
    timeout_at(deadline, exchange)
        .await
        .unwrap_or(Err(FetchError::Timeout(timeout)))
}
