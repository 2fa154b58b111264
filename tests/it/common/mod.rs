//! Shared test helpers: the demo lab on loopback and a network stack aimed at it, so no
//! test depends on the machine's resolver configuration; and the built binary run the way
//! a CI job would run it, with the lab's network settings as command-line flags.
#![allow(dead_code)]

use launch_ready::app::{App, Effect, Msg, update};
use launch_ready_checks::engine::{Engine, EngineEvent};
use launch_ready_checks::net::Net;
use launch_ready_core::settings::NetworkSettings;
use launch_ready_lab::{Lab, LabConfig};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

pub fn net_for(settings: &NetworkSettings) -> Arc<Net> {
    Arc::new(Net::new(settings).expect("network settings are valid"))
}

pub fn codes(o: &launch_ready_core::session::model::CheckOutcome) -> Vec<String> {
    o.findings.iter().map(|f| f.code.to_string()).collect()
}

/// Runs the built binary with `args`. The wait happens on a blocking thread so the lab's
/// servers, running on the test's own runtime, keep answering meanwhile.
pub async fn run(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args(&args)
            .output()
            .expect("binary runs")
    })
    .await
    .expect("join")
}

/// Runs the built binary with `args` and the environment variables `env` set.
pub async fn run_env(args: Vec<String>, env: &[(&str, &str)]) -> Output {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args(&args)
            .envs(env)
            .output()
            .expect("binary runs")
    })
    .await
    .expect("join")
}

/// Every network flag of the lab (nameserver, connect-to, CA file), split into arguments
/// from the `--flag value` pairs `launch-ready lab` prints, so tests pass what users paste.
pub fn lab_flags(lab: &Lab) -> Vec<String> {
    launch_ready::commands::lab::flags(&lab.settings())
        .into_iter()
        .flat_map(|f| {
            let (k, v) = f.split_once(' ').expect("flag and value");
            [k.to_string(), v.to_string()]
        })
        .collect()
}

/// A name no other test run uses, so tests sharing the real keyring never collide.
pub fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// The fields every headless report starts with: this tool, this version, an RFC 3339
/// start time and a whole number of milliseconds.
pub fn assert_report_header(v: &serde_json::Value) {
    assert_eq!(v["tool"], "launch-ready");
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        time::OffsetDateTime::parse(
            v["started_at"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
    assert!(v["duration_ms"].is_u64());
}

/// Runs the jobs of `fx`'s `RunChecks` effects whose kind name `keep` accepts on a real
/// engine, feeding every event into `app` as the TUI's event loop does, until each one
/// finished or was cancelled. Each event must come within `wait`. Returns how many ran.
pub async fn drive_jobs(
    app: &mut App,
    fx: Vec<Effect>,
    keep: impl Fn(&str) -> bool,
    wait: Duration,
) -> usize {
    let (engine, mut rx) = Engine::new();
    let mut expected = 0;
    for e in fx {
        if let Effect::RunChecks { jobs, scope } = e {
            for job in jobs.into_iter().filter(|j| keep(j.kind.name)) {
                expected += 1;
                engine.run(job, scope.clone());
            }
        }
    }
    let mut ended = 0;
    while ended < expected {
        let ev = tokio::time::timeout(wait, rx.recv())
            .await
            .expect("engine event in time")
            .expect("engine open");
        if matches!(
            ev,
            EngineEvent::Finished { .. } | EngineEvent::Cancelled { .. }
        ) {
            ended += 1;
        }
        update(app, Msg::Engine(ev));
    }
    expected
}

/// A credential store in memory: the names it holds answer with their values, any other
/// name is not found. Stands in for the keyring where a test lends a run its secrets.
pub struct MemoryStore(pub Vec<(String, String)>);

impl MemoryStore {
    /// A store holding `value` under `name`.
    pub fn one(name: &str, value: &str) -> MemoryStore {
        MemoryStore(vec![(name.to_string(), value.to_string())])
    }

    /// A store holding nothing.
    pub fn empty() -> MemoryStore {
        MemoryStore(Vec::new())
    }
}

impl launch_ready_core::credentials::CredentialStore for MemoryStore {
    fn set(
        &self,
        _: &launch_ready_core::credentials::Scope,
        _: &str,
        _: &str,
    ) -> Result<(), launch_ready_core::credentials::CredentialError> {
        Ok(())
    }
    fn get(
        &self,
        _: &launch_ready_core::credentials::Scope,
        name: &str,
    ) -> Result<String, launch_ready_core::credentials::CredentialError> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| launch_ready_core::credentials::CredentialError::NotFound(name.into()))
    }
    fn delete(
        &self,
        _: &launch_ready_core::credentials::Scope,
        _: &str,
    ) -> Result<(), launch_ready_core::credentials::CredentialError> {
        Ok(())
    }
    fn list(
        &self,
        _: &launch_ready_core::credentials::Scope,
    ) -> Result<Vec<String>, launch_ready_core::credentials::CredentialError> {
        Ok(self.0.iter().map(|(n, _)| n.clone()).collect())
    }
    fn backend(&self) -> String {
        "memory".into()
    }
}
