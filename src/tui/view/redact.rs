//! Presenter-mode redaction: what the operator typed (notes, reasons, the journal) and
//! what checks brought back (summaries, messages) goes through the secret rules before it
//! reaches a shared screen, and a secret is replaced by a fixed mark that says nothing of
//! its value or length. The rules run by shape (`Mode::Shape`): the scan's filters that
//! keep findings real (checksums, the allow-list of documented examples) have no place
//! here, where anything that looks like a key is hidden.
//!
//! Two layers, because text can reach the screen by many paths: `text` redacts at the
//! source (so a long key cannot be wrapped across rows and slip past), and `buffer` scans
//! every drawn row once the frame is complete, a net under whatever a view forgot.

use crate::app::App;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::secret_rules::{Mode, ranges};
use ratatui::buffer::Buffer;

/// What stands in for a secret on a shared screen.
pub const MARK: &str = "[secret hidden]";

/// `s` with everything shaped like a secret replaced by [`MARK`].
pub fn secrets(s: &str) -> String {
    let found = ranges(s, Mode::Shape);
    if found.is_empty() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for r in found {
        if r.start < at {
            continue;
        }
        out.push_str(&s[at..r.start]);
        out.push_str(MARK);
        at = r.end;
    }
    out.push_str(&s[at..]);
    out
}

/// One line of operator or remote text as the screen may show it: control sequences
/// stripped, and in presenter mode secrets hidden.
pub fn line(app: &App, s: &str) -> String {
    let clean = sanitize_line(s);
    if app.presenter() {
        secrets(&clean)
    } else {
        clean
    }
}

/// Blanks every secret left in the drawn rows of `buf` with `•`, cell by cell.
pub fn buffer(buf: &mut Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        // The row as text, remembering which cell each byte came from.
        let mut row = String::new();
        let mut cell_of: Vec<u16> = Vec::new();
        for x in area.left()..area.right() {
            let sym = buf[(x, y)].symbol();
            row.push_str(sym);
            cell_of.extend(std::iter::repeat_n(x, sym.len()));
        }
        for r in ranges(&row, Mode::Shape) {
            let (Some(&first), Some(&last)) = (cell_of.get(r.start), cell_of.get(r.end - 1)) else {
                continue;
            };
            for x in first..=last {
                buf[(x, y)].set_symbol("•");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Built from parts so no scanner reads the fixture as a real key.
    fn stripe() -> String {
        format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc")
    }

    #[test]
    fn a_secret_in_a_sentence_is_replaced_and_the_rest_kept() {
        let note = format!("Stripe key is {} for now", stripe());
        let shown = secrets(&note);
        assert_eq!(shown, format!("Stripe key is {MARK} for now"));
        assert_eq!(secrets("nothing secret here"), "nothing secret here");
    }

    #[test]
    fn the_buffer_pass_blanks_a_secret_drawn_on_a_row() {
        let mut buf = Buffer::with_lines([format!("key {} end", stripe())]);
        buffer(&mut buf);
        let row: String = (0..buf.area.width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect();
        assert!(!row.contains("sk_live"), "{row}");
        assert!(row.starts_with("key •") && row.ends_with(" end"), "{row}");
    }
}
