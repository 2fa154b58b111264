//! SPF record syntax (RFC 7208 §4.5, §5, §6): the record is split into terms, each term
//! parsed into a typed directive or modifier.
//!
//! A bad term does not stop the parse: every term is looked at and every bad one reported,
//! so the operator fixes the record in one pass. The record as a whole is still unusable
//! (a receiver returns permerror) as soon as `errors` is non-empty.

use super::error::TermError;
use super::macros::{MacroString, MacroUse};
use std::net::{Ipv4Addr, Ipv6Addr};

/// The version tag every SPF record starts with.
pub const VERSION: &str = "v=spf1";

/// What a mechanism yields when it matches; prefix lengths of `a` and `mx` (`/24//64`).
/// Both are written as they are parsed, so they are the evidence's own types.
pub use launch_ready_core::evidence::{SpfCidr as DualCidr, SpfQualifier as Qualifier};

/// A mechanism with its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    All,
    Include {
        domain: MacroString,
    },
    A {
        domain: Option<MacroString>,
        cidr: DualCidr,
    },
    Mx {
        domain: Option<MacroString>,
        cidr: DualCidr,
    },
    Ptr {
        domain: Option<MacroString>,
    },
    Ip4 {
        addr: Ipv4Addr,
        prefix: Option<u8>,
    },
    Ip6 {
        addr: Ipv6Addr,
        prefix: Option<u8>,
    },
    Exists {
        domain: MacroString,
    },
}

impl Mechanism {
    /// True for the mechanisms that cost a DNS lookup (RFC 7208 §4.6.4).
    pub fn queries_dns(&self) -> bool {
        matches!(
            self,
            Mechanism::Include { .. }
                | Mechanism::A { .. }
                | Mechanism::Mx { .. }
                | Mechanism::Ptr { .. }
                | Mechanism::Exists { .. }
        )
    }
}

/// One term of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// A qualified mechanism.
    Directive {
        qualifier: Qualifier,
        mechanism: Mechanism,
    },
    /// `redirect=domain`
    Redirect { domain: MacroString },
    /// `exp=domain`
    Exp { domain: MacroString },
    /// Any other `name=value`, ignored by receivers as RFC 7208 §6 asks.
    Unknown { name: String, value: MacroString },
}

/// A term that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// The term as written (may hold remote control characters: quote it with `clean`).
    pub term: String,
    pub reason: String,
}

/// A record split into the terms that parse and the ones that do not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedRecord {
    pub terms: Vec<Term>,
    pub errors: Vec<SyntaxError>,
}

impl ParsedRecord {
    /// The qualifier of the `all` mechanism, if the record has one.
    pub fn all(&self) -> Option<Qualifier> {
        self.terms.iter().find_map(|t| match t {
            Term::Directive {
                qualifier,
                mechanism: Mechanism::All,
            } => Some(*qualifier),
            _ => None,
        })
    }

    pub fn redirect(&self) -> Option<&MacroString> {
        self.terms.iter().find_map(|t| match t {
            Term::Redirect { domain } => Some(domain),
            _ => None,
        })
    }
}

/// True when a TXT record claims to be SPF. Near misses such as `v=spf1-all` are claimed
/// too, so that they are reported as syntax errors rather than as a missing record.
pub fn is_spf_record(txt: &str) -> bool {
    txt.get(..VERSION.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(VERSION))
}

