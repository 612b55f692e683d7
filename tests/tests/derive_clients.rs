//! Generated clients on the wire: each typed method sends the method, path,
//! query and body that client-go's generated client sends, checked against a
//! loopback HTTP/1.1 server that records every request.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// Known clippy false positive on repeated helper-attribute arguments such as
// `version = "v1"` in two #[clientset(..)] (rust-clippy issues 12923, 13238).
#![allow(clippy::duplicated_attributes)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_core::{Config, ObjectMeta, Resource, RestClient};
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, Patch, PatchOptions, UpdateOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::time::timeout;

const STEP: Duration = Duration::from_secs(20);

#[derive(client_core::Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    short_names("ct"),
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas"
    ),
    method(name = "logs", verb = "get", subresource = "log", result = "Value"),
    method(
        name = "rollback",
        verb = "create",
        subresource = "rollback",
        input = "Value",
        result = "Value"
    )
)]
struct CronTab {
    metadata: ObjectMeta,
    #[serde(default)]
    spec: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<Value>,
}

#[derive(client_core::Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "infra.example.com", version = "v1alpha1", cluster, readonly)]
struct Cluster {
    metadata: ObjectMeta,
}

#[derive(client_core::Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(group = "", version = "v1", kind = "ConfigMap", only_verbs(get, list))]
struct Cm {
    metadata: ObjectMeta,
}

#[derive(client_core::Clientset)]
#[clientset(group = "stable.example.com", version = "v1", resources(CronTab))]
#[clientset(
    group = "infra.example.com",
    version = "v1alpha1",
    cluster_resources(Cluster)
)]
#[clientset(group = "", version = "v1", resources(Cm = "configmaps"))]
struct Clientset(RestClient);

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    path: String,
    query: String,
    content_type: Option<String>,
    body: Value,
}

type Log = Arc<Mutex<Vec<Recorded>>>;

/// The answer a real API server would give, enough for decoding.
fn answer(r: &Recorded) -> String {
    let last = r.path.rsplit('/').next().unwrap_or("");
    let (kind, api_version) = if r.path.contains("/configmaps") {
        ("ConfigMap", "v1")
    } else if r.path.contains("/clusters") {
        ("Cluster", "infra.example.com/v1alpha1")
    } else {
        ("CronTab", "stable.example.com/v1")
    };
    let object = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "a", "resourceVersion": "7"}});
    let list = json!({"apiVersion": api_version, "kind": format!("{kind}List"), "metadata": {"resourceVersion": "9"}, "items": [object.clone()]});
    let collection = ["crontabs", "clusters", "configmaps"].contains(&last);
    match (r.method.as_str(), collection) {
        ("GET", true) | ("DELETE", true) => list,
        ("DELETE", false) => json!({"apiVersion": "v1", "kind": "Status", "status": "Success", "metadata": {}}),
        _ if last == "scale" => json!({"apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": {"name": "a"}, "spec": {"replicas": 3}, "status": {"replicas": 3}}),
        _ if last == "log" || last == "rollback" => json!({"ok": true}),
        _ => object,
    }
    .to_string()
}

async fn serve(listener: TcpListener, log: Log) {
    loop {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let log = log.clone();
        tokio::spawn(async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let head_end = loop {
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    return;
                }
                buf.extend_from_slice(&chunk[..n]);
            };
            let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
            let mut lines = head.split("\r\n");
            let mut first = lines.next().unwrap_or("").split(' ');
            let method = first.next().unwrap_or("").to_owned();
            let target = first.next().unwrap_or("").to_owned();
            let mut length = 0;
            let mut content_type = None;
            for line in lines {
                if let Some((k, v)) = line.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap_or(0);
                    } else if k.eq_ignore_ascii_case("content-type") {
                        content_type = Some(v.trim().to_owned());
                    }
                }
            }
            while buf.len() < head_end + length {
                let n = sock.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = &buf[head_end..(head_end + length).min(buf.len())];
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            let recorded = Recorded {
                method,
                path: path.to_owned(),
                query: query.to_owned(),
                content_type,
                body: serde_json::from_slice(body).unwrap_or(Value::Null),
            };
            let reply = answer(&recorded);
            log.lock().unwrap().push(recorded);
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                reply.len(),
                reply
            );
            let _ = sock.write_all(response.as_bytes()).await;
            let _ = sock.shutdown().await;
        });
    }
}

async fn start() -> (RestClient, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let log: Log = Arc::default();
    tokio::spawn(serve(listener, log.clone()));
    let mut config = Config::new(url.parse().unwrap());
    config.qps = 0.0;
    (RestClient::new(config).unwrap(), log)
}

fn last(log: &Log) -> Recorded {
    log.lock()
        .unwrap()
        .last()
        .cloned()
        .expect("a request was sent")
}

