//! Starts the simulation: the dispatcher that feeds the cache from the
//! store's events and hands keys to the controllers' queues, and one task
//! per controller. Dropping the [`Running`] handle stops them all (the
//! `TestServer` holds it).
//!
//! Nothing polls: the dispatcher sleeps on the store's change signal, a
//! controller on its queue, and timers exist only for pending delays.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::registry::Backend;
use crate::registry::backend::parse;
use crate::simulation::Simulation;
use crate::simulation::api::Api;
use crate::simulation::cache::{Cache, Change};
use crate::simulation::clock::Clock;
use crate::simulation::controller::{Controller, Ctx};
use crate::simulation::queue::Queue;
use crate::storage::store::EventType;

/// The running simulation; its tasks end when this is dropped.
pub(crate) struct Running {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Hands a change to one controller's queue.
trait Route: Send + Sync {
    fn offer(&self, change: &Change, cache: &Cache);
}

struct Routed<K> {
    watches: &'static [&'static str],
    map: fn(&Change, &Cache, &mut Vec<K>),
    queue: Queue<K>,
}

impl<K: Eq + std::hash::Hash + Clone + Send + Sync + 'static> Route for Routed<K> {
    fn offer(&self, change: &Change, cache: &Cache) {
        if !self.watches.is_empty() && !self.watches.contains(&change.resource.as_ref()) {
            return;
        }
        let mut keys = Vec::new();
        (self.map)(change, cache, &mut keys);
        for k in keys {
            self.queue.add(k);
        }
    }
}

/// What the tasks share.
struct Shared {
    backend: Backend,
    cache: Arc<RwLock<Cache>>,
    /// The last resourceVersion the cache reflects.
    seen: watch::Sender<u64>,
    clock: Clock,
    config: Arc<Simulation>,
}

impl Shared {
    /// Waits until the cache reflects every write made so far, so the next
    /// reconcile reads its own writes.
    async fn catch_up(&self) {
        let rv = self.backend.store.current_rv();
        let mut rx = self.seen.subscribe();
        let _ = rx.wait_for(|s| *s >= rv).await;
    }
}

/// Starts the simulation on `backend`.
pub(crate) fn start(backend: Backend, config: Simulation) -> Running {
    let clock = Clock::starting_at(config.start_time);
    let shared = Arc::new(Shared {
        backend,
        cache: Arc::new(RwLock::new(Cache::default())),
        seen: watch::channel(0).0,
        clock,
        config: Arc::new(config),
    });
    let mut routes: Vec<Box<dyn Route>> = Vec::new();
    let mut tasks = Vec::new();
    use crate::simulation as s;
    spawn(&shared, s::nodes::NodeController, &mut routes, &mut tasks);
    spawn(&shared, s::scheduler::Scheduler, &mut routes, &mut tasks);
    spawn(
        &shared,
        s::kubelet::Kubelet::default(),
        &mut routes,
        &mut tasks,
    );
    spawn(
        &shared,
        s::replicaset::ReplicaSetController,
        &mut routes,
        &mut tasks,
    );
    spawn(
        &shared,
        s::deployment::DeploymentController,
        &mut routes,
        &mut tasks,
    );
    spawn(
        &shared,
        s::statefulset::StatefulSetController,
        &mut routes,
        &mut tasks,
    );
    spawn(
        &shared,
        s::daemonset::DaemonSetController,
        &mut routes,
        &mut tasks,
    );
    spawn(&shared, s::job::JobController, &mut routes, &mut tasks);
    spawn(
        &shared,
        s::cronjob::CronJobController,
        &mut routes,
        &mut tasks,
    );
    spawn(
        &shared,
        s::endpointslice::EndpointSliceController,
        &mut routes,
        &mut tasks,
    );
    spawn(&shared, s::gc::GarbageCollector, &mut routes, &mut tasks);
    // The initial list runs before this task returns, so the first
    // controller reads a full cache.
    let rx = shared.backend.store.subscribe();
    relist(&shared, &routes);
    tasks.push(tokio::spawn(dispatch(shared, routes, rx)));
    Running { tasks }
}

fn spawn<C: Controller>(
    shared: &Arc<Shared>,
    mut controller: C,
    routes: &mut Vec<Box<dyn Route>>,
    tasks: &mut Vec<JoinHandle<()>>,
) {
    let queue: Queue<C::Key> = Queue::new();
    routes.push(Box::new(Routed {
        watches: C::WATCHES,
        map: C::keys,
        queue: queue.clone(),
    }));
    let shared = shared.clone();
    tasks.push(tokio::spawn(async move {
        let cx = Ctx {
            api: Api::new(shared.backend.clone(), C::MANAGER),
            cache: shared.cache.clone(),
            clock: shared.clock.clone(),
            config: shared.config.clone(),
        };
        shared.catch_up().await;
        if let Err(e) = controller.start(&cx) {
            tracing::warn!(manager = C::MANAGER, error = %e.message, "simulation: start failed");
        }
        loop {
            let key = queue.next().await;
            match controller.reconcile(&key, &cx) {
                Ok(None) => {}
                Ok(Some(after)) => queue.add_after(key, after, &cx.clock),
                Err(e) if e.code == 409 || e.code >= 500 || e.code == 429 => {
                    tracing::debug!(manager = C::MANAGER, ?key, error = %e.message, "simulation: retry");
                    queue.add_after(key, retry_delay(e.code), &cx.clock);
                }
                Err(e) => {
                    tracing::warn!(manager = C::MANAGER, ?key, error = %e.message, "simulation: reconcile failed");
                }
            }
            shared.catch_up().await;
        }
    }));
}

