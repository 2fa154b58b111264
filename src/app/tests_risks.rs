//! Accepting a risk with a reason and an owner, withdrawing it, the refusals, the severity
//! override from the Risks screen, and a hand pass over open findings.

use super::state::{Modal, PromptPurpose};
use super::tests::{act, app, type_text};
use super::update_risks::{RiskRow, rows};
use super::{Action, App, Msg};
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::session::model::{CheckOutcome, Evidence, JournalKind, Screen, Verdict};
use launch_ready_core::verdict;

/// The audit check (a blocker) failed with one finding on one host.
fn failing_app() -> App {
    let mut app = app();
    let state = app.session.state_mut("audit-check");
    state.status = CheckStatus::Fail;
    state.push_evidence(Evidence {
        at: super::tests::T0,
        duration_ms: 5,
        status: CheckStatus::Fail,
        summary: "1 host checked".into(),
        results: vec![CheckOutcome {
            check: "dns.records".into(),
            family: "dns".into(),
            target: "app.acme.test".into(),
            status: CheckStatus::Fail,
            duration_ms: 5,
            summary: "no address".into(),
            findings: vec![Finding::new(
                Code::DnsUnresolvable,
                "app.acme.test has no A or AAAA record",
            )],
            evidence: Default::default(),
            explained_by: None,
            needs_credential: None,
        }],
    });
    act(&mut app, Action::Screen(Screen::Risks));
    app
}

fn select(app: &mut App, wanted: impl Fn(&RiskRow) -> bool) {
    app.risk_row = rows(app)
        .iter()
        .position(wanted)
        .expect("the row is listed");
}

fn prompt_error(app: &App) -> Option<String> {
    match &app.modal {
        Some(Modal::Prompt(p)) => p.error.clone(),
        _ => None,
    }
}

#[test]
fn accepting_asks_reason_and_owner_then_the_verdict_sets_it_aside() {
    let mut app = failing_app();
    assert_eq!(
        verdict::assess(&app.runbook, &app.session, app.now).verdict,
        Verdict::NoGo
    );
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some("dns.unresolvable")),
    );
    act(&mut app, Action::AcceptRisk);
    // Both answers are required.
    act(&mut app, Action::Confirm);
    assert_eq!(
        prompt_error(&app).as_deref(),
        Some("a reason is needed to accept a risk")
    );
    type_text(&mut app, "app host is not launched yet");
    act(&mut app, Action::Confirm);
    assert!(matches!(
        &app.modal,
        Some(Modal::Prompt(p)) if matches!(p.purpose, PromptPurpose::AcceptOwner { .. })
    ));
    act(&mut app, Action::Confirm);
    assert!(prompt_error(&app).is_some_and(|e| e.starts_with("an owner is needed")));
    type_text(&mut app, "Dana");
    act(&mut app, Action::Confirm);
    assert!(app.modal.is_none());

    let accepted = &app.session.accepted;
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0].key, "dns.unresolvable");
    assert_eq!(accepted[0].target, "app.acme.test");
    assert_eq!(accepted[0].reason, "app host is not launched yet");
    assert_eq!(accepted[0].owner, "Dana");
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    assert_eq!(assessment.accepted.len(), 1);
    assert!(
        !assessment
            .risks
            .iter()
            .any(|r| r.code.as_deref() == Some("dns.unresolvable"))
    );
    let last = app.session.journal.last().expect("journaled");
    assert_eq!(last.kind, JournalKind::Acceptance);
    assert_eq!(
        last.text,
        "accepted Audit check — app host is not launched yet — owner Dana"
    );

    // Withdrawn, it counts again, and that is journaled too.
    select(&mut app, |r| matches!(r, RiskRow::Accepted(..)));
    act(&mut app, Action::WithdrawRisk);
    assert!(app.session.accepted.is_empty());
    assert_eq!(
        verdict::assess(&app.runbook, &app.session, app.now).verdict,
        Verdict::NoGo
    );
    let last = app.session.journal.last().expect("journaled");
    assert_eq!(last.kind, JournalKind::Acceptance);
    assert!(
        last.text
            .starts_with("withdrew the acceptance of Audit check")
    );
}

#[test]
fn something_not_checked_cannot_be_accepted() {
    let mut app = failing_app();
    // The DNS check has not run: its risk is that nothing was checked.
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.check_id == "dns-check"),
    );
    act(&mut app, Action::AcceptRisk);
    assert!(app.modal.is_none());
    assert_eq!(
        app.status.as_deref(),
        Some(
            "DNS and domains check cannot be accepted: it was not checked (not run yet). Run it or answer it first"
        )
    );
    // `u` on an open risk says what it is for.
    act(&mut app, Action::WithdrawRisk);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.starts_with("u withdraws"))
    );
}

