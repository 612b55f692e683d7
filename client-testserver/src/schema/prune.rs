//! Pruning of fields a structural schema does not know, and the errors and
//! warnings kube-apiserver reports for them (`fieldValidation`).

use super::{AdditionalProperties, Schema, index, join};
use crate::error::ApiError;
use serde_json::Value;

/// Removes the fields `schema` does not specify (not in `properties`, no
/// `additionalProperties`, no `x-kubernetes-preserve-unknown-fields` on the
/// way) and returns their paths (`spec.foo`, `spec.items[0].bar`), in
/// document order (object keys sorted).
///
/// `apiVersion`, `kind` and `metadata` are never pruned at the root, nor
/// inside an `x-kubernetes-embedded-resource`.
pub(crate) fn prune(schema: &Schema, obj: &mut Value) -> Vec<String> {
    let mut out = Vec::new();
    node(schema, obj, "", true, &mut out);
    out
}

fn node(s: &Schema, v: &mut Value, path: &str, root: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let keep_unknown = s.preserve_unknown_fields
                || matches!(
                    s.additional_properties,
                    Some(AdditionalProperties::Bool(true))
                );
            let keep_meta = root || s.embedded_resource;
            let mut remove = Vec::new();
            for (k, child) in m.iter_mut() {
                if keep_meta && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match s.property(k) {
                    Some(cs) => node(cs, child, &join(path, k), false, out),
                    None if keep_unknown => {}
                    None => {
                        out.push(join(path, k));
                        remove.push(k.clone());
                    }
                }
            }
            for k in remove {
                m.remove(&k);
            }
        }
        Value::Array(items) => {
            if let Some(is) = &s.items {
                for (i, it) in items.iter_mut().enumerate() {
                    node(is, it, &index(path, i), false, out);
                }
            }
        }
        _ => {}
    }
}

/// The `Warning` texts for pruned fields under `fieldValidation=Warn` (the
/// default): `unknown field "spec.foo"`, one per field.
pub(crate) fn unknown_field_warnings(pruned: &[String]) -> Vec<String> {
    pruned
        .iter()
        .map(|p| format!("unknown field {}", super::go_quote(p)))
        .collect()
}

/// The 400 `BadRequest` answered under `fieldValidation=Strict` when fields
/// were pruned: `strict decoding error: unknown field "spec.foo", unknown
/// field "spec.bar"`. `None` when nothing was pruned.
pub(crate) fn strict_error(pruned: &[String]) -> Option<ApiError> {
    if pruned.is_empty() {
        return None;
    }
    Some(ApiError::bad_request(format!(
        "strict decoding error: {}",
        unknown_field_warnings(pruned).join(", ")
    )))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::parse(&json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "properties": {
                    "replicas": {"type": "integer"},
                    "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                                 "x-kubernetes-preserve-unknown-fields": true},
                    "containers": {"type": "array", "items": {"type": "object", "properties": {
                        "name": {"type": "string"},
                        "env": {"type": "object", "additionalProperties": {"type": "object",
                            "properties": {"value": {"type": "string"}}}}}}},
                    "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                               "properties": {"typed": {"type": "object", "properties": {"a": {"type": "string"}}}}},
                    "raw": {"type": "object"}
                }},
                "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}
            }
        }))
        .unwrap()
    }

    #[test]
    fn prunes_nested_objects_and_array_items() {
        let mut obj = json!({
            "apiVersion": "g/v1", "kind": "K", "metadata": {"name": "a", "odd": 1},
            "spec": {"replicas": 1, "foo": "x",
                     "containers": [{"name": "c", "image": "i"}, {"name": "d", "env": {"A": {"value": "1", "from": "x"}}}],
                     "raw": {"anything": 1}},
            "status": {"ready": true, "phase": "Up"}
        });
        let pruned = prune(&schema(), &mut obj);
        assert_eq!(
            pruned,
            vec![
                "spec.containers[0].image",
                "spec.containers[1].env.A.from",
                "spec.foo",
                "spec.raw.anything",
                "status.phase",
            ]
        );
        assert_eq!(
            obj,
            json!({"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "a", "odd": 1},
                   "spec": {"replicas": 1, "containers": [{"name": "c"}, {"name": "d", "env": {"A": {"value": "1"}}}], "raw": {}},
                   "status": {"ready": true}})
        );
    }

    #[test]
    fn preserve_unknown_fields_subtrees_are_kept_but_typed_children_pruned() {
        let mut obj = json!({"spec": {
            "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"x": 1}},
            "config": {"free": {"form": [1, 2]}, "typed": {"a": "1", "b": "2"}}}});
        let pruned = prune(&schema(), &mut obj);
        assert_eq!(pruned, vec!["spec.config.typed.b"]);
        assert_eq!(obj["spec"]["config"]["free"], json!({"form": [1, 2]}));
        assert_eq!(obj["spec"]["template"]["spec"], json!({"x": 1}));
    }

    #[test]
    fn warnings_and_strict_error() {
        let pruned = vec!["spec.foo".to_string(), "spec.bar".to_string()];
        assert_eq!(
            unknown_field_warnings(&pruned),
            vec!["unknown field \"spec.foo\"", "unknown field \"spec.bar\""]
        );
        let e = strict_error(&pruned).unwrap();
        assert_eq!(e.code, 400);
        assert_eq!(e.reason, "BadRequest");
        assert_eq!(
            e.message,
            "strict decoding error: unknown field \"spec.foo\", unknown field \"spec.bar\""
        );
        assert!(strict_error(&[]).is_none());
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn prune_example() {
        use crate::schema::{Schema, prune};
        use serde_json::json;
        let s = Schema::parse(
            &json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {"a": {"type": "string"}}}}}),
        )
        .unwrap();
        let mut obj = json!({"kind": "K", "spec": {"a": "x", "b": 1}, "extra": true});
        assert_eq!(prune(&s, &mut obj), vec!["extra", "spec.b"]);
        assert_eq!(obj, json!({"kind": "K", "spec": {"a": "x"}}));
    }
}
