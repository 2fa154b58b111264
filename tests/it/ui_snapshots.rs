//! Every screen rendered on a `TestBackend` at fixed sizes and compared with reviewed
//! snapshots. Sessions are built with a fixed clock so ages and the sprint hour are stable.

use launch_ready::app::state::{CredentialsForm, KeyringState, Modal, Prompt, PromptPurpose};
use launch_ready::app::targets::TargetField;
use launch_ready::app::{Action, App, Effect, KeyringReport, Msg, update};
use launch_ready::tui::view;
use launch_ready_core::code::Code;
use launch_ready_core::finding::{CheckStatus, Finding};
use launch_ready_core::runbook::load::load_file;
use launch_ready_core::runbook::{Loaded, Run};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{CheckOutcome, Evidence, HostTarget, Screen, Targets};
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

fn loaded(sensitive: &[&str]) -> Loaded {
    let mut l = load_file(Path::new("tests/fixtures/runbooks/valid/minimal.ron"))
        .expect("the minimal fixture runbook loads");
    for stage in &mut l.runbook.stages {
        for check in &mut stage.checks {
            check.sensitive = sensitive.contains(&check.id.as_str());
        }
    }
    l
}

fn evidence(at: OffsetDateTime, status: CheckStatus, findings: Vec<Finding>) -> Evidence {
    Evidence {
        at,
        duration_ms: 412,
        status,
        summary: "2 hosts checked \u{1b}[31mred\u{1b}[0m".into(),
        results: vec![CheckOutcome {
            check: "dns.records".into(),
            family: "dns".into(),
            target: "app.acme.test".into(),
            status,
            duration_ms: 200,
            summary: "resolved".into(),
            findings,
            evidence: Default::default(),
            explained_by: None,
            needs_credential: None,
        }],
    }
}

/// A session with a mix of statuses, a note, evidence with findings and a stale result.
fn session(l: &Loaded) -> Session {
    let targets = Targets {
        apex: "acme.test".into(),
        hosts: vec![
            HostTarget {
                role: "www".into(),
                host: "www.acme.test".into(),
                protected: false,
            },
            HostTarget {
                role: "app".into(),
                host: "app.acme.test".into(),
                protected: false,
            },
        ],
        ..Targets::default()
    };
    let mut s = Session::new("acme", "Acme Corp", l, targets, START);
    let audit = s.state_mut("audit-check");
    audit.status = CheckStatus::Fail;
    audit.note = "Owner: Dana\nDNS at the registrar".into();
    audit.push_evidence(evidence(
        now() - Duration::minutes(20),
        CheckStatus::Fail,
        vec![
            Finding::new(
                Code::DnsUnresolvable,
                "app.acme.test has no A or AAAA record",
            ),
            Finding::new(Code::DnsNoIpv6, "no AAAA record"),
        ],
    ));
    let dns = s.state_mut("dns-check");
    dns.status = CheckStatus::Pass;
    dns.push_evidence(evidence(
        now() - Duration::hours(30),
        CheckStatus::Pass,
        vec![],
    ));
    s.state_mut("edge-check").status = CheckStatus::Warn;
    s.state_mut("deploy-check").status = CheckStatus::Blocked;
    let handover = s.state_mut("handover-check");
    handover.status = CheckStatus::Skipped;
    handover.skip_reason = Some("founder hands over in person".into());
    s
}

fn app_with(l: &Loaded, s: Session) -> App {
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

fn both_sizes(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_120x36"), draw(app, 120, 36));
    insta::assert_snapshot!(format!("{name}_80x24"), draw(app, 80, 24));
}

fn act(app: &mut App, action: Action) {
    update(app, Msg::Action(action));
}

#[test]
fn checklist() {
    let l = loaded(&[]);
    let app = app_with(&l, session(&l));
    both_sizes("checklist", &app);
}

#[test]
fn checklist_stale_result_selected() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    update(&mut app, Msg::SelectStage(1));
    insta::assert_snapshot!(draw(&app, 120, 36));
}

#[test]
fn note_editor_open() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::EditNote);
    assert!(matches!(app.modal, Some(Modal::Note { .. })));
    insta::assert_snapshot!(draw(&app, 120, 36));
}

