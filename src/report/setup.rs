//! What was set up where: the deployment map (each host with its addresses, the edge in
//! front of it, DNS and mail providers, whether it is monitored) and the edge's
//! configuration as the Cloudflare zone audit read it.
//!
//! Read from typed evidence (`dns.records`, `cloudflare.zone`) and from findings of the
//! provider checks (`dns.provider`, `edge.provider`, which name the provider in their
//! message), each statement only as far as a check observed it.

use launch_ready_core::catalog::KindId;
use launch_ready_core::clean::clean_line;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::Observed;
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::CheckOutcome;
use launch_ready_core::verdict::host_of;
use serde::Serialize;

/// The deployment map and the edge configuration.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Setup {
    pub map: Vec<MapRow>,
    /// Who answers DNS for the domain, from `dns.provider`; `None` when not checked.
    pub dns_provider: Option<String>,
    /// Mail exchangers of the domain, from its record map.
    pub mail: Vec<String>,
    /// The edge as the Cloudflare audit read it; `None` when it did not run.
    pub edge: Option<EdgeConfig>,
    /// Why the audit read no zone, in its own words, when it ran and could not.
    pub edge_note: Option<String>,
    pub alert_plan: AlertPlan,
}

/// Who is told when the product breaks, after how long, and whether it was tried.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AlertPlan {
    /// The alert routes in escalation order, by label (`webhook NAME`, `email to …`),
    /// never a URL or a password.
    pub route: String,
    /// The runbook's thresholds, in words (`uptime goal 99.9 %`).
    pub thresholds: Vec<String>,
    /// What happens when nobody reacts.
    pub escalation: String,
    /// The latest drill, in words, or that none was run.
    pub drill: String,
}

/// One host of the session.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapRow {
    pub host: String,
    pub role: String,
    /// A and AAAA addresses (and the CNAME chain first), or what is unknown.
    pub points_to: String,
    /// The edge in front of it as `edge.provider` saw it, or `not checked`.
    pub edge: String,
    /// Whether an uptime probe or the monitor watches one of its URLs.
    pub monitored: bool,
}

/// The Cloudflare zone's settings that decide how traffic reaches the origin.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EdgeConfig {
    pub zone: String,
    pub plan: String,
    pub ssl_mode: String,
    pub min_tls_version: String,
    pub always_use_https: String,
    pub security_level: String,
    pub bot_fight_mode: String,
    /// `name (TYPE): proxied | DNS only`.
    pub records: Vec<String>,
    pub rate_limit_rules: Vec<String>,
    pub cache_rules: Vec<String>,
    pub page_rules: Vec<String>,
    /// Parts the token could not read, with the reason.
    pub unread: Vec<String>,
}

fn or_unknown(v: &Option<String>) -> String {
    v.as_deref()
        .map_or_else(|| "not read".to_string(), clean_line)
}

fn alert_plan(runbook: &Runbook, session: &Session) -> AlertPlan {
    let t = &runbook.targets;
    let mut thresholds = Vec::new();
    if let Some(u) = t.uptime_pct {
        thresholds.push(format!("uptime goal {u} %"));
    }
    if let Some(ms) = t.p95_broken_ms {
        thresholds.push(format!("a page slower than {ms} ms counts as broken"));
    }
    if let Some(min) = t.alert_delay_min {
        thresholds.push(format!("alert within {min} min of an outage"));
    }
    thresholds.push(format!(
        "certificates flagged {} days before they expire",
        t.cert_warn_days
    ));
    let secs = |ms: Option<u64>| {
        ms.map_or_else(
            || "—".to_string(),
            |ms| format!("{:.1} s", ms as f64 / 1000.0),
        )
    };
    let drill = match session.monitor.drills.back() {
        Some(d) => format!(
            "{} on {}: outage seen after {}, alert after {}, recovery alert after {}",
            if d.passed { "passed" } else { "failed" },
            d.at.date(),
            secs(d.detection_ms),
            secs(d.alert_ms),
            secs(d.recovery_alert_ms),
        ),
        None => {
            "no drill was run: run launch-ready monitor --drill, or press D on the Monitor screen"
                .to_string()
        }
    };
    let routes = session.targets.routes();
    // The monitor's own delay when the runbook sets none.
    let after_min = t.escalate_after_min.map_or_else(
        || {
            format!(
                "{} min (the default)",
                launch_ready_checks::monitor::dispatch::DEFAULT_ESCALATE_AFTER.as_secs() / 60
            )
        },
        |m| format!("{m} min"),
    );
    let labels: Vec<String> = routes.iter().map(|r| clean_line(&r.label())).collect();
    let escalation = if routes.len() > 1 {
        format!(
            "an alert still unresolved after {after_min} goes to the next route ({}); the recovery goes to every route that got it",
            labels.join(" → ")
        )
    } else {
        format!(
            "none: every alert goes to one route; add a second (email or another webhook) so an alert left unresolved for {after_min} reaches someone else"
        )
    };
    AlertPlan {
        route: if labels.is_empty() {
            // What the monitor uses when the session names none.
            "webhook alert-webhook".to_string()
        } else {
            labels.join(", then ")
        },
        thresholds,
        escalation,
        drill,
    }
}

