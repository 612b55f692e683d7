//! [`EventCounter`]: what both sides' handlers call per watch event, so the
//! handler costs the same on each side.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::BenchError;

/// Counts events up to a target and times the first and the last.
#[derive(Debug)]
pub struct EventCounter {
    target: u64,
    count: AtomicU64,
    first: OnceLock<Instant>,
    last: OnceLock<Instant>,
    done: Notify,
}

impl EventCounter {
    /// A counter that is done after `target` events.
    pub fn new(target: u64) -> Self {
        Self {
            target,
            count: AtomicU64::new(0),
            first: OnceLock::new(),
            last: OnceLock::new(),
            done: Notify::new(),
        }
    }

    /// Counts one event (the handler's whole work).
    pub fn tick(&self) {
        let n = self.count.fetch_add(1, Ordering::Relaxed) + 1;
        if n == 1 {
            let _ = self.first.set(Instant::now());
        }
        if n == self.target {
            let _ = self.last.set(Instant::now());
            self.done.notify_one();
        }
    }

    /// Waits until the target is reached, at most `deadline`.
    pub async fn wait(&self, deadline: Duration) -> Result<(), BenchError> {
        if self.last.get().is_some() {
            return Ok(());
        }
        tokio::time::timeout(deadline, self.done.notified())
            .await
            .map_err(|_| BenchError::Timeout(deadline, "the watch events"))
    }

    /// Events per second between the first and the last event (`None`
    /// before the target, or with fewer than two events).
    pub fn per_second(&self) -> Option<f64> {
        let (first, last) = (self.first.get()?, self.last.get()?);
        let secs = last.duration_since(*first).as_secs_f64();
        (self.target > 1 && secs > 0.0).then(|| (self.target - 1) as f64 / secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn done_at_the_target_with_a_rate() -> Result<(), BenchError> {
        let c = EventCounter::new(3);
        c.tick();
        assert!(c.per_second().is_none());
        c.tick();
        std::thread::sleep(Duration::from_millis(2));
        c.tick();
        c.wait(Duration::from_secs(1)).await?;
        let rate = c
            .per_second()
            .ok_or(BenchError::Args("no rate".to_owned()))?;
        assert!(rate > 0.0 && rate < 1000.0, "{rate}");
        Ok(())
    }

    #[tokio::test]
    async fn waiting_short_of_the_target_times_out() {
        let c = EventCounter::new(2);
        c.tick();
        assert!(c.wait(Duration::from_millis(10)).await.is_err());
    }
}
