//! The active probes from a `CheckInput` (see `crate::probes`): which request provokes a
//! page, which method and body a write or login route is sent with, how many requests a
//! burst has, and whether the runbook asks for error tracking. The same functions give
//! the TUI's confirmation its figures, so what it announces is what runs.
//!
//! Parameters: `http.payload_limit` takes `limit_mib` (default 10); `edge.rate_limit`
//! takes `requests` (default: the runbook's `rate_limit_burst`, else 30);
//! `uptime.error_tracking` takes `required` (`true` unless set to `false`; the catalog
//! runbook of a run with no runbook sets it false, as nothing asked).

use super::http::client_and_limits;
use super::reach::{host_ready, url_host};
use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::probes::burst::{DEFAULT_BURST, MAX_BURST};
use crate::probes::payload::DEFAULT_LIMIT;
use crate::probes::{
    BurstPlan, PayloadPlan, Provoke, check_burst, check_debug, check_error_tracking, check_payload,
};
use launch_ready_core::catalog::KindId;
use launch_ready_core::outcome;
use launch_ready_core::runbook::model::Targets as Thresholds;
use launch_ready_core::session::model::{CheckOutcome, Route, Targets};
use reqwest::Method;
use std::collections::BTreeMap;
use std::time::Duration;

pub fn register_http(r: &mut Registry) {
    r.insert(KindId::HttpDebug, |i: CheckInput| async move {
        if let Err(o) = ready(&i).await {
            return *o;
        }
        let provoke = provoke_for(&i.scope.targets, &i.target);
        match client_and_limits(&i) {
            Ok((client, limits)) => check_debug(&client, &i.target.name, &provoke, &limits).await,
            Err(e) => outcome::error(e),
        }
    });
    r.insert(KindId::HttpPayloadLimit, |i: CheckInput| async move {
        if let Err(o) = ready(&i).await {
            return *o;
        }
        let Some(route) = targets::route_for(&i.scope.targets, &i.target.name) else {
            return outcome::error(format!("{}: no session route behind it", i.target.name));
        };
        let plan = match payload_plan(route, &i.params) {
            Ok(p) => p,
            Err(e) => return outcome::error(e),
        };
        i.progress.report(format!(
            "{}: sending one {} body",
            i.target.name,
            mib(plan.body_bytes())
        ));
        match i.net.web_client() {
            // The upload may take longer than a page read on a slow line: a minute at most.
            Ok(client) => check_payload(&client, &i.target.name, &plan, upload_timeout(&i)).await,
            Err(e) => outcome::error(e),
        }
    });
}

pub fn register_edge(r: &mut Registry) {
    r.insert(KindId::EdgeRateLimit, |i: CheckInput| async move {
        if let Err(o) = ready(&i).await {
            return *o;
        }
        let Some(route) = targets::route_for(&i.scope.targets, &i.target.name) else {
            return outcome::error(format!("{}: no session route behind it", i.target.name));
        };
        let plan = match burst_plan(route, &i.params, &i.scope.thresholds) {
            Ok(p) => p,
            Err(e) => return outcome::error(e),
        };
        i.progress.report(format!(
            "{}: burst of {} requests",
            i.target.name, plan.requests
        ));
        match i.net.web_client() {
            Ok(client) => check_burst(&client, &i.target.name, &plan, timeout(&i)).await,
            Err(e) => outcome::error(e),
        }
    });
}

pub fn register_uptime(r: &mut Registry) {
    r.insert(KindId::UptimeErrorTracking, |i: CheckInput| async move {
        if let Err(o) = ready(&i).await {
            return *o;
        }
        let required = i
            .params
            .get("required")
            .is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
        let pages = app_pages(&i.scope.targets, &i.target.name);
        match client_and_limits(&i) {
            Ok((client, limits)) => {
                check_error_tracking(&client, &i.target.name, &pages, required, &limits).await
            }
            Err(e) => outcome::error(e),
        }
    });
}

/// The target's host has an address (else the skip that points at `dns.unresolvable`).
async fn ready(i: &CheckInput) -> Result<(), Box<CheckOutcome>> {
    if let Some((host, ports)) = url_host(&i.target.name) {
        host_ready(&i.net, &host, &ports).await?;
    }
    Ok(())
}

fn timeout(i: &CheckInput) -> Duration {
    Duration::from_secs(i.net.settings.timeout_secs.clamp(1, 30))
}

