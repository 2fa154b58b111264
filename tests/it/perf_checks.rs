//! The perf family against real loopback servers: the demo lab's perf routes produce each
//! `perf.*` code and the healthy routes none; a server that stalls shows a corrected p99
//! far above the raw one in rate mode; cancel stops a run at once; and the `load` command
//! refuses to send load off a terminal without `--yes`.

use crate::common;

use common::{codes, lab, lab_flags, run};
use launch_ready_checks::engine::{Engine, EngineEvent, Job, Scope};
use launch_ready_checks::perf;
use launch_ready_checks::perf::stats::percentiles;
use launch_ready_checks::perf::{LoadPlan, Pace, RouteSpec};
use launch_ready_core::catalog;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::{CheckOutcome, Route, Targets};
use launch_ready_lab::keepalive::{Stall, serve};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

const API: &str = "https://api.brightdesk.test";

fn route(path: &str, method: &str, body: Option<&str>) -> Route {
    Route {
        name: path.into(),
        path: format!("{API}{path}"),
        method: method.into(),
        body: body.map(str::to_string),
        ..Route::default()
    }
}

async fn run_kind(
    lab: &launch_ready_lab::Lab,
    kind: &str,
    routes: Vec<Route>,
    params: &[(&str, &str)],
) -> Vec<CheckOutcome> {
    run_kind_under(lab, kind, routes, params, Default::default()).await
}

/// `run_kind` under a runbook's numbers.
async fn run_kind_under(
    lab: &launch_ready_lab::Lab,
    kind: &str,
    routes: Vec<Route>,
    params: &[(&str, &str)],
    thresholds: launch_ready_core::runbook::model::Targets,
) -> Vec<CheckOutcome> {
    let targets = Targets {
        apex: "brightdesk.test".into(),
        routes,
        ..Targets::default()
    };
    let mut network = lab.settings();
    network.timeout_secs = 5;
    let scope = Arc::new(Scope::new(targets, network, thresholds));
    let (engine, mut rx) = Engine::new();
    engine.run(
        Job {
            check_id: kind.into(),
            kind: catalog::kind(kind).expect("kind"),
            severity: BTreeMap::new(),
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        },
        scope,
    );
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(90), rx.recv())
            .await
            .expect("the engine answers in time")
            .expect("engine open");
        if let EngineEvent::Finished { evidence, .. } = ev {
            return evidence.results;
        }
    }
}

