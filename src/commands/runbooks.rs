//! `launch-ready runbooks list|show|validate`.

use super::{Failure, Outcome};
use launch_ready_core::runbook::library::Library;
use launch_ready_core::runbook::{Origin, Run, load};
use launch_ready_core::sanitize::{sanitize, sanitize_line};
use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

pub fn library() -> Library {
    Library::installed()
}

pub fn list(out: &mut String) -> Outcome {
    // Fit a terminal; a pipe gets whole values (scripts and `grep` want them all).
    let width = std::io::stdout()
        .is_terminal()
        .then(|| crossterm::terminal::size().ok())
        .flatten()
        .map(|(w, _)| usize::from(w));
    list_to(&library(), width, out)
}

/// The list as a table, columns as wide as their widest value; with `width` (a terminal's
/// columns) the product column alone gives way so the line fits.
pub fn list_to(lib: &Library, width: Option<usize>, out: &mut String) -> Outcome {
    let header = ["ID", "STAGES", "CHECKS", "PRODUCT / MATURITY", "SOURCE"];
    let rows: Vec<[String; 5]> = lib
        .runbooks
        .iter()
        .map(|l| {
            let rb = &l.runbook;
            [
                sanitize_line(&rb.id),
                rb.stages.len().to_string(),
                rb.check_count().to_string(),
                sanitize_line(&format!("{} / {}", rb.product_kind, rb.maturity)),
                sanitize_line(&source(&l.origin)),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    if let Some(total) = width {
        // Everything but the product column, with the two-space gaps.
        let fixed: usize = widths[0] + widths[1] + widths[2] + widths[4] + 4 * 2;
        widths[3] = widths[3].min(total.saturating_sub(fixed).max(header[3].len()));
    }
    let line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i == 4 {
                l.push_str(cell);
            } else {
                let cell = truncate(cell, widths[i]);
                let pad = widths[i].saturating_sub(cell.width());
                l.push_str(&cell);
                l.push_str(&" ".repeat(pad + 2));
            }
        }
        l
    };
    let _ = writeln!(out, "{}", line(header));
    for row in &rows {
        let _ = writeln!(out, "{}", line(row.each_ref().map(String::as_str)));
    }
    for e in &lib.errors {
        let _ = writeln!(out, "invalid: {}", sanitize(&e.to_string()));
    }
    Ok(if lib.errors.is_empty() { 0 } else { 2 })
}

/// Where a runbook comes from, usable from any folder: "bundled" for the ones compiled in,
/// else the file's absolute path.
fn source(origin: &Origin) -> String {
    match origin {
        Origin::Bundled(_) => "bundled".to_string(),
        Origin::File(p) => std::path::absolute(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
    }
}

pub fn show(id: &str, out: &mut String) -> Outcome {
    let lib = library();
    let l = lib.resolve(id).map_err(|e| Failure::usage(e.to_string()))?;
    render(&l.runbook, out);
    Ok(0)
}

pub fn validate(files: &[PathBuf], out: &mut String) -> Outcome {
    let mut errors = Vec::new();
    for f in files {
        match load::load_file(f) {
            Ok(l) => {
                let _ = writeln!(
                    out,
                    "{}: ok ({}: {} stages, {} checks)",
                    f.display(),
                    l.runbook.id,
                    l.runbook.stages.len(),
                    l.runbook.check_count()
                );
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(0)
    } else {
        Err(Failure::usage(errors.join("\n")))
    }
}

/// `s` cut to `n` columns, the cut marked with `…`.
fn truncate(s: &str, n: usize) -> String {
    if s.width() <= n {
        return s.to_string();
    }
    let mut t = String::new();
    for c in s.chars() {
        if t.width() + c.width().unwrap_or(0) + 1 > n {
            break;
        }
        t.push(c);
    }
    t.push('…');
    t
}

/// The numbers a runbook sets (every other one takes its default), each with what
/// applies it.
fn render_targets(t: &launch_ready_core::runbook::model::Targets, out: &mut String) {
    use launch_ready_core::runbook::readers;
    let values = serde_json::to_value(t).unwrap_or_default();
    for field in readers::set_fields(t) {
        let value = values
            .get(field)
            .map(ToString::to_string)
            .unwrap_or_default();
        let by: Vec<&str> = readers::readers(field)
            .unwrap_or_default()
            .iter()
            .map(|r| r.name())
            .collect();
        let _ = writeln!(
            out,
            "  {field} = {value}{} (read by {})",
            target_unit(field),
            by.join(", ")
        );
    }
}

/// The unit a target field is written in.
pub fn target_unit(field: &str) -> &'static str {
    match field {
        f if f.ends_with("_ms") => " ms",
        f if f.ends_with("_pct") => " %",
        f if f.ends_with("_min") => " min",
        f if f.ends_with("_kib") => " KiB",
        f if f.ends_with("_days") => " days",
        f if f.ends_with("_hours") => " h",
        "concurrent_users" => " users",
        "probes_before_alert" => " probes",
        "redirect_hops_max" => " hop(s)",
        "rate_limit_burst" => " requests",
        _ => "",
    }
}

/// Plain-text rendering of a whole runbook.
pub fn render(rb: &launch_ready_core::runbook::Runbook, out: &mut String) {
    let _ = writeln!(out, "{} — {}", rb.id, rb.title);
    let _ = writeln!(out, "For: {} ({})\n", rb.product_kind, rb.maturity);
    let _ = writeln!(out, "{}\n", rb.summary);
    let t = &rb.targets;
    let _ = writeln!(out, "Minimum bar");
    render_targets(t, out);
    for b in &rb.minimum_bar {
        let kinds: Vec<&str> = b.kinds.iter().map(|k| k.0.name).collect();
        let decided = if kinds.is_empty() {
            "not checked automatically".to_string()
        } else {
            format!("checked by {}", kinds.join(", "))
        };
        let _ = writeln!(out, "  - [{}] {} ({decided})", b.area, b.requirement);
    }
    for (i, s) in rb.stages.iter().enumerate() {
        let _ = writeln!(
            out,
            "\nStage {} · {} (hours {}–{}) [{}]",
            i + 1,
            s.title,
            s.hours.0,
            s.hours.1,
            s.id
        );
        let _ = writeln!(out, "  Goal: {}", s.goal);
        for c in &s.checks {
            let how = match &c.run {
                Run::Manual { .. } => "manual".to_string(),
                Run::Auto { kind, .. } => kind.0.name.to_string(),
            };
            let _ = writeln!(
                out,
                "  [ ] {} ({}, {}) [{}]",
                c.title, c.severity, how, c.id
            );
        }
        for d in &s.deliverables {
            let _ = writeln!(out, "  Deliverable: {d}");
        }
        for f in &s.failure_signals {
            let _ = writeln!(out, "  Failure signal: {f}");
        }
    }
    let _ = writeln!(out, "\nAutomate");
    for a in &rb.automation {
        let kinds: Vec<&str> = a.kinds.iter().map(|k| k.0.name).collect();
        let _ = writeln!(
            out,
            "  - [{}] {} — {} {}",
            a.area,
            a.what,
            a.why,
            if kinds.is_empty() {
                String::new()
            } else {
                format!("({})", kinds.join(", "))
            }
        );
    }
    if !rb.daily_metrics.is_empty() {
        let _ = writeln!(out, "\nWatch daily: {}", rb.daily_metrics.join(", "));
    }
    let _ = writeln!(out, "\nDo not overbuild");
    for o in &rb.do_not_overbuild {
        let _ = writeln!(out, "  - {} — {}", o.what, o.why);
    }
    let _ = writeln!(out, "\nSprint map");
    for s in &rb.sprint_map {
        let _ = writeln!(
            out,
            "  - {} → {} — {}",
            s.item,
            s.stages.join(", "),
            s.outcome
        );
    }
    let _ = writeln!(out, "\nSequence");
    for s in &rb.sequence {
        let _ = writeln!(out, "  h{:>2}–{:<2} {}", s.hours.0, s.hours.1, s.title);
        for d in &s.detail {
            let _ = writeln!(out, "         · {d}");
        }
    }
}
