//! The simulation's clock: every delay and every timestamp the controllers
//! write comes from here, so a test on tokio's paused time (or one that
//! starts the clock at a chosen instant) is deterministic.

use std::time::{Duration, SystemTime};

use jiff::Timestamp;

/// Wall time that advances with tokio's clock: `now()` is the start time
/// plus the tokio time elapsed since, so `tokio::time::pause` and
/// `advance` move it as they move timers.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    wall_at_origin: Timestamp,
    origin: tokio::time::Instant,
}

impl Clock {
    /// A clock reading `start` (the system time when `None`) now.
    pub(crate) fn starting_at(start: Option<SystemTime>) -> Clock {
        let wall_at_origin = start
            .and_then(|s| Timestamp::try_from(s).ok())
            .unwrap_or_else(Timestamp::now);
        Clock {
            wall_at_origin,
            origin: tokio::time::Instant::now(),
        }
    }

    /// The current simulated wall time.
    pub(crate) fn now(&self) -> Timestamp {
        let elapsed = self.origin.elapsed();
        let span = jiff::SignedDuration::try_from(elapsed).unwrap_or(jiff::SignedDuration::ZERO);
        self.wall_at_origin
            .checked_add(span)
            .unwrap_or(self.wall_at_origin)
    }

    /// The current time as the RFC 3339 seconds kube writes in statuses.
    pub(crate) fn now_rfc3339(&self) -> String {
        crate::meta::timefmt::format_rfc3339(self.now())
    }

    /// How long until wall time `at` (zero when it has passed).
    pub(crate) fn until(&self, at: Timestamp) -> Duration {
        let d = at.duration_since(self.now());
        Duration::try_from(d).unwrap_or(Duration::ZERO)
    }

    /// Sleeps for `d` on tokio's clock.
    pub(crate) async fn sleep(&self, d: Duration) {
        tokio::time::sleep(d).await;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn wall_time_follows_paused_tokio_time() {
        let start: Timestamp = "2030-01-01T00:00:00Z".parse().unwrap();
        let clock = Clock::starting_at(Some(SystemTime::from(start)));
        assert_eq!(clock.now_rfc3339(), "2030-01-01T00:00:00Z");
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(clock.now_rfc3339(), "2030-01-01T00:01:01Z");
        let at: Timestamp = "2030-01-01T00:02:00Z".parse().unwrap();
        assert_eq!(clock.until(at), Duration::from_secs(59));
        assert_eq!(clock.until(start), Duration::ZERO);
    }
}
