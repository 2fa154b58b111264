//! The active probes against the lab on loopback: each defect on Brightdesk found, none on
//! `good.lab.test`; every request counted by the lab's own log and held to the number
//! announced; the confirm-gated ones skipped without `--yes` and asked for in the TUI
//! with their request counts.

use crate::common;

use launch_ready::app::{Action, App, Effect, Msg, update};
use launch_ready::tui::view;
use launch_ready_checks::http::cors::{CorsContext, check_cors_with};
use launch_ready_checks::http::{HttpLimits, lab_client};
use launch_ready_checks::judged::codes;
use launch_ready_checks::probes::debug::NOT_FOUND_PATH;
use launch_ready_checks::probes::{
    BurstPlan, PayloadPlan, Provoke, check_burst, check_debug, check_error_tracking, check_payload,
};
use launch_ready_core::evidence::Observed;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::runbook::Run;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::runbook::model::KindName;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, Targets};
use launch_ready_lab::web::WebLab;
use launch_ready_lab::web::probes::LOGIN_ALLOWED;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use reqwest::Method;
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::macros::datetime;

const BD_LOGIN: &str = "https://api.brightdesk.test/api/login";
const BD_UPLOAD: &str = "https://api.brightdesk.test/api/uploads";
const GOOD_LOGIN: &str = "https://good.lab.test/api/login";
const GOOD_UPLOAD: &str = "https://good.lab.test/api/uploads";
const LOGIN_BODY: &str = "{\"email\":\"a@b.test\",\"password\":\"wrong\"}";

fn client(lab: &WebLab) -> reqwest::Client {
    lab_client(&lab.overrides(), &lab.ca_certs, Duration::from_secs(10)).unwrap()
}

fn limits() -> HttpLimits {
    HttpLimits {
        timeout: Duration::from_secs(5),
        ..HttpLimits::default()
    }
}

fn burst(requests: u32) -> BurstPlan {
    BurstPlan {
        method: Method::POST,
        headers: vec![("content-type".into(), "application/json".into())],
        body: Some(LOGIN_BODY.into()),
        requests,
    }
}

fn payload() -> PayloadPlan {
    PayloadPlan {
        method: Method::POST,
        limit: 10 * 1024 * 1024,
    }
}

#[tokio::test]
async fn debug_output_is_found_on_brightdesk_and_not_on_the_good_host() {
    let lab = WebLab::start().await.unwrap();
    let (c, l) = (client(&lab), limits());

    let o = check_debug(&c, BD_LOGIN, &Provoke::MalformedJson(Method::POST), &l).await;
    assert_eq!(codes(&o), ["http.debug_exposed"], "{o:#?}");
    assert_eq!(o.status, CheckStatus::Fail);
    let detail = o.findings[0].evidence.to_string();
    assert!(detail.contains("Node.js stack trace"), "{detail}");
    // The page read and one provoking request: nothing more.
    assert_eq!(
        lab.requests
            .count("https", "api.brightdesk.test", "/api/login"),
        2
    );
    let Observed::Debug(ev) = &o.evidence else {
        panic!("debug evidence: {:?}", o.evidence);
    };
    assert_eq!(ev.requests_sent, 1);

    for (url, provoke) in [
        (GOOD_LOGIN, Provoke::MalformedJson(Method::POST)),
        ("https://good.lab.test/", Provoke::NotFound),
        (
            "https://staging.brightdesk.test/api/health",
            Provoke::BadQuery,
        ),
    ] {
        let o = check_debug(&c, url, &provoke, &l).await;
        assert!(o.findings.is_empty(), "{url}: {o:#?}");
        assert_eq!(o.status, CheckStatus::Pass, "{url}: {}", o.summary);
    }
    assert_eq!(
        lab.requests.count("https", "good.lab.test", NOT_FOUND_PATH),
        1
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn an_unlimited_upload_is_found_with_exactly_one_request() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let timeout = Duration::from_secs(30);

    let started = Instant::now();
    let o = check_payload(&c, BD_UPLOAD, &payload(), timeout).await;
    let bd_ms = started.elapsed().as_millis();
    assert_eq!(codes(&o), ["http.no_payload_limit"], "{o:#?}");
    let Observed::PayloadLimit(ev) = &o.evidence else {
        panic!("payload evidence");
    };
    assert_eq!(ev.sent_bytes, 12 * 1024 * 1024);
    assert_eq!(ev.status, Some(201));
    assert_eq!(
        lab.requests
            .count("https", "api.brightdesk.test", "/api/uploads"),
        1
    );

    let started = Instant::now();
    let o = check_payload(&c, GOOD_UPLOAD, &payload(), timeout).await;
    let good_ms = started.elapsed().as_millis();
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.status, CheckStatus::Pass, "{}", o.summary);
    let Observed::PayloadLimit(ev) = &o.evidence else {
        panic!("payload evidence");
    };
    assert_eq!(ev.status, Some(413), "{}", ev.verdict);
    assert_eq!(
        lab.requests.count("https", "good.lab.test", "/api/uploads"),
        1
    );

    // Brightdesk's login has its JSON parser's limit: refused too, without a finding.
    let o = check_payload(&c, BD_LOGIN, &payload(), timeout).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.status, CheckStatus::Pass, "{}", o.summary);
    eprintln!("payload probe: unlimited route {bd_ms} ms, 413 route {good_ms} ms");
    lab.shutdown().await;
}

