//! Derived clients against client-testserver (kube-apiserver semantics over
//! real HTTP): the CRD from `crd()` is accepted and served, the scale paths of
//! `scale(..)` work on a live server, and the server's request log shows the
//! method, path and query each generated method sends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use client_core::api::ConfigMap;
use client_core::{
    CreateOptions, DeleteOptions, GetOptions, ListOptions, Patch, PatchOptions, UpdateOptions,
};
use client_core::{ObjectMeta, Resource};
use client_testserver::{LoggedRequest, TestServer};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::{start, within};

#[derive(client_core::Resource, Clone, Debug, Default, Serialize, Deserialize)]
#[resource(
    group = "stable.example.com",
    version = "v1",
    short_names("ct"),
    categories("all"),
    status,
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas"
    ),
    printer_column(name = "Spec", type = "string", json_path = ".spec.cronSpec")
)]
struct CronTab {
    metadata: ObjectMeta,
    #[serde(default)]
    spec: CronTabSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    status: Option<CronTabStatus>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CronTabSpec {
    #[serde(default)]
    cron_spec: String,
    #[serde(default)]
    replicas: i32,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct CronTabStatus {
    #[serde(default)]
    replicas: i32,
}

fn last(server: &TestServer) -> LoggedRequest {
    server.requests().all().pop().expect("a request was logged")
}

#[tokio::test]
async fn crd_from_the_derive_is_served_and_the_typed_client_works_on_it() {
    within(async {
        let (server, rest) = start().await;
        let cs = client_core::BuiltinClientset::new(rest.clone());

        // The CRD that CronTab::crd() describes, created through the built-in clientset.
        let crd = cs
            .apiextensions_v1()
            .customresourcedefinitions()
            .create(&CronTab::crd(), &CreateOptions::default())
            .await
            .unwrap();
        assert!(crd.is_established(), "{crd:?}");
        let r = last(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            (
                "POST",
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            )
        );

        let crontabs = CronTab::client(&rest, "default");
        let mut obj = CronTab::default();
        obj.metadata.name = Some("a".into());
        obj.spec = CronTabSpec {
            cron_spec: "* * * * */5".into(),
            replicas: 2,
        };
        let created = crontabs
            .create(&obj, &CreateOptions::default())
            .await
            .unwrap();
        assert!(created.metadata().resource_version.is_some());
        let r = last(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            (
                "POST",
                "/apis/stable.example.com/v1/namespaces/default/crontabs"
            )
        );
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            (body["apiVersion"].as_str(), body["kind"].as_str()),
            (Some("stable.example.com/v1"), Some("CronTab"))
        );

        let got = crontabs.get("a", &GetOptions::default()).await.unwrap();
        assert_eq!(got.spec.cron_spec, "* * * * */5");

        let list = CronTab::all_namespaces(&rest)
            .list(&ListOptions::default().labels("!missing"))
            .await
            .unwrap();
        assert_eq!(list.items.len(), 1);
        let r = last(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("GET", "/apis/stable.example.com/v1/crontabs")
        );
        assert_eq!(r.query, "labelSelector=%21missing");

        // The status subresource, then the scale paths declared in scale(..).
        let mut with_status = got.clone();
        with_status.status = Some(CronTabStatus { replicas: 2 });
        let updated = crontabs
            .update_status(&with_status, &UpdateOptions::default())
            .await
            .unwrap();
        assert_eq!(updated.status.map(|s| s.replicas), Some(2));
        assert_eq!(
            last(&server).path,
            "/apis/stable.example.com/v1/namespaces/default/crontabs/a/status"
        );

        let scale = crontabs
            .get_scale("a", &GetOptions::default())
            .await
            .unwrap();
        let scale_json = serde_json::to_value(&scale).unwrap();
        assert_eq!(scale_json["spec"]["replicas"], 2, "{scale_json}");
        assert_eq!(scale_json["status"]["replicas"], 2, "{scale_json}");
        assert_eq!(
            last(&server).path,
            "/apis/stable.example.com/v1/namespaces/default/crontabs/a/scale"
        );

        let patch = Patch::Merge(json!({"spec": {"replicas": 5}}));
        crontabs
            .patch_scale("a", &patch, &PatchOptions::default())
            .await
            .unwrap();
        let after = crontabs.get("a", &GetOptions::default()).await.unwrap();
        assert_eq!(after.spec.replicas, 5, "scale wrote .spec.replicas");

        // Like kube-apiserver for custom resources, the server answers a DELETE
        // with the deleted object; whether DeleteOutcome calls that Finalizing
        // is client-core's call, so only the effect is checked here.
        crontabs
            .delete("a", &DeleteOptions::default())
            .await
            .unwrap();
        let r = last(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            (
                "DELETE",
                "/apis/stable.example.com/v1/namespaces/default/crontabs/a"
            )
        );
        let err = crontabs.get("a", &GetOptions::default()).await.unwrap_err();
        assert!(err.is_not_found(), "{err}");
    })
    .await;
}

#[tokio::test]
async fn built_in_clientset_reads_like_client_go() {
    within(async {
        let (server, rest) = start().await;
        let cs = client_core::BuiltinClientset::new(rest);
        let mut cm = ConfigMap::default();
        cm.metadata.name = Some("cfg".into());
        cs.core_v1()
            .configmaps("default")
            .create(&cm, &CreateOptions::default())
            .await
            .unwrap();
        // clientset.CoreV1().ConfigMaps("default").List(ctx, opts)
        let list = cs
            .core_v1()
            .configmaps("default")
            .list(&ListOptions::default())
            .await
            .unwrap();
        assert!(
            list.items
                .iter()
                .any(|c| c.metadata.name.as_deref() == Some("cfg"))
        );
        let r = last(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("GET", "/api/v1/namespaces/default/configmaps")
        );

        let namespaces = cs
            .core_v1()
            .namespaces()
            .list(&ListOptions::default())
            .await
            .unwrap();
        assert!(
            namespaces
                .items
                .iter()
                .any(|n| n.metadata.name.as_deref() == Some("kube-system"))
        );
        assert_eq!(last(&server).path, "/api/v1/namespaces");

        let leases = cs
            .coordination_v1()
            .leases("kube-node-lease")
            .list(&ListOptions::default())
            .await
            .unwrap();
        let _ = leases.items.len();
        assert_eq!(
            last(&server).path,
            "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"
        );
    })
    .await;
}
