//! The runbook's deliverables in the pack, each statement against its opposite.

use super::build::build;
use super::deliverables::Deliverables;
use super::{Format, render};
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{CheckOutcome, Evidence};
use time::Duration;

use super::test_support::{NOW, runbook, session};

/// One run of `check_id` with `findings`, `minutes` ago.
fn run(s: &mut Session, check_id: &str, status: CheckStatus, findings: usize, minutes: i64) {
    let result = CheckOutcome {
        check: "http.headers".into(),
        family: "http".into(),
        target: "https://acme.test/".into(),
        status,
        duration_ms: 1,
        summary: String::new(),
        findings: (0..findings)
            .map(|_| Finding::new(Code::HttpHstsMissing, "no HSTS"))
            .collect(),
        evidence: Default::default(),
        explained_by: None,
        needs_credential: None,
    };
    let state = s.state_mut(check_id);
    state.status = status;
    state.record(
        Evidence {
            at: NOW - Duration::minutes(minutes),
            duration_ms: 1,
            status,
            summary: String::new(),
            results: vec![result],
        },
        NOW - Duration::minutes(minutes),
    );
}

fn deliverables(runbook: &Runbook, s: &Session) -> Deliverables {
    build(runbook, s, &[], NOW).deliverables
}

#[test]
fn a_stage_is_delivered_only_when_every_check_is_done() {
    let rb = runbook();
    let mut s = session(&rb);
    let stage = rb.stages.iter().find(|st| st.id == "baseline").unwrap();
    for c in &stage.checks {
        s.state_mut(&c.id).status = CheckStatus::Pass;
    }
    let row = |d: &Deliverables| {
        d.stages
            .iter()
            .find(|r| r.title == stage.title)
            .unwrap()
            .clone()
    };
    let done = row(&deliverables(&rb, &s));
    assert_eq!(done.state, "delivered");
    assert_eq!(done.checks_done, stage.checks.len());
    assert!(done.open.is_empty());
    assert_eq!(done.deliverables, stage.deliverables);

    // One check failing: the stage is not delivered, and the check is named.
    s.state_mut(&stage.checks[0].id).status = CheckStatus::Fail;
    let open = row(&deliverables(&rb, &s));
    assert_eq!(open.state, "in progress");
    assert_eq!(open.open, [format!("{} (fail)", stage.checks[0].title)]);
    // Run and failing is in progress too, not "not started".
    for c in &stage.checks {
        s.state_mut(&c.id).status = CheckStatus::Fail;
    }
    let failing = row(&deliverables(&rb, &s));
    assert_eq!(
        (failing.state.as_str(), failing.checks_done),
        ("in progress", 0)
    );
    // A fresh session has delivered nothing.
    let fresh = deliverables(&rb, &session(&rb));
    assert!(fresh.stages.iter().all(|r| r.state == "not started"));
}

#[test]
fn the_first_and_last_run_say_what_the_sprint_changed() {
    let rb = runbook();
    let mut s = session(&rb);
    run(&mut s, "edge-hsts", CheckStatus::Fail, 2, 600);
    run(&mut s, "edge-hsts", CheckStatus::Pass, 0, 5);
    run(&mut s, "edge-cors", CheckStatus::Pass, 0, 600);
    run(&mut s, "edge-cors", CheckStatus::Fail, 1, 5);
    run(&mut s, "edge-cache-rules", CheckStatus::Warn, 1, 5);
    let d = deliverables(&rb, &s);
    let change = |title: &str| {
        let id_title = rb.check(title).unwrap().1.title.clone();
        d.changes
            .iter()
            .find(|c| c.check == id_title)
            .unwrap()
            .clone()
    };
    let fixed = change("edge-hsts");
    assert_eq!(
        (
            fixed.first.as_str(),
            fixed.first_findings,
            fixed.last.as_str()
        ),
        ("fail", 2, "pass")
    );
    assert_eq!(fixed.change, "fixed");
    assert_eq!(change("edge-cors").change, "worse");
    assert_eq!(change("edge-cache-rules").change, "run once");
    // A check that never ran has no row of change, and reads "never run" in coverage.
    assert!(!d.changes.iter().any(|c| c.check.contains("p95")));
    let auto = d
        .coverage
        .automatic
        .iter()
        .find(|a| a.kind == "perf.latency")
        .unwrap();
    assert_eq!((auto.last.as_str(), auto.runs), ("never run", 0));
}