#[tokio::test]
async fn an_unthrottled_login_takes_the_whole_burst_and_a_limited_one_stops_it() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let timeout = Duration::from_secs(5);

    let started = Instant::now();
    let o = check_burst(&c, BD_LOGIN, &burst(30), timeout).await;
    let bd_ms = started.elapsed().as_millis();
    assert_eq!(codes(&o), ["edge.no_rate_limit"], "{o:#?}");
    assert_eq!(o.findings[0].severity, Severity::High);
    assert_eq!(
        lab.requests
            .count("https", "api.brightdesk.test", "/api/login"),
        30,
        "exactly the burst announced"
    );

    let started = Instant::now();
    let o = check_burst(&c, GOOD_LOGIN, &burst(30), timeout).await;
    let good_ms = started.elapsed().as_millis();
    assert!(o.findings.is_empty(), "{o:#?}");
    let Observed::Burst(ev) = &o.evidence else {
        panic!("burst evidence");
    };
    let first_429 = u32::try_from(LOGIN_ALLOWED).unwrap() + 1;
    assert_eq!(ev.limited_at, Some(first_429));
    assert_eq!(ev.signal.as_deref(), Some("429"));
    // The burst stopped at the first 429: fewer than announced, never more.
    assert_eq!(
        lab.requests.count("https", "good.lab.test", "/api/login"),
        LOGIN_ALLOWED + 1
    );
    eprintln!("burst probe: 30 requests {bd_ms} ms, stopped at 6 in {good_ms} ms");
    lab.shutdown().await;
}

#[tokio::test]
async fn a_wildcard_on_a_private_api_is_found_unless_a_reason_is_recorded() {
    let lab = WebLab::start().await.unwrap();
    let (c, l) = (client(&lab), limits());
    let none = CorsContext::default();

    let o = check_cors_with(&c, BD_LOGIN, &none, &l).await;
    assert_eq!(codes(&o), ["http.cors_wildcard"], "{o:#?}");
    assert_eq!(o.findings[0].severity, Severity::Medium);
    let o = check_cors_with(&c, "https://api.brightdesk.test/api/me", &none, &l).await;
    assert_eq!(codes(&o), ["http.cors_wildcard"], "401 without credentials");

    let reasoned = CorsContext {
        sends_credentials: false,
        public_reason: Some("the plan list is public; the cookie only counts visits".into()),
    };
    let o = check_cors_with(&c, "https://api.brightdesk.test/api/catalog", &reasoned, &l).await;
    assert_eq!(codes(&o), ["http.cors_wildcard"]);
    assert_eq!(o.findings[0].severity, Severity::Info);
    assert_eq!(o.status, CheckStatus::Pass, "{}", o.summary);
    let o = check_cors_with(&c, "https://api.brightdesk.test/api/catalog", &none, &l).await;
    assert_eq!(o.findings[0].severity, Severity::Medium);

    // Public data with a wildcard and no cookie: fine.
    let o = check_cors_with(&c, "https://good.lab.test/api/status", &none, &l).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    lab.shutdown().await;
}

