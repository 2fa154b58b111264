//! Where a session's alerts go, in escalation order: the first route gets every alert, the
//! next one gets an alert still unresolved after the runbook's escalation delay, and so on.
//! A route names its secret (the webhook URL, the mail password) by credential name only;
//! the value lives in the keyring.
//!
//! Sessions written before routes were a list hold one webhook credential name in
//! `Targets::alert_route`; `Targets::alert_routes()` reads that as a one-route list, so old
//! files load unchanged and are only rewritten in the new shape once the routes are edited.
//!
//! One line of text per list (the Targets screen's field, `monitor --route`): routes are
//! separated by spaces, a bare name is a webhook credential, and an email route is a
//! `smtp://` URL without a password:
//! `alert-webhook smtp://alerts@mail.example.com:587?from=alerts@example.com&to=ops@example.com&password=smtp-password`.

use serde::{Deserialize, Serialize};

/// The credential a webhook route reads when none is named.
pub const DEFAULT_WEBHOOK_CREDENTIAL: &str = "alert-webhook";
/// The submission port an email route uses when none is given.
pub const DEFAULT_SMTP_PORT: u16 = 587;

/// One alert route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum AlertRoute {
    /// A Slack-compatible or JSON webhook; the URL is the value of credential `credential`.
    Webhook { credential: String },
    /// Mail through an SMTP submission server, with STARTTLS (or TLS on port 465) and auth.
    Email(EmailRoute),
}

/// An email route: everything but the password, which is credential `password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmailRoute {
    /// Submission server host name (checked against its certificate).
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    /// Account name sent in AUTH.
    pub username: String,
    /// Credential holding the account's password.
    pub password: String,
    /// Sender address.
    pub from: String,
    /// Recipient addresses, at least one.
    pub to: Vec<String>,
}

fn default_port() -> u16 {
    DEFAULT_SMTP_PORT
}

/// Why a route line does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RouteParseError {
    #[error("`{0}` is not a credential name (letters, digits, `-`, `_`, `.`)")]
    BadName(String),
    #[error("`{0}` is not an smtp:// route")]
    NotSmtp(String),
    #[error("the email route to {host} has no {what}")]
    Missing { host: String, what: &'static str },
    #[error(
        "the email route to {0} must not carry a password: name its credential with `password=`"
    )]
    PasswordInLine(String),
    #[error("`{0}` is not an email address")]
    BadAddress(String),
}

impl AlertRoute {
    /// The name the screen, the findings and the drill give this route (never a secret).
    pub fn label(&self) -> String {
        match self {
            AlertRoute::Webhook { credential } => format!("webhook {credential}"),
            AlertRoute::Email(e) => format!("email to {}", e.to.join(", ")),
        }
    }

    /// The credential this route reads.
    pub fn credential(&self) -> &str {
        match self {
            AlertRoute::Webhook { credential } => credential,
            AlertRoute::Email(e) => &e.password,
        }
    }

    /// Reads one route of a route line.
    pub fn parse(word: &str) -> Result<AlertRoute, RouteParseError> {
        let word = word.trim();
        if word.starts_with("smtp://") || word.starts_with("smtps://") {
            return parse_email(word).map(AlertRoute::Email);
        }
        if word.contains("://") {
            return Err(RouteParseError::NotSmtp(word.to_string()));
        }
        if word.is_empty()
            || !word
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(RouteParseError::BadName(word.to_string()));
        }
        Ok(AlertRoute::Webhook {
            credential: word.to_string(),
        })
    }

    /// Reads a whole route line (routes separated by spaces, in escalation order).
    pub fn parse_line(line: &str) -> Result<Vec<AlertRoute>, RouteParseError> {
        line.split_whitespace().map(AlertRoute::parse).collect()
    }

    /// The route as a line word; `parse` reads it back.
    pub fn to_line(&self) -> String {
        match self {
            AlertRoute::Webhook { credential } => credential.clone(),
            AlertRoute::Email(e) => {
                let mut u = url::Url::parse("smtp://placeholder/").expect("a constant URL");
                let _ = u.set_host(Some(&e.host));
                let _ = u.set_port(Some(e.port));
                let _ = u.set_username(&e.username);
                u.set_path("");
                {
                    let mut q = u.query_pairs_mut();
                    q.append_pair("from", &e.from);
                    for to in &e.to {
                        q.append_pair("to", to);
                    }
                    q.append_pair("password", &e.password);
                }
                u.to_string()
            }
        }
    }

    /// A route list as one line.
    pub fn line(routes: &[AlertRoute]) -> String {
        routes
            .iter()
            .map(AlertRoute::to_line)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn address(a: &str) -> Result<String, RouteParseError> {
    let ok = a.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty()
            && d.contains('.')
            && !a.contains(char::is_whitespace)
            && !a.contains(['<', '>'])
    });
    if ok {
        Ok(a.to_string())
    } else {
        Err(RouteParseError::BadAddress(a.to_string()))
    }
}

