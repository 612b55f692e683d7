//! `apps/v1` Deployment: `SetDefaults_Deployment` (apps/v1/defaults.go),
//! `ValidateDeployment`/`ValidateDeploymentUpdate`
//! (apps/validation/validation.go), `printDeployment` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::FieldErrors;
use crate::registry::kinds::pod_template::default_template;
use crate::registry::kinds::printing::{
    age, age_column, column, container_cells, int_cell, selector_cell, template_columns,
};
use crate::registry::kinds::value::{child, default, default_str, int_at, name_of};
use crate::registry::kinds::workload::{
    immutable_selector, non_negative, validate_always_template, validate_selector,
};

/// Sets the Deployment strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column("Ready", "string", 0, "Number of the pod with ready state"),
        column(
            "Up-to-date",
            "string",
            0,
            "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
        ),
        column(
            "Available",
            "string",
            0,
            "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
        ),
        age_column(),
    ];
    row.printer_columns
        .extend(template_columns(Some("Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.")));
    row.hooks = &DEPLOYMENT_HOOKS;
}

struct DeploymentHooks;

static DEPLOYMENT_HOOKS: DeploymentHooks = DeploymentHooks;

impl KindHooks for DeploymentHooks {
    // deploymentStrategy.PrepareForUpdate: spec or annotations.
    fn generation_tracks_annotations(&self) -> bool {
        true
    }

    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default(spec, "replicas", json!(1));
        if let Some(strategy) = child(spec, "strategy") {
            default_str(strategy, "type", "RollingUpdate");
            if strategy["type"] == "RollingUpdate"
                && let Some(ru) = child(strategy, "rollingUpdate")
            {
                default(ru, "maxUnavailable", json!("25%"));
                default(ru, "maxSurge", json!("25%"));
            }
        }
        default(spec, "revisionHistoryLimit", json!(10));
        default(spec, "progressDeadlineSeconds", json!(600));
        default_template(spec.get_mut("template"));
    }

    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        non_negative(obj, "/spec/replicas", "spec.replicas", &mut errs);
        validate_selector(obj, "deployment", &mut errs);
        validate_always_template(obj, &mut errs);
        non_negative(
            obj,
            "/spec/minReadySeconds",
            "spec.minReadySeconds",
            &mut errs,
        );
        non_negative(
            obj,
            "/spec/revisionHistoryLimit",
            "spec.revisionHistoryLimit",
            &mut errs,
        );
        if let Some(old) = old {
            immutable_selector(old, obj, &mut errs);
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let ready = int_at(obj, "/status/readyReplicas").unwrap_or(0);
        let desired = int_at(obj, "/spec/replicas").unwrap_or(0);
        let [containers, images] = container_cells(obj, "/spec/template/spec");
        Some(vec![
            json!(format!("{ready}/{desired}")),
            int_cell(obj, "/status/updatedReplicas"),
            int_cell(obj, "/status/availableReplicas"),
            age(obj),
            containers,
            images,
            selector_cell(obj, "/spec/selector"),
        ])
    }
}
