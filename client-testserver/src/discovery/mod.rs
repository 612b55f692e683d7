//! Discovery documents (`/api`, `/apis`, per group and group-version),
//! `/version`, and the `/openapi/v3` documents (CRD schemas included).

pub(crate) mod openapi;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::discovery::openapi::OpenApiKind;
use crate::registry::Registry;
use crate::registry::backend::{Backend, parse};
use crate::registry::kind::Origin;

/// `/api`: APIVersions.
pub(crate) fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}],
    })
}

/// Kubernetes version priority: GA before beta before alpha, higher
/// numbers first, then anything else alphabetically.
fn version_key(v: &str) -> (u8, u64, u64, String) {
    let parse = |v: &str| -> Option<(u8, u64, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let major: u64 = rest[..digits].parse().ok()?;
        let tail = &rest[digits..];
        if tail.is_empty() {
            return Some((3, major, 0));
        }
        for (word, rank) in [("beta", 2), ("alpha", 1)] {
            if let Some(n) = tail.strip_prefix(word) {
                return Some((rank, major, n.parse().ok()?));
            }
        }
        None
    };
    match parse(v) {
        // Reverse order so that sorting ascending puts the preferred first.
        Some((rank, major, minor)) => (3 - rank, u64::MAX - major, u64::MAX - minor, String::new()),
        None => (4, 0, 0, v.to_string()),
    }
}

/// Groups and their versions (preferred first), core excluded.
fn groups(reg: &Registry) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in reg.all() {
        if k.group.is_empty() {
            continue;
        }
        let e = out.entry(k.group.clone()).or_default();
        for v in &k.versions {
            if !e.contains(v) {
                e.push(v.clone());
            }
        }
    }
    for vs in out.values_mut() {
        vs.sort_by_key(|v| version_key(v));
    }
    out
}

fn group_doc(name: &str, versions: &[String]) -> Value {
    let vs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{name}/{v}"), "version": v}))
        .collect();
    json!({
        "name": name,
        "versions": vs,
        "preferredVersion": vs.first().cloned().unwrap_or(Value::Null),
    })
}

/// `/apis`: APIGroupList.
pub(crate) fn group_list(reg: &Registry) -> Value {
    let groups: Vec<Value> = groups(reg).iter().map(|(g, vs)| group_doc(g, vs)).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/{group}`: APIGroup, if served.
pub(crate) fn group(reg: &Registry, name: &str) -> Option<Value> {
    let gs = groups(reg);
    let vs = gs.get(name)?;
    let mut d = group_doc(name, vs);
    if let Value::Object(m) = &mut d {
        m.insert("kind".into(), json!("APIGroup"));
        m.insert("apiVersion".into(), json!("v1"));
    }
    Some(d)
}

/// `/api/v1` or `/apis/{g}/{v}`: APIResourceList, if served.
pub(crate) fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let mut kinds: Vec<_> = reg
        .all()
        .into_iter()
        .filter(|k| k.group == group && k.versions.iter().any(|v| v == version))
        .collect();
    if kinds.is_empty() && !(group.is_empty() && version == "v1") {
        return None;
    }
    kinds.sort_by(|a, b| a.plural.cmp(&b.plural));
    let mut resources = Vec::new();
    for k in kinds {
        let mut r = json!({
            "name": k.plural,
            "singularName": k.singular,
            "namespaced": k.namespaced,
            "kind": k.kind,
            "verbs": k.verbs,
        });
        if !k.short_names.is_empty() {
            r["shortNames"] = json!(k.short_names);
        }
        if !k.categories.is_empty() {
            r["categories"] = json!(k.categories);
        }
        resources.push(r);
        if k.status_subresource {
            resources.push(json!({
                "name": format!("{}/status", k.plural),
                "singularName": "",
                "namespaced": k.namespaced,
                "kind": k.kind,
                "verbs": ["get", "patch", "update"],
            }));
        }
        if k.scale.is_some() {
            resources.push(json!({
                "name": format!("{}/scale", k.plural),
                "singularName": "",
                "namespaced": k.namespaced,
                "group": "autoscaling",
                "version": "v1",
                "kind": "Scale",
                "verbs": ["get", "patch", "update"],
            }));
        }
    }
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": resources,
    }))
}

/// `/version`.
pub(crate) fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0-client-testserver",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.23.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

fn openapi_kinds(backend: &Backend) -> Vec<OpenApiKind> {
    let mut out = Vec::new();
    for k in backend.registry.all() {
        let crd = (k.origin == Origin::CustomResource)
            .then(|| {
                backend.store.get(
                    "customresourcedefinitions.apiextensions.k8s.io",
                    &(String::new(), k.resource()),
                )
            })
            .flatten()
            .map(|b| parse(&b));
        for v in &k.versions {
            let kind = OpenApiKind::new(&k.group, v, &k.kind, &k.plural, k.namespaced);
            match crd.as_ref().and_then(|c| crd_schema(c, v)) {
                Some(schema) => out.push(kind.with_schema(schema)),
                None => out.push(kind),
            }
        }
    }
    out
}

/// A CRD version's `openAPIV3Schema` as written, when it parses as a
/// structural schema.
fn crd_schema(crd: &Value, version: &str) -> Option<Value> {
    crate::schema::crd_version_schema(crd, version).ok()??;
    crd.pointer("/spec/versions")?
        .as_array()?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?
        .pointer("/schema/openAPIV3Schema")
        .cloned()
}

/// `/openapi/v3`: one path per served group-version, with content hashes.
pub(crate) fn openapi_index(backend: &Backend) -> Value {
    crate::discovery::openapi::index(&openapi_kinds(backend))
}

/// `/openapi/v3/...`: a document whose write operations declare the
/// `fieldValidation` parameter (kubectl then validates server-side) and
/// whose schemas are the CRDs' (permissive ones for built-in kinds).
pub(crate) fn openapi_group_version(
    backend: &Backend,
    group: &str,
    version: &str,
) -> Option<Value> {
    crate::discovery::openapi::group_version_doc(group, version, &openapi_kinds(backend))
}

#[cfg(test)]
mod tests {
    use super::version_key;

    #[test]
    fn kube_version_priority() {
        let mut v = vec!["v1alpha1", "v1beta1", "v2", "v1", "v1beta2", "foo", "v10"];
        v.sort_by_key(|x| version_key(x));
        assert_eq!(
            v,
            ["v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo"]
        );
    }
}
