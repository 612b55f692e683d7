//! Shared pieces of the peer benchmarks: the canned objects and responses,
//! process memory readings, the argument and result formats.
//!
//! The binaries: `canned-server` (the one server both sides talk to),
//! `ours` (client-runtime) and `kube` (kube-rs), one process per side so that
//! each peak RSS is its own. `run.py` drives them.

pub mod args;
pub mod counter;
pub mod fixture;
pub mod http;
pub mod live;
pub mod memory;
pub mod report;

/// Why a benchmark run failed.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A command-line argument was missing or malformed.
    #[error("bad arguments: {0}")]
    Args(String),
    /// Reading `/proc/self/status` failed or it lacked a field.
    #[error("reading process memory: {0}")]
    Memory(String),
    /// A socket or stream failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A client could not be built or a request failed.
    #[error("client: {0}")]
    Client(String),
    /// A phase did not finish within its deadline.
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(std::time::Duration, &'static str),
}

/// The queue workloads' keys: `items` distinct `namespace/name` strings.
pub fn queue_keys(items: u64) -> Vec<String> {
    (0..items)
        .map(|i| format!("{}/widget-config-{i:05}", fixture::NAMESPACE))
        .collect()
}
