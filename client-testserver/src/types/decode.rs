//! Strict decoding of an object against its Go type, as kube-apiserver's
//! decoder (sigs.k8s.io/json, encoding/json's wording) reads a body into
//! the typed object:
//!
//! - a value of the wrong JSON type fails with encoding/json's message,
//!   `json: cannot unmarshal string into Go struct field
//!   DeploymentSpec.spec.replicas of type int32`: the struct holding the
//!   field, the field path from the root (map keys and list indexes are not
//!   part of it) and the Go type (`[]v1.Container`, `map[string]string`);
//! - a `Quantity` that does not parse fails with apimachinery's message;
//! - `IntOrString` takes an integer or a string, `Quantity` a number or a
//!   quantity string, `null` is accepted anywhere (Go keeps the zero
//!   value), `Time` and `MicroTime` an RFC 3339 string (Go's `parsing
//!   time ...` otherwise, `go_time`), `[]byte` a base64 string (Go's
//!   `illegal base64 data at input byte N` otherwise);
//! - fields the type does not have are returned, as the strict decoder
//!   reports them (`spec.template.spec.containers[0].foo`), for
//!   `fieldValidation` to warn about, refuse, or drop ([`remove`]).
//!
//! Go's named types print as their underlying type here (`string` for a
//! `v1.Protocol`), because the definitions do not carry Go type names.

use serde_json::{Map, Value};

use crate::types::{Node, Ty};

/// One step of a path: a struct field or map key, or a list index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A field or map key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A path to an unknown field.
pub(crate) type FieldPath = Vec<Seg>;

