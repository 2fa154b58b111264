//! The cloudflare family against the lab's API fake on loopback: every zone code on the
//! demo zone and none on the good one, a refused token, a missing zone, a token with too
//! few permissions, pagination and a 429 retried; then the built binary as CI runs it,
//! with every output searched for the token.

use crate::common;

use common::{lab_flags, net_for};
use launch_ready_checks::cloudflare;
use launch_ready_checks::cloudflare::{Audit, api};
use launch_ready_checks::engine::{Engine, EngineEvent, Job};
use launch_ready_core::catalog;
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::CheckOutcome;
use launch_ready_lab::cloudflare::{
    FULL_TOKEN, FakeCloudflare, FakeConfig, LAB_TOKEN, LIMITED_TOKEN,
};
use launch_ready_lab::{BRIGHTDESK, GOOD_DOMAIN, Lab};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::{Command, Output};
use std::time::Duration;

const WRONG_TOKEN: &str = "lab-cf-wrong-4b8e1c0f9a2d7e63";

fn brightdesk_hosts() -> Vec<String> {
    launch_ready_checks::engine::targets::hosts(&launch_ready_lab::demo_targets())
        .into_iter()
        .map(|t| t.name)
        .collect()
}

async fn audit_with(
    lab: &Lab,
    base: &str,
    token: &str,
    apex: &str,
    hosts: Vec<String>,
) -> CheckOutcome {
    let net = net_for(&lab.settings());
    let url = reqwest::Url::parse(base).unwrap();
    let client = net.client_for(&url).unwrap();
    let api = api::Api::new(
        client,
        base,
        api::Token::new(token),
        Duration::from_secs(20),
    );
    let audit = Audit {
        apex,
        web_hosts: hosts,
        origin: net.http_client(80).ok(),
    };
    cloudflare::audit(&api, &audit, None).await
}

async fn audit(lab: &Lab, token: &str, apex: &str, hosts: Vec<String>) -> CheckOutcome {
    audit_with(lab, &lab.cloudflare().url(), token, apex, hosts).await
}

fn code_set(o: &CheckOutcome) -> BTreeSet<String> {
    o.findings.iter().map(|f| f.code.to_string()).collect()
}

