//! Brightdesk's signed-in side on `app.brightdesk.test`, for the smoke flows: a form login
//! that sets a session cookie, a JSON login that returns a bearer token, a protected API
//! route that answers 401 to anyone else, a sign-up form, and a settings form guarded by
//! a CSRF token in a hidden input.
//!
//! The site stays stateless: the session cookie, the token and the CSRF field are fixed
//! for the lab's one demo account, so routing is still a function of the request. The one
//! piece of state is `FlowSwitch`, which breaks the protected route behind its login gate
//! (a deploy that broke it) and fixes it again; the web lab owns it and hands its reading to every request.

use super::site::{Reply, Request};
use std::sync::atomic::{AtomicBool, Ordering};

/// The demo account's email.
pub const DEMO_EMAIL: &str = "demo@brightdesk.test";
/// The name the demo session reads the account's password under (a credential).
pub const PASSWORD_CREDENTIAL: &str = "brightdesk-password";
/// The session cookie the form login sets.
pub const SESSION_COOKIE: &str = "bd_auth";

/// The demo account's password, assembled at run time so no password sits in the source
/// as one string.
pub fn demo_password() -> String {
    ["lab", "-pass-", "Qx7", "Rm2"].concat()
}

/// The session cookie's value and the bearer token for the demo account.
fn session_token() -> String {
    ["bd", "s1-", "9c41", "e7d2"].concat()
}

/// The CSRF field the settings form carries for a signed-in visitor.
fn csrf_token() -> String {
    ["csrf-", "5b8e", "0a13"].concat()
}

/// Breaks and fixes the protected route.
#[derive(Debug, Default)]
pub struct FlowSwitch {
    broken: AtomicBool,
}

impl FlowSwitch {
    /// From now on the protected route answers 500 to every signed-in visitor; anyone
    /// else still gets the login gate's 401 (a deploy that broke the handler, not the
    /// gate: a plain URL probe does not notice, a flow that signs in does).
    pub fn break_protected(&self) {
        self.broken.store(true, Ordering::Relaxed);
    }

    /// The protected route works again.
    pub fn fix_protected(&self) {
        self.broken.store(false, Ordering::Relaxed);
    }

    pub fn is_broken(&self) -> bool {
        self.broken.load(Ordering::Relaxed)
    }
}

/// The host the flow routes live on.
pub const HOST: &str = "app.brightdesk.test";

/// The reply for a flow route of the app host over HTTPS, or `None` for every other
/// request (the site's table answers those).
pub fn route(req: &Request<'_>) -> Option<Reply> {
    let host = req.host.split(':').next().unwrap_or("");
    if !req.https || !host.eq_ignore_ascii_case(HOST) {
        return None;
    }
    let path = req.path.split('?').next().unwrap_or("/");
    let r = match (req.method, path) {
        ("POST", "/session") => form_login(req),
        ("POST", "/api/login") => json_login(req),
        (_, "/api/me") => me(req),
        ("GET", "/signup") => html(200, SIGNUP_FORM.to_string()),
        ("POST", "/signup") => signup(req),
        ("GET", "/settings") => settings_page(req),
        ("POST", "/settings") => settings_save(req),
        ("GET", "/dashboard") if signed_in(req) => html(
            200,
            "<!doctype html><title>Dashboard</title><h1>Welcome back</h1>".into(),
        ),
        ("GET", "/dashboard") => Reply::new(302).header("location", "/login/"),
        _ => return None,
    };
    Some(r.header("cache-control", "no-store"))
}

const SIGNUP_FORM: &str = "<!doctype html><title>Sign up</title>\
    <form method=post action=/signup><input name=email><input type=password name=password>\
    <button>Create account</button></form>";

fn html(status: u16, body: String) -> Reply {
    Reply::new(status).body("text/html; charset=utf-8", body)
}

fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply::new(status).body("application/json", body.to_string())
}

/// Fields of a form body.
fn form(req: &Request<'_>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(req.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn good_login(email: Option<&str>, password: Option<&str>) -> bool {
    email == Some(DEMO_EMAIL) && password == Some(demo_password().as_str())
}

fn form_login(req: &Request<'_>) -> Reply {
    let f = form(req);
    if !good_login(field(&f, "email"), field(&f, "password")) {
        return html(
            401,
            "<!doctype html><title>Sign in</title><p>Wrong email or password.</p>".into(),
        );
    }
    Reply::new(303).header("location", "/dashboard").header(
        "set-cookie",
        &format!(
            "{SESSION_COOKIE}={}; Path=/; Secure; HttpOnly; SameSite=Lax",
            session_token()
        ),
    )
}

fn json_login(req: &Request<'_>) -> Reply {
    let doc: serde_json::Value = serde_json::from_slice(req.body).unwrap_or_default();
    let get = |k: &str| doc.get(k).and_then(|v| v.as_str());
    if !good_login(get("email"), get("password")) {
        return json(401, serde_json::json!({"error": "invalid credentials"}));
    }
    json(
        200,
        serde_json::json!({"token": session_token(), "user": {"email": DEMO_EMAIL}}),
    )
}

/// Whether the request carries the demo account's cookie or bearer token.
fn signed_in(req: &Request<'_>) -> bool {
    let token = session_token();
    let by_cookie = req.cookie.is_some_and(|c| {
        c.split(';').any(|pair| {
            pair.trim()
                .split_once('=')
                .is_some_and(|(k, v)| k == SESSION_COOKIE && v == token)
        })
    });
    let by_bearer = req
        .authorization
        .and_then(|a| a.strip_prefix("Bearer "))
        .is_some_and(|t| t.trim() == token);
    by_cookie || by_bearer
}

fn me(req: &Request<'_>) -> Reply {
    // The login gate sits in front of the handler, so a broken handler still turns
    // strangers away with 401: only a signed-in visitor sees the break.
    if !signed_in(req) {
        return json(401, serde_json::json!({"error": "login required"}))
            .header("www-authenticate", "Bearer");
    }
    if req.flows_broken {
        return json(500, serde_json::json!({"error": "internal server error"}));
    }
    json(
        200,
        serde_json::json!({"email": DEMO_EMAIL, "plan": "team", "seats": 5}),
    )
}

fn signup(req: &Request<'_>) -> Reply {
    let f = form(req);
    let email = field(&f, "email").unwrap_or("");
    let password = field(&f, "password").unwrap_or("");
    if !email.contains('@') || password.len() < 8 {
        return html(
            422,
            "<!doctype html><p>Enter an email and a password of 8 characters or more.</p>".into(),
        );
    }
    html(
        201,
        "<!doctype html><title>Welcome</title><h1>Account created</h1>".into(),
    )
}

fn settings_page(req: &Request<'_>) -> Reply {
    if !signed_in(req) {
        return Reply::new(302).header("location", "/login/");
    }
    html(
        200,
        format!(
            "<!doctype html><title>Settings</title><form method=post action=/settings>\
             <input type=hidden name=csrf_token value=\"{}\">\
             <input name=display_name value=\"Demo\"><button>Save</button></form>",
            csrf_token()
        ),
    )
}

fn settings_save(req: &Request<'_>) -> Reply {
    if !signed_in(req) {
        return html(401, "<p>Sign in first.</p>".into());
    }
    let f = form(req);
    if field(&f, "csrf_token") != Some(csrf_token().as_str()) {
        return html(
            403,
            "<p>The form expired or the CSRF token is wrong.</p>".into(),
        );
    }
    html(200, "<!doctype html><p>Settings saved.</p>".into())
}
