//! `crd()` from `#[derive(Resource)]`: the manifest the API server needs to
//! serve the kind, compared as JSON with what `kubectl apply` would send.

use client_core::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    short_names("ct"),
    categories("all"),
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.selector"
    ),
    printer_column(
        name = "Spec",
        type = "string",
        json_path = ".spec.cronSpec",
        description = "the schedule"
    ),
    printer_column(
        name = "Replicas",
        type = "integer",
        json_path = ".spec.replicas",
        priority = 1,
        format = "int32"
    )
)]
struct CronTab {
    metadata: ObjectMeta,
    status: Option<serde_json::Value>,
}

#[derive(client_core::Resource, Serialize, Deserialize)]
#[resource(
    group = "infra.example.com",
    version = "v1alpha1",
    cluster,
    kind = "Cluster",
    plural = "clusterz"
)]
struct Infra {
    metadata: ObjectMeta,
}

#[test]
fn namespaced_crd_with_subresources_and_columns() {
    let crd = serde_json::to_value(CronTab::crd()).unwrap_or_default();
    assert_eq!(
        crd,
        json!({
            "apiVersion": "apiextensions.k8s.io/v1",
            "kind": "CustomResourceDefinition",
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {
                "group": "stable.example.com",
                "names": {
                    "plural": "crontabs", "singular": "crontab", "shortNames": ["ct"],
                    "kind": "CronTab", "listKind": "CronTabList", "categories": ["all"]
                },
                "scope": "Namespaced",
                "versions": [{
                    "name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                    "subresources": {
                        "status": {},
                        "scale": {
                            "specReplicasPath": ".spec.replicas",
                            "statusReplicasPath": ".status.replicas",
                            "labelSelectorPath": ".status.selector"
                        }
                    },
                    "additionalPrinterColumns": [
                        {"name": "Spec", "type": "string", "description": "the schedule", "jsonPath": ".spec.cronSpec"},
                        {"name": "Replicas", "type": "integer", "format": "int32", "priority": 1, "jsonPath": ".spec.replicas"}
                    ]
                }]
            }
        })
    );
}

#[test]
fn cluster_crd_without_subresources() {
    let crd = Infra::crd();
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("clusterz.infra.example.com")
    );
    assert_eq!(crd.spec.scope, client_core::api::ResourceScope::Cluster);
    assert_eq!(crd.spec.names.kind, "Cluster");
    assert_eq!(crd.spec.versions.len(), 1);
    assert_eq!(crd.spec.versions[0].name, "v1alpha1");
    assert!(crd.spec.versions[0].subresources.is_none());
    assert!(crd.spec.versions[0].additional_printer_columns.is_empty());
}
