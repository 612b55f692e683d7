//! Built-in kinds decoded, patched and applied against their real types
//! (the vendored 1.33 definitions): Go's decode errors, `fieldValidation`
//! for unknown fields, strategic merge patch with merge keys and
//! directives, server-side apply with list-map keys.

use serde_json::{Value, json};

use crate::client::{Client, Resp};
use crate::{assert_status, server, within};

const DEPLOYS: &str = "/apis/apps/v1/namespaces/default/deployments";
const PODS: &str = "/api/v1/namespaces/default/pods";
const PODTEMPLATES: &str = "/api/v1/namespaces/default/podtemplates";
const SMP: &str = "application/strategic-merge-patch+json";
const APPLY: &str = "application/apply-patch+yaml";

/// A Deployment with two containers, `web` (with two ports) and `side`.
fn deployment(name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}, "finalizers": ["a.example.com/x", "b.example.com/y"]},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [
                {"name": "web", "image": "nginx:1.0", "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 443, "protocol": "TCP"}]},
                {"name": "side", "image": "busybox:1.0"}]}}}})
}

fn warnings(r: &Resp) -> Vec<String> {
    r.headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("warning"))
        .map(|(_, v)| v.clone())
        .collect()
}

fn containers(v: &Value) -> Vec<(String, String)> {
    v["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap_or_else(|| panic!("no containers: {v}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["image"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn created(c: &Client, name: &str) -> Value {
    let r = c.post(DEPLOYS, &deployment(name)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn wrongly_typed_values_get_the_decoders_400() {
    within(async {
        let (_s, c) = server().await;
        let mut d = deployment("d");
        d["spec"]["replicas"] = json!("3");
        let r = c.post(DEPLOYS, &d).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32",
        );
        let mut d = deployment("d");
        d["spec"]["template"]["spec"]["containers"][0]["ports"] = json!("80");
        let r = c.post(DEPLOYS, &d).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Container.spec.template.spec.containers.ports of type []v1.ContainerPort",
        );
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "a", "image": "i", "resources": {"limits": {"cpu": "lots"}}}]}});
        let r = c.post(PODS, &pod).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        );
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "plain text"}});
        let r = c.post("/api/v1/namespaces/default/secrets", &secret).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 5",
        );
        let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "l"},
            "spec": {"holderIdentity": "me", "renewTime": "2024-01-01T00:00:00Z"}});
        let r = c
            .post("/apis/coordination.k8s.io/v1/namespaces/default/leases", &lease)
            .await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Lease in version \"v1\" cannot be handled as a Lease: parsing time \"2024-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"",
        );
        // Kube's own formats pass: quantities as numbers or strings,
        // int-or-string as either.
        let mut d = deployment("ok");
        d["spec"]["strategy"]["rollingUpdate"]["maxSurge"] = json!("25%");
        d["spec"]["template"]["spec"]["containers"][0]["resources"] =
            json!({"limits": {"cpu": "500m", "memory": 1073741824}});
        let r = c.post(DEPLOYS, &d).await;
        assert_eq!(r.status, 201, "{}", r.text());
        // Nothing of the refused ones was stored.
        assert_eq!(c.get(&format!("{DEPLOYS}/d")).await.status, 404);
        // A subresource's body is decoded as the kind it carries.
        let scale = json!({"apiVersion": "autoscaling/v1", "kind": "Scale",
            "metadata": {"name": "ok", "namespace": "default"}, "spec": {"replicas": "3"}});
        let r = c.put(&format!("{DEPLOYS}/ok/scale"), &scale).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Scale in version \"v1\" cannot be handled as a Scale: json: cannot unmarshal string into Go struct field ScaleSpec.spec.replicas of type int32",
        );
        let r = c
            .patch(&format!("{DEPLOYS}/ok/scale"), SMP, &json!({"spec": {"replicas": 4}}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["replicas"], 4);
        // A patch whose result does not fit is a 422 naming the patch.
        let r = c
            .patch(
                &format!("{DEPLOYS}/ok"),
                "application/merge-patch+json",
                &json!({"spec": {"paused": "yes"}}),
            )
            .await;
        assert_eq!(r.status, 422, "{}", r.text());
        let m = r.json()["message"].as_str().unwrap().to_string();
        assert!(
            m.ends_with("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool"),
            "{m}"
        );
    })
    .await;
}

