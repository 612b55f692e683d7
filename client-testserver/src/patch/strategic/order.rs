//! The order apimachinery gives a merged list: the patch's items in the
//! patch's (or `$setElementOrder`'s) order, the server's in the server's,
//! interleaved; and the list helpers that order needs.

use serde_json::Value;

use super::DIRECTIVE;
use super::error::SmpError;
use super::go_values::{bad_arg_type, go_eq, go_fmt, no_merge_key};

/// Whether two items are the same item: equal merge keys (equal values
/// when there is no key).
pub(super) fn key_equal(a: &Value, b: &Value, key: &str) -> Result<bool, SmpError> {
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
pub(super) enum ItemKind {
    Map,
    Scalar,
}

/// The kind shared by the items of `lists` (apimachinery's
/// `sliceElementType`).
pub(super) fn element_kind(lists: &[&[Value]]) -> Result<ItemKind, SmpError> {
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

/// The index of the first object whose `key` equals `value`.
pub(super) fn find_by_key(
    list: &[Value],
    key: &str,
    value: &Value,
) -> Result<Option<usize>, SmpError> {
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
pub(super) fn dedup_scalars(mut s: Vec<Value>) -> Vec<Value> {
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
pub(super) fn partition(
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
pub(super) fn index_in(list: &[Value], v: &Value, key: &str, kind: ItemKind) -> Option<usize> {
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
pub(super) fn normalize_order(
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
pub(super) fn sort_by_order(
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
