//! The lab's Cloudflare API v4: a read-only fake of the endpoints the zone audit reads, on
//! loopback over plain HTTP, so the cloudflare family can be seen and tested offline.
//!
//! It answers as the real API does where the audit depends on it: the v4 envelope
//! (`success`, `errors`, `messages`, `result`, `result_info` with page, per_page, count
//! and total_count), bearer tokens, 401 code 1000 from `/user/tokens/verify` and 403
//! code 9109 elsewhere for an unknown token, 403 code 10000 for a token without the
//! permission, 404 code 10003 for a rules phase without an entrypoint ruleset. Lists are
//! paginated with a small page cap so clients must follow `result_info`, and it can answer
//! one 429 with `Retry-After` to exercise retries.
//!
//! Zones: Brightdesk's (`brightdesk.test`), a realistic mix of good and bad settings that
//! raises every zone code, and a well-configured one (`good.lab.test`). Tokens: `LAB_TOKEN`
//! can read everything but Bot Management (so the demo shows `cloudflare.scope_missing`),
//! `FULL_TOKEN` everything, `LIMITED_TOKEN` only zones and DNS. They are fakes: they open
//! nothing anywhere else.

use super::hook::read_request;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The demo's token: every read permission except Bot Management.
pub const LAB_TOKEN: &str = "lab-cf-demo-0d7c41e9b25a4f16a3e8";
/// Every read permission.
pub const FULL_TOKEN: &str = "lab-cf-full-93b1f0c27d6e4a58b4c1";
/// Zone and DNS read only.
pub const LIMITED_TOKEN: &str = "lab-cf-limited-5e2a8d704c1b49f3";
/// Path of the API under the fake's address, as on api.cloudflare.com.
pub const BASE_PATH: &str = "/client/v4";
/// Most items per page the fake returns, whatever the client asks.
pub const MAX_PER_PAGE: usize = 3;

/// A read permission a token may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Zone,
    ZoneSettings,
    Dns,
    ZoneWaf,
    CacheRules,
    PageRules,
    BotManagement,
}

const ALL: &[Permission] = &[
    Permission::Zone,
    Permission::ZoneSettings,
    Permission::Dns,
    Permission::ZoneWaf,
    Permission::CacheRules,
    Permission::PageRules,
    Permission::BotManagement,
];

/// What the fake holds and how it behaves.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    pub tokens: Vec<(String, Vec<Permission>)>,
    pub zones: Vec<Value>,
    /// Answer the first DNS records request with 429.
    pub rate_limit_once: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        let mut demo: Vec<Permission> = ALL.to_vec();
        demo.retain(|p| *p != Permission::BotManagement);
        FakeConfig {
            tokens: vec![
                (LAB_TOKEN.into(), demo),
                (FULL_TOKEN.into(), ALL.to_vec()),
                (
                    LIMITED_TOKEN.into(),
                    vec![Permission::Zone, Permission::Dns],
                ),
            ],
            zones: vec![brightdesk_zone(), good_zone()],
            rate_limit_once: false,
        }
    }
}

fn setting(id: &str, value: &str) -> Value {
    json!({ "id": id, "value": value, "editable": true, "modified_on": "2026-01-01T00:00:00Z" })
}

fn record(i: u32, name: &str, kind: &str, content: &str, proxied: Option<bool>) -> Value {
    let mut r = json!({
        "id": format!("rec{i:04}"),
        "name": name,
        "type": kind,
        "content": content,
        "ttl": 1,
        "proxiable": proxied.is_some(),
    });
    if let Some(p) = proxied {
        r["proxied"] = json!(p);
    }
    r
}

/// Brightdesk's zone: flexible SSL, Always Use HTTPS off, TLS 1.0, development mode on,
/// security essentially off with the browser check off, app, api and admin DNS-only (and
/// the mail hosts, rightly), a rate
/// limit on the pricing page only, no cache rule, a page rule that only forwards.
fn brightdesk_zone() -> Value {
    let d = "brightdesk.test";
    json!({
        "id": "3f1c0de2b7a94e5c8d6f0a1b2c3d4e5f",
        "name": d,
        "status": "active",
        "plan": { "name": "Free Website" },
        "settings": [
            setting("ssl", "flexible"),
            setting("always_use_https", "off"),
            setting("min_tls_version", "1.0"),
            setting("development_mode", "on"),
            setting("security_level", "essentially_off"),
            setting("browser_check", "off"),
        ],
        "fight_mode": false,
        "records": [
            record(1, d, "A", "127.0.0.1", Some(true)),
            record(2, &format!("www.{d}"), "CNAME", d, Some(true)),
            record(3, &format!("app.{d}"), "A", "127.0.0.1", Some(false)),
            record(4, &format!("api.{d}"), "CNAME", "origin.brightdesk-hosting.test", Some(false)),
            record(5, &format!("help.{d}"), "CNAME", "brightdesk.helpdesk.test", Some(true)),
            record(6, d, "MX", "mx1.brightdesk.test", None),
            record(7, d, "TXT", "v=spf1 a:mail.brightdesk.test include:_spf.mail.test ~all", None),
            record(8, &format!("staging.{d}"), "A", "127.0.0.1", Some(true)),
            // DNS-only where it should be: the MX target and the host SPF names carry
            // mail, which the edge does not proxy.
            record(9, &format!("mx1.{d}"), "A", "127.0.0.1", Some(false)),
            record(10, &format!("mail.{d}"), "A", "127.0.0.1", Some(false)),
            // DNS-only where it should not be, and not among the usual web names: seen
            // only when every record of the zone is judged.
            record(11, &format!("admin.{d}"), "A", "127.0.0.1", Some(false)),
        ],
        "http_ratelimit": [
            { "id": "rl1", "description": "Pricing page scraping", "expression": "(http.request.uri.path eq \"/pricing\")", "action": "block", "enabled": true, "ratelimit": { "period": 60, "requests_per_period": 100 } }
        ],
        "pagerules": [
            { "id": "pr1", "status": "active", "priority": 1,
              "targets": [ { "target": "url", "constraint": { "operator": "matches", "value": "brightdesk.test/blog/*" } } ],
              "actions": [ { "id": "forwarding_url", "value": { "url": "https://www.brightdesk.test/blog/$1", "status_code": 301 } } ] }
        ]
    })
}

