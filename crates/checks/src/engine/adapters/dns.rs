//! The dns family from a `CheckInput`: each check takes the run's network and its host.

use crate::dns;
use crate::engine::registry::{CheckInput, Registry};

pub fn register(r: &mut Registry) {
    r.insert("dns.records", |i: CheckInput| async move {
        dns::records(&i.net, &i.target.name, &i.target.role).await
    });
    r.insert("dns.apex_www", |i: CheckInput| async move {
        dns::apex_www(&i.net, &i.target.name).await
    });
    r.insert("dns.caa", |i: CheckInput| async move {
        dns::caa(&i.net, &i.target.name).await
    });
    r.insert("dns.provider", |i: CheckInput| async move {
        dns::provider(&i.net, &i.target.name).await
    });
    r.insert("dns.staging", |i: CheckInput| async move {
        dns::staging(&i.net, &i.target.name).await
    });
}
