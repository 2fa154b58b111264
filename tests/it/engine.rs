//! The engine's contract: limits, cancellation, contained panics, hard deadlines.
//!
//! Tests whose checks are stand-ins (no socket, only tokio sleeps) run on a paused clock:
//! tokio jumps to the next timer whenever every task waits, so a 30 s check costs nothing
//! and the order of events does not hang on a loaded machine's scheduler.

use crate::common;
use launch_ready_core::code::Code;

use launch_ready_checks::engine::{Engine, EngineEvent, Job, Registry, Scope};
use launch_ready_core::catalog;
use launch_ready_core::catalog::KindId;
use launch_ready_core::finding::{CheckStatus, Finding, Severity};
use launch_ready_core::outcome;
use launch_ready_core::session::model::{Evidence, HostTarget, Targets};
use launch_ready_core::settings::{Nameserver, NetworkSettings};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedReceiver;

fn job(id: &str, kind: &str) -> Job {
    Job {
        check_id: id.into(),
        kind: catalog::kind(kind).expect("known kind"),
        severity: BTreeMap::new(),
        params: BTreeMap::new(),
    }
}

fn scope_with_hosts(n: usize, network: NetworkSettings) -> Arc<Scope> {
    Arc::new(Scope::new(
        Targets {
            apex: "a.test".into(),
            hosts: (0..n)
                .map(|i| HostTarget {
                    role: format!("h{i}"),
                    host: format!("h{i}.a.test"),
                    protected: false,
                })
                .collect(),
            ..Targets::default()
        },
        network,
        Default::default(),
    ))
}

/// Events until `check_id` ends; returns its evidence (None when cancelled).
async fn until_end(rx: &mut UnboundedReceiver<EngineEvent>, check_id: &str) -> Option<Evidence> {
    let deadline = Duration::from_secs(20);
    loop {
        let ev = tokio::time::timeout(deadline, rx.recv())
            .await
            .expect("event in time")
            .expect("channel open");
        match ev {
            EngineEvent::Finished {
                check_id: id,
                evidence,
            } if id == check_id => return Some(evidence),
            EngineEvent::Cancelled { check_id: id } if id == check_id => return None,
            _ => {}
        }
    }
}

#[tokio::test(start_paused = true)]
async fn concurrency_limit_is_respected() {
    let running = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let mut reg = launch_ready_checks::engine::adapters::builtin();
    let (r, p) = (running.clone(), peak.clone());
    reg.insert(KindId::DnsRecords, move |_| {
        let (r, p) = (r.clone(), p.clone());
        async move {
            let now = r.fetch_add(1, Ordering::SeqCst) + 1;
            p.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(40)).await;
            r.fetch_sub(1, Ordering::SeqCst);
            outcome::judged("ok", Vec::new(), serde_json::Value::Null)
        }
    });
    let (engine, mut rx) = Engine::with_registry(reg);
    let network = NetworkSettings {
        concurrency: 3,
        ..NetworkSettings::default()
    };
    let ev = until_end_after(
        &engine,
        &mut rx,
        job("rec", "dns.records"),
        scope_with_hosts(11, network),
    )
    .await;
    assert_eq!(ev.results.len(), 12);
    assert!(ev.results.iter().all(|r| r.status == CheckStatus::Pass));
    assert_eq!(peak.load(Ordering::SeqCst), 3, "peak in-flight checks");
}

async fn until_end_after(
    engine: &Engine,
    rx: &mut UnboundedReceiver<EngineEvent>,
    job: Job,
    scope: Arc<Scope>,
) -> Evidence {
    let id = job.check_id.clone();
    engine.run(job, scope);
    until_end(rx, &id).await.expect("finished, not cancelled")
}

