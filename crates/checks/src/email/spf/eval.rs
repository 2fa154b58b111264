//! Walking an SPF record the way a receiver would, without a message: every DNS-querying
//! term is counted (RFC 7208 §4.6.4), `include` and `redirect` are followed recursively, and
//! the names that answer with nothing are counted as void lookups.
//!
//! A receiver stops at the first matching mechanism, so the count depends on the sender's
//! address; the walk counts every term, which is the worst case a legitimate sender can
//! meet. Terms whose domain needs the message (`%{i}`, `%{s}`, …) are counted but not asked.
//! The walk asks at most `QUERY_BUDGET` questions, so a hostile include tree cannot make it
//! run for long, and it stops at any domain already on the current include path (a loop).

use super::eval_node::{Node, NodeExt, Via};
use super::parse::{self, Mechanism, Term};
use crate::email::lookup::{EmailDns, LookupFailure};
use crate::email::outcome::clean;
use launch_ready_core::code::Code;
use launch_ready_core::finding::Finding;
use std::future::Future;
use std::pin::Pin;

/// Most DNS-querying terms a receiver evaluates before returning permerror.
pub const LOOKUP_LIMIT: u32 = 10;
/// Most void lookups a receiver tolerates.
pub const VOID_LIMIT: usize = 2;
/// Most MX names an `mx` mechanism may bring.
pub const MX_NAME_LIMIT: usize = 10;
/// Most DNS questions one walk asks.
pub const QUERY_BUDGET: u32 = 50;

/// The result of a walk from one domain's record.
#[derive(Debug)]
pub struct Walk {
    pub root: Node,
    /// DNS-querying terms over the whole tree.
    pub lookups: u32,
    /// Names that answered NXDOMAIN or with no records, in the order met.
    pub voids: Vec<String>,
    pub findings: Vec<Finding>,
    /// Questions that could not be answered (timeouts, SERVFAIL…).
    pub failures: Vec<String>,
}

type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

struct Walker<'d, D> {
    dns: &'d D,
    lookups: u32,
    queries: u32,
    voids: Vec<String>,
    findings: Vec<Finding>,
    failures: Vec<String>,
}

/// Walks `record`, the SPF record published at `domain`.
pub async fn walk<D: EmailDns>(dns: &D, domain: &str, record: &str) -> Walk {
    let mut walker = Walker {
        dns,
        lookups: 0,
        queries: 0,
        voids: Vec::new(),
        findings: Vec::new(),
        failures: Vec::new(),
    };
    let domain = normalize(domain);
    let root = walker
        .visit(domain.clone(), Via::Root, record.to_owned(), vec![domain])
        .await;
    Walk {
        root,
        lookups: walker.lookups,
        voids: walker.voids,
        findings: walker.findings,
        failures: walker.failures,
    }
}

