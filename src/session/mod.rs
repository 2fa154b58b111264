//! Sessions: the data model (`model`) and its persistence (`store`).

pub mod model;
pub mod store;

pub use model::{CheckState, Session};
