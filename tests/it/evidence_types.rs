//! The evidence the checks write reads back as the types every reader uses
//! (`launch_ready_core::evidence`): a check that changed the shape of its evidence without the
//! type fails here, instead of the detail pane or the report silently showing nothing.

use crate::common;

use common::{lab, lab_flags, run};
use launch_ready_core::evidence::{Observed, observed};
use launch_ready_core::session::model::CheckOutcome;
use serde_json::Value;

/// Kinds whose evidence type is complete.
const WHOLE: &[&str] = &[
    "dns.records",
    "dns.apex_www",
    "dns.caa",
    "dns.provider",
    "dns.staging",
    "email.mx",
    "email.spf",
    "email.dmarc",
    "email.dkim",
    "tls.certificate",
    "tls.protocols",
    "edge.provider",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_typed_kind_writes_evidence_its_type_reads() {
    let lab = lab().await;
    let mut args: Vec<String> = [
        "check",
        "brightdesk.test",
        "www.brightdesk.test",
        "good.lab.test",
        "staging.brightdesk.test",
        "--only",
        "dns,email,tls,http,edge",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--timeout",
        "3",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    args.extend(lab_flags(&lab));
    let out = run(args).await;
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let mut seen = std::collections::BTreeSet::new();
    let mut whole = std::collections::BTreeSet::new();
    for r in v["results"].as_array().unwrap() {
        let check = r["check"].as_str().unwrap();
        // Kinds whose type holds all they write: read back typed, never `Unread`.
        if WHOLE.contains(&check) && !r["evidence"].is_null() {
            let read = Observed::read(
                launch_ready_core::catalog::KindId::parse(check),
                r["evidence"].clone(),
            );
            assert!(
                !matches!(read, Observed::Unread(_)),
                "{check} on {} ({}): {}",
                r["target"],
                r["status"],
                r["evidence"]
            );
            whole.insert(check);
        }
        let typed = [
            "tls.certificate",
            "http.redirects",
            "dns.records",
            "email.spf",
            "email.dmarc",
            "email.dkim",
        ];
        if !typed.contains(&check) || r["status"] == "skipped" || r["status"] == "error" {
            continue;
        }
        let outcome = CheckOutcome {
            check: check.to_string(),
            family: r["family"].as_str().unwrap().to_string(),
            target: r["target"].as_str().unwrap().to_string(),
            status: launch_ready_core::finding::CheckStatus::Pass,
            duration_ms: 0,
            summary: String::new(),
            findings: Vec::new(),
            evidence: Observed::read(
                launch_ready_core::catalog::KindId::parse(check),
                r["evidence"].clone(),
            ),
            explained_by: None,
            needs_credential: None,
        };
        let o = observed(&outcome);
        assert_ne!(
            o,
            Observed::None,
            "{check} on {}: {}",
            outcome.target,
            r["evidence"]
        );
        // The fields the detail pane shows are really there, not defaulted.
        match &o {
            Observed::Certificate(c) => assert!(!c.chain.is_empty(), "{check}: {c:?}"),
            Observed::Redirects(rd) => assert!(!rd.chains.is_empty(), "{check}: {rd:?}"),
            Observed::Records(m) => assert!(!m.host.is_empty(), "{check}: {m:?}"),
            Observed::Spf(e) => assert!(e.record().is_some(), "{check}: {e:?}"),
            Observed::Dmarc(e) => assert!(e.record().is_some(), "{check}: {e:?}"),
            Observed::Dkim(d) => assert!(!d.selectors_tried.is_empty(), "{check}: {d:?}"),
            Observed::Cloudflare(c) => assert!(c.zone.is_some(), "{check}: {c:?}"),
            _ => {}
        }
        seen.insert(check.to_string());
    }
    assert_eq!(seen.len(), 6, "every typed kind was seen: {seen:?}");
    assert_eq!(
        whole.len(),
        WHOLE.len(),
        "every whole kind was seen: {whole:?}"
    );
    lab.shutdown().await;
}
