//! [`ConfigMap`] (core/v1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::byte_string::ByteString;
use crate::ObjectMeta;
use crate::meta::serde_util::null_as_default;

/// Configuration data (core/v1 `ConfigMap`).
///
/// ```
/// use client_core::api::ConfigMap;
/// use client_core::{ObjectMeta, WithTypeMeta};
///
/// let mut cm = ConfigMap { metadata: ObjectMeta::named("cfg"), ..Default::default() };
/// cm.data.insert("key".into(), "value".into());
/// assert_eq!(
///     serde_json::to_string(&WithTypeMeta(&cm)).unwrap(),
///     r#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"key":"value"}}"#,
/// );
/// ```
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "", version = "v1", short_names("cm"))]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// UTF-8 entries.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub data: BTreeMap<String, String>,
    /// Binary entries (base64 on the wire).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub binary_data: BTreeMap<String, ByteString>,
    /// If `true`, the data can no longer change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}