/// Parses a whole record (`v=spf1 …`).
pub fn parse_record(txt: &str) -> ParsedRecord {
    let mut parsed = ParsedRecord::default();
    let rest = match txt.get(..VERSION.len()) {
        Some(head) if head.eq_ignore_ascii_case(VERSION) => &txt[VERSION.len()..],
        _ => {
            let first = txt.split(' ').next().unwrap_or_default();
            parsed.errors.push(SyntaxError {
                term: first.to_owned(),
                reason: "the record must start with `v=spf1`".into(),
            });
            return parsed;
        }
    };
    if !rest.is_empty() && !rest.starts_with(' ') {
        let first = txt.split(' ').next().unwrap_or_default();
        parsed.errors.push(SyntaxError {
            term: first.to_owned(),
            reason: "`v=spf1` must be followed by a space".into(),
        });
        return parsed;
    }
    let (mut seen_redirect, mut seen_exp) = (false, false);
    for token in rest.split(' ').filter(|t| !t.is_empty()) {
        match parse_term(token) {
            Ok(term) => {
                let repeated = match &term {
                    Term::Redirect { .. } => std::mem::replace(&mut seen_redirect, true),
                    Term::Exp { .. } => std::mem::replace(&mut seen_exp, true),
                    _ => false,
                };
                if repeated {
                    parsed.errors.push(SyntaxError {
                        term: token.to_owned(),
                        reason: "this modifier may appear only once".into(),
                    });
                } else {
                    parsed.terms.push(term);
                }
            }
            Err(reason) => parsed.errors.push(SyntaxError {
                term: token.to_owned(),
                reason: reason.to_string(),
            }),
        }
    }
    parsed
}

/// Parses one space-free term.
pub fn parse_term(token: &str) -> Result<Term, TermError> {
    if let Some((name, value)) = token.split_once('=')
        && is_modifier_name(name)
    {
        return match name.to_ascii_lowercase().as_str() {
            "redirect" => Ok(Term::Redirect {
                domain: domain_spec(value)?,
            }),
            "exp" => Ok(Term::Exp {
                domain: domain_spec(value)?,
            }),
            _ => Ok(Term::Unknown {
                name: name.to_owned(),
                value: MacroString::parse(value, MacroUse::Free)?,
            }),
        };
    }
    let (qualifier, body) = match token.chars().next() {
        Some('+') => (Qualifier::Pass, &token[1..]),
        Some('-') => (Qualifier::Fail, &token[1..]),
        Some('~') => (Qualifier::SoftFail, &token[1..]),
        Some('?') => (Qualifier::Neutral, &token[1..]),
        _ => (Qualifier::Pass, token),
    };
    let split = body.find([':', '/']).unwrap_or(body.len());
    let (name, args) = body.split_at(split);
    let mechanism = match name.to_ascii_lowercase().as_str() {
        "all" => no_args(args, Mechanism::All, "all")?,
        "include" => Mechanism::Include {
            domain: required_domain(args, "include")?,
        },
        "exists" => Mechanism::Exists {
            domain: required_domain(args, "exists")?,
        },
        "ptr" => Mechanism::Ptr {
            domain: optional_domain(args, "ptr")?,
        },
        "a" => {
            let (domain, cidr) = domain_and_cidr(args, "a")?;
            Mechanism::A { domain, cidr }
        }
        "mx" => {
            let (domain, cidr) = domain_and_cidr(args, "mx")?;
            Mechanism::Mx { domain, cidr }
        }
        "ip4" => ip4(args)?,
        "ip6" => ip6(args)?,
        "" => return Err(TermError::NoMechanism),
        _ => return Err(TermError::UnknownMechanism(name.to_string())),
    };
    Ok(Term::Directive {
        qualifier,
        mechanism,
    })
}

/// `name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )`
fn is_modifier_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn no_args(args: &str, mechanism: Mechanism, name: &'static str) -> Result<Mechanism, TermError> {
    if args.is_empty() {
        Ok(mechanism)
    } else {
        Err(TermError::NoArgument(name))
    }
}

fn required_domain(args: &str, name: &'static str) -> Result<MacroString, TermError> {
    match args.strip_prefix(':') {
        Some(spec) if !spec.is_empty() => domain_spec(spec),
        _ => Err(TermError::NeedsDomain(name)),
    }
}

fn optional_domain(args: &str, name: &'static str) -> Result<Option<MacroString>, TermError> {
    if args.is_empty() {
        return Ok(None);
    }
    required_domain(args, name).map(Some)
}

