//! What each lab host answers: the fictional product Brightdesk (`brightdesk.test` and its
//! role hosts) with a realistic mix of right and wrong settings, the well-configured
//! `good.lab.test` pair, and one host per certificate or transport defect.
//!
//! Routing is a pure function of (scheme, host, path, request headers) so the site can be
//! read as one table; the server module only does the IO. Credentials served by broken
//! hosts are fake and assembled at run time, so no credential shape sits in the source.

use super::ca::CertProfile;

/// One lab host: its name, what it demonstrates, and its certificate.
pub struct HostSpec {
    pub host: &'static str,
    pub demonstrates: &'static str,
    pub cert: CertProfile,
}

/// Every host the lab serves.
pub const HOSTS: &[HostSpec] = &[
    HostSpec {
        host: "good.lab.test",
        demonstrates: "well configured: valid chain, HSTS 2 years, all security headers, cached assets, text gzipped when asked, behind an edge, an error tracker in its script; POST /api/login answers 429 after five tries, POST /api/uploads 413 over 10 MiB, /api/status a wildcard on public data; no finding",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "www.good.lab.test",
        demonstrates: "well configured www: one-hop redirect to good.lab.test",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "brightdesk.test",
        demonstrates: "Brightdesk apex: plain HTTP served, weak HSTS, Referrer-Policy missing, mixed content, secret and source map in the bundle, uncached assets, a 60 KiB stylesheet sent uncompressed, behind Cloudflare",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "www.brightdesk.test",
        demonstrates: "Brightdesk www: serves the same site and bundle as the apex (no canonical host), no HSTS; web-vitals pages under /vitals/",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "app.brightdesk.test",
        demonstrates: "Brightdesk app: two-hop redirect to the login page, login page with a cookie marked public",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "api.brightdesk.test",
        demonstrates: "Brightdesk API: CORS reflects any origin with credentials, /api/me answers `*` while asking for a login; POST /api/login never pushes back and prints an Express stack for malformed JSON; POST /api/uploads takes any size; perf routes /api/slow (400 ms), /api/flaky (one 503 in ten), POST /api/projects (write) and /api/export (1.5 MiB)",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "admin.brightdesk.test",
        demonstrates: "Brightdesk admin: /.env and /.git served",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "staging.brightdesk.test",
        demonstrates: "Brightdesk staging: open to anyone without a login, 500 server error on /api/health, no edge in front",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "preview.brightdesk.test",
        demonstrates: "Brightdesk preview: asks for a login (401), as a staging host should",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "help.brightdesk.test",
        demonstrates: "Brightdesk help: redirect loop between http and https",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "cdn.brightdesk.test",
        demonstrates: "Brightdesk CDN: the widget script the apex loads over plain HTTP",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "expired.lab.test",
        demonstrates: "certificate expired ten days ago",
        cert: CertProfile::Expired,
    },
    HostSpec {
        host: "not-yet-valid.lab.test",
        demonstrates: "certificate valid only from ten days ahead",
        cert: CertProfile::NotYetValid,
    },
    HostSpec {
        host: "expiring.lab.test",
        demonstrates: "certificate expires in ten days",
        cert: CertProfile::ExpiringSoon,
    },
    HostSpec {
        host: "wrong-name.lab.test",
        demonstrates: "certificate for another name",
        cert: CertProfile::WrongName,
    },
    HostSpec {
        host: "self-signed.lab.test",
        demonstrates: "self-signed certificate",
        cert: CertProfile::SelfSigned,
    },
    HostSpec {
        host: "no-intermediate.lab.test",
        demonstrates: "server omits the intermediate certificate",
        cert: CertProfile::NoIntermediate,
    },
    HostSpec {
        host: "weak-key.lab.test",
        demonstrates: "chain with an RSA-1024 intermediate",
        cert: CertProfile::WeakKey,
    },
    HostSpec {
        host: "old-tls.lab.test",
        demonstrates: "accepts TLS 1.0 and 1.1 (on the lab's old-TLS port)",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "slow.lab.test",
        demonstrates: "accepts requests and never answers (timeout)",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "down.lab.test",
        demonstrates: "nothing listens (connection refused)",
        cert: CertProfile::Valid,
    },
    HostSpec {
        host: "escape.lab.test",
        demonstrates: "terminal escape sequences in the certificate subject and in served text",
        cert: CertProfile::EscapeInSubject,
    },
];

