//! [`AllNamespacesClient`]: list and watch a namespaced kind across all namespaces.

use std::marker::PhantomData;

use super::{ApiFuture, ResourceTarget, target_of};
use crate::client::RestClient;
use crate::pages::Pages;
use crate::resource::{Namespaced, Resource};
use crate::watch::WatchStream;
use crate::watcher::{Watcher, WatcherConfig};
use crate::{List, ListOptions};

/// Lists and watches a namespaced kind across all namespaces.
///
/// Only `list`, `list_pages` and `watch` exist: a write needs a namespace.
pub struct AllNamespacesClient<K> {
    target: ResourceTarget,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Clone for AllNamespacesClient<K> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            _kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for AllNamespacesClient<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllNamespacesClient")
            .field("resource", &self.target.requests.plural)
            .finish_non_exhaustive()
    }
}

impl<K: Resource<Scope = Namespaced>> AllNamespacesClient<K> {
    /// A client for objects of `K` in every namespace.
    pub fn new(client: RestClient) -> Self {
        Self {
            target: target_of::<K>(client, None),
            _kind: PhantomData,
        }
    }

    /// Lists objects in every namespace.
    pub fn list(&self, opts: &ListOptions) -> ApiFuture<List<K>> {
        self.target.list(opts)
    }

    /// Lists every object page by page, following `continue` tokens.
    pub fn list_pages(&self, opts: &ListOptions) -> Pages<K> {
        Pages::new(self.target.clone(), opts.clone())
    }

    /// Watches objects in every namespace.
    pub fn watch(&self, opts: &ListOptions) -> ApiFuture<WatchStream<K>> {
        self.target.watch(opts)
    }

    /// A list-then-watch [`Watcher`] that resumes, re-lists and reconnects by
    /// itself; see [`crate::watcher`].
    pub fn watcher(&self, config: WatcherConfig) -> Watcher<K> {
        Watcher::new(self.target.clone(), config)
    }
}
