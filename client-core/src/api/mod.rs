//! Kubernetes API types: object metadata, lists, `Status`, watch events,
//! option types with their query encoding, patches and built-in kinds.

pub mod core;
pub mod crd;
pub mod dynamic;
pub mod meta;
pub mod options;
pub mod patch;
pub mod scale;
mod serde_util;
pub mod status;
pub mod typemeta;
pub mod watch;

pub use self::core::{
    ByteString, ConfigMap, Event, EventSeries, EventSource, Lease, LeaseSpec, Namespace,
    NamespaceCondition, NamespaceSpec, NamespaceStatus, ObjectReference, Secret,
};
pub use crate::request::QueryParams;
pub use core::{
    ConfigMapAllNamespacesClient, ConfigMapClient, EventAllNamespacesClient, EventClient,
    LeaseAllNamespacesClient, LeaseClient, NamespaceClient, SecretAllNamespacesClient,
    SecretClient,
};
pub use crd::CustomResourceDefinition;
pub use crd::CustomResourceDefinitionClient;
pub use dynamic::{ApiResource, DynamicObject};
pub use meta::{
    List, ListMeta, ManagedFieldsEntry, MicroTime, ObjectMeta, OwnerReference, Time,
    TimeParseError, TypeMeta,
};
pub use options::{
    ApplyOptions, CreateOptions, DeleteOptions, FieldValidation, GetOptions, ListOptions,
    PatchOptions, Preconditions, PropagationPolicy, ResourceVersionMatch, UpdateOptions,
};
pub use patch::Patch;
pub use scale::{Scale, ScaleSpec, ScaleStatus};
pub use status::{Status, StatusCause, StatusDetails, StatusReason};
pub use typemeta::{WithTypeMeta, apply_body};
pub use watch::{
    Bookmark, BookmarkMeta, INITIAL_EVENTS_END_ANNOTATION, WatchEvent, WatchEventType,
};

#[cfg(test)]
pub(crate) mod tests;
