//! The key × environment inventory of a session's env files, as the handover pack lists
//! it: for every variable name, whether the reference list names it and, per deployment
//! environment, whether it is set, empty or missing. Names only: values are read to tell
//! set from empty and dropped at once.

use super::env::{MAX_ENV_BYTES, is_reference, parse};
use launch_ready_core::session::model::EnvFile;
use serde::Serialize;
use std::collections::BTreeMap;

/// A variable's state in one environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Set,
    Empty,
    Missing,
}

/// One variable name across the environments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub name: String,
    /// Whether the reference list (`.env.example` or the configured one) names it.
    pub in_reference: bool,
    /// Environment → presence, for every environment of `Inventory::environments`.
    pub presence: BTreeMap<String, Presence>,
}

/// The inventory: deployment environments in session order, rows sorted by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inventory {
    /// The reference file's environment name, when the session has one.
    pub reference: Option<String>,
    pub environments: Vec<String>,
    pub rows: Vec<KeyRow>,
    /// Environments whose file could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
}

/// Reads the env files and builds the inventory. The first reference file (environment
/// `example`, `reference`, …) is the reference list; an unreadable file is listed in
/// `unreadable`, never guessed at.
pub fn read_inventory(files: &[EnvFile]) -> Inventory {
    let mut inv = Inventory::default();
    let mut reference: Vec<String> = Vec::new();
    let mut per_env: Vec<(String, BTreeMap<String, bool>)> = Vec::new();
    for f in files {
        let names = match read_names(f) {
            Ok(n) => n,
            Err(e) => {
                inv.unreadable.push((f.environment.clone(), e.to_string()));
                continue;
            }
        };
        if is_reference(&f.environment) {
            if inv.reference.is_none() {
                inv.reference = Some(f.environment.clone());
                reference = names.into_keys().collect();
            }
        } else {
            inv.environments.push(f.environment.clone());
            per_env.push((f.environment.clone(), names));
        }
    }
    let mut all: Vec<String> = reference.clone();
    all.extend(per_env.iter().flat_map(|(_, n)| n.keys().cloned()));
    all.sort();
    all.dedup();
    inv.rows = all
        .into_iter()
        .map(|name| KeyRow {
            in_reference: reference.contains(&name),
            presence: per_env
                .iter()
                .map(|(env, names)| {
                    let p = match names.get(&name) {
                        Some(true) => Presence::Set,
                        Some(false) => Presence::Empty,
                        None => Presence::Missing,
                    };
                    (env.clone(), p)
                })
                .collect(),
            name,
        })
        .collect();
    inv
}

/// Name → whether its value is non-empty.
/// One env file's variable names, each with whether it has a value; values are dropped on
/// read. A missing, unreadable or oversized file is an error naming it.
pub fn read_names(
    f: &EnvFile,
) -> Result<BTreeMap<String, bool>, launch_ready_core::files::FileError> {
    // The guarded reader: an env file may be a FIFO or a link to a device.
    let text = launch_ready_core::files::read_text(&f.path, MAX_ENV_BYTES)?;
    Ok(parse(&text)
        .into_iter()
        .map(|(k, v)| (k, !v.is_empty()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_environment_without_values() {
        let dir = tempfile::tempdir().unwrap();
        let file = |env: &str, text: &str| {
            let path = dir.path().join(format!("{env}.env"));
            std::fs::write(&path, text).unwrap();
            EnvFile {
                environment: env.into(),
                path,
            }
        };
        let files = [
            file("reference", "A=\nB=\n"),
            file("staging", "A=s3cr3t-staging-value\nB=\nC=1\n"),
            file("production", "A=s3cr3t-production-value\n"),
            EnvFile {
                environment: "preview".into(),
                path: dir.path().join("absent.env"),
            },
        ];
        let inv = read_inventory(&files);
        assert_eq!(inv.reference.as_deref(), Some("reference"));
        assert_eq!(inv.environments, ["staging", "production"]);
        assert_eq!(inv.unreadable.len(), 1);
        let row = |n: &str| inv.rows.iter().find(|r| r.name == n).unwrap();
        assert!(row("A").in_reference && !row("C").in_reference);
        assert_eq!(row("B").presence["staging"], Presence::Empty);
        assert_eq!(row("B").presence["production"], Presence::Missing);
        assert_eq!(row("A").presence["production"], Presence::Set);
        let json = serde_json::to_string(&inv).unwrap();
        assert!(!json.contains("s3cr3t"), "names only: {json}");
    }
}
