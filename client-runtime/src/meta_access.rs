//! The one place that reads and writes object metadata fields, through
//! client-core's `ObjectMetaAccess` (so k8s-openapi's `ObjectMeta` works too).

use client_core::{ObjectMetaAccess, OwnerReference, Resource};

/// The name (`""` when unset).
pub(crate) fn name<K: Resource>(obj: &K) -> &str {
    obj.metadata().name().unwrap_or_default()
}

/// The namespace, `None` when unset or empty.
pub(crate) fn namespace<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata().namespace()
}

/// The uid, `None` when unset or empty.
pub(crate) fn uid<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata().uid()
}

/// The resourceVersion, `None` when unset or empty.
pub(crate) fn resource_version<K: Resource>(obj: &K) -> Option<&str> {
    obj.metadata().resource_version()
}

/// The labels.
pub(crate) fn labels<K: Resource>(obj: &K) -> &std::collections::BTreeMap<String, String> {
    obj.metadata().labels()
}

/// The finalizers.
pub(crate) fn finalizers<K: Resource>(obj: &K) -> &[String] {
    obj.metadata().finalizers()
}

/// Whether deletion was requested (`deletionTimestamp` set).
pub(crate) fn is_deleting<K: Resource>(obj: &K) -> bool {
    obj.metadata().is_deleting()
}

/// The owner references (a copy).
pub(crate) fn owner_references<K: Resource>(obj: &K) -> Vec<OwnerReference> {
    obj.metadata().owner_references()
}

/// Replaces the owner references.
pub(crate) fn set_owner_references<K: Resource>(obj: &mut K, refs: Vec<OwnerReference>) {
    obj.metadata_mut().set_owner_references(refs);
}

/// Drops `metadata.managedFields` (the default informer transform).
pub(crate) fn clear_managed_fields<K: Resource>(obj: &mut K) {
    obj.metadata_mut().clear_managed_fields();
}
