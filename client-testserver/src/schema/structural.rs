//! The checks kube-apiserver makes on a CRD version's schema at create and
//! update (apiextensions' `ValidateStructural`): every node has a type (or
//! preserve-unknown-fields / int-or-string), value validations under
//! `allOf`/`anyOf`/`oneOf`/`not` carry no type, description, default,
//! nullable or extensions, `additionalProperties` is not at the root, and
//! `metadata` restricts at most `name` and `generateName`. Then every CEL
//! rule must compile ([`super::cel::check_rules`]).
//!
//! Errors use kube-apiserver's paths and words, sorted as it sorts them:
//! `spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required
//! value: must not be empty for specified object fields`.
//!
//! ```text
//! let crd = json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
//!     "type": "object", "properties": {"spec": {"properties": {"a": {"type": "string"}}}}}}}]}});
//! let errors = check_crd(&crd);
//! assert_eq!(errors[0].message(), "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: \
//!     Required value: must not be empty for specified object fields");
//! ```

use serde_json::{Value, json};

use super::FieldError;

/// Why [`verify_crd`] refused a CRD: kube-apiserver's field errors, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the API server would refuse this CRD:\n{}", .messages.join("\n"))]
pub struct CrdRefused {
    /// Each error as kube-apiserver words it.
    pub messages: Vec<String>,
}

