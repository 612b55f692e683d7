//! Object metadata (`metav1.ObjectMeta`, `OwnerReference`, `ManagedFieldsEntry`, `TypeMeta`).
//!
//! Every type here serializes as the Go types do: a field the Go JSON tag marks
//! `omitempty` is left out when it is empty (`None`, `""`, `0`, an empty map or
//! list), and `null` on the wire reads as empty. Decoding goes straight through
//! `serde` derives: no `serde_json::Value` and no `flatten` on this hot path.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::serde_util::{int_is_zero, null_as_default, str_is_empty};
use super::time::Time;
use crate::resource::Resource;

/// Standard object metadata (`metav1.ObjectMeta`): every field the API defines.
///
/// String fields are `Option<String>`; as in Go, `None` and `Some("")` are
/// both left out of the JSON, and so is a `generation` of `0`. One deliberate
/// difference: Go writes an unset `creationTimestamp` as `null` (its
/// `omitempty` cannot drop a struct); this type leaves it out, which the
/// server reads the same way.
///
/// ```
/// use client_core::ObjectMeta;
///
/// let meta = ObjectMeta::named("web").in_namespace("default").with_label("app", "web");
/// let json = serde_json::to_string(&meta).unwrap();
/// assert_eq!(json, r#"{"name":"web","namespace":"default","labels":{"app":"web"}}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// The object's name, unique within its namespace (or the cluster).
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub name: Option<String>,
    /// A prefix from which the server generates a unique name when `name` is empty.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub generate_name: Option<String>,
    /// The namespace; empty for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub namespace: Option<String>,
    /// Deprecated self link; servers since Kubernetes 1.20 leave it empty.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub self_link: Option<String>,
    /// The server-assigned unique id of this incarnation of the object.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub uid: Option<String>,
    /// The opaque version the server assigned at the last write (optimistic concurrency).
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub resource_version: Option<String>,
    /// A sequence number for the desired state (spec) generation.
    #[serde(default, skip_serializing_if = "int_is_zero")]
    pub generation: Option<i64>,
    /// When the server created the object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    /// When a graceful deletion was requested; set by the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    /// Seconds allowed for graceful termination once deletion was requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels: identifying key/value pairs matched by selectors.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub labels: BTreeMap<String, String>,
    /// Annotations: non-identifying key/value pairs.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
    /// Objects this object depends on (garbage-collection owners).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub owner_references: Vec<OwnerReference>,
    /// Finalizers that must be removed before the object is deleted.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub finalizers: Vec<String>,
    /// Server-side apply field ownership; never sent by `apply`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub managed_fields: Vec<ManagedFieldsEntry>,
}

impl ObjectMeta {
    /// Metadata with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            ..Self::default()
        }
    }

    /// Sets the namespace (builder style).
    #[must_use]
    pub fn in_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = Some(namespace.into());
        self
    }

    /// Adds a label (builder style).
    #[must_use]
    pub fn with_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds an annotation (builder style).
    #[must_use]
    pub fn with_annotation(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.annotations.insert(key.into(), value.into());
        self
    }

    /// The name, or `""` when unset.
    pub fn name_str(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// `true` once deletion was requested (the object waits for its finalizers).
    pub fn is_deleting(&self) -> bool {
        self.deletion_timestamp.is_some()
    }

    /// `true` if `finalizer` is in the finalizer list.
    pub fn has_finalizer(&self, finalizer: &str) -> bool {
        self.finalizers.iter().any(|f| f == finalizer)
    }
}

/// A reference from an object to its owner (`metav1.OwnerReference`).
///
/// `apiVersion`, `kind`, `name` and `uid` are required by the API and always serialized.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    /// The owner's `apiVersion`.
    #[serde(default)]
    pub api_version: String,
    /// The owner's kind.
    #[serde(default)]
    pub kind: String,
    /// The owner's name.
    #[serde(default)]
    pub name: String,
    /// The owner's uid.
    #[serde(default)]
    pub uid: String,
    /// `true` if the owner is the managing controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    /// With foreground deletion, `true` if the owner waits for this object to go first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// One manager's field ownership, recorded by server-side apply (`metav1.ManagedFieldsEntry`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedFieldsEntry {
    /// The field manager's name.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub manager: Option<String>,
    /// `Apply` or `Update`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub operation: Option<String>,
    /// The version of the resource the field set applies to.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub api_version: Option<String>,
    /// When the entry was last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
    /// The format of `fieldsV1`: `FieldsV1`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub fields_type: Option<String>,
    /// The owned field set, kept as raw JSON (its trie format is opaque to clients).
    #[serde(default, rename = "fieldsV1", skip_serializing_if = "Option::is_none")]
    pub fields_v1: Option<serde_json::Value>,
    /// The subresource the entry was written through (`status`), if any.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub subresource: Option<String>,
}

/// `apiVersion` and `kind` as they appear at the top of an object (`metav1.TypeMeta`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeMeta {
    /// `group/version`, or `version` for the core group.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub api_version: Option<String>,
    /// The kind, in CamelCase.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub kind: Option<String>,
}

impl TypeMeta {
    /// The type meta of a [`Resource`] kind.
    pub fn of<K: Resource>() -> Self {
        Self {
            api_version: Some(K::API_VERSION.to_owned()),
            kind: Some(K::KIND.to_owned()),
        }
    }
}
