//! Strict decoding of an object against its Go type, as kube-apiserver's
//! decoder reads a body into the typed object: a value of the wrong JSON
//! type fails with encoding/json's message, such as `json: cannot
//! unmarshal array into Go struct field ConfigMap.data of type
//! map[string]string`.
//!
//! A type is described as data ([`StructShape`]); [`OBJECT_META`] is
//! checked for every kind (custom resources too), and a kind adds its own
//! fields through its strategy's `KindHooks::typed_shape`. `null` is
//! accepted anywhere, as Go leaves the zero value; fields the shape does
//! not name are left to `fieldValidation`.

use serde_json::Value;

/// The Go type of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// `string`.
    String,
    /// `bool`.
    Bool,
    /// `int64`.
    Int64,
    /// `[]byte`: a base64 JSON string.
    Bytes,
    /// `metav1.Time`: an RFC 3339 JSON string.
    Time,
    /// `map[string]T`.
    Map(&'static Shape),
    /// `[]T`.
    List(&'static Shape),
    /// A struct.
    Struct(&'static StructShape),
    /// Anything (`runtime.RawExtension`, `FieldsV1`).
    Any,
}

/// A Go struct: its name as Go prints it and its JSON fields.
#[derive(Debug)]
pub(crate) struct StructShape {
    /// The package-qualified name (`v1.OwnerReference`); the part after
    /// the dot names the struct in messages.
    pub go_name: &'static str,
    /// `(json name, type)` of each field.
    pub fields: &'static [(&'static str, Shape)],
}

impl Shape {
    /// The type as Go's `reflect.Type.String()` prints it.
    fn go_type(&self) -> String {
        match self {
            Shape::String | Shape::Time => "string".into(),
            Shape::Bool => "bool".into(),
            Shape::Int64 => "int64".into(),
            Shape::Bytes => "[]uint8".into(),
            Shape::Map(v) => format!("map[string]{}", v.go_type()),
            Shape::List(v) => format!("[]{}", v.go_type()),
            Shape::Struct(s) => s.go_name.into(),
            Shape::Any => "interface {}".into(),
        }
    }
}

const OWNER_REFERENCE: StructShape = StructShape {
    go_name: "v1.OwnerReference",
    fields: &[
        ("apiVersion", Shape::String),
        ("kind", Shape::String),
        ("name", Shape::String),
        ("uid", Shape::String),
        ("controller", Shape::Bool),
        ("blockOwnerDeletion", Shape::Bool),
    ],
};

const MANAGED_FIELDS_ENTRY: StructShape = StructShape {
    go_name: "v1.ManagedFieldsEntry",
    fields: &[
        ("manager", Shape::String),
        ("operation", Shape::String),
        ("apiVersion", Shape::String),
        ("time", Shape::Time),
        ("fieldsType", Shape::String),
        ("fieldsV1", Shape::Any),
        ("subresource", Shape::String),
    ],
};

/// `metav1.ObjectMeta`.
pub(crate) const OBJECT_META: StructShape = StructShape {
    go_name: "v1.ObjectMeta",
    fields: &[
        ("name", Shape::String),
        ("generateName", Shape::String),
        ("namespace", Shape::String),
        ("selfLink", Shape::String),
        ("uid", Shape::String),
        ("resourceVersion", Shape::String),
        ("generation", Shape::Int64),
        ("creationTimestamp", Shape::Time),
        ("deletionTimestamp", Shape::Time),
        ("deletionGracePeriodSeconds", Shape::Int64),
        ("labels", Shape::Map(&Shape::String)),
        ("annotations", Shape::Map(&Shape::String)),
        (
            "ownerReferences",
            Shape::List(&Shape::Struct(&OWNER_REFERENCE)),
        ),
        ("finalizers", Shape::List(&Shape::String)),
        (
            "managedFields",
            Shape::List(&Shape::Struct(&MANAGED_FIELDS_ENTRY)),
        ),
    ],
};

