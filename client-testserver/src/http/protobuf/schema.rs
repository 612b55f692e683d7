//! The message descriptors: `data/kubernetes-1.33/protobuf.json`, which
//! `tools/k8s-data/gen_protobuf.py` builds from the published
//! `generated.proto` files and the Go structs they come from. Parsed once
//! per process into a table indexed by message, with field types resolved
//! to indices so decoding never looks a name up.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;

/// The processed table, compiled in.
const PROTOBUF_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../data/kubernetes-1.33/protobuf.json"
));

/// A scalar protobuf type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `string`: UTF-8 text (invalid bytes become U+FFFD, as Go's JSON does).
    String,
    /// `bytes`: base64 in JSON.
    Bytes,
    /// `bool`.
    Bool,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `uint32`.
    Uint32,
    /// `uint64`.
    Uint64,
    /// `double`.
    Double,
    /// `float`.
    Float,
}

impl Scalar {
    fn parse(name: &str) -> Option<Scalar> {
        Some(match name {
            "string" => Scalar::String,
            "bytes" => Scalar::Bytes,
            "bool" => Scalar::Bool,
            "int32" => Scalar::Int32,
            "int64" => Scalar::Int64,
            "uint32" => Scalar::Uint32,
            "uint64" => Scalar::Uint64,
            "double" => Scalar::Double,
            "float" => Scalar::Float,
            _ => return None,
        })
    }
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    /// A scalar.
    Scalar(Scalar),
    /// A message, by index into [`Schema::message`].
    Message(usize),
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// `optional`: one value (the last on the wire wins; messages merge).
    Single,
    /// `repeated`: a JSON array.
    Repeated,
    /// `map<string, T>`: a JSON object of entries.
    Map,
}

/// One field of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    /// The protobuf field number.
    pub(crate) number: u32,
    /// Go's JSON name (the `json:"..."` tag); empty for an inlined field.
    pub(crate) json: String,
    /// Single, repeated or map.
    pub(crate) label: Label,
    /// The value type (of a map: the value's; keys are strings).
    pub(crate) ty: Ty,
    /// Go's `omitempty`: a zero scalar of a non-pointer field is left out.
    pub(crate) omitempty: bool,
    /// A Go pointer: a zero scalar on the wire was set explicitly and is kept.
    pub(crate) pointer: bool,
    /// `json:",inline"`: the message's fields belong to the parent object.
    pub(crate) inline: bool,
}

/// How a message appears in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// An object of its fields.
    Object,
    /// A Go slice type (`type ExtraValue []string`): the array of its
    /// `items` field.
    List,
    /// A type with its own `MarshalJSON` (see `special.rs`).
    Special(Special),
    /// Marked special in the data but unknown to this code: refused.
    Unknown,
}

/// The messages with a custom JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Special {
    /// `resource.Quantity` (and `QuantityValue`): its string.
    Quantity,
    /// `intstr.IntOrString`: a number or a string.
    IntOrString,
    /// `metav1.Time`: RFC 3339, whole seconds.
    Time,
    /// `metav1.MicroTime`: RFC 3339 with microseconds.
    MicroTime,
    /// `metav1.Duration`: Go's duration string.
    Duration,
    /// `metav1.Timestamp`: seconds and nanos as an object.
    Timestamp,
    /// `metav1.FieldsV1`: its raw JSON.
    FieldsV1,
    /// `runtime.RawExtension`: its raw JSON (or an enveloped object).
    RawExtension,
    /// `runtime.Unknown`: its raw bytes, as `RawExtension`.
    Unknown,
    /// apiextensions `JSON`: its raw JSON.
    Json,
    /// apiextensions `JSONSchemaPropsOrArray`: a schema or an array of them.
    SchemaOrArray,
    /// apiextensions `JSONSchemaPropsOrBool`: a schema or a bool.
    SchemaOrBool,
    /// apiextensions `JSONSchemaPropsOrStringArray`: a schema or strings.
    SchemaOrStringArray,
}

