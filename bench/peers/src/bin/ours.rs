//! Our side: client-runtime's informer (InformerFactory → Informer → Store)
//! and WorkQueue. Usage: see [`peers::args`]; prints `RESULT` lines.

use std::sync::Arc;
use std::time::{Duration, Instant};

use client_core::watcher::{InitialList, WatcherConfig};
use client_runtime::informer::{InformerFactory, Namespace, Notification, RuntimeResource};
use client_runtime::workqueue::WorkQueue;
use peers::args::{self, Workload};
use peers::counter::EventCounter;
use peers::{BenchError, fixture, memory, report};

/// The longest any phase may take before the run fails.
const DEADLINE: Duration = Duration::from_secs(120);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BenchError> {
    match args::parse(std::env::args().skip(1))? {
        Workload::Informer {
            server,
            events,
            native: false,
        } => informer::<k8s_openapi::api::core::v1::ConfigMap>(&server, events).await,
        Workload::Informer {
            server,
            events,
            native: true,
        } => informer::<client_core::api::ConfigMap>(&server, events).await,
        Workload::Queue { items } => queue(items).await,
    }
}

/// Syncs an informer of `K` over the canned list, then counts `events`
/// watch updates through a handler.
async fn informer<K: RuntimeResource>(server: &str, events: u64) -> Result<(), BenchError> {
    let client = peers::clients::ours(server)?;
    // kube-runtime's watcher lists then watches, 500 a page: the same here.
    let config = WatcherConfig::default()
        .initial_list(InitialList::ListThenWatch)
        .page_size(500);
    let factory = InformerFactory::with_config(client, config, None);
    let informer = factory.informer::<K>(Namespace::named(fixture::NAMESPACE));
    let counter = Arc::new(EventCounter::new(events));
    let handler_counter = Arc::clone(&counter);
    informer.add_handler(move |n: &Notification<K>| {
        if matches!(n, Notification::Updated { .. }) {
            handler_counter.tick();
        }
    });

    let before = memory::read()?;
    let start = Instant::now();
    factory.start();
    tokio::time::timeout(DEADLINE, factory.wait_for_cache_sync())
        .await
        .map_err(|_| BenchError::Timeout(DEADLINE, "the informer to sync"))?;
    let sync = start.elapsed();
    let synced = memory::read()?;
    let cached = informer.store().len();
    if cached != fixture::OBJECTS {
        return Err(BenchError::Client(format!(
            "synced with {cached} objects, not {}",
            fixture::OBJECTS
        )));
    }
    counter.wait(DEADLINE).await?;
    let end = memory::read()?;
    factory.shutdown();

    report::result("sync_ms", sync.as_secs_f64() * 1e3);
    report::result("rss_before_mib", report::mib(before.rss_kib));
    report::result(
        "cache_mib",
        report::mib_between(before.rss_kib, synced.rss_kib),
    );
    report::result("hwm_sync_mib", report::mib(synced.hwm_kib));
    report::result("events_per_s", counter.per_second().unwrap_or(0.0));
    report::result("hwm_end_mib", report::mib(end.hwm_kib));
    Ok(())
}

/// Adds `items` distinct keys twice each (the second add deduplicated),
/// then gets and marks done every one.
async fn queue(items: u64) -> Result<(), BenchError> {
    let keys = peers::queue_keys(items);
    let queue = WorkQueue::<String>::new();
    let start = Instant::now();
    for key in &keys {
        queue.add(key.clone());
        queue.add(key.clone());
    }
    let mut got = 0u64;
    while got < items {
        let next = tokio::time::timeout(DEADLINE, queue.get())
            .await
            .map_err(|_| BenchError::Timeout(DEADLINE, "the queue"))?;
        let Some(key) = next else { break };
        queue.done(&key);
        got += 1;
    }
    let elapsed = start.elapsed();
    if got != items || !queue.is_empty() {
        return Err(BenchError::Client(format!("got {got} of {items} keys")));
    }
    report::result("queue_items_per_s", items as f64 / elapsed.as_secs_f64());
    Ok(())
}
