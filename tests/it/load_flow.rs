//! A session's flow as a load scenario against the lab's app host: N users each log in for
//! themselves (an iteration that starts by checking it is *not* signed in passes for every
//! user, and a jar that already holds a login fails that check), the protected route
//! breaking under load turns the verdict and the exit code, a wrong password fails every
//! iteration at step 1, setup errors exit 2 before traffic, and the password never shows.

use crate::common::{lab, net_for};
use launch_ready_checks::credentials::env_var;
use launch_ready_checks::perf::flows::{self, Scenario};
use launch_ready_checks::perf::{Budgets, LoadPlan, Pace, Protocol};
use launch_ready_checks::smoke::values::Values;
use launch_ready_core::flow::template::Var;
use launch_ready_core::flow::{Expect, Flow, Step};
use launch_ready_core::session::Session;
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::Lab;
use launch_ready_lab::web::flows::{PASSWORD_CREDENTIAL, demo_password};
use std::time::Duration;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;

const APP: &str = "https://app.brightdesk.test";
const USERS: usize = 6;

fn plan(requests: u64) -> LoadPlan {
    LoadPlan {
        connections: USERS,
        pace: Pace::Closed,
        duration: Duration::from_secs(20),
        max_requests: requests,
        timeout: Duration::from_secs(5),
        interval: Duration::from_secs(1),
        protocol: Protocol::Http1,
    }
}

fn me(status: u16) -> Step {
    Step {
        name: format!("api/me answers {status}"),
        expect: Expect {
            status: vec![status],
            ..Expect::default()
        },
        ..Step::get("/api/me")
    }
}

