//! The cloudflare family: a read-only audit of the apex's zone through the API v4 and a
//! token the user grants (Zone Read, Zone Settings Read, DNS Read and the rules' Read
//! permissions). `api` speaks the protocol, `read` here gathers the facts part by part,
//! `judge` turns them into findings.
//!
//! The order matters for what a bad token can say: the token is verified first (a refused
//! token is `cloudflare.token_rejected` and nothing else is asked), then the zone is
//! looked up by name, then the parts are read concurrently. A part answered 403 is not
//! judged and named in `cloudflare.scope_missing`; a part that failed otherwise makes the
//! whole check an error, with what was judged kept beside it. Never a write.

pub mod api;
pub mod judge;

use crate::judged::Judged;
use api::{Api, ApiError};
use futures::future::BoxFuture;
pub use judge::OriginStatic;
use judge::{Facts, OriginRedirect, Part, Record, Rule, Settings, Zone};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{CloudflareEvidence, Observed, UnreadPart, ZoneEvidence};
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::session::model::CheckOutcome;
use serde::Deserialize;

/// The keyring credential holding the token.
pub const CREDENTIAL: &str = "cloudflare-token";
/// The environment variable CI sets instead.
pub const ENV_VAR: &str = "CLOUDFLARE_API_TOKEN";
/// Where the API lives unless a session or `--cloudflare-api` says otherwise.
pub const DEFAULT_API: &str = "https://api.cloudflare.com/client/v4";
/// The permissions a token needs, as the dashboard's token form names them.
pub const SCOPES: &[&str] = &[
    "Zone → Zone → Read",
    "Zone → Zone Settings → Read",
    "Zone → DNS → Read",
    "Zone → Zone WAF → Read (rate limiting rules)",
    "Zone → Cache Rules → Read",
    "Zone → Page Rules → Read",
    "Zone → Bot Management → Read",
];

/// The permissions in one line, for the credentials form.
pub const SCOPES_HINT: &str = "Cloudflare token: grant Read on Zone, Zone Settings, DNS, Zone WAF, Cache Rules, Page Rules and Bot Management (nothing else). Saving it asks Cloudflare whether it is valid.";

const KIND: KindId = KindId::CloudflareZone;

const SCOPE_ZONE: &str = "Zone → Zone → Read";
const SCOPE_SETTINGS: &str = "Zone → Zone Settings → Read";
const SCOPE_DNS: &str = "Zone → DNS → Read";
const SCOPE_WAF: &str = "Zone → Zone WAF → Read";
const SCOPE_CACHE: &str = "Zone → Cache Rules → Read";
const SCOPE_PAGE_RULES: &str = "Zone → Page Rules → Read";
const SCOPE_BOTS: &str = "Zone → Bot Management → Read";

/// What the audit runs against besides the API.
pub struct Audit<'a> {
    pub apex: &'a str,
    /// The session's web hosts whose records must be proxied.
    pub web_hosts: Vec<String>,
    /// A client for `http://HOST/` (port 80 of the run's network), to see whether the
    /// origin redirects when "Always Use HTTPS" is off.
    pub origin: Option<reqwest::Client>,
}

/// The outcome when no token is available: skipped for want of the credential, never a
/// pass (the verdict counts it as not checked, naming the credential).
pub fn no_token(apex: &str, why: &str) -> CheckOutcome {
    let mut o = Judged::start(KIND, apex).finish("");
    o.status = CheckStatus::Skipped;
    o.summary = format!(
        "add a {CREDENTIAL} credential (or set {ENV_VAR}) to audit the Cloudflare zone: {why}"
    );
    o.needs_credential = Some(CREDENTIAL.to_string());
    o
}

/// What `/user/tokens/verify` says of a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verified {
    Active,
    /// The token is known but not usable (disabled, expired).
    Inactive(String),
    Rejected(String),
}

#[derive(Deserialize)]
struct VerifyDto {
    #[serde(default)]
    status: String,
}

/// Asks the API whether the token is valid. Transport failures are errors, not verdicts.
pub async fn verify(api: &Api) -> Result<Verified, ApiError> {
    match api.get::<VerifyDto>("/user/tokens/verify", &[]).await {
        Ok((v, _)) if v.status == "active" => Ok(Verified::Active),
        Ok((v, _)) => Ok(Verified::Inactive(v.status)),
        Err(ApiError::Unauthorized(m) | ApiError::Forbidden(m)) => Ok(Verified::Rejected(m)),
        Err(e) => Err(e),
    }
}

