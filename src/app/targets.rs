//! The editable fields of the targets screen: one row per value, each with a one-line text
//! form, a parser that validates it with the same rules the CLI uses (`net::settings`), and
//! an apply step that only touches the session once the text is valid. Keeping the rows a
//! pure function of the session lets the view, the keys and the tests share one list.

use launch_ready_core::flow::Flow;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{EnvFile, HostTarget, Route};
use launch_ready_core::settings::{ConnectTo, Nameserver, ResolveOverride, normalize_host};
use std::path::PathBuf;

pub use super::target_error::{RouteLineError, TargetError, WordError};

/// One row of the targets screen. List fields have one row per entry plus an "add" row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetField {
    Apex,
    Host(usize),
    AddHost,
    Route(usize),
    AddRoute,
    Flow(usize),
    AddFlow,
    Repo,
    BuildDir,
    EnvFile(usize),
    AddEnvFile,
    AlertRoute,
    Dkim(usize),
    AddDkim,
    Nameserver,
    Resolve(usize),
    AddResolve,
    ConnectTo(usize),
    AddConnectTo,
    CaFile,
    CloudflareApi,
    Timeout,
    Concurrency,
}

/// Highest per-operation timeout accepted, in seconds.
pub const MAX_TIMEOUT_SECS: u64 = 300;
/// Highest concurrency accepted.
pub const MAX_CONCURRENCY: usize = 256;

impl TargetField {
    pub fn label(self) -> &'static str {
        match self {
            TargetField::Apex => "Apex domain",
            TargetField::Host(_) | TargetField::AddHost => "Role host",
            TargetField::Route(_) | TargetField::AddRoute => "Route",
            TargetField::Flow(_) | TargetField::AddFlow => "Flow",
            TargetField::Repo => "Repository path",
            TargetField::BuildDir => "Build output folder",
            TargetField::EnvFile(_) | TargetField::AddEnvFile => "Env file",
            TargetField::AlertRoute => "Alert routes",
            TargetField::Dkim(_) | TargetField::AddDkim => "DKIM selector",
            TargetField::Nameserver => "Nameserver",
            TargetField::Resolve(_) | TargetField::AddResolve => "Resolve override",
            TargetField::ConnectTo(_) | TargetField::AddConnectTo => "Connect-to override",
            TargetField::CaFile => "Extra CA file",
            TargetField::CloudflareApi => "Cloudflare API URL",
            TargetField::Timeout => "Timeout (seconds)",
            TargetField::Concurrency => "Concurrency",
        }
    }

    /// The expected form, shown in the prompt.
    pub fn hint(self) -> &'static str {
        match self {
            TargetField::Apex => "example.com",
            TargetField::Host(_) | TargetField::AddHost => "ROLE=HOST, e.g. app=app.example.com",
            TargetField::Route(_) | TargetField::AddRoute => {
                "NAME=[METHOD ]PATH [budget=read|write|MS] [auth=CREDENTIAL[@HEADER]] [header=K:V] [body=…], e.g. login=POST /api/login auth=api-token"
            }
            TargetField::Flow(_) | TargetField::AddFlow => {
                "Flow(name: \"…\", steps: [Step(method: \"POST\", url: \"/session\", body: Some(Form([(\"password\", \"{{secret:NAME}}\")])), expect: Expect(status: [303])), Step(url: \"/api/me\")])"
            }
            TargetField::Repo | TargetField::BuildDir | TargetField::CaFile => {
                "a path; empty clears"
            }
            TargetField::EnvFile(_) | TargetField::AddEnvFile => "ENV=PATH, e.g. production=.env",
            TargetField::AlertRoute => {
                "in escalation order: webhook credential names, smtp://USER@HOST?from=..&to=..&password=NAME; empty clears"
            }
            TargetField::Dkim(_) | TargetField::AddDkim => "a selector label, e.g. google",
            TargetField::Nameserver => "IP or IP:PORT; empty uses the system resolver",
            TargetField::Resolve(_) | TargetField::AddResolve => "HOST:ADDR",
            TargetField::ConnectTo(_) | TargetField::AddConnectTo => "HOST:PORT:ADDR:PORT",
            TargetField::CloudflareApi => {
                "an https URL (http on loopback only); empty uses https://api.cloudflare.com/client/v4"
            }
            TargetField::Timeout => "1 to 300",
            TargetField::Concurrency => "1 to 256",
        }
    }

    /// The "add" row of the list this row belongs to, if it belongs to one.
    pub fn add_row(self) -> Option<TargetField> {
        match self {
            TargetField::Host(_) | TargetField::AddHost => Some(TargetField::AddHost),
            TargetField::Route(_) | TargetField::AddRoute => Some(TargetField::AddRoute),
            TargetField::Flow(_) | TargetField::AddFlow => Some(TargetField::AddFlow),
            TargetField::EnvFile(_) | TargetField::AddEnvFile => Some(TargetField::AddEnvFile),
            TargetField::Dkim(_) | TargetField::AddDkim => Some(TargetField::AddDkim),
            TargetField::Resolve(_) | TargetField::AddResolve => Some(TargetField::AddResolve),
            TargetField::ConnectTo(_) | TargetField::AddConnectTo => {
                Some(TargetField::AddConnectTo)
            }
            _ => None,
        }
    }

    /// True for rows that stand for one entry of a list (and so can be removed).
    pub fn is_entry(self) -> bool {
        matches!(
            self,
            TargetField::Host(_)
                | TargetField::Route(_)
                | TargetField::Flow(_)
                | TargetField::EnvFile(_)
                | TargetField::Dkim(_)
                | TargetField::Resolve(_)
                | TargetField::ConnectTo(_)
        )
    }
}

