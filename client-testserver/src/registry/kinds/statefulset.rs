//! `apps/v1` StatefulSet: `SetDefaults_StatefulSet` (apps/v1/defaults.go),
//! `ValidateStatefulSet`/`ValidateStatefulSetUpdate`
//! (apps/validation/validation.go), `printStatefulSet` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::FieldErrors;
use crate::registry::kinds::pod_template::default_template;
use crate::registry::kinds::printing::{
    age, age_column, column, container_cells, template_columns,
};
use crate::registry::kinds::value::{child, default, default_str, int_at, name_of};
use crate::registry::kinds::workload::{non_negative, validate_always_template, validate_selector};

/// The spec fields an update may change (`ValidateStatefulSetUpdate`).
const MUTABLE: [&str; 7] = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

/// Sets the StatefulSet strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.sets_generation = true;
    row.printer_columns = vec![
        column("Ready", "string", 0, "Number of the pod with ready state"),
        age_column(),
    ];
    row.printer_columns.extend(template_columns(None));
    row.hooks = &STATEFUL_SET_HOOKS;
}

struct StatefulSetHooks;

static STATEFUL_SET_HOOKS: StatefulSetHooks = StatefulSetHooks;

impl KindHooks for StatefulSetHooks {
    fn default(&self, obj: &mut Value) {
        let Some(spec) = child(obj, "spec") else {
            return;
        };
        default_str(spec, "podManagementPolicy", "OrderedReady");
        if let Some(us) = child(spec, "updateStrategy") {
            if us
                .get("type")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                us["type"] = json!("RollingUpdate");
                default(us, "rollingUpdate", json!({}));
            }
            if us["type"] == "RollingUpdate"
                && let Some(ru) = us.get_mut("rollingUpdate").filter(|r| r.is_object())
            {
                default(ru, "partition", json!(0));
            }
        }
        if let Some(p) = child(spec, "persistentVolumeClaimRetentionPolicy") {
            default_str(p, "whenDeleted", "Retain");
            default_str(p, "whenScaled", "Retain");
        }
        default(spec, "replicas", json!(1));
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
        non_negative(obj, "/spec/replicas", "spec.replicas", &mut errs);
        validate_selector(obj, "statefulset", &mut errs);
        validate_always_template(obj, &mut errs);
        if let Some(old) = old {
            let fixed = |v: &Value| {
                let mut s = v.get("spec").cloned().unwrap_or(Value::Null);
                if let Value::Object(m) = &mut s {
                    MUTABLE.iter().for_each(|k| {
                        m.remove(*k);
                    });
                }
                s
            };
            if fixed(old) != fixed(obj) {
                errs.forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                );
            }
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let ready = int_at(obj, "/status/readyReplicas").unwrap_or(0);
        let desired = int_at(obj, "/spec/replicas").unwrap_or(0);
        let [containers, images] = container_cells(obj, "/spec/template/spec");
        Some(vec![
            json!(format!("{ready}/{desired}")),
            age(obj),
            containers,
            images,
        ])
    }
}
