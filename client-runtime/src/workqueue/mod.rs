//! [`WorkQueue`]: a typed, deduplicating work queue with delays, rate-limited
//! retries, a draining shutdown and metrics.
//!
//! client-go's `util/workqueue` (`queue.go`, `delaying_queue.go`,
//! `rate_limiting_queue.go`) as one type:
//!
//! - an item added while it is queued is queued once; an item added while
//!   it is being processed is queued again only after [`WorkQueue::done`],
//!   so no two workers ever hold the same item;
//! - [`WorkQueue::add_after`] queues an item later (the earliest of several
//!   pending delays wins);
//! - [`WorkQueue::add_rate_limited`] delays by the [`RateLimiter`]
//!   ([`rate_limiter::default_controller`] unless configured), and
//!   [`WorkQueue::forget`] resets the item's backoff;
//! - after [`WorkQueue::shut_down`], adds are ignored, but items already
//!   queued are still handed out; [`WorkQueue::get`] answers `None` once the
//!   queue is empty. [`WorkQueue::shut_down_with_drain`] also waits until
//!   every handed-out item is `done`.
//!
//! Every timing reads tokio's clock.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use client_runtime::workqueue::WorkQueue;
//! let queue = WorkQueue::<&str>::new();
//! queue.add("a");
//! queue.add("a");
//! assert_eq!(queue.len(), 1);
//! let item = queue.get().await.unwrap();
//! queue.add("a");            // while processing: queued again after done
//! assert_eq!(queue.len(), 0);
//! queue.done(&item);
//! assert_eq!(queue.len(), 1);
//! # }
//! ```

mod metrics;
pub mod rate_limiter;

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::hash::HashMap;

use metrics::NamedMetrics;
pub use metrics::QueueMetrics;
pub use rate_limiter::RateLimiter;

/// What a queue item must be: a cheap, hashable key.
pub trait QueueItem: Eq + Hash + Clone + Send + Sync + 'static {}

impl<T: Eq + Hash + Clone + Send + Sync + 'static> QueueItem for T {}

/// Where one item stands. An item has one while it is queued, handed out,
/// or both (added again while handed out): client-go's `dirty` and
/// `processing` sets as one map, so each call hashes the item once.
struct ItemState {
    /// Queued, or to be queued again when done (client-go's `dirty`).
    dirty: bool,
    /// Handed out and not yet done.
    processing: bool,
    /// With metrics only: when it was queued (while waiting) or handed out
    /// (while processing). Without metrics the clock is never read.
    since: Option<Instant>,
}

struct State<T> {
    queue: VecDeque<T>,
    /// Every queued or handed-out item.
    items: HashMap<T, ItemState>,
    /// How many items are handed out and not yet done.
    processing: usize,
    /// Getters waiting for an item: an add wakes one only when some wait.
    sleepers: usize,
    /// Items waiting for `add_after`, with their earliest ready time.
    waiting: HashMap<T, Instant>,
    /// The same deadlines in time order, for the one timer task (client-go's
    /// `waitingForQueue` heap); entries superseded by an earlier deadline
    /// stay until they come due and are then ignored.
    timeline: BTreeMap<(Instant, u64), T>,
    /// A tie-breaker for equal deadlines.
    next_seq: u64,
    /// Whether the timer task runs (started by the first `add_after`).
    timer_started: bool,
    shutting_down: bool,
}

struct Inner<T> {
    state: Mutex<State<T>>,
    /// Wakes getters (an item was queued, or the queue shut down).
    ready: Notify,
    /// Wakes `shut_down_with_drain` (an item was done).
    drained: Notify,
    /// Wakes the timer task (a new earliest deadline).
    timer: Arc<Notify>,
    limiter: Box<dyn RateLimiter<T>>,
    metrics: Option<NamedMetrics>,
    /// Cancels delayed adds and the metrics ticker at shutdown.
    cancel: CancellationToken,
}

/// A typed work queue; cheap to clone (clones are the same queue). See the
/// [module docs](self).
pub struct WorkQueue<T> {
    inner: Arc<Inner<T>>,
}

