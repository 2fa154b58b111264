//! The uptime family through the engine.
//!
//! `uptime.alert_route` is the "test alert route" action. The target is the name of the
//! credential holding the webhook URL (the session's `alert_route`); a marked test alert is
//! sent through it and anything short of a 2xx is `uptime.alert_route_failed`. The URL is
//! read through `Credentials::get` (the CI variable first) and goes nowhere else.
//!
//! `uptime.probe` is a short, bounded run of the monitor itself (`monitor::run`, so the
//! two-failure rule, the slow rule and the certificate window are judged by the same code):
//! `PROBES` probes `SPACING` apart, more while a failure is being confirmed. It sends no
//! alerts: raising them is the long-running monitor's job (the Monitor screen, `monitor`),
//! and whether the route works is `uptime.alert_route`'s.

use crate::engine::registry::{CheckInput, Registry};
use crate::judged::Judged;
use crate::monitor::alert::{Alert, ENV_VAR, Event, Retry, Route};
use crate::monitor::finding;
use crate::monitor::probe::Expect;
use crate::monitor::run;
use crate::monitor::run::{Config, TargetSpec};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::credentials::CredentialError;
use launch_ready_core::evidence::{AlertRouteEvidence, Observed, ProbeEvidence};
use launch_ready_core::session::model::CheckOutcome;
use std::time::Duration;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

pub fn register(r: &mut Registry) {
    r.insert(KindId::UptimeAlertRoute, |i: CheckInput| async move {
        test_route(&i).await
    });
    r.insert(KindId::UptimeProbe, |i: CheckInput| async move {
        probe_run(&i).await
    });
}

/// Probes of a healthy target in one `uptime.probe` run, and the time between them: enough
/// for "two consecutive" to mean something, short enough for a checklist run.
const PROBES: u32 = 3;
const SPACING: Duration = Duration::from_secs(1);
/// The latency budget when the runbook sets no "broken" latency.
const SLOW_MS: u64 = 2_000;

async fn probe_run(i: &CheckInput) -> CheckOutcome {
    let name = i.target.name.clone();
    let mut j = Judged::start(KindId::UptimeProbe, name.clone());
    let spec = match TargetSpec::parse(&name, Expect::default()) {
        Ok(spec) => spec,
        Err(e) => return j.error(e.to_string()),
    };
    if let Some(method) = non_get_method(i, &name) {
        let mut o = j.finish("");
        o.status = launch_ready_core::finding::CheckStatus::Skipped;
        o.summary =
            format!("uptime probes send GET; this {method} route is left to the perf checks");
        return o;
    }
    let config = Config::every(SPACING, &i.net.settings)
        .runbook(&i.scope.thresholds)
        .slow_ms(rules_slow(i))
        // Each probe may take the whole network timeout: the kind's budget of four
        // timeouts allows for it, and a slow answer is judged as slow, not as down.
        .timeout(Duration::from_secs(i.net.settings.timeout_secs.max(1)))
        // The last planned probe goes out at (PROBES - 1) × SPACING.
        .duration(Some(SPACING * (PROBES - 1) + SPACING / 2))
        .test_alerts()
        .build();
    // Dropping this check (a cancelled run) stops the probe tasks with it.
    let cancel = CancellationToken::new();
    let _stop = cancel.clone().drop_guard();
    // "Up" as every front end judges it: a protected host's login page counts.
    let spec = TargetSpec {
        expect: Expect::for_url(&spec.url, &i.scope.targets),
        ..spec
    };
    let reports = run::run(i.net.clone(), vec![spec], config, None, None, cancel).await;
    let Some(r) = reports.into_iter().next() else {
        return j.error("the probe task stopped before reporting");
    };
    let kind = KindId::UptimeProbe.kind();
    for f in r.findings {
        // With no route every alert is "not delivered"; that is not this kind's finding.
        if kind.codes.contains(&f.code) {
            j.push(f);
        }
    }
    j.observed(Observed::Probe(ProbeEvidence {
        state: r.state.to_string(),
        probes: r.probes,
        failures: r.failures,
        uptime_pct: r.uptime_pct,
        last_latency_ms: r.last_latency_ms,
        slow_budget_ms: rules_slow(i),
        cert_days_left: r.cert_days_left,
    }));
    let latency = r
        .last_latency_ms
        .map_or(String::new(), |ms| format!(", last in {ms} ms"));
    j.finish(&format!(
        "up: {} of {} probes answered{latency}",
        r.probes.saturating_sub(r.failures),
        r.probes
    ))
}

/// The runbook's "broken" latency, else `SLOW_MS`.
fn rules_slow(i: &CheckInput) -> u64 {
    i.scope.thresholds.p95_broken_ms.map_or(SLOW_MS, u64::from)
}

/// The method of the session route at `url` when it is not a plain read.
fn non_get_method(i: &CheckInput, url: &str) -> Option<String> {
    let t = &i.scope.targets;
    let base = crate::engine::targets::canonical_host(t).map(|h| format!("https://{h}"));
    let methods: Vec<String> = t
        .routes
        .iter()
        .filter(|r| {
            crate::engine::targets::route_url(&r.path, base.as_deref()).as_deref() == Some(url)
        })
        .map(|r| r.method.to_ascii_uppercase())
        .collect();
    let read = |m: &String| m == "GET" || m == "HEAD";
    if methods.is_empty() || methods.iter().any(read) {
        None
    } else {
        methods.into_iter().next()
    }
}

async fn test_route(i: &CheckInput) -> CheckOutcome {
    let name = i.target.name.clone();
    let mut j = Judged::start(KindId::UptimeAlertRoute, name.clone());
    let url = match i.scope.credentials.get(&name, Some(ENV_VAR)).await {
        Ok(u) => u,
        Err(CredentialError::NotFound(_)) => {
            j.push(finding(
                Code::UptimeAlertRouteFailed,
                format!("the `{name}` credential is not set, so no alert can be sent"),
            ));
            return j.finish("");
        }
        Err(e) => return j.error(format!("the `{name}` credential cannot be read: {e}")),
    };
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        j.push(finding(
            Code::UptimeAlertRouteFailed,
            format!("the `{name}` credential does not hold a URL"),
        ));
        return j.finish("");
    };
    let client = match i.net.client_for(&parsed) {
        Ok(c) => c,
        Err(e) => return j.error(e),
    };
    let route = match Route::new(&url, None, client) {
        Ok(r) => r,
        Err(e) => {
            j.push(finding(Code::UptimeAlertRouteFailed, e.to_string()));
            return j.finish("");
        }
    };
    let timeout = Duration::from_secs(i.net.settings.timeout_secs.max(1));
    let alert = Alert {
        event: Event::Test,
        target: i.scope.targets.apex.clone(),
        state: "up",
        since: OffsetDateTime::now_utc(),
        reason: "alert route test".into(),
        test: true,
    };
    // Three attempts within the kind's budget of four timeouts.
    let retry = Retry {
        attempts: 3,
        backoff: Duration::from_millis(250),
        timeout,
    };
    match route.deliver(&alert, retry).await {
        Ok(d) => {
            j.observed(Observed::AlertRoute(AlertRouteEvidence {
                attempts: d.attempts,
                delivery_ms: crate::monitor::secs_ms(d.elapsed),
                format: format!("{:?}", route.format).to_lowercase(),
            }));
            j.finish("a marked test alert was delivered")
        }
        Err(e) => {
            j.push(finding(Code::UptimeAlertRouteFailed, e.to_string()));
            j.finish("")
        }
    }
}
