//! [`Lister`]: typed reads from an informer's cache, as lister-gen's listers
//! give them, without a generator step.
//!
//! One generic type serves every kind: the code compiles once and the
//! scope is in the types, so `.namespace(ns)` exists only for namespaced
//! kinds and `.get(name)` directly on the lister only for cluster-scoped ones.

use std::sync::Arc;

use client_core::{Cluster, Namespaced, Resource};

use crate::ObjectKey;
use crate::cache::{NAMESPACE_INDEX, Store};
use crate::selector::LabelSelector;

/// Typed reads over a cache. Made by [`Informer::lister`](crate::informer::Informer::lister).
///
/// ```
/// use std::sync::Arc;
/// use client_core::{api::ConfigMap, ObjectMeta};
/// use client_runtime::{cache::Store, lister::Lister, selector::LabelSelector};
///
/// let store = Store::<ConfigMap>::new();
/// store.apply(Arc::new(ConfigMap {
///     metadata: ObjectMeta::named("web").in_namespace("default").with_label("app", "web"),
///     ..ConfigMap::default()
/// }));
/// let lister = Lister::new(store);
/// assert!(lister.namespace("default").get("web").is_some());
/// assert_eq!(lister.namespace("other").list(&LabelSelector::everything()).len(), 0);
/// assert_eq!(lister.list(&LabelSelector::parse("app=web").unwrap()).len(), 1);
/// ```
pub struct Lister<K> {
    store: Store<K>,
}

impl<K> Clone for Lister<K> {
    fn clone(&self) -> Self {
        Self {
            store: self.store.clone(),
        }
    }
}

impl<K> std::fmt::Debug for Lister<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lister").finish_non_exhaustive()
    }
}

impl<K: Resource> Lister<K> {
    /// A lister over `store`.
    pub fn new(store: Store<K>) -> Self {
        Self { store }
    }

    /// Every cached object matching `selector` (in every namespace).
    pub fn list(&self, selector: &LabelSelector) -> Vec<Arc<K>> {
        filter(self.store.list(), selector)
    }
}

impl<K: Resource<Scope = Namespaced>> Lister<K> {
    /// Reads within one namespace.
    pub fn namespace(&self, namespace: &str) -> NamespaceLister<K> {
        NamespaceLister {
            store: self.store.clone(),
            namespace: namespace.to_owned(),
        }
    }
}

impl<K: Resource<Scope = Cluster>> Lister<K> {
    /// The cluster-scoped object called `name`.
    pub fn get(&self, name: &str) -> Option<Arc<K>> {
        self.store.get(&ObjectKey::cluster(name))
    }
}

/// Typed reads within one namespace.
pub struct NamespaceLister<K> {
    store: Store<K>,
    namespace: String,
}

impl<K> std::fmt::Debug for NamespaceLister<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NamespaceLister")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl<K: Resource<Scope = Namespaced>> NamespaceLister<K> {
    /// The object called `name` in this namespace.
    pub fn get(&self, name: &str) -> Option<Arc<K>> {
        self.store
            .get(&ObjectKey::namespaced(self.namespace.clone(), name))
    }

    /// The objects of this namespace matching `selector` (through the namespace index).
    pub fn list(&self, selector: &LabelSelector) -> Vec<Arc<K>> {
        let in_namespace = self
            .store
            .by_index(NAMESPACE_INDEX, &self.namespace)
            .unwrap_or_default();
        filter(in_namespace, selector)
    }
}

fn filter<K: Resource>(objs: Vec<Arc<K>>, selector: &LabelSelector) -> Vec<Arc<K>> {
    if selector.is_everything() {
        return objs;
    }
    objs.into_iter()
        .filter(|o| selector.matches(crate::meta_access::labels(o.as_ref())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use client_core::ObjectMeta;
    use client_core::api::{ConfigMap, Namespace};

    #[test]
    fn cluster_kinds_get_by_name_and_namespaced_kinds_per_namespace() {
        let namespaces = Store::<Namespace>::new();
        namespaces.apply(Arc::new(Namespace {
            metadata: ObjectMeta::named("prod").with_label("env", "prod"),
            ..Namespace::default()
        }));
        let lister = Lister::new(namespaces);
        assert!(lister.get("prod").is_some());
        assert!(lister.get("dev").is_none());
        let env = LabelSelector::parse("env=prod").unwrap_or_default();
        assert_eq!(lister.list(&env).len(), 1);

        let configmaps = Store::<ConfigMap>::new();
        for (ns, name) in [("a", "x"), ("b", "x"), ("a", "y")] {
            configmaps.apply(Arc::new(ConfigMap {
                metadata: ObjectMeta::named(name).in_namespace(ns),
                ..ConfigMap::default()
            }));
        }
        let lister = Lister::new(configmaps);
        let everything = LabelSelector::everything();
        assert_eq!(lister.namespace("a").list(&everything).len(), 2);
        assert_eq!(lister.namespace("b").list(&everything).len(), 1);
        assert_eq!(lister.list(&everything).len(), 3);
        let bx = lister.namespace("b").get("x");
        assert_eq!(
            bx.and_then(|cm| cm.metadata.namespace.clone()).as_deref(),
            Some("b")
        );
        assert!(lister.namespace("b").get("y").is_none());
    }
}
