//! Property tests for the email parsers and checks: any text, and valid records with random
//! damage, must give findings (a syntax finding when the text is malformed), never a panic
//! and never an `error` status (that status is kept for DNS that could not answer).
//!
//! Each property runs `CASES` cases.

use futures::executor::block_on;
use launch_ready_checks::email::dkim;
use launch_ready_checks::email::dkim::{key, record as dkim_record};
use launch_ready_checks::email::dmarc;
use launch_ready_checks::email::spf;
use launch_ready_checks::email::spf::{macros, parse as spf_parse};
use launch_ready_checks::email::{EmailDns, LookupFailure};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::session::model::CheckOutcome;
use proptest::prelude::*;
use std::collections::HashMap;
use std::net::IpAddr;

const CASES: u32 = 2000;
const ESC: char = '\u{1b}';

/// TXT answers from a table; every other question answers NXDOMAIN.
struct Txt(HashMap<String, Vec<String>>);

impl Txt {
    fn one(name: &str, record: &str) -> Txt {
        Txt(HashMap::from([(name.to_owned(), vec![record.to_owned()])]))
    }
}

impl EmailDns for Txt {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        self.0.get(name).cloned().ok_or(LookupFailure::NxDomain)
    }
    async fn addrs(&self, _: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        Err(LookupFailure::NxDomain)
    }
    async fn mx(&self, _: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        Err(LookupFailure::NxDomain)
    }
    async fn cname(&self, _: &str) -> Result<Option<String>, LookupFailure> {
        Ok(None)
    }
}

fn has(outcome: &CheckOutcome, code: &str) -> bool {
    outcome.findings.iter().any(|f| f.code == code)
}

const SPF_TERMS: &[&str] = &[
    "a",
    "mx",
    "-all",
    "~all",
    "?all",
    "+all",
    "ptr",
    "include:_spf.example.net",
    "a:mail.example.com/24",
    "mx:example.org//64",
    "a/24//48",
    "ip4:192.0.2.0/24",
    "ip6:2001:db8::/32",
    "ip4:198.51.100.7",
    "exists:%{i}._spf.%{d}",
    "include:%{d2r}.example.com",
    "redirect=_spf.example.com",
    "exp=explain.%{d}",
    "x-vendor=%{l}%%%_%-",
    "-include:a.example.com",
    "?exists:%{ir}.%{v}.arpa._spf.%{d}",
];

const DMARC_TAGS: &[&str] = &[
    "p=reject",
    "p=none",
    "p=quarantine",
    "sp=reject",
    "adkim=s",
    "aspf=r",
    "pct=100",
    "pct=0",
    "fo=0:1:d:s",
    "rf=afrf",
    "ri=86400",
    "rua=mailto:agg@example.com!10m",
    "ruf=mailto:f@example.com,mailto:g@example.org",
    "x-unknown=1",
];

/// Characters that matter to the grammars, mixed with anything at all.
fn damage_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            ':', '/', '%', '{', '}', '=', ' ', '.', '-', '+', '~', '?', '!', ';', ',', '\t', '\u{1b}', '0', '9',
        ]),
        1 => any::<char>(),
    ]
}

/// A list of (position, character, operation) edits.
fn damage() -> impl Strategy<Value = Vec<(usize, char, u8)>> {
    prop::collection::vec((any::<usize>(), damage_char(), 0u8..3), 0..4)
}

fn apply(text: &str, edits: &[(usize, char, u8)]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for (pos, ch, op) in edits {
        match op {
            0 => chars.insert(pos % (chars.len() + 1), *ch),
            _ if chars.is_empty() => {}
            1 => {
                chars.remove(pos % chars.len());
            }
            _ => {
                let at = pos % chars.len();
                chars[at] = *ch;
            }
        }
    }
    chars.into_iter().collect()
}

fn spf_record() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SPF_TERMS), 0..8)
        .prop_map(|terms| format!("v=spf1 {}", terms.join(" ")))
}

fn dmarc_record() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(DMARC_TAGS), 0..6)
        .prop_map(|tags| format!("v=DMARC1; {}", tags.join("; ")))
}