fn domain_and_cidr(
    args: &str,
    name: &'static str,
) -> Result<(Option<MacroString>, DualCidr), TermError> {
    let mut rest = args;
    let mut cidr = DualCidr::default();
    if let Some((head, digits)) = strip_prefix_length(rest, "//") {
        cidr.v6 = Some(prefix_length(digits, 128, "IPv6")?);
        rest = head;
    }
    if let Some((head, digits)) = strip_prefix_length(rest, "/") {
        cidr.v4 = Some(prefix_length(digits, 32, "IPv4")?);
        rest = head;
    }
    Ok((optional_domain(rest, name)?, cidr))
}

/// Splits `…<sep><digits>` at the end of `text` into the head and the digits.
fn strip_prefix_length<'t>(text: &'t str, sep: &str) -> Option<(&'t str, &'t str)> {
    let head_len = text.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let head = text[..head_len].strip_suffix(sep)?;
    if head_len == text.len() || (sep == "/" && head.ends_with('/')) {
        return None;
    }
    Some((head, &text[head_len..]))
}

fn prefix_length(digits: &str, max: u8, family: &'static str) -> Result<u8, TermError> {
    let value: Option<u8> = if digits.len() > 1 && digits.starts_with('0') {
        None
    } else {
        digits.parse().ok()
    };
    value
        .filter(|v| *v <= max)
        .ok_or_else(|| TermError::PrefixLength {
            digits: digits.to_string(),
            family,
            max,
        })
}

fn ip4(args: &str) -> Result<Mechanism, TermError> {
    let Some(spec) = args.strip_prefix(':') else {
        return Err(TermError::Ip4NeedsAddress);
    };
    let (addr, prefix) = match spec.split_once('/') {
        Some((addr, len)) => (addr, Some(prefix_length(len, 32, "IPv4")?)),
        None => (spec, None),
    };
    let addr = addr
        .parse::<Ipv4Addr>()
        .map_err(|_| TermError::NotIpv4(addr.to_string()))?;
    Ok(Mechanism::Ip4 { addr, prefix })
}

fn ip6(args: &str) -> Result<Mechanism, TermError> {
    let Some(spec) = args.strip_prefix(':') else {
        return Err(TermError::Ip6NeedsAddress);
    };
    let (addr, prefix) = match spec.rsplit_once('/') {
        Some((addr, len)) => (addr, Some(prefix_length(len, 128, "IPv6")?)),
        None => (spec, None),
    };
    let addr = addr
        .parse::<Ipv6Addr>()
        .map_err(|_| TermError::NotIpv6(addr.to_string()))?;
    Ok(Mechanism::Ip6 { addr, prefix })
}

/// A domain-spec: a macro string that ends in a top-level label or a macro.
fn domain_spec(text: &str) -> Result<MacroString, TermError> {
    let spec = MacroString::parse(text, MacroUse::Domain)?;
    if text.is_empty() {
        return Err(TermError::EmptyDomain);
    }
    if let Some(super::macros::MacroPart::Literal(tail)) = spec.parts().last() {
        let tail = tail.strip_suffix('.').unwrap_or(tail);
        let Some((head, top)) = tail.rsplit_once('.') else {
            return Err(TermError::NotDomain(text.to_string()));
        };
        if !is_top_label(top) {
            return Err(TermError::TopLabel(text.to_string()));
        }
        if !spec.has_macros() && (head.is_empty() || head.split('.').any(str::is_empty)) {
            return Err(TermError::EmptyLabel(text.to_string()));
        }
    }
    Ok(spec)
}

/// RFC 7208 `toplabel`: letters, digits and inner hyphens, not all digits.
fn is_top_label(label: &str) -> bool {
    !label.is_empty()
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && label.chars().any(|c| c.is_ascii_alphabetic() || c == '-')
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
