//! The tls, http and edge kinds through the engine against the one demo lab: the session
//! reaches the web servers only through `Lab::settings()` (nameserver, connect-to, CA
//! file), as a user's session would. Each defect host yields its code; the well-configured
//! hosts yield none.

use crate::common;

use launch_ready_checks::engine::{Engine, EngineEvent, Job, Scope};
use launch_ready_core::catalog;
use launch_ready_core::catalog::Family;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::{CheckOutcome, HostTarget, Route, Targets};
use launch_ready_lab as lab;
use launch_ready_lab::Lab;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Runs `kind` over `targets` through a fresh engine and returns one outcome per target.
async fn run(lab: &Lab, kind: &str, targets: Targets) -> Vec<CheckOutcome> {
    let mut network = lab.settings();
    network.timeout_secs = 2;
    let scope = Arc::new(Scope::new(targets, network, Default::default()));
    let (engine, mut rx) = Engine::new();
    let kind = catalog::kind(kind).expect("kind in catalog");
    engine.run(
        Job {
            check_id: kind.name.to_string(),
            kind,
            severity: BTreeMap::new(),
            params: BTreeMap::new(),
        },
        scope,
    );
    loop {
        let ev = tokio::time::timeout(Duration::from_secs(30), rx.recv())
            .await
            .expect("engine answers in time")
            .expect("engine channel open");
        match ev {
            EngineEvent::Finished { evidence, .. } => return evidence.results,
            EngineEvent::Cancelled { .. } => panic!("{} was cancelled", kind.name),
            EngineEvent::Started { .. }
            | EngineEvent::Progress { .. }
            | EngineEvent::LoadSample { .. } => {}
        }
    }
}

fn hosts(list: &[&str]) -> Targets {
    Targets {
        hosts: list
            .iter()
            .map(|h| HostTarget {
                role: "web".into(),
                host: (*h).to_string(),
                protected: false,
            })
            .collect(),
        ..Targets::default()
    }
}

fn routes(urls: &[&str]) -> Targets {
    Targets {
        routes: urls
            .iter()
            .map(|u| Route {
                name: (*u).to_string(),
                path: (*u).to_string(),
                method: "GET".into(),
                ..Route::default()
            })
            .collect(),
        ..Targets::default()
    }
}

fn codes_of<'a>(results: &'a [CheckOutcome], target: &str) -> Vec<&'a str> {
    let r = results
        .iter()
        .find(|r| r.target == target)
        .unwrap_or_else(|| panic!("no result for {target}: {results:#?}"));
    r.findings.iter().map(|f| f.code.as_str()).collect()
}

fn good_site() -> Targets {
    Targets {
        apex: lab::GOOD_DOMAIN.into(),
        hosts: vec![HostTarget {
            role: "www".into(),
            host: format!("www.{}", lab::GOOD_DOMAIN),
            protected: false,
        }],
        routes: vec![
            Route {
                name: "home".into(),
                path: format!("https://{}/", lab::GOOD_DOMAIN),
                method: "GET".into(),
                ..Route::default()
            },
            // The write and sign-in routes the active probes aim at.
            Route {
                name: "sign in".into(),
                path: format!("https://{}/api/login", lab::GOOD_DOMAIN),
                method: "POST".into(),
                body: Some("{\"email\":\"a@b.test\",\"password\":\"x\"}".into()),
                ..Route::default()
            },
            Route {
                name: "upload".into(),
                path: format!("https://{}/api/uploads", lab::GOOD_DOMAIN),
                method: "POST".into(),
                body: Some("{\"name\":\"logo.png\"}".into()),
                ..Route::default()
            },
        ],
        ..Targets::default()
    }
}

