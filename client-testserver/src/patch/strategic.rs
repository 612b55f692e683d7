//! Strategic merge patch (`application/strategic-merge-patch+json`) of
//! built-in objects, as apimachinery's `strategicpatch` applies it on the
//! server (`StrategicMergeMapPatch`: parallel deletion lists merged,
//! unmatched nulls ignored).
//!
//! Merge keys and strategies come from the type (`types::Node`: the
//! definitions' `x-kubernetes-patch-merge-key` and
//! `x-kubernetes-patch-strategy`), never from a list here:
//!
//! - maps merge recursively, `null` deletes; a field with strategy
//!   `replace` is replaced;
//! - lists with strategy `merge` merge: lists of objects by their merge key
//!   (containers by `name`, ports by `containerPort`), lists of scalars as
//!   a union; other lists are replaced;
//! - directives: `$patch: replace | delete` in a map, `$patch: replace`
//!   and `{key: v, $patch: delete}` items in a merge list,
//!   `$setElementOrder/<list>`, `$deleteFromPrimitiveList/<list>` and
//!   `$retainKeys`;
//! - order: items named by the patch (or its `$setElementOrder`) keep the
//!   patch's order, the others their server order, interleaved as
//!   apimachinery's `normalizeElementOrder` does.
//!
//! Errors carry apimachinery's wording; [`SmpError::to_api_error`] gives
//! kube-apiserver's code for each (`interpretStrategicMergePatchError`).

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::types::Node;

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// Why a strategic merge patch did not apply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SmpError {
    /// `$retainKeys` is not a list, or the patch sets a field it omits.
    #[error("invalid patch format of retainKeys")]
    RetainKeys,
    /// A `$deleteFromPrimitiveList` key without a field name.
    #[error("invalid patch format of primitive list")]
    PrimitiveList,
    /// A `$setElementOrder` key or value that is not well formed.
    #[error("invalid patch format of setElementOrder list")]
    SetElementOrder,
    /// A list whose items are lists.
    #[error("lists of lists are not supported")]
    ListOfLists,
    /// Any other failure, in apimachinery's words (a 500 on the server).
    #[error("{0}")]
    Other(String),
}

impl SmpError {
    /// kube-apiserver's answer: the patch-format errors are 400, lists of
    /// lists 422, anything else 500 with the error's text.
    pub(crate) fn to_api_error(&self) -> ApiError {
        match self {
            SmpError::RetainKeys | SmpError::PrimitiveList | SmpError::SetElementOrder => {
                ApiError::bad_request(self.to_string())
            }
            SmpError::ListOfLists => ApiError::new(
                422,
                "Invalid",
                "the server rejected our request due to an error in our request",
            )
            .with_cause("UnexpectedServerResponse", &self.to_string(), ""),
            SmpError::Other(m) => ApiError::internal(m.clone()),
        }
    }
}

/// Applies `patch` to `doc` (an object of the type at `root`).
///
/// # Errors
/// [`SmpError`]; a patch that is not a JSON object is a 400 from the caller.
pub(crate) fn strategic_merge_patch(
    doc: &Value,
    patch: &Map<String, Value>,
    root: Node<'_>,
) -> Result<Value, SmpError> {
    let original = match doc {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    merge_map(original, patch.clone(), Some(root)).map(Value::Object)
}

/// Field metadata of `key` in the type at `node`: its node, strategy and
/// merge key. A struct without the field is apimachinery's lookup error.
fn lookup<'a>(node: Option<Node<'a>>, key: &str) -> Result<Meta<'a>, SmpError> {
    let Some(n) = node else {
        return Ok(Meta::default());
    };
    match (n.ty, n.field(key)) {
        (_, Some(f)) => {
            let strategy = match f.ext.patch_strategy.as_slice() {
                [] => String::new(),
                [one] if one == "retainKeys" => String::new(),
                [one] => one.clone(),
                [a, b] if a == "retainKeys" => b.clone(),
                [a, b] if b == "retainKeys" => a.clone(),
                other => {
                    return Err(SmpError::Other(format!(
                        "unexpected patch strategy: [{}]",
                        other.join(" ")
                    )));
                }
            };
            Ok(Meta {
                node: Some(f),
                strategy,
                merge_key: f.ext.merge_key.clone().unwrap_or_default(),
            })
        }
        (crate::types::Ty::Struct(id), None) => Err(SmpError::Other(format!(
            "unable to find api field in struct {} for the json field {key:?}",
            n.model.def(*id).short_name()
        ))),
        // Values of any type (RawExtension): no metadata, plain merge.
        (_, None) => Ok(Meta::default()),
    }
}

