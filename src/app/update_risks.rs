//! Keys of the Risks screen: moving through the list (open risks, then the accepted ones),
//! opening the check behind a row, accepting a risk with a reason and an owner, withdrawing
//! an acceptance, and the severity override. An acceptance names its risk by key and
//! target (`verdict::Risk::key`), the same pair `verdict::assess` sets aside. Accepting a
//! secrets finding also adds its fingerprints to the repository's baseline file (written
//! by the executor, never on the UI thread), so later scans suppress it.

use super::edit::{changed, clamp_add, journal};
use super::effect::Effect;
use super::state::{App, Focus, Modal, Prompt, PromptPurpose};
use launch_ready_checks::secrets::baseline;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::{AcceptedRisk, JournalKind, Screen};
use launch_ready_core::verdict;
use launch_ready_core::verdict::Risk;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What a row of the Risks screen stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum RiskRow {
    /// An open defect, by its first (highest-ranked) risk; `places` finds the others.
    Open(Risk),
    /// A risk the operator accepted, with the acceptance.
    Accepted(Risk, AcceptedRisk),
}

impl RiskRow {
    pub fn check_id(&self) -> &str {
        match self {
            RiskRow::Open(r) | RiskRow::Accepted(r, _) => &r.check_id,
        }
    }
}

/// The rows as the Risks screen lists them: the open defects (`verdict::group_risks`, the
/// one count every screen gives), then the accepted risks.
pub fn rows(app: &App) -> Vec<RiskRow> {
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let mut out: Vec<RiskRow> = assessment
        .defects()
        .iter()
        .map(|g| RiskRow::Open(g.risk.clone()))
        .collect();
    out.extend(
        assessment
            .accepted
            .into_iter()
            .map(|(r, a)| RiskRow::Accepted(r, a)),
    );
    out
}

/// Every open risk of the defect `first` leads (its places), `first` included.
fn places(app: &App, first: &Risk) -> Vec<Risk> {
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    assessment
        .defects()
        .into_iter()
        .find(|g| g.risk == first)
        .map(|g| g.members.into_iter().cloned().collect())
        .unwrap_or_else(|| vec![first.clone()])
}

fn selected(app: &App) -> Option<RiskRow> {
    rows(app).into_iter().nth(app.risk_row)
}

/// Moves the risk selection, scrolling the list so the selected row stays in view.
pub(super) fn move_row(app: &mut App, delta: i32) {
    let len = rows(app).len();
    app.risk_row = clamp_add(app.risk_row, delta).min(len.saturating_sub(1));
    let shown = app.scroll_room.list_rows.get().max(1);
    if app.risk_row < app.list_scroll {
        app.list_scroll = app.risk_row;
    } else if app.risk_row >= app.list_scroll + shown {
        app.list_scroll = app.risk_row + 1 - shown;
    }
}

/// Opens the checklist on the check behind the selected row.
pub(super) fn go_to_check(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(row) = selected(app) else {
        app.status = Some("no risk selected".into());
        return;
    };
    let Some((stage, index)) = position(app, row.check_id()) else {
        return;
    };
    app.session.ui.screen = Screen::Checklist;
    app.list_scroll = 0;
    app.risk_row = 0;
    app.session.ui.stage = stage;
    app.session.ui.check = index;
    app.focus = Focus::Checks;
    app.detail_scroll = 0;
    changed(app, fx);
}

fn position(app: &App, check_id: &str) -> Option<(usize, usize)> {
    app.runbook.stages.iter().enumerate().find_map(|(si, s)| {
        s.checks
            .iter()
            .position(|c| c.id == check_id)
            .map(|ci| (si, ci))
    })
}

/// `o` on the Risks screen: the severity picker for the check behind the selected row.
pub(super) fn severity(app: &mut App) {
    let Some(row) = selected(app) else {
        app.status = Some("no risk selected".into());
        return;
    };
    let check_id = row.check_id().to_string();
    let current = app
        .session
        .state(&check_id)
        .and_then(|s| s.severity_override);
    let selected = current
        .and_then(|c| {
            launch_ready_core::finding::Severity::ALL
                .iter()
                .position(|s| *s == c)
        })
        .map_or(0, |i| i + 1);
    app.modal = Some(Modal::Severity { check_id, selected });
}

