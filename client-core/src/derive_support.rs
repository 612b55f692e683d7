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

    use crate::resource::{Cluster, Namespaced, Resource, Scope};

    /// The `CustomResourceDefinition` serving `K`: one version, served and
    /// stored, with a permissive schema. Generic code, so each derive only
    /// contributes its static [`CrdInfo`].
    pub fn crd<K: crate::resource::Resource>(info: &CrdInfo) -> CustomResourceDefinition {
        crd_with_versions::<K>(vec![crd_version::<K>(info, None)])
    }

    /// What a Clientset getter needs from a kind, whatever its scope.
    ///
    /// A Clientset cannot see whether a kind is namespaced, so its getters go
    /// through this trait, implemented for every kind that implements
    /// [`NamespacedResourceClient`](crate::NamespacedResourceClient) or
    /// [`ClusterResourceClient`](crate::ClusterResourceClient) (derived or
    /// written by hand), whichever its scope asks for. The scope of the list
    /// the kind is in is checked by a `const` assertion whose message says
    /// where to list it; a bound on the scope's trait would add a second
    /// error naming that trait. For the wrong list the clients returned are
    /// placeholders that never run: the assertion fails first.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` has no typed client: a Clientset lists kinds with #[derive(Resource)]",
        label = "not a derived resource"
    )]
    pub trait ClientsetMember: Resource {
        /// The typed client for one namespace (or the cluster).
        type Client;
        /// The all-namespaces client (the typed client again for a cluster-scoped kind).
        type AllNamespacesClient;
        /// The typed client for `namespace`.
        ///
        /// (The names are far from `client` and `all_namespaces`, so the
        /// compiler never suggests importing this trait for those.)
        fn clientset_getter(client: &RestClient, namespace: &str) -> Self::Client;
        /// The client for every namespace.
        fn clientset_getter_all(client: &RestClient) -> Self::AllNamespacesClient;
        /// The typed client of a cluster-scoped kind.
        fn clientset_cluster_getter(client: &RestClient) -> Self::Client;
    }

    /// The clients of `K` as its scope's trait gives them: the one blanket
    /// impl of [`ClientsetMember`] dispatches on `K::Scope` through it.
    pub trait ScopeClients<K> {
        /// The typed client.
        type Client;
        /// The all-namespaces client (the typed client for a cluster-scoped kind).
        type AllNamespacesClient;
        /// See [`ClientsetMember::clientset_getter`].
        fn getter(client: &RestClient, namespace: &str) -> Self::Client;
        /// See [`ClientsetMember::clientset_getter_all`].
        fn getter_all(client: &RestClient) -> Self::AllNamespacesClient;
        /// See [`ClientsetMember::clientset_cluster_getter`].
        fn cluster_getter(client: &RestClient) -> Self::Client;
    }

    impl<K: crate::NamespacedResourceClient> ScopeClients<K> for Namespaced {
        type Client = K::Client;
        type AllNamespacesClient = K::AllNamespacesClient;
        fn getter(client: &RestClient, namespace: &str) -> K::Client {
            K::client(client, namespace)
        }
        fn getter_all(client: &RestClient) -> K::AllNamespacesClient {
            K::all_namespaces(client)
        }
        // Only reachable from a Clientset that lists a namespaced kind as
        // cluster-scoped, which its scope assertion rejects.
        fn cluster_getter(client: &RestClient) -> K::Client {
            K::client(client, "")
        }
    }

    impl<K: crate::ClusterResourceClient> ScopeClients<K> for Cluster {
        type Client = K::Client;
        // Only reachable from a Clientset that lists a cluster-scoped kind as
        // namespaced, which its scope assertion rejects.
        type AllNamespacesClient = K::Client;
        fn getter(client: &RestClient, _namespace: &str) -> K::Client {
            K::client(client)
        }
        fn getter_all(client: &RestClient) -> K::Client {
            K::client(client)
        }
        fn cluster_getter(client: &RestClient) -> K::Client {
            K::client(client)
        }
    }

    #[diagnostic::do_not_recommend]
    impl<K: Resource> ClientsetMember for K
    where
        K::Scope: ScopeClients<K>,
    {
        type Client = <K::Scope as ScopeClients<K>>::Client;
        type AllNamespacesClient = <K::Scope as ScopeClients<K>>::AllNamespacesClient;
        fn clientset_getter(client: &RestClient, namespace: &str) -> Self::Client {
            <K::Scope as ScopeClients<K>>::getter(client, namespace)
        }
        fn clientset_getter_all(client: &RestClient) -> Self::AllNamespacesClient {
            <K::Scope as ScopeClients<K>>::getter_all(client)
        }
        fn clientset_cluster_getter(client: &RestClient) -> Self::Client {
            <K::Scope as ScopeClients<K>>::cluster_getter(client)
        }
    }

    /// A message assembled in a `const` context (no allocation), so that a
    /// compile-time check can name the values it compared.
    #[derive(Debug, Clone, Copy)]
    pub struct ConstMessage {
        bytes: [u8; 512],
        len: usize,
    }

    impl ConstMessage {
        /// An empty message.
        pub const fn new() -> Self {
            Self {
                bytes: [0; 512],
                len: 0,
            }
        }

        /// The message with `s` appended (cut at 512 bytes).
        pub const fn push(mut self, s: &str) -> Self {
            let s = s.as_bytes();
            let mut i = 0;
            while i < s.len() && self.len < self.bytes.len() {
                self.bytes[self.len] = s[i];
                self.len += 1;
                i += 1;
            }
            self
        }

        /// The text (a generic one should a cut split a character).
        pub const fn as_str(&self) -> &str {
            let (text, _) = self.bytes.split_at(self.len);
            match core::str::from_utf8(text) {
                Ok(text) => text,
                Err(_) => "a resource is listed under a group or version it does not belong to",
            }
        }
    }

    impl Default for ConstMessage {
        fn default() -> Self {
            Self::new()
        }
    }

    /// The compile error of a Clientset that lists `K` (written `name`) under
    /// `group`/`version` when `K` belongs elsewhere: names both, and the
    /// `#[clientset(..)]` line to list it in. `None` when `K` is where it belongs.
    pub const fn misplaced<K: Resource>(
        name: &str,
        group: &str,
        version: &str,
    ) -> Option<ConstMessage> {
        if str_eq(K::GROUP, group) && str_eq(K::VERSION, version) {
            return None;
        }
        let listed = if group.is_empty() {
            ConstMessage::new().push("core/").push(version)
        } else {
            ConstMessage::new().push(group).push("/").push(version)
        };
        let own = if K::GROUP.is_empty() { "core/" } else { "" };
        let list = if <K::Scope as Scope>::NAMESPACED {
            "resources"
        } else {
            "cluster_resources"
        };
        let sep = if K::GROUP.is_empty() { "" } else { "/" };
        Some(
            ConstMessage::new()
                .push("`")
                .push(name)
                .push("` belongs to `")
                .push(own)
                .push(K::GROUP)
                .push(sep)
                .push(K::VERSION)
                .push("`, not `")
                .push(listed.as_str())
                .push("`: list it in #[clientset(group = \"")
                .push(K::GROUP)
                .push("\", version = \"")
                .push(K::VERSION)
                .push("\", ")
                .push(list)
                .push("(")
                .push(name)
                .push("))]"),
        )
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
    use super::__private::{ConstMessage, misplaced, str_eq};
    use crate::api::{ConfigMap, CustomResourceDefinition};

    #[test]
    fn misplaced_names_where_a_kind_belongs() {
        assert!(misplaced::<ConfigMap>("ConfigMap", "", "v1").is_none());
        let wrong = misplaced::<ConfigMap>("ConfigMap", "apps", "v1");
        assert_eq!(
            wrong.as_ref().map(ConstMessage::as_str),
            Some(
                "`ConfigMap` belongs to `core/v1`, not `apps/v1`: list it in \
                 #[clientset(group = \"\", version = \"v1\", resources(ConfigMap))]"
            )
        );
        let wrong = misplaced::<CustomResourceDefinition>("Crd", "", "v1");
        assert_eq!(
            wrong.as_ref().map(ConstMessage::as_str),
            Some(
                "`Crd` belongs to `apiextensions.k8s.io/v1`, not `core/v1`: list it in \
                 #[clientset(group = \"apiextensions.k8s.io\", version = \"v1\", \
                 cluster_resources(Crd))]"
            )
        );
        // Evaluated at compile time, as the Clientset derive does.
        const FINE: bool = misplaced::<ConfigMap>("ConfigMap", "", "v1").is_none();
        const { assert!(FINE) };
    }

    #[test]
    fn const_message_cuts_at_its_capacity() {
        let long = "x".repeat(600);
        let message = ConstMessage::new().push("ab").push(&long);
        assert_eq!(message.as_str().len(), 512);
        assert!(message.as_str().starts_with("abx"));
        // A cut inside a character falls back to a generic text, not a panic.
        let message = ConstMessage::new().push(&"x".repeat(511)).push("é");
        assert!(message.as_str().contains("does not belong"));
    }

    #[test]
    fn const_str_eq() {
        const SAME: bool = str_eq("stable.example.com", "stable.example.com");
        const { assert!(SAME) };
        assert!(!str_eq("a", "b"));
        assert!(!str_eq("a", "ab"));
        assert!(str_eq("", ""));
    }
}
