//! The strategies of the workload kinds over HTTP: defaults, validation
//! messages, immutable fields, generation, Table columns and cells, field
//! selectors (see the crate README's strategy table).

use serde_json::{Value, json};

use crate::*;

const PODS: &str = "/api/v1/namespaces/default/pods";
const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";
const RSS: &str = "/apis/apps/v1/namespaces/default/replicasets";
const STSS: &str = "/apis/apps/v1/namespaces/default/statefulsets";
const DSS: &str = "/apis/apps/v1/namespaces/default/daemonsets";
const JOBS: &str = "/apis/batch/v1/namespaces/default/jobs";
const CRONJOBS: &str = "/apis/batch/v1/namespaces/default/cronjobs";
const RCS: &str = "/api/v1/namespaces/default/replicationcontrollers";
const PVCS: &str = "/api/v1/namespaces/default/persistentvolumeclaims";
const SAS: &str = "/api/v1/namespaces/default/serviceaccounts";
const NODES: &str = "/api/v1/nodes";
pub const TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

pub fn pod(name: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"containers": [{"name": "c", "image": image, "ports": [{"containerPort": 80}]}]}})
}

fn template(labels: Value, restart: Option<&str>) -> Value {
    let mut t = json!({"metadata": {"labels": labels},
                       "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}});
    if let Some(r) = restart {
        t["spec"]["restartPolicy"] = json!(r);
    }
    t
}

pub fn deployment(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
           "spec": {"selector": {"matchLabels": {"app": name}}, "template": template(json!({"app": name}), None)}})
}

fn job(name: &str, restart: Option<&str>) -> Value {
    json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name},
           "spec": {"template": template(json!({"app": name}), restart)}})
}

/// The column names of a Table answer.
pub fn columns(t: &Value) -> Vec<String> {
    t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

pub async fn table(c: &Client, path: &str) -> Value {
    let r = c
        .send_with("GET", path, None, b"", &[("Accept", TABLE)])
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn pods_get_their_defaults_status_and_generation() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(PODS, &pod("p", "nginx")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let p = r.json();
        let spec = &p["spec"];
        assert_eq!(spec["restartPolicy"], "Always");
        assert_eq!(spec["dnsPolicy"], "ClusterFirst");
        assert_eq!(spec["schedulerName"], "default-scheduler");
        assert_eq!(spec["terminationGracePeriodSeconds"], 30);
        assert_eq!(spec["securityContext"], json!({}));
        assert_eq!(spec["enableServiceLinks"], true);
        let c0 = &spec["containers"][0];
        assert_eq!(c0["imagePullPolicy"], "Always", "no tag pulls always");
        assert_eq!(c0["terminationMessagePath"], "/dev/termination-log");
        assert_eq!(c0["terminationMessagePolicy"], "File");
        assert_eq!(c0["ports"][0]["protocol"], "TCP");
        assert_eq!(
            p["status"],
            json!({"phase": "Pending", "qosClass": "BestEffort"})
        );
        assert_eq!(p["metadata"]["generation"], 1);
        let mut tagged = pod("q", "nginx:1.27");
        tagged["spec"]["containers"][0]["resources"] =
            json!({"limits": {"cpu": "1", "memory": "1Gi"}});
        tagged["status"] = json!({"phase": "Running"});
        let q = c.post(PODS, &tagged).await.json();
        assert_eq!(
            q["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert_eq!(
            q["spec"]["containers"][0]["resources"]["requests"],
            json!({"cpu": "1", "memory": "1Gi"}),
            "requests default to limits"
        );
        assert_eq!(
            q["status"],
            json!({"phase": "Pending", "qosClass": "Guaranteed"}),
            "status is reset"
        );
        let mut running = q.clone();
        running["status"] = json!({"phase": "Running"});
        let r = c.put(&format!("{PODS}/q/status"), &running).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            r.json()["status"],
            json!({"phase": "Running", "qosClass": "Guaranteed"}),
            "the QoS class stays"
        );
    })
    .await;
}