fn slow_registry(dropped: Arc<AtomicUsize>) -> Registry {
    struct Guard(Arc<AtomicUsize>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let mut reg = launch_ready_checks::engine::adapters::builtin();
    for kind in [KindId::DnsRecords, KindId::DnsCaa] {
        let d = dropped.clone();
        reg.insert(kind, move |_| {
            let g = Guard(d.clone());
            async move {
                let _g = g;
                tokio::time::sleep(Duration::from_secs(30)).await;
                outcome::judged("slow", Vec::new(), serde_json::Value::Null)
            }
        });
    }
    reg
}

#[tokio::test(start_paused = true)]
async fn cancelling_one_job_leaves_the_other_running() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let mut reg = slow_registry(dropped.clone());
    reg.insert(KindId::DnsProvider, |_| async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        outcome::judged("fine", Vec::new(), serde_json::Value::Null)
    });
    let (engine, mut rx) = Engine::with_registry(reg);
    let scope = scope_with_hosts(2, NetworkSettings::default());
    engine.run(job("slow", "dns.records"), scope.clone());
    engine.run(job("quick", "dns.provider"), scope);
    tokio::time::sleep(Duration::from_millis(50)).await;
    engine.cancel("slow");
    let mut cancelled = false;
    let mut finished = false;
    let start = Instant::now();
    while !(cancelled && finished) {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            EngineEvent::Cancelled { check_id } => {
                assert_eq!(check_id, "slow");
                cancelled = true;
            }
            EngineEvent::Finished { check_id, evidence } => {
                assert_eq!(check_id, "quick");
                assert_eq!(evidence.status, CheckStatus::Pass);
                finished = true;
            }
            _ => {}
        }
    }
    assert!(start.elapsed() < Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        3,
        "in-flight checks of the cancelled job were dropped"
    );
}

#[tokio::test(start_paused = true)]
async fn cancel_all_cancels_every_job_and_rerun_replaces() {
    let dropped = Arc::new(AtomicUsize::new(0));
    let (engine, mut rx) = Engine::with_registry(slow_registry(dropped.clone()));
    let scope = scope_with_hosts(1, NetworkSettings::default());
    engine.run(job("a", "dns.records"), scope.clone());
    engine.run(job("b", "dns.caa"), scope.clone());
    // Re-running `a` cancels its first run before the second starts.
    engine.run(job("a", "dns.records"), scope);
    let mut seen = Vec::new();
    loop {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap()
        {
            EngineEvent::Cancelled { check_id } => {
                seen.push(check_id);
                if seen.len() == 1 {
                    assert_eq!(seen[0], "a", "the replaced run ends first");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    engine.cancel_all();
                }
                if seen.len() == 3 {
                    break;
                }
            }
            EngineEvent::Finished { check_id, .. } => panic!("{check_id} finished"),
            _ => {}
        }
    }
    seen.sort();
    assert_eq!(seen, ["a", "a", "b"]);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(engine.running(), 0);
}

#[tokio::test]
async fn a_panicking_check_becomes_an_error_and_the_others_finish() {
    let mut reg = launch_ready_checks::engine::adapters::builtin();
    reg.insert(
        KindId::DnsRecords,
        |i: launch_ready_checks::engine::registry::CheckInput| async move {
            if i.target.name == "h1.a.test" {
                panic!("boom on {}", i.target.name);
            }
            outcome::judged("ok", Vec::new(), serde_json::Value::Null)
        },
    );
    let (engine, mut rx) = Engine::with_registry(reg);
    let ev = until_end_after(
        &engine,
        &mut rx,
        job("p", "dns.records"),
        scope_with_hosts(3, NetworkSettings::default()),
    )
    .await;
    assert_eq!(ev.results.len(), 4);
    let crashed: Vec<_> = ev
        .results
        .iter()
        .filter(|r| r.status == CheckStatus::Error)
        .collect();
    assert_eq!(crashed.len(), 1);
    assert_eq!(crashed[0].target, "h1.a.test");
    assert!(
        crashed[0]
            .summary
            .contains("the check crashed: boom on h1.a.test"),
        "{}",
        crashed[0].summary
    );
    assert_eq!(
        ev.results
            .iter()
            .filter(|r| r.status == CheckStatus::Pass)
            .count(),
        3
    );
    assert_eq!(ev.status, CheckStatus::Error);
    assert_eq!(ev.results[0].check, "dns.records");
    assert_eq!(ev.results[0].family, "dns");
}

#[tokio::test]
async fn blackhole_nameserver_ends_within_the_bound_with_error() {
    // A UDP socket that never answers, and no TCP listener behind it.
    let hole = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let network = NetworkSettings {
        nameserver: Some(Nameserver(hole.local_addr().unwrap())),
        timeout_secs: 1,
        ..NetworkSettings::default()
    };
    let (engine, mut rx) = Engine::new();
    let start = Instant::now();
    let ev = until_end_after(
        &engine,
        &mut rx,
        job("bh", "dns.records"),
        scope_with_hosts(1, network),
    )
    .await;
    let took = start.elapsed();
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(
        ev.results.iter().all(|r| r.status == CheckStatus::Error),
        "{ev:?}"
    );
    assert!(
        ev.results[0].summary.contains("within 1 s") || ev.results[0].summary.contains("timed out"),
        "{}",
        ev.results[0].summary
    );
    drop(hole);
}

