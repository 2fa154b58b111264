//! The exported locustfile running the demo session's login flow headless against the
//! lab: each step a row in Locust's stats, failures where the lab breaks the flow, later
//! steps never sent after a failed one, and the exit code following the runbook's budgets.
//! The export itself holds variable names only, never the password.
//!
//! Locust resolves names through the system, so the lab's names reach it through a second
//! locustfile given with `-f` that sends each lab host's port to the lab's address (as the
//! session's connect-to settings do for the product's own client); the lab CA goes in
//! `REQUESTS_CA_BUNDLE`, as the locustfile's header says for any custom CA.

use crate::common;
use crate::exports::{demo_session, export, have};
use launch_ready_core::flow::{Body, Capture, Expect, Flow, Header, JsonEquals, Source, Step};
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::web::flows::{DEMO_EMAIL, PASSWORD_CREDENTIAL, demo_password};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const LOGIN: &str = "log in then protected route › log in";
const PROTECTED: &str = "log in then protected route › protected route";
/// The second flow's steps: a JSON login whose token signs the next requests, and a
/// settings form sent back with the CSRF field its page holds.
const SETTINGS: [&str; 3] = [
    "settings › api login",
    "settings › open settings",
    "settings › save settings",
];
/// The variable the second flow reads the account's email from.
const EMAIL_VAR: &str = "LR_LOCUST_DEMO_EMAIL";

fn settings_flow() -> Flow {
    let bearer = || Header {
        name: "authorization".into(),
        value: "Bearer {{token}}".into(),
    };
    Flow {
        name: "settings".into(),
        steps: vec![
            Step {
                name: "api login".into(),
                method: "POST".into(),
                body: Some(Body::Json(serde_json::json!({
                    "email": format!("{{{{env:{EMAIL_VAR}}}}}"),
                    "password": format!("{{{{secret:{PASSWORD_CREDENTIAL}}}}}"),
                }))),
                expect: Expect {
                    status: vec![200],
                    json: vec![JsonEquals {
                        pointer: "/user/email".into(),
                        equals: serde_json::json!(DEMO_EMAIL),
                    }],
                    ..Expect::default()
                },
                capture: vec![Capture {
                    name: "token".into(),
                    from: Source::Json("/token".into()),
                }],
                ..Step::get("https://app.brightdesk.test/api/login")
            },
            Step {
                name: "open settings".into(),
                headers: vec![bearer()],
                expect: Expect {
                    status: vec![200],
                    ..Expect::default()
                },
                capture: vec![
                    Capture {
                        name: "csrf".into(),
                        from: Source::FormInput("csrf_token".into()),
                    },
                    Capture {
                        name: "cache".into(),
                        from: Source::Header("cache-control".into()),
                    },
                ],
                ..Step::get("https://app.brightdesk.test/settings")
            },
            Step {
                name: "save settings".into(),
                method: "POST".into(),
                headers: vec![bearer()],
                body: Some(Body::Form(vec![
                    ("csrf_token".into(), "{{csrf}}".into()),
                    ("display_name".into(), "Demo ({{cache}})".into()),
                ])),
                expect: Expect {
                    status: vec![200],
                    contains: vec!["Settings saved".into()],
                    ..Expect::default()
                },
                ..Step::get("https://app.brightdesk.test/settings")
            },
        ],
    }
}

/// Sends connections for the lab's names to the lab's ports. Loaded after the locustfile,
/// so after Locust has patched the socket module.
const LAB_NET: &str = r#"
import json
import os

import urllib3.util.connection as connection

_TO = {(h, p): (a, q) for h, p, a, q in json.loads(os.environ["LAB_CONNECT_TO"])}
_create = connection.create_connection


def _create_lab(address, *args, **kwargs):
    host, port = address
    return _create(_TO.get((host.lower(), port), address), *args, **kwargs)


connection.create_connection = _create_lab
"#;

fn password_var() -> String {
    launch_ready::tui::executor::env_var_for(PASSWORD_CREDENTIAL)
}