/// The audit of `a.apex`'s zone. `origin_static`, when given, reads whether the origin's
/// static assets carry caching lifetimes; it runs concurrently with the API reads.
///
/// When the API is not the public one, every outcome (errors included) names its host in
/// the summary and the evidence: the token went there, and a session or flag pointing it
/// somewhere unexpected must not go unnoticed.
pub async fn audit(
    api: &Api,
    a: &Audit<'_>,
    origin_static: Option<BoxFuture<'_, Result<OriginStatic, String>>>,
) -> CheckOutcome {
    let mut o = audit_zone(api, a, origin_static).await;
    if let Some(host) = api.elsewhere() {
        o.summary = format!("{} (token sent to the API at {host})", o.summary);
        // An outcome that read no zone still says where the token went.
        match &mut o.evidence {
            Observed::Cloudflare(c) => c.api_host = Some(host),
            _ => {
                o.evidence = Observed::Cloudflare(Box::new(CloudflareEvidence {
                    zone: None,
                    api_host: Some(host),
                }));
            }
        }
    }
    o
}

async fn audit_zone(
    api: &Api,
    a: &Audit<'_>,
    origin_static: Option<BoxFuture<'_, Result<OriginStatic, String>>>,
) -> CheckOutcome {
    let mut j = Judged::start(KIND, a.apex);
    match verify(api).await {
        Ok(Verified::Active) => {}
        Ok(Verified::Inactive(status)) => {
            j.push(rejected(format!("the API token is {status}")));
            return j.finish("");
        }
        Ok(Verified::Rejected(m)) => {
            j.push(rejected(format!("the API refused the token: {m}")));
            return j.finish("");
        }
        Err(e) => return j.error(format!("cannot verify the token: {e}")),
    }
    let zone = match find_zone(api, a.apex).await {
        Ok(Some(z)) => z,
        Ok(None) => {
            j.push(Finding::new(
                Code::CloudflareZoneMissing,
                format!(
                    "{} is not a zone the token can see (not on this Cloudflare account, or the token is limited to other zones)",
                    a.apex
                )));
            return j.finish("");
        }
        Err(ApiError::Forbidden(_)) => {
            j.push(rejected(format!(
                "the token cannot list zones, which every part needs (add {SCOPE_ZONE})"
            )));
            return j.finish("");
        }
        Err(ApiError::Unauthorized(m)) => {
            j.push(rejected(format!("the API refused the token: {m}")));
            return j.finish("");
        }
        Err(e) => return j.error(format!("cannot look the zone up: {e}")),
    };
    let (facts, origin_static) = tokio::join!(read(api, a, zone), async move {
        match origin_static {
            Some(f) => Some(f.await),
            None => None,
        }
    });
    let facts = Facts {
        origin_static,
        ..facts
    };
    let retries = api.retries.load(std::sync::atomic::Ordering::Relaxed);
    for f in judge::judge(&facts) {
        j.push(f);
    }
    let failed = judge::failures(&facts);
    j.observed(Observed::Cloudflare(Box::new(CloudflareEvidence {
        zone: Some(zone_evidence(&facts, retries)),
        // Set by `audit` for every outcome, not only this one.
        api_host: None,
    })));
    let mut o = j.finish("the zone is configured as the launch bar asks");
    if !failed.is_empty() {
        // Findings of the parts read are kept; the check did not see everything it was
        // asked to, so it cannot pass or fail on its own.
        o.status = CheckStatus::Error;
        o.summary = format!("could not read {}", failed.join("; "));
    }
    o
}

fn rejected(message: String) -> Finding {
    Finding::new(Code::CloudflareTokenRejected, message)
}

#[derive(Deserialize)]
struct ZoneDto {
    id: String,
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    plan: Option<NameDto>,
}

#[derive(Deserialize)]
struct NameDto {
    #[serde(default)]
    name: String,
}

async fn find_zone(api: &Api, apex: &str) -> Result<Option<Zone>, ApiError> {
    let name = apex.trim_end_matches('.').to_ascii_lowercase();
    let (zones, _): (Vec<ZoneDto>, _) = api.get("/zones", &[("name", name.clone())]).await?;
    Ok(zones
        .into_iter()
        .find(|z| z.name.eq_ignore_ascii_case(&name))
        .map(|z| Zone {
            id: z.id,
            name: z.name,
            status: z.status,
            plan: z.plan.map(|p| p.name).filter(|n| !n.is_empty()),
        }))
}

