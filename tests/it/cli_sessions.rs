//! `launch-ready new` and `launch-ready sessions`, run as the real binary against a
//! temporary data and config folder.

use std::path::Path;
use std::process::{Command, Output};

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args(args)
            .env("LAUNCH_READY_DATA_DIR", self.data())
            .env("LAUNCH_READY_CONFIG_DIR", self.dir.path().join("config"))
            .output()
            .expect("run launch-ready")
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A bundled runbook id and its check count, from `runbooks list`.
fn first_runbook(env: &Env) -> (String, usize) {
    let out = env.run(&["runbooks", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    let row = listing.lines().nth(1).expect("a runbook row");
    let cols: Vec<&str> = row.split_whitespace().collect();
    (cols[0].to_string(), cols[2].parse().expect("check count"))
}

fn new_args<'a>(runbook: &'a str, client: &'a str, domain: &'a str) -> Vec<&'a str> {
    vec![
        "new",
        "--runbook",
        runbook,
        "--client",
        client,
        "--domain",
        domain,
        "--no-open",
    ]
}

#[test]
fn new_creates_a_session_file_and_refuses_to_overwrite_it() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let mut args = new_args(&runbook, "Acme Analytics", "Acme.test");
    args.extend([
        "--host",
        "www=www.acme.test",
        "--host",
        "staging=acme.pages.dev",
    ]);
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = env.data().join("sessions/acme-analytics.ron");
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&path.display().to_string()), "{stdout}");
    assert!(
        stdout.contains("launch-ready open acme-analytics"),
        "{stdout}"
    );

    let saved = std::fs::read_to_string(&path).expect("session file");
    let session = launch_ready_core::session::migrate::load(&saved).expect("valid session");
    assert_eq!(session.name, "acme-analytics");
    assert_eq!(session.client, "Acme Analytics");
    assert_eq!(session.runbook.id, runbook);
    assert!(session.runbook.hash.starts_with("sha256:"));
    assert_eq!(session.targets.apex, "acme.test");
    let hosts: Vec<(&str, &str)> = session
        .targets
        .hosts
        .iter()
        .map(|h| (h.role.as_str(), h.host.as_str()))
        .collect();
    assert_eq!(
        hosts,
        [("www", "www.acme.test"), ("staging", "acme.pages.dev")]
    );

    let again = env.run(&new_args(&runbook, "Acme Analytics", "other.test"));
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("launch-ready open acme-analytics"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("still there"),
        saved,
        "the existing session is untouched"
    );
}

#[test]
fn new_rejects_bad_input_with_exit_2_and_the_value() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            new_args(&runbook, "Acme", "acme..test"),
            "domain `acme..test` is not valid",
        ),
        (
            new_args(&runbook, "Acme", "localhost"),
            "domain `localhost` is not valid",
        ),
        (
            [
                new_args(&runbook, "Acme", "acme.test"),
                vec!["--host", "www"],
            ]
            .concat(),
            "host `www` must be ROLE=HOST",
        ),
        (
            [
                new_args(&runbook, "Acme", "acme.test"),
                vec!["--host", "api=bad_host!.acme.test"],
            ]
            .concat(),
            "host `api=bad_host!.acme.test`",
        ),
        (
            [
                new_args(&runbook, "Acme", "acme.test"),
                vec!["--name", "../x"],
            ]
            .concat(),
            "session name `../x`",
        ),
        (
            new_args("no-such-runbook", "Acme", "acme.test"),
            "no-such-runbook",
        ),
    ];
    for (args, expected) in cases {
        let out = env.run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    assert!(
        !env.data().join("sessions").exists()
            || std::fs::read_dir(env.data().join("sessions"))
                .expect("list")
                .next()
                .is_none(),
        "nothing was written"
    );
}

#[test]
fn new_with_name_and_path() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let named = [
        new_args(&runbook, "Zeta", "zeta.test"),
        vec!["--name", "zeta-2"],
    ]
    .concat();
    assert_eq!(env.run(&named).status.code(), Some(0));
    assert!(env.data().join("sessions/zeta-2.ron").is_file());

    let elsewhere = env.dir.path().join("elsewhere/zeta.ron");
    let at = elsewhere.to_string_lossy().into_owned();
    let placed = [new_args(&runbook, "Zeta", "zeta.test"), vec!["--path", &at]].concat();
    let out = env.run(&placed);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(elsewhere.is_file());
    assert!(text(&out.stdout).contains(&format!("launch-ready open {at}")));
}

