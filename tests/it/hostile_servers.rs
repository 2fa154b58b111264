//! Checks against servers that misbehave on purpose, started here on loopback: silent,
//! trickling, endlessly redirecting, sending a huge body, sending escape sequences. Every
//! check must end within its timeout plus a margin, with a clear outcome.

use launch_ready_checks::http::{
    HttpLimits, check_availability, check_headers, check_redirects, lab_client,
};
use launch_ready_checks::judged::codes;
use launch_ready_checks::tls::{TlsPolicy, TlsTarget, check_tls_certificate, check_tls_protocols};
use launch_ready_core::finding::CheckStatus;
use launch_ready_core::sanitize::sanitize;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT: Duration = Duration::from_secs(2);
/// Generous: the bound is about hanging forever, not about precise timing.
const BOUND: Duration = Duration::from_secs(6);

/// Starts a server that runs `behave` on each accepted connection.
async fn server<F, Fut>(behave: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let behave = std::sync::Arc::new(behave);
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(behave(s));
        }
    });
    addr
}

/// Reads a request head and returns its path.
async fn read_path(s: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut b = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut b).await {
            Ok(n) if n > 0 => buf.extend_from_slice(&b[..n]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    head.split_whitespace().nth(1).unwrap_or("/").to_string()
}

fn client(host: &str, addr: SocketAddr) -> reqwest::Client {
    lab_client(&[(host, addr)], &[], TIMEOUT).unwrap()
}

fn limits() -> HttpLimits {
    HttpLimits {
        timeout: TIMEOUT,
        ..HttpLimits::default()
    }
}

async fn silent() -> SocketAddr {
    server(|s| async move {
        let _keep = s;
        tokio::time::sleep(Duration::from_secs(120)).await;
    })
    .await
}

#[tokio::test]
async fn silent_server_times_out_http_and_tls() {
    let addr = silent().await;
    let t0 = Instant::now();
    let o = check_availability(
        &client("silent.test", addr),
        "http://silent.test/",
        &limits(),
    )
    .await;
    assert_eq!(codes(&o), ["http.timeout"]);
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());

    let t0 = Instant::now();
    let target = TlsTarget {
        host: "silent.test".into(),
        addr,
        timeout: TIMEOUT,
    };
    let o = check_tls_certificate(&target, &TlsPolicy::new(vec![])).await;
    assert_eq!(codes(&o), ["tls.unreachable"]);
    assert!(o.summary.contains("within"), "{}", o.summary);
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());

    let t0 = Instant::now();
    let o = check_tls_protocols(&target).await;
    // Both old versions are offered at once: one timeout, not one per version.
    assert_eq!(o.status, CheckStatus::Skipped);
    assert_eq!(o.explained_by.as_deref(), Some("tls.unreachable"));
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());

    let t0 = Instant::now();
    let o = check_redirects(&client("silent.test", addr), &["silent.test"], &limits()).await;
    assert_eq!(o.status, CheckStatus::Skipped);
    assert_eq!(o.explained_by.as_deref(), Some("http.timeout"));
    assert!(o.summary.contains("no entry URL answered"), "{}", o.summary);
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());
}

#[tokio::test]
async fn trickling_server_times_out() {
    let addr = server(|mut s| async move {
        let _ = read_path(&mut s).await;
        for b in b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello" {
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    let t0 = Instant::now();
    let o = check_availability(
        &client("trickle.test", addr),
        "http://trickle.test/",
        &limits(),
    )
    .await;
    assert_eq!(codes(&o), ["http.timeout"]);
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());
}

#[tokio::test]
async fn endless_redirects_are_a_loop() {
    let addr = server(|mut s| async move {
        let path = read_path(&mut s).await;
        let n: u64 = path.trim_start_matches("/r/").parse().unwrap_or(0);
        let reply = format!(
            "HTTP/1.1 302 Found\r\nlocation: /r/{}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
            n + 1
        );
        let _ = s.write_all(reply.as_bytes()).await;
    })
    .await;
    let t0 = Instant::now();
    let o = check_redirects(&client("endless.test", addr), &["endless.test"], &limits()).await;
    assert_eq!(codes(&o), ["http.redirect_loop"], "{o:#?}");
    let hops = o.findings[0].evidence["hops"].as_array().unwrap();
    assert_eq!(
        hops.len(),
        11,
        "ten redirects followed, the eleventh refused"
    );
    assert!(o.findings[0].message.contains("after 10 hops"));
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());

    let o = check_headers(
        &client("endless.test", addr),
        "http://endless.test/",
        &limits(),
    )
    .await;
    // The page never arrives: the headers are not judged, and the loop is the finding of
    // `http.availability` and `http.redirects`, which this skip points at.
    assert_eq!(o.status, CheckStatus::Skipped);
    assert_eq!(o.explained_by.as_deref(), Some("http.redirect_loop"));
    assert!(
        o.summary.contains("more than 10 redirects"),
        "{}",
        o.summary
    );
}

#[tokio::test]
async fn huge_body_is_capped_and_noted() {
    let addr = server(|mut s| async move {
        let _ = read_path(&mut s).await;
        let head =
            "HTTP/1.1 200 OK\r\ncontent-length: 1073741824\r\ncontent-type: text/html\r\n\r\n";
        if s.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..(1024 * 1024 * 1024 / chunk.len()) {
            if s.write_all(&chunk).await.is_err() {
                return;
            }
        }
    })
    .await;
    let cap = 256 * 1024;
    let l = HttpLimits {
        timeout: TIMEOUT,
        max_body: cap,
        memo: None,
        ..HttpLimits::default()
    };
    let t0 = Instant::now();
    let o = check_availability(&client("huge.test", addr), "http://huge.test/", &l).await;
    assert!(o.findings.is_empty(), "{o:#?}");
    assert_eq!(o.evidence.to_json()["body_truncated"], true);
    assert_eq!(o.evidence.to_json()["body_bytes_read"], cap);
    assert!(t0.elapsed() < BOUND, "{:?}", t0.elapsed());
}

#[tokio::test]
async fn escape_sequences_in_a_header_never_reach_the_screen() {
    let addr = server(|mut s| async move {
        let _ = read_path(&mut s).await;
        let reply = "HTTP/1.1 500 Oops\r\nx-note: \u{1b}]0;pwned\u{7}hello\u{1b}[2J\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let _ = s.write_all(reply.as_bytes()).await;
    })
    .await;
    let o = check_availability(
        &client("escape.test", addr),
        "http://escape.test/",
        &limits(),
    )
    .await;
    // The HTTP client refuses control characters in header values, so the check reports
    // the server as broken rather than passing the sequence on; either way what is shown
    // and exported is free of escapes.
    assert!(!o.findings.is_empty(), "{o:#?}");
    let all = format!("{} {}", o.summary, serde_json::to_string(&o).unwrap());
    let shown = sanitize(&all);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
}
