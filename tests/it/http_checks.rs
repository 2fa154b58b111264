//! The http family against the demo lab on loopback: every code from at least one lab
//! host, and no finding from the well-configured hosts.

use launch_ready_checks::http::{
    HttpLimits, check_availability, check_bundle, check_cache, check_cors, check_exposure,
    check_headers, check_mixed_content, check_redirects, lab_client,
};
use launch_ready_checks::judged::codes;
use launch_ready_checks::net::guard::HostGuard;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::sanitize::sanitize;
use launch_ready_lab::web::{WebLab, hosts};
use std::sync::Arc;
use std::time::Duration;

fn client(lab: &WebLab) -> reqwest::Client {
    lab_client(&lab.overrides(), &lab.ca_certs, Duration::from_secs(3)).unwrap()
}

fn limits() -> HttpLimits {
    HttpLimits {
        timeout: Duration::from_secs(3),
        ..HttpLimits::default()
    }
}

#[tokio::test]
async fn good_hosts_produce_no_finding_in_any_http_check() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let page = "https://good.lab.test/";
    let outcomes = vec![
        check_availability(&c, page, &l).await,
        check_redirects(&c, &["good.lab.test", "www.good.lab.test"], &l).await,
        check_headers(&c, page, &l).await,
        check_mixed_content(&c, page, &l).await,
        check_cache(&c, page, &l).await,
        check_cors(&c, page, &l).await,
        check_exposure(&c, page, &l).await,
        check_bundle(&c, page, &l).await,
    ];
    for o in &outcomes {
        assert!(o.findings.is_empty(), "{}: {o:#?}", o.check);
        assert_eq!(o.status, CheckStatus::Pass, "{}: {}", o.check, o.summary);
    }
    assert_eq!(outcomes[4].evidence.to_json()["assets_checked"], 3);
    lab.shutdown().await;
}

#[tokio::test]
async fn availability_codes() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_availability(&c, "https://staging.brightdesk.test/api/health", &l).await;
    assert_eq!(codes(&o), ["http.server_error"]);
    let o = check_availability(&c, "https://down.lab.test/", &l).await;
    assert_eq!(codes(&o), ["http.down"]);
    let short = HttpLimits {
        timeout: Duration::from_millis(800),
        ..l.clone()
    };
    let o = check_availability(&c, "https://slow.lab.test/", &short).await;
    assert_eq!(codes(&o), ["http.timeout"]);
    assert!(o.duration_ms < 3000, "{}", o.duration_ms);
    let o = check_availability(&c, "not a url", &l).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert!(o.summary.contains("`not a url`"));
    lab.shutdown().await;
}

#[tokio::test]
async fn redirect_codes() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_redirects(&c, &["brightdesk.test", "www.brightdesk.test"], &l).await;
    let got = codes(&o);
    assert!(got.contains(&"http.not_redirected_to_https"), "{got:?}");
    assert!(got.contains(&"http.no_canonical_host"), "{got:?}");
    let o = check_redirects(&c, &["app.brightdesk.test"], &l).await;
    assert_eq!(
        codes(&o),
        ["http.redirect_chain_long", "http.redirect_chain_long"]
    );
    let hops = o.findings[0].evidence["hops"].as_array().unwrap();
    assert_eq!(hops.last().unwrap()["status"], 200);
    let o = check_redirects(&c, &["help.brightdesk.test"], &l).await;
    assert!(codes(&o).iter().all(|c| *c == "http.redirect_loop") && !o.findings.is_empty());
    assert_eq!(o.status, CheckStatus::Fail);
    lab.shutdown().await;
}

