//! An in-memory `EmailDns` for the email family's unit tests: a table of answers per name,
//! with every name not in the table answering NXDOMAIN, and a log of the questions asked.

use super::lookup::{EmailDns, LookupFailure};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

type Answer<T> = Result<T, LookupFailure>;

#[derive(Default)]
pub struct TableDns {
    txt: HashMap<String, Answer<Vec<String>>>,
    addrs: HashMap<String, Answer<Vec<IpAddr>>>,
    mx: HashMap<String, Answer<Vec<(u16, String)>>>,
    cname: HashMap<String, String>,
    asked: Mutex<Vec<String>>,
}

impl TableDns {
    pub fn new() -> Self {
        TableDns::default()
    }

    pub fn txt(mut self, name: &str, records: &[&str]) -> Self {
        let records = records.iter().map(|r| (*r).to_owned()).collect();
        self.txt.insert(name.to_owned(), Ok(records));
        self
    }

    pub fn txt_err(mut self, name: &str, err: LookupFailure) -> Self {
        self.txt.insert(name.to_owned(), Err(err));
        self
    }

    pub fn addr(mut self, name: &str, addrs: &[&str]) -> Self {
        let addrs = addrs
            .iter()
            .map(|a| a.parse().expect("test address"))
            .collect();
        self.addrs.insert(name.to_owned(), Ok(addrs));
        self
    }

    pub fn addr_err(mut self, name: &str, err: LookupFailure) -> Self {
        self.addrs.insert(name.to_owned(), Err(err));
        self
    }

    pub fn mx(mut self, name: &str, records: &[(u16, &str)]) -> Self {
        let records = records.iter().map(|(p, x)| (*p, (*x).to_owned())).collect();
        self.mx.insert(name.to_owned(), Ok(records));
        self
    }

    pub fn mx_err(mut self, name: &str, err: LookupFailure) -> Self {
        self.mx.insert(name.to_owned(), Err(err));
        self
    }

    pub fn cname(mut self, name: &str, target: &str) -> Self {
        self.cname.insert(name.to_owned(), target.to_owned());
        self
    }

    /// The questions asked so far, as `TYPE name`.
    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().expect("test lock").clone()
    }

    fn log(&self, kind: &str, name: &str) {
        self.asked
            .lock()
            .expect("test lock")
            .push(format!("{kind} {name}"));
    }
}

fn answer<T: Clone>(table: &HashMap<String, Answer<T>>, name: &str) -> Answer<T> {
    table
        .get(name)
        .cloned()
        .unwrap_or(Err(LookupFailure::NxDomain))
}

impl EmailDns for TableDns {
    async fn txt(&self, name: &str) -> Result<Vec<String>, LookupFailure> {
        self.log("TXT", name);
        answer(&self.txt, name)
    }

    async fn addrs(&self, name: &str) -> Result<Vec<IpAddr>, LookupFailure> {
        self.log("A", name);
        answer(&self.addrs, name)
    }

    async fn mx(&self, name: &str) -> Result<Vec<(u16, String)>, LookupFailure> {
        self.log("MX", name);
        answer(&self.mx, name)
    }

    async fn cname(&self, name: &str) -> Result<Option<String>, LookupFailure> {
        self.log("CNAME", name);
        Ok(self.cname.get(name).cloned())
    }
}
