//! The monitor against real loopback servers: the lab's switchable route as the target
//! and the lab's webhook receiver as the alert route. Intervals are a few hundred
//! milliseconds so outages, recoveries and alerts happen within seconds.

use crate::common;

use launch_ready_checks::monitor::alert::{Retry, Route};
use launch_ready_checks::monitor::probe::Expect;
use launch_ready_checks::monitor::run::{Config, TargetReport, TargetSpec, run};
use launch_ready_checks::monitor::state::Rules;
use launch_ready_checks::net::Net;
use launch_ready_core::settings::NetworkSettings;
use launch_ready_lab::hook::HookReceiver;
use launch_ready_lab::switch::Switchable;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const INTERVAL: Duration = Duration::from_millis(400);

fn config(duration: Duration) -> Config {
    let mut rules = Rules::every(INTERVAL);
    rules.confirm_interval = Duration::from_millis(100);
    Config::with_rules(rules, &NetworkSettings::default())
        .timeout(Duration::from_secs(1))
        .retry(Retry {
            attempts: 3,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_secs(1),
        })
        .duration(Some(duration))
        .build()
}

fn net() -> Arc<Net> {
    common::net_for(&NetworkSettings::default())
}

fn route(net: &Net, hook: &str) -> Route {
    let url = reqwest::Url::parse(hook).unwrap();
    Route::new(hook, None, net.client_for(&url).unwrap()).unwrap()
}

fn spec(url: &str) -> TargetSpec {
    TargetSpec {
        url: reqwest::Url::parse(url).unwrap(),
        expect: Expect {
            text: Some("ok".into()),
            ..Expect::exactly(200)
        },
    }
}

fn codes(r: &TargetReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
async fn an_outage_is_alerted_within_two_intervals_and_the_recovery_is_reported() {
    let site = Arc::new(Switchable::start().await.unwrap());
    let hook = HookReceiver::start().await.unwrap();
    let net = net();
    let r = route(&net, &hook.url());
    let switch = site.clone();
    let script = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(900)).await;
        switch.down();
        let down_at = tokio::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        switch.up().unwrap();
        down_at
    });
    let started = tokio::time::Instant::now();
    let reports = run(
        net,
        vec![spec(&site.url())],
        config(Duration::from_millis(3600)),
        Some(r),
        None,
        CancellationToken::new(),
    )
    .await;
    let down_at = script.await.unwrap() - started;
    let t = &reports[0];
    assert_eq!(t.state, "up", "{t:?}");
    assert_eq!(t.outages.len(), 1, "{t:?}");
    let o = &t.outages[0];
    let detected_after = Duration::from_millis(o.detected_ms).saturating_sub(down_at);
    assert!(
        detected_after < 2 * INTERVAL,
        "detected {detected_after:?} after the outage began"
    );
    let delivered = o.alert_delivered_ms.expect("down alert delivered");
    assert!(Duration::from_millis(delivered).saturating_sub(down_at) < 2 * INTERVAL);
    assert!(
        o.recovered_ms.is_some() && o.recovery_alert_delivered_ms.is_some(),
        "{o:?}"
    );
    let got = hook.received();
    let events: Vec<&str> = got.iter().filter_map(|v| v["event"].as_str()).collect();
    assert_eq!(events, ["down", "recovered"]);
    assert_eq!(got[0]["target"], site.url());
    assert_eq!(got[0]["tool"], "launch-ready");
    assert!(t.failures >= 2 && t.uptime_pct < 100.0);
    assert!(codes(t).is_empty(), "the outage is cleared: {:?}", codes(t));
}

#[tokio::test]
async fn a_healthy_target_raises_nothing_and_sends_nothing() {
    let site = Switchable::start().await.unwrap();
    let hook = HookReceiver::start().await.unwrap();
    let net = net();
    let r = route(&net, &hook.url());
    let reports = run(
        net,
        vec![spec(&site.url())],
        config(Duration::from_millis(1300)),
        Some(r),
        None,
        CancellationToken::new(),
    )
    .await;
    let t = &reports[0];
    assert!(t.probes >= 3, "{t:?}");
    assert_eq!((t.failures, t.uptime_pct, t.state), (0, 100.0, "up"));
    assert!(codes(t).is_empty() && t.alerts.is_empty() && hook.received().is_empty());
}

