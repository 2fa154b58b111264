//! Inline SVG charts for the HTML pack, drawn by hand (no script, no external asset): p95
//! latency per route against its budget, and the monitor's latest probe per target. Text
//! inside is escaped here, since the template inserts the SVG as markup.

use super::model::{MonitoredTarget, RouteLatency};
use launch_ready_core::catalog::KindId;
use std::fmt::Write;

/// Escapes text for an SVG text node or attribute.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const LABEL_W: f64 = 170.0;
const BAR_W: f64 = 380.0;
const ROW_H: f64 = 34.0;

/// Horizontal bars: each route's p95 (green within budget, red over), with its budget as a
/// dark tick. Empty when there are no routes.
pub fn latency_svg(routes: &[RouteLatency]) -> String {
    if routes.is_empty() {
        return String::new();
    }
    let max = routes
        .iter()
        .map(|r| r.p95_ms.max(f64::from(r.budget_ms)))
        .fold(1.0_f64, f64::max)
        * 1.1;
    let width = LABEL_W + BAR_W + 110.0;
    let height = ROW_H * routes.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="p95 latency per route against budget" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">"#
    );
    for (i, r) in routes.iter().enumerate() {
        let y = ROW_H * i as f64 + 6.0;
        let w = (r.p95_ms / max * BAR_W).max(1.0);
        let class = if r.within_budget { "ok" } else { "over" };
        let name = if r.name.is_empty() { &r.url } else { &r.name };
        let label = if r.kind == KindId::PerfLoad.as_str() {
            format!("{name} (load)")
        } else {
            name.clone()
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end" class="lbl">{}</text><rect x="{LABEL_W}" y="{y}" width="{w:.1}" height="20" class="bar {class}"><title>{} p95 {:.0} ms</title></rect><text x="{:.1}" y="{}" class="val">{:.0} ms</text>"#,
            LABEL_W - 8.0,
            y + 15.0,
            esc(&label),
            esc(&r.url),
            r.p95_ms,
            // Right of the bar and of the budget tick, so the figure never sits on it.
            LABEL_W + w.max(f64::from(r.budget_ms) / max * BAR_W) + 6.0,
            y + 15.0,
            r.p95_ms
        );
        if r.budget_ms > 0 {
            let bx = LABEL_W + f64::from(r.budget_ms) / max * BAR_W;
            let _ = write!(
                s,
                r#"<line x1="{bx:.1}" x2="{bx:.1}" y1="{}" y2="{}" class="budget"><title>budget {} ms</title></line>"#,
                y - 3.0,
                y + 23.0,
                r.budget_ms
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{LABEL_W}" y="{}" class="legend">bar: p95 · tick: budget</text></svg>"#,
        height - 6.0
    );
    s
}

/// One row per monitored target: its latest state, then the session's recent probes as a
/// strip of cells (green up, red down), oldest left, with the uptime share. Empty when
/// nothing was probed.
pub fn monitor_svg(targets: &[MonitoredTarget]) -> String {
    let probed: Vec<&MonitoredTarget> = targets
        .iter()
        .filter(|t| t.status != "not probed")
        .collect();
    if probed.is_empty() {
        return String::new();
    }
    const CELL: f64 = 4.0;
    let height = ROW_H * probed.len() as f64 + 6.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-label="probe history per monitored target" viewBox="0 0 {} {height}" xmlns="http://www.w3.org/2000/svg">"#,
        LABEL_W + BAR_W
    );
    for (i, t) in probed.iter().enumerate() {
        let y = ROW_H * i as f64 + 6.0;
        let up = matches!(t.status.as_str(), "pass" | "up");
        let class = if up { "ok" } else { "over" };
        let _ = write!(
            s,
            r#"<rect x="0" y="{y}" width="12" height="12" class="bar {class}"/><text x="18" y="{}" class="val">{}</text>"#,
            y + 10.0,
            esc(&t.target),
        );
        let Some(h) = &t.history else {
            let _ = write!(
                s,
                r#"<text x="18" y="{}" class="val">{}</text>"#,
                y + 26.0,
                esc(&t.status)
            );
            continue;
        };
        // The newest probes that fit the strip.
        let fit = ((LABEL_W + BAR_W - 120.0) / CELL) as usize;
        let skip = h.recent_up.len().saturating_sub(fit);
        for (k, up) in h.recent_up.iter().skip(skip).enumerate() {
            let class = if *up { "ok" } else { "over" };
            let _ = write!(
                s,
                r#"<rect x="{}" y="{}" width="{}" height="10" class="bar {class}"/>"#,
                18.0 + k as f64 * CELL,
                y + 16.0,
                CELL - 1.0
            );
        }
        if let Some(pct) = h.uptime_pct {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="val">{pct:.2} % up</text>"#,
                LABEL_W + BAR_W - 95.0,
                y + 25.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(name: &str, p95: f64, budget: u32) -> RouteLatency {
        RouteLatency {
            name: name.into(),
            method: "GET".into(),
            url: format!("https://a.test/{name}"),
            requests: 10,
            p50_ms: p95 / 2.0,
            p95_ms: p95,
            p99_ms: p95,
            budget_ms: budget,
            error_rate_pct: 0.0,
            error_budget_pct: 1.0,
            within_budget: p95 <= f64::from(budget),
            kind: "perf.latency".into(),
        }
    }

    #[test]
    fn bars_mark_routes_over_budget_and_escape_names() {
        let svg = latency_svg(&[route("<home>", 120.0, 300), route("login", 900.0, 300)]);
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains("&lt;home&gt;"), "{svg}");
        assert!(!svg.contains("<home>"));
        assert_eq!(svg.matches("bar ok").count(), 1);
        assert_eq!(svg.matches("bar over").count(), 1);
        assert_eq!(svg.matches("class=\"budget\"").count(), 2);
        assert!(latency_svg(&[]).is_empty());
    }
}
