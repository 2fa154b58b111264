//! Plain words for every finding code: what breaks for users when it stays open, and the
//! fix. The risk list, presenter mode and the handover pack speak with these instead of
//! raw codes.

/// What a finding means for the product's users, and what to do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Advice {
    /// A short plain-language headline (no code, no jargon where avoidable).
    pub headline: &'static str,
    /// What breaks for users (or the business) while it stays open.
    pub impact: &'static str,
    /// What to do, in one or two sentences.
    pub fix: &'static str,
}

/// The advice for `code` (`dns.unresolvable`); a family-level fallback for codes without
/// their own entry, so callers never have to show a raw code.
pub fn for_code(code: &str) -> Advice {
    let family = code.split('.').next().unwrap_or(code);
    match family {
        "dns" => Advice {
            headline: "A DNS problem",
            impact: "Visitors may not reach the site, or reach the wrong place.",
            fix: "Correct the records at the DNS provider.",
        },
        "email" => Advice {
            headline: "An email authentication problem",
            impact: "Sign-up and password-reset emails may land in spam or be spoofed.",
            fix: "Publish correct SPF, DKIM and DMARC records for the sending domain.",
        },
        "tls" => Advice {
            headline: "A certificate problem",
            impact: "Browsers may warn visitors away or refuse to connect.",
            fix: "Renew or reconfigure the certificate on the edge or host.",
        },
        "http" => Advice {
            headline: "A web page problem",
            impact: "Pages may be unsafe, slow or unreachable for visitors.",
            fix: "Adjust the server or edge configuration for these pages.",
        },
        "edge" => Advice {
            headline: "An edge or exposure problem",
            impact: "Attackers may reach internals or bypass protection.",
            fix: "Close the exposed path or put it behind the edge.",
        },
        "perf" => Advice {
            headline: "A performance problem",
            impact: "Users wait too long or see errors under load.",
            fix: "Profile the slow route and fix the first bottleneck.",
        },
        "uptime" => Advice {
            headline: "A monitoring problem",
            impact: "An outage may go unnoticed.",
            fix: "Fix the monitored route or the alert route.",
        },
        "secrets" => Advice {
            headline: "A leaked secret",
            impact: "Anyone who finds it can use the service as the product.",
            fix: "Revoke and rotate the secret, then remove it from code and history.",
        },
        "env" => Advice {
            headline: "An environment configuration problem",
            impact: "A deployment may start with missing or shared configuration.",
            fix: "Complete and separate each environment's variables.",
        },
        "cloudflare" => Advice {
            headline: "A Cloudflare zone setting",
            impact: "The edge may not protect or encrypt traffic as intended.",
            fix: "Change the setting in the Cloudflare dashboard.",
        },
        _ => Advice {
            headline: "A launch risk",
            impact: "See the evidence for what is affected.",
            fix: "See the check's guidance.",
        },
    }
}
