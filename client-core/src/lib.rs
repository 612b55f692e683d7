#![doc = include_str!("../docs/front_page.md")]
#![forbid(unsafe_code)]

pub mod api;
mod auth;
mod builtin_clientset;
mod client;
pub mod config;
mod decode;
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
pub mod wait;
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
pub use resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope, Writable};
pub use secret_string::SecretString;
pub use typed::{AllNamespacesClient, ApiFuture, DeleteOutcome, TypedClient};
pub use watch::{FrameError, WatchStream};

// The stream traits, so that reading a watch, a watcher or pages needs no
// other crate (front page: "Reading watches and pages").
#[doc(no_inline)]
pub use futures_core::Stream;
#[doc(no_inline)]
pub use futures_util::{StreamExt, TryStreamExt};

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
