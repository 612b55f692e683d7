//! Namespace lifecycle, as kube-apiserver's `NamespaceLifecycle` admission
//! and the namespace controller behave. The namespace kind's hooks
//! ([`NamespaceHooks`]) and a rule every namespaced create passes through:
//!
//! - a created namespace is `Active` and gets `spec.finalizers: [kubernetes]`;
//! - protected names cannot be deleted (403 Forbidden);
//! - deleting sets `metadata.deletionTimestamp` and `status.phase:
//!   Terminating` (the finalizer holds the object) and starts a background
//!   task acting as the controller;
//! - creating inside a Terminating namespace is refused (403 Forbidden with
//!   a `NamespaceTerminating` cause);
//! - the task deletes every namespaced object inside (objects with
//!   finalizers get a `deletionTimestamp` and are waited for), keeps the
//!   controller's five `NamespaceDeletion*`/`Namespace*Remaining`
//!   conditions, and once nothing is left removes the finalizer, which
//!   deletes the namespace (one DELETED event).
//!
//! The task runs a synchronous pass (store writes only, no lock across an
//! await) after every store change, holds the store weakly between passes,
//! and ends with the namespace or with the server.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::Registry;
use crate::registry::backend::{Backend, Deleted, parse};
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::storage::store::{WeakStore, WriteOutcome};

/// The phase of a namespace being deleted.
pub(crate) const TERMINATING: &str = "Terminating";

/// The `details.causes[].reason` of a create refused in a Terminating
/// namespace.
pub(crate) const NAMESPACE_TERMINATING_CAUSE: &str = "NamespaceTerminating";

/// What is still inside a Terminating namespace after a pass.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Remaining {
    /// Objects left per `plural.group` (`configmaps.` for the core group,
    /// as the controller prints it).
    pub by_resource: BTreeMap<String, usize>,
    /// Objects left per finalizer.
    pub by_finalizer: BTreeMap<String, usize>,
}

impl Remaining {
    /// Whether the namespace is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.by_resource.is_empty()
    }

    /// The namespace controller's conditions for this state, in its order:
    /// `(type, status, reason, message)`.
    pub(crate) fn conditions(&self) -> Vec<(&'static str, &'static str, &'static str, String)> {
        let ok = |t, reason, msg: &str| (t, "False", reason, msg.to_string());
        let content = if self.by_resource.is_empty() {
            ok(
                "NamespaceContentRemaining",
                "ContentRemoved",
                "All content successfully removed",
            )
        } else {
            let list: Vec<String> = self
                .by_resource
                .iter()
                .map(|(r, n)| format!("{r} has {n} resource instances"))
                .collect();
            (
                "NamespaceContentRemaining",
                "True",
                "SomeResourcesRemain",
                format!("Some resources are remaining: {}", list.join(", ")),
            )
        };
        let finalizers = if self.by_finalizer.is_empty() {
            ok(
                "NamespaceFinalizersRemaining",
                "ContentHasNoFinalizers",
                "All content-preserving finalizers finished",
            )
        } else {
            let list: Vec<String> = self
                .by_finalizer
                .iter()
                .map(|(f, n)| format!("{f} in {n} resource instances"))
                .collect();
            (
                "NamespaceFinalizersRemaining",
                "True",
                "SomeFinalizersRemain",
                format!(
                    "Some content in the namespace has finalizers remaining: {}",
                    list.join(", ")
                ),
            )
        };
        vec![
            ok(
                "NamespaceDeletionDiscoveryFailure",
                "ResourcesDiscovered",
                "All resources successfully discovered",
            ),
            ok(
                "NamespaceDeletionGroupVersionParsingFailure",
                "ParsedGroupVersions",
                "All legacy kube types successfully parsed",
            ),
            ok(
                "NamespaceDeletionContentFailure",
                "ContentDeleted",
                "All content successfully deleted, may be waiting on finalization",
            ),
            content,
            finalizers,
        ]
    }
}

