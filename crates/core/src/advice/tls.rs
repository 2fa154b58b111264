//! Advice for the `tls` family: certificates and protocol versions.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "tls.unreachable",
        Advice {
            headline: "The site does not answer securely (HTTPS)",
            impact: "Browsers cannot open a secure connection, so visitors see an error \
                     instead of the site.",
            fix: "Make sure the host listens on port 443 with a certificate installed and \
                  that firewalls let the traffic through.",
        },
    ),
    (
        "tls.expired",
        Advice {
            headline: "The site's security certificate has expired",
            impact: "Browsers show a full-page security warning, and most visitors and API \
                     clients stop there.",
            fix: "Renew the certificate now and set up automatic renewal (ACME such as \
                  Let's Encrypt, or the CDN's managed certificate).",
        },
    ),
    (
        "tls.not_yet_valid",
        Advice {
            headline: "The site's certificate is not valid yet",
            impact: "Browsers reject it just as they would an expired one until its start \
                     date passes.",
            fix: "Install a certificate whose start date has passed, and check the clock of \
                  the machine that issued it.",
        },
    ),
    (
        "tls.expiring_soon",
        Advice {
            headline: "The site's certificate expires soon",
            impact: "When it lapses, browsers block visitors with a security warning.",
            fix: "Renew it now and confirm that automatic renewal works before launch.",
        },
    ),
    (
        "tls.hostname_mismatch",
        Advice {
            headline: "The certificate is for a different address",
            impact: "Browsers warn that the site may be an impostor, and most visitors turn \
                     back.",
            fix: "Issue a certificate whose names (SANs) include this host, or a wildcard \
                  that covers it.",
        },
    ),
    (
        "tls.untrusted",
        Advice {
            headline: "Browsers do not trust the site's certificate",
            impact: "Visitors get a security warning, and apps and API clients refuse to \
                     connect.",
            fix: "Replace the self-signed or private certificate with one from a public \
                  authority, such as Let's Encrypt or the CDN's.",
        },
    ),
    (
        "tls.incomplete_chain",
        Advice {
            headline: "The certificate is missing a link in its chain",
            impact: "Some browsers, phones and API clients cannot verify it and refuse to \
                     connect, while others work, which makes failures hard to reproduce.",
            fix: "Serve the full chain (the certificate plus its intermediates, often \
                  fullchain.pem) instead of the certificate alone.",
        },
    ),
    (
        "tls.weak_key",
        Advice {
            headline: "The certificate's key is too weak",
            impact: "A short key can be broken with enough effort, and browsers and \
                     compliance scans flag it.",
            fix: "Reissue the certificate with an RSA key of 2048 bits or more, or an ECDSA \
                  P-256 key.",
        },
    ),
    (
        "tls.old_protocol",
        Advice {
            headline: "The site still accepts outdated encryption",
            impact: "TLS 1.0 and 1.1 have known weaknesses and fail compliance scans, and no \
                     current browser needs them.",
            fix: "Set the minimum TLS version to 1.2 on the server, load balancer or CDN.",
        },
    ),
];