/// A response to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Never answer (until the lab shuts down).
    pub hang: bool,
    /// Answer after this many milliseconds.
    pub delay_ms: u64,
}

impl Reply {
    pub(crate) fn new(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            hang: false,
            delay_ms: 0,
        }
    }

    pub(crate) fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.to_string(), v.to_string()));
        self
    }

    pub(crate) fn body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self.header("content-type", content_type)
    }

    fn redirect(status: u16, location: &str) -> Reply {
        Reply::new(status)
            .header("location", location)
            .body("text/plain", "moved\n")
    }

    fn not_found() -> Reply {
        Reply::new(404).body(
            "text/html; charset=utf-8",
            "<!doctype html><title>Not found</title><h1>Not found</h1>",
        )
    }

    /// Security headers of a well-run site.
    pub(crate) fn hardened(self) -> Reply {
        self.header(
            "strict-transport-security",
            "max-age=63072000; includeSubDomains; preload",
        )
        .header("x-content-type-options", "nosniff")
        .header("x-frame-options", "DENY")
        .header(
            "content-security-policy",
            "default-src 'self'; frame-ancestors 'none'",
        )
        .header("referrer-policy", "strict-origin-when-cross-origin")
    }

    /// The headers a Cloudflare-fronted response carries.
    pub(crate) fn edge(self) -> Reply {
        self.header("server", "cloudflare")
            .header("cf-ray", "8f1d2c3b4a5e6f70-LAB")
    }

    fn immutable(self) -> Reply {
        self.header("cache-control", "public, max-age=31536000, immutable")
    }
}

/// A request as the router sees it.
pub struct Request<'a> {
    pub https: bool,
    pub host: &'a str,
    pub path: &'a str,
    pub origin: Option<&'a str>,
    pub method: &'a str,
    /// How many requests for this scheme, host and path the lab has had, this one
    /// included (what the flaky route counts by).
    pub seq: usize,
    /// The encodings the client accepts (`gzip, br`), as sent.
    pub accept_encoding: Option<&'a str>,
    /// The `Cookie` and `Authorization` headers (the flows' logins and forms).
    pub cookie: Option<&'a str>,
    pub authorization: Option<&'a str>,
    /// The body as far as the server read it.
    pub body: &'a [u8],
    /// The body's declared length.
    pub content_length: usize,
    /// The lab's flow switch is set: the protected route is broken (see `flows`).
    pub flows_broken: bool,
}

/// The reply of the lab to `req`, compressed where the host does so (`compress`).
pub fn route(req: &Request<'_>) -> Reply {
    let mut r = answer(req);
    super::compress::negotiate(req.host, req.accept_encoding, &mut r.headers, &mut r.body);
    r
}

/// The reply of the lab to `req`, as the host's application writes it.
fn answer(req: &Request<'_>) -> Reply {
    let host = req
        .host
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let path = req.path.split('?').next().unwrap_or("/");
    match host.as_str() {
        "good.lab.test" | "old-tls.lab.test" => good(req.https, &host, path),
        "www.good.lab.test" => Reply::redirect(301, &format!("https://good.lab.test{path}")).edge(),
        "brightdesk.test" => apex(req.https, path),
        // Proxied like the apex: in the demo only staging bypasses the edge.
        "www.brightdesk.test" if req.https => vitals_page(path)
            .or_else(|| apex_asset(path))
            .unwrap_or_else(|| marketing_page("www.brightdesk.test"))
            .edge(),
        "www.brightdesk.test" => {
            Reply::redirect(301, &format!("https://www.brightdesk.test{path}"))
        }
        "app.brightdesk.test" => app(req.https, path),
        "api.brightdesk.test" => api(req, path),
        "admin.brightdesk.test" => admin(req.https, path),
        "staging.brightdesk.test" => staging(path),
        "preview.brightdesk.test" => Reply::new(401)
            .header("www-authenticate", "Basic realm=\"preview\"")
            .header("cache-control", "no-store")
            .body("text/plain", "login required\n"),
        "help.brightdesk.test" if req.https => Reply::redirect(302, "http://help.brightdesk.test/"),
        "help.brightdesk.test" => Reply::redirect(301, "https://help.brightdesk.test/"),
        "cdn.brightdesk.test" => Reply::new(200)
            .body("text/javascript", "window.bdWidget=1;\n")
            .header("cache-control", "public, max-age=3600"),
        "slow.lab.test" => Reply {
            hang: true,
            ..Reply::new(200)
        },
        "escape.lab.test" => escape(path),
        h if HOSTS.iter().any(|s| s.host == h) => good(req.https, h, path),
        _ => Reply::new(421).body("text/plain", "unknown host\n"),
    }
}

