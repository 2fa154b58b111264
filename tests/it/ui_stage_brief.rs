//! The stage's own words on screen: the selected stage's goal above the panes, the stage
//! brief behind `i` (goal, deliverables, failure signals, the automation that names the
//! stage's check kinds, what not to build) at 80×24 and 120×36, and in presenter mode the
//! minimum bar as the founder's checklist, ticked only where the checks behind a
//! requirement passed.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use launch_ready::app::state::Modal;
use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::keymap::map_key;
use launch_ready::tui::view;
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::runbook::Loaded;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::Targets;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

fn now() -> OffsetDateTime {
    START + Duration::hours(9)
}

/// A bundled runbook, for its real goals, deliverables, automation and overbuild lists.
fn bundled(id: &str) -> Loaded {
    launch_ready_core::runbook::library::bundled()
        .into_iter()
        .flatten()
        .find(|l| l.runbook.id == id)
        .expect("the runbook is bundled")
}

fn minimal() -> Loaded {
    load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron"))
        .expect("the minimal fixture runbook loads")
}

fn app(l: &Loaded) -> App {
    let targets = Targets {
        apex: "acme.test".into(),
        ..Targets::default()
    };
    let s = Session::new("acme", "Acme Corp", l, targets, START);
    let mut app = App::new(s, Arc::new(l.runbook.clone()), now());
    app.status = None;
    app
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::render(app, f))
        .expect("draw to the test backend");
    terminal.backend().to_string()
}

/// A key press taken the way the terminal delivers it: through the keymap.
fn press(app: &mut App, code: KeyCode) {
    let msg = map_key(app.input_mode(), KeyEvent::new(code, KeyModifiers::NONE));
    if let Some(msg) = msg {
        update(app, msg);
    }
}

/// The second stage of the B2B runbook, "Network and edge hardening", selected by key.
fn on_edge_stage() -> App {
    let mut app = app(&bundled("b2b-demo-to-launch"));
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.stage_index(), 1);
    app
}

const EDGE_GOAL: &str = "Route every request to the right origin, safely and without detours.";

#[test]
fn the_selected_stages_goal_heads_the_checklist() {
    let app = on_edge_stage();
    for (w, h) in [(80, 24), (120, 36)] {
        let shown = draw(&app, w, h);
        assert!(shown.contains("Stage goal: Route every request"), "{shown}");
        insta::assert_snapshot!(format!("stage_goal_{w}x{h}"), shown);
    }
    // At 120 columns the goal is on one row, whole.
    assert!(draw(&app, 120, 36).contains(EDGE_GOAL));
}

#[test]
fn the_goal_header_wraps_to_two_rows_and_is_sanitised() {
    let mut l = bundled("b2b-demo-to-launch");
    l.runbook.stages[0].goal = format!(
        "Surface \u{1b}[31mwhatever\u{1b}[0m would break launch day before any tuning starts, {}",
        "and write each finding down with its owner, its deadline and the customer it hurts."
    );
    let app = app(&l);
    let shown = draw(&app, 80, 24);
    assert!(!shown.contains('\u{1b}'), "{shown}");
    assert!(!shown.contains("[31m"), "{shown}");
    let rows: Vec<&str> = shown.lines().collect();
    // Tabs, then the goal on two rows, the second ending with a cut at a word.
    assert!(
        rows[1].contains("Stage goal: Surface whatever would break"),
        "{shown}"
    );
    assert!(
        rows[2]
            .trim_end()
            .trim_end_matches('"')
            .trim_end()
            .ends_with('…'),
        "{shown}"
    );
    assert!(rows[3].contains("┌ Stages"), "{shown}");
}

