//! CustomResourceDefinitions: the row of the kind a CRD defines, and the
//! CRD kind's hooks (validate the definition, serve its resource on write,
//! stop serving it and remove its objects on delete).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{encode, meta, parse, str_at};
use crate::registry::hooks::{KindHooks, NO_HOOKS};
use crate::registry::kind::{ALL_VERBS, NameRule, Origin, ResourceKind, ScalePaths, VersionSchema};
use crate::schema::crd_version_schema;
use crate::storage::store::WriteOutcome;

/// The hooks of the `customresourcedefinitions` kind.
pub(crate) struct CrdHooks;

/// Shared instance of [`CrdHooks`].
pub(crate) static CRD_HOOKS: CrdHooks = CrdHooks;

impl KindHooks for CrdHooks {
    /// Checks the definition and records accepted names and the
    /// Established/NamesAccepted conditions (on update the stored status
    /// is kept, conditions' timestamps stable, names refreshed); returns
    /// the resource to serve.
    fn validate_and_define(
        &self,
        backend: &Backend,
        kind: &ResourceKind,
        old: Option<&Value>,
        obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        let ck = kind_of(obj)?;
        if backend
            .registry
            .by_resource(&ck.group, &ck.plural)
            .is_some_and(|k| k.origin == Origin::BuiltIn)
        {
            let name = str_at(obj, "/metadata/name").unwrap_or_default();
            return Err(ApiError::invalid(
                &kind.group,
                &kind.kind,
                name,
                &[(
                    "spec.names.plural".into(),
                    format!(
                        "Invalid value: {:?}: a built-in resource {} is already served",
                        ck.plural,
                        ck.resource()
                    ),
                )],
            ));
        }
        let status = match old.and_then(|o| o.get("status")) {
            Some(Value::Object(s)) => {
                let mut s = s.clone();
                s.insert("acceptedNames".into(), accepted_names(&ck));
                Value::Object(s)
            }
            Some(s) => s.clone(),
            None => initial_status(&ck),
        };
        if let Value::Object(o) = obj {
            o.insert("status".into(), status);
        }
        Ok(Some(ck))
    }

    /// A deleted CRD stops serving its resource; its objects are removed
    /// with DELETED events, as the CRD finalizer does on a cluster.
    fn after_delete(&self, backend: &Backend, obj: &Value) {
        let Ok(ck) = kind_of(obj) else { return };
        backend.registry.unregister(&ck.group, &ck.plural);
        let resource = ck.resource();
        if let Ok((page, _)) = backend
            .store
            .page(&resource, None, None, None, None, |_| true)
        {
            for (key, _) in page.items {
                let _ = backend.store.write(&resource, &key, |cur, rv| match cur {
                    Some(b) => {
                        let mut o = parse(b);
                        meta(&mut o).insert("resourceVersion".into(), json!(rv.to_string()));
                        Ok((WriteOutcome::Delete(encode(&o)), ()))
                    }
                    None => Ok((WriteOutcome::Unchanged, ())),
                });
            }
        }
        backend.store.drop_resource(&resource);
    }
}

/// A new CRD's status: its names accepted, Established.
fn initial_status(ck: &ResourceKind) -> Value {
    let now = crate::meta::timefmt::now_rfc3339();
    let cond = |t: &str, reason: &str, msg: &str| json!({"type": t, "status": "True", "lastTransitionTime": now, "reason": reason, "message": msg});
    json!({
        "conditions": [
            cond("NamesAccepted", "NoConflicts", "no conflicts found"),
            cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ],
        "acceptedNames": accepted_names(ck),
        "storedVersions": [ck.versions.first().cloned().unwrap_or_default()],
    })
}

