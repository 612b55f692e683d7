//! The pod subresources that are not a part of the pod: `binding` (and the
//! `bindings` resource), `eviction`, `log`, and the answer of those that
//! need a kubelet.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::meta::label_selector::selector_string;
use crate::meta::selector::LabelSelector;
use crate::registry::Backend;
use crate::registry::backend::{Deleted, Part, meta, parse, str_at};
use crate::registry::kind::ResourceKind;
use crate::registry::read::ListRequest;
use crate::registry::subresources::created_status;
use crate::registry::writer::Writer;

/// The served `pods` row.
fn pods(backend: &Backend) -> Result<Arc<ResourceKind>, ApiError> {
    backend
        .registry
        .by_resource("", "pods")
        .ok_or_else(|| ApiError::not_found("", "pods", ""))
}

/// `ValidatePodBinding`: the target is a Node and has a name.
fn validate_binding(name: &str, binding: &Value) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    let kind = str_at(binding, "/target/kind").unwrap_or_default();
    if !kind.is_empty() && kind != "Node" {
        causes.push((
            "target.kind".to_string(),
            format!("Unsupported value: {kind:?}: supported values: \"Node\", \"<empty>\""),
        ));
    }
    if str_at(binding, "/target/name").is_none_or(str::is_empty) {
        causes.push(("target.name".to_string(), "Required value".to_string()));
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid("", "Binding", name, &causes))
    }
}

impl Backend {
    /// Binds pod `name` to the node a `v1.Binding` names, as the scheduler
    /// does (`POST pods/{name}/binding`, or `POST bindings` with the pod's
    /// name as the Binding's): sets `spec.nodeName`, adds the Binding's
    /// annotations and a `PodScheduled` condition.
    ///
    /// # Errors
    /// 400 when the Binding names another pod, 422 for a bad target, 404
    /// for a missing pod, 409 when it is bound already or being deleted.
    pub(crate) fn bind_pod(
        &self,
        ns: Option<&str>,
        name: &str,
        binding: &Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        if let Some(b) = str_at(binding, "/metadata/name").filter(|b| !b.is_empty() && *b != name) {
            return Err(ApiError::bad_request(format!(
                "name in URL does not match name in Binding object: {b} != {name}"
            )));
        }
        validate_binding(name, binding)?;
        let node = str_at(binding, "/target/name")
            .unwrap_or_default()
            .to_string();
        let annotations = binding
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let kind = pods(self)?;
        let pod = name.to_string();
        self.modify(&kind, ns, name, dry_run, &Writer::default(), move |old| {
            if old.pointer("/metadata/deletionTimestamp").is_some() {
                return Err(ApiError::conflict_because(
                    "",
                    "pods",
                    &pod,
                    &format!("pod {pod} is being deleted, cannot be assigned to a host"),
                ));
            }
            if let Some(bound) = str_at(old, "/spec/nodeName").filter(|n| !n.is_empty()) {
                return Err(ApiError::conflict_because(
                    "",
                    "pods",
                    &pod,
                    &format!("pod {pod} is already assigned to node {bound:?}"),
                ));
            }
            let mut new = old.clone();
            new["spec"]["nodeName"] = json!(node);
            if !annotations.is_empty() {
                let m = meta(&mut new);
                let a = m.entry("annotations").or_insert_with(|| json!({}));
                if let Value::Object(a) = a {
                    a.extend(annotations);
                }
            }
            set_scheduled(&mut new);
            Ok((new, Part::Computed))
        })?;
        Ok(created_status())
    }

    /// Evicts pod `name` (`POST pods/{name}/eviction` with a `policy/v1`
    /// Eviction): deletes it with the Eviction's `deleteOptions` unless its
    /// PodDisruptionBudget forbids it. A pod that is `Pending`, `Succeeded`
    /// or `Failed` (every pod here until something writes its status) is
    /// deleted without looking at budgets, as kube-apiserver's
    /// `canIgnorePDB` says.
    ///
    /// # Errors
    /// 400 when the Eviction names another pod, 404, 429 when the budget
    /// allows no disruption (or has no status yet), 500 for a pod under
    /// more than one budget.
    pub(crate) fn evict_pod(
        &self,
        ns: Option<&str>,
        name: &str,
        eviction: &Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        if str_at(eviction, "/metadata/name").is_some_and(|b| b != name) {
            return Err(ApiError::bad_request(
                "name in URL does not match name in Eviction object",
            ));
        }
        let kind = pods(self)?;
        let pod = self.get(&kind, ns, name)?;
        let phase = str_at(&pod, "/status/phase").unwrap_or("Pending");
        let ignore_budgets = matches!(phase, "Pending" | "Succeeded" | "Failed")
            || pod.pointer("/metadata/deletionTimestamp").is_some();
        if !ignore_budgets {
            self.take_disruption(ns, name, &pod, dry_run)?;
        }
        let options = eviction.get("deleteOptions").cloned().unwrap_or(json!({}));
        match self.delete(&kind, ns, name, &options, dry_run)? {
            Deleted::Gone(_) | Deleted::Pending(_) => Ok(created_status()),
        }
    }

