//! Kubernetes kinds: the built-in kinds `client-core` ships (with their
//! typed clients), `CustomResourceDefinition`, the `autoscaling/v1` `Scale`,
//! and [`DynamicObject`] for kinds without a Rust type.
//!
//! Files are named after the kind they hold. The `meta/v1` vocabulary that
//! every kind uses (`ObjectMeta`, `List`, options, `Status`, ...) is at the
//! crate root.

mod byte_string;
mod config_map;
mod crd;
mod dynamic_object;
mod event;
mod lease;
mod namespace;
mod object_reference;
mod scale;
mod secret;

pub use byte_string::ByteString;
pub use config_map::{ConfigMap, ConfigMapAllNamespacesClient, ConfigMapClient};
pub use crd::{
    CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionClient,
    CustomResourceDefinitionCondition, CustomResourceDefinitionNames, CustomResourceDefinitionSpec,
    CustomResourceDefinitionStatus, CustomResourceDefinitionVersion,
    CustomResourceSubresourceScale, CustomResourceSubresourceStatus, CustomResourceSubresources,
    CustomResourceValidation, ResourceScope, SelectableField,
};
pub use dynamic_object::{ApiResource, DynamicObject};
pub use event::{Event, EventAllNamespacesClient, EventClient, EventSeries, EventSource};
pub use lease::{Lease, LeaseAllNamespacesClient, LeaseClient, LeaseSpec};
pub use namespace::{
    Namespace, NamespaceClient, NamespaceCondition, NamespaceSpec, NamespaceStatus,
};
pub use object_reference::ObjectReference;
pub use scale::{Scale, ScaleSpec, ScaleStatus};
pub use secret::{Secret, SecretAllNamespacesClient, SecretClient};

#[cfg(test)]
mod tests;
