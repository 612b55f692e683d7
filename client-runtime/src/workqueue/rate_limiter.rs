//! Rate limiters: how long an item waits before it is retried.
//!
//! client-go's `default_rate_limiters.go`, typed: [`ItemExponential`] per
//! item, [`Bucket`] overall, composed with [`MaxOf`]; [`default_controller`]
//! is `DefaultTypedControllerRateLimiter`. Time is tokio's clock.

use crate::hash::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Decides the delay of each retry of an item, and forgets an item on success.
pub trait RateLimiter<T>: Send + Sync {
    /// The delay before `item` may be retried (counts a failure).
    fn when(&self, item: &T) -> Duration;
    /// Resets `item`'s history (call on success).
    fn forget(&self, item: &T);
    /// How many times `item` was retried since it was last forgotten.
    fn num_requeues(&self, item: &T) -> u32;
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Per-item exponential backoff: `base * 2^failures`, capped at `max`.
#[derive(Debug)]
pub struct ItemExponential<T> {
    base: Duration,
    max: Duration,
    failures: Mutex<HashMap<T, u32>>,
}

impl<T> ItemExponential<T> {
    /// Backoff from `base`, doubling per failure, capped at `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            failures: Mutex::new(HashMap::default()),
        }
    }
}

impl<T: Eq + Hash + Clone + Send> RateLimiter<T> for ItemExponential<T> {
    fn when(&self, item: &T) -> Duration {
        let mut failures = lock(&self.failures);
        let n = failures.entry(item.clone()).or_insert(0);
        let exp = *n;
        *n = n.saturating_add(1);
        let factor = 2f64.powi(i32::try_from(exp).unwrap_or(i32::MAX));
        let delay = self.base.as_secs_f64() * factor;
        if !delay.is_finite() || delay >= self.max.as_secs_f64() {
            return self.max;
        }
        Duration::from_secs_f64(delay)
    }

    fn forget(&self, item: &T) {
        lock(&self.failures).remove(item);
    }

    fn num_requeues(&self, item: &T) -> u32 {
        lock(&self.failures).get(item).copied().unwrap_or(0)
    }
}

/// A token bucket shared by all items (`qps` tokens a second, `burst` at
/// most): each call reserves a token and waits until it is due.
#[derive(Debug)]
pub struct Bucket {
    qps: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl Bucket {
    /// A full bucket of `burst` tokens refilled at `qps` per second.
    pub fn new(qps: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            qps: if qps > 0.0 { qps } else { f64::MIN_POSITIVE },
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }
}

impl<T> RateLimiter<T> for Bucket {
    fn when(&self, _item: &T) -> Duration {
        let mut state = lock(&self.state);
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(state.1).as_secs_f64();
        let tokens = (state.0 + elapsed * self.qps).min(self.burst) - 1.0;
        *state = (tokens, now);
        if tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-tokens / self.qps)
        }
    }

    fn forget(&self, _item: &T) {}

    fn num_requeues(&self, _item: &T) -> u32 {
        0
    }
}

/// The longest delay of several limiters (each counts the failure).
pub struct MaxOf<T> {
    limiters: Vec<Box<dyn RateLimiter<T>>>,
}

impl<T> std::fmt::Debug for MaxOf<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaxOf")
            .field("limiters", &self.limiters.len())
            .finish()
    }
}

impl<T> MaxOf<T> {
    /// The maximum of `limiters`.
    pub fn new(limiters: Vec<Box<dyn RateLimiter<T>>>) -> Self {
        Self { limiters }
    }
}

impl<T> RateLimiter<T> for MaxOf<T> {
    fn when(&self, item: &T) -> Duration {
        self.limiters
            .iter()
            .map(|l| l.when(item))
            .max()
            .unwrap_or(Duration::ZERO)
    }

    fn forget(&self, item: &T) {
        for l in &self.limiters {
            l.forget(item);
        }
    }

    fn num_requeues(&self, item: &T) -> u32 {
        self.limiters
            .iter()
            .map(|l| l.num_requeues(item))
            .max()
            .unwrap_or(0)
    }
}

/// client-go's default controller limiter: the max of a per-item
/// exponential backoff from 5 ms to 1000 s and a 10 qps, burst 100 bucket.
pub fn default_controller<T: Eq + Hash + Clone + Send + 'static>() -> MaxOf<T> {
    MaxOf::new(vec![
        Box::new(ItemExponential::new(
            Duration::from_millis(5),
            Duration::from_secs(1000),
        )),
        Box::new(Bucket::new(10.0, 100)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponential_doubles_caps_and_resets() {
        let l = ItemExponential::new(Duration::from_millis(5), Duration::from_secs(1000));
        let delays: Vec<_> = (0..4).map(|_| l.when(&"a")).collect();
        assert_eq!(delays, [5, 10, 20, 40].map(Duration::from_millis).to_vec());
        assert_eq!(l.when(&"b"), Duration::from_millis(5));
        assert_eq!(l.num_requeues(&"a"), 4);
        for _ in 0..40 {
            l.when(&"a");
        }
        assert_eq!(l.when(&"a"), Duration::from_secs(1000));
        l.forget(&"a");
        assert_eq!(l.num_requeues(&"a"), 0);
        assert_eq!(l.when(&"a"), Duration::from_millis(5));
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_allows_the_burst_then_paces_at_qps() {
        let b = Bucket::new(10.0, 100);
        for _ in 0..100 {
            assert_eq!(RateLimiter::<()>::when(&b, &()), Duration::ZERO);
        }
        assert_eq!(RateLimiter::<()>::when(&b, &()), Duration::from_millis(100));
        assert_eq!(RateLimiter::<()>::when(&b, &()), Duration::from_millis(200));
        tokio::time::advance(Duration::from_secs(1)).await;
        // Ten tokens came back; two were already owed.
        let d = RateLimiter::<()>::when(&b, &());
        assert_eq!(d, Duration::ZERO, "{d:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn default_is_the_max_of_both() {
        let l = default_controller::<&str>();
        assert_eq!(l.when(&"a"), Duration::from_millis(5));
        assert_eq!(l.when(&"a"), Duration::from_millis(10));
        for i in 0..98 {
            l.when(&if i % 2 == 0 { "x" } else { "y" });
        }
        // The bucket is empty now: a fresh item waits for the bucket, not 5 ms.
        assert_eq!(l.when(&"fresh"), Duration::from_millis(100));
        l.forget(&"a");
        assert_eq!(l.num_requeues(&"a"), 0);
    }
}
