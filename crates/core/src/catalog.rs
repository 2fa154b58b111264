//! The catalog of automated check kinds: which family each belongs to, what it runs against
//! and which finding codes it can produce. Runbooks name these kinds; the engine implements
//! them one family at a time. Pure data so validation needs no network code.

pub use crate::family::Family;

use crate::code::Code;
use crate::severity::Severity;
use std::fmt;

/// The closed set of check kinds, by the name runbooks and session files use. Each table
/// keyed by kind matches on it: `KINDS` must hold one row per id in this order (checked
/// when the crate compiles) and the engine's wiring is one exhaustive `match`, so a kind
/// added here without its row or its wiring does not build.
macro_rules! kind_ids {
    ($($id:ident = $name:literal),* $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum KindId {
            $($id),*
        }

        impl KindId {
            /// Every kind, in catalog order.
            pub const ALL: &'static [KindId] = &[$(KindId::$id),*];

            /// The kind's name (`tls.certificate`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(KindId::$id => $name),*
                }
            }
        }
    };
}

kind_ids! {
    DnsRecords = "dns.records",
    DnsApexWww = "dns.apex_www",
    DnsCaa = "dns.caa",
    DnsProvider = "dns.provider",
    DnsStaging = "dns.staging",
    EmailMx = "email.mx",
    EmailSpf = "email.spf",
    EmailDmarc = "email.dmarc",
    EmailDkim = "email.dkim",
    TlsCertificate = "tls.certificate",
    TlsProtocols = "tls.protocols",
    HttpAvailability = "http.availability",
    HttpRedirects = "http.redirects",
    HttpHeaders = "http.headers",
    HttpMixedContent = "http.mixed_content",
    HttpCache = "http.cache",
    HttpCors = "http.cors",
    HttpExposure = "http.exposure",
    HttpBundle = "http.bundle",
    HttpPayload = "http.payload",
    HttpDebug = "http.debug",
    HttpPayloadLimit = "http.payload_limit",
    EdgeProvider = "edge.provider",
    EdgeRateLimit = "edge.rate_limit",
    PerfLatency = "perf.latency",
    PerfLoad = "perf.load",
    PerfWebVitals = "perf.web_vitals",
    UptimeProbe = "uptime.probe",
    UptimeAlertRoute = "uptime.alert_route",
    UptimeErrorTracking = "uptime.error_tracking",
    SecretsRepo = "secrets.repo",
    SecretsHistory = "secrets.history",
    SecretsBuild = "secrets.build",
    EnvInventory = "env.inventory",
    EnvGitignore = "env.gitignore",
    CloudflareZone = "cloudflare.zone",
    SmokeFlow = "smoke.flow",
}

impl KindId {
    /// The kind named `name`, if the catalog has one.
    pub fn parse(name: &str) -> Option<KindId> {
        KindId::ALL.iter().copied().find(|k| k.as_str() == name)
    }

    /// The kind's row of the catalog.
    pub const fn kind(self) -> &'static CheckKind {
        &KINDS[self as usize]
    }

    pub const fn family(self) -> Family {
        self.kind().family
    }
}

impl fmt::Display for KindId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for KindId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for KindId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<KindId, D::Error> {
        let name = String::deserialize(d)?;
        KindId::parse(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown check kind `{name}`")))
    }
}

/// What a check kind runs against; the engine expands a session's targets accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Every host of the session (apex and each role host).
    Host,
    /// The registrable (apex) domain only.
    Apex,
    /// Staging / preview hosts only.
    StagingHost,
    /// Each configured route URL (the canonical page when none are configured).
    Route,
    /// Every web host's entry page (`https://HOST/`) and every configured route: the
    /// pages whose headers, markup and assets the page-level checks judge.
    Page,
    /// The session's routes that take a body (POST, PUT, PATCH): where an upload limit
    /// matters.
    WriteRoute,
    /// The session's routes whose path or name says login, signup or password reset:
    /// where a rate limit matters.
    AuthRoute,
    /// The site's entry page (`https://CANONICAL/`), standing for the product as a whole.
    Site,
    /// The repository path.
    Repo,
    /// The built frontend output folder.
    BuildOutput,
    /// The env files of the session.
    EnvFiles,
    /// The session's alert route.
    AlertRoute,
    /// Each flow of the session (login, protected route, form), by name.
    Flow,
}

