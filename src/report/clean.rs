//! Text on its way into the pack: terminal controls stripped (remote text), then every
//! secret the secret rules recognise replaced by its redacted preview (operator notes,
//! error messages that quote a response).

use crate::checks::secret_rules;
use crate::sanitize;

/// Multi-line text (notes), sanitised and redacted.
pub fn clean(text: &str) -> String {
    secret_rules::redact_text(&sanitize::sanitize(text))
}

/// One-line text, sanitised and redacted.
pub fn clean_line(text: &str) -> String {
    secret_rules::redact_text(&sanitize::sanitize_line(text))
}
