//! Runs the effects `update` returns without ever blocking the event loop: a save signal
//! marks a snapshot due (the loop sends it to the persistence actor, which never blocks), checks to the engine (which spawns tasks), and
//! keyring calls to a blocking thread whose outcome comes back as a `Msg`. Secret values
//! move from the effect straight into the keyring call and are dropped there.

use crate::app::{Effect, KeyringReport, Msg};
use crate::credentials;
use launch_ready_checks::engine::Engine;
use launch_ready_core::credentials::{CredentialStore, Scope};
use launch_ready_core::session::persist::Persister;
use tokio::sync::mpsc::UnboundedSender;

pub struct Executor {
    pub persister: Persister,
    /// The session changed since the last snapshot went to the persister.
    pub save_due: bool,
    pub engine: Engine,
    /// Where keyring outcomes are sent back to the loop.
    pub inbox: UnboundedSender<Msg>,
    /// Stops the running monitor, if one runs.
    pub monitor: Option<tokio_util::sync::CancellationToken>,
    /// The demo lab's switchable route (demo sessions only).
    pub demo_route: Option<std::sync::Arc<launch_ready_lab::switch::Switchable>>,
}

impl Executor {
    pub fn run(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Save => self.save_due = true,
                Effect::RunChecks { jobs, scope } => {
                    for job in jobs {
                        self.engine.run(job, scope.clone());
                    }
                }
                Effect::Cancel(Some(check_id)) => self.engine.cancel(&check_id),
                Effect::Cancel(None) => self.engine.cancel_all(),
                Effect::ProbeKeyring { session, names } => {
                    let inbox = self.inbox.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = match credentials::os_store() {
                            Ok(store) => Ok(held(store.as_ref(), &session, names)),
                            Err(e) => Err(unavailable(&e.to_string(), &names)),
                        };
                        let _ = inbox.send(Msg::Keyring(result));
                    });
                }
                Effect::SetSecret {
                    session,
                    name,
                    value,
                } => {
                    let inbox = self.inbox.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = credentials::os_store()
                            .and_then(|store| store.set(&Scope::Session(session), &name, &value.0))
                            .map_err(|e| e.to_string());
                        let _ = inbox.send(Msg::CredentialDone {
                            name,
                            stored: true,
                            result,
                        });
                    });
                }
                Effect::VerifyCloudflareToken { session, network } => {
                    let inbox = self.inbox.clone();
                    tokio::spawn(async move {
                        let result =
                            launch_ready_checks::engine::adapters::cloudflare::verify_stored(
                                session, network,
                            )
                            .await
                            .map_err(|e| e.to_string());
                        let _ = inbox.send(Msg::CloudflareVerified(result));
                    });
                }
                Effect::DeleteSecret { session, name } => {
                    let inbox = self.inbox.clone();
                    tokio::task::spawn_blocking(move || {
                        let result = credentials::os_store()
                            .and_then(|store| store.delete(&Scope::Session(session), &name))
                            .map_err(|e| e.to_string());
                        let _ = inbox.send(Msg::CredentialDone {
                            name,
                            stored: false,
                            result,
                        });
                    });
                }
                Effect::ExportPack { session, runbook } => {
                    let inbox = self.inbox.clone();
                    let dir = crate::report::export_dir(self.persister.path(), &session.name);
                    // Reading env files and writing three files: off the UI thread.
                    tokio::task::spawn_blocking(move || {
                        let env = crate::report::env_columns(&session);
                        let now = time::OffsetDateTime::now_utc();
                        let pack = crate::report::build(&runbook, &session, &env, now);
                        let result = crate::report::write_pack(&dir, &pack)
                            .map(|_| dir)
                            .map_err(|e| e.to_string());
                        let _ = inbox.send(Msg::PackWritten(result));
                    });
                }
                Effect::WriteCopy(snapshot) => {
                    let inbox = self.inbox.clone();
                    tokio::task::spawn_blocking(move || {
                        let now = time::OffsetDateTime::now_utc();
                        let result = launch_ready_core::session::rescue::write_copy(&snapshot, now)
                            .map_err(|e| e.to_string());
                        let _ = inbox.send(Msg::CopyWritten(result));
                    });
                }
                Effect::WriteBaseline {
                    check,
                    scanned,
                    entries,
                    by,
                    reason,
                } => {
                    let inbox = self.inbox.clone();
                    tokio::task::spawn_blocking(move || {
                        let msg = Msg::BaselineWritten(
                            launch_ready_checks::secrets::baseline::accept_found(
                                &check, &scanned, &entries, &by, &reason,
                            )
                            .map_err(|e| e.to_string()),
                        );
                        let _ = inbox.send(msg);
                    });
                }
                // The loop sees `app.quitting` and shuts down in order.
                Effect::StartMonitor {
                    urls,
                    targets,
                    network,
                    rules,
                    routes,
                    escalate_after,
                    session,
                    cert_warn_days,
                } => {
                    if let Some(old) = self.monitor.take() {
                        old.cancel();
                    }
                    let cancel = tokio_util::sync::CancellationToken::new();
                    self.monitor = Some(cancel.clone());
                    tokio::spawn(super::monitor::run(
                        super::monitor::Start {
                            urls,
                            targets: *targets,
                            network,
                            rules,
                            routes,
                            escalate_after,
                            session,
                            cert_warn_days,
                        },
                        self.inbox.clone(),
                        cancel,
                    ));
                }
                Effect::RunDrill {
                    routes,
                    escalate_after,
                    session,
                    network,
                    interval,
                    target,
                } => {
                    let inbox = self.inbox.clone();
                    let site = self.demo_route.clone();
                    tokio::spawn(async move {
                        let report = super::monitor::drill(
                            super::monitor::Drill {
                                network,
                                routes,
                                escalate_after,
                                session,
                                interval,
                                target,
                            },
                            site,
                        )
                        .await;
                        let _ = inbox.send(Msg::MonitorDrill(Box::new(report)));
                    });
                }
                Effect::TestAlert {
                    routes,
                    session,
                    network,
                } => {
                    let inbox = self.inbox.clone();
                    tokio::spawn(async move {
                        let result = super::monitor::test_alert(&network, &routes, &session).await;
                        let _ = inbox.send(Msg::MonitorTestAlert(result));
                    });
                }
                Effect::SwitchDemoRoute => {
                    if let Some(r) = &self.demo_route {
                        if r.is_up() {
                            r.down();
                        } else if let Err(e) = r.up() {
                            let _ = self.inbox.send(Msg::MonitorRoute(e.to_string()));
                        }
                    }
                }
                Effect::StopMonitor => {
                    if let Some(c) = self.monitor.take() {
                        c.cancel();
                    }
                }
                Effect::Quit => {}
            }
        }
    }
}

