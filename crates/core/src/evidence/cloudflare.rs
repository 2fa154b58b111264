//! Evidence of the `cloudflare` family, and the details its findings carry.

use serde::{Deserialize, Serialize};

/// `cloudflare.zone`: what the API gave about the apex's zone, and where the token went.
/// An outcome that read no zone (the token refused, no such zone, the API unreachable)
/// has no zone part; it still names the API host when that is not the public API.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CloudflareEvidence {
    /// The zone as read; on the wire its fields stand at the top level.
    #[serde(flatten)]
    pub zone: Option<ZoneEvidence>,
    /// `HOST[:PORT]` of the API the token was sent to, when not the public API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_host: Option<String>,
}

/// The zone part of `cloudflare.zone`'s evidence: present once the zone was found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ZoneEvidence {
    /// The zone's name (the one field every read zone has).
    #[serde(rename = "zone")]
    pub name: String,
    #[serde(default, rename = "zone_status")]
    pub status: Option<String>,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub ssl_mode: Option<String>,
    #[serde(default)]
    pub min_tls_version: Option<String>,
    #[serde(default)]
    pub always_use_https: Option<String>,
    #[serde(default)]
    pub development_mode: Option<String>,
    #[serde(default)]
    pub security_level: Option<String>,
    #[serde(default)]
    pub browser_check: Option<String>,
    #[serde(default)]
    pub bot_fight_mode: Option<bool>,
    /// Address and alias records with their proxied state.
    #[serde(default)]
    pub records: Vec<ProxiedRecord>,
    /// More records than were read.
    #[serde(default)]
    pub records_partial: bool,
    /// Rules present, by description (or expression when undescribed).
    #[serde(default)]
    pub rate_limit_rules: Vec<String>,
    #[serde(default)]
    pub cache_rules: Vec<String>,
    #[serde(default)]
    pub page_rules: Vec<String>,
    /// Parts not read, with the reason; they were not judged.
    #[serde(default)]
    pub unread: Vec<UnreadPart>,
    /// API calls answered 429 and retried after `Retry-After`.
    #[serde(default)]
    pub api_retries: u32,
    /// Whether `http://HOST/` redirects at the origin, for the apex and www (read only
    /// when "Always Use HTTPS" is off).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origin_redirects: Vec<OriginRedirect>,
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

/// Whether `http://HOST/` redirects to HTTPS at the origin (`redirects` None: could not
/// be observed; `note` says what was seen).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OriginRedirect {
    pub host: String,
    pub redirects: Option<bool>,
    pub note: String,
}

/// Whether the origin's static assets carry a caching lifetime on their own.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OriginStatic {
    /// The page whose assets were read.
    pub page: String,
    /// Assets that answered.
    pub checked: usize,
    /// Of those, assets without a caching lifetime.
    pub uncached: usize,
}

// Details of the family's findings (`Finding::with_detail`, `Finding::detail`).

/// `cloudflare.no_rate_limit`: how many rate-limiting rules the zone has (none covering
/// the auth or API routes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitDetail {
    pub rate_limit_rules: usize,
}

/// `cloudflare.scope_missing`: the parts the token cannot read. An object, as every
/// finding's evidence is in the report contract (a bare list is not).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MissingScopes {
    pub missing: Vec<MissingScope>,
}

/// One part the token cannot read and the permission to add.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MissingScope {
    pub part: String,
    pub scope: String,
}

/// `cloudflare.always_https_off`: the origin hosts that do not redirect to HTTPS.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AlwaysHttpsDetail {
    pub origin: Vec<OriginRedirect>,
}

/// `cloudflare.record_unproxied`: the host, its DNS-only records, and whether the session
/// declared it (with the reason it is judged lower when not).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct UnproxiedDetail {
    pub host: String,
    pub records: Vec<ProxiedRecord>,
    pub declared: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `cloudflare.no_static_cache_rule`: the origin's own caching of static assets
/// (`null`: not asked; `{"Ok": …}` read; `{"Err": why}` not read).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StaticCacheDetail {
    pub origin: Option<Result<OriginStatic, String>>,
}

#[cfg(test)]
mod tests {
    use crate::catalog::KindId;
    use crate::evidence::Observed;
    use serde_json::json;

    #[test]
    fn an_outcome_that_read_no_zone_holds_the_api_host_alone() {
        let v = json!({ "api_host": "127.0.0.1:9" });
        let Observed::Cloudflare(c) = Observed::read(Some(KindId::CloudflareZone), v.clone())
        else {
            panic!("not typed");
        };
        assert_eq!(c.zone, None);
        assert_eq!(c.api_host.as_deref(), Some("127.0.0.1:9"));
        assert_eq!(Observed::Cloudflare(c).to_json(), v);
    }

    #[test]
    fn a_read_zone_stands_at_the_top_level() {
        let v = json!({
            "zone": "a.test", "zone_status": "active", "plan": null, "ssl_mode": "full",
            "min_tls_version": null, "always_use_https": "off", "development_mode": null,
            "security_level": null, "browser_check": null, "bot_fight_mode": null,
            "records": [{ "name": "a.test", "type": "A", "content": "192.0.2.1", "proxied": false }],
            "records_partial": false, "rate_limit_rules": [], "cache_rules": [],
            "page_rules": [], "unread": [], "api_retries": 0,
            "origin_redirects": [{ "host": "a.test", "redirects": null, "note": "timeout" }],
        });
        let Observed::Cloudflare(c) = Observed::read(Some(KindId::CloudflareZone), v.clone())
        else {
            panic!("not typed");
        };
        let zone = c.zone.as_ref().expect("zone");
        assert_eq!(zone.ssl_mode.as_deref(), Some("full"));
        assert_eq!(zone.origin_redirects[0].redirects, None);
        assert_eq!(Observed::Cloudflare(c).to_json(), v);
    }
}
