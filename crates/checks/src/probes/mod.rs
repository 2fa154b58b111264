//! Security signals a visitor can see, found by asking: error pages read for debug
//! output, an oversized upload to a write route, a burst at a login route, and the
//! error-tracking SDK a site loads.
//!
//! Two of them send more than a page read (`payload`, `burst`): their kinds are
//! confirm-gated in the catalog, each states its exact request count up front
//! (`PayloadPlan::REQUESTS`, `BurstPlan::requests`) so the confirmation can announce it,
//! and neither sends one request more. The text matchers (`debug_marks`, `sdk_marks`)
//! are pure and tested alone; `send` is the one bounded exchange with a body they share.

pub mod burst;
pub mod debug;
pub mod debug_marks;
pub mod payload;
pub mod sdk_marks;
pub mod send;
pub mod tracking;

pub use burst::{BurstPlan, check_burst};
pub use debug::{Provoke, check_debug};
pub use payload::{PayloadPlan, check_payload};
pub use tracking::check_error_tracking;
