use serde_json::json;

use crate::*;

#[tokio::test]
async fn crd_serves_resource_and_discovery() {
    within(async {
        let (_s, c) = server().await;
        let r = c.post(CRDS, &crontab_crd()).await;
        assert_eq!(r.status, 201);
        let v = r.json();
        let conds = v["status"]["conditions"].as_array().unwrap();
        for t in ["Established", "NamesAccepted"] {
            assert!(
                conds
                    .iter()
                    .any(|c| c["type"] == t && c["status"] == "True"),
                "{t}"
            );
        }
        assert_eq!(v["status"]["acceptedNames"]["kind"], "CronTab");
        assert_eq!(v["metadata"]["generation"], 1);
        let g = c.get("/apis").await.json();
        assert!(
            g["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["name"] == "stable.example.com")
        );
        let l = c.get("/apis/stable.example.com/v1").await.json();
        let res = l["resources"].as_array().unwrap();
        let main = res.iter().find(|x| x["name"] == "crontabs").unwrap();
        assert_eq!(main["shortNames"], json!(["ct"]));
        assert_eq!(main["categories"], json!(["all"]));
        assert_eq!(main["singularName"], "crontab");
        assert_eq!(main["namespaced"], true);
        assert!(res.iter().any(|x| x["name"] == "crontabs/status"));
        let scale = res.iter().find(|x| x["name"] == "crontabs/scale").unwrap();
        assert_eq!(scale["kind"], "Scale");
        // Deleting the CRD stops serving the resource.
        assert_eq!(c.post(CTS, &crontab("a")).await.status, 201);
        let r = c
            .delete(&format!("{CRDS}/crontabs.stable.example.com"))
            .await;
        assert_eq!(r.status, 200);
        let r = c.get(CTS).await;
        assert_eq!((r.status, r.text().as_str()), (404, "404 page not found\n"));
        let r = c.get("/apis/stable.example.com/v1").await;
        assert_eq!(r.status, 404);
        // Re-creating it serves an empty resource again.
        assert_eq!(c.post(CRDS, &crontab_crd()).await.status, 201);
        assert_eq!(c.get(CTS).await.json()["items"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn custom_resource_generation_status_and_rv_rules() {
    within(async {
        let (_s, c) = crd_server().await;
        let mut o = crontab("a");
        o["status"] = json!({"replicas": 9});
        let r = c.post(CTS, &o).await;
        assert_eq!(r.status, 201);
        let v = r.json();
        assert_eq!(v["metadata"]["generation"], 1);
        assert!(v.get("status").is_none(), "status dropped on create: {v}");
        let p = format!("{CTS}/a");
        // PUT without resourceVersion: 422.
        let r = c.put(&p, &crontab("a")).await;
        assert_status(&r, 422, "Invalid", "crontabs.stable.example.com \"a\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update");
        // ... but a missing object is NotFound first, as kube-apiserver checks existence first.
        let r = c.put(&format!("{CTS}/absent"), &crontab("absent")).await;
        assert_eq!(r.status, 404);
        // Status write: keeps spec, no generation bump.
        let mut s = v.clone();
        s["status"] = json!({"replicas": 3});
        s["spec"]["cronSpec"] = json!("ignored");
        let r = c.put(&format!("{p}/status"), &s).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let v2 = r.json();
        assert_eq!(v2["status"]["replicas"], 3);
        assert_eq!(v2["spec"]["cronSpec"], "* * * * */5");
        assert_eq!(v2["metadata"]["generation"], 1);
        // Main write: keeps status, bumps generation.
        let mut m = v2.clone();
        m["spec"]["cronSpec"] = json!("0 * * * *");
        m["status"] = json!({"replicas": 100});
        let v3 = c.put(&p, &m).await.json();
        assert_eq!(v3["metadata"]["generation"], 2);
        assert_eq!(v3["status"]["replicas"], 3);
        // Metadata-only change: no generation bump.
        let v4 = c
            .patch(&p, "application/merge-patch+json", &json!({"metadata": {"labels": {"a": "b"}}}))
            .await
            .json();
        assert_eq!(v4["metadata"]["generation"], 2);
        assert_ne!(v4["metadata"]["resourceVersion"], v3["metadata"]["resourceVersion"]);
        // Status patch.
        let r = c
            .patch(&format!("{p}/status"), "application/merge-patch+json", &json!({"status": {"replicas": 4}}))
            .await;
        assert_eq!(r.json()["status"]["replicas"], 4);
        // Strategic merge on a custom resource: 415.
        let r = c.patch(&p, "application/strategic-merge-patch+json", &json!({})).await;
        assert_status(&r, 415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        // PUT never creates a custom resource.
        let mut n = crontab("new");
        n["metadata"]["resourceVersion"] = json!("1");
        let r = c.put(&format!("{CTS}/new"), &n).await;
        assert_status(&r, 404, "NotFound", "crontabs.stable.example.com \"new\" not found");
        // Stale resourceVersion.
        let r = c.put(&p, &v3).await;
        assert_status(&r, 409, "Conflict", "Operation cannot be fulfilled on crontabs.stable.example.com \"a\": the object has been modified; please apply your changes to the latest version and try again");
    })
    .await;
}

#[tokio::test]
async fn scale_subresource() {
    within(async {
        let (_s, c) = crd_server().await;
        c.post(CTS, &crontab("a")).await;
        let p = format!("{CTS}/a/scale");
        let s = c.get(&p).await.json();
        assert_eq!(s["kind"], "Scale");
        assert_eq!(s["apiVersion"], "autoscaling/v1");
        assert_eq!(s["spec"]["replicas"], 1);
        assert_eq!(s["status"]["replicas"], 0);
        let r = c
            .patch(
                &p,
                "application/merge-patch+json",
                &json!({"spec": {"replicas": 5}}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["spec"]["replicas"], 5);
        let mut s2 = r.json();
        s2["spec"]["replicas"] = json!(7);
        let r = c.put(&p, &s2).await;
        assert_eq!(r.json()["spec"]["replicas"], 7);
        let o = c.get(&format!("{CTS}/a")).await.json();
        assert_eq!(o["spec"]["replicas"], 7);
        assert_eq!(o["metadata"]["generation"], 3);
        // Stale Scale resourceVersion.
        let r = c.put(&p, &s2).await;
        assert_eq!(r.status, 409);
        // Built-ins without a scale subresource: 404 Status.
        c.post(CMS, &cm("x")).await;
        let r = c.get(&format!("{CMS}/x/scale")).await;
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
async fn cluster_scoped_crd_and_rust_registration() {
    within(async {
        let (s, c) = server().await;
        let mut crd = crontab_crd();
        crd["metadata"]["name"] = json!("clusterthings.example.org");
        crd["spec"]["group"] = json!("example.org");
        crd["spec"]["scope"] = json!("Cluster");
        crd["spec"]["names"] = json!({"plural": "clusterthings", "kind": "ClusterThing"});
        s.store().register_crd(crd).unwrap();
        let p = "/apis/example.org/v1/clusterthings";
        let r = c.post(p, &json!({"metadata": {"name": "one"}, "spec": {}})).await;
        assert_eq!(r.status, 201);
        assert!(r.json()["metadata"].get("namespace").is_none());
        let r = c.get("/apis/example.org/v1/namespaces/default/clusterthings").await;
        assert_eq!(r.text(), "404 page not found\n");
        assert_eq!(s.store().get("example.org/v1", "clusterthings", None, "one").unwrap()["kind"], "ClusterThing");
        let mut clash = crontab_crd();
        clash["metadata"]["name"] = json!("leases.coordination.k8s.io");
        clash["spec"]["group"] = json!("coordination.k8s.io");
        clash["spec"]["names"] = json!({"plural": "leases", "kind": "Lease"});
        let r = c.post(CRDS, &clash).await;
        assert_eq!(r.status, 422, "{}", r.text());
        assert_eq!(c.get("/apis/coordination.k8s.io/v1/namespaces/default/leases").await.status, 200);
        let bad = json!({"metadata": {"name": "x.y"}, "spec": {"group": "y", "names": {"plural": "z", "kind": "Z"}, "versions": [{"name": "v1", "served": true, "storage": true}]}});
        let r = c.post(CRDS, &bad).await;
        assert_eq!(r.status, 422);
    })
    .await;
}

#[tokio::test]
async fn seeding_from_rust_goes_through_the_write_path() {
    within(async {
        let (s, c) = server().await;
        let st = s.store();
        let v = st
            .insert(
                "v1",
                "configmaps",
                json!({"metadata": {"name": "seed", "namespace": "default"}, "data": {"a": "1"}}),
            )
            .unwrap();
        assert!(v["metadata"]["uid"].is_string());
        assert_eq!(c.get(&format!("{CMS}/seed")).await.json()["data"]["a"], "1");
        assert_eq!(st.list("v1", "configmaps", Some("default")).len(), 1);
        assert_eq!(st.list("v1", "namespaces", None).len(), 4);
        let e = st
            .insert(
                "v1",
                "configmaps",
                json!({"metadata": {"name": "seed", "namespace": "default"}}),
            )
            .unwrap_err();
        assert_eq!(e.code, 409);
        st.delete("v1", "configmaps", Some("default"), "seed")
            .unwrap();
        assert!(
            st.get("v1", "configmaps", Some("default"), "seed")
                .is_none()
        );
        assert!(st.resource_version() > 4);
    })
    .await;
}

#[tokio::test]
async fn multi_version_crd_serves_every_version() {
    within(async {
        let (_s, c) = server().await;
        let mut crd = crontab_crd();
        let v1 = crd["spec"]["versions"][0].clone();
        let mut beta = v1.clone();
        beta["name"] = json!("v1beta1");
        beta["storage"] = json!(false);
        crd["spec"]["versions"] = json!([beta, v1]);
        assert_eq!(c.post(CRDS, &crd).await.status, 201);
        let beta_path = "/apis/stable.example.com/v1beta1/namespaces/default/crontabs";
        let mut o = crontab("a");
        o["apiVersion"] = json!("stable.example.com/v1beta1");
        assert_eq!(c.post(beta_path, &o).await.status, 201);
        let g = c.get(&format!("{CTS}/a")).await.json();
        assert_eq!(g["apiVersion"], "stable.example.com/v1");
        let l = c.get(CTS).await.json();
        assert_eq!(l["items"][0]["apiVersion"], "stable.example.com/v1");
        let g = c.get(&format!("{beta_path}/a")).await.json();
        assert_eq!(g["apiVersion"], "stable.example.com/v1beta1");
        let d = c.get("/apis/stable.example.com").await.json();
        assert_eq!(d["versions"].as_array().unwrap().len(), 2);
        assert_eq!(d["preferredVersion"]["version"], "v1");
    })
    .await;
}

#[tokio::test]
async fn crd_selectable_fields_are_field_selectors() {
    within(async {
        let (_s, c) = server().await;
        let mut crd = crontab_crd();
        crd["spec"]["versions"][0]["selectableFields"] = json!([{"jsonPath": ".spec.color"}]);
        assert_eq!(c.post(CRDS, &crd).await.status, 201);
        for (n, color) in [("a", "red"), ("b", "blue")] {
            let mut o = crontab(n);
            o["spec"]["color"] = json!(color);
            c.post(CTS, &o).await;
        }
        let l = c
            .get(&format!("{CTS}?fieldSelector=spec.color%3Dred"))
            .await
            .json();
        assert_eq!(l["items"].as_array().unwrap().len(), 1);
        assert_eq!(l["items"][0]["metadata"]["name"], "a");
        let r = c.get(&format!("{CTS}?fieldSelector=spec.size%3D1")).await;
        assert_status(
            &r,
            400,
            "BadRequest",
            "field label not supported: spec.size",
        );
    })
    .await;
}

#[tokio::test]
async fn crd_group_needs_a_dot() {
    within(async {
        let (s, c) = server().await;
        let mut crd = crontab_crd();
        crd["metadata"]["name"] = json!("crontabs.widgets");
        crd["spec"]["group"] = json!("widgets");
        let r = c.post(CRDS, &crd).await;
        assert_eq!(r.status, 422, "{}", r.text());
        let v = r.json();
        assert_eq!(
            v["message"],
            "CustomResourceDefinition.apiextensions.k8s.io \"crontabs.widgets\" is invalid: \
             spec.group: Invalid value: \"widgets\": should be a domain with at least one dot"
        );
        assert_eq!(v["details"]["causes"][0]["field"], "spec.group");
        assert_eq!(v["details"]["causes"][0]["reason"], "FieldValueInvalid");
        assert_eq!(c.get("/apis/widgets/v1").await.status, 404);
        // The Rust registration path applies the same rule.
        let e = s.store().register_crd(crd).unwrap_err();
        assert_eq!(e.code, 422, "{e:?}");
        assert!(
            e.message
                .ends_with("should be a domain with at least one dot"),
            "{e:?}"
        );
    })
    .await;
}
