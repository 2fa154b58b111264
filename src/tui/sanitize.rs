//! Remote text (DNS TXT records, headers, bodies, file contents, target names) can carry
//! terminal control sequences that would move the cursor, retitle the window, hide text or
//! reorder it. Everything drawn from outside goes through here first: escape sequences are
//! removed whole (not just their ESC byte, which would leave the parameters on screen),
//! other control characters and bidirectional overrides are dropped, and tabs become spaces.

/// Sanitises text for a multi-line area: newlines are kept, everything else as `sanitize_line`.
pub fn sanitize(text: &str) -> String {
    clean(text, true)
}

/// Sanitises text for a single line: newlines become spaces.
pub fn sanitize_line(text: &str) -> String {
    clean(text, false)
}

/// Bidirectional formatting characters that can make text display in a different order
/// than it is stored (the "trojan source" family), plus the invisible marks.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How far an escape sequence reaches, so it can be skipped whole.
enum Skip {
    /// Until a final byte in `@`..=`~` (CSI).
    Csi,
    /// Until BEL or ST (`ESC \` or U+009C): OSC, DCS, SOS, PM, APC.
    String,
    /// Exactly one more character (two-character escapes such as `ESC c`).
    One,
}

fn clean(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let skip = match c {
            '\u{1b}' => match chars.peek() {
                Some('[') => Some(Skip::Csi),
                Some(']' | 'P' | 'X' | '^' | '_') => Some(Skip::String),
                Some(_) => Some(Skip::One),
                None => None,
            }
            .inspect(|s| {
                if !matches!(s, Skip::One) {
                    chars.next();
                }
            }),
            '\u{9b}' => Some(Skip::Csi),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => Some(Skip::String),
            _ => None,
        };
        match skip {
            Some(Skip::Csi) => {
                for n in chars.by_ref() {
                    if ('@'..='~').contains(&n) {
                        break;
                    }
                }
            }
            Some(Skip::String) => {
                while let Some(n) = chars.next() {
                    if n == '\u{7}' || n == '\u{9c}' {
                        break;
                    }
                    if n == '\u{1b}' && chars.peek() == Some(&'\\') {
                        chars.next();
                        break;
                    }
                }
            }
            Some(Skip::One) => {
                chars.next();
            }
            None if c == '\n' => out.push(if keep_newlines { '\n' } else { ' ' }),
            None if c == '\t' => out.push(' '),
            None if c.is_control() || is_bidi_control(c) => {}
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert_eq!(
            sanitize_line("v=spf1 include:_spf.example.com ~all"),
            "v=spf1 include:_spf.example.com ~all"
        );
        assert_eq!(sanitize("naïve café — ✓"), "naïve café — ✓");
    }

    #[test]
    fn csi_sequences_are_removed_with_their_parameters() {
        assert_eq!(sanitize_line("a\u{1b}[31;1mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize_line("x\u{1b}[2J\u{1b}[Hy"), "xy");
        assert_eq!(sanitize_line("c1\u{9b}31mcsi"), "c1csi");
    }

    #[test]
    fn osc_sequences_are_removed_up_to_their_terminator() {
        assert_eq!(sanitize_line("a\u{1b}]0;evil title\u{7}b"), "ab");
        assert_eq!(
            sanitize_line("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(sanitize_line("a\u{9d}0;t\u{9c}b"), "ab");
        assert_eq!(sanitize_line("dcs\u{1b}Pq#0\u{1b}\\end"), "dcsend");
    }

    #[test]
    fn lone_escapes_and_two_character_escapes_are_removed() {
        assert_eq!(sanitize_line("reset\u{1b}cdone"), "resetdone");
        assert_eq!(sanitize_line("trailing\u{1b}"), "trailing");
    }

    #[test]
    fn c0_and_c1_controls_are_dropped() {
        assert_eq!(sanitize_line("be\u{7}ll\r\u{8}x\u{0}\u{7f}"), "bellx");
        assert_eq!(sanitize_line("c1\u{85}\u{8d}ok"), "c1ok");
        assert_eq!(sanitize_line("tab\there"), "tab here");
    }

    #[test]
    fn newlines_depend_on_the_context() {
        assert_eq!(sanitize("one\ntwo"), "one\ntwo");
        assert_eq!(sanitize_line("one\ntwo"), "one two");
    }

    #[test]
    fn bidi_overrides_are_dropped() {
        assert_eq!(sanitize_line("admin\u{202E}gpj.exe"), "admingpj.exe");
        assert_eq!(sanitize_line("\u{2066}a\u{2069}\u{200F}b\u{061C}"), "ab");
    }
}