/// Which of `names` the keyring holds a value for in `session`'s scope. The value is read
/// (keyrings have no "exists" call) and dropped at once; a read that fails for another
/// reason than "no entry" counts as not held, since the check could not use it either.
/// The environment variable that stands in for credential `name` (CI sets it; it is read
/// before the keyring): the alert webhook's and the Cloudflare token's have names of their
/// own, any other credential `NAME` is `LAUNCH_READY_CREDENTIAL_NAME`.
pub fn env_var_for(name: &str) -> String {
    match name {
        launch_ready_checks::monitor::alert::CREDENTIAL => {
            launch_ready_checks::monitor::alert::ENV_VAR.to_string()
        }
        launch_ready_checks::cloudflare::CREDENTIAL => {
            launch_ready_checks::cloudflare::ENV_VAR.to_string()
        }
        other => launch_ready_checks::engine::adapters::perf::env_var(other),
    }
}

/// Why there is no keyring, in one line (a D-Bus error runs to several), and what stands in
/// for it: the environment variable of each credential the session needs.
fn unavailable(error: &str, names: &[String]) -> String {
    let first: String = error
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    let vars: Vec<String> = names.iter().map(|n| env_var_for(n)).collect();
    if vars.is_empty() {
        first
    } else {
        format!(
            "{first}. Without a keyring, these environment variables stand in: {}",
            vars.join(", ")
        )
    }
}

/// Which credentials the store holds for `session`: the names the session's targets need,
/// and every other name the session's credential index knows (set with `secret set
/// --session`, or earlier from this form), so the form shows one list whatever set them.
fn held(store: &dyn CredentialStore, session: &str, mut names: Vec<String>) -> KeyringReport {
    let scope = Scope::Session(session.to_string());
    for known in store.list(&scope).unwrap_or_default() {
        if !names.contains(&known) {
            names.push(known);
        }
    }
    KeyringReport {
        backend: store.backend(),
        held: names
            .into_iter()
            .map(|name| {
                let has = store.get(&scope, &name).is_ok();
                (name, has)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{held, unavailable};
    use crate::credentials::KeyringStore;
    use launch_ready_core::credentials::{CredentialStore, NameIndex, Scope};

    /// The form lists what the session's targets need and every name the session's index
    /// knows, whoever set it; a name held by another session is not listed.
    #[test]
    fn the_form_lists_every_name_the_session_index_knows() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyringStore::with_backend(
            keyring_core::mock::Store::new().expect("mock keyring"),
            "mock keyring",
            NameIndex::at(dir.path().join("index")),
        );
        let acme = Scope::Session("acme".into());
        store.set(&acme, "api-token", "t0k3n-value").unwrap();
        store
            .set(&Scope::Session("other".into()), "other-token", "x")
            .unwrap();
        let report = held(&store, "acme", vec!["alert-webhook".into()]);
        let held: Vec<(&str, bool)> = report.held.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(held, [("alert-webhook", false), ("api-token", true)]);
    }

    /// Without a keyring the form says why in one line and names the variables that stand
    /// in for the credentials the session needs.
    #[test]
    fn no_keyring_is_one_line_naming_the_variables_that_stand_in() {
        let dbus = "no OS keyring is available: org.freedesktop.DBus.Error.ServiceUnknown\n  The name org.freedesktop.secrets was not provided by any .service files\n  (and 12 more lines)";
        let text = unavailable(
            dbus,
            &[
                "alert-webhook".into(),
                "cloudflare-token".into(),
                "api-token".into(),
            ],
        );
        assert!(!text.contains('\n'), "{text}");
        assert!(text.starts_with("no OS keyring is available"), "{text}");
        for var in [
            "LAUNCH_READY_ALERT_WEBHOOK",
            "CLOUDFLARE_API_TOKEN",
            "LAUNCH_READY_CREDENTIAL_API_TOKEN",
        ] {
            assert!(text.contains(var), "{var} in {text}");
        }
    }
}
