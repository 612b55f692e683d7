//! An embedded API server with kube-apiserver semantics, served over real
//! HTTP(S) on loopback, for tests and examples.
//!
//! ```no_run
//! # async fn demo() -> Result<(), client_testserver::StartError> {
//! let server = client_testserver::TestServer::builder().plain_http().token("t").start().await?;
//! println!("{}", server.url());
//! # Ok(()) }
//! ```
//!
//! The public surface is [`TestServer`] and its [`Builder`], [`Simulation`], the
//! [`StoreHandle`], fault injection ([`Faults`]), the [`RequestLog`], the
//! [`ApiError`] Status error, the throwaway certificates ([`Certs`]) and
//! the [`kubeconfig`] helpers. Everything else is the server's inside,
//! laid out by layer:
//!
//! - `http/`: listener, router, handlers, content negotiation, bodies,
//!   protobuf decoding, watch streams, the request log and faults;
//! - `registry/`: the served kinds and their strategies, the write path
//!   (`Backend`), namespaces;
//! - `storage/`: the object store, its event history and continue tokens;
//! - `meta/`: object-metadata rules (names, labels, selectors, timestamps);
//! - `types/`: every built-in Go type as data (strict decoding, patch and
//!   apply keys, OpenAPI);
//! - `schema/`, `ssa/`, `patch/`: CRD schemas, server-side apply, patches;
//! - `output/`: server-side printing (tables, JSONPath);
//! - `discovery/`: discovery and OpenAPI documents;
//! - `simulation/`: the opt-in simulated cluster ([`Simulation`]): garbage
//!   collector, workload controllers, nodes, scheduler and kubelet, each a
//!   client of the store.

#[cfg(feature = "client")]
mod client;

mod certs;
mod discovery;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod http;
pub mod kubeconfig;
mod meta;
mod output;
mod patch;
mod registry;
mod schema;
mod server;
mod simulation;
mod ssa;
mod storage;
mod store_handle;
mod types;

pub use certs::{CertError, Certs, ClientCert};
pub use error::ApiError;
pub use http::faults::{Fault, FaultAction, Faults};
pub use http::request_log::{LoggedRequest, RequestLog};
pub use schema::structural::{CrdRefused, verify_crd};
pub use server::{Builder, StartError, TestServer};
pub use simulation::{FAIL_LABEL, JobOutcome, Simulation, Taint};
pub use store_handle::StoreHandle;
