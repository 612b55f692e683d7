//! The model: every definition of `_definitions.json` as a Go type (a
//! struct with its fields, or a value type such as `Quantity`), with the
//! `x-kubernetes-*` extensions of each field, keyed by definition name and
//! by group-version-kind. Built once from the data; never written to.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

/// Index of a definition in [`Model::defs`].
pub(crate) type DefId = usize;

/// Why the vendored definitions could not be read (a broken checkout).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ModelError {
    /// The file is not JSON.
    #[error("_definitions.json is not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The file has no `$defs` object.
    #[error("_definitions.json has no $defs object")]
    NoDefs,
}

/// The Go type of a value, as kube-apiserver's decoder reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    /// `bool`.
    Bool,
    /// `string` (and Go's named string types).
    String,
    /// `[]byte`: a base64 string.
    Bytes,
    /// `metav1.Time`: an RFC 3339 string.
    Time,
    /// `metav1.MicroTime`: an RFC 3339 string with microseconds.
    MicroTime,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `float64`.
    Float64,
    /// `intstr.IntOrString`: an integer or a string.
    IntOrString,
    /// `resource.Quantity`: a number or a quantity string.
    Quantity,
    /// Anything (`runtime.RawExtension`, `FieldsV1`, `apiextensions.JSON`).
    Any,
    /// A struct: the definition.
    Struct(DefId),
    /// `[]T`.
    List(Box<Field>),
    /// `map[string]T`.
    Map(Box<Field>),
}

/// `x-kubernetes-list-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// `atomic`.
    Atomic,
    /// `set`.
    Set,
    /// `map` (keyed by `x-kubernetes-list-map-keys`).
    Map,
}

/// The `x-kubernetes-*` extensions of one node.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Ext {
    /// `x-kubernetes-list-type`.
    pub list_type: Option<ListKind>,
    /// `x-kubernetes-list-map-keys`.
    pub list_map_keys: Vec<String>,
    /// `x-kubernetes-patch-merge-key`.
    pub merge_key: Option<String>,
    /// `x-kubernetes-patch-strategy`, split at `,` (`merge`, `replace`,
    /// `retainKeys`).
    pub patch_strategy: Vec<String>,
    /// `x-kubernetes-map-type: atomic`.
    pub map_atomic: bool,
}

impl Ext {
    fn read(m: &Map<String, Value>) -> Ext {
        let list_type = match m.get("x-kubernetes-list-type").and_then(Value::as_str) {
            Some("atomic") => Some(ListKind::Atomic),
            Some("set") => Some(ListKind::Set),
            Some("map") => Some(ListKind::Map),
            _ => None,
        };
        let strings = |k: &str| -> Vec<String> {
            m.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Ext {
            list_type,
            list_map_keys: strings("x-kubernetes-list-map-keys"),
            merge_key: m
                .get("x-kubernetes-patch-merge-key")
                .and_then(Value::as_str)
                .map(str::to_string),
            patch_strategy: m
                .get("x-kubernetes-patch-strategy")
                .and_then(Value::as_str)
                .map(|s| s.split(',').map(str::to_string).collect())
                .unwrap_or_default(),
            map_atomic: m.get("x-kubernetes-map-type").and_then(Value::as_str) == Some("atomic"),
        }
    }
}

/// A field of a struct, the items of a list or the values of a map.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    /// Its type.
    pub ty: Ty,
    /// Its extensions.
    pub ext: Ext,
}

/// A group-version-kind (`x-kubernetes-group-version-kind`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Gvk {
    /// `""` for the core group.
    pub group: String,
    /// e.g. `v1`.
    pub version: String,
    /// e.g. `Deployment`.
    pub kind: String,
}

/// One definition.
#[derive(Debug)]
pub(crate) struct Def {
    /// `io.k8s.api.apps.v1.Deployment`.
    pub name: String,
    /// As Go's reflect prints the type: `v1.Deployment`.
    pub go_name: String,
    /// The struct's fields; empty for a value type.
    pub fields: BTreeMap<String, Field>,
    /// The definition is a value type (`Quantity`, `Time`, ...): this is it.
    pub value: Option<Ty>,
    /// The definition's own extensions (`x-kubernetes-map-type: atomic`).
    pub ext: Ext,
    /// `Ty::Struct` of this definition, to hand out as a root node.
    pub self_ty: Ty,
}

