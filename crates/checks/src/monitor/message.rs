//! What an alert says and how its delivery went, apart from where it goes: the alert and
//! its payloads, the retry policy, and the delivery outcome every transport (webhook,
//! mail) reports in the same terms.

use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Which payload the route takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `{"text": "…"}`: Slack, Mattermost, Rocket.Chat and other compatible hooks.
    Slack,
    /// The documented JSON payload.
    Json,
    /// A plain-text mail (see `email`).
    Email,
}

impl Format {
    /// Slack's own hook host speaks Slack; anything else gets the documented payload
    /// (which also carries `text`, so most chat hooks show something readable).
    pub fn for_url(url: &reqwest::Url) -> Format {
        if url.host_str() == Some("hooks.slack.com") {
            Format::Slack
        } else {
            Format::Json
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "slack" => Some(Format::Slack),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Down,
    Recovered,
    /// A monitored host's certificate is inside the warning window.
    CertExpiring,
    /// The share of failed probes over the recent window is over the runbook's budget.
    ErrorRate,
    /// A marked test alert (route test or drill); receivers can drop it.
    Test,
}

impl Event {
    pub fn as_str(self) -> &'static str {
        match self {
            Event::Down => "down",
            Event::Recovered => "recovered",
            Event::CertExpiring => "cert_expiring",
            Event::ErrorRate => "error_rate",
            Event::Test => "test",
        }
    }
}

/// One alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub event: Event,
    pub target: String,
    /// `down` or `up` after this event.
    pub state: &'static str,
    /// When the state began (the first failed probe of an outage, the recovery).
    pub since: OffsetDateTime,
    pub reason: String,
    /// A drill or route test, not a real outage.
    pub test: bool,
}

impl Alert {
    /// The human line, as chat hooks show it.
    pub fn text(&self) -> String {
        let mark = if self.test { "[TEST] " } else { "" };
        match self.event {
            Event::Down => format!(
                "{mark}DOWN {} since {}: {}",
                self.target,
                rfc3339(self.since),
                self.reason
            ),
            Event::Recovered => format!(
                "{mark}RECOVERED {} (up since {}): {}",
                self.target,
                rfc3339(self.since),
                self.reason
            ),
            Event::CertExpiring => format!(
                "{mark}CERTIFICATE EXPIRING {}: {}",
                self.target, self.reason
            ),
            Event::ErrorRate => format!("{mark}ERROR RATE {}: {}", self.target, self.reason),
            Event::Test => format!("[TEST] launch-ready alert route test for {}", self.target),
        }
    }

    /// One id per alert, the same on every attempt to deliver it (in the JSON payload and
    /// the `Idempotency-Key` header), so a receiver that got a first attempt whose answer
    /// was lost can drop the retries.
    pub fn delivery_id(&self) -> String {
        // FNV-1a: stable across runs and builds, unlike the standard hasher.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.target.bytes().chain(self.event.as_str().bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!(
            "lr-{}-{}-{h:016x}",
            self.event.as_str(),
            self.since.unix_timestamp_nanos()
        )
    }

    /// The body for `format`.
    pub fn payload(&self, format: Format) -> serde_json::Value {
        let body = match format {
            Format::Slack => Body::Slack { text: self.text() },
            Format::Json | Format::Email => Body::Json {
                tool: "launch-ready",
                version: env!("CARGO_PKG_VERSION"),
                event: self.event.as_str(),
                test: self.test,
                target: &self.target,
                state: self.state,
                since: rfc3339(self.since),
                reason: &self.reason,
                text: self.text(),
                delivery_id: self.delivery_id(),
            },
        };
        serde_json::to_value(body).unwrap_or_default()
    }
}

/// What an alert's webhook receives: the text alone for chat hooks, every field for JSON
/// receivers.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Body<'a> {
    Slack {
        text: String,
    },
    Json {
        tool: &'static str,
        version: &'static str,
        event: &'static str,
        test: bool,
        target: &'a str,
        state: &'static str,
        since: String,
        reason: &'a str,
        text: String,
        delivery_id: String,
    },
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    /// Attempts in all (at least one).
    pub attempts: u32,
    /// Wait after the first failed attempt; doubled after each further one.
    pub backoff: Duration,
    /// Bound on one attempt.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 4,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Why an alert was not delivered: never contains the URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    #[error("no alert route: {0}")]
    NoRoute(String),
    #[error("the alert route answered status {status} after {attempts} attempt(s)")]
    Rejected { status: u16, attempts: u32 },
    /// A mail server answered with a refusal (a wrong password, a rejected recipient, a
    /// server that is not taking mail).
    #[error("the alert route refused the alert after {attempts} attempt(s): {reason}")]
    Refused { attempts: u32, reason: String },
    #[error("the alert route could not be reached after {attempts} attempt(s): {reason}")]
    Unreachable { attempts: u32, reason: String },
    /// Sent, but no answer came in time: the route may have it. Every attempt carried one
    /// delivery id, so a receiver that keeps ids drops the repeats.
    #[error(
        "the alert route did not answer after {attempts} attempt(s) ({reason}): it may have received the alert (one delivery id, so repeats can be dropped)"
    )]
    Unconfirmed { attempts: u32, reason: String },
}

/// A delivered alert: how many attempts it took and how long from the first send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Delivered {
    pub attempts: u32,
    pub elapsed: Duration,
}
