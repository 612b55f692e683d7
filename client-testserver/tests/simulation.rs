//! The simulated cluster over HTTP (`TestServer::builder().simulate(..)`):
//! each item of issue 14's "Must show", every test under a hard timeout.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

// The HTTP client of the API tests; this binary uses part of it.
#[allow(dead_code)]
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
            // kubectl sends no token over plain HTTP.
            .no_auth()
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

async fn create_available(c: &Client, d: Value) -> Value {
    let name = d["metadata"]["name"].as_str().unwrap().to_string();
    let r = c.post(DEPLOYS, &d).await;
    assert_eq!(r.status, 201, "{}", r.text());
    until(c, &format!("{DEPLOYS}/{name}"), available).await
}

#[tokio::test]
async fn scaling_to_five_then_one_converges() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        create_available(&c, deployment("web", 3, "nginx")).await;
        for n in [5, 1] {
            let r = c
                .patch(
                    &format!("{DEPLOYS}/web"),
                    "application/merge-patch+json",
                    &json!({"spec": {"replicas": n}}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
            until(&c, &format!("{DEPLOYS}/web"), |d| {
                d["spec"]["replicas"] == n && available(d)
            })
            .await;
            let pods = until(&c, PODS, |v| items(v).len() == n as usize).await;
            assert_eq!(running_pods(&pods, "web").len(), n as usize);
            let rs = items(&c.get(RSS).await.json());
            assert_eq!(rs.len(), 1, "a scale is not a rollout");
            assert_eq!(rs[0]["spec"]["replicas"], n);
            assert_eq!(rs[0]["status"]["readyReplicas"], n);
        }
    })
    .await;
}

/// Deletes with `DeleteOptions` in the body.
async fn delete_with(c: &Client, path: &str, policy: &str) -> client::Resp {
    let body = json!({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": policy});
    c.send(
        "DELETE",
        path,
        Some("application/json"),
        body.to_string().as_bytes(),
    )
    .await
}

/// Adds a finalizer the way a client does (a merge patch of the list).
async fn add_finalizer(c: &Client, path: &str, finalizer: &str) {
    let obj = c.get(path).await.json();
    let mut list = obj["metadata"]["finalizers"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    list.push(json!(finalizer));
    let r = c
        .patch(
            path,
            "application/merge-patch+json",
            &json!({"metadata": {"finalizers": list}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn background_deletion_takes_replicasets_and_pods() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        create_available(&c, deployment("web", 3, "nginx")).await;
        let r = delete_with(&c, &format!("{DEPLOYS}/web"), "Background").await;
        assert_eq!(r.status, 200, "{}", r.text());
        // Background: the owner goes at once, its dependents after it.
        assert_eq!(c.get(&format!("{DEPLOYS}/web")).await.status, 404);
        until(&c, RSS, |v| items(v).is_empty()).await;
        until(&c, PODS, |v| items(v).is_empty()).await;
    })
    .await;
}

#[tokio::test]
async fn foreground_deletion_waits_for_blocking_dependents() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        create_available(&c, deployment("web", 2, "nginx")).await;
        let rs = items(&c.get(RSS).await.json()).remove(0);
        let rs_path = format!("{RSS}/{}", rs["metadata"]["name"].as_str().unwrap());
        assert_eq!(
            rs["metadata"]["ownerReferences"][0]["blockOwnerDeletion"],
            true
        );
        // A finalizer of the test's own holds the ReplicaSet.
        add_finalizer(&c, &rs_path, "example.com/hold").await;
        // The server adds `foregroundDeletion` itself on a Foreground
        // delete, as kube-apiserver does.
        let r = delete_with(&c, &format!("{DEPLOYS}/web"), "Foreground").await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            r.json()["metadata"]["finalizers"],
            json!(["foregroundDeletion"])
        );
        // The collector deletes the dependent; the owner waits for it.
        until(&c, &rs_path, |v| {
            !v["metadata"]["deletionTimestamp"].is_null()
        })
        .await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let d = c.get(&format!("{DEPLOYS}/web")).await.json();
        assert!(d["metadata"]["deletionTimestamp"].is_string(), "{d}");
        assert_eq!(d["metadata"]["finalizers"], json!(["foregroundDeletion"]));
        // Release the dependent: it goes, then the owner, then the pods.
        let r = c
            .patch(
                &rs_path,
                "application/json-patch+json",
                &json!([{"op": "remove", "path": "/metadata/finalizers"}]),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        until(&c, &format!("{DEPLOYS}/web"), |v| v["code"] == 404).await;
        until(&c, RSS, |v| items(v).is_empty()).await;
        until(&c, PODS, |v| items(v).is_empty()).await;
    })
    .await;
}

#[tokio::test]
async fn orphan_deletion_keeps_dependents_without_the_owner_reference() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        create_available(&c, deployment("web", 3, "nginx")).await;
        // The server adds `orphan` itself on an Orphan delete.
        let r = delete_with(&c, &format!("{DEPLOYS}/web"), "Orphan").await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["metadata"]["finalizers"], json!(["orphan"]));
        until(&c, &format!("{DEPLOYS}/web"), |v| v["code"] == 404).await;
        let rs = until(&c, RSS, |v| {
            items(v).len() == 1
                && items(v)[0]["metadata"]["ownerReferences"]
                    .as_array()
                    .is_none_or(Vec::is_empty)
        })
        .await;
        assert_eq!(items(&rs)[0]["spec"]["replicas"], 3);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let pods = c.get(PODS).await.json();
        assert_eq!(running_pods(&pods, "web").len(), 3, "{pods}");
        // The pods keep their ReplicaSet as owner.
        for p in items(&pods) {
            assert_eq!(p["metadata"]["ownerReferences"][0]["kind"], "ReplicaSet");
        }
    })
    .await;
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn owned_cm(name: &str, ns: &str, owners: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": ns, "ownerReferences": owners}, "data": {"k": "v"}})
}

