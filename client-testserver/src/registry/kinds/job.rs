//! `batch/v1` Job: `SetDefaults_Job` (batch/v1/defaults.go), the selector
//! and labels generated on create, `DefaultGarbageCollectionPolicy`
//! (orphan for batch/v1) and the `status.successful` field selector
//! (job/strategy.go), `ValidateJob`/`ValidateJobUpdate`
//! (batch/validation/validation.go), `printJob` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::{FieldErrors, go_label_selector};
use crate::registry::kinds::pod_template::{default_template, validate_template};
use crate::registry::kinds::printing::{
    age, age_column, column, condition_true, container_cells, deleting, int_cell, selector_cell,
    template_columns,
};
use crate::registry::kinds::value::{child, default, int_at, missing, name_of, str_at};
use crate::registry::kinds::workload::{non_negative, selects};

/// The label naming the Job's pods' controller (what the selector selects).
const CONTROLLER_UID: &str = "batch.kubernetes.io/controller-uid";

/// Sets the Job strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.field_selectors = vec![("status.successful".into(), "status.succeeded".into())];
    row.printer_columns = vec![
        column("Status", "string", 0, "Status of the job."),
        column(
            "Completions",
            "string",
            0,
            "The number of pods which reached phase Succeeded.",
        ),
        column(
            "Duration",
            "string",
            0,
            "Time required to complete the job.",
        ),
        age_column(),
    ];
    row.printer_columns.extend(template_columns(Some(
        "A label query over pods that should match the pod count.",
    )));
    row.hooks = &JOB_HOOKS;
}

/// `validateJobPodTemplateSpec`'s rule: pods that restart on failure or never.
pub(crate) fn validate_job_template(
    obj: &Value,
    pointer: &str,
    path: &str,
    errs: &mut FieldErrors,
) {
    validate_template(obj, pointer, path, errs);
    let policy = str_at(obj, &format!("{pointer}/spec/restartPolicy"));
    if !policy.is_empty() && policy != "OnFailure" && policy != "Never" {
        errs.not_supported(
            format!("{path}.spec.restartPolicy"),
            policy,
            &["OnFailure", "Never"],
        );
    }
}

struct JobHooks;

static JOB_HOOKS: JobHooks = JobHooks;

impl KindHooks for JobHooks {
    fn default(&self, obj: &mut Value) {
        let template_labels = obj.pointer("/spec/template/metadata/labels").cloned();
        if let Some(labels) = template_labels.filter(Value::is_object)
            && obj
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .is_none_or(|m| m.is_empty())
        {
            obj["metadata"]["labels"] = labels;
        }
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        if missing(spec.get("completions")) && missing(spec.get("parallelism")) {
            spec["completions"] = json!(1);
        }
        default(spec, "parallelism", json!(1));
        let backoff = if missing(spec.get("backoffLimitPerIndex")) {
            6
        } else {
            i64::from(i32::MAX)
        };
        default(spec, "backoffLimit", json!(backoff));
        default(spec, "completionMode", json!("NonIndexed"));
        default(spec, "suspend", json!(false));
        let replacement = if missing(spec.get("podFailurePolicy")) {
            "TerminatingOrFailed"
        } else {
            "Failed"
        };
        default(spec, "podReplacementPolicy", json!(replacement));
        default(spec, "manualSelector", json!(false));
        default_template(spec.get_mut("template"));
    }

