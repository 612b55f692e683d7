//! The HTTP layer: everything between a TCP connection and the backend.
//!
//! `listener` accepts connections and hands each request to
//! `handlers::handle`, which authenticates, limits and logs it and routes
//! it (`router`) to discovery, the admin endpoint or `resources`, one
//! small function per verb. `accept`, `body` and `protobuf` are the wire
//! formats (`yaml_depth` refuses YAML nested past go-yaml's limit before it is parsed); `watch` streams events; `faults` and `request_log` are the
//! test hooks served under `/__testserver`.

pub(crate) mod accept;
pub(crate) mod body;
pub(crate) mod faults;
pub(crate) mod handlers;
pub(crate) mod list_query;
pub(crate) mod listener;
pub(crate) mod protobuf;
pub(crate) mod request_log;
pub(crate) mod resources;
pub(crate) mod router;
pub(crate) mod state;
pub(crate) mod subresources;
pub(crate) mod watch;
pub(crate) mod yaml_depth;
