//! DKIM (RFC 6376): the public keys published for the configured selectors and for the
//! selectors common mail providers use.
//!
//! A domain's selectors cannot be listed through DNS, so the check asks for each candidate
//! at once and judges the keys it finds: `record` parses the tag list, `key` sizes the key.
//! Only when no candidate has a key is the domain reported as missing DKIM.

pub mod key;
pub mod record;

use super::lookup::{EmailDns, LookupFailure};
use super::outcome::{clean, clean_full, failed, judged};
use key::{KeyProblem, PublicKey};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{DkimEvidence, DkimKey, DkimTags, Observed};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;

/// Check name in results.
pub const CHECK: KindId = KindId::EmailDkim;

/// Selectors that widely used mail services publish, tried after the configured ones.
pub const COMMON_SELECTORS: &[&str] = &[
    "default",
    "google",
    "selector1",
    "selector2",
    "k1",
    "k2",
    "k3",
    "mail",
    "dkim",
    "s1",
    "s2",
    "smtp",
    "mandrill",
    "mxvault",
    "everlytickey1",
    "everlytickey2",
    "protonmail",
    "protonmail2",
    "protonmail3",
    "zoho",
    "fm1",
    "fm2",
    "fm3",
    "mx",
    "pic",
    "resend",
    "cm",
    "smtpapi",
];

/// RSA keys below this are weak (RFC 8301 recommends at least 2048 bits).
pub const RSA_RECOMMENDED_BITS: usize = 2048;
/// RSA keys below this are refused by receivers (RFC 8301 §3.2).
pub const RSA_FLOOR_BITS: usize = 1024;

/// Looks for DKIM keys of `domain` under `selectors` and the common selectors.
pub async fn check_dkim(dns: &impl EmailDns, domain: &str, selectors: &[String]) -> CheckOutcome {
    let domain_name = domain.trim_end_matches('.');
    if let Some(bad) = selectors.iter().find(|s| !is_selector(s)) {
        let summary = format!("DKIM selector `{}` is not a valid DNS name", clean(bad));
        return failed(
            CHECK,
            domain,
            summary,
            Vec::new(),
            Observed::Dkim(DkimEvidence {
                invalid_selector: Some(clean_full(bad)),
                ..DkimEvidence::default()
            }),
        );
    }
    let mut candidates: Vec<String> = Vec::new();
    for selector in selectors
        .iter()
        .map(String::as_str)
        .chain(COMMON_SELECTORS.iter().copied())
    {
        let selector = selector.to_ascii_lowercase();
        if !candidates.contains(&selector) {
            candidates.push(selector);
        }
    }
    let answers = futures::future::join_all(candidates.iter().map(|s| {
        let name = format!("{s}._domainkey.{domain_name}");
        async move { dns.txt(&name).await }
    }))
    .await;

    let mut findings = Vec::new();
    let mut found = Vec::new();
    let mut failures = Vec::new();
    for (selector, answer) in candidates.iter().zip(answers) {
        let name = format!("{selector}._domainkey.{domain_name}");
        let records = match answer {
            Ok(records) => records,
            Err(LookupFailure::NxDomain | LookupFailure::NoData) => continue,
            Err(LookupFailure::Failed(e)) => {
                failures.push(format!("TXT {name}: {}", clean_full(&e)));
                continue;
            }
        };
        for text in records.iter().filter(|r| record::is_key_record(r)) {
            let (entry, finding) = judge_key(selector, &name, text);
            found.push(entry);
            findings.extend(finding);
        }
    }
    if found.is_empty() && !failures.is_empty() {
        let summary = format!(
            "no DKIM key found, and {} selector lookups failed",
            failures.len()
        );
        let evidence = dkim_evidence(candidates, found, failures);
        return failed(CHECK, domain, summary, findings, evidence);
    }
    if found.is_empty() {
        let finding = Finding::new(
            Code::EmailDkimMissing,
            format!(
                "no DKIM key found for {} under the {} selectors tried; add the selector your mail provider uses to the targets if it is not a common one",
                clean(domain),
                candidates.len()
            ),
        );
        let evidence = dkim_evidence(candidates, found, failures);
        return judged(
            CHECK,
            domain,
            "no DKIM key found".into(),
            vec![finding],
            evidence,
        );
    }
    let shown: Vec<String> = found
        .iter()
        .map(|f| format!("{}: {}", f.selector, f.key))
        .collect();
    let summary = format!(
        "DKIM keys at {} selector(s) ({})",
        found.len(),
        shown.join(", ")
    );
    let evidence = dkim_evidence(candidates, found, failures);
    judged(CHECK, domain, summary, findings, evidence)
}

