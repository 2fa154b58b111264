//! Which check or tool applies each number of a runbook's `Targets`.
//!
//! A number in a runbook reads as a promise: "uptime probes every minute", "one redirect
//! hop". If nothing applies it, the promise is silently broken, so loading refuses a
//! runbook that sets a number none of its checks (nor an always-present tool such as the
//! monitor or the sprint clock) reads. This table is the one place that says who reads
//! what; `runbooks show` prints it and the validation in `load` walks it.
//!
//! Readers are kind *names*, resolved against the catalog when a runbook is validated: a
//! kind this build does not have yet (one that is being added beside this table) cannot
//! be run by any runbook, so the number waits for it instead of failing every load; once
//! the kind is in the catalog, the runbook must also run it. `AWAITED` lists those names
//! so the wait is visible and a test notices when one arrives.

use super::model::{Run, Runbook, Targets};
use crate::catalog::KindId;

/// Something besides a check kind that applies a number, for any runbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// The Monitor screen and `launch-ready monitor`.
    Monitor,
    /// The sprint clock of the TUI and the handover pack.
    SprintClock,
    /// `launch-ready load`.
    LoadCommand,
}

impl Tool {
    pub fn as_str(self) -> &'static str {
        match self {
            Tool::Monitor => "the monitor",
            Tool::SprintClock => "the sprint clock",
            Tool::LoadCommand => "launch-ready load",
        }
    }
}

/// One reader of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A check kind, by name; counts only when the runbook runs it.
    Kind(&'static str),
    /// A tool that reads the number whatever checks the runbook lists.
    Tool(Tool),
}

impl Reader {
    pub fn name(self) -> &'static str {
        match self {
            Reader::Kind(k) => k,
            Reader::Tool(t) => t.as_str(),
        }
    }
}

/// The readers of one field of `Targets`.
#[derive(Debug, Clone, Copy)]
pub struct FieldReaders {
    /// The field's name as written in a runbook.
    pub field: &'static str,
    pub readers: &'static [Reader],
}

use Reader::{Kind, Tool as T};

/// Every field of `Targets` and what reads it (a test holds this to the struct).
pub const READERS: &[FieldReaders] = &[
    FieldReaders {
        field: "p95_read_ms",
        readers: &[
            Kind("perf.latency"),
            Kind("perf.load"),
            T(Tool::LoadCommand),
        ],
    },
    FieldReaders {
        field: "p95_write_ms",
        readers: &[
            Kind("perf.latency"),
            Kind("perf.load"),
            T(Tool::LoadCommand),
        ],
    },
    FieldReaders {
        field: "p95_broken_ms",
        readers: &[Kind("uptime.probe"), T(Tool::Monitor)],
    },
    FieldReaders {
        field: "error_rate_pct",
        readers: &[
            Kind("perf.latency"),
            Kind("perf.load"),
            T(Tool::LoadCommand),
        ],
    },
    FieldReaders {
        field: "uptime_pct",
        readers: &[T(Tool::Monitor)],
    },
    FieldReaders {
        field: "alert_delay_min",
        readers: &[T(Tool::Monitor)],
    },
    FieldReaders {
        field: "cert_warn_days",
        readers: &[
            Kind("tls.certificate"),
            Kind("uptime.probe"),
            T(Tool::Monitor),
        ],
    },
    FieldReaders {
        field: "lighthouse_score",
        readers: &[Kind("perf.web_vitals")],
    },
    FieldReaders {
        field: "lcp_ms",
        readers: &[Kind("perf.web_vitals")],
    },
    FieldReaders {
        field: "cls",
        readers: &[Kind("perf.web_vitals")],
    },
    FieldReaders {
        field: "tbt_ms",
        readers: &[Kind("perf.web_vitals")],
    },
    FieldReaders {
        field: "lighthouse_runs",
        readers: &[Kind("perf.web_vitals")],
    },
    FieldReaders {
        field: "payload_budget_kib",
        readers: &[Kind("http.payload"), Kind("perf.latency")],
    },
    FieldReaders {
        field: "probe_interval_min",
        readers: &[T(Tool::Monitor)],
    },
    FieldReaders {
        field: "probes_before_alert",
        readers: &[Kind("uptime.probe"), T(Tool::Monitor)],
    },
    FieldReaders {
        field: "escalate_after_min",
        // The monitor escalates an unresolved alert to the next route; its drill times it.
        readers: &[T(Tool::Monitor), Kind("uptime.alert_route")],
    },
    // Read by headless `check` in CI (`--ci` or `CI=true`) from the perf.latency results.
    FieldReaders {
        field: "ci_p95_budget_ms",
        readers: &[Kind("perf.latency")],
    },
    FieldReaders {
        field: "redirect_hops_max",
        readers: &[Kind("http.redirects")],
    },
    FieldReaders {
        field: "audit_hours",
        readers: &[T(Tool::SprintClock)],
    },
    FieldReaders {
        field: "concurrent_users",
        readers: &[Kind("perf.load"), T(Tool::LoadCommand)],
    },
    FieldReaders {
        field: "rate_limit_burst",
        readers: &[Kind("edge.rate_limit")],
    },
];

