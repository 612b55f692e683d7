//! Building blocks the controllers share: owner references, conditions,
//! pods from templates, label selectors, hashes.

use serde_json::{Map, Value, json};

use crate::meta::label_selector::selector_string;
use crate::meta::selector::LabelSelector;
use crate::registry::backend::str_at;
use crate::storage::store::ObjectKey;

/// `obj`'s (namespace, name).
pub(crate) fn key(obj: &Value) -> ObjectKey {
    (
        str_at(obj, "/metadata/namespace")
            .unwrap_or_default()
            .to_string(),
        str_at(obj, "/metadata/name")
            .unwrap_or_default()
            .to_string(),
    )
}

/// `obj`'s name.
pub(crate) fn name(obj: &Value) -> &str {
    str_at(obj, "/metadata/name").unwrap_or_default()
}

/// `obj`'s UID.
pub(crate) fn uid(obj: &Value) -> &str {
    str_at(obj, "/metadata/uid").unwrap_or_default()
}

/// An integer field, `default` when absent.
pub(crate) fn int(obj: &Value, pointer: &str, default: i64) -> i64 {
    obj.pointer(pointer)
        .and_then(Value::as_i64)
        .unwrap_or(default)
}

/// The controller reference to `owner` (`controller` and
/// `blockOwnerDeletion` set, as kube's controllers write it).
pub(crate) fn controller_ref(owner: &Value, api_version: &str, kind: &str) -> Value {
    json!({
        "apiVersion": api_version,
        "kind": kind,
        "name": name(owner),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// `obj`'s labels.
pub(crate) fn labels(obj: &Value) -> Option<&Map<String, Value>> {
    obj.pointer("/metadata/labels").and_then(Value::as_object)
}

/// A `metav1.LabelSelector` (or a plain map) parsed once; `None` for an
/// empty or invalid one, which controllers treat as selecting nothing.
pub(crate) fn parse_selector(selector: Option<&Value>) -> Option<LabelSelector> {
    let text = selector.and_then(selector_string)?;
    LabelSelector::parse(&text).ok().filter(|s| !s.is_empty())
}

/// Whether `selector` (from [`parse_selector`]) selects `labels`.
pub(crate) fn selects(
    selector: Option<&LabelSelector>,
    labels: Option<&Map<String, Value>>,
) -> bool {
    let Some(sel) = selector else {
        return false;
    };
    let empty = Map::new();
    sel.matches(labels.unwrap_or(&empty))
}

/// A pod from `template` in `ns`: its labels plus `extra_labels`, named
/// `name` or generated from `generate_name`, controlled by `owner_ref`.
pub(crate) fn pod_from_template(
    template: &Value,
    ns: &str,
    name: Option<&str>,
    generate_name: &str,
    extra_labels: &[(&str, String)],
    owner_ref: Value,
) -> Value {
    let mut meta = template
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    meta.remove("name");
    meta.remove("namespace");
    meta.insert("namespace".into(), json!(ns));
    match name {
        Some(n) => {
            meta.insert("name".into(), json!(n));
        }
        None => {
            meta.insert("generateName".into(), json!(generate_name));
        }
    }
    let labels = meta.entry("labels").or_insert_with(|| json!({}));
    if let Value::Object(l) = labels {
        for (k, v) in extra_labels {
            l.insert((*k).to_string(), json!(v));
        }
    }
    meta.insert("ownerReferences".into(), json!([owner_ref]));
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

/// Sets condition `type_` in `status.conditions`: the transition time
/// stays when the status does not change.
pub(crate) fn set_condition(
    obj: &mut Value,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    let conditions = conditions_mut(obj);
    let existing = conditions
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_));
    match existing {
        Some(c) => {
            if c.get("status").and_then(Value::as_str) != Some(status) {
                c["lastTransitionTime"] = json!(now);
            }
            c["status"] = json!(status);
            c["reason"] = json!(reason);
            c["message"] = json!(message);
        }
        None => conditions.push(json!({
            "type": type_, "status": status, "reason": reason, "message": message,
            "lastTransitionTime": now,
        })),
    }
}

/// The condition `type_`'s status, if present.
pub(crate) fn condition<'a>(obj: &'a Value, type_: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
}

/// Whether condition `type_` is `True`.
pub(crate) fn condition_true(obj: &Value, type_: &str) -> bool {
    condition(obj, type_)
        .and_then(|c| c.get("status"))
        .and_then(Value::as_str)
        == Some("True")
}

fn conditions_mut(obj: &mut Value) -> &mut Vec<Value> {
    if !obj.get("status").is_some_and(Value::is_object) {
        obj["status"] = json!({});
    }
    let status = &mut obj["status"];
    if !status.get("conditions").is_some_and(Value::is_array) {
        status["conditions"] = json!([]);
    }
    match status.get_mut("conditions") {
        Some(Value::Array(a)) => a,
        _ => unreachable!("made an array above"),
    }
}

/// Whether a pod is Ready (its `Ready` condition is `True`) and not
/// being deleted.
pub(crate) fn pod_ready(pod: &Value) -> bool {
    condition_true(pod, "Ready") && pod.pointer("/metadata/deletionTimestamp").is_none()
}

/// FNV-1a (32 bits) of `bytes`, written with kube's safe alphabet (no
/// vowels, no look-alike digits), as pod-template-hash values look.
pub(crate) fn safe_hash(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let mut out = String::new();
    let mut v = h;
    loop {
        out.push(ALPHABET[(v % ALPHABET.len() as u32) as usize] as char);
        v /= ALPHABET.len() as u32;
        if v == 0 {
            break;
        }
    }
    out
}

/// `v` with object keys sorted at every level, for hashing.
pub(crate) fn canonical(v: &Value) -> String {
    fn write(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                out.push('{');
                for k in keys {
                    out.push_str(&json!(k).to_string());
                    out.push(':');
                    write(&m[k], out);
                    out.push(',');
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for x in a {
                    write(x, out);
                    out.push(',');
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    write(v, &mut s);
    s
}

/// A count or percentage of `total` (`maxSurge`, `maxUnavailable`):
/// percentages round up when `round_up`, down otherwise.
pub(crate) fn int_or_percent(v: Option<&Value>, total: i64, default: &str, round_up: bool) -> i64 {
    let text = match v {
        Some(Value::Number(n)) => return n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.as_str(),
        _ => default,
    };
    match text.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
        Some(p) => {
            let scaled = p * total;
            if round_up {
                (scaled + 99) / 100
            } else {
                scaled / 100
            }
        }
        None => text.parse().unwrap_or(0),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn conditions_keep_transition_times() {
        let mut o = json!({});
        set_condition(&mut o, "Ready", "True", "R", "m", "t1");
        set_condition(&mut o, "Ready", "True", "R", "m2", "t2");
        assert_eq!(o["status"]["conditions"][0]["lastTransitionTime"], "t1");
        set_condition(&mut o, "Ready", "False", "R", "m", "t3");
        assert_eq!(o["status"]["conditions"][0]["lastTransitionTime"], "t3");
        assert!(!condition_true(&o, "Ready"));
    }

    #[test]
    fn percentages_round_as_kube_does() {
        assert_eq!(int_or_percent(None, 3, "25%", true), 1);
        assert_eq!(int_or_percent(None, 3, "25%", false), 0);
        assert_eq!(int_or_percent(Some(&json!(0)), 3, "25%", false), 0);
        assert_eq!(int_or_percent(Some(&json!("50%")), 5, "25%", true), 3);
    }

    #[test]
    fn selectors_need_a_requirement() {
        let l = json!({"app": "web"});
        let web = parse_selector(Some(&json!({"matchLabels": {"app": "web"}})));
        assert!(selects(web.as_ref(), l.as_object()));
        let other = parse_selector(Some(&json!({"matchExpressions": [
            {"key": "app", "operator": "NotIn", "values": ["web"]}]})));
        assert!(!selects(other.as_ref(), l.as_object()));
        assert!(parse_selector(Some(&json!({}))).is_none());
        assert!(!selects(None, l.as_object()));
        assert_eq!(safe_hash(b"x"), safe_hash(b"x"));
        assert_ne!(safe_hash(b"x"), safe_hash(b"y"));
    }

    #[test]
    fn canonical_form_ignores_key_order() {
        let a: Value = serde_json::from_str(r#"{"b":1,"a":{"y":2,"x":3}}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"a":{"x":3,"y":2},"b":1}"#).unwrap();
        assert_eq!(canonical(&a), canonical(&b));
    }
}
