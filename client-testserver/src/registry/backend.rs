//! [`Backend`]: the store plus the served kinds, and the helpers every verb
//! shares. The verbs live in `create.rs`, `update.rs` (update, patch and
//! the shared update path), `apply.rs`, `delete.rs`, `scale.rs` and
//! `read.rs`; all are HTTP-free, so the Rust `StoreHandle` and the HTTP
//! handlers share one path.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::Registry;
use crate::registry::kind::ResourceKind;
use crate::storage::store::{ObjectKey, Store};

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The main resource.
    Main,
    /// The `/status` subresource.
    Status,
    /// A subresource that writes one field: the value at this JSON pointer
    /// comes from the write, everything else from the stored object
    /// (`namespaces/finalize`: `/spec/finalizers`,
    /// `pods/ephemeralcontainers`: `/spec/ephemeralContainers`,
    /// `certificatesigningrequests/approval`: `/status/conditions`).
    Field(&'static str),
    /// `pods/resize`: the `resources` and `resizePolicy` of each container
    /// (matched by name) come from the write, everything else from the
    /// stored pod.
    Resize,
    /// A write the server computed from the stored object (`pods/binding`
    /// sets `spec.nodeName`): stored as computed, without the kind's
    /// main-write validation (which refuses spec changes a binding makes).
    Computed,
}