fn owner_ref(obj: &Value) -> Value {
    json!({"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"]})
}

#[tokio::test]
async fn custom_resource_takes_its_configmap_and_deployment_with_it() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "webapps.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "webapps", "singular": "webapp", "kind": "WebApp"},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}]},
        });
        let r = c.post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", &crd).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let apps = "/apis/example.com/v1/namespaces/default/webapps";
        let cr = until(&c, apps, |v| v["code"].is_null()).await;
        drop(cr);
        let r = c.post(apps, &json!({"apiVersion": "example.com/v1", "kind": "WebApp", "metadata": {"name": "shop"}, "spec": {}})).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let owner = owner_ref(&r.json());
        let r = c.post(CMS, &owned_cm("shop-config", "default", json!([owner]))).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let mut d = deployment("shop", 2, "nginx");
        d["metadata"]["ownerReferences"] = json!([owner]);
        create_available(&c, d).await;
        let r = c.delete(&format!("{apps}/shop")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        until(&c, &format!("{CMS}/shop-config"), |v| v["code"] == 404).await;
        until(&c, &format!("{DEPLOYS}/shop"), |v| v["code"] == 404).await;
        until(&c, PODS, |v| items(v).is_empty()).await;
    })
    .await;
}

#[tokio::test]
async fn dangling_cross_namespace_and_cluster_scoped_owners() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        let r = c.post("/api/v1/namespaces", &json!({"metadata": {"name": "other"}})).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let owner = c.post(CMS, &json!({"metadata": {"name": "owner"}})).await.json();
        let cluster_owner = c
            .post("/apis/rbac.authorization.k8s.io/v1/clusterroles", &json!({"metadata": {"name": "owner"}, "rules": []}))
            .await
            .json();
        let ghost = json!({"apiVersion": "v1", "kind": "ConfigMap", "name": "ghost", "uid": "00000000-0000-4000-a000-000000000000"});
        // An owner that never existed: the dependent goes.
        c.post(CMS, &owned_cm("dangling", "default", json!([ghost]))).await;
        // A namespaced owner in another namespace is absent for it.
        let other_cms = "/api/v1/namespaces/other/configmaps";
        c.post(other_cms, &owned_cm("cross", "other", json!([owner_ref(&owner)]))).await;
        // A cluster-scoped owner may own namespaced dependents.
        c.post(CMS, &owned_cm("by-cluster", "default", json!([owner_ref(&cluster_owner)]))).await;
        // A cluster-scoped dependent naming a namespaced owner, and one
        // naming a kind nobody serves: kube's collector leaves both alone.
        let roles = "/apis/rbac.authorization.k8s.io/v1/clusterroles";
        let invalid = json!({"metadata": {"name": "invalid", "ownerReferences": [ghost]}, "rules": []});
        assert_eq!(c.post(roles, &invalid).await.status, 201);
        let unknown = json!({"apiVersion": "nowhere.example.com/v1", "kind": "Thing", "name": "t", "uid": "00000000-0000-4000-a000-000000000001"});
        c.post(CMS, &owned_cm("unresolvable", "default", json!([unknown]))).await;
        // One present owner and one absent: the absent reference goes.
        c.post(CMS, &owned_cm("mixed", "default", json!([owner_ref(&owner), ghost]))).await;
        until(&c, &format!("{CMS}/dangling"), |v| v["code"] == 404).await;
        until(&c, &format!("{other_cms}/cross"), |v| v["code"] == 404).await;
        let mixed = until(&c, &format!("{CMS}/mixed"), |v| v["metadata"]["ownerReferences"].as_array().is_some_and(|a| a.len() == 1)).await;
        assert_eq!(mixed["metadata"]["ownerReferences"][0]["uid"], owner["metadata"]["uid"]);
        assert_eq!(c.get(&format!("{CMS}/by-cluster")).await.status, 200);
        assert_eq!(c.get(&format!("{roles}/invalid")).await.status, 200);
        assert_eq!(c.get(&format!("{CMS}/unresolvable")).await.status, 200);
        // Owners are matched by UID: a new owner of the same name owns nothing.
        assert_eq!(c.delete(&format!("{CMS}/owner")).await.status, 200);
        c.post(CMS, &json!({"metadata": {"name": "owner"}})).await;
        until(&c, &format!("{CMS}/mixed"), |v| v["code"] == 404).await;
        assert_eq!(c.delete("/apis/rbac.authorization.k8s.io/v1/clusterroles/owner").await.status, 200);
        until(&c, &format!("{CMS}/by-cluster"), |v| v["code"] == 404).await;
    })
    .await;
}

