//! Watch events (`metav1.WatchEvent`): `{"type":"ADDED","object":{...}}`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::serde_util::null_as_default;
use super::status::Status;
use crate::ObjectMetaAccess;
use crate::resource::Resource;

/// The annotation on the BOOKMARK that ends the initial events of a
/// `sendInitialEvents=true` watch.
pub const INITIAL_EVENTS_END_ANNOTATION: &str = "k8s.io/initial-events-end";

/// One event of a watch stream.
///
/// Decoded straight into `K` without a `serde_json::Value` detour when
/// `type` comes before `object` (as the API server writes it); when `object`
/// comes first it is buffered as a `serde_json::Value`, then decoded once the
/// type is known. Decoding ignores other keys and fails on an unknown `type`
/// or a missing `type` or `object`.
///
/// ```
/// use client_core::{ObjectMeta, WatchEvent};
/// # use client_core::{Namespaced, Resource};
/// # #[derive(Debug, serde::Serialize, serde::Deserialize)]
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
/// #     type Meta = ObjectMeta;
/// #     fn metadata(&self) -> &ObjectMeta { &self.metadata }
/// #     fn metadata_mut(&mut self) -> &mut ObjectMeta { &mut self.metadata }
/// # }
///
/// let ev: WatchEvent<Widget> = serde_json::from_str(
///     r#"{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}}"#,
/// ).unwrap();
/// assert_eq!(ev.resource_version(), Some("5"));
/// assert!(matches!(ev, WatchEvent::Added(w) if w.metadata.name.as_deref() == Some("a")));
/// ```
// Real objects (`K`) are usually larger than a `Status`; boxing the rare
// ERROR variant would cost every caller a deref for little gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum WatchEvent<K> {
    /// An object was added (or started matching the selector, or is part of the initial state).
    Added(K),
    /// An object was modified.
    Modified(K),
    /// An object was deleted (or stopped matching the selector); this is its last state.
    Deleted(K),
    /// A progress marker: the watch is current up to a resource version.
    Bookmark(Bookmark),
    /// The server ended the watch with an error, such as 410 Expired.
    Error(Status),
}

/// The object of a BOOKMARK event: only a resource version and annotations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bookmark {
    /// The bookmark's metadata.
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: BookmarkMeta,
}

/// The metadata of a [`Bookmark`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkMeta {
    /// The resource version the watch has reached; resume from here.
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_version: String,
    /// Annotations, such as `k8s.io/initial-events-end`.
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub annotations: BTreeMap<String, String>,
}

impl Bookmark {
    /// `true` for the bookmark that ends the initial events of a `sendInitialEvents=true` watch.
    pub fn is_initial_events_end(&self) -> bool {
        self.metadata
            .annotations
            .get(INITIAL_EVENTS_END_ANNOTATION)
            .is_some_and(|v| v == "true")
    }
}

/// The `type` of a watch event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WatchEventType {
    /// `ADDED`
    Added,
    /// `MODIFIED`
    Modified,
    /// `DELETED`
    Deleted,
    /// `BOOKMARK`
    Bookmark,
    /// `ERROR`
    Error,
}

impl WatchEventType {
    const NAMES: &'static [&'static str] = &["ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"];

    /// The type as written on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Added => "ADDED",
            Self::Modified => "MODIFIED",
            Self::Deleted => "DELETED",
            Self::Bookmark => "BOOKMARK",
            Self::Error => "ERROR",
        }
    }

    fn from_wire(s: &str) -> Option<Self> {
        Some(match s {
            "ADDED" => Self::Added,
            "MODIFIED" => Self::Modified,
            "DELETED" => Self::Deleted,
            "BOOKMARK" => Self::Bookmark,
            "ERROR" => Self::Error,
            _ => return None,
        })
    }
}

impl fmt::Display for WatchEventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for WatchEventType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TypeVisitor;

        impl Visitor<'_> for TypeVisitor {
            type Value = WatchEventType;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a watch event type")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<WatchEventType, E> {
                WatchEventType::from_wire(s)
                    .ok_or_else(|| E::unknown_variant(s, WatchEventType::NAMES))
            }
        }

        deserializer.deserialize_str(TypeVisitor)
    }
}

impl<K> WatchEvent<K> {
    /// The event's type.
    pub fn event_type(&self) -> WatchEventType {
        match self {
            Self::Added(_) => WatchEventType::Added,
            Self::Modified(_) => WatchEventType::Modified,
            Self::Deleted(_) => WatchEventType::Deleted,
            Self::Bookmark(_) => WatchEventType::Bookmark,
            Self::Error(_) => WatchEventType::Error,
        }
    }