#[tokio::test]
async fn overrides_unregistered_kinds_and_missing_targets() {
    let mut reg = launch_ready_checks::engine::adapters::builtin();
    reg.insert(KindId::DnsCaa, |_| async {
        outcome::judged(
            "x",
            vec![Finding::new(Code::DnsCaaMissing, "no CAA")],
            serde_json::Value::Null,
        )
    });
    let (engine, mut rx) = Engine::with_registry(reg);
    let scope = scope_with_hosts(0, NetworkSettings::default());
    let mut j = job("caa", "dns.caa");
    j.severity.insert("dns.caa_missing".into(), Severity::High);
    let ev = until_end_after(&engine, &mut rx, j, scope.clone()).await;
    assert_eq!(ev.results[0].findings[0].severity, Severity::High);
    assert_eq!(ev.status, CheckStatus::Fail);

    // A kind missing from the registry (one a build leaves out) is skipped as such.
    let (bare, mut bare_rx) =
        Engine::with_registry(launch_ready_checks::engine::registry::Registry::default());
    let ev = until_end_after(
        &bare,
        &mut bare_rx,
        job("uptime", "uptime.probe"),
        scope.clone(),
    )
    .await;
    assert_eq!(ev.status, CheckStatus::Skipped);
    assert_eq!(ev.results[0].summary, "not available in this build");
    assert!(launch_ready_checks::engine::is_available(
        catalog::kind("uptime.probe").unwrap()
    ));
    assert!(launch_ready_checks::engine::is_available(
        catalog::kind("tls.certificate").unwrap()
    ));
    assert!(launch_ready_checks::engine::is_available(
        catalog::kind("dns.records").unwrap()
    ));

    let ev = until_end_after(&engine, &mut rx, job("repo", "secrets.repo"), scope).await;
    assert_eq!(ev.status, CheckStatus::Skipped);
    assert_eq!(ev.results[0].summary, "no repository configured");
}

#[tokio::test]
async fn engine_runs_real_checks_against_the_lab() {
    let lab = common::lab().await;
    let (engine, mut rx) = Engine::new();
    let scope = Arc::new(Scope::new(
        launch_ready_lab::demo_targets(),
        lab.settings(),
        Default::default(),
    ));
    let ev = until_end_after(&engine, &mut rx, job("rec", "dns.records"), scope.clone()).await;
    assert_eq!(ev.results.len(), 8);
    let help = ev
        .results
        .iter()
        .find(|r| r.target == "help.brightdesk.test")
        .unwrap();
    assert_eq!(help.findings[0].code, "dns.dangling_cname");
    assert_eq!(ev.status, CheckStatus::Fail);
    assert!(ev.summary.starts_with("8 targets"), "{}", ev.summary);
    let ev = until_end_after(&engine, &mut rx, job("stg", "dns.staging"), scope).await;
    let targets: Vec<_> = ev.results.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        ["staging.brightdesk.test", "preview.brightdesk.test"]
    );
    assert_eq!(ev.results[0].findings[0].code, "dns.staging_exposed");
    lab.shutdown().await;
}

/// Through the engine the guard knows the session: its hosts, which `connect_to` sends to
/// loopback, are read; the CDN host the session does not declare, also on loopback, is
/// left out and said; `fetch_hosts` lets the operator allow it.
#[tokio::test]
async fn bundle_reads_the_session_hosts_and_leaves_out_undeclared_inner_ones() {
    let lab = common::lab().await;
    let (engine, mut rx) = Engine::new();
    let scope = Arc::new(Scope::new(
        launch_ready_lab::demo_targets(),
        lab.settings(),
        Default::default(),
    ));
    let ev = until_end_after(&engine, &mut rx, job("b", "http.bundle"), scope).await;
    let apex = ev
        .results
        .iter()
        .find(|r| r.target == "https://brightdesk.test/")
        .unwrap_or_else(|| panic!("{:#?}", ev.results));
    assert_eq!(apex.findings[0].code, "http.secret_in_bundle", "{apex:#?}");
    assert_eq!(
        apex.evidence.to_json()["left_out"][0]["url"],
        "http://cdn.brightdesk.test/widget.js"
    );
    assert!(
        apex.evidence.to_json()["left_out"][0]["reason"]
            .as_str()
            .unwrap()
            .ends_with("resolves to 127.0.0.1 (loopback)"),
        "{apex:#?}"
    );

    let mut network = lab.settings();
    network.fetch_hosts = vec!["cdn.brightdesk.test".into()];
    let scope = Arc::new(Scope::new(
        launch_ready_lab::demo_targets(),
        network,
        Default::default(),
    ));
    let ev = until_end_after(&engine, &mut rx, job("b2", "http.bundle"), scope).await;
    let apex = ev
        .results
        .iter()
        .find(|r| r.target == "https://brightdesk.test/")
        .unwrap();
    assert!(
        apex.evidence.to_json().get("left_out").is_none(),
        "{apex:#?}"
    );
    lab.shutdown().await;
}

