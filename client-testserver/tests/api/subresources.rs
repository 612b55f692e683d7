//! Subresources of the built-in kinds with kube's semantics, and the verbs
//! a resource does not serve (405).

use serde_json::{Value, json};

use crate::{assert_status, server, within};

const PODS: &str = "/api/v1/namespaces/default/pods";

fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "web"}},
           "spec": {"containers": [{"name": "app", "image": "nginx"}, {"name": "side", "image": "busybox"}]}})
}

const NOT_ALLOWED: &str = "the server does not allow this method on the requested resource";

#[tokio::test]
async fn verbs_a_resource_does_not_serve_are_405() {
    within(async {
        let (_s, c) = server().await;
        let r = c.get("/api/v1/namespaces/default/bindings").await;
        assert_status(&r, 405, "MethodNotAllowed", NOT_ALLOWED);
        let r = c.delete("/api/v1/componentstatuses/etcd-0").await;
        assert_status(&r, 405, "MethodNotAllowed", NOT_ALLOWED);
        let r = c
            .get("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
            .await;
        assert_status(&r, 405, "MethodNotAllowed", NOT_ALLOWED);
        // namespaces serve no deletecollection
        let r = c.delete("/api/v1/namespaces").await;
        assert_status(&r, 405, "MethodNotAllowed", NOT_ALLOWED);
        assert_eq!(c.post(PODS, &pod("p")).await.status, 201);
        let r = c.delete(&format!("{PODS}/p/status")).await;
        assert_status(&r, 405, "MethodNotAllowed", NOT_ALLOWED);
        let r = c.get(&format!("{PODS}/p/nope")).await;
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
async fn binding_sets_the_node_once() {
    within(async {
        let (_s, c) = server().await;
        assert_eq!(c.post(PODS, &pod("p")).await.status, 201);
        let binding = json!({"apiVersion": "v1", "kind": "Binding",
            "metadata": {"name": "p", "annotations": {"scheduled-by": "test"}},
            "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"}});
        let r = c.post(&format!("{PODS}/p/binding"), &binding).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["status"], "Success");
        let p = c.get(&format!("{PODS}/p")).await.json();
        assert_eq!(p["spec"]["nodeName"], "node-1");
        assert_eq!(p["metadata"]["annotations"]["scheduled-by"], "test");
        let cond = &p["status"]["conditions"][0];
        assert_eq!((cond["type"].as_str(), cond["status"].as_str()), (Some("PodScheduled"), Some("True")));
        let r = c.post(&format!("{PODS}/p/binding"), &binding).await;
        assert_status(
            &r,
            409,
            "Conflict",
            "Operation cannot be fulfilled on pods \"p\": pod p is already assigned to node \"node-1\"",
        );
        // The bindings resource does the same, by the Binding's name.
        assert_eq!(c.post(PODS, &pod("q")).await.status, 201);
        let mut b2 = binding.clone();
        b2["metadata"]["name"] = json!("q");
        let r = c.post("/api/v1/namespaces/default/bindings", &b2).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(c.get(&format!("{PODS}/q")).await.json()["spec"]["nodeName"], "node-1");
        let mut bad = binding.clone();
        bad["target"] = json!({"kind": "Pod"});
        bad["metadata"]["name"] = json!("q");
        let r = c.post(&format!("{PODS}/q/binding"), &bad).await;
        assert_eq!(r.status, 422, "{}", r.text());
        assert_eq!(
            r.json()["message"],
            "Binding \"q\" is invalid: [target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\", target.name: Required value]"
        );
    })
    .await;
}

#[tokio::test]
async fn eviction_deletes_unless_a_budget_forbids() {
    within(async {
        let (_s, c) = server().await;
        assert_eq!(c.post(PODS, &pod("p")).await.status, 201);
        let ev = |n: &str| json!({"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": n}});
        let r = c.post(&format!("{PODS}/p/eviction"), &ev("other")).await;
        assert_status(&r, 400, "BadRequest", "name in URL does not match name in Eviction object");
        // A Running pod under a budget with no disruptions allowed stays.
        let r = c
            .patch(&format!("{PODS}/p/status"), "application/merge-patch+json", &json!({"status": {"phase": "Running"}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}});
        let pdbs = "/apis/policy/v1/namespaces/default/poddisruptionbudgets";
        assert_eq!(c.post(pdbs, &pdb).await.status, 201);
        let r = c.post(&format!("{PODS}/p/eviction"), &ev("p")).await;
        assert_status(&r, 429, "TooManyRequests", "Cannot evict pod as it would violate the pod's disruption budget.");
        assert_eq!(
            r.json()["details"]["causes"][0]["message"],
            "The disruption budget web is still being processed by the server."
        );
        // Once the budget allows one disruption, the eviction spends it.
        let status = json!({"status": {"observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 1, "desiredHealthy": 1, "expectedPods": 1}});
        let r = c.patch(&format!("{pdbs}/web/status"), "application/merge-patch+json", &status).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let r = c.post(&format!("{PODS}/p/eviction"), &ev("p")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(c.get(&format!("{PODS}/p")).await.status, 404);
        let after = c.get(&format!("{pdbs}/web")).await.json();
        assert_eq!(after["status"]["disruptionsAllowed"], 0);
        assert!(after["status"]["disruptedPods"]["p"].is_string());
        // A Pending pod ignores budgets.
        assert_eq!(c.post(PODS, &pod("pending")).await.status, 201);
        let r = c.post(&format!("{PODS}/pending/eviction"), &ev("pending")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(c.get(&format!("{PODS}/pending")).await.status, 404);
    })
    .await;
}

#[tokio::test]
async fn ephemeral_containers_log_and_resize() {
    within(async {
        let (_s, c) = server().await;
        assert_eq!(c.post(PODS, &pod("p")).await.status, 201);
        let url = format!("{PODS}/p/ephemeralcontainers");
        let mut p = c.get(&url).await.json();
        p["spec"]["ephemeralContainers"] = json!([{"name": "debug", "image": "busybox"}]);
        p["spec"]["containers"][0]["image"] = json!("ignored");
        let r = c.put(&url, &p).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let got = r.json();
        assert_eq!(got["spec"]["ephemeralContainers"][0]["name"], "debug");
        assert_eq!(got["spec"]["containers"][0]["image"], "nginx", "only ephemeral containers change");
        let r = c
            .patch(&url, "application/merge-patch+json", &json!({"spec": {"ephemeralContainers": []}}))
            .await;
        assert_eq!(r.status, 422, "{}", r.text());
        assert_eq!(
            r.json()["message"],
            "Pod \"p\" is invalid: spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debug\" may not be removed"
        );
        // Logs: no kubelet, an empty log; the container must be named.
        let r = c.get(&format!("{PODS}/p/log")).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "a container name must be specified for pod p, choose one of: [app side]",
        );
        let r = c.get(&format!("{PODS}/p/log?container=app")).await;
        assert_eq!((r.status, r.text().as_str()), (200, ""));
        let r = c.get(&format!("{PODS}/p/log?container=nope")).await;
        assert_status(&r, 400, "BadRequest", "container nope is not valid for pod p");
        // Resize changes resources only.
        let patch = json!({"spec": {"containers": [{"name": "app", "image": "x", "resources": {"requests": {"cpu": "250m"}}}]}});
        let r = c
            .patch(&format!("{PODS}/p/resize"), "application/strategic-merge-patch+json", &patch)
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let got = r.json();
        assert_eq!(got["spec"]["containers"][0]["resources"]["requests"]["cpu"], "250m");
        assert_eq!(got["spec"]["containers"][0]["image"], "nginx");
        // exec needs a node.
        let r = c.post(&format!("{PODS}/p/exec?command=ls"), &json!({})).await;
        assert_status(&r, 400, "BadRequest", "pod p does not have a host assigned");
    })
    .await;
}

#[tokio::test]
async fn token_requests_and_reviews() {
    within(async {
        let (_s, c) = server().await;
        let sas = "/api/v1/namespaces/default/serviceaccounts";
        assert_eq!(c.post(sas, &json!({"metadata": {"name": "robot"}})).await.status, 201);
        let tr = |secs: i64| json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "spec": {"audiences": ["api"], "expirationSeconds": secs}});
        let r = c.post(&format!("{sas}/robot/token"), &tr(599)).await;
        assert_status(
            &r,
            422,
            "Invalid",
            "TokenRequest.authentication.k8s.io \"robot\" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes",
        );
        let r = c.post(&format!("{sas}/robot/token"), &tr(600)).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let t = r.json();
        assert_eq!(t["kind"], "TokenRequest");
        assert_eq!(t["spec"]["expirationSeconds"], 600);
        let token = t["status"]["token"].as_str().unwrap().to_owned();
        assert_eq!(token.split('.').count(), 3, "a JWT");
        let expires = t["status"]["expirationTimestamp"].as_str().unwrap();
        assert!(expires.ends_with('Z'), "{expires}");
        let r = c.post(&format!("{sas}/ghost/token"), &tr(3600)).await;
        assert_eq!(r.status, 404);
        // TokenReview accepts it, and nothing else.
        let review = |tok: &str| json!({"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": tok}});
        let trs = "/apis/authentication.k8s.io/v1/tokenreviews";
        let r = c.post(trs, &review(&token)).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let st = &r.json()["status"];
        assert_eq!(st["authenticated"], true);
        assert_eq!(st["user"]["username"], "system:serviceaccount:default:robot");
        assert_eq!(c.post(trs, &review("garbage")).await.json()["status"]["authenticated"], false);
        assert_eq!(c.get(trs).await.status, 405, "not stored, not listed");
    })
    .await;
}

#[tokio::test]
async fn access_reviews_allow_and_echo() {
    within(async {
        let (_s, c) = server().await;
        let ssar = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
            "spec": {"resourceAttributes": {"verb": "create", "group": "apps", "resource": "deployments", "namespace": "default"}}});
        let r = c.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", &ssar).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        assert_eq!(v["status"]["allowed"], true);
        assert_eq!(v["spec"], ssar["spec"]);
        let rules = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": "default"}});
        let v = c.post("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", &rules).await.json();
        assert_eq!(v["status"]["resourceRules"], json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]));
        assert_eq!(v["status"]["nonResourceRules"][0]["nonResourceURLs"], json!(["*"]));
        let empty = json!({"apiVersion": "authorization.k8s.io/v1", "kind": "SubjectAccessReview", "spec": {"user": "u"}});
        let r = c.post("/apis/authorization.k8s.io/v1/subjectaccessreviews", &empty).await;
        assert_eq!(r.status, 422, "{}", r.text());
        let ssr = json!({"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"});
        let v = c.post("/apis/authentication.k8s.io/v1/selfsubjectreviews", &ssr).await.json();
        assert_eq!(v["status"]["userInfo"]["username"], "client-testserver");
        // Nothing was stored: a second create of the same review works.
        let r = c.post("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", &ssar).await;
        assert_eq!(r.status, 201);
    })
    .await;
}

