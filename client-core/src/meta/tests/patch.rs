//! Patch media types and bodies.

use serde_json::json;

use crate::Patch;

#[test]
fn content_types() {
    let v = json!({});
    assert_eq!(
        Patch::Json(v.clone()).content_type(),
        "application/json-patch+json"
    );
    assert_eq!(
        Patch::Merge(v.clone()).content_type(),
        "application/merge-patch+json"
    );
    assert_eq!(
        Patch::Strategic(v.clone()).content_type(),
        "application/strategic-merge-patch+json"
    );
    assert_eq!(
        Patch::Apply(v).content_type(),
        "application/apply-patch+yaml"
    );
}

#[test]
fn bodies() {
    let ops = json!([{"op": "add", "path": "/metadata/labels/a", "value": "b"}]);
    assert_eq!(
        Patch::Json(&ops).to_body().unwrap(),
        br#"[{"op":"add","path":"/metadata/labels/a","value":"b"}]"#
    );
    let merge = json!({"metadata": {"managedFields": null}});
    // Only apply strips managedFields.
    assert_eq!(
        Patch::Merge(&merge).to_body().unwrap(),
        br#"{"metadata":{"managedFields":null}}"#
    );
    let apply = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "managedFields": []}});
    let p = Patch::Apply(apply);
    assert!(p.is_apply());
    assert_eq!(
        p.to_body().unwrap(),
        br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#
    );
    assert_eq!(p.content()["kind"], "ConfigMap");
}
