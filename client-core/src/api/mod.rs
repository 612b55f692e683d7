//! Kubernetes API types: object metadata, lists, `Status`, watch events,
//! option types with their query encoding, patches and built-in kinds.

pub mod meta;
pub mod options;
pub mod patch;
mod serde_util;
pub mod status;
pub mod typemeta;
pub mod watch;

pub use meta::{
    List, ListMeta, ManagedFieldsEntry, MicroTime, ObjectMeta, OwnerReference, Time,
    TimeParseError, TypeMeta,
};
pub use options::{
    ApplyOptions, CreateOptions, DeleteOptions, FieldValidation, GetOptions, ListOptions,
    PatchOptions, Preconditions, PropagationPolicy, QueryParams, ResourceVersionMatch,
    UpdateOptions, encode_query,
};
pub use patch::Patch;
pub use status::{Status, StatusCause, StatusDetails, StatusReason};
pub use typemeta::{WithTypeMeta, apply_body};
pub use watch::{
    Bookmark, BookmarkMeta, INITIAL_EVENTS_END_ANNOTATION, WatchEvent, WatchEventType,
};

#[cfg(test)]
pub(crate) mod tests;