impl Special {
    fn of(name: &str) -> Option<Special> {
        const APIEXT: &str = "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.";
        const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1.";
        Some(match name {
            "k8s.io.apimachinery.pkg.api.resource.Quantity"
            | "k8s.io.apimachinery.pkg.api.resource.QuantityValue" => Special::Quantity,
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString" => Special::IntOrString,
            "k8s.io.apimachinery.pkg.runtime.RawExtension" => Special::RawExtension,
            "k8s.io.apimachinery.pkg.runtime.Unknown" => Special::Unknown,
            _ => {
                if let Some(short) = name.strip_prefix(META) {
                    match short {
                        "Time" => Special::Time,
                        "MicroTime" => Special::MicroTime,
                        "Duration" => Special::Duration,
                        "Timestamp" => Special::Timestamp,
                        "FieldsV1" => Special::FieldsV1,
                        _ => return None,
                    }
                } else {
                    match name.strip_prefix(APIEXT)? {
                        "JSON" => Special::Json,
                        "JSONSchemaPropsOrArray" => Special::SchemaOrArray,
                        "JSONSchemaPropsOrBool" => Special::SchemaOrBool,
                        "JSONSchemaPropsOrStringArray" => Special::SchemaOrStringArray,
                        _ => return None,
                    }
                }
            }
        })
    }
}

/// One message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// The full name, `k8s.io.api.apps.v1.Deployment`.
    pub(crate) name: String,
    /// How it appears in JSON.
    pub(crate) form: Form,
    /// Its fields, sorted by number.
    pub(crate) fields: Vec<Field>,
}

impl Message {
    /// The field with protobuf number `number`.
    pub(crate) fn field(&self, number: u32) -> Option<&Field> {
        self.fields
            .binary_search_by_key(&number, |f| f.number)
            .ok()
            .and_then(|i| self.fields.get(i))
    }
}

/// Every message, and the kinds an envelope may name.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    messages: Vec<Message>,
    by_name: HashMap<String, usize>,
    /// `apiVersion/Kind` to message, in name order (a stable order for
    /// the fuzz target to pick from).
    kinds: BTreeMap<String, usize>,
}

/// Why `protobuf.json` could not be turned into a [`Schema`] (a bug in the
/// data or its generator; the unit tests load it).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SchemaError {
    /// The file is not the expected JSON.
    #[error("protobuf.json: {0}")]
    Json(#[from] serde_json::Error),
    /// A field names a type that is neither a scalar nor a message.
    #[error("protobuf.json: {message} field {number}: unknown type {ty}")]
    UnknownType {
        /// The message.
        message: String,
        /// The field number.
        number: u32,
        /// The type named.
        ty: String,
    },
    /// A field's label is not `s`, `r` or `m`.
    #[error("protobuf.json: {message} field {number}: unknown label {label}")]
    UnknownLabel {
        /// The message.
        message: String,
        /// The field number.
        number: u32,
        /// The label.
        label: String,
    },
    /// A kind names a message that is not in the table.
    #[error("protobuf.json: kind {0} names an unknown message")]
    UnknownKind(String),
}

/// `protobuf.json` as written.
#[derive(Deserialize)]
struct DataFile {
    kinds: HashMap<String, String>,
    messages: HashMap<String, DataMessage>,
}

#[derive(Deserialize)]
struct DataMessage {
    #[serde(default)]
    special: bool,
    #[serde(default)]
    list: bool,
    /// `[number, json name, label, type, flags]`.
    fields: Vec<(u32, String, String, String, String)>,
}

