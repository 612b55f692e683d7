//! `apps/v1` ReplicaSet: `SetDefaults_ReplicaSet` (apps/v1/defaults.go),
//! `ValidateReplicaSet`/`ValidateReplicaSetUpdate`
//! (apps/validation/validation.go), `printReplicaSet` (printers.go), the
//! `status.replicas` field selector (replicaset/strategy.go).

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
use crate::registry::kinds::value::{child, default, name_of};
use crate::registry::kinds::workload::{
    immutable_selector, non_negative, validate_always_template, validate_selector,
};

/// The columns of ReplicaSets and ReplicationControllers.
pub(crate) fn replica_columns(selector: &str) -> Vec<Value> {
    let mut cols = vec![
        column(
            "Desired",
            "integer",
            0,
            "Replicas is the number of desired pods.",
        ),
        column(
            "Current",
            "integer",
            0,
            "Replicas is the most recently observed number of replicas.",
        ),
        column(
            "Ready",
            "integer",
            0,
            "The number of ready replicas for this replica set.",
        ),
        age_column(),
    ];
    cols.extend(template_columns(Some(selector)));
    cols
}

/// The cells of ReplicaSets and ReplicationControllers; `selector` is the
/// selector's cell.
pub(crate) fn replica_cells(obj: &Value, selector: Value) -> Vec<Value> {
    let [containers, images] = container_cells(obj, "/spec/template/spec");
    vec![
        int_cell(obj, "/spec/replicas"),
        int_cell(obj, "/status/replicas"),
        int_cell(obj, "/status/readyReplicas"),
        age(obj),
        containers,
        images,
        selector,
    ]
}

/// `status.replicas` as a field selector value (`0` when unset).
pub(crate) fn status_replicas(obj: &Value, field: &str) -> Option<String> {
    (field == "status.replicas").then(|| int_cell(obj, "/status/replicas").to_string())
}

/// Sets the ReplicaSet strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.field_selectors = vec![("status.replicas".into(), "status.replicas".into())];
    row.printer_columns =
        replica_columns("Selector is a label query over pods that should match the replica count.");
    row.hooks = &REPLICA_SET_HOOKS;
}

struct ReplicaSetHooks;

static REPLICA_SET_HOOKS: ReplicaSetHooks = ReplicaSetHooks;

impl KindHooks for ReplicaSetHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default(spec, "replicas", json!(1));
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
        if let Some(old) = old {
            immutable_selector(old, obj, &mut errs);
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(replica_cells(obj, selector_cell(obj, "/spec/selector")))
    }

    fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        status_replicas(obj, field)
    }
}
