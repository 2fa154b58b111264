//! SPF check behaviour against an in-memory DNS table.

use super::check_spf;
use crate::email::lookup::LookupFailure;
use crate::email::table_dns::TableDns;
use crate::judged::codes;
use launch_ready_core::finding::{CheckStatus, Severity};
use launch_ready_core::session::model::CheckOutcome;

fn message(outcome: &CheckOutcome, code: &str) -> String {
    outcome
        .findings
        .iter()
        .find(|f| f.code == code)
        .map(|f| f.message.clone())
        .unwrap_or_else(|| panic!("no {code} in {:?}", outcome.findings))
}

/// `count` includes chained one after another, each record holding one include.
fn chain(dns: TableDns, count: usize) -> TableDns {
    let mut dns = dns;
    for n in 0..count {
        let record = if n + 1 == count {
            "v=spf1 ip4:192.0.2.1 -all".to_owned()
        } else {
            format!("v=spf1 include:s{}.example.net -all", n + 1)
        };
        dns = dns.txt(&format!("s{n}.example.net"), &[&record]);
    }
    dns
}

#[tokio::test]
async fn a_correct_record_has_no_findings_and_a_lookup_tree() {
    let dns = TableDns::new()
        .txt(
            "example.com",
            &[
                "google-site-verification=x",
                "v=spf1 mx include:_spf.mailer.net -all",
            ],
        )
        .mx("example.com", &[(10, "mx1.example.com")])
        .txt(
            "_spf.mailer.net",
            &["v=spf1 ip4:198.51.100.0/24 a:out.mailer.net ~all"],
        )
        .addr("out.mailer.net", &["198.51.100.9"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.status, CheckStatus::Pass);
    assert_eq!(
        (out.check.as_str(), out.family.as_str(), out.target.as_str()),
        ("email.spf", "email", "example.com")
    );
    assert_eq!(out.summary, "SPF -all, 3 of 10 DNS lookups, 0 void");
    let tree = &out.evidence.to_json()["tree"];
    assert_eq!(tree["lookups"], 2);
    assert_eq!(tree["subtree_lookups"], 3);
    assert_eq!(tree["children"][0]["domain"], "_spf.mailer.net");
    assert_eq!(tree["children"][0]["via"], "include");
    assert_eq!(tree["children"][0]["lookups"], 1);
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 3);
    assert_eq!(out.evidence.to_json()["terms"][1]["mechanism"], "include");
    assert_eq!(
        out.evidence.to_json()["terms"][1]["domain"],
        "_spf.mailer.net"
    );
}

