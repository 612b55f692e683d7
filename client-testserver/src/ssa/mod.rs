//! Server-side apply with field ownership: a documented subset of
//! structured-merge-diff (see the crate README, "Server-side apply
//! (subset)").
//!
//! [`apply`] merges an apply configuration into the live object, records
//! the applier's fields in `metadata.managedFields` and reports conflicts;
//! [`record_update`] records the `Update` entry of an ordinary write.

mod fieldset;
mod options;
mod shape;

pub(crate) use fieldset::{
    FieldSet, MAX_FIELD_DEPTH, PathElement, path_string, remove_at, value_at,
};
pub(crate) use options::{WriteOptions, check_write_options, default_field_manager};
pub(crate) use shape::{Shape, smd_path};

use crate::error::ApiError;
use crate::schema::{ListType, go_quote};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// `operation` of a managedFields entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) enum Operation {
    /// Fields set by server-side apply.
    Apply,
    /// Fields set by any other write (create, update, patch).
    Update,
}

/// One entry of `metadata.managedFields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ManagedFieldsEntry {
    /// The field manager.
    pub manager: String,
    /// `Apply` or `Update`.
    pub operation: Operation,
    /// The apiVersion of the object as written.
    #[serde(default)]
    pub api_version: String,
    /// When the entry last changed (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// Always `FieldsV1`.
    #[serde(default = "fields_type")]
    pub fields_type: String,
    /// The owned fields.
    #[serde(default, rename = "fieldsV1")]
    pub fields_v1: Value,
    /// The subresource written (`status`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subresource: Option<String>,
}

fn fields_type() -> String {
    "FieldsV1".to_string()
}

impl ManagedFieldsEntry {
    fn new(
        manager: &str,
        operation: Operation,
        api_version: &str,
        now: &str,
        set: &FieldSet,
    ) -> Self {
        ManagedFieldsEntry {
            manager: manager.to_string(),
            operation,
            api_version: api_version.to_string(),
            time: Some(now.to_string()),
            fields_type: fields_type(),
            fields_v1: set.to_fields_v1(),
            subresource: None,
        }
    }

    /// The owned fields (empty when `fieldsV1` cannot be read).
    pub(crate) fn field_set(&self) -> FieldSet {
        FieldSet::from_fields_v1(&self.fields_v1).unwrap_or_default()
    }

    fn is(&self, manager: &str, op: Operation) -> bool {
        self.is_for(manager, op, None)
    }

    fn is_for(&self, manager: &str, op: Operation, subresource: Option<&str>) -> bool {
        self.manager == manager
            && self.operation == op
            && self.subresource.as_deref() == subresource
    }
}

/// The manager that owns the fields of an object that had no
/// `managedFields` when it was first applied to.
pub(crate) const BEFORE_FIRST_APPLY: &str = "before-first-apply";

/// The `metadata.managedFields` of an object; entries that do not parse are
/// skipped.
pub(crate) fn managed_fields_of(obj: &Value) -> Vec<ManagedFieldsEntry> {
    obj.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| serde_json::from_value(e.clone()).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Writes `entries` as `metadata.managedFields` (removing it when empty).
pub(crate) fn set_managed_fields(obj: &mut Value, entries: &[ManagedFieldsEntry]) {
    let Value::Object(m) = obj else { return };
    let meta = m
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(meta) = meta else { return };
    if entries.is_empty() {
        meta.remove("managedFields");
    } else {
        meta.insert(
            "managedFields".into(),
            serde_json::to_value(entries).unwrap_or(Value::Null),
        );
    }
}

/// The result of a successful apply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApplyOutcome {
    /// The new object, with `metadata.managedFields` updated.
    pub object: Value,
    /// Whether there was no live object (answer 201).
    pub created: bool,
    /// Whether the object differs from the live one (a no-op apply keeps the
    /// resourceVersion and emits no event).
    pub changed: bool,
}

/// One conflicting field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Conflict {
    /// The other manager.
    pub manager: String,
    /// Its operation.
    pub operation: Operation,
    /// Its apiVersion.
    pub api_version: String,
    /// The field, in structured-merge-diff's syntax (`.spec.replicas`).
    pub path: String,
}

