//! `launch-ready lab`: run the demo lab alone, print how to aim other tools at it, and
//! stop cleanly on Ctrl-C or SIGTERM, printing how many HTTP requests each host answered.

use super::{Failure, Outcome};
use crate::cli::LabArgs;
use launch_ready_core::settings::NetworkSettings;
use launch_ready_lab as lab;
use launch_ready_lab::{Lab, LabConfig};
use std::fmt::Write as _;
use std::io::Write as _;

/// The settings as `check` flags, and the demo targets, for people and scripts.
pub fn describe(l: &Lab) -> String {
    let mut out = String::new();
    let web = l.web();
    let _ = writeln!(
        out,
        "launch-ready lab: DNS on {} (UDP+TCP), web on {} and {} (HTTP and HTTPS each), old TLS on {}",
        l.dns_addr(),
        web.http_addr,
        web.https_addr,
        web.old_tls_addr
    );
    let _ = writeln!(out, "lab CA: {}", l.ca_file().display());
    let short = l.pasteable_settings();
    let _ = writeln!(out, "flags: {}", flags(&short).join(" "));
    let _ = writeln!(out, "new session: {}", new_line(l, &short));
    let _ = writeln!(
        out,
        "Cloudflare API fake: --cloudflare-api {} (fake tokens, read-only: CLOUDFLARE_API_TOKEN={} for the demo zone {}, {} for every permission, {} for zone and DNS only)",
        l.cloudflare().url(),
        lab::cloudflare::LAB_TOKEN,
        lab::BRIGHTDESK,
        lab::cloudflare::FULL_TOKEN,
        lab::cloudflare::LIMITED_TOKEN
    );
    let t = lab::demo_targets();
    let _ = writeln!(out, "demo product: Brightdesk");
    let _ = writeln!(out, "  apex: {}", t.apex);
    for h in &t.hosts {
        let _ = writeln!(out, "  {}: {}", h.role, h.host);
    }
    let r = l.demo_repo();
    let _ = writeln!(out, "  repository: {}", r.repo.display());
    let _ = writeln!(out, "  build output: {}", r.build_dir.display());
    for f in &r.env_files {
        let _ = writeln!(out, "  env {}: {}", f.environment, f.path.display());
    }
    let _ = writeln!(out, "lab domains: {}", lab::GOOD_DOMAIN);
    for d in lab::DEFECT_DOMAINS {
        let _ = writeln!(out, "  {} ({})", d.domain, d.code);
    }
    let _ = writeln!(out, "web hosts:");
    for (host, what) in lab::web::hosts() {
        let _ = writeln!(out, "  {host}: {what}");
    }
    let _ = writeln!(out, "press Ctrl-C to stop");
    out
}

/// One `launch-ready new` command that makes a session of the demo product aimed at this
/// lab: its hosts, routes, repository, build and env files, and the network flags.
pub fn new_line(l: &Lab, s: &NetworkSettings) -> String {
    let t = lab::demo_targets();
    let mut words: Vec<String> = vec![
        "launch-ready new".into(),
        format!("--runbook {}", lab::demo::DEMO_RUNBOOK),
        "--client Brightdesk".into(),
        "--name brightdesk-lab".into(),
        format!("--domain {}", t.apex),
    ];
    words.extend(
        t.hosts
            .iter()
            .map(|h| format!("--host {}={}", h.role, h.host)),
    );
    for r in &t.routes {
        let named = launch_ready_core::session::model::Route {
            name: r.name.replace(' ', "-"),
            ..r.clone()
        };
        words.push(format!(
            "--route {}",
            quoted(&crate::app::route_line::render(&named))
        ));
    }
    words.extend(
        t.dkim_selectors
            .iter()
            .map(|d| format!("--dkim-selector {d}")),
    );
    let r = l.demo_repo();
    words.push(format!("--repo {}", quoted(&r.repo.display().to_string())));
    words.push(format!(
        "--build-dir {}",
        quoted(&r.build_dir.display().to_string())
    ));
    for f in &r.env_files {
        words.push(format!(
            "--env {}",
            quoted(&format!("{}={}", f.environment, f.path.display()))
        ));
    }
    if let Some(api) = &s.cloudflare_api {
        words.push(format!("--cloudflare-api {api}"));
    }
    words.extend(flags(s));
    words.join(" ")
}