/// The test helper for a crate that publishes CRDs: checks a CRD (any
/// `Serialize` form, such as `CronTab::crd()?`) the way kube-apiserver does
/// at create, structural schema and every CEL rule, so that a typo in a
/// rule fails `cargo test` rather than `kubectl apply`.
///
/// # Errors
/// [`CrdRefused`] with every error, or the serialization error's text.
///
/// ```
/// use client_testserver::verify_crd;
/// use serde_json::json;
///
/// let crd = |rule: &str| json!({"spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
///     "type": "object", "x-kubernetes-validations": [{"rule": rule}]}}}]}});
/// assert!(verify_crd(&crd("self.metadata.name.size() < 10")).is_ok());
/// let e = verify_crd(&crd("self.metadata.name.size( < 10")).unwrap_err();
/// assert!(e.messages[0].contains("x-kubernetes-validations[0].rule"));
/// ```
pub fn verify_crd(crd: &impl serde::Serialize) -> Result<(), CrdRefused> {
    let value = serde_json::to_value(crd).map_err(|e| CrdRefused {
        messages: vec![e.to_string()],
    })?;
    let errors = check_crd(&value);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CrdRefused {
            messages: errors.iter().map(FieldError::message).collect(),
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Root,
    Item,
    Field,
}

/// Every structural-schema and CEL-compilation error of the CRD's versions.
pub fn check_crd(crd: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    let Some(versions) = crd.pointer("/spec/versions").and_then(Value::as_array) else {
        return out;
    };
    for (i, v) in versions.iter().enumerate() {
        let Some(schema) = v.pointer("/schema/openAPIV3Schema") else {
            continue;
        };
        let base = format!("spec.versions[{i}].schema.openAPIV3Schema");
        let mut errs = Vec::new();
        node(schema, Level::Root, &base, 0, &mut errs);
        errs.sort_by_key(FieldError::message);
        out.extend(errs);
        out.extend(super::cel::check_rules(schema, &base));
    }
    out
}

fn is_true(s: &Value, key: &str) -> bool {
    s.get(key) == Some(&Value::Bool(true))
}

fn type_of(s: &Value) -> &str {
    s.get("type").and_then(Value::as_str).unwrap_or_default()
}

fn node(s: &Value, lvl: Level, path: &str, depth: usize, out: &mut Vec<FieldError>) {
    if depth > super::MAX_SCHEMA_DEPTH || !s.is_object() {
        return;
    }
    let ty = type_of(s);
    if ty == "array" && s.get("items").is_none() {
        out.push(FieldError::required_because(
            format!("{path}.items"),
            "must be specified",
        ));
    }
    if let Some(items) = s.get("items") {
        node(items, Level::Item, &format!("{path}.items"), depth + 1, out);
    }
    if let Some(Value::Object(props)) = s.get("properties") {
        for (k, v) in props {
            node(
                v,
                Level::Field,
                &format!("{path}.properties[{k}]"),
                depth + 1,
                out,
            );
        }
    }
    if let Some(ap) = s.get("additionalProperties") {
        if lvl == Level::Root {
            out.push(FieldError::forbidden(
                format!("{path}.additionalProperties"),
                "must not be used at the root",
            ));
        }
        if ap.is_object() {
            node(
                ap,
                Level::Field,
                &format!("{path}.additionalProperties"),
                depth + 1,
                out,
            );
        }
    }
    if is_true(s, "uniqueItems") {
        out.push(FieldError::forbidden(
            format!("{path}.uniqueItems"),
            "uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
        ));
    }
    let int_or_string = is_true(s, "x-kubernetes-int-or-string");
    let preserve = is_true(s, "x-kubernetes-preserve-unknown-fields");
    let embedded = is_true(s, "x-kubernetes-embedded-resource");
    if int_or_string && preserve {
        out.push(FieldError::invalid(
            format!("{path}.x-kubernetes-preserve-unknown-fields"),
            &json!(true),
            "must be false if x-kubernetes-int-or-string is true",
        ));
    }
    // The two int-or-string forms that may name types under a junctor.
    let int_or_string_pair = json!([{"type": "integer"}, {"type": "string"}]);
    for junctor in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = s.get(junctor) {
            for (i, b) in branches.iter().enumerate() {
                if junctor == "anyOf" && s.get("anyOf") == Some(&int_or_string_pair) {
                    continue;
                }
                if junctor == "allOf" && i == 0 && b.get("anyOf") == Some(&int_or_string_pair) {
                    continue;
                }
                nested(b, &format!("{path}.{junctor}[{i}]"), depth + 1, out);
            }
        }
    }
    if let Some(not) = s.get("not") {
        nested(not, &format!("{path}.not"), depth + 1, out);
    }
    if embedded && ty != "object" {
        if ty.is_empty() {
            out.push(FieldError::required_because(
                format!("{path}.type"),
                "must be object if x-kubernetes-embedded-resource is true",
            ));
        } else {
            out.push(FieldError::invalid(
                format!("{path}.type"),
                &json!(ty),
                "must be object if x-kubernetes-embedded-resource is true",
            ));
        }
    } else if ty.is_empty() && !int_or_string && !preserve {
        let why = match lvl {
            Level::Root => "must not be empty at the root",
            Level::Item => "must not be empty for specified array items",
            Level::Field => "must not be empty for specified object fields",
        };
        out.push(FieldError::required_because(format!("{path}.type"), why));
    }
    if lvl == Level::Root && !ty.is_empty() && ty != "object" {
        out.push(FieldError::invalid(
            format!("{path}.type"),
            &json!(ty),
            "must be object at the root",
        ));
    }
    let check_metadata = lvl == Level::Root || embedded;
    if check_metadata {
        for key in ["kind", "apiVersion"] {
            if let Some(p) = s.pointer(&format!("/properties/{key}"))
                && type_of(p) != "string"
            {
                out.push(FieldError::invalid(
                    format!("{path}.properties[{key}].type"),
                    &json!(type_of(p)),
                    "must be string",
                ));
            }
        }
    }
    if let Some(meta) = s.pointer("/properties/metadata") {
        metadata(
            meta,
            check_metadata,
            lvl,
            &format!("{path}.properties[metadata]"),
            out,
        );
    }
}

/// kube-apiserver owns `metadata`: a CRD schema may give it `type: object`
/// and restrict `name` / `generateName`, nothing else.
fn metadata(s: &Value, check: bool, lvl: Level, path: &str, out: &mut Vec<FieldError>) {
    if check && type_of(s) != "object" {
        out.push(FieldError::invalid(
            format!("{path}.type"),
            &json!(type_of(s)),
            "must be object",
        ));
    }
    if lvl != Level::Root {
        return;
    }
    let Some(m) = s.as_object() else { return };
    let props_ok = match m.get("properties") {
        None => true,
        Some(Value::Object(p)) => {
            !p.is_empty() && p.keys().all(|k| k == "name" || k == "generateName")
        }
        Some(_) => false,
    };
    let others = m
        .keys()
        .any(|k| !matches!(k.as_str(), "type" | "properties" | "default"));
    if !props_ok || others {
        out.push(FieldError::forbidden(
            path.to_string(),
            "must not specify anything other than name and generateName, but metadata is implicitly specified",
        ));
    }
}

