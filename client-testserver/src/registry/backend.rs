//! The verbs: create, update, patch, delete, get, list, scale, applied to
//! the store with each resource's strategy. HTTP-free, so the Rust seeding
//! API and the HTTP handlers share one write path.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::meta::names;
use crate::meta::selector::{FieldSelector, LabelSelector};
use crate::registry::Registry;
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;
use crate::storage::store::{ObjectKey, Store, WriteOutcome};

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The main resource.
    Main,
    /// The `/status` subresource.
    Status,
}

/// The patch formats accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json` (RFC 6902).
    Json,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/strategic-merge-patch+json`, served as a merge patch
    /// for built-ins (their lists here have no merge keys that matter).
    StrategicMerge,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

/// Options of a list or watch.
#[derive(Default)]
pub struct ListOptions {
    /// `labelSelector`.
    pub labels: Option<LabelSelector>,
    /// `fieldSelector`.
    pub fields: Option<FieldSelector>,
}

impl ListOptions {
    /// Parses the selectors, checking field labels against the kind.
    ///
    /// # Errors
    /// 400 BadRequest for bad syntax or unsupported field labels.
    pub fn parse(
        kind: &ResourceKind,
        label: Option<&str>,
        field: Option<&str>,
    ) -> Result<ListOptions, ApiError> {
        let labels = match label.filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                Some(LabelSelector::parse(s).map_err(|e| ApiError::bad_request(e.to_string()))?)
            }
            None => None,
        };
        let fields = match field.filter(|s| !s.trim().is_empty()) {
            Some(s) => {
                let f =
                    FieldSelector::parse(s).map_err(|e| ApiError::bad_request(e.to_string()))?;
                if let Some(bad) = f.fields().find(|f| !kind.supports_field(f)) {
                    return Err(ApiError::bad_request(format!(
                        "field label not supported: {bad}"
                    )));
                }
                Some(f)
            }
            None => None,
        };
        Ok(ListOptions { labels, fields })
    }

    /// Whether any selector is set.
    pub fn is_empty(&self) -> bool {
        self.labels.is_none() && self.fields.is_none()
    }

    /// Whether `obj` satisfies the selectors.
    pub fn matches(&self, kind: &ResourceKind, obj: &Value) -> bool {
        if let Some(l) = &self.labels {
            let empty = Map::new();
            let labels = obj
                .pointer("/metadata/labels")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            if !l.matches(labels) {
                return false;
            }
        }
        if let Some(f) = &self.fields
            && !f.matches(|field| kind.field_value(obj, field))
        {
            return false;
        }
        true
    }
}

/// What a delete did.
pub enum Deleted {
    /// The object is gone; its final state.
    Gone(Value),
    /// Finalizers hold it; it now carries a deletionTimestamp.
    Pending(Value),
}

/// The store plus the served resources: the server's state.
#[derive(Clone)]
pub struct Backend {
    /// Objects.
    pub store: Store,
    /// Served resources.
    pub registry: Registry,
}

fn key_of(kind: &ResourceKind, ns: Option<&str>, name: &str) -> ObjectKey {
    let ns = if kind.namespaced {
        ns.unwrap_or("")
    } else {
        ""
    };
    (ns.to_string(), name.to_string())
}

/// Parses stored bytes (always valid JSON written by this crate).
pub fn parse(b: &Bytes) -> Value {
    serde_json::from_slice(b).unwrap_or(Value::Null)
}

/// Serializes for storage; the buffer is trimmed to its length so a stored
/// object costs its JSON size, not the serializer's grown capacity.
pub(crate) fn encode(v: &Value) -> Bytes {
    let mut buf = serde_json::to_vec(v).unwrap_or_default();
    buf.shrink_to_fit();
    Bytes::from(buf)
}

pub(crate) fn meta(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    let Value::Object(o) = v else {
        unreachable!("made an object above")
    };
    let m = o
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !m.is_object() {
        *m = Value::Object(Map::new());
    }
    let Value::Object(m) = m else {
        unreachable!("made an object above")
    };
    m
}

pub(crate) fn str_at<'a>(v: &'a Value, p: &str) -> Option<&'a str> {
    v.pointer(p).and_then(Value::as_str)
}

fn require_object(v: &Value) -> Result<(), ApiError> {
    if v.is_object() {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "the body of the request is not a JSON object",
        ))
    }
}

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

/// A body's `apiVersion`, when set, must be the one of the URL.
fn check_api_version(kind: &ResourceKind, version: &str, body: &Value) -> Result<(), ApiError> {
    let expected = kind.api_version(version);
    match body.get("apiVersion").and_then(Value::as_str) {
        Some(got) if !got.is_empty() && got != expected => Err(ApiError::bad_request(format!(
            "the API version in the data ({got}) does not match the expected API version ({expected})"
        ))),
        _ => Ok(()),
    }
}

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
    /// Whether namespace `ns` exists.
    pub fn namespace_exists(&self, ns: &str) -> bool {
        self.store
            .get("namespaces", &(String::new(), ns.to_string()))
            .is_some()
    }

    /// Sets `apiVersion` to the requested version of `kind`.
    pub fn present(&self, kind: &ResourceKind, version: &str, mut v: Value) -> Value {
        if let Value::Object(m) = &mut v {
            m.insert("apiVersion".into(), json!(kind.api_version(version)));
            m.insert("kind".into(), json!(kind.kind));
        }
        v
    }

    /// Stored bytes as served at `version`: the bytes themselves when they
    /// already carry that apiVersion (the common case), else re-encoded.
    pub fn encode_for(&self, kind: &ResourceKind, version: &str, raw: &Bytes) -> Bytes {
        // Keys are written sorted, so a top-level apiVersion comes first (a
        // nested one, in an ownerReference say, must not count).
        let pattern = format!("{{\"apiVersion\":\"{}\"", kind.api_version(version));
        if raw.starts_with(pattern.as_bytes()) {
            return raw.clone();
        }
        encode(&self.present(kind, version, parse(raw)))
    }

    /// Reads one object's stored JSON.
    ///
    /// # Errors
    /// 404 NotFound.
    pub fn get_raw(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Bytes, ApiError> {
        self.store
            .get(&kind.resource(), &key_of(kind, ns, name))
            .ok_or_else(|| ApiError::not_found(&kind.group, &kind.plural, name))
    }

    /// Reads one object.
    ///
    /// # Errors
    /// 404 NotFound.
    pub fn get(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        self.store
            .get(&kind.resource(), &key_of(kind, ns, name))
            .map(|b| parse(&b))
            .ok_or_else(|| ApiError::not_found(&kind.group, &kind.plural, name))
    }

    /// Creates an object, recorded for the server's own field manager.
    ///
    /// # Errors
    /// The contract's create errors: 400, 404 (namespace), 409, 422, 500.
    pub fn create(
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
    pub fn create_as(
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
        if name.is_empty()
            && let Some(g) = m.get("generateName").and_then(Value::as_str)
            && !g.is_empty()
        {
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
        names::validate(kind, &name)?;
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

    /// Replaces an object (or its status).
    ///
    /// # Errors
    /// 400 name mismatch, 404, 409 stale resourceVersion, 422.
    #[allow(clippy::too_many_arguments)]
    pub fn update(
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

    /// Applies a JSON or merge patch to an object (or its status).
    ///
    /// # Errors
    /// 404 for a missing object, 422 for a patch that cannot apply, the
    /// update errors otherwise.
    #[allow(clippy::too_many_arguments)]
    pub fn patch(
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
                PatchType::Merge | PatchType::StrategicMerge => {
                    if !patch.is_object() {
                        return Err(ApiError::bad_request(
                            "the body of the request was in an unknown format - a merge patch must be a JSON object",
                        ));
                    }
                    crate::patch::merge_patch(&mut doc, &patch)
                }
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

    /// Server-side apply of the configuration `cfg` by `w.manager`
    /// (`w.applied` set): creates the object when absent (`Ok((obj, true))`,
    /// answered 201), else merges into it with field ownership.
    ///
    /// # Errors
    /// 400 (name or namespace differs from the URL), 404 (namespace, or
    /// `/status` of a missing object), 409 (`FieldManagerConflict`s, stale
    /// resourceVersion), 422 (schema), 500 (a field the schema does not
    /// declare, whatever `fieldValidation` says).
    #[allow(clippy::too_many_arguments)]
    pub fn apply(
        &self,
        kind: &Arc<ResourceKind>,
        version: &str,
        ns: Option<&str>,
        name: &str,
        cfg: Value,
        part: Part,
        force: bool,
        dry_run: bool,
        w: &Writer,
    ) -> Result<(Value, bool), ApiError> {
        let cfg = self.apply_configuration(kind, version, ns, name, cfg, part)?;
        let schema = crate::registry::writer::object_schema(kind, &cfg);
        let run = |live: Option<&Value>| {
            let now = crate::meta::timefmt::now_rfc3339();
            crate::ssa::apply(live, &cfg, &w.manager, force, schema.as_deref(), &now)
                .map(|out| out.object)
                .map_err(|c| c.to_api_error())
        };
        // The object may appear or vanish between the look-up and the
        // write: try again with the other path, a few times.
        let mut last = ApiError::not_found(&kind.group, &kind.plural, name);
        for _ in 0..3 {
            if self.get(kind, ns, name).is_err() {
                if part == Part::Status {
                    return Err(last);
                }
                match self.create_as(kind, version, ns, run(None)?, dry_run, w) {
                    Err(e) if e.code == 409 && e.reason == "AlreadyExists" => last = e,
                    r => return r.map(|o| (o, true)),
                }
                continue;
            }
            let written = self.modify(kind, ns, name, dry_run, w, |old| {
                Ok((run(Some(&self.present(kind, version, old.clone())))?, part))
            });
            match written {
                Err(e) if e.code == 404 && part == Part::Main => last = e,
                r => return r.map(|o| (o, false)),
            }
        }
        Err(last)
    }

    /// Checks an apply configuration against the URL and the schema, and
    /// keeps the part the request addresses: no `status` for a main
    /// resource with a status subresource, only `status` for `/status`.
    ///
    /// Apply is strict whatever `fieldValidation` says: a field the schema
    /// does not declare fails the typed conversion, as in kube-apiserver.
    fn apply_configuration(
        &self,
        kind: &ResourceKind,
        version: &str,
        ns: Option<&str>,
        name: &str,
        cfg: Value,
        part: Part,
    ) -> Result<Value, ApiError> {
        require_object(&cfg)?;
        check_api_version(kind, version, &cfg)?;
        let mut cfg = self.present(kind, version, cfg);
        match str_at(&cfg, "/metadata/name") {
            Some(b) if b == name => {}
            b => {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({}) does not match the name on the URL ({name})",
                    b.unwrap_or_default()
                )));
            }
        }
        if let Some(url_ns) = ns.filter(|_| kind.namespaced) {
            if str_at(&cfg, "/metadata/namespace").is_some_and(|b| !b.is_empty() && b != url_ns) {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            meta(&mut cfg).insert("namespace".into(), json!(url_ns));
        }
        if let Some(schema) = crate::registry::writer::object_schema(kind, &cfg) {
            let pruned = crate::schema::prune(&schema, &mut cfg.clone());
            if !pruned.is_empty() {
                return Err(undeclared_fields(kind, version, ns, name, &pruned));
            }
        }
        if let Value::Object(o) = &mut cfg {
            match part {
                Part::Main if kind.status_subresource => {
                    o.remove("status");
                }
                Part::Main => {}
                Part::Status => {
                    o.retain(|k, _| {
                        matches!(k.as_str(), "apiVersion" | "kind" | "metadata" | "status")
                    });
                }
            }
        }
        Ok(cfg)
    }

    /// The shared update path: `f` turns the stored object into the
    /// candidate; strategy rules then decide what is stored.
    fn modify(
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
        let mut crd_kind = None;
        let mut crd_deleted = false;
        let out = self.store.write(&resource, &key, |cur, rv| {
            let Some(cur) = cur else {
                return Err(ApiError::not_found(&k.group, &k.plural, name));
            };
            let old = parse(cur);
            let (mut new, part) = f(&old)?;
            require_object(&new)?;
            let candidate = crate::ssa::managed_fields_of(&new);
            let old_rv = str_at(&old, "/metadata/resourceVersion").unwrap_or_default();
            match str_at(&new, "/metadata/resourceVersion") {
                Some(r) if !r.is_empty() && r != old_rv => {
                    return Err(ApiError::conflict(&k.group, &k.plural, name));
                }
                _ => {}
            }
            let old_uid = str_at(&old, "/metadata/uid").unwrap_or_default();
            if let Some(u) = str_at(&new, "/metadata/uid").filter(|u| !u.is_empty() && *u != old_uid) {
                return Err(ApiError::conflict_because(
                    &k.group,
                    &k.plural,
                    name,
                    &format!("Precondition failed: UID in precondition: {u}, UID in object meta: {old_uid}"),
                ));
            }
            // What the write may not change.
            if part == Part::Status {
                let status = new.get("status").cloned();
                new = old.clone();
                if let Value::Object(o) = &mut new {
                    match status {
                        Some(s) => o.insert("status".into(), s),
                        None => o.remove("status"),
                    };
                }
            } else if k.status_subresource
                && let Value::Object(o) = &mut new {
                    match old.get("status") {
                        Some(s) => o.insert("status".into(), s.clone()),
                        None => o.remove("status"),
                    };
                }
            let om = old.get("metadata").cloned().unwrap_or(json!({}));
            {
                let m = meta(&mut new);
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
            let fin = |v: &Value| -> Vec<String> {
                v.pointer("/metadata/finalizers")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let deleting = om.get("deletionTimestamp").is_some();
            if deleting {
                let old_f = fin(&old);
                let added: Vec<String> = fin(&new)
                    .into_iter()
                    .filter(|f| !old_f.contains(f))
                    .collect();
                if !added.is_empty() {
                    let list = added
                        .iter()
                        .map(|f| format!("{f:?}"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(ApiError::invalid(
                        &k.group,
                        &k.kind,
                        name,
                        &[(
                            "metadata.finalizers".into(),
                            format!("Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{{{list}}}"),
                        )],
                    ));
                }
            }
            k.hooks.default(&mut new);
            w.prepare(&k, &old, &mut new, &candidate)?;
            if part == Part::Main {
                names::validate_metadata(&k, name, &new)?;
            }
            if new == old {
                return Ok((WriteOutcome::Unchanged, old));
            }
            if k.sets_generation && part == Part::Main && spec_part(&k, &new) != spec_part(&k, &old) {
                let g = om.get("generation").and_then(Value::as_i64).unwrap_or(0);
                meta(&mut new).insert("generation".into(), json!(g + 1));
            }
            if part == Part::Main {
                crd_kind = k.hooks.validate_and_define(self, &k, Some(&old), &mut new)?;
                if new == old {
                    return Ok((WriteOutcome::Unchanged, old));
                }
            }
            meta(&mut new).insert("resourceVersion".into(), json!(rv.to_string()));
            if dry_run {
                // A dry run keeps the stored resourceVersion, as kube-apiserver's
                // dry-run storage does (`kubectl diff` then shows no change).
                meta(&mut new).insert("resourceVersion".into(), json!(old_rv));
                return Ok((WriteOutcome::Unchanged, new));
            }
            if deleting && fin(&new).is_empty() && !k.hooks.waits_for_controller(&new) {
                crd_deleted = true;
                return Ok((WriteOutcome::Delete(encode(&new)), new));
            }
            Ok((WriteOutcome::Put(encode(&new)), new))
        })?;
        if let Some(ck) = crd_kind.filter(|_| !dry_run) {
            self.registry.register(ck);
        }
        if crd_deleted {
            self.after_delete(kind, &out);
        }
        Ok(out)
    }

    /// Deletes an object, honouring finalizers and preconditions.
    ///
    /// # Errors
    /// 404, 409 for a failed precondition.
    pub fn delete(
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
    fn after_delete(&self, kind: &ResourceKind, obj: &Value) {
        kind.hooks.after_delete(self, obj);
    }

    /// The autoscaling/v1 Scale of an object.
    ///
    /// # Errors
    /// 404 when the object or the scale subresource is missing.
    pub fn get_scale(
        &self,
        kind: &ResourceKind,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        let obj = self.get(kind, ns, name)?;
        scale_of(kind, &obj)
    }

    /// Writes `spec.replicas` of a Scale (from a PUT body or a patched
    /// Scale) into the object.
    ///
    /// # Errors
    /// 404, 409, 422 for a missing replicas count.
    pub fn update_scale(
        &self,
        kind: &Arc<ResourceKind>,
        ns: Option<&str>,
        name: &str,
        change: impl FnOnce(Value) -> Result<Value, ApiError>,
        dry_run: bool,
        w: &Writer,
    ) -> Result<Value, ApiError> {
        let k = kind.clone();
        let obj = self.modify(kind, ns, name, dry_run, w, move |old| {
            let scale = scale_of(&k, old)?;
            let new_scale = change(scale)?;
            let Some(replicas) = new_scale.pointer("/spec/replicas").and_then(Value::as_i64) else {
                return Err(ApiError::invalid(
                    "autoscaling",
                    "Scale",
                    name,
                    &[("spec.replicas".into(), "Required value".into())],
                ));
            };
            let mut new = old.clone();
            if let Some(r) = str_at(&new_scale, "/metadata/resourceVersion") {
                meta(&mut new).insert("resourceVersion".into(), json!(r));
            }
            let paths = k
                .scale
                .clone()
                .ok_or_else(|| ApiError::not_found(&k.group, &k.plural, name))?;
            set_path(&mut new, &paths.spec_replicas, json!(replicas));
            Ok((new, Part::Main))
        })?;
        scale_of(kind, &obj)
    }
}

/// kube-apiserver's answer to an apply configuration with fields its schema
/// does not declare: structured-merge-diff's typed conversion fails, a 500
/// without reason: `failed to create typed patch object (ns/name;
/// group/v1, Kind=K): .spec.foo: field not declared in schema`.
fn undeclared_fields(
    kind: &ResourceKind,
    version: &str,
    ns: Option<&str>,
    name: &str,
    pruned: &[String],
) -> ApiError {
    let errors: Vec<String> = pruned
        .iter()
        .map(|p| format!(".{p}: field not declared in schema"))
        .collect();
    let detail = match errors.as_slice() {
        [one] => one.clone(),
        many => format!("errors:\n  {}", many.join("\n  ")),
    };
    let ns = ns.filter(|_| kind.namespaced).unwrap_or_default();
    ApiError::internal(format!(
        "failed to create typed patch object ({ns}/{name}; {}/{version}, Kind={}): {detail}",
        kind.group, kind.kind
    ))
}

/// The Status for a JSON patch that failed: 400 when the patch is
/// malformed, 422 when it does not apply to the object.
pub fn patch_error(e: crate::patch::PatchError) -> ApiError {
    if e.is_malformed() {
        ApiError::bad_request(e.to_string())
    } else {
        ApiError::new(422, "Invalid", e.to_string())
    }
}

fn get_path<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for seg in path.trim_start_matches('.').split('.') {
        cur = cur.get(seg)?;
    }
    Some(cur)
}

