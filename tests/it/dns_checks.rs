//! The dns family against the demo lab's real DNS server on loopback.

use crate::common;

use common::{codes, lab, net_for};
use launch_ready_checks::dns;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_lab::{DEFECT_DOMAINS, GOOD_DOMAIN};
use std::time::{Duration, Instant};

#[tokio::test]
async fn good_domain_has_no_dns_findings() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    let www = format!("www.{GOOD_DOMAIN}");
    let outs = [
        dns::records(&net, GOOD_DOMAIN, "apex").await,
        dns::records(&net, &www, "www").await,
        dns::apex_www(&net, GOOD_DOMAIN).await,
        dns::caa(&net, GOOD_DOMAIN).await,
        dns::provider(&net, GOOD_DOMAIN).await,
    ];
    for o in &outs {
        assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
        assert!(o.findings.is_empty(), "{o:?}");
    }
    let ev = outs[0].evidence.to_json();
    assert_eq!(ev["a"][0], "127.0.0.1");
    assert_eq!(ev["aaaa"][0], "::1");
    assert_eq!(ev["mx"][0], format!("10 mx.{GOOD_DOMAIN}"));
    assert!(
        ev["caa"][0].as_str().unwrap().contains("letsencrypt.org"),
        "{ev}"
    );
    assert_eq!(ev["ns"].as_array().unwrap().len(), 2);
    lab.shutdown().await;
}

#[tokio::test]
async fn every_dns_defect_domain_shows_its_code() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    for dd in DEFECT_DOMAINS.iter().filter(|d| d.code.starts_with("dns.")) {
        let www = format!("www.{}", dd.domain);
        let mut found = Vec::new();
        found.extend(codes(&dns::records(&net, dd.domain, "apex").await));
        found.extend(codes(&dns::records(&net, &www, "www").await));
        for (role, host) in dd.hosts {
            found.extend(codes(&dns::records(&net, host, role).await));
        }
        found.extend(codes(&dns::apex_www(&net, dd.domain).await));
        found.extend(codes(&dns::caa(&net, dd.domain).await));
        found.extend(codes(&dns::provider(&net, dd.domain).await));
        assert!(
            found.iter().any(|c| c == dd.code),
            "{}: expected {} in {found:?}",
            dd.domain,
            dd.code
        );
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn brightdesk_mix() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    let www = dns::records(&net, "www.brightdesk.test", "www").await;
    assert_eq!(
        www.evidence.to_json()["cname_chain"][0],
        "brightdesk.test",
        "{www:?}"
    );
    assert!(www.findings.is_empty());

    let help = dns::records(&net, "help.brightdesk.test", "help").await;
    assert_eq!(codes(&help), ["dns.dangling_cname"]);
    assert_eq!(help.findings[0].severity, Severity::High);
    assert_eq!(help.status, CheckStatus::Fail);

    let api = dns::records(&net, "api.brightdesk.test", "api").await;
    assert_eq!(codes(&api), ["dns.no_ipv6"]);
    assert_eq!(api.findings[0].severity, Severity::Info);
    assert_eq!(api.status, CheckStatus::Pass);

    let caa = dns::caa(&net, "brightdesk.test").await;
    assert_eq!(codes(&caa), ["dns.caa_missing"]);
    assert_eq!(caa.status, CheckStatus::Warn);

    let provider = dns::provider(&net, "brightdesk.test").await;
    assert_eq!(codes(&provider), ["dns.provider"]);
    assert!(provider.findings[0].message.contains("Cloudflare"));

    let staging = dns::staging(&net, "staging.brightdesk.test").await;
    assert_eq!(codes(&staging), ["dns.staging_exposed"], "{staging:?}");
    assert_eq!(staging.evidence.to_json()["status"], 200);
    let preview = dns::staging(&net, "preview.brightdesk.test").await;
    assert!(preview.findings.is_empty(), "{preview:?}");
    assert_eq!(preview.evidence.to_json()["status"], 401);
    lab.shutdown().await;
}

#[tokio::test]
async fn unresolvable_severity_depends_on_role() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    let app = dns::records(&net, "app.unresolvable.lab.test", "app").await;
    assert_eq!(codes(&app), ["dns.unresolvable"]);
    assert_eq!(app.findings[0].severity, Severity::Blocker);
    let other = dns::records(&net, "nothing-here.unresolvable.lab.test", "docs").await;
    assert_eq!(codes(&other), ["dns.unresolvable"]);
    assert_eq!(other.findings[0].severity, Severity::High);
    // Outside every zone the lab serves, the server refuses: that is an error, not a finding.
    let refused = dns::records(&net, "outside.example.org", "docs").await;
    assert_eq!(refused.status, CheckStatus::Error, "{refused:?}");
    lab.shutdown().await;
}

#[tokio::test]
async fn hostile_cname_chains_end_quickly_with_a_finding() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    for host in ["www.cname-loop.lab.test", "www.cname-long.lab.test"] {
        let start = Instant::now();
        let o = dns::records(&net, host, "www").await;
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{host} took {:?}",
            start.elapsed()
        );
        assert_eq!(codes(&o), ["dns.unresolvable"], "{o:?}");
    }
    let looped = dns::records(&net, "www.cname-loop.lab.test", "www").await;
    assert!(looped.findings[0].message.contains("loops"), "{looped:?}");
    lab.shutdown().await;
}

#[tokio::test]
async fn resolve_override_answers_without_dns() {
    let lab = lab().await;
    let mut settings = lab.settings();
    settings
        .resolve
        .push("ghost.lab.test:192.0.2.77".parse().unwrap());
    let net = net_for(&settings);
    let o = dns::records(&net, "ghost.lab.test", "www").await;
    assert_eq!(o.evidence.to_json()["a"][0], "192.0.2.77", "{o:?}");
    assert!(!codes(&o).contains(&"dns.unresolvable".to_string()));
    lab.shutdown().await;
}
