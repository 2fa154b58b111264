//! The operator's screens at 100×30, the size of a shared window, on the bundled B2B
//! runbook (long stage and check names) with results like the demo's: the checklist shows
//! names whole, the detail pane keeps wrapped evidence under its text and shows the
//! measured figures and missing variable names, the Risks screen counts defects as every
//! other view does and speaks in plain words, and a prompt about a row leaves it in sight.
//! Each screen is asserted on and kept as a reviewed snapshot.

use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::view;
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::runbook::Loaded;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{
    CheckOutcome, EnvFile, Evidence, HostTarget, Route, Screen, Targets,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

fn now() -> OffsetDateTime {
    START + Duration::hours(3)
}

fn loaded() -> Loaded {
    load_file(Path::new("runbooks/b2b-demo-to-launch.ron")).expect("the bundled runbook loads")
}

/// Where the lab would put its files: a folder with a random name (fixed here, so the
/// Targets snapshot does not depend on the machine's temporary folder).
fn lab_root() -> PathBuf {
    PathBuf::from("/tmp/launch-ready-lab-Q7xK2p")
}

fn outcome(check: &str, target: &str, status: CheckStatus, findings: Vec<Finding>) -> CheckOutcome {
    CheckOutcome {
        check: check.into(),
        family: check.split('.').next().unwrap_or_default().into(),
        target: target.into(),
        status,
        duration_ms: 120,
        summary: format!("{check} on {target}"),
        findings,
        evidence: Default::default(),
        explained_by: None,
        needs_credential: None,
    }
}

fn record(s: &mut Session, id: &str, summary: &str, results: Vec<CheckOutcome>) {
    let status = results
        .iter()
        .map(|r| r.status)
        .max_by_key(|s| s.badness())
        .unwrap_or(CheckStatus::Pass);
    let state = s.state_mut(id);
    state.status = status;
    state.push_evidence(Evidence {
        at: now() - Duration::minutes(10),
        duration_ms: 800,
        status,
        summary: summary.into(),
        results,
    });
}

fn route(name: &str, url: &str, p50: f64, p95: f64, rps: f64, errors: f64) -> serde_json::Value {
    json!({"routes": [{"name": name, "method": "GET", "url": url, "requests": 50,
        "rps": rps, "error_rate_pct": errors, "p95_budget_ms": 300,
        "latency_ms": {"p50": p50, "p90": p95, "p95": p95, "p99": p95, "max": p95}}]})
}

fn session(l: &Loaded) -> Session {
    let root = lab_root();
    let host = |role: &str| HostTarget {
        role: role.into(),
        host: format!("{role}.brightdesk.test"),
        protected: false,
    };
    let targets = Targets {
        apex: "brightdesk.test".into(),
        hosts: ["www", "app", "api", "admin", "staging", "help"]
            .into_iter()
            .map(host)
            .collect(),
        routes: vec![Route {
            name: "home".into(),
            path: "/".into(),
            ..Route::default()
        }],
        repo: Some(root.join("brightdesk")),
        build_dir: Some(root.join("brightdesk/dist")),
        env_files: ["example", "staging", "production"]
            .into_iter()
            .map(|e| EnvFile {
                environment: e.into(),
                path: root.join(format!("deploy/{e}.env")),
            })
            .collect(),
        ..Targets::default()
    };
    let mut s = Session::new("brightdesk", "Brightdesk (demo)", l, targets, START);
    let prod = root.join("deploy/production.env").display().to_string();
    let missing = Finding::new(
        Code::EnvMissingVar,
        "production: 2 variable(s) of example missing")
    .with_evidence(json!({"environment": "production", "names": ["SENTRY_DSN", "SMTP_URL"], "reference": "example"}));
    record(
        &mut s,
        "audit-env-vars",
        "3 targets: 1 fail, 2 pass; 2 findings (worst blocker)",
        vec![
            outcome(
                "env.inventory",
                &root.join("deploy/example.env").display().to_string(),
                CheckStatus::Pass,
                vec![],
            ),
            outcome(
                "env.inventory",
                &prod,
                CheckStatus::Fail,
                vec![
                    Finding::new(
                        Code::EnvClientExposedSecret,
                        "production: secret-looking value under a client-exposed name (NEXT_PUBLIC_STRIPE_KEY)",
                    ),
                    missing,
                ],
            ),
        ],
    );
    record(
        &mut s,
        "audit-secrets-repo",
        "1 secret found",
        vec![outcome(
            "secrets.repo",
            &root.join("brightdesk").display().to_string(),
            CheckStatus::Fail,
            vec![Finding::new(
                Code::SecretsExposed,
                "aws-access-key-id at .env.production:1",
            )],
        )],
    );
    // Two checks of one kind report the same loop: one defect.
    let looping = || {
        vec![outcome(
            "http.redirects",
            "help.brightdesk.test",
            CheckStatus::Fail,
            vec![Finding::new(
                Code::HttpRedirectLoop,
                "http://help.brightdesk.test/ redirects in a loop back to http://help.brightdesk.test/",
            )],
        )]
    };
    record(&mut s, "audit-redirect-chains", "loop on help", looping());
    record(&mut s, "edge-redirect-hops", "loop on help", looping());
    let bundle = |url: &str| {
        outcome(
            "http.bundle",
            url,
            CheckStatus::Fail,
            vec![Finding::new(
                Code::HttpSecretInBundle,
                format!("{url}assets/app.js line 1: stripe-secret-key"),
            )],
        )
    };
    record(
        &mut s,
        "deploy-served-bundle",
        "3 targets: 3 fail",
        vec![
            bundle("https://brightdesk.test/"),
            bundle("https://www.brightdesk.test/"),
            bundle("https://app.brightdesk.test/"),
        ],
    );
    let mut home = outcome(
        "perf.latency",
        "https://www.brightdesk.test/",
        CheckStatus::Pass,
        vec![],
    );
    home.evidence = route("home", "https://www.brightdesk.test/", 2.4, 8.6, 225.3, 0.0).into();
    let mut health = outcome(
        "perf.latency",
        "https://staging.brightdesk.test/api/health",
        CheckStatus::Fail,
        vec![Finding::new(
            Code::PerfErrorRateOverBudget,
            "GET https://staging.brightdesk.test/api/health: 100.0 % of 50 requests failed (50 5xx), over the 1 % budget",
        )],
    );
    health.evidence = route(
        "staging health",
        "https://staging.brightdesk.test/api/health",
        3.5,
        11.4,
        229.0,
        100.0,
    )
    .into();
    record(
        &mut s,
        "baseline-p95-latency",
        "2 targets: 1 fail, 1 pass; 1 findings (worst high)",
        vec![home, health],
    );
    for id in ["audit-dns-provider", "audit-apex-www", "audit-email-spf"] {
        s.state_mut(id).status = CheckStatus::Pass;
    }
    s
}

fn app() -> App {
    let l = loaded();
    let mut app = App::new(session(&l), Arc::new(l.runbook.clone()), now());
    app.status = None;
    app
}

fn draw(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|f| view::render(app, f))
        .expect("draw to the test backend");
    terminal.backend().to_string()
}

