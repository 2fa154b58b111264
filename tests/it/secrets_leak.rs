//! The demo lab's planted credentials go through every real output path — headless
//! `check --session` as JSON and as text, the session file the TUI writes after running
//! the secrets and env checks, and the checklist detail of a secrets check rendered on a
//! `TestBackend` — and none of them ever shows a planted value, while the findings they
//! should cause are all there.

use crate::common;

use common::run;
use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::view;
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::{Place, planted_secrets};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;

fn assert_no_planted_value(what: &str, output: &str) {
    for p in planted_secrets() {
        assert!(
            !output.contains(&p.value),
            "{what} shows the planted {} value ({:?})",
            p.rule,
            p.place
        );
        // A recognisable half is a leak too (redaction shows at most four chars).
        let half = &p.value[..p.value.len() / 2];
        assert!(
            !output.contains(half),
            "{what} shows half of a planted {} value",
            p.rule
        );
    }
}

/// Runs the app's secrets and env jobs through a real engine and records the results.
async fn run_secrets_and_env(mut app: App) -> App {
    let fx = update(&mut app, Msg::Action(Action::RunAll));
    // Running everything asks before the load test; decline it, the rest runs.
    update(&mut app, Msg::Action(Action::Close));
    assert!(app.modal.is_none(), "no question left open");
    let ran = common::drive_jobs(
        &mut app,
        fx,
        |kind| matches!(kind.split('.').next(), Some("secrets" | "env")),
        Duration::from_secs(60),
    )
    .await;
    assert!(ran >= 4, "the demo runbook has secrets and env checks");
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_secrets_never_leave_redacted_in_any_output() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    launch_ready::commands::demo::prepare(&path, &lab, true, OffsetDateTime::now_utc())
        .expect("demo session");

    // Headless, JSON: every planted kind is found, and no value shows.
    let mut base: Vec<String> = ["check", "--session", &path.display().to_string()]
        .iter()
        .map(ToString::to_string)
        .collect();
    base.extend(["--only", "secrets,env", "--fail-on", "never"].map(String::from));
    let mut json_args = base.clone();
    json_args.extend(["--format".into(), "json".into()]);
    let out = run(json_args).await;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_no_planted_value("check --format json", &stdout);
    assert_no_planted_value("check stderr", &stderr);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let findings: Vec<&serde_json::Value> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .collect();
    let codes: Vec<&str> = findings.iter().filter_map(|f| f["code"].as_str()).collect();
    for code in [
        "secrets.exposed",
        "secrets.in_history",
        "secrets.in_build_output",
        "secrets.dotenv_committed",
        "env.missing_var",
        "env.shared_secret",
        "env.client_exposed_secret",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    let rules: Vec<&str> = findings
        .iter()
        .filter_map(|f| f["evidence"]["rule"].as_str())
        .collect();
    for p in planted_secrets()
        .iter()
        .filter(|p| p.place != Place::EnvFile)
    {
        assert!(rules.contains(&p.rule), "{} not found: {rules:?}", p.rule);
    }
    // The decoys are not findings: the docs, the defaults, the lock file and the CSS.
    let text = stdout.to_string();
    for decoy in [
        "docs/aws.md",
        "src/defaults.ts",
        "package-lock.json",
        "src/logo.css",
    ] {
        assert!(!text.contains(decoy), "{decoy} reported");
    }

    // Headless, text.
    let out = run(base).await;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("secrets.exposed"), "{text}");
    assert_no_planted_value("check text", &text);
    assert_no_planted_value("check text stderr", &String::from_utf8_lossy(&out.stderr));

    // The TUI runs the same checks and saves the session.
    let session = launch_ready_core::session::store::read(&path).expect("session reads");
    let runbook = launch_ready::commands::runbooks::library()
        .find(&session.runbook.id, session.runbook.path.as_deref())
        .expect("runbook")
        .runbook;
    let app = App::new(session, Arc::new(runbook), OffsetDateTime::now_utc());
    let mut app = run_secrets_and_env(app).await;
    let saved = dir.path().join("after-run.ron");
    SessionFile::create(&saved, &app.session).expect("session saved");
    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(file.contains("secrets.exposed"), "results recorded");
    assert_no_planted_value("the session file", &file);

    // The checklist detail of the repository secrets check.
    let (stage, check) = app
        .runbook
        .stages
        .iter()
        .enumerate()
        .find_map(|(si, s)| {
            s.checks
                .iter()
                .position(|c| c.id == "audit-secrets-repo")
                .map(|ci| (si, ci))
        })
        .expect("the demo runbook scans the repository");
    update(&mut app, Msg::SelectStage(stage));
    update(&mut app, Msg::SelectCheck(check));
    let mut terminal = Terminal::new(TestBackend::new(160, 60)).unwrap();
    let mut screens = String::new();
    for _ in 0..6 {
        terminal.draw(|f| view::render(&app, f)).unwrap();
        screens.push_str(&terminal.backend().to_string());
        update(&mut app, Msg::Action(Action::PageDown));
    }
    assert!(
        screens.contains("secrets.exposed") || screens.contains("stripe-secret-key"),
        "{screens}"
    );
    assert_no_planted_value("the checklist detail", &screens);
    lab.shutdown().await;
}

/// `secrets baseline --session S` accepts what the session's repository holds now; then
/// `check --session S` and the engine the TUI drives report no accepted secret again and
/// say how many they suppressed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_baseline_suppresses_in_check_and_in_the_tui() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    launch_ready::commands::demo::prepare(&path, &lab, true, OffsetDateTime::now_utc())
        .expect("demo session");
    let session_arg = path.display().to_string();
    let out = run([
        "secrets",
        "baseline",
        "--session",
        &session_arg,
        "--reason",
        "demo values, never issued",
        "--by",
        "qa",
        "--all",
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
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("finding(s) accepted"), "{said}");
    let session = launch_ready_core::session::store::read(&path).expect("session reads");
    let repo = session.targets.repo.clone().expect("demo repository");
    let baseline = std::fs::read_to_string(repo.join(".launch-ready-baseline.json")).unwrap();
    assert!(baseline.contains("\"qa\"") && baseline.contains("never issued"));
    assert_no_planted_value("the baseline file", &baseline);

    let out = run([
        "check",
        "--session",
        &session_arg,
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
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let results = v["results"].as_array().unwrap();
    for r in results {
        let codes: Vec<&str> = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            codes.iter().all(|c| *c == "secrets.dotenv_committed"),
            "{}: {codes:?}",
            r["check"]
        );
        assert!(
            r["evidence"]["suppressed_by_baseline"]
                .as_u64()
                .unwrap_or(0)
                > 0,
            "{} says what it suppressed: {r}",
            r["check"]
        );
    }

    let runbook = launch_ready::commands::runbooks::library()
        .find(&session.runbook.id, session.runbook.path.as_deref())
        .expect("runbook")
        .runbook;
    let app = App::new(session, Arc::new(runbook), OffsetDateTime::now_utc());
    let app = run_secrets_and_env(app).await;
    let saved = dir.path().join("after-baseline.ron");
    SessionFile::create(&saved, &app.session).expect("session saved");
    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(
        file.contains("accepted in the baseline"),
        "the TUI's results say so"
    );
    assert!(
        !file.contains("secrets.exposed"),
        "accepted secrets are not findings"
    );
    lab.shutdown().await;
}
