use super::*;

fn terms(record: &str) -> Vec<Term> {
    let parsed = parse_record(record);
    assert!(parsed.errors.is_empty(), "{record}: {:?}", parsed.errors);
    parsed.terms
}

fn error_of(record: &str) -> SyntaxError {
    let parsed = parse_record(record);
    assert_eq!(parsed.errors.len(), 1, "{record}: {:?}", parsed.errors);
    parsed.errors[0].clone()
}

#[test]
fn every_mechanism_and_qualifier_parses() {
    let record = "v=spf1 +a -mx:mail.example.com/24 ~ptr ?include:_spf.example.net \
                  ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{i}._ip.%{d} \
                  a:example.org/28//64 mx//96 IP4:198.51.100.7 redirect=_spf.example.com \
                  exp=explain.%{d} x-custom=%{c}anything -all";
    let parsed = terms(record);
    assert_eq!(parsed.len(), 14);
    let shown: Vec<String> = parsed.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "a",
            "-mx:mail.example.com/24",
            "~ptr",
            "?include:_spf.example.net",
            "ip4:192.0.2.0/24",
            "ip6:2001:db8::/32",
            "exists:%{i}._ip.%{d}",
            "a:example.org/28//64",
            "mx//96",
            "ip4:198.51.100.7",
            "redirect=_spf.example.com",
            "exp=explain.%{d}",
            "x-custom=%{c}anything",
            "-all",
        ]
    );
    assert_eq!(
        parsed[7],
        Term::Directive {
            qualifier: Qualifier::Pass,
            mechanism: Mechanism::A {
                domain: Some(MacroString::parse("example.org", MacroUse::Domain).expect("valid")),
                cidr: DualCidr {
                    v4: Some(28),
                    v6: Some(64)
                },
            },
        }
    );
    let record = parse_record(record);
    assert_eq!(record.all(), Some(Qualifier::Fail));
    assert_eq!(
        record.redirect().map(MacroString::raw),
        Some("_spf.example.com")
    );
}

#[test]
fn whitespace_and_case_are_tolerated_where_the_rfc_allows() {
    assert_eq!(terms("v=spf1").len(), 0);
    assert_eq!(terms("V=SPF1   INCLUDE:Example.COM    -ALL  ").len(), 2);
    assert!(is_spf_record("v=spf1 -all"));
    assert!(is_spf_record("V=Spf1"));
    assert!(!is_spf_record("v=spf2.0/pra -all"));
    assert!(!is_spf_record("google-site-verification=abc"));
}

#[test]
fn bad_terms_are_named_with_a_reason() {
    let cases = [
        (
            "v=spf1 ip4:192.0.2.300",
            "ip4:192.0.2.300",
            "not an IPv4 address",
        ),
        (
            "v=spf1 ip4:192.0.2.0/33",
            "ip4:192.0.2.0/33",
            "prefix length",
        ),
        (
            "v=spf1 ip4:192.0.2.0/024",
            "ip4:192.0.2.0/024",
            "prefix length",
        ),
        ("v=spf1 ip4:192.0.2.0/", "ip4:192.0.2.0/", "prefix length"),
        (
            "v=spf1 ip6:2001:db8::/129",
            "ip6:2001:db8::/129",
            "prefix length",
        ),
        (
            "v=spf1 ip6:2001:db8:::1",
            "ip6:2001:db8:::1",
            "not an IPv6 address",
        ),
        ("v=spf1 ip4", "ip4", "needs an address"),
        ("v=spf1 a/33", "a/33", "prefix length"),
        (
            "v=spf1 mx:example.com//200",
            "mx:example.com//200",
            "prefix length",
        ),
        ("v=spf1 include", "include", "needs a domain"),
        ("v=spf1 include:", "include:", "needs a domain"),
        (
            "v=spf1 include:example",
            "include:example",
            "not a domain name",
        ),
        (
            "v=spf1 include:example.123",
            "include:example.123",
            "top-level label",
        ),
        (
            "v=spf1 include:a..example.com",
            "include:a..example.com",
            "empty label",
        ),
        (
            "v=spf1 include:%{z}.example.com",
            "include:%{z}.example.com",
            "macro letter",
        ),
        ("v=spf1 exists:%{i", "exists:%{i", "unterminated"),
        (
            "v=spf1 include:%{d0}.x.com",
            "include:%{d0}.x.com",
            "zero parts",
        ),
        (
            "v=spf1 include:%{t}.x.com",
            "include:%{t}.x.com",
            "explanation text",
        ),
        ("v=spf1 all:foo", "all:foo", "takes no argument"),
        ("v=spf1 allow", "allow", "unknown mechanism `allow`"),
        (
            "v=spf1 ip:192.0.2.1",
            "ip:192.0.2.1",
            "unknown mechanism `ip`",
        ),
        ("v=spf1 +", "+", "needs a mechanism"),
        ("v=spf1 redirect=", "redirect=", "empty"),
        ("v=spf1 x=%q", "x=%q", "not a macro"),
        (
            "v=spf1\tinclude:x.com",
            "v=spf1\tinclude:x.com",
            "followed by a space",
        ),
        ("v=spf1 -all\u{1b}[2J", "-all\u{1b}[2J", "unknown mechanism"),
        ("spf1 -all", "spf1", "must start with `v=spf1`"),
    ];
    for (record, term, reason) in cases {
        let error = error_of(record);
        assert_eq!(error.term, term, "{record}");
        assert!(error.reason.contains(reason), "{record}: {}", error.reason);
    }
}

#[test]
fn modifiers_may_not_repeat_but_unknown_ones_are_kept() {
    let error = error_of("v=spf1 redirect=a.example redirect=b.example");
    assert_eq!(error.term, "redirect=b.example");
    assert!(error.reason.contains("only once"));
    assert!(
        error_of("v=spf1 exp=a.example exp=b.example")
            .reason
            .contains("only once")
    );
    let kept = terms("v=spf1 moo=cow1 foo.bar=%{l} -all");
    assert!(matches!(&kept[0], Term::Unknown { name, .. } if name == "moo"));
}

#[test]
fn every_bad_term_is_reported_not_just_the_first() {
    let parsed = parse_record("v=spf1 ip4:1 a:x. include:ok.example.com bogus -all");
    let bad: Vec<&str> = parsed.errors.iter().map(|e| e.term.as_str()).collect();
    assert_eq!(bad, ["ip4:1", "a:x.", "bogus"]);
    assert_eq!(parsed.terms.len(), 2);
}

#[test]
fn lookup_terms_are_the_rfc_ones() {
    let counted: Vec<bool> =
        terms("v=spf1 a mx ptr include:x.com exists:x.com ip4:192.0.2.1 ip6:::1 -all")
            .iter()
            .map(|t| matches!(t, Term::Directive { mechanism, .. } if mechanism.queries_dns()))
            .collect();
    assert_eq!(counted, [true, true, true, true, true, false, false, false]);
}
