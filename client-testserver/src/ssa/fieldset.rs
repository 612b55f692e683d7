//! Field sets: which fields of an object a manager owns, and their
//! `FieldsV1` JSON form (`{"f:spec":{"f:replicas":{}}}`).

use crate::schema::{ListType, Schema};
use crate::ssa::Shape;
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::fmt;

/// How deep objects are walked; deeper subtrees are owned as one leaf.
pub(crate) const MAX_FIELD_DEPTH: usize = 128;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PathElement {
    /// A map field (`f:name`).
    Field(String),
    /// An item of a map list, by its key fields, as canonical JSON of the
    /// key object (`k:{"name":"x"}`).
    Key(String),
    /// An item of a set list, by its value, as canonical JSON (`v:"a"`).
    Value(String),
    /// An item by position (`i:0`); read from FieldsV1 but never produced
    /// (atomic lists are owned whole).
    Index(usize),
}

impl PathElement {
    /// The key object of a map-list item (`{"name": "x"}`) from the item
    /// and the list's `x-kubernetes-list-map-keys`.
    pub(crate) fn key_of(keys: &[String], item: &Value) -> Option<PathElement> {
        let m = item.as_object()?;
        let mut key = Map::new();
        for k in keys {
            key.insert(k.clone(), m.get(k)?.clone());
        }
        Some(PathElement::Key(Value::Object(key).to_string()))
    }

    /// The FieldsV1 member name.
    pub(crate) fn fields_v1_key(&self) -> String {
        match self {
            PathElement::Field(f) => format!("f:{f}"),
            PathElement::Key(k) => format!("k:{k}"),
            PathElement::Value(v) => format!("v:{v}"),
            PathElement::Index(i) => format!("i:{i}"),
        }
    }

    fn parse(s: &str) -> Option<PathElement> {
        let (prefix, rest) = s.split_once(':')?;
        match prefix {
            "f" => Some(PathElement::Field(rest.to_string())),
            "k" => match serde_json::from_str::<Value>(rest).ok()? {
                v @ Value::Object(_) => Some(PathElement::Key(v.to_string())),
                _ => None,
            },
            "v" => Some(PathElement::Value(
                serde_json::from_str::<Value>(rest).ok()?.to_string(),
            )),
            "i" => rest.parse().ok().map(PathElement::Index),
            _ => None,
        }
    }
}

impl fmt::Display for PathElement {
    /// structured-merge-diff's path syntax: `.name`, `[k=v,k2=v2]`, `[=v]`, `[0]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathElement::Field(n) => write!(f, ".{n}"),
            PathElement::Key(k) => {
                let parts: Vec<String> = match serde_json::from_str::<Value>(k) {
                    Ok(Value::Object(m)) => m.iter().map(|(k, v)| format!("{k}={v}")).collect(),
                    _ => vec![k.clone()],
                };
                write!(f, "[{}]", parts.join(","))
            }
            PathElement::Value(v) => write!(f, "[={v}]"),
            PathElement::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// A field path.
pub(crate) type Path = Vec<PathElement>;

/// Prints a path as structured-merge-diff does (`.spec.containers[name="a"].image`).
pub(crate) fn path_string(p: &[PathElement]) -> String {
    p.iter().map(ToString::to_string).collect()
}

/// Why a FieldsV1 document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FieldsV1Error {
    /// A member's value is not an object.
    #[error("FieldsV1 member {key:?} is not an object")]
    NotAnObject {
        /// The member.
        key: String,
    },
    /// A member name is not `f:`, `k:`, `v:`, `i:` or `.`.
    #[error("FieldsV1 member {key:?} is not a valid path element")]
    BadKey {
        /// The member.
        key: String,
    },
    /// The document nests deeper than [`MAX_FIELD_DEPTH`].
    #[error("FieldsV1 nests deeper than {MAX_FIELD_DEPTH} levels")]
    TooDeep,
}

/// A set of owned field paths. A path is a member when the manager owns
/// that field (a leaf value, an atomic list or map, a list item).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldSet(pub BTreeSet<Path>);

impl FieldSet {
    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `p` is a member.
    #[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
    pub(crate) fn contains(&self, p: &[PathElement]) -> bool {
        self.0.contains(p)
    }

    /// Whether `p` or any path below it is a member.
    pub(crate) fn has_at_or_under(&self, p: &[PathElement]) -> bool {
        self.0.iter().any(|q| q.starts_with(p))
    }

    /// Members of `self` not in `other`.
    pub(crate) fn difference(&self, other: &FieldSet) -> FieldSet {
        FieldSet(self.0.difference(&other.0).cloned().collect())
    }

