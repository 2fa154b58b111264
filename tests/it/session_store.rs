//! Session files on a real file system: round trips, backups, damaged and newer files,
//! locking, and the persistence actor.

use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding, Severity};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{
    CheckOutcome, Decision, Evidence, HostTarget, JournalEntry, RunbookRef, SCHEMA_VERSION,
    Targets, Verdict,
};
use launch_ready_core::session::persist::{Persister, SaveStatus};
use launch_ready_core::session::store;
use launch_ready_core::session::store::{SessionFile, StoreError};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;
use time::macros::datetime;

use launch_ready_core::session::exports::{ExportKind, ExportRecord, ExportedFile, StartStep};

fn sample() -> Session {
    let start = datetime!(2026-03-02 08:30:00.123456789 UTC);
    let mut s = Session {
        version: SCHEMA_VERSION,
        name: "acme".into(),
        client: "Acme Analytics".into(),
        runbook: RunbookRef {
            id: "b2b-demo-to-launch".into(),
            hash: "sha256:5f1d".into(),
            path: None,
        },
        created_at: start,
        updated_at: start + time::Duration::minutes(95),
        sprint_start: start,
        targets: Targets {
            apex: "acme.test".into(),
            hosts: vec![HostTarget {
                role: "www".into(),
                host: "www.acme.test".into(),
                protected: false,
            }],
            ..Targets::default()
        },
        network: Default::default(),
        checks: Default::default(),
        journal: vec![JournalEntry {
            at: start,
            text: "Kick-off with \"quotes\", a newline\nand ünïcödé".into(),
            kind: Default::default(),
        }],
        decisions: vec![Decision {
            at: start + time::Duration::hours(30),
            verdict: Verdict::NoGo,
            reason: "TLS certificate expires in 3 days".into(),
        }],
        credentials: vec!["cloudflare-token".into()],
        ui: Default::default(),
        accepted: Vec::new(),
        pauses: Vec::new(),
        monitor: Default::default(),
        exports: Vec::new(),
    };
    let evidence = json!({
        "records": [{"type": "A", "value": "192.0.2.10", "ttl": 300}],
        "nested": {"deeper": {"empty": {}, "list": [1, -2, 3.5, null, true, "x"]}},
        "count": 18_446_744_073_709_551_615_u64,
        "negative": -42,
        "ratio": 0.25,
        "whole_float": 2.0,
        "missing": null,
        "text": "v=spf1 include:_spf.example.net ~all",
    });
    let check = s.state_mut("dns-apex");
    check.status = CheckStatus::Fail;
    check.note = "Registrar: Gandi".into();
    check.severity_override = Some(Severity::High);
    check.updated_at = Some(start);
    check.push_evidence(Evidence {
        at: start + time::Duration::minutes(5),
        duration_ms: 48,
        status: CheckStatus::Fail,
        summary: "1 finding".into(),
        results: vec![CheckOutcome {
            check: "dns.records".into(),
            family: "dns".into(),
            target: "acme.test".into(),
            status: CheckStatus::Fail,
            duration_ms: 48,
            summary: "no AAAA".into(),
            findings: vec![
                Finding::new(Code::DnsNoIpv6, "no IPv6 address")
                    .with_severity(Severity::Low)
                    .with_evidence(json!({"asked": ["AAAA"], "answer": null})),
            ],
            evidence: evidence.into(),
            explained_by: None,
            needs_credential: None,
        }],
    });
    let skipped = s.state_mut("load-test");
    skipped.status = CheckStatus::Skipped;
    skipped.skip_reason = Some("no write endpoints yet".into());
    s
}

/// A fresh folder and the session path inside it.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("acme.ron");
    (dir, path)
}

fn read_session(path: &Path) -> Session {
    let text = std::fs::read_to_string(path).expect("read");
    launch_ready_core::session::migrate::load(&text).expect("parses")
}

