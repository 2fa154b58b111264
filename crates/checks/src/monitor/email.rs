//! Alert delivery by mail: one plain-text message per alert through an SMTP submission
//! server, with STARTTLS required (TLS from the first byte on port 465) and AUTH, sent with
//! `lettre` over the process's one rustls. The server's certificate is checked as every
//! other TLS peer of the run is (the platform verifier plus the run's extra roots); its
//! address comes from the run's network (`connect_to`, resolver), so the lab and a
//! session's overrides reach it like any other host. The password is held here only: it
//! is never printed, and the server's replies that end up in errors are sanitised.

use super::message::{Alert, Delivered, DeliveryError, Retry};
use crate::net::Net;
use launch_ready_core::session::model::EmailRoute as EmailSpec;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncTransport, Tokio1Executor};
use std::net::SocketAddr;

/// An email route ready to send: where, as whom, to whom.
#[derive(Clone)]
pub struct EmailRoute {
    host: String,
    port: u16,
    addr: SocketAddr,
    username: String,
    password: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    roots: Vec<Vec<u8>>,
}

impl std::fmt::Debug for EmailRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmailRoute")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("to", &self.to.len())
            .finish_non_exhaustive()
    }
}

/// Why an email route cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailRouteError {
    #[error("the mail server {host}:{port} has no address: {reason}")]
    NoAddress {
        host: String,
        port: u16,
        reason: String,
    },
    #[error("`{0}` is not an email address")]
    BadAddress(String),
}

impl EmailRoute {
    /// The route `spec` describes, its password being `password`; the server's address is
    /// resolved once, through `net`.
    pub async fn new(
        net: &Net,
        spec: &EmailSpec,
        password: String,
    ) -> Result<EmailRoute, EmailRouteError> {
        let addr = tokio::time::timeout(
            std::time::Duration::from_secs(net.settings.timeout_secs.max(1)),
            net.tls_addr(&spec.host, spec.port),
        )
        .await
        .map_err(|_| "no answer in time".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|reason| EmailRouteError::NoAddress {
            host: spec.host.clone(),
            port: spec.port,
            reason,
        })?;
        let mailbox = |a: &str| {
            a.parse::<Mailbox>()
                .map_err(|_| EmailRouteError::BadAddress(a.to_string()))
        };
        Ok(EmailRoute {
            host: spec.host.clone(),
            port: spec.port,
            addr,
            username: spec.username.clone(),
            password,
            from: mailbox(&spec.from)?,
            to: spec
                .to
                .iter()
                .map(|a| mailbox(a))
                .collect::<Result<_, _>>()?,
            roots: net.roots.der.clone(),
        })
    }

    fn message(&self, alert: &Alert) -> Result<Message, DeliveryError> {
        let mut b = Message::builder()
            .from(self.from.clone())
            .subject(subject(alert))
            // One id per alert, the same on every attempt: a mail system that keeps ids
            // drops the repeats of a retried send.
            .message_id(Some(format!("<{}@launch-ready>", alert.delivery_id())))
            .header(ContentType::TEXT_PLAIN);
        for to in &self.to {
            b = b.to(to.clone());
        }
        let body = format!(
            "{}\n\nevent: {}\ntarget: {}\nstate: {}\nreason: {}\ndelivery id: {}\n",
            alert.text(),
            alert.event.as_str(),
            alert.target,
            alert.state,
            alert.reason,
            alert.delivery_id()
        );
        b.body(body)
            .map_err(|e| DeliveryError::NoRoute(format!("the alert mail cannot be built: {e}")))
    }

    fn transport(&self, retry: Retry) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
        let mut tls = TlsParameters::builder(self.host.clone());
        for der in &self.roots {
            if let Ok(c) = Certificate::from_der(der.clone()) {
                tls = tls.add_root_certificate(c);
            }
        }
        let tls = tls
            .build_rustls()
            .map_err(|e| DeliveryError::NoRoute(format!("mail TLS setup: {e}")))?;
        let tls = if self.port == 465 {
            Tls::Wrapper(tls)
        } else {
            Tls::Required(tls)
        };
        Ok(
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(self.addr.ip().to_string())
                .port(self.addr.port())
                .tls(tls)
                .credentials(Credentials::new(
                    self.username.clone(),
                    self.password.clone(),
                ))
                .authentication(vec![Mechanism::Plain, Mechanism::Login])
                .timeout(Some(retry.timeout))
                .build(),
        )
    }

    /// Sends `alert`, retrying transient failures (4xx replies, lost connections) with
    /// backoff; a permanent refusal (a wrong password, a rejected recipient) is final.
    pub async fn deliver(&self, alert: &Alert, retry: Retry) -> Result<Delivered, DeliveryError> {
        crate::net::install_crypto_provider();
        let started = tokio::time::Instant::now();
        let message = self.message(alert)?;
        let transport = self.transport(retry)?;
        let attempts = retry.attempts.max(1);
        let mut wait = retry.backoff;
        let mut last = DeliveryError::Unreachable {
            attempts: 0,
            reason: "not tried".into(),
        };
        for n in 1..=attempts {
            // lettre bounds each command; this bounds the whole exchange.
            let bound = retry.timeout.saturating_mul(3);
            match tokio::time::timeout(bound, transport.send(message.clone())).await {
                Ok(Ok(_)) => {
                    return Ok(Delivered {
                        attempts: n,
                        elapsed: started.elapsed(),
                    });
                }
                Ok(Err(e)) if e.is_permanent() => {
                    return Err(DeliveryError::Refused {
                        attempts: n,
                        reason: self.describe(&e),
                    });
                }
                Ok(Err(e)) if e.is_transient() => {
                    last = DeliveryError::Refused {
                        attempts: n,
                        reason: self.describe(&e),
                    };
                }
                Ok(Err(e)) => {
                    last = DeliveryError::Unreachable {
                        attempts: n,
                        reason: self.describe(&e),
                    };
                }
                Err(_) => {
                    last = DeliveryError::Unconfirmed {
                        attempts: n,
                        reason: format!("no answer within {:.1} s", bound.as_secs_f64()),
                    };
                }
            }
            if n < attempts {
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
        }
        Err(last)
    }

    /// The error's chain in one sanitised line, without the password.
    fn describe(&self, e: &lettre::transport::smtp::Error) -> String {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            let part = s.to_string();
            if !text.contains(&part) {
                text.push_str(": ");
                text.push_str(&part);
            }
            source = s.source();
        }
        if !self.password.is_empty() {
            text = text.replace(&self.password, "<password>");
        }
        launch_ready_core::sanitize::sanitize(&format!(
            "{} ({}:{}): {text}",
            "mail server", self.host, self.port
        ))
    }
}

fn subject(alert: &Alert) -> String {
    let mark = if alert.test { "[TEST] " } else { "" };
    let what = match alert.event {
        super::message::Event::Test => "alert route test".to_string(),
        other => format!("{} {}", other.as_str().to_uppercase(), alert.target),
    };
    // A subject is one line: a target cannot smuggle headers in.
    format!("{mark}[launch-ready] {what}").replace(['\r', '\n'], " ")
}
