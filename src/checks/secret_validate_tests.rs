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
