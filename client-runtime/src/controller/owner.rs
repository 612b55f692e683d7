//! Controller ownerReferences: set one, and read which object controls another.

use client_core::{OwnerReference, Resource};

use crate::ObjectKey;
use crate::meta_access;

/// Why a controller reference could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnerError {
    /// The owner has no uid yet (it was never created on the server).
    #[error("owner {kind} {name:?} has no uid: create it first")]
    OwnerNotPersisted {
        /// The owner's kind.
        kind: &'static str,
        /// The owner's name.
        name: String,
    },
    /// A namespaced owner cannot own an object of another namespace or a
    /// cluster-scoped object (the garbage collector would ignore the reference).
    #[error(
        "{owner_kind} {owner:?} in namespace {owner_namespace:?} cannot own an object in {child_namespace:?}"
    )]
    CrossNamespace {
        /// The owner's kind.
        owner_kind: &'static str,
        /// The owner's name.
        owner: String,
        /// The owner's namespace.
        owner_namespace: String,
        /// The child's namespace (empty for cluster-scoped).
        child_namespace: String,
    },
    /// Another object already controls the child (controller-runtime's `AlreadyOwnedError`).
    #[error("object is already controlled by {kind} {name:?}")]
    AlreadyControlled {
        /// The current controller's kind.
        kind: String,
        /// The current controller's name.
        name: String,
    },
}

/// The controller ownerReference pointing at `owner` (`controller` and
/// `blockOwnerDeletion` true), or `None` if it has no uid.
pub fn controller_reference<K: Resource>(owner: &K) -> Option<OwnerReference> {
    Some(OwnerReference {
        api_version: K::API_VERSION.to_owned(),
        kind: K::KIND.to_owned(),
        name: meta_access::name(owner).to_owned(),
        uid: meta_access::uid(owner)?.to_owned(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    })
}

/// Makes `owner` the controller of `child`, as controller-runtime's
/// `SetControllerReference` does: replaces a reference to the same owner,
/// refuses when another object controls `child`.
///
/// # Errors
///
/// [`OwnerError`]: the owner has no uid, a namespace mismatch, or another controller.
pub fn set_controller_reference<K: Resource, C: Resource>(
    owner: &K,
    child: &mut C,
) -> Result<(), OwnerError> {
    let reference = controller_reference(owner).ok_or_else(|| OwnerError::OwnerNotPersisted {
        kind: K::KIND,
        name: meta_access::name(owner).to_owned(),
    })?;
    if let Some(owner_ns) = meta_access::namespace(owner) {
        let child_ns = meta_access::namespace(child).unwrap_or_default();
        if child_ns != owner_ns {
            return Err(OwnerError::CrossNamespace {
                owner_kind: K::KIND,
                owner: reference.name,
                owner_namespace: owner_ns.to_owned(),
                child_namespace: child_ns.to_owned(),
            });
        }
    }
    let mut refs = meta_access::owner_references(child);
    if let Some(other) = refs
        .iter()
        .find(|r| r.controller == Some(true) && r.uid != reference.uid)
    {
        return Err(OwnerError::AlreadyControlled {
            kind: other.kind.clone(),
            name: other.name.clone(),
        });
    }
    refs.retain(|r| r.uid != reference.uid);
    refs.push(reference);
    meta_access::set_owner_references(child, refs);
    Ok(())
}

/// The key of the `K` that controls `child`, if its controller reference names a `K`.
pub fn controller_of<K: Resource, C: Resource>(child: &C) -> Option<ObjectKey> {
    let reference = meta_access::owner_references(child)
        .into_iter()
        .find(|r| r.controller == Some(true))?;
    if reference.kind != K::KIND || reference.api_version != K::API_VERSION {
        return None;
    }
    let namespace = if <K::Scope as client_core::Scope>::NAMESPACED {
        meta_access::namespace(child).map(str::to_owned)
    } else {
        None
    };
    Some(ObjectKey {
        namespace,
        name: reference.name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use client_core::ObjectMeta;
    use client_core::api::{ConfigMap, Secret};

    fn persisted(name: &str, ns: &str, uid: &str) -> Secret {
        let mut metadata = ObjectMeta::named(name).in_namespace(ns);
        metadata.uid = Some(uid.into());
        Secret {
            metadata,
            ..Secret::default()
        }
    }

    #[test]
    fn sets_reads_and_guards_the_controller_reference() {
        let owner = persisted("s", "ns", "u1");
        let mut child = ConfigMap {
            metadata: ObjectMeta::named("c").in_namespace("ns"),
            ..ConfigMap::default()
        };
        assert_eq!(set_controller_reference(&owner, &mut child), Ok(()));
        assert_eq!(set_controller_reference(&owner, &mut child), Ok(()));
        assert_eq!(child.metadata.owner_references.len(), 1);
        assert_eq!(
            controller_of::<Secret, _>(&child),
            Some(ObjectKey::namespaced("ns", "s"))
        );
        assert_eq!(controller_of::<ConfigMap, _>(&child), None);

        let other = persisted("t", "ns", "u2");
        assert!(matches!(
            set_controller_reference(&other, &mut child),
            Err(OwnerError::AlreadyControlled { .. })
        ));
        let elsewhere = persisted("s", "other", "u3");
        assert!(matches!(
            set_controller_reference(&elsewhere, &mut child),
            Err(OwnerError::CrossNamespace { .. })
        ));
        let unsaved = Secret::default();
        assert!(matches!(
            set_controller_reference(&unsaved, &mut child),
            Err(OwnerError::OwnerNotPersisted { .. })
        ));
    }
}
