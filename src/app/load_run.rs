//! Load tests and active probes from the checklist: a check that sends load (`perf.load`)
//! or a burst or an oversized upload (`edge.rate_limit`, `http.payload_limit`) starts
//! only after the operator said yes to a dialog naming its targets and its connections
//! and caps, or its exact request count per target; then it
//! runs as an ordinary job (the cancel keys stop it), and its interval snapshots feed a
//! live view. The generator aggregates its samples into one snapshot per interval on the
//! runtime's workers; this state only appends them to a bounded window, so the UI thread
//! does a fixed amount of work per second whatever the connection count.

use super::effect::Effect;
use super::load_view::{KEYS, LoadConfirm, LoadPlanView, LoadView};
use super::state::{App, Modal};
use launch_ready_checks::engine::adapters::perf::LoadCaps;
use launch_ready_checks::perf::Snapshot;
use launch_ready_checks::perf::live::LiveLoad;
use launch_ready_core::runbook::Check;

/// Asks before `checks` (each sending load) start. Checks that cannot be planned (a kind
/// this build does not run) are left out; nothing is asked when none remains.
pub fn ask(app: &mut App, checks: &[Check]) -> bool {
    let mut jobs = Vec::new();
    let mut plans = Vec::new();
    for check in checks {
        let Some(Ok(job)) = launch_ready_checks::plan::job_for_confirmed(check, true) else {
            continue;
        };
        let targets =
            launch_ready_checks::engine::targets::for_kind(job.kind, &app.session.targets)
                .into_iter()
                .map(|t| t.name)
                .collect();
        plans.push(LoadPlanView {
            title: check.title.clone(),
            targets,
            caps: LoadCaps::from_params(&job.params, &app.runbook.targets),
            requests_per_target: launch_ready_checks::engine::adapters::probes::requests_per_target(
                job.kind.id,
                &job.params,
                &app.runbook.targets,
            ),
        });
        jobs.push(job);
    }
    if jobs.is_empty() {
        return false;
    }
    app.modal = Some(Modal::LoadConfirm(LoadConfirm { jobs, plans }));
    true
}

/// Yes: the jobs start with the session's scope, as any run does.
pub fn confirmed(app: &mut App, confirm: LoadConfirm, fx: &mut Vec<Effect>) {
    let scope = launch_ready_checks::plan::scope(
        &app.session.name,
        app.session.targets.clone(),
        app.session.network.clone(),
        app.runbook.targets.clone(),
    );
    if app.running.is_empty() {
        app.batch.clear();
    }
    let n = confirm.jobs.len();
    app.status = Some(format!(
        "load test started ({n} check(s)): L shows or hides the live view, C cancels"
    ));
    fx.push(Effect::RunChecks {
        jobs: confirm.jobs,
        scope,
    });
}

/// No: nothing is sent.
pub fn declined(app: &mut App) {
    app.status = Some("load test not started; nothing was sent".into());
}

/// One interval of a running load test. Samples of a check that is not running (a late
/// one after a cancel) are dropped.
pub fn on_sample(app: &mut App, check_id: String, target: String, snapshot: Snapshot) {
    if !app.running.contains(&check_id) {
        return;
    }
    let view = match &mut app.load_view {
        Some(v) if v.check_id == check_id => v,
        _ => app.load_view.insert(LoadView {
            check_id,
            targets: Vec::new(),
            selected: 0,
            shown: true,
        }),
    };
    let live = match view.targets.iter().position(|l| l.routes[0] == target) {
        Some(i) => &mut view.targets[i],
        None => {
            let title = format!("load test · {} connections", snapshot.connections);
            let mut live = LiveLoad::new(title, vec![target]);
            live.keys = KEYS.to_string();
            view.targets.push(live);
            view.targets.last_mut().expect("just pushed")
        }
    };
    live.push(snapshot);
}

/// The job ended (finished or cancelled): the view stays, marked finished.
pub fn on_ended(app: &mut App, check_id: &str) {
    if let Some(v) = &mut app.load_view
        && v.check_id == check_id
    {
        for l in &mut v.targets {
            l.finished = true;
        }
    }
}

/// `v`: the next target's view, then hidden, then the first again.
pub fn toggle(app: &mut App) {
    let Some(v) = &mut app.load_view else {
        app.status = Some("no load test has run yet: r on a load check starts one".into());
        return;
    };
    if !v.shown {
        v.shown = true;
        v.selected = 0;
    } else if v.selected + 1 < v.targets.len() {
        v.selected += 1;
    } else {
        v.shown = false;
    }
}
