//! [`WatchScope`]: how to open a watcher for a kind of either scope, so that
//! generic code (the factory) can build one for any [`RuntimeResource`].

use client_core::watcher::{Watcher, WatcherConfig};
use client_core::{AllNamespacesClient, Cluster, Namespaced, Resource, RestClient, TypedClient};

/// Which namespace an informer covers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// Every namespace (and, for cluster-scoped kinds, the only choice).
    All,
    /// One namespace.
    Named(String),
}

impl Namespace {
    /// One namespace.
    pub fn named(ns: impl Into<String>) -> Self {
        Self::Named(ns.into())
    }
}

/// Opens a watcher for a kind of this scope. Implemented for
/// [`Namespaced`] and [`Cluster`]; a cluster-scoped kind ignores the namespace.
pub trait WatchScope: client_core::Scope {
    /// A watcher over `namespace` (or the cluster).
    fn watcher<K: Resource<Scope = Self>>(
        client: RestClient,
        namespace: &Namespace,
        config: WatcherConfig,
    ) -> Watcher<K>;
}

impl WatchScope for Namespaced {
    fn watcher<K: Resource<Scope = Self>>(
        client: RestClient,
        namespace: &Namespace,
        config: WatcherConfig,
    ) -> Watcher<K> {
        match namespace {
            Namespace::All => AllNamespacesClient::<K>::new(client).watcher(config),
            Namespace::Named(ns) => TypedClient::<K>::namespaced(client, ns).watcher(config),
        }
    }
}

impl WatchScope for Cluster {
    fn watcher<K: Resource<Scope = Self>>(
        client: RestClient,
        _namespace: &Namespace,
        config: WatcherConfig,
    ) -> Watcher<K> {
        TypedClient::<K>::cluster(client).watcher(config)
    }
}

/// A [`Resource`] the runtime can inform on: any kind, of either scope.
///
/// Implemented for every `Resource`; it exists only so that generic code
/// can name the scope's watcher without repeating the bound.
pub trait RuntimeResource: Resource<Scope: WatchScope> {}

impl<K: Resource<Scope: WatchScope>> RuntimeResource for K {}

/// Opens a watcher for any runtime resource.
pub(crate) fn open_watcher<K: RuntimeResource>(
    client: RestClient,
    namespace: &Namespace,
    config: WatcherConfig,
) -> Watcher<K> {
    <K::Scope as WatchScope>::watcher::<K>(client, namespace, config)
}
