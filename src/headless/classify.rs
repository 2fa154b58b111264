//! Turning command-line targets into session targets: hosts, URLs and paths, grouped by
//! registrable domain so each group runs with its own apex (email and apex checks only
//! run when the registrable domain itself was named).
//!
//! Without the full public-suffix list, a domain is registrable when it has two labels, or
//! three under a known multi-label suffix (`co.uk`, `github.io`, and `lab.test`, which the
//! demo lab uses the way hosting platforms use theirs).

use crate::net::settings::normalize_host;
use crate::session::model::{EnvFile, HostTarget, Route, Targets};
use std::path::{Path, PathBuf};

const MULTI_LABEL_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "ac.uk",
    "gov.uk",
    "com.au",
    "net.au",
    "org.au",
    "co.nz",
    "co.jp",
    "com.br",
    "com.mx",
    "co.za",
    "com.cn",
    "co.in",
    "com.tr",
    "com.sg",
    "github.io",
    "gitlab.io",
    "vercel.app",
    "netlify.app",
    "pages.dev",
    "herokuapp.com",
    "fly.dev",
    "lab.test",
];

/// The registrable domain `host` belongs to.
pub fn registrable(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    if n <= 2 {
        return host.to_string();
    }
    let last_two = labels[n - 2..].join(".");
    let keep = if MULTI_LABEL_SUFFIXES.contains(&last_two.as_str()) {
        3
    } else {
        2
    };
    labels[n.saturating_sub(keep)..].join(".")
}

/// One group of targets sharing a registrable domain (or the local paths).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The registrable domain, or `local` for paths.
    pub key: String,
    pub targets: Targets,
}

fn group_mut<'a>(groups: &'a mut Vec<Group>, key: &str) -> &'a mut Group {
    if let Some(i) = groups.iter().position(|g| g.key == key) {
        return &mut groups[i];
    }
    groups.push(Group {
        key: key.to_string(),
        targets: Targets::default(),
    });
    let last = groups.len() - 1;
    &mut groups[last]
}

fn add_host(groups: &mut Vec<Group>, host: &str) {
    let reg = registrable(host);
    let g = group_mut(groups, &reg);
    if host == reg {
        g.targets.apex = host.to_string();
        return;
    }
    if g.targets.hosts.iter().any(|h| h.host == host) {
        return;
    }
    let first = host.split('.').next().unwrap_or_default();
    let role = if crate::checks::dns::STAGING_LABELS.contains(&first) {
        "staging"
    } else {
        first
    };
    g.targets.hosts.push(HostTarget {
        role: role.to_string(),
        host: host.to_string(),
    });
}

/// Classifies every argument. An argument that is neither a URL, an existing path nor a
/// valid host name is an error quoting it.
pub fn classify(args: &[String]) -> Result<Vec<Group>, String> {
    let mut groups: Vec<Group> = Vec::new();
    for raw in args {
        let arg = raw.trim();
        let shown = raw.escape_debug();
        if arg.starts_with("http://") || arg.starts_with("https://") {
            let url = reqwest::Url::parse(arg)
                .map_err(|e| format!("target `{shown}` is not a valid URL: {e}"))?;
            if !url.username().is_empty() || url.password().is_some() {
                return Err(format!(
                    "target `{}` carries a user name or password, which would be copied into every result: give the URL without them",
                    without_credentials(&url)
                ));
            }
            let host = url
                .host_str()
                .ok_or_else(|| format!("target `{shown}` has no host"))?;
            let host = normalize_host(host).map_err(|e| format!("target `{shown}`: {e}"))?;
            let g = group_mut(&mut groups, &registrable(&host));
            g.targets.routes.push(Route {
                name: url.path().to_string(),
                path: url.to_string(),
                method: "GET".into(),
            });
            continue;
        }
        let path = Path::new(arg);
        if arg.contains('/') || path.exists() {
            if !path.exists() {
                return Err(format!("target `{shown}` is not an existing path"));
            }
            add_path(&mut groups, path);
            continue;
        }
        let host = normalize_host(arg)
            .map_err(|e| format!("target `{shown}` is not a host, URL or existing path: {e}"))?;
        if !host.contains('.') {
            return Err(format!(
                "target `{shown}` is not a fully qualified host name"
            ));
        }
        add_host(&mut groups, &host);
    }
    for g in &mut groups {
        add_canonical_page(&mut g.targets);
    }
    Ok(groups)
}

/// `url` with its user name and password replaced, for quoting it in an error.
fn without_credentials(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_username("REDACTED");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// A group naming hosts and URLs together: the URLs become its routes, which would hide
/// the canonical page the engine checks when a session has no route. The hosts were asked
/// for too, so their site's page is added as a route of its own.
fn add_canonical_page(t: &mut Targets) {
    let has_host = !t.apex.is_empty() || !t.hosts.is_empty();
    if has_host && !t.routes.is_empty() && !t.routes.iter().any(|r| r.path == "/") {
        t.routes.insert(
            0,
            Route {
                name: "/".into(),
                path: "/".into(),
                method: "GET".into(),
            },
        );
    }
}

fn add_path(groups: &mut Vec<Group>, path: &Path) {
    let g = group_mut(groups, "local");
    let p: PathBuf = path.to_path_buf();
    if path.is_dir() {
        if path.join(".git").exists() {
            g.targets.repo = Some(p);
        } else {
            g.targets.build_dir = Some(p);
        }
    } else {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let environment = name.trim_start_matches(".env").trim_start_matches('.');
        g.targets.env_files.push(EnvFile {
            environment: if environment.is_empty() {
                "default".into()
            } else {
                environment.into()
            },
            path: p,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable("www.example.com"), "example.com");
        assert_eq!(registrable("example.com"), "example.com");
        assert_eq!(registrable("a.b.example.co.uk"), "example.co.uk");
        assert_eq!(
            registrable("spf-multiple.lab.test"),
            "spf-multiple.lab.test"
        );
    }

    #[test]
    fn hosts_group_by_domain_and_staging_is_recognised() {
        let args: Vec<String> = [
            "example.com",
            "www.example.com",
            "qa.example.com",
            "app.other.org",
            "https://example.com/login",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let groups = classify(&args).unwrap();
        assert_eq!(groups.len(), 2);
        let ex = &groups[0].targets;
        assert_eq!(ex.apex, "example.com");
        assert_eq!(ex.hosts[1].role, "staging");
        assert_eq!(
            ex.routes[0].path, "/",
            "the named hosts' page is still checked"
        );
        assert_eq!(ex.routes[1].path, "https://example.com/login");
        let urls_only = classify(&["https://x.test/a".to_string()]).unwrap();
        assert_eq!(urls_only[0].targets.routes.len(), 1);
        assert_eq!(
            groups[1].targets.apex, "",
            "app.other.org alone does not make other.org a target"
        );
    }

    #[test]
    fn bad_targets_are_quoted() {
        let err = classify(&["exa mple.com".to_string()]).unwrap_err();
        assert!(err.contains("`exa mple.com`"), "{err}");
        let err = classify(&["./no/such/dir".to_string()]).unwrap_err();
        assert!(err.contains("./no/such/dir"), "{err}");
        let err = classify(&["a\u{1b}]0;x\u{7}.com".to_string()]).unwrap_err();
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    }

    #[test]
    fn urls_with_credentials_are_refused_without_echoing_them() {
        let err = classify(&["https://deploy:hunter22@example.com/admin".to_string()]).unwrap_err();
        assert!(!err.contains("hunter22"), "{err}");
        assert!(err.contains("https://REDACTED@example.com/admin"), "{err}");
        assert!(err.contains("user name or password"), "{err}");
    }
}
