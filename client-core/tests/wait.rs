//! The wait helpers (`client_core::wait`) against `client-testserver`: a wait
//! returns when a later change makes its condition hold (not before), gives
//! up at its timeout with the watcher's last error, stops on a terminal
//! watch error, and `install_crd` creates, updates and waits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::time::Duration;

use client_core::api::{ConfigMap, ConfigMapClient, CustomResourceDefinition};
use client_core::wait::{self, View, WaitError, conditions};
use client_core::watcher::{BackoffConfig, WatcherConfig};
use client_core::{
    BuiltinClientset, CreateOptions, DeleteOptions, GetOptions, ObjectMeta, Patch, PatchOptions,
    Resource, RestClient,
};
use client_testserver::{Fault, FaultAction, TestServer};
use serde::{Deserialize, Serialize};

/// Every test runs under this hard limit.
async fn within<F: Future<Output = ()>>(limit: Duration, f: F) {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit");
}

fn fast() -> WatcherConfig {
    WatcherConfig::default().backoff(BackoffConfig {
        initial: Duration::from_millis(10),
        max: Duration::from_millis(50),
        factor: 2.0,
        jitter: 0.1,
        reset_after: Duration::from_secs(1),
    })
}

fn configmap(name: &str) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta::named(name),
        ..ConfigMap::default()
    }
}

