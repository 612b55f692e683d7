//! `apps/v1` DaemonSet: `SetDefaults_DaemonSet` (apps/v1/defaults.go),
//! `ValidateDaemonSet`/`ValidateDaemonSetUpdate`
//! (apps/validation/validation.go), `printDaemonSet` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::FieldErrors;
use crate::registry::kinds::pod_template::default_template;
use crate::registry::kinds::printing::{
    age, age_column, column, container_cells, int_cell, labels_cell, selector_cell,
    template_columns,
};
use crate::registry::kinds::value::{child, default, default_str, name_of};
use crate::registry::kinds::workload::{
    immutable_selector, validate_always_template, validate_selector,
};

/// Sets the DaemonSet strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column(
            "Desired",
            "integer",
            0,
            "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).",
        ),
        column(
            "Current",
            "integer",
            0,
            "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
        ),
        column(
            "Ready",
            "integer",
            0,
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.",
        ),
        column(
            "Up-to-date",
            "integer",
            0,
            "The total number of nodes that are running updated daemon pod",
        ),
        column(
            "Available",
            "integer",
            0,
            "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
        ),
        column(
            "Node Selector",
            "string",
            0,
            "NodeSelector is a selector which must be true for the pod to fit on a node.",
        ),
        age_column(),
    ];
    row.printer_columns.extend(template_columns(Some(
        "A label query over pods that are managed by the daemon set.",
    )));
    row.hooks = &DAEMON_SET_HOOKS;
}

struct DaemonSetHooks;

static DAEMON_SET_HOOKS: DaemonSetHooks = DaemonSetHooks;

impl KindHooks for DaemonSetHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        if let Some(us) = child(spec, "updateStrategy") {
            default_str(us, "type", "RollingUpdate");
            if us["type"] == "RollingUpdate"
                && let Some(ru) = child(us, "rollingUpdate")
            {
                default(ru, "maxUnavailable", json!(1));
                default(ru, "maxSurge", json!(0));
            }
        }
        default(spec, "revisionHistoryLimit", json!(10));
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
        validate_selector(obj, "daemonset", &mut errs);
        validate_always_template(obj, &mut errs);
        if let Some(old) = old {
            immutable_selector(old, obj, &mut errs);
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let [containers, images] = container_cells(obj, "/spec/template/spec");
        Some(vec![
            int_cell(obj, "/status/desiredNumberScheduled"),
            int_cell(obj, "/status/currentNumberScheduled"),
            int_cell(obj, "/status/numberReady"),
            int_cell(obj, "/status/updatedNumberScheduled"),
            int_cell(obj, "/status/numberAvailable"),
            labels_cell(obj, "/spec/template/spec/nodeSelector"),
            age(obj),
            containers,
            images,
            selector_cell(obj, "/spec/selector"),
        ])
    }
}
