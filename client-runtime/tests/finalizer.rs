//! The finalizer helper against the embedded server, racing updates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use client_core::api::ConfigMap;
use client_core::{CreateOptions, DeleteOptions, Error, GetOptions, ObjectMeta, TypedClient};
use client_runtime::controller::Action;
use client_runtime::finalizer::{FinalizerError, FinalizerEvent, finalizer};
use support::{server, within};

const OURS: &str = "example.com/cleanup";
const OTHER: &str = "other.example.com/first";

#[derive(Debug, thiserror::Error)]
#[error("never")]
struct Never;

fn status_code<E: std::error::Error>(e: &FinalizerError<E>) -> Option<u16> {
    let inner = match e {
        FinalizerError::AddFinalizer(e) | FinalizerError::RemoveFinalizer(e) => e,
        _ => return None,
    };
    match inner {
        Error::Api { status, .. } => Some(status.code),
        _ => None,
    }
}

#[tokio::test]
async fn add_cleanup_and_remove_racing_updates() {
    within(Duration::from_secs(30), async {
        let (_server, client) = server().await;
        let cms = TypedClient::<ConfigMap>::namespaced(client, "default");
        let created = cms
            .create(
                &ConfigMap {
                    metadata: ObjectMeta::named("x"),
                    ..ConfigMap::default()
                },
                &CreateOptions::default(),
            )
            .await
            .unwrap();

        // A user updates the object after we read it: our add is refused.
        let mut edited = created.clone();
        edited.metadata.labels.insert("edited".into(), "yes".into());
        let edited = cms.update(&edited, &Default::default()).await.unwrap();
        let applies = AtomicUsize::new(0);
        let stale = finalizer(&cms, OURS, Arc::new(created), |_| async {
            applies.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Never>(Action::AwaitChange)
        })
        .await
        .unwrap_err();
        assert_eq!(status_code(&stale), Some(422), "{stale}");
        assert_eq!(
            applies.load(Ordering::SeqCst),
            0,
            "no reconcile before the finalizer"
        );
        let now = cms.get("x", &GetOptions::default()).await.unwrap();
        assert!(now.metadata.finalizers.is_empty());
        assert_eq!(
            now.metadata.labels.get("edited").map(String::as_str),
            Some("yes")
        );

        // Fresh: added, after another controller's finalizer.
        let mut with_other = edited;
        with_other.metadata.finalizers = vec![OTHER.into()];
        let fresh = cms.update(&with_other, &Default::default()).await.unwrap();
        let action = finalizer(&cms, OURS, Arc::new(fresh), |_| async {
            Ok::<_, Never>(Action::AwaitChange)
        })
        .await
        .unwrap();
        assert_eq!(action, Action::AwaitChange);
        let now = cms.get("x", &GetOptions::default()).await.unwrap();
        assert_eq!(now.metadata.finalizers, [OTHER, OURS]);

        // Live with the finalizer: Apply.
        let got = finalizer(&cms, OURS, Arc::new(now), |event| async move {
            match event {
                FinalizerEvent::Apply(_) => Ok::<_, Never>(Action::requeue(Duration::from_secs(9))),
                FinalizerEvent::Cleanup(_) => panic!("cleanup of a live object"),
            }
        })
        .await
        .unwrap();
        assert_eq!(got, Action::requeue(Duration::from_secs(9)));

        // Deleted: both finalizers hold it.
        cms.delete("x", &DeleteOptions::default()).await.unwrap();
        let deleting = cms.get("x", &GetOptions::default()).await.unwrap();
        assert!(deleting.metadata.deletion_timestamp.is_some());

        // While we clean up, the other controller removes its finalizer:
        // ours moves from index 1 to 0. Our removal must not go through.
        let cleanups = AtomicUsize::new(0);
        let race = finalizer(&cms, OURS, Arc::new(deleting), |event| {
            let cms = cms.clone();
            let cleanups = &cleanups;
            async move {
                assert!(matches!(event, FinalizerEvent::Cleanup(_)));
                cleanups.fetch_add(1, Ordering::SeqCst);
                let mut theirs = cms.get("x", &GetOptions::default()).await.unwrap();
                theirs.metadata.finalizers.retain(|f| f != OTHER);
                cms.update(&theirs, &Default::default()).await.unwrap();
                Ok::<_, Never>(Action::AwaitChange)
            }
        })
        .await
        .unwrap_err();
        assert_eq!(status_code(&race), Some(422), "{race}");
        let now = cms.get("x", &GetOptions::default()).await.unwrap();
        assert_eq!(now.metadata.finalizers, [OURS], "only theirs went");

        let stale_deleting = now.clone();
        // The retry with the fresh object removes ours; the object goes.
        let counter = &cleanups;
        let done = finalizer(&cms, OURS, Arc::new(now), |event| async move {
            assert!(matches!(event, FinalizerEvent::Cleanup(_)));
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Never>(Action::AwaitChange)
        })
        .await
        .unwrap();
        assert_eq!(done, Action::AwaitChange);
        assert_eq!(cleanups.load(Ordering::SeqCst), 2);
        let gone = cms.get("x", &GetOptions::default()).await.unwrap_err();
        assert!(
            matches!(&gone, Error::Api { status, .. } if status.code == 404),
            "{gone}"
        );

        // A cache that is behind hands over the deleted object again: the
        // cleanup runs (it must be idempotent) and the 404 counts as done.
        let again = finalizer(&cms, OURS, Arc::new(stale_deleting), |_| async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok::<_, Never>(Action::AwaitChange)
        })
        .await
        .unwrap();
        assert_eq!(again, Action::AwaitChange);
        assert_eq!(cleanups.load(Ordering::SeqCst), 3);
    })
    .await;
}