impl Conflict {
    /// `"manager"`, or `"manager" using apps/v1` for an `Update` owner.
    pub(crate) fn manager_display(&self) -> String {
        match self.operation {
            Operation::Apply => go_quote(&self.manager),
            Operation::Update => format!("{} using {}", go_quote(&self.manager), self.api_version),
        }
    }
}

/// Apply conflicts: fields the applier would change that other managers own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub(crate) struct ApplyConflicts {
    /// The conflicts, sorted by manager then field.
    pub conflicts: Vec<Conflict>,
}

impl ApplyConflicts {
    /// kube-apiserver's message: `Apply failed with 1 conflict: conflict with
    /// "m": .spec.replicas`, or for several `Apply failed with N conflicts:
    /// conflicts with "m":\n- .a\n- .b\nconflicts with "n":\n- .c`.
    pub(crate) fn message(&self) -> String {
        if let [c] = self.conflicts.as_slice() {
            return format!(
                "Apply failed with 1 conflict: conflict with {}: {}",
                c.manager_display(),
                c.path
            );
        }
        let mut lines = Vec::new();
        let mut last: Option<(&str, Operation, &str)> = None;
        for c in &self.conflicts {
            let who = (c.manager.as_str(), c.operation, c.api_version.as_str());
            if last != Some(who) {
                lines.push(format!("conflicts with {}:", c.manager_display()));
                last = Some(who);
            }
            lines.push(format!("- {}", c.path));
        }
        format!(
            "Apply failed with {} conflicts: {}",
            self.conflicts.len(),
            lines.join("\n")
        )
    }

    /// The 409 `Conflict` Status: the message above and one
    /// `FieldManagerConflict` cause per field (`message` `conflict with
    /// "m"`, `field` `.spec.replicas`).
    pub(crate) fn to_api_error(&self) -> ApiError {
        let mut e = ApiError::new(409, "Conflict", self.message());
        let causes: Vec<Value> = self
            .conflicts
            .iter()
            .map(|c| {
                json!({"reason": "FieldManagerConflict",
                       "message": format!("conflict with {}", c.manager_display()),
                       "field": c.path})
            })
            .collect();
        e.details = Some(Box::new(json!({"causes": causes})));
        e
    }
}

/// Whether a path ends at a list item (compared by presence, not value).
fn is_item(p: &[PathElement]) -> bool {
    matches!(
        p.last(),
        Some(PathElement::Key(_) | PathElement::Value(_) | PathElement::Index(_))
    )
}

/// Whether `p` is a key field of a map-list item (`[name="a"].name`): part
/// of the item's identity, removed only with the item.
fn is_key_field(p: &[PathElement]) -> bool {
    match p {
        [.., PathElement::Key(k), PathElement::Field(f)] => {
            serde_json::from_str::<Value>(k).is_ok_and(|k| k.get(f).is_some())
        }
        _ => false,
    }
}

fn differs(a: &Value, b: &Value, p: &[PathElement]) -> bool {
    let (x, y) = (value_at(a, p), value_at(b, p));
    if is_item(p) {
        x.is_some() != y.is_some()
    } else {
        x != y
    }
}

