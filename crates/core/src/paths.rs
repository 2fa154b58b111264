//! Where launch-ready keeps its files. `directories` gives the platform folders; the
//! `LAUNCH_READY_DATA_DIR` and `LAUNCH_READY_CONFIG_DIR` variables override them so tests and
//! demos can run in a temporary folder without touching the user's real sessions.

use std::path::PathBuf;

pub const DATA_DIR_ENV: &str = "LAUNCH_READY_DATA_DIR";
pub const CONFIG_DIR_ENV: &str = "LAUNCH_READY_CONFIG_DIR";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "launchready", "launch-ready")
}

fn from_env(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Folder holding session files (`sessions/`) and other data.
pub fn data_dir() -> Option<PathBuf> {
    from_env(DATA_DIR_ENV).or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
}

/// Folder holding user configuration and user runbooks (`runbooks/`).
pub fn config_dir() -> Option<PathBuf> {
    from_env(CONFIG_DIR_ENV).or_else(|| project_dirs().map(|d| d.config_dir().to_path_buf()))
}

/// Folder of session files.
pub fn sessions_dir() -> Option<PathBuf> {
    data_dir().map(|d| d.join("sessions"))
}

/// Folder of user runbooks.
pub fn user_runbooks_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("runbooks"))
}
