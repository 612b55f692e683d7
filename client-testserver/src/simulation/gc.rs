//! The garbage collector, by kube's rules:
//!
//! - a dependent all of whose owners are absent is deleted (in the
//!   background); an owner is present when an object with its UID exists
//!   in a scope it may own from (a namespaced owner in the dependent's
//!   namespace, or a cluster-scoped one). A cluster-scoped dependent naming
//!   an owner of a namespaced kind, or any owner whose kind is not served,
//!   is left alone, as kube's collector leaves it. References to absent
//!   owners are dropped from a dependent that still has a present owner;
//! - an owner being deleted with the `orphan` finalizer has its reference
//!   removed from every dependent, then loses the finalizer;
//! - an owner being deleted with the `foregroundDeletion` finalizer has its
//!   dependents deleted (in the foreground when they have dependents
//!   themselves), and loses the finalizer once no dependent with
//!   `blockOwnerDeletion` remains.
//!
//! The key is an object's UID; owners and dependents come from the cache's
//! index, never from a list.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::simulation::cache::{Cache, Change, ObjMeta, OwnerRef};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects;

/// The garbage collector.
pub(crate) struct GarbageCollector;

/// `foregroundDeletion`: the owner waits for its blocking dependents.
const FOREGROUND: &str = "foregroundDeletion";
/// `orphan`: the owner's dependents are released.
const ORPHAN: &str = "orphan";

/// Whether `owner` is present for a dependent in namespace `dep_ns`
/// (empty: cluster-scoped).
fn present(cache: &Cache, owner: &OwnerRef, dep_ns: &str) -> bool {
    match cache.meta(&owner.uid) {
        None => false,
        Some(m) => m.key.0.is_empty() || m.key.0 == dep_ns,
    }
}

fn ns_opt(m: &ObjMeta) -> Option<&str> {
    (!m.key.0.is_empty()).then_some(m.key.0.as_str())
}

/// Removes the finalizer `name` from `m`'s object, testing that the list
/// is still the one read (a JSON patch `test`), so a concurrent change is
/// a conflict and a retry rather than a lost write.
fn remove_finalizer(cx: &Ctx, m: &ObjMeta, name: &str) -> Result<(), ApiError> {
    let kept: Vec<&String> = m.finalizers.iter().filter(|f| *f != name).collect();
    let patch = json!([
        {"op": "test", "path": "/metadata/finalizers", "value": m.finalizers},
        {"op": "replace", "path": "/metadata/finalizers", "value": kept},
    ]);
    match cx.api.json_patch(&m.resource, ns_opt(m), &m.key.1, patch) {
        Ok(_) => Ok(()),
        Err(e) if e.code == 404 => Ok(()),
        Err(e) if e.code == 422 => Err(ApiError::conflict("", &m.resource, &m.key.1)),
        Err(e) => Err(e),
    }
}

/// Rewrites `m`'s owner references to `keep`, testing the old list.
fn set_owners(cx: &Ctx, m: &ObjMeta, uid: &str, keep: &[&OwnerRef]) -> Result<(), ApiError> {
    let Some(current) = current_refs(cx, m) else {
        return Ok(());
    };
    let kept: Vec<&Value> = current
        .iter()
        .filter(|r| {
            let ruid = r.get("uid").and_then(Value::as_str).unwrap_or_default();
            keep.iter().any(|k| k.uid == ruid)
        })
        .collect();
    let patch = json!([
        {"op": "test", "path": "/metadata/uid", "value": uid},
        {"op": "test", "path": "/metadata/ownerReferences", "value": current},
        {"op": "replace", "path": "/metadata/ownerReferences", "value": kept},
    ]);
    match cx.api.json_patch(&m.resource, ns_opt(m), &m.key.1, patch) {
        Ok(_) => Ok(()),
        Err(e) if e.code == 404 => Ok(()),
        Err(e) if e.code == 422 => Err(ApiError::conflict("", &m.resource, &m.key.1)),
        Err(e) => Err(e),
    }
}

/// The owner references as stored (full entries, for the patch test).
fn current_refs(cx: &Ctx, m: &ObjMeta) -> Option<Vec<Value>> {
    let obj = cx.cache().get(&m.resource, &m.key).map(|o| (*o).clone());
    let obj = match obj {
        Some(o) => o,
        None => cx.api.get(&m.resource, ns_opt(m), &m.key.1).ok()?,
    };
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .cloned()
}

