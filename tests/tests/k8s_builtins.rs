//! k8s-openapi's types through the typed clients and `K8sClientset`, against
//! client-testserver, for the kinds it serves today (ConfigMap, Secret,
//! Namespace, Lease, Event, CustomResourceDefinition): create, get, list,
//! watch, update, patch, apply and delete, with k8s-openapi's `ObjectMeta`
//! read through `ObjectMetaAccess`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::time::Duration;

use client_core::k8s::K8sClientset;
use client_core::k8s::api::coordination::v1::{Lease, LeaseSpec};
use client_core::k8s::api::core::v1::{ConfigMap, Event, Namespace, ObjectReference, Secret};
use client_core::k8s::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use client_core::k8s::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use client_core::{
    ApplyOptions, CreateOptions, DeleteOptions, Error, GetOptions, ListOptions, ObjectMetaAccess,
    Patch, PatchOptions, Resource, RestClient, TypedClient, UpdateOptions, WatchEvent,
};
use client_testserver::TestServer;
use futures_util::StreamExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

async fn within<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the test finished in time");
}

async fn start() -> (TestServer, RestClient) {
    let server = TestServer::builder()
        .plain_http()
        .token("t")
        .start()
        .await
        .unwrap();
    let rest = server.rest_client().unwrap();
    (server, rest)
}

fn named(name: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        ..ObjectMeta::default()
    }
}

fn label<K: Serialize>(obj: &K, key: &str) -> Option<String> {
    let v = serde_json::to_value(obj).unwrap();
    v["metadata"]["labels"][key].as_str().map(str::to_owned)
}

/// `obj` with one more label, edited through its JSON form (any kind).
fn with_label<K: Serialize + DeserializeOwned>(obj: &K, key: &str, value: &str) -> K {
    let mut v = serde_json::to_value(obj).unwrap();
    v["metadata"]["labels"][key] = json!(value);
    serde_json::from_value(v).unwrap()
}

