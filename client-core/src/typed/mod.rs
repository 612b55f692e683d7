//! Typed clients: every verb implemented once, generically, for any [`Resource`].
//!
//! [`TypedClient`] is what client-go's generated `CronTabInterface` is, with
//! the generated part reduced to the derive's one-line forwards. Building a
//! request (URL, query, body) is non-generic code shared by every kind; only
//! decoding is monomorphised per kind.

mod all_namespaces;
mod target;

use std::borrow::Cow;
use std::marker::PhantomData;

use bytes::Bytes;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Scale;
use crate::client::{RequestBuilder, RestClient};
use crate::error::Error;
use crate::pages::Pages;
use crate::request::{Request, ResourceRequests, json_body};
use crate::resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
use crate::watch::WatchStream;
use crate::watcher::{Watcher, WatcherConfig};
use crate::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, List, ListOptions, ObjectMetaAccess,
    Patch, PatchOptions, UpdateOptions, WithTypeMeta,
};

pub use self::all_namespaces::AllNamespacesClient;
pub(crate) use self::target::ResourceTarget;
pub use self::target::{ApiFuture, DeleteOutcome};

/// A typed client for one kind, in one namespace (or cluster-wide for cluster-scoped kinds).
///
/// Holds a clone of the shared [`RestClient`]; cheap to clone. Every call
/// returns an [`ApiFuture`] that owns its request: it is `Send + 'static`.
///
/// ```no_run
/// # async fn demo(client: client_core::RestClient) -> client_core::Result<()> {
/// use client_core::api::ConfigMap;
/// use client_core::ListOptions;
/// use client_core::TypedClient;
/// let configmaps = TypedClient::<ConfigMap>::namespaced(client, "default");
/// let list = configmaps.list(&ListOptions::default()).await?;
/// println!("{} configmaps", list.items.len());
/// # Ok(()) }
/// ```
pub struct TypedClient<K> {
    pub(crate) target: ResourceTarget,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Clone for TypedClient<K> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            _kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for TypedClient<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedClient")
            .field("resource", &self.target.requests.plural)
            .field("namespace", &self.target.requests.namespace)
            .finish_non_exhaustive()
    }
}

fn target_of<K: Resource>(client: RestClient, namespace: Option<String>) -> ResourceTarget {
    ResourceTarget {
        client,
        requests: ResourceRequests {
            group: Cow::Borrowed(K::GROUP),
            version: Cow::Borrowed(K::VERSION),
            plural: Cow::Borrowed(K::PLURAL),
            missing_namespace: namespace.as_deref() == Some(""),
            all_namespaces: <K::Scope as Scope>::NAMESPACED && namespace.is_none(),
            metadata_only: K::METADATA_ONLY,
            namespace,
        },
    }
}

impl<K: Resource<Scope = Namespaced>> TypedClient<K> {
    /// A client for objects of `K` in `namespace`.
    ///
    /// An empty namespace is refused when a call is made
    /// ([`RequestError::MissingNamespace`](crate::RequestError::MissingNamespace)): unlike
    /// client-go's `Pods("")` it does not mean all namespaces. To list or watch
    /// across all namespaces use [`AllNamespacesClient`] (a Clientset's `*_all()` getter).
    pub fn namespaced(client: RestClient, namespace: impl Into<String>) -> Self {
        Self {
            target: target_of::<K>(client, Some(namespace.into())),
            _kind: PhantomData,
        }
    }
}

impl<K: Resource<Scope = Cluster>> TypedClient<K> {
    /// A client for the cluster-scoped kind `K`.
    pub fn cluster(client: RestClient) -> Self {
        Self {
            target: target_of::<K>(client, None),
            _kind: PhantomData,
        }
    }
}

impl<K: Resource> TypedClient<K> {
    /// The shared client underneath.
    pub fn rest_client(&self) -> &RestClient {
        &self.target.client
    }

    /// The namespace of this client (`None` for cluster-scoped kinds).
    pub fn namespace(&self) -> Option<&str> {
        self.target.requests.namespace.as_deref()
    }

    /// A request to this kind's collection, for anything the verbs do not cover.
    pub fn request(&self, method: Method) -> RequestBuilder {
        RequestBuilder::new(
            self.target.client.clone(),
            self.target.requests.collection(method),
        )
    }

    /// Creates `obj` (POST); the server fills in uid, resourceVersion and timestamps.
    pub fn create(&self, obj: &K, opts: &CreateOptions) -> ApiFuture<K> {
        let body = json_body(&WithTypeMeta(obj));
        self.target.send(self.target.requests.create(body, opts))
    }

    /// Reads the object called `name`.
    pub fn get(&self, name: &str, opts: &GetOptions) -> ApiFuture<K> {
        self.target.send(self.target.requests.get(name, None, opts))
    }

    /// Lists objects (one page when `opts.limit` is set; see [`TypedClient::list_pages`]).
    pub fn list(&self, opts: &ListOptions) -> ApiFuture<List<K>> {
        self.target.list(opts)
    }

    /// Lists every object page by page, following `continue` tokens.
    pub fn list_pages(&self, opts: &ListOptions) -> Pages<K> {
        Pages::new(self.target.clone(), opts.clone())
    }

    /// Watches objects from `opts.resource_version` on.
    pub fn watch(&self, opts: &ListOptions) -> ApiFuture<WatchStream<K>> {
        self.target.watch(opts)
    }

