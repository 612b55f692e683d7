//! Events per second through the watcher against the raw watch stream, on
//! the same embedded server and the same objects.
//!
//! Both sides make the same request shape (a streaming list: ADDED for every
//! object, then the `k8s.io/initial-events-end` bookmark) and read until that
//! bookmark, so the bytes on the wire are the same; the difference is the
//! watcher's bookkeeping (keys, resourceVersions, idle timer, event mapping).
//!
//! `main` first runs both interleaved (raw, watcher, raw, watcher, ...) and
//! prints medians, spread and the ratio; then divan measures each on its own.
//! Run: `cargo bench -p client-core --bench watcher`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use client_core::api::ConfigMap;
use client_core::watcher::{Event, WatcherConfig};
use client_core::{ListOptions, ResourceVersionMatch, TypedClient, WatchEvent};
use client_testserver::TestServer;
use futures_util::StreamExt;

const OBJECTS: usize = 5_000;

struct Fixture {
    runtime: tokio::runtime::Runtime,
    _server: TestServer,
    client: TypedClient<ConfigMap>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (server, client) = runtime.block_on(async {
            let server = TestServer::builder()
                .plain_http()
                .bookmark_interval(Duration::from_secs(3600))
                .start()
                .await
                .unwrap();
            let store = server.store();
            store
                .insert(
                    "v1",
                    "namespaces",
                    serde_json::json!({"metadata": {"name": "bench"}}),
                )
                .unwrap();
            for i in 0..OBJECTS {
                store
                    .insert(
                        "v1",
                        "configmaps",
                        serde_json::json!({
                            "metadata": {"name": format!("cm-{i:05}"), "namespace": "bench",
                                         "labels": {"app": "bench", "index": i.to_string()}},
                            "data": {"key": "value", "other": "x".repeat(64)},
                        }),
                    )
                    .unwrap();
            }
            let client = TypedClient::namespaced(server.rest_client().unwrap(), "bench");
            (server, client)
        });
        Fixture {
            runtime,
            _server: server,
            client,
        }
    })
}

/// The raw stream: a streaming-list watch read until its initial-events-end bookmark.
async fn raw(client: &TypedClient<ConfigMap>) -> usize {
    let mut opts = ListOptions::default().bookmarks().initial_events(true);
    opts.resource_version_match = Some(ResourceVersionMatch::NotOlderThan);
    let mut stream = client.watch(&opts).await.unwrap();
    let mut objects = 0;
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            WatchEvent::Added(_) => objects += 1,
            WatchEvent::Bookmark(b) if b.is_initial_events_end() => break,
            _ => {}
        }
    }
    objects
}

/// The watcher: the same request, read until `InitDone`.
async fn watcher(client: &TypedClient<ConfigMap>) -> usize {
    let mut watcher = client.watcher(WatcherConfig::default());
    let mut objects = 0;
    while let Some(event) = watcher.next().await {
        match event.unwrap() {
            Event::InitApply(_) => objects += 1,
            Event::InitDone => break,
            _ => {}
        }
    }
    objects
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn events_per_second(d: Duration) -> f64 {
    OBJECTS as f64 / d.as_secs_f64()
}

/// Interleaved rounds, so both sides see the same machine load.
fn interleaved(rounds: usize) {
    let f = fixture();
    let (mut raw_times, mut watcher_times) = (Vec::new(), Vec::new());
    for round in 0..rounds + 2 {
        let t = Instant::now();
        assert_eq!(f.runtime.block_on(raw(&f.client)), OBJECTS);
        let raw_time = t.elapsed();
        let t = Instant::now();
        assert_eq!(f.runtime.block_on(watcher(&f.client)), OBJECTS);
        let watcher_time = t.elapsed();
        if round >= 2 {
            // The first two rounds warm up connections and allocators.
            raw_times.push(raw_time);
            watcher_times.push(watcher_time);
        }
    }
    let spread = |v: &[Duration]| {
        let mut v = v.to_vec();
        v.sort();
        (v[v.len() / 10], v[v.len() * 9 / 10])
    };
    let (raw_lo, raw_hi) = spread(&raw_times);
    let (w_lo, w_hi) = spread(&watcher_times);
    let raw_median = median(&mut raw_times);
    let watcher_median = median(&mut watcher_times);
    println!("interleaved, {rounds} rounds of {OBJECTS} events each:");
    println!(
        "  raw WatchStream: median {raw_median:?} ({:.0} events/s), p10-p90 {raw_lo:?}-{raw_hi:?}",
        events_per_second(raw_median)
    );
    println!(
        "  Watcher:         median {watcher_median:?} ({:.0} events/s), p10-p90 {w_lo:?}-{w_hi:?}",
        events_per_second(watcher_median)
    );
    println!(
        "  watcher / raw throughput: {:.3}",
        raw_median.as_secs_f64() / watcher_median.as_secs_f64()
    );
}

fn main() {
    interleaved(30);
    divan::main();
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn raw_watch_stream(bencher: divan::Bencher<'_, '_>) {
    let f = fixture();
    bencher
        .counter(divan::counter::ItemsCount::new(OBJECTS))
        .bench(|| f.runtime.block_on(raw(&f.client)));
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn through_watcher(bencher: divan::Bencher<'_, '_>) {
    let f = fixture();
    bencher
        .counter(divan::counter::ItemsCount::new(OBJECTS))
        .bench(|| f.runtime.block_on(watcher(&f.client)));
}
