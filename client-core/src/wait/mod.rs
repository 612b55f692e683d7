//! Waiting until the cluster reaches a state: client-go's `wait` and
//! `watchtools.UntilWithSync`, kube-runtime's `wait::await_condition`.
//!
//! Every wait watches rather than polls: it reads a [`Watcher`] (list, then
//! watch, resuming on its own) and checks its condition once the listed state
//! is complete and again after every change, so it returns as soon as the
//! condition holds and costs one watch connection while it waits. Every wait
//! takes a timeout; none waits forever.
//!
//! - [`until_with_sync`]: the general form. The condition sees every object
//!   the watcher reports (client-go's `UntilWithSync` with its informer store).
//! - [`await_condition`]: one object, by name; the condition sees it, or
//!   `None` when it does not exist. [`conditions`] holds the usual ones
//!   ([`conditions::is_deleted`], [`conditions::is_crd_established`]); any
//!   `Fn(Option<&K>) -> bool` is a condition too.
//! - [`install_crd`]: create-or-update a `CustomResourceDefinition`, then
//!   wait until it is `Established`.
//!
//! ```
//! # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! # let server = client_testserver::TestServer::start().await?;
//! # let client = server.rest_client()?;
//! use std::time::Duration;
//! use client_core::api::ConfigMap;
//! use client_core::watcher::WatcherConfig;
//! use client_core::{BuiltinClientset, CreateOptions, ObjectMeta, wait};
//!
//! let configmaps = BuiltinClientset::new(client).core_v1().configmaps("default");
//! let ready = ConfigMap { metadata: ObjectMeta::named("ready"), ..ConfigMap::default() };
//! let waiter = tokio::spawn(wait::await_condition(
//!     configmaps.watcher(WatcherConfig::default().named("ready")),
//!     "ready",
//!     |cm: Option<&ConfigMap>| cm.is_some(),
//!     Duration::from_secs(10),
//! ));
//! configmaps.create(&ready, &CreateOptions::default()).await?;
//! let seen = waiter.await??;
//! assert_eq!(seen.and_then(|cm| cm.metadata.name).as_deref(), Some("ready"));
//! # Ok(()) }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
//! #     .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(60), demo()).await })
//! #     .unwrap().unwrap();
//! ```

pub mod conditions;
mod crd;

use std::collections::BTreeMap;
use std::time::Duration;

use futures_util::StreamExt;

pub use self::conditions::Condition;
pub use self::crd::{InstalledCrd, install_crd};
use crate::error::Error;
use crate::meta::ObjectMetaAccess;
use crate::resource::Resource;
use crate::watcher::{Event, Watcher, WatcherError};

