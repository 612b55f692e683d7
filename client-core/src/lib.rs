//! `client-core`: the REST client core of a typed Kubernetes client.
//!
//! What client-go calls `rest.RESTClient`, in idiomatic Rust: configuration
//! from kubeconfig, in-cluster or explicit settings; TLS and authentication;
//! a request builder that knows Kubernetes' URL grammar; typed decoding;
//! `Status` errors; rate limiting, retries, watch streams and paging; and the
//! API types (object metadata, options, patches, built-in kinds).
#![forbid(unsafe_code)]

pub mod api;
// `auth` and `tls` serve the RestClient; until it calls them only tests do.
#[cfg_attr(not(test), allow(dead_code))]
mod auth;
pub mod config;
pub mod resource;
mod secret;
#[cfg(test)]
mod test_pki;
#[cfg_attr(not(test), allow(dead_code))]
mod tls;
pub mod watch;

pub use api::{
    ApplyOptions, Bookmark, CreateOptions, DeleteOptions, FieldValidation, GetOptions, List,
    ListMeta, ListOptions, ObjectMeta, Patch, PatchOptions, Preconditions, PropagationPolicy,
    ResourceVersionMatch, Status, StatusCause, StatusDetails, Time, TypeMeta, UpdateOptions,
    WatchEvent, WithTypeMeta,
};
pub use auth::AuthError;
pub use config::{Config, ConfigError, Kubeconfig, KubeconfigOptions};
pub use resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
pub use secret::SecretString;