/// How long one target of a kind may take, in the session's per-operation timeouts.
///
/// Every network operation inside a check runs under the check's one deadline, so a
/// budget of one timeout (plus the engine's second of slack) is what a user who set
/// `--timeout 5` expects. Long kinds (a load test, a history scan) bring their own bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// `n` per-operation timeouts.
    Timeouts(u32),
    /// A fixed bound in seconds, whatever the per-operation timeout (long-running kinds).
    Seconds(u64),
}

impl Budget {
    /// The bound for one target when each network operation may take `timeout`.
    pub fn for_timeout(self, timeout: std::time::Duration) -> std::time::Duration {
        match self {
            Budget::Timeouts(n) => timeout * n.max(1),
            Budget::Seconds(s) => std::time::Duration::from_secs(s.max(1)),
        }
    }
}

/// What the engine needs to know about a kind besides its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    pub budget: Budget,
    /// Talks to the network, so it runs only with a network stack built from valid
    /// settings. A kind without it (a repository scan) gets no network at all: the engine
    /// registers it as local, and bad network settings never turn it into an error.
    pub needs_network: bool,
    /// Sends load or changes state somewhere: the TUI asks first, headless needs `--yes`.
    pub confirm: bool,
    /// Keyring credentials it reads, by name.
    pub credentials: &'static [&'static str],
    /// This build implements it; a kind declared `built` and not registered (or the
    /// reverse) fails `engine::registry`'s tests.
    pub built: bool,
}

impl Profile {
    /// A one-shot network check of this build, bounded by one operation timeout.
    pub const NET: Profile = Profile {
        budget: Budget::Timeouts(1),
        needs_network: true,
        confirm: false,
        credentials: &[],
        built: true,
    };
    /// A kind the format accepts and this build does not run yet.
    pub const PLANNED: Profile = Profile {
        built: false,
        ..Profile::NET
    };
    /// A built kind that reads local files only (repository, build output, env files).
    pub const LOCAL: Profile = Profile {
        built: true,
        ..Profile::PLANNED_LOCAL
    };
    /// A local (filesystem) kind this build does not run yet.
    pub const PLANNED_LOCAL: Profile = Profile {
        needs_network: false,
        budget: Budget::Seconds(120),
        ..Profile::PLANNED
    };

    pub const fn confirm(self) -> Profile {
        Profile {
            confirm: true,
            ..self
        }
    }
    pub const fn budget(self, budget: Budget) -> Profile {
        Profile { budget, ..self }
    }
    pub const fn credentials(self, credentials: &'static [&'static str]) -> Profile {
        Profile {
            credentials,
            ..self
        }
    }
}

/// One automated check kind: the one row every other table (registry, runbook
/// validation, severity defaults, tests) derives from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckKind {
    pub id: KindId,
    /// `id.as_str()`, kept beside it for the many tables that print it.
    pub name: &'static str,
    pub family: Family,
    pub subject: Subject,
    pub title: &'static str,
    /// Finding codes this kind can report.
    pub codes: &'static [Code],
    pub profile: Profile,
}

impl CheckKind {
    /// The default severity of `code` when this kind reports it.
    pub fn default_severity(&self, code: Code) -> Option<Severity> {
        self.codes.contains(&code).then(|| code.default_severity())
    }
}

macro_rules! kind {
    ($id:ident, $family:ident, $subject:ident, $title:literal,
     [$($code:ident),* $(,)?] $(, $profile:expr)?) => {
        CheckKind {
            id: KindId::$id,
            name: KindId::$id.as_str(),
            family: Family::$family,
            subject: Subject::$subject,
            title: $title,
            codes: &[$(Code::$code),*],
            profile: kind!(@profile $($profile)?),
        }
    };
    (@profile) => { Profile::NET };
    (@profile $p:expr) => { $p };
}

