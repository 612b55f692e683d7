//! The Rust face of the server: seed and inspect objects through the same
//! code paths HTTP requests take.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::parse;
use crate::registry::kind::ResourceKind;
use crate::registry::read::ListRequest;

/// Seeds and inspects objects from Rust through the same write path as
/// HTTP (validation, resourceVersions, watch events).
#[derive(Clone)]
pub struct StoreHandle {
    pub(crate) backend: Backend,
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((g, v)) => (g, v),
        None => ("", api_version),
    }
}

impl StoreHandle {
    fn kind(
        &self,
        api_version: &str,
        plural: &str,
    ) -> Result<(Arc<ResourceKind>, String), ApiError> {
        let (g, v) = split_api_version(api_version);
        self.backend
            .registry
            .lookup(g, v, plural)
            .map(|k| (k, v.to_string()))
            .ok_or_else(|| ApiError::not_found(g, plural, ""))
    }

    /// Creates `obj` (its `metadata.namespace` picks the namespace) as a
    /// POST would.
    ///
    /// # Errors
    /// The create errors of the contract, or 404 for an unknown resource.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = client_testserver::TestServer::builder().plain_http().start().await?;
    /// let cm = server.store().insert("v1", "configmaps", serde_json::json!({
    ///     "metadata": {"name": "seed", "namespace": "default"},
    ///     "data": {"a": "1"},
    /// }))?;
    /// assert!(cm["metadata"]["uid"].is_string());
    /// # Ok(()) }
    /// ```
    pub fn insert(&self, api_version: &str, plural: &str, obj: Value) -> Result<Value, ApiError> {
        let (k, v) = self.kind(api_version, plural)?;
        let ns = obj
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .map(str::to_string);
        self.backend.create(&k, &v, ns.as_deref(), obj, false)
    }

    /// Reads one object.
    pub fn get(
        &self,
        api_version: &str,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Option<Value> {
        let (k, v) = self.kind(api_version, plural).ok()?;
        let o = self.backend.get(&k, namespace, name).ok()?;
        Some(self.backend.present(&k, &v, o))
    }

    /// Every object of a resource (optionally in one namespace), in
    /// namespace/name order.
    pub fn list(&self, api_version: &str, plural: &str, namespace: Option<&str>) -> Vec<Value> {
        let Ok((k, v)) = self.kind(api_version, plural) else {
            return Vec::new();
        };
        let request = ListRequest {
            namespace,
            ..ListRequest::default()
        };
        let Ok(page) = self.backend.list(&k, &request) else {
            return Vec::new();
        };
        page.items
            .iter()
            .map(|b| self.backend.present(&k, &v, parse(b)))
            .collect()
    }

    /// Deletes one object as a DELETE would (finalizers honoured).
    ///
    /// # Errors
    /// 404 and precondition errors.
    pub fn delete(
        &self,
        api_version: &str,
        plural: &str,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), ApiError> {
        let (k, _) = self.kind(api_version, plural)?;
        self.backend
            .delete(&k, namespace, name, &json!({}), false)
            .map(|_| ())
    }

    /// Registers a CustomResourceDefinition (as if POSTed) and serves its
    /// resource.
    ///
    /// # Errors
    /// 409 when it exists, 422 when it is incomplete.
    pub fn register_crd(&self, crd: Value) -> Result<Value, ApiError> {
        self.insert("apiextensions.k8s.io/v1", "customresourcedefinitions", crd)
    }

    /// The current global resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.backend.store.current_rv()
    }
}
