//! The controller over hand-fed informers, on a paused clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use client_core::api::{ConfigMap, Secret};
use client_core::watcher::Event;
use client_core::{ObjectMeta, OwnerReference};
use tokio::time::timeout;

use super::*;
use crate::test_support::fed_informer;

fn secret(name: &str, rv: u64) -> Secret {
    let mut metadata = ObjectMeta::named(name).in_namespace("ns");
    metadata.resource_version = Some(rv.to_string());
    Secret {
        metadata,
        ..Secret::default()
    }
}

#[derive(Default)]
struct Probe {
    running: Mutex<HashSet<String>>,
    overlaps: AtomicUsize,
    reconciles: Mutex<Vec<String>>,
}

async fn probe_reconcile(s: Arc<Secret>, probe: Arc<Probe>) -> Result<Action, String> {
    let name = s.metadata.name.clone().unwrap_or_default();
    if !probe.running.lock().unwrap().insert(name.clone()) {
        probe.overlaps.fetch_add(1, Ordering::SeqCst);
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    probe.running.lock().unwrap().remove(&name);
    probe.reconciles.lock().unwrap().push(name);
    Ok(Action::AwaitChange)
}

#[tokio::test(start_paused = true)]
async fn eight_workers_never_reconcile_one_key_twice_at_once() {
    let (tx, informer) = fed_informer::<Secret>(None);
    informer.start();
    for i in 0..5 {
        tx.send(Event::InitApply(secret(&format!("s{i}"), i)))
            .unwrap();
    }
    tx.send(Event::InitDone).unwrap();
    let probe = Arc::new(Probe::default());
    let token = CancellationToken::new();
    let run = tokio::spawn(
        Controller::new(informer)
            .workers(8)
            .graceful_shutdown_on(token.clone())
            .run(
                probe_reconcile,
                |_, _, _| Action::Backoff,
                Arc::clone(&probe),
            ),
    );
    // A storm of updates to five keys, faster than reconciles finish.
    for rv in 10..400u64 {
        tx.send(Event::Apply(secret(&format!("s{}", rv % 5), rv)))
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    token.cancel();
    timeout(Duration::from_secs(60), run)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(probe.overlaps.load(Ordering::SeqCst), 0);
    let n = probe.reconciles.lock().unwrap().len();
    // Deduplicated: far fewer reconciles than events, but every key at least once.
    assert!((5..400).contains(&n), "{n} reconciles");
    let keys: HashSet<_> = probe.reconciles.lock().unwrap().iter().cloned().collect();
    assert_eq!(keys.len(), 5);
}

#[tokio::test(start_paused = true)]
async fn shutdown_finishes_running_reconciles_and_takes_no_more() {
    let (tx, informer) = fed_informer::<Secret>(None);
    informer.start();
    for i in 0..3 {
        tx.send(Event::InitApply(secret(&format!("s{i}"), i)))
            .unwrap();
    }
    tx.send(Event::InitDone).unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let token = CancellationToken::new();
    let reconcile = {
        let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
        move |_s: Arc<Secret>, _c: Arc<()>| {
            let (started, finished) = (Arc::clone(&started), Arc::clone(&finished));
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(5)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                Ok::<_, String>(Action::AwaitChange)
            }
        }
    };
    let run = tokio::spawn(
        Controller::new(informer)
            .graceful_shutdown_on(token.clone())
            .run(reconcile, |_, _, _| Action::Backoff, Arc::new(())),
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(started.load(Ordering::SeqCst), 1);
    token.cancel();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!run.is_finished(), "returned while a reconcile ran");
    timeout(Duration::from_secs(60), run)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(finished.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn owned_and_watched_changes_reconcile_the_mapped_keys() {
    let (ptx, primary) = fed_informer::<Secret>(None);
    let (ctx_tx, children) = fed_informer::<ConfigMap>(None);
    let (wtx, watched) = fed_informer::<ConfigMap>(None);
    primary.start();
    children.start();
    watched.start();
    ptx.send(Event::InitApply(secret("owner", 1))).unwrap();
    ptx.send(Event::InitApply(secret("other", 2))).unwrap();
    ptx.send(Event::InitDone).unwrap();
    ctx_tx.send(Event::InitDone).unwrap();
    wtx.send(Event::InitDone).unwrap();
    let probe = Arc::new(Probe::default());
    let token = CancellationToken::new();
    let run = tokio::spawn(
        Controller::new(primary)
            .owns(children)
            .watches(watched, |cm: &ConfigMap| {
                cm.metadata
                    .labels
                    .get("for")
                    .map(|n| ObjectKey::namespaced("ns", n.clone()))
                    .into_iter()
                    .collect()
            })
            .graceful_shutdown_on(token.clone())
            .run(
                probe_reconcile,
                |_, _, _| Action::Backoff,
                Arc::clone(&probe),
            ),
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    probe.reconciles.lock().unwrap().clear();

    let mut child = ConfigMap {
        metadata: ObjectMeta::named("child").in_namespace("ns"),
        ..ConfigMap::default()
    };
    child.metadata.owner_references = vec![OwnerReference {
        api_version: "v1".into(),
        kind: "Secret".into(),
        name: "owner".into(),
        uid: "u".into(),
        controller: Some(true),
        block_owner_deletion: None,
    }];
    ctx_tx.send(Event::Apply(child)).unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(*probe.reconciles.lock().unwrap(), ["owner"]);

    let pointer = ConfigMap {
        metadata: ObjectMeta::named("p")
            .in_namespace("ns")
            .with_label("for", "other"),
        ..ConfigMap::default()
    };
    wtx.send(Event::Apply(pointer)).unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(*probe.reconciles.lock().unwrap(), ["owner", "other"]);
    token.cancel();
    timeout(Duration::from_secs(60), run)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn errors_back_off_per_key_and_success_resets() {
    let (tx, informer) = fed_informer::<Secret>(None);
    informer.start();
    tx.send(Event::InitApply(secret("s", 1))).unwrap();
    tx.send(Event::InitDone).unwrap();
    let times = Arc::new(Mutex::new(Vec::new()));
    let reconcile = {
        let times = Arc::clone(&times);
        move |_s: Arc<Secret>, _c: Arc<()>| {
            let times = Arc::clone(&times);
            async move {
                let mut t = times.lock().unwrap();
                t.push(tokio::time::Instant::now());
                // Fail four times, succeed once, then fail again.
                if t.len() == 5 {
                    Ok(Action::requeue(Duration::from_secs(1)))
                } else {
                    Err("boom".to_owned())
                }
            }
        }
    };
    let token = CancellationToken::new();
    let run = tokio::spawn(
        Controller::new(informer)
            .graceful_shutdown_on(token.clone())
            .run(reconcile, |_, _, _| Action::Backoff, Arc::new(())),
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    token.cancel();
    timeout(Duration::from_secs(60), run)
        .await
        .unwrap()
        .unwrap();
    let t = times.lock().unwrap();
    let gaps: Vec<_> = t.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(
        gaps[..6],
        [5, 10, 20, 40, 1000, 5].map(Duration::from_millis),
        "{gaps:?}"
    );
}
