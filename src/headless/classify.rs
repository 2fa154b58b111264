//! Turning command-line targets into session targets: hosts, URLs and paths, grouped by
//! registrable domain so each group runs with its own apex (email and apex checks only
//! run when the registrable domain itself was named).
//!
//! The registrable domain comes from Mozilla's public suffix list (the `psl` crate, which
//! compiles the list in, both its ICANN and its private section such as `github.io`),
//! plus the project-local suffixes below. A name under a TLD the list does not know (the
//! reserved `.test`, an internal `.corp`) falls under the list's implicit `*` rule: its
//! last label is the suffix, so `brightdesk.test` is registrable.

use super::error::TargetArgError;
use launch_ready_core::session::model::{EnvFile, HostTarget, Route, Targets};
use launch_ready_core::settings::normalize_host;
use std::path::{Path, PathBuf};

/// Public suffixes of this project that the public list cannot carry. `lab.test`: the demo
/// lab serves each scenario as its own site `x.lab.test` (with its own apex checks and
/// email records), the way hosting platforms register `github.io` in the list's private
/// section; `.test` is reserved (RFC 6761) and will never be in the public list.
const LOCAL_SUFFIXES: &[&str] = &["lab.test"];

/// The registrable domain `host` belongs to: one label more than its public suffix. A host
/// that is itself a public suffix (or a single label) is its own registrable domain, so
/// every host lands in some group. Expects a normalised host (lower case, ASCII), but
/// tolerates upper case and a trailing dot.
pub fn registrable(host: &str) -> String {
    let host = host.strip_suffix('.').unwrap_or(host);
    let lower = host.to_ascii_lowercase();
    // `to_ascii_lowercase` keeps byte lengths, so the registrable part can be cut from
    // `host` by the length found in `lower`.
    let len = local_registrable(&lower)
        .or_else(|| psl::domain(lower.as_bytes()).map(|d| d.as_bytes().len()))
        .unwrap_or(host.len());
    host.get(host.len() - len..).unwrap_or(host).to_string()
}

/// The length of the registrable domain under a project-local suffix, if `host` is under one.
fn local_registrable(host: &str) -> Option<usize> {
    LOCAL_SUFFIXES.iter().find_map(|suffix| {
        let below = host.strip_suffix(suffix)?.strip_suffix('.')?;
        let label = below.rsplit('.').next().filter(|l| !l.is_empty())?;
        Some(label.len() + 1 + suffix.len())
    })
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
    let role = if launch_ready_checks::dns::STAGING_LABELS.contains(&first) {
        "staging"
    } else {
        first
    };
    g.targets.hosts.push(HostTarget {
        role: role.to_string(),
        host: host.to_string(),
        protected: false,
    });
}

/// Classifies every argument. An argument that is neither a URL, an existing path nor a
/// valid host name is an error quoting it.
pub fn classify(args: &[String]) -> Result<Vec<Group>, TargetArgError> {
    let mut groups: Vec<Group> = Vec::new();
    for raw in args {
        let arg = raw.trim();
        if arg.starts_with("http://") || arg.starts_with("https://") {
            let url = reqwest::Url::parse(arg).map_err(|source| TargetArgError::BadUrl {
                target: raw.clone(),
                source,
            })?;
            if !url.username().is_empty() || url.password().is_some() {
                return Err(TargetArgError::Credentials {
                    redacted: without_credentials(&url),
                });
            }
            let host = url
                .host_str()
                .ok_or_else(|| TargetArgError::NoHost(raw.clone()))?;
            let host = normalize_host(host).map_err(|source| TargetArgError::Host {
                target: raw.clone(),
                source,
            })?;
            let g = group_mut(&mut groups, &registrable(&host));
            g.targets.routes.push(Route {
                name: url.path().to_string(),
                path: url.to_string(),
                method: "GET".into(),
                ..Route::default()
            });
            continue;
        }
        let path = Path::new(arg);
        if arg.contains('/') || path.exists() {
            if !path.exists() {
                return Err(TargetArgError::NoPath(raw.clone()));
            }
            add_path(&mut groups, path);
            continue;
        }
        let host = normalize_host(arg).map_err(|source| TargetArgError::NotATarget {
            target: raw.clone(),
            source,
        })?;
        if !host.contains('.') {
            return Err(TargetArgError::NotQualified(raw.clone()));
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
                ..Route::default()
            },
        );
    }
}

