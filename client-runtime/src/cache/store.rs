//! [`Store`]: objects by key, with indexes kept in step on every write.

use crate::hash::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use client_core::Resource;

use super::index::{Index, NAMESPACE_INDEX};
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

/// Objects by namespace, then name: each key is held once (the namespace
/// once per namespace, the name once per object), and the namespace index
/// is this map's first level rather than a copy of every key.
type ByNamespace<K> = HashMap<Box<str>, HashMap<Box<str>, Arc<K>>>;

struct Inner<K> {
    /// Namespace (`""` for cluster-scoped objects) → name → object; no
    /// namespace is present without objects.
    objects: ByNamespace<K>,
    /// How many objects `objects` holds.
    len: usize,
    /// The custom indexes (the namespace index is `objects` itself).
    indexes: HashMap<String, Index<K>>,
}

impl<K> Inner<K> {
    fn get(&self, key: &ObjectKey) -> Option<&Arc<K>> {
        self.objects
            .get(key.namespace.as_deref().unwrap_or_default())?
            .get(key.name.as_str())
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &str, &Arc<K>)> {
        self.objects.iter().flat_map(|(ns, names)| {
            names
                .iter()
                .map(move |(name, obj)| (ns.as_ref(), name.as_ref(), obj))
        })
    }
}

/// The key of an object stored under `namespace` (`""`: none) and `name`.
fn key_of(namespace: &str, name: &str) -> ObjectKey {
    if namespace.is_empty() {
        ObjectKey::cluster(name)
    } else {
        ObjectKey::namespaced(namespace, name)
    }
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
            .field("len", &self.read().len)
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
        Self {
            inner: Arc::new(RwLock::new(Inner {
                objects: HashMap::default(),
                len: 0,
                indexes: HashMap::default(),
            })),
        }
    }

    /// Inserts or replaces the object under its key; returns the previous one.
    pub fn apply(&self, obj: Arc<K>) -> Option<Arc<K>> {
        let namespace = crate::meta_access::namespace(obj.as_ref()).unwrap_or_default();
        let name = crate::meta_access::name(obj.as_ref());
        let mut guard = self.write();
        let inner = &mut *guard;
        let names = match inner.objects.get_mut(namespace) {
            Some(names) => names,
            None => inner.objects.entry(namespace.into()).or_default(),
        };
        let old = match names.get_mut(name) {
            Some(slot) => Some(std::mem::replace(slot, Arc::clone(&obj))),
            None => {
                names.insert(name.into(), Arc::clone(&obj));
                inner.len += 1;
                None
            }
        };
        if !inner.indexes.is_empty() {
            let key = key_of(namespace, name);
            for index in inner.indexes.values_mut() {
                index.update(&key, old.as_deref(), Some(&obj));
            }
        }
        old
    }

    /// Removes the object under `key`; returns it.
    pub fn remove(&self, key: &ObjectKey) -> Option<Arc<K>> {
        let namespace = key.namespace.as_deref().unwrap_or_default();
        let mut guard = self.write();
        let inner = &mut *guard;
        let names = inner.objects.get_mut(namespace)?;
        let old = names.remove(key.name.as_str())?;
        if names.is_empty() {
            inner.objects.remove(namespace);
        }
        inner.len -= 1;
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
        if name == NAMESPACE_INDEX || inner.indexes.contains_key(name) {
            return Err(CacheError::IndexExists(name.to_owned()));
        }
        let mut index = Index::new(Arc::new(func));
        for (namespace, name, obj) in inner.iter() {
            index.update(&key_of(namespace, name), None, Some(obj));
        }
        inner.indexes.insert(name.to_owned(), index);
        Ok(())
    }

    /// The object under `key`.
    pub fn get(&self, key: &ObjectKey) -> Option<Arc<K>> {
        self.read().get(key).cloned()
    }

    /// Every object, in no particular order.
    pub fn list(&self) -> Vec<Arc<K>> {
        self.read()
            .iter()
            .map(|(_, _, obj)| Arc::clone(obj))
            .collect()
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> Vec<ObjectKey> {
        self.read()
            .iter()
            .map(|(namespace, name, _)| key_of(namespace, name))
            .collect()
    }

    /// How many objects the store holds.
    pub fn len(&self) -> usize {
        self.read().len
    }

    /// `true` when the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.read().len == 0
    }

    /// The objects indexed under `value` by the index `name`.
    ///
    /// # Errors
    ///
    /// [`CacheError::UnknownIndex`] when no such index was added.
    pub fn by_index(&self, name: &str, value: &str) -> Result<Vec<Arc<K>>, CacheError> {
        let inner = self.read();
        if name == NAMESPACE_INDEX {
            let names = inner
                .objects
                .get(value)
                .into_iter()
                .flat_map(|n| n.values());
            return Ok(names.cloned().collect());
        }
        let index = inner
            .indexes
            .get(name)
            .ok_or_else(|| CacheError::UnknownIndex(name.to_owned()))?;
        Ok(index
            .keys(value)
            .filter_map(|k| inner.get(k).cloned())
            .collect())
    }

    /// The values present in the index `name` (client-go's `ListIndexFuncValues`).
    ///
    /// # Errors
    ///
    /// [`CacheError::UnknownIndex`] when no such index was added.
    pub fn index_values(&self, name: &str) -> Result<Vec<String>, CacheError> {
        let inner = self.read();
        if name == NAMESPACE_INDEX {
            return Ok(inner.objects.keys().map(|ns| ns.to_string()).collect());
        }
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
    fn the_namespace_index_follows_replacements_removals_and_cluster_objects()
    -> Result<(), CacheError> {
        let store = Store::new();
        store.apply(cm("a", "one", "web"));
        let old = store.apply(cm("a", "one", "db"));
        assert_eq!(old.map(|o| by_app(&o)), Some(vec!["web".to_owned()]));
        store.apply(cm("b", "two", "web"));
        assert_eq!(store.len(), 2);
        let mut namespaces = store.index_values(NAMESPACE_INDEX)?;
        namespaces.sort();
        assert_eq!(namespaces, ["a", "b"]);

        assert!(store.remove(&ObjectKey::namespaced("b", "two")).is_some());
        assert!(store.remove(&ObjectKey::namespaced("b", "two")).is_none());
        assert_eq!(store.index_values(NAMESPACE_INDEX)?, ["a"]);
        assert!(store.by_index(NAMESPACE_INDEX, "b")?.is_empty());
        assert_eq!(store.len(), 1);

        // A cluster-scoped object: no namespace in its key, "" in the index.
        store.apply(Arc::new(ConfigMap {
            metadata: ObjectMeta::named("c"),
            ..ConfigMap::default()
        }));
        assert!(store.get(&ObjectKey::cluster("c")).is_some());
        assert!(store.get(&ObjectKey::namespaced("", "c")).is_some());
        assert_eq!(names(store.by_index(NAMESPACE_INDEX, "")?), ["c"]);
        let mut keys = store.keys();
        keys.sort();
        assert_eq!(
            keys,
            [ObjectKey::cluster("c"), ObjectKey::namespaced("a", "one")]
        );
        assert_eq!(names(store.list()), ["c", "one"]);
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
