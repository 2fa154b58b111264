//! `launch-ready new` and `launch-ready sessions`.
//!
//! Input checking (`validate_*`, [`slug`]) and the table cells ([`relative_time`],
//! [`progress_cell`], [`display_text`]) are small public functions so the TUI's new-session
//! form and session picker say exactly what the command line says.

use super::{Failure, Outcome};
use crate::cli::NewArgs;
use crate::net::settings::normalize_host;
use crate::paths;
use crate::session::Session;
use crate::session::list::{SessionSummary, list_sessions};
use crate::session::model::{HostTarget, Targets};
use crate::session::store::SessionFile;
use std::fmt::Write as _;
use std::path::PathBuf;
use time::OffsetDateTime;

/// Longest session name accepted (it becomes a file name).
pub const MAX_NAME_LEN: usize = 64;

/// The file-name form of a client name: lowercase ASCII letters and digits, other runs of
/// characters folded into single dashes (`Acme Corp, Inc.` → `acme-corp-inc`). Accented
/// Latin letters become their plain letters (`Café Müller` → `cafe-muller`), so a name
/// still reads as the client's; other scripts are left out, as a file name in them would
/// not survive every file system and shell the session may travel through.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if let Some(plain) = fold_latin(c) {
            out.push_str(plain);
        } else if is_combining_mark(c) {
            // A decomposed accent (`e` + U+0301) belongs to the letter before it.
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let capped: String = out.chars().take(MAX_NAME_LEN).collect();
    capped.trim_end_matches('-').to_string()
}

/// The plain ASCII spelling of a lowercase Latin letter with a diacritic or a ligature.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ǎ' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĳ' => "ij",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Combining diacritical marks, as left by text in decomposed form (NFD) or by lowercasing
/// `İ` to `i` + U+0307.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// A session name as given with `--name`: it becomes `NAME.ron`, so it stays a plain word.
pub fn validate_name(name: &str) -> Result<String, String> {
    let ok_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if name.is_empty() || name.len() > MAX_NAME_LEN || !ok_start || !ok_chars {
        return Err(format!(
            "session name `{}` must be 1 to {MAX_NAME_LEN} lowercase letters, digits, `-` or `_`, starting with a letter or digit",
            display_text(name)
        ));
    }
    Ok(name.to_string())
}

/// The client's display name: trimmed, not empty, no control characters.
pub fn validate_client(client: &str) -> Result<String, String> {
    let client = client.trim();
    if client.is_empty() {
        return Err("the client name is empty".into());
    }
    if client.chars().any(char::is_control) {
        return Err(format!(
            "client name `{}` contains a control character",
            display_text(client)
        ));
    }
    Ok(client.to_string())
}

/// The apex domain: a valid host name with at least two labels.
pub fn validate_domain(domain: &str) -> Result<String, String> {
    let host = normalize_host(domain)
        .map_err(|e| format!("domain `{}` is not valid: {e}", display_text(domain)))?;
    if !host.contains('.') {
        return Err(format!(
            "domain `{}` is not valid: an apex domain has at least two labels (example.com)",
            display_text(domain)
        ));
    }
    Ok(host)
}

/// One `--host ROLE=HOST`: the role is a lowercase word (`www`, `api`, `staging-eu`), the host
/// a valid name (it may lie outside the apex domain, as a staging host often does).
pub fn parse_host(spec: &str) -> Result<HostTarget, String> {
    let shown = display_text(spec);
    let (role, host) = spec
        .split_once('=')
        .ok_or_else(|| format!("host `{shown}` must be ROLE=HOST (e.g. www=www.example.com)"))?;
    let role = role.trim();
    let role_ok = role.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && role
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !role_ok {
        return Err(format!(
            "host `{shown}`: role `{}` must be a lowercase word (www, app, api, admin, staging…)",
            display_text(role)
        ));
    }
    let host = normalize_host(host).map_err(|e| format!("host `{shown}`: {e}"))?;
    Ok(HostTarget {
        role: role.to_string(),
        host,
    })
}