fn assert_no_token(text: &str, token: &str) {
    assert!(!text.contains(token), "the token leaked into: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_zone_raises_every_zone_code() {
    let lab = common::lab().await;
    let o = audit(&lab, LAB_TOKEN, BRIGHTDESK, brightdesk_hosts()).await;
    let want: BTreeSet<String> = [
        "cloudflare.ssl_not_strict",
        "cloudflare.always_https_off",
        "cloudflare.min_tls_old",
        "cloudflare.record_unproxied",
        "cloudflare.development_mode",
        "cloudflare.no_rate_limit",
        "cloudflare.security_level_off",
        "cloudflare.no_static_cache_rule",
        "cloudflare.scope_missing",
    ]
    .map(String::from)
    .into();
    assert_eq!(code_set(&o), want, "{:#?}", o.findings);
    assert_eq!(o.status, CheckStatus::Fail);
    let sev = |code: &str| o.findings.iter().find(|f| f.code == code).unwrap().severity;
    assert_eq!(sev("cloudflare.ssl_not_strict"), Severity::Blocker);
    assert_eq!(sev("cloudflare.scope_missing"), Severity::Info);
    // Every finding carries the severity the kind table declares (ssl: blocker for
    // flexible).
    let kind = catalog::kind("cloudflare.zone").unwrap();
    for f in &o.findings {
        assert_eq!(
            Some(f.severity),
            kind.default_severity(f.code),
            "{}",
            f.code
        );
    }
    let unproxied: Vec<&str> = o
        .findings
        .iter()
        .filter(|f| f.code == "cloudflare.record_unproxied")
        .map(|f| f.evidence["host"].as_str().unwrap())
        .collect();
    // Every DNS-only web record of the zone, admin included (the demo declares it); the
    // mail hosts (the MX target, the host SPF names) are DNS-only by design.
    assert_eq!(
        unproxied,
        [
            "app.brightdesk.test",
            "api.brightdesk.test",
            "admin.brightdesk.test"
        ]
    );
    // The demo token lacks Bot Management only.
    let scope = o
        .findings
        .iter()
        .find(|f| f.code == "cloudflare.scope_missing")
        .unwrap();
    assert_eq!(
        scope.message,
        "the token cannot read: bot fight mode (add Zone → Bot Management → Read)"
    );
    // The apex serves plain HTTP in the lab, so the origin does not make up for the
    // setting.
    let https = o
        .findings
        .iter()
        .find(|f| f.code == "cloudflare.always_https_off")
        .unwrap();
    assert!(
        https
            .message
            .contains("http://brightdesk.test/ answers 200"),
        "{}",
        https.message
    );
    let ev = o.evidence.to_json();
    assert_eq!(ev["zone"], BRIGHTDESK);
    assert_eq!(ev["plan"], "Free Website");
    assert_eq!(ev["ssl_mode"], "flexible");
    assert_eq!(ev["min_tls_version"], "1.0");
    assert_eq!(ev["rate_limit_rules"][0], "Pricing page scraping");
    // Eleven records over pages of three: every page was read, and only the address and
    // alias records are listed.
    assert_eq!(ev["records"].as_array().unwrap().len(), 9, "{ev}");
    let pages: Vec<String> = lab
        .cloudflare()
        .requests()
        .into_iter()
        .filter(|r| r.contains("/dns_records"))
        .collect();
    assert_eq!(pages.len(), 4, "{pages:?}");
    assert!(pages.iter().any(|p| p.contains("page=4")), "{pages:?}");
    assert_eq!(ev["unread"][0]["part"], "bot fight mode");
    // The typed evidence reads back.
    match &o.evidence {
        launch_ready_core::evidence::Observed::Cloudflare(c) => {
            let zone = c.zone.as_ref().expect("the zone was read");
            assert_eq!(zone.ssl_mode.as_deref(), Some("flexible"));
            assert_eq!(zone.records.iter().filter(|r| !r.proxied).count(), 5);
        }
        other => panic!("not typed: {other:?}"),
    }
    assert_no_token(&serde_json::to_string(&o).unwrap(), LAB_TOKEN);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_well_configured_zone_passes_with_no_finding() {
    let lab = common::lab().await;
    let hosts = vec![GOOD_DOMAIN.to_string(), format!("www.{GOOD_DOMAIN}")];
    let o = audit(&lab, FULL_TOKEN, GOOD_DOMAIN, hosts).await;
    assert!(o.findings.is_empty(), "{:#?}", o.findings);
    assert_eq!(o.status, CheckStatus::Pass);
    assert_eq!(o.evidence.to_json()["ssl_mode"], "strict");
    assert_eq!(o.evidence.to_json()["bot_fight_mode"], true);
    assert_eq!(
        o.evidence.to_json()["cache_rules"][0],
        "Cache static assets"
    );
    assert_eq!(o.evidence.to_json()["unread"], Value::Array(Vec::new()));
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_token_rejected_and_nothing_else() {
    let lab = common::lab().await;
    let o = audit(&lab, WRONG_TOKEN, BRIGHTDESK, brightdesk_hosts()).await;
    assert_eq!(
        code_set(&o),
        ["cloudflare.token_rejected".to_string()].into()
    );
    assert_eq!(o.status, CheckStatus::Fail);
    assert!(o.findings[0].message.contains("1000 Invalid API Token"));
    assert_no_token(&serde_json::to_string(&o).unwrap(), WRONG_TOKEN);
    // Nothing past the verification was asked.
    let asked = lab.cloudflare().requests();
    assert_eq!(asked, ["/client/v4/user/tokens/verify"]);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apex_outside_the_account_is_zone_missing() {
    let lab = common::lab().await;
    let o = audit(&lab, FULL_TOKEN, "elsewhere.lab.test", Vec::new()).await;
    assert_eq!(code_set(&o), ["cloudflare.zone_missing".to_string()].into());
    assert!(
        o.findings[0]
            .message
            .starts_with("elsewhere.lab.test is not a zone")
    );
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_with_few_permissions_lists_what_to_add_and_judges_only_what_it_read() {
    let lab = common::lab().await;
    let o = audit(&lab, LIMITED_TOKEN, BRIGHTDESK, brightdesk_hosts()).await;
    // DNS was readable: the unproxied hosts are still found; settings and rules were not,
    // so nothing is said of them.
    assert_eq!(
        code_set(&o),
        ["cloudflare.record_unproxied", "cloudflare.scope_missing"]
            .map(String::from)
            .into()
    );
    let scope = o
        .findings
        .iter()
        .find(|f| f.code == "cloudflare.scope_missing")
        .unwrap();
    assert_eq!(
        scope.message,
        "the token cannot read: zone settings (add Zone → Zone Settings → Read), bot fight mode (add Zone → Bot Management → Read), rate limiting rules (add Zone → Zone WAF → Read), cache rules (add Zone → Cache Rules → Read), page rules (add Zone → Page Rules → Read)"
    );
    let evidence = o.evidence.to_json();
    let unread = evidence["unread"].as_array().unwrap();
    assert_eq!(unread.len(), 5);
    assert!(
        unread
            .iter()
            .all(|u| u["reason"].as_str().unwrap().ends_with("not judged"))
    );
    assert_eq!(o.evidence.to_json()["ssl_mode"], Value::Null);
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_after_the_servers_delay() {
    let lab = common::lab().await;
    let fake = FakeCloudflare::start(FakeConfig {
        rate_limit_once: true,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let hosts = vec![GOOD_DOMAIN.to_string()];
    let o = audit_with(&lab, &fake.url(), FULL_TOKEN, GOOD_DOMAIN, hosts).await;
    assert_eq!(
        o.status,
        CheckStatus::Pass,
        "{}: {:#?}",
        o.summary,
        o.findings
    );
    assert_eq!(o.evidence.to_json()["api_retries"], 1);
    let first_page = fake
        .requests()
        .into_iter()
        .filter(|r| r.contains("/dns_records?page=1&"))
        .count();
    assert_eq!(first_page, 2, "asked again after the 429");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_unreachable_is_an_error_not_a_verdict() {
    let lab = common::lab().await;
    let closed = launch_ready_lab::closed::ClosedPort::new().unwrap();
    let base = format!("http://{}/client/v4", closed.addr());
    let o = audit_with(&lab, &base, FULL_TOKEN, GOOD_DOMAIN, Vec::new()).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert!(
        o.summary.starts_with("cannot verify the token"),
        "{}",
        o.summary
    );
    lab.shutdown().await;
}

/// The demo session reaches the lab's token through memory: the session file names the
/// fake API but holds no token, and a run of the engine on the session's scope audits the
/// zone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_session_gets_the_lab_token_without_storing_it() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(format!("{}.ron", launch_ready::commands::demo::DEMO_NAME));
    launch_ready::commands::demo::prepare(&path, &lab, true, time::OffsetDateTime::now_utc())
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&lab.cloudflare().url()), "{text}");
    assert_no_token(&text, LAB_TOKEN);
    let session = launch_ready_core::session::store::read(&path).unwrap();
    let scope = launch_ready_checks::plan::scope(
        &session.name,
        session.targets.clone(),
        session.network.clone(),
        Default::default(),
    );
    let (engine, mut rx) = Engine::new();
    engine.run(
        Job {
            check_id: "cf".into(),
            kind: catalog::kind("cloudflare.zone").unwrap(),
            severity: BTreeMap::new(),
            params: BTreeMap::new(),
        },
        scope,
    );
    let evidence = loop {
        match rx.recv().await.expect("engine events") {
            EngineEvent::Finished { evidence, .. } => break evidence,
            EngineEvent::Cancelled { .. } => panic!("cancelled"),
            _ => {}
        }
    };
    let o = &evidence.results[0];
    assert!(
        code_set(o).contains("cloudflare.ssl_not_strict"),
        "{}: {:#?}",
        o.summary,
        o.findings
    );
    assert_no_token(&std::fs::read_to_string(&path).unwrap(), LAB_TOKEN);
    lab.shutdown().await;
}

/// Runs the binary with `token` (or none) in `CLOUDFLARE_API_TOKEN`.
async fn run_with_token(args: Vec<String>, token: Option<&str>) -> Output {
    let token = token.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_launch-ready"));
        c.args(&args).env_remove(cloudflare::ENV_VAR);
        if let Some(t) = token {
            c.env(cloudflare::ENV_VAR, t);
        }
        c.output().expect("binary runs")
    })
    .await
    .expect("join")
}

fn check_args(lab: &Lab, format: &str) -> Vec<String> {
    let mut v: Vec<String> = [
        "check",
        BRIGHTDESK,
        "--only",
        "cloudflare",
        "--format",
        format,
        "--fail-on",
        "high",
        "--timeout",
        "3",
    ]
    .map(String::from)
    .to_vec();
    v.extend(lab_flags(lab));
    v.extend(["--cloudflare-api".to_string(), lab.cloudflare().url()]);
    v
}

fn all_output(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_check_audits_the_zone_and_never_prints_the_token() {
    let lab = common::lab().await;
    assert!(
        launch_ready::commands::lab::describe(&lab).contains(&format!(
            "Cloudflare API fake: --cloudflare-api {}",
            lab.cloudflare().url()
        )),
        "the lab prints the fake's URL as a flag"
    );
    let out = run_with_token(check_args(&lab, "json"), Some(LAB_TOKEN)).await;
    let all = all_output(&out);
    assert_no_token(&all, LAB_TOKEN);
    assert_eq!(out.status.code(), Some(1), "{all}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{report}");
    let r = &results[0];
    assert_eq!(r["check"], "cloudflare.zone");
    assert_eq!(r["family"], "cloudflare");
    assert_eq!(r["target"], BRIGHTDESK);
    let codes: BTreeSet<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 9, "{codes:?}");
    assert_eq!(report["verdict"], "no-go");
    // The origin was asked too: Brightdesk's assets carry no caching lifetime either.
    let cache = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "cloudflare.no_static_cache_rule")
        .unwrap();
    let message = cache["message"].as_str().unwrap();
    assert!(
        message.contains("have no caching lifetime at the origin"),
        "{message}"
    );

    let text = run_with_token(check_args(&lab, "text"), Some(LAB_TOKEN)).await;
    let all = all_output(&text);
    assert_no_token(&all, LAB_TOKEN);
    assert!(all.contains("cloudflare.ssl_not_strict"), "{all}");

    // A refused token: a finding, and its value nowhere.
    let bad = run_with_token(check_args(&lab, "json"), Some(WRONG_TOKEN)).await;
    let all = all_output(&bad);
    assert_no_token(&all, WRONG_TOKEN);
    let report: Value = serde_json::from_slice(&bad.stdout).expect("one JSON object");
    assert_eq!(
        report["results"][0]["findings"][0]["code"],
        "cloudflare.token_rejected"
    );
    assert_eq!(bad.status.code(), Some(1));
    lab.shutdown().await;
}

/// The zone audit asked for by `--only` and skipped for want of a token: the result says
/// how to add one, and the verdict is incomplete (never go), naming the credential in the
/// JSON and the text; `--fail-on never` still exits 1, `--allow-incomplete` 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_check_without_a_token_is_skipped_with_the_way_to_add_one() {
    let lab = common::lab().await;
    let mut args = check_args(&lab, "json");
    args[7] = "never".into();
    let out = run_with_token(args.clone(), None).await;
    let all = all_output(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let r = &report["results"][0];
    assert_eq!(r["status"], "skipped", "{report}");
    assert!(
        r["summary"]
            .as_str()
            .unwrap()
            .starts_with("add a cloudflare-token credential"),
        "{r}"
    );
    assert_eq!(r["findings"], Value::Array(Vec::new()));
    assert_eq!(r["needs_credential"], "cloudflare-token", "{r}");
    assert_eq!(report["verdict"], "incomplete", "{report}");
    let reasons = report["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|x| x
            .as_str()
            .unwrap()
            .contains("`cloudflare-token` credential")),
        "{report}"
    );
    args.push("--allow-incomplete".into());
    assert_eq!(run_with_token(args, None).await.status.code(), Some(0));

    let text = run_with_token(check_args(&lab, "text"), None).await;
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("verdict: incomplete"), "{stdout}");
    assert!(stdout.contains("`cloudflare-token` credential"), "{stdout}");
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_run_leaves_the_session_file_free_of_the_token() {
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cf-session.ron");
    launch_ready::commands::demo::prepare(&path, &lab, true, time::OffsetDateTime::now_utc())
        .unwrap();
    let before = std::fs::read_to_string(&path).unwrap();
    let args: Vec<String> = [
        "check",
        "--session",
        path.to_str().unwrap(),
        "--only",
        "cloudflare",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    .map(String::from)
    .to_vec();
    let out = run_with_token(args, Some(FULL_TOKEN)).await;
    let all = all_output(&out);
    assert_no_token(&all, FULL_TOKEN);
    assert_eq!(out.status.code(), Some(0), "{all}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["results"][0]["check"], "cloudflare.zone", "{report}");
    let after = std::fs::read_to_string(&path).unwrap();
    assert_no_token(&after, FULL_TOKEN);
    assert_eq!(before, after, "a headless run does not write the session");
    lab.shutdown().await;
}

/// The credentials form's check after a save: the stored token (here from the memory
/// layer, which answers before the keyring) is verified with the API, and the line shown
/// never holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_token_is_verified_with_the_api() {
    use launch_ready_checks::credentials::{forget, remember};
    use launch_ready_checks::engine::adapters::cloudflare::verify_stored;
    let lab = common::lab().await;
    remember("cf-verify-good", cloudflare::CREDENTIAL, FULL_TOKEN);
    remember("cf-verify-bad", cloudflare::CREDENTIAL, WRONG_TOKEN);
    // The lab's fake is not the public API, so the line says where the token went.
    let host = lab.cloudflare().url()["http://".len()..]
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let good = verify_stored("cf-verify-good".into(), lab.settings())
        .await
        .map_err(|e| e.to_string());
    assert_eq!(
        good,
        Ok(format!(
            "Cloudflare accepts the token (active) (API at {host}); the zone audit can run"
        ))
    );
    let bad = verify_stored("cf-verify-bad".into(), lab.settings())
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        bad,
        format!("Cloudflare refused the token (API at {host}): 1000 Invalid API Token")
    );
    assert_no_token(&bad, WRONG_TOKEN);
    forget("cf-verify-good");
    forget("cf-verify-bad");
    lab.shutdown().await;
}

/// Without `--only`, a run with `CLOUDFLARE_API_TOKEN` set audits the apex's zone beside
/// the host families; without the variable the family stays out of the run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ci_token_adds_the_zone_audit_to_a_default_run() {
    let lab = common::lab().await;
    let mut args: Vec<String> = [
        "check",
        GOOD_DOMAIN,
        "--format",
        "json",
        "--fail-on",
        "never",
        "--timeout",
        "3",
    ]
    .map(String::from)
    .to_vec();
    args.extend(lab_flags(&lab));
    args.extend(["--cloudflare-api".to_string(), lab.cloudflare().url()]);
    let checks = |out: &Output| -> BTreeSet<String> {
        let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["check"].as_str().unwrap().to_string())
            .collect()
    };
    let with = run_with_token(args.clone(), Some(FULL_TOKEN)).await;
    assert_no_token(&all_output(&with), FULL_TOKEN);
    let with = checks(&with);
    assert!(with.contains("cloudflare.zone"), "{with:?}");
    assert!(with.contains("tls.certificate"), "{with:?}");
    let without = checks(&run_with_token(args, None).await);
    assert!(!without.contains("cloudflare.zone"), "{without:?}");
    lab.shutdown().await;
}

