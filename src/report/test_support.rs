//! What the pack's tests share: the demo's runbook and an empty session on it.

use launch_ready_core::runbook::Runbook;
use launch_ready_core::session::Session;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

pub const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

pub fn runbook() -> Runbook {
    launch_ready_core::runbook::library::Library::installed()
        .resolve("b2b-demo-to-launch")
        .expect("bundled runbook")
        .runbook
}

/// A session on `runbook` for `acme.test`, started 30 hours before `NOW`.
pub fn session(runbook: &Runbook) -> Session {
    let loaded = launch_ready_core::runbook::Loaded {
        runbook: runbook.clone(),
        origin: launch_ready_core::runbook::Origin::Bundled("b2b-demo-to-launch"),
        hash: "sha256:0".into(),
    };
    Session::new(
        "acme",
        "Acme",
        &loaded,
        launch_ready_core::session::model::Targets {
            apex: "acme.test".into(),
            ..Default::default()
        },
        NOW - Duration::hours(30),
    )
}