/// The rows of the targets screen, in display order.
pub fn rows(session: &Session) -> Vec<TargetField> {
    let t = &session.targets;
    let n = &session.network;
    let mut out = vec![TargetField::Apex];
    out.extend((0..t.hosts.len()).map(TargetField::Host));
    out.push(TargetField::AddHost);
    out.extend((0..t.routes.len()).map(TargetField::Route));
    out.push(TargetField::AddRoute);
    out.extend((0..t.flows.len()).map(TargetField::Flow));
    out.push(TargetField::AddFlow);
    out.push(TargetField::Repo);
    out.push(TargetField::BuildDir);
    out.extend((0..t.env_files.len()).map(TargetField::EnvFile));
    out.push(TargetField::AddEnvFile);
    out.push(TargetField::AlertRoute);
    out.extend((0..t.dkim_selectors.len()).map(TargetField::Dkim));
    out.push(TargetField::AddDkim);
    out.push(TargetField::Nameserver);
    out.extend((0..n.resolve.len()).map(TargetField::Resolve));
    out.push(TargetField::AddResolve);
    out.extend((0..n.connect_to.len()).map(TargetField::ConnectTo));
    out.push(TargetField::AddConnectTo);
    out.push(TargetField::CaFile);
    out.push(TargetField::CloudflareApi);
    out.push(TargetField::Timeout);
    out.push(TargetField::Concurrency);
    out
}

fn path_text(p: Option<&PathBuf>) -> String {
    p.map(|p| p.display().to_string()).unwrap_or_default()
}

/// The field's current value as it would be typed (empty for "add" rows and unset values).
pub fn value(session: &Session, field: TargetField) -> String {
    let t = &session.targets;
    let n = &session.network;
    let entry = |v: Option<String>| v.unwrap_or_default();
    match field {
        TargetField::Apex => t.apex.clone(),
        TargetField::Host(i) => entry(t.hosts.get(i).map(|h| {
            let flag = if h.protected { " protected" } else { "" };
            format!("{}={}{flag}", h.role, h.host)
        })),
        TargetField::Route(i) => entry(t.routes.get(i).map(super::route_line::render)),
        TargetField::Flow(i) => entry(t.flows.get(i).map(flow_text)),
        TargetField::Repo => path_text(t.repo.as_ref()),
        TargetField::BuildDir => path_text(t.build_dir.as_ref()),
        TargetField::EnvFile(i) => entry(
            t.env_files
                .get(i)
                .map(|e| format!("{}={}", e.environment, e.path.display())),
        ),
        TargetField::AlertRoute => launch_ready_core::session::model::AlertRoute::line(&t.routes()),
        TargetField::Dkim(i) => entry(t.dkim_selectors.get(i).cloned()),
        TargetField::Nameserver => n.nameserver.map(|s| s.to_string()).unwrap_or_default(),
        TargetField::Resolve(i) => entry(n.resolve.get(i).map(ToString::to_string)),
        TargetField::ConnectTo(i) => entry(n.connect_to.get(i).map(ToString::to_string)),
        TargetField::CaFile => path_text(n.ca_file.as_ref()),
        TargetField::CloudflareApi => n.cloudflare_api.clone().unwrap_or_default(),
        TargetField::Timeout => n.timeout_secs.to_string(),
        TargetField::Concurrency => n.concurrency.to_string(),
        TargetField::AddHost
        | TargetField::AddRoute
        | TargetField::AddFlow
        | TargetField::AddEnvFile
        | TargetField::AddDkim
        | TargetField::AddResolve
        | TargetField::AddConnectTo => String::new(),
    }
}

