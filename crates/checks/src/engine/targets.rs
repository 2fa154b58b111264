//! Expanding a check kind's subject over the session's targets: which hosts, URLs or
//! paths one job runs against.
//!
//! Two kinds bend their catalog subject, both about the apex and www pair: `http.redirects`
//! judges the two together (does one redirect to the other?), so they share one target,
//! the site, while every other host (app, api, help…) gets its own, since a loop or a
//! long chain on any of them breaks that host; and `dns.apex_www` runs on the apex even
//! when only `www.X` was given. Either way the sibling nobody typed (`www.<apex>`, or the
//! apex of `www.X`) is probed too and reported as discovered. `for_kind` is the entry
//! point that knows this.

use crate::dns::is_staging;
use launch_ready_core::catalog::KindId;
use launch_ready_core::catalog::{CheckKind, Subject};
use launch_ready_core::session::model::{Route, Targets};

/// One thing a check runs against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The host, URL, path or credential name, as shown in results.
    pub name: String,
    /// `apex`, a host role (`www`, `app`, `staging`…), `route`, `repo`, `build`, an env
    /// file's environment, or `alert`.
    pub role: String,
}

impl Target {
    fn new(name: impl Into<String>, role: impl Into<String>) -> Target {
        Target {
            name: name.into(),
            role: role.into(),
        }
    }
}

/// Every host: the apex first, then each role host, without repeats.
pub fn hosts(t: &Targets) -> Vec<Target> {
    let mut out: Vec<Target> = Vec::new();
    if !t.apex.is_empty() {
        out.push(Target::new(&t.apex, "apex"));
    }
    for h in &t.hosts {
        if !h.host.is_empty() && !out.iter().any(|o| o.name == h.host) {
            out.push(Target::new(&h.host, &h.role));
        }
    }
    out
}

/// The host routes are resolved against: www when configured, else the apex, else (a
/// session naming only other hosts) the first host.
pub fn canonical_host(t: &Targets) -> Option<String> {
    t.hosts
        .iter()
        .find(|h| h.role == "www")
        .map(|h| h.host.clone())
        .or_else(|| (!t.apex.is_empty()).then(|| t.apex.clone()))
        .or_else(|| {
            t.hosts
                .iter()
                .find(|h| !h.host.is_empty())
                .map(|h| h.host.clone())
        })
}

/// The apex and www pair as `http.redirects` judges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The host the result is filed under: one the user gave.
    pub target: String,
    /// The hosts judged together, apex first.
    pub hosts: Vec<String>,
    /// The sibling probed although nobody named it.
    pub discovered: Option<String>,
}

/// The www host of a session: the `www` role, else a host named `www.<apex>`.
fn www_host(t: &Targets) -> Option<&str> {
    t.hosts
        .iter()
        .find(|h| h.role == "www" && h.host != t.apex)
        .or_else(|| {
            t.hosts
                .iter()
                .find(|h| h.host.starts_with("www.") && h.host != t.apex)
        })
        .map(|h| h.host.as_str())
}

/// The site of a session: the apex and its www host, discovering whichever of the two is
/// missing; or the first host alone when the session has neither.
pub fn site(t: &Targets) -> Option<Site> {
    match (t.apex.as_str(), www_host(t)) {
        ("", None) => t.hosts.iter().find(|h| !h.host.is_empty()).map(|h| Site {
            target: h.host.clone(),
            hosts: vec![h.host.clone()],
            discovered: None,
        }),
        ("", Some(www)) => {
            let apex = www.trim_start_matches("www.").to_string();
            Some(Site {
                target: www.to_string(),
                hosts: vec![apex.clone(), www.to_string()],
                discovered: Some(apex),
            })
        }
        (apex, Some(www)) => Some(Site {
            target: apex.to_string(),
            hosts: vec![apex.to_string(), www.to_string()],
            discovered: None,
        }),
        (apex, None) => {
            let www = format!("www.{apex}");
            Some(Site {
                target: apex.to_string(),
                hosts: vec![apex.to_string(), www.clone()],
                discovered: Some(www),
            })
        }
    }
}

/// The hosts `http.redirects` judges together (see `site`).
pub fn site_hosts(t: &Targets) -> Vec<String> {
    site(t).map(|s| s.hosts).unwrap_or_default()
}

