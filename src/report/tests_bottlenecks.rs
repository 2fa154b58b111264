//! The pack's bottlenecks and step test, each statement against its opposite.

use super::build::build;
use super::{Format, render};
use launch_ready_core::evidence::{
    Budgets, LoadReport, Observed, Percentiles, RouteReport, StepSummary, StepTest,
};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{CheckOutcome, Evidence};
use time::Duration;

use super::test_support::{NOW, runbook, session};

fn route(name: &str, p95: f64, errors_pct: f64) -> RouteReport {
    RouteReport {
        name: name.into(),
        url: format!("https://acme.test/{name}"),
        method: "GET".into(),
        requests: 100,
        latency_ms: Percentiles {
            p50: p95 / 2.0,
            p95,
            ..Percentiles::default()
        },
        error_rate_pct: errors_pct,
        p95_budget_ms: 300,
        ..RouteReport::default()
    }
}

/// Records one run of `check_id` holding `routes`, `minutes` ago.
fn record(
    s: &mut Session,
    check_id: &str,
    kind: &str,
    routes: Vec<RouteReport>,
    steps: Option<StepTest>,
    minutes: i64,
) {
    let at = NOW - Duration::minutes(minutes);
    let results = routes
        .into_iter()
        .map(|r| CheckOutcome {
            check: kind.into(),
            family: "perf".into(),
            target: r.url.clone(),
            status: CheckStatus::Pass,
            duration_ms: 1,
            summary: String::new(),
            findings: Vec::new(),
            evidence: Observed::Perf(Box::new(LoadReport {
                routes: vec![r],
                budgets: Budgets::default(),
                step_test: steps.clone(),
                ..LoadReport::default()
            })),
            explained_by: None,
            needs_credential: None,
        })
        .collect();
    s.state_mut(check_id).record(
        Evidence {
            at,
            duration_ms: 1,
            status: CheckStatus::Pass,
            summary: String::new(),
            results,
        },
        at,
    );
}

#[test]
fn bottlenecks_show_the_first_and_last_p95_and_rank_the_worst_first() {
    let rb = runbook();
    let mut s = session(&rb);
    record(
        &mut s,
        "baseline-p95-latency",
        "perf.latency",
        vec![
            route("search", 900.0, 0.0),
            route("login", 250.0, 0.0),
            route("home", 40.0, 0.0),
            route("about", 20.0, 0.0),
        ],
        None,
        120,
    );
    record(
        &mut s,
        "baseline-p95-latency",
        "perf.latency",
        vec![
            route("search", 180.0, 0.0),
            route("login", 600.0, 0.0),
            route("home", 45.0, 0.0),
            route("about", 20.0, 0.0),
        ],
        None,
        10,
    );
    // The same route under load ranks once, by its worst measure.
    record(
        &mut s,
        "load-light-test",
        "perf.load",
        vec![route("login", 650.0, 0.0)],
        None,
        5,
    );
    let b = build(&rb, &s, &[], NOW).performance.data.bottlenecks;
    assert_eq!(b.slowest.len(), 3, "{b:?}");
    assert_eq!(b.slowest[0].measured_by, "load test at 0 connections");
    assert_eq!(b.slowest[0].after_p95_ms, 650.0);
    let names: Vec<&str> = b.slowest.iter().map(|r| r.route.as_str()).collect();
    assert_eq!(names, ["login", "search", "home"]);
    let b = {
        let mut s = session(&rb);
        for (minutes, p95) in [
            (120, [900.0, 250.0, 40.0, 20.0]),
            (10, [180.0, 600.0, 45.0, 20.0]),
        ] {
            record(
                &mut s,
                "baseline-p95-latency",
                "perf.latency",
                ["search", "login", "home", "about"]
                    .iter()
                    .zip(p95)
                    .map(|(n, ms)| route(n, ms, 0.0))
                    .collect(),
                None,
                minutes,
            );
        }
        build(&rb, &s, &[], NOW).performance.data.bottlenecks
    };
    let names: Vec<&str> = b.slowest.iter().map(|r| r.route.as_str()).collect();
    assert_eq!(names, ["login", "search", "home"]);
    let login = &b.slowest[0];
    assert_eq!((login.before_p95_ms, login.after_p95_ms), (250.0, 600.0));
    assert_eq!(login.change, "slower");
    assert!(!login.within_budget);
    let search = &b.slowest[1];
    assert_eq!((search.before_p95_ms, search.after_p95_ms), (900.0, 180.0));
    assert_eq!(search.change, "faster");
    assert!(search.within_budget);
    assert_eq!(search.runs, 2);

    let pack = build(&rb, &s, &[], NOW);
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(md.contains("### Bottlenecks to tackle first"), "{md}");
    assert!(
        md.contains("| 650 (") && md.contains("**over budget**"),
        "{md}"
    );
    let html = render(&pack, Format::Html).unwrap();
    assert!(html.contains("<h3>Bottlenecks to tackle first</h3>"));
}