fn parse_path(text: &str, what: &'static str) -> Result<Option<PathBuf>, TargetError> {
    let t = text.trim();
    if t.chars().any(char::is_control) {
        return Err(TargetError::ControlCharacters {
            what,
            text: t.to_string(),
        });
    }
    Ok((!t.is_empty()).then(|| PathBuf::from(t)))
}

/// Refuses a repository path that is not a folder here: the repository checks would only
/// report "not found" at run time, long after the typo. Relative paths are taken from the
/// folder the app was started in, as the checks take them.
fn existing_folder(path: Option<PathBuf>) -> Result<Option<PathBuf>, TargetError> {
    let Some(p) = path else {
        return Ok(None);
    };
    match std::fs::metadata(&p) {
        Ok(m) if m.is_dir() => Ok(Some(p)),
        Ok(_) => Err(TargetError::RepoIsFile(p)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(TargetError::RepoMissing {
            cwd: p
                .is_relative()
                .then(|| std::env::current_dir().ok())
                .flatten(),
            path: p,
        }),
        Err(source) => Err(TargetError::RepoUnreadable { path: p, source }),
    }
}

fn split_pair<'a>(text: &'a str, form: &'static str) -> Result<(&'a str, &'a str), TargetError> {
    let bad = || TargetError::Pair {
        text: text.trim().to_string(),
        form,
    };
    let (k, v) = text.trim().split_once('=').ok_or_else(bad)?;
    let (k, v) = (k.trim(), v.trim());
    if k.is_empty() || v.is_empty() {
        return Err(bad());
    }
    Ok((k, v))
}

fn parse_word(word: &str, what: &'static str) -> Result<String, WordError> {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(word.to_string())
    } else {
        Err(WordError {
            what,
            word: word.to_string(),
        })
    }
}

/// `ROLE=HOST`, and a trailing `protected` for a host behind a login (401/403 mean up to
/// the monitor); staging / preview roles are protected without it.
pub(crate) fn parse_host(text: &str) -> Result<HostTarget, TargetError> {
    let text = text.trim();
    let (pair, protected) = match text.rsplit_once(char::is_whitespace) {
        Some((pair, flag)) if flag.eq_ignore_ascii_case("protected") => (pair, true),
        _ => (text, false),
    };
    let (role, host) = split_pair(pair, "ROLE=HOST")?;
    Ok(HostTarget {
        role: parse_word(&role.to_ascii_lowercase(), "role")?,
        host: normalize_host(host)?,
        protected,
    })
}

fn parse_route(text: &str) -> Result<Route, RouteLineError> {
    super::route_line::parse(text, |w| parse_word(w, "route name"))
}

fn parse_env_file(text: &str) -> Result<EnvFile, TargetError> {
    let (env, path) = split_pair(text, "ENV=PATH")?;
    Ok(EnvFile {
        environment: parse_word(env, "environment")?,
        path: parse_path(path, "env file path")?.unwrap_or_default(),
    })
}

fn parse_number<T: std::str::FromStr + PartialOrd + std::fmt::Display>(
    text: &str,
    what: &'static str,
    min: T,
    max: T,
) -> Result<T, TargetError> {
    let t = text.trim();
    match t.parse::<T>() {
        Ok(v) if v >= min && v <= max => Ok(v),
        _ => Err(TargetError::Number {
            what,
            text: t.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        }),
    }
}

/// Puts `text` into `field` at list position `index` (replacing) or at the end (`None`).
fn put<T>(list: &mut Vec<T>, index: Option<usize>, value: T) {
    match index.and_then(|i| list.get_mut(i)) {
        Some(slot) => *slot = value,
        None => list.push(value),
    }
}

/// Refuses a value whose key another entry of the list already has (the entry at `index`,
/// being replaced, does not count), as `launch-ready new` refuses a role given twice.
fn unique<T>(
    list: &[T],
    index: Option<usize>,
    same: impl Fn(&T) -> bool,
    what: &'static str,
    key: &str,
) -> Result<(), TargetError> {
    let taken = list
        .iter()
        .enumerate()
        .any(|(i, x)| Some(i) != index && same(x));
    if taken {
        Err(TargetError::Taken {
            what,
            key: key.to_string(),
        })
    } else {
        Ok(())
    }
}

