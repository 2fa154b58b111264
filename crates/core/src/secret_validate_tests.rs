//! The validators on built values, and properties over generated ones: checksummed tokens
//! validate and any one changed char breaks them, AWS ids outside base32 fail, JWTs need
//! an `alg`, and no input makes a validator panic.

use super::*;
use proptest::prelude::*;

fn b64url(s: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
}

#[test]
fn crc32_matches_the_zlib_reference_values() {
    assert_eq!(crc32(b""), 0);
    assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(base62_6(0), "000000");
    assert_eq!(base62_6(61), "00000z");
    assert_eq!(base62_6(62), "000010");
}

#[test]
fn github_and_npm_tokens_need_their_checksum() {
    let body = "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s";
    let good = checksummed_token("ghp_", body);
    assert_eq!(good.len(), 40);
    assert!(validate("github-token", &good, &good, 0));
    let bad = format!("ghp_{body}000000");
    assert!(!validate("github-token", &bad, &bad, 0));
    let npm = checksummed_token("npm_", body);
    assert!(validate("npm-token", &npm, &npm, 0));
    assert!(!validate("npm-token", &bad.replace("ghp_", "npm_"), "", 0));
}

#[test]
fn fine_grained_tokens_follow_the_published_layout() {
    let good = format!("github_pat_{}_{}", "A".repeat(22), "b".repeat(59));
    assert!(validate("github-fine-grained-token", &good, "", 0));
    let short = format!("github_pat_{}_{}", "A".repeat(22), "b".repeat(40));
    assert!(!validate("github-fine-grained-token", &short, "", 0));
}

#[test]
fn aws_key_ids_are_base32() {
    assert!(validate("aws-access-key-id", "AKIAZ7QW3RT5YU6IOPLK", "", 0));
    assert!(!validate(
        "aws-access-key-id",
        "AKIAZ7QW3RT5YU8IOPLK",
        "",
        0
    ));
    assert!(!validate("aws-access-key-id", "AKIAZ7QW3RT5YU6IOPL", "", 0));
}

