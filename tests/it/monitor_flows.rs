//! A flow as a monitor target, against the lab: the demo session's pages and its
//! login-then-protected-API flow monitored side by side, with the protected API also
//! monitored as a plain URL on a protected host. Breaking the handler behind the login
//! gate (`FlowSwitch::break_protected`) takes the flow down after the confirm probes and
//! alerts the lab's webhook receiver naming the flow, while the URL probe keeps seeing the
//! gate's 401 and stays up — the reason a flow probe exists. Fixing it recovers the flow
//! and the recovery alert arrives. A flow whose credential is not set is reported as not
//! monitored, never as up; `monitor --session` prints and keeps the flow under `flow:NAME`.

use crate::common::{self, MemoryStore};
use launch_ready_checks::credentials::{Credentials, env_var};
use launch_ready_checks::monitor::alert::{Retry, Route};
use launch_ready_checks::monitor::board::Board;
use launch_ready_checks::monitor::probe::Expect;
use launch_ready_checks::monitor::run::{Config, MonitorEvent, Target, TargetSpec, run};
use launch_ready_checks::monitor::state::{Health, Rules, Transition};
use launch_ready_checks::monitor::target::flow_targets;
use launch_ready_core::catalog::Subject;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::Targets;
use launch_ready_core::session::monitor_log::flow_key;
use launch_ready_core::session::store::{read, to_ron};
use launch_ready_lab::web::flows::{PASSWORD_CREDENTIAL, demo_password};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_util::sync::CancellationToken;

const PROTECTED_API: &str = "https://app.brightdesk.test/api/me";

/// The demo session's targets with the app host marked as behind a login.
fn demo_targets() -> Targets {
    let mut t = launch_ready_lab::demo_targets();
    for h in &mut t.hosts {
        h.protected = h.role == "app";
    }
    t
}

fn config() -> Config {
    let mut rules = Rules::every(Duration::from_millis(400));
    rules.confirm_interval = Duration::from_millis(150);
    Config::with_rules(rules, &Default::default())
        .timeout(Duration::from_secs(3))
        .retry(Retry {
            attempts: 3,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_secs(2),
        })
        .build()
}

/// The next event on `rx` matching `want`, within 20 s.
async fn until(
    rx: &mut UnboundedReceiver<MonitorEvent>,
    what: &str,
    want: impl Fn(&MonitorEvent) -> bool,
) -> MonitorEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(e)) if want(&e) => return e,
            Ok(Some(_)) => {}
            _ => panic!("timed out waiting for {what}"),
        }
    }
}

