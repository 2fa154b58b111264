//! The model filled from a session holding evidence of every family, and the three
//! renderings agreeing with it, escaping and redacting.

use super::build::{EnvColumn, build};
use super::{Format, render};
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{
    AcceptedRisk, CheckOutcome, Decision, Evidence, JournalEntry, JournalKind, Verdict,
};
use serde_json::json;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

fn stripe_key() -> String {
    ["sk", "_live_", "Q7mW2xR9tK4pL8vN3bZ6cY1d"].concat()
}

fn runbook() -> Runbook {
    launch_ready_core::runbook::library::Library::load(None)
        .resolve("b2b-demo-to-launch")
        .expect("bundled runbook")
        .runbook
}

fn outcome(
    check: &str,
    target: &str,
    status: CheckStatus,
    evidence: serde_json::Value,
) -> CheckOutcome {
    CheckOutcome {
        check: check.into(),
        family: check.split('.').next().unwrap_or_default().into(),
        target: target.into(),
        status,
        duration_ms: 5,
        summary: format!("{check} on {target}"),
        findings: Vec::new(),
        evidence: launch_ready_core::evidence::Observed::read(
            launch_ready_core::catalog::KindId::parse(check),
            evidence,
        ),
        explained_by: None,
        needs_credential: None,
    }
}

fn record(session: &mut Session, check_id: &str, results: Vec<CheckOutcome>) {
    let status = results
        .iter()
        .map(|r| r.status)
        .max_by_key(|s| s.badness())
        .unwrap_or(CheckStatus::Pass);
    let state = session.state_mut(check_id);
    state.status = status;
    state.updated_at = Some(NOW);
    state.push_evidence(Evidence {
        at: NOW - Duration::minutes(5),
        duration_ms: 5,
        status,
        summary: String::new(),
        results,
    });
}

