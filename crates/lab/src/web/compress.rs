//! Content encoding in the lab: the well-run hosts gzip text for a client that accepts it,
//! as any production web server does; Brightdesk's origin sends everything as is, and its
//! stylesheet is large enough for that to matter (`perf.uncompressed` on the demo).
//!
//! Kept apart from `site` so the routing table reads as what each host's application
//! answers; this is the server layer wrapped around it.

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

/// A reply's headers and body as `host`'s server sends them to a client that accepts
/// `accept_encoding`: gzipped text when the client accepts gzip and the host compresses,
/// with `Vary: Accept-Encoding` either way on such a host. (Plain parts, not the site's
/// `Reply`, so the routing table can call this without the two modules needing each other.)
pub fn negotiate(
    host: &str,
    accept_encoding: Option<&str>,
    headers: &mut Vec<(String, String)>,
    body: &mut Vec<u8>,
) {
    if !compresses(host) || body.is_empty() {
        return;
    }
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !is_text(&content_type) {
        return;
    }
    headers.push(("vary".into(), "Accept-Encoding".into()));
    if !accept_encoding.is_some_and(accepts_gzip) {
        return;
    }
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    if gz.write_all(body).is_err() {
        return;
    }
    if let Ok(zipped) = gz.finish() {
        *body = zipped;
        headers.push(("content-encoding".into(), "gzip".into()));
    }
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
