//! Finding the two programs a web-vitals run needs: Chromium and Lighthouse. Each has an
//! environment variable that names it exactly (`CHROME_PATH`, as Lighthouse itself reads
//! it, and `LIGHTHOUSE_PATH`), else the usual names are looked up on `PATH`. A missing
//! program is not an error of the check: the page is skipped with the one command that
//! installs what is missing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The command that installs Chromium on Debian and Ubuntu.
pub const INSTALL_CHROMIUM: &str = "apt-get install chromium";
/// The command that installs the Lighthouse version this check reads.
pub const INSTALL_LIGHTHOUSE: &str = "npm install -g lighthouse@12.2.3";

/// Names Chromium goes by on `PATH`, in the order tried.
pub const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// The programs found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    pub chromium: PathBuf,
    pub lighthouse: PathBuf,
}

/// What is missing, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Missing {
    #[error("Chromium not found ({0}); install it with `{INSTALL_CHROMIUM}` or set CHROME_PATH")]
    Chromium(String),
    #[error(
        "Lighthouse not found ({0}); install it with `{INSTALL_LIGHTHOUSE}` or set LIGHTHOUSE_PATH"
    )]
    Lighthouse(String),
}

/// Both programs, from the process environment.
pub fn find() -> Result<Tools, Missing> {
    find_in(
        std::env::var_os("CHROME_PATH"),
        std::env::var_os("LIGHTHOUSE_PATH"),
        std::env::var_os("PATH"),
    )
}

/// Both programs, from the given variables (tests pass their own).
pub fn find_in(
    chrome_path: Option<OsString>,
    lighthouse_path: Option<OsString>,
    path: Option<OsString>,
) -> Result<Tools, Missing> {
    let chromium = locate("CHROME_PATH", chrome_path, CHROMIUM_NAMES, path.as_ref())
        .map_err(Missing::Chromium)?;
    let lighthouse = locate(
        "LIGHTHOUSE_PATH",
        lighthouse_path,
        &["lighthouse"],
        path.as_ref(),
    )
    .map_err(Missing::Lighthouse)?;
    Ok(Tools {
        chromium,
        lighthouse,
    })
}

/// The program a variable names (which must then exist), else the first name on `PATH`.
fn locate(
    var: &str,
    named: Option<OsString>,
    names: &[&str],
    path: Option<&OsString>,
) -> Result<PathBuf, String> {
    if let Some(p) = named.filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if is_executable(&p) {
            Ok(p)
        } else {
            Err(format!(
                "{var} names {}, which is not an executable file",
                p.display()
            ))
        };
    }
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    for name in names {
        for d in &dirs {
            let candidate = d.join(name);
            if is_executable(&candidate) {
                return Ok(candidate);
            }
        }
    }
    Err(format!("no {} on PATH", names.join(", ")))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_win_then_path_and_missing_names_the_install_command() {
        let dir = tempfile::tempdir().unwrap();
        let exe = |name: &str| {
            use std::os::unix::fs::PermissionsExt;
            let p = dir.path().join(name);
            std::fs::write(&p, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            p
        };
        let path = Some(dir.path().as_os_str().to_os_string());
        let err = find_in(None, None, path.clone()).unwrap_err();
        assert!(err.to_string().contains(INSTALL_CHROMIUM), "{err}");
        let chrome = exe("google-chrome-stable");
        let err = find_in(None, None, path.clone()).unwrap_err();
        assert!(err.to_string().contains(INSTALL_LIGHTHOUSE), "{err}");
        let lh = exe("lighthouse");
        let found = find_in(None, None, path.clone()).unwrap();
        assert_eq!((found.chromium, found.lighthouse), (chrome, lh.clone()));
        let err = find_in(Some("/no/such/chrome".into()), None, path).unwrap_err();
        assert!(
            err.to_string()
                .contains("CHROME_PATH names /no/such/chrome"),
            "{err}"
        );
        let own = exe("my-chrome");
        let found = find_in(Some(own.clone().into()), Some(lh.into()), None).unwrap();
        assert_eq!(found.chromium, own);
    }
}
