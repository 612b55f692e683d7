//! Leader election on a Lease: run a future only while this replica leads.
//!
//! client-go's `tools/leaderelection` with kube-controller-manager's
//! defaults (lease duration 15 s, renew deadline 10 s, retry period 2 s):
//!
//! - a candidate tries to acquire the lock every retry period (with up to
//!   20% jitter); it may take it when it is free, released, or when the
//!   record it observed has not changed for the lease duration, timed on
//!   its own monotonic clock (never the holder's wall clock);
//! - the leader renews every retry period; each write is guarded by the
//!   lock's resourceVersion, so of two racing candidates one fails;
//! - acquiring from another holder increments `leaseTransitions`;
//! - on cancel the leader releases the lock (empty holder) so another
//!   candidate takes it at once.
//!
//! # The safety margin
//!
//! The leader measures its renew deadline from the instant it **sent** its
//! last successful acquire or renew, and drops the leading future the
//! moment `sent + renew_deadline` passes without another success. A
//! follower can take over only once it has seen the same record for the
//! lease duration; it saw that record after the server wrote it, which was
//! after the leader sent it. So the old leader has stopped at least
//! `lease_duration - renew_deadline` (5 s by default) before any other
//! candidate can acquire: the margin holds whatever the network latency,
//! as long as the two machines' clocks run at the same rate. A renewal
//! the leader gave up on but the server applied changes the record, which
//! makes a follower's takeover fail and restart its wait.
//!
//! ```no_run
//! # async fn demo(client: client_core::RestClient) {
//! use client_runtime::leader_election::{LeaderElectionConfig, LeaderElector, LeaseLock};
//! use client_runtime::CancellationToken;
//!
//! let lock = LeaseLock::new(client, "default", "memcached-operator", "replica-1");
//! let elector = LeaderElector::new(lock, LeaderElectionConfig::default()).unwrap();
//! let outcome = elector.run(async { /* the controllers */ }, &CancellationToken::new()).await;
//! # }
//! ```

mod lock;

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use client_core::MicroTime;
use tokio::sync::watch;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub use lock::{LeaderRecord, LeaseLock, Lock, LockError, Observed};

/// The timings of an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderElectionConfig {
    /// How long a follower waits, after the last change of the record it saw,
    /// before it may take the lock.
    pub lease_duration: Duration,
    /// How long after its last successful renewal was sent the leader keeps
    /// acting; must be shorter than `lease_duration` (the difference is the
    /// safety margin).
    pub renew_deadline: Duration,
    /// The pause between attempts to acquire or renew.
    pub retry_period: Duration,
}

impl Default for LeaderElectionConfig {
    /// kube-controller-manager's and controller-runtime's: 15 s, 10 s, 2 s.
    fn default() -> Self {
        Self {
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }
}

impl LeaderElectionConfig {
    /// The time by which a leader that cannot renew stops before anyone
    /// else can take the lock: `lease_duration - renew_deadline`.
    pub fn margin(&self) -> Duration {
        self.lease_duration.saturating_sub(self.renew_deadline)
    }
}

/// Why an election could not run or ended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeaderElectionError {
    /// The timings break `lease_duration > renew_deadline > retry_period > 0`.
    #[error("invalid timings: need lease duration > renew deadline > retry period > 0, got {0:?}")]
    InvalidConfig(LeaderElectionConfig),
    /// Leadership was lost (no renewal within the renew deadline, or
    /// another holder took the lock); the leading future was dropped.
    #[error("leadership lost")]
    Lost,
    /// The token was cancelled; the lock was released if held.
    #[error("cancelled")]
    Cancelled,
}

struct Seen {
    observed: Option<Observed>,
    at: Instant,
}

/// Competes for a [`Lock`] and runs a future while it holds it; see the
/// [module docs](self).
pub struct LeaderElector<L> {
    lock: L,
    config: LeaderElectionConfig,
    seen: Mutex<Seen>,
}

impl<L> std::fmt::Debug for LeaderElector<L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn seconds_ceil(d: Duration) -> i32 {
    let whole = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    i32::try_from(whole).unwrap_or(i32::MAX)
}

impl<L: Lock> LeaderElector<L> {
    /// An elector for `lock`.
    ///
    /// # Errors
    ///
    /// [`LeaderElectionError::InvalidConfig`] unless
    /// `lease_duration > renew_deadline > retry_period > 0`.
    pub fn new(lock: L, config: LeaderElectionConfig) -> Result<Self, LeaderElectionError> {
        let valid = config.lease_duration > config.renew_deadline
            && config.renew_deadline > config.retry_period
            && !config.retry_period.is_zero();
        if !valid {
            return Err(LeaderElectionError::InvalidConfig(config));
        }
        Ok(Self {
            lock,
            config,
            seen: Mutex::new(Seen {
                observed: None,
                at: Instant::now(),
            }),
        })
    }

    /// The lock.
    pub fn lock(&self) -> &L {
        &self.lock
    }

