//! A simulated cluster inside the server (opt-in): the garbage collector,
//! the workload controllers, nodes, a scheduler and a kubelet. Each is an
//! ordinary client of the store: it watches (through the dispatcher that
//! feeds `cache`), then writes through `Backend` under its own field
//! manager (`api`), exactly as a request over HTTP would.
//!
//! | module | controller | field manager |
//! |---|---|---|
//! | `gc.rs` | garbage collector: dangling owners, `foregroundDeletion`, `orphan` | `garbage-collector` |
//! | `deployment.rs` | Deployment → ReplicaSets, rolling update, status and conditions | `deployment-controller` |
//! | `replicaset.rs` | ReplicaSet → Pods | `replicaset-controller` |
//! | `statefulset.rs` | StatefulSet → ordered Pods with stable names | `statefulset-controller` |
//! | `daemonset.rs` | DaemonSet → one Pod per eligible node | `daemonset-controller` |
//! | `job.rs` | Job → Pods, `succeeded`/`failed`, `Complete`/`Failed`, backoffLimit | `job-controller` |
//! | `cronjob.rs` | CronJob → Jobs on schedule, history limits | `cronjob-controller` |
//! | `endpointslice.rs` | Service → EndpointSlice of matching pods with an IP | `endpointslice-controller` |
//! | `nodes.rs` | registers the simulated Ready nodes | `node-controller` |
//! | `scheduler.rs` | binds pending pods through `pods/binding`, or says why not | `kube-scheduler` |
//! | `kubelet.rs` | pod phases, conditions, container statuses, IPs | `kubelet` |
//!
//! `runner.rs` starts them, `queue.rs` is their work queue, `clock.rs`
//! the clock every delay comes from, `cron.rs` the schedule grammar,
//! `quantity.rs` resource quantities.

mod api;
mod cache;
mod clock;
mod controller;
mod cron;
mod cronjob;
mod daemonset;
mod deployment;
mod endpointslice;
mod gc;
mod job;
mod kubelet;
mod nodes;
mod objects;
mod quantity;
mod queue;
mod replicaset;
pub(crate) mod runner;
mod scheduler;
mod statefulset;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// The label that makes a pod fail (any value), unless
/// [`Simulation::fail_pods_labelled`] picks another.
pub const FAIL_LABEL: &str = "simulation.testserver.io/fail";

/// How the containers of a Job's pods end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum JobOutcome {
    /// Exit code 0: the pod `Succeeded`.
    #[default]
    Succeed,
    /// Exit code 1: the pod `Failed`.
    Fail,
}

/// A node taint (`key=value:effect`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taint {
    /// The taint's key.
    pub key: String,
    /// Its value (may be empty).
    pub value: String,
    /// `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: String,
}

/// The simulated cluster's settings, builder style. The default: two
/// Ready nodes of 4 CPUs, 16 GiB and 110 pods each, pods Running as soon
/// as they are bound, Job pods succeeding at once, the real clock.
///
/// ```no_run
/// # async fn demo() -> Result<(), client_testserver::StartError> {
/// use std::time::Duration;
/// use client_testserver::{Simulation, TestServer};
/// let server = TestServer::builder()
///     .simulate(
///         Simulation::default()
///             .nodes(3)
///             .node_label("topology.kubernetes.io/zone", "a")
///             .pod_startup_delay(Duration::from_millis(50))
///             .job_pod_duration(Duration::from_millis(100)),
///     )
///     .start()
///     .await?;
/// # let _ = server; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) nodes: usize,
    pub(crate) node_cpu: String,
    pub(crate) node_memory: String,
    pub(crate) node_pods: u32,
    pub(crate) node_labels: BTreeMap<String, String>,
    pub(crate) node_taints: Vec<Taint>,
    pub(crate) pod_startup: Duration,
    pub(crate) job_pod_duration: Duration,
    pub(crate) job_outcome: JobOutcome,
    pub(crate) fail_label: (String, Option<String>),
    pub(crate) start_time: Option<SystemTime>,
}

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            nodes: 2,
            node_cpu: "4".into(),
            node_memory: "16Gi".into(),
            node_pods: 110,
            node_labels: BTreeMap::new(),
            node_taints: Vec::new(),
            pod_startup: Duration::ZERO,
            job_pod_duration: Duration::ZERO,
            job_outcome: JobOutcome::Succeed,
            fail_label: (FAIL_LABEL.to_string(), None),
            start_time: None,
        }
    }
}

impl Simulation {
    /// How many nodes to register (`sim-node-0`, `sim-node-1`, ...).
    pub fn nodes(mut self, n: usize) -> Self {
        self.nodes = n;
        self
    }

    /// Each node's capacity and allocatable: CPU and memory as quantities
    /// (`"4"`, `"16Gi"`) and the pod count.
    pub fn node_capacity(
        mut self,
        cpu: impl Into<String>,
        memory: impl Into<String>,
        pods: u32,
    ) -> Self {
        self.node_cpu = cpu.into();
        self.node_memory = memory.into();
        self.node_pods = pods;
        self
    }

    /// A label every node carries (besides `kubernetes.io/hostname`,
    /// `kubernetes.io/os` and `kubernetes.io/arch`).
    pub fn node_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.node_labels.insert(key.into(), value.into());
        self
    }

    /// A taint every node carries.
    pub fn node_taint(
        mut self,
        key: impl Into<String>,
        value: impl Into<String>,
        effect: impl Into<String>,
    ) -> Self {
        self.node_taints.push(Taint {
            key: key.into(),
            value: value.into(),
            effect: effect.into(),
        });
        self
    }

    /// How long a bound pod stays `Pending` before it is `Running` and
    /// Ready (default zero).
    pub fn pod_startup_delay(mut self, d: Duration) -> Self {
        self.pod_startup = d;
        self
    }

    /// How long a Job's pod runs before it ends (default zero).
    pub fn job_pod_duration(mut self, d: Duration) -> Self {
        self.job_pod_duration = d;
        self
    }

    /// How a Job's pods end (default [`JobOutcome::Succeed`]).
    pub fn job_outcome(mut self, outcome: JobOutcome) -> Self {
        self.job_outcome = outcome;
        self
    }

    /// Pods carrying label `key` (with `value`, or any value when `None`)
    /// fail: a Job's pod ends `Failed`, any other pod runs with its
    /// containers in `CrashLoopBackOff`, never Ready. The default is
    /// [`FAIL_LABEL`] with any value.
    pub fn fail_pods_labelled(mut self, key: impl Into<String>, value: Option<&str>) -> Self {
        self.fail_label = (key.into(), value.map(str::to_string));
        self
    }

    /// The simulated wall time at start (default: the system time); it then
    /// advances with tokio's clock, so CronJob schedules can be tested
    /// without waiting for a real minute, and on paused time.
    pub fn start_time(mut self, t: SystemTime) -> Self {
        self.start_time = Some(t);
        self
    }

    /// Whether pod `labels` ask it to fail.
    pub(crate) fn fails(
        &self,
        labels: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> bool {
        let (key, want) = &self.fail_label;
        match labels.and_then(|l| l.get(key)).and_then(|v| v.as_str()) {
            None => false,
            Some(v) => want.as_deref().is_none_or(|w| w == v),
        }
    }
}
