//! A loopback port where connections are refused, for as long as the value lives.
//!
//! Binding a port and dropping the listener only hopes the port stays free: another test
//! or process may take it in between, and a check that expected "connection refused"
//! reaches someone else's server instead. A TCP socket that is bound but never listens
//! keeps the port reserved, and the kernel answers every connection to it with a reset.

use std::net::{Ipv4Addr, SocketAddr};
use tokio::net::TcpSocket;

/// A reserved loopback port with nothing listening on it.
#[derive(Debug)]
pub struct ClosedPort {
    _socket: TcpSocket,
    addr: SocketAddr,
}

impl ClosedPort {
    /// Reserves a free loopback port. Needs no runtime.
    pub fn new() -> std::io::Result<ClosedPort> {
        let socket = TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))?;
        let addr = socket.local_addr()?;
        Ok(ClosedPort {
            _socket: socket,
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

#[cfg(test)]
mod tests {
    use super::ClosedPort;

    #[test]
    fn a_connection_is_refused_and_the_port_stays_taken() {
        let closed = ClosedPort::new().expect("reserve");
        let err = std::net::TcpStream::connect(closed.addr()).expect_err("nothing listens");
        assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
        assert!(
            std::net::TcpListener::bind(closed.addr()).is_err(),
            "no one else can listen there while it lives"
        );
    }
}
