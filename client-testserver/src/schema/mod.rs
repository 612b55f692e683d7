//! CRD structural schemas: the model parsed from a CRD version's
//! `schema.openAPIV3Schema`, validation with kube-apiserver's field errors
//! ([`validate`]), pruning of unknown fields ([`prune`]) and `default`s
//! ([`apply_defaults`]).
//!
//! Pure functions over `serde_json::Value`; the server calls them in the
//! order kube-apiserver does: prune, default, validate.

mod admit;
pub(crate) mod cel;
mod defaults;
mod errors;
mod prune;
pub(crate) mod regex;
pub(crate) mod structural;
mod validate;

pub(crate) use admit::{FieldValidation, admit, crd_version_schema, warning_header_value};
pub(crate) use defaults::apply_defaults;
#[cfg(test)]
pub(crate) use errors::FieldErrorKind;
pub(crate) use errors::{FieldError, go_quote, invalid_error};
pub(crate) use prune::{prune, strict_error, unknown_field_warnings};
pub(crate) use validate::validate;

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How deep a schema may nest. Real CRD schemas stay far below; the bound
/// keeps recursion over user-supplied schemas (and objects walked along them)
/// from exhausting the stack.
pub(crate) const MAX_SCHEMA_DEPTH: usize = 64;

/// Why a schema could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SchemaError {
    /// The schema nests deeper than [`MAX_SCHEMA_DEPTH`].
    #[error("schema at {path} nests deeper than {MAX_SCHEMA_DEPTH} levels")]
    TooDeep {
        /// Where the limit was reached.
        path: String,
    },
    /// A keyword has a value of the wrong JSON type.
    #[error("schema at {path}: {keyword} must be {expected}")]
    BadKeyword {
        /// The schema node (`spec.replicas`, or `<root>`).
        path: String,
        /// The keyword.
        keyword: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

/// `additionalProperties`: a boolean or a schema for every value of a map.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AdditionalProperties {
    /// `true` keeps unknown keys (structural schemas only allow it with
    /// preserve-unknown-fields); `false` is treated like absent.
    Bool(bool),
    /// Every value of the map follows this schema.
    Schema(Box<Schema>),
}

/// `x-kubernetes-list-type`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum ListType {
    /// The list is replaced as a whole (the default).
    #[default]
    Atomic,
    /// Scalar items, unique, merged as a set.
    Set,
    /// Object items, unique by `x-kubernetes-list-map-keys`, merged by key.
    Map,
}

