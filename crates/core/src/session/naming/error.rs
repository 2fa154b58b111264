//! Why a session name, client name, domain or `--host` is refused. The values come from
//! the command line or the new-session form and are shown made safe for a terminal.

use super::{MAX_NAME_LEN, display_text};
use crate::settings::HostNameError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamingError {
    #[error(
        "session name `{}` must be 1 to {MAX_NAME_LEN} lowercase letters, digits, `-` or `_`, starting with a letter or digit",
        display_text(.0)
    )]
    Name(String),
    #[error("the client name is empty")]
    EmptyClient,
    #[error("client name `{}` contains a control character", display_text(.0))]
    ClientControl(String),
    #[error("domain `{}` is not valid: {source}", display_text(.domain))]
    Domain {
        domain: String,
        #[source]
        source: HostNameError,
    },
    #[error(
        "domain `{}` is not valid: an apex domain has at least two labels (example.com)",
        display_text(.0)
    )]
    NotApex(String),
    #[error("host `{}` must be ROLE=HOST (e.g. www=www.example.com)", display_text(.0))]
    HostForm(String),
    #[error(
        "host `{}`: role `{}` must be a lowercase word (www, app, api, admin, staging…)",
        display_text(.spec),
        display_text(.role)
    )]
    Role { spec: String, role: String },
    #[error("host `{}`: {source}", display_text(.spec))]
    Host {
        spec: String,
        #[source]
        source: HostNameError,
    },
    #[error("role `{0}` is given more than once")]
    RoleTwice(String),
}
