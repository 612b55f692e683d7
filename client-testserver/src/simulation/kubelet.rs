//! The kubelet of every simulated node: a bound pod turns `Running` with
//! its conditions, container statuses and an IP after the configured
//! startup delay; a run-to-completion pod (`restartPolicy` `Never` or
//! `OnFailure`) ends `Succeeded` or `Failed` after the Job duration; a pod
//! labelled to fail crash-loops (or fails, when it runs to completion); a
//! pod being deleted is confirmed gone (`gracePeriodSeconds: 0`), as a
//! kubelet does once its containers stopped. No image is pulled, no
//! process runs, no probe is evaluated.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::JobOutcome;
use crate::simulation::cache::{Cache, Change, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, set_condition};
use crate::storage::store::ObjectKey;

/// The kubelets' shared state: when each pod reached a phase, and the
/// pod IPs handed out per node.
#[derive(Default)]
pub(crate) struct Kubelet {
    bound_at: HashMap<ObjectKey, (String, Instant)>,
    running_at: HashMap<ObjectKey, (String, Instant)>,
    next_ip: HashMap<String, u32>,
}

/// A pod whose containers are not restarted once they exit: its
/// `restartPolicy` says so, or a Job runs it.
fn runs_to_completion(pod: &Value) -> bool {
    matches!(
        str_at(pod, "/spec/restartPolicy"),
        Some("Never" | "OnFailure")
    ) || crate::simulation::cache::controller_uid(pod, "Job").is_some()
}

/// How a pod's containers end or crash.
enum Exit {
    Completed,
    Error,
}

/// `since`, keyed by the pod's UID so a recreated pod of the same name
/// starts over.
fn elapsed(
    map: &mut HashMap<ObjectKey, (String, Instant)>,
    key: &ObjectKey,
    uid: &str,
) -> Duration {
    let entry = map
        .entry(key.clone())
        .or_insert_with(|| (uid.to_string(), Instant::now()));
    if entry.0 != uid {
        *entry = (uid.to_string(), Instant::now());
    }
    entry.1.elapsed()
}

impl Kubelet {
    fn pod_ip(&mut self, node: &str) -> String {
        let index: u32 = node
            .rsplit('-')
            .next()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        let n = self.next_ip.entry(node.to_string()).or_insert(0);
        *n += 1;
        let host = *n % 254 + 1;
        let block = 244 + (*n / 254) % 12;
        format!("10.{block}.{}.{host}", index % 256)
    }
}

fn container_statuses(
    pod: &Value,
    state: impl Fn(&str) -> Value,
    ready: bool,
    restarts: u32,
) -> Value {
    let containers = pod.pointer("/spec/containers").and_then(Value::as_array);
    let uid = objects::uid(pod);
    let statuses: Vec<Value> = containers
        .into_iter()
        .flatten()
        .map(|c| {
            let name = str_at(c, "/name").unwrap_or_default();
            let image = str_at(c, "/image").unwrap_or_default();
            json!({
                "name": name,
                "image": image,
                "imageID": format!("simulated://{image}"),
                "containerID": format!("simulated://{uid}/{name}"),
                "ready": ready,
                "started": ready,
                "restartCount": restarts,
                "state": state(name),
                "lastState": {},
            })
        })
        .collect();
    json!(statuses)
}

fn container_names(pod: &Value) -> String {
    let containers = pod.pointer("/spec/containers").and_then(Value::as_array);
    let names: Vec<&str> = containers
        .into_iter()
        .flatten()
        .filter_map(|c| str_at(c, "/name"))
        .collect();
    format!("[{}]", names.join(" "))
}

/// `pod` started on `node` at `now`: Running, Ready unless it crashes.
fn started(pod: &Value, ip: &str, host_ip: &str, now: &str, crash: bool) -> Value {
    let mut p = pod.clone();
    for t in ["PodReadyToStartContainers", "Initialized", "PodScheduled"] {
        set_condition(&mut p, t, "True", "", "", now);
    }
    let status = &mut p["status"];
    status["phase"] = json!("Running");
    status["hostIP"] = json!(host_ip);
    status["hostIPs"] = json!([{"ip": host_ip}]);
    status["podIP"] = json!(ip);
    status["podIPs"] = json!([{"ip": ip}]);
    status["startTime"] = json!(now);
    status["qosClass"] = json!("BestEffort");
    if crash {
        let pod_ref = format!(
            "{}_{}({})",
            objects::name(pod),
            str_at(pod, "/metadata/namespace").unwrap_or_default(),
            objects::uid(pod)
        );
        let statuses = container_statuses(
            pod,
            |name| {
                json!({"waiting": {"reason": "CrashLoopBackOff",
                    "message": format!("back-off 10s restarting failed container={name} pod={pod_ref}")}})
            },
            false,
            1,
        );
        p["status"]["containerStatuses"] = statuses;
        let msg = format!("containers with unready status: {}", container_names(pod));
        set_condition(&mut p, "Ready", "False", "ContainersNotReady", &msg, now);
        set_condition(
            &mut p,
            "ContainersReady",
            "False",
            "ContainersNotReady",
            &msg,
            now,
        );
    } else {
        let statuses = container_statuses(pod, |_| json!({"running": {"startedAt": now}}), true, 0);
        p["status"]["containerStatuses"] = statuses;
        set_condition(&mut p, "Ready", "True", "", "", now);
        set_condition(&mut p, "ContainersReady", "True", "", "", now);
    }
    strip_empty_reasons(&mut p);
    p
}

