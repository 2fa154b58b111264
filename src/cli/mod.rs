//! Command-line interface: the clap definitions only, one module per command that has many
//! flags. Dispatch lives in `main.rs`, the work in `commands/`; nothing here depends on
//! either.

pub mod check;
pub mod export;
pub mod load;
pub mod monitor;
pub mod network;
pub mod route;
pub mod secrets;
pub mod smoke;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "launch-ready",
    version,
    about = "Run a 48-hour launch-readiness sprint from the terminal",
    long_about = "Run a 48-hour launch-readiness sprint from the terminal.\n\nWithout a command, opens a picker of recent sessions."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open (creating it if needed) the demo session against the in-process lab.
    Demo(DemoArgs),
    /// Start a new session.
    New(Box<NewArgs>),
    /// List sessions with progress and last activity.
    Sessions,
    /// Open a session by name or path.
    Open(OpenArgs),
    /// List, show and validate runbooks.
    #[command(subcommand)]
    Runbooks(RunbooksCommand),
    /// Manage credentials in the OS keyring.
    #[command(subcommand)]
    Secret(SecretCommand),
    /// Secret scanning: accept current findings in a baseline.
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),
    /// Run the demo lab alone and print the settings to aim other tools at it.
    Lab(LabArgs),
    /// Write the handover pack of a session as Markdown, HTML or JSON.
    Report(ReportArgs),
    /// Run checks headless (for CI) and print text or JSON.
    Check(Box<check::CheckArgs>),
    /// Light load test of URLs or a session's routes (asks first; --yes off a terminal).
    Load(Box<load::LoadArgs>),
    /// Probe URLs on an interval and alert the `alert-webhook` route on outages.
    Monitor(Box<monitor::MonitorArgs>),
    /// Hand a session's plan to Prometheus/Alertmanager, GitHub Actions or Locust.
    Export(Box<export::ExportArgs>),
    /// After a deploy: run a session's flows (login, protected route, forms) and exit 1
    /// when a step fails.
    Smoke(smoke::SmokeArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    #[command(
        after_help = "Install, for example:\n  launch-ready completions bash > ~/.local/share/bash-completion/completions/launch-ready\n  launch-ready completions zsh > ~/.zfunc/_launch-ready\n  launch-ready completions fish > ~/.config/fish/completions/launch-ready.fish"
    )]
    Completions {
        /// The shell to generate for.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout.
    #[command(after_help = "Read it with: launch-ready man | man -l -")]
    Man,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Start the demo session over instead of reopening it.
    #[arg(long)]
    pub fresh: bool,
    /// Run every automated check of the demo session headless, write handover.md,
    /// handover.html and handover.json into DIR, and exit (no TUI).
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Session name (as listed by `sessions`) or path to a session file.
    pub session: String,
    /// Output format: md, html or json.
    #[arg(long, default_value = "md")]
    pub format: String,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Runbook id (see `runbooks list`) or path to a runbook file.
    #[arg(long)]
    pub runbook: String,
    /// The client's name.
    #[arg(long)]
    pub client: String,
    /// The apex domain (example.com).
    #[arg(long)]
    pub domain: String,
    /// A role host, as ROLE=HOST (www=www.example.com, app=app.example.com, staging=…).
    #[arg(long = "host", value_name = "ROLE=HOST")]
    pub hosts: Vec<String>,
    /// Session name (file stem); derived from the client name when absent.
    #[arg(long)]
    pub name: Option<String>,
    /// Write the session to this path instead of the data dir.
    #[arg(long)]
    pub path: Option<PathBuf>,
    /// Create the session but do not open the TUI.
    #[arg(long)]
    pub no_open: bool,
    /// A key route, as on the Targets screen: `NAME=[METHOD ]PATH` or a full URL for PATH
    /// (`home=/`, `login=POST /api/login`) (repeatable).
    #[arg(long = "route", value_name = "NAME=PATH")]
    pub routes: Vec<String>,
    /// The product's git repository (for the secret and env checks).
    #[arg(long, value_name = "DIR")]
    pub repo: Option<String>,
    /// The built frontend's folder (for the secrets in the build output).
    #[arg(long, value_name = "DIR")]
    pub build_dir: Option<String>,
    /// An env file, as `ENV=PATH` (`production=.env.production`) (repeatable).
    #[arg(long = "env", value_name = "ENV=PATH")]
    pub env_files: Vec<String>,
    /// DKIM selector to look up besides the common ones (repeatable).
    #[arg(long = "dkim-selector", value_name = "SELECTOR")]
    pub dkim_selectors: Vec<String>,
    /// Cloudflare API base URL (a test double); the public API when absent.
    #[arg(long, value_name = "URL")]
    pub cloudflare_api: Option<String>,
    #[command(flatten)]
    pub network: network::NetworkArgs,
}

#[derive(Debug, Args)]
pub struct OpenArgs {
    /// Session name (as listed by `sessions`) or path to a session file.
    pub session: String,
    /// Open the backup copy instead (after a corrupt or unreadable file).
    #[arg(long)]
    pub from_backup: bool,
}

#[derive(Debug, Subcommand)]
pub enum RunbooksCommand {
    /// List the available runbooks.
    List,
    /// Show one runbook in full.
    Show {
        /// Runbook id or path.
        id: String,
    },
    /// Validate a runbook file; errors print as FILE:LINE:COLUMN and exit 2.
    Validate {
        /// Runbook files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum SecretCommand {
    /// Store a credential (the value is read from stdin or a masked prompt, never argv).
    Set(SecretArgs),
    /// Print a credential's value.
    Get(SecretArgs),
    /// Remove a credential.
    Delete(SecretArgs),
    /// List the credential names known to launch-ready.
    List {
        /// Only the credentials of this session.
        #[arg(long)]
        session: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct SecretArgs {
    /// Credential name (cloudflare-token, alert-webhook, staging-basic-auth…).
    pub name: String,
    /// Scope the credential to this session instead of globally.
    #[arg(long)]
    pub session: Option<String>,
    /// Anything after the name. Values never come from argv, but someone will type
    /// `secret set NAME VALUE`; clap would then quote VALUE in its "unexpected argument"
    /// error, so the words are taken here (hidden) only to be refused without repeating them.
    #[arg(hide = true, num_args = 0.., allow_hyphen_values = true)]
    pub extra: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LabArgs {
    /// Port for the lab's DNS server (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub dns_port: u16,
    /// Also serve a plain keep-alive HTTP/1.1 endpoint on this loopback port, for
    /// benchmarking load generators against one another (0 picks a free port);
    /// `GET /delay/MS` there answers after MS milliseconds.
    #[arg(long, value_name = "PORT")]
    pub keepalive_port: Option<u16>,
}
