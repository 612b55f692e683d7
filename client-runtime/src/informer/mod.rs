//! Informers: a watcher feeding a typed cache and the handlers of every consumer.
//!
//! An [`Informer`] runs one [`client_core::watcher`] stream and applies each
//! event to its [`Store`], then tells its handlers ([`Notification`]). The
//! watcher's guarantees (no lost or repeated event through dropped watches
//! and 410 re-lists) carry over: a re-list updates only what differs and
//! removes what vanished.
//!
//! An [`InformerFactory`] keeps one informer per (kind, namespace,
//! selectors), so every controller in a process shares one list+watch.
//!
//! ```no_run
//! # async fn demo(client: client_core::RestClient) {
//! use client_core::api::ConfigMap;
//! use client_runtime::informer::{InformerFactory, Namespace, Notification};
//!
//! let factory = InformerFactory::new(client);
//! let configmaps = factory.informer::<ConfigMap>(Namespace::All);
//! configmaps.add_handler(|n: &Notification<ConfigMap>| println!("{:?}", n.object().metadata.name));
//! factory.start();
//! factory.wait_for_cache_sync().await;
//! let web = configmaps.lister().namespace("default").get("web");
//! # }
//! ```
//!
//! # Metadata-only informers
//!
//! [`InformerFactory::metadata_informer`] caches
//! [`PartialObjectMetadata<K>`](client_core::PartialObjectMetadata): names,
//! labels, annotations, owners, finalizers, resourceVersion, and no spec,
//! status or data, listed and watched as `PartialObjectMetadata(List)`. Use
//! it when a controller only maps objects to keys (owners, labels): over
//! 20 000 ConfigMaps of about 1.2 KB the list body is 2.1x smaller
//! (776 against 1 626 bytes an object, `managedFields` included on the
//! wire), and the cache holds only the metadata; sync times and cache
//! memory, full against metadata-only, are in `docs/performance.md`
//! ("Metadata-only lists and informers", measured by
//! `benches/metadata_only.rs`).

mod factory;
mod handler;
mod scope;

use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use client_core::watcher::{Event, WatcherError};
use futures_core::Stream;
use futures_util::StreamExt;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use crate::ObjectKey;
use crate::cache::{CacheError, Store};
use crate::lister::Lister;

pub use factory::{InformerFactory, Selectors};
pub use handler::{Handler, HandlerId, Notification};
pub use scope::{Namespace, RuntimeResource, WatchScope};

/// The stream an informer consumes: a [`Watcher`](client_core::watcher::Watcher) or anything shaped like one.
pub type EventStream<K> = Pin<Box<dyn Stream<Item = Result<Event<K>, WatcherError>> + Send>>;

/// A function applied to each object before it is cached.
pub type Transform<K> = Arc<dyn Fn(K) -> K + Send + Sync>;

struct Dispatch<K> {
    handlers: Vec<(HandlerId, Handler<K>)>,
    next_id: u64,
}

struct Shared<K> {
    store: Store<K>,
    dispatch: Mutex<Dispatch<K>>,
    synced: watch::Sender<bool>,
    source: Mutex<Option<EventStream<K>>>,
    transform: Mutex<Transform<K>>,
    resync: Option<Duration>,
    cancel: CancellationToken,
}

/// A shared, typed cache of one kind kept current by a watcher; cheap to
/// clone (clones are the same informer). See the [module docs](self).
pub struct Informer<K> {
    shared: Arc<Shared<K>>,
}