fn upload_timeout(i: &CheckInput) -> Duration {
    (timeout(i) * 6).min(Duration::from_secs(60))
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The request that tries to make a page fail: a missing path on a host's entry page, a
/// malformed body on a write route, an odd query on an API read, nothing on other routes.
pub fn provoke_for(t: &Targets, target: &targets::Target) -> Provoke {
    if target.role != "route" {
        return Provoke::NotFound;
    }
    match targets::route_for(t, &target.name) {
        Some(r) if r.is_write() => Provoke::MalformedJson(method_of(r).unwrap_or(Method::POST)),
        Some(r) if is_api(&r.path) => Provoke::BadQuery,
        None if is_api(&target.name) => Provoke::BadQuery,
        _ => Provoke::Nothing,
    }
}

fn is_api(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    p.contains("/api/") || p.ends_with("/api") || p.contains("/graphql")
}

fn method_of(r: &Route) -> Result<Method, String> {
    Method::from_bytes(r.method.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("route `{}`: `{}` is not an HTTP method", r.name, r.method))
}

/// The route's own headers (never its credential: the probes speak as a visitor).
fn headers_of(r: &Route) -> Vec<(String, String)> {
    r.headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

/// What `http.payload_limit` sends to `route`.
pub fn payload_plan(
    route: &Route,
    params: &BTreeMap<String, String>,
) -> Result<PayloadPlan, String> {
    let limit = match params.get("limit_mib") {
        Some(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=1024).contains(n))
            .map(|n| n * 1024 * 1024)
            .ok_or_else(|| {
                format!("`limit_mib` must be a whole number of MiB from 1 to 1024, not `{v}`")
            })?,
        None => DEFAULT_LIMIT,
    };
    Ok(PayloadPlan {
        method: method_of(route)?,
        limit,
    })
}

/// Requests in one burst: the check's `requests`, else the runbook's `rate_limit_burst`,
/// else 30; never more than `MAX_BURST`.
pub fn burst_requests(params: &BTreeMap<String, String>, thresholds: &Thresholds) -> u32 {
    params
        .get("requests")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .or(thresholds.rate_limit_burst)
        .unwrap_or(DEFAULT_BURST)
        .clamp(1, MAX_BURST)
}

/// What `edge.rate_limit` sends to `route`.
pub fn burst_plan(
    route: &Route,
    params: &BTreeMap<String, String>,
    thresholds: &Thresholds,
) -> Result<BurstPlan, String> {
    Ok(BurstPlan {
        method: method_of(route)?,
        headers: headers_of(route),
        body: route.body.clone(),
        requests: burst_requests(params, thresholds),
    })
}

/// Requests one target of a confirm-gated probe sends, as the confirmation announces it.
pub fn requests_per_target(
    kind: KindId,
    params: &BTreeMap<String, String>,
    thresholds: &Thresholds,
) -> Option<u32> {
    match kind {
        KindId::HttpPayloadLimit => Some(PayloadPlan::REQUESTS),
        KindId::EdgeRateLimit => Some(burst_requests(params, thresholds)),
        _ => None,
    }
}

/// The app host's entry page besides the site's, when the session has an app host.
fn app_pages(t: &Targets, site: &str) -> Vec<String> {
    t.hosts
        .iter()
        .filter(|h| h.role == "app" && !h.host.is_empty())
        .map(|h| super::http::site_url(&h.host))
        .filter(|u| u != site)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(name: &str, method: &str, path: &str) -> Route {
        Route {
            name: name.into(),
            path: path.into(),
            method: method.into(),
            ..Route::default()
        }
    }

    #[test]
    fn bursts_follow_the_check_then_the_runbook_and_stay_bounded() {
        let mut th = Thresholds::default();
        let none = BTreeMap::new();
        assert_eq!(burst_requests(&none, &th), 30);
        th.rate_limit_burst = Some(12);
        assert_eq!(burst_requests(&none, &th), 12);
        let own = BTreeMap::from([("requests".to_string(), "7".to_string())]);
        assert_eq!(burst_requests(&own, &th), 7);
        let huge = BTreeMap::from([("requests".to_string(), "100000".to_string())]);
        assert_eq!(burst_requests(&huge, &th), MAX_BURST);
        assert_eq!(
            requests_per_target(KindId::HttpPayloadLimit, &none, &th),
            Some(1)
        );
    }

    #[test]
    fn payload_limits_read_in_mib_and_bad_ones_are_refused() {
        let r = route("upload", "put", "/api/files");
        let p = payload_plan(&r, &BTreeMap::new()).unwrap();
        assert_eq!((&p.method, p.limit), (&Method::PUT, 10 * 1024 * 1024));
        assert_eq!(p.body_bytes(), 12 * 1024 * 1024);
        let bad = BTreeMap::from([("limit_mib".to_string(), "lots".to_string())]);
        assert!(payload_plan(&r, &bad).unwrap_err().contains("`lots`"));
    }

    #[test]
    fn each_page_gets_the_provocation_that_fits_it() {
        let t = Targets {
            apex: "a.test".into(),
            routes: vec![
                route("signup", "POST", "/api/signup"),
                route("search", "GET", "/api/search"),
                route("pricing", "GET", "/pricing"),
            ],
            ..Targets::default()
        };
        let at = |name: &str, role: &str| targets::Target {
            name: name.into(),
            role: role.into(),
        };
        assert_eq!(
            provoke_for(&t, &at("https://a.test/", "apex")),
            Provoke::NotFound
        );
        assert_eq!(
            provoke_for(&t, &at("https://a.test/api/signup", "route")),
            Provoke::MalformedJson(Method::POST)
        );
        assert_eq!(
            provoke_for(&t, &at("https://a.test/api/search", "route")),
            Provoke::BadQuery
        );
        assert_eq!(
            provoke_for(&t, &at("https://a.test/pricing", "route")),
            Provoke::Nothing
        );
    }
}