fn act(app: &mut App, action: Action) {
    update(app, Msg::Action(action));
}

fn select(app: &mut App, check_id: &str) {
    let (stage, index) = app
        .runbook
        .stages
        .iter()
        .enumerate()
        .find_map(|(si, s)| {
            s.checks
                .iter()
                .position(|c| c.id == check_id)
                .map(|ci| (si, ci))
        })
        .expect("the check is in the runbook");
    update(app, Msg::SelectStage(stage));
    update(app, Msg::SelectCheck(index));
    app.status = None;
}

/// The rows of the detail pane, the right half of the screen inside its border.
fn detail_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(2)
        .take(26)
        .map(|l| {
            l.trim_start_matches('"')
                .chars()
                .skip(53)
                .take(46)
                .collect::<String>()
        })
        .collect()
}

#[test]
fn the_checklist_shows_stage_and_check_names_whole() {
    let mut app = app();
    select(&mut app, "audit-env-vars");
    let screen = draw(&app);
    for stage in &app.runbook.stages {
        assert!(
            screen.contains(&stage.title),
            "{} is cut:\n{screen}",
            stage.title
        );
    }
    for check in &app.runbook.stages[0].checks {
        assert!(
            screen.contains(&check.title),
            "{} is cut:\n{screen}",
            check.title
        );
    }
    insta::assert_snapshot!("screen_share_checklist_100x30", screen);
}

