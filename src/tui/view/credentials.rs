//! The credentials form: the session's credential names (never values), the keyring's state,
//! and a masked entry prompt. When no keyring is reachable the form says so and stays
//! read-only; there is no plain-text fallback.

use super::layout::centered;
use super::prompt::render_in;
use super::text::{cells, fit};
use super::theme;
use crate::app::App;
use crate::app::state::{CredentialsForm, KeyringState, PromptPurpose, credential_names};
use launch_ready_core::sanitize::sanitize_line;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub fn render(app: &App, frame: &mut Frame, form: &CredentialsForm) {
    let t = theme(app);
    let area = centered(frame.area(), 72, 16);
    frame.render_widget(Clear, area);
    let block = Block::bordered()
        .title(Span::styled(" Credentials (OS keyring) ", t.title()))
        .title_bottom(Span::styled(
            " a add · Enter set · x delete · Esc close ",
            t.dim(),
        ))
        .border_style(t.border(true));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let state = match &form.keyring {
        KeyringState::Checking => Line::from(Span::styled("checking the OS keyring…", t.dim())),
        KeyringState::Available { backend, .. } => Line::from(vec![
            Span::styled("keyring: ", t.dim()),
            Span::styled(sanitize_line(backend), t.text()),
            Span::styled(
                " — values are stored there, only names in the session",
                t.dim(),
            ),
        ]),
        KeyringState::Unavailable(why) => Line::from(Span::styled(
            format!(
                "Unavailable: {} — credentials cannot be stored, and nothing is written in plain text.",
                sanitize_line(why)
            ),
            t.error(),
        )),
    };
    let state = Paragraph::new(state).wrap(Wrap { trim: true });
    // Two rows, or up to six when the keyring's state needs them (why a backend was
    // skipped runs long), so it is read whole rather than cut.
    let state_h = u16::try_from(state.line_count(inner.width))
        .unwrap_or(u16::MAX)
        .clamp(2, 6);
    let [state_area, list_area, entry_area] = Layout::vertical([
        Constraint::Length(state_h),
        Constraint::Min(2),
        Constraint::Length(if form.entry.is_some() { 5 } else { 0 }),
    ])
    .areas(inner);
    frame.render_widget(state, state_area);
    let names = credential_names(&app.session, &app.runbook);
    let width = names.iter().map(|n| cells(n)).max().unwrap_or(0);
    let mut lines: Vec<Line> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let style = if i == form.selected && form.entry.is_none() {
                t.selected()
            } else {
                t.text()
            };
            // What the keyring holds now, not what the session remembers storing.
            let (value, value_style) = match &form.keyring {
                KeyringState::Available { held, .. } => match held.get(name) {
                    Some(true) => ("••••  stored", t.dim()),
                    Some(false) => ("not set — Enter sets it", t.error()),
                    None => ("…", t.dim()),
                },
                KeyringState::Checking => ("…", t.dim()),
                KeyringState::Unavailable(_) => ("unknown", t.dim()),
            };
            Line::from(vec![
                Span::styled(format!(" {} ", fit(&sanitize_line(name), width)), style),
                Span::styled(format!("  {value}"), value_style),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from(Span::styled(
            "This session has no credentials yet.",
            t.dim(),
        )));
    }
    // What to grant a Cloudflare token, while it is the one selected or being entered.
    let entering = match form.entry.as_ref().map(|e| &e.purpose) {
        Some(PromptPurpose::CredentialValue { name }) => Some(name.as_str()),
        _ => None,
    };
    let focused = entering.or_else(|| names.get(form.selected).map(String::as_str));
    if focused == Some(launch_ready_checks::cloudflare::CREDENTIAL) {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled(
            launch_ready_checks::cloudflare::SCOPES_HINT,
            t.dim(),
        )));
        // The token goes wherever the session's API URL says: a base other than the
        // public API is named before the value is typed, not discovered afterwards.
        if let Some(host) = app
            .session
            .network
            .cloudflare_api
            .as_deref()
            .and_then(launch_ready_core::settings::cloudflare_api_elsewhere)
        {
            lines.push(Line::from(Span::styled(
                format!(
                    "It is sent to the API at {} (the Targets screen's Cloudflare API URL), not api.cloudflare.com.",
                    sanitize_line(&host)
                ),
                t.error(),
            )));
        }
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), list_area);
    if let Some(entry) = &form.entry {
        render_in(app, frame, entry, entry_area);
    }
}