/// A loopback "API" that answers every request with 200 and a body that never ends,
/// counting the bytes it managed to write (what the client had to take in or refuse).
async fn endless_api() -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicU64>,
    tokio::task::JoinHandle<()>,
) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
                if s.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = vec![b' '; 64 * 1024];
                while s.write_all(&chunk).await.is_ok() {
                    counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
            });
        }
    });
    (format!("http://{addr}/client/v4"), sent, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_api_answer_is_cut_at_the_cap_and_is_an_error() {
    let lab = common::lab().await;
    let (base, sent, task) = endless_api().await;
    let started = std::time::Instant::now();
    let o = audit_with(&lab, &base, FULL_TOKEN, GOOD_DOMAIN, Vec::new()).await;
    let took = started.elapsed();
    assert_eq!(o.status, CheckStatus::Error, "{}", o.summary);
    assert!(
        o.summary.contains("larger than"),
        "says the body was too large: {}",
        o.summary
    );
    assert!(took < Duration::from_secs(4), "took {took:?}");
    // The client stopped reading at the cap: what the server got out is the cap plus the
    // socket buffers, not the gigabytes it would have sent to a reader that kept going.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let out = sent.load(std::sync::atomic::Ordering::Relaxed);
    assert!(out < 64 * 1024 * 1024, "{out} bytes were taken in");
    task.abort();
    lab.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_base_other_than_the_public_api_is_named_in_the_result() {
    let lab = common::lab().await;
    let base = lab.cloudflare().url();
    let host = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let hosts = vec![GOOD_DOMAIN.to_string(), format!("www.{GOOD_DOMAIN}")];
    let o = audit(&lab, FULL_TOKEN, GOOD_DOMAIN, hosts).await;
    // The lab's fake on loopback plain http still works, and says where the token went.
    assert_eq!(o.status, CheckStatus::Pass, "{}", o.summary);
    assert!(o.summary.contains(&host), "{}", o.summary);
    assert_eq!(o.evidence.to_json()["api_host"], host.as_str());
    // An error names it too: that is when the operator most needs to know.
    let closed = launch_ready_lab::closed::ClosedPort::new().unwrap();
    let elsewhere = format!("http://{}/client/v4", closed.addr());
    let o = audit_with(&lab, &elsewhere, FULL_TOKEN, GOOD_DOMAIN, Vec::new()).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert!(
        o.summary.contains(&closed.addr().to_string()),
        "{}",
        o.summary
    );
    // Its evidence is the host alone: no zone was read, so none is claimed.
    assert_eq!(
        o.evidence.to_json(),
        serde_json::json!({ "api_host": closed.addr().to_string() })
    );
    lab.shutdown().await;
}

/// `--cloudflare-api` over plain http to a host that is not loopback is a usage error:
/// exit 2, said in words, and nothing is sent (the name is routed to a local listener that
/// would see any connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_api_is_refused_before_any_request() {
    let lab = common::lab().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut args = check_args(&lab, "json");
    let at = args.iter().position(|a| a == "--cloudflare-api").unwrap();
    args[at + 1] = "http://example.com/client/v4".into();
    args.extend([
        "--connect-to".to_string(),
        format!("example.com:80:127.0.0.1:{port}"),
    ]);
    let out = run_with_token(args, Some(FULL_TOKEN)).await;
    let all = all_output(&out);
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("plain http"), "{all}");
    assert!(all.contains("example.com"), "{all}");
    assert_no_token(&all, FULL_TOKEN);
    assert!(
        listener.accept().is_err(),
        "a connection was made to the refused API"
    );
    lab.shutdown().await;
}

