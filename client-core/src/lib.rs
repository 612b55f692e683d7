//! `client-core`: the REST client core of a typed Kubernetes client.
//!
//! What client-go calls `rest.RESTClient`, in idiomatic Rust: configuration
//! from kubeconfig, in-cluster or explicit settings; TLS and authentication;
//! a request builder that knows Kubernetes' URL grammar; typed decoding;
//! `Status` errors; rate limiting, retries, watch streams and paging; and the
//! API types (object metadata, options, patches, built-in kinds).
//!
//! The layers, bottom up:
//! - [`Config`] says where the server is and who we are;
//! - [`RestClient`] is the one shared HTTP client, and [`Request`] builds a call;
//! - [`TypedClient`] implements every verb once for any [`Resource`];
//! - [`Watcher`] (from `watcher()` on a typed client) lists and watches,
//!   resuming, re-listing and reconnecting by itself ([`watcher`]);
//! - `#[derive(Resource)]` and `#[derive(Clientset)]` generate thin typed
//!   clients that forward to it.
#![forbid(unsafe_code)]

pub mod api;
mod auth;
pub mod client;
mod clientset;
pub mod config;
mod dynamic;
mod error;
mod paging;
mod request;
pub mod resource;
mod secret;
#[cfg(test)]
mod test_pki;
mod tls;
mod typed;
mod watch;
pub mod watcher;

pub use api::{
    ApiResource, ApplyOptions, Bookmark, CreateOptions, CustomResourceDefinition, DeleteOptions,
    DynamicObject, FieldValidation, GetOptions, List, ListMeta, ListOptions, ObjectMeta, Patch,
    PatchOptions, Preconditions, PropagationPolicy, ResourceVersionMatch, Scale, Status,
    StatusCause, StatusDetails, Time, TypeMeta, UpdateOptions, WatchEvent, WithTypeMeta,
};
pub use auth::AuthError;
pub use client::{RequestBuilder, RestClient, RestClientBuilder};
pub use config::{Config, ConfigError, Kubeconfig, KubeconfigOptions};
pub use dynamic::DynamicClient;
pub use error::{Error, RequestError, RequestTarget, Result, TransportErrorKind};
pub use paging::Pages;
pub use request::Request;
pub use resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
pub use secret::SecretString;
pub use typed::{AllNamespacesClient, ApiFuture, DeleteOutcome, TypedClient};
pub use watch::{FrameError, WatchStream};
pub use watcher::{Event as WatcherEvent, Watcher, WatcherConfig, WatcherError};

pub use clientset::{ApiextensionsV1Client, BuiltinClientset, CoordinationV1Client, CoreV1Client};

mod derived;
#[doc(hidden)]
pub use derived::__private;
pub use derived::{ClusterResourceClient, NamespacedResourceClient};

/// The watch framing, for benchmarks (feature `bench-internals`). Not public
/// API: names here change without notice.
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub mod bench_internals {
    pub use crate::watch::{
        DEFAULT_MAX_FRAME_LEN, EventStream, FrameDecoder, WatchError, decode_event,
    };
}

#[cfg(feature = "derive")]
pub use client_derive::{Clientset, Resource};
