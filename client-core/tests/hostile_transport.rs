//! Slow and hostile peers at the transport (issue 11 items 9 and 10):
//! requests never starve behind watches, and every body read is bounded.
//! Every test runs under a hard timeout; traffic goes to loopback only.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::{Config, CreateOptions, Error, ListOptions, ObjectMeta, RestClient, TypedClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::timeout;

const LIMIT: Duration = Duration::from_secs(60);

/// How a raw server answers every request.
#[derive(Clone, Copy)]
enum Endless {
    /// A chunked body that never ends, as fast as the client reads it.
    Body { status: u16 },
    /// A head, then one small chunk every 50 ms, forever.
    Trickle,
    /// A `Content-Length` of 1 GiB, then nothing.
    Declared,
    /// A list whose first item is a string that never ends (chunked).
    OpenItem,
}

/// A raw HTTP/1.1 server on loopback; returns its URL.
async fn endless_server(kind: Endless) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(answer(stream, kind));
        }
    });
    format!("http://{addr}")
}

async fn answer(mut stream: TcpStream, kind: Endless) {
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let (status, framing) = match kind {
        Endless::Body { status } => (status, "transfer-encoding: chunked"),
        Endless::Trickle => (200, "transfer-encoding: chunked"),
        Endless::Declared => (200, "content-length: 1073741824"),
        Endless::OpenItem => (200, "transfer-encoding: chunked"),
    };
    let head =
        format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    if matches!(kind, Endless::OpenItem)
        && stream
            .write_all(b"1b\r\n{\"kind\":\"L\",\"items\":[{\"a\":\"\r\n")
            .await
            .is_err()
    {
        return;
    }
    let filler = if matches!(kind, Endless::OpenItem) {
        b'x'
    } else {
        b' '
    };
    let chunk = {
        let data = vec![filler; 64 * 1024];
        let mut c = format!("{:x}\r\n", data.len()).into_bytes();
        c.extend_from_slice(&data);
        c.extend_from_slice(b"\r\n");
        c
    };
    loop {
        let written = match kind {
            Endless::Body { .. } | Endless::OpenItem => stream.write_all(&chunk).await,
            Endless::Trickle => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                stream.write_all(b"1\r\n \r\n").await
            }
            Endless::Declared => {
                tokio::time::sleep(Duration::from_secs(60)).await;
                return;
            }
        };
        if written.is_err() {
            return;
        }
    }
}

fn client(url: &str, edit: impl FnOnce(&mut Config)) -> RestClient {
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    config.max_retries = 0;
    edit(&mut config);
    RestClient::new(config).unwrap()
}

async fn get(client: &RestClient) -> Result<serde_json::Value, Error> {
    timeout(LIMIT, client.get().abs_path("/api/v1/configmaps").send())
        .await
        .expect("the read never ended")
}

/// Item 10: an endless success body stops at the configured limit with a
/// typed error naming it.
#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    let url = endless_server(Endless::Body { status: 200 }).await;
    let c = client(&url, |c| c.max_response_bytes = 1024 * 1024);
    match get(&c).await {
        Err(Error::ResponseTooLarge { limit, target }) => {
            assert_eq!(limit, 1024 * 1024);
            assert_eq!(target.path, "/api/v1/configmaps");
        }
        other => panic!("{other:?}"),
    }
    let e = get(&c).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        "GET /api/v1/configmaps: the response body is larger than the limit of 1048576 bytes"
    );
    // A declared length over the limit fails before any of it is read.
    let url = endless_server(Endless::Declared).await;
    let c = client(&url, |c| c.max_response_bytes = 1024 * 1024);
    assert!(matches!(get(&c).await, Err(Error::ResponseTooLarge { .. })));
}

/// Item 10: an error answer with an endless body is read only up to a
/// small cap: the error comes back, its text short.
#[tokio::test]
async fn an_endless_error_body_is_capped_small() {
    let url = endless_server(Endless::Body { status: 500 }).await;
    let c = client(&url, |_| {});
    match get(&c).await {
        Err(Error::Http { code, body, .. }) => {
            assert_eq!(code, 500);
            assert!(body.len() <= 512, "{}", body.len());
        }
        other => panic!("{other:?}"),
    }
}

