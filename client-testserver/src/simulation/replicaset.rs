//! The ReplicaSet controller: as many active pods as `spec.replicas`
//! (default 1), created from the template with a controller reference,
//! extra pods deleted (unscheduled, then not ready, then newest first),
//! and the status counts (`replicas`, `fullyLabeledReplicas`,
//! `readyReplicas`, `availableReplicas`, `observedGeneration`).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, controller_uid, deleting, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, int, pod_ready};
use crate::storage::store::ObjectKey;

/// The ReplicaSet controller.
pub(crate) struct ReplicaSetController;

/// The pods of `rs` that count: not finished, not being deleted.
pub(crate) fn active_pods(cache: &Cache, owner_uid: &str) -> Vec<Arc<Value>> {
    cache
        .owned(res::PODS, owner_uid)
        .into_iter()
        .filter(|p| !pod_terminal(p) && !deleting(p))
        .collect()
}

/// Seconds a Ready pod must have been Ready to be available.
fn available(pod: &Value, min_ready_seconds: i64, now: jiff::Timestamp) -> bool {
    if !pod_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    objects::condition(pod, "Ready")
        .and_then(|c| str_at(c, "/lastTransitionTime"))
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .is_some_and(|t| now.duration_since(t).as_secs() >= min_ready_seconds)
}

/// The owner key of a pod (or ReplicaSet) change: its controller of kind
/// `kind`, found by UID.
pub(crate) fn owner_key(change: &Change, cache: &Cache, kind: &str, out: &mut Vec<ObjectKey>) {
    let mut push = |obj: &Value| {
        if let Some(uid) = controller_uid(obj, kind)
            && let Some(m) = cache.meta(&uid)
        {
            out.push(m.key.clone());
        }
    };
    push(&change.obj);
    if let Some(prev) = &change.prev {
        push(prev);
    }
}

/// Which extra pod goes first: unscheduled, then not running, then not
/// ready, then the newest.
fn deletion_rank(pod: &Value) -> (u8, u8, u8, std::cmp::Reverse<String>) {
    let scheduled = str_at(pod, "/spec/nodeName").is_some_and(|n| !n.is_empty());
    let running = str_at(pod, "/status/phase") == Some("Running");
    (
        u8::from(scheduled),
        u8::from(running),
        u8::from(pod_ready(pod)),
        std::cmp::Reverse(
            str_at(pod, "/metadata/creationTimestamp")
                .unwrap_or_default()
                .to_string(),
        ),
    )
}

impl Controller for ReplicaSetController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "replicaset-controller";
    const WATCHES: &'static [&'static str] = &[res::REPLICASETS, res::PODS];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        if change.resource.as_ref() == res::REPLICASETS {
            out.push(objects::key(&change.obj));
        } else {
            owner_key(change, cache, "ReplicaSet", out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(rs) = cx.cache().get(res::REPLICASETS, key) else {
            return Ok(None);
        };
        let uid = objects::uid(&rs).to_string();
        let want = int(&rs, "/spec/replicas", 1).max(0) as usize;
        let mut pods = active_pods(&cx.cache(), &uid);
        if !deleting(&rs) {
            if pods.len() < want {
                let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
                let owner = objects::controller_ref(&rs, "apps/v1", "ReplicaSet");
                for _ in pods.len()..want {
                    let pod = objects::pod_from_template(
                        &template,
                        &key.0,
                        None,
                        &format!("{}-", key.1),
                        &[],
                        owner.clone(),
                    );
                    cx.api.create(res::PODS, pod)?;
                }
                // The status follows once the new pods are in the cache.
                return Ok(None);
            }
            if pods.len() > want {
                pods.sort_by_key(|p| deletion_rank(p));
                for p in &pods[..pods.len() - want] {
                    let opts = json!({"preconditions": {"uid": objects::uid(p)}});
                    cx.api
                        .delete(res::PODS, Some(&key.0), objects::name(p), opts)?;
                }
                return Ok(None);
            }
        }
        let min_ready = int(&rs, "/spec/minReadySeconds", 0);
        let now = cx.clock.now();
        let ready = pods.iter().filter(|p| pod_ready(p)).count();
        let avail = pods.iter().filter(|p| available(p, min_ready, now)).count();
        let selector = objects::parse_selector(rs.pointer("/spec/selector"));
        let labeled = pods
            .iter()
            .filter(|p| objects::selects(selector.as_ref(), objects::labels(p)))
            .count();
        let mut status = rs.get("status").cloned().unwrap_or(json!({}));
        if !status.is_object() {
            status = json!({});
        }
        status["replicas"] = json!(pods.len());
        status["fullyLabeledReplicas"] = json!(labeled);
        status["readyReplicas"] = json!(ready);
        status["availableReplicas"] = json!(avail);
        status["observedGeneration"] = json!(int(&rs, "/metadata/generation", 1));
        let again = (avail < ready).then(|| Duration::from_secs(1));
        if rs.get("status") == Some(&status) {
            return Ok(again);
        }
        let mut updated = (*rs).clone();
        updated["status"] = status;
        cx.api.update_status(res::REPLICASETS, updated)?;
        Ok(again)
    }
}