    /// Members of both.
    pub(crate) fn intersection(&self, other: &FieldSet) -> FieldSet {
        FieldSet(self.0.intersection(&other.0).cloned().collect())
    }

    /// Members of either.
    pub(crate) fn union(&self, other: &FieldSet) -> FieldSet {
        FieldSet(self.0.union(&other.0).cloned().collect())
    }

    /// Reads a `fieldsV1` document.
    ///
    /// # Errors
    /// [`FieldsV1Error`] for members that are not path elements or whose
    /// values are not objects.
    pub(crate) fn from_fields_v1(v: &Value) -> Result<FieldSet, FieldsV1Error> {
        let mut set = FieldSet::default();
        let Value::Object(m) = v else {
            return Err(FieldsV1Error::NotAnObject { key: String::new() });
        };
        read(m, &mut Vec::new(), &mut set, 0)?;
        Ok(set)
    }

    /// Writes the `fieldsV1` document: a member with nothing below it is
    /// `{}`, a member with members below it also carries `".": {}`.
    pub(crate) fn to_fields_v1(&self) -> Value {
        let paths: Vec<&[PathElement]> = self.0.iter().map(Vec::as_slice).collect();
        Value::Object(build(&paths))
    }

    /// The fields of `obj` as a manager applying or writing it would own
    /// them. At the root, `apiVersion` and `kind` are not owned and of
    /// `metadata` only `labels`, `annotations` (per key), `finalizers` (a
    /// set) and `ownerReferences` (a map list keyed by `uid`) are. Lists are
    /// atomic unless the schema says `x-kubernetes-list-type: set` or `map`;
    /// maps are granular unless `x-kubernetes-map-type: atomic`; `null`
    /// values are not owned.
    pub(crate) fn of_object(obj: &Value, schema: Option<Shape<'_>>) -> FieldSet {
        let mut set = FieldSet::default();
        let Value::Object(m) = obj else {
            return set;
        };
        let finalizers = Schema {
            list_type: ListType::Set,
            ..Schema::default()
        };
        let owner_refs = Schema {
            list_type: ListType::Map,
            list_map_keys: vec!["uid".into()],
            ..Schema::default()
        };
        for (k, v) in m {
            match k.as_str() {
                "apiVersion" | "kind" => {}
                "metadata" => {
                    let Value::Object(meta) = v else { continue };
                    for (mk, mv) in meta {
                        let s = match mk.as_str() {
                            "labels" | "annotations" => None,
                            "finalizers" => Some(Shape::Crd(&finalizers)),
                            "ownerReferences" => Some(Shape::Crd(&owner_refs)),
                            _ => continue,
                        };
                        let mut p = vec![
                            PathElement::Field("metadata".into()),
                            PathElement::Field(mk.clone()),
                        ];
                        collect(mv, s, &mut p, &mut set, 2);
                    }
                }
                _ => {
                    let mut p = vec![PathElement::Field(k.clone())];
                    collect(v, schema.and_then(|s| s.property(k)), &mut p, &mut set, 1);
                }
            }
        }
        set
    }
}

fn build(paths: &[&[PathElement]]) -> Map<String, Value> {
    let mut groups: std::collections::BTreeMap<&PathElement, (bool, Vec<&[PathElement]>)> =
        std::collections::BTreeMap::new();
    for p in paths {
        let Some((head, rest)) = p.split_first() else {
            continue;
        };
        let g = groups.entry(head).or_default();
        if rest.is_empty() {
            g.0 = true;
        } else {
            g.1.push(rest);
        }
    }
    let mut out = Map::new();
    for (head, (member, rests)) in groups {
        let mut child = build(&rests);
        if member && !child.is_empty() {
            child.insert(".".into(), Value::Object(Map::new()));
        }
        out.insert(head.fields_v1_key(), Value::Object(child));
    }
    out
}

fn read(
    m: &Map<String, Value>,
    prefix: &mut Path,
    set: &mut FieldSet,
    depth: usize,
) -> Result<(), FieldsV1Error> {
    if depth > MAX_FIELD_DEPTH {
        return Err(FieldsV1Error::TooDeep);
    }
    for (k, v) in m {
        if k == "." {
            if !prefix.is_empty() {
                set.0.insert(prefix.clone());
            }
            continue;
        }
        let e = PathElement::parse(k).ok_or_else(|| FieldsV1Error::BadKey { key: k.clone() })?;
        let Value::Object(child) = v else {
            return Err(FieldsV1Error::NotAnObject { key: k.clone() });
        };
        prefix.push(e);
        if child.is_empty() {
            set.0.insert(prefix.clone());
        } else {
            read(child, prefix, set, depth + 1)?;
        }
        prefix.pop();
    }
    Ok(())
}

