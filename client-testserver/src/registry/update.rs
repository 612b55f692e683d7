//! Update and patch, and `modify`, the update path every write of an
//! existing object takes (PUT, patches, apply, `/status`, `/scale`), in
//! named steps.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::meta::names;
use crate::registry::Backend;
use crate::registry::backend::{
    Part, PatchType, check_api_version, check_patched_type, check_typed, encode, key_of, meta,
    parse, require_object, str_at,
};
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;
use crate::storage::store::WriteOutcome;

/// Everything outside `metadata` (and `status` when it is a subresource).
fn spec_part(kind: &ResourceKind, v: &Value) -> Value {
    let mut v = v.clone();
    if let Value::Object(m) = &mut v {
        m.remove("metadata");
        if kind.status_subresource {
            m.remove("status");
        }
    }
    v
}

impl Backend {
    /// Replaces an object (or its status).
    ///
    /// # Errors
    /// 400 name mismatch, 404, 409 stale resourceVersion, 422.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn update(
        &self,
        kind: &Arc<ResourceKind>,
        version: &str,
        ns: Option<&str>,
        name: &str,
        body: Value,
        part: Part,
        dry_run: bool,
        w: &Writer,
    ) -> Result<Value, ApiError> {
        require_object(&body)?;
        check_api_version(kind, version, &body)?;
        check_typed(kind, version, &body)?;
        let body = self.present(kind, version, body);
        if let Some(b) = str_at(&body, "/metadata/name")
            && b != name
        {
            return Err(ApiError::bad_request(format!(
                "the name of the object ({b}) does not match the name on the URL ({name})"
            )));
        }
        if kind.namespaced
            && let (Some(b), Some(u)) = (str_at(&body, "/metadata/namespace"), ns)
            && !b.is_empty()
            && b != u
        {
            return Err(ApiError::bad_request(
                "the namespace of the provided object does not match the namespace sent on the request",
            ));
        }
        let body_rv = str_at(&body, "/metadata/resourceVersion")
            .unwrap_or_default()
            .to_string();
        if kind.allow_create_on_update && part == Part::Main && self.get(kind, ns, name).is_err() {
            let mut b = body;
            meta(&mut b).remove("resourceVersion");
            return self.create_as(kind, version, ns, b, dry_run, w);
        }
        // kube-apiserver checks this only once the object is found (a missing
        // one is 404), and names the plural resource where the kind would go.
        let requires_rv = kind.update_requires_rv;
        let (group, plural, oname) = (kind.group.clone(), kind.plural.clone(), name.to_owned());
        self.modify(kind, ns, name, dry_run, w, move |_old| {
            if body_rv.is_empty() && requires_rv {
                return Err(ApiError::invalid(
                    &group,
                    &plural,
                    &oname,
                    &[(
                        "metadata.resourceVersion".into(),
                        "Invalid value: 0x0: must be specified for an update".into(),
                    )],
                ));
            }
            let mut new = body;
            if body_rv.is_empty() {
                meta(&mut new).remove("resourceVersion");
            }
            Ok((new, part))
        })
    }

    /// Applies a JSON, merge or strategic merge patch to an object (or its
    /// status).
    ///
    /// # Errors
    /// 404 for a missing object, 422 for a patch that cannot apply, the
    /// update errors otherwise.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn patch(
        &self,
        kind: &Arc<ResourceKind>,
        version: &str,
        ns: Option<&str>,
        name: &str,
        ptype: PatchType,
        patch: Value,
        part: Part,
        dry_run: bool,
        w: &Writer,
    ) -> Result<Value, ApiError> {
        let name_s = name.to_string();
        let me = self.clone();
        let kind2 = kind.clone();
        let version = version.to_string();
        let url_ns = ns.map(str::to_string);
        self.modify(kind, ns, name, dry_run, w, move |old| {
            let mut doc = me.present(&kind2, &version, old.clone());
            match ptype {
                PatchType::Json => crate::patch::json_patch(&mut doc, &patch).map_err(patch_error)?,
                // Apply patches are served by `Backend::apply`.
                PatchType::Apply => {
                    return Err(ApiError::unsupported_media_type(&[
                        "application/json-patch+json",
                        "application/merge-patch+json",
                    ]));
                }
                PatchType::StrategicMerge => crate::patch::strategic(
                    &mut doc,
                    &patch,
                    crate::registry::backend::typed_node(&kind2, &version),
                )?,
                PatchType::Merge => {
                    if !patch.is_object() {
                        return Err(ApiError::bad_request(
                            "the body of the request was in an unknown format - a merge patch must be a JSON object",
                        ));
                    }
                    crate::patch::merge_patch(&mut doc, &patch)
                }
            }
            check_patched_type(&kind2, &version, &doc)?;
            // kube-apiserver's BeforeUpdate: a namespace other than the
            // URL's is refused, never silently put back.
            if kind2.namespaced
                && let Some(patched_ns) = str_at(&doc, "/metadata/namespace")
                && !patched_ns.is_empty()
                && Some(patched_ns) != url_ns.as_deref()
            {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            if str_at(&doc, "/metadata/name") != Some(name_s.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name_s})",
                    str_at(&doc, "/metadata/name").unwrap_or_default()
                )));
            }
            Ok((doc, part))
        })
    }

    /// The shared update path: `f` turns the stored object into the
    /// candidate; the steps below, in kube-apiserver's order, decide what
    /// is stored.
    pub(super) fn modify(
        &self,
        kind: &Arc<ResourceKind>,
        ns: Option<&str>,
        name: &str,
        dry_run: bool,
        w: &Writer,
        f: impl FnOnce(&Value) -> Result<(Value, Part), ApiError>,
    ) -> Result<Value, ApiError> {
        let key = key_of(kind, ns, name);
        let resource = kind.resource();
        let k = kind.clone();
        let mut defined = None;
        let mut deleted = false;
        let out = self.store.write(&resource, &key, |cur, rv| {
            let Some(cur) = cur else {
                return Err(ApiError::not_found(&k.group, &k.plural, name));
            };
            let old = parse(cur);
            let (mut new, part) = f(&old)?;
            require_object(&new)?;
            let candidate = crate::ssa::managed_fields_of(&new);
            check_preconditions(&k, name, &old, &new)?;
            keep_the_other_part(&k, part, &old, &mut new);
            crate::registry::subresources::validate_part(&k, name, part, &old, &new)?;
            keep_immutable_metadata(&old, &mut new);
            k.hooks.prepare_for_update(&old, &mut new);
            let deleting = old.pointer("/metadata/deletionTimestamp").is_some();
            if deleting {
                refuse_new_finalizers(&k, name, &old, &new)?;
            }
            k.hooks.default(&mut new);
            w.prepare(&k, &old, &mut new, &candidate)?;
            if part == Part::Main {
                names::validate_metadata(&k, name, &new)?;
            }
            if new == old {
                return Ok((WriteOutcome::Unchanged, old));
            }
            bump_generation(&k, part, &old, &mut new);
            if part == Part::Main {
                defined = k
                    .hooks
                    .validate_and_define(self, &k, Some(&old), &mut new)?;
                if new == old {
                    return Ok((WriteOutcome::Unchanged, old));
                }
            }
            let old_rv = str_at(&old, "/metadata/resourceVersion").unwrap_or_default();
            if dry_run {
                // A dry run keeps the stored resourceVersion, as kube-apiserver's
                // dry-run storage does (`kubectl diff` then shows no change).
                meta(&mut new).insert("resourceVersion".into(), json!(old_rv));
                return Ok((WriteOutcome::Unchanged, new));
            }
            meta(&mut new).insert("resourceVersion".into(), json!(rv.to_string()));
            if deleting && finalizers(&new).is_empty() && !k.hooks.waits_for_controller(&new) {
                deleted = true;
                return Ok((WriteOutcome::Delete(encode(&new)), new));
            }
            Ok((WriteOutcome::Put(encode(&new)), new))
        })?;
        if let Some(dk) = defined.filter(|_| !dry_run) {
            self.registry.register(dk);
        }
        if deleted {
            self.after_delete(kind, &out);
        }
        Ok(out)
    }
}