#[tokio::test]
async fn unknown_fields_follow_field_validation() {
    within(async {
        let (_s, c) = server().await;
        let mut d = deployment("w");
        d["spec"]["foo"] = json!(1);
        d["spec"]["template"]["spec"]["containers"][1]["bar"] = json!("x");
        // Strict: 400, nothing stored.
        let r = c
            .post(&format!("{DEPLOYS}?fieldValidation=Strict"), &d)
            .await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"spec.template.spec.containers[1].bar\"",
        );
        // Warn (the default): stored without them, one warning each.
        let r = c.post(DEPLOYS, &d).await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert_eq!(
            warnings(&r),
            [
                "299 - \"unknown field \\\"spec.foo\\\"\"",
                "299 - \"unknown field \\\"spec.template.spec.containers[1].bar\\\"\""
            ]
        );
        let v = r.json();
        assert!(v["spec"].get("foo").is_none(), "{v}");
        assert!(v["spec"]["template"]["spec"]["containers"][1].get("bar").is_none());
        // Ignore: dropped silently.
        let mut d2 = d.clone();
        d2["metadata"]["name"] = json!("w2");
        let r = c
            .post(&format!("{DEPLOYS}?fieldValidation=Ignore"), &d2)
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert!(warnings(&r).is_empty());
        assert!(r.json()["spec"].get("foo").is_none());
        // A patch adding an unknown field: the bare strict error under Strict.
        let r = c
            .patch(
                &format!("{DEPLOYS}/w?fieldValidation=Strict"),
                SMP,
                &json!({"spec": {"baz": true}}),
            )
            .await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "strict decoding error: unknown field \"spec.baz\"",
        );
    })
    .await;
}

#[tokio::test]
async fn strategic_merge_changes_one_container_and_keeps_the_other() {
    within(async {
        let (_s, c) = server().await;
        created(&c, "d").await;
        let r = c
            .patch(
                &format!("{DEPLOYS}/d"),
                SMP,
                &json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:2.0"}]}}}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v = r.json();
        assert_eq!(
            containers(&v),
            [
                ("web".to_string(), "nginx:2.0".to_string()),
                ("side".to_string(), "busybox:1.0".to_string())
            ]
        );
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"][0]["ports"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "the ports were kept: {v}"
        );
        // The same patch as a merge patch replaces the list.
        let r = c
            .patch(
                &format!("{DEPLOYS}/d"),
                "application/merge-patch+json",
                &json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:3.0"}]}}}}),
            )
            .await;
        assert_eq!(
            containers(&r.json()),
            [("web".to_string(), "nginx:3.0".to_string())]
        );
    })
    .await;
}

