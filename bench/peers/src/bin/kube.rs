//! kube-rs' side: kube-runtime's reflector (watcher → reflector Store) and
//! its scheduler. Usage: see [`peers::args`]; prints `RESULT` lines.

use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::Api;
use kube::runtime::scheduler::{ScheduleRequest, scheduler};
use kube::runtime::{reflector, watcher};
use peers::args::{self, Workload};
use peers::counter::EventCounter;
use peers::{BenchError, fixture, memory, report};

/// The longest any phase may take before the run fails.
const DEADLINE: Duration = Duration::from_secs(120);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BenchError> {
    match args::parse(std::env::args().skip(1))? {
        Workload::Informer { native: true, .. } => Err(BenchError::Args(
            "kube-rs has no native ConfigMap; use `informer`".to_owned(),
        )),
        Workload::Informer { server, events, .. } => informer(&server, events).await,
        Workload::Queue { items } => queue(items).await,
    }
}

/// Syncs a reflector over the canned list, then counts `events` watch
/// updates through the stream's consumer (the handler).
async fn informer(server: &str, events: u64) -> Result<(), BenchError> {
    let client = peers::clients::kube(server)?;
    let api: Api<ConfigMap> = Api::namespaced(client, fixture::NAMESPACE);
    let (reader, writer) = reflector::store();
    // watcher::Config's defaults: list then watch, 500 a page.
    let stream = reflector(writer, watcher(api, watcher::Config::default()));
    let counter = Arc::new(EventCounter::new(events));
    let handler_counter = Arc::clone(&counter);

    let before = memory::read()?;
    let start = Instant::now();
    let task = tokio::spawn(async move {
        let mut stream = pin!(stream);
        while let Some(event) = stream.next().await {
            match event {
                Ok(watcher::Event::Apply(_)) => handler_counter.tick(),
                Ok(_) => {}
                // kube's watcher without a backoff retries at once, forever
                // (a failed watch once left its client's buffer worker dead and
                // the loop spinning): end the run instead, so run.py sees it.
                Err(e) => {
                    eprintln!("watcher: {e}");
                    std::process::exit(2);
                }
            }
        }
    });
    tokio::time::timeout(DEADLINE, reader.wait_until_ready())
        .await
        .map_err(|_| BenchError::Timeout(DEADLINE, "the reflector to sync"))?
        .map_err(|e| BenchError::Client(e.to_string()))?;
    let sync = start.elapsed();
    let synced = memory::read()?;
    let cached = reader.len();
    if cached != fixture::OBJECTS {
        return Err(BenchError::Client(format!(
            "synced with {cached} objects, not {}",
            fixture::OBJECTS
        )));
    }
    counter.wait(DEADLINE).await?;
    let end = memory::read()?;
    task.abort();

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

/// Sends `items` distinct keys twice each, all due now, through the
/// scheduler (which deduplicates pending keys) and takes every one out.
async fn queue(items: u64) -> Result<(), BenchError> {
    let keys = peers::queue_keys(items);
    let start = Instant::now();
    let now = tokio::time::Instant::now();
    // A controller's request stream never ends; the scheduler stops at the
    // end of its input, so the input stays open after the keys.
    let requests = futures_util::stream::iter(keys.iter().flat_map(|key| {
        [key.clone(), key.clone()].map(|message| ScheduleRequest {
            message,
            run_at: now,
        })
    }))
    .chain(futures_util::stream::pending());
    let mut scheduled = pin!(scheduler(requests));
    let mut got = 0u64;
    while got < items {
        let next = tokio::time::timeout(DEADLINE, scheduled.next())
            .await
            .map_err(|_| BenchError::Timeout(DEADLINE, "the scheduler"))?;
        if next.is_none() {
            break;
        }
        got += 1;
    }
    let elapsed = start.elapsed();
    if got != items {
        return Err(BenchError::Client(format!("got {got} of {items} keys")));
    }
    report::result("queue_items_per_s", items as f64 / elapsed.as_secs_f64());
    Ok(())
}
