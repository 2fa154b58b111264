//! Finding codes: the closed vocabulary every check reports in. Each code carries its
//! family and its default severity (as `checks.md` gives them), and its plain words come
//! from the advice table, so a check names a code and nothing else: it repeats no
//! severity unless the finding is worse or milder than the default for a reason it states.
//!
//! On the wire (session files, JSON output) a code is its dotted name; a name this build
//! does not know is refused with the name in the message, never read as something else.

use crate::advice::{self, Advice};
use crate::family::Family;
use crate::severity::Severity;
use std::fmt;

macro_rules! codes {
    ($($family:ident { $($id:ident = $name:literal => $sev:ident),* $(,)? })*) => {
        /// One finding code of the catalog.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($($id,)*)*
        }

        impl Code {
            /// Every code, in `checks.md` order.
            pub const ALL: &'static [Code] = &[$($(Code::$id,)*)*];

            /// The dotted name (`tls.expired`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($(Code::$id => $name,)*)*
                }
            }

            /// The family the code belongs to.
            pub const fn family(self) -> Family {
                match self {
                    $($(Code::$id => Family::$family,)*)*
                }
            }

            /// The severity a check gives it unless it says otherwise.
            pub const fn default_severity(self) -> Severity {
                match self {
                    $($(Code::$id => Severity::$sev,)*)*
                }
            }
        }
    };
}