/// A conflict is retried as soon as the cache has the newer object; a
/// server error after a pause.
fn retry_delay(code: u16) -> Duration {
    if code == 409 {
        Duration::ZERO
    } else {
        Duration::from_millis(200)
    }
}

/// Feeds the cache from the store's event history, in order; relists when
/// the history no longer reaches back far enough.
async fn dispatch(shared: Arc<Shared>, routes: Vec<Box<dyn Route>>, mut rx: watch::Receiver<u64>) {
    loop {
        let last = *shared.seen.borrow();
        match shared.backend.store.events_since(last) {
            Ok(events) => {
                let Some(newest) = events.last().map(|e| e.rv) else {
                    if rx.changed().await.is_err() {
                        return;
                    }
                    continue;
                };
                for ev in &events {
                    let obj = Arc::new(parse(&ev.object));
                    let prev = ev.prev.as_ref().map(|p| Arc::new(parse(p)));
                    let deleted = ev.kind == EventType::Deleted;
                    let change = Change {
                        resource: ev.resource.clone(),
                        obj: obj.clone(),
                        prev,
                        deleted,
                    };
                    offer(&shared, &routes, &change, &ev.key, deleted);
                }
                shared.seen.send_replace(newest);
            }
            Err(compacted) => {
                tracing::debug!(
                    last,
                    compacted,
                    "simulation: the history moved past the cache; relisting"
                );
                relist(&shared, &routes);
            }
        }
    }
}

fn offer(
    shared: &Shared,
    routes: &[Box<dyn Route>],
    change: &Change,
    key: &crate::storage::store::ObjectKey,
    deleted: bool,
) {
    {
        let mut cache = shared.cache.write().unwrap_or_else(|e| e.into_inner());
        let now = (!deleted).then(|| change.obj.clone());
        cache.apply(&change.resource, key, now, Some(&change.obj));
    }
    let cache = shared.cache.read().unwrap_or_else(|e| e.into_inner());
    for r in routes {
        r.offer(change, &cache);
    }
}

/// Rebuilds the cache from a consistent read of every served resource and
/// offers every object to every controller (a full resync).
fn relist(shared: &Shared, routes: &[Box<dyn Route>]) {
    let store = &shared.backend.store;
    loop {
        let rv = store.current_rv();
        let mut objects: Vec<(Arc<str>, crate::storage::store::ObjectKey, Value)> = Vec::new();
        let mut complete = true;
        for kind in shared.backend.registry.all() {
            let resource: Arc<str> = Arc::from(kind.resource());
            match store.page(&resource, None, Some(rv), None, None, |_| true) {
                Ok((page, _)) => {
                    objects.extend(
                        page.items
                            .into_iter()
                            .map(|(k, b)| (resource.clone(), k, parse(&b))),
                    );
                }
                Err(_) => {
                    complete = false;
                    break;
                }
            }
        }
        if !complete {
            continue;
        }
        shared
            .cache
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        for (resource, key, obj) in objects {
            let change = Change {
                resource,
                obj: Arc::new(obj),
                prev: None,
                deleted: false,
            };
            offer(shared, routes, &change, &key, false);
        }
        shared.seen.send_replace(rv);
        return;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::registry::Registry;
    use crate::simulation::objects::condition_true;
    use crate::storage::store::{DEFAULT_HISTORY_BYTES, Store};
    use serde_json::json;

    fn backend() -> Backend {
        let backend = Backend {
            store: Store::bounded(10_000, DEFAULT_HISTORY_BYTES),
            registry: Registry::with_builtins(),
        };
        let ns = backend.registry.by_resource("", "namespaces").unwrap();
        backend
            .create(
                &ns,
                "v1",
                None,
                json!({"metadata": {"name": "default"}}),
                false,
            )
            .unwrap();
        backend
    }

    fn jobs(b: &Backend) -> Vec<Value> {
        let kind = b.registry.by_resource("batch", "jobs").unwrap();
        let page = b
            .list(&kind, &crate::registry::read::ListRequest::default())
            .unwrap();
        page.items.iter().map(parse).collect()
    }

    /// The whole simulation on tokio's paused clock: ten simulated minutes
    /// of a `*/5` CronJob pass in no real time, and make two Jobs that
    /// run to completion on the simulated nodes.
    #[tokio::test(start_paused = true)]
    async fn cronjobs_run_on_paused_time() {
        let b = backend();
        let _running = start(b.clone(), Simulation::default());
        let api = Api::new(b.clone(), "test");
        api.create(
            "cronjobs.batch",
            json!({"apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "tick", "namespace": "default"},
                "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                    "restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}}}}}),
        )
        .unwrap();
        let real = std::time::Instant::now();
        tokio::time::sleep(Duration::from_secs(10 * 60 + 1)).await;
        let made = jobs(&b);
        assert_eq!(made.len(), 2, "{made:?}");
        let minutes: Vec<i64> = made
            .iter()
            .map(|j| {
                let name = j["metadata"]["name"].as_str().unwrap();
                name.trim_start_matches("tick-").parse().unwrap()
            })
            .collect();
        assert_eq!(minutes[1] - minutes[0], 5);
        assert!(minutes.iter().all(|m| m % 5 == 0));
        for j in &made {
            assert!(condition_true(j, "Complete"), "{j}");
        }
        assert!(
            real.elapsed() < Duration::from_secs(5),
            "paused time, not real"
        );
    }
}