fn parse_email(word: &str) -> Result<EmailRoute, RouteParseError> {
    let u = url::Url::parse(word).map_err(|_| RouteParseError::NotSmtp(word.to_string()))?;
    let host = u
        .host_str()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| RouteParseError::NotSmtp(word.to_string()))?
        .to_string();
    if u.password().is_some() {
        return Err(RouteParseError::PasswordInLine(host));
    }
    let missing = |what| RouteParseError::Missing {
        host: host.clone(),
        what,
    };
    let username = percent_decode(u.username());
    if username.is_empty() {
        return Err(missing("user name (smtp://USER@host)"));
    }
    let (mut from, mut to, mut password) = (None, Vec::new(), None);
    for (k, v) in u.query_pairs() {
        match &*k {
            "from" => from = Some(address(&v)?),
            "to" => {
                for a in v.split(',').filter(|a| !a.is_empty()) {
                    to.push(address(a)?);
                }
            }
            "password" => password = Some(v.into_owned()),
            _ => {}
        }
    }
    let password = password.ok_or_else(|| missing("password credential (password=NAME)"))?;
    if let Err(RouteParseError::BadName(n)) = AlertRoute::parse(&password) {
        return Err(RouteParseError::BadName(n));
    }
    let default_port = if u.scheme() == "smtps" {
        465
    } else {
        DEFAULT_SMTP_PORT
    };
    Ok(EmailRoute {
        port: u.port().unwrap_or(default_port),
        username,
        password,
        from: from.ok_or_else(|| missing("sender (from=ADDRESS)"))?,
        to: if to.is_empty() {
            return Err(missing("recipient (to=ADDRESS)"));
        } else {
            to
        },
        host,
    })
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("u={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = "alert-webhook smtp://alerts%40acme.test@mail.acme.test:587?from=alerts%40acme.test&to=ops%40acme.test&to=cto%40acme.test&password=smtp-password";

    #[test]
    fn a_line_reads_in_order_and_writes_back() {
        let routes = AlertRoute::parse_line(LINE).unwrap();
        assert_eq!(routes.len(), 2);
        assert_eq!(
            routes[0],
            AlertRoute::Webhook {
                credential: "alert-webhook".into()
            }
        );
        let AlertRoute::Email(e) = &routes[1] else {
            panic!("{routes:?}")
        };
        assert_eq!(
            (
                e.host.as_str(),
                e.port,
                e.username.as_str(),
                e.password.as_str()
            ),
            ("mail.acme.test", 587, "alerts@acme.test", "smtp-password")
        );
        assert_eq!(e.to, ["ops@acme.test", "cto@acme.test"]);
        assert_eq!(routes[1].label(), "email to ops@acme.test, cto@acme.test");
        let again = AlertRoute::parse_line(&AlertRoute::line(&routes)).unwrap();
        assert_eq!(again, routes);
    }

    /// A session written when a session had one webhook loads as a one-route list, and a
    /// single webhook is written back in that older field.
    #[test]
    fn the_one_webhook_of_an_older_session_is_its_one_route() {
        use crate::session::model::Targets;
        let old: Targets =
            ron::from_str(r#"(apex: "acme.test", alert_route: Some("ops-hook"))"#).unwrap();
        assert_eq!(
            old.routes(),
            [AlertRoute::Webhook {
                credential: "ops-hook".into()
            }]
        );
        let mut t = old.clone();
        t.set_routes(AlertRoute::parse_line(LINE).unwrap());
        assert_eq!((t.alert_route.as_deref(), t.alert_routes.len()), (None, 2));
        let text = ron::to_string(&t).unwrap();
        let back: Targets = ron::from_str(&text).unwrap();
        assert_eq!(back.routes(), t.routes());
        t.set_routes(vec![AlertRoute::Webhook {
            credential: "pager".into(),
        }]);
        assert_eq!(t.alert_route.as_deref(), Some("pager"));
        assert!(t.alert_routes.is_empty());
        assert!(!ron::to_string(&t).unwrap().contains("alert_routes"));
        t.set_routes(Vec::new());
        assert!(t.routes().is_empty());
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        let err = |l: &str| AlertRoute::parse_line(l).unwrap_err().to_string();
        assert!(err("https://hooks.example.test/x").contains("not an smtp:// route"));
        assert!(
            err("smtp://u:hunter2@mail.a.test?from=a@a.test&to=b@a.test&password=p")
                .contains("must not carry a password")
        );
        assert!(
            !err("smtp://u:hunter2@mail.a.test?from=a@a.test&to=b@a.test&password=p")
                .contains("hunter2")
        );
        assert!(err("smtp://u@mail.a.test?from=a@a.test&password=p").contains("no recipient"));
        assert!(err("smtp://u@mail.a.test?from=a@a.test&to=b@a.test").contains("no password"));
        assert!(
            err("smtp://u@mail.a.test?from=nobody&to=b@a.test&password=p")
                .contains("not an email address")
        );
        assert!(err("my hook!").contains("not a credential name"));
        let e = AlertRoute::parse("smtps://u@mail.a.test?from=a@a.test&to=b@a.test&password=p")
            .unwrap();
        assert!(matches!(e, AlertRoute::Email(EmailRoute { port: 465, .. })));
    }
}
