//! Text on its way out of the product (the handover pack, `check --format json` and its
//! text report): terminal controls stripped (remote text), then every secret the secret
//! rules recognise replaced by its redacted preview (operator notes, error messages that
//! quote a response, evidence a check copied from a page). One walker for every output, so
//! no output redacts less than another.

use crate::sanitize;
use crate::secret_rules;

/// Multi-line text (notes), sanitised and redacted.
pub fn clean(text: &str) -> String {
    secret_rules::redact_text(&sanitize::sanitize(text))
}

/// Every string of a JSON value (keys too), sanitised and redacted.
pub fn clean_json(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(clean(s)),
        Value::Array(a) => Value::Array(a.iter().map(clean_json).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (clean_line(k), clean_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A check result with every string sanitised and redacted.
pub fn clean_outcome(
    o: &crate::session::model::CheckOutcome,
) -> crate::session::model::CheckOutcome {
    let mut o = o.clone();
    o.target = clean_line(&o.target);
    o.summary = clean_line(&o.summary);
    let kind = crate::catalog::KindId::parse(&o.check);
    o.evidence = crate::evidence::Observed::read(kind, clean_json(&o.evidence.to_json()));
    for f in &mut o.findings {
        f.message = clean_line(&f.message);
        f.evidence = clean_json(&f.evidence);
    }
    o
}

/// One-line text, sanitised and redacted.
pub fn clean_line(text: &str) -> String {
    secret_rules::redact_text(&sanitize::sanitize_line(text))
}