/// A session with evidence of every family the pack reads.
fn session(runbook: &Runbook) -> Session {
    let loaded = launch_ready_core::runbook::Loaded {
        runbook: runbook.clone(),
        origin: launch_ready_core::runbook::Origin::Bundled("b2b-demo-to-launch"),
        hash: "sha256:0".into(),
    };
    let mut s = Session::new(
        "acme",
        "Acme <Corp>",
        &loaded,
        launch_ready_core::session::model::Targets {
            apex: "acme.test".into(),
            alert_route: Some("alert-webhook".into()),
            ..Default::default()
        },
        NOW - Duration::hours(30),
    );
    record(
        &mut s,
        "audit-subdomains",
        vec![outcome(
            "dns.records",
            "acme.test",
            CheckStatus::Pass,
            json!({ "host": "acme.test", "role": "apex", "a": ["192.0.2.10"], "mx": ["10 mx.acme.test"], "txt": ["v=spf1 -all"] }),
        )],
    );
    record(
        &mut s,
        "audit-redirect-chains",
        vec![outcome(
            "http.redirects",
            "acme.test",
            CheckStatus::Pass,
            json!({ "chains": [{ "entry": "http://acme.test/", "hops": [
                { "url": "http://acme.test/", "status": 301, "location": "https://acme.test/" },
                { "url": "https://acme.test/", "status": 200 }],
                "end": { "final": "https://acme.test/", "status": 200 } }] }),
        )],
    );
    record(
        &mut s,
        "edge-tls-certificate",
        vec![outcome(
            "tls.certificate",
            "acme.test",
            CheckStatus::Warn,
            json!({ "trust": "trusted", "protocol": "TLSv1.3", "days_to_expiry": 9,
                    "chain": [{ "subject": "CN=acme.test", "issuer": "CN=Test CA", "not_after": "2026-12-09T00:00:00Z" }] }),
        )],
    );
    record(
        &mut s,
        "audit-email-spf",
        vec![outcome(
            "email.spf",
            "acme.test",
            CheckStatus::Pass,
            json!({ "record": "v=spf1 -all" }),
        )],
    );
    record(
        &mut s,
        "audit-email-dmarc",
        vec![outcome(
            "email.dmarc",
            "_dmarc.acme.test",
            CheckStatus::Warn,
            json!({ "record": "v=DMARC1; p=none" }),
        )],
    );
    record(
        &mut s,
        "audit-email-dkim",
        vec![outcome(
            "email.dkim",
            "acme.test",
            CheckStatus::Pass,
            json!({ "selectors_tried": ["default"], "found": [{ "selector": "default", "key_type": "rsa", "bits": 2048 }] }),
        )],
    );
    let mut env = outcome(
        "env.inventory",
        "/app/.env.production",
        CheckStatus::Fail,
        json!({}),
    );
    env.findings.push(
        Finding::new(
            Code::EnvSharedSecret,
            "staging and production share secret values (SESSION_SECRET)",
        )
        .with_evidence(
            json!({ "environments": ["staging", "production"], "names": ["SESSION_SECRET"] }),
        ),
    );
    record(&mut s, "audit-env-vars", vec![env]);
    let mut repo = outcome(
        "secrets.repo",
        "/app",
        CheckStatus::Fail,
        json!({ "files_scanned": 10 }),
    );
    repo.findings.push(
        Finding::new(Code::SecretsExposed, "src/pay.ts line 3: stripe-secret-key (sk_l…(32 chars))")
            .with_evidence(json!({ "rule": "stripe-secret-key", "path": "src/pay.ts", "line": 3, "redacted": "sk_l…(32 chars)", "fingerprint": "00" })),
    );
    record(&mut s, "audit-secrets-repo", vec![repo]);
    let mut perf = outcome(
        "perf.latency",
        "https://acme.test/login",
        CheckStatus::Fail,
        json!({ "routes": [{ "name": "login", "method": "GET", "url": "https://acme.test/login", "requests": 50,
                              "latency_ms": { "p50": 120.0, "p90": 300.0, "p95": 420.0, "p99": 500.0, "max": 600.0 },
                              "error_rate_pct": 0.0, "p95_budget_ms": 300 }] }),
    );
    perf.findings.push(Finding::new(
        Code::PerfP95OverBudget,
        "GET https://acme.test/login: p95 420 ms is over the 300 ms budget",
    ));
    record(&mut s, "baseline-p95-latency", vec![perf]);
    record(
        &mut s,
        "observe-alert-route",
        vec![outcome(
            "uptime.alert_route",
            "alert-webhook",
            CheckStatus::Pass,
            json!({ "attempts": 1, "delivery_ms": 42 }),
        )],
    );
    let owner = s.state_mut("handover-ownership");
    owner.status = CheckStatus::Pass;
    owner.note = format!(
        "DNS: Dana | edge: <script>alert(1)</script>\nrollback: `git revert` then redeploy; old key {}",
        stripe_key()
    );
    s.accepted.push(AcceptedRisk {
        key: "perf.p95_over_budget".into(),
        target: "https://acme.test/login".into(),
        reason: "login is cached after launch".into(),
        owner: "Dana".into(),
        at: NOW - Duration::hours(1),
    });
    s.journal.push(JournalEntry {
        at: NOW - Duration::hours(29),
        text: "kick-off with the founder".into(),
        kind: JournalKind::Note,
    });
    s.decisions.push(Decision {
        at: NOW - Duration::hours(2),
        verdict: Verdict::NoGo,
        reason: "secret in the repo".into(),
    });
    s
}

fn env_columns() -> Vec<EnvColumn> {
    let set = |v: &[&str]| Ok(v.iter().map(|s| (*s).to_string()).collect());
    vec![
        EnvColumn {
            environment: "staging".into(),
            names: set(&["DATABASE_URL", "SESSION_SECRET"]),
        },
        EnvColumn {
            environment: "production".into(),
            names: set(&["SESSION_SECRET", "STRIPE_KEY"]),
        },
    ]
}

