//! Structural defaulting: `default` values for absent fields, as
//! kube-apiserver applies them when reading a custom resource from a request
//! or from storage.

use super::{AdditionalProperties, Schema};
use serde_json::Value;

/// Applies the schema's `default`s to `obj`, in place.
///
/// - An absent property with a `default` gets a copy of it; defaults inside
///   the copied value (nested schemas' own defaults) are applied too.
/// - `null` where the schema is not `nullable` is removed, then defaulted if
///   the property has a `default` (kube-apiserver prunes such nulls before
///   defaulting); with `nullable: true` a `null` stays and is not defaulted.
/// - Array items and `additionalProperties` values are defaulted from the
///   `items` / `additionalProperties` schema; a `null` item of a non-nullable
///   items schema with a default becomes the default.
/// - The root's `metadata` is left alone.
pub(crate) fn apply_defaults(schema: &Schema, obj: &mut Value) {
    node(schema, obj, true);
}

fn fill(slot_schema: &Schema, slot: &mut Option<Value>) {
    match slot {
        None => {
            if let Some(d) = &slot_schema.default {
                *slot = Some(d.clone());
            }
        }
        Some(Value::Null) if !slot_schema.nullable => {
            *slot = slot_schema.default.clone();
        }
        Some(_) => {}
    }
}

fn node(s: &Schema, v: &mut Value, root: bool) {
    match v {
        Value::Object(m) => {
            for (k, ps) in &s.properties {
                if root && k == "metadata" {
                    continue;
                }
                let mut slot = m.remove(k);
                fill(ps, &mut slot);
                if let Some(val) = slot {
                    m.insert(k.clone(), val);
                }
            }
            if let Some(AdditionalProperties::Schema(ap)) = &s.additional_properties {
                let keys: Vec<String> = m
                    .keys()
                    .filter(|k| !s.properties.contains_key(*k))
                    .cloned()
                    .collect();
                for k in keys {
                    let mut slot = m.remove(&k);
                    fill(ap, &mut slot);
                    if let Some(val) = slot {
                        m.insert(k, val);
                    }
                }
            }
            for (k, child) in m.iter_mut() {
                if root && k == "metadata" {
                    continue;
                }
                if let Some(cs) = s.property(k) {
                    node(cs, child, false);
                }
            }
        }
        Value::Array(items) => {
            if let Some(is) = &s.items {
                for it in items.iter_mut() {
                    if it.is_null()
                        && !is.nullable
                        && let Some(d) = &is.default
                    {
                        *it = d.clone();
                    }
                    node(is, it, false);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::schema::{prune, validate};
    use serde_json::json;

    fn schema() -> Schema {
        Schema::parse(&json!({
            "type": "object",
            "properties": {
                "spec": {"type": "object", "default": {}, "properties": {
                    "replicas": {"type": "integer", "default": 1, "maximum": 10},
                    "strategy": {"type": "object", "default": {"type": "Rolling"}, "properties": {
                        "type": {"type": "string"},
                        "maxSurge": {"type": "integer", "default": 25}}},
                    "note": {"type": "string", "nullable": true, "default": "n"},
                    "mode": {"type": "string", "default": "Auto"},
                    "extra": {"type": "string"},
                    "ports": {"type": "array", "items": {"type": "object", "default": {"port": 80},
                        "properties": {"port": {"type": "integer"},
                                       "protocol": {"type": "string", "default": "TCP"}}}},
                    "limits": {"type": "object", "additionalProperties": {"type": "object",
                        "properties": {"cpu": {"type": "string", "default": "1"}}}}
                }}
            }
        }))
        .unwrap()
    }

    #[test]
    fn defaults_absent_fields_recursively() {
        let mut obj = json!({"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "a"}});
        apply_defaults(&schema(), &mut obj);
        assert_eq!(
            obj["spec"],
            json!({"replicas": 1, "strategy": {"type": "Rolling", "maxSurge": 25}, "note": "n", "mode": "Auto"})
        );
        assert_eq!(obj["metadata"], json!({"name": "a"}));
    }

    #[test]
    fn present_values_are_kept() {
        let mut obj = json!({"spec": {"replicas": 5, "strategy": {"type": "Recreate"}}});
        apply_defaults(&schema(), &mut obj);
        assert_eq!(obj["spec"]["replicas"], 5);
        assert_eq!(
            obj["spec"]["strategy"],
            json!({"type": "Recreate", "maxSurge": 25})
        );
    }

    #[test]
    fn nulls_follow_nullable() {
        let mut obj = json!({"spec": {"note": null, "mode": null, "extra": null}});
        apply_defaults(&schema(), &mut obj);
        assert_eq!(
            obj["spec"]["note"],
            Value::Null,
            "nullable: kept, not defaulted"
        );
        assert_eq!(
            obj["spec"]["mode"], "Auto",
            "non-nullable null with default: defaulted"
        );
        assert!(
            obj["spec"].get("extra").is_none(),
            "non-nullable null without default: removed"
        );
    }

    #[test]
    fn arrays_and_additional_properties() {
        let mut obj = json!({"spec": {"ports": [{"port": 443}, null],
                                      "limits": {"a": {}, "b": {"cpu": "2"}}}});
        apply_defaults(&schema(), &mut obj);
        assert_eq!(
            obj["spec"]["ports"],
            json!([{"port": 443, "protocol": "TCP"}, {"port": 80, "protocol": "TCP"}])
        );
        assert_eq!(
            obj["spec"]["limits"],
            json!({"a": {"cpu": "1"}, "b": {"cpu": "2"}})
        );
    }

    #[test]
    fn prune_then_default_then_validate() {
        let s = schema();
        let mut obj = json!({"spec": {"unknown": 1, "strategy": {"bogus": true}, "replicas": 11}});
        assert_eq!(
            prune(&s, &mut obj),
            vec!["spec.strategy.bogus", "spec.unknown"]
        );
        apply_defaults(&s, &mut obj);
        assert_eq!(obj["spec"]["strategy"], json!({"maxSurge": 25}));
        let errs: Vec<String> = validate(&s, &obj).iter().map(|e| e.message()).collect();
        assert_eq!(
            errs,
            vec![
                "spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10"
            ]
        );
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn apply_defaults_example() {
        use crate::schema::{Schema, apply_defaults};
        use serde_json::json;
        let s = Schema::parse(
            &json!({"type": "object", "properties": {"spec": {"type": "object",
            "default": {}, "properties": {"replicas": {"type": "integer", "default": 1}}}}}),
        )
        .unwrap();
        let mut obj = json!({});
        apply_defaults(&s, &mut obj);
        assert_eq!(obj, json!({"spec": {"replicas": 1}}));
    }
}
