#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::schema::Schema;
use serde_json::json;

const T0: &str = "2024-01-01T00:00:00Z";
const T1: &str = "2024-01-01T00:01:00Z";
const T2: &str = "2024-01-01T00:02:00Z";

/// A Deployment-like custom resource: containers are a map list keyed by
/// name, finalizer-like `tags` a set, `args` atomic.
fn schema() -> Schema {
    Schema::parse(
        &json!({"type": "object", "properties": {"spec": {"type": "object", "properties": {
            "replicas": {"type": "integer"},
            "paused": {"type": "boolean"},
            "image": {"type": "string"},
            "containers": {"type": "array", "x-kubernetes-list-type": "map",
                           "x-kubernetes-list-map-keys": ["name"],
                           "items": {"type": "object", "properties": {
                               "name": {"type": "string"}, "image": {"type": "string"},
                               "args": {"type": "array", "items": {"type": "string"}}}}},
            "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
            "args": {"type": "array", "items": {"type": "string"}}
        }}}}),
    )
    .unwrap()
}

fn cfg(spec: Value) -> Value {
    json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec})
}

fn apply_ok(live: Option<&Value>, spec: Value, who: &str, now: &str) -> Value {
    apply(
        live,
        &cfg(spec),
        who,
        false,
        Some(Shape::Crd(&schema())),
        now,
    )
    .unwrap()
    .object
}

fn entry<'a>(obj: &'a Value, who: &str) -> Option<&'a Value> {
    obj["metadata"]["managedFields"]
        .as_array()?
        .iter()
        .find(|e| e["manager"] == who)
}

