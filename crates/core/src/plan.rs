//! The plan file (`launch-ready.plan.ron`): what a session's checks need to run somewhere
//! else — a CI job, a colleague's machine, the exported Prometheus and Locust setups — and
//! nothing more. Hosts, routes with their budgets, the monitored URLs, the runbook with its
//! numbers and the names of the credentials; never notes, evidence, answers or secret
//! values. RON, like the session, so the same types read both and a plan stays diffable.
//!
//! Network settings (nameserver, connect-to, CA file) are machine-specific: they are in a
//! plan only when the person exporting asks for them, since a plan meant for CI would
//! otherwise send public checks to a laptop's lab.

use crate::runbook::model::Targets as Budgets;
use crate::session::model::Targets;
use crate::settings::NetworkSettings;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Format version this build writes; a newer plan is refused rather than half-read.
pub const PLAN_VERSION: u32 = 1;

/// Name the exports give the plan file.
pub const FILE_NAME: &str = "launch-ready.plan.ron";

/// Largest plan file read (plans are a few KiB; anything far bigger is not one).
const MAX_PLAN_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// `PLAN_VERSION` when written by this build.
    pub version: u32,
    /// The session the plan was taken from: credentials are looked up in its scope.
    pub session: String,
    /// The client's display name, for the files generated from the plan.
    pub client: String,
    pub runbook: PlanRunbook,
    /// Hosts, routes, repository paths and the alert route's credential name, as in the
    /// session (routes name their auth credential, never its value).
    pub targets: Targets,
    /// The URLs the monitor probes, each with what counts as up.
    #[serde(default)]
    pub monitored: Vec<Monitored>,
    /// Where alerts go, in escalation order; secrets by credential name.
    #[serde(default)]
    pub alert_routes: Vec<AlertRoute>,
    /// Every credential the checks may read, by name (values stay in the keyring or CI).
    #[serde(default)]
    pub credentials: Vec<String>,
    /// The session's network settings, present only when the export was asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkSettings>,
}

/// The runbook a plan follows, with its numbers copied in so the budgets travel with the
/// plan even where the runbook file is not installed (the bundled ones always are).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRunbook {
    pub id: String,
    /// The runbook file, when the session loaded it from a path rather than the bundle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// Thresholds and budgets; these win over the runbook file's own when both exist.
    pub targets: Budgets,
}

/// One monitored URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Monitored {
    pub url: String,
    /// The host is meant to be behind a login: 401 and 403 count as up too.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub protected: bool,
    /// p95 budget of a probe, in milliseconds.
    pub budget_ms: u32,
}

impl Monitored {
    /// The statuses that mean up, as the product's own monitor judges them: any 2xx or
    /// 3xx (redirects are not followed), and 401 or 403 on a protected host.
    pub fn up_statuses(&self) -> Vec<u16> {
        let mut v = success_statuses();
        if self.protected {
            v.extend([401, 403]);
        }
        v
    }
}

/// Every 2xx and 3xx status, spelled out for engines that take a list (the blackbox
/// exporter): what "any 2xx or 3xx" means to the product's own monitor and flow runner.
pub fn success_statuses() -> Vec<u16> {
    (200..=208).chain([226]).chain(300..=308).collect()
}

/// Where an alert goes: the session's own route type, so a plan carries email routes and
/// the escalation order exactly as the session has them (a plan written when only
/// webhooks existed reads unchanged: `Webhook(credential: …)` is the same in both).
pub use crate::session::alert_routes::AlertRoute;

/// Why a plan file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: crate::files::FileError,
    },
    #[error("{}:{line}:{column}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{} was written by a newer launch-ready (plan format {found}, this build reads up to {PLAN_VERSION})",
        path.display()
    )]
    TooNew { path: PathBuf, found: u32 },
}

impl Plan {
    /// Reads and checks a plan file.
    pub fn read(path: &Path) -> Result<Plan, PlanFileError> {
        let text = crate::files::read_text(path, MAX_PLAN_BYTES).map_err(|source| {
            PlanFileError::Read {
                path: path.to_path_buf(),
                source,
            }
        })?;
        Plan::parse(&text, path)
    }

