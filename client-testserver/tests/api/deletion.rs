//! Deletion semantics over HTTP: pods deleted at once or gracefully,
//! propagation policies and their finalizers, the orphaning default of
//! batch/v1 Jobs and v1 ReplicationControllers, DeleteOptions errors.

use serde_json::{Value, json};

use crate::workloads::{deployment, pod};
use crate::*;

const PODS: &str = "/api/v1/namespaces/default/pods";
const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";
const JOBS: &str = "/apis/batch/v1/namespaces/default/jobs";
const RCS: &str = "/api/v1/namespaces/default/replicationcontrollers";

async fn delete_with(c: &Client, path: &str, options: Value) -> crate::client::Resp {
    c.send(
        "DELETE",
        path,
        Some("application/json"),
        options.to_string().as_bytes(),
    )
    .await
}

async fn bound_pod(c: &Client, name: &str) {
    let r = c.post(PODS, &pod(name, "nginx")).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let binding = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": name},
                         "target": {"apiVersion": "v1", "kind": "Node", "name": "n1"}});
    let r = c.post(&format!("{PODS}/{name}/binding"), &binding).await;
    assert_eq!(r.status, 201, "{}", r.text());
}

#[tokio::test]
async fn unbound_and_finished_pods_go_at_once() {
    within(async {
        let (_s, c) = server().await;
        c.post(PODS, &pod("loose", "nginx")).await;
        let r = c.delete(&format!("{PODS}/loose")).await;
        assert_eq!(r.status, 200);
        assert_eq!(c.get(&format!("{PODS}/loose")).await.status, 404);

        bound_pod(&c, "done").await;
        let mut p = c.get(&format!("{PODS}/done")).await.json();
        p["status"]["phase"] = json!("Succeeded");
        let r = c.put(&format!("{PODS}/done/status"), &p).await;
        assert_eq!(r.status, 200, "{}", r.text());
        c.delete(&format!("{PODS}/done")).await;
        assert_eq!(c.get(&format!("{PODS}/done")).await.status, 404);
    })
    .await;
}

#[tokio::test]
async fn bound_pods_are_deleted_gracefully() {
    within(async {
        let (_s, c) = server().await;
        bound_pod(&c, "p").await;
        let r = c.delete(&format!("{PODS}/p")).await;
        assert_eq!(r.status, 200);
        let p = r.json();
        assert_eq!(p["kind"], "Pod", "the pod, not a Status");
        assert_eq!(p["metadata"]["deletionGracePeriodSeconds"], 30);
        let at: jiff::Timestamp = p["metadata"]["deletionTimestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let ahead = at.duration_since(jiff::Timestamp::now()).as_secs();
        assert!((25..=31).contains(&ahead), "{ahead}s ahead");
        assert_eq!(c.get(&format!("{PODS}/p")).await.status, 200, "still there");
        let t = crate::workloads::table(&c, PODS).await;
        assert_eq!(t["rows"][0]["cells"][2], "Terminating");
        // A shorter grace period moves it closer; zero removes it.
        let r = delete_with(&c, &format!("{PODS}/p"), json!({"gracePeriodSeconds": 5})).await;
        assert_eq!(r.json()["metadata"]["deletionGracePeriodSeconds"], 5);
        let r = delete_with(&c, &format!("{PODS}/p"), json!({"gracePeriodSeconds": 0})).await;
        assert_eq!(r.status, 200);
        assert_eq!(c.get(&format!("{PODS}/p")).await.status, 404);

        // The grace period of the options wins over the pod's.
        bound_pod(&c, "q").await;
        let r = delete_with(&c, &format!("{PODS}/q"), json!({"gracePeriodSeconds": 7})).await;
        assert_eq!(r.json()["metadata"]["deletionGracePeriodSeconds"], 7);
        bound_pod(&c, "z").await;
        delete_with(&c, &format!("{PODS}/z"), json!({"gracePeriodSeconds": 0})).await;
        assert_eq!(c.get(&format!("{PODS}/z")).await.status, 404);

        // A collection delete passes its options to each pod.
        bound_pod(&c, "m1").await;
        bound_pod(&c, "m2").await;
        let r = delete_with(&c, PODS, json!({"gracePeriodSeconds": 3})).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let grace: Vec<Value> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["metadata"]["name"] != "q")
            .map(|p| p["metadata"]["deletionGracePeriodSeconds"].clone())
            .collect();
        assert_eq!(grace, [json!(3), json!(3)]);
    })
    .await;
}

#[tokio::test]
async fn propagation_policies_add_their_finalizers() {
    within(async {
        let (_s, c) = server().await;
        for (name, options, finalizer) in [
            ("fg", json!({"propagationPolicy": "Foreground"}), "foregroundDeletion"),
            ("or", json!({"propagationPolicy": "Orphan"}), "orphan"),
            ("legacy", json!({"orphanDependents": true}), "orphan"),
        ] {
            c.post(DEPLOYS, &deployment(name)).await;
            let r = delete_with(&c, &format!("{DEPLOYS}/{name}"), options).await;
            assert_eq!(r.status, 200, "{}", r.text());
            let d = r.json();
            assert_eq!(d["metadata"]["finalizers"], json!([finalizer]), "{name}");
            assert!(d["metadata"]["deletionTimestamp"].is_string());
            assert_eq!(d["metadata"]["deletionGracePeriodSeconds"], 0);
            assert_eq!(c.get(&format!("{DEPLOYS}/{name}")).await.status, 200);
        }
        c.post(DEPLOYS, &deployment("bg")).await;
        delete_with(&c, &format!("{DEPLOYS}/bg"), json!({"propagationPolicy": "Background"})).await;
        assert_eq!(c.get(&format!("{DEPLOYS}/bg")).await.status, 404);
        c.post(DEPLOYS, &deployment("plain")).await;
        c.delete(&format!("{DEPLOYS}/plain")).await;
        assert_eq!(c.get(&format!("{DEPLOYS}/plain")).await.status, 404, "background by default");

        let r = delete_with(&c, &format!("{DEPLOYS}/fg"), json!({"propagationPolicy": "Foreground", "orphanDependents": true})).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Foreground\": orphanDependents and deletionPropagation cannot be both set"
        );
    })
    .await;
}

#[tokio::test]
async fn jobs_and_replication_controllers_orphan_by_default() {
    within(async {
        let (_s, c) = server().await;
        let job = json!({"metadata": {"name": "j"}, "spec": {"template": {"spec": {"restartPolicy": "Never",
                          "containers": [{"name": "c", "image": "busybox"}]}}}});
        c.post(JOBS, &job).await;
        let r = c.delete(&format!("{JOBS}/j")).await;
        assert_eq!(r.json()["metadata"]["finalizers"], json!(["orphan"]));
        let mut job2 = job.clone();
        job2["metadata"]["name"] = json!("k");
        c.post(JOBS, &job2).await;
        delete_with(&c, &format!("{JOBS}/k"), json!({"propagationPolicy": "Background"})).await;
        assert_eq!(c.get(&format!("{JOBS}/k")).await.status, 404);

        let rc = json!({"metadata": {"name": "rc"}, "spec": {"template": {"metadata": {"labels": {"a": "b"}},
                         "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}});
        let r = c.post(RCS, &rc).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let r = c.delete(&format!("{RCS}/rc")).await;
        assert_eq!(r.json()["metadata"]["finalizers"], json!(["orphan"]));
    })
    .await;
}
