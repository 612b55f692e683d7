//! The OpenAPI v3 component schemas of the built-in types, converted from
//! the vendored definitions (`types::DEFINITIONS_JSON`, JSON Schema
//! 2020-12) to the shape kube-apiserver publishes: `$ref`s into
//! `#/components/schemas/`, wrapped in `allOf` when the field adds a
//! description; one `type` (the `null` kubernetes-validate adds removed);
//! `IntOrString` as `string` with format `int-or-string`, `Quantity` as
//! `string`; every `x-kubernetes-*` extension (patch keys, list types,
//! group-version-kinds) kept. Nothing is written by hand.
//!
//! Converted once, on first use; a document takes the schemas its kinds
//! reach ([`closure`]).

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

const REF_PREFIX: &str = "#/$defs/";
const COMPONENTS: &str = "#/components/schemas/";

/// Every definition, converted, by name.
fn converted() -> &'static HashMap<String, Value> {
    static CONVERTED: OnceLock<HashMap<String, Value>> = OnceLock::new();
    CONVERTED.get_or_init(|| {
        let raw: Value = serde_json::from_str(crate::types::DEFINITIONS_JSON).unwrap_or_default();
        let Some(Value::Object(defs)) = raw.get("$defs") else {
            return HashMap::new();
        };
        defs.iter()
            .map(|(name, def)| (name.clone(), convert_def(name, def)))
            .collect()
    })
}

/// Whether the definitions have `name`.
pub(crate) fn has(name: &str) -> bool {
    converted().contains_key(name)
}

/// The converted schemas of `roots` and of every definition they reach,
/// by name.
pub(crate) fn closure<'a>(roots: impl IntoIterator<Item = &'a str>) -> Map<String, Value> {
    let all = converted();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().map(str::to_string).collect();
    while let Some(name) = todo.pop() {
        if seen.contains(&name) {
            continue;
        }
        let Some(schema) = all.get(&name) else {
            continue;
        };
        seen.insert(name);
        refs(schema, &mut todo);
    }
    seen.into_iter()
        .filter_map(|n| all.get(&n).map(|s| (n, s.clone())))
        .collect()
}

/// The definition names `v` refers to.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                match (k.as_str(), c) {
                    ("$ref", Value::String(r)) => {
                        if let Some(n) = r.strip_prefix(COMPONENTS) {
                            out.push(n.to_string());
                        }
                    }
                    _ => refs(c, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
        _ => {}
    }
}

/// A whole definition: the value types get kube's published form.
fn convert_def(name: &str, def: &Value) -> Value {
    let description = def.get("description").cloned();
    let mut out = match name {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString" => {
            json!({"type": "string", "format": "int-or-string"})
        }
        "io.k8s.apimachinery.pkg.api.resource.Quantity" => json!({"type": "string"}),
        _ => convert(def, false),
    };
    if let (Some(d), Value::Object(o)) = (description, &mut out) {
        o.insert("description".into(), d);
    }
    out
}

/// One schema node. `type_meta` is set for the `apiVersion` and `kind`
/// properties, whose `enum` kubernetes-validate added (kube publishes
/// none).
fn convert(v: &Value, type_meta: bool) -> Value {
    let Value::Object(m) = v else {
        return v.clone();
    };
    let mut out = Map::new();
    for (k, c) in m {
        let value = match k.as_str() {
            "$ref" => match c.as_str().and_then(|r| r.strip_prefix(REF_PREFIX)) {
                Some(n) => json!(format!("{COMPONENTS}{n}")),
                None => c.clone(),
            },
            "type" => match c {
                Value::Array(ts) => match ts.iter().find(|t| t.as_str() != Some("null")) {
                    Some(t) => t.clone(),
                    None => continue,
                },
                other => other.clone(),
            },
            "enum" if type_meta => continue,
            "properties" => match c {
                Value::Object(props) => Value::Object(
                    props
                        .iter()
                        .map(|(pk, pv)| {
                            (
                                pk.clone(),
                                convert(pv, matches!(pk.as_str(), "apiVersion" | "kind")),
                            )
                        })
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "additionalProperties" => convert(c, false),
            _ => c.clone(),
        };
        out.insert(k.clone(), value);
    }
    if out.len() > 1
        && let Some(r) = out.remove("$ref")
    {
        out.insert("allOf".into(), json!([{"$ref": r}]));
    }
    Value::Object(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn deployment_closure_has_its_types_with_extensions() {
        let c = closure(["io.k8s.api.apps.v1.Deployment"]);
        let d = &c["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(d["type"], "object");
        assert_eq!(
            d["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
        );
        assert_eq!(
            d["properties"]["spec"]["allOf"],
            json!([{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"}])
        );
        assert!(d["properties"]["kind"].get("enum").is_none());
        let replicas = &c["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"];
        assert_eq!(replicas["type"], "integer");
        assert_eq!(replicas["format"], "int32");
        let ports = &c["io.k8s.api.core.v1.Container"]["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
        assert_eq!(
            ports["x-kubernetes-list-map-keys"],
            json!(["containerPort", "protocol"])
        );
        assert_eq!(
            ports["items"],
            json!({"$ref": "#/components/schemas/io.k8s.api.core.v1.ContainerPort"})
        );
        assert_eq!(
            c["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"],
            "int-or-string"
        );
        assert!(c.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        assert!(!c.contains_key("io.k8s.api.batch.v1.Job"));
        // Every reference resolves inside the closure.
        let mut r = Vec::new();
        refs(&Value::Object(c.clone()), &mut r);
        assert!(r.iter().all(|n| c.contains_key(n)));
    }
}
