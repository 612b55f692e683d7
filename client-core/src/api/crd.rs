//! `apiextensions.k8s.io/v1` `CustomResourceDefinition`.
//!
//! Field names and omissions follow the Go types. The OpenAPI schema and the
//! conversion settings are kept as `serde_json::Value`: they are free-form,
//! rarely read by clients, and off the hot path.

use serde::{Deserialize, Serialize};

use crate::meta::serde_util::{null_as_default, str_is_empty};
use crate::{ObjectMeta, Time};

/// A custom resource definition: teaches the API server a new kind.
///
/// ```
/// use client_core::api::CustomResourceDefinition;
/// use client_core::api::{
///     CustomResourceDefinitionNames, CustomResourceDefinitionSpec, CustomResourceDefinitionVersion,
///     ResourceScope,
/// };
/// use client_core::{ObjectMeta, Resource};
///
/// let crd = CustomResourceDefinition {
///     metadata: ObjectMeta::named("crontabs.stable.example.com"),
///     spec: CustomResourceDefinitionSpec {
///         group: "stable.example.com".into(),
///         names: CustomResourceDefinitionNames {
///             plural: "crontabs".into(),
///             kind: "CronTab".into(),
///             ..Default::default()
///         },
///         scope: ResourceScope::Namespaced,
///         versions: vec![CustomResourceDefinitionVersion {
///             name: "v1".into(),
///             served: true,
///             storage: true,
///             ..Default::default()
///         }],
///         ..Default::default()
///     },
///     status: None,
/// };
/// assert_eq!(CustomResourceDefinition::SHORT_NAMES, ["crd", "crds"]);
/// assert!(!crd.is_established());
/// ```
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[resource(
    crate = "crate",
    group = "apiextensions.k8s.io",
    version = "v1",
    short_names("crd", "crds"),
    categories("api-extensions"),
    cluster,
    status,
    no_crd
)]
pub struct CustomResourceDefinition {
    /// Standard metadata; the name must be `{plural}.{group}`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The desired definition.
    #[serde(default)]
    pub spec: CustomResourceDefinitionSpec,
    /// What the server accepted and whether the definition is established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CustomResourceDefinitionStatus>,
}

/// Written with `apiVersion` and `kind` first, so that a CRD printed with
/// `serde_json` (or `serde_yaml_ng`) is a manifest `kubectl apply` accepts;
/// [`WithTypeMeta`](crate::WithTypeMeta) does not repeat them.
impl Serialize for CustomResourceDefinition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use crate::Resource;
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("CustomResourceDefinition", 5)?;
        s.serialize_field("apiVersion", Self::API_VERSION)?;
        s.serialize_field("kind", Self::KIND)?;
        s.serialize_field("metadata", &self.metadata)?;
        s.serialize_field("spec", &self.spec)?;
        match &self.status {
            Some(status) => s.serialize_field("status", status)?,
            None => s.skip_field("status")?,
        }
        s.end()
    }
}

impl CustomResourceDefinition {
    /// `true` once the server serves the new resource (condition `Established` is `True`).
    pub fn is_established(&self) -> bool {
        self.condition_is_true("Established")
    }

    /// `true` once the names are accepted without conflict (condition `NamesAccepted` is `True`).
    pub fn names_accepted(&self) -> bool {
        self.condition_is_true("NamesAccepted")
    }

    /// `true` if the status has a condition of type `type_` with status `True`.
    pub fn condition_is_true(&self, type_: &str) -> bool {
        self.status.as_ref().is_some_and(|s| {
            s.conditions
                .iter()
                .any(|c| c.type_ == type_ && c.status == "True")
        })
    }

    /// The version marked `storage: true`, if any.
    pub fn storage_version(&self) -> Option<&CustomResourceDefinitionVersion> {
        self.spec.versions.iter().find(|v| v.storage)
    }
}

/// Whether a custom resource is namespaced or cluster-scoped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ResourceScope {
    /// Objects live in namespaces.
    #[default]
    Namespaced,
    /// Objects are cluster-wide.
    Cluster,
}

impl ResourceScope {
    /// The value on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Namespaced => "Namespaced",
            Self::Cluster => "Cluster",
        }
    }
}

/// The spec of a [`CustomResourceDefinition`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceDefinitionSpec {
    /// The API group, such as `stable.example.com`.
    #[serde(default)]
    pub group: String,
    /// The resource's names.
    #[serde(default)]
    pub names: CustomResourceDefinitionNames,
    /// `Namespaced` or `Cluster`.
    #[serde(default)]
    pub scope: ResourceScope,
    /// The served versions; exactly one has `storage: true`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<CustomResourceDefinitionVersion>,
    /// How versions convert (`strategy: None` or `Webhook`), kept as raw JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion: Option<serde_json::Value>,
    /// Deprecated: keep unknown fields everywhere (only `false` is allowed in v1).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preserve_unknown_fields: bool,
}

