//! [`ObjectReference`] (core/v1): a reference to an object, as events and owners use it.

use serde::{Deserialize, Serialize};

use crate::ObjectMetaAccess;
use crate::meta::serde_util::str_is_empty;
use crate::resource::Resource;

/// A reference to an object (core/v1 `ObjectReference`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    /// The kind.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub kind: Option<String>,
    /// The namespace.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub namespace: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub name: Option<String>,
    /// The uid.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub uid: Option<String>,
    /// The `apiVersion`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub api_version: Option<String>,
    /// The resource version the reference was taken at.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub resource_version: Option<String>,
    /// A path within the object, such as `spec.containers{app}`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub field_path: Option<String>,
}

impl ObjectReference {
    /// A reference to `obj` (kind, apiVersion, name, namespace, uid, resourceVersion).
    pub fn to<K: Resource>(obj: &K) -> Self {
        let meta = obj.metadata();
        Self {
            kind: Some(K::KIND.to_owned()),
            namespace: meta.namespace().map(str::to_owned),
            name: meta.name().map(str::to_owned),
            uid: meta.uid().map(str::to_owned),
            api_version: Some(K::API_VERSION.to_owned()),
            resource_version: meta.resource_version().map(str::to_owned),
            field_path: None,
        }
    }
}
