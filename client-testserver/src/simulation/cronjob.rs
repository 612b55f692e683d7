//! The CronJob controller: a Job named `{cronjob}-{minutes since the
//! epoch}` at each scheduled time of the simulation's clock (the most
//! recent one when several were missed), `concurrencyPolicy` (`Allow`,
//! `Forbid`, `Replace`), `suspend`, `successfulJobsHistoryLimit` (3) and
//! `failedJobsHistoryLimit` (1), and the status `active`,
//! `lastScheduleTime`, `lastSuccessfulTime`. A timer is armed only for
//! the next scheduled time.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::backend::str_at;
use crate::simulation::cache::{Cache, Change, deleting, res};
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::cron::Schedule;
use crate::simulation::job::finished;
use crate::simulation::objects::{self, condition_true, int};
use crate::simulation::replicaset::owner_key;
use crate::storage::store::ObjectKey;

/// The CronJob controller.
pub(crate) struct CronJobController;

fn time_at(obj: &Value, pointer: &str) -> Option<Timestamp> {
    str_at(obj, pointer).and_then(|t| t.parse().ok())
}

/// The latest scheduled time in `(after, now]`, looking back at most a
/// week (kube, too, starts only the most recent missed run).
fn latest_due(schedule: &Schedule, after: Timestamp, now: Timestamp) -> Option<Timestamp> {
    let week_ago = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
        .ok()?;
    let mut t = schedule.next_after(after.max(week_ago))?;
    if t > now {
        return None;
    }
    while let Some(n) = schedule.next_after(t).filter(|n| *n <= now) {
        t = n;
    }
    Some(t)
}

fn job_ref(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "name": objects::name(job),
        "namespace": str_at(job, "/metadata/namespace").unwrap_or_default(),
        "uid": objects::uid(job),
        "resourceVersion": str_at(job, "/metadata/resourceVersion").unwrap_or_default(),
    })
}

impl CronJobController {
    fn create_job(&self, cj: &Value, at: Timestamp, cx: &Ctx) -> Result<(), ApiError> {
        let (ns, name) = objects::key(cj);
        let template = cj
            .pointer("/spec/jobTemplate")
            .cloned()
            .unwrap_or(json!({}));
        let mut meta = template
            .get("metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        meta.insert(
            "name".into(),
            json!(format!("{name}-{}", at.as_second() / 60)),
        );
        meta.insert("namespace".into(), json!(ns));
        let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
        annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"] =
            json!(crate::meta::timefmt::format_rfc3339(at));
        meta.insert(
            "ownerReferences".into(),
            json!([objects::controller_ref(cj, "batch/v1", "CronJob")]),
        );
        let job = json!({
            "apiVersion": "batch/v1", "kind": "Job",
            "metadata": meta,
            "spec": template.get("spec").cloned().unwrap_or(json!({})),
        });
        match cx.api.create(res::JOBS, job) {
            Ok(_) => Ok(()),
            // Made on an earlier pass whose status write was lost.
            Err(e) if e.reason == "AlreadyExists" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Deletes finished Jobs beyond the history limits, oldest first.
    fn prune(&self, cj: &Value, jobs: &[Arc<Value>], cx: &Ctx) -> Result<(), ApiError> {
        for (failed, limit) in [
            (false, int(cj, "/spec/successfulJobsHistoryLimit", 3)),
            (true, int(cj, "/spec/failedJobsHistoryLimit", 1)),
        ] {
            let mut done: Vec<&Arc<Value>> = jobs
                .iter()
                .filter(|j| !deleting(j))
                .filter(|j| condition_true(j, if failed { "Failed" } else { "Complete" }))
                .collect();
            done.sort_by_key(|j| objects::name(j).to_string());
            let extra = done.len().saturating_sub(limit.max(0) as usize);
            for j in &done[..extra] {
                let (ns, name) = objects::key(j);
                let opts = json!({"propagationPolicy": "Background"});
                cx.api.delete(res::JOBS, Some(&ns), &name, opts)?;
            }
        }
        Ok(())
    }
}

impl Controller for CronJobController {
    type Key = ObjectKey;
    const MANAGER: &'static str = "cronjob-controller";
    const WATCHES: &'static [&'static str] = &[res::CRONJOBS, res::JOBS];

    fn keys(change: &Change, cache: &Cache, out: &mut Vec<ObjectKey>) {
        if change.resource.as_ref() == res::CRONJOBS {
            out.push(objects::key(&change.obj));
        } else {
            owner_key(change, cache, "CronJob", out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, cx: &Ctx) -> Result<Option<Duration>, ApiError> {
        let Some(cj) = cx.cache().get(res::CRONJOBS, key) else {
            return Ok(None);
        };
        if deleting(&cj) {
            return Ok(None);
        }
        let schedule = match Schedule::parse(str_at(&cj, "/spec/schedule").unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!(cronjob = %key.1, error = %e, "simulation: unparseable schedule");
                return Ok(None);
            }
        };
        let jobs = cx.cache().owned(res::JOBS, objects::uid(&cj));
        let active: Vec<&Arc<Value>> = jobs
            .iter()
            .filter(|j| !finished(j) && !deleting(j))
            .collect();
        let now = cx.clock.now();
        let last = time_at(&cj, "/status/lastScheduleTime")
            .or_else(|| time_at(&cj, "/metadata/creationTimestamp"))
            .unwrap_or(now);
        let suspended = cj.pointer("/spec/suspend").and_then(Value::as_bool) == Some(true);
        let mut next = (*cj).clone();
        if !suspended && let Some(at) = latest_due(&schedule, last, now) {
            let policy = str_at(&cj, "/spec/concurrencyPolicy").unwrap_or("Allow");
            let skip = policy == "Forbid" && !active.is_empty();
            if !skip {
                if policy == "Replace" {
                    for j in &active {
                        let (ns, name) = objects::key(j);
                        cx.api.delete(
                            res::JOBS,
                            Some(&ns),
                            &name,
                            json!({"propagationPolicy": "Background"}),
                        )?;
                    }
                }
                self.create_job(&cj, at, cx)?;
                next["status"]["lastScheduleTime"] =
                    json!(crate::meta::timefmt::format_rfc3339(at));
            }
        }
        self.prune(&cj, &jobs, cx)?;
        let refs: Vec<Value> = active.iter().map(|j| job_ref(j)).collect();
        if refs.is_empty() {
            if let Some(Value::Object(s)) = next.get_mut("status") {
                s.remove("active");
            }
        } else {
            next["status"]["active"] = json!(refs);
        }
        let last_success = jobs
            .iter()
            .filter(|j| condition_true(j, "Complete"))
            .filter_map(|j| str_at(j, "/status/completionTime"))
            .max();
        if let Some(t) = last_success {
            next["status"]["lastSuccessfulTime"] = json!(t);
        }
        if next != *cj {
            cx.api.update_status(res::CRONJOBS, next)?;
        }
        let wake = schedule.next_after(now).map(|t| cx.clock.until(t));
        // A little past the minute, so the clock reads it as due.
        Ok(wake.map(|d| d + Duration::from_millis(1)))
    }
}