    /// Parses plan text; `path` only names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Plan, PlanFileError> {
        let plan: Plan = ron::from_str(text).map_err(|e| PlanFileError::Parse {
            path: path.to_path_buf(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        if plan.version > PLAN_VERSION {
            return Err(PlanFileError::TooNew {
                path: path.to_path_buf(),
                found: plan.version,
            });
        }
        Ok(plan)
    }

    /// The plan as RON, with a header saying what the file is.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .indentor("  ");
        let body = ron::ser::to_string_pretty(self, config)?;
        Ok(format!(
            "// launch-ready plan: what `launch-ready check --plan` runs. No secret values:\n\
             // credentials are named and read from the keyring or the CI's variables.\n{body}\n"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::model::{HostTarget, Route, RouteAuth, RouteBudget};

    fn sample() -> Plan {
        Plan {
            version: PLAN_VERSION,
            session: "acme".into(),
            client: "Acme".into(),
            runbook: PlanRunbook {
                id: "b2b-demo-to-launch".into(),
                path: None,
                targets: Budgets::default(),
            },
            targets: Targets {
                apex: "acme.example".into(),
                hosts: vec![HostTarget {
                    role: "staging".into(),
                    host: "staging.acme.example".into(),
                    protected: false,
                }],
                routes: vec![Route {
                    name: "login".into(),
                    path: "/login".into(),
                    method: "POST".into(),
                    budget: Some(RouteBudget::P95Ms(450)),
                    auth: Some(RouteAuth {
                        header: "authorization".into(),
                        credential: "api-token".into(),
                    }),
                    ..Route::default()
                }],
                alert_route: Some("alert-webhook".into()),
                ..Targets::default()
            },
            monitored: vec![Monitored {
                url: "https://staging.acme.example/".into(),
                protected: true,
                budget_ms: 300,
            }],
            alert_routes: vec![AlertRoute::Webhook {
                credential: "alert-webhook".into(),
            }],
            credentials: vec!["alert-webhook".into(), "api-token".into()],
            network: None,
        }
    }

    #[test]
    fn a_plan_round_trips_through_ron() {
        let plan = sample();
        let text = plan.to_ron().unwrap();
        assert_eq!(Plan::parse(&text, Path::new("p.ron")).unwrap(), plan);
        assert!(!text.contains("network"), "{text}");
    }

    #[test]
    fn email_routes_and_flows_travel_in_the_plan() {
        let mut plan = sample();
        plan.alert_routes.push(
            AlertRoute::parse(
                "smtp://alerts@mail.acme.example:587?from=alerts@acme.example&to=ops@acme.example&password=smtp-password",
            )
            .unwrap(),
        );
        plan.targets.flows = vec![crate::flow::Flow {
            name: "login".into(),
            steps: vec![crate::flow::Step::get("/account")],
        }];
        let text = plan.to_ron().unwrap();
        let again = Plan::parse(&text, Path::new("p.ron")).unwrap();
        assert_eq!(again, plan);
        assert_eq!(again.alert_routes[1].credential(), "smtp-password");
        // The shape a plan had when only webhooks existed still reads.
        let compact = sample().to_ron().unwrap().replace(
            "Webhook(\n      credential: \"alert-webhook\",\n    )",
            "Webhook(credential: \"alert-webhook\")",
        );
        assert!(
            compact.contains("Webhook(credential: \"alert-webhook\")"),
            "{compact}"
        );
        assert_eq!(Plan::parse(&compact, Path::new("p.ron")).unwrap(), sample());
    }

    #[test]
    fn bad_plans_say_where_and_newer_ones_are_refused() {
        let err = Plan::parse("Plan(version: 1, sesion: \"x\")", Path::new("p.ron"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.ron:1:"), "{err}");
        assert!(err.contains("sesion"), "{err}");
        let newer = sample()
            .to_ron()
            .unwrap()
            .replace("version: 1", "version: 9");
        let err = Plan::parse(&newer, Path::new("p.ron"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("newer launch-ready"), "{err}");
    }

    #[test]
    fn protected_hosts_count_a_login_prompt_as_up() {
        let mut m = sample().monitored[0].clone();
        assert!(m.up_statuses().contains(&401));
        m.protected = false;
        let up = m.up_statuses();
        assert!(up.contains(&200) && up.contains(&301) && !up.contains(&401));
        assert!(!up.contains(&500));
    }
}
