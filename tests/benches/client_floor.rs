//! The client against its floor: every workload timed through `TypedClient`
//! and through raw reqwest + serde_json, interleaved in the same run.
//!
//! The floor is what a careful hand-written caller gets: one `reqwest::Client`
//! with the client's connection settings (rustls with the ring provider, ALPN
//! `h2` then `http/1.1`, `tcp_nodelay`, HTTP/2 adaptive window and
//! keep-alive), the same `Authorization`, `Accept` and `User-Agent` headers,
//! the same URLs, and `serde_json` decoding into the same Rust types
//! (`BackupJob`, `List<BackupJob>`, `WatchEvent<BackupJob>`). The client has
//! rate limiting off. Both talk HTTPS (HTTP/2, bearer token) to one embedded
//! server that runs on its own 2-worker runtime in this process, so the client
//! side runs on the runtime under test alone.
//!
//! Workloads: sequential get; 16 concurrent gets; list of 10 000 objects of
//! about 1 KB; watch of 100 000 events; create. The watch starts from
//! `resourceVersion=0` on a namespace seeded with 100 000 objects: the server
//! sends its stored bytes as ADDED events (one copy per event, no encoding,
//! none of the write path that writing while watching would add), so the
//! server's share is as small as it can be and the same for both sides. A
//! breakdown then shows that share (bytes only, no decoding) and times the
//! watch's framing and decoding in memory, without the server, through the
//! client's `EventStream` and through the floor's loop. Each workload runs
//! on a current-thread and on a multi-thread (2 workers) tokio runtime.
//!
//! `main` prints, per workload and runtime, the medians of interleaved rounds
//! (floor and client alternate, the order swapped every round), p10–p90 and
//! min–max, and three ratios client/floor: of the medians, paired (the
//! median of the per-round ratios) and of the p10s; then the breakdown; then
//! the peak memory of the 10k list,
//! `VmHWM` of a child process per side (this binary re-run with
//! `CLIENT_FLOOR_MEM_CHILD=client|floor`, given the server's URL, token and CA
//! in the environment; the child holds only a client and a current-thread
//! runtime); then divan measures each side on its own. Figures and how to
//! read them: `docs/performance.md`.
//!
//! Run: `cargo bench -p tests --bench client_floor`. `CLIENT_FLOOR_ROUNDS=N`
//! scales the interleaved rounds (default 1 = the documented counts);
//! `CLIENT_FLOOR_ONLY=watch` keeps the workloads whose label contains the
//! text; `CLIENT_FLOOR_NO_DIVAN=1` stops before divan;
//! `CLIENT_FLOOR_DIVAN_ONLY=1` runs divan alone (for profiling one bench:
//! `... --bench client_floor -- get_client`).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use client_core::WithTypeMeta;
use client_core::{
    Config, CreateOptions, GetOptions, List, ListOptions, ObjectMeta, Resource, RestClient,
    TypedClient, WatchEvent,
};
use client_testserver::TestServer;
use futures_util::StreamExt;
use futures_util::future::join_all;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use rustls::pki_types::CertificateDer;
use serde::{Deserialize, Serialize};
use tokio::runtime::Runtime;

const LIST_OBJECTS: usize = 10_000;
const WATCH_EVENTS: usize = 100_000;
const CONCURRENT: usize = 16;
const LIST_NS: &str = "list";
const WATCH_NS: &str = "watch";
const CREATE_NS: &str = "create";
const USER_AGENT: &str = "client-floor-bench/0.1";

