//! JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386), the two patch
//! types every resource accepts (`application/json-patch+json` and
//! `application/merge-patch+json`), and strategic merge patch
//! (`application/strategic-merge-patch+json`), which built-in kinds accept.

mod json_patch;
mod merge_patch;
mod strategic;

pub(crate) use json_patch::{PatchError, json_patch};
pub(crate) use merge_patch::merge_patch;
pub(crate) use strategic::strategic_merge_patch;

use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::types::Node;

/// A strategic merge patch applied to `doc`, an object of the type at
/// `root` (merge patch semantics when the type is unknown).
///
/// # Errors
/// 400 when the patch is not a JSON object (kube-apiserver decodes it into
/// a map), else [`SmpError::to_api_error`].
pub(crate) fn strategic(
    doc: &mut Value,
    patch: &Value,
    root: Option<Node<'_>>,
) -> Result<(), ApiError> {
    let empty = Map::new();
    let map = match patch {
        Value::Object(m) => m,
        Value::Null => &empty,
        other => {
            let what = match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            };
            return Err(ApiError::bad_request(format!(
                "json: cannot unmarshal {what} into Go value of type map[string]interface {{}}"
            )));
        }
    };
    match root {
        Some(root) => {
            *doc = strategic_merge_patch(doc, map, root).map_err(|e| e.to_api_error())?;
        }
        None => merge_patch(doc, patch),
    }
    Ok(())
}
