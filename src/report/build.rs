//! Builds the `Handover` model from a runbook, a session and the verdict. Pure but for
//! reading the session's env files (names only, see `env_columns`), which the caller does
//! and passes in, so tests build packs from sessions alone.

use super::model::*;
use launch_ready_core::advice;
use launch_ready_core::catalog::{Family, KindId};
use launch_ready_core::clean::{clean, clean_line};
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    ChainEndEvidence, ClientExposedNames, Observed, SecretHit, SharedSecretNames, TrackedEnvFile,
};
use launch_ready_core::finding::{CheckStatus, Finding, Severity};
use launch_ready_core::runbook::{Run, Runbook};
use launch_ready_core::session::Session;
use launch_ready_core::session::model::{CheckOutcome, Evidence, JournalKind};
use launch_ready_core::verdict;
use launch_ready_core::verdict::Assessment;
use std::collections::{BTreeMap, BTreeSet};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One env file's variable names (never values), or why it could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvColumn {
    pub environment: String,
    pub names: Result<BTreeSet<String>, String>,
}

/// Reads the session's env files for their variable names; values are dropped on read.
pub fn env_columns(session: &Session) -> Vec<EnvColumn> {
    session
        .targets
        .env_files
        .iter()
        .map(|f| {
            let names = launch_ready_checks::env_inventory::read_names(f)
                .map(|names| names.into_keys().collect())
                .map_err(|e| e.to_string());
            EnvColumn {
                environment: f.environment.clone(),
                names,
            }
        })
        .collect()
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Builds the pack. `env` is `env_columns(session)` (or a test's stand-in).
pub fn build(
    runbook: &Runbook,
    session: &Session,
    env: &[EnvColumn],
    now: OffsetDateTime,
) -> Handover {
    let assessment = verdict::assess(runbook, session, now);
    let (done, total) = verdict::progress(runbook, session);
    let latest = Latest::new(runbook, session);
    let outcomes: Vec<CheckOutcome> = latest
        .all()
        .map(launch_ready_core::clean::clean_outcome)
        .collect();
    let started_at = latest.oldest().map_or_else(|| rfc3339(now), rfc3339);
    let mut pack = Handover {
        check: crate::headless::report::Report::new(started_at, 0, &outcomes, &assessment),
        schema: "launch-ready/handover",
        schema_version: HANDOVER_VERSION,
        generated_at: rfc3339(now),
        session: SessionInfo {
            name: clean_line(&session.name),
            client: clean_line(&session.client),
            apex: clean_line(&session.targets.apex),
            runbook_id: runbook.id.clone(),
            runbook_title: runbook.title.clone(),
            sprint_start: rfc3339(session.sprint_start),
            sprint_hour: session.sprint_hour(now),
            progress_done: done,
            progress_total: total,
        },
        verdict_detail: verdict_section(session, &assessment),
        risks: risk_rows(runbook, session, &assessment),
        risk_groups: Vec::new(),
        accepted: accepted_rows(&assessment),
        dns: dns(runbook, &latest),
        redirects: redirects(runbook, &latest),
        certificates: certificates(runbook, &latest),
        email: email(runbook, session, &latest),
        env: env_inventory(runbook, session, env, &latest),
        secrets: secrets(runbook, session, &latest),
        performance: performance(runbook, session, &latest),
        monitoring: monitoring(runbook, session, &latest),
        ownership: ownership(runbook, session),
        handoff: super::handoff::build(session),
        notes: Vec::new(),
        next_steps: Vec::new(),
        deliverables: super::deliverables::build(runbook, session),
        setup: super::setup::build(runbook, session, &latest.all().collect::<Vec<_>>()),
        timeline: timeline(runbook, session),
    };
    pack.risk_groups = group_rows(&pack.risks);
    pack.verdict_detail.summary = summary(&pack.risk_groups);
    pack.verdict_detail.not_checked = not_checked(&pack.risk_groups);
    pack.notes = check_notes(runbook, session, &pack.ownership.data);
    pack.next_steps = next_steps(&pack, &assessment);
    pack.performance.data.chart_svg = super::chart::latency_svg(&pack.performance.data.routes);
    pack.monitoring.data.chart_svg = super::chart::monitor_svg(&pack.monitoring.data.targets);
    pack
}

/// The newest result per (engine check, target) across every runbook check, so a kind
/// used by two runbook checks (redirects in two stages) is read once, newest first.
struct Latest<'a> {
    outcomes: Vec<(&'a Evidence, &'a CheckOutcome)>,
}

impl<'a> Latest<'a> {
    fn new(runbook: &Runbook, session: &'a Session) -> Latest<'a> {
        let mut all: Vec<(&Evidence, &CheckOutcome)> = Vec::new();
        for (_, check) in runbook.checks() {
            let Some(ev) = session.state(&check.id).and_then(|s| s.latest()) else {
                continue;
            };
            for o in &ev.results {
                all.push((ev, o));
            }
        }
        all.sort_by_key(|a| std::cmp::Reverse(a.0.at));
        let mut seen = BTreeSet::new();
        all.retain(|(_, o)| seen.insert((o.check.clone(), o.target.clone())));
        Latest { outcomes: all }
    }

    /// Results of engine check `name` that ran (skipped targets left out), in target order.
    fn of(&self, kind: KindId) -> Vec<&'a CheckOutcome> {
        let mut v: Vec<&CheckOutcome> = self
            .outcomes
            .iter()
            .map(|(_, o)| *o)
            .filter(|o| o.check == kind.as_str() && o.status != CheckStatus::Skipped)
            .collect();
        v.sort_by(|a, b| a.target.cmp(&b.target));
        v
    }

    /// When the oldest evidence in the pack was taken.
    fn oldest(&self) -> Option<OffsetDateTime> {
        self.outcomes.iter().map(|(e, _)| e.at).min()
    }

    fn all(&self) -> impl Iterator<Item = &'a CheckOutcome> + '_ {
        self.outcomes.iter().map(|(_, o)| *o)
    }
}

/// The line a section shows without data: what is missing and which runbook check (and
/// kind) produces it.
fn missing_line(runbook: &Runbook, what: &str, kinds: &[KindId]) -> String {
    let checks: Vec<String> = runbook
        .checks()
        .filter(|(_, c)| c.run.kind().is_some_and(|k| kinds.contains(&k.id)))
        .map(|(_, c)| format!("“{}” ({})", c.title, c.run.kind().map_or("", |k| k.name)))
        .collect();
    if checks.is_empty() {
        format!(
            "No {what}: this runbook has no check of kind {}.",
            kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )
    } else {
        format!(
            "No {what} recorded yet: run {} to fill this section.",
            checks.join(", ")
        )
    }
}

fn section<T>(runbook: &Runbook, what: &str, kinds: &[KindId], data: T, has: bool) -> Section<T> {
    Section {
        available: has,
        missing: (!has).then(|| missing_line(runbook, what, kinds)),
        sources: kinds.iter().map(|k| k.as_str().to_string()).collect(),
        data,
    }
}

fn verdict_section(session: &Session, a: &Assessment) -> VerdictSection {
    let headline = match a.verdict {
        launch_ready_core::session::model::Verdict::Go => {
            "Go: every check ran or was answered and no blocker is open."
        }
        launch_ready_core::session::model::Verdict::NoGo => {
            "No-go: at least one blocker is open; launching now would put users at risk."
        }
        launch_ready_core::session::model::Verdict::Incomplete => {
            "Incomplete: no blocker found, but some checks were not made or not answered yet, so a go cannot be said."
        }
    };
    VerdictSection {
        verdict: a.verdict.as_str().to_string(),
        headline: headline.to_string(),
        reasons: a.reasons.iter().map(|r| clean_line(r)).collect(),
        summary: Vec::new(),
        not_checked: Vec::new(),
        counts: SeverityCounts {
            blocker: a.count(Severity::Blocker),
            high: a.count(Severity::High),
            medium: a.count(Severity::Medium),
            low: a.count(Severity::Low),
        },
        last_decision: session.decisions.last().map(|d| DecisionRow {
            at: rfc3339(d.at),
            verdict: d.verdict.as_str().to_string(),
            reason: clean_line(&d.reason),
        }),
    }
}

fn stage_title(runbook: &Runbook, stage: usize) -> String {
    runbook
        .stages
        .get(stage)
        .map(|s| s.title.clone())
        .unwrap_or_default()
}

fn risk_rows(runbook: &Runbook, session: &Session, a: &Assessment) -> Vec<RiskRow> {
    a.risks
        .iter()
        .map(|r| {
            let (headline, impact, fix) = match &r.code {
                Some(code) => {
                    let adv = advice::for_code(code);
                    (
                        adv.headline.to_string(),
                        adv.impact.to_string(),
                        adv.fix.to_string(),
                    )
                }
                None => unpassed_words(runbook, session, r),
            };
            RiskRow {
                severity: r.severity.as_str().to_string(),
                key: r.key(),
                check: r.check_title.clone(),
                stage: stage_title(runbook, r.stage),
                target: clean_line(&r.target),
                headline,
                impact,
                fix,
                evidence: clean_line(&r.message),
                unchecked: r.unchecked,
                stale: r.stale,
            }
        })
        .collect()
}

/// Risks grouped by defect: rows with one key (a finding code, or one unpassed check) and
/// one severity become one group listing every place, in the rank of the first.
fn group_rows(rows: &[RiskRow]) -> Vec<RiskGroupRow> {
    let mut groups: Vec<RiskGroupRow> = Vec::new();
    for r in rows {
        let place = RiskPlace {
            target: r.target.clone(),
            evidence: r.evidence.clone(),
        };
        match groups
            .iter_mut()
            .find(|g| g.key == r.key && g.severity == r.severity)
        {
            Some(g) => {
                if !g.places.contains(&place) {
                    g.places.push(place);
                }
                if !g.checks.contains(&r.check) {
                    g.checks.push(r.check.clone());
                }
                g.stale |= r.stale;
            }
            None => groups.push(RiskGroupRow {
                severity: r.severity.clone(),
                key: r.key.clone(),
                headline: r.headline.clone(),
                impact: r.impact.clone(),
                fix: r.fix.clone(),
                checks: vec![r.check.clone()],
                places: vec![place],
                unchecked: r.unchecked,
                stale: r.stale,
            }),
        }
    }
    groups
}

/// The verdict's first lines in plain words: the blocker defects when there are any,
/// else what was not checked, else the most severe open defects; five at most.
fn summary(groups: &[RiskGroupRow]) -> Vec<SummaryLine> {
    let blockers: Vec<&RiskGroupRow> = groups
        .iter()
        .filter(|g| g.severity == "blocker" && !g.unchecked)
        .collect();
    let chosen: Vec<&RiskGroupRow> = if !blockers.is_empty() {
        blockers
    } else if groups.iter().any(|g| g.unchecked) {
        groups.iter().filter(|g| g.unchecked).collect()
    } else {
        groups.iter().collect()
    };
    chosen
        .into_iter()
        .take(5)
        .map(|g| SummaryLine {
            severity: g.severity.clone(),
            // A check left unpassed is named by its title: "Not checked" alone says nothing.
            headline: if g.key.starts_with("check:") {
                format!("{}: {}", g.headline, g.checks.join(", "))
            } else {
                g.headline.clone()
            },
            impact: g.impact.clone(),
            fix: g.fix.clone(),
            places: g.places.len(),
        })
        .collect()
}

/// The checks behind every group of things not checked, each once, worst first.
fn not_checked(groups: &[RiskGroupRow]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in groups.iter().filter(|g| g.unchecked) {
        for c in &g.checks {
            if !out.contains(c) {
                out.push(c.clone());
            }
        }
    }
    out
}

/// Plain words for a check left unpassed: what state it is in, why it matters, and what to
/// do. A question answered "no" is said as such, never as a question still to answer.
fn unpassed_words(
    runbook: &Runbook,
    session: &Session,
    r: &verdict::Risk,
) -> (String, String, String) {
    let check = runbook.checks().find(|(_, c)| c.id == r.check_id);
    let why = check.map(|(_, c)| c.why.clone()).unwrap_or_default();
    let status = session.status(&r.check_id);
    let (headline, fix) = match (check.map(|(_, c)| &c.run), status) {
        (Some(Run::Manual { question }), CheckStatus::Fail) => (
            "Answered: not done yet",
            format!("Get it done, then answer it again: {question}"),
        ),
        (Some(Run::Manual { question }), CheckStatus::Blocked) => (
            "Blocked: waiting on someone",
            format!("Unblock it, then answer: {question}"),
        ),
        (Some(Run::Manual { question }), _) => ("Not answered yet", format!("Answer: {question}")),
        (_, CheckStatus::Fail) => (
            "Failed on its last run",
            "Open the check for what it found, fix that, then run it again.".to_string(),
        ),
        _ if r.unchecked => (
            "Not checked",
            "Run the check (and fix what stops it from running).".to_string(),
        ),
        _ => (
            "Not passed",
            "Re-run the check once the cause is fixed.".to_string(),
        ),
    };
    (headline.to_string(), why, fix)
}

fn accepted_rows(a: &Assessment) -> Vec<AcceptedRow> {
    a.accepted
        .iter()
        .map(|(r, acc)| AcceptedRow {
            severity: r.severity.as_str().to_string(),
            key: r.key(),
            check: r.check_title.clone(),
            target: clean_line(&r.target),
            headline: r.code.as_deref().map_or_else(
                || r.check_title.clone(),
                |c| advice::for_code(c).headline.to_string(),
            ),
            reason: clean_line(&acc.reason),
            owner: clean_line(&acc.owner),
            at: rfc3339(acc.at),
        })
        .collect()
}

fn lines(v: &[String]) -> Vec<String> {
    v.iter().map(|s| clean_line(s)).collect()
}

fn dns(runbook: &Runbook, latest: &Latest<'_>) -> Section<Vec<HostRecords>> {
    let hosts: Vec<HostRecords> = latest
        .of(KindId::DnsRecords)
        .into_iter()
        .filter_map(|o| match &o.evidence {
            Observed::Records(m) => Some(HostRecords {
                host: clean_line(if m.host.is_empty() {
                    &o.target
                } else {
                    &m.host
                }),
                role: clean_line(&m.role),
                cname_chain: lines(&m.cname_chain),
                a: lines(&m.a),
                aaaa: lines(&m.aaaa),
                mx: lines(&m.mx),
                ns: lines(&m.ns),
                caa: lines(&m.caa),
                txt: lines(&m.txt),
            }),
            _ => None,
        })
        .collect();
    let has = !hosts.is_empty();
    section(runbook, "DNS records", &[KindId::DnsRecords], hosts, has)
}

fn redirects(runbook: &Runbook, latest: &Latest<'_>) -> Section<Vec<RedirectChain>> {
    let mut chains: Vec<RedirectChain> = Vec::new();
    for o in latest.of(KindId::HttpRedirects) {
        let Observed::Redirects(r) = &o.evidence else {
            continue;
        };
        for c in &r.chains {
            if chains.iter().any(|x| x.entry == c.entry) {
                continue;
            }
            chains.push(RedirectChain {
                entry: clean_line(&c.entry),
                hops: c
                    .hops
                    .iter()
                    .map(|h| RedirectHop {
                        url: clean_line(&h.url),
                        status: h.status,
                        location: h.location.as_deref().map(clean_line),
                    })
                    .collect(),
                end: chain_end(c.end.as_ref()),
            });
        }
    }
    let has = !chains.is_empty();
    section(
        runbook,
        "redirect chains",
        &[KindId::HttpRedirects],
        chains,
        has,
    )
}

fn chain_end(end: Option<&ChainEndEvidence>) -> String {
    match end {
        Some(ChainEndEvidence::Final { url, status }) => format!("{} ({status})", clean_line(url)),
        Some(ChainEndEvidence::Loop { revisited }) => format!("loop at {}", clean_line(revisited)),
        Some(ChainEndEvidence::Error { error }) => format!("error: {}", clean_line(error)),
        Some(ChainEndEvidence::TooManyHops { too_many_hops }) => {
            format!("still redirecting after {too_many_hops} hops")
        }
        Some(ChainEndEvidence::BadLocation { bad_location }) => {
            format!("unusable location `{}`", clean_line(bad_location))
        }
        None => String::new(),
    }
}

fn certificates(runbook: &Runbook, latest: &Latest<'_>) -> Section<Vec<CertificateRow>> {
    let warn = i64::from(runbook.targets.cert_warn_days);
    let rows: Vec<CertificateRow> = latest
        .of(KindId::TlsCertificate)
        .into_iter()
        .filter_map(|o| match &o.evidence {
            Observed::Certificate(c) => {
                let leaf = c.chain.first();
                let state = match c.days_to_expiry {
                    Some(d) if d < 0 => "expired",
                    Some(d) if d <= warn => "warn",
                    Some(_) => "ok",
                    None => "unknown",
                };
                Some(CertificateRow {
                    host: clean_line(&o.target),
                    subject: leaf.map(|l| clean_line(&l.subject)).unwrap_or_default(),
                    issuer: leaf
                        .and_then(|l| l.issuer.as_deref())
                        .map(clean_line)
                        .unwrap_or_default(),
                    not_after: leaf
                        .and_then(|l| l.not_after.as_deref())
                        .map(clean_line)
                        .unwrap_or_default(),
                    days_left: c.days_to_expiry,
                    trust: c.trust.as_deref().map(clean_line).unwrap_or_default(),
                    protocol: c.protocol.as_deref().map(clean_line).unwrap_or_default(),
                    state: state.to_string(),
                })
            }
            _ => None,
        })
        .collect();
    let has = !rows.is_empty();
    section(
        runbook,
        "certificates",
        &[KindId::TlsCertificate],
        rows,
        has,
    )
}

fn email(runbook: &Runbook, session: &Session, latest: &Latest<'_>) -> Section<Vec<EmailDomain>> {
    fn entry<'m>(
        domains: &'m mut BTreeMap<String, EmailDomain>,
        target: &str,
    ) -> &'m mut EmailDomain {
        let not_run = || EmailMechanism {
            status: "not run".into(),
            detail: String::new(),
        };
        let d = clean_line(target.trim_start_matches("_dmarc."));
        domains.entry(d.clone()).or_insert_with(|| EmailDomain {
            domain: d,
            spf: not_run(),
            dkim: not_run(),
            dmarc: not_run(),
        })
    }
    let mut domains: BTreeMap<String, EmailDomain> = BTreeMap::new();
    let mut any = false;
    for (name, pick) in [
        (KindId::EmailSpf, 0),
        (KindId::EmailDkim, 1),
        (KindId::EmailDmarc, 2),
    ] {
        for o in latest.of(name) {
            any = true;
            let record = |record: Option<&str>| {
                record.map(clean_line).unwrap_or_else(|| {
                    if o.findings.is_empty() {
                        String::new()
                    } else {
                        clean_line(&o.summary)
                    }
                })
            };
            let detail = match &o.evidence {
                Observed::Spf(e) => record(e.record()),
                Observed::Dmarc(e) => record(e.record()),
                Observed::Dkim(d) => {
                    if d.found.is_empty() {
                        format!(
                            "no key at selectors {}",
                            lines(&d.selectors_tried).join(", ")
                        )
                    } else {
                        d.found
                            .iter()
                            .map(|k| {
                                let bits = k.bits.map(|b| format!(" {b}-bit")).unwrap_or_default();
                                let ty = k.key_type.as_deref().map(clean_line).unwrap_or_default();
                                format!("{}: {ty}{bits}", clean_line(&k.selector))
                            })
                            .collect::<Vec<_>>()
                            .join("; ")
                    }
                }
                _ => clean_line(&o.summary),
            };
            let m = EmailMechanism {
                status: o.status.as_str().to_string(),
                detail,
            };
            let e = entry(&mut domains, &o.target);
            match pick {
                0 => e.spf = m,
                1 => e.dkim = m,
                _ => e.dmarc = m,
            }
        }
    }
    if !any && !session.targets.apex.is_empty() {
        entry(&mut domains, &session.targets.apex);
    }
    let rows: Vec<EmailDomain> = domains.into_values().collect();
    section(
        runbook,
        "email authentication results",
        &[KindId::EmailSpf, KindId::EmailDkim, KindId::EmailDmarc],
        rows,
        any,
    )
}

