//! `launch-ready export prometheus|ci|locust|plan SESSION DIR`: builds the session's plan
//! and writes what the chosen engine needs into DIR, then records in the session what was
//! written and how to start it, for the handover pack.
//!
//! A session open in the TUI is locked, and the TUI's next save would drop a change made
//! beside it anyway: there the export is written all the same and says it is not
//! recorded. Likewise for a session file made read-only.

use super::{Failure, Outcome};
use crate::cli::export::{ExportArgs, ExportTarget};
use crate::export;
use crate::export::stack::Options;
use launch_ready_checks::monitor::dispatch::DEFAULT_ESCALATE_AFTER;
use launch_ready_core::plan::Plan;
use launch_ready_core::session::error::StoreError;
use launch_ready_core::session::exports::ExportKind;
use launch_ready_core::session::store::SessionFile;
use std::collections::BTreeMap;
use std::time::Duration;
use time::OffsetDateTime;

/// Probe interval when neither the flag nor the runbook sets one.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

pub fn run(args: &ExportArgs, out: &mut String) -> Outcome {
    let path = launch_ready_core::session::list::resolve(&args.session)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let (file, session, unrecorded) = match SessionFile::open(&path) {
        Ok((file, session)) => (Some(file), session, None),
        Err(e @ (StoreError::Locked { .. } | StoreError::ReadOnly { .. })) => {
            let session = launch_ready_core::session::store::read(&path)
                .map_err(|e| Failure::usage(e.explained()))?;
            (None, session, Some(e.to_string()))
        }
        Err(e) => return Err(Failure::usage(e.explained())),
    };
    let runbook = super::runbooks::library()
        .find(&session.runbook.id, session.runbook.path.as_deref())
        .map_err(|e| Failure::usage(format!("the session's runbook cannot be loaded: {e}")))?
        .runbook;
    let plan = export::plan::build(&session, &runbook, args.with_network);
    let made = match args.target {
        ExportTarget::Plan => Ok(export::Export {
            files: vec![export::File::new(
                launch_ready_core::plan::FILE_NAME,
                plan.to_ron()
                    .map_err(export::ExportError::from)
                    .map_err(usage)?,
            )],
            notes: Vec::new(),
        }),
        ExportTarget::Ci => export::ci::export(&plan),
        ExportTarget::Locust => export::locust::export(&plan),
        ExportTarget::Prometheus => export::prometheus::export(&plan, &options(args, &plan)?),
    }
    .map_err(usage)?;
    let written = export::out::write_all(&args.dir, &made.files, args.force)
        .map_err(|e| Failure::runtime(e.to_string()))?;
    for note in &made.notes {
        eprintln!("launch-ready: {note}");
    }
    for (p, f) in written.iter().zip(&made.files) {
        let mark = if f.secret { " (secret, mode 0600)" } else { "" };
        out.push_str(&format!("wrote {}{mark}\n", p.display()));
    }
    let dir = std::fs::canonicalize(&args.dir).unwrap_or_else(|_| args.dir.clone());
    let record = export::record::record(
        kind(args.target),
        &plan,
        &dir,
        &made,
        OffsetDateTime::now_utc(),
    );
    out.push_str("to start it:\n");
    for step in &record.start {
        out.push_str(&format!("  - {}\n", step.line()));
    }
    match (file, unrecorded) {
        (Some(file), _) => {
            let mut session = session;
            launch_ready_core::session::exports::remember(&mut session.exports, record);
            session.updated_at = OffsetDateTime::now_utc();
            file.save(&session).map_err(|e| {
                Failure::runtime(format!(
                    "the export is written, but recording it in the session failed: {}",
                    e.explained()
                ))
            })?;
            out.push_str(&format!(
                "recorded in session `{}`: the handover pack lists it\n",
                session.name
            ));
        }
        (None, reason) => eprintln!(
            "launch-ready: not recorded in the session ({}): the handover pack will not list this export; export again once the session is closed",
            reason.unwrap_or_default()
        ),
    }
    Ok(0)
}

fn kind(target: ExportTarget) -> ExportKind {
    match target {
        ExportTarget::Plan => ExportKind::Plan,
        ExportTarget::Ci => ExportKind::Ci,
        ExportTarget::Prometheus => ExportKind::Prometheus,
        ExportTarget::Locust => ExportKind::Locust,
    }
}

fn usage(e: export::ExportError) -> Failure {
    Failure::usage(e.to_string())
}

fn options(args: &ExportArgs, plan: &Plan) -> Result<Options, Failure> {
    let interval = match &args.interval {
        Some(i) => crate::cli::monitor::parse_duration(i)
            .map_err(|e| Failure::usage(format!("--interval: {e}")))?,
        None => plan
            .runbook
            .targets
            .probe_interval_min
            .map_or(DEFAULT_INTERVAL, |m| {
                Duration::from_secs(u64::from(m.max(1)) * 60)
            }),
    };
    if interval < Duration::from_secs(1) {
        return Err(Failure::usage(
            "--interval: Prometheus probes at most once a second".to_string(),
        ));
    }
    let escalate_after = match &args.escalate_after {
        Some(d) => crate::cli::monitor::parse_duration(d)
            .map_err(|e| Failure::usage(format!("--escalate-after: {e}")))?,
        None => plan
            .runbook
            .targets
            .escalate_after_min
            .map_or(DEFAULT_ESCALATE_AFTER, |m| {
                Duration::from_secs(u64::from(m.max(1)) * 60)
            }),
    };
    if escalate_after < interval {
        return Err(Failure::usage(format!(
            "--escalate-after: {} is shorter than the probe interval ({}); an escalation cannot come before the next probe",
            export::stack::go_duration(escalate_after),
            export::stack::go_duration(interval)
        )));
    }
    let alertmanager = export::alertmanager_version(&args.alertmanager_version).map_err(usage)?;
    Ok(Options {
        interval,
        escalate_after,
        alertmanager,
        secrets: alert_secrets(plan)?,
    })
}

/// The values of the alert routes' credentials that can be read here (the CI variable,
/// then the session's keyring entry, then the global one); a missing one is left out.
fn alert_secrets(plan: &Plan) -> Result<BTreeMap<String, String>, Failure> {
    let runtime = super::network_runtime()?;
    let creds = launch_ready_checks::credentials::Credentials::os(Some(plan.session.clone()));
    Ok(runtime.block_on(async {
        let mut out = BTreeMap::new();
        for r in &plan.alert_routes {
            let name = r.credential();
            let env = crate::tui::executor::env_var_for(name);
            if let Ok(v) = creds.get(name, Some(&env)).await
                && !v.trim().is_empty()
            {
                out.insert(name.to_string(), v);
            }
        }
        out
    }))
}
