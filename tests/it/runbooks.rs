//! The bundled runbooks and the runbook validator: every shipped file parses and validates,
//! matches its source roadmap's structure, and invalid files fail with FILE:LINE:COLUMN.

use launch_ready_core::runbook::library;
use launch_ready_core::runbook::library::BUNDLED;
use launch_ready_core::runbook::load;
use std::path::{Path, PathBuf};
use std::process::Command;

const IDS: [&str; 5] = [
    "b2b-demo-to-launch",
    "internal-ops-first-customers",
    "marketplace-demo-to-launch",
    "b2b-idea-to-prototype",
    "b2b-landing-first-customers",
];

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_bundled_runbook_validates_with_seven_stages() {
    let loaded = library::bundled();
    assert_eq!(loaded.len(), 5);
    for (r, id) in loaded.into_iter().zip(IDS) {
        let l = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(l.runbook.id, id);
        assert_eq!(l.runbook.stages.len(), 7, "{id}");
        assert!(l.hash.starts_with("sha256:"));
    }
}

#[test]
fn bundled_files_are_the_ones_in_runbooks_dir() {
    for (name, source) in BUNDLED {
        let on_disk = std::fs::read_to_string(manifest().join("runbooks").join(name)).unwrap();
        assert_eq!(&on_disk, source, "{name}");
    }
}

/// The seeds live beside the repository (`../shared/seeds`); when they are not there the
/// source comparisons cannot run, which this returns as `None`.
fn seeds_dir() -> Option<PathBuf> {
    let d = manifest().join("../shared/seeds");
    d.join("README.md").exists().then_some(d)
}

