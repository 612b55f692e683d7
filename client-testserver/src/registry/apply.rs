//! Server-side apply: the configuration checked against the URL and the
//! schema, then created or merged with field ownership (`crate::ssa`).

use std::sync::Arc;

use serde_json::{Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{
    Part, check_api_version, check_typed, meta, require_object, str_at,
};
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;

impl Backend {
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
    pub(crate) fn apply(
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
        let shape = crate::registry::writer::object_shape(kind, &cfg);
        let run = |live: Option<&Value>| {
            let now = crate::meta::timefmt::now_rfc3339();
            let shape = shape
                .as_ref()
                .map(crate::registry::writer::ObjectShape::shape);
            crate::ssa::apply(live, &cfg, &w.manager, force, shape, &now)
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
    /// (or a built-in's type) does not declare fails the typed conversion,
    /// as in kube-apiserver.
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
        check_typed(kind, version, &cfg)?;
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
        if let Some(node) = crate::registry::writer::object_type(kind, &cfg)
            && let Ok(unknown) = crate::types::decode::check(node, &cfg)
            && !unknown.is_empty()
        {
            // structured-merge-diff names map-list items by key.
            let shape = crate::ssa::Shape::Typed(node);
            let paths: Vec<String> = unknown
                .iter()
                .map(|p| {
                    let path = crate::ssa::path_string(&crate::ssa::smd_path(shape, &cfg, p));
                    path.trim_start_matches('.').to_string()
                })
                .collect();
            return Err(undeclared_fields(kind, version, ns, name, &paths));
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
                // The update path keeps only the subresource's fields.
                Part::Field(_) | Part::Resize | Part::Computed => {}
            }
        }
        Ok(cfg)
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
