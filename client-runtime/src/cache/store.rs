//! [`Store`]: objects by key, with indexes kept in step on every write.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use client_core::Resource;

use super::index::{Index, IndexFn, NAMESPACE_INDEX};
use crate::ObjectKey;

/// Why a cache lookup or index change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CacheError {
    /// `by_index` named an index that was never added.
    #[error("no index named {0:?}")]
    UnknownIndex(String),
    /// `add_index` named an index that exists.
    #[error("an index named {0:?} exists already")]
    IndexExists(String),
}

struct Inner<K> {
    objects: HashMap<ObjectKey, Arc<K>>,
    indexes: HashMap<String, Index<K>>,
}

/// A thread-safe, indexed map of `Arc<K>` by [`ObjectKey`]; cheap to clone
/// (clones share the same objects).
///
/// An informer writes it; everything else reads it. Readers get `Arc<K>`:
/// the object itself is never copied.
///
/// ```
/// use std::sync::Arc;
/// use client_core::{api::ConfigMap, ObjectMeta};
/// use client_runtime::{cache::Store, ObjectKey};
///
/// let store = Store::<ConfigMap>::new();
/// store.add_index("by-app", |cm: &ConfigMap| cm.metadata.labels.get("app").cloned().into_iter().collect()).unwrap();
/// store.apply(Arc::new(ConfigMap {
///     metadata: ObjectMeta::named("a").in_namespace("ns").with_label("app", "web"),
///     ..ConfigMap::default()
/// }));
/// assert_eq!(store.by_index("by-app", "web").unwrap().len(), 1);
/// assert!(store.get(&ObjectKey::namespaced("ns", "a")).is_some());
/// ```
pub struct Store<K> {
    inner: Arc<RwLock<Inner<K>>>,
}

impl<K> Clone for Store<K> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<K> std::fmt::Debug for Store<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("len", &self.read().objects.len())
            .finish_non_exhaustive()
    }
}

impl<K> Store<K> {
    fn read(&self) -> RwLockReadGuard<'_, Inner<K>> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner<K>> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }
}

impl<K: Resource> Default for Store<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Resource> Store<K> {
    /// An empty store with the namespace index.
    pub fn new() -> Self {
        let namespace: IndexFn<K> = Arc::new(|obj: &K| {
            vec![
                crate::meta_access::namespace(obj)
                    .unwrap_or_default()
                    .to_owned(),
            ]
        });
        let indexes = HashMap::from([(NAMESPACE_INDEX.to_owned(), Index::new(namespace))]);
        Self {
            inner: Arc::new(RwLock::new(Inner {
                objects: HashMap::new(),
                indexes,
            })),
        }
    }

    /// Inserts or replaces the object under its key; returns the previous one.
    pub fn apply(&self, obj: Arc<K>) -> Option<Arc<K>> {
        let key = ObjectKey::of(obj.as_ref());
        let mut inner = self.write();
        let old = inner.objects.insert(key.clone(), Arc::clone(&obj));
        for index in inner.indexes.values_mut() {
            index.update(&key, old.as_deref(), Some(&obj));
        }
        old
    }

    /// Removes the object under `key`; returns it.
    pub fn remove(&self, key: &ObjectKey) -> Option<Arc<K>> {
        let mut inner = self.write();
        let old = inner.objects.remove(key)?;
        for index in inner.indexes.values_mut() {
            index.update(key, Some(&old), None);
        }
        Some(old)
    }

    /// Adds a named index and indexes every object already present.
    ///
    /// # Errors
    ///
    /// [`CacheError::IndexExists`] when the name is taken (including
    /// [`NAMESPACE_INDEX`]).
    pub fn add_index<F>(&self, name: &str, func: F) -> Result<(), CacheError>
    where
        F: Fn(&K) -> Vec<String> + Send + Sync + 'static,
    {
        let mut inner = self.write();
        if inner.indexes.contains_key(name) {
            return Err(CacheError::IndexExists(name.to_owned()));
        }
        let mut index = Index::new(Arc::new(func));
        for (key, obj) in &inner.objects {
            index.update(key, None, Some(obj));
        }
        inner.indexes.insert(name.to_owned(), index);
        Ok(())
    }