/// The hosts of the run, as the guard on page-named URLs counts them (`net::guard`): the
/// apex and role hosts, the www sibling the site check probes anyway, and the host of
/// every route given as a full URL.
pub fn own_hosts(t: &Targets) -> Vec<String> {
    let mut out: Vec<String> = hosts(t).into_iter().map(|h| h.name).collect();
    out.extend(site_hosts(t));
    out.extend(t.routes.iter().filter_map(|r| {
        let url = route_url(&r.path, None)?;
        reqwest::Url::parse(&url)
            .ok()?
            .host_str()
            .map(str::to_string)
    }));
    out.sort();
    out.dedup();
    out
}

/// Role of a target nobody typed (the apex of a `www.X` given alone).
pub const DISCOVERED_ROLE: &str = "discovered";

/// Role of a `smoke.flow` target: the target's name is the flow's.
pub const FLOW_ROLE: &str = "flow";

/// Role of the `http.redirects` target that stands for the apex and www together.
pub const SITE_ROLE: &str = "site";

/// The targets one job of `kind` runs against.
pub fn for_kind(kind: &CheckKind, t: &Targets) -> Vec<Target> {
    match kind.id {
        KindId::HttpRedirects => {
            let Some(site) = site(t) else {
                return Vec::new();
            };
            let mut out = vec![Target::new(&site.target, SITE_ROLE)];
            out.extend(
                hosts(t)
                    .into_iter()
                    .filter(|h| !site.hosts.contains(&h.name)),
            );
            out
        }
        KindId::DnsApexWww if t.apex.is_empty() => site(t)
            .and_then(|s| s.discovered.filter(|d| !d.starts_with("www.")))
            .map(|apex| vec![Target::new(apex, DISCOVERED_ROLE)])
            .unwrap_or_default(),
        _ => expand(kind.subject, t),
    }
}

/// The targets of one job: a `pages` parameter (`/pricing,https://app.example.com/`)
/// names exactly the pages a page-measuring kind loads (paths join the canonical host), so
/// a slow check such as `perf.web_vitals` measures what the runbook asks and not every
/// route; otherwise the kind's own targets.
pub fn for_job(
    kind: &CheckKind,
    params: &std::collections::BTreeMap<String, String>,
    t: &Targets,
) -> Vec<Target> {
    let Some(pages) = params
        .get("pages")
        .filter(|_| kind.id == KindId::PerfWebVitals)
    else {
        return for_kind(kind, t);
    };
    let base = canonical_host(t).map(|h| format!("https://{h}"));
    pages
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .filter_map(|p| route_url(p, base.as_deref()))
        .map(|url| Target::new(url, "page"))
        .collect()
}

/// A route's absolute URL: as given when it is one, else joined to the canonical host.
pub fn route_url(path: &str, base: Option<&str>) -> Option<String> {
    if path.starts_with("http://") || path.starts_with("https://") {
        return Some(path.to_string());
    }
    let b = base?;
    let sep = if path.starts_with('/') { "" } else { "/" };
    Some(format!("{b}{sep}{path}"))
}

