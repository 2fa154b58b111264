//! `launch-ready secret set|get|delete|list`.
//!
//! Values enter only through stdin or a masked prompt — never argv, where they would land
//! in shell history and the process list — and leave only through `get`, the one explicit
//! way to see one. Names and scopes are checked before the keyring is opened, so a typo is
//! a usage error even on a machine without a keyring. The command bodies take the store
//! and the value reader as arguments so tests can drive them with the keyring crate's mock
//! store and a fixed value.

mod masked;

use super::{Failure, Outcome};
use crate::cli::{SecretArgs, SecretCommand};
use crate::credentials;
use launch_ready_core::credentials::{CredentialError, CredentialStore, Scope};
use std::fmt::Write as _;
use std::io::{IsTerminal as _, Read as _};

/// Largest value accepted, in bytes; tokens and webhook URLs are far smaller.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// Which operation a failure belongs to, for the wording of "nothing was stored".
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Write,
    Read,
}

/// Runs a `secret` subcommand against the OS keyring.
pub fn run(cmd: &SecretCommand, out: &mut String) -> Outcome {
    let action = match cmd {
        SecretCommand::Set(_) | SecretCommand::Delete(_) => Action::Write,
        SecretCommand::Get(_) | SecretCommand::List { .. } => Action::Read,
    };
    refuse_extra(cmd)?;
    check_input(cmd).map_err(|e| failure(e, action))?;
    let store = credentials::os_store().map_err(|e| failure(e, action))?;
    // `set`, `delete` and `list` name the backend on stdout; `get` prints only the value
    // there, so a fallback (a hung or locked Secret Service) is mentioned on stderr.
    if matches!(cmd, SecretCommand::Get(_)) && credentials::passed_over(&store.backend()) {
        eprintln!("launch-ready: reading from {}", store.backend());
    }
    execute(store.as_ref(), cmd, &mut read_value, out)
}

/// Runs a `secret` subcommand against `store`; `read_value` supplies the value for `set`
/// given the name and scope being set.
pub fn execute(
    store: &dyn CredentialStore,
    cmd: &SecretCommand,
    read_value: &mut dyn FnMut(&str, &Scope) -> Result<String, Failure>,
    out: &mut String,
) -> Outcome {
    refuse_extra(cmd)?;
    check_input(cmd).map_err(|e| failure(e, Action::Read))?;
    match cmd {
        SecretCommand::Set(args) => {
            let scope = scope_of(args.session.as_deref());
            let value = read_value(&args.name, &scope)?;
            if value.is_empty() {
                return Err(failure(
                    CredentialError::EmptyValue(args.name.clone()),
                    Action::Write,
                ));
            }
            store
                .set(&scope, &args.name, &value)
                .map_err(|e| failure(e, Action::Write))?;
            let _ = writeln!(
                out,
                "stored `{}` ({scope}) in {}",
                args.name,
                store.backend()
            );
        }
        SecretCommand::Get(args) => {
            let scope = scope_of(args.session.as_deref());
            let value = store
                .get(&scope, &args.name)
                .map_err(|e| not_found_in(e, &scope))?;
            let _ = writeln!(out, "{value}");
        }
        SecretCommand::Delete(args) => {
            let scope = scope_of(args.session.as_deref());
            store
                .delete(&scope, &args.name)
                .map_err(|e| not_found_in(e, &scope))?;
            let _ = writeln!(
                out,
                "deleted `{}` ({scope}) from {}",
                args.name,
                store.backend()
            );
        }
        SecretCommand::List { session } => {
            list(store, session.as_deref(), out)?;
            let _ = writeln!(out, "keyring: {}", store.backend());
        }
    }
    Ok(0)
}

fn list(
    store: &dyn CredentialStore,
    session: Option<&str>,
    out: &mut String,
) -> Result<(), Failure> {
    let mut scopes = vec![Scope::Global];
    scopes.extend(session.map(|s| Scope::Session(s.to_string())));
    let mut rows = Vec::new();
    for scope in &scopes {
        let names = store.list(scope).map_err(|e| failure(e, Action::Read))?;
        rows.extend(names.into_iter().map(|n| (n, scope.to_string())));
    }
    // Credentials set from the TUI belong to their session: without --session they are
    // not listed, but they are named, so "nothing stored" is never said when it is untrue.
    let others: Vec<String> = match session {
        Some(_) => Vec::new(),
        None => store
            .scopes()
            .map_err(|e| failure(e, Action::Read))?
            .into_iter()
            .filter_map(|s| match s {
                Scope::Session(name) => Some(name),
                Scope::Global => None,
            })
            .collect(),
    };
    if rows.is_empty() && others.is_empty() {
        let _ = writeln!(out, "no credentials stored");
        return Ok(());
    }
    if rows.is_empty() {
        let _ = writeln!(out, "no global credentials");
    } else {
        let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        let _ = writeln!(out, "{:<width$}  SCOPE", "NAME");
        for (name, scope) in rows {
            let _ = writeln!(out, "{name:<width$}  {scope}");
        }
    }
    if !others.is_empty() {
        let _ = writeln!(
            out,
            "sessions with their own credentials: {} (see `secret list --session NAME`)",
            others.join(", ")
        );
    }
    Ok(())
}

