//! Building a resource's `CustomResourceDefinition` from the derive's static
//! data, and printing it as a manifest `kubectl apply -f -` accepts.

use crate::api::CustomResourceDefinition;
use crate::api::{
    CustomResourceColumnDefinition, CustomResourceDefinitionNames, CustomResourceDefinitionSpec,
    CustomResourceDefinitionVersion, CustomResourceSubresourceScale,
    CustomResourceSubresourceStatus, CustomResourceSubresources, CustomResourceValidation,
    ResourceScope,
};
use crate::resource::{Resource, Scope};
use crate::{ObjectMeta, WithTypeMeta};

use super::StructuralError;

/// Why a resource's CRD could not be built or printed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CrdError {
    /// The Rust type's schema has no structural form.
    #[error("the schema of {kind} {version} is not structural: {source}")]
    Schema {
        /// The kind.
        kind: &'static str,
        /// The version whose type failed.
        version: &'static str,
        /// The field path and the reason.
        #[source]
        source: StructuralError,
    },
    /// Printing the manifest failed.
    #[error("cannot print the CRD: {0}")]
    Print(String),
}

/// The CRD as JSON, with `apiVersion` and `kind`: a manifest for `kubectl apply -f -`.
///
/// # Errors
///
/// [`CrdError::Print`] if serialization fails (it does not for a CRD built by
/// the derive).
///
/// ```
/// # use client_core::{api::CustomResourceDefinition, ObjectMeta};
/// let crd = CustomResourceDefinition { metadata: ObjectMeta::named("a.b.c"), ..Default::default() };
/// let json = client_core::schema::crd_json(&crd).unwrap();
/// let value: serde_json::Value = serde_json::from_str(&json).unwrap();
/// assert_eq!(value["apiVersion"], "apiextensions.k8s.io/v1");
/// assert_eq!(value["kind"], "CustomResourceDefinition");
/// ```
pub fn crd_json(crd: &CustomResourceDefinition) -> Result<String, CrdError> {
    serde_json::to_string_pretty(&WithTypeMeta(crd)).map_err(|e| CrdError::Print(e.to_string()))
}

/// The CRD as YAML, with `apiVersion` and `kind`: a manifest for `kubectl apply -f -`.
///
/// # Errors
///
/// [`CrdError::Print`] if serialization fails (it does not for a CRD built by
/// the derive).
///
/// ```
/// # use client_core::{api::CustomResourceDefinition, ObjectMeta};
/// let crd = CustomResourceDefinition { metadata: ObjectMeta::named("a.b.c"), ..Default::default() };
/// let yaml = client_core::schema::crd_yaml(&crd).unwrap();
/// assert!(yaml.starts_with("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"));
/// ```
pub fn crd_yaml(crd: &CustomResourceDefinition) -> Result<String, CrdError> {
    serde_yaml_ng::to_string(&WithTypeMeta(crd)).map_err(|e| CrdError::Print(e.to_string()))
}

/// What `crd()` needs beyond the `Resource` constants, as static data.
#[derive(Debug)]
pub struct CrdInfo {
    /// The `status` subresource is served.
    pub status: bool,
    /// The `scale` subresource, if served.
    pub scale: Option<CrdScale>,
    /// `additionalPrinterColumns`.
    pub columns: &'static [CrdColumn],
    /// `served` (default true).
    pub served: bool,
    /// `storage`: explicit `storage`, or the only version.
    pub storage: bool,
    /// `deprecated`.
    pub deprecated: bool,
    /// `deprecationWarning`.
    pub deprecation_warning: Option<&'static str>,
    /// Root-level `x-kubernetes-validations` from `validation(..)`.
    pub rules: &'static [CrdRule],
}

/// One `validation(rule = .., ..)`: an `x-kubernetes-validations` entry.
#[derive(Debug)]
pub struct CrdRule {
    /// The CEL expression.
    pub rule: &'static str,
    /// `message`.
    pub message: Option<&'static str>,
    /// `messageExpression`.
    pub message_expression: Option<&'static str>,
    /// `reason` (`FieldValueInvalid`, `FieldValueForbidden`, ...).
    pub reason: Option<&'static str>,
    /// `fieldPath`.
    pub field_path: Option<&'static str>,
}

/// `scale(..)` paths.
#[derive(Debug)]
pub struct CrdScale {
    /// `.spec.replicas`
    pub spec_replicas_path: &'static str,
    /// `.status.replicas`
    pub status_replicas_path: &'static str,
    /// `.status.selector`
    pub label_selector_path: Option<&'static str>,
}

/// One `printer_column(..)`.
#[derive(Debug)]
pub struct CrdColumn {
    /// Header.
    pub name: &'static str,
    /// OpenAPI type.
    pub type_: &'static str,
    /// JSON path.
    pub json_path: &'static str,
    /// 0 = shown by default.
    pub priority: i32,
    /// Description.
    pub description: Option<&'static str>,
    /// OpenAPI format.
    pub format: Option<&'static str>,
}

/// One version entry of `K`'s CRD, with `schema` (or the permissive one)
/// and the root-level rules of `info`.
pub fn crd_version<K: Resource>(
    info: &CrdInfo,
    schema: Option<serde_json::Value>,
) -> CustomResourceDefinitionVersion {
    // Generic only for the name: the body is compiled once, not per kind.
    version_entry(K::VERSION, info, schema)
}

