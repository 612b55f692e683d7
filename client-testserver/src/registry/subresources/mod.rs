//! The subresources beyond `/status` and `/scale`, HTTP-free:
//! `pods/binding` (and the `bindings` resource), `pods/eviction`,
//! `pods/log`, `pods/ephemeralcontainers`, `pods/resize`,
//! `serviceaccounts/token`, `namespaces/finalize`,
//! `certificatesigningrequests/approval`, and the answer of those that
//! need a node (`exec`, `attach`, `portforward`, `proxy`).
//!
//! The writes that change a part of the object (`finalize`,
//! `ephemeralcontainers`, `resize`, `approval`) take the shared update path
//! with a [`Part`] that says which fields the write may change
//! ([`keep_fields`]); [`validate_part`] holds their rules.

mod pods;
mod token;

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::backend::Part;
use crate::registry::kind::ResourceKind;

pub(crate) use pods::{LogRequest, no_node};

/// How a subresource is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The generic verbs on a part of the object.
    Part(Part),
    /// `/scale`.
    Scale,
    /// `pods/binding`: create.
    Binding,
    /// `pods/eviction`: create.
    Eviction,
    /// `pods/log`: get, as text.
    Log,
    /// `serviceaccounts/token`: create.
    Token,
    /// `exec`, `attach`, `portforward`, `proxy`: need a node.
    Node,
}

/// The route of subresource `name`, if the server implements it.
pub(crate) fn route(name: &str) -> Option<Route> {
    Some(match name {
        "status" => Route::Part(Part::Status),
        "scale" => Route::Scale,
        "finalize" => Route::Part(Part::Field("/spec/finalizers")),
        "ephemeralcontainers" => Route::Part(Part::Field(EPHEMERAL)),
        "approval" => Route::Part(Part::Field("/status/conditions")),
        "resize" => Route::Part(Part::Resize),
        "binding" => Route::Binding,
        "eviction" => Route::Eviction,
        "log" => Route::Log,
        "token" => Route::Token,
        "exec" | "attach" | "portforward" | "proxy" => Route::Node,
        _ => return None,
    })
}

/// The subresource name a part is written through, for `managedFields`.
pub(crate) fn part_name(part: Part) -> Option<&'static str> {
    match part {
        Part::Main => None,
        Part::Status => Some("status"),
        Part::Field("/spec/finalizers") => Some("finalize"),
        Part::Field(EPHEMERAL) => Some("ephemeralcontainers"),
        Part::Field(_) => Some("approval"),
        Part::Resize => Some("resize"),
        Part::Computed => Some("binding"),
    }
}

const EPHEMERAL: &str = "/spec/ephemeralContainers";

/// kube's answer to a subresource create that returns no object:
/// `Status` `Success`, code 201.
pub(crate) fn created_status() -> Value {
    json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201})
}

/// Writes `value` at JSON pointer `ptr` (creating objects on the way), or
/// removes the field when `value` is `None`.
fn set_pointer(doc: &mut Value, ptr: &str, value: Option<Value>) {
    let segs: Vec<&str> = ptr.trim_start_matches('/').split('/').collect();
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut cur = doc;
    for seg in parents {
        let Value::Object(m) = cur else { return };
        cur = m
            .entry((*seg).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(m) = cur {
        match value {
            Some(v) => m.insert((*last).to_string(), v),
            None => m.remove(*last),
        };
    }
}

/// Keeps the stored object but for the fields `part` writes.
pub(crate) fn keep_fields(part: Part, old: &Value, new: &mut Value) {
    match part {
        Part::Field(ptr) => {
            let value = new.pointer(ptr).cloned();
            *new = old.clone();
            set_pointer(new, ptr, value);
        }
        Part::Resize => {
            let mut out = old.clone();
            for list in ["containers", "initContainers"] {
                let ptr = format!("/spec/{list}");
                let Some(Value::Array(olds)) = out.pointer_mut(&ptr) else {
                    continue;
                };
                let news = new.pointer(&ptr).and_then(Value::as_array);
                for c in olds.iter_mut() {
                    let name = c.get("name").cloned();
                    let Some(n) =
                        news.and_then(|l| l.iter().find(|n| n.get("name") == name.as_ref()))
                    else {
                        continue;
                    };
                    for field in ["resources", "resizePolicy"] {
                        set_pointer(c, &format!("/{field}"), n.get(field).cloned());
                    }
                }
            }
            *new = out;
        }
        Part::Main | Part::Status | Part::Computed => {}
    }
}

/// The rules of a part write: ephemeral containers may be added, never
/// removed or changed (`ValidatePodEphemeralContainersUpdate`).
///
/// # Errors
/// 422 Invalid naming `spec.ephemeralContainers`.
pub(crate) fn validate_part(
    kind: &ResourceKind,
    name: &str,
    part: Part,
    old: &Value,
    new: &Value,
) -> Result<(), ApiError> {
    if part != Part::Field(EPHEMERAL) {
        return Ok(());
    }
    let list = |v: &Value| -> Vec<Value> {
        v.pointer(EPHEMERAL)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let news = list(new);
    let mut causes = Vec::new();
    for (i, o) in list(old).iter().enumerate() {
        let cname = o.get("name").and_then(Value::as_str).unwrap_or_default();
        match news.iter().find(|n| n.get("name") == o.get("name")) {
            None => causes.push((
                "spec.ephemeralContainers".to_string(),
                format!("Forbidden: existing ephemeral containers {cname:?} may not be removed"),
            )),
            Some(n) if n != o => causes.push((
                format!("spec.ephemeralContainers[{i}]"),
                format!("Forbidden: existing ephemeral containers {cname:?} may not be changed"),
            )),
            Some(_) => {}
        }
    }
    for (i, n) in news.iter().enumerate() {
        for field in ["name", "image"] {
            if n.get(field)
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                causes.push((
                    format!("spec.ephemeralContainers[{i}].{field}"),
                    "Required value".to_string(),
                ));
            }
        }
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&kind.group, &kind.kind, name, &causes))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_field_part_keeps_everything_else() {
        let old = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}]}});
        let mut new = json!({"metadata": {"name": "p", "labels": {"x": "y"}},
            "spec": {"containers": [], "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}});
        keep_fields(Part::Field(EPHEMERAL), &old, &mut new);
        assert_eq!(
            new,
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}],
                "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}})
        );
    }

    #[test]
    fn resize_takes_resources_by_container_name() {
        let old = json!({"spec": {"containers": [
            {"name": "a", "image": "x", "resources": {"limits": {"cpu": "1"}}},
            {"name": "b", "image": "y"}]}});
        let mut new = json!({"spec": {"containers": [
            {"name": "b", "image": "changed", "resources": {"requests": {"cpu": "2"}}},
            {"name": "a", "image": "changed"}]}});
        keep_fields(Part::Resize, &old, &mut new);
        assert_eq!(
            new,
            json!({"spec": {"containers": [
                {"name": "a", "image": "x"},
                {"name": "b", "image": "y", "resources": {"requests": {"cpu": "2"}}}]}})
        );
    }
}