/// One node of a structural schema. Unknown keywords are ignored.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Schema {
    /// `type`: `object`, `array`, `string`, `integer`, `number`, `boolean`, or
    /// `None` (only allowed with preserve-unknown-fields or int-or-string).
    pub type_: Option<String>,
    /// `properties`.
    pub properties: BTreeMap<String, Schema>,
    /// `items`.
    pub items: Option<Box<Schema>>,
    /// `additionalProperties`.
    pub additional_properties: Option<AdditionalProperties>,
    /// `required`.
    pub required: Vec<String>,
    /// `enum`.
    pub enum_: Option<Vec<Value>>,
    /// `pattern` (ECMA-262 syntax, matched with RE2 semantics: unanchored).
    pub pattern: Option<String>,
    /// `format`.
    pub format: Option<String>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum` (OpenAPI v3.0 boolean form).
    pub exclusive_minimum: bool,
    /// `exclusiveMaximum` (OpenAPI v3.0 boolean form).
    pub exclusive_maximum: bool,
    /// `minLength` (in characters).
    pub min_length: Option<u64>,
    /// `maxLength` (in characters).
    pub max_length: Option<u64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// `uniqueItems`.
    pub unique_items: bool,
    /// `minProperties`.
    pub min_properties: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `nullable`.
    pub nullable: bool,
    /// `default`.
    pub default: Option<Value>,
    /// `x-kubernetes-preserve-unknown-fields`.
    pub preserve_unknown_fields: bool,
    /// `x-kubernetes-int-or-string`.
    pub int_or_string: bool,
    /// `x-kubernetes-embedded-resource`.
    pub embedded_resource: bool,
    /// `x-kubernetes-list-type`.
    pub list_type: ListType,
    /// `x-kubernetes-list-map-keys`.
    pub list_map_keys: Vec<String>,
    /// `x-kubernetes-map-type: atomic` (`granular`, the default, is `false`).
    pub map_atomic: bool,
    /// `x-kubernetes-validations`, as written (evaluated by [`cel`]).
    pub validations: Vec<Value>,
}

impl Schema {
    /// Parses a schema from its JSON form (a CRD version's
    /// `schema.openAPIV3Schema`).
    ///
    /// # Errors
    /// [`SchemaError`] when a keyword has the wrong JSON type or the schema
    /// nests deeper than [`MAX_SCHEMA_DEPTH`].
    pub(crate) fn parse(v: &Value) -> Result<Schema, SchemaError> {
        parse_node(v, "<root>", 0)
    }

    /// The schema of property `name` of an object: `properties[name]`, else a
    /// schema `additionalProperties`.
    pub(crate) fn property(&self, name: &str) -> Option<&Schema> {
        if let Some(s) = self.properties.get(name) {
            return Some(s);
        }
        match &self.additional_properties {
            Some(AdditionalProperties::Schema(s)) => Some(s),
            _ => None,
        }
    }
}

fn child_path(path: &str, name: &str) -> String {
    if path == "<root>" {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn parse_node(v: &Value, path: &str, depth: usize) -> Result<Schema, SchemaError> {
    if depth > MAX_SCHEMA_DEPTH {
        return Err(SchemaError::TooDeep { path: path.into() });
    }
    let empty = Map::new();
    let m = match v {
        Value::Object(m) => m,
        Value::Bool(true) | Value::Null => &empty,
        _ => {
            return Err(SchemaError::BadKeyword {
                path: path.into(),
                keyword: "schema",
                expected: "an object",
            });
        }
    };
    let bad = |keyword: &'static str, expected: &'static str| SchemaError::BadKeyword {
        path: path.into(),
        keyword,
        expected,
    };
    let string = |k: &'static str| -> Result<Option<String>, SchemaError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(k, "a string")),
        }
    };
    let number = |k: &'static str| -> Result<Option<f64>, SchemaError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(bad(k, "a number")),
        }
    };
    let count = |k: &'static str| -> Result<Option<u64>, SchemaError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| bad(k, "a non-negative integer")),
            Some(_) => Err(bad(k, "a non-negative integer")),
        }
    };
    let flag = |k: &'static str| -> Result<bool, SchemaError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(bad(k, "a boolean")),
        }
    };
    let strings = |k: &'static str| -> Result<Vec<String>, SchemaError> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| bad(k, "a list of strings"))
                })
                .collect(),
            Some(_) => Err(bad(k, "a list of strings")),
        }
    };

    let mut properties = BTreeMap::new();
    match m.get("properties") {
        None | Some(Value::Null) => {}
        Some(Value::Object(props)) => {
            for (k, pv) in props {
                properties.insert(k.clone(), parse_node(pv, &child_path(path, k), depth + 1)?);
            }
        }
        Some(_) => return Err(bad("properties", "an object")),
    }
    let items = match m.get("items") {
        None | Some(Value::Null) => None,
        Some(iv @ Value::Object(_)) => {
            Some(Box::new(parse_node(iv, &format!("{path}[*]"), depth + 1)?))
        }
        Some(_) => return Err(bad("items", "a schema object")),
    };
    let additional_properties =
        match m.get("additionalProperties") {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(AdditionalProperties::Bool(*b)),
            Some(av @ Value::Object(_)) => Some(AdditionalProperties::Schema(Box::new(
                parse_node(av, &child_path(path, "*"), depth + 1)?,
            ))),
            Some(_) => return Err(bad("additionalProperties", "a boolean or a schema")),
        };
    let enum_ = match m.get("enum") {
        None | Some(Value::Null) => None,
        Some(Value::Array(a)) => Some(a.clone()),
        Some(_) => return Err(bad("enum", "a list")),
    };
    let list_type = match string("x-kubernetes-list-type")?.as_deref() {
        None | Some("atomic") => ListType::Atomic,
        Some("set") => ListType::Set,
        Some("map") => ListType::Map,
        Some(_) => return Err(bad("x-kubernetes-list-type", "atomic, set or map")),
    };
    let map_atomic = match string("x-kubernetes-map-type")?.as_deref() {
        None | Some("granular") => false,
        Some("atomic") => true,
        Some(_) => return Err(bad("x-kubernetes-map-type", "granular or atomic")),
    };
    Ok(Schema {
        type_: string("type")?,
        properties,
        items,
        additional_properties,
        required: strings("required")?,
        enum_,
        pattern: string("pattern")?,
        format: string("format")?,
        minimum: number("minimum")?,
        maximum: number("maximum")?,
        exclusive_minimum: flag("exclusiveMinimum")?,
        exclusive_maximum: flag("exclusiveMaximum")?,
        min_length: count("minLength")?,
        max_length: count("maxLength")?,
        min_items: count("minItems")?,
        max_items: count("maxItems")?,
        unique_items: flag("uniqueItems")?,
        min_properties: count("minProperties")?,
        max_properties: count("maxProperties")?,
        nullable: flag("nullable")?,
        default: m.get("default").cloned(),
        preserve_unknown_fields: flag("x-kubernetes-preserve-unknown-fields")?,
        int_or_string: flag("x-kubernetes-int-or-string")?,
        embedded_resource: flag("x-kubernetes-embedded-resource")?,
        list_type,
        list_map_keys: strings("x-kubernetes-list-map-keys")?,
        map_atomic,
        validations: m
            .get("x-kubernetes-validations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
    })
}

/// Joins a field path the way kube-apiserver's `field.Path` prints it:
/// `spec.replicas`, `spec.items[2].name`.
pub(crate) fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

/// `path[i]`.
pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_keywords() {
        let s = Schema::parse(&json!({
            "type": "object",
            "required": ["spec"],
            "properties": {"spec": {"type": "object", "properties": {
                "ports": {"type": "array", "x-kubernetes-list-type": "map",
                          "x-kubernetes-list-map-keys": ["port"],
                          "items": {"type": "object", "properties": {"port": {"type": "integer"}}}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"},
                           "x-kubernetes-map-type": "atomic"},
                "size": {"x-kubernetes-int-or-string": true, "pattern": "^[0-9]+$"}
            }}}
        }))
        .unwrap();
        assert_eq!(s.required, vec!["spec"]);
        let spec = &s.properties["spec"];
        let ports = &spec.properties["ports"];
        assert_eq!(ports.list_type, ListType::Map);
        assert_eq!(ports.list_map_keys, vec!["port"]);
        assert!(spec.properties["labels"].map_atomic);
        assert_eq!(
            spec.properties["labels"]
                .property("anything")
                .unwrap()
                .type_
                .as_deref(),
            Some("string")
        );
        assert!(spec.properties["size"].int_or_string);
    }

    #[test]
    fn rejects_bad_keywords_and_depth() {
        let e = Schema::parse(&json!({"type": "object", "properties": {"a": {"maxLength": "x"}}}))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "schema at a: maxLength must be a non-negative integer"
        );
        let mut deep = json!({"type": "string"});
        for _ in 0..100 {
            deep = json!({"type": "object", "properties": {"a": deep}});
        }
        assert!(matches!(
            Schema::parse(&deep),
            Err(SchemaError::TooDeep { .. })
        ));
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::schema::{Schema, apply_defaults, prune, validate};
        use serde_json::json;

        let schema = Schema::parse(&json!({
            "type": "object",
            "properties": {"spec": {"type": "object", "properties": {
                "replicas": {"type": "integer", "maximum": 10, "default": 1}}}}
        }))
        .unwrap();
        let mut obj = json!({"apiVersion": "v1", "kind": "K", "spec": {"foo": 1}});
        assert_eq!(prune(&schema, &mut obj), vec!["spec.foo".to_string()]);
        apply_defaults(&schema, &mut obj);
        assert_eq!(obj["spec"]["replicas"], 1);
        assert!(validate(&schema, &obj).is_empty());
    }
}