#[tokio::test]
async fn each_strategic_merge_directive_over_http() {
    within(async {
        let (_s, c) = server().await;
        created(&c, "d").await;
        let p = format!("{DEPLOYS}/d");
        let smp = |body: Value| {
            let (c, p) = (&c, &p);
            async move { c.patch(p, SMP, &body).await }
        };
        // $setElementOrder: side first.
        let r = smp(json!({"spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "side"}, {"name": "web"}],
            "containers": [{"name": "side", "image": "busybox:2.0"}]}}}}))
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(
            containers(&r.json()),
            [
                ("side".to_string(), "busybox:2.0".to_string()),
                ("web".to_string(), "nginx:1.0".to_string())
            ]
        );
        // $patch: delete of a list item.
        let r = smp(json!({"spec": {"template": {"spec": {"containers": [{"name": "side", "$patch": "delete"}]}}}})).await;
        assert_eq!(
            containers(&r.json()),
            [("web".to_string(), "nginx:1.0".to_string())]
        );
        // $patch: replace of a list: the patch's items only.
        let r = smp(json!({"spec": {"template": {"spec": {"containers": [
            {"name": "only", "image": "x:1"}, {"$patch": "replace"}]}}}}))
        .await;
        assert_eq!(
            containers(&r.json()),
            [("only".to_string(), "x:1".to_string())]
        );
        // $patch: replace of a map.
        let r = smp(json!({"metadata": {"labels": {"$patch": "replace", "new": "1"}}})).await;
        assert_eq!(r.json()["metadata"]["labels"], json!({"new": "1"}));
        // $deleteFromPrimitiveList on finalizers (a merge list of strings).
        let r = smp(json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a.example.com/x"]}})).await;
        assert_eq!(r.json()["metadata"]["finalizers"], json!(["b.example.com/y"]));
        // $retainKeys: switching to Recreate drops rollingUpdate.
        let r = smp(json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})).await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["strategy"], json!({"type": "Recreate"}));
        // A field outside $retainKeys: 400 with apimachinery's message.
        let r = smp(json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 1}}}})).await;
        assert_status(&r, 400, "BadRequest", "invalid patch format of retainKeys");
        // null deletes.
        // null deletes; the Deployment's defaulting then sets the
        // strategy again, as kube-apiserver's does after a patch.
        let r = smp(json!({"spec": {"strategy": null}})).await;
        assert_eq!(
            r.json()["spec"]["strategy"],
            json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
        );
        // A merge item without its key: 500 with apimachinery's message.
        let r = smp(json!({"spec": {"template": {"spec": {"containers": [{"image": "y"}]}}}})).await;
        assert_status(
            &r,
            500,
            "",
            "map: map[image:y] does not contain declared merge key: name",
        );
        // A patch that is not an object.
        let r = smp(json!([1])).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "json: cannot unmarshal array into Go value of type map[string]interface {}",
        );
    })
    .await;
}

#[tokio::test]
async fn apply_merges_container_ports_by_port_and_protocol() {
    within(async {
        let (_s, c) = server().await;
        // A PodTemplate: the same Container type as a Pod, without a Pod's
        // immutable spec.
        let p = format!("{PODTEMPLATES}/p");
        let yaml = |ports: &str| {
            format!(
                "apiVersion: v1\nkind: PodTemplate\nmetadata:\n  name: p\ntemplate:\n  spec:\n    containers:\n    - name: web\n      image: nginx\n      ports:\n{ports}"
            )
        };
        let a = yaml(
            "      - containerPort: 53\n        protocol: TCP\n      - containerPort: 53\n        protocol: UDP\n",
        );
        let r = c
            .send("PATCH", &format!("{p}?fieldManager=alice"), Some(APPLY), a.as_bytes())
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let v = r.json();
        let fields = &v["metadata"]["managedFields"][0]["fieldsV1"]["f:template"]["f:spec"]["f:containers"]
            ["k:{\"name\":\"web\"}"]["f:ports"];
        assert!(
            fields
                .get("k:{\"containerPort\":53,\"protocol\":\"TCP\"}")
                .is_some()
                && fields
                    .get("k:{\"containerPort\":53,\"protocol\":\"UDP\"}")
                    .is_some(),
            "ports keyed by [containerPort, protocol]: {fields}"
        );
        // Bob adds a port; alice's stay: the list merges by its map keys.
        let b = yaml("      - containerPort: 8080\n        protocol: TCP\n");
        let r = c
            .send("PATCH", &format!("{p}?fieldManager=bob"), Some(APPLY), b.as_bytes())
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let ports = r.json()["template"]["spec"]["containers"][0]["ports"].clone();
        assert_eq!(
            ports,
            json!([{"containerPort": 53, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"},
                   {"containerPort": 8080, "protocol": "TCP"}])
        );
        // Alice drops UDP: only her UDP port goes.
        let a2 = yaml("      - containerPort: 53\n        protocol: TCP\n");
        let r = c
            .send("PATCH", &format!("{p}?fieldManager=alice"), Some(APPLY), a2.as_bytes())
            .await;
        let ports = r.json()["template"]["spec"]["containers"][0]["ports"].clone();
        assert_eq!(
            ports,
            json!([{"containerPort": 53, "protocol": "TCP"}, {"containerPort": 8080, "protocol": "TCP"}])
        );
        // A field the type does not declare: the typed conversion's 500.
        let bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  foo: 1\n";
        let r = c
            .send("PATCH", &format!("{PODS}/p?fieldManager=alice"), Some(APPLY), bad.as_bytes())
            .await;
        assert_status(
            &r,
            500,
            "",
            "failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.foo: field not declared in schema",
        );
        // Inside a map list, structured-merge-diff names the item by key.
        let bad = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: web\n    image: nginx\n    bar: 1\n";
        let r = c
            .send("PATCH", &format!("{PODS}/p?fieldManager=alice"), Some(APPLY), bad.as_bytes())
            .await;
        assert_status(
            &r,
            500,
            "",
            "failed to create typed patch object (default/p; /v1, Kind=Pod): .spec.containers[name=\"web\"].bar: field not declared in schema",
        );
    })
    .await;
}

#[tokio::test]
async fn openapi_v3_documents_describe_the_built_in_types() {
    within(async {
        let (_s, c) = server().await;
        let index = c.get("/openapi/v3").await.json();
        let url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .unwrap_or_else(|| panic!("apps/v1 is listed: {index}"))
            .to_string();
        assert!(index["paths"]["apis/batch/v1"].is_object());
        let doc = c.get(&url).await.json();
        let schemas = &doc["components"]["schemas"];
        let d = &schemas["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            d["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "kind": "Deployment", "version": "v1"}])
        );
        let ports = &schemas["io.k8s.api.core.v1.Container"]["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
        assert_eq!(ports["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(ports["x-kubernetes-list-type"], "map");
        assert_eq!(
            ports["x-kubernetes-list-map-keys"],
            json!(["containerPort", "protocol"])
        );
        assert_eq!(
            schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["replicas"]["type"],
            "integer"
        );
        assert!(
            schemas["io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"]["x-kubernetes-map-type"]
                == "atomic"
        );
        let patch =
            &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
        assert!(
            patch["requestBody"]["content"]
                .get("application/strategic-merge-patch+json")
                .is_some(),
            "{patch}"
        );
        // Every reference resolves inside the document.
        let text = doc.to_string();
        for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = &part[..part.find('"').unwrap()];
            assert!(schemas.get(name).is_some(), "{name} is missing");
        }
    })
    .await;
}

