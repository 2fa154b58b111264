//! The DNS questions the email checks ask.

use std::future::Future;
use std::net::IpAddr;

/// `NxDomain` and `NoData` are answers (they count as void lookups in SPF); `Failed` means
/// the question could not be answered at all. The shared resolver's own classification, so
/// the email family judges a failed lookup exactly as every other family does.
pub use crate::net::LookupFailure;

/// The lookups the email family needs. Implementations apply their own timeouts.
pub trait EmailDns: Send + Sync {
    /// TXT records at `name`, each record's character-strings joined into one string.
    fn txt(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupFailure>> + Send;
    /// A and AAAA addresses of `name` (following CNAMEs).
    fn addrs(&self, name: &str) -> impl Future<Output = Result<Vec<IpAddr>, LookupFailure>> + Send;
    /// MX records of `name` as (preference, exchange without trailing dot).
    fn mx(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<(u16, String)>, LookupFailure>> + Send;
    /// The CNAME target at exactly `name`, if `name` is an alias.
    fn cname(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<String>, LookupFailure>> + Send;
}