fn env_inventory(
    runbook: &Runbook,
    session: &Session,
    env: &[EnvColumn],
    latest: &Latest<'_>,
) -> Section<EnvInventory> {
    let kinds = [KindId::EnvInventory];
    if env.is_empty() {
        let mut s = section(
            runbook,
            "env inventory",
            &kinds,
            EnvInventory::default(),
            false,
        );
        s.missing = Some(format!(
            "No env files in the session's targets, so no variable inventory: add them on the Targets screen; {}",
            missing_line(runbook, "env inventory", &kinds)
                .trim_start_matches("No env inventory recorded yet: ")
        ));
        return s;
    }
    // Shared secrets, as the env check reported them: (environment, name).
    let mut shared: BTreeSet<(String, String)> = BTreeSet::new();
    for o in latest
        .all()
        .filter(|o| o.check == KindId::EnvInventory.as_str())
    {
        for f in o
            .findings
            .iter()
            .filter(|f| f.code == Code::EnvSharedSecret)
        {
            let Some(d) = f.detail::<SharedSecretNames>() else {
                continue;
            };
            for e in &d.environments {
                for n in &d.names {
                    shared.insert((e.clone(), n.clone()));
                }
            }
        }
    }
    let mut all: BTreeSet<&String> = BTreeSet::new();
    let mut unreadable = Vec::new();
    for c in env {
        match &c.names {
            Ok(n) => all.extend(n.iter()),
            Err(e) => unreadable.push(clean_line(e)),
        }
    }
    let keys = all
        .into_iter()
        .map(|name| EnvKey {
            name: clean_line(name),
            cells: env
                .iter()
                .map(|c| match &c.names {
                    Ok(n) if n.contains(name) => {
                        if shared.contains(&(c.environment.clone(), name.clone())) {
                            "shared".to_string()
                        } else {
                            "present".to_string()
                        }
                    }
                    Ok(_) => "missing".to_string(),
                    Err(_) => "unreadable".to_string(),
                })
                .collect(),
        })
        .collect();
    let _ = session;
    let data = EnvInventory {
        environments: env.iter().map(|c| clean_line(&c.environment)).collect(),
        keys,
        unreadable,
    };
    let has = !data.keys.is_empty();
    section(runbook, "env variable names", &kinds, data, has)
}

