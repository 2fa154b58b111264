//! Small text helpers shared by the views: ages, progress bars, truncation.
//!
//! Widths here are terminal cells, not chars: a CJK character or an emoji takes two cells,
//! so cutting and padding by char count would push every column after it out of line.

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

/// `s` padded or cut to exactly `width` cells.
pub fn fit(s: &str, width: usize) -> String {
    let t = truncate(s, width);
    let n = t.width();
    format!("{t}{}", " ".repeat(width.saturating_sub(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn truncate_keeps_text_that_fits() {
        assert_eq!(truncate("監視", 4), "監視");
        assert_eq!(truncate("監視", 3), "監…");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