    /// The object of an ADDED, MODIFIED or DELETED event.
    pub fn object(&self) -> Option<&K> {
        match self {
            Self::Added(k) | Self::Modified(k) | Self::Deleted(k) => Some(k),
            Self::Bookmark(_) | Self::Error(_) => None,
        }
    }

    /// The object of an ADDED, MODIFIED or DELETED event, by value.
    pub fn into_object(self) -> Option<K> {
        match self {
            Self::Added(k) | Self::Modified(k) | Self::Deleted(k) => Some(k),
            Self::Bookmark(_) | Self::Error(_) => None,
        }
    }
}

impl<K: Resource> WatchEvent<K> {
    /// The resource version this event brings the watch to: the object's, or the
    /// bookmark's; `None` for an ERROR (or an object without one).
    pub fn resource_version(&self) -> Option<&str> {
        match self {
            Self::Added(k) | Self::Modified(k) | Self::Deleted(k) => {
                k.metadata().resource_version()
            }
            Self::Bookmark(b) => Some(b.metadata.resource_version.as_str()),
            Self::Error(_) => None,
        }
        .filter(|rv| !rv.is_empty())
    }
}

/// Decodes the `object` of an event whose type is already known.
struct ObjectSeed<K> {
    event_type: WatchEventType,
    marker: PhantomData<fn() -> K>,
}

impl<'de, K: Deserialize<'de>> DeserializeSeed<'de> for ObjectSeed<K> {
    type Value = WatchEvent<K>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WatchEvent<K>, D::Error> {
        Ok(match self.event_type {
            WatchEventType::Added => WatchEvent::Added(K::deserialize(d)?),
            WatchEventType::Modified => WatchEvent::Modified(K::deserialize(d)?),
            WatchEventType::Deleted => WatchEvent::Deleted(K::deserialize(d)?),
            WatchEventType::Bookmark => WatchEvent::Bookmark(Bookmark::deserialize(d)?),
            WatchEventType::Error => WatchEvent::Error(Status::deserialize(d)?),
        })
    }
}

impl<'de, K: Deserialize<'de>> Deserialize<'de> for WatchEvent<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(field_identifier, rename_all = "lowercase")]
        enum Field {
            Type,
            Object,
            #[serde(other)]
            Other,
        }

        struct EventVisitor<K>(PhantomData<fn() -> K>);

        impl<'de, K: Deserialize<'de>> Visitor<'de> for EventVisitor<K> {
            type Value = WatchEvent<K>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a watch event object with `type` and `object`")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WatchEvent<K>, A::Error> {
                let mut event_type: Option<WatchEventType> = None;
                let mut event: Option<WatchEvent<K>> = None;
                let mut buffered: Option<serde_json::Value> = None;
                while let Some(key) = map.next_key::<Field>()? {
                    match key {
                        Field::Type => {
                            if event_type.is_some() {
                                return Err(de::Error::duplicate_field("type"));
                            }
                            event_type = Some(map.next_value()?);
                        }
                        Field::Object => {
                            if event.is_some() || buffered.is_some() {
                                return Err(de::Error::duplicate_field("object"));
                            }
                            match event_type {
                                Some(event_type) => {
                                    event = Some(map.next_value_seed(ObjectSeed {
                                        event_type,
                                        marker: PhantomData,
                                    })?);
                                }
                                // `object` before `type`: keep it until the type is known.
                                None => buffered = Some(map.next_value()?),
                            }
                        }
                        Field::Other => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let event_type = event_type.ok_or_else(|| de::Error::missing_field("type"))?;
                if let Some(event) = event {
                    return Ok(event);
                }
                let object = buffered.ok_or_else(|| de::Error::missing_field("object"))?;
                ObjectSeed {
                    event_type,
                    marker: PhantomData,
                }
                .deserialize(object)
                .map_err(de::Error::custom)
            }
        }

        deserializer.deserialize_map(EventVisitor(PhantomData))
    }
}

impl<K: Serialize> Serialize for WatchEvent<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("WatchEvent", 2)?;
        s.serialize_field("type", self.event_type().as_str())?;
        match self {
            Self::Added(k) | Self::Modified(k) | Self::Deleted(k) => {
                s.serialize_field("object", k)?;
            }
            Self::Bookmark(b) => s.serialize_field("object", b)?,
            Self::Error(status) => s.serialize_field("object", status)?,
        }
        s.end()
    }
}