#[test]
fn every_section_is_filled_from_the_session() {
    let rb = runbook();
    let s = session(&rb);
    let p = build(&rb, &s, &env_columns(), NOW);
    assert_eq!(
        p.check.verdict, "no-go",
        "the secret in the repo is a blocker"
    );
    assert!(
        p.verdict_detail
            .reasons
            .iter()
            .any(|r| r.contains("secrets.exposed")),
        "{:?}",
        p.verdict_detail.reasons
    );
    assert_eq!(
        p.verdict_detail
            .last_decision
            .as_ref()
            .map(|d| d.verdict.as_str()),
        Some("no-go")
    );
    assert_eq!(p.session.sprint_hour, 30);

    let first = p
        .risks
        .iter()
        .find(|r| r.key == "secrets.exposed")
        .expect("the secret is a risk");
    assert_eq!(
        (first.severity.as_str(), first.key.as_str()),
        ("blocker", "secrets.exposed")
    );
    assert_eq!(
        first.headline,
        launch_ready_core::advice::for_code("secrets.exposed").headline
    );
    assert!(!first.fix.is_empty() && !first.impact.is_empty());
    assert!(
        p.risks.iter().all(|r| r.key != "perf.p95_over_budget"),
        "accepted risks leave the list"
    );
    assert_eq!(p.accepted.len(), 1);
    assert_eq!(
        (p.accepted[0].owner.as_str(), p.accepted[0].reason.as_str()),
        ("Dana", "login is cached after launch")
    );

    assert!(p.dns.available);
    assert_eq!(p.dns.data[0].a, ["192.0.2.10"]);
    assert!(p.redirects.available);
    assert_eq!(p.redirects.data[0].hops.len(), 2);
    assert_eq!(p.redirects.data[0].end, "https://acme.test/ (200)");
    assert_eq!(p.certificates.data[0].days_left, Some(9));
    assert_eq!(
        p.certificates.data[0].state, "warn",
        "9 days is inside the 14-day window"
    );
    let mail = &p.email.data[0];
    assert_eq!(
        mail.domain, "acme.test",
        "_dmarc. is folded into its domain"
    );
    assert_eq!(
        (mail.spf.status.as_str(), mail.dmarc.status.as_str()),
        ("pass", "warn")
    );
    assert_eq!(mail.dkim.detail, "default: rsa 2048-bit");

    assert_eq!(p.env.data.environments, ["staging", "production"]);
    let cells = |name: &str| {
        p.env
            .data
            .keys
            .iter()
            .find(|k| k.name == name)
            .map(|k| k.cells.clone())
    };
    assert_eq!(cells("DATABASE_URL").unwrap(), ["present", "missing"]);
    assert_eq!(cells("SESSION_SECRET").unwrap(), ["shared", "shared"]);
    assert_eq!(cells("STRIPE_KEY").unwrap(), ["missing", "present"]);

    let secret = p
        .secrets
        .data
        .iter()
        .find(|r| r.code == "secrets.exposed")
        .expect("repo finding");
    let shared = p
        .secrets
        .data
        .iter()
        .find(|r| r.code == "env.shared_secret")
        .expect("env finding");
    assert_eq!(
        (shared.location.as_str(), shared.preview.as_str()),
        ("staging and production", "SESSION_SECRET")
    );
    assert_eq!(
        (secret.rule.as_str(), secret.location.as_str(), secret.line),
        ("stripe-secret-key", "src/pay.ts", Some(3))
    );
    assert_eq!(secret.preview, "sk_l…(32 chars)");

    let route = &p.performance.data.routes[0];
    assert_eq!(
        (route.p95_ms, route.budget_ms, route.within_budget),
        (420.0, 300, false)
    );
    assert!(p.performance.data.chart_svg.contains("bar over"));

    assert_eq!(p.monitoring.data.alert_routes[0].name, "alert-webhook");
    assert_eq!(
        p.monitoring.data.alert_routes[0].detail,
        "test alert delivered in 42 ms"
    );
    assert!(
        p.monitoring
            .missing
            .as_deref()
            .unwrap_or_default()
            .contains("drill")
    );

    assert!(p.ownership.available);
    assert!(p.ownership.data[0].note.contains("DNS: Dana"));
    assert!(
        p.timeline
            .events
            .iter()
            .any(|e| e.kind == "note" && e.hour == 1)
    );
    assert!(p.timeline.events.iter().any(|e| e.kind == "decision"));
    assert_eq!(p.timeline.stages.len(), 7);
    assert!(!p.next_steps.is_empty());
}

