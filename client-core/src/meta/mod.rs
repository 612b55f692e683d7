//! apimachinery's `meta/v1` vocabulary, which every call speaks: object and
//! list metadata, timestamps, option types and the one query encoder,
//! patches, `Status`, watch events, and writing `apiVersion`/`kind` in front
//! of an object.
//!
//! The module is private: each item is public once, at the crate root.

mod list;
mod meta_access;
mod object_meta;
mod options;
mod partial;
mod patch;
pub(crate) mod query;
pub(crate) mod serde_util;
mod status;
mod time;
mod watch_event;
mod with_type_meta;

pub use list::{List, ListMeta};
pub use meta_access::ObjectMetaAccess;
pub use object_meta::{ManagedFieldsEntry, ObjectMeta, OwnerReference, TypeMeta};
pub use options::{
    ApplyOptions, CreateOptions, DeleteOptions, FieldValidation, GetOptions, ListOptions,
    PatchOptions, Preconditions, PropagationPolicy, ResourceVersionMatch, UpdateOptions,
};
pub use partial::PartialObjectMetadata;
pub use patch::Patch;
pub use query::QueryParams;
pub use status::{Status, StatusCause, StatusDetails, StatusReason};
pub use time::{MicroTime, Time, TimeParseError};
pub use watch_event::{
    Bookmark, BookmarkMeta, INITIAL_EVENTS_END_ANNOTATION, WatchEvent, WatchEventType,
};
pub use with_type_meta::{WithTypeMeta, apply_body};

#[cfg(test)]
mod tests;
