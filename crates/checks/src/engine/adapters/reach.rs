//! The precondition every tls, http and edge check shares: the host has somewhere to
//! connect to. A host with no address is `dns.records`' finding (`dns.unresolvable`), so
//! the checks that would only fail to connect are skipped with a pointer to it instead of
//! adding an error each; a lookup that could not be answered is an error, because then
//! nothing is known.

use crate::net::client::connect_target;
use crate::net::{LookupFailure, Net};
use launch_ready_core::outcome;
use launch_ready_core::session::model::CheckOutcome;

/// Why a host cannot be probed, as the outcome to report instead.
pub type NotReachable = Box<CheckOutcome>;

/// Ok when `host` can be dialled on one of `ports`: a `connect_to` entry, a `resolve`
/// override or an address in DNS (the answer is shared with every other check of the run).
pub async fn host_ready(net: &Net, host: &str, ports: &[u16]) -> Result<(), NotReachable> {
    if host.is_empty() {
        return Err(Box::new(outcome::error("no host given")));
    }
    // An override or an IP literal (`127.0.0.1`, `[::1]`) needs no lookup.
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok();
    if literal
        || ports
            .iter()
            .any(|p| connect_target(&net.settings.connect_to, host, *p).is_some())
    {
        return Ok(());
    }
    match net.resolver.ips(host).await {
        Ok(ips) if !ips.is_empty() => Ok(()),
        Ok(_) | Err(LookupFailure::NoData | LookupFailure::NxDomain) => {
            Err(Box::new(outcome::explained_by(
                format!("{host} has no address to connect to (see dns.unresolvable)"),
                "dns.unresolvable",
            )))
        }
        Err(LookupFailure::Failed(e)) => Err(Box::new(outcome::error(format!(
            "cannot look up {host}: {e}"
        )))),
    }
}

/// The host of an http(s) URL target with the ports its scheme may use.
pub fn url_host(url: &str) -> Option<(String, Vec<u16>)> {
    let u = reqwest::Url::parse(url).ok()?;
    let host = u.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let mut ports = vec![u.port_or_known_default()?];
    // A redirect from http:// goes to https:// on the same host.
    if u.scheme() == "http" {
        ports.push(443);
    }
    Some((host, ports))
}
