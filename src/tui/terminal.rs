//! Taking the terminal and always giving it back: raw mode, the alternate screen and mouse
//! capture are undone when the guard drops, and a panic hook undoes them before the panic
//! message prints (then hands over to the previous hook), so a crash never leaves the
//! operator's shell unusable. Panics on background threads (a crashing check inside the
//! engine) are different: the engine turns them into an `error` result and the UI goes on,
//! so while the TUI owns the screen their message is not printed over it.

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::DefaultTerminal;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

static HOOK: Once = Once::new();
/// True while a `Guard` holds the terminal.
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn give_back() {
    let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
}

/// Whether both input and output are a terminal, as the TUI needs.
pub fn available() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
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
                let ui_thread = std::thread::current().name() == Some("main");
                if ACTIVE.load(Ordering::SeqCst) && !ui_thread {
                    return;
                }
                if ACTIVE.swap(false, Ordering::SeqCst) {
                    give_back();
                }
                previous(info);
            }));
        });
        let terminal = ratatui::try_init()?;
        ACTIVE.store(true, Ordering::SeqCst);
        if let Err(e) = crossterm::execute!(std::io::stdout(), EnableMouseCapture) {
            ACTIVE.store(false, Ordering::SeqCst);
            give_back();
            return Err(e);
        }
        Ok(Guard { terminal })
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        ACTIVE.store(false, Ordering::SeqCst);
        give_back();
    }
}