async fn hook_until(lab: &launch_ready_lab::Lab, what: &str, want: impl Fn(&Value) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !lab.alert_hook().received().iter().any(&want) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out: {what}: {:?}",
            lab.alert_hook().received()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_catches_a_break_behind_the_login_that_the_url_probe_calls_up() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let session = demo_targets();
    let mut urls: Vec<TargetSpec> =
        launch_ready_checks::engine::targets::expand(Subject::Page, &session)
            .into_iter()
            .map(|t| TargetSpec::parse(&t.name, Expect::any()).expect("a page URL"))
            .collect();
    let api = TargetSpec::parse(PROTECTED_API, Expect::any()).expect("URL");
    urls.push(api);
    let urls: Vec<TargetSpec> = urls
        .into_iter()
        .map(|t| TargetSpec {
            expect: Expect::for_url(&t.url, &session),
            ..t
        })
        .collect();
    assert!(
        urls.last().is_some_and(|t| t.expect.protected),
        "the app host is protected"
    );
    let creds = Credentials::new(
        Arc::new(MemoryStore::one(PASSWORD_CREDENTIAL, &demo_password())),
        None,
    );
    let base = launch_ready_checks::smoke::base_for(
        launch_ready_checks::engine::targets::canonical_host(&session),
    );
    let flows = flow_targets(&session.flows, base, &creds).await;
    let name = session.flows[0].name.clone();
    let targets: Vec<Target> = urls
        .into_iter()
        .map(Target::from)
        .chain(flows.into_iter().map(Target::from))
        .collect();
    let flow = targets.len() - 1;
    let api = flow - 1;
    let keys: Vec<String> = targets.iter().map(Target::key).collect();
    assert_eq!(keys[flow], flow_key(&name));
    let hook = lab.alert_hook().url();
    let client = net
        .client_for(&reqwest::Url::parse(&hook).unwrap())
        .unwrap();
    let route = Route::new(&hook, None, client).unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let started = tokio::time::Instant::now();
    let monitor = tokio::spawn(run(
        net,
        targets,
        config(),
        Some(route),
        Some(tx),
        cancel.clone(),
    ));
    // The same events drive the TUI's board.
    let mut board = Board::new(
        Rules::every(Duration::from_millis(400)),
        &keys,
        OffsetDateTime::now_utc(),
    );
    let seen = |e: MonitorEvent, board: &mut Board| {
        board.apply(&e);
        e
    };

    let e = until(
        &mut rx,
        "the flow up",
        |e| matches!(e, MonitorEvent::Probed { target, health: Health::Up, .. } if *target == flow),
    )
    .await;
    seen(e, &mut board);
    lab.web().flows.break_protected();
    let broke_at = tokio::time::Instant::now();
    let e = until(&mut rx, "the flow down", |e| {
        matches!(e, MonitorEvent::Changed { target, transition: Transition::Down { .. } } if *target == flow)
    })
    .await;
    let detected = broke_at.elapsed();
    let MonitorEvent::Changed {
        transition: Transition::Down { reason, .. },
        ..
    } = &e
    else {
        unreachable!()
    };
    assert!(
        reason.contains("step 2 (protected route)") && reason.contains("status 500"),
        "the failing step is named: {reason}"
    );
    assert!(!reason.contains(&demo_password()));
    hook_until(&lab, "the down alert naming the flow", |a| {
        a["event"] == "down" && a["target"] == flow_key(&name).as_str()
    })
    .await;
    let alerted = broke_at.elapsed();
    lab.web().flows.fix_protected();
    let fixed_at = tokio::time::Instant::now();
    until(&mut rx, "the flow recovered", |e| {
        matches!(e, MonitorEvent::Changed { target, transition: Transition::Recovered { .. } } if *target == flow)
    })
    .await;
    hook_until(&lab, "the recovery alert naming the flow", |a| {
        a["event"] == "recovered" && a["target"] == flow_key(&name).as_str()
    })
    .await;
    let recovery_alerted = fixed_at.elapsed();
    eprintln!(
        "flow target: break → detected {} ms, → alert accepted {} ms; fix → recovery alert {} ms",
        detected.as_millis(),
        alerted.as_millis(),
        recovery_alerted.as_millis()
    );
    cancel.cancel();
    let reports = monitor.await.expect("monitor");
    let f = &reports[flow];
    assert_eq!(f.url, flow_key(&name));
    assert_eq!(f.flow.as_deref(), Some(name.as_str()));
    assert_eq!(f.state, "up");
    assert_eq!(f.outages.len(), 1, "{f:?}");
    let o = &f.outages[0];
    assert!(o.alert_delivered_ms.is_some() && o.recovery_alert_delivered_ms.is_some());
    assert!(f.cert_days_left.is_none(), "no certificate read for a flow");
    // The protected API as a URL: the gate's 401 all along, up all along.
    let a = &reports[api];
    assert_eq!(a.url, PROTECTED_API);
    assert_eq!((a.state, a.failures), ("up", 0), "{a:?}");
    // The demo's own planted defects may be down from the start; nothing new broke.
    let break_ms = u64::try_from((broke_at - started).as_millis()).unwrap();
    for r in &reports[..flow] {
        assert!(
            r.outages.iter().all(|o| o.first_failure_ms < break_ms),
            "a URL target is unaffected by the break at {break_ms} ms: {r:?}"
        );
    }
    // The flow's alerts: one down, one recovery.
    let events: Vec<String> = lab
        .alert_hook()
        .received()
        .iter()
        .filter(|a| a["target"] == flow_key(&name).as_str())
        .map(|a| a["event"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(events, ["down", "recovered"]);
    while let Ok(e) = rx.try_recv() {
        seen(e, &mut board);
    }
    assert_eq!(board.rows[flow].url, flow_key(&name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flow_without_its_credential_is_not_monitored_never_up() {
    let session = launch_ready_lab::demo_targets();
    let creds = Credentials::new(Arc::new(MemoryStore::empty()), None);
    let flows = flow_targets(&session.flows, None, &creds).await;
    let target = Target::from(flows.into_iter().next().expect("the demo flow"));
    let why = target.unmonitored().expect("not monitored").to_string();
    assert!(
        why.contains(&format!("needs the `{PASSWORD_CREDENTIAL}` credential"))
            && why.contains(&env_var(PASSWORD_CREDENTIAL)),
        "{why}"
    );
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut config = config();
    config.duration = Some(Duration::from_millis(500));
    let reports = run(
        common::net_for(&Default::default()),
        vec![target],
        config,
        None,
        Some(tx),
        CancellationToken::new(),
    )
    .await;
    let r = &reports[0];
    assert_eq!((r.state, r.probes), ("error", 0));
    assert_eq!(r.error.as_deref(), Some(why.as_str()));
    let e = rx.recv().await.expect("an event");
    assert!(
        matches!(&e, MonitorEvent::Unmonitored { target: 0, reason } if *reason == why),
        "{e:?}"
    );
    let mut board = Board::new(
        Rules::every(Duration::from_secs(60)),
        std::slice::from_ref(&r.url),
        OffsetDateTime::now_utc(),
    );
    board.apply(&e);
    assert_eq!(board.rows[0].error.as_deref(), Some(why.as_str()));
    assert_eq!(board.rows[0].state.health, Health::Pending, "never up");
}

/// A session file aimed at the lab: the demo's pages (its POST routes left out) and flow.
fn session_file(lab: &launch_ready_lab::Lab, dir: &std::path::Path) -> std::path::PathBuf {
    let runbook = launch_ready::commands::runbooks::library()
        .resolve("b2b-demo-to-launch")
        .expect("bundled runbook");
    let mut targets = launch_ready_lab::demo_targets();
    targets.routes.clear();
    targets.alert_routes.clear();
    let mut s = Session::new(
        "monitor-flows",
        "Flows",
        &runbook,
        targets,
        OffsetDateTime::now_utc(),
    );
    s.network = lab.settings();
    let path = dir.join("monitor-flows.ron");
    std::fs::write(&path, to_ron(&s).expect("serialises")).expect("session written");
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn monitor_session_runs_the_flow_and_keeps_it_under_its_own_key() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = session_file(&lab, dir.path());
    let secret = demo_password();
    let var = env_var(PASSWORD_CREDENTIAL);
    let hook = lab.alert_hook().url();
    let args = |format: &str| -> Vec<String> {
        [
            "monitor",
            "--session",
            path.to_str().expect("utf-8"),
            "--interval",
            "400ms",
            "--duration",
            "1500ms",
            "--format",
            format,
        ]
        .map(String::from)
        .to_vec()
    };
    let name = launch_ready_lab::demo_flow().name;
    let out = common::run_env(
        args("json"),
        &[
            (var.as_str(), secret.as_str()),
            ("LAUNCH_READY_ALERT_WEBHOOK", hook.as_str()),
        ],
    )
    .await;
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains(&secret), "the password is printed: {all}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {all}"));
    crate::monitor_session::validate_against(
        &v,
        include_str!("../../assets/schema/monitor-v1.json"),
    );
    let flow = v["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["flow"] == name.as_str())
        .unwrap_or_else(|| panic!("the flow is a target: {all}"));
    assert_eq!(flow["url"], flow_key(&name).as_str());
    assert_eq!(flow["state"], "up", "{flow}");
    assert!(flow["probes"].as_u64().unwrap() >= 2, "{flow}");
    let reopened = read(&path).expect("the session reads");
    let kept = reopened
        .monitor
        .target(&flow_key(&name))
        .expect("the flow's history, under its own key");
    assert!(kept.probes >= 2 && kept.failures == 0, "{kept:?}");

    // No credential anywhere: the flow is an error with the reason, and the run fails.
    let out = common::run_env(
        args("text"),
        &[
            ("LAUNCH_READY_DATA_DIR", dir.path().to_str().expect("utf-8")),
            ("LAUNCH_READY_ALERT_WEBHOOK", hook.as_str()),
        ],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    assert!(
        text.contains(&format!("NOT MONITORED  {}", flow_key(&name)))
            && text.contains(&format!("needs the `{PASSWORD_CREDENTIAL}` credential")),
        "{text}"
    );
    assert!(err.contains("NOT monitored"), "{err}");
}
