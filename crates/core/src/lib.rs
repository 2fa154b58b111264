//! The core of launch-ready: what every other layer speaks. Findings and outcomes with
//! their evidence, the table of check kinds with their codes and advice, the secret rules,
//! runbooks, sessions and their migrations, the verdict, sanitising, paths, network
//! settings and the credential-store trait. Nothing here does terminal or network IO, so
//! it is tested directly; checks, the lab and the binary build on it.

pub mod advice;
pub mod catalog;
pub mod clean;
pub mod code;
pub mod credentials;
pub mod evidence;
pub mod family;
pub mod files;
pub mod finding;
pub mod flow;
pub mod outcome;
pub mod paths;
pub mod plan;
pub mod runbook;
pub mod sanitize;
pub mod secret_rules;
pub mod secret_validate;
pub mod session;
pub mod settings;
pub mod severity;
pub mod verdict;
