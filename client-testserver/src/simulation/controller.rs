//! The shape every simulated controller has: the resources it watches, how
//! a change maps to its keys, and a synchronous reconcile of one key that
//! may ask to be called again after a delay (from the clock).

use std::fmt::Debug;
use std::hash::Hash;
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use crate::error::ApiError;
use crate::simulation::Simulation;
use crate::simulation::api::Api;
use crate::simulation::cache::{Cache, Change};
use crate::simulation::clock::Clock;

/// What a reconcile needs: its client, the shared view, the clock and the
/// simulation's settings.
pub(crate) struct Ctx {
    /// The controller's client (its own field manager).
    pub api: Api,
    /// The cache the dispatcher keeps.
    pub cache: Arc<RwLock<Cache>>,
    /// The clock.
    pub clock: Clock,
    /// The settings.
    pub config: Arc<Simulation>,
}

impl Ctx {
    /// A read view of the cache (never held across `.await`).
    pub(crate) fn cache(&self) -> RwLockReadGuard<'_, Cache> {
        self.cache.read().unwrap_or_else(|e| e.into_inner())
    }
}

/// A simulated controller.
pub(crate) trait Controller: Send + 'static {
    /// What it reconciles (an object's namespace and name, or a UID).
    type Key: Eq + Hash + Clone + Debug + Send + Sync + 'static;

    /// Its field manager, e.g. `deployment-controller`.
    const MANAGER: &'static str;

    /// The group-resources whose changes it hears (empty: every one).
    const WATCHES: &'static [&'static str];

    /// The keys a change makes due, pushed onto `out`.
    fn keys(change: &Change, cache: &Cache, out: &mut Vec<Self::Key>);

    /// Work to do once at start (the node controller registers nodes).
    ///
    /// # Errors
    /// A failed write.
    fn start(&mut self, _cx: &Ctx) -> Result<(), ApiError> {
        Ok(())
    }

    /// Brings `key` towards its desired state; `Ok(Some(d))` asks to be
    /// called again after `d` of the clock's time.
    ///
    /// # Errors
    /// A failed write; conflicts and server errors are retried.
    fn reconcile(&mut self, key: &Self::Key, cx: &Ctx) -> Result<Option<Duration>, ApiError>;
}
