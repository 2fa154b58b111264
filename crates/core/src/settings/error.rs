//! Why a network setting or a host name is refused. A value is quoted as the user typed
//! it, with control characters escaped where it may come from a file, so a bad value
//! cannot drive the terminal that shows the error.

/// Why a host name is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HostNameError {
    #[error("a host name is empty")]
    Empty,
    #[error("host name `{}` is not a valid internationalised domain name", .0.escape_debug())]
    NotIdna(String),
    #[error("host name `{}` is longer than 253 characters", .0.escape_debug())]
    TooLong(String),
    #[error("`{}` is an IP address, not a host name", .0.escape_debug())]
    IpAddress(String),
    #[error("host name `{}` has an empty label", .0.escape_debug())]
    EmptyLabel(String),
    #[error("host name `{}` has a label longer than 63 characters", .0.escape_debug())]
    LongLabel(String),
    #[error(
        "host name `{}`: label `{}` starts or ends with `-`",
        .host.escape_debug(),
        .label.escape_debug()
    )]
    Hyphen { host: String, label: String },
    #[error(
        "host name `{}` contains `{}`, which is not allowed",
        .host.escape_debug(),
        .character.escape_debug()
    )]
    Character { host: String, character: char },
}

/// Why a `--nameserver`, `--resolve` or `--connect-to` value (or the same entry of a
/// session file) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("nameserver `{0}` is not an IP address or IP:PORT (e.g. 127.0.0.1:5353)")]
    Nameserver(String),
    #[error("resolve override `{0}` must be HOST:ADDR")]
    ResolveForm(String),
    #[error("resolve override `{spec}`: `{addr}` is not an IP address")]
    ResolveAddr { spec: String, addr: String },
    #[error("connect-to `{0}` must be HOST:PORT:ADDR:PORT (e.g. example.com:443:127.0.0.1:8443)")]
    ConnectToForm(String),
    #[error("connect-to `{spec}`: `{port}` is not a port")]
    ConnectToPort { spec: String, port: String },
    #[error("connect-to `{spec}`: `{addr}` is not an IP address")]
    ConnectToAddr { spec: String, addr: String },
    #[error(transparent)]
    Host(#[from] HostNameError),
}
