//! How a frontend error-tracking SDK shows in a page, a script or a response header:
//! its loader's host, its package name or its init call. Pure text matching.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::sync::LazyLock;

/// Markers, each with the SDK it names. Matched without regard to ASCII case.
const MARKERS: &[(&str, &str)] = &[
    ("browser.sentry-cdn.com", "Sentry"),
    ("@sentry/", "Sentry"),
    ("sentry.init(", "Sentry"),
    ("ingest.sentry.io", "Sentry"),
    ("__sentry__", "Sentry"),
    ("sentry-trace", "Sentry"),
    ("bugsnag.start(", "Bugsnag"),
    ("@bugsnag/", "Bugsnag"),
    ("bugsnag.min.js", "Bugsnag"),
    ("notify.bugsnag.com", "Bugsnag"),
    ("_rollbarconfig", "Rollbar"),
    ("rollbar.min.js", "Rollbar"),
    ("api.rollbar.com", "Rollbar"),
    ("datadoghq-browser-agent.com", "Datadog RUM"),
    ("@datadog/browser-rum", "Datadog RUM"),
    ("dd_rum", "Datadog RUM"),
    ("x-datadog-trace-id", "Datadog RUM"),
    ("logrocket.init(", "LogRocket"),
    ("cdn.logrocket.io", "LogRocket"),
    ("cdn.lr-ingest.io", "LogRocket"),
    ("highlight.run", "Highlight"),
    ("@highlight-run/", "Highlight"),
    ("js-agent.newrelic.com", "New Relic browser"),
    ("bam.nr-data.net", "New Relic browser"),
    ("nreum", "New Relic browser"),
    ("x-newrelic-app-data", "New Relic browser"),
    ("cdn.trackjs.com", "TrackJS"),
    ("trackjs.install(", "TrackJS"),
    ("cdn.raygun.io", "Raygun"),
    ("rg4js(", "Raygun"),
    ("js.honeybadger.io", "Honeybadger"),
    ("@honeybadger-io/", "Honeybadger"),
    ("@elastic/apm-rum", "Elastic APM RUM"),
    ("@appsignal/javascript", "AppSignal"),
];

static MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .build(MARKERS.iter().map(|(m, _)| *m))
        .expect("the markers are plain strings")
});

/// The SDKs `text` shows, each once, in the order first seen.
pub fn sdks(text: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    for m in MATCHER.find_iter(text) {
        let sdk = MARKERS[m.pattern().as_usize()].1;
        if !out.contains(&sdk) {
            out.push(sdk);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn loaders_packages_and_init_calls_are_named() {
        assert_eq!(
            sdks("<script src=\"https://browser.sentry-cdn.com/8.0.0/bundle.min.js\"></script>"),
            ["Sentry"]
        );
        assert_eq!(
            sdks("Sentry.init({dsn:\"https://k@o1.ingest.sentry.io/1\"});"),
            ["Sentry"]
        );
        assert_eq!(sdks("window._rollbarConfig={accessToken:'x'}"), ["Rollbar"]);
        assert_eq!(sdks("Bugsnag.start({ apiKey: 'x' })"), ["Bugsnag"]);
        assert_eq!(
            sdks("LogRocket.init('a/b'); window.DD_RUM && DD_RUM.init({})"),
            ["LogRocket", "Datadog RUM"]
        );
        assert_eq!(sdks(";window.NREUM||(NREUM={});"), ["New Relic browser"]);
    }

    #[test]
    fn ordinary_pages_name_none() {
        assert!(sdks("<script src=\"/assets/app.js\"></script><h1>Brightdesk</h1>").is_empty());
        assert!(sdks("We track errors carefully and roll back fast.").is_empty());
    }

    proptest! {
        #[test]
        fn a_marker_is_found_anywhere(before in "[a-z <>=\"]{0,200}", after in "[a-z <>=\"]{0,200}") {
            let text = format!("{before}Sentry.init({{}}){after}");
            prop_assert!(sdks(&text).contains(&"Sentry"));
        }

        #[test]
        fn never_panics(text in "\\PC{0,300}") {
            let _ = sdks(&text);
        }
    }
}