#[test]
fn the_monitor_history_and_the_latest_drill_reach_the_pack() {
    use launch_ready_core::session::monitor_log::DrillRecord;
    let rb = runbook();
    let mut s = session(&rb);
    let url = "https://app.acme.test/health";
    let every = std::time::Duration::from_secs(60);
    for i in 0..10 {
        let up = !(4..6).contains(&i);
        let reason = (!up).then_some("connection refused");
        let latency = up.then_some(100 + i as u64);
        let at = NOW - Duration::minutes(10 - i);
        s.monitor.record_probe(url, at, up, latency, reason, every);
    }
    s.monitor.record_drill(DrillRecord {
        at: NOW - Duration::minutes(1),
        passed: true,
        test_alert_ms: Some(5),
        detection_ms: Some(61_000),
        alert_ms: Some(61_200),
        recovery_ms: Some(30_000),
        recovery_alert_ms: Some(30_100),
        target_ms: 120_000,
        problems: Vec::new(),
        routes: vec![launch_ready_core::session::monitor_log::DrillRoute {
            name: "email to ops@acme.test".into(),
            kind: launch_ready_core::session::monitor_log::RouteKind::Email,
            test_alert_ms: Some(210),
            alert_ms: None,
            recovery_alert_ms: Some(900),
            escalated: true,
            escalation_ms: Some(180),
            error: None,
            paged: true,
        }],
    });
    let p = build(&rb, &s, &env_columns(), NOW);
    let m = &p.monitoring.data;
    let t = m
        .targets
        .iter()
        .find(|t| t.target == url)
        .expect("the monitored URL is listed");
    let h = t.history.as_ref().expect("with its history");
    assert_eq!((h.probes, h.failures), (10, 2));
    assert_eq!(h.recent_up.iter().filter(|up| !**up).count(), 2);
    assert!(h.uptime_pct.unwrap() < 100.0 && h.uptime_pct.unwrap() > 50.0);
    assert_eq!(t.status, "up", "the latest probe was up");
    assert_eq!(m.alert_delay_ms, Some(61_200), "the drill's measured delay");
    let drill = m.drill.as_ref().expect("the drill");
    assert_eq!(drill.detection_ms, Some(61_000));
    assert!(m.chart_svg.contains("% up"), "{}", m.chart_svg);
    let md = render(&p, Format::Markdown).expect("md");
    assert!(md.contains("Alert drill"), "{md}");
    assert!(md.contains("10 probes, 2 failed"), "{md}");
    let line = "email to ops@acme.test (email): test alert after 210 ms, escalated after 180 ms, recovery alert after 900 ms";
    assert_eq!(drill.routes, [line]);
    assert!(
        md.contains("- Route email to") && md.contains("escalated after 180 ms"),
        "{md}"
    );
    let html = render(&p, Format::Html).expect("html");
    assert!(
        html.contains("<li>Route email to ops@acme.test (email)"),
        "{html}"
    );
}

#[test]
fn a_bare_session_says_what_is_missing_and_which_check_fills_it() {
    let rb = runbook();
    let loaded = launch_ready_core::runbook::Loaded {
        runbook: rb.clone(),
        origin: launch_ready_core::runbook::Origin::Bundled("b2b-demo-to-launch"),
        hash: "sha256:0".into(),
    };
    let s = Session::new("empty", "Empty", &loaded, Default::default(), NOW);
    let p = build(&rb, &s, &[], NOW);
    assert_eq!(p.check.verdict, "incomplete");
    for (name, missing, kind) in [
        ("dns", &p.dns.missing, "dns.records"),
        ("redirects", &p.redirects.missing, "http.redirects"),
        ("certificates", &p.certificates.missing, "tls.certificate"),
        ("email", &p.email.missing, "email.spf"),
        ("env", &p.env.missing, "env.inventory"),
        ("secrets", &p.secrets.missing, "secrets.repo"),
        ("performance", &p.performance.missing, "perf.latency"),
        ("monitoring", &p.monitoring.missing, "uptime.probe"),
    ] {
        let m = missing
            .as_deref()
            .unwrap_or_else(|| panic!("{name} has no missing line"));
        assert!(m.contains(kind), "{name}: {m}");
    }
    assert!(
        p.ownership
            .missing
            .as_deref()
            .unwrap_or_default()
            .contains("Production handover")
    );
    let md = render(&p, Format::Markdown).unwrap();
    assert!(
        md.contains("this section"),
        "missing lines reach the Markdown"
    );
}