/// A fresh server and the configmaps of its `default` namespace.
async fn configmaps() -> (TestServer, ConfigMapClient) {
    let server = TestServer::start().await.unwrap();
    let cs = BuiltinClientset::new(server.rest_client().unwrap());
    (server, cs.core_v1().configmaps("default"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn await_condition_returns_when_a_later_change_makes_it_hold() {
    within(Duration::from_secs(30), async {
        let (_server, cms) = configmaps().await;
        cms.create(&configmap("flag"), &CreateOptions::default())
            .await
            .unwrap();
        let waiter = tokio::spawn(wait::await_condition(
            cms.watcher(fast().named("flag")),
            "flag",
            |cm: Option<&ConfigMap>| cm.is_some_and(|cm| cm.data.contains_key("ready")),
            Duration::from_secs(20),
        ));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiter.is_finished(), "returned before the change");
        let patch = Patch::Merge(serde_json::json!({"data": {"ready": "yes"}}));
        cms.patch("flag", &patch, &PatchOptions::default())
            .await
            .unwrap();
        let seen = waiter.await.unwrap().unwrap().expect("the object");
        assert_eq!(seen.data.get("ready").map(String::as_str), Some("yes"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn is_deleted_waits_for_the_delete() {
    within(Duration::from_secs(30), async {
        let (_server, cms) = configmaps().await;
        let created = cms
            .create(&configmap("doomed"), &CreateOptions::default())
            .await
            .unwrap();
        let uid = created.metadata.uid.clone().unwrap();
        let waiter = tokio::spawn(wait::await_condition(
            cms.watcher(fast().named("doomed")),
            "doomed",
            conditions::is_deleted(&uid),
            Duration::from_secs(20),
        ));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiter.is_finished(), "the object still exists");
        cms.delete("doomed", &DeleteOptions::default())
            .await
            .unwrap();
        assert!(waiter.await.unwrap().unwrap().is_none());
        // Recreated under the same name: a new uid, so the old one is deleted.
        cms.create(&configmap("doomed"), &CreateOptions::default())
            .await
            .unwrap();
        let again = wait::await_condition(
            cms.watcher(fast().named("doomed")),
            "doomed",
            conditions::is_deleted(&uid),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
        assert_ne!(again.and_then(|cm| cm.metadata.uid), Some(uid));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_carries_the_watchers_last_error() {
    within(Duration::from_secs(30), async {
        let (server, cms) = configmaps().await;
        // Never holds: times out, with no error to report.
        let absent = |timeout| {
            wait::await_condition(
                cms.watcher(fast()),
                "absent",
                |cm: Option<&ConfigMap>| cm.is_some(),
                timeout,
            )
        };
        let started = tokio::time::Instant::now();
        let never = absent(Duration::from_millis(300)).await;
        let waited = started.elapsed();
        assert!(
            matches!(never, Err(WaitError::Timeout { after, last_error: None }) if after == Duration::from_millis(300)),
            "{never:?}"
        );
        assert!(waited >= Duration::from_millis(300) && waited < Duration::from_secs(5));
        // Every list and watch fails with 503: the timeout says why.
        server.faults().add(
            Fault::new(FaultAction::Status {
                code: 503,
                retry_after_seconds: None,
            })
            .resource("configmaps"),
        );
        let failing = absent(Duration::from_millis(500)).await;
        match failing {
            Err(WaitError::Timeout {
                last_error: Some(error),
                ..
            }) => assert_eq!(
                error.client_error().and_then(client_core::Error::code),
                Some(503)
            ),
            other => panic!("expected a timeout with the 503: {other:?}"),
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_watch_error_ends_the_wait_at_once() {
    within(Duration::from_secs(30), async {
        let (_server, cms) = configmaps().await;
        let result = wait::await_condition(
            cms.watcher(fast().fields("no operator here")),
            "x",
            |cm: Option<&ConfigMap>| cm.is_some(),
            Duration::from_secs(20),
        )
        .await;
        assert!(
            matches!(&result, Err(WaitError::Watcher(e)) if e.is_terminal()),
            "{result:?}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn until_with_sync_sees_every_object_across_dropped_watches() {
    within(Duration::from_secs(30), async {
        let (server, cms) = configmaps().await;
        server.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 2 })
                .verb("watch")
                .resource("configmaps")
                .times(3),
        );
        let waiter = tokio::spawn(wait::until_with_sync(
            cms.watcher(fast()),
            Duration::from_secs(20),
            |view: &View<ConfigMap>| {
                (view.len() >= 10).then(|| view.keys().cloned().collect::<Vec<_>>())
            },
        ));
        for i in 0..10 {
            cms.create(&configmap(&format!("cm-{i}")), &CreateOptions::default())
                .await
                .unwrap();
        }
        let keys = waiter.await.unwrap().unwrap();
        assert_eq!(keys.len(), 10);
        assert!(
            keys.iter()
                .all(|(ns, name)| ns == "default" && name.starts_with("cm-"))
        );
    })
    .await;
}

/// A kind whose CRD `install_crd` installs.
#[derive(Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "wait.example.com", version = "v1", kind = "Gizmo")]
struct Gizmo {
    metadata: ObjectMeta,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn install_crd_creates_updates_and_waits_until_established() {
    within(Duration::from_secs(30), async {
        let server = TestServer::start().await.unwrap();
        let cs = BuiltinClientset::new(server.rest_client().unwrap());
        let client: RestClient = cs.rest_client().clone();
        let installed = wait::install_crd(&client, &Gizmo::crd(), Duration::from_secs(10))
            .await
            .unwrap();
        assert!(installed.created);
        assert!(installed.crd.is_established());
        // The kind is served at once.
        Gizmo::client(&client, "default")
            .create(
                &Gizmo {
                    metadata: ObjectMeta::named("g"),
                },
                &CreateOptions::default(),
            )
            .await
            .unwrap();
        // Installing a changed CRD updates the existing one in place.
        let mut changed = Gizmo::crd();
        changed.spec.names.short_names = vec!["gz".to_owned()];
        changed
            .metadata
            .labels
            .insert("owner".to_owned(), "test".to_owned());
        let again = wait::install_crd(&client, &changed, Duration::from_secs(10))
            .await
            .unwrap();
        assert!(!again.created);
        let stored = cs
            .apiextensions_v1()
            .customresourcedefinitions()
            .get("gizmos.wait.example.com", &GetOptions::default())
            .await
            .unwrap();
        assert_eq!(stored.spec.names.short_names, ["gz"]);
        assert_eq!(
            stored.metadata.labels.get("owner").map(String::as_str),
            Some("test")
        );
        assert_eq!(stored.metadata.uid, installed.crd.metadata.uid);
        // A CRD the server refuses is an install error, not a timeout.
        let mut invalid: CustomResourceDefinition = Gizmo::crd();
        invalid.metadata.name = Some("wrong-name.wait.example.com".to_owned());
        match wait::install_crd(&client, &invalid, Duration::from_secs(10)).await {
            Err(WaitError::Install(error)) => assert!(error.is_invalid(), "{error:?}"),
            other => panic!("expected Invalid: {other:?}"),
        }
    })
    .await;
}
