//! Metadata-only output (`meta.k8s.io` PartialObjectMetadata and
//! PartialObjectMetadataList), as kube-apiserver's `asPartialObjectMetadata`
//! and `asPartialObjectMetadataList` build them: the whole `metadata` of
//! each object, every item typed `PartialObjectMetadata`, the list's
//! `resourceVersion` and `continue` kept.

use std::sync::Arc;

use bytes::{BufMut, Bytes, BytesMut};
use serde_json::value::RawValue;
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

/// Stored objects as a `PartialObjectMetadataList` of `meta.k8s.io/{version}`,
/// written straight from each object's `metadata` bytes: a list of 20k
/// objects is never parsed into `Value`s.
pub(crate) fn list_from_stored(
    items: &[Bytes],
    version: &str,
    rv: &str,
    cont: Option<&str>,
) -> Bytes {
    #[derive(serde::Deserialize)]
    struct OnlyMetadata<'a> {
        #[serde(borrow)]
        metadata: Option<&'a RawValue>,
    }
    let mut meta = json!({"resourceVersion": rv});
    if let Some(c) = cont {
        meta["continue"] = json!(c);
    }
    let head = json!({
        "kind": "PartialObjectMetadataList",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": meta,
    });
    let head = serde_json::to_vec(&head).unwrap_or_default();
    let item_head = format!(
        r#"{{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/{version}","metadata":"#
    );
    let total: usize = items.iter().map(|b| b.len()).sum();
    let mut out = BytesMut::with_capacity(head.len() + total / 2 + 16);
    out.put_slice(&head[..head.len().saturating_sub(1)]);
    out.put_slice(b",\"items\":[");
    for (i, raw) in items.iter().enumerate() {
        if i > 0 {
            out.put_u8(b',');
        }
        out.put_slice(item_head.as_bytes());
        match serde_json::from_slice::<OnlyMetadata<'_>>(raw) {
            Ok(OnlyMetadata { metadata: Some(m) }) => out.put_slice(m.get().as_bytes()),
            _ => out.put_slice(b"{}"),
        }
        out.put_u8(b'}');
    }
    out.put_slice(b"]}");
    out.freeze()
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