#[test]
fn by_hand_reads_each_answer_and_automatic_names_the_commands() {
    let rb = runbook();
    let mut s = session(&rb);
    s.state_mut("deploy-rollback").status = CheckStatus::Fail;
    s.state_mut("deploy-rollback").note =
        "Tried on staging: the migration has no down step.".into();
    let d = deliverables(&rb, &s);
    let hand = |id: &str| {
        let title = &rb.check(id).unwrap().1.title;
        d.coverage
            .by_hand
            .iter()
            .find(|a| &a.check == title)
            .unwrap()
            .clone()
    };
    assert_eq!(hand("deploy-rollback").answer, "no");
    assert_eq!(hand("audit-domain-ownership").answer, "not answered");
    // Automated kinds are never listed as done by hand, and the reverse.
    assert!(d.coverage.by_hand.iter().all(|a| {
        rb.checks()
            .find(|(_, c)| c.title == a.check)
            .is_some_and(|(_, c)| c.run.kind().is_none())
    }));
    assert_eq!(
        d.coverage.commands,
        [
            "launch-ready check --session acme --fail-on high",
            "launch-ready monitor --session acme"
        ]
    );

    // The rollback answer and its note, wherever the runbook asks it.
    let rollback = d
        .deploy_rollback
        .iter()
        .find(|a| a.check == "Rollback tried before launch")
        .unwrap();
    assert_eq!(rollback.answer, "no");
    assert!(rollback.note.contains("no down step"));
    // Checks of the deploy stage that are not about deploying are not listed.
    assert!(
        !d.deploy_rollback
            .iter()
            .any(|a| a.check == "No config files or .git served")
    );
}

#[test]
fn every_format_carries_the_deliverables() {
    let rb = runbook();
    let mut s = session(&rb);
    run(&mut s, "edge-hsts", CheckStatus::Fail, 2, 600);
    run(&mut s, "edge-hsts", CheckStatus::Pass, 0, 5);
    let pack = build(&rb, &s, &[], NOW);
    let md = render(&pack, Format::Markdown).unwrap();
    let html = render(&pack, Format::Html).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&render(&pack, Format::Json).unwrap()).unwrap();
    for heading in [
        "Stage deliverables",
        "Deploy and rollback",
        "Checked by hand, checked automatically",
        "What changed during the sprint",
    ] {
        assert!(md.contains(&format!("## {heading}")), "{heading}");
        assert!(html.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    assert!(md.contains("**fixed** over 2 runs"), "{md}");
    assert!(html.contains("launch-ready check --session acme --fail-on high"));
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["deliverables"]["changes"][0]["change"], "fixed");
    let delivered = rb.stages[0].deliverables[0].as_str();
    assert!(
        md.contains(&super::render::md_cell(delivered)),
        "{delivered}"
    );
}

fn result(
    check: &str,
    target: &str,
    evidence: launch_ready_core::evidence::Observed,
) -> CheckOutcome {
    CheckOutcome {
        check: check.into(),
        family: check.split('.').next().unwrap_or_default().into(),
        target: target.into(),
        status: CheckStatus::Pass,
        duration_ms: 1,
        summary: String::new(),
        findings: Vec::new(),
        evidence,
        explained_by: None,
        needs_credential: None,
    }
}

