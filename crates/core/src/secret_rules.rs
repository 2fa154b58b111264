//! The shared secret-detection rule set: served bundles and source maps (http family), and
//! later the repository, its history and the build output (secrets family).
//!
//! Each rule is a regex with a stable id and the capture group that holds the secret
//! itself. Most rules key on a vendor's documented token shape (a fixed prefix and length),
//! which keeps false positives rare; the generic rule needs a secret-sounding name on the
//! left of an assignment *and* a value that looks random (`secret_validate::looks_random`).
//! A candidate must also pass its format's structure or checksum validation
//! (`secret_validate`). A match is then dropped
//! when it is one of the things `checks.md` says are not findings: documented example
//! values, placeholders, integrity hashes of lock files, UUIDs, and runs inside encoded
//! binaries (data URIs, long base64 blobs). A value is reported once, by the first rule
//! that claims it: a span a vendor rule matched, rejected, or holds as the other half of
//! a credential pair (a Twilio SID's auth token) is never reported again by the generic
//! rule. Matches only ever leave this module redacted.

use super::secret_validate;
pub use super::secret_validate::shannon_entropy;
use regex::Regex;
use std::sync::LazyLock;

/// One secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretMatch {
    /// Rule id (`stripe-secret-key`).
    pub rule: &'static str,
    /// 1-based line of the secret's first char.
    pub line: usize,
    /// 1-based column (in chars) of the secret's first char.
    pub column: usize,
    /// At most the first four chars and the length, e.g. `sk_l…(32 chars)`.
    pub redacted: String,
    /// A hash of the rule and the secret (hex, 16 chars): the same credential found in
    /// two places, or two scans, gets the same fingerprint, and the value cannot be
    /// recovered from it.
    pub fingerprint: String,
    /// A hash of the secret alone (`value_id`): what tells that two rules, or a rule and
    /// an env file's value, found the same credential.
    pub value_id: String,
}

struct Rule {
    id: &'static str,
    regex: Regex,
    /// Lower-case literals one of which every match contains: a rule whose keywords do
    /// not occur in a text is not run on it (see `PREFILTER`).
    keywords: &'static [&'static str],
    /// Minimum Shannon entropy (bits per char) of the secret; 0 for shape-keyed rules.
    min_entropy: f64,
}

fn rule(id: &'static str, pattern: &str, min_entropy: f64) -> Rule {
    Rule {
        id,
        keywords: prefilter::keywords_of(id),
        // The patterns are constants of this file, covered by the tests below.
        regex: Regex::new(pattern).unwrap_or_else(|e| panic!("secret rule {id}: {e}")),
        min_entropy,
    }
}

