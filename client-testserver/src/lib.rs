//! An embedded API server with kube-apiserver semantics, served over real
//! HTTP(S) on loopback, for tests and examples.
//!
//! ```no_run
//! # async fn demo() -> Result<(), client_testserver::StartError> {
//! let server = client_testserver::TestServer::builder().plain_http().token("t").start().await?;
//! println!("{}", server.url());
//! # Ok(()) }
//! ```

/// `Accept` and `Content-Type` header parsing.
pub mod accept;
/// The response body type.
pub mod body;
/// A throwaway CA, server and client certificates, and rustls configuration.
pub mod certs;
#[cfg(feature = "client")]
mod client;
/// Opaque continue tokens.
pub mod continuation;
/// Discovery, version and OpenAPI documents.
pub mod discovery;
/// Status errors.
pub mod error;
/// Fault injection.
pub mod faults;
/// HTTP handlers.
pub mod handlers;
/// Per-kind strategies.
pub mod kinds;
/// Kubeconfig files pointing at the test server.
pub mod kubeconfig;
/// Name validation.
pub mod names;
/// Namespace lifecycle: Terminating, contents removed, then gone.
pub mod namespaces;
/// The `/openapi/v3` documents: CRD schemas, operations kubectl looks for.
pub mod openapi;
/// Table output selection (Accept negotiation to printer columns).
pub mod output;
/// JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386).
pub mod patch;
/// The protobuf request bodies kubectl's typed generators send.
pub mod protobuf;
/// Served resources.
pub mod registry;
/// Request log.
pub mod reqlog;
/// Handlers of resource paths, one per verb.
mod resources;
/// URL grammar.
pub mod router;
/// CRD structural schemas: validation, pruning and defaulting.
pub mod schema;
/// Label and field selectors with kube-apiserver's grammar.
pub mod selector;
/// The test server and its builder.
pub mod server;
/// Server-side apply: field ownership in `metadata.managedFields`.
pub mod ssa;
/// The object store.
pub mod store;
/// Server-side printing: `meta.k8s.io/v1` `Table` responses.
pub mod table;
/// RFC 3339 timestamps as kube-apiserver writes them.
pub mod timefmt;
/// The verbs.
pub mod verbs;
/// Watch streams.
pub mod watch;
/// Field managers, schema admission and managedFields of writes.
pub mod write;

pub use error::ApiError;
pub use faults::{Fault, FaultAction, Faults};
pub use reqlog::{LoggedRequest, RequestLog};
pub use server::{Builder, StartError, StoreHandle, TestServer};
