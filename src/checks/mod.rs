//! Automated checks: the catalog of kinds (pure).

pub mod advice;
pub mod catalog;
pub mod cloudflare;
pub mod dns;
pub mod edge;
pub mod email;
pub mod env;
pub mod env_inventory;
pub mod http;
pub mod judged;
pub mod outcome;
pub mod perf;
pub mod secret_rules;
pub mod secret_validate;
pub mod secrets;
pub mod tls;
