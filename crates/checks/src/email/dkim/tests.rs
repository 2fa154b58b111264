//! DKIM check behaviour against an in-memory DNS table and real keys made with openssl.

use super::*;
use crate::email::table_dns::TableDns;
use crate::judged::codes;
use launch_ready_core::finding::{CheckStatus, Severity};

/// A key from `tests/fixtures/dkim` (made with openssl), base64 as published in DNS.
pub(super) fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../tests/fixtures/dkim/{name}.b64",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path)
        .expect("fixture")
        .trim()
        .to_owned()
}

/// A 2048-bit record folded the way DNS tools split long keys.
fn good_record() -> String {
    let key = fixture("spki2048");
    let (a, b) = key.split_at(150);
    format!("v=DKIM1; k=rsa; h=sha256; p={a} {b}")
}

#[tokio::test]
async fn a_configured_selector_with_a_strong_key_is_clean() {
    let dns = TableDns::new().txt("mkt2024._domainkey.example.com", &[&good_record()]);
    let out = check_dkim(&dns, "example.com", &["MKT2024".to_owned()]).await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.status, CheckStatus::Pass);
    assert_eq!(out.check, "email.dkim");
    assert_eq!(
        out.summary,
        "DKIM keys at 1 selector(s) (mkt2024: RSA 2048)"
    );
    let found = &out.evidence.to_json()["found"][0];
    assert_eq!(found["bits"], 2048);
    assert_eq!(found["key_type"], "rsa");
    assert_eq!(found["tags"]["h"][0], "sha256");
    assert_eq!(out.evidence.to_json()["selectors_tried"][0], "mkt2024");
}

#[tokio::test]
async fn common_selectors_are_tried_and_ed25519_is_accepted() {
    let dns = TableDns::new()
        .txt("google._domainkey.example.com", &["v=spf1 -all"])
        .txt(
            "s1._domainkey.example.com",
            &[&format!("v=DKIM1; k=ed25519; p={}", fixture("ed_raw"))],
        );
    let out = check_dkim(&dns, "example.com", &[]).await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(
        out.evidence.to_json()["found"].as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(out.evidence.to_json()["found"][0]["key"], "ed25519");
    assert_eq!(dns.asked().len(), COMMON_SELECTORS.len());
}

#[tokio::test]
async fn missing_when_no_selector_has_a_key() {
    let out = check_dkim(&TableDns::new(), "example.com", &["custom".to_owned()]).await;
    assert_eq!(codes(&out), ["email.dkim_missing"]);
    assert_eq!(out.status, CheckStatus::Fail);
    assert!(
        out.findings[0]
            .message
            .contains(&format!("{} selectors", COMMON_SELECTORS.len() + 1))
    );
}

#[tokio::test]
async fn weak_revoked_and_invalid_keys_are_reported_per_selector() {
    let dns = TableDns::new()
        .txt(
            "k1._domainkey.example.com",
            &[&format!("v=DKIM1; p={}", fixture("spki1024"))],
        )
        .txt(
            "k2._domainkey.example.com",
            &[&format!("v=DKIM1; p={}", fixture("spki512"))],
        )
        .txt("k3._domainkey.example.com", &["v=DKIM1; k=rsa; p="])
        .txt(
            "s1._domainkey.example.com",
            &[&format!("v=DKIM1; k=rsa; p={}", fixture("ec"))],
        )
        .txt("s2._domainkey.example.com", &["v=DKIM1; p=%%%"])
        .txt(
            "smtp._domainkey.example.com",
            &["v=DKIM1; k=rsa; k=ed25519; p=abc"],
        )
        .txt(
            "mail._domainkey.example.com",
            &[&format!("p={}", fixture("pkcs1_1024"))],
        );
    let out = check_dkim(&dns, "example.com", &[]).await;
    let by_selector = |sel: &str| {
        out.findings
            .iter()
            .find(|f| f.message.contains(&format!("`{sel}`")))
            .unwrap_or_else(|| panic!("no finding for {sel}: {:?}", out.findings))
    };
    let k1 = by_selector("k1");
    assert_eq!(
        (k1.code.as_str(), k1.severity),
        ("email.dkim_weak_key", Severity::Medium)
    );
    assert!(
        k1.message.contains("1024 bits") && k1.message.contains("RFC 8301 floor"),
        "{}",
        k1.message
    );
    let k2 = by_selector("k2");
    assert_eq!(k2.code, "email.dkim_weak_key");
    assert!(
        k2.message.contains("below the 1024-bit floor") && k2.message.contains("reject"),
        "{}",
        k2.message
    );
    assert_eq!(by_selector("k3").code, "email.dkim_revoked");
    let s1 = by_selector("s1");
    assert_eq!(s1.code, "email.dkim_invalid_key");
    assert!(s1.message.contains("EC"), "{}", s1.message);
    assert!(by_selector("s2").message.contains("base64"));
    assert!(by_selector("smtp").message.contains("more than once"));
    assert_eq!(by_selector("mail").code, "email.dkim_weak_key");
    assert_eq!(out.findings.len(), 7);
    assert_eq!(out.status, CheckStatus::Fail);
}

#[tokio::test]
async fn failed_lookups_are_an_error_only_when_nothing_was_found() {
    let all_fail = COMMON_SELECTORS.iter().fold(TableDns::new(), |dns, s| {
        dns.txt_err(
            &format!("{s}._domainkey.example.com"),
            LookupFailure::Failed("timeout".into()),
        )
    });
    let out = check_dkim(&all_fail, "example.com", &[]).await;
    assert_eq!(out.status, CheckStatus::Error);
    assert!(out.findings.is_empty());

    let some = TableDns::new()
        .txt_err(
            "default._domainkey.example.com",
            LookupFailure::Failed("timeout".into()),
        )
        .txt("google._domainkey.example.com", &[&good_record()]);
    let out = check_dkim(&some, "example.com", &[]).await;
    assert_eq!(out.status, CheckStatus::Pass);
    assert_eq!(
        out.evidence.to_json()["lookup_failures"][0],
        "TXT default._domainkey.example.com: timeout"
    );
}

#[tokio::test]
async fn a_bad_configured_selector_is_a_clear_error() {
    let out = check_dkim(
        &TableDns::new(),
        "example.com",
        &["bad selector".to_owned()],
    )
    .await;
    assert_eq!(out.status, CheckStatus::Error);
    assert!(out.summary.contains("`bad selector`"), "{}", out.summary);
    let out = check_dkim(&TableDns::new(), "example.com", &["a..b".to_owned()]).await;
    assert_eq!(out.status, CheckStatus::Error);
}

#[tokio::test]
async fn notes_with_control_characters_are_cleaned() {
    let record = format!("v=DKIM1; n=hi; p={}", fixture("spki2048"));
    let dns = TableDns::new().txt(
        "default._domainkey.example.com",
        &[&record, "v=DKIM1; n=\u{1b}[2J; p="],
    );
    let out = check_dkim(&dns, "example.com", &[]).await;
    assert!(!out.evidence.to_json().to_string().contains('\u{1b}'));
    assert!(out.findings.iter().all(|f| !f.message.contains('\u{1b}')));
}