/// The strict decoder's rendering of a path: `spec.containers[0].foo`.
pub(crate) fn render(path: &[Seg]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Removes the field at `path` from `obj`, if present (Go's decoder drops
/// unknown fields).
pub(crate) fn remove(obj: &mut Value, path: &[Seg]) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for s in parents {
        let next = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k),
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let (Seg::Key(k), Value::Object(m)) = (last, cur) {
        m.remove(k);
    }
}

/// Decodes `obj` as the type at `root`.
///
/// # Errors
/// The decoder's message for the first value that does not fit (in key
/// order).
pub(crate) fn check(root: Node<'_>, obj: &Value) -> Result<Vec<FieldPath>, String> {
    let mut walk = Walk {
        stack: Vec::new(),
        segs: Vec::new(),
        unknown: Vec::new(),
    };
    walk.value(root, obj, "")?;
    Ok(walk.unknown)
}

/// Decodes `metadata` only (custom resources, whose schemas check the
/// rest): as [`check`] on ObjectMeta, unknown fields not reported.
///
/// # Errors
/// As [`check`].
pub(crate) fn check_metadata(kind: &str, obj: &Value) -> Result<(), String> {
    let m = crate::types::model();
    let (Some(meta), Some(id)) = (
        obj.get("metadata"),
        m.by_name("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
    ) else {
        return Ok(());
    };
    let mut walk = Walk {
        stack: vec!["metadata".to_string()],
        segs: vec![Seg::Key("metadata".into())],
        unknown: Vec::new(),
    };
    walk.value(Node::root(m, id), meta, kind)
}

struct Walk {
    /// encoding/json's field stack: struct fields only.
    stack: Vec<String>,
    /// The strict decoder's path: fields, keys and indexes.
    segs: Vec<Seg>,
    unknown: Vec<FieldPath>,
}

impl Walk {
    /// `owner` is the short name of the struct holding the current field.
    fn value(&mut self, n: Node<'_>, v: &Value, owner: &str) -> Result<(), String> {
        match (n.ty, v) {
            (_, Value::Null) | (Ty::Any, _) => Ok(()),
            (Ty::Struct(id), _) if n.model.def(*id).value.is_some() => {
                let ty = n.model.def(*id).value.as_ref().unwrap_or(&Ty::Any);
                self.value(Node { ty, ..n }, v, owner)
            }
            (Ty::Struct(id), Value::Object(m)) => self.fields(n, *id, m),
            (Ty::List(_), Value::Array(items)) => {
                let Some(item) = n.items() else {
                    return Ok(());
                };
                for (i, it) in items.iter().enumerate() {
                    self.segs.push(Seg::Index(i));
                    let r = self.value(item, it, owner);
                    self.segs.pop();
                    r?;
                }
                Ok(())
            }
            (Ty::Map(_), Value::Object(m)) => {
                let Some(values) = n.field("") else {
                    return Ok(());
                };
                for (k, cv) in m {
                    self.segs.push(Seg::Key(k.clone()));
                    let r = self.value(values, cv, owner);
                    self.segs.pop();
                    r?;
                }
                Ok(())
            }
            (Ty::Bytes, Value::String(b64)) => match base64_error(b64.as_bytes()) {
                Some(at) => Err(format!("illegal base64 data at input byte {at}")),
                None => Ok(()),
            },
            (Ty::Time, Value::String(t)) => {
                crate::types::go_time::parse(&crate::types::go_time::RFC3339, t)
            }
            (Ty::MicroTime, Value::String(t)) => {
                crate::types::go_time::parse(&crate::types::go_time::RFC3339_MICRO, t)
            }
            (Ty::String, Value::String(_))
            | (Ty::Bool, Value::Bool(_))
            | (Ty::Float64, Value::Number(_))
            | (Ty::IntOrString, Value::String(_)) => Ok(()),
            (Ty::Int64, Value::Number(num)) if num.is_i64() => Ok(()),
            (Ty::Int32 | Ty::IntOrString, Value::Number(num))
                if num.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) =>
            {
                Ok(())
            }
            (Ty::Quantity, Value::Number(_)) => Ok(()),
            (Ty::Quantity, Value::String(s)) => parse_quantity(s.trim()),
            (Ty::Quantity, _) => Err(QUANTITY_FORMAT.to_string()),
            _ => Err(self.type_error(n, v, owner)),
        }
    }

    fn fields(
        &mut self,
        n: Node<'_>,
        id: crate::types::DefId,
        m: &Map<String, Value>,
    ) -> Result<(), String> {
        let def = n.model.def(id);
        for (k, cv) in m {
            self.segs.push(Seg::Key(k.clone()));
            let r = match n.field(k) {
                Some(child) => {
                    self.stack.push(k.clone());
                    let r = self.value(child, cv, def.short_name());
                    self.stack.pop();
                    r
                }
                None => {
                    self.unknown.push(self.segs.clone());
                    Ok(())
                }
            };
            self.segs.pop();
            r?;
        }
        Ok(())
    }

    fn type_error(&self, n: Node<'_>, v: &Value, owner: &str) -> String {
        let what = match v {
            Value::String(_) => "string".to_string(),
            Value::Bool(_) => "bool".to_string(),
            // encoding/json names the literal when a number does not fit an
            // integer type, and says only "number" otherwise.
            Value::Number(num) if matches!(n.ty, Ty::Int32 | Ty::Int64 | Ty::IntOrString) => {
                format!("number {num}")
            }
            Value::Number(_) => "number".to_string(),
            Value::Array(_) => "array".to_string(),
            Value::Object(_) => "object".to_string(),
            Value::Null => "null".to_string(),
        };
        let ty = go_type(n);
        if self.stack.is_empty() {
            return format!("json: cannot unmarshal {what} into Go value of type {ty}");
        }
        format!(
            "json: cannot unmarshal {what} into Go struct field {owner}.{} of type {ty}",
            self.stack.join(".")
        )
    }
}

/// The type as Go's `reflect.Type.String()` prints it (pointers
/// dereferenced, as the decoder reports them).
pub(crate) fn go_type(n: Node<'_>) -> String {
    match n.ty {
        Ty::Bool => "bool".into(),
        Ty::String | Ty::Time | Ty::MicroTime => "string".into(),
        Ty::Bytes => "[]uint8".into(),
        // IntOrString decodes a non-string into its int32.
        Ty::Int32 | Ty::IntOrString => "int32".into(),
        Ty::Int64 => "int64".into(),
        Ty::Float64 => "float64".into(),
        Ty::Quantity => "resource.Quantity".into(),
        Ty::Any => "interface {}".into(),
        Ty::Struct(id) => n.model.def(*id).go_name.clone(),
        Ty::List(_) => match n.items() {
            Some(i) => format!("[]{}", go_type(i)),
            None => "[]interface {}".into(),
        },
        Ty::Map(_) => match n.field("") {
            Some(i) => format!("map[string]{}", go_type(i)),
            None => "map[string]interface {}".into(),
        },
    }
}

/// Where Go's `base64.StdEncoding.Decode` (what encoding/json uses for a
/// `[]byte`) fails on `src`, as its `CorruptInputError` offset: quanta of
/// four alphabet characters, `\r` and `\n` skipped, `=` padding only at
/// the end.
fn base64_error(src: &[u8]) -> Option<usize> {
    let valid = |c: u8| c.is_ascii_alphanumeric() || c == b'+' || c == b'/';
    let mut si = 0;
    while si < src.len() {
        let mut j = 0;
        while j < 4 {
            if si == src.len() {
                return match j {
                    0 => None,
                    // Standard encoding wants padding: a short quantum fails.
                    _ => Some(si - j),
                };
            }
            let c = src[si];
            si += 1;
            if valid(c) {
                j += 1;
                continue;
            }
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c != b'=' {
                return Some(si - 1);
            }
            match j {
                0 | 1 => return Some(si - 1),
                2 => {
                    while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                        si += 1;
                    }
                    if si == src.len() {
                        return Some(src.len());
                    }
                    if src[si] != b'=' {
                        return Some(si - 1);
                    }
                    si += 1;
                }
                _ => {}
            }
            while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                si += 1;
            }
            return (si < src.len()).then_some(si);
        }
    }
    None
}

