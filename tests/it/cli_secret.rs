//! `launch-ready secret …` end to end: the real binary, the real OS keyring, the name index
//! in a temporary config folder. Each command is a separate process, so a value set by one
//! and read by the next proves it really went through the keyring. On a machine without a
//! usable keyring these tests fail with the binary's own explanation.

use crate::common;

use common::unique;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs the binary with `stdin` piped in (empty when `None`).
fn run(config: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(args)
        .env("LAUNCH_READY_CONFIG_DIR", config)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(text) = stdin
        && let Err(e) = pipe.write_all(text.as_bytes())
    {
        // A command that refuses its arguments exits before it reads its input; what it
        // answered is what the test checks.
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts success, showing stderr (the keyring explanation) when it failed.
fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn set_get_list_delete_through_the_keyring() {
    let config = tempfile::tempdir().unwrap();
    let name = unique("cli-token");
    let value = "tok-Secret value/42";

    let out = run(
        config.path(),
        &["secret", "set", &name],
        Some(&format!("{value}\n")),
    );
    let stdout = ok(&out);
    assert!(
        stdout.contains(&format!("stored `{name}` (global)")),
        "{stdout}"
    );
    assert!(!stdout.contains(value) && !text(&out.stderr).contains(value));

    let out = run(config.path(), &["secret", "get", &name], None);
    assert_eq!(ok(&out), format!("{value}\n"));

    let out = run(config.path(), &["secret", "list"], None);
    let listed = ok(&out);
    assert!(
        listed
            .lines()
            .any(|l| l.starts_with(&name) && l.ends_with("global")),
        "{listed}"
    );
    assert!(!listed.contains(value), "{listed}");
    let index = std::fs::read_to_string(config.path().join("credentials.ron")).unwrap();
    assert!(index.contains(&name) && !index.contains(value), "{index}");

    let out = run(config.path(), &["secret", "delete", &name], None);
    assert!(ok(&out).contains(&format!("deleted `{name}`")));

    let out = run(config.path(), &["secret", "get", &name], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("no credential named `{name}` (global)")),
        "{stderr}"
    );
    let out = run(config.path(), &["secret", "list"], None);
    let listed = ok(&out);
    assert!(
        listed.starts_with("no credentials stored\nkeyring: "),
        "{listed}"
    );
}

#[test]
fn session_scope_is_separate_from_global() {
    let config = tempfile::tempdir().unwrap();
    let name = unique("cli-hook");
    let session = unique("acme");

    let out = run(
        config.path(),
        &["secret", "set", &name, "--session", &session],
        Some("https://hooks.example.test/abc"),
    );
    ok(&out);
    let out = run(config.path(), &["secret", "get", &name], None);
    assert_eq!(out.status.code(), Some(1), "global scope must not see it");
    let out = run(
        config.path(),
        &["secret", "get", &name, "--session", &session],
        None,
    );
    assert_eq!(ok(&out), "https://hooks.example.test/abc\n");

    let plain = ok(&run(config.path(), &["secret", "list"], None));
    assert!(!plain.contains(&name), "{plain}");
    let scoped = ok(&run(
        config.path(),
        &["secret", "list", "--session", &session],
        None,
    ));
    assert!(
        scoped.contains(&format!("{name}  session {session}")),
        "{scoped}"
    );

    ok(&run(
        config.path(),
        &["secret", "delete", &name, "--session", &session],
        None,
    ));
}

#[test]
fn bad_names_and_empty_values_exit_2() {
    let config = tempfile::tempdir().unwrap();
    let out = run(config.path(), &["secret", "set", "no/slashes"], Some("v"));
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("`no/slashes` is invalid"), "{stderr}");

    let out = run(config.path(), &["secret", "get", "a b"], None);
    assert_eq!(out.status.code(), Some(2));

    let name = unique("cli-empty");
    for stdin in [None, Some("\n")] {
        let out = run(config.path(), &["secret", "set", &name], stdin);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("refusing to store an empty value"));
    }
    assert!(!config.path().join("credentials.ron").exists());
}
