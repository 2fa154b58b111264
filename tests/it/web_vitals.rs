//! `perf.web_vitals` against the lab's vitals pages with the real Lighthouse and a real
//! headless Chromium: the headless `check --only perf` reports each planted defect on its
//! page and nothing on the fast page; a missing browser is a skip naming the install
//! command; and cancelling a run kills Lighthouse and the browser.
//!
//! `.ci/run` installs Chromium and Lighthouse; on a machine without them the tests that
//! need them say so on stderr and pass without running.

use crate::common;
use common::{lab_flags, run, run_env};
use launch_ready_checks::engine::{Engine, EngineEvent, Job, Scope};
use launch_ready_checks::perf::vitals::tools;
use launch_ready_core::catalog;
use launch_ready_core::session::model::{Route, Targets};
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

const SITE: &str = "https://www.brightdesk.test";

/// The programs, or why the test does nothing here.
fn tools_or_say_why() -> Option<tools::Tools> {
    match tools::find() {
        Ok(t) => Some(t),
        Err(missing) => {
            eprintln!("web vitals not checked: {missing}");
            None
        }
    }
}

fn results(v: &Value) -> Vec<&Value> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check"] == "perf.web_vitals")
        .collect()
}

fn codes_of(r: &Value) -> Vec<String> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The bundled demo runbook with a web-vitals check and `lighthouse_runs` set, as a file.
fn runbook_with_runs(dir: &std::path::Path, runs: u8) -> String {
    let text = include_str!("../../runbooks/b2b-demo-to-launch.ron");
    let with_runs = text.replacen(
        "    lighthouse_score: None,",
        // TBT is the figure a busy machine moves most (the fast page measures 90 ms
        // alone and over 200 ms beside a parallel test suite on two cores): the fast page
        // is held to 600 ms, still far under the heavy script's 3.5 s.
        &format!("    lighthouse_score: None,\n    lighthouse_runs: Some({runs}),\n    tbt_ms: Some(600),"),
        1,
    );
    let anchor = "          run: Auto(kind: \"perf.latency\")),\n";
    let with_check = with_runs.replacen(
        anchor,
        &format!(
            "{anchor}        Check(id: \"web-vitals\", title: \"Web vitals\", why: \"Phones.\", severity: high,\n          run: Auto(kind: \"perf.web_vitals\")),\n"
        ),
        1,
    );
    assert!(
        with_runs != text && with_check != with_runs,
        "the runbook's text moved"
    );
    let path = dir.join("vitals-runbook.ron");
    std::fs::write(&path, with_check).unwrap();
    path.display().to_string()
}

