//! The go / no-go / incomplete rules and the risk list. Pure: a function of the runbook,
//! the session and the clock, so the TUI, the headless command and the report agree by
//! construction (headless `check` records its results into a session and calls `assess`).
//!
//! Rules:
//! - Open findings come from the latest evidence of each automated check that is not
//!   skipped; the operator's severity override on the check replaces the findings' severity.
//! - A result skipped for want of a credential (`CheckOutcome::needs_credential`) is
//!   `unchecked`, and its reason names the credential to add.
//! - A check that is not done is itself a risk at the check's severity. An automated check
//!   not run, that could not run or that this build does not have is marked `unchecked`;
//!   so is a target skipped because a precondition failed when no open finding explains
//!   it (a host with no address, with `dns.unresolvable` not reported because DNS was not
//!   checked), and a page read over an unverified connection when no certificate finding
//!   on its host says why.
//! - A target asked for that does not exist (`catalog::TARGET_MISSING`: a host with no
//!   address) is a blocker whatever severity its finding carries: nothing else about it
//!   can be checked, and it cannot launch.
//! - No-go when any open finding is a blocker, or a blocker-severity check was answered
//!   and not passed (marked failed or blocked by hand).
//! - Otherwise incomplete when any risk is unchecked, or a blocker-severity manual check
//!   is not answered yet: a go is only said on checks made, and a no-go only on something
//!   known to be wrong (a brand-new session is incomplete, not no-go).
//! - A finding whose evidence says what a scan could not read (`not_read`) is unchecked:
//!   the scan ran, but not over everything.
//! - Risks are ranked by severity, then stage order, then runbook order.
//! - A risk the operator accepted (with reason and owner) moves to `accepted`: it no
//!   longer decides the verdict. Something not checked cannot be accepted — a go is never
//!   said on checks that were not made.

use crate::finding::{CheckStatus, Severity};
use crate::runbook::{Run, Runbook};
use crate::session::Session;
use crate::session::model::{AcceptedRisk, CheckOutcome, CheckState, Verdict};
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub use crate::session::progress::{progress, stage_progress};

/// One entry of the risk list.
#[derive(Debug, Clone, PartialEq)]
pub struct Risk {
    pub severity: Severity,
    pub stage: usize,
    pub check_id: String,
    pub check_title: String,
    /// Finding code, or `None` when the risk is the check itself being unpassed.
    pub code: Option<String>,
    /// Target the finding is about (empty for unpassed checks).
    pub target: String,
    pub message: String,
    /// The evidence behind it is older than the freshness window.
    pub stale: bool,
    /// The risk is that something was not checked (not run, could not run), not a
    /// defect found.
    pub unchecked: bool,
    /// A manual check with no answer yet: nothing is known to be wrong, so a blocker one
    /// leaves the verdict incomplete rather than no-go; the operator may still accept it.
    pub unanswered: bool,
    /// Other checks that report the same defect (same code on the same target): one
    /// defect is one risk however many checks see it.
    pub also_in: Vec<String>,
    /// When the evidence behind it was taken (older risks rank first within a severity
    /// and stage).
    pub since: Option<OffsetDateTime>,
}

impl Risk {
    /// What an acceptance names: the finding code, or `check:<id>` for a check left
    /// unpassed.
    pub fn key(&self) -> String {
        match &self.code {
            Some(code) => code.clone(),
            None => format!("check:{}", self.check_id),
        }
    }

    /// Whether the operator may accept this risk: defects and unanswered manual checks
    /// may be, something not checked may not.
    pub fn acceptable(&self) -> bool {
        !self.unchecked
    }

    /// Whether this risk alone makes the verdict no-go: a blocker known to be open (a
    /// finding, or a check answered and not passed), not a gap in what is known.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Blocker && !self.unchecked && !self.unanswered
    }

    /// Whether this risk keeps the verdict from a go without being known to be wrong:
    /// something not checked, or a blocker question not answered yet.
    pub fn leaves_incomplete(&self) -> bool {
        self.unchecked || (self.unanswered && self.severity == Severity::Blocker)
    }

    /// Whether `acceptance` is about this risk.
    pub fn accepted_by(&self, acceptance: &AcceptedRisk) -> bool {
        self.acceptable() && acceptance.key == self.key() && acceptance.target == self.target
    }
}

/// The verdict with the risks that decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    /// Open risks, ranked.
    pub risks: Vec<Risk>,
    /// Risks the operator accepted, ranked like `risks`, each with its acceptance.
    pub accepted: Vec<(Risk, AcceptedRisk)>,
    /// Plain-language reasons for the verdict (the blockers, what was not checked, or why
    /// it is a go).
    pub reasons: Vec<String>,
}

impl Assessment {
    /// The open defects of `severity` (see `group_risks`): the one count of risks every
    /// screen, the report and `check` give.
    pub fn count(&self, severity: Severity) -> usize {
        self.defects()
            .iter()
            .filter(|d| d.risk.severity == severity)
            .count()
    }

