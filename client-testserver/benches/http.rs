//! Throughput of the HTTP stack (get, list, create, watch fan-out), start-up
//! time, and resident memory for 100k stored objects of about 1 KB each.
//!
//! `cargo bench -p client-testserver`. The memory figure comes from a child
//! process (this binary re-run with `CLIENT_TESTSERVER_RSS_CHILD=1`) so
//! that nothing else inflates its VmRSS.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use client_testserver::TestServer;
use divan::Bencher;
use divan::counter::ItemsCount;
use futures_util::future::join_all;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::runtime::Runtime;
use tokio::sync::Mutex;

const IN_FLIGHT: usize = 64;
const WATCHERS: usize = 100;

struct Env {
    rt: Runtime,
    _server: TestServer,
    conns: Mutex<Vec<SendRequest<Full<Bytes>>>>,
    seq: AtomicU64,
    watch_seen: Arc<AtomicU64>,
    watch_notify: Arc<tokio::sync::Notify>,
}

async fn connect(addr: std::net::SocketAddr) -> SendRequest<Full<Bytes>> {
    let s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(s))
        .await
        .unwrap();
    tokio::spawn(conn);
    sender
}

fn request(method: &str, path: &str, body: Option<String>) -> http::Request<Full<Bytes>> {
    let mut b = http::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "localhost");
    if body.is_some() {
        b = b.header("content-type", "application/json");
    }
    b.body(Full::new(Bytes::from(body.unwrap_or_default())))
        .unwrap()
}

async fn send(c: &mut SendRequest<Full<Bytes>>, req: http::Request<Full<Bytes>>) -> (u16, Bytes) {
    c.ready().await.unwrap();
    let r = c.send_request(req).await.unwrap();
    let status = r.status().as_u16();
    (status, r.into_body().collect().await.unwrap().to_bytes())
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (server, conns, seen, notify) = rt.block_on(async {
            let server = TestServer::builder().plain_http().no_auth().start().await.unwrap();
            let st = server.store();
            st.insert("v1", "namespaces", json!({"metadata": {"name": "bench"}})).unwrap();
            for i in 0..100 {
                st.insert(
                    "v1",
                    "configmaps",
                    json!({"metadata": {"name": format!("cm-{i}"), "namespace": "bench", "labels": {"app": "bench"}}, "data": {"payload": "x".repeat(900)}}),
                )
                .unwrap();
            }
            let mut conns = Vec::new();
            for _ in 0..IN_FLIGHT {
                conns.push(connect(server.addr()).await);
            }
            // Watchers on a namespace that only the watch benchmark writes to.
            st.insert("v1", "namespaces", json!({"metadata": {"name": "watched"}})).unwrap();
            let seen = Arc::new(AtomicU64::new(0));
            let notify = Arc::new(tokio::sync::Notify::new());
            for _ in 0..WATCHERS {
                let mut c = connect(server.addr()).await;
                let r = c
                    .send_request(request("GET", "/api/v1/namespaces/watched/configmaps?watch=true", None))
                    .await
                    .unwrap();
                let mut body = r.into_body();
                let (seen, notify) = (seen.clone(), notify.clone());
                tokio::spawn(async move {
                    let _keep = c;
                    while let Some(Ok(frame)) = body.frame().await {
                        if let Some(d) = frame.data_ref() {
                            let n = d.iter().filter(|b| **b == b'\n').count() as u64;
                            seen.fetch_add(n, Ordering::SeqCst);
                            notify.notify_one();
                        }
                    }
                });
            }
            (server, conns, seen, notify)
        });
        Env {
            rt,
            _server: server,
            conns: Mutex::new(conns),
            seq: AtomicU64::new(0),
            watch_seen: seen,
            watch_notify: notify,
        }
    })
}

/// 64 GETs in flight, one per keep-alive connection.
#[divan::bench(sample_count = 50)]
fn get_64_in_flight(b: Bencher<'_, '_>) {
    let e = env();
    b.counter(ItemsCount::new(IN_FLIGHT)).bench(|| {
        e.rt.block_on(async {
            let mut conns = e.conns.lock().await;
            let futs = conns.iter_mut().enumerate().map(|(i, c)| {
                send(
                    c,
                    request(
                        "GET",
                        &format!("/api/v1/namespaces/bench/configmaps/cm-{}", i % 100),
                        None,
                    ),
                )
            });
            for (s, _) in join_all(futs).await {
                assert_eq!(s, 200);
            }
        })
    });
}

