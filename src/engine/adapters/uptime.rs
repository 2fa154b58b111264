//! The uptime family's one-shot kind, `uptime.alert_route`: the "test alert route" action.
//! The target is the name of the credential holding the webhook URL (the session's
//! `alert_route`); a marked test alert is sent through it and anything short of a 2xx is
//! `uptime.alert_route_failed`. The URL is read through `Credentials::get` (the CI
//! variable first) and goes nowhere else.

use crate::checks::judged::Judged;
use crate::credentials::CredentialError;
use crate::engine::registry::{CheckInput, Registry};
use crate::monitor::alert::{Alert, ENV_VAR, Event, Retry, Route};
use crate::monitor::finding;
use crate::session::model::CheckOutcome;
use std::time::Duration;
use time::OffsetDateTime;

pub fn register(r: &mut Registry) {
    r.insert("uptime.alert_route", |i: CheckInput| async move {
        test_route(&i).await
    });
}

async fn test_route(i: &CheckInput) -> CheckOutcome {
    let name = i.target.name.clone();
    let mut j = Judged::start("uptime.alert_route", name.clone());
    let url = match i.scope.credentials.get(&name, Some(ENV_VAR)).await {
        Ok(u) => u,
        Err(CredentialError::NotFound(_)) => {
            j.push(finding(
                "uptime.alert_route_failed",
                format!("the `{name}` credential is not set, so no alert can be sent"),
            ));
            return j.finish("");
        }
        Err(e) => return j.error(format!("the `{name}` credential cannot be read: {e}")),
    };
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        j.push(finding(
            "uptime.alert_route_failed",
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
            j.push(finding("uptime.alert_route_failed", e.to_string()));
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
            j.evidence("attempts", d.attempts.into());
            j.evidence("delivery_ms", crate::monitor::secs_ms(d.elapsed).into());
            j.evidence(
                "format",
                format!("{:?}", route.format).to_lowercase().into(),
            );
            j.finish("a marked test alert was delivered")
        }
        Err(e) => {
            j.push(finding("uptime.alert_route_failed", e.to_string()));
            j.finish("")
        }
    }
}
