//! The catalog of built-in resources, read from the vendored Kubernetes
//! 1.33 data (`data/kubernetes-1.33/`), never listed by hand.
//!
//! `resources.json` (processed from kube's published discovery documents)
//! gives each resource's group, versions, names, scope, verbs, short
//! names, categories and subresources; `discovery/aggregated_v2.json`
//! gives kube's order of the API groups. Both are compiled in and parsed
//! once, on the first server start of the process.
//!
//! # What is served
//!
//! The vendored discovery was written by a kube-apiserver with every alpha
//! and beta API switched on. A default 1.33 kube-apiserver serves the GA
//! group-versions only: beta APIs introduced since 1.24 are off by default
//! (KEP-3136) and every beta in 1.33's data is newer than that. So a
//! version that is not `v<N>` is left out ([`served_by_default`]); the
//! left-out group-versions are listed in the crate README.
//!
//! # Several versions of one resource
//!
//! kube-apiserver keeps one storage per group-resource and converts between
//! versions. Here a resource served at several versions (today only
//! `autoscaling` `horizontalpodautoscalers`, `v2` and `v1`) is one row with
//! both versions, so one store: an object written at either version is read
//! at both, carrying the requested `apiVersion`, with its fields as written
//! (there is no conversion code; a v1 HPA's `targetCPUUtilizationPercentage`
//! is not turned into v2 `metrics`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::registry::kind::{ResourceKind, ScalePaths, Subresource, Verbs};

/// `resources.json`.
const RESOURCES_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/kubernetes-1.33/resources.json"
));

/// `discovery/aggregated_v2.json`, read for the order of its groups.
const AGGREGATED_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/kubernetes-1.33/discovery/aggregated_v2.json"
));

/// One entry of `resources.json`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataResource {
    group: String,
    version: String,
    name: String,
    singular_name: String,
    kind: String,
    namespaced: bool,
    preferred: bool,
    verbs: Vec<String>,
    short_names: Vec<String>,
    categories: Vec<String>,
    subresources: Vec<DataSubresource>,
}

