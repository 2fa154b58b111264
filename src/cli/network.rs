//! The network flags `check`, `load` and `monitor` share, defined once and parsed once
//! (by `NetworkOverrides::apply` in the core), so each says and refuses the same thing.

use clap::Args;
use launch_ready_core::settings::NetworkOverrides;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, Args)]
pub struct NetworkArgs {
    /// Resolver to use, IP or IP:PORT.
    #[arg(long)]
    pub nameserver: Option<String>,
    /// HOST:ADDR override (repeatable).
    #[arg(long)]
    pub resolve: Vec<String>,
    /// HOST:PORT:ADDR:PORT override (repeatable).
    #[arg(long = "connect-to")]
    pub connect_to: Vec<String>,
    /// Extra trusted roots (PEM file).
    #[arg(long)]
    pub ca_file: Option<PathBuf>,
    /// Timeout of each network operation (a lookup, a request, a probe) in seconds, 1 to 600.
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Host other than the session's own whose page-named scripts and assets may be
    /// fetched even on a loopback or private address (repeatable).
    #[arg(long = "fetch-host")]
    pub fetch_hosts: Vec<String>,
}

impl NetworkArgs {
    /// The flags as the core applies them over a session's settings.
    pub fn overrides(&self) -> NetworkOverrides {
        NetworkOverrides {
            nameserver: self.nameserver.clone(),
            resolve: self.resolve.clone(),
            connect_to: self.connect_to.clone(),
            ca_file: self.ca_file.clone(),
            timeout_secs: self.timeout,
            fetch_hosts: self.fetch_hosts.clone(),
        }
    }
}
