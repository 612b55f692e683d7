//! [`ObjectMetaAccess`]: what the framework reads and writes in an object's
//! metadata, whichever `ObjectMeta` type the object carries.
//!
//! Two `ObjectMeta` types meet in one program: client-core's own
//! ([`ObjectMeta`]) and, with the `k8s-openapi` feature, k8s-openapi's. A
//! cargo feature must not change a type for every crate in the build, so
//! [`Resource`](crate::Resource) does not name either: its `Meta` type is
//! any type with this trait, and every part of the framework that reads
//! metadata (update, delete outcomes, the watcher's bookkeeping,
//! managed-field stripping, object references) goes through it.

use std::collections::BTreeMap;

use crate::{ObjectMeta, OwnerReference};

/// The labels of an object without any.
#[cfg(feature = "k8s-openapi")]
static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// Read and write access to the metadata fields the framework needs.
///
/// Implemented by client-core's [`ObjectMeta`] and, with the `k8s-openapi`
/// feature, by k8s-openapi's `ObjectMeta`. A derived resource may carry
/// either in its `metadata` field.
///
/// ```
/// use client_core::{ObjectMeta, ObjectMetaAccess};
///
/// fn describe(meta: &impl ObjectMetaAccess) -> String {
///     format!("{}/{}", meta.namespace().unwrap_or(""), meta.name().unwrap_or(""))
/// }
/// assert_eq!(describe(&ObjectMeta::named("web").in_namespace("default")), "default/web");
/// ```
#[diagnostic::on_unimplemented(
    message = "the `metadata` field of a resource must be an `ObjectMeta`, not `{Self}`",
    label = "expected `client_core::ObjectMeta` (or k8s-openapi's `ObjectMeta`)",
    note = "a resource's metadata type implements `client_core::ObjectMetaAccess`: \
            client-core's `ObjectMeta` does, and k8s-openapi's does with the `k8s-openapi` feature"
)]
pub trait ObjectMetaAccess: Send + Sync + 'static {
    /// `metadata.name`, `None` when unset or empty.
    fn name(&self) -> Option<&str>;
    /// `metadata.namespace`, `None` when unset or empty (cluster-scoped objects).
    fn namespace(&self) -> Option<&str>;
    /// `metadata.uid`, `None` when unset or empty.
    fn uid(&self) -> Option<&str>;
    /// `metadata.resourceVersion`, `None` when unset or empty.
    fn resource_version(&self) -> Option<&str>;
    /// `metadata.generation`, `None` when unset.
    fn generation(&self) -> Option<i64>;
    /// `metadata.finalizers` (empty when unset).
    fn finalizers(&self) -> &[String];
    /// `metadata.labels` (empty when unset).
    fn labels(&self) -> &BTreeMap<String, String>;
    /// `metadata.ownerReferences`, as client-core's [`OwnerReference`] (a copy:
    /// k8s-openapi's metadata holds its own type).
    fn owner_references(&self) -> Vec<OwnerReference>;
    /// Replaces `metadata.ownerReferences`.
    fn set_owner_references(&mut self, references: Vec<OwnerReference>);
    /// `true` when `metadata.deletionTimestamp` is set: deletion was requested.
    fn is_deleting(&self) -> bool;
    /// The number of `metadata.managedFields` entries.
    fn managed_fields_len(&self) -> usize;
    /// Sets `metadata.name`.
    fn set_name(&mut self, name: Option<String>);
    /// Sets `metadata.namespace`.
    fn set_namespace(&mut self, namespace: Option<String>);
    /// Sets `metadata.resourceVersion`.
    fn set_resource_version(&mut self, resource_version: Option<String>);
    /// Removes every `metadata.managedFields` entry (server-side apply
    /// bookkeeping that controllers rarely read).
    fn clear_managed_fields(&mut self);
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|s| !s.is_empty())
}

/// The accessors both `ObjectMeta`s implement alike: their fields have the
/// same names and types, only `finalizers` and `managedFields` differ
/// (`Vec` here, `Option<Vec>` in k8s-openapi).
macro_rules! same_shape_accessors {
    () => {
        fn name(&self) -> Option<&str> {
            non_empty(&self.name)
        }
        fn namespace(&self) -> Option<&str> {
            non_empty(&self.namespace)
        }
        fn uid(&self) -> Option<&str> {
            non_empty(&self.uid)
        }
        fn resource_version(&self) -> Option<&str> {
            non_empty(&self.resource_version)
        }
        fn generation(&self) -> Option<i64> {
            self.generation
        }
        fn is_deleting(&self) -> bool {
            self.deletion_timestamp.is_some()
        }
        fn set_name(&mut self, name: Option<String>) {
            self.name = name;
        }
        fn set_namespace(&mut self, namespace: Option<String>) {
            self.namespace = namespace;
        }
        fn set_resource_version(&mut self, resource_version: Option<String>) {
            self.resource_version = resource_version;
        }
    };
}

impl ObjectMetaAccess for ObjectMeta {
    same_shape_accessors!();
    fn finalizers(&self) -> &[String] {
        &self.finalizers
    }
    fn labels(&self) -> &BTreeMap<String, String> {
        &self.labels
    }
    fn owner_references(&self) -> Vec<OwnerReference> {
        self.owner_references.clone()
    }
    fn set_owner_references(&mut self, references: Vec<OwnerReference>) {
        self.owner_references = references;
    }
    fn managed_fields_len(&self) -> usize {
        self.managed_fields.len()
    }
    fn clear_managed_fields(&mut self) {
        self.managed_fields.clear();
    }
}

#[cfg(feature = "k8s-openapi")]
impl ObjectMetaAccess for k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
    same_shape_accessors!();
    fn finalizers(&self) -> &[String] {
        self.finalizers.as_deref().unwrap_or(&[])
    }
    fn labels(&self) -> &BTreeMap<String, String> {
        self.labels.as_ref().unwrap_or(&NO_LABELS)
    }
    fn owner_references(&self) -> Vec<OwnerReference> {
        let refs = self.owner_references.as_deref().unwrap_or(&[]);
        refs.iter()
            .map(|r| OwnerReference {
                api_version: r.api_version.clone(),
                kind: r.kind.clone(),
                name: r.name.clone(),
                uid: r.uid.clone(),
                controller: r.controller,
                block_owner_deletion: r.block_owner_deletion,
            })
            .collect()
    }
    fn set_owner_references(&mut self, references: Vec<OwnerReference>) {
        use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference as K8sRef;
        let refs: Vec<K8sRef> = references
            .into_iter()
            .map(|r| K8sRef {
                api_version: r.api_version,
                kind: r.kind,
                name: r.name,
                uid: r.uid,
                controller: r.controller,
                block_owner_deletion: r.block_owner_deletion,
            })
            .collect();
        self.owner_references = (!refs.is_empty()).then_some(refs);
    }
    fn managed_fields_len(&self) -> usize {
        self.managed_fields.as_ref().map_or(0, Vec::len)
    }
    fn clear_managed_fields(&mut self) {
        self.managed_fields = None;
    }
}