/// The resource a CustomResourceDefinition object defines.
///
/// # Errors
/// 422 Invalid when required fields are missing.
pub(crate) fn kind_of(crd: &Value) -> Result<ResourceKind, ApiError> {
    let name = crd
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let invalid = |field: &str, msg: &str| {
        ApiError::invalid(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            name,
            &[(field.to_string(), msg.to_string())],
        )
    };
    let s = |p: &str| crd.pointer(p).and_then(Value::as_str).map(str::to_string);
    let group = s("/spec/group")
        .filter(|g| !g.is_empty())
        .ok_or_else(|| invalid("spec.group", "Required value"))?;
    let group_errors = client_names::crd_group_errors(&group);
    if !group_errors.is_empty() {
        return Err(invalid(
            "spec.group",
            &format!("Invalid value: {group:?}: {}", group_errors.join(",")),
        ));
    }
    let plural =
        s("/spec/names/plural").ok_or_else(|| invalid("spec.names.plural", "Required value"))?;
    let kind = s("/spec/names/kind").ok_or_else(|| invalid("spec.names.kind", "Required value"))?;
    if name != format!("{plural}.{group}") {
        return Err(invalid(
            "metadata.name",
            &format!("Invalid value: \"{name}\": must be spec.names.plural+\".\"+spec.group"),
        ));
    }
    let singular = s("/spec/names/singular").unwrap_or_else(|| kind.to_lowercase());
    let namespaced = s("/spec/scope").as_deref() != Some("Cluster");
    let strs = |p: &str| -> Vec<String> {
        crd.pointer(p)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let versions_v = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let served: Vec<&Value> = versions_v
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
        .collect();
    if served.is_empty() {
        return Err(invalid(
            "spec.versions",
            "Invalid value: \"null\": must have exactly one version marked as storage version",
        ));
    }
    // The first served version is the subresource/column source; kube
    // allows per-version settings, we take the storage version's.
    let main = served
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .copied()
        .unwrap_or(served[0]);
    let versions: Vec<String> = served
        .iter()
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    let structural = crate::schema::structural::check_crd(crd);
    if !structural.is_empty() {
        return Err(crate::schema::invalid_error(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            name,
            &structural,
        ));
    }
    let schemas = version_schemas(crd, &versions).map_err(|(v, e)| {
        let i = versions_v
            .iter()
            .position(|x| x.get("name").and_then(Value::as_str) == Some(v.as_str()))
            .unwrap_or_default();
        crate::schema::invalid_error(
            "apiextensions.k8s.io",
            "CustomResourceDefinition",
            name,
            &[crate::schema::FieldError::invalid(
                format!("spec.versions[{i}].schema.openAPIV3Schema"),
                &Value::String(String::new()),
                e.to_string(),
            )],
        )
    })?;
    let status_subresource = main.pointer("/subresources/status").is_some();
    let scale = main.pointer("/subresources/scale").map(|sc| ScalePaths {
        spec_replicas: sc
            .get("specReplicasPath")
            .and_then(Value::as_str)
            .unwrap_or(".spec.replicas")
            .to_string(),
        status_replicas: sc
            .get("statusReplicasPath")
            .and_then(Value::as_str)
            .unwrap_or(".status.replicas")
            .to_string(),
        label_selector: sc
            .get("labelSelectorPath")
            .and_then(Value::as_str)
            .map(str::to_string),
        label_selector_of: None,
    });
    let printer_columns = main
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let field_selectors = main
        .get("selectableFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|f| f.get("jsonPath").and_then(Value::as_str))
                .map(|p| {
                    let p = p.trim_start_matches('.');
                    (p.to_string(), p.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(ResourceKind {
        group,
        versions,
        plural,
        singular,
        kind,
        namespaced,
        status_subresource,
        scale,
        sets_generation: true,
        update_requires_rv: true,
        origin: Origin::CustomResource,
        verbs: ALL_VERBS,
        subresources: Vec::new(),
        allow_create_on_update: false,
        strategic_merge: false,
        returns_deleted_object: true,
        name_rule: NameRule::Dns1123Subdomain,
        field_selectors,
        printer_columns,
        short_names: strs("/spec/names/shortNames"),
        categories: strs("/spec/names/categories"),
        schemas,
        hooks: &NO_HOOKS,
    })
}

/// The `acceptedNames` block for a CRD's status.
pub(crate) fn accepted_names(kind: &ResourceKind) -> Value {
    let mut v = json!({
        "plural": kind.plural,
        "singular": kind.singular,
        "kind": kind.kind,
        "listKind": format!("{}List", kind.kind),
    });
    if let Value::Object(m) = &mut v {
        if !kind.short_names.is_empty() {
            m.insert("shortNames".into(), json!(kind.short_names));
        }
        if !kind.categories.is_empty() {
            m.insert("categories".into(), json!(kind.categories));
        }
    }
    v
}

/// The parsed schema of each served version that declares one.
fn version_schemas(
    crd: &Value,
    versions: &[String],
) -> Result<Vec<VersionSchema>, (String, crate::schema::SchemaError)> {
    let mut out = Vec::new();
    for v in versions {
        if let Some(s) = crd_version_schema(crd, v).map_err(|e| (v.clone(), e))? {
            out.push((v.clone(), Arc::new(s)));
        }
    }
    Ok(out)
}
