//! `export prometheus`: the session's monitoring, handed to a standard stack. The blackbox
//! exporter probes (http per monitored URL with the statuses that mean up, tls per host,
//! dns for the apex), Prometheus scrapes it and evaluates rules carrying the runbook's
//! numbers, and Alertmanager sends to the session's alert routes.
//!
//! Every address is on 127.0.0.1 (blackbox 9115, Prometheus 9090, Alertmanager 9093) and
//! the compose file uses host networking, so a loopback or VPN-only target probes the same
//! from the stack as from the laptop that ran the sprint.
//!
//! Hosts reached through `--connect-to` (the demo lab, a staging box before its DNS
//! exists) cannot be probed by name: the blackbox exporter has no per-module resolver for
//! http. Such a URL is probed at the address it is sent to, with the real name in the
//! `Host` header and as the TLS server name, which is what the product's own checks do.

use super::stack::{
    ALERTMANAGER_ADDR, BLACKBOX_ADDR, DNS_JOB, HTTP_JOB, Options, PROMETHEUS_ADDR, TLS_JOB,
    go_duration,
};
use super::{ExportError, File, alertmanager, rules};
use launch_ready_core::plan::{Monitored, Plan};
use launch_ready_core::settings::NetworkSettings;
use serde_json::{Value, json};
use std::time::Duration;

/// The resolver the dns module asks when the export carries no nameserver.
const PUBLIC_RESOLVER: &str = "1.1.1.1:53";

/// Every file of the export.
pub fn export(plan: &Plan, opts: &Options) -> Result<super::Export, ExportError> {
    let network = plan.network.clone().unwrap_or_default();
    let (flows, flow_notes) = super::flow_probes::flow_probes(plan);
    let mut probes = probes(plan, &network);
    let budgets = launch_ready_core::evidence::Budgets::from_targets(&plan.runbook.targets);
    let ca = network.ca_file.as_ref().map(|p| p.display().to_string());
    for (i, f) in flows.iter().enumerate() {
        probes.push(flow_probe(i, f, &budgets, &network, ca.as_deref()));
    }
    let mut files = vec![
        File::new(
            "blackbox/blackbox.yml",
            header("blackbox exporter modules") + &yaml(&blackbox(&probes))?,
        ),
        File::new(
            "prometheus/prometheus.yml",
            header("Prometheus: scrape through the blackbox exporter, alert through Alertmanager")
                + &yaml(&prometheus(&probes, opts.interval))?,
        ),
        File::new(
            "prometheus/alerts.yml",
            header("alert rules carrying the runbook's numbers")
                + &yaml(&rules::rules(plan, opts.interval, opts.escalate_after))?,
        ),
    ];
    let mut notes = flow_notes.clone();
    let am = alertmanager::config(plan, opts, &mut notes)?;
    files.extend(am);
    files.push(File::new("docker-compose.yml", compose()));
    let delay = rules::worst_alert_delay(plan, opts.interval);
    if let Some(min) = plan.runbook.targets.alert_delay_min
        && delay > Duration::from_secs(u64::from(min) * 60)
    {
        notes.push(format!(
            "an outage may take up to {}s to alert with a {}s probe interval, over the runbook's {min} min: probe more often (--interval)",
            delay.as_secs(),
            opts.interval.as_secs()
        ));
    }
    files.push(File::new(
        "README.md",
        readme(plan, opts, delay, &probes, &flow_notes),
    ));
    Ok(super::Export { files, notes })
}

fn yaml(v: &Value) -> Result<String, ExportError> {
    Ok(serde_norway::to_string(v)?)
}

fn header(what: &str) -> String {
    format!("# Written by `launch-ready export prometheus`: {what}.\n")
}

/// One probe: the blackbox module it uses and the target it hands the module.
#[derive(Debug, Clone, PartialEq)]
struct Probe {
    job: &'static str,
    module: String,
    /// What the module probes (a URL, `host:port`, a resolver).
    target: String,
    /// The name people know the target by (the URL or host), for alert labels.
    instance: String,
    /// The module's settings.
    settings: Value,
    /// p95 budget of an http probe, in milliseconds.
    budget_ms: Option<u32>,
}