#[test]
fn formats_agree_escape_and_never_hold_a_secret() {
    let rb = runbook();
    let s = session(&rb);
    let p = build(&rb, &s, &env_columns(), NOW);
    let key = stripe_key();
    assert!(
        !p.ownership.data[0].note.contains(&key),
        "the note is redacted in the model"
    );
    assert!(p.ownership.data[0].note.contains("sk_l…(32 chars)"));

    let html = render(&p, Format::Html).unwrap();
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;"),
        "notes are escaped"
    );
    assert!(
        !html.contains("<script"),
        "no script of any kind in the pack"
    );
    assert!(html.contains("Acme &lt;Corp&gt;"));
    assert!(
        !html.contains("http://") || !html.contains("<link"),
        "no external stylesheet"
    );
    assert!(
        html.contains("<svg class=\"chart\""),
        "latency chart inline"
    );
    assert!(html.contains("@media print") && html.contains("@media (max-width"));

    let md = render(&p, Format::Markdown).unwrap();
    assert!(
        md.contains("DNS: Dana \\| edge: &lt;script&gt;"),
        "pipes and tags are inert in cells: {md}"
    );
    assert!(md.contains("| Variable | staging | production |"));

    let json = render(&p, Format::Json).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["verdict"], "no-go");
    assert_eq!(v["tool"], "launch-ready");
    assert!(
        !v["results"].as_array().unwrap().is_empty(),
        "the check report's results"
    );
    assert_eq!(v["risks"].as_array().unwrap().len(), p.risks.len());
    assert!(
        v["performance"]["data"].get("chart_svg").is_none(),
        "charts are HTML only"
    );

    for (name, text) in [("html", &html), ("md", &md), ("json", &json)] {
        assert!(!text.contains(&key), "{name} holds the secret");
        assert!(
            text.contains("secrets.exposed") || text.contains("stripe-secret-key"),
            "{name}"
        );
        // Every format names every open risk.
        for r in &p.risks {
            assert!(
                text.contains(&r.check.replace('<', "&lt;")) || name == "md",
                "{name}: {}",
                r.check
            );
        }
    }
}

/// Variable names read as typed: `DATABASE_URL`, not `DATABASE\_URL` (a code span shows
/// a backslash as it is, and an underscore inside a word never starts emphasis anyway).
#[test]
fn markdown_shows_names_as_typed_and_escapes_only_what_would_render() {
    let rb = runbook();
    let s = session(&rb);
    let p = build(&rb, &s, &env_columns(), NOW);
    let md = render(&p, Format::Markdown).unwrap();
    assert!(md.contains("| `DATABASE_URL` |"), "{md}");
    assert!(!md.contains("DATABASE\\_URL"), "{md}");
    assert!(!md.contains("SESSION\\_SECRET"), "{md}");

    use crate::report::render::{md_cell, md_code};
    assert_eq!(
        md_cell("DATABASE_URL and snake_case"),
        "DATABASE_URL and snake_case"
    );
    assert_eq!(md_cell("_dmarc *bold* _x_"), "\\_dmarc \\*bold\\* \\_x\\_");
    assert_eq!(md_cell("a|b <i>"), "a\\|b &lt;i&gt;");
    assert_eq!(md_code("DATABASE_URL"), "`DATABASE_URL`");
    assert_eq!(md_code("a|b"), "`a\\|b`");
    assert_eq!(md_code("x`y"), "``x`y``");
    assert_eq!(md_code("`x"), "`` `x ``");
    assert_eq!(md_code("two\nlines"), "`two lines`");
}

/// A route that answers within its p95 budget but fails every request is not within
/// budget: the pack says no, in every format.
#[test]
fn a_fast_route_that_only_errors_is_not_within_budget() {
    let rb = runbook();
    let mut s = session(&rb);
    let perf = outcome(
        "perf.latency",
        "https://acme.test/api",
        CheckStatus::Fail,
        json!({ "budgets": { "p95_read_ms": 300, "p95_write_ms": 500, "error_rate_pct": 1.0, "payload_bytes": 1048576 },
                "routes": [{ "name": "api", "method": "GET", "url": "https://acme.test/api", "requests": 40,
                             "latency_ms": { "p50": 2.0, "p90": 3.0, "p95": 4.0, "p99": 5.0, "max": 6.0 },
                             "error_rate_pct": 100.0, "p95_budget_ms": 300 }] }),
    );
    record(&mut s, "baseline-p95-latency", vec![perf]);
    let p = build(&rb, &s, &[], NOW);
    let route = &p.performance.data.routes[0];
    assert_eq!(
        (
            route.p95_ms,
            route.error_rate_pct,
            route.error_budget_pct,
            route.within_budget
        ),
        (4.0, 100.0, 1.0, false)
    );
    let md = render(&p, Format::Markdown).unwrap();
    let row = md
        .lines()
        .find(|l| l.contains("acme.test/api"))
        .expect("the route's row");
    assert!(row.ends_with("| **no** |"), "{row}");
    // The opposite case: the same route without errors is within budget.
    let mut s = session(&rb);
    let ok = outcome(
        "perf.latency",
        "https://acme.test/api",
        CheckStatus::Pass,
        json!({ "budgets": { "error_rate_pct": 1.0 },
                "routes": [{ "name": "api", "method": "GET", "url": "https://acme.test/api", "requests": 40,
                             "latency_ms": { "p50": 2.0, "p90": 3.0, "p95": 4.0, "p99": 5.0, "max": 6.0 },
                             "error_rate_pct": 0.0, "p95_budget_ms": 300 }] }),
    );
    record(&mut s, "baseline-p95-latency", vec![ok]);
    let p = build(&rb, &s, &[], NOW);
    assert!(p.performance.data.routes[0].within_budget);
}