/// `a`: asks for the reason (then the owner) to accept the selected risk. Something not
/// checked cannot be accepted: the verdict never says go on checks that were not made.
pub(super) fn accept(app: &mut App) {
    if app.presenter() {
        app.status = Some(
            "accepting a risk stays on the operator's screen (P leaves presenter mode)".into(),
        );
        return;
    }
    match selected(app) {
        None => app.status = Some("no risk selected".into()),
        Some(RiskRow::Accepted(r, _)) => {
            app.status = Some(format!(
                "{} is already accepted: u withdraws the acceptance",
                r.check_title
            ));
        }
        Some(RiskRow::Open(r)) => {
            let places = places(app, &r);
            if let Some(unchecked) = places.iter().find(|p| !p.acceptable()) {
                app.status = Some(format!(
                    "{} cannot be accepted: it was not checked ({}). Run it or answer it first",
                    r.check_title, unchecked.message
                ));
                return;
            }
            // A defect is accepted in every place it was found: one reason, one owner.
            let title = r.check_title.clone();
            app.modal = Some(Modal::Prompt(Prompt::new(
                PromptPurpose::AcceptReason {
                    risks: places.into_iter().map(|p| (p.key(), p.target)).collect(),
                    title,
                    pass: None,
                },
                "",
            )));
        }
    }
}

/// Passing an automated check by hand while its findings are open: asks whether to
/// accept them (reason and owner once for all); true when it asked. Without an answer the
/// status stays as it was, since a pass over open findings would change nothing the
/// verdict reads.
pub(super) fn ask_before_passing(app: &mut App, check_id: &str, status: CheckStatus) -> bool {
    if !matches!(status, CheckStatus::Pass | CheckStatus::Warn) {
        return false;
    }
    let assessment = verdict::assess(&app.runbook, &app.session, app.now);
    let risks: Vec<(String, String)> = assessment
        .risks
        .iter()
        .filter(|r| r.check_id == check_id && r.code.is_some() && r.acceptable())
        .map(|r| (r.key(), r.target.clone()))
        .collect();
    if risks.is_empty() {
        return false;
    }
    let title = app
        .runbook
        .check(check_id)
        .map_or(check_id.to_string(), |(_, c)| c.title.clone());
    app.modal = Some(Modal::Prompt(Prompt::new(
        PromptPurpose::AcceptReason {
            risks,
            title,
            pass: Some((check_id.to_string(), status)),
        },
        "",
    )));
    true
}

/// Stores the acceptances once the owner is given, and journals them.
pub(super) fn record_acceptance(
    app: &mut App,
    risks: &[(String, String)],
    title: &str,
    reason: &str,
    owner: &str,
    fx: &mut Vec<Effect>,
) {
    let now = app.now;
    for (key, target) in risks {
        let exists = app
            .session
            .accepted
            .iter()
            .any(|a| a.key == *key && a.target == *target);
        if !exists {
            app.session.accepted.push(AcceptedRisk {
                key: key.clone(),
                target: target.clone(),
                reason: reason.to_string(),
                owner: owner.to_string(),
                at: now,
            });
        }
    }
    let what = match risks.len() {
        1 => String::new(),
        n => format!(" ({n} findings)"),
    };
    let text = format!("accepted {title}{what} — {reason} — owner {owner}");
    let mut status = format!("accepted {title}{what}: u on it withdraws");
    let writes = baseline_writes(app, risks);
    for (_, scanned, entries) in &writes {
        let _ = write!(
            status,
            "; adding {} to the baseline of {}",
            plural(entries.len(), "entry", "entries"),
            scanned.display()
        );
    }
    if writes.is_empty() && risks.iter().any(|(key, _)| is_secret(key)) {
        status.push_str("; nothing for the baseline: these findings carry no fingerprint");
    }
    app.status = Some(status);
    journal(app, JournalKind::Acceptance, "", text, fx);
    for (check, scanned, entries) in writes {
        fx.push(Effect::WriteBaseline {
            check,
            scanned,
            entries,
            by: owner.to_string(),
            reason: reason.to_string(),
        });
    }
}

