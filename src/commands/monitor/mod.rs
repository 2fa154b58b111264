//! `launch-ready monitor`: probes URLs on an interval for a bounded (or unbounded) time,
//! alerts the configured webhook on outages and recoveries, and prints per target the
//! probes, failures, uptime and the measured detection and delivery delays. With
//! `--session` it also runs the session's flows as targets (`flow:NAME`, their
//! credentials read once at the start), holds the session's lock for the run and writes
//! each probe (and a drill's measurements) into the session's uptime history, at most once
//! a second.

use super::{Failure, Outcome};
pub use crate::cli::monitor::{MonitorArgs, parse_duration};
use launch_ready_checks::monitor::alert;
use launch_ready_checks::monitor::alert::Format as AlertFormat;
use launch_ready_checks::monitor::probe::Expect;
use launch_ready_checks::monitor::run;
use launch_ready_checks::monitor::run::{Config, Target, TargetSpec};
use launch_ready_checks::monitor::state;
use launch_ready_checks::monitor::{finding, secs_ms};
use launch_ready_checks::net::Net;
use launch_ready_core::code::Code;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::AlertRoute;
use launch_ready_core::session::store::SessionFile;
use launch_ready_core::settings::NetworkSettings;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

mod history;
mod report;

use report::{json_report, progress_line, text_report};

/// The runbooks' alert-delay target when the session's runbook has none.
pub const DEFAULT_ALERT_TARGET: Duration = launch_ready_checks::monitor::drill::DEFAULT_TARGET;

struct Plan {
    targets: Vec<TargetSpec>,
    /// The session's flows, monitored after the URLs.
    flows: Vec<launch_ready_core::flow::Flow>,
    /// What the flows' paths resolve against.
    flow_base: Option<String>,
    network: NetworkSettings,
    config: Config,
    routes: Vec<AlertRoute>,
    escalate_after: Duration,
    alert_format: Option<AlertFormat>,
    json: bool,
    /// The runbook's alert-delay target, else `DEFAULT_ALERT_TARGET`.
    alert_target: Duration,
    /// The runbook's uptime goal, in percent.
    uptime_goal: Option<f64>,
    /// The session (locked for the run) whose history the run writes.
    session: Option<(SessionFile, Session)>,
}

fn plan(args: &MonitorArgs) -> Result<Plan, String> {
    let json = match args.format.as_str() {
        "text" => false,
        "json" => true,
        other => return Err(format!("--format `{other}` is not text or json")),
    };
    let duration = args
        .duration
        .as_deref()
        .map(parse_duration)
        .transpose()
        .map_err(|e| format!("--duration: {e}"))?;
    let alert_format = args
        .alert_format
        .as_deref()
        .map(|f| AlertFormat::parse(f).ok_or(format!("--alert-format `{f}` is not json or slack")))
        .transpose()?;
    let mut urls: Vec<String> = Vec::new();
    let mut network = NetworkSettings::default();
    let mut routes = vec![AlertRoute::Webhook {
        credential: alert::CREDENTIAL.to_string(),
    }];
    let mut escalate_after = launch_ready_checks::monitor::dispatch::DEFAULT_ESCALATE_AFTER;
    let mut cert_warn_days = i64::from(launch_ready_checks::tls::DEFAULT_WARN_DAYS);
    let mut alert_target = DEFAULT_ALERT_TARGET;
    let mut interval = Duration::from_secs(60);
    let mut thresholds = launch_ready_core::runbook::model::Targets::default();
    let mut session = None;
    let mut flows = Vec::new();
    let mut flow_base = None;
    if let Some(name) = &args.session {
        let path = launch_ready_core::session::list::resolve(name)
            .map_err(|e| format!("--session: {e}"))?;
        let (file, s) =
            SessionFile::open(&path).map_err(|e| format!("--session: {}", e.explained()))?;
        use launch_ready_core::catalog::Subject;
        urls.extend(
            launch_ready_checks::engine::targets::expand(Subject::Page, &s.targets)
                .into_iter()
                .map(|t| t.name),
        );
        network = s.network.clone();
        flows = s.targets.flows.clone();
        flow_base = launch_ready_checks::smoke::base_for(
            launch_ready_checks::engine::targets::canonical_host(&s.targets),
        );
        if !s.targets.routes().is_empty() {
            routes = s.targets.routes();
        }
        // The session's runbook sets the warning window and the alert-delay target; a
        // runbook that cannot be loaded leaves the defaults (`check` reports it).
        if let Ok(l) = super::runbooks::library().find(&s.runbook.id, s.runbook.path.as_deref()) {
            cert_warn_days = i64::from(l.runbook.targets.cert_warn_days);
            if let Some(m) = l.runbook.targets.alert_delay_min {
                alert_target = Duration::from_secs(u64::from(m) * 60);
            }
            if let Some(m) = l.runbook.targets.escalate_after_min {
                escalate_after = Duration::from_secs(u64::from(m.max(1)) * 60);
            }
            thresholds = l.runbook.targets;
        }
        // The operator's choice for this session, else the runbook's probe interval.
        let chosen = s
            .monitor
            .interval_secs
            .map(|secs| Duration::from_secs(secs.max(1)));
        if let Some(every) = chosen.or_else(|| state::runbook_interval(&thresholds)) {
            interval = every;
        }
        session = Some((file, s));
    }
    if let Some(i) = &args.interval {
        interval = parse_duration(i).map_err(|e| format!("--interval: {e}"))?;
    }
    urls.extend(args.urls.iter().cloned());
    if urls.is_empty() && flows.is_empty() && !args.drill {
        return Err("nothing to monitor: give URLs or --session".into());
    }
    let mut targets = Vec::with_capacity(urls.len());
    for u in urls {
        let target = TargetSpec::parse(&u, Expect::any()).map_err(|e| e.to_string())?;
        if !targets.iter().any(|t: &TargetSpec| t.url == target.url) {
            // Up is what the session's targets say of the host (protected ones may
            // answer 401/403), unless --expect-status names the one status to see.
            let mut expect = match &session {
                Some((_, s)) => Expect::for_url(&target.url, &s.targets),
                None => Expect::any(),
            };
            expect.status = args.expect_status;
            expect.text = args.expect_text.clone();
            targets.push(TargetSpec { expect, ..target });
        }
    }
    let network = args
        .network
        .overrides()
        .apply(network)
        .map_err(|e| e.to_string())?;
    // The runbook's slow and failure thresholds (p95_broken_ms, probes_before_alert), its
    // escalation delay and error budget; --slow-ms overrides the first.
    let mut builder =
        Config::with_rules(state::Rules::for_runbook(interval, &thresholds), &network)
            .runbook(&thresholds)
            .escalate_after(escalate_after)
            .cert_warn_days(cert_warn_days)
            .duration(duration);
    if let Some(ms) = args.slow_ms {
        builder = builder.slow_ms(ms);
    }
    let config = builder.build();
    Ok(Plan {
        targets,
        flows,
        flow_base,
        network,
        config,
        routes,
        escalate_after,
        alert_format,
        json,
        alert_target,
        uptime_goal: thresholds.uptime_pct,
        session,
    })
}