/// Every `--host`, refusing a role given twice.
pub fn parse_hosts(specs: &[String]) -> Result<Vec<HostTarget>, String> {
    let mut hosts: Vec<HostTarget> = Vec::new();
    for spec in specs {
        let h = parse_host(spec)?;
        if hosts.iter().any(|x| x.role == h.role) {
            return Err(format!("role `{}` is given more than once", h.role));
        }
        hosts.push(h);
    }
    Ok(hosts)
}

/// A session created by `new`.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub name: String,
    pub path: PathBuf,
    /// Whether the path was given explicitly (so it is opened by path, not by name).
    pub explicit_path: bool,
}

impl Created {
    /// The argument to `launch-ready open` for this session.
    pub fn open_argument(&self) -> String {
        if self.explicit_path {
            self.path.display().to_string()
        } else {
            self.name.clone()
        }
    }
}

/// Checks the arguments of `new` and writes the session file. The file is closed (and its
/// lock released) on return, so the caller may open it.
pub fn create(args: &NewArgs, now: OffsetDateTime) -> Result<Created, Failure> {
    let client = validate_client(&args.client).map_err(Failure::usage)?;
    let apex = validate_domain(&args.domain).map_err(Failure::usage)?;
    let hosts = parse_hosts(&args.hosts).map_err(Failure::usage)?;
    let name = match &args.name {
        Some(n) => validate_name(n).map_err(Failure::usage)?,
        None => {
            let s = slug(&client);
            if s.is_empty() {
                return Err(Failure::usage(format!(
                    "cannot make a session name from client `{}`; give one with --name",
                    display_text(&client)
                )));
            }
            s
        }
    };
    let runbook = super::runbooks::library()
        .resolve(&args.runbook)
        .map_err(|e| Failure::usage(e.to_string()))?;
    let (path, explicit_path) = match &args.path {
        Some(p) => (p.clone(), true),
        None => {
            let dir = paths::sessions_dir().ok_or_else(|| {
                Failure::usage(format!(
                    "no data folder for sessions; set {} or give --path",
                    paths::DATA_DIR_ENV
                ))
            })?;
            (dir.join(format!("{name}.ron")), false)
        }
    };
    let created = Created {
        name: name.clone(),
        path: path.clone(),
        explicit_path,
    };
    if path.exists() {
        return Err(Failure::usage(format!(
            "a session already exists at {}; open it with `launch-ready open {}`, or choose another --name",
            path.display(),
            created.open_argument()
        )));
    }
    let targets = Targets {
        apex,
        hosts,
        ..Targets::default()
    };
    let session = Session::new(&name, &client, &runbook, targets, now);
    SessionFile::create(&path, &session).map_err(|e| Failure::usage(e.to_string()))?;
    Ok(created)
}

/// `launch-ready new`.
pub fn new(args: &NewArgs, out: &mut String) -> Outcome {
    let created = create(args, OffsetDateTime::now_utc())?;
    let _ = writeln!(out, "Created session {}", created.path.display());
    let _ = writeln!(
        out,
        "Open it with: launch-ready open {}",
        created.open_argument()
    );
    Ok(0)
}

