//! The Alertmanager config of the export: one receiver per alert route of the session, in
//! its escalation order, secrets by file where Alertmanager can read them so. An email
//! route goes to `email_configs` with `auth_password_file`. A Slack-compatible hook goes to
//! `slack_configs` with `api_url_file`; any other webhook to `webhook_configs`, with
//! `url_file` from Alertmanager 0.26 on. For an older Alertmanager the URL has to be in
//! the config itself, which is then written as a secret file (mode 0600).

use super::rules::{ESCALATION_LABEL, group_wait};
use super::stack::{Options, go_duration};
use super::{ExportError, File};
use launch_ready_checks::monitor::alert::Format;
use launch_ready_core::plan::{AlertRoute, Plan};
use launch_ready_core::session::alert_routes::EmailRoute;
use launch_ready_core::settings::NetworkSettings;
use serde_json::{Value, json};

/// Whether Alertmanager `version` reads a webhook URL from a file (0.26 and later).
pub fn reads_url_file(version: (u32, u32)) -> bool {
    version >= (0, 26)
}

/// Parses `0.25`, `0.26.0`, `v0.27`.
pub fn parse_version(s: &str) -> Result<(u32, u32), ExportError> {
    let bad = || ExportError::AlertmanagerVersion(s.to_string());
    let mut parts = s.trim().trim_start_matches('v').split('.');
    let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    Ok((major, minor))
}

/// The receiver name of the `i`-th route (a credential name, never a secret).
pub fn receiver_name(i: usize, route: &AlertRoute) -> String {
    format!("route-{i}-{}", route.credential())
}

fn is_slack(secret: Option<&String>) -> bool {
    secret.is_some_and(|url| {
        reqwest::Url::parse(url.trim()).is_ok_and(|u| Format::for_url(&u) == Format::Slack)
    })
}

/// Where the export puts `route`'s secret, relative to the export folder.
pub fn secret_place(route: &AlertRoute, opts: &Options) -> String {
    let file = || format!("`alertmanager/secrets/{}`", route.credential());
    match route {
        AlertRoute::Email(_) => file(),
        AlertRoute::Webhook { credential }
            if is_slack(opts.secrets.get(credential)) || reads_url_file(opts.alertmanager) =>
        {
            file()
        }
        AlertRoute::Webhook { .. } => "`alertmanager/alertmanager.yml` itself (mode 0600)".into(),
    }
}

/// alertmanager.yml and the secret files beside it.
///
/// Routes keep the session's escalation order: the first receiver gets every alert; the
/// `k`-th gets only the alerts labelled `escalation="k"`, which the rules raise once an
/// outage has lasted `k` escalation delays past its alert (see `rules::escalations`).
/// Resolved notifications follow the same labels, so every route that was paged also
/// hears the recovery, as with the product's own monitor.
pub fn config(
    plan: &Plan,
    opts: &Options,
    notes: &mut Vec<String>,
) -> Result<Vec<File>, ExportError> {
    let network = plan.network.clone().unwrap_or_default();
    let mut files = Vec::new();
    let mut receivers = Vec::new();
    let mut inline = false;
    for (i, route) in plan.alert_routes.iter().enumerate() {
        let credential = route.credential();
        let secret = opts.secrets.get(credential);
        let file = format!("secrets/{credential}");
        let name = receiver_name(i, route);
        let (receiver, by_file) = match route {
            AlertRoute::Email(mail) => (
                json!({"name": name, "email_configs": [email_config(mail, &file, &network)]}),
                true,
            ),
            AlertRoute::Webhook { .. } => {
                if is_slack(secret) {
                    (
                        json!({"name": name, "slack_configs": [{"api_url_file": file, "send_resolved": true}]}),
                        true,
                    )
                } else if reads_url_file(opts.alertmanager) {
                    (
                        json!({"name": name, "webhook_configs": [{"url_file": file, "send_resolved": true}]}),
                        true,
                    )
                } else {
                    let url = secret.ok_or_else(|| ExportError::SecretNeeded {
                        version: format!("{}.{}", opts.alertmanager.0, opts.alertmanager.1),
                        credential: credential.to_string(),
                    })?;
                    inline = true;
                    (
                        json!({"name": name, "webhook_configs": [{"url": url, "send_resolved": true}]}),
                        false,
                    )
                }
            }
        };
        if by_file {
            // No final newline: Alertmanager sends a mail password exactly as the file
            // holds it (it trims URLs, not passwords).
            match secret {
                Some(v) => files.push(File::secret(
                    format!("alertmanager/{file}"),
                    v.trim().to_string(),
                )),
                None => {
                    files.push(File::secret(format!("alertmanager/{file}"), String::new()));
                    // Slack or not is read from the URL itself, which is not here.
                    let slack = if matches!(route, AlertRoute::Webhook { .. }) {
                        "; it was written as a generic JSON webhook: if it is a Slack URL, which would refuse that payload, export again where the value can be read"
                    } else {
                        ""
                    };
                    notes.push(format!(
                        "credential `{credential}` is not set here: put its value into alertmanager/{file} (no final newline) before starting Alertmanager{slack}"
                    ));
                }
            }
        }
        receivers.push(receiver);
    }
    let first = receivers
        .first()
        .and_then(|r| r["name"].as_str())
        .unwrap_or("none")
        .to_string();
    if receivers.is_empty() {
        receivers.push(json!({"name": "none"}));
    }
    let wait = group_wait(opts.interval);
    let mut route = json!({
        "receiver": first,
        "group_by": ["alertname", "instance"],
        "group_wait": go_duration(wait),
        "group_interval": go_duration(wait * 2),
        "repeat_interval": "4h",
    });
    let escalation: Vec<Value> = receivers
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, r)| json!({"receiver": r["name"], "matchers": [format!("{ESCALATION_LABEL}=\"{k}\"")]}))
        .collect();
    if !escalation.is_empty() {
        route["routes"] = json!(escalation);
    }
    let text = String::from(
        "# Written by `launch-ready export prometheus`: where alerts go, in escalation order.\n",
    ) + &serde_norway::to_string(&json!({"route": route, "receivers": receivers}))?;
    files.insert(
        0,
        if inline {
            File::secret("alertmanager/alertmanager.yml", text)
        } else {
            File::new("alertmanager/alertmanager.yml", text)
        },
    );
    Ok(files)
}

/// An email receiver: the password by file (Alertmanager reads `auth_password_file` from
/// 0.25 on). Port 465 is TLS from the first byte; any other port must offer STARTTLS, as
/// the product's own mailer requires. A host the session reaches through connect-to is
/// sent to that address with its name kept for the certificate check.
fn email_config(mail: &EmailRoute, password_file: &str, network: &NetworkSettings) -> Value {
    let mut tls = json!({});
    let smarthost = match network
        .connect_to
        .iter()
        .find(|c| c.matches(&mail.host, mail.port))
    {
        Some(c) => {
            tls["server_name"] = json!(mail.host);
            c.to.to_string()
        }
        None => format!("{}:{}", mail.host, mail.port),
    };
    if let Some(ca) = &network.ca_file {
        tls["ca_file"] = json!(ca.display().to_string());
    }
    let mut config = json!({
        "to": mail.to.join(", "),
        "from": mail.from,
        "smarthost": smarthost,
        "auth_username": mail.username,
        "auth_password_file": password_file,
        "require_tls": mail.port != 465,
        "send_resolved": true,
    });
    if tls.as_object().is_some_and(|o| !o.is_empty()) {
        config["tls_config"] = tls;
    }
    config
}