fn version_entry(
    version: &str,
    info: &CrdInfo,
    schema: Option<serde_json::Value>,
) -> CustomResourceDefinitionVersion {
    let mut schema = schema.unwrap_or_else(|| {
        CustomResourceValidation::permissive()
            .open_api_v3_schema
            .unwrap_or_default()
    });
    if !info.rules.is_empty()
        && let Some(root) = schema.as_object_mut()
    {
        let slot = root
            .entry("x-kubernetes-validations")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if !slot.is_array() {
            *slot = serde_json::Value::Array(Vec::new());
        }
        if let serde_json::Value::Array(a) = slot {
            a.extend(info.rules.iter().map(rule_json));
        }
    }
    let subresources = (info.status || info.scale.is_some()).then(|| CustomResourceSubresources {
        status: info.status.then_some(CustomResourceSubresourceStatus {}),
        scale: info.scale.as_ref().map(|s| CustomResourceSubresourceScale {
            spec_replicas_path: s.spec_replicas_path.to_owned(),
            status_replicas_path: s.status_replicas_path.to_owned(),
            label_selector_path: s.label_selector_path.map(str::to_owned),
        }),
    });
    CustomResourceDefinitionVersion {
        name: version.to_owned(),
        served: info.served,
        storage: info.storage,
        deprecated: info.deprecated,
        deprecation_warning: info.deprecation_warning.map(str::to_owned),
        schema: Some(CustomResourceValidation {
            open_api_v3_schema: Some(schema),
        }),
        subresources,
        additional_printer_columns: info
            .columns
            .iter()
            .map(|c| CustomResourceColumnDefinition {
                name: c.name.to_owned(),
                type_: c.type_.to_owned(),
                format: c.format.map(str::to_owned),
                description: c.description.map(str::to_owned),
                priority: c.priority,
                json_path: c.json_path.to_owned(),
            })
            .collect(),
        ..CustomResourceDefinitionVersion::default()
    }
}

fn rule_json(r: &CrdRule) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    m.insert("rule".into(), r.rule.into());
    for (k, v) in [
        ("message", r.message),
        ("messageExpression", r.message_expression),
        ("reason", r.reason),
        ("fieldPath", r.field_path),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), v.into());
        }
    }
    serde_json::Value::Object(m)
}

/// The CRD serving `K` with the given version entries.
pub fn crd_with_versions<K: Resource>(
    versions: Vec<CustomResourceDefinitionVersion>,
) -> CustomResourceDefinition {
    // Generic only for the names: the body is compiled once, not per kind.
    definition(
        &KindNames {
            group: K::GROUP,
            plural: K::PLURAL,
            singular: K::SINGULAR,
            kind: K::KIND,
            short_names: K::SHORT_NAMES,
            categories: K::CATEGORIES,
            namespaced: <K::Scope as Scope>::NAMESPACED,
        },
        versions,
    )
}

/// A kind's names and scope, as `crd_with_versions` reads them off `K`.
struct KindNames {
    group: &'static str,
    plural: &'static str,
    singular: &'static str,
    kind: &'static str,
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    namespaced: bool,
}

fn definition(
    names: &KindNames,
    versions: Vec<CustomResourceDefinitionVersion>,
) -> CustomResourceDefinition {
    let owned = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    CustomResourceDefinition {
        metadata: ObjectMeta {
            name: Some(format!("{}.{}", names.plural, names.group)),
            ..ObjectMeta::default()
        },
        spec: CustomResourceDefinitionSpec {
            group: names.group.to_owned(),
            names: CustomResourceDefinitionNames {
                plural: names.plural.to_owned(),
                singular: Some(names.singular.to_owned()),
                short_names: owned(names.short_names),
                kind: names.kind.to_owned(),
                list_kind: Some(format!("{}List", names.kind)),
                categories: owned(names.categories),
            },
            scope: if names.namespaced {
                ResourceScope::Namespaced
            } else {
                ResourceScope::Cluster
            },
            versions,
            ..CustomResourceDefinitionSpec::default()
        },
        status: None,
    }
}

/// One version of a (possibly multi-version) CRD: implemented by the derive
/// for every resource with a `crd()`, so that `versions(..)` can collect the
/// others' entries.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a version of a custom resource",
    label = "listed in `versions(..)` here",
    note = "every type in `versions(..)` needs #[derive(Resource)] without `no_crd`"
)]
pub trait CrdVersion: Resource {
    /// Whether this version says `storage`.
    const STORAGE: bool;
    /// This version's entry.
    ///
    /// # Errors
    ///
    /// [`CrdError::Schema`] when the type's schema has no structural form.
    fn crd_version() -> Result<CustomResourceDefinitionVersion, CrdError>;
}

/// The schema half of `crd_version` for a `schema` resource: `K`'s
/// generated schema (from `<K as CrdSchema>::crd_schema()`, called in the
/// user's crate so that a missing `JsonSchema` is reported there) with the
/// kind and version added to an error.
///
/// # Errors
///
/// [`CrdError::Schema`] with the field path.
pub fn schema_of<K: Resource>(
    generated: Result<serde_json::Value, StructuralError>,
) -> Result<serde_json::Value, CrdError> {
    generated.map_err(|source| CrdError::Schema {
        kind: K::KIND,
        version: K::VERSION,
        source,
    })
}

/// Another type's entry in a multi-version CRD, with its own `storage` flag
/// (a type alone is its CRD's storage version; listed in `versions(..)` it is
/// one only when it says `storage`).
///
/// # Errors
///
/// [`CrdError::Schema`] when the type's schema has no structural form.
pub fn other_version<K: CrdVersion>() -> Result<CustomResourceDefinitionVersion, CrdError> {
    let mut v = K::crd_version()?;
    v.storage = K::STORAGE;
    Ok(v)
}
