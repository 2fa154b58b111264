//! A read-only client for the parts of Cloudflare's API v4 the zone audit reads: every
//! call is a `GET` with the token as a bearer header, answered with the v4 envelope
//! (`success`, `errors`, `messages`, `result`, `result_info`).
//!
//! The token lives in a `Token` whose `Debug` prints nothing of it, and it only ever goes
//! into the `Authorization` header: errors are built from statuses and the API's own
//! error codes and messages, never from the request, so no message can carry it.

use crate::net::fetch::{FetchError, HttpLimits, fetch};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant};

/// An API token. Its value is reachable only through `bearer`.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    pub fn new(value: impl Into<String>) -> Token {
        Token(value.into().trim().to_string())
    }

    fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Why a call gave no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 401, or the API's "invalid token" codes: the token itself is not accepted.
    #[error("the token was refused ({0})")]
    Unauthorized(String),
    /// 403: the token is valid but lacks the permission this call needs.
    #[error("the token lacks the permission for this ({0})")]
    Forbidden(String),
    /// 404: nothing there (a phase with no entrypoint ruleset, for one).
    #[error("not found ({0})")]
    NotFound(String),
    /// 429 on every try within the bound.
    #[error("rate limited by the API {0} times in a row")]
    RateLimited(u32),
    /// Any other status, with the API's messages when it sent some.
    #[error("HTTP {status} from the API ({message})")]
    Status { status: u16, message: String },
    /// No answer (connection, timeout) or an answer that is not the v4 envelope.
    #[error("{0}")]
    Transport(String),
    /// The answer went on past `MAX_BODY`: reading stopped there, nothing of it is used.
    #[error("the API's answer is larger than {} MiB; it was not read further", .0 / (1024 * 1024))]
    TooLarge(usize),
}

/// One error entry of the envelope.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiMessage {
    #[serde(default)]
    pub code: i64,
    #[serde(default)]
    pub message: String,
}

/// Pagination facts of a list answer.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct ResultInfo {
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub per_page: u32,
    #[serde(default)]
    pub count: u32,
    #[serde(default)]
    pub total_count: u32,
    #[serde(default)]
    pub total_pages: Option<u32>,
}

#[derive(Debug, Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    errors: Vec<ApiMessage>,
    result: Option<T>,
    #[serde(default)]
    result_info: Option<ResultInfo>,
}

/// Codes Cloudflare answers for a token it does not accept (as opposed to one lacking a
/// permission): invalid token, invalid or malformed authorization header.
const INVALID_TOKEN_CODES: &[i64] = &[1000, 1001, 6003, 6111, 9106, 9109];

/// Most tries of one call when the API answers 429.
pub const MAX_TRIES: u32 = 3;
/// Most pages read of one list (a zone with more DNS records than this reads as partial).
pub const MAX_PAGES: u32 = 50;
/// Most bytes read of one answer. A page of 100 DNS records or the zone's settings is
/// tens of KiB; an API (or something posing as one) that sends more is cut here rather
/// than held in memory whole.
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// The client: one base URL, one token, one HTTP client of the run, one deadline.
#[derive(Debug, Clone)]
pub struct Api {
    client: reqwest::Client,
    base: String,
    token: Token,
    deadline: Instant,
    /// Bounds of one call: its timeout and `MAX_BODY`.
    limits: HttpLimits,
    /// Calls answered 429 and retried (for the evidence).
    pub retries: std::sync::Arc<std::sync::atomic::AtomicU32>,
}

impl Api {
    /// A client for `base` (`https://api.cloudflare.com/client/v4`), giving up on retries
    /// that would end after `budget` from now.
    pub fn new(client: reqwest::Client, base: &str, token: Token, budget: Duration) -> Api {
        Api {
            client,
            base: base.trim_end_matches('/').to_string(),
            token,
            deadline: Instant::now() + budget,
            limits: HttpLimits {
                max_body: MAX_BODY,
                memo: None,
                ..HttpLimits::default()
            },
            retries: Default::default(),
        }
    }

    /// The same client with `timeout` bounding each call (connect, headers and body).
    pub fn with_timeout(mut self, timeout: Duration) -> Api {
        self.limits.timeout = timeout;
        self
    }

    /// `HOST[:PORT]` of the base when it is not the public API: where the token goes, for
    /// the operator to see.
    pub fn elsewhere(&self) -> Option<String> {
        launch_ready_core::settings::cloudflare_api_elsewhere(&self.base)
    }

