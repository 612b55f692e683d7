//! Queue metrics in Prometheus form, named as client-go's workqueue
//! metrics are, so existing dashboards read them.
//!
//! Register once per [`Registry`], then hand [`QueueMetrics`] to every
//! queue; each queue's series carry its `name` label.

use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

type Labels = Vec<(String, String)>;
type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // client-go's buckets: 10 ns to 10 s, by factors of ten.
    Histogram::new(exponential_buckets(1e-8, 10.0, 10))
}

/// The workqueue metric families, registered in one registry; cheap to clone.
///
/// ```
/// use prometheus_client::registry::Registry;
/// use client_runtime::workqueue::{QueueMetrics, WorkQueue};
///
/// let mut registry = Registry::default();
/// let metrics = QueueMetrics::register(&mut registry);
/// let queue = WorkQueue::<String>::builder().name("configmaps").metrics(&metrics).build();
/// queue.add("a".to_string());
/// let mut text = String::new();
/// prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
/// assert!(text.contains(r#"workqueue_depth{name="configmaps"} 1"#));
/// ```
#[derive(Clone, Debug)]
pub struct QueueMetrics {
    depth: Family<Labels, Gauge>,
    adds: Family<Labels, Counter>,
    queue_duration: HistogramFamily,
    work_duration: HistogramFamily,
    unfinished_work: Family<Labels, Gauge<f64, AtomicU64>>,
    longest_running: Family<Labels, Gauge<f64, AtomicU64>>,
    retries: Family<Labels, Counter>,
}

impl QueueMetrics {
    /// Registers the families in `registry`, under client-go's names
    /// (`workqueue_depth`, `workqueue_adds_total`, ...).
    pub fn register(registry: &mut Registry) -> Self {
        let metrics = Self {
            depth: Family::default(),
            adds: Family::default(),
            queue_duration: Family::new_with_constructor(latency_histogram),
            work_duration: Family::new_with_constructor(latency_histogram),
            unfinished_work: Family::default(),
            longest_running: Family::default(),
            retries: Family::default(),
        };
        registry.register(
            "workqueue_depth",
            "Current depth of workqueue",
            metrics.depth.clone(),
        );
        registry.register(
            "workqueue_adds",
            "Total number of adds handled by workqueue",
            metrics.adds.clone(),
        );
        registry.register(
            "workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested",
            metrics.queue_duration.clone(),
        );
        registry.register(
            "workqueue_work_duration_seconds",
            "How long in seconds processing an item from workqueue takes",
            metrics.work_duration.clone(),
        );
        registry.register(
            "workqueue_unfinished_work_seconds",
            "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
            metrics.unfinished_work.clone(),
        );
        registry.register(
            "workqueue_longest_running_processor_seconds",
            "How many seconds has the longest running processor for workqueue been running",
            metrics.longest_running.clone(),
        );
        registry.register(
            "workqueue_retries",
            "Total number of retries handled by workqueue",
            metrics.retries.clone(),
        );
        metrics
    }

    pub(crate) fn for_queue(&self, name: &str) -> NamedMetrics {
        let labels = vec![("name".to_owned(), name.to_owned())];
        NamedMetrics {
            depth: self.depth.get_or_create_owned(&labels),
            adds: self.adds.get_or_create_owned(&labels),
            queue_duration: self.queue_duration.get_or_create_owned(&labels),
            work_duration: self.work_duration.get_or_create_owned(&labels),
            unfinished_work: self.unfinished_work.get_or_create_owned(&labels),
            longest_running: self.longest_running.get_or_create_owned(&labels),
            retries: self.retries.get_or_create_owned(&labels),
        }
    }
}

/// One queue's series.
#[derive(Clone, Debug)]
pub(crate) struct NamedMetrics {
    depth: Gauge,
    adds: Counter,
    queue_duration: Histogram,
    work_duration: Histogram,
    unfinished_work: Gauge<f64, AtomicU64>,
    longest_running: Gauge<f64, AtomicU64>,
    retries: Counter,
}

impl NamedMetrics {
    pub(crate) fn added(&self) {
        self.adds.inc();
    }

    pub(crate) fn depth(&self, depth: usize) {
        self.depth.set(i64::try_from(depth).unwrap_or(i64::MAX));
    }

    pub(crate) fn waited(&self, d: Duration) {
        self.queue_duration.observe(d.as_secs_f64());
    }

    pub(crate) fn worked(&self, d: Duration) {
        self.work_duration.observe(d.as_secs_f64());
    }

    pub(crate) fn retried(&self) {
        self.retries.inc();
    }

    /// Sets the in-progress gauges from the running items' ages.
    pub(crate) fn running(&self, ages: impl Iterator<Item = Duration>) {
        let (mut total, mut longest) = (0.0, 0.0f64);
        for age in ages {
            total += age.as_secs_f64();
            longest = longest.max(age.as_secs_f64());
        }
        self.unfinished_work.set(total);
        self.longest_running.set(longest);
    }
}