/// The demo session with its login flow and a settings flow, without its routes, so a
/// run's verdict is the flows' alone (the demo's routes carry planted defects).
fn flow_only_session(dir: &Path, lab: &launch_ready_lab::Lab) -> PathBuf {
    let path = demo_session(dir, lab);
    let (file, mut s) = SessionFile::open(&path).unwrap();
    s.targets.routes.clear();
    assert_eq!(s.targets.flows.len(), 1, "the demo has its login flow");
    s.targets.flows.push(settings_flow());
    file.save(&s).unwrap();
    path
}

struct Run {
    out: Output,
    csv: String,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).to_string()
    }

    /// (requests, failures) of the row named `name`, if Locust has one.
    fn row(&self, name: &str) -> Option<(u64, u64)> {
        let line = self
            .csv
            .lines()
            .find(|l| l.split(',').nth(1) == Some(name))?;
        let cols: Vec<&str> = line.split(',').collect();
        Some((cols[2].parse().unwrap(), cols[3].parse().unwrap()))
    }
}

/// Runs the locustfile in `dir` headless with four users (two per flow) for `secs` seconds.
async fn locust(
    dir: &Path,
    lab: &launch_ready_lab::Lab,
    password: Option<String>,
    secs: u32,
) -> Run {
    let connect_to: Vec<serde_json::Value> = lab
        .settings()
        .connect_to
        .iter()
        .map(|c| serde_json::json!([c.host, c.port, c.to.ip().to_string(), c.to.port()]))
        .collect();
    let ca = dir.join("lab-ca.pem");
    std::fs::write(&ca, &lab.web().ca_pem).unwrap();
    std::fs::write(dir.join("labnet.py"), LAB_NET).unwrap();
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let _ = std::fs::remove_file(dir.join("run_stats.csv"));
        let mut cmd = Command::new("locust");
        cmd.args([
            "-f",
            "locustfile.py,labnet.py",
            "--headless",
            "-u",
            "4",
            "-r",
            "4",
            "-t",
        ])
        .arg(format!("{secs}s"))
        .args(["--csv", "run", "--only-summary"])
        .env(
            "LAB_CONNECT_TO",
            serde_json::Value::from(connect_to).to_string(),
        )
        .env("REQUESTS_CA_BUNDLE", &ca)
        .env_remove(password_var())
        .env(EMAIL_VAR, DEMO_EMAIL)
        .current_dir(&dir);
        if let Some(p) = password {
            cmd.env(password_var(), p);
        }
        let started = Instant::now();
        let out = cmd.output().unwrap();
        eprintln!(
            "exports bench: locust flow run of {secs}s took {} ms",
            started.elapsed().as_millis()
        );
        let csv = std::fs::read_to_string(dir.join("run_stats.csv")).unwrap_or_default();
        Run { out, csv }
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_locustfile_runs_the_sessions_flow_step_by_step() {
    if !have("locust", "locust flow export") {
        return;
    }
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let session = flow_only_session(dir.path(), &lab).display().to_string();
    let out_dir = dir.path().join("locust");
    let d = out_dir.display().to_string();
    let password = demo_password();
    // The password at hand while exporting, as it is on the machine that ran the sprint:
    // still only its variable's name reaches the files.
    let exported = tokio::task::spawn_blocking({
        let (var, pw) = (password_var(), password.clone());
        move || export(&["locust", &session, &d], &[(var.as_str(), pw.as_str())])
    })
    .await
    .unwrap();
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let file = std::fs::read_to_string(out_dir.join("locustfile.py")).unwrap();
    let readme = std::fs::read_to_string(out_dir.join("LOCUST.md")).unwrap();
    for text in [&file, &readme] {
        assert!(!text.contains(&password));
        assert!(
            text.contains(&password_var()) && text.contains(EMAIL_VAR),
            "{text}"
        );
    }
    let compiled = Command::new("python3")
        .args(["-W", "error", "-c"])
        .arg("import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')")
        .arg(out_dir.join("locustfile.py"))
        .output()
        .unwrap();
    assert!(
        compiled.status.success(),
        "the locustfile compiles without warnings: {}",
        String::from_utf8_lossy(&compiled.stderr)
    );

    let ok = locust(&out_dir, &lab, Some(password.clone()), 5).await;
    let (logins, login_failed) = ok
        .row(LOGIN)
        .unwrap_or_else(|| panic!("{}{}", ok.csv, ok.stderr()));
    let (reads, read_failed) = ok
        .row(PROTECTED)
        .unwrap_or_else(|| panic!("{}{}", ok.csv, ok.stderr()));
    assert!(logins > 0 && reads > 0, "{}", ok.csv);
    assert_eq!(
        (login_failed, read_failed),
        (0, 0),
        "{}{}",
        ok.csv,
        ok.stderr()
    );
    assert_eq!(ok.out.status.code(), Some(0), "{}", ok.stderr());

    lab.web().flows.break_protected();
    let broken = locust(&out_dir, &lab, Some(password.clone()), 5).await;
    lab.web().flows.fix_protected();
    let (logins, login_failed) = broken
        .row(LOGIN)
        .unwrap_or_else(|| panic!("{}", broken.csv));
    let (reads, read_failed) = broken
        .row(PROTECTED)
        .unwrap_or_else(|| panic!("{}", broken.csv));
    assert!(logins > 0 && reads > 0, "{}", broken.csv);
    assert_eq!(login_failed, 0, "{}", broken.csv);
    assert_eq!(read_failed, reads, "{}", broken.csv);
    // The other flow does not touch the broken route.
    assert_eq!(
        broken.row(SETTINGS[2]).map(|r| r.1),
        Some(0),
        "{}",
        broken.csv
    );
    assert!(
        broken.stderr().contains("status 500, expected 200"),
        "{}",
        broken.stderr()
    );
    assert!(
        broken.stderr().contains("error rate"),
        "{}",
        broken.stderr()
    );
    assert_eq!(broken.out.status.code(), Some(1), "{}", broken.stderr());

    let wrong = locust(&out_dir, &lab, Some(format!("{password}-wrong")), 4).await;
    let (logins, login_failed) = wrong.row(LOGIN).unwrap_or_else(|| panic!("{}", wrong.csv));
    assert!(logins > 0 && login_failed == logins, "{}", wrong.csv);
    assert!(
        wrong.stderr().contains("status 401, expected 303"),
        "{}",
        wrong.stderr()
    );
    // The step after a failed one never goes out.
    assert_eq!(wrong.row(PROTECTED).map_or(0, |r| r.0), 0, "{}", wrong.csv);
    let (api_logins, api_failed) = wrong.row(SETTINGS[0]).unwrap();
    assert!(api_logins > 0 && api_failed == api_logins, "{}", wrong.csv);
    assert!(
        wrong.stderr().contains("status 401, expected 200"),
        "{}",
        wrong.stderr()
    );
    for later in &SETTINGS[1..] {
        assert_eq!(wrong.row(later).map_or(0, |r| r.0), 0, "{}", wrong.csv);
    }
    assert_eq!(wrong.out.status.code(), Some(1), "{}", wrong.stderr());

    let unset = locust(&out_dir, &lab, None, 4).await;
    assert_eq!(unset.out.status.code(), Some(2), "{}", unset.stderr());
    assert!(
        unset.stderr().contains(&password_var()),
        "{}",
        unset.stderr()
    );
    assert!(unset.csv.is_empty(), "no run: {}", unset.csv);
}

/// A failure message lands in Locust's stats, CSV and web UI: the credentials, variables
/// and captured values it would quote are masked there, as everywhere else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_messages_mask_credentials_and_captured_values() {
    if !have("locust", "locustfile masking") {
        return;
    }
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let session = flow_only_session(dir.path(), &lab);
    let out_dir = dir.path().join("locust");
    let (s, d) = (session.display().to_string(), out_dir.display().to_string());
    let out = tokio::task::spawn_blocking(move || export(&["locust", &s, &d], &[]))
        .await
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let script = "import locustfile as l\n\
                  print(l._mask('password pw-planted-9 was refused; token tok-abc-123 expired; ok', {'token': 'tok-abc-123'}))";
    let out = Command::new("python3")
        .args(["-c", script])
        .current_dir(&out_dir)
        .env(password_var(), "pw-planted-9")
        .env(EMAIL_VAR, DEMO_EMAIL)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "password *** was refused; token *** expired; ok"
    );
}