/// Every automated check kind the runbook format accepts.
pub const KINDS: &[CheckKind] = &[
    kind!(
        DnsRecords,
        Dns,
        Host,
        "Host records resolve (A/AAAA/CNAME chain)",
        [DnsUnresolvable, DnsDanglingCname, DnsNoIpv6]
    ),
    kind!(
        DnsApexWww,
        Dns,
        Apex,
        "Apex and www both resolve",
        [DnsNoWww, DnsNoApex]
    ),
    kind!(DnsCaa, Dns, Apex, "CAA record on the apex", [DnsCaaMissing]),
    kind!(
        DnsProvider,
        Dns,
        Apex,
        "DNS provider from NS records",
        [DnsProvider]
    ),
    kind!(
        DnsStaging,
        Dns,
        StagingHost,
        "Staging hosts are not public without auth",
        [DnsStagingExposed]
    ),
    kind!(
        EmailMx,
        Email,
        Apex,
        "MX records",
        [EmailMxMissing, EmailMxCname, EmailMxUnresolvable]
    ),
    kind!(
        EmailSpf,
        Email,
        Apex,
        "SPF record and lookup budget",
        [
            EmailSpfMissing,
            EmailSpfMultiple,
            EmailSpfSyntax,
            EmailSpfPermissiveAll,
            EmailSpfTooManyLookups,
            EmailSpfVoidLookups,
            EmailSpfSoftfail
        ]
    ),
    kind!(
        EmailDmarc,
        Email,
        Apex,
        "DMARC policy",
        [
            EmailDmarcMissing,
            EmailDmarcSyntax,
            EmailDmarcPolicyNone,
            EmailDmarcNoReports
        ]
    ),
    kind!(
        EmailDkim,
        Email,
        Apex,
        "DKIM keys",
        [
            EmailDkimMissing,
            EmailDkimInvalidKey,
            EmailDkimWeakKey,
            EmailDkimRevoked
        ]
    ),
    kind!(
        TlsCertificate,
        Tls,
        Host,
        "Certificate chain, validity and hostname",
        [
            TlsUnreachable,
            TlsExpired,
            TlsNotYetValid,
            TlsExpiringSoon,
            TlsHostnameMismatch,
            TlsUntrusted,
            TlsIncompleteChain,
            TlsWeakKey
        ]
    ),
    kind!(
        TlsProtocols,
        Tls,
        Host,
        "Old TLS versions refused",
        [TlsOldProtocol]
    ),
    kind!(
        HttpAvailability,
        Http,
        Page,
        "Configured URLs answer",
        [HttpDown, HttpTimeout, HttpServerError, HttpRedirectLoop]
    ),
    kind!(
        HttpRedirects,
        Http,
        Host,
        "Redirect chains to the canonical URL",
        [
            HttpNotRedirectedToHttps,
            HttpRedirectLoop,
            HttpRedirectChainLong,
            HttpNoCanonicalHost
        ]
    ),
    kind!(
        HttpHeaders,
        Http,
        Page,
        "HSTS and security headers",
        [HttpHstsMissing, HttpHstsWeak, HttpSecurityHeadersMissing]
    ),
    kind!(
        HttpMixedContent,
        Http,
        Page,
        "No insecure sub-resources on HTTPS pages",
        [HttpMixedContent]
    ),
    kind!(
        HttpCache,
        Http,
        Page,
        "Caching of private pages and static assets",
        [HttpPrivateCached, HttpStaticUncached]
    ),
    kind!(
        HttpCors,
        Http,
        Page,
        "CORS does not open credentialed or private APIs to any origin",
        [HttpCorsPermissive, HttpCorsWildcard]
    ),
    kind!(
        HttpExposure,
        Http,
        Host,
        "No config dumps or .git served",
        [HttpEnvExposed, HttpGitExposed]
    ),
    kind!(
        HttpBundle,
        Http,
        Page,
        "Served bundles and source maps hold no secrets",
        [HttpSecretInBundle, HttpSourcemapExposed]
    ),
    kind!(
        HttpPayload,
        Http,
        Page,
        "Page and asset sizes, and text compression",
        [PerfUncompressed, PerfPayloadLarge]
    ),
    kind!(
        HttpDebug,
        Http,
        Page,
        "Error pages show no debug output or stack traces",
        [HttpDebugExposed],
        // The page, then one provoking request of its own.
        Profile::NET.budget(Budget::Timeouts(2))
    ),
    kind!(
        HttpPayloadLimit,
        Http,
        WriteRoute,
        "Write routes refuse oversized bodies (asks first)",
        [HttpNoPayloadLimit],
        // One request whose body is a little over the limit: an upload, not a page read.
        Profile::NET.budget(Budget::Seconds(90)).confirm()
    ),
    kind!(
        EdgeProvider,
        Edge,
        Host,
        "Edge / CDN in front of public hosts",
        [EdgeProvider, EdgeUnprotected]
    ),
    kind!(
        EdgeRateLimit,
        Edge,
        AuthRoute,
        "Login, signup and reset routes are rate limited (asks first)",
        [EdgeNoRateLimit],
        // A burst of requests one after the other, each under the operation timeout.
        Profile::NET.budget(Budget::Seconds(90)).confirm()
    ),
    kind!(
        PerfLatency,
        Perf,
        Route,
        "Latency baseline against budget",
        [PerfP95OverBudget, PerfErrorRateOverBudget, PerfPayloadLarge],
        Profile::NET.budget(Budget::Seconds(60))
    ),
    kind!(
        PerfLoad,
        Perf,
        Route,
        "Light load test (asks first)",
        [PerfP95OverBudget, PerfErrorRateOverBudget],
        Profile::NET.budget(Budget::Seconds(300)).confirm()
    ),
    kind!(
        PerfWebVitals,
        Perf,
        Route,
        "Web vitals on a phone (Lighthouse, mobile)",
        [
            PerfLighthouseScoreLow,
            PerfLcpOverBudget,
            PerfClsOverBudget,
            PerfTbtOverBudget,
            PerfImagesUnoptimized
        ],
        // Pages run one at a time (a browser each, seconds per run): the bound covers the
        // wait for the pages before this one and its own runs.
        Profile::NET.budget(Budget::Seconds(600))
    ),
    kind!(
        UptimeProbe,
        Uptime,
        Route,
        "Uptime probes",
        [UptimeDown, UptimeSlow, UptimeCertExpiring],
        // A few probes within the budget: each probe and the certificate read take at
        // most one timeout, and the probes span under three seconds.
        Profile::NET.budget(Budget::Timeouts(4))
    ),
    kind!(
        UptimeAlertRoute,
        Uptime,
        AlertRoute,
        "Alert route delivers",
        [UptimeAlertRouteFailed],
        Profile::NET
            .budget(Budget::Timeouts(4))
            .credentials(&["alert-webhook"])
    ),
    kind!(
        UptimeErrorTracking,
        Uptime,
        Site,
        "Error tracking is wired into the frontend",
        [UptimeErrorTrackingMissing],
        // The entry page and the app's, then their scripts under one shared deadline.
        Profile::NET.budget(Budget::Timeouts(3))
    ),
    kind!(
        SecretsRepo,
        Secrets,
        Repo,
        "No credentials in the working tree",
        [SecretsExposed, SecretsDotenvCommitted],
        Profile::LOCAL
    ),
    kind!(
        SecretsHistory,
        Secrets,
        Repo,
        "No credentials in git history",
        [SecretsInHistory],
        Profile::LOCAL
    ),
    kind!(
        SecretsBuild,
        Secrets,
        BuildOutput,
        "No credentials in the built frontend",
        [SecretsInBuildOutput],
        Profile::LOCAL
    ),
    kind!(
        EnvInventory,
        Env,
        EnvFiles,
        "Env var inventory across environments",
        [EnvMissingVar, EnvSharedSecret, EnvClientExposedSecret],
        Profile::LOCAL
    ),
    kind!(
        EnvGitignore,
        Env,
        Repo,
        ".env files are ignored by git",
        [EnvNotGitignored],
        Profile::LOCAL
    ),
    kind!(
        CloudflareZone,
        Cloudflare,
        Apex,
        "Cloudflare zone settings (read-only API token)",
        [
            CloudflareTokenRejected,
            CloudflareZoneMissing,
            CloudflareSslNotStrict,
            CloudflareAlwaysHttpsOff,
            CloudflareMinTlsOld,
            CloudflareRecordUnproxied,
            CloudflareDevelopmentMode,
            CloudflareNoRateLimit,
            CloudflareSecurityLevelOff,
            CloudflareNoStaticCacheRule,
            CloudflareScopeMissing
        ],
        // A dozen API reads, some paginated, a few in parallel, and one retry after a 429.
        Profile::NET
            .budget(Budget::Timeouts(6))
            .credentials(&["cloudflare-token"])
    ),
    kind!(
        SmokeFlow,
        Smoke,
        Flow,
        "Core flows pass (login, protected route, forms)",
        [SmokeStepFailed],
        // Each step is bounded by one timeout; a smoke flow is a handful of steps.
        Profile::NET.budget(Budget::Timeouts(8))
    ),
];

