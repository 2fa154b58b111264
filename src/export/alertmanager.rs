//! The Alertmanager config of the export: one receiver per alert route of the session,
//! secrets by file where Alertmanager can read them so. A Slack-compatible hook goes to
//! `slack_configs` with `api_url_file`; any other webhook to `webhook_configs`, with
//! `url_file` from Alertmanager 0.26 on. For an older Alertmanager the URL has to be in
//! the config itself, which is then written as a secret file (mode 0600).

use super::rules::group_wait;
use super::stack::{Options, go_duration};
use super::{ExportError, File};
use launch_ready_checks::monitor::alert::Format;
use launch_ready_core::plan::{AlertRoute, Plan};
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

/// alertmanager.yml and the secret files beside it.
pub fn config(
    plan: &Plan,
    opts: &Options,
    notes: &mut Vec<String>,
) -> Result<Vec<File>, ExportError> {
    let mut files = Vec::new();
    let mut receivers = Vec::new();
    let mut inline = false;
    for (i, route) in plan.alert_routes.iter().enumerate() {
        let AlertRoute::Webhook { credential } = route;
        let secret = opts.secrets.get(credential);
        let file = format!("secrets/{credential}");
        let name = format!("route-{i}-{credential}");
        let slack = secret.is_some_and(|url| {
            reqwest::Url::parse(url.trim()).is_ok_and(|u| Format::for_url(&u) == Format::Slack)
        });
        let receiver = if slack {
            json!({"name": name, "slack_configs": [{"api_url_file": file, "send_resolved": true}]})
        } else if reads_url_file(opts.alertmanager) {
            json!({"name": name, "webhook_configs": [{"url_file": file, "send_resolved": true}]})
        } else {
            let url = secret.ok_or_else(|| ExportError::SecretNeeded {
                version: format!("{}.{}", opts.alertmanager.0, opts.alertmanager.1),
                credential: credential.clone(),
            })?;
            inline = true;
            json!({"name": name, "webhook_configs": [{"url": url, "send_resolved": true}]})
        };
        if slack || reads_url_file(opts.alertmanager) {
            match secret {
                Some(v) => files.push(File::secret(
                    format!("alertmanager/{file}"),
                    format!("{}\n", v.trim()),
                )),
                None => {
                    files.push(File::secret(format!("alertmanager/{file}"), String::new()));
                    notes.push(format!(
                        "credential `{credential}` is not set here: put its URL into alertmanager/{file} before starting Alertmanager"
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
    // With several routes each hears every alert (a second channel), until routes can say
    // what they are for.
    if receivers.len() > 1 {
        let rest: Vec<Value> = receivers
            .iter()
            .map(|r| json!({"receiver": r["name"], "continue": true}))
            .collect();
        route["routes"] = json!(rest);
    }
    let text = String::from("# Written by `launch-ready export prometheus`: where alerts go.\n")
        + &serde_norway::to_string(&json!({"route": route, "receivers": receivers}))?;
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
