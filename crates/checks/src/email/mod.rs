//! The email family: MX, SPF (RFC 7208), DMARC (RFC 7489) and DKIM key records (RFC 6376).
//! Parsers and evaluators ask DNS through the `EmailDns` trait, so they are independent of
//! the resolver: the engine passes the real one, and property tests pass a table.

pub mod dkim;
pub mod dmarc;
pub mod lookup;
pub mod mx;
pub mod outcome;
pub mod spf;

#[cfg(test)]
pub(crate) mod table_dns;

pub use adapter::ResolverDns;
pub use lookup::{EmailDns, LookupFailure};
pub mod adapter;
