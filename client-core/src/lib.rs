//! `client-core`: the REST client core of a typed Kubernetes client.
//!
//! What client-go calls `rest.RESTClient`, in idiomatic Rust: configuration
//! from kubeconfig, in-cluster or explicit settings; TLS and authentication;
//! a request builder that knows Kubernetes' URL grammar; typed decoding;
//! `Status` errors; rate limiting, retries, watch streams and paging; and the
//! API types (object metadata, options, patches, built-in kinds).
#![forbid(unsafe_code)]

pub mod api;
pub mod config;
pub mod resource;
mod secret;

pub use api::{
    ApplyOptions, CreateOptions, DeleteOptions, FieldValidation, GetOptions, List, ListMeta,
    ListOptions, ObjectMeta, Patch, PatchOptions, Preconditions, PropagationPolicy,
    ResourceVersionMatch, Status, StatusCause, StatusDetails, Time, TypeMeta, UpdateOptions,
    WithTypeMeta,
};
pub use config::Config;
pub use resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
pub use secret::SecretString;

#[cfg(feature = "derive")]
pub use client_derive::{Clientset, Resource};
