//! `launch-ready load`: a light load test from the command line. Validates everything
//! (caps, routes, network settings) before any traffic, asks for confirmation (or needs
//! `--yes` off a terminal), runs the generator with Ctrl-C as cancel, and prints text or
//! the JSON report. Exit 0 within budget, 1 when a route is over budget, 2 for usage.

use super::{Failure, Outcome};
use crate::cli::load::LoadArgs;
use crate::cli::route as route_args;
use launch_ready_checks::engine::adapters::perf::from_route;
use launch_ready_checks::engine::targets;
use launch_ready_checks::net::Net;
use launch_ready_checks::perf;
use launch_ready_checks::perf::{Budgets, LoadPlan, Pace, RouteSpec, report};
use launch_ready_core::catalog::KindId;
use launch_ready_core::catalog::Subject;
use launch_ready_core::session::model::Route;
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Run length when neither --duration nor --requests is given.
pub(super) const DEFAULT_SECS: u64 = 10;

struct Planned {
    routes: Vec<RouteSpec>,
    plan: LoadPlan,
    budgets: Budgets,
    net: std::sync::Arc<Net>,
    json: bool,
}

fn plan(a: &LoadArgs) -> Result<Planned, String> {
    let json = match a.format.as_str() {
        "text" => false,
        "json" => true,
        other => return Err(format!("--format `{other}` is not text or json")),
    };
    let session = a
        .session
        .as_deref()
        .map(crate::headless::load_session)
        .transpose()
        .map_err(|e| e.to_string())?;
    let mut routes: Vec<Route> = a
        .urls
        .iter()
        .map(|u| route_args::route(u))
        .collect::<Result<_, _>>()?;
    routes.extend(route_args::routes(&a.routes, &a.route_bodies)?);
    if let Some(s) = &session {
        // Only the session's own targets: what it lists, or URLs on its hosts.
        let hosts = s.hosts();
        for r in &routes {
            let host = reqwest::Url::parse(&r.path)
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase));
            if !host.as_deref().is_some_and(|h| hosts.contains(&h)) {
                return Err(format!(
                    "`{}` is not on a host of session `{}`: load only goes to the session's own targets",
                    r.path, s.name
                ));
            }
        }
        if routes.is_empty() {
            let base = targets::canonical_host(&s.targets).map(|h| format!("https://{h}"));
            for t in targets::expand(Subject::Route, &s.targets) {
                let r = s
                    .targets
                    .routes
                    .iter()
                    .find(|r| {
                        targets::route_url(&r.path, base.as_deref()).as_deref() == Some(&t.name)
                    })
                    .cloned()
                    .unwrap_or_default();
                routes.push(Route { path: t.name, ..r });
            }
        }
    }
    if routes.is_empty() {
        return Err("nothing to load: give URLs, --route 'METHOD URL' or --session".into());
    }
    let thresholds = thresholds(a, session.as_ref())?;
    let budgets = Budgets::from_targets(&thresholds);
    let mut specs = Vec::with_capacity(routes.len());
    for r in &routes {
        if r.auth.is_some() {
            return Err(format!(
                "route `{}` takes an auth credential: run it from the TUI or `check --session`",
                r.name
            ));
        }
        specs.push(from_route(r, &r.path, None, &budgets).map_err(|e| e.to_string())?);
    }
    let port = specs[0].url.port_or_known_default();
    if specs.iter().any(|s| s.url.port_or_known_default() != port) {
        return Err("every route of one run must use the same scheme and port".into());
    }
    let network = a
        .network
        .overrides()
        .apply(session.map(|s| s.network).unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let duration = match (a.duration, a.requests) {
        (Some(d), _) => d,
        (None, Some(_)) => perf::load::MAX_DURATION.as_secs(),
        (None, None) => DEFAULT_SECS,
    };
    let plan = LoadPlan {
        connections: a
            .connections
            .or_else(|| {
                launch_ready_checks::engine::adapters::perf::default_connections(&thresholds)
            })
            .unwrap_or(launch_ready_checks::engine::adapters::perf::DEFAULT_CONNECTIONS),
        pace: a.rate.map_or(Pace::Closed, Pace::Rate),
        duration: Duration::from_secs(duration),
        max_requests: a.requests.unwrap_or(perf::load::MAX_REQUESTS),
        timeout: Duration::from_secs(network.timeout_secs.clamp(1, 60)),
        interval: Duration::from_secs(1),
        protocol: if a.http2 {
            perf::Protocol::Http2
        } else {
            perf::Protocol::Http1
        },
    };
    plan.validate().map_err(|e| e.to_string())?;
    if !a.steps.is_empty() && (a.steps.len() > perf::step::MAX_STEPS || a.steps.contains(&0)) {
        return Err(format!(
            "--steps takes 1 to {} connection counts above 0",
            perf::step::MAX_STEPS
        ));
    }
    let net = std::sync::Arc::new(Net::new(&network).map_err(|e| e.to_string())?);
    Ok(Planned {
        routes: specs,
        plan,
        budgets,
        net,
        json,
    })
}

