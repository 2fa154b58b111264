//! Automated checks: the catalog of kinds (pure).

pub mod catalog;
pub mod email;
