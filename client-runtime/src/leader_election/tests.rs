//! The elector against an in-memory lock on a paused clock, at
//! kube-controller-manager's timings.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::*;

/// A lock store shared by candidates; each write takes `latency` to land.
#[derive(Default)]
struct Store {
    current: Mutex<Option<Observed>>,
    version: AtomicU64,
    failing: Mutex<HashSet<String>>,
    /// (identity, when the successful write was sent)
    writes: Mutex<Vec<(String, Instant)>>,
}

struct MemoryLock {
    id: String,
    store: Arc<Store>,
    latency: Duration,
}

impl Lock for MemoryLock {
    fn identity(&self) -> &str {
        &self.id
    }

    async fn get(&self) -> Result<Option<Observed>, LockError> {
        tokio::time::sleep(self.latency).await;
        Ok(self.store.current.lock().unwrap().clone())
    }

    async fn create(&self, record: LeaderRecord) -> Result<Observed, LockError> {
        self.write(None, record, true).await
    }

    async fn update(
        &self,
        current: &Observed,
        record: LeaderRecord,
    ) -> Result<Observed, LockError> {
        self.write(Some(current.version.clone()), record, false)
            .await
    }
}

impl MemoryLock {
    async fn write(
        &self,
        expect: Option<String>,
        record: LeaderRecord,
        create: bool,
    ) -> Result<Observed, LockError> {
        let sent = Instant::now();
        tokio::time::sleep(self.latency).await;
        if self.store.failing.lock().unwrap().contains(&self.id) {
            return Err(LockError::Other("injected".into()));
        }
        let mut current = self.store.current.lock().unwrap();
        let ok = match (&*current, create) {
            (None, true) => true,
            (Some(c), false) => Some(&c.version) == expect.as_ref(),
            _ => false,
        };
        if !ok {
            return Err(LockError::Other("conflict".into()));
        }
        let version = self
            .store
            .version
            .fetch_add(1, Ordering::SeqCst)
            .to_string();
        let observed = Observed { record, version };
        *current = Some(observed.clone());
        self.store
            .writes
            .lock()
            .unwrap()
            .push((self.id.clone(), sent));
        Ok(observed)
    }
}

fn elector(store: &Arc<Store>, id: &str) -> Arc<LeaderElector<MemoryLock>> {
    let lock = MemoryLock {
        id: id.into(),
        store: Arc::clone(store),
        latency: Duration::from_millis(50),
    };
    Arc::new(LeaderElector::new(lock, LeaderElectionConfig::default()).unwrap())
}

type Log = Arc<Mutex<Vec<(Instant, String)>>>;

/// Acts every 100 ms while leading.
async fn act(log: Log, id: String) {
    loop {
        log.lock().unwrap().push((Instant::now(), id.clone()));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn defaults_and_invalid_timings() {
    let c = LeaderElectionConfig::default();
    assert_eq!(
        (c.lease_duration, c.renew_deadline, c.retry_period),
        (
            Duration::from_secs(15),
            Duration::from_secs(10),
            Duration::from_secs(2)
        )
    );
    assert_eq!(c.margin(), Duration::from_secs(5));
    let bad = LeaderElectionConfig {
        renew_deadline: Duration::from_secs(15),
        ..c
    };
    let store = Arc::new(Store::default());
    let lock = MemoryLock {
        id: "a".into(),
        store,
        latency: Duration::ZERO,
    };
    assert_eq!(
        LeaderElector::new(lock, bad).err(),
        Some(LeaderElectionError::InvalidConfig(bad))
    );
}

#[tokio::test(start_paused = true)]
async fn a_leader_that_cannot_renew_stops_a_margin_before_the_takeover() {
    let store = Arc::new(Store::default());
    let log: Log = Arc::default();
    let (a, b) = (elector(&store, "a"), elector(&store, "b"));
    let cancel = CancellationToken::new();
    let run_a = tokio::spawn({
        let (a, log, cancel) = (Arc::clone(&a), Arc::clone(&log), cancel.clone());
        async move { a.run(act(log, "a".into()), &cancel).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let run_b = tokio::spawn({
        let (b, log, cancel) = (Arc::clone(&b), Arc::clone(&log), cancel.clone());
        async move { b.run(act(log, "b".into()), &cancel).await }
    });
    tokio::time::sleep(Duration::from_secs(30)).await;
    assert!(log.lock().unwrap().iter().all(|(_, id)| id == "a"));

    store.failing.lock().unwrap().insert("a".into());
    let lost = tokio::time::timeout(Duration::from_secs(60), run_a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(lost, Err(LeaderElectionError::Lost));
    let lost_at = Instant::now();
    let last_sent = store
        .writes
        .lock()
        .unwrap()
        .iter()
        .rev()
        .find(|(id, _)| id == "a")
        .map(|(_, t)| *t)
        .unwrap();
    assert!(
        lost_at <= last_sent + Duration::from_secs(10),
        "stopped late"
    );

    tokio::time::sleep(Duration::from_secs(20)).await;
    let entries = log.lock().unwrap().clone();
    let last_a = entries.iter().rev().find(|(_, id)| id == "a").unwrap().0;
    let first_b = entries.iter().find(|(_, id)| id == "b").unwrap().0;
    assert!(last_a <= last_sent + Duration::from_secs(10));
    assert!(
        first_b >= last_sent + Duration::from_secs(15),
        "took over early"
    );
    assert!(first_b - last_a >= LeaderElectionConfig::default().margin());
    let record = store.current.lock().unwrap().clone().unwrap().record;
    assert_eq!(record.holder(), Some("b"));
    assert_eq!(record.lease_transitions, 1);
    assert_eq!(record.lease_duration_seconds, 15);
    cancel.cancel();
    assert_eq!(run_b.await.unwrap(), Err(LeaderElectionError::Cancelled));
}

#[tokio::test(start_paused = true)]
async fn cancel_releases_so_the_next_candidate_need_not_wait() {
    let store = Arc::new(Store::default());
    let (a, b) = (elector(&store, "a"), elector(&store, "b"));
    let cancel_a = CancellationToken::new();
    let run_a = tokio::spawn({
        let (a, cancel) = (Arc::clone(&a), cancel_a.clone());
        async move { a.run(std::future::pending::<()>(), &cancel).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Arc::new(Mutex::new(None));
    let cancel_b = CancellationToken::new();
    let run_b = tokio::spawn({
        let (b, cancel, started) = (Arc::clone(&b), cancel_b.clone(), Arc::clone(&started));
        async move {
            b.run(
                async move {
                    *started.lock().unwrap() = Some(Instant::now());
                },
                &cancel,
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    let cancelled_at = Instant::now();
    cancel_a.cancel();
    assert_eq!(run_a.await.unwrap(), Err(LeaderElectionError::Cancelled));
    assert_eq!(
        store
            .current
            .lock()
            .unwrap()
            .clone()
            .unwrap()
            .record
            .holder(),
        None
    );
    // B's leading future ran to completion: Ok, and B released in turn.
    assert_eq!(run_b.await.unwrap(), Ok(()));
    let took = started.lock().unwrap().unwrap() - cancelled_at;
    assert!(
        took < Duration::from_secs(3),
        "waited {took:?} after a release"
    );
    let record = store.current.lock().unwrap().clone().unwrap().record;
    assert_eq!(record.holder(), None);
    assert_eq!(record.lease_transitions, 1);
    drop(cancel_b);
}