/// The rules, most specific first: when two rules match the same span, the first wins.
static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    vec![
        rule(
            "private-key",
            r"(-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----|PuTTY-User-Key-File-[23]: )",
            0.0,
        ),
        rule(
            "aws-access-key-id",
            r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b",
            0.0,
        ),
        rule(
            "aws-secret-access-key",
            r#"(?i)aws_?secret_?(?:access_?)?key["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)"#,
            3.0,
        ),
        rule(
            "gcp-service-account-key",
            r#""private_key_id"\s*:\s*"([0-9a-f]{40})""#,
            0.0,
        ),
        rule(
            "gcp-api-key",
            r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
            0.0,
        ),
        rule(
            "azure-storage-connection-string",
            r"(?i)DefaultEndpointsProtocol=https?;AccountName=[^;\s]+;AccountKey=([A-Za-z0-9+/]{86}==)",
            0.0,
        ),
        rule(
            "azure-storage-key",
            r#"(?i)(?:AccountKey|azure_?storage_?(?:account_?)?key)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9+/]{86}==)"#,
            0.0,
        ),
        rule(
            "stripe-secret-key",
            r"\b(sk_live_[0-9A-Za-z]{24,99})\b",
            0.0,
        ),
        rule(
            "stripe-restricted-key",
            r"\b(rk_live_[0-9A-Za-z]{24,99})\b",
            0.0,
        ),
        rule("github-token", r"\b(gh[pousr]_[A-Za-z0-9]{36,255})\b", 0.0),
        rule(
            "github-fine-grained-token",
            r"\b(github_pat_[A-Za-z0-9_]{50,255})\b",
            0.0,
        ),
        rule("gitlab-token", r"\b(glpat-[A-Za-z0-9_\-]{20,})", 0.0),
        rule(
            "slack-webhook",
            r"(https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{20,})",
            0.0,
        ),
        rule("slack-token", r"\b(xox[abposr]-[0-9A-Za-z\-]{10,})", 0.0),
        rule("twilio-api-key", r"\b(SK[0-9a-f]{32})\b", 0.0),
        rule("twilio-account-sid", r"\b(AC[0-9a-f]{32})\b", 0.0),
        rule(
            "sendgrid-api-key",
            r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
            0.0,
        ),
        rule(
            "openai-api-key",
            r"\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,})",
            0.0,
        ),
        rule(
            "openai-api-key",
            r"\b(sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})\b",
            0.0,
        ),
        rule(
            "anthropic-api-key",
            r"\b(sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,})",
            0.0,
        ),
        rule("npm-token", r"\b(npm_[A-Za-z0-9]{36})\b", 0.0),
        rule("mailgun-api-key", r"\b(key-[0-9a-f]{32})\b", 0.0),
        rule(
            "jwt",
            r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,})",
            0.0,
        ),
        rule(
            "database-url-password",
            r#"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver)://[^\s:/@'"`]+:([^\s@/'"`]{3,})@[^\s'"`]+"#,
            0.0,
        ),
        rule(
            "generic-secret",
            r#"(?i)\b[A-Za-z0-9_.\-]*(?:secret|api_?key|apikey|access_?key|auth_?token|access_?token|token|passwd|password|private_?key|client_?secret)[A-Za-z0-9_.\-]*["']?[ \t]*[:=]>?[ \t]*["'`]?([A-Za-z0-9_\-+/=.~]{16,})"#,
            3.5,
        ),
    ]
});

/// Documented example values that vendors publish and that end up in docs and tests.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "sk_test_",
    "pk_live_",
    "pk_test_",
];

/// Words that mark a value as a placeholder rather than a credential.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "dummy",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "your_",
    "your-",
    "yourkey",
    "redacted",
    "xxxx",
    "****",
    "....",
    "<",
    "${",
    "{{",
    "%(",
    "process.env",
    "import.meta.env",
];

static UUID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
        .unwrap_or_else(|e| panic!("uuid pattern: {e}"))
});

/// Scans `text` with every rule and returns the matches that survive the exclusions, in
/// the order they appear.
pub fn scan(text: &str) -> Vec<SecretMatch> {
    spans(text)
        .into_iter()
        .map(|(start, end, rule)| {
            let (line, column) = position(text, start);
            SecretMatch {
                rule,
                line,
                column,
                redacted: redact(&text[start..end]),
                fingerprint: fingerprint(rule, &text[start..end]),
                value_id: value_id(&text[start..end]),
            }
        })
        .collect()
}

/// The byte ranges of `text` that hold a secret a scan would report, in order.
pub fn secret_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    ranges(text, Mode::Scan)
}

/// How a text is searched for secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// What a scan reports: a shape that also passes its validator, its entropy floor and
    /// the exclusions (documented examples, placeholders), so that a finding is a real
    /// credential someone must rotate.
    Scan,
    /// What a shared screen hides: anything shaped like a secret, with none of the scan's
    /// filters and lower length floors for known prefixes. Hiding a harmless string costs
    /// a few characters on a screen; showing a real key to an audience cannot be undone, and
    /// a key that fails a checksum or sits on an allow-list may still be somebody's.
    Shape,
}

