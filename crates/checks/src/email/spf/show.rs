//! SPF terms written back as record text, in canonical form, for evidence and messages.

use super::macros::MacroString;
use super::parse::{DualCidr, Mechanism, Qualifier, Term};
use std::fmt;

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
