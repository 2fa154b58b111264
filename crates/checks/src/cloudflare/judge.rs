//! What the zone audit read, and the findings it leads to. Pure: the facts come from
//! `read` (or a test), so every rule here can be tested without an API.
//!
//! A part the token could not read is `Part::Unread` and is not judged: no finding says
//! anything about it except `cloudflare.scope_missing`, which names the permission to add.

use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    AlwaysHttpsDetail, MissingScope, MissingScopes, ProxiedRecord, RateLimitDetail,
    StaticCacheDetail, UnproxiedDetail,
};
pub use launch_ready_core::evidence::{OriginRedirect, OriginStatic};
use launch_ready_core::finding::{Finding, Severity};
use serde::Serialize;

/// One part of the zone's configuration as read, or why it was not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "value")]
pub enum Part<T> {
    Read(T),
    /// The API answered 403: the token lacks `scope`.
    NoScope {
        scope: &'static str,
    },
    /// Any other failure (transport, 5xx, 429 beyond the bound).
    Failed(String),
}

impl<T> Part<T> {
    pub fn read(&self) -> Option<&T> {
        match self {
            Part::Read(t) => Some(t),
            _ => None,
        }
    }

    fn reading(&self) -> Reading<'_> {
        match self {
            Part::Read(_) => Reading::Read,
            Part::NoScope { scope } => Reading::NoScope(scope),
            Part::Failed(e) => Reading::Failed(e),
        }
    }
}

/// How one part was read, without its data: what the reports of unread parts need.
enum Reading<'a> {
    Read,
    NoScope(&'static str),
    Failed(&'a str),
}

/// Every part the audit reads, by the name its reports give it.
fn readings(f: &Facts) -> [(&'static str, Reading<'_>); 6] {
    [
        ("zone settings", f.settings.reading()),
        ("bot fight mode", f.bot_fight_mode.reading()),
        ("DNS records", f.records.reading()),
        ("rate limiting rules", f.rate_limit_rules.reading()),
        ("cache rules", f.cache_rules.reading()),
        ("page rules", f.page_rules.reading()),
    ]
}

/// The zone itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Zone {
    pub id: String,
    pub name: String,
    pub status: String,
    pub plan: Option<String>,
}

/// The zone settings the audit judges (`None`: the API did not list it).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Settings {
    pub ssl: Option<String>,
    pub always_use_https: Option<String>,
    pub min_tls_version: Option<String>,
    pub development_mode: Option<String>,
    pub security_level: Option<String>,
    pub browser_check: Option<String>,
}

/// One address or alias record and whether traffic to it goes through the edge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    pub proxied: bool,
}

/// One rule of a ruleset phase (rate limiting, cache) or a page rule, reduced to what the
/// judge reads.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub description: String,
    pub expression: String,
    pub action: String,
    pub enabled: bool,
}

/// Everything read about one zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Facts {
    pub zone: Zone,
    pub settings: Part<Settings>,
    /// Bot Fight Mode.
    pub bot_fight_mode: Part<bool>,
    pub records: Part<Vec<Record>>,
    /// More DNS records than the page bound: the list is partial.
    pub records_partial: bool,
    pub rate_limit_rules: Part<Vec<Rule>>,
    pub cache_rules: Part<Vec<Rule>>,
    pub page_rules: Part<Vec<Rule>>,
    /// The session's web hosts whose records are judged.
    pub web_hosts: Vec<String>,
    /// Read only when "Always Use HTTPS" is off.
    pub origin_redirects: Vec<OriginRedirect>,
    /// The origin's own caching of static assets (`None`: not asked; `Err`: not read).
    pub origin_static: Option<Result<OriginStatic, String>>,
}

fn finding(code: Code, message: String) -> Finding {
    Finding::new(code, message)
}

