//! SPF macro strings (RFC 7208 §7): parsed into literal and macro parts so that syntax errors
//! are caught exactly, and expanded where the evaluator knows the value.
//!
//! A readiness check has no sending IP, sender or HELO name, so only `%{d}` (the domain whose
//! record is being read) can be expanded; every other letter makes the term depend on the
//! message, and `expand` says so by returning `None`.

use super::error::MacroError;
use std::fmt;

/// Characters a macro may split its value on.
const DELIMITERS: &str = ".-+,/_=";

/// A parsed macro string; `raw` gives the text it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroString {
    raw: String,
    parts: Vec<MacroPart>,
}

/// One piece of a macro string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroPart {
    /// Text copied as is (`%%`, `%_` and `%-` are stored already expanded).
    Literal(String),
    /// A `%{…}` expansion.
    Expand(MacroExpand),
}

/// A `%{…}` expansion: letter, transformers and delimiters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroExpand {
    /// The macro letter, lower case.
    pub letter: char,
    /// Upper-case letter: the value is URL-escaped.
    pub url_escape: bool,
    /// Keep only this many right-hand parts.
    pub digits: Option<u32>,
    /// Reverse the parts before keeping them.
    pub reverse: bool,
    /// Characters to split on (`.` when empty).
    pub delimiters: String,
}

/// Where a macro string appears, which decides the letters it may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroUse {
    /// A domain-spec of a mechanism or of `redirect`/`exp`: `c`, `r` and `t` are not allowed.
    Domain,
    /// The value of an unknown modifier: every letter is syntactically valid.
    Free,
}

impl MacroString {
    /// Parses `text` as a macro string; the error says what is wrong.
    pub fn parse(text: &str, usage: MacroUse) -> Result<MacroString, MacroError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(ch) = chars.next() {
            match ch {
                '%' => match chars.next() {
                    Some('%') => literal.push('%'),
                    Some('_') => literal.push(' '),
                    Some('-') => literal.push_str("%20"),
                    Some('{') => {
                        let expand = parse_expand(&mut chars, usage)?;
                        if !literal.is_empty() {
                            parts.push(MacroPart::Literal(std::mem::take(&mut literal)));
                        }
                        parts.push(MacroPart::Expand(expand));
                    }
                    Some(other) => return Err(MacroError::NotAMacro(other)),
                    None => return Err(MacroError::LonePercent),
                },
                '!'..='~' => literal.push(ch),
                _ => return Err(MacroError::Character(ch)),
            }
        }
        if !literal.is_empty() {
            parts.push(MacroPart::Literal(literal));
        }
        Ok(MacroString {
            raw: text.to_owned(),
            parts,
        })
    }

    /// The text this was parsed from.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    pub fn parts(&self) -> &[MacroPart] {
        &self.parts
    }

    /// True when the string holds at least one `%{…}` expansion.
    pub fn has_macros(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, MacroPart::Expand(_)))
    }

    /// The expanded string when every macro in it is `%{d}` (given as `domain`), `None` when
    /// it depends on the message being checked.
    pub fn expand(&self, domain: &str) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                MacroPart::Literal(text) => out.push_str(text),
                MacroPart::Expand(m) if m.letter == 'd' => out.push_str(&m.apply(domain)),
                MacroPart::Expand(_) => return None,
            }
        }
        Some(out)
    }
}

impl MacroExpand {
    /// Applies the transformers to `value` (RFC 7208 §7.3).
    pub fn apply(&self, value: &str) -> String {
        let delimiters = if self.delimiters.is_empty() {
            "."
        } else {
            self.delimiters.as_str()
        };
        let mut parts: Vec<&str> = value.split(|c| delimiters.contains(c)).collect();
        if self.reverse {
            parts.reverse();
        }
        if let Some(keep) = self.digits {
            let keep = usize::try_from(keep).unwrap_or(usize::MAX);
            if keep < parts.len() {
                parts.drain(..parts.len() - keep);
            }
        }
        let joined = parts.join(".");
        if self.url_escape {
            url_escape(&joined)
        } else {
            joined
        }
    }
}

