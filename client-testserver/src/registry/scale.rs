//! The `/scale` subresource: an autoscaling/v1 Scale read from and written
//! to the paths the kind's row names.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::registry::Backend;
use crate::registry::backend::{Part, meta, str_at};
use crate::registry::kind::ResourceKind;
use crate::registry::writer::Writer;

impl Backend {
    /// The autoscaling/v1 Scale of an object.
    ///
    /// # Errors
    /// 404 when the object or the scale subresource is missing.
    pub(crate) fn get_scale(
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
    pub(crate) fn update_scale(
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
            // ValidateScale, before the kind's own validation.
            if replicas < 0 {
                return Err(ApiError::invalid(
                    "autoscaling",
                    "Scale",
                    name,
                    &[(
                        "spec.replicas".into(),
                        format!("Invalid value: {replicas}: must be greater than or equal to 0"),
                    )],
                ));
            }
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
    let selector = match (&paths.label_selector, &paths.label_selector_of) {
        (Some(p), _) => get_path(obj, p).and_then(Value::as_str).map(str::to_string),
        (None, Some(p)) => get_path(obj, p).and_then(crate::meta::label_selector::selector_string),
        (None, None) => None,
    };
    if let Some(sel) = selector {
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
