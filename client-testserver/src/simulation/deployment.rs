//! The Deployment controller: one ReplicaSet per pod template, named
//! `{deployment}-{pod-template-hash}` and labelled with the hash, the
//! `deployment.kubernetes.io/revision` annotations, a rolling update that
//! honours `maxSurge` and `maxUnavailable` (or Recreate), old ReplicaSets
//! beyond `revisionHistoryLimit` removed, and the status: `replicas`,
//! `updatedReplicas`, `readyReplicas`, `availableReplicas`,
//! `unavailableReplicas`, `observedGeneration` and the `Available` and
//! `Progressing` conditions with kube's reasons and messages.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, controller_uid, deleting, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, canonical, int, int_or_percent};
use crate::simulation::replicaset::owner_key;
use crate::storage::store::ObjectKey;

/// The Deployment controller.
pub(crate) struct DeploymentController;

const HASH_LABEL: &str = "pod-template-hash";
const REVISION: &str = "deployment.kubernetes.io/revision";

/// A ReplicaSet's template without the hash label, to compare with the
/// Deployment's.
fn template_without_hash(rs: &Value) -> Value {
    let mut t = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    if let Some(Value::Object(l)) = t.pointer_mut("/metadata/labels") {
        l.remove(HASH_LABEL);
        if l.is_empty()
            && let Some(Value::Object(m)) = t.get_mut("metadata")
        {
            m.remove("labels");
        }
    }
    t
}

fn revision(rs: &Value) -> i64 {
    str_at(
        rs,
        &format!("/metadata/annotations/{}", REVISION.replace('/', "~1")),
    )
    .and_then(|r| r.parse().ok())
    .unwrap_or(0)
}

fn spec_replicas(rs: &Value) -> i64 {
    int(rs, "/spec/replicas", 1)
}

fn status_int(rs: &Value, field: &str) -> i64 {
    int(rs, &format!("/status/{field}"), 0)
}

/// The ReplicaSet a Deployment makes for its current template.
fn new_replicaset(d: &Value, hash: &str, replicas: i64, revision: i64, max_surge: i64) -> Value {
    let name = format!("{}-{hash}", objects::name(d));
    let mut template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
    template["metadata"]["labels"][HASH_LABEL] = json!(hash);
    let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
    selector["matchLabels"][HASH_LABEL] = json!(hash);
    let labels = template["metadata"]["labels"].clone();
    let want = int(d, "/spec/replicas", 1);
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": str_at(d, "/metadata/namespace").unwrap_or_default(),
            "labels": labels,
            "annotations": {
                REVISION: revision.to_string(),
                "deployment.kubernetes.io/desired-replicas": want.to_string(),
                "deployment.kubernetes.io/max-replicas": (want + max_surge).to_string(),
            },
            "ownerReferences": [objects::controller_ref(d, "apps/v1", "Deployment")],
        },
        "spec": {
            "replicas": replicas,
            "minReadySeconds": int(d, "/spec/minReadySeconds", 0),
            "selector": selector,
            "template": template,
        },
    })
}

/// The replica count of each ReplicaSet this pass decides.
struct Plan {
    scale: Vec<(Arc<Value>, i64)>,
}

impl Plan {
    fn set(&mut self, rs: &Arc<Value>, n: i64) {
        if spec_replicas(rs) != n {
            self.scale.push((rs.clone(), n));
        }
    }
}