fn parse_expand(
    chars: &mut std::str::Chars<'_>,
    usage: MacroUse,
) -> Result<MacroExpand, MacroError> {
    let Some(first) = chars.next() else {
        return Err(MacroError::NoLetter);
    };
    let letter = first.to_ascii_lowercase();
    if !"slodiphcrtv".contains(letter) || !first.is_ascii_alphabetic() {
        return Err(MacroError::Letter(first));
    }
    if usage == MacroUse::Domain && "crt".contains(letter) {
        return Err(MacroError::ExplanationOnly(first));
    }
    let mut digits: Option<u32> = None;
    let mut reverse = false;
    let mut delimiters = String::new();
    loop {
        let Some(ch) = chars.next() else {
            return Err(MacroError::Unterminated(first));
        };
        match ch {
            '}' => break,
            '0'..='9' if !reverse && delimiters.is_empty() => {
                let value = digits.unwrap_or(0);
                let next = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(ch.to_digit(10).unwrap_or(0)))
                    .ok_or(MacroError::TooManyParts(first))?;
                digits = Some(next);
            }
            'r' | 'R' if !reverse && delimiters.is_empty() => reverse = true,
            c if DELIMITERS.contains(c) => delimiters.push(c),
            other => {
                return Err(MacroError::CharacterInMacro {
                    character: other,
                    letter: first,
                });
            }
        }
    }
    if digits == Some(0) {
        return Err(MacroError::ZeroParts(first));
    }
    Ok(MacroExpand {
        letter,
        url_escape: first.is_ascii_uppercase(),
        digits,
        reverse,
        delimiters,
    })
}

/// Percent-encodes everything but the URI unreserved characters (RFC 3986).
fn url_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl fmt::Display for MacroString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand_one(text: &str, value: &str) -> String {
        let parsed = MacroString::parse(text, MacroUse::Domain).expect("valid macro");
        match parsed.parts() {
            [MacroPart::Expand(m)] => m.apply(value),
            other => panic!("expected one expansion, got {other:?}"),
        }
    }

    #[test]
    fn transformers_follow_the_rfc_examples() {
        // RFC 7208 §7.4 with sender strong-bad@email.example.com.
        assert_eq!(expand_one("%{d}", "email.example.com"), "email.example.com");
        assert_eq!(
            expand_one("%{d4}", "email.example.com"),
            "email.example.com"
        );
        assert_eq!(
            expand_one("%{d3}", "email.example.com"),
            "email.example.com"
        );
        assert_eq!(expand_one("%{d2}", "email.example.com"), "example.com");
        assert_eq!(expand_one("%{d1}", "email.example.com"), "com");
        assert_eq!(
            expand_one("%{dr}", "email.example.com"),
            "com.example.email"
        );
        assert_eq!(expand_one("%{d2r}", "email.example.com"), "example.email");
        assert_eq!(expand_one("%{l-}", "strong-bad"), "strong.bad");
        assert_eq!(expand_one("%{lr-}", "strong-bad"), "bad.strong");
        assert_eq!(expand_one("%{l1r-}", "strong-bad"), "strong");
        assert_eq!(expand_one("%{S}", "a b@x"), "a%20b%40x");
    }

    #[test]
    fn escapes_and_d_expansion() {
        let m = MacroString::parse("_spf.%{d}", MacroUse::Domain).expect("valid");
        assert_eq!(m.expand("example.com").as_deref(), Some("_spf.example.com"));
        let m = MacroString::parse("%%%_%-x", MacroUse::Free).expect("valid");
        assert_eq!(m.expand("e.com").as_deref(), Some("% %20x"));
        let m = MacroString::parse("%{ir}.%{v}._spf.%{d2}", MacroUse::Domain).expect("valid");
        assert!(m.has_macros());
        assert_eq!(m.expand("e.com"), None);
    }

    #[test]
    fn bad_macros_are_rejected_with_a_reason() {
        let bad = [
            ("%{x}", "not a macro letter"),
            ("%{d", "unterminated"),
            ("%{d0}", "zero parts"),
            ("%{c}", "explanation text"),
            ("%a", "not a macro"),
            ("abc%", "lone `%`"),
            ("%{d2r2}", "not allowed"),
            ("%{d:}", "not allowed"),
            ("%{d99999999999}", "too many"),
            ("a\tb", "not allowed"),
        ];
        for (text, reason) in bad {
            let err = MacroString::parse(text, MacroUse::Domain)
                .expect_err(text)
                .to_string();
            assert!(err.contains(reason), "{text}: {err}");
        }
        assert!(MacroString::parse("%{c}", MacroUse::Free).is_ok());
        assert!(MacroString::parse("%{d2r+-}", MacroUse::Domain).is_ok());
    }
}
