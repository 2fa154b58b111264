//! Structure and checksum validation of secret candidates: a regex match is only a
//! finding when the value also has the inner structure its format defines. Where a
//! format carries a checksum (GitHub and npm tokens: a CRC32 of the random part, base62,
//! in the last six chars) a failing checksum means the value is not a token at all — a
//! made-up string in a test, a truncated copy — and it is dropped, not reported at a
//! lower confidence: an unusable value needs no rotation.
//!
//! The generic `NAME = value` rule is judged by `looks_random`: a character-class mix, the
//! Shannon entropy, and how much of the value reads as words, which separates
//! `k3J9xQ2mL7pR4vT8` from `ThisIsMyPassword`.

use base64::Engine as _;
use regex::Regex;
use std::sync::LazyLock;

/// The base62 alphabet of GitHub-style checksums, digits first.
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Chars of random body in a GitHub-style token (the six after it are the checksum).
pub const CHECKSUMMED_BODY_LEN: usize = 30;

/// Whether the candidate `value` found by rule `rule` has its format's structure. `text`
/// and `start` give the surrounding text for formats judged by their context (a Twilio
/// account SID needs its auth token nearby, a GCP key id its service-account file).
pub fn validate(rule: &str, value: &str, text: &str, start: usize) -> bool {
    match rule {
        "github-token" => value
            .get(4..)
            .is_some_and(|rest| rest.len() == 36 && checksum_ok(rest)),
        "github-fine-grained-token" => fine_grained_ok(value),
        "npm-token" => value.get(4..).is_some_and(checksum_ok),
        "aws-access-key-id" => aws_key_id_ok(value),
        "aws-secret-access-key" => class_count(value) >= 3,
        "jwt" => jwt_ok(value),
        "gcp-service-account-key" => gcp_service_account_ok(text, start),
        "slack-token" => slack_ok(value),
        "stripe-secret-key" | "stripe-restricted-key" => {
            value.get(8..).is_some_and(|b| class_count(b) >= 2)
        }
        "anthropic-api-key" => value.ends_with("AA"),
        "openai-api-key" => value.contains("T3BlbkFJ"),
        "twilio-account-sid" => twilio_auth_token_near(text, start),
        "twilio-api-key" => value.get(2..).is_some_and(|v| class_count(v) >= 2),
        "generic-secret" => looks_random(value),
        _ => true,
    }
}

/// CRC32 (IEEE, as zlib computes it) of `bytes`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `n` in base62, left-padded with zeros to six chars (a u32 needs at most six).
pub fn base62_6(mut n: u32) -> String {
    let mut out = [b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// The checksum six chars of a GitHub-style token body.
pub fn checksum_of(body: &str) -> String {
    base62_6(crc32(body.as_bytes()))
}

/// A GitHub-style token: `prefix`, the 30-char `body` and its checksum.
pub fn checksummed_token(prefix: &str, body: &str) -> String {
    format!("{prefix}{body}{}", checksum_of(body))
}

/// `rest` (the token without its prefix) is 30 random base62 chars and their checksum.
fn checksum_ok(rest: &str) -> bool {
    if rest.len() != CHECKSUMMED_BODY_LEN + 6 || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let (body, sum) = rest.split_at(CHECKSUMMED_BODY_LEN);
    checksum_of(body) == sum
}

/// `github_pat_` + 22 chars + `_` + 59 chars: the published layout of fine-grained tokens
/// (their checksum scheme is not published, so only the layout is checked).
fn fine_grained_ok(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("github_pat_") else {
        return false;
    };
    let Some((id, secret)) = rest.split_once('_') else {
        return false;
    };
    id.len() == 22
        && secret.len() == 59
        && id.bytes().all(|b| b.is_ascii_alphanumeric())
        && secret.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// AKIA/ASIA/ABIA/ACCA and 16 chars of base32 (A–Z, 2–7): AWS key ids encode the account
/// in base32, so a digit 0, 1, 8 or 9 cannot occur.
fn aws_key_id_ok(value: &str) -> bool {
    value.len() == 20
        && ["AKIA", "ASIA", "ABIA", "ACCA"]
            .iter()
            .any(|p| value.starts_with(p))
        && value[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

/// Three base64url parts; the first decodes to a JSON object with an `alg` string, the
/// second to a JSON object.
fn jwt_ok(value: &str) -> bool {
    let parts: Vec<&str> = value.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return false;
    };
    let json_object = |part: &str| -> Option<serde_json::Map<String, serde_json::Value>> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()?;
        match serde_json::from_slice(&bytes).ok()? {
            serde_json::Value::Object(m) => Some(m),
            _ => None,
        }
    };
    !signature.is_empty()
        && json_object(header).is_some_and(|h| h.get("alg").is_some_and(|a| a.is_string()))
        && json_object(payload).is_some()
}

/// A `private_key_id` is a finding only inside a service-account file: the same JSON
/// says `"type": "service_account"` and holds a `private_key`.
fn gcp_service_account_ok(text: &str, start: usize) -> bool {
    static TYPE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""type"\s*:\s*"service_account""#)
            .unwrap_or_else(|e| panic!("service-account pattern: {e}"))
    });
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""private_key"\s*:\s*"-----BEGIN"#)
            .unwrap_or_else(|e| panic!("service-account key pattern: {e}"))
    });
    let (_, window) = window(text, start, 4096);
    TYPE.is_match(window) && KEY.is_match(window)
}

