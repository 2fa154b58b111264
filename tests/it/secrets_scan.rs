//! The secrets and env families on repositories generated in the test with libgit2:
//! planted credentials (current, history-only, on a side branch, in the build output and
//! inside a source map) are found with the right code, path, line and commit; decoys are
//! not; and no planted value appears in any output. Planted values are assembled at run
//! time so that no complete credential sits in this source.

use git2::{IndexAddOption, Oid, Repository, Signature, Time};
use launch_ready_checks::secrets::history::{scan_history, tracked_dotenv_files};
use launch_ready_checks::secrets::tree::{scan_build, scan_tree};
use launch_ready_checks::secrets::{Cancel, Hit};
use std::path::Path;

struct Planted {
    stripe: String,
    github_env: String,
    slack: String,
    aws_id: String,
    gitlab: String,
    openai: String,
    github_map: String,
    env_secret: String,
}

impl Planted {
    fn new() -> Planted {
        Planted {
            stripe: ["sk_", "live_", "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1"].concat(),
            github_env: ["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s05tJUC"].concat(),
            slack: [
                "xoxb",
                "-",
                "2048123456-4096123456789-Qm7Rt9Lp4Nv8Kb3Wz5Xy1AcD",
            ]
            .concat(),
            aws_id: ["AKIA", "Z7QW3RT5YU6IOPLK"].concat(),
            gitlab: ["glpat", "-", "Xy7Qm2Rt9Lp4Nv8Kb3Wz"].concat(),
            openai: [
                "sk-",
                "proj-",
                "Qm7Rt9Lp4Nv8Kb3WT3BlbkFJz5Xy1AcDeLp4Nv8Kb3W",
            ]
            .concat(),
            github_map: ["gho", "_", "T9x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s4NsiLQ"].concat(),
            env_secret: ["k3J9xQ2m", "L7pR4vT8", "wZ1nB6cF"].concat(),
        }
    }
    fn all(&self) -> Vec<&str> {
        vec![
            &self.stripe,
            &self.github_env,
            &self.slack,
            &self.aws_id,
            &self.gitlab,
            &self.openai,
            &self.github_map,
            &self.env_secret,
        ]
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn commit_all(repo: &Repository, msg: &str) -> Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), IndexAddOption::DEFAULT, None)
        .unwrap();
    index.update_all(["*"].iter(), None).unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("Dev", "dev@brightdesk.test", &Time::new(1_700_000_000, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, msg, &tree, &parents)
        .unwrap()
}

/// A commit on `refs/heads/feature` adding one file, leaving HEAD and the tree alone.
fn commit_on_side_branch(repo: &Repository, file: &str, text: &str) -> Oid {
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let mut tb = repo.treebuilder(Some(&head.tree().unwrap())).unwrap();
    tb.insert(file, repo.blob(text.as_bytes()).unwrap(), 0o100644)
        .unwrap();
    let tree = repo.find_tree(tb.write().unwrap()).unwrap();
    let sig = Signature::new("Dev", "dev@brightdesk.test", &Time::new(1_700_000_100, 0)).unwrap();
    repo.commit(
        Some("refs/heads/feature"),
        &sig,
        &sig,
        "wip",
        &tree,
        &[&head],
    )
    .unwrap()
}

struct Fixture {
    _dir: tempfile::TempDir,
    _outside: tempfile::TempDir,
    root: std::path::PathBuf,
    envs: std::path::PathBuf,
    history_commit: Oid,
    feature_commit: Oid,
    p: Planted,
}

