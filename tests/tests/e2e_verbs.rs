//! End-to-end: derived typed clients over HTTPS with token auth against the
//! embedded API server, every verb, for a namespaced and a cluster-scoped kind.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use client_core::api::CustomResourceDefinition;
use client_core::{
    ApplyOptions, CreateOptions, DeleteOptions, DeleteOutcome, GetOptions, ListOptions, ObjectMeta,
    Patch, PatchOptions, Resource, RestClient, TypedClient, UpdateOptions, WatchEvent,
};
use client_testserver::TestServer;
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::time::timeout;

const STEP: Duration = Duration::from_secs(20);

/// A namespaced kind with status and scale subresources.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[resource(
    group = "e2e.example.com",
    version = "v1",
    namespaced,
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas"
    )
)]
pub struct Widget {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: WidgetSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WidgetStatus>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetSpec {
    #[serde(default)]
    pub replicas: i32,
    #[serde(default)]
    pub color: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WidgetStatus {
    #[serde(default)]
    pub replicas: i32,
}

/// A cluster-scoped kind.
#[derive(Resource, Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[resource(group = "e2e.example.com", version = "v1", cluster)]
pub struct Region {
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: RegionSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionSpec {
    #[serde(default)]
    pub zone: String,
}

async fn server_with_crds() -> (TestServer, RestClient) {
    let server = timeout(STEP, TestServer::start()).await.unwrap().unwrap();
    assert!(server.url().starts_with("https://"), "HTTPS by default");
    assert!(server.token().is_some(), "token auth by default");
    let client = server.rest_client().unwrap();
    let crds = TypedClient::<CustomResourceDefinition>::cluster(client.clone());
    for crd in [Widget::crd(), Region::crd()] {
        timeout(STEP, crds.create(&crd, &CreateOptions::default()))
            .await
            .unwrap()
            .unwrap();
        let name = crd.metadata.name.clone().unwrap();
        let established = async {
            loop {
                let got = crds.get(&name, &GetOptions::default()).await.unwrap();
                if got.is_established() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        timeout(STEP, established).await.unwrap();
    }
    (server, client)
}

fn widget(name: &str) -> Widget {
    Widget {
        metadata: ObjectMeta::named(name).with_label("app", "e2e"),
        spec: WidgetSpec {
            replicas: 1,
            color: "red".into(),
        },
        status: None,
    }
}

#[tokio::test]
async fn every_verb_of_a_namespaced_kind() {
    let (server, client) = server_with_crds().await;
    let widgets = Widget::client(&client, "default");

    // create, get, list (label selector)
    let created = timeout(
        STEP,
        widgets.create(&widget("w1"), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(created.metadata.namespace.as_deref(), Some("default"));
    assert_eq!(created.metadata.generation, Some(1));
    assert!(created.metadata.uid.is_some());
    let got = timeout(STEP, widgets.get("w1", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got, created);
    timeout(
        STEP,
        widgets.create(&widget("w2").clone(), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let mut other = widget("w3");
    other.metadata.labels.insert("app".into(), "other".into());
    timeout(STEP, widgets.create(&other, &CreateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let list = timeout(
        STEP,
        widgets.list(&ListOptions::default().labels("app=e2e")),
    )
    .await
    .unwrap()
    .unwrap();
    let names: Vec<_> = list
        .items
        .iter()
        .map(|w| w.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["w1", "w2"]);

    // a duplicate create is AlreadyExists
    let err = timeout(
        STEP,
        widgets.create(&widget("w1"), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.is_already_exists(), "{err}");

    // watch from the list's revision sees the next writes
    let rv = list.metadata.resource_version.clone().unwrap();
    let mut events = timeout(
        STEP,
        widgets.watch(&ListOptions::default().resource_version(rv)),
    )
    .await
    .unwrap()
    .unwrap();

    // update bumps generation; update_status does not, and keeps the spec
    let mut changed = got.clone();
    changed.spec.replicas = 3;
    let updated = timeout(STEP, widgets.update(&changed, &UpdateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.metadata.generation, Some(2));
    let mut with_status = updated.clone();
    with_status.status = Some(WidgetStatus { replicas: 3 });
    with_status.spec.color = "ignored-by-status-write".into();
    let status_written = timeout(
        STEP,
        widgets.update_status(&with_status, &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(status_written.status, Some(WidgetStatus { replicas: 3 }));
    assert_eq!(status_written.spec.color, "red");
    assert_eq!(status_written.metadata.generation, Some(2));

    // a stale update is a Conflict
    let err = timeout(STEP, widgets.update(&changed, &UpdateOptions::default()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");

    // merge patch, JSON patch, status patch
    let merged = timeout(
        STEP,
        widgets.patch(
            "w1",
            &Patch::Merge(json!({"spec": {"color": "blue"}})),
            &PatchOptions::default(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(merged.spec.color, "blue");
    let json_patched = timeout(
        STEP,
        widgets.patch(
            "w1",
            &Patch::Json(json!([{"op": "replace", "path": "/spec/replicas", "value": 4}])),
            &PatchOptions::default(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(json_patched.spec.replicas, 4);
    let status_patched = timeout(
        STEP,
        widgets.patch_status(
            "w1",
            &Patch::Merge(json!({"status": {"replicas": 4}})),
            &PatchOptions::default(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(status_patched.status, Some(WidgetStatus { replicas: 4 }));

    // scale subresource
    let scale = timeout(STEP, widgets.get_scale("w1", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scale.spec.replicas, Some(4));
    assert_eq!(scale.status.replicas, 4);
    let mut scale = scale;
    scale.spec.replicas = Some(7);
    let scaled = timeout(
        STEP,
        widgets.update_scale("w1", &scale, &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(scaled.spec.replicas, Some(7));
    let after = timeout(STEP, widgets.get("w1", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.spec.replicas, 7);

    // dry run stores nothing
    let dry = timeout(
        STEP,
        widgets.create(&widget("dry"), &CreateOptions::default().dry_run()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(dry.metadata.name.as_deref(), Some("dry"));
    let err = timeout(STEP, widgets.get("dry", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_not_found());

    // finalizers: delete waits, removing the finalizer completes it
    let mut held = widget("held");
    held.metadata.finalizers = vec!["e2e.example.com/hold".into()];
    timeout(STEP, widgets.create(&held, &CreateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let outcome = timeout(STEP, widgets.delete("held", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let DeleteOutcome::Finalizing(pending) = outcome else {
        panic!("a finalizer holds the object")
    };
    assert!(pending.metadata.deletion_timestamp.is_some());
    let released = timeout(
        STEP,
        widgets.patch(
            "held",
            &Patch::Merge(json!({"metadata": {"finalizers": null}})),
            &PatchOptions::default(),
        ),
    )
    .await
    .unwrap();
    assert!(released.is_ok(), "{released:?}");
    let err = timeout(STEP, widgets.get("held", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_not_found());

    // delete, then NotFound; delete_collection by label
    let outcome = timeout(STEP, widgets.delete("w2", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(outcome.is_deleted());
    let err = timeout(STEP, widgets.delete("w2", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap_err();
    assert!(err.is_not_found());
    let deleted = timeout(
        STEP,
        widgets.delete_collection(
            &DeleteOptions::default(),
            &ListOptions::default().labels("app=other"),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(deleted.items.len(), 1);

    // the watch saw the writes to w1 in order
    let mut seen = Vec::new();
    while seen.len() < 3 {
        match timeout(STEP, events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
        {
            WatchEvent::Modified(w) if w.metadata.name.as_deref() == Some("w1") => {
                seen.push(w.metadata.resource_version.unwrap())
            }
            _ => {}
        }
    }
    let rvs: Vec<u64> = seen.iter().map(|rv| rv.parse().unwrap()).collect();
    assert!(rvs.windows(2).all(|w| w[0] < w[1]), "{rvs:?}");

    // every request carried the bearer token, which the log keeps redacted
    let log = server.requests().all();
    assert!(log.len() > 20);
    let token = server.token().unwrap();
    for entry in &log {
        let auth = entry.authorization.as_deref();
        assert!(auth.is_some(), "{entry:?}");
        assert!(
            !auth.unwrap().contains(token),
            "the log must not hold the token"
        );
    }
}

#[tokio::test]
async fn every_verb_of_a_cluster_scoped_kind() {
    let (_server, client) = server_with_crds().await;
    let regions = Region::client(&client);
    let region = Region {
        metadata: ObjectMeta::named("eu"),
        spec: RegionSpec {
            zone: "eu-1".into(),
        },
    };
    let created = timeout(STEP, regions.create(&region, &CreateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.metadata.namespace, None);
    let mut got = timeout(STEP, regions.get("eu", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    got.spec.zone = "eu-2".into();
    let updated = timeout(STEP, regions.update(&got, &UpdateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(updated.spec.zone, "eu-2");
    let patched = timeout(
        STEP,
        regions.patch(
            "eu",
            &Patch::Merge(json!({"spec": {"zone": "eu-3"}})),
            &PatchOptions::default(),
        ),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(patched.spec.zone, "eu-3");
    let list = timeout(STEP, regions.list(&ListOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(list.items.len(), 1);
    let mut watch = timeout(
        STEP,
        regions.watch(&ListOptions::default().resource_version("0")),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(matches!(
        timeout(STEP, watch.next()).await.unwrap(),
        Some(Ok(WatchEvent::Added(_)))
    ));
    assert!(
        timeout(STEP, regions.delete("eu", &DeleteOptions::default()))
            .await
            .unwrap()
            .unwrap()
            .is_deleted()
    );
    let deleted = timeout(
        STEP,
        regions.delete_collection(&DeleteOptions::default(), &ListOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(deleted.items.is_empty());
}

#[tokio::test]
async fn fifty_writers_from_one_revision_one_wins_each_round() {
    let (_server, client) = server_with_crds().await;
    let widgets = Widget::client(&client, "default");
    timeout(
        STEP,
        widgets.create(&widget("contended"), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    for round in 0..3 {
        let base = timeout(STEP, widgets.get("contended", &GetOptions::default()))
            .await
            .unwrap()
            .unwrap();
        let writers = (0..50).map(|i| {
            let widgets = widgets.clone();
            let mut mine = base.clone();
            mine.spec.color = format!("round{round}-writer{i}");
            tokio::spawn(async move { widgets.update(&mine, &UpdateOptions::default()).await })
        });
        let results = timeout(STEP, futures_util::future::join_all(writers))
            .await
            .unwrap();
        let mut wins = 0;
        let mut conflicts = 0;
        for result in results {
            match result.unwrap() {
                Ok(_) => wins += 1,
                Err(e) if e.is_conflict() => conflicts += 1,
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
        assert_eq!((wins, conflicts), (1, 49), "round {round}");
    }
}

#[tokio::test]
async fn paging_is_consistent_under_concurrent_writes() {
    let (_server, client) = server_with_crds().await;
    let widgets = Widget::client(&client, "default");
    let creates = (0..120).map(|i| {
        let widgets = widgets.clone();
        async move {
            widgets
                .create(&widget(&format!("p{i:03}")), &CreateOptions::default())
                .await
        }
    });
    timeout(
        STEP,
        futures_util::stream::iter(creates)
            .buffer_unordered(16)
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap()
    .unwrap();

    // Walk 10 at a time, and write between pages: after the first page,
    // add 40 objects and delete the last 40 originals, so the later pages
    // would differ if they were not read from the first page's snapshot.
    let mut pages = widgets.list_pages(&ListOptions::default().limit(10));
    let first = timeout(STEP, pages.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let mut writes = Vec::new();
    for i in 0..40 {
        writes.push(widgets.create(&widget(&format!("new{i:03}")), &CreateOptions::default()));
    }
    for result in timeout(STEP, futures_util::future::join_all(writes))
        .await
        .unwrap()
    {
        result.unwrap();
    }
    for i in 0..40 {
        timeout(
            STEP,
            widgets.delete(&format!("p{:03}", 119 - i), &DeleteOptions::default()),
        )
        .await
        .unwrap()
        .unwrap();
    }
    let rest: Vec<_> = timeout(STEP, pages.try_collect::<Vec<_>>())
        .await
        .unwrap()
        .unwrap();
    let all_pages: Vec<_> = std::iter::once(first).chain(rest).collect();
    let names: Vec<String> = all_pages
        .iter()
        .flat_map(|p| &p.items)
        .map(|w| w.metadata.name.clone().unwrap())
        .collect();
    // One snapshot: exactly the 120 originals (pages read after the deletes
    // still show them), none of the new ones, in name order, no duplicates.
    let want: Vec<String> = (0..120).map(|i| format!("p{i:03}")).collect();
    assert_eq!(names, want);
    let rvs: std::collections::BTreeSet<_> = all_pages
        .iter()
        .map(|p| p.metadata.resource_version.clone())
        .collect();
    assert_eq!(
        rvs.len(),
        1,
        "every page reports the snapshot's revision: {rvs:?}"
    );
    // The writes did land: a fresh list differs from the snapshot.
    let now = timeout(STEP, widgets.list(&ListOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.items.len(), 120);
    assert!(
        now.items
            .iter()
            .any(|w| w.metadata.name.as_deref() == Some("new000"))
    );
    assert!(
        !now.items
            .iter()
            .any(|w| w.metadata.name.as_deref() == Some("p119"))
    );
}

#[tokio::test]
async fn server_side_apply_conflicts_then_forces() {
    let (_server, client) = server_with_crds().await;
    let widgets = Widget::client(&client, "default");
    let config =
        |replicas: i32| json!({"metadata": {"name": "ssa"}, "spec": {"replicas": replicas}});
    // apply creates; the applier owns what it sent
    let created = timeout(
        STEP,
        widgets.apply("ssa", &config(2), &ApplyOptions::new("alice")),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(created.spec.replicas, 2);
    let managers: Vec<(Option<String>, Option<String>)> = created
        .metadata
        .managed_fields
        .iter()
        .map(|e| (e.manager.clone(), e.operation.clone()))
        .collect();
    assert_eq!(managers, [(Some("alice".into()), Some("Apply".into()))]);
    // another manager changing the field conflicts
    let err = timeout(
        STEP,
        widgets.apply("ssa", &config(3), &ApplyOptions::new("bob")),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let status = err.status().unwrap();
    assert_eq!(
        status.message,
        "Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas"
    );
    // force takes ownership
    let forced = timeout(
        STEP,
        widgets.apply("ssa", &config(3), &ApplyOptions::new("bob").force()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(forced.spec.replicas, 3);
    let managers: Vec<Option<String>> = forced
        .metadata
        .managed_fields
        .iter()
        .map(|e| e.manager.clone())
        .collect();
    assert_eq!(managers, [Some("bob".to_string())]);
}
