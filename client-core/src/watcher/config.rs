//! [`WatcherConfig`]: what a [`Watcher`](super::Watcher) watches and every timing it uses.

use std::time::Duration;

/// How the initial state (and every re-list) is fetched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitialList {
    /// A streaming list (`sendInitialEvents=true`, `resourceVersionMatch=NotOlderThan`):
    /// the state arrives as events on the watch itself and ends at the
    /// bookmark annotated `k8s.io/initial-events-end`. A server that refuses
    /// it with a 4xx (other than 401, 404, 408, 410 and 429) makes the watcher
    /// fall back to [`InitialList::ListThenWatch`] for the rest of its life.
    #[default]
    StreamingWithFallback,
    /// A paged list (following `continue`), then a watch from the list's resourceVersion.
    ListThenWatch,
}

/// Exponential backoff with jitter between failed attempts.
///
/// The first failure after a healthy period waits a random delay in
/// `[0, initial]` (so that many watchers cut at once do not come back at
/// once); each further consecutive failure waits `initial * factor^n`, capped
/// at `max`, stretched by a random fraction of up to `jitter`. When no failure
/// happened for `reset_after`, the next one starts again from the beginning.
#[derive(Clone, Debug, PartialEq)]
pub struct BackoffConfig {
    /// The base delay of the second consecutive failure (and the bound of the first).
    pub initial: Duration,
    /// The largest base delay.
    pub max: Duration,
    /// How much each consecutive failure multiplies the delay (at least 1).
    pub factor: f64,
    /// The largest random stretch, as a fraction of the delay (`0.0` to `1.0`).
    pub jitter: f64,
    /// How long without a failure makes the next failure count as the first again.
    pub reset_after: Duration,
}

impl Default for BackoffConfig {
    /// client-go's reflector values: 800 ms doubling to 30 s, jitter 1.0, reset after 2 min.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(800),
            max: Duration::from_secs(30),
            factor: 2.0,
            jitter: 1.0,
            reset_after: Duration::from_secs(120),
        }
    }
}

/// What a watcher watches and how it behaves; every timing is injectable.
///
/// ```
/// use std::time::Duration;
/// use client_core::watcher::{InitialList, WatcherConfig};
///
/// let config = WatcherConfig::default()
///     .labels("app=web")
///     .page_size(200)
///     .initial_list(InitialList::ListThenWatch)
///     .idle_timeout(Duration::from_secs(120))
///     .strip_managed_fields();
/// assert_eq!(config.page_size, 200);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct WatcherConfig {
    /// A label selector such as `app=web`.
    pub label_selector: Option<String>,
    /// A field selector such as `metadata.name=foo`.
    pub field_selector: Option<String>,
    /// Objects per list page (default 500).
    pub page_size: u32,
    /// How the initial state is fetched (default: a streaming list with fallback).
    pub initial_list: InitialList,
    /// Clear `metadata.managedFields` before objects reach the consumer (default `false`).
    pub strip_managed_fields: bool,
    /// The longest the watcher waits for the server to say anything (response
    /// headers, a list page, the next watch event or bookmark) before it
    /// considers the connection dead and starts over from the last
    /// resourceVersion. Default 5 minutes: kube-apiserver sends a bookmark
    /// about every minute on a healthy idle watch.
    pub idle_timeout: Duration,
    /// The shortest `timeoutSeconds` asked of the server per watch (default 5 min).
    pub watch_timeout_min: Duration,
    /// The longest `timeoutSeconds` asked of the server per watch (default 10 min);
    /// each watch picks a random value in between, as client-go does, so that
    /// watches opened together do not all end together.
    pub watch_timeout_max: Duration,
    /// A watch that the server closes sooner than this without sending
    /// anything counts as a failure and is retried with backoff (default 1 s).
    pub short_watch: Duration,
    /// Backoff between failed attempts.
    pub backoff: BackoffConfig,
}

impl Default for WatcherConfig {
    fn default() -> Self {
        Self {
            label_selector: None,
            field_selector: None,
            page_size: 500,
            initial_list: InitialList::default(),
            strip_managed_fields: false,
            idle_timeout: Duration::from_secs(300),
            watch_timeout_min: Duration::from_secs(300),
            watch_timeout_max: Duration::from_secs(600),
            short_watch: Duration::from_secs(1),
            backoff: BackoffConfig::default(),
        }
    }
}

impl WatcherConfig {
    /// Watches only objects matching this label selector.
    #[must_use]
    pub fn labels(mut self, selector: impl Into<String>) -> Self {
        self.label_selector = Some(selector.into());
        self
    }

    /// Watches only objects matching this field selector.
    #[must_use]
    pub fn fields(mut self, selector: impl Into<String>) -> Self {
        self.field_selector = Some(selector.into());
        self
    }

    /// Watches only the object called `name` (field selector
    /// `metadata.name=NAME`), as [`wait::await_condition`](crate::wait::await_condition) wants.
    #[must_use]
    pub fn named(self, name: &str) -> Self {
        self.fields(format!("metadata.name={name}"))
    }

    /// Sets the list page size (`0` is taken as 1).
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Sets how the initial state is fetched.
    #[must_use]
    pub fn initial_list(mut self, mode: InitialList) -> Self {
        self.initial_list = mode;
        self
    }

    /// Clears `metadata.managedFields` of every object before the consumer sees it.
    #[must_use]
    pub fn strip_managed_fields(mut self) -> Self {
        self.strip_managed_fields = true;
        self
    }

    /// Sets the idle timeout (see [`WatcherConfig::idle_timeout`]).
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// Sets the range of the server-side `timeoutSeconds` of each watch
    /// (whole seconds, at least one; `min` and `max` may be equal).
    #[must_use]
    pub fn watch_timeout(mut self, min: Duration, max: Duration) -> Self {
        self.watch_timeout_min = min.min(max);
        self.watch_timeout_max = max.max(min);
        self
    }

    /// Sets the short-watch threshold (see [`WatcherConfig::short_watch`]).
    #[must_use]
    pub fn short_watch(mut self, threshold: Duration) -> Self {
        self.short_watch = threshold;
        self
    }

    /// Sets the backoff between failed attempts.
    #[must_use]
    pub fn backoff(mut self, backoff: BackoffConfig) -> Self {
        self.backoff = backoff;
        self
    }

    /// The `timeoutSeconds` of the next watch: random within the configured range.
    pub(crate) fn pick_watch_timeout(&self) -> i64 {
        let min = self.watch_timeout_min.as_secs().max(1);
        let max = self.watch_timeout_max.as_secs().max(min);
        i64::try_from(fastrand::u64(min..=max)).unwrap_or(i64::MAX)
    }
}