/// A call's result as a `Part`: 403 is the missing `scope`, 404 is `empty` (a phase with
/// no entrypoint ruleset has no rules).
fn part<T>(r: Result<T, ApiError>, scope: &'static str, empty: Option<T>) -> Part<T> {
    match r {
        Ok(t) => Part::Read(t),
        Err(ApiError::Forbidden(_)) => Part::NoScope { scope },
        Err(ApiError::NotFound(m)) => match empty {
            Some(e) => Part::Read(e),
            None => Part::Failed(format!("not found ({m})")),
        },
        Err(e) => Part::Failed(e.to_string()),
    }
}

#[derive(Deserialize)]
struct SettingDto {
    id: String,
    #[serde(default)]
    value: serde_json::Value,
}

#[derive(Deserialize)]
struct BotDto {
    #[serde(default)]
    fight_mode: bool,
}

#[derive(Deserialize)]
struct RecordDto {
    name: String,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    proxied: bool,
}

#[derive(Deserialize)]
struct RulesetDto {
    #[serde(default)]
    rules: Vec<RuleDto>,
}

#[derive(Deserialize)]
struct RuleDto {
    #[serde(default)]
    description: String,
    #[serde(default)]
    expression: String,
    #[serde(default)]
    action: String,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    action_parameters: serde_json::Value,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct PageRuleDto {
    #[serde(default)]
    targets: Vec<PageTargetDto>,
    #[serde(default)]
    actions: Vec<PageActionDto>,
    #[serde(default)]
    status: String,
}

#[derive(Deserialize)]
struct PageTargetDto {
    #[serde(default)]
    constraint: PageConstraintDto,
}

#[derive(Deserialize, Default)]
struct PageConstraintDto {
    #[serde(default)]
    value: String,
}

#[derive(Deserialize)]
struct PageActionDto {
    id: String,
    #[serde(default)]
    value: serde_json::Value,
}

fn setting_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn settings_from(list: Vec<SettingDto>) -> Settings {
    let get = |id: &str| {
        list.iter()
            .find(|s| s.id == id)
            .and_then(|s| setting_text(&s.value))
    };
    Settings {
        ssl: get("ssl"),
        always_use_https: get("always_use_https"),
        min_tls_version: get("min_tls_version"),
        development_mode: get("development_mode"),
        security_level: get("security_level"),
        browser_check: get("browser_check"),
    }
}

fn rules_from(set: RulesetDto) -> Vec<Rule> {
    set.rules
        .into_iter()
        .map(|r| {
            // A cache rule that turns caching off is a bypass, whatever it matches.
            let bypass = r.action == "set_cache_settings"
                && r.action_parameters.get("cache") == Some(&serde_json::Value::Bool(false));
            Rule {
                description: r.description,
                expression: r.expression,
                action: if bypass { "bypass".into() } else { r.action },
                enabled: r.enabled,
            }
        })
        .collect()
}

fn page_rules_from(list: Vec<PageRuleDto>) -> Vec<Rule> {
    list.into_iter()
        .map(|p| {
            let caches = p.actions.iter().any(|a| match a.id.as_str() {
                "cache_level" => a.value.as_str() == Some("cache_everything"),
                "edge_cache_ttl" | "browser_cache_ttl" => true,
                _ => false,
            });
            let bypass = p
                .actions
                .iter()
                .any(|a| a.id == "cache_level" && a.value.as_str() == Some("bypass"));
            let action = match (caches, bypass) {
                (_, true) => "bypass",
                (true, false) => "cache",
                (false, false) => "other",
            };
            Rule {
                description: String::new(),
                expression: p
                    .targets
                    .iter()
                    .map(|t| t.constraint.value.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                action: action.into(),
                enabled: p.status == "active",
            }
        })
        .collect()
}

/// Reads every part of the zone, concurrently.
async fn read(api: &Api, a: &Audit<'_>, zone: Zone) -> Facts {
    let z = format!("/zones/{}", zone.id);
    let settings = async {
        let r = api
            .get::<Vec<SettingDto>>(&format!("{z}/settings"), &[])
            .await;
        part(r.map(|(l, _)| settings_from(l)), SCOPE_SETTINGS, None)
    };
    let bots = async {
        let r = api.get::<BotDto>(&format!("{z}/bot_management"), &[]).await;
        part(r.map(|(b, _)| b.fight_mode), SCOPE_BOTS, None)
    };
    let records = async {
        let r = api
            .get_all::<RecordDto>(&format!("{z}/dns_records"), &[])
            .await;
        part(r, SCOPE_DNS, None)
    };
    let ruleset = |phase: &'static str, scope: &'static str| {
        let path = format!("{z}/rulesets/phases/{phase}/entrypoint");
        async move {
            let r = api.get::<RulesetDto>(&path, &[]).await;
            part(r.map(|(s, _)| rules_from(s)), scope, Some(Vec::new()))
        }
    };
    let page_rules = async {
        let r = api
            .get::<Vec<PageRuleDto>>(&format!("{z}/pagerules"), &[("status", "active".into())])
            .await;
        part(r.map(|(l, _)| page_rules_from(l)), SCOPE_PAGE_RULES, None)
    };
    let (settings, bot_fight_mode, records, rate_limit_rules, cache_rules, page_rules) = tokio::join!(
        settings,
        bots,
        records,
        ruleset("http_ratelimit", SCOPE_WAF),
        ruleset("http_request_cache_settings", SCOPE_CACHE),
        page_rules,
    );
    let (records, records_partial) = match records {
        Part::Read((list, partial)) => (
            Part::Read(
                list.into_iter()
                    .map(|r| Record {
                        name: r.name,
                        kind: r.kind,
                        content: r.content,
                        proxied: r.proxied,
                    })
                    .collect(),
            ),
            partial,
        ),
        Part::NoScope { scope } => (Part::NoScope { scope }, false),
        Part::Failed(e) => (Part::Failed(e), false),
    };
    let https_off = settings
        .read()
        .is_some_and(|s| s.always_use_https.as_deref() == Some("off"));
    let origin_redirects = if https_off {
        origin_redirects(a).await
    } else {
        Vec::new()
    };
    Facts {
        zone,
        settings,
        bot_fight_mode,
        records,
        records_partial,
        rate_limit_rules,
        cache_rules,
        page_rules,
        web_hosts: a.web_hosts.clone(),
        origin_redirects,
        origin_static: None,
    }
}

/// Whether `http://HOST/` redirects to HTTPS, for the apex and www among the web hosts.
async fn origin_redirects(a: &Audit<'_>) -> Vec<OriginRedirect> {
    let Some(client) = &a.origin else {
        return Vec::new();
    };
    let hosts: Vec<&String> = a
        .web_hosts
        .iter()
        .filter(|h| {
            h.eq_ignore_ascii_case(a.apex) || h.eq_ignore_ascii_case(&format!("www.{}", a.apex))
        })
        .collect();
    let probes = hosts.into_iter().map(|host| async move {
        let r = client.get(format!("http://{host}/")).send().await;
        let (redirects, note) = match r {
            Ok(resp) => {
                let to_https = resp.status().is_redirection()
                    && resp
                        .headers()
                        .get(reqwest::header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .is_some_and(|l| l.starts_with("https://"));
                let note = if to_https {
                    "redirects to HTTPS".to_string()
                } else {
                    format!(
                        "answers {} without redirecting to HTTPS",
                        resp.status().as_u16()
                    )
                };
                (Some(to_https), note)
            }
            Err(e) => (
                None,
                format!(
                    "could not be reached to see whether it redirects ({})",
                    if e.is_timeout() {
                        "timeout"
                    } else {
                        "no connection"
                    }
                ),
            ),
        };
        OriginRedirect {
            host: host.clone(),
            redirects,
            note,
        }
    });
    futures::future::join_all(probes).await
}

/// What the audit read of the zone, as the outcome's evidence.
fn zone_evidence(f: &Facts, api_retries: u32) -> ZoneEvidence {
    let s = f.settings.read().cloned().unwrap_or_default();
    let names = |p: &Part<Vec<Rule>>| -> Vec<String> {
        p.read()
            .map(|rules| {
                rules
                    .iter()
                    .map(|r| {
                        if r.description.is_empty() {
                            r.expression.clone()
                        } else {
                            r.description.clone()
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    ZoneEvidence {
        name: f.zone.name.clone(),
        status: Some(f.zone.status.clone()),
        plan: f.zone.plan.clone(),
        ssl_mode: s.ssl,
        min_tls_version: s.min_tls_version,
        always_use_https: s.always_use_https,
        development_mode: s.development_mode,
        security_level: s.security_level,
        browser_check: s.browser_check,
        bot_fight_mode: f.bot_fight_mode.read().copied(),
        records: f
            .records
            .read()
            .map(|rs| {
                let listed: Vec<&Record> = rs
                    .iter()
                    .filter(|r| matches!(r.kind.as_str(), "A" | "AAAA" | "CNAME"))
                    .collect();
                judge::proxied_records(&listed)
            })
            .unwrap_or_default(),
        records_partial: f.records_partial,
        rate_limit_rules: names(&f.rate_limit_rules),
        cache_rules: names(&f.cache_rules),
        page_rules: names(&f.page_rules),
        unread: judge::unread(f)
            .into_iter()
            .map(|(part, reason)| UnreadPart { part, reason })
            .collect(),
        api_retries,
        origin_redirects: f.origin_redirects.clone(),
    }
}