/// Kinds the table names that this build's catalog does not have yet: numbers only they
/// read are accepted until they arrive (see the module docs).
pub const AWAITED: &[&str] = &[];

/// The readers of `field`, if it is a field of `Targets`.
pub fn readers(field: &str) -> Option<&'static [Reader]> {
    READERS.iter().find(|f| f.field == field).map(|f| f.readers)
}

/// The fields `t` sets: an optional number that is present, or a defaulted one changed
/// from its default (a default applies whatever the runbook says, so it promises nothing
/// of its own).
pub fn set_fields(t: &Targets) -> Vec<&'static str> {
    let (Ok(serde_json::Value::Object(set)), Ok(serde_json::Value::Object(default))) = (
        serde_json::to_value(t),
        serde_json::to_value(Targets::default()),
    ) else {
        return Vec::new();
    };
    READERS
        .iter()
        .map(|f| f.field)
        .filter(|f| {
            set.get(*f)
                .is_some_and(|v| !v.is_null() && default.get(*f) != Some(v))
        })
        .collect()
}

/// A number the runbook sets that none of its checks (and no tool) reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "target `{field}` is set but nothing this runbook runs reads it (it is read by {readers}); add one of those checks or remove the number"
)]
pub struct Unread {
    pub field: &'static str,
    /// The readers, joined for the message.
    pub readers: String,
}

/// The kinds the runbook's checks run.
pub fn kinds_run(rb: &Runbook) -> Vec<KindId> {
    rb.checks()
        .filter_map(|(_, c)| match &c.run {
            Run::Auto { kind, .. } => Some(kind.0.id),
            Run::Manual { .. } => None,
        })
        .collect()
}

/// Whether `reader` applies `rb`'s numbers: a tool always does, a kind when the runbook
/// runs it or when this build does not have it yet.
pub fn reads_for(reader: Reader, kinds: &[KindId]) -> bool {
    match reader {
        Reader::Tool(_) => true,
        Reader::Kind(name) => KindId::parse(name).is_none_or(|k| kinds.contains(&k)),
    }
}

/// The first number `rb` sets that nothing it runs reads.
pub fn first_unread(rb: &Runbook) -> Option<Unread> {
    let kinds = kinds_run(rb);
    set_fields(&rb.targets).into_iter().find_map(|field| {
        let readers = readers(field)?;
        (!readers.iter().any(|r| reads_for(*r, &kinds))).then(|| Unread {
            field,
            readers: readers
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_every_field_of_targets_once() {
        let serde_json::Value::Object(fields) = serde_json::to_value(Targets::default()).unwrap()
        else {
            panic!("targets serialise as a map")
        };
        for f in fields.keys() {
            assert_eq!(
                READERS.iter().filter(|r| r.field == f).count(),
                1,
                "`{f}` has no row (or two) in READERS"
            );
            assert!(!readers(f).unwrap().is_empty(), "`{f}` has no reader");
        }
        assert_eq!(READERS.len(), fields.len(), "a row names no field");
    }

    #[test]
    fn every_kind_named_is_in_the_catalog_or_awaited() {
        for f in READERS {
            for r in f.readers {
                if let Reader::Kind(k) = r {
                    assert!(
                        KindId::parse(k).is_some() != AWAITED.contains(k),
                        "{}: `{k}` must be a catalog kind or awaited, not both",
                        f.field
                    );
                }
            }
        }
        // When an awaited kind lands in the catalog, it leaves AWAITED (and every runbook
        // setting its numbers must then run it).
        for k in AWAITED {
            assert!(
                KindId::parse(k).is_none(),
                "`{k}` has arrived: remove it from AWAITED"
            );
        }
    }

    #[test]
    fn set_fields_are_the_present_and_changed_ones() {
        let t = Targets {
            redirect_hops_max: Some(1),
            payload_budget_kib: 512,
            ..Targets::default()
        };
        assert_eq!(
            set_fields(&t),
            vec!["payload_budget_kib", "redirect_hops_max"]
        );
        assert!(set_fields(&Targets::default()).is_empty());
    }
}
