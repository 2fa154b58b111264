//! placeholder
pub mod sanitize;