fn by_target<'a>(results: &'a [CheckOutcome], path: &str) -> &'a CheckOutcome {
    let url = format!("{API}{path}");
    results
        .iter()
        .find(|o| o.target == url)
        .unwrap_or_else(|| panic!("no result for {url}: {results:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_baseline_raises_each_code_on_its_lab_route_and_none_on_healthy_ones() {
    let lab = lab().await;
    let routes = vec![
        route("/api/status", "GET", None),
        route("/api/slow", "GET", None),
        route("/api/flaky", "GET", None),
        route("/api/export", "GET", None),
        route("/api/projects", "POST", Some("{\"name\":\"launch\"}")),
    ];
    let results = run_kind(
        &lab,
        "perf.latency",
        routes,
        &[("samples", "20"), ("warmup", "1")],
    )
    .await;
    let expect: [(&str, &[&str]); 5] = [
        ("/api/status", &[]),
        ("/api/slow", &["perf.p95_over_budget"]),
        ("/api/flaky", &["perf.error_rate_over_budget"]),
        ("/api/export", &["perf.payload_large"]),
        ("/api/projects", &[]),
    ];
    for (path, want) in expect {
        let o = by_target(&results, path);
        assert_eq!(codes(o), want, "{path}: {}", o.summary);
        let r = &o.evidence.to_json()["routes"][0];
        assert_eq!(r["requests"], 20, "{path}: {}", o.evidence);
        // The figures the checklist's detail pane shows read back as their type.
        let launch_ready_core::evidence::Observed::Perf(typed) = o.observed().into_owned() else {
            panic!("{path}: perf evidence does not read: {}", o.evidence);
        };
        assert_eq!(typed.routes[0].requests, 20, "{path}");
        assert!(typed.routes[0].latency_ms.p95 > 0.0, "{path}");
        assert!(typed.routes[0].rps > 0.0, "{path}");
        for p in ["p50", "p90", "p95", "p99", "max"] {
            assert!(r["latency_ms"][p].is_f64(), "{path}: {p}");
        }
        assert!(r["histogram"].as_array().is_some_and(|h| !h.is_empty()));
        assert!(r["errors"]["5xx"].is_u64());
    }
    let flaky = &by_target(&results, "/api/flaky").evidence.to_json()["routes"][0];
    assert_eq!(flaky["errors"]["5xx"], 2, "one in ten answers is a 503");
    let write = &by_target(&results, "/api/projects").evidence.to_json()["routes"][0];
    assert_eq!(
        (write["method"].as_str(), write["p95_budget_ms"].as_u64()),
        (Some("POST"), Some(500))
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_kind_judges_concurrent_runs_against_the_budgets() {
    let lab = lab().await;
    let routes = vec![
        route("/api/status", "GET", None),
        route("/api/flaky", "GET", None),
        route("/api/slow", "GET", None),
    ];
    let results = run_kind(
        &lab,
        "perf.load",
        routes,
        &[("connections", "3"), ("duration", "2")],
    )
    .await;
    assert!(codes(by_target(&results, "/api/status")).is_empty());
    assert_eq!(
        codes(by_target(&results, "/api/flaky")),
        ["perf.error_rate_over_budget"]
    );
    assert_eq!(
        codes(by_target(&results, "/api/slow")),
        ["perf.p95_over_budget"]
    );
    let ev = by_target(&results, "/api/status").evidence.to_json();
    assert_eq!(ev["connections"], 3);
    assert!(ev["timeline"].as_array().is_some_and(|t| !t.is_empty()));
    lab.shutdown().await;
}

async fn keepalive_server(stall: Option<Stall>) -> (reqwest::Url, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let token = CancellationToken::new();
    tokio::spawn(serve(listener, stall, token.clone()));
    (url, token)
}

fn plan(connections: usize, pace: Pace, secs: u64) -> LoadPlan {
    LoadPlan {
        connections,
        pace,
        duration: Duration::from_secs(secs),
        max_requests: perf::load::MAX_REQUESTS,
        timeout: Duration::from_secs(5),
        interval: Duration::from_millis(500),
        protocol: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stall_shows_in_corrected_latency_and_not_in_raw_latency() {
    let (url, stop) = keepalive_server(Some(Stall {
        nth: 40,
        for_: Duration::from_secs(1),
    }))
    .await;
    let client = plain_client();
    let m = perf::load::run(
        client,
        vec![RouteSpec::get(url)],
        &plan(1, Pace::Rate(200.0), 3),
        CancellationToken::new(),
        None,
    )
    .await
    .expect("valid plan");
    let corrected = percentiles(&m.routes[0].corrected);
    let raw = percentiles(&m.routes[0].raw);
    assert!(
        corrected.p99 > 500.0 && corrected.p99 > 10.0 * raw.p99,
        "corrected {corrected:?} raw {raw:?}"
    );
    assert!(m.waited_for_connection > 100, "{}", m.waited_for_connection);
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_a_run_at_once_and_caps_are_enforced() {
    let (url, stop) = keepalive_server(None).await;
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let m = perf::load::run(
        plain_client(),
        vec![RouteSpec::get(url.clone())],
        &plan(8, Pace::Closed, 60),
        token,
        None,
    )
    .await
    .unwrap();
    assert!(m.cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(m.routes[0].requests > 0);
    for bad in [
        plan(0, Pace::Closed, 1),
        plan(perf::load::MAX_CONNECTIONS + 1, Pace::Closed, 1),
        plan(1, Pace::Closed, 601),
        plan(1, Pace::Rate(0.0), 1),
        plan(1, Pace::Rate(f64::NAN), 1),
    ] {
        assert!(bad.validate().is_err(), "{bad:?}");
    }
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_command_needs_yes_off_a_terminal_and_reports_json() {
    let lab = lab().await;
    let mut args: Vec<String> = vec!["load".into(), format!("{API}/api/flaky")];
    args.extend(lab_flags(&lab));
    args.extend(["--connections", "2", "--requests", "30"].map(String::from));
    let refused = run(args.clone()).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--yes"));
    args.extend(["--yes", "--format", "json"].map(String::from));
    let out = run(args).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(1), "10 % errors is over budget");
    let r = &v["routes"][0];
    assert_eq!(
        (r["method"].as_str(), r["requests"].as_u64()),
        (Some("GET"), Some(30))
    );
    assert_eq!(r["errors"]["5xx"], 3);
    for key in ["url", "rps", "latency_ms", "errors", "histogram"] {
        assert!(!r[key].is_null(), "{key}");
    }
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_only_perf_measures_routes_given_on_the_command_line() {
    let lab = lab().await;
    let mut args: Vec<String> = ["check", "--only", "perf", "--format", "json"]
        .map(String::from)
        .to_vec();
    args.extend([
        "--route".into(),
        format!("POST {API}/api/projects"),
        "--route-body".into(),
        "{\"name\":\"launch\"}".into(),
    ]);
    args.extend(lab_flags(&lab));
    let out = run(args).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let results = v["results"].as_array().unwrap();
    let latency = results
        .iter()
        .find(|r| r["check"] == "perf.latency")
        .expect("perf.latency ran");
    assert_eq!(latency["status"], "pass", "{latency}");
    assert_eq!(latency["evidence"]["routes"][0]["method"], "POST");
    // Load needs --yes: without it the JSON says it was not run, and why.
    let load = results
        .iter()
        .find(|r| r["check"] == "perf.load")
        .expect("perf.load listed");
    assert_eq!(load["status"], "skipped", "{load}");
    assert!(
        load["summary"].as_str().unwrap().contains("pass --yes"),
        "{load}"
    );
    // Lighthouse loads pages with GET: a POST route is no page to audit.
    let vitals = results
        .iter()
        .find(|r| r["check"] == "perf.web_vitals")
        .expect("perf.web_vitals listed");
    assert_eq!(vitals["status"], "skipped", "{vitals}");
    assert!(
        vitals["summary"].as_str().unwrap().contains("with GET"),
        "{vitals}"
    );
    assert_eq!(v["summary"]["skipped"], 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("perf.load"));
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_kind_with_steps_names_where_the_first_bottleneck_appears() {
    let lab = lab().await;
    let routes = vec![
        route("/api/status", "GET", None),
        route("/api/flaky", "GET", None),
    ];
    let results = run_kind(
        &lab,
        "perf.load",
        routes.clone(),
        &[("steps", "1,2,3"), ("duration", "1")],
    )
    .await;
    // A healthy route climbs every step and says so.
    let healthy = by_target(&results, "/api/status");
    assert_eq!(healthy.status, CheckStatus::Pass, "{healthy:?}");
    let ev = healthy.evidence.to_json();
    let ladder = &ev["step_test"];
    assert_eq!(ladder["steps"].as_array().map(Vec::len), Some(3), "{ev}");
    assert!(ladder["first_bottleneck"].is_null(), "{ev}");
    assert!(
        healthy
            .summary
            .contains("held within budget up to 3 connections"),
        "{}",
        healthy.summary
    );
    // A failing route stops at the first step and names it.
    let flaky = by_target(&results, "/api/flaky");
    assert_eq!(codes(flaky), ["perf.error_rate_over_budget"]);
    let ev = flaky.evidence.to_json();
    assert_eq!(ev["step_test"]["first_bottleneck"], 1, "{ev}");
    assert_eq!(ev["step_test"]["steps"].as_array().map(Vec::len), Some(1));
    assert!(flaky.summary.contains("first bottleneck at 1 connection:"));

    // A ladder that cannot be read is an error with the reason, and sends nothing.
    let bad = run_kind(&lab, "perf.load", routes, &[("steps", "5,ten")]).await;
    for o in &bad {
        assert_eq!(o.status, CheckStatus::Error, "{o:?}");
        assert!(o.summary.contains("steps `5,ten`"), "{}", o.summary);
    }
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step_test_stops_at_the_first_step_over_budget() {
    let (url, stop) = keepalive_server(None).await;
    let healthy = perf::step::run(
        plain_client(),
        vec![RouteSpec::get(url)],
        &[1, 2],
        &plan(1, Pace::Closed, 1),
        perf::Budgets::default(),
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(healthy.steps.len(), 2);
    assert_eq!(healthy.first_bottleneck, None);
    stop.cancel();

    let lab = lab().await;
    let mut args: Vec<String> = vec!["load".into(), format!("{API}/api/flaky")];
    args.extend(lab_flags(&lab));
    args.extend(
        [
            "--steps",
            "2,4",
            "--duration",
            "1",
            "--yes",
            "--format",
            "json",
        ]
        .map(String::from),
    );
    let out = run(args).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["first_bottleneck"], 2, "{v}");
    assert_eq!(v["steps"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        v["steps"][0]["over_budget"][0],
        "perf.error_rate_over_budget"
    );
    assert_eq!(out.status.code(), Some(1));
    lab.shutdown().await;
}

/// A run over the direct plain-HTTP connections, through a default network stack.
async fn direct_run(url: reqwest::Url, plan: &LoadPlan) -> perf::Measured {
    let net = launch_ready_checks::net::Net::new(&Default::default()).expect("network stack");
    let transport = perf::Transport {
        client: plain_client(),
        net: Some(Arc::new(net)),
    };
    perf::load::run(
        transport,
        vec![RouteSpec::get(url)],
        plan,
        CancellationToken::new(),
        None,
    )
    .await
    .expect("valid plan")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_connections_count_every_request_in_both_paces() {
    let (url, stop) = keepalive_server(None).await;
    let mut closed = plan(4, Pace::Closed, 30);
    closed.max_requests = 300;
    let m = direct_run(url.clone(), &closed).await;
    let r = &m.routes[0];
    assert_eq!(r.requests, 300);
    assert_eq!(r.error_count(), 0);
    assert_eq!(r.max_bytes, 13, "the endpoint's body");
    assert_eq!(r.total_bytes, 300 * 13);

    let mut open = plan(4, Pace::Rate(500.0), 30);
    open.max_requests = 60;
    let m = direct_run(url.join("/delay/5").unwrap(), &open).await;
    assert_eq!(m.routes[0].requests, 60);
    assert_eq!(m.routes[0].error_count(), 0);
    // The server holds each answer 5 ms: no latency can be below it.
    assert!(m.routes[0].raw.min() >= 5_000, "{}", m.routes[0].raw.min());
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_connections_report_a_refused_connection_as_connect() {
    let closed = launch_ready_lab::closed::ClosedPort::new().unwrap();
    let url: reqwest::Url = format!("http://{}/", closed.addr()).parse().unwrap();
    let mut p = plan(2, Pace::Closed, 30);
    p.max_requests = 10;
    let m = direct_run(url, &p).await;
    let r = &m.routes[0];
    assert_eq!(r.requests, 10);
    assert_eq!(r.errors_by_kind().get("connect").copied(), Some(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_on_an_ip_literal_is_measured_without_a_lookup() {
    let lab = lab().await;
    let (url, stop) = keepalive_server(None).await;
    let r = Route {
        name: "ip".into(),
        path: url.to_string(),
        ..Route::default()
    };
    let outs = run_kind(
        &lab,
        "perf.latency",
        vec![r],
        &[("samples", "5"), ("warmup", "1")],
    )
    .await;
    assert_eq!(outs.len(), 1);
    assert_eq!(
        outs[0].status,
        launch_ready_core::finding::CheckStatus::Pass,
        "{}",
        outs[0].summary
    );
    stop.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_routes_go_direct_over_tls_trusting_the_runs_roots() {
    let lab = lab().await;
    let net = launch_ready_checks::net::Net::new(&lab.settings()).expect("network stack");
    // The fallback client knows neither the lab's addresses nor its CA: every request
    // that did not go over a direct TLS connection would fail.
    let transport = perf::Transport {
        client: plain_client(),
        net: Some(Arc::new(net)),
    };
    let url: reqwest::Url = format!("{API}/api/status").parse().unwrap();
    let mut p = plan(3, Pace::Closed, 30);
    p.max_requests = 120;
    let m = perf::load::run(
        transport,
        vec![RouteSpec::get(url)],
        &p,
        CancellationToken::new(),
        None,
    )
    .await
    .expect("valid plan");
    let r = &m.routes[0];
    assert_eq!(r.requests, 120);
    assert_eq!(r.error_count(), 0, "{:?}", r.errors_by_kind());
    assert!(r.max_bytes > 0);

    // Without the lab's CA the same route fails at the handshake, counted as `connect`.
    let mut untrusted = lab.settings();
    untrusted.ca_file = None;
    let net = launch_ready_checks::net::Net::new(&untrusted).expect("network stack");
    let transport = perf::Transport {
        client: plain_client(),
        net: Some(Arc::new(net)),
    };
    p.max_requests = 6;
    let m = perf::load::run(
        transport,
        vec![RouteSpec::get(format!("{API}/api/status").parse().unwrap())],
        &p,
        CancellationToken::new(),
        None,
    )
    .await
    .expect("valid plan");
    assert_eq!(
        m.routes[0].errors_by_kind().get("connect").copied(),
        Some(6)
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http2_runs_one_stream_per_connection_over_prior_knowledge() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: reqwest::Url = format!("http://{}/delay/2", listener.local_addr().unwrap())
        .parse()
        .unwrap();
    let stop = CancellationToken::new();
    tokio::spawn(launch_ready_lab::keepalive::serve_h2c(
        listener,
        stop.clone(),
    ));
    let mut p = plan(4, Pace::Closed, 30);
    p.max_requests = 200;
    p.protocol = perf::Protocol::Http2;
    let m = direct_run(url.clone(), &p).await;
    assert_eq!(m.protocol, "HTTP/2");
    let r = &m.routes[0];
    assert_eq!(r.requests, 200);
    assert_eq!(r.error_count(), 0, "{:?}", r.errors_by_kind());
    assert_eq!(r.max_bytes, 13);
    assert!(
        r.raw.min() >= 2_000,
        "the server's 2 ms hold: {}",
        r.raw.min()
    );

    // HTTP/1.1 against the HTTP/2-only server fails, counted, instead of hanging.
    p.protocol = perf::Protocol::Http1;
    p.max_requests = 4;
    p.timeout = Duration::from_secs(1);
    let m = direct_run(url, &p).await;
    assert_eq!(m.routes[0].requests, 4);
    assert_eq!(m.routes[0].error_count(), 4);
    stop.cancel();
}

/// A default client; reqwest needs the process's TLS provider installed first.
fn plain_client() -> reqwest::Client {
    launch_ready_checks::net::install_crypto_provider();
    reqwest::Client::new()
}

/// A loopback server that accepts every connection and never answers: each request sent
/// to it is still in flight when a run ends.
async fn never_answering_server() -> (String, CancellationToken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let token = CancellationToken::new();
    let stop = token.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                a = listener.accept() => match a {
                    Ok((s, _)) => held.push(s),
                    Err(_) => return,
                },
            }
        }
    });
    (url, token)
}

/// `load` against a server that never answers, in closed loop, at a fixed rate and as a
/// step test: every request sent is counted (unanswered at the end of the run, it is a
/// timeout), and a run in which nothing completed is never within budget (exit 1).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_counts_requests_still_in_flight_at_the_end() {
    let (url, stop) = never_answering_server().await;
    let base = |extra: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = vec!["load".into(), url.clone(), "--yes".into()];
        v.extend(extra.iter().map(ToString::to_string));
        v
    };
    for (extra, at_least) in [
        (&["--duration", "3", "--connections", "2"][..], 2),
        (
            &["--duration", "2", "--rate", "5", "--connections", "3"][..],
            3,
        ),
    ] {
        let out = run(base(&[extra, &["--format", "json"][..]].concat())).await;
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {stdout}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let r = &v["routes"][0];
        let requests = r["requests"].as_u64().unwrap();
        assert!(requests >= at_least, "{extra:?}: {r}");
        assert_eq!(r["errors"]["timeout"].as_u64(), Some(requests), "{r}");
        assert_eq!(r["error_rate_pct"], 100.0, "{r}");

        let text = run(base(extra)).await;
        let stdout = String::from_utf8_lossy(&text.stdout);
        assert_eq!(text.status.code(), Some(1), "{extra:?}: {stdout}");
        assert!(!stdout.contains("within budget"), "{stdout}");
        assert!(!stdout.contains("errors     none"), "{stdout}");
        assert!(stdout.contains("perf.error_rate_over_budget"), "{stdout}");
    }
    let out = run(base(&[
        "--steps",
        "1,2",
        "--duration",
        "1",
        "--format",
        "json",
    ]))
    .await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(out.status.code(), Some(1), "{v}");
    assert_eq!(v["first_bottleneck"], 1, "{v}");
    assert_eq!(v["steps"][0]["error_rate_pct"], 100.0, "{v}");
    stop.cancel();
}

/// The runbook's write budget judges writes: the lab's 400 ms route sent as a POST passes
/// under a 500 ms write budget and fails under 300, with both figures in the finding.
/// In CI, the runbook's `ci_p95_budget_ms` is every route's budget instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_routes_are_judged_by_the_runbook_write_budget_and_ci_by_its_own() {
    use launch_ready_core::runbook::model::Targets as Numbers;
    let lab = lab().await;
    let write = || vec![route("/api/slow", "POST", Some("{}"))];
    let params = [("samples", "6"), ("warmup", "1")];
    let under = |ms| Numbers {
        p95_read_ms: Some(100),
        p95_write_ms: Some(ms),
        ..Numbers::default()
    };
    let o = run_kind_under(&lab, "perf.latency", write(), &params, under(500)).await;
    let o = by_target(&o, "/api/slow");
    assert!(codes(o).is_empty(), "{}", o.summary);
    assert_eq!(o.evidence.to_json()["routes"][0]["p95_budget_ms"], 500);
    let o = run_kind_under(&lab, "perf.latency", write(), &params, under(300)).await;
    let o = by_target(&o, "/api/slow");
    assert_eq!(codes(o), ["perf.p95_over_budget"]);
    let f = &o.findings[0];
    assert_eq!(f.evidence["budget_ms"], 300);
    assert!(
        f.evidence["p95_ms"].as_f64().unwrap() >= 400.0,
        "{}",
        f.evidence
    );
    assert!(f.message.contains("300 ms"), "{}", f.message);

    // The same 400 ms read: over a 300 ms read budget, under a 500 ms CI budget in CI.
    let read = || vec![route("/api/slow", "GET", None)];
    let marketplace = Numbers {
        p95_read_ms: Some(300),
        p95_write_ms: Some(500),
        ci_p95_budget_ms: Some(500),
        ..Numbers::default()
    };
    let o = run_kind_under(&lab, "perf.latency", read(), &params, marketplace.clone()).await;
    assert_eq!(codes(by_target(&o, "/api/slow")), ["perf.p95_over_budget"]);
    let ci = launch_ready::headless::ci_thresholds(marketplace, true);
    let o = run_kind_under(&lab, "perf.latency", read(), &params, ci).await;
    let o = by_target(&o, "/api/slow");
    assert!(codes(o).is_empty(), "{}", o.summary);
    assert_eq!(o.evidence.to_json()["routes"][0]["p95_budget_ms"], 500);
    lab.shutdown().await;
}
