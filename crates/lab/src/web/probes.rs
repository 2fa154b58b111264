//! What the lab answers to the active probes: Brightdesk's API with an Express-style
//! error handler that prints its stack, an upload route with no size limit, a login that
//! never pushes back, an account route that answers `*` to every origin while asking for
//! credentials, and a catalogue that does so on purpose; and `good.lab.test`'s sound
//! counterparts (a plain JSON error, a 413 at 10 MiB, a 429 after a few tries, a
//! wildcard only on public data, an error-tracking SDK in its script).
//!
//! The server asks `body_policy` before reading a request body (the upload routes need
//! more than the lab's usual small cap, or an answer before the body is read) and
//! `route` before the site's own table, so the site module knows nothing of this one.

use super::site::{Reply, Request};

/// The limit the good upload route enforces: 10 MiB, the contract's default.
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;
/// Most bytes the lab reads of any body, so the unlimited route still ends.
pub const MAX_UPLOAD: usize = 64 * 1024 * 1024;
/// Largest JSON body Brightdesk's login takes.
pub const MAX_JSON: usize = 100 * 1024;
/// Login attempts the good host answers before it answers 429.
pub const LOGIN_ALLOWED: usize = 5;

/// How the server should treat a request's body before the router sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyPolicy {
    /// Read at most this many bytes (the lab's usual cap, or more for an upload route).
    Read(usize),
    /// Answer this without reading the body, then drain what the client still sends.
    Refuse(Reply),
}

/// The body policy of a request, or `None` for the lab's usual one.
pub fn body_policy(host: &str, path: &str, content_length: usize) -> Option<BodyPolicy> {
    match (host, path) {
        ("api.brightdesk.test", "/api/uploads") => Some(BodyPolicy::Read(MAX_UPLOAD)),
        // Its JSON parser's own limit, as body-parser's default is.
        ("api.brightdesk.test", "/api/login") if content_length > MAX_JSON => Some(
            BodyPolicy::Refuse(json(413, "{\"error\":\"request entity too large\"}")),
        ),
        ("good.lab.test", "/api/uploads") if content_length > UPLOAD_LIMIT => {
            Some(BodyPolicy::Refuse(json(
                413,
                "{\"error\":\"payload too large\",\"limit_bytes\":10485760}",
            )))
        }
        _ => None,
    }
}

fn json(status: u16, body: &str) -> Reply {
    Reply::new(status)
        .body("application/json", body.as_bytes().to_vec())
        .header("cache-control", "no-store")
}

/// Whether the body (as far as read) is JSON that parses.
fn parses(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body).is_ok()
}

/// The error page Express prints by default outside production: the exception and its
/// stack, with the server's paths.
fn express_error(status: u16) -> Reply {
    Reply::new(status).body(
        "text/html; charset=utf-8",
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head><body>\
         <pre>SyntaxError: Unexpected end of JSON input<br> &nbsp; &nbsp;at JSON.parse (&lt;anonymous&gt;)<br> \
         &nbsp; &nbsp;at parse (/srv/brightdesk/api/node_modules/body-parser/lib/types/json.js:92:19)<br> \
         &nbsp; &nbsp;at /srv/brightdesk/api/node_modules/body-parser/lib/read.js:128:18</pre>\
         </body></html>\n",
    )
}