/// Conditions without a reason carry none (kube omits empty strings).
fn strip_empty_reasons(p: &mut Value) {
    if let Some(Value::Array(cs)) = p.pointer_mut("/status/conditions") {
        for c in cs {
            if let Value::Object(m) = c {
                m.retain(|k, v| !(matches!(k.as_str(), "reason" | "message") && v == ""));
            }
        }
    }
}

/// A run-to-completion pod whose containers exited.
fn finished(pod: &Value, exit: &Exit, now: &str) -> Value {
    let mut p = pod.clone();
    let started_at = str_at(pod, "/status/startTime").unwrap_or(now).to_string();
    let (phase, code, reason, cond_reason) = match exit {
        Exit::Completed => ("Succeeded", 0, "Completed", "PodCompleted"),
        Exit::Error => ("Failed", 1, "Error", "PodFailed"),
    };
    p["status"]["phase"] = json!(phase);
    p["status"]["containerStatuses"] = container_statuses(
        pod,
        |_| {
            json!({"terminated": {"exitCode": code, "reason": reason,
                "startedAt": started_at, "finishedAt": now}})
        },
        false,
        0,
    );
    set_condition(&mut p, "Ready", "False", cond_reason, "", now);
    set_condition(&mut p, "ContainersReady", "False", cond_reason, "", now);
    set_condition(&mut p, "PodReadyToStartContainers", "False", "", "", now);
    strip_empty_reasons(&mut p);
    p
}

impl Controller for Kubelet {
    type Key = ObjectKey;
    const MANAGER: &'static str = "kubelet";
    const WATCHES: &'static [&'static str] = &[res::PODS];

    fn keys(change: &Change, _cache: &Cache, out: &mut Vec<ObjectKey>) {
        let bound = str_at(&change.obj, "/spec/nodeName").is_some_and(|n| !n.is_empty());
        if change.deleted || (bound && !pod_terminal(&change.obj)) {
            out.push(objects::key(&change.obj));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(pod) = cx.cache().get(res::PODS, key) else {
            self.bound_at.remove(key);
            self.running_at.remove(key);
            return Ok(None);
        };
        let Some(node) = str_at(&pod, "/spec/nodeName").filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        if pod.pointer("/metadata/deletionTimestamp").is_some() {
            // The containers are stopped at once: confirm the deletion.
            let opts = json!({"gracePeriodSeconds": 0,
                "preconditions": {"uid": objects::uid(&pod)}});
            return cx
                .api
                .delete(res::PODS, Some(&key.0), &key.1, opts)
                .map(|()| None);
        }
        if pod_terminal(&pod) {
            return Ok(None);
        }
        let uid = objects::uid(&pod).to_string();
        let now = cx.clock.now_rfc3339();
        let fails = cx.config.fails(objects::labels(&pod));
        let running = str_at(&pod, "/status/phase") == Some("Running");
        if !running {
            let waited = elapsed(&mut self.bound_at, key, &uid);
            if waited < cx.config.pod_startup {
                return Ok(Some(cx.config.pod_startup - waited));
            }
            if fails && runs_to_completion(&pod) {
                let failed = finished(&pod, &Exit::Error, &now);
                return cx.api.update_status(res::PODS, failed).map(|_| None);
            }
            let host_ip = {
                let cache = cx.cache();
                cache
                    .get(res::NODES, &(String::new(), node.to_string()))
                    .and_then(|n| {
                        n.pointer("/status/addresses/0/address")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or_default()
            };
            let ip = self.pod_ip(node);
            let up = started(&pod, &ip, &host_ip, &now, fails);
            cx.api.update_status(res::PODS, up)?;
            self.running_at
                .insert(key.clone(), (uid.clone(), Instant::now()));
            return Ok(runs_to_completion(&pod).then_some(cx.config.job_pod_duration));
        }
        if !runs_to_completion(&pod) {
            return Ok(None);
        }
        let ran = elapsed(&mut self.running_at, key, &uid);
        if ran < cx.config.job_pod_duration {
            return Ok(Some(cx.config.job_pod_duration - ran));
        }
        let exit = match (cx.config.job_outcome, fails) {
            (JobOutcome::Succeed, false) => Exit::Completed,
            _ => Exit::Error,
        };
        self.bound_at.remove(key);
        self.running_at.remove(key);
        cx.api
            .update_status(res::PODS, finished(&pod, &exit, &now))
            .map(|_| None)
    }
}
