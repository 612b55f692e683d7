//! Cases in the spirit of apimachinery's `strategicpatch/patch_test.go`
//! (merge by key, directives, ordering, errors), written against the real
//! Pod and Deployment types of the vendored definitions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{Value, json};

use super::*;
use crate::types::kind_node;

fn apply(kind: (&str, &str), doc: Value, patch: Value) -> Result<Value, SmpError> {
    let root = kind_node(kind.0, kind.1).unwrap();
    let Value::Object(p) = patch else {
        panic!("patch must be an object")
    };
    strategic_merge_patch(&doc, &p, root)
}

fn pod(doc: Value, patch: Value) -> Result<Value, SmpError> {
    apply(("v1", "Pod"), doc, patch)
}

fn two_containers() -> Value {
    json!({"spec": {"containers": [
        {"name": "web", "image": "nginx:1", "args": ["a", "b"],
         "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443}]},
        {"name": "side", "image": "busybox:1"}]}})
}

#[test]
fn containers_merge_by_name_and_keep_the_others() {
    let out = pod(
        two_containers(),
        json!({"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}}),
    )
    .unwrap();
    assert_eq!(out["spec"]["containers"][0]["image"], "nginx:2");
    assert_eq!(out["spec"]["containers"][0]["args"], json!(["a", "b"]));
    assert_eq!(
        out["spec"]["containers"][1],
        json!({"name": "side", "image": "busybox:1"})
    );
}

#[test]
fn ports_merge_by_container_port_and_plain_lists_are_replaced() {
    let out = pod(
        two_containers(),
        json!({"spec": {"containers": [{"name": "web", "args": ["c"],
            "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 8080}]}]}}),
    )
    .unwrap();
    let web = &out["spec"]["containers"][0];
    assert_eq!(web["args"], json!(["c"]), "args have no merge strategy");
    assert_eq!(
        web["ports"],
        json!([{"containerPort": 80, "name": "http", "protocol": "TCP"}, {"containerPort": 8080}, {"containerPort": 443}])
    );
}

#[test]
fn null_deletes_and_maps_merge() {
    let out = pod(
        json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"nodeName": "n"}}),
        json!({"metadata": {"labels": {"a": null, "c": "3"}}, "spec": {"nodeName": null}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"b": "2", "c": "3"}));
    assert_eq!(out["spec"], json!({}));
}

#[test]
fn patch_directives_in_maps() {
    let doc = json!({"metadata": {"labels": {"a": "1", "b": "2"}}});
    let out = pod(
        doc.clone(),
        json!({"metadata": {"labels": {"$patch": "replace", "c": "3"}}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"], json!({"c": "3"}));
    let out = pod(
        doc.clone(),
        json!({"metadata": {"labels": {"$patch": "delete"}}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["labels"], json!({}));
    let e = pod(doc, json!({"metadata": {"labels": {"$patch": "merge"}}})).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown patch type: merge in map: map[$patch:merge]"
    );
    assert_eq!(e.to_api_error().code, 500);
}

#[test]
fn patch_directives_in_lists() {
    let out = pod(
        two_containers(),
        json!({"spec": {"containers": [{"name": "web", "$patch": "delete"}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "side", "image": "busybox:1"}])
    );
    let out = pod(
        two_containers(),
        json!({"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}),
    )
    .unwrap();
    assert_eq!(
        out["spec"]["containers"],
        json!([{"name": "only", "image": "x"}])
    );
    let e = pod(
        two_containers(),
        json!({"spec": {"containers": [{"$patch": "merge"}]}}),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "merging lists cannot yet be specified in the patch"
    );
}

#[test]
fn set_element_order_orders_the_merged_list() {
    let out = pod(
        two_containers(),
        json!({"spec": {"$setElementOrder/containers": [{"name": "side"}, {"name": "web"}],
                        "containers": [{"name": "web", "image": "nginx:3"}]}}),
    )
    .unwrap();
    let names: Vec<&str> = out["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["side", "web"]);
    assert_eq!(out["spec"]["containers"][1]["image"], "nginx:3");
    let e = pod(
        two_containers(),
        json!({"spec": {"$setElementOrder/containers": "web"}}),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "expected a []interface {}, but received a string"
    );
}

#[test]
fn patch_items_keep_the_patch_order_among_the_servers() {
    let doc = json!({"spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}});
    let out = pod(
        doc,
        json!({"spec": {"containers": [{"name": "d"}, {"name": "b", "image": "x"}]}}),
    )
    .unwrap();
    let names: Vec<&str> = out["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["d", "a", "b", "c"]);
}

#[test]
fn primitive_merge_lists_union_and_delete() {
    let doc = json!({"metadata": {"finalizers": ["a", "b"]}});
    let out = pod(doc.clone(), json!({"metadata": {"finalizers": ["c", "a"]}})).unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["c", "a", "b"]));
    let out = pod(
        doc.clone(),
        json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
    )
    .unwrap();
    assert_eq!(out["metadata"]["finalizers"], json!(["b"]));
    let e = pod(
        doc,
        json!({"metadata": {"$deleteFromPrimitiveList": ["a"]}}),
    )
    .unwrap_err();
    assert_eq!(e, SmpError::PrimitiveList);
    assert_eq!(e.to_api_error().code, 400);
}

#[test]
fn retain_keys_clears_the_other_fields() {
    let doc = json!({"spec": {"strategy": {"type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}});
    let out = apply(
        ("apps/v1", "Deployment"),
        doc.clone(),
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}),
    )
    .unwrap();
    assert_eq!(out["spec"]["strategy"], json!({"type": "Recreate"}));
    let e = apply(
        ("apps/v1", "Deployment"),
        doc,
        json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 2}}}}),
    )
    .unwrap_err();
    assert_eq!(e, SmpError::RetainKeys);
    assert_eq!(
        e.to_api_error().message,
        "invalid patch format of retainKeys"
    );
}

#[test]
fn merge_items_need_their_key() {
    let e = pod(
        two_containers(),
        json!({"spec": {"containers": [{"image": "x"}]}}),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "map: map[image:x] does not contain declared merge key: name"
    );
}

#[test]
fn go_formatting_of_values() {
    assert_eq!(
        go_fmt(&json!({"b": [1, 2.5, "x"], "a": null, "c": true})),
        "map[a:<nil> b:[1 2.5 x] c:true]"
    );
}

/// Random values shaped like pod fragments, with directives mixed in.
fn random_value(rng: &mut fastrand::Rng, depth: u32) -> Value {
    let keys = [
        "spec",
        "containers",
        "name",
        "image",
        "ports",
        "containerPort",
        "args",
        "$patch",
        "$retainKeys",
        "$setElementOrder/containers",
        "$deleteFromPrimitiveList/args",
        "metadata",
        "finalizers",
        "labels",
    ];
    match rng.u8(0..if depth == 0 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => json!(rng.i64(-3..3)),
        2 => json!(["a", "b", "replace", "delete", "merge", "web"][rng.usize(0..6)]),
        3 => json!(rng.bool()),
        4 => json!(rng.f64()),
        5 => {
            let mut m = serde_json::Map::new();
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
fn random_patches_never_panic() {
    let mut rng = fastrand::Rng::with_seed(13);
    let mut applied = 0;
    for _ in 0..3000 {
        let doc = json!({"spec": random_value(&mut rng, 4), "metadata": random_value(&mut rng, 3)});
        let patch =
            json!({"spec": random_value(&mut rng, 4), "metadata": random_value(&mut rng, 3)});
        match pod(doc, patch) {
            Ok(v) => {
                applied += 1;
                assert!(v.is_object());
            }
            Err(e) => assert!(matches!(e.to_api_error().code, 400 | 422 | 500)),
        }
    }
    assert!(applied > 100, "{applied}");
}
