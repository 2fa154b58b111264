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
    (
        "uptime.escalation_failed",
        Advice {
            headline: "An unanswered alert did not reach the next person",
            impact: "If the first person misses the alert, the outage goes on with nobody else told.",
            fix: "Check the second alert route and its delay, then run the drill again until the escalation arrives.",
        },
    ),
    (
        "uptime.error_tracking_missing",
        Advice {
            headline: "Errors in visitors' browsers are not recorded",
            impact: "When a page or a form breaks for visitors, nobody finds out until someone complains.",
            fix: "Add an error tracker (Sentry or similar) to the frontend and the server, and check that a test error arrives.",
        },
    ),
];
