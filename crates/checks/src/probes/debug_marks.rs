//! What debug output looks like in a response body: framework debug pages, stack traces
//! and server source paths. Pure text matching, so it is tested on its own.
//!
//! Fixed phrases that only a framework's debug page prints go through one aho-corasick
//! pass; stack-trace lines and source paths, whose shape matters more than their words,
//! through a few anchored regexes. Each match names its signature, which is what the
//! finding and the evidence show: never the whole body.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use std::sync::LazyLock;

/// Phrases a debug page prints, each with the signature it names.
const PHRASES: &[(&str, &str)] = &[
    ("Werkzeug Debugger", "Werkzeug debugger"),
    (
        "The debugger caught an exception in your WSGI application",
        "Werkzeug debugger",
    ),
    ("werkzeug.debug", "Werkzeug debugger"),
    (
        "You're seeing this error because you have <code>DEBUG = True</code>",
        "Django debug page",
    ),
    ("DEBUG = True", "Django debug page"),
    ("Django Version:", "Django debug page"),
    ("Action Controller: Exception caught", "Rails error page"),
    ("Rails.root:", "Rails error page"),
    ("Application Trace", "Rails error page"),
    ("Whoops! There was an error", "Whoops error page"),
    ("Whoops\\Handler", "Whoops error page"),
    ("Illuminate\\", "Laravel stack trace"),
    ("Facade\\Ignition", "Laravel Ignition page"),
    ("Spatie\\LaravelIgnition", "Laravel Ignition page"),
    ("Symfony\\Component\\", "Symfony stack trace"),
    ("Server Error in '/' Application", "ASP.NET error page"),
    (
        "ASP.NET is configured to show verbose error messages",
        "ASP.NET error page",
    ),
    ("Version Information: Microsoft .NET", "ASP.NET error page"),
    ("nextjs__container_errors", "Next.js dev overlay"),
    ("data-nextjs-dialog", "Next.js dev overlay"),
    ("webpack-internal:///", "Next.js dev overlay"),
    ("Traceback (most recent call last):", "Python traceback"),
    ("goroutine 1 [running]:", "Go panic"),
    ("Exception in thread \"", "Java stack trace"),
];

static PHRASE_MATCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(false)
        .match_kind(MatchKind::LeftmostFirst)
        .build(PHRASES.iter().map(|(p, _)| *p))
        .expect("the phrases are plain strings")
});

/// Shapes of a stack-trace line or a server path, each with the signature it names.
static SHAPES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let shapes: &[(&str, &str)] = &[
        // Node: `at handler (/srv/app/routes/login.js:42:13)` or `at /app/server.js:7:3`.
        (
            r"\bat (?:[\w$.<>\[\] ]+ \()?(?:/|[A-Za-z]:\\)[^\s():]+\.(?:m?js|cjs|ts|tsx|jsx):\d+:\d+\)?",
            "Node.js stack trace",
        ),
        // Java: `at com.acme.Login.handle(Login.java:42)`.
        (
            r"\bat (?:[a-zA-Z_$][\w$]*\.)+[\w$<>]+\((?:[\w$]+\.(?:java|kt|scala)):\d+\)",
            "Java stack trace",
        ),
        // PHP: `Fatal error: Uncaught … in /var/www/html/index.php on line 12`.
        (
            r"(?:Fatal error|Parse error|Warning|Notice|Deprecated)(?:</b>)?:.{0,300}? in (?:<b>)?(?:/|[A-Za-z]:\\)[^\s<]+\.php(?:</b>)? on line",
            "PHP error with server path",
        ),
        // Python frames: `File "/app/views.py", line 12, in login`.
        (
            r#"File "(?:/|[A-Za-z]:\\)[^"]+\.py", line \d+"#,
            "Python traceback",
        ),
        // Ruby: `/app/controllers/sessions_controller.rb:12:in 'create'`.
        (r"(?:/[\w.@-]+)+\.rb:\d+:in ", "Ruby backtrace"),
        // .NET: `at Acme.Web.Login.Post() in C:\src\Acme\Login.cs:line 42`.
        (
            r"\bat [\w.`<>]+\(.*?\) in [^\s]+\.cs:line \d+",
            ".NET stack trace",
        ),
        // A server source path under the usual deploy roots.
        (
            r"(?:/home/[\w.-]+|/var/www|/usr/src/app|/srv/[\w.-]+|/opt/[\w.-]+|/app)/[\w./@-]*\.(?:py|rb|php|js|ts|java|go|cs|ex)\b",
            "server source path",
        ),
        (
            r"[A-Za-z]:\\(?:inetpub|Users|wwwroot|Projects|src)\\[\w .\\-]+\.(?:cs|vb|aspx|php|js|py)\b",
            "server source path",
        ),
    ];
    shapes
        .iter()
        .map(|(re, name)| (Regex::new(re).expect("the shapes are valid regexes"), *name))
        .collect()
});

