//! The evidence the checks write reads back as the types every reader uses
//! (`launch_ready_core::evidence`): a check that changed the shape of its evidence without the
//! type fails here, instead of the detail pane or the report silently showing nothing.

use crate::common;

use common::{lab, lab_flags, run};
use launch_ready_core::evidence::{Observed, observed};
use launch_ready_core::session::model::CheckOutcome;
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_typed_kind_writes_evidence_its_type_reads() {
    let lab = lab().await;
    let mut args: Vec<String> = [
        "check",
        "brightdesk.test",
        "www.brightdesk.test",
        "good.lab.test",
        "--only",
        "dns,email,tls,http",
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
    for r in v["results"].as_array().unwrap() {
        let check = r["check"].as_str().unwrap();
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
            Observed::EmailRecord(e) => assert!(e.record.is_some(), "{check}: {e:?}"),
            Observed::Dkim(d) => assert!(!d.selectors_tried.is_empty(), "{check}: {d:?}"),
            Observed::Cloudflare(c) => assert!(c.zone.is_some(), "{check}: {c:?}"),
            Observed::Perf(p) => assert!(!p.routes.is_empty(), "{check}: {p:?}"),
            _ => {}
        }
        seen.insert(check.to_string());
    }
    assert_eq!(seen.len(), 6, "every typed kind was seen: {seen:?}");
    lab.shutdown().await;
}

/// The http family and the Cloudflare audit (against the lab's API fake): every outcome's
/// evidence reads whole as its kind's type (never `Unread`), so a field the check writes
/// and the type does not know fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_and_cloudflare_evidence_reads_whole_as_its_type() {
    let lab = lab().await;
    let mut args: Vec<String> = [
        "check",
        "brightdesk.test",
        "www.brightdesk.test",
        "good.lab.test",
        "https://brightdesk.test/login",
        "--only",
        "http,cloudflare",
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
    args.extend(["--cloudflare-api".to_string(), lab.cloudflare().url()]);
    let env = [(
        launch_ready_checks::cloudflare::ENV_VAR,
        launch_ready_lab::cloudflare::LAB_TOKEN,
    )];
    let out = common::run_env(args, &env).await;
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let mut seen = std::collections::BTreeSet::new();
    for r in v["results"].as_array().unwrap() {
        let check = r["check"].as_str().unwrap();
        let kind = launch_ready_core::catalog::KindId::parse(check);
        let o = Observed::read(kind, r["evidence"].clone());
        assert!(
            !matches!(o, Observed::Unread(_)),
            "{check} on {}: not read whole by its type: {}",
            r["target"],
            r["evidence"]
        );
        if !o.is_none() {
            seen.insert(check.to_string());
        }
    }
    let want = [
        "cloudflare.zone",
        "http.availability",
        "http.bundle",
        "http.cache",
        "http.cors",
        "http.exposure",
        "http.headers",
        "http.mixed_content",
        "http.redirects",
    ];
    for k in want {
        assert!(seen.contains(k), "{k} was seen with evidence: {seen:?}");
    }
    lab.shutdown().await;
}
