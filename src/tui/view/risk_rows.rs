//! The rows of the risk list, one per defect (`verdict::group_risks`), shared by the Risks
//! screen and presenter mode's summary band: what the defect is in plain words (the
//! finding's headline from `advice::for_code`), where it is (`place`, or how many places),
//! and the stage it belongs to, each cut for the width it gets so the words come first.

use super::risk_summary::{RiskGroup, group_risks};
use super::text::{cells, fit, fit_words, truncate, truncate_words};
use super::theme;
use crate::app::App;
use launch_ready_core::verdict::{Assessment, Risk};
use ratatui::text::{Line, Span};

/// The risk rows of `assessment` for a list `width` cells wide: one per defect.
pub fn risk_rows(app: &App, assessment: &Assessment, width: usize) -> Vec<Line<'static>> {
    let groups = group_risks(&assessment.risks);
    // The stage column takes at least 14 cells (a fifth of a narrow list), more when every
    // row leaves room for it, up to the longest stage name: the defect's words come first.
    let widest_text = groups
        .iter()
        .map(|g| cells(&defect_words(app, g.risk)) + cells(&where_words(app, g)) + 6)
        .max()
        .unwrap_or(0);
    let widest_stage = app
        .runbook
        .stages
        .iter()
        .map(|s| cells(&s.title))
        .max()
        .unwrap_or(0);
    let floor = 14.min(width / 5);
    let stage_w = width
        .saturating_sub(8 + 1 + widest_text)
        .clamp(floor, widest_stage.max(floor));
    groups
        .iter()
        .map(|g| risk_line(app, g, stage_w, width))
        .collect()
}

/// Where a defect is, for the end of its row: " — the place" for one target, " — 3 hosts"
/// for several, nothing for a check left unpassed.
pub fn where_words(app: &App, group: &RiskGroup<'_>) -> String {
    match group.targets.as_slice() {
        [] => String::new(),
        [one] => format!(" — {}", super::place::place(one, &app.session.targets)),
        _ => group.affected(),
    }
}

/// A defect in plain words: the finding's headline, or for a check itself unpassed the
/// check and what is missing (on the operator's screen in the check's own words: not run
/// yet, blocked, could not run and why).
pub fn defect_words(app: &App, risk: &Risk) -> String {
    match &risk.code {
        Some(_) => plain_words(risk),
        None if app.presenter() => format!("{}: {}", risk.check_title, plain_words(risk)),
        None => format!("{}: {}", risk.check_title, risk.message),
    }
}

/// What a risk is, in plain words for a shared screen: the finding's headline
/// (`advice::for_code`), or for a check itself unpassed what is missing. Never a code or a
/// check kind's name.
pub fn plain_words(risk: &Risk) -> String {
    match &risk.code {
        Some(code) => launch_ready_core::advice::for_code(code)
            .headline
            .to_string(),
        None if risk.unchecked => "not checked yet".to_string(),
        None => risk.message.clone(),
    }
}

/// One defect row: severity, stage, then what is wrong in plain words and where (" — 2
/// hosts", kept whole when the words before it are cut, unless it would take more than
/// half the row).
pub fn risk_line(app: &App, group: &RiskGroup<'_>, stage_w: usize, width: usize) -> Line<'static> {
    let t = theme(app);
    let risk = group.risk;
    let stage = app
        .runbook
        .stages
        .get(risk.stage)
        .map_or("", |s| s.title.as_str());
    let what = super::redact::line(app, &defect_words(app, risk));
    let place = super::redact::line(app, &where_words(app, group));
    let stale = if group.stale { " STALE" } else { "" };
    let what_w = width.saturating_sub(8 + stage_w + 1 + stale.len());
    // A shared screen is cut at word ends only; the operator's keeps every cell.
    type Cut = fn(&str, usize) -> String;
    let (cut, pad): (Cut, Cut) = if app.presenter() {
        (truncate_words, fit_words)
    } else {
        (truncate, fit)
    };
    // Both whole when they fit. Else a count of places (" — 3 hosts") is kept whole and
    // the words cut; a single place gets what room the whole words leave (cut, when at
    // least 12 cells are left), or is left out: the words come first.
    let (what_c, place_c) = (cells(&what), cells(&place));
    let text = if what_c + place_c <= what_w {
        format!("{what}{place}")
    } else if group.targets.len() > 1 && place_c * 2 <= what_w {
        format!("{}{place}", cut(&what, what_w - place_c))
    } else if what_c + 12 <= what_w {
        format!("{what}{}", truncate(&place, what_w - what_c))
    } else {
        cut(&what, what_w)
    };
    Line::from(vec![
        Span::styled(
            format!("{:<8}", risk.severity.as_str()),
            t.severity(risk.severity),
        ),
        Span::styled(format!("{} ", pad(stage, stage_w)), t.dim()),
        Span::styled(pad(&text, what_w), t.text()),
        Span::styled(stale, t.error()),
    ])
}