    /// A list-then-watch [`Watcher`] that resumes, re-lists and reconnects by
    /// itself; see [`crate::watcher`].
    pub fn watcher(&self, config: WatcherConfig) -> Watcher<K> {
        Watcher::new(self.target.clone(), config)
    }

    /// Replaces the object (PUT); `metadata.resourceVersion` guards against lost updates.
    pub fn update(&self, obj: &K, opts: &UpdateOptions) -> ApiFuture<K> {
        let body = json_body(&WithTypeMeta(obj));
        let name = obj.metadata().name();
        self.target
            .send(self.target.requests.update(name, None, body, opts))
    }

    /// Patches the object called `name` (JSON patch, merge patch, strategic merge, apply).
    pub fn patch<P: Serialize>(
        &self,
        name: &str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<K> {
        self.target
            .send(self.target.requests.patch(name, None, patch, opts))
    }

    /// Server-side apply: `obj` may be a partial object; it claims only the fields it sets.
    ///
    /// `apiVersion` and `kind` are written from `K`, and `metadata.managedFields` is never sent.
    pub fn apply<P: Serialize>(&self, name: &str, obj: &P, opts: &ApplyOptions) -> ApiFuture<K> {
        self.target.send(self.apply_request(name, None, obj, opts))
    }

    fn apply_request<P: Serialize>(
        &self,
        name: &str,
        subresource: Option<&'static str>,
        obj: &P,
        opts: &ApplyOptions,
    ) -> Request {
        let body = crate::apply_body::<K>(obj)
            .map(Bytes::from)
            .map_err(Error::Encode);
        self.target.requests.apply(name, subresource, body, opts)
    }

    /// Deletes the object called `name`: gone, or waiting on its finalizers.
    pub fn delete(&self, name: &str, opts: &DeleteOptions) -> ApiFuture<DeleteOutcome<K>> {
        self.target.delete(name, opts)
    }

    /// Deletes every object that `list_opts` selects; returns what was deleted.
    pub fn delete_collection(
        &self,
        opts: &DeleteOptions,
        list_opts: &ListOptions,
    ) -> ApiFuture<List<K>> {
        self.target
            .send(self.target.requests.delete_collection(opts, list_opts))
    }

    /// GET of a custom subresource (`method(verb = "get", ...)` in the derive).
    pub fn subresource_get<O: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        subresource: &'static str,
        opts: &GetOptions,
    ) -> ApiFuture<O> {
        self.target
            .send(self.target.requests.get(name, Some(subresource), opts))
    }

    /// POST to a custom subresource (`verb = "create"`), such as an eviction.
    pub fn subresource_create<I: Serialize, O: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        subresource: &'static str,
        input: &I,
        opts: &CreateOptions,
    ) -> ApiFuture<O> {
        let request =
            self.target
                .requests
                .create_subresource(name, subresource, json_body(input), opts);
        self.target.send(request)
    }

    /// PUT to a custom subresource (`verb = "update"`).
    pub fn subresource_update<I: Serialize, O: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        subresource: &'static str,
        input: &I,
        opts: &UpdateOptions,
    ) -> ApiFuture<O> {
        let request =
            self.target
                .requests
                .update(Some(name), Some(subresource), json_body(input), opts);
        self.target.send(request)
    }

    /// PATCH of a custom subresource (`verb = "patch"`).
    pub fn subresource_patch<P: Serialize, O: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        subresource: &'static str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<O> {
        self.target.send(
            self.target
                .requests
                .patch(name, Some(subresource), patch, opts),
        )
    }
}

impl<K: HasStatus> TypedClient<K> {
    /// Replaces the object's status (PUT `.../status`); other changes are ignored by the server.
    pub fn update_status(&self, obj: &K, opts: &UpdateOptions) -> ApiFuture<K> {
        let body = json_body(&WithTypeMeta(obj));
        let name = obj.metadata().name();
        self.target.send(
            self.target
                .requests
                .update(name, Some("status"), body, opts),
        )
    }

    /// Patches the object's status.
    pub fn patch_status<P: Serialize>(
        &self,
        name: &str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<K> {
        self.target.send(
            self.target
                .requests
                .patch(name, Some("status"), patch, opts),
        )
    }

    /// Server-side apply of the status subresource.
    pub fn apply_status<P: Serialize>(
        &self,
        name: &str,
        obj: &P,
        opts: &ApplyOptions,
    ) -> ApiFuture<K> {
        self.target
            .send(self.apply_request(name, Some("status"), obj, opts))
    }
}

impl<K: HasScale> TypedClient<K> {
    /// Reads the `scale` subresource (`autoscaling/v1` `Scale`).
    pub fn get_scale(&self, name: &str, opts: &GetOptions) -> ApiFuture<Scale> {
        self.subresource_get(name, "scale", opts)
    }

    /// Replaces the `scale` subresource.
    pub fn update_scale(
        &self,
        name: &str,
        scale: &Scale,
        opts: &UpdateOptions,
    ) -> ApiFuture<Scale> {
        self.subresource_update(name, "scale", scale, opts)
    }

    /// Patches the `scale` subresource.
    pub fn patch_scale<P: Serialize>(
        &self,
        name: &str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<Scale> {
        self.subresource_patch(name, "scale", patch, opts)
    }
}
