//! `launch-ready check`: headless checks for CI. Plans (exit 2 on bad input), runs on a
//! small runtime, prints text or JSON, exits by `--fail-on`.

use super::{Failure, Outcome};
use crate::cli::check::CheckArgs;
use crate::cli::route;
use crate::headless;
use crate::headless::{CheckRequest, Format};

pub fn run(args: &CheckArgs, out: &mut String) -> Outcome {
    super::demo::with_demo_lab(args.session.as_deref(), || run_checks(args, out))
}

fn run_checks(args: &CheckArgs, out: &mut String) -> Outcome {
    let runtime = super::network_runtime()?;
    runtime.block_on(async {
        let plan =
            headless::plan(&request(args).map_err(Failure::usage)?).map_err(Failure::usage)?;
        if !plan.unconfirmed.is_empty() {
            eprintln!(
                "launch-ready: not run, as they send load, bursts or oversized uploads: {} (pass --yes to run them)",
                plan.unconfirmed
                    .iter()
                    .map(|(id, _)| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let report = headless::run(&plan).await;
        match plan.format {
            Format::Json => {
                let json = serde_json::to_string_pretty(&report)
                    .map_err(|e| Failure::runtime(format!("cannot write the report: {e}")))?;
                out.push_str(&json);
                out.push('\n');
            }
            Format::Text => out.push_str(&headless::text::render(&report)),
        }
        if report.verdict == "incomplete" {
            // CI logs show stderr even when stdout is a JSON artefact: say why it is not a go.
            use std::io::Write;
            let mut err = std::io::stderr().lock();
            let _ = writeln!(
                err,
                "launch-ready: verdict incomplete: {} check(s) not made",
                report.reasons.len()
            );
            for r in report.reasons.iter().take(20) {
                let _ = writeln!(err, "  {r}");
            }
            if report.reasons.len() > 20 {
                let _ = writeln!(err, "  … and {} more", report.reasons.len() - 20);
            }
        }
        Ok(headless::exit_code(
            &report,
            plan.fail_on,
            plan.allow_incomplete,
        ))
    })
}

/// The request the flags make; a `--route` or `--route-body` that cannot be used is an
/// error quoting it.
pub fn request(args: &CheckArgs) -> Result<CheckRequest, String> {
    Ok(CheckRequest {
        targets: args.targets.clone(),
        session: args.session.clone(),
        plan: args.plan.clone(),
        runbook: args.runbook.clone(),
        only: args.only.clone(),
        network: args.network.overrides(),
        dkim_selectors: args.dkim_selectors.clone(),
        cloudflare_api: args.cloudflare_api.clone(),
        format: args.format.clone(),
        fail_on: args.fail_on.clone(),
        allow_incomplete: args.allow_incomplete,
        routes: route::routes(&args.routes, &args.route_bodies)?,
        env_reference: args.env_reference.clone(),
        yes: args.yes,
        ci: args.ci,
    })
}