#[test]
fn journal_open() {
    let l = loaded(&[]);
    let mut s = session(&l);
    s.journal
        .push(launch_ready_core::session::model::JournalEntry {
            at: now() - Duration::hours(2),
            text: "Kick-off call with the founder".into(),
            kind: Default::default(),
        });
    let mut app = app_with(&l, s);
    act(&mut app, Action::Journal);
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn timeline() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Timeline));
    both_sizes("timeline", &app);
}

#[test]
fn risks_no_go() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Risks));
    both_sizes("risks_no_go", &app);
}

/// A GO recorded over open blockers stays in sight above the reasons.
#[test]
fn risks_go_recorded_over_no_go() {
    let l = loaded(&[]);
    let mut s = session(&l);
    s.decisions
        .push(launch_ready_core::session::model::Decision {
            at: now(),
            verdict: launch_ready_core::session::model::Verdict::Go,
            reason: "founder accepts the blocker for the soft launch".into(),
        });
    let mut app = app_with(&l, s);
    act(&mut app, Action::Screen(Screen::Risks));
    let text = draw(&app, 120, 36);
    assert!(
        text.contains("GO recorded by the operator over NO-GO: founder accepts"),
        "{text}"
    );
    insta::assert_snapshot!("risks_go_over_no_go_120x36", text);
}

#[test]
fn risks_go() {
    let l = loaded(&[]);
    let mut s = session(&l);
    for (_, check) in l.runbook.checks() {
        let state = s.state_mut(&check.id);
        state.status = CheckStatus::Pass;
        state.evidence.clear();
    }
    s.state_mut("dns-check").push_evidence(evidence(
        now() - Duration::minutes(3),
        CheckStatus::Warn,
        vec![Finding::new(
            Code::DnsCaaMissing,
            "no CAA record on the apex",
        )],
    ));
    s.decisions
        .push(launch_ready_core::session::model::Decision {
            at: now() - Duration::minutes(1),
            verdict: launch_ready_core::session::model::Verdict::Go,
            reason: "all blockers closed".into(),
        });
    let mut app = app_with(&l, s);
    act(&mut app, Action::Screen(Screen::Risks));
    insta::assert_snapshot!(draw(&app, 120, 36));
}

#[test]
fn targets_with_a_validation_error() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Targets));
    insta::assert_snapshot!("targets_120x36", draw(&app, 120, 36));
    app.target_row = 1;
    act(&mut app, Action::Edit);
    let Some(Modal::Prompt(prompt)) = &mut app.modal else {
        panic!("the edit prompt opens");
    };
    assert_eq!(
        prompt.purpose,
        PromptPurpose::Target {
            field: TargetField::Host(0)
        }
    );
    *prompt = Prompt::new(prompt.purpose.clone(), "www=bad host!");
    act(&mut app, Action::Confirm);
    insta::assert_snapshot!("targets_error_120x36", draw(&app, 120, 36));
    insta::assert_snapshot!("targets_error_80x24", draw(&app, 80, 24));
    assert_eq!(app.session.targets.hosts[0].host, "www.acme.test");
}

#[test]
fn help_overlay() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Help);
    both_sizes("help", &app);
}

#[test]
fn presenter_hides_sensitive_checks() {
    let l = loaded(&["audit-check"]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Presenter);
    app.status = None;
    assert!(app.selected_check().is_some_and(|c| c.sensitive));
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("hidden in presenter mode"));
    assert!(!screen.contains("Owner: Dana"));
    assert!(!screen.contains("dns.unresolvable"));
    insta::assert_snapshot!("presenter_120x36", screen);
    insta::assert_snapshot!("presenter_80x24", draw(&app, 80, 24));
}

