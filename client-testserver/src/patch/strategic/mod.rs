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

mod error;
mod go_values;
mod order;

use serde_json::{Map, Value};

use crate::types::Node;
pub(crate) use error::SmpError;
use go_values::{bad_arg_type, go_eq, go_fmt, go_fmt_map, no_merge_key};
use order::{
    ItemKind, dedup_scalars, element_kind, find_by_key, key_equal, normalize_order, partition,
};

/// The directive key of a map or list item (`$patch: replace|delete`).
const DIRECTIVE: &str = "$patch";
/// The fields a map keeps (`$retainKeys: [..]`).
const RETAIN_KEYS: &str = "$retainKeys";
/// The prefix of a list's deletions (`$deleteFromPrimitiveList/<list>`).
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
/// The prefix of a list's order (`$setElementOrder/<list>`).
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

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

#[cfg(test)]
mod tests;