/// One subresource of an entry of `resources.json`.
#[derive(Debug, Deserialize)]
struct DataSubresource {
    name: String,
    group: String,
    version: String,
    kind: String,
    verbs: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct DataFile {
    resources: Vec<DataResource>,
}

#[derive(Debug, Deserialize)]
struct GroupList {
    items: Vec<GroupItem>,
}

#[derive(Debug, Deserialize)]
struct GroupItem {
    metadata: GroupName,
}

#[derive(Debug, Deserialize)]
struct GroupName {
    name: String,
}

/// Whether a default kube-apiserver serves `version`: GA versions only.
pub(crate) fn served_by_default(version: &str) -> bool {
    version
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The scale paths of the built-in workload kinds (Deployment, ReplicaSet,
/// StatefulSet, ReplicationController): replicas in `spec.replicas` and
/// `status.replicas`, the selector computed from `spec.selector`.
fn workload_scale() -> ScalePaths {
    ScalePaths {
        spec_replicas: ".spec.replicas".into(),
        status_replicas: ".status.replicas".into(),
        label_selector: None,
        label_selector_of: Some(".spec.selector".into()),
    }
}

/// A subresource of `parent` (group, version) from the data.
fn subresource(parent: &DataResource, s: &DataSubresource) -> Subresource {
    let same_version = s.group == parent.group && s.version == parent.version;
    Subresource {
        name: s.name.clone(),
        group: s.group.clone(),
        version: (!same_version).then(|| s.version.clone()),
        kind: s.kind.clone(),
        verbs: Verbs::from_names(s.verbs.iter().map(String::as_str)),
    }
}

/// The row of one resource, from its preferred version's entry.
fn row(first: &DataResource, versions: Vec<String>) -> ResourceKind {
    let subresources: Vec<Subresource> = first
        .subresources
        .iter()
        .map(|s| subresource(first, s))
        .collect();
    let has = |n: &str| subresources.iter().any(|s| s.name == n);
    ResourceKind {
        versions,
        singular: first.singular_name.clone(),
        verbs: Verbs::from_names(first.verbs.iter().map(String::as_str)),
        status_subresource: has("status"),
        scale: has("scale").then(workload_scale),
        short_names: first.short_names.clone(),
        categories: first.categories.clone(),
        subresources,
        ..ResourceKind::builtin(
            &first.group,
            &first.version,
            &first.name,
            &first.kind,
            first.namespaced,
        )
    }
}

/// Rows from parsed data: one per group-resource served by default, its
/// versions in kube's priority order (the preferred one first).
fn rows_of(data: Vec<DataResource>) -> Vec<ResourceKind> {
    let mut by_resource: BTreeMap<(String, String), Vec<DataResource>> = BTreeMap::new();
    for r in data.into_iter().filter(|r| served_by_default(&r.version)) {
        by_resource
            .entry((r.group.clone(), r.name.clone()))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for (_, mut entries) in by_resource {
        entries.sort_by_key(|e| (!e.preferred, crate::discovery::version_key(&e.version)));
        let versions = entries.iter().map(|e| e.version.clone()).collect();
        if let Some(first) = entries.first() {
            out.push(row(first, versions));
        }
    }
    out
}

/// The built-in rows served by default, parsed once per process.
pub(crate) fn rows() -> &'static [ResourceKind] {
    static ROWS: OnceLock<Vec<ResourceKind>> = OnceLock::new();
    ROWS.get_or_init(|| {
        // The data is compiled in and checked by the tests below; a parse
        // failure cannot come from outside.
        serde_json::from_str::<DataFile>(RESOURCES_JSON)
            .map(|d| rows_of(d.resources))
            .unwrap_or_default()
    })
}

/// kube's order of the API groups (the aggregated discovery's), core
/// excluded.
pub(crate) fn group_order() -> &'static [String] {
    static ORDER: OnceLock<Vec<String>> = OnceLock::new();
    ORDER.get_or_init(|| {
        serde_json::from_str::<GroupList>(AGGREGATED_JSON)
            .map(|l| l.items.into_iter().map(|i| i.metadata.name).collect())
            .unwrap_or_default()
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parses_and_every_resource_is_counted() {
        let data: DataFile = serde_json::from_str(RESOURCES_JSON).unwrap();
        assert_eq!(data.resources.len(), 88);
        let served = rows();
        // 88 entries; 27 at alpha/beta versions only or beside a GA one;
        // HPA v1 and v2 share a row.
        let gvs: usize = served.iter().map(|r| r.versions.len()).sum();
        assert_eq!(
            gvs,
            data.resources
                .iter()
                .filter(|r| served_by_default(&r.version))
                .count()
        );
        assert!(served.len() < gvs, "HPA's two versions share one row");
        assert!(
            served
                .iter()
                .all(|r| r.versions.iter().all(|v| served_by_default(v)))
        );
        assert_eq!(
            group_order().first().map(String::as_str),
            Some("apiregistration.k8s.io")
        );
    }

    #[test]
    fn rows_carry_the_data() {
        let find = |g: &str, p: &str| rows().iter().find(|r| r.group == g && r.plural == p);
        let hpa = find("autoscaling", "horizontalpodautoscalers").unwrap();
        assert_eq!(hpa.versions, ["v2", "v1"]);
        let bindings = find("", "bindings").unwrap();
        assert_eq!(bindings.verbs.names(), ["create"]);
        let cs = find("", "componentstatuses").unwrap();
        assert_eq!(cs.verbs.names(), ["get", "list"]);
        assert!(!cs.namespaced);
        let deploy = find("apps", "deployments").unwrap();
        assert!(deploy.status_subresource);
        assert_eq!(deploy.scale, Some(workload_scale()));
        assert_eq!(deploy.short_names, ["deploy"]);
        assert_eq!(deploy.categories, ["all"]);
        let scale = deploy.subresource("scale").unwrap();
        assert_eq!(
            (
                scale.group.as_str(),
                scale.version.as_deref(),
                scale.kind.as_str()
            ),
            ("autoscaling", Some("v1"), "Scale")
        );
        let pods = find("", "pods").unwrap();
        let eviction = pods.subresource("eviction").unwrap();
        assert_eq!(eviction.verbs.names(), ["create"]);
        assert_eq!(eviction.version.as_deref(), Some("v1"));
        assert_eq!(pods.subresource("status").unwrap().version, None);
        assert!(
            find("resource.k8s.io", "resourceclaims").is_none(),
            "beta only"
        );
        assert!(find("storagemigration.k8s.io", "storageversionmigrations").is_none());
    }

    #[test]
    fn ga_versions_only() {
        for (v, served) in [
            ("v1", true),
            ("v2", true),
            ("v10", true),
            ("v1beta1", false),
            ("v1alpha3", false),
            ("v", false),
            ("x1", false),
        ] {
            assert_eq!(served_by_default(v), served, "{v}");
        }
    }
}
