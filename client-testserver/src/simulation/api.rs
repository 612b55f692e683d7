//! How the controllers write: through `Backend`, the path every HTTP
//! request takes (validation, resourceVersions, managedFields, watch
//! events), each controller under its own field manager. Nothing here
//! reaches into a handler or the store directly.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{Part, PatchType, str_at};
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;
use crate::schema::FieldValidation;

/// One controller's client of the store.
#[derive(Clone)]
pub(crate) struct Api {
    backend: Backend,
    manager: &'static str,
}

/// `plural.group` (or `plural`) as (group, plural).
fn split_resource(resource: &str) -> (&str, &str) {
    match resource.split_once('.') {
        Some((plural, group)) => (group, plural),
        None => ("", resource),
    }
}

impl Api {
    /// A client writing as field manager `manager`.
    pub(crate) fn new(backend: Backend, manager: &'static str) -> Api {
        Api { backend, manager }
    }

    fn writer(&self, subresource: Option<&'static str>) -> Writer {
        let mut w = Writer::new(self.manager, FieldValidation::Ignore);
        w.subresource = subresource;
        w
    }

    /// The served kind of a group-resource.
    fn kind(&self, resource: &str) -> Result<Arc<ResourceKind>, ApiError> {
        let (group, plural) = split_resource(resource);
        self.backend
            .registry
            .by_resource(group, plural)
            .ok_or_else(|| ApiError::not_found(group, plural, ""))
    }

    /// The version `obj` is written at: its own `apiVersion`'s, else the
    /// kind's first.
    fn version(kind: &ResourceKind, obj: &Value) -> String {
        str_at(obj, "/apiVersion")
            .map(|av| av.rsplit('/').next().unwrap_or(av).to_string())
            .filter(|v| kind.versions.contains(v))
            .or_else(|| kind.versions.first().cloned())
            .unwrap_or_else(|| "v1".to_string())
    }

    /// Whether the kind `kind` of `api_version` is namespaced; `None` when
    /// no served resource has that kind (a REST mapping error).
    pub(crate) fn kind_is_namespaced(&self, api_version: &str, kind: &str) -> Option<bool> {
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        self.backend
            .registry
            .all()
            .into_iter()
            .find(|k| k.group == group && k.kind == kind && k.versions.iter().any(|v| v == version))
            .map(|k| k.namespaced)
    }

    /// Reads one object (a GET).
    ///
    /// # Errors
    /// 404.
    pub(crate) fn get(
        &self,
        resource: &str,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        let kind = self.kind(resource)?;
        self.backend.get(&kind, ns, name)
    }

    /// Creates `obj` (a POST).
    ///
    /// # Errors
    /// The create errors.
    pub(crate) fn create(&self, resource: &str, obj: Value) -> Result<Value, ApiError> {
        let kind = self.kind(resource)?;
        let version = Self::version(&kind, &obj);
        let ns = str_at(&obj, "/metadata/namespace").map(str::to_string);
        self.backend.create_as(
            &kind,
            &version,
            ns.as_deref(),
            obj,
            false,
            &self.writer(None),
        )
    }

    fn put(&self, resource: &str, obj: Value, part: Part) -> Result<Value, ApiError> {
        let kind = self.kind(resource)?;
        let version = Self::version(&kind, &obj);
        let ns = str_at(&obj, "/metadata/namespace").map(str::to_string);
        let name = str_at(&obj, "/metadata/name")
            .unwrap_or_default()
            .to_string();
        let sub = (part == Part::Status).then_some("status");
        self.backend.update(
            &kind,
            &version,
            ns.as_deref(),
            &name,
            obj,
            part,
            false,
            &self.writer(sub),
        )
    }

    /// Replaces `obj` (a PUT carrying its resourceVersion, so a stale read
    /// is a 409).
    ///
    /// # Errors
    /// The update errors.
    pub(crate) fn update(&self, resource: &str, obj: Value) -> Result<Value, ApiError> {
        self.put(resource, obj, Part::Main)
    }

    /// Replaces `obj`'s status (a PUT to `/status` carrying its
    /// resourceVersion).
    ///
    /// # Errors
    /// The update errors.
    pub(crate) fn update_status(&self, resource: &str, obj: Value) -> Result<Value, ApiError> {
        self.put(resource, obj, Part::Status)
    }

    /// Applies a JSON merge patch to the main resource.
    ///
    /// # Errors
    /// The patch errors.
    pub(crate) fn merge_patch(
        &self,
        resource: &str,
        ns: Option<&str>,
        name: &str,
        patch: Value,
    ) -> Result<Value, ApiError> {
        let kind = self.kind(resource)?;
        let version = Self::version(&kind, &json!({}));
        self.backend.patch(
            &kind,
            &version,
            ns,
            name,
            PatchType::Merge,
            patch,
            Part::Main,
            false,
            &self.writer(None),
        )
    }

    /// Applies a JSON patch (RFC 6902) to the main resource.
    ///
    /// # Errors
    /// The patch errors (a failed `test` is a 422).
    pub(crate) fn json_patch(
        &self,
        resource: &str,
        ns: Option<&str>,
        name: &str,
        patch: Value,
    ) -> Result<Value, ApiError> {
        let kind = self.kind(resource)?;
        let version = Self::version(&kind, &json!({}));
        self.backend.patch(
            &kind,
            &version,
            ns,
            name,
            PatchType::Json,
            patch,
            Part::Main,
            false,
            &self.writer(None),
        )
    }

    /// Deletes an object with `DeleteOptions` (`propagationPolicy`,
    /// `preconditions`, `gracePeriodSeconds`); a missing object is not an
    /// error (someone else deleted it first).
    ///
    /// # Errors
    /// Precondition conflicts and other delete errors.
    pub(crate) fn delete(
        &self,
        resource: &str,
        ns: Option<&str>,
        name: &str,
        options: Value,
    ) -> Result<(), ApiError> {
        let kind = self.kind(resource)?;
        match self.backend.delete(&kind, ns, name, &options, false) {
            Ok(_) => Ok(()),
            Err(e) if e.code == 404 => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Binds a pod to a node, as `POST pods/{name}/binding` does.
    ///
    /// # Errors
    /// The binding errors (404, 409 when bound or being deleted).
    pub(crate) fn bind(&self, ns: &str, pod: &str, node: &str) -> Result<(), ApiError> {
        let binding = json!({
            "apiVersion": "v1", "kind": "Binding",
            "metadata": {"name": pod, "namespace": ns},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        });
        self.backend
            .bind_pod(Some(ns), pod, &binding, false)
            .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_split_into_group_and_plural() {
        assert_eq!(split_resource("pods"), ("", "pods"));
        assert_eq!(split_resource("deployments.apps"), ("apps", "deployments"));
        assert_eq!(
            split_resource("endpointslices.discovery.k8s.io"),
            ("discovery.k8s.io", "endpointslices")
        );
    }
}
