//! Accepting a risk with a reason and an owner, withdrawing it, the refusals, the severity
//! override from the Risks screen, and a hand pass over open findings.

use super::state::{Modal, PromptPurpose};
use super::tests::{act, app, type_text};
use super::update_risks::{RiskRow, rows};
use super::{Action, App};
use crate::finding::{CheckStatus, Finding, Severity};
use crate::session::model::{CheckOutcome, Evidence, JournalKind, Screen, Verdict};
use crate::verdict;

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
                "dns.unresolvable",
                Severity::Blocker,
                "app.acme.test has no A or AAAA record",
            )],
            evidence: serde_json::Value::Null,
            explained_by: None,
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
