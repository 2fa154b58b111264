//! One planner for every way checks are started: the TUI's `r`, `R` and `A`, headless
//! `check` (with or without a session) and, later, the report. A runbook check becomes a
//! job with its runbook parameters and severity overrides; a kind this build does not run
//! is reported as unavailable instead of being silently dropped; and a run's targets,
//! settings and thresholds become one `Scope`, which is also what the jobs of a run share
//! (one network stack, one answer per question).
//!
//! Headless runs without a session or `--runbook` plan from the catalog itself: one
//! synthetic runbook check per kind, with the kind's default severities, so the same
//! verdict function judges them.

use crate::engine::{Job, Scope};
use launch_ready_core::catalog;
use launch_ready_core::catalog::{CheckKind, Family};
use launch_ready_core::finding::Severity;
use launch_ready_core::runbook::model::{
    Check, KindName, Run, Runbook, Stage, Targets as Thresholds,
};
use launch_ready_core::session::model::Targets;
use launch_ready_core::settings::NetworkSettings;
use std::sync::Arc;

/// What a set of checks turns into.
#[derive(Debug, Default)]
pub struct Planned {
    /// Jobs to start.
    pub jobs: Vec<Job>,
    /// Automated checks whose kind this build does not run: (check id, kind).
    pub unavailable: Vec<(String, &'static CheckKind)>,
}

/// The job of one automated check, or the kind when this build cannot run it. `None`
/// for a manual check. A kind that sends load (`perf.load`) is held back like an
/// unavailable one: only `job_for_confirmed`, after the operator said yes, starts it.
pub fn job_for(check: &Check) -> Option<Result<Job, &'static CheckKind>> {
    job_for_confirmed(check, false)
}

/// As `job_for`, with `confirmed` saying whether the operator agreed to send load (the
/// TUI's confirmation, headless `--yes`).
pub fn job_for_confirmed(
    check: &Check,
    confirmed: bool,
) -> Option<Result<Job, &'static CheckKind>> {
    if let Some(kind) = check.run.kind()
        && kind.profile.confirm
        && !confirmed
    {
        return Some(Err(kind));
    }
    let Run::Auto {
        kind,
        severity,
        params,
    } = &check.run
    else {
        return None;
    };
    if !crate::engine::is_available(kind.0) {
        return Some(Err(kind.0));
    }
    Some(Ok(Job {
        check_id: check.id.clone(),
        kind: kind.0,
        severity: severity.clone(),
        params: params.clone(),
    }))
}

/// The jobs of `checks` (manual checks are left out; load only when `confirmed`).
pub fn jobs<'a>(checks: impl IntoIterator<Item = &'a Check>, confirmed: bool) -> Planned {
    let mut planned = Planned::default();
    for check in checks {
        match job_for_confirmed(check, confirmed) {
            Some(Ok(job)) => planned.jobs.push(job),
            Some(Err(kind)) => planned.unavailable.push((check.id.clone(), kind)),
            None => {}
        }
    }
    planned
}

/// One run's scope: what the jobs run against and share, with the keyring (opened when a
/// check first asks) for the kinds that read a credential of `session`.
pub fn scope(
    session: &str,
    targets: Targets,
    network: NetworkSettings,
    thresholds: Thresholds,
) -> Arc<Scope> {
    let credentials = crate::credentials::Credentials::os(Some(session.to_string()));
    Arc::new(Scope::new(targets, network, thresholds).with_credentials(credentials))
}

/// True when an automated check of `runbook` needs the network and has a target in one of
/// `scopes`: only then must the network settings be valid for the run.
pub fn needs_network<'a>(runbook: &Runbook, scopes: impl IntoIterator<Item = &'a Scope>) -> bool {
    let network_kinds: Vec<&CheckKind> = runbook
        .checks()
        .filter_map(|(_, c)| c.run.kind())
        .filter(|k| k.profile.built && k.profile.needs_network)
        .collect();
    scopes.into_iter().any(|scope| {
        network_kinds
            .iter()
            .any(|k| !crate::engine::targets::for_kind(k, &scope.targets).is_empty())
    })
}

/// `runbook` narrowed to the automated checks of `families` (what `--only` asks for);
/// stages keep their order so risks still rank by stage.
pub fn restrict(runbook: &Runbook, families: &[Family]) -> Runbook {
    let mut out = runbook.clone();
    for stage in &mut out.stages {
        stage
            .checks
            .retain(|c| c.run.kind().is_some_and(|k| families.contains(&k.family)));
    }
    out
}

