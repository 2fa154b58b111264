//! Evidence of the active probes: error pages read for debug output, the oversized body
//! sent to a write route, the burst sent to a login route, and the error-tracking SDKs
//! seen in a site's scripts. Each says how many requests it sent, so a reader can hold
//! the run to what the confirmation announced.

use serde::{Deserialize, Serialize};

/// `http.debug`: every response read for debug output, and what each showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebugEvidence {
    pub responses: Vec<DebugResponse>,
    /// Requests this check sent itself (the page read is shared with other checks).
    pub requests_sent: u32,
}

/// One response `http.debug` read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebugResponse {
    pub url: String,
    pub method: String,
    /// What was sent to provoke an error (`None` for the page as any visitor gets it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provoked_with: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Names of the debug signatures found (`Werkzeug debugger`, `Python traceback`…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signatures: Vec<String>,
}

/// `http.debug_exposed`: where the debug output was and what it looked like.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DebugDetail {
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub signatures: Vec<String>,
    /// A short excerpt around the first match, sanitised by whoever prints it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// `http.payload_limit`: the one oversized request and how the server took it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayloadLimitEvidence {
    pub url: String,
    pub method: String,
    /// The limit judged against, in bytes.
    pub limit_bytes: u64,
    /// The size of the body announced in `Content-Length`.
    pub body_bytes: u64,
    /// Body bytes the server took before it answered or hung up.
    pub sent_bytes: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// How the exchange ended, in words (`refused with 413 after 0 bytes`).
    pub verdict: String,
    pub requests_sent: u32,
    pub elapsed_ms: u64,
}

/// `http.no_payload_limit`: what the route accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayloadLimitDetail {
    pub url: String,
    pub method: String,
    pub accepted_bytes: u64,
    pub limit_bytes: u64,
    pub status: u16,
}

/// `edge.rate_limit`: the burst and what came back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BurstEvidence {
    pub url: String,
    pub method: String,
    /// Requests the confirmation announced.
    pub announced: u32,
    /// Requests sent (fewer when the limit showed early).
    pub sent: u32,
    /// Status of each answer, in order (0 for no answer).
    pub statuses: Vec<u16>,
    /// The request (1-based) that drew the first sign of a limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_at: Option<u32>,
    /// Which sign: `429`, `challenge`, `slowdown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signal: Option<String>,
    /// Median latency of the first and the last few answers, in ms.
    pub first_ms: u64,
    pub last_ms: u64,
    pub elapsed_ms: u64,
}

/// `edge.no_rate_limit`: the burst that went through unhindered.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BurstDetail {
    pub url: String,
    pub method: String,
    pub sent: u32,
    pub first_ms: u64,
    pub last_ms: u64,
}

/// `uptime.error_tracking`: the pages and scripts read and the SDKs seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorTrackingEvidence {
    /// Whether the runbook asks for error tracking.
    pub required: bool,
    pub seen: Vec<SdkSeen>,
    /// Pages and scripts read.
    pub scanned: Vec<String>,
}

/// One error-tracking SDK and where it showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SdkSeen {
    pub sdk: String,
    /// The URL of the page or script, or `header NAME` for a server header.
    pub at: String,
}

/// `uptime.error_tracking_missing`: what was read without a sign of one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ErrorTrackingDetail {
    pub scanned: Vec<String>,
}