/// A page of the web-vitals set (`vitals`), as the lab's reply.
fn vitals_page(path: &str) -> Option<Reply> {
    super::vitals::reply(path).map(|p| Reply {
        delay_ms: p.delay_ms,
        ..Reply::new(200)
            .body(p.content_type, p.body)
            .header("cache-control", "no-cache")
    })
}

fn good(https: bool, host: &str, path: &str) -> Reply {
    if !https {
        return Reply::redirect(301, &format!("https://{host}{path}")).edge();
    }
    let r = match path {
        "/" => Reply::new(200)
            .body(
                "text/html; charset=utf-8",
                "<!doctype html><html><head><title>Good</title>\
                 <link rel=\"stylesheet\" href=\"/static/site.css\">\
                 <link rel=\"icon\" href=\"/static/logo.png\">\
                 <script src=\"/static/app.js\" defer></script></head>\
                 <body><img src=\"/static/logo.png\" alt=\"logo\"><h1>All good</h1></body></html>",
            )
            .header("cache-control", "no-cache"),
        "/static/site.css" => Reply::new(200)
            .body("text/css", super::compress::good_stylesheet())
            .immutable(),
        "/static/app.js" => Reply::new(200)
            .body(
                "text/javascript",
                "document.title='Good';\nwindow.Sentry&&Sentry.init({environment:'production'});\n",
            )
            .immutable(),
        "/static/logo.png" => Reply::new(200)
            .body("image/png", vec![0x89, b'P', b'N', b'G'])
            .immutable(),
        _ => Reply::not_found(),
    };
    r.hardened().edge()
}

fn marketing_page(host: &str) -> Reply {
    Reply::new(200).body(
        "text/html; charset=utf-8",
        format!(
            "<!doctype html><html><head><title>Brightdesk — help desk for small teams</title>\
             <link rel=\"stylesheet\" href=\"/assets/app.css\">\
             <script src=\"/assets/app.js\"></script>\
             <script src=\"http://cdn.brightdesk.test/widget.js\"></script></head>\
             <body><h1>Brightdesk</h1><p>Served by {host}.</p>\
             <img src=\"/assets/hero.png\" alt=\"\"></body></html>"
        ),
    )
}

/// The fake Stripe key in the apex bundle, assembled so the source holds no key shape.
pub fn bundle_secret() -> String {
    ["sk", "_live_", "Lb7Qx2Rm9Tz4Wn8Kc3Vp6Hd1"].concat()
}

/// The apex's static assets, which www serves too (it is the same site, unredirected).
fn apex_asset(path: &str) -> Option<Reply> {
    let r = match path {
        "/assets/app.js" => Reply::new(200).body(
            "text/javascript",
            format!(
                "(function(){{var cfg={{stripeKey:\"{}\",env:\"production\"}};window.bd=cfg;}})();\n\
                 //# sourceMappingURL=app.js.map\n",
                bundle_secret()
            ),
        ),
        "/assets/app.js.map" => Reply::new(200).body(
            "application/json",
            "{\"version\":3,\"file\":\"app.js\",\"sources\":[\"src/config.ts\"],\"mappings\":\"AAAA\"}",
        ),
        "/assets/app.css" => Reply::new(200).body("text/css", super::compress::large_stylesheet()),
        "/assets/hero.png" => Reply::new(200)
            .body("image/png", vec![0x89, b'P', b'N', b'G'])
            .header("cache-control", "public, max-age=86400"),
        _ => return None,
    };
    Some(r)
}

fn apex(https: bool, path: &str) -> Reply {
    // A single-page app: every path but the assets gets the HTML shell with 200.
    let r = apex_asset(path)
        .unwrap_or_else(|| marketing_page("brightdesk.test"))
        .header("strict-transport-security", "max-age=86400")
        .header("x-content-type-options", "nosniff")
        .header("x-frame-options", "SAMEORIGIN");
    if https { r.edge() } else { r }
}

