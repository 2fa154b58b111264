//! The Monitor screen: per monitored target its state, uptime, a latency sparkline, the
//! last failure and the state of its latest alert, from `App::monitor` (fed by the
//! monitor actor's events). Before a monitor runs it says how to start one and shows the
//! history the session kept from earlier runs.

use super::theme;
use crate::app::App;
use crate::tui::theme::Theme;
use launch_ready_checks::monitor::board::{AlertState, Board, BoardRow, sparkline};
use launch_ready_checks::monitor::state::Health;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::sanitize::sanitize;
use launch_ready_core::session::monitor_log::key_label;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use time::macros::format_description;

/// Alerts of the demo lab's receivers shown at most.
const LAB_LINES: usize = 4;

/// Cells of latency history drawn per target.
const SPARK: usize = 16;

pub fn render(app: &App, frame: &mut Frame, body: Rect) {
    let t = theme(app);
    let block = Block::bordered()
        .title(Span::styled(" Monitor ", t.title()))
        .border_style(t.border(false));
    let inner = block.inner(body);
    frame.render_widget(block, body);
    if app.monitor.rows.is_empty() {
        render_idle(app, t, frame, inner);
        return;
    }
    let goal = app.runbook.targets.uptime_pct;
    // The demo lab's receivers: what an on-call person would have got, newest last.
    let shown = app.lab_alerts.len().min(LAB_LINES);
    let lab_height = if shown == 0 { 0 } else { shown as u16 + 1 };
    let [head, table, lab] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(1),
        Constraint::Length(lab_height),
    ])
    .areas(inner);
    if shown > 0 {
        let mut lines = vec![Line::styled(
            format!("Received by the demo lab ({} in all)", app.lab_alerts.len()),
            t.dim().add_modifier(Modifier::BOLD),
        )];
        lines.extend(
            app.lab_alerts[app.lab_alerts.len() - shown..]
                .iter()
                .map(|l| Line::raw(sanitize(l))),
        );
        frame.render_widget(Paragraph::new(lines), lab);
    }
    frame.render_widget(Paragraph::new(header(&app.monitor, goal, t)), head);
    let rows: Vec<Row> = app
        .monitor
        .rows
        .iter()
        .map(|r| row(&app.monitor, r, goal, t))
        .collect();
    let widths = [
        Constraint::Length(12),
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(SPARK as u16 + 8),
        Constraint::Fill(1),
        Constraint::Length(20),
    ];
    let header_row = Row::new([
        "State",
        "Target",
        "Uptime",
        "Latency",
        "Last failure",
        "Alert",
    ])
    .style(t.dim().add_modifier(Modifier::BOLD));
    frame.render_widget(
        Table::new(rows, widths)
            .header(header_row)
            .column_spacing(1),
        table,
    );
}