/// `runbook` without the automated checks whose kind sends load (`Profile::confirm`),
/// and the ids of those left out.
pub fn without_confirm(runbook: &Runbook) -> (Runbook, Vec<(String, &'static CheckKind)>) {
    let mut out = runbook.clone();
    let mut left_out = Vec::new();
    for stage in &mut out.stages {
        stage.checks.retain(|c| match c.run.kind() {
            Some(k) if k.profile.confirm => {
                left_out.push((c.id.clone(), k));
                false
            }
            _ => true,
        });
    }
    (out, left_out)
}

/// The parameters a catalog check runs with: none, except that with no runbook nothing
/// asks for error tracking, so `uptime.error_tracking` reports what it sees and finds no
/// fault in its absence.
fn catalog_params(k: &CheckKind) -> std::collections::BTreeMap<String, String> {
    let mut params = std::collections::BTreeMap::new();
    if k.id == catalog::KindId::UptimeErrorTracking {
        params.insert("required".to_string(), "false".to_string());
    }
    params
}

/// A runbook of one automated check per catalog kind of `families`, for headless runs
/// with no runbook: the check's id is the kind's name and its severity the worst default
/// severity of its codes.
pub fn catalog_runbook(families: &[Family], thresholds: Thresholds) -> Runbook {
    let checks: Vec<Check> = catalog::KINDS
        .iter()
        .filter(|k| families.contains(&k.family))
        .map(|k| Check {
            id: k.name.to_string(),
            title: k.title.to_string(),
            why: String::new(),
            severity: k
                .codes
                .iter()
                .map(|c| c.default_severity())
                .min()
                .unwrap_or(Severity::Info),
            run: Run::Auto {
                kind: KindName(k),
                severity: Default::default(),
                params: catalog_params(k),
            },
            sensitive: false,
        })
        .collect();
    Runbook {
        id: "catalog".into(),
        title: "Every check of the catalog".into(),
        product_kind: String::new(),
        maturity: String::new(),
        summary: String::new(),
        targets: thresholds,
        minimum_bar: Vec::new(),
        stages: vec![Stage {
            id: "checks".into(),
            title: "Automated checks".into(),
            goal: String::new(),
            hours: (0, 48),
            checks,
            deliverables: Vec::new(),
            failure_signals: Vec::new(),
        }],
        automation: Vec::new(),
        daily_metrics: Vec::new(),
        do_not_overbuild: Vec::new(),
        sprint_map: Vec::new(),
        sequence: Vec::new(),
        flows: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_runbook_has_one_check_per_kind_and_keeps_unbuilt_kinds_visible() {
        let families = [Family::Dns, Family::Secrets, Family::Uptime];
        let rb = catalog_runbook(&families, Thresholds::default());
        let ids: Vec<&str> = rb.checks().map(|(_, c)| c.id.as_str()).collect();
        assert!(ids.contains(&"dns.records") && ids.contains(&"secrets.repo"));
        assert!(!ids.iter().any(|i| i.starts_with("tls.")));
        let planned = jobs(rb.checks().map(|(_, c)| c), false);
        assert!(planned.jobs.iter().all(|j| j.kind.profile.built));
        let missing: Vec<&str> = planned
            .unavailable
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        // Which kinds are unbuilt changes as families land; the table says which.
        let unbuilt: Vec<&str> = launch_ready_core::catalog::KINDS
            .iter()
            .filter(|k| families.contains(&k.family) && !k.profile.built)
            .map(|k| k.name)
            .collect();
        assert_eq!(
            missing, unbuilt,
            "unbuilt kinds stay visible as unavailable"
        );
        let records = rb.check("dns.records").unwrap().1;
        assert_eq!(records.severity, Severity::Blocker);
    }

    #[test]
    fn load_starts_only_when_confirmed() {
        let rb = catalog_runbook(&[Family::Perf], Thresholds::default());
        let held = jobs(rb.checks().map(|(_, c)| c), false);
        let ids: Vec<&str> = held.jobs.iter().map(|j| j.check_id.as_str()).collect();
        assert_eq!(ids, ["perf.latency", "perf.web_vitals"]);
        assert_eq!(held.unavailable[0].0, "perf.load");
        assert_eq!(jobs(rb.checks().map(|(_, c)| c), true).jobs.len(), 3);
        let (kept, left_out) = without_confirm(&rb);
        assert_eq!(left_out[0].0, "perf.load");
        assert_eq!(left_out.len(), 1);
        assert_eq!(kept.checks().count(), 2);
    }

    #[test]
    fn bursts_and_uploads_wait_for_a_yes_and_debug_pages_do_not() {
        let rb = catalog_runbook(&[Family::Http, Family::Edge], Thresholds::default());
        let (_, left_out) = without_confirm(&rb);
        let ids: Vec<&str> = left_out.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["http.payload_limit", "edge.rate_limit"]);
        let held = jobs(rb.checks().map(|(_, c)| c), false);
        assert!(held.jobs.iter().any(|j| j.check_id == "http.debug"));
        let tracking = catalog_runbook(&[Family::Uptime], Thresholds::default());
        let (_, c) = tracking.check("uptime.error_tracking").unwrap();
        let Run::Auto { params, .. } = &c.run else {
            panic!("automated");
        };
        assert_eq!(params.get("required").map(String::as_str), Some("false"));
    }

    #[test]
    fn restrict_keeps_only_automated_checks_of_the_families() {
        let rb = catalog_runbook(&Family::ALL, Thresholds::default());
        let only = restrict(&rb, &[Family::Tls]);
        assert!(only.checks().all(|(_, c)| c.id.starts_with("tls.")));
        assert_eq!(only.checks().count(), 2);
    }

    #[test]
    fn only_a_network_kind_with_a_target_needs_the_network() {
        let rb = catalog_runbook(&Family::ALL, Thresholds::default());
        let scope_of = |targets: Targets| {
            Scope::new(targets, NetworkSettings::default(), Thresholds::default())
        };
        let repo_only = scope_of(Targets {
            repo: Some("/src/app".into()),
            ..Targets::default()
        });
        assert!(
            !needs_network(&rb, [&repo_only]),
            "a repository scan reads no network settings"
        );
        let host = scope_of(Targets {
            apex: "a.test".into(),
            ..Targets::default()
        });
        assert!(needs_network(&rb, [&repo_only, &host]));
        let local_kinds = restrict(&rb, &[Family::Secrets, Family::Env]);
        assert!(!needs_network(&local_kinds, [&host]));
    }
}
