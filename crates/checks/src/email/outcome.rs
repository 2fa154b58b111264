//! Turning findings into a `CheckOutcome`, shared by the four email checks so that they all
//! derive their status the same way and quote remote text the same way.
//!
//! Status comes from `checks::outcome`, the rule every family shares: `fail` when a finding
//! is high or blocker, `warn` when one is medium or low, `pass` otherwise; `error` is chosen
//! by the caller when the check could not run. What this module adds is the email family's
//! name, target and quoting of remote text.

use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::Observed;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;

/// Longest piece of remote text quoted in a one-line message.
const QUOTE_LIMIT: usize = 120;

/// A finished check whose status is derived from its findings, the way every family
/// derives it.
pub fn judged(
    check: KindId,
    domain: &str,
    summary: String,
    findings: Vec<Finding>,
    evidence: Observed,
) -> CheckOutcome {
    CheckOutcome {
        check: check.as_str().to_owned(),
        family: "email".to_owned(),
        target: domain.to_owned(),
        ..outcome::judged(summary, findings, evidence)
    }
}

/// A check that could not run (or could not finish): status `error`, whatever it found so
/// far kept in `findings` and `evidence`. Same arguments as [`judged`], so a check can
/// switch between the two on one condition.
pub fn failed(
    check: KindId,
    domain: &str,
    summary: String,
    findings: Vec<Finding>,
    evidence: Observed,
) -> CheckOutcome {
    CheckOutcome {
        status: CheckStatus::Error,
        ..judged(check, domain, summary, findings, evidence)
    }
}

/// The first lookup of a check (`what`: `MX`, `TXT`…) failed outright: nothing to judge.
/// `evidence` builds the check's evidence from the error, cleaned.
pub fn lookup_failed(
    check: KindId,
    domain: &str,
    what: &str,
    error: &str,
    evidence: impl FnOnce(String) -> Observed,
) -> CheckOutcome {
    let summary = format!(
        "{what} lookup of {} failed: {}",
        clean(domain),
        clean(error)
    );
    failed(
        check,
        domain,
        summary,
        Vec::new(),
        evidence(clean_full(error)),
    )
}

/// Remote text made safe for a terminal: control characters (including ESC, so no escape
/// sequence survives) are shown escaped, and long text is cut with an ellipsis.
pub fn clean(text: &str) -> String {
    escape(text, Some(QUOTE_LIMIT))
}

/// Remote text for structured evidence: like `clean` but never shortened.
pub fn clean_full(text: &str) -> String {
    escape(text, None)
}

/// Escapes what a terminal would act on, cutting after `limit` characters when given.
fn escape(text: &str, limit: Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    for (count, ch) in text.chars().enumerate() {
        if Some(count) == limit {
            out.push('…');
            break;
        }
        if ch.is_control() || is_invisible_format(ch) {
            out.extend(ch.escape_unicode());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Bidirectional overrides and zero-width characters can make text read differently from
/// what it holds; they are escaped like control characters.
fn is_invisible_format(ch: char) -> bool {
    matches!(ch, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_escapes_terminal_sequences_and_cuts_long_text() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(clean("x\u{202e}y"), "x\\u{202e}y");
        let long = "a".repeat(500);
        assert_eq!(clean(&long).chars().count(), QUOTE_LIMIT + 1);
        assert_eq!(clean_full(&long).len(), 500);
    }
}

#[cfg(test)]
mod send_tests {
    use crate::email::{EmailDns, dkim, dmarc, mx, spf};

    fn assert_send<T: Send>(_: &T) {}

    /// The engine spawns these futures on a multi-threaded runtime, for any resolver.
    #[allow(dead_code)]
    fn check_futures_are_send_for_any_resolver<D: EmailDns>(dns: &D) {
        assert_send(&mx::check_mx(dns, "example.com"));
        assert_send(&spf::check_spf(dns, "example.com"));
        assert_send(&dmarc::check_dmarc(dns, "example.com"));
        assert_send(&dkim::check_dkim(dns, "example.com", &[]));
    }
}