#[test]
fn the_stage_brief_opens_with_i_scrolls_and_closes_with_esc() {
    let mut app = on_edge_stage();
    press(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.modal, Some(Modal::Brief { .. })));
    let big = draw(&app, 120, 36);
    insta::assert_snapshot!("stage_brief_120x36", big);
    let small = draw(&app, 80, 24);
    insta::assert_snapshot!("stage_brief_80x24", small);
    for part in [
        "Stage 2 of 7",
        "Goal",
        EDGE_GOAL,
        "Deliverables",
        "Routing map covering the domain",
        "Failure signals",
        "Certificate errors appear during sign-up",
    ] {
        assert!(big.contains(part), "{part} missing:\n{big}");
    }
    // Scrolled to its end at 80×24: the automation that names one of this stage's kinds
    // (http.availability) is there, the ones naming other stages' kinds are not, and the
    // "do not overbuild" list closes it.
    for _ in 0..60 {
        press(&mut app, KeyCode::Down);
    }
    let end = draw(&app, 80, 24);
    insta::assert_snapshot!("stage_brief_end_80x24", end);
    let whole = format!("{small}{end}{big}");
    assert!(whole.contains("Worth automating here"), "{whole}");
    assert!(whole.contains("Smoke test with response timing"), "{whole}");
    assert!(
        !whole.contains("Script that validates A and CNAME"),
        "{whole}"
    );
    assert!(!whole.contains("SPF, DKIM and DMARC checker"), "{whole}");
    assert!(end.contains("Do not overbuild"), "{end}");
    assert!(end.contains("Optimising every query"), "{end}");
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
    assert!(draw(&app, 80, 24).contains("Stage goal: Route every request"));
}

#[test]
fn the_brief_key_is_in_the_help_and_the_footer() {
    let app = app(&minimal());
    assert!(draw(&app, 120, 36).contains("i brief"));
    let help = launch_ready::tui::keymap::help_sections();
    let checklist = help
        .iter()
        .find(|(t, _)| *t == "Checklist")
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    assert!(checklist.iter().any(|(k, _)| *k == "i"), "{checklist:?}");
}

/// The minimal fixture's bar: "Speed" decided by perf.latency (the perf stage's check),
/// "Domain" by dns.records and tls.certificate, "Handover" by no check.
fn presenter_with_perf(status: CheckStatus) -> App {
    let l = minimal();
    let mut app = app(&l);
    app.session.state_mut("perf-check").status = status;
    app.session.state_mut("audit-check").status = CheckStatus::Pass;
    update(&mut app, Msg::Action(Action::Presenter));
    assert!(app.presenter());
    app
}

fn bar_row<'a>(shown: &'a str, requirement: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.contains(requirement))
        .unwrap_or_else(|| panic!("{requirement} not on screen:\n{shown}"))
}

#[test]
fn presenter_mode_ticks_a_requirement_whose_check_passed() {
    let app = presenter_with_perf(CheckStatus::Pass);
    let shown = draw(&app, 100, 30);
    insta::assert_snapshot!("presenter_minimum_bar_met_100x30", shown);
    assert!(shown.contains("Minimum bar · 1 of 3 met"), "{shown}");
    assert!(bar_row(&shown, "Speed: Reads answer fast.").contains("│✓ Speed"));
    // One of the two checks behind "Domain" passed: not ticked.
    assert!(bar_row(&shown, "Domain: The domain").contains("│· Domain"));
    let handover = bar_row(&shown, "Handover:");
    assert!(handover.contains("│  Handover"), "{handover}");
    assert!(handover.contains("not checked automatically"), "{handover}");
}

#[test]
fn presenter_mode_does_not_tick_a_requirement_whose_check_failed() {
    let app = presenter_with_perf(CheckStatus::Fail);
    let shown = draw(&app, 100, 30);
    insta::assert_snapshot!("presenter_minimum_bar_failed_100x30", shown);
    assert!(shown.contains("Minimum bar · 0 of 3 met"), "{shown}");
    let speed = bar_row(&shown, "Speed: Reads answer fast.");
    assert!(speed.contains("│✗ Speed"), "{speed}");
    assert!(!shown.contains('✓') || !speed.contains('✓'));
}

#[test]
fn the_whole_minimum_bar_opens_with_m_and_names_the_checks_behind_each_line() {
    let mut app = presenter_with_perf(CheckStatus::Pass);
    press(&mut app, KeyCode::Char('M'));
    assert!(matches!(app.modal, Some(Modal::Brief { .. })));
    let shown = draw(&app, 80, 24);
    insta::assert_snapshot!("minimum_bar_80x24", shown);
    assert!(
        shown.contains("met: its checks passed (Performance check)"),
        "{shown}"
    );
    assert!(shown.contains("not checked automatically"), "{shown}");
    press(&mut app, KeyCode::Esc);
    assert!(app.modal.is_none());
}
