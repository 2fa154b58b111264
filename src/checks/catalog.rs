//! The catalog of automated check kinds: which family each belongs to, what it runs against
//! and which finding codes it can produce. Runbooks name these kinds; the engine implements
//! them one family at a time. Pure data so validation needs no network code.

use std::fmt;

/// A family of checks, as in `checks.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    Dns,
    Email,
    Tls,
    Http,
    Edge,
    Perf,
    Uptime,
    Secrets,
    Env,
}

impl Family {
    pub const ALL: [Family; 9] = [
        Family::Dns,
        Family::Email,
        Family::Tls,
        Family::Http,
        Family::Edge,
        Family::Perf,
        Family::Uptime,
        Family::Secrets,
        Family::Env,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Family::Dns => "dns",
            Family::Email => "email",
            Family::Tls => "tls",
            Family::Http => "http",
            Family::Edge => "edge",
            Family::Perf => "perf",
            Family::Uptime => "uptime",
            Family::Secrets => "secrets",
            Family::Env => "env",
        }
    }

    pub fn parse(s: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
    /// The repository path.
    Repo,
    /// The built frontend output folder.
    BuildOutput,
    /// The env files of the session.
    EnvFiles,
    /// The session's alert route.
    AlertRoute,
}

/// One automated check kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckKind {
    pub name: &'static str,
    pub family: Family,
    pub subject: Subject,
    pub title: &'static str,
    /// Finding codes this kind can report.
    pub codes: &'static [&'static str],
}

macro_rules! kind {
    ($name:literal, $family:ident, $subject:ident, $title:literal, [$($code:literal),* $(,)?]) => {
        CheckKind {
            name: $name,
            family: Family::$family,
            subject: Subject::$subject,
            title: $title,
            codes: &[$($code),*],
        }
    };
}

