//! The families of checks, as `checks.md` groups them. A leaf of the core: the kind table,
//! the finding codes and the findings all name a family.

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
    Cloudflare,
    /// Flows: ordered requests (log in, then a protected route) run after each deploy.
    Smoke,
}

impl Family {
    pub const ALL: [Family; 11] = [
        Family::Dns,
        Family::Email,
        Family::Tls,
        Family::Http,
        Family::Edge,
        Family::Perf,
        Family::Uptime,
        Family::Secrets,
        Family::Env,
        Family::Cloudflare,
        Family::Smoke,
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
            Family::Cloudflare => "cloudflare",
            Family::Smoke => "smoke",
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
