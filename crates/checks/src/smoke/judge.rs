//! What a step's answer must show (pure): the status, texts in the body and JSON values,
//! judged in that order so the first failure named is the one to fix first; and the
//! values a step captures for later steps.

use super::exchange::Answer;
use launch_ready_core::flow::{Expect, Source};
use reqwest::Url;
use reqwest::cookie::{CookieStore, Jar};

/// A step's answer against its expectations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// Which expectation failed, in words.
    Fail(String),
}

pub fn judge(expect: &Expect, answer: &Answer) -> Verdict {
    if !expect.accepts(answer.status) {
        let wanted = if expect.status.is_empty() {
            "2xx or 3xx".to_string()
        } else {
            expect
                .status
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or ")
        };
        return Verdict::Fail(format!("status {}, expected {wanted}", answer.status));
    }
    let body = String::from_utf8_lossy(&answer.body);
    for text in &expect.contains {
        if !body.contains(text.as_str()) {
            return Verdict::Fail(format!("the body does not contain `{text}`"));
        }
    }
    if expect.json.is_empty() {
        return Verdict::Pass;
    }
    let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&answer.body) else {
        return Verdict::Fail("the body is not JSON".into());
    };
    for j in &expect.json {
        match doc.pointer(&j.pointer) {
            None => return Verdict::Fail(format!("`{}` is missing from the JSON", j.pointer)),
            Some(v) if *v != j.equals => {
                return Verdict::Fail(format!("`{}` is {v}, expected {}", j.pointer, j.equals));
            }
            Some(_) => {}
        }
    }
    Verdict::Pass
}

/// The value `source` names in `answer` (a cookie from the flow's jar for `url`).
pub fn capture(source: &Source, answer: &Answer, jar: &Jar, url: &Url) -> Option<String> {
    match source {
        Source::Cookie(name) => {
            let header = jar.cookies(url)?;
            let all = header.to_str().ok()?;
            all.split(';').find_map(|pair| {
                let (k, v) = pair.trim().split_once('=')?;
                (k == name).then(|| v.to_string())
            })
        }
        Source::Header(name) => answer
            .headers
            .get(name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        Source::Json(pointer) => {
            let doc: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
            match doc.pointer(pointer)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        }
        Source::FormInput(name) => {
            let html = String::from_utf8_lossy(&answer.body);
            crate::http::html::tags(&html)
                .into_iter()
                .filter(|t| t.name == "input")
                .find(|t| t.attr("name") == Some(name.as_str()))
                .and_then(|t| t.attr("value").map(str::to_string))
        }
    }
}

/// Where a capture looks, in words.
pub fn describe(source: &Source) -> String {
    match source {
        Source::Cookie(n) => format!("cookie `{n}`"),
        Source::Header(n) => format!("header `{n}`"),
        Source::Json(p) => format!("JSON `{p}`"),
        Source::FormInput(n) => format!("form input `{n}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::flow::JsonEquals;
    use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};

    fn answer(status: u16, body: &str) -> Answer {
        Answer {
            status,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            ms: 1,
        }
    }

    #[test]
    fn status_then_text_then_json_are_judged() {
        let e = Expect {
            status: vec![200],
            contains: vec!["Welcome".into()],
            json: vec![],
        };
        assert_eq!(
            judge(&e, &answer(401, "")),
            Verdict::Fail("status 401, expected 200".into())
        );
        assert_eq!(
            judge(&e, &answer(200, "hi")),
            Verdict::Fail("the body does not contain `Welcome`".into())
        );
        assert_eq!(judge(&e, &answer(200, "Welcome back")), Verdict::Pass);
        let j = Expect {
            json: vec![JsonEquals {
                pointer: "/user/plan".into(),
                equals: serde_json::json!("pro"),
            }],
            ..Expect::default()
        };
        assert_eq!(
            judge(&j, &answer(200, r#"{"user":{"plan":"free"}}"#)),
            Verdict::Fail(r#"`/user/plan` is "free", expected "pro""#.into())
        );
        assert_eq!(
            judge(&j, &answer(200, "<html>")),
            Verdict::Fail("the body is not JSON".into())
        );
        assert_eq!(
            judge(&j, &answer(200, r#"{"user":{"plan":"pro"}}"#)),
            Verdict::Pass
        );
        assert_eq!(
            judge(&Expect::default(), &answer(500, "")),
            Verdict::Fail("status 500, expected 2xx or 3xx".into())
        );
    }

    #[test]
    fn captures_read_cookies_headers_json_and_form_inputs() {
        let url = Url::parse("https://app.test/login").unwrap();
        let jar = Jar::default();
        let mut headers = HeaderMap::new();
        headers.insert(
            SET_COOKIE,
            HeaderValue::from_static("sid=abc; Path=/; Secure"),
        );
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        jar.set_cookies(&mut headers.get_all(SET_COOKIE).iter(), &url);
        let a = Answer {
            headers,
            ..answer(
                200,
                r#"<form><input type=hidden name="csrf" value="t&amp;1"><input name=x></form>"#,
            )
        };
        let get = |s: Source| capture(&s, &a, &jar, &url);
        assert_eq!(get(Source::Cookie("sid".into())).as_deref(), Some("abc"));
        assert_eq!(get(Source::Cookie("nope".into())), None);
        assert_eq!(
            get(Source::Header("x-request-id".into())).as_deref(),
            Some("r-1")
        );
        assert_eq!(
            get(Source::FormInput("csrf".into())).as_deref(),
            Some("t&1")
        );
        assert_eq!(get(Source::FormInput("x".into())), None);
        let j = answer(200, r#"{"token":"T","n":3}"#);
        assert_eq!(
            capture(&Source::Json("/token".into()), &j, &jar, &url).as_deref(),
            Some("T")
        );
        assert_eq!(
            capture(&Source::Json("/n".into()), &j, &jar, &url).as_deref(),
            Some("3")
        );
    }
}
