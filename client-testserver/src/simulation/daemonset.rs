//! The DaemonSet controller: one pod per node that the template's
//! `nodeSelector` selects and whose `NoSchedule`/`NoExecute` taints the
//! template tolerates, pinned with the node affinity kube's controller
//! writes (`matchFields` on `metadata.name`) so the scheduler binds it;
//! pods on nodes no longer eligible removed; outdated pods replaced one at
//! a time; and the status counts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, deleting, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, canonical, int, pod_ready};
use crate::simulation::replicaset::owner_key;
use crate::storage::store::ObjectKey;

/// The DaemonSet controller.
pub(crate) struct DaemonSetController;

const REVISION_LABEL: &str = "controller-revision-hash";

/// Whether the DaemonSet's pod template may run on `node`.
fn eligible(template: &Value, node: &Value) -> bool {
    let labels = objects::labels(node);
    let selector = template
        .pointer("/spec/nodeSelector")
        .and_then(Value::as_object);
    let selected = selector
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
    let tolerations = template
        .pointer("/spec/tolerations")
        .and_then(Value::as_array);
    let taints = node.pointer("/spec/taints").and_then(Value::as_array);
    let tolerated = taints.into_iter().flatten().all(|t| {
        let effect = str_at(t, "/effect").unwrap_or_default();
        if !matches!(effect, "NoSchedule" | "NoExecute") {
            return true;
        }
        tolerations.into_iter().flatten().any(|tol| {
            let key = str_at(tol, "/key").unwrap_or_default();
            let op = str_at(tol, "/operator").unwrap_or("Equal");
            (key.is_empty() && op == "Exists")
                || (key == str_at(t, "/key").unwrap_or_default()
                    && (op == "Exists"
                        || str_at(tol, "/value").unwrap_or_default()
                            == str_at(t, "/value").unwrap_or_default()))
        })
    });
    selected && tolerated
}

/// The node a daemon pod is for: where it is bound, else its affinity.
fn target_node(pod: &Value) -> Option<String> {
    if let Some(n) = str_at(pod, "/spec/nodeName").filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
    pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn revision_of(pod: &Value) -> &str {
    objects::labels(pod)
        .and_then(|l| l.get(REVISION_LABEL))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl Controller for DaemonSetController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "daemonset-controller";
    const WATCHES: &'static [&'static str] = &[res::DAEMONSETS, res::PODS, res::NODES];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        match change.resource.as_ref() {
            res::DAEMONSETS => out.push(objects::key(&change.obj)),
            res::NODES => out.extend(
                cache
                    .list(res::DAEMONSETS, None)
                    .iter()
                    .map(|d| objects::key(d)),
            ),
            _ => owner_key(change, cache, "DaemonSet", out),
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let (ds, nodes, pods) = {
            let cache = cx.cache();
            let Some(ds) = cache.get(res::DAEMONSETS, key) else {
                return Ok(None);
            };
            let nodes = cache.list(res::NODES, None);
            let pods = cache.owned(res::PODS, objects::uid(&ds));
            (ds, nodes, pods)
        };
        let template = ds.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let revision = objects::safe_hash(canonical(&template).as_bytes());
        let wanted: Vec<String> = nodes
            .iter()
            .filter(|n| eligible(&template, n))
            .map(|n| objects::name(n).to_string())
            .collect();
        let mut by_node: BTreeMap<String, Vec<Arc<Value>>> = BTreeMap::new();
        for p in pods.iter().filter(|p| !pod_terminal(p)) {
            if let Some(n) = target_node(p) {
                by_node.entry(n).or_default().push(p.clone());
            }
        }
        if !deleting(&ds) {
            let owner = objects::controller_ref(&ds, "apps/v1", "DaemonSet");
            let generation = int(&ds, "/metadata/generation", 1).to_string();
            for node in &wanted {
                if by_node.contains_key(node) {
                    continue;
                }
                let labels = [
                    (REVISION_LABEL, revision.clone()),
                    ("pod-template-generation", generation.clone()),
                ];
                let mut pod = objects::pod_from_template(
                    &template,
                    &key.0,
                    None,
                    &format!("{}-", key.1),
                    &labels,
                    owner.clone(),
                );
                pod["spec"]["affinity"]["nodeAffinity"] = json!({
                    "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
                    ]}
                });
                cx.api.create(res::PODS, pod)?;
            }
            let mut to_delete: Vec<&Arc<Value>> = by_node
                .iter()
                .filter(|(n, _)| !wanted.contains(n))
                .flat_map(|(_, ps)| ps)
                .collect();
            // Duplicates on one node, and one outdated pod at a time.
            to_delete.extend(by_node.values().flat_map(|ps| ps.iter().skip(1)));
            let all_ready = by_node.values().flatten().all(|p| pod_ready(p));
            if all_ready
                && let Some(p) = by_node
                    .values()
                    .flatten()
                    .find(|p| revision_of(p) != revision && !deleting(p))
            {
                to_delete.push(p);
            }
            for p in to_delete.into_iter().filter(|p| !deleting(p)) {
                let opts = json!({"preconditions": {"uid": objects::uid(p)}});
                cx.api
                    .delete(res::PODS, Some(&key.0), objects::name(p), opts)?;
            }
        }
        let scheduled: Vec<&Arc<Value>> = wanted
            .iter()
            .filter_map(|n| by_node.get(n).and_then(|ps| ps.first()))
            .collect();
        let ready = scheduled.iter().filter(|p| pod_ready(p)).count();
        let updated = scheduled
            .iter()
            .filter(|p| revision_of(p) == revision)
            .count();
        let misscheduled = by_node.keys().filter(|n| !wanted.contains(n)).count();
        let mut status = json!({
            "observedGeneration": int(&ds, "/metadata/generation", 1),
            "desiredNumberScheduled": wanted.len(),
            "currentNumberScheduled": scheduled.len(),
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
            "numberAvailable": ready,
            "updatedNumberScheduled": updated,
        });
        if wanted.len() > ready {
            status["numberUnavailable"] = json!(wanted.len() - ready);
        }
        let mut next = (*ds).clone();
        next["status"] = status;
        if next == *ds {
            return Ok(None);
        }
        cx.api.update_status(res::DAEMONSETS, next).map(|_| None)
    }
}
