//! Server-side apply over HTTP: creation, field ownership in
//! `managedFields`, conflicts, force, removal of dropped fields, map lists,
//! `Update` entries of ordinary writes, dry run.

use serde_json::{Value, json};

use crate::client::{Client, Resp};
use crate::schema::{WIDGETS, widget_server};
use crate::{CMS, assert_status, server, within};

const APPLY: &str = "application/apply-patch+yaml";

async fn apply(c: &Client, path: &str, query: &str, yaml: &str) -> Resp {
    c.send(
        "PATCH",
        &format!("{path}?{query}"),
        Some(APPLY),
        yaml.as_bytes(),
    )
    .await
}

/// `(manager, operation, fieldsV1)` of each managedFields entry.
fn owners(v: &Value) -> Vec<(String, String, Value)> {
    v["metadata"]["managedFields"]
        .as_array()
        .unwrap_or_else(|| panic!("no managedFields: {v}"))
        .iter()
        .map(|e| {
            (
                e["manager"].as_str().unwrap().to_string(),
                e["operation"].as_str().unwrap().to_string(),
                e["fieldsV1"].clone(),
            )
        })
        .collect()
}

fn owner(m: &str, op: &str, f: Value) -> (String, String, Value) {
    (m.to_string(), op.to_string(), f)
}

fn causes(r: &Resp) -> Vec<Value> {
    r.json()["details"]["causes"].as_array().unwrap().clone()
}

const CM_A: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"1\"\n  y: \"2\"\n";

#[tokio::test]
async fn apply_creates_with_managed_fields_then_conflicts_and_force_takes_over() {
    within(async {
        let (_s, c) = server().await;
        let p = format!("{CMS}/a");
        let r = apply(&c, &p, "fieldManager=alice", CM_A).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        assert_eq!(v["data"], json!({"x": "1", "y": "2"}));
        assert_eq!(v["metadata"]["namespace"], "default");
        assert!(v["metadata"]["uid"].is_string() && v["metadata"]["creationTimestamp"].is_string());
        let e = &v["metadata"]["managedFields"][0];
        assert_eq!(e["manager"], "alice");
        assert_eq!(e["operation"], "Apply");
        assert_eq!(e["apiVersion"], "v1");
        assert_eq!(e["fieldsType"], "FieldsV1");
        assert!(e["time"].is_string());
        assert_eq!(owners(&v), vec![owner("alice", "Apply", json!({"f:data": {"f:x": {}, "f:y": {}}}))]);
        let rv = v["metadata"]["resourceVersion"].clone();
        assert_eq!(c.get(&p).await.json(), v);

        // the same configuration again: nothing changes, same rv
        let r = apply(&c, &p, "fieldManager=alice", CM_A).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["metadata"]["resourceVersion"], rv);

        // another manager changing both fields: one cause per field
        let bob = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"9\"\n  y: \"8\"\n";
        let r = apply(&c, &p, "fieldManager=bob", bob).await;
        assert_status(&r, 409, "Conflict", "Apply failed with 2 conflicts: conflicts with \"alice\":\n- .data.x\n- .data.y");
        assert_eq!(
            causes(&r),
            vec![
                json!({"reason": "FieldManagerConflict", "message": "conflict with \"alice\"", "field": ".data.x"}),
                json!({"reason": "FieldManagerConflict", "message": "conflict with \"alice\"", "field": ".data.y"}),
            ]
        );
        let bob_x = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"9\"\n";
        let r = apply(&c, &p, "fieldManager=bob&force=false", bob_x).await;
        assert_status(&r, 409, "Conflict", "Apply failed with 1 conflict: conflict with \"alice\": .data.x");
        assert_eq!(c.get(&p).await.json()["metadata"]["resourceVersion"], rv);

        // force moves the field to bob
        let r = apply(&c, &p, "fieldManager=bob&force=true", bob_x).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["data"], json!({"x": "9", "y": "2"}));
        assert_eq!(
            owners(&v),
            vec![
                owner("alice", "Apply", json!({"f:data": {"f:y": {}}})),
                owner("bob", "Apply", json!({"f:data": {"f:x": {}}})),
            ]
        );
        // alice now conflicts with bob
        let r = apply(&c, &p, "fieldManager=alice", CM_A).await;
        assert_status(&r, 409, "Conflict", "Apply failed with 1 conflict: conflict with \"bob\": .data.x");

        // force on a non-apply patch is refused
        let r = c
            .send("PATCH", &format!("{p}?force=true"), Some("application/merge-patch+json"), b"{}")
            .await;
        assert_status(&r, 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch");
    })
    .await;
}