fn collect(v: &Value, s: Option<Shape<'_>>, prefix: &mut Path, set: &mut FieldSet, depth: usize) {
    if depth > MAX_FIELD_DEPTH {
        set.0.insert(prefix.clone());
        return;
    }
    match v {
        Value::Null => {}
        Value::Object(m) if !m.is_empty() && !s.is_some_and(|s| s.map_atomic()) => {
            for (k, c) in m {
                if c.is_null() {
                    continue;
                }
                prefix.push(PathElement::Field(k.clone()));
                collect(c, s.and_then(|s| s.property(k)), prefix, set, depth + 1);
                prefix.pop();
            }
        }
        Value::Array(items) => match s.map(|s| s.list_type()) {
            Some(ListType::Map) => {
                let keys = s.map(|s| s.list_map_keys()).unwrap_or_default();
                let keys = keys.as_slice();
                let item_schema = s.and_then(|s| s.items());
                for it in items {
                    let Some(e) = PathElement::key_of(keys, it) else {
                        continue;
                    };
                    prefix.push(e);
                    set.0.insert(prefix.clone());
                    collect(it, item_schema, prefix, set, depth + 1);
                    prefix.pop();
                }
            }
            Some(ListType::Set) => {
                for it in items {
                    prefix.push(PathElement::Value(it.to_string()));
                    set.0.insert(prefix.clone());
                    prefix.pop();
                }
            }
            _ => {
                set.0.insert(prefix.clone());
            }
        },
        _ => {
            set.0.insert(prefix.clone());
        }
    }
}

