//! `http.payload` against the lab: the well-run host gzips its text when asked and stays
//! under budget; Brightdesk sends a large stylesheet and a large export uncompressed. Each
//! budget is planted both ways (the same file over a small budget, under the default).

use launch_ready_checks::http::{HttpLimits, check_payload, lab_client};
use launch_ready_checks::judged::codes;
use launch_ready_core::evidence::Observed;
use launch_ready_core::finding::CheckStatus;
use launch_ready_lab::web::WebLab;
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

fn payload(
    o: &launch_ready_core::session::model::CheckOutcome,
) -> launch_ready_core::evidence::PayloadEvidence {
    match &o.evidence {
        Observed::Payload(p) => p.clone(),
        other => panic!("not typed: {other:?}"),
    }
}

#[tokio::test]
async fn the_raw_encoding_is_read_not_undone_by_the_client() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let url = "https://good.lab.test/static/site.css";
    let plain = c.get(url).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain_len = plain.bytes().await.unwrap().len();
    let gz = c
        .get(url)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(gz.headers()["content-encoding"], "gzip");
    let gz_body = gz.bytes().await.unwrap();
    // Still compressed: the gzip magic, and fewer bytes than the stylesheet.
    assert_eq!(&gz_body[..2], &[0x1f, 0x8b]);
    assert!(
        gz_body.len() < plain_len / 2,
        "{} vs {plain_len}",
        gz_body.len()
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_host_that_compresses_and_stays_small_has_no_finding() {
    let lab = WebLab::start().await.unwrap();
    let o = check_payload(&client(&lab), "https://good.lab.test/", &limits(), 1024).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.status, CheckStatus::Pass, "{}", o.summary);
    let p = payload(&o);
    assert_eq!(p.budget_kib, 1024);
    assert_eq!(p.accept_encoding, "gzip, br");
    let roles: Vec<&str> = p.files.iter().map(|f| f.role.as_str()).collect();
    assert_eq!(roles, ["page", "stylesheet", "script"]);
    let css = &p.files[1];
    assert_eq!(css.url, "https://good.lab.test/static/site.css");
    assert_eq!(css.encoding.as_deref(), Some("gzip"));
    assert!(css.bytes < 1024, "{css:?}");
    assert_eq!(p.total_bytes, p.files.iter().map(|f| f.bytes).sum::<u64>());
    // Only the stylesheet went compressed; the summary says no more than that.
    let compressed = p.files.iter().filter(|f| f.encoding.is_some()).count();
    assert!(
        o.summary.contains(&format!(
            "{compressed} compressed, the rest under 1 KiB or not text"
        )) || (compressed == p.files.len() && o.summary.contains("all of it compressed")),
        "{}",
        o.summary
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_large_stylesheet_sent_as_is_is_uncompressed_and_over_a_small_budget() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let o = check_payload(&c, "https://brightdesk.test/", &limits(), 1024).await;
    assert_eq!(codes(&o), ["perf.uncompressed"], "{o:#?}");
    assert_eq!(o.status, CheckStatus::Warn);
    let f = &o.findings[0];
    assert_eq!(f.evidence["url"], "https://brightdesk.test/assets/app.css");
    assert_eq!(f.evidence["accept_encoding"], "gzip, br");
    assert!(f.evidence["bytes"].as_u64().unwrap() > 40 * 1024);
    assert!(f.message.contains("uncompressed"), "{}", f.message);
    let p = payload(&o);
    let css = p.files.iter().find(|f| f.url.ends_with("app.css")).unwrap();
    assert_eq!(css.encoding, None);
    // The small script is under the 1 KiB floor: not worth compressing, no finding.
    assert!(p.files.iter().any(|f| f.url.ends_with("app.js")));

    // The same stylesheet against a 32 KiB budget: now over it too.
    let o = check_payload(&c, "https://brightdesk.test/", &limits(), 32).await;
    assert_eq!(codes(&o), ["perf.uncompressed", "perf.payload_large"]);
    let large = &o.findings[1];
    assert_eq!(large.evidence["budget_bytes"], 32 * 1024);
    assert!(
        large.message.contains("over the 32 KiB budget"),
        "{}",
        large.message
    );
    lab.shutdown().await;
}

#[tokio::test]
async fn a_large_route_is_over_the_default_budget_and_under_a_larger_one() {
    let lab = WebLab::start().await.unwrap();
    let c = client(&lab);
    let url = "https://api.brightdesk.test/api/export";
    let o = check_payload(&c, url, &limits(), 1024).await;
    assert_eq!(
        codes(&o),
        ["perf.uncompressed", "perf.payload_large"],
        "{o:#?}"
    );
    assert_eq!(o.findings[1].evidence["bytes"], 1536 * 1024);
    let o = check_payload(&c, url, &limits(), 2048).await;
    assert_eq!(codes(&o), ["perf.uncompressed"]);
    lab.shutdown().await;
}