#[tokio::test]
async fn an_unschedulable_pod_reports_why() {
    within(async {
        let (_s, c) = sim_server(Simulation::default().nodes(2).node_capacity("2", "4Gi", 110)).await;
        until(&c, "/api/v1/nodes", |v| items(v).len() == 2).await;
        let picky = json!({"metadata": {"name": "picky"}, "spec": {"nodeSelector": {"disktype": "ssd"},
            "containers": [{"name": "c", "image": "nginx"}]}});
        let greedy = json!({"metadata": {"name": "greedy"}, "spec": {
            "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "3"}}}]}});
        for p in [&picky, &greedy] {
            let r = c.post(PODS, p).await;
            assert_eq!(r.status, 201, "{}", r.text());
        }
        let unscheduled = |v: &Value| condition(v, "PodScheduled").is_some_and(|c| c["status"] == "False");
        let p = until(&c, &format!("{PODS}/picky"), unscheduled).await;
        let cond = condition(&p, "PodScheduled").unwrap();
        assert_eq!(cond["reason"], "Unschedulable");
        assert_eq!(
            cond["message"],
            "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
        );
        assert_eq!(p["status"]["phase"], "Pending");
        // And a Warning Event, as `kubectl describe pod` shows it.
        let events = until(&c, "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dpicky", |v| !items(v).is_empty()).await;
        let e = &items(&events)[0];
        assert_eq!(e["reason"], "FailedScheduling");
        assert_eq!(e["type"], "Warning");
        assert_eq!(e["message"], cond["message"]);
        assert_eq!(e["source"]["component"], "default-scheduler");
        let g = until(&c, &format!("{PODS}/greedy"), unscheduled).await;
        assert_eq!(
            condition(&g, "PodScheduled").unwrap()["message"],
            "0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
        );
        // A node that fits (labelled by hand) gets the pod.
        let r = c
            .patch("/api/v1/nodes/sim-node-1", "application/merge-patch+json", &json!({"metadata": {"labels": {"disktype": "ssd"}}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let p = until(&c, &format!("{PODS}/picky"), |v| v["status"]["phase"] == "Running").await;
        assert_eq!(p["spec"]["nodeName"], "sim-node-1");
    })
    .await;
}

const JOBS: &str = "/apis/batch/v1/namespaces/default/jobs";

fn job(name: &str, completions: i64, parallelism: i64, backoff: i64, labels: Value) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "completions": completions, "parallelism": parallelism, "backoffLimit": backoff,
            "template": {
                "metadata": {"labels": labels},
                "spec": {"restartPolicy": "Never", "containers": [{"name": "work", "image": "busybox"}]},
            },
        },
    })
}

#[tokio::test]
async fn a_job_completes_and_a_failing_one_hits_its_backoff_limit() {
    within(async {
        let sim = Simulation::default().job_pod_duration(Duration::from_millis(50));
        let (_s, c) = sim_server(sim).await;
        let r = c
            .post(JOBS, &job("batch", 3, 2, 6, json!({"app": "batch"})))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let j = until(&c, &format!("{JOBS}/batch"), |j| {
            condition(j, "Complete").is_some()
        })
        .await;
        let complete = condition(&j, "Complete").unwrap();
        assert_eq!(complete["status"], "True");
        assert_eq!(complete["reason"], "CompletionsReached");
        assert_eq!(
            complete["message"],
            "Reached expected number of succeeded pods"
        );
        assert_eq!(
            condition(&j, "SuccessCriteriaMet").unwrap()["status"],
            "True"
        );
        assert_eq!(j["status"]["succeeded"], 3, "{j}");
        assert_eq!(j["status"]["failed"], 0);
        assert_eq!(j["status"]["active"], 0);
        assert!(j["status"]["startTime"].is_string() && j["status"]["completionTime"].is_string());
        let pods = items(
            &c.get(&format!("{PODS}?labelSelector=job-name%3Dbatch"))
                .await
                .json(),
        );
        assert_eq!(pods.len(), 3);
        for p in &pods {
            assert_eq!(p["status"]["phase"], "Succeeded");
            assert_eq!(
                p["status"]["containerStatuses"][0]["state"]["terminated"]["reason"],
                "Completed"
            );
        }
        // Pods labelled to fail: backoffLimit 1 allows two failures.
        let failing = json!({"app": "bad", client_testserver::FAIL_LABEL: "true"});
        let r = c.post(JOBS, &job("bad", 1, 1, 1, failing)).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let j = until(&c, &format!("{JOBS}/bad"), |j| {
            condition(j, "Failed").is_some()
        })
        .await;
        let failed = condition(&j, "Failed").unwrap();
        assert_eq!(failed["reason"], "BackoffLimitExceeded");
        assert_eq!(
            failed["message"],
            "Job has reached the specified backoff limit"
        );
        assert_eq!(j["status"]["failed"], 2, "{j}");
        assert_eq!(j["status"]["succeeded"], 0);
    })
    .await;
}

#[tokio::test]
async fn a_cronjob_makes_a_job_on_schedule() {
    within(async {
        // The simulated clock starts 300 ms before a minute boundary, so
        // `* * * * *` is due almost at once.
        // The server stamps creationTimestamp with the real time, so the
        // CronJob must be created before the real clock reaches the same
        // boundary: at least two seconds before it.
        let real_secs = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs_f64()
        };
        if 60.0 - real_secs() % 60.0 < 2.0 {
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
        let boundary = (real_secs() / 60.0).floor() * 60.0 + 60.0;
        let start = std::time::UNIX_EPOCH + Duration::from_secs_f64(boundary - 0.3);
        let (_s, c) = sim_server(Simulation::default().start_time(start)).await;
        let cj = json!({
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "tick"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "restartPolicy": "OnFailure", "containers": [{"name": "c", "image": "busybox"}]}}}}},
        });
        let r = c.post("/apis/batch/v1/namespaces/default/cronjobs", &cj).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let jobs = until(&c, JOBS, |v| !items(v).is_empty()).await;
        let job = &items(&jobs)[0];
        let minute = boundary as i64 / 60;
        assert_eq!(job["metadata"]["name"], format!("tick-{minute}"));
        assert_eq!(job["metadata"]["ownerReferences"][0]["kind"], "CronJob");
        let stamp = job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"].clone();
        let cj = until(&c, "/apis/batch/v1/namespaces/default/cronjobs/tick", |v| {
            v["status"]["lastSuccessfulTime"].is_string() && v["status"]["active"].is_null()
        })
        .await;
        assert_eq!(cj["status"]["lastScheduleTime"], stamp);
        until(&c, &format!("{JOBS}/tick-{minute}"), |j| condition(j, "Complete").is_some()).await;
    })
    .await;
}