/// The value at `p` in `obj` (list items found by key or value).
pub(crate) fn value_at<'a>(obj: &'a Value, p: &[PathElement]) -> Option<&'a Value> {
    let mut cur = obj;
    for e in p {
        cur = match (e, cur) {
            (PathElement::Field(f), Value::Object(m)) => m.get(f)?,
            (PathElement::Key(k), Value::Array(items)) => {
                let key: Value = serde_json::from_str(k).ok()?;
                items.iter().find(|it| item_has_key(it, &key))?
            }
            (PathElement::Value(v), Value::Array(items)) => {
                let want: Value = serde_json::from_str(v).ok()?;
                items.iter().find(|it| **it == want)?
            }
            (PathElement::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn item_has_key(item: &Value, key: &Value) -> bool {
    match (item, key) {
        (Value::Object(it), Value::Object(k)) => k.iter().all(|(f, v)| it.get(f) == Some(v)),
        _ => false,
    }
}

/// Removes the field or list item at `p` from `obj`; `false` when absent.
pub(crate) fn remove_at(obj: &mut Value, p: &[PathElement]) -> bool {
    let Some((last, parent_path)) = p.split_last() else {
        return false;
    };
    let mut cur = obj;
    for e in parent_path {
        let next = match (e, cur) {
            (PathElement::Field(f), Value::Object(m)) => m.get_mut(f),
            (PathElement::Key(k), Value::Array(items)) => match serde_json::from_str::<Value>(k) {
                Ok(key) => items.iter_mut().find(|it| item_has_key(it, &key)),
                Err(_) => None,
            },
            (PathElement::Value(v), Value::Array(items)) => {
                match serde_json::from_str::<Value>(v) {
                    Ok(want) => items.iter_mut().find(|it| **it == want),
                    Err(_) => None,
                }
            }
            (PathElement::Index(i), Value::Array(items)) => items.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    match (last, cur) {
        (PathElement::Field(f), Value::Object(m)) => m.remove(f).is_some(),
        (PathElement::Key(k), Value::Array(items)) => match serde_json::from_str::<Value>(k) {
            Ok(key) => {
                let before = items.len();
                items.retain(|it| !item_has_key(it, &key));
                before != items.len()
            }
            Err(_) => false,
        },
        (PathElement::Value(v), Value::Array(items)) => match serde_json::from_str::<Value>(v) {
            Ok(want) => {
                let before = items.len();
                items.retain(|it| *it != want);
                before != items.len()
            }
            Err(_) => false,
        },
        (PathElement::Index(i), Value::Array(items)) if *i < items.len() => {
            items.remove(*i);
            true
        }
        _ => false,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::parse(&json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "replicas": {"type": "integer"},
            "ports": {"type": "array", "x-kubernetes-list-type": "map",
                      "x-kubernetes-list-map-keys": ["port", "protocol"],
                      "items": {"type": "object", "properties": {
                          "port": {"type": "integer"}, "protocol": {"type": "string"}, "name": {"type": "string"}}}},
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "args": {"type": "array", "items": {"type": "string"}},
            "selector": {"type": "object", "x-kubernetes-map-type": "atomic",
                         "additionalProperties": {"type": "string"}}
        }}}}))
        .unwrap()
    }

    #[test]
    fn fields_of_an_object_and_fields_v1_round_trip() {
        let obj = json!({"apiVersion": "g/v1", "kind": "K",
            "metadata": {"name": "a", "labels": {"app": "x"}, "finalizers": ["f"], "resourceVersion": "1"},
            "spec": {"replicas": 1, "ports": [{"port": 80, "protocol": "TCP", "name": "http"}],
                     "tags": ["a"], "args": ["x", "y"], "selector": {"a": "b"}, "gone": null}});
        let set = FieldSet::of_object(&obj, Some(Shape::Crd(&schema())));
        let v1 = set.to_fields_v1();
        assert_eq!(
            v1,
            json!({
                "f:metadata": {"f:labels": {"f:app": {}}, "f:finalizers": {"v:\"f\"": {}}},
                "f:spec": {
                    "f:args": {},
                    "f:ports": {"k:{\"port\":80,\"protocol\":\"TCP\"}": {
                        ".": {}, "f:name": {}, "f:port": {}, "f:protocol": {}}},
                    "f:replicas": {},
                    "f:selector": {},
                    "f:tags": {"v:\"a\"": {}}
                }
            })
        );
        assert_eq!(FieldSet::from_fields_v1(&v1).unwrap(), set);
        let paths: Vec<String> = set.0.iter().map(|p| path_string(p)).collect();
        assert!(
            paths.contains(&".spec.ports[port=80,protocol=\"TCP\"].name".to_string()),
            "{paths:?}"
        );
        assert!(
            paths.contains(&".metadata.finalizers[=\"f\"]".to_string()),
            "{paths:?}"
        );
    }

    #[test]
    fn reads_kube_apiserver_fields_v1() {
        let v1 = json!({"f:metadata": {"f:annotations": {".": {}, "f:a": {}}},
                        "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}},
                                   "f:list": {"i:0": {}}}});
        let set = FieldSet::from_fields_v1(&v1).unwrap();
        assert!(set.contains(&[
            PathElement::Field("metadata".into()),
            PathElement::Field("annotations".into())
        ]));
        assert!(set.contains(&[
            PathElement::Field("spec".into()),
            PathElement::Field("containers".into()),
            PathElement::Key("{\"name\":\"nginx\"}".into())
        ]));
        assert!(set.contains(&[
            PathElement::Field("spec".into()),
            PathElement::Field("list".into()),
            PathElement::Index(0)
        ]));
        assert_eq!(set.to_fields_v1(), v1);
    }

    #[test]
    fn rejects_malformed_fields_v1() {
        assert!(matches!(
            FieldSet::from_fields_v1(&json!({"x:y": {}})),
            Err(FieldsV1Error::BadKey { .. })
        ));
        assert!(matches!(
            FieldSet::from_fields_v1(&json!({"f:y": 1})),
            Err(FieldsV1Error::NotAnObject { .. })
        ));
        assert!(FieldSet::from_fields_v1(&json!([])).is_err());
        let mut deep = json!({});
        for _ in 0..200 {
            deep = json!({"f:a": deep});
        }
        assert_eq!(FieldSet::from_fields_v1(&deep), Err(FieldsV1Error::TooDeep));
    }

    #[test]
    fn value_at_and_remove_at() {
        let mut obj = json!({"spec": {"ports": [{"port": 80, "protocol": "TCP"}, {"port": 443, "protocol": "TCP"}],
                                      "tags": ["a", "b"]}});
        let key = PathElement::key_of(
            &["port".into(), "protocol".into()],
            &json!({"port": 443, "protocol": "TCP"}),
        )
        .unwrap();
        let p = vec![
            PathElement::Field("spec".into()),
            PathElement::Field("ports".into()),
            key,
        ];
        assert_eq!(
            value_at(&obj, &p),
            Some(&json!({"port": 443, "protocol": "TCP"}))
        );
        assert!(remove_at(&mut obj, &p));
        assert!(!remove_at(&mut obj, &p));
        let t = vec![
            PathElement::Field("spec".into()),
            PathElement::Field("tags".into()),
            PathElement::Value("\"a\"".into()),
        ];
        assert!(remove_at(&mut obj, &t));
        assert_eq!(
            obj,
            json!({"spec": {"ports": [{"port": 80, "protocol": "TCP"}], "tags": ["b"]}})
        );
    }

    #[test]
    fn deep_objects_are_bounded() {
        let mut deep = json!(1);
        for _ in 0..1000 {
            deep = json!({"a": deep});
        }
        let set = FieldSet::of_object(&json!({"spec": deep}), None);
        assert_eq!(set.0.len(), 1);
        assert_eq!(set.0.iter().next().unwrap().len(), MAX_FIELD_DEPTH + 1);
    }
}
