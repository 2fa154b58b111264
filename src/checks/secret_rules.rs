//! The shared secret-detection rule set: served bundles and source maps (http family), and
//! later the repository, its history and the build output (secrets family).
//!
//! Each rule is a regex with a stable id and the capture group that holds the secret
//! itself. Most rules key on a vendor's documented token shape (a fixed prefix and length),
//! which keeps false positives rare; the generic rule needs a secret-sounding name on the
//! left of an assignment *and* a high Shannon entropy on the right. A match is then dropped
//! when it is one of the things `checks.md` says are not findings: documented example
//! values, placeholders, integrity hashes of lock files, UUIDs, and runs inside encoded
//! binaries (data URIs, long base64 blobs). Matches only ever leave this module redacted.

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
}

struct Rule {
    id: &'static str,
    regex: Regex,
    /// Minimum Shannon entropy (bits per char) of the secret; 0 for shape-keyed rules.
    min_entropy: f64,
}

fn rule(id: &'static str, pattern: &str, min_entropy: f64) -> Rule {
    Rule {
        id,
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
            r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
            0.0,
        ),
        rule(
            "aws-access-key-id",
            r"\b((?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b",
            0.0,
        ),
        rule(
            "aws-secret-access-key",
            r#"(?i)aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?:[^A-Za-z0-9/+=]|$)"#,
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
            r#"(?i)(?:AccountKey|azure_?storage_?(?:account_?)?key)["']?\s*[:=]\s*["']?([A-Za-z0-9+/]{86}==)"#,
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
            r#"(?i)\b[A-Za-z0-9_.\-]*(?:secret|api_?key|apikey|access_?key|auth_?token|access_?token|token|passwd|password|private_?key|client_?secret)[A-Za-z0-9_.\-]*["']?\s*[:=]>?\s*["'`]?([A-Za-z0-9_\-+/=.~]{16,})"#,
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
    let mut spans: Vec<(usize, usize, &'static str)> = Vec::new();
    for r in RULES.iter() {
        for caps in r.regex.captures_iter(text) {
            let (Some(whole), Some(secret)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let value = secret.as_str();
            if spans
                .iter()
                .any(|&(s, e, _)| s < secret.end() && secret.start() < e)
            {
                continue;
            }
            if r.min_entropy > 0.0 && shannon_entropy(value) < r.min_entropy {
                continue;
            }
            if is_excluded(text, whole.start(), secret.start(), secret.end(), r.id) {
                continue;
            }
            spans.push((secret.start(), secret.end(), r.id));
        }
    }
    spans.sort_by_key(|s| s.0);
    spans
        .into_iter()
        .map(|(start, end, rule)| {
            let (line, column) = position(text, start);
            SecretMatch {
                rule,
                line,
                column,
                redacted: redact(&text[start..end]),
            }
        })
        .collect()
}

/// At most the first four chars of `secret` (fewer for short values, so that at least
/// three quarters stay hidden) and its length in chars.
pub fn redact(secret: &str) -> String {
    let len = secret.chars().count();
    let shown: String = secret.chars().take((len / 4).min(4)).collect();
    format!("{shown}…({len} chars)")
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a token from parts so that no complete credential shape appears in the
    /// source (repository scanners, including this one, would flag it).
    fn tok(parts: &[&str]) -> String {
        parts.concat()
    }

    fn rules_of(text: &str) -> Vec<&'static str> {
        scan(text).into_iter().map(|m| m.rule).collect()
    }

    #[test]
    fn finds_vendor_tokens_with_their_rule_ids() {
        let cases = [
            (tok(&["AKIA", "Z7QW3RT5YU8IOPLK"]), "aws-access-key-id"),
            (
                tok(&[
                    "aws_secret_access_key = ",
                    "q8Jd7Kf2Lm9Np4Rs6Tv1Wx3Yz5Ab0Cd2Ef4Gh6Ij",
                ]),
                "aws-secret-access-key",
            ),
            (
                tok(&[
                    "\"private_key_id\": \"",
                    "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a",
                    "\"",
                ]),
                "gcp-service-account-key",
            ),
            (
                tok(&["AIza", "SyB3kQ9vXw2Lm7Np4Rs6Tv1Wx3Yz5Ab0Cde"]),
                "gcp-api-key",
            ),
            (
                tok(&[
                    "DefaultEndpointsProtocol=https;AccountName=bd;AccountKey=",
                    &"Zk9QmT2vX8wLr4Ns6Pb1Yc3Hd5Jf7Kg0".repeat(3)[..86],
                    "==",
                ]),
                "azure-storage-connection-string",
            ),
            (
                tok(&["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]),
                "stripe-secret-key",
            ),
            (
                tok(&["rk_", "live_", "9fK2mQ7xR4tV8wZ1bN3cL6pJ"]),
                "stripe-restricted-key",
            ),
            (
                tok(&["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5sY8aE2u"]),
                "github-token",
            ),
            (
                tok(&["gho", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5sY8aE2u"]),
                "github-token",
            ),
            (
                tok(&[
                    "github_",
                    "pat_",
                    "11ABCDEFG0",
                    &"r8X2kq9LmZ4vT7wN".repeat(5),
                ]),
                "github-fine-grained-token",
            ),
            (tok(&["glpat", "-", "Xy7Qm2Rt9Lp4Nv8Kb3Wz"]), "gitlab-token"),
            (
                tok(&["xoxb", "-", "2048-4096-Qm7Rt9Lp4Nv8Kb3W"]),
                "slack-token",
            ),
            (
                tok(&[
                    "https://hooks.slack.com/services/",
                    "T024BE7LD/B01ABCD23EF/",
                    "Qm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
                ]),
                "slack-webhook",
            ),
            (
                tok(&["SK", "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"]),
                "twilio-api-key",
            ),
            (
                tok(&[
                    "SG",
                    ".",
                    "Qm7Rt9Lp4Nv8Kb3Wz5Xy1A",
                    ".",
                    "Rt9Lp4Nv8Kb3Wz5Xy1AcQm7Rt9Lp4Nv8Kb3Wz5Xy1Ac",
                ]),
                "sendgrid-api-key",
            ),
            (
                tok(&["sk-", "proj-", "Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcDe"]),
                "openai-api-key",
            ),
            (
                tok(&[
                    "-----BEGIN ",
                    "PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
                ]),
                "private-key",
            ),
            (
                tok(&[
                    "eyJhbGciOiJIUzI1NiJ9",
                    ".",
                    "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
                    ".",
                    "dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk",
                ]),
                "jwt",
            ),
            (
                tok(&["postgres://app:", "Tr0ub4dor-x9Q", "@db.internal:5432/app"]),
                "database-url-password",
            ),
            (
                tok(&["const API_KEY = \"", "q8Jd7Kf2Lm9Np4Rs6Tv1", "\""]),
                "generic-secret",
            ),
            (
                tok(&["client_secret: ", "Zx8Lq2Wm5Rt9Yp3Nb7Vc"]),
                "generic-secret",
            ),
        ];
        for (text, rule) in &cases {
            assert_eq!(rules_of(text), vec![*rule], "in {text:?}");
        }
    }

    #[test]
    fn reports_line_column_and_redacts() {
        let key = tok(&["sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
        let text = format!("line one\n  const k = \"{key}\";\n");
        let m = scan(&text);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].line, m[0].column), (2, 14));
        assert_eq!(m[0].redacted, "sk_l…(32 chars)");
        assert!(!m[0].redacted.contains(&key[4..]));
    }

    #[test]
    fn redaction_never_shows_more_than_a_quarter() {
        assert_eq!(redact("abcdefgh"), "ab…(8 chars)");
        assert_eq!(redact("abc"), "…(3 chars)");
        assert_eq!(redact(&"x".repeat(100)), "xxxx…(100 chars)");
    }

    #[test]
    fn ignores_documented_examples_and_placeholders() {
        let texts = [
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE".to_string(),
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_string(),
            "API_KEY=<your-api-key-goes-here>".to_string(),
            "API_KEY=${STRIPE_SECRET_KEY_FROM_ENV}".to_string(),
            "password: changeme_changeme_1234".to_string(),
            "SECRET_TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx".to_string(),
            "api_key: \"your_api_key_here_1234567\"".to_string(),
            "DATABASE_URL=postgres://user:password@localhost/db".to_string(),
            "DATABASE_URL=postgres://user:${DB_PASSWORD}@localhost/db".to_string(),
            "const token = process.env.API_TOKEN_VALUE_XYZ".to_string(),
            tok(&["stripe test: sk_", "test_", "4eC39HqLyjWDarjtT1zdp7dc"]),
        ];
        for t in &texts {
            assert!(
                scan(t).is_empty(),
                "unexpected match in {t:?}: {:?}",
                scan(t)
            );
        }
    }

    #[test]
    fn ignores_lockfile_hashes_uuids_and_low_entropy() {
        let texts = [
            "  \"js-tokens\": \"sha512-Q8Jd7Kf2Lm9Np4Rs6Tv1Wx3Yz5Ab0Cd2Ef4Gh6IjKl8Mn0Op2Qr4St6Uv8Wx0Yz2Ab4Cd6Ef8Gh0Ij2Kl4Mn6Op8Q==\"",
            "api_key = 123e4567-e89b-12d3-a456-426614174000",
            "session_token = aaaaaaaaaaaaaaaaaaaaaaaa",
            "password_hint = abababababababababab",
            "token = abcabcabcabcabcabc",
        ];
        for t in texts {
            assert!(
                scan(t).is_empty(),
                "unexpected match in {t:?}: {:?}",
                scan(t)
            );
        }
    }

    #[test]
    fn ignores_prefixes_inside_encoded_binaries() {
        let blob = format!(
            "url(data:font/woff2;base64,d09GMgABAAAAA{}{}AAAA)",
            tok(&["AKIA", "Z7QW3RT5YU8IOPLK"]),
            "Qm7Rt9Lp4Nv8Kb3W".repeat(20)
        );
        assert!(scan(&blob).is_empty(), "{:?}", scan(&blob));
        let long_b64 = format!(
            "{}{}{}",
            "Qm7Rt9Lp4Nv8Kb3W".repeat(10),
            tok(&["AKIA", "Z7QW3RT5YU8IOPLK"]),
            "Qm7Rt9Lp4Nv8Kb3W".repeat(10)
        );
        assert!(scan(&long_b64).is_empty());
    }

    #[test]
    fn a_pem_header_alone_is_not_a_key() {
        assert!(scan("if (s.startsWith('-----BEGIN PRIVATE KEY-----')) {").is_empty());
    }

    #[test]
    fn one_span_is_reported_once_by_the_most_specific_rule() {
        let t = tok(&["STRIPE_SECRET_KEY=sk_", "live_", "4eC39HqLyjWDarjtT1zdp7dc"]);
        assert_eq!(rules_of(&t), vec!["stripe-secret-key"]);
    }

    #[test]
    fn finds_several_secrets_in_order_in_minified_code() {
        let t = tok(&[
            "var a={k:\"sk_",
            "live_",
            "4eC39HqLyjWDarjtT1zdp7dc\"},b=\"ghp",
            "_",
            "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5sY8aE2u\";",
        ]);
        let m = scan(&t);
        assert_eq!(
            m.iter().map(|m| m.rule).collect::<Vec<_>>(),
            ["stripe-secret-key", "github-token"]
        );
        assert!(m[0].column < m[1].column);
    }

    #[test]
    fn entropy_separates_random_from_words() {
        assert!(shannon_entropy("q8Jd7Kf2Lm9Np4Rs6Tv1") > 4.0);
        assert!(shannon_entropy("passwordpassword") < 3.0);
        assert!((shannon_entropy("") - 0.0).abs() < f64::EPSILON);
    }
}