// One row per kind, in `KindId` order: checked when the crate compiles.
const _: () = {
    assert!(KINDS.len() == KindId::ALL.len());
    let mut i = 0;
    while i < KINDS.len() {
        assert!(KINDS[i].id as usize == i);
        i += 1;
    }
};

/// Looks a kind up by its name (`tls.certificate`), as runbooks and session files give it.
pub fn kind(name: &str) -> Option<&'static CheckKind> {
    KindId::parse(name).map(KindId::kind)
}

/// Finding codes that say a target asked for does not exist: the host has no address,
/// directly or through its CNAME chain. Nothing else about such a target can be checked
/// and it cannot launch, so the verdict counts these as blockers whatever severity the
/// check gave them (`dns.unresolvable` is high for a host that is not apex, app or api):
/// a host that was asked for and does not exist is never a go. The operator can still
/// accept one (with a reason and an owner), or take the host out of the targets.
pub const TARGET_MISSING: &[Code] = &[Code::DnsUnresolvable];

/// Whether finding `code` says its target does not exist (see `TARGET_MISSING`).
pub fn target_missing(code: &str) -> bool {
    TARGET_MISSING.iter().any(|c| *c == code)
}

/// Every finding code of the catalog, in catalog order, without repeats.
pub fn all_codes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KINDS {
        for c in k.codes {
            if !out.contains(&c.as_str()) {
                out.push(c.as_str());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_and_prefixed_by_family() {
        for (i, k) in KINDS.iter().enumerate() {
            assert!(k.name.starts_with(&format!("{}.", k.family)), "{}", k.name);
            assert!(
                KINDS[i + 1..].iter().all(|o| o.name != k.name),
                "duplicate {}",
                k.name
            );
            assert!(!k.codes.is_empty(), "{} has no codes", k.name);
        }
    }

    #[test]
    fn kind_ids_name_their_rows_and_read_back() {
        for (i, id) in KindId::ALL.iter().enumerate() {
            assert_eq!(KINDS[i].id, *id);
            assert_eq!(id.kind().name, id.as_str());
            assert_eq!(KindId::parse(id.as_str()), Some(*id));
            let json = serde_json::to_string(id).unwrap();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
            assert_eq!(serde_json::from_str::<KindId>(&json).unwrap(), *id);
        }
        assert_eq!(KindId::parse("dns.nope"), None);
        let err = serde_json::from_str::<KindId>("\"dns.nope\"").unwrap_err();
        assert!(
            err.to_string().contains("unknown check kind `dns.nope`"),
            "{err}"
        );
    }

    #[test]
    fn catalog_covers_every_code_of_the_contract() {
        let codes = all_codes();
        // Every code a kind reports is one of the contract's; the first 81 (ten families)
        // all have a kind.
        assert!(codes.len() >= 81, "{codes:?}");
        assert!(codes.contains(&"email.dkim_revoked"));
        assert!(codes.contains(&"env.not_gitignored"));
        assert!(codes.contains(&"cloudflare.scope_missing"));
    }
}