/// Server-side apply of `applied` (the apply configuration) by `manager`.
///
/// Maps merge recursively; lists are replaced unless the schema marks them
/// `x-kubernetes-list-type: map` (items merged by `x-kubernetes-list-map-keys`,
/// new items appended) or `set` (union, new values appended); a `null` in
/// the configuration removes the field. Fields the manager applied before
/// and no longer applies are removed unless another manager owns them.
/// The manager's `Apply` entry gets the configuration's fields; its `time`
/// is `now` unless the entry is unchanged.
///
/// # Errors
/// [`ApplyConflicts`] when, without `force`, the configuration changes a
/// field another manager owns. With `force` those fields move to `manager`.
pub(crate) fn apply(
    live: Option<&Value>,
    applied: &Value,
    manager: &str,
    force: bool,
    schema: Option<Shape<'_>>,
    now: &str,
) -> Result<ApplyOutcome, ApplyConflicts> {
    let mut cfg = applied.clone();
    if let Some(Value::Object(meta)) = cfg.get_mut("metadata") {
        meta.remove("managedFields");
    }
    let api_version = cfg
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut entries = live.map(managed_fields_of).unwrap_or_default();
    if let Some(l) = live
        && entries.is_empty()
    {
        // kube-apiserver gives an object written before any field tracking
        // to a synthetic Update manager, so the first apply can conflict.
        let set = FieldSet::of_object(l, schema);
        if !set.is_empty() {
            let mut e = ManagedFieldsEntry::new(
                BEFORE_FIRST_APPLY,
                Operation::Update,
                l.get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
                "",
                &set,
            );
            e.time = None;
            entries.push(e);
        }
    }
    let base = live.cloned().unwrap_or_else(|| Value::Object(Map::new()));
    let mut merged = base.clone();
    merge(&mut merged, &cfg, schema, 0);

    let applied_set = FieldSet::of_object(&cfg, schema);
    let mut sets: Vec<FieldSet> = entries.iter().map(ManagedFieldsEntry::field_set).collect();

    let mut conflicts = Vec::new();
    for (e, set) in entries.iter().zip(&sets) {
        if e.is(manager, Operation::Apply) {
            continue;
        }
        for p in applied_set.intersection(set).0 {
            if differs(&base, &merged, &p) {
                conflicts.push(Conflict {
                    manager: e.manager.clone(),
                    operation: e.operation,
                    api_version: e.api_version.clone(),
                    path: path_string(&p),
                });
            }
        }
    }
    conflicts.sort();
    conflicts.dedup();
    if !conflicts.is_empty() {
        if !force {
            return Err(ApplyConflicts { conflicts });
        }
        for (e, set) in entries.iter().zip(sets.iter_mut()) {
            if e.is(manager, Operation::Apply) {
                continue;
            }
            let lost: FieldSet = FieldSet(
                applied_set
                    .intersection(set)
                    .0
                    .into_iter()
                    .filter(|p| differs(&base, &merged, p))
                    .collect(),
            );
            *set = set.difference(&lost);
        }
    }

    // fields this manager stops applying
    let mine = entries.iter().position(|e| e.is(manager, Operation::Apply));
    let old_mine = mine.map(|i| entries[i].clone());
    let previous = mine.map(|i| sets[i].clone()).unwrap_or_default();
    let mut keep = applied_set.clone();
    for (i, set) in sets.iter().enumerate() {
        if Some(i) != mine {
            keep = keep.union(set);
        }
    }
    // prefixes first: removing an item removes its fields with it
    for p in previous.difference(&applied_set).0.iter() {
        if !keep.has_at_or_under(p) && !is_key_field(p) {
            remove_at(&mut merged, p);
        }
    }

    // write back the entries
    let mut out = Vec::new();
    for (i, (e, set)) in entries.drain(..).zip(sets).enumerate() {
        if Some(i) == mine {
            continue;
        }
        if set.is_empty() {
            continue;
        }
        let mut e = e;
        if e.field_set() != set {
            e.fields_v1 = set.to_fields_v1();
        }
        out.push(e);
    }
    if !applied_set.is_empty() {
        let entry =
            ManagedFieldsEntry::new(manager, Operation::Apply, &api_version, now, &applied_set);
        let entry = match old_mine {
            Some(o) if o.fields_v1 == entry.fields_v1 && o.api_version == entry.api_version => o,
            _ => entry,
        };
        let at = mine.unwrap_or(out.len()).min(out.len());
        out.insert(at, entry);
    }
    set_managed_fields(&mut merged, &out);
    let changed = live != Some(&merged);
    Ok(ApplyOutcome {
        object: merged,
        created: live.is_none(),
        changed,
    })
}

