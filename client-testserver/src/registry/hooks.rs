//! The code half of a kind's strategy: hooks with do-nothing defaults.
//!
//! The generic write path (`Backend`) calls every hook of every kind at
//! the same points; a kind overrides only what differs for it, so shared
//! code never asks "is this a namespace?". See `registry::kind` for how
//! to add a kind.

use std::sync::Arc;

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::kind::ResourceKind;

/// What a kind does differently from the generic store, as kube-apiserver's
/// per-resource `RESTStrategy` does. Every method has a default that does
/// nothing, so a kind without special rules uses [`NO_HOOKS`].
pub(crate) trait KindHooks: Send + Sync {
    /// Defaulting run on every write (create, update, patch, apply) before
    /// the object's metadata is validated: e.g. a Secret's `type` and its
    /// `stringData` folded into `data`.
    fn default(&self, _obj: &mut Value) {}

    /// Server-set fields of a new object, after the generic ones (uid,
    /// creationTimestamp, generation): e.g. a Namespace's `status.phase`
    /// and `spec.finalizers`.
    fn prepare_for_create(&self, _obj: &mut Value) {}

    /// Checks a main-resource write (create, or update with the stored
    /// object as `old`) and returns the kind it defines, if any: a
    /// CustomResourceDefinition returns the resource to serve once the
    /// write is stored, and records its accepted names in `obj`.
    ///
    /// # Errors
    /// The kind's validation errors (422).
    fn validate_and_define(
        &self,
        _backend: &Backend,
        _kind: &ResourceKind,
        _old: Option<&Value>,
        _obj: &mut Value,
    ) -> Result<Option<ResourceKind>, ApiError> {
        Ok(None)
    }

    /// Refuses to delete `name` (e.g. the `default` namespace, 403).
    ///
    /// # Errors
    /// The refusal.
    fn refuse_delete(&self, _kind: &ResourceKind, _name: &str) -> Result<(), ApiError> {
        Ok(())
    }

    /// Whether a deleted object must wait for a controller before it goes
    /// (a Namespace with `spec.finalizers` left), besides its
    /// `metadata.finalizers`.
    fn waits_for_controller(&self, _obj: &Value) -> bool {
        false
    }

    /// Marks an object whose deletion has begun and that waits for a
    /// controller (a Namespace becomes `Terminating`).
    fn begin_deletion(&self, _obj: &mut Value) {}

    /// Starts the controller that finishes a deletion begun by this write.
    fn after_deletion_began(&self, _backend: &Backend, _kind: &Arc<ResourceKind>, _name: &str) {}

    /// Side effects once an object is gone: a CRD stops serving its
    /// resource and its objects are removed.
    fn after_delete(&self, _backend: &Backend, _obj: &Value) {}
}

/// The hooks of a kind without special rules.
pub(crate) struct NoHooks;

impl KindHooks for NoHooks {}

/// Shared instance of [`NoHooks`].
pub(crate) static NO_HOOKS: NoHooks = NoHooks;
