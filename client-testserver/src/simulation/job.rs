//! The Job controller: up to `parallelism` pods at a time until
//! `completions` succeed (one, when unset), `backoffLimit` (default 6)
//! failed pods at most, `suspend` honoured; the status counts (`active`,
//! `ready`, `succeeded`, `failed`, `startTime`, `completionTime`) and the
//! `SuccessCriteriaMet`/`Complete` or `FailureTarget`/`Failed` conditions
//! with kube's reasons and messages. Pod outcomes come from the kubelet's
//! settings ([`crate::Simulation::job_outcome`], the fail label).

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, deleting, pod_terminal, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::objects::{self, condition_true, int, pod_ready, set_condition};
use crate::simulation::replicaset::owner_key;
use crate::storage::store::ObjectKey;

/// The Job controller.
pub(crate) struct JobController;

/// Whether a Job has finished (`Complete` or `Failed`).
pub(crate) fn finished(job: &Value) -> bool {
    condition_true(job, "Complete") || condition_true(job, "Failed")
}

fn phase_count(pods: &[Arc<Value>], phase: &str) -> i64 {
    pods.iter()
        .filter(|p| str_at(p, "/status/phase") == Some(phase))
        .count() as i64
}

impl Controller for JobController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "job-controller";
    const WATCHES: &'static [&'static str] = &[res::JOBS, res::PODS];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        if change.resource.as_ref() == res::JOBS {
            out.push(objects::key(&change.obj));
        } else {
            owner_key(change, cache, "Job", out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(job) = cx.cache().get(res::JOBS, key) else {
            return Ok(None);
        };
        if finished(&job) || deleting(&job) {
            return Ok(None);
        }
        let pods = cx.cache().owned(res::PODS, objects::uid(&job));
        let active: Vec<&Arc<Value>> = pods
            .iter()
            .filter(|p| !pod_terminal(p) && !deleting(p))
            .collect();
        let succeeded = phase_count(&pods, "Succeeded");
        let failed = phase_count(&pods, "Failed");
        let completions = job.pointer("/spec/completions").and_then(Value::as_i64);
        let parallelism = int(&job, "/spec/parallelism", 1).max(0);
        let backoff_limit = int(&job, "/spec/backoffLimit", 6);
        let suspended = job.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
        let now = cx.clock.now_rfc3339();
        let mut next = (*job).clone();
        let failed_out = failed > backoff_limit;
        let succeeded_out = match completions {
            Some(c) => succeeded >= c,
            None => succeeded >= 1 && active.is_empty(),
        };
        if failed_out || succeeded_out {
            for p in &active {
                let opts = json!({"preconditions": {"uid": objects::uid(p)}});
                cx.api
                    .delete(res::PODS, Some(&key.0), objects::name(p), opts)?;
            }
            if failed_out {
                let msg = "Job has reached the specified backoff limit";
                set_condition(
                    &mut next,
                    "FailureTarget",
                    "True",
                    "BackoffLimitExceeded",
                    msg,
                    &now,
                );
                set_condition(
                    &mut next,
                    "Failed",
                    "True",
                    "BackoffLimitExceeded",
                    msg,
                    &now,
                );
            } else {
                let msg = "Reached expected number of succeeded pods";
                set_condition(
                    &mut next,
                    "SuccessCriteriaMet",
                    "True",
                    "CompletionsReached",
                    msg,
                    &now,
                );
                set_condition(
                    &mut next,
                    "Complete",
                    "True",
                    "CompletionsReached",
                    msg,
                    &now,
                );
                next["status"]["completionTime"] = json!(now);
            }
        } else if !suspended {
            let wanted = match completions {
                Some(c) => parallelism.min(c - succeeded),
                None if succeeded == 0 => parallelism,
                None => 0,
            }
            .max(0) as usize;
            if active.len() < wanted {
                let template = job.pointer("/spec/template").cloned().unwrap_or(json!({}));
                let uid = objects::uid(&job).to_string();
                let labels = [
                    ("batch.kubernetes.io/controller-uid", uid.clone()),
                    ("batch.kubernetes.io/job-name", key.1.clone()),
                    ("controller-uid", uid),
                    ("job-name", key.1.clone()),
                ];
                let owner = objects::controller_ref(&job, "batch/v1", "Job");
                for _ in active.len()..wanted {
                    let pod = objects::pod_from_template(
                        &template,
                        &key.0,
                        None,
                        &format!("{}-", key.1),
                        &labels,
                        owner.clone(),
                    );
                    cx.api.create(res::PODS, pod)?;
                }
            }
        }
        let status = &mut next["status"];
        if status.get("startTime").is_none() && !suspended {
            status["startTime"] = json!(now);
        }
        let finishing = failed_out || succeeded_out;
        status["active"] = json!(if finishing { 0 } else { active.len() });
        status["ready"] = json!(active.iter().filter(|p| pod_ready(p)).count());
        status["succeeded"] = json!(succeeded);
        status["failed"] = json!(failed);
        status["terminating"] = json!(0);
        status["uncountedTerminatedPods"] = json!({});
        if next == *job {
            return Ok(None);
        }
        cx.api.update_status(res::JOBS, next).map(|_| None)
    }
}
