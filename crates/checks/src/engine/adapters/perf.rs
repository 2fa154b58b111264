//! The perf family from a `CheckInput`: the target is a route URL the engine expanded;
//! the session's route behind it supplies method, headers, body, budget and the name of
//! the credential an auth header takes its value from (read from the keyring here, sent,
//! and never written anywhere). Budgets come from the runbook's targets, with the
//! defaults of `checks.md` where it sets none.
//!
//! `perf.latency` takes `samples` (default 50) and `warmup` (default 5) parameters;
//! `perf.load` takes `connections` (default 10), `duration` seconds (default 20) and an
//! optional `rate` (requests/s, open loop) and `protocol` (`http1`, the default, or
//! `http2`). Both stay inside the kind's budget.

use super::reach::{host_ready, url_host};
use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::perf;
use crate::perf::stats::Percentiles;
use crate::perf::{BaselinePlan, Budgets, LoadPlan, Pace, PerfError, RouteSpec, report};
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::Observed;
use launch_ready_core::outcome;
use launch_ready_core::session::model::{CheckOutcome, Route, RouteBudget};
use reqwest::header::{HeaderName, HeaderValue};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub fn register(r: &mut Registry) {
    r.insert(KindId::PerfLatency, |i: CheckInput| async move {
        match prepare(&i).await {
            Ok((client, route)) => latency(i, client, route).await,
            Err(o) => *o,
        }
    });
    r.insert(KindId::PerfLoad, |i: CheckInput| async move {
        match prepare(&i).await {
            Ok((client, route)) => load(i, client, route).await,
            Err(o) => *o,
        }
    });
}

/// The session route behind a route target URL, if the target came from one.
fn session_route(i: &CheckInput) -> Option<&Route> {
    let t = &i.scope.targets;
    let base = targets::canonical_host(t).map(|h| format!("https://{h}"));
    t.routes
        .iter()
        .find(|r| targets::route_url(&r.path, base.as_deref()).as_deref() == Some(&i.target.name))
}

/// A route spec from a session route reached at `url`, with its auth header's value.
pub fn from_route(
    route: &Route,
    url: &str,
    auth_value: Option<&str>,
    budgets: &Budgets,
) -> Result<RouteSpec, PerfError> {
    let bad = |reason: String| PerfError::Route {
        route: route.name.clone(),
        reason,
    };
    let url = reqwest::Url::parse(url).map_err(|e| bad(format!("`{url}` is not a URL: {e}")))?;
    let method = reqwest::Method::from_bytes(route.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| bad(format!("`{}` is not an HTTP method", route.method)))?;
    let mut headers = Vec::new();
    for h in &route.headers {
        let name = HeaderName::from_bytes(h.name.trim().as_bytes())
            .map_err(|_| bad(format!("`{}` is not a header name", h.name)))?;
        let value = HeaderValue::from_str(&h.value)
            .map_err(|_| bad(format!("header `{}` has a value HTTP cannot carry", h.name)))?;
        headers.push((name, value));
    }
    if let (Some(a), Some(v)) = (&route.auth, auth_value) {
        let name = HeaderName::from_bytes(a.header.trim().as_bytes())
            .map_err(|_| bad(format!("`{}` is not a header name", a.header)))?;
        // The value is never quoted: it is a credential.
        let mut value = HeaderValue::from_str(v.trim()).map_err(|_| {
            bad(format!(
                "credential `{}` is not a valid header value",
                a.credential
            ))
        })?;
        value.set_sensitive(true);
        headers.push((name, value));
    }
    let mut spec = RouteSpec::get(url);
    spec.name = if route.name.is_empty() {
        spec.name
    } else {
        route.name.clone()
    };
    spec.method = method;
    spec.headers = headers;
    spec.body = route.body.clone().map(bytes::Bytes::from);
    // Read or write as the route says, whatever the method.
    spec.p95_budget_ms = match route.budget {
        Some(RouteBudget::P95Ms(ms)) => Some(ms),
        Some(RouteBudget::Read) => Some(budgets.p95_read_ms),
        Some(RouteBudget::Write) => Some(budgets.p95_write_ms),
        None => None,
    };
    Ok(spec)
}

