//! [`Watcher`]: list-then-watch that survives what a real cluster does to a
//! long-lived connection, and never loses or repeats a change.
//!
//! A watcher lists the watched objects (a streaming list, or a paged list
//! following `continue`), then watches from the list's resourceVersion with
//! bookmarks on. Every event's resourceVersion, bookmarks included, becomes
//! the resume point:
//!
//! * a watch the server ends cleanly (its `timeoutSeconds`, a closed
//!   connection after events) resumes from there, without a re-list;
//! * 410 Gone/Expired, as an HTTP answer or as an ERROR event inside the
//!   stream, makes it re-list; the re-list reports only differences
//!   ([`Event`] explains them), so a consumer's view converges to the server's;
//! * a connection that goes silent for [`WatcherConfig::idle_timeout`]
//!   (a half-open TCP connection, a stuck proxy) is dropped and the watch
//!   resumes from the last resourceVersion;
//! * errors and watches that close at once are retried with exponential
//!   backoff and jitter; 429 waits at least the server's `Retry-After`.
//!
//! The watcher yields every error as an `Err` item for observability and
//! carries on by itself; it ends only after a terminal error
//! ([`WatcherError::is_terminal`]). Dropping it cancels everything in flight.
//!
//! To watch metadata only, watch [`PartialObjectMetadata<K>`](crate::PartialObjectMetadata):
//! the server then leaves out everything but each object's metadata.
//! [`WatcherConfig::strip_managed_fields`] trims the largest part of the
//! metadata after decoding. Limits: on HTTP/2
//! every request shares one connection: after an idle timeout the next
//! request may wait on the same dead connection until the client's HTTP/2
//! keepalive (30 s interval, 15 s timeout) replaces it.
//!
//! ```no_run
//! # async fn demo(client: client_core::RestClient) {
//! use client_core::api::ConfigMap;
//! use client_core::watcher::{Event, WatcherConfig};
//! use client_core::TypedClient;
//! use futures_util::StreamExt;
//!
//! let configmaps = TypedClient::<ConfigMap>::namespaced(client, "default");
//! let mut watcher = configmaps.watcher(WatcherConfig::default());
//! while let Some(item) = watcher.next().await {
//!     match item {
//!         Ok(Event::InitDone) => println!("in sync"),
//!         Ok(Event::Apply(cm)) => println!("applied {:?}", cm.metadata.name),
//!         Ok(_) => {}
//!         Err(error) => eprintln!("watcher: {error}"), // it carries on
//!     }
//! }
//! # }
//! ```

mod backoff;
mod config;
mod driver;
mod error;
mod event;
mod known;

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

pub use config::{BackoffConfig, InitialList, WatcherConfig};
pub use error::WatcherError;
pub use event::{Event, ObjectRef};

use crate::resource::Resource;
use crate::typed::ResourceTarget;
use driver::Driver;

type Inner<K> = Pin<Box<dyn Stream<Item = Result<Event<K>, WatcherError>> + Send>>;

/// A list-then-watch stream of [`Event`]s for one kind; see the [module docs](self).
///
/// Made by `watcher()` on a [`TypedClient`](crate::TypedClient) or an
/// [`AllNamespacesClient`](crate::AllNamespacesClient). It does nothing until
/// polled; it needs a Tokio runtime with timers. Dropping it cancels every
/// request in flight.
#[must_use = "a watcher does nothing until polled"]
pub struct Watcher<K> {
    inner: Inner<K>,
}

impl<K> std::fmt::Debug for Watcher<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

impl<K: Resource> Watcher<K> {
    pub(crate) fn new(target: ResourceTarget, config: WatcherConfig) -> Self {
        let driver = Driver::<K>::new(target, config);
        let inner = futures_util::stream::unfold(driver, |mut driver| async move {
            let item = driver.next().await?;
            Some((item, driver))
        });
        Self {
            inner: Box::pin(inner),
        }
    }
}

impl<K> Stream for Watcher<K> {
    type Item = Result<Event<K>, WatcherError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().inner.as_mut().poll_next(cx)
    }
}
