//! Flows against the lab's app host: the runner (form login then protected route, a wrong
//! password, a CSRF-protected form, a JSON login whose token is captured), the
//! `smoke.flow` kind through the engine, and `launch-ready smoke` as a deploy pipeline
//! runs it: exit 0 on a good deploy, 1 when the protected route breaks, 2 on setup errors,
//! and the password never in what it prints or in the session file.

use crate::common::{lab, net_for};
use launch_ready_checks::credentials::env_var;
use launch_ready_checks::smoke::{self, FlowRun, values::Values};
use launch_ready_core::flow::template::Var;
use launch_ready_core::flow::{Body, Capture, Expect, Flow, Header, JsonEquals, Source, Step};
use launch_ready_core::session::Session;
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::Lab;
use launch_ready_lab::web::flows::{DEMO_EMAIL, PASSWORD_CREDENTIAL, demo_password};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const APP: &str = "https://app.brightdesk.test";

fn password(value: &str) -> Values {
    Values::from_pairs([(Var::Secret(PASSWORD_CREDENTIAL.into()), value.to_string())])
}

async fn run(lab: &Lab, flow: &Flow, values: &Values) -> FlowRun {
    let net = net_for(&lab.settings());
    let timeout = Duration::from_secs(5);
    smoke::run(
        &net,
        flow,
        Some(APP),
        values,
        timeout,
        Instant::now() + timeout * 4,
    )
    .await
}

