//! The lab's SMTP receiver: a small mail server on loopback that a real SMTP client talks
//! to as it would to a provider's submission port. It greets, answers EHLO, upgrades with
//! STARTTLS under a lab CA certificate, accepts AUTH PLAIN and AUTH LOGIN for one account,
//! and takes MAIL / RCPT / DATA, keeping each message with the time it arrived. It refuses
//! what a provider refuses (AUTH before TLS, mail before AUTH, a wrong password), so a
//! broken route fails here as it would in production.
//!
//! Written here rather than taken from a crate: the embeddable SMTP servers bring a rustls
//! of their own or their own threads, and the lab needs only this dialogue, on tokio, with
//! the lab's certificate. Every read is bounded in size and time, since anything on the
//! machine may connect.

use base64::Engine;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// Longest command line read (RFC 5321 allows 512; AUTH lines run longer).
const MAX_LINE: usize = 4096;
/// Largest message kept.
const MAX_MESSAGE: usize = 256 * 1024;
/// Most time a client may stay silent.
const IDLE: Duration = Duration::from_secs(10);
/// Messages kept; older ones are dropped.
const KEEP: usize = 1000;

/// One message the receiver accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The account that authenticated.
    pub user: String,
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent (dot-unstuffed).
    pub data: String,
    /// When the final `.` of DATA arrived.
    pub at: Instant,
}

impl Received {
    /// The value of header `name` (first occurrence, unfolded only as far as one line).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.data
            .lines()
            .take_while(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
    }
}

/// The one account the receiver accepts.
#[derive(Debug, Clone)]
pub struct Account {
    pub user: String,
    pub password: String,
}

/// What the receiver got, shared with readers that outlive a borrow of it.
#[derive(Clone)]
pub struct Shared(Arc<Mutex<Vec<Received>>>);