#[tokio::test]
async fn a_failing_route_gives_alert_route_failed() {
    let site = Switchable::start().await.unwrap();
    site.down();
    let hook = HookReceiver::start().await.unwrap();
    hook.answer(503);
    let net = net();
    let r = route(&net, &hook.url());
    let reports = run(
        net,
        vec![spec(&site.url())],
        config(Duration::from_millis(600)),
        Some(r),
        None,
        CancellationToken::new(),
    )
    .await;
    let t = &reports[0];
    assert_eq!(t.state, "down");
    assert!(codes(t).contains(&"uptime.down"), "{:?}", codes(t));
    assert!(
        codes(t).contains(&"uptime.alert_route_failed"),
        "{:?}",
        codes(t)
    );
    let a = &t.alerts[0];
    assert_eq!((a.attempts, a.delivery_ms), (3, None));
    assert!(
        !a.error.as_deref().unwrap().contains(&hook.url()),
        "the route URL is a secret"
    );
}

#[tokio::test]
async fn two_slow_probes_give_uptime_slow() {
    let site = Switchable::start().await.unwrap();
    site.set_delay(Duration::from_millis(150));
    let mut c = config(Duration::from_millis(1100));
    c.rules.slow_ms = 100;
    let reports = run(
        net(),
        vec![spec(&site.url())],
        c,
        None,
        None,
        CancellationToken::new(),
    )
    .await;
    let t = &reports[0];
    assert_eq!(codes(t), ["uptime.slow"], "{t:?}");
    assert_eq!(t.failures, 0);
}

#[tokio::test]
async fn a_certificate_near_expiry_gives_cert_expiring_and_a_fresh_one_does_not() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let any = |u: &str| TargetSpec {
        url: reqwest::Url::parse(u).unwrap(),
        expect: Expect::any(),
    };
    let reports = run(
        net,
        vec![
            any("https://expiring.lab.test/"),
            any("https://good.lab.test/"),
        ],
        config(Duration::from_millis(300)),
        None,
        None,
        CancellationToken::new(),
    )
    .await;
    assert!(
        codes(&reports[0]).contains(&"uptime.cert_expiring"),
        "{:?}",
        reports[0]
    );
    assert!(reports[0].cert_days_left.is_some_and(|d| d <= 10));
    assert!(
        !codes(&reports[1]).contains(&"uptime.cert_expiring"),
        "{:?}",
        reports[1]
    );
    lab.shutdown().await;
}

/// The "test alert route" action through the engine's registry, with the webhook URL in
/// a keyring (an in-memory store here) under the session's credential name.
mod route_test {
    use super::*;
    use launch_ready_checks::credentials::Credentials;
    use launch_ready_checks::engine::Scope;
    use launch_ready_checks::engine::access::Progress;
    use launch_ready_checks::engine::registry::{Check, CheckInput};
    use launch_ready_checks::engine::targets::Target;
    use launch_ready_core::finding::CheckStatus;

    async fn test_route(
        url: &str,
        credential: &str,
    ) -> launch_ready_core::session::model::CheckOutcome {
        let creds = Credentials::new(
            Arc::new(crate::common::MemoryStore::one("alert-webhook", url)),
            Some("acme".into()),
        );
        let scope = Scope::new(
            Default::default(),
            NetworkSettings::default(),
            Default::default(),
        )
        .with_credentials(creds);
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let Some(Check::Network(check)) = launch_ready_checks::engine::adapters::builtin()
            .get(launch_ready_core::catalog::KindId::UptimeAlertRoute)
        else {
            panic!("uptime.alert_route is registered as a network check");
        };
        check(CheckInput {
            net: net(),
            target: Target {
                name: credential.into(),
                role: "alert".into(),
            },
            scope: Arc::new(scope),
            params: Arc::default(),
            progress: Arc::new(Progress::new("t".into(), tx)),
        })
        .await
    }