    /// The open risks grouped by defect, ranked (see `group_risks`).
    pub fn defects(&self) -> Vec<RiskGroup<'_>> {
        group_risks(&self.risks)
    }
}

/// One defect: every open risk of one key (a finding code, or one check left unpassed) at
/// one severity, wherever it was found and by whichever checks. This is what a risk is
/// when it is counted or listed: the TUI's Risks screen, its one-by-one cards, presenter
/// mode, headless `check` and the handover pack all count these, so ten hosts with one
/// misconfiguration are one risk in ten places, not ten risks.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskGroup<'a> {
    /// The first (highest-ranked) risk of the group; it speaks for the others.
    pub risk: &'a Risk,
    /// Every risk of the group (its places), in list order, the first included.
    pub members: Vec<&'a Risk>,
    /// The distinct targets the group's findings are about, in list order.
    pub targets: Vec<&'a str>,
    /// Any evidence behind the group is older than the freshness window.
    pub stale: bool,
}

impl RiskGroup<'_> {
    /// " — 3 hosts" (or URLs, or targets when they are mixed) when the group touches more
    /// than one target; empty otherwise.
    pub fn affected(&self) -> String {
        let n = self.targets.len();
        if n < 2 {
            return String::new();
        }
        let urls = self.targets.iter().filter(|t| t.contains("://")).count();
        let paths = self.targets.iter().filter(|t| t.contains('/')).count();
        let noun = if urls == n {
            "URLs"
        } else if paths == 0 {
            "hosts"
        } else {
            "targets"
        };
        format!(" — {n} {noun}")
    }

    /// Whether the operator may accept the defect: every place of it may be accepted.
    pub fn acceptable(&self) -> bool {
        self.members.iter().all(|r| r.acceptable())
    }
}

/// Folds `risks` to one entry per defect — one key (`Risk::key`) at one severity — keeping
/// the list's ranking (the position of each defect's first risk).
pub fn group_risks(risks: &[Risk]) -> Vec<RiskGroup<'_>> {
    let mut groups: Vec<RiskGroup<'_>> = Vec::new();
    for risk in risks {
        let same = groups.iter_mut().find(|g| {
            g.risk.severity == risk.severity
                && g.risk.code == risk.code
                && (risk.code.is_some() || g.risk.check_id == risk.check_id)
        });
        let group = match same {
            Some(g) => g,
            None => {
                groups.push(RiskGroup {
                    risk,
                    members: Vec::new(),
                    targets: Vec::new(),
                    stale: false,
                });
                let last = groups.len() - 1;
                &mut groups[last]
            }
        };
        group.members.push(risk);
        group.stale |= risk.stale;
        if !risk.target.is_empty() && !group.targets.contains(&risk.target.as_str()) {
            group.targets.push(&risk.target);
        }
    }
    groups
}

/// Adds a defect found by a check, or folds it into the risk already listed for the same
/// code on the same target (keeping the worse severity and naming the other check).
fn add_defect(risks: &mut Vec<Risk>, new: Risk) {
    let same = risks
        .iter_mut()
        .find(|r| !r.unchecked && r.code == new.code && r.target == new.target);
    match same {
        Some(existing) => {
            if new.check_title != existing.check_title
                && !existing.also_in.contains(&new.check_title)
            {
                existing.also_in.push(new.check_title.clone());
            }
            if new.severity < existing.severity {
                existing.severity = new.severity;
            }
        }
        None => risks.push(new),
    }
}

/// One line naming the checks behind `unchecked` (each once, worst first, five at most),
/// or `None` when everything was checked.
fn not_checked_line(unchecked: &[&Risk]) -> Option<String> {
    let mut titles: Vec<&str> = Vec::new();
    for r in unchecked {
        if !titles.contains(&r.check_title.as_str()) {
            titles.push(&r.check_title);
        }
    }
    let (shown, more) = titles.split_at(titles.len().min(5));
    let list = shown.join("; ");
    match (shown.len(), more.len()) {
        (0, _) => None,
        (_, 0) => Some(format!("not checked yet, so more may be wrong: {list}")),
        (_, n) => Some(format!(
            "not checked yet, so more may be wrong: {list}; and {n} more"
        )),
    }
}

