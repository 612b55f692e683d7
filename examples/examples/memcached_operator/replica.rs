//! One replica of the operator: a shared informer factory, the controller,
//! and leader election around the controller.
//!
//! The informers start (and their caches fill) whether or not this replica
//! leads, as controller-runtime's do, so a follower that takes over
//! reconciles at once. Only the controller runs under the Lease.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use client_core::RestClient;
use client_core::k8s::api::apps::v1::Deployment;
use client_core::k8s::api::core::v1::{Pod, Service};
use client_runtime::CancellationToken;
use client_runtime::controller::Controller;
use client_runtime::events::{Recorder, Reporter};
use client_runtime::informer::{InformerFactory, Namespace, Selectors};
use client_runtime::leader_election::{
    LeaderElectionConfig, LeaderElectionError, LeaderElector, LeaseLock,
};

use crate::crd::Memcached;
use crate::metrics::Metrics;
use crate::reconcile::{APP_LABEL, Ctx, error_policy, owner_of_pod, reconcile};

/// The Lease every replica competes for.
pub const LEASE: &str = "memcached-operator";
/// The controller name in Events' `reportingController`.
const CONTROLLER: &str = "cache.example.com/memcached-operator";
/// How long a leader asked to stop may finish its running reconciles.
const GRACE: Duration = Duration::from_secs(10);

/// Who this replica is and what it watches.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The namespace watched; `None` for all of them.
    pub namespace: Option<String>,
    /// This replica's identity in the Lease and in Events.
    pub identity: String,
    /// The election's timings.
    pub election: LeaderElectionConfig,
}

impl Settings {
    /// Where the Lease lives: the watched namespace, or `default`.
    pub fn lease_namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

/// Sets the leader gauge to 1 while alive and back to 0 when dropped, so
/// losing the Lease (which drops the leading future) resets it too.
struct Leading<'a> {
    metrics: &'a Metrics,
    flag: &'a AtomicBool,
}

impl<'a> Leading<'a> {
    fn start(metrics: &'a Metrics, flag: &'a AtomicBool) -> Self {
        metrics.set_leader(LEASE, true);
        flag.store(true, Ordering::SeqCst);
        Self { metrics, flag }
    }
}

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        self.metrics.set_leader(LEASE, false);
        self.flag.store(false, Ordering::SeqCst);
    }
}

/// Runs the replica until `stop` fires (then `Ok`) or leadership is lost.
///
/// A leader asked to stop stops taking keys, finishes its reconciles (at
/// most [`GRACE`]) and releases the Lease; a follower stops at once.
///
/// # Errors
///
/// [`LeaderElectionError::InvalidConfig`] for timings the elector refuses;
/// [`LeaderElectionError::Lost`] when the Lease was lost: a replica that
/// lost it must exit (as controller-runtime's managers do), since another
/// may already act.
pub async fn run(
    client: RestClient,
    settings: Settings,
    metrics: &Metrics,
    stop: CancellationToken,
) -> Result<(), LeaderElectionError> {
    let lock = LeaseLock::new(
        client.clone(),
        settings.lease_namespace(),
        LEASE,
        settings.identity.clone(),
    );
    let elector = LeaderElector::new(lock, settings.election)?;
    metrics.set_leader(LEASE, false);

    let namespace = settings
        .namespace
        .clone()
        .map_or(Namespace::All, |ns| Namespace::named(&ns));
    let ours = Selectors {
        labels: Some(format!("{}={}", APP_LABEL.0, APP_LABEL.1)),
        fields: None,
    };
    let factory = InformerFactory::new(client.clone());
    let memcacheds = factory.informer::<Memcached>(namespace.clone());
    let deployments = factory.informer_with::<Deployment>(namespace.clone(), ours.clone());
    let services = factory.informer_with::<Service>(namespace.clone(), ours.clone());
    let pods = factory.informer_with::<Pod>(namespace, ours);
    let ctx = Arc::new(Ctx {
        client: client.clone(),
        deployments: deployments.lister(),
        services: services.lister(),
        pods: pods.lister(),
        recorder: Recorder::new(
            client,
            Reporter {
                controller: CONTROLLER.to_owned(),
                instance: settings.identity.clone(),
            },
        ),
        identity: settings.identity.clone(),
    });
    factory.start();

    let leading_flag = AtomicBool::new(false);
    let leading = async {
        let _leading = Leading::start(metrics, &leading_flag);
        println!("[{}] leads Lease {LEASE}: reconciling", settings.identity);
        Controller::new(memcacheds)
            .owns(deployments)
            .owns(services)
            .watches(pods, owner_of_pod)
            .workers(2)
            .metrics(&metrics.queue)
            .graceful_shutdown_on(stop.clone())
            .run(reconcile, error_policy, ctx)
            .await;
    };
    // The elector's own token: a follower is cancelled at once, a leader
    // only if its graceful shutdown outlasts GRACE.
    let cancel = CancellationToken::new();
    let canceller = {
        let (stop, cancel) = (stop.clone(), cancel.clone());
        let leading_flag = &leading_flag;
        async move {
            stop.cancelled().await;
            if leading_flag.load(Ordering::SeqCst) {
                tokio::time::sleep(GRACE).await;
            }
            cancel.cancel();
            std::future::pending::<()>().await;
        }
    };
    let outcome = tokio::select! {
        outcome = elector.run(leading, &cancel) => outcome,
        // Never taken: the canceller only ever waits.
        () = canceller => Err(LeaderElectionError::Cancelled),
    };
    factory.shutdown();
    match outcome {
        Ok(()) | Err(LeaderElectionError::Cancelled) => {
            println!("[{}] stopped", settings.identity);
            Ok(())
        }
        Err(error) => Err(error),
    }
}
