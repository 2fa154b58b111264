//! Several alert routes and escalation against the lab's real receivers: a webhook
//! receiver and an SMTP server that speaks STARTTLS under the lab CA and checks AUTH. The
//! escalation delay runs on a manual clock the test moves, so "ten minutes later" takes
//! milliseconds while probes, deliveries and mail exchanges are real.

use crate::common;

use launch_ready::credentials::KeyringStore;
use launch_ready_checks::credentials::Credentials;
use launch_ready_checks::monitor::alert::{Retry, Route};
use launch_ready_checks::monitor::clock::ManualClock;
use launch_ready_checks::monitor::drill::drill_on;
use launch_ready_checks::monitor::probe::Expect;
use launch_ready_checks::monitor::route;
use launch_ready_checks::monitor::run::{Config, TargetReport, TargetSpec, run};
use launch_ready_checks::monitor::state::Rules;
use launch_ready_core::credentials::{CredentialStore, NameIndex, Scope};
use launch_ready_core::session::model::{AlertRoute, EmailRoute};
use launch_ready_core::session::monitor_log::RouteKind;
use launch_ready_lab::switch::Switchable;
use launch_ready_lab::{Lab, MAIL_HOST, MAIL_PASSWORD, MAIL_PORT, MAIL_USER};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const TEN_MIN: Duration = Duration::from_secs(600);

fn retry() -> Retry {
    Retry {
        attempts: 2,
        backoff: Duration::from_millis(50),
        timeout: Duration::from_secs(3),
    }
}

fn config(clock: Arc<ManualClock>) -> Config {
    let mut rules = Rules::every(Duration::from_millis(300));
    rules.confirm_interval = Duration::from_millis(100);
    Config::with_rules(rules, &NetworkSettings::default())
        .timeout(Duration::from_secs(1))
        .retry(retry())
        .cert_warn_days(0)
        .escalate_after(TEN_MIN)
        .clock(clock)
        .build()
}

use launch_ready_core::settings::NetworkSettings;

fn email_spec(password: &str) -> AlertRoute {
    AlertRoute::Email(EmailRoute {
        host: MAIL_HOST.into(),
        port: MAIL_PORT,
        username: MAIL_USER.into(),
        password: password.into(),
        from: MAIL_USER.into(),
        to: vec!["ops@brightdesk.test".into()],
    })
}

/// A mock keyring holding the lab's webhook URL and `smtp_password` under the names the
/// routes use.
fn keyring(lab: &Lab, smtp_password: &str) -> (Credentials, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store: Arc<dyn CredentialStore> = Arc::new(KeyringStore::with_backend(
        keyring_core::mock::Store::new().expect("mock keyring"),
        "mock keyring",
        NameIndex::at(dir.path().join("index")),
    ));
    store
        .set(&Scope::Global, "lab-hook", &lab.alert_hook().url())
        .expect("hook url");
    store
        .set(&Scope::Global, "lab-smtp", smtp_password)
        .expect("smtp password");
    (Credentials::new(store, None), dir)
}

async fn routes(lab: &Lab, smtp_password: &str) -> Vec<Route> {
    let net = common::net_for(&lab.settings());
    let (creds, _dir) = keyring(lab, smtp_password);
    let specs = [
        AlertRoute::Webhook {
            credential: "lab-hook".into(),
        },
        email_spec("lab-smtp"),
    ];
    let (ok, failed) = route::build_all(&net, &creds, &specs, None).await;
    assert!(failed.is_empty(), "{:?}", failed);
    ok
}

async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

