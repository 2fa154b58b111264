//! What an export leaves behind in the session: the folder, the files (secret ones
//! marked) and how to start each part, worked out from the same plan the files were
//! written from, so the handover pack can say what exists and what is left to do.

use super::{Export, ci};
use launch_ready_core::plan::{FILE_NAME, Plan};
use launch_ready_core::session::exports::{ExportKind, ExportRecord, ExportedFile, StartStep};
use std::path::Path;
use time::OffsetDateTime;

/// The record of `made`, written for `plan` into `dir` at `at`.
pub fn record(
    kind: ExportKind,
    plan: &Plan,
    dir: &Path,
    made: &Export,
    at: OffsetDateTime,
) -> ExportRecord {
    ExportRecord {
        kind,
        dir: dir.to_path_buf(),
        at,
        files: made
            .files
            .iter()
            .map(|f| ExportedFile {
                path: f.path.clone(),
                secret: f.secret,
            })
            .collect(),
        start: start(kind, plan, dir),
        notes: made.notes.clone(),
    }
}

/// `path` as one shell word.
fn word(path: &Path) -> String {
    let text = path.display().to_string();
    shlex::try_quote(&text).map_or(text.clone(), |q| q.into_owned())
}

/// How to start an export of `kind` written into `dir`, step by step.
pub fn start(kind: ExportKind, plan: &Plan, dir: &Path) -> Vec<StartStep> {
    let d = word(dir);
    match kind {
        ExportKind::Prometheus => vec![
            StartStep::run(
                format!("cd {d} && docker compose up -d"),
                "the blackbox exporter, Prometheus and Alertmanager on 127.0.0.1",
            ),
            StartStep::by_hand(format!(
                "without Docker: the three commands under \"Start\" in {d}/README.md"
            )),
        ],
        ExportKind::Ci => {
            let secrets = ci::secret_names(plan);
            let mut steps = vec![
                StartStep::by_hand(format!(
                    "copy {d}/.github and {d}/{FILE_NAME} to the root of the product's repository"
                )),
                StartStep::by_hand(
                    "set the repository variable LAUNCH_READY_GIT to the launch-ready source",
                ),
            ];
            if !secrets.is_empty() {
                steps.push(StartStep::by_hand(format!(
                    "set the repository secrets {}",
                    secrets.join(", ")
                )));
            }
            steps
        }
        ExportKind::Locust => {
            let base = launch_ready_checks::engine::targets::canonical_host(&plan.targets)
                .map(|h| format!("https://{h}"));
            let budgets = launch_ready_core::evidence::Budgets::from_targets(&plan.runbook.targets);
            let mut vars: Vec<String> =
                super::locust::flows::scenarios(&plan.targets, base.as_deref(), &budgets)
                    .needs
                    .into_iter()
                    .map(|n| n.var)
                    .chain(plan.targets.routes.iter().filter_map(|r| {
                        r.auth
                            .as_ref()
                            .map(|a| crate::tui::executor::env_var_for(&a.credential))
                    }))
                    .collect();
            vars.sort();
            vars.dedup();
            let users = plan
                .runbook
                .targets
                .concurrent_users
                .unwrap_or(super::locust::DEFAULT_USERS);
            let mut steps = Vec::new();
            if !vars.is_empty() {
                steps.push(StartStep::by_hand(format!(
                    "set {} in the environment",
                    vars.join(", ")
                )));
            }
            steps.push(StartStep::run(
                format!(
                    "cd {d} && locust -f locustfile.py --headless -u {users} -r {users} -t 5m --csv results"
                ),
                "exits 1 when a budget is missed",
            ));
            steps
        }
        ExportKind::Plan => {
            let plan_file = word(&dir.join(FILE_NAME));
            let mut steps = vec![StartStep::run(
                format!("launch-ready check --plan {plan_file}"),
                "the session's checks, anywhere",
            )];
            if !plan.targets.flows.is_empty() {
                steps.push(StartStep::run(
                    format!("launch-ready smoke --plan {plan_file}"),
                    "after each deploy",
                ));
            }
            steps
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::File;
    use launch_ready_core::session::model::{Route, RouteAuth};

    fn plan() -> Plan {
        let mut p = crate::export::test_plan::bare();
        p.targets.routes = vec![Route {
            name: "api".into(),
            path: "/api".into(),
            auth: Some(RouteAuth {
                header: "authorization".into(),
                credential: "api-token".into(),
            }),
            ..Route::default()
        }];
        p.credentials = vec!["api-token".into()];
        p
    }

    #[test]
    fn the_record_lists_the_files_and_names_what_to_set_never_a_value() {
        let made = Export {
            files: vec![
                File::new("README.md", "x"),
                File::secret(
                    "alertmanager/secrets/hook",
                    "https://hooks.example/T/B/secret",
                ),
            ],
            notes: vec!["credential `hook` is not set here".into()],
        };
        let dir = Path::new("/srv/acme exports/prom");
        let r = record(
            ExportKind::Prometheus,
            &plan(),
            dir,
            &made,
            OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(r.files.len(), 2);
        assert!(r.files[1].secret && !r.files[0].secret);
        assert_eq!(
            r.start[0].command.as_deref(),
            Some("cd '/srv/acme exports/prom' && docker compose up -d")
        );
        assert_eq!(r.notes, made.notes);
        let text = ron::to_string(&r).unwrap();
        assert!(!text.contains("hooks.example"), "{text}");

        let locust = start(ExportKind::Locust, &plan(), dir);
        assert!(
            locust[0].text.contains("LAUNCH_READY_CREDENTIAL_API_TOKEN"),
            "{locust:?}"
        );
        let ci = start(ExportKind::Ci, &plan(), dir);
        assert!(
            ci.iter()
                .any(|s| s.text.contains("LAUNCH_READY_CREDENTIAL_API_TOKEN")),
            "{ci:?}"
        );
        let p = start(ExportKind::Plan, &plan(), dir);
        assert_eq!(p.len(), 1, "no flows, no smoke step: {p:?}");
    }
}
