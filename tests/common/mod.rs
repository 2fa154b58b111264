//! Shared test helpers: the demo lab on loopback and a network stack aimed at it, so no
//! test depends on the machine's resolver configuration.
#![allow(dead_code)]

use launch_ready::lab::{Lab, LabConfig};
use launch_ready::net::Net;
use launch_ready::net::settings::NetworkSettings;
use std::sync::Arc;

pub async fn lab() -> Lab {
    Lab::start(LabConfig::default()).await.expect("lab starts")
}

pub fn net_for(settings: &NetworkSettings) -> Arc<Net> {
    Arc::new(Net::new(settings).expect("network settings are valid"))
}

pub fn codes(o: &launch_ready::session::model::CheckOutcome) -> Vec<String> {
    o.findings.iter().map(|f| f.code.clone()).collect()
}
