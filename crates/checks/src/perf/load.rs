//! The load generator: closed loop (N connections, each sending its next request when
//! the last one ends) or open loop (a fixed arrival rate over at most N connections).
//!
//! In open loop each request has a scheduled send time, `start + i / rate`, and its
//! corrected latency runs from that time, not from when it was actually sent: when the
//! server stalls and every connection is busy, the requests that should have gone out
//! meanwhile wait, and that wait is what a user would have seen. Measuring from the actual
//! send instead hides it (coordinated omission); both figures are reported. Lateness of
//! the generator itself (waking late with a connection free) is tracked apart from
//! waiting for a connection, so a report can say when the figures are the generator's
//! fault rather than the server's.
//!
//! Samples go into per-route HDR histograms, one set per shard of workers behind a lock
//! that only that shard and the ticker take, so workers on different threads do not
//! contend for one histogram; a ticker task merges the shards' per-interval figures into
//! a snapshot for the live view, off whatever thread draws it.
//!
//! Routes go over one connection per worker (`direct`, HTTP/1.1, plain or TLS) when the
//! run has the network stack to open them; otherwise through the pooled client. A worker checks
//! the run's end and cancellation once around its whole loop, not per request: a timer
//! and a cancellation waiter registered per request were a large share of its cost.
//!
//! Every request sent is counted. At the end nothing more is sent, and the requests still
//! in flight get `END_GRACE` to finish; one unanswered by then is a timeout error (a
//! server that never answers gives 100 % timeouts, not "0 requests, no errors").
//! Cancellation is the operator stopping the run: what is in flight then is dropped.

use super::PerfError;
use super::direct::{Conns, DirectRoute, Protocol, tls_config};
use super::request::{RouteSpec, exchange};
use super::stats::{IntervalAcc, IntervalStats, RouteStats, Sample};
use crate::net::Net;
pub use launch_ready_core::evidence::Snapshot;
use reqwest::Client;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until};
use tokio_util::sync::CancellationToken;

/// Most connections one run opens.
pub const MAX_CONNECTIONS: usize = 1000;
/// Longest run.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// Most requests one run sends.
pub const MAX_REQUESTS: u64 = 10_000_000;
/// Highest arrival rate, requests per second.
pub const MAX_RATE: f64 = 100_000.0;
/// How late the generator may wake for a send before the send counts as late.
const LATE: Duration = Duration::from_millis(10);
/// Most stat shards: enough that the runtime's threads rarely meet on one lock, few
/// enough that a route's histograms stay a few megabytes whatever the connection count.
const MAX_SHARDS: usize = 8;
/// How long requests still in flight at the run's end may take to finish (capped by the
/// request timeout). No request is sent after the end; one still unanswered when the
/// grace is over is counted as a timeout, so every request sent is counted and a server
/// that never answers is never "0 requests, no errors".
pub const END_GRACE: Duration = Duration::from_secs(1);

/// How requests are paced.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Each connection sends its next request as soon as the last one ends.
    Closed,
    /// A fixed arrival rate (requests per second, over all routes).
    Rate(f64),
}

/// A validated description of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadPlan {
    pub connections: usize,
    pub pace: Pace,
    /// The run ends here at the latest.
    pub duration: Duration,
    /// Or after this many requests.
    pub max_requests: u64,
    /// Bound of each request.
    pub timeout: Duration,
    /// Length of one live-view interval.
    pub interval: Duration,
    /// The protocol of the direct connections.
    pub protocol: Protocol,
}