/// `check --only perf` on `pages` of the lab, with `extra` arguments: the web-vitals
/// results by page.
async fn check_pages(lab: &launch_ready_lab::Lab, pages: &[&str], extra: &[String]) -> Value {
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(pages.iter().map(|p| format!("{SITE}{p}")));
    args.extend(["--only", "perf", "--format", "json"].map(String::from));
    args.extend(extra.iter().cloned());
    args.extend(lab_flags(lab));
    let out = run(args).await;
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_only_perf_reports_each_planted_defect_and_nothing_on_the_fast_page() {
    if tools_or_say_why().is_none() {
        return;
    }
    let lab = common::lab().await;
    // The fast page is judged on the median of three runs, as a runbook asks with
    // `lighthouse_runs`: one run on a machine busy with other tests can catch a stall.
    let dir = tempfile::tempdir().unwrap();
    let rb = runbook_with_runs(dir.path(), 3);
    let fast = check_pages(&lab, &["/vitals/good"], &["--runbook".into(), rb]).await;
    let good = results(&fast)[0];
    assert_eq!(good["status"], "pass", "{good}");
    assert!(codes_of(good).is_empty(), "{good}");
    assert_eq!(good["evidence"]["form_factor"], "mobile");
    assert_eq!(good["evidence"]["runs"], 3);
    assert!(good["evidence"]["score"].as_u64().unwrap() >= 85, "{good}");
    let defects: Vec<&str> = launch_ready_lab::web::vitals::PAGES
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| *p != "/vitals/good")
        .collect();
    let v = check_pages(&lab, &defects, &[]).await;
    let by_page: BTreeMap<String, &Value> = results(&v)
        .into_iter()
        .map(|r| (r["target"].as_str().unwrap().to_string(), r))
        .collect();
    assert_eq!(by_page.len(), 4, "{by_page:?}");
    let page = |p: &str| by_page[&format!("{SITE}{p}")];
    let expect = [
        ("/vitals/hero", "perf.lcp_over_budget"),
        ("/vitals/hero", "perf.images_unoptimized"),
        ("/vitals/shift", "perf.cls_over_budget"),
        ("/vitals/heavy-script", "perf.tbt_over_budget"),
        ("/vitals/heavy-script", "perf.lighthouse_score_low"),
        ("/vitals/blocking-css", "perf.lcp_over_budget"),
    ];
    for (p, code) in expect {
        let r = page(p);
        assert!(
            codes_of(r).iter().any(|c| c == code),
            "{p} lacks {code}: {r}"
        );
    }
    // The evidence names the targets and what Lighthouse would save.
    let heavy = &page("/vitals/heavy-script")["evidence"];
    assert_eq!(heavy["targets"]["tbt_ms"], 200);
    let ops = heavy["opportunities"].as_array().unwrap();
    assert!(
        ops.iter().any(|o| o["id"] == "uses-text-compression"
            && o["savings_bytes"].as_u64().unwrap() > 1_000_000),
        "{heavy}"
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_missing_browser_is_skipped_with_the_install_command() {
    let lab = common::lab().await;
    let mut args: Vec<String> = vec![
        "check".into(),
        format!("{SITE}/vitals/good"),
        "--only".into(),
        "perf".into(),
        "--format".into(),
        "json".into(),
    ];
    args.extend(lab_flags(&lab));
    let out = run_env(args, &[("CHROME_PATH", "/nonexistent/chromium")]).await;
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let r = results(&v)[0];
    assert_eq!(r["status"], "skipped", "{r}");
    let summary = r["summary"].as_str().unwrap();
    assert!(summary.contains("apt-get install chromium"), "{summary}");
    assert!(summary.contains("CHROME_PATH"), "{summary}");
    lab.shutdown().await;
}

/// Processes of ours whose command line contains `needle`.
fn ours_with(needle: &str) -> Vec<u32> {
    let me = std::process::id().to_string();
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name: state, ppid, pgrp.
        let rest: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, r)| r.split_whitespace().collect())
            .unwrap_or_default();
        let alive = rest.first().is_some_and(|s| *s != "Z");
        let ppid = rest.get(1).copied().unwrap_or("");
        if alive && ppid == me && String::from_utf8_lossy(&cmd).contains(needle) {
            out.push(pid);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_kills_lighthouse_and_the_browser() {
    if tools_or_say_why().is_none() {
        return;
    }
    let lab = common::lab().await;
    // A query only this test uses tells its Lighthouse apart from any other.
    let url = format!("{SITE}/vitals/hero?cancel={}", std::process::id());
    let targets = Targets {
        routes: vec![Route {
            name: "hero".into(),
            path: url.clone(),
            method: "GET".into(),
            ..Route::default()
        }],
        ..Targets::default()
    };
    let scope = Arc::new(Scope::new(targets, lab.settings(), Default::default()));
    let (engine, mut rx) = Engine::new();
    engine.run(
        Job {
            check_id: "vitals".into(),
            kind: catalog::kind("perf.web_vitals").unwrap(),
            severity: BTreeMap::new(),
            params: BTreeMap::new(),
        },
        scope,
    );
    // Wait until Lighthouse is running, then cancel.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let ev = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("progress in time")
            .expect("engine open");
        if let EngineEvent::Progress { message, .. } = &ev
            && message.contains("Lighthouse run 1")
        {
            break;
        }
        assert!(
            !matches!(ev, EngineEvent::Finished { .. }),
            "finished before it could be cancelled: {ev:?}"
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(ours_with(&url).len(), 1, "Lighthouse runs");
    assert_eq!(
        ours_with("launch-ready-chromium-").len(),
        1,
        "the browser runs"
    );
    engine.cancel_all();
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(10), rx.recv())
            .await
            .expect("cancelled in time")
            .expect("engine open");
        if matches!(ev, EngineEvent::Cancelled { .. }) {
            break;
        }
    }
    let gone = tokio::time::Instant::now() + Duration::from_secs(5);
    while !(ours_with(&url).is_empty() && ours_with("launch-ready-chromium-").is_empty()) {
        assert!(
            tokio::time::Instant::now() < gone,
            "still running after cancel: lighthouse {:?}, chromium {:?}",
            ours_with(&url),
            ours_with("launch-ready-chromium-")
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    lab.shutdown().await;
}