impl<K> Clone for Informer<K> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<K> std::fmt::Debug for Informer<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Informer")
            .field("store", &self.shared.store)
            .field("synced", &*self.shared.synced.borrow())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<K: client_core::Resource> Informer<K> {
    /// An informer over `events` (usually a watcher), replaying its cache to
    /// the handlers every `resync` (none when `None`). It does nothing until
    /// [`Informer::start`]. The default transform clears `managedFields`.
    pub fn new(events: EventStream<K>, resync: Option<Duration>) -> Self {
        let transform: Transform<K> = Arc::new(|mut obj: K| {
            crate::meta_access::clear_managed_fields(&mut obj);
            obj
        });
        Self {
            shared: Arc::new(Shared {
                store: Store::new(),
                dispatch: Mutex::new(Dispatch {
                    handlers: Vec::new(),
                    next_id: 0,
                }),
                synced: watch::Sender::new(false),
                source: Mutex::new(Some(events)),
                transform: Mutex::new(transform),
                resync,
                cancel: CancellationToken::new(),
            }),
        }
    }

    /// Replaces the transform applied to every object before it is cached
    /// (the default clears `metadata.managedFields`; pass `|o| o` to keep it).
    /// Call it before [`Informer::start`]: objects cached earlier stay as they are.
    pub fn set_transform<F>(&self, transform: F)
    where
        F: Fn(K) -> K + Send + Sync + 'static,
    {
        *lock(&self.shared.transform) = Arc::new(transform);
    }

    /// Starts consuming events on the current Tokio runtime; later calls do nothing.
    /// Returns whether this call started it.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, as `tokio::spawn` does.
    pub fn start(&self) -> bool {
        let Some(events) = lock(&self.shared.source).take() else {
            return false;
        };
        let shared = Arc::clone(&self.shared);
        tokio::spawn(run(shared, events));
        true
    }

    /// Stops the informer (its watcher is dropped); the cache keeps its last state.
    pub fn stop(&self) {
        self.shared.cancel.cancel();
    }

    /// Whether the first list completed.
    pub fn has_synced(&self) -> bool {
        *self.shared.synced.borrow()
    }

    /// Waits until the first list completed.
    pub async fn wait_for_sync(&self) {
        let mut rx = self.shared.synced.subscribe();
        // The sender lives as long as `self`: `wait_for` cannot fail here.
        let _ = rx.wait_for(|synced| *synced).await;
    }

    /// The cache.
    pub fn store(&self) -> &Store<K> {
        &self.shared.store
    }

    /// A typed lister over the cache.
    pub fn lister(&self) -> Lister<K> {
        Lister::new(self.shared.store.clone())
    }

    /// Adds a named index to the cache (see [`Store::add_index`]).
    ///
    /// # Errors
    ///
    /// [`CacheError::IndexExists`] when the name is taken.
    pub fn add_index<F>(&self, name: &str, func: F) -> Result<(), CacheError>
    where
        F: Fn(&K) -> Vec<String> + Send + Sync + 'static,
    {
        self.shared.store.add_index(name, func)
    }

    /// Adds a handler. A handler added after the informer started first gets
    /// every cached object as [`Notification::Added`], then every later
    /// change, with nothing lost or repeated in between (kube#1630).
    ///
    /// Handlers run synchronously under the informer's dispatch lock: one
    /// must not add or remove handlers of the same informer.
    pub fn add_handler<F>(&self, handler: F) -> HandlerId
    where
        F: Fn(&Notification<K>) + Send + Sync + 'static,
    {
        let mut dispatch = lock(&self.shared.dispatch);
        for obj in self.shared.store.list() {
            handler(&Notification::Added(obj));
        }
        let id = HandlerId(dispatch.next_id);
        dispatch.next_id += 1;
        dispatch.handlers.push((id, Arc::new(handler)));
        id
    }

    /// Removes a handler; returns whether it was registered.
    pub fn remove_handler(&self, id: HandlerId) -> bool {
        let mut dispatch = lock(&self.shared.dispatch);
        let before = dispatch.handlers.len();
        dispatch.handlers.retain(|(h, _)| *h != id);
        dispatch.handlers.len() != before
    }
}

async fn run<K: client_core::Resource>(shared: Arc<Shared<K>>, mut events: EventStream<K>) {
    let mut resync = shared.resync.map(|period| {
        let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        interval
    });
    loop {
        let tick = async {
            match resync.as_mut() {
                Some(interval) => {
                    interval.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = shared.cancel.cancelled() => return,
            item = events.next() => match item {
                None => return,
                Some(Ok(event)) => shared.apply(event),
                Some(Err(error)) => tracing::warn!(%error, "informer: watcher error (it carries on)"),
            },
            () = tick => shared.resync(),
        }
    }
}

impl<K: client_core::Resource> Shared<K> {
    fn notify(dispatch: &Dispatch<K>, notification: &Notification<K>) {
        for (_, handler) in &dispatch.handlers {
            handler(notification);
        }
    }

    fn apply(&self, event: Event<K>) {
        let dispatch = lock(&self.dispatch);
        let transform = Arc::clone(&lock(&self.transform));
        match event {
            Event::Init => {}
            Event::InitDone => {
                self.synced.send_replace(true);
            }
            Event::InitApply(obj) | Event::Apply(obj) => {
                let new = Arc::new(transform(obj));
                let notification = match self.store.apply(Arc::clone(&new)) {
                    Some(old) => Notification::Updated { old, new },
                    None => Notification::Added(new),
                };
                Self::notify(&dispatch, &notification);
            }
            Event::Delete(obj) => {
                let last = Arc::new(transform(obj));
                self.store.remove(&ObjectKey::of(last.as_ref()));
                Self::notify(&dispatch, &Notification::Deleted(last));
            }
            Event::Vanished(gone) => {
                let key = ObjectKey {
                    namespace: gone.namespace,
                    name: gone.name,
                };
                if let Some(last) = self.store.remove(&key) {
                    Self::notify(&dispatch, &Notification::Deleted(last));
                }
            }
        }
    }

    /// Replays the cache as updates, without calling the server.
    fn resync(&self) {
        let dispatch = lock(&self.dispatch);
        for obj in self.store.list() {
            let notification = Notification::Updated {
                old: Arc::clone(&obj),
                new: obj,
            };
            Self::notify(&dispatch, &notification);
        }
    }
}

#[cfg(test)]
mod tests;