/// The patch formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatchType {
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json` (built-ins): merge keys and
    /// strategies from the kind's type (`patch::strategic`).
    StrategicMerge,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

/// What a delete did.
pub(crate) enum Deleted {
    /// The object is gone; its final state.
    Gone(Value),
    /// Finalizers hold it; it now carries a deletionTimestamp.
    Pending(Value),
}

/// The store plus the served resources: the server's state.
#[derive(Clone)]
pub(crate) struct Backend {
    /// Objects.
    pub store: Store,
    /// Served resources.
    pub registry: Registry,
}

pub(crate) fn key_of(kind: &ResourceKind, ns: Option<&str>, name: &str) -> ObjectKey {
    let ns = if kind.namespaced {
        ns.unwrap_or("")
    } else {
        ""
    };
    (ns.to_string(), name.to_string())
}

/// Parses stored bytes (always valid JSON written by this crate).
pub(crate) fn parse(b: &Bytes) -> Value {
    serde_json::from_slice(b).unwrap_or(Value::Null)
}

/// Serializes for storage; the buffer is trimmed to its length so a stored
/// object costs its JSON size, not the serializer's grown capacity.
pub(crate) fn encode(v: &Value) -> Bytes {
    let mut buf = serde_json::to_vec(v).unwrap_or_default();
    buf.shrink_to_fit();
    Bytes::from(buf)
}

pub(crate) fn meta(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let Value::Object(o) = v else {
        unreachable!("made an object above")
    };
    let m = o
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !m.is_object() {
        *m = Value::Object(Map::new());
    }
    let Value::Object(m) = m else {
        unreachable!("made an object above")
    };
    m
}

pub(crate) fn str_at<'a>(v: &'a Value, p: &str) -> Option<&'a str> {
    v.pointer(p).and_then(Value::as_str)
}

pub(crate) fn require_object(v: &Value) -> Result<(), ApiError> {
    if v.is_object() {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "the body of the request is not a JSON object",
        ))
    }
}

/// A body's `apiVersion`, when set, must be the one of the URL.
pub(crate) fn check_api_version(
    kind: &ResourceKind,
    version: &str,
    body: &Value,
) -> Result<(), ApiError> {
    let expected = kind.api_version(version);
    if let Some(got) = body.get("apiVersion").and_then(Value::as_str)
        && !got.is_empty()
        && got != expected
    {
        return Err(ApiError::bad_request(format!(
            "the API version in the data ({got}) does not match the expected API version ({expected})"
        )));
    }
    // kube-apiserver decodes the body into the URL's type: another kind
    // fails the conversion and the decode error is a 400.
    if let Some(got) = body.get("kind").and_then(Value::as_str)
        && !got.is_empty()
        && got != kind.kind
    {
        return Err(ApiError::bad_request(format!(
            "the object provided is unrecognized (must be of type {}): {}",
            kind.kind,
            unknown_conversion(kind, version, got)
        )));
    }
    Ok(())
}

/// Strict decoding of a body into the kind's Go type, as kube-apiserver
/// decodes a create, update or apply body: a built-in kind against its
/// type in the vendored definitions (`types`), any other kind's
/// `metadata` against ObjectMeta. Unknown fields are `fieldValidation`'s
/// business (`Writer::admit`).
///
/// # Errors
/// 400 BadRequest with the decoder's message.
pub(crate) fn check_typed(
    kind: &ResourceKind,
    version: &str,
    body: &Value,
) -> Result<(), ApiError> {
    decode_typed(kind, version, body).map_err(|e| {
        ApiError::bad_request(format!(
            "{k} in version \"{version}\" cannot be handled as a {k}: {e}",
            k = kind.kind
        ))
    })
}

/// Strict decoding of a subresource's body as the built-in kind it
/// carries (`autoscaling/v1` `Scale`), as [`check_typed`] does for a kind.
///
/// # Errors
/// 400 BadRequest with the decoder's message.
pub(crate) fn check_typed_as(api_version: &str, kind: &str, body: &Value) -> Result<(), ApiError> {
    let Some(n) = crate::types::kind_node(api_version, kind) else {
        return Ok(());
    };
    crate::types::decode::check(n, body)
        .map(|_| ())
        .map_err(|e| {
            let version = api_version.rsplit('/').next().unwrap_or(api_version);
            ApiError::bad_request(format!(
                "{kind} in version \"{version}\" cannot be handled as a {kind}: {e}"
            ))
        })
}

/// The decoder's message for the first value of `obj` that does not fit
/// the kind's Go type ([`check_typed`]).
fn decode_typed(kind: &ResourceKind, version: &str, obj: &Value) -> Result<(), String> {
    match typed_node(kind, version) {
        Some(n) => crate::types::decode::check(n, obj).map(|_| ()),
        None => crate::types::decode::check_metadata(&kind.kind, obj),
    }
}

/// The type of a built-in kind at `version` in the vendored definitions;
/// `None` for custom resources.
pub(crate) fn typed_node(
    kind: &ResourceKind,
    version: &str,
) -> Option<crate::types::Node<'static>> {
    if kind.origin != crate::registry::kind::Origin::BuiltIn {
        return None;
    }
    crate::types::kind_node(&kind.api_version(version), &kind.kind)
}

/// The decode error of an object of kind `got` read into `kind`'s type, in
/// apimachinery's conversion wording (the internal package is the group's
/// first label, `core` for the legacy group).
fn unknown_conversion(kind: &ResourceKind, version: &str, got: &str) -> String {
    let internal = kind.group.split('.').next().filter(|g| !g.is_empty());
    format!(
        "converting ({version}.{got}) to ({}.{}): unknown conversion",
        internal.unwrap_or("core"),
        kind.kind
    )
}

/// A patched object must still decode into the stored type: the same kind
/// and version, and values that fit the kind's Go type ([`check_typed`]).
/// kube-apiserver decodes the patched JSON, and a failure is a 422 naming
/// the field `patch` with the patched object as its value.
///
/// # Errors
/// 422 Invalid when `kind` or `apiVersion` changed or went missing, or a
/// value does not fit its type.
pub(crate) fn check_patched_type(
    kind: &ResourceKind,
    version: &str,
    patched: &Value,
) -> Result<(), ApiError> {
    let expected = kind.api_version(version);
    let problem = match (
        patched.get("apiVersion").and_then(Value::as_str),
        patched.get("kind").and_then(Value::as_str),
    ) {
        (_, None | Some("")) => format!("Object 'Kind' is missing in '{patched}'"),
        (Some(v), Some(_)) if !v.is_empty() && v != expected => format!(
            "no kind \"{}\" is registered for version \"{v}\"",
            kind.kind
        ),
        (None | Some(""), _) => format!("Object 'apiVersion' is missing in '{patched}'"),
        (_, Some(k)) if k != kind.kind => unknown_conversion(kind, version, k),
        _ => match decode_typed(kind, version, patched) {
            Ok(()) => return Ok(()),
            Err(e) => e,
        },
    };
    let value = serde_json::to_string(&patched.to_string()).unwrap_or_default();
    // With no kind and no name, the message is apimachinery's
    // ` "" is invalid: patch: ...` (leading space included).
    Err(ApiError::invalid(
        "",
        "",
        "",
        &[("patch".into(), format!("Invalid value: {value}: {problem}"))],
    ))
}

impl Backend {
    /// Whether namespace `ns` exists.
    pub(crate) fn namespace_exists(&self, ns: &str) -> bool {
        self.store
            .get("namespaces", &(String::new(), ns.to_string()))
            .is_some()
    }

    /// Sets `apiVersion` to the requested version of `kind`.
    pub(crate) fn present(&self, kind: &ResourceKind, version: &str, mut v: Value) -> Value {
        if let Value::Object(m) = &mut v {
            m.insert("apiVersion".into(), json!(kind.api_version(version)));
            m.insert("kind".into(), json!(kind.kind));
        }
        v
    }

    /// Stored bytes as served at `version`: the bytes themselves when they
    /// already carry that apiVersion (the common case), else re-encoded.
    pub(crate) fn encode_for(&self, kind: &ResourceKind, version: &str, raw: &Bytes) -> Bytes {
        // Keys are written sorted, so a top-level apiVersion comes first (a
        // nested one, in an ownerReference say, must not count).
        let pattern = format!("{{\"apiVersion\":\"{}\"", kind.api_version(version));
        if raw.starts_with(pattern.as_bytes()) {
            return raw.clone();
        }
        encode(&self.present(kind, version, parse(raw)))
    }

    /// Reads one object's stored JSON.
    ///
    /// # Errors
    /// 404 NotFound.
    pub(crate) fn get_raw(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Bytes, ApiError> {
        self.store
            .get(&kind.resource(), &key_of(kind, ns, name))
            .ok_or_else(|| ApiError::not_found(&kind.group, &kind.plural, name))
    }

    /// Reads one object.
    ///
    /// # Errors
    /// 404 NotFound.
    pub(crate) fn get(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        self.store
            .get(&kind.resource(), &key_of(kind, ns, name))
            .map(|b| parse(&b))
            .ok_or_else(|| ApiError::not_found(&kind.group, &kind.plural, name))
    }
}