#[tokio::test]
async fn scale_of_the_workload_kinds_and_namespace_finalize() {
    within(async {
        let (_s, c) = server().await;
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let deps = "/apis/apps/v1/namespaces/default/deployments";
        assert_eq!(c.post(deps, &deploy).await.status, 201);
        let s = c.get(&format!("{deps}/web/scale")).await.json();
        assert_eq!(s["kind"], "Scale");
        assert_eq!(s["spec"]["replicas"], 2);
        assert_eq!(s["status"]["selector"], "app=web");
        let r = c
            .patch(&format!("{deps}/web/scale"), "application/merge-patch+json", &json!({"spec": {"replicas": 5}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(c.get(&format!("{deps}/web")).await.json()["spec"]["replicas"], 5);
        let rc = json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
            "spec": {"replicas": 1, "selector": {"b": "2", "a": "1"},
                     "template": {"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let rcs = "/api/v1/namespaces/default/replicationcontrollers";
        assert_eq!(c.post(rcs, &rc).await.status, 201);
        assert_eq!(c.get(&format!("{rcs}/rc/scale")).await.json()["status"]["selector"], "a=1,b=2");
        // namespaces/finalize writes spec.finalizers only.
        assert_eq!(c.post("/api/v1/namespaces", &json!({"metadata": {"name": "fin"}})).await.status, 201);
        let mut ns = c.get("/api/v1/namespaces/fin").await.json();
        assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
        ns["spec"]["finalizers"] = json!([]);
        ns["status"]["phase"] = json!("Terminating");
        let r = c.put("/api/v1/namespaces/fin/finalize", &ns).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let got = r.json();
        assert_eq!(got["spec"]["finalizers"], json!([]));
        assert_eq!(got["status"]["phase"], "Active", "status is not the finalize write's");
    })
    .await;
}
