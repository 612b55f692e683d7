//! What every write shares beyond the store: who writes (the field
//! manager), how unknown fields are treated (`fieldValidation`), schema
//! admission of custom resources and the `managedFields` bookkeeping.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::error::ApiError;
use crate::registry::kind::ResourceKind;
use crate::schema::{FieldValidation, Schema, admit};
use crate::ssa::{managed_fields_of, record_update_for, set_managed_fields};

/// The manager of writes made from Rust (seeding) and at start-up.
pub(crate) const SERVER_MANAGER: &str = "client-testserver";

/// The context of one write.
#[derive(Debug)]
pub(crate) struct Writer {
    /// The field manager the write is recorded for.
    pub manager: String,
    /// How unknown fields of custom resources are treated.
    pub validation: FieldValidation,
    /// The subresource written (`status`, `scale`), if any.
    pub subresource: Option<&'static str>,
    /// The candidate already carries its `managedFields` (server-side
    /// apply computed them): no `Update` entry is recorded.
    pub applied: bool,
    /// The body was decoded as the kind (create, update): a strict
    /// decoding error names the kind and version, as kube-apiserver's
    /// decoder does (`Widget in version "v1" cannot be handled as a
    /// Widget: strict decoding error: ...`); patches report it bare.
    pub decoded_body: bool,
    /// Where each field of the JSON request body is, and which it sets
    /// twice (create and update bodies); `None` for other writes.
    pub body: Option<crate::types::body_index::BodyIndex>,
    /// The keys a merge or strategic merge patch repeats (reported before
    /// the patched object's unknown fields, as kube-apiserver does).
    pub patch_duplicates: Vec<String>,
    warnings: Mutex<Vec<String>>,
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new(SERVER_MANAGER, FieldValidation::Warn)
    }
}

impl Writer {
    /// A writer recording `Update` entries for `manager`.
    pub(crate) fn new(manager: &str, validation: FieldValidation) -> Writer {
        Writer {
            manager: manager.to_string(),
            validation,
            subresource: None,
            applied: false,
            decoded_body: false,
            body: None,
            patch_duplicates: Vec::new(),
            warnings: Mutex::new(Vec::new()),
        }
    }

    /// The `Warning` texts collected so far (unknown fields under `Warn`).
    pub(crate) fn warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Keeps `Warning` texts for the response (each once).
    pub(crate) fn warn(&self, texts: Vec<String>) {
        let mut w = self.warnings.lock().unwrap_or_else(|e| e.into_inner());
        for t in texts {
            if !w.contains(&t) {
                w.push(t);
            }
        }
    }

    /// Prunes, defaults and validates `obj` when its kind has a schema for
    /// the object's version; a built-in kind drops the fields its Go type
    /// does not have. Warnings are kept for the response.
    ///
    /// # Errors
    /// 400 under `Strict` for unknown fields, 422 Invalid for schema
    /// violations.
    pub(crate) fn admit(&self, kind: &ResourceKind, obj: &mut Value) -> Result<(), ApiError> {
        let Some(schema) = object_schema(kind, obj) else {
            return self.admit_typed(kind, obj);
        };
        let ok = admit(&schema, obj, self.validation, &kind.group, &kind.kind)
            .map_err(|e| self.decode_error(kind, obj, e))?;
        self.warn(ok.warnings);
        Ok(())
    }

    /// The unknown fields of a built-in object, and the fields its JSON
    /// body set twice, as Go's strict decoder finds them (in body order
    /// when the body is known): unknown fields are dropped, and all are
    /// warned about or refused as `fieldValidation` says (the same
    /// handling as a CRD's pruned fields).
    fn admit_typed(&self, kind: &ResourceKind, obj: &mut Value) -> Result<(), ApiError> {
        use crate::types::body_index::Finding;
        use crate::types::decode;
        let Some(node) = object_type(kind, obj) else {
            return Ok(());
        };
        // Values of the wrong type were refused when the body was decoded.
        let Ok(unknown) = decode::check(node, obj) else {
            return Ok(());
        };
        let findings: Vec<Finding> = match &self.body {
            Some(index) => index.findings(node, &unknown),
            None => self
                .patch_duplicates
                .iter()
                .map(|p| Finding::Duplicate(p.clone()))
                .chain(unknown.iter().map(|p| Finding::Unknown(decode::render(p))))
                .collect(),
        };
        for p in &unknown {
            decode::remove(obj, p);
        }
        if findings.is_empty() {
            return Ok(());
        }
        let messages: Vec<String> = findings.iter().map(Finding::message).collect();
        match self.validation {
            FieldValidation::Strict => {
                let e = ApiError::bad_request(format!(
                    "strict decoding error: {}",
                    messages.join(", ")
                ));
                Err(self.decode_error(kind, obj, e))
            }
            FieldValidation::Warn => {
                self.warn(messages);
                Ok(())
            }
            FieldValidation::Ignore => Ok(()),
        }
    }

    /// Admission then `managedFields` of a candidate replacing `old`
    /// (`{}` for a create): [`Writer::admit`], then [`Writer::record`] with
    /// the entries the candidate carried.
    ///
    /// # Errors
    /// As [`Writer::admit`].
    pub(crate) fn prepare(
        &self,
        kind: &ResourceKind,
        old: &Value,
        new: &mut Value,
        candidate: &[crate::ssa::ManagedFieldsEntry],
    ) -> Result<(), ApiError> {
        self.admit(kind, new)?;
        self.check_rules(kind, old, new)?;
        self.record(kind, old, candidate, new);
        Ok(())
    }