fn set_path(v: &mut Value, path: &str, val: Value) {
    let segs: Vec<&str> = path.trim_start_matches('.').split('.').collect();
    let mut cur = v;
    for (i, seg) in segs.iter().enumerate() {
        let Value::Object(m) = cur else { return };
        if i + 1 == segs.len() {
            m.insert(seg.to_string(), val);
            return;
        }
        cur = m
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

fn scale_of(kind: &ResourceKind, obj: &Value) -> Result<Value, ApiError> {
    let name = str_at(obj, "/metadata/name").unwrap_or_default();
    let paths = kind
        .scale
        .as_ref()
        .ok_or_else(|| ApiError::not_found(&kind.group, &kind.plural, name))?;
    let m = obj.get("metadata").cloned().unwrap_or(json!({}));
    let mut md = Map::new();
    for f in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = m.get(f) {
            md.insert(f.into(), v.clone());
        }
    }
    let spec = get_path(obj, &paths.spec_replicas)
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let status = get_path(obj, &paths.status_replicas)
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let mut st = json!({"replicas": status});
    if let Some(sel) = paths
        .label_selector
        .as_deref()
        .and_then(|p| get_path(obj, p))
        .and_then(Value::as_str)
    {
        st["selector"] = json!(sel);
    }
    Ok(json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": md,
        "spec": {"replicas": spec},
        "status": st,
    }))
}