#[test]
fn the_severity_override_is_reachable_from_the_risks_screen() {
    let mut app = failing_app();
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.check_id == "dns-check"),
    );
    act(&mut app, Action::Severity);
    assert!(matches!(
        &app.modal,
        Some(Modal::Severity { check_id, .. }) if check_id == "dns-check"
    ));
}

#[test]
fn passing_a_check_with_open_findings_asks_to_accept_them() {
    let mut app = failing_app();
    act(&mut app, Action::Screen(Screen::Checklist));
    update_select(&mut app, 0);
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    // Not passed yet: the question is open.
    assert_eq!(app.session.status("audit-check"), CheckStatus::Fail);
    assert!(matches!(
        &app.modal,
        Some(Modal::Prompt(p)) if matches!(&p.purpose, PromptPurpose::AcceptReason { pass: Some(_), risks, .. } if risks.len() == 1)
    ));
    // Esc leaves it as it was.
    act(&mut app, Action::Close);
    assert_eq!(app.session.status("audit-check"), CheckStatus::Fail);
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    type_text(&mut app, "accepted for launch");
    act(&mut app, Action::Confirm);
    type_text(&mut app, "Sam");
    act(&mut app, Action::Confirm);
    assert_eq!(app.session.status("audit-check"), CheckStatus::Pass);
    assert_eq!(app.session.accepted.len(), 1);
    let kinds: Vec<JournalKind> = app.session.journal.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [JournalKind::Acceptance, JournalKind::Status]);
}

fn update_select(app: &mut App, stage: usize) {
    super::update(app, super::Msg::SelectStage(stage));
    super::update(app, super::Msg::SelectCheck(0));
}

/// The audit check found two secrets and a tracked `.env` in the repository at `repo`.
fn secrets_app(repo: &std::path::Path) -> App {
    let mut app = app();
    let hit = |fp: &str, line: usize| launch_ready_checks::secrets::Hit {
        rule: "stripe-secret-key",
        path: "src/billing.ts".into(),
        line,
        commit: None,
        redacted: "sk_l…(32 chars)".into(),
        fingerprint: fp.into(),
        variable: None,
        value_id: String::new(),
    };
    let exposed = |h: launch_ready_checks::secrets::Hit| {
        Finding::new(Code::SecretsExposed, "a secret").with_detail(&h.detail())
    };
    let state = app.session.state_mut("audit-check");
    state.status = CheckStatus::Fail;
    state.push_evidence(Evidence {
        at: super::tests::T0,
        duration_ms: 5,
        status: CheckStatus::Fail,
        summary: "2 secrets".into(),
        results: vec![CheckOutcome {
            check: "secrets.repo".into(),
            family: "secrets".into(),
            target: repo.display().to_string(),
            status: CheckStatus::Fail,
            duration_ms: 5,
            summary: "2 secrets".into(),
            findings: vec![
                exposed(hit("0123456789abcdef", 1)),
                exposed(hit("fedcba9876543210", 9)),
                Finding::new(Code::SecretsDotenvCommitted, ".env is tracked")
                    .with_evidence(serde_json::json!({ "path": ".env" })),
            ],
            evidence: Default::default(),
            explained_by: None,
            needs_credential: None,
        }],
    });
    act(&mut app, Action::Screen(Screen::Risks));
    app
}

fn accept_selected(app: &mut App, reason: &str, owner: &str) -> Vec<super::Effect> {
    act(app, Action::AcceptRisk);
    type_text(app, reason);
    act(app, Action::Confirm);
    type_text(app, owner);
    act(app, Action::Confirm)
}

#[test]
fn accepting_a_secret_adds_its_findings_to_the_repositorys_baseline_off_the_ui_thread() {
    use launch_ready_checks::secrets::baseline::{Baseline, FILE_NAME};
    let dir = tempfile::tempdir().unwrap();
    let mut app = secrets_app(dir.path());
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some("secrets.exposed")),
    );
    let fx = accept_selected(&mut app, "test fixture, never issued", "Dana");
    let writes: Vec<_> = fx
        .into_iter()
        .filter_map(|e| match e {
            super::Effect::WriteBaseline {
                check,
                scanned,
                entries,
                by,
                reason,
            } => Some((check, scanned, entries, by, reason)),
            _ => None,
        })
        .collect();
    assert_eq!(writes.len(), 1, "one write for the one repository");
    let (check, scanned, entries, by, reason) = &writes[0];
    assert_eq!(
        (check.as_str(), scanned.as_path()),
        ("secrets.repo", dir.path())
    );
    assert_eq!(
        (by.as_str(), reason.as_str()),
        ("Dana", "test fixture, never issued")
    );
    let fps: Vec<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    assert_eq!(fps, ["0123456789abcdef", "fedcba9876543210"]);
    let path = dir.path().join(FILE_NAME);
    assert!(!path.exists(), "nothing written on the UI thread");
    assert_eq!(
        app.status.as_deref(),
        Some(
            format!(
                "accepted Audit check: u on it withdraws; adding 2 entries to the baseline of {}",
                dir.path().display()
            )
            .as_str()
        )
    );

    // What the executor does on its blocking thread, and the message it sends back.
    let msg = Msg::BaselineWritten(
        launch_ready_checks::secrets::baseline::accept_found(check, scanned, entries, by, reason)
            .map_err(|e| e.to_string()),
    );
    super::update(&mut app, msg);
    assert_eq!(
        app.status.as_deref(),
        Some(
            format!(
                "baseline {}: 2 entries written (fingerprint, rule, path, who, why; no expiry)",
                path.display()
            )
            .as_str()
        )
    );
    let written = Baseline::load(dir.path()).unwrap();
    assert_eq!(written.accepted.len(), 2);
    assert!(written.accepted.iter().all(|a| a.accepted_by == "Dana"
        && a.reason == "test fixture, never issued"
        && a.rule == "stripe-secret-key"
        && a.path == "src/billing.ts"
        && a.expires.is_none()));

    // Withdrawn, the risk counts again and the repository's file is left as it is.
    select(&mut app, |r| matches!(r, RiskRow::Accepted(..)));
    act(&mut app, Action::WithdrawRisk);
    assert!(
        app.status
            .as_deref()
            .is_some_and(|s| s.contains("counts again here") && s.contains("stay")),
        "{:?}",
        app.status
    );
    assert_eq!(Baseline::load(dir.path()).unwrap(), written);
}

