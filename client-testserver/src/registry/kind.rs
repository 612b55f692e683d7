//! Per-kind strategy: what differs between resources is data here
//! (scope, subresources, generation, update rules, field selectors, printer
//! columns), never special cases in the handlers.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::schema::{Schema, crd_version_schema};

/// Paths of the scale subresource inside the object.
#[derive(Debug, Clone, PartialEq)]
pub struct ScalePaths {
    /// e.g. `.spec.replicas`.
    pub spec_replicas: String,
    /// e.g. `.status.replicas`.
    pub status_replicas: String,
    /// e.g. `.status.selector`.
    pub label_selector: Option<String>,
}

/// How deleting an object that holds other objects (a namespace) proceeds,
/// as kube-apiserver and the namespace controller do it.
#[derive(Debug, Clone, PartialEq)]
pub struct Termination {
    /// The `spec.finalizers` entry set on create; the server removes it once
    /// the objects inside are gone, which lets the object go.
    pub finalizer: String,
    /// Names that can never be deleted (403 Forbidden).
    pub protected: Vec<String>,
}

/// The strategy of one served resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceKind {
    /// API group (`""` for core).
    pub group: String,
    /// Served versions; the first is the preferred one.
    pub versions: Vec<String>,
    /// Plural resource name.
    pub plural: String,
    /// Singular resource name.
    pub singular: String,
    /// Kind.
    pub kind: String,
    /// Namespaced or cluster-scoped.
    pub namespaced: bool,
    /// Has a `/status` subresource.
    pub status_subresource: bool,
    /// Has a `/scale` subresource.
    pub scale: Option<ScalePaths>,
    /// Sets and bumps `metadata.generation`.
    pub sets_generation: bool,
    /// PUT needs `metadata.resourceVersion` (422 otherwise).
    pub update_requires_rv: bool,
    /// A custom resource (strategic merge patch not supported).
    pub custom: bool,
    /// PUT of a missing object creates it.
    pub allow_create_on_update: bool,
    /// The status a new object gets (namespaces: phase Active).
    pub initial_status: Option<Value>,
    /// `stringData` is merged into `data` as base64 on writes (secrets).
    pub merges_string_data: bool,
    /// Top-level fields defaulted on writes when absent or empty
    /// (secrets: `type: Opaque`).
    pub defaults: Vec<(String, Value)>,
    /// Names must be DNS-1123 labels, not subdomains (namespaces).
    pub name_is_dns_label: bool,
    /// Objects define served resources (CustomResourceDefinitions).
    pub defines_resources: bool,
    /// Objects hold namespaced objects and terminate before going away
    /// (namespaces).
    pub termination: Option<Termination>,
    /// Field selector labels beyond `metadata.name` and `metadata.namespace`,
    /// with the JSON path each reads.
    pub field_selectors: Vec<(String, String)>,
    /// additionalPrinterColumns entries as found in a CRD.
    pub printer_columns: Vec<Value>,
    /// Short names.
    pub short_names: Vec<String>,
    /// Categories.
    pub categories: Vec<String>,
    /// The structural schema of each version that has one (custom
    /// resources): pruning, defaulting, validation and list types for
    /// server-side apply. Built-ins have none (lists atomic).
    pub schemas: Vec<VersionSchema>,
}

/// A served version and its structural schema.
pub type VersionSchema = (String, Arc<Schema>);

impl ResourceKind {
    /// `plural` or `plural.group`: the store's key for this resource.
    pub fn resource(&self) -> String {
        crate::error::gr(&self.group, &self.plural)
    }

    /// `v1` or `group/version`.
    pub fn api_version(&self, version: &str) -> String {
        if self.group.is_empty() {
            version.to_string()
        } else {
            format!("{}/{version}", self.group)
        }
    }