impl LoadPlan {
    /// Checks the plan against the hard caps.
    pub fn validate(&self) -> Result<(), PerfError> {
        if self.connections == 0 || self.connections > MAX_CONNECTIONS {
            return Err(PerfError::Cap(format!(
                "connections must be between 1 and {MAX_CONNECTIONS}, not {}",
                self.connections
            )));
        }
        if self.duration.is_zero() || self.duration > MAX_DURATION {
            return Err(PerfError::Cap(format!(
                "duration must be between 1 s and {} s",
                MAX_DURATION.as_secs()
            )));
        }
        if self.max_requests == 0 || self.max_requests > MAX_REQUESTS {
            return Err(PerfError::Cap(format!(
                "requests must be between 1 and {MAX_REQUESTS}"
            )));
        }
        if let Pace::Rate(r) = self.pace
            && !(r.is_finite() && r > 0.0 && r <= MAX_RATE)
        {
            return Err(PerfError::Cap(format!(
                "rate must be above 0 and at most {MAX_RATE} requests/s"
            )));
        }
        if self.timeout.is_zero() || self.timeout > Duration::from_secs(60) {
            return Err(PerfError::Cap("timeout must be between 1 and 60 s".into()));
        }
        Ok(())
    }
}

/// What the run measured, before judging.
#[derive(Debug, Clone)]
pub struct Measured {
    pub routes: Vec<RouteStats>,
    /// The sending window: from the start to the end of sending (the grace for requests
    /// still in flight at the end left out).
    pub elapsed: Duration,
    /// Requests sent (started).
    pub sent: u64,
    /// Open loop: sends the generator made more than `LATE` after their time with a
    /// connection free, and the worst such lateness.
    pub late_sends: u64,
    pub max_lateness: Duration,
    /// Open loop: requests that had to wait for a busy connection.
    pub waited_for_connection: u64,
    pub cancelled: bool,
    pub timeline: Vec<Snapshot>,
    /// What the requests went over: the plan's protocol on direct connections, or the
    /// pooled client's choice.
    pub protocol: &'static str,
}

impl Measured {
    /// The generator fell behind its own schedule (not the server's doing): over 1 % of
    /// sends, and more than a stray few, went out late although a connection was free.
    pub fn generator_fell_behind(&self) -> bool {
        self.late_sends >= 3 && self.late_sends * 100 > self.sent
    }
}

/// How requests reach the server: the pooled client, and the network stack for the
/// direct plain-HTTP connections when the caller has one.
#[derive(Clone)]
pub struct Transport {
    pub client: Client,
    pub net: Option<Arc<Net>>,
}

impl From<Client> for Transport {
    fn from(client: Client) -> Transport {
        Transport { client, net: None }
    }
}

struct Shared {
    routes: Vec<RouteSpec>,
    /// The direct form of each route, when the run has a network stack.
    direct: Vec<Option<DirectRoute>>,
    net: Option<Arc<Net>>,
    /// TLS for direct `https://` routes.
    tls: Option<Arc<rustls::ClientConfig>>,
    protocol: Protocol,
    /// Open loop: connections between two requests, for the next task to take.
    idle: Mutex<Vec<Conns>>,
    /// `stats[shard][route]`.
    stats: Vec<Vec<Mutex<RouteStats>>>,
    client: Client,
    timeout: Duration,
    sent: AtomicU64,
}

impl Shared {
    /// One exchange with `route`, over `conns` when the route can go direct.
    async fn exchange(
        &self,
        conns: Option<&mut Conns>,
        route: usize,
    ) -> (Option<super::stats::ErrorKind>, u64) {
        match (conns, &self.direct[route]) {
            (Some(c), Some(d)) => c.exchange(d, self.timeout).await,
            _ => exchange(&self.client, &self.routes[route], self.timeout).await,
        }
    }

    fn record(&self, shard: usize, route: usize, s: &Sample) {
        if let Some(m) = self.stats[shard % self.stats.len()].get(route)
            && let Ok(mut st) = m.lock()
        {
            st.record(s);
        }
    }

    fn conns(&self) -> Option<Conns> {
        self.net
            .clone()
            .map(|net| Conns::new(net, self.tls.clone(), self.protocol))
    }
}