impl<T> Clone for WorkQueue<T> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T> std::fmt::Debug for WorkQueue<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = lock(&self.inner.state);
        f.debug_struct("WorkQueue")
            .field("queued", &state.queue.len())
            .field("processing", &state.processing)
            .field("shutting_down", &state.shutting_down)
            .finish_non_exhaustive()
    }
}

/// Builds a [`WorkQueue`]: a name for its metrics, a rate limiter, metrics.
pub struct WorkQueueBuilder<T> {
    name: String,
    limiter: Option<Box<dyn RateLimiter<T>>>,
    metrics: Option<QueueMetrics>,
}

impl<T> std::fmt::Debug for WorkQueueBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkQueueBuilder")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl<T: QueueItem> WorkQueueBuilder<T> {
    /// The queue's `name` label in its metrics.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The rate limiter of [`WorkQueue::add_rate_limited`].
    #[must_use]
    pub fn rate_limiter(mut self, limiter: impl RateLimiter<T> + 'static) -> Self {
        self.limiter = Some(Box::new(limiter));
        self
    }

    /// Records metrics into `metrics` (under this queue's name).
    #[must_use]
    pub fn metrics(mut self, metrics: &QueueMetrics) -> Self {
        self.metrics = Some(metrics.clone());
        self
    }

    /// The queue. With metrics and a Tokio runtime, a task refreshes the
    /// in-progress gauges every 500 ms, as client-go does (built outside a
    /// runtime, those two gauges stay at zero).
    pub fn build(self) -> WorkQueue<T> {
        let metrics = self.metrics.map(|m| m.for_queue(&self.name));
        let queue = WorkQueue {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    queue: VecDeque::new(),
                    items: HashMap::default(),
                    processing: 0,
                    sleepers: 0,
                    waiting: HashMap::default(),
                    timeline: BTreeMap::new(),
                    next_seq: 0,
                    timer_started: false,
                    shutting_down: false,
                }),
                ready: Notify::new(),
                drained: Notify::new(),
                timer: Arc::new(Notify::new()),
                limiter: self
                    .limiter
                    .unwrap_or_else(|| Box::new(rate_limiter::default_controller())),
                metrics,
                cancel: CancellationToken::new(),
            }),
        };
        let runtime = tokio::runtime::Handle::try_current();
        if let (Some(_), Ok(runtime)) = (&queue.inner.metrics, runtime) {
            let weak = Arc::downgrade(&queue.inner);
            let cancel = queue.inner.cancel.clone();
            runtime.spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_millis(500));
                loop {
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        _ = tick.tick() => {}
                    }
                    let Some(inner) = weak.upgrade() else { return };
                    inner.update_running();
                }
            });
        }
        queue
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl<T: QueueItem> Default for WorkQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: QueueItem> WorkQueue<T> {
    /// A queue with client-go's default controller rate limiter and no metrics.
    pub fn new() -> Self {
        Self::builder().build()
    }

    /// A builder, to set a name, rate limiter and metrics.
    pub fn builder() -> WorkQueueBuilder<T> {
        WorkQueueBuilder {
            name: String::new(),
            limiter: None,
            metrics: None,
        }
    }

    /// Queues `item` unless it is queued already or the queue is shutting
    /// down; an item being processed is queued again once it is done.
    pub fn add(&self, item: T) {
        self.inner.add(item);
    }

    /// Queues `item` after `delay` (at once when zero). Of several pending
    /// delays of one item, the earliest wins. Dropped at shutdown.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime (the delay is a task), as `tokio::spawn` does.
    pub fn add_after(&self, item: T, delay: Duration) {
        if delay.is_zero() {
            return self.add(item);
        }
        let ready = Instant::now() + delay;
        let (earliest, start_timer) = {
            let mut state = lock(&self.inner.state);
            if state.shutting_down {
                return;
            }
            if state
                .waiting
                .get(&item)
                .is_some_and(|earlier| *earlier <= ready)
            {
                return;
            }
            state.waiting.insert(item.clone(), ready);
            let seq = state.next_seq;
            state.next_seq += 1;
            state.timeline.insert((ready, seq), item);
            let earliest = state.timeline.keys().next() == Some(&(ready, seq));
            let start_timer = !std::mem::replace(&mut state.timer_started, true);
            (earliest, start_timer)
        };
        if start_timer {
            tokio::spawn(timer(
                Arc::downgrade(&self.inner),
                Arc::clone(&self.inner.timer),
                self.inner.cancel.clone(),
            ));
        } else if earliest {
            self.inner.timer.notify_one();
        }
    }

    /// Queues `item` after its rate limiter's delay (a retry: counted in
    /// the item's backoff and the retries metric).
    pub fn add_rate_limited(&self, item: T) {
        let delay = self.inner.limiter.when(&item);
        if let Some(m) = &self.inner.metrics {
            m.retried();
        }
        self.add_after(item, delay);
    }

    /// Resets `item`'s backoff (call when it was processed successfully).
    pub fn forget(&self, item: &T) {
        self.inner.limiter.forget(item);
    }

    /// How many rate-limited retries `item` had since it was last forgotten.
    pub fn num_requeues(&self, item: &T) -> u32 {
        self.inner.limiter.num_requeues(item)
    }

    /// Waits for the next item; `None` once the queue shut down and is empty.
    /// The caller owns the item until it calls [`WorkQueue::done`].
    pub async fn get(&self) -> Option<T> {
        loop {
            // Most gets find an item: no waiter is registered for those.
            if let Some(next) = self.try_get(false) {
                return next;
            }
            let notified = self.inner.ready.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            // Registered, and counted as a sleeper under the same lock that
            // saw the queue empty: every later add wakes a getter.
            if let Some(next) = self.try_get(true) {
                return next;
            }
            let _sleeping = Sleeper(&self.inner);
            notified.await;
        }
    }

    /// The next item, `Some(None)` once shut down and empty, `None` to wait.
    /// With `sleep`, a getter about to wait is counted (see [`Sleeper`]).
    fn try_get(&self, sleep: bool) -> Option<Option<T>> {
        let mut guard = lock(&self.inner.state);
        let state = &mut *guard;
        let Some(item) = state.queue.pop_front() else {
            if state.shutting_down {
                return Some(None);
            }
            state.sleepers += usize::from(sleep);
            return None;
        };
        let now = self.inner.now();
        let queued_at = state.items.get_mut(&item).and_then(|entry| {
            entry.dirty = false;
            entry.processing = true;
            std::mem::replace(&mut entry.since, now)
        });
        state.processing += 1;
        if let Some(m) = &self.inner.metrics {
            m.depth(state.queue.len());
            if let (Some(now), Some(t)) = (now, queued_at) {
                m.waited(now.saturating_duration_since(t));
            }
        }
        Some(Some(item))
    }

    /// Marks `item` as processed: if it was added meanwhile, it is queued now.
    pub fn done(&self, item: &T) {
        let mut guard = lock(&self.inner.state);
        let state = &mut *guard;
        // One lookup: the entry is taken out, and put back only when the
        // item was not held (nothing to do) or was added meanwhile.
        let Some((key, mut entry)) = state.items.remove_entry(item) else {
            return;
        };
        if !entry.processing {
            state.items.insert(key, entry);
            return;
        }
        entry.processing = false;
        state.processing -= 1;
        let now = self.inner.now();
        if let (Some(m), Some(now), Some(started)) = (&self.inner.metrics, now, entry.since) {
            m.worked(now.saturating_duration_since(started));
        }
        if entry.dirty {
            entry.since = now;
            state.queue.push_back(key.clone());
            state.items.insert(key, entry);
            if let Some(m) = &self.inner.metrics {
                m.depth(state.queue.len());
            }
            if state.sleepers > 0 {
                self.inner.ready.notify_one();
            }
        }
        // Only a draining shutdown waits for this, and it shut down first.
        if state.processing == 0 && state.shutting_down {
            self.inner.drained.notify_waiters();
        }
    }

    /// Items queued (not counting those being processed or waiting for a delay).
    pub fn len(&self) -> usize {
        lock(&self.inner.state).queue.len()
    }

    /// `true` when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the queue is shutting down.
    pub fn is_shutting_down(&self) -> bool {
        lock(&self.inner.state).shutting_down
    }

    /// Stops accepting items and drops pending delays; queued items are
    /// still handed out, then `get` answers `None`.
    pub fn shut_down(&self) {
        lock(&self.inner.state).shutting_down = true;
        self.inner.cancel.cancel();
        self.inner.ready.notify_waiters();
    }

    /// [`WorkQueue::shut_down`], then waits until every queued item was
    /// handed out and every handed-out item is done.
    pub async fn shut_down_with_drain(&self) {
        self.shut_down();
        loop {
            let notified = self.inner.drained.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let state = lock(&self.inner.state);
                if state.processing == 0 && state.queue.is_empty() {
                    return;
                }
            }
            notified.await;
        }
    }
}

