//! Automated checks: the catalog of kinds (pure).

pub mod catalog;
pub mod dns;
pub mod email;
pub mod outcome;