/// A session that names no alert route alerts through the default `alert-webhook`: the
/// pack names it, marked delivered when a drill's test alert reached it, and "not tested"
/// (never "none set") when nothing was sent.
#[test]
fn the_default_alert_route_is_named_with_what_was_sent_through_it() {
    use launch_ready_core::session::monitor_log::DrillRecord;
    let rb = runbook();
    let mut s = session(&rb);
    s.targets.alert_route = None;
    // No alert-route check ran in this session.
    s.checks.remove("observe-alert-route");
    let p = build(&rb, &s, &[], NOW);
    let routes = &p.monitoring.data.alert_routes;
    assert_eq!(routes.len(), 1, "{routes:?}");
    assert_eq!(
        (routes[0].name.as_str(), routes[0].status.as_str()),
        ("alert-webhook", "not tested")
    );
    let md = render(&p, Format::Markdown).expect("md");
    assert!(!md.contains("none set"), "{md}");

    s.monitor.record_drill(DrillRecord {
        at: NOW - Duration::minutes(1),
        passed: true,
        test_alert_ms: Some(42),
        target_ms: 120_000,
        ..DrillRecord::default()
    });
    let p = build(&rb, &s, &[], NOW);
    let routes = &p.monitoring.data.alert_routes;
    assert_eq!(
        (routes[0].name.as_str(), routes[0].status.as_str()),
        ("alert-webhook", "pass")
    );
    assert!(
        routes[0].detail.contains("delivered in 42 ms"),
        "{routes:?}"
    );
}

/// A question the operator answered "no" is said as answered, with what to do; one nobody
/// answered yet is said as a question still to answer.
#[test]
fn an_answered_question_reads_as_its_answer() {
    let rb = runbook();
    let mut s = session(&rb);
    s.state_mut("audit-domain-ownership").status = CheckStatus::Fail;
    let p = build(&rb, &s, &[], NOW);
    let row = p
        .risks
        .iter()
        .find(|r| r.key == "check:audit-domain-ownership")
        .expect("the failed answer is a risk");
    assert_eq!(row.headline, "Answered: not done yet");
    assert!(row.fix.starts_with("Get it done"), "{}", row.fix);
    assert!(!row.headline.contains("confirm"), "{}", row.headline);

    s.state_mut("audit-domain-ownership").status = CheckStatus::Todo;
    let p = build(&rb, &s, &[], NOW);
    let row = p
        .risks
        .iter()
        .find(|r| r.key == "check:audit-domain-ownership")
        .expect("the open question is a risk");
    assert_eq!(row.headline, "Not answered yet");
    assert!(row.fix.starts_with("Answer: "), "{}", row.fix);
}

/// A secret whose risk was accepted is listed as accepted, with who and why; one that was
/// not says so.
#[test]
fn an_accepted_secret_is_marked_accepted() {
    use launch_ready_core::session::model::AcceptedRisk;
    let rb = runbook();
    let mut s = session(&rb);
    let p = build(&rb, &s, &[], NOW);
    let row = p
        .secrets
        .data
        .iter()
        .find(|r| r.code == "secrets.exposed")
        .expect("the planted secret");
    assert_eq!(row.accepted, None);
    let md = render(&p, Format::Markdown).expect("md");
    assert!(md.contains("| Accepted |"), "{md}");

    s.accepted.push(AcceptedRisk {
        key: "secrets.exposed".into(),
        target: String::new(),
        reason: "test key, revoked".into(),
        owner: "Maya".into(),
        at: NOW,
    });
    let p = build(&rb, &s, &[], NOW);
    let row = p
        .secrets
        .data
        .iter()
        .find(|r| r.code == "secrets.exposed")
        .unwrap_or_else(|| panic!("the planted secret in {:?}", p.secrets.data));
    assert_eq!(
        row.accepted.as_deref(),
        Some("accepted by Maya: test key, revoked")
    );
}