/// Item 10: a body that trickles past the config's timeout is a timeout,
/// not "cannot read the response body".
#[tokio::test]
async fn a_body_read_that_runs_into_the_timeout_is_a_timeout() {
    let url = endless_server(Endless::Trickle).await;
    let c = client(&url, |c| c.timeout = Some(Duration::from_millis(300)));
    match get(&c).await {
        Err(Error::Timeout { after, .. }) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
}

async fn list(client: &RestClient) -> Result<client_core::List<ConfigMap>, Error> {
    let configmaps = TypedClient::<ConfigMap>::namespaced(client.clone(), "a");
    timeout(LIMIT, configmaps.list(&ListOptions::default()))
        .await
        .expect("the list never ended")
}

/// Issue 17: a list decodes as its body arrives, and the limit still holds:
/// an endless body (whitespace, or one item that never ends), a declared
/// length over the limit, a trickle past the timeout, an endless error body.
#[tokio::test]
async fn an_endless_list_stops_at_the_limit() {
    for kind in [Endless::Body { status: 200 }, Endless::OpenItem] {
        let url = endless_server(kind).await;
        let c = client(&url, |c| c.max_response_bytes = 1024 * 1024);
        match list(&c).await {
            Err(Error::ResponseTooLarge { limit, target }) => {
                assert_eq!(limit, 1024 * 1024);
                assert_eq!(target.path, "/api/v1/namespaces/a/configmaps");
            }
            other => panic!("{other:?}"),
        }
    }
    let url = endless_server(Endless::Declared).await;
    let c = client(&url, |c| c.max_response_bytes = 1024 * 1024);
    assert!(matches!(
        list(&c).await,
        Err(Error::ResponseTooLarge { .. })
    ));
    let url = endless_server(Endless::Trickle).await;
    let c = client(&url, |c| c.timeout = Some(Duration::from_millis(300)));
    match list(&c).await {
        Err(Error::Timeout { after, .. }) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    let url = endless_server(Endless::Body { status: 500 }).await;
    match list(&client(&url, |_| {})).await {
        Err(Error::Http {
            code: 500, body, ..
        }) => assert!(body.len() <= 512),
        other => panic!("{other:?}"),
    }
}

/// Issue 17: a list whose body breaks off is an error, and the next list
/// on the same client starts clean (a server that cuts its first answer).
#[tokio::test]
async fn a_list_after_a_broken_list_starts_clean() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let body = r#"{"kind":"ConfigMapList","metadata":{"resourceVersion":"8"},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}]}"#;
    tokio::spawn(async move {
        let mut served = 0;
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            // The first answer stops in the middle of the second item.
            let sent = if served == 0 { &body[..90] } else { body };
            served += 1;
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{sent}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    let c = client(&url, |_| {});
    let broken = list(&c).await.unwrap_err();
    assert!(
        matches!(broken, Error::Transport { .. } | Error::Decode { .. }),
        "{broken:?}"
    );
    let whole = list(&c).await.unwrap();
    let names: Vec<_> = whole
        .items
        .iter()
        .map(|cm| cm.metadata.name.clone())
        .collect();
    assert_eq!(names, [Some("a".to_owned()), Some("b".to_owned())]);
    assert_eq!(whole.metadata.resource_version.as_deref(), Some("8"));
}

fn configmap(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        ..ConfigMap::default()
    }
}

/// Opens `watches` watches and then sends `calls` creates on one client
/// over HTTPS (HTTP/2); returns how long the creates took once every
/// watch was open.
async fn watches_then_calls(watches: usize, calls: usize) -> Duration {
    let server = client_testserver::TestServer::start().await.unwrap();
    let client = server.rest_client().unwrap();
    let cms = TypedClient::<ConfigMap>::namespaced(client, "default");
    let mut open = Vec::with_capacity(watches);
    for _ in 0..watches {
        open.push(
            timeout(LIMIT, cms.watch(&ListOptions::default()))
                .await
                .expect("a watch never opened")
                .unwrap(),
        );
    }
    let started = std::time::Instant::now();
    let creates =
        (0..calls).map(|i| cms.create(&configmap(&format!("cm{i}")), &CreateOptions::default()));
    let done = timeout(LIMIT, futures_util::future::join_all(creates))
        .await
        .expect("requests starved behind the watches");
    let took = started.elapsed();
    assert!(
        done.iter().all(Result::is_ok),
        "{:?}",
        done.iter().find(|r| r.is_err())
    );
    drop(open);
    took
}

/// Item 9: more watches than one HTTP/2 connection has streams (hyper's
/// 200) on one client, and ordinary requests still complete.
#[tokio::test]
async fn requests_do_not_starve_behind_many_watches() {
    watches_then_calls(250, 20).await;
}

/// Item 9, the figure: 1,000 watches plus 100 requests on one client. Run
/// by hand: `cargo test -p client-core --test hostile_transport --
/// --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn thousand_watches_and_hundred_requests() {
    let started = std::time::Instant::now();
    let calls = watches_then_calls(1000, 100).await;
    println!(
        "1000 watches + 100 requests: all complete; requests took {calls:?}, whole run {:?}",
        started.elapsed()
    );
}

/// The peak resident memory of this process, from `/proc/self/status`.
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        / 1024
}

/// Item 10, the figure: peak client RSS reading an endless body with the
/// default limit (the read is also cut by a 20 s timeout). Run by hand:
/// `cargo test -p client-core --test hostile_transport -- --ignored
/// --nocapture endless_body_rss`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn endless_body_rss() {
    let url = endless_server(Endless::Body { status: 200 }).await;
    let c = client(&url, |c| c.timeout = Some(Duration::from_secs(20)));
    let before = peak_rss_mib();
    let r = get(&c).await;
    println!(
        "endless body: peak RSS {before} MiB before the read, {} MiB after; result {:?}",
        peak_rss_mib(),
        r.map(|_| ()).map_err(|e| e.to_string())
    );
}
