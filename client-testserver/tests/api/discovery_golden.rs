//! The golden test of discovery: what the server lists equals kube's
//! published discovery documents of 1.33 (`data/kubernetes-1.33/discovery/`,
//! commits named in that directory's README) for every group-version it
//! serves: resources, verbs, short names, categories, scope, singular
//! names, kinds and subresources.
//!
//! Deliberate differences: `storageVersionHash` is not served; alpha and
//! beta group-versions (listed by the documents, which were written with
//! every API switched on) are not served, as a default kube-apiserver
//! does not serve them.

use serde_json::{Value, json};

use crate::{server, within};

fn data(file: &str) -> Value {
    let path = format!(
        "{}/../data/kubernetes-1.33/discovery/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ga(version: &str) -> bool {
    version[1..].bytes().all(|b| b.is_ascii_digit())
}

const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json;q=0.9";

#[tokio::test]
async fn core_v1_equals_kubes_list() {
    within(async {
        let (_s, c) = server().await;
        let served = c.get("/api/v1").await.json();
        let mut golden = data("api__v1.json");
        for r in golden["resources"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("storageVersionHash");
        }
        assert_eq!(served["groupVersion"], "v1");
        let (s, g) = (
            served["resources"].as_array().unwrap(),
            golden["resources"].as_array().unwrap(),
        );
        for (a, b) in s.iter().zip(g) {
            assert_eq!(a, b);
        }
        assert_eq!(s.len(), g.len(), "same resources and subresources");
        assert_eq!(served, golden, "the whole list, no apiVersion as kube's");
    })
    .await;
}

#[tokio::test]
async fn aggregated_apis_equal_kubes_for_every_served_version() {
    within(async {
        let (_s, c) = server().await;
        let r = c
            .send_with("GET", "/apis", None, b"", &[("Accept", AGGREGATED)])
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
        );
        let served = r.json();
        assert_eq!(served["kind"], "APIGroupDiscoveryList");
        let golden = data("aggregated_v2.json");
        // The golden groups with their GA versions, in kube's order.
        let mut expected = Vec::new();
        for g in golden["items"].as_array().unwrap() {
            let versions: Vec<Value> = g["versions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|v| ga(v["version"].as_str().unwrap()))
                .cloned()
                .collect();
            if !versions.is_empty() {
                expected.push(json!({"metadata": g["metadata"], "versions": versions}));
            }
        }
        let items = served["items"].as_array().unwrap();
        let names = |l: &[Value]| -> Vec<String> {
            l.iter()
                .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(names(items), names(&expected), "groups in kube's order");
        for (a, b) in items.iter().zip(&expected) {
            for (va, vb) in a["versions"]
                .as_array()
                .unwrap()
                .iter()
                .zip(b["versions"].as_array().unwrap())
            {
                assert_eq!(va["version"], vb["version"], "{}", a["metadata"]["name"]);
                for (ra, rb) in va["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .zip(vb["resources"].as_array().unwrap())
                {
                    assert_eq!(ra, rb, "{}/{}", a["metadata"]["name"], va["version"]);
                }
            }
            assert_eq!(a, b);
        }
        // The legacy documents name the same group-versions.
        let legacy = c.get("/apis").await.json();
        let gvs: Vec<&str> = legacy["groups"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["versions"].as_array().unwrap())
            .map(|v| v["groupVersion"].as_str().unwrap())
            .collect();
        assert_eq!(gvs.len(), 20, "{gvs:?}");
        assert!(gvs.contains(&"autoscaling/v1") && gvs.contains(&"autoscaling/v2"));
        assert!(
            !gvs.iter()
                .any(|g| g.contains("alpha") || g.contains("beta"))
        );
    })
    .await;
}

#[tokio::test]
async fn aggregated_core_and_legacy_per_group_version() {
    within(async {
        let (_s, c) = server().await;
        let r = c
            .send_with("GET", "/api", None, b"", &[("Accept", AGGREGATED)])
            .await;
        let core = r.json();
        let v1 = &core["items"][0];
        assert_eq!(v1["metadata"]["name"], "");
        let pods = v1["versions"][0]["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["resource"] == "pods")
            .unwrap()
            .clone();
        assert_eq!(pods["scope"], "Namespaced");
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert_eq!(pods["categories"], json!(["all"]));
        let eviction = pods["subresources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["subresource"] == "eviction")
            .unwrap();
        assert_eq!(
            eviction["responseKind"],
            json!({"group": "policy", "version": "v1", "kind": "Eviction"})
        );
        // Without the Accept, the legacy APIVersions.
        assert_eq!(c.get("/api").await.json()["kind"], "APIVersions");
        // /apis/apps/v1 lists the scale subresource in autoscaling/v1.
        let apps = c.get("/apis/apps/v1").await.json();
        let scale = apps["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "deployments/scale")
            .unwrap();
        assert_eq!(scale["group"], "autoscaling");
        assert_eq!(scale["version"], "v1");
        assert_eq!(scale["kind"], "Scale");
        assert_eq!(apps["apiVersion"], "v1");
        // Alpha and beta group-versions are not served.
        assert_eq!(c.get("/apis/resource.k8s.io/v1beta2").await.status, 404);
        assert_eq!(c.get("/apis/storage.k8s.io/v1beta1").await.status, 404);
    })
    .await;
}