/// Lower case without the trailing dot, so that names compare equal.
fn normalize(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// How a record is named in messages: plain for the checked domain, with its path otherwise.
fn place(domain: &str, via: Via) -> String {
    match via {
        Via::Root => String::new(),
        Via::Include => format!(" in the record of `{}` (included)", clean(domain)),
        Via::Redirect => format!(" in the record of `{}` (redirect)", clean(domain)),
    }
}

impl<'d, D: EmailDns> Walker<'d, D> {
    fn finding(&mut self, code: Code, message: String) {
        self.findings.push(Finding::new(code, message));
    }

    /// Asks a question unless the budget is spent; `None` when it is.
    async fn ask<T, F>(&mut self, ask: F) -> Option<Result<T, LookupFailure>>
    where
        F: Future<Output = Result<T, LookupFailure>> + Send,
    {
        if self.queries >= QUERY_BUDGET {
            return None;
        }
        self.queries += 1;
        Some(ask.await)
    }

    fn visit<'a>(
        &'a mut self,
        domain: String,
        via: Via,
        record: String,
        path: Vec<String>,
    ) -> Boxed<'a, Node>
    where
        'd: 'a,
    {
        Box::pin(async move {
            let parsed = parse::parse_record(&record);
            let mut node = Node::new(&domain, via, Some(&record));
            for error in &parsed.errors {
                let message = format!(
                    "SPF term `{}`{} does not parse: {}",
                    clean(&error.term),
                    place(&domain, via),
                    clean(&error.reason)
                );
                self.finding(Code::EmailSpfSyntax, message);
            }
            if !parsed.errors.is_empty() {
                node.problem =
                    Some("the record does not parse (receivers return permerror)".into());
                return node;
            }
            node.all = parsed.all();
            node.redirect = parsed.redirect().map(|r| r.raw().to_owned());
            for term in &parsed.terms {
                if let Term::Directive { mechanism, .. } = term {
                    self.directive(&mut node, mechanism, &path).await;
                }
            }
            // A redirect is only used when the record has no `all` (RFC 7208 §6.1).
            if let (None, Some(target)) = (node.all, parsed.redirect()) {
                self.count(&mut node);
                match target.expand(&domain) {
                    Some(target) => {
                        let child = self.follow(target, Via::Redirect, &path).await;
                        node.children.push(child);
                    }
                    None => node.unresolved.push(format!("redirect={}", target.raw())),
                }
            }
            node.subtree_lookups =
                node.lookups + node.children.iter().map(|c| c.subtree_lookups).sum::<u32>();
            node
        })
    }

    fn count(&mut self, node: &mut Node) {
        self.lookups += 1;
        node.lookups += 1;
    }

    async fn directive(&mut self, node: &mut Node, mechanism: &Mechanism, path: &[String]) {
        if !mechanism.queries_dns() {
            return;
        }
        self.count(node);
        let domain = node.domain.clone();
        let spec = match mechanism {
            Mechanism::Include { domain } | Mechanism::Exists { domain } => Some(domain),
            Mechanism::A { domain, .. } | Mechanism::Mx { domain, .. } => domain.as_ref(),
            Mechanism::Ptr { .. } => {
                node.unresolved.push(mechanism.to_string());
                return;
            }
            _ => None,
        };
        let target = match spec {
            Some(spec) => match spec.expand(&domain) {
                Some(target) => target,
                None => {
                    node.unresolved.push(mechanism.to_string());
                    return;
                }
            },
            None => domain.clone(),
        };
        match mechanism {
            Mechanism::Include { .. } => {
                let child = self.follow(target, Via::Include, path).await;
                if child.ending().is_pass() {
                    let message = format!(
                        "`include:{}`{} ends in `+all`, so it lets every server on the internet pass",
                        clean(&child.domain),
                        place(&domain, node.via)
                    );
                    self.finding(Code::EmailSpfPermissiveAll, message);
                }
                node.children.push(child);
            }
            Mechanism::Mx { .. } => self.mx(node, &target).await,
            _ => self.addresses(node, &target).await,
        }
    }

    async fn addresses(&mut self, node: &mut Node, target: &str) {
        let dns = self.dns;
        match self.ask(dns.addrs(target)).await {
            Some(Ok(addrs)) if !addrs.is_empty() => {}
            Some(Ok(_) | Err(LookupFailure::NxDomain | LookupFailure::NoData)) => {
                self.void(node, target);
            }
            Some(Err(LookupFailure::Failed(e))) => {
                self.failures.push(format!("A/AAAA {target}: {e}"))
            }
            None => node.skipped.push(target.to_owned()),
        }
    }

    async fn mx(&mut self, node: &mut Node, target: &str) {
        let dns = self.dns;
        match self.ask(dns.mx(target)).await {
            Some(Ok(names)) if names.len() > MX_NAME_LIMIT => {
                let message = format!(
                    "`mx:{}`{} brings {} MX names; receivers look up at most {MX_NAME_LIMIT} and then return permerror",
                    clean(target),
                    place(&node.domain, node.via),
                    names.len()
                );
                self.finding(Code::EmailSpfTooManyLookups, message);
            }
            Some(Ok(names)) if !names.is_empty() => {}
            Some(Ok(_) | Err(LookupFailure::NxDomain | LookupFailure::NoData)) => {
                self.void(node, target);
            }
            Some(Err(LookupFailure::Failed(e))) => self.failures.push(format!("MX {target}: {e}")),
            None => node.skipped.push(target.to_owned()),
        }
    }

    fn void(&mut self, node: &mut Node, target: &str) {
        node.void_lookups.push(target.to_owned());
        self.voids.push(target.to_owned());
    }

    /// Fetches and visits the record that an `include` or `redirect` points at.
    fn follow<'a>(&'a mut self, target: String, via: Via, path: &'a [String]) -> Boxed<'a, Node>
    where
        'd: 'a,
    {
        Box::pin(async move {
            let target = normalize(&target);
            let mut node = Node::new(&target, via, None);
            let term = match via {
                Via::Redirect => format!("redirect={}", clean(&target)),
                _ => format!("include:{}", clean(&target)),
            };
            if path.contains(&target) {
                let chain: Vec<String> = path.iter().chain([&target]).map(|d| clean(d)).collect();
                let message = format!(
                    "SPF loop: `{term}` comes back to a domain already being evaluated ({}); receivers run out of lookups and return permerror",
                    chain.join(" → ")
                );
                self.finding(Code::EmailSpfTooManyLookups, message);
                node.problem = Some("loop: this domain is already being evaluated".into());
                return node;
            }
            let dns = self.dns;
            let records = match self.ask(dns.txt(&target)).await {
                Some(Ok(txts)) => txts,
                Some(Err(LookupFailure::NxDomain | LookupFailure::NoData)) => {
                    self.void(&mut node, &target);
                    Vec::new()
                }
                Some(Err(LookupFailure::Failed(e))) => {
                    self.failures.push(format!("TXT {target}: {e}"));
                    node.problem = Some(format!("lookup failed: {}", clean(&e)));
                    return node;
                }
                None => {
                    node.problem = Some(format!(
                        "not followed: the walk stops after {QUERY_BUDGET} DNS questions"
                    ));
                    return node;
                }
            };
            let mut spf: Vec<String> = records
                .into_iter()
                .filter(|r| parse::is_spf_record(r))
                .collect();
            match spf.len() {
                0 => {
                    let message = format!(
                        "`{term}` points at a domain with no SPF record; receivers return permerror"
                    );
                    self.finding(Code::EmailSpfMissing, message);
                    node.problem = Some("no SPF record".into());
                    node
                }
                1 => {
                    let record = spf.remove(0);
                    let mut path = path.to_vec();
                    path.push(target.clone());
                    self.visit(target, via, record, path).await
                }
                n => {
                    let message = format!(
                        "`{term}` points at a domain with {n} SPF records; receivers return permerror"
                    );
                    self.finding(Code::EmailSpfMultiple, message);
                    node.problem = Some(format!("{n} SPF records"));
                    node
                }
            }
        })
    }
}
