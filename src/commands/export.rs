//! `launch-ready export prometheus|ci|locust|plan SESSION DIR`: builds the session's plan
//! and writes what the chosen engine needs into DIR. The session is only read (no lock),
//! so an export can run beside an open TUI.

use super::{Failure, Outcome};
use crate::cli::export::{ExportArgs, ExportTarget};
use crate::export;
use crate::export::stack::Options;
use launch_ready_checks::monitor::dispatch::DEFAULT_ESCALATE_AFTER;
use launch_ready_core::plan::Plan;
use std::collections::BTreeMap;
use std::time::Duration;

/// Probe interval when neither the flag nor the runbook sets one.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(60);

pub fn run(args: &ExportArgs, out: &mut String) -> Outcome {
    let path = launch_ready_core::session::list::resolve(&args.session)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let session = launch_ready_core::session::store::read(&path)
        .map_err(|e| Failure::usage(e.explained()))?;
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
    Ok(0)
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
