//! The session picker shown by a plain `launch-ready`: recent sessions to reopen, and a
//! "new session" form. Pure like the session model: the TUI lists the sessions, feeds keys
//! in, and acts on the returned `PickerOutcome` (open a file, create a session, quit).

use super::msg::Action;
use super::state::InputMode;
use launch_ready_core::session::list::SessionSummary;
use launch_ready_core::session::model::HostTarget;
use launch_ready_core::session::naming::{self as sessions, NamingError};
use ratatui_textarea::{Input, Key, TextArea};
use std::path::PathBuf;
use time::OffsetDateTime;

/// A runbook the form can pick: id and title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunbookChoice {
    pub id: String,
    pub title: String,
}

/// The fields of the new-session form, in tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    Runbook,
    Client,
    Domain,
    Hosts,
}

const FIELDS: [FormField; 4] = [
    FormField::Runbook,
    FormField::Client,
    FormField::Domain,
    FormField::Hosts,
];

#[derive(Debug)]
pub struct NewForm {
    pub runbook: usize,
    pub field: FormField,
    pub client: TextArea<'static>,
    pub domain: TextArea<'static>,
    /// Space-separated `ROLE=HOST` pairs.
    pub hosts: TextArea<'static>,
    pub error: Option<String>,
}

/// What the operator asked for, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub runbook_id: String,
    pub client: String,
    pub domain: String,
    pub hosts: Vec<HostTarget>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerOutcome {
    Stay,
    Open(PathBuf),
    Create(NewSession),
    Quit,
}

pub struct Picker {
    pub sessions: Vec<SessionSummary>,
    pub runbooks: Vec<RunbookChoice>,
    pub selected: usize,
    pub now: OffsetDateTime,
    pub form: Option<NewForm>,
    pub status: Option<String>,
    pub color: bool,
}

impl Picker {
    pub fn new(
        sessions: Vec<SessionSummary>,
        runbooks: Vec<RunbookChoice>,
        now: OffsetDateTime,
    ) -> Picker {
        Picker {
            sessions,
            runbooks,
            selected: 0,
            now,
            form: None,
            status: None,
            color: true,
        }
    }

    pub fn input_mode(&self) -> InputMode {
        if self.form.is_some() {
            InputMode::PickerForm
        } else {
            InputMode::Picker
        }
    }

    /// A key typed into the form's current text field.
    pub fn text(&mut self, input: Input) {
        if let Some(form) = &mut self.form {
            if input.key == Key::Enter {
                return;
            }
            form.error = None;
            match form.field {
                FormField::Runbook => {}
                FormField::Client => {
                    form.client.input(input);
                }
                FormField::Domain => {
                    form.domain.input(input);
                }
                FormField::Hosts => {
                    form.hosts.input(input);
                }
            }
        }
    }

    pub fn action(&mut self, action: Action) -> PickerOutcome {
        if let Some(form) = &mut self.form {
            return match action {
                Action::Close => {
                    self.form = None;
                    PickerOutcome::Stay
                }
                Action::Quit => PickerOutcome::Quit,
                Action::Up | Action::Down | Action::NextScreen | Action::PrevScreen => {
                    let i = FIELDS.iter().position(|f| *f == form.field).unwrap_or(0);
                    let forward = matches!(action, Action::Down | Action::NextScreen);
                    let n = FIELDS.len();
                    form.field = FIELDS[if forward {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }];
                    PickerOutcome::Stay
                }
                Action::Left | Action::Right if form.field == FormField::Runbook => {
                    let n = self.runbooks.len().max(1);
                    form.runbook = if action == Action::Right {
                        (form.runbook + 1) % n
                    } else {
                        (form.runbook + n - 1) % n
                    };
                    PickerOutcome::Stay
                }
                Action::Confirm => match validate(form, &self.runbooks) {
                    Ok(new) => PickerOutcome::Create(new),
                    Err(e) => {
                        form.error = Some(e.to_string());
                        PickerOutcome::Stay
                    }
                },
                _ => PickerOutcome::Stay,
            };
        }
        match action {
            Action::Quit | Action::Close => PickerOutcome::Quit,
            Action::Up => {
                self.selected = self.selected.saturating_sub(1);
                PickerOutcome::Stay
            }
            Action::Down => {
                self.selected = (self.selected + 1).min(self.sessions.len().saturating_sub(1));
                PickerOutcome::Stay
            }
            Action::Confirm => match self.sessions.get(self.selected) {
                Some(s) if s.problem.is_some() => {
                    self.status = Some(format!(
                        "{} cannot be opened here: {}",
                        s.path.display(),
                        s.problem.as_deref().unwrap_or_default()
                    ));
                    PickerOutcome::Stay
                }
                Some(s) => PickerOutcome::Open(s.path.clone()),
                None => PickerOutcome::Stay,
            },
            Action::Add => {
                if self.runbooks.is_empty() {
                    self.status = Some("no runbook is available to start a session".into());
                } else {
                    self.form = Some(NewForm {
                        runbook: 0,
                        field: FormField::Runbook,
                        client: TextArea::default(),
                        domain: TextArea::default(),
                        hosts: TextArea::default(),
                        error: None,
                    });
                }
                PickerOutcome::Stay
            }
            _ => PickerOutcome::Stay,
        }
    }
}

