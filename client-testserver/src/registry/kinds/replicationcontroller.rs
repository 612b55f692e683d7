//! v1 ReplicationController: `SetDefaults_ReplicationController`
//! (core/v1/defaults.go, replicas declaratively), `ValidateReplicationController`
//! (core/validation/validation.go), `printReplicationController`
//! (printers.go), the `status.replicas` field selector and the orphaning
//! `DefaultGarbageCollectionPolicy` of v1 (replicationcontroller/strategy.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::{FieldErrors, go_string_map};
use crate::registry::kinds::pod_template::default_template;
use crate::registry::kinds::printing::labels_cell;
use crate::registry::kinds::replicaset::{replica_cells, replica_columns, status_replicas};
use crate::registry::kinds::value::{child, default, name_of};
use crate::registry::kinds::workload::{non_negative, selects, validate_always_template};

/// Sets the ReplicationController strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.field_selectors = vec![("status.replicas".into(), "status.replicas".into())];
    row.printer_columns = replica_columns(
        "Selector is a label query over pods that should match the Replicas count.",
    );
    row.hooks = &RC_HOOKS;
}

struct RcHooks;

static RC_HOOKS: RcHooks = RcHooks;

impl KindHooks for RcHooks {
    fn default(&self, obj: &mut Value) {
        let labels = obj.pointer("/spec/template/metadata/labels").cloned();
        if let Some(labels) = labels.filter(Value::is_object) {
            let empty =
                |v: Option<&Value>| v.and_then(Value::as_object).is_none_or(|m| m.is_empty());
            if empty(obj.pointer("/spec/selector")) {
                obj["spec"]["selector"] = labels.clone();
            }
            if empty(obj.pointer("/metadata/labels")) {
                obj["metadata"]["labels"] = labels;
            }
        }
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
        _old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let mut errs = FieldErrors::default();
        non_negative(obj, "/spec/replicas", "spec.replicas", &mut errs);
        let selector = obj
            .pointer("/spec/selector")
            .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()));
        match selector {
            None => errs.required("spec.selector"),
            Some(sel) => {
                let labels = obj.pointer("/spec/template/metadata/labels");
                if obj.pointer("/spec/template").is_some() && !selects(sel, labels) {
                    errs.invalid(
                        "spec.template.metadata.labels",
                        go_string_map(labels),
                        "`selector` does not match template `labels`",
                    );
                }
            }
        }
        validate_always_template(obj, &mut errs);
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        Some(replica_cells(obj, labels_cell(obj, "/spec/selector")))
    }

    fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        status_replicas(obj, field)
    }

    fn orphans_by_default(&self) -> bool {
        true
    }
}