/// How long ago `then` was, in words: `just now`, `3 min ago`, `5 h ago`, `yesterday`,
/// `4 days ago`, then the date.
pub fn relative_time(then: OffsetDateTime, now: OffsetDateTime) -> String {
    let ago = now - then;
    let minutes = ago.whole_minutes();
    let hours = ago.whole_hours();
    let days = ago.whole_days();
    if minutes < 1 {
        // Also covers a clock that went backwards a little.
        "just now".into()
    } else if minutes < 60 {
        format!("{minutes} min ago")
    } else if hours < 24 {
        format!("{hours} h ago")
    } else if days < 2 {
        "yesterday".into()
    } else if days < 14 {
        format!("{days} days ago")
    } else {
        let d = then.date();
        format!("{}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
    }
}

/// `12/41`, or `?` when the runbook is unknown.
pub fn progress_cell(progress: Option<(usize, usize)>) -> String {
    progress.map_or_else(|| "?".into(), |(done, total)| format!("{done}/{total}"))
}

/// Text from a session file made safe for a terminal: control characters (escape
/// sequences included) become `?`.
pub fn display_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The sessions table, one row per session, problems on an indented line below their row.
pub fn render_table(rows: &[SessionSummary], now: OffsetDateTime, out: &mut String) {
    const HEAD: [&str; 6] = [
        "CLIENT",
        "RUNBOOK",
        "PROGRESS",
        "HOUR",
        "LAST ACTIVITY",
        "NAME",
    ];
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let unreadable = r.problem.is_some();
            [
                if unreadable {
                    "(unreadable)".into()
                } else {
                    truncate(&display_text(&r.client), 30)
                },
                truncate(&display_text(&r.runbook_id), 36),
                if unreadable {
                    "-".into()
                } else {
                    progress_cell(r.progress)
                },
                if unreadable {
                    "-".into()
                } else {
                    format!("h{}", r.sprint_hour)
                },
                relative_time(r.updated_at, now),
                display_text(&r.name),
            ]
        })
        .collect();
    let mut widths = HEAD.map(|h| h.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |out: &mut String, cols: [&str; 6]| {
        let mut s = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i + 1 == cols.len() {
                s.push_str(c);
            } else {
                let pad = w - c.chars().count();
                s.push_str(c);
                s.push_str(&" ".repeat(pad + 2));
            }
        }
        let _ = writeln!(out, "{}", s.trim_end());
    };
    line(out, HEAD);
    for (row, summary) in cells.iter().zip(rows) {
        line(out, row.each_ref().map(String::as_str));
        if let Some(problem) = &summary.problem {
            let _ = writeln!(out, "  ! {}", display_text(problem));
        }
    }
}

