//! The scheduler: binds each pending pod through `pods/binding` (the path a
//! `POST .../binding` takes) to the feasible node with the fewest pods, or
//! sets `PodScheduled=False` with kube-scheduler's message saying why no
//! node fits (resource requests, nodeSelector and required node affinity,
//! taints and tolerations, cordoned nodes) and a `FailedScheduling`
//! Warning Event with the same message. Preemption is not simulated;
//! its part of the message reports what a cluster of equal-priority pods
//! reports.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, Usage, pod_requests, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, condition, set_condition};
use crate::simulation::quantity::milli;
use crate::storage::store::ObjectKey;

/// The scheduler.
pub(crate) struct Scheduler;

/// Why a node does not fit, as kube-scheduler's filter plugins word it;
/// `resolvable` is false when preemption cannot help.
struct Misfit {
    reasons: Vec<String>,
    resolvable: bool,
}

fn pending(pod: &Value) -> bool {
    str_at(pod, "/spec/nodeName").is_none_or(str::is_empty)
        && pod.pointer("/metadata/deletionTimestamp").is_none()
        && str_at(pod, "/spec/schedulerName").is_none_or(|s| s == "default-scheduler")
}

fn tolerates(pod: &Value, taint: &Value) -> bool {
    let key = str_at(taint, "/key").unwrap_or_default();
    let value = str_at(taint, "/value").unwrap_or_default();
    let effect = str_at(taint, "/effect").unwrap_or_default();
    let tolerations = pod.pointer("/spec/tolerations").and_then(Value::as_array);
    tolerations.into_iter().flatten().any(|t| {
        let t_effect = str_at(t, "/effect").unwrap_or_default();
        if !t_effect.is_empty() && t_effect != effect {
            return false;
        }
        let t_key = str_at(t, "/key").unwrap_or_default();
        let op = str_at(t, "/operator").unwrap_or("Equal");
        if t_key.is_empty() {
            return op == "Exists";
        }
        t_key == key && (op == "Exists" || str_at(t, "/value").unwrap_or_default() == value)
    })
}

