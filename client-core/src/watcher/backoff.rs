//! [`Backoff`]: delays between failed attempts, as [`BackoffConfig`] describes.

use std::time::Duration;

use tokio::time::Instant;

use super::config::BackoffConfig;

/// Counts consecutive failures and turns them into delays.
#[derive(Debug)]
pub(crate) struct Backoff {
    config: BackoffConfig,
    consecutive: u32,
    last_failure: Option<Instant>,
}

impl Backoff {
    pub(crate) fn new(config: BackoffConfig) -> Self {
        Self {
            config,
            consecutive: 0,
            last_failure: None,
        }
    }

    /// Records a failure at `now` and returns how long to wait before the next attempt.
    pub(crate) fn failure(&mut self, now: Instant) -> Duration {
        if self
            .last_failure
            .is_some_and(|at| now.saturating_duration_since(at) >= self.config.reset_after)
        {
            self.consecutive = 0;
        }
        self.last_failure = Some(now);
        let n = self.consecutive;
        self.consecutive = self.consecutive.saturating_add(1);
        let initial = self.config.initial.as_secs_f64();
        if n == 0 {
            return Duration::try_from_secs_f64(initial * fastrand::f64())
                .unwrap_or(self.config.max);
        }
        let factor = self.config.factor.max(1.0);
        let exponent = i32::try_from(n - 1).unwrap_or(i32::MAX);
        let base = (initial * factor.powi(exponent)).min(self.config.max.as_secs_f64());
        let stretch = 1.0 + self.config.jitter.clamp(0.0, 1.0) * fastrand::f64();
        Duration::try_from_secs_f64(base * stretch).unwrap_or(self.config.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> BackoffConfig {
        BackoffConfig {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(1000),
            factor: 2.0,
            jitter: 0.5,
            reset_after: Duration::from_secs(10),
        }
    }

    #[test]
    fn grows_caps_and_resets() {
        let mut b = Backoff::new(config());
        let t0 = Instant::now();
        let first = b.failure(t0);
        assert!(first <= Duration::from_millis(100), "{first:?}");
        let bases = [100u64, 200, 400, 800, 1000, 1000];
        for base in bases {
            let d = b.failure(t0);
            let lo = Duration::from_millis(base);
            let hi = Duration::from_millis(base * 3 / 2);
            assert!(d >= lo && d <= hi, "{d:?} not in [{lo:?}, {hi:?}]");
        }
        // A healthy period resets the sequence.
        let later = b.failure(t0 + Duration::from_secs(11));
        assert!(later <= Duration::from_millis(100), "{later:?}");
    }

    #[test]
    fn odd_settings_do_not_panic() {
        let mut b = Backoff::new(BackoffConfig {
            initial: Duration::from_secs(u64::MAX / 4),
            max: Duration::from_secs(u64::MAX / 2),
            factor: f64::NAN,
            jitter: 7.0,
            reset_after: Duration::ZERO,
        });
        let now = Instant::now();
        for _ in 0..70 {
            let _ = b.failure(now);
        }
    }
}