/// Validates `text` for `field` and, only when it is valid, writes it into the session.
pub fn apply(session: &mut Session, field: TargetField, text: &str) -> Result<(), TargetError> {
    let t = &mut session.targets;
    let n = &mut session.network;
    let trimmed = text.trim();
    match field {
        TargetField::Apex => t.apex = normalize_host(trimmed)?,
        TargetField::Host(i) => {
            let host = parse_host(text)?;
            unique(
                &t.hosts,
                Some(i),
                |h| h.role == host.role,
                "role",
                &host.role,
            )?;
            put(&mut t.hosts, Some(i), host);
        }
        TargetField::AddHost => {
            let host = parse_host(text)?;
            unique(&t.hosts, None, |h| h.role == host.role, "role", &host.role)?;
            put(&mut t.hosts, None, host);
        }
        TargetField::Route(i) => {
            let route = parse_route(text)?;
            unique(
                &t.routes,
                Some(i),
                |r| r.name == route.name,
                "route name",
                &route.name,
            )?;
            put(&mut t.routes, Some(i), route);
        }
        TargetField::AddRoute => {
            let route = parse_route(text)?;
            unique(
                &t.routes,
                None,
                |r| r.name == route.name,
                "route name",
                &route.name,
            )?;
            put(&mut t.routes, None, route);
        }
        TargetField::Flow(i) => {
            let flow = parse_flow(text)?;
            unique(
                &t.flows,
                Some(i),
                |f| f.name == flow.name,
                "flow name",
                &flow.name,
            )?;
            put(&mut t.flows, Some(i), flow);
        }
        TargetField::AddFlow => {
            let flow = parse_flow(text)?;
            unique(
                &t.flows,
                None,
                |f| f.name == flow.name,
                "flow name",
                &flow.name,
            )?;
            put(&mut t.flows, None, flow);
        }
        TargetField::Repo => t.repo = existing_folder(parse_path(text, "repository path")?)?,
        TargetField::BuildDir => t.build_dir = parse_path(text, "build folder")?,
        TargetField::EnvFile(i) => put(&mut t.env_files, Some(i), parse_env_file(text)?),
        TargetField::AddEnvFile => put(&mut t.env_files, None, parse_env_file(text)?),
        // In escalation order: webhook credential names and smtp:// routes, by spaces.
        TargetField::AlertRoute => t.set_routes(
            launch_ready_core::session::model::AlertRoute::parse_line(trimmed)?,
        ),
        TargetField::Dkim(i) => put(&mut t.dkim_selectors, Some(i), parse_selector(trimmed)?),
        TargetField::AddDkim => put(&mut t.dkim_selectors, None, parse_selector(trimmed)?),
        TargetField::Nameserver => {
            n.nameserver = if trimmed.is_empty() {
                None
            } else {
                Some(trimmed.parse::<Nameserver>()?)
            };
        }
        TargetField::Resolve(i) => {
            put(&mut n.resolve, Some(i), trimmed.parse::<ResolveOverride>()?)
        }
        TargetField::AddResolve => put(&mut n.resolve, None, trimmed.parse::<ResolveOverride>()?),
        TargetField::ConnectTo(i) => put(&mut n.connect_to, Some(i), trimmed.parse::<ConnectTo>()?),
        TargetField::AddConnectTo => put(&mut n.connect_to, None, trimmed.parse::<ConnectTo>()?),
        TargetField::CaFile => n.ca_file = parse_path(text, "CA file")?,
        TargetField::CloudflareApi => {
            n.cloudflare_api = if trimmed.is_empty() {
                None
            } else {
                Some(
                    launch_ready_core::settings::parse_cloudflare_api(trimmed)
                        .map_err(TargetError::CloudflareApi)?,
                )
            };
        }
        TargetField::Timeout => {
            n.timeout_secs = parse_number(trimmed, "timeout", 1, MAX_TIMEOUT_SECS)?;
        }
        TargetField::Concurrency => {
            n.concurrency = parse_number(trimmed, "concurrency", 1, MAX_CONCURRENCY)?;
        }
    }
    Ok(())
}

/// A flow as the one-line prompt edits it: RON with struct names, on one line.
pub fn flow_text(flow: &Flow) -> String {
    let config = ron::ser::PrettyConfig::new()
        .new_line(" ".to_string())
        .indentor(String::new())
        .struct_names(true);
    ron::ser::to_string_pretty(flow, config)
        .map(|s| {
            s.replace("( ", "(")
                .replace("[ ", "[")
                .replace(", )", ")")
                .replace(", ]", "]")
        })
        .unwrap_or_default()
}

