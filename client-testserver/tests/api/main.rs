//! Integration tests over real HTTP on loopback: exact codes, reasons and
//! messages for each contract row (see the crate README's fidelity table).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod apply;
mod builtin_types;
mod client;
mod concurrency;
mod crd;
mod crud;
mod deletion;
mod discovery_golden;
mod faults;
mod hostile;
mod kubectl;
mod kubectl_discovery;
mod kubectl_protobuf;
mod kubectl_workflow;
mod list;
mod namespaces;
mod openapi;
mod partial_metadata;
mod protobuf;
mod schema;
mod services;
mod subresources;
mod table;
mod tls;
mod watch;
mod workloads;

use std::future::Future;
use std::time::Duration;

use client::Client;
use client_testserver::TestServer;
use serde_json::{Value, json};

/// Runs a test body with a hard timeout.
pub async fn within<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("test timed out");
}

/// A plain-HTTP server with token `t`.
pub async fn server() -> (TestServer, Client) {
    let s = tokio::time::timeout(
        Duration::from_secs(10),
        TestServer::builder().plain_http().token("t").start(),
    )
    .await
    .expect("start timed out")
    .expect("start failed");
    let c = Client::new(&s);
    (s, c)
}

pub fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})
}

pub const CMS: &str = "/api/v1/namespaces/default/configmaps";
pub const CRDS: &str = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
pub const CTS: &str = "/apis/stable.example.com/v1/namespaces/default/crontabs";

pub fn crontab_crd() -> Value {
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "crontabs.stable.example.com"},
        "spec": {
            "group": "stable.example.com",
            "scope": "Namespaced",
            "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab", "shortNames": ["ct"], "categories": ["all"]},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas", "labelSelectorPath": ".status.selector"}},
                "additionalPrinterColumns": [
                    {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
                    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
                    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
                ]
            }]
        }
    })
}

pub fn crontab(name: &str) -> Value {
    json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab", "metadata": {"name": name}, "spec": {"cronSpec": "* * * * */5", "replicas": 1}})
}

/// A server with the CronTab CRD registered over HTTP.
pub async fn crd_server() -> (TestServer, Client) {
    let (s, c) = server().await;
    let r = c.post(CRDS, &crontab_crd()).await;
    assert_eq!(r.status, 201, "{}", r.text());
    (s, c)
}

/// Asserts a Status body.
pub fn assert_status(r: &client::Resp, code: u16, reason: &str, message: &str) {
    assert_eq!(r.status, code, "{}", r.text());
    let v = r.json();
    assert_eq!(v["kind"], "Status", "{v}");
    assert_eq!(v["apiVersion"], "v1");
    assert_eq!(v["status"], "Failure");
    assert_eq!(v["code"], code);
    assert_eq!(v["reason"], reason, "{v}");
    assert_eq!(v["message"], message, "{v}");
}
