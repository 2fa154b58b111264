//! Behaviour of `update`, driven by messages exactly as the TUI sends them, without a
//! terminal or a runtime.

use super::state::{Modal, Prompt, PromptPurpose};
use super::targets::TargetField;
use super::{Action, App, Effect, Msg, update};
use launch_ready_checks::engine::EngineEvent;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::runbook::load::{Loaded, Origin, content_hash, parse};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Evidence, Screen, Targets, Verdict};
use ratatui_textarea::{Input, Key};
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const SOURCE: &str = include_str!("../../tests/fixtures/runbooks/valid/minimal.ron");
pub(super) const T0: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

pub(super) fn loaded() -> Loaded {
    let mut runbook = parse(SOURCE, "minimal.ron").expect("fixture parses");
    runbook.stages[0].checks[0].sensitive = true;
    Loaded {
        runbook,
        origin: Origin::Bundled("minimal.ron"),
        hash: content_hash(SOURCE),
    }
}

pub(super) fn session() -> Session {
    let targets = Targets {
        apex: "acme.test".into(),
        ..Targets::default()
    };
    Session::new("acme", "Acme", &loaded(), targets, T0)
}

pub(super) fn app() -> App {
    let l = loaded();
    let mut app = App::new(session(), Arc::new(l.runbook), T0 + Duration::hours(2));
    // Start on the manual check of stage 4 ("deploy-check").
    update(&mut app, Msg::SelectStage(3));
    app
}

pub(super) fn act(app: &mut App, action: Action) -> Vec<Effect> {
    update(app, Msg::Action(action))
}

