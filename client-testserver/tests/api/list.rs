use serde_json::json;

use crate::*;

fn names(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

async fn labelled(c: &client::Client, ns: &str, name: &str, labels: serde_json::Value) {
    let mut o = cm(name);
    o["metadata"]["labels"] = labels;
    let r = c
        .post(&format!("/api/v1/namespaces/{ns}/configmaps"), &o)
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
}

#[tokio::test]
async fn list_shape_order_and_missing_namespace() {
    within(async {
        let (_s, c) = server().await;
        let r = c.get(CMS).await.json();
        assert_eq!(r["kind"], "ConfigMapList");
        assert_eq!(r["apiVersion"], "v1");
        assert_eq!(r["items"], json!([]));
        c.post("/api/v1/namespaces", &json!({"metadata": {"name": "b"}}))
            .await;
        labelled(&c, "b", "x", json!({})).await;
        labelled(&c, "default", "z", json!({})).await;
        labelled(&c, "default", "y", json!({})).await;
        let all = c.get("/api/v1/configmaps").await.json();
        assert_eq!(names(&all), ["x", "y", "z"]);
        let rv: u64 = all["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(rv >= 6);
        let r = c.get("/api/v1/namespaces/missing/configmaps").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["items"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn label_and_field_selectors() {
    within(async {
        let (_s, c) = server().await;
        labelled(&c, "default", "a", json!({"app": "web", "tier": "front"})).await;
        labelled(&c, "default", "b", json!({"app": "db"})).await;
        labelled(&c, "default", "c", json!({})).await;
        let q = |s: &str| format!("{CMS}?labelSelector={}", percent(s));
        assert_eq!(names(&c.get(&q("app=web")).await.json()), ["a"]);
        assert_eq!(names(&c.get(&q("app==web")).await.json()), ["a"]);
        assert_eq!(names(&c.get(&q("app!=web")).await.json()), ["b", "c"]);
        assert_eq!(names(&c.get(&q("app in (web,db)")).await.json()), ["a", "b"]);
        assert_eq!(names(&c.get(&q("app notin (web)")).await.json()), ["b", "c"]);
        assert_eq!(names(&c.get(&q("app")).await.json()), ["a", "b"]);
        assert_eq!(names(&c.get(&q("!app")).await.json()), ["c"]);
        assert_eq!(names(&c.get(&q("app,tier=front")).await.json()), ["a"]);
        let r = c.get(&q("app in (")).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["reason"], "BadRequest");
        let f = |s: &str| format!("{CMS}?fieldSelector={}", percent(s));
        assert_eq!(names(&c.get(&f("metadata.name=b")).await.json()), ["b"]);
        assert_eq!(names(&c.get(&f("metadata.name!=b")).await.json()), ["a", "c"]);
        assert_eq!(names(&c.get(&f("metadata.namespace=default,metadata.name==c")).await.json()), ["c"]);
        let r = c.get(&f("spec.x=1")).await;
        assert_status(&r, 400, "BadRequest", "field label not supported: spec.x");
        // Kind-specific field selectors.
        let sp = "/api/v1/namespaces/default/secrets";
        c.post(sp, &json!({"metadata": {"name": "s1"}, "type": "Opaque"})).await;
        c.post(sp, &json!({"metadata": {"name": "s2"}, "type": "kubernetes.io/tls"})).await;
        let r = c.get(&format!("{sp}?fieldSelector={}", percent("type=kubernetes.io/tls"))).await;
        assert_eq!(names(&r.json()), ["s2"]);
        let ep = "/api/v1/namespaces/default/events";
        c.post(ep, &json!({"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "p1", "namespace": "default"}, "reason": "Started", "type": "Normal", "source": {"component": "kubelet"}})).await;
        c.post(ep, &json!({"metadata": {"name": "e2"}, "involvedObject": {"kind": "Pod", "name": "p2"}, "reason": "Failed", "type": "Warning"})).await;
        let r = c.get(&format!("{ep}?fieldSelector={}", percent("involvedObject.name=p1,involvedObject.kind=Pod"))).await;
        assert_eq!(names(&r.json()), ["e1"]);
        let r = c.get(&format!("{ep}?fieldSelector={}", percent("type=Warning"))).await;
        assert_eq!(names(&r.json()), ["e2"]);
        let r = c.get(&format!("{ep}?fieldSelector={}", percent("source=kubelet"))).await;
        assert_eq!(names(&r.json()), ["e1"]);
        let ep2 = "/apis/events.k8s.io/v1/namespaces/default/events";
        let r = c.post(ep2, &json!({"metadata": {"name": "n1"}, "regarding": {"kind": "Pod", "name": "p1"}, "reason": "Pulled", "type": "Normal", "reportingController": "me", "action": "Pull", "eventTime": "2026-01-01T00:00:00.000000Z"})).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let r = c.get(&format!("{ep2}?fieldSelector={}", percent("regarding.name=p1"))).await;
        assert_eq!(names(&r.json()), ["n1"]);
    })
    .await;
}

pub fn percent(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[tokio::test]
async fn paging_is_consistent_and_expires() {
    within(async {
        let (s, c) = server().await;
        for i in 0..5 {
            labelled(&c, "default", &format!("o{i}"), json!({})).await;
        }
        let p1 = c.get(&format!("{CMS}?limit=2")).await.json();
        assert_eq!(names(&p1), ["o0", "o1"]);
        let tok = p1["metadata"]["continue"].as_str().unwrap().to_string();
        // Writes after the first page do not show in later pages.
        c.delete(&format!("{CMS}/o3")).await;
        labelled(&c, "default", "o25", json!({})).await;
        let p2 = c.get(&format!("{CMS}?limit=2&continue={tok}")).await.json();
        assert_eq!(names(&p2), ["o2", "o3"]);
        assert_eq!(p2["metadata"]["resourceVersion"], p1["metadata"]["resourceVersion"]);
        let tok2 = p2["metadata"]["continue"].as_str().unwrap().to_string();
        let p3 = c.get(&format!("{CMS}?limit=2&continue={tok2}")).await.json();
        assert_eq!(names(&p3), ["o4"]);
        assert!(p3["metadata"].get("continue").is_none());
        // After compaction the token is too old.
        s.faults().compact();
        let r = c.get(&format!("{CMS}?limit=2&continue={tok}")).await;
        assert_status(&r, 410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
        let fresh = r.json()["metadata"]["continue"].as_str().unwrap().to_string();
        let p = c.get(&format!("{CMS}?limit=10&continue={fresh}")).await.json();
        assert_eq!(names(&p), ["o2", "o25", "o4"]);
        let r = c.get(&format!("{CMS}?limit=2&continue=garbage")).await;
        assert_eq!(r.status, 400);
        // A list at an old resourceVersion without Exact serves the current state.
        let r = c.get(&format!("{CMS}?resourceVersion=1")).await;
        assert_eq!(r.status, 200);
    })
    .await;
}

#[tokio::test]
async fn delete_collection_honours_selectors() {
    within(async {
        let (_s, c) = server().await;
        labelled(&c, "default", "a", json!({"x": "1"})).await;
        labelled(&c, "default", "b", json!({"x": "2"})).await;
        labelled(&c, "default", "c", json!({"x": "1"})).await;
        let r = c.delete(&format!("{CMS}?labelSelector=x%3D1")).await;
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["kind"], "ConfigMapList");
        assert_eq!(names(&v), ["a", "c"]);
        assert_eq!(names(&c.get(CMS).await.json()), ["b"]);
        let r = c
            .delete(&format!("{CMS}?fieldSelector=metadata.name%3Db"))
            .await;
        assert_eq!(names(&r.json()), ["b"]);
        assert_eq!(c.get(CMS).await.json()["items"], json!([]));
    })
    .await;
}
