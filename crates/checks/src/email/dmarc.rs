//! DMARC (RFC 7489 §6.3): the policy record at `_dmarc.DOMAIN`.
//!
//! Only the given domain is read: when a subdomain has no record, receivers fall back to the
//! organizational domain, but that domain is checked in its own right when it is a target,
//! and guessing it here would need a public-suffix list. The parser keeps every tag it
//! understands, names every bad one, and ignores unknown tags as the RFC asks.

use super::lookup::{EmailDns, LookupFailure};
use super::outcome::{clean, clean_full, failed, judged};
use launch_ready_core::catalog::KindId;
use launch_ready_core::code::Code;
use launch_ready_core::evidence::{DmarcEvidence, DmarcFound, Observed, RecordsDetail};
use launch_ready_core::finding::Finding;
use launch_ready_core::session::model::CheckOutcome;

/// Check name in results.
pub const CHECK: KindId = KindId::EmailDmarc;

/// The parsed record and its parts are the evidence's own types: the parser fills them in.
pub use launch_ready_core::evidence::{
    DmarcAlignment as Alignment, DmarcPolicy as Policy, DmarcReportUri as ReportUri,
    DmarcTagError as TagError, DmarcTags as DmarcRecord,
};

/// True when a TXT record is meant as DMARC (`v=DMARC1` anywhere, any case or spacing), so
/// that a misplaced or miscased version tag is reported as syntax rather than as missing.
pub fn is_dmarc_record(txt: &str) -> bool {
    txt.split(';').any(|seg| {
        seg.split_once('=').is_some_and(|(tag, value)| {
            tag.trim().eq_ignore_ascii_case("v") && value.trim().eq_ignore_ascii_case("DMARC1")
        })
    })
}

const WSP: [char; 2] = [' ', '\t'];

/// Parses a DMARC record.
pub fn parse_record(txt: &str) -> DmarcRecord {
    let mut record = DmarcRecord::default();
    let mut first = true;
    for segment in txt.split(';') {
        let segment = segment.trim_matches(WSP);
        if segment.is_empty() {
            continue;
        }
        let Some((tag, value)) = segment.split_once('=') else {
            record.error(segment, "", "is not a tag=value pair");
            first = false;
            continue;
        };
        let (tag, value) = (
            tag.trim_matches(WSP).to_ascii_lowercase(),
            value.trim_matches(WSP),
        );
        let is_first = std::mem::replace(&mut first, false);
        if is_first && (tag != "v" || value != "DMARC1") {
            record.error(&tag, value, "the record must start with `v=DMARC1`");
            if tag != "v" {
                record.tags_present.push(tag.clone());
                record.apply(&tag, value);
            }
            continue;
        }
        if record.tags_present.contains(&tag) {
            record.error(&tag, value, "appears more than once");
            continue;
        }
        record.tags_present.push(tag.clone());
        if !is_first {
            record.apply(&tag, value);
        }
    }
    if record.p.is_none() && !record.errors.iter().any(|e| e.tag == "p") {
        record.error("p", "", "the required policy tag `p` is missing");
    }
    record
}

/// What the parser does to the record it fills in.
trait Fill {
    fn error(&mut self, tag: &str, value: &str, reason: &str);
    fn cleaned(self) -> Self;
    fn apply(&mut self, tag: &str, value: &str);
}

impl Fill for DmarcRecord {
    fn error(&mut self, tag: &str, value: &str, reason: &str) {
        self.errors.push(TagError {
            tag: tag.to_owned(),
            value: value.to_owned(),
            reason: reason.to_owned(),
        });
    }

    /// The same record with remote text made safe for evidence.
    fn cleaned(mut self) -> Self {
        for tag in &mut self.tags_present {
            *tag = clean_full(tag);
        }
        for error in &mut self.errors {
            error.tag = clean_full(&error.tag);
            error.value = clean_full(&error.value);
        }
        self
    }