fn fixture() -> Fixture {
    let p = Planted::new();
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let root = dir.path().join("brightdesk");
    std::fs::create_dir_all(&root).unwrap();
    let repo = Repository::init(&root).unwrap();
    write(&root, ".gitignore", "dist/\nnode_modules/\n");
    write(
        &root,
        "src/config.ts",
        &format!(
            "export const config = {{\n  region: 'eu',\n  stripe: '{}',\n}};\n",
            p.stripe
        ),
    );
    write(&root, ".env", &format!("GITHUB_TOKEN={}\n", p.github_env));
    // Decoys: documented examples, placeholders, test keys, lock hashes, UUIDs, binaries.
    write(
        &root,
        "docs/aws.md",
        &[
            "AWS_ACCESS_KEY_ID=AKIA",
            "IOSFODNN7EXAMPLE\n",
            "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
            "EXAMPLEKEY\n",
        ]
        .concat(),
    );
    write(
        &root,
        "src/defaults.ts",
        &[
            "const API_KEY = 'YOUR_API_KEY_HERE';\nconst password = 'changeme';\n",
            "const stripeTest = 'sk_", "test_", "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1';\n",
            "const TENANT_ID = '3f2b8c1e-9a4d-4e7f-b2c6-1d8e5f3a7b90';\nconst token = 'xxxxxxxxxxxxxxxxxxxx';\n",
        ]
        .concat(),
    );
    let hash = {
        use base64::Engine;
        use sha2::{Digest, Sha512};
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(b"left-pad"))
    };
    write(
        &root,
        "package-lock.json",
        &format!(
            "{{\"packages\":{{\"node_modules/left-pad\":{{\"integrity\": \"sha512-{hash}\"}}}}}}\n"
        ),
    );
    let mut binary = vec![0u8, 1, 2, 3];
    binary.extend_from_slice(p.github_env.as_bytes());
    std::fs::write(root.join("logo.png"), binary).unwrap();
    // A link out of the tree must not be followed.
    write(
        outside.path(),
        "leak.txt",
        &format!("TOKEN={}\n", p.github_map),
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(outside.path(), root.join("outside")).unwrap();
    commit_all(&repo, "initial");
    write(
        &root,
        "old/key.txt",
        &format!(
            "# ops notes\nslack={}\naws={}\nsession {}\n",
            p.slack, p.aws_id, p.env_secret
        ),
    );
    let history_commit = commit_all(&repo, "add ops notes");
    std::fs::remove_file(root.join("old/key.txt")).unwrap();
    commit_all(&repo, "remove ops notes");
    let feature_commit = commit_on_side_branch(&repo, "feat.txt", &format!("x\n{}\n", p.gitlab));
    // Build output (ignored by git) with a bundle and a source map.
    write(
        &root,
        "dist/app.js",
        &format!(
            "!function(){{}}();\nvar k=\"{}\";\n//# sourceMappingURL=app.js.map\nvar s=\"{}\";\n",
            p.openai,
            {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(&p.env_secret)
            }
        ),
    );
    let admin = format!("import x from 'y';\nconst gh = '{}';\n", p.github_map);
    write(
        &root,
        "dist/app.js.map",
        &serde_json::json!({"version":3,"sources":["src/admin.ts"],"sourcesContent":[admin],"mappings":""}).to_string(),
    );
    let envs = dir.path().join("envs");
    write(
        &envs,
        ".env.example",
        "DATABASE_URL=\nSESSION_SECRET=\nSENTRY_DSN=\n",
    );
    write(
        &envs,
        ".env.staging",
        &format!(
            "DATABASE_URL=x\nSESSION_SECRET={}\nSENTRY_DSN=\n",
            p.env_secret
        ),
    );
    write(
        &envs,
        ".env.production",
        &format!(
            "DATABASE_URL=y\nSESSION_SECRET={}\nNEXT_PUBLIC_STRIPE_SECRET={}\n",
            p.env_secret, p.stripe
        ),
    );
    Fixture {
        _dir: dir,
        _outside: outside,
        root,
        envs,
        history_commit,
        feature_commit,
        p,
    }
}

fn summary(hits: &[Hit]) -> Vec<(&'static str, String, usize, Option<String>)> {
    let mut v: Vec<_> = hits
        .iter()
        .map(|h| (h.rule, h.path.clone(), h.line, h.commit.clone()))
        .collect();
    v.sort();
    v
}