/// A list of 100 objects of about 1 KB.
#[divan::bench(sample_count = 50)]
fn list_100(b: Bencher<'_, '_>) {
    let e = env();
    b.counter(ItemsCount::new(100usize)).bench(|| {
        e.rt.block_on(async {
            let mut conns = e.conns.lock().await;
            let (s, body) = send(
                &mut conns[0],
                request("GET", "/api/v1/namespaces/bench/configmaps", None),
            )
            .await;
            assert_eq!(s, 200);
            assert!(body.len() > 90_000);
        })
    });
}

/// 64 creates in flight.
#[divan::bench(sample_count = 50)]
fn create_64_in_flight(b: Bencher<'_, '_>) {
    let e = env();
    b.counter(ItemsCount::new(IN_FLIGHT)).bench(|| {
        e.rt.block_on(async {
            let mut conns = e.conns.lock().await;
            let futs = conns.iter_mut().map(|c| {
                let n = e.seq.fetch_add(1, Ordering::Relaxed);
                let body = json!({"metadata": {"name": format!("new-{n}")}, "data": {"payload": "y".repeat(900)}}).to_string();
                send(c, request("POST", "/api/v1/namespaces/bench/configmaps", Some(body)))
            });
            for (s, _) in join_all(futs).await {
                assert_eq!(s, 201);
            }
        })
    });
}

/// One write observed by 100 watchers.
#[divan::bench(sample_count = 50)]
fn watch_fan_out_100(b: Bencher<'_, '_>) {
    let e = env();
    b.counter(ItemsCount::new(WATCHERS)).bench(|| {
        e.rt.block_on(async {
            let before = e.watch_seen.load(Ordering::SeqCst);
            let n = e.seq.fetch_add(1, Ordering::Relaxed);
            let body = json!({"metadata": {"name": format!("w-{n}")}}).to_string();
            {
                let mut conns = e.conns.lock().await;
                let (s, _) = send(
                    &mut conns[0],
                    request("POST", "/api/v1/namespaces/watched/configmaps", Some(body)),
                )
                .await;
                assert_eq!(s, 201);
            }
            let want = before + WATCHERS as u64;
            while e.watch_seen.load(Ordering::SeqCst) < want {
                let _ = tokio::time::timeout(Duration::from_millis(50), e.watch_notify.notified())
                    .await;
            }
        })
    });
}

/// `TestServer::start()` with the defaults (HTTPS, generated ECDSA CA).
#[divan::bench(sample_count = 20)]
fn start_https(b: Bencher<'_, '_>) {
    let e = env();
    b.bench(|| {
        e.rt.block_on(async { drop(TestServer::start().await.unwrap()) })
    });
}

fn vm_rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

fn rss_child() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let server = TestServer::builder().plain_http().no_auth().start().await.unwrap();
        let st = server.store();
        let before = vm_rss_kib();
        let mut json_bytes = 0usize;
        for i in 0..100_000 {
            let v = st
                .insert(
                    "v1",
                    "configmaps",
                    json!({"metadata": {"name": format!("object-{i:06}"), "namespace": "default", "labels": {"app": "rss", "shard": (i % 16).to_string()}}, "data": {"payload": "z".repeat(800)}}),
                )
                .unwrap();
            json_bytes += serde_json::to_vec(&v).unwrap().len();
        }
        let after = vm_rss_kib();
        let delta = (after - before) * 1024;
        println!(
            "rss: 100000 objects, JSON {:.1} MiB, RSS growth {:.1} MiB, ratio {:.2} (VmRSS {before} kB -> {after} kB)",
            json_bytes as f64 / 1048576.0,
            delta as f64 / 1048576.0,
            delta as f64 / json_bytes as f64
        );
        drop(server);
    });
}

fn startup_figures() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        for (label, plain) in [("https", false), ("plain http", true)] {
            let mut times = Vec::new();
            for _ in 0..20 {
                let t = Instant::now();
                let b = TestServer::builder();
                let s = if plain {
                    b.plain_http().start().await
                } else {
                    b.start().await
                }
                .unwrap();
                times.push(t.elapsed());
                drop(s);
            }
            times.sort();
            println!(
                "startup ({label}, 20 runs): min {:.2} ms, median {:.2} ms, max {:.2} ms",
                times[0].as_secs_f64() * 1000.0,
                times[10].as_secs_f64() * 1000.0,
                times[19].as_secs_f64() * 1000.0
            );
        }
    });
}

fn main() {
    if std::env::var_os("CLIENT_TESTSERVER_RSS_CHILD").is_some() {
        rss_child();
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    // `cargo test --benches` runs the binary with --test: skip the figures.
    if !args.iter().any(|a| a == "--test") {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("CLIENT_TESTSERVER_RSS_CHILD", "1")
            .output()
            .unwrap();
        print!("{}", String::from_utf8_lossy(&out.stdout));
        startup_figures();
    }
    divan::main();
}
