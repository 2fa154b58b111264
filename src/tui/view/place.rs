//! Where a risk is, as a person reads it. Hosts and URLs stay as they are; a path is shown
//! from the folder that holds the scanned repository (`brightdesk/dist`,
//! `deploy/production.env`), so the long prefix every path of a session shares — and a
//! temporary folder's random name, which means nothing to anyone — does not crowd out what
//! differs. A path outside that folder but inside the temporary folder loses the temporary
//! part (`…/deploy/production.env`); any other path is shown whole.

use launch_ready_core::session::model::Targets;
use std::path::{Component, Path};

/// `target` for a screen: see the module docs.
pub fn place(target: &str, targets: &Targets) -> String {
    let path = Path::new(target);
    if !path.is_absolute() {
        return target.to_string();
    }
    let base = targets
        .repo
        .as_deref()
        .or(targets.build_dir.as_deref())
        .and_then(Path::parent)
        .filter(|b| b.parent().is_some());
    if let Some(rel) = base.and_then(|b| path.strip_prefix(b).ok())
        && rel.components().next().is_some()
    {
        return rel.display().to_string();
    }
    folded_temp(path, &std::env::temp_dir()).unwrap_or_else(|| target.to_string())
}

/// `path` without the temporary folder and the folder made inside it, or `None` when it
/// is not inside `temp`.
fn folded_temp(path: &Path, temp: &Path) -> Option<String> {
    let rel = path.strip_prefix(temp).ok()?;
    let mut parts = rel
        .components()
        .filter(|c| matches!(c, Component::Normal(_)));
    parts.next()?;
    let rest: std::path::PathBuf = parts.collect();
    if rest.as_os_str().is_empty() {
        return None;
    }
    Some(format!("…/{}", rest.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::model::EnvFile;

    fn lab_targets(root: &Path) -> Targets {
        Targets {
            apex: "brightdesk.test".into(),
            repo: Some(root.join("brightdesk")),
            build_dir: Some(root.join("brightdesk/dist")),
            env_files: vec![EnvFile {
                environment: "production".into(),
                path: root.join("deploy/production.env"),
            }],
            ..Targets::default()
        }
    }

    #[test]
    fn paths_read_from_the_folder_of_the_scanned_repository() {
        let root = std::env::temp_dir().join("launch-ready-lab-LAuIQo");
        let t = lab_targets(&root);
        let at = |p: &str| place(&root.join(p).display().to_string(), &t);
        assert_eq!(at("brightdesk"), "brightdesk");
        assert_eq!(at("brightdesk/dist"), "brightdesk/dist");
        assert_eq!(at("deploy/production.env"), "deploy/production.env");
        assert_eq!(place("admin.brightdesk.test", &t), "admin.brightdesk.test");
        assert_eq!(
            place("https://www.brightdesk.test/login", &t),
            "https://www.brightdesk.test/login"
        );
    }

    #[test]
    fn a_temporary_folder_is_folded_and_other_paths_stay_whole() {
        let temp = std::env::temp_dir();
        let other = temp.join("launch-ready-scan-x9/reports/out.env");
        assert_eq!(
            place(&other.display().to_string(), &Targets::default()),
            "…/reports/out.env"
        );
        assert_eq!(place("/srv/app/.env", &Targets::default()), "/srv/app/.env");
        // A repository at the top of the disk has no folder to read from.
        let top = Targets {
            repo: Some("/app".into()),
            ..Targets::default()
        };
        assert_eq!(place("/app/dist", &top), "/app/dist");
    }
}