/// Known token prefixes with a low floor on what follows: a short or truncated value is
/// still enough to recognise and worth hiding.
static SHAPES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"\b((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{4,})",
        r"\b(whsec_[0-9A-Za-z]{4,})",
        r"\b(gh[pousr]_[A-Za-z0-9]{6,})",
        r"\b(github_pat_[A-Za-z0-9_]{6,})",
        r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{8,})",
        r"\b(glpat-[A-Za-z0-9_\-]{6,})",
        r"\b(xox[abposr]-[0-9A-Za-z\-]{6,})",
        r"\b(sk-[A-Za-z0-9_\-]{12,})",
        r"\b(SG\.[A-Za-z0-9_\-]{6,}(?:\.[A-Za-z0-9_\-]+)?)",
        r"\b(npm_[A-Za-z0-9]{6,})",
        r"\b(AIza[0-9A-Za-z_\-]{8,})",
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("secret shape {p}: {e}")))
    .collect()
});

/// The byte ranges of `text` that hold a secret under `mode`, in order, merged where they
/// overlap.
pub fn ranges(text: &str, mode: Mode) -> Vec<std::ops::Range<usize>> {
    match mode {
        Mode::Scan => spans(text).into_iter().map(|(s, e, _)| s..e).collect(),
        Mode::Shape => shape_ranges(text),
    }
}

