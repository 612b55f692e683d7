//! Delete: preconditions, finalizers, graceful deletion, the garbage
//! collection finalizers of a propagation policy, deletion that waits for
//! a controller, and the kind's deletion hooks (kube-apiserver's generic
//! store `Delete` with `BeforeDelete`).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{Deleted, encode, key_of, meta, parse, str_at};
use crate::registry::delete_options::DeleteOptions;
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
        let opts = DeleteOptions::parse(options)?;
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
            let current = finalizers_of(&obj);
            let finalizers = opts.finalizers(&current, k.hooks.orphans_by_default());
            let terminates = k.hooks.waits_for_controller(&obj);
            let held = !finalizers.is_empty() || terminates;
            let step = if obj.pointer("/metadata/deletionTimestamp").is_some() {
                again(&obj, &opts, held)
            } else {
                match k.hooks.graceful_delete_seconds(&obj, opts.grace_period) {
                    Some(g) if g > 0 => Step::Mark(g),
                    _ if held => Step::Mark(0),
                    _ => Step::Remove,
                }
            };
            let mark = match step {
                Step::Remove => {
                    meta(&mut obj).insert("resourceVersion".into(), json!(rv.to_string()));
                    if dry_run {
                        return Ok((WriteOutcome::Unchanged, Deleted::Gone(obj)));
                    }
                    return Ok((WriteOutcome::Delete(encode(&obj)), Deleted::Gone(obj)));
                }
                Step::Keep if finalizers == current => {
                    return Ok((WriteOutcome::Unchanged, Deleted::Pending(obj)));
                }
                Step::Keep => None,
                Step::Mark(g) => Some(g),
            };
            let first = obj.pointer("/metadata/deletionTimestamp").is_none();
            let m = meta(&mut obj);
            if let Some(g) = mark {
                let at = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(g);
                m.insert(
                    "deletionTimestamp".into(),
                    json!(crate::meta::timefmt::format_rfc3339(at)),
                );
                if g > 0 || !terminates {
                    m.insert("deletionGracePeriodSeconds".into(), json!(g));
                }
                // BeforeDelete bumps the generation of a graceful deletion.
                if g > 0
                    && let Some(generation) = m.get("generation").and_then(Value::as_i64)
                    && generation > 0
                {
                    m.insert("generation".into(), json!(generation + 1));
                }
            }
            if finalizers.is_empty() {
                m.remove("finalizers");
            } else {
                m.insert("finalizers".into(), json!(finalizers));
            }
            m.insert("resourceVersion".into(), json!(rv.to_string()));
            if first {
                k.hooks.begin_deletion(&mut obj);
            }
            if dry_run {
                return Ok((WriteOutcome::Unchanged, Deleted::Pending(obj)));
            }
            began_terminating = first && terminates;
            Ok((WriteOutcome::Put(encode(&obj)), Deleted::Pending(obj)))
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

/// What a delete does to the stored object.
enum Step {
    /// Remove it now.
    Remove,
    /// Set (or move) `deletionTimestamp` this many seconds ahead and keep it.
    Mark(i64),
    /// Keep it as it is, but for its finalizers.
    Keep,
}

/// The object's `metadata.finalizers`.
fn finalizers_of(obj: &Value) -> Vec<String> {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A delete of an object whose deletion has begun (`BeforeDelete`): a
/// shorter grace period moves the deletion closer, a grace period of zero
/// (or a pending one of zero) removes it once nothing holds it.
fn again(obj: &Value, opts: &DeleteOptions, held: bool) -> Step {
    let pending = obj
        .pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    match opts.grace_period {
        _ if pending == 0 && !held => Step::Remove,
        Some(0) if !held => Step::Remove,
        Some(g) if g < pending => Step::Mark(g),
        _ => Step::Keep,
    }
}
