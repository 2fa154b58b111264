//! `smoke.flow` from a `CheckInput`: the target names one of the session's flows, which
//! runs through the run's network with paths resolved against the canonical host. A
//! credential the flow needs and nobody set makes the check `skipped`, naming it (never a
//! pass); a flow that cannot be run as written is an `error`.

use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::judged::Judged;
use crate::smoke;
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::Observed;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::CheckOutcome;
use std::time::{Duration, Instant};

const KIND: KindId = KindId::SmokeFlow;

pub fn register(r: &mut Registry) {
    r.insert(KIND, |i: CheckInput| async move { flow(&i).await });
}

async fn flow(i: &CheckInput) -> CheckOutcome {
    let name = i.target.name.clone();
    let mut j = Judged::start(KIND, name.clone());
    let Some(flow) = i.scope.targets.flows.iter().find(|f| f.name == name) else {
        return j.error(format!("the session has no flow named `{name}`"));
    };
    let timeout = Duration::from_secs(i.net.settings.timeout_secs.max(1));
    // Inside the kind's budget, so the engine never has to cut a flow short.
    let deadline = Instant::now() + KIND.kind().profile.budget.for_timeout(timeout);
    let base = smoke::base_for(targets::canonical_host(&i.scope.targets));
    let run = match smoke::read_and_run(
        &i.net,
        flow,
        base.as_deref(),
        &i.scope.credentials,
        timeout,
        deadline,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => {
            if let Some(cred) = e.credential() {
                let mut o = j.finish("");
                o.status = CheckStatus::Skipped;
                o.summary = e.to_string();
                o.needs_credential = Some(cred.to_string());
                return o;
            }
            return j.error(e);
        }
    };
    let steps = run.evidence.steps.len();
    let ms = run.evidence.total_ms;
    if let Some(f) = run.finding.clone() {
        j.push(f);
    }
    j.observed(Observed::Flow(Box::new(run.evidence)));
    j.finish(&format!("{steps} step(s) passed in {ms} ms"))
}
