//! Advice for the `smoke` family: flows run after each deploy.

use super::Advice;

pub(super) const ENTRIES: &[(&str, Advice)] = &[(
    "smoke.step_failed",
    Advice {
        headline: "A core flow broke",
        impact: "Visitors cannot finish what the flow does (log in, reach their data, send the form) on the deployed version.",
        fix: "Look at the failed step's response in the evidence, fix it or roll back the deploy, then run smoke again.",
    },
)];
