//! A repository that fights back: ignore files, baselines and env files that are FIFOs,
//! links to `/dev/zero` or links out of the repository, and content the scan cannot read
//! (files over the size limit, a huge or corrupt blob in history, paths deeper than the
//! system allows). Every run here must end quickly, say what it refused or left unread,
//! and never call such a scan a clean pass.
//!
//! The binary runs under an address-space limit and a deadline, so a regression shows as
//! a failed test instead of a machine out of memory or a hung test run.

use git2::{IndexAddOption, Repository, Signature, Time};
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long any one run may take: these are tiny repositories.
const DEADLINE: Duration = Duration::from_secs(30);

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Ran {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

/// Runs the binary with `args` under a 4 GiB address-space limit, killing it at the
/// deadline. Panics when it had to be killed or died of a signal.
fn run_bounded(args: &[&str], cwd: Option<&Path>) -> Ran {
    let started = Instant::now();
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 4194304; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_launch-ready"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().expect("binary starts");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("launch-ready {args:?} still running after {DEADLINE:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = String::from_utf8_lossy(&reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    assert!(
        status.code().is_some(),
        "launch-ready {args:?} died of a signal ({status:?}): {stderr}"
    );
    Ran {
        code: status.code(),
        stdout,
        stderr,
        took: started.elapsed(),
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(ok.success(), "mkfifo {}", path.display());
}

fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

fn commit_all(repo: &Repository, msg: &str) {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Dev", "dev@acme.test", &Time::new(1_700_000_000, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
        .unwrap();
}

/// A small committed repository: one source file and nothing secret.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/app.ts"), "export const port = 8080;\n").unwrap();
    let repo = Repository::init(&root).unwrap();
    commit_all(&repo, "initial");
    (dir, root)
}

fn check(root: &Path, extra: &[&str]) -> Ran {
    let root = root.display().to_string();
    let mut args = vec![
        "check",
        "--only",
        "secrets,env",
        "--fail-on",
        "never",
        "--format",
        "json",
        root.as_str(),
    ];
    args.extend_from_slice(extra);
    run_bounded(&args, None)
}

fn result<'a>(v: &'a Value, check: &str) -> &'a Value {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["check"] == check)
        .unwrap_or_else(|| panic!("no {check} result in {v}"))
}

#[test]
fn a_gitignore_linked_to_dev_zero_is_refused_and_the_scan_ends() {
    let (_d, root) = repo();
    symlink("/dev/zero", &root.join(".gitignore"));
    let ran = check(&root, &[]);
    assert!(ran.took < DEADLINE);
    let v = ran.json();
    let text = result(&v, "secrets.repo").to_string();
    assert!(
        text.contains(".gitignore"),
        "the refusal names the file: {text}"
    );
    assert_ne!(v["verdict"], "go", "{v}");
}

#[test]
fn a_gitignore_fifo_is_refused_and_the_scan_ends() {
    let (_d, root) = repo();
    mkfifo(&root.join(".gitignore"));
    let ran = check(&root, &[]);
    let v = ran.json();
    let text = result(&v, "secrets.repo").to_string();
    assert!(
        text.contains(".gitignore") && text.contains("named pipe"),
        "{text}"
    );
    // env.gitignore asks git, which reads the same file: it must not hang either.
    let gi = result(&v, "env.gitignore");
    assert_eq!(gi["status"], "error", "{gi}");
    assert!(
        gi["summary"].as_str().unwrap().contains("named pipe"),
        "{gi}"
    );
}

#[test]
fn a_nested_gitignore_fifo_is_refused_too() {
    let (_d, root) = repo();
    mkfifo(&root.join("src/.gitignore"));
    let v = check(&root, &[]).json();
    let text = result(&v, "secrets.repo").to_string();
    assert!(text.contains("src/.gitignore"), "{text}");
}

#[test]
fn a_baseline_that_is_a_fifo_or_dev_zero_is_refused() {
    for make in ["fifo", "zero"] {
        let (_d, root) = repo();
        let b = root.join(".launch-ready-baseline.json");
        match make {
            "fifo" => mkfifo(&b),
            _ => symlink("/dev/zero", &b),
        }
        let v = check(&root, &[]).json();
        let r = result(&v, "secrets.repo");
        assert_eq!(r["status"], "error", "{make}: {r}");
        assert!(
            r["summary"]
                .as_str()
                .unwrap()
                .contains(".launch-ready-baseline.json"),
            "{make}: {r}"
        );
        let out = run_bounded(
            &[
                "secrets",
                "baseline",
                "--all",
                "--reason",
                "x",
                &root.display().to_string(),
            ],
            None,
        );
        assert_ne!(out.code, Some(0), "{make}: {}", out.stdout);
        assert!(
            out.stderr.contains(".launch-ready-baseline.json"),
            "{make}: {}",
            out.stderr
        );
    }
}

#[test]
fn a_dangling_baseline_link_is_not_written_through() {
    let (d, root) = repo();
    let outside = d.path().join("elsewhere/planted.json");
    std::fs::create_dir_all(outside.parent().unwrap()).unwrap();
    symlink(&outside, &root.join(".launch-ready-baseline.json"));
    let out = run_bounded(
        &[
            "secrets",
            "baseline",
            "--all",
            "--reason",
            "x",
            &root.display().to_string(),
        ],
        None,
    );
    assert_ne!(out.code, Some(0), "{}", out.stdout);
    assert!(!outside.exists(), "nothing written outside the repository");
    assert!(
        out.stderr.contains("link") && out.stderr.contains(".launch-ready-baseline.json"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_baseline_linked_to_another_repositorys_is_left_alone() {
    let (_d, root) = repo();
    let (_o, other) = repo();
    let theirs = other.join(".launch-ready-baseline.json");
    let before = "{\"version\":1,\"accepted\":[]}\n";
    std::fs::write(&theirs, before).unwrap();
    symlink(&theirs, &root.join(".launch-ready-baseline.json"));
    let out = run_bounded(
        &[
            "secrets",
            "baseline",
            "--all",
            "--reason",
            "x",
            &root.display().to_string(),
        ],
        None,
    );
    assert_ne!(out.code, Some(0), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), before);
    assert!(out.stderr.contains("outside"), "{}", out.stderr);
}

#[test]
fn env_files_that_are_fifos_or_devices_are_refused() {
    let (d, root) = repo();
    let fifo = d.path().join(".env.staging");
    mkfifo(&fifo);
    let zero = d.path().join(".env.production");
    symlink("/dev/zero", &zero);
    let v = check(
        &root,
        &[&fifo.display().to_string(), &zero.display().to_string()],
    )
    .json();
    let inventory: Vec<&Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == "env.inventory")
        .collect();
    assert_eq!(inventory.len(), 2, "{v}");
    for r in inventory {
        assert_eq!(r["status"], "error", "{r}");
        let s = r["summary"].as_str().unwrap();
        assert!(s.contains("named pipe") || s.contains("device"), "{s}");
    }
}

/// A text file over the scan's size limit, a huge blob only in history, a corrupt blob
/// and a path deeper than the system allows are each counted, with the largest named and
/// why, and the scans are not a clean pass.
#[test]
fn what_the_scan_could_not_read_is_reported_and_never_a_clean_pass() {
    let (_d, root) = repo();
    let repo = Repository::open(&root).unwrap();
    // Over 4 MiB of text, committed and then removed: history holds a blob too big to read.
    let big = "let x = 1;\n".repeat(500_000);
    std::fs::write(root.join("vendor.js"), &big).unwrap();
    commit_all(&repo, "vendor");
    std::fs::remove_file(root.join("vendor.js")).unwrap();
    commit_all(&repo, "drop vendor");
    // In the working tree: a big text file (not read) and a big binary (binary, skipped).
    std::fs::write(
        root.join("dump.sql"),
        "insert into t values (1);\n".repeat(200_000),
    )
    .unwrap();
    let mut bin = vec![0u8; 16];
    bin.resize(5 * 1024 * 1024, 7);
    std::fs::write(root.join("video.bin"), bin).unwrap();
    let v = check(&root, &[]).json();
    let r = result(&v, "secrets.repo");
    assert_ne!(r["status"], "pass", "{r}");
    let nr = &r["evidence"]["not_read"];
    assert_eq!(nr["count"], 1, "the binary is not counted: {r}");
    assert_eq!(nr["largest"]["path"], "dump.sql", "{r}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("dump.sql")),
        "{r}"
    );
    let h = result(&v, "secrets.history");
    assert_ne!(h["status"], "pass", "{h}");
    assert_eq!(h["evidence"]["not_read"]["count"], 1, "{h}");
    assert_eq!(h["evidence"]["not_read"]["largest"]["path"], "vendor.js");
    assert_ne!(v["verdict"], "go", "{v}");

    // The text output says it too.
    let text = run_bounded(
        &[
            "check",
            "--only",
            "secrets",
            "--fail-on",
            "never",
            &root.display().to_string(),
        ],
        None,
    );
    assert!(
        text.stdout.contains("not scanned") && text.stdout.contains("dump.sql"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_corrupt_blob_in_history_is_reported() {
    let (_d, root) = repo();
    let repo = Repository::open(&root).unwrap();
    std::fs::write(root.join("notes.txt"), "deploy on friday\n").unwrap();
    commit_all(&repo, "notes");
    let blob = repo
        .head()
        .unwrap()
        .peel_to_tree()
        .unwrap()
        .get_name("notes.txt")
        .unwrap()
        .id()
        .to_string();
    let object = root.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    let mut perms = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)] // a test fixture, owned by the test
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).unwrap();
    std::fs::write(&object, b"this is not zlib").unwrap();
    let v = check(&root, &[]).json();
    let h = result(&v, "secrets.history");
    assert_ne!(h["status"], "pass", "{h}");
    let nr = &h["evidence"]["not_read"];
    assert_eq!(nr["count"], 1, "{h}");
    assert!(nr.to_string().contains("notes.txt"), "{h}");
}

#[test]
fn a_path_deeper_than_the_system_allows_is_reported() {
    let (_d, root) = repo();
    // Two chains of 15 folders with 200-char names, each within PATH_MAX (4096), then
    // one moved into the other: the file at the end lies past what a path can name.
    let name = "d".repeat(200);
    let chain = |base: PathBuf| -> PathBuf {
        let mut p = base;
        for _ in 0..15 {
            p.push(&name);
        }
        std::fs::create_dir_all(&p).unwrap();
        p
    };
    let deep_a = chain(root.join("a"));
    let deep_b = chain(root.join("b"));
    std::fs::write(deep_b.join("deep.txt"), "x\n").unwrap();
    std::fs::rename(root.join("b"), deep_a.join("b")).unwrap();
    let v = check(&root, &[]).json();
    let r = result(&v, "secrets.repo");
    assert_ne!(r["status"], "pass", "{r}");
    assert!(
        r["evidence"]["not_read"]["count"].as_u64().unwrap_or(0) >= 1,
        "{r}"
    );
}