/// A realistic custom resource of about 1 KB as the server returns it.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "bench.example.com", version = "v1", namespaced)]
pub struct BackupJob {
    pub metadata: ObjectMeta,
    pub spec: BackupJobSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<BackupJobStatus>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupJobSpec {
    pub schedule: String,
    #[serde(default)]
    pub suspend: bool,
    pub concurrency_policy: String,
    pub target: ObjectRef,
    pub retention: Retention,
    pub storage: Storage,
    #[serde(default)]
    pub resources: BTreeMap<String, String>,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub tolerations: Vec<Toleration>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    pub keep_last: u32,
    pub keep_daily: u32,
    pub keep_weekly: u32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Storage {
    pub bucket: String,
    pub prefix: String,
    pub region: String,
    pub secret_ref: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub effect: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupJobStatus {
    pub phase: String,
    pub observed_generation: i64,
    #[serde(default)]
    pub last_schedule_time: Option<String>,
    #[serde(default)]
    pub last_successful_time: Option<String>,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub reason: String,
    pub message: String,
    pub last_transition_time: String,
}

fn backup_job(namespace: &str, name: String, i: usize) -> BackupJob {
    let env = |name: &str, value: String| EnvVar {
        name: name.to_owned(),
        value,
    };
    BackupJob {
        metadata: ObjectMeta::named(name)
            .in_namespace(namespace)
            .with_label("app.kubernetes.io/name", "backup")
            .with_label("app.kubernetes.io/part-of", "storage-platform")
            .with_label("team", format!("team-{}", i % 7))
            .with_annotation("backup.example.com/owner", "platform-oncall@example.com"),
        spec: BackupJobSpec {
            schedule: format!("{} 2 * * *", i % 60),
            suspend: false,
            concurrency_policy: "Forbid".to_owned(),
            target: ObjectRef {
                kind: "PersistentVolumeClaim".to_owned(),
                name: format!("data-postgres-{}", i % 3),
                namespace: "databases".to_owned(),
            },
            retention: Retention {
                keep_last: 7,
                keep_daily: 14,
                keep_weekly: 8,
            },
            storage: Storage {
                bucket: "backups-eu-west-1".to_owned(),
                prefix: format!("clusters/prod-1/databases/postgres-{}", i % 3),
                region: "eu-west-1".to_owned(),
                secret_ref: "backup-credentials".to_owned(),
            },
            resources: BTreeMap::from([
                ("cpu".to_owned(), "500m".to_owned()),
                ("memory".to_owned(), "512Mi".to_owned()),
            ]),
            env: vec![
                env("COMPRESSION", "zstd".to_owned()),
                env("PARALLELISM", (i % 4 + 1).to_string()),
                env("VERIFY_CHECKSUMS", "true".to_owned()),
            ],
            tolerations: vec![Toleration {
                key: "dedicated".to_owned(),
                operator: "Exists".to_owned(),
                effect: "NoSchedule".to_owned(),
            }],
        },
        status: Some(BackupJobStatus {
            phase: "Succeeded".to_owned(),
            observed_generation: 1,
            last_schedule_time: Some("2026-11-24T02:00:00Z".to_owned()),
            last_successful_time: Some("2026-11-24T02:04:31Z".to_owned()),
            conditions: vec![Condition {
                type_: "Ready".to_owned(),
                status: "True".to_owned(),
                reason: "BackupCompleted".to_owned(),
                message: format!("backup {i} completed: 12.4 GiB in 4m31s"),
                last_transition_time: "2026-11-24T02:04:31Z".to_owned(),
            }],
        }),
    }
}

// ---------------------------------------------------------------- set-up

/// What both sides need to reach the server.
#[derive(Clone)]
struct Endpoint {
    url: String,
    token: String,
    ca: CertificateDer<'static>,
}

/// The client under test: `RestClient` with rate limiting off.
fn client_for(ep: &Endpoint) -> RestClient {
    let mut config = Config::new(ep.url.parse().unwrap());
    config.tls.root_certs = Some(vec![ep.ca.clone()]);
    config.auth.token = Some(ep.token.clone().into());
    config.user_agent = Some(USER_AGENT.to_owned());
    RestClient::builder(config).no_rate_limit().build().unwrap()
}

/// The floor: raw reqwest with the client's TLS and connection settings.
struct Floor {
    http: reqwest::Client,
    base: String,
}

fn floor_for(ep: &Endpoint) -> Floor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ep.ca.clone()).unwrap();
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {}", ep.token)).unwrap();
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .default_headers(headers)
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(30))
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(90))
        .http2_keep_alive_interval(Duration::from_secs(30))
        .http2_keep_alive_timeout(Duration::from_secs(15))
        .http2_adaptive_window(true)
        .no_proxy()
        .build()
        .unwrap();
    Floor {
        http,
        base: format!(
            "{}/apis/bench.example.com/v1/namespaces",
            ep.url.trim_end_matches('/')
        ),
    }
}