/// `launch-ready sessions`.
pub fn list(out: &mut String) -> Outcome {
    let dir = paths::sessions_dir().ok_or_else(|| {
        Failure::usage(format!(
            "no data folder for sessions; set {}",
            paths::DATA_DIR_ENV
        ))
    })?;
    let now = OffsetDateTime::now_utc();
    let rows = list_sessions(&dir, now);
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "No sessions yet. Start one with: launch-ready new --runbook ID --client NAME --domain example.com"
        );
        let _ = writeln!(out, "(`launch-ready runbooks list` shows the runbook ids.)");
    } else {
        render_table(&rows, now, out);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn slugs_fold_punctuation_and_case() {
        assert_eq!(slug("Acme Corp, Inc."), "acme-corp-inc");
        assert_eq!(slug("  --Zeta__42--  "), "zeta-42");
        assert_eq!(slug("日本"), "");
        assert_eq!(slug(&"a b ".repeat(50)).len(), MAX_NAME_LEN - 1);
    }

    #[test]
    fn slugs_fold_latin_accents_to_plain_letters() {
        assert_eq!(slug("Acme Café"), "acme-cafe");
        assert_eq!(slug("Müller & Söhne GmbH"), "muller-sohne-gmbh");
        assert_eq!(slug("Straße Øresund"), "strasse-oresund");
        assert_eq!(slug("ÆON Œuvre Þing"), "aeon-oeuvre-thing");
        assert_eq!(slug("Łódź Çelik Ñandú"), "lodz-celik-nandu");
        assert_eq!(slug("İstanbul Şirket"), "istanbul-sirket");
        // Decomposed text (e + combining acute) gives the same name as composed text.
        assert_eq!(slug("Cafe\u{301} Noir"), "cafe-noir");
        // Other scripts stay out, as before; the Latin part of a mixed name is kept.
        assert_eq!(slug("Café 東京"), "cafe");
        assert_eq!(slug("Москва"), "");
        // Every result is a valid session name.
        for name in ["Acme Café", "Straße Øresund", "ÆON Œuvre Þing"] {
            assert!(validate_name(&slug(name)).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_are_plain_words() {
        assert_eq!(validate_name("acme-2"), Ok("acme-2".into()));
        for bad in ["", "-acme", "Acme", "../etc", "a b", &"a".repeat(65)] {
            let err = validate_name(bad).expect_err(bad);
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }

    #[test]
    fn domains_need_two_valid_labels() {
        assert_eq!(validate_domain("Example.COM."), Ok("example.com".into()));
        assert_eq!(
            validate_domain("localhost"),
            Err("domain `localhost` is not valid: an apex domain has at least two labels (example.com)".into())
        );
        let err = validate_domain("exa mple.com").expect_err("space");
        assert!(
            err.starts_with("domain `exa mple.com` is not valid"),
            "{err}"
        );
        let err = validate_domain("https://example.com").expect_err("url");
        assert!(err.contains("`https://example.com`"), "{err}");
    }

    #[test]
    fn hosts_are_role_equals_host() {
        assert_eq!(
            parse_host("www=WWW.Example.com"),
            Ok(HostTarget {
                role: "www".into(),
                host: "www.example.com".into()
            })
        );
        assert_eq!(
            parse_host("staging=acme-staging.vercel.app").map(|h| h.host),
            Ok("acme-staging.vercel.app".into())
        );
        assert!(parse_host("www.example.com").is_err_and(|e| e.contains("must be ROLE=HOST")));
        assert!(parse_host("WWW=www.example.com").is_err_and(|e| e.contains("role `WWW`")));
        assert!(parse_host("api=bad host").is_err_and(|e| e.contains("`api=bad host`")));
        let twice = parse_hosts(&["www=a.example.com".into(), "www=b.example.com".into()]);
        assert_eq!(twice, Err("role `www` is given more than once".into()));
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = datetime!(2026-03-10 12:00 UTC);
        let ago = |d: Duration| relative_time(now - d, now);
        assert_eq!(ago(Duration::seconds(20)), "just now");
        assert_eq!(ago(Duration::seconds(-30)), "just now");
        assert_eq!(ago(Duration::minutes(3)), "3 min ago");
        assert_eq!(ago(Duration::minutes(59)), "59 min ago");
        assert_eq!(ago(Duration::hours(5)), "5 h ago");
        assert_eq!(ago(Duration::hours(30)), "yesterday");
        assert_eq!(ago(Duration::days(4)), "4 days ago");
        assert_eq!(ago(Duration::days(40)), "2026-01-29");
    }

    #[test]
    fn table_aligns_and_shows_problems() {
        let now = datetime!(2026-03-10 12:00 UTC);
        let rows = vec![
            SessionSummary {
                path: "a.ron".into(),
                name: "acme".into(),
                client: "Acme\u{1b}[31m".into(),
                runbook_id: "b2b-demo-to-launch".into(),
                progress: Some((12, 41)),
                sprint_hour: 7,
                updated_at: now - Duration::minutes(3),
                problem: None,
            },
            SessionSummary {
                path: "b.ron".into(),
                name: "broken".into(),
                client: String::new(),
                runbook_id: String::new(),
                progress: None,
                sprint_hour: 0,
                updated_at: now - Duration::hours(30),
                problem: Some("damaged at line 3, column 1: Expected comma".into()),
            },
        ];
        let mut out = String::new();
        render_table(&rows, now, &mut out);
        let expected = "\
CLIENT        RUNBOOK             PROGRESS  HOUR  LAST ACTIVITY  NAME
Acme?[31m     b2b-demo-to-launch  12/41     h7    3 min ago      acme
(unreadable)                      -         -     yesterday      broken
  ! damaged at line 3, column 1: Expected comma
";
        assert_eq!(out, expected);
    }
}
