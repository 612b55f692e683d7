//! Object and list metadata (`metav1.ObjectMeta`, `TypeMeta`, `ListMeta`), lists and timestamps.
//!
//! Every type here serializes as the Go types do: a field the Go JSON tag marks
//! `omitempty` is left out when it is empty (`None`, `""`, `0`, an empty map or
//! list), and `null` on the wire reads as empty. Decoding goes straight through
//! `serde` derives: no `serde_json::Value` and no `flatten` on this hot path.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::serde_util::{int_is_zero, null_as_default, str_is_empty};
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

/// List metadata (`metav1.ListMeta`): the revision a list was read at and the paging token.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    /// Deprecated self link.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub self_link: Option<String>,
    /// The revision the list was served at; start a watch from here.
    #[serde(default, skip_serializing_if = "str_is_empty")]
    pub resource_version: Option<String>,
    /// The opaque token for the next page, when the list was limited.
    #[serde(default, rename = "continue", skip_serializing_if = "str_is_empty")]
    pub continue_: Option<String>,
    /// An estimate of the items left after this page, when the server knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_item_count: Option<i64>,
}

impl ListMeta {
    /// The continue token, if there is a non-empty one.
    pub fn continue_token(&self) -> Option<&str> {
        self.continue_.as_deref().filter(|t| !t.is_empty())
    }
}

/// A list of objects of one kind (`{Kind}List` on the wire).
///
/// Decoding ignores `apiVersion` and `kind`, and reads `"items": null` or a
/// missing `items` as an empty list. Serializing emits `apiVersion` and
/// `kind: "{Kind}List"` from `K`'s [`Resource`] constants, then `metadata` and `items`.
///
/// ```
/// use client_core::{List, ObjectMeta};
/// # use client_core::{Namespaced, Resource};
/// # #[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
/// # struct Widget { metadata: ObjectMeta }
/// # impl Resource for Widget {
/// #     const GROUP: &'static str = "example.com";
/// #     const VERSION: &'static str = "v1";
/// #     const API_VERSION: &'static str = "example.com/v1";
/// #     const KIND: &'static str = "Widget";
/// #     const PLURAL: &'static str = "widgets";
/// #     const SINGULAR: &'static str = "widget";
/// #     const SHORT_NAMES: &'static [&'static str] = &[];
/// #     const CATEGORIES: &'static [&'static str] = &[];
/// #     type Scope = Namespaced;
/// #     fn metadata(&self) -> &ObjectMeta { &self.metadata }
/// #     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// # }
///
/// let list: List<Widget> = serde_json::from_str(
///     r#"{"apiVersion":"example.com/v1","kind":"WidgetList","metadata":{"resourceVersion":"7"},"items":null}"#,
/// ).unwrap();
/// assert!(list.items.is_empty());
/// assert_eq!(list.metadata.resource_version.as_deref(), Some("7"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct List<K> {
    /// The list's metadata: resource version and continue token.
    pub metadata: ListMeta,
    /// The objects.
    pub items: Vec<K>,
}

impl<K> Default for List<K> {
    fn default() -> Self {
        Self {
            metadata: ListMeta::default(),
            items: Vec::new(),
        }
    }
}

impl<K> IntoIterator for List<K> {
    type Item = K;
    type IntoIter = std::vec::IntoIter<K>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'de, K: Deserialize<'de>> Deserialize<'de> for List<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(field_identifier, rename_all = "camelCase")]
        enum Field {
            Metadata,
            Items,
            #[serde(other)]
            Other,
        }

        struct ListVisitor<K>(PhantomData<K>);

