//! `export` and `check --plan`: the plan taken from the demo session runs the same checks
//! with the same findings; the Prometheus files pass the engines' own checkers; the
//! workflow validates against the GitHub workflow schema and its check step runs against
//! the lab. Tools that are not installed skip their test with the reason on stderr.

use crate::common;
use launch_ready_core::plan::Plan;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use time::OffsetDateTime;

/// The lab's fake Cloudflare token, handed to a separate process the way CI would.
const CF: (&str, &str) = (
    "CLOUDFLARE_API_TOKEN",
    launch_ready_lab::cloudflare::LAB_TOKEN,
);

pub fn demo_session(dir: &Path, lab: &launch_ready_lab::Lab) -> PathBuf {
    let path = dir.join("demo.ron");
    launch_ready::commands::demo::prepare(&path, lab, true, OffsetDateTime::now_utc())
        .expect("demo session written");
    path
}

pub fn have(tool: &str, test: &str) -> bool {
    let found = Command::new(tool).arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped {test}: `{tool}` is not installed (.ci/run installs it)");
    }
    found
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON on stdout ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// (check, target, status, codes) of every result: what "the same results" means.
fn results(v: &Value) -> BTreeSet<(String, String, String, Vec<String>)> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        // Lighthouse's figures move from one run to the next (a score or TBT near its
        // target can land either side), so two runs are compared on everything else.
        .filter(|r| r["check"] != "perf.web_vitals")
        .map(|r| {
            let mut codes: Vec<String> = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect();
            codes.sort();
            (
                r["check"].as_str().unwrap().to_string(),
                r["target"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
                codes,
            )
        })
        .collect()
}

pub fn export(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .arg("export")
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("binary runs")
}