#[test]
fn round_trip_keeps_every_field_including_json_evidence() {
    let (_dir, path) = setup();
    let original = sample();
    drop(SessionFile::create(&path, &original).expect("create"));
    let (file, loaded) = SessionFile::open(&path).expect("open");
    assert_eq!(loaded, original);
    let json = loaded.checks["dns-apex"].evidence[0].results[0]
        .evidence
        .to_json();
    assert_eq!(json["nested"]["deeper"]["list"][2], json!(3.5));
    assert_eq!(json["count"], json!(u64::MAX));
    assert!(json["missing"].is_null());

    let mut changed = loaded.clone();
    changed.state_mut("tls-cert").status = CheckStatus::Pass;
    file.save(&changed).expect("save");
    drop(file);
    let (_file, again) = SessionFile::open(&path).expect("reopen");
    assert_eq!(again, changed);
}

#[test]
fn files_are_pretty_with_struct_names_and_sorted_checks() {
    let (_dir, path) = setup();
    drop(SessionFile::create(&path, &sample()).expect("create"));
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.starts_with("Session(\n  version: 1,\n"), "{text}");
    let dns = text.find("\"dns-apex\"").expect("dns-apex key");
    let load = text.find("\"load-test\"").expect("load-test key");
    assert!(dns < load, "checks are written in key order");
}