#[tokio::test]
async fn good_site_produces_no_finding_in_any_tls_http_or_edge_kind() {
    let lab = common::lab().await;
    let kinds: Vec<_> = catalog::KINDS
        .iter()
        .filter(|k| matches!(k.family, Family::Tls | Family::Http | Family::Edge))
        .collect();
    assert_eq!(kinds.len(), 15);
    for kind in kinds {
        let results = run(&lab, kind.name, good_site()).await;
        assert!(!results.is_empty(), "{}", kind.name);
        for r in &results {
            assert_eq!(
                r.status,
                CheckStatus::Pass,
                "{} {}: {r:#?}",
                kind.name,
                r.target
            );
            assert!(
                r.findings.iter().all(|f| f.severity == Severity::Info),
                "{} {}: {:#?}",
                kind.name,
                r.target,
                r.findings
            );
        }
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn certificate_defect_hosts_each_give_their_code() {
    let lab = common::lab().await;
    let cases = [
        ("expired.lab.test", "tls.expired"),
        ("not-yet-valid.lab.test", "tls.not_yet_valid"),
        ("expiring.lab.test", "tls.expiring_soon"),
        ("wrong-name.lab.test", "tls.hostname_mismatch"),
        ("self-signed.lab.test", "tls.untrusted"),
        ("no-intermediate.lab.test", "tls.incomplete_chain"),
        ("weak-key.lab.test", "tls.weak_key"),
        ("down.lab.test", "tls.unreachable"),
    ];
    let mut list: Vec<&str> = cases.iter().map(|(h, _)| *h).collect();
    list.push("brightdesk.test");
    list.push("app.brightdesk.test");
    let results = run(&lab, "tls.certificate", hosts(&list)).await;
    for (host, code) in cases {
        assert_eq!(codes_of(&results, host), [code], "{host}");
    }
    for host in ["brightdesk.test", "app.brightdesk.test"] {
        assert!(codes_of(&results, host).is_empty(), "{host}: {results:#?}");
    }
    let app = results
        .iter()
        .find(|r| r.target == "app.brightdesk.test")
        .unwrap();
    assert_eq!(app.evidence.to_json()["trust"], "trusted");
    assert!(app.evidence.to_json()["days_to_expiry"].as_i64().unwrap() > 14);

    let protocols = run(
        &lab,
        "tls.protocols",
        hosts(&["old-tls.lab.test", "good.lab.test"]),
    )
    .await;
    assert_eq!(
        codes_of(&protocols, "old-tls.lab.test"),
        ["tls.old_protocol"]
    );
    assert!(codes_of(&protocols, "good.lab.test").is_empty());
    lab.shutdown().await;
}

#[tokio::test]
async fn runbook_warning_window_decides_expiring_soon() {
    let lab = common::lab().await;
    // expiring.lab.test has ten days left: inside the default 14, outside a 7-day window.
    let mut network = lab.settings();
    network.timeout_secs = 2;
    let thresholds = launch_ready_core::runbook::model::Targets {
        cert_warn_days: 7,
        ..Default::default()
    };
    let scope = Arc::new(Scope::new(
        hosts(&["expiring.lab.test"]),
        network,
        thresholds,
    ));
    let (engine, mut rx) = Engine::new();
    engine.run(
        Job {
            check_id: "cert".into(),
            kind: catalog::kind("tls.certificate").unwrap(),
            severity: BTreeMap::new(),
            params: BTreeMap::new(),
        },
        scope,
    );
    let evidence = loop {
        if let Some(EngineEvent::Finished { evidence, .. }) = rx.recv().await {
            break evidence;
        }
    };
    assert!(evidence.results[0].findings.is_empty(), "{evidence:#?}");
    lab.shutdown().await;
}

#[tokio::test]
async fn brightdesk_route_kinds_find_the_demo_defects() {
    let lab = common::lab().await;
    let apex = "https://brightdesk.test/";
    let app = "https://app.brightdesk.test/";
    let api = "https://api.brightdesk.test/";
    let health = "https://staging.brightdesk.test/api/health";
    let down = "https://down.lab.test/";
    let slow = "https://slow.lab.test/";

    let r = run(
        &lab,
        "http.availability",
        routes(&[apex, health, down, slow]),
    )
    .await;
    assert!(codes_of(&r, apex).is_empty());
    assert_eq!(codes_of(&r, health), ["http.server_error"]);
    assert_eq!(codes_of(&r, down), ["http.down"]);
    assert_eq!(codes_of(&r, slow), ["http.timeout"]);

    let r = run(&lab, "http.headers", routes(&[apex])).await;
    assert_eq!(
        codes_of(&r, apex),
        ["http.hsts_weak", "http.security_headers_missing"]
    );
    let r = run(&lab, "http.mixed_content", routes(&[apex])).await;
    assert_eq!(codes_of(&r, apex), ["http.mixed_content"]);
    let r = run(&lab, "http.cache", routes(&[apex, app])).await;
    assert_eq!(codes_of(&r, apex), ["http.static_uncached"]);
    assert_eq!(codes_of(&r, app), ["http.private_cached"]);
    let r = run(&lab, "http.cors", routes(&[api, apex])).await;
    assert_eq!(codes_of(&r, api), ["http.cors_permissive"]);
    assert!(codes_of(&r, apex).is_empty());
    let r = run(&lab, "http.bundle", routes(&[apex])).await;
    assert_eq!(
        codes_of(&r, apex),
        ["http.secret_in_bundle", "http.sourcemap_exposed"]
    );
    // The secret itself never reaches the result.
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains(&launch_ready_lab::web::site::bundle_secret()));
    lab.shutdown().await;
}

#[tokio::test]
async fn demo_session_runs_pages_on_every_host_and_redirects_on_every_host() {
    let lab = common::lab().await;
    let demo = lab::demo_targets();
    let r = run(&lab, "http.headers", demo.clone()).await;
    let targets: Vec<&str> = r.iter().map(|o| o.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "https://brightdesk.test/",
            "https://www.brightdesk.test/",
            "https://app.brightdesk.test/",
            "https://api.brightdesk.test/",
            "https://admin.brightdesk.test/",
            "https://staging.brightdesk.test/",
            "https://preview.brightdesk.test/",
            "https://help.brightdesk.test/",
            "https://www.brightdesk.test/login",
            "https://staging.brightdesk.test/api/health",
            "https://api.brightdesk.test/api/login",
            "https://api.brightdesk.test/api/uploads",
        ],
        "every host's entry page, then the routes"
    );
    assert_eq!(
        codes_of(&r, "https://www.brightdesk.test/"),
        ["http.hsts_missing", "http.security_headers_missing"]
    );
    // The apex's own weak HSTS, lost when only the canonical page was judged.
    assert!(codes_of(&r, "https://brightdesk.test/").contains(&"http.hsts_weak"));
    // help loops: its page is not judged, and the skip points at the loop.
    let help = r
        .iter()
        .find(|o| o.target == "https://help.brightdesk.test/")
        .unwrap();
    assert_eq!(help.explained_by.as_deref(), Some("http.redirect_loop"));

    let r = run(&lab, "http.redirects", demo.clone()).await;
    let targets: Vec<&str> = r.iter().map(|o| o.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "brightdesk.test",
            "app.brightdesk.test",
            "api.brightdesk.test",
            "admin.brightdesk.test",
            "staging.brightdesk.test",
            "preview.brightdesk.test",
            "help.brightdesk.test"
        ],
        "apex and www judged together, every other host on its own"
    );
    let codes = codes_of(&r, "brightdesk.test");
    assert!(codes.contains(&"http.not_redirected_to_https"), "{codes:?}");
    assert!(codes.contains(&"http.no_canonical_host"), "{codes:?}");
    // The demo's redirect defects on role hosts reach the session too.
    assert!(codes_of(&r, "help.brightdesk.test").contains(&"http.redirect_loop"));
    assert!(codes_of(&r, "app.brightdesk.test").contains(&"http.redirect_chain_long"));

    let r = run(&lab, "http.exposure", demo).await;
    assert_eq!(
        codes_of(&r, "admin.brightdesk.test"),
        ["http.env_exposed", "http.git_exposed"]
    );
    assert!(codes_of(&r, "brightdesk.test").is_empty());
    assert!(codes_of(&r, "api.brightdesk.test").is_empty());
    lab.shutdown().await;
}

