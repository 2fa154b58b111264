//! Why an adapter could not hand a family its input: the site's page (edge, Cloudflare)
//! or the Cloudflare API client. Checks turn these into their outcome's reason.

use crate::cloudflare::CREDENTIAL;
use crate::cloudflare::api::ApiError;
use crate::net::page::PageError;
use crate::net::{ClientError, NetError};
use launch_ready_core::credentials::CredentialError;
use launch_ready_core::settings::CloudflareApiError;

/// Why the site's page could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SitePageError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Page(#[from] PageError),
}

/// Why no Cloudflare API client could be made for the run's network.
#[derive(Debug, thiserror::Error)]
pub enum ApiSetupError {
    #[error("the Cloudflare API URL is refused: {0}")]
    Refused(#[source] CloudflareApiError),
    #[error("the Cloudflare API URL `{base}` is not a URL: {source}")]
    NotUrl {
        base: String,
        #[source]
        source: url::ParseError,
    },
    #[error(transparent)]
    Client(#[from] ClientError),
}

/// Why a stored Cloudflare token was not confirmed. `api_at` is the API's host when it is
/// not the public API: the token was sent there, whatever came back.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("the `{CREDENTIAL}` credential cannot be read back: {0}")]
    Read(#[source] CredentialError),
    #[error(transparent)]
    Net(#[from] NetError),
    #[error(transparent)]
    Setup(#[from] ApiSetupError),
    #[error("Cloudflare knows the token but it is {status}{}", at_note(.api_at.as_deref()))]
    Inactive {
        status: String,
        api_at: Option<String>,
    },
    #[error("Cloudflare refused the token{}: {message}", at_note(.api_at.as_deref()))]
    Rejected {
        message: String,
        api_at: Option<String>,
    },
    #[error("could not verify the token with Cloudflare{}: {source}", at_note(.api_at.as_deref()))]
    Unreachable {
        #[source]
        source: ApiError,
        api_at: Option<String>,
    },
}

/// ` (API at HOST)` for an API elsewhere than the public one, else nothing.
pub fn at_note(host: Option<&str>) -> String {
    host.map(|h| format!(" (API at {h})")).unwrap_or_default()
}
