use std::time::{Duration, Instant};

use client_testserver::{Fault, FaultAction};
use serde_json::json;

use crate::*;

#[tokio::test]
async fn status_faults_by_verb_resource_and_count() {
    within(async {
        let (s, c) = server().await;
        s.faults().add(
            Fault::new(FaultAction::Status { code: 429, retry_after_seconds: Some(2) })
                .verb("create")
                .resource("configmaps")
                .times(1),
        );
        let r = c.post(CMS, &cm("a")).await;
        assert_status(&r, 429, "TooManyRequests", "Too many requests, please try again later.");
        assert_eq!(r.header("retry-after"), Some("2"));
        assert_eq!(r.json()["details"]["retryAfterSeconds"], 2);
        // Count exhausted.
        assert_eq!(c.post(CMS, &cm("a")).await.status, 201);
        // Other verbs are untouched, and a 503 with Retry-After.
        s.faults().add(Fault::new(FaultAction::Status { code: 503, retry_after_seconds: Some(1) }).verb("get"));
        assert_eq!(c.get(CMS).await.status, 200);
        let r = c.get(&format!("{CMS}/a")).await;
        assert_eq!(r.status, 503);
        assert_eq!(r.header("retry-after"), Some("1"));
        s.faults().clear();
        assert_eq!(c.get(&format!("{CMS}/a")).await.status, 200);
        // Over the admin endpoint: a 500 without Retry-After, and latency.
        let r = c.post("/__testserver/faults", &json!({"verb": "list", "resource": "secrets", "count": 1, "action": {"type": "status", "code": 500}})).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let r = c.get("/api/v1/namespaces/default/secrets").await;
        assert_eq!(r.status, 500);
        assert!(r.header("retry-after").is_none());
        c.post("/__testserver/faults", &json!({"verb": "list", "count": 1, "action": {"type": "latency", "millis": 300}})).await;
        let t = Instant::now();
        assert_eq!(c.get(CMS).await.status, 200);
        assert!(t.elapsed() >= Duration::from_millis(300));
        let r = c.post("/__testserver/faults", &json!({"action": {"type": "nonsense"}})).await;
        assert_eq!(r.status, 400);
    })
    .await;
}

#[tokio::test]
async fn watch_dropped_mid_stream() {
    within(async {
        let (s, c) = server().await;
        s.faults().add(
            Fault::new(FaultAction::DropWatch { after_events: 2 })
                .verb("watch")
                .times(1),
        );
        let mut w = c.watch(&format!("{CMS}?watch=true")).await;
        for n in ["a", "b", "c"] {
            c.post(CMS, &cm(n)).await;
        }
        assert!(w.next().await.is_some());
        assert!(w.next().await.is_some());
        assert!(w.next().await.is_none(), "connection cut after two events");
        // Compaction over the admin endpoint.
        let r = c
            .post("/__testserver/faults", &json!({"compact": true}))
            .await;
        assert_eq!(r.status, 200);
        let mut w = c
            .watch(&format!("{CMS}?watch=true&resourceVersion=5"))
            .await;
        assert_eq!(w.next().await.unwrap()["object"]["code"], 410);
    })
    .await;
}

#[tokio::test]
async fn request_log_redacts_credentials() {
    within(async {
        let (s, c) = server().await;
        c.post(&format!("{CMS}?fieldManager=me"), &cm("a")).await;
        let log = s.requests().all();
        let e = log.iter().find(|e| e.method == "POST").unwrap();
        assert_eq!(e.path, CMS);
        assert_eq!(e.query, "fieldManager=me");
        assert_eq!(e.content_type.as_deref(), Some("application/json"));
        assert!(e.body.contains("\"name\":\"a\""));
        assert_eq!(e.authorization.as_deref(), Some("<redacted>"));
        let over_http = c.get("/__testserver/requests").await.json();
        let text = over_http.to_string();
        assert!(text.contains("fieldManager=me"));
        assert!(!text.contains("Bearer t"), "token leaked: {text}");
        s.requests().clear();
        assert!(s.requests().all().is_empty());
    })
    .await;
}
