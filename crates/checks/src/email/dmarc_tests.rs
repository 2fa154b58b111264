use super::*;
use crate::email::table_dns::TableDns;
use crate::judged::codes;
use launch_ready_core::finding::CheckStatus;

fn errors(record: &str) -> Vec<(String, String)> {
    parse_record(record)
        .errors
        .into_iter()
        .map(|e| (e.tag, e.reason))
        .collect()
}

#[test]
fn a_full_record_parses_into_typed_tags() {
    let r = parse_record(
        " v=DMARC1 ;p=Reject; sp=quarantine;\tadkim=s; aspf=r; pct=50; fo=0:d : s; rf=afrf; ri=3600; \
         rua=mailto:agg@example.com!10m, mailto:dmarc@vendor.example; ruf=mailto:f@example.com; x-future=1;",
    );
    assert_eq!(r.errors, []);
    assert_eq!(r.p, Some(Policy::Reject));
    assert_eq!(r.sp, Some(Policy::Quarantine));
    assert_eq!(
        (r.adkim, r.aspf),
        (Some(Alignment::Strict), Some(Alignment::Relaxed))
    );
    assert_eq!((r.pct, r.ri), (Some(50), Some(3600)));
    assert_eq!(r.fo, ["0", "d", "s"]);
    assert_eq!(r.rf, ["afrf"]);
    assert_eq!(r.rua.len(), 2);
    assert_eq!(r.rua[0].uri, "mailto:agg@example.com");
    assert_eq!(r.rua[0].max_size.as_deref(), Some("10m"));
    assert_eq!(r.ruf[0].max_size, None);
    assert_eq!(r.ignored, ["x-future"]);
}

#[test]
fn bad_values_name_the_tag() {
    let cases = [
        ("v=DMARC1; p=block", "p", "none, quarantine or reject"),
        (
            "v=DMARC1; p=none; sp=maybe",
            "sp",
            "none, quarantine or reject",
        ),
        ("v=DMARC1; p=none; adkim=x", "adkim", "relaxed"),
        ("v=DMARC1; p=none; pct=150", "pct", "0 to 100"),
        ("v=DMARC1; p=none; pct=-1", "pct", "0 to 100"),
        ("v=DMARC1; p=none; pct=5.5", "pct", "0 to 100"),
        ("v=DMARC1; p=none; fo=2", "fo", "not one of"),
        ("v=DMARC1; p=none; rf=iodef", "rf", "not one of"),
        ("v=DMARC1; p=none; ri=soon", "ri", "seconds"),
        ("v=DMARC1; p=none; rua=agg@example.com", "rua", "not a URI"),
        (
            "v=DMARC1; p=none; rua=mailto:nobody",
            "rua",
            "not a mail address",
        ),
        (
            "v=DMARC1; p=none; rua=mailto:a@example.com!big",
            "rua",
            "size limit",
        ),
        ("v=DMARC1; p=none; ruf=", "ruf", "not a URI"),
        ("v=DMARC1; p=none; p=reject", "p", "more than once"),
        ("v=DMARC1; sp=reject", "p", "missing"),
        ("p=reject; v=DMARC1", "p", "start with `v=DMARC1`"),
        ("v=dmarc1; p=reject", "v", "start with `v=DMARC1`"),
        ("v=DMARC1; p=reject; oops", "oops", "tag=value"),
        ("v=DMARC1; p=reject; 9x=1", "9x", "not a tag name"),
    ];
    for (record, tag, reason) in cases {
        let found = errors(record);
        assert!(
            found.iter().any(|(t, r)| t == tag && r.contains(reason)),
            "{record}: {found:?}"
        );
    }
}

#[tokio::test]
async fn a_strict_policy_with_reports_is_clean() {
    let dns = TableDns::new().txt(
        "_dmarc.example.com",
        &["v=DMARC1; p=reject; rua=mailto:d@example.com"],
    );
    let out = check_dmarc(&dns, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.status, CheckStatus::Pass);
    assert_eq!(out.check, "email.dmarc");
    assert_eq!(out.summary, "DMARC p=reject, 1 report address(es)");
    assert_eq!(out.evidence.to_json()["tags"]["p"], "reject");
    assert_eq!(
        out.evidence.to_json()["tags"]["rua"][0]["uri"],
        "mailto:d@example.com"
    );
}

#[tokio::test]
async fn each_code_is_produced() {
    let missing = TableDns::new().txt("_dmarc.example.com", &["some-other=thing"]);
    let out = check_dmarc(&missing, "example.com").await;
    assert_eq!(codes(&out), ["email.dmarc_missing"]);
    assert_eq!(out.status, CheckStatus::Fail);
    assert_eq!(
        codes(&check_dmarc(&TableDns::new(), "example.com").await),
        ["email.dmarc_missing"]
    );

    let none = TableDns::new().txt("_dmarc.example.com", &["v=DMARC1; p=none"]);
    let out = check_dmarc(&none, "example.com").await;
    assert_eq!(
        codes(&out),
        ["email.dmarc_policy_none", "email.dmarc_no_reports"]
    );
    assert_eq!(out.status, CheckStatus::Warn);

    let bad = TableDns::new().txt(
        "_dmarc.example.com",
        &["v=DMARC1; p=reject; pct=200; rua=mailto:d@example.com"],
    );
    let out = check_dmarc(&bad, "example.com").await;
    assert_eq!(codes(&out), ["email.dmarc_syntax"]);
    assert!(
        out.findings[0].message.contains("`pct=200`"),
        "{}",
        out.findings[0].message
    );

    let two = TableDns::new().txt(
        "_dmarc.example.com",
        &["v=DMARC1; p=reject", "v=DMARC1; p=none"],
    );
    let out = check_dmarc(&two, "example.com").await;
    assert_eq!(codes(&out), ["email.dmarc_syntax"]);
    assert!(out.findings[0].message.contains("2 DMARC records"));

    let failed = TableDns::new().txt_err(
        "_dmarc.example.com",
        LookupFailure::Failed("refused".into()),
    );
    assert_eq!(
        check_dmarc(&failed, "example.com").await.status,
        CheckStatus::Error
    );
}

#[tokio::test]
async fn a_subdomain_is_read_at_its_own_name_only() {
    let dns = TableDns::new().txt(
        "_dmarc.example.com",
        &["v=DMARC1; p=reject; rua=mailto:d@example.com"],
    );
    let out = check_dmarc(&dns, "shop.example.com").await;
    assert_eq!(codes(&out), ["email.dmarc_missing"]);
    assert_eq!(dns.asked(), ["TXT _dmarc.shop.example.com"]);
}

#[tokio::test]
async fn remote_text_is_cleaned_in_messages_and_evidence() {
    let dns = TableDns::new().txt("_dmarc.example.com", &["v=DMARC1; p=\u{1b}[31mreject"]);
    let out = check_dmarc(&dns, "example.com").await;
    assert!(codes(&out).contains(&"email.dmarc_syntax"));
    assert!(!out.findings[0].message.contains('\u{1b}'));
    assert!(!out.evidence.to_json().to_string().contains('\u{1b}'));
}