/// The client and route spec of the job, or the outcome to report instead.
async fn prepare(i: &CheckInput) -> Result<(reqwest::Client, RouteSpec), Box<CheckOutcome>> {
    let url = &i.target.name;
    if let Some((host, ports)) = url_host(url) {
        host_ready(&i.net, &host, &ports).await?;
    }
    let route = session_route(i).cloned().unwrap_or_else(|| Route {
        name: url.clone(),
        path: url.clone(),
        ..Route::default()
    });
    let auth = match &route.auth {
        Some(a) => match i
            .scope
            .credentials
            .get(&a.credential, Some(&env_var(&a.credential)))
            .await
        {
            Ok(v) => Some(v),
            Err(e) => {
                return Err(Box::new(outcome::error(format!(
                    "route `{}`: credential `{}` cannot be read: {e}",
                    route.name, a.credential
                ))));
            }
        },
        None => None,
    };
    let budgets = Budgets::from_targets(&i.scope.thresholds);
    let spec = from_route(&route, url, auth.as_deref(), &budgets)
        .map_err(|e| Box::new(outcome::error(e.to_string())))?;
    let client = i
        .net
        .client_for(&spec.url)
        .map_err(|e| Box::new(outcome::error(e)))?;
    Ok((client, spec))
}

/// The environment variable CI sets instead of a keyring entry for credential `name`
/// (`api-token` → `LAUNCH_READY_CREDENTIAL_API_TOKEN`).
pub fn env_var(name: &str) -> String {
    crate::credentials::env_var(name)
}

fn param<T: std::str::FromStr>(i: &CheckInput, key: &str) -> Option<T> {
    i.params.get(key).and_then(|v| v.trim().parse().ok())
}

fn request_timeout(i: &CheckInput) -> Duration {
    Duration::from_secs(i.net.settings.timeout_secs.clamp(1, 30))
}

/// Time a kind may use for its measurement: its budget less a margin for judging.
fn within(kind: KindId) -> Duration {
    kind.kind()
        .profile
        .budget
        .for_timeout(Duration::from_secs(1))
        .saturating_sub(Duration::from_secs(5))
        .max(Duration::from_secs(1))
}

async fn latency(i: CheckInput, client: reqwest::Client, route: RouteSpec) -> CheckOutcome {
    let plan = BaselinePlan {
        warmup: param(&i, "warmup")
            .unwrap_or(BaselinePlan::DEFAULT_WARMUP)
            .min(50),
        samples: param(&i, "samples").unwrap_or(BaselinePlan::DEFAULT_SAMPLES),
        timeout: request_timeout(&i),
        within: within(KindId::PerfLatency),
    };
    i.progress.report(format!(
        "{}: measuring {} requests",
        route.url, plan.samples
    ));
    // The engine cancels by dropping this future; the guard then stops the run's tasks.
    let token = CancellationToken::new();
    let _guard = token.clone().drop_guard();
    match perf::baseline(client, route.clone(), plan, token).await {
        Ok(m) => judge(KindId::PerfLatency, &i, &m, &[route], Pace::Closed, 1),
        Err(e) => outcome::error(e.to_string()),
    }
}

/// The caps one `perf.load` target runs under, from the runbook check's parameters: what
/// the TUI's confirmation shows and what the run then uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadCaps {
    pub connections: usize,
    pub duration: Duration,
    /// A request cap when the runbook sets one.
    pub requests: Option<u64>,
    /// Requests/s in open loop, when the runbook sets a rate.
    pub rate: Option<f64>,
    pub protocol: perf::Protocol,
}

impl LoadCaps {
    pub fn from_params(params: &std::collections::BTreeMap<String, String>) -> LoadCaps {
        let get = |k: &str| params.get(k).map(|v| v.trim());
        LoadCaps {
            connections: get("connections")
                .and_then(|v| v.parse().ok())
                .unwrap_or(10),
            duration: Duration::from_secs(
                get("duration").and_then(|v| v.parse().ok()).unwrap_or(20),
            )
            .min(within(KindId::PerfLoad)),
            requests: get("requests").and_then(|v| v.parse().ok()),
            rate: get("rate").and_then(|v| v.parse().ok()),
            protocol: match get("protocol") {
                Some(p) if p.eq_ignore_ascii_case("http2") => perf::Protocol::Http2,
                _ => perf::Protocol::Http1,
            },
        }
    }
}