    /// The disruption budget check of an eviction: the one budget whose
    /// selector matches the pod must allow a disruption, which it then
    /// spends (`status.disruptionsAllowed`, `status.disruptedPods`).
    fn take_disruption(
        &self,
        ns: Option<&str>,
        pod_name: &str,
        pod: &Value,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let Some(pdbs) = self.registry.by_resource("policy", "poddisruptionbudgets") else {
            return Ok(());
        };
        let labels = pod
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let page = self.list(
            &pdbs,
            &ListRequest {
                namespace: ns,
                ..ListRequest::default()
            },
        )?;
        let matching: Vec<Value> = page
            .items
            .iter()
            .map(parse)
            .filter(|pdb| {
                pdb.pointer("/spec/selector")
                    .and_then(selector_string)
                    .filter(|s| !s.is_empty())
                    .and_then(|s| LabelSelector::parse(&s).ok())
                    .is_some_and(|sel| sel.matches(&labels))
            })
            .collect();
        let pdb = match matching.as_slice() {
            [] => return Ok(()),
            [one] => one,
            _ => {
                return Err(ApiError::internal(
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ));
            }
        };
        let pdb_name = str_at(pdb, "/metadata/name")
            .unwrap_or_default()
            .to_string();
        let generation = pdb
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let observed = pdb
            .pointer("/status/observedGeneration")
            .and_then(Value::as_i64);
        if observed.is_none_or(|o| o < generation) {
            return Err(too_many_requests(&format!(
                "The disruption budget {pdb_name} is still being processed by the server."
            )));
        }
        let allowed = pdb
            .pointer("/status/disruptionsAllowed")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if allowed <= 0 {
            let desired = pdb
                .pointer("/status/desiredHealthy")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let current = pdb
                .pointer("/status/currentHealthy")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            return Err(too_many_requests(&format!(
                "The disruption budget {pdb_name} needs {desired} healthy pods and has {current} currently"
            )));
        }
        let pod_name = pod_name.to_string();
        self.modify(
            &pdbs,
            ns,
            &pdb_name,
            dry_run,
            &Writer::default(),
            move |old| {
                let mut new = old.clone();
                new["status"]["disruptionsAllowed"] = json!(allowed - 1);
                let disrupted = &mut new["status"]["disruptedPods"];
                if !disrupted.is_object() {
                    *disrupted = json!({});
                }
                disrupted[pod_name] = json!(crate::meta::timefmt::now_rfc3339());
                Ok((new, Part::Status))
            },
        )?;
        Ok(())
    }

    /// Checks a log read of pod `name`: the pod exists and the container
    /// is one of its own (or the only one). There is no kubelet, so the
    /// log is always empty, as kube-apiserver answers for a pod not yet
    /// bound to a node.
    ///
    /// # Errors
    /// 404 for a missing pod, 400 for a missing or unknown container.
    pub(crate) fn pod_log(
        &self,
        ns: Option<&str>,
        name: &str,
        req: &LogRequest<'_>,
    ) -> Result<String, ApiError> {
        let pod = self.get(&*pods(self)?, ns, name)?;
        let names = |list: &str| -> Vec<String> {
            pod.pointer(&format!("/spec/{list}"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let containers = names("containers");
        match req.container.filter(|c| !c.is_empty()) {
            None if containers.len() > 1 => Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                containers.join(" ")
            ))),
            None => Ok(String::new()),
            Some(c) => {
                let known = ["containers", "initContainers", "ephemeralContainers"]
                    .iter()
                    .any(|l| names(l).iter().any(|n| n == c));
                if known {
                    Ok(String::new())
                } else {
                    Err(ApiError::bad_request(format!(
                        "container {c} is not valid for pod {name}"
                    )))
                }
            }
        }
    }
}

/// The query of a log read that the server looks at.
pub(crate) struct LogRequest<'a> {
    /// `container`.
    pub container: Option<&'a str>,
}

/// Sets the pod's `PodScheduled` condition to `True`.
fn set_scheduled(pod: &mut Value) {
    let now = crate::meta::timefmt::now_rfc3339();
    let conditions = &mut pod["status"]["conditions"];
    if !conditions.is_array() {
        *conditions = json!([]);
    }
    if let Value::Array(list) = conditions {
        list.retain(|c| c.get("type").and_then(Value::as_str) != Some("PodScheduled"));
        list.push(json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}));
    }
}

/// An eviction refused by a disruption budget: 429 with a
/// `DisruptionBudget` cause and no Retry-After, as kube-apiserver answers.
fn too_many_requests(cause: &str) -> ApiError {
    ApiError::new(
        429,
        "TooManyRequests",
        "Cannot evict pod as it would violate the pod's disruption budget.",
    )
    .with_cause("DisruptionBudget", cause, "")
}

/// The answer of a subresource that needs a kubelet (`exec`, `attach`,
/// `portforward`, `proxy`): there are no nodes. A pod not bound to a node
/// gets kube-apiserver's own 400; anything else a 503 that says why.
///
/// # Errors
/// Always.
pub(crate) fn no_node(
    backend: &Backend,
    kind: &ResourceKind,
    ns: Option<&str>,
    name: &str,
    sub: &str,
) -> ApiError {
    let obj = match backend.get(kind, ns, name) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if kind.group.is_empty()
        && kind.plural == "pods"
        && str_at(&obj, "/spec/nodeName").is_none_or(str::is_empty)
    {
        return ApiError::bad_request(format!("pod {name} does not have a host assigned"));
    }
    ApiError::new(
        503,
        "ServiceUnavailable",
        format!(
            "{}/{sub} needs a node: the test server runs no kubelet and no proxy",
            kind.plural
        ),
    )
}