pub(super) fn type_text(app: &mut App, text: &str) {
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

pub(super) fn saves(fx: &[Effect]) -> usize {
    fx.iter().filter(|e| matches!(e, Effect::Save)).count()
}

pub(super) fn evidence(status: CheckStatus, at: OffsetDateTime) -> Evidence {
    Evidence {
        at,
        duration_ms: 5,
        status,
        summary: "ok".into(),
        results: Vec::new(),
    }
}

#[test]
fn status_keys_set_the_status_and_save_once() {
    let mut app = app();
    app.now += Duration::minutes(5);
    let fx = act(&mut app, Action::SetStatus(CheckStatus::Pass));
    assert_eq!(app.session.status("deploy-check"), CheckStatus::Pass);
    assert_eq!(saves(&fx), 1);
    assert_eq!(app.session.updated_at, app.now);
    assert!(
        matches!(fx.last(), Some(Effect::Save)),
        "a save is signalled"
    );
    act(&mut app, Action::SetStatus(CheckStatus::Blocked));
    assert_eq!(app.session.status("deploy-check"), CheckStatus::Blocked);
    act(&mut app, Action::SetStatus(CheckStatus::Todo));
    assert_eq!(app.session.status("deploy-check"), CheckStatus::Todo);
}

#[test]
fn note_editor_commits_on_close_and_discards_on_request() {
    let mut app = app();
    act(&mut app, Action::EditNote);
    type_text(&mut app, "Owner: Dana");
    let fx = act(&mut app, Action::Commit);
    assert!(app.modal.is_none());
    assert_eq!(
        app.session.state("deploy-check").map(|s| s.note.as_str()),
        Some("Owner: Dana")
    );
    assert_eq!(saves(&fx), 1);

    act(&mut app, Action::EditNote);
    type_text(&mut app, " and more");
    let fx = act(&mut app, Action::Discard);
    assert!(app.modal.is_none());
    assert_eq!(
        app.session.state("deploy-check").map(|s| s.note.as_str()),
        Some("Owner: Dana")
    );
    assert_eq!(saves(&fx), 0);
}

#[test]
fn quitting_from_the_note_editor_keeps_the_text() {
    let mut app = app();
    act(&mut app, Action::EditNote);
    type_text(&mut app, "half-written");
    let fx = act(&mut app, Action::Quit);
    assert!(app.quitting);
    assert!(matches!(fx.last(), Some(Effect::Quit)));
    assert_eq!(
        app.session.state("deploy-check").map(|s| s.note.as_str()),
        Some("half-written")
    );
}

#[test]
fn skipping_needs_a_reason() {
    let mut app = app();
    act(&mut app, Action::Skip);
    let fx = act(&mut app, Action::Confirm);
    assert!(fx.is_empty());
    let Some(Modal::Prompt(prompt)) = &app.modal else {
        panic!("the prompt stays open");
    };
    assert!(
        prompt
            .error
            .as_deref()
            .is_some_and(|e| e.contains("reason"))
    );
    type_text(&mut app, "no staging host");
    act(&mut app, Action::Confirm);
    let state = app.session.state("deploy-check").expect("state exists");
    assert_eq!(state.status, CheckStatus::Skipped);
    assert_eq!(state.skip_reason.as_deref(), Some("no staging host"));
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    assert_eq!(
        app.session
            .state("deploy-check")
            .and_then(|s| s.skip_reason.clone()),
        None
    );
}

#[test]
fn severity_override_is_picked_and_cleared() {
    let mut app = app();
    act(&mut app, Action::Severity);
    act(&mut app, Action::Down);
    act(&mut app, Action::Down);
    act(&mut app, Action::Confirm);
    let check = app.selected_check().cloned().expect("a check is selected");
    assert_eq!(app.effective_severity(&check), Severity::High);
    act(&mut app, Action::Severity);
    let Some(Modal::Severity { selected, .. }) = app.modal else {
        panic!("picker opens on the current override");
    };
    assert_eq!(selected, 2);
    act(&mut app, Action::Up);
    act(&mut app, Action::Up);
    act(&mut app, Action::Confirm);
    assert_eq!(app.effective_severity(&check), check.severity);
}

#[test]
fn presenter_mode_redacts_sensitive_checks_and_refuses_editors() {
    let mut app = app();
    update(&mut app, Msg::SelectStage(0));
    let sensitive = app.selected_check().cloned().expect("audit check");
    assert!(!app.redacted(&sensitive));
    let fx = act(&mut app, Action::Presenter);
    assert!(app.session.ui.presenter);
    assert_eq!(saves(&fx), 1);
    assert!(app.redacted(&sensitive));
    act(&mut app, Action::EditNote);
    assert!(app.modal.is_none());
    let fx = act(&mut app, Action::Credentials);
    assert!(app.modal.is_none() && fx.is_empty());
    act(&mut app, Action::Presenter);
    assert!(!app.redacted(&sensitive));
}

#[test]
fn cursor_is_restored_and_clamped_and_stale_running_is_cleared() {
    let mut s = session();
    s.ui.screen = Screen::Risks;
    s.ui.stage = 99;
    s.ui.check = 7;
    s.ui.presenter = true;
    let st = s.state_mut("audit-check");
    st.status = CheckStatus::Running;
    st.push_evidence(evidence(CheckStatus::Warn, T0 - Duration::days(2)));
    let l = loaded();
    let app = App::new(s, Arc::new(l.runbook), T0);
    assert_eq!(app.screen(), Screen::Risks);
    assert_eq!(app.stage_index(), 6);
    assert_eq!(app.check_index(), 0);
    assert!(app.presenter());
    assert_eq!(app.session.status("audit-check"), CheckStatus::Warn);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|m| m.contains("1 result"))
    );
}

#[test]
fn navigation_is_remembered_in_the_session() {
    let mut app = app();
    act(&mut app, Action::Left);
    act(&mut app, Action::Down);
    assert_eq!(app.session.ui.stage, 4);
    act(&mut app, Action::Screen(Screen::Timeline));
    assert_eq!(app.session.ui.screen, Screen::Timeline);
    act(&mut app, Action::NextScreen);
    assert_eq!(app.session.ui.screen, Screen::Risks);
    act(&mut app, Action::PrevScreen);
    act(&mut app, Action::PrevScreen);
    assert_eq!(app.session.ui.screen, Screen::Checklist);
}