    #[tokio::test]
    async fn a_working_route_gets_a_marked_test_alert() {
        let hook = HookReceiver::start().await.unwrap();
        let o = test_route(&hook.url(), "alert-webhook").await;
        assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
        let got = hook.received();
        assert_eq!(
            (got.len(), &got[0]["test"], &got[0]["event"]),
            (1, &serde_json::json!(true), &serde_json::json!("test"))
        );
        assert!(!serde_json::to_string(&o).unwrap().contains(&hook.url()));
    }

    #[tokio::test]
    async fn a_failing_or_missing_route_is_alert_route_failed() {
        let hook = HookReceiver::start().await.unwrap();
        hook.answer(500);
        let o = test_route(&hook.url(), "alert-webhook").await;
        assert_eq!(common::codes(&o), ["uptime.alert_route_failed"], "{o:?}");
        assert!(!serde_json::to_string(&o).unwrap().contains(&hook.url()));
        let o = test_route(&hook.url(), "other-hook").await;
        assert_eq!(common::codes(&o), ["uptime.alert_route_failed"], "{o:?}");
    }
}

/// The drill on a route the session already controls (the demo's), left down by the
/// operator: the drill brings it up first, then measures the whole alert path on it.
#[tokio::test]
async fn the_drill_runs_on_a_controlled_route_that_was_left_down() {
    let site = Switchable::start().await.unwrap();
    site.down();
    let hook = HookReceiver::start().await.unwrap();
    let net = net();
    let r = launch_ready_checks::monitor::drill::drill_on(
        net.clone(),
        Some(route(&net, &hook.url())),
        &site,
        INTERVAL,
        config(INTERVAL).retry,
        Duration::from_secs(120),
        Duration::from_secs(600),
    )
    .await;
    assert!(r.passed, "{r:?}");
    assert!(site.is_up(), "left up");
    let events: Vec<String> = hook
        .received()
        .iter()
        .map(|a| a["event"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(events, ["test", "down", "recovered"]);
    assert!(
        r.detection_ms
            .is_some_and(|d| d < 2 * INTERVAL.as_millis() as u64 + 1000),
        "{r:?}"
    );
}

/// A receiver that takes the alert and answers late: every attempt carries one delivery
/// id (payload and `Idempotency-Key`), and the run says the alert may have landed rather
/// than "not delivered".
#[tokio::test]
async fn a_slow_receiver_gets_one_delivery_id_and_the_run_says_unconfirmed() {
    use launch_ready_checks::monitor::alert::{Alert, DeliveryError, Event, Format};
    let hook = HookReceiver::start().await.expect("receiver");
    hook.answer_after(Duration::from_millis(1500));
    let net = Net::new(&NetworkSettings::default()).expect("net");
    let url = reqwest::Url::parse(&hook.url()).unwrap();
    let route = Route::new(
        &hook.url(),
        Some(Format::Json),
        net.client_for(&url).unwrap(),
    )
    .expect("route");
    let alert = Alert {
        event: Event::Down,
        target: "https://a.test/".into(),
        state: "down",
        since: time::OffsetDateTime::now_utc(),
        reason: "status 500".into(),
        test: false,
    };
    let retry = Retry {
        attempts: 3,
        backoff: Duration::from_millis(50),
        timeout: Duration::from_millis(400),
    };
    let err = route
        .deliver(&alert, retry)
        .await
        .expect_err("no answer in time");
    assert!(
        matches!(err, DeliveryError::Unconfirmed { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("may have received"), "{err}");
    let got = hook.received();
    assert_eq!(got.len(), 3, "each attempt reached the receiver: {got:?}");
    let ids: Vec<&serde_json::Value> = got.iter().map(|v| &v["delivery_id"]).collect();
    assert!(
        ids[0].as_str().is_some_and(|id| id.starts_with("lr-down-")),
        "{ids:?}"
    );
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one id for every attempt: {ids:?}"
    );

    // The opposite: a route that answers in time is delivered, with no repeat.
    hook.answer_after(Duration::ZERO);
    let before = hook.received().len();
    route.deliver(&alert, retry).await.expect("delivered");
    assert_eq!(hook.received().len(), before + 1);
}
