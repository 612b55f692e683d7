//! What the controllers know of the cluster: the objects of the kinds they
//! manage, and indexes kept in step on every change (dependents by owner
//! UID, pods by node with their requests, unscheduled pods), so a
//! reconcile reads what it needs instead of listing everything.
//!
//! The dispatcher (`runner.rs`) is the only writer; it applies the store's
//! events in resourceVersion order.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;

use crate::registry::backend::str_at;
use crate::storage::store::ObjectKey;

/// The group-resources (store keys) the workload controllers read.
pub(crate) mod res {
    /// `v1 pods`.
    pub(crate) const PODS: &str = "pods";
    /// `v1 nodes`.
    pub(crate) const NODES: &str = "nodes";
    /// `v1 services`.
    pub(crate) const SERVICES: &str = "services";
    /// `apps/v1 deployments`.
    pub(crate) const DEPLOYMENTS: &str = "deployments.apps";
    /// `apps/v1 replicasets`.
    pub(crate) const REPLICASETS: &str = "replicasets.apps";
    /// `apps/v1 statefulsets`.
    pub(crate) const STATEFULSETS: &str = "statefulsets.apps";
    /// `apps/v1 daemonsets`.
    pub(crate) const DAEMONSETS: &str = "daemonsets.apps";
    /// `batch/v1 jobs`.
    pub(crate) const JOBS: &str = "jobs.batch";
    /// `batch/v1 cronjobs`.
    pub(crate) const CRONJOBS: &str = "cronjobs.batch";
    /// `discovery.k8s.io/v1 endpointslices`.
    pub(crate) const ENDPOINTSLICES: &str = "endpointslices.discovery.k8s.io";

    /// Every resource whose objects the cache keeps whole.
    pub(crate) const KEPT: [&str; 10] = [
        PODS,
        NODES,
        SERVICES,
        DEPLOYMENTS,
        REPLICASETS,
        STATEFULSETS,
        DAEMONSETS,
        JOBS,
        CRONJOBS,
        ENDPOINTSLICES,
    ];
}

/// One entry of `metadata.ownerReferences`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnerRef {
    /// The owner's UID.
    pub uid: String,
    /// The owner's `apiVersion`.
    pub api_version: String,
    /// The owner's kind.
    pub kind: String,
    /// The owner's name.
    pub name: String,
    /// Whether the owner is the managing controller.
    pub controller: bool,
    /// Whether the owner's foreground deletion waits for this dependent.
    pub block_owner_deletion: bool,
}

/// The owner references of `obj`.
pub(crate) fn owner_refs(obj: &Value) -> Vec<OwnerRef> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|r| OwnerRef {
                    uid: str_at(r, "/uid").unwrap_or_default().to_string(),
                    api_version: str_at(r, "/apiVersion").unwrap_or_default().to_string(),
                    kind: str_at(r, "/kind").unwrap_or_default().to_string(),
                    name: str_at(r, "/name").unwrap_or_default().to_string(),
                    controller: r.get("controller").and_then(Value::as_bool) == Some(true),
                    block_owner_deletion: r.get("blockOwnerDeletion").and_then(Value::as_bool)
                        == Some(true),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The UID of `obj`'s controller owner of kind `kind`, if any.
pub(crate) fn controller_uid(obj: &Value, kind: &str) -> Option<String> {
    owner_refs(obj)
        .into_iter()
        .find(|o| o.controller && o.kind == kind)
        .map(|o| o.uid)
}

/// What the garbage collector needs of any object.
#[derive(Debug, Clone)]
pub(crate) struct ObjMeta {
    /// Its group-resource (store key).
    pub resource: Arc<str>,
    /// Its namespace (empty when cluster-scoped) and name.
    pub key: ObjectKey,
    /// Its owner references.
    pub owners: Vec<OwnerRef>,
    /// Whether it carries a deletionTimestamp.
    pub deleting: bool,
    /// Its finalizers.
    pub finalizers: Vec<String>,
}

/// Requests of the pods bound to one node.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    /// CPU in millicores.
    pub cpu_milli: i128,
    /// Memory in thousandths of a byte.
    pub memory_milli: i128,
    /// Pods.
    pub pods: i64,
}