#[test]
fn working_tree_history_and_build_output() {
    let f = fixture();
    let c = Cancel::default();
    let tree = scan_tree(&f.root, &c, &|_, _| {}).unwrap();
    assert_eq!(
        summary(&tree.hits),
        [
            ("github-token", ".env".to_string(), 1, None),
            ("stripe-secret-key", "src/config.ts".to_string(), 3, None),
        ],
        "decoys, ignored dist/, binaries and links out of the tree are not findings"
    );
    assert_eq!(tracked_dotenv_files(&f.root).unwrap(), [".env"]);

    let history = scan_history(&f.root, &c, &|_, _| {}).unwrap();
    let h = f.history_commit.to_string();
    assert_eq!(
        summary(&history.hits),
        [
            (
                "aws-access-key-id",
                "old/key.txt".to_string(),
                3,
                Some(h.clone())
            ),
            (
                "gitlab-token",
                "feat.txt".to_string(),
                2,
                Some(f.feature_commit.to_string())
            ),
            ("slack-token", "old/key.txt".to_string(), 2, Some(h)),
        ],
        "history-only secrets at the commit that introduced them, side branches included"
    );
    assert_eq!(history.commits, 4);

    let build = scan_build(&f.root.join("dist"), &c, &|_, _| {}).unwrap();
    assert_eq!(
        summary(&build.hits),
        [
            (
                "github-token",
                "app.js.map!src/admin.ts".to_string(),
                2,
                None
            ),
            ("openai-api-key", "app.js".to_string(), 2, None),
        ]
    );
    let shown = serde_json::to_string(&[tree.hits, history.hits, build.hits].concat()).unwrap();
    for v in f.p.all() {
        assert!(!shown.contains(v), "a planted value leaked into the hits");
    }
}

#[test]
fn a_cancelled_scan_stops() {
    let f = fixture();
    let c = Cancel::default();
    c.cancel();
    assert!(scan_tree(&f.root, &c, &|_, _| {}).is_err());
    assert!(scan_history(&f.root, &c, &|_, _| {}).is_err());
}