#[test]
fn credentials_form_with_masked_input() {
    let l = loaded(&[]);
    let mut s = session(&l);
    s.credentials = vec!["cloudflare-token".into()];
    let mut app = app_with(&l, s);
    act(&mut app, Action::Credentials);
    update(
        &mut app,
        Msg::Keyring(Ok(report(&[("cloudflare-token", true)]))),
    );
    act(&mut app, Action::Add);
    for c in "alert-webhook".chars() {
        update(
            &mut app,
            Msg::Text(ratatui_textarea::Input {
                key: ratatui_textarea::Key::Char(c),
                ..Default::default()
            }),
        );
    }
    act(&mut app, Action::Confirm);
    for c in "hunter2-secret".chars() {
        update(
            &mut app,
            Msg::Text(ratatui_textarea::Input {
                key: ratatui_textarea::Key::Char(c),
                ..Default::default()
            }),
        );
    }
    let screen = draw(&app, 120, 36);
    assert!(!screen.contains("hunter2"));
    assert!(screen.contains("••••••••••••••"));
    insta::assert_snapshot!("credentials_120x36", screen);
}

#[test]
fn the_cloudflare_token_says_what_to_grant_and_saving_it_asks_cloudflare() {
    let l = loaded(&[]);
    let mut s = session(&l);
    s.credentials = vec!["cloudflare-token".into()];
    let mut app = app_with(&l, s);
    act(&mut app, Action::Credentials);
    update(
        &mut app,
        Msg::Keyring(Ok(report(&[("cloudflare-token", false)]))),
    );
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("Cloudflare token: grant Read on Zone"),
        "{screen}"
    );
    let fx = update(
        &mut app,
        Msg::CredentialDone {
            name: "cloudflare-token".into(),
            stored: true,
            result: Ok(()),
        },
    );
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::VerifyCloudflareToken { .. })),
        "{fx:?}"
    );
    update(
        &mut app,
        Msg::CloudflareVerified(Err(
            "Cloudflare refused the token: 1000 Invalid API Token".into()
        )),
    );
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("Cloudflare refused the token: 1000 Invalid API Token"),
        "{screen}"
    );
}

/// A keyring answer from "kernel keyutils" holding values as `held` says.
fn report(held: &[(&str, bool)]) -> KeyringReport {
    KeyringReport {
        backend: "kernel keyutils".into(),
        held: held.iter().map(|(n, h)| (n.to_string(), *h)).collect(),
    }
}

#[test]
fn credentials_form_shows_what_the_keyring_holds_and_what_targets_name() {
    let l = loaded(&[]);
    let mut s = session(&l);
    // Stored once, but the keyring forgot it (keyutils after a reboot).
    s.credentials = vec!["alert-webhook".into(), "cloudflare-token".into()];
    // Named by the targets, never set.
    s.targets.alert_route = Some("pager-hook".into());
    let mut app = app_with(&l, s);
    let fx = update(&mut app, Msg::Action(Action::Credentials));
    let [Effect::ProbeKeyring { names, .. }] = fx.as_slice() else {
        panic!("the form asks the keyring: {fx:?}");
    };
    assert_eq!(names, &["alert-webhook", "cloudflare-token", "pager-hook"]);
    update(
        &mut app,
        Msg::Keyring(Ok(report(&[
            ("alert-webhook", false),
            ("cloudflare-token", true),
            ("pager-hook", false),
        ]))),
    );
    let screen = draw(&app, 120, 36);
    let row = |name: &str| {
        screen
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} listed:\n{screen}"))
            .to_string()
    };
    assert!(
        row("alert-webhook").contains("not set"),
        "{}",
        row("alert-webhook")
    );
    assert!(!row("alert-webhook").contains('•'));
    assert!(row("pager-hook").contains("not set"));
    assert!(row("cloudflare-token").contains("••••  stored"));
    // Setting it from the form turns the row to stored.
    update(
        &mut app,
        Msg::CredentialDone {
            name: "pager-hook".into(),
            stored: true,
            result: Ok(()),
        },
    );
    let screen = draw(&app, 120, 36);
    let pager = screen.lines().find(|l| l.contains("pager-hook")).unwrap();
    assert!(pager.contains("stored"), "{pager}");
}

#[test]
fn credentials_form_when_no_keyring() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Credentials);
    update(
        &mut app,
        Msg::Keyring(Err("no Secret Service and no kernel keyring".into())),
    );
    act(&mut app, Action::Add);
    assert!(matches!(
        &app.modal,
        Some(Modal::Credentials(CredentialsForm {
            entry: None,
            keyring: KeyringState::Unavailable(_),
            ..
        }))
    ));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn monitor_placeholder() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Monitor));
    insta::assert_snapshot!(draw(&app, 80, 24));
}

