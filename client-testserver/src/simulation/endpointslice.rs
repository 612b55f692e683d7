//! The EndpointSlice controller: one `discovery.k8s.io/v1` EndpointSlice
//! per Service with a selector, listing every matching pod that has an IP
//! and has not finished, with `conditions.ready` (Ready and not being
//! deleted), `serving` and `terminating` from the pod, its node and a
//! `targetRef`; ports from the Service (a named `targetPort` resolved on
//! the pods' containers). The v1 Endpoints object is not written.

use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, deleting, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, labels, pod_ready};
use crate::simulation::replicaset::owner_key;
use crate::storage::store::ObjectKey;

/// The EndpointSlice controller.
pub(crate) struct EndpointSliceController;

const MANAGED_BY: &str = "endpointslice-controller.k8s.io";

/// Whether Service `svc`'s selector (a plain map) selects `pod`.
fn selects(svc: &Value, pod: &Value) -> bool {
    let Some(sel) = svc.pointer("/spec/selector").and_then(Value::as_object) else {
        return false;
    };
    if sel.is_empty() {
        return false;
    }
    let pod_labels = labels(pod);
    sel.iter()
        .all(|(k, v)| pod_labels.and_then(|l| l.get(k)) == Some(v))
}

fn endpoint(pod: &Value) -> Value {
    let ready = pod_ready(pod);
    let mut e = json!({
        "addresses": [str_at(pod, "/status/podIP").unwrap_or_default()],
        "conditions": {
            "ready": ready,
            "serving": objects::condition_true(pod, "Ready"),
            "terminating": deleting(pod),
        },
        "targetRef": {
            "kind": "Pod",
            "namespace": str_at(pod, "/metadata/namespace").unwrap_or_default(),
            "name": objects::name(pod),
            "uid": objects::uid(pod),
        },
    });
    if let Some(node) = str_at(pod, "/spec/nodeName") {
        e["nodeName"] = json!(node);
    }
    e
}

/// The Service's ports with each `targetPort` resolved (a name looked up
/// in the first pod's container ports).
fn ports(svc: &Value, pods: &[&Value]) -> Vec<Value> {
    let service_ports = svc.pointer("/spec/ports").and_then(Value::as_array);
    service_ports
        .into_iter()
        .flatten()
        .map(|p| {
            let port = p.get("port").and_then(Value::as_i64).unwrap_or(0);
            let target = match p.get("targetPort") {
                Some(Value::Number(n)) => n.as_i64().unwrap_or(port),
                Some(Value::String(name)) => pods
                    .iter()
                    .flat_map(|pod| {
                        pod.pointer("/spec/containers")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .flat_map(|c| {
                        c.get("ports")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                    })
                    .find(|cp| cp.get("name").and_then(Value::as_str) == Some(name.as_str()))
                    .and_then(|cp| cp.get("containerPort").and_then(Value::as_i64))
                    .unwrap_or(port),
                _ => port,
            };
            json!({
                "name": p.get("name").and_then(Value::as_str).unwrap_or_default(),
                "port": target,
                "protocol": p.get("protocol").and_then(Value::as_str).unwrap_or("TCP"),
            })
        })
        .collect()
}

impl Controller for EndpointSliceController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "endpointslice-controller";
    const WATCHES: &'static [&'static str] = &[res::SERVICES, res::PODS, res::ENDPOINTSLICES];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        match change.resource.as_ref() {
            res::SERVICES => out.push(objects::key(&change.obj)),
            res::ENDPOINTSLICES => owner_key(change, cache, "Service", out),
            _ => {
                let ns = str_at(&change.obj, "/metadata/namespace").unwrap_or_default();
                for svc in cache.list(res::SERVICES, Some(ns)) {
                    let before = change.prev.as_deref().is_some_and(|p| selects(&svc, p));
                    if before || selects(&svc, &change.obj) {
                        out.push(objects::key(&svc));
                    }
                }
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let (svc, pods, existing) = {
            let cache = cx.cache();
            let Some(svc) = cache.get(res::SERVICES, key) else {
                return Ok(None);
            };
            let pods = cache.list(res::PODS, Some(&key.0));
            let existing = cache.owned(res::ENDPOINTSLICES, objects::uid(&svc));
            (svc, pods, existing)
        };
        if svc
            .pointer("/spec/selector")
            .and_then(Value::as_object)
            .is_none_or(|s| s.is_empty())
            || deleting(&svc)
        {
            return Ok(None);
        }
        let mut members: Vec<&Value> = pods
            .iter()
            .map(|p| p.as_ref())
            .filter(|p| selects(&svc, p) && !pod_terminal(p))
            .filter(|p| str_at(p, "/status/podIP").is_some_and(|ip| !ip.is_empty()))
            .collect();
        members.sort_by_key(|p| objects::name(p).to_string());
        let endpoints: Vec<Value> = members.iter().map(|p| endpoint(p)).collect();
        let ports = ports(&svc, &members);
        match existing.first() {
            Some(slice) => {
                if slice.get("endpoints") == Some(&json!(endpoints))
                    && slice.get("ports") == Some(&json!(ports))
                {
                    return Ok(None);
                }
                let mut next = (**slice).clone();
                next["endpoints"] = json!(endpoints);
                next["ports"] = json!(ports);
                cx.api.update(res::ENDPOINTSLICES, next).map(|_| None)
            }
            None => {
                let slice = json!({
                    "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                    "metadata": {
                        "generateName": format!("{}-", key.1),
                        "namespace": key.0,
                        "labels": {
                            "kubernetes.io/service-name": key.1,
                            "endpointslice.kubernetes.io/managed-by": MANAGED_BY,
                        },
                        "ownerReferences": [objects::controller_ref(&svc, "v1", "Service")],
                    },
                    "addressType": "IPv4",
                    "endpoints": endpoints,
                    "ports": ports,
                });
                cx.api.create(res::ENDPOINTSLICES, slice).map(|_| None)
            }
        }
    }
}