fn run_check(f: &Fixture, format: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args([
            "check",
            "--only",
            "secrets,env",
            "--fail-on",
            "never",
            "--format",
            format,
        ])
        .arg(&f.root)
        .arg(f.envs.join(".env.example"))
        .arg(f.envs.join(".env.staging"))
        .arg(f.envs.join(".env.production"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn headless_json_carries_the_evidence_and_no_output_carries_a_value() {
    let f = fixture();
    let out = run_check(&f, "json");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    assert_eq!(v["verdict"], "no-go");
    let findings: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .collect();
    let codes: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in [
        "secrets.exposed",
        "secrets.dotenv_committed",
        "secrets.in_history",
        "secrets.in_build_output",
        "env.missing_var",
        "env.shared_secret",
        "env.client_exposed_secret",
        "env.not_gitignored",
    ] {
        assert!(codes.contains(code), "{code} missing from {codes:?}");
    }
    let in_history = findings
        .iter()
        .find(|f| f["code"] == "secrets.in_history" && f["evidence"]["rule"] == "slack-token")
        .unwrap();
    assert_eq!(in_history["evidence"]["path"], "old/key.txt");
    assert_eq!(in_history["evidence"]["line"], 2);
    assert_eq!(
        in_history["evidence"]["commit"],
        f.history_commit.to_string()
    );
    assert!(
        in_history["evidence"]["redacted"]
            .as_str()
            .unwrap()
            .contains('…')
    );
    let text = run_check(&f, "text");
    for output in [stdout, String::from_utf8_lossy(&text.stdout).into_owned()] {
        for p in f.p.all() {
            assert!(
                !output.contains(p),
                "a planted value leaked into the output"
            );
        }
    }
}

#[test]
fn a_baseline_suppresses_what_it_accepts_and_says_how_many() {
    let f = fixture();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args([
            "secrets",
            "baseline",
            "--reason",
            "rotation booked",
            "--by",
            "qa",
            "--expires",
            "2099-12-31",
            "--all",
        ])
        .arg(&f.root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_to_string(f.root.join(".launch-ready-baseline.json")).unwrap();
    for p in f.p.all() {
        assert!(!file.contains(p), "the baseline holds no secret");
    }
    assert!(file.contains("rotation booked") && file.contains("\"qa\""));
    let out = run_check(&f, "json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    let repo = results
        .iter()
        .find(|r| r["check"] == "secrets.repo")
        .unwrap();
    let codes: Vec<&str> = repo["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["secrets.dotenv_committed"],
        "accepted secrets are not reported"
    );
    assert_eq!(repo["evidence"]["suppressed_by_baseline"], 2);
    for check in ["secrets.history", "secrets.build"] {
        let r = results.iter().find(|r| r["check"] == check).unwrap();
        let others = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["evidence"]["rule"] != "env-value")
            .count();
        assert_eq!(others, 0, "{check}: {r}");
    }
}

/// `--env-reference FILE` replaces `.env.example` as the list of names every environment
/// must have; the missing names are named, never their values.
#[test]
fn a_configured_reference_list_names_what_each_environment_lacks() {
    let f = fixture();
    let reference = f.envs.join("required.list");
    std::fs::write(&reference, "# required\nFEATURE_FLAGS_URL=\nSENTRY_DSN=\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args([
            "check",
            "--only",
            "env",
            "--fail-on",
            "never",
            "--format",
            "json",
        ])
        .arg("--env-reference")
        .arg(&reference)
        .arg(f.envs.join(".env.staging"))
        .arg(f.envs.join(".env.production"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missing: Vec<&serde_json::Value> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["findings"].as_array().unwrap())
        .filter(|f| f["code"] == "env.missing_var")
        .collect();
    assert_eq!(missing.len(), 2, "one per environment: {v}");
    for m in &missing {
        assert_eq!(m["evidence"]["reference"], "reference");
        let names = m["evidence"]["names"].to_string();
        assert!(names.contains("FEATURE_FLAGS_URL"), "{names}");
    }
    let text = String::from_utf8_lossy(&out.stdout);
    for p in f.p.all() {
        assert!(!text.contains(p), "a planted value leaked");
    }
    // A reference that is not a file is a usage error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(["check", "--only", "env", "--env-reference"])
        .arg(f.envs.join("absent.list"))
        .arg(f.envs.join(".env.staging"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--env-reference"));
}

fn run_json(args: &[&std::ffi::OsStr]) -> (Option<i32>, serde_json::Value) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(["check", "--format", "json"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), v)
}

fn findings_of<'a>(v: &'a serde_json::Value, check: &str) -> Vec<&'a serde_json::Value> {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["check"] == check)
        .flat_map(|r| r["findings"].as_array().unwrap())
        .collect()
}

/// The reported case: a folder holding only a template env file whose secret is empty.
#[test]
fn an_example_env_file_with_an_empty_secret_is_a_go() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".env.example",
        "STRIPE_SECRET_KEY=\nNEXT_PUBLIC_API_URL=https://api.acme.test\n",
    );
    let (code, v) = run_json(&[
        "--only".as_ref(),
        "secrets".as_ref(),
        dir.path().as_os_str(),
    ]);
    assert_eq!(
        findings_of(&v, "secrets.repo"),
        Vec::<&serde_json::Value>::new()
    );
    assert_eq!(v["verdict"], "go", "{v}");
    assert_eq!(code, Some(0));
}

/// A committed repository whose git config ignores `.env.production` through an excludes
/// file (as a global `core.excludesFile` does), with a live key in that untracked file.
fn repo_with_local_env(p: &Planted) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    std::fs::create_dir_all(&root).unwrap();
    let repo = Repository::init(&root).unwrap();
    write(&root, "src/app.ts", "export const port = 8080;\n");
    commit_all(&repo, "initial");
    let excludes = dir.path().join("global-ignore");
    std::fs::write(&excludes, ".env.production\n").unwrap();
    repo.config()
        .unwrap()
        .set_str("core.excludesFile", &excludes.display().to_string())
        .unwrap();
    write(
        &root,
        ".env.production",
        &format!("NEXT_PUBLIC_STRIPE_SECRET={}\n", p.stripe),
    );
    (dir, root)
}

#[test]
fn a_key_in_an_ignored_untracked_env_file_is_a_local_risk_not_a_leak() {
    let p = Planted::new();
    let (_d, root) = repo_with_local_env(&p);
    let (code, v) = run_json(&["--only".as_ref(), "secrets".as_ref(), root.as_os_str()]);
    let f = findings_of(&v, "secrets.repo");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["code"], "secrets.exposed");
    assert_eq!(f[0]["severity"], "low", "{}", f[0]);
    let message = f[0]["message"].as_str().unwrap();
    assert!(
        message.contains("on this machine, not in the repository"),
        "{message}"
    );
    assert_ne!(v["verdict"], "no-go", "{v}");
    assert_eq!(code, Some(0));
}

