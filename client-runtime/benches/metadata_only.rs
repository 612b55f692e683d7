//! Metadata-only against full lists and informers, over 20 000 ConfigMaps
//! of about 1.2 KB in the embedded server (in this process, plain HTTP, its
//! own 2-worker runtime; the client on another 2-worker runtime).
//!
//! `main` first prints the exact list body sizes and each informer's cache
//! memory and sync time, measured in a child process per sample (this
//! binary re-run with `METADATA_BENCH_CHILD=full|metadata`: it holds only a
//! client and the informer, so its `VmRSS` after sync minus before is the
//! cache and what decoding left behind in the allocator); then divan times
//! one unpaginated typed list and one informer sync, full and metadata-only.
//! Figures and how to read them: `docs/performance.md`, "Metadata-only
//! lists and informers".
//!
//! Run: `cargo bench -p client-runtime --bench metadata_only`.
//! `METADATA_BENCH_NO_DIVAN=1` stops after the sizes and memory.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/support/bulk.rs"]
mod bulk;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use client_core::api::ConfigMap;
use client_core::watcher::{InitialList, WatcherConfig};
use client_core::{Config, PartialObjectMetadata, RestClient};
use client_runtime::informer::{InformerFactory, Namespace, RuntimeResource};
use client_testserver::TestServer;
use tokio::runtime::Runtime;

/// The longest any phase of a child may take.
const DEADLINE: Duration = Duration::from_secs(120);
/// Memory samples per side (alternating, each in a fresh child).
const MEMORY_ROUNDS: usize = 5;
const CHILD_ENV: &str = "METADATA_BENCH_CHILD";
const URL_ENV: &str = "METADATA_BENCH_URL";

struct Fixture {
    _server_rt: Runtime,
    server: TestServer,
    client_rt: Runtime,
    client: RestClient,
}

fn runtime(name: &str) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .unwrap()
}

/// A client of `url` (no auth) without client-side throttling.
fn client_for(url: &str) -> RestClient {
    RestClient::builder(Config::new(url.parse().unwrap()))
        .no_rate_limit()
        .build()
        .unwrap()
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server_rt = runtime("server");
        let server = server_rt.block_on(async {
            TestServer::builder()
                .plain_http()
                .no_auth()
                .bookmark_interval(Duration::from_secs(3600))
                .start()
                .await
                .unwrap()
        });
        bulk::seed(&server);
        let client_rt = runtime("client");
        let client = {
            let _guard = client_rt.enter();
            client_for(server.url())
        };
        Fixture {
            _server_rt: server_rt,
            server,
            client_rt,
            client,
        }
    })
}

/// Lists then watches, the whole list in one page (as a plain list here).
fn watcher_config() -> WatcherConfig {
    WatcherConfig::default().initial_list(InitialList::ListThenWatch)
}

/// Starts an informer of `K` on the namespace and waits for its sync.
async fn sync<K: RuntimeResource>(client: RestClient) -> (InformerFactory, usize) {
    let factory = InformerFactory::with_config(client, watcher_config(), None);
    let informer = factory.informer::<K>(Namespace::named(bulk::NAMESPACE));
    factory.start();
    tokio::time::timeout(DEADLINE, factory.wait_for_cache_sync())
        .await
        .expect("the informer syncs in time");
    let len = informer.store().len();
    (factory, len)
}

// ---------------------------------------------------------------- memory

