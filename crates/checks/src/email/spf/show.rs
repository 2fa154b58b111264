//! SPF terms written back as record text, in canonical form, for messages, and as the
//! evidence's terms (macro strings as written).

use super::macros::MacroString;
use super::parse::{DualCidr, Mechanism, Qualifier, Term};
use launch_ready_core::evidence::{SpfMechanism, SpfTerm};
use std::fmt;

impl From<&Term> for SpfTerm {
    fn from(term: &Term) -> SpfTerm {
        let raw = |m: &MacroString| m.raw().to_owned();
        match term {
            Term::Directive {
                qualifier,
                mechanism,
            } => SpfTerm::Directive {
                qualifier: *qualifier,
                mechanism: mechanism.into(),
            },
            Term::Redirect { domain } => SpfTerm::Redirect {
                domain: raw(domain),
            },
            Term::Exp { domain } => SpfTerm::Exp {
                domain: raw(domain),
            },
            Term::Unknown { name, value } => SpfTerm::Unknown {
                name: name.clone(),
                value: raw(value),
            },
        }
    }
}

impl From<&Mechanism> for SpfMechanism {
    fn from(mechanism: &Mechanism) -> SpfMechanism {
        let raw = |m: &MacroString| m.raw().to_owned();
        let opt = |m: &Option<MacroString>| m.as_ref().map(raw);
        match mechanism {
            Mechanism::All => SpfMechanism::All,
            Mechanism::Include { domain } => SpfMechanism::Include {
                domain: raw(domain),
            },
            Mechanism::A { domain, cidr } => SpfMechanism::A {
                domain: opt(domain),
                cidr: *cidr,
            },
            Mechanism::Mx { domain, cidr } => SpfMechanism::Mx {
                domain: opt(domain),
                cidr: *cidr,
            },
            Mechanism::Ptr { domain } => SpfMechanism::Ptr {
                domain: opt(domain),
            },
            Mechanism::Ip4 { addr, prefix } => SpfMechanism::Ip4 {
                addr: *addr,
                prefix: *prefix,
            },
            Mechanism::Ip6 { addr, prefix } => SpfMechanism::Ip6 {
                addr: *addr,
                prefix: *prefix,
            },
            Mechanism::Exists { domain } => SpfMechanism::Exists {
                domain: raw(domain),
            },
        }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Directive {
                qualifier,
                mechanism,
            } => {
                if *qualifier != Qualifier::Pass {
                    write!(f, "{}", qualifier.symbol())?;
                }
                write!(f, "{mechanism}")
            }
            Term::Redirect { domain } => write!(f, "redirect={domain}"),
            Term::Exp { domain } => write!(f, "exp={domain}"),
            Term::Unknown { name, value } => write!(f, "{name}={value}"),
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = |f: &mut fmt::Formatter<'_>, d: &Option<MacroString>| match d {
            Some(d) => write!(f, ":{d}"),
            None => Ok(()),
        };
        let cidr = |f: &mut fmt::Formatter<'_>, c: &DualCidr| {
            if let Some(v4) = c.v4 {
                write!(f, "/{v4}")?;
            }
            if let Some(v6) = c.v6 {
                write!(f, "//{v6}")?;
            }
            Ok(())
        };
        let prefix = |f: &mut fmt::Formatter<'_>, p: &Option<u8>| match p {
            Some(p) => write!(f, "/{p}"),
            None => Ok(()),
        };
        match self {
            Mechanism::All => f.write_str("all"),
            Mechanism::Include { domain } => write!(f, "include:{domain}"),
            Mechanism::Exists { domain } => write!(f, "exists:{domain}"),
            Mechanism::Ptr { domain: d } => {
                f.write_str("ptr")?;
                domain(f, d)
            }
            Mechanism::A { domain: d, cidr: c } => {
                f.write_str("a")?;
                domain(f, d)?;
                cidr(f, c)
            }
            Mechanism::Mx { domain: d, cidr: c } => {
                f.write_str("mx")?;
                domain(f, d)?;
                cidr(f, c)
            }
            Mechanism::Ip4 { addr, prefix: p } => {
                write!(f, "ip4:{addr}")?;
                prefix(f, p)
            }
            Mechanism::Ip6 { addr, prefix: p } => {
                write!(f, "ip6:{addr}")?;
                prefix(f, p)
            }
        }
    }
}