    /// The verbs listed in discovery.
    pub fn verbs(&self) -> Vec<&'static str> {
        vec![
            "create",
            "delete",
            "deletecollection",
            "get",
            "list",
            "patch",
            "update",
            "watch",
        ]
    }

    /// The schema of `version`, if the kind has one.
    pub fn schema_for(&self, version: &str) -> Option<Arc<Schema>> {
        self.schemas
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, s)| s.clone())
    }

    /// Whether `field` can be used in a field selector.
    pub fn supports_field(&self, field: &str) -> bool {
        field == "metadata.name"
            || (field == "metadata.namespace" && self.namespaced)
            || self.field_selectors.iter().any(|(f, _)| f == field)
    }

    /// The value of a field selector label on `obj`.
    pub fn field_value(&self, obj: &Value, field: &str) -> Option<String> {
        let path = match field {
            "metadata.name" | "metadata.namespace" => field,
            _ => self
                .field_selectors
                .iter()
                .find(|(f, _)| f == field)
                .map(|(_, p)| p.as_str())?,
        };
        let mut cur = obj;
        for seg in path.split('.') {
            cur = cur.get(seg)?;
        }
        match cur {
            Value::String(s) => Some(s.clone()),
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn builtin(group: &str, version: &str, plural: &str, kind: &str, namespaced: bool) -> Self {
        ResourceKind {
            group: group.into(),
            versions: vec![version.into()],
            plural: plural.into(),
            singular: kind.to_lowercase(),
            kind: kind.into(),
            namespaced,
            status_subresource: false,
            scale: None,
            sets_generation: false,
            update_requires_rv: false,
            custom: false,
            allow_create_on_update: false,
            initial_status: None,
            merges_string_data: false,
            defaults: Vec::new(),
            name_is_dns_label: false,
            defines_resources: false,
            termination: None,
            field_selectors: Vec::new(),
            printer_columns: Vec::new(),
            short_names: Vec::new(),
            categories: Vec::new(),
            schemas: Vec::new(),
        }
    }

    /// The built-in resources: namespaces, configmaps, secrets, events
    /// (core and events.k8s.io), leases and customresourcedefinitions.
    pub fn builtins() -> Vec<ResourceKind> {
        let fs = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect()
        };
        let mut ns = Self::builtin("", "v1", "namespaces", "Namespace", false);
        ns.status_subresource = true;
        ns.short_names = vec!["ns".into()];
        ns.field_selectors = fs(&[("status.phase", "status.phase")]);
        ns.initial_status = Some(json!({"phase": "Active"}));
        ns.name_is_dns_label = true;
        ns.termination = Some(Termination {
            finalizer: "kubernetes".into(),
            protected: vec!["default".into(), "kube-system".into(), "kube-public".into()],
        });
        ns.printer_columns = vec![
            json!({"name": "Status", "type": "string", "jsonPath": ".status.phase"}),
            json!({"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}),
        ];
        let mut cm = Self::builtin("", "v1", "configmaps", "ConfigMap", true);
        cm.short_names = vec!["cm".into()];
        let mut secret = Self::builtin("", "v1", "secrets", "Secret", true);
        secret.field_selectors = fs(&[("type", "type")]);
        secret.merges_string_data = true;
        secret.defaults = vec![("type".into(), json!("Opaque"))];
        let mut ev = Self::builtin("", "v1", "events", "Event", true);
        ev.short_names = vec!["ev".into()];
        ev.allow_create_on_update = true;
        ev.field_selectors = fs(&[
            ("involvedObject.kind", "involvedObject.kind"),
            ("involvedObject.namespace", "involvedObject.namespace"),
            ("involvedObject.name", "involvedObject.name"),
            ("involvedObject.uid", "involvedObject.uid"),
            ("involvedObject.apiVersion", "involvedObject.apiVersion"),
            (
                "involvedObject.resourceVersion",
                "involvedObject.resourceVersion",
            ),
            ("involvedObject.fieldPath", "involvedObject.fieldPath"),
            ("reason", "reason"),
            ("type", "type"),
            ("source", "source.component"),
        ]);
        // events.k8s.io/v1 (what event recorders write); stored apart from
        // core events, which kube-apiserver shares with it.
        let mut ev2 = Self::builtin("events.k8s.io", "v1", "events", "Event", true);
        ev2.short_names = vec!["ev".into()];
        ev2.allow_create_on_update = true;
        ev2.field_selectors = fs(&[
            ("regarding.kind", "regarding.kind"),
            ("regarding.namespace", "regarding.namespace"),
            ("regarding.name", "regarding.name"),
            ("regarding.uid", "regarding.uid"),
            ("reason", "reason"),
            ("type", "type"),
            ("reportingController", "reportingController"),
        ]);
        let mut lease = Self::builtin("coordination.k8s.io", "v1", "leases", "Lease", true);
        lease.update_requires_rv = true;
        lease.allow_create_on_update = true;
        let mut crd = Self::builtin(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
        );
        crd.status_subresource = true;
        crd.defines_resources = true;
        crd.sets_generation = true;
        crd.update_requires_rv = true;
        crd.short_names = vec!["crd".into(), "crds".into()];
        crd.categories = vec!["api-extensions".into()];
        vec![ns, cm, secret, ev, ev2, lease, crd]
    }

    /// The resource a CustomResourceDefinition object defines.
    ///
    /// # Errors
    /// 422 Invalid when required fields are missing.
    pub fn from_crd(crd: &Value) -> Result<ResourceKind, ApiError> {
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
        let group = s("/spec/group").ok_or_else(|| invalid("spec.group", "Required value"))?;
        let plural = s("/spec/names/plural")
            .ok_or_else(|| invalid("spec.names.plural", "Required value"))?;
        let kind =
            s("/spec/names/kind").ok_or_else(|| invalid("spec.names.kind", "Required value"))?;
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
        let schemas = version_schemas(crd, &versions).map_err(|(v, e)| {
            invalid(
                "spec.versions.schema.openAPIV3Schema",
                &format!("Invalid value: {v:?}: {e}"),
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
            custom: true,
            allow_create_on_update: false,
            initial_status: None,
            merges_string_data: false,
            defaults: Vec::new(),
            name_is_dns_label: false,
            defines_resources: false,
            termination: None,
            field_selectors,
            printer_columns,
            short_names: strs("/spec/names/shortNames"),
            categories: strs("/spec/names/categories"),
            schemas,
        })
    }

    /// The `acceptedNames` block for a CRD's status.
    pub fn accepted_names(&self) -> Value {
        let mut v = json!({
            "plural": self.plural,
            "singular": self.singular,
            "kind": self.kind,
            "listKind": format!("{}List", self.kind),
        });
        if let Value::Object(m) = &mut v {
            if !self.short_names.is_empty() {
                m.insert("shortNames".into(), json!(self.short_names));
            }
            if !self.categories.is_empty() {
                m.insert("categories".into(), json!(self.categories));
            }
        }
        v
    }
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
