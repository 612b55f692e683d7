//! Built-in kinds that `client-core` ships: `Namespace`, `ConfigMap`, `Secret`,
//! `Event` (core/v1) and `Lease` (coordination.k8s.io/v1).
//!
//! They are declared with `#[derive(Resource)]` like any user kind, which
//! also gives each its typed clients (`ConfigMapClient`, ...).

use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::de::{self, Deserializer, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

use super::meta::{MicroTime, ObjectMeta, Time};
use super::serde_util::{null_as_default, str_is_empty};
use crate::resource::Resource;

/// Binary data, base64-encoded on the wire (Go's `[]byte`).
///
/// `Debug` shows only the length, never the bytes: this type holds Secret data.
///
/// ```
/// use client_core::api::ByteString;
///
/// let b = ByteString::from("hi");
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#""aGk=""#);
/// assert_eq!(format!("{b:?}"), "ByteString(<2 bytes>)");
/// ```
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteString(pub Vec<u8>);

impl fmt::Debug for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ByteString(<{} bytes>)", self.0.len())
    }
}

impl From<Vec<u8>> for ByteString {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for ByteString {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<&str> for ByteString {
    fn from(s: &str) -> Self {
        Self(s.as_bytes().to_vec())
    }
}

impl From<String> for ByteString {
    fn from(s: String) -> Self {
        Self(s.into_bytes())
    }
}

impl AsRef<[u8]> for ByteString {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;

        impl Visitor<'_> for Base64Visitor {
            type Value = ByteString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64-encoded string")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<ByteString, E> {
                // The error says where, never echoes the (possibly secret) data.
                BASE64
                    .decode(s)
                    .map(ByteString)
                    .map_err(|_| E::custom("invalid base64 data"))
            }

            fn visit_unit<E: de::Error>(self) -> Result<ByteString, E> {
                Ok(ByteString::default())
            }
        }

        deserializer.deserialize_any(Base64Visitor)
    }
}

/// A namespace (core/v1 `Namespace`), cluster-scoped.
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(
    crate = "crate",
    group = "",
    version = "v1",
    short_names("ns"),
    cluster,
    status
)]
pub struct Namespace {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The finalizers that must run before the namespace is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<NamespaceSpec>,
    /// The phase (`Active` or `Terminating`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<NamespaceStatus>,
}

impl Namespace {
    /// A namespace with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            metadata: ObjectMeta::named(name),
            ..Self::default()
        }
    }

    /// The phase, if the server reported one.
    pub fn phase(&self) -> Option<&str> {
        self.status.as_ref().and_then(|s| s.phase.as_deref())
    }
}

/// The spec of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceSpec {
    /// Finalizers (such as `kubernetes`) that must be emptied before removal.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub finalizers: Vec<String>,
}

/// The status of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceStatus {
    /// `Active` or `Terminating`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub phase: Option<String>,
    /// Conditions such as `NamespaceContentRemaining`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub conditions: Vec<NamespaceCondition>,
}

/// A condition of a [`Namespace`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceCondition {
    /// The condition type.
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
            namespace: meta.namespace.clone(),
            name: meta.name.clone(),
            uid: meta.uid.clone(),
            api_version: Some(K::API_VERSION.to_owned()),
            resource_version: meta.resource_version.clone(),
            field_path: None,
        }
    }
}

/// An event report (core/v1 `Event`).
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "", version = "v1", short_names("ev"))]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The object this event is about.
    #[serde(default)]
    pub involved_object: ObjectReference,
    /// A short machine-readable reason, such as `Scheduled`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub reason: Option<String>,
    /// A human-readable description.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub message: Option<String>,
    /// The component reporting the event (deprecated in favour of `reportingComponent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<EventSource>,
    /// When the event was first seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<Time>,
    /// When the event was last seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<Time>,
    /// How many times it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// `Normal` or `Warning`.
    #[serde(default, rename = "type", skip_serializing_if = "str_is_empty")]
    pub type_: Option<String>,
    /// When the event was first observed, with microseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_time: Option<MicroTime>,
    /// Data about an ongoing series of this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<EventSeries>,
    /// What was done (or failed), such as `Binding`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub action: Option<String>,
    /// A secondary object, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<ObjectReference>,
    /// The controller that emitted the event, such as `kubernetes.io/kubelet`.
    #[serde(default)]
    pub reporting_component: String,
    /// The controller instance, such as `kubelet-node-1`.
    #[serde(default)]
    pub reporting_instance: String,
}

/// The source of an [`Event`] (core/v1 `EventSource`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSource {
    /// The component, such as `kubelet`.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub component: Option<String>,
    /// The node name.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub host: Option<String>,
}

/// An ongoing series of an [`Event`] (core/v1 `EventSeries`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventSeries {
    /// Occurrences so far.
    #[serde(default, skip_serializing_if = "is_zero_i32")]
    pub count: i32,
    /// The last occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_observed_time: Option<MicroTime>,
}

fn is_zero_i32(v: &i32) -> bool {
    *v == 0
}

/// A lease for leader election or heartbeats (coordination.k8s.io/v1 `Lease`).
#[derive(client_derive::Resource, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[resource(crate = "crate", group = "coordination.k8s.io", version = "v1", no_crd)]
pub struct Lease {
    /// Standard metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The holder and timing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<LeaseSpec>,
}

/// The spec of a [`Lease`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseSpec {
    /// The current holder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder_identity: Option<String>,
    /// How long candidates wait before taking over, in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_duration_seconds: Option<i32>,
    /// When the current holder acquired the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acquire_time: Option<MicroTime>,
    /// When the holder last renewed the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renew_time: Option<MicroTime>,
    /// How many times the lease changed hands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_transitions: Option<i32>,
    /// The coordinated leader election strategy, such as `OldestEmulationVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
    /// The holder that should take the lease next (coordinated leader election).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_holder: Option<String>,
}