#[tokio::test]
async fn missing_multiple_and_failed_lookups() {
    let none = TableDns::new().txt("example.com", &["v=DMARC1; p=none"]);
    let out = check_spf(&none, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_missing"]);
    assert_eq!(out.status, CheckStatus::Fail);

    let nx = TableDns::new();
    assert_eq!(
        codes(&check_spf(&nx, "example.com").await),
        ["email.spf_missing"]
    );

    let two = TableDns::new().txt("example.com", &["v=spf1 -all", "v=spf1 mx -all"]);
    let out = check_spf(&two, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_multiple"]);
    assert!(out.findings[0].message.contains("2 SPF records"));

    let broken = TableDns::new().txt_err("example.com", LookupFailure::Failed("timed out".into()));
    let out = check_spf(&broken, "example.com").await;
    assert_eq!(out.status, CheckStatus::Error);
    assert!(out.summary.contains("timed out"), "{}", out.summary);
    assert!(out.findings.is_empty());
}

#[tokio::test]
async fn syntax_errors_are_findings_not_errors() {
    let dns = TableDns::new().txt("example.com", &["v=spf1 ip4:203.0.113.256 include:x -all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_syntax", "email.spf_syntax"]);
    assert_eq!(out.status, CheckStatus::Fail);
    assert!(message(&out, "email.spf_syntax").contains("`ip4:203.0.113.256`"));
    // An included record that does not parse is named with its domain.
    let dns = TableDns::new()
        .txt("example.com", &["v=spf1 include:bad.example.net -all"])
        .txt(
            "bad.example.net",
            &["v=spf1 ip4:10.0.0.0/8 ipv4:10.1.1.1 -all"],
        );
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_syntax"]);
    let text = message(&out, "email.spf_syntax");
    assert!(
        text.contains("`ipv4:10.1.1.1`") && text.contains("bad.example.net"),
        "{text}"
    );
}

#[tokio::test]
async fn the_all_mechanism_decides_permissive_and_softfail() {
    let cases = [
        ("v=spf1 mx +all", vec!["email.spf_permissive_all"]),
        ("v=spf1 mx all", vec!["email.spf_permissive_all"]),
        ("v=spf1 mx ?all", vec!["email.spf_permissive_all"]),
        ("v=spf1 mx", vec!["email.spf_permissive_all"]),
        ("v=spf1 mx ~all", vec!["email.spf_softfail"]),
        ("v=spf1 mx -all", vec![]),
    ];
    for (record, expected) in cases {
        let dns = TableDns::new()
            .txt("example.com", &[record])
            .mx("example.com", &[(10, "mx.example.com")]);
        let out = check_spf(&dns, "example.com").await;
        assert_eq!(codes(&out), expected, "{record}");
    }
    let dns = TableDns::new().txt("example.com", &["v=spf1 ~all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(out.findings[0].severity, Severity::Info);
    assert_eq!(out.status, CheckStatus::Pass);
}

#[tokio::test]
async fn an_included_plus_all_lets_everyone_pass() {
    let dns = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 include:open.example.net include:neutral.example.net -all"],
        )
        .txt("open.example.net", &["v=spf1 +all"])
        .txt("neutral.example.net", &["v=spf1 ?all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_permissive_all"]);
    assert!(message(&out, "email.spf_permissive_all").contains("include:open.example.net"));
}

#[tokio::test]
async fn ten_lookups_pass_and_eleven_fail_through_nested_includes() {
    // Root include (1) + 9 chained includes = 10 DNS-querying terms.
    let dns = chain(
        TableDns::new().txt("example.com", &["v=spf1 include:s0.example.net -all"]),
        10,
    );
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new(), "{:?}", out.findings);
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 10);
    assert_eq!(out.evidence.to_json()["tree"]["subtree_lookups"], 10);

    let dns = chain(
        TableDns::new().txt("example.com", &["v=spf1 include:s0.example.net -all"]),
        11,
    );
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_too_many_lookups"]);
    assert!(message(&out, "email.spf_too_many_lookups").contains("needs 11 DNS lookups"));

    // Mixed terms: a, mx, ptr and exists count too; ip4, ip6, all and exp do not.
    let dns = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 a mx ptr exists:e.example.com a:w.example.com mx:m.example.com ip4:192.0.2.1 ip6:::1 include:i.example.net exp=why.example.com -all"],
        )
        .addr("example.com", &["192.0.2.1"])
        .addr("e.example.com", &["127.0.0.2"])
        .addr("w.example.com", &["192.0.2.2"])
        .mx("example.com", &[(1, "mx.example.com")])
        .mx("m.example.com", &[(1, "mx.example.com")])
        .txt("i.example.net", &["v=spf1 a:x.example.net a:y.example.net a:z.example.net a:q.example.net -all"])
        .addr("x.example.net", &["192.0.2.3"])
        .addr("y.example.net", &["192.0.2.3"])
        .addr("z.example.net", &["192.0.2.3"])
        .addr("q.example.net", &["192.0.2.3"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 11);
    assert_eq!(codes(&out), ["email.spf_too_many_lookups"]);
}

#[tokio::test]
async fn void_lookups_over_two_are_reported() {
    let two = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 a:gone1.example.com mx:gone2.example.com -all"],
        )
        .mx_err("gone2.example.com", LookupFailure::NoData);
    let out = check_spf(&two, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.evidence.to_json()["totals"]["void_lookups"], 2);

    let three = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 a:gone1.example.com exists:gone2.example.com include:s.example.net -all"],
        )
        .txt("s.example.net", &["v=spf1 a:gone3.example.net -all"])
        .addr("gone2.example.com", &[]);
    let out = check_spf(&three, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_void_lookups"]);
    assert_eq!(out.status, CheckStatus::Warn);
    let text = message(&out, "email.spf_void_lookups");
    assert!(
        text.starts_with("3 SPF lookups") && text.contains("gone3.example.net"),
        "{text}"
    );
    assert_eq!(
        out.evidence.to_json()["tree"]["children"][0]["void_lookups"][0],
        "gone3.example.net"
    );
}