#[tokio::test]
async fn dropped_fields_are_removed_unless_another_manager_owns_them() {
    within(async {
        let (_s, c) = server().await;
        let p = format!("{CMS}/d");
        let three = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  labels:\n    app: web\ndata:\n  a: \"1\"\n  b: \"2\"\n  c: \"3\"\n";
        assert_eq!(apply(&c, &p, "fieldManager=alice", three).await.status, 201);
        // bob shares c (same value: no conflict)
        let bob = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  c: \"3\"\n";
        let r = apply(&c, &p, "fieldManager=bob", bob).await;
        assert_eq!(r.status, 200, "{}", r.text());
        // alice stops applying b, c and the label: b and the label go, c stays (bob's)
        let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  a: \"1\"\n";
        let r = apply(&c, &p, "fieldManager=alice", one).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(v["data"], json!({"a": "1", "c": "3"}));
        assert!(v["metadata"]["labels"].as_object().is_none_or(|l| l.is_empty()), "{v}");
        assert_eq!(
            owners(&v),
            vec![
                owner("alice", "Apply", json!({"f:data": {"f:a": {}}})),
                owner("bob", "Apply", json!({"f:data": {"f:c": {}}})),
            ]
        );
        assert_eq!(c.get(&p).await.json(), v);
    })
    .await;
}

#[tokio::test]
async fn update_entries_are_recorded_for_create_put_and_merge_patch() {
    within(async {
        let (_s, c) = server().await;
        let p = format!("{CMS}/u");
        let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "u"}, "data": {"k": "v"}});
        let r = c
            .send_with("POST", CMS, Some("application/json"), body.to_string().as_bytes(), &[("User-Agent", "tester/1.2 (linux/amd64)")])
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(owners(&r.json()), vec![owner("tester", "Update", json!({"f:data": {"f:k": {}}}))]);
        assert_eq!(r.json()["metadata"]["managedFields"][0]["apiVersion"], "v1");

        let r = c
            .send("PATCH", &format!("{p}?fieldManager=patcher"), Some("application/merge-patch+json"), br#"{"data":{"k2":"w"}}"#)
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            owners(&r.json()),
            vec![
                owner("tester", "Update", json!({"f:data": {"f:k": {}}})),
                owner("patcher", "Update", json!({"f:data": {"f:k2": {}}})),
            ]
        );

        // a PUT changing k takes it from tester, whose entry empties and goes
        let mut v = r.json();
        v["data"]["k"] = json!("changed");
        let r = c
            .send("PUT", &format!("{p}?fieldManager=putter"), Some("application/json"), v.to_string().as_bytes())
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            owners(&r.json()),
            vec![
                owner("patcher", "Update", json!({"f:data": {"f:k2": {}}})),
                owner("putter", "Update", json!({"f:data": {"f:k": {}}})),
            ]
        );

        // an apply changing an Update owner's field names its apiVersion
        let cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\ndata:\n  k: other\n";
        let r = apply(&c, &p, "fieldManager=applier", cfg).await;
        assert_status(&r, 409, "Conflict", "Apply failed with 1 conflict: conflict with \"putter\" using v1: .data.k");
        assert_eq!(causes(&r), vec![json!({"reason": "FieldManagerConflict", "message": "conflict with \"putter\" using v1", "field": ".data.k"})]);
    })
    .await;
}