/// Checks `obj` against `metadata` ([`OBJECT_META`]) and, when given,
/// the kind's own top-level fields (`kind_fields`, the struct named
/// `go_kind`).
///
/// # Errors
/// encoding/json's message for the first value of the wrong type.
pub(crate) fn check(
    obj: &Value,
    go_kind: &str,
    kind_fields: Option<&StructShape>,
) -> Result<(), String> {
    let Value::Object(map) = obj else {
        return Ok(());
    };
    let mut path = Vec::new();
    if let Some(meta) = map.get("metadata") {
        path.push("metadata");
        check_value(meta, &Shape::Struct(&OBJECT_META), go_kind, &mut path)?;
        path.pop();
    }
    if let Some(shape) = kind_fields {
        check_fields(map, shape, &mut path)?;
    }
    Ok(())
}

fn check_fields<'a>(
    map: &'a serde_json::Map<String, Value>,
    shape: &StructShape,
    path: &mut Vec<&'a str>,
) -> Result<(), String> {
    let me = shape.go_name.rsplit('.').next().unwrap_or(shape.go_name);
    for (name, field) in shape.fields {
        let Some((key, v)) = map.get_key_value(*name) else {
            continue;
        };
        path.push(key);
        check_value(v, field, me, path)?;
        path.pop();
    }
    Ok(())
}

/// `owner` is the Go struct holding the field at `path` (for messages).
fn check_value<'a>(
    v: &'a Value,
    shape: &Shape,
    owner: &str,
    path: &mut Vec<&'a str>,
) -> Result<(), String> {
    let fail = |v: &Value| {
        let what = match v {
            Value::String(_) => "string".to_string(),
            Value::Bool(_) => "bool".to_string(),
            Value::Number(n) if n.is_i64() || n.is_u64() => "number".to_string(),
            Value::Number(n) => format!("number {n}"),
            Value::Array(_) => "array".to_string(),
            Value::Object(_) => "object".to_string(),
            Value::Null => "null".to_string(),
        };
        Err(format!(
            "json: cannot unmarshal {what} into Go struct field {owner}.{} of type {}",
            path.join("."),
            shape.go_type()
        ))
    };
    match (shape, v) {
        (_, Value::Null) | (Shape::Any, _) => Ok(()),
        (Shape::String | Shape::Time | Shape::Bytes, Value::String(_)) => Ok(()),
        (Shape::Bool, Value::Bool(_)) => Ok(()),
        (Shape::Int64, Value::Number(n)) if n.is_i64() => Ok(()),
        (Shape::Map(inner), Value::Object(m)) => {
            for e in m.values() {
                check_value(e, inner, owner, path)?;
            }
            Ok(())
        }
        (Shape::List(inner), Value::Array(items)) => {
            for e in items {
                check_value(e, inner, owner, path)?;
            }
            Ok(())
        }
        (Shape::Struct(s), Value::Object(m)) => check_fields(m, s, path),
        _ => fail(v),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::registry::builtins::CONFIG_MAP;
    use serde_json::json;

    #[test]
    fn go_messages_for_wrong_types() {
        let cm = |v: Value| check(&v, "ConfigMap", Some(&CONFIG_MAP));
        assert_eq!(
            cm(json!({"data": [1, 2]})).unwrap_err(),
            "json: cannot unmarshal array into Go struct field ConfigMap.data of type map[string]string"
        );
        assert_eq!(
            cm(json!({"data": {"a": 1}})).unwrap_err(),
            "json: cannot unmarshal number into Go struct field ConfigMap.data of type string"
        );
        assert_eq!(
            cm(json!({"metadata": {"finalizers": [1, {}]}})).unwrap_err(),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.finalizers of type string"
        );
        assert_eq!(
            cm(json!({"metadata": {"resourceVersion": 5}})).unwrap_err(),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.resourceVersion of type string"
        );
        assert_eq!(
            cm(json!({"metadata": {"ownerReferences": [{"controller": "yes"}]}})).unwrap_err(),
            "json: cannot unmarshal string into Go struct field OwnerReference.metadata.ownerReferences.controller of type bool"
        );
        assert_eq!(
            cm(json!({"metadata": {"generation": 1.5}})).unwrap_err(),
            "json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.metadata.generation of type int64"
        );
        assert!(
            cm(json!({"metadata": {"labels": null, "name": "a"}, "data": {"k": "v"}, "extra": 1}))
                .is_ok()
        );
        assert!(cm(json!([1])).is_ok(), "not an object: the caller's 400");
    }
}
