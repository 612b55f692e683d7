//! The request layer over real HTTP on loopback: URL grammar, query encoding,
//! typed verbs on the wire, error decoding, retries, warnings, watch and paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use client_core::{
    Config, DeleteOutcome, HasScale, HasStatus, Namespaced, ObjectMeta, Resource, RestClient,
    TransportErrorKind, TypedClient,
};
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, Patch, PatchOptions, UpdateOptions,
    WatchEvent,
};
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{Reply, STEP, ScriptServer};
use tokio::time::timeout;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct CronTab {
    metadata: ObjectMeta,
    #[serde(default)]
    spec: CronTabSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<serde_json::Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabSpec {
    #[serde(default)]
    cron_spec: String,
}

impl Resource for CronTab {
    const GROUP: &'static str = "stable.example.com";
    const VERSION: &'static str = "v1";
    const API_VERSION: &'static str = "stable.example.com/v1";
    const KIND: &'static str = "CronTab";
    const PLURAL: &'static str = "crontabs";
    const SINGULAR: &'static str = "crontab";
    const SHORT_NAMES: &'static [&'static str] = &["ct"];
    const CATEGORIES: &'static [&'static str] = &[];
    type Scope = Namespaced;
    type Meta = ObjectMeta;
    fn metadata(&self) -> &ObjectMeta {
        &self.metadata
    }
    fn metadata_mut(&mut self) -> &mut ObjectMeta {
        &mut self.metadata
    }
}
impl HasStatus for CronTab {}
impl HasScale for CronTab {}

fn named(name: &str) -> CronTab {
    let mut obj = CronTab::default();
    obj.metadata.name = Some(name.to_owned());
    obj.spec.cron_spec = "* * * * */5".to_owned();
    obj
}

fn crontab_json(name: &str, rv: &str) -> String {
    json!({
        "apiVersion": "stable.example.com/v1", "kind": "CronTab",
        "metadata": {"name": name, "namespace": "ns", "resourceVersion": rv},
        "spec": {"cronSpec": "* * * * */5"}
    })
    .to_string()
}

fn client(url: &str) -> RestClient {
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    RestClient::builder(config)
        .reset_retry_delay(Duration::from_millis(10))
        .build()
        .unwrap()
}

fn client_with_retries(url: &str, max_retries: u32) -> RestClient {
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    config.max_retries = max_retries;
    RestClient::builder(config)
        .reset_retry_delay(Duration::from_millis(10))
        .build()
        .unwrap()
}

#[test]
fn golden_urls() {
    let c = client("https://example.test:6443/prefix/");
    let base = "https://example.test:6443/prefix";
    let cases = [
        (
            c.get()
                .namespace("default")
                .resource("configmaps")
                .name("cm1"),
            "/api/v1/namespaces/default/configmaps/cm1",
        ),
        (
            c.get().namespace("").resource("configmaps"),
            "/api/v1/configmaps",
        ),
        (
            c.get()
                .group_version("stable.example.com", "v1")
                .resource("crontabs"),
            "/apis/stable.example.com/v1/crontabs",
        ),
        (
            c.post()
                .group_version("stable.example.com", "v1")
                .namespace("ns")
                .resource("crontabs"),
            "/apis/stable.example.com/v1/namespaces/ns/crontabs",
        ),
        (
            c.get().resource("namespaces").name("kube-system"),
            "/api/v1/namespaces/kube-system",
        ),
        (
            c.put()
                .group_version("apps", "v1")
                .namespace("ns")
                .resource("deployments")
                .name("web")
                .subresource("scale"),
            "/apis/apps/v1/namespaces/ns/deployments/web/scale",
        ),
        (
            c.get()
                .group_version("apiextensions.k8s.io", "v1")
                .resource("customresourcedefinitions")
                .name("crontabs.stable.example.com"),
            "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com",
        ),
        (
            c.get().group_version("stable.example.com", "v1"),
            "/apis/stable.example.com/v1",
        ),
        (c.get().abs_path("/version"), "/version"),
        (
            c.get()
                .resource("configmaps")
                .param("limit", "5")
                .param("labelSelector", "app in (a,b),!canary")
                .timeout(Duration::from_secs(90)),
            "/api/v1/configmaps?labelSelector=app+in+%28a%2Cb%29%2C%21canary&limit=5&timeout=1m30s",
        ),
        (
            c.post()
                .resource("configmaps")
                .param("dryRun", "All")
                .param("dryRun", "All")
                .param("fieldManager", "me"),
            "/api/v1/configmaps?dryRun=All&dryRun=All&fieldManager=me",
        ),
    ];
    for (request, want) in cases {
        assert_eq!(request.url().unwrap().as_str(), format!("{base}{want}"));
    }
}