/// One signature found in a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub signature: &'static str,
    /// Byte offset of the first match.
    pub at: usize,
}

/// Every signature `body` shows, each once, in the order first seen.
pub fn marks(body: &str) -> Vec<Mark> {
    let mut out: Vec<Mark> = Vec::new();
    let mut add = |signature: &'static str, at: usize| match out
        .iter_mut()
        .find(|m| m.signature == signature)
    {
        Some(m) => m.at = m.at.min(at),
        None => out.push(Mark { signature, at }),
    };
    for m in PHRASE_MATCHER.find_iter(body) {
        add(PHRASES[m.pattern().as_usize()].1, m.start());
    }
    for (re, name) in SHAPES.iter() {
        if let Some(m) = re.find(body) {
            add(name, m.start());
        }
    }
    out.sort_by_key(|m| m.at);
    // A path inside a trace says nothing the trace does not.
    if out.len() > 1 {
        out.retain(|m| m.signature != "server source path");
    }
    out
}

/// About `width` characters of `body` around byte `at`, on one line.
pub fn excerpt(body: &str, at: usize, width: usize) -> String {
    let start = floor_char(body, at.saturating_sub(width / 4));
    let end = floor_char(body, (start + width).min(body.len()));
    body[start..end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn names(body: &str) -> Vec<&'static str> {
        marks(body).into_iter().map(|m| m.signature).collect()
    }

    #[test]
    fn each_framework_is_named() {
        let cases: &[(&str, &str)] = &[
            (
                "<title>TypeError // Werkzeug Debugger</title>",
                "Werkzeug debugger",
            ),
            (
                "<p>You're seeing this error because you have <code>DEBUG = True</code> in your settings</p>",
                "Django debug page",
            ),
            (
                "<h1>Action Controller: Exception caught</h1>",
                "Rails error page",
            ),
            (
                "<div class=\"Whoops container\">Whoops! There was an error.</div>",
                "Whoops error page",
            ),
            (
                "<h1>Server Error in '/' Application.</h1>",
                "ASP.NET error page",
            ),
            (
                "<nextjs-portal><div data-nextjs-dialog>",
                "Next.js dev overlay",
            ),
            (
                "Error: boom\n    at login (/srv/app/routes/login.js:42:13)\n",
                "Node.js stack trace",
            ),
            (
                "java.lang.NullPointerException\n\tat com.acme.web.Login.handle(Login.java:42)\n",
                "Java stack trace",
            ),
            (
                "<b>Fatal error</b>: Uncaught Error in <b>/var/www/html/index.php</b> on line <b>12</b>",
                "PHP error with server path",
            ),
            (
                "Traceback (most recent call last):\n  File \"/app/views.py\", line 12, in login\n",
                "Python traceback",
            ),
            (
                "{\"error\":\"see /usr/src/app/server.js\"}",
                "server source path",
            ),
        ];
        for (body, want) in cases {
            assert!(
                names(body).contains(want),
                "{want} in {body}: {:?}",
                names(body)
            );
        }
    }

    #[test]
    fn plain_error_pages_show_nothing() {
        for body in [
            "<!doctype html><title>Not found</title><h1>Not found</h1>",
            "{\"error\":\"invalid JSON\",\"status\":400}",
            "<h1>Internal Server Error</h1><p>Something went wrong. Try again at 12:30.</p>",
            "Visit https://example.com/app/login for help",
        ] {
            assert!(marks(body).is_empty(), "{body}: {:?}", names(body));
        }
    }

    #[test]
    fn excerpts_stay_on_char_boundaries_and_one_line() {
        let body = "ééé\nTraceback (most recent call last):\n\tFile";
        let at = body.find("Traceback").unwrap();
        let e = excerpt(body, at, 30);
        assert!(e.contains("Traceback") && !e.contains('\n'), "{e}");
        assert_eq!(excerpt("", 5, 10), "");
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(body in "\\PC{0,400}", at in 0usize..500) {
            let found = marks(&body);
            for m in found {
                prop_assert!(m.at <= body.len());
            }
            let _ = excerpt(&body, at, 40);
        }

        #[test]
        fn prose_without_paths_or_traces_is_clean(body in "[A-Za-z ,.!?]{0,400}") {
            prop_assert!(marks(&body).is_empty(), "{:?}", names(&body));
        }

        #[test]
        fn a_trace_is_found_wherever_it_sits(
            before in "[A-Za-z <>=\"]{0,200}",
            after in "[A-Za-z <>=\"]{0,200}",
            line in 1u32..100_000,
        ) {
            let body = format!(
                "{before}Traceback (most recent call last):\n  File \"/srv/api/app.py\", line {line}, in x{after}"
            );
            prop_assert!(names(&body).contains(&"Python traceback"));
        }
    }
}