impl Usage {
    fn add(&mut self, other: Usage, sign: i128) {
        self.cpu_milli += sign * other.cpu_milli;
        self.memory_milli += sign * other.memory_milli;
        self.pods += sign as i64 * other.pods;
    }
}

/// The summed container requests of a pod spec (one pod).
pub(crate) fn pod_requests(pod: &Value) -> Usage {
    let mut u = Usage {
        pods: 1,
        ..Usage::default()
    };
    let containers = pod.pointer("/spec/containers").and_then(Value::as_array);
    for c in containers.into_iter().flatten() {
        let req = |r: &str| {
            c.pointer(&format!("/resources/requests/{r}"))
                .and_then(Value::as_str)
                .and_then(crate::simulation::quantity::milli)
                .unwrap_or(0)
        };
        u.cpu_milli += req("cpu");
        u.memory_milli += req("memory");
    }
    u
}

/// Whether a pod has finished (`Succeeded` or `Failed`).
pub(crate) fn pod_terminal(pod: &Value) -> bool {
    matches!(str_at(pod, "/status/phase"), Some("Succeeded" | "Failed"))
}

/// Whether `obj` carries a deletionTimestamp.
pub(crate) fn deleting(obj: &Value) -> bool {
    obj.pointer("/metadata/deletionTimestamp").is_some()
}

/// The node a pod occupies for scheduling: bound and not finished.
fn occupies(pod: &Value) -> Option<&str> {
    str_at(pod, "/spec/nodeName")
        .filter(|n| !n.is_empty())
        .filter(|_| !pod_terminal(pod))
}

/// One change the dispatcher saw.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// The object's group-resource.
    pub resource: Arc<str>,
    /// The object after the change (its last state when deleted).
    pub obj: Arc<Value>,
    /// The object before, if it existed.
    pub prev: Option<Arc<Value>>,
    /// Whether the object is gone.
    pub deleted: bool,
}

/// The controllers' view of the store.
#[derive(Default)]
pub(crate) struct Cache {
    objects: HashMap<&'static str, BTreeMap<ObjectKey, Arc<Value>>>,
    metas: HashMap<String, ObjMeta>,
    dependents: HashMap<String, BTreeSet<String>>,
    node_usage: HashMap<String, Usage>,
    unscheduled: BTreeSet<ObjectKey>,
}

fn kept(resource: &str) -> Option<&'static str> {
    res::KEPT.iter().copied().find(|r| *r == resource)
}

fn uid_of(obj: &Value) -> Option<&str> {
    str_at(obj, "/metadata/uid").filter(|u| !u.is_empty())
}

impl Cache {
    /// Records that `obj` of `resource` at `key` now exists (`Some`) or is
    /// gone (`None`); returns what it replaced.
    pub(crate) fn apply(
        &mut self,
        resource: &Arc<str>,
        key: &ObjectKey,
        obj: Option<Arc<Value>>,
        gone: Option<&Value>,
    ) {
        let old = match kept(resource) {
            Some(r) => {
                let table = self.objects.entry(r).or_default();
                match &obj {
                    Some(o) => table.insert(key.clone(), o.clone()),
                    None => table.remove(key),
                }
            }
            None => None,
        };
        if resource.as_ref() == res::PODS {
            self.index_pod(key, old.as_deref(), obj.as_deref());
        }
        // Metadata of every object, for the garbage collector.
        let last = obj.as_deref().or(gone);
        let Some(uid) = last.and_then(uid_of).map(str::to_string) else {
            return;
        };
        if let Some(prev) = self.metas.remove(&uid) {
            for o in &prev.owners {
                if let Some(set) = self.dependents.get_mut(&o.uid) {
                    set.remove(&uid);
                    if set.is_empty() {
                        self.dependents.remove(&o.uid);
                    }
                }
            }
        }
        let Some(o) = obj.as_deref() else {
            return;
        };
        let meta = ObjMeta {
            resource: resource.clone(),
            key: key.clone(),
            owners: owner_refs(o),
            deleting: deleting(o),
            finalizers: o
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        };
        for owner in &meta.owners {
            self.dependents
                .entry(owner.uid.clone())
                .or_default()
                .insert(uid.clone());
        }
        self.metas.insert(uid, meta);
    }