/// Where a secret finding points and what it shows of the value, read from the finding's
/// detail; every string cleaned.
#[derive(Default)]
struct SecretAt {
    rule: Option<String>,
    location: Option<String>,
    line: Option<u64>,
    commit: Option<String>,
    preview: String,
}

/// What the pack lists of a secret a site serves (`http.secret_in_bundle`,
/// `http.env_exposed`): the page or path, and the rule and preview when a rule matched.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct ServedSecret {
    url: Option<String>,
    path: Option<String>,
    line: Option<u64>,
    rule: Option<String>,
    preview: Option<String>,
}

fn secret_at(f: &Finding, target: &str) -> SecretAt {
    // A served path (`/.env`) reads better with its host.
    let place = |p: &str| match p.starts_with('/') && !target.contains('/') {
        true => format!("{}{}", clean_line(target), clean_line(p)),
        false => clean_line(p),
    };
    // Env findings name variables, never values.
    let names = |n: &[String]| clean_line(&n.join(", "));
    match f.code {
        Code::SecretsExposed | Code::SecretsInHistory | Code::SecretsInBuildOutput => {
            // Without a hit's detail it is what the scan could not read: no one place.
            f.detail::<SecretHit>()
                .map(|h| SecretAt {
                    rule: Some(clean_line(&h.rule)),
                    location: Some(place(&h.path)),
                    line: u64::try_from(h.line).ok(),
                    commit: h.commit.as_deref().map(clean_line),
                    preview: clean_line(&h.redacted),
                })
                .unwrap_or_default()
        }
        Code::SecretsDotenvCommitted => SecretAt {
            location: f.detail::<TrackedEnvFile>().map(|t| place(&t.path)),
            ..SecretAt::default()
        },
        Code::EnvClientExposedSecret => f
            .detail::<ClientExposedNames>()
            .map(|d| SecretAt {
                location: Some(clean_line(&d.environment)),
                preview: names(&d.names),
                ..SecretAt::default()
            })
            .unwrap_or_default(),
        Code::EnvSharedSecret => f
            .detail::<SharedSecretNames>()
            .map(|d| SecretAt {
                location: (!d.environments.is_empty())
                    .then(|| clean_line(&d.environments.join(" and "))),
                preview: names(&d.names),
                ..SecretAt::default()
            })
            .unwrap_or_default(),
        _ => f
            .detail::<ServedSecret>()
            .map(|d| SecretAt {
                rule: d.rule.as_deref().map(clean_line),
                location: d
                    .url
                    .as_deref()
                    .map(clean_line)
                    .or_else(|| d.path.as_deref().map(place)),
                line: d.line,
                commit: None,
                preview: d.preview.as_deref().map(clean_line).unwrap_or_default(),
            })
            .unwrap_or_default(),
    }
}

