//! The dns family from a `CheckInput`: each check takes the run's network and its host.

use crate::dns;
use crate::engine::registry::{CheckInput, Registry};
use launch_ready_core::catalog::KindId;

pub fn register(r: &mut Registry) {
    r.insert(KindId::DnsRecords, |i: CheckInput| async move {
        dns::records(&i.net, &i.target.name, &i.target.role).await
    });
    r.insert(KindId::DnsApexWww, |i: CheckInput| async move {
        dns::apex_www(&i.net, &i.target.name).await
    });
    r.insert(KindId::DnsCaa, |i: CheckInput| async move {
        dns::caa(&i.net, &i.target.name).await
    });
    r.insert(KindId::DnsProvider, |i: CheckInput| async move {
        dns::provider(&i.net, &i.target.name).await
    });
    r.insert(KindId::DnsStaging, |i: CheckInput| async move {
        dns::staging(&i.net, &i.target.name).await
    });
}