/// `VmRSS` of this process, in KiB.
fn vm_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The child: one client, one informer (full or metadata-only); prints
/// `rss-before rss-after-sync` in KiB and the sync time in ms.
fn memory_child(which: &str) {
    let url = std::env::var(URL_ENV).unwrap();
    runtime("child").block_on(async {
        let client = client_for(&url);
        let before = vm_rss_kib();
        let start = Instant::now();
        let (factory, len) = if which == "metadata" {
            sync::<PartialObjectMetadata<ConfigMap>>(client).await
        } else {
            sync::<ConfigMap>(client).await
        };
        let elapsed = start.elapsed();
        let after = vm_rss_kib();
        assert_eq!(len, bulk::OBJECTS);
        println!("{before} {after} {:.1}", elapsed.as_secs_f64() * 1e3);
        factory.shutdown();
    });
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn memory() {
    let fx = fixture();
    let run = |which: &str| -> (f64, f64) {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .env(CHILD_ENV, which)
            .env(URL_ENV, fx.server.url())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let f: Vec<f64> = text
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        ((f[1] - f[0]) / 1024.0, f[2])
    };
    let (mut full, mut meta) = (Vec::new(), Vec::new());
    for round in 0..MEMORY_ROUNDS {
        if round % 2 == 0 {
            full.push(run("full"));
            meta.push(run("metadata"));
        } else {
            meta.push(run("metadata"));
            full.push(run("full"));
        }
    }
    let mem = |v: &[(f64, f64)]| median(v.iter().map(|s| s.0).collect());
    let time = |v: &[(f64, f64)]| median(v.iter().map(|s| s.1).collect());
    println!(
        "informer of {} (child process, median of {MEMORY_ROUNDS}):",
        bulk::OBJECTS
    );
    println!("| informer | cache memory (VmRSS after sync - before) | sync |");
    println!("|---|---|---|");
    println!(
        "| full ConfigMap | {:.1} MiB | {:.0} ms |",
        mem(&full),
        time(&full)
    );
    println!(
        "| PartialObjectMetadata<ConfigMap> | {:.1} MiB | {:.0} ms |",
        mem(&meta),
        time(&meta)
    );
    println!(
        "| metadata-only / full | {:.2}x | {:.2}x |",
        mem(&meta) / mem(&full),
        time(&meta) / time(&full)
    );
}

fn sizes() {
    let fx = fixture();
    let (full, meta) = fx.client_rt.block_on(async {
        (
            bulk::list_body_len(&fx.client, false).await,
            bulk::list_body_len(&fx.client, true).await,
        )
    });
    println!(
        "list body of {} objects: full {full} B, metadata-only {meta} B, {:.2}x smaller",
        bulk::OBJECTS,
        full as f64 / meta as f64
    );
}

// ---------------------------------------------------------------- divan

#[divan::bench(sample_count = 10, sample_size = 1)]
fn list_full(b: divan::Bencher<'_, '_>) {
    let fx = fixture();
    b.bench(|| fx.client_rt.block_on(bulk::list_full(&fx.client)));
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn list_metadata(b: divan::Bencher<'_, '_>) {
    let fx = fixture();
    b.bench(|| fx.client_rt.block_on(bulk::list_metadata(&fx.client)));
}

/// Start to synced; the informer (and its watch) is dropped outside the timing.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn informer_sync_full(b: divan::Bencher<'_, '_>) {
    let fx = fixture();
    b.bench(|| fx.client_rt.block_on(sync::<ConfigMap>(fx.client.clone())));
}

/// Start to synced, caching `PartialObjectMetadata<ConfigMap>`.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn informer_sync_metadata(b: divan::Bencher<'_, '_>) {
    let fx = fixture();
    b.bench(|| {
        fx.client_rt
            .block_on(sync::<PartialObjectMetadata<ConfigMap>>(fx.client.clone()))
    });
}

fn main() {
    if let Ok(which) = std::env::var(CHILD_ENV) {
        memory_child(&which);
        return;
    }
    // `cargo test --benches` runs the binary with --test: no figures then.
    if !std::env::args().any(|a| a == "--test") {
        let t = Instant::now();
        fixture();
        println!("seeded {} ConfigMaps in {:?}", bulk::OBJECTS, t.elapsed());
        sizes();
        memory();
        if std::env::var_os("METADATA_BENCH_NO_DIVAN").is_some() {
            return;
        }
    }
    divan::main();
}