    /// Checks one tag's value and stores it.
    fn apply(&mut self, tag: &str, value: &str) {
        let result = match tag {
            "v" => Err(TagProblem::VersionNotFirst),
            "p" => policy(value).map(|p| self.p = Some(p)),
            "sp" => policy(value).map(|p| self.sp = Some(p)),
            "adkim" => alignment(value).map(|a| self.adkim = Some(a)),
            "aspf" => alignment(value).map(|a| self.aspf = Some(a)),
            "pct" => percent(value).map(|p| self.pct = Some(p)),
            "ri" => interval(value).map(|r| self.ri = Some(r)),
            "fo" => colon_list(value, &["0", "1", "d", "s"]).map(|l| self.fo = l),
            "rf" => colon_list(value, &["afrf"]).map(|l| self.rf = l),
            "rua" => uri_list(value).map(|l| self.rua = l),
            "ruf" => uri_list(value).map(|l| self.ruf = l),
            _ if is_tag_name(tag) => {
                self.ignored.push(tag.to_owned());
                Ok(())
            }
            _ => Err(TagProblem::TagName),
        };
        if let Err(reason) = result {
            self.error(tag, value, &reason.to_string());
        }
    }
}

fn is_tag_name(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Why a tag is refused; its text becomes the reason of the record's `TagError`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum TagProblem {
    #[error("must be the first tag")]
    VersionNotFirst,
    #[error("is not a tag name")]
    TagName,
    #[error("must be none, quarantine or reject")]
    Policy,
    #[error("must be r (relaxed) or s (strict)")]
    Alignment,
    #[error("must be a whole number from 0 to 100")]
    Percent,
    #[error("must be a whole number of seconds")]
    Interval,
    #[error("`{item}` is not one of {} (colon-separated)", .allowed.join(", "))]
    NotListed {
        item: String,
        allowed: &'static [&'static str],
    },
    #[error("`!{0}` is not a size limit (digits and k, m, g or t)")]
    SizeLimit(String),
    #[error("`{0}` is not a URI (expected mailto:address)")]
    NotUri(String),
    #[error("`{0}` is not a mail address")]
    NotMailAddress(String),
}

fn policy(value: &str) -> Result<Policy, TagProblem> {
    match value.to_ascii_lowercase().as_str() {
        "none" => Ok(Policy::None),
        "quarantine" => Ok(Policy::Quarantine),
        "reject" => Ok(Policy::Reject),
        _ => Err(TagProblem::Policy),
    }
}

fn alignment(value: &str) -> Result<Alignment, TagProblem> {
    match value.to_ascii_lowercase().as_str() {
        "r" => Ok(Alignment::Relaxed),
        "s" => Ok(Alignment::Strict),
        _ => Err(TagProblem::Alignment),
    }
}

fn percent(value: &str) -> Result<u8, TagProblem> {
    let ok = !value.is_empty() && value.len() <= 3 && value.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| value.parse::<u8>().ok())
        .flatten()
        .filter(|p| *p <= 100)
        .ok_or(TagProblem::Percent)
}

fn interval(value: &str) -> Result<u32, TagProblem> {
    let ok = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| value.parse::<u32>().ok())
        .flatten()
        .ok_or(TagProblem::Interval)
}

fn colon_list(value: &str, allowed: &'static [&'static str]) -> Result<Vec<String>, TagProblem> {
    value
        .split(':')
        .map(|item| {
            let item = item.trim_matches(WSP).to_ascii_lowercase();
            if allowed.contains(&item.as_str()) {
                Ok(item)
            } else {
                Err(TagProblem::NotListed { item, allowed })
            }
        })
        .collect()
}

fn uri_list(value: &str) -> Result<Vec<ReportUri>, TagProblem> {
    value
        .split(',')
        .map(|item| report_uri(item.trim_matches(WSP)))
        .collect()
}

/// `URI [ "!" 1*DIGIT [ "k" / "m" / "g" / "t" ] ]`
fn report_uri(item: &str) -> Result<ReportUri, TagProblem> {
    let (uri, max_size) = match item.rsplit_once('!') {
        Some((uri, size)) => {
            let digits = size.trim_end_matches(['k', 'm', 'g', 't', 'K', 'M', 'G', 'T']);
            let unit_len = size.len() - digits.len();
            if digits.is_empty() || unit_len > 1 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(TagProblem::SizeLimit(size.to_owned()));
            }
            (uri, Some(size.to_owned()))
        }
        None => (item, None),
    };
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(TagProblem::NotUri(uri.to_owned()));
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok || rest.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(TagProblem::NotUri(uri.to_owned()));
    }
    if scheme.eq_ignore_ascii_case("mailto") {
        let address = rest.split('?').next().unwrap_or_default();
        let valid = address.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
        if !valid {
            return Err(TagProblem::NotMailAddress(uri.to_owned()));
        }
    }
    Ok(ReportUri {
        uri: uri.to_owned(),
        max_size,
    })
}