#[test]
fn jwts_need_a_json_header_with_alg() {
    let payload = b64url(r#"{"sub":"42"}"#);
    let good = format!(
        "{}.{payload}.c2lnbmF0dXJl",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#)
    );
    assert!(validate("jwt", &good, "", 0));
    let no_alg = format!("{}.{payload}.c2lnbmF0dXJl", b64url(r#"{"typ":"JWT"}"#));
    assert!(!validate("jwt", &no_alg, "", 0));
    let not_json = format!("{}.{payload}.c2ln", b64url("hello world, not json"));
    assert!(!validate("jwt", &not_json, "", 0));
}

#[test]
fn gcp_key_ids_count_only_inside_a_service_account_file() {
    let sa = r#"{"type": "service_account", "private_key_id": "3f9a", "private_key": "-----BEGIN PRIVATE KEY-----\nMII"}"#;
    assert!(validate("gcp-service-account-key", "3f9a", sa, 30));
    let other = r#"{"type": "authorized_user", "private_key_id": "3f9a"}"#;
    assert!(!validate("gcp-service-account-key", "3f9a", other, 30));
}

#[test]
fn slack_tokens_follow_their_layout() {
    let bot = format!(
        "xoxb-{}-{}-{}",
        "2048123456", "4096123456789", "Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcD"
    );
    assert!(validate("slack-token", &bot, "", 0));
    assert!(!validate(
        "slack-token",
        "xoxb-2048-4096-Qm7Rt9Lp4Nv8Kb3W",
        "",
        0
    ));
    assert!(!validate("slack-token", "xoxb-not-a-token-at-all", "", 0));
}

#[test]
fn twilio_sids_need_an_auth_token_nearby() {
    let sid = format!("AC{}", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e");
    let pair =
        format!("TWILIO_ACCOUNT_SID={sid}\nTWILIO_AUTH_TOKEN=9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e\n");
    assert!(validate("twilio-account-sid", &sid, &pair, 19));
    let alone = format!("sid = {sid}\n");
    assert!(!validate("twilio-account-sid", &sid, &alone, 6));
}

#[test]
fn vendor_keys_with_fixed_markers() {
    let ant = format!("sk-ant-api03-{}AA", "Qm7Rt9Lp4Nv8Kb3W".repeat(6));
    assert!(validate("anthropic-api-key", &ant, "", 0));
    assert!(!validate(
        "anthropic-api-key",
        &ant.replace("AA", "xy"),
        "",
        0
    ));
    let oai = format!(
        "sk-proj-{}T3BlbkFJ{}",
        "Qm7Rt9Lp4Nv8Kb3W", "Lp4Nv8Kb3WQm7Rt9"
    );
    assert!(validate("openai-api-key", &oai, "", 0));
    assert!(!validate(
        "openai-api-key",
        "sk-proj-Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcDe",
        "",
        0
    ));
    assert!(!validate(
        "stripe-secret-key",
        "sk_live_aaaaaaaaaaaaaaaaaaaaaaaa",
        "",
        0
    ));
}

#[test]
fn randomness_separates_keys_from_words() {
    for random in [
        "q8Jd7Kf2Lm9Np4Rs6Tv1",
        "k3J9xQ2mL7pR4vT8wZ1nB6cF",
        "3f9a1c7e5b2d4f6a8c0e",
    ] {
        assert!(looks_random(random), "{random}");
    }
    for wordy in [
        "ThisIsMyProductionPassword",
        "supersecretvalue123",
        "correct-horse-battery-staple",
        "qjxkwzmvbnrtplsdfg",
        "config.auth.tokenValue",
    ] {
        assert!(!looks_random(wordy), "{wordy}");
    }
}

const RULES: &[&str] = &[
    "github-token",
    "github-fine-grained-token",
    "npm-token",
    "aws-access-key-id",
    "aws-secret-access-key",
    "jwt",
    "gcp-service-account-key",
    "slack-token",
    "stripe-secret-key",
    "anthropic-api-key",
    "openai-api-key",
    "twilio-account-sid",
    "twilio-api-key",
    "generic-secret",
];

proptest! {
    #[test]
    fn checksummed_tokens_round_trip(body in "[A-Za-z0-9]{30}") {
        let t = checksummed_token("ghp_", &body);
        prop_assert!(validate("github-token", &t, &t, 0));
        let n = checksummed_token("npm_", &body);
        prop_assert!(validate("npm-token", &n, &n, 0));
    }

    #[test]
    fn one_changed_char_breaks_the_checksum(
        body in "[A-Za-z0-9]{30}",
        at in 0usize..36,
        with in "[A-Za-z0-9]",
    ) {
        let t = checksummed_token("ghp_", &body);
        let mut chars: Vec<char> = t.chars().collect();
        let new = with.chars().next().unwrap_or('0');
        prop_assume!(chars[4 + at] != new);
        chars[4 + at] = new;
        let changed: String = chars.into_iter().collect();
        prop_assert!(!validate("github-token", &changed, &changed, 0));
    }

    #[test]
    fn aws_ids_valid_exactly_when_base32(tail in "[A-Z0-9]{16}") {
        let id = format!("AKIA{tail}");
        let base32 = tail.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b));
        prop_assert_eq!(validate("aws-access-key-id", &id, "", 0), base32);
    }

    #[test]
    fn jwts_with_alg_validate(alg in "[A-Z]{2}[0-9]{3}", sub in "[a-z0-9]{1,20}") {
        let h = b64url(&format!(r#"{{"alg":"{alg}"}}"#));
        let p = b64url(&format!(r#"{{"sub":"{sub}"}}"#));
        let jwt = format!("{h}.{p}.c2lnbmF0dXJl");
        prop_assert!(validate("jwt", &jwt, "", 0));
    }

    #[test]
    fn validators_never_panic(value in "\\PC{0,120}", text in "\\PC{0,300}", at in 0usize..400) {
        for rule in RULES {
            let _ = validate(rule, &value, &text, at.min(text.len()));
        }
    }
}

/// The Slack, GCP service-account and Twilio validators over generated input: nothing
/// makes them panic, well-formed values pass, and one-char changes that break what the
/// format fixes fail. The API key's secret part and the Slack tail are random by design,
/// so only their layout (length, alphabet, separators) is decidable.
mod structured {
    use super::*;

    const CONTEXT_RULES: &[&str] = &[
        "slack-token",
        "gcp-service-account-key",
        "twilio-account-sid",
        "twilio-api-key",
    ];

    fn slack_ids(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec("[1-9][0-9]{7,13}", n)
    }

    /// A Slack tail: alphanumerics with at least a capital and a digit.
    fn slack_tail(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
        (
            "[A-Z]",
            "[0-9]",
            prop::collection::vec("[A-Za-z0-9]", len),
            any::<prop::sample::Index>(),
        )
            .prop_map(|(upper, digit, rest, at)| {
                let mut chars: Vec<String> = rest;
                let i = at.index(chars.len() + 1);
                chars.insert(i, upper);
                chars.insert(i, digit);
                chars.concat()
            })
    }

    fn bot_token() -> impl Strategy<Value = String> {
        (slack_ids(2..3), slack_tail(22..=22))
            .prop_map(|(ids, tail)| format!("xoxb-{}-{tail}", ids.join("-")))
    }

    fn other_token() -> impl Strategy<Value = String> {
        (
            prop::sample::select(vec!["xoxp", "xoxa", "xoxo", "xoxs", "xoxr"]),
            slack_ids(2..5),
            slack_tail(22..=60),
        )
            .prop_map(|(kind, ids, tail)| format!("{kind}-{}-{tail}", ids.join("-")))
    }

    fn hex(n: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(b"0123456789abcdef".to_vec()), n)
            .prop_map(|b| b.into_iter().map(char::from).collect())
    }

    /// A service-account key file with its fields in any order and the byte offset of
    /// the key id's value.
    fn service_account() -> impl Strategy<Value = (String, usize)> {
        (
            hex(40),
            "[a-z][a-z0-9-]{4,20}",
            Just((0..5).collect::<Vec<usize>>()).prop_shuffle(),
        )
            .prop_map(|(id, project, order)| {
                let fields = [
                    r#""type": "service_account""#.to_string(),
                    format!(r#""project_id": "{project}""#),
                    format!(r#""private_key_id": "{id}""#),
                    r#""private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n""#
                        .to_string(),
                    format!(r#""client_email": "deploy@{project}.iam.gserviceaccount.com""#),
                ];
                let body: Vec<&str> = order.iter().map(|&i| fields[i].as_str()).collect();
                let text = format!("{{\n  {}\n}}\n", body.join(",\n  "));
                let at = text.find(&id).unwrap_or(0);
                (text, at)
            })
    }

    /// A Twilio SID with its auth token a few lines away (before or after), the SID's
    /// offset, and the token's.
    fn twilio_pair() -> impl Strategy<Value = (String, usize, String, usize)> {
        (
            hex(32),
            hex(32),
            prop::sample::select(vec![
                "TWILIO_AUTH_TOKEN=",
                "authToken: '",
                "twilio_secret = \"",
                "\"auth_token\": \"",
            ]),
            prop::collection::vec("[a-z #]{0,30}\n", 0..5),
            any::<bool>(),
        )
            .prop_map(|(sid, token, name, filler, token_first)| {
                let sid = format!("AC{sid}");
                let sid_line = format!("TWILIO_ACCOUNT_SID={sid}\n");
                let token_line = format!("{name}{token}\n");
                let filler = filler.concat();
                let text = if token_first {
                    format!("{token_line}{filler}{sid_line}")
                } else {
                    format!("{sid_line}{filler}{token_line}")
                };
                let sid_at = text.find(&sid).unwrap_or(0);
                let token_at = text.find(&token).unwrap_or(0);
                (text, sid_at, token, token_at)
            })
    }

    /// `s` with the char at `at` (a byte offset on an ASCII string) replaced.
    fn replaced(s: &str, at: usize, with: char) -> String {
        let mut out = s.to_string();
        out.replace_range(at..=at, &with.to_string());
        out
    }

    proptest! {
        #[test]
        fn never_panic_on_any_input(
            value in "\\PC{0,200}",
            text in "\\PC{0,600}",
            at in any::<usize>(),
        ) {
            for rule in CONTEXT_RULES {
                let _ = validate(rule, &value, &text, at);
                for r in companion_ranges(rule, &text, at) {
                    prop_assert!(text.get(r).is_some(), "a range on char boundaries");
                }
            }
        }

        #[test]
        fn never_panic_near_the_formats(
            value in "xox[abposr]-[0-9a-zA-Z-]{0,60}",
            text in "[\"a-z_:= \\-\\n{}]{0,200}(service_account|private_key|BEGIN|auth|token)[\\PC]{0,200}",
            at in 0usize..600,
        ) {
            for rule in CONTEXT_RULES {
                let _ = validate(rule, &value, &text, at);
                let _ = companion_ranges(rule, &text, at);
            }
        }

        #[test]
        fn well_formed_slack_tokens_pass(bot in bot_token(), other in other_token()) {
            prop_assert!(validate("slack-token", &bot, "", 0), "{}", bot);
            prop_assert!(validate("slack-token", &other, "", 0), "{}", other);
        }

        #[test]
        fn a_slack_token_with_a_broken_id_separator_or_tail_fails(
            token in bot_token(),
            pick in any::<prop::sample::Index>(),
            letter in "[a-zA-Z]",
            punct in prop::sample::select(vec!['_', '.', '/', '+', '=', ' ']),
        ) {
            let ids_end = token.rfind('-').unwrap_or(0);
            // A letter in a numeric id.
            let digits: Vec<usize> = token[..ids_end]
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            let at = digits[pick.index(digits.len())];
            let broken = replaced(&token, at, letter.chars().next().unwrap_or('x'));
            prop_assert!(!validate("slack-token", &broken, "", 0), "{}", broken);
            // A separator dropped.
            let dashes: Vec<usize> = token.match_indices('-').map(|(i, _)| i).collect();
            let at = dashes[pick.index(dashes.len())];
            let mut merged = token.clone();
            merged.remove(at);
            prop_assert!(!validate("slack-token", &merged, "", 0), "{}", merged);
            // A tail char outside the alphabet, or a tail one char short.
            let at = ids_end + 1 + pick.index(24);
            let broken = replaced(&token, at, punct);
            prop_assert!(!validate("slack-token", &broken, "", 0), "{}", broken);
            prop_assert!(!validate("slack-token", &token[..token.len() - 1], "", 0));
        }

        #[test]
        fn generated_service_account_files_pass((text, at) in service_account()) {
            let id = &text[at..at + 40];
            prop_assert!(validate("gcp-service-account-key", id, &text, at), "{}", text);
        }

        #[test]
        fn a_service_account_file_with_its_type_or_key_marker_changed_fails(
            (text, at) in service_account(),
            which in any::<bool>(),
            pick in any::<prop::sample::Index>(),
            with in "[a-zA-Z0-9 ]",
        ) {
            let marker = if which { "service_account" } else { "-----BEGIN" };
            let start = text.find(marker).unwrap_or(0);
            let i = start + pick.index(marker.len());
            let with = with.chars().next().unwrap_or(' ');
            prop_assume!(text.as_bytes()[i] != with as u8);
            let broken = replaced(&text, i, with);
            let id = &broken[at..at + 40];
            prop_assert!(!validate("gcp-service-account-key", id, &broken, at), "{}", broken);
        }

        #[test]
        fn a_twilio_sid_with_its_token_near_passes_and_claims_it(
            (text, sid_at, token, token_at) in twilio_pair(),
        ) {
            let sid = &text[sid_at..sid_at + 34];
            prop_assert!(validate("twilio-account-sid", sid, &text, sid_at), "{}", text);
            prop_assert_eq!(
                companion_ranges("twilio-account-sid", &text, sid_at),
                vec![token_at..token_at + token.len()]
            );
        }

        #[test]
        fn a_twilio_sid_whose_token_is_not_32_hex_fails(
            (text, sid_at, _token, token_at) in twilio_pair(),
            at in 0usize..32,
            with in "[g-zG-Z_]",
            drop in any::<bool>(),
        ) {
            let broken = if drop {
                let mut t = text.clone();
                t.remove(token_at + at);
                t
            } else {
                replaced(&text, token_at + at, with.chars().next().unwrap_or('z'))
            };
            // Dropping a char before the SID moves it one byte left.
            let sid_at = if drop && token_at < sid_at { sid_at - 1 } else { sid_at };
            let sid = &broken[sid_at..sid_at + 34];
            prop_assert!(!validate("twilio-account-sid", sid, &broken, sid_at), "{}", broken);
            prop_assert!(companion_ranges("twilio-account-sid", &broken, sid_at).is_empty());
        }

        #[test]
        fn twilio_api_keys_need_a_mixed_hex_body(body in hex(32)) {
            let key = format!("SK{body}");
            let mixed = body.bytes().any(|b| b.is_ascii_digit())
                && body.bytes().any(|b| b.is_ascii_lowercase());
            prop_assert_eq!(validate("twilio-api-key", &key, "", 0), mixed);
        }
    }
}
