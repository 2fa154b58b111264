//! Accepting a secret on the Risks screen, driven through `update` as the TUI drives it:
//! the acceptance becomes entries of the demo repository's baseline file (written by the
//! executor's function, as its blocking thread runs it), and a later headless
//! `check --only secrets` reports those findings as suppressed.

use crate::common;

use common::run;
use launch_ready::app::update_risks::{RiskRow, rows};
use launch_ready::app::{Action, App, Effect, Msg, update};
use launch_ready_core::session::model::Screen;
use launch_ready_lab::planted_secrets;
use ratatui_textarea::{Input, Key};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        update(
            app,
            Msg::Text(Input {
                key: Key::Char(c),
                ..Input::default()
            }),
        );
    }
}

/// Runs the app's secrets jobs through a real engine and records the results.
async fn run_secrets(app: &mut App) {
    let fx = update(app, Msg::Action(Action::RunAll));
    // Running everything asks before the load test; decline it, the rest runs.
    update(app, Msg::Action(Action::Close));
    let ran = common::drive_jobs(
        app,
        fx,
        |kind| kind.starts_with("secrets."),
        Duration::from_secs(60),
    )
    .await;
    assert!(ran >= 3, "the demo runbook scans tree, history and build");
}

/// The fingerprints of the open findings with `code` in the app's latest results.
fn fingerprints(app: &App, code: &str) -> Vec<String> {
    let mut out: Vec<String> = app
        .session
        .checks
        .values()
        .filter_map(|s| s.latest())
        .flat_map(|ev| ev.results.iter())
        .flat_map(|r| r.findings.iter())
        .filter(|f| f.code == code)
        .filter_map(|f| f.evidence["fingerprint"].as_str().map(str::to_string))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Accepts the open risk of `code` on the Risks screen (reason, then owner) and returns
/// the effects asked for.
fn accept(app: &mut App, code: &str) -> Vec<Effect> {
    app.risk_row = rows(app)
        .iter()
        .position(|r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some(code)))
        .unwrap_or_else(|| panic!("{code} is a risk"));
    update(app, Msg::Action(Action::AcceptRisk));
    type_text(app, "demo values, never issued");
    update(app, Msg::Action(Action::Confirm));
    type_text(app, "Dana");
    let fx = update(app, Msg::Action(Action::Confirm));
    assert!(app.modal.is_none());
    fx
}

/// Runs the baseline writes among `fx` as the executor's blocking thread does and returns
/// the messages it sends back.
fn write_baselines(fx: &[Effect]) -> Vec<Msg> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::WriteBaseline {
                check,
                scanned,
                entries,
                by,
                reason,
            } => Some(Msg::BaselineWritten(
                launch_ready_checks::secrets::baseline::accept_found(
                    check, scanned, entries, by, reason,
                )
                .map_err(|e| e.to_string()),
            )),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_secret_goes_into_the_baseline_and_the_next_scan_suppresses_it() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    launch_ready::commands::demo::prepare(&path, &lab, true, OffsetDateTime::now_utc())
        .expect("demo session");
    let session = launch_ready_core::session::store::read(&path).expect("session reads");
    let repo = session.targets.repo.clone().expect("demo repository");
    let runbook = launch_ready::commands::runbooks::library()
        .find(&session.runbook.id, session.runbook.path.as_deref())
        .expect("runbook")
        .runbook;
    let mut app = App::new(session, Arc::new(runbook), OffsetDateTime::now_utc());
    run_secrets(&mut app).await;
    let exposed = fingerprints(&app, "secrets.exposed");
    assert_eq!(
        exposed.len(),
        3,
        "stripe, aws and github in the working tree"
    );
    let in_history = fingerprints(&app, "secrets.in_history");
    assert!(!in_history.is_empty());

    update(&mut app, Msg::Action(Action::Screen(Screen::Risks)));
    let fx = accept(&mut app, "secrets.exposed");
    let file = repo.join(".launch-ready-baseline.json");
    assert!(!file.exists(), "the UI thread writes nothing");
    let writes = write_baselines(&fx);
    assert_eq!(writes.len(), 1, "{fx:?}");
    for msg in writes {
        update(&mut app, msg);
    }
    assert_eq!(
        app.status.as_deref(),
        Some(
            format!(
                "baseline {}: 3 entries written (fingerprint, rule, path, who, why; no expiry)",
                file.display()
            )
            .as_str()
        )
    );

    let text = std::fs::read_to_string(&file).expect("the baseline file");
    for p in planted_secrets() {
        assert!(
            !text.contains(&p.value),
            "the baseline holds no {} value",
            p.rule
        );
    }
    let baseline: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let entries = baseline["accepted"].as_array().expect("entries");
    let mut written: Vec<String> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect();
    written.sort();
    assert_eq!(written, exposed);
    let mut rules: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap_or_default(),
                e["path"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    rules.sort_unstable();
    assert_eq!(
        rules,
        [
            ("aws-access-key-id", ".env.production"),
            ("github-token", ".env.production"),
            ("stripe-secret-key", "src/billing.ts"),
        ]
    );
    for e in entries {
        assert_eq!(e["accepted_by"], "Dana");
        assert_eq!(e["reason"], "demo values, never issued");
        assert!(e.get("expires").is_none(), "no expiry: {e}");
    }

    // The build folder has no baseline of its own: its secrets go into the repository's.
    let in_build = fingerprints(&app, "secrets.in_build_output");
    assert_eq!(
        in_build.len(),
        2,
        "the bundle's key and the source map's token"
    );
    for msg in write_baselines(&accept(&mut app, "secrets.in_build_output")) {
        update(&mut app, msg);
    }
    assert_eq!(
        app.status.as_deref(),
        Some(
            format!(
                "baseline {}: 2 entries written (fingerprint, rule, path, who, why; no expiry)",
                file.display()
            )
            .as_str()
        )
    );
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(baseline["accepted"].as_array().map(Vec::len), Some(5));

    // A later headless scan of the repository reports them as suppressed; what was not
    // accepted (the history) is still reported.
    let out = run([
        "check",
        "--session",
        &path.display().to_string(),
        "--only",
        "secrets",
        "--fail-on",
        "never",
        "--format",
        "json",
    ]
    .map(String::from)
    .to_vec())
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let results = v["results"].as_array().expect("results");
    let result = |check: &str| {
        results
            .iter()
            .find(|r| r["check"] == check)
            .unwrap_or_else(|| panic!("{check} ran"))
    };
    let repo_scan = result("secrets.repo");
    let codes: Vec<&str> = repo_scan["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert_eq!(codes, ["secrets.dotenv_committed"], "{repo_scan}");
    assert_eq!(repo_scan["evidence"]["suppressed_by_baseline"], 3);
    let build = result("secrets.build");
    assert_eq!(
        build["findings"].as_array().map(Vec::len),
        Some(0),
        "{build}"
    );
    assert_eq!(build["evidence"]["suppressed_by_baseline"], 2);
    let history = result("secrets.history");
    assert!(
        history["findings"]
            .as_array()
            .is_some_and(|f| f.iter().any(|f| f["code"] == "secrets.in_history")),
        "{history}"
    );
    lab.shutdown().await;
}
