//! [`Controller`]: the reconcile loop over an informer and its triggers.
//!
//! The primary informer's changes, its owned objects' changes (mapped by
//! their controller ownerReference) and any watched kind's changes (mapped
//! by a function) put keys on a [`WorkQueue`]; `n` workers take keys and
//! reconcile the cached object. The queue hands a key to one worker at a
//! time, so one object is never reconciled twice at once.
//!
//! ```no_run
//! # async fn demo(client: client_core::RestClient) {
//! use std::sync::Arc;
//! use std::time::Duration;
//! use client_core::api::{ConfigMap, Secret};
//! use client_runtime::controller::{Action, Controller};
//! use client_runtime::informer::{InformerFactory, Namespace};
//!
//! #[derive(Debug, thiserror::Error)]
//! #[error("failed")]
//! struct Error;
//!
//! async fn reconcile(secret: Arc<Secret>, _ctx: Arc<()>) -> Result<Action, Error> {
//!     println!("reconciling {:?}", secret.metadata.name);
//!     Ok(Action::requeue(Duration::from_secs(300)))
//! }
//!
//! let factory = InformerFactory::new(client);
//! let secrets = factory.informer::<Secret>(Namespace::All);
//! let configmaps = factory.informer::<ConfigMap>(Namespace::All);
//! factory.start();
//! Controller::new(secrets)
//!     .owns(configmaps)
//!     .workers(4)
//!     .run(reconcile, |_obj, _err: &Error, _ctx| Action::Backoff, Arc::new(()))
//!     .await;
//! # }
//! ```

mod action;
mod owner;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use client_core::Resource;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::ObjectKey;
use crate::informer::{Informer, Notification};
use crate::workqueue::{QueueMetrics, WorkQueue};

pub use action::Action;
pub use owner::{OwnerError, controller_of, controller_reference, set_controller_reference};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Registers a trigger's handler on its informer; returns how to remove it.
type Trigger = Box<dyn FnOnce(WorkQueue<ObjectKey>) -> Box<dyn FnOnce() + Send> + Send>;

/// A reconcile loop; see the [module docs](self).
pub struct Controller<K> {
    primary: Informer<K>,
    triggers: Vec<Trigger>,
    synced: Vec<BoxFuture>,
    workers: usize,
    metrics: Option<QueueMetrics>,
    shutdown: CancellationToken,
}

impl<K> std::fmt::Debug for Controller<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Controller")
            .field("triggers", &self.triggers.len())
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

/// Adds a handler on `informer` that queues the keys `map` gives; the
/// returned closure removes it.
fn trigger<O, F>(informer: Informer<O>, map: F) -> Trigger
where
    O: Resource,
    F: Fn(&O) -> Vec<ObjectKey> + Send + Sync + 'static,
{
    Box::new(move |queue: WorkQueue<ObjectKey>| {
        let id = informer.add_handler(move |n: &Notification<O>| {
            let mut keys = map(n.object());
            // An update that moved the object between owners triggers both.
            if let Notification::Updated { old, .. } = n {
                keys.extend(map(old));
            }
            for key in keys {
                queue.add(key);
            }
        });
        Box::new(move || {
            informer.remove_handler(id);
        })
    })
}

fn wait_synced<O: Resource>(informer: &Informer<O>) -> BoxFuture {
    let informer = informer.clone();
    Box::pin(async move { informer.wait_for_sync().await })
}

impl<K: Resource> Controller<K> {
    /// A controller of the objects of `primary`: each change of one queues its key.
    pub fn new(primary: Informer<K>) -> Self {
        let synced = vec![wait_synced(&primary)];
        let triggers = vec![trigger(primary.clone(), |o: &K| vec![ObjectKey::of(o)])];
        Self {
            primary,
            triggers,
            synced,
            workers: 1,
            metrics: None,
            shutdown: CancellationToken::new(),
        }
    }

    /// Also reconciles the controller of each changed object of `child`:
    /// the `K` its controller ownerReference names.
    #[must_use]
    pub fn owns<C: Resource>(mut self, child: Informer<C>) -> Self {
        self.synced.push(wait_synced(&child));
        self.triggers.push(trigger(child, |c: &C| {
            controller_of::<K, C>(c).into_iter().collect()
        }));
        self
    }

    /// Also reconciles the keys `mapper` returns for each changed object of `other`.
    #[must_use]
    pub fn watches<O, F>(mut self, other: Informer<O>, mapper: F) -> Self
    where
        O: Resource,
        F: Fn(&O) -> Vec<ObjectKey> + Send + Sync + 'static,
    {
        self.synced.push(wait_synced(&other));
        self.triggers.push(trigger(other, mapper));
        self
    }