codes! {
    Dns {
        DnsUnresolvable = "dns.unresolvable" => Blocker,
        DnsDanglingCname = "dns.dangling_cname" => High,
        DnsNoIpv6 = "dns.no_ipv6" => Info,
        DnsNoWww = "dns.no_www" => Medium,
        DnsNoApex = "dns.no_apex" => Medium,
        DnsCaaMissing = "dns.caa_missing" => Low,
        DnsProvider = "dns.provider" => Info,
        DnsStagingExposed = "dns.staging_exposed" => High,
    }
    Email {
        EmailMxMissing = "email.mx_missing" => High,
        EmailMxCname = "email.mx_cname" => Medium,
        EmailMxUnresolvable = "email.mx_unresolvable" => High,
        EmailSpfMissing = "email.spf_missing" => High,
        EmailSpfMultiple = "email.spf_multiple" => High,
        EmailSpfSyntax = "email.spf_syntax" => High,
        EmailSpfPermissiveAll = "email.spf_permissive_all" => High,
        EmailSpfTooManyLookups = "email.spf_too_many_lookups" => High,
        EmailSpfVoidLookups = "email.spf_void_lookups" => Medium,
        EmailSpfSoftfail = "email.spf_softfail" => Info,
        EmailDmarcMissing = "email.dmarc_missing" => High,
        EmailDmarcSyntax = "email.dmarc_syntax" => High,
        EmailDmarcPolicyNone = "email.dmarc_policy_none" => Medium,
        EmailDmarcNoReports = "email.dmarc_no_reports" => Low,
        EmailDkimMissing = "email.dkim_missing" => High,
        EmailDkimInvalidKey = "email.dkim_invalid_key" => High,
        EmailDkimWeakKey = "email.dkim_weak_key" => Medium,
        EmailDkimRevoked = "email.dkim_revoked" => Medium,
    }
    Tls {
        TlsUnreachable = "tls.unreachable" => Blocker,
        TlsExpired = "tls.expired" => Blocker,
        TlsNotYetValid = "tls.not_yet_valid" => Blocker,
        TlsExpiringSoon = "tls.expiring_soon" => High,
        TlsHostnameMismatch = "tls.hostname_mismatch" => Blocker,
        TlsUntrusted = "tls.untrusted" => Blocker,
        TlsIncompleteChain = "tls.incomplete_chain" => High,
        TlsWeakKey = "tls.weak_key" => High,
        TlsOldProtocol = "tls.old_protocol" => Medium,
    }
    Http {
        HttpDown = "http.down" => Blocker,
        HttpTimeout = "http.timeout" => Blocker,
        HttpServerError = "http.server_error" => High,
        HttpRedirectLoop = "http.redirect_loop" => Blocker,
        HttpNotRedirectedToHttps = "http.not_redirected_to_https" => High,
        HttpRedirectChainLong = "http.redirect_chain_long" => Medium,
        HttpNoCanonicalHost = "http.no_canonical_host" => Medium,
        HttpHstsMissing = "http.hsts_missing" => High,
        HttpHstsWeak = "http.hsts_weak" => Medium,
        HttpSecurityHeadersMissing = "http.security_headers_missing" => Medium,
        HttpMixedContent = "http.mixed_content" => High,
        HttpPrivateCached = "http.private_cached" => High,
        HttpStaticUncached = "http.static_uncached" => Low,
        HttpCorsPermissive = "http.cors_permissive" => High,
        HttpEnvExposed = "http.env_exposed" => Blocker,
        HttpGitExposed = "http.git_exposed" => Blocker,
        HttpSecretInBundle = "http.secret_in_bundle" => Blocker,
        HttpSourcemapExposed = "http.sourcemap_exposed" => Low,
        HttpDebugExposed = "http.debug_exposed" => High,
        HttpCorsWildcard = "http.cors_wildcard" => Medium,
        HttpNoPayloadLimit = "http.no_payload_limit" => Medium,
    }
    Edge {
        EdgeProvider = "edge.provider" => Info,
        EdgeNoRateLimit = "edge.no_rate_limit" => High,
        EdgeUnprotected = "edge.unprotected" => Medium,
    }
    Perf {
        PerfP95OverBudget = "perf.p95_over_budget" => High,
        PerfErrorRateOverBudget = "perf.error_rate_over_budget" => High,
        PerfPayloadLarge = "perf.payload_large" => Low,
        PerfUncompressed = "perf.uncompressed" => Medium,
        PerfLighthouseScoreLow = "perf.lighthouse_score_low" => Medium,
        PerfLcpOverBudget = "perf.lcp_over_budget" => High,
        PerfClsOverBudget = "perf.cls_over_budget" => Medium,
        PerfTbtOverBudget = "perf.tbt_over_budget" => Low,
        PerfImagesUnoptimized = "perf.images_unoptimized" => Low,
    }
    Uptime {
        UptimeDown = "uptime.down" => Blocker,
        UptimeSlow = "uptime.slow" => Medium,
        UptimeCertExpiring = "uptime.cert_expiring" => High,
        UptimeAlertRouteFailed = "uptime.alert_route_failed" => High,
        UptimeEscalationFailed = "uptime.escalation_failed" => High,
        UptimeErrorTrackingMissing = "uptime.error_tracking_missing" => Medium,
    }
    Smoke {
        SmokeStepFailed = "smoke.step_failed" => Blocker,
    }
    Secrets {
        SecretsExposed = "secrets.exposed" => Blocker,
        SecretsDotenvCommitted = "secrets.dotenv_committed" => High,
        SecretsInHistory = "secrets.in_history" => High,
        SecretsInBuildOutput = "secrets.in_build_output" => Blocker,
    }
    Env {
        EnvMissingVar = "env.missing_var" => High,
        EnvSharedSecret = "env.shared_secret" => High,
        EnvClientExposedSecret = "env.client_exposed_secret" => Blocker,
        EnvNotGitignored = "env.not_gitignored" => Medium,
    }
    Cloudflare {
        CloudflareTokenRejected = "cloudflare.token_rejected" => High,
        CloudflareZoneMissing = "cloudflare.zone_missing" => High,
        CloudflareSslNotStrict = "cloudflare.ssl_not_strict" => Blocker,
        CloudflareAlwaysHttpsOff = "cloudflare.always_https_off" => Medium,
        CloudflareMinTlsOld = "cloudflare.min_tls_old" => Medium,
        CloudflareRecordUnproxied = "cloudflare.record_unproxied" => Medium,
        CloudflareDevelopmentMode = "cloudflare.development_mode" => Medium,
        CloudflareNoRateLimit = "cloudflare.no_rate_limit" => Medium,
        CloudflareSecurityLevelOff = "cloudflare.security_level_off" => Low,
        CloudflareNoStaticCacheRule = "cloudflare.no_static_cache_rule" => Low,
        CloudflareScopeMissing = "cloudflare.scope_missing" => Info,
    }
}

impl Code {
    /// The code called `name`, if this build knows it.
    pub fn parse(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// What it breaks for users and the fix, in plain words.
    pub fn advice(self) -> Advice {
        advice::for_code(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Code> for &str {
    fn eq(&self, other: &Code) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<String> for Code {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Code> for String {
    fn eq(&self, other: &Code) -> bool {
        self == other.as_str()
    }
}

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Code::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code `{name}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_read_back_and_start_with_their_family() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert!(c.as_str().starts_with(&format!("{}.", c.family())), "{c}");
            assert!(Code::ALL[i + 1..].iter().all(|o| o.as_str() != c.as_str()));
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(serde_json::from_str::<Code>(&json).unwrap(), *c);
        }
        assert_eq!(Code::ALL.len(), 94);
    }

    #[test]
    fn every_code_has_its_own_words() {
        for c in Code::ALL {
            assert!(advice::entry(c.as_str()).is_some(), "{c} has no advice");
        }
    }

    #[test]
    fn an_unknown_name_is_refused_by_name() {
        let err = serde_json::from_str::<Code>("\"dns.nope\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown finding code `dns.nope`"),
            "{err}"
        );
    }
}
