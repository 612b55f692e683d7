//! Lists of objects: [`List`] and its metadata (`metav1.ListMeta`).
//!
//! Every type here serializes as the Go types do: a field the Go JSON tag marks
//! `omitempty` is left out when it is empty (`None`, `""`, `0`, an empty map or
//! list), and `null` on the wire reads as empty. Decoding goes straight through
//! `serde` derives: no `serde_json::Value` and no `flatten` on this hot path.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

use super::serde_util::str_is_empty;
use crate::resource::Resource;

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
/// #     type Meta = ObjectMeta;
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