/// Runs `plan` against `routes` (round robin) until its duration or request count is
/// reached or `token` is cancelled. `live` receives one snapshot per interval.
pub async fn run(
    transport: impl Into<Transport>,
    routes: Vec<RouteSpec>,
    plan: &LoadPlan,
    token: CancellationToken,
    live: Option<UnboundedSender<Snapshot>>,
) -> Result<Measured, PerfError> {
    plan.validate()?;
    if routes.is_empty() {
        return Err(PerfError::NoRoute);
    }
    let Transport { client, net } = transport.into();
    // Without a TLS set-up (an unreadable platform store), `https://` routes take the
    // pooled client, which reports that failure per request.
    let tls = match &net {
        Some(n) if routes.iter().any(|r| r.url.scheme() == "https") => {
            tls_config(n, plan.protocol).ok()
        }
        _ => None,
    };
    let shards = plan.connections.clamp(1, MAX_SHARDS);
    let shared = Arc::new(Shared {
        stats: (0..shards)
            .map(|_| routes.iter().map(|_| Mutex::default()).collect())
            .collect(),
        direct: routes
            .iter()
            .map(|r| net.as_ref().and_then(|_| DirectRoute::of(r, tls.is_some())))
            .collect(),
        net,
        tls,
        protocol: plan.protocol,
        idle: Mutex::new(Vec::new()),
        routes,
        client,
        timeout: plan.timeout,
        sent: AtomicU64::new(0),
    });
    let start = Instant::now();
    let end = start + plan.duration;
    // The ticker stops with the run: its own token is a child of the caller's.
    let run_token = token.child_token();
    let ticker = tokio::spawn(tick(
        shared.clone(),
        start,
        plan.interval.max(Duration::from_millis(50)),
        plan.connections,
        run_token.clone(),
        live,
    ));
    let mut pacing = Pacing::default();
    match plan.pace {
        Pace::Closed => closed(&shared, plan, end, &token).await,
        Pace::Rate(rate) => pacing = open(&shared, plan, rate, start, end, &token).await,
    }
    // The run's length is its sending window: the grace for requests still in flight at
    // the end is not time the run was sending in (rates are per second of sending).
    let elapsed = start.elapsed().min(plan.duration);
    run_token.cancel();
    let mut timeline = ticker.await.unwrap_or_default();
    // The last partial interval, so the timeline adds up to the run.
    let last = take_intervals(&shared);
    if last.iter().any(|r| r.requests > 0) {
        timeline.push(Snapshot {
            at_s: elapsed.as_secs_f64(),
            interval_s: (elapsed.as_secs_f64() - timeline.last().map_or(0.0, |s| s.at_s)).max(0.0),
            connections: plan.connections,
            routes: last,
        });
    }
    let stats = (0..shared.routes.len())
        .map(|route| {
            let mut total = RouteStats::default();
            for shard in &shared.stats {
                if let Ok(s) = shard[route].lock() {
                    total.merge(&s);
                }
            }
            total
        })
        .collect();
    Ok(Measured {
        routes: stats,
        elapsed,
        sent: shared.sent.load(Ordering::Relaxed),
        late_sends: pacing.late,
        max_lateness: pacing.max_lateness,
        waited_for_connection: pacing.waited,
        cancelled: token.is_cancelled(),
        timeline,
        protocol: if shared.direct.iter().all(Option::is_some) {
            plan.protocol.as_str()
        } else {
            "pooled client (HTTP/1.1 or HTTP/2 by ALPN)"
        },
    })
}

fn take_intervals(shared: &Shared) -> Vec<IntervalStats> {
    (0..shared.routes.len())
        .map(|route| {
            let mut acc = IntervalAcc::default();
            for shard in &shared.stats {
                if let Ok(mut s) = shard[route].lock() {
                    s.take_interval_into(&mut acc);
                }
            }
            acc.finish()
        })
        .collect()
}

