//! `launch-ready monitor --session`: the run holds the session's lock, writes every probe
//! into the session's uptime history (which a reopened session reads back with the same
//! figures the report printed), records a drill's measured delays, and prints JSON that
//! validates against `assets/schema/monitor-v1.json`. Real loopback servers throughout:
//! the lab's switchable route, a port nothing listens on, the lab's webhook receiver.

use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, Targets};
use launch_ready_core::session::store::{SessionFile, read, to_ron};
use launch_ready_lab::closed::ClosedPort;
use launch_ready_lab::hook::HookReceiver;
use launch_ready_lab::switch::Switchable;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use time::macros::datetime;

/// A session whose pages are `urls` (given as full-URL routes), saved in `dir`.
fn session(dir: &Path, urls: &[String]) -> PathBuf {
    let l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron")).expect("fixture");
    let targets = Targets {
        routes: urls
            .iter()
            .enumerate()
            .map(|(i, u)| Route {
                name: format!("r{i}"),
                path: u.clone(),
                ..Route::default()
            })
            .collect(),
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme", &l, targets, datetime!(2026-03-02 09:00 UTC));
    let path = dir.join("acme.ron");
    // Written without taking the lock: a child process another test forks at that moment
    // would inherit the lock's descriptor until it execs and keep the lock held meanwhile.
    std::fs::write(&path, to_ron(&s).expect("serialises")).expect("session written");
    path
}

async fn monitor(args: Vec<String>, hook: &str) -> Output {
    let hook = hook.to_string();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .arg("monitor")
            .args(&args)
            .env("LAUNCH_READY_ALERT_WEBHOOK", hook)
            .output()
            .expect("binary runs")
    })
    .await
    .expect("join")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// A URL on a loopback port nothing listens on, refused while the port is held.
