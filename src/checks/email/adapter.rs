//! `EmailDns` over the shared resolver: the email evaluators ask their questions through
//! the same nameserver, deadlines and overrides as every other check.

use super::lookup::{EmailDns, LookupError};
use crate::net::{LookupFailure, Resolver};
use std::net::IpAddr;
use std::sync::Arc;

/// The real resolver seen through the email family's trait.
#[derive(Debug, Clone)]
pub struct ResolverDns(pub Arc<Resolver>);

fn convert(e: LookupFailure) -> LookupError {
    match e {
        LookupFailure::NxDomain => LookupError::NxDomain,
        LookupFailure::NoData => LookupError::NoData,
        LookupFailure::Failed(m) => LookupError::Failed(m),
    }
}

impl EmailDns for ResolverDns {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupError> {
        self.0.txt(name).await.map_err(convert)
    }

    async fn addrs(&self, name: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.0.ips(name).await.map_err(convert)
    }

    async fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, LookupError> {
        self.0.mx(name).await.map_err(convert)
    }

    async fn cname(&self, name: &str) -> Result<Option<String>, LookupError> {
        self.0.cname(name).await.map_err(convert)
    }
}