pub fn build(runbook: &Runbook, session: &Session, outcomes: &[&CheckOutcome]) -> Setup {
    let of = |kind: KindId| outcomes.iter().filter(move |o| o.check == kind.as_str());
    let t = &session.targets;
    let mut hosts: Vec<(String, String)> = vec![(t.apex.clone(), "apex".to_string())];
    for h in &t.hosts {
        if !hosts.iter().any(|(n, _)| n.eq_ignore_ascii_case(&h.host)) {
            hosts.push((h.host.clone(), h.role.clone()));
        }
    }
    let monitored: Vec<&str> = of(KindId::UptimeProbe)
        .map(|o| host_of(&o.target))
        .chain(session.monitor.targets.iter().map(|l| host_of(&l.url)))
        .collect();
    let records_of = |host: &str| {
        of(KindId::DnsRecords)
            .filter(|o| o.target.eq_ignore_ascii_case(host))
            .find_map(|o| match o.observed().into_owned() {
                Observed::Records(m) => Some(m),
                _ => None,
            })
    };
    let map = hosts
        .iter()
        .map(|(host, role)| {
            let records = records_of(host);
            // The CNAME chain with arrows, then the addresses it ends at.
            let points_to = match records {
                Some(m) => {
                    let addrs: Vec<String> =
                        m.a.iter().chain(&m.aaaa).map(|a| clean_line(a)).collect();
                    let addrs = if addrs.is_empty() {
                        "no address".to_string()
                    } else {
                        addrs.join(", ")
                    };
                    let mut chain: Vec<String> =
                        m.cname_chain.iter().map(|c| clean_line(c)).collect();
                    chain.push(addrs);
                    chain.join(" → ")
                }
                None => "not checked".to_string(),
            };
            let edge = of(KindId::EdgeProvider)
                .filter(|o| o.target.eq_ignore_ascii_case(host))
                .find_map(|o| {
                    o.findings
                        .iter()
                        .find(|f| f.code == Code::EdgeProvider || f.code == Code::EdgeUnprotected)
                        .map(|f| clean_line(&f.message))
                        .or_else(|| Some(clean_line(&o.summary)))
                })
                .unwrap_or_else(|| "not checked".to_string());
            MapRow {
                host: clean_line(host),
                role: clean_line(role),
                points_to,
                edge,
                monitored: monitored.iter().any(|m| m.eq_ignore_ascii_case(host)),
            }
        })
        .collect();
    let dns_provider = of(KindId::DnsProvider).find_map(|o| {
        o.findings
            .iter()
            .find(|f| f.code == Code::DnsProvider)
            .map(|f| clean_line(&f.message))
    });
    let mail = records_of(&t.apex)
        .map(|m| m.mx.iter().map(|m| clean_line(m)).collect())
        .unwrap_or_default();
    let edge = of(KindId::CloudflareZone).find_map(|o| match &o.evidence {
        Observed::Cloudflare(c) => c.zone.as_ref().map(|z| EdgeConfig {
            zone: clean_line(&z.name),
            plan: or_unknown(&z.plan),
            ssl_mode: or_unknown(&z.ssl_mode),
            min_tls_version: or_unknown(&z.min_tls_version),
            always_use_https: or_unknown(&z.always_use_https),
            security_level: or_unknown(&z.security_level),
            bot_fight_mode: z.bot_fight_mode.map_or_else(
                || "not read".into(),
                |b| if b { "on" } else { "off" }.into(),
            ),
            records: z
                .records
                .iter()
                .map(|r| {
                    format!(
                        "{} ({}): {}",
                        clean_line(&r.name),
                        clean_line(&r.kind),
                        if r.proxied { "proxied" } else { "DNS only" }
                    )
                })
                .collect(),
            rate_limit_rules: z.rate_limit_rules.iter().map(|r| clean_line(r)).collect(),
            cache_rules: z.cache_rules.iter().map(|r| clean_line(r)).collect(),
            page_rules: z.page_rules.iter().map(|r| clean_line(r)).collect(),
            unread: z
                .unread
                .iter()
                .map(|u| format!("{}: {}", clean_line(&u.part), clean_line(&u.reason)))
                .collect(),
        }),
        _ => None,
    });
    let edge_note = match edge {
        Some(_) => None,
        None => of(KindId::CloudflareZone)
            .next()
            .map(|o| clean_line(&o.summary)),
    };
    Setup {
        map,
        dns_provider,
        mail,
        edge,
        edge_note,
        alert_plan: alert_plan(runbook, session),
    }
}
