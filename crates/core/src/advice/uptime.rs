//! Advice for the `uptime` family: monitored routes and the alert route.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "uptime.down",
        Advice {
            headline: "The site is down",
            impact: "Users cannot use the product right now.",
            fix: "Check the host, the latest deploy and the provider's status page; roll back \
                  the last change if it caused the outage.",
        },
    ),
    (
        "uptime.slow",
        Advice {
            headline: "The site is responding slowly",
            impact: "Users wait longer than the budget for every page right now.",
            fix: "Look at server load and the latest deploy; add capacity or roll back while \
                  you find the cause.",
        },
    ),
    (
        "uptime.alert_route_failed",
        Advice {
            headline: "Outage alerts are not getting through",
            impact: "If the site goes down, nobody is told.",
            fix: "Check the alert webhook address and its stored credential, then send test \
                  alerts until one arrives.",
        },
    ),
    (
        "uptime.cert_expiring",
        Advice {
            headline: "A monitored site's certificate is about to lapse",
            impact: "Once it lapses, browsers block visitors with a security warning.",
            fix: "Renew the certificate and find out why automatic renewal has not run.",
        },
    ),
];