#[test]
fn a_tracked_file_that_gitignore_also_names_is_still_scanned() {
    let p = Planted::new();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    std::fs::create_dir_all(&root).unwrap();
    let repo = Repository::init(&root).unwrap();
    write(
        &root,
        "config/prod.ts",
        &format!("export const k = '{}';\n", p.stripe),
    );
    commit_all(&repo, "initial");
    // Ignoring a file after committing it leaves it in the repository.
    write(&root, ".gitignore", "config/\n");
    commit_all(&repo, "ignore config");
    let (_, v) = run_json(&[
        "--only".as_ref(),
        "secrets".as_ref(),
        "--fail-on".as_ref(),
        "never".as_ref(),
        root.as_os_str(),
    ]);
    let f = findings_of(&v, "secrets.repo");
    assert_eq!(f.len(), 1, "{v}");
    assert_eq!(f[0]["severity"], "blocker");
    assert_eq!(f[0]["evidence"]["path"], "config/prod.ts");
}

/// A key that a rule recognises and that is also the value of an env variable given to
/// the run is one finding, by its rule — in history and across the tree and history.
#[test]
fn a_value_found_by_its_rule_and_as_an_env_value_counts_once() {
    let p = Planted::new();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    std::fs::create_dir_all(&root).unwrap();
    let repo = Repository::init(&root).unwrap();
    write(&root, "src/old.ts", &format!("const k = '{}';\n", p.stripe));
    write(
        &root,
        "src/now.ts",
        &format!("const g = '{}';\n", p.github_env),
    );
    commit_all(&repo, "keys");
    std::fs::remove_file(root.join("src/old.ts")).unwrap();
    commit_all(&repo, "drop old key");
    let env = dir.path().join(".env.production");
    std::fs::write(
        &env,
        format!(
            "NEXT_PUBLIC_STRIPE_SECRET={}\nGITHUB_TOKEN={}\n",
            p.stripe, p.github_env
        ),
    )
    .unwrap();
    let (_, v) = run_json(&[
        "--only".as_ref(),
        "secrets".as_ref(),
        "--fail-on".as_ref(),
        "never".as_ref(),
        root.as_os_str(),
        env.as_os_str(),
    ]);
    let history = findings_of(&v, "secrets.history");
    let rules: Vec<&str> = history
        .iter()
        .map(|f| f["evidence"]["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["stripe-secret-key"], "{v}");
    let tree: Vec<&str> = findings_of(&v, "secrets.repo")
        .iter()
        .map(|f| f["evidence"]["rule"].as_str().unwrap())
        .collect();
    assert_eq!(tree, ["github-token"], "{v}");
}

fn baseline_cmd(root: &Path, extra: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_launch-ready"))
        .args(["secrets", "baseline", "--reason", "fixture"])
        .args(extra)
        .arg(root)
        .env("USER", "not-the-git-user")
        .output()
        .unwrap()
}

#[test]
fn baseline_lists_what_it_accepts_and_wants_a_choice_for_blockers() {
    let f = fixture();
    let file = f.root.join(".launch-ready-baseline.json");
    // A live key in the tree is a blocker: without --all or a filter nothing is written.
    let out = baseline_cmd(&f.root, &[]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("stripe-secret-key") && said.contains("src/config.ts:3"),
        "{said}"
    );
    assert!(said.contains("--all"), "{said}");
    assert!(!file.exists(), "nothing accepted without a choice");
    for p in f.p.all() {
        assert!(!said.contains(p), "the listing is redacted");
    }
    // A rule filter accepts only that rule, and lists it.
    let out = baseline_cmd(&f.root, &["--rule", "stripe-secret-key"]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        said.contains("stripe-secret-key") && said.contains("src/config.ts:3"),
        "{said}"
    );
    assert!(!said.contains("github-token"), "{said}");
    let b: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let rules: Vec<&str> = b["accepted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["stripe-secret-key"]);
    // A path filter.
    let out = baseline_cmd(&f.root, &["--path", "old/"]);
    assert_eq!(out.status.code(), Some(0));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("old/key.txt"), "{said}");
    assert!(!said.contains("src/config.ts"), "{said}");
}

#[test]
fn baseline_records_the_repositorys_git_user_when_by_is_not_given() {
    let f = fixture();
    let repo = Repository::open(&f.root).unwrap();
    let mut cfg = repo.config().unwrap();
    cfg.set_str("user.name", "Dana Ops").unwrap();
    cfg.set_str("user.email", "dana@acme.test").unwrap();
    let out = baseline_cmd(&f.root, &["--all"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = std::fs::read_to_string(f.root.join(".launch-ready-baseline.json")).unwrap();
    assert!(file.contains("Dana Ops <dana@acme.test>"), "{file}");
    assert!(!file.contains("not-the-git-user"), "{file}");
}
