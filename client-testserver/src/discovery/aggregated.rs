//! Aggregated discovery (`apidiscovery.k8s.io/v2` `APIGroupDiscoveryList`):
//! every group, version and resource in one document, answered on `/api`
//! (the core group) and `/apis` (the others) when the client asks for it
//! in `Accept`, as kubectl 1.32 and client-go do first.
//!
//! kubectl sends
//! `application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,
//! application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,
//! application/json;q=0.9`; the answer names the chosen type in
//! `Content-Type`, and a client that asked for nothing of the kind gets the
//! legacy `APIVersions` / `APIGroupList`.

use serde_json::{Value, json};

use crate::discovery::{groups, kinds_at};
use crate::registry::Registry;
use crate::registry::kind::ResourceKind;

/// The `Content-Type` of an aggregated discovery answer.
pub(crate) const CONTENT_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether `accept` asks for aggregated discovery (`v2`, the version
/// served: a client asking only for `v2beta1` gets the legacy document,
/// as from a server without it).
pub(crate) fn wanted(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let mut params = part.split(';').map(str::trim);
        let media = params.next().unwrap_or_default();
        let (mut g, mut v, mut as_) = (false, false, false);
        for p in params {
            match p.split_once('=') {
                Some(("g", "apidiscovery.k8s.io")) => g = true,
                Some(("v", "v2")) => v = true,
                Some(("as", "APIGroupDiscoveryList")) => as_ = true,
                _ => {}
            }
        }
        media == "application/json" && g && v && as_
    })
}

/// `{group, version, kind}` of a `responseKind`.
fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

/// One resource of an `APIVersionDiscovery`.
fn resource(k: &ResourceKind) -> Value {
    let mut r = json!({
        "resource": k.plural,
        // kube leaves the parent's group and version empty.
        "responseKind": gvk("", "", &k.kind),
        "scope": if k.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": k.singular,
        "verbs": k.verbs.names(),
    });
    if !k.short_names.is_empty() {
        r["shortNames"] = json!(k.short_names);
    }
    if !k.categories.is_empty() {
        r["categories"] = json!(k.categories);
    }
    let subs: Vec<Value> = k
        .discovered_subresources()
        .iter()
        .map(|s| {
            let (group, version) = match &s.version {
                Some(v) => (s.group.as_str(), v.as_str()),
                None if s.group == k.group => ("", ""),
                None => (s.group.as_str(), ""),
            };
            json!({
                "subresource": s.name,
                "responseKind": gvk(group, version, &s.kind),
                "verbs": s.verbs.names(),
            })
        })
        .collect();
    if !subs.is_empty() {
        r["subresources"] = json!(subs);
    }
    r
}

/// One `APIGroupDiscovery`: `name` (`""` for core) at `versions`.
fn group(reg: &Registry, name: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| {
            let resources: Vec<Value> =
                kinds_at(reg, name, v).iter().map(|k| resource(k)).collect();
            json!({"version": v, "resources": resources, "freshness": "Current"})
        })
        .collect();
    json!({
        "metadata": {"name": name, "creationTimestamp": null},
        "versions": versions,
    })
}

fn list(items: Vec<Value>) -> Value {
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

/// `/api` as aggregated discovery: the core group, `v1`.
pub(crate) fn core(reg: &Registry) -> Value {
    list(vec![group(reg, "", &["v1".to_string()])])
}

/// `/apis` as aggregated discovery: every other group, in kube's order.
pub(crate) fn apis(reg: &Registry) -> Value {
    list(
        groups(reg)
            .iter()
            .map(|(name, versions)| group(reg, name, versions))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::wanted;

    #[test]
    fn what_kubectl_sends_is_understood() {
        assert!(wanted(
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json;q=0.9"
        ));
        assert!(!wanted("application/json"));
        assert!(!wanted(
            "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"
        ));
        assert!(!wanted(""));
    }
}
