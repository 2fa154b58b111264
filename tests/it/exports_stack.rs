//! The Prometheus export checked by the engines themselves: `promtool` and `amtool` accept
//! every file, the blackbox exporter accepts its modules, and an outage of a lab route
//! reaches the lab's webhook receiver through the real stack (blackbox exporter,
//! Prometheus, Alertmanager on loopback) within the runbook's alert target, resolve
//! included, beside the product's own monitor watching the same outage. The locustfile
//! runs headless against lab servers with planted defects.

use crate::common;
use crate::exports::{demo_session, export, have};
use launch_ready_core::flow::{Expect as FlowExpect, Flow, Step};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{Route, RouteBudget, Targets};
use launch_ready_core::session::store::SessionFile;
use launch_ready_lab::hook::HookReceiver;
use launch_ready_lab::switch::Switchable;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const HOOK: &str = "https://hooks.example.test/services/T000/B000/XXXXXXXXXXXXXXXX";

fn tool_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check_files(dir: &Path, amtool: bool) {
    let run = |prog: &str, args: &[&str]| {
        Command::new(prog)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap()
    };
    tool_ok(
        &run(
            "promtool",
            &["check", "config", "prometheus/prometheus.yml"],
        ),
        "promtool config",
    );
    tool_ok(
        &run("promtool", &["check", "rules", "prometheus/alerts.yml"]),
        "promtool rules",
    );
    if amtool {
        tool_ok(
            &run("amtool", &["check-config", "alertmanager/alertmanager.yml"]),
            "amtool",
        );
    }
    let bb = Command::new("prometheus-blackbox-exporter")
        .args(["--config.check", "--config.file=blackbox.yml"])
        .current_dir(dir.join("blackbox"))
        .output()
        .unwrap();
    tool_ok(&bb, "blackbox --config.check");
}

fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_prometheus_export_passes_the_engines_checkers() {
    if !(have("promtool", "prometheus export check")
        && have("amtool", "prometheus export check")
        && have("prometheus-blackbox-exporter", "prometheus export check"))
    {
        return;
    }
    let lab = common::lab().await;
    let dir = tempfile::tempdir().unwrap();
    let path = demo_session(dir.path(), &lab);
    // A flow whose first step a blackbox module can send (a read, its status and text),
    // beside the demo's login flow, which needs a credential and cannot be.
    {
        let (file, mut s) = SessionFile::open(&path).unwrap();
        s.targets.flows.push(Flow {
            name: "sign up".into(),
            steps: vec![Step {
                expect: FlowExpect {
                    status: vec![200],
                    contains: vec!["action=/signup".into()],
                    json: Vec::new(),
                },
                ..Step::get("https://app.brightdesk.test/signup")
            }],
        });
        file.save(&s).unwrap();
    }
    let session = path.display().to_string();
    let hook = [("LAUNCH_READY_ALERT_WEBHOOK", HOOK)];
    let old = dir.path().join("am025");
    let new = dir.path().join("am026");
    let plain = dir.path().join("public");
    let (s, o, n, p) = (
        session.clone(),
        old.display().to_string(),
        new.display().to_string(),
        plain.display().to_string(),
    );
    let outs = tokio::task::spawn_blocking(move || {
        vec![
            export(
                &[
                    "prometheus",
                    &s,
                    &o,
                    "--with-network",
                    "--alertmanager-version",
                    "0.25",
                ],
                &hook,
            ),
            export(&["prometheus", &s, &n, "--with-network"], &hook),
            export(
                &["prometheus", &s, &p, "--alertmanager-version", "0.25"],
                &hook,
            ),
        ]
    })
    .await
    .unwrap();
    for out in &outs {
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains(HOOK));
    }
    // Debian's Alertmanager (0.25) reads the older form; 0.26's `url_file` it refuses, so
    // only promtool and the blackbox exporter judge that one here.
    check_files(&old, true);
    check_files(&plain, true);
    check_files(&new, false);
    // The URL is a secret: in a 0600 file, never in the README or the rules.
    let am_old = old.join("alertmanager/alertmanager.yml");
    assert!(std::fs::read_to_string(&am_old).unwrap().contains(HOOK));
    assert_eq!(mode(&am_old), 0o600);
    let am_new = std::fs::read_to_string(new.join("alertmanager/alertmanager.yml")).unwrap();
    assert!(
        !am_new.contains(HOOK) && am_new.contains("url_file"),
        "{am_new}"
    );
    let secret = new.join("alertmanager/secrets/alert-webhook");
    assert_eq!(std::fs::read_to_string(&secret).unwrap().trim(), HOOK);
    assert_eq!(mode(&secret), 0o600);
    for d in [&old, &new] {
        for f in [
            "README.md",
            "prometheus/alerts.yml",
            "prometheus/prometheus.yml",
            "blackbox/blackbox.yml",
            "docker-compose.yml",
        ] {
            assert!(
                !std::fs::read_to_string(d.join(f)).unwrap().contains(HOOK),
                "{f}"
            );
        }
    }
    // The runbook's numbers are in the rules: two failed probes at 1m, 14 days, 300 ms.
    let rules = std::fs::read_to_string(old.join("prometheus/alerts.yml")).unwrap();
    assert!(rules.contains("for: 60s"), "{rules}");
    assert!(rules.contains("< 14"), "{rules}");
    assert!(
        rules.contains("budget_ms=\\\"300\\\"") || rules.contains("budget_ms=\"300\""),
        "{rules}"
    );
    // Lab names are probed at their connect-to address with the name as Host.
    let bb = std::fs::read_to_string(old.join("blackbox/blackbox.yml")).unwrap();
    assert!(bb.contains("Host: www.brightdesk.test"), "{bb}");
    // The sign-up flow's step is a module (its statuses and text, as a literal pattern,
    // sent to the lab's address with the name as Host); the login flow is named in the
    // README as left to `smoke`.
    let module: serde_json::Value =
        serde_norway::from_str::<serde_json::Value>(&bb).unwrap()["modules"]["flow_0"].clone();
    assert_eq!(module["http"]["method"], "GET", "{module}");
    assert_eq!(module["http"]["headers"]["Host"], "app.brightdesk.test");
    assert_eq!(
        module["http"]["valid_status_codes"],
        serde_json::json!([200])
    );
    assert_eq!(
        module["http"]["fail_if_body_not_matches_regexp"],
        serde_json::json!(["action=/signup"])
    );
    let readme = std::fs::read_to_string(old.join("README.md")).unwrap();
    assert!(
        readme.contains("flow `log in then protected route` is not probed"),
        "{readme}"
    );
    // An older Alertmanager without the secret cannot be configured: said, not guessed.
    let (s, d) = (session, dir.path().join("nosecret").display().to_string());
    let out = tokio::task::spawn_blocking(move || {
        export(
            &["prometheus", &s, &d, "--alertmanager-version", "0.25"],
            &[("LAUNCH_READY_ALERT_WEBHOOK", "")],
        )
    })
    .await
    .unwrap();
    if out.status.code() == Some(2) {
        assert!(String::from_utf8_lossy(&out.stderr).contains("alert-webhook"));
    }
}

