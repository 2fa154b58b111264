//! Masked entry of a credential value at a terminal.
//!
//! The key handling is a small pure state machine (`MaskedInput`) so it can be tested
//! with synthetic key events; `prompt` is the thin terminal loop around it. The typed text
//! is never echoed: each character shows as one `•`, so the screen (and a screen share)
//! reveals the length at most. Raw mode is switched off by a guard, so the terminal comes
//! back on every path, including errors and panics.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::io::Write;

/// What the caller should do after a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Keep reading keys.
    Continue,
    /// Enter was pressed; the value is complete.
    Done,
    /// Esc, Ctrl-C or Ctrl-D on an empty line: the user gave up.
    Cancelled,
}

const MASK: char = '•';
const ERASE: &str = "\u{8} \u{8}";

/// The value typed so far and its length limit.
#[derive(Debug)]
pub struct MaskedInput {
    value: String,
    max_bytes: usize,
}

impl MaskedInput {
    pub fn new(max_bytes: usize) -> Self {
        MaskedInput {
            value: String::new(),
            max_bytes,
        }
    }

    /// Applies one key; returns the next step and the text to echo (masks or erasures,
    /// never the typed characters).
    pub fn key(&mut self, key: KeyEvent) -> (Step, String) {
        if key.kind == KeyEventKind::Release {
            return (Step::Continue, String::new());
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => (Step::Done, String::new()),
            KeyCode::Esc => (Step::Cancelled, String::new()),
            KeyCode::Char('c') if ctrl => (Step::Cancelled, String::new()),
            KeyCode::Char('d') if ctrl && self.value.is_empty() => (Step::Cancelled, String::new()),
            KeyCode::Char('u') if ctrl => {
                let erased = ERASE.repeat(self.value.chars().count());
                self.value.clear();
                (Step::Continue, erased)
            }
            KeyCode::Backspace => {
                let echo = if self.value.pop().is_some() {
                    ERASE.to_string()
                } else {
                    String::new()
                };
                (Step::Continue, echo)
            }
            KeyCode::Char(c) if !ctrl => (Step::Continue, self.push(c)),
            _ => (Step::Continue, String::new()),
        }
    }

    /// Adds pasted text (bracketed paste); line breaks end nothing and are kept out.
    pub fn paste(&mut self, text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_control())
            .map(|c| self.push(c))
            .collect()
    }

    fn push(&mut self, c: char) -> String {
        if c.is_control() || self.value.len() + c.len_utf8() > self.max_bytes {
            return String::new();
        }
        self.value.push(c);
        MASK.to_string()
    }

    pub fn into_value(self) -> String {
        self.value
    }
}

/// Switches raw mode off when dropped.
struct RawMode;

impl RawMode {
    fn enable() -> std::io::Result<Self> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Reads a value at the terminal with masked echo. `Ok(None)` means the user cancelled.
pub fn prompt(label: &str, max_bytes: usize) -> std::io::Result<Option<String>> {
    let mut err = std::io::stderr();
    write!(err, "{label}: ")?;
    err.flush()?;
    let outcome = read_masked(&mut err, max_bytes);
    // Raw mode is already off here; end the prompt line whatever happened.
    let _ = writeln!(err);
    outcome
}

fn read_masked(err: &mut impl Write, max_bytes: usize) -> std::io::Result<Option<String>> {
    let _raw = RawMode::enable()?;
    let mut input = MaskedInput::new(max_bytes);
    loop {
        let echo = match crossterm::event::read()? {
            Event::Key(key) => match input.key(key) {
                (Step::Continue, echo) => echo,
                (Step::Done, _) => return Ok(Some(input.into_value())),
                (Step::Cancelled, _) => return Ok(None),
            },
            Event::Paste(text) => input.paste(&text),
            _ => String::new(),
        };
        err.write_all(echo.as_bytes())?;
        err.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn type_all(input: &mut MaskedInput, text: &str) -> String {
        text.chars()
            .map(|c| input.key(press(KeyCode::Char(c))).1)
            .collect()
    }

    #[test]
    fn typing_echoes_only_masks() {
        let mut input = MaskedInput::new(64);
        let echo = type_all(&mut input, "hunter2");
        assert_eq!(echo, "•••••••");
        assert_eq!(input.key(press(KeyCode::Enter)).0, Step::Done);
        assert_eq!(input.into_value(), "hunter2");
    }

    #[test]
    fn backspace_and_ctrl_u_erase() {
        let mut input = MaskedInput::new(64);
        type_all(&mut input, "abc");
        assert_eq!(input.key(press(KeyCode::Backspace)).1, ERASE);
        assert_eq!(input.key(ctrl('u')), (Step::Continue, ERASE.repeat(2)));
        assert_eq!(input.key(press(KeyCode::Backspace)).1, "");
        type_all(&mut input, "z");
        assert_eq!(input.into_value(), "z");
    }

    #[test]
    fn esc_ctrl_c_and_ctrl_d_on_empty_cancel() {
        for key in [press(KeyCode::Esc), ctrl('c'), ctrl('d')] {
            assert_eq!(MaskedInput::new(8).key(key).0, Step::Cancelled);
        }
        let mut input = MaskedInput::new(8);
        type_all(&mut input, "x");
        assert_eq!(input.key(ctrl('d')).0, Step::Continue);
    }

    #[test]
    fn releases_controls_and_overflow_are_ignored() {
        let mut input = MaskedInput::new(3);
        let mut release = press(KeyCode::Char('q'));
        release.kind = KeyEventKind::Release;
        assert_eq!(input.key(release).1, "");
        assert_eq!(type_all(&mut input, "abcd"), "•••");
        assert_eq!(input.paste("\u{1b}[2Jx\n"), "");
        assert_eq!(input.into_value(), "abc");

        let mut input = MaskedInput::new(64);
        assert_eq!(input.paste("to\u{1b}ken\r\n"), "•••••");
        assert_eq!(input.into_value(), "token");
    }
}