#[test]
fn manual_checks_are_marked_and_auto_checks_are_offered_to_run() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    // Every family runs in this build, the uptime probes included.
    launch_ready::app::update(&mut app, launch_ready::app::Msg::SelectStage(5));
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("auto") && !screen.contains("not available"),
        "{screen}"
    );
    assert!(
        l.runbook
            .checks()
            .any(|(_, c)| matches!(c.run, Run::Manual { .. }))
    );
}

#[test]
fn picker_with_sessions_and_a_problem() {
    use launch_ready::app::picker::{Picker, RunbookChoice};
    use launch_ready_core::session::list::SessionSummary;
    let sessions = vec![
        SessionSummary {
            path: "/data/sessions/acme.ron".into(),
            name: "acme".into(),
            client: "Acme Corp".into(),
            runbook_id: "b2b-demo-to-launch".into(),
            progress: Some((12, 31)),
            sprint_hour: 13,
            updated_at: now() - Duration::minutes(7),
            problem: None,
        },
        SessionSummary {
            path: "/data/sessions/broken.ron".into(),
            name: "broken".into(),
            client: String::new(),
            runbook_id: String::new(),
            progress: None,
            sprint_hour: 0,
            updated_at: now() - Duration::days(2),
            problem: Some("3:7: Expected comma".into()),
        },
    ];
    let runbooks = vec![RunbookChoice {
        id: "minimal".into(),
        title: "Minimal runbook".into(),
    }];
    let mut picker = Picker::new(sessions, runbooks, now());
    let render = |p: &Picker| {
        let mut terminal = Terminal::new(TestBackend::new(100, 24)).expect("test terminal");
        terminal.draw(|f| view::picker::render(p, f)).expect("draw");
        terminal.backend().to_string()
    };
    insta::assert_snapshot!("picker_list", render(&picker));
    picker.action(Action::Add);
    picker.action(Action::Down);
    for c in "Acme".chars() {
        picker.text(ratatui_textarea::Input {
            key: ratatui_textarea::Key::Char(c),
            ..Default::default()
        });
    }
    picker.action(Action::Confirm);
    insta::assert_snapshot!("picker_new_session_form", render(&picker));
}

/// The detail pane's rows (between the check list and the right border) at 80×24.
fn detail_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(2)
        .take(20)
        .map(|l| l.chars().skip(47).take(32).collect::<String>())
        .collect()
}

#[test]
fn paging_the_detail_pane_stops_at_its_last_line() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    draw(&app, 80, 24);
    for _ in 0..20 {
        act(&mut app, Action::PageDown);
    }
    let bottom = draw(&app, 80, 24);
    let rows = detail_rows(&bottom);
    let filled = rows.iter().filter(|r| !r.trim().is_empty()).count();
    assert!(
        filled >= 10,
        "paging past the end blanks the pane:\n{bottom}"
    );
    // One page up moves the text at once: no dead presses to climb back first.
    act(&mut app, Action::PageUp);
    let up = draw(&app, 80, 24);
    assert_ne!(detail_rows(&up), rows, "PageUp did nothing:\n{up}");
}

#[test]
fn the_result_and_note_come_before_the_stage_lists() {
    let l = loaded(&[]);
    let app = app_with(&l, session(&l));
    let screen = draw(&app, 120, 36);
    let at = |needle: &str| {
        screen
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not on screen:\n{screen}"))
    };
    assert!(at("Latest result") < at("Note"));
    assert!(at("Owner: Dana") < at("Failure signals of this stage"));
}

#[test]
fn paging_the_help_stops_at_its_last_line() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Help);
    draw(&app, 80, 24);
    for _ in 0..30 {
        act(&mut app, Action::PageDown);
    }
    let bottom = draw(&app, 80, 24);
    // The mouse line now leads the overlay; the last row is the new-session form's.
    assert!(bottom.contains("back to the list"), "{bottom}");
    act(&mut app, Action::Up);
    let up = draw(&app, 80, 24);
    assert_ne!(up, bottom, "Up did nothing after paging to the end");
}

