//! 20 000 ConfigMaps of about 1.2 KB (1.6 KB with what the server adds) in
//! one namespace of the embedded server: the fixture of the metadata-only
//! measurements (the test `metadata_only.rs` and the bench
//! `benches/metadata_only.rs`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use client_core::api::ConfigMap;
use client_core::{ListOptions, PartialObjectMetadata, RestClient, TypedClient};
use client_testserver::TestServer;
use serde_json::{Value, json};

/// How many objects the namespace holds.
pub const OBJECTS: usize = 20_000;
/// The namespace of every object.
pub const NAMESPACE: &str = "bulk";
/// What a metadata-only list asks for (client-go's metadata client; the
/// header `TypedClient<PartialObjectMetadata<K>>::list` sends).
pub const ACCEPT_PARTIAL_LIST: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/// ConfigMap number `i`: three labels, an annotation and four data keys,
/// about 1.2 KB of JSON once the server has added uid, resourceVersion and
/// creationTimestamp.
pub fn configmap(i: usize) -> Value {
    let filler = |tag: &str, n: usize| -> String {
        (0..n).map(|k| format!("{tag}{}-{k:03};", i % 97)).collect()
    };
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": format!("widget-config-{i:05}"),
            "namespace": NAMESPACE,
            "labels": {
                "app.kubernetes.io/name": "widget",
                "app.kubernetes.io/instance": format!("widget-{}", i % 16),
                "tier": "backend",
            },
            "annotations": {"example.com/owner": format!("team-{}@example.com", i % 16)},
        },
        "data": {
            "config.yaml": format!(
                "server:\n  port: 8080\n  workers: {}\nlog:\n  level: info\n  format: json\n",
                i % 8 + 1
            ),
            "endpoints": filler("svc-", 26),
            "features": filler("flag-", 22),
            "notes": filler("n", 24),
        },
    })
}

/// Creates the namespace and its [`OBJECTS`] ConfigMaps through the
/// server's store (the write path of a create, without HTTP).
pub fn seed(server: &TestServer) {
    let store = server.store();
    store
        .insert("v1", "namespaces", json!({"metadata": {"name": NAMESPACE}}))
        .unwrap();
    for i in 0..OBJECTS {
        store.insert("v1", "configmaps", configmap(i)).unwrap();
    }
}

/// The length in bytes of the body of one unpaginated list of the
/// namespace, full or metadata-only.
pub async fn list_body_len(client: &RestClient, metadata_only: bool) -> usize {
    let configmaps = TypedClient::<ConfigMap>::namespaced(client.clone(), NAMESPACE);
    let request = configmaps.request(http::Method::GET);
    let request = if metadata_only {
        request.header(http::header::ACCEPT, ACCEPT_PARTIAL_LIST)
    } else {
        request
    };
    request.bytes().await.unwrap().len()
}

/// One unpaginated typed list of the namespace as full objects.
pub async fn list_full(client: &RestClient) -> usize {
    TypedClient::<ConfigMap>::namespaced(client.clone(), NAMESPACE)
        .list(&ListOptions::default())
        .await
        .unwrap()
        .items
        .len()
}

/// One unpaginated typed list of the namespace as metadata alone.
pub async fn list_metadata(client: &RestClient) -> usize {
    TypedClient::<PartialObjectMetadata<ConfigMap>>::namespaced(client.clone(), NAMESPACE)
        .list(&ListOptions::default())
        .await
        .unwrap()
        .items
        .len()
}