/// The well-configured zone of the lab's good domain.
fn good_zone() -> Value {
    let d = super::GOOD_DOMAIN;
    json!({
        "id": "9a8b7c6d5e4f40312a1b2c3d4e5f6a7b",
        "name": d,
        "status": "active",
        "plan": { "name": "Pro Website" },
        "settings": [
            setting("ssl", "strict"),
            setting("always_use_https", "on"),
            setting("min_tls_version", "1.2"),
            setting("development_mode", "off"),
            setting("security_level", "medium"),
            setting("browser_check", "on"),
        ],
        "fight_mode": true,
        "records": [
            record(1, d, "A", "127.0.0.1", Some(true)),
            record(2, d, "AAAA", "::1", Some(true)),
            record(3, &format!("www.{d}"), "CNAME", d, Some(true)),
            record(4, d, "MX", &format!("mx.{d}"), None),
            record(5, d, "TXT", "v=spf1 -all", None),
        ],
        "http_ratelimit": [
            { "id": "rl1", "description": "Login and API bursts", "expression": "(starts_with(http.request.uri.path, \"/login\") or starts_with(http.request.uri.path, \"/api/\"))", "action": "block", "enabled": true, "ratelimit": { "period": 10, "requests_per_period": 20 } }
        ],
        "http_request_cache_settings": [
            { "id": "cr1", "description": "Cache static assets", "expression": "(http.request.uri.path.extension in {\"js\" \"css\" \"woff2\" \"png\" \"svg\"})", "action": "set_cache_settings", "enabled": true, "action_parameters": { "cache": true, "edge_ttl": { "mode": "override_origin", "default": 86400 } } }
        ],
        "pagerules": []
    })
}

/// A running fake.
pub struct FakeCloudflare {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
    stop: CancellationToken,
}

struct State {
    config: FakeConfig,
    limited_once: AtomicBool,
    seen: Arc<Mutex<Vec<String>>>,
}

impl FakeCloudflare {
    /// Starts on a free loopback port.
    pub async fn start(config: FakeConfig) -> Result<FakeCloudflare, crate::LabError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(crate::LabError::CloudflareFake)?;
        let addr = listener.local_addr().map_err(crate::LabError::Socket)?;
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let state = Arc::new(State {
            config,
            limited_once: AtomicBool::new(false),
            seen: seen.clone(),
        });
        let stop = CancellationToken::new();
        let c = stop.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = tokio::select! {
                    () = c.cancelled() => return,
                    a = listener.accept() => match a { Ok(x) => x, Err(_) => continue },
                };
                let state = state.clone();
                tokio::spawn(async move {
                    let Some(req) = read_request(&mut stream).await else {
                        return;
                    };
                    let (status, retry_after, body) = answer(&state, &req);
                    write_json(&mut stream, status, retry_after, &body).await;
                });
            }
        });
        Ok(FakeCloudflare { addr, seen, stop })
    }

    /// The API base URL to give `--cloudflare-api` or a session's `cloudflare_api`.
    pub fn url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.addr)
    }

    /// Every request target served so far (paths and queries; never a header).
    pub fn requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }
}

