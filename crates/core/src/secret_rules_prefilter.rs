//! The keyword prefilter of the secret rules: one case-insensitive Aho-Corasick pass over
//! a text says which rules can match it, so the regexes run only where their literal is.

use std::sync::LazyLock;

/// The literals each rule's matches contain (lower case: the prefilter ignores case).
pub(super) fn keywords_of(id: &str) -> &'static [&'static str] {
    match id {
        "private-key" => &["private key", "putty-user-key-file"],
        "aws-access-key-id" => &["akia", "asia", "abia", "acca"],
        "aws-secret-access-key" => &["secret"],
        "gcp-service-account-key" => &["private_key_id"],
        "gcp-api-key" => &["aiza"],
        "azure-storage-connection-string" | "azure-storage-key" => &["accountkey", "storage"],
        "stripe-secret-key" | "stripe-restricted-key" => &["k_live_"],
        "github-token" => &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        "github-fine-grained-token" => &["github_pat_"],
        "gitlab-token" => &["glpat-"],
        "slack-webhook" => &["hooks.slack.com"],
        "slack-token" => &["xox"],
        "twilio-api-key" => &["sk"],
        "twilio-account-sid" => &["ac"],
        "sendgrid-api-key" => &["sg."],
        "openai-api-key" => &["sk-"],
        "anthropic-api-key" => &["sk-ant-"],
        "npm-token" => &["npm_"],
        "mailgun-api-key" => &["key-"],
        "jwt" => &["eyj"],
        "database-url-password" => &["://"],
        _ => &["secret", "key", "token", "passw"],
    }
}

/// One case-insensitive pass over the text finds which rule keywords occur, so that each
/// byte is read once for all rules and a rule runs only where it can match.
static PREFILTER: LazyLock<(aho_corasick::AhoCorasick, Vec<&'static str>)> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    for r in super::RULES.iter() {
        for w in r.keywords {
            if !words.contains(w) {
                words.push(w);
            }
        }
    }
    let ac = aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&words)
        // The words are constants of this file, covered by the tests.
        .unwrap_or_else(|e| panic!("secret keywords: {e}"));
    (ac, words)
});

/// The keywords of `PREFILTER` that occur in `text`.
pub(super) fn present_keywords(text: &str) -> Vec<&'static str> {
    let (ac, words) = &*PREFILTER;
    let mut seen = vec![false; words.len()];
    // Overlapping search: `sk-ant-` must not hide `sk-`, nor `sk` hide either.
    for m in ac.find_overlapping_iter(text) {
        seen[m.pattern().as_usize()] = true;
    }
    words
        .iter()
        .zip(seen)
        .filter_map(|(w, s)| s.then_some(*w))
        .collect()
}
