//! One list of 20 000 ConfigMaps of about 1.2 KB: the client, which decodes
//! the items while the body streams in, against the raw floor, which reads
//! the whole body (hyper-util's pooled client, the buffer sized from
//! `Content-Length`) and then decodes it (`from_utf8` once, then
//! `serde_json::from_str` into the same `List<ConfigMap>`).
//!
//! A canned HTTP/1.1 server on loopback (its own thread and current-thread
//! runtime in the parent process) answers every GET with the same bytes,
//! so the server's share is one `write_all` and the same for both sides.
//!
//! Time: rounds alternate the order of the two sides, on one
//! current-thread runtime; printed as medians, min-max and the median of
//! the per-round ratios. Memory: `VmHWM` / `VmRSS` of a child process per
//! side (this binary re-run with `LIST_STREAM_CHILD=ours|floor` and the
//! server's URL), before the list, at its peak, with the list held, and
//! after it is dropped; the child holds a client and a current-thread
//! runtime only. (The workspace forbids `unsafe`, so no counting allocator.)
//!
//! Run: `cargo bench -p tests --bench list_stream`;
//! `LIST_STREAM_ROUNDS=N` (default 9), `LIST_STREAM_MEM_RUNS=N` (default 3).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::time::Instant;

use bytes::Bytes;
use client_core::api::ConfigMap;
use client_core::{Config, List, ListOptions, ObjectMeta, RestClient, TypedClient};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::runtime::Runtime;

const OBJECTS: usize = 20_000;
const NAMESPACE: &str = "bench";
const PATH: &str = "/api/v1/namespaces/bench/configmaps";

/// Object `i`: labels, an annotation and data, about 1.2 KB of JSON.
fn config_map(i: usize) -> ConfigMap {
    let words = |tag: &str, n: usize| -> String {
        (0..n)
            .map(|k| format!("{tag}-{}-{k:02} ", i % 89))
            .collect()
    };
    let labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), "widget".to_owned()),
        (
            "app.kubernetes.io/instance".to_owned(),
            format!("widget-{}", i % 16),
        ),
        ("tier".to_owned(), "backend".to_owned()),
    ]);
    let annotations = BTreeMap::from([(
        "example.com/owner".to_owned(),
        format!("team-{}@example.com", i % 16),
    )]);
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(format!("widget-config-{i:05}")),
            namespace: Some(NAMESPACE.to_owned()),
            uid: Some(format!("7f3c2a10-0b1d-4c6e-9a5f-{i:012x}")),
            resource_version: Some((1000 + i).to_string()),
            labels,
            annotations,
            ..ObjectMeta::default()
        },
        data: BTreeMap::from([
            (
                "config.yaml".to_owned(),
                format!(
                    "server:\n  port: 8080\n  workers: {}\nlog:\n  level: info\n",
                    i % 8
                ),
            ),
            ("endpoints".to_owned(), words("svc", 26)),
            ("features".to_owned(), words("flag", 24)),
            ("notes".to_owned(), words("note", 24)),
        ]),
        ..ConfigMap::default()
    }
}

/// The list body every GET gets, and the mean size of one item.
fn list_body() -> (Bytes, usize) {
    let list = List {
        metadata: client_core::ListMeta {
            resource_version: Some("99999".to_owned()),
            ..Default::default()
        },
        items: (0..OBJECTS).map(config_map).collect::<Vec<_>>(),
    };
    let body = serde_json::to_vec(&list).unwrap();
    let per_item = body.len() / OBJECTS;
    (Bytes::from(body), per_item)
}

/// Serves `body` to every request on loopback, HTTP/1.1 with keep-alive,
/// from a thread of its own; returns the URL.
fn canned_server(body: Bytes) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, body.clone()));
            }
        });
    });
    url
}

/// Answers each request head on `stream` with `body`.
async fn serve(mut stream: tokio::net::TcpStream, body: Bytes) {
    stream.set_nodelay(true).ok();
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let mut pending = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            pending.drain(..end + 4);
            if stream.write_all(head.as_bytes()).await.is_err()
                || stream.write_all(&body).await.is_err()
            {
                return;
            }
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => pending.extend_from_slice(&buf[..n]),
        }
    }
}

/// The two sides, each with its own connection pool.
struct Sides {
    ours: TypedClient<ConfigMap>,
    floor: HyperClient<HttpConnector, Empty<Bytes>>,
    url: String,
}

impl Sides {
    fn new(url: &str) -> Self {
        let mut config = Config::new(url.parse().unwrap());
        config.qps = 0.0;
        config.max_response_bytes = 256 * 1024 * 1024;
        let client = RestClient::new(config).unwrap();
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            ours: TypedClient::namespaced(client, NAMESPACE),
            floor: HyperClient::builder(TokioExecutor::new()).build(connector),
            url: url.to_owned(),
        }
    }

    async fn ours(&self) -> List<ConfigMap> {
        self.ours.list(&ListOptions::default()).await.unwrap()
    }

    /// The floor: the whole body into one buffer sized from
    /// `Content-Length`, then one UTF-8 check and `from_str`.
    async fn floor(&self) -> List<ConfigMap> {
        let uri: http::Uri = format!("{}{PATH}", self.url).parse().unwrap();
        let response = self.floor.get(uri).await.unwrap();
        let declared = response
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = response.into_body();
        let mut bytes = Vec::with_capacity(declared);
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame.unwrap().into_data() {
                bytes.extend_from_slice(&data);
            }
        }
        serde_json::from_str(std::str::from_utf8(&bytes).unwrap()).unwrap()
    }

    async fn run(&self, floor: bool) -> List<ConfigMap> {
        if floor {
            self.floor().await
        } else {
            self.ours().await
        }
    }
}