/// A getter counted in `sleepers` while it waits; uncounted when it wakes
/// or its future is dropped.
struct Sleeper<'a, T>(&'a Inner<T>);

impl<T> Drop for Sleeper<'_, T> {
    fn drop(&mut self) {
        lock(&self.0.state).sleepers -= 1;
    }
}

/// The one task behind every `add_after`: sleeps until the earliest
/// deadline, queues what is due, and wakes early for an earlier deadline.
/// Holds the queue weakly, so a queue dropped without shutdown ends it.
async fn timer<T: QueueItem>(
    inner: std::sync::Weak<Inner<T>>,
    wake: Arc<Notify>,
    cancel: CancellationToken,
) {
    loop {
        let next = {
            let Some(inner) = inner.upgrade() else { return };
            let now = Instant::now();
            let mut due = Vec::new();
            let next = {
                let mut state = lock(&inner.state);
                while let Some(entry) = state.timeline.first_entry() {
                    if entry.key().0 > now {
                        break;
                    }
                    let ((ready, _), item) = entry.remove_entry();
                    if state.waiting.get(&item) == Some(&ready) {
                        state.waiting.remove(&item);
                        due.push(item);
                    }
                }
                state.timeline.keys().next().map(|(ready, _)| *ready)
            };
            for item in due {
                inner.add(item);
            }
            next
        };
        let sleep = async {
            match next {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = cancel.cancelled() => return,
            () = wake.notified() => {}
            () = sleep => {}
        }
    }
}

impl<T: QueueItem> Inner<T> {
    fn add(&self, item: T) {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        if state.shutting_down {
            return;
        }
        match state.items.entry(item) {
            Entry::Occupied(mut held) => {
                let entry = held.get_mut();
                if entry.dirty {
                    return;
                }
                // Handed out: queued again when done.
                entry.dirty = true;
                if let Some(m) = &self.metrics {
                    m.added();
                }
            }
            Entry::Vacant(new) => {
                state.queue.push_back(new.key().clone());
                new.insert(ItemState {
                    dirty: true,
                    processing: false,
                    since: self.now(),
                });
                if let Some(m) = &self.metrics {
                    m.added();
                    m.depth(state.queue.len());
                }
                if state.sleepers > 0 {
                    self.ready.notify_one();
                }
            }
        }
    }

    /// The time, for metrics only: `None` without them.
    fn now(&self) -> Option<Instant> {
        self.metrics.as_ref().map(|_| Instant::now())
    }

    fn update_running(&self) {
        if let Some(m) = &self.metrics {
            let state = lock(&self.state);
            let now = Instant::now();
            m.running(
                state
                    .items
                    .values()
                    .filter(|entry| entry.processing)
                    .filter_map(|entry| entry.since)
                    .map(|t| now.saturating_duration_since(t)),
            );
        }
    }
}

#[cfg(test)]
mod tests;
