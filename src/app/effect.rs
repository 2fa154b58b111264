//! What `update` asks the outside world to do. Effects are plain data so tests can assert on
//! them; the TUI's executor turns each into a non-blocking call (persister, engine, or the
//! keyring on a blocking thread) and feeds the outcome back as a `Msg`.

use launch_ready_checks::engine::{Job, Scope};
use launch_ready_core::session::Session;
use std::fmt;
use std::sync::Arc;

/// A credential value on its way to the keyring. Its `Debug` never shows the value, so an
/// effect can be logged or asserted on without leaking it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(pub String);

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(••••)")
    }
}

#[derive(Debug)]
pub enum Effect {
    /// The session changed: the event loop hands a snapshot of it to the persister, at most
    /// once per save interval (the persister coalesces what is left).
    Save,
    /// Start these jobs against a snapshot of the session's targets.
    RunChecks { jobs: Vec<Job>, scope: Arc<Scope> },
    /// Cancel one check's run, or every run when `None`.
    Cancel(Option<String>),
    /// Find out whether an OS keyring is reachable and which of `names` it holds a value
    /// for in this session's scope (answered by `Msg::Keyring`).
    ProbeKeyring { session: String, names: Vec<String> },
    /// Store a credential for this session (answered by `Msg::CredentialDone`).
    SetSecret {
        session: String,
        name: String,
        value: SecretValue,
    },
    /// Ask the Cloudflare API whether the session's stored `cloudflare-token` is valid
    /// (answered by `Msg::CloudflareVerified`). The executor reads the token back from the
    /// keyring itself, so its value never travels through the app.
    VerifyCloudflareToken {
        session: String,
        network: launch_ready_core::settings::NetworkSettings,
    },
    /// Remove a credential of this session (answered by `Msg::CredentialDone`).
    DeleteSecret { session: String, name: String },
    /// Write this snapshot to a new file beside the session's folder or in the temp
    /// folder (answered by `Msg::CopyWritten`).
    WriteCopy(Box<Session>),
    /// Write the handover pack of this snapshot (answered by `Msg::PackWritten`).
    ExportPack {
        session: Box<Session>,
        runbook: Arc<launch_ready_core::runbook::Runbook>,
    },
    /// Start the monitor on `urls` (answered by `Msg::Monitor` events).
    StartMonitor {
        urls: Vec<String>,
        /// The session's targets: which hosts are protected (401/403 mean up).
        targets: Box<launch_ready_core::session::model::Targets>,
        network: launch_ready_core::settings::NetworkSettings,
        rules: launch_ready_checks::monitor::state::Rules,
        /// The alert routes in escalation order (their secrets stay in the keyring).
        routes: Vec<launch_ready_core::session::model::AlertRoute>,
        /// The runbook's escalation delay.
        escalate_after: std::time::Duration,
        /// The session whose keyring entry is read before the global one.
        session: String,
        /// `uptime.cert_expiring` at or under this many days (the runbook's window).
        cert_warn_days: i64,
    },
    /// Run an alert drill (answered by `Msg::MonitorDrill`).
    RunDrill {
        routes: Vec<launch_ready_core::session::model::AlertRoute>,
        /// The runbook's escalation delay, moved past on the drill's own clock.
        escalate_after: std::time::Duration,
        session: String,
        network: launch_ready_core::settings::NetworkSettings,
        interval: std::time::Duration,
        /// The runbook's alert-delay target.
        target: std::time::Duration,
    },
    /// Send a marked test alert through the alert route (answered by
    /// `Msg::MonitorTestAlert`).
    TestAlert {
        routes: Vec<launch_ready_core::session::model::AlertRoute>,
        session: String,
        network: launch_ready_core::settings::NetworkSettings,
    },
    /// Add accepted secret findings of `check` on the folder `scanned` to its baseline
    /// file (`baseline::root_for` says which; answered by `Msg::BaselineWritten`).
    WriteBaseline {
        check: String,
        scanned: std::path::PathBuf,
        entries: Vec<launch_ready_checks::secrets::baseline::Entry>,
        by: String,
        reason: String,
    },
    /// Stop the running monitor.
    StopMonitor,
    /// Take the demo lab's switchable route down, or bring it back.
    SwitchDemoRoute,
    /// Leave: flush saves (unless `App::discard_unsaved`) and restore the terminal.
    Quit,
}
