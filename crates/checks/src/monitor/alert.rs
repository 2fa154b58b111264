//! Alert delivery: a Slack-compatible incoming webhook (`{"text": …}`), a generic JSON
//! webhook with one documented payload (README, "Alert payload"), or mail (`email`). The
//! webhook URL is a credential: it is held here and nowhere else, never printed, never in
//! an error (reqwest errors name the URL, so they are stripped of it) and never in the
//! session. A route carries the name the operator knows it by, so findings and the drill
//! can say which route failed without naming its secret.

pub use super::message::{Alert, Delivered, DeliveryError, Event, Format, Retry};

/// The credential that holds the webhook URL, and the variable CI sets instead.
pub const CREDENTIAL: &str = "alert-webhook";
pub const ENV_VAR: &str = "LAUNCH_READY_ALERT_WEBHOOK";

/// An alert route: where alerts go and in which payload.
#[derive(Clone)]
pub struct Route {
    /// What the operator calls the route (`webhook alert-webhook`, `email to ops@…`):
    /// never its secret.
    pub name: String,
    pub format: Format,
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    Webhook {
        url: reqwest::Url,
        client: reqwest::Client,
    },
    Email(Box<super::email::EmailRoute>),
}

impl std::fmt::Debug for Route {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Route")
            .field("name", &self.name)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl Route {
    /// A route to `url` (a credential's value) sent with `client`; a value that is not
    /// an http(s) URL is refused without being repeated.
    pub fn new(
        url: &str,
        format: Option<Format>,
        client: reqwest::Client,
    ) -> Result<Route, DeliveryError> {
        let url = reqwest::Url::parse(url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| {
                DeliveryError::NoRoute("the alert-webhook value is not an http(s) URL".into())
            })?;
        Ok(Route {
            name: "webhook".into(),
            format: format.unwrap_or_else(|| Format::for_url(&url)),
            transport: Transport::Webhook { url, client },
        })
    }

    /// A mail route.
    pub fn email(name: impl Into<String>, route: super::email::EmailRoute) -> Route {
        Route {
            name: name.into(),
            format: Format::Email,
            transport: Transport::Email(Box::new(route)),
        }
    }

    /// The same route under `name`.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Route {
        self.name = name.into();
        self
    }

    /// Sends `alert`, retrying failures with backoff (see each transport).
    pub async fn deliver(&self, alert: &Alert, retry: Retry) -> Result<Delivered, DeliveryError> {
        match &self.transport {
            Transport::Webhook { url, client } => {
                post(url, client, alert, self.format, retry).await
            }
            Transport::Email(mail) => mail.deliver(alert, retry).await,
        }
    }
}

/// The error's whole chain (the top line alone says only "error sending request"),
/// without the URL: reqwest's own mention is dropped, and any echo of the URL or its
/// path (where hooks keep their token) is masked.
fn describe(url: &reqwest::Url, e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text = text.replace(url.as_str(), "<alert route>");
    if url.path().len() > 1 {
        text = text.replace(url.path(), "/<token>");
    }
    text
}

/// Posts `alert` to a webhook, retrying failures (connection errors, 5xx, 429) with backoff.
async fn post(
    url: &reqwest::Url,
    client: &reqwest::Client,
    alert: &Alert,
    format: Format,
    retry: Retry,
) -> Result<Delivered, DeliveryError> {
    let started = tokio::time::Instant::now();
    let body = alert.payload(format).to_string();
    let attempts = retry.attempts.max(1);
    let mut wait = retry.backoff;
    let id = alert.delivery_id();
    let mut maybe_landed = false;
    let mut last = DeliveryError::Unreachable {
        attempts: 0,
        reason: "not tried".into(),
    };
    for n in 1..=attempts {
        let sent = client
            .post(url.clone())
            .timeout(retry.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("Idempotency-Key", &id)
            .body(body.clone())
            .send();
        match tokio::time::timeout(retry.timeout, sent).await {
            Ok(Ok(resp)) if resp.status().is_success() => {
                return Ok(Delivered {
                    attempts: n,
                    elapsed: started.elapsed(),
                });
            }
            Ok(Ok(resp)) => {
                let status = resp.status().as_u16();
                last = DeliveryError::Rejected {
                    status,
                    attempts: n,
                };
                // A 4xx other than 429 will not change on retry (a revoked hook).
                if (400..500).contains(&status) && status != 429 {
                    return Err(last);
                }
            }
            // A request that timed out was sent: the route may have taken it.
            Ok(Err(e)) if e.is_timeout() => {
                maybe_landed = true;
                last = DeliveryError::Unconfirmed {
                    attempts: n,
                    reason: format!("no answer within {:.1} s", retry.timeout.as_secs_f64()),
                };
            }
            Ok(Err(e)) => {
                last = DeliveryError::Unreachable {
                    attempts: n,
                    reason: describe(url, e),
                };
            }
            Err(_) => {
                maybe_landed = true;
                last = DeliveryError::Unconfirmed {
                    attempts: n,
                    reason: format!("no answer within {:.1} s", retry.timeout.as_secs_f64()),
                };
            }
        }
        if n < attempts {
            tokio::time::sleep(wait).await;
            wait = wait.saturating_mul(2);
        }
    }
    // An attempt that timed out was sent: a later refusal does not undo it.
    Err(match last {
        DeliveryError::Unreachable { attempts, reason } if maybe_landed => {
            DeliveryError::Unconfirmed { attempts, reason }
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn alert(test: bool) -> Alert {
        Alert {
            event: Event::Down,
            target: "https://example.test/".into(),
            state: "down",
            since: OffsetDateTime::UNIX_EPOCH,
            reason: "status 503".into(),
            test,
        }
    }

    #[test]
    fn the_json_payload_has_the_documented_fields() {
        let v = alert(false).payload(Format::Json);
        for k in [
            "tool",
            "version",
            "event",
            "test",
            "target",
            "state",
            "since",
            "reason",
            "text",
            "delivery_id",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
        assert_eq!(v["since"], "1970-01-01T00:00:00Z");
    }

    #[test]
    fn slack_gets_text_only_and_tests_are_marked() {
        let v = alert(true).payload(Format::Slack);
        assert_eq!(v.as_object().map(|o| o.len()), Some(1));
        assert!(v["text"].as_str().unwrap().starts_with("[TEST] DOWN"));
    }

    #[test]
    fn a_bad_route_value_is_not_repeated() {
        let e = Route::new("hunter2-not-a-url", None, {
            crate::net::install_crypto_provider();
            reqwest::Client::new()
        })
        .unwrap_err();
        assert!(!e.to_string().contains("hunter2"));
    }

    #[test]
    fn the_format_follows_the_host() {
        let u = reqwest::Url::parse("https://hooks.slack.com/services/x").unwrap();
        assert_eq!(Format::for_url(&u), Format::Slack);
        let u = reqwest::Url::parse("http://127.0.0.1:9/hook").unwrap();
        assert_eq!(Format::for_url(&u), Format::Json);
    }
}