#[tokio::test]
async fn redirect_defects_of_single_host_sites() {
    let lab = common::lab().await;
    let r = run(&lab, "http.redirects", hosts(&["help.brightdesk.test"])).await;
    let loop_codes = codes_of(&r, "help.brightdesk.test");
    assert!(
        !loop_codes.is_empty() && loop_codes.iter().all(|c| *c == "http.redirect_loop"),
        "{loop_codes:?}"
    );
    let r = run(&lab, "http.redirects", hosts(&["app.brightdesk.test"])).await;
    // Both entry URLs (http and https) take two counted hops to the login page.
    assert_eq!(
        codes_of(&r, "app.brightdesk.test"),
        ["http.redirect_chain_long", "http.redirect_chain_long"]
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn edge_from_headers_ns_and_addresses() {
    let lab = common::lab().await;
    let r = run(
        &lab,
        "edge.provider",
        hosts(&[
            "good.lab.test",
            "staging.brightdesk.test",
            "expired.lab.test",
        ]),
    )
    .await;
    let good = r.iter().find(|o| o.target == "good.lab.test").unwrap();
    assert_eq!(codes_of(&r, "good.lab.test"), ["edge.provider"]);
    assert_eq!(good.findings[0].evidence["provider"], "Cloudflare");
    assert_eq!(good.evidence.to_json()["page"], "fetched");
    // Staging's zone is hosted at Cloudflare, but its page sends no edge header and its
    // address is the origin's: the record is not proxied, so nothing fronts the host.
    let staging = r
        .iter()
        .find(|o| o.target == "staging.brightdesk.test")
        .unwrap();
    assert_eq!(
        codes_of(&r, "staging.brightdesk.test"),
        ["edge.unprotected"]
    );
    assert_eq!(
        staging.evidence.to_json()["ns_names"],
        serde_json::json!(["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"])
    );
    assert_eq!(
        staging.evidence.to_json()["dns_only_providers"],
        serde_json::json!(["Cloudflare"])
    );
    // An expired certificate does not hide the headers: the page is read over an
    // unverified connection (the certificate is `tls.certificate`'s finding), and its
    // edge headers are judged.
    assert_eq!(codes_of(&r, "expired.lab.test"), ["edge.provider"]);
    lab.shutdown().await;
}