#[test]
fn engine_events_drive_the_status() {
    let mut app = app();
    update(&mut app, Msg::SelectStage(0));
    act(&mut app, Action::SetStatus(CheckStatus::Warn));
    update(
        &mut app,
        Msg::Engine(EngineEvent::Started {
            check_id: "audit-check".into(),
        }),
    );
    assert_eq!(app.session.status("audit-check"), CheckStatus::Running);
    assert!(app.running.contains("audit-check"));
    // A manual status cannot overwrite a running check.
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    assert_eq!(app.session.status("audit-check"), CheckStatus::Running);
    update(
        &mut app,
        Msg::Engine(EngineEvent::Cancelled {
            check_id: "audit-check".into(),
        }),
    );
    assert_eq!(app.session.status("audit-check"), CheckStatus::Warn);
    assert!(app.running.is_empty());

    let now = app.now;
    update(
        &mut app,
        Msg::Engine(EngineEvent::Started {
            check_id: "audit-check".into(),
        }),
    );
    update(
        &mut app,
        Msg::Engine(EngineEvent::Finished {
            check_id: "audit-check".into(),
            evidence: evidence(CheckStatus::Fail, now),
        }),
    );
    update(
        &mut app,
        Msg::Engine(EngineEvent::Finished {
            check_id: "audit-check".into(),
            evidence: evidence(CheckStatus::Pass, now + Duration::seconds(1)),
        }),
    );
    let state = app.session.state("audit-check").expect("state");
    assert_eq!(state.status, CheckStatus::Pass);
    assert_eq!(state.evidence.len(), 2);
    assert_eq!(state.evidence[0].status, CheckStatus::Pass, "newest first");
}

#[test]
fn running_an_unavailable_check_says_so_and_starts_nothing() {
    let mut app = app();
    app.runbook = Arc::new((*app.runbook).clone().with_unbuilt("uptime.probe"));
    update(&mut app, Msg::SelectStage(5));
    let fx = act(&mut app, Action::Run);
    assert!(fx.is_empty());
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("not available yet"))
    );
    // Running everything starts the available kinds only and names the rest.
    let available: Vec<String> = app
        .runbook
        .checks()
        .filter(|(_, c)| {
            c.run
                .kind()
                .is_some_and(launch_ready_checks::engine::is_available)
        })
        .map(|(_, c)| c.id.clone())
        .collect();
    let fx = act(&mut app, Action::RunAll);
    let started: Vec<&str> = fx
        .iter()
        .flat_map(|e| match e {
            Effect::RunChecks { jobs, .. } => jobs.iter().map(|j| j.check_id.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(started, available);
    assert!(available.contains(&"audit-check".to_string()));
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("uptime.probe"))
    );
    update(&mut app, Msg::SelectStage(3));
    act(&mut app, Action::Run);
    assert!(app.status.as_deref().is_some_and(|s| s.contains("manual")));
}

#[test]
fn invalid_targets_never_reach_the_session() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Targets));
    app.target_row = 1; // the "add role host" row
    act(&mut app, Action::Add);
    let Some(Modal::Prompt(prompt)) = &app.modal else {
        panic!("add prompt opens");
    };
    assert_eq!(
        prompt.purpose,
        PromptPurpose::Target {
            field: TargetField::AddHost
        }
    );
    type_text(&mut app, "app=app..acme.test");
    let before = app.session.clone();
    let fx = act(&mut app, Action::Confirm);
    assert!(fx.is_empty());
    assert_eq!(app.session, before);
    let Some(Modal::Prompt(prompt)) = &mut app.modal else {
        panic!("prompt stays open with the error");
    };
    assert!(
        prompt
            .error
            .as_deref()
            .is_some_and(|e| e.contains("app..acme.test"))
    );
    *prompt = Prompt::new(prompt.purpose.clone(), "App=APP.acme.test");
    let fx = act(&mut app, Action::Confirm);
    assert_eq!(saves(&fx), 1);
    assert_eq!(app.session.targets.hosts[0].host, "app.acme.test");
    assert_eq!(app.session.targets.hosts[0].role, "app");
    act(&mut app, Action::Delete);
    assert!(app.session.targets.hosts.is_empty());
}