/// What the list shows for a flow: its name and steps, not its RON.
pub fn flow_summary(session: &Session, i: usize) -> Option<String> {
    session.targets.flows.get(i).map(Flow::summary)
}

fn parse_flow(text: &str) -> Result<Flow, TargetError> {
    let flow: Flow = ron::from_str(text.trim()).map_err(|e| TargetError::Flow(e.to_string()))?;
    flow.validate()
        .map_err(|e| TargetError::Flow(e.to_string()))?;
    Ok(flow)
}

fn parse_selector(text: &str) -> Result<String, TargetError> {
    let host = normalize_host(text).map_err(TargetError::SelectorHost)?;
    if host.contains('.') {
        return Err(TargetError::SelectorLabel(text.to_string()));
    }
    Ok(host)
}

/// Removes the list entry behind `field`. Returns false for rows that are not entries.
pub fn remove(session: &mut Session, field: TargetField) -> bool {
    fn take<T>(list: &mut Vec<T>, i: usize) -> bool {
        (i < list.len()).then(|| list.remove(i)).is_some()
    }
    let t = &mut session.targets;
    let n = &mut session.network;
    match field {
        TargetField::Host(i) => take(&mut t.hosts, i),
        TargetField::Route(i) => take(&mut t.routes, i),
        TargetField::Flow(i) => take(&mut t.flows, i),
        TargetField::EnvFile(i) => take(&mut t.env_files, i),
        TargetField::Dkim(i) => take(&mut t.dkim_selectors, i),
        TargetField::Resolve(i) => take(&mut n.resolve, i),
        TargetField::ConnectTo(i) => take(&mut n.connect_to, i),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::session::model::Targets;

    fn session() -> Session {
        let mut s = crate::app::tests::session();
        s.targets = Targets {
            apex: "acme.test".into(),
            ..Targets::default()
        };
        s
    }

    #[test]
    fn the_cloudflare_api_url_is_checked_and_empty_clears_it() {
        let mut s = session();
        apply(
            &mut s,
            TargetField::CloudflareApi,
            "http://127.0.0.1:9/client/v4/",
        )
        .unwrap();
        assert_eq!(
            value(&s, TargetField::CloudflareApi),
            "http://127.0.0.1:9/client/v4"
        );
        let e = apply(&mut s, TargetField::CloudflareApi, "gopher://x")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("Cloudflare API URL:"), "{e}");
        // The token would cross the network in the clear.
        let e = apply(
            &mut s,
            TargetField::CloudflareApi,
            "http://cf.example/client/v4",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("plain http"), "{e}");
        apply(&mut s, TargetField::CloudflareApi, " ").unwrap();
        assert_eq!(s.network.cloudflare_api, None);
    }

    #[test]
    fn a_role_or_route_name_is_refused_twice_but_an_entry_can_be_rewritten() {
        let mut s = session();
        apply(&mut s, TargetField::AddHost, "www=www.acme.test").expect("first www");
        let e = apply(&mut s, TargetField::AddHost, "WWW=evil.test")
            .unwrap_err()
            .to_string();
        assert!(e.contains("role `www` is already in the list"), "{e}");
        assert_eq!(s.targets.hosts.len(), 1);
        apply(&mut s, TargetField::AddHost, "app=app.acme.test").expect("app");
        let e = apply(&mut s, TargetField::Host(1), "www=w2.acme.test")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`www`"), "{e}");
        apply(&mut s, TargetField::Host(0), "www=w2.acme.test").expect("rewrite in place");
        assert_eq!(s.targets.hosts[0].host, "w2.acme.test");

        // A host behind a login is marked with a trailing `protected`.
        apply(
            &mut s,
            TargetField::AddHost,
            "admin=admin.acme.test protected",
        )
        .expect("admin");
        assert!(s.targets.hosts[2].protected);
        assert!(s.targets.is_protected("admin.acme.test"));
        assert_eq!(
            value(&s, TargetField::Host(2)),
            "admin=admin.acme.test protected"
        );
        apply(&mut s, TargetField::Host(2), "admin=admin.acme.test").expect("unmark");
        assert!(!s.targets.is_protected("admin.acme.test"));

        apply(&mut s, TargetField::AddRoute, "login=/login").expect("route");
        let e = apply(&mut s, TargetField::AddRoute, "login=POST /api/login")
            .unwrap_err()
            .to_string();
        assert!(e.contains("route name `login`"), "{e}");
        assert_eq!(s.targets.routes.len(), 1);
    }
}
