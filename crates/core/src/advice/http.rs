//! Advice for the `http` family (availability, redirects, headers, caching, exposure) and
//! the `edge` codes that `checks.md` lists beside it.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[
    (
        "http.down",
        Advice {
            headline: "A page of the site cannot be reached",
            impact: "Visitors and clients of this address get a connection error.",
            fix: "Check that the service is running and that its DNS, firewall and load \
                  balancer route traffic to it.",
        },
    ),
    (
        "http.timeout",
        Advice {
            headline: "A page takes too long to answer",
            impact: "Visitors watch a spinner and give up; apps and integrations time out.",
            fix: "Read the server logs for this address and fix the hang, often a stuck \
                  upstream call, a slow query or no free workers.",
        },
    ),
    (
        "http.server_error",
        Advice {
            headline: "A page answers with a server error",
            impact: "Visitors see an error page instead of content.",
            fix: "Find the failing request in the application logs and fix its cause before \
                  launch.",
        },
    ),
    (
        "http.not_redirected_to_https",
        Advice {
            headline: "The site also opens without encryption",
            impact: "Visitors who type the address land on an unencrypted page, where logins \
                     and data can be read or changed on the way.",
            fix: "Redirect every http:// request to https:// with a 301 at the server or CDN.",
        },
    ),
    (
        "http.redirect_loop",
        Advice {
            headline: "A page redirects in circles",
            impact: "Browsers stop with \"too many redirects\" and the page never loads.",
            fix: "Untangle the redirect rules; often the CDN and the server each redirect \
                  between http and https, or between www and the bare domain.",
        },
    ),
    (
        "http.redirect_chain_long",
        Advice {
            headline: "Reaching the site takes several redirects",
            impact: "Each extra hop delays the first page, and search engines may not follow \
                     long chains.",
            fix: "Redirect each entry address straight to the final address in one step.",
        },
    ),
    (
        "http.no_canonical_host",
        Advice {
            headline: "The site answers both with and without www",
            impact: "Search engines see two copies of the site, and logins on one address do \
                     not carry over to the other.",
            fix: "Choose one address and redirect the other to it with a 301.",
        },
    ),
    (
        "http.hsts_missing",
        Advice {
            headline: "Browsers are not told to always use HTTPS",
            impact: "A visitor on a hostile network can be pushed onto an unencrypted \
                     connection before the redirect happens.",
            fix: "Send Strict-Transport-Security: max-age=31536000 on HTTPS responses; add \
                  includeSubDomains once every subdomain serves HTTPS.",
        },
    ),
    (
        "http.hsts_weak",
        Advice {
            headline: "The always-use-HTTPS rule expires too quickly",
            impact: "Browsers forget the rule soon after a visit, which reopens the window \
                     for a downgrade.",
            fix: "Raise the Strict-Transport-Security max-age to at least 15768000 (six \
                  months); one year, 31536000, is common.",
        },
    ),
    (
        "http.mixed_content",
        Advice {
            headline: "Secure pages load insecure content",
            impact: "Browsers block insecure scripts and frames, so parts of the page break, \
                     and warn about insecure forms.",
            fix: "Change the http:// addresses in the page to https://; the CSP directive \
                  upgrade-insecure-requests helps in the meantime.",
        },
    ),
    (
        "http.security_headers_missing",
        Advice {
            headline: "Basic browser protections are not switched on",
            impact: "The site can be framed by other sites to trick clicks, uploaded files can \
                     be treated as scripts, and full page addresses leak to other sites.",
            fix: "Send X-Content-Type-Options: nosniff, a CSP frame-ancestors 'self' (or \
                  X-Frame-Options: DENY) and Referrer-Policy: strict-origin-when-cross-origin.",
        },
    ),
    (
        "http.private_cached",
        Advice {
            headline: "Private pages may be kept by shared caches",
            impact: "A CDN or proxy can hand one user's page, or their login cookie, to \
                     another user.",
            fix: "Send Cache-Control: private, no-store on responses that set cookies or \
                  need a login.",
        },
    ),
    (
        "http.static_uncached",
        Advice {
            headline: "Images, scripts and styles are not cached",
            impact: "Returning visitors download them again, so pages load slower and \
                     bandwidth costs rise.",
            fix: "Send Cache-Control: public, max-age=31536000, immutable on static files \
                  whose names change with each build.",
        },
    ),
    (
        "http.cors_permissive",
        Advice {
            headline: "Any website can read your users' data via the API",
            impact: "A hostile page that a logged-in user visits can call the API with their \
                     session and read the answers.",
            fix: "List only your own sites in Access-Control-Allow-Origin whenever \
                  Access-Control-Allow-Credentials is true.",
        },
    ),
    (
        "http.env_exposed",
        Advice {
            headline: "A file with the site's passwords is downloadable",
            impact: "Anyone can download it and use the database, payment and email keys \
                     inside.",
            fix: "Block /.env and similar files at the server or CDN, remove them from the \
                  web root, and rotate every secret they held.",
        },
    ),
    (
        "http.git_exposed",
        Advice {
            headline: "The site's source code history is downloadable",
            impact: "Anyone can rebuild the source code and its history, including any \
                     secret ever committed.",
            fix: "Deny access to /.git/ at the server or CDN, deploy without the .git \
                  folder, and rotate any secret in the history.",
        },
    ),
    (
        "http.secret_in_bundle",
        Advice {
            headline: "A secret key is sent to every visitor's browser",
            impact: "Anyone can read it from the site's scripts and use the service it \
                     unlocks, at your expense.",
            fix: "Revoke and rotate the key, move the call that needs it to the server, and \
                  redeploy.",
        },
    ),
    (
        "http.sourcemap_exposed",
        Advice {
            headline: "The site's original front-end code is public",
            impact: "Anyone can read the front-end source as it was written, with its \
                     comments and internal routes, which helps attackers look for weak spots.",
            fix: "Stop publishing .map files in production, or upload them privately to the \
                  error tracker instead.",
        },
    ),
    (
        "http.debug_exposed",
        Advice {
            headline: "An error page shows the site's insides",
            impact: "A visitor who triggers an error sees stack traces, source paths or a framework debug page, a map for anyone probing the site.",
            fix: "Turn off debug mode in production and serve a plain error page; send the details to the error tracker instead.",
        },
    ),
    (
        "http.cors_wildcard",
        Advice {
            headline: "Any website may call this API from a visitor's browser",
            impact: "An API that sets cookies or needs a login answers every origin, so other sites can read what it returns unless that was meant.",
            fix: "Answer only the product's own origins, or record in the session why this API is meant to be public.",
        },
    ),
    (
        "http.no_payload_limit",
        Advice {
            headline: "A public form accepts uploads of any size",
            impact: "One visitor can send huge bodies until the server runs out of memory or disk and the site stops answering.",
            fix: "Set a body size limit at the edge and in the app (a few megabytes unless the route takes uploads).",
        },
    ),
    (
        "edge.provider",
        Advice {
            headline: "Which CDN or edge network fronts the site",
            impact: "Nothing breaks; this shows where caching, HTTPS and firewall settings \
                     are managed.",
            fix: "No change needed; record the provider in the handover and make sure the \
                  team holds a working login for it.",
        },
    ),
    (
        "edge.no_rate_limit",
        Advice {
            headline: "Log-in and sign-up can be hammered without limit",
            impact: "Anyone can try passwords or create accounts as fast as the server answers, which invites account takeover and spam.",
            fix: "Add a rate limit on log-in, sign-up and password reset at the edge or in the app, answering 429 past a few tries a minute.",
        },
    ),
    (
        "edge.unprotected",
        Advice {
            headline: "No CDN or attack shield stands in front of the site",
            impact: "A traffic spike or a flood attack hits the server directly and can take \
                     the site down.",
            fix: "Put the host behind a CDN such as Cloudflare, Fastly or CloudFront, and let \
                  the server accept traffic only from it.",
        },
    ),
];
