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

    /// Fields an update may not change or must recompute, after the
    /// generic immutable metadata is restored from `old` and before
    /// defaulting (kube-apiserver's `PrepareForUpdate`).
    fn prepare_for_update(&self, _old: &Value, _new: &mut Value) {}

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

    /// The cells of a Table row when the kind computes them in code (a
    /// Pod's `READY 1/2`); `None` takes each printer column's JSONPath.
    /// The cells follow the `Name` cell and match `printer_columns`.
    fn table_cells(&self, _obj: &Value) -> Option<Vec<Value>> {
        None
    }

    /// Answers a create without storing anything, for the create-only
    /// virtual resources (SelfSubjectAccessReview, TokenReview, Binding):
    /// `Some` is the object answered (201). `None` (the default) creates
    /// and stores the object as usual. Called once the body is known to
    /// be an object of the kind at the URL's version.
    ///
    /// # Errors
    /// The kind's refusal of the request.
    fn answer_create(
        &self,
        _backend: &Backend,
        _kind: &ResourceKind,
        _ns: Option<&str>,
        _body: &Value,
    ) -> Option<Result<Value, ApiError>> {
        None
    }

    /// Side effects once an object is gone: a CRD stops serving its
    /// resource and its objects are removed.
    fn after_delete(&self, _backend: &Backend, _obj: &Value) {}

    /// The value of the field selector label `field` on `obj` when the
    /// kind computes it (a Pod's `spec.hostNetwork` is `false` when unset,
    /// a Job's `status.successful` `0`); `None` reads the label's path.
    fn field_value(&self, _obj: &Value, _field: &str) -> Option<String> {
        None
    }

    /// The grace period of a delete when the kind deletes gracefully
    /// (kube-apiserver's `CheckGracefulDelete`: a Pod bound to a node waits
    /// `gracePeriodSeconds`, or its `terminationGracePeriodSeconds`);
    /// `requested` is the DeleteOptions' `gracePeriodSeconds`. `None` (the
    /// default) deletes at once.
    fn graceful_delete_seconds(&self, _obj: &Value, _requested: Option<i64>) -> Option<i64> {
        None
    }

    /// Whether a delete without a propagation policy orphans the object's
    /// dependents (a strategy's `DefaultGarbageCollectionPolicy` returning
    /// `OrphanDependents`: batch/v1 Jobs, v1 ReplicationControllers).
    fn orphans_by_default(&self) -> bool {
        false
    }

    /// Whether Table rows start with the `Name` column (every kind but
    /// Events, whose printer starts with `Last Seen` and puts `Name` last).
    /// When `false`, `table_cells` gives every cell and `printer_columns`
    /// every column.
    fn table_starts_with_name(&self) -> bool {
        true
    }

    /// Whether a create keeps the body's `status` although the kind has a
    /// status subresource (a Node's `PrepareForCreate` leaves it, as the
    /// kubelet registers its node with a status); others drop it.
    fn keeps_status_on_create(&self) -> bool {
        false
    }

    /// Whether a main write that changes only `metadata.annotations` bumps
    /// `metadata.generation` too (a Deployment's `PrepareForUpdate`
    /// compares its annotations beside its spec, so that `kubectl rollout`
    /// sees annotation-driven changes; other kinds compare the spec only).
    fn generation_tracks_annotations(&self) -> bool {
        false
    }
}

/// The hooks of a kind without special rules.
pub(crate) struct NoHooks;

impl KindHooks for NoHooks {}

/// Shared instance of [`NoHooks`].
pub(crate) static NO_HOOKS: NoHooks = NoHooks;

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value, json};

    use super::KindHooks;
    use crate::registry::backend::Part;
    use crate::registry::kind::ResourceKind;
    use crate::registry::writer::Writer;
    use crate::registry::{Backend, Registry};
    use crate::storage::store::Store;

    /// A kind that stamps every update and prints its own cells.
    struct Stamping;

    static STAMPING: Stamping = Stamping;

    impl KindHooks for Stamping {
        fn prepare_for_update(&self, _old: &Value, new: &mut Value) {
            new["spec"]["stamped"] = json!(true);
        }

        fn table_cells(&self, obj: &Value) -> Option<Vec<Value>> {
            Some(vec![json!(format!("{}!", obj["spec"]["v"]))])
        }
    }

    fn widgets() -> Arc<ResourceKind> {
        Arc::new(ResourceKind {
            printer_columns: vec![json!({"name": "V", "type": "string", "jsonPath": ".spec.v"})],
            hooks: &STAMPING,
            ..ResourceKind::builtin("example.com", "v1", "widgets", "Widget", false)
        })
    }

    fn backend() -> Backend {
        Backend {
            store: Store::new(100),
            registry: Registry::with_builtins(),
        }
    }

    #[test]
    fn the_update_path_calls_prepare_for_update() {
        let (b, k) = (backend(), widgets());
        let created = b
            .create(
                &k,
                "v1",
                None,
                json!({"metadata": {"name": "w"}, "spec": {"v": 1}}),
                false,
            )
            .unwrap();
        assert_eq!(
            created["spec"].get("stamped"),
            None,
            "create is not an update"
        );
        let body = json!({"metadata": {"name": "w"}, "spec": {"v": 2}});
        let updated = b
            .update(
                &k,
                "v1",
                None,
                "w",
                body,
                Part::Main,
                false,
                &Writer::default(),
            )
            .unwrap();
        assert_eq!(updated["spec"], json!({"v": 2, "stamped": true}));
    }

    #[test]
    fn table_rows_take_the_kinds_cells() {
        let k = widgets();
        let t = crate::output::table_for(&k, "application/json;as=Table;v=v1;g=meta.k8s.io", None)
            .unwrap();
        let obj = json!({"metadata": {"name": "w"}, "spec": {"v": 7}});
        let table = t.build(&[obj], None, None);
        assert_eq!(table["rows"][0]["cells"], json!(["w", "7!"]));
        assert_eq!(table["columnDefinitions"][1]["name"], "V");
    }

    #[test]
    fn built_in_and_custom_rows_differ_only_in_data() {
        let rows = crate::registry::builtins::builtins();
        assert!(
            rows.iter()
                .all(|k| k.strategic_merge && !k.returns_deleted_object)
        );
        let crd = json!({
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "names": {"plural": "widgets", "kind": "Widget"},
                     "scope": "Namespaced", "versions": [{"name": "v1", "served": true, "storage": true}]}
        });
        let custom = crate::registry::crd::kind_of(&crd).unwrap();
        assert!(!custom.strategic_merge && custom.returns_deleted_object);
        assert!(custom.sets_generation && custom.update_requires_rv);
        let configmaps = rows.iter().find(|r| r.plural == "configmaps").unwrap();
        assert_eq!(custom.verbs, configmaps.verbs);
    }
}