impl Drop for FakeCloudflare {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn envelope_error(code: u32, message: &str) -> Value {
    json!({ "success": false, "errors": [ { "code": code, "message": message } ], "messages": [], "result": null })
}

fn ok(result: Value) -> Value {
    json!({ "success": true, "errors": [], "messages": [], "result": result })
}

/// One page of `items` as the API lists them.
fn page(items: &[Value], query: &[(String, String)]) -> Value {
    let get = |k: &str| {
        query
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let per_page = get("per_page").unwrap_or(20).clamp(1, MAX_PER_PAGE);
    let page = get("page").unwrap_or(1).max(1);
    let start = (page - 1).saturating_mul(per_page).min(items.len());
    let end = (start + per_page).min(items.len());
    let slice = &items[start..end];
    json!({
        "success": true, "errors": [], "messages": [],
        "result": slice,
        "result_info": {
            "page": page, "per_page": per_page, "count": slice.len(),
            "total_count": items.len(), "total_pages": items.len().div_ceil(per_page).max(1)
        }
    })
}

fn answer(state: &State, req: &super::hook::Request) -> (u16, Option<u32>, Value) {
    let url = reqwest::Url::parse(&format!("http://fake{}", req.target)).ok();
    let path = url.as_ref().map_or(String::new(), |u| u.path().to_string());
    let query: Vec<(String, String)> = url
        .as_ref()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    state
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(req.target.clone());
    if req.method != "GET" {
        return (
            405,
            None,
            envelope_error(10000, "this fake is read-only: GET only"),
        );
    }
    let Some(rest) = path.strip_prefix(BASE_PATH) else {
        return (404, None, envelope_error(7000, "No route for that URI"));
    };
    let token = req
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .and_then(|(_, v)| v.strip_prefix("Bearer "))
        .map(str::trim);
    let perms = token.and_then(|t| {
        state
            .config
            .tokens
            .iter()
            .find(|(known, _)| known == t)
            .map(|(_, p)| p)
    });
    let Some(perms) = perms else {
        return if rest == "/user/tokens/verify" {
            (401, None, envelope_error(1000, "Invalid API Token"))
        } else {
            (403, None, envelope_error(9109, "Invalid access token"))
        };
    };
    let denied = || (403, None, envelope_error(10000, "Authentication error"));
    let segments: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["user", "tokens", "verify"] => (
            200,
            None,
            ok(json!({ "id": "lab-token", "status": "active" })),
        ),
        ["zones"] => {
            if !perms.contains(&Permission::Zone) {
                return denied();
            }
            let name = query.iter().find(|(k, _)| k == "name").map(|(_, v)| v);
            let zones: Vec<Value> = state
                .config
                .zones
                .iter()
                .filter(|z| name.is_none_or(|n| z["name"] == n.as_str()))
                .map(|z| json!({ "id": z["id"], "name": z["name"], "status": z["status"], "plan": z["plan"] }))
                .collect();
            (200, None, page(&zones, &query))
        }
        ["zones", id, tail @ ..] => {
            let Some(zone) = state.config.zones.iter().find(|z| z["id"] == *id) else {
                return (
                    404,
                    None,
                    envelope_error(
                        7003,
                        "Could not route to the zone, perhaps your object identifier is invalid?",
                    ),
                );
            };
            zone_part(state, zone, perms, tail, &query)
        }
        _ => (404, None, envelope_error(7000, "No route for that URI")),
    }
}

fn zone_part(
    state: &State,
    zone: &Value,
    perms: &[Permission],
    tail: &[&str],
    query: &[(String, String)],
) -> (u16, Option<u32>, Value) {
    let need = |p: Permission| perms.contains(&p);
    let denied = (403, None, envelope_error(10000, "Authentication error"));
    match tail {
        ["settings"] if need(Permission::ZoneSettings) => (200, None, ok(zone["settings"].clone())),
        ["bot_management"] if need(Permission::BotManagement) => (
            200,
            None,
            ok(json!({ "fight_mode": zone["fight_mode"], "enable_js": true })),
        ),
        ["dns_records"] if need(Permission::Dns) => {
            if state.config.rate_limit_once && !state.limited_once.swap(true, Ordering::Relaxed) {
                return (
                    429,
                    Some(1),
                    envelope_error(
                        971,
                        "Please wait and consider throttling your request speed",
                    ),
                );
            }
            let records = zone["records"].as_array().cloned().unwrap_or_default();
            (200, None, page(&records, query))
        }
        ["rulesets", "phases", phase, "entrypoint"] => {
            let perm = match *phase {
                "http_ratelimit" => Permission::ZoneWaf,
                "http_request_cache_settings" => Permission::CacheRules,
                _ => {
                    return (
                        404,
                        None,
                        envelope_error(10003, "could not find entrypoint ruleset"),
                    );
                }
            };
            if !need(perm) {
                return denied;
            }
            match zone.get(*phase) {
                Some(rules) => (
                    200,
                    None,
                    ok(
                        json!({ "id": format!("rs-{phase}"), "name": "default", "kind": "zone", "phase": phase, "rules": rules }),
                    ),
                ),
                None => (
                    404,
                    None,
                    envelope_error(10003, "could not find entrypoint ruleset in the zone"),
                ),
            }
        }
        ["pagerules"] if need(Permission::PageRules) => (200, None, ok(zone["pagerules"].clone())),
        ["settings" | "bot_management" | "dns_records" | "pagerules"] => denied,
        _ => (404, None, envelope_error(7000, "No route for that URI")),
    }
}

async fn write_json(stream: &mut TcpStream, status: u16, retry_after: Option<u32>, body: &Value) {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let body = body.to_string();
    let retry = retry_after.map_or(String::new(), |s| format!("Retry-After: {s}\r\n"));
    let msg = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{retry}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.write_all(msg.as_bytes())).await;
    let _ = stream.shutdown().await;
}