#[derive(Default)]
struct Meta<'a> {
    node: Option<Node<'a>>,
    strategy: String,
    merge_key: String,
}

fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    node: Option<Node<'_>>,
) -> Result<Map<String, Value>, SmpError> {
    if let Some(d) = patch.get(DIRECTIVE) {
        return match d.as_str() {
            Some("replace") => {
                patch.remove(DIRECTIVE);
                Ok(patch)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(SmpError::Other(format!(
                "unknown patch type: {} in map: {}",
                go_fmt(d),
                go_fmt_map(&patch)
            ))),
        };
    }
    retain_keys(&mut original, &mut patch)?;
    set_element_orders(&mut original, &mut patch, node)?;
    for (key, patch_v) in patch {
        let (k, delete_list) = match key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            Some(rest) => match rest.strip_prefix('/') {
                Some(k) => (k.to_string(), true),
                None => return Err(SmpError::PrimitiveList),
            },
            None => (key, false),
        };
        if patch_v.is_null() {
            original.remove(&k);
            continue;
        }
        let Some(orig_v) = original.remove(&k) else {
            original.insert(k, patch_v);
            continue;
        };
        let merged = match (orig_v, patch_v) {
            (Value::Object(o), Value::Object(p)) => {
                let m = lookup(node, &k)?;
                if m.strategy == "replace" {
                    Value::Object(p)
                } else {
                    Value::Object(merge_map(o, p, m.node)?)
                }
            }
            (Value::Array(o), Value::Array(p)) => {
                let m = lookup(node, &k)?;
                if m.strategy == "merge" {
                    let items = m.node.and_then(|n| n.items());
                    Value::Array(merge_list(o, p, items, &m.merge_key, delete_list)?)
                } else {
                    Value::Array(p)
                }
            }
            (_, p) => p,
        };
        original.insert(k, merged);
    }
    Ok(original)
}

/// `$retainKeys`: the original keeps only the listed fields; every field
/// the patch sets must be listed.
fn retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
) -> Result<(), SmpError> {
    let Some(list) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    let Value::Array(keep) = list else {
        return Err(SmpError::RetainKeys);
    };
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !keep.iter().any(|x| x.as_str() == Some(k)) {
            return Err(SmpError::RetainKeys);
        }
    }
    original.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k)));
    Ok(())
}

/// `$setElementOrder/<list>`: merges the list now and orders it by the
/// directive (apimachinery's `mergePatchIntoOriginal`).
fn set_element_orders(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    node: Option<Node<'_>>,
) -> Result<(), SmpError> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order_v) = patch.remove(&key) else {
            continue;
        };
        let Value::Array(order) = order_v else {
            return Err(bad_arg_type("[]interface {}", &order_v));
        };
        let field = match key.split_once('/') {
            Some((SET_ELEMENT_ORDER, f)) => f.to_string(),
            _ => return Err(SmpError::SetElementOrder),
        };
        let orig_list = match original.get(&field) {
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
            None => None,
        };
        let patch_list = match patch.get(&field) {
            Some(Value::Array(a)) => Some(a.clone()),
            Some(other) => return Err(bad_arg_type("[]interface {}", other)),
            None => None,
        };
        let m = lookup(node, &field)?;
        validate_order(patch_list.as_deref(), &order, &m.merge_key)?;
        let merged = match (&orig_list, &patch_list) {
            (Some(o), None) => o.clone(),
            (None, Some(p)) => p.clone(),
            (Some(o), Some(p)) if m.strategy == "merge" => merge_list(
                o.clone(),
                p.clone(),
                m.node.and_then(|n| n.items()),
                &m.merge_key,
                false,
            )?,
            (Some(_), Some(p)) => p.clone(),
            (None, None) => continue,
        };
        let o = orig_list.unwrap_or_default();
        let p = patch_list.unwrap_or_default();
        let (in_order, server_only) = partition(&merged, &order, &m.merge_key)?;
        let kind = element_kind(&[&o, &p])?;
        let both = normalize_order(in_order, server_only, &order, &o, &m.merge_key, kind)?;
        original.insert(field.clone(), Value::Array(both));
        patch.remove(&field);
    }
    Ok(())
}