pub fn run(args: &MonitorArgs, out: &mut String) -> Outcome {
    super::demo::with_demo_lab(args.session.as_deref(), || run_monitor(args, out))
}

fn run_monitor(args: &MonitorArgs, out: &mut String) -> Outcome {
    let mut plan = plan(args).map_err(Failure::usage)?;
    let runtime = super::network_runtime()?;
    runtime.block_on(async move {
        let net = Arc::new(Net::new(&plan.network).map_err(Failure::usage)?);
        let session_name = plan.session.as_ref().map(|(_, s)| s.name.clone());
        let history = plan.session.take().map(history::Writer::new);
        let (route, failed) = launch_ready_checks::monitor::route::lookup_all(
            &net,
            &plan.routes,
            session_name.as_deref(),
            plan.alert_format,
        )
        .await
        .unwrap_or_else(|e| (Vec::new(), vec![("alert routes".into(), e)]));
        let route_status = launch_ready_checks::monitor::route::status(&route, &failed);
        if route.is_empty() {
            eprintln!("launch-ready: alerts will not be sent ({route_status})");
        } else if !failed.is_empty() {
            eprintln!("launch-ready: some alert routes are not ready ({route_status})");
        }
        if args.drill {
            return Ok(run_drill(net, route, &plan, history, out).await);
        }
        let cancel = CancellationToken::new();
        let on_signal = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.cancel();
            }
        });
        // Every flow's credentials are read once, now: one that is missing makes that
        // flow "not monitored" in the report, never an "up" that was not checked.
        let credentials = launch_ready_checks::credentials::Credentials::os(session_name.clone());
        let flows = launch_ready_checks::monitor::target::flow_targets(
            &plan.flows,
            plan.flow_base.clone(),
            &credentials,
        )
        .await;
        let targets: Vec<Target> = std::mem::take(&mut plan.targets)
            .into_iter()
            .map(Target::from)
            .chain(flows.into_iter().map(Target::from))
            .collect();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let urls: Vec<String> = targets.iter().map(Target::key).collect();
        let started = time::OffsetDateTime::now_utc();
        let interval = plan.config.rules.interval;
        // Outages and alerts show on stderr as they happen; stdout is the report.
        let log = tokio::spawn(async move {
            let mut history = history;
            while let Some(e) = rx.recv().await {
                if let Some(line) = progress_line(&urls, &e) {
                    eprintln!("{}", launch_ready_core::sanitize::sanitize(&line));
                }
                if let Some(h) = &mut history {
                    h.record(&urls, started, interval, &e).await;
                }
            }
            match history {
                Some(h) => h.finish().await,
                None => Ok(()),
            }
        });
        let reports = run::run(net, targets, plan.config.clone(), route, Some(tx), cancel).await;
        if let Ok(Err(e)) = log.await {
            eprintln!("launch-ready: the session's uptime history was not saved: {e}");
        }
        let mut findings: Vec<_> = reports.iter().flat_map(|r| r.findings.clone()).collect();
        if reports.iter().all(|r| r.alerts.is_empty()) && route_status.starts_with("none") {
            // Nothing needed sending, but an outage would not have reached anyone.
            findings.push(finding(
                Code::UptimeAlertRouteFailed,
                format!("no alert route: {route_status}"),
            ));
        }
        if plan.json {
            let v = json_report(
                &plan.config,
                plan.alert_target,
                plan.uptime_goal,
                &route_status,
                started,
                &reports,
                &findings,
            );
            out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
            out.push('\n');
        } else {
            out.push_str(&text_report(
                &route_status,
                plan.uptime_goal,
                &reports,
                &findings,
            ));
        }
        // A target that could not be monitored fails the run as an outage would: nobody
        // would hear of its breaking.
        let bad = reports.iter().any(|r| r.error.is_some())
            || findings.iter().any(|f| {
                f.severity
                    .at_least(launch_ready_core::finding::Severity::High)
            });
        Ok(u8::from(bad))
    })
}