#[tokio::test]
async fn header_codes() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_headers(&c, "https://brightdesk.test/", &l).await;
    assert_eq!(
        codes(&o),
        ["http.hsts_weak", "http.security_headers_missing"]
    );
    assert_eq!(o.findings[1].evidence["missing"][0], "Referrer-Policy");
    let o = check_headers(&c, "https://www.brightdesk.test/", &l).await;
    assert_eq!(
        codes(&o),
        ["http.hsts_missing", "http.security_headers_missing"]
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn mixed_content_cache_and_cors_codes() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_mixed_content(&c, "https://brightdesk.test/", &l).await;
    assert_eq!(codes(&o), ["http.mixed_content"]);
    assert_eq!(
        o.findings[0].evidence["insecure"][0]["url"],
        "http://cdn.brightdesk.test/widget.js"
    );
    let o = check_cache(&c, "https://brightdesk.test/", &l).await;
    assert_eq!(codes(&o), ["http.static_uncached"]);
    let uncached: Vec<&str> = o.findings[0].evidence["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        uncached,
        [
            "https://brightdesk.test/assets/app.css",
            "https://brightdesk.test/assets/app.js"
        ]
    );
    let o = check_cache(&c, "https://app.brightdesk.test/", &l).await;
    assert_eq!(codes(&o), ["http.private_cached"]);
    let o = check_cors(&c, "https://api.brightdesk.test/", &l).await;
    assert_eq!(codes(&o), ["http.cors_permissive"]);
    let o = check_cors(&c, "https://brightdesk.test/", &l).await;
    assert!(o.findings.is_empty());
    lab.shutdown().await;
}

#[tokio::test]
async fn exposure_is_judged_on_content() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_exposure(&c, "https://admin.brightdesk.test/", &l).await;
    assert_eq!(codes(&o), ["http.env_exposed", "http.git_exposed"]);
    assert_eq!(
        o.findings[0].evidence["keys"],
        serde_json::json!(["NODE_ENV", "DATABASE_URL", "STRIPE_SECRET_KEY"])
    );
    let text = serde_json::to_string(&o).unwrap();
    assert!(
        !text.contains("Hn4Kd8Wq2Zx6"),
        "secret values never reach the outcome"
    );
    assert!(
        !text.contains("Vq8Lm3"),
        "passwords never reach the outcome"
    );
    // The apex answers every path with its HTML shell and 200: no exposure.
    let o = check_exposure(&c, "https://brightdesk.test/", &l).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.evidence.to_json()["probed"][0]["status"], 200);
    lab.shutdown().await;
}

#[tokio::test]
async fn bundle_secret_and_source_map() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let o = check_bundle(&c, "https://brightdesk.test/", &limits()).await;
    assert_eq!(
        codes(&o),
        ["http.secret_in_bundle", "http.sourcemap_exposed"]
    );
    let ev = &o.findings[0].evidence;
    assert_eq!(ev["url"], "https://brightdesk.test/assets/app.js");
    assert_eq!(ev["rule"], "stripe-secret-key");
    assert_eq!(ev["line"], 1);
    assert_eq!(ev["preview"], "sk_l…(32 chars)");
    let secret = launch_ready_lab::web::site::bundle_secret();
    assert!(!serde_json::to_string(&o).unwrap().contains(&secret));
    assert_eq!(
        o.findings[1].evidence["map"],
        "https://brightdesk.test/assets/app.js.map"
    );
    lab.shutdown().await;
}

/// The demo apex loads `http://cdn.brightdesk.test/widget.js`: a host the session does not
/// declare, which the lab sends to 127.0.0.1. A hostile page could name any inner address
/// that way, so the script is not requested and the result says so; the page's own
/// scripts are still scanned, and a host the operator allows is fetched.
#[tokio::test]
async fn bundle_leaves_out_scripts_on_other_hosts_at_inner_addresses() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let own: Vec<&str> = std::iter::once(launch_ready_lab::BRIGHTDESK)
        .chain(launch_ready_lab::BRIGHTDESK_HOSTS.iter().map(|(_, h)| *h))
        .collect();
    let pinned: Vec<(&str, std::net::IpAddr)> =
        lab.overrides().iter().map(|(h, a)| (*h, a.ip())).collect();
    let guarded = HttpLimits {
        guard: Arc::new(HostGuard::new(own.clone(), pinned.clone(), None)),
        ..limits()
    };
    let o = check_bundle(&c, "https://brightdesk.test/", &guarded).await;
    assert_eq!(
        lab.requests.count_host("cdn.brightdesk.test"),
        0,
        "the undeclared loopback host was requested"
    );
    let left = &o.evidence.to_json()["left_out"];
    assert_eq!(left.as_array().map(Vec::len), Some(1), "{o:#?}");
    assert_eq!(left[0]["url"], "http://cdn.brightdesk.test/widget.js");
    assert_eq!(
        left[0]["reason"],
        "cdn.brightdesk.test is not a host of this session and resolves to 127.0.0.1 (loopback)"
    );
    assert!(
        o.summary
            .contains("not fetched: http://cdn.brightdesk.test/widget.js"),
        "{}",
        o.summary
    );
    // The page's own script is still read and its secret found.
    assert_eq!(o.findings[0].code, "http.secret_in_bundle");
    assert_eq!(
        o.findings[0].evidence["url"],
        "https://brightdesk.test/assets/app.js"
    );

    // Allowed by the operator, the same host is fetched and nothing is left out.
    let allowed = HttpLimits {
        guard: Arc::new(HostGuard::new(
            own.into_iter().chain(["cdn.brightdesk.test"]),
            pinned,
            None,
        )),
        ..limits()
    };
    let o = check_bundle(&c, "https://brightdesk.test/", &allowed).await;
    assert!(o.evidence.to_json().get("left_out").is_none(), "{o:#?}");
    assert!(lab.requests.count_host("cdn.brightdesk.test") > 0);
    lab.shutdown().await;
}