/// `word` as one shell word (quoted only when it needs to be).
fn quoted(word: &str) -> String {
    // Only a NUL cannot be quoted, and no path or flag the lab prints holds one.
    shlex::try_quote(word).map_or_else(|_| word.to_string(), |q| q.into_owned())
}

/// Prints each alert the lab's receiver gets, as the monitor's `text` line.
async fn print_alerts(hook: launch_ready_lab::hook::HookReceiver) {
    let mut shown = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let got = hook.received();
        for a in got.iter().skip(shown) {
            let text = a["text"]
                .as_str()
                .map_or_else(|| a.to_string(), str::to_string);
            println!(
                "alert received: {}",
                launch_ready_core::sanitize::sanitize(&text)
            );
        }
        shown = got.len();
    }
}

/// The settings as `check` flags, in the order `check --help` lists them.
pub fn flags(s: &NetworkSettings) -> Vec<String> {
    let mut flags = Vec::new();
    if let Some(ns) = s.nameserver {
        flags.push(format!("--nameserver {ns}"));
    }
    flags.extend(s.resolve.iter().map(|r| format!("--resolve {r}")));
    flags.extend(
        s.connect_to
            .iter()
            .map(|c| format!("--connect-to {}", quoted(&c.to_string()))),
    );
    if let Some(ca) = &s.ca_file {
        flags.push(format!("--ca-file {}", quoted(&ca.display().to_string())));
    }
    // `--cloudflare-api` is `check`'s alone (load and monitor take the rest), so the
    // lab prints it on its own line.
    flags
}

pub fn run(args: &LabArgs) -> Outcome {
    let runtime = super::network_runtime()?;
    runtime.block_on(async {
        let l = Lab::start(LabConfig {
            dns_port: args.dns_port,
        })
        .await
        .map_err(Failure::usage)?;
        // Printed at once (not through `main`'s buffer) so scripts can read it while we run.
        let mut stdout = std::io::stdout();
        let _ = stdout.write_all(describe(&l).as_bytes());
        let token = tokio_util::sync::CancellationToken::new();
        if let Some(port) = args.keepalive_port {
            // The benchmark endpoint (BENCHMARKS.md): plain keep-alive HTTP/1.1.
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                .await
                .map_err(|e| Failure::usage(format!("--keepalive-port {port}: {e}")))?;
            let addr = listener
                .local_addr()
                .map_err(|e| Failure::usage(e.to_string()))?;
            let _ = writeln!(
                stdout,
                "keep-alive HTTP/1.1 server: http://{addr}/ (/delay/MS answers after MS ms)"
            );
            tokio::spawn(launch_ready_lab::keepalive::serve(
                listener,
                None,
                token.clone(),
            ));
        }
        let hook = launch_ready_lab::hook::HookReceiver::start().await.ok();
        if let Some(h) = &hook {
            let _ = writeln!(
                stdout,
                "alert webhook receiver: LAUNCH_READY_ALERT_WEBHOOK={}",
                h.url()
            );
        }
        let _ = stdout.flush();
        let printer = hook.map(|h| tokio::spawn(print_alerts(h)));
        wait_for_stop().await;
        token.cancel();
        if let Some(p) = printer {
            p.abort();
        }
        // What the lab answered while it ran: how much traffic a run of checks sends.
        let log = &l.web().requests;
        let served = log.per_host();
        let total: usize = served.iter().map(|(_, n)| n).sum();
        let _ = writeln!(stdout, "HTTP requests answered: {total}");
        for (host, n) in served {
            let _ = writeln!(
                stdout,
                "  {host}: {n} (entry page: https {}, http {})",
                log.count("https", &host, "/"),
                log.count("http", &host, "/")
            );
        }
        let _ = stdout.flush();
        l.shutdown().await;
        Ok(0)
    })
}

#[cfg(unix)]
async fn wait_for_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() {
    let _ = tokio::signal::ctrl_c().await;
}