#[tokio::test]
async fn an_include_loop_is_found_and_not_followed_forever() {
    let dns = TableDns::new()
        .txt("example.com", &["v=spf1 include:a.example.net -all"])
        .txt("a.example.net", &["v=spf1 include:b.example.net -all"])
        .txt("b.example.net", &["v=spf1 include:EXAMPLE.com. -all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_too_many_lookups"]);
    let text = message(&out, "email.spf_too_many_lookups");
    assert!(text.contains("loop"), "{text}");
    assert!(
        text.contains("example.com → a.example.net → b.example.net → example.com"),
        "{text}"
    );
    assert_eq!(dns.asked().len(), 3, "{:?}", dns.asked());

    // The same domain included twice side by side is not a loop (and is counted twice).
    let dns = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 include:a.example.net include:a.example.net -all"],
        )
        .txt("a.example.net", &["v=spf1 ip4:192.0.2.1 -all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 2);
}

#[tokio::test]
async fn redirect_is_followed_and_decides_the_ending() {
    let dns = TableDns::new()
        .txt("example.com", &["v=spf1 redirect=_spf.example.net"])
        .txt(
            "_spf.example.net",
            &["v=spf1 include:mailer.example.org -all"],
        )
        .txt("mailer.example.org", &["v=spf1 ip4:192.0.2.0/24 ~all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 2);
    assert_eq!(out.evidence.to_json()["ends_with"], "-all");
    assert_eq!(
        out.evidence.to_json()["tree"]["children"][0]["via"],
        "redirect"
    );

    let open = TableDns::new()
        .txt("example.com", &["v=spf1 redirect=_spf.example.net"])
        .txt("_spf.example.net", &["v=spf1 ip4:192.0.2.1 ?all"]);
    assert_eq!(
        codes(&check_spf(&open, "example.com").await),
        ["email.spf_permissive_all"]
    );

    // With an `all` in the record, the redirect is ignored and not counted.
    let ignored = TableDns::new().txt("example.com", &["v=spf1 -all redirect=nowhere.example.net"]);
    let out = check_spf(&ignored, "example.com").await;
    assert_eq!(codes(&out), Vec::<&str>::new());
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 0);

    // A redirect to a name without SPF is a permerror, not a permissive ending.
    let dangling = TableDns::new().txt("example.com", &["v=spf1 redirect=nowhere.example.net"]);
    let out = check_spf(&dangling, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_missing"]);
    assert!(message(&out, "email.spf_missing").contains("redirect=nowhere.example.net"));
}

#[tokio::test]
async fn macros_expand_the_domain_and_leave_message_parts_unasked() {
    let dns = TableDns::new()
        .txt(
            "example.com",
            &["v=spf1 include:_spf.%{d} exists:%{i}._ip.%{d} redirect=%{d2}.invalid.test"],
        )
        .txt("_spf.example.com", &["v=spf1 ip4:192.0.2.1 -all"]);
    let out = check_spf(&dns, "example.com").await;
    // Three counted terms; only the include is asked (the exists needs the sender's address).
    assert_eq!(out.evidence.to_json()["totals"]["dns_lookups"], 3);
    assert_eq!(
        out.evidence.to_json()["tree"]["unresolved"][0],
        "exists:%{i}._ip.%{d}"
    );
    assert!(dns.asked().contains(&"TXT _spf.example.com".to_owned()));
    assert!(
        dns.asked()
            .contains(&"TXT example.com.invalid.test".to_owned())
    );
}

#[tokio::test]
async fn an_mx_with_more_than_ten_names_is_a_permerror() {
    let names: Vec<(u16, String)> = (0..11)
        .map(|n| (10, format!("mx{n}.example.com")))
        .collect();
    let refs: Vec<(u16, &str)> = names.iter().map(|(p, n)| (*p, n.as_str())).collect();
    let dns = TableDns::new()
        .txt("example.com", &["v=spf1 mx -all"])
        .mx("example.com", &refs);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_too_many_lookups"]);
    assert!(message(&out, "email.spf_too_many_lookups").contains("11 MX names"));
    let ten = TableDns::new()
        .txt("example.com", &["v=spf1 mx -all"])
        .mx("example.com", &refs[..10]);
    assert_eq!(
        codes(&check_spf(&ten, "example.com").await),
        Vec::<&str>::new()
    );
}

#[tokio::test]
async fn a_failed_lookup_inside_the_tree_makes_a_clean_result_an_error() {
    let dns = TableDns::new()
        .txt("example.com", &["v=spf1 include:slow.example.net -all"])
        .txt_err("slow.example.net", LookupFailure::Failed("SERVFAIL".into()));
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(out.status, CheckStatus::Error);
    assert!(out.summary.contains("1 lookups failed"), "{}", out.summary);
    assert_eq!(
        out.evidence.to_json()["lookup_failures"][0],
        "TXT slow.example.net: SERVFAIL"
    );
}

#[tokio::test]
async fn a_huge_include_tree_is_cut_by_the_question_budget() {
    // Every record includes the next two names: the tree doubles at each level.
    let mut dns = TableDns::new().txt(
        "example.com",
        &["v=spf1 include:n1.example.net include:n2.example.net -all"],
    );
    for n in 1..200 {
        let record = format!(
            "v=spf1 include:n{}.example.net include:n{}.example.net -all",
            n + 1,
            n + 2
        );
        dns = dns.txt(&format!("n{n}.example.net"), &[&record]);
    }
    let out = check_spf(&dns, "example.com").await;
    assert!(dns.asked().len() <= super::eval::QUERY_BUDGET as usize + 1);
    assert_eq!(codes(&out), ["email.spf_too_many_lookups"]);
}

#[tokio::test]
async fn remote_control_characters_never_reach_messages() {
    let dns = TableDns::new().txt("example.com", &["v=spf1 \u{1b}]0;owned\u{7} -all"]);
    let out = check_spf(&dns, "example.com").await;
    assert_eq!(codes(&out), ["email.spf_syntax"]);
    assert!(!out.findings[0].message.contains('\u{1b}'));
    assert!(!out.evidence.to_json().to_string().contains('\u{1b}'));
}