impl Def {
    /// The struct's name as encoding/json names it in messages
    /// (`Deployment`, `ObjectMeta`).
    pub(crate) fn short_name(&self) -> &str {
        self.name.rsplit('.').next().unwrap_or(&self.name)
    }
}

/// Every definition, by id, name and group-version-kind.
#[derive(Debug)]
pub(crate) struct Model {
    /// The definitions, sorted by name.
    pub defs: Vec<Def>,
    by_name: HashMap<String, DefId>,
    by_gvk: HashMap<(String, String), DefId>,
}

/// Definitions whose Go types decode any JSON (their own `UnmarshalJSON`),
/// which the JSON Schema data cannot tell from an empty struct.
const ANY_JSON: &[&str] = &[
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Patch",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
];

const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

impl Model {
    /// Builds the model from the text of `_definitions.json`.
    ///
    /// # Errors
    /// [`ModelError`] when the text is not the expected JSON.
    pub(crate) fn parse(text: &str) -> Result<Model, ModelError> {
        let root: Value = serde_json::from_str(text)?;
        let Some(Value::Object(defs)) = root.get("$defs") else {
            return Err(ModelError::NoDefs);
        };
        let names: Vec<&String> = defs.keys().collect();
        let by_name: HashMap<String, DefId> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).clone(), i))
            .collect();
        let mut out = Vec::with_capacity(names.len());
        let mut by_gvk = HashMap::new();
        for (id, (name, def)) in defs.iter().enumerate() {
            let empty = Map::new();
            let m = def.as_object().unwrap_or(&empty);
            let value = if ANY_JSON.contains(&name.as_str()) {
                Some(Ty::Any)
            } else if name == QUANTITY {
                Some(Ty::Quantity)
            } else if name == INT_OR_STRING {
                Some(Ty::IntOrString)
            } else if m.contains_key("properties") || has_type(m, "object") {
                None
            } else {
                Some(node_ty(m, &by_name))
            };
            let fields = match m.get("properties") {
                Some(Value::Object(props)) => props
                    .iter()
                    .map(|(k, v)| (k.clone(), field(v, &by_name)))
                    .collect(),
                _ => BTreeMap::new(),
            };
            let gvks: Vec<Gvk> = m
                .get("x-kubernetes-group-version-kind")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|g| Gvk {
                            group: str_of(g, "group"),
                            version: str_of(g, "version"),
                            kind: str_of(g, "kind"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            for g in &gvks {
                by_gvk
                    .entry((api_version(&g.group, &g.version), g.kind.clone()))
                    .or_insert(id);
            }
            out.push(Def {
                name: name.clone(),
                go_name: go_name(name),
                fields,
                value,
                ext: Ext::read(m),
                self_ty: Ty::Struct(id),
            });
        }
        Ok(Model {
            defs: out,
            by_name,
            by_gvk,
        })
    }

    /// A model without definitions (used when the data cannot be read).
    pub(crate) fn empty() -> Model {
        Model {
            defs: Vec::new(),
            by_name: HashMap::new(),
            by_gvk: HashMap::new(),
        }
    }

    /// The definition named `name` (`io.k8s.api.core.v1.Pod`).
    pub(crate) fn by_name(&self, name: &str) -> Option<DefId> {
        self.by_name.get(name).copied()
    }

    /// The definition of the kind `kind` at `api_version` (`apps/v1`).
    pub(crate) fn by_kind(&self, api_version: &str, kind: &str) -> Option<DefId> {
        self.by_gvk
            .get(&(api_version.to_string(), kind.to_string()))
            .copied()
    }

    /// The definition with id `id`.
    pub(crate) fn def(&self, id: DefId) -> &Def {
        &self.defs[id]
    }
}

/// `v1` or `group/version`.
pub(crate) fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