/// The patch list's items (deletions aside) must appear in the
/// `$setElementOrder` list, in the same relative order.
fn validate_order(patch: Option<&[Value]>, order: &[Value], key: &str) -> Result<(), SmpError> {
    let Some(patch) = patch else {
        return Ok(());
    };
    if order.is_empty() || patch.is_empty() {
        return Ok(());
    }
    let non_delete: Vec<&Value> = if key.is_empty() {
        patch.iter().collect()
    } else {
        let mut keep = Vec::new();
        for v in patch {
            let Value::Object(m) = v else {
                return Err(bad_arg_type("map[string]interface {}", v));
            };
            if m.get(DIRECTIVE).and_then(Value::as_str) != Some("delete") {
                keep.push(v);
            }
        }
        keep
    };
    let (mut pi, mut oi) = (0, 0);
    while pi < non_delete.len() && oi < order.len() {
        if non_delete[pi].get(DIRECTIVE).is_some() {
            pi += 1;
            continue;
        }
        if key_equal(non_delete[pi], &order[oi], key)? {
            pi += 1;
        }
        oi += 1;
    }
    if pi < non_delete.len() && oi >= order.len() {
        return Err(SmpError::Other(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_fmt(&Value::Array(patch.to_vec())),
            go_fmt(&Value::Array(order.to_vec()))
        )));
    }
    Ok(())
}

fn key_equal(a: &Value, b: &Value, key: &str) -> Result<bool, SmpError> {
    if key.is_empty() {
        return Ok(go_eq(a, b));
    }
    let (Value::Object(l), Value::Object(r)) = (a, b) else {
        let bad = if a.is_object() { b } else { a };
        return Err(bad_arg_type("map[string]interface {}", bad));
    };
    let lk = l.get(key).ok_or_else(|| no_merge_key(l, key))?;
    let rk = r.get(key).ok_or_else(|| no_merge_key(r, key))?;
    Ok(go_eq(lk, rk))
}

/// The JSON kind of a list's items (all must share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    Map,
    Scalar,
}

fn element_kind(lists: &[&[Value]]) -> Result<ItemKind, SmpError> {
    let mut prev: Option<u8> = None;
    for v in lists.iter().flat_map(|l| l.iter()) {
        let t = match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        };
        match prev {
            None if t == 4 => return Err(SmpError::ListOfLists),
            None => prev = Some(t),
            Some(p) if p != t => {
                let all: Vec<String> = lists
                    .iter()
                    .map(|l| go_fmt(&Value::Array(l.to_vec())))
                    .collect();
                return Err(SmpError::Other(format!(
                    "list element types are not identical: [{}]",
                    all.join(" ")
                )));
            }
            Some(_) => {}
        }
    }
    match prev {
        None => Err(SmpError::Other(
            "no elements in any of the given slices".into(),
        )),
        Some(5) => Ok(ItemKind::Map),
        Some(_) => Ok(ItemKind::Scalar),
    }
}

