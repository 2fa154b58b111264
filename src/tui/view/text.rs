//! Small text helpers shared by the views: ages, progress bars, truncation.
//!
//! Widths here are terminal cells, not chars: a CJK character or an emoji takes two cells,
//! so cutting and padding by char count would push every column after it out of line.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use time::OffsetDateTime;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// "5s", "3m", "2h", "4d" since `then` (or "just now" for clock skew into the future).
pub fn age(now: OffsetDateTime, then: OffsetDateTime) -> String {
    let secs = (now - then).whole_seconds();
    match secs {
        s if s < 0 => "just now".into(),
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// A `width`-cell bar filled in proportion to `done / total`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!(
        "{}{}",
        "█".repeat(filled),
        "░".repeat(width - filled.min(width))
    )
}

/// The number of terminal cells `s` takes.
pub fn cells(s: &str) -> usize {
    s.width()
}

/// Cuts `s` to at most `width` cells, marking the cut with `…`. A wide character that
/// would straddle the edge is left out whole rather than split.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Cuts `s` to at most `width` cells at a word end, marking the cut with `…`, so a shared
/// screen never shows half a word. A first word wider than `width` is cut as `truncate`
/// does (there is no word end to cut at).
pub fn truncate_words(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let cut = truncate(s, width);
    let body = cut.trim_end_matches('…');
    // The cut fell on a word end when the next char of `s` is a space.
    if s[body.len()..].starts_with(' ') {
        return format!("{}…", body.trim_end());
    }
    match body.rfind(' ') {
        Some(i) if !body[..i].trim().is_empty() => {
            format!(
                "{}…",
                body[..i].trim_end_matches([' ', ',', ';', ':', '—', '-', '·'])
            )
        }
        _ => cut,
    }
}

/// `s` padded to `width` cells, cut at a word end when longer (see `truncate_words`).
pub fn fit_words(s: &str, width: usize) -> String {
    let t = truncate_words(s, width);
    let n = t.width();
    format!("{t}{}", " ".repeat(width.saturating_sub(n)))
}

/// `fit_words` on a shared (presenter) screen, `fit` on the operator's, which keeps every
/// cell it can.
pub fn fit_for(presenter: bool, s: &str, width: usize) -> String {
    if presenter {
        fit_words(s, width)
    } else {
        fit(s, width)
    }
}

/// `s` padded or cut to exactly `width` cells.
pub fn fit(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let n = t.width();
    format!("{t}{}", " ".repeat(width.saturating_sub(n)))
}

/// Word-wraps `s` to `width` cells, continuation rows indented like the first one (its
/// leading spaces), so wrapped evidence stays under its heading instead of falling back
/// to the left edge. A word wider than a row is split. The indent is capped at half the
/// width, so narrow panes still get text on every row.
pub fn wrap_hanging(s: &str, width: usize) -> Vec<String> {
    if width == 0 || s.width() <= width {
        return vec![s.to_string()];
    }
    let body = s.trim_start_matches(' ');
    let indent = (s.len() - body.len()).min(width / 2);
    let pad = " ".repeat(indent);
    let mut rows = Vec::new();
    let mut row = pad.clone();
    let mut fresh = true;
    for word in body.split(' ') {
        let gap = usize::from(!fresh);
        if !fresh && row.width() + gap + word.width() > width {
            rows.push(std::mem::replace(&mut row, pad.clone()));
            fresh = true;
        }
        if !fresh {
            row.push(' ');
        }
        for c in word.chars() {
            if row.width() + c.width().unwrap_or(0) > width {
                rows.push(std::mem::replace(&mut row, pad.clone()));
            }
            row.push(c);
        }
        fresh = false;
    }
    rows.push(row);
    rows
}