#[tokio::test]
async fn pod_validation_and_immutable_spec() {
    within(async {
        let (_s, c) = server().await;
        let mut bad = pod("p", "x");
        bad["spec"]["containers"][0]
            .as_object_mut()
            .unwrap()
            .remove("image");
        let r = c.post(PODS, &bad).await;
        assert_eq!(r.status, 422);
        let s = r.json();
        assert_eq!(s["message"], "Pod \"p\" is invalid: spec.containers[0].image: Required value");
        assert_eq!(s["details"]["causes"][0]["field"], "spec.containers[0].image");
        assert_eq!(s["details"]["causes"][0]["reason"], "FieldValueRequired");
        let mut bad = pod("p", "x");
        bad["spec"]["restartPolicy"] = json!("Sometimes");
        let r = c.post(PODS, &bad).await;
        assert_eq!(
            r.json()["message"],
            "Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""
        );
        assert_eq!(r.json()["details"]["causes"][0]["reason"], "FieldValueNotSupported");

        let p = c.post(PODS, &pod("p", "nginx:1")).await.json();
        let mut img = p.clone();
        img["spec"]["containers"][0]["image"] = json!("nginx:2");
        let r = c.put(&format!("{PODS}/p"), &img).await;
        assert_eq!(r.status, 200, "an image may change: {}", r.text());
        assert_eq!(r.json()["metadata"]["generation"], 2);
        let mut other = r.json();
        other["spec"]["restartPolicy"] = json!("Never");
        let r = c.put(&format!("{PODS}/p"), &other).await;
        assert_eq!(r.status, 422);
        let msg = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            msg.starts_with("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"),
            "{msg}"
        );
        assert!(msg.contains("restartPolicy"), "{msg}");
    })
    .await;
}

#[tokio::test]
async fn deployments_default_validate_and_count_generations() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(DEPLOYS, &deployment("web")).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let d = r.json();
        assert_eq!(d["spec"]["replicas"], 1);
        assert_eq!(
            d["spec"]["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
        );
        assert_eq!(d["spec"]["revisionHistoryLimit"], 10);
        assert_eq!(d["spec"]["progressDeadlineSeconds"], 600);
        let t = &d["spec"]["template"]["spec"];
        assert_eq!(t["restartPolicy"], "Always");
        assert_eq!(t["containers"][0]["imagePullPolicy"], "IfNotPresent");
        assert!(t.get("enableServiceLinks").is_none(), "a Pod's own default");
        assert_eq!(d["metadata"]["generation"], 1);
        assert!(d.get("status").is_none());

        let patch = json!({"spec": {"replicas": 3}});
        let r = c.patch(&format!("{DEPLOYS}/web"), "application/merge-patch+json", &patch).await;
        assert_eq!(r.json()["metadata"]["generation"], 2);
        let scale = json!({"spec": {"replicas": -2}});
        let r = c.patch(&format!("{DEPLOYS}/web/scale"), "application/merge-patch+json", &scale).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Scale.autoscaling \"web\" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0"
        );
        let patch = json!({"metadata": {"labels": {"x": "y"}}});
        let r = c.patch(&format!("{DEPLOYS}/web"), "application/merge-patch+json", &patch).await;
        assert_eq!(r.json()["metadata"]["generation"], 2, "metadata changes keep it");

        let patch = json!({"spec": {"selector": {"matchLabels": {"app": "other"}}, "template": {"metadata": {"labels": {"app": "other"}}}}});
        let r = c.patch(&format!("{DEPLOYS}/web"), "application/merge-patch+json", &patch).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"other\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
        );

        let mut bad = deployment("bad");
        bad["spec"]["template"]["metadata"]["labels"] = json!({"app": "nope"});
        let r = c.post(DEPLOYS, &bad).await;
        assert_eq!(
            r.json()["message"],
            "Deployment.apps \"bad\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nope\"}: `selector` does not match template `labels`"
        );
        let mut bad = deployment("bad");
        bad["spec"]["selector"] = json!({});
        let r = c.post(DEPLOYS, &bad).await;
        assert_eq!(
            r.json()["message"],
            "Deployment.apps \"bad\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"
        );
        let mut bad = deployment("bad");
        bad["spec"]["replicas"] = json!(-1);
        bad["spec"]["template"]["spec"]["restartPolicy"] = json!("Never");
        let r = c.post(DEPLOYS, &bad).await;
        assert_eq!(
            r.json()["message"],
            "Deployment.apps \"bad\" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"]"
        );
        let mut bad = deployment("bad");
        bad["spec"]["template"]["spec"]["containers"][0]["image"] = json!("");
        let r = c.post(DEPLOYS, &bad).await;
        assert_eq!(
            r.json()["message"],
            "Deployment.apps \"bad\" is invalid: spec.template.spec.containers[0].image: Required value"
        );
    })
    .await;
}

