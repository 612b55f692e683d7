//! Our side: client-runtime's informer (InformerFactory → Informer → Store)
//! and WorkQueue. Usage: see [`peers::args`]; prints `RESULT` lines.

use std::sync::Arc;
use std::time::{Duration, Instant};

use client_core::watcher::{InitialList, WatcherConfig};
use client_runtime::cache::Store;
use client_runtime::informer::{InformerFactory, Namespace, Notification, RuntimeResource};
use client_runtime::workqueue::WorkQueue;
use peers::args::{self, Workload};
use peers::counter::EventCounter;
use peers::live::Counting;
use peers::{BenchError, fixture, memory, report};

/// Counts live heap bytes once `PEERS_BREAKDOWN` is set (off otherwise).
#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Set (to anything) to print where the cache's memory goes after the run.
const BREAKDOWN_ENV: &str = "PEERS_BREAKDOWN";

/// The longest any phase may take before the run fails.
const DEADLINE: Duration = Duration::from_secs(120);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BenchError> {
    if std::env::var_os(BREAKDOWN_ENV).is_some() {
        Counting::enable();
    }
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
    let live_before = Counting::live();
    let start = Instant::now();
    factory.start();
    tokio::time::timeout(DEADLINE, factory.wait_for_cache_sync())
        .await
        .map_err(|_| BenchError::Timeout(DEADLINE, "the informer to sync"))?;
    let sync = start.elapsed();
    let synced = memory::read()?;
    let live_synced = Counting::live();
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
    if std::env::var_os(BREAKDOWN_ENV).is_some() {
        let cache = Breakdown {
            rss_before_kib: before.rss_kib,
            rss_synced_kib: synced.rss_kib,
            live_cache: live_synced - live_before,
        };
        breakdown::<K>(&cache)?;
    }
    Ok(())
}

/// The readings at sync that [`breakdown`] splits up.
struct Breakdown {
    rss_before_kib: u64,
    rss_synced_kib: u64,
    /// Live heap bytes gained from start to sync.
    live_cache: isize,
}

/// Prints `BREAKDOWN <what> <MiB>` lines: the heap bytes live at sync
/// (objects, store, the rest) against the RSS gained, what the allocator
/// gives back when trimmed (the cache still held), and what one `K` and
/// the store's structure cost in the heap.
fn breakdown<K: RuntimeResource>(at_sync: &Breakdown) -> Result<(), BenchError> {
    let mib = |bytes: isize| bytes as f64 / (1024.0 * 1024.0);
    let line = |what: &str, value: f64| println!("BREAKDOWN {what} {value:.2}");
    let rss_cache = report::mib_between(at_sync.rss_before_kib, at_sync.rss_synced_kib);
    line("rss_cache_mib", rss_cache);
    line("live_cache_mib", mib(at_sync.live_cache));
    line("rss_minus_live_mib", rss_cache - mib(at_sync.live_cache));
    // What the allocator holds free (decode buffers, list pages) but kept.
    let before_trim = memory::read()?;
    let released = peers::live::trim();
    let after_trim = memory::read()?;
    line(
        "trim_released_mib",
        report::mib_between(after_trim.rss_kib, before_trim.rss_kib),
    );
    line("trim_released_any", f64::from(u8::from(released)));

    // The objects alone: every template decoded into `K`, each in an Arc.
    let live = Counting::live();
    let mut objects = Vec::with_capacity(fixture::OBJECTS);
    let mut json = Vec::new();
    for i in 0..fixture::OBJECTS {
        json.clear();
        fixture::template(i).render_into(i as u64 + 1, &mut json);
        let obj: K =
            serde_json::from_slice(&json).map_err(|e| BenchError::Client(e.to_string()))?;
        objects.push(Arc::new(obj));
    }
    let vec_bytes = objects.capacity() * std::mem::size_of::<Arc<K>>();
    let objects_live = Counting::live() - live - vec_bytes as isize - json.capacity() as isize;
    line("objects_mib", mib(objects_live));
    line(
        "object_bytes_each",
        objects_live as f64 / fixture::OBJECTS as f64,
    );
    line("object_inline_bytes", std::mem::size_of::<K>() as f64);

    // The store's own structure: a second store over the same Arcs.
    let live = Counting::live();
    let store = Store::<K>::new();
    for obj in &objects {
        store.apply(Arc::clone(obj));
    }
    let store_live = Counting::live() - live;
    line("store_mib", mib(store_live));
    line(
        "store_bytes_each",
        store_live as f64 / fixture::OBJECTS as f64,
    );
    line(
        "rest_mib",
        mib(at_sync.live_cache - objects_live - store_live),
    );
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
