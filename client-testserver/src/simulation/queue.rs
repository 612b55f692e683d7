//! A small keyed work queue: a key waits at most once however often it is
//! added, a delayed add is one timer task (so an idle queue costs nothing),
//! and the single worker of a controller takes keys in order.

use std::collections::{HashSet, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use crate::simulation::clock::Clock;

struct Inner<K> {
    waiting: HashSet<K>,
    order: VecDeque<K>,
}

/// Keys to reconcile; cheap to clone.
pub(crate) struct Queue<K> {
    inner: Arc<Mutex<Inner<K>>>,
    ready: Arc<Notify>,
}

impl<K> Clone for Queue<K> {
    fn clone(&self) -> Self {
        Queue {
            inner: self.inner.clone(),
            ready: self.ready.clone(),
        }
    }
}

impl<K: Eq + Hash + Clone + Send + 'static> Queue<K> {
    /// An empty queue.
    pub(crate) fn new() -> Queue<K> {
        Queue {
            inner: Arc::new(Mutex::new(Inner {
                waiting: HashSet::new(),
                order: VecDeque::new(),
            })),
            ready: Arc::new(Notify::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<K>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds `key` unless it is already waiting.
    pub(crate) fn add(&self, key: K) {
        let mut inner = self.lock();
        if inner.waiting.insert(key.clone()) {
            inner.order.push_back(key);
            drop(inner);
            self.ready.notify_one();
        }
    }

    /// Adds `key` once `delay` has passed on `clock`.
    pub(crate) fn add_after(&self, key: K, delay: Duration, clock: &Clock) {
        if delay.is_zero() {
            self.add(key);
            return;
        }
        let q = self.clone();
        let clock = clock.clone();
        tokio::spawn(async move {
            clock.sleep(delay).await;
            q.add(key);
        });
    }

    /// The next key, waiting until there is one.
    pub(crate) async fn next(&self) -> K {
        loop {
            let notified = self.ready.notified();
            {
                let mut inner = self.lock();
                if let Some(k) = inner.order.pop_front() {
                    inner.waiting.remove(&k);
                    return k;
                }
            }
            notified.await;
        }
    }

    /// How many keys wait.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().order.len()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn keys_wait_once_and_delays_use_the_clock() {
        let q: Queue<&'static str> = Queue::new();
        q.add("a");
        q.add("b");
        q.add("a");
        assert_eq!(q.len(), 2);
        assert_eq!(q.next().await, "a");
        assert_eq!(q.next().await, "b");
        let clock = Clock::starting_at(None);
        q.add_after("c", Duration::from_secs(30), &clock);
        tokio::task::yield_now().await;
        assert_eq!(q.len(), 0);
        tokio::time::advance(Duration::from_secs(31)).await;
        let got = tokio::time::timeout(Duration::from_secs(1), q.next()).await;
        assert_eq!(got.unwrap(), "c");
    }
}
