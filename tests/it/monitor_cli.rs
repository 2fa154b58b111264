//! `launch-ready monitor` as CI runs it: the webhook from the environment, a target that
//! is stopped at second 5 and restarted at second 12 of a 20-second run with a 1-second
//! interval, and a real receiver on loopback.

use launch_ready_lab::hook::HookReceiver;
use launch_ready_lab::switch::Switchable;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_from_second_5_to_12_gives_one_down_and_one_recovery_alert() {
    let site = Arc::new(Switchable::start().await.unwrap());
    let hook = HookReceiver::start().await.unwrap();
    let (url, hook_url) = (site.url(), hook.url());
    let child = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args([
                "monitor",
                &url,
                "--interval",
                "1s",
                "--duration",
                "20s",
                "--format",
                "json",
            ])
            .env("LAUNCH_READY_ALERT_WEBHOOK", &hook_url)
            .output()
            .expect("binary runs")
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    site.down();
    tokio::time::sleep(Duration::from_secs(7)).await;
    site.up().unwrap();
    let out = child.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stdout.contains(&hook.url()) && !stderr.contains(&hook.url()),
        "the webhook URL is never printed"
    );
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    let events: Vec<String> = hook
        .received()
        .iter()
        .filter_map(|a| a["event"].as_str().map(String::from))
        .collect();
    assert_eq!(events, ["down", "recovered"], "{stderr}");
    let t = &v["targets"][0];
    assert_eq!(t["state"], "up", "{t}");
    let probes = t["probes"].as_u64().unwrap();
    let failures = t["failures"].as_u64().unwrap();
    assert!((18..=60).contains(&probes) && failures >= 2, "{t}");
    let uptime = t["uptime_pct"].as_f64().unwrap();
    // Down from about 5 s to 12 s of 20 s.
    assert!((55.0..75.0).contains(&uptime), "{t}");
    let o = &t["outages"][0];
    let ms = |k: &str| o[k].as_u64().unwrap_or_else(|| panic!("{k} in {o}"));
    // From the last good probe (before the outage began) to detection and to delivery.
    assert!(ms("detection_worst_ms") < 2000, "{o}");
    assert!(
        ms("alert_delivered_ms") - ms("last_success_ms") < 2000,
        "{o}"
    );
    assert!(
        ms("recovered_ms") >= 12_000 - 500 && o["recovery_alert_delivered_ms"].is_u64(),
        "{o}"
    );
    assert_eq!(v["findings"].as_array().map(Vec::len), Some(0), "{v}");
    assert_eq!(out.status.code(), Some(0));
    eprintln!("{}", serde_json::to_string_pretty(o).unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drill_measures_detection_delivery_and_recovery_against_the_target() {
    let hook = HookReceiver::start().await.unwrap();
    let hook_url = hook.url();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args(["monitor", "--drill", "--interval", "1s", "--format", "json"])
            .env("LAUNCH_READY_ALERT_WEBHOOK", &hook_url)
            .output()
            .expect("binary runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let d = &v["drill"];
    assert_eq!(d["passed"], true, "{d}");
    assert_eq!(out.status.code(), Some(0));
    // It says what it is doing while it runs, on stderr, not in the JSON.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("alert drill: a marked test alert"),
        "{stderr}"
    );
    let ms = |k: &str| d[k].as_u64().unwrap_or_else(|| panic!("{k} in {d}"));
    assert!(
        ms("detection_ms") < 2000 && ms("alert_ms") < 2000 && ms("alert_ms") <= ms("target_ms"),
        "{d}"
    );
    assert!(
        ms("recovery_ms") < 3000 && ms("recovery_alert_ms") < 3000,
        "{d}"
    );
    let got = hook.received();
    let events: Vec<(&str, bool)> = got
        .iter()
        .map(|a| (a["event"].as_str().unwrap_or(""), a["test"] == true))
        .collect();
    assert_eq!(
        events,
        [("test", true), ("down", true), ("recovered", true)]
    );
    eprintln!("{}", serde_json::to_string_pretty(d).unwrap());
}

/// `check --only uptime`: `uptime.probe` is a short run of the monitor itself, judged by the
/// same rules, so a healthy URL passes after its probes and a refused one is confirmed
/// down by two consecutive failures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_only_uptime_probes_each_url_a_few_times_and_judges_it() {
    let site = Switchable::start().await.unwrap();
    let port = reqwest::Url::parse(&site.url()).unwrap().port().unwrap();
    let closed = launch_ready_lab::closed::ClosedPort::new().unwrap();
    let refused = closed.port();
    let (up, down) = (
        format!("http://up.test:{port}/"),
        format!("http://down.test:{refused}/"),
    );
    let args: Vec<String> = [
        "check",
        &up,
        &down,
        "--resolve",
        "up.test:127.0.0.1",
        "--resolve",
        "down.test:127.0.0.1",
        "--only",
        "uptime",
        "--format",
        "json",
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args(&args)
            .output()
            .expect("binary runs")
    })
    .await
    .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        (v["verdict"].as_str(), out.status.code()),
        (Some("no-go"), Some(1))
    );
    let result = |url: &str| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["check"] == "uptime.probe" && r["target"] == url)
            .unwrap_or_else(|| panic!("no uptime.probe result for {url}: {v}"))
            .clone()
    };
    let good = result(&up);
    assert_eq!(
        (
            &good["status"],
            &good["evidence"]["probes"],
            &good["evidence"]["failures"]
        ),
        (&"pass".into(), &3.into(), &0.into()),
        "{good}"
    );
    let bad = result(&down);
    let codes: Vec<&str> = bad["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        (bad["status"].as_str(), codes),
        (Some("fail"), vec!["uptime.down"])
    );
    assert_eq!(bad["findings"][0]["severity"], "blocker");
    let probes = bad["evidence"]["probes"].as_u64().unwrap();
    assert!(
        probes >= 2 && bad["evidence"]["failures"] == probes,
        "{bad}"
    );
}

