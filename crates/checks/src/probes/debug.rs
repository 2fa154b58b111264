//! `http.debug`: does an error or not-found answer give away the stack, the framework's
//! debug page or where the code lives on the server?
//!
//! The page itself is read through the run's memo (the same exchange the other page
//! checks judge) and its body is scanned when it is an error. Then one request of this
//! check's own tries to provoke an error: a path that does not exist on a host's entry
//! page, a malformed JSON body on a write route, a query no handler expects on an API
//! read. One request per target is no load, so the check runs without asking.

use super::debug_marks::{excerpt, marks};
use super::send::{Answer, Probe, send};
use crate::judged::Judged;
use crate::net::fetch::{HttpLimits, fetch};
use crate::net::page::{PageError, parse_url};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{DebugDetail, DebugEvidence, DebugResponse, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method, Url};

/// The path asked for on a host's entry page to read its not-found answer.
pub const NOT_FOUND_PATH: &str = "/launch-ready-probe/not-found";
/// The body sent to a write route: JSON cut short.
pub const MALFORMED_JSON: &str = "{\"launch_ready_probe\": [1, ";
/// The query sent to an API read: values no handler expects.
pub const BAD_QUERY: &str = "launch_ready_probe=%27%22%3C%7B&page=-1&id%5B%5D=";

/// The one request that tries to make the target fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provoke {
    /// A host's entry page: ask for a path that does not exist.
    NotFound,
    /// A write route: its method with a malformed JSON body.
    MalformedJson(Method),
    /// An API read: a query with unexpected values.
    BadQuery,
    /// A page that is neither: only its own answer is read.
    Nothing,
}

impl Provoke {
    /// What is sent for `url`, or `None` when nothing is.
    fn probe(&self, url: &Url) -> Option<(Probe, String)> {
        match self {
            Provoke::NotFound => {
                let u = url.join(NOT_FOUND_PATH).ok()?;
                Some((Probe::get(u), "a path that does not exist".to_string()))
            }
            Provoke::MalformedJson(method) => Some((
                Probe {
                    method: method.clone(),
                    url: url.clone(),
                    headers: vec![
                        ("content-type".into(), "application/json".into()),
                        ("accept".into(), "application/json".into()),
                    ],
                    body: Some(MALFORMED_JSON.into()),
                },
                "a malformed JSON body".to_string(),
            )),
            Provoke::BadQuery => {
                let mut u = url.clone();
                u.set_query(Some(BAD_QUERY));
                let mut p = Probe::get(u);
                p.headers.push(("accept".into(), "application/json".into()));
                Some((p, "a query with unexpected values".to_string()))
            }
            Provoke::Nothing => None,
        }
    }

    /// Requests this check sends itself for one target.
    pub fn requests(&self) -> u32 {
        u32::from(*self != Provoke::Nothing)
    }
}

/// Scans one answer, recording it and any finding.
fn judge_answer(judged: &mut Judged, seen: &mut DebugResponse, url: &str, status: u16, body: &str) {
    seen.status = Some(status);
    let found = marks(body);
    if found.is_empty() {
        return;
    }
    seen.signatures = found.iter().map(|m| m.signature.to_string()).collect();
    let names = seen.signatures.join(", ");
    judged.push(
        Finding::new(
            Code::HttpDebugExposed,
            format!("{url} answers {status} with debug output: {names}"),
        )
        .with_detail(&DebugDetail {
            url: url.to_string(),
            status: Some(status),
            signatures: seen.signatures.clone(),
            excerpt: Some(excerpt(body, found[0].at, 160)),
        }),
    );
}

/// `http.debug` for the page at `url`, provoking it as `provoke` says.
pub async fn check_debug(
    client: &Client,
    url: &str,
    provoke: &Provoke,
    limits: &HttpLimits,
) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpDebug, url);
    let parsed = match parse_url(url) {
        Ok(u) => u,
        Err(e) => return judged.error(e),
    };
    let mut evidence = DebugEvidence::default();
    // The page as any visitor gets it: shared with the other page checks.
    let page = match fetch(client, Method::GET, &parsed, &[], limits, None).await {
        Ok(p) => p,
        Err(error) => {
            return judged.unreachable(&PageError::Fetch {
                url: url.to_string(),
                error,
            });
        }
    };
    let mut seen = DebugResponse {
        url: url.to_string(),
        method: "GET".into(),
        ..DebugResponse::default()
    };
    if page.status >= 400 {
        judge_answer(&mut judged, &mut seen, url, page.status, &page.text());
    } else {
        seen.status = Some(page.status);
    }
    evidence.responses.push(seen);

    if let Some((probe, what)) = provoke.probe(&parsed) {
        let target = probe.url.to_string();
        let method = probe.method.to_string();
        evidence.requests_sent += 1;
        let mut seen = DebugResponse {
            url: target.clone(),
            method,
            provoked_with: Some(what),
            ..DebugResponse::default()
        };
        match send(client, probe, limits.timeout).await {
            // Any status: a 200 carrying a stack trace in its JSON gives as much away.
            Ok(Answer { status, body, .. }) => {
                let text = String::from_utf8_lossy(&body);
                judge_answer(&mut judged, &mut seen, &target, status, &text);
            }
            Err(e) => seen.error = Some(e.to_string()),
        }
        evidence.responses.push(seen);
    }
    let read = evidence.responses.len();
    judged.observed(Observed::Debug(evidence));
    judged.finish(&format!(
        "{url}: {read} answer(s) read, no debug page, stack trace or server path"
    ))
}
