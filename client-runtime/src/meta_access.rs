//! The one place that reads and writes object metadata fields.
//!
//! `Resource`'s metadata accessors are expected to change (a metadata-access
//! trait so that k8s-openapi's `ObjectMeta` works too); everything else in
//! this crate goes through these functions, so that change touches one file.

use client_core::{OwnerReference, Resource};

/// The name (`""` when unset).
pub(crate) fn name<K: Resource>(obj: &K) -> &str {
    obj.metadata().name.as_deref().unwrap_or_default()
}

/// The namespace, `None` when unset or empty.
pub(crate) fn namespace<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata()
        .namespace
        .as_deref()
        .filter(|ns| !ns.is_empty())
}

/// The uid, `None` when unset or empty.
pub(crate) fn uid<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata().uid.as_deref().filter(|uid| !uid.is_empty())
}

/// The resourceVersion, `None` when unset or empty.
pub(crate) fn resource_version<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata()
        .resource_version
        .as_deref()
        .filter(|rv| !rv.is_empty())
}

/// The labels.
pub(crate) fn labels<K: Resource>(obj: &K) -> &std::collections::BTreeMap<String, String> {
    &obj.metadata().labels
}

/// The finalizers.
pub(crate) fn finalizers<K: Resource>(obj: &K) -> &[String] {
    &obj.metadata().finalizers
}

/// Whether deletion was requested (`deletionTimestamp` set).
pub(crate) fn is_deleting<K: Resource>(obj: &K) -> bool {
    obj.metadata().deletion_timestamp.is_some()
}

/// The owner references.
pub(crate) fn owner_references<K: Resource>(obj: &K) -> &[OwnerReference] {
    &obj.metadata().owner_references
}

/// The owner references, mutably.
pub(crate) fn owner_references_mut<K: Resource>(obj: &mut K) -> &mut Vec<OwnerReference> {
    &mut obj.metadata_mut().owner_references
}

/// Drops `metadata.managedFields` (the default informer transform).
pub(crate) fn clear_managed_fields<K: Resource>(obj: &mut K) {
    obj.metadata_mut().managed_fields = Vec::new();
}