async fn load(i: CheckInput, client: reqwest::Client, route: RouteSpec) -> CheckOutcome {
    let caps = LoadCaps::from_params(&i.params);
    let plan = LoadPlan {
        connections: caps.connections,
        pace: caps.rate.map_or(Pace::Closed, Pace::Rate),
        duration: caps.duration,
        max_requests: caps.requests.unwrap_or(perf::load::MAX_REQUESTS),
        timeout: request_timeout(&i),
        interval: Duration::from_secs(1),
        protocol: caps.protocol,
    };
    let token = CancellationToken::new();
    let _guard = token.clone().drop_guard();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<perf::Snapshot>();
    let progress = i.progress.clone();
    let name = route.url.to_string();
    // Each interval becomes one progress line; the engine's `Progress` throttles it.
    let forward = tokio::spawn(async move {
        while let Some(s) = rx.recv().await {
            progress.load_sample(&name, s.clone());
            if let Some(r) = s.routes.first() {
                progress.report(format!(
                    "{name}: {:.0} req/s, p95 {:.0} ms, {} errors",
                    r.requests as f64 / s.interval_s.max(1e-3),
                    r.p95_ms,
                    r.errors
                ));
            }
        }
    });
    // Plain-HTTP routes go over one connection per worker, through the run's network stack.
    let transport = perf::Transport {
        client,
        net: Some(i.net.clone()),
    };
    let result = perf::load::run(transport, vec![route.clone()], &plan, token, Some(tx)).await;
    forward.abort();
    match result {
        Ok(m) => judge(
            KindId::PerfLoad,
            &i,
            &m,
            &[route],
            plan.pace,
            plan.connections,
        ),
        Err(e) => outcome::error(e.to_string()),
    }
}

fn judge(
    kind: KindId,
    i: &CheckInput,
    m: &perf::Measured,
    routes: &[RouteSpec],
    pace: Pace,
    connections: usize,
) -> CheckOutcome {
    let budgets = Budgets::from_targets(&i.scope.thresholds);
    let mut rep = report::build(m, routes, pace, connections, budgets);
    if kind == KindId::PerfLatency {
        // A baseline's timeline says nothing its percentiles do not.
        rep.timeline.clear();
    }
    let findings: Vec<_> = rep
        .routes
        .iter()
        .flat_map(|r| report::findings(kind, r, &budgets))
        .collect();
    let Some(r) = rep.routes.first() else {
        return outcome::error("no route was measured");
    };
    if r.requests == 0 {
        return outcome::error(format!("no request to {} completed in time", r.url));
    }
    let Percentiles { p50, p95, p99, .. } = r.latency_ms;
    let summary = format!(
        "{} requests, p50 {p50:.0} ms, p95 {p95:.0} ms (budget {} ms), p99 {p99:.0} ms, {:.1} % errors, {:.0} req/s",
        r.requests, r.p95_budget_ms, r.error_rate_pct, r.rps
    );
    let mut o = outcome::judged(summary, findings, Observed::Perf(Box::new(rep)));
    if !o.findings.is_empty() {
        o.summary = format!("{} ({})", o.findings[0].message, o.summary);
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::model::{RouteAuth, RouteHeader};

    #[test]
    fn a_route_becomes_a_spec_and_its_credential_never_shows() {
        let route = Route {
            name: "login".into(),
            path: "/api/login".into(),
            method: "post".into(),
            headers: vec![RouteHeader {
                name: "accept".into(),
                value: "application/json".into(),
            }],
            body: Some("{}".into()),
            budget: Some(RouteBudget::Read),
            auth: Some(RouteAuth {
                header: "authorization".into(),
                credential: "api-token".into(),
            }),
        };
        let budgets = Budgets::default();
        let spec = from_route(
            &route,
            "https://a.test/api/login",
            Some("Bearer s3cret"),
            &budgets,
        )
        .unwrap();
        assert_eq!(spec.method, reqwest::Method::POST);
        assert_eq!(
            spec.p95_budget_ms,
            Some(300),
            "read budget, whatever the method"
        );
        assert_eq!(spec.headers.len(), 2);
        assert!(spec.headers[1].1.is_sensitive());
        assert!(!format!("{spec:?}").contains("s3cret"));
        assert!(
            !serde_json::to_string(&spec.info())
                .unwrap()
                .contains("s3cret")
        );
        let bad = Route {
            method: "GE T".into(),
            ..route
        };
        assert!(from_route(&bad, "https://a.test/", None, &budgets).is_err());
        assert_eq!(env_var("api-token"), "LAUNCH_READY_CREDENTIAL_API_TOKEN");
    }
}
