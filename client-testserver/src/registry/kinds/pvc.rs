//! v1 PersistentVolumeClaim: `SetDefaults_PersistentVolumeClaimSpec`
//! (`volumeMode: Filesystem`) and `SetDefaults_PersistentVolumeClaim`
//! (`status.phase: Pending`) of core/v1/defaults.go, the access modes and
//! storage request `ValidatePersistentVolumeClaimSpec` requires,
//! `printPersistentVolumeClaim` (printers.go).

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::ResourceKind;
use crate::registry::kinds::field_errors::FieldErrors;
use crate::registry::kinds::printing::{age, age_column, column, deleting, str_or};
use crate::registry::kinds::value::{child, default, items, name_of, str_at};

/// Sets the PersistentVolumeClaim strategy on its row.
pub(crate) fn customize(row: &mut ResourceKind) {
    row.printer_columns = vec![
        column(
            "Status",
            "string",
            0,
            "phase represents the current phase of PersistentVolumeClaim.",
        ),
        column(
            "Volume",
            "string",
            0,
            "volumeName is the binding reference to the PersistentVolume backing this claim.",
        ),
        column(
            "Capacity",
            "string",
            0,
            "capacity represents the actual resources of the underlying volume.",
        ),
        column(
            "Access Modes",
            "string",
            0,
            "accessModes contains the actual access modes the volume backing the PVC has.",
        ),
        column(
            "StorageClass",
            "string",
            0,
            "storageClassName is the name of the StorageClass required by the claim.",
        ),
        column(
            "VolumeAttributesClass",
            "string",
            0,
            "volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.",
        ),
        age_column(),
        column(
            "VolumeMode",
            "string",
            1,
            "volumeMode defines what type of volume is required by the claim.",
        ),
    ];
    row.hooks = &PVC_HOOKS;
}

struct PvcHooks;

static PVC_HOOKS: PvcHooks = PvcHooks;

impl KindHooks for PvcHooks {
    fn default(&self, obj: &mut Value) {
        if let Some(spec) = child(obj, "spec") {
            default(spec, "volumeMode", json!("Filesystem"));
        }
    }

    fn prepare_for_create(&self, obj: &mut Value) {
        if let Some(status) = child(obj, "status") {
            default(status, "phase", json!("Pending"));
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
        if items(obj, "/spec/accessModes").is_empty()
            && obj.pointer("/spec/dataSourceRef").is_none()
        {
            errs.required_because("spec.accessModes", "at least 1 access mode is required");
        }
        if obj.pointer("/spec/resources/requests/storage").is_none() {
            errs.required("spec.resources[storage]");
        }
        errs.into_result(kind, name_of(obj)).map(|()| None)
    }

    fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
        let phase = if deleting(obj) {
            "Terminating"
        } else {
            str_at(obj, "/status/phase")
        };
        let modes: Vec<&str> = items(obj, "/status/accessModes")
            .iter()
            .filter_map(Value::as_str)
            .map(|m| match m {
                "ReadWriteOnce" => "RWO",
                "ReadOnlyMany" => "ROX",
                "ReadWriteMany" => "RWX",
                "ReadWriteOncePod" => "RWOP",
                other => other,
            })
            .collect();
        let class = match str_at(obj, "/spec/storageClassName") {
            "" => str_at(
                obj,
                "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
            ),
            c => c,
        };
        Some(vec![
            json!(phase),
            json!(str_at(obj, "/spec/volumeName")),
            json!(str_at(obj, "/status/capacity/storage")),
            json!(modes.join(",")),
            json!(class),
            str_or(obj, "/spec/volumeAttributesClassName", "<unset>"),
            age(obj),
            str_or(obj, "/spec/volumeMode", "<unset>"),
        ])
    }
}
