use serde_json::json;

use crate::*;

#[tokio::test]
async fn discovery_health_and_version() {
    within(async {
        let (_s, c) = server().await;
        let r = c.get("/api").await;
        assert_eq!(r.json()["versions"], json!(["v1"]));
        let r = c.get("/api/v1").await.json();
        assert_eq!(r["kind"], "APIResourceList");
        let cmr = r["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == "configmaps")
            .unwrap()
            .clone();
        assert_eq!(cmr["namespaced"], true);
        assert_eq!(cmr["kind"], "ConfigMap");
        assert_eq!(cmr["shortNames"], json!(["cm"]));
        assert!(
            r["resources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "namespaces/status")
        );
        let g = c.get("/apis").await.json();
        assert_eq!(g["kind"], "APIGroupList");
        assert!(
            g["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "coordination.k8s.io")
        );
        let g = c.get("/apis/coordination.k8s.io").await.json();
        assert_eq!(g["kind"], "APIGroup");
        assert_eq!(
            g["preferredVersion"]["groupVersion"],
            "coordination.k8s.io/v1"
        );
        let l = c.get("/apis/coordination.k8s.io/v1").await.json();
        assert_eq!(l["resources"][0]["name"], "leases");
        assert_eq!(c.get("/version").await.json()["major"], "1");
        for p in ["/healthz", "/livez", "/readyz"] {
            let r = c.get(p).await;
            assert_eq!((r.status, r.text().as_str()), (200, "ok"));
        }
    })
    .await;
}

#[tokio::test]
async fn unknown_paths_and_wrong_scope_are_plain_404() {
    within(async {
        let (_s, c) = server().await;
        for p in [
            "/nope",
            "/api/v1/widgets",
            "/apis/nope.example.com/v1/things",
            "/api/v1/namespaces/default/namespaces/x",
            "/api/v1/configmaps/x",
        ] {
            let r = c.get(p).await;
            assert_eq!(r.status, 404, "{p}");
            assert_eq!(r.text(), "404 page not found\n", "{p}");
            assert!(r.header("content-type").unwrap().starts_with("text/plain"));
        }
        c.post(CMS, &cm("a")).await;
        let r = c.get(&format!("{CMS}/a/bogus")).await;
        assert_status(
            &r,
            404,
            "NotFound",
            "the server could not find the requested resource",
        );
    })
    .await;
}

#[tokio::test]
async fn builtin_namespaces_exist_and_are_active() {
    within(async {
        let (_s, c) = server().await;
        for ns in ["default", "kube-system", "kube-public"] {
            let r = c.get(&format!("/api/v1/namespaces/{ns}")).await;
            assert_eq!(r.status, 200);
            assert_eq!(r.json()["status"]["phase"], "Active");
        }
        let r = c
            .get("/api/v1/namespaces?fieldSelector=status.phase%3DActive")
            .await
            .json();
        assert!(r["items"].as_array().unwrap().len() >= 3);
    })
    .await;
}

#[tokio::test]
async fn create_sets_server_fields() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(CMS, &cm("a")).await;
        assert_eq!(r.status, 201);
        let v = r.json();
        assert_eq!(v["metadata"]["namespace"], "default");
        assert_eq!(v["metadata"]["uid"].as_str().unwrap().len(), 36);
        let ts = v["metadata"]["creationTimestamp"].as_str().unwrap();
        assert_eq!(ts.len(), 20, "{ts}");
        assert!(ts.ends_with('Z'));
        assert!(
            v["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .is_ok()
        );
        assert!(v["metadata"].get("generation").is_none());
        let g = c.get(&format!("{CMS}/a")).await;
        assert_eq!(g.status, 200);
        assert_eq!(g.json(), v);
    })
    .await;
}

#[tokio::test]
async fn create_errors() {
    within(async {
        let (_s, c) = server().await;
        c.post(CMS, &cm("a")).await;
        let r = c.post(CMS, &cm("a")).await;
        assert_status(&r, 409, "AlreadyExists", "configmaps \"a\" already exists");
        assert_eq!(r.json()["details"], json!({"name": "a", "kind": "configmaps"}));
        let r = c.post("/api/v1/namespaces/ns1/configmaps", &cm("a")).await;
        assert_status(&r, 404, "NotFound", "namespaces \"ns1\" not found");
        let mut o = cm("b");
        o["metadata"]["resourceVersion"] = json!("5");
        let r = c.post(CMS, &o).await;
        assert_status(&r, 500, "", "resourceVersion should not be set on objects to be created");
        let r = c.post(CMS, &cm("Bad")).await;
        assert_status(&r, 422, "Invalid", "ConfigMap \"Bad\" is invalid: metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        let causes = &r.json()["details"]["causes"];
        assert_eq!(causes[0]["field"], "metadata.name");
        assert_eq!(causes[0]["reason"], "FieldValueInvalid");
        let r = c.post(CMS, &cm("a/b")).await;
        assert_status(&r, 422, "Invalid", "ConfigMap \"a/b\" is invalid: metadata.name: Invalid value: \"a/b\": may not contain '/'");
        let r = c.post(CMS, &cm("..")).await;
        assert_status(&r, 422, "Invalid", "ConfigMap \"..\" is invalid: metadata.name: Invalid value: \"..\": may not be '..'");
        let mut o = cm("c");
        o["metadata"]["namespace"] = json!("other");
        let r = c.post(CMS, &o).await;
        assert_status(&r, 400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request");
        let r = c.send("POST", CMS, Some("application/json"), b"{\"metadata\":").await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["reason"], "BadRequest");
        let mut o = cm("v");
        o["apiVersion"] = json!("apps/v1");
        let r = c.post(CMS, &o).await;
        assert_status(&r, 400, "BadRequest", "the API version in the data (apps/v1) does not match the expected API version (v1)");
        let r = c.post(CMS, &json!({"metadata": {}})).await;
        assert_status(&r, 422, "Invalid", "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
        // Nothing of that was stored.
        let l = c.get(CMS).await.json();
        assert_eq!(l["items"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn generate_name_appends_five_characters() {
    within(async {
        let (_s, c) = server().await;
        let r = c
            .post(CMS, &json!({"metadata": {"generateName": "gen-"}}))
            .await;
        assert_eq!(r.status, 201);
        let name = r.json()["metadata"]["name"].as_str().unwrap().to_string();
        assert!(name.starts_with("gen-") && name.len() == 9, "{name}");
        assert!(
            name[4..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    })
    .await;
}

#[tokio::test]
async fn update_rules() {
    within(async {
        let (_s, c) = server().await;
        let v = c.post(CMS, &cm("a")).await.json();
        let rv1 = v["metadata"]["resourceVersion"].as_str().unwrap().to_string();
        let mut u = v.clone();
        u["data"]["k"] = json!("w");
        let r = c.put(&format!("{CMS}/a"), &u).await;
        assert_eq!(r.status, 200);
        let rv2 = r.json()["metadata"]["resourceVersion"].as_str().unwrap().to_string();
        assert_ne!(rv1, rv2);
        // Stale resourceVersion.
        let r = c.put(&format!("{CMS}/a"), &u).await;
        assert_status(&r, 409, "Conflict", "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again");
        // Unconditional update of a configmap is allowed.
        let mut u2 = cm("a");
        u2["data"]["k"] = json!("x");
        let r = c.put(&format!("{CMS}/a"), &u2).await;
        assert_eq!(r.status, 200);
        let cur = r.json();
        assert_eq!(cur["metadata"]["uid"], v["metadata"]["uid"]);
        assert_eq!(cur["metadata"]["creationTimestamp"], v["metadata"]["creationTimestamp"]);
        // No-op keeps the resourceVersion.
        let r = c.put(&format!("{CMS}/a"), &cur).await;
        assert_eq!(r.json()["metadata"]["resourceVersion"], cur["metadata"]["resourceVersion"]);
        // A stale uid (the object was replaced) is a conflict.
        let mut stale = cm("a");
        stale["metadata"]["uid"] = json!("00000000-0000-4000-a000-000000000000");
        let r = c.put(&format!("{CMS}/a"), &stale).await;
        let uid = cur["metadata"]["uid"].as_str().unwrap();
        assert_status(&r, 409, "Conflict", &format!("Operation cannot be fulfilled on configmaps \"a\": Precondition failed: UID in precondition: 00000000-0000-4000-a000-000000000000, UID in object meta: {uid}"));
        // Name mismatch.
        let r = c.put(&format!("{CMS}/b"), &cur).await;
        assert_status(&r, 400, "BadRequest", "the name of the object (a) does not match the name on the URL (b)");
        // A PUT of a missing configmap is 404.
        let r = c.put(&format!("{CMS}/zz"), &cm("zz")).await;
        assert_status(&r, 404, "NotFound", "configmaps \"zz\" not found");
        // Leases need a resourceVersion.
        let lp = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
        let l = json!({"metadata": {"name": "l"}, "spec": {"holderIdentity": "me"}});
        assert_eq!(c.post(lp, &l).await.status, 201);
        let r = c.put(&format!("{lp}/l"), &l).await;
        assert_status(&r, 422, "Invalid", "leases.coordination.k8s.io \"l\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
    })
    .await;
}

#[tokio::test]
async fn get_and_delete_missing() {
    within(async {
        let (_s, c) = server().await;
        let r = c.get(&format!("{CMS}/nope")).await;
        assert_status(&r, 404, "NotFound", "configmaps \"nope\" not found");
        let r = c.delete(&format!("{CMS}/nope")).await;
        assert_status(&r, 404, "NotFound", "configmaps \"nope\" not found");
        let r = c
            .get("/apis/coordination.k8s.io/v1/namespaces/default/leases/x")
            .await;
        assert_status(
            &r,
            404,
            "NotFound",
            "leases.coordination.k8s.io \"x\" not found",
        );
        assert_eq!(r.json()["details"]["group"], "coordination.k8s.io");
    })
    .await;
}

#[tokio::test]
async fn patches() {
    within(async {
        let (_s, c) = server().await;
        let mut o = cm("a");
        o["data"]["gone"] = json!("x");
        c.post(CMS, &o).await;
        let p = format!("{CMS}/a");
        let r = c
            .patch(
                &p,
                "application/merge-patch+json",
                &json!({"data": {"gone": null, "n": "1"}}),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["data"], json!({"k": "v", "n": "1"}));
        let r = c
            .patch(
                &p,
                "application/json-patch+json",
                &json!([{"op": "replace", "path": "/data/k", "value": "z"}]),
            )
            .await;
        assert_eq!(r.json()["data"]["k"], "z");
        let r = c
            .patch(
                &p,
                "application/json-patch+json",
                &json!([{"op": "test", "path": "/data/k", "value": "no"}]),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.text());
        let r = c
            .patch(&p, "application/json-patch+json", &json!({"op": "x"}))
            .await;
        assert_eq!(r.status, 400);
        let r = c
            .patch(
                &p,
                "application/strategic-merge-patch+json",
                &json!({"data": {"s": "1"}}),
            )
            .await;
        assert_eq!(r.json()["data"]["s"], "1");
        let r = c
            .patch(
                &p,
                "application/merge-patch+json",
                &json!({"metadata": {"resourceVersion": "1"}, "data": {"q": "1"}}),
            )
            .await;
        assert_eq!(r.status, 409);
        let r = c
            .patch(
                &format!("{CMS}/nope"),
                "application/merge-patch+json",
                &json!({}),
            )
            .await;
        assert_status(&r, 404, "NotFound", "configmaps \"nope\" not found");
        let r = c
            .patch(&p, "application/apply-patch+yaml", &json!({}))
            .await;
        assert_status(
            &r,
            422,
            "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
        );
        let r = c.patch(&p, "text/plain", &json!({})).await;
        assert_eq!(r.status, 415);
    })
    .await;
}

#[tokio::test]
async fn delete_with_finalizers_and_preconditions() {
    within(async {
        let (_s, c) = server().await;
        let mut o = cm("a");
        o["metadata"]["finalizers"] = json!(["example.com/f"]);
        let created = c.post(CMS, &o).await.json();
        let p = format!("{CMS}/a");
        let body = json!({"preconditions": {"uid": "wrong"}}).to_string();
        let r = c.send("DELETE", &p, Some("application/json"), body.as_bytes()).await;
        let uid = created["metadata"]["uid"].as_str().unwrap();
        assert_status(&r, 409, "Conflict", &format!("Operation cannot be fulfilled on configmaps \"a\": Precondition failed: UID in precondition: wrong, UID in object meta: {uid}"));
        let body = json!({"preconditions": {"resourceVersion": "1"}}).to_string();
        let r = c.send("DELETE", &p, Some("application/json"), body.as_bytes()).await;
        let rv = created["metadata"]["resourceVersion"].as_str().unwrap();
        assert_status(&r, 409, "Conflict", &format!("Operation cannot be fulfilled on configmaps \"a\": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: {rv}"));
        let r = c.delete(&p).await;
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["kind"], "ConfigMap");
        assert!(v["metadata"]["deletionTimestamp"].is_string());
        assert_eq!(c.get(&p).await.status, 200);
        let r = c.patch(&p, "application/merge-patch+json", &json!({"metadata": {"finalizers": ["example.com/f", "example.com/g"]}})).await;
        assert_status(&r, 422, "Invalid", "ConfigMap \"a\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/g\"}");
        let r = c.patch(&p, "application/merge-patch+json", &json!({"metadata": {"finalizers": null}})).await;
        assert_eq!(r.status, 200);
        assert_eq!(c.get(&p).await.status, 404);
        // Without finalizers: a Success Status.
        c.post(CMS, &cm("b")).await;
        let r = c.delete(&format!("{CMS}/b")).await;
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["kind"], "Status");
        assert_eq!(v["status"], "Success");
        assert_eq!(v["details"]["name"], "b");
    })
    .await;
}

#[tokio::test]
async fn dry_run_stores_nothing() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(&format!("{CMS}?dryRun=All"), &cm("a")).await;
        assert_eq!(r.status, 201);
        assert_eq!(r.json()["metadata"]["name"], "a");
        assert_eq!(c.get(&format!("{CMS}/a")).await.status, 404);
        let v = c.post(CMS, &cm("a")).await.json();
        let mut u = v.clone();
        u["data"]["k"] = json!("dry");
        let r = c.put(&format!("{CMS}/a?dryRun=All"), &u).await;
        assert_eq!(r.json()["data"]["k"], "dry");
        let r = c
            .patch(
                &format!("{CMS}/a?dryRun=All"),
                "application/merge-patch+json",
                &json!({"data": {"k": "p"}}),
            )
            .await;
        assert_eq!(r.json()["data"]["k"], "p");
        assert_eq!(c.delete(&format!("{CMS}/a?dryRun=All")).await.status, 200);
        let g = c.get(&format!("{CMS}/a")).await.json();
        assert_eq!(g, v);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_rejected_without_damage() {
    within(async {
        let (s, c) = server().await;
        drop(s);
        let s = client_testserver::TestServer::builder()
            .plain_http()
            .no_auth()
            .max_body_bytes(1024)
            .start()
            .await
            .unwrap();
        let c2 = client::Client::new(&s);
        let _ = c;
        let mut big = cm("big");
        big["data"]["k"] = json!("x".repeat(2000));
        let r = c2.post(CMS, &big).await;
        assert_eq!(r.status, 413);
        assert_eq!(r.json()["reason"], "RequestEntityTooLarge");
        let yaml = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\ndata:\n  a: b\n";
        let r = c2.send("POST", CMS, Some("application/yaml"), yaml).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let r = c2
            .send("POST", CMS, Some("application/yaml"), b"metadata: [: :")
            .await;
        assert_eq!(r.status, 400);
        let r = c2.send("POST", CMS, Some("application/xml"), b"<x/>").await;
        assert_eq!(r.status, 415);
        let r = c2
            .send("POST", CMS, Some("application/json"), b"[1,2]")
            .await;
        assert_eq!(r.status, 400);
        // Unknown parameters are ignored; a limit that is not an integer
        // fails kube-apiserver's parameter codec (issue 11 item 8).
        let r = c2.get(&format!("{CMS}?bogus=1")).await;
        assert_eq!(r.status, 200);
        let r = c2.get(&format!("{CMS}?bogus=1&limit=abc")).await;
        assert_eq!(r.status, 400);
        let r = c2
            .send("POST", &format!("{CMS}/y"), Some("application/json"), b"{}")
            .await;
        assert_eq!(r.status, 405);
        assert_eq!(r.json()["reason"], "MethodNotAllowed");
        assert_eq!(c2.get(&format!("{CMS}/y")).await.json()["data"]["a"], "b");
    })
    .await;
}

#[tokio::test]
async fn secrets_merge_string_data_and_metadata_is_validated() {
    within(async {
        let (_s, c) = server().await;
        let sp = "/api/v1/namespaces/default/secrets";
        let r = c
            .post(sp, &json!({"metadata": {"name": "s"}, "data": {"a": "eA=="}, "stringData": {"b": "hello"}}))
            .await;
        assert_eq!(r.status, 201);
        let v = r.json();
        assert_eq!(v["data"], json!({"a": "eA==", "b": "aGVsbG8="}));
        assert_eq!(v["type"], "Opaque");
        assert!(v.get("stringData").is_none());
        let r = c
            .patch(&format!("{sp}/s"), "application/merge-patch+json", &json!({"stringData": {"a": "y"}}))
            .await;
        assert_eq!(r.json()["data"]["a"], "eQ==");
        let mut o = cm("l");
        o["metadata"]["labels"] = json!({"bad key": "v", "ok": "not valid!"});
        let r = c.post(CMS, &o).await;
        assert_eq!(r.status, 422, "{}", r.text());
        let v = r.json();
        assert_eq!(v["reason"], "Invalid");
        let causes = v["details"]["causes"].as_array().unwrap();
        assert_eq!(causes.len(), 2, "{v}");
        assert!(causes.iter().all(|c| c["field"] == "metadata.labels"));
        assert!(v["message"].as_str().unwrap().starts_with("ConfigMap \"l\" is invalid: [metadata.labels: Invalid value: \"bad key\": "), "{v}");
        c.post(CMS, &cm("l")).await;
        let r = c
            .patch(&format!("{CMS}/l"), "application/merge-patch+json", &json!({"metadata": {"annotations": {"a/b/c": "x"}}}))
            .await;
        assert_eq!(r.status, 422);
        assert_eq!(c.get(&format!("{CMS}/l")).await.json()["metadata"].get("annotations"), None);
    })
    .await;
}