#[test]
fn a_baseline_that_cannot_be_written_says_why_and_keeps_the_acceptance() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("moved-away");
    let mut app = secrets_app(&gone);
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some("secrets.exposed")),
    );
    let fx = accept_selected(&mut app, "rotation booked", "Sam");
    let Some(super::Effect::WriteBaseline {
        check,
        scanned,
        entries,
        by,
        reason,
    }) = fx
        .into_iter()
        .find(|e| matches!(e, super::Effect::WriteBaseline { .. }))
    else {
        panic!("a baseline write");
    };
    let msg = Msg::BaselineWritten(
        launch_ready_checks::secrets::baseline::accept_found(
            &check, &scanned, &entries, &by, &reason,
        )
        .map_err(|e| e.to_string()),
    );
    super::update(&mut app, msg);
    let status = app.status.clone().unwrap_or_default();
    assert!(
        status.starts_with("baseline not written: ") && status.contains("moved-away"),
        "{status}"
    );
    assert_eq!(app.session.accepted.len(), 1);
}

#[test]
fn accepting_findings_without_a_fingerprint_writes_no_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = secrets_app(dir.path());
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some("secrets.dotenv_committed")),
    );
    let fx = accept_selected(&mut app, "kept on purpose", "Sam");
    assert!(
        !fx.iter()
            .any(|e| matches!(e, super::Effect::WriteBaseline { .. }))
    );
    assert!(
        app.status.as_deref().is_some_and(
            |s| s.ends_with("nothing for the baseline: these findings carry no fingerprint")
        ),
        "{:?}",
        app.status
    );
}

/// One defect found on two hosts is one row; accepting it accepts it in both places, and
/// the card view counts the same defects as the list.
#[test]
fn a_defect_in_two_places_is_one_row_accepted_everywhere() {
    let mut app = failing_app();
    let state = app.session.state_mut("audit-check");
    let ev = state.evidence.last_mut().expect("evidence");
    let mut www = ev.results[0].clone();
    www.target = "www.acme.test".into();
    ev.results.push(www);
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let places = assessment
        .risks
        .iter()
        .filter(|r| r.code.as_deref() == Some("dns.unresolvable"))
        .count();
    assert_eq!(places, 2);
    let open: Vec<_> = rows(&app)
        .into_iter()
        .filter(|r| matches!(r, RiskRow::Open(_)))
        .collect();
    assert_eq!(open.len(), assessment.defects().len());
    assert_eq!(
        open.len(),
        assessment.risks.len() - 1,
        "two places, one row"
    );
    act(&mut app, Action::RiskCard);
    assert!(matches!(app.modal, Some(Modal::RiskCard { index: 0 })));
    for _ in 0..50 {
        act(&mut app, Action::Right);
    }
    assert!(matches!(app.modal, Some(Modal::RiskCard { index }) if index == open.len() - 1));
    act(&mut app, Action::Close);
    select(
        &mut app,
        |r| matches!(r, RiskRow::Open(r) if r.code.as_deref() == Some("dns.unresolvable")),
    );
    accept_selected(&mut app, "hosts not launched yet", "Dana");
    let mut accepted: Vec<&str> = app
        .session
        .accepted
        .iter()
        .map(|a| a.target.as_str())
        .collect();
    accepted.sort_unstable();
    assert_eq!(accepted, ["app.acme.test", "www.acme.test"]);
    let after = verdict::assess(&app.runbook, &app.session, app.now);
    assert!(after.risks.iter().all(|r| r.code.is_none()));
    assert_ne!(after.verdict, Verdict::NoGo);
}