/// Preconditions a write carries in its body: a `resourceVersion` other
/// than the stored one is a 409 Conflict, so is a different `uid`.
fn check_preconditions(
    kind: &ResourceKind,
    name: &str,
    old: &Value,
    new: &Value,
) -> Result<(), ApiError> {
    let old_rv = str_at(old, "/metadata/resourceVersion").unwrap_or_default();
    if str_at(new, "/metadata/resourceVersion").is_some_and(|r| !r.is_empty() && r != old_rv) {
        return Err(ApiError::conflict(&kind.group, &kind.plural, name));
    }
    let old_uid = str_at(old, "/metadata/uid").unwrap_or_default();
    if let Some(u) = str_at(new, "/metadata/uid").filter(|u| !u.is_empty() && *u != old_uid) {
        return Err(ApiError::conflict_because(
            &kind.group,
            &kind.plural,
            name,
            &format!(
                "Precondition failed: UID in precondition: {u}, UID in object meta: {old_uid}"
            ),
        ));
    }
    Ok(())
}

/// Status rules: a `/status` write changes only `status` (the rest is the
/// stored object); a main write of a kind with a status subresource keeps
/// the stored `status`. The other subresources keep all but their fields
/// (`registry::subresources::keep_fields`).
fn keep_the_other_part(kind: &ResourceKind, part: Part, old: &Value, new: &mut Value) {
    if matches!(part, Part::Field(_) | Part::Resize | Part::Computed) {
        crate::registry::subresources::keep_fields(part, old, new);
    } else if part == Part::Status {
        let status = new.get("status").cloned();
        *new = old.clone();
        if let Value::Object(o) = new {
            match status {
                Some(s) => o.insert("status".into(), s),
                None => o.remove("status"),
            };
        }
    } else if kind.status_subresource
        && let Value::Object(o) = new
    {
        match old.get("status") {
            Some(s) => o.insert("status".into(), s.clone()),
            None => o.remove("status"),
        };
    }
}