/// Slack token layouts: bot tokens are two numeric ids and 24 alphanumerics, user and
/// other tokens numeric ids followed by a random tail.
fn slack_ok(value: &str) -> bool {
    let Some((kind, rest)) = value.split_once('-') else {
        return false;
    };
    let parts: Vec<&str> = rest.split('-').collect();
    let numeric = |p: &str| (8..=14).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let tail_ok = |p: &str| {
        p.len() >= 24 && p.bytes().all(|b| b.is_ascii_alphanumeric()) && class_count(p) >= 2
    };
    match (kind, parts.as_slice()) {
        ("xoxb", [a, b, t]) => numeric(a) && numeric(b) && t.len() == 24 && tail_ok(t),
        (_, [ids @ .., t]) if ids.len() >= 2 => ids.iter().all(|p| numeric(p)) && tail_ok(t),
        _ => false,
    }
}

/// How far either side of a Twilio SID its secret half is looked for.
const TWILIO_PAIR_RADIUS: usize = 400;

/// A Twilio auth token: 32 hex after an `auth`/`token`/`secret` word.
static TWILIO_AUTH_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:auth|token|secret)[A-Za-z_]*["']?[ \t]*[:=][ \t]*["']?([0-9a-f]{32})\b"#)
        .unwrap_or_else(|e| panic!("twilio token pattern: {e}"))
});

/// A Twilio API key's secret: 32 alphanumerics after a `secret` word.
static TWILIO_API_SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)secret[A-Za-z_]*["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9]{32})\b"#)
        .unwrap_or_else(|e| panic!("twilio api secret pattern: {e}"))
});

/// A Twilio account SID alone is an identifier; with an auth token within a few lines it
/// is a credential pair.
fn twilio_auth_token_near(text: &str, start: usize) -> bool {
    let (_, w) = window(text, start, TWILIO_PAIR_RADIUS);
    TWILIO_AUTH_TOKEN.is_match(w)
}

/// Byte ranges of `text` holding the other half of the credential that rule `rule` found
/// at `start`: the auth token of a Twilio account SID, the secret of a Twilio API key.
/// The provider's finding stands for the pair, so no looser rule may report a half of it
/// again.
pub fn companion_ranges(rule: &str, text: &str, start: usize) -> Vec<std::ops::Range<usize>> {
    let pattern: &Regex = match rule {
        "twilio-account-sid" => &TWILIO_AUTH_TOKEN,
        "twilio-api-key" => &TWILIO_API_SECRET,
        _ => return Vec::new(),
    };
    let (lo, w) = window(text, start, TWILIO_PAIR_RADIUS);
    pattern
        .captures_iter(w)
        .filter_map(|c| c.get(1))
        .map(|m| lo + m.start()..lo + m.end())
        .collect()
}

/// Up to `radius` bytes of `text` either side of `at`, on char boundaries, and where that
/// window starts.
fn window(text: &str, at: usize, radius: usize) -> (usize, &str) {
    let mut lo = at.min(text.len()).saturating_sub(radius);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    let mut hi = at.saturating_add(radius).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    (lo, &text[lo..hi])
}

/// How many of lower case, upper case, digits and other chars occur in `s`.
pub fn class_count(s: &str) -> usize {
    let mut seen = [false; 4];
    for c in s.chars() {
        let i = if c.is_ascii_lowercase() {
            0
        } else if c.is_ascii_uppercase() {
            1
        } else if c.is_ascii_digit() {
            2
        } else {
            3
        };
        seen[i] = true;
    }
    seen.iter().filter(|&&s| s).count()
}

/// Share of `s`'s chars inside word-like runs: letter runs of four or more (split at
/// case changes, digits and punctuation) whose vowel share is that of written words.
pub fn word_share(s: &str) -> f64 {
    let mut words = 0usize;
    let mut run = String::new();
    let mut flush = |run: &mut String| {
        let n = run.len();
        if n >= 4 {
            let vowels = run.chars().filter(|c| "aeiouyAEIOUY".contains(*c)).count();
            #[allow(clippy::cast_precision_loss)] // short runs
            let share = vowels as f64 / n as f64;
            if (0.25..=0.6).contains(&share) {
                words += n;
            }
        }
        run.clear();
    };
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_ascii_alphabetic() {
            // camelCase: an upper case letter after a lower case one starts a new word.
            if c.is_ascii_uppercase() && prev_lower {
                flush(&mut run);
            }
            run.push(c);
            prev_lower = c.is_ascii_lowercase();
        } else {
            flush(&mut run);
            prev_lower = false;
        }
    }
    flush(&mut run);
    let total = s.chars().count().max(1);
    #[allow(clippy::cast_precision_loss)]
    let share = words as f64 / total as f64;
    share
}

/// The generic rule's randomness test: at least two character classes, an entropy of
/// 3.5 bits per char or more, and less than half of the value made of word-like runs.
pub fn looks_random(value: &str) -> bool {
    class_count(value) >= 2 && shannon_entropy(value) >= 3.5 && word_share(value) < 0.5
}

/// Shannon entropy of `s` in bits per char.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let mut n = 0usize;
    for c in s.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    #[allow(clippy::cast_precision_loss)] // counts of a bounded text; precision is ample
    let n = n as f64;
    counts
        .values()
        .map(|&c| {
            #[allow(clippy::cast_precision_loss)]
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
#[path = "secret_validate_tests.rs"]
mod tests;