fn named(name: &str) -> CronTab {
    let mut c = CronTab::default();
    c.metadata.name = Some(name.into());
    c.spec = json!({"cronSpec": "* * * * */5"});
    c
}

#[tokio::test]
async fn namespaced_verbs_send_client_go_requests() {
    let (rest, log) = start().await;
    let crontabs = CronTab::client(&rest, "ns");
    let base = "/apis/stable.example.com/v1/namespaces/ns/crontabs";

    timeout(
        STEP,
        crontabs.create(&named("a"), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", base));
    assert_eq!(r.body["apiVersion"], "stable.example.com/v1");
    assert_eq!(r.body["kind"], "CronTab");
    assert_eq!(r.body["metadata"]["name"], "a");
    assert_eq!(r.body["spec"]["cronSpec"], "* * * * */5");

    let got = timeout(STEP, crontabs.get("a", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.metadata().name.as_deref(), Some("a"));
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", &*format!("{base}/a"))
    );

    let mut opts = ListOptions::default().labels("app=web");
    opts.limit = Some(5);
    let list = timeout(STEP, crontabs.list(&opts)).await.unwrap().unwrap();
    assert_eq!(list.items.len(), 1);
    let r = last(&log);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", base));
    assert!(r.query.contains("labelSelector=app%3Dweb"), "{}", r.query);
    assert!(r.query.contains("limit=5"), "{}", r.query);

    timeout(
        STEP,
        crontabs.update(&named("a"), &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PUT", &*format!("{base}/a"))
    );
    assert_eq!(r.body["kind"], "CronTab");

    timeout(
        STEP,
        crontabs.update_status(&named("a"), &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PUT", &*format!("{base}/a/status"))
    );

    let patch = Patch::Merge(json!({"spec": {"cronSpec": "0 * * * *"}}));
    timeout(STEP, crontabs.patch("a", &patch, &PatchOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PATCH", &*format!("{base}/a"))
    );
    assert_eq!(
        r.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(r.body, json!({"spec": {"cronSpec": "0 * * * *"}}));

    timeout(
        STEP,
        crontabs.patch_status("a", &patch, &PatchOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(last(&log).path, format!("{base}/a/status"));

    let outcome = timeout(STEP, crontabs.delete("a", &DeleteOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert!(outcome.is_deleted());
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("DELETE", &*format!("{base}/a"))
    );

    timeout(
        STEP,
        crontabs.delete_collection(&DeleteOptions::default(), &opts),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("DELETE", base));
    assert!(r.query.contains("labelSelector=app%3Dweb"), "{}", r.query);
}

#[tokio::test]
async fn subresources_and_custom_methods() {
    let (rest, log) = start().await;
    let crontabs = CronTab::client(&rest, "ns");
    let base = "/apis/stable.example.com/v1/namespaces/ns/crontabs/a";

    let scale = timeout(STEP, crontabs.get_scale("a", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", &*format!("{base}/scale"))
    );
    timeout(
        STEP,
        crontabs.update_scale("a", &scale, &UpdateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("PUT", &*format!("{base}/scale"))
    );

    let logs: Value = timeout(STEP, crontabs.logs("a", &GetOptions::default()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(logs, json!({"ok": true}));
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", &*format!("{base}/log"))
    );

    timeout(
        STEP,
        crontabs.rollback("a", &json!({"to": 3}), &CreateOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", &*format!("{base}/rollback"))
    );
    assert_eq!(r.body, json!({"to": 3}));
}

#[tokio::test]
async fn scopes_groups_and_the_clientset() {
    let (rest, log) = start().await;
    let cs = Clientset::new(rest);

    timeout(
        STEP,
        cs.stable_v1().crontabs_all().list(&ListOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/apis/stable.example.com/v1/crontabs")
    );

    timeout(
        STEP,
        cs.stable_v1()
            .crontabs("prod")
            .get("a", &GetOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        last(&log).path,
        "/apis/stable.example.com/v1/namespaces/prod/crontabs/a"
    );

    timeout(
        STEP,
        cs.infra_v1alpha1()
            .clusters()
            .get("a", &GetOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        last(&log).path,
        "/apis/infra.example.com/v1alpha1/clusters/a"
    );

    timeout(
        STEP,
        cs.infra_v1alpha1().clusters().list(&ListOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(last(&log).path, "/apis/infra.example.com/v1alpha1/clusters");

    timeout(
        STEP,
        cs.core_v1()
            .configmaps("kube-system")
            .list(&ListOptions::default()),
    )
    .await
    .unwrap()
    .unwrap();
    let r = last(&log);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("GET", "/api/v1/namespaces/kube-system/configmaps")
    );
    assert_eq!(cs.core_v1().configmaps("x").namespace(), "x");
}
