//! [`PartialObjectMetadata<K>`]: the metadata of an object of kind `K`, for
//! metadata-only gets, lists, watches and watchers.

use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

use super::object_meta::ObjectMeta;
use crate::resource::Resource;

/// An object of kind `K` as its metadata alone (`meta.k8s.io/v1`
/// `PartialObjectMetadata`), typed by the kind it stands for.
///
/// It is a [`Resource`] with `K`'s identity, so every typed client, the
/// watcher and the runtime's informers work with it unchanged; its gets and
/// watches send `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
/// and its lists `...;as=PartialObjectMetadataList;...`, so the server
/// leaves the spec, status and data out (client-go's metadata client).
///
/// ```no_run
/// # async fn demo(client: client_core::RestClient) -> client_core::Result<()> {
/// use client_core::api::ConfigMap;
/// use client_core::{ListOptions, PartialObjectMetadata, TypedClient};
///
/// let names = TypedClient::<PartialObjectMetadata<ConfigMap>>::namespaced(client, "default");
/// for cm in names.list(&ListOptions::default()).await?.items {
///     println!("{:?} {:?}", cm.metadata.name, cm.metadata.labels);
/// }
/// # Ok(()) }
/// ```
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct PartialObjectMetadata<K> {
    /// The object's metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(skip)]
    _kind: PhantomData<fn() -> K>,
}

impl<K> PartialObjectMetadata<K> {
    /// Metadata standing for an object of `K`.
    pub fn new(metadata: ObjectMeta) -> Self {
        Self {
            metadata,
            _kind: PhantomData,
        }
    }
}

impl<K> Clone for PartialObjectMetadata<K> {
    fn clone(&self) -> Self {
        Self::new(self.metadata.clone())
    }
}

impl<K> std::fmt::Debug for PartialObjectMetadata<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PartialObjectMetadata")
            .field("metadata", &self.metadata)
            .finish()
    }
}

impl<K> PartialEq for PartialObjectMetadata<K> {
    fn eq(&self, other: &Self) -> bool {
        self.metadata == other.metadata
    }
}

impl<K> Default for PartialObjectMetadata<K> {
    fn default() -> Self {
        Self::new(ObjectMeta::default())
    }
}

impl<K: Resource> Resource for PartialObjectMetadata<K> {
    const GROUP: &'static str = K::GROUP;
    const VERSION: &'static str = K::VERSION;
    const API_VERSION: &'static str = K::API_VERSION;
    const KIND: &'static str = K::KIND;
    const PLURAL: &'static str = K::PLURAL;
    const SINGULAR: &'static str = K::SINGULAR;
    const SHORT_NAMES: &'static [&'static str] = K::SHORT_NAMES;
    const CATEGORIES: &'static [&'static str] = K::CATEGORIES;
    type Scope = K::Scope;
    type Meta = ObjectMeta;
    const METADATA_ONLY: bool = true;

    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }

    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::api::ConfigMap;

    #[test]
    fn reads_the_servers_shape_and_keeps_the_kinds_identity() {
        let p: PartialObjectMetadata<ConfigMap> = serde_json::from_str(
            r#"{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                "metadata":{"name":"a","namespace":"ns","resourceVersion":"7"}}"#,
        )
        .unwrap();
        assert_eq!(p.metadata.name.as_deref(), Some("a"));
        assert_eq!(p.metadata.resource_version.as_deref(), Some("7"));
        assert_eq!(<PartialObjectMetadata<ConfigMap>>::PLURAL, "configmaps");
        const { assert!(<PartialObjectMetadata<ConfigMap>>::METADATA_ONLY) };
        const { assert!(!ConfigMap::METADATA_ONLY) };
    }
}
