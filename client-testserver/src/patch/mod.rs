//! JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386), the two patch
//! types every resource accepts (`application/json-patch+json` and
//! `application/merge-patch+json`).

mod json_patch;
mod merge_patch;

pub(crate) use json_patch::{PatchError, json_patch};
pub(crate) use merge_patch::merge_patch;