/// The targets a kind with `subject` runs against. Empty when the session lacks them
/// (the engine reports that as skipped).
pub fn expand(subject: Subject, t: &Targets) -> Vec<Target> {
    match subject {
        Subject::Host => hosts(t),
        Subject::Apex => {
            if t.apex.is_empty() {
                Vec::new()
            } else {
                vec![Target::new(&t.apex, "apex")]
            }
        }
        Subject::StagingHost => hosts(t)
            .into_iter()
            .filter(|h| is_staging(&h.name, &h.role))
            .collect(),
        Subject::Page => {
            let base = canonical_host(t).map(|h| format!("https://{h}"));
            let mut out: Vec<Target> = hosts(t)
                .into_iter()
                .map(|h| Target::new(format!("https://{}/", h.name), h.role))
                .collect();
            for r in &t.routes {
                let Some(url) = route_url(&r.path, base.as_deref()) else {
                    continue;
                };
                if !out.iter().any(|o| o.name == url) {
                    out.push(Target::new(url, "route"));
                }
            }
            out
        }
        Subject::WriteRoute => session_routes(t, Route::is_write),
        Subject::AuthRoute => session_routes(t, Route::is_auth),
        Subject::Site => canonical_host(t)
            .map(|h| vec![Target::new(format!("https://{h}/"), "site")])
            .unwrap_or_default(),
        Subject::Route => {
            let base = canonical_host(t).map(|h| format!("https://{h}"));
            let mut out = Vec::new();
            for r in &t.routes {
                let Some(url) = route_url(&r.path, base.as_deref()) else {
                    continue;
                };
                // A host and its page given as a URL name the same page: check it once.
                if !out.iter().any(|o: &Target| o.name == url) {
                    out.push(Target::new(url, "route"));
                }
            }
            if out.is_empty()
                && let Some(b) = base
            {
                out.push(Target::new(format!("{b}/"), "route"));
            }
            out
        }
        Subject::Repo => t
            .repo
            .iter()
            .map(|p| Target::new(p.display().to_string(), "repo"))
            .collect(),
        Subject::BuildOutput => t
            .build_dir
            .iter()
            .map(|p| Target::new(p.display().to_string(), "build"))
            .collect(),
        Subject::EnvFiles => t
            .env_files
            .iter()
            .map(|e| Target::new(e.path.display().to_string(), &e.environment))
            .collect(),
        // The route test reads webhook credentials; mail routes are tested by the
        // monitor's `t` and the drill.
        Subject::AlertRoute => t
            .routes()
            .iter()
            .filter_map(|r| match r {
                launch_ready_core::session::model::AlertRoute::Webhook { credential } => {
                    Some(Target::new(credential, "alert"))
                }
                launch_ready_core::session::model::AlertRoute::Email(_) => None,
            })
            .collect(),
        Subject::Flow => t
            .flows
            .iter()
            .map(|f| Target::new(&f.name, FLOW_ROLE))
            .collect(),
    }
}

/// The URLs of the session's routes that `keep` admits, each once. Unlike `Subject::Route`
/// there is no fallback page: a probe aimed at a login or a write route has nothing to
/// aim at when the session names none.
fn session_routes(t: &Targets, keep: impl Fn(&Route) -> bool) -> Vec<Target> {
    let base = canonical_host(t).map(|h| format!("https://{h}"));
    let mut out: Vec<Target> = Vec::new();
    for r in t.routes.iter().filter(|r| keep(r)) {
        let Some(url) = route_url(&r.path, base.as_deref()) else {
            continue;
        };
        if !out.iter().any(|o| o.name == url) {
            out.push(Target::new(url, "route"));
        }
    }
    out
}

/// The session route behind a route target URL (the first one, when two name the same
/// URL), if the target came from one.
pub fn route_for<'a>(t: &'a Targets, url: &str) -> Option<&'a Route> {
    let base = canonical_host(t).map(|h| format!("https://{h}"));
    t.routes
        .iter()
        .find(|r| route_url(&r.path, base.as_deref()).as_deref() == Some(url))
}

