//! The StatefulSet controller: pods `{name}-0` .. `{name}-{n-1}` with
//! stable names, hostnames and the `statefulset.kubernetes.io/pod-name`,
//! `apps.kubernetes.io/pod-index` and `controller-revision-hash` labels;
//! under `OrderedReady` (the default) one pod at a time, each once the
//! lower ordinals are Running and Ready, removed from the highest ordinal
//! down; under `Parallel` all at once. A template change replaces pods
//! from the highest ordinal down (`RollingUpdate`) or waits for them to be
//! deleted (`OnDelete`). ControllerRevisions are not written.

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

/// The StatefulSet controller.
pub(crate) struct StatefulSetController;

const REVISION_LABEL: &str = "controller-revision-hash";

fn ordinal(set: &str, pod: &Value) -> Option<usize> {
    objects::name(pod)
        .strip_prefix(set)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

fn revision_of(pod: &Value) -> &str {
    objects::labels(pod)
        .and_then(|l| l.get(REVISION_LABEL))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl Controller for StatefulSetController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "statefulset-controller";
    const WATCHES: &'static [&'static str] = &[res::STATEFULSETS, res::PODS];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        if change.resource.as_ref() == res::STATEFULSETS {
            out.push(objects::key(&change.obj));
        } else {
            owner_key(change, cache, "StatefulSet", out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(set) = cx.cache().get(res::STATEFULSETS, key) else {
            return Ok(None);
        };
        let name = key.1.as_str();
        let pods: BTreeMap<usize, Arc<Value>> = cx
            .cache()
            .owned(res::PODS, objects::uid(&set))
            .into_iter()
            .filter_map(|p| ordinal(name, &p).map(|i| (i, p)))
            .collect();
        let want = int(&set, "/spec/replicas", 1).max(0) as usize;
        let parallel = str_at(&set, "/spec/podManagementPolicy") == Some("Parallel");
        let template = set.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let update_revision = format!(
            "{name}-{}",
            objects::safe_hash(canonical(&template).as_bytes())
        );
        let healthy = |p: &Value| pod_ready(p) && !pod_terminal(p);
        if !deleting(&set) {
            // Create missing ordinals, in order.
            for i in 0..want {
                if let Some(p) = pods.get(&i) {
                    if !parallel && !healthy(p) {
                        break;
                    }
                    continue;
                }
                let pod_name = format!("{name}-{i}");
                let labels = [
                    (REVISION_LABEL, update_revision.clone()),
                    ("statefulset.kubernetes.io/pod-name", pod_name.clone()),
                    ("apps.kubernetes.io/pod-index", i.to_string()),
                ];
                let owner = objects::controller_ref(&set, "apps/v1", "StatefulSet");
                let mut pod = objects::pod_from_template(
                    &template,
                    &key.0,
                    Some(&pod_name),
                    "",
                    &labels,
                    owner,
                );
                pod["spec"]["hostname"] = json!(pod_name);
                if let Some(svc) = str_at(&set, "/spec/serviceName").filter(|s| !s.is_empty()) {
                    pod["spec"]["subdomain"] = json!(svc);
                }
                match cx.api.create(res::PODS, pod) {
                    Ok(_) => {}
                    // The previous pod of this ordinal is still going.
                    Err(e) if e.reason == "AlreadyExists" => {}
                    Err(e) => return Err(e),
                }
                if !parallel {
                    break;
                }
            }
            let all_healthy = pods.values().all(|p| healthy(p));
            // Remove ordinals past the count, highest first.
            let extra: Vec<&Arc<Value>> = pods.range(want..).rev().map(|(_, p)| p).collect();
            for p in &extra {
                if deleting(p) {
                    if !parallel {
                        break;
                    }
                    continue;
                }
                if !parallel && !all_healthy {
                    break;
                }
                let opts = json!({"preconditions": {"uid": objects::uid(p)}});
                cx.api
                    .delete(res::PODS, Some(&key.0), objects::name(p), opts)?;
                if !parallel {
                    break;
                }
            }
            // Replace outdated pods, highest ordinal first, one at a time.
            let rolling = str_at(&set, "/spec/updateStrategy/type") != Some("OnDelete");
            if rolling && extra.is_empty() && all_healthy && pods.len() == want {
                let outdated = pods
                    .values()
                    .rev()
                    .find(|p| revision_of(p) != update_revision && !deleting(p));
                if let Some(p) = outdated {
                    let opts = json!({"preconditions": {"uid": objects::uid(p)}});
                    cx.api
                        .delete(res::PODS, Some(&key.0), objects::name(p), opts)?;
                }
            }
        }
        let live: Vec<&Arc<Value>> = pods.values().filter(|p| !pod_terminal(p)).collect();
        let updated = live
            .iter()
            .filter(|p| revision_of(p) == update_revision)
            .count();
        let ready = live.iter().filter(|p| pod_ready(p)).count();
        let current_revision = if updated == live.len() {
            update_revision.clone()
        } else {
            str_at(&set, "/status/currentRevision")
                .unwrap_or(&update_revision)
                .to_string()
        };
        let current = live
            .iter()
            .filter(|p| revision_of(p) == current_revision)
            .count();
        let mut next = (*set).clone();
        next["status"] = json!({
            "observedGeneration": int(&set, "/metadata/generation", 1),
            "replicas": live.len(),
            "readyReplicas": ready,
            "availableReplicas": ready,
            "currentReplicas": current,
            "updatedReplicas": updated,
            "currentRevision": current_revision,
            "updateRevision": update_revision,
            "collisionCount": 0,
        });
        if next == *set {
            return Ok(None);
        }
        cx.api.update_status(res::STATEFULSETS, next).map(|_| None)
    }
}