/// Reads and judges the DMARC record of `domain`.
pub async fn check_dmarc(dns: &impl EmailDns, domain: &str) -> CheckOutcome {
    let name = format!("_dmarc.{}", domain.trim_end_matches('.'));
    let records = match dns.txt(&name).await {
        Ok(records) => records,
        Err(LookupFailure::NxDomain | LookupFailure::NoData) => Vec::new(),
        Err(LookupFailure::Failed(e)) => {
            let summary = format!("TXT lookup of {} failed: {}", clean(&name), clean(&e));
            return failed(
                CHECK,
                domain,
                summary,
                Vec::new(),
                dmarc_evidence(
                    name,
                    DmarcFound::Failed {
                        error: clean_full(&e),
                    },
                ),
            );
        }
    };
    let dmarc: Vec<&String> = records.iter().filter(|r| is_dmarc_record(r)).collect();
    let record = match dmarc.as_slice() {
        [] => {
            let finding = Finding::new(
                Code::EmailDmarcMissing,
                format!(
                    "{} has no DMARC record (`v=DMARC1` TXT at {})",
                    clean(domain),
                    clean(&name)
                ),
            );
            let txt_records = records.iter().map(|r| clean_full(r)).collect();
            let evidence = dmarc_evidence(name, DmarcFound::Missing { txt_records });
            return judged(
                CHECK,
                domain,
                "no DMARC record".into(),
                vec![finding],
                evidence,
            );
        }
        [record] => *record,
        many => {
            let texts: Vec<String> = many.iter().map(|r| clean_full(r)).collect();
            let finding = Finding::new(
                Code::EmailDmarcSyntax,
                format!(
                    "{} holds {} DMARC records; receivers ignore them all",
                    clean(&name),
                    many.len()
                ),
            )
            .with_detail(&RecordsDetail {
                records: texts.clone(),
            });
            let summary = format!("{} DMARC records (ignored by receivers)", many.len());
            return judged(
                CHECK,
                domain,
                summary,
                vec![finding],
                dmarc_evidence(name, DmarcFound::Several { records: texts }),
            );
        }
    };
    let parsed = parse_record(record);
    let mut findings: Vec<Finding> = parsed
        .errors
        .iter()
        .map(|e| {
            let shown = if e.value.is_empty() {
                format!("`{}`", clean(&e.tag))
            } else {
                format!("`{}={}`", clean(&e.tag), clean(&e.value))
            };
            Finding::new(
                Code::EmailDmarcSyntax,
                format!("DMARC tag {shown} {}", clean(&e.reason)),
            )
        })
        .collect();
    if parsed.p == Some(Policy::None) {
        findings.push(Finding::new(
            Code::EmailDmarcPolicyNone,
            "DMARC policy is `p=none`: failing mail is only reported, never quarantined or rejected"));
    }
    if !parsed.tags_present.iter().any(|t| t == "rua") {
        findings.push(Finding::new(
            Code::EmailDmarcNoReports,
            "DMARC has no `rua` address, so nobody receives the aggregate reports",
        ));
    }
    let policy = match parsed.p {
        Some(Policy::None) => "p=none",
        Some(Policy::Quarantine) => "p=quarantine",
        Some(Policy::Reject) => "p=reject",
        None => "no valid policy",
    };
    let summary = format!("DMARC {policy}, {} report address(es)", parsed.rua.len());
    let evidence = dmarc_evidence(
        name,
        DmarcFound::Record {
            record: clean_full(record),
            tags: parsed.cleaned(),
        },
    );
    judged(CHECK, domain, summary, findings, evidence)
}

fn dmarc_evidence(name: String, found: DmarcFound) -> Observed {
    Observed::Dmarc(DmarcEvidence { name, found })
}

#[cfg(test)]
#[path = "dmarc_tests.rs"]
mod tests;