/// A child process killed (by its own id) when the test ends, however it ends.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `prog` in `cwd`, its output appended to `log` (read when a test fails).
fn spawn(prog: &str, args: &[String], cwd: &Path, log: &Path) -> Proc {
    let out = || {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .map_or_else(|_| Stdio::null(), Stdio::from)
    };
    Proc(
        Command::new(prog)
            .args(args)
            .current_dir(cwd)
            .stdout(out())
            .stderr(out())
            .spawn()
            .unwrap_or_else(|e| panic!("{prog}: {e}")),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The exported stack running from its folder on fresh ports (in place of the well-known
/// ones), stopped when dropped.
pub(crate) struct Stack {
    _procs: [Proc; 3],
    log: PathBuf,
}

impl Stack {
    pub(crate) fn start(out_dir: &Path, data: &Path) -> Stack {
        let (bb, prom, am) = (free_port(), free_port(), free_port());
        let prom_yml = out_dir.join("prometheus/prometheus.yml");
        let text = std::fs::read_to_string(&prom_yml)
            .unwrap()
            .replace("127.0.0.1:9115", &format!("127.0.0.1:{bb}"))
            .replace("127.0.0.1:9093", &format!("127.0.0.1:{am}"));
        std::fs::write(&prom_yml, text).unwrap();
        let log = data.join("stack.log");
        let blackbox = spawn(
            "prometheus-blackbox-exporter",
            &[
                "--config.file=blackbox.yml".into(),
                format!("--web.listen-address=127.0.0.1:{bb}"),
            ],
            &out_dir.join("blackbox"),
            &log,
        );
        let alertmanager = spawn(
            "prometheus-alertmanager",
            &[
                "--config.file=alertmanager.yml".into(),
                format!("--web.listen-address=127.0.0.1:{am}"),
                "--cluster.listen-address=".into(),
                format!("--storage.path={}", data.join("am-data").display()),
            ],
            &out_dir.join("alertmanager"),
            &log,
        );
        let prometheus = spawn(
            "prometheus",
            &[
                "--config.file=prometheus.yml".into(),
                format!("--web.listen-address=127.0.0.1:{prom}"),
                format!("--storage.tsdb.path={}", data.join("prom-data").display()),
            ],
            &out_dir.join("prometheus"),
            &log,
        );
        Stack {
            _procs: [blackbox, alertmanager, prometheus],
            log,
        }
    }

    /// What the three engines logged, warnings and errors only.
    pub(crate) fn problems(&self) -> String {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("level=warn") || l.contains("level=error"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn session_with_routes(dir: &Path, routes: Vec<Route>) -> PathBuf {
    let runbook = launch_ready::commands::runbooks::library()
        .resolve(launch_ready::commands::demo::DEMO_RUNBOOK)
        .unwrap();
    let targets = Targets {
        routes,
        ..Targets::default()
    };
    let s = Session::new(
        "export-e2e",
        "Export test",
        &runbook,
        targets,
        OffsetDateTime::now_utc(),
    );
    let path = dir.join("export-e2e.ron");
    SessionFile::create(&path, &s).unwrap();
    path
}

/// Time until the first webhook body `wanted` accepts, waited for up to `limit`.
pub(crate) async fn wait_for(
    hook: &HookReceiver,
    wanted: impl Fn(&serde_json::Value) -> bool,
    since: Instant,
    limit: Duration,
) -> Option<Duration> {
    while since.elapsed() < limit {
        if hook.received().iter().any(&wanted) {
            return Some(since.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// An Alertmanager notification of the down alert in state `status`.
fn is_down(body: &serde_json::Value, status: &str) -> bool {
    body["status"] == status && body["groupLabels"]["alertname"] == "LaunchReadyDown"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_reaches_the_webhook_through_the_exported_stack() {
    let test = "exported stack end to end";
    if !(have("prometheus", test)
        && have("prometheus-alertmanager", test)
        && have("prometheus-blackbox-exporter", test))
    {
        return;
    }
    let site = Switchable::start().await.unwrap();
    let hook = HookReceiver::start().await.unwrap();
    let own_hook = HookReceiver::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let session = session_with_routes(
        dir.path(),
        vec![Route {
            name: "switchable".into(),
            path: site.url(),
            ..Route::default()
        }],
    );
    let out_dir = dir.path().join("stack");
    let (s, d, h) = (
        session.display().to_string(),
        out_dir.display().to_string(),
        hook.url(),
    );
    let started = Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        export(
            &[
                "prometheus",
                &s,
                &d,
                "--interval",
                "1s",
                "--alertmanager-version",
                "0.25",
            ],
            &[("LAUNCH_READY_ALERT_WEBHOOK", &h)],
        )
    })
    .await
    .unwrap();
    let export_ms = started.elapsed().as_millis();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let _stack = Stack::start(&out_dir, dir.path());
    // The product's own monitor on the same route, alerting a receiver of its own.
    let _own = Proc(
        Command::new(env!("CARGO_BIN_EXE_launch-ready"))
            .args([
                "monitor",
                &site.url(),
                "--interval",
                "1s",
                "--duration",
                "90s",
            ])
            .env("LAUNCH_READY_ALERT_WEBHOOK", own_hook.url())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Let Prometheus start and see the route up for a few probes.
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert!(
        hook.received().is_empty(),
        "no alert while the route is up: {:?}",
        hook.received()
    );

    let target = Duration::from_secs(
        u64::from(
            launch_ready::commands::runbooks::library()
                .resolve(launch_ready::commands::demo::DEMO_RUNBOOK)
                .unwrap()
                .runbook
                .targets
                .alert_delay_min
                .unwrap_or(2),
        ) * 60,
    );
    site.down();
    let down_at = Instant::now();
    let (fired, own_fired) = tokio::join!(
        wait_for(&hook, |b| is_down(b, "firing"), down_at, target),
        wait_for(
            &own_hook,
            |b| b["event"] == "down",
            down_at,
            Duration::from_secs(30)
        ),
    );
    let fired =
        fired.unwrap_or_else(|| panic!("no alert within {target:?}: {:?}", hook.received()));
    let body = hook
        .received()
        .into_iter()
        .find(|b| is_down(b, "firing"))
        .unwrap();
    assert_eq!(
        body["alerts"][0]["labels"]["instance"],
        site.url().as_str(),
        "{body}"
    );
    assert_eq!(body["alerts"][0]["labels"]["severity"], "blocker", "{body}");

    site.up().unwrap();
    let up_at = Instant::now();
    let resolved = wait_for(
        &hook,
        |b| is_down(b, "resolved"),
        up_at,
        Duration::from_secs(60),
    )
    .await
    .unwrap_or_else(|| panic!("no resolve: {:?}", hook.received()));
    eprintln!(
        "exports bench: export {export_ms} ms; exported stack alert {} ms, resolve {} ms; own monitor alert {:?} ms (1s probes)",
        fired.as_millis(),
        resolved.as_millis(),
        own_fired.map(|d| d.as_millis())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_locustfile_judges_a_run_by_the_runbooks_budgets() {
    if !have("locust", "locust export") {
        return;
    }
    let token = tokio_util::sync::CancellationToken::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fast = listener.local_addr().unwrap();
    tokio::spawn(launch_ready_lab::keepalive::serve(
        listener,
        None,
        token.clone(),
    ));
    let broken = HookReceiver::start().await.unwrap();
    broken.answer(500);
    let dir = tempfile::tempdir().unwrap();
    let good = Route {
        name: "home".into(),
        path: format!("http://{fast}/"),
        ..Route::default()
    };
    let slow = Route {
        name: "report".into(),
        path: format!("http://{fast}/delay/400"),
        budget: Some(RouteBudget::P95Ms(200)),
        ..Route::default()
    };
    let failing = Route {
        name: "signup".into(),
        path: broken.url(),
        method: "POST".into(),
        body: Some("{\"email\":\"a@example.test\"}".into()),
        ..Route::default()
    };
    let run = |routes: Vec<Route>, name: &str, secs: u32| {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        let session = session_with_routes(&sub, routes);
        let out_dir = sub.join("locust");
        let (s, d) = (session.display().to_string(), out_dir.display().to_string());
        async move {
            tokio::task::spawn_blocking(move || {
                let out = export(&["locust", &s, &d], &[]);
                assert_eq!(
                    out.status.code(),
                    Some(0),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let started = Instant::now();
                let out = Command::new("locust")
                    .args([
                        "-f",
                        "locustfile.py",
                        "--headless",
                        "-u",
                        "3",
                        "-r",
                        "3",
                        "-t",
                    ])
                    .arg(format!("{secs}s"))
                    .args(["--csv", "run", "--only-summary"])
                    .current_dir(&out_dir)
                    .output()
                    .unwrap();
                eprintln!(
                    "exports bench: locust {secs}s run took {} ms",
                    started.elapsed().as_millis()
                );
                let csv =
                    std::fs::read_to_string(out_dir.join("run_stats.csv")).unwrap_or_default();
                (out, csv)
            })
            .await
            .unwrap()
        }
    };
    // Long enough that each of the three users reaches every route even when Locust
    // starts slowly beside a busy test suite.
    let (out, csv) = run(vec![good.clone(), slow, failing], "defects", 20).await;
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let row = |name: &str| -> (u64, u64) {
        let line = csv
            .lines()
            .find(|l| l.split(',').nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} in {csv}"));
        let cols: Vec<&str> = line.split(',').collect();
        (cols[2].parse().unwrap(), cols[3].parse().unwrap())
    };
    let (home_n, home_failed) = row("home");
    let (report_n, report_failed) = row("report");
    let (signup_n, signup_failed) = row("signup");
    assert!(home_n > 0 && report_n > 0 && signup_n > 0, "{csv}");
    // The 500s are the failures, all of them and only them; the slow route answers.
    assert_eq!(home_failed, 0, "{csv}");
    assert_eq!(report_failed, 0, "{csv}");
    assert_eq!(signup_failed, signup_n, "{csv}");
    assert!(stderr.contains("report: p95"), "{stderr}");
    assert!(stderr.contains("error rate"), "{stderr}");
    assert!(!stderr.contains("home: p95"), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");

    let (out, _) = run(vec![good], "healthy", 4).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    token.cancel();
}