/// Word-wraps a line of styled spans to `width` cells, continuation rows indented by
/// `indent` cells (capped at half the width), each piece keeping its span's style: a
/// finding's header (`blocker dns.unresolvable app.acme.test`) wraps under its text, not
/// back at the left edge under the severity. A word wider than a row is split.
pub fn wrap_spans(line: &Line<'_>, width: usize, indent: usize) -> Vec<Line<'static>> {
    /// Characters with their style: a word, or the spaces before one.
    type Run = Vec<(char, Style)>;
    let chars: Run = line
        .spans
        .iter()
        .flat_map(|s| {
            s.content
                .chars()
                .map(move |c| (c, line.style.patch(s.style)))
        })
        .collect();
    let w =
        |run: &[(char, Style)]| -> usize { run.iter().map(|(c, _)| c.width().unwrap_or(0)).sum() };
    if width == 0 || w(&chars) <= width {
        return vec![to_line(&chars)];
    }
    let indent = indent.min(width / 2);
    // Words with the spaces before them; the first row keeps its leading spaces.
    let mut words: Vec<(Run, Run)> = Vec::new();
    let mut gap = Vec::new();
    let mut word = Vec::new();
    for &(c, st) in &chars {
        if c == ' ' {
            if !word.is_empty() {
                words.push((std::mem::take(&mut gap), std::mem::take(&mut word)));
            }
            gap.push((c, st));
        } else {
            word.push((c, st));
        }
    }
    if !word.is_empty() {
        words.push((gap, word));
    }
    let pad: Run = vec![(' ', Style::default()); indent];
    let mut rows: Vec<Run> = Vec::new();
    let mut row: Run = Vec::new();
    let mut first_row = true;
    for (gap, word) in words {
        let fresh = row.len() == if first_row { 0 } else { pad.len() };
        let lead = if fresh && !first_row { Vec::new() } else { gap };
        if !fresh && w(&row) + w(&lead) + w(&word) > width {
            rows.push(std::mem::replace(&mut row, pad.clone()));
            first_row = false;
        } else {
            row.extend(lead);
        }
        for ch in word {
            if w(&row) + ch.0.width().unwrap_or(0) > width {
                rows.push(std::mem::replace(&mut row, pad.clone()));
                first_row = false;
            }
            row.push(ch);
        }
    }
    rows.push(row);
    rows.iter().map(|r| to_line(r)).collect()
}

/// Styled characters back into a line, one span per run of one style.
fn to_line(chars: &[(char, Style)]) -> Line<'static> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut text = String::new();
    let mut style = None;
    for &(c, st) in chars {
        if style.is_some_and(|s| s != st) {
            spans.push(Span::styled(
                std::mem::take(&mut text),
                style.unwrap_or_default(),
            ));
        }
        style = Some(st);
        text.push(c);
    }
    if !text.is_empty() {
        spans.push(Span::styled(text, style.unwrap_or_default()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn styled_lines_wrap_under_their_text_and_keep_their_styles() {
        let red = Style::new().fg(ratatui::style::Color::Red);
        let dim = Style::new().fg(ratatui::style::Color::DarkGray);
        let line = Line::from(vec![
            Span::styled("blocker ", red),
            Span::raw("uptime.down"),
            Span::styled(" https://staging.brightdesk.test/api/health", dim),
        ]);
        let rows = wrap_spans(&line, 30, 8);
        assert_eq!(
            plain(&rows),
            [
                "blocker uptime.down",
                "        https://staging.bright",
                "        desk.test/api/health"
            ]
        );
        assert_eq!(rows[0].spans[0].style, red);
        assert_eq!(rows[1].spans[1].style, dim);
        for r in &rows {
            assert!(r.width() <= 30, "{r:?}");
        }
        // A line that fits is left whole.
        assert_eq!(plain(&wrap_spans(&line, 80, 8)).len(), 1);
    }

    #[test]
    fn wrapped_rows_keep_the_first_rows_indent() {
        assert_eq!(
            wrap_hanging("    names: a.test, b.test, c.test", 20),
            ["    names: a.test,", "    b.test, c.test"]
        );
        assert_eq!(wrap_hanging("  short", 20), ["  short"]);
        assert_eq!(wrap_hanging("  abcdefghijkl", 8), ["  abcdef", "  ghijkl"]);
        assert_eq!(
            wrap_hanging("          deep text", 8),
            ["    deep", "    text"]
        );
    }

    #[test]
    fn fit_counts_cells_for_wide_characters() {
        assert_eq!(fit("DNS と ドメイン", 10), "DNS と ド…");
        assert_eq!(cells(&fit("DNS と ドメイン", 10)), 10);
        // The cut falls inside a wide character: it is dropped and the gap padded.
        assert_eq!(fit("ドメイン", 4), "ド… ");
        assert_eq!(cells(&fit("🚀 Launch day", 8)), 8);
        assert_eq!(fit("short", 8), "short   ");
        assert_eq!(fit("anything", 0), "");
    }

    #[test]
    fn word_truncation_cuts_only_at_word_ends() {
        assert_eq!(
            truncate_words("the certificate expires soon", 20),
            "the certificate…"
        );
        assert_eq!(
            truncate_words("the certificate expires", 16),
            "the certificate…"
        );
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("averyveryverylongword here", 8), "averyve…");
        assert_eq!(cells(&fit_words("plain words, more words", 14)), 14);
        assert_eq!(fit_words("plain words, more words", 14), "plain words…  ");
    }

    #[test]
    fn truncate_keeps_text_that_fits() {
        assert_eq!(truncate("監視", 4), "監視");
        assert_eq!(truncate("監視", 3), "監…");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
