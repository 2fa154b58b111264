//! Escalation through the exported stack: the session's first route (the lab's webhook)
//! gets an outage's alert; an outage still down one escalation delay later reaches the
//! second route (mail through the lab's SMTP receiver, STARTTLS and AUTH under the lab
//! CA) from the real Alertmanager, and its recovery too. A short outage, resolved before
//! the delay, never reaches the second route.

use crate::common;
use crate::exports::{export, have};
use crate::exports_stack::{Stack, wait_for};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, Targets};
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::hook::HookReceiver;
use launch_ready_lab::switch::Switchable;
use launch_ready_lab::{DEMO_MAIL_CREDENTIAL, MAIL_PASSWORD, MAIL_USER};
use std::process::Command;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

/// The escalation delay of this test: long enough that the short outage (alert, then
/// back up at once) cannot reach it even on a busy machine.
const ESCALATE_AFTER: Duration = Duration::from_secs(10);

fn firing_down(b: &serde_json::Value) -> bool {
    b["status"] == "firing" && b["groupLabels"]["alertname"] == "LaunchReadyDown"
}

fn resolved_down(b: &serde_json::Value) -> bool {
    b["status"] == "resolved" && b["groupLabels"]["alertname"] == "LaunchReadyDown"
}

/// The mails about the escalated alert whose subject starts with `[status`.
fn escalation_mails(lab: &launch_ready_lab::Lab, status: &str) -> usize {
    lab.smtp()
        .received()
        .iter()
        .filter(|m| {
            m.header("Subject").is_some_and(|s| {
                s.starts_with(&format!("[{status}")) && s.contains("LaunchReadyDownEscalated")
            })
        })
        .count()
}