#[tokio::test]
async fn the_other_controllers_get_their_defaults() {
    within(async {
        let (_s, c) = server().await;
        let labels = json!({"app": "a"});
        let sel = json!({"matchLabels": {"app": "a"}});
        let rs = json!({"metadata": {"name": "rs"}, "spec": {"selector": sel, "template": template(labels.clone(), None)}});
        let rs = c.post(RSS, &rs).await.json();
        assert_eq!(rs["spec"]["replicas"], 1);
        let sts = json!({"metadata": {"name": "db"}, "spec": {"selector": sel, "serviceName": "db", "template": template(labels.clone(), None)}});
        let r = c.post(STSS, &sts).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let s = r.json()["spec"].clone();
        assert_eq!(s["podManagementPolicy"], "OrderedReady");
        assert_eq!(s["updateStrategy"], json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}));
        assert_eq!(s["persistentVolumeClaimRetentionPolicy"], json!({"whenDeleted": "Retain", "whenScaled": "Retain"}));
        assert_eq!((s["replicas"].clone(), s["revisionHistoryLimit"].clone()), (json!(1), json!(10)));
        let mut changed = r.json();
        changed["spec"]["serviceName"] = json!("other");
        let r = c.put(&format!("{STSS}/db"), &changed).await;
        assert_eq!(r.status, 422);
        assert!(r.json()["message"].as_str().unwrap().contains("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
        let ds = json!({"metadata": {"name": "ds"}, "spec": {"selector": sel, "template": template(labels.clone(), None)}});
        let s = c.post(DSS, &ds).await.json()["spec"].clone();
        assert_eq!(s["updateStrategy"], json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}));
        assert_eq!(s["revisionHistoryLimit"], 10);
        let rc = json!({"metadata": {"name": "rc"}, "spec": {"template": template(labels.clone(), None)}});
        let rc = c.post(RCS, &rc).await.json();
        assert_eq!(rc["spec"]["selector"], labels, "selector from the template's labels");
        assert_eq!(rc["metadata"]["labels"], labels);
        assert_eq!(rc["spec"]["replicas"], 1);
        let pvc = json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
        let pvc = c.post(PVCS, &pvc).await.json();
        assert_eq!(pvc["spec"]["volumeMode"], "Filesystem");
        assert_eq!(pvc["status"]["phase"], "Pending");
        let r = c.post(PVCS, &json!({"metadata": {"name": "bad"}, "spec": {}})).await;
        assert_eq!(
            r.json()["message"],
            "PersistentVolumeClaim \"bad\" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]"
        );
    })
    .await;
}

#[tokio::test]
async fn jobs_and_cronjobs() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(JOBS, &job("pi", Some("Never"))).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let j = r.json();
        let uid = j["metadata"]["uid"].as_str().unwrap().to_string();
        let s = &j["spec"];
        assert_eq!((s["completions"].clone(), s["parallelism"].clone()), (json!(1), json!(1)));
        assert_eq!(s["backoffLimit"], 6);
        assert_eq!(s["completionMode"], "NonIndexed");
        assert_eq!(s["suspend"], false);
        assert_eq!(s["podReplacementPolicy"], "TerminatingOrFailed");
        assert_eq!(s["manualSelector"], false);
        assert_eq!(s["selector"], json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}));
        let l = &s["template"]["metadata"]["labels"];
        assert_eq!(l["controller-uid"], uid.as_str());
        assert_eq!(l["batch.kubernetes.io/controller-uid"], uid.as_str());
        assert_eq!(l["job-name"], "pi");
        assert_eq!(l["batch.kubernetes.io/job-name"], "pi");
        assert_eq!(j["metadata"]["labels"], json!({"app": "pi"}), "labels from the template");

        let mut changed = j.clone();
        changed["spec"]["template"]["spec"]["containers"][0]["image"] = json!("perl:2");
        let r = c.put(&format!("{JOBS}/pi"), &changed).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Job.batch \"pi\" is invalid: spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"
        );

        let r = c.post(JOBS, &job("always", None)).await;
        assert_eq!(
            r.json()["message"],
            "Job.batch \"always\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        );

        let cj = json!({"metadata": {"name": "tick"}, "spec": {"schedule": "*/1 * * * *",
                        "jobTemplate": {"spec": {"template": template(json!({}), Some("OnFailure"))}}}});
        let r = c.post(CRONJOBS, &cj).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let s = r.json()["spec"].clone();
        assert_eq!(s["concurrencyPolicy"], "Allow");
        assert_eq!(s["suspend"], false);
        assert_eq!((s["successfulJobsHistoryLimit"].clone(), s["failedJobsHistoryLimit"].clone()), (json!(3), json!(1)));
        assert_eq!(s["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"], "ClusterFirst");
        let long = "a".repeat(53);
        let mut bad = cj.clone();
        bad["metadata"]["name"] = json!(long);
        bad["spec"].as_object_mut().unwrap().remove("schedule");
        let r = c.post(CRONJOBS, &bad).await;
        assert_eq!(
            r.json()["message"],
            format!("CronJob.batch \"{long}\" is invalid: [metadata.name: Invalid value: \"{long}\": must be no more than 52 characters, spec.schedule: Required value]")
        );
        let t = table(&c, CRONJOBS).await;
        assert_eq!(columns(&t), ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers", "Images", "Selector"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!(cells[1], "*/1 * * * *");
        assert_eq!((cells[2].clone(), cells[3].clone(), cells[4].clone(), cells[5].clone()), (json!("<none>"), json!("False"), json!(0), json!("<none>")));
    })
    .await;
}