    /// Evaluates the CRD's `x-kubernetes-validations` rules on `new`; `old`
    /// (`{}` for a create) feeds the transition rules (`oldSelf`).
    ///
    /// # Errors
    /// 422 Invalid with one cause per failed rule.
    pub fn check_rules(
        &self,
        kind: &ResourceKind,
        old: &Value,
        new: &Value,
    ) -> Result<(), ApiError> {
        let Some(schema) = object_schema(kind, new).filter(|s| crate::schema::cel::has_rules(s))
        else {
            return Ok(());
        };
        let old = old
            .as_object()
            .is_some_and(|o| !o.is_empty())
            .then_some(old);
        let errors = crate::schema::cel::validate(&schema, new, old);
        if errors.is_empty() {
            return Ok(());
        }
        let name = new
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Err(crate::schema::invalid_error(
            &kind.group,
            &kind.kind,
            name,
            &errors,
        ))
    }

    fn decode_error(&self, kind: &ResourceKind, obj: &Value, e: ApiError) -> ApiError {
        if !self.decoded_body || e.code != 400 {
            return e;
        }
        let version = obj
            .get("apiVersion")
            .and_then(Value::as_str)
            .map(|av| av.rsplit('/').next().unwrap_or(av))
            .unwrap_or_default();
        let message = format!(
            "{k} in version {version:?} cannot be handled as a {k}: {}",
            e.message,
            k = kind.kind
        );
        e.with_message(message)
    }

    /// Records this write in `new`'s `managedFields`: the entries the
    /// request carried (`candidate`) or else the stored ones, updated for
    /// the fields that changed from `old`. Server-side apply results keep
    /// the entries apply computed.
    pub(crate) fn record(
        &self,
        kind: &ResourceKind,
        old: &Value,
        candidate: &[crate::ssa::ManagedFieldsEntry],
        new: &mut Value,
    ) {
        let mut managed = if candidate.is_empty() {
            managed_fields_of(old)
        } else {
            candidate.to_vec()
        };
        if !self.applied {
            let shape = object_shape(kind, new);
            let now = crate::meta::timefmt::now_rfc3339();
            record_update_for(
                old,
                new,
                &self.manager,
                &now,
                shape.as_ref().map(ObjectShape::shape),
                self.subresource,
                &mut managed,
            );
        }
        set_managed_fields(new, &managed);
    }
}

/// The version `obj` is written in (its `apiVersion`).
fn object_version(obj: &Value) -> &str {
    obj.get("apiVersion")
        .and_then(Value::as_str)
        .map(|av| av.rsplit('/').next().unwrap_or(av))
        .unwrap_or_default()
}

/// The Go type of a built-in object at the version it is written in.
pub(crate) fn object_type(kind: &ResourceKind, obj: &Value) -> Option<crate::types::Node<'static>> {
    crate::registry::backend::typed_node(kind, object_version(obj))
}

/// What server-side apply and `managedFields` know of an object's type.
pub(crate) enum ObjectShape {
    /// A custom resource's structural schema.
    Crd(Arc<Schema>),
    /// A built-in kind's type.
    Typed(crate::types::Node<'static>),
}

impl ObjectShape {
    /// The root of the type.
    pub(crate) fn shape(&self) -> crate::ssa::Shape<'_> {
        match self {
            ObjectShape::Crd(s) => crate::ssa::Shape::Crd(s),
            ObjectShape::Typed(n) => crate::ssa::Shape::Typed(*n),
        }
    }
}

/// The type of `obj` at the version it is written in: its CRD schema, or
/// its built-in type.
pub(crate) fn object_shape(kind: &ResourceKind, obj: &Value) -> Option<ObjectShape> {
    object_schema(kind, obj)
        .map(ObjectShape::Crd)
        .or_else(|| object_type(kind, obj).map(ObjectShape::Typed))
}

/// The schema of the version `obj` is written in (its `apiVersion`), or of
/// the kind's first version.
pub(crate) fn object_schema(kind: &ResourceKind, obj: &Value) -> Option<Arc<Schema>> {
    let version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(|av| av.rsplit('/').next().unwrap_or(av));
    kind.schema_for(version.unwrap_or_default())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn configmaps() -> ResourceKind {
        crate::registry::builtins::builtins()
            .into_iter()
            .find(|k| k.plural == "configmaps")
            .unwrap()
    }

    #[test]
    fn record_adds_an_update_entry_and_keeps_the_stored_ones() {
        let kind = configmaps();
        let w = Writer::new("a", FieldValidation::Warn);
        let old = json!({"apiVersion": "v1", "data": {"x": "1"}});
        let mut new = json!({"apiVersion": "v1", "data": {"x": "1", "y": "2"}});
        w.record(&kind, &old, &[], &mut new);
        let m = crate::ssa::managed_fields_of(&new);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].manager, "a");
        assert_eq!(m[0].fields_v1, json!({"f:data": {"f:y": {}}}));
        // an applied candidate keeps its entries untouched
        let mut applied = Writer::new("b", FieldValidation::Warn);
        applied.applied = true;
        let mut again = json!({"apiVersion": "v1", "data": {"x": "9"}});
        applied.record(&kind, &new, &m, &mut again);
        assert_eq!(crate::ssa::managed_fields_of(&again), m);
    }

    #[test]
    fn warnings_are_kept_once_each() {
        let w = Writer::default();
        w.warn(vec!["a".into(), "b".into()]);
        w.warn(vec!["a".into()]);
        assert_eq!(w.warnings(), ["a", "b"]);
        assert_eq!(w.manager, SERVER_MANAGER);
    }
}
