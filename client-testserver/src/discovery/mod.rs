//! Discovery documents (`/api`, `/apis`, per group and group-version),
//! `/version`, and the `/openapi/v3` documents (CRD schemas included).

pub(crate) mod aggregated;
pub(crate) mod openapi;
pub(crate) mod openapi_types;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::discovery::openapi::OpenApiKind;
use crate::registry::Registry;
use crate::registry::backend::{Backend, parse};
use crate::registry::kind::{Origin, ResourceKind};

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
pub(crate) fn version_key(v: &str) -> (u8, u64, u64, String) {
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

/// Where `group` comes in kube's order of the API groups: the built-in
/// groups in the vendored discovery's order, then the others (CRDs')
/// alphabetically, as kube-apiserver orders groups of the lowest priority.
fn group_rank(group: &str) -> (usize, String) {
    let order = crate::registry::catalog::group_order();
    match order.iter().position(|g| g == group) {
        Some(i) => (i, String::new()),
        None => (order.len(), group.to_string()),
    }
}

/// Groups and their versions (preferred first), core excluded, in kube's
/// order.
pub(crate) fn groups(reg: &Registry) -> Vec<(String, Vec<String>)> {
    let mut out: BTreeMap<(usize, String), (String, Vec<String>)> = BTreeMap::new();
    for k in reg.all() {
        if k.group.is_empty() {
            continue;
        }
        let e = out
            .entry(group_rank(&k.group))
            .or_insert_with(|| (k.group.clone(), Vec::new()));
        for v in &k.versions {
            if !e.1.contains(v) {
                e.1.push(v.clone());
            }
        }
    }
    let mut out: Vec<_> = out.into_values().collect();
    for (_, vs) in &mut out {
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
    let (_, vs) = gs.iter().find(|(g, _)| g == name)?;
    let mut d = group_doc(name, vs);
    if let Value::Object(m) = &mut d {
        m.insert("kind".into(), json!("APIGroup"));
        m.insert("apiVersion".into(), json!("v1"));
    }
    Some(d)
}

/// The resources served at `group`/`version`, sorted by plural.
pub(crate) fn kinds_at(reg: &Registry, group: &str, version: &str) -> Vec<Arc<ResourceKind>> {
    let mut kinds: Vec<_> = reg
        .all()
        .into_iter()
        .filter(|k| k.group == group && k.versions.iter().any(|v| v == version))
        .collect();
    kinds.sort_by(|a, b| a.plural.cmp(&b.plural));
    kinds
}

/// `/api/v1` or `/apis/{g}/{v}`: APIResourceList, if served. Each resource
/// is followed by its subresources (`pods/status`), which name their
/// group and version when these are not the list's (`deployments/scale`:
/// `autoscaling/v1`).
pub(crate) fn resource_list(reg: &Registry, group: &str, version: &str) -> Option<Value> {
    let kinds = kinds_at(reg, group, version);
    if kinds.is_empty() && !(group.is_empty() && version == "v1") {
        return None;
    }
    let mut resources = Vec::new();
    for k in kinds {
        let mut r = json!({
            "name": k.plural,
            "singularName": k.singular,
            "namespaced": k.namespaced,
            "kind": k.kind,
            "verbs": k.verbs.names(),
        });
        if !k.short_names.is_empty() {
            r["shortNames"] = json!(k.short_names);
        }
        if !k.categories.is_empty() {
            r["categories"] = json!(k.categories);
        }
        resources.push(r);
        for sub in k.discovered_subresources() {
            let mut s = json!({
                "name": format!("{}/{}", k.plural, sub.name),
                "singularName": "",
                "namespaced": k.namespaced,
                "kind": sub.kind,
                "verbs": sub.verbs.names(),
            });
            if sub.group != k.group || sub.version.is_some() {
                s["group"] = json!(sub.group);
                s["version"] = json!(sub.version.as_deref().unwrap_or(version));
            }
            resources.push(s);
        }
    }
    let mut list = json!({
        "kind": "APIResourceList",
        "groupVersion": api_version(group, version),
        "resources": resources,
    });
    // kube's `/api/v1` list carries no apiVersion; the `/apis` ones do.
    if !group.is_empty() {
        list["apiVersion"] = json!("v1");
    }
    Some(list)
}

/// `v1` or `group/version`.
fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

/// `/version`.
pub(crate) fn version() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "gitVersion": "v1.33.0-client-testserver",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.24.0",
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
            let mut kind = OpenApiKind::new(&k.group, v, &k.kind, &k.plural, k.namespaced);
            if k.origin == Origin::BuiltIn {
                kind = kind.typed();
            }
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
