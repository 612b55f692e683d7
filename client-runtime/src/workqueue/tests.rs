//! The queue on a paused clock: dedup, delays, backoff and its reset,
//! draining shutdown, metrics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use prometheus_client::registry::Registry;
use tokio::time::{Instant, timeout};

use super::rate_limiter::ItemExponential;
use super::*;

const LIMIT: Duration = Duration::from_secs(5000);

async fn next<T: QueueItem>(queue: &WorkQueue<T>) -> T {
    timeout(LIMIT, queue.get()).await.unwrap().unwrap()
}

#[tokio::test(start_paused = true)]
async fn dedups_while_queued_and_requeues_once_after_done() {
    let q = WorkQueue::<&str>::new();
    q.add("a");
    q.add("b");
    q.add("a");
    assert_eq!(q.len(), 2);
    let a = next(&q).await;
    assert_eq!(a, "a");
    q.add("a");
    q.add("a");
    // Held by a worker: not handed to anyone else.
    assert_eq!(next(&q).await, "b");
    assert!(timeout(Duration::from_secs(1), q.get()).await.is_err());
    q.done(&a);
    assert_eq!(q.len(), 1);
    assert_eq!(next(&q).await, "a");
    q.done(&"a");
    q.done(&"b");
    assert!(q.is_empty());
}

#[tokio::test(start_paused = true)]
async fn add_after_waits_and_the_earliest_delay_wins() {
    let q = WorkQueue::<&str>::new();
    let start = Instant::now();
    q.add_after("a", Duration::from_secs(10));
    q.add_after("a", Duration::from_secs(3));
    q.add_after("a", Duration::from_secs(7));
    assert_eq!(next(&q).await, "a");
    assert_eq!(start.elapsed(), Duration::from_secs(3));
    q.done(&"a");
    // The later timers found a newer deadline and stayed quiet.
    assert!(timeout(Duration::from_secs(20), q.get()).await.is_err());
}

#[tokio::test(start_paused = true)]
async fn rate_limited_retries_back_off_per_key_and_forget_resets() {
    let q = WorkQueue::<&str>::builder()
        .rate_limiter(ItemExponential::new(
            Duration::from_millis(5),
            Duration::from_secs(1000),
        ))
        .build();
    let mut waits = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        q.add_rate_limited("a");
        let item = next(&q).await;
        waits.push(t.elapsed());
        q.done(&item);
    }
    assert_eq!(waits, [5, 10, 20, 40, 80].map(Duration::from_millis));
    assert_eq!(q.num_requeues(&"a"), 5);
    // Another key's backoff is its own.
    let t = Instant::now();
    q.add_rate_limited("b");
    next(&q).await;
    assert_eq!(t.elapsed(), Duration::from_millis(5));
    q.forget(&"a");
    assert_eq!(q.num_requeues(&"a"), 0);
    let t = Instant::now();
    q.add_rate_limited("a");
    next(&q).await;
    assert_eq!(t.elapsed(), Duration::from_millis(5));
}

#[tokio::test(start_paused = true)]
async fn shutdown_drains_queued_and_running_items() {
    let q = WorkQueue::<u32>::new();
    for i in 0..3 {
        q.add(i);
    }
    let held = next(&q).await;
    q.add_after(99, Duration::from_secs(1));
    let drain = tokio::spawn({
        let q = q.clone();
        async move { q.shut_down_with_drain().await }
    });
    tokio::task::yield_now().await;
    q.add(7); // ignored: shutting down
    // Queued items are still handed out.
    let mut got = vec![next(&q).await, next(&q).await];
    got.sort_unstable();
    assert_eq!(got, [1, 2]);
    assert_eq!(timeout(LIMIT, q.get()).await.unwrap(), None);
    q.done(&1);
    q.done(&2);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !drain.is_finished(),
        "drain returned while item {held} runs"
    );
    q.done(&held);
    timeout(LIMIT, drain).await.unwrap().unwrap();
    // The delayed add was dropped.
    assert_eq!(q.len(), 0);
}

#[tokio::test(start_paused = true)]
async fn metrics_follow_client_go_names() {
    let mut registry = Registry::default();
    let metrics = QueueMetrics::register(&mut registry);
    let q = WorkQueue::<&str>::builder()
        .name("things")
        .metrics(&metrics)
        .build();
    q.add("a");
    q.add("b");
    tokio::time::sleep(Duration::from_millis(250)).await;
    let a = next(&q).await;
    // The ticker last ran at 3.5 s; `a` was handed out at 0.25 s.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    q.add_rate_limited("c");
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    for want in [
        r#"workqueue_depth{name="things"} 1"#,
        r#"workqueue_adds_total{name="things"} 2"#,
        r#"workqueue_retries_total{name="things"} 1"#,
        r#"workqueue_queue_duration_seconds_count{name="things"} 1"#,
        r#"workqueue_longest_running_processor_seconds{name="things"} 3.25"#,
    ] {
        assert!(text.contains(want), "{want} missing from\n{text}");
    }
    q.done(&a);
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
    assert!(text.contains(r#"workqueue_work_duration_seconds_count{name="things"} 1"#));
    q.shut_down();
}

#[tokio::test(start_paused = true)]
async fn many_delays_come_due_in_deadline_order_on_time() {
    let q = WorkQueue::<u64>::new();
    let start = Instant::now();
    // Added latest-first, so each new deadline is the earliest so far.
    for i in (1..=500u64).rev() {
        q.add_after(i, Duration::from_millis(i * 10));
    }
    for i in 1..=500u64 {
        let item = next(&q).await;
        assert_eq!(item, i);
        assert_eq!(start.elapsed(), Duration::from_millis(i * 10));
        q.done(&item);
    }
}

#[tokio::test(start_paused = true)]
async fn done_items_leave_no_trace_and_requeued_ones_keep_one() {
    let q = WorkQueue::<String>::new();
    for i in 0..100 {
        q.add(format!("k{i}"));
        q.add(format!("k{i}"));
    }
    assert_eq!(q.len(), 100);
    let first = next(&q).await;
    // Added again while held: one entry, queued again only at `done`.
    q.add(first.clone());
    q.add(first.clone());
    assert_eq!(q.len(), 99);
    q.done(&first);
    assert_eq!(q.len(), 100);
    // `done` of an item not held changes nothing.
    q.done(&"k5".to_owned());
    assert_eq!(q.len(), 100);
    while !q.is_empty() {
        let item = next(&q).await;
        q.done(&item);
    }
    let state = lock(&q.inner.state);
    assert!(state.items.is_empty(), "{} entries left", state.items.len());
    assert_eq!(state.processing, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_getters_take_every_item_added_in_bursts() {
    let q = WorkQueue::<u32>::new();
    let taken = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let (q, taken) = (q.clone(), Arc::clone(&taken));
            tokio::spawn(async move {
                while let Some(item) = q.get().await {
                    taken.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::task::yield_now().await;
                    q.done(&item);
                }
            })
        })
        .collect();
    for burst in 0..50 {
        for i in 0..20 {
            q.add(burst * 20 + i);
        }
        tokio::task::yield_now().await;
    }
    // Every item is handed out although getters slept between bursts.
    timeout(Duration::from_secs(10), async {
        while taken.load(std::sync::atomic::Ordering::SeqCst) < 1000 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("items left queued while getters slept");
    timeout(Duration::from_secs(10), q.shut_down_with_drain())
        .await
        .unwrap();
    for worker in workers {
        timeout(Duration::from_secs(10), worker)
            .await
            .unwrap()
            .unwrap();
    }
    assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 1000);
}