#[tokio::test]
async fn error_tracking_is_seen_on_the_good_host_and_missed_on_brightdesk() {
    let lab = WebLab::start().await.unwrap();
    let (c, l) = (client(&lab), limits());

    let o = check_error_tracking(&c, "https://good.lab.test/", &[], true, &l).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert!(o.summary.contains("Sentry"), "{}", o.summary);

    let app = ["https://app.brightdesk.test/".to_string()];
    let o = check_error_tracking(&c, "https://www.brightdesk.test/", &app, true, &l).await;
    assert_eq!(codes(&o), ["uptime.error_tracking_missing"], "{o:#?}");
    let o = check_error_tracking(&c, "https://www.brightdesk.test/", &app, false, &l).await;
    assert!(o.findings.is_empty());
    assert_eq!(o.status, CheckStatus::Pass);
    assert!(o.summary.contains("does not ask"), "{}", o.summary);
    lab.shutdown().await;
}

/// `check` on the lab's login and upload routes, with `extra` flags.
async fn headless(lab: &launch_ready_lab::Lab, extra: &[&str]) -> Value {
    let mut args: Vec<String> = [
        "check",
        "--only",
        "edge,http",
        "--route",
        &format!("POST {BD_LOGIN}"),
        "--route-body",
        LOGIN_BODY,
        "--route",
        &format!("POST {BD_UPLOAD}"),
        "--route-body",
        "{\"name\":\"logo.png\"}",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    args.extend(extra.iter().map(ToString::to_string));
    args.extend(common::lab_flags(lab));
    let out = common::run(args).await;
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "one JSON report ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn result<'a>(report: &'a Value, check: &str) -> Vec<&'a Value> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == check)
        .collect()
}

#[tokio::test]
async fn headless_skips_the_gated_probes_without_yes_and_sends_exactly_the_burst_with_it() {
    let lab = common::lab().await;
    let log = lab.web().requests.clone();

    let report = headless(&lab, &[]).await;
    for check in ["edge.rate_limit", "http.payload_limit"] {
        let r = result(&report, check);
        assert_eq!(r.len(), 1, "{check}: {report:#}");
        assert_eq!(r[0]["status"], "skipped");
        assert!(
            r[0]["summary"].as_str().unwrap().contains("--yes"),
            "{}",
            r[0]["summary"]
        );
    }
    let debug = result(&report, "http.debug");
    assert!(
        debug
            .iter()
            .any(|r| r["findings"][0]["code"] == "http.debug_exposed"),
        "the debug probe needs no --yes: {report:#}"
    );
    let before = log.count("https", "api.brightdesk.test", "/api/login");
    let uploads_before = log.count("https", "api.brightdesk.test", "/api/uploads");

    let report = headless(&lab, &["--yes"]).await;
    let burst = result(&report, "edge.rate_limit");
    assert_eq!(burst.len(), 1, "only the login route is bursted");
    assert_eq!(burst[0]["findings"][0]["code"], "edge.no_rate_limit");
    assert_eq!(burst[0]["evidence"]["sent"], 30);
    let upload = result(&report, "http.payload_limit");
    assert_eq!(upload.len(), 2, "both routes write: {report:#}");
    assert!(
        upload
            .iter()
            .any(|r| r["findings"][0]["code"] == "http.no_payload_limit")
    );
    // The second run repeats the first one's requests, plus exactly the announced probes:
    // 30 burst requests and one upload on the login route, one upload on the upload route.
    let login = log.count("https", "api.brightdesk.test", "/api/login") - before;
    assert_eq!(login, before + 30 + 1, "login requests with --yes");
    let uploads = log.count("https", "api.brightdesk.test", "/api/uploads") - uploads_before;
    assert_eq!(uploads, uploads_before + 1, "upload requests with --yes");
    lab.shutdown().await;
}

#[test]
fn the_tui_announces_each_probe_and_its_request_count_before_sending() {
    let l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron")).expect("fixture");
    let mut rb = l.runbook.clone();
    rb.targets.rate_limit_burst = Some(12);
    let (stage, check) = rb
        .stages
        .iter_mut()
        .enumerate()
        .find_map(|(i, s)| {
            s.checks
                .iter_mut()
                .find(|c| c.id == "perf-check")
                .map(|c| (i, c))
        })
        .expect("the fixture has a performance check");
    if let Run::Auto { kind, .. } = &mut check.run {
        *kind = KindName(launch_ready_core::catalog::kind("edge.rate_limit").expect("kind"));
    }
    let start = datetime!(2026-03-02 09:00 UTC);
    let targets = Targets {
        apex: "acme.test".into(),
        routes: vec![
            Route {
                name: "home".into(),
                path: "/".into(),
                ..Route::default()
            },
            Route {
                name: "sign in".into(),
                path: "/api/login".into(),
                method: "POST".into(),
                ..Route::default()
            },
        ],
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme Corp", &l, targets, start);
    let mut app = App::new(s, Arc::new(rb), start);
    update(&mut app, Msg::SelectStage(stage));
    let fx = update(&mut app, Msg::Action(Action::Run));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::RunChecks { .. })),
        "nothing is sent before the answer"
    );
    let mut terminal = Terminal::new(TestBackend::new(100, 24)).expect("test terminal");
    terminal.draw(|f| view::render(&app, f)).expect("draw");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("https://acme.test/api/login"), "{screen}");
    assert!(
        !screen.contains("https://acme.test/ "),
        "only the login route: {screen}"
    );
    assert!(
        screen.contains("12 request(s) per target, one after the other: 12 in all"),
        "{screen}"
    );
    let fx = update(&mut app, Msg::Action(Action::Close));
    assert!(!fx.iter().any(|e| matches!(e, Effect::RunChecks { .. })));
    let fx = update(&mut app, Msg::Action(Action::Run));
    assert!(fx.is_empty() || !fx.iter().any(|e| matches!(e, Effect::RunChecks { .. })));
    let fx = update(&mut app, Msg::Action(Action::Confirm));
    assert!(fx.iter().any(|e| matches!(e, Effect::RunChecks { .. })));
}