#[tokio::test]
async fn endpointslices_follow_readiness() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}});
        let r = c.post("/api/v1/namespaces/default/services", &svc).await;
        assert_eq!(r.status, 201, "{}", r.text());
        create_available(&c, deployment("web", 2, "nginx")).await;
        let slices = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb";
        let ready_count = |v: &Value, want_ready: usize, want_all: usize| {
            let Some(s) = items(v).first().cloned() else { return false };
            let eps = s["endpoints"].as_array().cloned().unwrap_or_default();
            eps.len() == want_all && eps.iter().filter(|e| e["conditions"]["ready"] == true).count() == want_ready
        };
        let v = until(&c, slices, |v| ready_count(v, 2, 2)).await;
        let slice = &items(&v)[0];
        assert_eq!(slice["addressType"], "IPv4");
        assert_eq!(slice["ports"], json!([{"name": "http", "port": 8080, "protocol": "TCP"}]));
        assert_eq!(slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"], "endpointslice-controller.k8s.io");
        assert_eq!(slice["metadata"]["ownerReferences"][0]["kind"], "Service");
        for e in slice["endpoints"].as_array().unwrap() {
            assert_eq!(e["targetRef"]["kind"], "Pod");
            assert!(e["addresses"][0].as_str().unwrap().starts_with("10."), "{e}");
        }
        // A crash-looping pod is listed, not ready.
        let crashy = json!({"metadata": {"name": "crashy", "labels": {"app": "web", client_testserver::FAIL_LABEL: "yes"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        assert_eq!(c.post(PODS, &crashy).await.status, 201);
        until(&c, slices, |v| ready_count(v, 2, 3)).await;
        let p = c.get(&format!("{PODS}/crashy")).await.json();
        assert_eq!(p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"], "CrashLoopBackOff");
        // A pod whose readiness drops (as a failed probe would report it)
        // stays in the slice, not ready.
        let pods = c.get(&format!("{PODS}?labelSelector=app%3Dweb")).await.json();
        let mut web = items(&pods).into_iter().find(|p| p["metadata"]["name"] != "crashy").unwrap();
        let name = web["metadata"]["name"].as_str().unwrap().to_string();
        for cond in web["status"]["conditions"].as_array_mut().unwrap() {
            if cond["type"] == "Ready" {
                cond["status"] = json!("False");
            }
        }
        let r = c.put(&format!("{PODS}/{name}/status"), &web).await;
        assert_eq!(r.status, 200, "{}", r.text());
        until(&c, slices, |v| ready_count(v, 1, 3)).await;
        // A deleted pod leaves the slice.
        assert_eq!(c.delete(&format!("{PODS}/crashy")).await.status, 200);
        until(&c, slices, |v| ready_count(v, 1, 2)).await;
    })
    .await;
}

#[tokio::test]
async fn statefulset_pods_are_ordered_with_stable_names() {
    within(async {
        let sim = Simulation::default().pod_startup_delay(Duration::from_millis(30));
        let (_s, c) = sim_server(sim).await;
        let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
            "spec": {"replicas": 3, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}},
                "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "c", "image": "postgres"}]}}}});
        let path = "/apis/apps/v1/namespaces/default/statefulsets";
        let mut w = c.watch(&format!("{PODS}?watch=true")).await;
        assert_eq!(c.post(path, &sts).await.status, 201);
        // From the watch: each pod appears only once the one before it is Ready.
        let mut ready = std::collections::BTreeSet::new();
        let mut added = Vec::new();
        while ready.len() < 3 {
            let ev = w.next_within(Duration::from_secs(10)).await.expect("watch ended");
            let name = ev["object"]["metadata"]["name"].as_str().unwrap().to_string();
            if ev["type"] == "ADDED" {
                let ordinal: usize = name.trim_start_matches("db-").parse().unwrap();
                assert_eq!(ordinal, added.len(), "created in order: {added:?} then {name}");
                if ordinal > 0 {
                    assert!(ready.contains(&format!("db-{}", ordinal - 1)), "{name} before its predecessor was Ready");
                }
                added.push(name.clone());
            }
            if condition(&ev["object"], "Ready").is_some_and(|c| c["status"] == "True") {
                ready.insert(name);
            }
        }
        let s = until(&c, &format!("{path}/db"), |s| s["status"]["readyReplicas"] == 3).await;
        assert_eq!(s["status"]["currentRevision"], s["status"]["updateRevision"]);
        let p = c.get(&format!("{PODS}/db-1")).await.json();
        assert_eq!(p["spec"]["hostname"], "db-1");
        assert_eq!(p["spec"]["subdomain"], "db");
        assert_eq!(p["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"], "db-1");
        // Scaling down removes the highest ordinal first.
        let r = c.patch(&format!("{path}/db"), "application/merge-patch+json", &json!({"spec": {"replicas": 1}})).await;
        assert_eq!(r.status, 200);
        let mut gone = Vec::new();
        while gone.len() < 2 {
            let ev = w.next_within(Duration::from_secs(10)).await.expect("watch ended");
            if ev["type"] == "DELETED" {
                gone.push(ev["object"]["metadata"]["name"].as_str().unwrap().to_string());
            }
        }
        assert_eq!(gone, ["db-2", "db-1"]);
        let pods = c.get(PODS).await.json();
        assert_eq!(items(&pods).len(), 1);
        assert_eq!(items(&pods)[0]["metadata"]["name"], "db-0");
    })
    .await;
}

#[tokio::test]
async fn daemonset_runs_one_pod_per_eligible_node() {
    within(async {
        let (_s, c) = sim_server(Simulation::default().nodes(3)).await;
        until(&c, "/api/v1/nodes", |v| items(v).len() == 3).await;
        let ds = json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "c", "image": "agent"}]}}}});
        let path = "/apis/apps/v1/namespaces/default/daemonsets";
        assert_eq!(c.post(path, &ds).await.status, 201);
        let d = until(&c, &format!("{path}/agent"), |d| d["status"]["numberReady"] == 3).await;
        assert_eq!(d["status"]["desiredNumberScheduled"], 3);
        let pods = c.get(PODS).await.json();
        let mut sorted: Vec<String> = items(&pods).iter().map(|p| p["spec"]["nodeName"].as_str().unwrap().to_string()).collect();
        sorted.sort();
        assert_eq!(sorted, ["sim-node-0", "sim-node-1", "sim-node-2"]);
        // A node the template does not tolerate loses its pod.
        let r = c
            .patch("/api/v1/nodes/sim-node-2", "application/merge-patch+json", &json!({"spec": {"taints": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let d = until(&c, &format!("{path}/agent"), |d| d["status"]["desiredNumberScheduled"] == 2).await;
        assert_eq!(d["status"]["numberReady"], 2);
        until(&c, PODS, |v| items(v).len() == 2).await;
    })
    .await;
}

/// kubectl with its own HOME and cache, every command killed after 20 s.
struct Kubectl {
    dir: tempfile::TempDir,
}

struct Ran {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Kubectl {
    fn new(kubeconfig: &str) -> Kubectl {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("kubeconfig"), kubeconfig).unwrap();
        Kubectl { dir }
    }

    async fn run(&self, args: &[&str]) -> Ran {
        let mut cmd = std::process::Command::new("kubectl");
        cmd.env_clear()
            .env("HOME", self.dir.path())
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .arg("--kubeconfig")
            .arg(self.dir.path().join("kubeconfig"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().expect("kubectl runs");
        let pid = child.id();
        let out = tokio::time::timeout(
            Duration::from_secs(20),
            tokio::task::spawn_blocking(move || child.wait_with_output()),
        )
        .await;
        match out {
            Ok(Ok(Ok(o))) => Ran {
                ok: o.status.success(),
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            },
            _ => {
                let _ = std::process::Command::new("kill")
                    .arg("-9")
                    .arg(pid.to_string())
                    .status();
                panic!("kubectl {args:?} timed out");
            }
        }
    }

    async fn ok(&self, args: &[&str]) -> String {
        let r = self.run(args).await;
        assert!(r.ok, "kubectl {args:?} failed: {}{}", r.stdout, r.stderr);
        r.stdout
    }
}

/// Ready pods of `app` from a pod watch's events, by name.
fn ready_from_watch(ready: &mut std::collections::BTreeMap<String, bool>, ev: &Value) -> usize {
    let pod = &ev["object"];
    let name = pod["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let is_ready = ev["type"] != "DELETED"
        && pod["metadata"]["deletionTimestamp"].is_null()
        && condition(pod, "Ready").is_some_and(|c| c["status"] == "True");
    ready.insert(name, is_ready);
    ready.values().filter(|r| **r).count()
}

#[tokio::test]
async fn kubectl_set_image_rolls_out_without_dropping_below_three_ready() {
    within(async {
        let (s, c) = sim_server(Simulation::default()).await;
        let mut d = deployment("web", 3, "nginx:1.26");
        d["spec"]["strategy"] =
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}});
        create_available(&c, d).await;
        let list = c
            .get(&format!("{PODS}?labelSelector=app%3Dweb"))
            .await
            .json();
        let rv = list["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .to_string();
        let mut ready = std::collections::BTreeMap::new();
        for p in items(&list) {
            let n = ready_from_watch(&mut ready, &json!({"type": "ADDED", "object": p}));
            assert!(n <= 3);
        }
        assert_eq!(ready.values().filter(|r| **r).count(), 3);
        let mut w = c
            .watch(&format!(
                "{PODS}?watch=true&labelSelector=app%3Dweb&resourceVersion={rv}"
            ))
            .await;
        let k = Kubectl::new(&s.kubeconfig());
        k.ok(&["set", "image", "deployment/web", "main=nginx:1.27"])
            .await;
        let mut lowest = 3;
        let done = |ready: &std::collections::BTreeMap<String, bool>| {
            ready.len() == 3 && ready.values().all(|r| *r)
        };
        let mut events = 0;
        let mut new_hash_seen = false;
        loop {
            let ev = w
                .next_within(Duration::from_secs(10))
                .await
                .expect("watch ended");
            events += 1;
            if ev["type"] == "DELETED" {
                ready.remove(ev["object"]["metadata"]["name"].as_str().unwrap());
            } else {
                ready_from_watch(&mut ready, &ev);
            }
            if ev["object"]["spec"]["containers"][0]["image"] == "nginx:1.27" {
                new_hash_seen = true;
            }
            let n = ready.values().filter(|r| **r).count();
            lowest = lowest.min(n);
            assert!(n >= 3, "only {n} ready pods after event {events}: {ev}");
            if new_hash_seen && done(&ready) {
                let d = c.get(&format!("{DEPLOYS}/web")).await.json();
                if available(&d)
                    && d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2"
                {
                    break;
                }
            }
        }
        assert_eq!(lowest, 3);
        let pods = c
            .get(&format!("{PODS}?labelSelector=app%3Dweb"))
            .await
            .json();
        for p in items(&pods) {
            assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.27", "{p}");
        }
        let rs = items(&c.get(RSS).await.json());
        assert_eq!(rs.len(), 2, "the old ReplicaSet is kept, scaled to 0");
        let old = rs
            .iter()
            .find(|r| r["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1")
            .unwrap();
        assert_eq!(old["spec"]["replicas"], 0);
        let out = k
            .ok(&["rollout", "status", "deployment/web", "--timeout=5s"])
            .await;
        assert!(out.contains("successfully rolled out"), "{out}");
    })
    .await;
}

/// The binary with `--simulate`, killed when dropped.
struct Binary {
    child: std::process::Child,
    kubeconfig: String,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_binary(args: &[&str]) -> Binary {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kubeconfig");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_client-testserver"))
        .args(["--listen", "127.0.0.1:0", "--kubeconfig-out"])
        .arg(&path)
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::time::timeout(
        Duration::from_secs(10),
        tokio::task::spawn_blocking(move || {
            let mut l = String::new();
            std::io::BufReader::new(stdout).read_line(&mut l).map(|_| l)
        }),
    )
    .await;
    let line = match line {
        Ok(Ok(Ok(l))) => l,
        _ => {
            let _ = child.kill();
            panic!("the binary did not start");
        }
    };
    assert!(line.starts_with("listening on https://"), "{line}");
    let kubeconfig = std::fs::read_to_string(&path).unwrap();
    Binary { child, kubeconfig }
}

/// `kubectl create deployment web --image=nginx --replicas=3` (a protobuf
/// body, which the server decodes).
async fn create_deployment(k: &Kubectl) {
    k.ok(&[
        "create",
        "deployment",
        "web",
        "--image=nginx",
        "--replicas=3",
    ])
    .await;
}

#[tokio::test]
async fn kubectl_against_the_simulating_binary() {
    within(async {
        let bin = start_binary(&["--simulate", "--nodes", "2"]).await;
        let k = Kubectl::new(&bin.kubeconfig);
        let ready = k
            .ok(&[
                "get",
                "nodes",
                "-o",
                r#"jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}"#,
            ])
            .await;
        assert_eq!(ready, "True True");
        create_deployment(&k).await;
        let started = Instant::now();
        let out = k
            .ok(&["rollout", "status", "deployment/web", "--timeout=5s"])
            .await;
        assert!(out.contains("successfully rolled out"), "{out}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
        let pods = k.ok(&["get", "pods"]).await;
        assert_eq!(pods.lines().count(), 4, "a header and 3 pods: {pods}");
        let running = pods.lines().skip(1).filter(|l| {
            l.split_whitespace().nth(1) == Some("1/1")
                && l.split_whitespace().nth(2) == Some("Running")
        });
        assert_eq!(running.count(), 3, "{pods}");
        let phases = k
            .ok(&["get", "pods", "-o", "jsonpath={.items[*].status.phase}"])
            .await;
        assert_eq!(phases, "Running Running Running", "{pods}");
        k.ok(&["delete", "deployment", "web"]).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = k.ok(&["get", "pods", "-o", "name"]).await;
            if left.trim().is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "pods left: {left}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn the_binary_without_simulate_runs_no_controllers() {
    within(async {
        let bin = start_binary(&[]).await;
        let k = Kubectl::new(&bin.kubeconfig);
        create_deployment(&k).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(k.ok(&["get", "nodes", "-o", "name"]).await.trim(), "");
        assert_eq!(k.ok(&["get", "replicasets", "-o", "name"]).await.trim(), "");
    })
    .await;
}

/// A field of `/proc/self/status` in MiB.
fn proc_status_mib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0)
        / 1024
}

/// User plus system CPU time of this process, in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    field(11) + field(12)
}

/// Time from POST to Available for a Deployment, GETting it every 5 ms.
async fn time_to_available(c: &Client, d: Value) -> Duration {
    let name = d["metadata"]["name"].as_str().unwrap().to_string();
    let started = Instant::now();
    assert_eq!(c.post(DEPLOYS, &d).await.status, 201);
    loop {
        let v = c.get(&format!("{DEPLOYS}/{name}")).await.json();
        if available(&v) {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{v}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Figures for the closing note (run in release with `--ignored
/// --nocapture`): a Deployment of 3 Available with zero delays, 1,000
/// replicas on 100 nodes (time and RSS), CPU of the idle simulation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, run by hand"]
async fn figures() {
    let (_s, c) = sim_server(Simulation::default().nodes(2)).await;
    until(&c, "/api/v1/nodes", |v| items(v).len() == 2).await;
    let mut three = Vec::new();
    for i in 0..5 {
        three.push(time_to_available(&c, deployment(&format!("three-{i}"), 3, "nginx")).await);
    }
    println!("deployment of 3 to Available: {three:?}");
    drop((_s, c));

    let rss_before = proc_status_mib("VmRSS:");
    let (_s, c) = sim_server(Simulation::default().nodes(100)).await;
    until(&c, "/api/v1/nodes?limit=1", |v| !items(v).is_empty()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let big = time_to_available(&c, deployment("big", 1000, "nginx")).await;
    let pods = items(&c.get(PODS).await.json());
    let running = pods
        .iter()
        .filter(|p| p["status"]["phase"] == "Running")
        .count();
    let mut per_node = std::collections::BTreeMap::new();
    for p in &pods {
        *per_node
            .entry(p["spec"]["nodeName"].as_str().unwrap_or("").to_string())
            .or_insert(0) += 1;
    }
    println!(
        "1,000 replicas on 100 nodes: Available after {big:?}; {running} Running on {} nodes ({:?}..{:?} per node); RSS {} MiB (was {rss_before} MiB before the server, peak {} MiB)",
        per_node.len(),
        per_node.values().min(),
        per_node.values().max(),
        proc_status_mib("VmRSS:"),
        proc_status_mib("VmHWM:"),
    );
    assert_eq!(running, 1000);

    // Idle: nothing changes for 10 s.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = cpu_ticks();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let ticks = cpu_ticks() - before;
    println!(
        "idle simulation (1,000 pods, 100 nodes) over 10 s: {ticks} CPU ticks (1 tick = 10 ms)"
    );
}

#[tokio::test]
async fn the_simulation_relists_when_the_history_moves_past_it() {
    within(async {
        // A history of 5 events: creating 20 pods in one pass overruns it
        // before the dispatcher reads it, which then starts over from a
        // list, as a watcher does after 410 Expired.
        let s = TestServer::builder()
            .plain_http()
            .no_auth()
            .history_size(5)
            .simulate(Simulation::default())
            .start()
            .await
            .unwrap();
        let c = Client::new(&s);
        create_available(&c, deployment("web", 20, "nginx")).await;
        let r = c
            .post("/__testserver/faults", &json!({"compact": true}))
            .await;
        assert!(r.status < 300, "{}", r.text());
        let r = c
            .patch(
                &format!("{DEPLOYS}/web"),
                "application/merge-patch+json",
                &json!({"spec": {"replicas": 4}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        until(&c, &format!("{DEPLOYS}/web"), |d| {
            d["spec"]["replicas"] == 4 && available(d)
        })
        .await;
        let pods = until(&c, PODS, |v| items(v).len() == 4).await;
        assert_eq!(running_pods(&pods, "web").len(), 4);
    })
    .await;
}

#[tokio::test]
async fn recreate_stops_every_old_pod_before_starting_new_ones() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        let mut d = deployment("web", 3, "nginx:1.26");
        d["spec"]["strategy"] = json!({"type": "Recreate"});
        create_available(&c, d).await;
        let list = c.get(&format!("{PODS}?labelSelector=app%3Dweb")).await.json();
        let rv = list["metadata"]["resourceVersion"].as_str().unwrap().to_string();
        let mut old: std::collections::BTreeSet<String> =
            items(&list).iter().map(|p| p["metadata"]["name"].as_str().unwrap().to_string()).collect();
        let mut w = c.watch(&format!("{PODS}?watch=true&labelSelector=app%3Dweb&resourceVersion={rv}")).await;
        let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]}}}});
        let r = c.patch(&format!("{DEPLOYS}/web"), "application/merge-patch+json", &patch).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let mut new = 0;
        while new < 3 {
            let ev = w.next_within(Duration::from_secs(10)).await.expect("watch ended");
            let name = ev["object"]["metadata"]["name"].as_str().unwrap().to_string();
            match ev["type"].as_str() {
                Some("DELETED") => {
                    old.remove(&name);
                }
                Some("ADDED") => {
                    assert!(old.is_empty(), "{name} created while old pods remain: {old:?}");
                    new += 1;
                }
                _ => {}
            }
        }
        let d = until(&c, &format!("{DEPLOYS}/web"), available).await;
        assert_eq!(d["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");
        let progressing = condition(&d, "Progressing").unwrap();
        assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    })
    .await;
}

#[tokio::test]
async fn deleting_a_namespace_with_running_workloads_completes() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        assert_eq!(c.post("/api/v1/namespaces", &json!({"metadata": {"name": "team"}})).await.status, 201);
        let deploys = "/apis/apps/v1/namespaces/team/deployments";
        assert_eq!(c.post(deploys, &deployment("web", 3, "nginx")).await.status, 201);
        until(&c, &format!("{deploys}/web"), available).await;
        let svc = json!({"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}});
        assert_eq!(c.post("/api/v1/namespaces/team/services", &svc).await.status, 201);
        // The controllers keep acting while the namespace empties; their
        // creates are refused in a terminating namespace, and it goes.
        assert_eq!(c.delete("/api/v1/namespaces/team").await.status, 200);
        until(&c, "/api/v1/namespaces/team", |v| v["code"] == 404).await;
        assert!(items(&c.get("/api/v1/namespaces/team/pods").await.json()).is_empty());
    })
    .await;
}

