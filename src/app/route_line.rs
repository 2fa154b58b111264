//! A route as one line of the Targets screen, and back:
//!
//! `NAME=[METHOD ]PATH [budget=read|write|MS] [auth=CREDENTIAL[@HEADER]] [header=NAME:VALUE]… [cors-public=REASON…] [body=TEXT…]`
//!
//! `body=` comes last and takes the rest of the line (bodies hold spaces);
//! `cors-public=` takes the words up to it (a reason is a sentence): why the route may
//! answer `Access-Control-Allow-Origin: *` although it sets cookies or asks for a login. `auth` names a
//! keyring credential (its value is never typed here); the header defaults to
//! `authorization`. Rendering gives the line that parses back to the same route.

use super::target_error::{METHODS, RouteLineError, WordError};
use launch_ready_core::session::model::{Route, RouteAuth, RouteBudget, RouteHeader};

/// Parses a route line; `word` validates the route name as the rest of the screen does.
pub fn parse(
    text: &str,
    word: impl Fn(&str) -> Result<String, WordError>,
) -> Result<Route, RouteLineError> {
    let (name, rest) = text.split_once('=').ok_or(RouteLineError::NoName)?;
    let (head, body) = match rest.split_once(" body=") {
        Some((h, b)) => (h, Some(b.to_string())),
        None => (rest, None),
    };
    let (head, cors_public_reason) = match head.split_once(" cors-public=") {
        Some((h, r)) if !r.trim().is_empty() => (h, Some(r.trim().to_string())),
        Some((h, _)) => (h, None),
        None => (head, None),
    };
    let mut words = head.split_whitespace().peekable();
    let first = words.next().ok_or(RouteLineError::NoPath)?;
    let (method, path) = if first.starts_with('/') || first.contains("://") {
        ("GET".to_string(), first)
    } else {
        let p = words.next().ok_or(RouteLineError::NoPathAfterMethod)?;
        (first.to_ascii_uppercase(), p)
    };
    if !METHODS.contains(&method.as_str()) {
        return Err(RouteLineError::Method { method });
    }
    let is_url = path.starts_with("https://") || path.starts_with("http://");
    if !(path.starts_with('/') || is_url) || path.chars().any(char::is_control) {
        return Err(RouteLineError::Path(path.to_string()));
    }
    let mut route = Route {
        name: word(name.trim())?,
        path: path.to_string(),
        method,
        body,
        cors_public_reason,
        ..Route::default()
    };
    for opt in words {
        let (k, v) = opt
            .split_once('=')
            .ok_or_else(|| RouteLineError::NotKeyValue(opt.to_string()))?;
        match k {
            "budget" => {
                route.budget = Some(match v {
                    "read" => RouteBudget::Read,
                    "write" => RouteBudget::Write,
                    ms => RouteBudget::P95Ms(
                        ms.trim_end_matches("ms")
                            .parse()
                            .ok()
                            .filter(|n| (1..=600_000).contains(n))
                            .ok_or_else(|| RouteLineError::Budget(ms.to_string()))?,
                    ),
                });
            }
            "auth" => {
                let (cred, header) = match v.split_once('@') {
                    Some((c, h)) => (c, h.to_ascii_lowercase()),
                    None => (v, "authorization".to_string()),
                };
                route.auth = Some(RouteAuth {
                    header: word(&header)?,
                    credential: word(cred)?,
                });
            }
            "header" => {
                let (n, val) = v
                    .split_once(':')
                    .ok_or_else(|| RouteLineError::Header(v.to_string()))?;
                if n.eq_ignore_ascii_case("authorization") || n.eq_ignore_ascii_case("cookie") {
                    return Err(RouteLineError::SecretHeader(n.to_string()));
                }
                route.headers.push(RouteHeader {
                    name: word(n)?,
                    value: val.to_string(),
                });
            }
            _ => return Err(RouteLineError::UnknownOption(k.to_string())),
        }
    }
    Ok(route)
}

/// The line `parse` reads back to `r`.
pub fn render(r: &Route) -> String {
    let mut s = if r.method == "GET" {
        format!("{}={}", r.name, r.path)
    } else {
        format!("{}={} {}", r.name, r.method, r.path)
    };
    match r.budget {
        Some(RouteBudget::Read) => s.push_str(" budget=read"),
        Some(RouteBudget::Write) => s.push_str(" budget=write"),
        Some(RouteBudget::P95Ms(ms)) => s.push_str(&format!(" budget={ms}")),
        None => {}
    }
    if let Some(a) = &r.auth {
        if a.header == "authorization" {
            s.push_str(&format!(" auth={}", a.credential));
        } else {
            s.push_str(&format!(" auth={}@{}", a.credential, a.header));
        }
    }
    for h in &r.headers {
        s.push_str(&format!(" header={}:{}", h.name, h.value));
    }
    if let Some(reason) = &r.cors_public_reason {
        s.push_str(&format!(" cors-public={reason}"));
    }
    if let Some(b) = &r.body {
        s.push_str(&format!(" body={b}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(w: &str) -> Result<String, WordError> {
        Ok(w.to_string())
    }

    #[test]
    fn lines_round_trip_and_secrets_are_refused() {
        let line = "login=POST /api/login budget=800 auth=api-token@x-api-key header=accept:application/json body={\"u\": 1}";
        let r = parse(line, ok).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(r.budget, Some(RouteBudget::P95Ms(800)));
        assert_eq!(r.auth.as_ref().unwrap().header, "x-api-key");
        assert_eq!(r.body.as_deref(), Some("{\"u\": 1}"));
        assert_eq!(render(&r), line);
        assert_eq!(parse(&render(&r), ok).unwrap(), r);
        let plain = parse("home=/", ok).unwrap();
        assert_eq!(
            (plain.method.as_str(), render(&plain).as_str()),
            ("GET", "home=/")
        );
        assert!(parse("x=/ header=Authorization:Bearer", ok).is_err());
        assert!(parse("x=/ budget=fast", ok).is_err());
        assert!(parse("x=FETCH /", ok).is_err());
        assert!(parse("x=/ colour=red", ok).is_err());
    }

    #[test]
    fn a_cors_reason_is_a_sentence_before_the_body() {
        let line = "plans=POST https://api.a.test/plans cors-public=plan list is public; the cookie only counts visits body={\"a\": 1}";
        let r = parse(line, ok).unwrap();
        assert_eq!(
            r.cors_public_reason.as_deref(),
            Some("plan list is public; the cookie only counts visits")
        );
        assert_eq!(r.body.as_deref(), Some("{\"a\": 1}"));
        assert_eq!(render(&r), line);
        assert_eq!(
            parse("x=/ cors-public= ", ok).unwrap().cors_public_reason,
            None
        );
    }
}