/// Why the new-session form cannot be accepted yet.
#[derive(Debug, thiserror::Error)]
enum FormError {
    #[error("pick a runbook")]
    NoRunbook,
    #[error("the apex domain is empty (e.g. example.com)")]
    NoDomain,
    #[error(transparent)]
    Naming(#[from] NamingError),
}

/// Checks the form with the very rules of `launch-ready new` (same functions, same
/// messages), so a form the picker accepts is never refused when the session is written.
fn validate(form: &NewForm, runbooks: &[RunbookChoice]) -> Result<NewSession, FormError> {
    let runbook = runbooks.get(form.runbook).ok_or(FormError::NoRunbook)?;
    let client = sessions::validate_client(&form.client.lines().join(" "))?;
    let domain = form.domain.lines().join("");
    if domain.trim().is_empty() {
        return Err(FormError::NoDomain);
    }
    let domain = sessions::validate_domain(domain.trim())?;
    let specs: Vec<String> = form
        .hosts
        .lines()
        .join(" ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let hosts = sessions::parse_hosts(&specs)?;
    Ok(NewSession {
        runbook_id: runbook.id.clone(),
        client,
        domain,
        hosts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(picker: &mut Picker, text: &str) {
        for c in text.chars() {
            picker.text(Input {
                key: Key::Char(c),
                ..Input::default()
            });
        }
    }

    fn picker() -> Picker {
        Picker::new(
            Vec::new(),
            vec![
                RunbookChoice {
                    id: "a".into(),
                    title: "A".into(),
                },
                RunbookChoice {
                    id: "b".into(),
                    title: "B".into(),
                },
            ],
            OffsetDateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn new_session_form_validates_and_creates() {
        let mut p = picker();
        assert_eq!(p.action(Action::Add), PickerOutcome::Stay);
        p.action(Action::Right);
        p.action(Action::Down);
        typed(&mut p, "Acme Corp");
        p.action(Action::Down);
        typed(&mut p, "Acme.TEST");
        p.action(Action::Down);
        typed(&mut p, "app=app.acme.test www=bad_host!");
        assert_eq!(p.action(Action::Confirm), PickerOutcome::Stay);
        let err = p
            .form
            .as_ref()
            .and_then(|f| f.error.clone())
            .unwrap_or_default();
        assert!(err.contains("bad_host!"), "{err}");
        let form = p.form.as_mut().expect("form stays open");
        form.hosts = TextArea::new(vec!["app=app.acme.test".into()]);
        let PickerOutcome::Create(new) = p.action(Action::Confirm) else {
            panic!("valid form creates a session");
        };
        assert_eq!(new.runbook_id, "b");
        assert_eq!(new.client, "Acme Corp");
        assert_eq!(new.domain, "acme.test");
        assert_eq!(new.hosts.len(), 1);
    }

    #[test]
    fn the_form_refuses_what_new_refuses() {
        let mut p = picker();
        p.action(Action::Add);
        p.action(Action::Down);
        typed(&mut p, "Acme");
        p.action(Action::Down);
        typed(&mut p, "localhost");
        let error = |p: &mut Picker| {
            assert_eq!(p.action(Action::Confirm), PickerOutcome::Stay);
            p.form
                .as_ref()
                .and_then(|f| f.error.clone())
                .unwrap_or_default()
        };
        let e = error(&mut p);
        assert!(e.contains("`localhost`") && e.contains("two labels"), "{e}");
        let form = p.form.as_mut().expect("form stays open");
        form.domain = TextArea::new(vec!["acme.test".into()]);
        form.hosts = TextArea::new(vec!["www=www.acme.test www=b.acme.test".into()]);
        let e = error(&mut p);
        assert!(e.contains("role `www` is given more than once"), "{e}");
        let form = p.form.as_mut().expect("form stays open");
        form.hosts = TextArea::new(vec!["WWW=www.acme.test".into()]);
        let e = error(&mut p);
        assert!(e.contains("lowercase"), "{e}");
    }

    #[test]
    fn empty_client_is_refused() {
        let mut p = picker();
        p.action(Action::Add);
        assert_eq!(p.action(Action::Confirm), PickerOutcome::Stay);
        assert!(
            p.form
                .as_ref()
                .and_then(|f| f.error.as_deref())
                .is_some_and(|e| e.contains("client"))
        );
        assert_eq!(p.action(Action::Close), PickerOutcome::Stay);
        assert!(p.form.is_none());
        assert_eq!(p.action(Action::Quit), PickerOutcome::Quit);
    }
}
