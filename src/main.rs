//! Entry point: parse the command line, dispatch, map the outcome to an exit code.

use clap::Parser;
use launch_ready::cli::{Cli, Command, RunbooksCommand, SecretCommand};
use launch_ready::commands;
use launch_ready::commands::Failure;
use launch_ready_core::sanitize::sanitize;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread exists: threads inherit the session keyring joined here.
    launch_ready::credentials::prepare_process();
    launch_ready_checks::net::install_crypto_provider();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // clap prints help/version to stdout and usage errors to stderr.
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // `secret get` prints the stored value for a pipe and must print it byte for byte.
    let raw = matches!(cli.command, Some(Command::Secret(SecretCommand::Get(_))));
    let mut out = String::new();
    let result = run(cli, &mut out);
    // Runbook files, session files and arguments end up in what we print; the terminal
    // would obey any escape sequence in them, so everything goes through the TUI's
    // sanitiser on its way out.
    let out = if raw { out } else { sanitize(&out) };
    let _ = std::io::stdout().write_all(out.as_bytes());
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure { code, message }) => {
            eprintln!("launch-ready: {}", sanitize(&message));
            ExitCode::from(code)
        }
    }
}

fn run(cli: Cli, out: &mut String) -> commands::Outcome {
    match cli.command {
        Some(Command::Runbooks(RunbooksCommand::List)) => commands::runbooks::list(out),
        Some(Command::Runbooks(RunbooksCommand::Show { id })) => commands::runbooks::show(&id, out),
        Some(Command::Runbooks(RunbooksCommand::Validate { files })) => {
            commands::runbooks::validate(&files, out)
        }
        Some(Command::Secret(cmd)) => commands::secret::run(&cmd, out),
        Some(Command::Secrets(cmd)) => commands::secrets_baseline::run(&cmd, out),
        // Without a terminal there is nothing to open it in: report what was created.
        Some(Command::New(args)) if args.no_open || !launch_ready::tui::terminal::available() => {
            commands::sessions::new(&args, out)
        }
        Some(Command::New(args)) => {
            let created = commands::sessions::create_new(&args)?;
            launch_ready::tui::run_session(&created.path, false).map(|()| 0)
        }
        Some(Command::Demo(args)) => commands::demo::run(&args),
        Some(Command::Sessions) => commands::sessions::list(out),
        Some(Command::Check(args)) => commands::check::run(&args, out),
        Some(Command::Report(args)) => commands::report::run(&args, out),
        Some(Command::Load(args)) if args.runs_flows() => commands::load_flow::run(&args, out),
        Some(Command::Load(args)) => commands::load::run(&args, out),
        Some(Command::Monitor(args)) => commands::monitor::run(&args, out),
        Some(Command::Export(args)) => commands::export::run(&args, out),
        Some(Command::Smoke(args)) => commands::smoke::run(&args, out),
        Some(Command::Lab(args)) => commands::lab::run(&args),
        Some(Command::Completions { shell }) => {
            commands::docs::completions(shell, &mut std::io::stdout().lock())
        }
        Some(Command::Man) => commands::docs::man(&mut std::io::stdout().lock()),
        Some(Command::Open(args)) => {
            let path =
                launch_ready_core::session::list::resolve(&args.session).map_err(Failure::usage)?;
            launch_ready::tui::run_session(&path, args.from_backup).map(|()| 0)
        }
        None => launch_ready::tui::run_picker().map(|()| 0),
    }
}