/// `http.cache` reads the same page-named assets, through the same guard.
#[tokio::test]
async fn cache_leaves_out_assets_on_other_hosts_at_inner_addresses() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let pinned: Vec<(&str, std::net::IpAddr)> =
        lab.overrides().iter().map(|(h, a)| (*h, a.ip())).collect();
    let guarded = HttpLimits {
        guard: Arc::new(HostGuard::new([launch_ready_lab::BRIGHTDESK], pinned, None)),
        ..limits()
    };
    let o = check_cache(&c, "https://brightdesk.test/", &guarded).await;
    assert_eq!(lab.requests.count_host("cdn.brightdesk.test"), 0);
    assert_eq!(
        o.evidence.to_json()["left_out"][0]["url"],
        "http://cdn.brightdesk.test/widget.js"
    );
    // The same, read through the type.
    assert_eq!(
        o.evidence.left_out()[0].url,
        "http://cdn.brightdesk.test/widget.js"
    );
    assert!(o.summary.contains("not fetched:"), "{}", o.summary);
    lab.shutdown().await;
}

#[tokio::test]
async fn escape_sequences_in_served_text_are_sanitised_for_display() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let o = check_exposure(&c, "https://escape.lab.test/", &limits()).await;
    assert_eq!(codes(&o), ["http.git_exposed"]);
    let head = o.findings[0].evidence["head"].as_str().unwrap();
    assert!(head.contains('\u{1b}'), "evidence keeps the data");
    let shown = sanitize(head);
    assert_eq!(shown, "ref: refs/heads/main");
    lab.shutdown().await;
}

#[test]
fn every_lab_host_says_what_it_demonstrates() {
    let h = hosts();
    assert!(h.len() >= 20);
    assert!(
        h.iter()
            .all(|(host, what)| host.ends_with(".test") && !what.is_empty())
    );
    for required in [
        "good.lab.test",
        "www.good.lab.test",
        "brightdesk.test",
        "old-tls.lab.test",
    ] {
        assert!(h.iter().any(|(host, _)| *host == required), "{required}");
    }
}

/// The runbook's `redirect_hops_max` is the budget: the app's two hops to its login page
/// are too long under one and fine under two, and both figures are in the result.
#[tokio::test]
async fn redirect_chains_are_held_to_the_runbook_hop_budget() {
    use launch_ready_checks::http::check_redirects_within;
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let l = limits();
    let o = check_redirects_within(&c, &["app.brightdesk.test"], &l, 1).await;
    assert_eq!(
        codes(&o),
        ["http.redirect_chain_long", "http.redirect_chain_long"]
    );
    assert!(
        o.findings[1].message.ends_with(
            "takes 2 redirects to reach https://app.brightdesk.test/login/; the budget is 1"
        ),
        "{}",
        o.findings[1].message
    );
    assert_eq!(o.evidence.to_json()["hops_max"], 1);
    let o = check_redirects_within(&c, &["app.brightdesk.test"], &l, 2).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.status, CheckStatus::Pass);
    assert!(o.summary.contains("at most 2 hop(s)"), "{}", o.summary);
    assert_eq!(o.evidence.to_json()["hops_max"], 2);
    lab.shutdown().await;
}
