//! The lookup tree an SPF walk builds: one node per record visited, kept as evidence so the
//! operator sees where each DNS lookup comes from.

use super::parse::Qualifier;
use crate::email::outcome::clean_full;
use serde::Serialize;

/// How the walk reached a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Via {
    /// The checked domain's own record.
    Root,
    /// An `include:` mechanism.
    Include,
    /// A `redirect=` modifier.
    Redirect,
}

/// One record in the lookup tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    pub domain: String,
    pub via: Via,
    /// The record text (control characters escaped), when one was found.
    pub record: Option<String>,
    /// DNS-querying terms of this record alone.
    pub lookups: u32,
    /// This record's lookups plus those of everything it pulls in.
    pub subtree_lookups: u32,
    /// Names asked by this record's terms that answered with nothing.
    pub void_lookups: Vec<String>,
    /// The qualifier of the record's `all`, if it has one.
    pub all: Option<Qualifier>,
    /// The record's `redirect=` domain, if it has one.
    pub redirect: Option<String>,
    /// Counted terms that depend on the message (macros, `ptr`), so were not asked.
    pub unresolved: Vec<String>,
    /// Counted terms not asked because the walk's question budget was spent.
    pub skipped: Vec<String>,
    /// Why the walk did not (fully) read this record.
    pub problem: Option<String>,
    pub children: Vec<Node>,
}

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

impl Node {
    pub fn new(domain: &str, via: Via, record: Option<&str>) -> Node {
        Node {
            domain: domain.to_owned(),
            via,
            record: record.map(clean_full),
            lookups: 0,
            subtree_lookups: 0,
            void_lookups: Vec::new(),
            all: None,
            redirect: None,
            unresolved: Vec::new(),
            skipped: Vec::new(),
            problem: None,
            children: Vec::new(),
        }
    }

    /// The result this record gives a sender that no mechanism matched.
    pub fn ending(&self) -> Ending {
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
            .map_or(Ending::Unknown, Node::ending)
    }
}
