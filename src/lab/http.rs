//! The lab's plain-HTTP listener. It answers by `Host` header so one loopback port serves
//! every lab host (connect-to sends each host's port 80 here): staging answers openly,
//! `preview` asks for credentials, `admin` redirects to a login page, others serve a page.
//!
//! A few dozen lines of tokio instead of a server framework: the lab only has to answer a
//! GET well enough to be judged, and bounded reads keep a stuck client from holding it.

use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const MAX_HEAD: usize = 16 * 1024;

/// Starts the listener on `127.0.0.1` (any free port); it stops when `cancel` fires.
pub async fn start(cancel: CancellationToken) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                () = cancel.cancelled() => break,
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        let conn_cancel = cancel.clone();
                        tokio::spawn(async move {
                            tokio::select! {
                                () = conn_cancel.cancelled() => {}
                                _ = tokio::time::timeout(Duration::from_secs(10), serve(stream)) => {}
                            }
                        });
                    }
                }
            }
        }
    });
    Ok((addr, task))
}

async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let host = text
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("host").then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    let host = host
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let path = text.split_whitespace().nth(1).unwrap_or("/").to_string();
    let response = respond(&host, &path);
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

fn respond(host: &str, path: &str) -> String {
    let first = host.split('.').next().unwrap_or_default();
    let (status, extra, body) = match first {
        "preview" => (
            "401 Unauthorized",
            "WWW-Authenticate: Basic realm=\"preview\"\r\n".to_string(),
            "login required\n".to_string(),
        ),
        "admin" if path != "/login" => (
            "302 Found",
            format!("Location: http://{host}/login\r\n"),
            String::new(),
        ),
        _ => (
            "200 OK",
            String::new(),
            format!("<!doctype html><title>{host}</title><p>Welcome to {host}</p>\n"),
        ),
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
}