fn hook_events(lab: &Lab) -> Vec<String> {
    lab.alert_hook()
        .received()
        .iter()
        .map(|v| v["event"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn mail_subjects(lab: &Lab) -> Vec<String> {
    lab.smtp()
        .received()
        .iter()
        .map(|m| m.header("Subject").unwrap_or_default().to_string())
        .collect()
}

fn codes(r: &TargetReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

#[tokio::test]
async fn an_outage_goes_to_the_webhook_then_escalates_to_email_and_the_recovery_reaches_both() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let site = Arc::new(Switchable::start().await.expect("site"));
    let routes = routes(&lab, MAIL_PASSWORD).await;
    assert_eq!(
        routes.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["webhook lab-hook", "email to ops@brightdesk.test"]
    );
    let clock = ManualClock::new();
    let cancel = CancellationToken::new();
    let spec = TargetSpec::parse(&site.url(), Expect::exactly(200)).unwrap();
    let monitor = tokio::spawn(run(
        net,
        vec![spec],
        config(clock.clone()),
        routes,
        None,
        cancel.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(400)).await;
    site.down();
    until("the down alert on the webhook", || {
        hook_events(&lab).contains(&"down".to_string())
    })
    .await;
    // Nine virtual minutes: not yet due.
    clock.advance(Duration::from_secs(540));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(mail_subjects(&lab).is_empty(), "{:?}", mail_subjects(&lab));
    clock.advance(Duration::from_secs(60));
    until("the escalated mail", || !lab.smtp().received().is_empty()).await;
    let mail = &lab.smtp().received()[0];
    assert_eq!(mail.user, MAIL_USER, "authenticated over STARTTLS");
    assert_eq!(mail.to, ["ops@brightdesk.test"]);
    assert!(
        mail.header("Subject").unwrap().contains("DOWN http://"),
        "{:?}",
        mail.header("Subject")
    );
    assert_eq!(
        hook_events(&lab).iter().filter(|e| *e == "down").count(),
        1,
        "the first route got the outage once"
    );
    site.up().expect("back up");
    until("the recovery on both routes", || {
        hook_events(&lab).contains(&"recovered".to_string())
            && mail_subjects(&lab).iter().any(|s| s.contains("RECOVERED"))
    })
    .await;
    cancel.cancel();
    let reports = monitor.await.expect("monitor");
    let alerts = &reports[0].alerts;
    let escalated: Vec<_> = alerts.iter().filter(|a| a.escalated).collect();
    assert_eq!(escalated.len(), 1, "{alerts:?}");
    assert_eq!(escalated[0].route, "email to ops@brightdesk.test");
    assert!(escalated[0].delivery_ms.is_some());
    assert!(codes(&reports[0]).is_empty(), "{:?}", reports[0].findings);
}

#[tokio::test]
async fn a_wrong_smtp_password_fails_the_route_by_name_in_the_drill() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let routes = routes(&lab, "not-the-password").await;
    let site = Switchable::start().await.expect("site");
    let report = drill_on(
        net,
        routes,
        &site,
        Duration::from_millis(300),
        retry(),
        Duration::from_secs(120),
        TEN_MIN,
    )
    .await;
    assert!(!report.passed);
    assert!(
        report.routes[0].delivery_ms.is_some(),
        "{:?}",
        report.routes
    );
    let mail = &report.routes[1];
    assert!(mail.error.as_deref().unwrap().contains("535"), "{mail:?}");
    let kept = &report.record(time::OffsetDateTime::now_utc()).routes[1];
    assert!(
        kept.error.as_deref().is_some_and(|e| e.contains("535")) && kept.test_alert_ms.is_none(),
        "the failed route is kept with why: {kept:?}"
    );
    assert!(!mail.error.as_deref().unwrap().contains("not-the-password"));
    let findings = report.findings();
    let route_failed: Vec<_> = findings
        .iter()
        .filter(|f| f.code.as_str() == "uptime.alert_route_failed")
        .collect();
    assert_eq!(route_failed.len(), 1, "{findings:?}");
    assert!(
        route_failed[0]
            .message
            .contains("`email to ops@brightdesk.test`"),
        "{}",
        route_failed[0].message
    );
    // The escalation went to the same broken route: it is reported too, with its delay.
    let esc = report.escalation.as_ref().expect("escalation measured");
    assert!(esc.error.is_some() && esc.after_ms == 600_000, "{esc:?}");
    assert!(
        findings
            .iter()
            .any(|f| f.code.as_str() == "uptime.escalation_failed" && f.message.contains("10 min"))
    );
    assert!(lab.smtp().received().is_empty(), "nothing got through");
}

#[tokio::test]
async fn a_drill_on_working_routes_measures_each_route_and_the_escalation() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let routes = routes(&lab, MAIL_PASSWORD).await;
    let site = Switchable::start().await.expect("site");
    let report = drill_on(
        net,
        routes,
        &site,
        Duration::from_millis(300),
        retry(),
        Duration::from_secs(120),
        TEN_MIN,
    )
    .await;
    assert!(report.passed, "{:?}", report.problems);
    assert!(report.routes.iter().all(|r| r.delivery_ms.is_some()));
    // The figures BENCHMARKS.md quotes (`cargo test --test it drill_on_working -- --nocapture`).
    eprintln!(
        "drill figures: routes {:?} ms, detection {:?} ms, down alert {:?} ms, escalation {:?} ms, recovery alert {:?} ms",
        report
            .routes
            .iter()
            .map(|r| (r.route.as_str(), r.delivery_ms))
            .collect::<Vec<_>>(),
        report.detection_ms,
        report.alert_ms,
        report.escalation.as_ref().and_then(|e| e.delivery_ms),
        report.recovery_alert_ms
    );
    let esc = report.escalation.as_ref().expect("escalation");
    assert!(esc.delivery_ms.is_some(), "{esc:?}");
    assert!(report.findings().is_empty());
    // Each route's own figures, kept in the session and read back from its file.
    let per: Vec<(&str, RouteKind, bool)> = report
        .per_route
        .iter()
        .map(|r| (r.name.as_str(), r.kind, r.escalated))
        .collect();
    assert_eq!(
        per,
        [
            ("webhook lab-hook", RouteKind::Webhook, false),
            ("email to ops@brightdesk.test", RouteKind::Email, true)
        ]
    );
    let (hook, mail) = (&report.per_route[0], &report.per_route[1]);
    assert!(
        hook.test_alert_ms.is_some()
            && hook.alert_ms == report.alert_ms
            && hook.recovery_alert_ms == report.recovery_alert_ms
            && hook.recovery_alert_ms.is_some()
            && hook.escalation_ms.is_none(),
        "{hook:?}"
    );
    assert!(
        mail.test_alert_ms.is_some()
            && mail.alert_ms.is_none()
            && mail.escalation_ms == esc.delivery_ms
            && mail.recovery_alert_ms.is_some(),
        "the recovery reaches the escalated route too: {mail:?}"
    );
    assert!(report.per_route.iter().all(|r| r.error.is_none()));
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("drill.ron");
    let l = launch_ready_core::runbook::load::load_file(std::path::Path::new(
        "tests/fixtures/runbooks/valid/minimal.ron",
    ))
    .expect("fixture");
    let now = time::OffsetDateTime::now_utc();
    let mut s =
        launch_ready_core::session::Session::new("drill", "Drill", &l, Default::default(), now);
    s.monitor.record_drill(report.record(now));
    std::fs::write(
        &path,
        launch_ready_core::session::store::to_ron(&s).expect("ron"),
    )
    .expect("write");
    let back = launch_ready_core::session::store::read(&path).expect("reads back");
    let kept = back.monitor.drills().last().expect("the drill");
    assert_eq!(kept.routes, report.per_route);
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains(MAIL_PASSWORD)
    );
    // The test alert, the escalated down alert and the recovery: all marked as tests.
    let subjects = mail_subjects(&lab);
    assert!(subjects.len() >= 3, "{subjects:?}");
    assert!(
        subjects.iter().all(|s| s.starts_with("[TEST]")),
        "{subjects:?}"
    );
}

#[tokio::test]
async fn an_escalation_route_that_is_down_is_escalation_failed() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let site = Arc::new(Switchable::start().await.expect("site"));
    let hook = Route::new(
        &lab.alert_hook().url(),
        None,
        net.client_for(&reqwest::Url::parse(&lab.alert_hook().url()).unwrap())
            .unwrap(),
    )
    .unwrap()
    .named("webhook primary");
    // Nothing listens on the discard port.
    let dead = Route::new(
        "http://127.0.0.1:9/hook",
        None,
        net.client_for(&reqwest::Url::parse("http://127.0.0.1:9/").unwrap())
            .unwrap(),
    )
    .unwrap()
    .named("webhook pager");
    let clock = ManualClock::new();
    let cancel = CancellationToken::new();
    let spec = TargetSpec::parse(&site.url(), Expect::exactly(200)).unwrap();
    let monitor = tokio::spawn(run(
        net,
        vec![spec],
        config(clock.clone()),
        vec![hook, dead],
        None,
        cancel.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(400)).await;
    site.down();
    until("the down alert", || {
        hook_events(&lab).contains(&"down".to_string())
    })
    .await;
    clock.advance(TEN_MIN);
    tokio::time::sleep(Duration::from_millis(800)).await;
    cancel.cancel();
    let reports = monitor.await.expect("monitor");
    let r = &reports[0];
    assert!(
        codes(r).contains(&"uptime.escalation_failed"),
        "{:?}",
        r.findings
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.code.as_str() == "uptime.escalation_failed")
        .unwrap();
    assert!(f.message.contains("`webhook pager`"), "{}", f.message);
    assert!(
        !codes(r).contains(&"uptime.alert_route_failed"),
        "the first route worked"
    );
}

#[tokio::test]
async fn a_certificate_in_its_warning_window_and_an_error_rate_over_budget_reach_the_first_route() {
    let lab = common::lab().await;
    let net = common::net_for(&lab.settings());
    let site = Arc::new(Switchable::start().await.expect("site"));
    let hook = |net: &launch_ready_checks::net::Net| {
        Route::new(
            &lab.alert_hook().url(),
            None,
            net.client_for(&reqwest::Url::parse(&lab.alert_hook().url()).unwrap())
                .unwrap(),
        )
        .unwrap()
    };
    let mut rules = Rules::every(Duration::from_millis(200));
    rules.confirm_interval = Duration::from_millis(100);
    // Three failures in a row would be an outage: the error rate is what is measured here.
    rules.threshold = 50;
    let config = Config::with_rules(rules, &NetworkSettings::default())
        .timeout(Duration::from_secs(2))
        .retry(retry())
        .cert_warn_days(14)
        .error_rate(25.0, 4)
        .build();
    let cancel = CancellationToken::new();
    let targets = vec![
        TargetSpec::parse("https://expiring.lab.test/", Expect::any()).unwrap(),
        TargetSpec::parse(&site.url(), Expect::exactly(200)).unwrap(),
    ];
    let routes = vec![hook(&net)];
    let monitor = tokio::spawn(run(net, targets, config, routes, None, cancel.clone()));
    until("the certificate notice", || {
        hook_events(&lab).contains(&"cert_expiring".to_string())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(
        !hook_events(&lab).contains(&"error_rate".to_string()),
        "a healthy target raises no error rate"
    );
    site.down();
    until("the error-rate notice", || {
        hook_events(&lab).contains(&"error_rate".to_string())
    })
    .await;
    cancel.cancel();
    let reports = monitor.await.expect("monitor");
    let got = lab.alert_hook().received();
    let cert = got.iter().find(|v| v["event"] == "cert_expiring").unwrap();
    assert_eq!(cert["target"], "https://expiring.lab.test/");
    assert!(
        cert["reason"].as_str().unwrap().contains("expires in"),
        "{cert}"
    );
    assert_eq!(
        got.iter().filter(|v| v["event"] == "cert_expiring").count(),
        1,
        "raised once"
    );
    let rate = got.iter().find(|v| v["event"] == "error_rate").unwrap();
    assert!(
        rate["reason"].as_str().unwrap().contains("budget 25 %"),
        "{rate}"
    );
    assert!(codes(&reports[0]).contains(&"uptime.cert_expiring"));
}

/// The lab's mail server refuses what a provider refuses: credentials before TLS, mail
/// before credentials.
#[tokio::test]
async fn the_lab_mail_server_wants_starttls_before_auth_and_auth_before_mail() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let lab = common::lab().await;
    let stream = tokio::net::TcpStream::connect(lab.smtp().addr())
        .await
        .unwrap();
    let mut s = BufReader::new(stream);
    let mut reply = String::new();
    let say = async |s: &mut BufReader<tokio::net::TcpStream>, line: &str| {
        s.get_mut().write_all(line.as_bytes()).await.unwrap();
        let mut all = String::new();
        loop {
            let mut l = String::new();
            s.read_line(&mut l).await.unwrap();
            all.push_str(&l);
            if l.as_bytes().get(3) != Some(&b'-') {
                return all;
            }
        }
    };
    s.read_line(&mut reply).await.unwrap();
    assert!(reply.starts_with("220 "), "{reply}");
    let ehlo = say(&mut s, "EHLO test\r\n").await;
    assert!(
        ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"),
        "{ehlo}"
    );
    let auth = say(&mut s, "AUTH PLAIN AGFsZXJ0cwBwdw==\r\n").await;
    assert!(auth.starts_with("530"), "{auth}");
    let mail = say(&mut s, "MAIL FROM:<a@b.test>\r\n").await;
    assert!(mail.starts_with("530"), "{mail}");
    assert!(say(&mut s, "QUIT\r\n").await.starts_with("221"));
}
