//! Makes remote text safe to draw in a terminal or write into an export.
//!
//! Headers, bodies, DNS TXT strings and certificate fields come from servers we do not
//! control, and a terminal interprets escape sequences in them: an OSC sequence can retitle
//! the window or smuggle a hyperlink, CSI sequences can clear the screen or move the cursor,
//! and Unicode bidi overrides can make text read differently from what it is. Checks keep
//! the data as received (the evidence should be faithful); this function is applied where
//! text leaves the program: the TUI views and the exports.
//!
//! It is a small state machine over chars rather than a regex so that unterminated
//! sequences (a lone ESC at the end, an OSC without its terminator) are dropped too.

/// Returns `text` without escape sequences (CSI, OSC, DCS/SOS/PM/APC strings and two-char
/// escapes), without C0 and C1 control characters other than newline, and without bidi
/// embedding, override and isolate characters; a tab becomes a space (terminals expand tabs
/// to the next stop, which a layout cannot predict). Visible text is kept as is.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Two-char escapes (ESC 7, ESC c, ESC ( B…): the second char is consumed
                // with the ESC; an intermediate byte takes one more.
                Some(' '..='/') => {
                    chars.next();
                }
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\n' => out.push(c),
            '\t' => out.push(' '),
            c if is_control(c) || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Like [`sanitize`] but for one-line display: newlines become spaces too.
pub fn sanitize_line(text: &str) -> String {
    sanitize(text).replace('\n', " ")
}

fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{61c}'
    )
}

/// Skips CSI parameters and intermediates up to and including the final byte (0x40–0x7e).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            return;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // A malformed sequence: stop here; the offending char is dropped with it.
            return;
        }
    }
}

/// Skips an OSC/DCS-style string up to BEL, ST (ESC \) or the 8-bit ST (0x9c).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{sanitize, sanitize_line};

    #[test]
    fn csi_sequences_are_removed_with_their_parameters() {
        assert_eq!(sanitize_line("a\u{1b}[31;1mred\u{1b}[0m b"), "ared b");
        assert_eq!(sanitize_line("x\u{1b}[2J\u{1b}[Hy"), "xy");
        assert_eq!(sanitize_line("c1\u{9b}31mcsi"), "c1csi");
    }

    #[test]
    fn eight_bit_osc_and_two_character_escapes_are_removed() {
        assert_eq!(sanitize_line("a\u{9d}0;t\u{9c}b"), "ab");
        assert_eq!(sanitize_line("reset\u{1b}cdone"), "resetdone");
    }

    #[test]
    fn newlines_depend_on_the_context() {
        assert_eq!(sanitize("one\ntwo"), "one\ntwo");
        assert_eq!(sanitize_line("one\ntwo\tthree"), "one two three");
    }

    #[test]
    fn trojan_source_bidi_controls_are_dropped() {
        assert_eq!(sanitize_line("admin\u{202E}gpj.exe"), "admingpj.exe");
        assert_eq!(sanitize_line("\u{2066}a\u{2069}\u{200F}b\u{061C}"), "ab");
    }

    #[test]
    fn strips_osc_title_and_csi_clear_but_keeps_text() {
        let s = sanitize("before\u{1b}]0;pwned\u{7}middle\u{1b}[2Jafter");
        assert_eq!(s, "beforemiddleafter");
    }

    #[test]
    fn strips_osc_with_string_terminator_and_hyperlinks() {
        let s = sanitize("\u{1b}]8;;https://evil.invalid\u{1b}\\click\u{1b}]8;;\u{1b}\\ here");
        assert_eq!(s, "click here");
    }

    #[test]
    fn strips_c0_c1_del_and_bidi_but_keeps_newline_tab_and_unicode() {
        let s = sanitize("a\u{0}b\u{7}c\rd\u{7f}e\u{85}f\u{202e}g\u{2066}h\ni\tj é 漢");
        assert_eq!(s, "abcdefgh\ni j é 漢");
    }

    #[test]
    fn drops_unterminated_and_8bit_sequences() {
        assert_eq!(sanitize("ok\u{1b}]0;never ends"), "ok");
        assert_eq!(sanitize("ok\u{1b}"), "ok");
        assert_eq!(sanitize("x\u{9b}31my"), "xy");
        assert_eq!(sanitize("x\u{1b}(By"), "xy");
        assert_eq!(sanitize("x\u{1b}Pq#0\u{1b}\\y"), "xy");
    }

    #[test]
    fn leaves_plain_text_untouched() {
        let t = "HTTP/1.1 200 OK — server: nginx [1.25] (linux)";
        assert_eq!(sanitize(t), t);
    }
}