fn login_step() -> Step {
    Step {
        name: "log in".into(),
        method: "POST".into(),
        body: Some(Body::Form(vec![
            ("email".into(), DEMO_EMAIL.into()),
            (
                "password".into(),
                format!("{{{{secret:{PASSWORD_CREDENTIAL}}}}}"),
            ),
        ])),
        expect: Expect {
            status: vec![303],
            ..Expect::default()
        },
        ..Step::get("/session")
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_protected_route_passes_and_a_wrong_password_fails_at_step_1() {
    let lab = lab().await;
    let flow = launch_ready_lab::demo_flow();
    let ok = run(&lab, &flow, &password(&demo_password())).await;
    assert!(ok.passed(), "{:?}", ok.evidence);
    assert_eq!(ok.evidence.steps.len(), 2);
    assert_eq!(ok.evidence.steps[0].status, Some(303));
    assert_eq!(ok.evidence.steps[1].status, Some(200));
    assert!(ok.evidence.steps.iter().all(|s| s.excerpt.is_none()));

    let bad = run(&lab, &flow, &password("not-the-password")).await;
    let f = bad.finding.expect("a failed step is a finding");
    assert_eq!(f.code, launch_ready_core::code::Code::SmokeStepFailed);
    assert!(f.message.contains("step 1 (log in)"), "{}", f.message);
    assert!(
        f.message.contains("status 401, expected 303"),
        "{}",
        f.message
    );
    assert_eq!(bad.evidence.steps.len(), 1);
    assert_eq!(bad.evidence.not_run, 1);
    let step = &bad.evidence.steps[0];
    assert!(
        step.excerpt
            .as_deref()
            .unwrap()
            .contains("Wrong email or password")
    );
    // The credential's value is masked wherever the run wrote.
    let json = serde_json::to_string(&bad.evidence).unwrap() + &f.message;
    assert!(!json.contains("not-the-password"), "{json}");

    // Without the cookie the protected route is refused.
    let alone = Flow {
        name: "no login".into(),
        steps: vec![Step {
            expect: Expect {
                status: vec![200],
                ..Expect::default()
            },
            ..Step::get("/api/me")
        }],
    };
    let r = run(&lab, &alone, &Values::default()).await;
    assert_eq!(r.evidence.steps[0].status, Some(401));
    assert!(!r.passed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csrf_form_needs_the_token_its_page_carries() {
    let lab = lab().await;
    let save = |with_token: bool| Step {
        name: "save settings".into(),
        method: "POST".into(),
        body: Some(Body::Form(
            [("display_name".to_string(), "Demo".to_string())]
                .into_iter()
                .chain(with_token.then(|| ("csrf_token".into(), "{{csrf}}".into())))
                .collect(),
        )),
        expect: Expect {
            status: vec![200],
            contains: vec!["Settings saved".into()],
            ..Expect::default()
        },
        ..Step::get("/settings")
    };
    let page = Step {
        name: "settings page".into(),
        capture: vec![Capture {
            name: "csrf".into(),
            from: Source::FormInput("csrf_token".into()),
        }],
        ..Step::get("/settings")
    };
    let flow = Flow {
        name: "settings form".into(),
        steps: vec![login_step(), page.clone(), save(true)],
    };
    flow.validate().unwrap();
    let r = run(&lab, &flow, &password(&demo_password())).await;
    assert!(r.passed(), "{:?}", r.evidence);

    let forged = Flow {
        name: "no token".into(),
        steps: vec![login_step(), page, save(false)],
    };
    let r = run(&lab, &forged, &password(&demo_password())).await;
    let failed = r.evidence.failed().expect("step 3 fails").1;
    assert_eq!(failed.status, Some(403));
    assert!(
        r.finding
            .unwrap()
            .message
            .contains("step 3 (save settings)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_login_token_is_captured_and_sent_as_a_bearer() {
    let lab = lab().await;
    let flow = Flow {
        name: "api login".into(),
        steps: vec![
            Step {
                method: "POST".into(),
                body: Some(Body::Json(serde_json::json!({
                    "email": DEMO_EMAIL,
                    "password": format!("{{{{secret:{PASSWORD_CREDENTIAL}}}}}"),
                }))),
                expect: Expect {
                    status: vec![200],
                    json: vec![JsonEquals {
                        pointer: "/user/email".into(),
                        equals: DEMO_EMAIL.into(),
                    }],
                    ..Expect::default()
                },
                capture: vec![Capture {
                    name: "token".into(),
                    from: Source::Json("/token".into()),
                }],
                ..Step::get("/api/login")
            },
            Step {
                headers: vec![Header {
                    name: "authorization".into(),
                    value: "Bearer {{token}}".into(),
                }],
                expect: Expect {
                    status: vec![200],
                    json: vec![JsonEquals {
                        pointer: "/plan".into(),
                        equals: "team".into(),
                    }],
                    ..Expect::default()
                },
                ..Step::get("/api/me")
            },
        ],
    };
    flow.validate().unwrap();
    let r = run(&lab, &flow, &password(&demo_password())).await;
    assert!(r.passed(), "{:?}", r.evidence);
    // A wrong expectation names the pointer and both values.
    let mut wrong = flow.clone();
    wrong.steps[1].expect.json[0].equals = "enterprise".into();
    let r = run(&lab, &wrong, &password(&demo_password())).await;
    let why = r.evidence.steps[1].failure.clone().unwrap();
    assert_eq!(why, r#"`/plan` is "team", expected "enterprise""#);
}

/// A session file aimed at `lab`, holding the demo flow, in `dir`.
fn session_file(lab: &Lab, dir: &std::path::Path) -> std::path::PathBuf {
    let runbook = launch_ready::commands::runbooks::library()
        .resolve("b2b-demo-to-launch")
        .expect("bundled runbook");
    let mut targets = launch_ready_lab::demo_targets();
    targets.routes.clear();
    let mut s = Session::new(
        "smoke-it",
        "Smoke",
        &runbook,
        targets,
        OffsetDateTime::now_utc(),
    );
    s.network = lab.settings();
    let path = dir.join("smoke-it.ron");
    drop(SessionFile::create(&path, &s).expect("session saved"));
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_fails_a_deploy_whose_protected_route_broke_and_passes_once_fixed() {
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = session_file(&lab, dir.path());
    let secret = demo_password();
    let var = env_var(PASSWORD_CREDENTIAL);
    let smoke = |format: &'static str| {
        let (path, secret, var) = (path.clone(), secret.clone(), var.clone());
        async move {
            crate::common::run_env(
                vec![
                    "smoke".into(),
                    "--session".into(),
                    path.display().to_string(),
                    "--format".into(),
                    format.into(),
                ],
                &[(var.as_str(), secret.as_str())],
            )
            .await
        }
    };
    let check = |out: &std::process::Output| {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(&secret), "the password is printed: {all}");
        all
    };

    let started = Instant::now();
    let out = smoke("json").await;
    let wall = started.elapsed();
    let text = check(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    crate::common::assert_report_header(&v);
    assert_eq!(v["passed"], true);
    assert_eq!(v["flows"][0]["steps"].as_array().unwrap().len(), 2);
    crate::monitor_session::validate_against(&v, include_str!("../../assets/schema/smoke-v1.json"));
    eprintln!("smoke --session (pass) took {} ms", wall.as_millis());

    lab.web().flows.break_protected();
    let out = smoke("text").await;
    let text = check(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("FAIL  log in then protected route"), "{text}");
    assert!(text.contains("status 500, expected 200"), "{text}");
    assert!(
        text.contains("internal server error"),
        "the answer's start: {text}"
    );
    let out = smoke("json").await;
    check(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["flows"][0]["failed_step"], 2);
    crate::monitor_session::validate_against(&v, include_str!("../../assets/schema/smoke-v1.json"));

    lab.web().flows.fix_protected();
    let out = smoke("text").await;
    assert_eq!(out.status.code(), Some(0), "{}", check(&out));

    let file = std::fs::read_to_string(&path).unwrap();
    assert!(
        !file.contains(&secret),
        "the session file holds no password"
    );
    assert!(file.contains("{{secret:brightdesk-password}}"), "{file}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_setup_errors_exit_2_with_a_reason() {
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = session_file(&lab, dir.path());
    let args = |extra: &[&str]| {
        let mut a = vec![
            "smoke".to_string(),
            "--session".into(),
            path.display().to_string(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_string()));
        a
    };
    // No credential anywhere: the keyring of a test run has none by this name.
    let out = crate::common::run_env(
        args(&[]),
        &[("LAUNCH_READY_DATA_DIR", dir.path().to_str().unwrap())],
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("needs the `brightdesk-password` credential"),
        "{err}"
    );
    assert!(
        err.contains("LAUNCH_READY_CREDENTIAL_BRIGHTDESK_PASSWORD"),
        "{err}"
    );

    let out = crate::common::run(args(&["--flow", "nope"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no flow named `nope`"));
    let out = crate::common::run(args(&["--format", "xml"])).await;
    assert_eq!(out.status.code(), Some(2));
    let out = crate::common::run(vec![
        "smoke".into(),
        "--session".into(),
        dir.path().join("missing.ron").display().to_string(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_smoke_kind_runs_the_session_flow_through_the_engine() {
    use launch_ready_checks::engine::{Engine, EngineEvent, Job, Scope, targets};
    use launch_ready_core::catalog::KindId;
    use launch_ready_core::finding::CheckStatus;
    use launch_ready_core::session::model::CheckOutcome;
    use std::sync::Arc;
    let lab = lab().await;
    let mut t = launch_ready_lab::demo_targets();
    t.routes.clear();
    let kind = KindId::SmokeFlow.kind();
    assert_eq!(targets::for_kind(kind, &t).len(), 1, "one target per flow");
    let mut scope = Scope::new(t, lab.settings(), Default::default());
    scope.credentials = launch_ready_checks::credentials::Credentials::new(
        Arc::new(crate::common::MemoryStore::empty()),
        Some("smoke-kind-it".into()),
    );
    let scope = Arc::new(scope);
    let once = |scope: Arc<Scope>| async move {
        let (engine, mut rx) = Engine::new();
        engine.run(
            Job {
                check_id: "deploy-smoke-flows".into(),
                kind,
                severity: Default::default(),
                params: Default::default(),
            },
            scope,
        );
        loop {
            match rx.recv().await.expect("engine events") {
                EngineEvent::Finished { evidence, .. } => break evidence.results,
                EngineEvent::Cancelled { .. } => panic!("cancelled"),
                _ => {}
            }
        }
    };
    let first = |r: Vec<CheckOutcome>| r.into_iter().next().expect("one outcome");
    launch_ready_checks::credentials::remember(
        "smoke-kind-it",
        PASSWORD_CREDENTIAL,
        &demo_password(),
    );
    let o = first(once(scope.clone()).await);
    assert_eq!(o.status, CheckStatus::Pass, "{o:?}");
    assert!(matches!(
        o.evidence,
        launch_ready_core::evidence::Observed::Flow(_)
    ));
    lab.web().flows.break_protected();
    // A new scope: the engine shares one run per (kind, target) within a scope.
    let again = |s: &Arc<Scope>| {
        let mut n = Scope::new(s.targets.clone(), s.network.clone(), Default::default());
        n.credentials = s.credentials.clone();
        Arc::new(n)
    };
    let o = first(once(again(&scope)).await);
    assert_eq!(o.status, CheckStatus::Fail, "{o:?}");
    assert_eq!(crate::common::codes(&o), ["smoke.step_failed"]);
    launch_ready_checks::credentials::forget("smoke-kind-it");
    lab.web().flows.fix_protected();
    let o = first(once(again(&scope)).await);
    assert_eq!(o.status, CheckStatus::Skipped, "{o:?}");
    assert_eq!(o.needs_credential.as_deref(), Some(PASSWORD_CREDENTIAL));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_runs_an_exported_plans_flows_as_it_runs_the_sessions() {
    let lab = lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = session_file(&lab, dir.path());
    let out_dir = dir.path().join("export");
    let exported = crate::exports::export(
        &[
            "plan",
            &path.display().to_string(),
            &out_dir.display().to_string(),
            "--with-network",
        ],
        &[],
    );
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let plan = out_dir.join("launch-ready.plan.ron");
    let secret = demo_password();
    let var = env_var(PASSWORD_CREDENTIAL);
    let smoke = || {
        let (plan, secret, var) = (plan.clone(), secret.clone(), var.clone());
        async move {
            crate::common::run_env(
                vec!["smoke".into(), "--plan".into(), plan.display().to_string()],
                &[(var.as_str(), secret.as_str())],
            )
            .await
        }
    };
    let out = smoke().await;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(&secret));

    lab.web().flows.break_protected();
    let out = smoke().await;
    assert_eq!(out.status.code(), Some(1));
    lab.web().flows.fix_protected();
    let out = smoke().await;
    assert_eq!(out.status.code(), Some(0));

    // Both or neither is a usage error.
    let out = crate::common::run_env(
        vec![
            "smoke".into(),
            "--plan".into(),
            plan.display().to_string(),
            "--session".into(),
            path.display().to_string(),
        ],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let out = crate::common::run_env(vec!["smoke".into()], &[]).await;
    assert_eq!(out.status.code(), Some(2));
}
