//! The DNS questions the email checks ask.

use std::future::Future;
use std::net::IpAddr;

/// Why a lookup gave no answer. `NxDomain` and `NoData` are answers (they count as void
/// lookups in SPF); `Failed` means the question could not be answered at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error("no such domain")]
    NxDomain,
    #[error("no records of that type")]
    NoData,
    /// Timeout, SERVFAIL, refused, malformed answer…
    #[error("{0}")]
    Failed(String),
}

/// The lookups the email family needs. Implementations apply their own timeouts.
pub trait EmailDns: Send + Sync {
    /// TXT records at `name`, each record's character-strings joined into one string.
    fn txt(&self, name: &str) -> impl Future<Output = Result<Vec<String>, LookupError>> + Send;
    /// A and AAAA addresses of `name` (following CNAMEs).
    fn addrs(&self, name: &str) -> impl Future<Output = Result<Vec<IpAddr>, LookupError>> + Send;
    /// MX records of `name` as (preference, exchange without trailing dot).
    fn mx(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Vec<(u16, String)>, LookupError>> + Send;
    /// The CNAME target at exactly `name`, if `name` is an alias.
    fn cname(&self, name: &str)
    -> impl Future<Output = Result<Option<String>, LookupError>> + Send;
}
