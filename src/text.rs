//! Making remote text safe for a terminal: DNS TXT records, headers and bodies come from
//! servers we do not control, and an escape sequence in them could rewrite the screen.

/// Drops control characters (C0, DEL, C1), which removes every escape sequence's
/// introducer, and keeps the rest; tabs become spaces.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if c.is_control() => None,
            // Bidirectional overrides can make text read differently from what it holds.
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn strips_escapes_and_controls() {
        assert_eq!(
            sanitize("ok\x1b[2J\x1b]0;title\x07 done\r\n"),
            "ok[2J]0;title done"
        );
        assert_eq!(sanitize("a\u{9b}31mb\u{202e}c\td"), "a31mbc d");
        assert_eq!(sanitize("v=spf1 -all"), "v=spf1 -all");
    }
}