fn render_idle(app: &App, t: Theme, frame: &mut Frame, area: Rect) {
    let every = crate::app::monitor_interval(app);
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled("Uptime monitoring", t.title())),
        Line::default(),
        Line::from(format!(
            "m probes the session's pages and flows every {} s and alerts its routes in order · + - interval · t test alert",
            every.as_secs()
        )),
        Line::from(Span::styled(
            "Headless: `launch-ready monitor --session NAME`; `--drill` measures the alert path.",
            t.dim(),
        )),
    ];
    if let Some(test) = &app.monitor.test_alert {
        lines.push(Line::from(sanitize(test)));
    }
    let log = &app.session.monitor;
    if log.targets.is_empty() && log.drills.is_empty() {
        frame.render_widget(
            Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    // With history to show, the how-to shrinks to its lines above the table.
    lines.drain(..3);
    let [top, table] = Layout::vertical([
        Constraint::Length(u16::try_from(lines.len()).unwrap_or(3) + 1),
        Constraint::Min(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(lines).centered().wrap(Wrap { trim: true }),
        top,
    );
    render_history(app, t, frame, table);
}

/// The session's kept history: one row per URL ever monitored, then the latest drill.
fn render_history(app: &App, t: Theme, frame: &mut Frame, area: Rect) {
    let log = &app.session.monitor;
    let hm = format_description!("[month]-[day] [hour]:[minute]");
    let mut rows: Vec<Row> =
        log.targets
            .iter()
            .map(|h| {
                let spark = history_sparkline(h, SPARK);
                let last = h.last_failure().map_or("–".to_string(), |f| {
                    format!(
                        "{} {}",
                        f.at.format(&hm).unwrap_or_default(),
                        sanitize(&f.reason)
                    )
                });
                let uptime = h.uptime_pct();
                Row::new(vec![
                    Cell::from(sanitize(&key_label(&h.url))),
                    Cell::from(uptime.map_or("–".into(), |p| format!("{p:.1}%")))
                        .style(uptime_style(uptime, app.runbook.targets.uptime_pct, t)),
                    Cell::from(format!("{}/{}", h.failures, h.probes)),
                    Cell::from(format!(
                        "{spark:<width$} {}",
                        h.latency_p95()
                            .map_or("–".into(), |ms| format!("p95 {ms} ms")),
                        width = SPARK
                    )),
                    Cell::from(last),
                ])
            })
            .collect();
    if let Some(d) = log.drills().last() {
        let secs =
            |v: Option<u64>| v.map_or("–".into(), |m| format!("{:.1} s", m as f64 / 1000.0));
        rows.push(Row::new(vec![
            Cell::from(format!(
                "drill {} {}",
                d.at.format(&hm).unwrap_or_default(),
                if d.passed { "passed" } else { "FAILED" }
            )),
            Cell::from(""),
            Cell::from(""),
            Cell::from(format!("detected {}", secs(d.detection_ms))),
            Cell::from(format!("alerted {}", secs(d.alert_ms))),
        ]));
        // Each route's own figures: the test alert, then how the outage reached it. A
        // route answers in milliseconds, which tenths of a second would round away.
        let secs = |v: Option<u64>| match v {
            Some(m) if m < 1000 => format!("{m} ms"),
            other => secs(other),
        };
        for r in &d.routes {
            let reached = r.reached(secs);
            rows.push(Row::new(vec![
                Cell::from(format!(" {} ({})", sanitize(&r.name), r.kind.as_str())),
                Cell::from(""),
                Cell::from(""),
                Cell::from(format!("test {} · {reached}", secs(r.test_alert_ms))),
                Cell::from(match &r.error {
                    Some(e) => format!("NOT delivered: {}", sanitize(e)),
                    None if !r.paged => {
                        launch_ready_core::session::monitor_log::NOT_PAGED_WHY.to_string()
                    }
                    None => format!("recovery {}", secs(r.recovery_alert_ms)),
                })
                .style(if r.error.is_some() {
                    t.error()
                } else {
                    t.text()
                }),
            ]));
        }
    }
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(SPARK as u16 + 14),
        Constraint::Fill(1),
    ];
    let header = Row::new(["History", "Uptime", "Failed", "Latency", "Last failure"])
        .style(t.dim().add_modifier(Modifier::BOLD));
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

/// The sparkline of a kept history, drawn like the live one.
fn history_sparkline(
    h: &launch_ready_core::session::monitor_log::TargetLog,
    width: usize,
) -> String {
    let mut rules =
        launch_ready_checks::monitor::state::Rules::every(std::time::Duration::from_secs(60));
    rules.history = width;
    let mut s = launch_ready_checks::monitor::state::TargetState::new(&rules);
    let first = h.recent.front().map(|p| p.at);
    for p in &h.recent {
        let at = first.map_or(std::time::Duration::ZERO, |f| {
            std::time::Duration::try_from(p.at - f).unwrap_or_default()
        });
        let result = if p.up {
            launch_ready_checks::monitor::state::ProbeResult::Up {
                status: 200,
                latency_ms: p.latency_ms.unwrap_or(0),
            }
        } else {
            launch_ready_checks::monitor::state::ProbeResult::Down {
                reason: String::new(),
                latency_ms: p.latency_ms,
            }
        };
        s.record(&rules, at, &result);
    }
    sparkline(&s, width)
}

/// Uptime under the runbook's goal reads as a failure.
fn uptime_style(pct: Option<f64>, goal: Option<f64>, t: Theme) -> Style {
    match (pct, goal) {
        (Some(p), Some(g)) if p < g => t.error(),
        _ => t.text(),
    }
}

fn header(b: &Board, goal: Option<f64>, t: Theme) -> Vec<Line<'static>> {
    let rules = b.rules.clone().unwrap_or_else(|| {
        launch_ready_checks::monitor::state::Rules::every(std::time::Duration::from_secs(60))
    });
    let route = b.route.clone().unwrap_or_else(|| "looking it up…".into());
    let test = b
        .test_alert
        .as_deref()
        .map_or_else(String::new, |s| format!(" · {}", sanitize(s)));
    vec![
        Line::from(vec![
            Span::styled(
                if b.running {
                    "● running"
                } else {
                    "○ stopped"
                },
                t.text(),
            ),
            Span::styled(
                format!(
                    "  every {} s, confirming every {:.1} s, alert after {} failures",
                    rules.interval.as_secs(),
                    rules.confirm_interval.as_secs_f64(),
                    rules.threshold,
                ) + &test,
                t.dim(),
            ),
        ]),
        Line::from(Span::styled(
            format!(
                "slow above {} ms · uptime goal {}",
                rules.slow_ms,
                goal.map_or("not set by the runbook".into(), |g| format!(
                    "{g}% (red below it)"
                ))
            ),
            t.dim(),
        )),
        // A line of its own: with escalation the routes are a list, in the order they are
        // paged, and they must not be cut off behind the probe settings.
        Line::from(Span::styled(
            if route.contains('→') {
                format!("alert routes, in escalation order: {}", sanitize(&route))
            } else {
                format!("alert route: {}", sanitize(&route))
            },
            t.dim(),
        )),
    ]
}

/// The check-status colours, so up reads as a pass and down as a failure everywhere.
fn health_style(h: Health, t: Theme) -> Style {
    let status = match h {
        Health::Up => CheckStatus::Pass,
        Health::Down => CheckStatus::Fail,
        Health::Suspect | Health::Recovering => CheckStatus::Warn,
        Health::Pending => CheckStatus::Todo,
    };
    t.status(status).add_modifier(Modifier::BOLD)
}

fn row<'a>(b: &Board, r: &'a BoardRow, goal: Option<f64>, t: Theme) -> Row<'a> {
    if let Some(why) = &r.error {
        // Never probed: no uptime or latency to show, only why.
        return Row::new(vec![
            Cell::from(Span::styled(
                "✕ error",
                t.status(CheckStatus::Error).add_modifier(Modifier::BOLD),
            )),
            Cell::from(sanitize(&key_label(&r.url))),
            Cell::from("–"),
            Cell::from("not monitored"),
            Cell::from(sanitize(why)).style(t.error()),
            Cell::from("–"),
        ]);
    }
    let s = &r.state;
    let icon = match s.health {
        Health::Up => "▲ up",
        Health::Down => "▼ DOWN",
        Health::Suspect => "? suspect",
        Health::Recovering => "↗ recovering",
        Health::Pending => "… pending",
    };
    let latency = format!(
        "{:<width$} {}",
        sparkline(s, SPARK),
        s.last_latency()
            .map_or("–".to_string(), |ms| format!("{ms} ms")),
        width = SPARK
    );
    let failure = match &s.last_failure {
        Some((at, why)) => {
            let when = b.started.map_or_else(
                || format!("{:.0} s", at.as_secs_f64()),
                |st| {
                    (st + *at)
                        .format(format_description!("[hour]:[minute]:[second]"))
                        .unwrap_or_default()
                },
            );
            format!("{when} {}", sanitize(why))
        }
        None => "–".into(),
    };
    let alert = match &r.alert {
        AlertState::Quiet => "–".to_string(),
        AlertState::Delivered { event, delivery_ms } => format!("{event} sent ({delivery_ms} ms)"),
        AlertState::Failed { event, .. } => format!("{event} NOT sent"),
    };
    let mut target = sanitize(&key_label(&r.url));
    if let Some(d) = r.cert_days {
        target.push_str(&format!(" (cert {d} d)"));
    }
    Row::new(vec![
        Cell::from(Span::styled(icon, health_style(s.health, t))),
        Cell::from(target),
        Cell::from(format!("{:.1}%", s.uptime_pct())).style(uptime_style(
            Some(s.uptime_pct()),
            goal,
            t,
        )),
        Cell::from(latency),
        Cell::from(failure),
        Cell::from(alert).style(if matches!(r.alert, AlertState::Failed { .. }) {
            t.error()
        } else {
            t.text()
        }),
    ])
}