/// Takes a snapshot every `every` until `token` is cancelled; the timeline is bounded by
/// the run's duration cap over the interval.
async fn tick(
    shared: Arc<Shared>,
    start: Instant,
    every: Duration,
    connections: usize,
    token: CancellationToken,
    live: Option<UnboundedSender<Snapshot>>,
) -> Vec<Snapshot> {
    let mut timeline = Vec::new();
    let mut next = start + every;
    loop {
        tokio::select! {
            () = token.cancelled() => return timeline,
            () = sleep_until(next) => {}
        }
        let snap = Snapshot {
            at_s: (next - start).as_secs_f64(),
            interval_s: every.as_secs_f64(),
            connections,
            routes: take_intervals(&shared),
        };
        if let Some(tx) = &live {
            let _ = tx.send(snap.clone());
        }
        timeline.push(snap);
        next += every;
    }
}

/// N workers, each sending its next request when the last ends. At the end no worker
/// starts another request; the one in flight gets `END_GRACE` to finish, and is counted
/// as a timeout when it does not.
async fn closed(shared: &Arc<Shared>, plan: &LoadPlan, end: Instant, token: &CancellationToken) {
    let grace_end = end + END_GRACE.min(plan.timeout);
    let mut set = JoinSet::new();
    for worker in 0..plan.connections {
        let shared = shared.clone();
        let token = token.clone();
        let max = plan.max_requests;
        set.spawn(async move {
            // Set at the end: the loop sends nothing more.
            let ended = AtomicBool::new(false);
            let in_flight = InFlight::new();
            let work = async {
                let mut conns = shared.conns();
                loop {
                    if ended.load(Ordering::Relaxed) {
                        return;
                    }
                    let i = shared.sent.fetch_add(1, Ordering::Relaxed);
                    if i >= max {
                        shared.sent.fetch_sub(1, Ordering::Relaxed);
                        return;
                    }
                    let route = usize::try_from(i).unwrap_or(0) % shared.routes.len();
                    let t0 = Instant::now();
                    in_flight.start(route, t0);
                    let (error, bytes) = shared.exchange(conns.as_mut(), route).await;
                    in_flight.clear();
                    let d = t0.elapsed();
                    shared.record(
                        worker,
                        route,
                        &Sample {
                            corrected: d,
                            raw: d,
                            error,
                            bytes,
                        },
                    );
                }
            };
            let mut work = std::pin::pin!(work);
            // The end and the cancellation are checked once around the whole loop; a
            // cancellation cuts the worker wherever it is, in flight included.
            let cut = tokio::select! {
                () = token.cancelled() => false,
                () = &mut work => false,
                () = sleep_until(end) => {
                    ended.store(true, Ordering::Relaxed);
                    tokio::select! {
                        () = token.cancelled() => false,
                        () = &mut work => false,
                        () = sleep_until(grace_end) => true,
                    }
                }
            };
            if cut && let Some((route, t0)) = in_flight.get() {
                shared.record(worker, route, &unanswered(t0, t0));
            }
        });
    }
    // Dropping the set on cancel aborts every in-flight request at once.
    tokio::select! {
        () = token.cancelled() => set.abort_all(),
        () = async { while set.join_next().await.is_some() {} } => {}
    }
}

/// The request a closed-loop worker has in flight, if any: its route and when it was sent.
/// Atomics only because the worker's future must be `Send`; one task reads and writes it.
struct InFlight {
    base: Instant,
    route: AtomicUsize,
    /// Nanoseconds after `base` it was sent, plus one; 0 when nothing is in flight.
    since: AtomicU64,
}

impl InFlight {
    fn new() -> InFlight {
        InFlight {
            base: Instant::now(),
            route: AtomicUsize::new(0),
            since: AtomicU64::new(0),
        }
    }

    fn start(&self, route: usize, at: Instant) {
        let nanos = u64::try_from((at - self.base).as_nanos()).unwrap_or(u64::MAX - 1);
        self.route.store(route, Ordering::Relaxed);
        self.since.store(nanos + 1, Ordering::Relaxed);
    }

    fn clear(&self) {
        self.since.store(0, Ordering::Relaxed);
    }