#[test]
fn the_cors_reason_is_optional_in_session_files_and_kept_when_given() {
    let old: Route = ron::from_str("(name: \"plans\", path: \"/api/plans\")").expect("old shape");
    assert_eq!(old.cors_public_reason, None);
    let text = ron::to_string(&old).unwrap();
    assert!(!text.contains("cors_public_reason"), "{text}");
    let with = Route {
        cors_public_reason: Some("public price list".into()),
        ..old
    };
    let back: Route = ron::from_str(&ron::to_string(&with).unwrap()).unwrap();
    assert_eq!(back, with);
}

#[test]
fn login_and_write_routes_are_told_by_path_name_and_method() {
    let r = |name: &str, method: &str, path: &str| Route {
        name: name.into(),
        method: method.into(),
        path: path.into(),
        ..Route::default()
    };
    assert!(r("x", "POST", "/api/login").is_auth());
    assert!(r("password reset", "POST", "/api/x").is_auth());
    assert!(r("x", "GET", "/users/sign_up").is_auth());
    assert!(!r("home", "GET", "https://auth.a.test/").is_auth());
    assert!(!r("pricing", "GET", "/pricing").is_auth());
    assert!(r("x", "patch", "/api/me").is_write());
    assert!(!r("x", "GET", "/api/me").is_write());
}
