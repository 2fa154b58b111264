//! What the CLI prints from files and arguments: no terminal escape sequence gets through,
//! a mistyped secret on the command line is never repeated, and `runbooks list` gives
//! whole values and usable paths when piped.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ESC: char = '\u{1b}';
/// An OSC title change plus a screen clear, as a hostile file would carry them.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J";

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(args)
        .env("LAUNCH_READY_CONFIG_DIR", config)
        .env("LAUNCH_READY_DATA_DIR", config.join("data"))
        .output()
        .expect("binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The minimal runbook with `id`, an escape-laden title and a long product kind, as a user
/// runbook in `config/runbooks/`; returns its path.
fn user_runbook(config: &Path, id: &str) -> PathBuf {
    let src = std::fs::read_to_string(manifest().join("tests/fixtures/runbooks/valid/minimal.ron"))
        .unwrap()
        .replace("id: \"minimal\"", &format!("id: \"{id}\""))
        .replace(
            "Minimal runbook",
            &format!("Evil{HOSTILE} runbook"),
        )
        .replace(
            "product_kind: \"web app\"",
            &format!(
                "product_kind: \"web app{HOSTILE} with a product description far longer than any column would be\""
            ),
        );
    let dir = config.join("runbooks");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{id}.ron"));
    std::fs::write(&path, src).unwrap();
    path
}

#[test]
fn runbook_text_is_sanitised_in_list_show_and_validate() {
    let config = tempfile::tempdir().unwrap();
    let path = user_runbook(config.path(), "evil");
    for args in [
        vec!["runbooks", "list"],
        vec!["runbooks", "show", "evil"],
        vec!["runbooks", "validate", path.to_str().unwrap()],
    ] {
        let out = run(config.path(), &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let stdout = text(&out.stdout);
        assert!(
            !stdout.contains(ESC),
            "{args:?} printed an escape: {stdout:?}"
        );
        assert!(!stdout.contains('\u{7}'), "{args:?} printed a BEL");
    }
    let show = text(&run(config.path(), &["runbooks", "show", "evil"]).stdout);
    assert!(show.contains("Evil runbook"), "{show}");
}

#[test]
fn arguments_echoed_in_errors_are_sanitised() {
    let config = tempfile::tempdir().unwrap();
    let bad_id = format!("nope{HOSTILE}");
    let bad_file = config.path().join(format!("bad{HOSTILE}.ron"));
    std::fs::write(&bad_file, "Runbook(").unwrap();
    let bad_name = format!("token{HOSTILE}");
    for (args, visible) in [
        (vec!["runbooks", "show", bad_id.as_str()], "`nope`"),
        (
            vec!["runbooks", "validate", bad_file.to_str().unwrap()],
            "bad.ron",
        ),
        (vec!["secret", "set", bad_name.as_str()], "`token`"),
    ] {
        let out = run(config.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = text(&out.stderr);
        assert!(
            !stderr.contains(ESC),
            "{args:?} echoed an escape: {stderr:?}"
        );
        // The visible part of the argument is still quoted, so the user sees what was wrong.
        assert!(stderr.contains(visible), "{args:?}: {stderr}");
    }
}

#[test]
fn a_value_typed_after_the_name_is_refused_without_being_repeated() {
    let config = tempfile::tempdir().unwrap();
    for args in [
        ["secret", "set", "alert-webhook", "hunter2-value"],
        ["secret", "set", "alert-webhook", "-hunter2-value"],
    ] {
        let out = run(config.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(
            !stderr.contains("hunter2"),
            "{args:?} echoed the value: {stderr}"
        );
        assert!(!stdout.contains("hunter2"));
        assert!(stderr.contains("nothing was stored"), "{stderr}");
    }
}

#[test]
fn runbooks_list_piped_keeps_whole_values_and_absolute_sources() {
    let config = tempfile::tempdir().unwrap();
    let path = user_runbook(config.path(), "long-one");
    let out = run(config.path(), &["runbooks", "list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("far longer than any column would be"),
        "the product column is cut:\n{stdout}"
    );
    assert!(!stdout.contains('…'), "{stdout}");
    let row = stdout.lines().find(|l| l.starts_with("long-one")).unwrap();
    assert!(row.ends_with(path.to_str().unwrap()), "{row}");
    let bundled = stdout
        .lines()
        .find(|l| l.starts_with("b2b-demo-to-launch"))
        .unwrap();
    assert!(bundled.ends_with("  bundled"), "{bundled}");
}
