//! The edge family: providers from the lab's real response headers, and from NS names and
//! published address ranges.

use launch_ready_checks::edge::{check_edge, detect};
use launch_ready_checks::http::{HttpLimits, lab_client};
use launch_ready_checks::judged::codes;
use launch_ready_checks::net::fetch::fetch;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_lab::web::WebLab;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use std::net::IpAddr;
use std::time::Duration;

async fn headers_of(lab: &WebLab, url: &str) -> HeaderMap {
    let c = lab_client(&lab.overrides(), &lab.ca_certs, Duration::from_secs(3)).unwrap();
    fetch(
        &c,
        Method::GET,
        &Url::parse(url).unwrap(),
        &[],
        &HttpLimits::default(),
        None,
    )
    .await
    .unwrap()
    .headers
}

#[tokio::test]
async fn lab_hosts_behind_the_simulated_edge_and_without_one() {
    let lab = WebLab::start().await.unwrap();
    let lo: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap()];

    let h = headers_of(&lab, "https://good.lab.test/").await;
    let o = check_edge("good.lab.test", &h, &[], &lo);
    assert_eq!(codes(&o), ["edge.provider"]);
    assert_eq!(o.status, CheckStatus::Pass);
    assert_eq!(o.findings[0].severity, Severity::Info);
    assert_eq!(o.findings[0].evidence["provider"], "Cloudflare");
    assert!(o.summary.contains("Cloudflare"));

    let h = headers_of(&lab, "https://staging.brightdesk.test/").await;
    let o = check_edge("staging.brightdesk.test", &h, &[], &lo);
    assert_eq!(codes(&o), ["edge.unprotected"]);
    assert_eq!(o.status, CheckStatus::Warn);
    assert_eq!(o.findings[0].severity, Severity::Medium);
    lab.shutdown().await;
}

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in pairs {
        h.append(*k, HeaderValue::from_static(v));
    }
    h
}

#[test]
fn providers_from_their_own_headers() {
    let cases: &[(&[(&'static str, &'static str)], &str)] = &[
        (
            &[
                ("x-served-by", "cache-fra-etou8220040-FRA"),
                ("x-fastly-request-id", "a1"),
            ],
            "Fastly",
        ),
        (&[("server", "AkamaiGHost")], "Akamai"),
        (
            &[
                ("x-amz-cf-id", "abc=="),
                ("via", "1.1 x.cloudfront.net (CloudFront)"),
            ],
            "Amazon CloudFront",
        ),
        (
            &[("x-vercel-id", "fra1::abc"), ("server", "Vercel")],
            "Vercel",
        ),
        (
            &[("server", "Netlify"), ("x-nf-request-id", "01H")],
            "Netlify",
        ),
        (&[("fly-request-id", "01J-fra")], "Fly.io"),
        (&[("via", "1.1 google")], "Google Cloud"),
        (&[("x-azure-ref", "0abc")], "Azure Front Door"),
        (
            &[("server", "BunnyCDN-DE1-1051"), ("cdn-pullzone", "123")],
            "Bunny CDN",
        ),
        (
            &[("x-sucuri-id", "11005"), ("server", "Sucuri/Cloudproxy")],
            "Sucuri",
        ),
        (&[("x-iinfo", "10-123"), ("x-cdn", "Imperva")], "Imperva"),
    ];
    for (pairs, want) in cases {
        let found = detect(&headers(pairs), &[], &[]);
        let names: Vec<&str> = found.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, [*want], "{pairs:?}");
    }
}

#[test]
fn cloudflare_from_ns_names_and_published_ranges() {
    let o = check_edge(
        "example.test",
        &HeaderMap::new(),
        &["ada.ns.cloudflare.com.".to_string()],
        &[],
    );
    assert_eq!(codes(&o), ["edge.provider"]);
    assert_eq!(
        o.findings[0].evidence["signals"][0],
        "NS ada.ns.cloudflare.com"
    );

    let v6: IpAddr = "2606:4700:3030::6815:1001".parse().unwrap();
    let v4: IpAddr = "104.21.32.1".parse().unwrap();
    for ip in [v4, v6] {
        let found = detect(&HeaderMap::new(), &[], &[ip]);
        assert_eq!(found.len(), 1, "{ip}");
        assert_eq!(found[0].0, "Cloudflare");
    }
    let elsewhere: IpAddr = "192.0.2.10".parse().unwrap();
    let o = check_edge(
        "example.test",
        &HeaderMap::new(),
        &["ns1.example.net".into()],
        &[elsewhere],
    );
    assert_eq!(codes(&o), ["edge.unprotected"]);
}

#[tokio::test]
async fn provider_nameservers_alone_do_not_put_a_fetched_host_behind_the_edge() {
    // The Brightdesk zone is hosted at Cloudflare, but staging's record is not proxied:
    // its page comes straight from the origin, without any Cloudflare header.
    let lab = WebLab::start().await.unwrap();
    let lo: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap()];
    let cf_ns = ["ada.ns.cloudflare.com".to_string()];

    let h = headers_of(&lab, "https://staging.brightdesk.test/").await;
    let o = check_edge("staging.brightdesk.test", &h, &cf_ns, &lo);
    assert_eq!(codes(&o), ["edge.unprotected"]);
    assert_eq!(o.findings[0].severity, Severity::Medium);
    assert!(
        o.findings[0]
            .message
            .contains("DNS is hosted at Cloudflare"),
        "{}",
        o.findings[0].message
    );
    assert_eq!(o.evidence.to_json()["dns_only_providers"][0], "Cloudflare");

    // The proxied apex sends Cloudflare's headers: behind the edge, NS listed beside them.
    let h = headers_of(&lab, "https://brightdesk.test/").await;
    let o = check_edge("brightdesk.test", &h, &cf_ns, &lo);
    assert_eq!(codes(&o), ["edge.provider"]);
    let signals = o.findings[0].evidence["signals"].as_array().unwrap();
    assert!(
        signals.iter().any(|s| s == "NS ada.ns.cloudflare.com"),
        "{signals:?}"
    );
    assert!(
        signals
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("header "))
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn in_the_demo_only_staging_bypasses_the_edge() {
    let lab = WebLab::start().await.unwrap();
    let lo: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap()];
    let cf_ns = ["ada.ns.cloudflare.com".to_string()];
    // The page each host ends on (app's root redirects to its login page).
    for (host, page) in [
        ("brightdesk.test", "/"),
        ("www.brightdesk.test", "/"),
        ("app.brightdesk.test", "/login/"),
        ("staging.brightdesk.test", "/"),
    ] {
        let h = headers_of(&lab, &format!("https://{host}{page}")).await;
        let want = if host.starts_with("staging.") {
            "edge.unprotected"
        } else {
            "edge.provider"
        };
        assert_eq!(codes(&check_edge(host, &h, &cf_ns, &lo)), [want], "{host}");
    }
    lab.shutdown().await;
}
