//! The whole custom-resource write pipeline in one call: prune (honouring
//! `fieldValidation`), default, validate; and the schema lookup in a CRD.

use super::{FieldError, Schema, SchemaError, apply_defaults, invalid_error, prune, strict_error};
use super::{unknown_field_warnings, validate};
use crate::error::ApiError;
use serde_json::Value;

/// The `fieldValidation` query parameter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum FieldValidation {
    /// Drop unknown fields silently.
    Ignore,
    /// Drop unknown fields and warn (the default).
    #[default]
    Warn,
    /// Reject unknown fields with 400.
    Strict,
}

impl FieldValidation {
    /// Parses the query value; absent or empty is `Warn`. `options_kind`
    /// is `CreateOptions`, `UpdateOptions` or `PatchOptions`, for the error.
    ///
    /// # Errors
    /// Any other value: kube-apiserver's 422, e.g. `CreateOptions.meta.k8s.io
    /// "" is invalid: fieldValidation: Unsupported value: "x": supported
    /// values: "", "Ignore", "Strict", "Warn"`.
    pub(crate) fn parse(v: Option<&str>, options_kind: &str) -> Result<FieldValidation, ApiError> {
        match v {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some(other) => {
                let supported: Vec<String> = ["", "Ignore", "Strict", "Warn"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                Err(invalid_error(
                    "meta.k8s.io",
                    options_kind,
                    "",
                    &[FieldError::not_supported(
                        "fieldValidation",
                        &Value::String(other.to_string()),
                        &supported,
                    )],
                ))
            }
        }
    }
}

/// What [`admit`] hands back on success.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Admitted {
    /// Warning texts to send as `Warning: 299 - "<text>"` headers (see
    /// [`warning_header_value`]); empty unless `Warn` pruned something.
    pub warnings: Vec<String>,
    /// The pruned field paths.
    pub pruned: Vec<String>,
}

/// Prunes, defaults and validates a custom resource about to be written
/// (create, update, patch result, apply result), in place.
///
/// # Errors
/// 400 `strict decoding error: ...` under `Strict` when unknown fields were
/// sent; 422 `Invalid` with one cause per field error otherwise.
pub(crate) fn admit(
    schema: &Schema,
    obj: &mut Value,
    mode: FieldValidation,
    group: &str,
    kind: &str,
) -> Result<Admitted, ApiError> {
    let pruned = prune(schema, obj);
    if mode == FieldValidation::Strict
        && let Some(e) = strict_error(&pruned)
    {
        return Err(e);
    }
    apply_defaults(schema, obj);
    let errors: Vec<FieldError> = validate(schema, obj);
    if !errors.is_empty() {
        let name = obj
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return Err(invalid_error(group, kind, name, &errors));
    }
    let warnings = match mode {
        FieldValidation::Warn => unknown_field_warnings(&pruned),
        _ => Vec::new(),
    };
    Ok(Admitted { warnings, pruned })
}

/// The value of a `Warning` header for `text`: `299 - "<text>"` with `"`
/// and `\` escaped.
pub(crate) fn warning_header_value(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("299 - \"{escaped}\"")
}