/// Whether findings of `key` come from the secrets family.
fn is_secret(key: &str) -> bool {
    key.split('.').next() == Some("secrets")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The baseline entries an acceptance of `risks` stands for, per check and scanned
/// folder: every fingerprinted secrets finding of the risk's code on its target in the
/// latest results (one risk folds all of them, so accepting it accepts each one). Which
/// file that folder's baseline is gets decided by the executor: it looks at the disk.
fn baseline_writes(
    app: &App,
    risks: &[(String, String)],
) -> Vec<(String, PathBuf, Vec<baseline::Entry>)> {
    let mut out: Vec<(String, PathBuf, Vec<baseline::Entry>)> = Vec::new();
    for (key, target) in risks.iter().filter(|(key, _)| is_secret(key)) {
        let results = app
            .session
            .checks
            .values()
            .filter_map(|s| s.latest())
            .flat_map(|ev| ev.results.iter())
            .filter(|r| r.target == *target && !r.target.is_empty());
        for r in results {
            let entries: Vec<baseline::Entry> = r
                .findings
                .iter()
                .filter(|f| f.code == *key)
                .filter_map(baseline::Entry::from_finding)
                .collect();
            if entries.is_empty() {
                continue;
            }
            let scanned = PathBuf::from(&r.target);
            let slot = match out
                .iter()
                .position(|(c, s, _)| *c == r.check && *s == scanned)
            {
                Some(i) => i,
                None => {
                    out.push((r.check.clone(), scanned, Vec::new()));
                    out.len() - 1
                }
            };
            let list = &mut out[slot].2;
            for e in entries {
                if !list.iter().any(|x| x.fingerprint == e.fingerprint) {
                    list.push(e);
                }
            }
        }
    }
    out
}

/// A baseline write finished: what was written where, or why nothing was.
pub(super) fn on_baseline_written(app: &mut App, result: Result<baseline::Appended, String>) {
    app.status = Some(match result {
        Ok(done) if done.added == 0 => format!(
            "baseline {}: already holds {}",
            done.path.display(),
            plural(done.already, "entry", "entries")
        ),
        Ok(done) => {
            let mut s = format!(
                "baseline {}: {} written (fingerprint, rule, path, who, why; no expiry)",
                done.path.display(),
                plural(done.added, "entry", "entries")
            );
            if done.already > 0 {
                let _ = write!(s, ", {} already there", done.already);
            }
            s
        }
        Err(e) => format!("baseline not written: {e} (the acceptance is kept in the session)"),
    });
    app.status_at = app.now;
}

/// `u`: withdraws the selected acceptance; the risk counts again.
pub(super) fn withdraw(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(RiskRow::Accepted(risk, acceptance)) = selected(app) else {
        app.status = Some("u withdraws an acceptance: select one in the Accepted list".into());
        return;
    };
    app.session
        .accepted
        .retain(|a| !(a.key == acceptance.key && a.target == acceptance.target));
    let len = rows(app).len();
    app.risk_row = app.risk_row.min(len.saturating_sub(1));
    let text = format!(
        "withdrew the acceptance of {} (owner {} — {})",
        risk.check_title, acceptance.owner, acceptance.reason
    );
    app.status = Some(if is_secret(&acceptance.key) {
        // The baseline is the repository's file, reviewed and committed with it: the app
        // adds to it but never takes entries out.
        format!(
            "{}: counts again here; baseline entries written for it stay in {} (delete them there to report the secret in scans again)",
            risk.check_title,
            baseline::FILE_NAME
        )
    } else {
        format!("{}: counts again", risk.check_title)
    });
    journal(app, JournalKind::Acceptance, "", text, fx);
}