async fn until(
    stack: &Stack,
    what: &str,
    limit: Duration,
    mut done: impl FnMut() -> bool,
) -> Duration {
    let since = Instant::now();
    while since.elapsed() < limit {
        if done() {
            return since.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "{what}: not within {limit:?}; the stack logged:\n{}",
        stack.problems()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unresolved_outage_escalates_from_the_webhook_to_email_through_alertmanager() {
    let test = "exported escalation end to end";
    if !(have("prometheus", test)
        && have("prometheus-alertmanager", test)
        && have("prometheus-blackbox-exporter", test)
        && have("amtool", test))
    {
        return;
    }
    let lab = common::lab().await;
    let site = Switchable::start().await.unwrap();
    let hook = HookReceiver::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let runbook = launch_ready::commands::runbooks::library()
        .resolve(launch_ready::commands::demo::DEMO_RUNBOOK)
        .unwrap();
    let targets = Targets {
        routes: vec![Route {
            name: "switchable".into(),
            path: site.url(),
            ..Route::default()
        }],
        alert_routes: launch_ready_lab::demo_alert_routes(),
        ..Targets::default()
    };
    let mut session = Session::new(
        "escalation-e2e",
        "Escalation test",
        &runbook,
        targets,
        OffsetDateTime::now_utc(),
    );
    session.network = lab.settings();
    let path = dir.path().join("escalation-e2e.ron");
    SessionFile::create(&path, &session).unwrap();

    let out_dir = dir.path().join("stack");
    let (s, d, h) = (
        path.display().to_string(),
        out_dir.display().to_string(),
        hook.url(),
    );
    let mail_var = launch_ready::tui::executor::env_var_for(DEMO_MAIL_CREDENTIAL);
    let escalate = format!("{}s", ESCALATE_AFTER.as_secs());
    let out = tokio::task::spawn_blocking(move || {
        export(
            &[
                "prometheus",
                &s,
                &d,
                "--with-network",
                "--interval",
                "1s",
                "--escalate-after",
                &escalate,
                "--alertmanager-version",
                "0.25",
            ],
            &[
                ("LAUNCH_READY_ALERT_WEBHOOK", h.as_str()),
                (mail_var.as_str(), MAIL_PASSWORD),
            ],
        )
    })
    .await
    .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let am = std::fs::read_to_string(out_dir.join("alertmanager/alertmanager.yml")).unwrap();
    // The password is read from its own file, never written into the config.
    assert!(
        am.contains("auth_password_file") && !am.contains("auth_password:"),
        "{am}"
    );
    let secret = out_dir
        .join("alertmanager/secrets")
        .join(DEMO_MAIL_CREDENTIAL);
    assert_eq!(
        std::fs::read_to_string(&secret).unwrap().trim(),
        MAIL_PASSWORD
    );
    let checked = Command::new("amtool")
        .args(["check-config", "alertmanager/alertmanager.yml"])
        .current_dir(&out_dir)
        .output()
        .unwrap();
    assert!(checked.status.success(), "{checked:?}");
    let readme = std::fs::read_to_string(out_dir.join("README.md")).unwrap();
    assert!(
        readme.contains("2. email to oncall@brightdesk.test") && readme.contains("10 s"),
        "{readme}"
    );

    let stack = Stack::start(&out_dir, dir.path());
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert!(hook.received().is_empty(), "{:?}", hook.received());

    // A short outage: the first route hears it and its recovery; the second never does.
    site.down();
    let short_down = Instant::now();
    wait_for(&hook, firing_down, short_down, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("no first alert: {:?}", hook.received()));
    site.up().unwrap();
    let short = short_down.elapsed();
    assert!(
        short < ESCALATE_AFTER,
        "the short outage lasted {short:?}, past the escalation delay"
    );
    wait_for(
        &hook,
        resolved_down,
        Instant::now(),
        Duration::from_secs(60),
    )
    .await
    .unwrap_or_else(|| panic!("no resolve: {:?}", hook.received()));
    // Past the point where an escalation of the short outage would have been sent.
    tokio::time::sleep(ESCALATE_AFTER).await;
    assert_eq!(escalation_mails(&lab, "FIRING"), 0);

    // A long outage: first the webhook, then, one delay later, the mail.
    let seen = hook.received().len();
    site.down();
    let first = until(
        &stack,
        "the second outage's first alert",
        Duration::from_secs(60),
        || hook.received().iter().skip(seen).any(firing_down),
    )
    .await;
    let escalated = until(
        &stack,
        "the escalation mail",
        Duration::from_secs(90),
        || escalation_mails(&lab, "FIRING") > 0,
    )
    .await;
    let gap = escalated.saturating_sub(first);
    eprintln!(
        "exports bench: escalation through Alertmanager: first alert {} ms, mail {} ms after the outage (delay {}s)",
        first.as_millis(),
        escalated.as_millis(),
        ESCALATE_AFTER.as_secs()
    );
    // Measured from the outage, not from the first alert's arrival, which a busy machine
    // delays: the escalation rule holds for the down hold plus the delay, less up to a
    // probe interval of sample timing and one of evaluation.
    assert!(
        escalated + Duration::from_secs(2) >= ESCALATE_AFTER,
        "escalated {escalated:?} after the outage began (first alert after {first:?}, gap {gap:?}), before the {ESCALATE_AFTER:?} delay"
    );
    let mail = lab
        .smtp()
        .received()
        .into_iter()
        .find(|m| {
            m.header("Subject")
                .is_some_and(|s| s.contains("LaunchReadyDownEscalated"))
        })
        .unwrap();
    assert_eq!(mail.user, MAIL_USER, "authenticated over STARTTLS");
    assert_eq!(mail.to, ["oncall@brightdesk.test"]);
    assert!(
        mail.data.contains(site.url().trim_end_matches('/')),
        "names the URL"
    );
    assert!(
        !hook
            .received()
            .iter()
            .any(|b| b["groupLabels"]["alertname"] == "LaunchReadyDownEscalated"),
        "the first route is not paged again by the escalation"
    );

    // Back up: both routes hear the recovery.
    site.up().unwrap();
    let seen = hook.received().len();
    until(
        &stack,
        "the webhook's resolve",
        Duration::from_secs(60),
        || hook.received().iter().skip(seen).any(resolved_down),
    )
    .await;
    until(&stack, "the resolved mail", Duration::from_secs(60), || {
        escalation_mails(&lab, "RESOLVED") > 0
    })
    .await;
}
