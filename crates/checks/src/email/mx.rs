//! MX: where the domain's mail goes, and whether each exchange can be reached by name.
//!
//! A null MX (`0 .`, RFC 7505) is a deliberate "this domain takes no mail" and is reported
//! in evidence, not as a missing MX. Each exchange is asked for a CNAME (RFC 5321 §5.1
//! forbids aliases there) and for its addresses; the exchanges are asked one after another
//! because a domain has a handful of them at most.

use super::lookup::{EmailDns, LookupFailure};
use super::outcome::{clean, clean_full, failed, judged, lookup_failed};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{MxEntry, MxEvidence, Observed};
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::session::model::CheckOutcome;

/// Check name in results.
pub const CHECK: KindId = KindId::EmailMx;

/// Reads and judges the MX records of `domain`.
pub async fn check_mx(dns: &impl EmailDns, domain: &str) -> CheckOutcome {
    let mut records = match dns.mx(domain).await {
        Ok(records) => records,
        Err(LookupFailure::NxDomain | LookupFailure::NoData) => Vec::new(),
        Err(LookupFailure::Failed(e)) => {
            return lookup_failed(CHECK, domain, "MX", &e, |error| {
                Observed::Mx(MxEvidence {
                    error: Some(error),
                    ..MxEvidence::default()
                })
            });
        }
    };
    records.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    if records.is_empty() {
        let finding = Finding::new(
            Code::EmailMxMissing,
            format!(
                "{} has no MX record: mail to it cannot be delivered (publish `0 .` if it should take no mail)",
                clean(domain)
            ),
        );
        return judged(
            CHECK,
            domain,
            "no MX record".into(),
            vec![finding],
            Observed::Mx(MxEvidence::default()),
        );
    }
    if let [(0, exchange)] = records.as_slice()
        && is_root(exchange)
    {
        let evidence = MxEvidence {
            null_mx: true,
            ..MxEvidence::default()
        };
        return judged(
            CHECK,
            domain,
            "null MX: the domain accepts no mail".into(),
            Vec::new(),
            Observed::Mx(evidence),
        );
    }

    let mut findings = Vec::new();
    let mut entries = Vec::new();
    let mut failures = Vec::new();
    for (preference, exchange) in &records {
        let shown = clean(exchange);
        if is_root(exchange) {
            findings.push(Finding::new(
                Code::EmailMxUnresolvable,
                "a null MX (`.`) is published next to other MX records; RFC 7505 allows it only alone"));
            entries.push(MxEntry {
                preference: *preference,
                exchange: ".".into(),
                cname: None,
                addresses: Some(Vec::new()),
            });
            continue;
        }
        let cname = match dns.cname(exchange).await {
            Ok(cname) => cname,
            Err(LookupFailure::NxDomain | LookupFailure::NoData) => None,
            Err(LookupFailure::Failed(e)) => {
                failures.push(format!(
                    "CNAME {}: {}",
                    clean_full(exchange),
                    clean_full(&e)
                ));
                None
            }
        };
        if let Some(target) = &cname {
            findings.push(Finding::new(
                Code::EmailMxCname,
                format!(
                    "MX exchange `{shown}` is a CNAME (to `{}`); RFC 5321 requires the exchange's own A/AAAA records",
                    clean(target)
                )));
        }
        let addresses = match dns.addrs(exchange).await {
            Ok(addresses) => addresses,
            Err(LookupFailure::NxDomain | LookupFailure::NoData) => Vec::new(),
            Err(LookupFailure::Failed(e)) => {
                failures.push(format!(
                    "A/AAAA {}: {}",
                    clean_full(exchange),
                    clean_full(&e)
                ));
                entries.push(MxEntry {
                    preference: *preference,
                    exchange: clean_full(exchange),
                    cname: cname.as_deref().map(clean_full),
                    addresses: None,
                });
                continue;
            }
        };
        if addresses.is_empty() {
            findings.push(Finding::new(
                Code::EmailMxUnresolvable,
                format!("MX exchange `{shown}` has no A or AAAA address: mail for this route cannot be delivered")));
        }
        entries.push(MxEntry {
            preference: *preference,
            exchange: clean_full(exchange),
            cname: cname.as_deref().map(clean_full),
            addresses: Some(addresses.iter().map(ToString::to_string).collect()),
        });
    }
    let failed_count = failures.len();
    let evidence = Observed::Mx(MxEvidence {
        mx: entries,
        null_mx: false,
        lookup_failures: failures,
        error: None,
    });
    let names: Vec<String> = records
        .iter()
        .map(|(p, x)| format!("{p} {}", clean(x)))
        .collect();
    let summary = format!("{} MX: {}", records.len(), names.join(", "));
    let blocking = findings.iter().any(|f| f.severity <= Severity::High);
    if failed_count > 0 && !blocking {
        let summary = format!("{summary}; {failed_count} lookups failed");
        return failed(CHECK, domain, summary, findings, evidence);
    }
    judged(CHECK, domain, summary, findings, evidence)
}

