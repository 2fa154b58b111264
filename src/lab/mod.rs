//! The demo lab: in-process servers on loopback that host a fictional product.

pub mod web;
