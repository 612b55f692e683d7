//! [`ResourceRequests`]: the request of every verb for one resource, as plain values.

use std::borrow::Cow;

use bytes::Bytes;
use http::Method;
use http::header::HeaderValue;
use serde::Serialize;

use super::Request;
use crate::error::{Error, RequestError, Result};
use crate::{
    ApplyOptions, CreateOptions, DeleteOptions, GetOptions, ListOptions, Patch, PatchOptions,
    UpdateOptions,
};

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const APPLY_PATCH: HeaderValue = HeaderValue::from_static("application/apply-patch+yaml");

/// Encodes `value` as a JSON request body.
pub(crate) fn json_body(value: &impl Serialize) -> Result<Bytes> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(Error::Encode)
}

/// Where a resource's requests go (group, version, plural, namespace), and
/// the request of each verb. Non-generic and without a client, so it compiles
/// once for every kind and is tested without I/O.
#[derive(Clone, Debug)]
pub(crate) struct ResourceRequests {
    pub(crate) group: Cow<'static, str>,
    pub(crate) version: Cow<'static, str>,
    pub(crate) plural: Cow<'static, str>,
    /// `None`: cluster-scoped, or all namespaces.
    pub(crate) namespace: Option<String>,
    /// A namespaced kind whose client was given an empty namespace: every
    /// request is refused before any I/O.
    pub(crate) missing_namespace: bool,
    /// A namespaced kind addressed across all namespaces (no namespace): it
    /// may be listed and watched, but a request that creates, reads or
    /// changes an object needs a namespace and is refused before any I/O.
    pub(crate) all_namespaces: bool,
    /// Ask for PartialObjectMetadata(List) on gets, lists and watches.
    pub(crate) metadata_only: bool,
}

/// `Accept` of a metadata-only get or watch (client-go's metadata client).
const ACCEPT_PARTIAL_OBJECT: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/// `Accept` of a metadata-only list.
const ACCEPT_PARTIAL_LIST: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

impl ResourceRequests {
    /// A request to the collection.
    pub(crate) fn collection(&self, method: Method) -> Request {
        let request = Request::new(method)
            .group_version(self.group.clone(), self.version.clone())
            .resource(self.plural.clone());
        let request = match &self.namespace {
            Some(ns) => request.namespace(ns.clone()),
            None => request,
        };
        if self.missing_namespace {
            request.fail(RequestError::MissingNamespace)
        } else {
            request
        }
    }

    /// A request that needs a namespace when the kind is namespaced.
    fn in_namespace(&self, method: Method) -> Request {
        let request = self.collection(method);
        if self.all_namespaces {
            request.fail(RequestError::MissingNamespace)
        } else {
            request
        }
    }

    /// A request to the object called `name`.
    pub(crate) fn object(&self, method: Method, name: &str) -> Request {
        if name.is_empty() {
            return self
                .in_namespace(method)
                .fail(RequestError::MissingName("this operation"));
        }
        self.in_namespace(method).name(name)
    }

    /// A request to `subresource` of `name`, or to `name` itself.
    fn object_or_sub(
        &self,
        method: Method,
        name: &str,
        subresource: Option<&'static str>,
    ) -> Request {
        let request = self.object(method, name);
        match subresource {
            Some(sub) => request.subresource(sub),
            None => request,
        }
    }

    /// GET of one object.
    pub(crate) fn get(
        &self,
        name: &str,
        subresource: Option<&'static str>,
        opts: &GetOptions,
    ) -> Request {
        let request = self
            .object_or_sub(Method::GET, name, subresource)
            .options(opts);
        self.accepting(request, ACCEPT_PARTIAL_OBJECT)
    }

    /// GET of the collection as a list.
    pub(crate) fn list(&self, opts: &ListOptions) -> Request {
        let request = self.collection(Method::GET).options(opts);
        self.accepting(request, ACCEPT_PARTIAL_LIST)
    }

    /// GET of the collection for a watch (the client adds `watch=true`).
    pub(crate) fn watch(&self, opts: &ListOptions) -> Request {
        let request = self.collection(Method::GET).options(opts);
        self.accepting(request, ACCEPT_PARTIAL_OBJECT)
    }

    /// Sets the metadata-only `Accept` when this kind asks for it.
    fn accepting(&self, request: Request, partial: &'static str) -> Request {
        if self.metadata_only {
            request.header(http::header::ACCEPT, partial)
        } else {
            request
        }
    }

    /// POST of `body` to the collection.
    pub(crate) fn create(&self, body: Result<Bytes>, opts: &CreateOptions) -> Request {
        self.in_namespace(Method::POST)
            .options(opts)
            .with_body(body, JSON)
    }

    /// POST of `body` to a subresource of `name` (an eviction, say).
    pub(crate) fn create_subresource(
        &self,
        name: &str,
        subresource: &'static str,
        body: Result<Bytes>,
        opts: &CreateOptions,
    ) -> Request {
        self.object_or_sub(Method::POST, name, Some(subresource))
            .options(opts)
            .with_body(body, JSON)
    }

    /// PUT of `body` to `name` (`metadata.name`; `None` is refused) or its subresource.
    pub(crate) fn update(
        &self,
        name: Option<&str>,
        subresource: Option<&'static str>,
        body: Result<Bytes>,
        opts: &UpdateOptions,
    ) -> Request {
        let Some(name) = name else {
            return self
                .in_namespace(Method::PUT)
                .fail(RequestError::MissingName("update (metadata.name)"));
        };
        self.object_or_sub(Method::PUT, name, subresource)
            .options(opts)
            .with_body(body, JSON)
    }