/// The lab's answer to a probe route, or `None` to leave `req` to the site.
pub fn route(req: &Request<'_>, host: &str, path: &str) -> Option<Reply> {
    if !req.https {
        return None;
    }
    let post = req.method == "POST";
    let good = host == "good.lab.test";
    let r = match (host, path) {
        // Brightdesk: each defect once.
        ("api.brightdesk.test", "/api/login") if post && !parses(req.body) => express_error(400),
        ("api.brightdesk.test", "/api/login") if post => {
            json(401, "{\"error\":\"invalid email or password\"}")
                .header("access-control-allow-origin", "*")
        }
        // A read of the login route (the page checks' GET): the same wildcard.
        ("api.brightdesk.test", "/api/login") => {
            json(200, "{\"login\":\"POST an email and a password\"}")
                .header("access-control-allow-origin", "*")
                .header("set-cookie", "bd_csrf=9c1e; Path=/; Secure; HttpOnly")
        }
        // A body too big for the lab to keep is only counted: the route stores it whole.
        ("api.brightdesk.test", "/api/uploads")
            if post && req.body.len() == req.content_length && !parses(req.body) =>
        {
            express_error(400)
        }
        ("api.brightdesk.test", "/api/uploads") if post => {
            json(201, "{\"id\":\"up_1\",\"stored\":true}")
        }
        ("api.brightdesk.test", "/api/me") => json(401, "{\"error\":\"sign in first\"}")
            .header("access-control-allow-origin", "*")
            .header("www-authenticate", "Bearer"),
        ("api.brightdesk.test", "/api/catalog") => json(200, "{\"plans\":[\"starter\",\"team\"]}")
            .header("access-control-allow-origin", "*")
            .header("set-cookie", "bd_seen=1; Path=/; Secure"),
        // good.lab.test: the same routes done right.
        ("good.lab.test", "/api/login") if post && !parses(req.body) => {
            json(400, "{\"error\":\"invalid JSON\"}")
        }
        ("good.lab.test", "/api/login") if post && req.seq > LOGIN_ALLOWED => {
            json(429, "{\"error\":\"too many attempts\"}").header("retry-after", "60")
        }
        ("good.lab.test", "/api/login") if post => {
            json(401, "{\"error\":\"invalid email or password\"}")
        }
        ("good.lab.test", "/api/uploads") if post && !parses(req.body) => {
            json(400, "{\"error\":\"invalid JSON\"}")
        }
        ("good.lab.test", "/api/uploads") if post => json(201, "{\"id\":\"up_1\"}"),
        ("good.lab.test", "/api/login" | "/api/uploads") => {
            json(200, "{\"hint\":\"POST JSON here\"}")
        }
        ("good.lab.test", "/api/status") => {
            json(200, "{\"status\":\"ok\"}").header("access-control-allow-origin", "*")
        }
        _ => return None,
    };
    Some(if good { r.hardened().edge() } else { r.edge() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req<'a>(host: &'a str, path: &'a str, body: &'a [u8], seq: usize) -> Request<'a> {
        Request {
            https: true,
            host,
            path,
            origin: None,
            method: "POST",
            seq,
            accept_encoding: None,
            cookie: None,
            authorization: None,
            body,
            content_length: body.len(),
            flows_broken: false,
        }
    }

    #[test]
    fn the_good_login_pushes_back_and_brightdesk_never_does() {
        let body = b"{\"email\":\"a@b.test\",\"password\":\"x\"}";
        let good = |seq| {
            route(
                &req("good.lab.test", "/api/login", body, seq),
                "good.lab.test",
                "/api/login",
            )
            .unwrap()
            .status
        };
        assert_eq!(good(LOGIN_ALLOWED), 401);
        assert_eq!(good(LOGIN_ALLOWED + 1), 429);
        let bd = route(
            &req("api.brightdesk.test", "/api/login", body, 1000),
            "api.brightdesk.test",
            "/api/login",
        )
        .unwrap();
        assert_eq!(bd.status, 401);
    }

    #[test]
    fn malformed_json_shows_a_stack_only_on_brightdesk() {
        let bd = route(
            &req("api.brightdesk.test", "/api/login", b"{\"a\": [1, ", 1),
            "api.brightdesk.test",
            "/api/login",
        )
        .unwrap();
        assert!(String::from_utf8_lossy(&bd.body).contains("body-parser/lib/types/json.js:92:19"));
        let good = route(
            &req("good.lab.test", "/api/login", b"{\"a\": [1, ", 1),
            "good.lab.test",
            "/api/login",
        )
        .unwrap();
        assert!(!String::from_utf8_lossy(&good.body).contains(".js:"));
    }

    #[test]
    fn only_the_good_upload_refuses_before_reading() {
        assert_eq!(
            body_policy("api.brightdesk.test", "/api/uploads", 12 << 20),
            Some(BodyPolicy::Read(MAX_UPLOAD))
        );
        assert!(
            matches!(body_policy("good.lab.test", "/api/uploads", 12 << 20), Some(BodyPolicy::Refuse(r)) if r.status == 413)
        );
        assert_eq!(body_policy("good.lab.test", "/api/uploads", 1024), None);
    }
}
