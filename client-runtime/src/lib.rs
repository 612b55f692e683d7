//! `client-runtime`: the operator runtime over `client-core`.
//!
//! What client-go's `tools/cache`, `util/workqueue`, `tools/record` and
//! `tools/leaderelection` give a Go operator, typed for any
//! [`Resource`](client_core::Resource):
//!
//! - [`informer`]: one list+watch per (kind, namespace, selectors) shared by
//!   every consumer through an [`InformerFactory`](informer::InformerFactory),
//!   feeding a typed cache and late-joining handlers;
//! - [`cache`]: the cache itself: objects held once as `Arc<K>`, a
//!   namespace index and named custom indexes;
//! - [`lister`]: typed read access to a cache, per namespace for namespaced kinds;
//! - [`workqueue`]: a deduplicating queue with delays, composable rate
//!   limiters and Prometheus metrics;
//! - [`controller`]: the reconcile loop over an informer and its triggers;
//! - [`finalizer`]: add, clean up, remove, each guarded by a resourceVersion test;
//! - [`events`]: an `events.k8s.io/v1` recorder with series aggregation;
//! - [`leader_election`]: a Lease-based elector that runs a future only while leading.
//!
//! Every timing reads tokio's clock ([`tokio::time::Instant`]), so tests run
//! on a paused clock (`#[tokio::test(start_paused = true)]`).
//!
//! It is a crate of its own, not a module of `client-core`: CRD-only users
//! of the typed clients do not compile it, and its dependencies (the metrics
//! crate, `tokio-util`) stay out of the client.
#![forbid(unsafe_code)]

pub mod cache;
pub mod controller;
pub mod events;
pub mod finalizer;
mod hash;
pub mod informer;
mod key;
pub mod leader_election;
pub mod lister;
mod meta_access;
pub mod selector;
#[cfg(test)]
mod test_support;
pub mod workqueue;

pub use key::ObjectKey;
pub use tokio_util::sync::CancellationToken;