/// apimachinery's `ErrFormatWrong`.
const QUANTITY_FORMAT: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// `resource.ParseQuantity`'s checks: the grammar
/// `[+-]?[0-9.]+` then a suffix (binary `Ki`..`Ei`, decimal `n u m k M G T
/// P E`, or an exponent `e`/`E` with a signed integer).
fn parse_quantity(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let num_start = i;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
        i += 1;
    }
    let number = &s[num_start..i];
    let suffix = &s[i..];
    let suffix_chars_ok = {
        let letters = suffix.trim_end_matches(|c: char| c.is_ascii_digit());
        let letters = letters.trim_end_matches(['+', '-']);
        letters.chars().all(|c| "eEinumkKMGTP".contains(c))
            && suffix[letters.len()..]
                .trim_start_matches(['+', '-'])
                .chars()
                .all(|c| c.is_ascii_digit())
            && suffix[letters.len()..]
                .chars()
                .filter(|c| matches!(c, '+' | '-'))
                .count()
                <= 1
    };
    if number.is_empty() || !suffix_chars_ok {
        return Err(QUANTITY_FORMAT.to_string());
    }
    if number.chars().filter(|c| *c == '.').count() > 1
        || !number.chars().any(|c| c.is_ascii_digit())
    {
        return Err("unable to parse numeric part of quantity".to_string());
    }
    let known = [
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    let exponent = suffix
        .strip_prefix(['e', 'E'])
        .map(|rest| rest.strip_prefix(['+', '-']).unwrap_or(rest))
        .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()));
    if known.contains(&suffix) || exponent {
        Ok(())
    } else {
        Err("unable to parse quantity's suffix".to_string())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::types::kind_node;
    use serde_json::json;

    fn deployment(v: Value) -> Result<Vec<String>, String> {
        let n = kind_node("apps/v1", "Deployment").unwrap();
        check(n, &v).map(|u| u.iter().map(|p| render(p)).collect())
    }

    #[test]
    fn go_messages_for_wrong_types() {
        assert_eq!(
            deployment(json!({"spec": {"replicas": "3"}})).unwrap_err(),
            "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        assert_eq!(
            deployment(json!({"spec": {"template": {"spec": {"containers": [{"name": "a", "ports": "80"}]}}}}))
                .unwrap_err(),
            "json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.ports of type []v1.ContainerPort"
        );
        assert_eq!(
            deployment(json!({"spec": {"replicas": 1.5}})).unwrap_err(),
            "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        assert_eq!(
            deployment(json!({"spec": {"replicas": 3_000_000_000_i64}})).unwrap_err(),
            "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"
        );
        assert_eq!(
            deployment(json!({"metadata": {"labels": {"a": 1}}})).unwrap_err(),
            "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
        );
        assert_eq!(
            deployment(json!({"metadata": {"ownerReferences": [{"controller": "yes"}]}}))
                .unwrap_err(),
            "json: cannot unmarshal string into Go struct field OwnerReference.metadata.ownerReferences.controller of type bool"
        );
        assert_eq!(
            deployment(json!({"spec": {"template": {"spec": {"containers": {}}}}})).unwrap_err(),
            "json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"
        );
        assert_eq!(
            deployment(json!({"spec": {"strategy": {"rollingUpdate": {"maxSurge": true}}}}))
                .unwrap_err(),
            "json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"
        );
    }

    #[test]
    fn kube_formats_are_accepted() {
        let ok = json!({"metadata": {"name": "d", "creationTimestamp": "2024-01-01T00:00:00Z", "labels": null},
            "spec": {"replicas": 2, "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                     "template": {"spec": {"containers": [{"name": "a", "image": "i",
                        "resources": {"limits": {"cpu": "500m", "memory": 1073741824}, "requests": {"memory": "1.5Gi"}}}]}}}});
        assert_eq!(deployment(ok).unwrap(), Vec::<String>::new());
        assert_eq!(
            deployment(json!({"spec": {"template": {"spec": {"containers": [{"resources": {"limits": {"cpu": "lots"}}}]}}}}))
                .unwrap_err(),
            QUANTITY_FORMAT
        );
        assert_eq!(
            deployment(json!({"spec": {"template": {"spec": {"containers": [{"resources": {"limits": {"cpu": "1Qi"}}}]}}}}))
                .unwrap_err(),
            QUANTITY_FORMAT
        );
        assert_eq!(parse_quantity("1e3"), Ok(()));
        assert_eq!(
            parse_quantity("1.2.3").unwrap_err(),
            "unable to parse numeric part of quantity"
        );
        assert_eq!(
            parse_quantity("1mi").unwrap_err(),
            "unable to parse quantity's suffix"
        );
    }

    #[test]
    fn unknown_fields_are_listed_with_indexes() {
        let u = deployment(json!({"metadata": {"name": "d", "unknownMeta": 1},
            "spec": {"unknown1": 1, "template": {"spec": {"containers": [{"name": "a"}, {"name": "b", "unknownNested": 1}]}}}}))
            .unwrap();
        assert_eq!(
            u,
            [
                "metadata.unknownMeta",
                "spec.template.spec.containers[1].unknownNested",
                "spec.unknown1"
            ]
        );
        let mut obj = json!({"spec": {"unknown1": 1, "paused": true}});
        remove(
            &mut obj,
            &[Seg::Key("spec".into()), Seg::Key("unknown1".into())],
        );
        assert_eq!(obj, json!({"spec": {"paused": true}}));
    }

    #[test]
    fn base64_errors_at_gos_offsets() {
        for ok in ["", "YWJj", "YWI=", "YQ==", "YWJj\nZGVm", "YWJjZA=="] {
            assert_eq!(base64_error(ok.as_bytes()), None, "{ok}");
        }
        for (bad, at) in [
            ("abc", 0),
            ("abcde", 4),
            ("not base64!", 3),
            ("YQ=", 3),
            ("Y===", 1),
            ("YQ==YQ==", 4),
            ("YWI=x", 4),
            ("YQ=x", 2),
        ] {
            assert_eq!(base64_error(bad.as_bytes()), Some(at), "{bad}");
        }
        let n = kind_node("v1", "Secret").unwrap();
        assert_eq!(
            check(n, &json!({"data": {"k": "plain text"}})).unwrap_err(),
            "illegal base64 data at input byte 5"
        );
    }

    #[test]
    fn metadata_alone_for_custom_resources() {
        assert_eq!(
            check_metadata(
                "Widget",
                &json!({"metadata": {"generation": "1"}, "spec": {"x": [1]}})
            )
            .unwrap_err(),
            "json: cannot unmarshal string into Go struct field ObjectMeta.metadata.generation of type int64"
        );
        assert!(check_metadata("Widget", &json!({"metadata": {"odd": 1}, "spec": 1})).is_ok());
    }
}