/// Runs the SPF check on `record` and checks the family's promises.
fn spf_holds(record: &str) -> Result<(), TestCaseError> {
    let out = block_on(spf::check_spf(
        &Txt::one("example.com", record),
        "example.com",
    ));
    prop_assert_ne!(out.status, CheckStatus::Error, "{:?}", out);
    if spf_parse::is_spf_record(record) {
        let malformed = !spf_parse::parse_record(record).errors.is_empty();
        prop_assert_eq!(
            has(&out, "email.spf_syntax"),
            malformed,
            "{:?}",
            out.findings
        );
    }
    for finding in &out.findings {
        prop_assert!(!finding.message.contains(ESC));
    }
    Ok(())
}

fn dmarc_holds(record: &str) -> Result<(), TestCaseError> {
    let out = block_on(dmarc::check_dmarc(
        &Txt::one("_dmarc.example.com", record),
        "example.com",
    ));
    prop_assert_ne!(out.status, CheckStatus::Error);
    if dmarc::is_dmarc_record(record) {
        let malformed = !dmarc::parse_record(record).errors.is_empty();
        prop_assert_eq!(
            has(&out, "email.dmarc_syntax"),
            malformed,
            "{:?}",
            out.findings
        );
    } else {
        prop_assert!(has(&out, "email.dmarc_missing"));
    }
    prop_assert!(!out.evidence.to_json().to_string().contains(ESC));
    Ok(())
}

fn dkim_holds(record: &str) -> Result<(), TestCaseError> {
    let dns = Txt::one("default._domainkey.example.com", record);
    let out = block_on(dkim::check_dkim(&dns, "example.com", &[]));
    prop_assert_ne!(out.status, CheckStatus::Error);
    if dkim_record::is_key_record(record) {
        prop_assert!(!has(&out, "email.dkim_missing"));
        if dkim_record::parse_key_record(record).is_err() {
            prop_assert!(has(&out, "email.dkim_invalid_key"), "{:?}", out.findings);
        }
    } else {
        prop_assert!(has(&out, "email.dkim_missing"));
    }
    Ok(())
}

fn strong_key() -> String {
    let path = format!(
        "{}/tests/fixtures/dkim/spki2048.b64",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .expect("fixture")
        .trim()
        .to_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn spf_parser_takes_any_text(text in any::<String>()) {
        let _ = spf_parse::parse_record(&text);
        let _ = spf_parse::parse_term(&text);
        let _ = macros::MacroString::parse(&text, macros::MacroUse::Domain);
        spf_holds(&format!("v=spf1 {text}"))?;
    }

    #[test]
    fn damaged_spf_records_give_syntax_findings(record in spf_record(), edits in damage()) {
        spf_holds(&record)?;
        spf_holds(&apply(&record, &edits))?;
    }

    #[test]
    fn dmarc_parser_takes_any_text(text in any::<String>()) {
        let _ = dmarc::parse_record(&text);
        dmarc_holds(&text)?;
        dmarc_holds(&format!("v=DMARC1; {text}"))?;
    }

    #[test]
    fn damaged_dmarc_records_give_syntax_findings(record in dmarc_record(), edits in damage()) {
        dmarc_holds(&record)?;
        dmarc_holds(&apply(&record, &edits))?;
    }

    #[test]
    fn dkim_parser_and_decoder_take_any_text(text in any::<String>(), k in prop::sample::select(vec!["rsa", "ed25519", "x"])) {
        let _ = dkim_record::parse_key_record(&text);
        let _ = key::decode(k, &text);
        dkim_holds(&text)?;
        dkim_holds(&format!("v=DKIM1; p={text}"))?;
    }

    #[test]
    fn damaged_dkim_records_are_invalid_keys_not_errors(edits in damage(), bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let record = format!("v=DKIM1; k=rsa; h=sha256; p={}", strong_key());
        dkim_holds(&apply(&record, &edits))?;
        // Random bytes, correctly encoded: always a decoding verdict, never a panic.
        use base64::Engine as _;
        let random = base64::engine::general_purpose::STANDARD.encode(&bytes);
        let out = block_on(dkim::check_dkim(&Txt::one("default._domainkey.example.com", &format!("p={random}")), "example.com", &[]));
        prop_assert_ne!(out.status, CheckStatus::Error);
        prop_assert!(out.findings.len() <= 1);
    }
}