/// The schema of `version` in a CustomResourceDefinition object
/// (`spec.versions[].schema.openAPIV3Schema`); `Ok(None)` when the version
/// is absent or has no schema.
///
/// # Errors
/// [`SchemaError`] when the schema does not parse.
pub(crate) fn crd_version_schema(
    crd: &Value,
    version: &str,
) -> Result<Option<Schema>, SchemaError> {
    let Some(versions) = crd.pointer("/spec/versions").and_then(Value::as_array) else {
        return Ok(None);
    };
    for v in versions {
        if v.get("name").and_then(Value::as_str) == Some(version) {
            return match v.pointer("/schema/openAPIV3Schema") {
                Some(s) => Schema::parse(s).map(Some),
                None => Ok(None),
            };
        }
    }
    Ok(None)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd() -> Value {
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "crontabs.stable.example.com"},
            "spec": {"group": "stable.example.com", "versions": [
                {"name": "v1", "served": true, "storage": true, "schema": {"openAPIV3Schema": {
                    "type": "object", "properties": {"spec": {"type": "object", "required": ["cronSpec"],
                        "properties": {"cronSpec": {"type": "string"},
                                       "replicas": {"type": "integer", "maximum": 10, "default": 1}}}}}}},
                {"name": "v2", "served": true, "storage": false}]}})
    }

    #[test]
    fn finds_a_version_schema() {
        assert!(crd_version_schema(&crd(), "v1").unwrap().is_some());
        assert!(crd_version_schema(&crd(), "v2").unwrap().is_none());
        assert!(crd_version_schema(&crd(), "v3").unwrap().is_none());
        let mut bad = crd();
        bad["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"] = json!(1);
        assert!(crd_version_schema(&bad, "v1").is_err());
    }

    #[test]
    fn admit_per_field_validation_mode() {
        let s = crd_version_schema(&crd(), "v1").unwrap().unwrap();
        let obj = json!({"apiVersion": "stable.example.com/v1", "kind": "CronTab",
                         "metadata": {"name": "c"}, "spec": {"cronSpec": "* * * * *", "foo": 1}});

        let mut o = obj.clone();
        let ok = admit(
            &s,
            &mut o,
            FieldValidation::Warn,
            "stable.example.com",
            "CronTab",
        )
        .unwrap();
        assert_eq!(ok.warnings, vec!["unknown field \"spec.foo\""]);
        assert_eq!(o["spec"], json!({"cronSpec": "* * * * *", "replicas": 1}));
        assert_eq!(
            warning_header_value(&ok.warnings[0]),
            "299 - \"unknown field \\\"spec.foo\\\"\""
        );

        let mut o = obj.clone();
        let ok = admit(
            &s,
            &mut o,
            FieldValidation::Ignore,
            "stable.example.com",
            "CronTab",
        )
        .unwrap();
        assert!(ok.warnings.is_empty());
        assert_eq!(ok.pruned, vec!["spec.foo"]);

        let mut o = obj.clone();
        let e = admit(
            &s,
            &mut o,
            FieldValidation::Strict,
            "stable.example.com",
            "CronTab",
        )
        .unwrap_err();
        assert_eq!((e.code, e.reason.as_str()), (400, "BadRequest"));
        assert_eq!(
            e.message,
            "strict decoding error: unknown field \"spec.foo\""
        );
    }

    #[test]
    fn admit_rejects_invalid_objects_with_422() {
        let s = crd_version_schema(&crd(), "v1").unwrap().unwrap();
        let mut o = json!({"metadata": {"name": "c"}, "spec": {"replicas": 11}});
        let e = admit(
            &s,
            &mut o,
            FieldValidation::Warn,
            "stable.example.com",
            "CronTab",
        )
        .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "CronTab.stable.example.com \"c\" is invalid: [spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10, spec.cronSpec: Required value]"
        );
    }

    #[test]
    fn field_validation_parse() {
        assert_eq!(
            FieldValidation::parse(None, "CreateOptions").unwrap(),
            FieldValidation::Warn
        );
        assert_eq!(
            FieldValidation::parse(Some(""), "CreateOptions").unwrap(),
            FieldValidation::Warn
        );
        assert_eq!(
            FieldValidation::parse(Some("Strict"), "PatchOptions").unwrap(),
            FieldValidation::Strict
        );
        assert_eq!(
            FieldValidation::parse(Some("Ignore"), "UpdateOptions").unwrap(),
            FieldValidation::Ignore
        );
        let e = FieldValidation::parse(Some("strict"), "CreateOptions").unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"strict\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod robustness {
    use super::*;
    use serde_json::{Map, json};

    fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
        let keys = ["spec", "a", "b", "items", "n", "s"];
        match rng.u8(0..if depth == 0 { 5 } else { 7 }) {
            0 => Value::Null,
            1 => json!(rng.i64(-20..20)),
            2 => json!(rng.f64() * 10.0),
            3 => json!(["", "abc", "a-b", "ZZ", "2024-01-01T00:00:00Z"][rng.usize(0..5)]),
            4 => json!(rng.bool()),
            5 => {
                let mut m = Map::new();
                for _ in 0..rng.usize(0..4) {
                    m.insert(
                        keys[rng.usize(0..keys.len())].to_string(),
                        random_value(rng, depth - 1),
                    );
                }
                Value::Object(m)
            }
            _ => Value::Array(
                (0..rng.usize(0..4))
                    .map(|_| random_value(rng, depth - 1))
                    .collect(),
            ),
        }
    }

    #[test]
    fn random_objects_never_panic_and_admitted_objects_validate() {
        let schema = Schema::parse(&json!({"type": "object", "properties": {"spec": {
            "type": "object", "default": {}, "required": ["n"],
            "properties": {
                "n": {"type": "integer", "minimum": -5, "maximum": 5, "default": 0},
                "s": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$", "maxLength": 3, "enum": ["abc", "a-b"]},
                "a": {"type": "array", "x-kubernetes-list-type": "set", "maxItems": 2, "items": {"type": "string"}},
                "items": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["n"],
                          "items": {"type": "object", "properties": {"n": {"type": "integer"},
                                                                      "b": {"type": "boolean", "nullable": true}}}},
                "b": {"x-kubernetes-preserve-unknown-fields": true, "type": "object"}
            }}}}))
        .unwrap();
        let mut rng = fastrand::Rng::with_seed(11);
        let mut accepted = 0;
        for _ in 0..2000 {
            let mut obj = json!({"apiVersion": "g/v1", "kind": "K", "metadata": {"name": "x"}});
            obj["spec"] = random_value(&mut rng, 4);
            let mode = [
                FieldValidation::Ignore,
                FieldValidation::Warn,
                FieldValidation::Strict,
            ][rng.usize(0..3)];
            match admit(&schema, &mut obj, mode, "g", "K") {
                Ok(_) => {
                    accepted += 1;
                    assert!(validate(&schema, &obj).is_empty());
                    let mut again = obj.clone();
                    assert!(
                        prune(&schema, &mut again).is_empty(),
                        "admitted objects are pruned"
                    );
                }
                Err(e) => assert!(e.code == 400 || e.code == 422, "{e:?}"),
            }
        }
        assert!(accepted > 0);
    }
}

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn admit_example() {
        use crate::schema::{FieldValidation, Schema, admit};
        use serde_json::json;
        let s = Schema::parse(
            &json!({"type": "object", "properties": {"spec": {"type": "object",
            "properties": {"n": {"type": "integer", "default": 1}}}}}),
        )
        .unwrap();
        let mut obj = json!({"metadata": {"name": "a"}, "spec": {"x": 1}});
        let ok = admit(&s, &mut obj, FieldValidation::Warn, "g", "K").unwrap();
        assert_eq!(ok.warnings, vec!["unknown field \"spec.x\""]);
        assert_eq!(obj["spec"], json!({"n": 1}));
    }
}
