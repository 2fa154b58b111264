//! The text form of a load report: one block per route, the rate line in open loop, and
//! the findings against the budgets.

use launch_ready_checks::perf::flows;
use launch_ready_checks::perf::report::findings;
use launch_ready_checks::perf::stats::Percentiles;
use launch_ready_checks::perf::step::StepReport;
use launch_ready_checks::perf::{LoadReport, RouteReport};
use launch_ready_core::catalog::KindId;
use launch_ready_core::evidence::FlowLoadReport;
use launch_ready_core::sanitize::sanitize_line;
use std::fmt::Write;

fn pct(p: &Percentiles) -> String {
    format!(
        "p50 {:.1}  p90 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1}",
        p.p50, p.p90, p.p95, p.p99, p.max
    )
}

fn errors(r: &RouteReport) -> String {
    let list: Vec<String> = r
        .errors
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if list.is_empty() {
        "none".into()
    } else {
        format!("{} ({:.2} %)", list.join(", "), r.error_rate_pct)
    }
}

pub fn render(rep: &LoadReport) -> String {
    let mut s = String::new();
    let mode = match rep.intended_rps {
        Some(r) => format!(
            "fixed rate {r} req/s over at most {} connections",
            rep.connections
        ),
        None => format!("{} connections (closed loop)", rep.connections),
    };
    let _ = writeln!(
        s,
        "load: {mode}, {}, {:.1} s, {} requests, {:.1} req/s{}",
        rep.protocol,
        rep.duration_s,
        rep.requests,
        rep.rps,
        if rep.cancelled { " (cancelled)" } else { "" }
    );
    for r in &rep.routes {
        if r.name.contains(flows::SEPARATOR) {
            let _ = writeln!(s, "\n{}  ({} {})", r.name, r.method, r.url);
        } else {
            let _ = writeln!(s, "\n{} {}", r.method, r.url);
        }
        let _ = writeln!(s, "  requests   {}  ({:.1} req/s)", r.requests, r.rps);
        let _ = writeln!(s, "  latency ms {}", pct(&r.latency_ms));
        if let Some(raw) = &r.raw_latency_ms {
            let _ = writeln!(
                s,
                "  raw ms     {}  (from the actual send; hides queueing)",
                pct(raw)
            );
        }
        let _ = writeln!(s, "  errors     {}", errors(r));
        let _ = writeln!(s, "  body       up to {} bytes", r.max_body_bytes);
    }
    for f in &rep.flows {
        render_flow(&mut s, f);
    }
    if let (Some(i), Some(a)) = (rep.intended_rps, rep.achieved_rps) {
        let _ = writeln!(
            s,
            "\nrate: intended {i:.1} req/s, achieved {a:.1} req/s; {} requests waited for a connection; worst send lateness {:.1} ms",
            rep.waited_for_connection, rep.max_send_lateness_ms
        );
        if rep.generator_fell_behind {
            let _ = writeln!(
                s,
                "warning: the generator itself fell behind its schedule (over 1 % of sends late with a connection free): lower --rate or run it on a quieter machine"
            );
        }
    }
    let found: Vec<_> = rep
        .routes
        .iter()
        .flat_map(|r| findings(KindId::PerfLoad, r, &rep.budgets))
        .collect();
    let _ = writeln!(s);
    if found.is_empty() {
        let _ = writeln!(
            s,
            "within budget (p95 {} ms reads, {} ms writes, errors {} %)",
            rep.budgets.p95_read_ms, rep.budgets.p95_write_ms, rep.budgets.error_rate_pct
        );
    }
    for f in found {
        let _ = writeln!(s, "{} [{}] {}", f.code, f.severity, f.message);
    }
    s
}

/// A flow's iterations: how many completed and how fast, and where the others failed.
fn render_flow(s: &mut String, f: &FlowLoadReport) {
    let _ = writeln!(
        s,
        "\nflow `{}`: {} users, {} iterations completed ({:.1}/s), {} failed, {} cut short by the end",
        f.name, f.users, f.completed, f.iterations_per_s, f.failed, f.cut
    );
    if f.completed > 0 {
        let _ = writeln!(s, "  iteration ms {}", pct(&f.iteration_ms));
    }
    for (i, st) in f.steps.iter().enumerate().filter(|(_, st)| st.failed > 0) {
        let _ = writeln!(
            s,
            "  failed at step {} ({}): {} iterations{}",
            i + 1,
            st.name,
            st.failed,
            st.first_failure
                .as_deref()
                .map(|w| format!("; first: {}", sanitize_line(w)))
                .unwrap_or_default()
        );
    }
}

pub fn render_steps(rep: &StepReport) -> String {
    let mut s = String::from("step test (closed loop)\n");
    let _ = writeln!(s, "  conns     req/s   p95 ms  errors %  over budget");
    for st in &rep.steps {
        let _ = writeln!(
            s,
            "  {:>5}  {:>8.1}  {:>7.1}  {:>8.2}  {}",
            st.connections,
            st.rps,
            st.p95_ms,
            st.error_rate_pct,
            if st.over_budget.is_empty() {
                "-".to_string()
            } else {
                st.over_budget.join(", ")
            }
        );
    }
    match (rep.first_bottleneck, rep.cancelled) {
        (_, true) => s.push_str("cancelled\n"),
        (Some(c), _) => {
            let _ = writeln!(s, "first bottleneck at {c} connections");
        }
        (None, _) => s.push_str("no step crossed the budget\n"),
    }
    if let Some(last) = &rep.last {
        s.push('\n');
        s.push_str(&render(last));
    }
    s
}
