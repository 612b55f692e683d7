//! The simulated cluster over HTTP (`TestServer::builder().simulate(..)`):
//! each item of issue 14's "Must show", every test under a hard timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "api/client.rs"]
mod client;

use std::future::Future;
use std::time::{Duration, Instant};

use client::Client;
use client_testserver::{Simulation, TestServer};
use serde_json::{Value, json};

const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";
const RSS: &str = "/apis/apps/v1/namespaces/default/replicasets";
const PODS: &str = "/api/v1/namespaces/default/pods";

/// Runs a test body with a hard timeout.
async fn within<F: Future<Output = ()>>(f: F) {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("test timed out");
}

async fn sim_server(sim: Simulation) -> (TestServer, Client) {
    let s = tokio::time::timeout(
        Duration::from_secs(10),
        TestServer::builder()
            .plain_http()
            .token("t")
            .simulate(sim)
            .start(),
    )
    .await
    .expect("start timed out")
    .expect("start failed");
    let c = Client::new(&s);
    (s, c)
}

/// GETs `path` until `pred` holds (at most 10 s), returning the last body.
async fn until(c: &Client, path: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let r = c.get(path).await;
        let v = if r.status == 200 {
            r.json()
        } else {
            json!({"code": r.status})
        };
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "{path} never got there: {v}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn deployment(name: &str, replicas: i64, image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "main", "image": image}]},
            },
        },
    })
}

fn condition<'a>(obj: &'a Value, t: &str) -> Option<&'a Value> {
    obj["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == t)
}

fn available(d: &Value) -> bool {
    condition(d, "Available").is_some_and(|c| c["status"] == "True")
        && d["status"]["availableReplicas"] == d["spec"]["replicas"]
        && d["status"]["updatedReplicas"] == d["spec"]["replicas"]
        && d["status"]["replicas"] == d["spec"]["replicas"]
        && observed(d)
}

/// Whether the controller has seen the latest spec (a server that keeps
/// no `generation` for built-ins yet has generation 0).
fn observed(d: &Value) -> bool {
    d["status"]["observedGeneration"].as_i64().unwrap_or(-1)
        >= d["metadata"]["generation"].as_i64().unwrap_or(0)
}

fn running_pods(list: &Value, app: &str) -> Vec<Value> {
    items(list)
        .into_iter()
        .filter(|p| p["metadata"]["labels"]["app"] == app)
        .filter(|p| {
            p["status"]["phase"] == "Running" && p["metadata"]["deletionTimestamp"].is_null()
        })
        .collect()
}

#[tokio::test]
async fn deployment_of_three_becomes_available_on_two_nodes() {
    within(async {
        let (_s, c) = sim_server(Simulation::default().nodes(2)).await;
        let nodes = until(&c, "/api/v1/nodes", |v| items(v).len() == 2).await;
        for n in items(&nodes) {
            let ready = n["status"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["type"] == "Ready" && c["status"] == "True");
            assert!(ready, "{n}");
        }
        let r = c.post(DEPLOYS, &deployment("web", 3, "nginx")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let d = until(&c, &format!("{DEPLOYS}/web"), available).await;
        let progressing = condition(&d, "Progressing").unwrap();
        assert_eq!(progressing["reason"], "NewReplicaSetAvailable", "{d}");
        assert_eq!(
            d["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
            "1"
        );
        let rs = items(&c.get(RSS).await.json());
        assert_eq!(rs.len(), 1);
        let hash = rs[0]["metadata"]["labels"]["pod-template-hash"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(rs[0]["metadata"]["name"], format!("web-{hash}"));
        assert_eq!(
            rs[0]["metadata"]["ownerReferences"][0]["uid"],
            d["metadata"]["uid"]
        );
        let pods = c.get(PODS).await.json();
        let running = running_pods(&pods, "web");
        assert_eq!(running.len(), 3, "{pods}");
        let mut nodes_used: Vec<&str> = running
            .iter()
            .map(|p| p["spec"]["nodeName"].as_str().unwrap())
            .collect();
        nodes_used.sort_unstable();
        nodes_used.dedup();
        assert_eq!(
            nodes_used.len(),
            2,
            "spread over both nodes: {nodes_used:?}"
        );
        for p in &running {
            assert_eq!(p["metadata"]["labels"]["pod-template-hash"], hash.as_str());
            assert!(p["status"]["podIP"].is_string(), "{p}");
            assert_eq!(p["status"]["containerStatuses"][0]["ready"], true);
            assert_eq!(condition(p, "Ready").unwrap()["status"], "True");
            assert_eq!(condition(p, "PodScheduled").unwrap()["status"], "True");
            // Each writer is recorded under its own field manager.
            let managers: Vec<&str> = p["metadata"]["managedFields"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|m| m["manager"].as_str())
                .collect();
            assert!(managers.contains(&"replicaset-controller"), "{managers:?}");
            assert!(managers.contains(&"kubelet"), "{managers:?}");
        }
    })
    .await;
}