/// The engine builds the network stack for network kinds only: with a CA file that cannot
/// be read, a host check is an error naming the file and the repository scan still finds
/// the planted secret.
#[tokio::test]
async fn a_bad_ca_file_is_an_error_on_network_kinds_only() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = launch_ready_lab::repo_fixture::create(dir.path()).unwrap();
    let missing = dir.path().join("no-such-ca.pem");
    let network = NetworkSettings {
        ca_file: Some(missing.clone()),
        ..NetworkSettings::default()
    };
    let scope = Arc::new(Scope::new(
        Targets {
            apex: "a.test".into(),
            repo: Some(fixture.repo.clone()),
            ..Targets::default()
        },
        network,
        Default::default(),
    ));
    let (engine, mut rx) = Engine::new();
    let ev = until_end_after(&engine, &mut rx, job("rec", "dns.records"), scope.clone()).await;
    assert_eq!(ev.status, CheckStatus::Error, "{ev:?}");
    let named = missing.display().to_string();
    assert!(
        ev.results
            .iter()
            .all(|r| r.status == CheckStatus::Error && r.summary.contains(&named)),
        "{ev:?}"
    );
    let ev = until_end_after(&engine, &mut rx, job("repo", "secrets.repo"), scope).await;
    assert_eq!(ev.status, CheckStatus::Fail, "{ev:?}");
    assert!(
        ev.results[0]
            .findings
            .iter()
            .any(|f| f.code == "secrets.exposed"),
        "{ev:?}"
    );
}

/// Two runbook checks of one kind (a redirect check in two stages) probe each target once:
/// both are credited with the outcome, each with its own severity overrides; other
/// parameters are another run, and cancelling the check that started the shared run
/// leaves the other to finish it.
#[tokio::test(start_paused = true)]
async fn checks_of_one_kind_share_one_run_per_target_and_parameters() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut reg = launch_ready_checks::engine::adapters::builtin();
    let c = calls.clone();
    reg.insert(KindId::DnsRecords, move |_| {
        let c = c.clone();
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(100)).await;
            outcome::judged(
                "x",
                vec![Finding::new(Code::DnsCaaMissing, "no CAA")],
                serde_json::Value::Null,
            )
        }
    });
    let (engine, mut rx) = Engine::with_registry(reg);
    let scope = scope_with_hosts(2, NetworkSettings::default());
    let mut strict = job("edge-caa", "dns.records");
    strict
        .severity
        .insert("dns.caa_missing".into(), Severity::High);
    engine.run(job("audit-caa", "dns.records"), scope.clone());
    engine.run(strict, scope.clone());
    let audit = until_end(&mut rx, "audit-caa").await.expect("finished");
    let edge = until_end(&mut rx, "edge-caa").await.expect("finished");
    assert_eq!(calls.load(Ordering::SeqCst), 3, "one probe per target");
    assert_eq!(audit.results.len(), 3);
    assert_eq!(edge.results.len(), 3);
    assert!(
        audit
            .results
            .iter()
            .all(|r| r.findings[0].severity == Severity::Low)
    );
    assert!(
        edge.results
            .iter()
            .all(|r| r.findings[0].severity == Severity::High)
    );

    // Other parameters ask another question.
    let mut other = job("caa-params", "dns.records");
    other
        .params
        .insert("issuer".into(), "letsencrypt.org".into());
    until_end_after(&engine, &mut rx, other, scope).await;
    assert_eq!(calls.load(Ordering::SeqCst), 6);

    // The check that started the run is cancelled: the other runs it to its end.
    let scope = scope_with_hosts(0, NetworkSettings::default());
    engine.run(job("first", "dns.records"), scope.clone());
    engine.run(job("second", "dns.records"), scope);
    tokio::time::sleep(Duration::from_millis(30)).await;
    engine.cancel("first");
    assert!(until_end(&mut rx, "first").await.is_none());
    let second = until_end(&mut rx, "second").await.expect("finished");
    assert_eq!(second.status, CheckStatus::Warn);
    assert_eq!(second.results.len(), 1);
}
