//! Readable summaries of the structured evidence some checks keep: the certificate chain of
//! `tls.certificate`, the hop-by-hop redirect map of `http.redirects`, the record map of
//! `dns.records` and the parsed email records. The detail pane shows them under the
//! findings so the operator sees *what was observed*, not only what was wrong. Other kinds
//! return nothing here: their summary line says enough.
//!
//! Evidence is JSON from the network, so every string goes through the sanitiser and a
//! missing or oddly typed field is skipped, never a panic.

use crate::sanitize::sanitize_line;
use crate::session::model::CheckOutcome;
use crate::tui::theme::Theme;
use ratatui::text::{Line, Span};
use serde_json::Value;

/// The evidence summary of one outcome (empty for kinds without one).
pub fn lines(outcome: &CheckOutcome, t: Theme) -> Vec<Line<'static>> {
    let ev = &outcome.evidence;
    let body = match outcome.check.as_str() {
        "tls.certificate" => certificate(ev),
        "http.redirects" => redirects(ev),
        "dns.records" => records(ev),
        "email.spf" | "email.dmarc" => record_text(ev),
        "email.dkim" => dkim(ev),
        _ => Vec::new(),
    };
    if body.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::from(Span::styled(
        format!("▸ {}", sanitize_line(&outcome.target)),
        t.title(),
    ))];
    out.extend(
        body.into_iter()
            .map(|l| Line::from(Span::styled(format!("  {l}"), t.text()))),
    );
    out
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn joined(v: &Value, key: &str) -> String {
    list(v, key)
        .iter()
        .filter_map(|x| x.as_str().map(sanitize_line))
        .collect::<Vec<_>>()
        .join(", ")
}

fn certificate(ev: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let head: Vec<String> = [
        s(ev, "protocol").map(protocol_label),
        s(ev, "cipher_suite").map(str::to_string),
        s(ev, "trust").map(|x| format!("trust: {x}")),
        ev.get("days_to_expiry")
            .and_then(Value::as_i64)
            .map(|d| format!("expires in {d} days")),
    ]
    .into_iter()
    .flatten()
    .map(|x| sanitize_line(&x))
    .collect();
    if !head.is_empty() {
        out.push(head.join(" · "));
    }
    for (i, cert) in list(ev, "chain").iter().enumerate() {
        let key = match (
            s(cert, "key_type"),
            cert.get("key_bits").and_then(Value::as_u64),
        ) {
            (Some(k), Some(b)) => format!("{} {b}", sanitize_line(k)),
            (Some(k), None) => sanitize_line(k),
            _ => String::new(),
        };
        out.push(format!(
            "#{i} {} · {key} · until {}",
            sanitize_line(s(cert, "subject").unwrap_or("?")),
            sanitize_line(s(cert, "not_after").unwrap_or("?")),
        ));
        let sans = joined(cert, "sans");
        if !sans.is_empty() {
            out.push(format!("   names: {sans}"));
        }
        if let Some(issuer) = s(cert, "issuer") {
            out.push(format!("   issued by {}", sanitize_line(issuer)));
        }
    }
    out
}

/// "TLS 1.3" for the `TLSv1_3` that sessions saved by earlier versions hold; other text
/// unchanged.
fn protocol_label(p: &str) -> String {
    match p.split_once('v') {
        Some((family @ ("SSL" | "TLS" | "DTLS"), version)) => {
            format!("{family} {}", version.replace('_', "."))
        }
        _ => p.to_string(),
    }
}

fn redirects(ev: &Value) -> Vec<String> {
    list(ev, "chains")
        .iter()
        .map(|chain| {
            let mut parts = Vec::new();
            for hop in list(chain, "hops") {
                let url = sanitize_line(s(hop, "url").unwrap_or("?"));
                let status = hop
                    .get("status")
                    .and_then(Value::as_u64)
                    .map_or_else(|| "no answer".to_string(), |c| c.to_string());
                parts.push(format!("{url} [{status}]"));
            }
            if parts.is_empty() {
                parts.push(sanitize_line(s(chain, "entry").unwrap_or("?")));
            }
            parts.join(" → ")
        })
        .collect()
}