impl Shared {
    pub fn snapshot(&self) -> Vec<Received> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A running receiver.
pub struct SmtpReceiver {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
    stop: CancellationToken,
}

struct Server {
    acceptor: tokio_rustls::TlsAcceptor,
    account: Account,
    received: Arc<Mutex<Vec<Received>>>,
    refusing: Arc<AtomicBool>,
    name: String,
}

impl SmtpReceiver {
    /// Starts on a free loopback port, presenting `key` (a certificate for `name`) on
    /// STARTTLS and accepting `account`.
    pub async fn start(
        name: &str,
        key: Arc<rustls::sign::CertifiedKey>,
        account: Account,
    ) -> Result<SmtpReceiver, crate::LabError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(crate::LabError::TlsConfig)?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(crate::web::server::SniCerts(
                std::collections::HashMap::from([(name.to_ascii_lowercase(), key)]),
            )));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(crate::LabError::Listen)?;
        let addr = listener.local_addr().map_err(crate::LabError::Socket)?;
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let refusing = Arc::new(AtomicBool::new(false));
        let stop = CancellationToken::new();
        let shared = Arc::new(Server {
            acceptor: tokio_rustls::TlsAcceptor::from(Arc::new(config)),
            account,
            received: received.clone(),
            refusing: refusing.clone(),
            name: name.to_string(),
        });
        let c = stop.clone();
        tokio::spawn(async move {
            loop {
                let (stream, _) = tokio::select! {
                    () = c.cancelled() => return,
                    a = listener.accept() => match a { Ok(x) => x, Err(_) => continue },
                };
                let shared = shared.clone();
                let c = c.clone();
                tokio::spawn(async move {
                    tokio::select! {
                        () = c.cancelled() => {}
                        () = serve(stream, shared) => {}
                    }
                });
            }
        });
        Ok(SmtpReceiver {
            addr,
            received,
            refusing,
            stop,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle on what arrives, for readers elsewhere.
    pub fn shared(&self) -> Shared {
        Shared(self.received.clone())
    }

    /// Every message accepted so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// From now on, answer every message with a temporary failure (451) instead of taking
    /// it: a mail route that is down.
    pub fn refuse(&self, refusing: bool) {
        self.refusing.store(refusing, Ordering::Relaxed);
    }

    pub fn stop(&self) {
        self.stop.cancel();
    }
}

impl Drop for SmtpReceiver {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// What one connection's dialogue ended with.
enum End<S> {
    /// The client asked for STARTTLS: continue on this stream, encrypted.
    StartTls(S),
    Closed,
}

async fn serve(stream: tokio::net::TcpStream, shared: Arc<Server>) {
    let mut reader = BufReader::new(stream);
    let greeting = format!("220 {} ESMTP launch-ready lab\r\n", shared.name);
    if write(&mut reader, &greeting).await.is_err() {
        return;
    }
    let End::StartTls(reader) = dialogue(reader, &shared, false).await else {
        return;
    };
    // Whatever the client pipelined after STARTTLS is dropped, as RFC 3207 asks.
    let Ok(tls) = tokio::time::timeout(IDLE, shared.acceptor.accept(reader.into_inner())).await
    else {
        return;
    };
    let Ok(tls) = tls else { return };
    let _ = dialogue(BufReader::new(tls), &shared, true).await;
}

async fn write<S: AsyncRead + AsyncWrite + Unpin>(
    s: &mut BufReader<S>,
    text: &str,
) -> std::io::Result<()> {
    let inner = s.get_mut();
    tokio::time::timeout(IDLE, inner.write_all(text.as_bytes()))
        .await
        .map_err(|_| std::io::ErrorKind::TimedOut)??;
    inner.flush().await
}

/// One line without its CRLF; `None` at the end, on a line too long or after the idle time.
async fn line<S: AsyncRead + Unpin>(s: &mut BufReader<S>) -> Option<String> {
    let mut buf = Vec::new();
    let mut limited = (&mut *s).take(MAX_LINE as u64);
    let n = tokio::time::timeout(IDLE, limited.read_until(b'\n', &mut buf))
        .await
        .ok()?
        .ok()?;
    if n == 0 || !buf.ends_with(b"\n") {
        return None;
    }
    let text = String::from_utf8_lossy(&buf);
    Some(text.trim_end_matches(['\r', '\n']).to_string())
}

fn keep(received: &Mutex<Vec<Received>>, message: Received) {
    let mut all = received.lock().unwrap_or_else(PoisonError::into_inner);
    if all.len() == KEEP {
        all.remove(0);
    }
    all.push(message);
}

fn b64(text: &str) -> Option<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()
}

/// The mailbox of `MAIL FROM:<a@b> …` / `RCPT TO:<a@b>`.
fn mailbox(arg: &str) -> String {
    let arg = arg.trim();
    match (arg.find('<'), arg.find('>')) {
        (Some(a), Some(b)) if a < b => arg[a + 1..b].to_string(),
        _ => arg
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

async fn dialogue<S: AsyncRead + AsyncWrite + Unpin + Send>(
    mut s: BufReader<S>,
    shared: &Server,
    secure: bool,
) -> End<BufReader<S>> {
    let mut user: Option<String> = None;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    macro_rules! say {
        ($($t:tt)*) => {
            if write(&mut s, &format!($($t)*)).await.is_err() {
                return End::Closed;
            }
        };
    }
    loop {
        let Some(cmd) = line(&mut s).await else {
            return End::Closed;
        };
        let (verb, arg) = cmd.split_once(' ').unwrap_or((cmd.as_str(), ""));
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" => {
                from = None;
                to.clear();
                if secure {
                    say!(
                        "250-{}\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE {MAX_MESSAGE}\r\n",
                        shared.name
                    );
                } else {
                    say!("250-{}\r\n250-STARTTLS\r\n250 8BITMIME\r\n", shared.name);
                }
            }
            "STARTTLS" if !secure => {
                say!("220 2.0.0 ready to start TLS\r\n");
                return End::StartTls(s);
            }
            "AUTH" if !secure => say!("530 5.7.0 must issue a STARTTLS command first\r\n"),
            "AUTH" if user.is_some() => say!("503 5.5.1 already authenticated\r\n"),
            "AUTH" => {
                let mut parts = arg.split_whitespace();
                let mech = parts.next().unwrap_or_default().to_ascii_uppercase();
                let initial = parts.next().map(str::to_string);
                let creds = match mech.as_str() {
                    "PLAIN" => {
                        let text = match initial {
                            Some(t) => t,
                            None => {
                                say!("334 \r\n");
                                let Some(t) = line(&mut s).await else {
                                    return End::Closed;
                                };
                                t
                            }
                        };
                        b64(&text).and_then(|raw| {
                            let mut f = raw.split(|b| *b == 0).skip(1);
                            let u = String::from_utf8(f.next()?.to_vec()).ok()?;
                            let p = String::from_utf8(f.next()?.to_vec()).ok()?;
                            Some((u, p))
                        })
                    }
                    "LOGIN" => {
                        let u = match initial {
                            Some(t) => t,
                            None => {
                                say!("334 VXNlcm5hbWU6\r\n");
                                let Some(t) = line(&mut s).await else {
                                    return End::Closed;
                                };
                                t
                            }
                        };
                        say!("334 UGFzc3dvcmQ6\r\n");
                        let Some(p) = line(&mut s).await else {
                            return End::Closed;
                        };
                        b64(&u).zip(b64(&p)).and_then(|(u, p)| {
                            Some((String::from_utf8(u).ok()?, String::from_utf8(p).ok()?))
                        })
                    }
                    _ => {
                        say!("504 5.5.4 unrecognized authentication type\r\n");
                        continue;
                    }
                };
                match creds {
                    Some((u, p)) if u == shared.account.user && p == shared.account.password => {
                        user = Some(u);
                        say!("235 2.7.0 authentication successful\r\n");
                    }
                    _ => say!("535 5.7.8 authentication credentials invalid\r\n"),
                }
            }
            "MAIL" if user.is_none() => say!("530 5.7.0 authentication required\r\n"),
            "MAIL" => {
                from = Some(mailbox(arg.split_once(':').map_or("", |(_, a)| a)));
                to.clear();
                say!("250 2.1.0 ok\r\n");
            }
            "RCPT" if from.is_none() => say!("503 5.5.1 need MAIL first\r\n"),
            "RCPT" => {
                to.push(mailbox(arg.split_once(':').map_or("", |(_, a)| a)));
                say!("250 2.1.5 ok\r\n");
            }
            "DATA" if to.is_empty() => say!("503 5.5.1 need RCPT first\r\n"),
            "DATA" => {
                say!("354 end data with <CR><LF>.<CR><LF>\r\n");
                let mut data = String::new();
                loop {
                    let Some(l) = line(&mut s).await else {
                        return End::Closed;
                    };
                    if l == "." {
                        break;
                    }
                    if data.len() < MAX_MESSAGE {
                        data.push_str(l.strip_prefix('.').unwrap_or(&l));
                        data.push_str("\r\n");
                    }
                }
                if shared.refusing.load(Ordering::Relaxed) {
                    say!("451 4.3.0 mail server temporarily unavailable\r\n");
                } else {
                    let message = Received {
                        user: user.clone().unwrap_or_default(),
                        from: from.take().unwrap_or_default(),
                        to: std::mem::take(&mut to),
                        data,
                        at: Instant::now(),
                    };
                    keep(&shared.received, message);
                    say!("250 2.0.0 queued\r\n");
                }
                from = None;
                to.clear();
            }
            "RSET" => {
                from = None;
                to.clear();
                say!("250 2.0.0 ok\r\n");
            }
            "NOOP" => say!("250 2.0.0 ok\r\n"),
            "QUIT" => {
                say!("221 2.0.0 bye\r\n");
                return End::Closed;
            }
            _ => say!("502 5.5.2 command not recognized\r\n"),
        }
    }
}
