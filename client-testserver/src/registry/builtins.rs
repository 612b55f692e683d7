//! The built-in kinds: one row per resource of the vendored Kubernetes
//! 1.33 data (`registry::catalog`), with the rules of the kinds served
//! before the catalog (namespaces, configmaps, secrets, events of both
//! groups, leases, customresourcedefinitions) applied to their rows.
//! Per-kind strategies of the other kinds live in `registry::kinds`.

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::crd::CRD_HOOKS;
use crate::registry::hooks::KindHooks;
use crate::registry::kind::{NameRule, ResourceKind};
use crate::registry::namespaces::NAMESPACE_HOOKS;

/// Field selector labels that read the field of the same name.
fn same_path(labels: &[&str]) -> Vec<(String, String)> {
    labels
        .iter()
        .map(|l| (l.to_string(), l.to_string()))
        .collect()
}

/// The built-in resources served by default, each row from the data with
/// its rules applied.
pub(crate) fn builtins() -> Vec<ResourceKind> {
    crate::registry::catalog::rows()
        .iter()
        .cloned()
        .map(|mut row| {
            apply_rules(&mut row);
            row
        })
        .collect()
}

/// The rules of the kinds this module serves beyond their data.
fn apply_rules(row: &mut ResourceKind) {
    if let Some(hooks) = crate::registry::reviews::hooks_of(&row.group, &row.plural) {
        row.hooks = hooks;
    }
    match (row.group.as_str(), row.plural.as_str()) {
        ("", "namespaces") => {
            row.field_selectors = same_path(&["status.phase"]);
            row.name_rule = NameRule::Dns1123Label;
            row.printer_columns = vec![
                json!({"name": "Status", "type": "string", "jsonPath": ".status.phase"}),
                json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}),
            ];
            row.hooks = &NAMESPACE_HOOKS;
        }
        ("", "configmaps") => row.hooks = &CONFIG_MAP_HOOKS,
        ("", "secrets") => {
            row.field_selectors = same_path(&["type"]);
            row.hooks = &SECRET_HOOKS;
        }
        ("", "events") => {
            let mut fields = same_path(&[
                "involvedObject.kind",
                "involvedObject.namespace",
                "involvedObject.name",
                "involvedObject.uid",
                "involvedObject.apiVersion",
                "involvedObject.resourceVersion",
                "involvedObject.fieldPath",
                "reason",
                "reportingComponent",
                "type",
            ]);
            fields.push(("source".into(), "source.component".into()));
            row.allow_create_on_update = true;
            row.field_selectors = fields;
        }
        // events.k8s.io/v1 (what event recorders write); stored apart from
        // core events, which kube-apiserver shares with it.
        ("events.k8s.io", "events") => {
            row.allow_create_on_update = true;
            row.field_selectors = same_path(&[
                "regarding.kind",
                "regarding.namespace",
                "regarding.name",
                "regarding.uid",
                "reason",
                "type",
                "reportingController",
            ]);
        }
        ("coordination.k8s.io", "leases") => {
            row.update_requires_rv = true;
            row.allow_create_on_update = true;
        }
        ("apiextensions.k8s.io", "customresourcedefinitions") => {
            row.sets_generation = true;
            row.update_requires_rv = true;
            row.hooks = &CRD_HOOKS;
        }
        _ => {}
    }
}

/// The keys of `data` (and `binaryData`) of a ConfigMap or Secret must be
/// config keys (`ValidateConfigMap`, `ValidateSecret`): one cause per
/// message, on `data[key]`.
fn validate_data_keys(kind: &ResourceKind, obj: &Value, fields: &[&str]) -> Result<(), ApiError> {
    let mut causes = Vec::new();
    for field in fields {
        let Some(Value::Object(map)) = obj.get(*field) else {
            continue;
        };
        for key in map.keys() {
            for msg in client_names::config_map_key_errors(key) {
                causes.push((
                    format!("{field}[{key}]"),
                    format!("Invalid value: {key:?}: {msg}"),
                ));
            }
        }
    }
    if causes.is_empty() {
        return Ok(());
    }
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Err(ApiError::invalid(&kind.group, &kind.kind, name, &causes))
}

/// ConfigMaps and Secrets: valid data keys and, for
/// Secrets, kube-apiserver's defaulting (`type` defaults to `Opaque`,
/// `stringData` is merged into `data` as base64).
struct DataHooks {
    key_fields: &'static [&'static str],
    fold_string_data: bool,
}

static CONFIG_MAP_HOOKS: DataHooks = DataHooks {
    key_fields: &["data", "binaryData"],
    fold_string_data: false,
};

static SECRET_HOOKS: DataHooks = DataHooks {
    key_fields: &["data"],
    fold_string_data: true,
};

impl KindHooks for DataHooks {
    fn validate_and_define(
        &self,
        _backend: &Backend,
        kind: &ResourceKind,
        _old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        validate_data_keys(kind, obj, self.key_fields).map(|()| None)
    }

    fn default(&self, obj: &mut Value) {
        if self.fold_string_data {
            default_secret(obj);
        }
    }
}

/// A Secret's defaults: `type` `Opaque`, `stringData` folded into `data`.
fn default_secret(obj: &mut Value) {
    let Value::Object(o) = obj else { return };
    let missing = match o.get("type") {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(_) => false,
    };
    if missing {
        o.insert("type".into(), json!("Opaque"));
    }
    let Some(Value::Object(sd)) = o.remove("stringData") else {
        return;
    };
    let data = o.entry("data").or_insert_with(|| Value::Object(Map::new()));
    if !data.is_object() {
        *data = Value::Object(Map::new());
    }
    if let Value::Object(d) = data {
        use base64::Engine;
        for (k, val) in sd {
            let text = match val {
                Value::String(s) => s,
                other => other.to_string(),
            };
            d.insert(
                k,
                json!(base64::engine::general_purpose::STANDARD.encode(text)),
            );
        }
    }
}