const SECRET_KINDS: &[KindId] = &[
    KindId::SecretsRepo,
    KindId::SecretsHistory,
    KindId::SecretsBuild,
    KindId::HttpBundle,
    KindId::HttpExposure,
    KindId::EnvInventory,
];

fn secrets(runbook: &Runbook, session: &Session, latest: &Latest<'_>) -> Section<Vec<SecretRow>> {
    let mut rows = Vec::new();
    let mut ran = false;
    for o in latest
        .all()
        .filter(|o| KindId::parse(&o.check).is_some_and(|k| SECRET_KINDS.contains(&k)))
    {
        if o.status != CheckStatus::Skipped && o.status != CheckStatus::Error {
            ran = true;
        }
        for f in &o.findings {
            let secretish = f.family() == Family::Secrets
                || matches!(
                    f.code,
                    Code::HttpSecretInBundle
                        | Code::HttpEnvExposed
                        | Code::EnvClientExposedSecret
                        | Code::EnvSharedSecret
                );
            if !secretish {
                continue;
            }
            let at = secret_at(f, &o.target);
            let location = at.location.unwrap_or_else(|| clean_line(&o.target));
            let row = SecretRow {
                rule: at.rule.unwrap_or_else(|| f.code.to_string()),
                severity: f.severity.as_str().to_string(),
                location,
                line: at.line,
                commit: at.commit,
                preview: at.preview,
                code: f.code.to_string(),
                // An acceptance names the finding's code and the target it is about.
                accepted: session
                    .accepted
                    .iter()
                    .rev()
                    .find(|a| a.key == f.code && (a.target.is_empty() || a.target == o.target))
                    .map(|a| {
                        format!(
                            "accepted by {}: {}",
                            clean_line(&a.owner),
                            clean_line(&a.reason)
                        )
                    }),
            };
            // One served bundle reached from two pages is one finding.
            if !rows.iter().any(|r: &SecretRow| {
                (&r.rule, &r.location, r.line, &r.preview)
                    == (&row.rule, &row.location, row.line, &row.preview)
            }) {
                rows.push(row);
            }
        }
    }
    let mut s = section(runbook, "secret scan results", SECRET_KINDS, rows, ran);
    if ran {
        s.missing = None;
    }
    s
}