/// One runtime under test with its own client and floor (a pooled
/// connection belongs to the runtime that opened it).
struct Side {
    rt: Runtime,
    /// The client in the list namespace (gets and lists).
    client: TypedClient<BackupJob>,
    /// The same `RestClient` in the watch namespace.
    watcher: TypedClient<BackupJob>,
    /// The same `RestClient` in the namespace that creates go to.
    creator: TypedClient<BackupJob>,
    floor: Floor,
}

struct Fixture {
    _server_rt: Runtime,
    _server: TestServer,
    endpoint: Endpoint,
    current: Side,
    multi: Side,
    created: AtomicU64,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server_rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("server")
            .enable_all()
            .build()
            .unwrap();
        let server = server_rt.block_on(async {
            TestServer::builder()
                .bookmark_interval(Duration::from_secs(3600))
                .start()
                .await
                .unwrap()
        });
        let store = server.store();
        store
            .register_crd(serde_json::to_value(BackupJob::crd()).unwrap())
            .unwrap();
        for ns in [LIST_NS, WATCH_NS, CREATE_NS] {
            store
                .insert(
                    "v1",
                    "namespaces",
                    serde_json::json!({"metadata": {"name": ns}}),
                )
                .unwrap();
        }
        let seed = |ns: &str, count: usize| {
            for i in 0..count {
                let job = backup_job(ns, format!("job-{i:06}"), i);
                store
                    .insert(
                        "bench.example.com/v1",
                        "backupjobs",
                        serde_json::to_value(WithTypeMeta(&job)).unwrap(),
                    )
                    .unwrap();
            }
        };
        seed(LIST_NS, LIST_OBJECTS);
        seed(WATCH_NS, WATCH_EVENTS);
        let endpoint = Endpoint {
            url: server.url().to_owned(),
            token: server.token().unwrap().to_owned(),
            ca: server.certs().unwrap().ca_der(),
        };
        let side = |rt: Runtime| {
            let _guard = rt.enter();
            let rest = client_for(&endpoint);
            let floor = floor_for(&endpoint);
            drop(_guard);
            Side {
                rt,
                client: TypedClient::namespaced(rest.clone(), LIST_NS),
                watcher: TypedClient::namespaced(rest.clone(), WATCH_NS),
                creator: TypedClient::namespaced(rest, CREATE_NS),
                floor,
            }
        };
        let current = side(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        );
        let multi = side(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("client")
                .enable_all()
                .build()
                .unwrap(),
        );
        Fixture {
            _server_rt: server_rt,
            _server: server,
            endpoint,
            current,
            multi,
            created: AtomicU64::new(0),
        }
    })
}

// ---------------------------------------------------------------- workloads

fn get_name(i: usize) -> String {
    format!("job-{:06}", i % LIST_OBJECTS)
}

async fn client_get(c: &TypedClient<BackupJob>, i: usize) -> BackupJob {
    c.get(&get_name(i), &GetOptions::default()).await.unwrap()
}

