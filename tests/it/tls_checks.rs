//! The tls family against the demo lab's HTTPS servers on loopback.

use launch_ready_checks::judged::codes;
use launch_ready_checks::tls::{TlsPolicy, TlsTarget, check_tls_certificate, check_tls_protocols};
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::sanitize::sanitize;
use launch_ready_lab::web::WebLab;
use std::time::Duration;

fn target(lab: &WebLab, host: &str) -> TlsTarget {
    TlsTarget {
        host: host.to_string(),
        addr: lab.endpoint(host, 443),
        timeout: Duration::from_secs(5),
    }
}

fn policy(lab: &WebLab) -> TlsPolicy {
    TlsPolicy::new(lab.ca_certs.clone())
}

#[tokio::test]
async fn each_certificate_defect_gives_its_own_code() {
    let lab = WebLab::start().await.unwrap();
    let p = policy(&lab);
    let cases = [
        ("good.lab.test", vec![]),
        ("www.good.lab.test", vec![]),
        ("expired.lab.test", vec!["tls.expired"]),
        ("not-yet-valid.lab.test", vec!["tls.not_yet_valid"]),
        ("expiring.lab.test", vec!["tls.expiring_soon"]),
        ("wrong-name.lab.test", vec!["tls.hostname_mismatch"]),
        ("self-signed.lab.test", vec!["tls.untrusted"]),
        ("no-intermediate.lab.test", vec!["tls.incomplete_chain"]),
        ("weak-key.lab.test", vec!["tls.weak_key"]),
        ("down.lab.test", vec!["tls.unreachable"]),
    ];
    for (host, want) in cases {
        let o = check_tls_certificate(&target(&lab, host), &p).await;
        assert_eq!(codes(&o), want, "{host}: {o:#?}");
        assert_eq!(o.check, "tls.certificate");
        assert_eq!(o.family, "tls");
        assert_eq!(o.target, host);
        let expected_status = if want.is_empty() {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        };
        assert_eq!(o.status, expected_status, "{host}");
    }
    lab.shutdown().await;
}

