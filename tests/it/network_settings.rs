//! Network settings reach the kinds that use the network and no others: a bad `--ca-file`
//! never stops a scan of local files, and where a network kind would run it is an error
//! naming the file.

use crate::common;

use serde_json::Value;
use std::path::Path;

const MISSING_CA: &str = "/nonexistent/launch-ready-test/ca.pem";

fn check(extra: &[&str], paths: &[&Path]) -> Vec<String> {
    let mut argv: Vec<String> = ["check", "--ca-file", MISSING_CA, "--format", "json"]
        .iter()
        .chain(extra)
        .map(ToString::to_string)
        .collect();
    argv.extend(paths.iter().map(|p| p.display().to_string()));
    argv
}

#[tokio::test]
async fn a_bad_ca_file_leaves_the_local_secrets_and_env_checks_alone() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = launch_ready_lab::repo_fixture::create(dir.path()).unwrap();
    let mut paths: Vec<&Path> = vec![&fixture.repo];
    paths.extend(fixture.env_files.iter().map(|f| f.path.as_path()));
    let out = common::run(check(&["--only", "secrets,env"], &paths)).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The planted secrets are blockers: the default `--fail-on blocker` fails the run on
    // them, not on the CA file, which no local check reads.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains(MISSING_CA), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["verdict"], "no-go", "{report}");
    let results = report["results"].as_array().unwrap();
    let repo = results
        .iter()
        .find(|r| r["check"] == "secrets.repo")
        .expect("secrets.repo ran");
    assert_eq!(repo["status"], "fail", "{repo}");
    assert!(
        repo["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "secrets.exposed"),
        "{repo}"
    );
    for r in results {
        assert_ne!(r["status"], "error", "{r}");
        assert!(!r.to_string().contains(MISSING_CA), "{r}");
    }
    assert!(
        results.iter().any(|r| r["family"] == "env"),
        "the env checks ran too: {report}"
    );
}

#[tokio::test]
async fn a_bad_ca_file_is_a_configuration_error_naming_it_when_a_network_kind_would_run() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = launch_ready_lab::repo_fixture::create(dir.path()).unwrap();
    // The local scan alone would run; the tls checks of `a.test` need the trust roots.
    let mut argv = check(&["--only", "secrets,tls"], &[&fixture.repo]);
    argv.push("a.test".into());
    let out = common::run(argv).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(MISSING_CA), "{stderr}");
    assert!(out.stdout.is_empty());
}