#[test]
fn network_settings_are_validated() {
    let mut s = session();
    use super::targets::apply;
    assert!(apply(&mut s, TargetField::Nameserver, "ns.example").is_err());
    apply(&mut s, TargetField::Nameserver, "127.0.0.1:5353").expect("valid nameserver");
    assert_eq!(s.network.nameserver.map(|n| n.0.port()), Some(5353));
    assert!(apply(&mut s, TargetField::Timeout, "0").is_err_and(|e| e.to_string().contains("`0`")));
    assert!(apply(&mut s, TargetField::AddConnectTo, "a.test:443:1.2.3.4").is_err());
    apply(
        &mut s,
        TargetField::AddConnectTo,
        "a.test:443:127.0.0.1:8443",
    )
    .expect("valid");
    assert!(apply(&mut s, TargetField::AddRoute, "login=FETCH /x").is_err());
    apply(&mut s, TargetField::AddRoute, "login=post /api/login").expect("valid route");
    assert_eq!(s.targets.routes[0].method, "POST");
    assert_eq!(s.network.connect_to.len(), 1);
}

#[test]
fn decisions_are_recorded_with_a_reason() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Risks));
    act(&mut app, Action::Decide);
    act(&mut app, Action::ToggleVerdict);
    act(&mut app, Action::Confirm);
    assert!(app.session.decisions.is_empty());
    type_text(&mut app, "blockers closed");
    act(&mut app, Action::Confirm);
    // The fixture's checks have not run (the verdict is not go), so GO asks once more.
    assert!(
        app.session.decisions.is_empty(),
        "the first Enter only warns"
    );
    let Some(Modal::Prompt(p)) = &app.modal else {
        panic!("the prompt stays open");
    };
    assert!(
        p.error
            .as_deref()
            .is_some_and(|e| e.contains("Enter again")),
        "{:?}",
        p.error
    );
    act(&mut app, Action::Confirm);
    assert_eq!(app.session.decisions.len(), 1);
    assert_eq!(app.session.decisions[0].verdict, Verdict::Go);
    assert_eq!(app.session.decisions[0].reason, "blockers closed");
    assert!(
        app.status.as_deref().is_some_and(|s| s.contains("over")),
        "{:?}",
        app.status
    );

    // NO-GO needs no confirmation.
    act(&mut app, Action::Decide);
    type_text(&mut app, "still blocked");
    act(&mut app, Action::Confirm);
    assert_eq!(app.session.decisions.len(), 2);
}

#[test]
fn credentials_go_to_the_keyring_and_only_names_to_the_session() {
    let mut app = app();
    let fx = act(&mut app, Action::Credentials);
    assert!(matches!(fx.as_slice(), [Effect::ProbeKeyring { .. }]));
    update(
        &mut app,
        Msg::Keyring(Ok(crate::app::KeyringReport {
            backend: "mock".into(),
            held: Default::default(),
        })),
    );
    act(&mut app, Action::Add);
    type_text(&mut app, "alert-webhook");
    act(&mut app, Action::Confirm);
    type_text(&mut app, "https://hooks.example/secret");
    let fx = act(&mut app, Action::Confirm);
    let [Effect::SetSecret { name, value, .. }] = fx.as_slice() else {
        panic!("one keyring write is asked for: {fx:?}");
    };
    assert_eq!(name, "alert-webhook");
    assert_eq!(value.0, "https://hooks.example/secret");
    assert!(
        !format!("{fx:?}").contains("hooks.example"),
        "Debug hides the value"
    );
    assert!(
        app.session.credentials.is_empty(),
        "name recorded only once stored"
    );
    update(
        &mut app,
        Msg::CredentialDone {
            name: "alert-webhook".into(),
            stored: true,
            result: Ok(()),
        },
    );
    assert_eq!(app.session.credentials, vec!["alert-webhook".to_string()]);
    let saved = ron::to_string(&app.session).expect("session serialises");
    assert!(!saved.contains("hooks.example"));
}