/// Metadata no write may change: identity, timestamps, deletion state,
/// generation and resourceVersion come from the stored object.
fn keep_immutable_metadata(old: &Value, new: &mut Value) {
    let om = old.get("metadata").cloned().unwrap_or(json!({}));
    let m = meta(new);
    for f in [
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "generation",
        "resourceVersion",
        "namespace",
        "name",
    ] {
        match om.get(f) {
            Some(v) => m.insert(f.into(), v.clone()),
            None => m.remove(f),
        };
    }
}

/// `metadata.finalizers` of an object.
fn finalizers(v: &Value) -> Vec<String> {
    v.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// An object being deleted may lose finalizers but gain none (422).
fn refuse_new_finalizers(
    kind: &ResourceKind,
    name: &str,
    old: &Value,
    new: &Value,
) -> Result<(), ApiError> {
    let old_f = finalizers(old);
    let added: Vec<String> = finalizers(new)
        .into_iter()
        .filter(|f| !old_f.contains(f))
        .collect();
    if added.is_empty() {
        return Ok(());
    }
    let list = added
        .iter()
        .map(|f| format!("{f:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    Err(ApiError::invalid(
        &kind.group,
        &kind.kind,
        name,
        &[(
            "metadata.finalizers".into(),
            format!(
                "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{list}}}"
            ),
        )],
    ))
}

/// Kinds that keep a generation bump it when a main write changes
/// anything outside `metadata` (and `status` when it is a subresource),
/// or, for a Deployment, its annotations.
fn bump_generation(kind: &ResourceKind, part: Part, old: &Value, new: &mut Value) {
    if !kind.sets_generation || part != Part::Main {
        return;
    }
    let annotations = |v: &Value| v.pointer("/metadata/annotations").cloned();
    let annotations_changed =
        kind.hooks.generation_tracks_annotations() && annotations(new) != annotations(old);
    if !annotations_changed && spec_part(kind, new) == spec_part(kind, old) {
        return;
    }
    let g = old
        .pointer("/metadata/generation")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    meta(new).insert("generation".into(), json!(g + 1));
}

/// The Status for a JSON patch that failed: 413 over the operation limit,
/// 400 when the patch is malformed, 422 when it does not apply.
pub(crate) fn patch_error(e: crate::patch::PatchError) -> ApiError {
    if let crate::patch::PatchError::TooManyOps { .. } = e {
        // kube-apiserver's NewRequestEntityTooLargeError.
        return ApiError::new(
            413,
            "RequestEntityTooLarge",
            format!("Request entity too large: {e}"),
        );
    }
    if e.is_malformed() {
        ApiError::bad_request(e.to_string())
    } else {
        ApiError::new(422, "Invalid", e.to_string())
    }
}
