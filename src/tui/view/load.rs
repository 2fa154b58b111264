//! The live view of a load test: requests/s and p95 over time, the latency histogram and
//! errors by kind, per route. The generator's ticker aggregates samples into one snapshot
//! per interval off the UI thread; `LiveLoad` keeps a bounded window of those snapshots
//! and this module draws them, so a frame costs the same at 5 connections or 500.

pub use launch_ready_checks::perf::live::{KEEP, LiveLoad};
use launch_ready_checks::perf::stats::ErrorKind;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::symbols::Marker;
use ratatui::text::Line;
use ratatui::widgets::{Axis, BarChart, Block, Chart, Dataset, GraphType, Paragraph, Sparkline};

const COLORS: [Color; 6] = [
    Color::Cyan,
    Color::Yellow,
    Color::Magenta,
    Color::Green,
    Color::Red,
    Color::Blue,
];

fn rps_series(live: &LiveLoad, route: usize) -> Vec<(f64, f64)> {
    live.points
        .iter()
        .filter_map(|s| {
            let r = s.routes.get(route)?;
            Some((s.at_s, r.requests as f64 / s.interval_s.max(1e-3)))
        })
        .collect()
}

fn short(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.0}s", ms / 1000.0)
    } else {
        format!("{ms:.0}ms")
    }
}

pub fn draw(frame: &mut Frame, area: Rect, live: &LiveLoad) {
    let [head, top, mid, bottom, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(40),
        Constraint::Percentage(30),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let state = if live.finished { "finished" } else { "running" };
    frame.render_widget(
        Paragraph::new(format!(
            "{} · {state} · {:.0} s",
            live.title, live.elapsed_s
        )),
        head,
    );
    // Requests/s over time, one line per route.
    let series: Vec<Vec<(f64, f64)>> = (0..live.routes.len())
        .map(|i| rps_series(live, i))
        .collect();
    let max_y = series.iter().flatten().map(|p| p.1).fold(1.0_f64, f64::max) * 1.1;
    let (x0, x1) = (
        live.points.front().map_or(0.0, |s| s.at_s - s.interval_s),
        live.elapsed_s.max(1.0),
    );
    let datasets: Vec<Dataset> = series
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Dataset::default()
                .name(live.routes[i].clone())
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::default().fg(COLORS[i % COLORS.len()]))
                .data(d)
        })
        .collect();
    let chart = Chart::new(datasets)
        .block(Block::bordered().title("requests/s"))
        .x_axis(
            Axis::default()
                .bounds([x0, x1])
                .labels([format!("{x0:.0}s"), format!("{x1:.0}s")]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, max_y])
                .labels(["0".to_string(), format!("{max_y:.0}")]),
        );
    frame.render_widget(chart, top);

    let sel = live.selected.min(live.routes.len().saturating_sub(1));
    let name = live.routes.get(sel).cloned().unwrap_or_default();
    let [p95_area, err_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Fill(1)]).areas(mid);
    let p95: Vec<u64> = live
        .points
        .iter()
        .filter_map(|s| s.routes.get(sel).map(|r| r.p95_ms.round() as u64))
        .collect();
    let last = p95.last().copied().unwrap_or(0);
    frame.render_widget(
        Sparkline::default()
            .block(Block::bordered().title(format!("p95 over time: {last} ms")))
            .style(Style::default().fg(Color::Yellow))
            .data(&p95),
        p95_area,
    );
    let errs = live.errors.get(sel).copied().unwrap_or_default();
    let bars: Vec<(&str, u64)> = ErrorKind::ALL
        .iter()
        .zip(errs)
        .map(|(k, n)| (k.as_str(), n))
        .collect();
    // Five bars share the pane: as wide as fits, up to the longest label.
    let bar = (err_area.width.saturating_sub(2) / 5)
        .saturating_sub(1)
        .clamp(1, 7);
    frame.render_widget(
        BarChart::default()
            .block(Block::bordered().title("errors by kind"))
            .bar_width(bar)
            .bar_style(Style::default().fg(Color::Red))
            .data(bars.as_slice()),
        err_area,
    );
    let labels: Vec<(String, u64)> = live
        .histogram
        .get(sel)
        .map(|h| {
            h.iter()
                .map(|(us, n)| (format!("≤{}", short(*us as f64 / 1000.0)), *n))
                .collect()
        })
        .unwrap_or_default();
    let hist: Vec<(&str, u64)> = labels.iter().map(|(l, n)| (l.as_str(), *n)).collect();
    frame.render_widget(
        BarChart::default()
            .block(Block::bordered().title(format!("latency histogram: {name}")))
            .bar_width(6)
            .bar_style(Style::default().fg(Color::Cyan))
            .data(hist.as_slice()),
        bottom,
    );
    let keys = if !live.keys.is_empty() {
        live.keys.as_str()
    } else if live.finished {
        "any key closes"
    } else {
        "Tab next route · q / Esc / Ctrl-C cancels"
    };
    frame.render_widget(
        Paragraph::new(Line::from(if live.routes.len() > 1 {
            format!("route {}/{} {name} · {keys}", sel + 1, live.routes.len())
        } else {
            format!("{name} · {keys}")
        })),
        foot,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use launch_ready_checks::perf::Snapshot;
    use launch_ready_checks::perf::stats::{Bucket, IntervalStats};

    #[test]
    fn draws_a_bounded_window_at_any_size() {
        let mut live = LiveLoad::new("load", vec!["GET /".into(), "POST /x".into()]);
        for i in 0..(KEEP + 30) {
            let r = IntervalStats {
                requests: 100 + i as u64,
                p95_ms: 12.0,
                errors: 1,
                errors_by_kind: [0, 0, 0, 1, 0],
                histogram: vec![Bucket {
                    le_ms: 16.0,
                    count: 100,
                }],
            };
            live.push(Snapshot {
                at_s: i as f64 + 1.0,
                interval_s: 1.0,
                connections: 200,
                routes: vec![r.clone(), r],
            });
        }
        assert_eq!(live.points.len(), KEEP);
        assert_eq!(
            live.errors[0][3],
            (KEEP + 30) as u64,
            "totals cover the whole run"
        );
        for (w, h) in [(120, 40), (80, 24), (20, 6)] {
            let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
            t.draw(|f| draw(f, f.area(), &live)).unwrap();
        }
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).unwrap();
        live.next_route();
        t.draw(|f| draw(f, f.area(), &live)).unwrap();
        let text: String = t
            .backend()
            .buffer()
            .content()
            .iter()
            .map(|c| c.symbol())
            .collect();
        assert!(text.contains("route 2/2"), "{text}");
        assert!(text.contains("errors by kind"));
    }
}