#[test]
fn the_detail_pane_keeps_wrapped_evidence_under_its_text_and_names_missing_variables() {
    let mut app = app();
    select(&mut app, "audit-env-vars");
    app.detail_scroll = 8;
    let screen = draw(&app);
    let rows = detail_rows(&screen);
    let header = rows
        .iter()
        .position(|r| r.starts_with("blocker env.client_exposed_secret"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    // What follows the header, up to the next finding, is indented under the code.
    for row in rows[header + 1..]
        .iter()
        .take_while(|r| !r.starts_with("high"))
    {
        assert!(
            row.starts_with("        "),
            "lost its indent: {row:?}\n{screen}"
        );
    }
    // The path is shown from the repository's folder, not the temporary one.
    assert!(screen.contains("deploy/production.env"), "{screen}");
    assert!(
        !screen.contains("launch-ready-lab-Q7xK2p"),
        "a temporary folder shows:\n{screen}"
    );
    let joined = rows.iter().map(|r| r.trim()).collect::<Vec<_>>().join(" ");
    assert!(
        joined.contains("missing (listed in example): SENTRY_DSN, SMTP_URL"),
        "{screen}"
    );
    insta::assert_snapshot!("screen_share_detail_env_100x30", screen);
}

#[test]
fn the_detail_pane_shows_the_figures_of_a_passing_perf_route() {
    let mut app = app();
    select(&mut app, "baseline-p95-latency");
    app.detail_scroll = 14;
    let screen = draw(&app);
    let joined: String = detail_rows(&screen)
        .iter()
        .map(|r| r.trim())
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        joined.contains("GET home: p50 2.4 ms · p95 8.6 ms (budget 300 ms) · 225 req/s · no errors in 50 requests"),
        "{screen}"
    );
    assert!(
        joined.contains("GET staging health: p50 3.5 ms"),
        "{screen}"
    );
    insta::assert_snapshot!("screen_share_detail_perf_100x30", screen);
}

#[test]
fn the_risks_screen_counts_defects_like_every_other_view_in_plain_words() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Risks));
    app.status = None;
    let assessment = launch_ready_core::verdict::assess(&app.runbook, &app.session, app.now);
    let defects = assessment.defects().len();
    let places = assessment.risks.len();
    assert!(
        defects < places,
        "the fixture folds places: {defects} in {places}"
    );
    let screen = draw(&app);
    assert!(
        screen.contains(&format!("{defects} risks in {places} places")),
        "{screen}"
    );
    // The verdict band's counts add up to the same defects.
    let band: usize = launch_ready_core::finding::Severity::ALL
        .iter()
        .map(|s| assessment.count(*s))
        .sum();
    assert_eq!(band, defects);
    // One loop seen by two checks, one secret in three bundles: one row each.
    assert_eq!(
        screen.matches("A page redirects in circles").count(),
        2,
        "{screen}"
    );
    assert!(screen.contains("A secret key is sent to every visitor's browser — 3 URLs"));
    for code in launch_ready_core::catalog::all_codes() {
        assert!(!screen.contains(code), "the code {code} shows:\n{screen}");
    }
    assert!(!screen.contains("launch-ready-lab-Q7xK2p"), "{screen}");
    insta::assert_snapshot!("screen_share_risks_100x30", screen);
    // The cards and presenter mode count the same.
    act(&mut app, Action::RiskCard);
    assert!(draw(&app).contains(&format!("Risk 1 of {defects}")));
    act(&mut app, Action::Close);
    act(&mut app, Action::Presenter);
    assert!(draw(&app).contains(&format!("{defects} risks in {places} places")));
}