fn dkim_evidence(
    selectors_tried: Vec<String>,
    found: Vec<DkimKey>,
    lookup_failures: Vec<String>,
) -> Observed {
    Observed::Dkim(DkimEvidence {
        selectors_tried,
        found,
        lookup_failures,
        invalid_selector: None,
    })
}

/// Judges one key record: its evidence entry and the finding it calls for, if any.
fn judge_key(selector: &str, name: &str, text: &str) -> (DkimKey, Option<Finding>) {
    let mut entry = DkimKey {
        selector: selector.to_owned(),
        name: name.to_owned(),
        record: clean_full(text),
        ..DkimKey::default()
    };
    let parsed = match record::parse_key_record(text) {
        Ok(parsed) => parsed,
        Err(reason) => {
            entry.key = "unparsable record".into();
            let message = format!(
                "DKIM record at selector `{selector}` does not parse: {}",
                clean(&reason.to_string())
            );
            return (
                entry,
                Some(Finding::new(Code::EmailDkimInvalidKey, message)),
            );
        }
    };
    entry.key_type = Some(parsed.key_type.clone());
    entry.testing = Some(parsed.flags.iter().any(|f| f == "y"));
    entry.tags = Some(DkimTags {
        v: parsed.version.clone(),
        k: parsed.key_type.clone(),
        h: parsed.hashes.clone(),
        s: parsed.services.clone(),
        t: parsed.flags.clone(),
        n: parsed.notes.as_deref().map(clean_full),
    });
    let finding = match key::decode(&parsed.key_type, &parsed.public_key) {
        Ok(PublicKey::Rsa { bits }) => {
            entry.bits = Some(bits as u64);
            entry.key = format!("RSA {bits}");
            weak_rsa(selector, bits)
        }
        Ok(PublicKey::Ed25519) => {
            entry.bits = Some(256);
            entry.key = "ed25519".into();
            None
        }
        Err(KeyProblem::Revoked) => {
            entry.key = "revoked".into();
            let message = format!(
                "DKIM selector `{selector}` has an empty `p=` (key revoked): mail still signed with it fails DKIM"
            );
            Some(Finding::new(Code::EmailDkimRevoked, message))
        }
        Err(KeyProblem::Invalid(reason)) => {
            entry.key = "invalid".into();
            let message = format!(
                "DKIM key at selector `{selector}` is unusable: {}",
                clean(&reason)
            );
            Some(Finding::new(Code::EmailDkimInvalidKey, message))
        }
    };
    (entry, finding)
}

fn weak_rsa(selector: &str, bits: usize) -> Option<Finding> {
    let message = if bits < RSA_FLOOR_BITS {
        format!(
            "DKIM key at selector `{selector}` is RSA {bits} bits, below the {RSA_FLOOR_BITS}-bit floor of RFC 8301: receivers reject its signatures; publish a {RSA_RECOMMENDED_BITS}-bit key"
        )
    } else if bits < RSA_RECOMMENDED_BITS {
        format!(
            "DKIM key at selector `{selector}` is RSA {bits} bits: {RSA_FLOOR_BITS} is the RFC 8301 floor, {RSA_RECOMMENDED_BITS} bits is recommended"
        )
    } else {
        return None;
    };
    Some(Finding::new(Code::EmailDkimWeakKey, message))
}

/// A selector is one or more DNS labels of letters, digits, `-` and `_`.
fn is_selector(selector: &str) -> bool {
    !selector.is_empty()
        && selector.len() <= 200
        && selector.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests;