#[tokio::test]
async fn tables_have_kubes_columns_and_cells() {
    within(async {
        let (_s, c) = server().await;
        c.post(PODS, &pod("p", "nginx")).await;
        let t = table(&c, PODS).await;
        assert_eq!(
            columns(&t),
            ["Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"]
        );
        let cells = t["rows"][0]["cells"].as_array().unwrap();
        assert_eq!(cells[..4], [json!("p"), json!("0/1"), json!("Pending"), json!("0")]);
        assert!(cells[4].as_str().unwrap().ends_with('s'), "an age: {}", cells[4]);
        assert_eq!(cells[5..], [json!("<none>"), json!("<none>"), json!("<none>"), json!("<none>")]);
        assert_eq!(t["columnDefinitions"][5]["priority"], 1, "wide columns");

        c.post(DEPLOYS, &deployment("web")).await;
        let t = table(&c, DEPLOYS).await;
        assert_eq!(columns(&t), ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!((cells[1].clone(), cells[2].clone(), cells[3].clone()), (json!("0/1"), json!(0), json!(0)));
        assert_eq!((cells[5].clone(), cells[6].clone(), cells[7].clone()), (json!("web"), json!("nginx:1.27"), json!("app=web")));

        c.post(JOBS, &job("pi", Some("Never"))).await;
        let t = table(&c, JOBS).await;
        assert_eq!(columns(&t), ["Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!((cells[1].clone(), cells[2].clone(), cells[3].clone()), (json!("Running"), json!("0/1"), json!("")));

        let t = table(&c, RSS).await;
        assert_eq!(columns(&t), ["Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"]);
        let t = table(&c, STSS).await;
        assert_eq!(columns(&t), ["Name", "Ready", "Age", "Containers", "Images"]);
        let t = table(&c, DSS).await;
        assert_eq!(columns(&t)[1..7], ["Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector"]);
        let t = table(&c, PVCS).await;
        assert_eq!(columns(&t), ["Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode"]);

        c.post(SAS, &json!({"metadata": {"name": "robot"}, "secrets": [{"name": "s"}]})).await;
        let t = table(&c, SAS).await;
        assert_eq!(columns(&t), ["Name", "Secrets", "Age"]);
        assert_eq!(t["rows"][0]["cells"][1], 1);

        // A node keeps the status it is created with (the kubelet's way).
        let node = json!({"metadata": {"name": "n1", "labels": {"node-role.kubernetes.io/control-plane": ""}},
                          "status": {"conditions": [{"type": "Ready", "status": "True"}], "nodeInfo": {"kubeletVersion": "v1.33.0"}}});
        let r = c.post(NODES, &node).await;
        assert_eq!(r.json()["status"]["nodeInfo"]["kubeletVersion"], "v1.33.0");
        let t = table(&c, NODES).await;
        assert_eq!(columns(&t)[..5], ["Name", "Status", "Roles", "Age", "Version"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!((cells[2].clone(), cells[4].clone()), (json!("control-plane"), json!("v1.33.0")));

        let rb = json!({"metadata": {"name": "rb"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
                        "subjects": [{"kind": "ServiceAccount", "name": "robot", "namespace": "default"}, {"kind": "User", "name": "ann"}]});
        let r = c.post("/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", &rb).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let t = table(&c, "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings").await;
        assert_eq!(columns(&t), ["Name", "Role", "Age", "Users", "Groups", "ServiceAccounts"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!((cells[1].clone(), cells[3].clone(), cells[5].clone()), (json!("Role/r"), json!("ann"), json!("default:robot")));
    })
    .await;
}

#[tokio::test]
async fn rbac_defaults_and_validation() {
    within(async {
        let (_s, c) = server().await;
        const RBAC: &str = "/apis/rbac.authorization.k8s.io/v1";
        let role = json!({"metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": []}]});
        let r = c.post(&format!("{RBAC}/namespaces/default/roles"), &role).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Role.rbac.authorization.k8s.io \"r\" is invalid: rules[0].verbs: Required value: verbs must contain at least one value"
        );
        let cr = json!({"metadata": {"name": "system:reader"}, "rules": [{"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]});
        let r = c.post(&format!("{RBAC}/clusterroles"), &cr).await;
        assert_eq!(r.status, 201, "a ':' is fine in a path segment: {}", r.text());
        let rb = json!({"metadata": {"name": "rb"}, "roleRef": {"kind": "Role", "name": "r"},
                        "subjects": [{"kind": "User", "name": "ann"}, {"kind": "ServiceAccount", "name": "robot"}]});
        let r = c.post(&format!("{RBAC}/namespaces/default/rolebindings"), &rb).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let b = r.json();
        assert_eq!(b["roleRef"]["apiGroup"], "rbac.authorization.k8s.io");
        assert_eq!(b["subjects"][0]["apiGroup"], "rbac.authorization.k8s.io");
        assert!(b["subjects"][1].get("apiGroup").is_none());
        let mut moved = b.clone();
        moved["roleRef"]["name"] = json!("other");
        let r = c.put(&format!("{RBAC}/namespaces/default/rolebindings/rb"), &moved).await;
        assert_eq!(
            r.json()["message"],
            "RoleBinding.rbac.authorization.k8s.io \"rb\" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", Name:\"other\"}: cannot change roleRef"
        );
        let crb = json!({"metadata": {"name": "crb"}, "roleRef": {"kind": "Role", "name": "r"},
                         "subjects": [{"kind": "ServiceAccount", "name": "robot"}]});
        let r = c.post(&format!("{RBAC}/clusterrolebindings"), &crb).await;
        assert_eq!(
            r.json()["message"],
            "ClusterRoleBinding.rbac.authorization.k8s.io \"crb\" is invalid: [roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\", subjects[0].namespace: Required value]"
        );
    })
    .await;
}

#[tokio::test]
async fn ingress_paths_are_validated_and_printed() {
    within(async {
        let (_s, c) = server().await;
        const INGS: &str = "/apis/networking.k8s.io/v1/namespaces/default/ingresses";
        let backend = json!({"service": {"name": "web", "port": {"number": 80}}});
        let ing = json!({"metadata": {"name": "i"}, "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [
            {"path": "/", "backend": backend}, {"path": "x", "pathType": "Prefix", "backend": backend}]}}]}});
        let r = c.post(INGS, &ing).await;
        assert_eq!(r.status, 422);
        assert_eq!(
            r.json()["message"],
            "Ingress.networking.k8s.io \"i\" is invalid: [spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified, spec.rules[0].http.paths[1].path: Invalid value: \"x\": must be an absolute path]"
        );
        let good = json!({"metadata": {"name": "i"}, "spec": {"ingressClassName": "nginx", "tls": [{"hosts": ["a.example.com"]}],
            "rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}]}});
        let r = c.post(INGS, &good).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(r.json()["metadata"]["generation"], 1);
        let t = table(&c, INGS).await;
        assert_eq!(columns(&t), ["Name", "Class", "Hosts", "Address", "Ports", "Age"]);
        let cells = &t["rows"][0]["cells"];
        assert_eq!((cells[1].clone(), cells[2].clone(), cells[3].clone(), cells[4].clone()),
                   (json!("nginx"), json!("a.example.com"), json!(""), json!("80, 443")));
    })
    .await;
}

#[tokio::test]
async fn events_print_last_seen_first_and_name_last() {
    within(async {
        let (_s, c) = server().await;
        let ev = json!({"metadata": {"name": "web.1"}, "type": "Warning", "reason": "BackOff",
                        "involvedObject": {"kind": "Pod", "name": "web", "fieldPath": "spec.containers{c}"},
                        "source": {"component": "kubelet", "host": "n1"}, "message": " restarting ", "count": 3});
        let r = c.post("/api/v1/namespaces/default/events", &ev).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let t = table(&c, "/api/v1/namespaces/default/events").await;
        assert_eq!(
            columns(&t),
            ["Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name"]
        );
        let cells = t["rows"][0]["cells"].as_array().unwrap();
        assert_eq!(cells[0], "<unknown>", "no timestamps");
        assert_eq!(
            cells[1..],
            [json!("Warning"), json!("BackOff"), json!("pod/web"), json!("spec.containers{c}"), json!("kubelet, n1"),
             json!("restarting"), json!("<unknown>"), json!(3), json!("web.1")]
        );
        assert_eq!(t["columnDefinitions"][9]["priority"], 1);
        let ev = json!({"metadata": {"name": "e2"}, "type": "Normal", "reason": "Scaled", "note": "up",
                        "regarding": {"kind": "Deployment", "name": "d"}, "reportingController": "me",
                        "reportingInstance": "me-1", "action": "Scale", "eventTime": "2024-01-01T00:00:00.000000Z"});
        let r = c.post("/apis/events.k8s.io/v1/namespaces/default/events", &ev).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let t = table(&c, "/apis/events.k8s.io/v1/namespaces/default/events").await;
        let cells = t["rows"][0]["cells"].as_array().unwrap();
        assert_eq!((cells[3].clone(), cells[5].clone(), cells[6].clone(), cells[8].clone()), (json!("deployment/d"), json!("me, me-1"), json!("up"), json!(1)));
        assert!(cells[0].as_str().unwrap().ends_with('d') || cells[0].as_str().unwrap().ends_with('y'), "{}", cells[0]);
    })
    .await;
}

#[tokio::test]
async fn field_selectors_per_kind() {
    within(async {
        let (_s, c) = server().await;
        c.post(PODS, &pod("a", "nginx")).await;
        let mut b = pod("b", "nginx");
        b["spec"]["nodeName"] = json!("n1");
        b["spec"]["restartPolicy"] = json!("Never");
        c.post(PODS, &b).await;
        let names = |v: Value| -> Vec<String> {
            v["items"].as_array().unwrap().iter().map(|i| i["metadata"]["name"].as_str().unwrap().to_string()).collect()
        };
        for (sel, want) in [
            ("spec.nodeName=n1", vec!["b"]),
            ("spec.nodeName=", vec!["a"]),
            ("spec.restartPolicy=Never", vec!["b"]),
            ("status.phase=Pending", vec!["a", "b"]),
            ("spec.hostNetwork=false", vec!["a", "b"]),
            ("spec.schedulerName=default-scheduler,spec.nodeName!=n1", vec!["a"]),
            ("status.podIP=", vec!["a", "b"]),
        ] {
            let r = c.get_owned(format!("{PODS}?fieldSelector={sel}")).await;
            assert_eq!(r.status, 200, "{sel}: {}", r.text());
            assert_eq!(names(r.json()), want, "{sel}");
        }
        let r = c.get(&format!("{PODS}?fieldSelector=spec.containers=x")).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["message"], "field label not supported: spec.containers");

        c.post(JOBS, &job("pi", Some("Never"))).await;
        let r = c.get(&format!("{JOBS}?fieldSelector=status.successful=0")).await;
        assert_eq!(names(r.json()), ["pi"]);
        let r = c.get(&format!("{JOBS}?fieldSelector=status.successful=1")).await;
        assert!(names(r.json()).is_empty());
        c.post(RSS, &json!({"metadata": {"name": "rs"}, "spec": {"selector": {"matchLabels": {"app": "a"}}, "template": template(json!({"app": "a"}), None)}})).await;
        let r = c.get(&format!("{RSS}?fieldSelector=status.replicas=0")).await;
        assert_eq!(names(r.json()), ["rs"]);
        c.post(NODES, &json!({"metadata": {"name": "n1"}})).await;
        let r = c.get(&format!("{NODES}?fieldSelector=spec.unschedulable=false")).await;
        assert_eq!(names(r.json()), ["n1"]);
        let r = c.get(&format!("{DEPLOYS}?fieldSelector=status.replicas=0")).await;
        assert_eq!(r.status, 400, "deployments have no such field");
    })
    .await;
}
