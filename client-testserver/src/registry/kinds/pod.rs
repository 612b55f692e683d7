//! v1 Pod: `SetDefaults_Pod` and `SetDefaults_PodSpec`
//! (core/v1/defaults.go), `PrepareForCreate` (phase `Pending`, the QoS
//! class), `CheckGracefulDelete` and the field selectors
//! (pod/strategy.go), `ValidatePodCreate`/`ValidatePodUpdate`
//! (core/validation/validation.go), `printPod` (printers.go).

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::FieldErrors;
use crate::registry::kinds::pod_template::{default_pod_spec, validate_pod_spec};
use crate::registry::kinds::printing::{age, age_column, column, deleting, str_or};
use crate::registry::kinds::value::{child, default, each_mut, int_at, items, name_of, str_at};

/// The field selector labels of pods (`ToSelectableFields`).
const FIELDS: [(&str, &str); 8] = [
    ("spec.nodeName", "spec.nodeName"),
    ("spec.restartPolicy", "spec.restartPolicy"),
    ("spec.schedulerName", "spec.schedulerName"),
    ("spec.serviceAccountName", "spec.serviceAccountName"),
    ("spec.hostNetwork", "spec.hostNetwork"),
    ("status.phase", "status.phase"),
    ("status.podIP", "status.podIP"),
    ("status.nominatedNodeName", "status.nominatedNodeName"),
];

/// The message of a forbidden pod spec change (`ValidatePodUpdate`).
const UPDATE_FORBIDDEN: &str = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// Sets the Pod strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.field_selectors = FIELDS
        .iter()
        .map(|(l, p)| (l.to_string(), p.to_string()))
        .collect();
    row.printer_columns = vec![
        column(
            "Ready",
            "string",
            0,
            "The aggregate readiness state of this pod for accepting traffic.",
        ),
        column(
            "Status",
            "string",
            0,
            "The aggregate status of the containers in this pod.",
        ),
        column(
            "Restarts",
            "string",
            0,
            "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
        ),
        age_column(),
        column(
            "IP",
            "string",
            1,
            "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
        ),
        column(
            "Node",
            "string",
            1,
            "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.",
        ),
        column(
            "Nominated Node",
            "string",
            1,
            "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.",
        ),
        column(
            "Readiness Gates",
            "string",
            1,
            "If specified, all readiness gates will be evaluated for pod readiness.",
        ),
    ];
    row.hooks = &POD_HOOKS;
}

struct PodHooks;

static POD_HOOKS: PodHooks = PodHooks;

impl KindHooks for PodHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default_pod_spec(spec);
        // SetDefaults_Pod: requests default to limits, service links on,
        // host-network ports on the host.
        for list in ["containers", "initContainers"] {
            each_mut(spec, list, requests_from_limits);
        }
        default(spec, "enableServiceLinks", json!(true));
        if spec.get("hostNetwork") == Some(&json!(true)) {
            for list in ["containers", "initContainers"] {
                each_mut(spec, list, |c| {
                    each_mut(c, "ports", |p| {
                        if p.get("hostPort").and_then(Value::as_i64).unwrap_or(0) == 0
                            && let Some(cp) = p.get("containerPort").cloned()
                        {
                            p["hostPort"] = cp;
                        }
                    });
                });
            }
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        let qos = qos_class(obj);
        if let Value::Object(o) = obj {
            o.insert(
                "status".into(),
                json!({"phase": "Pending", "qosClass": qos}),
            );
        }
    }

    /// The QoS class is set once, on create: a status write without it
    /// keeps the old one (`podStatusStrategy.PrepareForUpdate`).
    fn prepare_for_update(&self, old: &Value, new: &mut Value) {
        if let Some(qos) = old.pointer("/status/qosClass")
            && new.pointer("/status/qosClass").is_none()
            && let Some(status) = child(new, "status")
        {
            status["qosClass"] = qos.clone();
        }
    }

    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        let spec = obj.get("spec").cloned().unwrap_or_else(|| json!({}));
        validate_pod_spec(&spec, "spec", &mut errs);
        if let Some(old) = old
            && let Some(diff) = forbidden_change(old, obj)
        {
            errs.forbidden("spec", &format!("{UPDATE_FORBIDDEN}\n{diff}"));
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let statuses = items(obj, "/status/containerStatuses");
        let total = items(obj, "/spec/containers").len();
        let ready = statuses
            .iter()
            .filter(|s| s.get("ready") == Some(&json!(true)))
            .count();
        let restarts: i64 = statuses
            .iter()
            .filter_map(|s| s.get("restartCount").and_then(Value::as_i64))
            .sum();
        let gates = items(obj, "/spec/readinessGates");
        let gates_cell = if gates.is_empty() {
            json!("<none>")
        } else {
            let met = gates
                .iter()
                .filter(|g| {
                    crate::registry::kinds::printing::condition_true(
                        obj,
                        "/status/conditions",
                        str_at(g, "/conditionType"),
                    )
                })
                .count();
            json!(format!("{met}/{}", gates.len()))
        };
        Some(vec![
            json!(format!("{ready}/{total}")),
            json!(pod_status(obj)),
            json!(restarts.to_string()),
            age(obj),
            str_or(obj, "/status/podIP", "<none>"),
            str_or(obj, "/spec/nodeName", "<none>"),
            str_or(obj, "/status/nominatedNodeName", "<none>"),
            gates_cell,
        ])
    }

    fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        match field {
            "spec.hostNetwork" => Some(
                obj.pointer("/spec/hostNetwork")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    .to_string(),
            ),
            "status.podIP" => Some(
                items(obj, "/status/podIPs")
                    .first()
                    .map(|p| str_at(p, "/ip"))
                    .unwrap_or(str_at(obj, "/status/podIP"))
                    .to_string(),
            ),
            _ => None,
        }
    }

    /// `CheckGracefulDelete`: the requested grace period, else the pod's
    /// `terminationGracePeriodSeconds`; 0 for a pod on no node or one that
    /// has finished.
    fn graceful_delete_seconds(&self, obj: &Value, requested: Option<i64>) -> Option<i64> {
        let mut period = requested
            .or_else(|| int_at(obj, "/spec/terminationGracePeriodSeconds"))
            .unwrap_or(0);
        let phase = str_at(obj, "/status/phase");
        if str_at(obj, "/spec/nodeName").is_empty() || phase == "Succeeded" || phase == "Failed" {
            period = 0;
        }
        Some(period.max(0))
    }
}

