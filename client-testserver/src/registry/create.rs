//! Create: server fields (uid, creationTimestamp, generation, namespace,
//! generateName), name and metadata validation, the kind's create hooks.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::meta::names;
use crate::registry::Backend;
use crate::registry::backend::{
    check_api_version, check_typed, encode, key_of, meta, require_object, str_at,
};
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;
use crate::storage::store::WriteOutcome;

fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    (0..5)
        .map(|_| ALPHABET[fastrand::usize(..ALPHABET.len())] as char)
        .collect()
}

fn new_uid() -> String {
    let a = fastrand::u128(..);
    let h = format!("{a:032x}");
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

impl Backend {
    /// Creates an object, recorded for the server's own field manager.
    ///
    /// # Errors
    /// The contract's create errors: 400, 404 (namespace), 409, 422, 500.
    pub(crate) fn create(
        &self,
        kind: &Arc<ResourceKind>,
        version: &str,
        ns: Option<&str>,
        body: Value,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        self.create_as(kind, version, ns, body, dry_run, &Writer::default())
    }

    /// Creates an object written by `w` (field manager, schema admission).
    ///
    /// # Errors
    /// The contract's create errors: 400, 404 (namespace), 409, 422, 500.
    pub(crate) fn create_as(
        &self,
        kind: &Arc<ResourceKind>,
        version: &str,
        ns: Option<&str>,
        mut body: Value,
        dry_run: bool,
        w: &Writer,
    ) -> Result<Value, ApiError> {
        require_object(&body)?;
        if str_at(&body, "/metadata/resourceVersion").is_some_and(|s| !s.is_empty()) {
            return Err(ApiError::internal(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        check_api_version(kind, version, &body)?;
        check_typed(kind, version, &body)?;
        if let Some(answer) = kind.hooks.answer_create(self, kind, ns, &body) {
            // A Status (a Binding's answer) as it is; a review as its kind.
            return answer.map(|v| match v.get("kind").and_then(Value::as_str) {
                Some("Status") => v,
                _ => self.present(kind, version, v),
            });
        }
        self.admit_create(kind, ns, &body)?;
        body = self.present(kind, version, body);
        let url_ns = if kind.namespaced { ns } else { None };
        let m = meta(&mut body);
        if let Some(url_ns) = url_ns {
            match m.get("namespace").and_then(Value::as_str) {
                Some(b) if !b.is_empty() && b != url_ns => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
                _ => {
                    m.insert("namespace".into(), json!(url_ns));
                }
            }
        } else {
            m.remove("namespace");
        }
        let mut name = m
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut generated_from = None;
        if name.is_empty()
            && let Some(g) = m.get("generateName").and_then(Value::as_str)
            && !g.is_empty()
        {
            generated_from = Some(g.to_string());
            name = format!("{g}{}", random_suffix());
            m.insert("name".into(), json!(name));
        }
        if name.is_empty() {
            return Err(ApiError::invalid(
                &kind.group,
                &kind.kind,
                "",
                &[(
                    "metadata.name".into(),
                    "Required value: name or generateName is required".into(),
                )],
            ));
        }
        names::validate_generated(kind, &name, generated_from.as_deref())?;
        if let Some(ns) = url_ns
            && !self.namespace_exists(ns)
        {
            return Err(ApiError::not_found("", "namespaces", ns));
        }
        for k in [
            "uid",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ] {
            m.remove(k);
        }
        m.insert("uid".into(), json!(new_uid()));
        m.insert(
            "creationTimestamp".into(),
            json!(crate::meta::timefmt::now_rfc3339()),
        );
        if kind.sets_generation {
            m.insert("generation".into(), json!(1));
        }
        kind.hooks.default(&mut body);
        names::validate_metadata(kind, &name, &body)?;
        if kind.status_subresource
            && !kind.hooks.keeps_status_on_create()
            && let Value::Object(o) = &mut body
        {
            o.remove("status");
        }
        kind.hooks.prepare_for_create(&mut body);
        let candidate = crate::ssa::managed_fields_of(&body);
        w.prepare(kind, &json!({}), &mut body, &candidate)?;
        let crd_kind = kind
            .hooks
            .validate_and_define(self, kind, None, &mut body)?;
        let key = key_of(kind, ns, &name);
        let resource = kind.resource();
        let (group, plural) = (kind.group.clone(), kind.plural.clone());
        let out = self.store.write(&resource, &key, |cur, rv| {
            if cur.is_some() {
                return Err(ApiError::already_exists(&group, &plural, &name));
            }
            // A dry run answers without a resourceVersion, as kube-apiserver's
            // dry-run storage does.
            if dry_run {
                return Ok((WriteOutcome::Unchanged, body));
            }
            meta(&mut body).insert("resourceVersion".into(), json!(rv.to_string()));
            Ok((WriteOutcome::Put(encode(&body)), body))
        })?;
        if let (Some(ck), false) = (crd_kind, dry_run) {
            self.registry.register(ck);
        }
        Ok(out)
    }
}