#[tokio::test]
async fn map_lists_merge_by_key_and_other_lists_are_atomic() {
    within(async {
        let (_s, c) = widget_server().await;
        let p = format!("{WIDGETS}/w");
        let alice = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 2\n  ports:\n  - name: http\n    port: 80\n  tags: [a]\n";
        let r = apply(&c, &p, "fieldManager=alice", alice).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        // defaults are applied but not owned
        assert_eq!(v["spec"]["color"], "red");
        assert_eq!(v["spec"]["ports"], json!([{"name": "http", "port": 80, "protocol": "TCP"}]));
        assert_eq!(
            owners(&v),
            vec![owner(
                "alice",
                "Apply",
                json!({"f:spec": {"f:size": {}, "f:tags": {}, "f:ports": {"k:{\"name\":\"http\"}": {".": {}, "f:name": {}, "f:port": {}}}}})
            )]
        );
        assert_eq!(v["metadata"]["generation"], 1);

        let bob = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  ports:\n  - name: metrics\n    port: 9090\n";
        let r = apply(&c, &p, "fieldManager=bob", bob).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(
            v["spec"]["ports"],
            json!([{"name": "http", "port": 80, "protocol": "TCP"}, {"name": "metrics", "port": 9090, "protocol": "TCP"}])
        );
        assert_eq!(v["metadata"]["generation"], 2);

        let bob2 = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  ports:\n  - name: http\n    port: 8080\n  tags: [b]\n";
        let r = apply(&c, &p, "fieldManager=bob", bob2).await;
        assert_status(&r, 409, "Conflict", "Apply failed with 2 conflicts: conflicts with \"alice\":\n- .spec.ports[name=\"http\"].port\n- .spec.tags");

        // bob drops his item: it goes, alice's stays
        let bob3 = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  ports: []\n";
        let r = apply(&c, &p, "fieldManager=bob", bob3).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["ports"], json!([{"name": "http", "port": 80, "protocol": "TCP"}]));

        // the applied result is validated
        let bad = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 20\n";
        let r = apply(&c, &p, "fieldManager=alice&force=true", bad).await;
        assert_status(&r, 422, "Invalid", "Widget.demo.example.com \"w\" is invalid: spec.size: Invalid value: 20: spec.size in body should be less than or equal to 10");

        // apply is strict whatever fieldValidation says: an undeclared field
        // fails structured-merge-diff's typed conversion (500, no reason)
        let unknown = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 2\n  foo: 1\n  ports:\n  - name: http\n    port: 80\n    bar: x\n  tags: [a]\n";
        for q in ["fieldManager=alice", "fieldManager=alice&fieldValidation=Ignore"] {
            let r = apply(&c, &p, q, unknown).await;
            assert_status(&r, 500, "", "failed to create typed patch object (default/w; demo.example.com/v1, Kind=Widget): errors:\n  .spec.foo: field not declared in schema\n  .spec.ports[0].bar: field not declared in schema");
        }
        let one = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 2\n  foo: 1\n";
        let r = apply(&c, &p, "fieldManager=alice&fieldValidation=Strict", one).await;
        assert_status(&r, 500, "", "failed to create typed patch object (default/w; demo.example.com/v1, Kind=Widget): .spec.foo: field not declared in schema");
        assert_eq!(c.get(&p).await.json()["spec"]["size"], 2);

        // status is dropped from a main-resource configuration
        let with_status = "apiVersion: demo.example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 2\n  ports:\n  - name: http\n    port: 80\n  tags: [a]\nstatus:\n  ready: true\n";
        let r = apply(&c, &p, "fieldManager=alice", with_status).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.json().get("status").is_none(), "{}", r.text());
        let r = apply(&c, &format!("{p}/status"), "fieldManager=ctl", with_status).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["status"], json!({"ready": true}));
        assert_eq!(r.json()["spec"]["size"], 2);
    })
    .await;
}

#[tokio::test]
async fn apply_checks_the_url_and_dry_run_stores_nothing() {
    within(async {
        let (_s, c) = server().await;
        let r = apply(&c, &format!("{CMS}/a"), "", CM_A).await;
        assert_status(&r, 422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        let r = apply(&c, &format!("{CMS}/b"), "fieldManager=m", CM_A).await;
        assert_status(&r, 400, "BadRequest", "the name of the object (a) does not match the name on the URL (b)");
        let r = apply(&c, "/api/v1/namespaces/nope/configmaps/a", "fieldManager=m", CM_A).await;
        assert_status(&r, 404, "NotFound", "namespaces \"nope\" not found");
        let r = apply(&c, &format!("{CMS}/a"), "fieldManager=m", "data: [unclosed").await;
        assert_eq!(r.status, 400, "{}", r.text());
        assert_eq!(r.json()["reason"], "BadRequest");

        let r = apply(&c, &format!("{CMS}/a"), "fieldManager=m&dryRun=All", CM_A).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(owners(&r.json()), vec![owner("m", "Apply", json!({"f:data": {"f:x": {}, "f:y": {}}}))]);
        // a dry-run create has no resourceVersion
        assert!(r.json()["metadata"].get("resourceVersion").is_none(), "{}", r.text());
        assert_eq!(c.get(&format!("{CMS}/a")).await.status, 404);

        let r = apply(&c, &format!("{CMS}/a"), "fieldManager=m", CM_A).await;
        assert_eq!(r.status, 201);
        let rv = r.json()["metadata"]["resourceVersion"].clone();
        let changed = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: \"5\"\n";
        let r = apply(&c, &format!("{CMS}/a"), "fieldManager=m&dryRun=All", changed).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["data"], json!({"x": "5"}));
        // a dry-run update keeps the stored resourceVersion
        assert_eq!(r.json()["metadata"]["resourceVersion"], rv);
        let v = c.get(&format!("{CMS}/a")).await.json();
        assert_eq!(v["data"], json!({"x": "1", "y": "2"}));
        assert_eq!(v["metadata"]["resourceVersion"], rv);
    })
    .await;
}