fn scope_of(session: Option<&str>) -> Scope {
    session.map_or(Scope::Global, |s| Scope::Session(s.to_string()))
}

/// Refuses words after the credential name without repeating them: after `secret set NAME
/// VALUE` the extra word is most likely the secret itself.
fn refuse_extra(cmd: &SecretCommand) -> Result<(), Failure> {
    let (SecretCommand::Set(args) | SecretCommand::Get(args) | SecretCommand::Delete(args)) = cmd
    else {
        return Ok(());
    };
    if args.extra.is_empty() {
        return Ok(());
    }
    let tail = if matches!(cmd, SecretCommand::Set(_)) {
        "values are read from stdin or a masked prompt, never from the command line; \
         nothing was stored. If that argument was the secret, it is now in your shell \
         history: remove it there and rotate the secret"
    } else {
        "only the credential name is taken"
    };
    Err(Failure::usage(format!(
        "`secret` takes one credential name, then options; {} more argument(s) were given and not used — {tail}",
        args.extra.len()
    )))
}

/// Checks the name and session of a command before anything else happens.
fn check_input(cmd: &SecretCommand) -> Result<(), CredentialError> {
    let (name, session) = match cmd {
        SecretCommand::Set(SecretArgs { name, session, .. })
        | SecretCommand::Get(SecretArgs { name, session, .. })
        | SecretCommand::Delete(SecretArgs { name, session, .. }) => (Some(name), session),
        SecretCommand::List { session } => (None, session),
    };
    if let Some(name) = name {
        launch_ready_core::credentials::validate_name(name)?;
    }
    if let Some(session) = session {
        launch_ready_core::credentials::validate_session(session)?;
    }
    Ok(())
}

/// Adds the scope to a not-found error, where it tells the user where to look.
fn not_found_in(err: CredentialError, scope: &Scope) -> Failure {
    match err {
        CredentialError::NotFound(name) => Failure::runtime(format!(
            "no credential named `{name}` ({scope}); `launch-ready secret list` shows the stored names"
        )),
        other => failure(other, Action::Read),
    }
}

/// Maps a credential error to a message and exit code: 2 for what the user must fix
/// (input, no keyring), 1 for failures at run time.
fn failure(err: CredentialError, action: Action) -> Failure {
    match err {
        CredentialError::Unavailable(why) => {
            let tail = if action == Action::Write {
                "credentials are disabled — nothing was stored"
            } else {
                "credentials are disabled"
            };
            Failure::usage(format!("no OS keyring is available ({why}); {tail}"))
        }
        e @ (CredentialError::BadName(_)
        | CredentialError::BadSession(_)
        | CredentialError::EmptyValue(_)) => Failure::usage(e.to_string()),
        e @ (CredentialError::NotFound(_) | CredentialError::Backend(_)) => {
            Failure::runtime(e.to_string())
        }
    }
}

/// Reads the value for `set`: all of stdin when it is piped (one trailing newline
/// dropped), a masked prompt when it is a terminal.
fn read_value(name: &str, scope: &Scope) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return match masked::prompt(&format!("value for `{name}` ({scope})"), MAX_VALUE_BYTES) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(Failure::runtime("cancelled — nothing was stored")),
            Err(e) => Err(Failure::runtime(format!(
                "could not read the value at the terminal: {e} — nothing was stored"
            ))),
        };
    }
    let mut bytes = Vec::new();
    stdin
        .lock()
        .take(MAX_VALUE_BYTES as u64 + 2)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::runtime(format!("could not read stdin: {e} — nothing was stored")))?;
    value_from_stdin(bytes)
}

