//! The table of built-in kinds, checked against the vendored discovery data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use super::KindRow;
use super::kinds::TABLE;

#[derive(serde::Deserialize)]
struct Resources {
    resources: Vec<Served>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Served {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespaced: bool,
    verbs: Vec<String>,
    subresources: Vec<Sub>,
}

#[derive(serde::Deserialize)]
struct Sub {
    name: String,
}

const RESOURCES_JSON: &str = include_str!("../../../data/kubernetes-1.33/resources.json");

/// Every resource 1.33 serves has exactly one row, and each row's identity
/// (from k8s-openapi's constants), scope, list kind and `status`/`scale`
/// flags agree with the published discovery documents.
#[test]
fn table_matches_resources_json() {
    let served: Resources = serde_json::from_str(RESOURCES_JSON).expect("resources.json parses");
    let mut rows: BTreeMap<(&str, &str), &KindRow> = BTreeMap::new();
    for row in TABLE {
        assert!(
            rows.insert((row.api_version, row.plural), row).is_none(),
            "two rows for {} {}",
            row.api_version,
            row.plural
        );
    }
    assert_eq!(TABLE.len(), served.resources.len());
    assert_eq!(TABLE.len(), 88);
    for r in &served.resources {
        let api_version = if r.group.is_empty() {
            r.version.clone()
        } else {
            format!("{}/{}", r.group, r.version)
        };
        let row = rows
            .get(&(api_version.as_str(), r.name.as_str()))
            .unwrap_or_else(|| panic!("no row for {api_version} {}", r.name));
        let has = |name: &str| r.subresources.iter().any(|s| s.name == name);
        let expected = KindRow {
            api_version: row.api_version,
            kind: row.kind,
            plural: row.plural,
            list_kind: row.list_kind,
            namespaced: r.namespaced,
            status: has("status"),
            scale: has("scale"),
        };
        assert_eq!(**row, expected, "{api_version} {}", r.name);
        assert_eq!(row.kind, r.kind, "{api_version} {}", r.name);
        let list_kind = format!("{}List", r.kind);
        let listed = r.verbs.iter().any(|v| v == "list");
        assert_eq!(row.list_kind, listed.then_some(list_kind.as_str()));
    }
    assert_eq!(TABLE.iter().filter(|r| r.status).count(), 33);
    assert_eq!(TABLE.iter().filter(|r| r.scale).count(), 4);
}
