//! [`Secret`] (core/v1), whose `Debug` never shows its data.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::byte_string::ByteString;
use crate::ObjectMeta;
use crate::meta::serde_util::{null_as_default, str_is_empty};

/// Secret data (core/v1 `Secret`).
///
/// `Debug` prints the keys of `data` and `string_data` but never their values,
/// nor the `kubectl.kubernetes.io/last-applied-configuration` annotation
/// (which holds a copy of the data after a client-side `kubectl apply`).
///
/// ```
/// use client_core::api::{ByteString, Secret};
///
/// let mut s = Secret::default();
/// s.data.insert("password".into(), ByteString::from("hunter2"));
/// let shown = format!("{s:?}");
/// assert!(shown.contains("password") && !shown.contains("hunter2"));
/// ```
#[derive(client_derive::Resource, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "", version = "v1")]
#[serde(rename_all = "camelCase")]
pub struct Secret {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The secret entries (base64 on the wire).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub data: BTreeMap<String, ByteString>,
    /// Write-only plain-text entries, merged into `data` by the server.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub string_data: BTreeMap<String, String>,
    /// The secret type, such as `Opaque` or `kubernetes.io/tls`.
    #[serde(default, rename = "type", skip_serializing_if = "str_is_empty")]
    pub type_: Option<String>,
    /// If `true`, the data can no longer change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
}

/// Shows map keys with every value replaced by `<redacted>`.
struct RedactedValues<'a, V>(&'a BTreeMap<String, V>);

impl<V> fmt::Debug for RedactedValues<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, format_args!("<redacted>"))))
            .finish()
    }
}

/// The annotation where `kubectl apply` keeps the last applied object: for a
/// Secret it holds the data, so `Debug` hides it too.
const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted;
        let metadata = if self
            .metadata
            .annotations
            .contains_key(LAST_APPLIED_ANNOTATION)
        {
            let mut copy = self.metadata.clone();
            copy.annotations
                .insert(LAST_APPLIED_ANNOTATION.to_owned(), "<redacted>".to_owned());
            redacted = copy;
            &redacted
        } else {
            &self.metadata
        };
        f.debug_struct("Secret")
            .field("metadata", &metadata)
            .field("data", &RedactedValues(&self.data))
            .field("string_data", &RedactedValues(&self.string_data))
            .field("type_", &self.type_)
            .field("immutable", &self.immutable)
            .finish()
    }
}