    /// How many keys are reconciled concurrently (default 1, at least 1).
    #[must_use]
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = n.max(1);
        self
    }

    /// Records the queue's metrics (its `name` label is the kind's plural).
    #[must_use]
    pub fn metrics(mut self, metrics: &QueueMetrics) -> Self {
        self.metrics = Some(metrics.clone());
        self
    }

    /// Shuts down gracefully when `token` is cancelled.
    #[must_use]
    pub fn graceful_shutdown_on(mut self, token: CancellationToken) -> Self {
        self.shutdown = token;
        self
    }

    /// Shuts down gracefully when `signal` completes (for example
    /// `tokio::signal::ctrl_c()`).
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime (the signal is awaited in a task).
    #[must_use]
    pub fn shutdown_on<S>(self, signal: S) -> Self
    where
        S: Future + Send + 'static,
    {
        let token = self.shutdown.clone();
        tokio::spawn(async move {
            signal.await;
            token.cancel();
        });
        self
    }

    /// Runs until shutdown: waits for every informer to sync, then
    /// reconciles with the configured number of workers. At shutdown it
    /// stops taking keys, lets running reconciles finish, then returns.
    ///
    /// A reconcile's `Ok(action)` resets the key's backoff; an `Err` is
    /// handed to `error_policy`, whose [`Action`] decides the retry.
    /// Keys whose object is no longer cached are dropped.
    pub async fn run<C, F, Fut, E, P>(self, reconcile: F, error_policy: P, ctx: Arc<C>)
    where
        C: Send + Sync + 'static,
        F: Fn(Arc<K>, Arc<C>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Action, E>> + Send + 'static,
        E: std::fmt::Display + Send + 'static,
        P: Fn(Arc<K>, &E, Arc<C>) -> Action + Send + Sync + 'static,
    {
        let mut builder = WorkQueue::builder().name(K::PLURAL);
        if let Some(m) = &self.metrics {
            builder = builder.metrics(m);
        }
        let queue = builder.build();
        let removers: Vec<_> = self
            .triggers
            .into_iter()
            .map(|register| register(queue.clone()))
            .collect();
        let shutdown = self.shutdown;
        let all_synced = futures_util::future::join_all(self.synced);
        let synced = tokio::select! {
            () = shutdown.cancelled() => false,
            _ = all_synced => true,
        };
        if synced {
            let reconcile = Arc::new(reconcile);
            let error_policy = Arc::new(error_policy);
            let mut workers = JoinSet::new();
            for _ in 0..self.workers {
                workers.spawn(worker(
                    queue.clone(),
                    self.primary.clone(),
                    Arc::clone(&reconcile),
                    Arc::clone(&error_policy),
                    Arc::clone(&ctx),
                    shutdown.clone(),
                ));
            }
            while workers.join_next().await.is_some() {}
        }
        queue.shut_down();
        for remove in removers {
            remove();
        }
    }
}

async fn worker<K, C, F, Fut, E, P>(
    queue: WorkQueue<ObjectKey>,
    primary: Informer<K>,
    reconcile: Arc<F>,
    error_policy: Arc<P>,
    ctx: Arc<C>,
    shutdown: CancellationToken,
) where
    K: Resource,
    F: Fn(Arc<K>, Arc<C>) -> Fut,
    Fut: Future<Output = Result<Action, E>>,
    E: std::fmt::Display,
    P: Fn(Arc<K>, &E, Arc<C>) -> Action,
{
    loop {
        let key = tokio::select! {
            biased;
            () = shutdown.cancelled() => return,
            key = queue.get() => match key {
                Some(key) => key,
                None => return,
            },
        };
        let Some(obj) = primary.store().get(&key) else {
            queue.forget(&key);
            queue.done(&key);
            continue;
        };
        let action = match reconcile(Arc::clone(&obj), Arc::clone(&ctx)).await {
            Ok(action) => {
                queue.forget(&key);
                action
            }
            Err(error) => {
                tracing::warn!(%key, %error, "reconcile failed");
                error_policy(obj, &error, Arc::clone(&ctx))
            }
        };
        match action {
            Action::RequeueAfter(after) => queue.add_after(key.clone(), after),
            Action::AwaitChange => {}
            Action::Backoff => queue.add_rate_limited(key.clone()),
        }
        queue.done(&key);
    }
}

#[cfg(test)]
mod tests;
