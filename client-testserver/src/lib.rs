//! placeholder

/// `Accept` and `Content-Type` header parsing.
pub mod accept;
/// A throwaway CA, server and client certificates, and rustls configuration.
pub mod certs;
/// Kubeconfig files pointing at the test server.
pub mod kubeconfig;
/// The minimal `/openapi/v3` documents `kubectl apply` needs.
pub mod openapi;
/// JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386).
pub mod patch;
/// Label and field selectors with kube-apiserver's grammar.
pub mod selector;
/// Server-side printing: `meta.k8s.io/v1` `Table` responses.
pub mod table;
/// RFC 3339 timestamps as kube-apiserver writes them.
pub mod timefmt;