impl GarbageCollector {
    /// An object being deleted with `orphan` or `foregroundDeletion`.
    fn finish_owner(&self, uid: &str, m: &ObjMeta, cx: &Ctx) -> Result<(), ApiError> {
        let dependents: Vec<(String, ObjMeta)> = {
            let cache = cx.cache();
            cache
                .dependents(uid)
                .into_iter()
                .filter_map(|d| cache.meta(&d).map(|dm| (d, dm.clone())))
                .collect()
        };
        if m.finalizers.iter().any(|f| f == ORPHAN) {
            for (duid, dm) in &dependents {
                let keep: Vec<&OwnerRef> = dm.owners.iter().filter(|o| o.uid != uid).collect();
                set_owners(cx, dm, duid, &keep)?;
            }
            return remove_finalizer(cx, m, ORPHAN);
        }
        if m.finalizers.iter().any(|f| f == FOREGROUND) {
            let mut blocking = false;
            for (duid, dm) in &dependents {
                let blocks = dm
                    .owners
                    .iter()
                    .any(|o| o.uid == uid && o.block_owner_deletion);
                blocking |= blocks;
                if !dm.deleting {
                    let has_dependents = !cx.cache().dependents(duid).is_empty();
                    let policy = if has_dependents {
                        "Foreground"
                    } else {
                        "Background"
                    };
                    cx.api.delete(
                        &dm.resource,
                        ns_opt(dm),
                        &dm.key.1,
                        json!({"propagationPolicy": policy}),
                    )?;
                }
            }
            if !blocking {
                return remove_finalizer(cx, m, FOREGROUND);
            }
        }
        Ok(())
    }
}

impl Controller for GarbageCollector {
    type Key = String;
    const MANAGER: &'static str = "garbage-collector";
    const WATCHES: &'static [&'static str] = &[];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<String>) {
        let uid = objects::uid(&change.obj).to_string();
        if uid.is_empty() {
            return;
        }
        let has_owners = change
            .obj
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        let deleting = change.obj.pointer("/metadata/deletionTimestamp").is_some();
        if has_owners {
            out.push(uid.clone());
        }
        // An owner that went away or began deleting: look at it and at its
        // dependents.
        if change.deleted || deleting {
            out.extend(cache.dependents(&uid));
            if !change.deleted {
                out.push(uid.clone());
            }
        }
        // A dependent that went away may unblock its foreground owners.
        if change.deleted || deleting {
            for o in crate::simulation::cache::owner_refs(&change.obj) {
                if cache.meta(&o.uid).is_some_and(|m| m.deleting) {
                    out.push(o.uid);
                }
            }
        }
    }

    fn reconcile(&mut self, uid: &String, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(m) = cx.cache().meta(uid).cloned() else {
            return Ok(None);
        };
        if m.deleting {
            self.finish_owner(uid, &m, cx)?;
        }
        if m.owners.is_empty() {
            return Ok(None);
        }
        // kube's collector leaves an object alone when an owner's kind does
        // not resolve, or when a cluster-scoped object names an owner of a
        // namespaced kind (an owner reference carries no namespace).
        for o in &m.owners {
            match cx.api.kind_is_namespaced(&o.api_version, &o.kind) {
                None => return Ok(None),
                Some(true) if m.key.0.is_empty() => return Ok(None),
                Some(_) => {}
            }
        }
        let (solid, dangling): (Vec<&OwnerRef>, Vec<&OwnerRef>) = {
            let cache = cx.cache();
            m.owners.iter().partition(|o| present(&cache, o, &m.key.0))
        };
        if dangling.is_empty() {
            return Ok(None);
        }
        if solid.is_empty() {
            if m.deleting {
                return Ok(None);
            }
            let policy = if m.finalizers.iter().any(|f| f == ORPHAN) {
                "Orphan"
            } else if m.finalizers.iter().any(|f| f == FOREGROUND) {
                "Foreground"
            } else {
                "Background"
            };
            let opts = json!({"propagationPolicy": policy, "preconditions": {"uid": uid}});
            return cx
                .api
                .delete(&m.resource, ns_opt(&m), &m.key.1, opts)
                .map(|()| None);
        }
        set_owners(cx, &m, uid, &solid).map(|()| None)
    }
}
