//! Patch bodies and their media types.

use serde::Serialize;

use super::with_type_meta::strip_managed_fields;

/// A patch to send with a PATCH request; the variant picks the media type.
///
/// ```
/// use client_core::Patch;
/// use serde_json::json;
///
/// let p = Patch::Merge(json!({"metadata": {"labels": {"app": null}}}));
/// assert_eq!(p.content_type(), "application/merge-patch+json");
/// assert_eq!(p.to_body().unwrap(), br#"{"metadata":{"labels":{"app":null}}}"#);
///
/// let ops = Patch::Json(json!([{"op": "replace", "path": "/spec/size", "value": 3}]));
/// assert_eq!(ops.content_type(), "application/json-patch+json");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Patch<P = serde_json::Value> {
    /// An RFC 6902 JSON patch: a list of operations.
    Json(P),
    /// An RFC 7386 JSON merge patch (`null` deletes a field).
    Merge(P),
    /// A strategic merge patch (built-in kinds only; custom resources answer 415).
    Strategic(P),
    /// A server-side apply patch: the (partial) object the field manager wants.
    ///
    /// Sent as JSON (which is YAML) with `metadata.managedFields` removed.
    /// `apiVersion` and `kind` must be present: the typed client's `apply`
    /// writes them; when building this variant by hand, include them.
    Apply(P),
}

impl<P> Patch<P> {
    /// The `Content-Type` of the request.
    pub fn content_type(&self) -> &'static str {
        match self {
            Self::Json(_) => "application/json-patch+json",
            Self::Merge(_) => "application/merge-patch+json",
            Self::Strategic(_) => "application/strategic-merge-patch+json",
            Self::Apply(_) => "application/apply-patch+yaml",
        }
    }

    /// The patch content.
    pub fn content(&self) -> &P {
        match self {
            Self::Json(p) | Self::Merge(p) | Self::Strategic(p) | Self::Apply(p) => p,
        }
    }

    /// `true` for [`Patch::Apply`].
    pub fn is_apply(&self) -> bool {
        matches!(self, Self::Apply(_))
    }
}

impl<P: Serialize> Patch<P> {
    /// The request body as JSON bytes.
    ///
    /// For [`Patch::Apply`], `metadata.managedFields` is removed first (apply
    /// never sends it); that path goes through a `serde_json::Value`.
    ///
    /// # Errors
    ///
    /// Fails if the content cannot be serialized to JSON.
    pub fn to_body(&self) -> Result<Vec<u8>, serde_json::Error> {
        match self {
            Self::Apply(p) => {
                let mut value = serde_json::to_value(p)?;
                if let serde_json::Value::Object(fields) = &mut value {
                    strip_managed_fields(fields);
                }
                serde_json::to_vec(&value)
            }
            Self::Json(p) | Self::Merge(p) | Self::Strategic(p) => serde_json::to_vec(p),
        }
    }
}
