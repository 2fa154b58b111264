//! The email family's DNS questions, asked through `ResolverDns` (the real resolver) of
//! the demo lab: each one-defect domain serves exactly the record shape its finding code
//! needs, multi-string TXT records come back joined, and the good domain is clean.

use crate::common;

use base64::Engine as _;
use common::{lab, net_for};
use launch_ready_checks::email::{EmailDns, LookupFailure, ResolverDns};
use launch_ready_lab::{DEFECT_DOMAINS, GOOD_DOMAIN};

fn spf(records: &[String]) -> Vec<&String> {
    records.iter().filter(|r| r.starts_with("v=spf1")).collect()
}

fn dkim_key_len(record: &str) -> usize {
    let p = record
        .split(';')
        .map(str::trim)
        .find_map(|t| t.strip_prefix("p="))
        .unwrap();
    base64::engine::general_purpose::STANDARD
        .decode(p)
        .map_or(0, |k| k.len())
}

#[tokio::test]
async fn good_domain_serves_a_complete_email_setup() {
    let lab = lab().await;
    let dns = ResolverDns(net_for(&lab.settings()).resolver.clone());
    let mx = dns.mx(GOOD_DOMAIN).await.unwrap();
    assert_eq!(mx, [(10, format!("mx.{GOOD_DOMAIN}"))]);
    assert_eq!(dns.cname(&mx[0].1).await.unwrap(), None);
    assert!(!dns.addrs(&mx[0].1).await.unwrap().is_empty());
    let txt = dns.txt(GOOD_DOMAIN).await.unwrap();
    assert_eq!(spf(&txt), ["v=spf1 ip4:192.0.2.10 mx -all"]);
    let dmarc = dns.txt(&format!("_dmarc.{GOOD_DOMAIN}")).await.unwrap();
    assert_eq!(
        dmarc,
        [format!(
            "v=DMARC1; p=reject; rua=mailto:dmarc@{GOOD_DOMAIN}"
        )]
    );
    let dkim = dns
        .txt(&format!("default._domainkey.{GOOD_DOMAIN}"))
        .await
        .unwrap();
    assert_eq!(
        dkim_key_len(&dkim[0]),
        294,
        "2048-bit RSA SubjectPublicKeyInfo"
    );
    // `_domainkey` exists only as a parent of selectors: NODATA, not NXDOMAIN.
    assert_eq!(
        dns.txt(&format!("_domainkey.{GOOD_DOMAIN}")).await,
        Err(LookupFailure::NoData)
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn each_email_defect_domain_serves_its_defect() {
    let lab = lab().await;
    let dns = ResolverDns(net_for(&lab.settings()).resolver.clone());
    for dd in DEFECT_DOMAINS
        .iter()
        .filter(|d| d.code.starts_with("email."))
    {
        let d = dd.domain;
        let txt = dns.txt(d).await.unwrap_or_default();
        let dmarc = dns.txt(&format!("_dmarc.{d}")).await;
        let dkim = dns.txt(&format!("default._domainkey.{d}")).await;
        match dd.code {
            "email.mx_missing" => assert_eq!(dns.mx(d).await, Err(LookupFailure::NoData)),
            "email.mx_cname" => {
                let mx = dns.mx(d).await.unwrap();
                assert_eq!(dns.cname(&mx[0].1).await.unwrap(), Some(format!("mx.{d}")));
            }
            "email.mx_unresolvable" => {
                let mx = dns.mx(d).await.unwrap();
                assert_eq!(dns.addrs(&mx[0].1).await, Err(LookupFailure::NxDomain));
            }
            "email.spf_missing" => assert!(spf(&txt).is_empty() && !txt.is_empty(), "{txt:?}"),
            "email.spf_multiple" => assert_eq!(spf(&txt).len(), 2, "{txt:?}"),
            "email.spf_syntax" => assert!(spf(&txt)[0].contains("999.12.0.1/33")),
            "email.spf_permissive_all" => assert!(spf(&txt)[0].ends_with("+all")),
            "email.spf_too_many_lookups" => {
                let record = spf(&txt)[0];
                assert!(
                    record.len() > 255,
                    "served as several strings, joined: {}",
                    record.len()
                );
                assert_eq!(record.matches("include:").count(), 11);
                assert!(record.ends_with(" -all"));
                let first = record
                    .split_whitespace()
                    .nth(1)
                    .unwrap()
                    .trim_start_matches("include:");
                assert!(spf(&dns.txt(first).await.unwrap()).len() == 1);
            }
            "email.spf_void_lookups" => {
                for i in 1..=3 {
                    assert_eq!(
                        dns.addrs(&format!("void-{i}.{d}")).await,
                        Err(LookupFailure::NxDomain)
                    );
                }
            }
            "email.spf_softfail" => assert!(spf(&txt)[0].ends_with("~all")),
            "email.dmarc_missing" => assert_eq!(dmarc, Err(LookupFailure::NxDomain)),
            "email.dmarc_syntax" => assert!(dmarc.unwrap()[0].contains("p=maybe")),
            "email.dmarc_policy_none" => assert!(dmarc.unwrap()[0].contains("p=none")),
            "email.dmarc_no_reports" => assert!(!dmarc.unwrap()[0].contains("rua=")),
            "email.dkim_missing" => assert_eq!(dkim, Err(LookupFailure::NxDomain)),
            "email.dkim_invalid_key" => assert_eq!(dkim_key_len(&dkim.unwrap()[0]), 0),
            "email.dkim_weak_key" => {
                assert_eq!(dkim_key_len(&dkim.unwrap()[0]), 162, "1024-bit key")
            }
            "email.dkim_revoked" => assert!(dkim.unwrap()[0].ends_with("p=")),
            other => panic!("no assertion for {other}"),
        }
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn brightdesk_email_setup_is_weak() {
    let lab = lab().await;
    let dns = ResolverDns(net_for(&lab.settings()).resolver.clone());
    let txt = dns.txt("brightdesk.test").await.unwrap();
    assert_eq!(spf(&txt), ["v=spf1 include:_spf.mailer.lab.test ~all"]);
    assert_eq!(
        dns.txt("_dmarc.brightdesk.test").await.unwrap(),
        ["v=DMARC1; p=none"]
    );
    let dkim = dns.txt("default._domainkey.brightdesk.test").await.unwrap();
    assert_eq!(dkim_key_len(&dkim[0]), 162);
    assert_eq!(dns.mx("brightdesk.test").await.unwrap().len(), 2);
    lab.shutdown().await;
}

/// Every email check kind run by the engine's registry against one lab domain.
async fn email_codes(
    net: &std::sync::Arc<launch_ready_checks::net::Net>,
    domain: &str,
) -> Vec<(String, launch_ready_core::finding::Severity)> {
    use launch_ready_checks::email::{dkim, dmarc, mx, spf};
    let dns = ResolverDns(net.resolver.clone());
    let selectors = vec!["default".to_string()];
    let outs = [
        mx::check_mx(&dns, domain).await,
        spf::check_spf(&dns, domain).await,
        dmarc::check_dmarc(&dns, domain).await,
        dkim::check_dkim(&dns, domain, &selectors).await,
    ];
    outs.iter()
        .flat_map(|o| o.findings.iter().map(|f| (f.code.to_string(), f.severity)))
        .collect()
}

#[tokio::test]
async fn every_email_code_is_produced_and_the_good_domain_has_none() {
    let lab = lab().await;
    let net = net_for(&lab.settings());
    assert_eq!(email_codes(&net, GOOD_DOMAIN).await, [], "good domain");
    for dd in DEFECT_DOMAINS
        .iter()
        .filter(|d| d.code.starts_with("email."))
    {
        let found = email_codes(&net, dd.domain).await;
        assert!(
            found.iter().any(|(c, _)| c == dd.code),
            "{}: expected {} in {found:?}",
            dd.domain,
            dd.code
        );
    }
    let bright: Vec<String> = email_codes(&net, "brightdesk.test")
        .await
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    for code in [
        "email.spf_softfail",
        "email.dmarc_policy_none",
        "email.dmarc_no_reports",
        "email.dkim_weak_key",
    ] {
        assert!(
            bright.iter().any(|c| c == code),
            "brightdesk: {code} in {bright:?}"
        );
    }
    lab.shutdown().await;
}