fn str_of(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `v1.Deployment` from `io.k8s.api.apps.v1.Deployment`: the Go package's
/// name (its last path element) and the type.
fn go_name(def: &str) -> String {
    let mut parts = def.rsplit('.');
    let ty = parts.next().unwrap_or(def);
    match parts.next() {
        Some(pkg) => format!("{pkg}.{ty}"),
        None => ty.to_string(),
    }
}

/// Whether the node's `type` (a string or a list of them) names `t`.
fn has_type(m: &Map<String, Value>, t: &str) -> bool {
    match m.get("type") {
        Some(Value::String(s)) => s == t,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(t)),
        _ => false,
    }
}

fn field(v: &Value, by_name: &HashMap<String, DefId>) -> Field {
    let empty = Map::new();
    let m = v.as_object().unwrap_or(&empty);
    Field {
        ty: node_ty(m, by_name),
        ext: Ext::read(m),
    }
}

/// The type of a schema node: a `$ref`, or its `type` and `format`.
fn node_ty(m: &Map<String, Value>, by_name: &HashMap<String, DefId>) -> Ty {
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return match (name, by_name.get(name)) {
            (QUANTITY, _) => Ty::Quantity,
            (INT_OR_STRING, _) => Ty::IntOrString,
            (n, _) if ANY_JSON.contains(&n) => Ty::Any,
            ("io.k8s.apimachinery.pkg.apis.meta.v1.Time", _) => Ty::Time,
            ("io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", _) => Ty::MicroTime,
            (_, Some(id)) => Ty::Struct(*id),
            (_, None) => Ty::Any,
        };
    }
    let format = m.get("format").and_then(Value::as_str);
    if has_type(m, "array") {
        return Ty::List(Box::new(field(
            m.get("items").unwrap_or(&Value::Null),
            by_name,
        )));
    }
    if has_type(m, "object") {
        return match m.get("additionalProperties") {
            Some(ap @ Value::Object(_)) => Ty::Map(Box::new(field(ap, by_name))),
            _ => Ty::Any,
        };
    }
    if has_type(m, "string") {
        return match format {
            Some("byte") => Ty::Bytes,
            Some("date-time") => Ty::Time,
            _ => Ty::String,
        };
    }
    if has_type(m, "integer") {
        return match format {
            Some("int32") => Ty::Int32,
            _ => Ty::Int64,
        };
    }
    if has_type(m, "number") {
        return Ty::Float64;
    }
    if has_type(m, "boolean") {
        return Ty::Bool;
    }
    Ty::Any
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn go_names_are_package_and_type() {
        assert_eq!(go_name("io.k8s.api.core.v1.Container"), "v1.Container");
        assert_eq!(
            go_name("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
            "v1.ObjectMeta"
        );
    }

    #[test]
    fn a_small_document_parses() {
        let m = Model::parse(
            r##"{"$defs": {
              "io.k8s.api.x.v1.Thing": {"type": ["object", "null"], "properties": {
                 "n": {"type": ["integer", "null"], "format": "int32"},
                 "ports": {"type": ["array", "null"], "items": {"$ref": "#/$defs/io.k8s.api.x.v1.Port"},
                           "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["p", "q"],
                           "x-kubernetes-patch-merge-key": "p", "x-kubernetes-patch-strategy": "merge"},
                 "labels": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}}},
                 "x-kubernetes-group-version-kind": [{"group": "x", "version": "v1", "kind": "Thing"}]},
              "io.k8s.api.x.v1.Port": {"type": ["object", "null"], "properties": {"p": {"type": "integer"}},
                 "x-kubernetes-map-type": "atomic"}
            }}"##,
        )
        .unwrap();
        let id = m.by_kind("x/v1", "Thing").unwrap();
        let thing = m.def(id);
        assert_eq!(thing.fields["n"].ty, Ty::Int32);
        let ports = &thing.fields["ports"];
        assert_eq!(ports.ext.list_type, Some(ListKind::Map));
        assert_eq!(ports.ext.list_map_keys, ["p", "q"]);
        assert_eq!(ports.ext.merge_key.as_deref(), Some("p"));
        let Ty::List(items) = &ports.ty else {
            panic!("a list")
        };
        let Ty::Struct(port) = items.ty else {
            panic!("a struct")
        };
        assert!(m.def(port).ext.map_atomic);
        assert!(matches!(thing.fields["labels"].ty, Ty::Map(_)));
        assert!(m.by_kind("x/v2", "Thing").is_none());
    }
}
