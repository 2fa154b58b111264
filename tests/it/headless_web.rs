//! The real `launch-ready check` binary running the tls, http and edge families: against
//! the demo lab through all of its settings (nameserver, connect-to, CA file), and against
//! bare URLs reached with `--connect-to` and `--ca-file` alone, as a user auditing a new
//! deployment before switching DNS would run it. Reports are checked against the JSON
//! contract and its schema file.

use crate::common;

use common::{lab_flags, run};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Output;

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON object ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

fn schema_keys(def: &Value) -> BTreeSet<String> {
    def["required"]
        .as_array()
        .expect("required list")
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// Every key the schema allows (required or optional) at this level.
fn schema_properties(def: &Value) -> BTreeSet<String> {
    def["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect()
}

/// The object has every required key and no key the schema does not name.
fn assert_keys(v: &Value, def: &Value) {
    let have = keys(v);
    assert!(have.is_superset(&schema_keys(def)), "{v}");
    assert!(have.is_subset(&schema_properties(def)), "{v}");
}

/// The report has exactly the keys the schema requires (it forbids others) at every
/// level, statuses and severities from the contract, and a summary that adds up.
fn assert_contract(v: &Value) {
    let schema: Value = serde_json::from_str(include_str!("../../assets/schema/report-v1.json"))
        .expect("schema parses");
    assert_keys(v, &schema);
    common::assert_report_header(v);
    let results = v["results"].as_array().unwrap();
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    let mut blockers = 0;
    for r in results {
        assert_keys(r, &schema["$defs"]["result"]);
        let status = r["status"].as_str().unwrap();
        assert!(["pass", "warn", "fail", "error", "skipped"].contains(&status));
        *counts.entry(status.to_string()).or_default() += 1;
        assert!(r["duration_ms"].is_u64());
        for f in r["findings"].as_array().unwrap() {
            assert_eq!(keys(f), schema_keys(&schema["$defs"]["finding"]), "{f}");
            let sev = f["severity"].as_str().unwrap();
            assert!(["blocker", "high", "medium", "low", "info"].contains(&sev));
            *counts.entry(sev.to_string()).or_default() += 1;
            if sev == "blocker" {
                blockers += 1;
            }
            assert!(
                launch_ready_core::catalog::all_codes().contains(&f["code"].as_str().unwrap()),
                "{f}"
            );
        }
    }
    let s = &v["summary"];
    for st in ["pass", "warn", "fail", "error", "skipped"] {
        assert_eq!(s[st], counts.get(st).copied().unwrap_or(0), "{st}");
    }
    for sev in ["blocker", "high", "medium", "low", "info"] {
        assert_eq!(
            s["findings"][sev],
            counts.get(sev).copied().unwrap_or(0),
            "{sev}"
        );
    }
    let verdict = if blockers > 0 { "no-go" } else { "go" };
    assert_eq!(v["verdict"], verdict);
}

fn find<'a>(results: &'a [Value], check: &str, target: &str) -> &'a Value {
    results
        .iter()
        .find(|r| r["check"] == check && r["target"] == target)
        .unwrap_or_else(|| panic!("no {check} on {target}"))
}