/// Every finding the facts support.
pub fn judge(f: &Facts) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(s) = f.settings.read() {
        settings(f, s, &mut out);
    }
    if let Some(records) = f.records.read() {
        unproxied(&f.web_hosts, records, &mut out);
    }
    if let Some(rules) = f.rate_limit_rules.read()
        && !rules.iter().any(covers_auth_or_api)
    {
        out.push(
            finding(
                Code::CloudflareNoRateLimit,
                "no rate-limiting rule covers the login, auth or API routes".into(),
            )
            .with_detail(&RateLimitDetail {
                rate_limit_rules: rules.len(),
            }),
        );
    }
    static_cache(f, &mut out);
    let missing = missing_scopes(f);
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|(part, scope)| format!("{part} (add {scope})"))
            .collect();
        out.push(
            finding(
                Code::CloudflareScopeMissing,
                format!("the token cannot read: {}", list.join(", ")),
            )
            .with_detail(&MissingScopes {
                missing: missing
                    .iter()
                    .map(|(part, scope)| MissingScope {
                        part: (*part).to_string(),
                        scope: (*scope).to_string(),
                    })
                    .collect(),
            }),
        );
    }
    out
}

/// (part, permission to add) for every part answered 403.
pub fn missing_scopes(f: &Facts) -> Vec<(&'static str, &'static str)> {
    readings(f)
        .into_iter()
        .filter_map(|(part, r)| match r {
            Reading::NoScope(scope) => Some((part, scope)),
            _ => None,
        })
        .collect()
}

fn settings(f: &Facts, s: &Settings, out: &mut Vec<Finding>) {
    match s.ssl.as_deref() {
        Some(mode @ ("off" | "flexible")) => out.push(finding(
            Code::CloudflareSslNotStrict,
            format!(
                "SSL mode is `{mode}`: traffic between Cloudflare and the origin is not encrypted"
            ),
        )),
        Some("full") => out.push(
            finding(
                Code::CloudflareSslNotStrict,
                "SSL mode is `full`: the origin's certificate is not validated (use Full (strict))"
                    .into(),
            )
            .with_severity(Severity::Medium),
        ),
        _ => {}
    }
    if s.always_use_https.as_deref() == Some("off") {
        let not_redirecting: Vec<&OriginRedirect> = f
            .origin_redirects
            .iter()
            .filter(|o| o.redirects != Some(true))
            .collect();
        if f.origin_redirects.is_empty() || !not_redirecting.is_empty() {
            let hosts: Vec<String> = not_redirecting
                .iter()
                .map(|o| format!("http://{}/ {}", o.host, o.note))
                .collect();
            let tail = if hosts.is_empty() {
                String::new()
            } else {
                format!(" ({})", hosts.join("; "))
            };
            out.push(
                finding(
                    Code::CloudflareAlwaysHttpsOff,
                    format!("\"Always Use HTTPS\" is off and the origin does not redirect{tail}"),
                )
                .with_detail(&AlwaysHttpsDetail {
                    origin: not_redirecting.into_iter().cloned().collect(),
                }),
            );
        }
    }
    if let Some(v) = s.min_tls_version.as_deref()
        && matches!(v, "1.0" | "1.1")
    {
        out.push(finding(
            Code::CloudflareMinTlsOld,
            format!("minimum TLS version is {v} (set 1.2)"),
        ));
    }
    if s.development_mode.as_deref() == Some("on") {
        out.push(finding(
            Code::CloudflareDevelopmentMode,
            "development mode is on: the cache is bypassed".into(),
        ));
    }
    let level_off = s.security_level.as_deref() == Some("essentially_off");
    // Bot protection is off when the browser integrity check is off and Bot Fight Mode is
    // not known to be on.
    let bots_off =
        s.browser_check.as_deref() == Some("off") && f.bot_fight_mode.read().is_none_or(|on| !on);
    if level_off || bots_off {
        let mut what = Vec::new();
        if level_off {
            what.push("security level is `essentially_off`".to_string());
        }
        if bots_off {
            what.push(match f.bot_fight_mode.read() {
                Some(_) => "browser integrity check and Bot Fight Mode are off".to_string(),
                None => "browser integrity check is off (Bot Fight Mode not read)".to_string(),
            });
        }
        out.push(finding(Code::CloudflareSecurityLevelOff, what.join("; ")));
    }
}

