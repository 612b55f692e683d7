//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`). Not
//! public API: names here change without notice. Each function feeds
//! arbitrary input to one parser or patch engine exactly as a request
//! would, and returns what the server would answer with; the fuzzer looks
//! for panics, hangs and runaway memory, never for a particular answer.

use serde_json::Value;

use crate::http::handlers::{Query, Req, decode_body as decode};
use crate::registry::Registry;
use crate::registry::read::ListOptions;

/// Decodes `body` as a request body of media type `content_type` (JSON,
/// YAML or protobuf).
///
/// # Errors
/// The Status message the server would answer with.
pub fn decode_body(content_type: &str, body: &[u8]) -> Result<Value, String> {
    let req = Req {
        method: http::Method::POST,
        query: Query::parse(""),
        content_type: Some(content_type.to_string()),
        accept: String::new(),
        user_agent: String::new(),
        body: bytes::Bytes::copy_from_slice(body),
    };
    decode(&req).map_err(|e| e.message)
}

/// Decodes `raw` as a protobuf message of the built-in kind `selector`
/// picks (modulo the number of kinds, in name order), without the `k8s\0`
/// envelope, so every byte exercises the message decoders.
///
/// # Errors
/// The decode error's text.
pub fn protobuf_object(selector: u16, raw: &[u8]) -> Result<Value, String> {
    crate::http::protobuf::decode_kind(usize::from(selector), raw).map_err(|e| e.to_string())
}

/// Applies `patch` (raw bytes) to `doc` as a JSON patch (`json: true`)
/// or a merge patch, then server-side applies the result over `doc`.
///
/// # Errors
/// The patch's error message.
pub fn patch(doc: &Value, patch: &[u8], json: bool) -> Result<Value, String> {
    let p: Value = serde_json::from_slice(patch).map_err(|e| e.to_string())?;
    let mut out = doc.clone();
    if json {
        crate::patch::json_patch(&mut out, &p).map_err(|e| e.to_string())?;
    } else if p.is_object() {
        crate::patch::merge_patch(&mut out, &p);
    }
    let applied = crate::ssa::apply(Some(doc), &p, "fuzz", false, None, "2024-01-01T00:00:00Z")
        .map_err(|e| e.message())?;
    Ok(applied.object)
}

/// Parses a label and a field selector and matches them against `obj`.
///
/// # Errors
/// The parse error's message.
pub fn selectors(label: &str, field: &str, obj: &Value) -> Result<bool, String> {
    let registry = Registry::with_builtins();
    let kind = registry
        .by_resource("", "configmaps")
        .ok_or_else(|| "configmaps not served".to_string())?;
    let options = ListOptions::parse(&kind, Some(label), Some(field)).map_err(|e| e.message)?;
    Ok(options.matches(&kind, obj))
}

/// Parses a raw query string as the list and watch options of a
/// ConfigMap list.
///
/// # Errors
/// The Status message the server would answer with.
pub fn list_query(raw: &str) -> Result<(), String> {
    let registry = Registry::with_builtins();
    let kind = registry
        .by_resource("", "configmaps")
        .ok_or_else(|| "configmaps not served".to_string())?;
    let q = Query::parse(raw);
    ListOptions::parse(&kind, q.get("labelSelector"), q.get("fieldSelector"))
        .map_err(|e| e.message)?;
    Ok(())
}

/// Decodes a `continue` token; `None` when it is not one of ours.
pub fn continue_token(token: &str) -> Option<(u64, String, String)> {
    crate::storage::continuation::decode(token).map(|t| (t.rv, t.key.0, t.key.1))
}
