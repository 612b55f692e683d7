//! The controller against the embedded server: eight workers under a storm
//! of updates never reconcile one object twice at once, and every object's
//! last state is reconciled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::{CreateOptions, ObjectMeta, TypedClient};
use client_runtime::CancellationToken;
use client_runtime::controller::{Action, Controller};
use client_runtime::informer::{InformerFactory, Namespace};
use support::{server, within};

#[derive(Default)]
struct Probe {
    running: Mutex<HashSet<String>>,
    overlaps: AtomicUsize,
    reconciles: AtomicUsize,
    /// The `n` each object had when it was last reconciled.
    last_seen: Mutex<HashMap<String, String>>,
}

async fn reconcile(cm: Arc<ConfigMap>, probe: Arc<Probe>) -> Result<Action, String> {
    let name = cm.metadata.name.clone().unwrap_or_default();
    if !probe.running.lock().unwrap().insert(name.clone()) {
        probe.overlaps.fetch_add(1, Ordering::SeqCst);
    }
    tokio::time::sleep(Duration::from_millis(5)).await;
    let n = cm.data.get("n").cloned().unwrap_or_default();
    probe.last_seen.lock().unwrap().insert(name.clone(), n);
    probe.reconciles.fetch_add(1, Ordering::SeqCst);
    probe.running.lock().unwrap().remove(&name);
    Ok(Action::AwaitChange)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_workers_never_reconcile_one_object_twice_at_once() {
    within(Duration::from_secs(60), async {
        let (_server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client.clone(), "default");
        let names: Vec<String> = (0..4).map(|i| format!("cm{i}")).collect();
        for name in &names {
            let cm = ConfigMap {
                metadata: ObjectMeta::named(name.clone()),
                data: [("n".to_owned(), "0".to_owned())].into(),
                ..ConfigMap::default()
            };
            cms.create(&cm, &CreateOptions::default()).await.unwrap();
        }
        let factory = InformerFactory::new(client.clone());
        let informer = factory.informer::<ConfigMap>(Namespace::All);
        factory.start();
        let probe = Arc::new(Probe::default());
        let token = CancellationToken::new();
        let run = tokio::spawn(
            Controller::new(informer)
                .workers(8)
                .graceful_shutdown_on(token.clone())
                .run(reconcile, |_, _, _| Action::Backoff, Arc::clone(&probe)),
        );
        // Four writers, one per object, 40 updates each, as fast as they go.
        let writers: Vec<_> = names
            .iter()
            .map(|name| {
                let (cms, name) = (cms.clone(), name.clone());
                tokio::spawn(async move {
                    for n in 1..=40 {
                        let mut cm = cms.get(&name, &Default::default()).await.unwrap();
                        cm.data.insert("n".into(), n.to_string());
                        cms.update(&cm, &Default::default()).await.unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        // Every object's last state gets reconciled.
        let limit = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let done = {
                let seen = probe.last_seen.lock().unwrap();
                names
                    .iter()
                    .all(|n| seen.get(n).map(String::as_str) == Some("40"))
            };
            if done {
                break;
            }
            assert!(
                tokio::time::Instant::now() < limit,
                "last states not reconciled"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        token.cancel();
        run.await.unwrap();
        factory.shutdown();
        assert_eq!(probe.overlaps.load(Ordering::SeqCst), 0);
        let reconciles = probe.reconciles.load(Ordering::SeqCst);
        // 4 creates + 160 updates, deduplicated while queued or running.
        assert!((4..=164).contains(&reconciles), "{reconciles} reconciles");
    })
    .await;
}