/// kube's rolling update step: scale the new ReplicaSet up within
/// `maxSurge`, then the old ones down as far as `maxUnavailable` allows
/// (unhealthy replicas first).
fn rolling(want: i64, surge: i64, unavailable: i64, new: &Arc<Value>, old: &[Arc<Value>]) -> Plan {
    let mut plan = Plan { scale: Vec::new() };
    let all_spec: i64 = old.iter().map(|r| spec_replicas(r)).sum::<i64>() + spec_replicas(new);
    let new_spec = spec_replicas(new);
    let old_spec: i64 = old.iter().map(|r| spec_replicas(r)).sum();
    if old_spec == 0 {
        plan.set(new, want);
        return plan;
    }
    if new_spec < want {
        let room = want + surge - all_spec;
        if room > 0 {
            plan.set(new, (new_spec + room).min(want));
            return plan;
        }
    }
    let min_available = want - unavailable;
    let new_unavailable = (new_spec - status_int(new, "availableReplicas")).max(0);
    let mut budget = all_spec - min_available - new_unavailable;
    if budget <= 0 {
        return plan;
    }
    let mut after: Vec<(Arc<Value>, i64)> =
        old.iter().map(|r| (r.clone(), spec_replicas(r))).collect();
    // Unhealthy replicas of old ReplicaSets go first.
    for (r, n) in &mut after {
        let unhealthy = (*n - status_int(r, "availableReplicas")).max(0);
        let down = unhealthy.min(budget);
        *n -= down;
        budget -= down;
    }
    let available: i64 = old
        .iter()
        .map(|r| status_int(r, "availableReplicas"))
        .sum::<i64>()
        + status_int(new, "availableReplicas");
    let mut room = (available - min_available).min(budget).max(0);
    for (_, n) in &mut after {
        let down = (*n).min(room);
        *n -= down;
        room -= down;
    }
    for (r, n) in after {
        plan.set(&r, n);
    }
    plan
}

impl DeploymentController {
    /// Writes the status and conditions from the ReplicaSets.
    fn sync_status(
        &self,
        d: &Value,
        new: Option<&Value>,
        all: &[Arc<Value>],
        unavailable_allowed: i64,
        cx: &Ctx,
    ) -> Result<(), ApiError> {
        let want = int(d, "/spec/replicas", 1);
        let sum = |f: &str| all.iter().map(|r| status_int(r, f)).sum::<i64>();
        let spec_total: i64 = all.iter().map(|r| spec_replicas(r)).sum();
        let available = sum("availableReplicas");
        let updated = new.map_or(0, |n| status_int(n, "replicas"));
        let replicas = sum("replicas");
        let mut status = d.get("status").cloned().unwrap_or(json!({}));
        if !status.is_object() {
            status = json!({});
        }
        let generation = int(d, "/metadata/generation", 1);
        status["observedGeneration"] = json!(generation);
        status["replicas"] = json!(replicas);
        status["updatedReplicas"] = json!(updated);
        status["readyReplicas"] = json!(sum("readyReplicas"));
        status["availableReplicas"] = json!(available);
        let unavailable = (spec_total - available).max(0);
        match status.as_object_mut() {
            Some(m) if unavailable == 0 => {
                m.remove("unavailableReplicas");
            }
            _ => status["unavailableReplicas"] = json!(unavailable),
        }
        let mut next = d.clone();
        next["status"] = status;
        let now = cx.clock.now_rfc3339();
        if available >= want - unavailable_allowed {
            condition(
                &mut next,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                &now,
            );
        } else {
            condition(
                &mut next,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                &now,
            );
        }
        if let Some(new) = new {
            let rs_name = objects::name(new);
            let complete = updated == want && replicas == want && available == want;
            let (reason, message) = if complete {
                (
                    "NewReplicaSetAvailable",
                    format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
                )
            } else if !objects::condition(d, "Progressing")
                .and_then(|c| str_at(c, "/message"))
                .is_some_and(|m| m.contains(&format!("\"{rs_name}\"")))
            {
                // The first pass that sees this ReplicaSet.
                (
                    "NewReplicaSetCreated",
                    format!("Created new replica set \"{rs_name}\""),
                )
            } else {
                (
                    "ReplicaSetUpdated",
                    format!("ReplicaSet \"{rs_name}\" is progressing."),
                )
            };
            condition(&mut next, "Progressing", "True", reason, &message, &now);
        }
        if next == *d {
            return Ok(());
        }
        cx.api.update_status(res::DEPLOYMENTS, next).map(|_| ())
    }
}

