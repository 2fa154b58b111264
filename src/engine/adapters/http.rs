//! The http family from a `CheckInput`. Route kinds get the route URL the engine
//! expanded; host kinds build `https://<host>/`; `http.redirects` takes the session's apex
//! and www together on the site target, and any other host alone. Every request goes
//! through the network's cross-scheme client (redirects off, extra roots, `connect_to` and
//! the shared resolver), bounded by the session's per-operation timeout.

use crate::checks::http::{
    HttpLimits, check_availability, check_bundle, check_cache, check_cors, check_exposure,
    check_headers, check_mixed_content, check_redirects,
};
use crate::checks::outcome;
use crate::engine::registry::{CheckInput, Registry};
use crate::engine::targets;
use crate::net::Net;
use crate::session::model::CheckOutcome;
use std::future::Future;
use std::time::Duration;

pub fn register(r: &mut Registry) {
    r.insert("http.availability", |i: CheckInput| {
        on_url(
            i,
            |c, u, l| async move { check_availability(&c, &u, &l).await },
        )
    });
    r.insert("http.headers", |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_headers(&c, &u, &l).await })
    });
    r.insert("http.mixed_content", |i: CheckInput| {
        on_url(
            i,
            |c, u, l| async move { check_mixed_content(&c, &u, &l).await },
        )
    });
    r.insert("http.cache", |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_cache(&c, &u, &l).await })
    });
    r.insert("http.cors", |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_cors(&c, &u, &l).await })
    });
    r.insert("http.bundle", |i: CheckInput| {
        on_url(i, |c, u, l| async move { check_bundle(&c, &u, &l).await })
    });
    r.insert("http.exposure", |mut i: CheckInput| {
        i.target.name = site_url(&i.target.name);
        on_url(i, |c, u, l| async move { check_exposure(&c, &u, &l).await })
    });
    r.insert("http.redirects", |i: CheckInput| async move {
        // The site target judges the apex and www together; any other host stands alone.
        let hosts = if i.target.role == targets::SITE_ROLE {
            targets::site_hosts(&i.scope.targets)
        } else {
            vec![i.target.name.clone()]
        };
        if hosts.is_empty() {
            return outcome::skipped(targets::missing_reason(
                crate::checks::catalog::Subject::Host,
            ));
        }
        let (client, limits) = match client_and_limits(&i.net) {
            Ok(v) => v,
            Err(e) => return outcome::error(e),
        };
        let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
        check_redirects(&client, &names, &limits).await
    });
}

/// The bounds of every request: the session's per-operation timeout, the family's body cap.
pub fn limits(net: &Net) -> HttpLimits {
    HttpLimits {
        timeout: Duration::from_secs(net.settings.timeout_secs.max(1)),
        ..HttpLimits::default()
    }
}

/// The client and bounds the http family runs with.
pub fn client_and_limits(net: &Net) -> Result<(reqwest::Client, HttpLimits), String> {
    Ok((net.web_client()?, limits(net)))
}

/// The page a host serves at its root over HTTPS.
pub fn site_url(host: &str) -> String {
    format!("https://{host}/")
}

/// Runs `check` on the target's URL with the job's client and bounds.
async fn on_url<F, Fut>(i: CheckInput, check: F) -> CheckOutcome
where
    F: FnOnce(reqwest::Client, String, HttpLimits) -> Fut,
    Fut: Future<Output = CheckOutcome>,
{
    match client_and_limits(&i.net) {
        Ok((client, limits)) => check(client, i.target.name, limits).await,
        Err(e) => outcome::error(e),
    }
}