fn ok(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_plan_runs_what_check_session_runs_on_the_demo() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let session = demo_session(dir.path(), &lab);
    let s = session.display().to_string();
    let out_dir = dir.path().join("plan");
    let o = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking({
        let (s, d) = (s.clone(), out_dir.display().to_string());
        move || export(&["plan", &s, &d, "--with-network"], &[])
    })
    .await
    .unwrap();
    ok(&out);
    let plan_file = out_dir.join(launch_ready_core::plan::FILE_NAME);
    let text = std::fs::read_to_string(&plan_file).unwrap();
    // The demo drafts notes in its handover checks: none of them travels with the plan.
    assert!(!text.contains("Maya"), "{text}");
    assert!(!text.contains(launch_ready_lab::cloudflare::LAB_TOKEN));
    let plan = Plan::read(&plan_file).unwrap();
    assert_eq!(plan.runbook.id, "b2b-demo-to-launch");
    assert!(
        plan.monitored
            .iter()
            .any(|m| m.url == "https://www.brightdesk.test/login")
    );
    assert!(
        plan.monitored
            .iter()
            .any(|m| m.protected && m.url.contains("staging.brightdesk.test"))
    );
    assert!(plan.network.is_some());

    let json_of = |source: &str, value: String| {
        common::run_env(
            vec![
                "check".into(),
                source.into(),
                value,
                "--format".into(),
                "json".into(),
            ],
            &[CF],
        )
    };
    let by_session = json(&json_of("--session", s).await);
    let by_plan = json(&json_of("--plan", plan_file.display().to_string()).await);
    let (a, b) = (results(&by_session), results(&by_plan));
    assert!(a.len() > 20, "the demo runs its checks: {a:?}");
    assert_eq!(a, b, "session and plan disagree");
    assert_eq!(by_session["verdict"], by_plan["verdict"]);
    drop(o);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_plan_is_a_usage_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.plan.ron");
    std::fs::write(&file, "Plan(\n  version: 1,\n  sesion: \"x\",\n)").unwrap();
    let out = common::run(vec![
        "check".into(),
        "--plan".into(),
        file.display().to_string(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.plan.ron:3:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_workflow_validates_and_its_check_step_runs_against_the_lab() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let session = demo_session(dir.path(), &lab);
    let out_dir = dir.path().join("ci");
    let out = tokio::task::spawn_blocking({
        let (s, d) = (session.display().to_string(), out_dir.display().to_string());
        move || export(&["ci", &s, &d, "--with-network"], &[])
    })
    .await
    .unwrap();
    ok(&out);
    let wf_path = out_dir.join(launch_ready::export::ci::WORKFLOW_PATH);
    let wf_text = std::fs::read_to_string(&wf_path).unwrap();
    let wf: Value = serde_norway::from_str(&wf_text).expect("the workflow is YAML");
    // Credentials are repository secrets, by name.
    assert!(
        wf_text.contains("${{ secrets.CLOUDFLARE_API_TOKEN }}"),
        "{wf_text}"
    );
    assert!(
        wf_text.contains("${{ secrets.LAUNCH_READY_ALERT_WEBHOOK }}"),
        "{wf_text}"
    );
    // The demo has a flow: a smoke job runs it after each deploy, its password a secret.
    let smoke = &wf["jobs"]["smoke"];
    assert!(smoke.is_object(), "{wf_text}");
    assert!(
        wf_text.contains("launch-ready smoke --plan launch-ready.plan.ron"),
        "{wf_text}"
    );
    assert!(
        wf_text.contains("${{ secrets.LAUNCH_READY_CREDENTIAL_BRIGHTDESK_PASSWORD }}"),
        "{wf_text}"
    );
    // A session without flows gets no smoke job.
    let bare_dir = dir.path().join("ci-bare");
    let bare = {
        let mut s = launch_ready_core::session::store::read(&session).unwrap();
        s.targets.flows.clear();
        let p = dir.path().join("bare.ron");
        drop(launch_ready_core::session::store::SessionFile::create(&p, &s).unwrap());
        p
    };
    let out = tokio::task::spawn_blocking({
        let (s, d) = (bare.display().to_string(), bare_dir.display().to_string());
        move || export(&["ci", &s, &d], &[])
    })
    .await
    .unwrap();
    ok(&out);
    let bare_wf: Value = serde_norway::from_str(
        &std::fs::read_to_string(bare_dir.join(launch_ready::export::ci::WORKFLOW_PATH)).unwrap(),
    )
    .unwrap();
    assert!(
        bare_wf["jobs"].get("smoke").is_none(),
        "no flows, no smoke job"
    );
    // The repository becomes the checkout root.
    let plan = Plan::read(&out_dir.join(launch_ready_core::plan::FILE_NAME)).unwrap();
    assert_eq!(plan.targets.repo.as_deref(), Some(Path::new(".")));

    if have("check-jsonschema", "workflow schema validation") {
        let schema =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/data/github-workflow.schema.json");
        let v = Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(&schema)
            .arg(&wf_path)
            .output()
            .unwrap();
        ok(&v);
        // The schema does catch a broken workflow.
        let broken = out_dir.join("broken.yml");
        std::fs::write(&broken, wf_text.replace("runs-on", "run-on")).unwrap();
        let v = Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(&schema)
            .arg(&broken)
            .output()
            .unwrap();
        assert_ne!(v.status.code(), Some(0));
    }

    // Run the check step's command as the runner would, with this build on PATH.
    let steps = wf["jobs"]["check"]["steps"].as_array().unwrap();
    let step = steps
        .iter()
        .find(|s| s["name"] == launch_ready::export::ci::CHECK_STEP)
        .expect("check step");
    let run = step["run"].as_str().unwrap().to_string();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_launch-ready"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cwd = out_dir.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-c", &run])
            .current_dir(cwd)
            .env("PATH", path)
            .env(CF.0, CF.1)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let report: Value = serde_json::from_slice(
        &std::fs::read(out_dir.join(launch_ready::export::ci::REPORT_FILE)).unwrap(),
    )
    .unwrap();
    // The demo has open blockers: the job fails, and says why in its report.
    assert_eq!(
        report["verdict"],
        "no-go",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1));
    let checks: BTreeSet<&str> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check"].as_str().unwrap())
        .collect();
    assert!(
        checks.contains("tls.certificate") && checks.contains("dns.records"),
        "{checks:?}"
    );
}