const TWO_CONTAINERS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.0
        ports:
        - containerPort: 80
      - name: side
        image: busybox:1.0
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_explain_and_client_side_apply_of_a_deployment() {
    tokio::time::timeout(std::time::Duration::from_secs(120), async {
        let s = client_testserver::TestServer::start().await.unwrap();
        let k = crate::kubectl::Kubectl::new(&s);
        let out = k.ok(&["explain", "deployment.spec.replicas"]).await;
        assert!(out.contains("FIELD: replicas <integer>"), "{out}");
        assert!(out.contains("Number of desired pods"), "{out}");
        let f = k.file("d.yaml", TWO_CONTAINERS);
        let f = f.to_str().unwrap();
        let out = k.ok(&["apply", "--validate=strict", "-f", f]).await;
        assert!(out.contains("deployment.apps/web created"), "{out}");
        k.file("d.yaml", &TWO_CONTAINERS.replace("nginx:1.0", "nginx:2.0"));
        s.requests().clear();
        let out = k.ok(&["apply", "--validate=strict", "-f", f]).await;
        assert!(out.contains("deployment.apps/web configured"), "{out}");
        let got = k
            .ok(&[
                "get",
                "deployment",
                "web",
                "-o",
                "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}",
            ])
            .await;
        assert_eq!(got.trim(), "web=nginx:2.0 side=busybox:1.0");
        // The second apply was a strategic merge patch kubectl computed
        // from the OpenAPI schemas ($setElementOrder keyed by name).
        let patch = s
            .requests()
            .all()
            .into_iter()
            .find(|r| r.method == "PATCH")
            .expect("kubectl patched");
        assert_eq!(
            patch.content_type.as_deref(),
            Some("application/strategic-merge-patch+json")
        );
        assert!(
            patch.body.contains("$setElementOrder/containers"),
            "{}",
            patch.body
        );
        // Client-side validation defers to the server: a wrong type is the
        // server's 400.
        let bad = k.file(
            "bad.yaml",
            &TWO_CONTAINERS
                .replace("name: web\nspec", "name: bad\nspec")
                .replace("replicas: 2", "replicas: two"),
        );
        let o = k
            .run(&["apply", "--validate=strict", "-f", bad.to_str().unwrap()])
            .await;
        assert!(!o.ok);
        assert!(
            o.stderr.contains("cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
            "{}",
            o.stderr
        );
    })
    .await
    .expect("test timed out");
}

/// kube-apiserver's own field-validation body: unknown and duplicate
/// fields, reported in body order; a field both unknown and duplicated
/// counts as unknown.
const INVALID_DEPLOYMENT: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "dupename", "name": "dup", "labels": {"app": "nginx"}, "unknownMeta": "metaVal"},
  "spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
    "paused": true, "paused": false, "selector": {"matchLabels": {"app": "nginx"}},
    "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx",
      "image": "nginx:latest", "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}"#;

