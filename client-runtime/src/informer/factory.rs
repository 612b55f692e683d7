//! [`InformerFactory`]: one informer per (kind, namespace, selectors), shared.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::watcher::WatcherConfig;
use client_core::{PartialObjectMetadata, RestClient};

use super::scope::{Namespace, RuntimeResource, open_watcher};
use super::{Informer, lock};

/// Label and field selectors that narrow what an informer lists and watches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Selectors {
    /// A label selector such as `app=web`.
    pub labels: Option<String>,
    /// A field selector such as `metadata.name=web`.
    pub fields: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct InformerKey {
    kind: TypeId,
    namespace: Namespace,
    selectors: Selectors,
}

/// What the factory needs of an informer whatever its kind.
trait AnyInformer: Send + Sync {
    fn start(&self);
    fn stop(&self);
    fn wait_for_sync(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>>;
    fn as_any(&self) -> &dyn Any;
}

impl<K: RuntimeResource> AnyInformer for Informer<K> {
    fn start(&self) {
        Informer::start(self);
    }

    fn stop(&self) {
        Informer::stop(self);
    }

    fn wait_for_sync(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(Informer::wait_for_sync(self))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

struct Inner {
    client: RestClient,
    config: WatcherConfig,
    resync: Option<Duration>,
    informers: Mutex<HashMap<InformerKey, Arc<dyn AnyInformer>>>,
}

/// Keeps one [`Informer`] per (kind, namespace, selectors) per process
/// (client-go's `SharedInformerFactory`): every consumer asking for the same
/// one gets a clone of it, so they share one list+watch and one cache.
///
/// Cheap to clone. Informers asked for after [`InformerFactory::start`]
/// start on the next `start` call.
#[derive(Clone)]
pub struct InformerFactory {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for InformerFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InformerFactory")
            .field("informers", &lock(&self.inner.informers).len())
            .finish_non_exhaustive()
    }
}

impl InformerFactory {
    /// A factory whose watchers use the default [`WatcherConfig`], without resync.
    pub fn new(client: RestClient) -> Self {
        Self::with_config(client, WatcherConfig::default(), None)
    }

    /// A factory whose watchers use `config` (its selectors are replaced by
    /// each informer's own), replaying caches to handlers every `resync`.
    pub fn with_config(
        client: RestClient,
        config: WatcherConfig,
        resync: Option<Duration>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                config,
                resync,
                informers: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The informer of `K` over `namespace` (cluster-scoped kinds ignore it).
    pub fn informer<K: RuntimeResource>(&self, namespace: Namespace) -> Informer<K> {
        self.informer_with(namespace, Selectors::default())
    }

    /// The informer of `K` over `namespace`, narrowed by `selectors`.
    pub fn informer_with<K: RuntimeResource>(
        &self,
        namespace: Namespace,
        selectors: Selectors,
    ) -> Informer<K> {
        let namespace = if <K::Scope as client_core::Scope>::NAMESPACED {
            namespace
        } else {
            Namespace::All
        };
        let key = InformerKey {
            kind: TypeId::of::<K>(),
            namespace,
            selectors,
        };
        let mut informers = lock(&self.inner.informers);
        if let Some(existing) = informers
            .get(&key)
            .and_then(|i| i.as_any().downcast_ref::<Informer<K>>())
        {
            return existing.clone();
        }
        let mut config = self.inner.config.clone();
        config.label_selector.clone_from(&key.selectors.labels);
        config.field_selector.clone_from(&key.selectors.fields);
        let watcher = open_watcher::<K>(self.inner.client.clone(), &key.namespace, config);
        let informer = Informer::new(Box::pin(watcher), self.inner.resync);
        informers.insert(key, Arc::new(informer.clone()));
        informer
    }

    /// The metadata-only informer of `K` over `namespace`: its cache holds
    /// [`PartialObjectMetadata<K>`] (names, labels, owners, finalizers...),
    /// listed and watched as `PartialObjectMetadata(List)`, so neither the
    /// wire nor the cache carries specs, status or data.
    pub fn metadata_informer<K: RuntimeResource>(
        &self,
        namespace: Namespace,
    ) -> Informer<PartialObjectMetadata<K>> {
        self.informer::<PartialObjectMetadata<K>>(namespace)
    }

    /// Starts every informer not started yet.
    pub fn start(&self) {
        for informer in self.all() {
            informer.start();
        }
    }

    /// Waits until every informer asked for so far has synced.
    pub async fn wait_for_cache_sync(&self) {
        for informer in self.all() {
            informer.wait_for_sync().await;
        }
    }

    /// Stops every informer.
    pub fn shutdown(&self) {
        for informer in self.all() {
            informer.stop();
        }
    }

    fn all(&self) -> Vec<Arc<dyn AnyInformer>> {
        lock(&self.inner.informers).values().cloned().collect()
    }
}