/// `SetDefaults_Pod`: a container's limits fill in its missing requests.
fn requests_from_limits(c: &mut Value) {
    let Some(Value::Object(limits)) = c.pointer("/resources/limits").cloned() else {
        return;
    };
    let Some(res) = child(c, "resources") else {
        return;
    };
    let Some(Value::Object(req)) = child(res, "requests") else {
        return;
    };
    for (k, v) in limits {
        req.entry(k).or_insert(v);
    }
}

/// `qos.GetPodQOS`: `BestEffort` with no cpu or memory request or limit,
/// `Guaranteed` when every container limits both and requests equal the
/// limits, else `Burstable`.
fn qos_class(pod: &Value) -> &'static str {
    const TRACKED: [&str; 2] = ["cpu", "memory"];
    let containers: Vec<&Value> = ["/spec/containers", "/spec/initContainers"]
        .iter()
        .flat_map(|p| items(pod, p))
        .collect();
    let empty = Map::new();
    let get = |c: &Value, which: &str| -> Map<String, Value> {
        c.pointer(&format!("/resources/{which}"))
            .and_then(Value::as_object)
            .unwrap_or(&empty)
            .iter()
            .filter(|(k, _)| TRACKED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut any = false;
    let mut guaranteed = true;
    for c in &containers {
        let (req, lim) = (get(c, "requests"), get(c, "limits"));
        any |= !req.is_empty() || !lim.is_empty();
        let full = TRACKED.iter().all(|r| lim.contains_key(*r));
        let equal = req.iter().all(|(k, v)| lim.get(k) == Some(v));
        guaranteed &= full && equal;
    }
    if !any {
        "BestEffort"
    } else if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// `ValidatePodUpdate`: the spec, with container images, the active
/// deadline, added tolerations and a negative grace period's move to 1
/// taken from the old one, must equal the old spec. `Some` names the
/// fields that differ (kube prints a `cmp.Diff` of the whole spec).
fn forbidden_change(old: &Value, new: &Value) -> Option<String> {
    let (Some(o), Some(n)) = (old.get("spec"), new.get("spec")) else {
        return None;
    };
    let mut munged = n.clone();
    for list in ["containers", "initContainers"] {
        let olds = items(o, &format!("/{list}"));
        if let Some(Value::Array(cs)) = munged.get_mut(list)
            && cs.len() == olds.len()
        {
            for (c, oc) in cs.iter_mut().zip(olds) {
                if let (Value::Object(c), Some(img)) = (c, oc.get("image")) {
                    c.insert("image".into(), img.clone());
                }
            }
        }
    }
    if let Value::Object(m) = &mut munged {
        for key in ["activeDeadlineSeconds", "tolerations"] {
            match o.get(key) {
                Some(v) => m.insert(key.into(), v.clone()),
                None => m.remove(key),
            };
        }
        let old_grace = o
            .get("terminationGracePeriodSeconds")
            .and_then(Value::as_i64);
        if old_grace.is_some_and(|g| g < 0)
            && m.get("terminationGracePeriodSeconds") == Some(&json!(1))
        {
            m.insert("terminationGracePeriodSeconds".into(), json!(old_grace));
        }
    }
    if &munged == o {
        return None;
    }
    let mut keys: Vec<&String> = match (&munged, o) {
        (Value::Object(a), Value::Object(b)) => a
            .keys()
            .chain(b.keys())
            .filter(|k| a.get(*k) != b.get(*k))
            .collect(),
        _ => Vec::new(),
    };
    keys.sort();
    keys.dedup();
    let lines: Vec<String> = keys.iter().map(|k| format!("  \t{k}: changed")).collect();
    Some(format!("  core.PodSpec{{\n{}\n  }}\n", lines.join("\n")))
}

/// `printPod`'s STATUS: the phase or reason, a waiting or terminated
/// container's reason, `Terminating` once deletion began.
fn pod_status(pod: &Value) -> String {
    let mut reason = str_at(pod, "/status/phase").to_string();
    let r = str_at(pod, "/status/reason");
    if !r.is_empty() {
        reason = r.to_string();
    }
    if crate::registry::kinds::printing::condition_false_with(
        pod,
        "PodScheduled",
        "SchedulingGated",
    ) {
        reason = "SchedulingGated".into();
    }
    let mut running = false;
    for s in items(pod, "/status/containerStatuses").iter().rev() {
        let waiting = str_at(s, "/state/waiting/reason");
        let terminated = str_at(s, "/state/terminated/reason");
        if !waiting.is_empty() {
            reason = waiting.to_string();
        } else if !terminated.is_empty() {
            reason = terminated.to_string();
        } else if let Some(t) = s.pointer("/state/terminated") {
            reason = match t.get("signal").and_then(Value::as_i64).filter(|s| *s != 0) {
                Some(sig) => format!("Signal:{sig}"),
                None => format!(
                    "ExitCode:{}",
                    t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
                ),
            };
        } else if s.get("ready") == Some(&json!(true)) && s.pointer("/state/running").is_some() {
            running = true;
        }
    }
    if reason == "Completed" && running {
        reason =
            if crate::registry::kinds::printing::condition_true(pod, "/status/conditions", "Ready")
            {
                "Running".into()
            } else {
                "NotReady".into()
            };
    }
    if deleting(pod) {
        reason = if r == "NodeLost" {
            "Unknown".into()
        } else {
            "Terminating".into()
        };
    }
    reason
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn qos_classes() {
        let pod = |res: Value| json!({"spec": {"containers": [{"name": "c", "resources": res}]}});
        assert_eq!(qos_class(&pod(json!({}))), "BestEffort");
        assert_eq!(
            qos_class(&pod(
                json!({"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}})
            )),
            "Guaranteed"
        );
        assert_eq!(
            qos_class(&pod(json!({"requests": {"cpu": "1"}}))),
            "Burstable"
        );
    }

    #[test]
    fn only_images_and_the_deadline_may_change() {
        let old = json!({"spec": {"containers": [{"name": "c", "image": "a"}], "restartPolicy": "Always"}});
        let mut new = old.clone();
        new["spec"]["containers"][0]["image"] = json!("b");
        new["spec"]["activeDeadlineSeconds"] = json!(5);
        assert_eq!(forbidden_change(&old, &new), None);
        new["spec"]["restartPolicy"] = json!("Never");
        let diff = forbidden_change(&old, &new).unwrap();
        assert!(diff.contains("restartPolicy"), "{diff}");
    }

    #[test]
    fn graceful_only_when_bound_and_running() {
        let h = PodHooks;
        let mut pod =
            json!({"spec": {"terminationGracePeriodSeconds": 30}, "status": {"phase": "Pending"}});
        assert_eq!(h.graceful_delete_seconds(&pod, None), Some(0));
        pod["spec"]["nodeName"] = json!("n1");
        assert_eq!(h.graceful_delete_seconds(&pod, None), Some(30));
        assert_eq!(h.graceful_delete_seconds(&pod, Some(5)), Some(5));
        pod["status"]["phase"] = json!("Succeeded");
        assert_eq!(h.graceful_delete_seconds(&pod, None), Some(0));
    }
}