    /// The object under `key`.
    pub fn get(&self, key: &ObjectKey) -> Option<Arc<K>> {
        self.read().objects.get(key).cloned()
    }

    /// Every object, in no particular order.
    pub fn list(&self) -> Vec<Arc<K>> {
        self.read().objects.values().cloned().collect()
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> Vec<ObjectKey> {
        self.read().objects.keys().cloned().collect()
    }

    /// How many objects the store holds.
    pub fn len(&self) -> usize {
        self.read().objects.len()
    }

    /// `true` when the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.read().objects.is_empty()
    }

    /// The objects indexed under `value` by the index `name`.
    ///
    /// # Errors
    ///
    /// [`CacheError::UnknownIndex`] when no such index was added.
    pub fn by_index(&self, name: &str, value: &str) -> Result<Vec<Arc<K>>, CacheError> {
        let inner = self.read();
        let index = inner
            .indexes
            .get(name)
            .ok_or_else(|| CacheError::UnknownIndex(name.to_owned()))?;
        Ok(index
            .keys(value)
            .filter_map(|k| inner.objects.get(k).cloned())
            .collect())
    }

    /// The values present in the index `name` (client-go's `ListIndexFuncValues`).
    ///
    /// # Errors
    ///
    /// [`CacheError::UnknownIndex`] when no such index was added.
    pub fn index_values(&self, name: &str) -> Result<Vec<String>, CacheError> {
        let inner = self.read();
        let index = inner
            .indexes
            .get(name)
            .ok_or_else(|| CacheError::UnknownIndex(name.to_owned()))?;
        Ok(index.values().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use client_core::ObjectMeta;
    use client_core::api::ConfigMap;

    fn cm(ns: &str, name: &str, app: &str) -> Arc<ConfigMap> {
        Arc::new(ConfigMap {
            metadata: ObjectMeta::named(name)
                .in_namespace(ns)
                .with_label("app", app),
            ..ConfigMap::default()
        })
    }

    fn by_app(cm: &ConfigMap) -> Vec<String> {
        cm.metadata.labels.get("app").cloned().into_iter().collect()
    }

    fn names(objs: Vec<Arc<ConfigMap>>) -> Vec<String> {
        let mut n: Vec<String> = objs
            .iter()
            .map(|o| o.metadata.name.clone().unwrap_or_default())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn indexes_follow_updates_and_removals() -> Result<(), CacheError> {
        let store = Store::new();
        store.apply(cm("a", "one", "web"));
        store.add_index("app", by_app)?;
        store.apply(cm("a", "two", "web"));
        store.apply(cm("b", "three", "db"));
        assert_eq!(names(store.by_index("app", "web")?), ["one", "two"]);
        assert_eq!(names(store.by_index(NAMESPACE_INDEX, "a")?), ["one", "two"]);

        store.apply(cm("a", "two", "db"));
        assert_eq!(names(store.by_index("app", "web")?), ["one"]);
        assert_eq!(names(store.by_index("app", "db")?), ["three", "two"]);

        store.remove(&ObjectKey::namespaced("a", "one"));
        assert!(store.by_index("app", "web")?.is_empty());
        assert!(!store.index_values("app")?.contains(&"web".to_owned()));
        assert_eq!(store.len(), 2);
        Ok(())
    }

    #[test]
    fn unknown_and_duplicate_indexes_are_errors() {
        let store = Store::<ConfigMap>::new();
        assert_eq!(
            store.by_index("nope", "x").err(),
            Some(CacheError::UnknownIndex("nope".into()))
        );
        assert_eq!(
            store.add_index(NAMESPACE_INDEX, by_app).err(),
            Some(CacheError::IndexExists(NAMESPACE_INDEX.into()))
        );
    }
}