#[test]
fn create_refuses_an_existing_file() {
    let (_dir, path) = setup();
    std::fs::write(&path, "precious").expect("write");
    let err = SessionFile::create(&path, &sample()).expect_err("exists");
    assert!(
        matches!(&err, StoreError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
        "{err:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "precious");
}

#[test]
fn save_keeps_the_previous_version_as_backup() {
    let (dir, path) = setup();
    let first = sample();
    let file = SessionFile::create(&path, &first).expect("create");
    let mut second = first.clone();
    second.client = "Acme Analytics Ltd".into();
    file.save(&second).expect("save 2");
    assert_eq!(read_session(&store::backup_path(&path)), first);
    assert_eq!(read_session(&path), second);

    let mut third = second.clone();
    third.ui.presenter = true;
    file.save(&third).expect("save 3");
    assert_eq!(read_session(&store::backup_path(&path)), second);
    assert_eq!(read_session(&path), third);

    // Only the file, its backup and the lock sidecar remain: no temp files left behind.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["acme.ron", "acme.ron.bak", "acme.ron.lock"]);
}

#[test]
fn a_truncated_file_is_reported_with_its_location_and_left_untouched() {
    let (_dir, path) = setup();
    let first = sample();
    let file = SessionFile::create(&path, &first).expect("create");
    let mut second = first.clone();
    second.journal.clear();
    file.save(&second).expect("save");
    drop(file);

    let full = std::fs::read(&path).expect("read");
    let truncated = &full[..full.len() / 2];
    std::fs::write(&path, truncated).expect("truncate");

    let err = SessionFile::open(&path).expect_err("corrupt");
    match &err {
        StoreError::Corrupt {
            path: p,
            line,
            column,
            backup,
            ..
        } => {
            assert_eq!(p, &path);
            assert!(*line > 1 && *column > 0, "line {line} column {column}");
            assert_eq!(backup.as_deref(), Some(store::backup_path(&path).as_path()));
            let shown = err.to_string();
            assert!(
                shown.starts_with(&format!("{}:{line}:{column}: ", path.display())),
                "{shown}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).expect("read"), truncated);

    // Restoring from the backup: the backup is the version before the last save.
    let (file, restored) = SessionFile::open_backup(&path).expect("open backup");
    assert_eq!(restored, first);
    assert_eq!(std::fs::read(&path).expect("read"), truncated);
    file.save(&restored).expect("save restored");
    drop(file);
    // The damaged file is set aside, not promoted to the backup.
    assert_eq!(
        std::fs::read(store::corrupt_path(&path)).expect("set aside"),
        truncated
    );
    assert_eq!(read_session(&store::backup_path(&path)), first);
    let (_file, reopened) = SessionFile::open(&path).expect("open after restore");
    assert_eq!(reopened, first);
}

#[test]
fn a_garbage_file_is_corrupt_without_backup() {
    let (_dir, path) = setup();
    std::fs::write(&path, "\u{0}\u{1}PK binary junk {{{").expect("write");
    match SessionFile::open(&path) {
        Err(StoreError::Corrupt {
            line: 1, backup, ..
        }) => assert_eq!(backup, None),
        other => panic!("expected Corrupt at line 1, got {other:?}"),
    }
    assert!(
        SessionFile::open_backup(&path).is_err(),
        "there is no backup to open"
    );
}

#[test]
fn a_newer_file_is_refused_even_with_unknown_fields() {
    let (_dir, path) = setup();
    let text = store::to_ron(&sample()).expect("ron").replacen(
        "version: 1,",
        "version: 99,\n  hologram: (enabled: true),",
        1,
    );
    std::fs::write(&path, &text).expect("write");
    let err = SessionFile::open(&path).expect_err("too new");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 99,
                supported: SCHEMA_VERSION,
                backup: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("written by a newer launch-ready (format 99")
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn a_second_open_is_locked_out_until_the_first_closes() {
    let (_dir, path) = setup();
    let file = SessionFile::create(&path, &sample()).expect("create");
    let err = SessionFile::open(&path).expect_err("locked");
    assert!(matches!(&err, StoreError::Locked { path: p } if p == &path));
    assert_eq!(
        err.to_string(),
        format!(
            "{} is open in another launch-ready process; close it there first",
            path.display()
        )
    );
    assert!(matches!(
        SessionFile::open_backup(&path),
        Err(StoreError::Locked { .. })
    ));
    drop(file);
    let (_file, s) = SessionFile::open(&path).expect("opens after drop");
    assert_eq!(s, sample());
}

/// A session's export records (added after the v1 fixture was written) survive a save
/// and a reopen.
#[test]
fn export_records_round_trip_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acme.ron");
    let mut s = sample();
    s.exports.push(ExportRecord {
        kind: ExportKind::Prometheus,
        dir: "/srv/acme/monitoring".into(),
        at: s.updated_at,
        files: vec![ExportedFile {
            path: "alertmanager/secrets/alert-webhook".into(),
            secret: true,
        }],
        start: vec![StartStep::run("docker compose up -d", "the stack")],
        notes: vec!["credential `x` is not set here".into()],
    });
    let file = SessionFile::create(&path, &s).unwrap();
    drop(file);
    let (_file, again) = SessionFile::open(&path).unwrap();
    assert_eq!(again, s);
}

#[test]
fn the_v1_fixture_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sessions/v1/acme.ron");
    let s = read_session(&path);
    assert_eq!(s, sample());
}

#[test]
fn a_finding_code_this_build_does_not_know_is_refused_where_it_stands() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sessions/v1/acme.ron");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("\"dns.no_ipv6\"", "\"dns.no_aaaa\"");
    let err = launch_ready_core::session::migrate::load(&text).unwrap_err();
    let shown = err.to_string();
    assert!(shown.starts_with("57:"), "{shown}");
    assert!(
        shown.contains("unknown finding code `dns.no_aaaa`"),
        "{shown}"
    );
}

async fn wait_for(
    status: &mut tokio::sync::watch::Receiver<SaveStatus>,
    within: Duration,
    want: impl Fn(&SaveStatus) -> bool,
) -> SaveStatus {
    let reached = tokio::time::timeout(within, status.wait_for(|s| want(s)))
        .await
        .map(|r| r.map(|s| s.clone()));
    match reached {
        Ok(s) => s.expect("actor alive"),
        Err(_) => panic!("status not reached in {within:?}: {:?}", *status.borrow()),
    }
}

#[tokio::test]
async fn the_persister_coalesces_a_burst_and_flush_writes_the_last() {
    let (_dir, path) = setup();
    let first = sample();
    let file = SessionFile::create(&path, &first).expect("create");
    let persister = Persister::spawn(file);
    let status = persister.status();
    assert_eq!(*status.borrow(), SaveStatus::Idle);
    let mut last = first.clone();
    // Keystrokes 5 ms apart, the actor free to run between them: about 50 ms in all, well
    // inside one debounce window.
    for i in 0..10 {
        last.state_mut("dns-apex").note = format!("keystroke {i}");
        persister.save(last.clone());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(*status.borrow(), SaveStatus::Pending);
    persister.flush().await.expect("flush");
    assert!(matches!(*status.borrow(), SaveStatus::Saved(_)));
    assert_eq!(read_session(&path), last);
    // One write for the whole burst: the backup is still the created version.
    assert_eq!(read_session(&store::backup_path(&path)), first);
    // Flushing released the lock.
    let (_file, s) = SessionFile::open(&path).expect("lock released");
    assert_eq!(s, last);
}

#[tokio::test]
async fn the_persister_writes_within_a_second_without_flush() {
    let (_dir, path) = setup();
    let file = SessionFile::create(&path, &sample()).expect("create");
    let persister = Persister::spawn(file);
    let mut status = persister.status();
    let mut changed = sample();
    changed.ui.stage = 3;
    let asked = std::time::Instant::now();
    persister.save(changed.clone());
    wait_for(&mut status, Duration::from_secs(1), |s| {
        matches!(s, SaveStatus::Saved(_))
    })
    .await;
    let took = asked.elapsed();
    assert!(took >= Duration::from_millis(150), "debounced: {took:?}");
    assert_eq!(read_session(&path), changed);
    persister.flush().await.expect("flush");
}

#[tokio::test]
async fn a_failed_write_is_reported_kept_and_retried() {
    let (_dir, path) = setup();
    let first = sample();
    let file = SessionFile::create(&path, &first).expect("create");
    // A folder where the backup must go makes the save fail, for any user (root included).
    let bak = store::backup_path(&path);
    std::fs::create_dir(&bak).expect("obstruct");
    let persister = Persister::spawn(file);
    let mut status = persister.status();
    let mut changed = first.clone();
    changed.client = "Acme Renamed".into();
    persister.save(changed.clone());
    let failed = wait_for(&mut status, Duration::from_secs(2), |s| {
        matches!(s, SaveStatus::Failed(_))
    })
    .await;
    let SaveStatus::Failed(message) = failed else {
        unreachable!()
    };
    assert!(message.contains("acme.ron.bak"), "{message}");
    assert_eq!(read_session(&path), first, "the old file is intact");

    // Once fixed, the kept snapshot lands on its own (retry), without a new change.
    std::fs::remove_dir(&bak).expect("clear");
    wait_for(&mut status, Duration::from_secs(5), |s| {
        matches!(s, SaveStatus::Saved(_))
    })
    .await;
    assert_eq!(read_session(&path), changed);

    let mut later = changed.clone();
    later.ui.check = 2;
    persister.save(later.clone());
    persister.flush().await.expect("flush");
    assert_eq!(read_session(&path), later);
}

#[cfg(unix)]
#[tokio::test]
async fn a_read_only_folder_fails_then_recovers_on_the_next_change() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, path) = setup();
    let file = SessionFile::create(&path, &sample()).expect("create");
    let set_mode = |mode| {
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    set_mode(0o555);
    if std::fs::write(dir.path().join("probe"), "x").is_ok() {
        // Privileged users write through read-only folders; the obstruction test above
        // covers the failure path for them.
        set_mode(0o755);
        eprintln!("skipped: permissions are not enforced for this user");
        return;
    }
    let persister = Persister::spawn(file);
    let mut status = persister.status();
    let mut changed = sample();
    changed.ui.stage = 1;
    persister.save(changed.clone());
    wait_for(
        &mut status,
        Duration::from_secs(2),
        |s| matches!(s, SaveStatus::Failed(m) if m.contains("ermission denied")),
    )
    .await;
    set_mode(0o755);
    changed.ui.stage = 2;
    persister.save(changed.clone());
    persister.flush().await.expect("flush after fix");
    assert_eq!(read_session(&path), changed);
}

#[test]
fn opening_a_missing_file_names_it_and_leaves_nothing_behind() {
    let (dir, path) = setup();
    let err = SessionFile::open(&path).expect_err("missing");
    assert!(
        matches!(&err, StoreError::Io { path: p, source } if p == &path && source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert!(
        std::fs::read_dir(dir.path())
            .expect("list")
            .next()
            .is_none()
    );
}

#[cfg(unix)]
#[test]
fn a_session_opened_through_a_symlink_shares_the_lock_and_stays_one_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real_dir = dir.path().join("sessions");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(&real_dir).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let real = real_dir.join("acme.ron");
    let link = elsewhere.join("link-to-acme.ron");
    drop(SessionFile::create(&real, &sample()).expect("create"));
    std::os::unix::fs::symlink(&real, &link).expect("symlink");

    // Open by name in one place; the link is locked out.
    let first = SessionFile::open(&real).expect("open");
    assert!(matches!(
        SessionFile::open(&link),
        Err(StoreError::Locked { .. })
    ));
    drop(first);

    // Saving through the link writes the real file and keeps the link a link.
    let (file, _) = SessionFile::open(&link).expect("open through link");
    let mut changed = sample();
    changed.ui.stage = 3;
    file.save(&changed).expect("save");
    file.save(&changed).expect("save again");
    drop(file);
    let link_meta = std::fs::symlink_metadata(&link).expect("link");
    assert!(link_meta.file_type().is_symlink(), "the link was replaced");
    assert_eq!(read_session(&real), changed);
    let bak = store::backup_path(&real);
    assert!(
        std::fs::symlink_metadata(&bak)
            .expect("backup")
            .file_type()
            .is_file(),
        "the backup must be a regular file"
    );
    assert!(
        !store::backup_path(&link).exists(),
        "no backup beside the link"
    );
}

#[test]
fn invalid_utf8_is_damage_with_a_location_and_the_backup_hint() {
    let (_dir, path) = setup();
    let file = SessionFile::create(&path, &sample()).expect("create");
    file.save(&sample()).expect("save makes a backup");
    drop(file);
    let mut bytes = std::fs::read(&path).expect("read");
    // Line 3, after two characters of indentation.
    let third_line = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .map(|(i, _)| i + 1)
        .expect("three lines");
    bytes[third_line + 2] = 0xff;
    std::fs::write(&path, &bytes).expect("write");

    for err in [
        SessionFile::open(&path).expect_err("bad utf-8"),
        store::read(&path).expect_err("bad utf-8"),
    ] {
        match &err {
            StoreError::Corrupt {
                line,
                column,
                message,
                backup,
                ..
            } => {
                assert_eq!((*line, *column), (3, 3), "{err}");
                assert!(message.contains("UTF-8"), "{message}");
                assert_eq!(backup.as_deref(), Some(store::backup_path(&path).as_path()));
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "left untouched");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_instead_of_blocking() {
    let (_dir, path) = setup();
    let made = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Run on a thread so a regression hangs one assertion, not the whole test binary.
    let (tx, rx) = std::sync::mpsc::channel();
    let p = path.clone();
    std::thread::spawn(move || {
        let _ = tx.send((store::read(&p).err(), SessionFile::open(&p).err()));
    });
    let (read, open) = rx
        .recv_timeout(Duration::from_secs(5))
        .expect("reading a FIFO must not block");
    for err in [read.expect("refused"), open.expect("refused")] {
        assert!(
            matches!(&err, StoreError::NotAFile { kind, .. } if kind.contains("FIFO")),
            "{err:?}"
        );
        assert!(err.to_string().contains("not a session file"), "{err}");
    }
}

#[test]
fn a_folder_named_like_a_session_is_refused_by_name() {
    let (_dir, path) = setup();
    std::fs::create_dir(&path).expect("mkdir");
    let err = SessionFile::open(&path).expect_err("a folder");
    assert!(
        matches!(
            &err,
            StoreError::NotAFile {
                kind: "a folder",
                ..
            }
        ),
        "{err:?}"
    );
}

#[cfg(unix)]
#[test]
fn a_dangling_link_says_where_it_points() {
    let (dir, path) = setup();
    let target = dir.path().join("moved/acme.ron");
    std::os::unix::fs::symlink(&target, &path).expect("symlink");
    for err in [
        SessionFile::open(&path).expect_err("dangling"),
        store::read(&path).expect_err("dangling"),
    ] {
        assert!(
            matches!(&err, StoreError::DanglingLink { target: t, .. } if t == &target),
            "{err:?}"
        );
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}

#[test]
fn a_second_recovery_keeps_the_first_corrupt_file() {
    let (_dir, path) = setup();
    let file = SessionFile::create(&path, &sample()).expect("create");
    file.save(&sample()).expect("save makes a backup");
    drop(file);
    for (round, junk) in ["first damage {{", "second damage ))"].iter().enumerate() {
        std::fs::write(&path, junk).expect("damage");
        let (file, restored) = SessionFile::open_backup(&path).expect("open backup");
        file.save(&restored).expect("save restored");
        drop(file);
        if round == 0 {
            // The next save refreshes the backup from the restored file.
            let (file, s) = SessionFile::open(&path).expect("open");
            file.save(&s).expect("save");
        }
    }
    let first = store::corrupt_path(&path);
    let second = path.with_file_name("acme.ron.corrupt.2");
    assert_eq!(
        std::fs::read_to_string(&first).expect("first"),
        "first damage {{"
    );
    assert_eq!(
        std::fs::read_to_string(&second).expect("second"),
        "second damage ))"
    );
}

#[cfg(unix)]
#[test]
fn a_read_only_session_is_refused_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = setup();
    drop(SessionFile::create(&path, &sample()).expect("create"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let before = std::fs::read(&path).expect("read");
    let err = SessionFile::open(&path).expect_err("read-only");
    assert!(matches!(&err, StoreError::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("read-only"), "{err}");
    assert!(SessionFile::open_backup(&path).is_err());
    let meta = std::fs::metadata(&path).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o444);
    assert_eq!(std::fs::read(&path).expect("read"), before);
    // Listing still reads it.
    assert_eq!(store::read(&path).expect("read"), sample());
}

#[cfg(unix)]
#[test]
fn a_save_keeps_the_session_file_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = setup();
    drop(SessionFile::create(&path, &sample()).expect("create"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let (file, s) = SessionFile::open(&path).expect("open");
    file.save(&s).expect("save");
    let meta = std::fs::metadata(&path).expect("meta");
    assert_eq!(meta.permissions().mode() & 0o777, 0o640);
}

#[cfg(unix)]
#[test]
fn a_hard_link_to_a_session_is_refused_by_both_names() {
    let (dir, path) = setup();
    drop(SessionFile::create(&path, &sample()).expect("create"));
    // A save refreshes the backup through a link: the session opens and saves as before.
    let (file, _) = SessionFile::open(&path).expect("open");
    file.save(&sample()).expect("save");
    drop(file);
    let (file, _) = SessionFile::open(&path).expect("open after a save");
    drop(file);

    let other = dir.path().join("copy-of-acme.ron");
    std::fs::hard_link(&path, &other).expect("hard link");
    for (name, shown) in [(&path, &other), (&other, &path)] {
        let err = SessionFile::open(name).expect_err("two names, two locks");
        assert!(matches!(err, StoreError::HardLinked { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains(&shown.display().to_string()), "{text}");
        assert!(text.contains("hard link"), "{text}");
    }
    // With the other name gone, it opens again.
    std::fs::remove_file(&other).unwrap();
    drop(SessionFile::open(&path).expect("one name again"));
}
