//! The monitor actor as the TUI runs it: the alert route and the flows' credentials are
//! looked up off the event loop (the keyring may take seconds to answer), then every
//! monitor event is forwarded to the loop as a `Msg`. Only the route's status goes to the
//! screen, never its URL.

use crate::app::Msg;
use launch_ready_checks::monitor::alert::{Retry, Route};
use launch_ready_checks::monitor::config::{Config, targets};
use launch_ready_checks::monitor::error::RouteError;
use launch_ready_checks::monitor::probe::Expect;
use launch_ready_checks::monitor::route;
use launch_ready_checks::monitor::run;
use launch_ready_checks::monitor::run::{Target, TargetSpec};
use launch_ready_checks::monitor::state::Rules;
use launch_ready_checks::net::Net;
use launch_ready_core::session::model::AlertRoute;
use launch_ready_core::settings::NetworkSettings;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

/// What `Effect::StartMonitor` asks for.
pub struct Start {
    pub urls: Vec<String>,
    /// The session's targets: which hosts are protected (see `Expect::for_url`), and the
    /// flows monitored after the URLs (the board's rows follow that order).
    pub targets: launch_ready_core::session::model::Targets,
    pub network: NetworkSettings,
    pub rules: Rules,
    /// The alert routes in escalation order.
    pub routes: Vec<AlertRoute>,
    pub escalate_after: Duration,
    /// The session whose keyring entry comes before the global one.
    pub session: String,
    pub cert_warn_days: i64,
}

pub async fn run(start: Start, inbox: UnboundedSender<Msg>, cancel: CancellationToken) {
    let Start {
        urls,
        targets: session_targets,
        network,
        rules,
        routes,
        escalate_after,
        session,
        cert_warn_days,
    } = start;
    // The board numbers its rows by URL, so a URL left out would shift every row after it.
    let targets = match targets(&urls, &Expect::default()) {
        // Up is what the session's targets say of each host (a protected one may answer
        // 401 or 403).
        Ok(t) => t
            .into_iter()
            .map(|t| TargetSpec {
                expect: Expect::for_url(&t.url, &session_targets),
                ..t
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            let _ = inbox.send(Msg::MonitorRoute(format!("cannot monitor: {e}")));
            return;
        }
    };
    let net = match Net::new(&network) {
        Ok(n) => Arc::new(n),
        Err(e) => {
            let _ = inbox.send(Msg::MonitorRoute(format!("cannot monitor: {e}")));
            return;
        }
    };
    let (routes, failed) = lookup(&net, &routes, &session).await;
    let _ = inbox.send(Msg::MonitorRoute(route::status(&routes, &failed)));
    let flows = launch_ready_checks::monitor::target::flow_targets(
        &session_targets.flows,
        launch_ready_checks::smoke::base_for(launch_ready_checks::engine::targets::canonical_host(
            &session_targets,
        )),
        &launch_ready_checks::credentials::Credentials::os(Some(session.clone())),
    )
    .await;
    let targets: Vec<Target> = targets
        .into_iter()
        .map(Target::from)
        .chain(flows.into_iter().map(Target::from))
        .collect();
    let config = Config::with_rules(rules, &network)
        .cert_warn_days(cert_warn_days)
        .escalate_after(escalate_after)
        .build();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let forward = {
        let inbox = inbox.clone();
        tokio::spawn(async move {
            while let Some(e) = rx.recv().await {
                if inbox.send(Msg::Monitor(e)).is_err() {
                    return;
                }
            }
        })
    };
    run::run(net, targets, config, routes, Some(tx), cancel).await;
    let _ = forward.await;
}

/// The routes of `specs` for `session`, and those that could not be built.
async fn lookup(
    net: &Net,
    specs: &[AlertRoute],
    session: &str,
) -> (Vec<Route>, Vec<(String, RouteError)>) {
    match route::lookup_all(net, specs, Some(session), None).await {
        Ok(found) => found,
        Err(e) => (Vec::new(), vec![("alert routes".into(), e)]),
    }
}

/// The `t` action: a marked test alert through each of the session's routes; the slowest
/// delivery time when every route took it, else which routes did not and why.
pub async fn test_alert(
    network: &NetworkSettings,
    specs: &[AlertRoute],
    session: &str,
) -> Result<u64, String> {
    let net = Net::new(network).map_err(|e| e.to_string())?;
    let (routes, failed) = lookup(&net, specs, session).await;
    let timeout = Duration::from_secs(network.timeout_secs.max(2));
    let retry = Retry {
        attempts: 3,
        backoff: Duration::from_millis(250),
        timeout,
    };
    let mut problems: Vec<String> = failed
        .iter()
        .map(|(name, e)| format!("{name}: {e}"))
        .collect();
    let mut slowest = 0;
    for r in &routes {
        match route::send_test(r, session, retry).await {
            Ok(ms) => slowest = slowest.max(ms),
            Err(e) => problems.push(format!("{}: {e}", r.name)),
        }
    }
    if problems.is_empty() && !routes.is_empty() {
        Ok(slowest)
    } else if problems.is_empty() {
        Err("no alert route is set".into())
    } else {
        Err(problems.join("; "))
    }
}

/// What `Effect::RunDrill` asks for.
pub struct Drill {
    pub network: NetworkSettings,
    pub routes: Vec<AlertRoute>,
    pub escalate_after: Duration,
    pub session: String,
    pub interval: Duration,
    /// The runbook's alert-delay target.
    pub target: Duration,
}

/// The `D` action: the drill on the demo's route when there is one, else on its own.
pub async fn drill(
    d: Drill,
    site: Option<Arc<launch_ready_lab::switch::Switchable>>,
) -> launch_ready_checks::monitor::drill::DrillReport {
    use launch_ready_checks::monitor::drill::{DrillReport, drill_on};
    use launch_ready_lab::switch::drill;
    let net = match Net::new(&d.network) {
        Ok(n) => Arc::new(n),
        Err(e) => {
            return DrillReport {
                target_ms: launch_ready_checks::monitor::secs_ms(d.target),
                problems: vec![format!("cannot drill: {e}")],
                ..DrillReport::default()
            };
        }
    };
    let (routes, failed) = lookup(&net, &d.routes, &d.session).await;
    let retry = Config::every(d.interval, &d.network).build().retry;
    let mut report = match site {
        Some(s) => {
            drill_on(
                net,
                routes,
                s.as_ref(),
                d.interval,
                retry,
                d.target,
                d.escalate_after,
            )
            .await
        }
        None => drill(net, routes, d.interval, retry, d.target, d.escalate_after).await,
    };
    for (name, e) in failed {
        report.problems.insert(0, format!("route `{name}`: {e}"));
        report.passed = false;
    }
    report
}
