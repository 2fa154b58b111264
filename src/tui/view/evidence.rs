//! Readable summaries of the structured evidence some checks keep: the certificate chain of
//! `tls.certificate`, the hop-by-hop redirect map of `http.redirects`, the record map of
//! `dns.records`, the parsed email records, the measured figures of each perf route
//! (p50/p95 against the budget, requests a second, errors — for a passing route too, whose
//! result has no finding to say it); and, under a finding, what its message leaves out
//! (`finding_detail`: the names of the env variables a file is missing).
//! The detail pane shows them under the findings so the operator sees *what was
//! observed*, not only what was wrong. Other kinds return nothing here: their summary line
//! says enough.
//!
//! The shapes come from `launch_ready_core::evidence` (the types the report reads too); every string
//! is from the network, so it goes through the sanitiser here.

use crate::tui::theme::Theme;
use launch_ready_core::evidence::{
    CertificateEvidence, ChainEndEvidence, CloudflareEvidence, DkimEvidence, DmarcEvidence,
    EnvNames, LoadReport, Observed, PayloadEvidence, RecordMap, RedirectEvidence, SpfEvidence,
};
use launch_ready_core::finding::Finding;
use launch_ready_core::sanitize::sanitize_line;
use launch_ready_core::session::model::CheckOutcome;
use ratatui::text::{Line, Span};

/// The evidence summary of one outcome (empty for kinds without one).
pub fn lines(outcome: &CheckOutcome, t: Theme) -> Vec<Line<'static>> {
    lines_at(outcome, &outcome.target, t)
}

/// As `lines`, with the target shown as `shown` (a path folded for the screen).
pub fn lines_at(outcome: &CheckOutcome, shown: &str, t: Theme) -> Vec<Line<'static>> {
    let body = match &*outcome.observed() {
        Observed::Certificate(c) => certificate(c),
        Observed::Redirects(r) => redirects(r),
        Observed::Records(m) => records(m),
        Observed::Spf(e) => spf(e),
        Observed::Dmarc(e) => dmarc(e),
        Observed::Dkim(d) => dkim(d),
        Observed::Cloudflare(c) => cloudflare(c),
        Observed::Perf(p) => perf(p),
        Observed::Payload(p) => payload(p),
        Observed::Vitals(v) => vitals(v),
        _ => Vec::new(),
    };
    if body.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Line::from(Span::styled(
        format!("▸ {}", sanitize_line(shown)),
        t.title(),
    ))];
    out.extend(
        body.into_iter()
            .map(|l| Line::from(Span::styled(format!("  {l}"), t.text()))),
    );
    out
}

fn joined(items: &[String]) -> String {
    items
        .iter()
        .map(|x| sanitize_line(x))
        .collect::<Vec<_>>()
        .join(", ")
}

