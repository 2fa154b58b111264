//! `launch-ready completions SHELL` and `launch-ready man` print scripts and a page built
//! from the same clap definitions the parser uses.

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn stdout_of(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn completions_cover_every_subcommand_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["runbooks", "secret", "check", "completions", "man"] {
            assert!(script.contains(word), "{shell}: `{word}` missing");
        }
    }
    let bash = stdout_of(&["completions", "bash"]);
    assert!(bash.contains("complete -F"), "a bash completion function");
    let fish = stdout_of(&["completions", "fish"]);
    assert!(fish.contains("complete -c launch-ready"), "{fish}");
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

#[test]
fn man_page_is_roff_with_the_subcommands() {
    let page = stdout_of(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH launch-ready"),
        "{page}"
    );
    assert!(page.contains(".TH launch-ready"));
    for word in ["runbooks", "secret", "completions"] {
        assert!(page.contains(word), "`{word}` missing from the man page");
    }
}
