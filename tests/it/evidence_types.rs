//! The evidence the checks write reads back as the types every reader uses
//! (`launch_ready_core::evidence`): a check that changed the shape of its evidence without the
//! type fails here, instead of the detail pane or the report silently showing nothing.

use crate::common;

use common::{lab, lab_flags};
use launch_ready_core::evidence::Observed;
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

/// `check WORDS… --format json --fail-on never --timeout 3` against the lab, with `env`
/// set: its JSON report.
async fn check_json(
    lab: &launch_ready_lab::Lab,
    words: Vec<String>,
    env: &[(&str, &str)],
) -> Value {
    let mut args = vec!["check".to_string()];
    args.extend(words);
    args.extend(["--format", "json", "--fail-on", "never", "--timeout", "3"].map(String::from));
    args.extend(lab_flags(lab));
    let out = common::run_env(args, env).await;
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_typed_kind_writes_evidence_its_type_reads() {
    let lab = lab().await;
    let words = [
        "brightdesk.test",
        "www.brightdesk.test",
        "good.lab.test",
        "staging.brightdesk.test",
        "--only",
        "dns,email,tls,http,edge",
    ];
    let v = check_json(&lab, words.map(String::from).to_vec(), &[]).await;
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
        let o = outcome.observed().into_owned();
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
            Observed::Perf(p) => assert!(!p.routes.is_empty(), "{check}: {p:?}"),
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

/// The http family and the Cloudflare audit (against the lab's API fake): every outcome's
/// evidence reads whole as its kind's type (never `Unread`), so a field the check writes
/// and the type does not know fails here.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_and_cloudflare_evidence_reads_whole_as_its_type() {
    let lab = lab().await;
    let mut words: Vec<String> = [
        "brightdesk.test",
        "www.brightdesk.test",
        "good.lab.test",
        "https://brightdesk.test/login",
        "--only",
        "http,cloudflare",
        "--cloudflare-api",
    ]
    .map(String::from)
    .to_vec();
    words.push(lab.cloudflare().url());
    let env = [(
        launch_ready_checks::cloudflare::ENV_VAR,
        launch_ready_lab::cloudflare::LAB_TOKEN,
    )];
    let v = check_json(&lab, words, &env).await;
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

/// A finding's evidence read as its code's detail type gives back exactly what was written.
fn detail_reads<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> bool {
    serde_json::from_value::<T>(v.clone())
        .is_ok_and(|t| serde_json::to_value(t).is_ok_and(|back| back == *v))
}

/// Whether the evidence of a finding of the perf, uptime, secrets or env family reads whole
/// as its code's detail type (findings without evidence have nothing to read).
fn finding_detail_is_typed(f: &Value) -> bool {
    use launch_ready_core::evidence::*;
    let ev = &f["evidence"];
    if ev.as_object().is_some_and(serde_json::Map::is_empty) {
        return true;
    }
    match f["code"].as_str().unwrap_or_default() {
        "secrets.exposed" | "secrets.in_history" | "secrets.in_build_output" => {
            detail_reads::<SecretHit>(ev) || detail_reads::<NotReadDetail>(ev)
        }
        "secrets.dotenv_committed" => detail_reads::<TrackedEnvFile>(ev),
        "env.missing_var" => detail_reads::<MissingVars>(ev),
        "env.client_exposed_secret" => detail_reads::<ClientExposedNames>(ev),
        "env.shared_secret" => detail_reads::<SharedSecretNames>(ev),
        "env.not_gitignored" => detail_reads::<NotIgnored>(ev),
        "perf.p95_over_budget" => detail_reads::<P95OverBudget>(ev),
        "perf.error_rate_over_budget" => detail_reads::<ErrorRateOverBudget>(ev),
        "perf.payload_large" => detail_reads::<PayloadOverBudget>(ev),
        "uptime.down" => detail_reads::<ProbeDownDetail>(ev),
        "uptime.slow" => detail_reads::<SlowDetail>(ev),
        "uptime.cert_expiring" => detail_reads::<CertExpiringDetail>(ev),
        "uptime.alert_route_failed" => detail_reads::<UndeliveredDetail>(ev),
        _ => false,
    }
}

/// One engine run of `kind` over `targets`, with `params` and keyring access.
async fn engine_run(
    kind: &str,
    targets: launch_ready_core::session::model::Targets,
    network: launch_ready_core::settings::NetworkSettings,
    params: &[(&str, &str)],
    credentials: launch_ready_checks::credentials::Credentials,
) -> Vec<CheckOutcome> {
    use launch_ready_checks::engine::{Engine, EngineEvent, Job, Scope};
    let scope = Scope::new(targets, network, Default::default()).with_credentials(credentials);
    let (engine, mut rx) = Engine::new();
    engine.run(
        Job {
            check_id: kind.into(),
            kind: launch_ready_core::catalog::kind(kind).expect("kind"),
            severity: Default::default(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        },
        std::sync::Arc::new(scope),
    );
    loop {
        let ev = tokio::time::timeout(std::time::Duration::from_secs(90), rx.recv())
            .await
            .expect("the engine answers in time")
            .expect("engine open");
        if let EngineEvent::Finished { evidence, .. } = ev {
            return evidence.results;
        }
    }
}

/// The perf, uptime, secrets and env kinds: `check --format json` on the lab's API and
/// the demo repository (its tree, history, build output and env files), plus a load run
/// and an alert-route test through the engine, each outcome written as JSON and read back
/// by its kind. Every one comes back as its type, never `Unread`, and every finding's
/// evidence reads whole as its code's detail type.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn perf_uptime_secrets_and_env_write_evidence_their_types_read() {
    use launch_ready_core::catalog::KindId;
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let fixture = launch_ready_lab::repo_fixture::create(dir.path()).unwrap();
    let mut words: Vec<String> = [
        "--only",
        "perf,uptime,secrets,env",
        "--route",
        "GET https://api.brightdesk.test/api/status",
    ]
    .map(String::from)
    .to_vec();
    words.push(fixture.repo.display().to_string());
    words.push(fixture.build_dir.display().to_string());
    words.extend(
        fixture
            .env_files
            .iter()
            .map(|f| f.path.display().to_string()),
    );
    let v = check_json(&lab, words, &[]).await;
    let mut seen = std::collections::BTreeSet::new();
    for r in v["results"].as_array().unwrap() {
        let check = r["check"].as_str().unwrap();
        for f in r["findings"].as_array().unwrap() {
            assert!(finding_detail_is_typed(f), "{check}: {f}");
        }
        if r["status"] == "skipped" || r["status"] == "error" {
            continue;
        }
        let o = Observed::read(KindId::parse(check), r["evidence"].clone());
        let typed = match &o {
            Observed::Perf(p) => check.starts_with("perf.") && !p.routes.is_empty(),
            Observed::Probe(p) => check == "uptime.probe" && p.probes > 0,
            Observed::SecretScan(s) => check.starts_with("secrets.") && s.bytes_scanned > 0,
            Observed::EnvInventory(e) => check == "env.inventory" && e.names > 0,
            // `env.gitignore` records findings only.
            Observed::None => check == "env.gitignore",
            _ => false,
        };
        assert!(
            typed,
            "{check} on {}: {o:?}\n{}",
            r["target"], r["evidence"]
        );
        seen.insert(check.to_string());
    }
    for kind in [
        "perf.latency",
        "uptime.probe",
        "secrets.repo",
        "secrets.history",
        "secrets.build",
        "env.inventory",
        "env.gitignore",
    ] {
        assert!(seen.contains(kind), "{kind} ran: {seen:?}\n{v}");
    }

    // A load run keeps its timeline; the alert route records the delivery.
    let mut network = lab.settings();
    network.timeout_secs = 5;
    let targets = launch_ready_core::session::model::Targets {
        apex: "brightdesk.test".into(),
        routes: vec![launch_ready_core::session::model::Route {
            name: "status".into(),
            path: "https://api.brightdesk.test/api/status".into(),
            method: "GET".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let load = engine_run(
        "perf.load",
        targets,
        network,
        &[("connections", "2"), ("duration", "1")],
        Default::default(),
    )
    .await;
    let hook = launch_ready_lab::hook::HookReceiver::start().await.unwrap();
    let credentials = launch_ready_checks::credentials::Credentials::new(
        std::sync::Arc::new(crate::common::MemoryStore::one(
            "alert-webhook",
            &hook.url(),
        )),
        None,
    );
    let targets = launch_ready_core::session::model::Targets {
        alert_route: Some("alert-webhook".into()),
        ..Default::default()
    };
    let route = engine_run(
        "uptime.alert_route",
        targets,
        Default::default(),
        &[],
        credentials,
    )
    .await;
    for o in load.iter().chain(&route) {
        let json = serde_json::to_value(o).unwrap();
        for f in json["findings"].as_array().unwrap() {
            assert!(finding_detail_is_typed(f), "{}: {f}", o.check);
        }
        let back = Observed::read(KindId::parse(&o.check), json["evidence"].clone());
        match &back {
            Observed::Perf(p) => assert!(
                o.check == "perf.load" && !p.timeline.is_empty() && p.connections == 2,
                "{p:?}"
            ),
            Observed::AlertRoute(a) => assert!(
                o.check == "uptime.alert_route" && a.attempts >= 1 && !a.format.is_empty(),
                "{a:?}"
            ),
            other => panic!("{}: {other:?} from {}", o.check, json["evidence"]),
        }
        assert_eq!(
            back.to_json(),
            json["evidence"],
            "{} reads back whole",
            o.check
        );
    }
    lab.shutdown().await;
}