fn certificate(ev: &CertificateEvidence) -> Vec<String> {
    let mut out = Vec::new();
    let head: Vec<String> = [
        ev.protocol.as_deref().map(protocol_label),
        ev.cipher_suite.clone(),
        ev.trust.as_ref().map(|x| format!("trust: {x}")),
        ev.days_to_expiry.map(|d| format!("expires in {d} days")),
    ]
    .into_iter()
    .flatten()
    .map(|x| sanitize_line(&x))
    .collect();
    if !head.is_empty() {
        out.push(head.join(" · "));
    }
    for (i, cert) in ev.chain.iter().enumerate() {
        let key = match (&cert.key_type, cert.key_bits) {
            (Some(k), Some(b)) => format!("{} {b}", sanitize_line(k)),
            (Some(k), None) => sanitize_line(k),
            _ => String::new(),
        };
        out.push(format!(
            "#{i} {} · {key} · until {}",
            sanitize_line(if cert.subject.is_empty() {
                "?"
            } else {
                &cert.subject
            }),
            sanitize_line(cert.not_after.as_deref().unwrap_or("?")),
        ));
        let sans = joined(&cert.sans);
        if !sans.is_empty() {
            out.push(format!("   names: {sans}"));
        }
        if let Some(issuer) = &cert.issuer {
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

fn redirects(ev: &RedirectEvidence) -> Vec<String> {
    let mut out: Vec<String> = ev
        .chains
        .iter()
        .map(|chain| {
            let mut parts = Vec::new();
            for hop in &chain.hops {
                let status = hop
                    .status
                    .map_or_else(|| "no answer".to_string(), |c| c.to_string());
                let url = if hop.url.is_empty() { "?" } else { &hop.url };
                parts.push(format!("{} [{status}]", sanitize_line(url)));
            }
            if parts.is_empty() {
                parts.push(sanitize_line(if chain.entry.is_empty() {
                    "?"
                } else {
                    &chain.entry
                }));
            }
            // How the chain ended, when not on a page: the hop that closes a loop is the
            // one the operator needs to see.
            match chain_end(chain.end.as_ref()) {
                Some(end) => format!("{} → {end}", parts.join(" → ")),
                None => parts.join(" → "),
            }
        })
        .collect();
    if let Some(d) = &ev.discovered {
        out.push(format!("also probed {} (not configured)", sanitize_line(d)));
    }
    if let Some(max) = ev.hops_max {
        out.push(format!("budget: at most {max} hop(s) to the canonical URL"));
    }
    out
}

/// The end of a chain that is not a final page: a loop back to a URL, too many hops, an
/// unusable location or a hop that got no answer.
fn chain_end(end: Option<&ChainEndEvidence>) -> Option<String> {
    match end? {
        ChainEndEvidence::Final { .. } => None,
        ChainEndEvidence::Loop { revisited } => {
            Some(format!("{} (loop)", sanitize_line(revisited)))
        }
        ChainEndEvidence::TooManyHops { too_many_hops } => {
            Some(format!("… (still redirecting after {too_many_hops} hops)"))
        }
        ChainEndEvidence::BadLocation { bad_location } => Some(format!(
            "unusable location `{}`",
            sanitize_line(bad_location)
        )),
        ChainEndEvidence::Error { error } => Some(format!("no answer: {}", sanitize_line(error))),
    }
}

fn records(ev: &RecordMap) -> Vec<String> {
    let mut out = Vec::new();
    let chain = joined(&ev.cname_chain);
    if !chain.is_empty() {
        out.push(format!("CNAME {chain}"));
    }
    for (label, values) in [
        ("A", &ev.a),
        ("AAAA", &ev.aaaa),
        ("NS", &ev.ns),
        ("MX", &ev.mx),
        ("CAA", &ev.caa),
    ] {
        let v = joined(values);
        if !v.is_empty() {
            out.push(format!("{label} {v}"));
        }
    }
    out
}

fn spf(ev: &SpfEvidence) -> Vec<String> {
    match ev {
        SpfEvidence::Evaluated(e) => {
            let t = &e.totals;
            vec![
                sanitize_line(&e.record),
                format!(
                    "{} of {} DNS lookups, {} void (limit {})",
                    t.dns_lookups, t.lookup_limit, t.void_lookups, t.void_limit
                ),
            ]
        }
        _ => Vec::new(),
    }
}

fn dmarc(ev: &DmarcEvidence) -> Vec<String> {
    ev.record().map(sanitize_line).into_iter().collect()
}

fn dkim(ev: &DkimEvidence) -> Vec<String> {
    ev.found
        .iter()
        .map(|f| {
            let bits = f.bits.map_or(String::new(), |b| format!(" {b} bits"));
            format!(
                "{}: {}{bits}",
                sanitize_line(if f.selector.is_empty() {
                    "?"
                } else {
                    &f.selector
                }),
                sanitize_line(f.key_type.as_deref().unwrap_or("?")),
            )
        })
        .collect()
}

/// "12 ms" for a latency (to the millisecond; under 10 ms, to the tenth).
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

/// One line per route: method and name, the percentiles against the budget, the rate and
/// the errors.
/// Each file's size on the wire and encoding, under the budget they were held to.
fn payload(ev: &PayloadEvidence) -> Vec<String> {
    use launch_ready_checks::http::payload::kib;
    let mut out = vec![format!(
        "{} in {} file(s); budget {} per response (asked for {})",
        kib(ev.total_bytes),
        ev.files.len(),
        kib(u64::from(ev.budget_kib) * 1024),
        sanitize_line(&ev.accept_encoding)
    )];
    out.extend(ev.files.iter().map(|f| {
        format!(
            "{} {}: {} {}",
            sanitize_line(&f.role),
            sanitize_line(&f.url),
            kib(f.bytes),
            f.encoding
                .as_deref()
                .map_or("uncompressed".to_string(), sanitize_line)
        )
    }));
    out
}

fn perf(ev: &LoadReport) -> Vec<String> {
    ev.routes
        .iter()
        .filter(|r| r.requests > 0)
        .map(|r| {
            let l = &r.latency_ms;
            let budget = if r.p95_budget_ms > 0 {
                format!(" (budget {} ms)", r.p95_budget_ms)
            } else {
                String::new()
            };
            let errors = if r.error_rate_pct == 0.0 {
                "no errors".to_string()
            } else {
                format!("{:.1} % errors", r.error_rate_pct)
            };
            let name = if r.name.is_empty() { &r.url } else { &r.name };
            format!(
                "{} {}: p50 {} · p95 {}{budget} · {:.0} req/s · {errors} in {} requests",
                sanitize_line(&r.method),
                sanitize_line(name),
                ms(l.p50),
                ms(l.p95),
                r.rps,
                r.requests
            )
        })
        .collect()
}

/// A page's vitals against their targets, then Lighthouse's largest opportunities.
fn vitals(ev: &launch_ready_core::evidence::VitalsEvidence) -> Vec<String> {
    let t = ev.targets;
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "not measured".into());
    let mut out = vec![format!(
        "score {} (target {}) · LCP {} (target {:.1} s) · CLS {} (target {:.2}) · TBT {} (target {} ms)",
        or_dash(ev.score.map(|s| s.to_string())),
        t.score,
        or_dash(ev.lcp_ms.map(|v| format!("{:.1} s", v / 1000.0))),
        f64::from(t.lcp_ms) / 1000.0,
        or_dash(ev.cls.map(|v| format!("{v:.2}"))),
        t.cls,
        or_dash(ev.tbt_ms.map(|v| format!("{v:.0} ms"))),
        t.tbt_ms
    )];
    out.extend(ev.opportunities.iter().take(3).map(|o| {
        format!(
            "{}: saves ~{:.1} s, {} KiB",
            sanitize_line(&o.title),
            o.savings_ms / 1000.0,
            o.savings_bytes / 1024
        )
    }));
    out.extend(
        ev.not_measured
            .iter()
            .map(|n| format!("not measured: {}", sanitize_line(&n.id))),
    );
    out
}

/// What a finding's message leaves out and the operator needs, said under it: the names
/// of the variables an env file is missing (`env.missing_var` says how many).
pub fn finding_detail(f: &Finding) -> Option<String> {
    if f.code != "env.missing_var" {
        return None;
    }
    let e = EnvNames::of(&f.evidence);
    if e.names.is_empty() {
        return None;
    }
    let from = e.reference.as_deref().map_or(String::new(), |r| {
        format!(" (listed in {})", sanitize_line(r))
    });
    Some(format!("missing{from}: {}", joined(&e.names)))
}

fn cloudflare(ev: &CloudflareEvidence) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(zone) = &ev.zone {
        let head: Vec<String> = [
            Some(format!("zone {}", zone.name)),
            zone.plan.as_ref().map(|p| format!("plan {p}")),
            zone.ssl_mode.as_ref().map(|s| format!("SSL {s}")),
            zone.min_tls_version
                .as_ref()
                .map(|v| format!("min TLS {v}")),
        ]
        .into_iter()
        .flatten()
        .map(|x| sanitize_line(&x))
        .collect();
        out.push(head.join(" · "));
        for r in &zone.records {
            out.push(format!(
                "{} {} {}",
                sanitize_line(&r.kind),
                sanitize_line(&r.name),
                if r.proxied { "proxied" } else { "DNS only" }
            ));
        }
        for u in &zone.unread {
            out.push(format!(
                "not read: {} ({})",
                sanitize_line(&u.part),
                sanitize_line(&u.reason)
            ));
        }
    }
    if let Some(host) = &ev.api_host {
        out.push(format!("API at {}", sanitize_line(host)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_core::finding::CheckStatus;
    use serde_json::{Value, json};

    fn outcome(check: &str, evidence: Value) -> CheckOutcome {
        CheckOutcome {
            check: check.into(),
            family: check.split('.').next().unwrap_or_default().into(),
            target: "www.example.test".into(),
            status: CheckStatus::Pass,
            duration_ms: 1,
            summary: String::new(),
            findings: Vec::new(),
            evidence: launch_ready_core::evidence::Observed::read(
                launch_ready_core::catalog::KindId::parse(check),
                evidence,
            ),
            explained_by: None,
            needs_credential: None,
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
    fn redirect_map_ends_on_the_hop_that_closes_a_loop() {
        let o = outcome(
            "http.redirects",
            json!({"chains": [{"entry": "http://h.test/", "hops": [
                {"url": "http://h.test/", "status": 301, "location": "http://h.test/a"},
                {"url": "http://h.test/a", "status": 302, "location": "/"}],
                "end": {"loop": "http://h.test/"}}]}),
        );
        assert_eq!(
            text(&o)[1],
            "  http://h.test/ [301] → http://h.test/a [302] → http://h.test/ (loop)"
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
    fn a_passing_perf_route_shows_its_figures() {
        let o = outcome(
            "perf.latency",
            json!({"routes": [{"name": "home", "method": "GET", "url": "https://www.example.test/",
                   "requests": 50, "rps": 252.47, "error_rate_pct": 0.0, "p95_budget_ms": 300,
                   "latency_ms": {"p50": 3.263, "p90": 7.1, "p95": 8.575, "p99": 12.2, "max": 12.2}}]}),
        );
        assert_eq!(
            text(&o)[1],
            "  GET home: p50 3.3 ms · p95 8.6 ms (budget 300 ms) · 252 req/s · no errors in 50 requests"
        );
    }

    #[test]
    fn missing_env_variables_are_named() {
        use launch_ready_core::code::Code;
        let f = Finding::new(
            Code::EnvMissingVar,
            "production: 2 variable(s) of example missing")
        .with_evidence(json!({"environment": "production", "names": ["SENTRY_DSN", "SMTP_URL"], "reference": "example"}));
        assert_eq!(
            finding_detail(&f).as_deref(),
            Some("missing (listed in example): SENTRY_DSN, SMTP_URL")
        );
        let other = Finding::new(Code::EnvSharedSecret, "x")
            .with_evidence(json!({"names": ["SESSION_SECRET"]}));
        assert_eq!(finding_detail(&other), None);
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
        // A field of the wrong type: the evidence does not fit, nothing is shown.
        assert!(
            text(&outcome(
                "http.redirects",
                json!({"chains": [{"hops": [{"status": "x"}]}]}),
            ))
            .is_empty()
        );
        let t = text(&outcome(
            "http.redirects",
            json!({"chains": [{"hops": [{}]}]}),
        ));
        assert_eq!(t[1], "  ? [no answer]");
    }
}
