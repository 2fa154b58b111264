//! Content encoding in the lab: the well-run hosts gzip text for a client that accepts it,
//! as any production web server does; Brightdesk's origin sends everything as is, and its
//! stylesheet is large enough for that to matter (`perf.uncompressed` on the demo).
//!
//! Kept apart from `site` so the routing table reads as what each host's application
//! answers; this is the server layer wrapped around it.

use super::site::{Reply, Request};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;

/// Hosts whose server does not compress: the demo product's.
fn compresses(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    !(host == "brightdesk.test" || host.ends_with(".brightdesk.test"))
}

fn is_text(content_type: &str) -> bool {
    let t = content_type.split(';').next().unwrap_or("").trim();
    t.starts_with("text/")
        || t.ends_with("json")
        || t.ends_with("xml")
        || t == "application/javascript"
}

fn accepts_gzip(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let refused = it.any(|p| p.trim().replace(' ', "") == "q=0");
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// `reply` as the host's server sends it to `req`: gzipped text when the client accepts
/// gzip and the host compresses, with `Vary: Accept-Encoding` either way on such a host.
pub fn negotiate(mut reply: Reply, req: &Request<'_>) -> Reply {
    if !compresses(req.host) || reply.body.is_empty() {
        return reply;
    }
    let content_type = reply
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !is_text(&content_type) {
        return reply;
    }
    reply
        .headers
        .push(("vary".into(), "Accept-Encoding".into()));
    if !req.accept_encoding.is_some_and(accepts_gzip) {
        return reply;
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    if gz.write_all(&reply.body).is_err() {
        return reply;
    }
    if let Ok(body) = gz.finish() {
        reply.body = body;
        reply
            .headers
            .push(("content-encoding".into(), "gzip".into()));
    }
    reply
}

/// The good hosts' stylesheet: a few KiB of ordinary rules, worth compressing.
pub fn good_stylesheet() -> String {
    stylesheet("g", 40)
}

/// Brightdesk's stylesheet: a framework build of some 60 KiB, sent uncompressed.
pub fn large_stylesheet() -> String {
    stylesheet("bd", 1000)
}

fn stylesheet(prefix: &str, rules: usize) -> String {
    let mut css = String::from("h1{color:#224}\n");
    for i in 0..rules {
        css.push_str(&format!(
            ".{prefix}-c{i}{{margin:{}px;padding:{}px;color:#{:06x};font-size:{}px}}\n",
            i % 16,
            i % 9,
            (i * 2_654_435) % 0xff_ffff,
            12 + i % 6
        ));
    }
    css
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_read_from_the_header_as_browsers_send_it() {
        assert!(accepts_gzip("gzip, br"));
        assert!(accepts_gzip("br;q=1.0, gzip;q=0.8"));
        assert!(accepts_gzip("*"));
        assert!(!accepts_gzip("br"));
        assert!(!accepts_gzip("gzip;q=0"));
        assert!(!accepts_gzip("identity"));
    }

    #[test]
    fn sizes_are_what_the_demo_needs() {
        assert!(good_stylesheet().len() > 1024);
        assert!(large_stylesheet().len() > 40 * 1024);
    }
}
