//! Leader election end to end: two candidates on the embedded server, the
//! leader's lease renewals failing by injected faults, 20 forced failovers.
//! A shared log of leader-only actions must never show two leaders at once,
//! and each takeover must come at least the margin after the old leader's
//! last action.
//!
//! The server runs on real time, so the timings are short (lease 600 ms,
//! renew deadline 400 ms, retry 100 ms: margin 200 ms; the Lease records
//! whole seconds, so a follower waits max(600 ms, 1 s)); the same property
//! at kube-controller-manager's timings runs on a paused clock in the
//! crate's unit tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::api::Lease;
use client_core::{GetOptions, TypedClient};
use client_runtime::CancellationToken;
use client_runtime::leader_election::{
    LeaderElectionConfig, LeaderElectionError, LeaderElector, LeaseLock,
};
use client_testserver::{Fault, FaultAction};
use support::within;
use tokio::sync::mpsc;
use tokio::time::Instant;

const CONFIG: LeaderElectionConfig = LeaderElectionConfig {
    lease_duration: Duration::from_millis(600),
    renew_deadline: Duration::from_millis(400),
    retry_period: Duration::from_millis(100),
};
const FAILOVERS: usize = 20;

type Log = Arc<Mutex<Vec<(Instant, String)>>>;

/// Acts every 10 ms while leading.
async fn act(log: Log, id: String) {
    loop {
        log.lock().unwrap().push((Instant::now(), id.clone()));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Runs for leadership again and again; reports each loss.
async fn candidate(
    elector: LeaderElector<LeaseLock>,
    id: String,
    log: Log,
    lost: mpsc::UnboundedSender<String>,
    cancel: CancellationToken,
) {
    loop {
        match elector
            .run(act(Arc::clone(&log), id.clone()), &cancel)
            .await
        {
            Err(LeaderElectionError::Lost) => {
                lost.send(id.clone()).unwrap();
                // Sit out until the other candidate took over: otherwise the
                // deposed one, still named in the lease, renews it at once.
                while current_leader(&log).as_deref() == Some(id.as_str()) {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
            Err(LeaderElectionError::Cancelled) => return,
            other => panic!("unexpected end of leadership: {other:?}"),
        }
    }
}

fn current_leader(log: &Log) -> Option<String> {
    log.lock().unwrap().last().map(|(_, id)| id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_failovers_never_show_two_leaders() {
    within(Duration::from_secs(120), async {
        let (server, _) = support::server().await;
        let log: Log = Arc::default();
        let cancel = CancellationToken::new();
        let (lost_tx, mut lost_rx) = mpsc::unbounded_channel();
        let mut tasks = Vec::new();
        for id in ["a", "b"] {
            let lock = LeaseLock::new(support::unthrottled(&server), "default", "failover", id);
            let elector = LeaderElector::new(lock, CONFIG).unwrap();
            tasks.push(tokio::spawn(candidate(
                elector,
                id.into(),
                Arc::clone(&log),
                lost_tx.clone(),
                cancel.clone(),
            )));
        }

        let mut previous: Option<String> = None;
        for _ in 0..FAILOVERS {
            // Wait for a leader other than the one just deposed.
            let leader = loop {
                if let Some(l) = current_leader(&log).filter(|l| Some(l) != previous.as_ref()) {
                    break l;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            server.faults().add(
                Fault::new(FaultAction::Status {
                    code: 500,
                    retry_after_seconds: None,
                })
                .verb("update")
                .resource("leases"),
            );
            // A loss the fault did not cause (a slow renewal on a loaded
            // machine) may be queued before this one: skip it.
            while lost_rx.recv().await.unwrap() != leader {}
            server.faults().clear();
            previous = Some(leader);
        }
        // The last failover completes.
        while current_leader(&log) == previous {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        cancel.cancel();
        for t in tasks {
            t.await.unwrap();
        }

        let mut entries = log.lock().unwrap().clone();
        entries.sort_by_key(|(t, _)| *t);
        let mut terms: Vec<(String, Instant, Instant)> = Vec::new();
        for (t, id) in entries {
            match terms.last_mut() {
                Some((holder, _, end)) if *holder == id => *end = t,
                _ => terms.push((id, t, t)),
            }
        }
        assert!(terms.len() > FAILOVERS, "{} terms", terms.len());
        for pair in terms.windows(2) {
            let ((a, _, a_end), (b, b_start, _)) = (&pair[0], &pair[1]);
            assert_ne!(a, b);
            let gap = *b_start - *a_end;
            assert!(
                gap >= CONFIG.margin(),
                "{b} acted {gap:?} after {a}'s last action (margin {:?})",
                CONFIG.margin()
            );
        }

        let leases = TypedClient::<Lease>::namespaced(support::unthrottled(&server), "default");
        let lease = leases
            .get("failover", &GetOptions::default())
            .await
            .unwrap();
        let spec = lease.spec.unwrap();
        // Released on cancel; every takeover counted.
        assert_eq!(spec.holder_identity, None);
        let transitions = usize::try_from(spec.lease_transitions.unwrap()).unwrap();
        assert!(transitions >= FAILOVERS, "{transitions} transitions");
    })
    .await;
}