        impl<'de, K: Deserialize<'de>> Visitor<'de> for ListVisitor<K> {
            type Value = List<K>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Kubernetes list object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<List<K>, A::Error> {
                let mut metadata: Option<ListMeta> = None;
                let mut items: Option<Vec<K>> = None;
                while let Some(key) = map.next_key::<Field>()? {
                    match key {
                        Field::Metadata => {
                            if metadata.is_some() {
                                return Err(de::Error::duplicate_field("metadata"));
                            }
                            metadata =
                                Some(map.next_value::<Option<ListMeta>>()?.unwrap_or_default());
                        }
                        Field::Items => {
                            if items.is_some() {
                                return Err(de::Error::duplicate_field("items"));
                            }
                            items = Some(map.next_value::<Option<Vec<K>>>()?.unwrap_or_default());
                        }
                        Field::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(List {
                    metadata: metadata.unwrap_or_default(),
                    items: items.unwrap_or_default(),
                })
            }
        }

        deserializer.deserialize_map(ListVisitor(PhantomData))
    }
}

impl<K: Resource> Serialize for List<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let kind = format!("{}List", K::KIND);
        let mut s = serializer.serialize_struct("List", 4)?;
        s.serialize_field("apiVersion", K::API_VERSION)?;
        s.serialize_field("kind", &kind)?;
        s.serialize_field("metadata", &self.metadata)?;
        s.serialize_field("items", &self.items)?;
        s.end()
    }
}

/// A point in time with second precision on the wire (`metav1.Time`).
///
/// Serializes as RFC 3339 in UTC with whole seconds (`2024-05-01T12:30:00Z`;
/// sub-second digits are dropped, as Go does). Parses any RFC 3339 timestamp,
/// with or without fractional seconds and with any offset.
///
/// ```
/// use client_core::Time;
///
/// let t: Time = "2024-05-01T14:30:00.75+02:00".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-05-01T12:30:00Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub jiff::Timestamp);

/// A point in time with microsecond precision on the wire (`metav1.MicroTime`).
///
/// Serializes as RFC 3339 in UTC with exactly six fractional digits
/// (`2024-05-01T12:30:00.000000Z`). Parses any RFC 3339 timestamp.
///
/// ```
/// use client_core::api::MicroTime;
///
/// let t: MicroTime = "2024-05-01T12:30:00.1234567Z".parse().unwrap();
/// assert_eq!(t.to_string(), "2024-05-01T12:30:00.123456Z");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MicroTime(pub jiff::Timestamp);

/// The error for a string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid RFC 3339 timestamp: {reason}")]
pub struct TimeParseError {
    reason: String,
}

fn parse_rfc3339(s: &str) -> Result<jiff::Timestamp, TimeParseError> {
    jiff::Timestamp::from_str(s).map_err(|e| TimeParseError {
        reason: e.to_string(),
    })
}

macro_rules! time_impls {
    ($ty:ident, $format:literal, $expecting:literal) => {
        impl $ty {
            /// The current time.
            pub fn now() -> Self {
                Self(jiff::Timestamp::now())
            }

            /// The wrapped timestamp.
            pub fn timestamp(&self) -> jiff::Timestamp {
                self.0
            }
        }

        impl From<jiff::Timestamp> for $ty {
            fn from(ts: jiff::Timestamp) -> Self {
                Self(ts)
            }
        }

        impl From<$ty> for jiff::Timestamp {
            fn from(t: $ty) -> Self {
                t.0
            }
        }

        impl FromStr for $ty {
            type Err = TimeParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                parse_rfc3339(s).map(Self)
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0.strftime($format), f)
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct TimeVisitor;

                impl Visitor<'_> for TimeVisitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }

                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$ty, E> {
                        s.parse().map_err(E::custom)
                    }
                }

                deserializer.deserialize_str(TimeVisitor)
            }
        }
    };
}

time_impls!(
    Time,
    "%Y-%m-%dT%H:%M:%SZ",
    "an RFC 3339 timestamp such as 2024-05-01T12:30:00Z"
);
time_impls!(
    MicroTime,
    "%Y-%m-%dT%H:%M:%S%.6fZ",
    "an RFC 3339 timestamp such as 2024-05-01T12:30:00.000000Z"
);
