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
    (
        "perf.uncompressed",
        Advice {
            headline: "Text is sent without compression",
            impact: "Pages, scripts and styles take several times longer to arrive than they need to, most of all on phones.",
            fix: "Turn on gzip or Brotli for HTML, CSS, JavaScript and JSON at the edge or in the web server.",
        },
    ),
    (
        "perf.lighthouse_score_low",
        Advice {
            headline: "The page scores low for speed on a phone",
            impact: "Visitors on mobile wait for the page and search engines rank it lower.",
            fix: "Work through Lighthouse's top opportunities in the evidence, largest saving first, and measure again.",
        },
    ),
    (
        "perf.lcp_over_budget",
        Advice {
            headline: "The main content appears late on a phone",
            impact: "Visitors look at a blank or half-drawn page for seconds, and many leave before it shows.",
            fix: "Make the largest element (usually the hero image or headline) load first: smaller image, preloaded, no blocking scripts ahead of it.",
        },
    ),
    (
        "perf.cls_over_budget",
        Advice {
            headline: "The page jumps while it loads",
            impact: "Text and buttons move under the visitor's finger as fonts, images or banners arrive, causing mis-taps.",
            fix: "Reserve space for images, embeds and banners (width and height, fixed slots) and load fonts without reflow.",
        },
    ),
    (
        "perf.tbt_over_budget",
        Advice {
            headline: "The page freezes while scripts run",
            impact: "Taps and clicks do nothing for a moment after the page appears, which feels broken.",
            fix: "Ship less JavaScript on first load: split bundles, defer what is not needed at once, drop unused libraries.",
        },
    ),
    (
        "perf.images_unoptimized",
        Advice {
            headline: "Images are heavier than they need to be",
            impact: "Phones download far more than they display, which slows the page and costs visitors data.",
            fix: "Serve images sized for the screen in a modern format (WebP or AVIF) and compress them.",
        },
    ),
];