/// A value validation under a junctor: no generic keywords or extensions.
fn nested(s: &Value, path: &str, depth: usize, out: &mut Vec<FieldError>) {
    if depth > super::MAX_SCHEMA_DEPTH || !s.is_object() {
        return;
    }
    for junctor in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(branches)) = s.get(junctor) {
            for (i, b) in branches.iter().enumerate() {
                nested(b, &format!("{path}.{junctor}[{i}]"), depth + 1, out);
            }
        }
    }
    if let Some(not) = s.get("not") {
        nested(not, &format!("{path}.not"), depth + 1, out);
    }
    if let Some(items) = s.get("items") {
        nested(items, &format!("{path}.items"), depth + 1, out);
    }
    if let Some(Value::Object(props)) = s.get("properties") {
        for (k, v) in props {
            nested(v, &format!("{path}.properties[{k}]"), depth + 1, out);
        }
        if props.contains_key("metadata") {
            out.push(FieldError::forbidden(
                format!("{path}.properties[metadata]"),
                "must not be specified in a nested context",
            ));
        }
    }
    let forbidden: &[(&str, &str)] = &[
        ("type", "must be empty to be structural"),
        ("additionalProperties", "must be undefined to be structural"),
        ("default", "must be undefined to be structural"),
        ("title", "must be empty to be structural"),
        ("description", "must be empty to be structural"),
        ("externalDocs", "must be undefined to be structural"),
        (
            "x-kubernetes-list-map-keys",
            "must be empty to be structural",
        ),
        (
            "x-kubernetes-list-type",
            "must be undefined to be structural",
        ),
        (
            "x-kubernetes-map-type",
            "must be undefined to be structural",
        ),
        ("x-kubernetes-validations", "must be empty to be structural"),
    ];
    for (key, why) in forbidden {
        if s.get(*key).is_some() {
            out.push(FieldError::forbidden(format!("{path}.{key}"), *why));
        }
    }
    for key in [
        "nullable",
        "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-embedded-resource",
        "x-kubernetes-int-or-string",
    ] {
        if is_true(s, key) {
            out.push(FieldError::forbidden(
                format!("{path}.{key}"),
                "must be false to be structural",
            ));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn errors(schema: Value) -> Vec<String> {
        check_crd(&json!({"spec": {"versions": [
            {"name": "v1", "schema": {"openAPIV3Schema": {"type": "object"}}},
            {"name": "v2", "schema": {"openAPIV3Schema": schema}}
        ]}}))
        .iter()
        .map(FieldError::message)
        .collect()
    }

    #[test]
    fn structural_schemas_pass() {
        assert!(errors(json!({"type": "object", "properties": {
            "metadata": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 10}}},
            "spec": {"type": "object", "properties": {
                "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                "any": {"x-kubernetes-preserve-unknown-fields": true},
                "kind": {"type": "object", "properties": {"t": {"type": "string"}},
                         "oneOf": [{"required": ["t"], "properties": {"t": {"enum": ["a"]}}}]},
                "list": {"type": "array", "items": {"type": "string"}}
            }}
        }})).is_empty());
    }

    #[test]
    fn missing_types_and_items_are_reported_at_the_version_index() {
        assert_eq!(
            errors(json!({"type": "object", "properties": {
                "spec": {"properties": {"list": {"type": "array"}, "x": {"items": {}},
                         "set": {"type": "array", "uniqueItems": true, "items": {"type": "string"}}}}
            }})),
            vec![
                "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[list].items: Required value: must be specified",
                "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[set].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
                "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[x].items.type: Required value: must not be empty for specified array items",
                "spec.versions[1].schema.openAPIV3Schema.properties[spec].properties[x].type: Required value: must not be empty for specified object fields",
                "spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
            ]
        );
    }

    #[test]
    fn root_junctors_and_metadata() {
        assert_eq!(
            errors(
                json!({"type": "string", "additionalProperties": {"type": "string"},
                "anyOf": [{"type": "object", "description": "d", "nullable": true}],
                "properties": {"metadata": {"type": "object", "properties": {"labels": {"type": "object"}}}}})
            ),
            vec![
                "spec.versions[1].schema.openAPIV3Schema.additionalProperties: Forbidden: must not be used at the root",
                "spec.versions[1].schema.openAPIV3Schema.anyOf[0].description: Forbidden: must be empty to be structural",
                "spec.versions[1].schema.openAPIV3Schema.anyOf[0].nullable: Forbidden: must be false to be structural",
                "spec.versions[1].schema.openAPIV3Schema.anyOf[0].type: Forbidden: must be empty to be structural",
                "spec.versions[1].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
                "spec.versions[1].schema.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root",
            ]
        );
    }
}