const FINDINGS: [&str; 7] = [
    "duplicate field \"metadata.name\"",
    "unknown field \"metadata.unknownMeta\"",
    "unknown field \"spec.unknown1\"",
    "unknown field \"spec.unknownDupe\"",
    "duplicate field \"spec.paused\"",
    "unknown field \"spec.template.spec.containers[0].unknownNested\"",
    "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
];

#[tokio::test]
async fn duplicate_fields_are_reported_in_body_order() {
    within(async {
        let (_s, c) = server().await;
        let post = |q: &'static str| {
            let c = &c;
            async move {
                c.send(
                    "POST",
                    &format!("{DEPLOYS}{q}"),
                    Some("application/json"),
                    INVALID_DEPLOYMENT.as_bytes(),
                )
                .await
            }
        };
        let r = post("?fieldValidation=Strict").await;
        assert_status(
            &r,
            400,
            "BadRequest",
            &format!(
                "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: {}",
                FINDINGS.join(", ")
            ),
        );
        let r = post("").await;
        assert_eq!(r.status, 201, "{}", r.text());
        let want: Vec<String> = FINDINGS
            .iter()
            .map(|f| format!("299 - \"{}\"", f.replace('"', "\\\"")))
            .collect();
        assert_eq!(warnings(&r), want);
        let v = r.json();
        // The last value wins, as in Go.
        assert_eq!(v["metadata"]["name"], "dup");
        assert_eq!(v["spec"]["paused"], false);
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
            "Never"
        );
    })
    .await;
}

/// kube-apiserver's strategic merge patch case: the keys the patch repeats
/// (map keys and unknown fields included), then the patched object's
/// unknown fields.
#[tokio::test]
async fn patch_duplicates_come_before_the_unknown_fields() {
    within(async {
        let (_s, c) = server().await;
        let mut d = deployment("nginx");
        d["spec"]["template"]["spec"]["containers"] = json!([{"name": "nginx", "image": "nginx"}]);
        assert_eq!(c.post(DEPLOYS, &d).await.status, 201);
        let smp = r#"{"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2",
            "paused": true, "paused": false, "selector": {"matchLabels": {"app": "nginx"}},
            "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx",
              "unknownNested": "val1", "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}"#;
        let want = "strict decoding error: duplicate field \"spec.unknownDupe\", duplicate field \"spec.paused\", duplicate field \"spec.template.spec.containers[0].imagePullPolicy\", unknown field \"spec.template.spec.containers[0].unknownNested\", unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\"";
        let r = c
            .send(
                "PATCH",
                &format!("{DEPLOYS}/nginx?fieldValidation=Strict"),
                Some(SMP),
                smp.as_bytes(),
            )
            .await;
        assert_status(&r, 400, "BadRequest", want);
        let r = c
            .send("PATCH", &format!("{DEPLOYS}/nginx"), Some(SMP), smp.as_bytes())
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(warnings(&r).len(), 6, "{:?}", warnings(&r));
        assert_eq!(r.json()["spec"]["paused"], false);
    })
    .await;
}