    fn index_pod(&mut self, key: &ObjectKey, old: Option<&Value>, new: Option<&Value>) {
        if let Some(o) = old
            && let Some(node) = occupies(o)
            && let Some(u) = self.node_usage.get_mut(node)
        {
            u.add(pod_requests(o), -1);
        }
        if let Some(n) = new
            && let Some(node) = occupies(n)
        {
            self.node_usage
                .entry(node.to_string())
                .or_default()
                .add(pod_requests(n), 1);
        }
        let pending = new
            .is_some_and(|p| str_at(p, "/spec/nodeName").is_none_or(str::is_empty) && !deleting(p));
        if pending {
            self.unscheduled.insert(key.clone());
        } else {
            self.unscheduled.remove(key);
        }
    }

    /// Forgets everything (before a relist).
    pub(crate) fn clear(&mut self) {
        *self = Cache::default();
    }

    /// One kept object.
    pub(crate) fn get(&self, resource: &str, key: &ObjectKey) -> Option<Arc<Value>> {
        self.objects.get(resource).and_then(|t| t.get(key)).cloned()
    }

    /// Every kept object of `resource`, optionally in one namespace.
    pub(crate) fn list(&self, resource: &str, ns: Option<&str>) -> Vec<Arc<Value>> {
        let Some(t) = self.objects.get(resource) else {
            return Vec::new();
        };
        match ns {
            None => t.values().cloned().collect(),
            Some(ns) => t
                .range((ns.to_string(), String::new())..)
                .take_while(|((n, _), _)| n == ns)
                .map(|(_, v)| v.clone())
                .collect(),
        }
    }

    /// The metadata of the object with `uid`.
    pub(crate) fn meta(&self, uid: &str) -> Option<&ObjMeta> {
        self.metas.get(uid)
    }

    /// The UIDs of the objects naming `owner_uid` in their ownerReferences.
    pub(crate) fn dependents(&self, owner_uid: &str) -> Vec<String> {
        self.dependents
            .get(owner_uid)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The kept objects of `resource` whose controller is `owner_uid`.
    pub(crate) fn owned(&self, resource: &str, owner_uid: &str) -> Vec<Arc<Value>> {
        let Some(set) = self.dependents.get(owner_uid) else {
            return Vec::new();
        };
        set.iter()
            .filter_map(|uid| self.metas.get(uid))
            .filter(|m| m.resource.as_ref() == resource)
            .filter(|m| m.owners.iter().any(|o| o.uid == owner_uid && o.controller))
            .filter_map(|m| self.get(resource, &m.key))
            .collect()
    }

    /// Requests of the pods on `node`.
    pub(crate) fn usage(&self, node: &str) -> Usage {
        self.node_usage.get(node).copied().unwrap_or_default()
    }

    /// Pods waiting for a node.
    pub(crate) fn unscheduled(&self) -> Vec<ObjectKey> {
        self.unscheduled.iter().cloned().collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(name: &str, node: Option<&str>, owner: &str) -> Arc<Value> {
        Arc::new(json!({
            "metadata": {"name": name, "namespace": "d", "uid": format!("u-{name}"),
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs",
                    "uid": owner, "controller": true}]},
            "spec": {"nodeName": node, "containers": [{"name": "c", "resources": {"requests": {"cpu": "100m"}}}]},
        }))
    }

    #[test]
    fn indexes_follow_changes() {
        let mut c = Cache::default();
        let pods: Arc<str> = Arc::from(res::PODS);
        let k = ("d".to_string(), "a".to_string());
        c.apply(&pods, &k, Some(pod("a", None, "rs1")), None);
        assert_eq!(c.unscheduled(), vec![k.clone()]);
        assert_eq!(c.owned(res::PODS, "rs1").len(), 1);
        c.apply(&pods, &k, Some(pod("a", Some("n1"), "rs1")), None);
        assert!(c.unscheduled().is_empty());
        assert_eq!(c.usage("n1").cpu_milli, 100);
        assert_eq!(c.usage("n1").pods, 1);
        let last = pod("a", Some("n1"), "rs1");
        c.apply(&pods, &k, None, Some(&last));
        assert_eq!(c.usage("n1"), Usage::default());
        assert!(c.owned(res::PODS, "rs1").is_empty());
        assert!(c.meta("u-a").is_none());
        assert!(c.dependents("rs1").is_empty());
    }
}