#[tokio::test]
async fn crashing_pods_make_a_deployment_exceed_its_progress_deadline() {
    within(async {
        let (_s, c) = sim_server(Simulation::default()).await;
        let mut d = deployment("crashy", 2, "nginx");
        d["spec"]["progressDeadlineSeconds"] = json!(1);
        d["spec"]["template"]["metadata"]["labels"][client_testserver::FAIL_LABEL] = json!("true");
        assert_eq!(c.post(DEPLOYS, &d).await.status, 201);
        let d = until(&c, &format!("{DEPLOYS}/crashy"), |d| {
            condition(d, "Progressing").is_some_and(|c| c["status"] == "False")
        })
        .await;
        let progressing = condition(&d, "Progressing").unwrap();
        assert_eq!(progressing["reason"], "ProgressDeadlineExceeded");
        let rs = items(&c.get(RSS).await.json()).remove(0);
        assert_eq!(
            progressing["message"],
            format!(
                "ReplicaSet \"{}\" has timed out progressing.",
                rs["metadata"]["name"].as_str().unwrap()
            )
        );
        let available = condition(&d, "Available").unwrap();
        assert_eq!(available["status"], "False");
        assert_eq!(available["reason"], "MinimumReplicasUnavailable");
        assert_eq!(d["status"]["unavailableReplicas"], 2);
        let pods = c.get(PODS).await.json();
        for p in items(&pods) {
            assert_eq!(p["status"]["phase"], "Running");
            assert_eq!(p["status"]["containerStatuses"][0]["ready"], false);
        }
    })
    .await;
}