#[test]
fn sessions_lists_progress_and_problems() {
    let env = Env::new();
    let empty = env.run(&["sessions"]);
    assert_eq!(empty.status.code(), Some(0));
    assert!(text(&empty.stdout).starts_with("No sessions yet."));

    let (runbook, checks) = first_runbook(&env);
    let out = env.run(&new_args(&runbook, "Acme Analytics", "acme.test"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = env.data().join("sessions");
    std::fs::write(dir.join("broken.ron"), "Session(version: 1, name: ").expect("write");

    let out = env.run(&["sessions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    let lines: Vec<&str> = listing.lines().collect();
    let header: Vec<&str> = lines[0]
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "CLIENT",
            "RUNBOOK",
            "PROGRESS",
            "HOUR",
            "LAST ACTIVITY",
            "NAME"
        ]
    );
    let acme = lines
        .iter()
        .find(|l| l.ends_with("acme-analytics"))
        .unwrap_or_else(|| panic!("acme row in:\n{listing}"));
    assert!(acme.starts_with("Acme Analytics"), "{acme}");
    assert!(acme.contains(&runbook), "{acme}");
    assert!(acme.contains(&format!(" 0/{checks} ")), "{acme}");
    assert!(acme.contains(" h0 "), "{acme}");
    assert!(acme.contains("just now"), "{acme}");
    let broken = lines
        .iter()
        .position(|l| l.ends_with("broken"))
        .unwrap_or_else(|| panic!("broken row in:\n{listing}"));
    assert!(lines[broken].starts_with("(unreadable)"));
    assert!(
        lines[broken + 1].starts_with("  ! damaged at line 1"),
        "{listing}"
    );
    assert!(!Path::new(&dir.join("broken.ron.bak")).exists());
}

#[test]
fn new_without_a_terminal_reports_what_it_created() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let mut args = new_args(&runbook, "Acme Corp", "acme.test");
    args.retain(|a| *a != "--no-open");
    // `output()` gives the child pipes, not a terminal.
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("Created session"), "{shown}");
    assert!(shown.contains("launch-ready open acme-corp"), "{shown}");
    assert!(env.data().join("sessions/acme-corp.ron").is_file());
}

#[test]
fn no_command_without_a_terminal_says_how_to_use_it() {
    let env = Env::new();
    let out = env.run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("needs an interactive terminal"), "{err}");
    assert!(err.contains("launch-ready sessions"), "{err}");
    assert!(err.contains("--help"), "{err}");
    assert!(!err.contains("raw mode"), "{err}");
}

#[test]
fn open_accepts_the_client_name_in_any_case() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let out = env.run(&new_args(&runbook, "Acme Corp", "acme.test"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for name in ["acme-corp", "Acme Corp", "ACME CORP", "ACME-CORP"] {
        // Found: what stops it is the missing terminal, not the name.
        let out = env.run(&["open", name]);
        let err = text(&out.stderr);
        assert!(!err.contains("no session named"), "{name}: {err}");
        assert!(
            err.contains("needs an interactive terminal"),
            "{name}: {err}"
        );
    }
    let out = env.run(&["open", "Zeta"]);
    assert!(text(&out.stderr).contains("no session named `Zeta`; known sessions: acme-corp"));
}

#[cfg(unix)]
#[test]
fn odd_files_are_listed_with_a_reason() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let out = env.run(&new_args(&runbook, "Acme", "acme.test"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let dir = env.data().join("sessions");
    std::fs::create_dir(dir.join("folder.ron")).expect("mkdir");
    std::os::unix::fs::symlink(dir.join("moved/gone.ron"), dir.join("gone.ron")).expect("link");
    let fifo = dir.join("pipe.ron");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo")
            .success()
    );

    let out = env.run(&["sessions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for (name, reason) in [
        ("folder", "it is a folder"),
        ("gone", "a symbolic link to"),
        ("pipe", "named pipe (FIFO)"),
    ] {
        let row = listing
            .lines()
            .position(|l| l.ends_with(name))
            .unwrap_or_else(|| panic!("{name} row in:\n{listing}"));
        let why = listing.lines().nth(row + 1).unwrap_or_default();
        assert!(why.contains(reason), "{name}: {why}\n{listing}");
    }

    // A dangling link by name says where it points instead of "no session named".
    let out = env.run(&["open", "gone"]);
    let err = text(&out.stderr);
    assert!(err.contains("symbolic link"), "{err}");
    assert!(err.contains("moved/gone.ron"), "{err}");

    // `check --session` on a FIFO returns at once with the reason.
    let mut child = Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(["check", "--session"])
        .arg(&fifo)
        .env("LAUNCH_READY_DATA_DIR", env.data())
        .env("LAUNCH_READY_CONFIG_DIR", env.dir.path().join("config"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("check --session on a FIFO blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("FIFO"), "{}", text(&out.stderr));
}

/// A session file that is not valid UTF-8, with a backup beside it: `open`, `check` and
/// `report` each name the backup and how to open it, and leave the file alone.
#[test]
fn every_command_names_the_backup_of_a_damaged_session() {
    let env = Env::new();
    let (runbook, _) = first_runbook(&env);
    let out = env.run(&new_args(&runbook, "Acme Corp", "acme.test"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let file = env.data().join("sessions/acme-corp.ron");
    let backup = launch_ready_core::session::store::backup_path(&file);
    std::fs::copy(&file, &backup).expect("backup");
    let mut bytes = std::fs::read(&file).expect("read");
    bytes[40] = 0xff;
    std::fs::write(&file, &bytes).expect("write");
    for args in [
        vec!["open", "acme-corp"],
        vec!["check", "--session", "acme-corp", "--only", "dns"],
        vec!["report", "acme-corp"],
    ] {
        let out = env.run(&args);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("not valid UTF-8"), "{args:?}: {err}");
        assert!(err.contains("acme-corp.ron.bak"), "{args:?}: {err}");
        assert!(
            err.contains("launch-ready open") && err.contains("--from-backup"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(std::fs::read(&file).expect("read"), bytes, "left untouched");
}