/// The lab's `preview` host answers 401, as a host behind a login should. Monitored from a
/// session that declares it with the `preview` role it is up all along; the same URL
/// monitored bare (nothing marks it protected) is down, with the status in the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protected_host_answering_401_is_up_and_the_same_host_unmarked_is_down() {
    const PREVIEW: &str = "https://preview.brightdesk.test/";
    let lab = crate::common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    launch_ready::commands::demo::prepare(&path, &lab, false, time::OffsetDateTime::now_utc())
        .expect("demo session");
    let monitor = |extra: Vec<String>| {
        let mut args: Vec<String> = ["monitor", "--interval", "500ms", "--duration", "3s"]
            .map(String::from)
            .to_vec();
        args.extend(["--format".to_string(), "json".to_string()]);
        args.extend(extra);
        crate::common::run_env(args, &[("LAUNCH_READY_ALERT_WEBHOOK", "")])
    };
    let target = |v: &serde_json::Value| -> serde_json::Value {
        v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["url"] == PREVIEW)
            .cloned()
            .unwrap_or_else(|| panic!("{PREVIEW} not monitored: {v}"))
    };
    let out = monitor(vec!["--session".into(), path.display().to_string()]).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let t = target(&v);
    assert_eq!(t["state"], "up", "{t}");
    assert_eq!(t["failures"], 0, "{t}");

    // The same host with nothing marking it protected: only the lab's routing flags.
    let mut flags: Vec<String> = Vec::new();
    let all = crate::common::lab_flags(&lab);
    for pair in all.chunks(2) {
        if pair[0] == "--connect-to" || pair[0] == "--ca-file" {
            flags.extend(pair.iter().cloned());
        }
    }
    flags.push(PREVIEW.into());
    let out = monitor(flags).await;
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let t = target(&v);
    assert_eq!(t["state"], "down", "{t}");
    let down = t["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "uptime.down")
        .unwrap_or_else(|| panic!("no uptime.down: {t}"));
    assert!(
        down["message"].as_str().unwrap().contains("status 401"),
        "{down}"
    );
    assert_eq!(out.status.code(), Some(1));
    lab.shutdown().await;
}