/// Records as the evidence lists them.
pub fn proxied_records(records: &[&Record]) -> Vec<ProxiedRecord> {
    records
        .iter()
        .map(|r| ProxiedRecord {
            name: r.name.clone(),
            kind: r.kind.clone(),
            content: r.content.clone(),
            proxied: r.proxied,
        })
        .collect()
}

/// Record types the edge can proxy: the ones whose DNS-only state exposes an origin.
fn proxiable(r: &Record) -> bool {
    matches!(r.kind.as_str(), "A" | "AAAA" | "CNAME")
}

fn host_name(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// First labels of names that carry mail: the edge proxies HTTP only, so these are
/// DNS-only by necessity even when no MX or SPF record of this zone names them (the MX
/// may point at a provider's name while the zone keeps its own `mail.`).
const MAIL_LABELS: &[&str] = &[
    "mail",
    "smtp",
    "imap",
    "pop",
    "pop3",
    "mx",
    "autodiscover",
    "autoconfig",
];

/// The zone's mail hosts: MX targets and the hosts an SPF record names with `a:`.
/// (`mx:DOMAIN` and `include:` name domains whose own records say where mail goes, not
/// hosts of this zone.)
fn mail_hosts(records: &[Record]) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for r in records {
        match r.kind.as_str() {
            "MX" => {
                // The API gives the target alone; a zone file form would put the
                // priority first.
                if let Some(target) = r.content.split_whitespace().last() {
                    out.insert(host_name(target));
                }
            }
            "TXT" => {
                let text = r.content.trim().trim_matches('"');
                if !text.to_ascii_lowercase().starts_with("v=spf1") {
                    continue;
                }
                for term in text.split_whitespace() {
                    let term = term.trim_start_matches(['+', '-', '~', '?']);
                    if let Some(rest) = term
                        .get(..2)
                        .filter(|p| p.eq_ignore_ascii_case("a:"))
                        .map(|_| &term[2..])
                    {
                        let host = rest.split('/').next().unwrap_or(rest);
                        out.insert(host_name(host));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Why an undeclared DNS-only name is not judged at all, if it is not.
fn not_a_web_name(host: &str, mail: &std::collections::BTreeSet<String>) -> bool {
    let first = host.split('.').next().unwrap_or("");
    let mail_label = MAIL_LABELS.contains(&first)
        || first
            .strip_prefix("mx")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    // Names with an `_` label (DKIM keys, ACME challenges, SRV-style names) are records
    // for machines reading DNS, never web hosts, and the edge will not proxy them.
    let service = host.split('.').any(|l| l.starts_with('_'));
    mail.contains(host) || mail_label || service
}

/// Every DNS-only address or alias record of the zone. Names the session declared (and
/// the usual web names) are web hosts and are judged at the contract severity; any other
/// name is judged lower, saying why, since it may be a web host nobody listed (an admin
/// panel, a staging copy) or a service that cannot be proxied; mail hosts are never judged.
fn unproxied(web_hosts: &[String], records: &[Record], out: &mut Vec<Finding>) {
    let declared: Vec<String> = web_hosts.iter().map(|h| host_name(h)).collect();
    let mail = mail_hosts(records);
    // Names in the order they are reported: the declared hosts first, in their order,
    // then the others as the zone lists them.
    let mut names: Vec<String> = declared.clone();
    for r in records.iter().filter(|r| proxiable(r) && !r.proxied) {
        let n = host_name(&r.name);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    for host in names {
        let dns_only: Vec<&Record> = records
            .iter()
            .filter(|r| host_name(&r.name) == host && proxiable(r) && !r.proxied)
            .collect();
        let Some(first) = dns_only.first() else {
            continue;
        };
        if declared.contains(&host) {
            out.push(
                finding(Code::CloudflareRecordUnproxied, format!(
                        "{host}: {} record is DNS-only, so the origin address is public and unprotected",
                        first.kind
                    ))
                .with_detail(&UnproxiedDetail {
                    host: host.clone(),
                    records: proxied_records(&dns_only),
                    declared: true,
                    reason: None,
                }),
            );
        } else if !not_a_web_name(&host, &mail) {
            out.push(
                finding(Code::CloudflareRecordUnproxied, format!(
                        "{host}: {} record is DNS-only, so its origin address is public (not a declared web host: proxy it if it serves the web, or add it to the targets)",
                        first.kind
                    )).with_severity(Severity::Low)
                .with_detail(&UnproxiedDetail {
                    host: host.clone(),
                    records: proxied_records(&dns_only),
                    declared: false,
                    reason: Some("not a declared web host".into()),
                }),
            );
        }
    }
}

/// Path fragments of the routes a rate limit should cover.
const AUTH_OR_API: &[&str] = &[
    "/login",
    "/signin",
    "/sign-in",
    "/auth",
    "/session",
    "/token",
    "/password",
    "/signup",
    "/register",
    "/api",
];

/// Markers of a rule aimed at static assets.
const STATIC_MARKERS: &[&str] = &[
    "/static",
    "/assets",
    "/_next/static",
    "/build/",
    "/dist/",
    ".js",
    ".css",
    "\"js\"",
    "\"css\"",
    "\"woff2\"",
    "\"png\"",
    "\"svg\"",
];

fn covers_auth_or_api(r: &Rule) -> bool {
    let e = r.expression.to_ascii_lowercase();
    r.enabled && (AUTH_OR_API.iter().any(|p| e.contains(p)) || e.trim() == "true")
}

fn caches_static(r: &Rule) -> bool {
    let e = r.expression.to_ascii_lowercase();
    r.enabled
        && !matches!(r.action.as_str(), "bypass" | "other")
        && STATIC_MARKERS.iter().any(|m| e.contains(m))
}

fn static_cache(f: &Facts, out: &mut Vec<Finding>) {
    let cache = f.cache_rules.read();
    let pages = f.page_rules.read();
    let found = cache.is_some_and(|r| r.iter().any(caches_static))
        || pages.is_some_and(|r| r.iter().any(caches_static));
    // Judged only when both places were read (a rule may hide in the unread one).
    if found || cache.is_none() || pages.is_none() {
        return;
    }
    let origin = match &f.origin_static {
        // The origin gives every asset read a lifetime: the edge caches them anyway.
        Some(Ok(o)) if o.checked > 0 && o.uncached == 0 => return,
        Some(Ok(o)) if o.checked > 0 => format!(
            "and {} of {} static assets of {} have no caching lifetime at the origin",
            o.uncached, o.checked, o.page
        ),
        Some(Ok(o)) => format!("and no static asset of {} could be read", o.page),
        Some(Err(e)) => format!("and the origin's assets could not be read ({e})"),
        None => "(the origin's cache headers were not read)".to_string(),
    };
    out.push(
        finding(
            Code::CloudflareNoStaticCacheRule,
            format!("no cache rule or page rule caches the static assets, {origin}"),
        )
        .with_detail(&StaticCacheDetail {
            origin: f.origin_static.clone(),
        }),
    );
}

/// What could not be read and why, as (part, reason), for the evidence.
pub fn unread(f: &Facts) -> Vec<(String, String)> {
    readings(f)
        .into_iter()
        .filter_map(|(part, r)| match r {
            Reading::Read => None,
            Reading::NoScope(scope) => Some((
                part.to_string(),
                format!("no permission (add {scope}); not judged"),
            )),
            Reading::Failed(e) => Some((part.to_string(), format!("{e}; not judged"))),
        })
        .collect()
}

/// Parts that failed for another reason than a missing permission.
pub fn failures(f: &Facts) -> Vec<String> {
    readings(f)
        .into_iter()
        .filter_map(|(part, r)| match r {
            Reading::Failed(e) => Some(format!("{part}: {e}")),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(expr: &str) -> Rule {
        Rule {
            description: String::new(),
            expression: expr.into(),
            action: "block".into(),
            enabled: true,
        }
    }

    fn good() -> Facts {
        Facts {
            zone: Zone {
                id: "z".into(),
                name: "a.test".into(),
                status: "active".into(),
                plan: Some("Pro".into()),
            },
            settings: Part::Read(Settings {
                ssl: Some("strict".into()),
                always_use_https: Some("on".into()),
                min_tls_version: Some("1.2".into()),
                development_mode: Some("off".into()),
                security_level: Some("medium".into()),
                browser_check: Some("on".into()),
            }),
            bot_fight_mode: Part::Read(true),
            records: Part::Read(vec![Record {
                name: "a.test".into(),
                kind: "A".into(),
                content: "192.0.2.1".into(),
                proxied: true,
            }]),
            records_partial: false,
            rate_limit_rules: Part::Read(vec![rule("http.request.uri.path eq \"/login\"")]),
            cache_rules: Part::Read(vec![rule(
                "http.request.uri.path.extension in {\"js\" \"css\"}",
            )]),
            page_rules: Part::Read(vec![]),
            web_hosts: vec!["a.test".into()],
            origin_redirects: vec![],
            origin_static: None,
        }
    }

    fn codes(f: &Facts) -> Vec<String> {
        judge(f).into_iter().map(|f| f.code.to_string()).collect()
    }

    #[test]
    fn a_good_zone_has_no_finding() {
        assert!(codes(&good()).is_empty());
    }

    #[test]
    fn full_without_strict_is_medium_flexible_a_blocker() {
        let mut f = good();
        let Part::Read(s) = &mut f.settings else {
            unreachable!()
        };
        s.ssl = Some("full".into());
        assert_eq!(judge(&f)[0].severity, Severity::Medium);
        let Part::Read(s) = &mut f.settings else {
            unreachable!()
        };
        s.ssl = Some("flexible".into());
        assert_eq!(judge(&f)[0].severity, Severity::Blocker);
    }

    #[test]
    fn always_https_off_is_forgiven_when_the_origin_redirects() {
        let mut f = good();
        let Part::Read(s) = &mut f.settings else {
            unreachable!()
        };
        s.always_use_https = Some("off".into());
        f.origin_redirects = vec![OriginRedirect {
            host: "a.test".into(),
            redirects: Some(true),
            note: String::new(),
        }];
        assert!(codes(&f).is_empty());
        f.origin_redirects[0].redirects = Some(false);
        assert_eq!(codes(&f), ["cloudflare.always_https_off"]);
    }

    #[test]
    fn unread_parts_are_not_judged_and_name_their_scope() {
        let mut f = good();
        f.records = Part::NoScope {
            scope: "Zone → DNS → Read",
        };
        f.cache_rules = Part::NoScope {
            scope: "Zone → Cache Rules → Read",
        };
        let out = judge(&f);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].code, "cloudflare.scope_missing");
        assert!(
            out[0]
                .message
                .contains("DNS records (add Zone → DNS → Read)")
        );
        assert_eq!(unread(&f).len(), 2);
    }

    #[test]
    fn no_cache_rule_is_forgiven_when_the_origin_sets_lifetimes() {
        let mut f = good();
        f.cache_rules = Part::Read(vec![]);
        assert_eq!(codes(&f), ["cloudflare.no_static_cache_rule"]);
        let origin = |uncached| {
            Some(Ok(OriginStatic {
                page: "https://a.test/".into(),
                checked: 3,
                uncached,
            }))
        };
        f.origin_static = origin(0);
        assert!(codes(&f).is_empty());
        f.origin_static = origin(2);
        assert!(judge(&f)[0].message.ends_with(
            "and 2 of 3 static assets of https://a.test/ have no caching lifetime at the origin"
        ));
    }

    fn rec(name: &str, kind: &str, content: &str, proxied: bool) -> Record {
        Record {
            name: name.into(),
            kind: kind.into(),
            content: content.into(),
            proxied,
        }
    }

    /// (host, severity, message) of every unproxied finding.
    fn unproxied_of(f: &Facts) -> Vec<(String, Severity, String)> {
        judge(f)
            .into_iter()
            .filter(|x| x.code == "cloudflare.record_unproxied")
            .map(|x| {
                (
                    x.detail::<UnproxiedDetail>().unwrap().host,
                    x.severity,
                    x.message,
                )
            })
            .collect()
    }

    #[test]
    fn every_dns_only_web_record_is_judged_declared_hosts_at_the_contract_severity() {
        let mut f = good();
        f.records = Part::Read(vec![
            rec("a.test", "A", "192.0.2.1", true),
            rec("www.a.test", "CNAME", "a.test", false),
            rec("admin.a.test", "A", "192.0.2.2", false),
            rec("staging.a.test", "AAAA", "2001:db8::2", false),
            rec("shop.a.test", "CNAME", "shops.example", true),
        ]);
        f.web_hosts = vec!["a.test".into(), "www.a.test".into()];
        let out = unproxied_of(&f);
        let hosts: Vec<&str> = out.iter().map(|(h, _, _)| h.as_str()).collect();
        assert_eq!(hosts, ["www.a.test", "admin.a.test", "staging.a.test"]);
        assert_eq!(out[0].1, Severity::Medium);
        for (host, severity, message) in &out[1..] {
            assert_eq!(*severity, Severity::Low, "{host}");
            assert!(message.contains("not a declared web host"), "{message}");
        }
    }

    #[test]
    fn mail_hosts_and_service_names_are_never_reported() {
        let mut f = good();
        f.records = Part::Read(vec![
            rec("a.test", "MX", "mx1.a.test", false),
            rec("a.test", "MX", "inbound.a.test.", false),
            rec(
                "a.test",
                "TXT",
                "v=spf1 a:relay.a.test/24 +a:out.a.test mx -all",
                false,
            ),
            rec("mx1.a.test", "A", "192.0.2.10", false),
            rec("inbound.a.test", "A", "192.0.2.11", false),
            rec("relay.a.test", "A", "192.0.2.12", false),
            rec("out.a.test", "AAAA", "2001:db8::12", false),
            rec("mail.a.test", "A", "192.0.2.13", false),
            rec("smtp.a.test", "A", "192.0.2.14", false),
            rec("s1._domainkey.a.test", "CNAME", "s1.dkim.example", false),
            rec(
                "_acme-challenge.a.test",
                "CNAME",
                "a.test.acme.example",
                false,
            ),
        ]);
        assert_eq!(unproxied_of(&f), []);
        // A declared host that is also a mail host is still a web host the user named.
        f.web_hosts.push("mail.a.test".into());
        let out = unproxied_of(&f);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].0.as_str(), out[0].1),
            ("mail.a.test", Severity::Medium)
        );
    }

    #[test]
    fn rate_limits_must_cover_auth_or_api() {
        let mut f = good();
        f.rate_limit_rules = Part::Read(vec![rule("http.request.uri.path eq \"/pricing\"")]);
        assert_eq!(codes(&f), ["cloudflare.no_rate_limit"]);
        let mut disabled = rule("starts_with(http.request.uri.path, \"/api/\")");
        disabled.enabled = false;
        f.rate_limit_rules = Part::Read(vec![disabled]);
        assert_eq!(codes(&f), ["cloudflare.no_rate_limit"]);
    }
}