/// Merges a list with strategy `merge` (apimachinery's `mergeSlice`).
fn merge_list(
    original: Vec<Value>,
    patch: Vec<Value>,
    items: Option<Node<'_>>,
    key: &str,
    delete_list: bool,
) -> Result<Vec<Value>, SmpError> {
    if original.is_empty() && patch.is_empty() {
        return Ok(original);
    }
    let kind = element_kind(&[&original, &patch])?;
    let mut patch = patch;
    let (merged, server_order) = if kind == ItemKind::Scalar {
        if delete_list {
            return Ok(original
                .into_iter()
                .filter(|v| !patch.iter().any(|d| go_eq(d, v)))
                .collect());
        }
        let mut both = original.clone();
        both.extend(patch.iter().cloned());
        (dedup_scalars(both), original)
    } else {
        if key.is_empty() {
            return Err(SmpError::Other(
                "cannot merge lists without merge key for type struct".into(),
            ));
        }
        let (original, rest) = special_items(original, &patch, key)?;
        let mut merged = original.clone();
        for v in &rest {
            let Value::Object(pm) = v else {
                return Err(bad_arg_type("map[string]interface {}", v));
            };
            let kv = pm.get(key).ok_or_else(|| no_merge_key(pm, key))?;
            match find_by_key(&merged, key, kv)? {
                Some(i) => {
                    let o = match std::mem::take(&mut merged[i]) {
                        Value::Object(o) => o,
                        _ => Map::new(),
                    };
                    merged[i] = Value::Object(merge_map(o, pm.clone(), items)?);
                }
                None => merged.push(v.clone()),
            }
        }
        // From here on the patch is its items without directives.
        patch = rest;
        (merged, original)
    };
    let (in_patch, server_only) = partition(&merged, &patch, key)?;
    normalize_order(in_patch, server_only, &patch, &server_order, key, kind)
}

/// The `$patch` items of a merge list of objects: `delete` removes the
/// items with that key from the original, `replace` makes the list the
/// patch's other items. Returns the original to merge into and the
/// patch items left.
fn special_items(
    mut original: Vec<Value>,
    patch: &[Value],
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let mut rest = Vec::new();
    let mut replace = false;
    for v in patch {
        let Value::Object(m) = v else {
            return Err(bad_arg_type("map[string]interface {}", v));
        };
        match m.get(DIRECTIVE) {
            None => rest.push(v.clone()),
            Some(d) => match d.as_str() {
                Some("delete") => {
                    let kv = m.get(key).ok_or_else(|| no_merge_key(m, key))?;
                    while let Some(i) = find_by_key(&original, key, kv)? {
                        original.remove(i);
                    }
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err(SmpError::Other(
                        "merging lists cannot yet be specified in the patch".into(),
                    ));
                }
                _ => {
                    return Err(SmpError::Other(format!(
                        "unknown patch type: {} in map: {}",
                        go_fmt(d),
                        go_fmt_map(m)
                    )));
                }
            },
        }
    }
    if replace {
        return Ok((rest, Vec::new()));
    }
    Ok((original, rest))
}