/// The runbook targets that judge the run: `--runbook`'s, else the session's runbook's,
/// else the defaults.
pub(super) fn thresholds(
    a: &LoadArgs,
    session: Option<&launch_ready_core::session::Session>,
) -> Result<launch_ready_core::runbook::model::Targets, String> {
    let lib = launch_ready_core::runbook::library::Library::installed();
    Ok(match (a.runbook.as_deref(), session) {
        (Some(id), _) => {
            lib.resolve(id)
                .map_err(|e| format!("--runbook: {e}"))?
                .runbook
                .targets
        }
        (None, Some(s)) => lib
            .find(&s.runbook.id, s.runbook.path.as_deref())
            .map(|l| l.runbook.targets)
            .unwrap_or_default(),
        (None, None) => Default::default(),
    })
}

/// Asks on a terminal; refuses off one unless `--yes`.
fn confirm(a: &LoadArgs, p: &Planned) -> Result<(), Failure> {
    let targets: Vec<String> = p
        .routes
        .iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect();
    confirm_targets(a, &targets, p.plan.connections, p.plan.duration)
}

/// Asks whether to send load to `targets` (one line each); refuses off a terminal unless
/// `--yes`.
pub(super) fn confirm_targets(
    a: &LoadArgs,
    targets: &[String],
    connections: usize,
    duration: Duration,
) -> Result<(), Failure> {
    if a.yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage(
            "load sends traffic: pass --yes to confirm when stdin is not a terminal",
        ));
    }
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "launch-ready load will send load to:");
    for t in targets {
        let _ = writeln!(err, "  {t}");
    }
    let _ = write!(
        err,
        "with {connections} connections for up to {} s. Go ahead? [y/N] ",
        duration.as_secs()
    );
    let _ = err.flush();
    let mut line = String::new();
    // A short answer is all a terminal sends; the bound keeps a pasted file out.
    let _ = std::io::Read::take(std::io::stdin().lock(), 64).read_line(&mut line);
    if matches!(line.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(Failure::usage("load not confirmed; nothing was sent"))
    }
}

pub fn run(a: &LoadArgs, out: &mut String) -> Outcome {
    super::demo::with_demo_lab(a.session.as_deref(), || run_load(a, out))
}

fn run_load(a: &LoadArgs, out: &mut String) -> Outcome {
    let runtime = super::network_runtime()?;
    let (p, client) = runtime.block_on(async {
        let p = plan(a).map_err(Failure::usage)?;
        confirm(a, &p)?;
        let client = p.net.client_for(&p.routes[0].url).map_err(Failure::usage)?;
        let transport = perf::Transport {
            client,
            net: Some(p.net.clone()),
        };
        Ok::<_, Failure>((p, transport))
    })?;
    let token = CancellationToken::new();
    let on_ctrl_c = token.clone();
    let signal = runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let over = if a.steps.is_empty() {
        let (m, ui) = if a.live && crate::tui::terminal::available() {
            live(&runtime, &p, client, token)?
        } else {
            let m = runtime.block_on(perf::load::run(
                client,
                p.routes.clone(),
                &p.plan,
                token,
                None,
            ));
            (m, None)
        };
        let m = m.map_err(|e| Failure::usage(e.to_string()))?;
        let rep = report::build(&m, &p.routes, p.plan.pace, p.plan.connections, p.budgets);
        if p.json {
            push_json(out, &rep)?;
        } else {
            out.push_str(&super::load_text::render(&rep));
            if let Some(u) = ui {
                out.push_str(&format!(
                    "live view: {} frames, longest gap between frames {:.1} ms, slowest key to redraw {:.1} ms ({} keys)\n",
                    u.frames, u.max_frame_gap_ms, u.max_key_to_frame_ms, u.keys
                ));
            }
        }
        rep.routes
            .iter()
            .any(|r| !report::findings(KindId::PerfLoad, r, &p.budgets).is_empty())
    } else {
        let s = runtime
            .block_on(perf::step::run(
                client,
                p.routes.clone(),
                &a.steps,
                &p.plan,
                p.budgets,
                token,
            ))
            .map_err(|e| Failure::usage(e.to_string()))?;
        if p.json {
            push_json(out, &s)?;
        } else {
            out.push_str(&super::load_text::render_steps(&s));
        }
        s.first_bottleneck.is_some()
    };
    signal.abort();
    Ok(u8::from(over))
}

type LiveResult = (
    Result<perf::Measured, perf::PerfError>,
    Option<super::load_live::UiStats>,
);

/// The run on the runtime's workers, the live view on this (the main) thread.
fn live(
    runtime: &tokio::runtime::Runtime,
    p: &Planned,
    client: perf::Transport,
    token: CancellationToken,
) -> Result<LiveResult, Failure> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let (plan, routes, run_token) = (p.plan.clone(), p.routes.clone(), token.clone());
    let handle = runtime
        .spawn(async move { perf::load::run(client, routes, &plan, run_token, Some(tx)).await });
    let names = p
        .routes
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    let title = format!("launch-ready load · {} connections", p.plan.connections);
    let view = super::load_live::show(
        rx,
        &handle,
        &token,
        crate::tui::view::load::LiveLoad::new(title, names),
    );
    // Whatever happened to the view, the run stops and its figures are reported.
    if view.is_err() {
        token.cancel();
    }
    let m = runtime
        .block_on(handle)
        .map_err(|e| Failure::runtime(format!("the load run stopped: {e}")))?;
    Ok((m, view.ok()))
}

pub(super) fn push_json<T: serde::Serialize>(out: &mut String, v: &T) -> Result<(), Failure> {
    let json = serde_json::to_string_pretty(v)
        .map_err(|e| Failure::runtime(format!("cannot write the report: {e}")))?;
    out.push_str(&json);
    out.push('\n');
    Ok(())
}
