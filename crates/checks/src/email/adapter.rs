//! `EmailDns` over the shared resolver: the email evaluators ask their questions through
//! the same nameserver, deadlines and overrides as every other check.

use super::lookup::{EmailDns, LookupFailure};
use crate::net::Resolver;
use std::net::IpAddr;
use std::sync::Arc;

/// The real resolver seen through the email family's trait.
#[derive(Debug, Clone)]
pub struct ResolverDns(pub Arc<Resolver>);

impl EmailDns for ResolverDns {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        self.0.txt(name).await
    }

    async fn addrs(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        self.0.ips(name).await
    }

    async fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        self.0.mx(name).await
    }

    async fn cname(&self, name: &str) -> Result<Option<String>, LookupFailure> {
        self.0.cname(name).await
    }
}