    /// PATCH of `name` or its subresource.
    pub(crate) fn patch<P: Serialize>(
        &self,
        name: &str,
        subresource: Option<&'static str>,
        patch: &Patch<P>,
        opts: &PatchOptions,
    ) -> Request {
        let body = patch.to_body().map(Bytes::from).map_err(Error::Encode);
        self.object_or_sub(Method::PATCH, name, subresource)
            .options(opts)
            .with_body(body, HeaderValue::from_static(patch.content_type()))
    }

    /// Server-side apply of `body` (already an apply patch) to `name` or its subresource.
    pub(crate) fn apply(
        &self,
        name: &str,
        subresource: Option<&'static str>,
        body: Result<Bytes>,
        opts: &ApplyOptions,
    ) -> Request {
        self.object_or_sub(Method::PATCH, name, subresource)
            .options(opts)
            .with_body(body, APPLY_PATCH)
    }

    /// DELETE of `name`, the options as the JSON body (as client-go sends them).
    pub(crate) fn delete(&self, name: &str, opts: &DeleteOptions) -> Request {
        self.object(Method::DELETE, name)
            .with_body(json_body(opts), JSON)
    }

    /// DELETE of the collection, `list_opts` selecting what goes.
    pub(crate) fn delete_collection(
        &self,
        opts: &DeleteOptions,
        list_opts: &ListOptions,
    ) -> Request {
        self.in_namespace(Method::DELETE)
            .options(list_opts)
            .with_body(json_body(opts), JSON)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::RequestError;

    fn crontabs(namespace: Option<&str>) -> ResourceRequests {
        ResourceRequests {
            metadata_only: false,
            group: "stable.example.com".into(),
            version: "v1".into(),
            plural: "crontabs".into(),
            namespace: namespace.map(str::to_owned),
            missing_namespace: namespace == Some(""),
            all_namespaces: namespace.is_none(),
        }
    }

    #[test]
    fn metadata_only_kinds_ask_for_partial_object_metadata() {
        let accept = |r: Request| {
            r.headers()
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let opts = ListOptions::default();
        let full = crontabs(Some("ns"));
        assert_eq!(accept(full.list(&opts)), None);
        let partial = ResourceRequests {
            metadata_only: true,
            ..crontabs(Some("ns"))
        };
        assert_eq!(
            accept(partial.list(&opts)).as_deref(),
            Some("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
        );
        let object = Some("application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1");
        assert_eq!(accept(partial.watch(&opts)).as_deref(), object);
        assert_eq!(
            accept(partial.get("a", None, &GetOptions::default())).as_deref(),
            object
        );
    }

    #[test]
    fn verbs_render_without_a_client() {
        let r = crontabs(Some("ns"));
        let list = r
            .list(&ListOptions::default().limit(5))
            .render(None)
            .unwrap();
        assert_eq!(list.method, Method::GET);
        assert_eq!(
            list.path,
            "/apis/stable.example.com/v1/namespaces/ns/crontabs"
        );
        assert_eq!(list.query, "limit=5");
        let status = r
            .update(
                Some("a"),
                Some("status"),
                Ok(Bytes::from_static(b"{}")),
                &UpdateOptions::default().dry_run(),
            )
            .render(None)
            .unwrap();
        assert_eq!(status.method, Method::PUT);
        assert_eq!(
            status.path,
            "/apis/stable.example.com/v1/namespaces/ns/crontabs/a/status"
        );
        assert_eq!(status.query, "dryRun=All");
        assert_eq!(
            status.headers[http::header::CONTENT_TYPE],
            "application/json"
        );
        let apply = r
            .apply(
                "a",
                None,
                Ok(Bytes::from_static(b"{}")),
                &ApplyOptions::new("me"),
            )
            .render(None)
            .unwrap();
        assert_eq!(apply.query, "fieldManager=me&force=false");
        assert_eq!(
            apply.headers[http::header::CONTENT_TYPE],
            "application/apply-patch+yaml"
        );
        let delete = r
            .delete("a", &DeleteOptions::default())
            .render(None)
            .unwrap();
        assert_eq!(
            delete.body.as_deref(),
            Some(&br#"{"kind":"DeleteOptions","apiVersion":"v1"}"#[..])
        );
    }

    #[test]
    fn a_missing_namespace_or_name_is_refused_before_io() {
        let err = crontabs(Some(""))
            .create(Ok(Bytes::new()), &CreateOptions::default())
            .render(None)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(RequestError::MissingNamespace)),
            "{err}"
        );
        let err = crontabs(Some("ns"))
            .update(None, None, Ok(Bytes::new()), &UpdateOptions::default())
            .render(None)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(RequestError::MissingName(_))),
            "{err}"
        );
        let all = crontabs(None);
        let list = all.list(&ListOptions::default()).render(None).unwrap();
        assert_eq!(list.path, "/apis/stable.example.com/v1/crontabs");
        for request in [
            all.create(Ok(Bytes::new()), &CreateOptions::default()),
            all.get("a", None, &GetOptions::default()),
            all.update(Some("a"), None, Ok(Bytes::new()), &UpdateOptions::default()),
            all.delete("a", &DeleteOptions::default()),
            all.delete_collection(&DeleteOptions::default(), &ListOptions::default()),
        ] {
            let err = request.render(None).unwrap_err();
            assert!(
                matches!(err, Error::InvalidRequest(RequestError::MissingNamespace)),
                "{err}"
            );
        }
        let err = crontabs(Some("ns"))
            .get("", None, &GetOptions::default())
            .render(None)
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest(RequestError::MissingName(_))),
            "{err}"
        );
    }
}