fn probes(plan: &Plan, network: &NetworkSettings) -> Vec<Probe> {
    let ca = network.ca_file.as_ref().map(|p| p.display().to_string());
    let mut out = Vec::new();
    for (i, m) in plan.monitored.iter().enumerate() {
        out.push(http_probe(i, m, network, ca.as_deref()));
    }
    let mut hosts: Vec<&str> = Vec::new();
    for h in std::iter::once(plan.targets.apex.as_str())
        .chain(plan.targets.hosts.iter().map(|h| h.host.as_str()))
    {
        if !h.is_empty() && !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    for (i, host) in hosts.iter().enumerate() {
        let (target, server_name) = match connect(network, host, 443) {
            Some(to) => (to, Some(*host)),
            None => (format!("{host}:443"), None),
        };
        let mut tls = json!({});
        if let Some(n) = server_name {
            tls["server_name"] = json!(n);
        }
        if let Some(ca) = &ca {
            tls["ca_file"] = json!(ca);
        }
        out.push(Probe {
            job: TLS_JOB,
            module: format!("tls_{i}"),
            target,
            instance: (*host).to_string(),
            settings: json!({"prober": "tcp", "timeout": "5s", "tcp": {"tls": true, "tls_config": tls}}),
            budget_ms: None,
        });
    }
    if !plan.targets.apex.is_empty() {
        let resolver = network
            .nameserver
            .as_ref()
            .map_or(PUBLIC_RESOLVER.to_string(), |n| n.0.to_string());
        out.push(Probe {
            job: DNS_JOB,
            module: "dns_apex".into(),
            target: resolver,
            instance: plan.targets.apex.clone(),
            settings: json!({
                "prober": "dns",
                "timeout": "5s",
                "dns": {
                    "query_name": plan.targets.apex,
                    "query_type": "A",
                    "transport_protocol": "udp",
                    "preferred_ip_protocol": "ip4",
                    "valid_rcodes": ["NOERROR"],
                    "validate_answer_rrs": {"fail_if_none_matches_regexp": ["\\sIN\\s+A\\s"]},
                },
            }),
            budget_ms: None,
        });
    }
    out
}

fn http_probe(i: usize, m: &Monitored, network: &NetworkSettings, ca: Option<&str>) -> Probe {
    let http = json!({
        "method": "GET",
        "valid_status_codes": m.up_statuses(),
        "follow_redirects": false,
        "preferred_ip_protocol": "ip4",
    });
    http_module(
        format!("http_{i}"),
        &m.url,
        m.url.clone(),
        http,
        m.budget_ms,
        network,
        ca,
    )
}

/// The first step of a flow as an http module: its method, headers, body, the statuses
/// it accepts and the texts it must find, held to the read or write budget by method.
fn flow_probe(
    i: usize,
    f: &super::flow_probes::FlowProbe,
    budgets: &launch_ready_core::evidence::Budgets,
    network: &NetworkSettings,
    ca: Option<&str>,
) -> Probe {
    let mut http = json!({
        "method": f.method,
        "valid_status_codes": f.statuses,
        "follow_redirects": false,
        "preferred_ip_protocol": "ip4",
    });
    if !f.headers.is_empty() {
        http["headers"] = f
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    if let Some(body) = &f.body {
        http["body"] = json!(body);
    }
    if !f.contains.is_empty() {
        http["fail_if_body_not_matches_regexp"] = f
            .contains
            .iter()
            .map(|c| super::flow_probes::literal_pattern(c))
            .collect();
    }
    let budget = if matches!(f.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
        budgets.p95_read_ms
    } else {
        budgets.p95_write_ms
    };
    http_module(
        format!("flow_{i}"),
        &f.url,
        f.instance.clone(),
        http,
        budget,
        network,
        ca,
    )
}

/// An http probe of `url`: sent to the connect-to address when the session has one for
/// it, with the real name in `Host` and as the TLS server name.
fn http_module(
    module: String,
    url: &str,
    instance: String,
    mut http: Value,
    budget_ms: u32,
    network: &NetworkSettings,
    ca: Option<&str>,
) -> Probe {
    let mut tls = json!({});
    if let Some(ca) = ca {
        tls["ca_file"] = json!(ca);
    }
    let mut target = url.to_string();
    if let Ok(mut parsed) = reqwest::Url::parse(url)
        && let Some(host) = parsed.host_str().map(str::to_string)
        && let Some(port) = parsed.port_or_known_default()
        && let Some(to) = network
            .connect_to
            .iter()
            .find(|c| c.matches(&host, port))
            .map(|c| c.to)
    {
        let host_value = json!(host_header(&host, parsed.port()));
        match http.get_mut("headers").and_then(Value::as_object_mut) {
            Some(h) => {
                h.insert("Host".into(), host_value);
            }
            None => http["headers"] = json!({ "Host": host_value }),
        }
        tls["server_name"] = json!(host);
        let _ = parsed.set_ip_host(to.ip());
        let _ = parsed.set_port(Some(to.port()));
        target = parsed.to_string();
    }
    if tls.as_object().is_some_and(|o| !o.is_empty()) {
        http["tls_config"] = tls;
    }
    Probe {
        job: HTTP_JOB,
        module,
        target,
        instance,
        settings: json!({"prober": "http", "timeout": "10s", "http": http}),
        budget_ms: Some(budget_ms),
    }
}

fn host_header(host: &str, port: Option<u16>) -> String {
    match port {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

/// The address `host:port` is sent to by the session's connect-to settings.
fn connect(network: &NetworkSettings, host: &str, port: u16) -> Option<String> {
    network
        .connect_to
        .iter()
        .find(|c| c.matches(host, port))
        .map(|c| c.to.to_string())
}

fn blackbox(probes: &[Probe]) -> Value {
    let modules: serde_json::Map<String, Value> = probes
        .iter()
        .map(|p| (p.module.clone(), p.settings.clone()))
        .collect();
    json!({ "modules": modules })
}

fn prometheus(probes: &[Probe], interval: Duration) -> Value {
    let mut jobs = Vec::new();
    for job in [HTTP_JOB, TLS_JOB, DNS_JOB] {
        let of_job: Vec<&Probe> = probes.iter().filter(|p| p.job == job).collect();
        if of_job.is_empty() {
            continue;
        }
        // One static group per probe: each carries its module and the name people know.
        let groups: Vec<Value> = of_job
            .iter()
            .map(|p| {
                let mut labels = json!({"module": p.module, "url": p.instance});
                if let Some(b) = p.budget_ms {
                    labels["budget_ms"] = json!(b.to_string());
                }
                json!({"targets": [p.target], "labels": labels})
            })
            .collect();
        jobs.push(json!({
            "job_name": job,
            "metrics_path": "/probe",
            "static_configs": groups,
            "relabel_configs": [
                {"source_labels": ["__address__"], "target_label": "__param_target"},
                {"source_labels": ["module"], "target_label": "__param_module"},
                {"source_labels": ["url"], "target_label": "instance"},
                {"target_label": "__address__", "replacement": BLACKBOX_ADDR},
            ],
        }));
    }
    json!({
        "global": {
            "scrape_interval": go_duration(interval),
            "scrape_timeout": go_duration(interval.min(Duration::from_secs(10))),
            "evaluation_interval": go_duration(interval),
        },
        "rule_files": ["alerts.yml"],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [ALERTMANAGER_ADDR]}]}]},
        "scrape_configs": jobs,
    })
}