fn performance(runbook: &Runbook, session: &Session, latest: &Latest<'_>) -> Section<Performance> {
    let mut routes = Vec::new();
    for kind in [KindId::PerfLatency, KindId::PerfLoad] {
        for o in latest.of(kind) {
            let Observed::Perf(run) = o.observed().into_owned() else {
                continue;
            };
            // The run's error budget: the runbook's, else the contract's 1 % (the default
            // of a report that recorded none).
            let error_budget = run.budgets.error_rate_pct;
            for r in run.routes.iter().filter(|r| r.requests > 0) {
                let budget = r.p95_budget_ms;
                let p95 = r.latency_ms.p95;
                let error_rate = r.error_rate_pct;
                routes.push(RouteLatency {
                    name: clean_line(&r.name),
                    method: clean_line(&r.method),
                    url: clean_line(&r.url),
                    requests: r.requests,
                    p50_ms: r.latency_ms.p50,
                    p95_ms: p95,
                    p99_ms: r.latency_ms.p99,
                    budget_ms: budget,
                    error_rate_pct: error_rate,
                    error_budget_pct: error_budget,
                    within_budget: (budget == 0 || p95 <= f64::from(budget))
                        && error_rate <= error_budget,
                    kind: kind.to_string(),
                });
            }
        }
    }
    let vitals: Vec<PageVitals> = latest
        .of(KindId::PerfWebVitals)
        .into_iter()
        .filter_map(|o| match o.observed().into_owned() {
            Observed::Vitals(v) => Some(page_vitals(&v, o.findings.is_empty())),
            _ => None,
        })
        .collect();
    let has = !routes.is_empty();
    section(
        runbook,
        "latency baseline",
        &[KindId::PerfLatency, KindId::PerfLoad],
        Performance {
            routes,
            bottlenecks: super::bottlenecks::build(runbook, session),
            vitals,
            chart_svg: String::new(),
        },
        has,
    )
}

