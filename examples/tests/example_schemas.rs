//! Golden tests: the schema each example type generates, against the
//! structural schema a person would write for it from the Kubernetes docs
//! (types, `required` from non-optional fields, `nullable` for `Option`,
//! doc comments as descriptions, `metadata` left to the server).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code, unused_imports)]
#[path = "../examples/cluster_scoped.rs"]
mod cluster_scoped;
#[allow(dead_code, unused_imports)]
#[path = "../examples/quickstart.rs"]
mod quickstart;
#[allow(dead_code, unused_imports)]
#[path = "../examples/read_only.rs"]
mod read_only;
#[allow(dead_code, unused_imports)]
#[path = "../examples/scale_subresource.rs"]
mod scale_subresource;

use client_core::api::CustomResourceDefinition;
use serde_json::{Value, json};

fn schema(crd: &CustomResourceDefinition) -> Value {
    crd.spec.versions[0]
        .schema
        .as_ref()
        .and_then(|s| s.open_api_v3_schema.clone())
        .unwrap_or_default()
}

/// The three fields every custom resource schema starts with.
fn object(description: &str, mut properties: Value, required: &[&str]) -> Value {
    let p = properties.as_object_mut().unwrap();
    p.insert("apiVersion".into(), json!({"type": "string"}));
    p.insert("kind".into(), json!({"type": "string"}));
    p.insert("metadata".into(), json!({"type": "object"}));
    let mut out = json!({"type": "object", "description": description, "properties": properties});
    if !required.is_empty() {
        out["required"] = json!(required);
    }
    out
}

#[test]
fn quickstart_crontab() {
    let expected = object(
        "A cron job, as the Kubernetes CRD tutorial defines it.",
        json!({
            "spec": {
                "type": "object",
                "description": "What the user wants.",
                "properties": {
                    "cronSpec": {"type": "string", "description": "The schedule, in cron syntax."},
                    "image": {"type": "string", "description": "The container image to run."},
                    "replicas": {"type": "integer", "format": "int32", "default": 0,
                                 "description": "How many copies to run."}
                },
                "required": ["cronSpec", "image"]
            },
            "status": {
                "type": "object",
                "nullable": true,
                "description": "What the controller observed.",
                "properties": {
                    "lastSchedule": {"type": "string", "nullable": true, "description": "When the job last ran."}
                }
            }
        }),
        &["spec"],
    );
    assert_eq!(schema(&quickstart::CronTab::crd().unwrap()), expected);
}

#[test]
fn cluster_scoped_region() {
    let expected = object(
        "A region of the fleet; it belongs to no namespace.",
        json!({"spec": {
            "type": "object",
            "description": "The region's settings.",
            "properties": {"zones": {"type": "array", "items": {"type": "string"},
                                     "description": "The availability zones in the region."}},
            "required": ["zones"]
        }}),
        &["spec"],
    );
    assert_eq!(schema(&cluster_scoped::Region::crd().unwrap()), expected);
}

#[test]
fn read_only_record_keeps_free_form_spec() {
    let expected = object(
        "An audit record: written by the auditing system, only read by this program.",
        json!({"spec": {"description": "What happened.", "x-kubernetes-preserve-unknown-fields": true}}),
        &[],
    );
    assert_eq!(schema(&read_only::Record::crd().unwrap()), expected);
}

#[test]
fn scale_subresource_worker_pool() {
    let expected = object(
        "A pool of workers whose size the `scale` subresource controls.",
        json!({
            "spec": {
                "type": "object",
                "description": "The desired size.",
                "properties": {"replicas": {"type": "integer", "format": "int32", "description": "How many workers to run."}},
                "required": ["replicas"]
            },
            "status": {
                "type": "object",
                "nullable": true,
                "description": "The observed size.",
                "properties": {
                    "replicas": {"type": "integer", "format": "int32", "description": "How many workers run."},
                    "selector": {"type": "string", "description": "The label selector of the workers."}
                },
                "required": ["replicas", "selector"]
            }
        }),
        &["spec"],
    );
    assert_eq!(
        schema(&scale_subresource::WorkerPool::crd().unwrap()),
        expected
    );
}