/// A `NodeSelectorRequirement` against the node's labels (or its name
/// for `matchFields`).
fn requirement_holds(req: &Value, lookup: impl Fn(&str) -> Option<String>) -> bool {
    let key = str_at(req, "/key").unwrap_or_default();
    let values: Vec<&str> = req
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let have = lookup(key);
    match str_at(req, "/operator").unwrap_or_default() {
        "In" => have.is_some_and(|h| values.contains(&h.as_str())),
        "NotIn" => have.is_none_or(|h| !values.contains(&h.as_str())),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" | "Lt" => {
            let (Some(h), Some(v)) = (
                have.and_then(|h| h.parse::<i64>().ok()),
                values.first().and_then(|v| v.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if str_at(req, "/operator") == Some("Gt") {
                h > v
            } else {
                h < v
            }
        }
        _ => false,
    }
}

fn affinity_matches(pod: &Value, node: &Value) -> bool {
    let node_labels = objects::labels(node);
    let label = |k: &str| {
        node_labels
            .and_then(|l| l.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let selector = pod.pointer("/spec/nodeSelector").and_then(Value::as_object);
    for (k, v) in selector.into_iter().flatten() {
        if label(k).as_deref() != v.as_str() {
            return false;
        }
    }
    let terms = pod
        .pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
        .and_then(Value::as_array);
    let Some(terms) = terms else {
        return true;
    };
    let node_name = objects::name(node).to_string();
    terms.iter().any(|term| {
        let exprs = term.get("matchExpressions").and_then(Value::as_array);
        let fields = term.get("matchFields").and_then(Value::as_array);
        exprs
            .into_iter()
            .flatten()
            .all(|r| requirement_holds(r, label))
            && fields.into_iter().flatten().all(|r| {
                requirement_holds(r, |k| (k == "metadata.name").then(|| node_name.clone()))
            })
    })
}

fn allocatable(node: &Value, resource: &str) -> i128 {
    str_at(node, &format!("/status/allocatable/{resource}"))
        .and_then(milli)
        .unwrap_or(0)
}

/// Why `pod` does not fit `node`, the first failing filter's reasons, in
/// kube-scheduler's filter order; `None` when it fits.
fn misfit(pod: &Value, node: &Value, used: Usage) -> Option<Misfit> {
    let unresolvable = |r: String| {
        Some(Misfit {
            reasons: vec![r],
            resolvable: false,
        })
    };
    if node.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        return unresolvable("node(s) were unschedulable".into());
    }
    let taints = node.pointer("/spec/taints").and_then(Value::as_array);
    for t in taints.into_iter().flatten() {
        let effect = str_at(t, "/effect").unwrap_or_default();
        if matches!(effect, "NoSchedule" | "NoExecute") && !tolerates(pod, t) {
            return unresolvable(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                str_at(t, "/key").unwrap_or_default(),
                str_at(t, "/value").unwrap_or_default()
            ));
        }
    }
    if !affinity_matches(pod, node) {
        return unresolvable("node(s) didn't match Pod's node affinity/selector".into());
    }
    let want = pod_requests(pod);
    let mut reasons = Vec::new();
    if i128::from(used.pods + 1) * 1000 > allocatable(node, "pods") {
        reasons.push("Too many pods".to_string());
    }
    if want.cpu_milli > 0 && used.cpu_milli + want.cpu_milli > allocatable(node, "cpu") {
        reasons.push("Insufficient cpu".to_string());
    }
    if want.memory_milli > 0 && used.memory_milli + want.memory_milli > allocatable(node, "memory")
    {
        reasons.push("Insufficient memory".to_string());
    }
    (!reasons.is_empty()).then_some(Misfit {
        reasons,
        resolvable: true,
    })
}

/// `0/N nodes are available: <count reason, ...>.` as kube's `FitError`
/// writes it (reasons counted, sorted as strings), followed by the
/// preemption plugin's message of the same form.
fn fit_error(total: usize, misfits: &[Misfit]) -> String {
    let histogram = |counts: BTreeMap<String, usize>| {
        let mut parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
        parts.sort();
        parts.join(", ")
    };
    let mut reasons = BTreeMap::new();
    let mut preemption = BTreeMap::new();
    for m in misfits {
        for r in &m.reasons {
            *reasons.entry(r.clone()).or_insert(0) += 1;
        }
        let p = if m.resolvable {
            "No preemption victims found for incoming pod"
        } else {
            "Preemption is not helpful for scheduling"
        };
        *preemption.entry(p.to_string()).or_insert(0) += 1;
    }
    let mut msg = format!("0/{total} nodes are available");
    if !reasons.is_empty() {
        msg.push_str(&format!(": {}.", histogram(reasons)));
        msg.push_str(&format!(
            " preemption: 0/{total} nodes are available: {}.",
            histogram(preemption)
        ));
    } else {
        msg.push('.');
    }
    msg
}

/// The `FailedScheduling` Warning Event `kubectl describe pod` lists (a
/// core v1 Event, the view `describe` reads).
fn failed_scheduling(pod: &Value, message: &str, clock: &crate::simulation::clock::Clock) -> Value {
    let (ns, name) = objects::key(pod);
    let now = clock.now_rfc3339();
    // client-go's recorder names an Event `{object}.{unix nanoseconds in hex}`.
    let event_name = format!("{name}.{:x}", clock.now().as_nanosecond());
    serde_json::json!({
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": event_name, "namespace": ns},
        "involvedObject": {
            "apiVersion": "v1", "kind": "Pod", "namespace": ns, "name": name,
            "uid": objects::uid(pod),
            "resourceVersion": str_at(pod, "/metadata/resourceVersion").unwrap_or_default(),
        },
        "reason": "FailedScheduling",
        "message": message,
        "type": "Warning",
        "source": {"component": "default-scheduler"},
        "reportingComponent": "default-scheduler",
        "reportingInstance": "default-scheduler",
        "action": "Scheduling",
        "firstTimestamp": now,
        "lastTimestamp": now,
        "count": 1,
    })
}

impl Controller for Scheduler {
    type Key = ObjectKey;
    const MANAGER: &'static str = "kube-scheduler";
    const WATCHES: &'static [&'static str] = &[res::PODS, res::NODES];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        let freed = change.resource.as_ref() == res::NODES
            || change.deleted
            || crate::simulation::cache::pod_terminal(&change.obj);
        if freed {
            out.extend(cache.unscheduled());
        } else if pending(&change.obj) {
            out.push(objects::key(&change.obj));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let (pod, nodes, usage) = {
            let cache = cx.cache();
            let Some(pod) = cache.get(res::PODS, key) else {
                return Ok(None);
            };
            let nodes = cache.list(res::NODES, None);
            let usage: Vec<Usage> = nodes
                .iter()
                .map(|n| cache.usage(objects::name(n)))
                .collect();
            (pod, nodes, usage)
        };
        if !pending(&pod) {
            return Ok(None);
        }
        let mut misfits = Vec::new();
        let mut best: Option<(i64, &str)> = None;
        for (node, used) in nodes.iter().zip(&usage) {
            match misfit(&pod, node, *used) {
                Some(m) => misfits.push(m),
                None => {
                    let candidate = (used.pods, objects::name(node));
                    if best.is_none_or(|b| candidate < b) {
                        best = Some(candidate);
                    }
                }
            }
        }
        if let Some((_, node)) = best {
            return cx.api.bind(&key.0, &key.1, node).map(|()| None);
        }
        let message = fit_error(nodes.len(), &misfits);
        let unchanged = condition(&pod, "PodScheduled").is_some_and(|c| {
            c.get("status").and_then(Value::as_str) == Some("False")
                && c.get("message").and_then(Value::as_str) == Some(message.as_str())
        });
        if unchanged {
            return Ok(None);
        }
        let mut updated = (*pod).clone();
        set_condition(
            &mut updated,
            "PodScheduled",
            "False",
            "Unschedulable",
            &message,
            &cx.clock.now_rfc3339(),
        );
        updated["status"]["phase"] = serde_json::json!("Pending");
        cx.api.update_status(res::PODS, updated)?;
        cx.api
            .create("events", failed_scheduling(&pod, &message, &cx.clock))
            .map(|_| None)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(taint: bool) -> Value {
        let mut n = json!({"metadata": {"name": "n", "labels": {"zone": "a"}},
            "status": {"allocatable": {"cpu": "1", "memory": "1Gi", "pods": "2"}}});
        if taint {
            n["spec"] = json!({"taints": [{"key": "k", "value": "v", "effect": "NoSchedule"}]});
        }
        n
    }

    #[test]
    fn misfits_use_kube_scheduler_reasons() {
        let big = json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "2"}}}]}});
        let m = misfit(&big, &node(false), Usage::default()).unwrap();
        assert_eq!(m.reasons, ["Insufficient cpu"]);
        let picky = json!({"spec": {"nodeSelector": {"zone": "b"}}});
        let m2 = misfit(&picky, &node(false), Usage::default()).unwrap();
        assert!(!m2.resolvable);
        let m3 = misfit(&json!({}), &node(true), Usage::default()).unwrap();
        assert_eq!(m3.reasons, ["node(s) had untolerated taint {k: v}"]);
        let tolerant = json!({"spec": {"tolerations": [{"key": "k", "operator": "Exists"}]}});
        assert!(misfit(&tolerant, &node(true), Usage::default()).is_none());
        assert_eq!(
            fit_error(3, &[m, m2, m3]),
            "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {k: v}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling."
        );
    }
}