/// Drops one trailing newline (`\n` or `\r\n`) and checks size and encoding.
fn value_from_stdin(mut bytes: Vec<u8>) -> Result<String, Failure> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
    }
    if bytes.len() > MAX_VALUE_BYTES {
        return Err(Failure::usage(format!(
            "the value on stdin is longer than {MAX_VALUE_BYTES} bytes — nothing was stored"
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| Failure::usage("the value on stdin is not UTF-8 text — nothing was stored"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::KeyringStore;
    use launch_ready_core::credentials::{INDEX_FILE, NameIndex};

    fn store() -> (tempfile::TempDir, KeyringStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyringStore::with_backend(
            keyring_core::mock::Store::new().unwrap(),
            "mock keyring",
            NameIndex::at(dir.path().join(INDEX_FILE)),
        );
        (dir, store)
    }

    fn args(name: &str, session: Option<&str>) -> SecretArgs {
        SecretArgs {
            name: name.to_string(),
            session: session.map(str::to_string),
            extra: Vec::new(),
        }
    }

    fn exec(store: &KeyringStore, cmd: &SecretCommand, value: &str) -> (Outcome, String) {
        let mut out = String::new();
        let value = value.to_string();
        let outcome = execute(store, cmd, &mut |_, _| Ok(value.clone()), &mut out);
        (outcome, out)
    }

    #[test]
    fn set_get_list_delete() {
        let (_d, s) = store();
        let (r, out) = exec(&s, &SecretCommand::Set(args("hook", None)), "https://x/y");
        assert_eq!(r.unwrap(), 0);
        assert_eq!(out, "stored `hook` (global) in mock keyring\n");
        assert!(!out.contains("https://x/y"));

        exec(&s, &SecretCommand::Set(args("basic", Some("acme"))), "u:p")
            .0
            .unwrap();
        let (_, out) = exec(&s, &SecretCommand::Get(args("hook", None)), "");
        assert_eq!(out, "https://x/y\n");

        let (_, out) = exec(&s, &SecretCommand::List { session: None }, "");
        assert_eq!(
            out,
            "NAME  SCOPE\nhook  global\nsessions with their own credentials: acme (see `secret list --session NAME`)\nkeyring: mock keyring\n"
        );
        let list_acme = SecretCommand::List {
            session: Some("acme".into()),
        };
        let (_, out) = exec(&s, &list_acme, "");
        assert_eq!(
            out,
            "NAME   SCOPE\nhook   global\nbasic  session acme\nkeyring: mock keyring\n"
        );
        assert!(!out.contains("u:p"));

        let (r, out) = exec(&s, &SecretCommand::Delete(args("hook", None)), "");
        assert_eq!(
            (r.unwrap(), out.as_str()),
            (0, "deleted `hook` (global) from mock keyring\n")
        );
        let err = exec(&s, &SecretCommand::Get(args("hook", None)), "")
            .0
            .unwrap_err();
        assert_eq!(err.code, 1);
        assert!(
            err.message
                .starts_with("no credential named `hook` (global)"),
            "{}",
            err.message
        );
    }

    #[test]
    fn usage_errors_exit_2_and_quote_the_input() {
        let (_d, s) = store();
        let err = exec(&s, &SecretCommand::Set(args("bad name", None)), "v")
            .0
            .unwrap_err();
        assert_eq!(err.code, 2);
        assert!(err.message.contains("`bad name`"), "{}", err.message);

        let err = exec(&s, &SecretCommand::Set(args("ok", None)), "")
            .0
            .unwrap_err();
        assert_eq!(err.code, 2);
        assert_eq!(err.message, "refusing to store an empty value for `ok`");

        let list = SecretCommand::List {
            session: Some("a b".into()),
        };
        assert_eq!(exec(&s, &list, "").0.unwrap_err().code, 2);
        assert_eq!(
            exec(&s, &SecretCommand::List { session: None }, "").1,
            "no credentials stored\nkeyring: mock keyring\n"
        );
    }

    #[test]
    fn list_without_a_session_names_the_sessions_that_have_credentials() {
        let (_d, s) = store();
        exec(&s, &SecretCommand::Set(args("webhook", Some("acme"))), "v")
            .0
            .expect("set in session acme");
        let (_, out) = exec(&s, &SecretCommand::List { session: None }, "");
        assert_eq!(
            out,
            "no global credentials\nsessions with their own credentials: acme (see `secret list --session NAME`)\nkeyring: mock keyring\n"
        );
    }

    #[test]
    fn no_keyring_is_a_plain_usage_error() {
        let why = "tried Secret Service: no bus; kernel keyutils: AccessDenied".to_string();
        let f = failure(CredentialError::Unavailable(why.clone()), Action::Write);
        assert_eq!(f.code, 2);
        assert_eq!(
            f.message,
            format!(
                "no OS keyring is available ({why}); credentials are disabled — nothing was stored"
            )
        );
        let f = failure(CredentialError::Unavailable(why), Action::Read);
        assert!(
            f.message.ends_with("; credentials are disabled"),
            "{}",
            f.message
        );
    }

    #[test]
    fn stdin_values_lose_one_trailing_newline_only() {
        let v = |b: &[u8]| value_from_stdin(b.to_vec());
        assert_eq!(v(b"token\n").unwrap(), "token");
        assert_eq!(v(b"token\r\n").unwrap(), "token");
        assert_eq!(v(b"token\n\n").unwrap(), "token\n");
        assert_eq!(v(b" spaced ").unwrap(), " spaced ");
        assert_eq!(v(b"\n").unwrap(), "");
        let err = v(b"\xff\xfe").unwrap_err();
        assert_eq!(err.code, 2);
        assert!(!err.message.contains('\u{fffd}'));
        let big = vec![b'a'; MAX_VALUE_BYTES + 1];
        assert_eq!(v(&big).unwrap_err().code, 2);
        assert_eq!(
            v(&vec![b'a'; MAX_VALUE_BYTES]).unwrap().len(),
            MAX_VALUE_BYTES
        );
    }
}