#[test]
fn a_prompt_about_a_row_leaves_the_row_in_sight() {
    let mut app = app();
    // A check low in the list, where a centred prompt would sit.
    select(&mut app, "audit-email-dmarc");
    act(&mut app, Action::Skip);
    let screen = draw(&app);
    assert!(screen.contains("Why is this check skipped?"), "{screen}");
    assert!(
        screen.contains("│▸· DMARC policy published"),
        "the selected check is covered:\n{screen}"
    );
    insta::assert_snapshot!("screen_share_skip_prompt_100x30", screen);
    act(&mut app, Action::Close);

    // Accepting a risk: the risk stays in sight above or below the question.
    act(&mut app, Action::Screen(Screen::Risks));
    for _ in 0..3 {
        act(&mut app, Action::Down);
    }
    app.status = None;
    let before = draw(&app);
    let selected = before
        .lines()
        .nth(usize::from(
            app.scroll_room.selected_y.get().expect("a row is selected"),
        ))
        .unwrap_or_default()
        .to_string();
    act(&mut app, Action::AcceptRisk);
    let asked = draw(&app);
    assert!(asked.contains("why is it acceptable"), "{asked}");
    assert!(asked.contains(selected.as_str()), "{selected}\n{asked}");
}

#[test]
fn a_long_message_goes_on_over_both_footer_lines() {
    let mut app = app();
    let message = "not available yet in this build: lighthouse.score, uptime.alert_route, \
                   edge.ddos — answer by hand with p, w, f, b or s; 3 skipped check(s) left alone";
    assert!(message.len() > 100);
    app.status = Some(message.into());
    let screen = draw(&app);
    let footer: Vec<&str> = screen.lines().skip(28).collect();
    let words = footer.join(" ");
    for word in message.split(' ') {
        assert!(words.contains(word), "{word} is cut:\n{screen}");
    }
}

#[test]
fn the_keyring_state_is_read_whole_in_the_credentials_form() {
    let mut app = app();
    act(&mut app, Action::Credentials);
    let backend = "kernel keyutils (memory only: lost at reboot or after days unused) — \
                   Secret Service skipped: the keyring failed: zbus error: Failed to connect \
                   to address `unix:path=/run/user/0/bus`: No such file or directory (os error 2)";
    update(
        &mut app,
        Msg::Keyring(Ok(launch_ready::app::KeyringReport {
            backend: backend.into(),
            held: [("cloudflare-token".to_string(), false)].into(),
        })),
    );
    let screen = draw(&app);
    // The form's rows, without the screen around it.
    let words: String = screen
        .lines()
        .map(|l| {
            l.trim_start_matches('"')
                .chars()
                .skip(15)
                .take(70)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("(os error 2) — values are stored there, only names in the session"),
        "{screen}"
    );
}

#[test]
fn editing_any_target_leaves_its_row_in_sight() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Targets));
    let rows = launch_ready::app::targets::rows(&app.session);
    for (i, row) in rows.iter().enumerate() {
        app.target_row = i;
        act(&mut app, Action::Edit);
        app.status = None;
        let screen = draw(&app);
        assert!(screen.contains("Enter accept"), "row {i}:\n{screen}");
        let y = usize::from(app.scroll_room.selected_y.get().expect("the row was drawn"));
        let line = screen.lines().nth(y).unwrap_or_default();
        assert!(line.contains(row.label()), "row {i} is covered:\n{screen}");
        if *row == launch_ready::app::targets::TargetField::EnvFile(0) {
            insta::assert_snapshot!("screen_share_target_prompt_100x30", screen);
        }
        act(&mut app, Action::Close);
    }
}
