//! [`DynamicClient`]: the verbs for kinds without a Rust type, keyed by
//! group, version and resource, on [`DynamicObject`]s.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;

use crate::api::{ApiResource, DynamicObject};
use crate::client::RestClient;
use crate::error::{Error, Result};
use crate::request::ResourceRequests;
use crate::typed::{ApiFuture, DeleteOutcome, ResourceTarget};
use crate::watch::WatchStream;
use crate::{
    CreateOptions, DeleteOptions, GetOptions, List, ListOptions, Patch, PatchOptions, UpdateOptions,
};

/// A client for any kind, addressed by [`ApiResource`]; objects are [`DynamicObject`]s.
///
/// ```no_run
/// # async fn demo(client: client_core::RestClient) -> client_core::Result<()> {
/// use client_core::api::ApiResource;
/// use client_core::GetOptions;
/// use client_core::DynamicClient;
/// let crontabs = ApiResource {
///     group: "stable.example.com".into(),
///     version: "v1".into(),
///     api_version: "stable.example.com/v1".into(),
///     kind: "CronTab".into(),
///     plural: "crontabs".into(),
///     namespaced: true,
/// };
/// let client = DynamicClient::new(client, &crontabs, Some("default"));
/// let obj = client.get("nightly", &GetOptions::default()).await?;
/// println!("{:?}", obj.data["spec"]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DynamicClient {
    target: ResourceTarget,
    api_version: String,
    kind: String,
}

impl DynamicClient {
    /// A client for `resource` in `namespace` (`None`: cluster-scoped, or all
    /// namespaces for list and watch of a namespaced kind).
    ///
    /// As with the typed clients, a namespaced kind without a namespace can
    /// only be listed and watched: create, get, update, patch and delete fail
    /// before any I/O with
    /// [`RequestError::MissingNamespace`](crate::RequestError::MissingNamespace),
    /// and so does every call when `namespace` is `Some("")`.
    pub fn new(client: RestClient, resource: &ApiResource, namespace: Option<&str>) -> Self {
        Self {
            target: ResourceTarget {
                client,
                requests: ResourceRequests {
                    group: Cow::Owned(resource.group.clone()),
                    version: Cow::Owned(resource.version.clone()),
                    plural: Cow::Owned(resource.plural.clone()),
                    namespace: namespace.map(str::to_owned),
                    missing_namespace: namespace == Some(""),
                    all_namespaces: resource.namespaced && namespace.is_none(),
                    metadata_only: false,
                },
            },
            api_version: resource.api_version.clone(),
            kind: resource.kind.clone(),
        }
    }

    /// Fills in `apiVersion` and `kind` when the object lacks them, and encodes it.
    fn body(&self, obj: &DynamicObject) -> Result<Bytes> {
        let encode = |o: &DynamicObject| {
            serde_json::to_vec(o)
                .map(Bytes::from)
                .map_err(Error::Encode)
        };
        if obj.api_version.is_some() && obj.kind.is_some() {
            return encode(obj);
        }
        let mut obj = obj.clone();
        obj.api_version
            .get_or_insert_with(|| self.api_version.clone());
        obj.kind.get_or_insert_with(|| self.kind.clone());
        encode(&obj)
    }

    /// Creates an object.
    pub fn create(&self, obj: &DynamicObject, opts: &CreateOptions) -> ApiFuture<DynamicObject> {
        self.target
            .send(self.target.requests.create(self.body(obj), opts))
    }

    /// Reads an object.
    pub fn get(&self, name: &str, opts: &GetOptions) -> ApiFuture<DynamicObject> {
        self.target.send(self.target.requests.get(name, None, opts))
    }

    /// Lists objects.
    pub fn list(&self, opts: &ListOptions) -> ApiFuture<List<DynamicObject>> {
        self.target.list(opts)
    }

    /// Watches objects.
    pub fn watch(&self, opts: &ListOptions) -> ApiFuture<WatchStream<DynamicObject>> {
        self.target.watch(opts)
    }

    /// Replaces an object (PUT).
    pub fn update(&self, obj: &DynamicObject, opts: &UpdateOptions) -> ApiFuture<DynamicObject> {
        let name = obj.metadata.name.as_deref();
        self.target.send(
            self.target
                .requests
                .update(name, None, self.body(obj), opts),
        )
    }

    /// Patches an object.
    pub fn patch<P: Serialize>(
        &self,
        name: &str,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> ApiFuture<DynamicObject> {
        self.target
            .send(self.target.requests.patch(name, None, patch, opts))
    }

    /// Deletes an object: gone (`Status`), or waiting on its finalizers.
    pub fn delete(
        &self,
        name: &str,
        opts: &DeleteOptions,
    ) -> ApiFuture<DeleteOutcome<DynamicObject>> {
        self.target.delete(name, opts)
    }
}
