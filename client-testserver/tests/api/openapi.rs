//! `/openapi/v3` documents built from CRD schemas.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{CRDS, crd_server, crontab_crd, within};

const CRD: &str =
    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com";

/// The CronTab CRD with a described structural schema.
pub fn described_crontab_crd() -> Value {
    let mut crd = crontab_crd();
    crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"] = json!({
        "type": "object",
        "description": "A CronTab runs an image on a schedule.",
        "properties": {
            "spec": {
                "type": "object",
                "description": "The desired schedule.",
                "required": ["cronSpec"],
                "properties": {
                    "cronSpec": {"type": "string", "description": "The cron expression."},
                    "replicas": {"type": "integer", "maximum": 10},
                },
            },
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        },
    });
    crd
}

async fn index(c: &crate::client::Client) -> Value {
    let r = c.get("/openapi/v3").await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

fn url_of(index: &Value, path: &str) -> String {
    index["paths"][path]["serverRelativeURL"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} not in {index}"))
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_lists_every_served_group_version() {
    within(async {
        let (_s, c) = crd_server().await;
        let idx = index(&c).await;
        let mut listed: Vec<&str> = idx["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        listed.sort_unstable();
        let groups = c.get("/apis").await.json();
        let mut expected = vec!["api/v1".to_string()];
        for g in groups["groups"].as_array().unwrap() {
            for v in g["versions"].as_array().unwrap() {
                expected.push(format!("apis/{}", v["groupVersion"].as_str().unwrap()));
            }
        }
        expected.sort();
        assert_eq!(listed, expected);
        assert!(listed.contains(&"apis/stable.example.com/v1"), "{listed:?}");
        for path in &listed {
            let url = url_of(&idx, path);
            assert!(
                url.starts_with(&format!("/openapi/v3/{path}?hash=")),
                "{url}"
            );
            let r = c.get(&url).await;
            assert_eq!(r.status, 200, "{url}: {}", r.text());
            assert_eq!(r.json()["openapi"], "3.0.0");
        }
        // Unknown group-versions are plain 404s.
        let r = c.get("/openapi/v3/apis/nope.example.com/v1").await;
        assert_eq!(r.status, 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_version_document_carries_the_crd_schema() {
    within(async {
        let (_s, c) = crate::server().await;
        assert_eq!(c.post(CRDS, &described_crontab_crd()).await.status, 201);
        let idx = index(&c).await;
        let doc = c
            .get(&url_of(&idx, "apis/stable.example.com/v1"))
            .await
            .json();
        let schemas = &doc["components"]["schemas"];
        let ct = &schemas["com.example.stable.v1.CronTab"];
        assert_eq!(ct["description"], "A CronTab runs an image on a schedule.");
        assert_eq!(
            ct["x-kubernetes-group-version-kind"],
            json!([{"group": "stable.example.com", "version": "v1", "kind": "CronTab"}])
        );
        assert_eq!(
            ct["properties"]["spec"],
            described_crontab_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
                ["properties"]["spec"]
        );
        assert_eq!(ct["properties"]["apiVersion"]["type"], "string");
        assert_eq!(ct["properties"]["kind"]["type"], "string");
        let meta_ref = ct["properties"]["metadata"]["allOf"][0]["$ref"]
            .as_str()
            .unwrap();
        assert_eq!(
            meta_ref,
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        let meta = &schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"];
        assert_eq!(meta["properties"]["name"]["type"], "string");
        assert_eq!(
            meta["properties"]["labels"]["additionalProperties"]["type"],
            "string"
        );
        assert_eq!(
            schemas["com.example.stable.v1.CronTabList"]["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/com.example.stable.v1.CronTab"
        );
        // kubectl's server-side validation check: a PATCH operation of
        // the kind listing `fieldValidation`.
        let item = &doc["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"];
        assert_eq!(
            item["patch"]["x-kubernetes-group-version-kind"],
            json!({"group": "stable.example.com", "version": "v1", "kind": "CronTab"})
        );
        assert!(
            item["patch"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["name"] == "fieldValidation" && p["in"] == "query"),
            "{item}"
        );
        // Built-in kinds have their types' schemas.
        let core = c.get(&url_of(&idx, "api/v1")).await.json();
        let cm = &core["components"]["schemas"]["io.k8s.api.core.v1.ConfigMap"];
        assert!(cm.get("x-kubernetes-preserve-unknown-fields").is_none());
        assert_eq!(cm["properties"]["data"]["additionalProperties"]["type"], "string");
        assert_eq!(
            cm["x-kubernetes-group-version-kind"],
            json!([{"group": "", "version": "v1", "kind": "ConfigMap"}])
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_served_version_has_its_own_schema() {
    within(async {
        let (_s, c) = crate::server().await;
        let mut crd = described_crontab_crd();
        let mut v2 = crd["spec"]["versions"][0].clone();
        v2["name"] = json!("v2");
        v2["storage"] = json!(false);
        v2["schema"]["openAPIV3Schema"]["description"] = json!("The second version.");
        let mut v3 = v2.clone();
        v3["name"] = json!("v3");
        v3["served"] = json!(false);
        crd["spec"]["versions"] = json!([crd["spec"]["versions"][0].clone(), v2, v3]);
        let r = c.post(CRDS, &crd).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let idx = index(&c).await;
        assert!(
            idx["paths"].get("apis/stable.example.com/v3").is_none(),
            "{idx}"
        );
        for (version, description) in [
            ("v1", "A CronTab runs an image on a schedule."),
            ("v2", "The second version."),
        ] {
            let doc = c
                .get(&url_of(&idx, &format!("apis/stable.example.com/{version}")))
                .await
                .json();
            let ct = &doc["components"]["schemas"][format!("com.example.stable.{version}.CronTab")];
            assert_eq!(ct["description"], description, "{doc}");
            assert_eq!(ct["x-kubernetes-group-version-kind"][0]["version"], version);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_changes_when_a_crd_changes() {
    within(async {
        let (_s, c) = crate::server().await;
        assert_eq!(c.post(CRDS, &described_crontab_crd()).await.status, 201);
        let before = index(&c).await;
        assert_eq!(index(&c).await, before, "the hash is stable");
        let mut crd = c.get(CRD).await.json();
        crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]
            ["properties"]["cronSpec"]["description"] = json!("When to run.");
        let r = c.put(CRD, &crd).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let after = index(&c).await;
        let url = url_of(&after, "apis/stable.example.com/v1");
        assert_ne!(url_of(&before, "apis/stable.example.com/v1"), url);
        assert_eq!(url_of(&before, "api/v1"), url_of(&after, "api/v1"));
        let doc = c.get(&url).await.json();
        assert_eq!(
            doc["components"]["schemas"]["com.example.stable.v1.CronTab"]["properties"]["spec"]
                ["properties"]["cronSpec"]["description"],
            "When to run."
        );
        // Deleting the CRD removes its group-version.
        assert_eq!(c.delete(CRD).await.status, 200);
        let gone = index(&c).await;
        assert!(gone["paths"].get("apis/stable.example.com/v1").is_none(), "{gone}");
        assert_eq!(c.get(&url).await.status, 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_explain_prints_crd_field_descriptions() {
    tokio::time::timeout(Duration::from_secs(90), async {
        // Plain HTTP without authentication: kubectl and the test client
        // share the server.
        let s = client_testserver::TestServer::builder()
            .plain_http()
            .no_auth()
            .start()
            .await
            .unwrap();
        let c = crate::client::Client::new(&s);
        assert_eq!(c.post(CRDS, &described_crontab_crd()).await.status, 201);
        let k = crate::kubectl::Kubectl::new(&s);
        let out = k.ok(&["explain", "crontabs.spec"]).await;
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert!(lines.contains(&"KIND:       CronTab"), "{out}");
        assert!(lines.contains(&"FIELD: spec <Object>"), "{out}");
        assert!(lines.contains(&"    The desired schedule."), "{out}");
        assert!(lines.contains(&"  cronSpec\t<string> -required-"), "{out}");
        assert!(lines.contains(&"    The cron expression."), "{out}");
        assert!(lines.contains(&"  replicas\t<integer>"), "{out}");

        let out = k.ok(&["explain", "crontab.spec.cronSpec"]).await;
        let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
        assert!(lines.contains(&"FIELD: cronSpec <string>"), "{out}");
        assert!(lines.contains(&"    The cron expression."), "{out}");

        let out = k.ok(&["explain", "ct.metadata.labels"]).await;
        assert!(out.contains("FIELD: labels <map[string]string>"), "{out}");
    })
    .await
    .expect("kubectl test timed out");
}
