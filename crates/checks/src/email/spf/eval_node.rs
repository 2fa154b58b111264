//! The lookup tree an SPF walk builds: one node per record visited, kept as evidence so the
//! operator sees where each DNS lookup comes from. The nodes are the evidence's own type;
//! what the walk needs of them is here.

use super::parse::Qualifier;
use crate::email::outcome::clean_full;
pub use launch_ready_core::evidence::{SpfNode as Node, SpfVia as Via};

/// How a record ends for a sender no mechanism matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// An explicit `all` with this qualifier (possibly reached through `redirect`).
    All(Qualifier),
    /// No `all` and no `redirect`: the default result is neutral.
    Open,
    /// Not known: the record or its redirect target could not be read.
    Unknown,
}

impl Ending {
    /// True when every sender gets a pass.
    pub fn is_pass(self) -> bool {
        self == Ending::All(Qualifier::Pass)
    }
}

/// Building and reading a tree node during the walk.
pub trait NodeExt {
    /// A node for the record of `domain` reached `via`, with its text when one was found.
    fn new(domain: &str, via: Via, record: Option<&str>) -> Self;
    /// The result this record gives a sender that no mechanism matched.
    fn ending(&self) -> Ending;
}

impl NodeExt for Node {
    fn new(domain: &str, via: Via, record: Option<&str>) -> Node {
        Node {
            domain: domain.to_owned(),
            via,
            record: record.map(clean_full),
            ..Node::default()
        }
    }

    fn ending(&self) -> Ending {
        if self.problem.is_some() {
            return Ending::Unknown;
        }
        if let Some(qualifier) = self.all {
            return Ending::All(qualifier);
        }
        if self.redirect.is_none() {
            return Ending::Open;
        }
        self.children
            .iter()
            .find(|c| c.via == Via::Redirect)
            .map_or(Ending::Unknown, NodeExt::ending)
    }
}
