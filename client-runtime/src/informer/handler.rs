//! What an informer tells its handlers.

use std::sync::Arc;

/// One change to an informer's cache, as its handlers see it.
#[derive(Debug)]
pub enum Notification<K> {
    /// An object entered the cache (or, for a handler added late, was in it already).
    Added(Arc<K>),
    /// An object changed; on a resync `old` and `new` are the same object.
    Updated {
        /// The cached state before.
        old: Arc<K>,
        /// The state now.
        new: Arc<K>,
    },
    /// An object left the cache. Its last known state: the server's for a
    /// watch DELETE; the cached one when a re-list found it gone (client-go
    /// hands such handlers a `DeletedFinalStateUnknown` instead).
    Deleted(Arc<K>),
}

impl<K> Notification<K> {
    /// The object the notification is about (the new state for an update).
    pub fn object(&self) -> &Arc<K> {
        match self {
            Self::Added(o) | Self::Deleted(o) => o,
            Self::Updated { new, .. } => new,
        }
    }
}

/// A handler: called synchronously, in order, under the informer's dispatch
/// lock. It must be quick (push a key onto a queue, not call the server).
pub type Handler<K> = Arc<dyn Fn(&Notification<K>) + Send + Sync>;

/// Identifies a handler for [`Informer::remove_handler`](super::Informer::remove_handler).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HandlerId(pub(crate) u64);