fn current_thread() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Alternating rounds of one list per side; prints medians and ratios.
fn timing(url: &str, rounds: usize) {
    let rt = current_thread();
    let sides = Sides::new(url);
    rt.block_on(async {
        // Connect both pools and fault the pages in once.
        assert_eq!(sides.run(false).await.items.len(), OBJECTS);
        assert_eq!(sides.run(true).await.items.len(), OBJECTS);
    });
    let (mut ours, mut floor, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut pair = [0.0; 2];
        for step in 0..2 {
            let is_floor = (round + step) % 2 == 0;
            let started = Instant::now();
            let list = rt.block_on(sides.run(is_floor));
            let took = started.elapsed().as_secs_f64() * 1e3;
            assert_eq!(list.items.len(), OBJECTS);
            drop(list);
            pair[usize::from(is_floor)] = took;
        }
        ours.push(pair[0]);
        floor.push(pair[1]);
        ratios.push(pair[0] / pair[1]);
    }
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(0.0, f64::max);
        format!("{lo:.1}-{hi:.1}")
    };
    println!("time of one list of {OBJECTS}, {rounds} alternating rounds (ms):");
    println!("| side | median | min-max |");
    println!("|---|---|---|");
    println!(
        "| ours (streaming decode) | {:.1} | {} |",
        median(ours.clone()),
        range(&ours)
    );
    println!(
        "| floor (hyper-util, whole body, from_str) | {:.1} | {} |",
        median(floor.clone()),
        range(&floor)
    );
    println!(
        "ours/floor: median of per-round ratios {:.2} (min-max {}); load average {}",
        median(ratios.clone()),
        range(&ratios).replace('-', " - "),
        load_average()
    );
}

/// `VmHWM` and `VmRSS` of this process, in KiB.
fn vm_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// The child: one list, and the process's memory around it.
fn memory_child(which: &str, url: &str) {
    let rt = current_thread();
    let sides = Sides::new(url);
    let (hwm_before, _) = vm_kib();
    let list = rt.block_on(sides.run(which == "floor"));
    let (hwm_peak, rss_held) = vm_kib();
    assert_eq!(list.items.len(), OBJECTS);
    drop(list);
    let (_, rss_dropped) = vm_kib();
    println!("{hwm_before} {hwm_peak} {rss_held} {rss_dropped}");
}

/// Runs a child per side, alternating; prints the medians in MiB.
fn memory(url: &str, runs: usize, body_len: usize) {
    let exe = std::env::current_exe().unwrap();
    let mut rows: BTreeMap<&str, Vec<[f64; 4]>> = BTreeMap::new();
    for run in 0..runs {
        let order = if run % 2 == 0 {
            ["floor", "ours"]
        } else {
            ["ours", "floor"]
        };
        for which in order {
            let out = std::process::Command::new(&exe)
                .env("LIST_STREAM_CHILD", which)
                .env("LIST_STREAM_URL", url)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            let v: Vec<f64> = text
                .split_whitespace()
                .map(|n| n.parse::<f64>().unwrap() / 1024.0)
                .collect();
            rows.entry(which)
                .or_default()
                .push([v[0], v[1], v[2], v[3]]);
        }
    }
    println!(
        "memory of one list of {OBJECTS} (body {:.1} MiB), child process per side, median of {runs} (MiB):",
        body_len as f64 / 1048576.0
    );
    println!(
        "| side | VmHWM before | VmHWM peak | VmRSS list held | VmRSS list dropped | peak growth |"
    );
    println!("|---|---|---|---|---|---|");
    let mut growth = BTreeMap::new();
    for (which, samples) in &rows {
        let col = |k: usize| median(samples.iter().map(|s| s[k]).collect());
        let grew = col(1) - col(0);
        growth.insert(*which, (col(1), grew));
        println!(
            "| {which} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            col(0),
            col(1),
            col(2),
            col(3),
            grew
        );
    }
    if let (Some(o), Some(f)) = (growth.get("ours"), growth.get("floor")) {
        println!(
            "ours/floor: VmHWM {:.2}, growth during the list {:.2}",
            o.0 / f.0,
            o.1 / f.1
        );
    }
}

fn main() {
    if let (Ok(which), Ok(url)) = (
        std::env::var("LIST_STREAM_CHILD"),
        std::env::var("LIST_STREAM_URL"),
    ) {
        memory_child(&which, &url);
        return;
    }
    let (body, per_item) = list_body();
    println!(
        "{OBJECTS} objects, {per_item} bytes each on average, body {} bytes",
        body.len()
    );
    let body_len = body.len();
    let url = canned_server(body);
    timing(&url, env_usize("LIST_STREAM_ROUNDS", 9));
    memory(&url, env_usize("LIST_STREAM_MEM_RUNS", 3), body_len);
}