/// Why a wait ended without its condition holding.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WaitError {
    /// The condition did not hold within the timeout. `last_error` is the
    /// watcher's last (transient) error, if it had one: often the reason.
    #[error("the condition did not hold within {after:?}")]
    Timeout {
        /// The timeout the wait was given.
        after: Duration,
        /// The watcher's last error before the timeout, if any.
        #[source]
        last_error: Option<WatcherError>,
    },
    /// The watcher met an error no retry can fix (such as a malformed selector).
    #[error("the watch failed")]
    Watcher(#[source] WatcherError),
    /// The watcher ended (it does so only after a terminal error).
    #[error("the watch ended before the condition held")]
    Ended,
    /// A request of [`install_crd`] failed.
    #[error("installing the CustomResourceDefinition failed")]
    Install(#[source] Error),
}

/// The objects a watcher has reported, keyed by (namespace, name); the
/// namespace is `""` for cluster-scoped kinds.
pub type View<K> = BTreeMap<(String, String), K>;

fn key_of<K: Resource>(obj: &K) -> (String, String) {
    let meta = obj.metadata();
    (
        meta.namespace().unwrap_or_default().to_owned(),
        meta.name().unwrap_or_default().to_owned(),
    )
}

/// Reads `watcher` until `condition` returns `Some`, and returns that value:
/// client-go's `watchtools.UntilWithSync`.
///
/// The watcher's events are applied to a [`View`] of the watched objects;
/// `condition` is called with it once the first list is complete, and after
/// every later event while the watcher is caught up (not in the middle of a
/// re-list). Transient watcher errors are retried by the watcher itself.
///
/// # Errors
///
/// [`WaitError::Timeout`] when `condition` has not returned `Some` within
/// `timeout`; [`WaitError::Watcher`] on an error no retry can fix;
/// [`WaitError::Ended`] if the watcher ends.
///
/// ```
/// # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// # let server = client_testserver::TestServer::start().await?;
/// # let client = server.rest_client()?;
/// use std::time::Duration;
/// use client_core::api::ConfigMap;
/// use client_core::watcher::WatcherConfig;
/// use client_core::{BuiltinClientset, CreateOptions, ObjectMeta, wait};
///
/// let configmaps = BuiltinClientset::new(client).core_v1().configmaps("default");
/// for name in ["a", "b"] {
///     let cm = ConfigMap { metadata: ObjectMeta::named(name), ..ConfigMap::default() };
///     configmaps.create(&cm, &CreateOptions::default()).await?;
/// }
/// // Until at least two configmaps exist: here, at once.
/// let count = wait::until_with_sync(
///     configmaps.watcher(WatcherConfig::default()),
///     Duration::from_secs(10),
///     |view: &wait::View<ConfigMap>| (view.len() >= 2).then_some(view.len()),
/// )
/// .await?;
/// assert_eq!(count, 2);
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
/// #     .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(60), demo()).await })
/// #     .unwrap().unwrap();
/// ```
pub async fn until_with_sync<K, T>(
    mut watcher: Watcher<K>,
    timeout: Duration,
    mut condition: impl FnMut(&View<K>) -> Option<T>,
) -> Result<T, WaitError>
where
    K: Resource,
{
    let deadline = tokio::time::Instant::now() + timeout;
    let mut view = View::new();
    let mut synced = false;
    let mut last_error = None;
    loop {
        let item = match tokio::time::timeout_at(deadline, watcher.next()).await {
            Err(_) => {
                return Err(WaitError::Timeout {
                    after: timeout,
                    last_error,
                });
            }
            Ok(None) => return Err(WaitError::Ended),
            Ok(Some(item)) => item,
        };
        let event = match item {
            Ok(event) => event,
            Err(error) if error.is_terminal() => return Err(WaitError::Watcher(error)),
            Err(error) => {
                tracing::debug!(%error, "wait: the watcher reports an error and carries on");
                last_error = Some(error);
                continue;
            }
        };
        match event {
            Event::Init => synced = false,
            Event::InitDone => synced = true,
            Event::InitApply(obj) | Event::Apply(obj) => {
                view.insert(key_of(&obj), obj);
            }
            Event::Delete(obj) => {
                view.remove(&key_of(&obj));
            }
            Event::Vanished(gone) => {
                view.remove(&(gone.namespace.unwrap_or_default(), gone.name));
            }
        }
        if synced && let Some(found) = condition(&view) {
            return Ok(found);
        }
    }
}

/// Waits until `condition` holds for the object called `name`, and returns
/// the object as it was then (`None` when the condition held for its
/// absence, as [`conditions::is_deleted`] does): kube-runtime's
/// `await_condition`.
///
/// Pass a watcher of the object's namespace (or a cluster-scoped kind's
/// client); [`WatcherConfig::named`](crate::watcher::WatcherConfig::named)
/// keeps the server from sending the other objects of that namespace.
///
/// # Errors
///
/// As [`until_with_sync`].
///
/// ```
/// # async fn demo() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
/// # let server = client_testserver::TestServer::start().await?;
/// # let client = server.rest_client()?;
/// use std::time::Duration;
/// use client_core::api::ConfigMap;
/// use client_core::watcher::WatcherConfig;
/// use client_core::wait::{self, conditions};
/// use client_core::{BuiltinClientset, CreateOptions, DeleteOptions, ObjectMeta};
///
/// let configmaps = BuiltinClientset::new(client).core_v1().configmaps("default");
/// let cm = ConfigMap { metadata: ObjectMeta::named("old"), ..ConfigMap::default() };
/// let created = configmaps.create(&cm, &CreateOptions::default()).await?;
/// let uid = created.metadata.uid.clone().unwrap_or_default();
/// configmaps.delete("old", &DeleteOptions::default()).await?;
/// let gone = wait::await_condition(
///     configmaps.watcher(WatcherConfig::default().named("old")),
///     "old",
///     conditions::is_deleted(&uid),
///     Duration::from_secs(10),
/// )
/// .await?;
/// assert!(gone.is_none());
/// # Ok(()) }
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
/// #     .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(60), demo()).await })
/// #     .unwrap().unwrap();
/// ```
pub async fn await_condition<K>(
    watcher: Watcher<K>,
    name: &str,
    condition: impl Condition<K>,
    timeout: Duration,
) -> Result<Option<K>, WaitError>
where
    K: Resource + Clone,
{
    until_with_sync(watcher, timeout, |view: &View<K>| {
        let obj = view
            .values()
            .find(|obj| obj.metadata().name() == Some(name));
        condition.matches(obj).then(|| obj.cloned())
    })
    .await
}
