//! Metadata-only output (`meta.k8s.io` PartialObjectMetadata and
//! PartialObjectMetadataList), as kube-apiserver's `asPartialObjectMetadata`
//! and `asPartialObjectMetadataList` build them: the whole `metadata` of
//! each object, every item typed `PartialObjectMetadata`, the list's
//! `resourceVersion` and `continue` kept.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::http::accept::{PartialAs, wants_partial_metadata};
use crate::http::watch::Transform;

/// One object as `PartialObjectMetadata` of `meta.k8s.io/{version}`.
pub(crate) fn object(obj: &Value, version: &str) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// Objects as a `PartialObjectMetadataList` of `meta.k8s.io/{version}`.
pub(crate) fn list(objs: &[Value], version: &str, rv: &str, cont: Option<&str>) -> Value {
    let mut meta = json!({"resourceVersion": rv});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    json!({
        "kind": "PartialObjectMetadataList",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": meta,
        "items": objs.iter().map(|o| object(o, version)).collect::<Vec<_>>(),
    })
}

/// The 406 for asking a list of one object, or one object of a list
/// (kube-apiserver's wording, without Go's type name).
pub(crate) fn not_acceptable(asked: PartialAs) -> ApiError {
    let message = match asked {
        PartialAs::List => {
            "you requested PartialObjectMetadataList, but the requested object is not a list"
        }
        PartialAs::Object => {
            "you requested PartialObjectMetadata, but the requested object is a list"
        }
    };
    ApiError::new(406, "NotAcceptable", message)
}

/// For watches asking for `as=PartialObjectMetadata`: each event's object
/// becomes its metadata. `Err` (406) for `as=PartialObjectMetadataList`.
pub(crate) fn watch_transform(accept: &str) -> Result<Option<Transform>, ApiError> {
    match wants_partial_metadata(accept) {
        None => Ok(None),
        Some((PartialAs::List, _)) => Err(not_acceptable(PartialAs::List)),
        Some((PartialAs::Object, version)) => {
            Ok(Some(Arc::new(move |obj: Value| object(&obj, version))))
        }
    }
}
