//! The informer over a hand-fed event stream, on a paused clock.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::watcher::{Event, ObjectRef};
use client_core::{ManagedFieldsEntry, ObjectMeta};
use tokio::sync::mpsc;

use super::*;

fn cm(name: &str, rv: &str) -> ConfigMap {
    let mut metadata = ObjectMeta::named(name).in_namespace("ns");
    metadata.resource_version = Some(rv.into());
    metadata.managed_fields = vec![ManagedFieldsEntry::default()];
    ConfigMap {
        metadata,
        ..ConfigMap::default()
    }
}

fn fed() -> (mpsc::UnboundedSender<Event<ConfigMap>>, Informer<ConfigMap>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) },
        );
    (
        tx,
        Informer::new(Box::pin(stream), Some(Duration::from_secs(30))),
    )
}

type Seen = Arc<Mutex<Vec<String>>>;

fn recorder(informer: &Informer<ConfigMap>) -> Seen {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    informer.add_handler(move |n: &Notification<ConfigMap>| {
        let line = match n {
            Notification::Added(o) => format!("add {}", o.metadata.name.as_deref().unwrap_or("")),
            Notification::Updated { old, new } => format!(
                "update {} {}->{}",
                new.metadata.name.as_deref().unwrap_or(""),
                old.metadata.resource_version.as_deref().unwrap_or(""),
                new.metadata.resource_version.as_deref().unwrap_or("")
            ),
            Notification::Deleted(o) => {
                format!("delete {}", o.metadata.name.as_deref().unwrap_or(""))
            }
        };
        log.lock().unwrap().push(line);
    });
    seen
}

async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn applies_events_syncs_and_strips_managed_fields() {
    let (tx, informer) = fed();
    let seen = recorder(&informer);
    assert!(informer.start());
    assert!(!informer.start());
    tx.send(Event::Init).unwrap();
    tx.send(Event::InitApply(cm("a", "1"))).unwrap();
    settle().await;
    assert!(!informer.has_synced());
    tx.send(Event::InitDone).unwrap();
    tokio::time::timeout(Duration::from_secs(1), informer.wait_for_sync())
        .await
        .unwrap();
    tx.send(Event::Apply(cm("a", "2"))).unwrap();
    tx.send(Event::Apply(cm("b", "3"))).unwrap();
    tx.send(Event::Delete(cm("b", "4"))).unwrap();
    tx.send(Event::Vanished(ObjectRef {
        namespace: Some("ns".into()),
        name: "a".into(),
        resource_version: "2".into(),
    }))
    .unwrap();
    settle().await;
    assert_eq!(
        *seen.lock().unwrap(),
        ["add a", "update a 1->2", "add b", "delete b", "delete a"]
    );
    assert!(informer.store().is_empty());
    tx.send(Event::Apply(cm("c", "5"))).unwrap();
    settle().await;
    let c = informer.lister().namespace("ns").get("c").unwrap();
    assert!(c.metadata.managed_fields.is_empty());
}

#[tokio::test(start_paused = true)]
async fn late_handler_gets_current_state_then_changes() {
    let (tx, informer) = fed();
    informer.start();
    tx.send(Event::InitApply(cm("a", "1"))).unwrap();
    tx.send(Event::InitApply(cm("b", "2"))).unwrap();
    tx.send(Event::InitDone).unwrap();
    settle().await;
    let seen = recorder(&informer);
    tx.send(Event::Apply(cm("a", "3"))).unwrap();
    settle().await;
    let mut got = seen.lock().unwrap().clone();
    got[..2].sort();
    assert_eq!(got, ["add a", "add b", "update a 1->3"]);
}

#[tokio::test(start_paused = true)]
async fn resync_replays_the_cache_without_the_server() {
    let (tx, informer) = fed();
    let seen = recorder(&informer);
    informer.start();
    tx.send(Event::InitApply(cm("a", "1"))).unwrap();
    tx.send(Event::InitDone).unwrap();
    settle().await;
    tokio::time::sleep(Duration::from_secs(29)).await;
    assert_eq!(seen.lock().unwrap().len(), 1);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(*seen.lock().unwrap(), ["add a", "update a 1->1"]);
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert_eq!(seen.lock().unwrap().len(), 3);
    informer.stop();
}

#[tokio::test(start_paused = true)]
async fn removed_handlers_hear_nothing_more() {
    let (tx, informer) = fed();
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let id = informer.add_handler(move |_n: &Notification<ConfigMap>| {
        log.lock().unwrap().push(String::new());
    });
    informer.start();
    tx.send(Event::Apply(cm("a", "1"))).unwrap();
    settle().await;
    assert!(informer.remove_handler(id));
    assert!(!informer.remove_handler(id));
    tx.send(Event::Apply(cm("a", "2"))).unwrap();
    settle().await;
    assert_eq!(seen.lock().unwrap().len(), 1);
}
