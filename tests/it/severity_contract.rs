//! The default severity of every dns, email, tls, http and edge finding code, as the
//! `checks.md` tables give them, checked against one real `launch-ready check` run over
//! the whole demo lab: each finding carries its table severity (with the table's special
//! rules for `dns.unresolvable` and `tls.expiring_soon`), and every code of the five
//! tables is produced by at least one lab host, so a code that silently stopped firing
//! fails here too.

use crate::common;

use common::{lab_flags, run};
use launch_ready_lab::{DEFECT_DOMAINS, GOOD_DOMAIN};
use serde_json::Value;
use std::collections::BTreeSet;

/// `checks.md`, families dns, email, tls, http and edge: code and default severity.
/// `None` marks the two codes whose severity depends on the target (see `expected`).
const CONTRACT: &[(&str, Option<&str>)] = &[
    ("dns.unresolvable", None),
    ("dns.dangling_cname", Some("high")),
    ("dns.no_www", Some("medium")),
    ("dns.no_apex", Some("medium")),
    ("dns.staging_exposed", Some("high")),
    ("dns.caa_missing", Some("low")),
    ("dns.no_ipv6", Some("info")),
    ("dns.provider", Some("info")),
    ("email.mx_missing", Some("high")),
    ("email.mx_cname", Some("medium")),
    ("email.mx_unresolvable", Some("high")),
    ("email.spf_missing", Some("high")),
    ("email.spf_multiple", Some("high")),
    ("email.spf_syntax", Some("high")),
    ("email.spf_permissive_all", Some("high")),
    ("email.spf_too_many_lookups", Some("high")),
    ("email.spf_void_lookups", Some("medium")),
    ("email.spf_softfail", Some("info")),
    ("email.dmarc_missing", Some("high")),
    ("email.dmarc_syntax", Some("high")),
    ("email.dmarc_policy_none", Some("medium")),
    ("email.dmarc_no_reports", Some("low")),
    ("email.dkim_missing", Some("high")),
    ("email.dkim_invalid_key", Some("high")),
    ("email.dkim_weak_key", Some("medium")),
    ("email.dkim_revoked", Some("medium")),
    ("tls.unreachable", Some("blocker")),
    ("tls.expired", Some("blocker")),
    ("tls.not_yet_valid", Some("blocker")),
    ("tls.expiring_soon", None),
    ("tls.hostname_mismatch", Some("blocker")),
    ("tls.untrusted", Some("blocker")),
    ("tls.incomplete_chain", Some("high")),
    ("tls.weak_key", Some("high")),
    ("tls.old_protocol", Some("medium")),
    ("http.down", Some("blocker")),
    ("http.timeout", Some("blocker")),
    ("http.server_error", Some("high")),
    ("http.not_redirected_to_https", Some("high")),
    ("http.redirect_loop", Some("blocker")),
    ("http.redirect_chain_long", Some("medium")),
    ("http.no_canonical_host", Some("medium")),
    ("http.hsts_missing", Some("high")),
    ("http.hsts_weak", Some("medium")),
    ("http.mixed_content", Some("high")),
    ("http.security_headers_missing", Some("medium")),
    ("http.private_cached", Some("high")),
    ("http.static_uncached", Some("low")),
    ("http.cors_permissive", Some("high")),
    ("http.env_exposed", Some("blocker")),
    ("http.git_exposed", Some("blocker")),
    ("http.secret_in_bundle", Some("blocker")),
    ("http.sourcemap_exposed", Some("low")),
    // http.payload reports these two for the pages it weighs.
    ("perf.uncompressed", Some("medium")),
    ("perf.payload_large", Some("low")),
    ("edge.provider", Some("info")),
    ("edge.unprotected", Some("medium")),
];

/// `checks.md`, family cloudflare (its codes fire against the lab's API fake in
/// `tests/cloudflare_checks.rs`, which holds each finding to the kind table).
const CLOUDFLARE_CONTRACT: &[(&str, &str)] = &[
    ("cloudflare.token_rejected", "high"),
    ("cloudflare.zone_missing", "high"),
    ("cloudflare.ssl_not_strict", "blocker"),
    ("cloudflare.always_https_off", "medium"),
    ("cloudflare.min_tls_old", "medium"),
    ("cloudflare.record_unproxied", "medium"),
    ("cloudflare.development_mode", "medium"),
    ("cloudflare.no_rate_limit", "medium"),
    ("cloudflare.security_level_off", "low"),
    ("cloudflare.no_static_cache_rule", "low"),
    ("cloudflare.scope_missing", "info"),
];