/// Every rule's shape and every known prefix, without validators or exclusions. The one
/// filter kept is the generic rule's randomness test: its shape is only "a secret-sounding
/// name, then a word", which any sentence with a colon has, so the test is what makes it
/// a shape at all.
fn shape_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut found: Vec<std::ops::Range<usize>> = Vec::new();
    let present = prefilter::present_keywords(text);
    for r in RULES
        .iter()
        .filter(|r| r.keywords.iter().any(|k| present.contains(k)))
    {
        found.extend(
            r.regex
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .filter(|m| r.id != "generic-secret" || secret_validate::looks_random(m.as_str()))
                .map(|m| m.start()..m.end()),
        );
    }
    for regex in SHAPES.iter() {
        found.extend(
            regex
                .captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.start()..m.end()),
        );
    }
    found.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text` with every secret the rules find replaced by its redacted preview: for
/// free text (notes, remote strings) that leaves the program in an export.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end, _) in spans(text) {
        out.push_str(&text[last..start]);
        out.push_str(&redact(&text[start..end]));
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// Byte spans of the secrets in `text` and their rules, in order, without overlaps.
fn spans(text: &str) -> Vec<(usize, usize, &'static str)> {
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    // Ranges no later rule may report although they are no finding of their own: values
    // a vendor rule judged not to be tokens, and the other half of a credential pair a
    // vendor finding already stands for.
    let mut claimed: Vec<(usize, usize)> = Vec::new();
    let present = prefilter::present_keywords(text);
    for r in RULES.iter() {
        if !r.keywords.iter().any(|k| present.contains(k)) {
            continue;
        }
        for caps in r.regex.captures_iter(text) {
            let (Some(whole), Some(secret)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let value = secret.as_str();
            if spans
                .iter()
                .map(|&(s, e, _)| (s, e))
                .chain(claimed.iter().copied())
                .any(|(s, e)| s < secret.end() && secret.start() < e)
            {
                continue;
            }
            if r.min_entropy > 0.0 && shannon_entropy(value) < r.min_entropy {
                continue;
            }
            if is_excluded(text, whole.start(), secret.start(), secret.end(), r.id) {
                continue;
            }
            if !secret_validate::validate(r.id, value, text, secret.start()) {
                // A value in a vendor's shape that fails its checks is not a token: no
                // later, looser rule (the generic one) may report it either.
                claimed.push((secret.start(), secret.end()));
                continue;
            }
            spans.push((secret.start(), secret.end(), r.id));
            claimed.extend(
                secret_validate::companion_ranges(r.id, text, secret.start())
                    .into_iter()
                    .map(|c| (c.start, c.end)),
            );
        }
    }
    spans.sort_by_key(|s| s.0);
    spans
}

/// At most the first four chars of `secret` (fewer for short values, so that at least
/// three quarters stay hidden) and its length in chars.
pub fn redact(secret: &str) -> String {
    let len = secret.chars().count();
    let shown: String = secret.chars().take((len / 4).min(4)).collect();
    format!("{shown}…({len} chars)")
}

/// The hash that stands for a secret in baselines and deduplication: the first 8 bytes
/// of SHA-256 over rule and value, in hex.
pub fn fingerprint(rule: &str, secret: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(rule.as_bytes());
    h.update([0u8]);
    h.update(secret.as_bytes());
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of a secret's value alone, whichever rule found it (the first 8 bytes of
/// SHA-256, in hex, under a label of its own so it never equals a rule's fingerprint).
pub fn value_id(secret: &str) -> String {
    fingerprint("value", secret)
}

fn is_excluded(text: &str, match_start: usize, start: usize, end: usize, rule: &str) -> bool {
    let value = &text[start..end];
    if rule == "private-key" {
        // A PEM header is only a finding when a key body follows it, on the next line or
        // after an escaped newline (keys embedded in JSON or env values).
        let mut rest = text[end..].trim_start();
        while let Some(r) = rest
            .strip_prefix("\\n")
            .or_else(|| rest.strip_prefix("\\r"))
        {
            rest = r;
        }
        return !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/');
    }
    let lower = value.to_ascii_lowercase();
    if DOCUMENTED_EXAMPLES.iter().any(|e| value.contains(e))
        || PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
    {
        return true;
    }
    if rule == "database-url-password" {
        let pw = lower.as_str();
        return matches!(
            pw,
            "password" | "pass" | "passwd" | "secret" | "postgres" | "root"
        ) || pw.starts_with('$')
            || pw.starts_with(':');
    }
    if UUID.is_match(value) || is_repetitive(value) || is_integrity_hash(value) {
        return true;
    }
    // Lock-file integrity hashes: `sha512-…` right before the value or on the same line as
    // an `integrity` key.
    let line_start = text[..match_start].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..start];
    if before.ends_with("sha1-")
        || before.ends_with("sha256-")
        || before.ends_with("sha384-")
        || before.ends_with("sha512-")
        || (rule == "generic-secret" && before.to_ascii_lowercase().contains("integrity"))
    {
        return true;
    }
    inside_encoded_blob(text, start, end)
}

/// True when the value sits inside a data URI or a long unbroken base64 run: an encoded
/// image or font, where any vendor prefix is a coincidence.
fn inside_encoded_blob(text: &str, start: usize, end: usize) -> bool {
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_');
    let token_start = text[..start]
        .char_indices()
        .rev()
        .find(|&(_, c)| !(is_b64(c) || matches!(c, ',' | ';' | ':' | '.')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let token_end = text[end..]
        .char_indices()
        .find(|&(_, c)| !is_b64(c))
        .map_or(text.len(), |(i, _)| end + i);
    let token = &text[token_start..token_end];
    if let Some(pos) = token.find("base64,") {
        return token_start + pos < start;
    }
    token.len() >= 200
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
}

/// Subresource-integrity style hashes (`sha512-…`), as lock files hold them.
fn is_integrity_hash(value: &str) -> bool {
    ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| value.starts_with(p))
}

/// Values made of one or two repeated chars (`aaaaaaaa…`, `0000…`) are fillers.
fn is_repetitive(value: &str) -> bool {
    let mut distinct: Vec<char> = Vec::new();
    for c in value.chars() {
        if !distinct.contains(&c) {
            distinct.push(c);
            if distinct.len() > 2 {
                return false;
            }
        }
    }
    true
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[path = "secret_rules_prefilter.rs"]
mod prefilter;

#[cfg(test)]
#[path = "secret_rules_tests.rs"]
mod tests;
