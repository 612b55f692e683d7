//! What server-side apply needs to know of a value's type, from either
//! source: a custom resource's structural schema, or a built-in kind's
//! type in the vendored definitions (`types`). List types, list-map keys
//! and atomic maps are read the same way from both.

use serde_json::Value;

use crate::schema::{ListType, Schema};
use crate::ssa::PathElement;
use crate::types::decode::Seg;
use crate::types::{ListKind, Node};

/// The type of a value, for merging and field ownership.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// A node of a CRD's structural schema.
    Crd(&'a Schema),
    /// A node of a built-in type.
    Typed(Node<'a>),
}

impl<'a> Shape<'a> {
    /// The type of property `name` of an object (or of a map's values).
    pub(crate) fn property(self, name: &str) -> Option<Shape<'a>> {
        match self {
            Shape::Crd(s) => s.property(name).map(Shape::Crd),
            Shape::Typed(n) => n.field(name).map(Shape::Typed),
        }
    }

    /// The type of a list's items.
    pub(crate) fn items(self) -> Option<Shape<'a>> {
        match self {
            Shape::Crd(s) => s.items.as_deref().map(Shape::Crd),
            Shape::Typed(n) => n.items().map(Shape::Typed),
        }
    }

    /// How a list merges: `x-kubernetes-list-type` (for built-ins without
    /// it, what the patch strategy implies).
    pub(crate) fn list_type(self) -> ListType {
        match self {
            Shape::Crd(s) => s.list_type,
            Shape::Typed(n) => match n.list_kind() {
                ListKind::Atomic => ListType::Atomic,
                ListKind::Set => ListType::Set,
                ListKind::Map => ListType::Map,
            },
        }
    }

    /// The keys of a map list.
    pub(crate) fn list_map_keys(self) -> Vec<String> {
        match self {
            Shape::Crd(s) => s.list_map_keys.clone(),
            Shape::Typed(n) => n.list_map_keys(),
        }
    }

    /// Whether an object value is owned and replaced as a whole.
    pub(crate) fn map_atomic(self) -> bool {
        match self {
            Shape::Crd(s) => s.map_atomic,
            Shape::Typed(n) => n.map_atomic(),
        }
    }
}

/// A decoder path (`spec.containers[0].foo`) in `obj` as structured-merge-
/// diff names it: list items by their keys in map lists
/// (`[name="web"]`), by value in sets, by index otherwise.
pub(crate) fn smd_path(root: Shape<'_>, obj: &Value, path: &[Seg]) -> Vec<PathElement> {
    let mut out = Vec::with_capacity(path.len());
    let (mut shape, mut cur) = (Some(root), Some(obj));
    for seg in path {
        match seg {
            Seg::Key(k) => {
                out.push(PathElement::Field(k.clone()));
                shape = shape.and_then(|s| s.property(k));
                cur = cur.and_then(|v| v.get(k));
            }
            Seg::Index(i) => {
                let item = cur.and_then(|v| v.get(*i));
                let elem = match (shape.map(|s| s.list_type()), item) {
                    (Some(ListType::Map), Some(it)) => shape
                        .and_then(|s| PathElement::key_of(&s.list_map_keys(), it))
                        .unwrap_or(PathElement::Index(*i)),
                    (Some(ListType::Set), Some(it)) => PathElement::Value(it.to_string()),
                    _ => PathElement::Index(*i),
                };
                out.push(elem);
                shape = shape.and_then(|s| s.items());
                cur = item;
            }
        }
    }
    out
}