/// Sets a Deployment condition; `lastUpdateTime` moves when the reason or
/// message does, `lastTransitionTime` when the status does.
fn condition(d: &mut Value, type_: &str, status: &str, reason: &str, message: &str, now: &str) {
    let before = objects::condition(d, type_).cloned();
    objects::set_condition(d, type_, status, reason, message, now);
    let Some(Value::Array(cs)) = d.pointer_mut("/status/conditions") else {
        return;
    };
    for c in cs {
        if c.get("type").and_then(Value::as_str) != Some(type_) {
            continue;
        }
        let same = before.as_ref().is_some_and(|b| {
            b.get("reason") == c.get("reason") && b.get("message") == c.get("message")
        });
        let last = before
            .as_ref()
            .and_then(|b| b.get("lastUpdateTime").cloned())
            .filter(|_| same);
        c["lastUpdateTime"] = last.unwrap_or_else(|| json!(now));
    }
}

impl Controller for DeploymentController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "deployment-controller";
    // Pods too: a Recreate waits until its old pods are gone, and a pod
    // that finishes terminating changes no ReplicaSet.
    const WATCHES: &'static [&'static str] = &[res::DEPLOYMENTS, res::REPLICASETS, res::PODS];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        if change.resource.as_ref() == res::DEPLOYMENTS {
            out.push(objects::key(&change.obj));
        } else if change.resource.as_ref() == res::PODS {
            let mut sets = Vec::new();
            owner_key(change, cache, "ReplicaSet", &mut sets);
            for rs in sets {
                if let Some(rs) = cache.get(res::REPLICASETS, &rs)
                    && let Some(uid) = controller_uid(&rs, "Deployment")
                    && let Some(m) = cache.meta(&uid)
                {
                    out.push(m.key.clone());
                }
            }
        } else {
            owner_key(change, cache, "Deployment", out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(d) = cx.cache().get(res::DEPLOYMENTS, key) else {
            return Ok(None);
        };
        let mut all: Vec<Arc<Value>> = cx
            .cache()
            .owned(res::REPLICASETS, objects::uid(&d))
            .into_iter()
            .filter(|r| !deleting(r))
            .collect();
        all.sort_by_key(|r| revision(r));
        let want = int(&d, "/spec/replicas", 1);
        let ru = d.pointer("/spec/strategy/rollingUpdate");
        let recreate = str_at(&d, "/spec/strategy/type") == Some("Recreate");
        let mut surge = int_or_percent(ru.and_then(|r| r.get("maxSurge")), want, "25%", true);
        let mut unavailable =
            int_or_percent(ru.and_then(|r| r.get("maxUnavailable")), want, "25%", false);
        if recreate {
            (surge, unavailable) = (0, want);
        } else if surge == 0 && unavailable == 0 {
            unavailable = 1;
        }
        let template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let hash = objects::safe_hash(canonical(&template).as_bytes());
        let new = all
            .iter()
            .find(|r| canonical(&template_without_hash(r)) == canonical(&template))
            .cloned();
        if deleting(&d) || d.pointer("/spec/paused").and_then(Value::as_bool) == Some(true) {
            self.sync_status(&d, new.as_deref(), &all, unavailable, cx)?;
            return Ok(None);
        }
        let max_revision = all.iter().map(|r| revision(r)).max().unwrap_or(0);
        let Some(new) = new else {
            let old_spec: i64 = all.iter().map(|r| spec_replicas(r)).sum();
            let initial = if old_spec == 0 {
                want
            } else if recreate {
                0
            } else {
                (want + surge - old_spec).clamp(0, want)
            };
            let rs = new_replicaset(&d, &hash, initial, max_revision + 1, surge);
            cx.api.create(res::REPLICASETS, rs)?;
            self.annotate_revision(&d, max_revision + 1, cx)?;
            return Ok(None);
        };
        // A rollback to an older template makes its ReplicaSet the newest
        // revision again.
        if revision(&new) < max_revision {
            let mut r = (*new).clone();
            r["metadata"]["annotations"][REVISION] = json!((max_revision + 1).to_string());
            cx.api.update(res::REPLICASETS, r)?;
            self.annotate_revision(&d, max_revision + 1, cx)?;
            return Ok(None);
        }
        if str_at(
            &d,
            &format!("/metadata/annotations/{}", REVISION.replace('/', "~1")),
        ) != Some(revision(&new).to_string().as_str())
        {
            self.annotate_revision(&d, revision(&new), cx)?;
        }
        let old: Vec<Arc<Value>> = all
            .iter()
            .filter(|r| objects::uid(r) != objects::uid(&new))
            .cloned()
            .collect();
        let plan = if recreate {
            let mut p = Plan { scale: Vec::new() };
            // deployment controller's oldPodsRunning: old ReplicaSets'
            // replicas, and any of their pods not Succeeded or Failed, a
            // terminating one included.
            let old_running: i64 = old
                .iter()
                .map(|r| {
                    let pods = cx.cache().owned(res::PODS, objects::uid(r));
                    let live = pods.iter().filter(|p| !pod_terminal(p)).count();
                    status_int(r, "replicas").max(live as i64)
                })
                .sum();
            for r in &old {
                p.set(r, 0);
            }
            if p.scale.is_empty() && old_running == 0 {
                p.set(&new, want);
            }
            p
        } else {
            rolling(want, surge, unavailable, &new, &old)
        };
        for (rs, n) in plan.scale {
            let mut r = (*rs).clone();
            r["spec"]["replicas"] = json!(n);
            if objects::uid(&rs) == objects::uid(&new) {
                r["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                    json!(want.to_string());
                r["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] =
                    json!((want + surge).to_string());
            }
            cx.api.update(res::REPLICASETS, r)?;
        }
        self.prune_history(&d, &old, cx)?;
        self.sync_status(&d, Some(&new), &all, unavailable, cx)?;
        Ok(None)
    }
}

impl DeploymentController {
    fn annotate_revision(&self, d: &Value, revision: i64, cx: &Ctx) -> Result<(), ApiError> {
        let patch = json!({"metadata": {"annotations": {REVISION: revision.to_string()}}});
        let (ns, name) = objects::key(d);
        cx.api
            .merge_patch(res::DEPLOYMENTS, Some(&ns), &name, patch)
            .map(|_| ())
    }

    /// Deletes the oldest scaled-down ReplicaSets beyond
    /// `revisionHistoryLimit` (default 10).
    fn prune_history(&self, d: &Value, old: &[Arc<Value>], cx: &Ctx) -> Result<(), ApiError> {
        let limit = int(d, "/spec/revisionHistoryLimit", 10).max(0) as usize;
        let idle: Vec<&Arc<Value>> = old
            .iter()
            .filter(|r| spec_replicas(r) == 0 && status_int(r, "replicas") == 0)
            .collect();
        if idle.len() <= limit {
            return Ok(());
        }
        for r in &idle[..idle.len() - limit] {
            let (ns, name) = objects::key(r);
            let opts = json!({"preconditions": {"uid": objects::uid(r)}});
            cx.api.delete(res::REPLICASETS, Some(&ns), &name, opts)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rs(uid: &str, spec: i64, available: i64) -> Arc<Value> {
        Arc::new(json!({"metadata": {"uid": uid}, "spec": {"replicas": spec},
            "status": {"replicas": spec, "availableReplicas": available}}))
    }

    fn sizes(p: &Plan) -> Vec<(String, i64)> {
        p.scale
            .iter()
            .map(|(r, n)| (objects::uid(r).to_string(), *n))
            .collect()
    }

    #[test]
    fn rolling_update_with_max_unavailable_zero_surges_first() {
        // 3 replicas, maxSurge 1, maxUnavailable 0.
        let old = rs("old", 3, 3);
        let p = rolling(3, 1, 0, &rs("new", 0, 0), std::slice::from_ref(&old));
        assert_eq!(sizes(&p), [("new".to_string(), 1)]);
        // The new pod is not available yet: nothing may go.
        let p = rolling(3, 1, 0, &rs("new", 1, 0), std::slice::from_ref(&old));
        assert!(p.scale.is_empty());
        // Once it is, one old replica goes.
        let p = rolling(3, 1, 0, &rs("new", 1, 1), std::slice::from_ref(&old));
        assert_eq!(sizes(&p), [("old".to_string(), 2)]);
        // Without old replicas the new one is sized exactly.
        let p = rolling(5, 1, 0, &rs("new", 3, 3), &[rs("old", 0, 0)]);
        assert_eq!(sizes(&p), [("new".to_string(), 5)]);
    }
}