/// A page's vitals as the pack prints them (remote text cleaned).
fn page_vitals(v: &launch_ready_core::evidence::VitalsEvidence, no_finding: bool) -> PageVitals {
    let dash = || "-".to_string();
    let t = v.targets;
    #[allow(clippy::cast_precision_loss)]
    let top_opportunity = v.opportunities.first().map_or_else(String::new, |o| {
        clean_line(&format!(
            "{}: {:.1} s, {} KiB",
            o.title,
            o.savings_ms / 1000.0,
            o.savings_bytes / 1024
        ))
    });
    PageVitals {
        url: clean_line(&v.url),
        score: v.score.map_or_else(dash, |s| s.to_string()),
        lcp: v
            .lcp_ms
            .map_or_else(dash, |ms| format!("{:.1} s", ms / 1000.0)),
        cls: v.cls.map_or_else(dash, |c| format!("{c:.2}")),
        tbt: v.tbt_ms.map_or_else(dash, |ms| format!("{ms:.0} ms")),
        targets: format!(
            "score {}, LCP {:.1} s, CLS {:.2}, TBT {} ms",
            t.score,
            f64::from(t.lcp_ms) / 1000.0,
            t.cls,
            t.tbt_ms
        ),
        runs: v.runs,
        within_targets: no_finding
            && v.score.is_some()
            && v.lcp_ms.is_some()
            && v.cls.is_some()
            && v.tbt_ms.is_some(),
        top_opportunity,
    }
}