/// Evidence for one check run against several targets, each with the same finding.
fn evidence_on(targets: &[&str], finding: &Finding) -> Evidence {
    let mut ev = evidence(now() - Duration::minutes(5), CheckStatus::Fail, vec![]);
    ev.results = targets
        .iter()
        .map(|target| CheckOutcome {
            target: (*target).into(),
            findings: vec![finding.clone()],
            ..ev.results[0].clone()
        })
        .collect();
    ev
}

#[test]
fn presenter_folds_one_check_on_several_hosts_into_one_line() {
    let mut l = loaded(&[]);
    l.runbook.stages[0].checks[0].title = "Served bundles hold no credentials".into();
    l.runbook.stages[0].checks[0].why =
        "A key shipped to browsers can be read and used by anyone.".into();
    let mut s = session(&l);
    let audit = s.state_mut("audit-check");
    audit.evidence.clear();
    audit.push_evidence(evidence_on(
        &["www.acme.test", "app.acme.test", "api.acme.test"],
        &Finding::new(Code::HttpSecretInBundle, "an API key in main.js"),
    ));
    let mut app = app_with(&l, s);
    act(&mut app, Action::Presenter);
    app.status = None;
    let wide = draw(&app, 120, 36);
    let band: Vec<&str> = wide.lines().skip(1).take(16).collect();
    let mentions = band
        .iter()
        .filter(|l| l.contains("A secret key is sent to every"))
        .count();
    assert_eq!(mentions, 1, "one line per defect:\n{wide}");
    assert!(wide.contains("— 3 hosts"), "{wide}");
    // One defect in three places is one blocker, as every screen counts it.
    assert!(wide.contains("1 blocker"), "{wide}");
    insta::assert_snapshot!("presenter_grouped_120x36", wide);
    // At 80 columns the why is cut, never the host count.
    let narrow = draw(&app, 80, 24);
    assert!(narrow.contains("— 3 hosts"), "{narrow}");
    insta::assert_snapshot!("presenter_grouped_80x24", narrow);
}

#[test]
fn stage_counts_line_up_and_wide_titles_keep_their_column() {
    let mut l = loaded(&[]);
    let template = l.runbook.stages[1].checks[0].clone();
    // Thirteen checks in stage 2, eight in stage 3: `6/13` above `1/8`.
    for (stage, extra) in [(1usize, 12), (2, 7)] {
        for i in 0..extra {
            let mut c = template.clone();
            c.id = format!("extra-{stage}-{i}");
            l.runbook.stages[stage].checks.push(c);
        }
    }
    l.runbook.stages[1].title = "DNS とドメイン設定の確認".into();
    l.runbook.stages[2].title = "🔒 Edge and TLS".into();
    let mut s = session(&l);
    for i in 0..5 {
        s.state_mut(&format!("extra-1-{i}")).status = CheckStatus::Pass;
    }
    let app = app_with(&l, s);
    let screen = draw(&app, 120, 36);
    insta::assert_snapshot!("stages_wide_titles_120x36", screen);
    insta::assert_snapshot!("stages_wide_titles_80x24", draw(&app, 80, 24));
    // Every count ends in the same terminal column, whatever the title before it (the
    // progress bar after it is left out when the names would not fit beside it).
    // Past the tabs, the stage's goal and the list's top border.
    let ends: Vec<usize> = screen
        .lines()
        .skip(3)
        .take(7)
        .map(|row| {
            let before_bar = row
                .split(['█', '░'])
                .next()
                .unwrap_or_default()
                .split("││")
                .next()
                .unwrap_or_default();
            unicode_width::UnicodeWidthStr::width(before_bar.trim_end())
        })
        .collect();
    assert!(ends.iter().all(|e| *e == ends[0]), "{ends:?}\n{screen}");
}

#[test]
fn note_editor_wraps_long_lines() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::EditNote);
    let long = "The founder confirmed that the staging database is a copy of production \
                taken last Tuesday and that nobody outside the team has the credentials";
    for c in format!(" {long}").chars() {
        update(
            &mut app,
            Msg::Text(ratatui_textarea::Input {
                key: ratatui_textarea::Key::Char(c),
                ..Default::default()
            }),
        );
    }
    let screen = draw(&app, 80, 24);
    // The start and the end of the line are both on screen: it wrapped, not scrolled.
    assert!(screen.contains("Owner: Dana"), "{screen}");
    assert!(screen.contains("has the credentials"), "{screen}");
    insta::assert_snapshot!("note_editor_wrapped_80x24", screen);
}