/// Maps runbook id → seed text, from the seeds README table.
fn seed_for(dir: &Path, id: &str) -> String {
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.contains(&format!("`{id}`")))
        .unwrap_or_else(|| panic!("{id} not in the seeds README"));
    let file = line.split('|').nth(1).unwrap().trim();
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// Number of check bullets per stage in a source roadmap: the bullets between a stage's
/// `Checks` heading and its next heading. Some sources run their bullets together on the
/// heading line (`Checks: -,First., ,-Second.` or `-- First -- Second`), so bullets on that
/// line are counted as dashes that open an item.
fn source_checks_per_stage(seed: &str) -> Vec<usize> {
    let inline_bullet = regex::Regex::new(r#"(?:^|[\s,.])-{1,2}\s*,?\s*[A-Za-z"]"#).unwrap();
    let mut counts: Vec<usize> = Vec::new();
    let mut in_checks = false;
    for raw in seed.lines() {
        let line = raw.trim();
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("stage ") && line.contains(':') {
            counts.push(0);
            in_checks = false;
        } else if lower.starts_with("checks") {
            in_checks = true;
            let rest = line.split_once(':').map_or("", |(_, r)| r);
            if let Some(c) = counts.last_mut() {
                *c += inline_bullet.find_iter(rest).count();
            }
        } else if ["deliverable", "failure signal", "goal", "what i would"]
            .iter()
            .any(|h| lower.starts_with(h))
        {
            in_checks = false;
        } else if in_checks
            && (line.starts_with('-') || line.starts_with('•'))
            && let Some(c) = counts.last_mut()
        {
            *c += 1;
        }
    }
    counts
}

#[test]
fn source_check_counting_reads_every_seed_layout() {
    let Some(dir) = seeds_dir() else { return };
    let totals: Vec<usize> = IDS
        .iter()
        .map(|id| source_checks_per_stage(&seed_for(&dir, id)).iter().sum())
        .collect();
    assert_eq!(totals, [29, 32, 35, 33, 31]);
}

#[test]
fn each_runbook_has_at_least_the_source_checks_per_stage() {
    let Some(dir) = seeds_dir() else {
        eprintln!("seeds not found beside the repository; skipping source comparison");
        return;
    };
    for r in library::bundled() {
        let rb = r.unwrap().runbook;
        let counts = source_checks_per_stage(&seed_for(&dir, &rb.id));
        assert_eq!(counts.len(), 7, "{}: source stages {counts:?}", rb.id);
        for (i, (stage, want)) in rb.stages.iter().zip(&counts).enumerate() {
            assert!(
                stage.checks.len() >= *want,
                "{} stage {} `{}`: {} checks, source lists {want}",
                rb.id,
                i + 1,
                stage.id,
                stage.checks.len()
            );
        }
    }
}

fn words(t: &str) -> Vec<String> {
    t.to_lowercase()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn runbooks_are_written_in_our_own_words() {
    const RUN: usize = 7;
    let Some(dir) = seeds_dir() else {
        eprintln!("seeds not found beside the repository; skipping wording comparison");
        return;
    };
    for (name, source) in BUNDLED {
        let id = name.trim_end_matches(".ron");
        let seed = words(&seed_for(&dir, id));
        let grams: std::collections::HashSet<&[String]> = seed.windows(RUN).collect();
        let ours = words(source);
        let copied: Vec<String> = ours
            .windows(RUN)
            .filter(|w| grams.contains(w))
            .map(|w| w.join(" "))
            .collect();
        assert!(copied.is_empty(), "{id} repeats its source: {copied:?}");
    }
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_launch-ready"));
    let tmp = std::env::temp_dir().join("launch-ready-runbook-tests");
    c.env("LAUNCH_READY_CONFIG_DIR", tmp.join("config"))
        .env("LAUNCH_READY_DATA_DIR", tmp.join("data"));
    c
}

#[test]
fn runbooks_list_shows_the_five_ids() {
    let out = bin().args(["runbooks", "list"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for id in IDS {
        assert!(text.contains(id), "{id} missing from:\n{text}");
    }
}

#[test]
fn runbooks_show_prints_every_stage() {
    let out = bin().args(["runbooks", "show", IDS[0]]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for n in 1..=7 {
        assert!(text.contains(&format!("Stage {n} ")), "stage {n} missing");
    }
    // Each requirement of the minimum bar says which kinds decide it, or that none does.
    assert!(
        text.contains("SPF, DKIM and DMARC are published so onboarding mail reaches the inbox. (checked by email.spf, email.dkim, email.dmarc)"),
        "{text}"
    );
    assert!(
        text.contains("support load climbs fast. (not checked automatically)"),
        "{text}"
    );
    let unknown = bin().args(["runbooks", "show", "nope"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

fn validate(fixture: &str) -> (Option<i32>, String, String) {
    let path = manifest().join("tests/fixtures/runbooks").join(fixture);
    let out = bin()
        .args(["runbooks", "validate"])
        .arg(&path)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn valid_fixture_and_bundled_files_validate() {
    let (code, stdout, _) = validate("valid/minimal.ron");
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("ok (minimal: 7 stages, 7 checks)"),
        "{stdout}"
    );
    for (name, _) in BUNDLED {
        let out = bin()
            .args(["runbooks", "validate"])
            .arg(manifest().join("runbooks").join(name))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{name}");
    }
}

/// Each invalid fixture fails with exit 2 and `FILE:LINE:COLUMN: message`.
#[test]
fn invalid_runbooks_fail_with_file_line_column() {
    let cases = [
        ("syntax_error.ron", 5, 3, "Expected comma"),
        ("unknown_kind.ron", 15, 0, "unknown check kind `dns.caaa`"),
        (
            "duplicate_id.ron",
            24,
            22,
            "duplicate check id `audit-check`",
        ),
        ("empty_stage.ron", 23, 11, "stage `perf` has no checks"),
        ("bad_stage_ref.ron", 36, 27, "names unknown stage `dnss`"),
        (
            "bad_override.ron",
            18,
            22,
            "`http.hsts_missing` is not a finding code of `tls.certificate`",
        ),
        (
            "unread_target.ron",
            9,
            5,
            "target `redirect_hops_max` is set but nothing this runbook runs reads it (it is read by http.redirects)",
        ),
        ("other_list.ron", 9, 0, "Unexpected field named `other`"),
    ];
    for (file, line, col, message) in cases {
        let (code, _, stderr) = validate(&format!("invalid/{file}"));
        assert_eq!(code, Some(2), "{file}: {stderr}");
        let prefix = if col == 0 {
            format!("{file}:{line}:")
        } else {
            format!("{file}:{line}:{col}: ")
        };
        assert!(
            stderr.contains(&prefix),
            "{file}: expected `{prefix}` in {stderr}"
        );
        assert!(
            stderr.contains(message),
            "{file}: expected `{message}` in {stderr}"
        );
    }
}

#[test]
fn parse_errors_carry_location_in_the_library_api() {
    let src = std::fs::read_to_string(
        manifest().join("tests/fixtures/runbooks/invalid/syntax_error.ron"),
    )
    .unwrap();
    let e = load::parse(&src, "x.ron").unwrap_err();
    assert_eq!((e.line, e.column), (5, 3));
    assert_eq!(e.to_string(), "x.ron:5:3: Expected comma");
}

#[test]
fn missing_file_is_a_clear_error() {
    let e = load::load_file(Path::new("/nonexistent/runbook.ron")).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("/nonexistent/runbook.ron:1:1: cannot read the file")
    );
}

#[test]
fn user_runbooks_shadow_bundled_ones_and_bad_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read_to_string(manifest().join("tests/fixtures/runbooks/valid/minimal.ron"))
        .unwrap()
        .replace("id: \"minimal\"", "id: \"b2b-demo-to-launch\"")
        .replace("Minimal runbook", "Tuned runbook");
    std::fs::write(dir.path().join("tuned.ron"), src).unwrap();
    std::fs::write(dir.path().join("broken.ron"), "Runbook(").unwrap();
    let lib = library::Library::load(Some(dir.path()));
    assert_eq!(
        lib.get("b2b-demo-to-launch").unwrap().runbook.title,
        "Tuned runbook"
    );
    assert_eq!(lib.runbooks.len(), 5);
    assert_eq!(lib.errors.len(), 1);
    assert!(lib.errors[0].file.ends_with("broken.ron"));
}

/// Every number a bundled runbook sets is applied by something it runs: a kind among its
/// checks, or a tool every runbook has (the monitor, the sprint clock, `load`). Numbers
/// waiting for a kind this build lacks are listed, so they cannot hide.
#[test]
fn every_number_a_bundled_runbook_sets_is_read_by_a_kind_it_runs() {
    use launch_ready_core::runbook::readers::{self, AWAITED, Reader};
    let mut waiting = Vec::new();
    let mut seen = 0;
    for l in launch_ready_core::runbook::library::bundled() {
        let l = l.expect("bundled runbooks load");
        let rb = &l.runbook;
        let kinds = readers::kinds_run(rb);
        for field in readers::set_fields(&rb.targets) {
            seen += 1;
            let by = readers::readers(field).expect("a field of Targets");
            let applied = by.iter().any(|r| match r {
                Reader::Tool(_) => true,
                Reader::Kind(k) => launch_ready_core::catalog::KindId::parse(k)
                    .is_some_and(|id| kinds.contains(&id)),
            });
            if !applied {
                assert!(
                    by.iter()
                        .all(|r| matches!(r, Reader::Kind(k) if AWAITED.contains(k))),
                    "{}: `{field}` is read by none of its kinds ({by:?})",
                    rb.id
                );
                waiting.push(format!("{}:{field}", rb.id));
            }
        }
        assert!(readers::first_unread(rb).is_none(), "{}", rb.id);
    }
    assert_eq!(seen, 26, "the five runbooks set {seen} numbers");
    // Every number a bundled runbook sets is read by something it runs.
    assert!(waiting.is_empty(), "{waiting:?}");
}