async fn floor_get(f: &Floor, i: usize) -> BackupJob {
    let url = format!("{}/{LIST_NS}/backupjobs/{}", f.base, get_name(i));
    let response = f.http.get(url).send().await.unwrap();
    assert!(response.status().is_success());
    let body = response.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

async fn client_list(c: &TypedClient<BackupJob>) -> List<BackupJob> {
    c.list(&ListOptions::default()).await.unwrap()
}

async fn floor_list(f: &Floor) -> List<BackupJob> {
    let url = format!("{}/{LIST_NS}/backupjobs", f.base);
    let response = f.http.get(url).send().await.unwrap();
    assert!(response.status().is_success());
    let body = response.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Reads `WATCH_EVENTS` ADDED events from `resourceVersion=0`, then drops the stream.
async fn client_watch(c: &TypedClient<BackupJob>) -> usize {
    let opts = ListOptions::default().resource_version("0");
    let mut stream = c.watch(&opts).await.unwrap();
    let mut seen = 0;
    while let Some(event) = stream.next().await {
        if let WatchEvent::Added(job) = event.unwrap() {
            black_box(&job);
            seen += 1;
            if seen == WATCH_EVENTS {
                break;
            }
        }
    }
    seen
}

fn added(line: &[u8]) -> usize {
    match serde_json::from_slice::<WatchEvent<BackupJob>>(line).unwrap() {
        WatchEvent::Added(job) => {
            black_box(&job);
            1
        }
        _ => 0,
    }
}

/// The same watch read by hand: lines are decoded in place where a chunk
/// holds them whole; only a line cut by a chunk boundary is copied.
async fn floor_watch(f: &Floor) -> usize {
    let url = format!(
        "{}/{WATCH_NS}/backupjobs?resourceVersion=0&watch=true",
        f.base
    );
    let response = f.http.get(url).send().await.unwrap();
    assert!(response.status().is_success());
    let mut body = response.bytes_stream();
    let mut partial: Vec<u8> = Vec::new();
    let mut seen = 0;
    while seen < WATCH_EVENTS {
        let Some(chunk) = body.next().await else {
            break;
        };
        let chunk = chunk.unwrap();
        let mut rest: &[u8] = &chunk;
        if !partial.is_empty() {
            let Some(i) = rest.iter().position(|&b| b == b'\n') else {
                partial.extend_from_slice(rest);
                continue;
            };
            partial.extend_from_slice(&rest[..i]);
            seen += added(&partial);
            partial.clear();
            rest = &rest[i + 1..];
        }
        while let Some(i) = rest.iter().position(|&b| b == b'\n') {
            seen += added(&rest[..i]);
            rest = &rest[i + 1..];
        }
        partial.extend_from_slice(rest);
    }
    seen
}

fn new_job(fx: &Fixture) -> BackupJob {
    let n = fx.created.fetch_add(1, Ordering::Relaxed);
    backup_job(CREATE_NS, format!("new-{n:08}"), n as usize)
}

async fn client_create(c: &TypedClient<BackupJob>, job: BackupJob) -> BackupJob {
    c.create(&job, &CreateOptions::default()).await.unwrap()
}

async fn floor_create(f: &Floor, job: BackupJob) -> BackupJob {
    let url = format!("{}/{CREATE_NS}/backupjobs", f.base);
    let body = serde_json::to_vec(&WithTypeMeta(&job)).unwrap();
    let response = f
        .http
        .post(url)
        .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let body = response.bytes().await.unwrap();
    serde_json::from_slice(&body).unwrap()
}

// ---------------------------------------------------------------- interleaved rounds

#[derive(Clone, Copy, Debug)]
enum Workload {
    Get,
    Get16,
    List,
    Watch,
    Create,
}

impl Workload {
    const ALL: [Workload; 5] = [
        Self::Get,
        Self::Get16,
        Self::List,
        Self::Watch,
        Self::Create,
    ];

    fn label(self) -> &'static str {
        match self {
            Self::Get => "sequential get (per get)",
            Self::Get16 => "16 concurrent gets (per batch of 16)",
            Self::List => "list of 10k (per list)",
            Self::Watch => "watch of 100k events (per watch)",
            Self::Create => "create (per create)",
        }
    }

    /// Operations timed together as one sample.
    /// Short samples (about half a millisecond for the small verbs), so
    /// that most escape the other processes' time slices on a busy machine.
    fn ops_per_sample(self) -> usize {
        match self {
            Self::Get | Self::Create => 10,
            Self::Get16 => 4,
            Self::List | Self::Watch => 1,
        }
    }

    /// Interleaved rounds (each: one floor sample and one client sample).
    fn rounds(self) -> usize {
        match self {
            Self::Get | Self::Create => 500,
            Self::Get16 => 300,
            Self::List => 30,
            Self::Watch => 12,
        }
    }
}

/// Runs `ops` operations of `w` on one side; returns the time per operation.
fn sample(side: &Side, w: Workload, floor: bool, ops: usize) -> Duration {
    let fx = fixture();
    side.rt.block_on(async {
        let started = Instant::now();
        for i in 0..ops {
            match (w, floor) {
                (Workload::Get, false) => drop(black_box(client_get(&side.client, i).await)),
                (Workload::Get, true) => drop(black_box(floor_get(&side.floor, i).await)),
                (Workload::Get16, false) => {
                    let gets =
                        (0..CONCURRENT).map(|j| client_get(&side.client, i * CONCURRENT + j));
                    drop(black_box(join_all(gets).await));
                }
                (Workload::Get16, true) => {
                    let gets = (0..CONCURRENT).map(|j| floor_get(&side.floor, i * CONCURRENT + j));
                    drop(black_box(join_all(gets).await));
                }
                (Workload::List, false) => {
                    assert_eq!(client_list(&side.client).await.items.len(), LIST_OBJECTS);
                }
                (Workload::List, true) => {
                    assert_eq!(floor_list(&side.floor).await.items.len(), LIST_OBJECTS);
                }
                (Workload::Watch, false) => {
                    assert_eq!(client_watch(&side.watcher).await, WATCH_EVENTS)
                }
                (Workload::Watch, true) => assert_eq!(floor_watch(&side.floor).await, WATCH_EVENTS),
                (Workload::Create, false) => {
                    drop(black_box(client_create(&side.creator, new_job(fx)).await));
                }
                (Workload::Create, true) => {
                    drop(black_box(floor_create(&side.floor, new_job(fx)).await));
                }
            }
        }
        started.elapsed() / ops as u32
    })
}

struct Summary {
    median: Duration,
    p10: Duration,
    p90: Duration,
    min: Duration,
    max: Duration,
}

fn summarize(mut v: Vec<Duration>) -> Summary {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Summary {
        median: at(0.5),
        p10: at(0.1),
        p90: at(0.9),
        min: v[0],
        max: v[v.len() - 1],
    }
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 10_000.0 {
        format!("{:.1} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

fn interleaved(scale: f64) {
    let fx = fixture();
    println!(
        "| workload | runtime | floor median (p10–p90; min–max) | client median (p10–p90; min–max) | client/floor: medians | paired | p10s |"
    );
    println!("|---|---|---|---|---|---|---|");
    let only = std::env::var("CLIENT_FLOOR_ONLY").unwrap_or_default();
    for w in Workload::ALL {
        if !w.label().contains(only.as_str()) {
            continue;
        }
        for (rt_name, side) in [("current_thread", &fx.current), ("multi_thread", &fx.multi)] {
            let rounds = ((w.rounds() as f64 * scale).round() as usize).max(3);
            // Warm-up: connections, allocator, caches.
            sample(side, w, true, w.ops_per_sample());
            sample(side, w, false, w.ops_per_sample());
            let (mut floor, mut client) = (Vec::new(), Vec::new());
            for round in 0..rounds {
                if round % 2 == 0 {
                    floor.push(sample(side, w, true, w.ops_per_sample()));
                    client.push(sample(side, w, false, w.ops_per_sample()));
                } else {
                    client.push(sample(side, w, false, w.ops_per_sample()));
                    floor.push(sample(side, w, true, w.ops_per_sample()));
                }
            }
            // The ratio of medians, and the median of per-round ratios
            // (each round's pair ran back to back, under the same load).
            let mut paired: Vec<f64> = client
                .iter()
                .zip(&floor)
                .map(|(c, f)| c.as_secs_f64() / f.as_secs_f64())
                .collect();
            paired.sort_by(f64::total_cmp);
            let paired = paired[paired.len() / 2];
            let (f, c) = (summarize(floor), summarize(client));
            println!(
                "| {} | {rt_name} | {} ({}–{}; {}–{}) | {} ({}–{}; {}–{}) | {:.3} | {paired:.3} | {:.3} |",
                w.label(),
                fmt(f.median),
                fmt(f.p10),
                fmt(f.p90),
                fmt(f.min),
                fmt(f.max),
                fmt(c.median),
                fmt(c.p10),
                fmt(c.p90),
                fmt(c.min),
                fmt(c.max),
                c.median.as_secs_f64() / f.median.as_secs_f64(),
                c.p10.as_secs_f64() / f.p10.as_secs_f64(),
            );
        }
    }
}

/// Sizes on the wire, and where the floor's time goes: fetching the bytes
/// (server and transport, no decoding) against decoding them in memory.
fn breakdown() {
    let fx = fixture();
    let side = &fx.current;
    let f = &side.floor;
    side.rt.block_on(async {
        let fetch = |url: String| async move {
            let r = f.http.get(url).send().await.unwrap();
            (r.version(), r.bytes().await.unwrap())
        };
        let one_url = format!("{}/{LIST_NS}/backupjobs/job-000000", f.base);
        let list_url = format!("{}/{LIST_NS}/backupjobs", f.base);
        let (version, one) = fetch(one_url).await;
        let (_, list) = fetch(list_url.clone()).await;
        println!(
            "one object: {} bytes; list of {LIST_OBJECTS}: {:.2} MiB; protocol {version:?}",
            one.len(),
            list.len() as f64 / 1048576.0
        );
        let (mut fetching, mut decoding, mut watching) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..10 {
            let t = Instant::now();
            black_box(fetch(list_url.clone()).await);
            fetching.push(t.elapsed());
            let t = Instant::now();
            black_box(serde_json::from_slice::<List<BackupJob>>(&list).unwrap());
            decoding.push(t.elapsed());
        }
        for _ in 0..4 {
            let url = format!(
                "{}/{WATCH_NS}/backupjobs?resourceVersion=0&watch=true",
                f.base
            );
            let t = Instant::now();
            let mut body = f.http.get(url).send().await.unwrap().bytes_stream();
            let mut lines = 0;
            while lines < WATCH_EVENTS {
                let chunk = body.next().await.unwrap().unwrap();
                lines += chunk.iter().filter(|&&b| b == b'\n').count();
            }
            watching.push(t.elapsed());
        }
        // The watch's framing and decoding alone, in memory: the chunks of one
        // real watch body through the client's `EventStream` (what
        // `WatchStream` wraps) and through the floor's loop.
        let url = format!("{}/{WATCH_NS}/backupjobs?resourceVersion=0&watch=true", f.base);
        let mut body = f.http.get(url).send().await.unwrap().bytes_stream();
        let (mut chunks, mut lines) = (Vec::new(), 0);
        while lines < WATCH_EVENTS {
            let chunk = body.next().await.unwrap().unwrap();
            lines += chunk.iter().filter(|&&b| b == b'\n').count();
            chunks.push(chunk);
        }
        drop(body);
        let (mut framing_client, mut framing_floor) = (Vec::new(), Vec::new());
        for _ in 0..20 {
            let t = Instant::now();
            let chunk_stream =
                futures_util::stream::iter(chunks.iter().map(|c| Ok::<_, std::io::Error>(c.clone())));
            let mut events =
                client_core::bench_internals::EventStream::<_, BackupJob>::new(chunk_stream);
            let mut seen = 0;
            while let Some(event) = events.next().await {
                if let WatchEvent::Added(job) = event.unwrap() {
                    black_box(&job);
                    seen += 1;
                }
            }
            assert_eq!(seen, WATCH_EVENTS);
            framing_client.push(t.elapsed());
            let t = Instant::now();
            let mut partial: Vec<u8> = Vec::new();
            let mut seen = 0;
            for chunk in &chunks {
                let mut rest: &[u8] = chunk;
                if !partial.is_empty() {
                    let Some(i) = rest.iter().position(|&b| b == b'\n') else {
                        partial.extend_from_slice(rest);
                        continue;
                    };
                    partial.extend_from_slice(&rest[..i]);
                    seen += added(&partial);
                    partial.clear();
                    rest = &rest[i + 1..];
                }
                while let Some(i) = rest.iter().position(|&b| b == b'\n') {
                    seen += added(&rest[..i]);
                    rest = &rest[i + 1..];
                }
                partial.extend_from_slice(rest);
            }
            assert_eq!(seen, WATCH_EVENTS);
            framing_floor.push(t.elapsed());
        }
        let chunk_count = chunks.len();
        drop(chunks);
        let (framing_client, framing_floor) = (summarize(framing_client), summarize(framing_floor));
        let (fetching, decoding, watching) =
            (summarize(fetching), summarize(decoding), summarize(watching));
        println!("breakdown on the current-thread runtime (median, min):");
        println!(
            "  list of 10k, bytes only (server + TLS + HTTP/2): {} ({})",
            fmt(fetching.median),
            fmt(fetching.min)
        );
        println!(
            "  list of 10k, serde_json decode of those bytes: {} ({})",
            fmt(decoding.median),
            fmt(decoding.min)
        );
        println!(
            "  watch of 100k, bytes only (lines counted, not decoded): {} ({})",
            fmt(watching.median),
            fmt(watching.min)
        );
        println!(
            "  watch of 100k, framing + decoding in memory ({chunk_count} chunks): floor loop {} ({}), client EventStream {} ({}), ratio of medians {:.3}",
            fmt(framing_floor.median),
            fmt(framing_floor.min),
            fmt(framing_client.median),
            fmt(framing_client.min),
            framing_client.median.as_secs_f64() / framing_floor.median.as_secs_f64()
        );
    });
}

// ---------------------------------------------------------------- peak memory

/// `VmHWM` (peak resident set) of this process, in KiB.
fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The child: one current-thread runtime and one side (client or floor);
/// prints `peak-before-list peak-after-list` in KiB. The connection is
/// opened by a get before the first reading.
fn memory_child(which: &str) {
    use rustls::pki_types::pem::PemObject;
    let var = |name: &str| std::env::var(name).unwrap();
    let endpoint = Endpoint {
        url: var("CLIENT_FLOOR_URL"),
        token: var("CLIENT_FLOOR_TOKEN"),
        ca: CertificateDer::from_pem_slice(var("CLIENT_FLOOR_CA").as_bytes()).unwrap(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (before, after) = if which == "client" {
            let client = TypedClient::namespaced(client_for(&endpoint), LIST_NS);
            drop(client_get(&client, 0).await);
            let before = vm_hwm_kib();
            let list = client_list(&client).await;
            assert_eq!(list.items.len(), LIST_OBJECTS);
            (before, vm_hwm_kib())
        } else {
            let floor = floor_for(&endpoint);
            drop(floor_get(&floor, 0).await);
            let before = vm_hwm_kib();
            let list = floor_list(&floor).await;
            assert_eq!(list.items.len(), LIST_OBJECTS);
            (before, vm_hwm_kib())
        };
        println!("{before} {after}");
    });
}

fn memory() {
    let fx = fixture();
    let ep = &fx.endpoint;
    let ca_pem = fx._server.certs().unwrap().ca_pem().to_owned();
    let run = |which: &str| -> (u64, u64) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env("CLIENT_FLOOR_MEM_CHILD", which)
            .env("CLIENT_FLOOR_URL", &ep.url)
            .env("CLIENT_FLOOR_TOKEN", &ep.token)
            .env("CLIENT_FLOOR_CA", &ca_pem)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut fields = text.split_whitespace().map(|f| f.parse::<u64>().unwrap());
        (fields.next().unwrap(), fields.next().unwrap())
    };
    let (mut floor, mut client) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        floor.push(run("floor"));
        client.push(run("client"));
    }
    let median = |v: &mut Vec<(u64, u64)>, f: fn(&(u64, u64)) -> u64| {
        let mut x: Vec<u64> = v.iter().map(f).collect();
        x.sort();
        x[x.len() / 2]
    };
    let peak = |p: &(u64, u64)| p.1;
    let growth = |p: &(u64, u64)| p.1 - p.0;
    let (fp, cp) = (median(&mut floor, peak), median(&mut client, peak));
    let (fg, cg) = (median(&mut floor, growth), median(&mut client, growth));
    println!("peak memory of the 10k list (VmHWM of a child process, median of 5):");
    println!("| side | VmHWM | growth during the list |");
    println!("|---|---|---|");
    println!(
        "| floor | {:.1} MiB | {:.1} MiB |",
        fp as f64 / 1024.0,
        fg as f64 / 1024.0
    );
    println!(
        "| client | {:.1} MiB | {:.1} MiB |",
        cp as f64 / 1024.0,
        cg as f64 / 1024.0
    );
    println!(
        "| client/floor | {:.3} | {:.3} |",
        cp as f64 / fp as f64,
        cg as f64 / fg as f64
    );
    println!("raw (before, after) KiB: floor {floor:?}, client {client:?}");
}

// ---------------------------------------------------------------- divan

const RUNTIMES: &[&str] = &["current_thread", "multi_thread"];

fn side(name: &str) -> &'static Side {
    let fx = fixture();
    if name == "current_thread" {
        &fx.current
    } else {
        &fx.multi
    }
}

fn bench(b: divan::Bencher<'_, '_>, rt: &str, w: Workload, floor: bool) {
    let side = side(rt);
    b.bench(|| sample(side, w, floor, 1));
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 20)]
fn get_client(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Get, false);
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 20)]
fn get_floor(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Get, true);
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 5)]
fn get16_client(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Get16, false);
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 5)]
fn get16_floor(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Get16, true);
}

