//! Registers the simulated nodes at start: Ready, with the configured
//! capacity, labels and taints, as a kubelet registers its node.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::simulation::cache::{Cache, Change, res};
use crate::simulation::controller::{Controller, Ctx};

/// The node registrar.
pub(crate) struct NodeController;

/// The name of simulated node `i`.
pub(crate) fn node_name(i: usize) -> String {
    format!("sim-node-{i}")
}

fn node(cx: &Ctx, i: usize) -> Value {
    let c = &cx.config;
    let name = node_name(i);
    let mut labels = json!({
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
    });
    for (k, v) in &c.node_labels {
        labels[k] = json!(v);
    }
    let taints: Vec<Value> = c
        .node_taints
        .iter()
        .map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect}))
        .collect();
    let mut spec =
        json!({"podCIDR": format!("10.244.{i}.0/24"), "podCIDRs": [format!("10.244.{i}.0/24")]});
    if !taints.is_empty() {
        spec["taints"] = json!(taints);
    }
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
    })
}

fn status(cx: &Ctx, i: usize) -> Value {
    let c = &cx.config;
    let now = cx.clock.now_rfc3339();
    let resources = json!({
        "cpu": c.node_cpu, "memory": c.node_memory, "pods": c.node_pods.to_string(),
        "ephemeral-storage": "100Gi",
    });
    let cond = |t: &str, s: &str, reason: &str, message: &str| {
        json!({"type": t, "status": s, "reason": reason, "message": message,
            "lastHeartbeatTime": now, "lastTransitionTime": now})
    };
    json!({
        "capacity": resources,
        "allocatable": resources,
        "conditions": [
            cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ],
        "addresses": [
            {"type": "InternalIP", "address": format!("172.18.0.{}", i + 2)},
            {"type": "Hostname", "address": node_name(i)},
        ],
        "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
        "nodeInfo": {
            "machineID": format!("sim{i:029}"), "systemUUID": format!("sim-{i}"), "bootID": format!("boot-{i}"),
            "kernelVersion": "6.8.0", "osImage": "client-testserver simulation",
            "containerRuntimeVersion": "simulated://1.0", "kubeletVersion": "v1.33.0",
            "kubeProxyVersion": "", "operatingSystem": "linux", "architecture": "amd64",
        },
    })
}

impl Controller for NodeController {
    type Key = String;
    const MANAGER: &'static str = "node-controller";
    const WATCHES: &'static [&'static str] = &[res::NODES];

    fn keys(_change: &Change, _cache: &Cache, _out: &mut Vec<String>) {}

    fn start(&mut self, cx: &Ctx) -> Result<(), ApiError> {
        for i in 0..cx.config.nodes {
            let created = match cx.api.create(res::NODES, node(cx, i)) {
                Ok(n) => n,
                Err(e) if e.code == 409 => continue,
                Err(e) => return Err(e),
            };
            let mut with_status = created;
            with_status["status"] = status(cx, i);
            cx.api.update_status(res::NODES, with_status)?;
        }
        Ok(())
    }

    fn reconcile(&mut self, _key: &String, _cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        Ok(None)
    }
}