/// The severity the contract gives `finding` of `result`.
fn expected<'a>(code: &str, table: Option<&'a str>, result: &Value, finding: &Value) -> &'a str {
    if let Some(sev) = table {
        return sev;
    }
    match code {
        // Blocker for apex/app/api, high otherwise.
        "dns.unresolvable" => {
            let target = result["target"].as_str().unwrap();
            let first = target.split('.').next().unwrap();
            let apex = launch_ready::headless::classify::registrable(target) == target;
            if apex || first == "app" || first == "api" {
                "blocker"
            } else {
                "high"
            }
        }
        // High, blocker within 3 days.
        "tls.expiring_soon" => {
            let days = finding["evidence"]["days_to_expiry"].as_i64().unwrap();
            if days < 3 { "blocker" } else { "high" }
        }
        other => panic!("no rule for {other}"),
    }
}

fn lab_targets() -> Vec<String> {
    let mut t: Vec<String> = vec![GOOD_DOMAIN.to_string()];
    for d in DEFECT_DOMAINS {
        t.push(d.domain.to_string());
        t.extend(d.hosts.iter().map(|(_, h)| (*h).to_string()));
    }
    t.extend(
        launch_ready_lab::web::hosts()
            .into_iter()
            .map(|(h, _)| h.to_string()),
    );
    // Pages the host targets do not reach on their own: the apex page (weak HSTS; www is
    // the canonical page of its group), the API, a failing health route, the login page,
    // a large export.
    for url in [
        "https://brightdesk.test/",
        "https://api.brightdesk.test/",
        "https://staging.brightdesk.test/api/health",
        "https://app.brightdesk.test/login/",
        // 1.5 MiB of JSON sent as is: over the payload budget.
        "https://api.brightdesk.test/api/export",
    ] {
        t.push(url.to_string());
    }
    t.sort();
    t.dedup();
    t
}

/// The kind table declares the same default severities as the contract: it is what the
/// planner and runbook validation read, so a drift there would be silent otherwise.
#[test]
fn the_kind_table_declares_the_contract_severities() {
    let cloudflare = CLOUDFLARE_CONTRACT.iter().map(|(c, s)| (*c, Some(*s)));
    for (code, severity) in CONTRACT.iter().copied().chain(cloudflare) {
        let declared: Vec<&str> = launch_ready_core::catalog::KINDS
            .iter()
            .filter_map(|k| {
                launch_ready_core::code::Code::parse(code).and_then(|c| k.default_severity(c))
            })
            .map(|s| s.as_str())
            .collect();
        assert!(!declared.is_empty(), "{code} is declared by no kind");
        if let Some(expected) = severity {
            assert!(
                declared.iter().all(|d| *d == expected),
                "{code}: the kind table says {declared:?}, the contract {expected}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_code_fires_with_its_contract_severity() {
    let lab = common::lab().await;
    let mut args = vec!["check".to_string()];
    args.extend(lab_targets());
    args.extend(
        [
            "--only",
            "dns,email,tls,http,edge",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--timeout",
            "2",
        ]
        .map(String::from),
    );
    args.extend(lab_flags(&lab));
    let out = run(args).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");

    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for r in report["results"].as_array().unwrap() {
        for f in r["findings"].as_array().unwrap() {
            let code = f["code"].as_str().unwrap();
            let Some((_, table)) = CONTRACT.iter().find(|(c, _)| *c == code) else {
                panic!("{code} is not a code of the dns, email, tls, http or edge tables");
            };
            seen.insert(code);
            let want = expected(code, *table, r, f);
            if f["severity"] != want {
                wrong.push(format!(
                    "{code} on {}: {} (contract: {want})",
                    r["target"], f["severity"]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "severities off the contract:\n{}",
        wrong.join("\n")
    );
    let missing: Vec<&str> = CONTRACT
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes the lab never produced: {missing:?}"
    );
    lab.shutdown().await;
}
