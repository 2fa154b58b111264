//! The http family: availability, redirects, headers, mixed content, caching, CORS,
//! exposure of config and `.git`, secrets in served bundles, and the size and compression
//! of what a page sends.
//!
//! Every check takes a `reqwest::Client` built by the caller with redirects off (the
//! engine builds it from the session's network settings; `client::lab_client` builds one
//! for the demo lab and the tests), the URL or hosts, and `HttpLimits`. The family only
//! judges: every request goes through the network layer (`net::fetch::fetch`, which
//! bounds time and body size, and `net::page` for redirect chains).

pub mod availability;
pub mod bundle;
pub mod cache;
pub mod client;
pub mod cors;
pub mod exposure;
pub mod headers;
pub mod html;
pub mod payload;
pub mod redirects;

pub use crate::net::fetch::{FetchError, Fetched, HttpLimits};
pub use availability::check_availability;
pub use bundle::check_bundle;
pub use cache::check_cache;
pub use client::lab_client;
pub use cors::check_cors;
pub use exposure::check_exposure;
pub use headers::check_headers;
pub use html::check_mixed_content;
pub use payload::check_payload;
pub use redirects::{check_redirects, check_redirects_within};
