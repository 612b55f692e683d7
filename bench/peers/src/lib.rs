//! Shared pieces of the peer benchmarks: the canned objects and responses,
//! process memory and CPU readings, the argument and result formats.
//!
//! The binaries: `canned-server` (the one server every side talks to);
//! `ours` (client-runtime) and `kube` (kube-runtime) for the runtime
//! comparison, driven by `run.py`; `req-ours` (client-core), `req-kube`
//! (kube-rs' `Api`) and `req-floor` (raw hyper + serde_json) for the request
//! comparison ([`requests`]), driven by `run_requests.py`. One process per
//! side and workload, so that each peak RSS is its own.

pub mod args;
pub mod clients;
pub mod counter;
pub mod fixture;
pub mod http;
pub mod live;
pub mod memory;
pub mod report;
pub mod requests;
pub mod usage;

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

/// The words of `s` as an argument iterator (the argument parsers' tests).
#[cfg(test)]
pub(crate) fn words(s: &str) -> impl Iterator<Item = String> {
    s.split_whitespace()
        .map(str::to_owned)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The queue workloads' keys: `items` distinct `namespace/name` strings.
pub fn queue_keys(items: u64) -> Vec<String> {
    (0..items)
        .map(|i| format!("{}/{}", fixture::NAMESPACE, fixture::object_name(i)))
        .collect()
}