/// The index of the first object whose `key` equals `value`.
fn find_by_key(list: &[Value], key: &str, value: &Value) -> Result<Option<usize>, SmpError> {
    for (i, v) in list.iter().enumerate() {
        let Value::Object(m) = v else {
            return Err(SmpError::Other(format!("value for key {i} is not a map.")));
        };
        if m.get(key).is_some_and(|x| go_eq(x, value)) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// apimachinery's `deduplicateScalars`: a later duplicate is replaced by
/// the last item (the order it leaves is what the server stores).
fn dedup_scalars(mut s: Vec<Value>) -> Vec<Value> {
    let mut len = s.len();
    let mut i = 0;
    while i + 1 < len {
        let mut j = i + 1;
        while j < len {
            if go_eq(&s[i], &s[j]) {
                s.swap_remove(j);
                len -= 1;
            } else {
                j += 1;
            }
        }
        i += 1;
    }
    s
}

/// Splits `merged` into the items present in `by` and the others.
fn partition(
    merged: &[Value],
    by: &[Value],
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), SmpError> {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for v in merged {
        let found = if key.is_empty() {
            by.iter().any(|b| go_eq(b, v))
        } else {
            let Value::Object(m) = v else {
                return Err(bad_arg_type("map[string]interface {}", v));
            };
            let kv = m.get(key).ok_or_else(|| no_merge_key(m, key))?;
            find_by_key(by, key, kv)?.is_some()
        };
        if found {
            inside.push(v.clone());
        } else {
            outside.push(v.clone());
        }
    }
    Ok((inside, outside))
}

/// Where `v` is in `list`, by merge key for objects, by value otherwise.
fn index_in(list: &[Value], v: &Value, key: &str, kind: ItemKind) -> Option<usize> {
    let val = |x: &Value| -> Value {
        match kind {
            ItemKind::Map => x.get(key).cloned().unwrap_or(Value::Null),
            ItemKind::Scalar => x.clone(),
        }
    };
    let want = val(v);
    list.iter().position(|x| go_eq(&val(x), &want))
}

/// apimachinery's `normalizeElementOrder`: the patch's items in the
/// patch's order, the server's in the server's, interleaved.
fn normalize_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: &str,
    kind: ItemKind,
) -> Result<Vec<Value>, SmpError> {
    let patch = sort_by_order(patch, patch_order, key, kind)?;
    let server_only = sort_by_order(server_only, server_order, key, kind)?;
    let less = |l: &Value, r: &Value| -> Option<bool> {
        match (
            index_in(server_order, l, key, kind),
            index_in(server_order, r, key, kind),
        ) {
            (Some(a), Some(b)) => Some(a < b),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(patch.len() + server_only.len());
    let (mut i, mut j) = (0, 0);
    while i < server_only.len() || j < patch.len() {
        let server_next = i < server_only.len()
            && (j >= patch.len() || less(&server_only[i], &patch[j]) == Some(true));
        if server_next {
            out.push(server_only[i].clone());
            i += 1;
        } else {
            out.push(patch[j].clone());
            j += 1;
        }
    }
    Ok(out)
}

/// apimachinery's `normalizeSliceOrder`: a stable insertion sort by the
/// position in `order` (items not in it compare as smaller, as there), with
/// `$patch: delete` items moved to the end.
fn sort_by_order(
    items: Vec<Value>,
    order: &[Value],
    key: &str,
    kind: ItemKind,
) -> Result<Vec<Value>, SmpError> {
    let mut to_sort = items;
    let mut to_delete = Vec::new();
    if kind == ItemKind::Map {
        for v in to_sort.iter().chain(order) {
            let Value::Object(m) = v else {
                return Err(bad_arg_type("map[string]interface {}", v));
            };
            if !m.contains_key(key) {
                return Err(no_merge_key(m, key));
            }
        }
        let (keep, del): (Vec<Value>, Vec<Value>) = to_sort
            .into_iter()
            .partition(|v| v.get(DIRECTIVE).and_then(Value::as_str) != Some("delete"));
        to_sort = keep;
        to_delete = del;
    }
    let less = |a: &Value, b: &Value| -> bool {
        match (index_in(order, a, key, kind), index_in(order, b, key, kind)) {
            (Some(x), Some(y)) => x < y,
            _ => true,
        }
    };
    for i in 1..to_sort.len() {
        let mut j = i;
        while j > 0 && less(&to_sort[j], &to_sort[j - 1]) {
            to_sort.swap(j, j - 1);
            j -= 1;
        }
    }
    to_sort.extend(to_delete);
    Ok(to_sort)
}

/// Go's `==` on decoded JSON: numbers as float64.
fn go_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn no_merge_key(m: &Map<String, Value>, key: &str) -> SmpError {
    SmpError::Other(format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt_map(m)
    ))
}

/// mergepatch's `ErrBadArgType`: the Go types of what was expected and got.
fn bad_arg_type(expected: &str, got: &Value) -> SmpError {
    let got = match got {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    };
    SmpError::Other(format!("expected a {expected}, but received a {got}"))
}

/// A decoded JSON value as Go's `%v` prints it.
pub(crate) fn go_fmt(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
            Some(f) => f.to_string(),
            None => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => go_fmt_map(m),
    }
}

fn go_fmt_map(m: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    let parts: Vec<String> = keys
        .into_iter()
        .map(|k| format!("{k}:{}", go_fmt(&m[k])))
        .collect();
    format!("map[{}]", parts.join(" "))
}

#[cfg(test)]
#[path = "strategic_tests.rs"]
mod tests;