fn records(ev: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let chain = joined(ev, "cname_chain");
    if !chain.is_empty() {
        out.push(format!("CNAME {chain}"));
    }
    for (label, key) in [
        ("A", "a"),
        ("AAAA", "aaaa"),
        ("NS", "ns"),
        ("MX", "mx"),
        ("CAA", "caa"),
    ] {
        let v = joined(ev, key);
        if !v.is_empty() {
            out.push(format!("{label} {v}"));
        }
    }
    out
}

fn record_text(ev: &Value) -> Vec<String> {
    let mut out: Vec<String> = s(ev, "record").map(sanitize_line).into_iter().collect();
    if let Some(totals) = ev.get("totals") {
        let n = |k: &str| totals.get(k).and_then(Value::as_u64).unwrap_or(0);
        out.push(format!(
            "{} of {} DNS lookups, {} void (limit {})",
            n("dns_lookups"),
            n("lookup_limit"),
            n("void_lookups"),
            n("void_limit")
        ));
    }
    out
}

fn dkim(ev: &Value) -> Vec<String> {
    list(ev, "found")
        .iter()
        .map(|f| {
            let bits = f
                .get("bits")
                .and_then(Value::as_u64)
                .map_or(String::new(), |b| format!(" {b} bits"));
            format!(
                "{}: {}{bits}",
                sanitize_line(s(f, "selector").unwrap_or("?")),
                sanitize_line(s(f, "key_type").unwrap_or("?")),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::CheckStatus;
    use serde_json::json;

    fn outcome(check: &str, evidence: Value) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: check.split('.').next().unwrap_or_default().into(),
            target: "www.example.test".into(),
            status: CheckStatus::Pass,
            duration_ms: 1,
            summary: String::new(),
            findings: Vec::new(),
            evidence,
        }
    }

    fn text(o: &CheckOutcome) -> Vec<String> {
        lines(o, Theme::new(false, false))
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn redirect_map_shows_every_hop() {
        let o = outcome(
            "http.redirects",
            json!({"chains": [{"entry": "http://www.example.test/", "hops": [
                {"url": "http://www.example.test/", "status": 301, "location": "https://www.example.test/"},
                {"url": "https://www.example.test/", "status": 200}]}]}),
        );
        assert_eq!(
            text(&o)[1],
            "  http://www.example.test/ [301] → https://www.example.test/ [200]"
        );
    }

    #[test]
    fn certificate_summary_and_chain() {
        let o = outcome(
            "tls.certificate",
            json!({"protocol": "TLSv1_3", "trust": "trusted", "days_to_expiry": 59,
                   "chain": [{"subject": "CN=www.example.test", "key_type": "EC", "key_bits": 256,
                              "not_after": "2027-01-22T02:10:33Z", "sans": ["www.example.test"],
                              "issuer": "CN=Lab CA\u{1b}]0;pwned\u{7}"}]}),
        );
        let t = text(&o);
        assert_eq!(t[1], "  TLS 1.3 · trust: trusted · expires in 59 days");
        assert_eq!(
            t[2],
            "  #0 CN=www.example.test · EC 256 · until 2027-01-22T02:10:33Z"
        );
        assert_eq!(t[4], "     issued by CN=Lab CA");
    }

    #[test]
    fn protocol_versions_read_as_people_write_them() {
        assert_eq!(protocol_label("TLSv1_2"), "TLS 1.2");
        assert_eq!(protocol_label("TLS 1.3"), "TLS 1.3");
        assert_eq!(protocol_label("unknown"), "unknown");
    }

    #[test]
    fn odd_or_missing_evidence_gives_nothing_or_placeholders() {
        assert!(text(&outcome("tls.certificate", json!(null))).is_empty());
        assert!(text(&outcome("http.headers", json!({"x": 1}))).is_empty());
        let t = text(&outcome(
            "http.redirects",
            json!({"chains": [{"hops": [{"status": "x"}]}]}),
        ));
        assert_eq!(t[1], "  ? [no answer]");
    }
}
