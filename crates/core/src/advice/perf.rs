//! Advice for the `perf` family: latency and error budgets, payload size.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "perf.p95_over_budget",
        Advice {
            headline: "Pages are slower than the target",
            impact: "One request in twenty takes longer than the budget, so users notice lag \
                     and some give up.",
            fix: "Profile the slow route and fix its largest cost first (a query, an upstream \
                  call, a missing cache), then measure again.",
        },
    ),
    (
        "perf.error_rate_over_budget",
        Advice {
            headline: "Too many requests fail",
            impact: "More users than the target hit errors, which shows up as failed sign-ups, \
                     payments or saves.",
            fix: "Take the most frequent error kind from the evidence, find its cause in the \
                  server logs, fix it and run the test again.",
        },
    ),
    (
        "perf.payload_large",
        Advice {
            headline: "A response is very large",
            impact: "Visitors on slow or mobile connections wait long for it and pay for the \
                     data.",
            fix: "Compress it (gzip or brotli), paginate or trim the data returned, and load \
                  what is not needed at once later.",
        },
    ),
];