#[test]
fn picker_wraps_a_long_error() {
    use launch_ready::app::picker::Picker;
    let mut picker = Picker::new(Vec::new(), Vec::new(), now());
    picker.status = Some(
        "/home/consultant/.local/share/launch-ready/sessions/acme-corp.ron is open in another \
         launch-ready process (pid 4242); close it there first\nor open a copy"
            .into(),
    );
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal
        .draw(|f| view::picker::render(&picker, f))
        .expect("draw");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("close it there first"), "{screen}");
    assert!(screen.contains("or open a copy"), "{screen}");
    assert!(screen.contains("n new session"), "{screen}");
    insta::assert_snapshot!("picker_long_error_80x24", screen);
}

#[test]
fn detail_header_leads_with_the_worst_open_finding() {
    let l = loaded(&[]);
    let mut s = session(&l);
    // dns-check weighs medium in the runbook, but its last run found a blocker.
    let dns = s.state_mut("dns-check");
    dns.status = CheckStatus::Fail;
    dns.push_evidence(evidence(
        now() - Duration::minutes(5),
        CheckStatus::Fail,
        vec![Finding::new(
            Code::DnsUnresolvable,
            "app.acme.test has no A or AAAA record",
        )],
    ));
    let mut app = app_with(&l, s);
    update(&mut app, Msg::SelectStage(1));
    let screen = draw(&app, 120, 36);
    assert!(
        screen.contains("fail · blocker finding open · check medium"),
        "{screen}"
    );
    assert!(!screen.contains("fail · severity medium"));
}

#[test]
fn help_says_what_tab_does_where_and_mentions_the_mouse_first() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Help);
    let screen = draw(&app, 80, 24);
    assert!(screen.contains("Mouse: click"), "{screen}");
    assert!(
        screen.contains("next screen (on the checklist: switch focus)"),
        "{screen}"
    );
}

#[test]
fn stage_names_are_whole_at_120_columns() {
    let l = loaded(&[]);
    let app = app_with(&l, session(&l));
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("Deployment and secrets"), "{screen}");
}

#[test]
fn a_long_status_message_takes_the_hint_line_instead_of_being_cut() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    let message = "not available yet in this build: perf.latency, uptime.probe, \
                   lighthouse.score — answer by hand with p, w, f, b or s";
    app.status = Some(message.into());
    let screen = draw(&app, 120, 36);
    assert!(screen.contains(message), "{screen}");
}

#[test]
fn picker_form_shows_a_long_runbook_title_whole() {
    use launch_ready::app::picker::{Picker, RunbookChoice};
    let title = "B2B SaaS from a working demo to a launch the first paying customers can rely on";
    let runbooks = vec![RunbookChoice {
        id: "b2b-demo-to-launch".into(),
        title: title.into(),
    }];
    let mut picker = Picker::new(Vec::new(), runbooks, now());
    picker.action(Action::Add);
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).expect("test terminal");
    terminal
        .draw(|f| view::picker::render(&picker, f))
        .expect("draw");
    let screen = terminal.backend().to_string();
    // The title wraps inside the form; join its rows to read it back.
    let words: Vec<&str> = screen
        .lines()
        .flat_map(|l| l.split(['│', '"', '◀', '▶']))
        .flat_map(str::split_whitespace)
        .collect();
    let joined = words.join(" ");
    assert!(joined.contains(title), "{screen}");
}

#[test]
fn wrapped_finding_messages_keep_their_indent() {
    let l = loaded(&[]);
    let mut s = session(&l);
    let long = "the apex has no CAA record, so any public certificate authority may issue \
                certificates for it and for every name below it";
    s.state_mut("audit-check").evidence[0].results[0].findings[0].message = long.into();
    let app = app_with(&l, s);
    let rows = detail_rows(&draw(&app, 80, 24));
    let first = rows
        .iter()
        .position(|r| r.contains("the apex has no CAA"))
        .unwrap_or_else(|| panic!("{rows:#?}"));
    for next in &rows[first + 1..first + 3] {
        let next = next.trim_start_matches('│');
        assert!(
            next.starts_with("        ") && !next.trim().is_empty(),
            "continuation lost its indent: {rows:#?}"
        );
    }
}