/// Every automated check kind the runbook format accepts.
pub const KINDS: &[CheckKind] = &[
    kind!(
        "dns.records",
        Dns,
        Host,
        "Host records resolve (A/AAAA/CNAME chain)",
        ["dns.unresolvable", "dns.dangling_cname", "dns.no_ipv6"]
    ),
    kind!(
        "dns.apex_www",
        Dns,
        Apex,
        "Apex and www both resolve",
        ["dns.no_www", "dns.no_apex"]
    ),
    kind!(
        "dns.caa",
        Dns,
        Apex,
        "CAA record on the apex",
        ["dns.caa_missing"]
    ),
    kind!(
        "dns.provider",
        Dns,
        Apex,
        "DNS provider from NS records",
        ["dns.provider"]
    ),
    kind!(
        "dns.staging",
        Dns,
        StagingHost,
        "Staging hosts are not public without auth",
        ["dns.staging_exposed"]
    ),
    kind!(
        "email.mx",
        Email,
        Apex,
        "MX records",
        [
            "email.mx_missing",
            "email.mx_cname",
            "email.mx_unresolvable"
        ]
    ),
    kind!(
        "email.spf",
        Email,
        Apex,
        "SPF record and lookup budget",
        [
            "email.spf_missing",
            "email.spf_multiple",
            "email.spf_syntax",
            "email.spf_permissive_all",
            "email.spf_too_many_lookups",
            "email.spf_void_lookups",
            "email.spf_softfail"
        ]
    ),
    kind!(
        "email.dmarc",
        Email,
        Apex,
        "DMARC policy",
        [
            "email.dmarc_missing",
            "email.dmarc_syntax",
            "email.dmarc_policy_none",
            "email.dmarc_no_reports"
        ]
    ),
    kind!(
        "email.dkim",
        Email,
        Apex,
        "DKIM keys",
        [
            "email.dkim_missing",
            "email.dkim_invalid_key",
            "email.dkim_weak_key",
            "email.dkim_revoked"
        ]
    ),
    kind!(
        "tls.certificate",
        Tls,
        Host,
        "Certificate chain, validity and hostname",
        [
            "tls.unreachable",
            "tls.expired",
            "tls.not_yet_valid",
            "tls.expiring_soon",
            "tls.hostname_mismatch",
            "tls.untrusted",
            "tls.incomplete_chain",
            "tls.weak_key"
        ]
    ),
    kind!(
        "tls.protocols",
        Tls,
        Host,
        "Old TLS versions refused",
        ["tls.old_protocol"]
    ),
    kind!(
        "http.availability",
        Http,
        Route,
        "Configured URLs answer",
        ["http.down", "http.timeout", "http.server_error"]
    ),
    kind!(
        "http.redirects",
        Http,
        Host,
        "Redirect chains to the canonical URL",
        [
            "http.not_redirected_to_https",
            "http.redirect_loop",
            "http.redirect_chain_long",
            "http.no_canonical_host"
        ]
    ),
    kind!(
        "http.headers",
        Http,
        Route,
        "HSTS and security headers",
        [
            "http.hsts_missing",
            "http.hsts_weak",
            "http.security_headers_missing"
        ]
    ),
    kind!(
        "http.mixed_content",
        Http,
        Route,
        "No insecure sub-resources on HTTPS pages",
        ["http.mixed_content"]
    ),
    kind!(
        "http.cache",
        Http,
        Route,
        "Caching of private pages and static assets",
        ["http.private_cached", "http.static_uncached"]
    ),
    kind!(
        "http.cors",
        Http,
        Route,
        "CORS does not reflect any origin with credentials",
        ["http.cors_permissive"]
    ),
    kind!(
        "http.exposure",
        Http,
        Host,
        "No config dumps or .git served",
        ["http.env_exposed", "http.git_exposed"]
    ),
    kind!(
        "http.bundle",
        Http,
        Route,
        "Served bundles and source maps hold no secrets",
        ["http.secret_in_bundle", "http.sourcemap_exposed"]
    ),
    kind!(
        "edge.provider",
        Edge,
        Host,
        "Edge / CDN in front of public hosts",
        ["edge.provider", "edge.unprotected"]
    ),
    kind!(
        "perf.latency",
        Perf,
        Route,
        "Latency baseline against budget",
        [
            "perf.p95_over_budget",
            "perf.error_rate_over_budget",
            "perf.payload_large"
        ]
    ),
    kind!(
        "perf.load",
        Perf,
        Route,
        "Light load test (asks first)",
        ["perf.p95_over_budget", "perf.error_rate_over_budget"]
    ),
    kind!(
        "uptime.probe",
        Uptime,
        Route,
        "Uptime probes",
        ["uptime.down", "uptime.slow", "uptime.cert_expiring"]
    ),
    kind!(
        "uptime.alert_route",
        Uptime,
        AlertRoute,
        "Alert route delivers",
        ["uptime.alert_route_failed"]
    ),
    kind!(
        "secrets.repo",
        Secrets,
        Repo,
        "No credentials in the working tree",
        ["secrets.exposed", "secrets.dotenv_committed"]
    ),
    kind!(
        "secrets.history",
        Secrets,
        Repo,
        "No credentials in git history",
        ["secrets.in_history"]
    ),
    kind!(
        "secrets.build",
        Secrets,
        BuildOutput,
        "No credentials in the built frontend",
        ["secrets.in_build_output"]
    ),
    kind!(
        "env.inventory",
        Env,
        EnvFiles,
        "Env var inventory across environments",
        [
            "env.missing_var",
            "env.shared_secret",
            "env.client_exposed_secret"
        ]
    ),
    kind!(
        "env.gitignore",
        Env,
        Repo,
        ".env files are ignored by git",
        ["env.not_gitignored"]
    ),
];

/// Looks a kind up by its name (`tls.certificate`).
pub fn kind(name: &str) -> Option<&'static CheckKind> {
    KINDS.iter().find(|k| k.name == name)
}

/// Every finding code of the catalog, in catalog order, without repeats.
pub fn all_codes() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in KINDS {
        for c in k.codes {
            if !out.contains(c) {
                out.push(c);
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
    fn catalog_covers_every_code_of_the_contract() {
        let codes = all_codes();
        // checks.md lists 70 codes across nine families.
        assert_eq!(codes.len(), 70, "{codes:?}");
        assert!(codes.contains(&"email.dkim_revoked"));
        assert!(codes.contains(&"env.not_gitignored"));
    }
}