fn codes(r: &Value) -> Vec<&str> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_hosts_and_urls_through_every_web_family() {
    let lab = common::lab().await;
    let mut args = strings(&[
        "check",
        "brightdesk.test",
        "www.brightdesk.test",
        "admin.brightdesk.test",
        "expired.lab.test",
        "https://api.brightdesk.test/",
        "--only",
        "tls,http,edge",
        "--format",
        "json",
        "--timeout",
        "3",
    ]);
    args.extend(lab_flags(&lab));
    assert!(args.contains(&"--ca-file".to_string()), "{args:?}");
    let out = run(args).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "blockers fail the default threshold; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_contract(&v);
    assert_eq!(v["verdict"], "no-go");
    let results = v["results"].as_array().unwrap();
    for r in results {
        assert!(
            ["tls", "http", "edge"].contains(&r["family"].as_str().unwrap()),
            "{r}"
        );
        assert_ne!(r["status"], "skipped", "every web kind is available: {r}");
    }
    assert_eq!(
        codes(find(results, "tls.certificate", "expired.lab.test")),
        ["tls.expired"]
    );
    assert!(codes(find(results, "tls.certificate", "brightdesk.test")).is_empty());
    assert_eq!(
        codes(find(results, "http.exposure", "admin.brightdesk.test")),
        ["http.env_exposed", "http.git_exposed"]
    );
    let redirects: Vec<_> = results
        .iter()
        .filter(|r| r["check"] == "http.redirects")
        .map(|r| r["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        redirects,
        [
            "brightdesk.test",
            "admin.brightdesk.test",
            "expired.lab.test"
        ],
        "apex and www as one site, every other host on its own"
    );
    assert!(
        codes(find(results, "http.redirects", "brightdesk.test"))
            .contains(&"http.no_canonical_host")
    );
    // Route kinds: the canonical page of the brightdesk group (www) and the URL target.
    assert_eq!(
        codes(find(results, "http.cors", "https://api.brightdesk.test/")),
        ["http.cors_permissive"]
    );
    assert_eq!(
        codes(find(results, "http.bundle", "https://www.brightdesk.test/")),
        ["http.secret_in_bundle", "http.sourcemap_exposed"]
    );
    // A URL target runs the http family only.
    assert!(!results.iter().any(|r| r["target"] == "api.brightdesk.test"
        || (r["target"] == "https://api.brightdesk.test/" && r["family"] != "http")));
    assert_eq!(
        codes(find(results, "edge.provider", "brightdesk.test")),
        ["edge.provider"]
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains(&launch_ready_lab::web::site::bundle_secret()));
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn urls_reached_with_connect_to_and_ca_file_only() {
    let lab = common::lab().await;
    let web = lab.web();
    let ca = lab.ca_file().display().to_string();
    let base = |with_ca: bool| {
        let mut a = strings(&[
            "check",
            "https://good.lab.test/",
            "https://brightdesk.test/",
            "--only",
            "tls,http,edge",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--timeout",
            "3",
            "--connect-to",
        ]);
        a.push(format!("good.lab.test:443:{}", web.https_addr));
        a.push("--connect-to".into());
        a.push(format!("brightdesk.test:443:{}", web.https_addr));
        if with_ca {
            a.push("--ca-file".into());
            a.push(ca.clone());
        }
        a
    };
    let out = run(base(true)).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_contract(&v);
    let results = v["results"].as_array().unwrap();
    let kinds: BTreeSet<&str> = results
        .iter()
        .map(|r| r["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        [
            "http.availability",
            "http.bundle",
            "http.cache",
            "http.cors",
            "http.debug",
            "http.headers",
            "http.mixed_content",
            "http.payload"
        ],
        "URL targets run the route kinds of the http family only"
    );
    for r in results
        .iter()
        .filter(|r| r["target"] == "https://good.lab.test/")
    {
        assert_eq!(r["status"], "pass", "{r}");
        assert!(codes(r).is_empty(), "{r}");
    }
    assert_eq!(
        codes(find(
            results,
            "http.mixed_content",
            "https://brightdesk.test/"
        )),
        ["http.mixed_content"]
    );
    assert_eq!(
        codes(find(
            results,
            "http.availability",
            "https://brightdesk.test/"
        )),
        Vec::<&str>::new()
    );

    // The lab CA is what makes the certificates acceptable: without it the pages are still
    // judged, over an unverified connection, rather than turned into errors. URL targets
    // get no certificate check of their own, so nothing reports the untrusted
    // certificate: the verdict cannot be go.
    let out = run(base(false)).await;
    let v = json_of(&out);
    assert_contract(&v);
    // (Brightdesk's bundle secret, found over that connection too, makes it a no-go; with
    // `--fail-on never` only an incomplete verdict fails the run.)
    assert_eq!(v["verdict"], "no-go", "{}", v["reasons"]);
    assert_eq!(out.status.code(), Some(0));
    let results = v["results"].as_array().unwrap();
    let r = find(results, "http.availability", "https://good.lab.test/");
    assert!(codes(r).is_empty(), "{r}");
    assert!(
        r["evidence"]["unverified_certificate"]
            .as_str()
            .is_some_and(|w| w.contains("UnknownIssuer")),
        "{r}"
    );
    let headers = find(results, "http.headers", "https://good.lab.test/");
    assert_eq!(headers["status"], "pass", "{headers}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lab_command_prints_every_flag_check_needs() {
    let lab = common::lab().await;
    let text = launch_ready::commands::lab::describe(&lab);
    assert!(
        text.contains(&format!("--nameserver {}", lab.dns_addr())),
        "{text}"
    );
    assert!(
        text.contains(&format!("--ca-file {}", lab.ca_file().display())),
        "{text}"
    );
    // Every lab host reaches its own endpoint through the printed entries: exactly, or
    // through a wildcard for a name the lab's DNS answers.
    let flags = text
        .lines()
        .find_map(|l| l.strip_prefix("flags: "))
        .expect("a flags line");
    let entries: Vec<launch_ready_core::settings::ConnectTo> = flags
        .split(" --connect-to ")
        .skip(1)
        .map(|e| {
            let e = e.split(" --").next().unwrap().trim_matches('\'');
            e.parse().unwrap_or_else(|err| panic!("{e}: {err}"))
        })
        .collect();
    assert!(entries.len() <= 12, "{} entries: {flags}", entries.len());
    let zones = launch_ready_lab::zones::build();
    for (host, _) in launch_ready_lab::web::hosts() {
        for port in [80, 443] {
            let to = lab.web().endpoint(host, port);
            let routed = launch_ready_checks::net::client::connect_target(&entries, host, port)
                .or_else(|| {
                    zones.has_address(host).then(|| {
                        launch_ready_checks::net::client::wildcard_target(&entries, host, port)
                    })?
                });
            assert_eq!(routed, Some(to), "{host}:{port} in {flags}");
        }
    }
    let pem = std::fs::read_to_string(lab.ca_file()).unwrap();
    assert!(pem.contains("-----BEGIN CERTIFICATE-----"));
    let dir = lab.ca_file().parent().unwrap().to_path_buf();
    lab.shutdown().await;
    assert!(!dir.exists(), "the CA dir goes with the lab");
}