impl Schema {
    /// Builds the table from the text of `protobuf.json`.
    ///
    /// # Errors
    /// [`SchemaError`] when the text is not a consistent table.
    pub(crate) fn parse(text: &str) -> Result<Schema, SchemaError> {
        let data: DataFile = serde_json::from_str(text)?;
        let mut names: Vec<&String> = data.messages.keys().collect();
        names.sort();
        let by_name: HashMap<String, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).clone(), i))
            .collect();
        let mut messages = Vec::with_capacity(names.len());
        for name in names {
            let Some(m) = data.messages.get(name) else {
                continue;
            };
            let form = if m.special {
                Special::of(name).map_or(Form::Unknown, Form::Special)
            } else if m.list {
                Form::List
            } else {
                Form::Object
            };
            let mut fields = Vec::with_capacity(m.fields.len());
            for (number, json, label, ty, flags) in &m.fields {
                let label = match label.as_str() {
                    "s" => Label::Single,
                    "r" => Label::Repeated,
                    "m" => Label::Map,
                    _ => {
                        return Err(SchemaError::UnknownLabel {
                            message: name.clone(),
                            number: *number,
                            label: label.clone(),
                        });
                    }
                };
                let ty = match Scalar::parse(ty) {
                    Some(s) => Ty::Scalar(s),
                    None => {
                        Ty::Message(*by_name.get(ty).ok_or_else(|| SchemaError::UnknownType {
                            message: name.clone(),
                            number: *number,
                            ty: ty.clone(),
                        })?)
                    }
                };
                fields.push(Field {
                    number: *number,
                    json: json.clone(),
                    label,
                    ty,
                    omitempty: flags.contains('o'),
                    pointer: flags.contains('p'),
                    inline: flags.contains('i'),
                });
            }
            fields.sort_by_key(|f| f.number);
            messages.push(Message {
                name: name.clone(),
                form,
                fields,
            });
        }
        let mut kinds = BTreeMap::new();
        for (kind, message) in data.kinds {
            let index = *by_name
                .get(&message)
                .ok_or_else(|| SchemaError::UnknownKind(kind.clone()))?;
            kinds.insert(kind, index);
        }
        Ok(Schema {
            messages,
            by_name,
            kinds,
        })
    }

    /// The compiled-in table, parsed on first use. The data is checked by
    /// the unit tests; were it broken, every kind would be unknown.
    pub(crate) fn builtin() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| Schema::parse(PROTOBUF_JSON).unwrap_or_default())
    }

    /// The message at `index`.
    pub(crate) fn message(&self, index: usize) -> Option<&Message> {
        self.messages.get(index)
    }

    /// The index of the message named `name`.
    pub(crate) fn by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// The message of `apiVersion` `kind` (`apps/v1`, `Deployment`).
    pub(crate) fn kind(&self, api_version: &str, kind: &str) -> Option<usize> {
        self.kinds.get(&format!("{api_version}/{kind}")).copied()
    }

    /// How many kinds the table maps.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn kind_count(&self) -> usize {
        self.kinds.len()
    }

    /// The `n`-th kind in name order, `(apiVersion/Kind, message)`.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn nth_kind(&self, n: usize) -> Option<(&str, usize)> {
        self.kinds.iter().nth(n).map(|(k, i)| (k.as_str(), *i))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_data_parses_and_every_special_is_known() {
        let s = Schema::parse(PROTOBUF_JSON).unwrap();
        assert!(s.kind_count() > 300, "{}", s.kind_count());
        for m in &s.messages {
            assert_ne!(m.form, Form::Unknown, "{} has no JSON form here", m.name);
        }
        let d = s.message(s.kind("apps/v1", "Deployment").unwrap()).unwrap();
        assert_eq!(d.name, "k8s.io.api.apps.v1.Deployment");
        let spec = s
            .message(s.by_name("k8s.io.api.apps.v1.DeploymentSpec").unwrap())
            .unwrap();
        let replicas = spec.field(1).unwrap();
        assert_eq!(
            (replicas.json.as_str(), replicas.pointer, replicas.omitempty),
            ("replicas", true, true)
        );
        let min_ready = spec.field(5).unwrap();
        assert_eq!(
            (min_ready.json.as_str(), min_ready.pointer),
            ("minReadySeconds", false)
        );
    }

    #[test]
    fn every_served_kind_has_a_message() {
        let s = Schema::builtin();
        let rows = crate::registry::catalog::rows();
        assert!(rows.len() > 50, "{}", rows.len());
        for row in rows {
            for version in &row.versions {
                let api_version = row.api_version(version);
                assert!(
                    s.kind(&api_version, &row.kind).is_some(),
                    "{api_version} {} has no message",
                    row.kind
                );
            }
        }
    }

    #[test]
    fn inconsistent_tables_are_errors() {
        let bad_type = r#"{"kinds":{},"messages":{"a.B":{"fields":[[1,"x","s","a.C",""]]}}}"#;
        assert!(matches!(
            Schema::parse(bad_type),
            Err(SchemaError::UnknownType { .. })
        ));
        let bad_label = r#"{"kinds":{},"messages":{"a.B":{"fields":[[1,"x","q","string",""]]}}}"#;
        assert!(matches!(
            Schema::parse(bad_label),
            Err(SchemaError::UnknownLabel { .. })
        ));
        let bad_kind = r#"{"kinds":{"v1/X":"a.X"},"messages":{}}"#;
        assert!(matches!(
            Schema::parse(bad_kind),
            Err(SchemaError::UnknownKind(_))
        ));
    }
}
