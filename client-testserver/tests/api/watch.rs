use std::time::Duration;

use serde_json::json;

use crate::*;

fn rv(v: &serde_json::Value) -> String {
    v["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn watch_from_zero_then_live() {
    within(async {
        let (_s, c) = server().await;
        c.post(CMS, &cm("a")).await;
        let mut w = c
            .watch(&format!("{CMS}?watch=true&resourceVersion=0"))
            .await;
        assert_eq!(w.status, 200);
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "ADDED");
        assert_eq!(e["object"]["metadata"]["name"], "a");
        c.post(CMS, &cm("b")).await;
        let e = w.next().await.unwrap();
        assert_eq!(
            (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
            (Some("ADDED"), Some("b"))
        );
        c.patch(
            &format!("{CMS}/b"),
            "application/merge-patch+json",
            &json!({"data": {"x": "1"}}),
        )
        .await;
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "MODIFIED");
        // A no-op write emits nothing.
        c.patch(
            &format!("{CMS}/b"),
            "application/merge-patch+json",
            &json!({"data": {"x": "1"}}),
        )
        .await;
        c.delete(&format!("{CMS}/b")).await;
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "DELETED");
        assert_eq!(e["object"]["metadata"]["name"], "b");
        // Other namespaces and resources are not seen.
        c.post("/api/v1/namespaces/kube-system/configmaps", &cm("other"))
            .await;
        c.post(
            "/api/v1/namespaces/default/secrets",
            &json!({"metadata": {"name": "s"}}),
        )
        .await;
        w.quiet_for(Duration::from_millis(200)).await;
    })
    .await;
}

#[tokio::test]
async fn watch_from_resource_version_replays_history() {
    within(async {
        let (_s, c) = server().await;
        let a = c.post(CMS, &cm("a")).await.json();
        c.post(CMS, &cm("b")).await;
        c.delete(&format!("{CMS}/a")).await;
        let mut w = c
            .watch(&format!("{CMS}?watch=1&resourceVersion={}", rv(&a)))
            .await;
        let e = w.next().await.unwrap();
        assert_eq!(
            (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
            (Some("ADDED"), Some("b"))
        );
        let e = w.next().await.unwrap();
        assert_eq!(
            (e["type"].as_str(), e["object"]["metadata"]["name"].as_str()),
            (Some("DELETED"), Some("a"))
        );
    })
    .await;
}

#[tokio::test]
async fn watch_too_old_gets_410_error_event() {
    within(async {
        let s = client_testserver::TestServer::builder()
            .plain_http()
            .no_auth()
            .history_size(2)
            .start()
            .await
            .unwrap();
        let c = client::Client::new(&s);
        for i in 0..5 {
            c.post(CMS, &cm(&format!("c{i}"))).await;
        }
        let mut w = c
            .watch(&format!("{CMS}?watch=true&resourceVersion=2"))
            .await;
        assert_eq!(w.status, 200);
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "ERROR");
        assert_eq!(e["object"]["code"], 410);
        assert_eq!(e["object"]["reason"], "Expired");
        let cur = s.store().resource_version();
        assert_eq!(
            e["object"]["message"],
            format!("too old resource version: 2 ({})", cur - 2)
        );
        assert!(w.next().await.is_none(), "stream closes after the error");
    })
    .await;
}

#[tokio::test]
async fn forced_compaction_expires_old_watches() {
    within(async {
        let (s, c) = server().await;
        let a = c.post(CMS, &cm("a")).await.json();
        c.post(CMS, &cm("b")).await;
        s.faults().compact();
        let mut w = c
            .watch(&format!("{CMS}?watch=true&resourceVersion={}", rv(&a)))
            .await;
        let e = w.next().await.unwrap();
        assert_eq!(e["object"]["reason"], "Expired");
    })
    .await;
}

#[tokio::test]
async fn selector_transitions_and_single_object_watch() {
    within(async {
        let (_s, c) = server().await;
        let mut w = c
            .watch(&format!("{CMS}?watch=true&labelSelector=app%3Dweb"))
            .await;
        let mut nw = c
            .watch(&format!("{CMS}?watch=true&fieldSelector=metadata.name%3Dn"))
            .await;
        c.post(CMS, &cm("n")).await;
        let p = format!("{CMS}/n");
        c.patch(
            &p,
            "application/merge-patch+json",
            &json!({"metadata": {"labels": {"app": "web"}}}),
        )
        .await;
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "ADDED");
        c.patch(
            &p,
            "application/merge-patch+json",
            &json!({"metadata": {"labels": {"app": "db"}}}),
        )
        .await;
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "DELETED");
        assert_eq!(e["object"]["metadata"]["labels"]["app"], "db");
        c.post(CMS, &cm("other")).await;
        let types: Vec<String> = [nw.next().await, nw.next().await, nw.next().await]
            .iter()
            .map(|e| e.as_ref().unwrap()["type"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(types, ["ADDED", "MODIFIED", "MODIFIED"]);
        nw.quiet_for(Duration::from_millis(200)).await;
        let r = c
            .get(&format!("{CMS}?watch=true&labelSelector=a%20in%20("))
            .await;
        assert_eq!(r.status, 400);
    })
    .await;
}

#[tokio::test]
async fn bookmarks_and_initial_events() {
    within(async {
        let s = client_testserver::TestServer::builder()
            .plain_http()
            .no_auth()
            .bookmark_interval(Duration::from_millis(100))
            .start()
            .await
            .unwrap();
        let c = client::Client::new(&s);
        c.post(CMS, &cm("a")).await;
        let mut w = c
            .watch(&format!("{CMS}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"))
            .await;
        let e = w.next().await.unwrap();
        assert_eq!(e["type"], "ADDED");
        let b = w.next().await.unwrap();
        assert_eq!(b["type"], "BOOKMARK");
        assert_eq!(b["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
        assert_eq!(b["object"]["kind"], "ConfigMap");
        assert_eq!(b["object"]["apiVersion"], "v1");
        let b = w.next().await.unwrap();
        assert_eq!(b["type"], "BOOKMARK");
        let obj = b["object"].as_object().unwrap();
        assert_eq!(obj.len(), 3, "only apiVersion, kind, metadata: {b}");
        assert_eq!(b["object"]["metadata"].as_object().unwrap().len(), 1);
        // sendInitialEvents without NotOlderThan is rejected.
        let r = c.get(&format!("{CMS}?watch=true&sendInitialEvents=true")).await;
        assert_status(&r, 422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
    })
    .await;
}

#[tokio::test]
async fn timeout_seconds_closes_the_stream() {
    within(async {
        let (_s, c) = server().await;
        let started = std::time::Instant::now();
        let mut w = c.watch(&format!("{CMS}?watch=true&timeoutSeconds=1")).await;
        assert!(w.next_within(Duration::from_secs(5)).await.is_none());
        assert!(started.elapsed() >= Duration::from_millis(900));
        // An absurd timeout is accepted, not a crash (the largest int64:
        // one past it fails kube-apiserver's parameter codec with 400).
        let w = c
            .watch(&format!(
                "{CMS}?watch=true&timeoutSeconds=18446744073709551615"
            ))
            .await;
        assert_eq!(w.status, 400);
        let mut w = c
            .watch(&format!(
                "{CMS}?watch=true&timeoutSeconds=9223372036854775807"
            ))
            .await;
        c.post(CMS, &cm("late")).await;
        assert_eq!(w.next().await.unwrap()["type"], "ADDED");
    })
    .await;
}
