//! The email family: MX, SPF (RFC 7208), DMARC (RFC 7489) and DKIM key records (RFC 6376).
//! Parsers and evaluators ask DNS through the `EmailDns` trait, so they are independent of
//! the resolver: the engine passes the real one, and property tests pass a table.

pub mod lookup;

pub use adapter::ResolverDns;
pub use lookup::{EmailDns, LookupError};
pub mod adapter;