fn monitoring(runbook: &Runbook, session: &Session, latest: &Latest<'_>) -> Section<Monitoring> {
    let mut data = Monitoring {
        alert_delay_target_min: runbook.targets.alert_delay_min,
        ..Monitoring::default()
    };
    for o in latest
        .all()
        .filter(|o| o.check == KindId::UptimeProbe.as_str())
    {
        data.targets.push(MonitoredTarget {
            target: clean_line(&o.target),
            status: o.status.as_str().to_string(),
            detail: clean_line(&o.summary),
            history: None,
        });
    }
    // The monitor's own history in the session: uptime over its whole watch, not only a
    // check's few probes.
    for log in &session.monitor.targets {
        let recent_up: Vec<bool> = log.recent.iter().map(|p| p.up).collect();
        let history = UptimeHistory {
            probes: log.probes,
            failures: log.failures,
            outages: log.outages,
            uptime_pct: log.uptime_pct().map(|p| (p * 100.0).round() / 100.0),
            p95_ms: log.latency_p95(),
            last_failure: log
                .last_failure()
                .map(|f| format!("{}: {}", rfc3339(f.at), clean_line(&f.reason))),
            recent_up,
        };
        let url = clean_line(&log.url);
        match data.targets.iter_mut().find(|t| t.target == url) {
            Some(t) => t.history = Some(history),
            None => data.targets.push(MonitoredTarget {
                status: match log.recent.back() {
                    Some(p) if p.up => "up".into(),
                    Some(_) => "down".into(),
                    None => "not probed".into(),
                },
                detail: history
                    .uptime_pct
                    .map(|p| format!("{p:.2} % up over {} probes", history.probes))
                    .unwrap_or_default(),
                target: url,
                history: Some(history),
            }),
        }
    }
    if let Some(d) = session.monitor.drills().last() {
        data.alert_delay_ms = d.alert_ms.or(data.alert_delay_ms);
        data.drill = Some(DrillSummary {
            at: rfc3339(d.at),
            passed: d.passed,
            detection_ms: d.detection_ms,
            alert_ms: d.alert_ms,
            recovery_ms: d.recovery_ms,
            recovery_alert_ms: d.recovery_alert_ms,
            problems: d.problems.iter().map(|p| clean_line(p)).collect(),
            routes: d.routes.iter().map(drill_route_line).collect(),
        });
    }
    let probed = !data.targets.is_empty();
    if !probed {
        // What the monitor would watch: the session's hosts and routes.
        for h in session.hosts() {
            data.targets.push(MonitoredTarget {
                target: format!("https://{}/", clean_line(h)),
                status: "not probed".into(),
                detail: String::new(),
                history: None,
            });
        }
    }
    let mut tested = false;
    // A run without a route configured is skipped with an empty target: nothing tested.
    for o in latest
        .all()
        .filter(|o| o.check == KindId::UptimeAlertRoute.as_str() && !o.target.is_empty())
        .filter(|o| o.status != CheckStatus::Skipped)
    {
        tested = true;
        let detail = match &*o.observed() {
            Observed::AlertRoute(a) => format!("test alert delivered in {} ms", a.delivery_ms),
            // The outcome's own words may quote an error; the URL is masked at the source
            // and the secret rules run over it again here.
            _ => clean_line(&o.summary),
        };
        data.alert_routes.push(AlertRoute {
            name: clean_line(&o.target),
            status: o.status.as_str().to_string(),
            detail,
        });
    }
    if !tested {
        // The route the monitor alerts: the session's, else the default credential, which
        // the monitor, the drill and `monitor --session` use when the session names none.
        let name = session
            .targets
            .alert_route
            .as_deref()
            .unwrap_or(launch_ready_checks::monitor::alert::CREDENTIAL);
        let drilled = session
            .monitor
            .drills()
            .filter_map(|d| d.test_alert_ms.map(|ms| (d.at, ms)))
            .last();
        data.alert_routes.push(match drilled {
            Some((at, ms)) => AlertRoute {
                name: clean_line(name),
                status: "pass".into(),
                detail: format!(
                    "test alert delivered in {ms} ms by the alert drill of {}",
                    rfc3339(at)
                ),
            },
            None => AlertRoute {
                name: clean_line(name),
                status: "not tested".into(),
                detail: if session.targets.alert_route.is_none() {
                    "the default route; no test alert recorded (the Monitor screen's t key, or \
                     launch-ready monitor --drill)"
                        .into()
                } else {
                    String::new()
                },
            },
        });
        tested = drilled.is_some();
    }
    // Mail routes: the alert-route check sends test alerts to webhooks only, so a mail
    // route is listed as not tested by it rather than left out.
    for r in session.targets.routes() {
        if let launch_ready_core::session::model::AlertRoute::Email(_) = r {
            data.alert_routes.push(AlertRoute {
                name: clean_line(&r.label()),
                status: "not tested".into(),
                detail: "the alert-route check tests webhooks only; the Monitor screen's t key \
                         and launch-ready monitor --drill send this route a test alert"
                    .into(),
            });
        }
    }
    let has = probed || tested;
    let mut s = section(
        runbook,
        "uptime probes or alert tests",
        &[KindId::UptimeProbe, KindId::UptimeAlertRoute],
        data,
        has,
    );
    if has && s.data.alert_delay_ms.is_none() {
        s.missing = Some(
            "No alert drill recorded: `launch-ready monitor --drill` measures the outage → alert delay."
                .into(),
        );
    }
    s
}

/// The manual checks of the handover stage (by id, else the last stage), with the
/// operator's answers: owners and rollback steps are written in their notes.
fn ownership(runbook: &Runbook, session: &Session) -> Section<Vec<HandoverAnswer>> {
    let stage = runbook
        .stages
        .iter()
        .find(|s| s.id == "handover")
        .or(runbook.stages.last());
    let Some(stage) = stage else {
        return Section {
            available: false,
            missing: Some("The runbook has no handover stage.".into()),
            sources: Vec::new(),
            data: Vec::new(),
        };
    };
    let rows: Vec<HandoverAnswer> = stage
        .checks
        .iter()
        .filter_map(|c| match &c.run {
            Run::Manual { question } => {
                let state = session.state(&c.id);
                Some(HandoverAnswer {
                    check: c.title.clone(),
                    question: question.clone(),
                    status: state
                        .map_or(CheckStatus::Todo, |s| s.status)
                        .as_str()
                        .to_string(),
                    note: state.map(|s| clean(&s.note)).unwrap_or_default(),
                })
            }
            Run::Auto { .. } => None,
        })
        .collect();
    let answered = rows
        .iter()
        .any(|r| r.status != "todo" || !r.note.is_empty());
    Section {
        available: answered,
        missing: (!answered).then(|| {
            format!(
                "No owners or rollback notes recorded yet: answer the checks of the “{}” stage and write the owners and rollback steps in their notes.",
                stage.title
            )
        }),
        sources: vec![format!("stage:{}", stage.id)],
        data: rows,
    }
}

