//! A bare plan for the exporters' unit tests: nothing but names and the default runbook
//! numbers; each test adds what it is about.

use launch_ready_core::plan::{PLAN_VERSION, Plan, PlanRunbook};

pub fn bare() -> Plan {
    Plan {
        version: PLAN_VERSION,
        session: "s".into(),
        client: "c".into(),
        runbook: PlanRunbook {
            id: "r".into(),
            path: None,
            targets: Default::default(),
        },
        targets: Default::default(),
        monitored: Vec::new(),
        alert_routes: Vec::new(),
        credentials: Vec::new(),
        network: None,
    }
}