async fn run_flow(lab: &Lab, flow: Flow, requests: u64) -> launch_ready_core::evidence::LoadReport {
    let sc = Scenario {
        p95_budget_ms: vec![None; flow.steps.len()],
        flow,
        values: Values::from_pairs([(Var::Secret(PASSWORD_CREDENTIAL.into()), demo_password())]),
    };
    let m = flows::run(
        net_for(&lab.settings()),
        vec![sc.clone()],
        Some(APP.into()),
        &plan(requests),
        CancellationToken::new(),
    )
    .await
    .expect("a valid plan");
    flows::build(&m, &[sc], Some(APP), USERS, Budgets::default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_user_logs_in_for_itself_and_its_protected_calls_pass() {
    let lab = lab().await;
    let demo = launch_ready_lab::demo_flow();
    let login = demo.steps[0].clone();

    // Not signed in, log in, signed in: passes only when each iteration starts with a jar
    // no other user (and no earlier iteration) put a cookie in.
    let own = Flow {
        name: "own cookies".into(),
        steps: vec![me(401), login.clone(), me(200)],
    };
    let r = run_flow(&lab, own, 300).await;
    let f = &r.flows[0];
    assert_eq!(f.users, USERS);
    assert_eq!(f.failed, 0, "{:#?}", r.flows);
    assert!(f.completed >= 90, "{f:?}");
    assert!(r.requests <= 300, "the request cap holds: {}", r.requests);
    for route in &r.routes {
        assert_eq!(route.error_rate_pct, 0.0, "{route:?}");
        assert!(route.requests >= f.completed);
    }
    assert_eq!(r.routes[2].name, "own cookies › api/me answers 200");
    assert!(f.iterations_per_s > 0.0 && f.iteration_ms.p95 > 0.0);

    // The opposite: a jar holding a login is seen by the "not signed in" check.
    let shared_jar = Flow {
        name: "signed in already".into(),
        steps: vec![login, me(401)],
    };
    let r = run_flow(&lab, shared_jar, 60).await;
    let f = &r.flows[0];
    assert_eq!(f.completed, 0);
    assert!(f.failed >= 20, "{f:?}");
    assert_eq!(
        f.steps[1].failed, f.failed,
        "every iteration ends at step 2"
    );
    assert_eq!(r.routes[1].errors["status"], r.routes[1].requests);
    assert_eq!(
        f.steps[1].first_failure.as_deref(),
        Some("status 200, expected 401")
    );

    // The demo flow itself: every protected call passes.
    let r = run_flow(&lab, demo, 200).await;
    assert_eq!(r.flows[0].failed, 0, "{:#?}", r.flows);
    assert_eq!(r.routes[1].errors.values().sum::<u64>(), 0);
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(&demo_password()));
}

/// A session file aimed at `lab`, holding the demo flow, in `dir`.
fn session_file(lab: &Lab, dir: &std::path::Path) -> std::path::PathBuf {
    let runbook = launch_ready::commands::runbooks::library()
        .resolve("b2b-demo-to-launch")
        .expect("bundled runbook");
    let mut targets = launch_ready_lab::demo_targets();
    targets.routes.clear();
    let mut s = Session::new(
        "load-flow-it",
        "Load flow",
        &runbook,
        targets,
        OffsetDateTime::now_utc(),
    );
    s.network = lab.settings();
    let path = dir.join("load-flow-it.ron");
    drop(SessionFile::create(&path, &s).expect("session saved"));
    path
}

async fn load(
    path: &std::path::Path,
    extra: &[&str],
    password: &str,
) -> (Option<i32>, String, String) {
    let mut args: Vec<String> = vec![
        "load".into(),
        "--session".into(),
        path.display().to_string(),
        "--yes".into(),
    ];
    args.extend(extra.iter().map(|s| (*s).to_string()));
    let var = env_var(PASSWORD_CREDENTIAL);
    let out = crate::common::run_env(args, &[(var.as_str(), password)]).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_flow_turns_red_when_the_protected_route_breaks_and_never_prints_the_password() {
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = session_file(&lab, dir.path());
    let secret = demo_password();
    let flow = "log in then protected route";
    let json_args = [
        "--flow",
        flow,
        "--connections",
        "4",
        "--requests",
        "120",
        "--format",
        "json",
    ];

    let (code, out, err) = load(&path, &json_args, &secret).await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(!(out.clone() + &err).contains(&secret));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["flows"][0]["name"], flow);
    assert_eq!(v["flows"][0]["failed"], 0);
    assert!(v["flows"][0]["completed"].as_u64().unwrap() >= 50, "{v}");
    // Every one of the 120 requests is in a completed iteration or one cut short by the
    // cap; an iteration the cap stopped before its first step was not cut short.
    let (done, cut) = (
        v["flows"][0]["completed"].as_u64().unwrap(),
        v["flows"][0]["cut"].as_u64().unwrap(),
    );
    assert_eq!(2 * done + cut, 120, "{v}");
    assert_eq!(v["routes"][1]["name"], format!("{flow} › protected route"));
    assert_eq!(v["routes"][1]["error_rate_pct"], 0.0);

    lab.web().flows.break_protected();
    let (code, out, err) = load(&path, &json_args, &secret).await;
    assert_eq!(code, Some(1), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["routes"][1]["error_rate_pct"], 100.0);
    assert_eq!(
        v["routes"][1]["errors"]["status"],
        v["routes"][1]["requests"]
    );
    assert_eq!(
        v["routes"][0]["error_rate_pct"], 0.0,
        "the login still works"
    );
    assert_eq!(v["flows"][0]["completed"], 0);
    assert_eq!(v["flows"][0]["steps"][1]["failed"], v["flows"][0]["failed"]);
    assert_eq!(
        v["flows"][0]["steps"][1]["first_failure"],
        "status 500, expected 200"
    );
    let text_args = ["--flow", flow, "--connections", "4", "--requests", "60"];
    let (code, out, err) = load(&path, &text_args, &secret).await;
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains(&format!("{flow} › protected route  (GET ")),
        "{out}"
    );
    assert!(
        out.contains("failed at step 2 (log in then protected route › protected route)"),
        "{out}"
    );
    assert!(out.contains("perf.error_rate_over_budget"), "{out}");
    assert!(!(out.clone() + &err).contains(&secret));

    lab.web().flows.fix_protected();
    let (code, out, err) = load(&path, &text_args, &secret).await;
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("within budget"), "{out}");

    // A wrong password fails every iteration at step 1, and is not printed either.
    let wrong = "planted-Wr0ng-pass";
    let (code, out, err) = load(&path, &json_args, wrong).await;
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(!(out.clone() + &err).contains(wrong), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["routes"][0]["error_rate_pct"], 100.0);
    assert_eq!(v["routes"][1]["requests"], 0, "step 2 never ran");
    assert_eq!(v["flows"][0]["steps"][0]["failed"], v["flows"][0]["failed"]);
    assert_eq!(
        v["flows"][0]["steps"][0]["first_failure"],
        "status 401, expected 303"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_load_setup_errors_exit_2_before_any_traffic() {
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = session_file(&lab, dir.path());
    let data = dir.path().to_str().unwrap();
    let base = |extra: &[&str]| {
        let mut a = vec![
            "load".to_string(),
            "--session".into(),
            path.display().to_string(),
            "--yes".into(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_string()));
        a
    };
    let cases: [(&[&str], &str); 6] = [
        (&["--flows"], "needs the `brightdesk-password` credential"),
        (&["--flow", "nope"], "no flow named `nope`"),
        (&["--flows", "--rate", "10"], "flows run closed loop"),
        (&["--flows", "--steps", "2,4"], "--steps cannot be used"),
        (
            &["--flows", "https://app.brightdesk.test/"],
            "cannot be mixed with --flow",
        ),
        (&["--flows", "--format", "xml"], "not text or json"),
    ];
    for (extra, says) in cases {
        let out = crate::common::run_env(base(extra), &[("LAUNCH_READY_DATA_DIR", data)]).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
    }
    let out = crate::common::run(vec!["load".into(), "--flows".into(), "--yes".into()]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --session"));

    // Load goes only to the session's hosts: a step elsewhere, or whose host is filled in
    // at run time, is refused before anything is sent.
    {
        let (file, mut s) = SessionFile::open(&path).unwrap();
        for (name, url) in [
            ("pay", "https://payments.example.net/charge"),
            ("hop", "https://{{env:API_HOST}}/me"),
        ] {
            s.targets.flows.push(launch_ready_core::flow::Flow {
                name: name.into(),
                steps: vec![
                    launch_ready_core::flow::Step::get("/"),
                    launch_ready_core::flow::Step::get(url),
                ],
            });
        }
        file.save(&s).unwrap();
    }
    for (flow, says) in [
        ("pay", "`payments.example.net` is not a host of session"),
        ("hop", "filled in at run time"),
    ] {
        let out =
            crate::common::run_env(base(&["--flow", flow]), &[("LAUNCH_READY_DATA_DIR", data)])
                .await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flow}: {err}");
        assert!(
            err.contains(says) && err.contains("step 2"),
            "{flow}: {err}"
        );
    }
}
