//! The lab's switchable route: a plain-HTTP loopback server that can be taken down (its
//! listener closed, so connections are refused as from a dead origin) and brought back on
//! the same port, or made slow. The monitor's tests, its drill and the demo's Monitor
//! screen use it to show an outage end to end.

use super::hook::{read_request, respond};
use crate::LabError;
use launch_ready_checks::monitor::alert::{Retry, Route};
use launch_ready_checks::monitor::drill::{DrillReport, OutageSwitch, drill_on};
use launch_ready_checks::monitor::secs_ms;
use launch_ready_checks::net::Net;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket};
use tokio_util::sync::CancellationToken;

/// What the route answers while up.
pub const BODY: &str = "ok: switchable route";

/// A route that can be switched off and on.
pub struct Switchable {
    addr: SocketAddr,
    delay_ms: Arc<AtomicU64>,
    running: Mutex<Option<CancellationToken>>,
}

impl Switchable {
    /// Starts (up) on a free loopback port.
    pub async fn start() -> Result<Switchable, LabError> {
        let (listener, addr) = bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let s = Switchable {
            addr,
            delay_ms: Arc::default(),
            running: Mutex::new(None),
        };
        s.serve(listener);
        Ok(s)
    }

    /// Where to probe it.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn is_up(&self) -> bool {
        self.running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Takes the route down: the listener closes and open connections are dropped.
    pub fn down(&self) {
        if let Some(t) = self
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            t.cancel();
        }
    }

    /// Brings it back on the same port.
    pub fn up(&self) -> Result<(), LabError> {
        if self.is_up() {
            return Ok(());
        }
        let (listener, _) = bind(self.addr)?;
        self.serve(listener);
        Ok(())
    }

    /// Answers after `delay` from now on (zero for prompt answers).
    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms.store(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    fn serve(&self, listener: TcpListener) {
        let stop = CancellationToken::new();
        *self.running.lock().unwrap_or_else(PoisonError::into_inner) = Some(stop.clone());
        let delay = self.delay_ms.clone();
        tokio::spawn(async move {
            loop {
                let (mut stream, _) = tokio::select! {
                    () = stop.cancelled() => return,
                    a = listener.accept() => match a { Ok(x) => x, Err(_) => continue },
                };
                let (stop, delay) = (stop.clone(), delay.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        () = stop.cancelled() => {}
                        () = async {
                            if read_request(&mut stream).await.is_some() {
                                let ms = delay.load(Ordering::Relaxed);
                                if ms > 0 {
                                    tokio::time::sleep(Duration::from_millis(ms.min(60_000))).await;
                                }
                                respond(&mut stream, 200, BODY).await;
                            }
                        } => {}
                    }
                });
            }
        });
    }
}

impl Drop for Switchable {
    fn drop(&mut self) {
        self.down();
    }
}

/// Binds with SO_REUSEADDR so the port can be taken again right after going down.
fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), LabError> {
    let socket = TcpSocket::new_v4().map_err(LabError::Socket)?;
    socket.set_reuseaddr(true).map_err(LabError::Socket)?;
    socket
        .bind(addr)
        .map_err(|source| LabError::SwitchBind { addr, source })?;
    let listener = socket.listen(64).map_err(LabError::Socket)?;
    let addr = listener.local_addr().map_err(LabError::Socket)?;
    Ok((listener, addr))
}

impl OutageSwitch for Switchable {
    fn url(&self) -> String {
        Switchable::url(self)
    }
    fn is_up(&self) -> bool {
        Switchable::is_up(self)
    }
    fn down(&self) {
        Switchable::down(self)
    }
    fn up(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        Ok(Switchable::up(self)?)
    }
}

/// Runs the alert drill on a loopback route of its own, with probes every `interval` and
/// alerts through `routes` (escalating after `escalate_after` on the drill's own clock).
pub async fn drill(
    net: Arc<Net>,
    routes: Vec<Route>,
    interval: Duration,
    retry: Retry,
    target: Duration,
    escalate_after: Duration,
) -> DrillReport {
    match Switchable::start().await {
        Ok(site) => drill_on(net, routes, &site, interval, retry, target, escalate_after).await,
        Err(e) => DrillReport {
            target_ms: secs_ms(target),
            problems: vec![e.to_string()],
            ..DrillReport::default()
        },
    }
}
