//! Automated checks: the catalog of kinds (pure).

pub mod catalog;
pub mod edge;
pub mod email;
pub mod http;
pub mod judged;
pub mod secret_rules;
pub mod tls;
