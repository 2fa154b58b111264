//! `http.exposure`: config dumps and `.git/` served from the web root.
//!
//! Judged on content, never on the status alone: many sites answer every path with 200 and
//! their HTML shell, which is not an exposure. A `.env` body must read as `KEY=VALUE`
//! lines, `.git/HEAD` as a ref or a commit hash, `.git/config` as a git config, and a
//! JSON dump must hold a secret-looking key. Evidence names keys, never values.

use crate::judged::Judged;
use crate::net::fetch::{Fetched, HttpLimits, fetch};
use crate::net::page::parse_url;
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{ExposedDetail, ExposureEvidence, Observed, ProbedPath};
use launch_ready_core::finding::Finding;
use launch_ready_core::secret_rules;
use launch_ready_core::session::model::CheckOutcome;
use reqwest::{Client, Method};
use tokio::time::Instant;

/// Paths probed, and what their content must look like to count.
pub const PROBES: &[(&str, Kind)] = &[
    ("/.env", Kind::Env),
    ("/.env.production", Kind::Env),
    ("/.env.local", Kind::Env),
    ("/.env.prod", Kind::Env),
    ("/config.json", Kind::JsonDump),
    ("/.git/HEAD", Kind::GitHead),
    ("/.git/config", Kind::GitConfig),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Env,
    JsonDump,
    GitHead,
    GitConfig,
}

/// The variable names of a body that reads as a dotenv file (at least one assignment and
/// most non-comment lines assignments), or `None`.
pub fn dotenv_keys(body: &str) -> Option<Vec<String>> {
    let trimmed = body.trim_start();
    if trimmed.starts_with('<') || trimmed.starts_with('{') || trimmed.starts_with('[') {
        return None;
    }
    let mut keys = Vec::new();
    let mut other = 0usize;
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        match line.split_once('=') {
            Some((k, _))
                if !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    && !k.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                keys.push(k.to_string());
            }
            _ => other += 1,
        }
    }
    (!keys.is_empty() && keys.len() * 4 >= (keys.len() + other) * 3).then_some(keys)
}

/// True when `body` reads as `.git/HEAD`: a symbolic ref or a bare SHA-1/SHA-256 hash.
pub fn is_git_head(body: &str) -> bool {
    let t = body.trim();
    t.starts_with("ref: refs/")
        || ((t.len() == 40 || t.len() == 64) && t.chars().all(|c| c.is_ascii_hexdigit()))
}

/// True when `body` reads as a `.git/config`.
pub fn is_git_config(body: &str) -> bool {
    body.lines().any(|l| l.trim() == "[core]")
        && (body.contains("repositoryformatversion") || body.contains("[remote \""))
}

/// Secret-looking keys of a JSON object (nested), with non-empty values.
pub fn json_secret_keys(body: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, path: &str, out: &mut Vec<String>) {
        if let serde_json::Value::Object(map) = v {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let lk = k.to_ascii_lowercase();
                let secretish = [
                    "secret",
                    "password",
                    "passwd",
                    "token",
                    "apikey",
                    "api_key",
                    "private",
                    "credential",
                    "access_key",
                ]
                .iter()
                .any(|w| lk.contains(w));
                match v {
                    serde_json::Value::String(s) if secretish && !s.trim().is_empty() => {
                        out.push(p);
                    }
                    _ => walk(v, &p, out),
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        walk(&v, "", &mut out);
    }
    out
}

/// The finding (code, message, detail) for one probe response, if it is an exposure.
fn judge(path: &str, kind: Kind, resp: &Fetched) -> Option<(Code, String, ExposedDetail)> {
    if !(200..300).contains(&resp.status) {
        return None;
    }
    let body = resp.text();
    let url = resp.url.as_str();
    match kind {
        Kind::Env => dotenv_keys(&body).map(|keys| {
            (
                Code::HttpEnvExposed,
                format!("{url} serves an env file ({} variables)", keys.len()),
                ExposedDetail {
                    path: path.to_string(),
                    secrets_found: Some(secret_rules::scan(&body).len()),
                    keys,
                    head: None,
                },
            )
        }),
        Kind::JsonDump => {
            let keys = json_secret_keys(&body);
            (!keys.is_empty()).then(|| {
                (
                    Code::HttpEnvExposed,
                    format!(
                        "{url} serves a config dump with secret keys ({})",
                        keys.join(", ")
                    ),
                    ExposedDetail {
                        path: path.to_string(),
                        keys,
                        ..ExposedDetail::default()
                    },
                )
            })
        }
        Kind::GitHead => is_git_head(&body).then(|| {
            let head: String = body.trim().chars().take(80).collect();
            (
                Code::HttpGitExposed,
                format!("{url} serves the repository's HEAD"),
                ExposedDetail {
                    path: path.to_string(),
                    head: Some(head),
                    ..ExposedDetail::default()
                },
            )
        }),
        Kind::GitConfig => is_git_config(&body).then(|| {
            (
                Code::HttpGitExposed,
                format!("{url} serves the repository's git config"),
                ExposedDetail {
                    path: path.to_string(),
                    ..ExposedDetail::default()
                },
            )
        }),
    }
}

/// `http.exposure` for the site at `base` (`https://host/`).
pub async fn check_exposure(client: &Client, base: &str, limits: &HttpLimits) -> CheckOutcome {
    let mut judged = Judged::start(KindId::HttpExposure, base);
    let base_url = match parse_url(base) {
        Ok(u) => u,
        Err(e) => return judged.error(e),
    };
    let small = HttpLimits {
        max_body: 256 * 1024,
        ..limits.clone()
    };
    let deadline = Instant::now() + limits.timeout;
    let urls: Vec<_> = PROBES
        .iter()
        .filter_map(|(p, k)| base_url.join(p).ok().map(|u| (*p, *k, u)))
        .collect();
    let responses = futures::future::join_all(
        urls.iter()
            .map(|(_, _, u)| fetch(client, Method::GET, u, &[], &small, Some(deadline))),
    )
    .await;
    let mut probed = Vec::new();
    let mut failures = 0;
    let mut first_failure = None;
    let mut reported = Vec::new();
    for ((path, kind, _), resp) in urls.iter().zip(responses) {
        match resp {
            Ok(resp) => {
                probed.push(ProbedPath {
                    path: (*path).to_string(),
                    status: Some(resp.status),
                    error: None,
                });
                if let Some((code, message, detail)) = judge(path, *kind, &resp)
                    && (!reported.contains(&code) || code == Code::HttpEnvExposed)
                {
                    reported.push(code);
                    judged.push(Finding::new(code, message).with_detail(&detail));
                }
            }
            Err(e) => {
                failures += 1;
                probed.push(ProbedPath {
                    path: (*path).to_string(),
                    status: None,
                    error: Some(e.to_string()),
                });
                first_failure.get_or_insert(e);
            }
        }
    }
    judged.observed(Observed::Exposure(ExposureEvidence { probed }));
    if failures == urls.len() {
        // The host does not answer at all: `http.availability` says so on its page.
        return match first_failure {
            Some(error) => judged.unreachable(&crate::net::page::PageError::Fetch {
                url: format!("{base}: none of the probe paths could be fetched"),
                error,
            }),
            None => judged.error(format!("{base}: none of the probe paths could be fetched")),
        };
    }
    judged.finish(&format!(
        "{base}: no env file, config dump or .git content served"
    ))
}
