//! Informers fed by hand, for unit tests on a paused clock.

use std::time::Duration;

use client_core::Resource;
use client_core::watcher::Event;
use tokio::sync::mpsc;

use crate::informer::Informer;

/// An informer over a channel: send it watcher events.
pub(crate) fn fed_informer<K: Resource>(
    resync: Option<Duration>,
) -> (mpsc::UnboundedSender<Event<K>>, Informer<K>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let stream =
        futures_util::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|e| (Ok(e), rx)) },
        );
    (tx, Informer::new(Box::pin(stream), resync))
}
