//! Presenter mode on every screen at 100×30, the size of a shared window: a secret typed
//! into a note, a decision, an acceptance, a route header or brought back in a finding
//! never shows, no finding code shows, and the risks can be stepped through one by one.
//! Each screen is asserted on directly and kept as a reviewed snapshot.

use launch_ready::app::update_risks::{RiskRow, rows};
use launch_ready::app::{Action, App, Msg, update};
use launch_ready::tui::view;
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding, Severity};
use launch_ready_core::runbook::Loaded;
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{
    AcceptedRisk, CheckOutcome, Decision, Evidence, HostTarget, JournalEntry, JournalKind, Route,
    RouteHeader, Screen, Targets, Verdict,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

const START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

fn now() -> OffsetDateTime {
    START + Duration::hours(13) + Duration::minutes(5)
}

// Built from parts so that no scanner reads this file as holding real keys.
fn stripe_key() -> String {
    format!("sk_live_{}", "51HqLyjWDarjtT1zdp7dcXq9")
}

fn aws_key() -> String {
    format!("AKIA{}", "Z7QK3LP2MN4RT6VX")
}

/// The finding codes planted in the session: none may reach the shared screen.
const CODES: [&str; 3] = ["dns.unresolvable", "dns.no_ipv6", "tls.expiring_soon"];

fn loaded() -> Loaded {
    load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron"))
        .expect("the minimal fixture runbook loads")
}

fn outcome(target: &str, status: CheckStatus, findings: Vec<Finding>) -> CheckOutcome {
    CheckOutcome {
        check: "dns.records".into(),
        family: "dns".into(),
        target: target.into(),
        status,
        duration_ms: 200,
        summary: "resolved".into(),
        findings,
        evidence: Default::default(),
        explained_by: None,
        needs_credential: None,
    }
}

fn session(l: &Loaded) -> Session {
    let targets = Targets {
        apex: "acme.test".into(),
        hosts: vec![HostTarget {
            role: "app".into(),
            host: "app.acme.test".into(),
            protected: false,
        }],
        routes: vec![Route {
            name: "api".into(),
            path: "/v1/orders".into(),
            headers: vec![RouteHeader {
                name: "x-debug".into(),
                value: aws_key(),
            }],
            ..Route::default()
        }],
        ..Targets::default()
    };
    let mut s = Session::new("acme", "Acme Corp", l, targets, START);
    let audit = s.state_mut("audit-check");
    audit.status = CheckStatus::Fail;
    audit.note = format!(
        "Owner: Dana. The payment key {} is in the build env; rotate it.",
        stripe_key()
    );
    audit.push_evidence(Evidence {
        at: now() - Duration::minutes(20),
        duration_ms: 412,
        status: CheckStatus::Fail,
        summary: format!("2 hosts checked, saw {}", aws_key()),
        results: vec![
            outcome(
                "app.acme.test",
                CheckStatus::Fail,
                vec![
                    Finding::new(
                        Code::DnsUnresolvable,
                        "app.acme.test has no A or AAAA record",
                    ),
                    Finding::new(Code::DnsNoIpv6, "no AAAA record"),
                ],
            ),
            outcome(
                "www.acme.test",
                CheckStatus::Fail,
                vec![Finding::new(
                    Code::DnsUnresolvable,
                    format!("www.acme.test answers with {}", aws_key()),
                )],
            ),
        ],
    });
    let edge = s.state_mut("edge-check");
    edge.status = CheckStatus::Warn;
    edge.push_evidence(Evidence {
        at: now() - Duration::hours(1),
        duration_ms: 90,
        status: CheckStatus::Warn,
        summary: "certificate read".into(),
        results: vec![outcome(
            "acme.test",
            CheckStatus::Warn,
            vec![
                Finding::new(Code::TlsExpiringSoon, "expires in 9 days")
                    .with_severity(Severity::Medium),
            ],
        )],
    });
    s.accepted.push(AcceptedRisk {
        key: "tls.expiring_soon".into(),
        target: "acme.test".into(),
        reason: format!("renewal is booked; test key {}", stripe_key()),
        owner: "Dana".into(),
        at: now() - Duration::minutes(5),
    });
    s.decisions.push(Decision {
        at: now() - Duration::minutes(2),
        verdict: Verdict::Go,
        reason: format!("founder accepts; staging used {}", aws_key()),
    });
    s.journal.push(JournalEntry {
        at: now() - Duration::minutes(30),
        text: format!("pasted {} by mistake", stripe_key()),
        kind: JournalKind::Note,
    });
    s.ui.presenter = true;
    s
}

fn app() -> App {
    let l = loaded();
    let mut app = App::new(session(&l), Arc::new(l.runbook.clone()), now());
    app.status = None;
    app
}

fn draw(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal
        .draw(|f| view::render(app, f))
        .expect("draw to the test backend");
    terminal.backend().to_string()
}

fn act(app: &mut App, action: Action) {
    update(app, Msg::Action(action));
}

/// Nothing secret and no code on the screen.
fn assert_presentable(screen: &str, what: &str) {
    assert!(
        !screen.contains("sk_live"),
        "{what}: a Stripe key shows\n{screen}"
    );
    assert!(
        !screen.contains("AKIA"),
        "{what}: an AWS key shows\n{screen}"
    );
    for code in CODES {
        assert!(
            !screen.contains(code),
            "{what}: the code {code} shows\n{screen}"
        );
    }
}

#[test]
fn presenter_mode_on_every_screen_hides_secrets_and_codes() {
    let mut app = app();
    let screens = [
        (Screen::Checklist, "checklist"),
        (Screen::Timeline, "timeline"),
        (Screen::Risks, "risks"),
        (Screen::Targets, "targets"),
        (Screen::Monitor, "monitor"),
    ];
    for (screen, name) in screens {
        act(&mut app, Action::Screen(screen));
        app.status = None;
        let shown = draw(&app);
        assert_presentable(&shown, name);
        insta::assert_snapshot!(format!("presenter_{name}_100x30"), shown);
    }
}

#[test]
fn the_note_is_shown_with_the_secret_hidden() {
    let mut app = app();
    // The note sits below the result: page down to it.
    act(&mut app, Action::PageDown);
    act(&mut app, Action::PageDown);
    let shown = draw(&app);
    // The marker may wrap between its two words.
    assert!(
        shown.contains("[secret hidden]")
            || (shown.contains("[secret") && shown.contains("hidden]")),
        "{shown}"
    );
    assert!(shown.contains("Owner: Dana."), "{shown}");
    assert_presentable(&shown, "the note");
    // Findings in plain words, not codes.
    assert!(draw(&self::app()).contains("The site's address"));
}

#[test]
fn the_risks_step_through_one_by_one() {
    let mut app = app();
    act(&mut app, Action::Screen(Screen::Risks));
    act(&mut app, Action::RiskCard);
    let first = draw(&app);
    assert_presentable(&first, "first risk");
    assert!(first.contains("Risk 1 of"), "{first}");
    assert!(
        first.contains("The site's address leads nowhere"),
        "{first}"
    );
    assert!(first.contains("What breaks"), "{first}");
    assert!(first.contains("Fix"), "{first}");
    assert!(first.contains("app.acme.test, www.acme.test"), "{first}");
    insta::assert_snapshot!("presenter_risk_card_100x30", first);
    act(&mut app, Action::Right);
    let second = draw(&app);
    assert!(second.contains("Risk 2 of"), "{second}");
    assert_presentable(&second, "second risk");
    act(&mut app, Action::Close);
    assert!(app.modal.is_none());
}

#[test]
fn the_accepted_risk_is_listed_apart_with_reason_and_owner() {
    let mut app = app();
    app.session.ui.presenter = false;
    act(&mut app, Action::Screen(Screen::Risks));
    let rows = rows(&app);
    assert!(rows.iter().any(|r| matches!(r, RiskRow::Accepted(..))));
    let shown = draw(&app);
    assert!(shown.contains("Accepted (1) — u withdraws"), "{shown}");
    assert!(shown.contains("owner Dana"), "{shown}");
}

#[test]
fn the_journal_stays_closed_in_presenter_mode() {
    let mut app = app();
    act(&mut app, Action::Journal);
    assert!(app.modal.is_none());
    assert_presentable(&draw(&app), "after J");
}

#[test]
fn passing_over_open_findings_asks_in_whole_words() {
    let mut app = app();
    app.session.ui.presenter = false;
    act(&mut app, Action::SetStatus(CheckStatus::Pass));
    app.status = None;
    let shown = draw(&app);
    // The question is whole, wrapped inside the box rather than cut in its border.
    assert!(
        shown.contains("Audit check has 2 open finding(s). To mark it pass, accept them — why?"),
        "{shown}"
    );
    assert!(shown.contains("(Esc leaves it as is)"), "{shown}");
    insta::assert_snapshot!("pass_over_open_findings_100x30", shown);
}

/// Presenter mode hides whatever is shaped like a secret, without the scanner's filters
/// that keep a scan's findings real: a documented example key, a token whose checksum
/// fails and a short live key are all hidden; words and plain URLs stay.
#[test]
fn presenter_redaction_goes_by_shape_not_by_the_scanners_filters() {
    use launch_ready::tui::view::redact::{MARK, buffer, secrets};
    let shaped = [
        ["AKIA", "IOSFODNN7EXAMPLE"].concat(),
        ["ghp", "_", "R8x2Kq9LmZ4vT7wN1bC3dF6gH0jP5s000000"].concat(),
        ["sk_", "live_", "4eC39HqLyj"].concat(),
    ];
    for value in &shaped {
        let line = format!("the key {value} is in the deck");
        let shown = secrets(&line);
        assert_eq!(shown, format!("the key {MARK} is in the deck"), "{value}");
        let mut buf = ratatui::buffer::Buffer::with_lines([line.clone()]);
        buffer(&mut buf);
        let row: String = (0..buf.area.width)
            .map(|x| buf[(x, 0)].symbol().to_string())
            .collect();
        assert!(!row.contains(&value[2..]), "{row}");
    }
    for plain in [
        "Deploy the skeleton app, then ask the founder about the token budget",
        "https://api.acme.test/v1/orders?page=2 and https://docs.acme.test/keys",
        "the secret to a calm launch is a rollback plan",
        "AKIA and ghp_ and sk_live_ are prefixes worth knowing",
    ] {
        assert_eq!(secrets(plain), plain);
    }
}
