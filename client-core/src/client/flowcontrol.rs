//! Client-side flow control: a token bucket in the image of client-go's
//! `flowcontrol.NewTokenBucketRateLimiter(qps, burst)`.
//!
//! The bucket itself ([`TokenBucket`]) is pure: it is told the time, so it is
//! tested without a clock. [`RateLimiter`] wraps it for concurrent use and
//! sleeps on tokio's clock (which tests can pause and advance).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// A token bucket holding up to `burst` tokens, refilled at `qps` tokens per second.
///
/// Taking a token when none is left *reserves* one: the bucket goes into debt
/// and the caller is told how long to wait, so concurrent callers are served
/// in order without anyone holding a lock while sleeping.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    qps: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket (`burst` tokens) at time `now`. A `burst` of 0 is treated as 1.
    pub fn new(qps: f32, burst: u32, now: Instant) -> Self {
        let burst = f64::from(burst.max(1));
        Self {
            qps: f64::from(qps),
            burst,
            tokens: burst,
            last: now,
        }
    }

    /// Takes one token at time `now` and returns how long the caller must wait
    /// before using it (`Duration::ZERO` when a token was available).
    pub fn reserve(&mut self, now: Instant) -> Duration {
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.qps)
        }
    }

    /// Tokens available at time `now` (negative while callers wait on reservations).
    #[cfg(test)]
    pub fn available(&mut self, now: Instant) -> f64 {
        self.refill(now);
        self.tokens
    }

    fn refill(&mut self, now: Instant) {
        if now > self.last {
            let elapsed = now.duration_since(self.last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.qps).min(self.burst);
            self.last = now;
        }
    }
}

/// A shareable rate limiter: a [`TokenBucket`] behind a mutex, or nothing when disabled.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    bucket: Option<Mutex<TokenBucket>>,
}

impl RateLimiter {
    /// A limiter of `qps` requests per second with `burst`; `qps <= 0` (or NaN) disables it.
    pub fn new(qps: f32, burst: u32) -> Self {
        let enabled = qps.is_finite() && qps > 0.0;
        Self {
            bucket: enabled.then(|| Mutex::new(TokenBucket::new(qps, burst, Instant::now()))),
        }
    }

    /// `true` when requests are limited.
    pub fn is_enabled(&self) -> bool {
        self.bucket.is_some()
    }

    /// Waits until a request may be sent. The lock is released before sleeping.
    pub async fn acquire(&self) {
        let Some(bucket) = &self.bucket else { return };
        let wait = {
            // A poisoned lock only means another thread panicked mid-update of
            // two floats; the state is still usable.
            let mut guard = bucket
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            guard.reserve(Instant::now())
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_reports_the_wait_for_each_token() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(5.0, 2, start);
        assert_eq!(bucket.reserve(start), Duration::ZERO); // burst
        assert_eq!(bucket.reserve(start), Duration::ZERO);
        assert_eq!(bucket.reserve(start), Duration::from_millis(200)); // 1 / 5 qps
    }

    #[test]
    fn burst_then_steady_rate() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(10.0, 3, t0);
        for _ in 0..3 {
            assert_eq!(bucket.reserve(t0), Duration::ZERO);
        }
        // Debt accumulates: each further caller waits one more interval.
        assert_eq!(bucket.reserve(t0), Duration::from_millis(100));
        assert_eq!(bucket.reserve(t0), Duration::from_millis(200));
        // After 200 ms the debt is paid, and no token is left over.
        let t1 = t0 + Duration::from_millis(200);
        assert!(bucket.available(t1).abs() < 1e-9);
        assert_eq!(bucket.reserve(t1), Duration::from_millis(100));
    }

    #[test]
    fn refill_is_capped_at_burst() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(100.0, 2, t0);
        bucket.reserve(t0);
        bucket.reserve(t0);
        let later = t0 + Duration::from_secs(60);
        assert!((bucket.available(later) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn zero_burst_still_admits_one() {
        let t0 = Instant::now();
        let mut bucket = TokenBucket::new(1.0, 0, t0);
        assert_eq!(bucket.reserve(t0), Duration::ZERO);
        assert_eq!(bucket.reserve(t0), Duration::from_secs(1));
    }

    #[test]
    fn disabled_for_non_positive_qps() {
        assert!(!RateLimiter::new(0.0, 10).is_enabled());
        assert!(!RateLimiter::new(-1.0, 10).is_enabled());
        assert!(!RateLimiter::new(f32::NAN, 10).is_enabled());
        assert!(RateLimiter::new(5.0, 10).is_enabled());
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_waits_on_the_injected_clock() {
        let limiter = RateLimiter::new(2.0, 1);
        let start = Instant::now();
        limiter.acquire().await;
        assert_eq!(Instant::now(), start, "the burst token is free");
        limiter.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(500));
        limiter.acquire().await;
        assert_eq!(Instant::now() - start, Duration::from_millis(1000));
    }
}