    fn get(&self) -> Option<(usize, Instant)> {
        match self.since.load(Ordering::Relaxed) {
            0 => None,
            n => Some((
                self.route.load(Ordering::Relaxed),
                self.base + Duration::from_nanos(n - 1),
            )),
        }
    }
}

/// A request sent at `sent` (scheduled for `scheduled`) with no answer by the end of the
/// run: a timeout, its latency what it waited so far.
fn unanswered(scheduled: Instant, sent: Instant) -> Sample {
    let now = Instant::now();
    Sample {
        corrected: now - scheduled,
        raw: now - sent,
        error: Some(super::stats::ErrorKind::Timeout),
        bytes: 0,
    }
}

#[derive(Default)]
struct Pacing {
    late: u64,
    max_lateness: Duration,
    waited: u64,
}

/// A dispatcher sending request `i` at `start + i / rate` over at most N connections.
async fn open(
    shared: &Arc<Shared>,
    plan: &LoadPlan,
    rate: f64,
    start: Instant,
    end: Instant,
    token: &CancellationToken,
) -> Pacing {
    let permits = Arc::new(Semaphore::new(plan.connections));
    let grace_end = end + END_GRACE.min(plan.timeout);
    let mut set = JoinSet::new();
    let mut pacing = Pacing::default();
    let mut blocked_until = start;
    for i in 0..plan.max_requests {
        let scheduled = start + Duration::from_secs_f64(i as f64 / rate);
        if scheduled >= end {
            break;
        }
        tokio::select! {
            () = token.cancelled() => break,
            () = sleep_until(scheduled) => {}
        }
        // After waiting for a connection the backlog goes out at once: that delay is the
        // server's, so lateness counts from the end of the wait.
        let lateness = Instant::now().saturating_duration_since(scheduled.max(blocked_until));
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => {
                if lateness > LATE {
                    pacing.late += 1;
                }
                pacing.max_lateness = pacing.max_lateness.max(lateness);
                p
            }
            Err(_) => {
                pacing.waited += 1;
                tokio::select! {
                    () = token.cancelled() => break,
                    () = sleep_until(end) => break,
                    p = permits.clone().acquire_owned() => match p {
                        Ok(p) => {
                            blocked_until = Instant::now();
                            p
                        }
                        Err(_) => break,
                    },
                }
            }
        };
        shared.sent.fetch_add(1, Ordering::Relaxed);
        let route = usize::try_from(i).unwrap_or(0) % shared.routes.len();
        let task_shared = shared.clone();
        let task_token = token.clone();
        set.spawn(async move {
            let _permit = permit;
            // At most N tasks run at once, so at most N connections are open.
            let mut conns = task_shared.net.as_ref().and_then(|_| {
                task_shared
                    .idle
                    .lock()
                    .ok()
                    .and_then(|mut idle| idle.pop())
                    .or_else(|| task_shared.conns())
            });
            let sent = Instant::now();
            let (error, bytes) = tokio::select! {
                () = task_token.cancelled() => return,
                // Still unanswered at the end of the run (and its grace): a timeout.
                () = sleep_until(grace_end) => {
                    let s = unanswered(scheduled, sent);
                    task_shared.record(usize::try_from(i).unwrap_or(0), route, &s);
                    return;
                }
                r = task_shared.exchange(conns.as_mut(), route) => r,
            };
            let done = Instant::now();
            if let Some(c) = conns
                && let Ok(mut idle) = task_shared.idle.lock()
            {
                idle.push(c);
            }
            task_shared.record(
                usize::try_from(i).unwrap_or(0),
                route,
                &Sample {
                    corrected: done - scheduled,
                    raw: done - sent,
                    error,
                    bytes,
                },
            );
        });
        // Finished tasks are reaped as we go, so the set holds at most N.
        while set.try_join_next().is_some() {}
    }
    tokio::select! {
        () = token.cancelled() => set.abort_all(),
        () = async { while set.join_next().await.is_some() {} } => {}
    }
    pacing
}
