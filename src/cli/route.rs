//! `--route 'METHOD URL'` and `--route-body VALUE|@FILE` as `check` and `load` take them:
//! the n-th body goes with the n-th route. A body read from a file is bounded, and a
//! route's URL may not carry a user name or password (it would be copied into every
//! result).

use launch_ready_core::session::model::Route;
use std::io::Read;

/// Largest request body a route may send.
pub const MAX_BODY_BYTES: u64 = 1024 * 1024;

/// A body value: `@FILE` reads the file (bounded), anything else is the body itself.
pub fn body(value: &str) -> Result<String, String> {
    let Some(path) = value.strip_prefix('@') else {
        return Ok(value.to_string());
    };
    let file = std::fs::File::open(path)
        .map_err(|e| format!("--route-body: cannot read `{}`: {e}", path.escape_debug()))?;
    let mut text = String::new();
    file.take(MAX_BODY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("--route-body: cannot read `{}`: {e}", path.escape_debug()))?;
    if text.len() as u64 > MAX_BODY_BYTES {
        return Err(format!(
            "--route-body: `{}` is over {} KiB",
            path.escape_debug(),
            MAX_BODY_BYTES / 1024
        ));
    }
    Ok(text)
}

/// One `--route` value: `METHOD URL` or a bare URL (GET).
pub fn route(value: &str) -> Result<Route, String> {
    let shown = value.escape_debug();
    let mut words = value.split_whitespace();
    let (method, url) = match (words.next(), words.next(), words.next()) {
        (Some(u), None, None) => ("GET".to_string(), u),
        (Some(m), Some(u), None) => (m.to_ascii_uppercase(), u),
        _ => return Err(format!("--route `{shown}` is not `METHOD URL`")),
    };
    if reqwest::Method::from_bytes(method.as_bytes()).is_err() {
        return Err(format!(
            "--route `{shown}`: `{method}` is not an HTTP method"
        ));
    }
    let parsed =
        reqwest::Url::parse(url).map_err(|e| format!("--route `{shown}`: not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "--route `{shown}`: only http and https URLs with a host"
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!(
            "--route `{method} {}://{}{}`: give the URL without a user name or password",
            parsed.scheme(),
            parsed.host_str().unwrap_or(""),
            parsed.path()
        ));
    }
    Ok(Route {
        name: format!("{method} {}", parsed.path()),
        path: parsed.to_string(),
        method,
        ..Route::default()
    })
}

/// Every `--route`, with the `--route-body` of the same position.
pub fn routes(values: &[String], bodies: &[String]) -> Result<Vec<Route>, String> {
    if bodies.len() > values.len() {
        return Err(format!(
            "{} --route-body for {} --route: the n-th body goes with the n-th route",
            bodies.len(),
            values.len()
        ));
    }
    let mut out = Vec::with_capacity(values.len());
    for (i, v) in values.iter().enumerate() {
        let mut r = route(v)?;
        if let Some(b) = bodies.get(i) {
            r.body = Some(body(b)?);
        }
        out.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_pair_bodies_by_position_and_refuse_bad_input() {
        let r = routes(
            &[
                "POST https://app.x.test/api/login".into(),
                "https://app.x.test/".into(),
            ],
            &["{\"u\":1}".into()],
        )
        .unwrap();
        assert_eq!(r[0].method, "POST");
        assert_eq!(r[0].body.as_deref(), Some("{\"u\":1}"));
        assert_eq!((r[1].method.as_str(), r[1].body.as_deref()), ("GET", None));
        assert!(route("GET").is_err());
        assert!(route("GE T https://x.test/").is_err());
        assert!(route("ftp://x.test/").is_err());
        let e = route("https://u:hunter2@x.test/").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(routes(&[], &["b".into()]).is_err());
        assert!(body("@/nonexistent/file").is_err());
    }
}