/// A note written on an ordinary check reaches the pack beside its check, redacted; a
/// check without a note adds nothing.
#[test]
fn notes_on_every_check_reach_the_pack() {
    let rb = runbook();
    let mut s = session(&rb);
    let key = stripe_key();
    s.state_mut("audit-domain-ownership").note =
        format!("Registrar: Gandi, account in the founder's name. Old key {key}");
    let p = build(&rb, &s, &[], NOW);
    let note = p
        .notes
        .iter()
        .find(|n| n.check == "The company owns the domain")
        .unwrap_or_else(|| panic!("the note is in the pack: {:?}", p.notes));
    assert!(note.note.starts_with("Registrar: Gandi"), "{}", note.note);
    assert!(!note.note.contains(&key), "redacted: {}", note.note);
    let md = render(&p, Format::Markdown).expect("md");
    assert!(md.contains("account in the founder"), "{md}");
    let html = render(&p, Format::Html).expect("html");
    assert!(html.contains("account in the founder"));

    s.state_mut("audit-domain-ownership").note.clear();
    let p = build(&rb, &s, &[], NOW);
    assert!(
        p.notes
            .iter()
            .all(|n| n.check != "The company owns the domain")
    );
}

/// A brand-new session of any bundled runbook is incomplete in the pack, never a no-go:
/// nothing has been checked or answered yet.
#[test]
fn a_new_session_of_every_bundled_runbook_is_incomplete() {
    for loaded in launch_ready_core::runbook::library::bundled() {
        let loaded = loaded.expect("bundled runbooks load");
        let s = Session::new("fresh", "Fresh", &loaded, Default::default(), NOW);
        let p = build(&loaded.runbook, &s, &[], NOW);
        assert_eq!(p.check.verdict, "incomplete", "{}", loaded.runbook.id);
        assert!(
            p.verdict_detail.headline.starts_with("Incomplete"),
            "{}: {}",
            loaded.runbook.id,
            p.verdict_detail.headline
        );
    }
}

/// The verdict's summary speaks plain words: no finding code and no file path, and the
/// risks are grouped by defect, one group per distinct key and severity at most.
#[test]
fn the_summary_has_no_codes_or_paths_and_risks_group_by_defect() {
    let rb = runbook();
    let s = session(&rb);
    let p = build(&rb, &s, &[], NOW);
    assert!(!p.verdict_detail.summary.is_empty());
    let codes: Vec<&str> = launch_ready_core::catalog::all_codes();
    for l in &p.verdict_detail.summary {
        let text = format!("{} {} {}", l.headline, l.impact, l.fix);
        assert!(
            codes.iter().all(|c| !text.contains(c)),
            "a code in the summary: {text}"
        );
        assert!(!text.contains("/tmp") && !text.contains("src/"), "{text}");
    }
    let mut keys: Vec<(&str, &str)> = p
        .risks
        .iter()
        .map(|r| (r.key.as_str(), r.severity.as_str()))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(p.risk_groups.len(), keys.len());
    let places: usize = p.risk_groups.iter().map(|g| g.places.len()).sum();
    assert!(places <= p.risks.len());
    // The one count of risks: the pack's groups are the verdict's defects, and its
    // severity counts add up to them, as the TUI and `check` count them.
    let assessment = launch_ready_core::verdict::assess(&rb, &s, NOW);
    assert_eq!(p.risk_groups.len(), assessment.defects().len());
    let c = &p.verdict_detail.counts;
    assert_eq!(
        c.blocker + c.high + c.medium + c.low,
        p.risk_groups.len(),
        "{c:?}"
    );
    // The opposite: without open risks there is nothing to summarise.
    let mut clean = session(&rb);
    clean.checks.clear();
    let p = build(&rb, &clean, &[], NOW);
    assert!(
        p.risk_groups
            .iter()
            .all(|g| g.unchecked || g.key.starts_with("check:"))
    );
}

/// A run of clock moves is one timeline line saying how many there were; the sprint's
/// other events stay as they are.
#[test]
fn clock_moves_do_not_flood_the_timeline() {
    use launch_ready_core::session::model::{JournalEntry, JournalKind};
    let rb = runbook();
    let mut s = session(&rb);
    s.journal.clear();
    for i in 0..5 {
        s.journal.push(JournalEntry {
            at: NOW - Duration::minutes(30 - i),
            text: format!("sprint start moved ({i})"),
            kind: JournalKind::Clock,
        });
    }
    s.journal.push(JournalEntry {
        at: NOW - Duration::minutes(10),
        text: "registrar account confirmed".into(),
        kind: JournalKind::Note,
    });
    s.journal.push(JournalEntry {
        at: NOW - Duration::minutes(5),
        text: "clock paused".into(),
        kind: JournalKind::Clock,
    });
    s.decisions.clear();
    let p = build(&rb, &s, &[], NOW);
    let kinds: Vec<&str> = p.timeline.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["clock", "note", "clock"]);
    assert_eq!(
        p.timeline.events[0].text,
        "sprint start moved (4) (the last of 5 clock changes)"
    );
    assert_eq!(p.timeline.events[2].text, "clock paused");
}