    /// `generateSelectorIfNeeded`: unless `manualSelector`, the template
    /// gets the job-name and controller-uid labels (legacy and prefixed)
    /// and the selector the prefixed controller-uid.
    fn prepare_for_create(&self, obj: &mut Value) {
        if obj.pointer("/spec/manualSelector") == Some(&json!(true)) {
            return;
        }
        let name = name_of(obj).to_string();
        let uid = str_at(obj, "/metadata/uid").to_string();
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        if let Some(labels) = child(spec, "template")
            .and_then(|t| child(t, "metadata"))
            .and_then(|m| child(m, "labels"))
        {
            for (k, v) in [
                ("job-name", &name),
                ("batch.kubernetes.io/job-name", &name),
                ("controller-uid", &uid),
                (CONTROLLER_UID, &uid),
            ] {
                default(labels, k, json!(v));
            }
        }
        if let Some(ml) = child(spec, "selector").and_then(|s| child(s, "matchLabels")) {
            default(ml, CONTROLLER_UID, json!(uid));
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
        for f in ["parallelism", "completions", "backoffLimit"] {
            non_negative(obj, &format!("/spec/{f}"), &format!("spec.{f}"), &mut errs);
        }
        let manual = obj.pointer("/spec/manualSelector") == Some(&json!(true));
        match obj.pointer("/spec/selector").filter(|s| !s.is_null()) {
            None => errs.required("spec.selector"),
            Some(sel) => {
                let uid = str_at(obj, "/metadata/uid");
                if !manual && *sel != json!({"matchLabels": {CONTROLLER_UID: uid}}) {
                    errs.invalid(
                        "spec.selector",
                        go_label_selector(Some(sel)),
                        "`selector` not auto-generated",
                    );
                } else if !selects(sel, obj.pointer("/spec/template/metadata/labels")) {
                    errs.invalid(
                        "spec.template.metadata.labels",
                        crate::registry::kinds::field_errors::go_string_map(
                            obj.pointer("/spec/template/metadata/labels"),
                        ),
                        "`selector` does not match template `labels`",
                    );
                }
            }
        }
        validate_job_template(obj, "/spec/template", "spec.template", &mut errs);
        if let Some(old) = old {
            crate::registry::kinds::workload::immutable_selector(old, obj, &mut errs);
            if old.pointer("/spec/template") != obj.pointer("/spec/template") {
                // The value is Go's %#v of the whole core.PodTemplateSpec; elided here.
                errs.invalid(
                    "spec.template",
                    "core.PodTemplateSpec{...}".into(),
                    "field is immutable",
                );
            }
            let indexed = str_at(obj, "/spec/completionMode") == "Indexed";
            let (oc, nc) = (
                int_at(old, "/spec/completions"),
                int_at(obj, "/spec/completions"),
            );
            if !indexed && oc != nc {
                let v = nc.map_or_else(|| "null".to_string(), |n| n.to_string());
                errs.invalid("spec.completions", v, "field is immutable");
            }
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let succeeded = int_at(obj, "/status/succeeded").unwrap_or(0);
        let completions = match (
            int_at(obj, "/spec/completions"),
            int_at(obj, "/spec/parallelism"),
        ) {
            (Some(c), _) => format!("{succeeded}/{c}"),
            (None, None) => format!("{succeeded}/1"),
            (None, Some(p)) => format!("{succeeded}/1 of {p}"),
        };
        let duration = job_duration(obj);
        let cond = |t: &str| condition_true(obj, "/status/conditions", t);
        let status = if cond("Complete") {
            "Complete"
        } else if cond("Failed") {
            "Failed"
        } else if deleting(obj) {
            "Terminating"
        } else if cond("Suspended") {
            "Suspended"
        } else if cond("FailureTarget") {
            "FailureTarget"
        } else if cond("SuccessCriteriaMet") {
            "SuccessCriteriaMet"
        } else {
            "Running"
        };
        let [containers, images] = container_cells(obj, "/spec/template/spec");
        Some(vec![
            json!(status),
            json!(completions),
            json!(duration),
            age(obj),
            containers,
            images,
            selector_cell(obj, "/spec/selector"),
        ])
    }

    fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        (field == "status.successful").then(|| int_cell(obj, "/status/succeeded").to_string())
    }

    fn orphans_by_default(&self) -> bool {
        true
    }
}

/// The `Duration` cell: start to completion (or to now), empty before start.
fn job_duration(obj: &Value) -> String {
    let ts = |p: &str| str_at(obj, p).parse::<jiff::Timestamp>().ok();
    let Some(start) = ts("/status/startTime") else {
        return String::new();
    };
    let end = ts("/status/completionTime").unwrap_or_else(jiff::Timestamp::now);
    let secs = end.duration_since(start).as_secs().max(0).unsigned_abs();
    crate::output::table::human_duration(std::time::Duration::from_secs(secs))
}