#[divan::bench(args = RUNTIMES, sample_count = 10, sample_size = 1)]
fn list_client(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::List, false);
}

#[divan::bench(args = RUNTIMES, sample_count = 10, sample_size = 1)]
fn list_floor(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::List, true);
}

#[divan::bench(args = RUNTIMES, sample_count = 3, sample_size = 1)]
fn watch_client(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Watch, false);
}

#[divan::bench(args = RUNTIMES, sample_count = 3, sample_size = 1)]
fn watch_floor(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Watch, true);
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 20)]
fn create_client(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Create, false);
}

#[divan::bench(args = RUNTIMES, sample_count = 30, sample_size = 20)]
fn create_floor(b: divan::Bencher<'_, '_>, rt: &str) {
    bench(b, rt, Workload::Create, true);
}

fn main() {
    if let Ok(which) = std::env::var("CLIENT_FLOOR_MEM_CHILD") {
        memory_child(&which);
        return;
    }
    // `cargo test --benches` runs the binary with --test: skip the figures.
    let figures = !std::env::args().any(|a| a == "--test")
        && std::env::var_os("CLIENT_FLOOR_DIVAN_ONLY").is_none();
    if figures {
        let scale = std::env::var("CLIENT_FLOOR_ROUNDS")
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(1.0);
        let t = Instant::now();
        fixture();
        println!(
            "seeded {LIST_OBJECTS} + {WATCH_EVENTS} objects in {:?}",
            t.elapsed()
        );
        interleaved(scale);
        breakdown();
        memory();
        if std::env::var_os("CLIENT_FLOOR_NO_DIVAN").is_some() {
            return;
        }
    }
    divan::main();
}
