//! Delete: preconditions, finalizers, deletion that waits for a
//! controller, and the kind's deletion hooks.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{Deleted, encode, key_of, meta, parse, str_at};
use crate::registry::kind::ResourceKind;
use crate::storage::store::WriteOutcome;

impl Backend {
    /// Deletes an object, honouring finalizers and preconditions.
    ///
    /// # Errors
    /// 404, 409 for a failed precondition.
    pub(crate) fn delete(
        &self,
        kind: &Arc<ResourceKind>,
        ns: Option<&str>,
        name: &str,
        options: &Value,
        dry_run: bool,
    ) -> Result<Deleted, ApiError> {
        let key = key_of(kind, ns, name);
        let k = kind.clone();
        let want_uid = str_at(options, "/preconditions/uid").map(str::to_string);
        let want_rv = str_at(options, "/preconditions/resourceVersion").map(str::to_string);
        kind.hooks.refuse_delete(kind, name)?;
        let mut began_terminating = false;
        let out = self.store.write(&kind.resource(), &key, |cur, rv| {
            let Some(cur) = cur else {
                return Err(ApiError::not_found(&k.group, &k.plural, name));
            };
            let mut obj = parse(cur);
            let uid = str_at(&obj, "/metadata/uid").unwrap_or_default().to_string();
            let orv = str_at(&obj, "/metadata/resourceVersion")
                .unwrap_or_default()
                .to_string();
            if let Some(w) = want_uid.as_deref().filter(|w| *w != uid) {
                return Err(ApiError::conflict_because(
                    &k.group,
                    &k.plural,
                    name,
                    &format!("Precondition failed: UID in precondition: {w}, UID in object meta: {uid}"),
                ));
            }
            if let Some(w) = want_rv.as_deref().filter(|w| *w != orv) {
                return Err(ApiError::conflict_because(
                    &k.group,
                    &k.plural,
                    name,
                    &format!("Precondition failed: ResourceVersion in precondition: {w}, ResourceVersion in object meta: {orv}"),
                ));
            }
            let has_finalizers = obj
                .pointer("/metadata/finalizers")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty());
            let terminates = k.hooks.waits_for_controller(&obj);
            if has_finalizers || terminates {
                if obj.pointer("/metadata/deletionTimestamp").is_some() {
                    return Ok((WriteOutcome::Unchanged, Deleted::Pending(obj)));
                }
                let m = meta(&mut obj);
                m.insert(
                    "deletionTimestamp".into(),
                    json!(crate::meta::timefmt::now_rfc3339()),
                );
                if !terminates {
                    m.insert("deletionGracePeriodSeconds".into(), json!(0));
                }
                m.insert("resourceVersion".into(), json!(rv.to_string()));
                k.hooks.begin_deletion(&mut obj);
                if dry_run {
                    return Ok((WriteOutcome::Unchanged, Deleted::Pending(obj)));
                }
                began_terminating = terminates;
                return Ok((WriteOutcome::Put(encode(&obj)), Deleted::Pending(obj)));
            }
            meta(&mut obj).insert("resourceVersion".into(), json!(rv.to_string()));
            if dry_run {
                return Ok((WriteOutcome::Unchanged, Deleted::Gone(obj)));
            }
            Ok((WriteOutcome::Delete(encode(&obj)), Deleted::Gone(obj)))
        })?;
        if let (Deleted::Gone(obj), false) = (&out, dry_run) {
            self.after_delete(kind, obj);
        }
        if began_terminating {
            kind.hooks.after_deletion_began(self, kind, name);
        }
        Ok(out)
    }

    /// Side effects of a removal, left to the kind's hooks.
    pub(super) fn after_delete(&self, kind: &ResourceKind, obj: &Value) {
        kind.hooks.after_delete(self, obj);
    }
}