/// Staging: the app shell open to anyone who finds the name, and a broken health route.
fn staging(path: &str) -> Reply {
    match path {
        "/api/health" => Reply::new(500).body("text/html", "<h1>Internal Server Error</h1>"),
        _ => Reply::new(200).body(
            "text/html; charset=utf-8",
            "<!doctype html><title>Brightdesk (staging)</title><h1>Brightdesk staging</h1>",
        ),
    }
}

fn app(https: bool, path: &str) -> Reply {
    if !https {
        return Reply::redirect(301, &format!("https://app.brightdesk.test{path}"));
    }
    match path {
        "/" => Reply::redirect(302, "/login"),
        "/login" => Reply::redirect(301, "/login/"),
        "/login/" => Reply::new(200)
            .body(
                "text/html; charset=utf-8",
                "<!doctype html><title>Sign in</title><form method=post action=/session></form>",
            )
            .header("set-cookie", "bd_session=4f2a9c; Path=/; Secure; HttpOnly")
            .header("cache-control", "public, max-age=300")
            .hardened()
            .edge(),
        _ => Reply::not_found().hardened(),
    }
}

/// Share of the flaky route's requests answered with a 503: one in this many.
pub const FLAKY_EVERY: usize = 10;
/// Delay of the slow route, over the default 300 ms read budget.
pub const SLOW_MS: u64 = 400;
/// Size of the export route's body, over the default 1 MiB payload budget.
pub const EXPORT_BYTES: usize = 1536 * 1024;

fn api(req: &Request<'_>, path: &str) -> Reply {
    if !req.https {
        return Reply::redirect(301, &format!("https://api.brightdesk.test{path}"));
    }
    let ok = "{\"status\":\"ok\",\"service\":\"brightdesk-api\"}";
    // The perf routes: every perf.* code shows on one of them.
    let base = match (req.method, path) {
        (_, "/api/slow") => Reply {
            delay_ms: SLOW_MS,
            ..Reply::new(200).body("application/json", ok)
        },
        (_, "/api/flaky") if req.seq.is_multiple_of(FLAKY_EVERY) => {
            Reply::new(503).body("application/json", "{\"error\":\"upstream unavailable\"}")
        }
        ("POST", "/api/projects") => Reply {
            delay_ms: 5,
            ..Reply::new(201).body("application/json", "{\"id\":42,\"created\":true}")
        },
        (_, "/api/export") => {
            let mut body = Vec::with_capacity(EXPORT_BYTES);
            body.extend_from_slice(b"{\"rows\":\"");
            body.resize(EXPORT_BYTES - 2, b'x');
            body.extend_from_slice(b"\"}");
            Reply::new(200).body("application/json", body)
        }
        _ => Reply::new(200).body("application/json", ok),
    };
    let origin = req.origin;
    let mut r = base.hardened().edge().header("cache-control", "no-store");
    if let Some(o) = origin {
        r = r
            .header("access-control-allow-origin", o)
            .header("access-control-allow-credentials", "true");
    }
    r
}

fn admin(https: bool, path: &str) -> Reply {
    if !https {
        return Reply::redirect(301, &format!("https://admin.brightdesk.test{path}"));
    }
    match path {
        "/.env" => Reply::new(200).body(
            "text/plain",
            format!(
                "# production\nNODE_ENV=production\nDATABASE_URL=postgres://brightdesk:{}@db.internal:5432/brightdesk\nSTRIPE_SECRET_KEY={}\n",
                ["Vq8", "Lm3", "Zt7", "Rp2"].concat(),
                ["sk", "_live_", "Hn4Kd8Wq2Zx6Lr9Tb3Mv7Pc5"].concat()
            ),
        ),
        "/.git/HEAD" => Reply::new(200).body("text/plain", "ref: refs/heads/main\n"),
        "/.git/config" => Reply::new(200).body(
            "text/plain",
            "[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote \"origin\"]\n\turl = git@git.brightdesk.test:brightdesk/admin.git\n",
        ),
        _ => Reply::new(401)
            .header("www-authenticate", "Basic realm=\"Brightdesk admin\"")
            .header("cache-control", "no-store")
            .body("text/plain", "authentication required\n")
            .hardened(),
    }
}

fn escape(path: &str) -> Reply {
    match path {
        "/.git/HEAD" => Reply::new(200).body(
            "text/plain",
            "ref: refs/heads/\u{1b}]0;pwned\u{7}main\u{1b}[2J\n",
        ),
        _ => good(true, "escape.lab.test", path),
    }
}
