//! Following a host's CNAME chain one hop at a time. The resolver would follow it for us,
//! but then a loop, an absurdly long chain and a dangling target all look like the same
//! failure; walking it here names each of them and bounds the work.

use crate::net::{LookupFailure, Resolver};

/// Hops followed before a chain counts as absurd.
pub const MAX_HOPS: usize = 8;

/// How a CNAME chain ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainEnd {
    /// The last name is not an alias; look its addresses up.
    Name(String),
    /// The last name does not exist. With at least one hop this is a dangling CNAME.
    Missing(String),
    /// A name came back around.
    Loop(String),
    /// More than `MAX_HOPS` aliases.
    TooLong,
    /// A lookup on the way failed (timeout, SERVFAIL…).
    Failed(String),
}

/// The names visited, starting with the host itself, and how the walk ended.
#[derive(Debug, Clone)]
pub struct Chain {
    pub names: Vec<String>,
    pub end: ChainEnd,
}

impl Chain {
    /// The aliases followed (every name after the host).
    pub fn hops(&self) -> &[String] {
        self.names.get(1..).unwrap_or_default()
    }

    /// `a → b → c` for messages.
    pub fn display(&self) -> String {
        self.names.join(" → ")
    }
}

pub async fn walk(resolver: &Resolver, host: &str) -> Chain {
    let mut names = vec![host.to_string()];
    loop {
        let current = names.last().cloned().unwrap_or_default();
        match resolver.cname(&current).await {
            Ok(None) => {
                return Chain {
                    names,
                    end: ChainEnd::Name(current),
                };
            }
            Ok(Some(next)) => {
                if names.contains(&next) {
                    names.push(next.clone());
                    return Chain {
                        names,
                        end: ChainEnd::Loop(next),
                    };
                }
                names.push(next);
                if names.len() > MAX_HOPS + 1 {
                    return Chain {
                        names,
                        end: ChainEnd::TooLong,
                    };
                }
            }
            Err(LookupFailure::NxDomain) => {
                return Chain {
                    names,
                    end: ChainEnd::Missing(current),
                };
            }
            Err(LookupFailure::NoData) => {
                return Chain {
                    names,
                    end: ChainEnd::Name(current),
                };
            }
            Err(LookupFailure::Failed(e)) => {
                return Chain {
                    names,
                    end: ChainEnd::Failed(format!("{current}: {e}")),
                };
            }
        }
    }
}
