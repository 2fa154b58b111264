//! One step on the wire: the request a step describes once its placeholders are filled,
//! and the bounded exchange that sends it with the flow's cookies.
//!
//! Redirects are not followed (the run's clients never follow them): a login answering
//! 303 is judged as a 303, and the page it points to is the next step's business, so each
//! hop of a flow is visible in its evidence.

use crate::net::Net;
use launch_ready_core::flow::template::{self, Var};
use launch_ready_core::flow::{Body, Step};
use reqwest::cookie::{CookieStore, Jar};
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, HeaderValue, SET_COOKIE};
use reqwest::{Method, Url};
use std::time::{Duration, Instant};

/// A step ready to send.
pub struct Request {
    pub method: Method,
    pub url: Url,
    /// Headers, a value built from a credential marked sensitive.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<(String, Vec<u8>)>,
}

/// Why a step could not be sent as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("{0}")]
    Template(#[from] template::TemplateError),
    #[error("`{0}` has no value")]
    Missing(String),
    #[error("`{0}` is not an HTTP method")]
    Method(String),
    #[error("`{0}` is not a URL (a path needs a session host to resolve against)")]
    Url(String),
    #[error("`{0}` is not a header name")]
    HeaderName(String),
    #[error("header `{0}` has a value HTTP cannot carry")]
    HeaderValue(String),
}

impl Request {
    /// The request `step` describes, placeholders filled by `value`; a path is joined to
    /// `base` (`https://host`).
    pub fn build(
        step: &Step,
        base: Option<&str>,
        value: impl Fn(&Var) -> Option<String>,
    ) -> Result<Request, BuildError> {
        let fill = |text: &str| -> Result<String, BuildError> {
            let pieces = template::parse(text)?;
            template::fill(&pieces, &value)
                .map_err(|v| BuildError::Missing(template::placeholder(v)))
        };
        let method = Method::from_bytes(step.method.trim().to_ascii_uppercase().as_bytes())
            .map_err(|_| BuildError::Method(step.method.clone()))?;
        let raw = fill(&step.url)?;
        let url = absolute(&raw, base).ok_or_else(|| BuildError::Url(step.url.clone()))?;
        let mut headers = Vec::new();
        for h in &step.headers {
            let name = HeaderName::from_bytes(h.name.trim().as_bytes())
                .map_err(|_| BuildError::HeaderName(h.name.clone()))?;
            let mut v = HeaderValue::from_str(&fill(&h.value)?)
                .map_err(|_| BuildError::HeaderValue(h.name.clone()))?;
            if h.value.contains("{{") {
                v.set_sensitive(true);
            }
            headers.push((name, v));
        }
        let body = match &step.body {
            None => None,
            Some(Body::Raw { content_type, text }) => Some((
                content_type.clone().unwrap_or_else(|| "text/plain".into()),
                fill(text)?.into_bytes(),
            )),
            Some(Body::Form(fields)) => {
                let mut form = url::form_urlencoded::Serializer::new(String::new());
                for (k, v) in fields {
                    form.append_pair(k, &fill(v)?);
                }
                Some((
                    "application/x-www-form-urlencoded".into(),
                    form.finish().into_bytes(),
                ))
            }
            Some(Body::Json(doc)) => {
                let filled = fill_json(doc, &fill)?;
                Some(("application/json".into(), filled.to_string().into_bytes()))
            }
        };
        Ok(Request {
            method,
            url,
            headers,
            body,
        })
    }
}

/// `raw` as a URL: as given when absolute, else joined to `base`.
fn absolute(raw: &str, base: Option<&str>) -> Option<Url> {
    let raw = raw.trim();
    if raw.starts_with("http://") || raw.starts_with("https://") {
        return Url::parse(raw).ok();
    }
    let base = Url::parse(base?).ok()?;
    let path = if raw.starts_with('/') {
        raw.to_string()
    } else {
        format!("/{raw}")
    };
    base.join(&path).ok()
}

fn fill_json(
    v: &serde_json::Value,
    fill: &impl Fn(&str) -> Result<String, BuildError>,
) -> Result<serde_json::Value, BuildError> {
    use serde_json::Value;
    Ok(match v {
        Value::String(s) => Value::String(fill(s)?),
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| fill_json(x, fill))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| Ok((k.clone(), fill_json(x, fill)?)))
                .collect::<Result<_, BuildError>>()?,
        ),
        other => other.clone(),
    })
}