fn add_path(groups: &mut Vec<Group>, path: &Path) {
    let g = group_mut(groups, "local");
    let p: PathBuf = path.to_path_buf();
    if path.is_dir() {
        // A build folder by name is build output; any other folder is a working tree (a
        // repository or not), whose own build folder, if any, is scanned as build output.
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        if name
            .is_some_and(|n| launch_ready_checks::secrets::tree::BUILD_DIRS.contains(&n.as_str()))
        {
            g.targets.build_dir = Some(p);
        } else {
            if let Some(b) = launch_ready_checks::secrets::tree::BUILD_DIRS
                .iter()
                .map(|d| path.join(d))
                .find(|d| d.is_dir())
            {
                g.targets.build_dir.get_or_insert(b);
            }
            g.targets.repo = Some(p);
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
    fn registrable_domains_follow_the_public_suffix_list() {
        // Multi-label ICANN suffixes the old hand list did not know.
        assert_eq!(registrable("www.example.com.au"), "example.com.au");
        assert_eq!(registrable("shop.example.kyoto.jp"), "example.kyoto.jp");
        // The private section: each hosting customer is its own site.
        assert_eq!(registrable("docs.acme.github.io"), "acme.github.io");
        assert_eq!(registrable("app.s3.amazonaws.com"), "app.s3.amazonaws.com");
        // Wildcard rules (`*.ck`, `*.kawasaki.jp`) and their exceptions (`!www.ck`,
        // `!city.kawasaki.jp`).
        assert_eq!(registrable("a.b.example.ck"), "b.example.ck");
        assert_eq!(registrable("x.www.ck"), "www.ck");
        assert_eq!(
            registrable("shop.example.kawasaki.jp"),
            "shop.example.kawasaki.jp"
        );
        assert_eq!(registrable("www.city.kawasaki.jp"), "city.kawasaki.jp");
        // A public suffix, or a single label, is its own group rather than nothing.
        assert_eq!(registrable("co.uk"), "co.uk");
        assert_eq!(registrable("localhost"), "localhost");
        // Tolerated: upper case and a trailing dot (hosts are normalised before this).
        assert_eq!(registrable("WWW.Example.COM."), "Example.COM");
    }

    #[test]
    fn unknown_tlds_fall_under_the_implicit_wildcard_rule() {
        assert_eq!(registrable("brightdesk.test"), "brightdesk.test");
        assert_eq!(registrable("api.brightdesk.test"), "brightdesk.test");
        assert_eq!(registrable("a.b.intranet.corp"), "intranet.corp");
    }

    #[test]
    fn the_lab_suffix_is_a_public_suffix_of_this_project() {
        assert_eq!(
            registrable("www.dkim-weak-key.lab.test"),
            "dkim-weak-key.lab.test"
        );
        assert_eq!(registrable("lab.test"), "lab.test");
        // Only whole labels match: `mylab.test` is a plain `.test` domain.
        assert_eq!(registrable("www.mylab.test"), "mylab.test");
    }

    proptest::proptest! {
        #[test]
        fn registrable_is_a_suffix_of_the_host(host in "[a-zA-Z0-9.-]{0,40}") {
            let reg = registrable(&host);
            let stripped = host.strip_suffix('.').unwrap_or(&host);
            proptest::prop_assert!(stripped.ends_with(&reg), "{host:?} -> {reg:?}");
        }
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
        let err = classify(&["exa mple.com".to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`exa mple.com`"), "{err}");
        let err = classify(&["./no/such/dir".to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("./no/such/dir"), "{err}");
        let err = classify(&["a\u{1b}]0;x\u{7}.com".to_string()])
            .unwrap_err()
            .to_string();
        assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    }

    #[test]
    fn urls_with_credentials_are_refused_without_echoing_them() {
        let err = classify(&["https://deploy:hunter22@example.com/admin".to_string()])
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter22"), "{err}");
        assert!(err.contains("https://REDACTED@example.com/admin"), "{err}");
        assert!(err.contains("user name or password"), "{err}");
    }
}
