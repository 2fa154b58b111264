//! The `sessions` table and its cells. The cells are public so the TUI's session picker
//! shows a session the way the command line lists it.

use launch_ready_core::session::list::SessionSummary;
pub use launch_ready_core::session::naming::display_text;
use std::fmt::Write as _;
use time::OffsetDateTime;

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

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

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
