//! Evidence of the `cloudflare` family.

use serde::{Deserialize, Serialize};

/// `cloudflare.zone`: what the API gave about the apex's zone, and what it did not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudflareEvidence {
    pub zone: Option<String>,
    pub zone_status: Option<String>,
    pub plan: Option<String>,
    pub ssl_mode: Option<String>,
    pub min_tls_version: Option<String>,
    pub always_use_https: Option<String>,
    pub development_mode: Option<String>,
    pub security_level: Option<String>,
    pub browser_check: Option<String>,
    pub bot_fight_mode: Option<bool>,
    /// Address and alias records with their proxied state.
    pub records: Vec<ProxiedRecord>,
    /// More records than were read.
    pub records_partial: bool,
    /// Rules present, by description (or expression when undescribed).
    pub rate_limit_rules: Vec<String>,
    pub cache_rules: Vec<String>,
    pub page_rules: Vec<String>,
    /// Parts not read, with the reason; they were not judged.
    pub unread: Vec<UnreadPart>,
    /// API calls answered 429 and retried after `Retry-After`.
    pub api_retries: u32,
    /// `HOST[:PORT]` of the API the token was sent to, when not the public API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
}

/// One A/AAAA/CNAME record of a zone.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProxiedRecord {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub content: String,
    pub proxied: bool,
}

/// A part of a zone's configuration the audit could not read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnreadPart {
    pub part: String,
    pub reason: String,
}
