//! Runbooks: the schema (`model`), parsing and validation (`load`), which check reads each
//! number (`readers`) and the catalogue of runbooks available to this process (`library`):
//! bundled ones, user ones, and files.

pub mod library;
pub mod load;
pub mod model;
pub mod readers;

pub use load::{Loaded, Origin, RunbookError};
pub use model::{Check, Run, Runbook, Stage};