    /// Waits until this candidate leads, then runs `leading` while it does.
    ///
    /// - `Ok(output)`: `leading` finished while leading; the lock was released;
    /// - `Err(Lost)`: leadership was lost; `leading` was dropped at that moment;
    /// - `Err(Cancelled)`: `cancel` fired; `leading` was dropped and the lock released.
    ///
    /// # Errors
    ///
    /// [`LeaderElectionError::Lost`] or [`LeaderElectionError::Cancelled`].
    pub async fn run<F: Future>(
        &self,
        leading: F,
        cancel: &CancellationToken,
    ) -> Result<F::Output, LeaderElectionError> {
        let acquired_sent = tokio::select! {
            () = cancel.cancelled() => return Err(LeaderElectionError::Cancelled),
            sent = self.acquire() => sent,
        };
        tracing::info!(identity = self.lock.identity(), "acquired leadership");
        let (deadline_tx, deadline_rx) = watch::channel(acquired_sent + self.config.renew_deadline);
        let lost = async {
            tokio::select! {
                () = wait_past_deadline(deadline_rx) => {}
                () = self.renew_loop(&deadline_tx) => {}
            }
        };
        let outcome = tokio::select! {
            biased;
            () = lost => Err(LeaderElectionError::Lost),
            () = cancel.cancelled() => Err(LeaderElectionError::Cancelled),
            out = leading => Ok(out),
        };
        match &outcome {
            Err(LeaderElectionError::Lost) => {
                tracing::warn!(identity = self.lock.identity(), "lost leadership");
            }
            _ => self.release().await,
        }
        outcome
    }

    /// Tries until it holds the lock; returns when the successful request was sent.
    async fn acquire(&self) -> Instant {
        loop {
            let sent = Instant::now();
            match self.try_acquire_or_renew().await {
                Ok(true) => return sent,
                Ok(false) => {}
                Err(error) => tracing::debug!(%error, "acquire attempt failed"),
            }
            let jitter = self.config.retry_period.mul_f64(0.2 * fastrand::f64());
            tokio::time::sleep(self.config.retry_period + jitter).await;
        }
    }

    /// Renews every retry period, pushing the deadline on each success;
    /// returns if another holder has the lock.
    async fn renew_loop(&self, deadline: &watch::Sender<Instant>) {
        loop {
            tokio::time::sleep(self.config.retry_period).await;
            let sent = Instant::now();
            let current = *deadline.borrow();
            match tokio::time::timeout_at(current, self.try_acquire_or_renew()).await {
                Ok(Ok(true)) => {
                    let next = sent + self.config.renew_deadline;
                    deadline.send_if_modified(|d| {
                        let later = next > *d;
                        if later {
                            *d = next;
                        }
                        later
                    });
                }
                Ok(Ok(false)) => return,
                Ok(Err(error)) => tracing::debug!(%error, "renewal failed"),
                Err(_elapsed) => {}
            }
        }
    }

    /// One client-go `tryAcquireOrRenew`: `Ok(true)` when this candidate
    /// holds the lock after it, `Ok(false)` when another does.
    async fn try_acquire_or_renew(&self) -> Result<bool, LockError> {
        let me = self.lock.identity().to_owned();
        let now = MicroTime::now();
        let fresh = |acquire: Option<MicroTime>, transitions: i32| LeaderRecord {
            holder_identity: Some(me.clone()),
            lease_duration_seconds: seconds_ceil(self.config.lease_duration),
            acquire_time: acquire,
            renew_time: Some(now),
            lease_transitions: transitions,
        };
        let Some(observed) = self.lock.get().await? else {
            let created = self.lock.create(fresh(Some(now), 0)).await?;
            self.observe(created);
            return Ok(true);
        };
        let record = observed.record.clone();
        let seen_at = self.observe(observed.clone());
        let holder = record.holder();
        if let Some(holder) = holder.filter(|h| *h != me) {
            let recorded = Duration::from_secs(
                u64::try_from(record.lease_duration_seconds).unwrap_or_default(),
            );
            let wait = self.config.lease_duration.max(recorded);
            if Instant::now() < seen_at + wait {
                tracing::trace!(holder, "lock held by another");
                return Ok(false);
            }
        }
        let next = if holder == Some(me.as_str()) {
            fresh(record.acquire_time, record.lease_transitions)
        } else {
            fresh(Some(now), record.lease_transitions.saturating_add(1))
        };
        let updated = self.lock.update(&observed, next).await?;
        self.observe(updated);
        Ok(true)
    }

    /// Records what was read; returns when this record was first seen.
    fn observe(&self, observed: Observed) -> Instant {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        if seen.observed.as_ref() != Some(&observed) {
            seen.observed = Some(observed);
            seen.at = Instant::now();
        }
        seen.at
    }

    /// Gives the lock up (empty holder), if this candidate holds it.
    async fn release(&self) {
        let observed = {
            let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            seen.observed.clone()
        };
        let Some(observed) = observed else { return };
        if observed.record.holder() != Some(self.lock.identity()) {
            return;
        }
        let now = MicroTime::now();
        let released = LeaderRecord {
            holder_identity: None,
            lease_duration_seconds: 1,
            acquire_time: Some(now),
            renew_time: Some(now),
            lease_transitions: observed.record.lease_transitions,
        };
        match self.lock.update(&observed, released).await {
            Ok(updated) => {
                self.observe(updated);
            }
            Err(error) => tracing::warn!(%error, "releasing the lock failed"),
        }
    }
}

/// Completes once the current deadline passes without being pushed back.
async fn wait_past_deadline(mut deadline: watch::Receiver<Instant>) {
    loop {
        let current = *deadline.borrow_and_update();
        tokio::select! {
            () = tokio::time::sleep_until(current) => {
                if *deadline.borrow() <= current {
                    return;
                }
            }
            changed = deadline.changed() => {
                if changed.is_err() {
                    // The renewer is gone: nothing will push it back.
                    tokio::time::sleep_until(current).await;
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