/// Every verb on one kind: the watch opened first must see the object
/// added, modified and deleted.
async fn every_verb<K>(client: TypedClient<K>, obj: K)
where
    K: Resource + Clone + std::fmt::Debug + Serialize + DeserializeOwned,
{
    let name = obj.metadata().name().unwrap().to_owned();
    let listed = client.list(&ListOptions::default()).await.unwrap();
    let rv = listed.metadata.resource_version.clone().unwrap();
    let mut watch = client
        .watch(&ListOptions::default().resource_version(rv))
        .await
        .unwrap();

    let created = client
        .create(&obj, &CreateOptions::default())
        .await
        .unwrap();
    let meta = created.metadata();
    assert_eq!(meta.name(), Some(name.as_str()));
    assert!(meta.uid().is_some(), "{created:?}");
    assert!(meta.resource_version().is_some());

    let got = client.get(&name, &GetOptions::default()).await.unwrap();
    assert_eq!(got.metadata().uid(), meta.uid());
    let list = client.list(&ListOptions::default()).await.unwrap();
    assert!(
        list.items
            .iter()
            .any(|i| i.metadata().name() == Some(name.as_str()))
    );

    let updated = client
        .update(
            &with_label(&got, "step", "updated"),
            &UpdateOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(label(&updated, "step").as_deref(), Some("updated"));
    assert_ne!(
        updated.metadata().resource_version(),
        got.metadata().resource_version()
    );

    let patch = Patch::Merge(json!({"metadata": {"labels": {"step": "patched"}}}));
    let patched = client
        .patch(&name, &patch, &PatchOptions::default())
        .await
        .unwrap();
    assert_eq!(label(&patched, "step").as_deref(), Some("patched"));

    let partial = json!({"metadata": {"name": name, "labels": {"applied": "yes"}}});
    let applied = client
        .apply(&name, &partial, &ApplyOptions::new("k8s-test"))
        .await
        .unwrap();
    assert_eq!(label(&applied, "applied").as_deref(), Some("yes"));
    assert!(applied.metadata().managed_fields_len() >= 1);

    let deleted = client
        .delete(&name, &DeleteOptions::default())
        .await
        .unwrap();
    assert!(deleted.is_deleted());
    let gone = client.get(&name, &GetOptions::default()).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    let mut seen = Vec::new();
    while let Some(event) = watch.next().await {
        let (kind, o) = match event.unwrap() {
            WatchEvent::Added(o) => ("ADDED", o),
            WatchEvent::Modified(o) => ("MODIFIED", o),
            WatchEvent::Deleted(o) => ("DELETED", o),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(o.metadata().name(), Some(name.as_str()));
        seen.push(kind);
        if kind == "DELETED" {
            break;
        }
    }
    assert_eq!(seen.first(), Some(&"ADDED"), "{} {seen:?}", K::KIND);
    assert!(seen.contains(&"MODIFIED"), "{seen:?}");
    assert_eq!(seen.last(), Some(&"DELETED"));
}

#[tokio::test]
async fn namespaced_kinds_through_the_k8s_clientset() {
    within(async {
        let (_server, rest) = start().await;
        let cs = K8sClientset::new(rest);
        let cm = ConfigMap {
            metadata: named("cfg"),
            data: Some([("a".to_owned(), "1".to_owned())].into()),
            ..ConfigMap::default()
        };
        every_verb(cs.core_v1().config_maps("default"), cm).await;

        let secret = Secret {
            metadata: named("creds"),
            string_data: Some([("user".to_owned(), "admin".to_owned())].into()),
            ..Secret::default()
        };
        every_verb(cs.core_v1().secrets("default"), secret).await;

        let lease = Lease {
            metadata: named("leader"),
            spec: Some(LeaseSpec {
                holder_identity: Some("me".to_owned()),
                lease_duration_seconds: Some(15),
                ..LeaseSpec::default()
            }),
        };
        every_verb(cs.coordination_v1().leases("default"), lease).await;

        let event = Event {
            metadata: named("ev"),
            involved_object: ObjectReference {
                kind: Some("ConfigMap".to_owned()),
                name: Some("cfg".to_owned()),
                namespace: Some("default".to_owned()),
                ..ObjectReference::default()
            },
            reason: Some("Tested".to_owned()),
            message: Some("through k8s-openapi".to_owned()),
            type_: Some("Normal".to_owned()),
            ..Event::default()
        };
        every_verb(cs.core_v1().events("default"), event).await;

        // the seed's call: clientset.CoreV1().ConfigMaps("").List(ctx, opts)
        for ns in ["default", "kube-system"] {
            let cm = ConfigMap {
                metadata: named("everywhere"),
                ..ConfigMap::default()
            };
            cs.core_v1()
                .config_maps(ns)
                .create(&cm, &CreateOptions::default())
                .await
                .unwrap();
        }
        let all = cs
            .core_v1()
            .config_maps_all()
            .list(&ListOptions::default())
            .await
            .unwrap();
        let mut namespaces: Vec<_> = all
            .items
            .iter()
            .filter(|c| c.metadata().name() == Some("everywhere"))
            .filter_map(|c| c.metadata().namespace())
            .collect();
        namespaces.sort_unstable();
        assert_eq!(namespaces, ["default", "kube-system"]);
    })
    .await;
}

#[tokio::test]
async fn cluster_kinds_through_the_k8s_clientset() {
    within(async {
        let (_server, rest) = start().await;
        let cs = K8sClientset::new(rest);
        every_verb(
            cs.core_v1().namespaces(),
            Namespace {
                metadata: named("team-a"),
                ..Namespace::default()
            },
        )
        .await;

        // The CRD the derive writes, as k8s-openapi's type.
        let crd: CustomResourceDefinition =
            serde_json::from_value(serde_json::to_value(Widget::crd()).unwrap()).unwrap();
        every_verb(cs.apiextensions_v1().custom_resource_definitions(), crd).await;
    })
    .await;
}

#[tokio::test]
async fn status_of_a_namespace_and_the_empty_namespace_error() {
    within(async {
        let (_server, rest) = start().await;
        let cs = K8sClientset::new(rest);
        let ns = cs
            .core_v1()
            .namespaces()
            .create(
                &Namespace {
                    metadata: named("team-b"),
                    ..Namespace::default()
                },
                &CreateOptions::default(),
            )
            .await
            .unwrap();
        // namespaces/status: a typed update_status (Namespace: HasStatus)
        let status = cs
            .core_v1()
            .namespaces()
            .get(ns.metadata().name().unwrap(), &GetOptions::default())
            .await
            .unwrap();
        assert_eq!(
            status.status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Active")
        );
        let updated = cs
            .core_v1()
            .namespaces()
            .update_status(&status, &UpdateOptions::default())
            .await
            .unwrap();
        assert_eq!(updated.metadata().name(), Some("team-b"));

        // client-go's Pods("") habit: the error names the *_all() getter
        let err = cs
            .core_v1()
            .config_maps("")
            .list(&ListOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        assert!(err.to_string().contains("`*_all()`"), "{err}");
    })
    .await;
}

/// A CRD whose metadata is k8s-openapi's `ObjectMeta`.
#[derive(client_core::Resource, Clone, Debug, Default, Serialize, serde::Deserialize)]
#[resource(group = "widgets.example.com", version = "v1", namespaced)]
struct Widget {
    metadata: ObjectMeta,
}