fn merge(live: &mut Value, applied: &Value, s: Option<Shape<'_>>, depth: usize) {
    if depth > MAX_FIELD_DEPTH {
        *live = applied.clone();
        return;
    }
    match (&mut *live, applied) {
        (Value::Object(l), Value::Object(a)) if !s.is_some_and(|s| s.map_atomic()) => {
            for (k, av) in a {
                if av.is_null() {
                    l.remove(k);
                    continue;
                }
                let cs = s.and_then(|s| s.property(k));
                match l.get_mut(k) {
                    Some(lv) => merge(lv, av, cs, depth + 1),
                    None => {
                        l.insert(k.clone(), av.clone());
                    }
                }
            }
        }
        (Value::Array(l), Value::Array(a)) => match s.map(|s| s.list_type()) {
            Some(ListType::Map) => {
                let keys = s.map(|s| s.list_map_keys()).unwrap_or_default();
                let keys = keys.as_slice();
                let is = s.and_then(|s| s.items());
                for ai in a {
                    let key = PathElement::key_of(keys, ai);
                    let found = key.as_ref().and_then(|k| {
                        l.iter()
                            .position(|li| PathElement::key_of(keys, li).as_ref() == Some(k))
                    });
                    match found {
                        Some(i) => merge(&mut l[i], ai, is, depth + 1),
                        None => l.push(ai.clone()),
                    }
                }
            }
            Some(ListType::Set) => {
                for ai in a {
                    if !l.contains(ai) {
                        l.push(ai.clone());
                    }
                }
            }
            _ => *live = applied.clone(),
        },
        _ => *live = applied.clone(),
    }
}

/// Records the `Update` entry of an ordinary write (create, update, JSON or
/// merge patch) by `manager`: the fields the write added or changed become
/// the manager's and are taken from every other manager; fields it removed
/// leave every manager's set. For a create pass `{}` as `old`. Nothing
/// changes when the write changed no field. Entries left empty are dropped.
///
/// `schema` decides list granularity as for [`apply`] (`None`: lists atomic).
#[cfg_attr(not(test), allow(dead_code))] // reached from the unit tests only
pub(crate) fn record_update(
    old: &Value,
    new: &Value,
    manager: &str,
    operation_time: &str,
    schema: Option<Shape<'_>>,
    managed: &mut Vec<ManagedFieldsEntry>,
) {
    record_update_for(old, new, manager, operation_time, schema, None, managed);
}

/// [`record_update`] for a write through a subresource (`status`, `scale`):
/// the entry carries `subresource` and is distinct from the same manager's
/// main-resource entry.
pub(crate) fn record_update_for(
    old: &Value,
    new: &Value,
    manager: &str,
    operation_time: &str,
    schema: Option<Shape<'_>>,
    subresource: Option<&str>,
    managed: &mut Vec<ManagedFieldsEntry>,
) {
    let old_set = FieldSet::of_object(old, schema);
    let new_set = FieldSet::of_object(new, schema);
    let changed = FieldSet(
        new_set
            .0
            .iter()
            .filter(|p| differs(old, new, p))
            .cloned()
            .collect(),
    );
    let removed = old_set.difference(&new_set);
    if changed.is_empty() && removed.is_empty() {
        return;
    }
    let api_version = new
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut found = false;
    for e in managed.iter_mut() {
        let set = e.field_set();
        let next = if e.is_for(manager, Operation::Update, subresource) {
            found = true;
            e.time = Some(operation_time.to_string());
            e.api_version = api_version.clone();
            set.union(&changed).difference(&removed)
        } else {
            set.difference(&changed).difference(&removed)
        };
        if next != set {
            e.fields_v1 = next.to_fields_v1();
        }
    }
    if !found && !changed.is_empty() {
        let mut e = ManagedFieldsEntry::new(
            manager,
            Operation::Update,
            &api_version,
            operation_time,
            &changed,
        );
        e.subresource = subresource.map(str::to_string);
        managed.push(e);
    }
    managed.retain(|e| !e.field_set().is_empty());
}

#[cfg(test)]
mod tests;

/// The examples that were doc tests while this module was public.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod examples {
    #[test]
    fn module_doc_example() {
        use crate::ssa::apply;
        use serde_json::json;

        let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c"}, "data": {"a": "1"}});
        let out = apply(None, &cfg, "alice", false, None, "2024-01-01T00:00:00Z").unwrap();
        assert!(out.created);
        assert_eq!(
            out.object["metadata"]["managedFields"][0]["fieldsV1"],
            json!({"f:data": {"f:a": {}}})
        );
        let other = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c"}, "data": {"a": "2"}});
        let err = apply(
            Some(&out.object),
            &other,
            "bob",
            false,
            None,
            "2024-01-01T00:00:01Z",
        )
        .unwrap_err();
        assert_eq!(
            err.to_api_error().message,
            "Apply failed with 1 conflict: conflict with \"alice\": .data.a"
        );
    }
}
