//! Where a headless run's targets come from when it is not given them one by one: a
//! session file (with its recorded answers) or a plan file (`export`'s
//! `launch-ready.plan.ron`, which has none). Both become the same `Source`, so `check
//! --plan` runs exactly the jobs `check --session` runs for the same targets and runbook.

use super::{CheckRequest, PlanError, load_session};
use launch_ready_core::runbook::Runbook;
use launch_ready_core::runbook::library::Library;
use launch_ready_core::session::model::CheckState;
use launch_ready_core::settings::NetworkSettings;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What `--session` or `--plan` hands the run: one group of targets under a name (the
/// credentials' scope), its network settings, its runbook and the recorded answers.
pub(super) struct Source {
    pub name: String,
    pub targets: launch_ready_core::session::model::Targets,
    pub network: NetworkSettings,
    runbook_id: String,
    runbook_path: Option<PathBuf>,
    /// A plan's budgets, which win over its runbook file's.
    budgets: Option<launch_ready_core::runbook::model::Targets>,
    /// A session's answers; a plan carries none.
    pub states: BTreeMap<String, CheckState>,
    /// Whether it came from a plan (for naming it in errors).
    from_plan: bool,
}

impl Source {
    pub fn load(args: &CheckRequest) -> Result<Option<Source>, PlanError> {
        match (&args.session, &args.plan) {
            (Some(_), Some(_)) => Err(PlanError::SessionAndPlan),
            (Some(name), None) => {
                let s = load_session(name)?;
                Ok(Some(Source {
                    name: s.name,
                    targets: s.targets,
                    network: s.network,
                    runbook_id: s.runbook.id,
                    runbook_path: s.runbook.path,
                    budgets: None,
                    states: s.checks,
                    from_plan: false,
                }))
            }
            (None, Some(path)) => {
                let p = launch_ready_core::plan::Plan::read(path)?;
                Ok(Some(Source {
                    name: p.session,
                    targets: p.targets,
                    network: p.network.unwrap_or_default(),
                    runbook_id: p.runbook.id,
                    runbook_path: p.runbook.path,
                    budgets: Some(p.runbook.targets),
                    states: BTreeMap::new(),
                    from_plan: true,
                }))
            }
            (None, None) => Ok(None),
        }
    }

    pub fn runbook(&self, lib: &Library) -> Result<Runbook, PlanError> {
        let found = lib.find(&self.runbook_id, self.runbook_path.as_deref());
        let mut runbook = match found {
            Ok(l) => l.runbook,
            Err(e) if self.from_plan => return Err(PlanError::PlanRunbook(e)),
            Err(e) => return Err(PlanError::SessionRunbook(e)),
        };
        if let Some(b) = &self.budgets {
            runbook.targets = b.clone();
        }
        Ok(runbook)
    }
}