#[test]
fn a_route_failing_its_error_budget_is_not_within_budget_however_fast() {
    let rb = runbook();
    let mut s = session(&rb);
    record(
        &mut s,
        "baseline-p95-latency",
        "perf.latency",
        vec![route("flaky", 30.0, 100.0)],
        None,
        5,
    );
    let pack = build(&rb, &s, &[], NOW);
    let b = &pack.performance.data.bottlenecks;
    assert_eq!(b.slowest[0].change, "measured once");
    assert_eq!(b.slowest[0].measured_by, "baseline");
    assert!(!b.slowest[0].within_budget);
    // Said as errors, not as a latency over budget.
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(md.contains("**100.0 % errors**"), "{md}");
    assert!(!md.contains("**over budget**"), "{md}");
}

#[test]
fn the_step_test_names_the_first_bottleneck_or_the_highest_step_held() {
    let rb = runbook();
    let step = |connections: usize, p95_ms: f64, over: bool| StepSummary {
        connections,
        rps: 100.0,
        p95_ms,
        error_rate_pct: 0.0,
        over_budget: if over {
            vec!["perf.p95_over_budget".into()]
        } else {
            Vec::new()
        },
    };

    // No run yet: the pack names the check that fills it.
    let s = session(&rb);
    let b = build(&rb, &s, &[], NOW).performance.data.bottlenecks;
    assert!(b.step_tests.is_empty());
    let missing = b.step_test_missing.expect("a reason");
    assert!(
        missing.contains("Light load on login and a core flow"),
        "{missing}"
    );

    // Over budget at the third step.
    let mut s = session(&rb);
    record(
        &mut s,
        "load-light-test",
        "perf.load",
        vec![route("login", 700.0, 0.0)],
        Some(StepTest {
            steps: vec![
                step(5, 90.0, false),
                step(10, 150.0, false),
                step(20, 700.0, true),
            ],
            first_bottleneck: Some(20),
        }),
        3,
    );
    let pack = build(&rb, &s, &[], NOW);
    let b = &pack.performance.data.bottlenecks;
    assert_eq!(b.step_tests[0].first_bottleneck, Some(20));
    assert!(b.step_test_missing.is_none());
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(
        md.contains("first over budget at **20 connections**"),
        "{md}"
    );
    assert!(md.contains("| 20 **over budget** |"), "{md}");

    // Every step held.
    let mut s = session(&rb);
    record(
        &mut s,
        "load-light-test",
        "perf.load",
        vec![route("login", 120.0, 0.0)],
        Some(StepTest {
            steps: vec![step(5, 90.0, false), step(10, 120.0, false)],
            first_bottleneck: None,
        }),
        3,
    );
    let pack = build(&rb, &s, &[], NOW);
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(
        md.contains("held within budget up to 10 connections"),
        "{md}"
    );
    assert!(!md.contains("first over budget"), "{md}");
    let html = render(&pack, Format::Html).unwrap();
    assert!(html.contains("held within budget up to 10 connections"));
}

#[test]
fn a_no_go_pack_says_what_was_not_checked_and_stops_saying_it_once_all_is_checked() {
    let rb = runbook();
    let blocker = |s: &mut Session| {
        let at = NOW - Duration::minutes(5);
        let mut o = CheckOutcome {
            check: "http.exposure".into(),
            family: "http".into(),
            target: "https://acme.test/".into(),
            status: CheckStatus::Fail,
            duration_ms: 1,
            summary: String::new(),
            findings: vec![launch_ready_core::finding::Finding::new(
                launch_ready_core::code::Code::HttpEnvExposed,
                ".env served",
            )],
            evidence: Observed::default(),
            explained_by: None,
            needs_credential: None,
        };
        o.status = CheckStatus::Fail;
        let id = rb
            .checks()
            .find(|(_, c)| c.run.kind().is_some_and(|k| k.name == "http.exposure"))
            .map(|(_, c)| c.id.clone())
            .expect("an exposure check");
        s.state_mut(&id).record(
            Evidence {
                at,
                duration_ms: 1,
                status: CheckStatus::Fail,
                summary: String::new(),
                results: vec![o],
            },
            at,
        );
    };

    // A blocker and the load test never run: the verdict box names the load test.
    let mut s = session(&rb);
    blocker(&mut s);
    let pack = build(&rb, &s, &[], NOW);
    assert_eq!(pack.verdict_detail.verdict, "no-go");
    assert!(
        pack.verdict_detail
            .not_checked
            .iter()
            .any(|c| c == "Light load on login and a core flow"),
        "{:?}",
        pack.verdict_detail.not_checked
    );
    let html = render(&pack, Format::Html).unwrap();
    assert!(html.contains("Not checked yet ("), "not in the verdict box");
    let md = render(&pack, Format::Markdown).unwrap();
    assert!(md.contains("**Not checked yet ("));

    // Every automated check run and clean but the blocker's: nothing left unchecked.
    let mut s = session(&rb);
    for (_, c) in rb.checks() {
        let st = s.state_mut(&c.id);
        st.status = CheckStatus::Pass;
    }
    blocker(&mut s);
    let pack = build(&rb, &s, &[], NOW);
    assert_eq!(pack.verdict_detail.verdict, "no-go");
    assert!(
        pack.verdict_detail.not_checked.is_empty(),
        "{:?}",
        pack.verdict_detail.not_checked
    );
    let html = render(&pack, Format::Html).unwrap();
    assert!(!html.contains("Not checked yet ("));
}
