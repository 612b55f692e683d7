//! Typed clients: every verb implemented once, generically, for any [`Resource`].
//!
//! [`TypedClient`] is what client-go's generated `CronTabInterface` is, with
//! the generated part reduced to the derive's one-line forwards. Building a
//! request (URL, query, body) is non-generic code shared by every kind; only
//! decoding is monomorphised per kind.

use std::borrow::Cow;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use bytes::Bytes;
use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::Scale;
use crate::client::{RequestBuilder, RestClient};
use crate::error::{Error, RequestTarget, Result};
use crate::pages::Pages;
use crate::request::{Request, ResourceRequests, json_body};
use crate::resource::{Cluster, HasScale, HasStatus, Namespaced, Resource, Scope};
use crate::watch::WatchStream;
use crate::watcher::{Watcher, WatcherConfig};
use crate::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, List, ListOptions, Patch, PatchOptions,
    Status, UpdateOptions, WithTypeMeta,
};

/// The future every typed call returns: `Send + 'static`, so it can be
/// spawned; dropping it cancels the request.
pub type ApiFuture<T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'static>>;

/// What a delete did: the object is gone, or it waits on finalizers.
///
/// kube-apiserver answers a delete in one of three ways: built-in kinds send a
/// Success `Status`, custom resources send the object as it was deleted, and
/// an object held by finalizers comes back with its `deletionTimestamp` set.
#[derive(Debug, Clone)]
pub enum DeleteOutcome<K> {
    /// The object was removed; the server's Success `Status`.
    Deleted(Box<Status>),
    /// The object was removed; the server sent its last state (custom resources do).
    DeletedObject(K),
    /// The object has finalizers: it now carries a `deletionTimestamp` and
    /// stays until they are removed.
    Finalizing(K),
}

impl<K> DeleteOutcome<K> {
    /// `true` when the object is gone.
    pub fn is_deleted(&self) -> bool {
        !matches!(self, Self::Finalizing(_))
    }
}

/// A resource's requests and the client that executes them: what every
/// typed client, [`Pages`] and [`Watcher`] hold.
#[derive(Clone, Debug)]
pub(crate) struct ResourceTarget {
    pub(crate) client: RestClient,
    pub(crate) requests: ResourceRequests,
}

impl ResourceTarget {
    /// Sends `request` and decodes the answer as `T`.
    pub(crate) fn send<T: DeserializeOwned + Send + 'static>(
        &self,
        request: Request,
    ) -> ApiFuture<T> {
        Box::pin(self.client.send::<T>(request))
    }

    /// GET of the collection, decoded as a list of `K`.
    pub(crate) fn list<K: DeserializeOwned + Send + 'static>(
        &self,
        opts: &ListOptions,
    ) -> ApiFuture<List<K>> {
        self.send(self.requests.list(opts))
    }

    /// A watch of the collection, decoded as events of `K`.
    pub(crate) fn watch<K: DeserializeOwned + Send + 'static>(
        &self,
        opts: &ListOptions,
    ) -> ApiFuture<WatchStream<K>> {
        Box::pin(self.client.watch::<K>(self.requests.list(opts)))
    }

    /// A DELETE, decoded as what it did.
    pub(crate) fn delete<K: DeserializeOwned + Send + 'static>(
        &self,
        name: &str,
        opts: &DeleteOptions,
    ) -> ApiFuture<DeleteOutcome<K>> {
        let body = self
            .client
            .clone()
            .fetch_body(self.requests.delete(name, opts));
        Box::pin(async move {
            let (target, body) = body.await?;
            decode_delete(&target, &body)
        })
    }
}

/// Decodes a DELETE answer: a `Status`, the deleted object, or the object
/// held by finalizers (it has finalizers and a `deletionTimestamp`).
fn decode_delete<K: DeserializeOwned>(
    target: &RequestTarget,
    body: &[u8],
) -> Result<DeleteOutcome<K>> {
    #[derive(serde::Deserialize)]
    struct Peek<'a> {
        #[serde(borrow)]
        kind: Option<Cow<'a, str>>,
        #[serde(default)]
        metadata: PeekMeta,
    }
    #[derive(serde::Deserialize, Default)]
    #[serde(rename_all = "camelCase")]
    struct PeekMeta {
        deletion_timestamp: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        finalizers: Option<Vec<serde::de::IgnoredAny>>,
    }
    let decode_error = |source| Error::Decode {
        target: target.clone(),
        what: std::any::type_name::<K>(),
        source,
    };
    let peek: Peek<'_> = serde_json::from_slice(body).map_err(decode_error)?;
    if peek.kind.as_deref() == Some("Status") {
        let status: Status = serde_json::from_slice(body).map_err(decode_error)?;
        return Ok(DeleteOutcome::Deleted(Box::new(status)));
    }
    let held = peek.metadata.deletion_timestamp.is_some()
        && peek.metadata.finalizers.is_some_and(|f| !f.is_empty());
    let object = serde_json::from_slice(body).map_err(decode_error)?;
    Ok(if held {
        DeleteOutcome::Finalizing(object)
    } else {
        DeleteOutcome::DeletedObject(object)
    })
}

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
    target: ResourceTarget,
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
            namespace,
        },
    }
}

impl<K: Resource<Scope = Namespaced>> TypedClient<K> {
    /// A client for objects of `K` in `namespace`.
    ///
    /// An empty namespace is refused when a call is made
    /// ([`RequestError::MissingNamespace`](crate::RequestError::MissingNamespace)); to list or watch across all
    /// namespaces use [`AllNamespacesClient`].
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
        let name = obj.metadata().name.as_deref();
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
        let name = obj.metadata().name.as_deref();
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

/// Lists and watches a namespaced kind across all namespaces.
///
/// Only `list`, `list_pages` and `watch` exist: a write needs a namespace.
pub struct AllNamespacesClient<K> {
    target: ResourceTarget,
    _kind: PhantomData<fn() -> K>,
}

impl<K> Clone for AllNamespacesClient<K> {
    fn clone(&self) -> Self {
        Self {
            target: self.target.clone(),
            _kind: PhantomData,
        }
    }
}

impl<K> std::fmt::Debug for AllNamespacesClient<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AllNamespacesClient")
            .field("resource", &self.target.requests.plural)
            .finish_non_exhaustive()
    }
}

impl<K: Resource<Scope = Namespaced>> AllNamespacesClient<K> {
    /// A client for objects of `K` in every namespace.
    pub fn new(client: RestClient) -> Self {
        Self {
            target: target_of::<K>(client, None),
            _kind: PhantomData,
        }
    }

    /// Lists objects in every namespace.
    pub fn list(&self, opts: &ListOptions) -> ApiFuture<List<K>> {
        self.target.list(opts)
    }

    /// Lists every object page by page, following `continue` tokens.
    pub fn list_pages(&self, opts: &ListOptions) -> Pages<K> {
        Pages::new(self.target.clone(), opts.clone())
    }

    /// Watches objects in every namespace.
    pub fn watch(&self, opts: &ListOptions) -> ApiFuture<WatchStream<K>> {
        self.target.watch(opts)
    }

    /// A list-then-watch [`Watcher`] that resumes, re-lists and reconnects by
    /// itself; see [`crate::watcher`].
    pub fn watcher(&self, config: WatcherConfig) -> Watcher<K> {
        Watcher::new(self.target.clone(), config)
    }
}