#[test]
fn invalid_segments_fail_before_io() {
    let c = client("http://127.0.0.1:1");
    for request in [
        c.get().resource("configmaps").name(""),
        c.get().resource("configmaps").name(".."),
        c.get().resource("configmaps").name("a/b"),
        c.get().namespace("..").resource("configmaps"),
        c.get().resource("con/figmaps"),
        c.get().resource("configmaps").name("x").subresource("."),
        c.get().resource("configmaps").subresource("status"),
        c.get().abs_path("relative"),
    ] {
        let err = request.url().unwrap_err();
        assert!(
            matches!(err, client_core::Error::InvalidRequest(_)),
            "{err}"
        );
    }
}

#[tokio::test]
async fn typed_verbs_on_the_wire() {
    let server = ScriptServer::start(|req| match (req.method.as_str(), req.path.as_str()) {
        ("DELETE", "/apis/stable.example.com/v1/namespaces/ns/crontabs/gone") => Reply::json(
            200,
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"gone","group":"stable.example.com","kind":"crontabs"}}"#,
        ),
        ("DELETE", "/apis/stable.example.com/v1/namespaces/ns/crontabs/held") => Reply::json(
            200,
            r#"{"kind":"CronTab","apiVersion":"stable.example.com/v1","metadata":{"name":"held","finalizers":["x/y"],"deletionTimestamp":"2026-01-01T00:00:00Z"}}"#,
        ),
        ("DELETE", "/apis/stable.example.com/v1/namespaces/ns/crontabs") => Reply::json(
            200,
            &format!(r#"{{"kind":"CronTabList","apiVersion":"stable.example.com/v1","metadata":{{"resourceVersion":"9"}},"items":[{}]}}"#, crontab_json("a", "8")),
        ),
        ("GET", "/apis/stable.example.com/v1/namespaces/ns/crontabs") => Reply::json(
            200,
            r#"{"kind":"CronTabList","apiVersion":"stable.example.com/v1","metadata":{"resourceVersion":"9"},"items":null}"#,
        ),
        ("GET", "/apis/stable.example.com/v1/namespaces/ns/crontabs/a/scale") => Reply::json(
            200,
            r#"{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"a"},"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=a"}}"#,
        ),
        _ => Reply::json(200, &crontab_json("a", "7")),
    })
    .await;
    let crontabs = TypedClient::<CronTab>::namespaced(client(&server.url), "ns");

    let created = timeout(
        STEP,
        crontabs.create(&named("a"), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(created.metadata.resource_version.as_deref(), Some("7"));
    timeout(STEP, crontabs.get("a", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let list = timeout(STEP, crontabs.list(&ListOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        list.items.is_empty(),
        "items: null decodes as an empty list"
    );
    let mut obj = named("a");
    obj.metadata.resource_version = Some("7".to_owned());
    timeout(STEP, crontabs.update(&obj, &UpdateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    timeout(
        STEP,
        crontabs.update_status(&obj, &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let merge = Patch::Merge(json!({"spec": {"cronSpec": "0 * * * *"}}));
    timeout(STEP, crontabs.patch("a", &merge, &PatchOptions::default()))
        .await
        .unwrap()
        .unwrap();
    timeout(
        STEP,
        crontabs.patch_status("a", &merge, &PatchOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let scale = timeout(STEP, crontabs.get_scale("a", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(scale.spec.replicas, Some(3));
    let outcome = timeout(STEP, crontabs.delete("gone", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(outcome, DeleteOutcome::Deleted(_)));
    let outcome = timeout(STEP, crontabs.delete("a", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(outcome, DeleteOutcome::DeletedObject(ref o) if o.metadata.name.as_deref() == Some("a"))
    );
    let outcome = timeout(STEP, crontabs.delete("held", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(outcome, DeleteOutcome::Finalizing(ref o) if o.metadata.finalizers == ["x/y"])
    );
    assert!(!outcome.is_deleted());
    let deleted = timeout(
        STEP,
        crontabs.delete_collection(&DeleteOptions::default(), &ListOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(deleted.items.len(), 1);

    let seen: Vec<(String, String, String)> = server
        .requests()
        .into_iter()
        .map(|r| {
            let ct = r.header("content-type").unwrap_or("").to_owned();
            (r.method, r.path, ct)
        })
        .collect();
    let base = "/apis/stable.example.com/v1/namespaces/ns/crontabs";
    let want = [
        ("POST", base.to_owned(), "application/json"),
        ("GET", format!("{base}/a"), ""),
        ("GET", base.to_owned(), ""),
        ("PUT", format!("{base}/a"), "application/json"),
        ("PUT", format!("{base}/a/status"), "application/json"),
        ("PATCH", format!("{base}/a"), "application/merge-patch+json"),
        (
            "PATCH",
            format!("{base}/a/status"),
            "application/merge-patch+json",
        ),
        ("GET", format!("{base}/a/scale"), ""),
        ("DELETE", format!("{base}/gone"), "application/json"),
        ("DELETE", format!("{base}/a"), "application/json"),
        ("DELETE", format!("{base}/held"), "application/json"),
        ("DELETE", base.to_owned(), "application/json"),
    ];
    assert_eq!(seen.len(), want.len());
    for ((method, path, ct), (wm, wp, wct)) in seen.iter().zip(want.iter()) {
        assert_eq!(
            (method.as_str(), path.as_str(), ct.as_str()),
            (*wm, wp.as_str(), *wct)
        );
    }
    // The body of a create names apiVersion and kind first, from the Resource constants.
    let create = &server.requests()[0];
    let body = String::from_utf8(create.body.clone()).unwrap();
    assert!(
        body.starts_with(
            r#"{"apiVersion":"stable.example.com/v1","kind":"CronTab","metadata":{"name":"a""#
        ),
        "{body}"
    );
    // Every request asked for JSON and named this client.
    for r in server.requests() {
        assert_eq!(r.header("accept"), Some("application/json"));
        assert!(r.header("user-agent").unwrap().starts_with("client-core/"));
    }
}

#[tokio::test]
async fn update_without_a_name_fails_before_io() {
    let server = ScriptServer::replies(vec![Reply::json(200, "{}")]).await;
    let crontabs = TypedClient::<CronTab>::namespaced(client(&server.url), "ns");
    let err = crontabs
        .update(&CronTab::default(), &UpdateOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, client_core::Error::InvalidRequest(_)),
        "{err}"
    );
    let err = TypedClient::<CronTab>::namespaced(client(&server.url), "")
        .get("a", &GetOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, client_core::Error::InvalidRequest(_)),
        "{err}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn status_and_plain_text_errors_are_typed() {
    let server = ScriptServer::start(|req| match req.path.as_str() {
        "/api/v1/namespaces/ns/configmaps/missing" => Reply::json(
            404,
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \"missing\" not found","reason":"NotFound","details":{"name":"missing","kind":"configmaps"},"code":404}"#,
        ),
        "/api/v1/namespaces/ns/configmaps/conflict" => Reply::json(
            409,
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled","reason":"Conflict","code":409}"#,
        ),
        "/api/v1/namespaces/ns/configmaps/garbage" => Reply::json(200, "{not json"),
        _ => Reply::text(404, "404 page not found\n"),
    })
    .await;
    let c = client(&server.url);
    let get = |name: &'static str| {
        c.get()
            .namespace("ns")
            .resource("configmaps")
            .name(name)
            .send::<serde_json::Value>()
    };
    let err = timeout(STEP, get("missing")).await.unwrap().unwrap_err();
    assert!(err.is_not_found() && !err.is_conflict());
    assert_eq!(err.status().unwrap().reason, "NotFound");
    assert!(
        err.to_string()
            .contains("GET /api/v1/namespaces/ns/configmaps/missing"),
        "{err}"
    );

    let err = timeout(STEP, get("conflict")).await.unwrap().unwrap_err();
    assert!(err.is_conflict() && !err.is_already_exists());

    let err = timeout(STEP, get("elsewhere")).await.unwrap().unwrap_err();
    assert!(
        matches!(err, client_core::Error::Http { code: 404, .. }),
        "{err:?}"
    );
    assert!(
        err.is_not_found(),
        "a plain-text 404 still answers is_not_found"
    );
    assert!(err.to_string().contains("404 page not found"));

    let err = timeout(STEP, get("garbage")).await.unwrap().unwrap_err();
    assert!(matches!(err, client_core::Error::Decode { .. }), "{err:?}");
}

#[tokio::test]
async fn retry_after_is_honoured_and_bounded() {
    // Two 429s with Retry-After: 1, then success: two retries, about two seconds.
    let server = ScriptServer::replies(vec![
        Reply::json(
            429,
            r#"{"kind":"Status","code":429,"reason":"TooManyRequests"}"#,
        )
        .with_header("retry-after", "1"),
        Reply::json(503, "{}").with_header("retry-after", "1"),
        Reply::json(200, r#"{"ok":true}"#),
    ])
    .await;
    let started = Instant::now();
    let value: serde_json::Value = timeout(
        STEP,
        client(&server.url)
            .post()
            .resource("configmaps")
            .json_body(&json!({"a":1}))
            .send(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(value["ok"], true);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited {:?}",
        started.elapsed()
    );
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        3,
        "a POST with a body is sent again on Retry-After"
    );
    assert!(requests.iter().all(|r| r.body == br#"{"a":1}"#));

    // Always 429 with Retry-After: 0: the first try plus max_retries, then the 429 comes back.
    let server = ScriptServer::replies(vec![
        Reply::json(
            429,
            r#"{"kind":"Status","code":429,"reason":"TooManyRequests","message":"slow down"}"#,
        )
        .with_header("retry-after", "0"),
    ])
    .await;
    let err = timeout(
        STEP,
        client_with_retries(&server.url, 3)
            .get()
            .resource("configmaps")
            .send::<serde_json::Value>(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.is_too_many_requests(), "{err}");
    assert_eq!(server.requests().len(), 4);

    // A 500 without Retry-After is not retried.
    let server = ScriptServer::replies(vec![Reply::json(
        500,
        r#"{"kind":"Status","code":500,"reason":"InternalError"}"#,
    )])
    .await;
    let err = timeout(
        STEP,
        client(&server.url)
            .get()
            .resource("configmaps")
            .send::<serde_json::Value>(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert_eq!(err.code(), Some(500));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn connection_resets_retry_gets_but_never_posts() {
    let server = ScriptServer::replies(vec![
        Reply::Drop,
        Reply::Drop,
        Reply::json(200, r#"{"ok":true}"#),
    ])
    .await;
    let value: serde_json::Value = timeout(
        STEP,
        client(&server.url).get().resource("configmaps").send(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(value["ok"], true);
    assert_eq!(server.requests().len(), 3);

    let server = ScriptServer::replies(vec![Reply::Drop, Reply::json(200, r#"{"ok":true}"#)]).await;
    let err = timeout(
        STEP,
        client(&server.url)
            .post()
            .resource("configmaps")
            .json_body(&json!({}))
            .send::<serde_json::Value>(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(
        matches!(
            err,
            client_core::Error::Transport {
                kind: TransportErrorKind::ConnectionReset,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1, "a POST is not sent twice");
}

#[tokio::test]
async fn warnings_reach_the_handler() {
    let server = ScriptServer::replies(vec![
        Reply::json(200, "{}").with_header("warning", r#"299 - "unknown field \"spec.bogus\"""#),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = seen.clone();
    let mut config = Config::new(server.url.parse().unwrap());
    config.qps = 0.0;
    let c = RestClient::builder(config)
        .warning_handler(move |w| sink.lock().unwrap().push(w.to_owned()))
        .build()
        .unwrap();
    let _: serde_json::Value = timeout(STEP, c.get().resource("configmaps").send())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![r#"unknown field "spec.bogus""#.to_owned()]
    );
}

#[tokio::test]
async fn watch_decodes_chunked_frames_and_reports_truncation() {
    let events = [
        format!(r#"{{"type":"ADDED","object":{}}}"#, crontab_json("a", "10")),
        format!(r#"{{"type":"MODIFIED","object":{}}}"#, crontab_json("a", "11")),
        r#"{"type":"BOOKMARK","object":{"kind":"CronTab","apiVersion":"stable.example.com/v1","metadata":{"resourceVersion":"12"}}}"#.to_owned(),
        format!(r#"{{"type":"DELETED","object":{}}}"#, crontab_json("a", "13")),
        r#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (12)","reason":"Expired","code":410}}"#.to_owned(),
    ];
    let mut body = events.join("\n");
    body.push('\n');
    body.push_str(r#"{"type":"ADDED","obj"#); // truncated last frame
    let server = ScriptServer::replies(vec![Reply::json(200, &body).chunked(37)]).await;
    let crontabs = TypedClient::<CronTab>::namespaced(client(&server.url), "ns");
    let opts = ListOptions {
        resource_version: Some("9".to_owned()),
        ..ListOptions::default()
    };
    let stream = timeout(STEP, crontabs.watch(&opts)).await.unwrap().unwrap();
    let items: Vec<_> = timeout(STEP, stream.collect::<Vec<_>>()).await.unwrap();
    assert_eq!(items.len(), 6, "five events and one truncation error");
    assert!(
        matches!(&items[0], Ok(WatchEvent::Added(o)) if o.metadata.resource_version.as_deref() == Some("10"))
    );
    assert!(matches!(&items[1], Ok(WatchEvent::Modified(_))));
    assert!(
        matches!(&items[2], Ok(WatchEvent::Bookmark(b)) if b.metadata.resource_version == "12")
    );
    assert!(matches!(&items[3], Ok(WatchEvent::Deleted(_))));
    assert!(matches!(&items[4], Ok(WatchEvent::Error(s)) if s.is_expired()));
    assert!(matches!(&items[5], Err(client_core::Error::Watch { .. })));
    let req = &server.requests()[0];
    assert_eq!(req.query, "resourceVersion=9&watch=true");
}

#[tokio::test]
async fn list_pages_follow_continue() {
    let server = ScriptServer::start(|req| {
        let page = |items: &str, cont: &str| {
            Reply::json(200, &format!(r#"{{"kind":"CronTabList","metadata":{{"resourceVersion":"5","continue":"{cont}"}},"items":[{items}]}}"#))
        };
        if req.query.contains("continue=t2") {
            page(&crontab_json("c", "3"), "")
        } else if req.query.contains("continue=t1") {
            page(&crontab_json("b", "2"), "t2")
        } else {
            page(&crontab_json("a", "1"), "t1")
        }
    })
    .await;
    let crontabs = TypedClient::<CronTab>::namespaced(client(&server.url), "ns");
    let opts = ListOptions {
        limit: Some(1),
        ..ListOptions::default()
    };
    let pages: Vec<_> = timeout(STEP, crontabs.list_pages(&opts).try_collect::<Vec<_>>())
        .await
        .unwrap()
        .unwrap();
    let names: Vec<_> = pages
        .iter()
        .flat_map(|p| p.items.iter())
        .map(|o| o.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    let queries: Vec<_> = server.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        ["limit=1", "continue=t1&limit=1", "continue=t2&limit=1"]
    );
}

/// Futures and streams are `Send + 'static`, so they can be spawned and outlive their client.
#[test]
fn futures_and_streams_are_send_and_static() {
    fn assert_send_static<T: Send + 'static>(_: &T) {}
    let crontabs = TypedClient::<CronTab>::namespaced(client("http://127.0.0.1:1"), "ns");
    let name = String::from("a");
    let get = crontabs.get(&name, &GetOptions::default());
    drop(name);
    assert_send_static(&get);
    assert_send_static(&crontabs.list_pages(&ListOptions::default()));
    assert_send_static(&crontabs.watch(&ListOptions::default()));
    let request = crontabs.rest_client().get().resource("configmaps");
    assert_send_static(&request.send::<serde_json::Value>());
    fn assert_stream<S: futures_util::Stream + Send + 'static>() {}
    assert_stream::<client_core::WatchStream<CronTab>>();
    assert_stream::<client_core::Pages<CronTab>>();
}

#[tokio::test]
async fn dynamic_client_fills_in_type_meta_and_uses_the_gvr() {
    let server = ScriptServer::start(|req| match req.method.as_str() {
        "DELETE" => Reply::json(
            200,
            r#"{"kind":"Status","apiVersion":"v1","status":"Success","metadata":{}}"#,
        ),
        _ => Reply::json(200, &crontab_json("d", "3")),
    })
    .await;
    let resource = client_core::api::ApiResource::of::<CronTab>();
    let dynamic = client_core::DynamicClient::new(client(&server.url), &resource, Some("ns"));
    let mut obj = client_core::api::DynamicObject::default();
    obj.metadata.name = Some("d".to_owned());
    obj.data = json!({"spec": {"cronSpec": "x"}});
    let created = timeout(STEP, dynamic.create(&obj, &CreateOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(created.data["spec"]["cronSpec"], "* * * * */5");
    assert_eq!(created.kind.as_deref(), Some("CronTab"));
    timeout(STEP, dynamic.get("d", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let outcome = timeout(STEP, dynamic.delete("d", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(outcome.is_deleted());
    let requests = server.requests();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["apiVersion"], "stable.example.com/v1");
    assert_eq!(body["kind"], "CronTab");
    assert_eq!(body["spec"]["cronSpec"], "x");
    let paths: Vec<_> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    let base = "/apis/stable.example.com/v1/namespaces/ns/crontabs";
    assert_eq!(
        paths,
        [
            ("POST", base),
            ("GET", &format!("{base}/d")[..]),
            ("DELETE", &format!("{base}/d")[..])
        ]
    );
}

#[tokio::test]
async fn a_body_that_cannot_be_encoded_fails_before_io() {
    let server = ScriptServer::replies(vec![Reply::json(200, "{}")]).await;
    // JSON object keys must be strings: a map keyed by tuples cannot be encoded.
    let body: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
    let request = client(&server.url)
        .post()
        .resource("configmaps")
        .json_body(&body);
    assert_eq!(request.url().unwrap().path(), "/api/v1/configmaps");
    let err = timeout(STEP, request.send::<serde_json::Value>())
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, client_core::Error::Encode(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

/// A `?` or `#` in a name is part of the name: it must not start the query
/// (which would drop `dryRun=All` from a delete) or a fragment.
#[test]
fn reserved_characters_in_names_are_escaped() {
    let c = client("https://example.test");
    let url = c
        .delete()
        .namespace("ns")
        .resource("configmaps")
        .name("x#y?z w")
        .param("dryRun", "All")
        .url()
        .unwrap();
    assert_eq!(url.path(), "/api/v1/namespaces/ns/configmaps/x%23y%3Fz%20w");
    assert_eq!(url.query(), Some("dryRun=All"));
    assert_eq!(url.fragment(), None);
}

#[tokio::test]
async fn a_timeout_bounds_the_retries_too() {
    // Retry-After asks for 5 s, the call allows 1 s: no wait, the 429 comes back.
    let server = ScriptServer::replies(vec![
        Reply::json(
            429,
            r#"{"kind":"Status","code":429,"reason":"TooManyRequests"}"#,
        )
        .with_header("retry-after", "5"),
    ])
    .await;
    let started = Instant::now();
    let err = timeout(
        STEP,
        client(&server.url)
            .get()
            .resource("configmaps")
            .timeout(Duration::from_secs(1))
            .send::<serde_json::Value>(),
    )
    .await
    .unwrap()
    .unwrap_err();
    assert!(err.is_too_many_requests(), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_config_timeout_does_not_cut_watch_streams() {
    let events: String = (0..40)
        .map(|i| {
            format!(
                "{{\"type\":\"ADDED\",\"object\":{}}}\n",
                crontab_json(&format!("w{i}"), "1")
            )
        })
        .collect();
    // Sent in 300 pieces, 2 ms apart: the stream lasts well over the 150 ms timeout.
    let server = ScriptServer::replies(vec![Reply::json(200, &events).chunked(300)]).await;
    let mut config = Config::new(server.url.parse().unwrap());
    config.qps = 0.0;
    config.timeout = Some(Duration::from_millis(150));
    let crontabs = TypedClient::<CronTab>::namespaced(RestClient::new(config).unwrap(), "ns");
    let stream = timeout(STEP, crontabs.watch(&ListOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let items: Vec<_> = timeout(STEP, stream.collect::<Vec<_>>()).await.unwrap();
    assert_eq!(items.len(), 40);
    assert!(
        items.iter().all(Result::is_ok),
        "{:?}",
        items.iter().find(|i| i.is_err())
    );
    assert!(!server.requests()[0].query.contains("timeout="));
}

/// Without a namespace a namespaced kind can be listed across namespaces,
/// but a write (or a read of one object) is refused before any I/O, with the
/// error the typed client gives.
#[tokio::test]
async fn dynamic_client_refuses_namespaced_writes_without_a_namespace() {
    let server = ScriptServer::replies(vec![Reply::json(
        200,
        r#"{"apiVersion":"stable.example.com/v1","kind":"CronTabList","metadata":{},"items":[]}"#,
    )])
    .await;
    let resource = client_core::api::ApiResource::of::<CronTab>();
    let dynamic = client_core::DynamicClient::new(client(&server.url), &resource, None);
    let mut obj = client_core::api::DynamicObject::default();
    obj.metadata.name = Some("d".to_owned());
    let patch = Patch::Merge(json!({}));
    let refused = [
        timeout(STEP, dynamic.create(&obj, &CreateOptions::default()))
            .await
            .unwrap()
            .unwrap_err(),
        timeout(STEP, dynamic.get("d", &GetOptions::default()))
            .await
            .unwrap()
            .unwrap_err(),
        timeout(STEP, dynamic.update(&obj, &UpdateOptions::default()))
            .await
            .unwrap()
            .unwrap_err(),
        timeout(STEP, dynamic.patch("d", &patch, &PatchOptions::default()))
            .await
            .unwrap()
            .unwrap_err(),
        timeout(STEP, dynamic.delete("d", &DeleteOptions::default()))
            .await
            .unwrap()
            .unwrap_err(),
    ];
    for err in refused {
        assert!(
            matches!(
                err,
                client_core::Error::InvalidRequest(client_core::RequestError::MissingNamespace)
            ),
            "{err}"
        );
    }
    let typed = TypedClient::<CronTab>::namespaced(client(&server.url), "")
        .create(&named("d"), &CreateOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            typed,
            client_core::Error::InvalidRequest(client_core::RequestError::MissingNamespace)
        ),
        "{typed}"
    );
    assert!(server.requests().is_empty());
    let list = timeout(STEP, dynamic.list(&ListOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(list.items.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/apis/stable.example.com/v1/crontabs");
}

/// Every `Impersonate-Group` reaches the server, one header each, as
/// client-go sends them (reqwest's default headers would keep only the first).
#[tokio::test]
async fn every_impersonated_group_is_sent() {
    let server = ScriptServer::replies(vec![Reply::json(200, "{}")]).await;
    let mut config = Config::new(server.url.parse().unwrap());
    config.qps = 0.0;
    config.impersonate = Some(client_core::config::Impersonation {
        user: Some("jane".to_owned()),
        groups: vec!["devs".to_owned(), "ops".to_owned()],
        ..Default::default()
    });
    let client = RestClient::new(config).unwrap();
    timeout(
        STEP,
        client
            .get()
            .resource("configmaps")
            .send::<serde_json::Value>(),
    )
    .await
    .unwrap()
    .unwrap();
    let requests = server.requests();
    let groups: Vec<&str> = requests[0]
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("impersonate-group"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(groups, ["devs", "ops"]);
    assert_eq!(requests[0].header("impersonate-user"), Some("jane"));
}