fn record_results(s: &mut Session, check_id: &str, results: Vec<CheckOutcome>) {
    let state = s.state_mut(check_id);
    state.record(
        Evidence {
            at: NOW - Duration::minutes(5),
            duration_ms: 1,
            status: CheckStatus::Pass,
            summary: String::new(),
            results,
        },
        NOW - Duration::minutes(5),
    );
}

#[test]
fn the_deployment_map_and_edge_config_say_what_was_observed_and_only_that() {
    use launch_ready_core::evidence::{
        CloudflareEvidence, Observed, ProxiedRecord, RecordMap, ZoneEvidence,
    };
    let rb = runbook();
    let mut s = session(&rb);
    let bare = build(&rb, &s, &[], NOW);
    // Nothing ran: no address, no edge, no zone is claimed.
    assert_eq!(bare.setup.map[0].host, "acme.test");
    assert_eq!(bare.setup.map[0].points_to, "not checked");
    assert_eq!(bare.setup.map[0].edge, "not checked");
    assert!(bare.setup.edge.is_none());
    let html = render(&bare, Format::Html).unwrap();
    assert!(html.contains("The Cloudflare zone audit has not run"));

    // Run but skipped: its reason, not "has not run".
    let mut skipped = result("cloudflare.zone", "acme.test", Observed::None);
    skipped.status = CheckStatus::Skipped;
    skipped.summary = "add a cloudflare-token credential to audit the zone".into();
    record_results(&mut s, "edge-rate-limits", vec![skipped]);
    let note = build(&rb, &s, &[], NOW).setup.edge_note;
    assert_eq!(
        note.as_deref(),
        Some("add a cloudflare-token credential to audit the zone")
    );

    record_results(
        &mut s,
        "audit-subdomains",
        vec![result(
            "dns.records",
            "acme.test",
            Observed::Records(RecordMap {
                host: "acme.test".into(),
                a: vec!["192.0.2.10".into()],
                mx: vec!["10 mx.mailhost.test".into()],
                ..Default::default()
            }),
        )],
    );
    let mut edge = result("edge.provider", "acme.test", Observed::None);
    edge.findings = vec![Finding::new(Code::EdgeProvider, "behind Cloudflare")];
    record_results(&mut s, "edge-provider", vec![edge]);
    record_results(
        &mut s,
        "edge-rate-limits",
        vec![result(
            "cloudflare.zone",
            "acme.test",
            Observed::Cloudflare(Box::new(CloudflareEvidence {
                zone: Some(ZoneEvidence {
                    name: "acme.test".into(),
                    ssl_mode: Some("flexible".into()),
                    bot_fight_mode: Some(false),
                    records: vec![ProxiedRecord {
                        name: "acme.test".into(),
                        kind: "A".into(),
                        content: "192.0.2.10".into(),
                        proxied: false,
                    }],
                    ..Default::default()
                }),
                api_host: None,
            })),
        )],
    );
    let pack = build(&rb, &s, &[], NOW);
    let apex = &pack.setup.map[0];
    assert_eq!(apex.points_to, "192.0.2.10");
    assert_eq!(apex.edge, "behind Cloudflare");
    assert!(!apex.monitored);
    assert_eq!(pack.setup.mail, ["10 mx.mailhost.test"]);
    let e = pack.setup.edge.as_ref().expect("zone read");
    assert_eq!(
        (
            e.ssl_mode.as_str(),
            e.bot_fight_mode.as_str(),
            e.min_tls_version.as_str()
        ),
        ("flexible", "off", "not read")
    );
    assert_eq!(e.records, ["acme.test (A): DNS only"]);
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(md.contains("| TLS mode to the origin | flexible |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&render(&pack, Format::Json).unwrap()).unwrap();
    assert_eq!(json["setup"]["edge"]["ssl_mode"], "flexible");
}

#[test]
fn the_html_pack_has_ordered_headings_and_scoped_table_headers() {
    let rb = runbook();
    let mut s = session(&rb);
    run(&mut s, "edge-hsts", CheckStatus::Fail, 2, 5);
    let html = render(&build(&rb, &s, &[], NOW), Format::Html).unwrap();
    // Every header cell says what it heads, for screen readers.
    let headers = html.matches("<th ").count() + html.matches("<th>").count();
    assert!(headers > 20, "{headers}");
    assert_eq!(html.matches("<th scope=\"col\"").count(), headers);
    // One h1, and no heading level skipped on the way down.
    let mut last = 0;
    let mut h1 = 0;
    for (i, _) in html.match_indices("<h") {
        let Some(level) = html[i + 2..].chars().next().and_then(|c| c.to_digit(10)) else {
            continue;
        };
        assert!(level <= last + 1, "h{level} after h{last}");
        h1 += usize::from(level == 1);
        last = level;
    }
    assert_eq!(h1, 1);
    // The page declares its language for assistive technology.
    assert!(html.contains("<html lang=\"en\""), "{}", &html[..200]);
}

#[test]
fn the_alert_plan_names_the_route_and_says_how_the_drill_went() {
    use launch_ready_core::session::monitor_log::DrillRecord;
    let rb = runbook();
    let mut s = session(&rb);
    let plan = build(&rb, &s, &[], NOW).setup.alert_plan;
    assert_eq!(plan.route, "webhook alert-webhook");
    assert!(plan.drill.starts_with("no drill was run"), "{}", plan.drill);
    assert!(plan.escalation.starts_with("none"));

    // Two routes: the escalation is named, with the monitor's delay.
    let mut two = session(&rb);
    two.targets.alert_routes =
        launch_ready_core::session::model::AlertRoute::parse_line(
            "alert-webhook smtp://ops@mail.acme.test:587?from=ops@acme.test&to=oncall@acme.test&password=smtp-pass",
        )
        .expect("two routes");
    let pack2 = build(&rb, &two, &[], NOW);
    // The monitoring section lists the mail route too, as not tested by the webhook check.
    let mail = pack2
        .monitoring
        .data
        .alert_routes
        .iter()
        .find(|r| r.name == "email to oncall@acme.test")
        .expect("the mail route is listed");
    assert_eq!(mail.status, "not tested");
    let plan2 = pack2.setup.alert_plan;
    assert_eq!(
        plan2.route,
        "webhook alert-webhook, then email to oncall@acme.test"
    );
    assert!(
        plan2
            .escalation
            .starts_with("an alert still unresolved after 15 min (the default) goes to the next route (webhook alert-webhook → email to oncall@acme.test)"),
        "{}",
        plan2.escalation
    );
    if let Some(min) = rb.targets.alert_delay_min {
        assert!(
            plan.thresholds
                .iter()
                .any(|t| t.contains(&format!("{min} min")))
        );
    }

    let drill = |passed| DrillRecord {
        at: NOW - Duration::hours(1),
        passed,
        test_alert_ms: Some(40),
        detection_ms: Some(2_100),
        alert_ms: Some(2_300),
        recovery_ms: Some(1_000),
        recovery_alert_ms: Some(1_200),
        target_ms: 300_000,
        problems: Vec::new(),
        routes: Vec::new(),
    };
    s.targets.alert_route = Some("ops-pager".into());
    s.monitor.record_drill(drill(false));
    let plan = build(&rb, &s, &[], NOW).setup.alert_plan;
    assert_eq!(plan.route, "webhook ops-pager");
    assert!(
        plan.drill.starts_with("failed on 2026-11-30"),
        "{}",
        plan.drill
    );
    s.monitor.record_drill(drill(true));
    let plan = build(&rb, &s, &[], NOW).setup.alert_plan;
    assert!(plan.drill.starts_with("passed"), "{}", plan.drill);
    assert!(plan.drill.contains("alert after 2.3 s"), "{}", plan.drill);
    let md = render(&build(&rb, &s, &[], NOW), Format::Markdown).unwrap();
    assert!(md.contains("## Alert plan"));
    assert!(md.contains("`ops-pager`"));
}