fn next_steps(pack: &Handover, a: &Assessment) -> Vec<String> {
    let mut steps: Vec<String> = Vec::new();
    for g in verdict::group_risks(&a.risks).into_iter().take(8) {
        let r = g.risk;
        let fix = match &r.code {
            Some(code) => advice::for_code(code).fix.to_string(),
            None if r.unchecked => "run it".to_string(),
            None => "answer it".to_string(),
        };
        let on = if g.targets.is_empty() {
            String::new()
        } else {
            format!(" ({}{})", clean_line(g.targets[0]), g.affected())
        };
        steps.push(format!("[{}] {}{on}: {fix}", r.severity, r.check_title));
    }
    for (name, s) in [
        ("the performance baseline", pack.performance.available),
        ("uptime monitoring", pack.monitoring.available),
        ("the ownership table", pack.ownership.available),
    ] {
        if !s {
            steps.push(format!("Fill in {name} (see its section)."));
        }
    }
    if steps.is_empty() {
        steps.push(
            "Nothing open: keep the monitor running and re-run the checks after each release."
                .into(),
        );
    }
    steps
}

/// Every note written on a check the ownership table does not already show, in runbook
/// order.
fn check_notes(runbook: &Runbook, session: &Session, shown: &[HandoverAnswer]) -> Vec<CheckNote> {
    runbook
        .checks()
        .filter(|(_, c)| !shown.iter().any(|a| a.check == c.title))
        .filter_map(|(stage, c)| {
            let state = session.checks.get(&c.id)?;
            let note = clean(state.note.trim());
            (!note.is_empty()).then(|| CheckNote {
                stage: stage_title(runbook, stage),
                check: c.title.clone(),
                status: state.status.as_str().to_string(),
                note,
            })
        })
        .collect()
}

fn timeline(runbook: &Runbook, session: &Session) -> Timeline {
    let stages = runbook
        .stages
        .iter()
        .zip(verdict::stage_progress(runbook, session))
        .map(|(s, (done, total))| StageRow {
            title: s.title.clone(),
            hours: format!("{}–{} h", s.hours.0, s.hours.1),
            done,
            total,
            deliverables: s.deliverables.clone(),
        })
        .collect();
    let hour = |t: OffsetDateTime| (t - session.sprint_start).whole_hours();
    let mut events: Vec<(OffsetDateTime, TimelineEvent)> = session
        .journal
        .iter()
        .map(|j| {
            let kind = match j.kind {
                JournalKind::Note => "note",
                JournalKind::Status => "status",
                JournalKind::Run => "run",
                JournalKind::Decision => "decision",
                JournalKind::Acceptance => "acceptance",
                JournalKind::Clock => "clock",
            };
            (
                j.at,
                TimelineEvent {
                    at: rfc3339(j.at),
                    hour: hour(j.at),
                    kind: kind.into(),
                    text: clean_line(&j.text),
                },
            )
        })
        .collect();
    // Decisions the journal does not already record.
    let journal_decisions = session
        .journal
        .iter()
        .filter(|j| j.kind == JournalKind::Decision)
        .count();
    if journal_decisions < session.decisions.len() {
        for d in &session.decisions {
            events.push((
                d.at,
                TimelineEvent {
                    at: rfc3339(d.at),
                    hour: hour(d.at),
                    kind: "decision".into(),
                    text: format!("{}: {}", d.verdict.as_str(), clean_line(&d.reason)),
                },
            ));
        }
    }
    events.sort_by_key(|(t, _)| *t);
    // Moving or pausing the clock writes an entry each time; a run of them is one line
    // (the last, with how many there were), so the sprint's own events stay readable.
    let mut merged: Vec<TimelineEvent> = Vec::with_capacity(events.len());
    let mut clock_run = 0usize;
    for (_, e) in events {
        let clock = e.kind == "clock";
        if clock && merged.last().is_some_and(|l| l.kind == "clock") {
            clock_run += 1;
            merged.pop();
        } else {
            clock_run = usize::from(clock);
        }
        merged.push(e);
        if clock_run > 1
            && let Some(last) = merged.last_mut()
        {
            last.text = format!("{} (the last of {clock_run} clock changes)", last.text);
        }
    }
    Timeline {
        stages,
        events: merged,
    }
}

/// One alert route of a drill in words: each delay it measured, `—` where none arrived.
fn drill_route_line(r: &launch_ready_core::session::monitor_log::DrillRoute) -> String {
    let ms = |v: Option<u64>| v.map_or("—".to_string(), |m| format!("{m} ms"));
    let after = |v: Option<u64>| format!("after {}", ms(v));
    let mut line = format!(
        "{} ({}): test alert {}, {}",
        r.name,
        r.kind.as_str(),
        after(r.test_alert_ms),
        r.reached(after)
    );
    if r.paged {
        line.push_str(&format!(", recovery alert {}", after(r.recovery_alert_ms)));
    } else {
        line.push_str(&format!(
            " ({})",
            launch_ready_core::session::monitor_log::NOT_PAGED_WHY
        ));
    }
    if let Some(e) = &r.error {
        line.push_str(&format!("; not delivered: {e}"));
    }
    clean_line(&line)
}
