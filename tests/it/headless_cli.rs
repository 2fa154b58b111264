//! The real `launch-ready check` binary against a lab started in this test process.

use crate::common;

use common::{lab_flags, run};
use launch_ready_lab::Lab;
use serde_json::Value;

fn args(list: &[&str], lab: &Lab) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(ToString::to_string).collect();
    v.extend(lab_flags(lab));
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_report_matches_the_contract() {
    let lab = common::lab().await;
    let out = run(args(
        &[
            "check",
            "brightdesk.test",
            "www.brightdesk.test",
            "staging.brightdesk.test",
            "help.brightdesk.test",
            "good.lab.test",
            "--only",
            "dns,email",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        &lab,
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON object");
    common::assert_report_header(&v);
    assert_eq!(v["verdict"], "go");
    let results = v["results"].as_array().unwrap();
    for r in results {
        for key in [
            "check",
            "family",
            "target",
            "status",
            "duration_ms",
            "summary",
            "findings",
            "evidence",
        ] {
            assert!(r.get(key).is_some(), "result lacks {key}: {r}");
        }
        assert!(
            ["pass", "warn", "fail", "error", "skipped"].contains(&r["status"].as_str().unwrap())
        );
        assert!(["dns", "email"].contains(&r["family"].as_str().unwrap()));
        for f in r["findings"].as_array().unwrap() {
            assert!(
                ["blocker", "high", "medium", "low", "info"]
                    .contains(&f["severity"].as_str().unwrap())
            );
            assert!(
                f["code"]
                    .as_str()
                    .unwrap()
                    .starts_with(r["family"].as_str().unwrap())
            );
            assert!(f["message"].is_string() && f.get("evidence").is_some());
        }
    }
    let find = |check: &str, target: &str| {
        results
            .iter()
            .find(|r| r["check"] == check && r["target"] == target)
            .unwrap_or_else(|| panic!("no {check} on {target}"))
    };
    assert_eq!(
        find("dns.records", "help.brightdesk.test")["findings"][0]["code"],
        "dns.dangling_cname"
    );
    assert_eq!(
        find("dns.staging", "staging.brightdesk.test")["findings"][0]["code"],
        "dns.staging_exposed"
    );
    assert_eq!(find("dns.caa", "brightdesk.test")["status"], "warn");
    assert_eq!(
        find("dns.records", "good.lab.test")["findings"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // Email runs on registrable domains only.
    assert_eq!(find("email.spf", "good.lab.test")["status"], "pass");
    assert_eq!(
        find("email.dmarc", "brightdesk.test")["findings"][0]["code"],
        "email.dmarc_policy_none"
    );
    assert!(
        !results
            .iter()
            .any(|r| r["family"] == "email" && r["target"] == "www.brightdesk.test")
    );
    let s = &v["summary"];
    let count = |st: &str| results.iter().filter(|r| r["status"] == st).count() as u64;
    for st in ["pass", "warn", "fail", "error", "skipped"] {
        assert_eq!(s[st], count(st), "{st}");
    }
    assert_eq!(s["findings"]["high"], 2);
    assert_eq!(s["findings"]["blocker"], 0);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_on_sets_the_exit_code() {
    let lab = common::lab().await;
    let high = run(args(
        &[
            "check",
            "help.brightdesk.test",
            "--only",
            "dns",
            "--fail-on",
            "high",
        ],
        &lab,
    ))
    .await;
    assert_eq!(
        high.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&high.stdout)
    );
    let text = String::from_utf8_lossy(&high.stdout);
    assert!(text.contains("help.brightdesk.test\n"), "{text}");
    assert!(text.contains("high    dns.dangling_cname"), "{text}");
    assert!(text.contains("verdict: go"), "{text}");
    let default = run(args(
        &["check", "help.brightdesk.test", "--only", "dns"],
        &lab,
    ))
    .await;
    assert_eq!(
        default.status.code(),
        Some(0),
        "no blocker: default threshold passes"
    );
    let never = run(args(
        &[
            "check",
            "app.unresolvable.lab.test",
            "--only",
            "dns",
            "--fail-on",
            "never",
        ],
        &lab,
    ))
    .await;
    assert_eq!(never.status.code(), Some(0));
    let blocker = run(args(
        &[
            "check",
            "app.unresolvable.lab.test",
            "--only",
            "dns",
            "--format",
            "json",
        ],
        &lab,
    ))
    .await;
    assert_eq!(blocker.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&blocker.stdout).unwrap();
    assert_eq!(v["verdict"], "no-go");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_and_configuration_errors_exit_2_with_one_line() {
    for (argv, needle) in [
        (
            vec!["check", "a.test", "--nameserver", "ns.example.com"],
            "ns.example.com",
        ),
        (vec!["check", "a.test", "--only", "dnz"], "dnz"),
        (vec!["check", "a.test", "--fail-on", "critical"], "critical"),
        (vec!["check", "a.test", "--format", "xml"], "xml"),
        (
            vec!["check", "a.test", "--connect-to", "a.test:443"],
            "a.test:443",
        ),
        (
            vec!["check", "a.test", "--ca-file", "/no/such/ca.pem"],
            "/no/such/ca.pem",
        ),
        (vec!["check", "bad host!"], "bad host!"),
        (vec!["check"], "nothing to check"),
        // A family that applies to none of the targets would check nothing and say "go".
        (
            vec!["check", "https://a.test/login", "--only", "dns"],
            "none of the families asked for (dns) applies",
        ),
        (
            vec!["check", "https://ci:hunter22@a.test/"],
            "https://REDACTED@a.test/",
        ),
    ] {
        let out = run(argv.iter().map(ToString::to_string).collect()).await;
        assert_eq!(out.status.code(), Some(2), "{argv:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{argv:?}: {err}");
        assert!(err.contains(needle), "{argv:?}: {err}");
        assert!(out.stdout.is_empty());
        assert!(!err.contains("hunter22"), "{argv:?}: {err}");
    }
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("ca.pem");
    std::fs::write(&bad, "not a certificate").unwrap();
    let out = run(vec![
        "check".into(),
        "a.test".into(),
        "--ca-file".into(),
        bad.display().to_string(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no PEM certificate"));
}

/// `--session` supplies targets, network settings and the runbook's thresholds: the demo
/// session against a lab, with no target or flag on the command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_supplies_targets_settings_and_thresholds() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.ron");
    launch_ready::commands::demo::prepare(&path, &lab, false, time::OffsetDateTime::now_utc())
        .expect("demo session");
    let out = run(vec![
        "check".into(),
        "--session".into(),
        path.display().to_string(),
        "--only".into(),
        "dns,tls".into(),
        "--format".into(),
        "json".into(),
        "--fail-on".into(),
        "never".into(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = report["results"].as_array().unwrap();
    let targets: Vec<&str> = results
        .iter()
        .filter_map(|r| r["target"].as_str())
        .collect();
    assert!(targets.contains(&"app.brightdesk.test"), "{targets:?}");
    // The dangling help CNAME is found through the session's nameserver.
    assert!(
        results
            .iter()
            .flat_map(|r| r["findings"].as_array().unwrap())
            .any(|f| f["code"] == "dns.dangling_cname"),
        "{report}"
    );
    // TLS trusted the lab CA from the session's ca_file: no host is untrusted.
    assert!(
        !results
            .iter()
            .flat_map(|r| r["findings"].as_array().unwrap())
            .any(|f| f["code"] == "tls.untrusted"
                && f["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("www.brightdesk.test")),
        "{report}"
    );

    // A damaged session file is a usage error naming the file.
    std::fs::write(&path, "Session(version: 1, name: ").unwrap();
    let out = run(vec![
        "check".into(),
        "--session".into(),
        path.display().to_string(),
    ])
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("demo.ron"), "{err}");
    lab.shutdown().await;
}

/// A host that was asked for and does not exist (the lab's DNS answers NXDOMAIN for
/// `shop.brightdesk.test`) is a no-go: its `dns.unresolvable` keeps the table severity of
/// a `shop` host (high), yet nothing else about it can be checked and it cannot launch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requested_host_that_does_not_exist_is_no_go() {
    let lab = common::lab().await;
    let text = run(args(
        &["check", "shop.brightdesk.test", "--only", "dns"],
        &lab,
    ))
    .await;
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("high    dns.unresolvable"), "{stdout}");
    assert!(stdout.contains("verdict: no-go"), "{stdout}");
    assert!(
        stdout.contains("dns.unresolvable on shop.brightdesk.test"),
        "the reason names the host: {stdout}"
    );
    // Every family: the checks skipped for want of an address do not hide it either.
    let json = run(args(
        &["check", "shop.brightdesk.test", "--format", "json"],
        &lab,
    ))
    .await;
    assert_eq!(json.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["verdict"], "no-go", "{v}");
    assert!(
        v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains("shop.brightdesk.test")),
        "{v}"
    );
    lab.shutdown().await;
}

/// `--fail-on never` still exits 1 on an incomplete verdict, and says so in `--help`;
/// `--allow-incomplete` makes a report-only step: 0 on incomplete, 1 on a no-go unless
/// `--fail-on never` too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn allow_incomplete_makes_a_report_only_step() {
    let lab = common::lab().await;
    // The lab refuses names outside its zones: the DNS checks cannot run, incomplete.
    let incomplete = |extra: &[&str]| {
        let mut v = vec!["check", "www.example.org", "--only", "dns"];
        v.extend_from_slice(extra);
        args(&v, &lab)
    };
    let no_go = |extra: &[&str]| {
        let mut v = vec!["check", "app.unresolvable.lab.test", "--only", "dns"];
        v.extend_from_slice(extra);
        args(&v, &lab)
    };
    for (argv, code) in [
        (incomplete(&[]), 1),
        (incomplete(&["--fail-on", "never"]), 1),
        (incomplete(&["--allow-incomplete"]), 0),
        (incomplete(&["--allow-incomplete", "--fail-on", "never"]), 0),
        (no_go(&["--allow-incomplete"]), 1),
        (no_go(&["--allow-incomplete", "--fail-on", "never"]), 0),
    ] {
        let out = run(argv.clone()).await;
        assert_eq!(
            out.status.code(),
            Some(code),
            "{argv:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The report still says incomplete and why, whatever the exit code.
    let out = run(incomplete(&["--allow-incomplete", "--format", "json"])).await;
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "incomplete");
    let help = run(vec!["check".into(), "--help".into()]).await;
    // Flattened: clap may wrap the lines.
    let help = String::from_utf8_lossy(&help.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(help.contains("--allow-incomplete"), "{help}");
    assert!(
        help.contains("`never` still exits 1 on an incomplete verdict"),
        "{help}"
    );
    lab.shutdown().await;
}

/// `check --only uptime` judges the preview host (401, as behind a login) by the same
/// rule as the monitor: named as a host it takes the staging role and is up; named only
/// by its URL nothing marks it protected, and it is down with the status in the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uptime_counts_401_as_up_only_for_a_protected_host() {
    let lab = common::lab().await;
    let as_host = run(args(
        &[
            "check",
            "preview.brightdesk.test",
            "--only",
            "uptime",
            "--format",
            "json",
        ],
        &lab,
    ))
    .await;
    let v: Value = serde_json::from_slice(&as_host.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    let probe = results
        .iter()
        .find(|r| r["check"] == "uptime.probe" && r["target"] == "https://preview.brightdesk.test/")
        .unwrap_or_else(|| panic!("no probe of the preview page: {v}"));
    assert_eq!(probe["status"], "pass", "{probe}");
    assert_eq!(as_host.status.code(), Some(0), "{v}");

    let as_url = run(args(
        &[
            "check",
            "https://preview.brightdesk.test/",
            "--only",
            "uptime",
            "--format",
            "json",
        ],
        &lab,
    ))
    .await;
    let v: Value = serde_json::from_slice(&as_url.stdout).unwrap();
    let probe = &v["results"][0];
    assert_eq!(probe["check"], "uptime.probe", "{v}");
    let down = probe["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "uptime.down")
        .unwrap_or_else(|| panic!("no uptime.down: {probe}"));
    assert!(
        down["message"].as_str().unwrap().contains("status 401"),
        "{down}"
    );
    assert_eq!(as_url.status.code(), Some(1));
    lab.shutdown().await;
}
