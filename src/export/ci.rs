//! `export ci`: a GitHub Actions workflow that runs `check --plan` on every push to main
//! and on a schedule, and (once the session has flows) `smoke --plan` after each
//! successful deploy. Credentials are named as repository secrets; their values never
//! leave the keyring here.
//!
//! Installing: `cargo install --locked --git` the launch-ready source at a release tag,
//! cached between runs by that tag. A source build needs nothing but the runner's Rust
//! toolchain and works for a fork or a private mirror alike (the repository variable
//! `LAUNCH_READY_GIT` names it); the cache keeps it to one build per release.

use super::{ExportError, File};
use launch_ready_core::plan::{FILE_NAME, Plan};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

pub const WORKFLOW_PATH: &str = ".github/workflows/launch-ready.yml";
/// Name of the step that runs the plan (the tests run its command against the lab).
pub const CHECK_STEP: &str = "Check the plan";
/// The report the check step writes.
pub const REPORT_FILE: &str = "launch-ready-report.json";

pub fn export(plan: &Plan) -> Result<super::Export, ExportError> {
    let mut notes = Vec::new();
    let plan = relocate(plan, &mut notes);
    let workflow = workflow(&plan);
    let text = format!(
        "# Written by `launch-ready export ci` for {}. Set the repository variable LAUNCH_READY_GIT\n# to the launch-ready source (a git URL) and the secrets named below.\n{}",
        plan.client,
        serde_norway::to_string(&workflow)?
    );
    let secrets: Vec<String> = secret_names(&plan);
    let readme = format!(
        "# launch-ready in CI\n\n\
`{WORKFLOW_PATH}` runs `launch-ready check --plan {FILE_NAME}` on every push to main, every day at 06:23 UTC and by hand, and keeps the JSON report as an artifact. The job fails on a no-go (a blocker found); manual checks answered in the TUI do not travel with the plan, so an incomplete verdict alone does not fail it.\n\n\
1. Copy `.github/` and `{FILE_NAME}` to the root of the product's repository.\n\
2. Repository variable `LAUNCH_READY_GIT`: the git URL of the launch-ready source; the workflow builds release `v{version}` with `cargo install --locked` and caches the binary.\n\
3. Repository secrets: {secrets}.\n\n\
After a deploy, a `smoke` job runs the session's flows once the session has any.\n",
        version = env!("CARGO_PKG_VERSION"),
        secrets = if secrets.is_empty() {
            "none needed".to_string()
        } else {
            secrets
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    Ok(super::Export {
        files: vec![
            File::new(WORKFLOW_PATH, text),
            File::new(FILE_NAME, plan.to_ron()?),
            File::new("LAUNCH-READY-CI.md", readme),
        ],
        notes,
    })
}

/// The plan as the repository's checkout sees it: the session's repository becomes the
/// checkout root, and the build folder and env files inside it keep their relative place;
/// anything outside it is left out, since the runner cannot see the sprint laptop's disk.
fn relocate(plan: &Plan, notes: &mut Vec<String>) -> Plan {
    let mut p = plan.clone();
    let Some(repo) = plan.targets.repo.clone() else {
        if p.targets.build_dir.take().is_some() || !p.targets.env_files.is_empty() {
            notes.push("the build folder and env files are left out of the CI plan: without the session's repository their place in the checkout is unknown".into());
            p.targets.env_files.clear();
        }
        return p;
    };
    let inside = |path: &Path| -> Option<PathBuf> {
        path.strip_prefix(&repo).ok().map(|rel| {
            if rel.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                rel.to_path_buf()
            }
        })
    };
    p.targets.repo = Some(PathBuf::from("."));
    p.targets.build_dir = plan.targets.build_dir.as_deref().and_then(|b| {
        let rel = inside(b);
        if rel.is_none() {
            notes.push(format!(
                "the build folder {} is outside the repository: left out of the CI plan",
                b.display()
            ));
        }
        rel
    });
    p.targets.env_files = plan
        .targets
        .env_files
        .iter()
        .filter_map(|e| {
            let rel = inside(&e.path);
            if rel.is_none() {
                notes.push(format!(
                    "env file {} is outside the repository: left out of the CI plan",
                    e.path.display()
                ));
            }
            rel.map(|path| launch_ready_core::session::model::EnvFile {
                environment: e.environment.clone(),
                path,
            })
        })
        .collect();
    p
}

/// The repository secrets the jobs read: each credential's environment variable.
pub fn secret_names(plan: &Plan) -> Vec<String> {
    let mut v: Vec<String> = plan
        .credentials
        .iter()
        .map(|c| crate::tui::executor::env_var_for(c))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn workflow(plan: &Plan) -> Value {
    let mut env = Map::new();
    for s in secret_names(plan) {
        env.insert(s.clone(), json!(format!("${{{{ secrets.{s} }}}}")));
    }
    let install = vec![
        json!({"uses": "actions/checkout@v4"}),
        json!({
            "name": "Cache launch-ready",
            "uses": "actions/cache@v4",
            "with": {"path": "~/.cargo/bin/launch-ready", "key": "launch-ready-${{ env.LAUNCH_READY_REF }}"},
        }),
        json!({
            "name": "Install launch-ready",
            "run": "command -v launch-ready || cargo install --locked --git \"$LAUNCH_READY_GIT\" --tag \"$LAUNCH_READY_REF\" launch-ready",
        }),
    ];
    let mut check_steps = install.clone();
    check_steps.push(json!({
        "name": CHECK_STEP,
        "env": env,
        "run": format!("launch-ready check --plan {FILE_NAME} --format json --allow-incomplete > {REPORT_FILE}"),
    }));
    check_steps.push(json!({
        "name": "Keep the report",
        "if": "always()",
        "uses": "actions/upload-artifact@v4",
        "with": {"name": "launch-ready-report", "path": REPORT_FILE},
    }));
    let mut on = json!({
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "23 6 * * *"}],
        "workflow_dispatch": {},
    });
    let mut jobs = Map::new();
    jobs.insert(
        "check".into(),
        json!({
            "if": "github.event_name != 'deployment_status'",
            "runs-on": "ubuntu-latest",
            "timeout-minutes": 30,
            "steps": check_steps,
        }),
    );
    // The smoke job exists once the session has flows to run after a deploy.
    if !plan.targets.flows.is_empty() {
        on["deployment_status"] = json!({});
        let mut smoke_steps = install;
        smoke_steps.push(json!({
            "name": "Smoke the deploy",
            "env": env,
            "run": format!("launch-ready smoke --plan {FILE_NAME}"),
        }));
        jobs.insert(
            "smoke".into(),
            json!({
                "if": "github.event_name == 'deployment_status' && github.event.deployment_status.state == 'success'",
                "runs-on": "ubuntu-latest",
                "timeout-minutes": 15,
                "steps": smoke_steps,
            }),
        );
    }
    json!({
        "name": "launch-ready",
        "on": on,
        "permissions": {"contents": "read"},
        "concurrency": {"group": "launch-ready-${{ github.ref }}", "cancel-in-progress": false},
        "env": {
            "LAUNCH_READY_GIT": "${{ vars.LAUNCH_READY_GIT }}",
            "LAUNCH_READY_REF": format!("v{}", env!("CARGO_PKG_VERSION")),
        },
        "jobs": jobs,
    })
}