/// `spec.finalizers` of an object.
fn spec_finalizers(obj: &Value) -> Vec<&str> {
    obj.pointer("/spec/finalizers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The `spec.finalizers` entry every namespace gets on create; the
/// controller removes it once the namespace is empty, which lets it go.
pub(crate) const FINALIZER: &str = "kubernetes";

/// Namespaces that can never be deleted (403 Forbidden).
const PROTECTED: &[&str] = &["default", "kube-system", "kube-public"];

/// The hooks of the `namespaces` kind: phase and finalizer on create,
/// protected names, and termination on delete.
pub(crate) struct NamespaceHooks;

/// Shared instance of [`NamespaceHooks`].
pub(crate) static NAMESPACE_HOOKS: NamespaceHooks = NamespaceHooks;

impl KindHooks for NamespaceHooks {
    fn prepare_for_create(&self, obj: &mut Value) {
        let Value::Object(o) = obj else { return };
        o.insert("status".into(), json!({"phase": "Active"}));
        let spec = o.entry("spec").or_insert_with(|| json!({}));
        if !spec.is_object() {
            *spec = json!({});
        }
        if let Value::Object(s) = spec {
            s.insert("finalizers".into(), json!([FINALIZER]));
        }
    }

    /// 403 Forbidden, `namespaces "default" is forbidden: this namespace
    /// may not be deleted`.
    fn refuse_delete(&self, kind: &ResourceKind, name: &str) -> Result<(), ApiError> {
        if PROTECTED.contains(&name) {
            return Err(ApiError::forbidden(
                &kind.group,
                &kind.plural,
                name,
                "this namespace may not be deleted",
            ));
        }
        Ok(())
    }

    /// `spec.finalizers` holds a namespace until the controller is done.
    fn waits_for_controller(&self, obj: &Value) -> bool {
        !spec_finalizers(obj).is_empty()
    }

    fn begin_deletion(&self, obj: &mut Value) {
        if let Value::Object(o) = obj {
            let status = o.entry("status").or_insert_with(|| json!({}));
            if !status.is_object() {
                *status = json!({});
            }
            if let Value::Object(s) = status {
                s.insert("phase".into(), json!(TERMINATING));
            }
        }
    }

    fn after_deletion_began(&self, backend: &Backend, kind: &Arc<ResourceKind>, name: &str) {
        backend.start_termination(kind, name);
    }
}

impl Backend {
    /// `NamespaceLifecycle` admission: a namespaced object cannot be
    /// created in a Terminating namespace.
    ///
    /// # Errors
    /// 403 Forbidden with a `NamespaceTerminating` cause.
    pub(crate) fn admit_create(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        body: &Value,
    ) -> Result<(), ApiError> {
        let Some(ns) = ns.filter(|_| kind.namespaced) else {
            return Ok(());
        };
        if !self.namespace_terminating(ns) {
            return Ok(());
        }
        let name = body
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Err(ApiError::forbidden(
            &kind.group,
            &kind.plural,
            name,
            &format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            ),
        )
        .with_cause(
            NAMESPACE_TERMINATING_CAUSE,
            &format!("namespace {ns} is being terminated"),
            "metadata.namespace",
        ))
    }

    /// Whether namespace `ns` exists and is Terminating.
    pub(crate) fn namespace_terminating(&self, ns: &str) -> bool {
        self.store
            .get("namespaces", &(String::new(), ns.to_string()))
            .is_some_and(|b| {
                parse(&b).pointer("/status/phase").and_then(Value::as_str) == Some(TERMINATING)
            })
    }

    /// Starts removing what `name` (of a terminating `kind`) holds: in a
    /// background task when a tokio runtime is running, else one pass now.
    pub(crate) fn start_termination(&self, kind: &Arc<ResourceKind>, name: &str) {
        match tokio::runtime::Handle::try_current() {
            Ok(rt) => {
                rt.spawn(terminate(
                    self.store.downgrade(),
                    self.registry.clone(),
                    kind.clone(),
                    name.to_string(),
                ));
            }
            Err(_) => {
                self.termination_pass(kind, name);
            }
        }
    }

    /// One pass of the namespace controller over `name`. Returns whether
    /// the work is over (the namespace is gone or no longer deleting).
    pub(crate) fn termination_pass(&self, kind: &ResourceKind, name: &str) -> bool {
        let key = (String::new(), name.to_string());
        let deleting = self
            .store
            .get(&kind.resource(), &key)
            .is_some_and(|b| parse(&b).pointer("/metadata/deletionTimestamp").is_some());
        if !deleting {
            return true;
        }
        let remaining = self.delete_contents(name);
        let conditions = remaining.conditions();
        let finalize = remaining.is_empty();
        let finalizer = FINALIZER;
        let out = self.store.write(&kind.resource(), &key, |cur, rv| {
            let Some(cur) = cur else {
                return Ok((WriteOutcome::Unchanged, true));
            };
            let old = parse(cur);
            let mut new = old.clone();
            set_conditions(&mut new, &old, &conditions);
            if finalize {
                remove_spec_finalizer(&mut new, finalizer);
            }
            if new == old {
                return Ok((WriteOutcome::Unchanged, false));
            }
            if let Some(Value::Object(m)) = new.get_mut("metadata") {
                m.insert("resourceVersion".into(), json!(rv.to_string()));
            }
            let metadata_held = new
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            let bytes = bytes::Bytes::from(serde_json::to_vec(&new).unwrap_or_default());
            if finalize && spec_finalizers(&new).is_empty() && !metadata_held {
                return Ok((WriteOutcome::Delete(bytes), true));
            }
            Ok((WriteOutcome::Put(bytes), false))
        });
        // A failed write is retried on the next store change.
        out.unwrap_or(false)
    }

    /// Deletes every namespaced object in `ns` (finalizers respected) and
    /// tells what is left.
    fn delete_contents(&self, ns: &str) -> Remaining {
        let mut left = Remaining::default();
        for kind in self.registry.all().into_iter().filter(|k| k.namespaced) {
            let Ok((page, _)) =
                self.store
                    .page(&kind.resource(), Some(ns), None, None, None, |_| true)
            else {
                continue;
            };
            for ((_, name), _) in page.items {
                let pending = match self.delete(&kind, Some(ns), &name, &json!({}), false) {
                    Ok(Deleted::Gone(_)) => continue,
                    Err(e) if e.code == 404 => continue,
                    Ok(Deleted::Pending(obj)) => Some(obj),
                    Err(_) => None,
                };
                *left
                    .by_resource
                    .entry(format!("{}.{}", kind.plural, kind.group))
                    .or_default() += 1;
                let finalizers = pending
                    .as_ref()
                    .and_then(|o| o.pointer("/metadata/finalizers"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                for f in finalizers.iter().filter_map(Value::as_str) {
                    *left.by_finalizer.entry(f.to_string()).or_default() += 1;
                }
            }
        }
        left
    }
}

/// The background controller for one namespace: a pass after every store
/// change until the namespace is gone or the server is.
async fn terminate(store: WeakStore, registry: Registry, kind: Arc<ResourceKind>, name: String) {
    let Some(mut changes) = store.upgrade().map(|s| s.subscribe()) else {
        return;
    };
    loop {
        let done = {
            let Some(store) = store.upgrade() else {
                return;
            };
            let backend = Backend {
                store,
                registry: registry.clone(),
            };
            backend.termination_pass(&kind, &name)
        };
        if done || changes.changed().await.is_err() {
            return;
        }
    }
}

/// Writes the controller's conditions into `new.status.conditions`,
/// keeping each condition's `lastTransitionTime` unless its status changed
/// (as the controller does); conditions of other types stay.
fn set_conditions(
    new: &mut Value,
    old: &Value,
    conditions: &[(&'static str, &'static str, &'static str, String)],
) {
    let old_conditions: Vec<Value> = old
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let now = crate::meta::timefmt::now_rfc3339();
    let mut out: Vec<Value> = Vec::new();
    for (t, status, reason, message) in conditions {
        let since = old_conditions
            .iter()
            .find(|c| c["type"] == *t && c["status"] == *status)
            .and_then(|c| c.get("lastTransitionTime").cloned())
            .unwrap_or_else(|| json!(now));
        out.push(json!({
            "type": t,
            "status": status,
            "lastTransitionTime": since,
            "reason": reason,
            "message": message,
        }));
    }
    for c in &old_conditions {
        if !conditions.iter().any(|(t, ..)| c["type"] == *t) {
            out.push(c.clone());
        }
    }
    let Value::Object(o) = new else { return };
    let status = o
        .entry("status")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(s) = status {
        s.insert("conditions".into(), Value::Array(out));
    }
}

/// Removes `finalizer` from `spec.finalizers`.
fn remove_spec_finalizer(obj: &mut Value, finalizer: &str) {
    if let Some(Value::Array(a)) = obj.pointer_mut("/spec/finalizers") {
        a.retain(|f| f != finalizer);
        if a.is_empty()
            && let Some(Value::Object(spec)) = obj.get_mut("spec")
        {
            spec.remove("finalizers");
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn conditions_describe_what_remains() {
        let mut r = Remaining::default();
        let all_false = r.conditions();
        assert_eq!(all_false.len(), 5);
        assert!(all_false.iter().all(|c| c.1 == "False"));
        r.by_resource.insert("configmaps.".into(), 2);
        r.by_resource
            .insert("crontabs.stable.example.com".into(), 1);
        r.by_finalizer.insert("example.com/hold".into(), 1);
        let c = r.conditions();
        assert_eq!(
            c[3],
            (
                "NamespaceContentRemaining",
                "True",
                "SomeResourcesRemain",
                "Some resources are remaining: configmaps. has 2 resource instances, crontabs.stable.example.com has 1 resource instances".to_string()
            )
        );
        assert_eq!(
            c[4].3,
            "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances"
        );
    }

    #[test]
    fn transition_times_survive_unchanged_status() {
        let r = Remaining::default();
        let mut old = json!({"status": {"conditions": [
            {"type": "NamespaceContentRemaining", "status": "False", "lastTransitionTime": "2020-01-01T00:00:00Z", "reason": "x", "message": "y"},
            {"type": "Other", "status": "True"}
        ]}});
        let mut new = old.clone();
        set_conditions(&mut new, &old, &r.conditions());
        let cs = new["status"]["conditions"].as_array().unwrap();
        assert_eq!(cs.len(), 6);
        assert_eq!(cs[3]["lastTransitionTime"], "2020-01-01T00:00:00Z");
        assert_eq!(cs[3]["reason"], "ContentRemoved");
        assert_eq!(cs[5]["type"], "Other");
        // A second pass over the result changes nothing.
        old = new.clone();
        set_conditions(&mut new, &old, &r.conditions());
        assert_eq!(new, old);
    }

    #[test]
    fn finalizer_removal_drops_the_empty_list() {
        let mut o = json!({"spec": {"finalizers": ["kubernetes", "other"]}});
        remove_spec_finalizer(&mut o, "kubernetes");
        assert_eq!(o, json!({"spec": {"finalizers": ["other"]}}));
        remove_spec_finalizer(&mut o, "other");
        assert_eq!(o, json!({"spec": {}}));
    }
}
