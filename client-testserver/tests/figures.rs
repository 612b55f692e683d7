//! Measurements for issue 11, run by hand (`--ignored --nocapture`): they
//! print figures and assert only that the server kept answering.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use client_testserver::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One HTTP/1.1 request on a new connection; the status code.
async fn request(s: &TestServer, method: &str, path: &str, ctype: &str, body: &[u8]) -> u16 {
    let mut c = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).await.unwrap();
    c.write_all(body).await.unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(120), c.read_to_end(&mut out))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&out[9..12]).parse().unwrap_or(0)
}

fn rss_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        / 1024
}

/// Item 1: process RSS (the server runs in it) after the copy-patch
/// attack: a 1 MiB ConfigMap, then 5 patches of 100 copies each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn rss_after_copy_patch_attack() {
    let s = TestServer::builder()
        .plain_http()
        .token("t")
        .start()
        .await
        .unwrap();
    let cms = "/api/v1/namespaces/default/configmaps";
    let big = "x".repeat(1024 * 1024);
    let cm = format!(r#"{{"metadata":{{"name":"big"}},"data":{{"big":"{big}"}}}}"#);
    assert_eq!(
        request(&s, "POST", cms, "application/json", cm.as_bytes()).await,
        201
    );
    let before = rss_mib("VmRSS:");
    let mut codes = Vec::new();
    for round in 0..5 {
        let ops: Vec<String> = (0..100)
            .map(|i| format!(r#"{{"op":"copy","from":"/data/big","path":"/data/c{round}x{i}"}}"#))
            .collect();
        let patch = format!("[{}]", ops.join(","));
        codes.push(
            request(
                &s,
                "PATCH",
                &format!("{cms}/big"),
                "application/json-patch+json",
                patch.as_bytes(),
            )
            .await,
        );
    }
    println!(
        "copy-patch attack: answers {codes:?}; RSS {before} MiB before, {} MiB after (peak {} MiB)",
        rss_mib("VmRSS:"),
        rss_mib("VmHWM:")
    );
    assert_eq!(request(&s, "GET", "/healthz", "text/plain", b"").await, 200);
}
