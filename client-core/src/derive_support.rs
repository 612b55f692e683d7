//! What `#[derive(Resource)]` and `#[derive(Clientset)]` build on.
//!
//! [`NamespacedResourceClient`] and [`ClusterResourceClient`] link a resource
//! type to the client types its derive generates, so that generic code (and a
//! Clientset, which cannot see the resource's attributes) can reach them. The
//! `__private` module holds what generated code needs and users should not
//! name: it is not part of the stable API.

use crate::client::RestClient;
use crate::resource::Resource;

/// A namespaced resource with a generated typed client (`#[derive(Resource)]`).
///
/// Generic code reaches a kind's generated client through it:
///
/// ```
/// use client_core::{NamespacedResourceClient, ObjectMeta, RestClient};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(client_core::Resource, Serialize, Deserialize)]
/// #[resource(group = "stable.example.com", version = "v1")]
/// struct CronTab {
///     metadata: ObjectMeta,
/// }
///
/// fn clients<K: NamespacedResourceClient>(rest: &RestClient) -> (K::Client, K::AllNamespacesClient) {
///     (K::client(rest, "default"), K::all_namespaces(rest))
/// }
/// # fn demo(rest: &RestClient) {
/// let (_one_namespace, _every_namespace) = clients::<CronTab>(rest);
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a namespaced resource with a derived client",
    label = "listed as namespaced here",
    note = "a cluster-scoped kind goes in `cluster_resources(..)` and its getter takes no namespace; \
            a namespaced kind needs #[derive(Resource)]"
)]
pub trait NamespacedResourceClient: Resource {
    /// The typed client for one namespace (`CronTabClient`).
    type Client: Clone;
    /// The client across all namespaces, with `list` and `watch` only.
    type AllNamespacesClient: Clone;
    /// The typed client for `namespace` (keeps a clone of `client`).
    fn client(client: &RestClient, namespace: &str) -> Self::Client;
    /// The all-namespaces client (keeps a clone of `client`).
    fn all_namespaces(client: &RestClient) -> Self::AllNamespacesClient;
}

/// A cluster-scoped resource with a generated typed client (`#[derive(Resource)]` with `cluster`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a cluster-scoped resource with a derived client",
    label = "listed as cluster-scoped here",
    note = "a namespaced kind goes in `resources(..)` and its getter takes a namespace; \
            a cluster-scoped kind needs #[derive(Resource)] with `cluster`"
)]
pub trait ClusterResourceClient: Resource {
    /// The typed client (`ClusterClient`).
    type Client: Clone;
    /// The typed client (keeps a clone of `client`).
    fn client(client: &RestClient) -> Self::Client;
}

/// Support for generated code. Not public API: names here change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::api::CustomResourceDefinition;
    pub use crate::api::{CustomResourceDefinitionVersion, Scale};
    pub use crate::client::RestClient;
    pub use crate::pages::Pages;
    pub use crate::typed::{AllNamespacesClient, ApiFuture, DeleteOutcome, TypedClient};
    pub use crate::watch::WatchStream;
    pub use crate::watcher::{Watcher, WatcherConfig};
    pub use crate::{
        ApplyOptions, CreateOptions, DeleteOptions, GetOptions, List, ListOptions, ObjectMeta,
        Patch, PatchOptions, UpdateOptions,
    };
    pub use serde::Serialize;

    pub use crate::schema::manifest::{
        CrdColumn, CrdInfo, CrdRule, CrdScale, CrdVersion, crd_version, crd_with_versions,
        other_version, schema_of,
    };
    pub use crate::schema::{CrdError, CrdSchema, crd_yaml};

    /// The `CustomResourceDefinition` serving `K`: one version, served and
    /// stored, with a permissive schema. Generic code, so each derive only
    /// contributes its static [`CrdInfo`].
    pub fn crd<K: crate::resource::Resource>(info: &CrdInfo) -> CustomResourceDefinition {
        crd_with_versions::<K>(vec![crd_version::<K>(info, None)])
    }

    /// `a == b`, usable in `const` assertions.
    pub const fn str_eq(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] != b[i] {
                return false;
            }
            i += 1;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::__private::str_eq;

    #[test]
    fn const_str_eq() {
        const SAME: bool = str_eq("stable.example.com", "stable.example.com");
        const { assert!(SAME) };
        assert!(!str_eq("a", "b"));
        assert!(!str_eq("a", "ab"));
        assert!(str_eq("", ""));
    }
}