/// An answer as a step judges it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    /// At most the cap given to `send`.
    pub body: Vec<u8>,
    pub ms: u64,
}

/// Why no answer came.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("no client for {0}: {1}")]
    Client(String, String),
    #[error("no answer within {:.1} s", .0.as_secs_f64())]
    Timeout(Duration),
    #[error("no answer: {0}")]
    Unreachable(String),
}

/// Sends `req` with the cookies `jar` holds for its URL, reads at most `max_body` bytes,
/// all within `timeout`, and keeps the cookies the answer sets.
pub async fn send(
    net: &Net,
    req: &Request,
    jar: &Jar,
    timeout: Duration,
    max_body: usize,
) -> Result<Answer, SendError> {
    let client = net
        .client_for(&req.url)
        .map_err(|e| SendError::Client(req.url.to_string(), e.to_string()))?;
    let started = Instant::now();
    let mut r = client
        .request(req.method.clone(), req.url.clone())
        .timeout(timeout);
    for (k, v) in &req.headers {
        r = r.header(k, v);
    }
    if let Some(c) = jar.cookies(&req.url) {
        r = r.header(COOKIE, c);
    }
    if let Some((ct, bytes)) = &req.body {
        r = r.header(CONTENT_TYPE, ct.as_str()).body(bytes.clone());
    }
    let exchange = async {
        let mut resp = r.send().await.map_err(|e| classify(&e, timeout))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut set = headers.get_all(SET_COOKIE).iter();
        jar.set_cookies(&mut set, &req.url);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, timeout))? {
            let room = max_body.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() >= room {
                break;
            }
        }
        Ok(Answer {
            status,
            headers,
            body,
            ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        })
    };
    tokio::time::timeout(timeout, exchange)
        .await
        .unwrap_or(Err(SendError::Timeout(timeout)))
}

/// The error chain in one line (reqwest's own text says little more than "error sending
/// request").
fn classify(e: &reqwest::Error, timeout: Duration) -> SendError {
    if e.is_timeout() {
        return SendError::Timeout(timeout);
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    SendError::Unreachable(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::flow::{Header, Step};

    #[test]
    fn placeholders_fill_url_headers_and_bodies() {
        let step = Step {
            method: "post".into(),
            headers: vec![Header {
                name: "authorization".into(),
                value: "Bearer {{token}}".into(),
            }],
            body: Some(Body::Form(vec![
                ("email".into(), "a@b.test".into()),
                ("password".into(), "{{secret:pw}}".into()),
            ])),
            ..Step::get("/api/{{id}}")
        };
        let r = Request::build(&step, Some("https://app.test"), |v| match v {
            Var::Capture(n) if n == "token" => Some("T0K".into()),
            Var::Capture(_) => Some("7".into()),
            Var::Secret(_) => Some("p&ss w".into()),
            Var::Env(_) => None,
        })
        .unwrap();
        assert_eq!(r.method, Method::POST);
        assert_eq!(r.url.as_str(), "https://app.test/api/7");
        assert_eq!(r.headers[0].1, "Bearer T0K");
        assert!(r.headers[0].1.is_sensitive());
        let (ct, body) = r.body.unwrap();
        assert_eq!(ct, "application/x-www-form-urlencoded");
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "email=a%40b.test&password=p%26ss+w"
        );
    }

    #[test]
    fn a_path_without_a_host_or_an_unfilled_value_is_an_error() {
        let step = Step::get("/x");
        assert_eq!(
            Request::build(&step, None, |_| None).err(),
            Some(BuildError::Url("/x".into()))
        );
        let step = Step::get("https://a.test/{{env:NOPE}}");
        assert_eq!(
            Request::build(&step, None, |_| None).err(),
            Some(BuildError::Missing("{{env:NOPE}}".into()))
        );
        let json = Step {
            body: Some(Body::Json(serde_json::json!({"u": ["{{secret:u}}", 1]}))),
            ..Step::get("https://a.test/")
        };
        let r = Request::build(&json, None, |_| Some("x\"y".into())).unwrap();
        assert_eq!(r.body.unwrap().1, br#"{"u":["x\"y",1]}"#);
    }
}