/// Why a subject expanded to nothing, for the skipped result.
pub fn missing_reason(subject: Subject) -> &'static str {
    match subject {
        Subject::Host | Subject::Apex => "no apex domain or host configured",
        Subject::StagingHost => "no staging host configured",
        Subject::Route | Subject::Page | Subject::Site => "no route or host configured",
        Subject::WriteRoute => "no write route (POST, PUT or PATCH) configured",
        Subject::AuthRoute => "no login, signup or password-reset route configured",
        Subject::Repo => "no repository configured",
        Subject::BuildOutput => "no build output folder configured",
        Subject::EnvFiles => "no env files configured",
        Subject::AlertRoute => "no alert route configured",
        Subject::Flow => "no flow configured",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::model::{HostTarget, Route};

    fn sample() -> Targets {
        Targets {
            apex: "a.test".into(),
            hosts: vec![
                HostTarget {
                    role: "www".into(),
                    host: "www.a.test".into(),
                    protected: false,
                },
                HostTarget {
                    role: "app".into(),
                    host: "app.a.test".into(),
                    protected: false,
                },
                HostTarget {
                    role: "preview".into(),
                    host: "pr-12.a.test".into(),
                    protected: false,
                },
                HostTarget {
                    role: "web".into(),
                    host: "qa.a.test".into(),
                    protected: false,
                },
                HostTarget {
                    role: "www".into(),
                    host: "a.test".into(),
                    protected: false,
                },
            ],
            routes: vec![
                Route {
                    name: "login".into(),
                    path: "/login".into(),
                    method: "GET".into(),
                    ..Route::default()
                },
                Route {
                    name: "ext".into(),
                    path: "https://x.test/p".into(),
                    method: "GET".into(),
                    ..Route::default()
                },
            ],
            ..Targets::default()
        }
    }

    #[test]
    fn pages_name_exactly_what_web_vitals_loads_and_nothing_else_reads_them() {
        let vitals = launch_ready_core::catalog::kind("perf.web_vitals").unwrap();
        let params: std::collections::BTreeMap<String, String> = [(
            "pages".to_string(),
            "/pricing, https://app.a.test/,".to_string(),
        )]
        .into();
        let names: Vec<String> = for_job(vitals, &params, &sample())
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["https://www.a.test/pricing", "https://app.a.test/"]);
        // Without the parameter, every route; another kind ignores it.
        assert_eq!(
            for_job(vitals, &Default::default(), &sample()),
            for_kind(vitals, &sample())
        );
        let latency = launch_ready_core::catalog::kind("perf.latency").unwrap();
        assert_eq!(
            for_job(latency, &params, &sample()),
            for_kind(latency, &sample())
        );
    }

    #[test]
    fn hosts_start_with_apex_without_repeats() {
        let names: Vec<String> = expand(Subject::Host, &sample())
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(
            names,
            [
                "a.test",
                "www.a.test",
                "app.a.test",
                "pr-12.a.test",
                "qa.a.test"
            ]
        );
    }

    #[test]
    fn staging_by_role_or_first_label() {
        let names: Vec<String> = expand(Subject::StagingHost, &sample())
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["pr-12.a.test", "qa.a.test"]);
    }

    #[test]
    fn routes_resolve_against_canonical_host() {
        let names: Vec<String> = expand(Subject::Route, &sample())
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["https://www.a.test/login", "https://x.test/p"]);
        let bare = Targets {
            apex: "b.test".into(),
            ..Targets::default()
        };
        assert_eq!(expand(Subject::Route, &bare)[0].name, "https://b.test/");
        let same_page = Targets {
            apex: "b.test".into(),
            routes: ["/", "https://b.test/"]
                .iter()
                .map(|p| Route {
                    name: (*p).into(),
                    path: (*p).into(),
                    method: "GET".into(),
                    ..Route::default()
                })
                .collect(),
            ..Targets::default()
        };
        let names: Vec<String> = expand(Subject::Route, &same_page)
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["https://b.test/"], "one page, one target");
    }

    #[test]
    fn redirects_run_on_the_site_and_on_every_other_host() {
        let kind = launch_ready_core::catalog::KindId::HttpRedirects.kind();
        let list = for_kind(kind, &sample());
        assert_eq!(
            list,
            [
                Target::new("a.test", SITE_ROLE),
                Target::new("app.a.test", "app"),
                Target::new("pr-12.a.test", "preview"),
                Target::new("qa.a.test", "web"),
            ],
            "apex and www share the site target; every other host has its own"
        );
        assert_eq!(site_hosts(&sample()), ["a.test", "www.a.test"]);
        let only_app = Targets {
            hosts: vec![HostTarget {
                role: "app".into(),
                host: "app.b.test".into(),
                protected: false,
            }],
            ..Targets::default()
        };
        assert_eq!(site_hosts(&only_app), ["app.b.test"]);
        assert_eq!(
            for_kind(kind, &only_app),
            [Target::new("app.b.test", SITE_ROLE)]
        );
        assert_eq!(
            expand(Subject::Route, &only_app)[0].name,
            "https://app.b.test/"
        );
        assert!(for_kind(kind, &Targets::default()).is_empty());
    }

    #[test]
    fn unset_paths_expand_to_nothing() {
        assert!(expand(Subject::Repo, &sample()).is_empty());
        assert!(expand(Subject::Apex, &Targets::default()).is_empty());
    }
}
