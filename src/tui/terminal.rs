//! Taking the terminal and always giving it back: raw mode, the alternate screen and mouse
//! capture are undone when the guard drops, and a panic hook undoes them before the panic
//! message prints (then hands over to the previous hook), so a crash never leaves the
//! operator's shell unusable.

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::DefaultTerminal;
use std::sync::Once;

static HOOK: Once = Once::new();

fn give_back() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// The terminal in TUI mode; restored on drop.
pub struct Guard {
    pub terminal: DefaultTerminal,
}

impl Guard {
    pub fn enter() -> std::io::Result<Guard> {
        HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                give_back();
                previous(info);
            }));
        });
        let terminal = ratatui::try_init()?;
        if let Err(e) = crossterm::execute!(std::io::stdout(), EnableMouseCapture) {
            give_back();
            return Err(e);
        }
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        give_back();
    }
}
