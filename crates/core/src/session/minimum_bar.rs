//! The runbook's minimum bar read against the session: each requirement is met only when
//! every check that runs one of the kinds the runbook names for it has passed. A
//! requirement no kind decides stays "not checked automatically"; it is never shown as
//! met on the strength of checks that do not look at it.

use super::Session;
use crate::finding::CheckStatus;
use crate::runbook::model::{Bar, Runbook};
use time::OffsetDateTime;

/// Where one requirement of the minimum bar stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarState {
    /// Every check behind it passed (a warning included) and no result is stale.
    Met,
    /// A check behind it failed or is blocked.
    Missed,
    /// Its checks have not all passed yet: not run, running, skipped or stale.
    Open,
    /// The runbook names no check kind that decides it.
    NotChecked,
}

impl BarState {
    /// The state in a few plain words, for the screen and the pack.
    pub fn words(self) -> &'static str {
        match self {
            BarState::Met => "met: its checks passed",
            BarState::Missed => "not met: a check failed",
            BarState::Open => "open: not every check has passed yet",
            BarState::NotChecked => "not checked automatically",
        }
    }
}

/// One requirement with its state and the checks that decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct BarMark<'a> {
    pub bar: &'a Bar,
    pub state: BarState,
    /// Ids of the runbook's checks that decide it, in runbook order.
    pub checks: Vec<&'a str>,
}

/// Every requirement of `runbook`'s minimum bar, in runbook order, as `session` stands at
/// `now`.
pub fn marks<'a>(runbook: &'a Runbook, session: &Session, now: OffsetDateTime) -> Vec<BarMark<'a>> {
    runbook
        .minimum_bar
        .iter()
        .map(|bar| {
            let checks: Vec<&str> = runbook
                .checks()
                .filter(|(_, c)| {
                    c.run
                        .kind()
                        .is_some_and(|k| bar.kinds.iter().any(|n| n.0.id == k.id))
                })
                .map(|(_, c)| c.id.as_str())
                .collect();
            let state = state_of(&checks, session, now);
            BarMark { bar, state, checks }
        })
        .collect()
}

fn state_of(checks: &[&str], session: &Session, now: OffsetDateTime) -> BarState {
    if checks.is_empty() {
        return BarState::NotChecked;
    }
    let statuses: Vec<CheckStatus> = checks.iter().map(|id| session.status(id)).collect();
    if statuses
        .iter()
        .any(|s| matches!(s, CheckStatus::Fail | CheckStatus::Blocked))
    {
        return BarState::Missed;
    }
    let passed = statuses
        .iter()
        .all(|s| matches!(s, CheckStatus::Pass | CheckStatus::Warn));
    let fresh = checks
        .iter()
        .all(|id| !session.state(id).is_some_and(|s| s.is_stale(now)));
    if passed && fresh {
        BarState::Met
    } else {
        BarState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-02 12:00 UTC);

    /// The fixture's bar: "Speed" decided by perf.latency, "Domain" by dns.records and
    /// tls.certificate, "Handover" by nothing.
    fn runbook() -> Runbook {
        crate::runbook::load::parse(
            include_str!("../../../../tests/fixtures/runbooks/valid/minimal.ron"),
            "minimal.ron",
        )
        .expect("fixture parses")
    }

    fn states(rb: &Runbook, s: &Session) -> Vec<BarState> {
        marks(rb, s, NOW).iter().map(|m| m.state).collect()
    }

    #[test]
    fn a_requirement_is_met_only_when_every_check_behind_it_passed() {
        let rb = runbook();
        let mut s = Session::for_test("s", "c", "minimal", NOW);
        assert_eq!(
            states(&rb, &s),
            [BarState::Open, BarState::Open, BarState::NotChecked]
        );
        s.state_mut("perf-check").status = CheckStatus::Pass;
        s.state_mut("audit-check").status = CheckStatus::Pass;
        // One of the two checks behind "Domain" passing is not enough.
        assert_eq!(
            states(&rb, &s),
            [BarState::Met, BarState::Open, BarState::NotChecked]
        );
        s.state_mut("edge-check").status = CheckStatus::Warn;
        assert_eq!(
            states(&rb, &s),
            [BarState::Met, BarState::Met, BarState::NotChecked]
        );
        let speed = &marks(&rb, &s, NOW)[0];
        assert_eq!(speed.checks, ["perf-check"]);
    }

    #[test]
    fn a_failed_or_skipped_check_never_leaves_its_requirement_met() {
        let rb = runbook();
        let mut s = Session::for_test("s", "c", "minimal", NOW);
        s.state_mut("perf-check").status = CheckStatus::Fail;
        s.state_mut("audit-check").status = CheckStatus::Pass;
        s.state_mut("edge-check").status = CheckStatus::Skipped;
        assert_eq!(
            states(&rb, &s),
            [BarState::Missed, BarState::Open, BarState::NotChecked]
        );
        s.state_mut("edge-check").status = CheckStatus::Error;
        assert_eq!(states(&rb, &s)[1], BarState::Open);
    }

    #[test]
    fn a_kind_no_check_runs_is_refused_when_the_runbook_loads() {
        let source = include_str!("../../../../tests/fixtures/runbooks/valid/minimal.ron")
            .replace(r#"kinds: ["perf.latency"]"#, r#"kinds: ["email.spf"]"#);
        let err = crate::runbook::load::parse(&source, "minimal.ron").expect_err("refused");
        assert!(err.message.contains("email.spf"), "{err}");
        assert!(
            err.message.contains("no check of this runbook runs"),
            "{err}"
        );
        assert_eq!(err.line, 10, "{err}");
    }
}