fn compose() -> String {
    "# Written by `launch-ready export prometheus`. Host networking: every service listens on
# 127.0.0.1 and probes targets as this machine sees them. Start with `docker compose up -d`.
services:
  blackbox:
    image: prom/blackbox-exporter:v0.25.0
    network_mode: host
    working_dir: /etc/blackbox
    volumes: [\"./blackbox:/etc/blackbox:ro\"]
    command: [\"--config.file=/etc/blackbox/blackbox.yml\", \"--web.listen-address=127.0.0.1:9115\"]
    restart: unless-stopped
  prometheus:
    image: prom/prometheus:v2.53.0
    network_mode: host
    volumes: [\"./prometheus:/etc/prometheus:ro\"]
    command: [\"--config.file=/etc/prometheus/prometheus.yml\", \"--web.listen-address=127.0.0.1:9090\"]
    restart: unless-stopped
  alertmanager:
    image: prom/alertmanager:v0.27.0
    network_mode: host
    working_dir: /etc/alertmanager
    volumes: [\"./alertmanager:/etc/alertmanager:ro\"]
    command: [\"--config.file=/etc/alertmanager/alertmanager.yml\", \"--web.listen-address=127.0.0.1:9093\", \"--cluster.listen-address=\", \"--storage.path=/alertmanager\"]
    restart: unless-stopped
"
    .to_string()
}

/// The routes as the README lists them: order, kind and when each is paged.
fn routes_list(plan: &Plan, opts: &Options) -> String {
    if plan.alert_routes.is_empty() {
        return "None: alerts fire in Prometheus but go nowhere.".into();
    }
    plan.alert_routes
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let when = if k == 0 {
                "every alert".to_string()
            } else {
                format!(
                    "outages unresolved {} after their alert",
                    rules::human(opts.escalate_after * u32::try_from(k).unwrap_or(u32::MAX))
                )
            };
            format!(
                "{}. {} (receiver `{}`): {when}; its secret is in {}",
                k + 1,
                r.label(),
                alertmanager::receiver_name(k, r),
                alertmanager::secret_place(r, opts)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn readme(
    plan: &Plan,
    opts: &Options,
    delay: Duration,
    probes: &[Probe],
    flow_notes: &[String],
) -> String {
    let t = &plan.runbook.targets;
    let count = |job| probes.iter().filter(|p| p.job == job).count();
    let n = rules::probes_before_alert(plan);
    let amv = format!("{}.{}", opts.alertmanager.0, opts.alertmanager.1);
    format!(
        "# Monitoring for {client}\n\n\
Written by `launch-ready export prometheus` from the session `{session}` (runbook `{runbook}`).\n\n\
| file | what it is |\n| --- | --- |\n\
| `blackbox/blackbox.yml` | probe modules: {http} http (statuses that mean up, no redirects followed; {flow_count} of them a flow's first step), {tls} tls, {dns} dns |\n\
| `prometheus/prometheus.yml` | scrapes every probe through the blackbox exporter every {every} |\n\
| `prometheus/alerts.yml` | down, slow (p95), certificate expiry, error rate, DNS |\n\
| `alertmanager/alertmanager.yml` | sends to the session's alert routes, in escalation order |\n\
| `docker-compose.yml` | the three together, host networking |\n\n\
## Start\n\n\
With Docker: `docker compose up -d`. Without it (Debian: `apt install prometheus prometheus-blackbox-exporter prometheus-alertmanager`), run each binary from its own folder:\n\n\
```sh\n\
(cd blackbox && prometheus-blackbox-exporter --config.file=blackbox.yml --web.listen-address={bb}) &\n\
(cd alertmanager && prometheus-alertmanager --config.file=alertmanager.yml --web.listen-address={am} --cluster.listen-address= --storage.path=data) &\n\
(cd prometheus && prometheus --config.file=prometheus.yml --web.listen-address={prom} --storage.tsdb.path=data) &\n\
```\n\n\
Check the files first: `promtool check config prometheus/prometheus.yml`, `promtool check rules prometheus/alerts.yml`, `amtool check-config alertmanager/alertmanager.yml`.\n\n\
## The runbook's numbers\n\n\
- Down: {n} failed probes in a row (`probes_before_alert`); the rule waits {n_minus} probe interval(s) after the first failure.\n\
- Alert delay: at worst {delay}s from an outage to the alert (a probe interval to notice, the failed probes, one rule evaluation, Alertmanager's group wait){target}.\n\
- Slow: p95 of the probe duration over each URL's budget.\n\
- Certificates: alert {cert} days before expiry.\n\
- Error rate: failed probes over the last hour above {err} %.\n\
- Escalation: {escalation}\n\n\
## Alert routes\n\n\
{routes}\n\n\
## Secrets\n\n\
Alert routes are named by credential; their values are in `alertmanager/secrets/` (mode 0600) and never in this README, the plan or the session. Alertmanager reads a Slack URL from a file (`api_url_file`); a generic webhook's URL from a file (`url_file`) needs Alertmanager 0.26 or later (Debian 12 ships 0.25). This export targets {amv}: {am_note}\n\n\
## Flows\n\n\
{flows}\n\n\
## Names and addresses\n\n\
{names}\n",
        client = plan.client,
        session = plan.session,
        runbook = plan.runbook.id,
        http = count(HTTP_JOB),
        tls = count(TLS_JOB),
        dns = count(DNS_JOB),
        every = go_duration(opts.interval),
        bb = BLACKBOX_ADDR,
        am = ALERTMANAGER_ADDR,
        prom = PROMETHEUS_ADDR,
        n_minus = n.saturating_sub(1),
        delay = delay.as_secs(),
        target = t
            .alert_delay_min
            .map(|m| format!(", against the runbook's {m} min"))
            .unwrap_or_default(),
        cert = t.cert_warn_days,
        flow_count = probes
            .iter()
            .filter(|p| p.module.starts_with("flow_"))
            .count(),
        flows = if plan.targets.flows.is_empty() {
            "The session has no flows.".to_string()
        } else if flow_notes.is_empty() {
            "Every flow is one request, probed as `flow:NAME`.".to_string()
        } else {
            flow_notes
                .iter()
                .map(|n| format!("- {n}"))
                .collect::<Vec<_>>()
                .join("\n")
        },
        escalation = if plan.alert_routes.len() > 1 {
            format!(
                "an outage still down {} after its alert goes to the next route (`escalate_after_min`, or `--escalate-after`), then the next; every route paged also gets the resolve. Certificate, slow and error-rate alerts go to the first route only.",
                rules::human(opts.escalate_after)
            )
        } else {
            "one route, so nothing to escalate to: add a second route to the session (email plus a chat hook) and export again.".to_string()
        },
        routes = routes_list(plan, opts),
        err = launch_ready_core::evidence::Budgets::from_targets(t).error_rate_pct,
        am_note = if alertmanager::reads_url_file(opts.alertmanager) {
            "webhook URLs are read from their files."
        } else {
            "the webhook URL is written into alertmanager.yml itself, which is therefore mode 0600; re-export with `--alertmanager-version 0.26` after upgrading."
        },
        names = if plan.network.is_some() {
            "This export carries the session's network settings: URLs sent elsewhere by connect-to are probed at that address with their name in the Host header and as the TLS server name, the session's CA file is trusted, and the dns module asks the session's nameserver."
        } else {
            "Names resolve through the system's resolver; the dns module asks a public resolver (1.1.1.1). Export with `--with-network` to carry a session's nameserver, connect-to and CA settings."
        },
    )
}
