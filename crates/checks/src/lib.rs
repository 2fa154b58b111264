//! The checks layer: the one network layer (`net`: resolve, fetch, handshake), the check
//! families (probe, then a pure judge), the engine that runs them, the planner that picks
//! them from a runbook and a session, and the monitor and load generator that stand beside
//! them on the same network layer. It depends on `launch-ready-core` only; the demo lab and
//! the terminal sit above it.

pub mod cloudflare;
pub mod credentials;
pub mod dns;
pub mod edge;
pub mod email;
pub mod engine;
pub mod env;
pub mod env_inventory;
pub mod http;
pub mod judged;
pub mod monitor;
pub mod net;
pub mod perf;
pub mod plan;
pub mod probes;
pub mod secrets;
pub mod smoke;
pub mod tls;