async fn pack(path: &Path, format: &str) -> String {
    let out = common::run(vec![
        "report".into(),
        path.display().to_string(),
        "--format".into(),
        format.into(),
    ])
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The pack lists what was exported, where, and how to start it; before any export it
/// says nothing was, with the commands. An export beside an open session is written but
/// not recorded, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pack_lists_what_was_exported_and_how_to_start_it() {
    const HOOK: &str = "https://hooks.example.test/services/T0/B0/pack-secret";
    let dir = tempfile::tempdir().unwrap();
    let runbook = launch_ready::commands::runbooks::library()
        .resolve(launch_ready::commands::demo::DEMO_RUNBOOK)
        .unwrap();
    let s = launch_ready_core::session::Session::new(
        "handover-exports",
        "Acme",
        &runbook,
        launch_ready_core::session::model::Targets {
            apex: "acme.example".into(),
            ..Default::default()
        },
        OffsetDateTime::now_utc(),
    );
    let path = dir.path().join("handover-exports.ron");
    launch_ready_core::session::store::SessionFile::create(&path, &s).unwrap();

    for format in ["md", "html"] {
        let text = pack(&path, format).await;
        assert!(text.contains("Nothing exported yet"), "{format}");
        for target in ["prometheus", "ci", "locust", "plan"] {
            let cmd = format!("launch-ready export {target} handover-exports DIR");
            assert!(text.contains(&cmd), "{format}: {cmd} missing");
        }
    }

    let session = path.display().to_string();
    let prom = dir.path().join("monitoring");
    let ci = dir.path().join("ci");
    let locust = dir.path().join("load");
    let (s1, p1, c1) = (
        session.clone(),
        prom.display().to_string(),
        ci.display().to_string(),
    );
    let outs = tokio::task::spawn_blocking(move || {
        [
            export(
                &["prometheus", &s1, &p1],
                &[("LAUNCH_READY_ALERT_WEBHOOK", HOOK)],
            ),
            export(&["ci", &s1, &c1], &[]),
        ]
    })
    .await
    .unwrap();
    for out in &outs {
        ok(out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("recorded in session `handover-exports`"),
            "{stdout}"
        );
        assert!(stdout.contains("to start it:"), "{stdout}");
    }

    let v: Value = serde_json::from_str(&pack(&path, "json").await).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/schema/handover-v2.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut errors = Vec::new();
    crate::report::validate(&schema, &v, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
    let h = &v["handoff"];
    let kinds: Vec<&str> = h["exported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["ci", "prometheus"], "newest first");
    let not: Vec<&str> = h["not_exported"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(not, ["locust", "plan"]);
    let p = &h["exported"][1];
    let real = std::fs::canonicalize(&prom).unwrap();
    assert_eq!(p["dir"], real.display().to_string().as_str());
    assert_eq!(
        p["start"][0]["command"],
        format!("cd {} && docker compose up -d", real.display()).as_str()
    );
    assert!(
        p["secret_files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "alertmanager/secrets/alert-webhook"),
        "{p}"
    );
    let ci_steps = h["exported"][0]["start"].to_string();
    assert!(ci_steps.contains("LAUNCH_READY_GIT"), "{ci_steps}");
    for format in ["md", "html"] {
        let text = pack(&path, format).await;
        assert!(!text.contains("Nothing exported yet"), "{format}");
        assert!(!text.contains(HOOK), "{format}: the webhook URL leaked");
        assert!(text.contains("docker compose up -d"), "{format}");
        assert!(
            text.contains("launch-ready export locust handover-exports DIR"),
            "{format}"
        );
        assert!(
            !text.contains("launch-ready export prometheus handover-exports DIR"),
            "{format}: listed as not exported after its export"
        );
    }

    // Open elsewhere (the lock is held): the export is written, not recorded, and says so.
    let (held, _) = launch_ready_core::session::store::SessionFile::open(&path).unwrap();
    let (s2, l2) = (session, locust.display().to_string());
    let out = tokio::task::spawn_blocking(move || export(&["locust", &s2, &l2], &[]))
        .await
        .unwrap();
    ok(&out);
    assert!(locust.join("locustfile.py").exists());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("not recorded in the session"), "{stderr}");
    drop(held);
    let v: Value = serde_json::from_str(&pack(&path, "json").await).unwrap();
    assert_eq!(v["handoff"]["exported"].as_array().unwrap().len(), 2);
}