/// The reasons for a verdict: one line per defect (a finding code, or one check for risks
/// without a code), naming the targets, so ten hosts with one defect read as one line.
fn grouped_reasons(risks: &[&Risk]) -> Vec<String> {
    let mut groups: Vec<(&str, Option<&str>, Vec<&Risk>)> = Vec::new();
    for r in risks {
        match groups.iter_mut().find(|(_, code, members)| {
            *code == r.code.as_deref() && (code.is_some() || members[0].check_id == r.check_id)
        }) {
            Some((_, _, members)) => members.push(r),
            None => groups.push((&r.check_title, r.code.as_deref(), vec![r])),
        }
    }
    groups
        .into_iter()
        .map(|(title, code, members)| {
            let first = members[0];
            let targets: Vec<&str> = members
                .iter()
                .map(|m| m.target.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            let on = match targets.as_slice() {
                [] => String::new(),
                [one] => format!(" on {one}"),
                [one, rest @ ..] => format!(" on {one} and {} more", rest.len()),
            };
            match code {
                Some(code) if members.len() == 1 => {
                    format!("{title}: {code}{on} — {}", first.message)
                }
                Some(code) => format!("{title}: {code}{on}"),
                None if members.len() == 1 => format!("{title}{on}: {}", first.message),
                None => format!("{title}{on}: {}", first.message),
            }
        })
        .collect()
}

/// The operator skipped the check (with a reason), as opposed to a run whose every
/// target was skipped: only the first takes the check out of the verdict.
fn skipped_by_operator(state: &CheckState) -> bool {
    state.status == CheckStatus::Skipped
        && (state.skip_reason.is_some() || state.latest().is_none())
}

/// The host a result's target names: the host of a URL, else the target itself.
pub fn host_of(target: &str) -> &str {
    let rest = target
        .strip_prefix("https://")
        .or_else(|| target.strip_prefix("http://"));
    match rest {
        Some(r) => r.split(['/', ':', '?', '#']).next().unwrap_or(r),
        None => target,
    }
}

/// Whether an open finding explains a result skipped for a failed precondition: a finding
/// of that code (any `tls.` finding for `tls.*`) on the same host.
fn explained(result: &CheckOutcome, code: &str, findings: &[(String, String)]) -> bool {
    let host = host_of(&result.target);
    findings.iter().any(|(c, target)| {
        let code_matches = match code.strip_suffix('*') {
            Some(prefix) => c.starts_with(prefix),
            None => c == code,
        };
        code_matches && host_of(target) == host
    })
}

pub fn assess(runbook: &Runbook, session: &Session, now: OffsetDateTime) -> Assessment {
    assess_with(runbook, &session.checks, &session.accepted, now)
}

/// `assess` over the check states alone, with nothing accepted.
pub fn assess_states(
    runbook: &Runbook,
    states: &BTreeMap<String, CheckState>,
    now: OffsetDateTime,
) -> Assessment {
    assess_with(runbook, states, &[], now)
}

/// `assess` over check states and the operator's acceptances: what headless `check`
/// records its results in.
pub fn assess_with(
    runbook: &Runbook,
    states: &BTreeMap<String, CheckState>,
    acceptances: &[AcceptedRisk],
    now: OffsetDateTime,
) -> Assessment {
    let mut risks = Vec::new();
    // Every open finding by (code, target), for explaining skipped preconditions.
    let mut open_findings: Vec<(String, String)> = Vec::new();
    for (_, check) in runbook.checks() {
        let state = states.get(&check.id);
        if state.is_some_and(skipped_by_operator) {
            continue;
        }
        if let Some(ev) = state.and_then(|s| s.latest()) {
            for r in &ev.results {
                for f in &r.findings {
                    open_findings.push((f.code.to_string(), r.target.clone()));
                }
            }
        }
    }
    for (stage, check) in runbook.checks() {
        let state = states.get(&check.id);
        let status = state.map_or(CheckStatus::Todo, |s| s.status);
        let override_sev = state.and_then(|s| s.severity_override);
        if state.is_some_and(skipped_by_operator) {
            continue;
        }
        let stale = state.is_some_and(|s| s.is_stale(now));
        let since = state.and_then(|s| s.latest()).map(|e| e.at);
        let risk = |severity, code: Option<String>, target: String, message, unchecked| Risk {
            severity,
            stage,
            check_id: check.id.clone(),
            check_title: check.title.clone(),
            code,
            target,
            message,
            stale,
            unchecked,
            unanswered: false,
            also_in: Vec::new(),
            since,
        };
        let mut unchecked_results = 0;
        if let (Run::Auto { .. }, Some(ev)) = (&check.run, state.and_then(|s| s.latest())) {
            for r in &ev.results {
                for f in &r.findings {
                    let severity = if crate::catalog::target_missing(f.code.as_str()) {
                        // A target asked for that does not exist cannot launch.
                        Severity::Blocker
                    } else {
                        override_sev.unwrap_or(f.severity)
                    };
                    // Info findings are facts (the DNS provider, the edge in front), not
                    // risks.
                    if severity == Severity::Info {
                        continue;
                    }
                    // Content a scan could not read is a blind spot, not a defect: like a
                    // check that could not run, it is something not checked, which keeps
                    // the verdict from go and cannot be accepted away.
                    if f.detail::<crate::evidence::NotReadDetail>().is_some() {
                        unchecked_results += 1;
                        risks.push(risk(
                            severity,
                            None,
                            r.target.clone(),
                            f.message.clone(),
                            true,
                        ));
                        continue;
                    }
                    add_defect(
                        &mut risks,
                        risk(
                            severity,
                            Some(f.code.to_string()),
                            r.target.clone(),
                            f.message.clone(),
                            false,
                        ),
                    );
                }
                let unverified = r.evidence.unverified_certificate();
                let not_checked = match (r.status, &r.explained_by) {
                    (CheckStatus::Error, _) => Some(format!("could not run: {}", r.summary)),
                    // Asked for, and skipped for want of a credential: not checked until
                    // the credential is added.
                    (CheckStatus::Skipped, _) if r.needs_credential.is_some() => Some(format!(
                        "not checked without the `{}` credential: {}",
                        r.needs_credential.as_deref().unwrap_or_default(),
                        r.summary
                    )),
                    // Read over an unverified connection: fine when a certificate finding
                    // on the host says why, a blind spot when none does.
                    _ if unverified.is_some() && !explained(r, "tls.*", &open_findings) => {
                        Some(format!(
                            "the certificate is not trusted ({}) and no certificate check reports it",
                            unverified.unwrap_or_default()
                        ))
                    }
                    (CheckStatus::Skipped, Some(code)) if !explained(r, code, &open_findings) => {
                        Some(format!(
                            "not checked: {} (and no {code} finding is open to explain it)",
                            r.summary
                        ))
                    }
                    _ => None,
                };
                if let Some(message) = not_checked {
                    unchecked_results += 1;
                    risks.push(risk(
                        override_sev.unwrap_or(check.severity),
                        None,
                        r.target.clone(),
                        message,
                        true,
                    ));
                }
            }
        }
        // A failed automated check is already represented by its findings, and one that
        // errored by its results.
        let explained_by_results = (status == CheckStatus::Fail
            && risks.iter().any(|r| r.check_id == check.id && !r.unchecked))
            || (status == CheckStatus::Error && unchecked_results > 0);
        let open = !(status.is_done() || explained_by_results);
        if open {
            // A manual check not answered is a risk (incomplete, not no-go, when it is a
            // blocker: nothing is known yet); an automated check not run (or not runnable)
            // is something not checked.
            let manual = matches!(check.run, Run::Manual { .. });
            let (message, unchecked) = match (status, &check.run) {
                (CheckStatus::Todo, Run::Manual { .. }) => ("not answered yet".to_string(), false),
                (CheckStatus::Todo, Run::Auto { kind, .. }) if !kind.0.profile.built => (
                    format!("{} is not available in this build", kind.0.name),
                    true,
                ),
                (CheckStatus::Todo, Run::Auto { .. }) => ("not run yet".to_string(), true),
                (CheckStatus::Running, _) => ("running".to_string(), !manual),
                (CheckStatus::Error, _) => ("the check could not run".to_string(), !manual),
                (CheckStatus::Blocked, _) => ("blocked: waiting on someone".to_string(), false),
                // Only a person marks a manual check failed; an automated one failed on
                // its own last run.
                (CheckStatus::Fail, Run::Manual { .. }) => ("marked failed".to_string(), false),
                (CheckStatus::Fail, Run::Auto { .. }) => {
                    ("failed on its last run".to_string(), false)
                }
                (s, _) => (s.as_str().to_string(), !manual),
            };
            let mut r = risk(
                override_sev.unwrap_or(check.severity),
                None,
                String::new(),
                message,
                unchecked,
            );
            r.unanswered = manual && status == CheckStatus::Todo;
            risks.push(r);
        }
    }
    // Stable sort keeps runbook order within equal severity, stage and age.
    risks.sort_by_key(|r| (r.severity, r.stage, r.since));
    let mut accepted = Vec::new();
    risks.retain(|r| match acceptances.iter().find(|a| r.accepted_by(a)) {
        Some(a) => {
            accepted.push((r.clone(), a.clone()));
            false
        }
        None => true,
    });

    let blockers: Vec<&Risk> = risks.iter().filter(|r| r.blocks()).collect();
    let unchecked: Vec<&Risk> = risks.iter().filter(|r| r.leaves_incomplete()).collect();
    let (verdict, reasons) = if !blockers.is_empty() {
        let mut reasons = grouped_reasons(&blockers);
        // A no-go names its blockers; what was never checked could hide more, so it is
        // said too, or fixing the blockers would look like enough for a go.
        if let Some(line) = not_checked_line(&unchecked) {
            reasons.push(line);
        }
        (Verdict::NoGo, reasons)
    } else if !unchecked.is_empty() {
        (Verdict::Incomplete, grouped_reasons(&unchecked))
    } else {
        let open = group_risks(&risks).len();
        (
            Verdict::Go,
            vec![if open == 0 {
                "no open risks".to_string()
            } else {
                format!("no blockers; {open} lower-severity risks stay open")
            }],
        )
    };
    Assessment {
        verdict,
        risks,
        accepted,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Code;
    use crate::evidence::{AvailabilityEvidence, Observed};
    use crate::finding::Finding;
    use crate::session::model::Evidence;

    /// The test runbook: a blocker dns.records check, medium dns.caa and tls.certificate,
    /// two medium manual checks, and perf and uptime kinds this build does not have.
    fn runbook() -> Runbook {
        crate::runbook::load::parse(
            include_str!("../../../tests/fixtures/runbooks/valid/minimal.ron"),
            "minimal.ron",
        )
        .expect("fixture parses")
    }

    fn outcome(check: &str, target: &str, status: CheckStatus) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: check.split('.').next().unwrap_or_default().into(),
            target: target.into(),
            status,
            duration_ms: 1,
            summary: "s".into(),
            findings: Vec::new(),
            evidence: Default::default(),
            explained_by: None,
            needs_credential: None,
        }
    }

    fn record(states: &mut BTreeMap<String, CheckState>, id: &str, results: Vec<CheckOutcome>) {
        let status = results
            .iter()
            .map(|r| r.status)
            .max_by_key(|s| s.badness())
            .unwrap_or(CheckStatus::Pass);
        let state = states.entry(id.into()).or_default();
        state.status = status;
        state.push_evidence(Evidence {
            at: OffsetDateTime::now_utc(),
            duration_ms: 1,
            status,
            summary: String::new(),
            results,
        });
    }

    /// Every check answered: automated ones passed, manual ones passed, unbuilt ones
    /// skipped by the operator.
    fn all_answered() -> BTreeMap<String, CheckState> {
        let mut states = BTreeMap::new();
        for id in ["audit-check", "dns-check", "edge-check"] {
            record(
                &mut states,
                id,
                vec![outcome("dns.records", "a.test", CheckStatus::Pass)],
            );
        }
        for id in [
            "deploy-check",
            "handover-check",
            "perf-check",
            "monitoring-check",
        ] {
            states.entry(id.into()).or_default().status = if id.ends_with("-check")
                && (id.starts_with("perf") || id.starts_with("monitoring"))
            {
                CheckStatus::Skipped
            } else {
                CheckStatus::Pass
            };
        }
        states
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[test]
    fn nothing_checked_is_incomplete_and_says_what() {
        let rb = runbook().with_unbuilt("uptime.probe");
        let a = assess_states(&rb, &BTreeMap::new(), now());
        assert_eq!(a.verdict, Verdict::Incomplete);
        assert!(a.reasons.iter().any(|r| r.contains("not run yet")));
        assert!(
            a.reasons
                .iter()
                .any(|r| r.contains("uptime.probe is not available in this build"))
        );
    }

    #[test]
    fn every_check_made_and_clean_is_go() {
        let a = assess_states(&runbook(), &all_answered(), now());
        assert_eq!(a.verdict, Verdict::Go, "{:?}", a.reasons);
    }

    #[test]
    fn a_blocker_finding_is_no_go_even_with_gaps() {
        let mut states = BTreeMap::new();
        let mut o = outcome("dns.records", "a.test", CheckStatus::Fail);
        o.findings = vec![Finding::new(Code::DnsUnresolvable, "gone")];
        record(&mut states, "audit-check", vec![o]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::NoGo);
        // The blocker decides; what was not checked is said after it.
        assert_eq!(a.reasons.len(), 2, "{:?}", a.reasons);
        assert!(a.reasons[0].contains("dns.unresolvable"), "{:?}", a.reasons);
        assert!(
            a.reasons[1].starts_with("not checked yet, so more may be wrong: "),
            "{:?}",
            a.reasons
        );

        // With everything else checked, the blocker is the only reason.
        let mut states = all_answered();
        let mut o = outcome("dns.records", "a.test", CheckStatus::Fail);
        o.findings = vec![Finding::new(Code::DnsUnresolvable, "gone")];
        record(&mut states, "audit-check", vec![o]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::NoGo);
        assert_eq!(a.reasons.len(), 1, "{:?}", a.reasons);
    }

    #[test]
    fn an_accepted_blocker_no_longer_decides_but_stays_listed() {
        let mut states = all_answered();
        let mut o = outcome("dns.records", "a.test", CheckStatus::Fail);
        o.findings = vec![Finding::new(Code::DnsUnresolvable, "gone")];
        record(&mut states, "audit-check", vec![o]);
        let acceptance = |target: &str| AcceptedRisk {
            key: "dns.unresolvable".into(),
            target: target.into(),
            reason: "legacy host, retired next week".into(),
            owner: "founder".into(),
            at: now(),
        };
        // An acceptance for another target changes nothing.
        let a = assess_with(&runbook(), &states, &[acceptance("b.test")], now());
        assert_eq!(a.verdict, Verdict::NoGo);
        assert!(a.accepted.is_empty());

        let a = assess_with(&runbook(), &states, &[acceptance("a.test")], now());
        assert_eq!(a.verdict, Verdict::Go, "{:?}", a.reasons);
        assert_eq!(a.accepted.len(), 1);
        assert_eq!(a.accepted[0].0.key(), "dns.unresolvable");
        assert_eq!(a.accepted[0].1.owner, "founder");
        assert!(a.risks.iter().all(|r| r.key() != "dns.unresolvable"));
    }

    #[test]
    fn something_not_checked_cannot_be_accepted() {
        let states = BTreeMap::new();
        let a = assess_states(&runbook(), &states, now());
        let unchecked = a.risks.iter().find(|r| r.unchecked).expect("a gap");
        assert!(!unchecked.acceptable());
        let acceptance = AcceptedRisk {
            key: unchecked.key(),
            target: unchecked.target.clone(),
            reason: "later".into(),
            owner: "ops".into(),
            at: now(),
        };
        let b = assess_with(&runbook(), &states, &[acceptance], now());
        assert_eq!(b.verdict, Verdict::Incomplete);
        assert!(b.accepted.is_empty());
    }

    #[test]
    fn an_error_or_an_unexplained_skip_is_incomplete() {
        let mut states = all_answered();
        record(
            &mut states,
            "edge-check",
            vec![outcome("tls.certificate", "a.test", CheckStatus::Error)],
        );
        assert_eq!(
            assess_states(&runbook(), &states, now()).verdict,
            Verdict::Incomplete
        );

        // Skipped for a host with no address: explained only if dns.unresolvable is open.
        let mut states = all_answered();
        let mut skipped = outcome("tls.certificate", "b.test", CheckStatus::Skipped);
        skipped.explained_by = Some("dns.unresolvable".into());
        record(&mut states, "edge-check", vec![skipped]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::Incomplete, "nothing explains the skip");
        // An open finding on the host explains it: the skip is no longer a gap (and a
        // host that does not resolve is a no-go of its own).
        let mut found = outcome("dns.records", "b.test", CheckStatus::Fail);
        found.findings =
            vec![Finding::new(Code::DnsUnresolvable, "no A").with_severity(Severity::High)];
        record(&mut states, "audit-check", vec![found]);
        let a = assess_states(&runbook(), &states, now());
        assert!(a.risks.iter().all(|r| !r.unchecked), "{:?}", a.risks);
        assert_eq!(a.verdict, Verdict::NoGo, "{:?}", a.reasons);
        assert_eq!(a.reasons.len(), 1, "{:?}", a.reasons);
        assert!(a.reasons[0].contains("dns.unresolvable on b.test"));
    }

    #[test]
    fn a_requested_target_that_does_not_resolve_is_no_go_whatever_its_severity() {
        // A `shop` host: not apex, app or api, so the DNS check reports it as high.
        let mut states = all_answered();
        let mut gone = outcome("dns.records", "shop.a.test", CheckStatus::Fail);
        gone.findings = vec![
            Finding::new(
                Code::DnsUnresolvable,
                "shop.a.test does not resolve: the name does not exist",
            )
            .with_severity(Severity::High),
        ];
        record(&mut states, "audit-check", vec![gone]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::NoGo, "{:?}", a.reasons);
        assert_eq!(
            a.reasons,
            [
                "Audit check: dns.unresolvable on shop.a.test — shop.a.test does not resolve: the name does not exist"
            ]
        );
        // The operator may still accept it, with a reason and an owner.
        let acceptance = AcceptedRisk {
            key: "dns.unresolvable".into(),
            target: "shop.a.test".into(),
            reason: "the shop opens next month".into(),
            owner: "founder".into(),
            at: now(),
        };
        let a = assess_with(&runbook(), &states, &[acceptance], now());
        assert_eq!(a.verdict, Verdict::Go, "{:?}", a.reasons);
    }

    #[test]
    fn a_new_session_is_incomplete_until_its_blocker_checks_have_results() {
        for loaded in crate::runbook::library::bundled() {
            let rb = loaded.expect("bundled runbooks load").runbook;
            let a = assess_states(&rb, &BTreeMap::new(), now());
            assert_eq!(a.verdict, Verdict::Incomplete, "{}: {:?}", rb.id, a.reasons);
        }
    }

    #[test]
    fn a_check_skipped_for_a_missing_credential_is_incomplete_naming_it() {
        let mut states = all_answered();
        let mut skipped = outcome("cloudflare.zone", "a.test", CheckStatus::Skipped);
        skipped.summary = "add a cloudflare-token credential to audit the zone".into();
        skipped.needs_credential = Some("cloudflare-token".into());
        record(&mut states, "edge-check", vec![skipped]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::Incomplete, "{:?}", a.reasons);
        assert_eq!(
            a.reasons,
            [
                "Edge and TLS check on a.test: not checked without the `cloudflare-token` credential: add a cloudflare-token credential to audit the zone"
            ]
        );
        // Skipped as not applicable (no credential involved) is no gap.
        let mut states = all_answered();
        record(
            &mut states,
            "edge-check",
            vec![outcome("cloudflare.zone", "a.test", CheckStatus::Skipped)],
        );
        assert_eq!(
            assess_states(&runbook(), &states, now()).verdict,
            Verdict::Go
        );
    }

    #[test]
    fn a_scan_that_could_not_read_everything_is_incomplete_and_cannot_be_accepted() {
        let mut states = all_answered();
        let mut scan = outcome("tls.certificate", "repo", CheckStatus::Warn);
        scan.findings = vec![
            Finding::new(
                Code::TlsWeakKey,
                "1 file not scanned (largest: dump.sql, 5 MiB)",
            )
            .with_severity(Severity::Medium)
            .with_detail(&crate::evidence::NotReadDetail {
                not_read: crate::evidence::NotReadSummary {
                    count: 1,
                    ..Default::default()
                },
            }),
        ];
        record(&mut states, "edge-check", vec![scan]);
        let accept = AcceptedRisk {
            key: "tls.weak_key".into(),
            target: "repo".into(),
            reason: "later".into(),
            owner: "ana".into(),
            at: now(),
        };
        let a = assess_with(&runbook(), &states, &[accept], now());
        assert_eq!(a.verdict, Verdict::Incomplete, "{:?}", a.reasons);
        assert!(a.reasons[0].contains("dump.sql"), "{:?}", a.reasons);
        assert!(a.accepted.is_empty());
        assert!(a.risks.iter().any(|r| r.unchecked && r.code.is_none()));
    }

    #[test]
    fn a_page_read_unverified_needs_a_certificate_finding_on_its_host() {
        let mut states = all_answered();
        let mut page = outcome("http.availability", "https://c.test/", CheckStatus::Pass);
        page.evidence = Observed::Availability(Box::new(AvailabilityEvidence {
            unverified_certificate: Some("UnknownIssuer".into()),
            ..AvailabilityEvidence::default()
        }));
        record(&mut states, "dns-check", vec![page]);
        let a = assess_states(&runbook(), &states, now());
        assert_eq!(a.verdict, Verdict::Incomplete);
        assert!(a.reasons[0].contains("UnknownIssuer"), "{:?}", a.reasons);
        let mut cert = outcome("tls.certificate", "c.test", CheckStatus::Fail);
        cert.findings =
            vec![Finding::new(Code::TlsUntrusted, "self-signed").with_severity(Severity::Medium)];
        record(&mut states, "edge-check", vec![cert]);
        assert_eq!(
            assess_states(&runbook(), &states, now()).verdict,
            Verdict::Go
        );
    }

    #[test]
    fn a_blocker_manual_check_answered_not_passed_is_no_go() {
        let mut rb = runbook();
        rb.stages[3].checks[0].severity = Severity::Blocker;
        for (status, words) in [
            (CheckStatus::Fail, "marked failed"),
            (CheckStatus::Blocked, "blocked: waiting on someone"),
        ] {
            let mut states = all_answered();
            states.get_mut("deploy-check").unwrap().status = status;
            let a = assess_states(&rb, &states, now());
            assert_eq!(a.verdict, Verdict::NoGo, "{status:?}");
            assert!(a.reasons[0].contains(words), "{:?}", a.reasons);
        }
    }

    #[test]
    fn a_blocker_manual_check_not_answered_yet_is_incomplete_and_acceptable() {
        let mut rb = runbook();
        rb.stages[3].checks[0].severity = Severity::Blocker;
        let mut states = all_answered();
        states.get_mut("deploy-check").unwrap().status = CheckStatus::Todo;
        let a = assess_states(&rb, &states, now());
        assert_eq!(a.verdict, Verdict::Incomplete, "{:?}", a.reasons);
        assert!(a.reasons[0].contains("not answered yet"), "{:?}", a.reasons);
        let risk = a
            .risks
            .iter()
            .find(|r| r.check_id == "deploy-check")
            .expect("listed");
        // Nothing is known to be wrong, but the operator may still take it on.
        assert!(risk.acceptable());
        let acceptance = AcceptedRisk {
            key: risk.key(),
            target: String::new(),
            reason: "the founder deploys by hand".into(),
            owner: "Dana".into(),
            at: now(),
        };
        let a = assess_with(&rb, &states, &[acceptance], now());
        assert_eq!(a.verdict, Verdict::Go, "{:?}", a.reasons);
    }
}

#[cfg(test)]
mod risk_list_tests {
    use super::*;
    use crate::code::Code;
    use crate::finding::Finding;
    use crate::session::model::Evidence;

    fn runbook() -> Runbook {
        crate::runbook::load::parse(
            include_str!("../../../tests/fixtures/runbooks/valid/minimal.ron"),
            "minimal.ron",
        )
        .expect("fixture parses")
    }

    fn found(check: &str, target: &str, findings: Vec<Finding>) -> Evidence {
        Evidence {
            at: OffsetDateTime::now_utc(),
            duration_ms: 1,
            status: CheckStatus::Fail,
            summary: String::new(),
            results: vec![CheckOutcome {
                check: check.into(),
                family: "x".into(),
                target: target.into(),
                status: CheckStatus::Fail,
                duration_ms: 1,
                summary: String::new(),
                findings,
                evidence: Default::default(),
                explained_by: None,
                needs_credential: None,
            }],
        }
    }

    #[test]
    fn one_defect_seen_by_two_checks_is_one_risk_and_info_is_not_a_risk() {
        let mut states = BTreeMap::new();
        for id in ["audit-check", "dns-check"] {
            let s: &mut CheckState = states.entry(id.to_string()).or_default();
            s.status = CheckStatus::Fail;
            s.push_evidence(found(
                "http.redirects",
                "h.test",
                vec![
                    Finding::new(Code::HttpRedirectLoop, "loops"),
                    Finding::new(Code::DnsProvider, "at Example DNS"),
                ],
            ));
        }
        let a = assess_states(&runbook(), &states, OffsetDateTime::now_utc());
        let loops: Vec<&Risk> = a
            .risks
            .iter()
            .filter(|r| r.code.as_deref() == Some("http.redirect_loop"))
            .collect();
        assert_eq!(loops.len(), 1, "{:?}", a.risks);
        assert_eq!(loops[0].also_in, ["DNS and domains check"]);
        assert!(a.risks.iter().all(|r| r.severity != Severity::Info));
        assert_eq!(a.verdict, Verdict::NoGo);
    }

    #[test]
    fn reasons_group_one_defect_on_many_targets() {
        let mut states = BTreeMap::new();
        let s: &mut CheckState = states.entry("audit-check".to_string()).or_default();
        s.status = CheckStatus::Fail;
        let mut ev = found(
            "dns.records",
            "a.test",
            vec![Finding::new(Code::DnsUnresolvable, "gone")],
        );
        for host in ["b.test", "c.test"] {
            let mut r = ev.results[0].clone();
            r.target = host.into();
            ev.results.push(r);
        }
        s.push_evidence(ev);
        let a = assess_states(&runbook(), &states, OffsetDateTime::now_utc());
        assert_eq!(
            a.reasons[0],
            "Audit check: dns.unresolvable on a.test and 2 more"
        );
        assert_eq!(a.reasons.len(), 2, "the blocker, then what was not checked");
    }

    /// A defect is one finding code at one severity wherever it is found and by whichever
    /// check: counted once (the count every screen gives), with its places inside, and one
    /// line among the verdict's reasons.
    #[test]
    fn one_defect_on_many_targets_and_checks_is_counted_once() {
        let mut states = BTreeMap::new();
        let mut audit = found(
            "dns.records",
            "a.test",
            vec![Finding::new(Code::DnsUnresolvable, "gone")],
        );
        let mut other = audit.results[0].clone();
        other.target = "b.test".into();
        audit.results.push(other);
        let s: &mut CheckState = states.entry("audit-check".to_string()).or_default();
        s.status = CheckStatus::Fail;
        s.push_evidence(audit);
        let caa = found(
            "dns.caa",
            "c.test",
            vec![
                Finding::new(Code::DnsUnresolvable, "gone too"),
                Finding::new(Code::DnsCaaMissing, "no CAA"),
            ],
        );
        let s: &mut CheckState = states.entry("dns-check".to_string()).or_default();
        s.status = CheckStatus::Fail;
        s.push_evidence(caa);
        let a = assess_states(&runbook(), &states, OffsetDateTime::now_utc());
        let defects = a.defects();
        let unresolvable = defects
            .iter()
            .find(|d| d.risk.code.as_deref() == Some("dns.unresolvable"))
            .expect("listed");
        assert_eq!(unresolvable.targets, ["a.test", "b.test", "c.test"]);
        assert_eq!(unresolvable.members.len(), 3);
        assert!(unresolvable.acceptable());
        assert_eq!(a.count(Severity::Blocker), 1, "{:?}", a.risks);
        assert_eq!(a.count(Severity::Low), 1);
        assert_eq!(
            a.reasons[0],
            "Audit check: dns.unresolvable on a.test and 2 more"
        );
        assert_eq!(a.reasons.len(), 2, "the blocker, then what was not checked");
        // Unpassed checks are a defect each: the manual questions not answered yet.
        let unanswered = defects.iter().filter(|d| d.risk.code.is_none()).count();
        assert_eq!(
            unanswered,
            a.risks.iter().filter(|r| r.code.is_none()).count()
        );
        assert_eq!(
            defects.len(),
            Severity::ALL.iter().map(|s| a.count(*s)).sum::<usize>()
        );
    }
}