/// Given only the apex (and the usual web names a headless run adds), every proxiable
/// record of the zone is still judged: a DNS-only name nobody declared is reported, lower
/// and saying why; a declared one at the contract severity; a mail host never.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dns_only_records_of_undeclared_names_are_reported_lower_and_mail_hosts_never() {
    let lab = common::lab().await;
    let d = BRIGHTDESK;
    let hosts = vec![
        d.to_string(),
        format!("www.{d}"),
        format!("app.{d}"),
        format!("api.{d}"),
    ];
    let o = audit(&lab, LAB_TOKEN, d, hosts).await;
    let unproxied: BTreeMap<&str, (Severity, &str)> = o
        .findings
        .iter()
        .filter(|f| f.code == "cloudflare.record_unproxied")
        .map(|f| {
            (
                f.evidence["host"].as_str().unwrap(),
                (f.severity, f.message.as_str()),
            )
        })
        .collect();
    let names: Vec<&str> = unproxied.keys().copied().collect();
    assert_eq!(
        names,
        [
            "admin.brightdesk.test",
            "api.brightdesk.test",
            "app.brightdesk.test"
        ],
        "{unproxied:#?}"
    );
    let contract = catalog::kind("cloudflare.zone")
        .unwrap()
        .default_severity(Code::CloudflareRecordUnproxied)
        .unwrap();
    assert_eq!(unproxied["app.brightdesk.test"].0, contract);
    assert_eq!(unproxied["api.brightdesk.test"].0, contract);
    let (sev, message) = unproxied["admin.brightdesk.test"];
    assert!(sev > contract, "lower than the contract: {sev:?}");
    assert!(message.contains("not a declared web host"), "{message}");
    lab.shutdown().await;
}