#[test]
fn create_via_apply_records_an_apply_entry() {
    let out = apply(
        None,
        &cfg(json!({"replicas": 1})),
        "alice",
        false,
        Some(Shape::Crd(&schema())),
        T0,
    )
    .unwrap();
    assert!(out.created);
    assert!(out.changed);
    assert_eq!(out.object["spec"], json!({"replicas": 1}));
    assert_eq!(out.object["metadata"]["name"], "w");
    assert_eq!(
        out.object["metadata"]["managedFields"],
        json!([{"manager": "alice", "operation": "Apply", "apiVersion": "example.com/v1",
                "time": T0, "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {"f:replicas": {}}}}])
    );
}

#[test]
fn two_managers_own_different_fields() {
    let a = apply_ok(None, json!({"replicas": 1}), "alice", T0);
    let b = apply_ok(Some(&a), json!({"paused": true}), "bob", T1);
    assert_eq!(b["spec"], json!({"replicas": 1, "paused": true}));
    assert_eq!(
        entry(&b, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
    assert_eq!(
        entry(&b, "bob").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:paused": {}}})
    );
    assert_eq!(
        entry(&b, "alice").unwrap()["time"],
        T0,
        "alice's entry untouched"
    );
}

#[test]
fn conflict_message_and_causes() {
    let a = apply_ok(None, json!({"replicas": 1}), "alice", T0);
    let err = apply(
        Some(&a),
        &cfg(json!({"replicas": 2})),
        "bob",
        false,
        Some(Shape::Crd(&schema())),
        T1,
    )
    .unwrap_err();
    let e = err.to_api_error();
    assert_eq!(e.code, 409);
    assert_eq!(e.reason, "Conflict");
    assert_eq!(
        e.message,
        "Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas"
    );
    assert_eq!(
        e.to_status()["details"],
        json!({"causes": [{"reason": "FieldManagerConflict", "message": "conflict with \"alice\"",
                           "field": ".spec.replicas"}]})
    );
}

#[test]
fn several_conflicts_are_grouped_by_manager() {
    let a = apply_ok(None, json!({"replicas": 1, "image": "a"}), "alice", T0);
    let b = apply_ok(Some(&a), json!({"paused": false}), "bob", T1);
    let err = apply(
        Some(&b),
        &cfg(json!({"replicas": 2, "image": "b", "paused": true})),
        "carol",
        false,
        Some(Shape::Crd(&schema())),
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.to_api_error().message,
        "Apply failed with 3 conflicts: conflicts with \"alice\":\n- .spec.image\n- .spec.replicas\nconflicts with \"bob\":\n- .spec.paused"
    );
    assert_eq!(
        err.to_api_error().to_status()["details"]["causes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn same_value_is_shared_not_a_conflict() {
    let a = apply_ok(None, json!({"replicas": 1}), "alice", T0);
    let b = apply_ok(Some(&a), json!({"replicas": 1}), "bob", T1);
    assert_eq!(
        entry(&b, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
    assert_eq!(
        entry(&b, "bob").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
}

#[test]
fn force_takes_ownership() {
    let a = apply_ok(None, json!({"replicas": 1, "paused": false}), "alice", T0);
    let out = apply(
        Some(&a),
        &cfg(json!({"replicas": 5})),
        "bob",
        true,
        Some(Shape::Crd(&schema())),
        T1,
    )
    .unwrap();
    let o = out.object;
    assert_eq!(o["spec"], json!({"replicas": 5, "paused": false}));
    assert_eq!(
        entry(&o, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:paused": {}}})
    );
    assert_eq!(
        entry(&o, "bob").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
    // alice now conflicts with bob
    let err = apply(
        Some(&o),
        &cfg(json!({"replicas": 1, "paused": false})),
        "alice",
        false,
        Some(Shape::Crd(&schema())),
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"bob\": .spec.replicas"
    );
}

#[test]
fn force_removes_an_entry_left_empty() {
    let a = apply_ok(None, json!({"replicas": 1}), "alice", T0);
    let out = apply(
        Some(&a),
        &cfg(json!({"replicas": 5})),
        "bob",
        true,
        Some(Shape::Crd(&schema())),
        T1,
    )
    .unwrap();
    assert!(entry(&out.object, "alice").is_none());
}

#[test]
fn dropped_field_is_removed_when_nobody_else_owns_it() {
    let a = apply_ok(None, json!({"replicas": 1, "paused": true}), "alice", T0);
    let a2 = apply_ok(Some(&a), json!({"replicas": 1}), "alice", T1);
    assert_eq!(a2["spec"], json!({"replicas": 1}));
    assert_eq!(
        entry(&a2, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
    assert_eq!(entry(&a2, "alice").unwrap()["time"], T1);
}

#[test]
fn dropped_field_is_kept_when_someone_else_owns_it() {
    let a = apply_ok(None, json!({"replicas": 1, "paused": true}), "alice", T0);
    let b = apply_ok(Some(&a), json!({"paused": true}), "bob", T1);
    let a2 = apply_ok(Some(&b), json!({"replicas": 1}), "alice", T2);
    assert_eq!(a2["spec"], json!({"replicas": 1, "paused": true}));
    assert_eq!(
        entry(&a2, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:replicas": {}}})
    );
    assert_eq!(
        entry(&a2, "bob").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:paused": {}}})
    );
}

#[test]
fn map_lists_merge_by_key() {
    let a = apply_ok(
        None,
        json!({"containers": [{"name": "app", "image": "app:1"}]}),
        "alice",
        T0,
    );
    let b = apply_ok(
        Some(&a),
        json!({"containers": [{"name": "sidecar", "image": "proxy:1"}]}),
        "bob",
        T1,
    );
    assert_eq!(
        b["spec"]["containers"],
        json!([{"name": "app", "image": "app:1"}, {"name": "sidecar", "image": "proxy:1"}])
    );
    assert_eq!(
        entry(&b, "bob").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:containers": {"k:{\"name\":\"sidecar\"}": {".": {}, "f:image": {}, "f:name": {}}}}})
    );
    // alice updates her item; bob's is untouched
    let a2 = apply_ok(
        Some(&b),
        json!({"containers": [{"name": "app", "image": "app:2"}]}),
        "alice",
        T2,
    );
    assert_eq!(
        a2["spec"]["containers"],
        json!([{"name": "app", "image": "app:2"}, {"name": "sidecar", "image": "proxy:1"}])
    );
    // bob changing alice's item image conflicts at the item field
    let err = apply(
        Some(&a2),
        &cfg(json!({"containers": [{"name": "app", "image": "evil"}]})),
        "bob",
        false,
        Some(Shape::Crd(&schema())),
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"alice\": .spec.containers[name=\"app\"].image"
    );
    // alice stops applying her item: it is removed, bob's stays
    let a3 = apply_ok(Some(&a2), json!({"replicas": 1}), "alice", T2);
    assert_eq!(
        a3["spec"]["containers"],
        json!([{"name": "sidecar", "image": "proxy:1"}])
    );
}

#[test]
fn set_lists_union_and_shrink_per_owner() {
    let a = apply_ok(None, json!({"tags": ["a", "b"]}), "alice", T0);
    let b = apply_ok(Some(&a), json!({"tags": ["b", "c"]}), "bob", T1);
    assert_eq!(b["spec"]["tags"], json!(["a", "b", "c"]));
    let a2 = apply_ok(Some(&b), json!({"tags": []}), "alice", T2);
    assert_eq!(a2["spec"]["tags"], json!(["b", "c"]), "b is still bob's");
}

#[test]
fn atomic_lists_are_replaced_and_owned_whole() {
    let a = apply_ok(None, json!({"args": ["x", "y"]}), "alice", T0);
    assert_eq!(
        entry(&a, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:args": {}}})
    );
    let a2 = apply_ok(Some(&a), json!({"args": ["z"]}), "alice", T1);
    assert_eq!(a2["spec"]["args"], json!(["z"]));
    let err = apply(
        Some(&a2),
        &cfg(json!({"args": ["z", "w"]})),
        "bob",
        false,
        Some(Shape::Crd(&schema())),
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"alice\": .spec.args"
    );
    // without a schema every list is atomic
    let plain = apply(
        None,
        &cfg(json!({"containers": [{"name": "a"}]})),
        "alice",
        false,
        None,
        T0,
    )
    .unwrap();
    assert_eq!(
        entry(&plain.object, "alice").unwrap()["fieldsV1"],
        json!({"f:spec": {"f:containers": {}}})
    );
}

#[test]
fn no_op_apply_keeps_the_object_and_time() {
    let a = apply_ok(None, json!({"replicas": 1}), "alice", T0);
    let out = apply(
        Some(&a),
        &cfg(json!({"replicas": 1})),
        "alice",
        false,
        Some(Shape::Crd(&schema())),
        T1,
    )
    .unwrap();
    assert!(!out.changed);
    assert!(!out.created);
    assert_eq!(out.object, a);
}

#[test]
fn metadata_labels_are_owned_per_key() {
    let c = json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "c", "labels": {"a": "1"}, "managedFields": [{"bogus": true}]}});
    let out = apply(None, &c, "alice", false, None, T0).unwrap();
    assert_eq!(
        entry(&out.object, "alice").unwrap()["fieldsV1"],
        json!({"f:metadata": {"f:labels": {"f:a": {}}}})
    );
    assert_eq!(
        out.object["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn update_entries_from_ordinary_writes() {
    let s = schema();
    // create by POST: everything belongs to the creator, as an Update
    let created = cfg(json!({"replicas": 1, "image": "a"}));
    let mut managed = Vec::new();
    record_update(
        &json!({}),
        &created,
        "creator",
        T0,
        Some(Shape::Crd(&s)),
        &mut managed,
    );
    assert_eq!(managed.len(), 1);
    assert_eq!(managed[0].operation, Operation::Update);
    assert_eq!(managed[0].api_version, "example.com/v1");
    assert_eq!(
        managed[0].fields_v1,
        json!({"f:spec": {"f:image": {}, "f:replicas": {}}})
    );
    let mut live = created.clone();
    set_managed_fields(&mut live, &managed);

    // an applier takes replicas (shared, same value) and sets paused
    let applied = apply_ok(
        Some(&live),
        json!({"replicas": 1, "paused": true}),
        "alice",
        T1,
    );

    // kubectl edit (PUT) changes replicas and removes paused
    let mut edited = applied.clone();
    edited["spec"]["replicas"] = json!(3);
    edited["spec"].as_object_mut().unwrap().remove("paused");
    let mut managed = managed_fields_of(&applied);
    record_update(
        &applied,
        &edited,
        "kubectl-edit",
        T2,
        Some(Shape::Crd(&s)),
        &mut managed,
    );
    let by = |who: &str| {
        managed
            .iter()
            .find(|e| e.manager == who)
            .map(|e| e.fields_v1.clone())
    };
    assert_eq!(by("creator"), Some(json!({"f:spec": {"f:image": {}}})));
    assert_eq!(
        by("alice"),
        None,
        "alice lost replicas (changed) and paused (removed)"
    );
    assert_eq!(
        by("kubectl-edit"),
        Some(json!({"f:spec": {"f:replicas": {}}}))
    );
    let edit = managed
        .iter()
        .find(|e| e.manager == "kubectl-edit")
        .unwrap();
    assert_eq!(edit.time.as_deref(), Some(T2));
    set_managed_fields(&mut edited, &managed);

    // alice re-applying her old value now conflicts with the Update owner
    let err = apply(
        Some(&edited),
        &cfg(json!({"replicas": 1})),
        "alice",
        false,
        Some(Shape::Crd(&s)),
        T2,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"kubectl-edit\" using example.com/v1: .spec.replicas"
    );

    // a write that changes nothing leaves the entries alone
    let before = managed.clone();
    record_update(
        &edited,
        &edited,
        "someone",
        T2,
        Some(Shape::Crd(&s)),
        &mut managed,
    );
    assert_eq!(managed, before);
}

#[test]
fn managed_fields_json_round_trip() {
    let raw = json!([
        {"manager": "kubectl", "operation": "Apply", "apiVersion": "apps/v1", "time": T0,
         "fieldsType": "FieldsV1",
         "fieldsV1": {"f:spec": {"f:template": {"f:spec": {"f:containers": {
             "k:{\"name\":\"nginx\"}": {".": {}, "f:image": {}, "f:name": {}}}}}}}},
        {"manager": "kube-controller-manager", "operation": "Update", "apiVersion": "apps/v1",
         "time": T1, "fieldsType": "FieldsV1", "fieldsV1": {"f:status": {"f:replicas": {}}},
         "subresource": "status"}
    ]);
    let obj = json!({"metadata": {"managedFields": raw}});
    let entries = managed_fields_of(&obj);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].subresource.as_deref(), Some("status"));
    for e in &entries {
        assert_eq!(e.field_set().to_fields_v1(), e.fields_v1);
    }
    let mut back = json!({});
    set_managed_fields(&mut back, &entries);
    assert_eq!(back["metadata"]["managedFields"], raw);
}

#[test]
fn dropped_item_is_kept_with_its_key_when_another_manager_owns_a_field_of_it() {
    let a = apply_ok(
        None,
        json!({"containers": [{"name": "app", "image": "app:1", "args": ["x"]}]}),
        "alice",
        T0,
    );
    let b = apply_ok(
        Some(&a),
        json!({"containers": [{"name": "app", "image": "app:1"}]}),
        "bob",
        T1,
    );
    let a2 = apply_ok(Some(&b), json!({"replicas": 2}), "alice", T2);
    assert_eq!(
        a2["spec"]["containers"],
        json!([{"name": "app", "image": "app:1"}])
    );
}

#[test]
fn first_apply_to_an_untracked_object_conflicts_with_before_first_apply() {
    let untracked = cfg(json!({"replicas": 1, "image": "a"}));
    let err = apply(
        Some(&untracked),
        &cfg(json!({"replicas": 2})),
        "alice",
        false,
        Some(Shape::Crd(&schema())),
        T0,
    )
    .unwrap_err();
    assert_eq!(
        err.message(),
        "Apply failed with 1 conflict: conflict with \"before-first-apply\" using example.com/v1: .spec.replicas"
    );
    let out = apply(
        Some(&untracked),
        &cfg(json!({"replicas": 2})),
        "alice",
        true,
        Some(Shape::Crd(&schema())),
        T0,
    )
    .unwrap();
    let before = entry(&out.object, BEFORE_FIRST_APPLY).unwrap();
    assert_eq!(before["operation"], "Update");
    assert_eq!(
        before["fieldsV1"],
        json!({"f:metadata": {}, "f:spec": {"f:image": {}}})
            .get("f:spec")
            .map(|s| json!({"f:spec": s}))
            .unwrap()
    );
    assert!(before.get("time").is_none());
}

#[test]
fn subresource_updates_are_separate_entries() {
    let old = cfg(json!({"replicas": 1}));
    let mut new = old.clone();
    new["status"] = json!({"ready": 1});
    let mut managed = Vec::new();
    record_update(&json!({}), &old, "ctl", T0, None, &mut managed);
    record_update_for(&old, &new, "ctl", T1, None, Some("status"), &mut managed);
    assert_eq!(managed.len(), 2);
    assert_eq!(managed[0].subresource, None);
    assert_eq!(managed[0].fields_v1, json!({"f:spec": {"f:replicas": {}}}));
    assert_eq!(managed[1].subresource.as_deref(), Some("status"));
    assert_eq!(managed[1].fields_v1, json!({"f:status": {"f:ready": {}}}));
    assert_eq!(
        serde_json::to_value(&managed[1]).unwrap()["subresource"],
        "status"
    );
}

/// A random JSON value over a small alphabet of keys, so that applies
/// overlap.
fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    let keys = [
        "replicas",
        "paused",
        "image",
        "containers",
        "tags",
        "args",
        "name",
        "x",
    ];
    match rng.u8(0..if depth == 0 { 4 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.i64(-3..3)),
        2 => json!(keys[rng.usize(0..keys.len())]),
        3 => json!(rng.bool()),
        4 | 5 => {
            let mut m = Map::new();
            for _ in 0..rng.usize(0..4) {
                m.insert(
                    keys[rng.usize(0..keys.len())].to_string(),
                    random_value(rng, depth - 1),
                );
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.usize(0..4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
    }
}

#[test]
fn random_applies_and_updates_never_panic_and_keep_managed_fields_readable() {
    let s = schema();
    let mut rng = fastrand::Rng::with_seed(7);
    let managers = ["a", "b", "c"];
    for _ in 0..300 {
        let mut live: Option<Value> = None;
        for _ in 0..6 {
            let spec = random_value(&mut rng, 3);
            let who = managers[rng.usize(0..managers.len())];
            let force = rng.bool();
            if rng.u8(0..4) == 0 {
                let old = live.clone().unwrap_or_else(|| json!({}));
                let new = cfg(spec);
                let mut managed = managed_fields_of(&old);
                record_update(&old, &new, who, T1, Some(Shape::Crd(&s)), &mut managed);
                let mut new = new;
                set_managed_fields(&mut new, &managed);
                live = Some(new);
                continue;
            }
            match apply(
                live.as_ref(),
                &cfg(spec),
                who,
                force,
                Some(Shape::Crd(&s)),
                T0,
            ) {
                Ok(out) => {
                    for e in managed_fields_of(&out.object) {
                        assert!(FieldSet::from_fields_v1(&e.fields_v1).is_ok());
                        assert!(!e.field_set().is_empty());
                    }
                    live = Some(out.object);
                }
                Err(c) => {
                    assert!(!force);
                    assert!(!c.conflicts.is_empty());
                    assert_eq!(c.to_api_error().code, 409);
                }
            }
        }
    }
}
