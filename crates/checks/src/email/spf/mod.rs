//! SPF (RFC 7208): the record at the domain, its syntax, and the walk through its includes.
//!
//! `parse` and `macros` are pure and total (any input gives terms or syntax errors, never a
//! panic), `eval` asks DNS and builds the lookup tree, and this file turns both into the
//! family's findings. A malformed record is a finding, never an `error` status: `error` is
//! kept for a first question that could not be answered at all.

pub mod error;
pub mod eval;
pub mod eval_node;
pub mod macros;
pub mod parse;
mod show;

use super::lookup::{EmailDns, LookupFailure};
use super::outcome::{clean, clean_full, failed, judged, lookup_failed};
use eval::{LOOKUP_LIMIT, VOID_LIMIT};
use eval_node::{Ending, NodeExt};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{
    LookupTotals, Observed, RecordsDetail, SpfEvaluation, SpfEvidence,
};
use launch_ready_core::finding::{Finding, Severity};
use launch_ready_core::session::model::CheckOutcome;
use parse::Qualifier;

/// Check name in results.
pub const CHECK: KindId = KindId::EmailSpf;

/// Reads and judges the SPF record of `domain`.
pub async fn check_spf(dns: &impl EmailDns, domain: &str) -> CheckOutcome {
    let records = match dns.txt(domain).await {
        Ok(records) => records,
        Err(LookupFailure::NxDomain | LookupFailure::NoData) => Vec::new(),
        Err(LookupFailure::Failed(e)) => {
            return lookup_failed(CHECK, domain, "TXT", &e, |error| {
                spf_evidence(SpfEvidence::Failed { error })
            });
        }
    };
    let spf: Vec<&String> = records.iter().filter(|r| parse::is_spf_record(r)).collect();
    match spf.as_slice() {
        [] => {
            let finding = Finding::new(
                Code::EmailSpfMissing,
                format!("{} publishes no SPF (`v=spf1`) record", clean(domain)),
            );
            let evidence = spf_evidence(SpfEvidence::Missing {
                txt_records: records.iter().map(|r| clean_full(r)).collect(),
            });
            judged(
                CHECK,
                domain,
                "no SPF record".into(),
                vec![finding],
                evidence,
            )
        }
        [record] => judge_record(dns, domain, record).await,
        many => {
            let texts: Vec<String> = many.iter().map(|r| clean_full(r)).collect();
            let finding = Finding::new(
                Code::EmailSpfMultiple,
                format!(
                    "{} publishes {} SPF records; receivers return permerror until only one is left",
                    clean(domain),
                    many.len()
                ))
            .with_detail(&RecordsDetail {
                records: texts.clone(),
            });
            let summary = format!("{} SPF records (permerror)", many.len());
            judged(
                CHECK,
                domain,
                summary,
                vec![finding],
                spf_evidence(SpfEvidence::Several { records: texts }),
            )
        }
    }
}

async fn judge_record(dns: &impl EmailDns, domain: &str, record: &str) -> CheckOutcome {
    let walk = eval::walk(dns, domain, record).await;
    let mut findings = walk.findings;
    if walk.lookups > LOOKUP_LIMIT {
        findings.push(Finding::new(
            Code::EmailSpfTooManyLookups,
            format!(
                "the SPF record needs {} DNS lookups after following includes and redirect; receivers stop at {LOOKUP_LIMIT} and return permerror",
                walk.lookups
            )));
    }
    if walk.voids.len() > VOID_LIMIT {
        let names: Vec<String> = walk.voids.iter().map(|v| clean(v)).collect();
        findings.push(Finding::new(
            Code::EmailSpfVoidLookups,
            format!(
                "{} SPF lookups answer with nothing ({}); receivers allow {VOID_LIMIT} and then return permerror",
                walk.voids.len(),
                names.join(", ")
            )));
    }
    let ending = walk.root.ending();
    match ending {
        Ending::All(Qualifier::Pass) => findings.push(permissive("ends in `+all`: every server on the internet passes")),
        Ending::All(Qualifier::Neutral) => findings.push(permissive("ends in `?all`: mail from any server is neither passed nor failed")),
        Ending::Open => findings.push(permissive("has no `all` and no `redirect`: mail from any other server gets a neutral result")),
        Ending::All(Qualifier::SoftFail) => findings.push(Finding::new(
            Code::EmailSpfSoftfail,
            "the SPF record ends in `~all` (soft fail): acceptable at launch, `-all` once every sender is listed")),
        Ending::All(Qualifier::Fail) | Ending::Unknown => {}
    }
    let parsed = parse::parse_record(record);
    let evidence = spf_evidence(SpfEvidence::Evaluated(Box::new(SpfEvaluation {
        record: clean_full(record),
        terms: parsed.terms.iter().map(Into::into).collect(),
        ends_with: ending_text(ending).to_owned(),
        tree: walk.root,
        totals: LookupTotals {
            dns_lookups: u64::from(walk.lookups),
            lookup_limit: u64::from(LOOKUP_LIMIT),
            void_lookups: walk.voids.len() as u64,
            void_limit: VOID_LIMIT as u64,
        },
        lookup_failures: walk.failures.iter().map(|f| clean_full(f)).collect(),
    })));
    let summary = format!(
        "SPF {}, {} of {LOOKUP_LIMIT} DNS lookups, {} void",
        ending_text(ending),
        walk.lookups,
        walk.voids.len()
    );
    let blocking = findings.iter().any(|f| f.severity <= Severity::High);
    if !walk.failures.is_empty() && !blocking {
        // Part of the tree could not be read: a clean-looking result would not be trustworthy.
        let summary = format!("{summary}; {} lookups failed", walk.failures.len());
        return failed(CHECK, domain, summary, findings, evidence);
    }
    judged(CHECK, domain, summary, findings, evidence)
}

fn spf_evidence(e: SpfEvidence) -> Observed {
    Observed::Spf(e)
}

fn permissive(what: &str) -> Finding {
    Finding::new(
        Code::EmailSpfPermissiveAll,
        format!(
            "the SPF record {what}; end it with `-all` (or `~all` while senders are being listed)"
        ),
    )
}

fn ending_text(ending: Ending) -> &'static str {
    match ending {
        Ending::All(Qualifier::Fail) => "-all",
        Ending::All(Qualifier::SoftFail) => "~all",
        Ending::All(Qualifier::Neutral) => "?all",
        Ending::All(Qualifier::Pass) => "+all",
        Ending::Open => "no all",
        Ending::Unknown => "unknown ending",
    }
}

#[cfg(test)]
mod tests;