/// An automated check nobody marked is never said to be "marked failed": it failed on its
/// own run. A manual question answered "no" is the one a person marked.
#[test]
fn an_automated_check_that_failed_is_not_said_to_be_marked() {
    let rb = runbook();
    let mut s = session(&rb);
    s.state_mut("baseline-cache-headers").status = CheckStatus::Fail;
    let p = build(&rb, &s, &[], NOW);
    let row = p
        .risks
        .iter()
        .find(|r| r.key == "check:baseline-cache-headers")
        .expect("the failed check is a risk");
    assert_eq!(row.headline, "Failed on its last run");
    assert!(!row.evidence.contains("marked"), "{}", row.evidence);
    s.state_mut("audit-domain-ownership").status = CheckStatus::Fail;
    let p = build(&rb, &s, &[], NOW);
    let manual = p
        .risks
        .iter()
        .find(|r| r.key == "check:audit-domain-ownership")
        .expect("the answered question is a risk");
    assert_eq!(manual.evidence, "marked failed");
}

/// Web vitals reach the performance section in every format: the figures, the targets
/// and the largest opportunity; a page with a finding is not within its targets, and a
/// page without one is.
#[test]
fn web_vitals_show_in_the_performance_section() {
    // The bundled runbooks leave web vitals to be asked for; this one asks.
    let mut rb = runbook();
    let kind = launch_ready_core::catalog::kind("perf.web_vitals").unwrap();
    rb.stages[0]
        .checks
        .push(launch_ready_core::runbook::model::Check {
            id: "perf.web_vitals".into(),
            title: kind.title.into(),
            why: String::new(),
            severity: launch_ready_core::finding::Severity::High,
            run: launch_ready_core::runbook::Run::Auto {
                kind: launch_ready_core::runbook::model::KindName(kind),
                severity: Default::default(),
                params: Default::default(),
            },
            sensitive: false,
        });
    let mut s = session(&rb);
    let vitals = |url: &str, lcp: f64, status| {
        let mut o = outcome(
            "perf.web_vitals",
            url,
            status,
            json!({ "url": url, "runs": 1, "score": 61, "lcp_ms": lcp, "cls": 0.0, "tbt_ms": 40.0,
                    "targets": { "score": 85, "lcp_ms": 2500, "cls": 0.1, "tbt_ms": 200, "image_savings_bytes": 102400 },
                    "opportunities": [{ "id": "modern-image-formats", "title": "Serve images in next-gen formats",
                                        "savings_ms": 13350.0, "savings_bytes": 2720054, "resources": [] }] }),
        );
        if status == CheckStatus::Fail {
            o.findings = vec![Finding::new(Code::PerfLcpOverBudget, "slow")];
        }
        o
    };
    record(
        &mut s,
        "perf.web_vitals",
        vec![
            vitals("https://acme.test/hero", 15300.0, CheckStatus::Fail),
            vitals("https://acme.test/fast", 900.0, CheckStatus::Pass),
        ],
    );
    let p = build(&rb, &s, &[], NOW);
    let v = &p.performance.data.vitals;
    assert_eq!(v.len(), 2);
    let hero = v.iter().find(|r| r.url.ends_with("/hero")).unwrap();
    assert_eq!((hero.lcp.as_str(), hero.within_targets), ("15.3 s", false));
    assert!(
        v.iter()
            .find(|r| r.url.ends_with("/fast"))
            .unwrap()
            .within_targets
    );
    let md = render(&p, Format::Markdown).unwrap();
    assert!(md.contains("### Web vitals (phone, Lighthouse)"), "{md}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| https://acme.test/hero |"))
        .unwrap();
    assert!(
        row.contains("| 15.3 s |") && row.contains("**no**"),
        "{row}"
    );
    assert!(
        row.contains("Serve images in next-gen formats: 13.3 s, 2656 KiB"),
        "{row}"
    );
    assert!(md.contains("Targets: score 85, LCP 2.5 s, CLS 0.10, TBT 200 ms."));
    let html = render(&p, Format::Html).unwrap();
    assert!(html.contains("<h3>Web vitals (phone, Lighthouse)</h3>"));
}
