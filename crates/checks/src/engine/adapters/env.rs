//! The env family from a `LocalInput` (no network). `env.inventory` runs once per env file of the
//! session (the target's role is its environment) and reads the others to compare: the
//! reference list is the file whose environment is `example` (or a `.env.example` next
//! to the target), and shared values are reported on the later file of a pair.
//! `env.gitignore` asks the repository's own ignore rules about `.env` files.

use super::secrets::blocking;
use crate::engine::registry::{LocalInput, Registry};
use crate::env::{EnvVars, MAX_ENV_BYTES, is_reference, judge, parse};
use crate::judged::Judged;
use crate::secrets::history::is_ignored;
use crate::secrets::own_values::OwnValues;
use crate::secrets::{Cancel, ProgressFn, ScanError, is_dotenv_name};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{EnvInventoryEvidence, NotIgnored, Observed};
use launch_ready_core::files::FileError;
use launch_ready_core::finding::Finding;
use launch_ready_core::outcome;
use launch_ready_core::session::model::{CheckOutcome, EnvFile};
use std::path::Path;

pub fn register(r: &mut Registry) {
    r.insert_local(KindId::EnvInventory, |i: LocalInput| async move {
        let files = i.scope.targets.env_files.clone();
        let target = i.target.clone();
        tokio::task::spawn_blocking(move || inventory(&target.name, &files))
            .await
            .unwrap_or_else(|e| outcome::error(format!("env check failed: {e}")))
    });
    r.insert_local(KindId::EnvGitignore, |i: LocalInput| blocking(i, gitignore));
}

/// One env file's variables, read through the guarded reader: an env file named on the
/// command line may be a FIFO or a link to a device.
fn read_env(path: &Path, environment: &str) -> Result<EnvVars, FileError> {
    let text = launch_ready_core::files::read_text(path, MAX_ENV_BYTES)?;
    Ok(EnvVars {
        environment: environment.to_string(),
        vars: parse(&text),
    })
}

fn inventory(target: &str, files: &[EnvFile]) -> CheckOutcome {
    let mut j = Judged::start(KindId::EnvInventory, target);
    let Some(pos) = files.iter().position(|f| f.path.as_os_str() == target) else {
        return j.error(format!("{target} is not an env file of the session"));
    };
    let me = &files[pos];
    let env = match read_env(&me.path, &me.environment) {
        Ok(e) => e,
        Err(e) => return j.error(e.to_string()),
    };
    if is_reference(&me.environment) {
        j.observed(Observed::EnvInventory(EnvInventoryEvidence {
            environment: None,
            names: env.vars.len(),
        }));
        return j.finish(&format!("reference list of {} names", env.vars.len()));
    }
    let reference = files
        .iter()
        .find(|f| is_reference(&f.environment))
        .and_then(|f| read_env(&f.path, &f.environment).ok())
        .or_else(|| {
            let sibling = me.path.parent()?.join(".env.example");
            read_env(&sibling, "example").ok()
        });
    // Unreadable siblings are their own targets' errors; here they are left out.
    let earlier: Vec<EnvVars> = files[..pos]
        .iter()
        .filter(|f| !is_reference(&f.environment))
        .filter_map(|f| read_env(&f.path, &f.environment).ok())
        .collect();
    for f in judge(&env, reference.as_ref(), &earlier) {
        j.push(f);
    }
    j.observed(Observed::EnvInventory(EnvInventoryEvidence {
        environment: Some(me.environment.clone()),
        names: env.vars.len(),
    }));
    j.finish(&format!(
        "{}: {} names, none missing, no secret exposed or shared",
        me.environment,
        env.vars.len()
    ))
}

fn gitignore(
    root: &Path,
    _own: Option<&OwnValues>,
    _cancel: &Cancel,
    _progress: ProgressFn<'_>,
) -> CheckOutcome {
    let mut j = Judged::start(KindId::EnvGitignore, root.display().to_string());
    // `.env` itself, whether or not it exists yet, and every real env file at the root.
    let mut names = vec![".env".to_string()];
    if let Ok(rd) = std::fs::read_dir(root) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if is_dotenv_name(&n) && !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let mut not_ignored = Vec::new();
    for n in &names {
        match is_ignored(root, n) {
            Ok(true) => {}
            Ok(false) => not_ignored.push(n.clone()),
            Err(ScanError::NotARepo(p)) => {
                return outcome::skipped(format!("{p} is not a git repository"));
            }
            Err(e) => return j.error(e.to_string()),
        }
    }
    not_ignored.sort();
    if !not_ignored.is_empty() {
        j.push(
            Finding::new(
                Code::EnvNotGitignored,
                format!("git does not ignore {}", not_ignored.join(", ")),
            )
            .with_detail(&NotIgnored { paths: not_ignored }),
        );
    }
    j.finish(".env files are ignored by git")
}