    /// `GET base+path` with `query`, decoded from the envelope's `result`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(T, Option<ResultInfo>), ApiError> {
        let mut url = reqwest::Url::parse(&format!("{}{path}", self.base))
            .map_err(|e| ApiError::Transport(format!("bad API URL: {e}")))?;
        if !query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let bearer = self.token.bearer();
        // Through the run's one bounded exchange, so the API's answers are capped and timed
        // as every other response is (no memo: an answer to a token is never shared).
        let headers = [
            (reqwest::header::AUTHORIZATION.as_str(), bearer.as_str()),
            (reqwest::header::ACCEPT.as_str(), "application/json"),
        ];
        let mut tries = 0;
        loop {
            tries += 1;
            let resp = fetch(
                &self.client,
                reqwest::Method::GET,
                &url,
                &headers,
                &self.limits,
                None,
            )
            .await
            .map_err(|e| ApiError::Transport(transport_text(&e)))?;
            let status = resp.status;
            if status == 429 {
                let wait = retry_after(&resp.headers);
                let fits = Instant::now() + wait < self.deadline;
                if tries >= MAX_TRIES || !fits {
                    return Err(ApiError::RateLimited(tries));
                }
                self.retries
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(wait).await;
                continue;
            }
            if resp.truncated {
                return Err(ApiError::TooLarge(self.limits.max_body));
            }
            return decode(status, &resp.body);
        }
    }

    /// Every page of a list endpoint, in order; `partial` when more pages remained after
    /// `MAX_PAGES`.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Vec<T>, bool), ApiError> {
        let mut out = Vec::new();
        let mut page = 1u32;
        loop {
            let mut q: Vec<(&str, String)> = query.to_vec();
            q.push(("page", page.to_string()));
            q.push(("per_page", "100".to_string()));
            let (items, info): (Vec<T>, _) = self.get(path, &q).await?;
            let got = items.len();
            out.extend(items);
            let Some(info) = info else {
                return Ok((out, false));
            };
            let total_pages = info.total_pages.unwrap_or_else(|| {
                let per = info.per_page.max(1);
                info.total_count.div_ceil(per)
            });
            if page >= total_pages || got == 0 {
                return Ok((out, false));
            }
            if page >= MAX_PAGES {
                return Ok((out, true));
            }
            page += 1;
        }
    }
}

/// The server's `Retry-After` in seconds (at least a tenth of a second, one second when
/// absent or unreadable; HTTP dates are not used by this API).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Duration {
    headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::from_secs(1), |s| {
            Duration::from_secs_f64(s.clamp(0.1, 60.0))
        })
}

/// A transport error in words, with what the exchange said of it.
fn transport_text(e: &FetchError) -> String {
    match e {
        FetchError::Timeout(_) => format!("the API did not answer in time ({e})"),
        FetchError::Unreachable(_) => format!("cannot connect to the API: {e}"),
        FetchError::Untrusted(_) => format!("the API's certificate is not trusted: {e}"),
    }
}

fn messages(errors: &[ApiMessage]) -> String {
    if errors.is_empty() {
        return "no message".into();
    }
    errors
        .iter()
        .map(|e| format!("{} {}", e.code, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Reads one answer: the envelope's `result` on success, else the error the status and
/// codes say.
fn decode<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<(T, Option<ResultInfo>), ApiError> {
    let env: Result<Envelope<T>, _> = serde_json::from_slice(body);
    let env = match env {
        Ok(e) => e,
        Err(e) if (200..300).contains(&status) => {
            return Err(ApiError::Transport(format!(
                "the API's answer is not the v4 envelope expected: {e}"
            )));
        }
        // An error page that is not JSON: the status says enough.
        Err(_) => Envelope {
            success: false,
            errors: Vec::new(),
            result: None,
            result_info: None,
        },
    };
    let text = messages(&env.errors);
    let invalid_token = env
        .errors
        .iter()
        .any(|e| INVALID_TOKEN_CODES.contains(&e.code));
    match status {
        200..=299 if env.success => match env.result {
            Some(r) => Ok((r, env.result_info)),
            None => Err(ApiError::Transport("the API's answer has no result".into())),
        },
        200..=299 => Err(ApiError::Status {
            status,
            message: text,
        }),
        401 => Err(ApiError::Unauthorized(text)),
        400 | 403 if invalid_token => Err(ApiError::Unauthorized(text)),
        403 => Err(ApiError::Forbidden(text)),
        404 => Err(ApiError::NotFound(text)),
        _ => Err(ApiError::Status {
            status,
            message: text,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_map_to_errors_by_status_and_code() {
        let ok: Result<(Vec<u8>, _), _> =
            decode(200, br#"{"success":true,"errors":[],"result":[1,2],"result_info":{"page":1,"per_page":2,"count":2,"total_count":5}}"#);
        let (r, info) = ok.unwrap();
        assert_eq!(r, [1, 2]);
        assert_eq!(info.unwrap().total_count, 5);
        let bad = |s, b: &[u8]| decode::<serde_json::Value>(s, b).unwrap_err();
        assert!(matches!(
            bad(403, br#"{"success":false,"errors":[{"code":9109,"message":"Invalid access token"}]}"#),
            ApiError::Unauthorized(m) if m.contains("9109")
        ));
        assert!(matches!(
            bad(
                403,
                br#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}]}"#
            ),
            ApiError::Forbidden(_)
        ));
        assert!(matches!(bad(401, b"<html>"), ApiError::Unauthorized(_)));
        assert!(matches!(bad(404, b"{}"), ApiError::NotFound(_)));
        assert!(matches!(bad(200, b"not json"), ApiError::Transport(_)));
        assert!(matches!(
            bad(502, b""),
            ApiError::Status { status: 502, .. }
        ));
    }

    #[test]
    fn the_token_never_prints() {
        let t = Token::new("cf-secret-value");
        assert_eq!(format!("{t:?}"), "Token(…)");
    }
}
