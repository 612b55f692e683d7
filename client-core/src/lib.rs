//! `client-core`: the REST client core of a typed Kubernetes client.
//!
//! What client-go calls `rest.RESTClient`, in idiomatic Rust: configuration
//! from kubeconfig, in-cluster or explicit settings; TLS and authentication;
//! a request value that knows Kubernetes' URL grammar; typed decoding;
//! `Status` errors; rate limiting, retries, watch streams and paging; and the
//! API types (object metadata, options, patches, built-in kinds).
//!
//! The layers, bottom up:
//! - [`Config`] says where the server is and who we are;
//! - a [`Request`] is one call as a plain value (no client, no I/O), and
//!   [`RestClient`], the one shared HTTP client, executes it;
//! - [`TypedClient`] implements every verb once for any [`Resource`];
//! - [`watcher::Watcher`] (from `watcher()` on a typed client) lists and
//!   watches, resuming, re-listing and reconnecting by itself;
//! - `#[derive(Resource)]` and `#[derive(Clientset)]` generate thin typed
//!   clients that forward to it.
//!
//! Each public item has one path: the client and apimachinery's `meta/v1`
//! vocabulary (`ObjectMeta`, `List`, options, `Status`, `WatchEvent`, ...)
//! at the root, Kubernetes kinds in [`api`], the watcher's types in
//! [`watcher`], configuration details in [`config`]. Two deliberate
//! exceptions: [`config`]'s main types are also at the root, and
//! [`resource`] stays public for `default_plural` until the naming rules
//! get their own crate.
#![forbid(unsafe_code)]

pub mod api;
mod auth;
mod builtin_clientset;
mod client;
pub mod config;
mod derive_support;
mod dynamic_client;
mod error;
#[cfg(feature = "k8s-openapi")]
pub mod k8s;
mod meta;
mod pages;
mod request;
pub mod resource;
pub mod schema;
mod secret_string;
#[cfg(test)]
mod test_fixtures;
#[cfg(test)]
mod test_pki;
mod tls;
mod typed;
mod watch;
pub mod watcher;

pub use auth::AuthError;
pub use builtin_clientset::{
    ApiextensionsV1Client, BuiltinClientset, CoordinationV1Client, CoreV1Client,
};
pub use client::{RequestBuilder, RestClient, RestClientBuilder, WarningHandler};
pub use config::{Config, ConfigError, Kubeconfig, KubeconfigOptions};
#[doc(hidden)]
pub use derive_support::__private;
pub use derive_support::{ClusterResourceClient, NamespacedResourceClient};
pub use dynamic_client::DynamicClient;
pub use error::{Error, RequestError, RequestTarget, Result, TransportErrorKind};
pub use meta::{
    ApplyOptions, Bookmark, BookmarkMeta, CreateOptions, DeleteOptions, FieldValidation,
    GetOptions, INITIAL_EVENTS_END_ANNOTATION, List, ListMeta, ListOptions, ManagedFieldsEntry,
    MicroTime, ObjectMeta, ObjectMetaAccess, OwnerReference, PartialObjectMetadata, Patch,
    PatchOptions, Preconditions, PropagationPolicy, QueryParams, ResourceVersionMatch, Status,
    StatusCause, StatusDetails, StatusReason, Time, TimeParseError, TypeMeta, UpdateOptions,
    WatchEvent, WatchEventType, WithTypeMeta, apply_body,
};
pub use pages::Pages;
pub use request::Request;
pub use resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
pub use secret_string::SecretString;
pub use typed::{AllNamespacesClient, ApiFuture, DeleteOutcome, TypedClient};
pub use watch::{FrameError, WatchStream};

/// The watch framing, for benchmarks (feature `bench-internals`). Not public
/// API: names here change without notice.
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub mod bench_internals {
    pub use crate::watch::{
        DEFAULT_MAX_FRAME_LEN, EventStream, FrameDecoder, WatchError, decode_event,
    };
}

/// Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`). Not
/// public API: names here change without notice.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    /// Parses `stdout` as an exec plugin's ExecCredential (API version
    /// `client.authentication.k8s.io/v1`), as the client does after the
    /// plugin exits.
    ///
    /// # Errors
    /// The client's error message.
    pub fn exec_credential(stdout: &[u8]) -> Result<(), String> {
        crate::auth::parse_exec_credential_for_fuzzing(stdout)
    }
}

#[cfg(feature = "derive")]
pub use client_derive::{Clientset, Resource};

/// schemars 1.x, with client-core's `schemars` feature: the `JsonSchema` that
/// `#[resource(.., schema)]` turns into a CRD's structural schema.
#[cfg(feature = "schemars")]
pub use schemars;