#[test]
fn the_target_prompt_leaves_the_edited_row_in_sight() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Targets));
    let rows = launch_ready::app::targets::rows(&app.session);
    // Rows in the middle of the screen, where a centred prompt would sit, and the last.
    for row in [12, 13, 14, rows.len() - 1] {
        app.target_row = row;
        act(&mut app, Action::Edit);
        let screen = draw(&app, 120, 36);
        let line = screen.lines().nth(2 + row).unwrap_or_default();
        assert!(
            line.contains(rows[row].label()),
            "row {row} is covered:\n{screen}"
        );
        assert!(screen.contains("Enter accept"), "{screen}");
        act(&mut app, Action::Close);
    }
}

/// A brand-new session of each bundled runbook, nothing run and nothing answered: the
/// Risks screen says INCOMPLETE (nothing is known yet), never NO-GO.
#[test]
fn a_new_session_is_incomplete_on_the_risks_screen() {
    for loaded in launch_ready_core::runbook::library::bundled() {
        let l = loaded.expect("bundled runbooks load");
        let s = Session::new("fresh", "Fresh Co", &l, Targets::default(), START);
        let mut app = app_with(&l, s);
        act(&mut app, Action::Screen(Screen::Risks));
        let text = draw(&app, 120, 36);
        assert!(text.contains("INCOMPLETE"), "{}: {text}", l.runbook.id);
        assert!(!text.contains("NO-GO"), "{}: {text}", l.runbook.id);
    }
}

#[test]
fn targets_list_flows_and_edit_them_as_one_line_of_ron() {
    let l = loaded(&[]);
    let mut app = app_with(&l, session(&l));
    act(&mut app, Action::Screen(Screen::Targets));
    let rows = launch_ready::app::targets::rows(&app.session);
    let add = rows
        .iter()
        .position(|r| *r == TargetField::AddFlow)
        .expect("an add row for flows");
    app.target_row = add;
    act(&mut app, Action::Edit);
    let Some(Modal::Prompt(prompt)) = &mut app.modal else {
        panic!("the edit prompt opens");
    };
    // A password typed into the flow is refused: the session file would hold it.
    *prompt = Prompt::new(
        prompt.purpose.clone(),
        r#"Flow(name: "login", steps: [Step(method: "POST", url: "/session", body: Some(Form([("password", "hunter2")])))])"#,
    );
    act(&mut app, Action::Confirm);
    assert!(app.session.targets.flows.is_empty());
    let screen = draw(&app, 120, 36);
    assert!(screen.contains("`password` holds a secret"), "{screen}");
    assert!(!screen.contains("hunter2 "), "the value is not echoed back");
    let Some(Modal::Prompt(prompt)) = &mut app.modal else {
        panic!("the prompt stays open on an error");
    };
    *prompt = Prompt::new(
        prompt.purpose.clone(),
        r#"Flow(name: "login", steps: [Step(name: "log in", method: "POST", url: "/session", body: Some(Form([("password", "{{secret:smoke-password}}")])), expect: Expect(status: [303])), Step(url: "/api/me", expect: Expect(status: [200]))])"#,
    );
    act(&mut app, Action::Confirm);
    assert_eq!(app.session.targets.flows.len(), 1, "{:?}", app.modal);
    insta::assert_snapshot!("targets_flows_120x36", draw(&app, 120, 36));
    // Editing shows the flow as the same one line, and reads back unchanged.
    let text = launch_ready::app::targets::value(&app.session, TargetField::Flow(0));
    assert!(text.starts_with("Flow(name: \"login\""), "{text}");
    let before = app.session.targets.flows.clone();
    launch_ready::app::targets::apply(&mut app.session, TargetField::Flow(0), &text).unwrap();
    assert_eq!(app.session.targets.flows, before);
}