/// The root name, as a null MX writes its exchange (with or without the trailing dot).
fn is_root(exchange: &str) -> bool {
    exchange.is_empty() || exchange == "."
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::table_dns::TableDns;
    use crate::judged::codes;
    use launch_ready_core::finding::CheckStatus;

    #[tokio::test]
    async fn resolvable_exchanges_are_clean_with_addresses_in_evidence() {
        let dns = TableDns::new()
            .mx(
                "example.com",
                &[(20, "mx2.example.com"), (10, "mx1.example.com")],
            )
            .addr("mx1.example.com", &["192.0.2.10", "2001:db8::10"])
            .addr("mx2.example.com", &["192.0.2.20"]);
        let out = check_mx(&dns, "example.com").await;
        assert_eq!(codes(&out), Vec::<&str>::new());
        assert_eq!(out.status, CheckStatus::Pass);
        assert_eq!(out.summary, "2 MX: 10 mx1.example.com, 20 mx2.example.com");
        assert_eq!(
            out.evidence.to_json()["mx"][0]["addresses"][1],
            "2001:db8::10"
        );
        assert_eq!(out.evidence.to_json()["mx"][1]["preference"], 20);
    }

    #[tokio::test]
    async fn missing_and_null_mx() {
        let out = check_mx(&TableDns::new(), "example.com").await;
        assert_eq!(codes(&out), ["email.mx_missing"]);
        assert_eq!(out.status, CheckStatus::Fail);
        let nodata = TableDns::new().mx_err("example.com", LookupFailure::NoData);
        assert_eq!(
            codes(&check_mx(&nodata, "example.com").await),
            ["email.mx_missing"]
        );

        for root in ["", "."] {
            let null = TableDns::new().mx("example.com", &[(0, root)]);
            let out = check_mx(&null, "example.com").await;
            assert_eq!(codes(&out), Vec::<&str>::new());
            assert_eq!(out.evidence.to_json()["null_mx"], true);
            assert_eq!(out.status, CheckStatus::Pass);
        }
        let mixed = TableDns::new()
            .mx("example.com", &[(0, ""), (10, "mx.example.com")])
            .addr("mx.example.com", &["192.0.2.1"]);
        assert_eq!(
            codes(&check_mx(&mixed, "example.com").await),
            ["email.mx_unresolvable"]
        );
    }

    #[tokio::test]
    async fn cname_and_unresolvable_exchanges() {
        let dns = TableDns::new()
            .mx(
                "example.com",
                &[(10, "alias.example.com"), (20, "gone.example.com")],
            )
            .cname("alias.example.com", "real.mailhost.net")
            .addr("alias.example.com", &["192.0.2.5"]);
        let out = check_mx(&dns, "example.com").await;
        assert_eq!(codes(&out), ["email.mx_cname", "email.mx_unresolvable"]);
        assert!(out.findings[0].message.contains("real.mailhost.net"));
        assert!(out.findings[1].message.contains("`gone.example.com`"));
        assert_eq!(
            out.evidence.to_json()["mx"][0]["cname"],
            "real.mailhost.net"
        );
        assert_eq!(out.status, CheckStatus::Fail);

        let only_cname = TableDns::new()
            .mx("example.com", &[(10, "alias.example.com")])
            .cname("alias.example.com", "real.mailhost.net")
            .addr("alias.example.com", &["192.0.2.5"]);
        assert_eq!(
            check_mx(&only_cname, "example.com").await.status,
            CheckStatus::Warn
        );
    }

    #[tokio::test]
    async fn failed_lookups_are_errors() {
        let dns = TableDns::new().mx_err("example.com", LookupFailure::Failed("SERVFAIL".into()));
        let out = check_mx(&dns, "example.com").await;
        assert_eq!(out.status, CheckStatus::Error);
        assert!(out.summary.contains("SERVFAIL"));

        let dns = TableDns::new()
            .mx("example.com", &[(10, "mx.example.com")])
            .addr_err("mx.example.com", LookupFailure::Failed("timeout".into()));
        let out = check_mx(&dns, "example.com").await;
        assert_eq!(out.status, CheckStatus::Error);
        assert_eq!(
            out.evidence.to_json()["lookup_failures"][0],
            "A/AAAA mx.example.com: timeout"
        );
    }
}