#[test]
fn journal_entries_are_appended_with_the_time() {
    let mut app = app();
    act(&mut app, Action::Journal);
    type_text(&mut app, "Kick-off done");
    act(&mut app, Action::Close);
    assert_eq!(app.session.journal.len(), 1);
    assert_eq!(app.session.journal[0].at, app.now);
    act(&mut app, Action::Journal);
    act(&mut app, Action::Close);
    assert_eq!(app.session.journal.len(), 1, "an empty entry is not added");
}

#[test]
fn running_an_available_check_asks_the_engine() {
    let mut app = app();
    update(&mut app, Msg::SelectStage(0));
    let fx = act(&mut app, Action::Run);
    let jobs: Vec<&str> = fx
        .iter()
        .flat_map(|e| match e {
            Effect::RunChecks { jobs, .. } => jobs.iter().map(|j| j.check_id.as_str()).collect(),
            _ => Vec::new(),
        })
        .collect();
    assert_eq!(jobs, ["audit-check"]);
}

#[test]
fn a_removed_target_entry_comes_back_with_u() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Targets));
    crate::app::targets::apply(&mut app.session, TargetField::AddHost, "www=www.acme.test")
        .expect("host");
    crate::app::targets::apply(&mut app.session, TargetField::AddHost, "app=app.acme.test")
        .expect("host");
    app.target_row = 1;
    act(&mut app, Action::Delete);
    assert_eq!(app.session.targets.hosts.len(), 1);
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.contains("www=www.acme.test") && status.contains("u puts it back"),
        "{status}"
    );
    let fx = act(&mut app, Action::Undo);
    assert_eq!(saves(&fx), 1);
    assert_eq!(app.session.targets.hosts.len(), 2);
    assert_eq!(app.session.targets.hosts[0].role, "www");
    assert_eq!(app.target_row, 1);
    act(&mut app, Action::Undo);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("nothing to undo"))
    );
}

#[test]
fn a_repository_path_must_be_an_existing_folder() {
    use super::targets::apply;
    let mut s = session();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-repo");
    let e = apply(&mut s, TargetField::Repo, missing.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("does not exist"), "{e}");
    assert_eq!(s.targets.repo, None);
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    let e = apply(&mut s, TargetField::Repo, file.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a folder"), "{e}");
    apply(&mut s, TargetField::Repo, dir.path().to_str().unwrap()).expect("a folder");
    assert_eq!(s.targets.repo.as_deref(), Some(dir.path()));
    apply(&mut s, TargetField::Repo, "").expect("empty clears");
    assert_eq!(s.targets.repo, None);
}

#[test]
fn enter_on_a_risk_opens_its_check() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Risks));
    let assessment = launch_ready_core::verdict::assess(&app.runbook, &app.session, app.now);
    assert!(assessment.risks.len() >= 2, "{:?}", assessment.risks);
    act(&mut app, Action::Down);
    assert_eq!(app.risk_row, 1);
    act(&mut app, Action::GoToCheck);
    assert_eq!(app.session.ui.screen, Screen::Checklist);
    let (stage, check) = app
        .runbook
        .check(&assessment.risks[1].check_id)
        .map(|(s, c)| (s, c.id.clone()))
        .unwrap();
    assert_eq!(app.session.ui.stage, stage);
    assert_eq!(app.selected_check().map(|c| c.id.clone()), Some(check));
    // Moving past the end stays on the last risk.
    act(&mut app, Action::Screen(Screen::Risks));
    for _ in 0..100 {
        act(&mut app, Action::Down);
    }
    assert_eq!(app.risk_row, assessment.risks.len() - 1);
}
