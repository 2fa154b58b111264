//! Advice for the `cloudflare` family: zone settings read through the API.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "cloudflare.token_rejected",
        Advice {
            headline: "The Cloudflare access token does not work",
            impact: "The zone's settings cannot be checked, so their risks stay unknown.",
            fix: "Create a read-only Cloudflare API token with Zone, Zone Settings and DNS \
                  read access for the zone, and store it again.",
        },
    ),
    (
        "cloudflare.zone_missing",
        Advice {
            headline: "Cloudflare does not hold this domain for that account",
            impact: "The zone's settings cannot be checked, or the domain is not on \
                     Cloudflare as assumed.",
            fix: "Use a token from the account that holds the zone, or add the domain to \
                  Cloudflare.",
        },
    ),
    (
        "cloudflare.ssl_not_strict",
        Advice {
            headline: "Traffic from Cloudflare to your server is not secured",
            impact: "Logins and data travel unencrypted or unverified between Cloudflare and \
                     the server, where they can be read or altered.",
            fix: "Install a certificate on the server (a Cloudflare Origin CA one will do) and \
                  set the SSL/TLS mode to Full (strict).",
        },
    ),
    (
        "cloudflare.always_https_off",
        Advice {
            headline: "Cloudflare does not force HTTPS",
            impact: "Visitors who follow an http:// link stay on an unencrypted page.",
            fix: "Turn on Always Use HTTPS under SSL/TLS, Edge Certificates.",
        },
    ),
    (
        "cloudflare.min_tls_old",
        Advice {
            headline: "Cloudflare still allows outdated encryption",
            impact: "Clients may connect with TLS 1.0 or 1.1, which have known weaknesses and \
                     fail compliance scans.",
            fix: "Set Minimum TLS Version to 1.2 under SSL/TLS, Edge Certificates.",
        },
    ),
    (
        "cloudflare.record_unproxied",
        Advice {
            headline: "A web address bypasses Cloudflare's protection",
            impact: "Its DNS record reveals the server's own address, so attackers can reach \
                     it directly, past the firewall and attack protection.",
            fix: "Switch the record to Proxied (orange cloud) in the DNS settings, then let \
                  the server accept traffic only from Cloudflare's IP ranges.",
        },
    ),
    (
        "cloudflare.development_mode",
        Advice {
            headline: "Cloudflare caching is paused (development mode)",
            impact: "Every request goes to the server, so pages are slower and the server \
                     carries the full load.",
            fix: "Turn Development Mode off under Caching, Configuration; it also switches \
                  itself off after three hours.",
        },
    ),
    (
        "cloudflare.no_rate_limit",
        Advice {
            headline: "Login and API have no limit on request rates",
            impact: "Bots can guess passwords or flood the API as fast as they like.",
            fix: "Add a Cloudflare rate limiting rule for the login, sign-up and API paths, \
                  for example a cap per IP address per minute.",
        },
    ),
    (
        "cloudflare.security_level_off",
        Advice {
            headline: "Cloudflare's bot and threat filtering is off",
            impact: "Known bad addresses and automated traffic reach the site unchallenged.",
            fix: "Set the Security Level to Medium or higher, or turn on Bot Fight Mode, in \
                  the Security settings.",
        },
    ),
    (
        "cloudflare.no_static_cache_rule",
        Advice {
            headline: "Cloudflare is not told to cache static files",
            impact: "Static files are fetched from the server more often than needed, which \
                     slows pages and adds load.",
            fix: "Add a Cache Rule for static asset paths with an edge and browser lifetime, \
                  or send Cache-Control from the server.",
        },
    ),
    (
        "cloudflare.scope_missing",
        Advice {
            headline: "Some Cloudflare settings could not be read",
            impact: "Risks in those settings stay unknown until the token may read them.",
            fix: "Add the read permission named in the evidence to the API token and run the \
                  check again.",
        },
    ),
];