#[tokio::test]
async fn good_chain_evidence_lists_every_certificate_and_the_handshake() {
    let lab = WebLab::start().await.unwrap();
    let o = check_tls_certificate(&target(&lab, "good.lab.test"), &policy(&lab)).await;
    let ev = o.evidence.to_json();
    let chain = ev["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "leaf and intermediate as sent");
    assert_eq!(chain[0]["sans"][0], "good.lab.test");
    assert_eq!(chain[0]["key_type"], "EC");
    assert_eq!(chain[0]["key_bits"], 256);
    assert_eq!(chain[0]["is_ca"], false);
    assert_eq!(chain[1]["is_ca"], true);
    assert!(
        chain[1]["subject"]
            .as_str()
            .unwrap()
            .contains("Lab Intermediate")
    );
    assert!(chain[0]["not_after"].as_str().unwrap().ends_with('Z'));
    assert_eq!(ev["protocol"], "TLS 1.3");
    assert!(ev["cipher_suite"].as_str().unwrap().starts_with("TLS13_"));
    assert_eq!(ev["trust"], "trusted");
    let days = ev["days_to_expiry"].as_i64().unwrap();
    assert!((58..=60).contains(&days), "{days}");
    assert!(o.summary.contains("days to expiry"));
    lab.shutdown().await;
}

#[tokio::test]
async fn without_the_lab_ca_the_good_host_is_untrusted() {
    let lab = WebLab::start().await.unwrap();
    let o = check_tls_certificate(&target(&lab, "good.lab.test"), &TlsPolicy::new(vec![])).await;
    assert_eq!(codes(&o), ["tls.untrusted"]);
    lab.shutdown().await;
}

#[tokio::test]
async fn expiry_severity_follows_the_warning_window_and_the_clock() {
    let lab = WebLab::start().await.unwrap();
    let t = target(&lab, "expiring.lab.test");
    // Ten days left: high with the default 14-day window…
    let o = check_tls_certificate(&t, &policy(&lab)).await;
    assert_eq!(o.findings[0].severity, Severity::High);
    // …nothing with a 7-day window…
    let mut p = policy(&lab);
    p.warn_days = 7;
    assert!(check_tls_certificate(&t, &p).await.findings.is_empty());
    // …and a blocker two days before the end.
    let mut p = policy(&lab);
    p.now += time::Duration::days(8);
    let o = check_tls_certificate(&t, &p).await;
    assert_eq!(codes(&o), ["tls.expiring_soon"]);
    assert_eq!(o.findings[0].severity, Severity::Blocker);
    lab.shutdown().await;
}

#[tokio::test]
async fn weak_key_names_the_rsa_1024_intermediate() {
    let lab = WebLab::start().await.unwrap();
    let o = check_tls_certificate(&target(&lab, "weak-key.lab.test"), &policy(&lab)).await;
    let f = &o.findings[0];
    assert_eq!(f.evidence["position"], 1);
    assert_eq!(f.evidence["key_type"], "RSA");
    assert_eq!(f.evidence["key_bits"], 1024);
    lab.shutdown().await;
}

#[tokio::test]
async fn escape_sequences_in_the_subject_are_kept_and_sanitised_for_display() {
    let lab = WebLab::start().await.unwrap();
    let o = check_tls_certificate(&target(&lab, "escape.lab.test"), &policy(&lab)).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    let subject = o.evidence.to_json()["chain"][0]["subject"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        subject.contains('\u{1b}'),
        "evidence keeps the data: {subject:?}"
    );
    let shown = sanitize(&subject);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
    assert!(shown.contains("escape.lab.test"));
    let json = sanitize(&o.evidence.to_json().to_string());
    assert!(!json.contains('\u{1b}'));
    lab.shutdown().await;
}

#[tokio::test]
async fn old_protocols_are_found_on_the_old_tls_port_only() {
    let lab = WebLab::start().await.unwrap();
    let o = check_tls_protocols(&target(&lab, "old-tls.lab.test")).await;
    assert_eq!(codes(&o), ["tls.old_protocol"]);
    assert_eq!(o.status, CheckStatus::Warn);
    assert_eq!(
        o.evidence.to_json()["versions"]["TLS 1.0"]["result"],
        "accepted"
    );
    assert_eq!(
        o.evidence.to_json()["versions"]["TLS 1.1"]["result"],
        "accepted"
    );

    let o = check_tls_protocols(&target(&lab, "good.lab.test")).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.status, CheckStatus::Pass);
    assert_eq!(
        o.evidence.to_json()["versions"]["TLS 1.0"]["result"],
        "refused"
    );
    assert!(
        o.evidence.to_json()["versions"]["TLS 1.0"]["detail"]
            .as_str()
            .unwrap()
            .starts_with("alert "),
        "{}",
        o.evidence
    );
    // The old-TLS port still serves modern clients normally.
    let c = check_tls_certificate(&target(&lab, "old-tls.lab.test"), &policy(&lab)).await;
    assert!(c.findings.is_empty(), "{c:#?}");

    let o = check_tls_protocols(&target(&lab, "down.lab.test")).await;
    assert_eq!(o.status, CheckStatus::Skipped);
    assert_eq!(o.explained_by.as_deref(), Some("tls.unreachable"));
    lab.shutdown().await;
}

#[tokio::test]
async fn a_bad_server_name_is_an_error_that_quotes_it() {
    let t = TlsTarget {
        host: "bad host!".into(),
        addr: "127.0.0.1:9".parse().unwrap(),
        timeout: Duration::from_secs(1),
    };
    let o = check_tls_certificate(&t, &TlsPolicy::new(vec![])).await;
    assert_eq!(o.status, CheckStatus::Error);
    assert!(o.summary.contains("`bad host!`"), "{}", o.summary);
}
