//! `batch/v1` CronJob: `SetDefaults_CronJob` (batch/v1/defaults.go),
//! `ValidateCronJobCreate`/`ValidateCronJobUpdate`
//! (batch/validation/validation.go), `printCronJob` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::{FieldErrors, go_str};
use crate::registry::kinds::job::validate_job_template;
use crate::registry::kinds::pod_template::default_template;
use crate::registry::kinds::printing::{
    age, age_at, age_column, column, container_cells, items_len, selector_cell, str_or,
    template_columns,
};
use crate::registry::kinds::value::{child, default, default_str, name_of, str_at};
use crate::registry::kinds::workload::non_negative;

/// The longest CronJob name (its Jobs append an 11-character suffix).
const MAX_NAME: usize = 52;

/// Sets the CronJob strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column(
            "Schedule",
            "string",
            0,
            "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.",
        ),
        column(
            "Timezone",
            "string",
            0,
            "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.",
        ),
        column(
            "Suspend",
            "boolean",
            0,
            "This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.  Defaults to false.",
        ),
        column(
            "Active",
            "integer",
            0,
            "A list of pointers to currently running jobs.",
        ),
        column(
            "Last Schedule",
            "string",
            0,
            "Information when was the last time the job was successfully scheduled.",
        ),
        age_column(),
    ];
    row.printer_columns.extend(template_columns(Some(
        "A label query over pods that should match the pod count.",
    )));
    row.hooks = &CRON_JOB_HOOKS;
}

struct CronJobHooks;

static CRON_JOB_HOOKS: CronJobHooks = CronJobHooks;

impl KindHooks for CronJobHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default_str(spec, "concurrencyPolicy", "Allow");
        default(spec, "suspend", json!(false));
        default(spec, "successfulJobsHistoryLimit", json!(3));
        default(spec, "failedJobsHistoryLimit", json!(1));
        if let Some(t) = spec.pointer_mut("/jobTemplate/spec") {
            default_template(t.get_mut("template"));
        }
    }

    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        _old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        let name = name_of(obj);
        if name.len() > MAX_NAME {
            errs.invalid(
                "metadata.name",
                go_str(name),
                "must be no more than 52 characters",
            );
        }
        if str_at(obj, "/spec/schedule").is_empty() {
            errs.required("spec.schedule");
        }
        let policy = str_at(obj, "/spec/concurrencyPolicy");
        if !["Allow", "Forbid", "Replace"].contains(&policy) {
            errs.not_supported(
                "spec.concurrencyPolicy",
                policy,
                &["Allow", "Forbid", "Replace"],
            );
        }
        for f in [
            "successfulJobsHistoryLimit",
            "failedJobsHistoryLimit",
            "startingDeadlineSeconds",
        ] {
            non_negative(obj, &format!("/spec/{f}"), &format!("spec.{f}"), &mut errs);
        }
        validate_job_template(
            obj,
            "/spec/jobTemplate/spec/template",
            "spec.jobTemplate.spec.template",
            &mut errs,
        );
        errs.into_result(kind, name).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let suspend = match obj.pointer("/spec/suspend").and_then(Value::as_bool) {
            Some(true) => "True",
            Some(false) => "False",
            None => "<unset>",
        };
        let last = if str_at(obj, "/status/lastScheduleTime").is_empty() {
            json!("<none>")
        } else {
            age_at(obj, "/status/lastScheduleTime")
        };
        let [containers, images] = container_cells(obj, "/spec/jobTemplate/spec/template/spec");
        Some(vec![
            json!(str_at(obj, "/spec/schedule")),
            str_or(obj, "/spec/timeZone", "<none>"),
            json!(suspend),
            items_len(obj, "/status/active"),
            last,
            age(obj),
            containers,
            images,
            selector_cell(obj, "/spec/jobTemplate/spec/selector"),
        ])
    }
}