/// The names of a custom resource (`CustomResourceDefinitionNames`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceDefinitionNames {
    /// The lowercase plural used in URLs (`crontabs`).
    #[serde(default)]
    pub plural: String,
    /// The lowercase singular (`crontab`); defaults to the lowercased kind.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub singular: Option<String>,
    /// Short names for kubectl (`ct`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub short_names: Vec<String>,
    /// The kind (`CronTab`).
    #[serde(default)]
    pub kind: String,
    /// The list kind; defaults to `{kind}List`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub list_kind: Option<String>,
    /// Categories such as `all`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub categories: Vec<String>,
}

/// One version of a custom resource (`CustomResourceDefinitionVersion`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceDefinitionVersion {
    /// The version name, such as `v1`.
    #[serde(default)]
    pub name: String,
    /// Whether the version is served over REST.
    #[serde(default)]
    pub served: bool,
    /// Whether objects are stored in this version (exactly one version).
    #[serde(default)]
    pub storage: bool,
    /// Whether the version is deprecated (kubectl warns).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// The warning sent to clients of a deprecated version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecation_warning: Option<String>,
    /// The validation schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<CustomResourceValidation>,
    /// The subresources served (`status`, `scale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresources: Option<CustomResourceSubresources>,
    /// Extra columns for `kubectl get`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub additional_printer_columns: Vec<CustomResourceColumnDefinition>,
    /// Fields usable in field selectors.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub selectable_fields: Vec<SelectableField>,
}

/// A version's validation schema (`CustomResourceValidation`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomResourceValidation {
    /// The OpenAPI v3 schema, as raw JSON.
    #[serde(
        default,
        rename = "openAPIV3Schema",
        skip_serializing_if = "Option::is_none"
    )]
    pub open_api_v3_schema: Option<serde_json::Value>,
}

impl CustomResourceValidation {
    /// A schema that accepts any object (`x-kubernetes-preserve-unknown-fields`).
    pub fn permissive() -> Self {
        Self {
            open_api_v3_schema: Some(serde_json::json!({
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": true,
            })),
        }
    }
}

/// The subresources of a version (`CustomResourceSubresources`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomResourceSubresources {
    /// Serve `/status` (an empty object on the wire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<CustomResourceSubresourceStatus>,
    /// Serve `/scale`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<CustomResourceSubresourceScale>,
}

/// Enables the `/status` subresource; `{}` on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomResourceSubresourceStatus {}

/// Enables the `/scale` subresource (`CustomResourceSubresourceScale`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceSubresourceScale {
    /// JSON path of the desired replicas, such as `.spec.replicas`.
    #[serde(default)]
    pub spec_replicas_path: String,
    /// JSON path of the observed replicas, such as `.status.replicas`.
    #[serde(default)]
    pub status_replicas_path: String,
    /// JSON path of the label selector string, such as `.status.selector`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector_path: Option<String>,
}

/// An extra `kubectl get` column (`CustomResourceColumnDefinition`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceColumnDefinition {
    /// The column header.
    #[serde(default)]
    pub name: String,
    /// The OpenAPI type: `integer`, `number`, `string`, `boolean` or `date`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// An optional OpenAPI format, such as `date-time`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub format: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub description: Option<String>,
    /// `0` for the default view; higher only with `-o wide`.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub priority: i32,
    /// The JSON path of the value, such as `.spec.cronSpec`.
    #[serde(default)]
    pub json_path: String,
}

fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}

/// A field usable in field selectors (`SelectableField`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectableField {
    /// The JSON path of the field, such as `.spec.color`.
    #[serde(default)]
    pub json_path: String,
}

/// The status of a [`CustomResourceDefinition`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceDefinitionStatus {
    /// Conditions such as `Established` and `NamesAccepted`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conditions: Vec<CustomResourceDefinitionCondition>,
    /// The names actually being served.
    #[serde(default)]
    pub accepted_names: CustomResourceDefinitionNames,
    /// Every version ever stored, for storage migration.
    #[serde(default, deserialize_with = "null_as_default")]
    pub stored_versions: Vec<String>,
}

/// A condition of a [`CustomResourceDefinition`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomResourceDefinitionCondition {
    /// The condition type, such as `Established`.
    #[serde(default, rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    #[serde(default)]
    pub status: String,
    /// When the condition last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
    /// A machine-readable reason.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub reason: Option<String>,
    /// A human-readable message.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub message: Option<String>,
}