/// Runs the drill and writes its report; exit 1 unless every step passed in time.
async fn run_drill(
    net: Arc<Net>,
    route: Vec<launch_ready_checks::monitor::alert::Route>,
    plan: &Plan,
    history: Option<history::Writer>,
    out: &mut String,
) -> u8 {
    // The drill takes minutes on a long interval: say what it does, then that it is
    // still running, on stderr (the report goes to stdout).
    eprintln!(
        "launch-ready: alert drill: a marked test alert, then an outage staged on a loopback route probed every {} s, and its recovery…",
        plan.config.rules.interval.as_secs_f64()
    );
    let drill = launch_ready_lab::switch::drill(
        net,
        route,
        plan.config.rules.interval,
        plan.config.retry,
        plan.alert_target,
        plan.escalate_after,
    );
    tokio::pin!(drill);
    let started = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    let r = loop {
        tokio::select! {
            r = &mut drill => break r,
            _ = tick.tick() => eprintln!(
                "launch-ready: alert drill running ({} s)…",
                started.elapsed().as_secs()
            ),
        }
    };
    if let Some(mut h) = history {
        h.record_drill(&r);
        if let Err(e) = h.finish().await {
            eprintln!("launch-ready: the drill was not saved in the session: {e}");
        }
    }
    if plan.json {
        let v = serde_json::json!({
            "tool": "launch-ready",
            "version": env!("CARGO_PKG_VERSION"),
            "drill": r,
            "findings": r.findings(),
        });
        out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
        out.push('\n');
    } else {
        use std::fmt::Write;
        let ms =
            |v: Option<u64>| v.map_or("–".to_string(), |m| format!("{:.1} s", m as f64 / 1000.0));
        let test = r.test_alert.as_ref().and_then(|a| a.delivery_ms);
        let _ = writeln!(
            out,
            "alert drill: {}",
            if r.passed { "PASSED" } else { "FAILED" }
        );
        let _ = writeln!(out, "  test alert delivered:        {}", ms(test));
        let _ = writeln!(out, "  outage → detected:           {}", ms(r.detection_ms));
        let _ = writeln!(
            out,
            "  outage → alert delivered:    {} (target {} s)",
            ms(r.alert_ms),
            r.target_ms / 1000
        );
        let _ = writeln!(out, "  restored → recovery seen:    {}", ms(r.recovery_ms));
        let _ = writeln!(
            out,
            "  restored → recovery alerted: {}",
            ms(r.recovery_alert_ms)
        );
        for a in &r.per_route {
            let reached = a.reached(ms);
            let recovery = if a.paged {
                format!("recovery alert {}", ms(a.recovery_alert_ms))
            } else {
                launch_ready_core::session::monitor_log::NOT_PAGED_WHY.to_string()
            };
            let _ = writeln!(
                out,
                "  route {} ({}): test alert {}, {reached}, {recovery}{}",
                launch_ready_core::sanitize::sanitize(&a.name),
                a.kind.as_str(),
                ms(a.test_alert_ms),
                a.error.as_deref().map_or_else(String::new, |e| format!(
                    ", NOT delivered ({})",
                    launch_ready_core::sanitize::sanitize(e)
                ))
            );
        }
        if let Some(e) = &r.escalation {
            let _ = writeln!(
                out,
                "  escalation {} → {} after {} min: {}",
                e.from,
                e.to,
                e.after_ms / 60_000,
                ms(e.delivery_ms)
            );
        }
        for p in &r.problems {
            let _ = writeln!(
                out,
                "  problem: {}",
                launch_ready_core::sanitize::sanitize(p)
            );
        }
        for f in r.findings() {
            let _ = writeln!(
                out,
                "  {}: {}",
                f.code.as_str(),
                launch_ready_core::sanitize::sanitize(&f.message)
            );
        }
    }
    u8::from(!r.passed)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("20"), Ok(Duration::from_secs(20)));
        assert!(
            parse_duration("0s").is_err()
                && parse_duration("1d").is_err()
                && parse_duration("s").is_err()
        );
    }
}