fn refused_url() -> (ClosedPort, String) {
    let closed = ClosedPort::new().expect("reserve a port");
    let url = format!("http://{}/", closed.addr());
    (closed, url)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_run_keeps_its_history_and_reopening_reads_the_same_figures() {
    let site = Switchable::start().await.expect("site");
    let hook = HookReceiver::start().await.expect("receiver");
    let dir = tempfile::tempdir().expect("tempdir");
    let (_closed, down) = refused_url();
    let up = site.url();
    let path = session(dir.path(), &[up.clone(), down.clone()]);
    let args = [
        "--session",
        path.to_str().expect("utf-8"),
        "--interval",
        "300ms",
    ];
    let mut argv: Vec<String> = args.iter().map(ToString::to_string).collect();
    argv.extend(["--duration", "2s", "--format", "json"].map(String::from));
    let out = monitor(argv, &hook.url()).await;
    let v = json(&out);
    validate(&v, &schema(), &schema());
    assert_eq!(
        out.status.code(),
        Some(1),
        "a confirmed outage is a blocker"
    );
    let reopened = read(&path).expect("the session still reads");
    for t in v["targets"].as_array().expect("targets") {
        let url = t["url"].as_str().expect("url");
        let h = reopened
            .monitor
            .target(url)
            .expect("history for every target");
        assert_eq!(
            (h.probes, h.failures, h.outages),
            (
                t["probes"].as_u64().unwrap(),
                t["failures"].as_u64().unwrap(),
                t["outages"].as_array().unwrap().len() as u64
            ),
            "{t}"
        );
    }
    let good = reopened.monitor.target(&up).expect("up target");
    assert!(good.probes >= 2 && good.failures == 0, "{good:?}");
    assert_eq!(good.uptime_pct(), Some(100.0));
    assert_eq!(good.latency_samples().count() as u64, good.probes);
    let bad = reopened.monitor.target(&down).expect("down target");
    assert_eq!((bad.failures, bad.outages), (bad.probes, 1));
    assert_eq!(bad.uptime_pct(), Some(0.0));
    assert!(bad.last_failure().is_some_and(|f| !f.reason.is_empty()));
    let events: Vec<Value> = hook.received().iter().map(|a| a["event"].clone()).collect();
    assert_eq!(events, ["down"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_open_elsewhere_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (_closed, down) = refused_url();
    let path = session(dir.path(), &[down]);
    let before = std::fs::read(&path).expect("read");
    let (_held, _) = SessionFile::open(&path).expect("first opener");
    let argv = [
        "--session",
        path.to_str().expect("utf-8"),
        "--duration",
        "1s",
    ];
    let out = monitor(argv.iter().map(ToString::to_string).collect(), "").await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("open in another launch-ready process"),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_with_a_session_records_its_measured_delays() {
    let hook = HookReceiver::start().await.expect("receiver");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = session(dir.path(), &[]);
    let argv = ["--drill", "--session", path.to_str().expect("utf-8")];
    let mut argv: Vec<String> = argv.iter().map(ToString::to_string).collect();
    argv.extend(["--interval", "500ms", "--format", "json"].map(String::from));
    let out = monitor(argv, &hook.url()).await;
    let v = json(&out);
    validate(&v, &schema(), &schema());
    let reopened = read(&path).expect("the session still reads");
    let d = reopened.monitor.drills().last().expect("a drill");
    let ms = |k: &str| v["drill"][k].as_u64();
    assert_eq!(
        (d.passed, d.detection_ms, d.alert_ms, d.recovery_ms),
        (
            v["drill"]["passed"] == true,
            ms("detection_ms"),
            ms("alert_ms"),
            ms("recovery_ms")
        )
    );
    assert!(
        d.passed && d.alert_ms.is_some_and(|a| a <= d.target_ms),
        "{d:?}"
    );
    assert_eq!(
        d.test_alert_ms,
        v["drill"]["test_alert"]["delivery_ms"].as_u64()
    );
}

fn schema() -> Value {
    serde_json::from_str(include_str!("../../assets/schema/monitor-v1.json"))
        .expect("schema parses")
}

/// Checks `v` against the parts of JSON Schema the monitor schema uses: `$ref` within the
/// file, `oneOf`, `type` (one or a list), `const`, `enum`, `required`, `properties` with
/// `additionalProperties: false`, `items` and `minimum`/`maximum`.
/// Checks `v` against the schema file `schema` (its text), with the validator below.
pub(crate) fn validate_against(v: &Value, schema: &str) {
    let s: Value = serde_json::from_str(schema).expect("schema parses");
    validate(v, &s, &s);
}

fn validate(v: &Value, s: &Value, root: &Value) {
    assert!(is_valid(v, s, root), "{v}\ndoes not match\n{s}");
}

fn is_valid(v: &Value, s: &Value, root: &Value) -> bool {
    if let Some(r) = s["$ref"].as_str() {
        let name = r.trim_start_matches("#/$defs/");
        if !is_valid(v, &root["$defs"][name], root) {
            return false;
        }
    }
    if let Some(alts) = s["oneOf"].as_array()
        && alts.iter().filter(|a| is_valid(v, a, root)).count() != 1
    {
        return false;
    }
    let type_ok = |t: &str| match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_u64() || v.is_i64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("type {other} is not handled"),
    };
    match &s["type"] {
        Value::String(t) if !type_ok(t) => return false,
        Value::Array(ts) if !ts.iter().any(|t| type_ok(t.as_str().unwrap_or(""))) => {
            return false;
        }
        _ => {}
    }
    if !s["const"].is_null() && &s["const"] != v {
        return false;
    }
    if let Some(e) = s["enum"].as_array()
        && !e.contains(v)
    {
        return false;
    }
    if let Some(n) = v.as_f64() {
        if s["minimum"].as_f64().is_some_and(|m| n < m) {
            return false;
        }
        if s["maximum"].as_f64().is_some_and(|m| n > m) {
            return false;
        }
    }
    if let Some(o) = v.as_object() {
        let props = s["properties"].as_object();
        if let Some(req) = s["required"].as_array()
            && !req.iter().all(|k| o.contains_key(k.as_str().unwrap_or("")))
        {
            return false;
        }
        for (k, val) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) if !is_valid(val, ps, root) => return false,
                None if s["additionalProperties"] == false => return false,
                _ => {}
            }
        }
    }
    if let (Some(a), Some(items)) = (v.as_array(), s.get("items"))
        && !a.iter().all(|x| is_valid(x, items, root))
    {
        return false;
    }
    true
}

#[test]
fn the_validator_rejects_what_the_schema_forbids() {
    let root = schema();
    let ok = serde_json::json!({ "tool": "launch-ready", "version": "0.1.0", "drill": {
        "test_alert": null, "detection_ms": 5, "alert_ms": null, "recovery_ms": null,
        "recovery_alert_ms": null, "target_ms": 120000, "passed": false, "problems": [] } });
    assert!(is_valid(&ok, &root, &root));
    let mut extra = ok.clone();
    extra["drill"]["secret"] = "x".into();
    let mut negative = ok.clone();
    negative["drill"]["detection_ms"] = (-1).into();
    let mut missing = ok.clone();
    missing.as_object_mut().unwrap().remove("drill");
    for bad in [extra, negative, missing] {
        assert!(!is_valid(&bad, &root, &root), "{bad}");
    }
}
